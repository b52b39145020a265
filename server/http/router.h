#pragma once

#include "httprequest.h"
#include "httpresponse.h"

#include <QHash>
#include <QStringList>

#include <functional>
#include <optional>

namespace Laces::Server {

struct Principal;
class RequestContext;

// Who may call a route.
struct Access
{
    enum class Kind { Public, Authenticated, Permission };
    Kind kind = Kind::Public;
    QString permission;

    static Access publicRoute() { return {Kind::Public, {}}; }
    static Access authenticated() { return {Kind::Authenticated, {}}; }
    static Access needs(const QString &permission) { return {Kind::Permission, permission}; }
};

struct RouteOptions
{
    qint64 maxBodyBytes = -1;   // -1: the server's default
    bool usesDatabase = true;   // false: the handler gets no connection (e.g. /metrics)
    bool bodyToFile = false;    // stream the body to a temporary file (uploads)
};

// Routes like "/twins/{id:uuid}". A segment parameter typed `uuid` is checked before the
// handler runs (a malformed one answers 400 naming the parameter).
class Router
{
public:
    using Handler = std::function<HttpResponse(RequestContext &)>;

    struct Route
    {
        QByteArray method;
        QString pattern;
        QStringList segments;
        Access access;
        Handler handler;
        qint64 maxBodyBytes = -1;   // -1: the server's default
        bool usesDatabase = true;   // false: the handler gets no connection (e.g. /metrics)
        bool bodyToFile = false;
    };

    using Options = RouteOptions;

    struct Match
    {
        const Route *route = nullptr;
        QHash<QString, QString> params;
        QString badParam;           // a typed parameter that did not parse
        QStringList allowedMethods; // when the path matched but the method did not
    };

    void add(const QByteArray &method, const QString &pattern, Access access, Handler handler,
             Options options = {});
    Match match(const QByteArray &method, const QString &path) const;
    const QList<Route> &routes() const { return m_routes; }

private:
    static bool matchSegments(const Route &route, const QStringList &parts,
                              QHash<QString, QString> *params, QString *badParam);
    QList<Route> m_routes;
};

} // namespace Laces::Server

#pragma once

#include "httprequest.h"
#include "result.h"

#include <QHash>
#include <QJsonObject>
#include <QUuid>

#include <optional>

namespace Laces::Server {

class PgConnection;

// The authenticated caller of a request.
struct Principal
{
    QUuid userId;
    QUuid organizationId;
    QUuid sessionId;
    QString username;
    QString role;
    QStringList permissions;
    // Set when an edge device's API key authenticated the request: it acts for this node
    // alone, with no user or session.
    QUuid nodeId;

    bool can(const QString &permission) const;
};

// What a route handler gets: the request, its path parameters and, on authenticated
// routes, the caller.
class RequestContext
{
public:
    RequestContext(const HttpRequest &request, QHash<QString, QString> params)
        : m_request(request)
        , m_params(std::move(params))
    {
    }

    const HttpRequest &request() const { return m_request; }
    QString param(const QString &name) const { return m_params.value(name); }
    QUuid uuidParam(const QString &name) const { return QUuid::fromString(m_params.value(name)); }

    // The database connection the dispatcher borrowed for this request.
    PgConnection &db() const { return *m_db; }
    void setDb(PgConnection *db) { m_db = db; }

    const Principal &principal() const { return *m_principal; }
    bool hasPrincipal() const { return m_principal.has_value(); }
    void setPrincipal(Principal principal) { m_principal = std::move(principal); }

    // A query parameter that must be an integer from 1 to `max`; `fallback` when absent.
    Core::Result<int> intQuery(const QString &name, int fallback, int max) const;

    // The 'search' query parameter as an ILIKE pattern that matches it literally ("50%"
    // finds "50%"): empty when absent, a 400 when longer than 200 characters.
    Core::Result<QString> searchPattern() const;

    // The body as a JSON object, or a 400-class error naming what is wrong with it.
    Core::Result<QJsonObject> jsonBody() const;

private:
    const HttpRequest &m_request;
    QHash<QString, QString> m_params;
    std::optional<Principal> m_principal;
    PgConnection *m_db = nullptr;
};

// Bytes that must hold one JSON object, or a 400 (field "body") saying what is wrong.
Core::Result<QJsonObject> parseJsonObject(const QByteArray &bytes);

} // namespace Laces::Server

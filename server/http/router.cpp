#include "router.h"

#include <QUuid>

namespace Laces::Server {

void Router::add(const QByteArray &method, const QString &pattern, Access access, Handler handler,
                 Options options)
{
    Route route;
    route.method = method;
    route.pattern = pattern;
    route.segments = pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    route.access = std::move(access);
    route.handler = std::move(handler);
    route.maxBodyBytes = options.maxBodyBytes;
    route.usesDatabase = options.usesDatabase;
    route.bodyToFile = options.bodyToFile;
    m_routes.append(std::move(route));
}

bool Router::matchSegments(const Route &route, const QStringList &parts,
                           QHash<QString, QString> *params, QString *badParam)
{
    if (route.segments.size() != parts.size())
        return false;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QString &segment = route.segments[i];
        if (!segment.startsWith(QLatin1Char('{'))) {
            if (segment != parts[i])
                return false;
            continue;
        }
        const QString spec = segment.mid(1, segment.size() - 2);
        const qsizetype colon = spec.indexOf(QLatin1Char(':'));
        const QString name = colon < 0 ? spec : spec.left(colon);
        const QString type = colon < 0 ? QString() : spec.mid(colon + 1);
        if (type == QLatin1String("uuid") && QUuid::fromString(parts[i]).isNull()
            && badParam->isEmpty())
            *badParam = name;
        params->insert(name, parts[i]);
    }
    return true;
}

Router::Match Router::match(const QByteArray &method, const QString &path) const
{
    const QStringList parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    // HEAD is served by the GET route, without the body.
    const QByteArray wanted = method == "HEAD" ? QByteArray("GET") : method;
    Match result;
    // Literal segments win over parameters: try exact-literal routes by counting literals.
    int bestLiterals = -1;
    for (const Route &route : m_routes) {
        QHash<QString, QString> params;
        QString badParam;
        if (!matchSegments(route, parts, &params, &badParam))
            continue;
        if (route.method != wanted) {
            if (!result.allowedMethods.contains(QString::fromLatin1(route.method)))
                result.allowedMethods.append(QString::fromLatin1(route.method));
            continue;
        }
        int literals = 0;
        for (const QString &segment : route.segments)
            literals += segment.startsWith(QLatin1Char('{')) ? 0 : 1;
        if (literals > bestLiterals) {
            bestLiterals = literals;
            result.route = &route;
            result.params = params;
            result.badParam = badParam;
        }
    }
    return result;
}

} // namespace Laces::Server

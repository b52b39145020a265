#include "requestcontext.h"

#include "json/repeatedkeys.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace Laces::Server {

using Core::Error;

bool Principal::can(const QString &permission) const
{
    if (permissions.contains(permission))
        return true;
    // Seeing a twin is implied by being allowed to create, edit or version it: the
    // product's engineer role has those three without twins.view.
    if (permission == QLatin1String("twins.view"))
        return permissions.contains(QLatin1String("twins.edit"))
               || permissions.contains(QLatin1String("twins.create"))
               || permissions.contains(QLatin1String("twins.version"));
    return false;
}

Core::Result<int> RequestContext::intQuery(const QString &name, int fallback, int max) const
{
    const QUrlQuery &query = m_request.query;
    if (!query.hasQueryItem(name))
        return fallback;
    bool ok = false;
    const int value = query.queryItemValue(name).toInt(&ok);
    if (!ok || value < 1 || value > max)
        return Error::invalid(QStringLiteral("'%1' must be an integer from 1 to %2").arg(name).arg(max), name);
    return value;
}

Core::Result<QString> RequestContext::searchPattern() const
{
    const QString search = m_request.query.queryItemValue(QStringLiteral("search"), QUrl::FullyDecoded).trimmed();
    if (search.size() > 200)
        return Error::invalid(QStringLiteral("'search' is too long"), QStringLiteral("search"));
    QString pattern = search;
    pattern.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
        .replace(QLatin1Char('%'), QLatin1String("\\%"))
        .replace(QLatin1Char('_'), QLatin1String("\\_"));
    return pattern;
}

Core::Result<QJsonObject> RequestContext::jsonBody() const
{
    const QByteArray contentType = m_request.header("content-type").toLower();
    if (!contentType.isEmpty() && !contentType.startsWith("application/json"))
        return Error{Error::Code::UnsupportedMediaType,
                     QStringLiteral("the body must be JSON (Content-Type: application/json)"),
                     QStringLiteral("body")};
    if (m_request.body.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("a JSON object body is required"), QStringLiteral("body"));
    return parseJsonObject(m_request.body);
}

Core::Result<QJsonObject> parseJsonObject(const QByteArray &bytes)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error::invalid(QStringLiteral("the body is not valid JSON: %1 at offset %2")
                                  .arg(parseError.errorString())
                                  .arg(parseError.offset),
                              QStringLiteral("body"));
    if (!document.isObject())
        return Error::invalid(QStringLiteral("the body must be a JSON object"), QStringLiteral("body"));
    if (const auto repeated = Core::firstRepeatedKey(bytes))
        return Error::invalid(QStringLiteral("'%1' is given more than once; give each field once").arg(*repeated),
                              *repeated);
    return document.object();
}

} // namespace Laces::Server

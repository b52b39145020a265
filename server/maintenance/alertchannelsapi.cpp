#include "alertchannelsapi.h"

#include "common/auditlog.h"
#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "http/jsonschema.h"
#include "http/requestcontext.h"
#include "maintenance/alertdelivery.h"
#include "maintenance/ticketstore.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace Laces::Server {

using Core::Error;

namespace {

const char *kChannelJson = "json_build_object('id', c.id, 'name', c.name, 'kind', c.kind, 'url', c.url, "
                           "'recipients', c.recipients, 'min_severity', c.min_severity, 'enabled', c.enabled, "
                           "'created_at', c.created_at)";

} // namespace

void AlertChannelsApi::registerRoutes(Router &router)
{
    const Access manage = Access::needs(QStringLiteral("alerts.manage"));
    router.add("GET", QStringLiteral("/alert-channels"), manage, [this](RequestContext &c) { return list(c); });
    router.add("POST", QStringLiteral("/alert-channels"), manage, [this](RequestContext &c) { return create(c); });
    router.add("DELETE", QStringLiteral("/alert-channels/{id:uuid}"), manage, [this](RequestContext &c) { return remove(c); });
    router.add("GET", QStringLiteral("/alert-channels/{id:uuid}/deliveries"), manage,
               [this](RequestContext &c) { return deliveries(c); });
}

HttpResponse AlertChannelsApi::list(RequestContext &context)
{
    auto rows = context.db().exec("SELECT " + QByteArray(kChannelJson) + " FROM alert_channels c "
                                  "WHERE c.organization_id = $1 ORDER BY c.name, c.id",
                                  {uuidParam(context.principal().organizationId)});
    if (!rows)
        return HttpResponse::fromError(rows.error());
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("items"), jsonArrayOf(*rows)}});
}

HttpResponse AlertChannelsApi::create(RequestContext &context)
{
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    static const QList<FieldSpec> fields{{QStringLiteral("name"), FieldSpec::Type::String, true, 1, 200},
                                         {QStringLiteral("kind"), FieldSpec::Type::String, true},
                                         {QStringLiteral("url"), FieldSpec::Type::String, false, 1, 2000},
                                         {QStringLiteral("recipients"), FieldSpec::Type::Array},
                                         {QStringLiteral("min_severity"), FieldSpec::Type::String},
                                         {QStringLiteral("enabled"), FieldSpec::Type::Bool}};
    if (auto valid = validateObject(*body, fields); !valid)
        return HttpResponse::fromError(valid.error());
    const QString kind = body->value(QStringLiteral("kind")).toString();
    if (kind != QLatin1String("webhook") && kind != QLatin1String("email") && kind != QLatin1String("sms"))
        return HttpResponse::fromError(
            Error::invalid(QStringLiteral("'kind' must be webhook, email or sms"), QStringLiteral("kind")));
    const QString minSeverity = body->value(QStringLiteral("min_severity")).toString(QStringLiteral("HIGH"));
    if (Severity::rank(minSeverity) < 0)
        return HttpResponse::fromError(Error::invalid(
            QStringLiteral("'min_severity' must be LOW, MEDIUM, HIGH or CRITICAL"), QStringLiteral("min_severity")));
    QStringList recipients;
    const QJsonArray items = body->value(QStringLiteral("recipients")).toArray();
    if (items.size() > 50)
        return HttpResponse::fromError(Error::invalid(QStringLiteral("at most 50 recipients"), QStringLiteral("recipients")));
    static const QRegularExpression email(QStringLiteral("^[^@\\s<>,\"]{1,64}@[A-Za-z0-9.-]{1,253}$"));
    static const QRegularExpression phone(QStringLiteral("^\\+[1-9][0-9]{6,14}$"));  // E.164
    for (int i = 0; i < items.size(); ++i) {
        const QString field = QStringLiteral("recipients[%1]").arg(i);
        const QString recipient = items.at(i).toString().trimmed();
        if (!items.at(i).isString()
            || !(kind == QLatin1String("sms") ? phone : email).match(recipient).hasMatch())
            return HttpResponse::fromError(Error::invalid(
                kind == QLatin1String("sms") ? QStringLiteral("'%1' must be a phone number in E.164 form (+4930…)").arg(field)
                                             : QStringLiteral("'%1' must be an e-mail address").arg(field),
                field));
        recipients.append(recipient);
    }
    QString url = body->value(QStringLiteral("url")).toString().trimmed();
    QString secret;
    if (kind == QLatin1String("email")) {
        if (recipients.isEmpty())
            return HttpResponse::fromError(
                Error::invalid(QStringLiteral("an e-mail channel needs 'recipients'"), QStringLiteral("recipients")));
        if (!url.isEmpty())
            return HttpResponse::fromError(
                Error::invalid(QStringLiteral("an e-mail channel has no 'url' (the server's --smtp-url is used)"),
                               QStringLiteral("url")));
    } else {
        if (url.isEmpty())
            return HttpResponse::fromError(Error::invalid(QStringLiteral("a %1 channel needs 'url'").arg(kind), QStringLiteral("url")));
        if (auto allowed = AlertDelivery::checkWebhookUrl(QUrl(url, QUrl::StrictMode), m_allowPrivate); !allowed)
            return HttpResponse::fromError(allowed.error());
        if (kind == QLatin1String("sms") && recipients.isEmpty())
            return HttpResponse::fromError(
                Error::invalid(QStringLiteral("an sms channel needs 'recipients' (phone numbers)"), QStringLiteral("recipients")));
        secret = AlertDelivery::newSecret();
    }
    PgConnection &db = context.db();
    Transaction transaction(db);
    auto created = db.exec("INSERT INTO alert_channels AS c (organization_id, name, kind, url, secret, recipients, "
                           "min_severity, enabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING " + QByteArray(kChannelJson),
                           {uuidParam(context.principal().organizationId),
                            body->value(QStringLiteral("name")).toString().trimmed().toUtf8(), kind.toUtf8(),
                            url.isEmpty() ? pgNull() : url.toUtf8(), secret.isEmpty() ? pgNull() : secret.toUtf8(),
                            textArrayParam(recipients), minSeverity.toUtf8(),
                            body->value(QStringLiteral("enabled")).toBool(true) ? QByteArray("true") : QByteArray("false")});
    if (!created)
        return HttpResponse::fromError(created.error());
    QJsonObject answer = jsonObjectAt(*created, 0);
    if (auto audited = recordAudit(db, context, QStringLiteral("alert_channel.create"), QStringLiteral("alert_channel"),
                                   answer.value(QStringLiteral("id")).toString(), {{QStringLiteral("kind"), kind}});
        !audited)
        return HttpResponse::fromError(audited.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    // The only time the signing secret is shown.
    if (!secret.isEmpty())
        answer.insert(QStringLiteral("secret"), secret);
    return HttpResponse::json(201, answer);
}

HttpResponse AlertChannelsApi::remove(RequestContext &context)
{
    PgConnection &db = context.db();
    Transaction transaction(db);
    const QString id = context.param(QStringLiteral("id"));
    auto deleted = db.exec("DELETE FROM alert_channels WHERE id = $1 AND organization_id = $2 RETURNING id",
                           {id.toUtf8(), uuidParam(context.principal().organizationId)});
    if (!deleted)
        return HttpResponse::fromError(deleted.error());
    if (deleted->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such alert channel")));
    if (auto audited = recordAudit(db, context, QStringLiteral("alert_channel.delete"), QStringLiteral("alert_channel"), id);
        !audited)
        return HttpResponse::fromError(audited.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    return HttpResponse::noContent();
}

HttpResponse AlertChannelsApi::deliveries(RequestContext &context)
{
    const auto limit = context.intQuery(QStringLiteral("limit"), 200, 1000);
    if (!limit)
        return HttpResponse::fromError(limit.error());
    auto rows = context.db().exec(
        "SELECT json_build_object('id', o.id, 'ticket_id', o.ticket_id, 'reason', o.reason, 'status', o.status, "
        "'attempts', o.attempts, 'next_attempt_at', o.next_attempt_at, 'last_error', o.last_error, "
        "'created_at', o.created_at, 'delivered_at', o.delivered_at, "
        "'attempt_log', coalesce((SELECT json_agg(json_build_object('attempted_at', a.attempted_at, 'ok', a.ok, "
        "  'status_code', a.status_code, 'error', a.error, 'duration_ms', a.duration_ms) ORDER BY a.id) "
        "  FROM alert_attempts a WHERE a.outbox_id = o.id), '[]'::json)) "
        "FROM alert_outbox o JOIN alert_channels c ON c.id = o.channel_id "
        "WHERE o.channel_id = $1 AND c.organization_id = $2 ORDER BY o.id DESC LIMIT $3",
        {context.param(QStringLiteral("id")).toUtf8(), uuidParam(context.principal().organizationId),
         QByteArray::number(*limit)});
    if (!rows)
        return HttpResponse::fromError(rows.error());
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("items"), jsonArrayOf(*rows)}});
}

} // namespace Laces::Server

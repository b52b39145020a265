#include "alertrulesapi.h"

#include "common/auditlog.h"
#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "http/jsonschema.h"
#include "http/requestcontext.h"
#include "maintenance/ticketstore.h"
#include "telemetry/telemetrymetrics.h"

#include <cmath>

namespace Laces::Server {

using Core::Error;

namespace {

const char *kRuleJson = "json_build_object('id', r.id, 'name', r.name, 'node_id', r.node_id, 'node_type', r.node_type, "
                        "'metric', r.metric, 'direction', r.direction, 'level', r.level, 'clear_level', r.clear_level, "
                        "'for_s', r.for_s, 'severity', r.severity, 'enabled', r.enabled, 'created_at', r.created_at, "
                        "'updated_at', r.updated_at)";

const QList<FieldSpec> &ruleFields(bool creating)
{
    static const QList<FieldSpec> create{{QStringLiteral("name"), FieldSpec::Type::String, false, 0, 200},
                                         {QStringLiteral("node_id"), FieldSpec::Type::StringOrNull},
                                         {QStringLiteral("node_type"), FieldSpec::Type::StringOrNull},
                                         {QStringLiteral("metric"), FieldSpec::Type::String, true, 1, 63},
                                         {QStringLiteral("direction"), FieldSpec::Type::String, true},
                                         {QStringLiteral("level"), FieldSpec::Type::Number, true},
                                         {QStringLiteral("clear_level"), FieldSpec::Type::NumberOrNull},
                                         {QStringLiteral("for_s"), FieldSpec::Type::Integer},
                                         {QStringLiteral("severity"), FieldSpec::Type::String, true},
                                         {QStringLiteral("enabled"), FieldSpec::Type::Bool}};
    static const QList<FieldSpec> patch = [] {
        QList<FieldSpec> fields = create;
        for (FieldSpec &field : fields)
            field.required = false;
        return fields;
    }();
    return creating ? create : patch;
}

// The whole rule, after defaults: every field checked together (a PATCH merges first).
Core::Result<QJsonObject> checkRule(QJsonObject rule, bool clearGiven)
{
    const QString metric = rule.value(QStringLiteral("metric")).toString();
    if (TelemetryMetrics::indexOf(metric) < 0)
        return Error::invalid(QStringLiteral("unknown metric '%1'; known: %2").arg(metric, TelemetryMetrics::names()),
                              QStringLiteral("metric"));
    const QString direction = rule.value(QStringLiteral("direction")).toString();
    if (direction != QLatin1String("above") && direction != QLatin1String("below"))
        return Error::invalid(QStringLiteral("'direction' must be above or below"), QStringLiteral("direction"));
    if (Severity::rank(rule.value(QStringLiteral("severity")).toString()) < 0)
        return Error::invalid(QStringLiteral("'severity' must be LOW, MEDIUM, HIGH or CRITICAL"), QStringLiteral("severity"));
    const double level = rule.value(QStringLiteral("level")).toDouble();
    if (!std::isfinite(level) || std::abs(level) > 1e12)
        return Error::invalid(QStringLiteral("'level' must be a finite number"), QStringLiteral("level"));
    const bool above = direction == QLatin1String("above");
    if (!clearGiven || rule.value(QStringLiteral("clear_level")).isNull()) {
        const double band = std::max(std::abs(level) * 0.05, 1e-9);
        rule.insert(QStringLiteral("clear_level"), above ? level - band : level + band);
    }
    const double clear = rule.value(QStringLiteral("clear_level")).toDouble();
    if (!std::isfinite(clear) || (above ? clear > level : clear < level))
        return Error::invalid(above ? QStringLiteral("'clear_level' must not be above 'level' for a rule on 'above'")
                                    : QStringLiteral("'clear_level' must not be below 'level' for a rule on 'below'"),
                              QStringLiteral("clear_level"));
    const int forS = rule.value(QStringLiteral("for_s")).toInt(60);
    if (forS < 0 || forS > 604800)
        return Error::invalid(QStringLiteral("'for_s' must be from 0 to 604800 (a week)"), QStringLiteral("for_s"));
    rule.insert(QStringLiteral("for_s"), forS);
    const QJsonValue node = rule.value(QStringLiteral("node_id"));
    if (node.isString() && QUuid::fromString(node.toString()).isNull())
        return Error::invalid(QStringLiteral("'node_id' must be a UUID or null"), QStringLiteral("node_id"));
    const QJsonValue type = rule.value(QStringLiteral("node_type"));
    if (type.isString() && (type.toString().trimmed().isEmpty() || type.toString().size() > 100))
        return Error::invalid(QStringLiteral("'node_type' must be 1 to 100 characters"), QStringLiteral("node_type"));
    if (node.isString() && type.isString())
        return Error::invalid(QStringLiteral("a rule names a node or a node type, not both"), QStringLiteral("node_type"));
    return rule;
}

Core::Status checkNode(PgConnection &db, const QJsonObject &rule, const QUuid &organizationId)
{
    const QJsonValue node = rule.value(QStringLiteral("node_id"));
    if (!node.isString())
        return Core::Ok{};
    auto found = db.exec("SELECT 1 FROM machine_nodes WHERE id = $1 AND organization_id = $2",
                         {node.toString().toUtf8(), uuidParam(organizationId)});
    if (!found)
        return found.error();
    if (found->rowCount() == 0)
        return Error::invalid(QStringLiteral("'node_id' names no node of your organization"), QStringLiteral("node_id"));
    return Core::Ok{};
}

QList<QByteArray> ruleParams(const QJsonObject &rule)
{
    const QJsonValue node = rule.value(QStringLiteral("node_id"));
    const QJsonValue type = rule.value(QStringLiteral("node_type"));
    return {pgParam(rule.value(QStringLiteral("name")).toString().trimmed()),
            node.isString() ? node.toString().toUtf8() : pgNull(),
            type.isString() ? type.toString().trimmed().toUtf8() : pgNull(),
            rule.value(QStringLiteral("metric")).toString().toUtf8(),
            rule.value(QStringLiteral("direction")).toString().toUtf8(),
            realParam(rule.value(QStringLiteral("level")).toDouble()),
            realParam(rule.value(QStringLiteral("clear_level")).toDouble()),
            QByteArray::number(rule.value(QStringLiteral("for_s")).toInt()),
            rule.value(QStringLiteral("severity")).toString().toUtf8(),
            rule.value(QStringLiteral("enabled")).toBool(true) ? QByteArray("true") : QByteArray("false")};
}

Core::Result<QJsonObject> ruleById(PgConnection &db, const QString &id, const QUuid &organizationId)
{
    auto row = db.exec("SELECT " + QByteArray(kRuleJson) + " FROM alert_rules r WHERE r.id = $1 AND r.organization_id = $2",
                       {id.toUtf8(), uuidParam(organizationId)});
    if (!row)
        return row.error();
    if (row->rowCount() == 0)
        return Error::notFound(QStringLiteral("no such alert rule"));
    return jsonObjectAt(*row, 0);
}

} // namespace

void AlertRulesApi::registerRoutes(Router &router)
{
    const Access manage = Access::needs(QStringLiteral("nodes.manage"));
    router.add("GET", QStringLiteral("/alert-rules"), manage, [this](RequestContext &c) { return list(c); });
    router.add("POST", QStringLiteral("/alert-rules"), manage, [this](RequestContext &c) { return create(c); });
    router.add("GET", QStringLiteral("/alert-rules/{id:uuid}"), manage, [this](RequestContext &c) { return get(c); });
    router.add("PATCH", QStringLiteral("/alert-rules/{id:uuid}"), manage, [this](RequestContext &c) { return update(c); });
    router.add("DELETE", QStringLiteral("/alert-rules/{id:uuid}"), manage, [this](RequestContext &c) { return remove(c); });
}

HttpResponse AlertRulesApi::list(RequestContext &context)
{
    auto rows = context.db().exec("SELECT " + QByteArray(kRuleJson) + " FROM alert_rules r WHERE r.organization_id = $1 "
                                  "ORDER BY r.metric, r.created_at, r.id",
                                  {uuidParam(context.principal().organizationId)});
    if (!rows)
        return HttpResponse::fromError(rows.error());
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("items"), jsonArrayOf(*rows)}});
}

HttpResponse AlertRulesApi::get(RequestContext &context)
{
    auto rule = ruleById(context.db(), context.param(QStringLiteral("id")), context.principal().organizationId);
    if (!rule)
        return HttpResponse::fromError(rule.error());
    return HttpResponse::json(200, *rule);
}

HttpResponse AlertRulesApi::create(RequestContext &context)
{
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    if (auto valid = validateObject(*body, ruleFields(true)); !valid)
        return HttpResponse::fromError(valid.error());
    auto rule = checkRule(*body, body->contains(QStringLiteral("clear_level")));
    if (!rule)
        return HttpResponse::fromError(rule.error());
    PgConnection &db = context.db();
    Transaction transaction(db);
    if (auto ok = checkNode(db, *rule, context.principal().organizationId); !ok)
        return HttpResponse::fromError(ok.error());
    QList<QByteArray> params = ruleParams(*rule);
    params.prepend(uuidParam(context.principal().organizationId));
    auto created = db.exec("INSERT INTO alert_rules AS r (organization_id, name, node_id, node_type, metric, direction, "
                           "level, clear_level, for_s, severity, enabled) "
                           "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING " + QByteArray(kRuleJson),
                           params);
    if (!created)
        return HttpResponse::fromError(created.error());
    const QJsonObject answer = jsonObjectAt(*created, 0);
    if (auto audited = recordAudit(db, context, QStringLiteral("alert_rule.create"), QStringLiteral("alert_rule"),
                                   answer.value(QStringLiteral("id")).toString());
        !audited)
        return HttpResponse::fromError(audited.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    HttpResponse response = HttpResponse::json(201, answer);
    response.setHeader("Location", "/alert-rules/" + answer.value(QStringLiteral("id")).toString().toLatin1());
    return response;
}

HttpResponse AlertRulesApi::update(RequestContext &context)
{
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    if (auto valid = validateObject(*body, ruleFields(false)); !valid)
        return HttpResponse::fromError(valid.error());
    if (body->isEmpty())
        return HttpResponse::fromError(Error::invalid(QStringLiteral("nothing to change"), QStringLiteral("body")));
    PgConnection &db = context.db();
    Transaction transaction(db);
    const QString id = context.param(QStringLiteral("id"));
    auto current = ruleById(db, id, context.principal().organizationId);
    if (!current)
        return HttpResponse::fromError(current.error());
    QJsonObject merged = *current;
    for (auto it = body->begin(); it != body->end(); ++it)
        merged.insert(it.key(), it.value());
    // A new level without a new clear level gets the default band again.
    const bool clearGiven = body->contains(QStringLiteral("clear_level"))
                            || (!body->contains(QStringLiteral("level")) && !body->contains(QStringLiteral("direction")));
    auto rule = checkRule(merged, clearGiven);
    if (!rule)
        return HttpResponse::fromError(rule.error());
    if (auto ok = checkNode(db, *rule, context.principal().organizationId); !ok)
        return HttpResponse::fromError(ok.error());
    QList<QByteArray> params = ruleParams(*rule);
    params.prepend(uuidParam(context.principal().organizationId));
    params.prepend(id.toUtf8());
    auto updated = db.exec("UPDATE alert_rules r SET name = $3, node_id = $4, node_type = $5, metric = $6, "
                           "direction = $7, level = $8, clear_level = $9, for_s = $10, severity = $11, enabled = $12, "
                           "updated_at = now() WHERE r.id = $1 AND r.organization_id = $2 RETURNING " + QByteArray(kRuleJson),
                           params);
    if (!updated)
        return HttpResponse::fromError(updated.error());
    // A changed rule starts from a clean state on every node.
    if (auto reset = db.exec("DELETE FROM alert_states WHERE rule_key = $1", {id.toUtf8()}); !reset)
        return HttpResponse::fromError(reset.error());
    if (auto audited = recordAudit(db, context, QStringLiteral("alert_rule.update"), QStringLiteral("alert_rule"), id);
        !audited)
        return HttpResponse::fromError(audited.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    return HttpResponse::json(200, jsonObjectAt(*updated, 0));
}

HttpResponse AlertRulesApi::remove(RequestContext &context)
{
    PgConnection &db = context.db();
    Transaction transaction(db);
    const QString id = context.param(QStringLiteral("id"));
    auto deleted = db.exec("DELETE FROM alert_rules WHERE id = $1 AND organization_id = $2 RETURNING id",
                           {id.toUtf8(), uuidParam(context.principal().organizationId)});
    if (!deleted)
        return HttpResponse::fromError(deleted.error());
    if (deleted->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such alert rule")));
    if (auto reset = db.exec("DELETE FROM alert_states WHERE rule_key = $1", {id.toUtf8()}); !reset)
        return HttpResponse::fromError(reset.error());
    if (auto audited = recordAudit(db, context, QStringLiteral("alert_rule.delete"), QStringLiteral("alert_rule"), id);
        !audited)
        return HttpResponse::fromError(audited.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    return HttpResponse::noContent();
}

} // namespace Laces::Server

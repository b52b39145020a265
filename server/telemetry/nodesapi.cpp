#include "nodesapi.h"

#include "common/auditlog.h"
#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "http/jsonschema.h"
#include "http/requestcontext.h"
#include "auth/apikeys.h"
#include "maintenance/healthapi.h"
#include "telemetry/telemetrymetrics.h"

#include <QJsonArray>

#include <cmath>

namespace Laces::Server {

using Core::Error;

namespace {

const QList<FieldSpec> &nodeFields(bool creating)
{
    static const QList<FieldSpec> create{{QStringLiteral("name"), FieldSpec::Type::String, true, 1, 200},
                                         {QStringLiteral("type"), FieldSpec::Type::String, true, 1, 100},
                                         {QStringLiteral("latitude"), FieldSpec::Type::Number, true},
                                         {QStringLiteral("longitude"), FieldSpec::Type::Number, true},
                                         {QStringLiteral("site"), FieldSpec::Type::String, false, 0, 200},
                                         {QStringLiteral("status"), FieldSpec::Type::String},
                                         {QStringLiteral("twin_id"), FieldSpec::Type::StringOrNull},
                                         {QStringLiteral("properties"), FieldSpec::Type::Object},
                                         {QStringLiteral("sensors"), FieldSpec::Type::Array}};
    static const QList<FieldSpec> patch = [] {
        QList<FieldSpec> fields = create;
        for (FieldSpec &field : fields)
            field.required = false;
        return fields;
    }();
    return creating ? create : patch;
}

Error nameTaken()
{
    Error error = Error::conflict(QStringLiteral("a node with that name already exists"));
    error.field = QStringLiteral("name");
    return error;
}

struct Sensor
{
    QString metric;
    QString unit;
    QByteArray min, max, warnAbove, sampleRate, component;  // SQL parameters (null when absent)
};

QByteArray optionalNumber(const QJsonObject &object, const QString &key)
{
    const QJsonValue value = object.value(key);
    return value.isDouble() ? realParam(value.toDouble()) : pgNull();
}

// Checks the body's node fields beyond their types; the sensors when given.
Core::Result<std::optional<QList<Sensor>>> checkNode(const QJsonObject &body)
{
    const auto inRange = [&](const QString &field, double limit) -> Core::Status {
        if (body.contains(field) && std::abs(body.value(field).toDouble()) > limit)
            return Error::invalid(QStringLiteral("'%1' must be between -%2 and %2").arg(field).arg(limit), field);
        return Core::Ok{};
    };
    if (auto ok = inRange(QStringLiteral("latitude"), 90); !ok)
        return ok.error();
    if (auto ok = inRange(QStringLiteral("longitude"), 180); !ok)
        return ok.error();
    if (body.contains(QStringLiteral("status"))) {
        static const QStringList statuses{QStringLiteral("online"), QStringLiteral("offline"),
                                          QStringLiteral("maintenance")};
        if (!statuses.contains(body.value(QStringLiteral("status")).toString()))
            return Error::invalid(QStringLiteral("'status' must be online, offline or maintenance"),
                                  QStringLiteral("status"));
    }
    const QJsonValue twin = body.value(QStringLiteral("twin_id"));
    if (twin.isString() && QUuid::fromString(twin.toString()).isNull())
        return Error::invalid(QStringLiteral("'twin_id' must be a UUID or null"), QStringLiteral("twin_id"));
    if (!body.contains(QStringLiteral("sensors")))
        return std::optional<QList<Sensor>>();

    static const QList<FieldSpec> sensorFields{{QStringLiteral("metric"), FieldSpec::Type::String, true, 1, 63},
                                               {QStringLiteral("unit"), FieldSpec::Type::String, false, 0, 20},
                                               {QStringLiteral("min"), FieldSpec::Type::NumberOrNull},
                                               {QStringLiteral("max"), FieldSpec::Type::NumberOrNull},
                                               {QStringLiteral("warn_above"), FieldSpec::Type::NumberOrNull},
                                               {QStringLiteral("sample_rate_hz"), FieldSpec::Type::NumberOrNull},
                                               {QStringLiteral("component"), FieldSpec::Type::StringOrNull}};
    const QJsonArray items = body.value(QStringLiteral("sensors")).toArray();
    if (items.size() > TelemetryMetrics::count())
        return Error::invalid(QStringLiteral("a node has at most one sensor per metric"), QStringLiteral("sensors"));
    QList<Sensor> sensors;
    for (int i = 0; i < items.size(); ++i) {
        const QString where = QStringLiteral("sensors[%1]").arg(i);
        if (!items.at(i).isObject())
            return Error::invalid(QStringLiteral("'%1' must be an object").arg(where), where);
        const QJsonObject item = items.at(i).toObject();
        if (auto valid = validateObject(item, sensorFields); !valid) {
            Error error = valid.error();
            error.message = where + QStringLiteral(": ") + error.message;
            error.field = where + QLatin1Char('.') + error.field;
            return error;
        }
        Sensor sensor;
        sensor.metric = item.value(QStringLiteral("metric")).toString();
        const int metric = TelemetryMetrics::indexOf(sensor.metric);
        if (metric < 0)
            return Error::invalid(QStringLiteral("%1: unknown metric '%2'; known: %3")
                                      .arg(where, sensor.metric, TelemetryMetrics::names()),
                                  where + QStringLiteral(".metric"));
        if (std::any_of(sensors.begin(), sensors.end(), [&](const Sensor &s) { return s.metric == sensor.metric; }))
            return Error::invalid(QStringLiteral("%1: metric '%2' is listed twice").arg(where, sensor.metric),
                                  where + QStringLiteral(".metric"));
        sensor.unit = item.contains(QStringLiteral("unit"))
                          ? item.value(QStringLiteral("unit")).toString().trimmed()
                          : QString::fromUtf8(TelemetryMetrics::all().at(metric).unit);
        const QJsonValue min = item.value(QStringLiteral("min"));
        const QJsonValue max = item.value(QStringLiteral("max"));
        if (min.isDouble() && max.isDouble() && min.toDouble() >= max.toDouble())
            return Error::invalid(QStringLiteral("%1: 'min' must be below 'max'").arg(where), where + QStringLiteral(".min"));
        const QJsonValue rate = item.value(QStringLiteral("sample_rate_hz"));
        if (rate.isDouble() && !(rate.toDouble() > 0))
            return Error::invalid(QStringLiteral("%1: 'sample_rate_hz' must be above 0").arg(where),
                                  where + QStringLiteral(".sample_rate_hz"));
        sensor.min = optionalNumber(item, QStringLiteral("min"));
        sensor.max = optionalNumber(item, QStringLiteral("max"));
        sensor.warnAbove = optionalNumber(item, QStringLiteral("warn_above"));
        sensor.sampleRate = optionalNumber(item, QStringLiteral("sample_rate_hz"));
        const QString component = item.value(QStringLiteral("component")).toString().trimmed();
        if (component.size() > 200)
            return Error::invalid(QStringLiteral("%1: 'component' is too long").arg(where), where + QStringLiteral(".component"));
        sensor.component = component.isEmpty() ? pgNull() : component.toUtf8();
        sensors.append(sensor);
    }
    return std::optional<QList<Sensor>>(sensors);
}

// A node body, checked: its fields, and its sensors when it gives them.
struct NodeInput
{
    QJsonObject body;
    std::optional<QList<Sensor>> sensors;
};

Core::Result<NodeInput> readNode(const RequestContext &context, bool creating)
{
    auto body = context.jsonBody();
    if (!body)
        return body.error();
    if (auto valid = validateObject(*body, nodeFields(creating)); !valid)
        return valid.error();
    if (!creating && body->isEmpty())
        return Error::invalid(QStringLiteral("nothing to change"), QStringLiteral("body"));
    auto sensors = checkNode(*body);
    if (!sensors)
        return sensors.error();
    return NodeInput{*body, *sensors};
}

Core::Status replaceSensors(PgConnection &db, const QString &nodeId, const QList<Sensor> &sensors)
{
    if (auto cleared = db.exec("DELETE FROM node_sensors WHERE node_id = $1", {pgParam(nodeId)}); !cleared)
        return cleared.error();
    for (const Sensor &sensor : sensors) {
        auto inserted = db.exec("INSERT INTO node_sensors (node_id, metric, unit, min_value, max_value, warn_above, "
                                "sample_rate_hz, component) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                                {pgParam(nodeId), pgParam(sensor.metric), pgParam(sensor.unit), sensor.min,
                                 sensor.max, sensor.warnAbove, sensor.sampleRate, sensor.component});
        if (!inserted)
            return inserted.error();
    }
    return Core::Ok{};
}

// The twin a node links to must be one of the organization's.
Core::Status checkTwin(PgConnection &db, const QJsonObject &body, const QUuid &organizationId)
{
    const QJsonValue twin = body.value(QStringLiteral("twin_id"));
    if (!twin.isString())
        return Core::Ok{};
    auto found = db.exec("SELECT 1 FROM digital_twins WHERE id = $1 AND organization_id = $2",
                         {pgParam(twin.toString()), uuidParam(organizationId)});
    if (!found)
        return found.error();
    if (found->rowCount() == 0)
        return Error::invalid(QStringLiteral("'twin_id' names no twin of your organization"), QStringLiteral("twin_id"));
    return Core::Ok{};
}

Core::Result<QJsonObject> nodeById(PgConnection &db, const QString &id, const QUuid &organizationId)
{
    auto row = db.exec("SELECT " + QByteArray(NodesApi::nodeJsonSql())
                           + " FROM machine_nodes n WHERE n.id = $1 AND n.organization_id = $2",
                       {pgParam(id), uuidParam(organizationId)});
    if (!row)
        return row.error();
    if (row->rowCount() == 0)
        return Error::notFound(QStringLiteral("no such node"));
    return jsonObjectAt(*row, 0);
}

// After a node's row is written: its sensors, the audit entry, COMMIT; the node as it is now.
Core::Result<QJsonObject> finishNodeWrite(PgConnection &db, Transaction &transaction, const RequestContext &context,
                                          const QString &id, const NodeInput &input, const QString &action)
{
    if (input.sensors) {
        if (auto replaced = replaceSensors(db, id, *input.sensors); !replaced)
            return replaced.error();
    }
    auto node = nodeById(db, id, context.principal().organizationId);
    if (!node)
        return node.error();
    if (auto audited = recordAudit(db, context, action, QStringLiteral("node"), id,
                                   {{QStringLiteral("fields"), QJsonArray::fromStringList(input.body.keys())}});
        !audited)
        return audited.error();
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return node;
}

const char *kKeyJson = "json_build_object('id', k.id, 'name', k.name, 'prefix', k.prefix, 'node_id', k.node_id, "
                       "'created_at', k.created_at, 'last_used_at', k.last_used_at, 'revoked_at', k.revoked_at)";

} // namespace

const char *NodesApi::nodeJsonSql()
{
    return "json_build_object('id', n.id, 'name', n.name, 'type', n.node_type, 'latitude', n.latitude, "
           "'longitude', n.longitude, 'site', n.site, 'status', n.status, 'twin_id', n.twin_id, "
           "'properties', n.properties, 'created_at', n.created_at, 'last_seen_at', n.last_seen_at, "
           "'sensors', coalesce((SELECT json_agg(json_build_object('metric', s.metric, 'unit', s.unit, "
           "'min', s.min_value, 'max', s.max_value, 'warn_above', s.warn_above, 'sample_rate_hz', s.sample_rate_hz, 'component', s.component) "
           "ORDER BY s.metric) FROM node_sensors s WHERE s.node_id = n.id), '[]'::json))";
}

void NodesApi::registerRoutes(Router &router)
{
    const Access view = Access::needs(QStringLiteral("twins.view"));
    const Access manage = Access::needs(QStringLiteral("nodes.manage"));
    router.add("GET", QStringLiteral("/nodes"), view, [this](RequestContext &c) { return list(c); });
    router.add("POST", QStringLiteral("/nodes"), manage, [this](RequestContext &c) { return create(c); });
    router.add("GET", QStringLiteral("/nodes/{id:uuid}"), view, [this](RequestContext &c) { return get(c); });
    router.add("PATCH", QStringLiteral("/nodes/{id:uuid}"), manage, [this](RequestContext &c) { return update(c); });
    router.add("DELETE", QStringLiteral("/nodes/{id:uuid}"), manage, [this](RequestContext &c) { return remove(c); });
    router.add("POST", QStringLiteral("/nodes/{id:uuid}/api-keys"), manage,
               [this](RequestContext &c) { return createKey(c); });
    router.add("GET", QStringLiteral("/nodes/{id:uuid}/api-keys"), manage,
               [this](RequestContext &c) { return listKeys(c); });
    router.add("DELETE", QStringLiteral("/nodes/{id:uuid}/api-keys/{key_id:uuid}"), manage,
               [this](RequestContext &c) { return revokeKey(c); });
}

HttpResponse NodesApi::list(RequestContext &context)
{
    const auto page = context.intQuery(QStringLiteral("page"), 1, 1000000);
    if (!page)
        return HttpResponse::fromError(page.error());
    const auto perPage = context.intQuery(QStringLiteral("per_page"), 100, 500);
    if (!perPage)
        return HttpResponse::fromError(perPage.error());
    const QUrlQuery &query = context.request().query;
    const QString twin = query.queryItemValue(QStringLiteral("twin_id"));
    if (!twin.isEmpty() && QUuid::fromString(twin).isNull())
        return HttpResponse::fromError(Error::invalid(QStringLiteral("'twin_id' must be a UUID"), QStringLiteral("twin_id")));
    const auto pattern = context.searchPattern();
    if (!pattern)
        return HttpResponse::fromError(pattern.error());
    // Where: a bounding box (rectangular in longitude and latitude; a min longitude above
    // the max crosses the antimeridian) and/or a radius around a point, on the spheroid.
    const auto box = boundingBoxParams(query);
    if (!box)
        return HttpResponse::fromError(box.error());
    QByteArray nearLat = pgNull(), nearLon = pgNull(), radiusM = pgNull();
    if (query.hasQueryItem(QStringLiteral("near"))) {
        const QStringList parts = query.queryItemValue(QStringLiteral("near")).split(QLatin1Char(','));
        bool latOk = false, lonOk = false;
        const double lat = parts.size() == 2 ? parts.at(0).trimmed().toDouble(&latOk) : 0;
        const double lon = parts.size() == 2 ? parts.at(1).trimmed().toDouble(&lonOk) : 0;
        if (!latOk || !lonOk || std::abs(lat) > 90 || std::abs(lon) > 180)
            return HttpResponse::fromError(Error::invalid(
                QStringLiteral("'near' must be lat,lon in degrees (latitude within ±90, longitude within ±180)"),
                QStringLiteral("near")));
        bool radiusOk = false;
        const double radiusKm = query.queryItemValue(QStringLiteral("radius_km")).toDouble(&radiusOk);
        if (!radiusOk || !(radiusKm > 0) || radiusKm > 20040)
            return HttpResponse::fromError(Error::invalid(
                QStringLiteral("'near' needs 'radius_km', above 0 and at most 20040 (half the Earth's circumference)"),
                QStringLiteral("radius_km")));
        nearLat = realParam(lat);
        nearLon = realParam(lon);
        radiusM = realParam(radiusKm * 1000);
    } else if (query.hasQueryItem(QStringLiteral("radius_km"))) {
        return HttpResponse::fromError(
            Error::invalid(QStringLiteral("'radius_km' needs 'near=lat,lon'"), QStringLiteral("near")));
    }
    auto rows = context.db().exec(
        "SELECT " + QByteArray(nodeJsonSql()) + ", count(*) OVER () FROM machine_nodes n "
        "WHERE n.organization_id = $1 AND ($2 = '' OR n.name ILIKE '%' || $2 || '%' OR n.site ILIKE '%' || $2 || '%') "
        "AND ($3::uuid IS NULL OR n.twin_id = $3) "
        "AND " + boundingBoxCondition(6) + " "
        "AND ($10::float8 IS NULL OR ST_DWithin(n.location, ST_SetSRID(ST_MakePoint($11, $10), 4326)::geography, $12)) "
        "ORDER BY lower(n.name), n.id LIMIT $4 OFFSET $5",
        {uuidParam(context.principal().organizationId), pgParam(*pattern), twin.isEmpty() ? pgNull() : pgParam(twin),
         pgParam(qint64(*perPage)), pgParam(qint64(*page - 1) * *perPage), box->at(0), box->at(1), box->at(2), box->at(3), nearLat,
         nearLon, radiusM});
    if (!rows)
        return HttpResponse::fromError(rows.error());
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("items"), jsonArrayOf(*rows)},
                                               {QStringLiteral("total"), double(rows->rowCount() > 0 ? rows->integer(0, 1) : 0)},
                                               {QStringLiteral("page"), *page},
                                               {QStringLiteral("per_page"), *perPage}});
}

HttpResponse NodesApi::create(RequestContext &context)
{
    auto input = readNode(context, true);
    if (!input)
        return HttpResponse::fromError(input.error());
    const QJsonObject &body = input->body;
    PgConnection &db = context.db();
    Transaction transaction(db);
    if (auto ok = checkTwin(db, body, context.principal().organizationId); !ok)
        return HttpResponse::fromError(ok.error());
    const QJsonValue twin = body.value(QStringLiteral("twin_id"));
    auto created = db.exec(
        "INSERT INTO machine_nodes (organization_id, name, node_type, latitude, longitude, site, status, twin_id, "
        "properties) VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, 'offline'), $8, $9::jsonb) RETURNING id",
        {uuidParam(context.principal().organizationId),
         pgParam(body.value(QStringLiteral("name")).toString().trimmed()),
         pgParam(body.value(QStringLiteral("type")).toString().trimmed()),
         realParam(body.value(QStringLiteral("latitude")).toDouble()),
         realParam(body.value(QStringLiteral("longitude")).toDouble()),
         pgParam(body.value(QStringLiteral("site")).toString().trimmed()),
         body.contains(QStringLiteral("status")) ? pgParam(body.value(QStringLiteral("status")).toString()) : pgNull(),
         twin.isString() ? pgParam(twin.toString()) : pgNull(),
         jsonParam(body.value(QStringLiteral("properties")).toObject())});
    if (!created)
        return HttpResponse::fromError(created.error().code == Error::Code::Conflict ? nameTaken() : created.error());
    const QString id = created->text(0, 0);
    auto node = finishNodeWrite(db, transaction, context, id, *input, QStringLiteral("node.create"));
    if (!node)
        return HttpResponse::fromError(node.error());
    HttpResponse response = HttpResponse::json(201, *node);
    response.setHeader("Location", "/nodes/" + id.toLatin1());
    return response;
}

HttpResponse NodesApi::get(RequestContext &context)
{
    auto node = nodeById(context.db(), context.param(QStringLiteral("id")), context.principal().organizationId);
    if (!node)
        return HttpResponse::fromError(node.error());
    return HttpResponse::json(200, *node);
}

HttpResponse NodesApi::update(RequestContext &context)
{
    auto input = readNode(context, false);
    if (!input)
        return HttpResponse::fromError(input.error());
    const QJsonObject &body = input->body;
    PgConnection &db = context.db();
    Transaction transaction(db);
    if (auto ok = checkTwin(db, body, context.principal().organizationId); !ok)
        return HttpResponse::fromError(ok.error());
    const auto text = [&](const QString &field) {
        return body.contains(field) ? pgParam(body.value(field).toString().trimmed()) : pgNull();
    };
    const auto number = [&](const QString &field) {
        return body.contains(field) ? realParam(body.value(field).toDouble()) : pgNull();
    };
    const QString id = context.param(QStringLiteral("id"));
    auto updated = db.exec(
        "UPDATE machine_nodes SET name = coalesce($3, name), node_type = coalesce($4, node_type), "
        "latitude = coalesce($5::float8, latitude), longitude = coalesce($6::float8, longitude), "
        "site = coalesce($7, site), status = coalesce($8, status), "
        "twin_id = CASE WHEN $9 THEN $10::uuid ELSE twin_id END, properties = coalesce($11::jsonb, properties) "
        "WHERE id = $1 AND organization_id = $2 RETURNING id",
        {pgParam(id), uuidParam(context.principal().organizationId), text(QStringLiteral("name")),
         text(QStringLiteral("type")), number(QStringLiteral("latitude")), number(QStringLiteral("longitude")),
         text(QStringLiteral("site")), text(QStringLiteral("status")),
         body.contains(QStringLiteral("twin_id")) ? QByteArray("true") : QByteArray("false"),
         body.value(QStringLiteral("twin_id")).isString() ? pgParam(body.value(QStringLiteral("twin_id")).toString())
                                                          : pgNull(),
         body.contains(QStringLiteral("properties")) ? jsonParam(body.value(QStringLiteral("properties")).toObject())
                                                     : pgNull()});
    if (!updated)
        return HttpResponse::fromError(updated.error().code == Error::Code::Conflict ? nameTaken() : updated.error());
    if (updated->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such node")));
    auto node = finishNodeWrite(db, transaction, context, id, *input, QStringLiteral("node.update"));
    if (!node)
        return HttpResponse::fromError(node.error());
    return HttpResponse::json(200, *node);
}

HttpResponse NodesApi::remove(RequestContext &context)
{
    PgConnection &db = context.db();
    Transaction transaction(db);
    // Its telemetry is deleted below: not while the housekeeping rewrites it.
    if (auto locked = db.exec("SELECT pg_advisory_xact_lock(hashtext('laces.telemetry.partitions'))"); !locked)
        return HttpResponse::fromError(locked.error());
    const QString id = context.param(QStringLiteral("id"));
    auto deleted = db.exec("DELETE FROM machine_nodes WHERE id = $1 AND organization_id = $2 RETURNING name",
                           {pgParam(id), uuidParam(context.principal().organizationId)});
    if (!deleted)
        return HttpResponse::fromError(deleted.error());
    if (deleted->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such node")));
    // Its telemetry goes with it (the partitioned and rollup tables carry no foreign key).
    for (const char *table : {"telemetry_data", "telemetry_rollup_1m", "telemetry_rollup_1h", "telemetry_chunks"}) {
        if (auto cleared = db.exec("DELETE FROM " + QByteArray(table) + " WHERE node_id = $1", {pgParam(id)}); !cleared)
            return HttpResponse::fromError(cleared.error());
    }
    if (auto audited = recordAudit(db, context, QStringLiteral("node.delete"), QStringLiteral("node"), id,
                                   {{QStringLiteral("name"), deleted->text(0, 0)}});
        !audited)
        return HttpResponse::fromError(audited.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    return HttpResponse::noContent();
}

HttpResponse NodesApi::createKey(RequestContext &context)
{
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    static const QList<FieldSpec> fields{{QStringLiteral("name"), FieldSpec::Type::String, true, 1, 200}};
    if (auto valid = validateObject(*body, fields); !valid)
        return HttpResponse::fromError(valid.error());
    PgConnection &db = context.db();
    Transaction transaction(db);
    const QString nodeId = context.param(QStringLiteral("id"));
    if (auto node = nodeById(db, nodeId, context.principal().organizationId); !node)
        return HttpResponse::fromError(node.error());
    const ApiKeys::NewKey key = ApiKeys::generate();
    auto created = db.exec("INSERT INTO api_keys AS k (organization_id, node_id, name, prefix, key_hash, created_by) "
                           "VALUES ($1, $2, $3, $4, decode($5, 'hex'), $6) RETURNING " + QByteArray(kKeyJson),
                           {uuidParam(context.principal().organizationId), pgParam(nodeId),
                            pgParam(body->value(QStringLiteral("name")).toString().trimmed()), key.prefix,
                            key.hash.toHex(), uuidParam(context.principal().userId)});
    if (!created)
        return HttpResponse::fromError(created.error());
    QJsonObject answer = jsonObjectAt(*created, 0);
    if (auto audited = recordAudit(db, context, QStringLiteral("api_key.create"), QStringLiteral("api_key"),
                                   answer.value(QStringLiteral("id")).toString(), {{QStringLiteral("node_id"), nodeId}});
        !audited)
        return HttpResponse::fromError(audited.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    // The only time the key is ever shown.
    answer.insert(QStringLiteral("key"), QString::fromLatin1(key.key));
    return HttpResponse::json(201, answer);
}

HttpResponse NodesApi::listKeys(RequestContext &context)
{
    PgConnection &db = context.db();
    const QString nodeId = context.param(QStringLiteral("id"));
    if (auto node = nodeById(db, nodeId, context.principal().organizationId); !node)
        return HttpResponse::fromError(node.error());
    auto rows = db.exec("SELECT " + QByteArray(kKeyJson) + " FROM api_keys k WHERE k.node_id = $1 ORDER BY k.created_at",
                        {pgParam(nodeId)});
    if (!rows)
        return HttpResponse::fromError(rows.error());
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("items"), jsonArrayOf(*rows)}});
}

HttpResponse NodesApi::revokeKey(RequestContext &context)
{
    PgConnection &db = context.db();
    Transaction transaction(db);
    const QString keyId = context.param(QStringLiteral("key_id"));
    auto revoked = db.exec("UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) "
                           "WHERE id = $1 AND node_id = $2 AND organization_id = $3 RETURNING id",
                           {pgParam(keyId), pgParam(context.param(QStringLiteral("id"))),
                            uuidParam(context.principal().organizationId)});
    if (!revoked)
        return HttpResponse::fromError(revoked.error());
    if (revoked->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such API key")));
    if (auto audited = recordAudit(db, context, QStringLiteral("api_key.revoke"), QStringLiteral("api_key"), keyId);
        !audited)
        return HttpResponse::fromError(audited.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    return HttpResponse::noContent();
}

} // namespace Laces::Server

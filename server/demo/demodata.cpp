#include "demodata.h"

#include "auth/passwordhasher.h"
#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "models/blobstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRegularExpression>

Q_LOGGING_CATEGORY(lcDemo, "laces.server.demo")

namespace Laces::Server::DemoData {

using Core::Error;

namespace {


// Materials, stress ranges and cycles for the ageing simulator: the first rule whose
// pattern matches a component's name gives its properties.
Core::Status applyComponentProperties(PgConnection &db, const QString &versionId, const QJsonArray &rules)
{
    auto names = db.exec("SELECT name FROM twin_components WHERE version_id = $1", {pgParam(versionId)});
    if (!names)
        return names.error();
    for (int row = 0; row < names->rowCount(); ++row) {
        const QString name = names->text(row, 0);
        for (const QJsonValue &rule : rules) {
            const QRegularExpression pattern(rule.toObject().value(QStringLiteral("match")).toString());
            if (!pattern.match(name).hasMatch())
                continue;
            auto set = db.exec("UPDATE twin_components SET properties = $3::jsonb WHERE version_id = $1 AND name = $2",
                               {pgParam(versionId), pgParam(name),
                                jsonParam(rule.toObject().value(QStringLiteral("properties")).toObject())});
            if (!set)
                return set.error();
            break;
        }
    }
    return Core::Ok{};
}

Core::Result<QString> createTwin(PgConnection &db, const QString &organizationId, const QString &adminId,
                                 const QJsonObject &twin, const QString &modelPath)
{
    auto created = db.exec("INSERT INTO digital_twins (organization_id, name, description, properties, created_by) "
                           "VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING id",
                           {pgParam(organizationId), pgParam(twin.value(QStringLiteral("name")).toString()),
                            pgParam(twin.value(QStringLiteral("description")).toString()),
                            jsonParam(twin.value(QStringLiteral("properties")).toObject()), pgParam(adminId)});
    if (!created)
        return created.error();
    const QString twinId = created->text(0, 0);
    if (modelPath.isEmpty()) {
        qCWarning(lcDemo) << "demo model not found; the demo twin has no model (pass --demo-model)";
        return twinId;
    }

    auto blob = BlobStore::importFile(db, modelPath);
    if (!blob)
        return blob.error();
    auto owner = db.exec("INSERT INTO model_blob_owners (organization_id, sha256) VALUES ($1, $2::bytea) "
                         "ON CONFLICT DO NOTHING",
                         {pgParam(organizationId), "\\x" + blob->sha256.toHex()});
    if (!owner)
        return owner.error();
    // The twin was imported some days ago (its history has a past to scrub through).
    auto version = db.exec("INSERT INTO twin_versions (twin_id, number, author_id, message, model_sha256, "
                           "model_filename, properties, is_latest, created_at) "
                           "SELECT id, 1, $2, $3, $4::bytea, $5, properties, true, now() - $6::int * interval '1 day' "
                           "FROM digital_twins WHERE id = $1 RETURNING id",
                           {pgParam(twinId), pgParam(adminId),
                            pgParam(QStringLiteral("Import %1").arg(QFileInfo(modelPath).fileName())),
                            "\\x" + blob->sha256.toHex(), pgParam(QFileInfo(modelPath).fileName()),
                            pgParam(qint64(twin.value(QStringLiteral("imported_days_ago")).toInt()))});
    if (!version)
        return version.error();
    const QString versionId = version->text(0, 0);
    auto components = db.exec("INSERT INTO twin_components (version_id, ordinal, name, path, triangle_count, "
                              "vertex_count, bbox_min, bbox_max) SELECT $1, ordinal, name, path, triangle_count, "
                              "vertex_count, bbox_min, bbox_max FROM model_blob_components WHERE sha256 = $2::bytea",
                              {pgParam(versionId), "\\x" + blob->sha256.toHex()});
    if (!components)
        return components.error();
    if (auto set = applyComponentProperties(db, versionId, twin.value(QStringLiteral("component_properties")).toArray());
        !set)
        return set.error();
    // Later versions: a message, when, and the properties they change.
    QString latestId = versionId;
    int number = 1;
    for (const QJsonValue &value : twin.value(QStringLiteral("revisions")).toArray()) {
        const QJsonObject revision = value.toObject();
        auto cleared = db.exec("UPDATE twin_versions SET is_latest = false WHERE id = $1", {pgParam(latestId)});
        if (!cleared)
            return cleared.error();
        auto next = db.exec("INSERT INTO twin_versions (twin_id, number, parent_ids, author_id, message, model_sha256, "
                            "model_filename, properties, is_latest, created_at) "
                            "SELECT twin_id, $2, ARRAY[id], $3, $4, model_sha256, model_filename, properties, true, "
                            "now() - $5::int * interval '1 day' FROM twin_versions WHERE id = $1 RETURNING id",
                            {pgParam(latestId), pgParam(qint64(++number)), pgParam(adminId),
                             pgParam(revision.value(QStringLiteral("message")).toString()),
                             pgParam(qint64(revision.value(QStringLiteral("days_ago")).toInt()))});
        if (!next)
            return next.error();
        auto copied = db.exec("INSERT INTO twin_components (version_id, ordinal, name, path, triangle_count, "
                              "vertex_count, bbox_min, bbox_max, transform, properties) SELECT $1, ordinal, name, path, "
                              "triangle_count, vertex_count, bbox_min, bbox_max, transform, properties "
                              "FROM twin_components WHERE version_id = $2",
                              {pgParam(next->text(0, 0)), pgParam(latestId)});
        if (!copied)
            return copied.error();
        latestId = next->text(0, 0);
        if (auto set = applyComponentProperties(db, latestId, revision.value(QStringLiteral("component_properties")).toArray());
            !set)
            return set.error();
    }
    auto linked = db.exec("UPDATE digital_twins SET latest_version_id = $2 WHERE id = $1",
                          {pgParam(twinId), pgParam(latestId)});
    if (!linked)
        return linked.error();
    qCInfo(lcDemo).noquote() << "demo twin" << twin.value(QStringLiteral("name")).toString() << "with"
                             << components->affectedRows() << "components";
    return twinId;
}

} // namespace

QString findDemoModel(const QString &preferred)
{
    if (!preferred.isEmpty())
        return QFileInfo::exists(preferred) ? QFileInfo(preferred).absoluteFilePath() : QString();
    const QString name = QStringLiteral("models/2CylinderEngine.glb");
    const QStringList candidates{
        QStringLiteral(LACES_SOURCE_DIR "/../shared/data/") + name,
        QDir::currentPath() + QStringLiteral("/../shared/data/") + name,
        QCoreApplication::applicationDirPath() + QStringLiteral("/../../shared/data/") + name,
        QStringLiteral("/usr/share/laces/demo/2CylinderEngine.glb"),
    };
    for (const QString &candidate : candidates) {
        if (QFileInfo::exists(candidate))
            return QFileInfo(candidate).absoluteFilePath();
    }
    return {};
}

Core::Status load(PgConnection &db, const QString &modelPath)
{
    QFile fleetFile(QStringLiteral(":/laces/demo/fleet.json"));
    if (!fleetFile.open(QIODevice::ReadOnly))
        return Error::internal(QStringLiteral("the demo fleet resource is missing"));
    const QJsonObject fleet = QJsonDocument::fromJson(fleetFile.readAll()).object();
    const QJsonObject organization = fleet.value(QStringLiteral("organization")).toObject();

    Transaction transaction(db);
    if (!transaction.began())
        return transaction.began().error();
    auto existing = db.exec("SELECT id FROM organizations WHERE slug = $1",
                            {pgParam(organization.value(QStringLiteral("slug")).toString())});
    if (!existing)
        return existing.error();
    if (existing->rowCount() > 0) {
        qCInfo(lcDemo) << "demo data already present";
        return Core::Ok{};
    }
    auto org = db.exec("INSERT INTO organizations (name, slug) VALUES ($1, $2) RETURNING id",
                       {pgParam(organization.value(QStringLiteral("name")).toString()),
                        pgParam(organization.value(QStringLiteral("slug")).toString())});
    if (!org)
        return org.error();
    const QString organizationId = org->text(0, 0);

    QString adminId;
    for (const char *role : {"admin", "engineer", "operator", "viewer"}) {
        const QString name = QLatin1String(role);
        auto user = db.exec("INSERT INTO users (organization_id, username, email, password_hash, role, display_name) "
                            "VALUES ($1, $2, $3, $4, $2, $5) RETURNING id",
                            {pgParam(organizationId), pgParam(name),
                             pgParam(name + QStringLiteral("@demo.laces.invalid")),
                             PasswordHasher::hash(QStringLiteral("demo-") + name),
                             pgParam(QStringLiteral("Demo %1").arg(name))});
        if (!user)
            return Error{user.error().code,
                         QStringLiteral("cannot create the demo user '%1': %2").arg(name, user.error().message), {}};
        if (name == QLatin1String("admin"))
            adminId = user->text(0, 0);
    }

    auto twinId = createTwin(db, organizationId, adminId, fleet.value(QStringLiteral("twin")).toObject(), modelPath);
    if (!twinId)
        return twinId.error();

    const QJsonArray nodes = fleet.value(QStringLiteral("nodes")).toArray();
    for (const QJsonValue &value : nodes) {
        const QJsonObject node = value.toObject();
        auto inserted = db.exec(
            "INSERT INTO machine_nodes (organization_id, twin_id, name, node_type, latitude, longitude, site, status) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            {pgParam(organizationId),
             node.value(QStringLiteral("link_demo_twin")).toBool() ? pgParam(*twinId) : pgNull(),
             pgParam(node.value(QStringLiteral("name")).toString()), pgParam(node.value(QStringLiteral("type")).toString()),
             realParam(node.value(QStringLiteral("latitude")).toDouble()),
             realParam(node.value(QStringLiteral("longitude")).toDouble()),
             pgParam(node.value(QStringLiteral("site")).toString()), pgParam(node.value(QStringLiteral("status")).toString())});
        if (!inserted)
            return inserted.error();
        const QJsonArray sensors = node.value(QStringLiteral("sensors")).toArray();
        for (const QJsonValue &sensorValue : sensors) {
            const QJsonObject sensor = sensorValue.toObject();
            auto added = db.exec("INSERT INTO node_sensors (node_id, metric, unit, min_value, max_value, warn_above, "
                                 "sample_rate_hz) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                                 {pgParam(inserted->text(0, 0)), pgParam(sensor.value(QStringLiteral("metric")).toString()),
                                  pgParam(sensor.value(QStringLiteral("unit")).toString()),
                                  realParam(sensor.value(QStringLiteral("min")).toDouble()),
                                  realParam(sensor.value(QStringLiteral("max")).toDouble()),
                                  realParam(sensor.value(QStringLiteral("warn_above")).toDouble()),
                                  realParam(sensor.value(QStringLiteral("sample_rate_hz")).toDouble())});
            if (!added)
                return added.error();
        }
    }
    if (auto committed = transaction.commit(); !committed)
        return committed;
    qCInfo(lcDemo) << "demo data loaded:" << nodes.size() << "machine nodes; users admin, engineer, operator, "
                                                             "viewer (password demo-<username>)";
    return Core::Ok{};
}

} // namespace Laces::Server::DemoData

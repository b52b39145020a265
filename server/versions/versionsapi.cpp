#include "versionsapi.h"

#include "common/auditlog.h"
#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "edits/editstore.h"
#include "http/jsonschema.h"
#include "http/requestcontext.h"
#include "locks/fencing.h"
#include "model/modelinspector.h"
#include "models/blobstore.h"
#include "twins/twinlookup.h"
#include "ws/eventbus.h"

#include <QJsonArray>

#include <limits>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QFileInfo>
#include <QTemporaryFile>

namespace Laces::Server {

using Core::Error;

namespace {

const QString kView = QStringLiteral("twins.view");
const QString kVersion = QStringLiteral("twins.version");

QByteArray byteaParam(const QByteArray &raw)
{
    return "\\x" + raw.toHex();
}

// The twin, if it exists in the caller's organization: its latest version (null when it
// has none). Locks the twin's row when asked.
Core::Result<QUuid> checkTwin(RequestContext &context, bool lock = false)
{
    return latestVersionOf(context.db(), context.principal().organizationId, context.uuidParam(QStringLiteral("id")), lock);
}

const char *versionJsonSql()
{
    return "json_build_object('id', v.id, 'twin_id', v.twin_id, 'number', v.number, 'parents', v.parent_ids, "
           "'author', json_build_object('id', v.author_id, 'username', (SELECT username FROM users WHERE id = v.author_id)), "
           "'message', v.message, 'created_at', v.created_at, 'is_latest', v.is_latest, "
           "'properties', v.properties, 'model_filename', v.model_filename, "
           "'model', CASE WHEN b.sha256 IS NULL THEN NULL ELSE json_build_object("
           "  'sha256', encode(b.sha256, 'hex'), 'size_bytes', b.size_bytes, 'format', b.format, "
           "  'triangle_count', b.triangle_count, 'instanced_triangle_count', b.instanced_triangle_count, "
           "  'vertex_count', b.vertex_count, 'mesh_count', b.mesh_count, 'bbox_min', b.bbox_min, 'bbox_max', b.bbox_max, "
           "  'url', '/twins/' || v.twin_id || '/versions/' || v.id || '/model') END, "
           "'tags', coalesce((SELECT json_agg(g.name ORDER BY g.name) FROM twin_tags g WHERE g.version_id = v.id), '[]'), "
           "'component_count', (SELECT count(*) FROM twin_components c WHERE c.version_id = v.id))";
}

const char *componentJsonSql()
{
    return "json_build_object('name', c.name, 'path', c.path, 'triangle_count', c.triangle_count, "
           "'vertex_count', c.vertex_count, 'bbox_min', c.bbox_min, 'bbox_max', c.bbox_max, 'properties', c.properties, "
           "'transform', c.transform)";
}

Core::Result<QJsonObject> loadVersion(RequestContext &context, const QUuid &versionId, bool withComponents)
{
    PgConnection &db = context.db();
    auto row = db.exec("SELECT " + QByteArray(versionJsonSql())
                           + " FROM twin_versions v LEFT JOIN model_blobs b ON b.sha256 = v.model_sha256 "
                             "WHERE v.id = $1 AND v.twin_id = $2",
                       {uuidParam(versionId), uuidParam(context.uuidParam(QStringLiteral("id")))});
    if (!row)
        return row.error();
    if (row->rowCount() == 0)
        return Error::notFound(QStringLiteral("no such version of this twin"));
    QJsonObject version = jsonObjectAt(*row, 0);
    if (withComponents) {
        auto components = db.exec("SELECT " + QByteArray(componentJsonSql())
                                      + " FROM twin_components c WHERE c.version_id = $1 ORDER BY c.ordinal, c.name",
                                  {uuidParam(versionId)});
        if (!components)
            return components.error();
        version.insert(QStringLiteral("components"), jsonArrayOf(*components));
    }
    return version;
}

HttpResponse staleParent(const QString &latest)
{
    return HttpResponse::error(
        409, QStringLiteral("stale_parent"),
        QStringLiteral("the twin has moved on: the latest version is %1; rebase your change onto it").arg(latest),
        QStringLiteral("parents"), {{QStringLiteral("latest_version_id"), latest}});
}

struct NewVersion
{
    QList<QUuid> parents;
    QString message;
    std::optional<QByteArray> modelSha256;   // raw; absent: inherit the parent's model
    bool clearModel = false;                 // the new version has no model at all
    QString modelFilename;
    std::optional<QJsonObject> properties;   // absent: inherit
    QJsonObject componentProperties;         // name → object, merged onto inherited ones
};

// Writes a version on top of the latest (already checked), inheriting what is not given.
Core::Result<QUuid> writeVersion(RequestContext &context, const NewVersion &wanted, const QUuid &parent)
{
    PgConnection &db = context.db();
    const QUuid twinId = context.uuidParam(QStringLiteral("id"));
    QStringList parentTexts;
    for (const QUuid &id : wanted.parents)
        parentTexts.append(id.toString(QUuid::WithoutBraces));
    const QByteArray parentsLiteral = "{" + parentTexts.join(QLatin1Char(',')).toLatin1() + "}";

    if (wanted.modelSha256) {
        // Only models uploaded by the caller's organization: a hash is no key to others' files.
        auto owned = db.exec("SELECT 1 FROM model_blob_owners WHERE organization_id = $1 AND sha256 = $2::bytea",
                             {uuidParam(context.principal().organizationId), byteaParam(*wanted.modelSha256)});
        if (!owned)
            return owned.error();
        if (owned->rowCount() == 0)
            return Error::invalid(QStringLiteral("no model with that model_sha256 was uploaded"),
                                  QStringLiteral("model_sha256"));
    }
    // A separate statement: within one, the unique "one latest per twin" index would see
    // the new latest before the old one is cleared.
    auto cleared = db.exec("UPDATE twin_versions SET is_latest = false WHERE twin_id = $1 AND is_latest",
                           {uuidParam(twinId)});
    if (!cleared)
        return cleared.error();
    auto inserted = db.exec(
        "WITH parent AS (SELECT model_sha256, model_filename, properties FROM twin_versions WHERE id = $2) "
        "INSERT INTO twin_versions (twin_id, number, parent_ids, author_id, message, model_sha256, model_filename, "
        "                           properties, is_latest) "
        "SELECT $1, coalesce((SELECT max(number) FROM twin_versions WHERE twin_id = $1), 0) + 1, $3::uuid[], $4, $5, "
        "       CASE WHEN $6::boolean THEN $7::bytea ELSE (SELECT model_sha256 FROM parent) END, "
        "       CASE WHEN $6::boolean THEN nullif($8, '') ELSE (SELECT model_filename FROM parent) END, "
        "       coalesce($9::jsonb, (SELECT properties FROM parent), '{}'), true "
        "RETURNING id, model_sha256 IS DISTINCT FROM (SELECT model_sha256 FROM parent)",
        {uuidParam(twinId), parent.isNull() ? pgNull() : uuidParam(parent), parentsLiteral,
         uuidParam(context.principal().userId), pgParam(wanted.message),
         wanted.modelSha256 || wanted.clearModel ? QByteArray("true") : QByteArray("false"),
         wanted.modelSha256 ? byteaParam(*wanted.modelSha256) : pgNull(), pgParam(wanted.modelFilename),
         wanted.properties ? jsonParam(*wanted.properties) : pgNull()});
    if (!inserted) {
        Error error = inserted.error();
        if (error.code == Error::Code::NotFound) {  // the model_sha256 foreign key
            error = Error::invalid(QStringLiteral("no model with that model_sha256 was uploaded"),
                                   QStringLiteral("model_sha256"));
        }
        return error;
    }
    const QUuid versionId = QUuid::fromString(inserted->text(0, 0));
    const bool newModel = inserted->boolean(0, 1) || parent.isNull();

    // Components: from the new model file (keeping properties of same-named parts), or
    // the parent's as they were.
    auto components = newModel
        ? db.exec("INSERT INTO twin_components (version_id, ordinal, name, path, triangle_count, vertex_count, "
                  "bbox_min, bbox_max, properties) "
                  "SELECT $1, m.ordinal, m.name, m.path, m.triangle_count, m.vertex_count, m.bbox_min, m.bbox_max, "
                  "       coalesce(p.properties, '{}') "
                  "FROM twin_versions v JOIN model_blob_components m ON m.sha256 = v.model_sha256 "
                  "LEFT JOIN twin_components p ON p.version_id = $2 AND p.name = m.name WHERE v.id = $1",
                  {uuidParam(versionId), parent.isNull() ? pgNull() : uuidParam(parent)})
        : db.exec("INSERT INTO twin_components (version_id, ordinal, name, path, triangle_count, vertex_count, "
                  "bbox_min, bbox_max, transform, properties) "
                  "SELECT $1, ordinal, name, path, triangle_count, vertex_count, bbox_min, bbox_max, transform, "
                  "       properties FROM twin_components WHERE version_id = $2",
                  {uuidParam(versionId), uuidParam(parent)});
    if (!components)
        return components.error();
    for (auto it = wanted.componentProperties.begin(); it != wanted.componentProperties.end(); ++it) {
        // Merged key by key; a key given as null is removed.
        auto merged = db.exec("UPDATE twin_components SET properties = jsonb_strip_nulls(properties || $3::jsonb) "
                              "WHERE version_id = $1 AND name = $2",
                              {uuidParam(versionId), pgParam(it.key()), jsonParam(it.value().toObject())});
        if (!merged)
            return merged.error();
        if (merged->affectedRows() == 0)
            return Error::invalid(QStringLiteral("the version has no component named '%1'").arg(it.key()),
                                  QStringLiteral("component_properties"));
    }
    auto twin = db.exec("UPDATE digital_twins SET latest_version_id = $2, updated_at = now(), "
                        "properties = (SELECT properties FROM twin_versions WHERE id = $2) WHERE id = $1",
                        {uuidParam(twinId), uuidParam(versionId)});
    if (!twin)
        return twin.error();
    return versionId;
}

// Checks that `parents` names the latest version (or nothing, for the first one).
std::optional<HttpResponse> checkParents(RequestContext &context, const QList<QUuid> &parents, const QUuid &latest)
{
    if (!parents.isEmpty()) {
        QStringList ids;
        for (const QUuid &parent : parents)
            ids.append(parent.toString(QUuid::WithoutBraces));
        auto known = context.db().exec("SELECT count(DISTINCT id) FROM twin_versions WHERE twin_id = $1 AND id = ANY($2::uuid[])",
                                       {uuidParam(context.uuidParam(QStringLiteral("id"))),
                                        "{" + ids.join(QLatin1Char(',')).toLatin1() + "}"});
        if (!known)
            return HttpResponse::fromError(known.error());
        if (known->integer(0, 0) != QSet<QString>(ids.begin(), ids.end()).size())
            return HttpResponse::fromError(Error::invalid(QStringLiteral("every parent must be a version of this twin"),
                                                          QStringLiteral("parents")));
    }
    if (latest.isNull() ? !parents.isEmpty() : (parents.isEmpty() || parents.first() != latest)) {
        if (latest.isNull())
            return HttpResponse::fromError(Error::invalid(
                QStringLiteral("the twin has no versions yet: the first version has no parents"), QStringLiteral("parents")));
        return staleParent(latest.toString(QUuid::WithoutBraces));
    }
    return std::nullopt;
}

// Audits and commits a new version, then answers 201 with it.
HttpResponse finishVersion(RequestContext &context, Transaction &transaction, const QUuid &versionId,
                           const QString &action, const QJsonObject &details)
{
    if (auto audited = recordAudit(context.db(), context, action, QStringLiteral("twin_version"),
                                   versionId.toString(QUuid::WithoutBraces), details);
        !audited)
        return HttpResponse::fromError(audited.error());
    // Delivered to collaborators on every instance when the transaction commits.
    EventBus::publish(context.db(), {{QStringLiteral("type"), QStringLiteral("version_created")},
                                     {QStringLiteral("twin_id"), context.param(QStringLiteral("id"))},
                                     {QStringLiteral("organization_id"),
                                      context.principal().organizationId.toString(QUuid::WithoutBraces)},
                                     {QStringLiteral("version_id"), versionId.toString(QUuid::WithoutBraces)},
                                     {QStringLiteral("user"), context.principal().username}});
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    auto version = loadVersion(context, versionId, true);
    if (!version)
        return HttpResponse::fromError(version.error());
    return HttpResponse::json(201, *version);
}

QString contentType(const QString &format)
{
    if (format == QLatin1String("glb"))
        return QStringLiteral("model/gltf-binary");
    if (format == QLatin1String("gltf"))
        return QStringLiteral("model/gltf+json");
    if (format == QLatin1String("stl"))
        return QStringLiteral("model/stl");
    if (format == QLatin1String("obj"))
        return QStringLiteral("model/obj");
    return QStringLiteral("application/octet-stream");
}

} // namespace

void VersionsApi::registerRoutes(Router &router)
{
    RouteOptions upload;
    upload.maxBodyBytes = m_maxModelBytes;
    upload.bodyToFile = true;
    router.add("POST", QStringLiteral("/twins/{id:uuid}/models"), Access::needs(kVersion),
               [this](RequestContext &c) { return uploadModel(c); }, upload);
    router.add("GET", QStringLiteral("/twins/{id:uuid}/versions"), Access::needs(kView),
               [this](RequestContext &c) { return log(c); });
    router.add("POST", QStringLiteral("/twins/{id:uuid}/versions"), Access::needs(kVersion),
               [this](RequestContext &c) { return create(c); });
    router.add("GET", QStringLiteral("/twins/{id:uuid}/versions/{vid:uuid}"), Access::needs(kView),
               [this](RequestContext &c) { return get(c); });
    router.add("GET", QStringLiteral("/twins/{id:uuid}/versions/{vid:uuid}/model"), Access::needs(kView),
               [this](RequestContext &c) { return download(c); });
    router.add("GET", QStringLiteral("/twins/{id:uuid}/versions/{a:uuid}/diff/{b:uuid}"), Access::needs(kView),
               [this](RequestContext &c) { return diff(c); });
    router.add("POST", QStringLiteral("/twins/{id:uuid}/versions/{vid:uuid}/restore"), Access::needs(kVersion),
               [this](RequestContext &c) { return restore(c); });
    router.add("GET", QStringLiteral("/twins/{id:uuid}/tags"), Access::needs(kView),
               [this](RequestContext &c) { return tags(c); });
    router.add("PUT", QStringLiteral("/twins/{id:uuid}/tags/{name}"), Access::needs(kVersion),
               [this](RequestContext &c) { return setTag(c); });
    router.add("DELETE", QStringLiteral("/twins/{id:uuid}/tags/{name}"), Access::needs(kVersion),
               [this](RequestContext &c) { return deleteTag(c); });
}

HttpResponse VersionsApi::uploadModel(RequestContext &context)
{
    if (auto twin = checkTwin(context); !twin)
        return HttpResponse::fromError(twin.error());
    const HttpRequest &request = context.request();
    if (!request.bodyFile || request.bodySize == 0)
        return HttpResponse::fromError(Error::invalid(QStringLiteral("send the model file as the request body"),
                                                      QStringLiteral("body")));
    const QString path = request.bodyFile->fileName();
    auto info = Core::ModelInspector::inspectFile(path);
    if (!info) {
        Error error = info.error();
        // The temporary file's name means nothing to the user: name the upload instead.
        const QString given = QString::fromUtf8(request.header("x-filename")).left(255);
        error.message.replace(QFileInfo(path).fileName(), given.isEmpty() ? QStringLiteral("the upload") : given);
        return HttpResponse::fromError(error);
    }
    auto sha = BlobStore::sha256OfFile(path);
    if (!sha)
        return HttpResponse::fromError(sha.error());
    Transaction transaction(context.db());
    auto stored = BlobStore::store(context.db(), path, *sha, *info);
    if (!stored)
        return HttpResponse::fromError(stored.error());
    // Content is stored once for everyone, but each organization owns its own uploads:
    // "stored now" is about this organization, so it tells nothing of others' files.
    auto owner = context.db().exec("INSERT INTO model_blob_owners (organization_id, sha256) VALUES ($1, $2::bytea) "
                                   "ON CONFLICT DO NOTHING RETURNING 1",
                                   {uuidParam(context.principal().organizationId), byteaParam(*sha)});
    if (!owner)
        return HttpResponse::fromError(owner.error());
    stored->created = owner->rowCount() == 1;
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    QJsonArray components;
    for (const Core::ModelComponent &component : std::as_const(info->components))
        components.append(QJsonObject{{QStringLiteral("name"), component.name},
                                      {QStringLiteral("path"), component.path},
                                      {QStringLiteral("triangle_count"), double(component.triangleCount)}});
    const auto box = [](const QVector3D &v) { return QJsonArray{v.x(), v.y(), v.z()}; };
    return HttpResponse::json(stored->created ? 201 : 200,
                              QJsonObject{{QStringLiteral("sha256"), QString::fromLatin1(sha->toHex())},
                                          {QStringLiteral("size_bytes"), double(stored->sizeBytes)},
                                          {QStringLiteral("format"), info->format},
                                          {QStringLiteral("triangle_count"), double(info->triangleCount)},
                                          {QStringLiteral("instanced_triangle_count"), double(info->instancedTriangleCount)},
                                          {QStringLiteral("vertex_count"), double(info->vertexCount)},
                                          {QStringLiteral("bbox_min"), box(info->bounds.min)},
                                          {QStringLiteral("bbox_max"), box(info->bounds.max)},
                                          {QStringLiteral("components"), components},
                                          {QStringLiteral("stored_now"), stored->created}});
}

HttpResponse VersionsApi::log(RequestContext &context)
{
    if (auto twin = checkTwin(context); !twin)
        return HttpResponse::fromError(twin.error());
    const auto page = context.intQuery(QStringLiteral("page"), 1, std::numeric_limits<int>::max());
    if (!page)
        return HttpResponse::fromError(page.error());
    const auto perPage = context.intQuery(QStringLiteral("per_page"), 50, 200);
    if (!perPage)
        return HttpResponse::fromError(perPage.error());
    auto rows = context.db().exec(
        "SELECT " + QByteArray(versionJsonSql()) + ", count(*) OVER () FROM twin_versions v "
        "LEFT JOIN model_blobs b ON b.sha256 = v.model_sha256 WHERE v.twin_id = $1 "
        "ORDER BY v.number DESC LIMIT $2 OFFSET $3",
        {uuidParam(context.uuidParam(QStringLiteral("id"))), pgParam(qint64(*perPage)), pgParam(qint64(*page - 1) * *perPage)});
    if (!rows)
        return HttpResponse::fromError(rows.error());
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("items"), jsonArrayOf(*rows)},
                                               {QStringLiteral("total"), rows->rowCount() ? double(rows->integer(0, 1)) : 0.0},
                                               {QStringLiteral("page"), *page},
                                               {QStringLiteral("per_page"), *perPage}});
}

HttpResponse VersionsApi::create(RequestContext &context)
{
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    if (auto valid = validateObject(*body, {{QStringLiteral("parents"), FieldSpec::Type::Array, true},
                                            {QStringLiteral("message"), FieldSpec::Type::String, true, 1, 10000},
                                            {QStringLiteral("model_sha256"), FieldSpec::Type::String, false, 64, 64},
                                            {QStringLiteral("model_filename"), FieldSpec::Type::String, false, 0, 255},
                                            {QStringLiteral("properties"), FieldSpec::Type::Object},
                                            {QStringLiteral("component_properties"), FieldSpec::Type::Object}});
        !valid)
        return HttpResponse::fromError(valid.error());
    NewVersion wanted;
    const QJsonArray parents = body->value(QStringLiteral("parents")).toArray();
    if (parents.size() > 2)
        return HttpResponse::fromError(Error::invalid(QStringLiteral("a version has at most two parents"), QStringLiteral("parents")));
    for (const QJsonValue &parent : parents) {
        const QUuid id = QUuid::fromString(parent.toString());
        if (id.isNull())
            return HttpResponse::fromError(Error::invalid(QStringLiteral("'parents' must hold version ids"), QStringLiteral("parents")));
        wanted.parents.append(id);
    }
    wanted.message = body->value(QStringLiteral("message")).toString();
    if (body->contains(QStringLiteral("model_sha256"))) {
        static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
        const QString sha = body->value(QStringLiteral("model_sha256")).toString().toLower();
        if (!hex.match(sha).hasMatch())
            return HttpResponse::fromError(Error::invalid(QStringLiteral("'model_sha256' must be 64 hex digits"),
                                                          QStringLiteral("model_sha256")));
        wanted.modelSha256 = QByteArray::fromHex(sha.toLatin1());
    }
    wanted.modelFilename = body->value(QStringLiteral("model_filename")).toString();
    if (body->contains(QStringLiteral("properties")))
        wanted.properties = body->value(QStringLiteral("properties")).toObject();
    wanted.componentProperties = body->value(QStringLiteral("component_properties")).toObject();
    for (auto it = wanted.componentProperties.begin(); it != wanted.componentProperties.end(); ++it) {
        if (!it.value().isObject())
            return HttpResponse::fromError(Error::invalid(QStringLiteral("component properties must be objects"),
                                                          QStringLiteral("component_properties")));
    }

    Transaction transaction(context.db());
    // The twin row lock serializes version creation per twin: two writers on one parent
    // cannot both succeed.
    auto twin = checkTwin(context, true);
    if (!twin)
        return HttpResponse::fromError(twin.error());
    const QUuid latest = *twin;
    if (auto refused = checkParents(context, wanted.parents, latest))
        return *refused;
    // A new model or twin properties touch the whole twin; component properties only theirs.
    const QStringList affected = wanted.modelSha256 || wanted.properties ? QStringList()
                                                                          : wanted.componentProperties.keys();
    if (auto refused = checkFencing(context, context.uuidParam(QStringLiteral("id")), affected))
        return *refused;
    if (latest.isNull() && !wanted.modelSha256 && !wanted.properties)
        return HttpResponse::fromError(Error::invalid(QStringLiteral("the first version needs a model or properties"),
                                                      QStringLiteral("model_sha256")));
    auto versionId = writeVersion(context, wanted, latest);
    if (!versionId)
        return HttpResponse::fromError(versionId.error());
    // Pending live edits become part of the version, except where the request itself says
    // otherwise: what it sets explicitly is the committer's latest word.
    QSet<QString> explicitKeys;
    for (auto part = wanted.componentProperties.begin(); part != wanted.componentProperties.end(); ++part) {
        const QJsonObject properties = part.value().toObject();
        for (auto key = properties.begin(); key != properties.end(); ++key)
            explicitKeys.insert(Core::EditOperation{0, part.key(), Core::EditOperation::Kind::Set, key.key(), {}, {}, {}}.key());
    }
    auto folded = EditStore(context.db()).fold(context.uuidParam(QStringLiteral("id")), *versionId, explicitKeys,
                                               wanted.properties.has_value());
    if (!folded)
        return HttpResponse::fromError(folded.error());
    return finishVersion(context, transaction, *versionId, QStringLiteral("version.create"),
                         {{QStringLiteral("folded_operations"), *folded}});
}

HttpResponse VersionsApi::get(RequestContext &context)
{
    if (auto twin = checkTwin(context); !twin)
        return HttpResponse::fromError(twin.error());
    auto version = loadVersion(context, context.uuidParam(QStringLiteral("vid")), true);
    if (!version)
        return HttpResponse::fromError(version.error());
    return HttpResponse::json(200, *version);
}

HttpResponse VersionsApi::download(RequestContext &context)
{
    if (auto twin = checkTwin(context); !twin)
        return HttpResponse::fromError(twin.error());
    PgConnection &db = context.db();
    auto row = db.exec("SELECT encode(b.sha256, 'hex'), b.size_bytes, b.format, v.model_filename "
                       "FROM twin_versions v JOIN model_blobs b ON b.sha256 = v.model_sha256 "
                       "WHERE v.id = $1 AND v.twin_id = $2",
                       {uuidParam(context.uuidParam(QStringLiteral("vid"))), uuidParam(context.uuidParam(QStringLiteral("id")))});
    if (!row)
        return HttpResponse::fromError(row.error());
    if (row->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("this version has no model")));
    const QByteArray sha = row->bytes(0, 0);
    const qint64 size = row->integer(0, 1);
    const QString format = row->text(0, 2);
    const QByteArray etag = '"' + sha + '"';

    HttpResponse response;
    response.setHeader("ETag", etag);
    response.setHeader("Accept-Ranges", "bytes");
    response.setHeader("Cache-Control", "private, max-age=31536000, immutable");
    const QByteArray ifNoneMatch = context.request().header("if-none-match");
    if (!ifNoneMatch.isEmpty() && (ifNoneMatch.contains(etag) || ifNoneMatch.trimmed() == "*")) {
        response.status = 304;
        return response;
    }
    qint64 from = 0;
    qint64 to = size - 1;
    const QByteArray range = context.request().header("range").trimmed();
    const QByteArray ifRange = context.request().header("if-range");
    const bool useRange = !range.isEmpty() && (ifRange.isEmpty() || ifRange == etag);
    if (useRange) {
        static const QRegularExpression single(QStringLiteral("^bytes=(\\d*)-(\\d*)$"));
        const auto match = single.match(QString::fromLatin1(range));
        // A range that cannot be read (reversed, or numbers too large to parse) is ignored
        // and the whole file sent, as RFC 9110 asks; one that starts past the end is 416.
        bool valid = match.hasMatch() && !(match.captured(1).isEmpty() && match.captured(2).isEmpty());
        bool firstOk = true, lastOk = true;
        const qint64 first = match.captured(1).isEmpty() ? -1 : match.captured(1).toLongLong(&firstOk);
        const qint64 last = match.captured(2).isEmpty() ? -1 : match.captured(2).toLongLong(&lastOk);
        valid = valid && firstOk && lastOk && (first < 0 || last < 0 || first <= last);
        bool satisfiable = valid;
        if (valid) {
            if (first < 0) {  // the last N bytes
                from = qMax<qint64>(0, size - last);
            } else {
                from = first;
                if (last >= 0)
                    to = qMin(size - 1, last);
            }
            satisfiable = from < size && from <= to && !(first < 0 && last == 0);
        }
        if (valid && !satisfiable) {
            HttpResponse refused = HttpResponse::error(416, QStringLiteral("range_not_satisfiable"),
                                                       QStringLiteral("the model has %1 bytes").arg(size));
            refused.setHeader("Content-Range", "bytes */" + QByteArray::number(size));
            return refused;
        }
        if (!valid) {  // several ranges, another unit or unreadable: send it whole
            from = 0;
            to = size - 1;
        } else {
            response.status = 206;
            response.setHeader("Content-Range", "bytes " + QByteArray::number(from) + '-' + QByteArray::number(to)
                                                    + '/' + QByteArray::number(size));
        }
    }
    Transaction transaction(db);  // large objects are read inside a transaction
    auto data = BlobStore::read(db, QByteArray::fromHex(sha), from, to - from + 1);
    if (!data)
        return HttpResponse::fromError(data.error());
    transaction.commit();
    response.body = *data;
    response.setHeader("Content-Type", contentType(format).toLatin1());
    QString filename = row->text(0, 3);
    if (filename.isEmpty())
        filename = QStringLiteral("model.") + format;
    filename.replace(QLatin1Char('"'), QLatin1Char('_'));
    response.setHeader("Content-Disposition", "attachment; filename=\"" + filename.toUtf8() + "\"");
    return response;
}

HttpResponse VersionsApi::diff(RequestContext &context)
{
    if (auto twin = checkTwin(context); !twin)
        return HttpResponse::fromError(twin.error());
    auto a = loadVersion(context, context.uuidParam(QStringLiteral("a")), true);
    if (!a)
        return HttpResponse::fromError(a.error());
    auto b = loadVersion(context, context.uuidParam(QStringLiteral("b")), true);
    if (!b)
        return HttpResponse::fromError(b.error());

    const auto byName = [](const QJsonObject &version) {
        QMap<QString, QJsonObject> components;
        for (const QJsonValue &value : version.value(QStringLiteral("components")).toArray())
            components.insert(value.toObject().value(QStringLiteral("name")).toString(), value.toObject());
        return components;
    };
    const QMap<QString, QJsonObject> before = byName(*a);
    const QMap<QString, QJsonObject> after = byName(*b);
    QJsonArray added, removed, changed;
    for (auto it = after.begin(); it != after.end(); ++it) {
        if (!before.contains(it.key()))
            added.append(it.key());
    }
    for (auto it = before.begin(); it != before.end(); ++it) {
        if (!after.contains(it.key())) {
            removed.append(it.key());
            continue;
        }
        const QJsonObject &other = after[it.key()];
        QJsonArray fields;
        for (const char *field : {"path", "triangle_count", "vertex_count", "bbox_min", "bbox_max", "properties"}) {
            const QString key = QLatin1String(field);
            if (it->value(key) != other.value(key))
                fields.append(key);
        }
        if (!fields.isEmpty())
            changed.append(QJsonObject{{QStringLiteral("name"), it.key()}, {QStringLiteral("fields"), fields}});
    }

    const QJsonObject propertiesBefore = a->value(QStringLiteral("properties")).toObject();
    const QJsonObject propertiesAfter = b->value(QStringLiteral("properties")).toObject();
    QJsonObject propertiesAdded, propertiesRemoved;
    QJsonArray propertiesChanged;
    for (auto it = propertiesAfter.begin(); it != propertiesAfter.end(); ++it) {
        if (!propertiesBefore.contains(it.key()))
            propertiesAdded.insert(it.key(), it.value());
        else if (propertiesBefore.value(it.key()) != it.value())
            propertiesChanged.append(QJsonObject{{QStringLiteral("key"), it.key()},
                                                 {QStringLiteral("from"), propertiesBefore.value(it.key())},
                                                 {QStringLiteral("to"), it.value()}});
    }
    for (auto it = propertiesBefore.begin(); it != propertiesBefore.end(); ++it) {
        if (!propertiesAfter.contains(it.key()))
            propertiesRemoved.insert(it.key(), it.value());
    }
    const QJsonValue modelA = a->value(QStringLiteral("model")).toObject().value(QStringLiteral("sha256"));
    const QJsonValue modelB = b->value(QStringLiteral("model")).toObject().value(QStringLiteral("sha256"));
    return HttpResponse::json(
        200, QJsonObject{{QStringLiteral("from"), a->value(QStringLiteral("id"))},
                         {QStringLiteral("to"), b->value(QStringLiteral("id"))},
                         {QStringLiteral("model_changed"), modelA != modelB},
                         {QStringLiteral("components"), QJsonObject{{QStringLiteral("added"), added},
                                                                    {QStringLiteral("removed"), removed},
                                                                    {QStringLiteral("changed"), changed}}},
                         {QStringLiteral("properties"), QJsonObject{{QStringLiteral("added"), propertiesAdded},
                                                                    {QStringLiteral("removed"), propertiesRemoved},
                                                                    {QStringLiteral("changed"), propertiesChanged}}}});
}

HttpResponse VersionsApi::restore(RequestContext &context)
{
    PgConnection &db = context.db();
    Transaction transaction(db);
    auto twin = checkTwin(context, true);
    if (!twin)
        return HttpResponse::fromError(twin.error());
    const QUuid latest = *twin;
    auto old = loadVersion(context, context.uuidParam(QStringLiteral("vid")), false);
    if (!old)
        return HttpResponse::fromError(old.error());
    const QUuid source = context.uuidParam(QStringLiteral("vid"));
    if (auto refused = checkFencing(context, context.uuidParam(QStringLiteral("id")), {}))
        return *refused;
    NewVersion wanted;
    wanted.parents = {latest};
    wanted.message = QStringLiteral("Restore version %1").arg(old->value(QStringLiteral("number")).toInt());
    const QString sha = old->value(QStringLiteral("model")).toObject().value(QStringLiteral("sha256")).toString();
    if (!sha.isEmpty())
        wanted.modelSha256 = QByteArray::fromHex(sha.toLatin1());
    else
        wanted.clearModel = true;
    wanted.modelFilename = old->value(QStringLiteral("model_filename")).toString();
    wanted.properties = old->value(QStringLiteral("properties")).toObject();
    auto versionId = writeVersion(context, wanted, latest);
    if (!versionId)
        return HttpResponse::fromError(versionId.error());
    // The restored version has the old version's components exactly, properties included.
    auto replaced = db.exec("DELETE FROM twin_components WHERE version_id = $1", {uuidParam(*versionId)});
    if (!replaced)
        return HttpResponse::fromError(replaced.error());
    auto copied = db.exec("INSERT INTO twin_components (version_id, ordinal, name, path, triangle_count, vertex_count, "
                          "bbox_min, bbox_max, transform, properties) "
                          "SELECT $1, ordinal, name, path, triangle_count, vertex_count, bbox_min, bbox_max, transform, "
                          "properties FROM twin_components WHERE version_id = $2",
                          {uuidParam(*versionId), uuidParam(source)});
    if (!copied)
        return HttpResponse::fromError(copied.error());
    // Live edits made on what is being replaced are dropped with it.
    if (auto discarded = EditStore(db).discardPending(context.uuidParam(QStringLiteral("id")), *versionId); !discarded)
        return HttpResponse::fromError(discarded.error());
    return finishVersion(context, transaction, *versionId, QStringLiteral("version.restore"),
                         {{QStringLiteral("from"), source.toString(QUuid::WithoutBraces)}});
}

HttpResponse VersionsApi::tags(RequestContext &context)
{
    if (auto twin = checkTwin(context); !twin)
        return HttpResponse::fromError(twin.error());
    auto rows = context.db().exec(
        "SELECT json_build_object('name', g.name, 'version_id', g.version_id, 'version_number', v.number, "
        "'created_at', g.created_at) FROM twin_tags g JOIN twin_versions v ON v.id = g.version_id "
        "WHERE g.twin_id = $1 ORDER BY g.name",
        {uuidParam(context.uuidParam(QStringLiteral("id")))});
    if (!rows)
        return HttpResponse::fromError(rows.error());
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("items"), jsonArrayOf(*rows)}});
}

HttpResponse VersionsApi::setTag(RequestContext &context)
{
    static const QRegularExpression tagName(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    const QString name = context.param(QStringLiteral("name"));
    if (!tagName.match(name).hasMatch())
        return HttpResponse::fromError(Error::invalid(
            QStringLiteral("a tag is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"),
            QStringLiteral("name")));
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    if (auto valid = validateObject(*body, {{QStringLiteral("version_id"), FieldSpec::Type::String, true, 36, 38}}); !valid)
        return HttpResponse::fromError(valid.error());
    const QUuid versionId = QUuid::fromString(body->value(QStringLiteral("version_id")).toString());
    if (versionId.isNull())
        return HttpResponse::fromError(Error::invalid(QStringLiteral("'version_id' must be a UUID"), QStringLiteral("version_id")));
    PgConnection &db = context.db();
    Transaction transaction(db);
    if (auto twin = checkTwin(context); !twin)
        return HttpResponse::fromError(twin.error());
    auto tagged = db.exec("INSERT INTO twin_tags (twin_id, name, version_id, created_by) "
                          "SELECT $1, $2, v.id, $4 FROM twin_versions v WHERE v.id = $3 AND v.twin_id = $1 "
                          "ON CONFLICT (twin_id, name) DO UPDATE SET version_id = excluded.version_id, "
                          "created_by = excluded.created_by, created_at = now() RETURNING (xmax = 0)",
                          {uuidParam(context.uuidParam(QStringLiteral("id"))), pgParam(name), uuidParam(versionId),
                           uuidParam(context.principal().userId)});
    if (!tagged)
        return HttpResponse::fromError(tagged.error());
    if (tagged->rowCount() == 0)
        return HttpResponse::fromError(Error::invalid(QStringLiteral("no such version of this twin"), QStringLiteral("version_id")));
    const bool created = tagged->boolean(0, 0);
    if (auto audited = recordAudit(db, context, QStringLiteral("tag.set"), QStringLiteral("twin_tag"), name,
                {{QStringLiteral("version_id"), versionId.toString(QUuid::WithoutBraces)}}); !audited)
        return HttpResponse::fromError(audited.error());
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    return HttpResponse::json(created ? 201 : 200, QJsonObject{{QStringLiteral("name"), name},
                                                               {QStringLiteral("version_id"), versionId.toString(QUuid::WithoutBraces)}});
}

HttpResponse VersionsApi::deleteTag(RequestContext &context)
{
    if (auto twin = checkTwin(context); !twin)
        return HttpResponse::fromError(twin.error());
    auto deleted = context.db().exec("DELETE FROM twin_tags WHERE twin_id = $1 AND name = $2",
                                     {uuidParam(context.uuidParam(QStringLiteral("id"))),
                                      pgParam(context.param(QStringLiteral("name")))});
    if (!deleted)
        return HttpResponse::fromError(deleted.error());
    if (deleted->affectedRows() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such tag")));
    return HttpResponse::noContent();
}

} // namespace Laces::Server

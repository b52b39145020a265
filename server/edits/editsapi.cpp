#include "editsapi.h"

#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "editstore.h"
#include "http/jsonschema.h"
#include "http/requestcontext.h"
#include "locks/fencing.h"
#include "twins/twinlookup.h"
#include "ws/eventbus.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <limits>

namespace Laces::Server {

using Core::EditOperation;
using Core::Error;

void EditsApi::registerRoutes(Router &router)
{
    router.add("POST", QStringLiteral("/edit-operations"), Access::needs(QStringLiteral("twins.edit")),
               [this](RequestContext &c) { return create(c); });
    router.add("GET", QStringLiteral("/twins/{id:uuid}/edit-operations"), Access::needs(QStringLiteral("twins.view")),
               [this](RequestContext &c) { return log(c); });
    router.add("GET", QStringLiteral("/twins/{id:uuid}/state"), Access::needs(QStringLiteral("twins.view")),
               [this](RequestContext &c) { return state(c); });
}

HttpResponse EditsApi::create(RequestContext &context)
{
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    if (auto valid = validateObject(*body, {{QStringLiteral("twin_id"), FieldSpec::Type::String, true, 36, 38},
                                            {QStringLiteral("component"), FieldSpec::Type::StringOrNull, false, 0, 300},
                                            {QStringLiteral("op"), FieldSpec::Type::String, true, 1, 16},
                                            {QStringLiteral("path"), FieldSpec::Type::String, true, 1, 200},
                                            {QStringLiteral("value"), FieldSpec::Type::Any},
                                            {QStringLiteral("base_version"), FieldSpec::Type::StringOrNull, true, 0, 38},
                                            {QStringLiteral("vector_clock"), FieldSpec::Type::Object, true},
                                            {QStringLiteral("replica"), FieldSpec::Type::String, false, 1, 64}});
        !valid)
        return HttpResponse::fromError(valid.error());
    const QUuid twinId = QUuid::fromString(body->value(QStringLiteral("twin_id")).toString());
    if (twinId.isNull())
        return HttpResponse::fromError(Error::invalid(QStringLiteral("'twin_id' must be a UUID"), QStringLiteral("twin_id")));
    EditStore::NewOperation wanted;
    wanted.twinId = twinId;
    wanted.authorId = context.principal().userId;
    EditOperation &operation = wanted.operation;
    const auto kind = EditOperation::kindFromName(body->value(QStringLiteral("op")).toString());
    if (!kind)
        return HttpResponse::fromError(Error::invalid(QStringLiteral("'op' must be set, remove or transform"),
                                                      QStringLiteral("op")));
    operation.kind = *kind;
    operation.component = body->value(QStringLiteral("component")).toString();
    operation.path = body->value(QStringLiteral("path")).toString();
    operation.value = body->value(QStringLiteral("value"));
    if (const QString invalid = operation.validate(); !invalid.isEmpty())
        return HttpResponse::fromError(Error::invalid(invalid, QStringLiteral("value")));
    if (!operation.value.isUndefined()
        && QJsonDocument(QJsonArray{operation.value}).toJson(QJsonDocument::Compact).size() - 2 > kMaxValueBytes)
        return HttpResponse::fromError(Error::invalid(
            QStringLiteral("'value' is over %1 bytes; put large data in a version").arg(kMaxValueBytes),
            QStringLiteral("value")));
    QString clockError;
    const auto clock = Core::VectorClock::fromJson(body->value(QStringLiteral("vector_clock")).toObject(), &clockError);
    if (!clock)
        return HttpResponse::fromError(Error::invalid(clockError, QStringLiteral("vector_clock")));
    operation.clock = *clock;
    // The replica is the session, or one of its editors ("<session id>/<anything>"), so that
    // two windows of one login keep separate counters.
    const QString session = context.principal().sessionId.toString(QUuid::WithoutBraces);
    operation.replica = body->value(QStringLiteral("replica")).toString(session);
    if (operation.replica != session && !operation.replica.startsWith(session + QLatin1Char('/')))
        return HttpResponse::fromError(Error::invalid(
            QStringLiteral("'replica' must be your session id '%1' or start with it and a '/'").arg(session),
            QStringLiteral("replica")));
    if (operation.clock.value(operation.replica) < 1)
        return HttpResponse::fromError(Error::invalid(
            QStringLiteral("the vector clock must count this operation under its replica '%1'").arg(operation.replica),
            QStringLiteral("vector_clock")));
    const QString base = body->value(QStringLiteral("base_version")).toString();
    wanted.baseVersionId = QUuid::fromString(base);
    if (!base.isEmpty() && wanted.baseVersionId.isNull())
        return HttpResponse::fromError(Error::invalid(QStringLiteral("'base_version' must be a version id"),
                                                      QStringLiteral("base_version")));
    wanted.fencingToken = context.request().header("x-lock-token").trimmed().toLongLong();

    PgConnection &db = context.db();
    Transaction transaction(db);
    auto latest = latestVersionOf(db, context.principal().organizationId, twinId, true);
    if (!latest)
        return HttpResponse::fromError(latest.error());
    if (wanted.baseVersionId.isNull() != latest->isNull())
        return HttpResponse::fromError(Error::invalid(latest->isNull() ? QStringLiteral("the twin has no versions yet: 'base_version' must be null")
                                                                       : QStringLiteral("'base_version' is required: the version your edit is based on"),
                                                      QStringLiteral("base_version")));
    if (!wanted.baseVersionId.isNull()) {
        auto known = db.exec("SELECT 1 FROM twin_versions WHERE id = $1 AND twin_id = $2",
                             {uuidParam(wanted.baseVersionId), uuidParam(twinId)});
        if (!known)
            return HttpResponse::fromError(known.error());
        if (known->rowCount() == 0)
            return HttpResponse::fromError(Error::invalid(QStringLiteral("'base_version' is not a version of this twin"),
                                                          QStringLiteral("base_version")));
    }
    if (!operation.component.isEmpty() && !latest->isNull()) {
        auto part = db.exec("SELECT 1 FROM twin_components WHERE version_id = $1 AND name = $2",
                            {uuidParam(*latest), pgParam(operation.component)});
        if (!part)
            return HttpResponse::fromError(part.error());
        if (part->rowCount() == 0)
            return HttpResponse::fromError(Error::invalid(QStringLiteral("the latest version has no component named '%1'")
                                                              .arg(operation.component),
                                                          QStringLiteral("component")));
    }
    if (auto refused = checkFencing(context, twinId,
                                    operation.component.isEmpty() ? QStringList() : QStringList{operation.component},
                                    operation.component.isEmpty()))
        return *refused;
    EditStore store(db);
    auto outcome = store.record(wanted);
    if (!outcome)
        return HttpResponse::fromError(outcome.error());
    if (outcome->applied && !outcome->duplicate) {
        QJsonObject event{{QStringLiteral("type"), QStringLiteral("edit_applied")},
                          {QStringLiteral("twin_id"), twinId.toString(QUuid::WithoutBraces)},
                          {QStringLiteral("organization_id"), context.principal().organizationId.toString(QUuid::WithoutBraces)},
                          {QStringLiteral("user"), context.principal().username},
                          {QStringLiteral("operation"), outcome->operation},
                          {QStringLiteral("concurrent"), outcome->concurrent}};
        if (!outcome->displaced.isEmpty())
            event.insert(QStringLiteral("displaced"), outcome->displaced);
        if (QJsonDocument(event).toJson(QJsonDocument::Compact).size() > 7000) {
            // NOTIFY payloads are small: large values are left for the log to tell.
            for (const QString &field : {QStringLiteral("operation"), QStringLiteral("displaced")}) {
                QJsonObject slim = event.value(field).toObject();
                if (slim.isEmpty())
                    continue;
                slim.remove(QStringLiteral("value"));
                slim.insert(QStringLiteral("value_omitted"), true);
                event.insert(field, slim);
            }
        }
        if (!EventBus::publish(db, event))
            return HttpResponse::fromError(Error::internal(QStringLiteral("could not announce the edit")));
    }
    if (auto committed = transaction.commit(); !committed)
        return HttpResponse::fromError(committed.error());
    QJsonObject answer{{QStringLiteral("operation"), outcome->operation},
                       {QStringLiteral("applied"), outcome->applied},
                       {QStringLiteral("concurrent"), outcome->concurrent}};
    if (!outcome->winner.isEmpty())
        answer.insert(QStringLiteral("winner"), outcome->winner);
    if (!outcome->displaced.isEmpty())
        answer.insert(QStringLiteral("displaced"), outcome->displaced);
    return HttpResponse::json(outcome->duplicate ? 200 : 201, answer);
}

HttpResponse EditsApi::log(RequestContext &context)
{
    const QUuid twinId = context.uuidParam(QStringLiteral("id"));
    if (auto latest = latestVersionOf(context.db(), context.principal().organizationId, twinId); !latest)
        return HttpResponse::fromError(latest.error());
    bool ok = true;
    const QString sinceText = context.request().query.queryItemValue(QStringLiteral("since"));
    const qint64 since = sinceText.isEmpty() ? 0 : sinceText.toLongLong(&ok);
    if (!ok || since < 0)
        return HttpResponse::fromError(Error::invalid(QStringLiteral("'since' must be an operation id"), QStringLiteral("since")));
    const auto limit = context.intQuery(QStringLiteral("limit"), 500, 5000);
    if (!limit)
        return HttpResponse::fromError(limit.error());
    const bool pendingOnly = context.request().query.queryItemValue(QStringLiteral("pending")) == QLatin1String("true");
    auto rows = context.db().exec("SELECT " + QByteArray(EditStore::operationJsonSql()) + " FROM edit_operations o "
                                  "WHERE o.twin_id = $1 AND o.id > $2 AND (NOT $4::boolean OR o.folded_into IS NULL) "
                                  "ORDER BY o.id LIMIT $3",
                                  {uuidParam(twinId), pgParam(since), pgParam(qint64(*limit)),
                                   pendingOnly ? QByteArray("true") : QByteArray("false")});
    if (!rows)
        return HttpResponse::fromError(rows.error());
    const QJsonArray items = jsonArrayOf(*rows);
    QJsonObject answer{{QStringLiteral("items"), items}};
    if (items.size() == *limit)
        answer.insert(QStringLiteral("next_since"), items.last().toObject().value(QStringLiteral("id")));
    return HttpResponse::json(200, answer);
}

HttpResponse EditsApi::state(RequestContext &context)
{
    const QUuid twinId = context.uuidParam(QStringLiteral("id"));
    PgConnection &db = context.db();
    // One snapshot: the version and the pending operations seen together.
    Transaction transaction(db);
    if (auto readOnly = db.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"); !readOnly)
        return HttpResponse::fromError(readOnly.error());
    auto latest = latestVersionOf(context.db(), context.principal().organizationId, twinId);
    if (!latest)
        return HttpResponse::fromError(latest.error());
    EditStore store(db);
    Core::TwinState base;
    if (!latest->isNull()) {
        auto version = store.versionState(*latest);
        if (!version)
            return HttpResponse::fromError(version.error());
        base = *version;
    }
    auto pending = store.pending(twinId);
    if (!pending)
        return HttpResponse::fromError(pending.error());
    auto last = db.exec("SELECT coalesce(max(id), 0) FROM edit_operations WHERE twin_id = $1", {uuidParam(twinId)});
    if (!last)
        return HttpResponse::fromError(last.error());
    Core::VectorClock clock;
    for (const EditOperation &operation : std::as_const(*pending))
        clock.merge(operation.clock);
    const Core::TwinState replayed = Core::applyOperations(base, *pending);
    return HttpResponse::json(200, QJsonObject{
        {QStringLiteral("version_id"), latest->isNull() ? QJsonValue() : QJsonValue(latest->toString(QUuid::WithoutBraces))},
        {QStringLiteral("state"), replayed.toJson()},
        {QStringLiteral("pending_operations"), int(pending->size())},
        {QStringLiteral("vector_clock"), clock.toJson()},
        {QStringLiteral("last_operation_id"), double(last->integer(0, 0))}});
}

} // namespace Laces::Server

#include "editstore.h"

#include "common/jsonutil.h"
#include "db/pgconnection.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <limits>

namespace Laces::Server {

using Core::EditOperation;
using Core::Error;

namespace {

// A JSON value of any kind as a jsonb parameter.
QByteArray jsonValueParam(const QJsonValue &value)
{
    if (value.isNull() || value.isUndefined())
        return pgNull();
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

// Columns read back into an EditOperation, in this order.
const char *operationColumns()
{
    return "o.id, coalesce(o.component, ''), o.op, o.path, jsonb_build_array(o.value)::text, "
           "o.vector_clock::text, o.replica";
}

EditOperation operationAt(const PgResult &rows, int row)
{
    EditOperation operation;
    operation.id = rows.integer(row, 0);
    operation.component = rows.text(row, 1);
    operation.kind = EditOperation::kindFromName(rows.text(row, 2)).value_or(EditOperation::Kind::Set);
    operation.path = rows.text(row, 3);
    operation.value = QJsonDocument::fromJson(rows.bytes(row, 4)).array().at(0);
    operation.clock = Core::VectorClock::fromJson(QJsonDocument::fromJson(rows.bytes(row, 5)).object()).value_or(Core::VectorClock());
    operation.replica = rows.text(row, 6);
    return operation;
}

} // namespace

const char *EditStore::operationJsonSql()
{
    return "json_build_object('id', o.id, 'twin_id', o.twin_id, 'component', o.component, 'op', o.op, "
           "'path', o.path, 'value', o.value, 'base_version', o.base_version_id, 'vector_clock', o.vector_clock, "
           "'replica', o.replica, 'author', json_build_object('id', o.author_id, "
           "'username', (SELECT username FROM users WHERE id = o.author_id)), 'applied', o.applied, "
           "'concurrent', o.concurrent, 'superseded_by', o.superseded_by, 'folded_into', o.folded_into, "
           "'created_at', o.created_at)";
}

Core::Result<EditStore::Outcome> EditStore::record(const NewOperation &wanted)
{
    const EditOperation &operation = wanted.operation;
    const QByteArray twin = uuidParam(wanted.twinId);
    const qint64 counter = operation.clock.value(operation.replica);
    const QByteArray component = operation.component.isEmpty() ? pgNull() : pgParam(operation.component);
    const QByteArray value = jsonValueParam(operation.value);

    // A retry of a stored operation answers what the first attempt did.
    auto earlier = m_db.exec("SELECT " + QByteArray(operationJsonSql()) + ", o.component IS NOT DISTINCT FROM $3 "
                             "AND o.op = $4 AND o.path = $5 AND o.value IS NOT DISTINCT FROM $6::jsonb, "
                             "o.applied, o.concurrent FROM edit_operations o "
                             "WHERE o.twin_id = $1 AND o.replica = $2 AND o.replica_counter = $7",
                             {twin, pgParam(operation.replica), component, pgParam(EditOperation::kindName(operation.kind)),
                              pgParam(operation.path), value, pgParam(counter)});
    if (!earlier)
        return earlier.error();
    if (earlier->rowCount() == 1) {
        if (!earlier->boolean(0, 1))
            return Error::conflict(QStringLiteral("this replica already used counter %1 for another operation")
                                       .arg(counter));
        Outcome outcome;
        outcome.operation = jsonObjectAt(*earlier, 0);
        outcome.applied = earlier->boolean(0, 2);
        outcome.concurrent = earlier->boolean(0, 3);
        outcome.duplicate = true;
        return outcome;
    }

    // The key's operation in effect, with what the new one knew of its version.
    auto current = m_db.exec(
        "SELECT " + QByteArray(operationColumns()) + ", " + operationJsonSql() + ", "
        "  fv.number IS NOT NULL AND fv.number <= coalesce((SELECT number FROM twin_versions WHERE id = $5), 0) "
        "FROM edit_operations o LEFT JOIN twin_versions fv ON fv.id = o.folded_into "
        "WHERE o.twin_id = $1 AND o.path = $2 AND o.component IS NOT DISTINCT FROM $3 AND (o.op = 'transform') = $4::boolean "
        "  AND o.applied AND o.superseded_by IS NULL FOR UPDATE OF o",
        {twin, pgParam(operation.path), component,
         operation.kind == EditOperation::Kind::Transform ? QByteArray("true") : QByteArray("false"),
         wanted.baseVersionId.isNull() ? pgNull() : uuidParam(wanted.baseVersionId)});
    if (!current)
        return current.error();
    Outcome outcome;
    outcome.applied = true;
    std::optional<EditOperation> rival;
    QJsonObject rivalJson;
    if (current->rowCount() > 0) {
        rival = operationAt(*current, 0);
        rivalJson = jsonObjectAt(*current, 0, 7);
        // An operation made on a version that already holds the rival's effect knew it.
        const bool knewRival = current->boolean(0, 8);
        const auto order = operation.clock.compare(rival->clock);
        outcome.concurrent = !knewRival && (order == Core::VectorClock::Order::Concurrent
                                            || order == Core::VectorClock::Order::Equal);
        EditOperation candidate = operation;
        candidate.id = std::numeric_limits<qint64>::max();  // it comes last in the log
        outcome.applied = knewRival || supersedes(candidate, *rival);
    }
    auto inserted = m_db.exec(
        "INSERT INTO edit_operations AS o (twin_id, component, op, path, value, base_version_id, vector_clock, author_id, "
        "                                  fencing_token, applied, replica, replica_counter, concurrent, superseded_by) "
        "VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8, $9::bigint, $10::boolean, $11, $12, $13::boolean, $14::bigint) "
        "RETURNING " + QByteArray(operationJsonSql()),
        {twin, component, pgParam(EditOperation::kindName(operation.kind)), pgParam(operation.path), value,
         wanted.baseVersionId.isNull() ? pgNull() : uuidParam(wanted.baseVersionId), jsonParam(operation.clock.toJson()),
         uuidParam(wanted.authorId), wanted.fencingToken > 0 ? pgParam(wanted.fencingToken) : pgNull(),
         outcome.applied ? QByteArray("true") : QByteArray("false"), pgParam(operation.replica), pgParam(counter),
         outcome.concurrent ? QByteArray("true") : QByteArray("false"),
         !outcome.applied && rival ? pgParam(rival->id) : pgNull()});
    if (!inserted)
        return inserted.error();
    outcome.operation = jsonObjectAt(*inserted, 0);
    if (!rival)
        return outcome;
    if (outcome.applied) {
        auto displaced = m_db.exec("UPDATE edit_operations SET superseded_by = $2 WHERE id = $1",
                                   {pgParam(rival->id), pgParam(qint64(outcome.operation.value(QStringLiteral("id")).toDouble()))});
        if (!displaced)
            return displaced.error();
        if (outcome.concurrent)
            outcome.displaced = rivalJson;
    } else {
        outcome.winner = rivalJson;
    }
    return outcome;
}

Core::Result<QList<EditOperation>> EditStore::pending(const QUuid &twinId)
{
    auto rows = m_db.exec("SELECT " + QByteArray(operationColumns()) + " FROM edit_operations o "
                          "WHERE o.twin_id = $1 AND o.folded_into IS NULL AND o.applied ORDER BY o.id",
                          {uuidParam(twinId)});
    if (!rows)
        return rows.error();
    QList<EditOperation> operations;
    operations.reserve(rows->rowCount());
    for (int row = 0; row < rows->rowCount(); ++row)
        operations.append(operationAt(*rows, row));
    return operations;
}

Core::Result<Core::TwinState> EditStore::versionState(const QUuid &versionId)
{
    auto row = m_db.exec(
        "SELECT json_build_object('properties', v.properties, 'components', coalesce((SELECT json_object_agg(c.name, "
        "  json_strip_nulls(json_build_object('properties', c.properties, 'transform', c.transform))) "
        "  FROM twin_components c WHERE c.version_id = v.id), '{}')) FROM twin_versions v WHERE v.id = $1",
        {uuidParam(versionId)});
    if (!row)
        return row.error();
    if (row->rowCount() == 0)
        return Error::notFound(QStringLiteral("no such version"));
    return Core::TwinState::fromJson(jsonObjectAt(*row, 0));
}

Core::Result<int> EditStore::fold(const QUuid &twinId, const QUuid &versionId, const QSet<QString> &explicitKeys,
                                  bool explicitTwinProperties)
{
    auto operations = pending(twinId);
    if (!operations)
        return operations.error();
    const QByteArray version = uuidParam(versionId);
    for (const EditOperation &operation : Core::winners(*operations)) {
        if (explicitKeys.contains(operation.key()) || (explicitTwinProperties && operation.component.isEmpty()))
            continue;
        const QByteArray value = jsonValueParam(operation.value);
        const bool onTwin = operation.component.isEmpty();
        // A component the new version no longer has takes nothing (the update finds no row).
        QByteArray sql;
        QList<QByteArray> params{version, pgParam(operation.component), pgParam(operation.path)};
        switch (operation.kind) {
        case EditOperation::Kind::Set:
            sql = onTwin ? "UPDATE twin_versions SET properties = jsonb_set(properties, ARRAY[$3::text], $4::jsonb) "
                           "WHERE id = $1 AND $2::text IS NOT NULL"
                         : "UPDATE twin_components SET properties = jsonb_set(properties, ARRAY[$3::text], $4::jsonb) "
                           "WHERE version_id = $1 AND name = $2";
            params.append(value);
            break;
        case EditOperation::Kind::Remove:
            sql = onTwin ? "UPDATE twin_versions SET properties = properties - $3::text WHERE id = $1 AND $2::text IS NOT NULL"
                         : "UPDATE twin_components SET properties = properties - $3::text WHERE version_id = $1 AND name = $2";
            break;
        case EditOperation::Kind::Transform: {
            QList<double> matrix;
            for (const QJsonValue &number : operation.value.toArray())
                matrix.append(number.toDouble());
            sql = "UPDATE twin_components SET transform = $4::double precision[] "
                  "WHERE version_id = $1 AND name = $2 AND $3::text IS NOT NULL";
            params.append(realArrayParam(matrix));
            break;
        }
        }
        auto written = m_db.exec(sql, params);
        if (!written)
            return written.error();
    }
    auto folded = m_db.exec("UPDATE edit_operations SET folded_into = $2 WHERE twin_id = $1 AND folded_into IS NULL",
                            {uuidParam(twinId), version});
    if (!folded)
        return folded.error();
    // Twin properties mirror the latest version's.
    auto twin = m_db.exec("UPDATE digital_twins SET properties = (SELECT properties FROM twin_versions WHERE id = $2) "
                          "WHERE id = $1", {uuidParam(twinId), version});
    if (!twin)
        return twin.error();
    return int(folded->affectedRows());
}

Core::Status EditStore::discardPending(const QUuid &twinId, const QUuid &versionId)
{
    auto discarded = m_db.exec("UPDATE edit_operations SET folded_into = $2 WHERE twin_id = $1 AND folded_into IS NULL",
                               {uuidParam(twinId), uuidParam(versionId)});
    if (!discarded)
        return discarded.error();
    return Core::Ok{};
}

} // namespace Laces::Server

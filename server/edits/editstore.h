#pragma once

#include "collab/editoperation.h"
#include "result.h"

#include <QJsonObject>
#include <QSet>
#include <QUuid>

namespace Laces::Server {

class PgConnection;

// The live edit log of twins in PostgreSQL (table edit_operations). Callers hold the
// twin's row lock (SELECT … FOR UPDATE) so operations on one twin are decided one at a
// time. Operations stay pending until a version commit folds them in.
class EditStore
{
public:
    struct NewOperation
    {
        Core::EditOperation operation;  // replica and clock filled in
        QUuid twinId;
        QUuid authorId;
        QUuid baseVersionId;            // null for a twin without versions
        qint64 fencingToken = 0;        // 0: none presented
    };

    struct Outcome
    {
        QJsonObject operation;   // as stored
        bool applied = false;    // in effect now
        bool concurrent = false; // raced a concurrent operation on its key (one lost the tie)
        bool duplicate = false;  // the same operation was stored before (a retry)
        QJsonObject winner;      // the operation in effect on the key, when this one lost
        QJsonObject displaced;   // the concurrent operation this one beat, if any
    };

    explicit EditStore(PgConnection &db) : m_db(db) {}

    Core::Result<Outcome> record(const NewOperation &wanted);
    // Pending operations of the twin that were in effect when they arrived, in log order.
    Core::Result<QList<Core::EditOperation>> pending(const QUuid &twinId);
    // A version's own state: its properties and components (with transforms).
    Core::Result<Core::TwinState> versionState(const QUuid &versionId);
    // Applies the pending operations to `versionId` (just written), except keys the version
    // set explicitly (`explicitKeys`, as EditOperation::key(), or every twin property when
    // `explicitTwinProperties`), and marks them all folded. Returns how many were folded.
    Core::Result<int> fold(const QUuid &twinId, const QUuid &versionId, const QSet<QString> &explicitKeys,
                           bool explicitTwinProperties);
    // Marks pending operations folded into `versionId` without applying them (restores).
    Core::Status discardPending(const QUuid &twinId, const QUuid &versionId);

    // json_build_object(...) of an edit_operations row aliased `o`.
    static const char *operationJsonSql();

private:
    PgConnection &m_db;
};

} // namespace Laces::Server

#pragma once

#include "lineparser.h"
#include "result.h"

#include <QJsonObject>
#include <QMap>
#include <QSqlDatabase>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

class QSqlQuery;

namespace Laces::Edge {

// Where a file input had read to: the file's identity and the byte just after the last
// line whose sample (or rejection) is committed.
struct InputPosition
{
    QString source;
    qint64 device = 0;
    qint64 inode = 0;
    qint64 offset = 0;
    qint64 line = 0;        // lines taken from the file so far (for messages)
};

// A local alert waiting to go to the server as an event (POST /nodes/{id}/events).
struct PendingEvent
{
    qint64 timeMs = 0;
    QJsonObject body;       // kind, metric, value, limit, direction, score, threshold, message
};

// The agent's durable store: SQLite through QtSql in WAL mode with synchronous=FULL, so a
// committed transaction survives a crash or power cut. Samples wait in it, numbered
// (boot_epoch, seq), until the server answered that it stored them. Every other thing that
// must survive a restart lives here too, each changed in the transaction it belongs to:
// the file input's position, the counters of dropped, rejected and bad samples, MQTT
// messages already taken, pending events, the anomaly model, the acked sequence numbers.
// One thread uses it (the agent's); `laces-edge status` may read alongside (WAL).
class EdgeBuffer
{
public:
    EdgeBuffer();
    ~EdgeBuffer();

    // Opens (creating when `create`) the buffer file; read-only opens refuse a missing file.
    Core::Status open(const QString &path, bool create = true);
    QString path() const { return m_path; }

    // A new run: the boot epoch grows (to at least `nowS`, so a deleted buffer still gets a
    // new epoch) and sequence numbers start again at 1. Durable before it returns.
    Core::Result<qint64> startEpoch(qint64 nowS);
    qint64 epoch() const { return m_epoch; }

    void setLimit(qint64 maxBytes, bool dropOldest) { m_maxBytes = maxBytes; m_dropOldest = dropOldest; }

    struct Append
    {
        QList<Sample> samples;
        QList<PendingEvent> events;
        std::optional<InputPosition> position;
        qint64 badLines = 0;
        QList<QByteArray> mqttIds;     // digests of MQTT messages taken (redeliveries are skipped)
    };
    struct AppendOutcome
    {
        int stored = 0;
        int droppedOldest = 0;          // older samples removed to make room (drop-oldest)
        int rejectedNew = 0;            // of these samples, not stored: the buffer was full (reject-new)
    };
    // One transaction, one fsync: the samples get their sequence numbers, and everything else
    // in `append` commits with them or not at all.
    Core::Result<AppendOutcome> append(const Append &append);

    bool mqttSeen(const QByteArray &id);
    std::optional<InputPosition> position(const QString &source);

    // The oldest samples of one boot epoch, for an upload.
    struct Batch
    {
        qint64 epoch = 0;
        QList<qint64> ids, seqs, timesMs;
        QList<QByteArray> values;
        int size() const { return int(ids.size()); }
    };
    Core::Result<Batch> nextBatch(int maxRows);
    // The server stored rows [0, count) of `batch` (or had them): they are forgotten, and the
    // server's acked sequence number of the epoch recorded.
    Core::Status delivered(const Batch &batch, int count, qint64 ackedSeq);
    // The server refused row `index` of `batch` for good: it moves to the rejected samples
    // with the reason.
    Core::Status reject(const Batch &batch, int index, const QString &reason);

    struct EventRow
    {
        qint64 id = 0, epoch = 0, seq = 0;
        QJsonObject body;
    };
    static constexpr int kMaxEventsPerUpload = 1000;  // the server's limit per request
    Core::Result<QList<EventRow>> nextEvents(int max);
    Core::Status eventsDelivered(const QList<EventRow> &events);
    Core::Status rejectEvents(const QList<EventRow> &events, const QString &reason);

    struct Model
    {
        QByteArray etag, kind, bytes;
        qint64 fetchedMs = 0;
    };
    std::optional<Model> model();
    Core::Status saveModel(const Model &model);
    Core::Status dropModel();

    // Small state the status command shows (uplink_state, last_error, last_upload_at, …).
    Core::Status setMeta(const QString &key, const QString &value);
    QString meta(const QString &key);

    // The status command's JSON (depth, bytes, oldest sample, acked per epoch, …).
    QJsonObject status();
    qint64 depth() const { return m_depth; }
    qint64 bytes() const { return m_bytes; }
    qint64 dropped() const { return m_dropped; }
    qint64 rejected() const { return m_rejected; }
    qint64 badLines() const { return m_badLines; }
    qint64 eventsPending() const { return m_eventsPending; }

    // What one sample counts against --max-buffer-mb: its values' text and the row's fixed part.
    static qint64 rowBytes(qsizetype valuesBytes) { return qint64(valuesBytes) + kRowOverheadBytes; }
    static constexpr qint64 kRowOverheadBytes = 40;

private:
    Core::Status exec(const QString &sql);
    // Runs `work` in one transaction: committed when it succeeds, rolled back otherwise.
    Core::Status transaction(const std::function<Core::Status()> &work);
    // The (rows, bytes against the limit) a "DELETE … RETURNING length(vals)" removed.
    static QPair<qint64, qint64> removedRows(QSqlQuery &deleted);
    Core::Status fail(const QString &what, const QSqlQuery &query);
    Core::Status writeCounter(const char *key, qint64 value);
    Core::Status refreshCounts();

    QString m_path;
    QString m_connection;
    QSqlDatabase m_db;
    qint64 m_epoch = 0;
    qint64 m_nextSeq = 1;
    qint64 m_nextEventSeq = 1;
    qint64 m_depth = 0, m_bytes = 0, m_dropped = 0, m_rejected = 0, m_badLines = 0, m_eventsPending = 0;
    qint64 m_maxBytes = 256LL << 20;
    bool m_dropOldest = true;
    std::unique_ptr<QSqlQuery> m_insert;
};

} // namespace Laces::Edge

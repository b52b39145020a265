#include "edgebuffer.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <atomic>
#include <functional>

namespace Laces::Edge {

using Core::Error;

namespace {

const char *const kSchema[] = {
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID",
    // AUTOINCREMENT: ids are never reused, so an answer for an old batch cannot delete newer rows.
    // vals: encodeValues() text; bytes against the limit: rowBytes(length(vals))
    "CREATE TABLE IF NOT EXISTS samples (id INTEGER PRIMARY KEY AUTOINCREMENT, epoch INTEGER NOT NULL, seq INTEGER NOT NULL, "
    "time_ms INTEGER NOT NULL, vals TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS rejected (id INTEGER PRIMARY KEY, epoch INTEGER, seq INTEGER, time_ms INTEGER, "
    "vals TEXT, reason TEXT, at_ms INTEGER)",
    "CREATE TABLE IF NOT EXISTS acked (epoch INTEGER PRIMARY KEY, seq INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS input_position (source TEXT PRIMARY KEY, device INTEGER, inode INTEGER, offset INTEGER, "
    "line INTEGER)",
    "CREATE TABLE IF NOT EXISTS mqtt_seen (id BLOB PRIMARY KEY, at_ms INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, epoch INTEGER NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS rejected_events (id INTEGER PRIMARY KEY, epoch INTEGER, seq INTEGER, body TEXT, reason TEXT)",
    "CREATE TABLE IF NOT EXISTS model (id INTEGER PRIMARY KEY CHECK (id = 1), etag BLOB, kind BLOB, bytes BLOB, fetched_ms INTEGER)",
};

constexpr int kMqttSeenKept = 10000;  // well under the 65,535 packet ids a session cycles through

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

EdgeBuffer::EdgeBuffer()
{
    static std::atomic<int> counter{0};
    m_connection = QStringLiteral("laces-edge-buffer-%1").arg(counter++);
}

EdgeBuffer::~EdgeBuffer()
{
    m_insert.reset();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connection);
    }
}

Core::Status EdgeBuffer::fail(const QString &what, const QSqlQuery &query)
{
    return Error::unavailable(QStringLiteral("the buffer %1: %2 failed: %3").arg(m_path, what, query.lastError().text()));
}

Core::Status EdgeBuffer::exec(const QString &sql)
{
    QSqlQuery query(m_db);
    if (!query.exec(sql))
        return fail(sql.left(60), query);
    return Core::Ok{};
}

Core::Status EdgeBuffer::open(const QString &path, bool create)
{
    m_path = path;
    if (!create && !QFileInfo::exists(path))
        return Error::notFound(QStringLiteral("no buffer at %1").arg(path));
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    if (!m_db.isValid())
        return Error::unavailable(QStringLiteral("Qt's SQLite driver (QSQLITE) is missing: install libqt6sql6-sqlite"));
    m_db.setDatabaseName(path);
    m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!m_db.open())
        return Error::unavailable(QStringLiteral("cannot open the buffer %1: %2").arg(path, m_db.lastError().text()));
    // WAL: readers (status) never block the writer; FULL: a commit is on the disk when it
    // returns, so what the agent acknowledged survives a power cut.
    // (The journal mode is the file's, set by the agent; a reader such as `status` leaves it.)
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"}) {
        if (!create)
            break;
        if (auto ok = exec(QString::fromLatin1(pragma)); !ok)
            return ok;
    }
    if (create) {
        for (const char *statement : kSchema) {
            if (auto ok = exec(QString::fromLatin1(statement)); !ok)
                return ok;
        }
    }
    m_insert = std::make_unique<QSqlQuery>(m_db);
    if (create && !m_insert->prepare(QStringLiteral("INSERT INTO samples (epoch, seq, time_ms, vals) VALUES (?, ?, ?, ?)")))
        return fail(QStringLiteral("preparing the insert"), *m_insert);
    return refreshCounts();
}

Core::Status EdgeBuffer::refreshCounts()
{
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("SELECT count(*), coalesce(sum(length(vals)), 0) FROM samples")) || !query.next())
        return fail(QStringLiteral("counting samples"), query);
    m_depth = query.value(0).toLongLong();
    m_bytes = query.value(1).toLongLong() + m_depth * kRowOverheadBytes;
    if (!query.exec(QStringLiteral("SELECT count(*) FROM events")) || !query.next())
        return fail(QStringLiteral("counting events"), query);
    m_eventsPending = query.value(0).toLongLong();
    m_dropped = meta(QStringLiteral("dropped")).toLongLong();
    m_rejected = meta(QStringLiteral("rejected")).toLongLong();
    m_badLines = meta(QStringLiteral("bad_lines")).toLongLong();
    m_epoch = meta(QStringLiteral("boot_epoch")).toLongLong();
    return Core::Ok{};
}

QString EdgeBuffer::meta(const QString &key)
{
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("SELECT value FROM meta WHERE key = ?"));
    query.addBindValue(key);
    if (query.exec() && query.next())
        return query.value(0).toString();
    return {};
}

Core::Status EdgeBuffer::setMeta(const QString &key, const QString &value)
{
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
    query.addBindValue(key);
    query.addBindValue(value);
    if (!query.exec())
        return fail(QStringLiteral("writing ") + key, query);
    return Core::Ok{};
}

Core::Status EdgeBuffer::writeCounter(const char *key, qint64 value)
{
    return setMeta(QString::fromLatin1(key), QString::number(value));
}

Core::Result<qint64> EdgeBuffer::startEpoch(qint64 nowS)
{
    const qint64 epoch = std::max(m_epoch + 1, nowS);
    if (auto ok = setMeta(QStringLiteral("boot_epoch"), QString::number(epoch)); !ok)
        return ok.error();
    m_epoch = epoch;
    m_nextSeq = 1;
    m_nextEventSeq = 1;
    return epoch;
}

Core::Result<EdgeBuffer::AppendOutcome> EdgeBuffer::append(const Append &append)
{
    AppendOutcome outcome;
    if (!m_db.transaction())
        return Error::unavailable(QStringLiteral("the buffer %1: cannot begin: %2").arg(m_path, m_db.lastError().text()));
    const auto rollback = [&](Core::Status failed) -> Core::Result<AppendOutcome> {
        m_db.rollback();
        (void)refreshCounts();
        return failed.error();
    };
    QList<QByteArray> encoded;
    encoded.reserve(append.samples.size());
    qint64 incoming = 0;
    for (const Sample &sample : append.samples) {
        encoded.append(encodeValues(sample.values));
        incoming += rowBytes(encoded.last().size());
    }
    int first = 0;                 // samples [first, last) are stored
    int last = int(append.samples.size());
    qint64 depth = m_depth, bytes = m_bytes, seq = m_nextSeq;
    if (bytes + incoming > m_maxBytes) {
        if (m_dropOldest) {
            // The batch alone may be more than the buffer holds: its own oldest go first.
            while (first < last && incoming > m_maxBytes) {
                incoming -= rowBytes(encoded.at(first).size());
                ++first;
                ++outcome.droppedOldest;
            }
            QSqlQuery drop(m_db);
            while (bytes + incoming > m_maxBytes && depth > 0) {
                const qint64 average = std::max<qint64>(1, bytes / std::max<qint64>(1, depth));
                const qint64 rows = std::max<qint64>(1, (bytes + incoming - m_maxBytes + average - 1) / average);
                if (!drop.exec(QStringLiteral("DELETE FROM samples WHERE id IN (SELECT id FROM samples ORDER BY id LIMIT %1) "
                                              "RETURNING length(vals)").arg(rows)))
                    return rollback(fail(QStringLiteral("dropping the oldest samples"), drop));
                const auto [removed, removedBytes] = removedRows(drop);
                bytes -= removedBytes;
                if (removed == 0)
                    break;
                depth -= removed;
                outcome.droppedOldest += int(removed);
            }
        } else {
            qint64 room = m_maxBytes - bytes;
            last = first;
            while (last < int(append.samples.size()) && rowBytes(encoded.at(last).size()) <= room) {
                room -= rowBytes(encoded.at(last).size());
                ++last;
            }
            outcome.rejectedNew = int(append.samples.size()) - last;
            incoming = m_maxBytes - bytes - room;
        }
    }
    for (int i = first; i < last; ++i) {
        m_insert->bindValue(0, m_epoch);
        m_insert->bindValue(1, seq);
        m_insert->bindValue(2, append.samples.at(i).timeMs);
        m_insert->bindValue(3, QString::fromLatin1(encoded.at(i)));
        if (!m_insert->exec())
            return rollback(fail(QStringLiteral("storing a sample"), *m_insert));
        ++seq;
        ++depth;
        ++outcome.stored;
    }
    bytes += incoming;
    qint64 eventSeq = m_nextEventSeq;
    if (!append.events.isEmpty()) {
        QSqlQuery insert(m_db);
        insert.prepare(QStringLiteral("INSERT INTO events (epoch, seq, body) VALUES (?, ?, ?)"));
        for (const PendingEvent &event : append.events) {
            QJsonObject body = event.body;
            body.insert(QStringLiteral("time"), QString::fromLatin1(formatTimeMs(event.timeMs)));
            insert.addBindValue(m_epoch);
            insert.addBindValue(eventSeq);
            insert.addBindValue(QString::fromUtf8(QJsonDocument(body).toJson(QJsonDocument::Compact)));
            if (!insert.exec())
                return rollback(fail(QStringLiteral("storing an event"), insert));
            ++eventSeq;
        }
    }
    if (append.position) {
        QSqlQuery position(m_db);
        position.prepare(QStringLiteral("INSERT INTO input_position (source, device, inode, offset, line) VALUES (?, ?, ?, ?, ?) "
                                        "ON CONFLICT (source) DO UPDATE SET device = excluded.device, inode = excluded.inode, "
                                        "offset = excluded.offset, line = excluded.line"));
        position.addBindValue(append.position->source);
        position.addBindValue(append.position->device);
        position.addBindValue(append.position->inode);
        position.addBindValue(append.position->offset);
        position.addBindValue(append.position->line);
        if (!position.exec())
            return rollback(fail(QStringLiteral("recording the input position"), position));
    }
    if (!append.mqttIds.isEmpty()) {
        QSqlQuery seen(m_db);
        seen.prepare(QStringLiteral("INSERT OR IGNORE INTO mqtt_seen (id, at_ms) VALUES (?, ?)"));
        for (const QByteArray &id : append.mqttIds) {
            seen.addBindValue(id);
            seen.addBindValue(nowMs());
            if (!seen.exec())
                return rollback(fail(QStringLiteral("recording an MQTT message"), seen));
        }
    }
    const qint64 dropped = m_dropped + outcome.droppedOldest + outcome.rejectedNew;
    if (dropped != m_dropped) {
        if (auto ok = writeCounter("dropped", dropped); !ok)
            return rollback(ok);
    }
    if (append.badLines > 0) {
        if (auto ok = writeCounter("bad_lines", m_badLines + append.badLines); !ok)
            return rollback(ok);
    }
    if (!m_db.commit())
        return rollback(Error::unavailable(QStringLiteral("the buffer %1: commit failed: %2").arg(m_path, m_db.lastError().text())));
    m_depth = depth;
    m_bytes = bytes;
    m_nextSeq = seq;
    m_nextEventSeq = eventSeq;
    m_eventsPending += append.events.size();
    m_dropped = dropped;
    m_badLines += append.badLines;
    return outcome;
}

bool EdgeBuffer::mqttSeen(const QByteArray &id)
{
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("SELECT 1 FROM mqtt_seen WHERE id = ?"));
    query.addBindValue(id);
    const bool seen = query.exec() && query.next();
    // Keep the newest few thousand: redeliveries come right after a reconnect.
    static int calls = 0;
    if (++calls % 1000 == 0) {
        QSqlQuery prune(m_db);
        prune.exec(QStringLiteral("DELETE FROM mqtt_seen WHERE at_ms < (SELECT at_ms FROM mqtt_seen ORDER BY at_ms DESC "
                                  "LIMIT 1 OFFSET %1)").arg(kMqttSeenKept));
    }
    return seen;
}

std::optional<InputPosition> EdgeBuffer::position(const QString &source)
{
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("SELECT device, inode, offset, line FROM input_position WHERE source = ?"));
    query.addBindValue(source);
    if (!query.exec() || !query.next())
        return std::nullopt;
    return InputPosition{source, query.value(0).toLongLong(), query.value(1).toLongLong(), query.value(2).toLongLong(),
                         query.value(3).toLongLong()};
}

Core::Result<EdgeBuffer::Batch> EdgeBuffer::nextBatch(int maxRows)
{
    Batch batch;
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("SELECT id, epoch, seq, time_ms, vals FROM samples "
                                   "WHERE epoch = (SELECT epoch FROM samples ORDER BY id LIMIT 1) ORDER BY id LIMIT %1")
                        .arg(maxRows)))
        return fail(QStringLiteral("reading a batch"), query).error();
    while (query.next()) {
        batch.ids.append(query.value(0).toLongLong());
        batch.epoch = query.value(1).toLongLong();
        batch.seqs.append(query.value(2).toLongLong());
        batch.timesMs.append(query.value(3).toLongLong());
        batch.values.append(query.value(4).toString().toLatin1());
    }
    return batch;
}

Core::Status EdgeBuffer::transaction(const std::function<Core::Status()> &work)
{
    if (!m_db.transaction())
        return Error::unavailable(QStringLiteral("the buffer %1: cannot begin: %2").arg(m_path, m_db.lastError().text()));
    if (auto done = work(); !done) {
        m_db.rollback();
        return done;
    }
    if (!m_db.commit()) {
        const QString why = m_db.lastError().text();
        m_db.rollback();
        return Error::unavailable(QStringLiteral("the buffer %1: commit failed: %2").arg(m_path, why));
    }
    return Core::Ok{};
}

QPair<qint64, qint64> EdgeBuffer::removedRows(QSqlQuery &deleted)
{
    qint64 rows = 0, bytes = 0;
    while (deleted.next()) {
        ++rows;
        bytes += rowBytes(deleted.value(0).toLongLong());
    }
    return {rows, bytes};
}

Core::Status EdgeBuffer::delivered(const Batch &batch, int count, qint64 ackedSeq)
{
    if (count <= 0)
        return Core::Ok{};
    QPair<qint64, qint64> removed;
    auto done = transaction([&]() -> Core::Status {
        QSqlQuery remove(m_db);
        // The batch's rows are contiguous ids of one epoch, oldest first (others may have
        // been dropped meanwhile): one range delete.
        if (!remove.exec(QStringLiteral("DELETE FROM samples WHERE id >= %1 AND id <= %2 AND epoch = %3 RETURNING length(vals)")
                             .arg(batch.ids.first()).arg(batch.ids.at(count - 1)).arg(batch.epoch)))
            return fail(QStringLiteral("forgetting delivered samples"), remove);
        removed = removedRows(remove);
        QSqlQuery acked(m_db);
        acked.prepare(QStringLiteral("INSERT INTO acked (epoch, seq) VALUES (?, ?) ON CONFLICT (epoch) DO UPDATE SET seq = max(seq, excluded.seq)"));
        acked.addBindValue(batch.epoch);
        acked.addBindValue(ackedSeq);
        if (!acked.exec())
            return fail(QStringLiteral("recording the acked sequence"), acked);
        return Core::Ok{};
    });
    if (!done)
        return done;
    m_depth -= removed.first;
    m_bytes -= removed.second;
    return Core::Ok{};
}

Core::Status EdgeBuffer::reject(const Batch &batch, int index, const QString &reason)
{
    QPair<qint64, qint64> removed;
    auto done = transaction([&]() -> Core::Status {
        QSqlQuery move(m_db);
        move.prepare(QStringLiteral("INSERT INTO rejected (epoch, seq, time_ms, vals, reason, at_ms) "
                                    "SELECT epoch, seq, time_ms, vals, ?, ? FROM samples WHERE id = ?"));
        move.addBindValue(reason);
        move.addBindValue(nowMs());
        move.addBindValue(batch.ids.at(index));
        if (!move.exec())
            return fail(QStringLiteral("recording a rejected sample"), move);
        QSqlQuery remove(m_db);
        remove.prepare(QStringLiteral("DELETE FROM samples WHERE id = ? RETURNING length(vals)"));
        remove.addBindValue(batch.ids.at(index));
        if (!remove.exec())
            return fail(QStringLiteral("recording a rejected sample"), remove);
        removed = removedRows(remove);
        return writeCounter("rejected", m_rejected + removed.first);
    });
    if (!done)
        return done;
    m_rejected += removed.first;
    m_depth -= removed.first;
    m_bytes -= removed.second;
    return Core::Ok{};
}

Core::Result<QList<EdgeBuffer::EventRow>> EdgeBuffer::nextEvents(int max)
{
    QList<EventRow> events;
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("SELECT id, epoch, seq, body FROM events "
                                   "WHERE epoch = (SELECT epoch FROM events ORDER BY id LIMIT 1) ORDER BY id LIMIT %1").arg(max)))
        return fail(QStringLiteral("reading events"), query).error();
    while (query.next())
        events.append({query.value(0).toLongLong(), query.value(1).toLongLong(), query.value(2).toLongLong(),
                       QJsonDocument::fromJson(query.value(3).toString().toUtf8()).object()});
    return events;
}

Core::Status EdgeBuffer::eventsDelivered(const QList<EventRow> &events)
{
    if (events.isEmpty())
        return Core::Ok{};
    QSqlQuery remove(m_db);
    if (!remove.exec(QStringLiteral("DELETE FROM events WHERE id >= %1 AND id <= %2").arg(events.first().id).arg(events.last().id)))
        return fail(QStringLiteral("forgetting delivered events"), remove);
    m_eventsPending = std::max<qint64>(0, m_eventsPending - remove.numRowsAffected());
    return Core::Ok{};
}

Core::Status EdgeBuffer::rejectEvents(const QList<EventRow> &events, const QString &reason)
{
    if (events.isEmpty())
        return Core::Ok{};
    // Moved and forgotten in one transaction: never in both tables, never in neither.
    const qint64 pending = m_eventsPending;
    auto done = transaction([&]() -> Core::Status {
        QSqlQuery move(m_db);
        move.prepare(QStringLiteral("INSERT INTO rejected_events (epoch, seq, body, reason) SELECT epoch, seq, body, ? FROM events "
                                    "WHERE id >= ? AND id <= ?"));
        move.addBindValue(reason);
        move.addBindValue(events.first().id);
        move.addBindValue(events.last().id);
        if (!move.exec())
            return fail(QStringLiteral("recording rejected events"), move);
        return eventsDelivered(events);
    });
    if (!done)
        m_eventsPending = pending;
    return done;
}

std::optional<EdgeBuffer::Model> EdgeBuffer::model()
{
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("SELECT etag, kind, bytes, fetched_ms FROM model WHERE id = 1")) || !query.next())
        return std::nullopt;
    return Model{query.value(0).toByteArray(), query.value(1).toByteArray(), query.value(2).toByteArray(),
                 query.value(3).toLongLong()};
}

Core::Status EdgeBuffer::saveModel(const Model &model)
{
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("INSERT INTO model (id, etag, kind, bytes, fetched_ms) VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) "
                                 "DO UPDATE SET etag = excluded.etag, kind = excluded.kind, bytes = excluded.bytes, "
                                 "fetched_ms = excluded.fetched_ms"));
    query.addBindValue(model.etag);
    query.addBindValue(model.kind);
    query.addBindValue(model.bytes);
    query.addBindValue(model.fetchedMs);
    if (!query.exec())
        return fail(QStringLiteral("saving the model"), query);
    return Core::Ok{};
}

Core::Status EdgeBuffer::dropModel()
{
    return exec(QStringLiteral("DELETE FROM model"));
}

QJsonObject EdgeBuffer::status()
{
    QJsonObject status;
    (void)refreshCounts();
    status.insert(QStringLiteral("buffer"), m_path);
    status.insert(QStringLiteral("depth"), double(m_depth));
    status.insert(QStringLiteral("bytes"), double(m_bytes));
    status.insert(QStringLiteral("file_bytes"), double(QFileInfo(m_path).size() + QFileInfo(m_path + QStringLiteral("-wal")).size()));
    QSqlQuery query(m_db);
    if (query.exec(QStringLiteral("SELECT time_ms, epoch, seq FROM samples ORDER BY id LIMIT 1")) && query.next())
        status.insert(QStringLiteral("oldest_sample"),
                      QJsonObject{{QStringLiteral("time"), QString::fromLatin1(formatTimeMs(query.value(0).toLongLong()))},
                                  {QStringLiteral("boot_epoch"), double(query.value(1).toLongLong())},
                                  {QStringLiteral("seq"), double(query.value(2).toLongLong())}});
    else
        status.insert(QStringLiteral("oldest_sample"), QJsonValue::Null);
    QJsonObject acked;
    if (query.exec(QStringLiteral("SELECT epoch, seq FROM acked ORDER BY epoch DESC LIMIT 20"))) {
        while (query.next())
            acked.insert(QString::number(query.value(0).toLongLong()), double(query.value(1).toLongLong()));
    }
    status.insert(QStringLiteral("acked"), acked);
    status.insert(QStringLiteral("boot_epoch"), double(m_epoch));
    status.insert(QStringLiteral("dropped"), double(m_dropped));
    status.insert(QStringLiteral("rejected"), double(m_rejected));
    status.insert(QStringLiteral("bad_lines"), double(m_badLines));
    status.insert(QStringLiteral("events_pending"), double(m_eventsPending));
    if (query.exec(QStringLiteral("SELECT reason FROM rejected ORDER BY id DESC LIMIT 1")) && query.next())
        status.insert(QStringLiteral("last_rejection"), query.value(0).toString());
    if (auto model = this->model()) {
        status.insert(QStringLiteral("model"), QJsonObject{{QStringLiteral("version"), QString::fromLatin1(model->etag)},
                                                           {QStringLiteral("kind"), QString::fromLatin1(model->kind)},
                                                           {QStringLiteral("bytes"), double(model->bytes.size())},
                                                           {QStringLiteral("fetched_at"), QString::fromLatin1(formatTimeMs(model->fetchedMs))}});
    } else {
        status.insert(QStringLiteral("model"), QJsonValue::Null);
    }
    for (const char *key : {"uplink_state", "last_error", "last_upload_at", "agent_pid", "input", "local_alert"}) {
        const QString value = meta(QString::fromLatin1(key));
        status.insert(QString::fromLatin1(key), value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value));
    }
    return status;
}

} // namespace Laces::Edge

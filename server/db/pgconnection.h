#pragma once

#include "result.h"

#include <QByteArray>
#include <QUuid>
#include <QList>
#include <QString>

#include <memory>

struct pg_conn;
struct pg_result;

namespace Laces::Server {

// The rows of one statement's result, owned. Values are text (libpq text format).
class PgResult
{
public:
    PgResult() = default;
    explicit PgResult(pg_result *result);

    int rowCount() const;
    int columnCount() const;
    int column(const char *name) const;  // -1 when absent
    bool isNull(int row, int column) const;
    QByteArray bytes(int row, int column) const;
    QByteArrayView view(int row, int column) const;   // the bytes without a copy, valid with the result
    QString text(int row, int column) const;
    qint64 integer(int row, int column) const;
    double real(int row, int column) const;
    QUuid uuid(int row, int column) const;   // null for text that is not a UUID
    bool boolean(int row, int column) const;
    qint64 affectedRows() const;
    pg_result *handle() const { return m_result.get(); }

private:
    std::shared_ptr<pg_result> m_result;
};

// One libpq connection. Not thread-safe: one thread uses it at a time (see ConnectionPool).
// Statements take text parameters ($1, $2, ...); a null QByteArray is SQL NULL.
class PgConnection
{
public:
    explicit PgConnection(QByteArray conninfo);
    ~PgConnection();
    PgConnection(const PgConnection &) = delete;
    PgConnection &operator=(const PgConnection &) = delete;

    Core::Status open();
    bool isOpen() const;
    // Reconnects when the server closed the connection (e.g. after a restart).
    Core::Status ensureOpen();

    Core::Result<PgResult> exec(const QByteArray &sql, const QList<QByteArray> &params = {});
    // The same with the rows in PostgreSQL's binary format: no number or UUID is printed
    // and parsed again, for reads of many rows. PgResult's accessors read either format
    // (bigint, integer, smallint, double precision, real, uuid, boolean, text).
    Core::Result<PgResult> execBinary(const QByteArray &sql, const QList<QByteArray> &params = {});
    // COPY … FROM STDIN with `data` as the whole input (e.g. binary COPY tuples); the
    // number of rows copied.
    Core::Result<qint64> copyIn(const QByteArray &copySql, const QByteArray &data);
    // Runs a script of several statements (no parameters), e.g. a migration.
    Core::Status execScript(const QByteArray &sql);

    pg_conn *handle() const { return m_conn; }

private:
    Core::Error errorFrom(pg_result *result) const;
    Core::Result<PgResult> run(const QByteArray &sql, const QList<QByteArray> &params, int resultFormat);

    QByteArray m_conninfo;
    pg_conn *m_conn = nullptr;
};

// BEGIN on construction, ROLLBACK on destruction unless commit() succeeded.
class Transaction
{
public:
    // `begin` may ask for more, e.g. "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY".
    explicit Transaction(PgConnection &connection, const char *begin = "BEGIN");
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    const Core::Status &began() const { return m_began; }
    Core::Status commit();

private:
    PgConnection &m_connection;
    Core::Status m_began;
    bool m_done = false;
};

// Text parameter helpers.
QByteArray pgParam(const QString &text);
QByteArray pgParam(qint64 number);
QByteArray pgNull();

} // namespace Laces::Server

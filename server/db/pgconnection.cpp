#include "pgconnection.h"

#include <charconv>
#include <cstring>

#include <QLoggingCategory>

#include <libpq-fe.h>

#include <optional>
#include <vector>

Q_LOGGING_CATEGORY(lcDb, "laces.server.db")

namespace Laces::Server {

using Core::Error;
using Core::Status;

PgResult::PgResult(pg_result *result) : m_result(result, &PQclear) {}

int PgResult::rowCount() const { return m_result ? PQntuples(m_result.get()) : 0; }
int PgResult::columnCount() const { return m_result ? PQnfields(m_result.get()) : 0; }
int PgResult::column(const char *name) const { return m_result ? PQfnumber(m_result.get(), name) : -1; }

bool PgResult::isNull(int row, int column) const
{
    return PQgetisnull(m_result.get(), row, column) != 0;
}

QByteArray PgResult::bytes(int row, int column) const
{
    return QByteArray(PQgetvalue(m_result.get(), row, column),
                      PQgetlength(m_result.get(), row, column));
}

QByteArrayView PgResult::view(int row, int column) const
{
    return QByteArrayView(PQgetvalue(m_result.get(), row, column), PQgetlength(m_result.get(), row, column));
}

QString PgResult::text(int row, int column) const
{
    return QString::fromUtf8(PQgetvalue(m_result.get(), row, column),
                             PQgetlength(m_result.get(), row, column));
}

// std::from_chars: no copy, no locale (a German decimal comma never enters), and
// PostgreSQL's "NaN" and "Infinity" read as such. Unparsable text reads as 0, as
// QByteArray's conversions did.
namespace {

// Binary values are big-endian.
quint64 bigEndian(const char *value, int bytes)
{
    quint64 number = 0;
    for (int i = 0; i < bytes; ++i)
        number = number << 8 | quint8(value[i]);
    return number;
}

} // namespace

qint64 PgResult::integer(int row, int column) const
{
    const char *value = PQgetvalue(m_result.get(), row, column);
    if (PQfformat(m_result.get(), column) == 1) {
        switch (PQgetlength(m_result.get(), row, column)) {
        case 8: return qint64(bigEndian(value, 8));
        case 4: return qint32(quint32(bigEndian(value, 4)));
        case 2: return qint16(quint16(bigEndian(value, 2)));
        default: return 0;
        }
    }
    qint64 number = 0;
    std::from_chars(value, value + PQgetlength(m_result.get(), row, column), number);
    return number;
}

double PgResult::real(int row, int column) const
{
    const char *value = PQgetvalue(m_result.get(), row, column);
    if (PQfformat(m_result.get(), column) == 1) {
        const int length = PQgetlength(m_result.get(), row, column);
        if (length == 8) {
            const quint64 bits = bigEndian(value, 8);
            double number;
            std::memcpy(&number, &bits, sizeof number);
            return number;
        }
        if (length == 4) {
            const quint32 bits = quint32(bigEndian(value, 4));
            float number;
            std::memcpy(&number, &bits, sizeof number);
            return number;
        }
        return 0;
    }
    double number = 0;
    std::from_chars(value, value + PQgetlength(m_result.get(), row, column), number);
    return number;
}

QUuid PgResult::uuid(int row, int column) const
{
    if (PQfformat(m_result.get(), column) == 1) {
        if (PQgetlength(m_result.get(), row, column) != 16)
            return {};
        return QUuid::fromRfc4122(QByteArrayView(PQgetvalue(m_result.get(), row, column), 16));
    }
    return QUuid::fromString(QLatin1StringView(PQgetvalue(m_result.get(), row, column),
                                               PQgetlength(m_result.get(), row, column)));
}

bool PgResult::boolean(int row, int column) const
{
    const char first = PQgetvalue(m_result.get(), row, column)[0];
    return PQfformat(m_result.get(), column) == 1 ? first != 0 : first == 't';
}

qint64 PgResult::affectedRows() const
{
    return m_result ? QByteArray(PQcmdTuples(m_result.get())).toLongLong() : 0;
}

PgConnection::PgConnection(QByteArray conninfo) : m_conninfo(std::move(conninfo)) {}

PgConnection::~PgConnection()
{
    if (m_conn)
        PQfinish(m_conn);
}

Status PgConnection::open()
{
    if (m_conn)
        PQfinish(m_conn);
    m_conn = PQconnectdb(m_conninfo.constData());
    if (PQstatus(m_conn) != CONNECTION_OK) {
        const QString message = QString::fromUtf8(PQerrorMessage(m_conn)).trimmed();
        PQfinish(m_conn);
        m_conn = nullptr;
        return Error::unavailable(QStringLiteral("database connection failed: %1").arg(message));
    }
    // Timestamps leave the database as RFC 3339 UTC, whatever the server's default.
    PQclear(PQexec(m_conn, "SET TIME ZONE 'UTC'"));
    return Core::Ok{};
}

bool PgConnection::isOpen() const
{
    return m_conn && PQstatus(m_conn) == CONNECTION_OK;
}

Status PgConnection::ensureOpen()
{
    if (isOpen())
        return Core::Ok{};
    if (m_conn) {
        PQreset(m_conn);
        if (PQstatus(m_conn) == CONNECTION_OK) {
            PQclear(PQexec(m_conn, "SET TIME ZONE 'UTC'"));
            return Core::Ok{};
        }
    }
    return open();
}

Error PgConnection::errorFrom(pg_result *result) const
{
    const char *state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const QByteArray sqlState = state ? QByteArray(state) : QByteArray();
    const QString message = QString::fromUtf8(result ? PQresultErrorMessage(result)
                                                     : PQerrorMessage(m_conn))
                                .trimmed();
    // The database's own text (values, DETAIL lines, socket paths) stays in the log; the
    // error carries a plain message naming the constraint, which callers may map to a field.
    const char *constraintField = result ? PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME) : nullptr;
    const QString constraint = constraintField ? QString::fromUtf8(constraintField) : QString();
    qCInfo(lcDb).noquote() << "statement refused:" << sqlState << message.left(500);
    if (sqlState == "23505")
        return Error::conflict(QStringLiteral("already exists (%1)").arg(constraint));
    if (sqlState == "23503")
        return Error::notFound(QStringLiteral("refers to something that does not exist (%1)").arg(constraint));
    if (sqlState.startsWith("22") || sqlState == "23514" || sqlState == "23502")
        return Error::invalid(constraint.isEmpty() ? QStringLiteral("a value was refused by the database")
                                                   : QStringLiteral("a value breaks the rule %1").arg(constraint));
    if (sqlState.startsWith("08") || sqlState == "57P01" || !isOpen())
        return Error::unavailable(QStringLiteral("the database is unavailable"));
    return Error::internal(message);
}

Core::Result<PgResult> PgConnection::exec(const QByteArray &sql, const QList<QByteArray> &params)
{
    return run(sql, params, 0);
}

Core::Result<PgResult> PgConnection::execBinary(const QByteArray &sql, const QList<QByteArray> &params)
{
    return run(sql, params, 1);
}

Core::Result<PgResult> PgConnection::run(const QByteArray &sql, const QList<QByteArray> &params, int resultFormat)
{
    if (!m_conn)
        return Error::unavailable(QStringLiteral("database connection is not open"));
    std::vector<const char *> values;
    std::vector<int> lengths;
    values.reserve(params.size());
    lengths.reserve(params.size());
    for (const QByteArray &param : params) {
        values.push_back(param.isNull() ? nullptr : param.constData());
        lengths.push_back(int(param.size()));
    }
    pg_result *result = PQexecParams(m_conn, sql.constData(), int(params.size()), nullptr, values.data(),
                                      lengths.data(), nullptr, resultFormat);
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        const Error error = errorFrom(result);
        if (error.code == Error::Code::Internal)
            qCWarning(lcDb).noquote() << "statement failed:" << error.message;
        PQclear(result);
        return error;
    }
    return PgResult(result);
}

Core::Result<qint64> PgConnection::copyIn(const QByteArray &copySql, const QByteArray &data)
{
    if (!m_conn)
        return Error::unavailable(QStringLiteral("database connection is not open"));
    pg_result *started = PQexec(m_conn, copySql.constData());
    if (!started || PQresultStatus(started) != PGRES_COPY_IN) {
        const Error error = errorFrom(started);
        PQclear(started);
        return error;
    }
    PQclear(started);
    // Blocking connection: each call sends or queues all it is given.
    constexpr qsizetype kPiece = 1 << 20;
    bool sent = true;
    for (qsizetype at = 0; sent && at < data.size(); at += kPiece)
        sent = PQputCopyData(m_conn, data.constData() + at, int(qMin(kPiece, data.size() - at))) == 1;
    if (PQputCopyEnd(m_conn, sent ? nullptr : "sending the COPY data failed") != 1)
        return Error::unavailable(QStringLiteral("database connection lost during COPY"));
    pg_result *result = PQgetResult(m_conn);
    const bool ok = result && PQresultStatus(result) == PGRES_COMMAND_OK;
    std::optional<Error> error;
    if (!ok)
        error = errorFrom(result);
    const qint64 rows = ok ? QByteArray(PQcmdTuples(result)).toLongLong() : 0;
    PQclear(result);
    while (pg_result *rest = PQgetResult(m_conn))
        PQclear(rest);
    if (error)
        return *error;
    return rows;
}

Status PgConnection::execScript(const QByteArray &sql)
{
    if (!m_conn)
        return Error::unavailable(QStringLiteral("database connection is not open"));
    pg_result *result = PQexec(m_conn, sql.constData());
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        const Error error = errorFrom(result);
        PQclear(result);
        return error;
    }
    PQclear(result);
    return Core::Ok{};
}

Transaction::Transaction(PgConnection &connection, const char *begin)
    : m_connection(connection)
    , m_began(Core::Ok{})
{
    auto begun = m_connection.exec(begin);
    if (!begun)
        m_began = begun.error();
}

Transaction::~Transaction()
{
    if (!m_done && m_began.ok())
        m_connection.exec("ROLLBACK");
}

Status Transaction::commit()
{
    m_done = true;
    auto committed = m_connection.exec("COMMIT");
    if (!committed)
        return committed.error();
    // PostgreSQL answers COMMIT of a failed transaction with success and the tag ROLLBACK.
    if (PQcmdStatus(committed->handle()) != QByteArray("COMMIT"))
        return Error::internal(QStringLiteral("the transaction was rolled back"));
    return Core::Ok{};
}

QByteArray pgParam(const QString &text)
{
    QByteArray utf8 = text.toUtf8();
    if (utf8.isNull())
        utf8 = QByteArray("", 0); // an empty string, not SQL NULL
    return utf8;
}
QByteArray pgParam(qint64 number) { return QByteArray::number(number); }
QByteArray pgNull() { return QByteArray(); }

} // namespace Laces::Server

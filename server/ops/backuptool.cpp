#include "backuptool.h"

#include "backupretention.h"
#include "db/embeddedpostgres.h"
#include "telemetry/rfc3339.h"
#include "serverconfig.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>

#include <libpq-fe.h>

#include <cstdio>
#include <memory>

namespace Laces::Server {

using Core::Error;

namespace {

void say(const QString &text)
{
    std::fprintf(stdout, "%s\n", qPrintable(text));
    std::fflush(stdout);
}

int failed(const QString &text, int code = 1)
{
    std::fprintf(stderr, "laces-server: %s\n", qPrintable(text));
    return code;
}

// Runs a PostgreSQL client program to its end (no time limit: a dump takes what it takes).
Core::Status runClient(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::SeparateChannels);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    if (!process.waitForStarted(10000))
        return Error::unavailable(QStringLiteral("cannot run %1: %2").arg(program, process.errorString()));
    process.waitForFinished(-1);
    const QString errors = QString::fromLocal8Bit(process.readAllStandardError()).trimmed();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return Error::unavailable(QStringLiteral("%1 failed (exit code %2): %3")
                                      .arg(QFileInfo(program).fileName())
                                      .arg(process.exitCode())
                                      .arg(errors.right(2000)));
    return Core::Ok{};
}

QString megabytes(qint64 bytes)
{
    return QString::number(double(bytes) / 1e6, 'f', 1) + QStringLiteral(" MB");
}

QString seconds(const QElapsedTimer &timer)
{
    return QString::number(double(timer.elapsed()) / 1000.0, 'f', 1) + QStringLiteral(" s");
}

// A database to read from or write to: an external one, the cluster of a server that is
// running on the data directory, or the data directory's cluster started for the command.
struct Database
{
    QByteArray conninfo;
    QString binDir;
    std::unique_ptr<EmbeddedPostgres> started;   // ours: stopped when done
    QString dataDir;

    ~Database()
    {
        if (started)
            started->stop();
    }
};

Core::Status openDatabase(const QCommandLineParser &parser, bool mayCreate, Database *database)
{
    const QString url = parser.value(QStringLiteral("database-url"));
    const QString dataDirOption = parser.value(QStringLiteral("data-dir"));
    database->binDir = EmbeddedPostgres::findBinDir(parser.value(QStringLiteral("pg-bindir")));
    if (database->binDir.isEmpty())
        return Error::unavailable(QStringLiteral("PostgreSQL binaries not found (install postgresql or pass --pg-bindir)"));
    if (!url.isEmpty() && !dataDirOption.isEmpty())
        return Error::invalid(QStringLiteral("give --data-dir or --database-url, not both"), QStringLiteral("database-url"));
    if (!url.isEmpty()) {
        database->conninfo = url.toUtf8();
        return Core::Ok{};
    }
    database->dataDir = QDir(dataDirOption.isEmpty() ? ServerConfig::defaultDataDir() : dataDirOption).absolutePath();
    database->conninfo = EmbeddedPostgres::runningConninfo(database->dataDir);
    if (!database->conninfo.isEmpty())
        return Core::Ok{};   // a server runs on it: its cluster serves us too
    const bool exists = QFileInfo::exists(database->dataDir + QStringLiteral("/postgres/PG_VERSION"));
    if (!exists && !mayCreate)
        return Error::notFound(QStringLiteral("no database cluster in %1").arg(database->dataDir));
    EmbeddedPostgres::Options options;
    options.dataDir = database->dataDir;
    options.binDir = database->binDir;
    options.startTimeoutMs = 30 * 60 * 1000;
    database->started = std::make_unique<EmbeddedPostgres>(options);
    if (Core::Status started = database->started->start(); !started) {
        database->started.reset();
        return started;
    }
    database->conninfo = database->started->conninfo();
    return Core::Ok{};
}

// The number of tables in the database's public schema (0: a restore may go in).
Core::Result<int> tableCount(const QByteArray &conninfo)
{
    PGconn *conn = PQconnectdb(conninfo.constData());
    const auto finish = qScopeGuard([conn] { PQfinish(conn); });
    if (PQstatus(conn) != CONNECTION_OK)
        return Error::unavailable(QString::fromUtf8(PQerrorMessage(conn)).trimmed());
    PGresult *result = PQexec(conn, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                    "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')");
    const auto clear = qScopeGuard([result] { PQclear(result); });
    if (PQresultStatus(result) != PGRES_TUPLES_OK)
        return Error::unavailable(QString::fromUtf8(PQresultErrorMessage(result)).trimmed());
    return QByteArray(PQgetvalue(result, 0, 0)).toInt();
}

Core::Status dumpTo(const Database &database, const QString &file)
{
    const QString partial = file + QStringLiteral(".partial");
    QFile::remove(partial);
    // One snapshot for the whole dump (pg_dump's own), large objects (the model store)
    // included; written next to its name and renamed when complete, so a FILE is whole.
    Core::Status dumped = runClient(QDir(database.binDir).filePath(QStringLiteral("pg_dump")),
                                    {QStringLiteral("--format=custom"), QStringLiteral("--blobs"),
                                     QStringLiteral("--file=") + partial,
                                     QStringLiteral("--dbname=") + QString::fromUtf8(database.conninfo)});
    if (!dumped) {
        QFile::remove(partial);
        return dumped;
    }
    QFile::remove(file);
    if (!QFile::rename(partial, file))
        return Error::unavailable(QStringLiteral("cannot rename %1 to %2").arg(partial, file));
    return Core::Ok{};
}

int backup(const QCommandLineParser &parser)
{
    const QString to = parser.value(QStringLiteral("to"));
    const QString rotate = parser.value(QStringLiteral("rotate"));
    if (to.isEmpty() == rotate.isEmpty())
        return failed(QStringLiteral("backup needs --to FILE or --rotate DIR"), 2);
    Database database;
    if (Core::Status opened = openDatabase(parser, false, &database); !opened)
        return failed(opened.error().message);
    QString file = to;
    static const QRegularExpression rotated(QStringLiteral("^laces-(\\d{8}T\\d{6}Z)\\.dump$"));
    if (!rotate.isEmpty()) {
        if (!QDir().mkpath(rotate))
            return failed(QStringLiteral("cannot create %1").arg(rotate));
        file = QDir(rotate).filePath(QStringLiteral("laces-%1.dump")
                                         .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"))));
    }
    QElapsedTimer timer;
    timer.start();
    if (Core::Status dumped = dumpTo(database, file); !dumped)
        return failed(dumped.error().message);
    say(QStringLiteral("backed up to %1: %2 in %3").arg(file, megabytes(QFileInfo(file).size()), seconds(timer)));
    if (rotate.isEmpty())
        return 0;
    // The names say UTC; read them as such (whatever this host's time zone, and its
    // daylight-saving gaps, are).
    QHash<QDateTime, QString> utc;
    for (const QString &name : QDir(rotate).entryList(QDir::Files)) {
        const auto match = rotated.match(name);
        if (!match.hasMatch())
            continue;
        const QString stamp = match.captured(1);
        const QDateTime time(QDate::fromString(stamp.left(8), QStringLiteral("yyyyMMdd")),
                             QTime::fromString(stamp.mid(9, 6), QStringLiteral("HHmmss")), Qt::UTC);
        if (time.isValid())
            utc.insert(time, name);
    }
    const QList<QDateTime> keep = BackupRetention{}.keep(utc.keys());
    int removed = 0;
    for (auto it = utc.begin(); it != utc.end(); ++it) {
        if (!keep.contains(it.key()) && QFile::remove(QDir(rotate).filePath(it.value())))
            ++removed;
    }
    say(QStringLiteral("rotation in %1: %2 kept (7 daily, 4 weekly, 12 monthly), %3 removed")
            .arg(rotate)
            .arg(keep.size())
            .arg(removed));
    return 0;
}

int restoreDump(const QCommandLineParser &parser)
{
    const QStringList files = parser.positionalArguments().mid(1);
    if (files.size() != 1)
        return failed(QStringLiteral("restore needs one backup FILE (or --base DIR for point-in-time recovery)"), 2);
    const QString file = files.first();
    if (!QFileInfo(file).isReadable())
        return failed(QStringLiteral("cannot read %1").arg(file));
    const QString binDir = EmbeddedPostgres::findBinDir(parser.value(QStringLiteral("pg-bindir")));
    // A custom-format archive lists its contents; anything else is refused before a
    // cluster is made for it.
    if (Core::Status listed = runClient(QDir(binDir).filePath(QStringLiteral("pg_restore")),
                                        {QStringLiteral("--list"), file});
        !listed)
        return failed(QStringLiteral("%1 is not a laces-server backup (pg_dump custom format): %2")
                          .arg(file, listed.error().message));
    Database database;
    if (Core::Status opened = openDatabase(parser, true, &database); !opened)
        return failed(opened.error().message);
    auto tables = tableCount(database.conninfo);
    if (!tables)
        return failed(tables.error().message);
    if (*tables > 0)
        return failed(QStringLiteral("the target database is not empty (%1 tables); restore into an empty "
                                     "--data-dir or database")
                          .arg(*tables));
    QElapsedTimer timer;
    timer.start();
    // All or nothing: one transaction, stopping at the first error.
    if (Core::Status restored = runClient(QDir(database.binDir).filePath(QStringLiteral("pg_restore")),
                                          {QStringLiteral("--exit-on-error"), QStringLiteral("--single-transaction"),
                                           QStringLiteral("--no-owner"), QStringLiteral("--no-privileges"),
                                           QStringLiteral("--dbname=") + QString::fromUtf8(database.conninfo), file});
        !restored)
        return failed(restored.error().message);
    say(QStringLiteral("restored %1 (%2) into %3 in %4")
            .arg(file, megabytes(QFileInfo(file).size()),
                 database.dataDir.isEmpty() ? QStringLiteral("the database") : database.dataDir, seconds(timer)));
    return 0;
}

int baseBackup(const QCommandLineParser &parser)
{
    const QString to = parser.value(QStringLiteral("to"));
    if (to.isEmpty())
        return failed(QStringLiteral("basebackup needs --to DIR"), 2);
    if (!parser.value(QStringLiteral("database-url")).isEmpty())
        return failed(QStringLiteral("basebackup copies the embedded cluster; for an external PostgreSQL use its "
                                     "own pg_basebackup"),
                      2);
    if (QDir(to).exists() && !QDir(to).isEmpty())
        return failed(QStringLiteral("%1 is not empty").arg(to));
    Database database;
    if (Core::Status opened = openDatabase(parser, false, &database); !opened)
        return failed(opened.error().message);
    QElapsedTimer timer;
    timer.start();
    // The WAL written during the copy comes along (stream), so the copy is consistent by
    // itself; with --wal-archive the archive replays it further, to any later time.
    if (Core::Status copied = runClient(QDir(database.binDir).filePath(QStringLiteral("pg_basebackup")),
                                        {QStringLiteral("--pgdata=") + to, QStringLiteral("--format=plain"),
                                         QStringLiteral("--wal-method=stream"), QStringLiteral("--checkpoint=fast"),
                                         QStringLiteral("--no-password"),
                                         QStringLiteral("--dbname=") + QString::fromUtf8(database.conninfo)});
        !copied)
        return failed(copied.error().message);
    say(QStringLiteral("base backup of %1 in %2 (%3)").arg(database.dataDir, to, seconds(timer)));
    return 0;
}

int pointInTime(const QCommandLineParser &parser)
{
    const QString base = parser.value(QStringLiteral("base"));
    const QString archive = parser.value(QStringLiteral("wal-archive"));
    const QString target = parser.value(QStringLiteral("target-time"));
    const QString dataDir = parser.value(QStringLiteral("data-dir"));
    if (archive.isEmpty() || target.isEmpty() || dataDir.isEmpty())
        return failed(QStringLiteral("restore --base needs --wal-archive DIR, --target-time T and --data-dir DIR"), 2);
    const auto targetMs = Core::parseRfc3339Ms(target.toUtf8());
    if (!targetMs)
        return failed(QStringLiteral("--target-time must be an RFC 3339 time such as 2026-12-01T14:30:00Z, not '%1'")
                          .arg(target),
                      2);
    EmbeddedPostgres::Options options;
    options.dataDir = QDir(dataDir).absolutePath();
    options.binDir = parser.value(QStringLiteral("pg-bindir"));
    options.startTimeoutMs = 60 * 60 * 1000;
    EmbeddedPostgres cluster(options);
    const QString pgTime = QDateTime::fromMSecsSinceEpoch(*targetMs, Qt::UTC)
                               .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")) + QStringLiteral("+00");
    QElapsedTimer timer;
    timer.start();
    if (Core::Status adopted = cluster.adoptBaseBackup(base, archive, pgTime); !adopted)
        return failed(adopted.error().message);
    if (Core::Status started = cluster.start(); !started)
        return failed(QStringLiteral("recovery failed: %1").arg(started.error().message));
    if (Core::Status recovered = cluster.waitForRecovery(60 * 60 * 1000); !recovered)
        return failed(recovered.error().message);
    cluster.stop();
    say(QStringLiteral("recovered %1 to %2 from the base backup %3 and the WAL archive %4 in %5")
            .arg(options.dataDir, target, base, archive, seconds(timer)));
    return 0;
}

} // namespace

bool isBackupCommand(const QStringList &arguments)
{
    const QString command = arguments.value(1);
    return command == QLatin1String("backup") || command == QLatin1String("restore")
           || command == QLatin1String("basebackup");
}

int runBackupCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("laces-server backup, restore and basebackup"));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("backup, restore or basebackup"));
    parser.addOptions({
        {QStringLiteral("data-dir"), QStringLiteral("The server's data directory (embedded cluster)."), QStringLiteral("dir")},
        {QStringLiteral("database-url"), QStringLiteral("An external PostgreSQL instead."), QStringLiteral("url")},
        {QStringLiteral("pg-bindir"), QStringLiteral("PostgreSQL binaries."), QStringLiteral("dir")},
        {QStringLiteral("to"), QStringLiteral("backup: the file to write; basebackup: the directory."), QStringLiteral("path")},
        {QStringLiteral("rotate"), QStringLiteral("backup: write into this directory and keep 7 daily, 4 weekly, 12 monthly."),
         QStringLiteral("dir")},
        {QStringLiteral("base"), QStringLiteral("restore: a base backup to recover from."), QStringLiteral("dir")},
        {QStringLiteral("wal-archive"), QStringLiteral("restore --base: the WAL archive (--wal-archive of the server)."),
         QStringLiteral("dir")},
        {QStringLiteral("target-time"), QStringLiteral("restore --base: recover up to this time (RFC 3339)."),
         QStringLiteral("time")},
    });
    if (!parser.parse(arguments))
        return failed(parser.errorText(), 2);
    if (parser.isSet(QStringLiteral("help"))) {
        say(parser.helpText());
        return 0;
    }
    const QString command = arguments.value(1);
    if (command == QLatin1String("backup"))
        return backup(parser);
    if (command == QLatin1String("basebackup"))
        return baseBackup(parser);
    if (parser.isSet(QStringLiteral("base")))
        return pointInTime(parser);
    return restoreDump(parser);
}

} // namespace Laces::Server

#include "embeddedpostgres.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QProcess>
#include <QThread>

#include <libpq-fe.h>

#include <cerrno>
#include <csignal>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcPg, "laces.server.postgres")

namespace Laces::Server {

using Core::Error;
using Core::Status;

namespace {

constexpr char kDatabase[] = "laces";
constexpr char kSuperuser[] = "laces";

bool processAlive(qint64 pid)
{
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
}

QByteArray processName(qint64 pid)
{
    QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
    if (!comm.open(QIODevice::ReadOnly))
        return {};
    return comm.readAll().trimmed();
}

qint64 pidFromPidFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return file.readLine().trimmed().toLongLong();
}

} // namespace

EmbeddedPostgres::EmbeddedPostgres(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
}

EmbeddedPostgres::~EmbeddedPostgres()
{
    stop();
}

QString EmbeddedPostgres::findBinDir(const QString &preferred)
{
    if (!preferred.isEmpty())
        return QFileInfo::exists(preferred + QStringLiteral("/postgres")) ? preferred : QString();
    const QString fromEnv = qEnvironmentVariable("LACES_PG_BINDIR");
    if (!fromEnv.isEmpty())
        return findBinDir(fromEnv);
    QDir root(QStringLiteral("/usr/lib/postgresql"));
    QStringList versions = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    std::sort(versions.begin(), versions.end(),
              [](const QString &a, const QString &b) { return a.toInt() > b.toInt(); });
    for (const QString &version : std::as_const(versions)) {
        const QString bin = root.filePath(version + QStringLiteral("/bin"));
        if (QFileInfo::exists(bin + QStringLiteral("/postgres")))
            return bin;
    }
    return {};
}

QString EmbeddedPostgres::clusterDir() const
{
    return QDir(m_options.dataDir).absoluteFilePath(QStringLiteral("postgres"));
}

QByteArray EmbeddedPostgres::conninfo() const
{
    return QStringLiteral("host='%1' dbname=%2 user=%3 application_name=laces-server")
        .arg(socketDir(), QLatin1String(kDatabase), QLatin1String(kSuperuser))
        .toUtf8();
}

QByteArray EmbeddedPostgres::runningConninfo(const QString &dataDir)
{
    const QString cluster = QDir(QFileInfo(dataDir).absoluteFilePath()).absoluteFilePath(QStringLiteral("postgres"));
    const qint64 pid = pidFromPidFile(QDir(cluster).filePath(QStringLiteral("postmaster.pid")));
    if (!processAlive(pid) || processName(pid) != "postgres")
        return {};
    const QByteArray conninfo = QStringLiteral("host='%1' dbname=%2 user=%3")
                                    .arg(cluster, QLatin1String(kDatabase), QLatin1String(kSuperuser))
                                    .toUtf8();
    return PQping(conninfo.constData()) == PQPING_OK ? conninfo : QByteArray();
}

Status EmbeddedPostgres::adoptBaseBackup(const QString &baseDir, const QString &archiveDir, const QString &targetTime)
{
    m_binDir = findBinDir(m_options.binDir);
    if (m_binDir.isEmpty())
        return Error::unavailable(QStringLiteral("PostgreSQL server binaries not found; pass --pg-bindir"));
    if (!QFileInfo::exists(QDir(baseDir).filePath(QStringLiteral("PG_VERSION"))))
        return Error::invalid(QStringLiteral("%1 is not a base backup (it has no PG_VERSION)").arg(baseDir),
                              QStringLiteral("base"));
    if (QFileInfo::exists(QDir(clusterDir()).filePath(QStringLiteral("PG_VERSION"))))
        return Error::conflict(QStringLiteral("%1 already holds a database cluster; restore into an empty --data-dir")
                                   .arg(m_options.dataDir));
    if (Status prepared = prepareDirectories(); !prepared)
        return prepared;
    // Whatever goes wrong from here, no half-made cluster stays behind to block a retry.
    bool adopted = false;
    const auto cleanUp = qScopeGuard([&] {
        if (adopted)
            return;
        QDir(clusterDir()).removeRecursively();
        QDir().mkpath(clusterDir());
        prepareDirectories();
    });
    QProcess copy;
    copy.setProcessChannelMode(QProcess::MergedChannels);
    copy.start(QStringLiteral("cp"), {QStringLiteral("-R"), QStringLiteral("--preserve=mode,timestamps"),
                                      QDir(baseDir).absolutePath() + QStringLiteral("/."), clusterDir()});
    if (!copy.waitForFinished(30 * 60 * 1000) || copy.exitCode() != 0)
        return Error::unavailable(QStringLiteral("cannot copy the base backup: %1")
                                      .arg(QString::fromLocal8Bit(copy.readAll()).trimmed()));
    // A backup taken while the server ran has its pid and socket lock files too (the
    // socket lives in the cluster directory); they are not ours.
    const QDir cluster(clusterDir());
    QFile::remove(cluster.filePath(QStringLiteral("postmaster.pid")));
    for (const QString &lock : cluster.entryList({QStringLiteral(".s.PGSQL.*")}, QDir::Files | QDir::System | QDir::Hidden))
        QFile::remove(cluster.filePath(lock));
    QFile signal(QDir(clusterDir()).filePath(QStringLiteral("recovery.signal")));
    if (!signal.open(QIODevice::WriteOnly))
        return Error::unavailable(QStringLiteral("cannot write %1").arg(signal.fileName()));
    signal.close();
    QFile settings(QDir(clusterDir()).filePath(QStringLiteral("postgresql.auto.conf")));
    if (!settings.open(QIODevice::Append))
        return Error::unavailable(QStringLiteral("cannot write %1").arg(settings.fileName()));
    const QString archive = QDir(archiveDir).absolutePath();
    settings.write(QStringLiteral("# laces-server restore --base: replay the archive up to the target, then open\n"
                                  "restore_command = 'cp \"%1/%f\" \"%p\"'\n"
                                  "recovery_target_time = '%2'\n"
                                  "recovery_target_action = 'promote'\n")
                       .arg(archive, targetTime)
                       .toUtf8());
    settings.close();
    if (m_asRoot) {
        QProcess chown;
        chown.start(QStringLiteral("chown"), {QStringLiteral("-R"), QStringLiteral("%1:%2").arg(m_clusterUid).arg(m_clusterGid),
                                              clusterDir()});
        if (!chown.waitForFinished(600000) || chown.exitCode() != 0)
            return Error::unavailable(QStringLiteral("cannot hand the restored cluster to %1").arg(m_clusterAccount));
    }
    ::chmod(QFile::encodeName(clusterDir()).constData(), 0700);
    adopted = true;
    return Core::Ok{};
}

Status EmbeddedPostgres::waitForRecovery(int timeoutMs)
{
    const QByteArray admin = QStringLiteral("host='%1' dbname=postgres user=%2")
                                 .arg(socketDir(), QLatin1String(kSuperuser))
                                 .toUtf8();
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (m_postmaster->waitForFinished(0) || !isRunning()) {
            QFile log(QDir(m_options.dataDir).filePath(QStringLiteral("postgres.log")));
            log.open(QIODevice::ReadOnly);
            return Error::unavailable(QStringLiteral("postgres stopped during recovery: %1")
                                          .arg(QString::fromLocal8Bit(log.readAll().right(600)).trimmed()));
        }
        PGconn *conn = PQconnectdb(admin.constData());
        bool done = false;
        if (PQstatus(conn) == CONNECTION_OK) {
            PGresult *result = PQexec(conn, "SELECT pg_is_in_recovery()");
            done = PQresultStatus(result) == PGRES_TUPLES_OK && PQgetvalue(result, 0, 0)[0] == 'f';
            PQclear(result);
            if (done) {
                // Open now: the recovery settings have done their work.
                for (const char *reset : {"ALTER SYSTEM RESET restore_command", "ALTER SYSTEM RESET recovery_target_time",
                                          "ALTER SYSTEM RESET recovery_target_action"})
                    PQclear(PQexec(conn, reset));
            }
        }
        PQfinish(conn);
        if (done)
            return Core::Ok{};
        QThread::msleep(100);
    }
    return Error::unavailable(QStringLiteral("recovery did not finish within %1 s").arg(timeoutMs / 1000));
}

qint64 EmbeddedPostgres::postmasterPid() const
{
    return m_postmaster ? m_postmaster->processId() : 0;
}

bool EmbeddedPostgres::isRunning() const
{
    return m_postmaster && m_postmaster->state() == QProcess::Running;
}

Status EmbeddedPostgres::start()
{
    m_binDir = findBinDir(m_options.binDir);
    if (m_binDir.isEmpty())
        return Error::unavailable(
            QStringLiteral("PostgreSQL server binaries not found (looked in %1); install the "
                           "postgresql package or pass --pg-bindir")
                .arg(m_options.binDir.isEmpty() ? QStringLiteral("/usr/lib/postgresql/*/bin")
                                                : m_options.binDir));
    if (Status prepared = prepareDirectories(); !prepared)
        return prepared;

    m_lock = std::make_unique<QLockFile>(QDir(m_options.dataDir).filePath(QStringLiteral("laces-server.lock")));
    m_lock->setStaleLockTime(0);
    if (!m_lock->tryLock(0)) {
        qint64 pid = 0;
        QString host, app;
        m_lock->getLockInfo(&pid, &host, &app);
        m_lock.reset();
        return Error::conflict(QStringLiteral("another laces-server (pid %1) is using the data directory %2")
                                   .arg(pid)
                                   .arg(m_options.dataDir));
    }

    if (!QFileInfo::exists(QDir(clusterDir()).filePath(QStringLiteral("PG_VERSION")))) {
        if (Status created = runInitdb(); !created)
            return created;
        m_createdNow = true;
    } else {
        QFile versionFile(QDir(clusterDir()).filePath(QStringLiteral("PG_VERSION")));
        versionFile.open(QIODevice::ReadOnly);
        const QString clusterVersion = QString::fromLatin1(versionFile.readAll().trimmed());
        const QString binVersion = QFileInfo(m_binDir).dir().dirName();
        if (binVersion.toInt() > 0 && clusterVersion != binVersion)
            return Error::unavailable(
                QStringLiteral("the cluster in %1 was made by PostgreSQL %2, but the binaries in %3 "
                               "are version %4; upgrade it with pg_upgrade or use those binaries")
                    .arg(clusterDir(), clusterVersion, m_binDir, binVersion));
    }
    if (Status recovered = recoverStalePidFile(); !recovered)
        return recovered;
    if (Status started = startPostmaster(); !started)
        return started;
    if (Status ready = waitUntilReady(); !ready) {
        stop();
        return ready;
    }
    return ensureDatabase();
}

Status EmbeddedPostgres::prepareDirectories()
{
    if (m_options.dataDir.isEmpty())
        return Error::invalid(QStringLiteral("no data directory given"), QStringLiteral("data-dir"));
    m_options.dataDir = QFileInfo(m_options.dataDir).absoluteFilePath();
    if (!QDir().mkpath(m_options.dataDir))
        return Error::unavailable(QStringLiteral("cannot create the data directory %1").arg(m_options.dataDir));

    // The socket path must fit sockaddr_un (107 bytes with the file name).
    const QByteArray socketPath = QFile::encodeName(clusterDir() + QStringLiteral("/.s.PGSQL.5432"));
    if (socketPath.size() > 100)
        return Error::invalid(QStringLiteral("the data directory path is too long for a Unix socket "
                                             "(%1 bytes, at most 70): choose a shorter --data-dir")
                                  .arg(QFile::encodeName(m_options.dataDir).size()),
                              QStringLiteral("data-dir"));

    m_asRoot = ::geteuid() == 0;
    const QString cluster = clusterDir();
    QDir().mkpath(cluster);
    if (!m_asRoot) {
        ::chmod(QFile::encodeName(cluster).constData(), 0700);
        return Core::Ok{};
    }

    // The account the cluster runs as: the owner of an existing cluster, else the owner
    // of a data directory that belongs to another account (a packaged service's
    // /var/lib/laces belongs to 'laces'), else the postgres system user.
    struct stat clusterInfo {};
    struct stat dataInfo {};
    const bool clusterExists = QFileInfo::exists(QDir(cluster).filePath(QStringLiteral("PG_VERSION")));
    uid_t ownerUid = 0;
    QString ownedPath;
    if (clusterExists && ::stat(QFile::encodeName(cluster).constData(), &clusterInfo) == 0 && clusterInfo.st_uid != 0) {
        ownerUid = clusterInfo.st_uid;
        ownedPath = cluster;
    } else if (::stat(QFile::encodeName(m_options.dataDir).constData(), &dataInfo) == 0 && dataInfo.st_uid != 0) {
        ownerUid = dataInfo.st_uid;
        ownedPath = m_options.dataDir;
    }
    const passwd *user = ownerUid != 0 ? ::getpwuid(ownerUid) : ::getpwnam("postgres");
    if (!user && ownerUid != 0)
        return Error::unavailable(QStringLiteral("%1 belongs to user id %2, which has no account on this system, so "
                                                 "the database cluster cannot run as it; give the directory to an "
                                                 "existing account (chown -R postgres: %1) or choose another --data-dir")
                                      .arg(ownedPath)
                                      .arg(ownerUid));
    if (!user)
        return Error::unavailable(QStringLiteral("running as root needs the 'postgres' system user "
                                                 "for the database cluster; install the postgresql package"));
    m_clusterUid = user->pw_uid;
    m_clusterGid = user->pw_gid;
    m_clusterAccount = QString::fromLocal8Bit(user->pw_name);
    if (!m_options.walArchiveDir.isEmpty()) {
        // The cluster's account writes the archive.
        QDir().mkpath(m_options.walArchiveDir);
        if (::chown(QFile::encodeName(m_options.walArchiveDir).constData(), m_clusterUid, m_clusterGid) != 0)
            return Error::unavailable(QStringLiteral("cannot hand the WAL archive %1 to %2")
                                          .arg(m_options.walArchiveDir, m_clusterAccount));
    }
    if (ownerUid != 0)
        qCInfo(lcPg).noquote() << "running the database cluster as" << m_clusterAccount << "(the owner of"
                               << ownedPath + QLatin1Char(')');
    if (::chown(QFile::encodeName(cluster).constData(), m_clusterUid, m_clusterGid) != 0
        || ::chmod(QFile::encodeName(cluster).constData(), 0700) != 0)
        return Error::unavailable(QStringLiteral("cannot hand %1 to the %2 user: %3")
                                      .arg(cluster, m_clusterAccount, QString::fromLocal8Bit(strerror(errno))));
    // The cluster's account must be able to reach the cluster directory.
    for (QString dir = m_options.dataDir; !dir.isEmpty() && dir != QStringLiteral("/");
         dir = QFileInfo(dir).path()) {
        struct stat info {};
        if (::stat(QFile::encodeName(dir).constData(), &info) != 0)
            continue;
        const bool traversable = (info.st_mode & S_IXOTH)
                                 || (info.st_uid == m_clusterUid && (info.st_mode & S_IXUSR))
                                 || (info.st_gid == m_clusterGid && (info.st_mode & S_IXGRP));
        if (traversable)
            continue;
        if (dir == m_options.dataDir && info.st_uid == 0) {
            ::chmod(QFile::encodeName(dir).constData(), (info.st_mode & 07777) | S_IXOTH);
            continue;
        }
        return Error::unavailable(QStringLiteral("the %1 user cannot enter %2, so it cannot reach "
                                                 "the database cluster in %3; choose a --data-dir "
                                                 "outside it (for example under /var/lib)")
                                      .arg(m_clusterAccount, dir, cluster));
    }
    return Core::Ok{};
}

void EmbeddedPostgres::configureChildProcess(QProcess &process, bool dieWithParent) const
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    environment.remove(QStringLiteral("PGDATA"));
    environment.remove(QStringLiteral("PGHOST"));
    if (m_asRoot)
        environment.insert(QStringLiteral("HOME"), QDir::tempPath());
    process.setProcessEnvironment(environment);
    process.setWorkingDirectory(QDir::tempPath());
    const bool dropToPostgres = m_asRoot;
    const uid_t uid = m_clusterUid;
    const gid_t gid = m_clusterGid;
    process.setChildProcessModifier([dropToPostgres, uid, gid, dieWithParent] {
        if (dropToPostgres) {
            if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0)
                ::_exit(126);
        }
        // After setuid, which clears it: a postmaster whose server was SIGKILLed shuts
        // down fast instead of lingering as an orphan.
        if (dieWithParent)
            ::prctl(PR_SET_PDEATHSIG, SIGINT);
    });
}

Status EmbeddedPostgres::runTool(const QString &tool, const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    configureChildProcess(process, true);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QDir(m_binDir).filePath(tool), arguments);
    if (!process.waitForStarted(10000))
        return Error::unavailable(QStringLiteral("cannot run %1: %2").arg(tool, process.errorString()));
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        return Error::unavailable(QStringLiteral("%1 did not finish in %2 s").arg(tool).arg(timeoutMs / 1000));
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return Error::unavailable(QStringLiteral("%1 failed (exit code %2): %3")
                                      .arg(tool)
                                      .arg(process.exitCode())
                                      .arg(QString::fromLocal8Bit(process.readAll()).trimmed()));
    return Core::Ok{};
}

Status EmbeddedPostgres::runInitdb()
{
    qCInfo(lcPg).noquote() << "creating the database cluster in" << clusterDir();
    QStringList arguments{QStringLiteral("--pgdata=") + clusterDir(),
                          QStringLiteral("--username=") + QLatin1String(kSuperuser),
                          QStringLiteral("--auth=trust"),
                          QStringLiteral("--encoding=UTF8"),
                          QStringLiteral("--locale=C.UTF-8"),
                          QStringLiteral("--no-instructions")};
    if (!m_options.durable)
        arguments << QStringLiteral("--no-sync");
    Status done = runTool(QStringLiteral("initdb"), arguments, 180000);
    if (!done) {
        // Leave no half-made cluster behind: the next start would take it for a real one.
        QDir(clusterDir()).removeRecursively();
        QDir().mkpath(clusterDir());
        prepareDirectories();
    }
    return done;
}

Status EmbeddedPostgres::recoverStalePidFile()
{
    const QString pidFile = QDir(clusterDir()).filePath(QStringLiteral("postmaster.pid"));
    if (!QFileInfo::exists(pidFile))
        return Core::Ok{};
    const qint64 pid = pidFromPidFile(pidFile);
    // We hold the data directory's lock, so a live postmaster here is an orphan of a
    // server that was killed: stop it (fast shutdown) before starting our own.
    if (processAlive(pid) && processName(pid) == "postgres") {
        qCWarning(lcPg) << "stopping an orphaned postmaster, pid" << pid;
        ::kill(pid_t(pid), SIGINT);
        QDeadlineTimer deadline(30000);
        while (processAlive(pid) && !deadline.hasExpired())
            QThread::msleep(50);
        if (processAlive(pid)) {
            ::kill(pid_t(pid), SIGQUIT);
            QThread::msleep(500);
        }
        if (processAlive(pid))
            return Error::unavailable(QStringLiteral("an old postmaster (pid %1) on %2 does not stop")
                                          .arg(pid)
                                          .arg(clusterDir()));
    }
    if (QFileInfo::exists(pidFile)) {
        qCWarning(lcPg).noquote() << "removing stale" << pidFile << "(pid" << pid << "is gone)";
        QFile::remove(pidFile);
    }
    return Core::Ok{};
}

Status EmbeddedPostgres::startPostmaster()
{
    m_postmaster = std::make_unique<QProcess>();
    configureChildProcess(*m_postmaster, true);
    m_postmaster->setProcessChannelMode(QProcess::MergedChannels);
    m_postmaster->setStandardOutputFile(QDir(m_options.dataDir).filePath(QStringLiteral("postgres.log")),
                                        QIODevice::Append);
    QStringList arguments{QStringLiteral("-D"), clusterDir(),
                          QStringLiteral("-c"), QStringLiteral("listen_addresses="),
                          QStringLiteral("-c"), QStringLiteral("unix_socket_directories=") + socketDir(),
                          QStringLiteral("-c"), QStringLiteral("unix_socket_permissions=0700"),
                          QStringLiteral("-c"), QStringLiteral("max_connections=200"),
                          QStringLiteral("-c"), QStringLiteral("log_min_messages=warning")};
    if (!m_options.walArchiveDir.isEmpty()) {
        // Never overwrite a segment already archived (PostgreSQL's documented example), and
        // never leave a half-copied one under its name (a crash or a full disk mid-copy would
        // stall the archive for good): copy, flush, then rename.
        const QString archive = QDir(m_options.walArchiveDir).absolutePath();
        arguments << QStringLiteral("-c") << QStringLiteral("wal_level=replica")
                  << QStringLiteral("-c") << QStringLiteral("archive_mode=on")
                  << QStringLiteral("-c")
                  << QStringLiteral("archive_command=test ! -f '%1/%f' && cp '%p' '%1/%f.partial'%2 && "
                                    "mv '%1/%f.partial' '%1/%f'")
                         .arg(archive, m_options.durable ? QStringLiteral(" && sync '%1/%f.partial'").arg(archive)
                                                         : QString())
                  << QStringLiteral("-c") << QStringLiteral("archive_timeout=60");
    }
    if (!m_options.durable)
        arguments << QStringLiteral("-c") << QStringLiteral("fsync=off")
                  << QStringLiteral("-c") << QStringLiteral("synchronous_commit=off")
                  << QStringLiteral("-c") << QStringLiteral("full_page_writes=off");
    m_postmaster->start(QDir(m_binDir).filePath(QStringLiteral("postgres")), arguments);
    if (!m_postmaster->waitForStarted(10000))
        return Error::unavailable(QStringLiteral("cannot start postgres: %1").arg(m_postmaster->errorString()));
    // Root writes the log on the cluster's behalf; in a directory that belongs to the
    // cluster's account, the file does too, so that account can run the server later.
    struct stat dataInfo {};
    if (m_asRoot && ::stat(QFile::encodeName(m_options.dataDir).constData(), &dataInfo) == 0
        && dataInfo.st_uid == m_clusterUid) {
        const QString log = QDir(m_options.dataDir).filePath(QStringLiteral("postgres.log"));
        if (::chown(QFile::encodeName(log).constData(), m_clusterUid, m_clusterGid) != 0)
            qCWarning(lcPg).noquote() << "cannot hand" << log << "to" << m_clusterAccount << ":" << strerror(errno);
    }
    return Core::Ok{};
}

Status EmbeddedPostgres::waitUntilReady()
{
    const QByteArray ping = QStringLiteral("host='%1' dbname=postgres user=%2 connect_timeout=2")
                                .arg(socketDir(), QLatin1String(kSuperuser))
                                .toUtf8();
    QDeadlineTimer deadline(m_options.startTimeoutMs);
    while (!deadline.hasExpired()) {
        if (PQping(ping.constData()) == PQPING_OK)
            return Core::Ok{};
        // waitForFinished(0) reaps an exited postmaster: without an event loop running,
        // state() alone would not notice the exit until the deadline.
        if (m_postmaster->waitForFinished(0) || m_postmaster->state() != QProcess::Running) {
            QFile log(QDir(m_options.dataDir).filePath(QStringLiteral("postgres.log")));
            log.open(QIODevice::ReadOnly);
            const QByteArray tail = log.readAll().right(600);
            return Error::unavailable(QStringLiteral("postgres exited during start-up (code %1): %2")
                                          .arg(m_postmaster->exitCode())
                                          .arg(QString::fromLocal8Bit(tail).trimmed()));
        }
        QThread::msleep(25);
    }
    return Error::unavailable(QStringLiteral("postgres did not accept connections within %1 s")
                                  .arg(m_options.startTimeoutMs / 1000));
}

Status EmbeddedPostgres::ensureDatabase()
{
    const QByteArray admin = QStringLiteral("host='%1' dbname=postgres user=%2")
                                 .arg(socketDir(), QLatin1String(kSuperuser))
                                 .toUtf8();
    PGconn *conn = PQconnectdb(admin.constData());
    auto finish = qScopeGuard([conn] { PQfinish(conn); });
    if (PQstatus(conn) != CONNECTION_OK)
        return Error::unavailable(QString::fromUtf8(PQerrorMessage(conn)).trimmed());
    PGresult *exists = PQexec(conn, "SELECT 1 FROM pg_database WHERE datname = 'laces'");
    const bool found = PQresultStatus(exists) == PGRES_TUPLES_OK && PQntuples(exists) == 1;
    PQclear(exists);
    if (found)
        return Core::Ok{};
    PGresult *created = PQexec(conn, "CREATE DATABASE laces");
    const bool ok = PQresultStatus(created) == PGRES_COMMAND_OK;
    const QString message = QString::fromUtf8(PQresultErrorMessage(created)).trimmed();
    PQclear(created);
    if (!ok)
        return Error::unavailable(QStringLiteral("cannot create the laces database: %1").arg(message));
    return Core::Ok{};
}

void EmbeddedPostgres::stop()
{
    if (m_postmaster && m_postmaster->state() != QProcess::NotRunning) {
        // SIGINT is PostgreSQL's fast shutdown: roll back open transactions, checkpoint, exit.
        ::kill(pid_t(m_postmaster->processId()), SIGINT);
        if (!m_postmaster->waitForFinished(30000)) {
            qCWarning(lcPg) << "postgres did not stop in 30 s; sending SIGQUIT";
            ::kill(pid_t(m_postmaster->processId()), SIGQUIT);
            m_postmaster->waitForFinished(5000);
        }
    }
    m_postmaster.reset();
    if (m_lock)
        m_lock->unlock();
    m_lock.reset();
}

} // namespace Laces::Server

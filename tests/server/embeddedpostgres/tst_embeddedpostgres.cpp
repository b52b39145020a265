#include "db/embeddedpostgres.h"
#include "db/pgconnection.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Laces::Server;

class tst_EmbeddedPostgres : public QObject
{
    Q_OBJECT

private slots:
    void firstStartCreatesCluster();
    void restartReusesData();
    void staleLockFileRecovered();
    void twoClustersSideBySide();
    void secondServerOnSameDirRefused();
    void serverKilledWithSigkillRestarts();
    void sigtermStopsClusterCleanly();
    void rootRunsClusterAsDataDirectoryOwner();

private:
    static EmbeddedPostgres::Options options(const QString &dir);
    static bool exec(EmbeddedPostgres &cluster, const QByteArray &sql, QByteArray *value = nullptr);
    static QProcess *startServer(const QString &dataDir, quint16 *port, QString *log);
};

EmbeddedPostgres::Options tst_EmbeddedPostgres::options(const QString &dir)
{
    EmbeddedPostgres::Options options;
    options.dataDir = dir;
    options.durable = false;
    return options;
}

bool tst_EmbeddedPostgres::exec(EmbeddedPostgres &cluster, const QByteArray &sql, QByteArray *value)
{
    PgConnection db(cluster.conninfo());
    if (!db.open())
        return false;
    auto result = db.exec(sql);
    if (!result)
        return false;
    if (value)
        *value = result->rowCount() > 0 ? result->bytes(0, 0) : QByteArray();
    return true;
}

void tst_EmbeddedPostgres::firstStartCreatesCluster()
{
    QTemporaryDir dir(QStringLiteral("/tmp/laces-pg-XXXXXX"));
    EmbeddedPostgres cluster(options(dir.path()));
    QElapsedTimer timer;
    timer.start();
    const auto started = cluster.start();
    QVERIFY2(started, started ? "" : qPrintable(started.error().message));
    qInfo("cold start (initdb + start): %lld ms", timer.elapsed());
    QVERIFY(cluster.createdNow());
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("postgres/PG_VERSION"))));
    // Listens on a Unix socket inside the cluster directory and nowhere else.
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("postgres/.s.PGSQL.5432"))));
    QByteArray listen;
    QVERIFY(exec(cluster, "SHOW listen_addresses", &listen));
    QCOMPARE(listen, QByteArray());
    QByteArray user;
    QVERIFY(exec(cluster, "SELECT current_database()", &user));
    QCOMPARE(user, QByteArray("laces"));
    struct stat info {};
    QCOMPARE(::stat(QFile::encodeName(dir.filePath(QStringLiteral("postgres"))).constData(), &info), 0);
    QCOMPARE(info.st_mode & 0777, 0700u);
}

void tst_EmbeddedPostgres::restartReusesData()
{
    QTemporaryDir dir(QStringLiteral("/tmp/laces-pg-XXXXXX"));
    {
        EmbeddedPostgres cluster(options(dir.path()));
        QVERIFY(cluster.start());
        QVERIFY(exec(cluster, "CREATE TABLE kept (v text)"));
        QVERIFY(exec(cluster, "INSERT INTO kept VALUES ('still here')"));
        cluster.stop();
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("postgres/postmaster.pid"))));
    }
    EmbeddedPostgres again(options(dir.path()));
    QElapsedTimer timer;
    timer.start();
    QVERIFY(again.start());
    qInfo("warm start: %lld ms", timer.elapsed());
    QVERIFY(!again.createdNow());
    QByteArray value;
    QVERIFY(exec(again, "SELECT v FROM kept", &value));
    QCOMPARE(value, QByteArray("still here"));
}

void tst_EmbeddedPostgres::staleLockFileRecovered()
{
    QTemporaryDir dir(QStringLiteral("/tmp/laces-pg-XXXXXX"));
    {
        EmbeddedPostgres cluster(options(dir.path()));
        QVERIFY(cluster.start());
    }
    // A postmaster.pid naming a process that is gone, as after a power cut.
    QProcess shortLived;
    shortLived.start(QStringLiteral("/bin/true"));
    QVERIFY(shortLived.waitForFinished());
    const qint64 deadPid = shortLived.processId() > 0 ? shortLived.processId() : 999999;
    QFile pidFile(dir.filePath(QStringLiteral("postgres/postmaster.pid")));
    QVERIFY(pidFile.open(QIODevice::WriteOnly));
    pidFile.write(QByteArray::number(deadPid > 0 ? deadPid : 999999) + "\n" + QFile::encodeName(dir.path()) + "\n");
    pidFile.close();
    EmbeddedPostgres cluster(options(dir.path()));
    const auto started = cluster.start();
    QVERIFY2(started, started ? "" : qPrintable(started.error().message));
    QVERIFY(exec(cluster, "SELECT 1"));
}

void tst_EmbeddedPostgres::twoClustersSideBySide()
{
    QTemporaryDir first(QStringLiteral("/tmp/laces-pg-XXXXXX"));
    QTemporaryDir second(QStringLiteral("/tmp/laces-pg-XXXXXX"));
    EmbeddedPostgres a(options(first.path()));
    EmbeddedPostgres b(options(second.path()));
    QVERIFY(a.start());
    QVERIFY(b.start());
    QVERIFY(exec(a, "CREATE TABLE only_in_a (v int)"));
    QByteArray inB;
    QVERIFY(exec(b, "SELECT to_regclass('only_in_a') IS NULL", &inB));
    QCOMPARE(inB, QByteArray("t"));
    QVERIFY(a.postmasterPid() != b.postmasterPid());
}

void tst_EmbeddedPostgres::secondServerOnSameDirRefused()
{
    QTemporaryDir dir(QStringLiteral("/tmp/laces-pg-XXXXXX"));
    EmbeddedPostgres first(options(dir.path()));
    QVERIFY(first.start());
    EmbeddedPostgres second(options(dir.path()));
    const auto started = second.start();
    QVERIFY(!started);
    QVERIFY2(started.error().message.contains(QLatin1String("another laces-server")),
             qPrintable(started.error().message));
    QVERIFY(exec(first, "SELECT 1"));  // the first one is untouched
}

QProcess *tst_EmbeddedPostgres::startServer(const QString &dataDir, quint16 *port, QString *log)
{
    auto *process = new QProcess;
    process->setProcessChannelMode(QProcess::MergedChannels);
    process->start(QStringLiteral(LACES_SERVER_BINARY),
                   {QStringLiteral("--data-dir"), dataDir, QStringLiteral("--port"), QStringLiteral("0"),
                    QStringLiteral("--workers"), QStringLiteral("2")});
    static const QRegularExpression ready(QStringLiteral("ready at http://127\\.0\\.0\\.1:(\\d+)"));
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 60000) {
        process->waitForReadyRead(200);
        *log += QString::fromLocal8Bit(process->readAll());
        const auto match = ready.match(*log);
        if (match.hasMatch()) {
            *port = quint16(match.captured(1).toUInt());
            return process;
        }
        if (process->state() == QProcess::NotRunning)
            break;
    }
    return process;
}

void tst_EmbeddedPostgres::serverKilledWithSigkillRestarts()
{
    QTemporaryDir dir(QStringLiteral("/tmp/laces-pg-XXXXXX"));
    quint16 port = 0;
    QString log;
    std::unique_ptr<QProcess> server(startServer(dir.path(), &port, &log));
    QVERIFY2(port != 0, qPrintable(log));
    QFile pidFile(dir.filePath(QStringLiteral("postgres/postmaster.pid")));
    QVERIFY(pidFile.open(QIODevice::ReadOnly));
    const qint64 postmaster = pidFile.readLine().trimmed().toLongLong();
    pidFile.close();
    QVERIFY(postmaster > 0);

    // SIGKILL the server, then the postmaster too before it can tidy up: the data
    // directory keeps a postmaster.pid and the server's lock file.
    ::kill(pid_t(server->processId()), SIGKILL);
    QVERIFY(server->waitForFinished(5000));
    ::kill(pid_t(postmaster), SIGKILL);
    QTest::qWait(300);
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("postgres/postmaster.pid"))));

    log.clear();
    port = 0;
    std::unique_ptr<QProcess> again(startServer(dir.path(), &port, &log));
    QVERIFY2(port != 0, qPrintable(log));
    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/health").arg(port))));
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QVERIFY(reply->readAll().contains("\"database\":\"ok\""));
    delete reply;
    ::kill(pid_t(again->processId()), SIGTERM);
    QVERIFY(again->waitForFinished(30000));
    QCOMPARE(again->exitCode(), 0);
}

void tst_EmbeddedPostgres::sigtermStopsClusterCleanly()
{
    QTemporaryDir dir(QStringLiteral("/tmp/laces-pg-XXXXXX"));
    quint16 port = 0;
    QString log;
    std::unique_ptr<QProcess> server(startServer(dir.path(), &port, &log));
    QVERIFY2(port != 0, qPrintable(log));
    ::kill(pid_t(server->processId()), SIGTERM);
    QVERIFY(server->waitForFinished(30000));
    QCOMPARE(server->exitStatus(), QProcess::NormalExit);
    QCOMPARE(server->exitCode(), 0);
    // A clean stop removes the postmaster's pid file and the server's lock.
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("postgres/postmaster.pid"))));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("laces-server.lock"))));
    log += QString::fromLocal8Bit(server->readAll());
    QVERIFY2(log.contains(QLatin1String("stopped the embedded PostgreSQL cluster")), qPrintable(log));
}

namespace {
// The real user id a process runs as, from /proc (-1 when it is gone).
long processUid(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("Uid:"))
            return line.mid(4).simplified().split(' ').value(0).toLong();
    }
    return -1;
}
} // namespace

void tst_EmbeddedPostgres::rootRunsClusterAsDataDirectoryOwner()
{
    // A packaged service's /var/lib/laces belongs to its own account ('laces'); root
    // starting the server there runs the cluster as that account instead of refusing.
    if (::geteuid() != 0)
        QSKIP("only root can start a cluster as another account");
    const passwd *nobody = ::getpwnam("nobody");
    if (!nobody)
        QSKIP("this system has no 'nobody' account");
    const uid_t uid = nobody->pw_uid;
    const gid_t gid = nobody->pw_gid;
    QTemporaryDir dir(QStringLiteral("/tmp/laces-pg-XXXXXX"));
    QCOMPARE(::chown(QFile::encodeName(dir.path()).constData(), uid, gid), 0);
    QCOMPARE(::chmod(QFile::encodeName(dir.path()).constData(), 0750), 0);
    for (int round = 0; round < 2; ++round) {  // created, then reused
        EmbeddedPostgres cluster(options(dir.path()));
        const auto started = cluster.start();
        QVERIFY2(started, started ? "" : qPrintable(started.error().message));
        QCOMPARE(cluster.createdNow(), round == 0);
        QCOMPARE(processUid(cluster.postmasterPid()), long(uid));
        struct stat info {};
        QCOMPARE(::stat(QFile::encodeName(dir.filePath(QStringLiteral("postgres"))).constData(), &info), 0);
        QCOMPARE(info.st_uid, uid);
        QCOMPARE(::stat(QFile::encodeName(dir.filePath(QStringLiteral("postgres.log"))).constData(), &info), 0);
        QCOMPARE(info.st_uid, uid);
        QByteArray user;
        QVERIFY(exec(cluster, "SELECT current_database()", &user));
        QCOMPARE(user, QByteArray("laces"));
        cluster.stop();
    }
    // The directory's mode was left as it was (only a root-owned one is opened up).
    struct stat info {};
    QCOMPARE(::stat(QFile::encodeName(dir.path()).constData(), &info), 0);
    QCOMPARE(info.st_mode & 0777, 0750u);
}

QTEST_GUILESS_MAIN(tst_EmbeddedPostgres)
#include "tst_embeddedpostgres.moc"

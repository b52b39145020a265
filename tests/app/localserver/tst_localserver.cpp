#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

// The real desktop binary with "Start a local server": the server it starts ends with it,
// whether the desktop is asked to stop (SIGTERM, SIGHUP) or killed outright (SIGKILL).
class tst_LocalServer : public QObject
{
    Q_OBJECT

private slots:
    void serverEndsWithDesktop_data();
    void serverEndsWithDesktop();
};

namespace {

// Alive and not a zombie (an orphan's zombie waits for whoever adopts it).
bool processRuns(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const qsizetype end = text.lastIndexOf(')');
    return end > 0 && text.size() > end + 2 && text.at(end + 2) != 'Z' && text.at(end + 2) != 'X';
}

bool waitUntilGone(qint64 pid, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (processRuns(pid) && timer.elapsed() < timeoutMs)
        QTest::qWait(50);
    return !processRuns(pid);
}

} // namespace

void tst_LocalServer::serverEndsWithDesktop_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGHUP") << int(SIGHUP);
    QTest::newRow("SIGKILL") << int(SIGKILL);
}

void tst_LocalServer::serverEndsWithDesktop()
{
    QFETCH(int, signalNumber);
    QTemporaryDir home(QStringLiteral("/tmp/laces-desktop-XXXXXX"));
    // As root the cluster runs as the postgres user, who must be able to get in.
    QVERIFY(QFile::setPermissions(home.path(), QFile::permissions(home.path()) | QFile::ExeOther));
    QProcess desktop;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), home.path());
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    environment.insert(QStringLiteral("LACES_DATA_DIR"), home.filePath(QStringLiteral("data")));
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("laces.desktop.*.info=true"));
    desktop.setProcessEnvironment(environment);
    desktop.setProcessChannelMode(QProcess::MergedChannels);
    desktop.start(QStringLiteral(LACES_DESKTOP_BINARY), {QStringLiteral("--local"), QStringLiteral("--user"),
                                                          QStringLiteral("engineer")});
    QVERIFY(desktop.waitForStarted(10000));

    // The login dialog starts the server at once, before a password is typed.
    static const QRegularExpression readyLine(QStringLiteral("local server \\(pid (\\d+)\\) ready at (http://\\S+)"));
    QString output;
    qint64 serverPid = 0;
    QElapsedTimer timer;
    timer.start();
    while (serverPid == 0 && timer.elapsed() < 120000 && desktop.state() == QProcess::Running
           && !output.contains(QLatin1String("local server stopped"))) {
        desktop.waitForReadyRead(200);
        output += QString::fromLocal8Bit(desktop.readAll());
        const auto match = readyLine.match(output);
        if (match.hasMatch())
            serverPid = match.captured(1).toLongLong();
    }
    QVERIFY2(serverPid > 0, qPrintable(output));
    QVERIFY(processRuns(serverPid));
    const QString pidFile = home.filePath(QStringLiteral("data/postgres/postmaster.pid"));
    QVERIFY(QFile::exists(pidFile));

    ::kill(pid_t(desktop.processId()), signalNumber);
    QVERIFY(desktop.waitForFinished(40000));
    if (signalNumber != SIGKILL) {
        QCOMPARE(desktop.exitStatus(), QProcess::NormalExit);
        QCOMPARE(desktop.exitCode(), 0);
    }
    QVERIFY2(waitUntilGone(serverPid, 40000), qPrintable(output + QString::fromLocal8Bit(desktop.readAll())));
    // The server stopped its database cleanly too: no postmaster left behind.
    QTRY_VERIFY_WITH_TIMEOUT(!QFile::exists(pidFile), 10000);
}

QTEST_GUILESS_MAIN(tst_LocalServer)
#include "tst_localserver.moc"

#include "testserver.h"

#include <QProcess>
#include <QTest>

using namespace Laces;

// laces-cli, the real binary, against a real server.
class tst_Cli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void versionAndHelp();
    void statusReportsHealthyServer();
    void twinsListedWithToken();
    void loginPromptsForPassword();
    void wrongPasswordExitCode();
    void badUsage_data();
    void badUsage();
    void unreachableServer();

private:
    struct Run
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    Run run(const QStringList &arguments, const QByteArray &input = {}, const QByteArray &token = {});

    Tests::TestServer m_server;
    QByteArray m_token;
};

tst_Cli::Run tst_Cli::run(const QStringList &arguments, const QByteArray &input, const QByteArray &token)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("LACES_TOKEN"));
    if (!token.isEmpty())
        environment.insert(QStringLiteral("LACES_TOKEN"), QString::fromLatin1(token));
    environment.insert(QStringLiteral("LACES_SERVER"), m_server.url().toString());
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(LACES_CLI_BINARY), arguments);
    process.write(input);
    process.closeWriteChannel();
    // The server runs in this thread: keep its event loop turning while the CLI works.
    QElapsedTimer timer;
    timer.start();
    while (process.state() != QProcess::NotRunning && timer.elapsed() < 30000)
        QTest::qWait(10);
    Run result;
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

void tst_Cli::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_server.registerUser(QStringLiteral("cli-user"), QStringLiteral("cli-user-password"));
    m_token = m_server.login(QStringLiteral("cli-user"), QStringLiteral("cli-user-password"));
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/twins"), m_token,
                                  {{QStringLiteral("name"), QStringLiteral("Compressor C4")}})
                 .status,
             201);
}

void tst_Cli::versionAndHelp()
{
    const Run version = run({QStringLiteral("--version")});
    QCOMPARE(version.exitCode, 0);
    QVERIFY(version.out.contains(LACES_VERSION));
    const Run help = run({QStringLiteral("--help")});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("twins"));
}

void tst_Cli::statusReportsHealthyServer()
{
    const Run status = run({QStringLiteral("status")});
    QCOMPARE(status.exitCode, 0);
    QVERIFY2(status.out.contains("database: ok"), status.out.constData());
}

void tst_Cli::twinsListedWithToken()
{
    const Run twins = run({QStringLiteral("twins")}, {}, m_token);
    QCOMPARE(twins.exitCode, 0);
    QVERIFY2(twins.out.contains("Compressor C4"), twins.out.constData());
    QVERIFY(twins.out.contains("1 twin(s)"));
    const Run filtered = run({QStringLiteral("twins"), QStringLiteral("--search"), QStringLiteral("nothing-like-it")}, {},
                             m_token);
    QVERIFY(filtered.out.contains("0 twin(s)"));
}

void tst_Cli::loginPromptsForPassword()
{
    const Run login = run({QStringLiteral("login"), QStringLiteral("--user"), QStringLiteral("cli-user")},
                          "cli-user-password\n");
    QCOMPARE(login.exitCode, 0);
    const QByteArray token = login.out.trimmed();
    QCOMPARE(token.count('.'), 2);
    QVERIFY(!login.err.contains("cli-user-password"));
    const Run whoami = run({QStringLiteral("whoami")}, {}, token);
    QCOMPARE(whoami.exitCode, 0);
    QVERIFY(whoami.out.startsWith("cli-user (admin)"));
}

void tst_Cli::wrongPasswordExitCode()
{
    const Run login = run({QStringLiteral("whoami"), QStringLiteral("--user"), QStringLiteral("cli-user")},
                          "wrong-password\n");
    QCOMPARE(login.exitCode, 3);
    QVERIFY(login.err.contains("wrong user name or password"));
}

void tst_Cli::badUsage_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("no command") << QStringList();
    QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")};
    QTest::newRow("unknown option") << QStringList{QStringLiteral("--password=secret"), QStringLiteral("twins")};
    QTest::newRow("bad server url") << QStringList{QStringLiteral("status"), QStringLiteral("--server"),
                                                   QStringLiteral("ftp://example")};
}

void tst_Cli::badUsage()
{
    QFETCH(QStringList, arguments);
    const Run result = run(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.err.startsWith("laces-cli: "));
}

void tst_Cli::unreachableServer()
{
    const Run result = run({QStringLiteral("status"), QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:1")});
    QCOMPARE(result.exitCode, 4);
    QVERIFY(result.err.contains("Cannot reach the server"));
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"

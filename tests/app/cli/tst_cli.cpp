#include "testdata.h"
#include "testserver.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QMap>
#include <QFile>
#include <QProcess>
#include <QJsonDocument>
#include <QTemporaryDir>
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
    void importLogDiffExportRoundTrip();
    void importRefusesMalformedFile();
    void dryRunNeedsNoServer();
    void exportToUnwritablePath();
    void nodesKeysAndIngest();
    void simulatePrintsWorstFirstAndWritesTheRun();
    void ticketsListedAndMovedOn();
    void anomalyScoreSkabFile();
    void anomalyScoreFlagsPlantedFault();
    void anomalyScoreErrors_data();
    void anomalyScoreErrors();

private:
    QString writeFile(const QString &name, const QByteArray &content);
    QTemporaryDir m_dir;
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

namespace {
using Tests::fileBytes;
QString model(const char *name) { return Tests::sharedModel(name); }
} // namespace

void tst_Cli::importLogDiffExportRoundTrip()
{
    const Run first = run({QStringLiteral("import"), model("2CylinderEngine.glb"), QStringLiteral("--twin"),
                           QStringLiteral("Engine CLI"), QStringLiteral("--message"), QStringLiteral("Initial assembly")},
                          {}, m_token);
    QCOMPARE(first.exitCode, 0);
    QVERIFY2(first.out.contains("format:      glb"), first.out.constData());
    QVERIFY(first.out.contains("triangles:   75730"));
    QVERIFY(first.out.contains("components:  67"));
    QVERIFY(first.out.contains("version:     1 "));
    QVERIFY(first.err.contains("created the twin 'Engine CLI'"));

    const Run second = run({QStringLiteral("import"), model("Spider_binary.stl"), QStringLiteral("--twin"),
                            QStringLiteral("engine cli")}, {}, m_token);
    QCOMPARE(second.exitCode, 0);
    QVERIFY2(second.out.contains("version:     2 "), second.out.constData());

    const Run log = run({QStringLiteral("log"), QStringLiteral("Engine CLI")}, {}, m_token);
    QCOMPARE(log.exitCode, 0);
    const QList<QByteArray> lines = log.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines[0].startsWith("v2 ") && lines[0].contains("Import Spider_binary.stl") && lines[0].contains("(latest)"));
    QVERIFY(lines[1].startsWith("v1 ") && lines[1].contains("Initial assembly") && lines[1].contains("cli-user"));

    const Run diff = run({QStringLiteral("diff"), QStringLiteral("Engine CLI"), QStringLiteral("1"), QStringLiteral("latest")},
                         {}, m_token);
    QCOMPARE(diff.exitCode, 0);
    QVERIFY2(diff.out.contains("model: changed"), diff.out.constData());
    QVERIFY(diff.out.contains("+ component "));
    QCOMPARE(diff.out.count("- component "), 67);

    QTemporaryDir dir;
    const QString engineCopy = dir.filePath(QStringLiteral("engine.glb"));
    const Run exported = run({QStringLiteral("export"), QStringLiteral("Engine CLI"), QStringLiteral("--version"),
                              QStringLiteral("1"), QStringLiteral("-o"), engineCopy}, {}, m_token);
    QCOMPARE(exported.exitCode, 0);
    QVERIFY(fileBytes(engineCopy) == fileBytes(model("2CylinderEngine.glb")));
    const QString latestCopy = dir.filePath(QStringLiteral("latest.stl"));
    QCOMPARE(run({QStringLiteral("export"), QStringLiteral("Engine CLI"), QStringLiteral("-o"), latestCopy}, {}, m_token).exitCode, 0);
    QVERIFY(fileBytes(latestCopy) == fileBytes(model("Spider_binary.stl")));
    const Run missing = run({QStringLiteral("export"), QStringLiteral("Engine CLI"), QStringLiteral("--version"),
                             QStringLiteral("9"), QStringLiteral("-o"), dir.filePath(QStringLiteral("x"))}, {}, m_token);
    QCOMPARE(missing.exitCode, 1);
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("x"))));
}

void tst_Cli::importRefusesMalformedFile()
{
    const Run refused = run({QStringLiteral("import"), model("malformed/AllIndicesOutOfRange.gltf"), QStringLiteral("--twin"),
                             QStringLiteral("Broken")}, {}, m_token);
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("AllIndicesOutOfRange.gltf"), refused.err.constData());
    const Run absent = run({QStringLiteral("import"), QStringLiteral("/nonexistent/file.stl"), QStringLiteral("--twin"),
                            QStringLiteral("Broken")}, {}, m_token);
    QCOMPARE(absent.exitCode, 5);
}

void tst_Cli::dryRunNeedsNoServer()
{
    const Run dry = run({QStringLiteral("import"), model("fandisk.obj"), QStringLiteral("--twin"), QStringLiteral("x"),
                         QStringLiteral("--dry-run"), QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:1")});
    QCOMPARE(dry.exitCode, 0);
    QVERIFY(dry.out.contains("format:      obj"));
    QVERIFY(dry.out.contains("triangles:   12946"));
    QVERIFY(dry.out.contains("nothing uploaded"));
}

void tst_Cli::exportToUnwritablePath()
{
    const Run result = run({QStringLiteral("export"), QStringLiteral("Engine CLI"), QStringLiteral("-o"),
                            QStringLiteral("/nonexistent-dir/out.glb")}, {}, m_token);
    QCOMPARE(result.exitCode, 5);
}

void tst_Cli::nodesKeysAndIngest()
{
    const Tests::Reply created = m_server.requestJson(
        "POST", QStringLiteral("/nodes"), m_token,
        {{QStringLiteral("name"), QStringLiteral("Press line 1")}, {QStringLiteral("type"), QStringLiteral("press")},
         {QStringLiteral("latitude"), 50.1}, {QStringLiteral("longitude"), 8.7}, {QStringLiteral("site"), QStringLiteral("Frankfurt")}});
    QCOMPARE(created.status, 201);
    const QString node = created.json.value(QStringLiteral("id")).toString();
    const Run listed = run({QStringLiteral("nodes")}, {}, m_token);
    QCOMPARE(listed.exitCode, 0);
    QVERIFY2(listed.out.contains(node.toLatin1() + "  Press line 1  (press, offline, Frankfurt)"), listed.out.constData());

    // A key for the edge device: alone on standard output, and it works.
    QCOMPARE(run({QStringLiteral("node-key"), QStringLiteral("Press line 1")}, {}, m_token).exitCode, 2);
    QCOMPARE(run({QStringLiteral("node-key"), QStringLiteral("No such press"), QStringLiteral("--name"), QStringLiteral("x")}, {},
                 m_token).exitCode, 1);
    const Run key = run({QStringLiteral("node-key"), QStringLiteral("press LINE 1"), QStringLiteral("--name"), QStringLiteral("edge box")},
                        {}, m_token);
    QCOMPARE(key.exitCode, 0);
    const QByteArray apiKey = key.out.trimmed();
    QVERIFY2(apiKey.startsWith("lk_") && !apiKey.contains('\n'), key.out.constData());
    QVERIFY(key.err.contains("shown only this once"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/telemetry"), apiKey,
                                  {{QStringLiteral("node_id"), node},
                                   {QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(now, Qt::UTC).toString(Qt::ISODateWithMs)},
                                   {QStringLiteral("seq"), 1}, {QStringLiteral("metrics"), QJsonObject{{QStringLiteral("rpm"), 12.0}}}})
                 .status, 201);

    // A CSV file of 25,000 samples goes in batches; sending it again stores nothing.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("press.csv"));
    QByteArray csv = "node_id,time,seq,rpm,pressure_bar\n";
    for (int i = 0; i < 25000; ++i)
        csv += node.toLatin1() + ',' + QByteArray::number(now - 3000000 + i * 100) + ',' + QByteArray::number(i + 2) + ','
               + QByteArray::number(900 + i % 50) + ',' + QByteArray::number(1.5 + (i % 7) * 0.125) + '\n';
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(csv);
    file.close();
    const Run ingested = run({QStringLiteral("ingest"), path, QStringLiteral("--boot-epoch"), QStringLiteral("0")}, {}, m_token);
    QCOMPARE(ingested.exitCode, 0);
    QVERIFY2(ingested.out.contains("stored 25000 sample(s), 0 already stored"), ingested.out.constData());
    const Run again = run({QStringLiteral("ingest"), path}, {}, m_token);
    QVERIFY2(again.out.contains("stored 0 sample(s), 25000 already stored"), again.out.constData());
    QCOMPARE(m_server.request("GET", QStringLiteral("/telemetry/%1?bucket=1h&metrics=rpm&from=%2&to=%3")
                                         .arg(node).arg(now - 4000000).arg(now + 1000), m_token)
                 .json.value(QStringLiteral("series")).toObject().value(QStringLiteral("rpm")).toObject()
                 .value(QStringLiteral("count")).toArray().size() >= 1, true);

    // A bad line is named as the file's line, even in a later batch.
    QByteArray bad = csv;
    bad.replace(node.toLatin1() + ',' + QByteArray::number(now - 3000000 + 12344 * 100), node.toLatin1() + ",yesterday");
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bad);
    file.close();
    const Run refused = run({QStringLiteral("ingest"), path, QStringLiteral("--boot-epoch"), QStringLiteral("9")}, {}, m_token);
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("press.csv line 12346"), refused.err.constData());
    QVERIFY(refused.err.contains("10000 sample(s) before it were stored"));
    QCOMPARE(run({QStringLiteral("ingest"), dir.filePath(QStringLiteral("missing.csv"))}, {}, m_token).exitCode, 5);
}

void tst_Cli::simulatePrintsWorstFirstAndWritesTheRun()
{
    // Two parts whose names give them their materials: a rod of AISI 4340 and a spring of
    // martensitic steel.
    QTemporaryDir dir;
    const QString model = dir.filePath(QStringLiteral("parts.obj"));
    QFile file(model);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("o spring_b\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\no rod_a\nv 2 0 0\nv 3 0 0\nv 2 1 0\nf 4 5 6\n");
    file.close();
    QCOMPARE(run({QStringLiteral("import"), model, QStringLiteral("--twin"), QStringLiteral("Aged rig")}, {}, m_token).exitCode, 0);

    const QString output = dir.filePath(QStringLiteral("run.json"));
    const Run simulated = run({QStringLiteral("simulate"), QStringLiteral("Aged rig"), QStringLiteral("--years"), QStringLiteral("30"),
                               QStringLiteral("--rpm"), QStringLiteral("3000"), QStringLiteral("--load"), QStringLiteral("1.9"),
                               QStringLiteral("--monte-carlo"), QStringLiteral("50"), QStringLiteral("--seed"), QStringLiteral("4"),
                               QStringLiteral("-o"), output},
                              {}, m_token);
    QVERIFY2(simulated.exitCode == 0, simulated.err.constData());
    const QList<QByteArray> lines = simulated.out.split('\n');
    QVERIFY2(lines.at(0).startsWith("component") && lines.at(0).contains("median fail") && lines.at(0).contains("B10 fail"),
             simulated.out.constData());
    // The run as written, and the table in its order: the earlier median failure first.
    const QJsonObject written = QJsonDocument::fromJson(Tests::fileBytes(output)).object();
    const QJsonArray components = written.value(QStringLiteral("components")).toArray();
    QCOMPARE(components.size(), 2);
    QJsonObject first = components[0].toObject(), second = components[1].toObject();
    const auto median = [](const QJsonObject &c) {
        const QJsonValue years = c.value(QStringLiteral("p50_failure_years"));
        return years.isDouble() ? years.toDouble() : 1e300;
    };
    if (median(second) < median(first))
        std::swap(first, second);
    QVERIFY(median(first) < 30);
    QVERIFY2(lines.at(1).startsWith(first.value(QStringLiteral("name")).toString().toUtf8()), simulated.out.constData());
    QVERIFY(lines.at(1).contains(first.value(QStringLiteral("material")).toObject().value(QStringLiteral("preset")).toString().toUtf8()));
    QVERIFY(lines.at(1).contains(first.value(QStringLiteral("p50_failure_date")).toString().left(10).toUtf8()));
    QVERIFY(lines.at(1).contains(first.value(QStringLiteral("b10_failure_date")).toString().left(10).toUtf8()));
    QVERIFY(simulated.out.contains("worst: " + first.value(QStringLiteral("name")).toString().toUtf8()));
    QCOMPARE(written.value(QStringLiteral("inputs")).toObject().value(QStringLiteral("monte_carlo")).toObject()
                 .value(QStringLiteral("seed")).toInt(), 4);

    // Out of range: the server's refusal, named by the option it came from.
    const Run refused = run({QStringLiteral("simulate"), QStringLiteral("Aged rig"), QStringLiteral("--rpm"), QStringLiteral("3000"),
                             QStringLiteral("--load"), QStringLiteral("5")},
                            {}, m_token);
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("--load"), refused.err.constData());
    // Half a profile, or a word for a number: bad usage, nothing sent.
    QCOMPARE(run({QStringLiteral("simulate"), QStringLiteral("Aged rig"), QStringLiteral("--rpm"), QStringLiteral("3000")}, {}, m_token).exitCode, 2);
    QCOMPARE(run({QStringLiteral("simulate"), QStringLiteral("Aged rig"), QStringLiteral("--rpm"), QStringLiteral("fast"),
                  QStringLiteral("--load"), QStringLiteral("1")}, {}, m_token).exitCode, 2);
    // No linked node and no profile: the server says what is missing.
    const Run noProfile = run({QStringLiteral("simulate"), QStringLiteral("Aged rig")}, {}, m_token);
    QCOMPARE(noProfile.exitCode, 1);
    QVERIFY2(noProfile.err.contains("--rpm/--load or --from-node"), noProfile.err.constData());
}

QString tst_Cli::writeFile(const QString &name, const QByteArray &content)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

namespace {

// 600 rows "time,flow,pressure,label": flow ≈ 50, pressure ≈ 4 with seeded uniform noise,
// and a fault in rows 500..529 where pressure sits 8 σ high (the label is 1 there).
QByteArray plantedCsv()
{
    QByteArray csv = "time,flow,pressure,label\n";
    quint64 state = 12345;
    const auto noise = [&state]() {  // SplitMix64 → uniform(−1, 1): ~0.577 σ
        quint64 z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        return double(z >> 11) * 0x1.0p-52 - 1.0;
    };
    for (int r = 0; r < 600; ++r) {
        const bool fault = r >= 500 && r < 530;
        const double flow = 50 + noise();
        const double pressure = 4 + 0.1 * noise() + (fault ? 8 * 0.0577 : 0);
        csv += QStringLiteral("2024-05-01T10:%1:%2Z,%3,%4,%5\n")
                   .arg(r / 60, 2, 10, QLatin1Char('0'))
                   .arg(r % 60, 2, 10, QLatin1Char('0'))
                   .arg(flow, 0, 'f', 4)
                   .arg(pressure, 0, 'f', 5)
                   .arg(fault ? 1 : 0)
                   .toUtf8();
    }
    return csv;
}

} // namespace

void tst_Cli::ticketsListedAndMovedOn()
{
    const auto open = [&](const QString &title, const QString &severity) {
        const Tests::Reply created = m_server.requestJson("POST", QStringLiteral("/maintenance/tickets"), m_token,
                                                          {{QStringLiteral("title"), title}, {QStringLiteral("severity"), severity}});
        return created.json.value(QStringLiteral("number")).toInteger();
    };
    const qint64 low = open(QStringLiteral("Oil the hinges"), QStringLiteral("LOW"));
    const qint64 critical = open(QStringLiteral("Spindle seized"), QStringLiteral("CRITICAL"));
    QVERIFY(low > 0 && critical > 0);
    const Run listed = run({QStringLiteral("tickets")}, {}, m_token);
    QCOMPARE(listed.exitCode, 0);
    // Highest priority first: the CRITICAL one before the LOW one.
    const int criticalAt = int(listed.out.indexOf("Spindle seized"));
    const int lowAt = int(listed.out.indexOf("Oil the hinges"));
    QVERIFY2(criticalAt >= 0 && lowAt > criticalAt, listed.out.constData());
    QVERIFY(listed.out.contains("2 ticket(s)"));
    const Run onlyCritical = run({QStringLiteral("tickets"), QStringLiteral("--severity"), QStringLiteral("critical")}, {}, m_token);
    QVERIFY(!onlyCritical.out.contains("Oil the hinges"));
    // Acknowledge with a comment, start, resolve (needs a code), and see the history.
    const QString number = QString::number(critical);
    QCOMPARE(run({QStringLiteral("ticket"), number, QStringLiteral("ack"), QStringLiteral("--comment"), QStringLiteral("on it")}, {},
                 m_token).exitCode,
             0);
    QCOMPARE(run({QStringLiteral("ticket"), number, QStringLiteral("start")}, {}, m_token).exitCode, 0);
    const Run noCode = run({QStringLiteral("ticket"), number, QStringLiteral("resolve")}, {}, m_token);
    QCOMPARE(noCode.exitCode, 2);
    QVERIFY(noCode.err.contains("--code"));
    const Run resolved = run({QStringLiteral("ticket"), number, QStringLiteral("resolve"), QStringLiteral("--code"),
                              QStringLiteral("failure")}, {}, m_token);
    QCOMPARE(resolved.exitCode, 0);
    QVERIFY2(resolved.out.contains("status:      resolved"), resolved.out.constData());
    QVERIFY(resolved.out.contains("comment: on it"));
    QVERIFY(resolved.out.contains("status → acknowledged") && resolved.out.contains("status → in_progress"));
    // The server's refusals come through: a resolved ticket cannot be started.
    const Run illegal = run({QStringLiteral("ticket"), number, QStringLiteral("start")}, {}, m_token);
    QCOMPARE(illegal.exitCode, 1);
    QVERIFY2(illegal.err.contains("cannot go from resolved to in_progress"), illegal.err.constData());
    QCOMPARE(run({QStringLiteral("ticket"), QStringLiteral("999999")}, {}, m_token).exitCode, 1);
    QCOMPARE(run({QStringLiteral("ticket"), QStringLiteral("x")}, {}, m_token).exitCode, 2);
    QCOMPARE(run({QStringLiteral("ticket"), number, QStringLiteral("explode")}, {}, m_token).exitCode, 2);
    // Finished tickets drop out of the default list.
    QVERIFY(!run({QStringLiteral("tickets")}, {}, m_token).out.contains("Spindle seized"));
}

void tst_Cli::anomalyScoreSkabFile()
{
    // SKAB valve1/0.csv: 1,147 rows, ';'-separated, a datetime column (skipped as text) and
    // the labels anomaly/changepoint (ignored). The first 400 rows fit, the other 747 are
    // scored; no server is needed (--server points nowhere).
    const QString skab = QStringLiteral(LACES_SHARED_DATA_DIR "/telemetry/skab/valve1/0.csv");
    const Run scored = run({QStringLiteral("anomaly"), QStringLiteral("score"), QStringLiteral("--train"), skab,
                            QStringLiteral("--input"), skab, QStringLiteral("--train-rows"), QStringLiteral("400"),
                            QStringLiteral("--ignore"), QStringLiteral("anomaly,changepoint"), QStringLiteral("--server"),
                            QStringLiteral("http://127.0.0.1:1")});
    QCOMPARE(scored.exitCode, 0);
    QVERIFY2(scored.err.contains("zscore_max on 8 column(s)"), scored.err.constData());
    const QList<QByteArray> lines = scored.out.trimmed().split('\n');
    QCOMPARE(lines.first(), QByteArray("row,score,anomaly,drivers"));
    QCOMPARE(lines.size() - 1, 1147 - 400);
    QVERIFY(lines[1].startsWith("400,"));
    QVERIFY(lines.last().startsWith("1146,"));
    // Against the file's own labels: the faulty part (401 labelled rows) is found.
    QFile file(skab);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> data = file.readAll().trimmed().split('\n');
    int labelled = 0, caught = 0;
    for (int i = 1; i < lines.size(); ++i) {
        const QList<QByteArray> fields = lines[i].split(',');
        QCOMPARE(fields.size(), 4);
        const int row = fields[0].toInt();
        const bool anomaly = data[row + 1].split(';').at(9).toDouble() > 0.5;
        labelled += anomaly;
        caught += anomaly && fields[2] == "1";
    }
    QCOMPARE(labelled, 401);
    QVERIFY2(caught >= 0.9 * labelled, qPrintable(QString::number(caught)));
}

void tst_Cli::anomalyScoreFlagsPlantedFault()
{
    const QString path = writeFile(QStringLiteral("planted.csv"), plantedCsv());
    for (const QString &detector : {QStringLiteral("zscore_max"), QStringLiteral("isolation_forest")}) {
        const Run scored = run({QStringLiteral("anomaly"), QStringLiteral("score"), QStringLiteral("--train"), path,
                                QStringLiteral("--input"), path, QStringLiteral("--train-rows"), QStringLiteral("400"),
                                QStringLiteral("--ignore"), QStringLiteral("label"), QStringLiteral("--detector"), detector});
        QCOMPARE(scored.exitCode, 0);
        const QList<QByteArray> lines = scored.out.trimmed().split('\n');
        QCOMPARE(lines.size() - 1, 200);
        // Row 529, the fault's last: its 30-row smoothed score is well above the threshold,
        // and the row's own explanation names the pressure first.
        const QList<QByteArray> fault = lines[529 - 400 + 1].split(',');
        QCOMPARE(fault[0], QByteArray("529"));
        QVERIFY2(fault[2] == "1", lines[529 - 400 + 1].constData());
        QVERIFY2(fault[3].startsWith("pressure:"), fault[3].constData());
        // The hundred healthy rows before the fault are quiet.
        for (int row = 400; row < 500; ++row)
            QVERIFY2(lines[row - 400 + 1].split(',').at(2) == "0", lines[row - 400 + 1].constData());
    }
    // A separate input file is scored from its row 0, with the columns picked by name.
    const QString input = writeFile(QStringLiteral("input.csv"), "time;flow;pressure;label\n"
                                    "t1;50.1;4.02;0\nt2;49.9;9.5;1\n");
    const Run other = run({QStringLiteral("anomaly"), QStringLiteral("score"), QStringLiteral("--train"), path,
                           QStringLiteral("--train-rows"), QStringLiteral("400"), QStringLiteral("--input"), input,
                           QStringLiteral("--ignore"), QStringLiteral("label"), QStringLiteral("--columns"),
                           QStringLiteral("pressure,flow")});
    QCOMPARE(other.exitCode, 0);
    const QList<QByteArray> lines = other.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines[1].startsWith("0,"));
    QVERIFY2(lines[2].startsWith("1,") && lines[2].split(',').at(2) == "1", lines[2].constData());
    QVERIFY(lines[2].split(',').at(3).startsWith("pressure:"));
}

void tst_Cli::anomalyScoreErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    const QString planted = QStringLiteral("@planted");
    QTest::newRow("missing file") << QStringList{QStringLiteral("--train"), QStringLiteral("/nonexistent/train.csv"),
                                                 QStringLiteral("--input"), planted}
                                  << 5 << QStringLiteral("cannot read /nonexistent/train.csv");
    QTest::newRow("no numeric columns") << QStringList{QStringLiteral("--train"), QStringLiteral("@text"),
                                                       QStringLiteral("--input"), planted}
                                        << 1 << QStringLiteral("no numeric columns");
    QTest::newRow("too few training rows") << QStringList{QStringLiteral("--train"), planted, QStringLiteral("--input"),
                                                          planted, QStringLiteral("--train-rows"), QStringLiteral("20")}
                                           << 1 << QStringLiteral("too few training rows: 20");
    QTest::newRow("unknown column") << QStringList{QStringLiteral("--train"), planted, QStringLiteral("--input"), planted,
                                                   QStringLiteral("--train-rows"), QStringLiteral("100"),
                                                   QStringLiteral("--columns"), QStringLiteral("flow,torque")}
                                    << 2 << QStringLiteral("no numeric column \"torque\"");
    QTest::newRow("contamination and threshold")
        << QStringList{QStringLiteral("--train"), planted, QStringLiteral("--input"), planted,
                       QStringLiteral("--train-rows"), QStringLiteral("100"), QStringLiteral("--contamination"),
                       QStringLiteral("0.05"), QStringLiteral("--threshold"), QStringLiteral("3")}
        << 2 << QStringLiteral("--contamination or --threshold, not both");
    QTest::newRow("bad contamination") << QStringList{QStringLiteral("--train"), planted, QStringLiteral("--input"),
                                                      planted, QStringLiteral("--train-rows"), QStringLiteral("100"),
                                                      QStringLiteral("--contamination"), QStringLiteral("lots")}
                                       << 2 << QStringLiteral("--contamination must be a number");
    QTest::newRow("bad number in the data") << QStringList{QStringLiteral("--train"), QStringLiteral("@badnumber"),
                                                           QStringLiteral("--input"), planted}
                                            << 1 << QStringLiteral("line 3, column \"pressure\": \"4,1x\" is not a number");
    QTest::newRow("same file without train rows") << QStringList{QStringLiteral("--train"), planted,
                                                                 QStringLiteral("--input"), planted}
                                                  << 2 << QStringLiteral("--train-rows N");
    QTest::newRow("unknown detector") << QStringList{QStringLiteral("--train"), planted, QStringLiteral("--input"), planted,
                                                     QStringLiteral("--train-rows"), QStringLiteral("100"),
                                                     QStringLiteral("--detector"), QStringLiteral("magic")}
                                      << 2 << QStringLiteral("--detector must be zscore_max or isolation_forest");
}

void tst_Cli::anomalyScoreErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const QMap<QString, QString> files{
        {QStringLiteral("@planted"), writeFile(QStringLiteral("planted.csv"), plantedCsv())},
        {QStringLiteral("@text"), writeFile(QStringLiteral("text.csv"), "name,site\npump,north\nvalve,south\n")},
        {QStringLiteral("@badnumber"), writeFile(QStringLiteral("bad.csv"), "time;flow;pressure\nt1;50;4.0\nt2;51;\"4,1x\"\n")},
    };
    QStringList args{QStringLiteral("anomaly"), QStringLiteral("score")};
    for (const QString &argument : arguments)
        args.append(files.value(argument, argument));
    const Run result = run(args);
    QCOMPARE(result.exitCode, exitCode);
    QVERIFY2(result.err.contains(message.toUtf8()), result.err.constData());
    QVERIFY(result.out.isEmpty());
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"

// laces-server backup / restore / basebackup, run as the real binary against a real
// server's data directory: a dump taken while the server runs (and on a stopped one)
// restores into an empty data directory with every table and every large object (the model
// store) the same; the rotation keeps 7 daily, 4 weekly and 12 monthly backups; and
// point-in-time recovery from a base backup and the WAL archive keeps what was written
// before the target time and nothing after it.

#include "db/embeddedpostgres.h"
#include "db/pgconnection.h"
#include "ops/backupretention.h"
#include "telemetry/telemetrymaintenance.h"
#include "testdata.h"
#include "testserver.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

using namespace Laces;
using Laces::Tests::Reply;

using Laces::Tests::eventually;

namespace {

struct Run
{
    int exitCode = -1;
    QString output;
    double seconds = 0;
};

// laces-server with these arguments, to its end (the event loop keeps running meanwhile,
// so the in-process server stays responsive).
Run laces(const QStringList &arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    QElapsedTimer timer;
    timer.start();
    process.start(QStringLiteral(LACES_SERVER_BINARY), arguments);
    eventually([&] { return process.state() == QProcess::NotRunning; }, 300000);
    Run run;
    run.seconds = double(timer.elapsed()) / 1000.0;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.output = QString::fromLocal8Bit(process.readAll());
    return run;
}

// Per table: rows and a digest of their text; and the same over the large objects.
QMap<QString, QString> fingerprint(const QByteArray &conninfo)
{
    Server::PgConnection db(conninfo);
    QMap<QString, QString> result;
    if (!db.open())
        return result;
    auto tables = db.exec("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                          "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE 'spatial_ref_sys' "
                          "ORDER BY 1");
    for (int row = 0; tables && row < tables->rowCount(); ++row) {
        const QByteArray table = tables->bytes(row, 0);
        auto digest = db.exec("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '-') FROM "
                              + table + " t");
        result.insert(QString::fromLatin1(table), digest ? digest->text(0, 0) : QStringLiteral("error"));
    }
    auto objects = db.exec("SELECT count(*) || ':' || coalesce(md5(string_agg(md5(lo_get(oid)), '' ORDER BY oid)), '-') "
                           "FROM pg_largeobject_metadata");
    result.insert(QStringLiteral("(large objects)"), objects ? objects->text(0, 0) : QStringLiteral("error"));
    return result;
}

qint64 rowsOf(const QMap<QString, QString> &print, const QString &table)
{
    return print.value(table).section(QLatin1Char(':'), 0, 0).toLongLong();
}

} // namespace

class tst_Backup : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void roundTripWhileRunning();
    void restoreRefusesWhatItCannotTake();
    void backupOfAStoppedDataDirectory();
    void retentionKeepsDailyWeeklyMonthly();
    void rotateDirectory();
    void pointInTimeRecovery();

private:
    QMap<QString, QString> restoredPrint(const QString &dataDir);
    Reply createTwin(const QString &name);

    QTemporaryDir m_dir;
    Tests::TestServer m_server;
    QByteArray m_admin;
};

void tst_Backup::initTestCase()
{
    // The embedded cluster runs as postgres when the tests run as root: let it in.
    QFile::setPermissions(m_dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                            | QFileDevice::ExeGroup | QFileDevice::ExeOther);
    const QString archive = m_dir.filePath(QStringLiteral("wal-archive"));
    QVERIFY2(m_server.start([archive](Server::ServerConfig &config) {
        config.walArchiveDir = archive;
        config.agent.intervalS = 0;
        config.telemetry.compressAfterDays = 7;
    }),
             qPrintable(m_server.errorString()));
    m_server.registerUser(QStringLiteral("keeper"), QStringLiteral("correct horse battery"));
    m_admin = m_server.login(QStringLiteral("keeper"), QStringLiteral("correct horse battery"));
    m_server.createUser(m_admin, QStringLiteral("erin"), QStringLiteral("engineer"), QStringLiteral("erin-password"));

    // A twin with the engine model (a large object) and a version of it, a lock, a ticket.
    const Reply twin = createTwin(QStringLiteral("Engine E-7"));
    QCOMPARE(twin.status, 201);
    const QString twinId = twin.json.value(QStringLiteral("id")).toString();
    const QByteArray engine = Tests::fileBytes(Tests::sharedModel("2CylinderEngine.glb"));
    QVERIFY(engine.size() > 100000);
    const Reply model = m_server.request("POST", QStringLiteral("/twins/%1/models").arg(twinId), m_admin, engine,
                                         {{"Content-Type", "application/octet-stream"}, {"X-Filename", "2CylinderEngine.glb"}});
    QCOMPARE(model.status, 201);
    const Reply version = m_server.requestJson(
        "POST", QStringLiteral("/twins/%1/versions").arg(twinId), m_admin,
        {{QStringLiteral("parents"), QJsonArray()}, {QStringLiteral("message"), QStringLiteral("As built")},
         {QStringLiteral("model_sha256"), model.json.value(QStringLiteral("sha256")).toString()},
         {QStringLiteral("model_filename"), QStringLiteral("2CylinderEngine.glb")}});
    QCOMPARE(version.status, 201);
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/locks/acquire"), m_admin,
                                  {{QStringLiteral("twin_id"), twinId}, {QStringLiteral("lock_type"), QStringLiteral("exclusive")},
                                   {QStringLiteral("ttl_s"), 3600}, {QStringLiteral("components"), QJsonArray{QStringLiteral("crank")}}})
                 .status,
             201);
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/maintenance/tickets"), m_admin,
                                  {{QStringLiteral("title"), QStringLiteral("Replace the crank seal")},
                                   {QStringLiteral("severity"), QStringLiteral("HIGH")}})
                 .status,
             201);

    // Telemetry: ten days ago (compressed into chunks by the housekeeping) and today (rows).
    const Reply node = m_server.requestJson("POST", QStringLiteral("/nodes"), m_admin,
                                            {{QStringLiteral("name"), QStringLiteral("crank-sensor")},
                                             {QStringLiteral("type"), QStringLiteral("engine")},
                                             {QStringLiteral("latitude"), 50.1}, {QStringLiteral("longitude"), 8.7}});
    QCOMPARE(node.status, 201);
    const QString nodeId = node.json.value(QStringLiteral("id")).toString();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const qint64 start : {now - 10 * 86400000LL, now - 3600000LL}) {
        QJsonArray samples;
        for (int i = 0; i < 2000; ++i)
            samples.append(QJsonObject{
                {QStringLiteral("node_id"), nodeId},
                {QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(start + i * 1000LL, Qt::UTC).toString(Qt::ISODateWithMs)},
                {QStringLiteral("seq"), (start < now - 86400000LL ? 0 : 10000) + i + 1},
                {QStringLiteral("metrics"), QJsonObject{{QStringLiteral("temperature_c"), 60.0 + (i % 37) * 0.25},
                                                        {QStringLiteral("vibration_x_g"), 0.01 * (i % 11)}}}});
        QCOMPARE(m_server.requestJson("POST", QStringLiteral("/telemetry/batch"), m_admin,
                                      {{QStringLiteral("boot_epoch"), 1}, {QStringLiteral("samples"), samples}})
                     .status,
                 200);
    }
    auto housekeeping = m_server.server().runTelemetryMaintenance(now);
    QVERIFY(housekeeping);
    QVERIFY(housekeeping->rowsCompressed >= 2000);
}

Reply tst_Backup::createTwin(const QString &name)
{
    return m_server.requestJson("POST", QStringLiteral("/twins"), m_admin, {{QStringLiteral("name"), name}});
}

QMap<QString, QString> tst_Backup::restoredPrint(const QString &dataDir)
{
    Server::EmbeddedPostgres::Options options;
    options.dataDir = dataDir;
    Server::EmbeddedPostgres cluster(options);
    if (!cluster.start())
        return {};
    const auto print = fingerprint(cluster.conninfo());
    cluster.stop();
    return print;
}

void tst_Backup::roundTripWhileRunning()
{
    const auto before = fingerprint(m_server.server().conninfo());
    // What the issue names, present (so that equal cannot mean equally empty).
    for (const char *table : {"users", "digital_twins", "twin_versions", "model_blobs", "edit_locks",
                              "maintenance_tickets", "telemetry_chunks", "sessions"})
        QVERIFY2(rowsOf(before, QLatin1String(table)) > 0, table);
    QVERIFY(rowsOf(before, QStringLiteral("(large objects)")) > 0);
    qint64 rawRows = 0;
    for (auto it = before.begin(); it != before.end(); ++it)
        if (it.key().startsWith(QLatin1String("telemetry_data")))
            rawRows += rowsOf(before, it.key());
    QCOMPARE(rawRows, 2000);

    const QString dump = m_dir.filePath(QStringLiteral("running.dump"));
    const Run backup = laces({QStringLiteral("backup"), QStringLiteral("--data-dir"), m_server.dataDir(),
                              QStringLiteral("--to"), dump});
    QVERIFY2(backup.exitCode == 0, qPrintable(backup.output));
    QVERIFY(!QFileInfo::exists(dump + QStringLiteral(".partial")));
    // The server went on serving during the backup.
    QCOMPARE(m_server.request("GET", QStringLiteral("/health")).status, 200);

    const QString target = m_dir.filePath(QStringLiteral("restored"));
    const Run restore = laces({QStringLiteral("restore"), QStringLiteral("--data-dir"), target, dump});
    QVERIFY2(restore.exitCode == 0, qPrintable(restore.output));
    qInfo("backup %.1f s, restore %.1f s, %lld bytes", backup.seconds, restore.seconds, QFileInfo(dump).size());
    const auto after = restoredPrint(target);
    QCOMPARE(after.keys(), before.keys());
    for (auto it = before.begin(); it != before.end(); ++it)
        QVERIFY2(after.value(it.key()) == it.value(),
                 qPrintable(QStringLiteral("%1: %2 before, %3 after").arg(it.key(), it.value(), after.value(it.key()))));
}

void tst_Backup::restoreRefusesWhatItCannotTake()
{
    // Into a data directory that has data: refused, nothing touched.
    const QString dump = m_dir.filePath(QStringLiteral("running.dump"));
    const auto before = fingerprint(m_server.server().conninfo());
    const Run intoLive = laces({QStringLiteral("restore"), QStringLiteral("--data-dir"), m_server.dataDir(), dump});
    QCOMPARE(intoLive.exitCode, 1);
    QVERIFY2(intoLive.output.contains(QLatin1String("not empty")), qPrintable(intoLive.output));
    QCOMPARE(fingerprint(m_server.server().conninfo()), before);
    // A file that is not a backup: refused before any cluster is made for it.
    QFile junk(m_dir.filePath(QStringLiteral("junk.dump")));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write("PGDMP but not really");
    junk.close();
    const QString fresh = m_dir.filePath(QStringLiteral("never-made"));
    const Run garbage = laces({QStringLiteral("restore"), QStringLiteral("--data-dir"), fresh, junk.fileName()});
    QCOMPARE(garbage.exitCode, 1);
    QVERIFY2(garbage.output.contains(QLatin1String("is not a laces-server backup")), qPrintable(garbage.output));
    QVERIFY(!QFileInfo::exists(fresh));
    // Usage mistakes are named.
    const Run neither = laces({QStringLiteral("backup"), QStringLiteral("--data-dir"), m_server.dataDir()});
    QCOMPARE(neither.exitCode, 2);
    QVERIFY2(neither.output.contains(QLatin1String("--to FILE or --rotate DIR")), qPrintable(neither.output));
    const Run nothing = laces({QStringLiteral("backup"), QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("empty")),
                               QStringLiteral("--to"), m_dir.filePath(QStringLiteral("x.dump"))});
    QCOMPARE(nothing.exitCode, 1);
    QVERIFY2(nothing.output.contains(QLatin1String("no database cluster")), qPrintable(nothing.output));
}

void tst_Backup::backupOfAStoppedDataDirectory()
{
    const auto before = fingerprint(m_server.server().conninfo());
    m_server.stop();
    const QString dump = m_dir.filePath(QStringLiteral("stopped.dump"));
    const Run backup = laces({QStringLiteral("backup"), QStringLiteral("--data-dir"), m_server.dataDir(),
                              QStringLiteral("--to"), dump});
    QVERIFY2(m_server.resume(), qPrintable(m_server.errorString()));
    QVERIFY2(backup.exitCode == 0, qPrintable(backup.output));
    const QString target = m_dir.filePath(QStringLiteral("restored-stopped"));
    const Run restore = laces({QStringLiteral("restore"), QStringLiteral("--data-dir"), target, dump});
    QVERIFY2(restore.exitCode == 0, qPrintable(restore.output));
    const auto after = restoredPrint(target);
    for (auto it = before.begin(); it != before.end(); ++it) {
        if (it.key() == QLatin1String("sessions") || it.key() == QLatin1String("node_health"))
            continue;   // the restart touches these
        QVERIFY2(after.value(it.key()) == it.value(), qPrintable(it.key()));
    }
}

void tst_Backup::retentionKeepsDailyWeeklyMonthly()
{
    // One backup a day at 02:00 UTC from 2025-11-01 to 2026-12-02 (a Wednesday). Expected,
    // by restic's rules (newest first, the first of each bucket until the count is reached):
    // daily: 12-02 … 11-26 (7 days); weekly (ISO weeks 49, 48, 47, 46): 12-02, 11-29,
    // 11-22, 11-15; monthly: 12-02, 11-30, 10-31, 09-30, 08-31, 07-31, 06-30, 05-31,
    // 04-30, 03-31, 02-28, 01-31.
    QList<QDateTime> backups;
    for (QDate day(2025, 11, 1); day <= QDate(2026, 12, 2); day = day.addDays(1))
        backups.append(QDateTime(day, QTime(2, 0), Qt::UTC));
    const QList<QDateTime> kept = Server::BackupRetention{}.keep(backups);
    QStringList days;
    for (const QDateTime &time : kept)
        days.append(time.date().toString(Qt::ISODate));
    const QStringList expected{
        QStringLiteral("2026-12-02"), QStringLiteral("2026-12-01"), QStringLiteral("2026-11-30"), QStringLiteral("2026-11-29"),
        QStringLiteral("2026-11-28"), QStringLiteral("2026-11-27"), QStringLiteral("2026-11-26"), QStringLiteral("2026-11-22"),
        QStringLiteral("2026-11-15"), QStringLiteral("2026-10-31"), QStringLiteral("2026-09-30"), QStringLiteral("2026-08-31"),
        QStringLiteral("2026-07-31"), QStringLiteral("2026-06-30"), QStringLiteral("2026-05-31"), QStringLiteral("2026-04-30"),
        QStringLiteral("2026-03-31"), QStringLiteral("2026-02-28"), QStringLiteral("2026-01-31")};
    QCOMPARE(days, expected);
    // Two backups on one day: the later one counts for the day.
    const QList<QDateTime> twice{QDateTime(QDate(2026, 12, 2), QTime(1, 0), Qt::UTC),
                                 QDateTime(QDate(2026, 12, 2), QTime(13, 0), Qt::UTC)};
    QCOMPARE(Server::BackupRetention{}.keep(twice), QList<QDateTime>{twice.last()});
}

void tst_Backup::rotateDirectory()
{
    // A year and a half of daily backups already there (empty files with the rotation's
    // names), then one real rotation: the new backup is added and the old ones thinned.
    const QString dir = m_dir.filePath(QStringLiteral("rotation"));
    QDir().mkpath(dir);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int daysAgo = 1; daysAgo <= 540; ++daysAgo) {
        QFile old(QDir(dir).filePath(QStringLiteral("laces-%1.dump").arg(now.addDays(-daysAgo).toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")))));
        QVERIFY(old.open(QIODevice::WriteOnly));
    }
    QFile unrelated(QDir(dir).filePath(QStringLiteral("notes.txt")));
    QVERIFY(unrelated.open(QIODevice::WriteOnly));
    unrelated.close();
    const Run rotate = laces({QStringLiteral("backup"), QStringLiteral("--data-dir"), m_server.dataDir(),
                              QStringLiteral("--rotate"), dir});
    QVERIFY2(rotate.exitCode == 0, qPrintable(rotate.output));
    const QStringList left = QDir(dir).entryList({QStringLiteral("laces-*.dump")}, QDir::Files, QDir::Name | QDir::Reversed);
    // 7 days, then at most 4 weeks and 12 months more, some of them the same backup.
    QVERIFY2(left.size() >= 17 && left.size() <= 23, qPrintable(left.join(QLatin1Char(' '))));
    QVERIFY(QFileInfo(QDir(dir).filePath(left.first())).size() > 1000);   // the real one, newest
    for (int daysAgo = 1; daysAgo <= 6; ++daysAgo)
        QVERIFY(left.contains(QStringLiteral("laces-%1.dump").arg(now.addDays(-daysAgo).toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")))));
    QVERIFY(!left.contains(QStringLiteral("laces-%1.dump").arg(now.addDays(-540).toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")))));
    QVERIFY(unrelated.exists());
}

void tst_Backup::pointInTimeRecovery()
{
    const QString base = m_dir.filePath(QStringLiteral("base"));
    const Run basebackup = laces({QStringLiteral("basebackup"), QStringLiteral("--data-dir"), m_server.dataDir(),
                                  QStringLiteral("--to"), base});
    QVERIFY2(basebackup.exitCode == 0, qPrintable(basebackup.output));
    QCOMPARE(createTwin(QStringLiteral("Written before T")).status, 201);
    QTest::qWait(1100);
    const QString target = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    QTest::qWait(1100);
    QCOMPARE(createTwin(QStringLiteral("Written after T")).status, 201);
    // Close the WAL segment so that the archive has it.
    Server::PgConnection db(m_server.server().conninfo());
    QVERIFY(db.open());
    auto segment = db.exec("SELECT pg_walfile_name(pg_switch_wal())");
    QVERIFY(segment);
    const QString archived = m_dir.filePath(QStringLiteral("wal-archive/")) + segment->text(0, 0);
    QVERIFY2(eventually([&] { return QFileInfo::exists(archived); }, 30000), qPrintable(archived));

    const QString recovered = m_dir.filePath(QStringLiteral("recovered"));
    const Run restore = laces({QStringLiteral("restore"), QStringLiteral("--base"), base, QStringLiteral("--wal-archive"),
                               m_dir.filePath(QStringLiteral("wal-archive")), QStringLiteral("--target-time"), target,
                               QStringLiteral("--data-dir"), recovered});
    QVERIFY2(restore.exitCode == 0, qPrintable(restore.output));
    Server::EmbeddedPostgres::Options options;
    options.dataDir = recovered;
    Server::EmbeddedPostgres cluster(options);
    QVERIFY(cluster.start());
    Server::PgConnection check(cluster.conninfo());
    QVERIFY(check.open());
    auto names = check.exec("SELECT string_agg(name, ',' ORDER BY name) FROM digital_twins");
    QVERIFY(names);
    const QString twins = names->text(0, 0);
    QVERIFY2(twins.contains(QLatin1String("Written before T")), qPrintable(twins));
    QVERIFY2(!twins.contains(QLatin1String("Written after T")), qPrintable(twins));
    QVERIFY2(twins.contains(QLatin1String("Engine E-7")), qPrintable(twins));
    // The recovered cluster is an ordinary one again: it takes writes.
    QVERIFY(check.exec("INSERT INTO server_settings (key, value) VALUES ('pitr-check', '\\x01') "
                       "ON CONFLICT (key) DO NOTHING"));
    cluster.stop();
    // A bad target time is named.
    const Run bad = laces({QStringLiteral("restore"), QStringLiteral("--base"), base, QStringLiteral("--wal-archive"),
                           m_dir.filePath(QStringLiteral("wal-archive")), QStringLiteral("--target-time"),
                           QStringLiteral("yesterday"), QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("r3"))});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.output.contains(QLatin1String("RFC 3339")), qPrintable(bad.output));
}

QTEST_GUILESS_MAIN(tst_Backup)
#include "tst_backup.moc"

#include "db/embeddedpostgres.h"
#include "db/migrator.h"
#include "db/pgconnection.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Laces::Server;

class tst_Migrations : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void emptyDatabaseReachesLatest();
    void secondRunChangesNothing();
    void refusesNewerDatabase();

private:
    QByteArray schemaFingerprint();

    QTemporaryDir m_dir{QStringLiteral("/tmp/laces-migrations-XXXXXX")};
    std::unique_ptr<EmbeddedPostgres> m_postgres;
    std::unique_ptr<PgConnection> m_db;
};

void tst_Migrations::initTestCase()
{
    EmbeddedPostgres::Options options;
    options.dataDir = m_dir.path();
    options.durable = false;
    m_postgres = std::make_unique<EmbeddedPostgres>(options);
    const auto started = m_postgres->start();
    QVERIFY2(started, started ? "" : qPrintable(started.error().message));
    m_db = std::make_unique<PgConnection>(m_postgres->conninfo());
    QVERIFY(m_db->open());
}

QByteArray tst_Migrations::schemaFingerprint()
{
    auto rows = m_db->exec(
        "SELECT string_agg(x, E'\\n' ORDER BY x) FROM ("
        " SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable AS x "
        " FROM information_schema.columns WHERE table_schema = 'public' "
        " UNION ALL SELECT 'index:' || indexname || ':' || indexdef FROM pg_indexes WHERE schemaname = 'public' "
        " UNION ALL SELECT 'constraint:' || conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
        "   WHERE n.nspname = 'public' "
        " UNION ALL SELECT 'migration:' || version FROM schema_migrations "
        " UNION ALL SELECT 'perm:' || role || ':' || permission FROM role_permissions) s");
    return rows ? rows->bytes(0, 0) : QByteArray();
}

void tst_Migrations::emptyDatabaseReachesLatest()
{
    auto before = Migrator::currentVersion(*m_db);
    QVERIFY(before);
    QCOMPARE(*before, 0);
    const auto applied = Migrator::migrate(*m_db);
    QVERIFY2(applied, applied ? "" : qPrintable(applied.error().message));
    QCOMPARE(*applied, Migrator::embeddedMigrations().size());
    QCOMPARE(*Migrator::currentVersion(*m_db), Migrator::latestVersion());

    const QStringList required{
        QStringLiteral("organizations"), QStringLiteral("users"), QStringLiteral("roles"),
        QStringLiteral("role_permissions"), QStringLiteral("sessions"), QStringLiteral("api_keys"),
        QStringLiteral("digital_twins"), QStringLiteral("twin_versions"), QStringLiteral("twin_components"),
        QStringLiteral("model_blobs"), QStringLiteral("edit_locks"), QStringLiteral("edit_operations"),
        QStringLiteral("collaboration_sessions"), QStringLiteral("machine_nodes"), QStringLiteral("node_sensors"),
        QStringLiteral("telemetry_data"), QStringLiteral("telemetry_rollup_1m"), QStringLiteral("telemetry_rollup_1h"),
        QStringLiteral("maintenance_tickets"), QStringLiteral("ticket_events"), QStringLiteral("alert_rules"),
        QStringLiteral("alert_states"), QStringLiteral("alert_channels"), QStringLiteral("alert_outbox"),
        QStringLiteral("alert_attempts"), QStringLiteral("node_health"), QStringLiteral("agent_cycles"),
        QStringLiteral("anomaly_models"), QStringLiteral("simulation_runs"),
        QStringLiteral("idempotency_keys"), QStringLiteral("audit_log"), QStringLiteral("schema_migrations")};
    for (const QString &table : required) {
        auto found = m_db->exec("SELECT to_regclass($1) IS NOT NULL", {table.toUtf8()});
        QVERIFY(found);
        QVERIFY2(found->boolean(0, 0), qPrintable(table));
    }
    // telemetry_data is range-partitioned by time.
    auto partitioned = m_db->exec("SELECT partstrat FROM pg_partitioned_table WHERE partrelid = 'telemetry_data'::regclass");
    QVERIFY(partitioned);
    QCOMPARE(partitioned->text(0, 0), QStringLiteral("r"));
    // machine_nodes carry a location.
    auto located = m_db->exec("SELECT count(*) FROM information_schema.columns WHERE table_name = 'machine_nodes' "
                              "AND column_name IN ('latitude', 'longitude')");
    QCOMPARE(located->integer(0, 0), 2);
    // ... and, with PostGIS, a geography point made from them.
    auto geography = m_db->exec("SELECT ST_AsText(ST_GeomFromText('POINT(13.4 52.5)', 4326)::geography), "
                                "(SELECT udt_name FROM information_schema.columns WHERE table_name = 'machine_nodes' "
                                "AND column_name = 'location')");
    QVERIFY2(geography, geography ? "" : qPrintable(geography.error().message));
    QCOMPARE(geography->text(0, 0), QStringLiteral("POINT(13.4 52.5)"));
    QCOMPARE(geography->text(0, 1), QStringLiteral("geography"));
    // The role table is the product's.
    auto engineer = m_db->exec("SELECT string_agg(permission, ',' ORDER BY permission) FROM role_permissions "
                               "WHERE role = 'engineer'");
    QCOMPARE(engineer->text(0, 0), QStringLiteral("maintenance.view,maintenance.work,simulations.run,twins.create,twins.edit,twins.version"));
    auto viewer = m_db->exec("SELECT string_agg(permission, ',' ORDER BY permission) FROM role_permissions "
                             "WHERE role = 'viewer'");
    QCOMPARE(viewer->text(0, 0), QStringLiteral("analytics.view,twins.view"));
    auto operatorRole = m_db->exec("SELECT string_agg(permission, ',' ORDER BY permission) FROM role_permissions "
                                   "WHERE role = 'operator'");
    QCOMPARE(operatorRole->text(0, 0), QStringLiteral("maintenance.view,maintenance.work,telemetry.ingest,twins.view"));
}

void tst_Migrations::secondRunChangesNothing()
{
    const QByteArray before = schemaFingerprint();
    QVERIFY(before.size() > 1000);
    const auto applied = Migrator::migrate(*m_db);
    QVERIFY(applied);
    QCOMPARE(*applied, 0);
    QCOMPARE(schemaFingerprint(), before);
}

void tst_Migrations::refusesNewerDatabase()
{
    QVERIFY(m_db->exec("INSERT INTO schema_migrations (version, name) VALUES (9999, 'from_the_future')"));
    const auto applied = Migrator::migrate(*m_db);
    QVERIFY(!applied);
    QVERIFY2(applied.error().message.contains(QLatin1String("9999")), qPrintable(applied.error().message));
    QVERIFY(m_db->exec("DELETE FROM schema_migrations WHERE version = 9999"));
}

QTEST_GUILESS_MAIN(tst_Migrations)
#include "tst_migrations.moc"

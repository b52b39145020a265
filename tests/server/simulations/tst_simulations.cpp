#include "ageing/ageingunits.h"
#include "testserver.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QTest>
#include <QUuid>

#include <cmath>

using namespace Laces;
using Tests::Reply;

// Simulation runs over real HTTP and PostgreSQL: the physics through the API, storage and
// reproducibility, measured histories from real telemetry, validation and roles.
class tst_Simulations : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void closedFormThroughTheApi();
    void sameInputsSameResults();
    void measuredHistoryReportsAstmCycles();
    void measuredHistoryAgesPastAndFuture();
    void validationErrors_data();
    void validationErrors();
    void tooLargeAnswers413();
    void rolesAndOrganizations();
    void exportEqualsStoredRunAndListing();
    void deleteByAuthorOrAdmin();
    void bigRunDoesNotBlockOthers();
    void demoTwinAgesAtOnce();

private:
    QString makeTwin(const QString &name, const QStringList &parts, const QJsonObject &componentProperties = {},
                     const QJsonObject &properties = {});
    Reply simulate(const QString &twin, const QJsonObject &body, const QByteArray &token = {});
    QString makeNode(const QString &name, const QJsonArray &sensors, const QString &twin = {});

    Tests::TestServer m_server;
    QByteArray m_admin, m_engineer, m_viewer, m_operator, m_otherEngineer, m_stranger;
    QString m_twin;      // three parts, the first with the worked case's crack constants
    QJsonObject m_workedCase;
};

namespace {

// An OBJ file with one small triangle per named part (assimp names each `o` a node).
QByteArray objWithParts(const QStringList &parts)
{
    QByteArray obj;
    int vertex = 1;
    for (int i = 0; i < parts.size(); ++i) {
        obj += "o " + parts[i].toUtf8() + "\n";
        obj += QStringLiteral("v %1 0 0\nv %2 0 0\nv %1 1 0\n").arg(i).arg(i + 0.5).toUtf8();
        obj += QStringLiteral("f %1 %2 %3\n").arg(vertex).arg(vertex + 1).arg(vertex + 2).toUtf8();
        vertex += 3;
    }
    return obj;
}

QJsonObject componentNamed(const QJsonObject &run, const QString &name)
{
    for (const QJsonValue &value : run.value(QStringLiteral("components")).toArray()) {
        if (value.toObject().value(QStringLiteral("name")).toString() == name)
            return value.toObject();
    }
    return {};
}

bool near(double actual, double expected, double relative)
{
    return std::abs(actual - expected) <= relative * std::abs(expected);
}

} // namespace

void tst_Simulations::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_server.registerUser(QStringLiteral("sim-admin"), QStringLiteral("sim-admin-pass"));
    m_admin = m_server.login(QStringLiteral("sim-admin"), QStringLiteral("sim-admin-pass"));
    QVERIFY(!m_admin.isEmpty());
    for (const auto &[name, role] : {std::pair{"sim-engineer", "engineer"}, std::pair{"sim-viewer", "viewer"},
                                     std::pair{"sim-operator", "operator"}, std::pair{"sim-engineer-2", "engineer"}}) {
        m_server.createUser(m_admin, QLatin1String(name), QLatin1String(role), QLatin1String(name) + QStringLiteral("-pass"));
    }
    m_engineer = m_server.login(QStringLiteral("sim-engineer"), QStringLiteral("sim-engineer-pass"));
    m_viewer = m_server.login(QStringLiteral("sim-viewer"), QStringLiteral("sim-viewer-pass"));
    m_operator = m_server.login(QStringLiteral("sim-operator"), QStringLiteral("sim-operator-pass"));
    m_otherEngineer = m_server.login(QStringLiteral("sim-engineer-2"), QStringLiteral("sim-engineer-2-pass"));
    m_server.registerUser(QStringLiteral("sim-stranger"), QStringLiteral("sim-stranger-pass"));
    m_stranger = m_server.login(QStringLiteral("sim-stranger"), QStringLiteral("sim-stranger-pass"));
    QVERIFY(!m_engineer.isEmpty() && !m_viewer.isEmpty() && !m_stranger.isEmpty());

    // ageing.md's worked case: a_0 = 2 mm, Δσ = 100 MPa, Y = 1, C = 1e-12, m = 3,
    // K_IC = 25 MPa·√m; no threshold, and an S–N curve too strong to matter.
    m_workedCase = {{QStringLiteral("material"),
                     QJsonObject{{QStringLiteral("preset"), QStringLiteral("ferrite-pearlite-steel")},
                                 {QStringLiteral("c"), 1e-12},
                                 {QStringLiteral("m"), 3},
                                 {QStringLiteral("k_ic"), 25},
                                 {QStringLiteral("y"), 1},
                                 {QStringLiteral("a0_m"), 0.002},
                                 {QStringLiteral("delta_k_th"), 0},
                                 {QStringLiteral("sigma_f_mpa"), 100000},
                                 {QStringLiteral("ea_ev"), 0}}},
                    {QStringLiteral("rated_stress_range_mpa"), 100}};
    m_twin = makeTwin(QStringLiteral("Test rig"), {QStringLiteral("crank_shaft"), QStringLiteral("piston_a"),
                                                   QStringLiteral("housing"), QStringLiteral("valve_b")},
                      {{QStringLiteral("crank_shaft"), m_workedCase}});
    QVERIFY(!m_twin.isEmpty());
}

QString tst_Simulations::makeTwin(const QString &name, const QStringList &parts, const QJsonObject &componentProperties,
                                  const QJsonObject &properties)
{
    const Reply twin = m_server.requestJson("POST", QStringLiteral("/twins"), m_admin,
                                            {{QStringLiteral("name"), name}, {QStringLiteral("properties"), properties}});
    if (twin.status != 201)
        return {};
    const QString id = twin.json.value(QStringLiteral("id")).toString();
    const Reply model = m_server.request("POST", QStringLiteral("/twins/%1/models").arg(id), m_admin, objWithParts(parts),
                                         {{"Content-Type", "application/octet-stream"}, {"X-Filename", "parts.obj"}});
    if (model.status != 201 && model.status != 200)
        return {};
    QJsonObject version{{QStringLiteral("parents"), QJsonArray{}},
                        {QStringLiteral("message"), QStringLiteral("import")},
                        {QStringLiteral("model_sha256"), model.json.value(QStringLiteral("sha256"))},
                        {QStringLiteral("model_filename"), QStringLiteral("parts.obj")}};
    if (!componentProperties.isEmpty())
        version.insert(QStringLiteral("component_properties"), componentProperties);
    if (!properties.isEmpty())
        version.insert(QStringLiteral("properties"), properties);  // a version's properties become the twin's
    const Reply made = m_server.requestJson("POST", QStringLiteral("/twins/%1/versions").arg(id), m_admin, version);
    return made.status == 201 ? id : QString();
}

Reply tst_Simulations::simulate(const QString &twin, const QJsonObject &body, const QByteArray &token)
{
    return m_server.requestJson("POST", QStringLiteral("/twins/%1/simulations").arg(twin),
                                token.isEmpty() ? m_engineer : token, body);
}

QString tst_Simulations::makeNode(const QString &name, const QJsonArray &sensors, const QString &twin)
{
    QJsonObject body{{QStringLiteral("name"), name}, {QStringLiteral("type"), QStringLiteral("engine")},
                     {QStringLiteral("latitude"), 48.7}, {QStringLiteral("longitude"), 9.1},
                     {QStringLiteral("sensors"), sensors}};
    if (!twin.isEmpty())
        body.insert(QStringLiteral("twin_id"), twin);
    const Reply node = m_server.requestJson("POST", QStringLiteral("/nodes"), m_admin, body);
    return node.status == 201 ? node.json.value(QStringLiteral("id")).toString() : QString();
}

void tst_Simulations::closedFormThroughTheApi()
{
    // 100 rpm at full load: one 100 MPa cycle a revolution, 6,000 an hour.
    const Reply run = simulate(m_twin, {{QStringLiteral("horizon_years"), 30},
                                        {QStringLiteral("step"), QStringLiteral("week")},
                                        {QStringLiteral("start"), QStringLiteral("2026-01-01T00:00:00Z")},
                                        {QStringLiteral("profile"), QJsonObject{{QStringLiteral("rpm"), 100},
                                                                                {QStringLiteral("load"), 1.0},
                                                                                {QStringLiteral("temperature_c"), 20}}}});
    QCOMPARE(run.status, 201);
    QVERIFY(run.headers.value("location").startsWith("/simulations/"));
    const QJsonObject crank = componentNamed(run.json, QStringLiteral("crank_shaft"));
    QCOMPARE(crank.value(QStringLiteral("stress_range_mpa")).toDouble(), 100.0);
    QCOMPARE(crank.value(QStringLiteral("cycles_per_hour")).toDouble(), 6000.0);
    // ageing.md: a_c = 19.894 mm, N = 5,484,901 cycles.
    QVERIFY(near(crank.value(QStringLiteral("ac_m")).toDouble(), 0.019894, 5e-5));
    const double years = 5484901.0 / 6000.0 / Core::Ageing::kHoursPerYear;
    QVERIFY2(near(crank.value(QStringLiteral("crack_critical_years")).toDouble(), years, 1e-6),
             qPrintable(QString::number(crank.value(QStringLiteral("crack_critical_years")).toDouble(), 'g', 12)));
    QCOMPARE(crank.value(QStringLiteral("p50_failure_years")).toDouble(), crank.value(QStringLiteral("crack_critical_years")).toDouble());
    // 0.0626 years after 2026-01-01 is late January.
    // 914.15 hours (38.09 days) after 2026-01-01T00:00Z.
    QVERIFY2(crank.value(QStringLiteral("p50_failure_date")).toString().startsWith(QLatin1String("2026-02-08T02:")),
             qPrintable(crank.value(QStringLiteral("p50_failure_date")).toString()));
    QVERIFY(crank.value(QStringLiteral("b10_failure_years")).toDouble() < years);
    QCOMPARE(crank.value(QStringLiteral("material")).toObject().value(QStringLiteral("k_ic")).toDouble(), 25.0);
    // The worst component is this one, and its series end failed.
    QCOMPARE(run.json.value(QStringLiteral("worst")).toObject().value(QStringLiteral("component")).toString(),
             QStringLiteral("crank_shaft"));
    const QJsonObject series = crank.value(QStringLiteral("series")).toObject();
    const QJsonArray damage = series.value(QStringLiteral("damage")).toArray();
    QCOMPARE(series.value(QStringLiteral("t_years")).toArray().size(), damage.size());
    QCOMPARE(damage.first().toDouble(), 0.0);
    QCOMPARE(damage.last().toDouble(), 1.0);
    QCOMPARE(crank.value(QStringLiteral("final")).toObject().value(QStringLiteral("damage")).toDouble(), 1.0);
    QVERIFY(series.value(QStringLiteral("failure_probability")).toArray().last().toDouble() > 0.99);
    // The other parts take their presets from their names.
    QCOMPARE(componentNamed(run.json, QStringLiteral("piston_a")).value(QStringLiteral("material")).toObject()
                 .value(QStringLiteral("preset")).toString(),
             QStringLiteral("aluminium-2024-t3"));
}

void tst_Simulations::sameInputsSameResults()
{
    const QJsonObject body{{QStringLiteral("start"), QStringLiteral("2026-06-01T00:00:00Z")},
                           {QStringLiteral("horizon_years"), 10},
                           {QStringLiteral("profile"), QJsonObject{{QStringLiteral("segments"),
                                                                    QJsonArray{QJsonObject{{QStringLiteral("from_years"), 0},
                                                                                           {QStringLiteral("rpm"), 40},
                                                                                           {QStringLiteral("load"), 0.9}},
                                                                               QJsonObject{{QStringLiteral("from_years"), 2},
                                                                                           {QStringLiteral("rpm"), 60},
                                                                                           {QStringLiteral("load"), 1.1},
                                                                                           {QStringLiteral("temperature_c"), 60}}}}}},
                           {QStringLiteral("monte_carlo"), QJsonObject{{QStringLiteral("samples"), 300}, {QStringLiteral("seed"), 11}}}};
    const Reply first = simulate(m_twin, body);
    const Reply second = simulate(m_twin, body, m_admin);
    QCOMPARE(first.status, 201);
    QCOMPARE(second.status, 201);
    QVERIFY(first.json.value(QStringLiteral("id")) != second.json.value(QStringLiteral("id")));
    QCOMPARE(first.json.value(QStringLiteral("inputs_sha256")), second.json.value(QStringLiteral("inputs_sha256")));
    // Bit for bit: the JSON numbers are the shortest that read back as the same doubles.
    QCOMPARE(QJsonDocument(first.json.value(QStringLiteral("components")).toArray()).toJson(),
             QJsonDocument(second.json.value(QStringLiteral("components")).toArray()).toJson());
    const QJsonObject crank = componentNamed(first.json, QStringLiteral("crank_shaft"));
    const QJsonArray band = crank.value(QStringLiteral("p10_p90_failure_years")).toArray();
    QCOMPARE(band.size(), 2);
    QVERIFY(band[0].toDouble() < band[1].toDouble());
    // Another seed: other samples, another hash.
    QJsonObject other = body;
    other[QStringLiteral("monte_carlo")] = QJsonObject{{QStringLiteral("samples"), 300}, {QStringLiteral("seed"), 12}};
    const Reply third = simulate(m_twin, other);
    QVERIFY(third.json.value(QStringLiteral("inputs_sha256")) != first.json.value(QStringLiteral("inputs_sha256")));
}

void tst_Simulations::measuredHistoryReportsAstmCycles()
{
    // ASTM E1049-85's example history as torque samples, one a second.
    const QString node = makeNode(QStringLiteral("ASTM rig"),
                                  QJsonArray{QJsonObject{{QStringLiteral("metric"), QStringLiteral("torque_nm")},
                                                         {QStringLiteral("unit"), QStringLiteral("N·m")},
                                                         {QStringLiteral("min"), -10},
                                                         {QStringLiteral("max"), 10}}});
    QVERIFY(!node.isEmpty());
    const qint64 startMs = (QDateTime::currentMSecsSinceEpoch() / 1000 - 600) * 1000;
    const double astm[] = {-2, 1, -3, 5, -1, 3, -4, 4, -2};
    QByteArray csv = "node_id,time,seq,torque_nm\n";
    for (int i = 0; i < 9; ++i)
        csv += QStringLiteral("%1,%2,%3,%4\n").arg(node).arg(startMs + i * 1000).arg(i + 1).arg(astm[i]).toUtf8();
    const Reply stored = m_server.request("POST", QStringLiteral("/telemetry/batch?boot_epoch=1"), m_admin, csv,
                                          {{"Content-Type", "text/csv"}});
    QCOMPARE(stored.status, 200);
    const QString from = QDateTime::fromMSecsSinceEpoch(startMs - 1000, Qt::UTC).toString(Qt::ISODateWithMs);
    const QString to = QDateTime::fromMSecsSinceEpoch(startMs + 60000, Qt::UTC).toString(Qt::ISODateWithMs);
    const Reply run = simulate(m_twin, {{QStringLiteral("horizon_years"), 1},
                                        {QStringLiteral("profile"), QJsonObject{{QStringLiteral("from_node"), node},
                                                                                {QStringLiteral("from"), from},
                                                                                {QStringLiteral("to"), to}}}});
    QVERIFY2(run.status == 201, run.body.constData());
    const QJsonObject measured = run.json.value(QStringLiteral("measured")).toObject();
    QCOMPARE(measured.value(QStringLiteral("samples")).toInt(), 9);
    QCOMPARE(measured.value(QStringLiteral("metric")).toString(), QStringLiteral("torque_nm"));
    QCOMPARE(measured.value(QStringLiteral("reference")).toDouble(), 10.0);  // the sensor's maximum
    // ASTM E1049-85 §5.4.4's table: (3, ½), (4, 1½), (6, ½), (8, 1), (9, ½), in N·m.
    const QJsonArray expected{QJsonArray{3, 0.5}, QJsonArray{4, 1.5}, QJsonArray{6, 0.5}, QJsonArray{8, 1.0},
                              QJsonArray{9, 0.5}};
    QCOMPARE(measured.value(QStringLiteral("cycles")).toArray(), expected);
    QVERIFY(measured.value(QStringLiteral("cycles_exact")).toBool());
    // The run starts where the history ends, and its timeline reaches back to it.
    QCOMPARE(run.json.value(QStringLiteral("start")).toString(), to);
    QVERIFY(run.json.value(QStringLiteral("timeline")).toObject().value(QStringLiteral("start_years")).toDouble() < 0);
    QCOMPARE(run.json.value(QStringLiteral("inputs")).toObject().value(QStringLiteral("profile")).toObject()
                 .value(QStringLiteral("kind")).toString(),
             QStringLiteral("measured"));
}

void tst_Simulations::measuredHistoryAgesPastAndFuture()
{
    // A linked engine that ran two days at 1,500 rpm with load steps every ten minutes:
    // damage grows over the past, and the default future goes on as measured; a what-if
    // future at double speed ages faster.
    const QString twin = makeTwin(QStringLiteral("Measured rig"), {QStringLiteral("crank_shaft")},
                                  {{QStringLiteral("crank_shaft"),
                                    QJsonObject{{QStringLiteral("material"), QStringLiteral("aisi-4340")},
                                                {QStringLiteral("rated_stress_range_mpa"), 560}}}},
                                  {{QStringLiteral("rated_torque_nm"), 500}});
    const QString node = makeNode(QStringLiteral("Measured engine"),
                                  QJsonArray{QJsonObject{{QStringLiteral("metric"), QStringLiteral("torque_nm")}},
                                             QJsonObject{{QStringLiteral("metric"), QStringLiteral("rpm")}},
                                             QJsonObject{{QStringLiteral("metric"), QStringLiteral("temperature_c")}}},
                                  twin);
    QVERIFY(!twin.isEmpty() && !node.isEmpty());
    const qint64 endMs = (QDateTime::currentMSecsSinceEpoch() / 60000) * 60000;
    const qint64 beginMs = endMs - qint64(48) * 3600000;
    QByteArray csv = "node_id,time,seq,torque_nm,rpm,temperature_c\n";
    int seq = 0;
    for (qint64 t = beginMs; t < endMs; t += 30000) {
        const bool high = (t / 600000) % 2 == 0;
        csv += QStringLiteral("%1,%2,%3,%4,1500,%5\n").arg(node).arg(t).arg(++seq).arg(high ? 480 : 120).arg(high ? 85 : 70).toUtf8();
    }
    QCOMPARE(m_server.request("POST", QStringLiteral("/telemetry/batch?boot_epoch=1"), m_admin, csv,
                              {{"Content-Type", "text/csv"}}).status, 200);
    const QString to = QDateTime::fromMSecsSinceEpoch(endMs, Qt::UTC).toString(Qt::ISODateWithMs);
    // No profile: the twin's linked node's history, by default.
    const Reply run = simulate(twin, {{QStringLiteral("start"), to}, {QStringLiteral("horizon_years"), 2}});
    QVERIFY2(run.status == 201, run.body.constData());
    const QJsonObject measured = run.json.value(QStringLiteral("measured")).toObject();
    QCOMPARE(measured.value(QStringLiteral("node_id")).toString(), node);
    QCOMPARE(measured.value(QStringLiteral("reference")).toDouble(), 500.0);  // rated_torque_nm
    QCOMPARE(measured.value(QStringLiteral("samples")).toInt(), seq);
    // 2 load changes each 20 minutes: 6 cycles an hour of range 360 N·m.
    const QJsonArray cycles = measured.value(QStringLiteral("cycles")).toArray();
    QCOMPARE(cycles.last().toArray().at(0).toDouble(), 360.0);
    QVERIFY(near(measured.value(QStringLiteral("equivalent")).toObject().value(QStringLiteral("signal_cycles_per_hour")).toDouble(), 3.0, 0.02));
    QVERIFY(near(measured.value(QStringLiteral("equivalent")).toObject().value(QStringLiteral("mean_rpm")).toDouble(), 1500, 1e-9));
    const QJsonObject crank = componentNamed(run.json, QStringLiteral("crank_shaft"));
    const QJsonObject series = crank.value(QStringLiteral("series")).toObject();
    const QJsonArray times = series.value(QStringLiteral("t_years")).toArray();
    const QJsonArray damage = series.value(QStringLiteral("damage")).toArray();
    int zero = -1;
    for (int i = 0; i < times.size(); ++i) {
        if (times[i].toDouble() == 0)
            zero = i;
    }
    QVERIFY(zero > 40);  // hourly past steps over two days
    QCOMPARE(times.first().toDouble(), -48.0 / Core::Ageing::kHoursPerYear);
    QCOMPARE(damage.first().toDouble(), 0.0);
    QVERIFY(damage[zero].toDouble() > 0);
    QVERIFY(damage[zero].toDouble() > damage[zero / 2].toDouble());
    QCOMPARE(measured.value(QStringLiteral("damage")).toDouble(), damage[zero].toDouble());
    // The default future is the measured duty: the damage rate per hour goes on as it was.
    const double pastRate = damage[zero].toDouble() / 48.0;
    const double futureRate = (damage[zero + 1].toDouble() - damage[zero].toDouble()) / 24.0;
    QVERIFY2(near(futureRate, pastRate, 0.05), qPrintable(QStringLiteral("%1 vs %2").arg(futureRate).arg(pastRate)));

    QJsonObject faster{{QStringLiteral("start"), to},
                       {QStringLiteral("horizon_years"), 2},
                       {QStringLiteral("profile"), QJsonObject{{QStringLiteral("from_node"), QJsonValue::Null},
                                                               {QStringLiteral("future"),
                                                                QJsonObject{{QStringLiteral("rpm"), 3000},
                                                                            {QStringLiteral("load"), 0.96},
                                                                            {QStringLiteral("temperature_c"), 85}}}}}};
    const Reply whatIf = simulate(twin, faster);
    QCOMPARE(whatIf.status, 201);
    const QJsonArray whatIfDamage = componentNamed(whatIf.json, QStringLiteral("crank_shaft"))
                                        .value(QStringLiteral("series")).toObject().value(QStringLiteral("damage")).toArray();
    QCOMPARE(whatIfDamage[zero].toDouble(), damage[zero].toDouble());  // the same past
    QVERIFY(whatIfDamage[zero + 1].toDouble() > damage[zero + 1].toDouble());

    // The measured duty at twice the speed and the same load (its mean, 0.6): the same load
    // cycles twice as often, so Miner's sum grows twice as fast.
    QCOMPARE(measured.value(QStringLiteral("equivalent")).toObject().value(QStringLiteral("mean_load")).toDouble(), 0.6);
    const QJsonObject scaled{{QStringLiteral("start"), to},
                             {QStringLiteral("horizon_years"), 2},
                             {QStringLiteral("profile"),
                              QJsonObject{{QStringLiteral("from_node"), node},
                                          {QStringLiteral("future"),
                                           QJsonObject{{QStringLiteral("scaled"), QJsonObject{{QStringLiteral("rpm"), 3000},
                                                                                              {QStringLiteral("load"), 0.6}}}}}}}};
    const Reply twice = simulate(twin, scaled);
    QVERIFY2(twice.status == 201, twice.body.constData());
    const QJsonArray twiceDamage = componentNamed(twice.json, QStringLiteral("crank_shaft"))
                                       .value(QStringLiteral("series")).toObject().value(QStringLiteral("damage")).toArray();
    const double twiceRate = (twiceDamage[zero + 1].toDouble() - twiceDamage[zero].toDouble()) / 24.0;
    QVERIFY2(near(twiceRate, 2 * futureRate, 0.01), qPrintable(QStringLiteral("%1 vs %2").arg(twiceRate).arg(futureRate)));

    // A run answered but not kept (the desktop's view), with Monte Carlo bands of one part,
    // the state to go on from at the start and the measured duty's bins.
    const int before = m_server.request("GET", QStringLiteral("/twins/%1/simulations").arg(twin), m_engineer)
                           .json.value(QStringLiteral("total")).toInt();
    QJsonObject preview = faster;
    preview.insert(QStringLiteral("store"), false);
    preview.insert(QStringLiteral("monte_carlo"), QJsonObject{{QStringLiteral("samples"), 100},
                                                               {QStringLiteral("seed"), 5},
                                                               {QStringLiteral("bands"), QJsonArray{QStringLiteral("crank_shaft")}}});
    const Reply shown = simulate(twin, preview);
    QCOMPARE(shown.status, 200);
    QVERIFY(!shown.json.contains(QStringLiteral("id")));
    QCOMPARE(shown.json.value(QStringLiteral("stored")).toBool(true), false);
    QCOMPARE(m_server.request("GET", QStringLiteral("/twins/%1/simulations").arg(twin), m_engineer)
                 .json.value(QStringLiteral("total")).toInt(), before);
    const QJsonObject shownCrank = componentNamed(shown.json, QStringLiteral("crank_shaft"));
    const QJsonObject bands = shownCrank.value(QStringLiteral("monte_carlo")).toObject().value(QStringLiteral("bands")).toObject();
    const QJsonArray p10 = bands.value(QStringLiteral("crack_p10_m")).toArray();
    const QJsonArray p90 = bands.value(QStringLiteral("crack_p90_m")).toArray();
    QCOMPARE(p10.size(), times.size());
    for (int i = 0; i < p10.size(); ++i)
        QVERIFY(p10[i].toDouble() <= p90[i].toDouble());
    QCOMPARE(bands.value(QStringLiteral("failed_fraction")).toArray().size(), times.size());
    const QJsonObject state = shownCrank.value(QStringLiteral("state_at_start")).toObject();
    QCOMPARE(state.value(QStringLiteral("miner_damage")).toDouble(), damage[zero].toDouble());
    QVERIFY(!shown.json.value(QStringLiteral("measured")).toObject().value(QStringLiteral("equivalent")).toObject()
                 .value(QStringLiteral("spectrum")).toArray().isEmpty());
}

void tst_Simulations::validationErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("field");
    const QByteArray constant = R"("profile": {"rpm": 100, "load": 1})";
    QTest::newRow("unknown preset") << QByteArray(R"({)" + constant + R"(, "materials": {"crank_shaft": {"preset": "cheese"}}})") << 400 << "materials.crank_shaft.preset";
    QTest::newRow("unknown material field") << QByteArray(R"({)" + constant + R"(, "materials": {"crank_shaft": {"kic": 3}}})") << 400 << "materials.crank_shaft.kic";
    QTest::newRow("material of no component") << QByteArray(R"({)" + constant + R"(, "materials": {"flywheel": {"k_ic": 3}}})") << 400 << "materials.flywheel";
    QTest::newRow("negative toughness") << QByteArray(R"({)" + constant + R"(, "materials": {"crank_shaft": {"k_ic": -3}}})") << 400 << "materials.crank_shaft.k_ic";
    QTest::newRow("horizon zero") << QByteArray(R"({)" + constant + R"(, "horizon_years": 0})") << 400 << "horizon_years";
    QTest::newRow("horizon 31 years") << QByteArray(R"({)" + constant + R"(, "horizon_years": 31})") << 400 << "horizon_years";
    QTest::newRow("bad step") << QByteArray(R"({)" + constant + R"(, "step": "month"})") << 400 << "step";
    QTest::newRow("negative rpm") << QByteArray(R"({"profile": {"rpm": -5, "load": 1}})") << 400 << "profile.rpm";
    QTest::newRow("load above 2") << QByteArray(R"({"profile": {"rpm": 5, "load": 2.5}})") << 400 << "profile.load";
    QTest::newRow("missing load") << QByteArray(R"({"profile": {"rpm": 5}})") << 400 << "profile.load";
    QTest::newRow("unknown profile field") << QByteArray(R"({"profile": {"rpm": 5, "load": 1, "speed": 3}})") << 400 << "profile.speed";
    QTest::newRow("segments not from 0") << QByteArray(R"({"profile": {"segments": [{"from_years": 1, "rpm": 5, "load": 1}]}})") << 400 << "profile.segments[0].from_years";
    QTest::newRow("segments out of order") << QByteArray(R"({"profile": {"segments": [{"from_years": 0, "rpm": 5, "load": 1}, {"from_years": 0, "rpm": 6, "load": 1}]}})") << 400 << "profile.segments[1].from_years";
    QTest::newRow("segment past horizon") << QByteArray(R"({"horizon_years": 2, "profile": {"segments": [{"from_years": 0, "rpm": 5, "load": 1}, {"from_years": 3, "rpm": 6, "load": 1}]}})") << 400 << "profile.segments[1].from_years";
    QTest::newRow("unknown component") << QByteArray(R"({)" + constant + R"(, "components": ["flywheel"]})") << 400 << "components[0]";
    QTest::newRow("component twice") << QByteArray(R"({)" + constant + R"(, "components": ["housing", "housing"]})") << 400 << "components[1]";
    QTest::newRow("bad start") << QByteArray(R"({)" + constant + R"(, "start": "tomorrow"})") << 400 << "start";
    QTest::newRow("too many samples") << QByteArray(R"({)" + constant + R"(, "monte_carlo": {"samples": 20000}})") << 400 << "monte_carlo.samples";
    QTest::newRow("fractional samples") << QByteArray(R"({)" + constant + R"(, "monte_carlo": {"samples": 2.5}})") << 400 << "monte_carlo.samples";
    QTest::newRow("unknown field") << QByteArray(R"({)" + constant + R"(, "years": 3})") << 400 << "years";
    QTest::newRow("repeated field") << QByteArray(R"({)" + constant + R"(, "step": "day", "step": "week"})") << 400 << "step";
    QTest::newRow("bad node id") << QByteArray(R"({"profile": {"from_node": "pump"}})") << 400 << "profile.from_node";
    QTest::newRow("unknown node") << QByteArray(R"({"profile": {"from_node": "6f1c2d36-8a52-4d6e-9d1c-2b7a8e3f4a10"}})") << 404 << "";
    QTest::newRow("scaled future without load") << QByteArray(R"({"profile": {"from_node": null, "future": {"scaled": {"rpm": 3}}}})") << 400 << "profile.future.scaled.load";
    QTest::newRow("bad metric") << QByteArray(R"({"profile": {"from_node": null, "metric": "mood"}})") << 400 << "profile.metric";
    QTest::newRow("no linked node") << QByteArray(R"({})") << 400 << "profile";
    QTest::newRow("window backwards") << QByteArray(R"({"profile": {"from_node": null, "from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}})") << 400 << "profile.from";
    QTest::newRow("version of another twin") << QByteArray(R"({)" + constant + R"(, "version_id": "6f1c2d36-8a52-4d6e-9d1c-2b7a8e3f4a10"})") << 400 << "version_id";
}

void tst_Simulations::validationErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, field);
    const Reply before = m_server.request("GET", QStringLiteral("/twins/%1/simulations").arg(m_twin), m_engineer);
    const Reply reply = m_server.request("POST", QStringLiteral("/twins/%1/simulations").arg(m_twin), m_engineer, body,
                                         {{"Content-Type", "application/json"}});
    QVERIFY2(reply.status == status, reply.body.constData());
    QCOMPARE(reply.errorField(), field);
    QVERIFY(!reply.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().isEmpty());
    // Nothing was stored.
    const Reply after = m_server.request("GET", QStringLiteral("/twins/%1/simulations").arg(m_twin), m_engineer);
    QCOMPARE(after.json.value(QStringLiteral("total")), before.json.value(QStringLiteral("total")));
}

void tst_Simulations::tooLargeAnswers413()
{
    // Four components × hourly points over 30 years (262,981) pass the 1,000,000 limit.
    const Reply reply = simulate(m_twin, {{QStringLiteral("horizon_years"), 30}, {QStringLiteral("step"), QStringLiteral("hour")},
                                          {QStringLiteral("profile"), QJsonObject{{QStringLiteral("rpm"), 1}, {QStringLiteral("load"), 1}}}});
    QCOMPARE(reply.status, 413);
    const QJsonObject error = reply.json.value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("limit")).toInteger(), 1000000);
    QVERIFY(error.value(QStringLiteral("requested")).toInteger() > 1000000);
    // The same with one component fits.
    const Reply one = simulate(m_twin, {{QStringLiteral("horizon_years"), 30}, {QStringLiteral("step"), QStringLiteral("hour")},
                                        {QStringLiteral("components"), QJsonArray{QStringLiteral("housing")}},
                                        {QStringLiteral("profile"), QJsonObject{{QStringLiteral("rpm"), 1}, {QStringLiteral("load"), 1}}}});
    QCOMPARE(one.status, 201);
    QCOMPARE(one.json.value(QStringLiteral("components")).toArray().size(), 1);
}

void tst_Simulations::rolesAndOrganizations()
{
    const QJsonObject body{{QStringLiteral("profile"), QJsonObject{{QStringLiteral("rpm"), 10}, {QStringLiteral("load"), 1}}}};
    QCOMPARE(simulate(m_twin, body, m_viewer).status, 403);
    QCOMPARE(simulate(m_twin, body, m_operator).status, 403);
    const Reply mine = simulate(m_twin, body, m_engineer);
    QCOMPARE(mine.status, 201);
    const QString id = mine.json.value(QStringLiteral("id")).toString();
    // Viewers see runs; another organization sees neither the twin nor the run.
    QCOMPARE(m_server.request("GET", QStringLiteral("/simulations/") + id, m_viewer).status, 200);
    QCOMPARE(simulate(m_twin, body, m_stranger).status, 404);
    QCOMPARE(m_server.request("GET", QStringLiteral("/simulations/") + id, m_stranger).status, 404);
    QCOMPARE(m_server.request("GET", QStringLiteral("/twins/%1/simulations").arg(m_twin), m_stranger).status, 404);
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/simulations/") + id, m_stranger).status, 404);
    // A node of another organization is not found either.
    const Reply foreignNode = m_server.requestJson("POST", QStringLiteral("/nodes"), m_stranger,
                                                   {{QStringLiteral("name"), QStringLiteral("Foreign")},
                                                    {QStringLiteral("type"), QStringLiteral("engine")},
                                                    {QStringLiteral("latitude"), 1}, {QStringLiteral("longitude"), 1}});
    QCOMPARE(foreignNode.status, 201);
    const Reply foreign = simulate(m_twin, {{QStringLiteral("profile"),
                                             QJsonObject{{QStringLiteral("from_node"), foreignNode.json.value(QStringLiteral("id"))}}}});
    QCOMPARE(foreign.status, 404);
}

void tst_Simulations::exportEqualsStoredRunAndListing()
{
    const Reply run = simulate(m_twin, {{QStringLiteral("horizon_years"), 3},
                                        {QStringLiteral("profile"), QJsonObject{{QStringLiteral("rpm"), 30}, {QStringLiteral("load"), 1.2}}},
                                        {QStringLiteral("monte_carlo"), QJsonObject{{QStringLiteral("samples"), 50}, {QStringLiteral("seed"), 3}}}});
    QCOMPARE(run.status, 201);
    const QString id = run.json.value(QStringLiteral("id")).toString();
    const Reply stored = m_server.request("GET", QStringLiteral("/simulations/") + id, m_viewer);
    QCOMPARE(stored.status, 200);
    QCOMPARE(stored.json, run.json);  // the whole run, series and all, as answered when made
    const Reply exported = m_server.request("GET", QStringLiteral("/simulations/%1/export").arg(id), m_viewer);
    QCOMPARE(exported.status, 200);
    QCOMPARE(exported.json, run.json);
    QCOMPARE(exported.headers.value("content-disposition"), "attachment; filename=\"simulation-" + id.toLatin1() + ".json\"");
    // Listed newest first, with its summary.
    const Reply listing = m_server.request("GET", QStringLiteral("/twins/%1/simulations?per_page=2").arg(m_twin), m_viewer);
    QCOMPARE(listing.status, 200);
    const QJsonObject newest = listing.json.value(QStringLiteral("items")).toArray().first().toObject();
    QCOMPARE(newest.value(QStringLiteral("id")).toString(), id);
    QCOMPARE(newest.value(QStringLiteral("component_count")).toInt(), 4);
    QCOMPARE(newest.value(QStringLiteral("inputs_sha256")), run.json.value(QStringLiteral("inputs_sha256")));
    QCOMPARE(newest.value(QStringLiteral("created_by_name")).toString(), QStringLiteral("sim-engineer"));
    QVERIFY(listing.json.value(QStringLiteral("total")).toInt() >= 2);
}

void tst_Simulations::deleteByAuthorOrAdmin()
{
    const QJsonObject body{{QStringLiteral("profile"), QJsonObject{{QStringLiteral("rpm"), 10}, {QStringLiteral("load"), 1}}}};
    const QString first = simulate(m_twin, body).json.value(QStringLiteral("id")).toString();
    const QString second = simulate(m_twin, body).json.value(QStringLiteral("id")).toString();
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/simulations/") + first, m_otherEngineer).status, 403);
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/simulations/") + first, m_viewer).status, 403);
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/simulations/") + first, m_engineer).status, 204);
    QCOMPARE(m_server.request("GET", QStringLiteral("/simulations/") + first, m_engineer).status, 404);
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/simulations/") + second, m_admin).status, 204);
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/simulations/") + second, m_admin).status, 404);
}

void tst_Simulations::bigRunDoesNotBlockOthers()
{
    // 1,000 components over 5 years: while it computes, other requests are answered.
    QStringList parts;
    for (int i = 0; i < 1000; ++i)
        parts.append(QStringLiteral("rod_%1").arg(i));
    const QString big = makeTwin(QStringLiteral("Thousand parts"), parts);
    QVERIFY(!big.isEmpty());
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(m_server.url().toString() + QStringLiteral("/twins/%1/simulations").arg(big)));
    request.setRawHeader("Authorization", "Bearer " + m_engineer);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("horizon_years"), 5},
                                                      {QStringLiteral("step"), QStringLiteral("week")},
                                                      {QStringLiteral("profile"), QJsonObject{{QStringLiteral("rpm"), 1500},
                                                                                              {QStringLiteral("load"), 1.4}}},
                                                      {QStringLiteral("monte_carlo"), QJsonObject{{QStringLiteral("samples"), 1000}}}})
                                .toJson();
    QElapsedTimer timer;
    timer.start();
    QNetworkReply *running = network.post(request, body);
    QTest::qWait(50);
    int answeredWhileRunning = 0;
    for (int i = 0; i < 5 && !running->isFinished(); ++i) {
        const Reply twins = m_server.request("GET", QStringLiteral("/twins"), m_viewer);
        QCOMPARE(twins.status, 200);
        if (!running->isFinished())
            ++answeredWhileRunning;
    }
    QTRY_VERIFY_WITH_TIMEOUT(running->isFinished(), 120000);
    QCOMPARE(running->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 201);
    const QJsonObject run = QJsonDocument::fromJson(running->readAll()).object();
    QCOMPARE(run.value(QStringLiteral("components")).toArray().size(), 1000);
    qInfo("1,000 components x 5 years (weekly) with 1,000 Monte Carlo samples each: %lld ms end to end; %d other "
          "requests answered meanwhile",
          timer.elapsed(), answeredWhileRunning);
    QVERIFY(answeredWhileRunning >= 1);
    delete running;
}

void tst_Simulations::demoTwinAgesAtOnce()
{
    // A new user's first run on the demo: the engine's linked test-stand node has six hours
    // of torque with real load cycles, its parts have materials, and some of them age.
    Tests::TestServer demo;
    QVERIFY2(demo.start([](Server::ServerConfig &config) { config.demo = true; }), qPrintable(demo.errorString()));
    const QByteArray engineer = demo.login(QStringLiteral("engineer"), QStringLiteral("demo-engineer"));
    const QString twin = demo.request("GET", QStringLiteral("/twins"), engineer).json.value(QStringLiteral("items")).toArray()
                             .first().toObject().value(QStringLiteral("id")).toString();
    Reply run;
    QTRY_VERIFY_WITH_TIMEOUT((run = demo.requestJson("POST", QStringLiteral("/twins/%1/simulations").arg(twin), engineer, {})).status == 201,
                             20000);
    const QJsonObject measured = run.json.value(QStringLiteral("measured")).toObject();
    QVERIFY(measured.value(QStringLiteral("node_name")).toString().startsWith(QLatin1String("Test-stand engine")));
    QVERIFY(measured.value(QStringLiteral("samples")).toInt() >= 6 * 360);
    QCOMPARE(measured.value(QStringLiteral("reference")).toDouble(), 800.0);  // rated_torque_nm
    // Idle to full load and back, twice a round of the programme: ranges near 640 N·m.
    double largest = 0;
    for (const QJsonValue &cycle : measured.value(QStringLiteral("cycles")).toArray())
        largest = std::max(largest, cycle.toArray().at(0).toDouble());
    QVERIFY2(largest > 600 && largest < 700, qPrintable(QString::number(largest)));
    QCOMPARE(run.json.value(QStringLiteral("components")).toArray().size(), 67);
    QCOMPARE(componentNamed(run.json, QStringLiteral("rod_123-699_0_Parts_1-0")).value(QStringLiteral("material")).toObject()
                 .value(QStringLiteral("preset")).toString(),
             QStringLiteral("aisi-4340"));
    // The worst part fails within the five years shown; others age visibly, some not at all.
    const double worst = run.json.value(QStringLiteral("worst")).toObject().value(QStringLiteral("p50_failure_years")).toDouble();
    QVERIFY2(worst > 1 && worst < 5, qPrintable(QString::number(worst)));
    int ageing = 0, untouched = 0;
    for (const QJsonValue &value : run.json.value(QStringLiteral("components")).toArray()) {
        const double damage = value.toObject().value(QStringLiteral("final")).toObject().value(QStringLiteral("damage")).toDouble();
        ageing += damage > 0.1;
        untouched += damage < 0.01;
    }
    QVERIFY2(ageing >= 6 && untouched >= 10, qPrintable(QStringLiteral("%1 ageing, %2 untouched").arg(ageing).arg(untouched)));
}

QTEST_GUILESS_MAIN(tst_Simulations)
#include "tst_simulations.moc"

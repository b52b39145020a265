#include "ageing/ageingcharts.h"
#include "ageing/ageingpanel.h"
#include "ageing/ageingtimeline.h"
#include "logindialog.h"
#include "localserver.h"
#include "mainwindow.h"
#include "session.h"
#include "telemetry/telemetrychartview.h"
#include "telemetry/telemetrydashboard.h"
#include "testdata.h"
#include "testserver.h"
#include "twinbrowser.h"

#include <QAreaSeries>
#include <QCheckBox>
#include <QJsonDocument>
#include <QListWidget>
#include <QSlider>
#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QLabel>
#include <QLineSeries>
#include <QTemporaryDir>
#include <QPushButton>
#include <QSettings>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Laces;

// The desktop app against a real server (offscreen widgets).
class tst_Desktop : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void wrongPasswordShowsError();
    void viewerBrowsesButCannotCreate();
    void adminCreatesTwin();
    void revokedSessionEndsDesktopSession();
    void telemetryDashboardShowsHistoryAndLiveSeries();
    void localServerStartsEarlyAndIsRemembered();
    void ageingPanelScrubsRecomputesAndSaves();

private:
    bool logIn(App::Session &session, const QString &user, const QString &password);

    Tests::TestServer m_server;
    QByteArray m_adminToken;
};

void tst_Desktop::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_server.registerUser(QStringLiteral("desk-admin"), QStringLiteral("desk-admin-pass"));
    m_adminToken = m_server.login(QStringLiteral("desk-admin"), QStringLiteral("desk-admin-pass"));
    m_server.createUser(m_adminToken, QStringLiteral("desk-viewer"), QStringLiteral("viewer"),
                        QStringLiteral("desk-viewer-pass"));
    for (const char *name : {"Turbine T1", "Turbine T2", "Press P9"})
        QCOMPARE(m_server.requestJson("POST", QStringLiteral("/twins"), m_adminToken,
                                      {{QStringLiteral("name"), QLatin1String(name)}})
                     .status,
                 201);
}

bool tst_Desktop::logIn(App::Session &session, const QString &user, const QString &password)
{
    App::LocalServer localServer;
    App::LoginDialog dialog(&session, &localServer);
    dialog.setServerUrl(m_server.url().toString());
    dialog.setUsername(user);
    dialog.show();
    dialog.submit(password);
    QElapsedTimer timer;
    timer.start();
    while (dialog.result() != QDialog::Accepted && timer.elapsed() < 10000)
        QTest::qWait(20);
    return dialog.result() == QDialog::Accepted;
}

void tst_Desktop::wrongPasswordShowsError()
{
    App::Session session;
    App::LocalServer localServer;
    App::LoginDialog dialog(&session, &localServer);
    dialog.setServerUrl(m_server.url().toString());
    dialog.setUsername(QStringLiteral("desk-viewer"));
    dialog.show();
    dialog.submit(QStringLiteral("not the password"));
    auto *status = dialog.findChild<QLabel *>(QStringLiteral("status"));
    QVERIFY(status);
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QLatin1String("Wrong user name or password")), 10000);
    QVERIFY(dialog.isVisible());
    QCOMPARE(session.state(), App::Session::State::LoggedOut);
    // The remembered server is only stored after a successful login.
    QVERIFY(!QSettings().contains(QStringLiteral("login/server")));
}

void tst_Desktop::viewerBrowsesButCannotCreate()
{
    App::Session session;
    QVERIFY(logIn(session, QStringLiteral("desk-viewer"), QStringLiteral("desk-viewer-pass")));
    QCOMPARE(session.role(), QStringLiteral("viewer"));
    QCOMPARE(QSettings().value(QStringLiteral("login/server")).toString(), m_server.url().toString());

    App::LocalServer localServer;
    App::MainWindow window(&session, &localServer);
    window.showSessionInfo();
    window.show();
    QSignalSpy loaded(window.twinBrowser(), &App::TwinBrowser::loaded);
    window.twinBrowser()->reload();
    QVERIFY(loaded.wait(10000));
    QCOMPARE(window.twinBrowser()->rowCount(), 3);
    QCOMPARE(window.twinBrowser()->nameAt(0), QStringLiteral("Press P9"));
    auto *create = window.findChild<QPushButton *>(QStringLiteral("create"));
    auto *remove = window.findChild<QPushButton *>(QStringLiteral("delete"));
    QVERIFY(create && remove);
    QVERIFY(!create->isEnabled());
    QVERIFY(!remove->isEnabled());
    auto *state = window.findChild<QLabel *>(QStringLiteral("connectionState"));
    QCOMPARE(state->text(), QStringLiteral("Connected"));
}

void tst_Desktop::adminCreatesTwin()
{
    App::Session session;
    QVERIFY(logIn(session, QStringLiteral("desk-admin"), QStringLiteral("desk-admin-pass")));
    App::LocalServer localServer;
    App::MainWindow window(&session, &localServer);
    window.showSessionInfo();
    auto *create = window.findChild<QPushButton *>(QStringLiteral("create"));
    QVERIFY(create->isEnabled());

    QSignalSpy loaded(window.twinBrowser(), &App::TwinBrowser::loaded);
    bool done = false;
    session.client()->createTwin({{QStringLiteral("name"), QStringLiteral("Made on the desktop")}}, this,
                                 [&](const QJsonObject &, const App::ApiError *error) {
                                     QVERIFY(!error);
                                     done = true;
                                 });
    QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
    window.twinBrowser()->reload();
    QVERIFY(loaded.wait(10000));
    QCOMPARE(window.twinBrowser()->rowCount(), 4);
    const Tests::Reply list = m_server.request("GET", QStringLiteral("/twins?search=desktop"), m_adminToken);
    QCOMPARE(list.json.value(QStringLiteral("total")).toInt(), 1);
}

void tst_Desktop::revokedSessionEndsDesktopSession()
{
    App::Session session;
    QVERIFY(logIn(session, QStringLiteral("desk-viewer"), QStringLiteral("desk-viewer-pass")));
    const QString sessionId = session.user().value(QStringLiteral("session_id")).toString();
    QVERIFY(!sessionId.isEmpty());
    QSignalSpy expired(&session, &App::Session::sessionExpired);
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/sessions/") + sessionId, m_adminToken).status, 204);
    session.client()->me(this, [](const QJsonObject &, const App::ApiError *) {});
    QVERIFY(expired.wait(10000));
    QCOMPARE(session.state(), App::Session::State::LoggedOut);
}

void tst_Desktop::telemetryDashboardShowsHistoryAndLiveSeries()
{
    // A pump with temperature limits and five minutes of history, one sample every 5 s.
    const Tests::Reply created = m_server.requestJson(
        "POST", QStringLiteral("/nodes"), m_adminToken,
        {{QStringLiteral("name"), QStringLiteral("Dash pump")}, {QStringLiteral("type"), QStringLiteral("pump")},
         {QStringLiteral("latitude"), 48.1}, {QStringLiteral("longitude"), 11.6},
         {QStringLiteral("sensors"), QJsonArray{QJsonObject{{QStringLiteral("metric"), QStringLiteral("temperature_c")},
                                                            {QStringLiteral("warn_above"), 80}, {QStringLiteral("max"), 100}}}}});
    QCOMPARE(created.status, 201);
    const QString node = created.json.value(QStringLiteral("id")).toString();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto sampleAt = [&](qint64 timeMs, int seq, double value) {
        return QJsonObject{{QStringLiteral("node_id"), node},
                           {QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC).toString(Qt::ISODateWithMs)},
                           {QStringLiteral("seq"), seq},
                           {QStringLiteral("metrics"), QJsonObject{{QStringLiteral("temperature_c"), value}}}};
    };
    QJsonArray history;
    for (int i = 0; i < 60; ++i)
        history.append(sampleAt(now - 300000 + i * 5000, i + 1, 40.0 + i % 10));
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/telemetry/batch"), m_adminToken,
                                  {{QStringLiteral("boot_epoch"), 1}, {QStringLiteral("samples"), history}}).status, 200);

    App::Session session;
    QVERIFY(logIn(session, QStringLiteral("desk-viewer"), QStringLiteral("desk-viewer-pass")));
    App::TelemetryDashboard dashboard(&session);
    dashboard.resize(1000, 700);
    QSignalSpy nodes(&dashboard, &App::TelemetryDashboard::nodesLoaded);
    QSignalSpy loaded(&dashboard, &App::TelemetryDashboard::dataLoaded);
    dashboard.show();
    QVERIFY(nodes.wait(10000));
    dashboard.findChild<QComboBox *>()->setCurrentIndex(0);  // the last 10 minutes
    dashboard.setLive(true);
    dashboard.setMetricChecked(QStringLiteral("temperature_c"), true);
    dashboard.setNodeChecked(node, true);
    QLineSeries *line = dashboard.lineFor(node, QStringLiteral("temperature_c"));
    QVERIFY(line);
    QTRY_COMPARE_WITH_TIMEOUT(line->count(), 60, 10000);
    QCOMPARE(dashboard.bucket(), QStringLiteral("raw"));
    QCOMPARE(line->at(59).y(), 49.0);
    QCOMPARE(qint64(line->at(0).x()), now - 300000);
    // The sensor's limits are drawn across the chart.
    QList<double> limits;
    for (QLineSeries *threshold : dashboard.thresholdsFor(QStringLiteral("temperature_c")))
        limits.append(threshold->at(0).y());
    std::sort(limits.begin(), limits.end());
    QCOMPARE(limits, (QList<double>{80.0, 100.0}));

    // Live: a new sample appears without asking, at its time and value.
    int seq = 61;
    QElapsedTimer timer;
    timer.start();
    while (line->count() == 60 && timer.elapsed() < 15000) {
        QCOMPARE(m_server.requestJson("POST", QStringLiteral("/telemetry"), m_adminToken,
                                      sampleAt(QDateTime::currentMSecsSinceEpoch(), seq++, 93.5)).status, 201);
        QTest::qWait(300);
    }
    QVERIFY(line->count() > 60);
    QCOMPARE(line->at(line->count() - 1).y(), 93.5);
    QVERIFY(dashboard.isLive());

    // Zooming out to three days switches to hourly buckets with a min/max band.
    loaded.clear();
    dashboard.setRange(now - 3 * 86400000LL, now + 60000);
    QVERIFY(!dashboard.isLive());
    QVERIFY(loaded.wait(10000));
    QCOMPARE(dashboard.bucket(), QStringLiteral("1h"));
    QVERIFY(line->count() >= 1 && line->count() <= 2);
    QAreaSeries *band = dashboard.bandFor(node, QStringLiteral("temperature_c"));
    QVERIFY(band->isVisible());
    double highest = 0;
    for (const QPointF &point : band->upperSeries()->points())
        highest = std::max(highest, point.y());
    QCOMPARE(highest, 93.5);

    // The wheel zooms in around the pointer: a shorter range, fetched again.
    auto *view = dashboard.findChild<App::TelemetryChartView *>();
    QVERIFY(view);
    const qint64 spanBefore = dashboard.rangeToMs() - dashboard.rangeFromMs();
    const QPointF middle = view->chart()->plotArea().center();
    QWheelEvent wheel(middle, view->mapToGlobal(middle.toPoint()), QPoint(), QPoint(0, 480), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(view->viewport(), &wheel);
    QVERIFY(dashboard.rangeToMs() - dashboard.rangeFromMs() < spanBefore / 2);

    // The export holds what is shown.
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 2, 10000);
    dashboard.setRange(now - 3 * 86400000LL, now + 60000);
    QVERIFY(loaded.wait(10000));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("shown.csv"));
    QVERIFY(dashboard.exportCsv(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> rows = file.readAll().trimmed().split('\n');
    QCOMPARE(rows.first(), QByteArray("node_id,node,metric,bucket,time,value,min,max"));
    QCOMPARE(rows.size() - 1, line->count());
    QVERIFY(rows.at(1).startsWith(node.toLatin1() + ",\"Dash pump\",temperature_c,1h,"));
}

void tst_Desktop::localServerStartsEarlyAndIsRemembered()
{
    QTemporaryDir data(QStringLiteral("/tmp/laces-local-XXXXXX"));
    qputenv("LACES_DATA_DIR", QFile::encodeName(data.path()));
    qputenv("LACES_SERVER_BINARY", LACES_SERVER_BINARY);
    auto unset = qScopeGuard([] {
        qunsetenv("LACES_DATA_DIR");
        qunsetenv("LACES_SERVER_BINARY");
    });
    QSettings().remove(QStringLiteral("login/start_local"));
    App::Session session;
    {
        App::LocalServer localServer;
        App::LoginDialog dialog(&session, &localServer);
        QVERIFY(!dialog.startsLocalServer());
        dialog.setStartLocalServer(true);
        dialog.setUsername(QStringLiteral("engineer"));
        QSignalSpy ready(&localServer, &App::LocalServer::ready);
        QSignalSpy failed(&localServer, &App::LocalServer::failed);
        dialog.show();
        // Ticked when the dialog opens: the server starts before "Log in" is pressed.
        QVERIFY(localServer.isRunning());
        QVERIFY2(ready.wait(120000), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        dialog.submit(QStringLiteral("demo-engineer"));
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 20000);
        QCOMPARE(session.role(), QStringLiteral("engineer"));
        QCOMPARE(dialog.serverUrl(), ready.first().first().toUrl().toString());
    }
    // Remembered for the next start, like the server address; an address given
    // explicitly (run.sh's --server) still wins.
    App::LocalServer localServer;
    App::LoginDialog next(&session, &localServer);
    QVERIFY(next.startsLocalServer());
    next.setServerUrl(m_server.url().toString());
    QVERIFY(!next.startsLocalServer());
    next.show();
    QVERIFY(!localServer.isRunning());
}

void tst_Desktop::ageingPanelScrubsRecomputesAndSaves()
{
    // A twin of two parts, a linked engine with two days of load steps: the 4D view's
    // controls (offscreen; the 3D side is in tst_viewer).
    const Tests::Reply twin = m_server.requestJson("POST", QStringLiteral("/twins"), m_adminToken,
                                                   {{QStringLiteral("name"), QStringLiteral("Aged press")}});
    const QString twinId = twin.json.value(QStringLiteral("id")).toString();
    const Tests::Reply model = m_server.request(
        "POST", QStringLiteral("/twins/%1/models").arg(twinId), m_adminToken,
        "o rod_a\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\no spring_b\nv 2 0 0\nv 3 0 0\nv 2 1 0\nf 4 5 6\n",
        {{"Content-Type", "application/octet-stream"}, {"X-Filename", "press.obj"}});
    QVERIFY(model.status == 201 || model.status == 200);
    const QJsonObject rod{{QStringLiteral("material"), QStringLiteral("aisi-4340")}, {QStringLiteral("rated_stress_range_mpa"), 560}};
    const Tests::Reply version = m_server.requestJson(
        "POST", QStringLiteral("/twins/%1/versions").arg(twinId), m_adminToken,
        {{QStringLiteral("parents"), QJsonArray{}}, {QStringLiteral("message"), QStringLiteral("import")},
         {QStringLiteral("model_sha256"), model.json.value(QStringLiteral("sha256"))},
         {QStringLiteral("properties"), QJsonObject{{QStringLiteral("rated_torque_nm"), 500}}},
         {QStringLiteral("component_properties"), QJsonObject{{QStringLiteral("rod_a"), rod}}}});
    QCOMPARE(version.status, 201);
    const Tests::Reply node = m_server.requestJson(
        "POST", QStringLiteral("/nodes"), m_adminToken,
        {{QStringLiteral("name"), QStringLiteral("Press engine")}, {QStringLiteral("type"), QStringLiteral("engine")},
         {QStringLiteral("latitude"), 48}, {QStringLiteral("longitude"), 9}, {QStringLiteral("twin_id"), twinId},
         {QStringLiteral("sensors"), QJsonArray{QJsonObject{{QStringLiteral("metric"), QStringLiteral("torque_nm")}},
                                                QJsonObject{{QStringLiteral("metric"), QStringLiteral("rpm")}},
                                                QJsonObject{{QStringLiteral("metric"), QStringLiteral("temperature_c")}}}}});
    QCOMPARE(node.status, 201);
    const QString nodeId = node.json.value(QStringLiteral("id")).toString();
    const qint64 endMs = (QDateTime::currentMSecsSinceEpoch() / 60000) * 60000;
    QByteArray csv = "node_id,time,seq,torque_nm,rpm,temperature_c\n";
    int seq = 0;
    for (qint64 t = endMs - qint64(48) * 3600000; t < endMs; t += 60000) {
        const bool high = (t / 600000) % 2 == 0;
        csv += QStringLiteral("%1,%2,%3,%4,1500,70\n").arg(nodeId).arg(t).arg(++seq).arg(high ? 480 : 120).toUtf8();
    }
    QCOMPARE(m_server.request("POST", QStringLiteral("/telemetry/batch?boot_epoch=1"), m_adminToken, csv,
                              {{"Content-Type", "text/csv"}}).status, 200);

    App::Session session;
    QVERIFY(logIn(session, QStringLiteral("desk-admin"), QStringLiteral("desk-admin-pass")));
    App::AgeingPanel panel(&session, twinId);
    panel.resize(1200, 450);
    QSignalSpy runShown(&panel, &App::AgeingPanel::runShown);
    QSignalSpy colors(&panel, &App::AgeingPanel::colorsChanged);
    panel.setVersion(version.json.value(QStringLiteral("id")).toString());
    panel.show();
    QVERIFY(runShown.wait(30000));
    const App::AgeingRun *run = panel.run();
    QVERIFY(run && run->isMeasured());
    QCOMPARE(run->components().size(), 2);
    QCOMPARE(panel.selectedComponent(), QStringLiteral("rod_a"));  // the worst, selected first
    const double measuredYears = run->components().at(run->indexOf(QStringLiteral("rod_a"))).p50Years;
    const QString firstDates = panel.failureLabel()->text();
    QVERIFY2(firstDates.contains(run->components().at(run->indexOf(QStringLiteral("rod_a"))).p50Date.left(10)),
             qPrintable(firstDates));
    // The sliders start at the measured means: 1,500 rpm, 0.6 × rated (480 and 120 N·m of 500).
    QCOMPARE(panel.rpmSlider()->value(), 1500);
    QCOMPARE(panel.loadSlider()->value(), 60);
    QCOMPARE(panel.temperatureSlider()->value(), 70);

    // Scrubbing moves the time marked in the charts and recolours the parts.
    App::AgeingTimeline *timeline = panel.timeline();
    QCOMPARE(timeline->value(), run->startIndex());
    colors.clear();
    timeline->setFocus();
    QTest::keyClick(timeline, Qt::Key_End);
    QCOMPARE(timeline->value(), timeline->maximum());
    QCOMPARE(panel.charts()->series(App::AgeingCharts::Damage, App::AgeingCharts::Cursor)->points().first().x(), 5.0);
    QVERIFY(!colors.isEmpty());
    const QColor aged = colors.last().first().value<QHash<QString, QColor>>().value(QStringLiteral("rod_a"));
    QTest::keyClick(timeline, Qt::Key_Home);
    QCOMPARE(panel.charts()->series(App::AgeingCharts::Damage, App::AgeingCharts::Cursor)->points().first().x(),
             timeline->yearsAt(0));
    const QColor young = colors.last().first().value<QHash<QString, QColor>>().value(QStringLiteral("rod_a"));
    QVERIFY(aged.red() - aged.green() > young.red() - young.green());

    // Twice the speed from now on: recomputed off the UI thread, an earlier failure shown.
    const QList<QPointF> before = panel.charts()->series(App::AgeingCharts::Damage, App::AgeingCharts::Selected)->points();
    runShown.clear();
    panel.rpmSlider()->setValue(3000);
    QVERIFY(runShown.wait(10000));
    QVERIFY(panel.run()->isRecomputed());
    QCOMPARE(panel.run()->future().kind, App::AgeingRun::Future::Kind::Scaled);
    const QList<QPointF> after = panel.charts()->series(App::AgeingCharts::Damage, App::AgeingCharts::Selected)->points();
    QCOMPARE(after.size(), before.size());
    // A quarter year on, twice the cycles have done twice the damage (until it fails).
    const auto at = [](const QList<QPointF> &points, double years) {
        return std::min_element(points.begin(), points.end(), [&](const QPointF &a, const QPointF &b) {
                   return std::abs(a.x() - years) < std::abs(b.x() - years);
               })->y();
    };
    QVERIFY2(at(after, 0.25) > at(before, 0.25) * 1.5,
             qPrintable(QStringLiteral("%1 → %2").arg(at(before, 0.25)).arg(at(after, 0.25))));
    QVERIFY(panel.failureLabel()->text() != firstDates);
    const double localYears = panel.run()->components().at(panel.run()->indexOf(QStringLiteral("rod_a"))).p50Years;
    QVERIFY(localYears < measuredYears);

    // Saved on the server, the same future computes the same life there.
    QSignalSpy saved(&panel, &App::AgeingPanel::runShown);
    panel.saveButton()->click();
    QVERIFY(saved.wait(30000));
    QVERIFY(!panel.run()->isRecomputed());
    const double serverYears = panel.run()->components().at(panel.run()->indexOf(QStringLiteral("rod_a"))).p50Years;
    QVERIFY2(std::abs(serverYears - localYears) <= 1e-9 * localYears,
             qPrintable(QStringLiteral("%1 here, %2 on the server").arg(localYears, 0, 'g', 17).arg(serverYears, 0, 'g', 17)));
    QTRY_COMPARE_WITH_TIMEOUT(panel.savedRuns()->count(), 1, 10000);
    const Tests::Reply listed = m_server.request("GET", QStringLiteral("/twins/%1/simulations").arg(twinId), m_adminToken);
    QCOMPARE(listed.json.value(QStringLiteral("total")).toInt(), 1);
    QCOMPARE(listed.json.value(QStringLiteral("items")).toArray().first().toObject().value(QStringLiteral("profile"))
                 .toObject().value(QStringLiteral("future")).toObject().value(QStringLiteral("scaled")).toObject()
                 .value(QStringLiteral("rpm")).toInt(),
             3000);

    // Export: the run shown, as JSON.
    QTemporaryDir dir;
    QVERIFY(panel.exportTo(dir.filePath(QStringLiteral("run.json"))));
    const QJsonObject exported = QJsonDocument::fromJson(Tests::fileBytes(dir.filePath(QStringLiteral("run.json")))).object();
    QCOMPARE(exported.value(QStringLiteral("components")).toArray().size(), 2);

    // Monte Carlo bands, from the server, drawn round the selected part's crack.
    runShown.clear();
    panel.monteCarloBox()->setChecked(true);
    QVERIFY(runShown.wait(30000));
    QVERIFY(!panel.charts()->series(App::AgeingCharts::Crack, App::AgeingCharts::Band)->points().isEmpty());
}

QTEST_MAIN(tst_Desktop)
#include "tst_desktop.moc"

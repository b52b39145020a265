#include "db/pgconnection.h"
#include "maintenance/ticketstore.h"
#include "ageing/ageingcharts.h"
#include "ageing/ageingpanel.h"
#include "ageing/ageingtimeline.h"
#include "logindialog.h"
#include "maintenance/evidencechart.h"
#include "maintenance/fleetmap.h"
#include "maintenance/fleetoverview.h"
#include "maintenance/maintenancequeue.h"
#include "maintenance/ticketdetails.h"
#include "maintenance/ticketmodel.h"
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
#include <QBarSet>
#include <QScatterSeries>
#include <QTableView>
#include <QTreeWidget>
#include <QUuid>

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
    void maintenanceQueueListsFiltersActsAndUpdatesLive();
    void fleetMapPlacesSitesAndSelectsNodes();
    void busySessionStaysUnderTheRateLimit();

private:
    bool logIn(App::Session &session, const QString &user, const QString &password, const QUrl &server = {});
    // Opens a ticket as the agent would (TicketStore::raise), returns its id.
    QString raiseTicket(const QString &nodeId, const QString &cause, const QString &severity, const QString &title,
                        const QJsonObject &evidence);
    // Saves a widget's picture when LACES_SCREENSHOT_DIR is set (xvfb runs look at them).
    static void screenshot(QWidget *widget, const QString &name);

    Tests::TestServer m_server;
    QByteArray m_adminToken;
};

void tst_Desktop::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    // The agent's loop is off: the tickets here are the ones the tests open.
    QVERIFY2(m_server.start([](Server::ServerConfig &config) { config.agent.intervalS = 0; }),
             qPrintable(m_server.errorString()));
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

bool tst_Desktop::logIn(App::Session &session, const QString &user, const QString &password, const QUrl &server)
{
    App::LocalServer localServer;
    App::LoginDialog dialog(&session, &localServer);
    dialog.setServerUrl(server.isEmpty() ? m_server.url().toString() : server.toString());
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

    // The wheel zooms in around the pointer: a shorter range at the same resolution (hourly),
    // drawn from what was fetched with the last range's margins, without a request.
    const quint64 requestsBefore = session.client()->requestsSent();
    auto *view = dashboard.findChild<App::TelemetryChartView *>();
    QVERIFY(view);
    const qint64 spanBefore = dashboard.rangeToMs() - dashboard.rangeFromMs();
    const QPointF middle = view->chart()->plotArea().center();
    QWheelEvent wheel(middle, view->mapToGlobal(middle.toPoint()), QPoint(), QPoint(0, 480), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(view->viewport(), &wheel);
    QVERIFY(dashboard.rangeToMs() - dashboard.rangeFromMs() < spanBefore / 2);
    dashboard.setRange(now - 3 * 86400000LL, now + 60000);
    QTest::qWait(1200);   // longer than a reload's delay
    QCOMPARE(session.client()->requestsSent(), requestsBefore);
    // Zoomed in to minutes, it asks for the finer data.
    loaded.clear();
    dashboard.setRange(now - 3 * 3600000LL, now + 60000);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(dashboard.bucket(), QStringLiteral("1m"));
    QCOMPARE(session.client()->requestsSent(), requestsBefore + 1);
    screenshot(&dashboard, QStringLiteral("telemetry-minutes.png"));

    // The export holds what is shown.
    loaded.clear();
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

    // A ticket on the engine, marked on the timeline at the time it was opened (then
    // cancelled, so that the maintenance queue's test starts from its own tickets).
    const QString ticket = raiseTicket(nodeId, QStringLiteral("threshold:torque_nm"), QStringLiteral("HIGH"),
                                       QStringLiteral("Torque above rating"), {{QStringLiteral("metric"), QStringLiteral("torque_nm")}});
    QVERIFY(!ticket.isEmpty());
    QCOMPARE(m_server.requestJson("PATCH", QStringLiteral("/maintenance/tickets/") + ticket, m_adminToken,
                                  {{QStringLiteral("status"), QStringLiteral("cancelled")}}).status, 200);

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
    QTRY_COMPARE_WITH_TIMEOUT(panel.timeline()->ticketMarkers().size(), 1, 10000);
    const App::AgeingTimeline::TicketMarker mark = panel.timeline()->ticketMarkers().first();
    QCOMPARE(mark.color, App::TicketModel::severityColor(QStringLiteral("HIGH")));
    QVERIFY(std::abs(mark.index - run->startIndex()) <= 1);  // opened just now
    QVERIFY(mark.label.contains(QLatin1String("Torque above rating")));

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

QString tst_Desktop::raiseTicket(const QString &nodeId, const QString &cause, const QString &severity,
                                 const QString &title, const QJsonObject &evidence)
{
    Server::PgConnection db(m_server.server().conninfo());
    if (!db.open())
        return {};
    auto organization = db.exec("SELECT organization_id FROM machine_nodes WHERE id = $1", {nodeId.toUtf8()});
    if (!organization || organization->rowCount() != 1)
        return {};
    Server::Finding finding;
    finding.organizationId = QUuid::fromString(organization->text(0, 0));
    finding.nodeId = QUuid::fromString(nodeId);
    finding.cause = cause;
    finding.severity = severity;
    finding.title = title;
    finding.metric = evidence.value(QStringLiteral("metric")).toString();
    finding.evidence = evidence;
    auto outcome = Server::TicketStore::raise(db, finding, {});
    return outcome ? outcome->ticketId.toString(QUuid::WithoutBraces) : QString();
}

void tst_Desktop::screenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("LACES_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(200);  // charts lay out after the data
    const QString path = dir + QLatin1Char('/') + name;
    QVERIFY2(widget->grab().save(path), qPrintable(path));
    qInfo().noquote() << "screenshot:" << path;
}

void tst_Desktop::maintenanceQueueListsFiltersActsAndUpdatesLive()
{
    // Two machines; a temperature excursion, an anomaly, a trend and a manual report.
    const auto createNode = [&](const QString &name, const QString &site, double latitude, double longitude) {
        const Tests::Reply created = m_server.requestJson(
            "POST", QStringLiteral("/nodes"), m_adminToken,
            {{QStringLiteral("name"), name}, {QStringLiteral("type"), QStringLiteral("press")},
             {QStringLiteral("site"), site}, {QStringLiteral("latitude"), latitude}, {QStringLiteral("longitude"), longitude},
             {QStringLiteral("sensors"), QJsonArray{QJsonObject{{QStringLiteral("metric"), QStringLiteral("temperature_c")},
                                                                {QStringLiteral("warn_above"), 90}, {QStringLiteral("max"), 100}}}}});
        return created.json.value(QStringLiteral("id")).toString();
    };
    const QString press = createNode(QStringLiteral("Queue press Q1"), QStringLiteral("Queue hall"), 48.2, 9.1);
    const QString pump = createNode(QStringLiteral("Queue pump Q2"), QStringLiteral("Queue yard"), 50.1, 8.6);
    QVERIFY(!press.isEmpty() && !pump.isEmpty());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto iso = [](qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs); };
    QJsonArray samples;
    for (int i = 0; i < 40; ++i)
        samples.append(QJsonObject{{QStringLiteral("node_id"), press}, {QStringLiteral("time"), iso(now - 40 * 30000 + i * 30000)},
                                   {QStringLiteral("seq"), i + 1},
                                   {QStringLiteral("metrics"), QJsonObject{{QStringLiteral("temperature_c"), 70.0 + i * 1.2}}}});
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/telemetry/batch"), m_adminToken,
                                  {{QStringLiteral("boot_epoch"), 1}, {QStringLiteral("samples"), samples}}).status, 200);
    const QJsonObject window{{QStringLiteral("from"), iso(now - 10 * 60000)}, {QStringLiteral("to"), iso(now - 60000)}};
    const QString critical = raiseTicket(
        press, QStringLiteral("threshold:temperature_c"), QStringLiteral("CRITICAL"), QStringLiteral("Temperature above 100 °C"),
        {{QStringLiteral("metric"), QStringLiteral("temperature_c")}, {QStringLiteral("unit"), QStringLiteral("°C")},
         {QStringLiteral("value"), 116.8}, {QStringLiteral("direction"), QStringLiteral("above")},
         {QStringLiteral("level"), 100}, {QStringLiteral("clear_level"), 95}, {QStringLiteral("for_s"), 60},
         {QStringLiteral("window"), window}, {QStringLiteral("window_max"), 116.8}, {QStringLiteral("window_min"), 101.2}});
    const QString anomaly = raiseTicket(
        pump, QStringLiteral("anomaly"), QStringLiteral("HIGH"), QStringLiteral("Unusual vibration"),
        {{QStringLiteral("score"), 0.71}, {QStringLiteral("threshold"), 0.6}, {QStringLiteral("kind"), QStringLiteral("isolation_forest")},
         {QStringLiteral("drivers"), QJsonArray{QJsonObject{{QStringLiteral("metric"), QStringLiteral("vibration_x_g")}, {QStringLiteral("share"), 0.62}},
                                                QJsonObject{{QStringLiteral("metric"), QStringLiteral("temperature_c")}, {QStringLiteral("share"), 0.25}}}},
         {QStringLiteral("driver_metrics"), QJsonArray{QStringLiteral("vibration_x_g")}}, {QStringLiteral("window"), window}});
    const double hour = double(now / 3600000);
    const QString trend = raiseTicket(
        press, QStringLiteral("trend:temperature_c"), QStringLiteral("MEDIUM"), QStringLiteral("Temperature rising"),
        {{QStringLiteral("metric"), QStringLiteral("temperature_c")}, {QStringLiteral("limit"), 100},
         {QStringLiteral("slope_per_hour"), 0.5}, {QStringLiteral("hours_to_limit"), 40}, {QStringLiteral("hours_low"), 30},
         {QStringLiteral("hours_high"), 55}, {QStringLiteral("probability_within_horizon"), 0.8},
         {QStringLiteral("inputs"), QJsonObject{{QStringLiteral("hours_since_epoch"), QJsonArray{hour - 3, hour - 2, hour - 1, hour}},
                                                {QStringLiteral("hourly_means"), QJsonArray{78.5, 79.0, 79.5, 80.0}}}}});
    QVERIFY(!critical.isEmpty() && !anomaly.isEmpty() && !trend.isEmpty());
    const Tests::Reply manual = m_server.requestJson("POST", QStringLiteral("/maintenance/tickets"), m_adminToken,
                                                     {{QStringLiteral("title"), QStringLiteral("Guard rail loose")},
                                                      {QStringLiteral("severity"), QStringLiteral("LOW")},
                                                      {QStringLiteral("node_id"), pump}});
    QCOMPARE(manual.status, 201);

    App::Session session;
    QVERIFY(logIn(session, QStringLiteral("desk-admin"), QStringLiteral("desk-admin-pass")));
    App::MaintenanceQueue queue(&session);
    queue.resize(1280, 760);
    QSignalSpy loaded(&queue, &App::MaintenanceQueue::loaded);
    queue.show();
    QVERIFY(loaded.wait(10000));

    // Listed as the server lists them, most urgent first.
    const Tests::Reply listed = m_server.request(
        "GET", QStringLiteral("/maintenance/tickets?status=open,acknowledged,in_progress&sort=priority"), m_adminToken);
    const QJsonArray serverItems = listed.json.value(QStringLiteral("items")).toArray();
    QCOMPARE(serverItems.size(), 4);
    QCOMPARE(queue.rowCount(), 4);
    for (int row = 0; row < queue.rowCount(); ++row) {
        QCOMPARE(queue.ticketAt(row).value(QStringLiteral("id")), serverItems.at(row).toObject().value(QStringLiteral("id")));
        if (row > 0)
            QVERIFY(queue.ticketAt(row - 1).value(QStringLiteral("priority")).toDouble()
                    >= queue.ticketAt(row).value(QStringLiteral("priority")).toDouble());
    }
    QCOMPARE(queue.ticketAt(0).value(QStringLiteral("id")).toString(), critical);
    QCOMPARE(queue.view()->model()->index(0, App::TicketModel::Severity).data().toString(), QStringLiteral("Critical"));
    QCOMPARE(queue.view()->model()->index(0, App::TicketModel::Site).data().toString(), QStringLiteral("Queue hall"));

    // Severity "high and critical": two rows, both of them.
    loaded.clear();
    queue.setSeverityFilter({QStringLiteral("HIGH"), QStringLiteral("CRITICAL")});
    QVERIFY(loaded.wait(10000));
    QCOMPARE(queue.rowCount(), 2);
    QCOMPARE(queue.ticketAt(0).value(QStringLiteral("id")).toString(), critical);
    QCOMPARE(queue.ticketAt(1).value(QStringLiteral("id")).toString(), anomaly);
    // The text filter narrows on this side.
    queue.setTextFilter(QStringLiteral("vibration"));
    QCOMPARE(queue.rowCount(), 1);
    queue.setTextFilter({});
    loaded.clear();
    queue.setSeverityFilter({});
    QVERIFY(loaded.wait(10000));
    QCOMPARE(queue.rowCount(), 4);

    // The excursion's evidence: its telemetry around the window, the limit as a line.
    QSignalSpy detailsLoaded(queue.details(), &App::TicketDetails::loaded);
    QSignalSpy chartLoaded(queue.details()->evidence(), &App::EvidenceChart::loaded);
    QVERIFY(queue.selectTicket(critical));
    QVERIFY(detailsLoaded.wait(10000));
    QTRY_VERIFY_WITH_TIMEOUT(!chartLoaded.isEmpty(), 10000);
    App::EvidenceChart *evidence = queue.details()->evidence();
    QVERIFY(evidence->telemetrySeries()->count() >= 10);
    QCOMPARE(evidence->limitSeries()->count(), 2);
    QCOMPARE(evidence->limitSeries()->at(0).y(), 100.0);
    QCOMPARE(queue.details()->events()->topLevelItemCount(), 1);  // opened
    screenshot(&queue, QStringLiteral("maintenance-queue.png"));

    // Acknowledge: PATCHed, the row says so, the server agrees, the history has it.
    QPushButton *acknowledge = queue.actionButton(QStringLiteral("acknowledge"));
    QVERIFY(acknowledge->isEnabled());
    QSignalSpy finished(&queue, &App::MaintenanceQueue::actionFinished);
    detailsLoaded.clear();
    QTest::mouseClick(acknowledge, Qt::LeftButton);
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.first().at(0).toBool(), true);
    const int row = queue.rowOfTicket(critical);
    QCOMPARE(queue.statusAt(row), QStringLiteral("acknowledged"));
    QCOMPARE(m_server.request("GET", QStringLiteral("/maintenance/tickets/") + critical, m_adminToken)
                 .json.value(QStringLiteral("status")).toString(),
             QStringLiteral("acknowledged"));
    QVERIFY(!acknowledge->isEnabled());
    QVERIFY(queue.actionButton(QStringLiteral("start"))->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(queue.details()->events()->topLevelItemCount(), 2, 10000);

    // A transition the server refuses (acknowledged → closed) is shown, with its reason.
    finished.clear();
    queue.patchSelected({{QStringLiteral("status"), QStringLiteral("closed")}});
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.first().at(0).toBool(), false);
    QVERIFY2(queue.message().contains(QLatin1String("cannot make that change")), qPrintable(queue.message()));

    // Evidence of the other kinds: the trend's projection to its limit, the anomaly's bars.
    chartLoaded.clear();
    QVERIFY(queue.selectTicket(trend));
    QTRY_VERIFY_WITH_TIMEOUT(!chartLoaded.isEmpty(), 10000);
    QCOMPARE(evidence->telemetrySeries()->count(), 4);
    QCOMPARE(evidence->crossingSeries()->count(), 1);
    // 80 °C rising 0.5 °C an hour meets 100 °C 40 hours after the newest mean.
    QCOMPARE(qint64(evidence->crossingSeries()->at(0).x()), qint64((hour + 40) * 3600000.0));
    chartLoaded.clear();
    QVERIFY(queue.selectTicket(anomaly));
    QTRY_VERIFY_WITH_TIMEOUT(!chartLoaded.isEmpty(), 10000);
    QVERIFY(evidence->barSet());
    QCOMPARE(evidence->barSet()->count(), 3);  // the score, two drivers
    QCOMPARE(evidence->barSet()->at(0), 0.71);
    QCOMPARE(evidence->barSet()->at(1), 0.62);

    // Live: a ticket opened on the server appears without a reload, in full (with its site).
    QTRY_VERIFY_WITH_TIMEOUT(queue.isLive(), 10000);
    loaded.clear();
    const QString stale = raiseTicket(pump, QStringLiteral("stale"), QStringLiteral("HIGH"),
                                      QStringLiteral("No telemetry for 10 minutes"), {});
    QVERIFY(!stale.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(queue.rowOfTicket(stale) >= 0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(queue.ticketAt(queue.rowOfTicket(stale)).value(QStringLiteral("site")).toString(),
                              QStringLiteral("Queue yard"), 10000);
    QCOMPARE(queue.rowCount(), 5);
    QVERIFY(loaded.isEmpty());
    // … and a change made elsewhere refreshes its row.
    QCOMPARE(m_server.requestJson("PATCH", QStringLiteral("/maintenance/tickets/") + anomaly, m_adminToken,
                                  {{QStringLiteral("status"), QStringLiteral("in_progress")}}).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(queue.statusAt(queue.rowOfTicket(anomaly)), QStringLiteral("in progress"), 10000);

    // An edge device's limit alert (POST /nodes/{id}/events): an edge_anomaly ticket whose
    // evidence charts the metric the device watched, around the alert.
    const Tests::Reply edge = m_server.requestJson(
        "POST", QStringLiteral("/nodes/%1/events").arg(press), m_adminToken,
        {{QStringLiteral("boot_epoch"), 7},
         {QStringLiteral("events"), QJsonArray{QJsonObject{
              {QStringLiteral("seq"), 1}, {QStringLiteral("time"), iso(now - 2 * 60000)}, {QStringLiteral("kind"), QStringLiteral("limit")},
              {QStringLiteral("metric"), QStringLiteral("temperature_c")}, {QStringLiteral("value"), 116.8},
              {QStringLiteral("limit"), 95}, {QStringLiteral("message"), QStringLiteral("temperature_c = 116.8 is above its limit 95")},
              {QStringLiteral("window"), window}}}}});
    QCOMPARE(edge.status, 200);
    const QString edgeTicket = edge.json.value(QStringLiteral("tickets")).toArray().first().toString();
    QTRY_VERIFY_WITH_TIMEOUT(queue.rowOfTicket(edgeTicket) >= 0, 10000);
    chartLoaded.clear();
    QVERIFY(queue.selectTicket(edgeTicket));
    QTRY_VERIFY_WITH_TIMEOUT(!chartLoaded.isEmpty(), 10000);
    QVERIFY(evidence->telemetrySeries()->count() >= 10);
    QCOMPARE(evidence->limitSeries()->count(), 2);
    QCOMPARE(evidence->limitSeries()->at(0).y(), 95.0);
    screenshot(&queue, QStringLiteral("maintenance-edge-ticket.png"));

    // A viewer may not see tickets: the queue says so instead of showing an empty list.
    App::Session viewerSession;
    QVERIFY(logIn(viewerSession, QStringLiteral("desk-viewer"), QStringLiteral("desk-viewer-pass")));
    QVERIFY(!viewerSession.can(QStringLiteral("maintenance.view")));
    App::MaintenanceQueue viewerQueue(&viewerSession);
    QSignalSpy viewerLoaded(&viewerQueue, &App::MaintenanceQueue::loaded);
    viewerQueue.show();
    QTRY_VERIFY_WITH_TIMEOUT(!viewerLoaded.isEmpty(), 10000);
    QCOMPARE(viewerQueue.rowCount(), 0);
    QVERIFY2(viewerQueue.message().contains(QLatin1String("cannot see maintenance tickets")), qPrintable(viewerQueue.message()));
    QVERIFY(!viewerQueue.actionButton(QStringLiteral("acknowledge"))->isEnabled());
}

void tst_Desktop::fleetMapPlacesSitesAndSelectsNodes()
{
    // The demo fleet (resources/demo/fleet.json), in an organization of its own.
    m_server.registerUser(QStringLiteral("fleet-admin"), QStringLiteral("fleet-admin-pass"));
    const QByteArray token = m_server.login(QStringLiteral("fleet-admin"), QStringLiteral("fleet-admin-pass"));
    QFile fleetFile(QStringLiteral(LACES_SOURCE_DIR "/resources/demo/fleet.json"));
    QVERIFY(fleetFile.open(QIODevice::ReadOnly));
    const QJsonArray fleet = QJsonDocument::fromJson(fleetFile.readAll()).object().value(QStringLiteral("nodes")).toArray();
    QCOMPARE(fleet.size(), 24);
    QHash<QString, QString> idByName;
    for (const QJsonValue &value : fleet) {
        const QJsonObject node = value.toObject();
        const Tests::Reply created = m_server.requestJson(
            "POST", QStringLiteral("/nodes"), token,
            {{QStringLiteral("name"), node.value(QStringLiteral("name"))}, {QStringLiteral("type"), node.value(QStringLiteral("type"))},
             {QStringLiteral("site"), node.value(QStringLiteral("site"))}, {QStringLiteral("latitude"), node.value(QStringLiteral("latitude"))},
             {QStringLiteral("longitude"), node.value(QStringLiteral("longitude"))}, {QStringLiteral("sensors"), node.value(QStringLiteral("sensors"))}});
        QCOMPARE(created.status, 201);
        idByName.insert(node.value(QStringLiteral("name")).toString(), created.json.value(QStringLiteral("id")).toString());
    }

    App::Session session;
    QVERIFY(logIn(session, QStringLiteral("fleet-admin"), QStringLiteral("fleet-admin-pass")));
    App::LocalServer localServer;
    App::MainWindow window(&session, &localServer);
    window.resize(1280, 800);
    App::FleetOverview *overview = window.fleetOverview();
    QSignalSpy loaded(overview, &App::FleetOverview::loaded);
    window.show();
    // The Telemetry tab starts on the fleet, not on an empty dashboard.
    QVERIFY(window.isShowingFleetOverview());
    window.findChild<QTabWidget *>()->setCurrentIndex(1);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(overview->nodeList()->topLevelItemCount(), 24);
    App::FleetMap *map = overview->map();
    QCOMPARE(map->nodes().size(), 24);

    // Zoomed out to Europe: the six sites are six clusters of four, each where its
    // coordinates project to.
    map->showRegion(-10, 36, 25, 58);
    const QList<App::FleetMap::Cluster> clusters = map->clusters();
    QCOMPARE(clusters.size(), 6);
    QHash<QString, QPointF> siteAt;
    for (const App::FleetMap::Cluster &cluster : clusters) {
        QCOMPARE(cluster.nodeIds.size(), 4);
        siteAt.insert(cluster.label, cluster.position);
    }
    const QPointF stuttgart = siteAt.value(QStringLiteral("Stuttgart Plant"));
    const QPointF expected = map->screenPosition(48.77, 9.18);
    QVERIFY2(QLineF(stuttgart, expected).length() < 2.0,
             qPrintable(QStringLiteral("(%1, %2) vs (%3, %4)").arg(stuttgart.x()).arg(stuttgart.y()).arg(expected.x()).arg(expected.y())));
    const QPointF place = map->coordinateAt(stuttgart);
    QVERIFY(std::abs(place.x() - 9.18) < 0.02 && std::abs(place.y() - 48.77) < 0.02);
    // Web Mercator by hand: x is linear in longitude, 256·2^zoom pixels round the world;
    // y is R·ln(tan(π/4 + φ/2)) with R = 256·2^zoom / 2π.
    const double worldPx = 256.0 * std::pow(2.0, map->zoom());
    const QPointF lyon = siteAt.value(QStringLiteral("Lyon Assembly"));
    const QPointF gdansk = siteAt.value(QStringLiteral("Gdansk Yard"));
    const double lyonLon = (4.827514 + 4.837009 + 4.83736 + 4.833634) / 4, gdanskLon = (18.652488 + 18.638237 + 18.654103 + 18.648779) / 4;
    QVERIFY(std::abs((gdansk.x() - lyon.x()) - (gdanskLon - lyonLon) / 360.0 * worldPx) < 1.0);
    const auto mercatorY = [&](double latitudeDeg) {
        return worldPx / (2 * M_PI) * std::log(std::tan(M_PI / 4 + latitudeDeg * M_PI / 360.0));
    };
    QVERIFY(std::abs((lyon.y() - gdansk.y()) - (mercatorY(54.352) - mercatorY(45.761))) < 1.5);
    screenshot(&window, QStringLiteral("fleet-map.png"));

    // A click on a site zooms in until its machines part; a click on one selects it.
    const double before = map->zoom();
    QTest::mouseClick(map, Qt::LeftButton, {}, stuttgart.toPoint());
    QVERIFY(map->zoom() > before + 3);
    const QString pump = idByName.value(QStringLiteral("Cooling pump STU-02"));
    const QPointF pumpAt = map->screenPosition(48.766766, 9.189325);
    QVERIFY(map->rect().contains(pumpAt.toPoint()));
    const int index = map->clusterAt(pumpAt);
    QVERIFY(index >= 0);
    QCOMPARE(map->clusters().at(index).nodeIds, QStringList{pump});
    QSignalSpy shown(overview, &App::FleetOverview::nodeShown);
    QTest::mouseClick(map, Qt::LeftButton, {}, pumpAt.toPoint());
    QCOMPARE(map->selectedNode(), pump);
    QCOMPARE(overview->selectedNode(), pump);
    QVERIFY(shown.wait(10000));
    QVERIFY2(overview->healthLabel()->text().contains(QLatin1String("Cooling pump STU-02")),
             qPrintable(overview->healthLabel()->text()));
    QCOMPARE(overview->nodeList()->currentItem()->text(0), QStringLiteral("Cooling pump STU-02"));
    screenshot(&window, QStringLiteral("fleet-map-site.png"));
    // Keyboard: arrows pan, minus zooms out, Home shows the whole fleet again.
    map->setFocus();
    const QPointF centreBefore = map->coordinateAt(QPointF(map->width() / 2.0, map->height() / 2.0));
    QTest::keyClick(map, Qt::Key_Right);
    QVERIFY(map->coordinateAt(QPointF(map->width() / 2.0, map->height() / 2.0)).x() > centreBefore.x());
    const double zoomed = map->zoom();
    QTest::keyClick(map, Qt::Key_Minus);
    QCOMPARE(map->zoom(), zoomed - 1);
    QTest::keyClick(map, Qt::Key_Home);
    QCOMPARE(map->clusters().size(), 6);

    // "Open telemetry" opens the machine's dashboard in the same tab.
    QSignalSpy nodes(window.telemetryDashboard(), &App::TelemetryDashboard::nodesLoaded);
    QTest::mouseClick(overview->openTelemetryButton(), Qt::LeftButton);
    QVERIFY(!window.isShowingFleetOverview());
    // The pump's first three sensors (resources/demo/fleet.json), live.
    for (const char *metric : {"pressure_bar", "flow_lpm", "current_a"})
        QTRY_VERIFY_WITH_TIMEOUT(window.telemetryDashboard()->lineFor(pump, QLatin1String(metric)) != nullptr, 10000);
    QVERIFY(!window.telemetryDashboard()->lineFor(pump, QStringLiteral("temperature_c")));
    QVERIFY(window.telemetryDashboard()->isLive());
}

void tst_Desktop::busySessionStaysUnderTheRateLimit()
{
    // A server instance with the product's default limit (100 requests a minute per user).
    QString error;
    auto limited = m_server.startPeer([](Server::ServerConfig &config) { config.rateLimitPerMin = 100; }, &error);
    QVERIFY2(limited, qPrintable(error));
    const Tests::Reply created = m_server.requestJson(
        "POST", QStringLiteral("/nodes"), m_adminToken,
        {{QStringLiteral("name"), QStringLiteral("Busy pump")}, {QStringLiteral("type"), QStringLiteral("pump")},
         {QStringLiteral("latitude"), 48.2}, {QStringLiteral("longitude"), 11.7}});
    QCOMPARE(created.status, 201);
    const QString node = created.json.value(QStringLiteral("id")).toString();

    App::Session session;
    QVERIFY(logIn(session, QStringLiteral("desk-admin"), QStringLiteral("desk-admin-pass"), limited->url()));
    QSignalSpy slowed(session.client(), &App::ApiClient::slowedDown);
    App::LocalServer localServer;
    App::MainWindow window(&session, &localServer);
    window.showSessionInfo();
    window.show();
    App::TelemetryDashboard dashboard(&session);
    dashboard.resize(1000, 700);
    QSignalSpy nodes(&dashboard, &App::TelemetryDashboard::nodesLoaded);
    dashboard.show();
    QVERIFY(nodes.wait(10000));
    dashboard.setMetricChecked(QStringLiteral("temperature_c"), true);
    dashboard.setNodeChecked(node, true);

    // Half a minute of a busy engineer: the time range dragged back and forth twice a
    // second, zoomed in or out every fifth move, live telemetry turned on again and the twin
    // list reloaded every five seconds.
    const quint64 before = session.client()->requestsSent();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QElapsedTimer clock;
    clock.start();
    int scrubs = 0;
    while (clock.elapsed() < 30000) {
        const qint64 span = (scrubs / 5 % 2 == 0 ? 6 : 12) * 3600000LL;
        const qint64 end = now - (scrubs % 10 < 5 ? scrubs % 10 : 10 - scrubs % 10) * 1200000LL;
        dashboard.setRange(end - span, end);
        if (++scrubs % 10 == 0) {
            window.twinBrowser()->reload();
            dashboard.setLive(true);
        }
        QTest::qWait(500);
    }
    const double perMinute = double(session.client()->requestsSent() - before) * 60000.0 / double(clock.elapsed());
    qInfo("busy desktop session: %.0f requests a minute (%d scrubs), against a limit of 100", perMinute, scrubs);
    QVERIFY2(perMinute < 50, qPrintable(QString::number(perMinute)));
    QVERIFY(slowed.isEmpty());
    QVERIFY(!window.findChild<QLabel *>(QStringLiteral("slowedDown"))->isVisible());
    screenshot(&dashboard, QStringLiteral("telemetry-after-scrubbing.png"));

    // Against a tiny limit the window says it is slowed down, instead of failing.
    auto tiny = m_server.startPeer([](Server::ServerConfig &config) { config.rateLimitPerMin = 2; }, &error);
    QVERIFY2(tiny, qPrintable(error));
    App::Session slowSession;
    QVERIFY(logIn(slowSession, QStringLiteral("desk-admin"), QStringLiteral("desk-admin-pass"), tiny->url()));
    App::MainWindow slowWindow(&slowSession, &localServer);
    slowWindow.showSessionInfo();
    slowWindow.resize(1200, 760);
    slowWindow.show();
    for (int i = 0; i < 4; ++i)
        slowWindow.twinBrowser()->reload();
    auto *label = slowWindow.findChild<QLabel *>(QStringLiteral("slowedDown"));
    QTRY_VERIFY_WITH_TIMEOUT(label->isVisible(), 10000);
    QVERIFY2(label->text().contains(QLatin1String("Slowed down")), qPrintable(label->text()));
    screenshot(&slowWindow, QStringLiteral("slowed-down.png"));
}

QTEST_MAIN(tst_Desktop)
#include "tst_desktop.moc"

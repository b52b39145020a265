#include "logindialog.h"
#include "localserver.h"
#include "mainwindow.h"
#include "session.h"
#include "telemetry/telemetrychartview.h"
#include "telemetry/telemetrydashboard.h"
#include "testserver.h"
#include "twinbrowser.h"

#include <QAreaSeries>
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

QTEST_MAIN(tst_Desktop)
#include "tst_desktop.moc"

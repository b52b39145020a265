#include "editleases.h"
#include "historypanel.h"
#include "livecollaboration.h"
#include "propertiespanel.h"
#include "session.h"
#include "testdata.h"
#include "testserver.h"
#include "viewer/sceneview.h"
#include "workspace/twinworkspace.h"
#include "ageing/ageingpanel.h"
#include "ageing/ageingtimeline.h"
#include "viewer/particlecloud.h"

#include <QDateTime>
#include <cmath>
#include <QDir>
#include <QElapsedTimer>
#include <QScreen>
#include <QFile>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QPushButton>
#include <QTextBrowser>
#include <QUndoStack>
#include <QTreeWidget>
#include <Qt3DRender/QRenderCaptureReply>

using namespace Laces;

namespace {
QString model(const char *name) { return Tests::sharedModel(name); }

QImage capture(App::SceneView &view)
{
    // The first frames after a scene change may still show the old scene: take a few.
    QImage image;
    for (int i = 0; i < 3; ++i) {
        Qt3DRender::QRenderCaptureReply *reply = view.requestCapture();
        QSignalSpy done(reply, &Qt3DRender::QRenderCaptureReply::completed);
        if (!done.wait(10000)) {
            delete reply;
            return {};
        }
        image = reply->image();
        delete reply;
    }
    return image;
}
} // namespace

// Rendering with Qt3D in a real window (under xvfb-run in the test command), and the
// twin workspace against a real server.
class tst_Viewer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void engineRendersAndPickingSelectsPart();
    void visibilityHidesPart();
    void workspaceOpensHistoryAndSavesPropertyEdit();
    void olderVersionOpensReadOnly();
    void importFromWorkspaceMakesVersion();
    void twoDesktopsCollaborate();
    void ageingViewColoursDamageAndDrawsStress();
    void ageingAsWasShowsEarlierVersions();

private:
    // Logs the session in with a token (the fixture's by default), as the login dialog would.
    bool beginSession(App::Session &session, const QByteArray &token = {}, const QUrl &server = {});

    Tests::TestServer m_server;
    QByteArray m_token;
    QString m_twinId;
};

void tst_Viewer::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_server.registerUser(QStringLiteral("designer"), QStringLiteral("designer-password"));
    m_token = m_server.login(QStringLiteral("designer"), QStringLiteral("designer-password"));
    const Tests::Reply twin = m_server.requestJson("POST", QStringLiteral("/twins"), m_token,
                                                   {{QStringLiteral("name"), QStringLiteral("Engine")}});
    m_twinId = twin.json.value(QStringLiteral("id")).toString();
    const QByteArray engine = Tests::fileBytes(model("2CylinderEngine.glb"));
    QVERIFY(!engine.isEmpty());
    const Tests::Reply upload = m_server.request("POST", QStringLiteral("/twins/%1/models").arg(m_twinId), m_token,
                                                 engine, {{"Content-Type", "application/octet-stream"}});
    QCOMPARE(upload.status, 201);
    const Tests::Reply version = m_server.requestJson(
        "POST", QStringLiteral("/twins/%1/versions").arg(m_twinId), m_token,
        {{QStringLiteral("parents"), QJsonArray()}, {QStringLiteral("message"), QStringLiteral("Import")},
         {QStringLiteral("model_sha256"), upload.json.value(QStringLiteral("sha256"))},
         {QStringLiteral("properties"), QJsonObject{{QStringLiteral("rated_rpm"), 3000}}}});
    QCOMPARE(version.status, 201);
}

bool tst_Viewer::beginSession(App::Session &session, const QByteArray &token, const QUrl &server)
{
    session.client()->setBaseUrl(server.isEmpty() ? m_server.url() : server);
    session.client()->setToken(token.isEmpty() ? m_token : token);
    bool ready = false;
    session.client()->me(this, [&](const QJsonObject &user, const App::ApiError *error) {
        if (!error)
            session.begin(user);
        ready = true;
    });
    QElapsedTimer timer;
    timer.start();
    while (!ready && timer.elapsed() < 10000)
        QTest::qWait(10);
    return session.state() == App::Session::State::Connected;
}

void tst_Viewer::engineRendersAndPickingSelectsPart()
{
    const auto geometry = Core::ModelInspector::loadGeometry(model("2CylinderEngine.glb"));
    QVERIFY(geometry);
    App::SceneView view;
    view.resize(800, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(view.renderWindow()));
    view.setModel(*geometry);

    const QImage frame = capture(view);
    QVERIFY(!frame.isNull());
    const QRgb background = frame.pixel(2, 2);
    qint64 drawn = 0;
    QSet<QRgb> colours;
    for (int y = 0; y < frame.height(); y += 2) {
        for (int x = 0; x < frame.width(); x += 2) {
            const QRgb pixel = frame.pixel(x, y);
            colours.insert(pixel);
            drawn += pixel != background;
        }
    }
    const double coverage = double(drawn) / double((frame.width() / 2) * (frame.height() / 2));
    qInfo("frame %dx%d: %.0f%% of pixels show the model, %lld colours", frame.width(), frame.height(),
          coverage * 100, qint64(colours.size()));
    QVERIFY2(coverage > 0.10, "the frame is (nearly) blank");
    QVERIFY2(colours.size() > 50, "the model is not shaded");

    const QPoint centre(view.renderWindow()->width() / 2, view.renderWindow()->height() / 2);
    const QPoint pixel(centre.x() * frame.width() / view.renderWindow()->width(),
                       centre.y() * frame.height() / view.renderWindow()->height());
    QVERIFY2(frame.pixel(pixel) != background, "the centre pixel shows no part");
    QSignalSpy picked(&view, &App::SceneView::componentPicked);
    QTest::mouseClick(view.renderWindow(), Qt::LeftButton, Qt::NoModifier, centre);
    QTRY_VERIFY_WITH_TIMEOUT(!picked.isEmpty(), 10000);
    const QString name = picked.first().first().toString();
    QVERIFY(!name.isEmpty());
    QCOMPARE(view.selectedComponent(), name);
    const bool known = std::any_of(geometry->components.begin(), geometry->components.end(),
                                   [&](const Core::ComponentGeometry &part) { return part.name == name; });
    QVERIFY(known);
    // The selection is drawn highlighted.
    const QImage highlighted = capture(view);
    QVERIFY(highlighted.pixel(pixel) != frame.pixel(pixel));
}

void tst_Viewer::visibilityHidesPart()
{
    const auto geometry = Core::ModelInspector::loadGeometry(model("Spider_binary.stl"));
    QVERIFY(geometry);
    QCOMPARE(geometry->components.size(), 1);
    App::SceneView view;
    view.resize(400, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(view.renderWindow()));
    view.setModel(*geometry);
    const QImage shown = capture(view);
    const QRgb background = shown.pixel(1, 1);
    QVERIFY(shown.pixel(shown.width() / 2, shown.height() / 2) != background
            || shown.pixel(shown.width() / 3, shown.height() / 2) != background);
    view.setComponentVisible(geometry->components.first().name, false);
    QVERIFY(!view.isComponentVisible(geometry->components.first().name));
    const QImage hidden = capture(view);
    for (int y = 0; y < hidden.height(); y += 8) {
        for (int x = 0; x < hidden.width(); x += 8)
            QCOMPARE(hidden.pixel(x, y), background);
    }
}

void tst_Viewer::workspaceOpensHistoryAndSavesPropertyEdit()
{
    App::Session session;
    QSignalSpy me(session.client(), &App::ApiClient::sessionEnded);
    QVERIFY(beginSession(session));

    QElapsedTimer opening;
    opening.start();
    App::TwinWorkspace workspace(&session, {{QStringLiteral("id"), m_twinId}, {QStringLiteral("name"), QStringLiteral("Engine")}});
    workspace.resize(1200, 800);
    workspace.show();
    QSignalSpy shown(&workspace, &App::TwinWorkspace::versionShown);
    QSignalSpy modelShown(workspace.sceneView(), &App::SceneView::modelShown);
    workspace.openVersion();
    QVERIFY(shown.wait(30000));
    QCOMPARE(modelShown.size(), 1);
    const QImage firstFrame = capture(*workspace.sceneView());
    qInfo("open twin to first rendered frame (engine, download + load + build + render): %lld ms", opening.elapsed());
    QVERIFY(!firstFrame.isNull());
    QVERIFY(!workspace.isReadOnly());
    QCOMPARE(workspace.componentTree()->topLevelItemCount(), 67);

    // Tree and view select together.
    QTreeWidgetItem *item = workspace.componentTree()->topLevelItem(5);
    const QString part = item->text(0);  // the tree is rebuilt when the saved version opens
    workspace.componentTree()->setCurrentItem(item);
    QCOMPARE(workspace.sceneView()->selectedComponent(), part);

    // Edit with undo and redo, then save: a new version on the server.
    App::PropertiesPanel *properties = workspace.properties();
    properties->setProperty(QString(), QStringLiteral("rated_rpm"), 3600);
    properties->setProperty(QString(), QStringLiteral("rated_rpm"), 4000);
    properties->undoStack()->undo();
    QCOMPARE(properties->properties().value(QStringLiteral("rated_rpm")).toInt(), 3600);
    properties->undoStack()->redo();
    properties->undoStack()->undo();
    properties->setProperty(part, QStringLiteral("material"), QStringLiteral("EN-GJL-250"));
    QVERIFY(properties->hasChanges());
    QSignalSpy saved(properties, &App::PropertiesPanel::saved);
    properties->save(QStringLiteral("Faster and with a material"));
    QVERIFY(saved.wait(10000));
    QVERIFY(!properties->hasChanges());

    const Tests::Reply log = m_server.request("GET", QStringLiteral("/twins/%1/versions").arg(m_twinId), m_token);
    QCOMPARE(log.json.value(QStringLiteral("total")).toInt(), 2);
    const QJsonObject latest = log.json.value(QStringLiteral("items")).toArray().at(0).toObject();
    QCOMPARE(latest.value(QStringLiteral("message")).toString(), QStringLiteral("Faster and with a material"));
    QCOMPARE(latest.value(QStringLiteral("properties")).toObject().value(QStringLiteral("rated_rpm")).toInt(), 3600);
    const Tests::Reply full = m_server.request(
        "GET", QStringLiteral("/twins/%1/versions/%2").arg(m_twinId, latest.value(QStringLiteral("id")).toString()), m_token);
    bool found = false;
    for (const QJsonValue &component : full.json.value(QStringLiteral("components")).toArray()) {
        if (component.toObject().value(QStringLiteral("name")).toString() == part) {
            QCOMPARE(component.toObject().value(QStringLiteral("properties")).toObject().value(QStringLiteral("material")).toString(),
                     QStringLiteral("EN-GJL-250"));
            found = true;
        }
    }
    QVERIFY(found);

    // The history shows both versions; comparing them shows the property change.
    QSignalSpy historyLoaded(workspace.history(), &App::HistoryPanel::loaded);
    workspace.history()->reload();
    QVERIFY(historyLoaded.wait(10000));
    QCOMPARE(workspace.history()->versionIds().size(), 2);
    auto *list = workspace.history()->findChild<QTreeWidget *>(QStringLiteral("versions"));
    list->topLevelItem(0)->setSelected(true);
    list->topLevelItem(1)->setSelected(true);
    auto *diff = workspace.history()->findChild<QTextBrowser *>(QStringLiteral("diff"));
    workspace.history()->findChild<QPushButton *>(QStringLiteral("compare"))->click();
    QTRY_VERIFY2_WITH_TIMEOUT(diff->toPlainText().contains(QStringLiteral("rated_rpm: 3000 → 3600")), qPrintable(diff->toPlainText()), 10000);
    QVERIFY(diff->toPlainText().contains(QLatin1String("Model unchanged")));
    QVERIFY(me.isEmpty());
}

void tst_Viewer::olderVersionOpensReadOnly()
{
    App::Session session;
    QVERIFY(beginSession(session));
    const Tests::Reply log = m_server.request("GET", QStringLiteral("/twins/%1/versions").arg(m_twinId), m_token);
    const QString oldest = log.json.value(QStringLiteral("items")).toArray().last().toObject().value(QStringLiteral("id")).toString();
    App::TwinWorkspace workspace(&session, {{QStringLiteral("id"), m_twinId}, {QStringLiteral("name"), QStringLiteral("Engine")}});
    workspace.show();
    QSignalSpy shown(&workspace, &App::TwinWorkspace::versionShown);
    workspace.openVersion(oldest);
    QVERIFY(shown.wait(30000));
    QVERIFY(workspace.isReadOnly());
    QVERIFY(!workspace.findChild<QPushButton *>(QStringLiteral("save"))->isEnabled());
    QCOMPARE(workspace.properties()->properties().value(QStringLiteral("rated_rpm")).toInt(), 3000);
}

void tst_Viewer::importFromWorkspaceMakesVersion()
{
    App::Session session;
    QVERIFY(beginSession(session));
    App::TwinWorkspace workspace(&session, {{QStringLiteral("id"), m_twinId}, {QStringLiteral("name"), QStringLiteral("Engine")}});
    workspace.show();
    QSignalSpy imported(&workspace, &App::TwinWorkspace::imported);
    QSignalSpy shown(&workspace, &App::TwinWorkspace::versionShown);
    workspace.importModel(model("Spider_binary.stl"));
    QVERIFY(imported.wait(20000));
    QVERIFY(shown.wait(20000));
    QCOMPARE(workspace.componentTree()->topLevelItemCount(), 1);
    QCOMPARE(workspace.version().value(QStringLiteral("model")).toObject().value(QStringLiteral("format")).toString(),
             QStringLiteral("stl"));
    QVERIFY(!workspace.isReadOnly());

    // A refused file leaves the twin as it was and says why.
    const Tests::Reply before = m_server.request("GET", QStringLiteral("/twins/%1/versions").arg(m_twinId), m_token);
    QSignalSpy failed(&workspace, &App::TwinWorkspace::importFailed);
    workspace.importModel(model("malformed/MissingBin.gltf"));
    QVERIFY(failed.wait(20000));
    QVERIFY(failed.first().first().toString().contains(QLatin1String("BoxTextured0.bin")));
    const Tests::Reply after = m_server.request("GET", QStringLiteral("/twins/%1/versions").arg(m_twinId), m_token);
    QCOMPARE(after.json.value(QStringLiteral("total")), before.json.value(QStringLiteral("total")));
}

void tst_Viewer::twoDesktopsCollaborate()
{
    m_server.createUser(m_token, QStringLiteral("erin"), QStringLiteral("engineer"), QStringLiteral("erin-password"));
    m_server.createUser(m_token, QStringLiteral("ada"), QStringLiteral("admin"), QStringLiteral("ada-password"));
    const QByteArray ada = m_server.login(QStringLiteral("ada"), QStringLiteral("ada-password"));
    App::Session designer;
    App::Session erin;
    QVERIFY(beginSession(designer));
    QVERIFY(beginSession(erin, m_server.login(QStringLiteral("erin"), QStringLiteral("erin-password"))));
    const QJsonObject twin{{QStringLiteral("id"), m_twinId}, {QStringLiteral("name"), QStringLiteral("Engine")}};
    App::TwinWorkspace mine(&designer, twin);
    auto theirs = std::make_unique<App::TwinWorkspace>(&erin, twin);
    for (App::TwinWorkspace *workspace : {&mine, theirs.get()}) {
        workspace->resize(1000, 700);
        workspace->show();
        QSignalSpy shown(workspace->sceneView(), &App::SceneView::modelShown);
        workspace->openVersion();
        QVERIFY(shown.wait(30000));
    }
    const auto peopleOf = [](App::TwinWorkspace &workspace) {
        QStringList names;
        for (int row = 0; row < workspace.live()->people()->count(); ++row)
            names.append(workspace.live()->people()->item(row)->text());
        return names.join(u'|');
    };
    // Each sees the other in the people list.
    QTRY_VERIFY_WITH_TIMEOUT(peopleOf(mine).contains(QStringLiteral("erin (engineer)")), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(peopleOf(*theirs).contains(QStringLiteral("designer (admin)")), 10000);

    // Erin's pointer over the model becomes a marker in the designer's view.
    QVERIFY(theirs->componentTree()->topLevelItemCount() > 0);
    const QString part = theirs->componentTree()->topLevelItem(0)->text(0);
    emit theirs->sceneView()->pointerMoved(QVector3D(1.5f, -2.0f, 0.25f), part);
    QTRY_VERIFY_WITH_TIMEOUT(mine.sceneView()->collaboratorCursors().size() == 1, 10000);
    QCOMPARE(mine.sceneView()->collaboratorCursors().values().first(), QVector3D(1.5f, -2.0f, 0.25f));

    // The designer edits a component: its lock is taken first, and erin sees both the
    // lock (tinted, with the holder on hover) and the new value.
    App::PropertiesPanel *myProperties = mine.properties();
    myProperties->setComponent(part);
    myProperties->requestChange(part, QStringLiteral("material"), QStringLiteral("EN-GJS-400"));
    QTRY_VERIFY_WITH_TIMEOUT(mine.live()->leases()->holds(part), 10000);
    QCOMPARE(myProperties->properties(part).value(QStringLiteral("material")).toString(), QStringLiteral("EN-GJS-400"));
    const QJsonArray locks = m_server.request("GET", QStringLiteral("/twins/%1/locks").arg(m_twinId), m_token)
                                 .json.value(QStringLiteral("items")).toArray();
    QCOMPARE(locks.size(), 1);
    QCOMPARE(locks.at(0).toObject().value(QStringLiteral("components")).toArray(), QJsonArray{part});
    QTRY_VERIFY_WITH_TIMEOUT(theirs->sceneView()->componentTint(part).isValid(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(theirs->properties()->properties(part).value(QStringLiteral("material")).toString(),
                              QStringLiteral("EN-GJS-400"), 10000);
    QVERIFY(!mine.sceneView()->componentTint(part).isValid());  // not tinted for its holder

    // Erin cannot change the locked component: refused, nothing changed.
    QSignalSpy refused(theirs->properties(), &App::PropertiesPanel::editRefused);
    theirs->properties()->requestChange(part, QStringLiteral("material"), QStringLiteral("S235"));
    QVERIFY(refused.wait(10000));
    QVERIFY(refused.first().at(0).toString().contains(QStringLiteral("designer")));
    QCOMPARE(theirs->properties()->properties(part).value(QStringLiteral("material")).toString(), QStringLiteral("EN-GJS-400"));
    QVERIFY(!theirs->properties()->hasChanges());

    // An administrator takes the lock away: the designer's editing stops with a message,
    // and the unsaved change stays in the undo history.
    const QString lockId = locks.at(0).toObject().value(QStringLiteral("lock_id")).toString();
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/locks/") + lockId, ada).status, 204);
    QTRY_VERIFY_WITH_TIMEOUT(myProperties->isEditingBlocked(), 10000);
    QVERIFY(mine.statusText().contains(QStringLiteral("administrator")));
    QCOMPARE(myProperties->undoStack()->count(), 1);
    QVERIFY(myProperties->hasChanges());
    QTRY_VERIFY_WITH_TIMEOUT(!theirs->sceneView()->componentTint(part).isValid(), 10000);

    // A version saved elsewhere: erin, with nothing unsaved, sees it at once; the designer,
    // with unsaved changes, is told.
    const QString before = theirs->version().value(QStringLiteral("id")).toString();
    const Tests::Reply version = m_server.requestJson(
        "POST", QStringLiteral("/twins/%1/versions").arg(m_twinId), ada,
        {{QStringLiteral("parents"), QJsonArray{before}}, {QStringLiteral("message"), QStringLiteral("From elsewhere")},
         {QStringLiteral("properties"), QJsonObject{{QStringLiteral("rated_rpm"), 3300}}}});
    QCOMPARE(version.status, 201);
    QTRY_COMPARE_WITH_TIMEOUT(theirs->version().value(QStringLiteral("id")).toString(),
                              version.json.value(QStringLiteral("id")).toString(), 30000);
    QCOMPARE(theirs->properties()->properties().value(QStringLiteral("rated_rpm")).toInt(), 3300);
    QTRY_VERIFY_WITH_TIMEOUT(mine.statusText().contains(QStringLiteral("newer version")), 10000);
    QVERIFY(myProperties->hasChanges());

    // Closing a workspace takes its user off the other's list and removes the marker.
    theirs.reset();
    QTRY_VERIFY_WITH_TIMEOUT(!peopleOf(mine).contains(QStringLiteral("erin")), 10000);
    QVERIFY(mine.sceneView()->collaboratorCursors().isEmpty());
}

void tst_Viewer::ageingViewColoursDamageAndDrawsStress()
{
    // The demo: its engine's measured week, its parts' materials; the 4D view of it.
    Tests::TestServer demo;
    QVERIFY2(demo.start([](Server::ServerConfig &config) { config.demo = true; }), qPrintable(demo.errorString()));
    App::Session session;
    QVERIFY(beginSession(session, demo.login(QStringLiteral("engineer"), QStringLiteral("demo-engineer")), demo.url()));
    const QJsonObject twin = demo.request("GET", QStringLiteral("/twins"), session.client()->token())
                                 .json.value(QStringLiteral("items")).toArray().first().toObject();
    // The demo fills in its engines' week of history in the background: wait for it.
    const auto measuredDays = [&] {
        const Tests::Reply preview = demo.requestJson(
            "POST", QStringLiteral("/twins/%1/simulations").arg(twin.value(QStringLiteral("id")).toString()),
            session.client()->token(), {{QStringLiteral("store"), false}, {QStringLiteral("step"), QStringLiteral("week")}});
        return -preview.json.value(QStringLiteral("timeline")).toObject().value(QStringLiteral("start_years")).toDouble() * 365.25;
    };
    QTRY_VERIFY_WITH_TIMEOUT(measuredDays() > 6.9, 90000);
    App::TwinWorkspace workspace(&session, twin);
    workspace.resize(1280, 800);
    workspace.show();
    QSignalSpy shown(&workspace, &App::TwinWorkspace::versionShown);
    workspace.openVersion();
    QVERIFY(shown.wait(30000));
    App::SceneView *view = workspace.sceneView();
    QVERIFY(QTest::qWaitForWindowExposed(view->renderWindow()));
    App::AgeingPanel *ageing = workspace.ageing();
    QSignalSpy runShown(ageing, &App::AgeingPanel::runShown);
    workspace.setAgeingMode(true);
    QVERIFY(ageing->isVisible());
    QTRY_VERIFY2_WITH_TIMEOUT(ageing->run() != nullptr,
                              qPrintable(ageing->findChild<QLabel *>(QStringLiteral("ageingStatus"))->text()), 30000);
    const App::AgeingRun &run = *ageing->run();
    QVERIFY(run.isMeasured());
    const int worst = run.worst();
    QVERIFY(worst >= 0);
    const QString failing = run.components().at(worst).name;

    // Now (t = 0) and five years on: the failing part turns from its grey to red.
    App::AgeingTimeline *timeline = ageing->timeline();
    timeline->setValue(run.startIndex());
    const QColor now = view->componentColor(failing);
    const QImage atStart = capture(*view);
    timeline->setValue(timeline->maximum());
    QCOMPARE(timeline->yearsAt(timeline->value()), 5.0);
    const QColor later = view->componentColor(failing);
    const auto redness = [](const QColor &c) { return c.red() - (c.green() + c.blue()) / 2; };
    QVERIFY2(redness(later) > redness(now) + 100, qPrintable(QStringLiteral("%1 → %2").arg(now.name(), later.name())));
    QCOMPARE(later, App::AgeingPanel::damageColor(run.components().at(worst).grey, 1.0));
    const QImage atHorizon = capture(*view);
    QVERIFY(!atStart.isNull() && !atHorizon.isNull());
    qint64 redder = 0;
    for (int y = 0; y < atStart.height(); y += 2) {
        for (int x = 0; x < atStart.width(); x += 2) {
            const QColor a = atStart.pixelColor(x, y), b = atHorizon.pixelColor(x, y);
            redder += b.red() - b.green() > a.red() - a.green() + 30;
        }
    }
    qInfo("frames at t = 0 and t = 5 years: %lld sampled pixels turned redder", redder);
    QVERIFY(redder > 200);

    // The stress cloud: 1,000 instanced particles around the most damaged part, drawn.
    QVERIFY(!view->stressCloudComponent().isEmpty());
    QCOMPARE(view->stressCloud()->count(), 1000);
    QVERIFY(view->stressCloud()->isEnabled());
    const QImage withCloud = capture(*view);
    const QString hottest = view->stressCloudComponent();
    view->setStressCloud({}, 0);
    const QImage withoutCloud = capture(*view);
    qint64 particles = 0;
    for (int y = 0; y < withCloud.height(); ++y) {
        for (int x = 0; x < withCloud.width(); ++x)
            particles += withCloud.pixel(x, y) != withoutCloud.pixel(x, y);
    }
    qInfo("stress cloud around %s: %lld pixels differ with and without it", qPrintable(hottest), particles);
    const QByteArray shotsEarly = qgetenv("LACES_SCREENSHOT_DIR");
    if (!shotsEarly.isEmpty()) {
        withCloud.save(QString::fromLocal8Bit(shotsEarly) + QStringLiteral("/cloud-on.png"));
        withoutCloud.save(QString::fromLocal8Bit(shotsEarly) + QStringLiteral("/cloud-off.png"));
    }
    QVERIFY(particles > 300);
    ageing->republish();
    QCOMPARE(view->stressCloudComponent(), hottest);

    // The as-was view: versions are marked on the timeline; back in the past the status line
    // names the version of that time.
    QTRY_VERIFY_WITH_TIMEOUT(!timeline->markers().isEmpty(), 10000);
    timeline->setValue(0);
    QTRY_VERIFY_WITH_TIMEOUT(workspace.statusText().contains(QLatin1String("version 1")), 10000);

    const QByteArray shots = qgetenv("LACES_SCREENSHOT_DIR");
    if (!shots.isEmpty()) {
        QDir().mkpath(QString::fromLocal8Bit(shots));
        timeline->setValue(run.startIndex() + 900);
        QTest::qWait(500);
        capture(*view);
        workspace.window()->screen()->grabWindow(0).save(QString::fromLocal8Bit(shots) + QStringLiteral("/ageing.png"));
        atHorizon.save(QString::fromLocal8Bit(shots) + QStringLiteral("/ageing-3d-horizon.png"));
        withCloud.save(QString::fromLocal8Bit(shots) + QStringLiteral("/ageing-3d-cloud.png"));
    }
    workspace.setAgeingMode(false);
    QVERIFY(!view->stressCloud()->isEnabled());
    QCOMPARE(view->componentColor(failing) == later, false);
}

void tst_Viewer::ageingAsWasShowsEarlierVersions()
{
    // Version 1 has two parts; version 2, made now, adds a third. Back in the measured past
    // the view shows version 1's model: the new part is not there yet.
    const auto upload = [&](const QString &twinId, const QByteArray &obj) {
        return m_server.request("POST", QStringLiteral("/twins/%1/models").arg(twinId), m_token, obj,
                                {{"Content-Type", "application/octet-stream"}, {"X-Filename", "rig.obj"}});
    };
    const auto part = [](const char *name, int i) {
        return QStringLiteral("o %1\nv %2 0 0\nv %3 0 0\nv %2 1 0\nv %2 0 1\nf %4 %5 %6\nf %4 %5 %7\n")
            .arg(QLatin1String(name)).arg(i * 2).arg(i * 2 + 1).arg(i * 4 + 1).arg(i * 4 + 2).arg(i * 4 + 3).arg(i * 4 + 4)
            .toUtf8();
    };
    const Tests::Reply twin = m_server.requestJson("POST", QStringLiteral("/twins"), m_token,
                                                   {{QStringLiteral("name"), QStringLiteral("Growing rig")}});
    const QString twinId = twin.json.value(QStringLiteral("id")).toString();
    const Tests::Reply first = upload(twinId, part("rod_a", 0) + part("spring_b", 1));
    QVERIFY(first.status == 201 || first.status == 200);
    const Tests::Reply v1 = m_server.requestJson(
        "POST", QStringLiteral("/twins/%1/versions").arg(twinId), m_token,
        {{QStringLiteral("parents"), QJsonArray()}, {QStringLiteral("message"), QStringLiteral("two parts")},
         {QStringLiteral("model_sha256"), first.json.value(QStringLiteral("sha256"))},
         {QStringLiteral("properties"), QJsonObject{{QStringLiteral("rated_torque_nm"), 500}}}});
    QCOMPARE(v1.status, 201);
    const Tests::Reply node = m_server.requestJson(
        "POST", QStringLiteral("/nodes"), m_token,
        {{QStringLiteral("name"), QStringLiteral("Rig engine")}, {QStringLiteral("type"), QStringLiteral("engine")},
         {QStringLiteral("latitude"), 48}, {QStringLiteral("longitude"), 9}, {QStringLiteral("twin_id"), twinId},
         {QStringLiteral("sensors"), QJsonArray{QJsonObject{{QStringLiteral("metric"), QStringLiteral("torque_nm")}},
                                                QJsonObject{{QStringLiteral("metric"), QStringLiteral("rpm")}}}}});
    const QString nodeId = node.json.value(QStringLiteral("id")).toString();
    const qint64 endMs = (QDateTime::currentMSecsSinceEpoch() / 60000) * 60000;
    QByteArray csv = "node_id,time,seq,torque_nm,rpm\n";
    int seq = 0;
    for (qint64 t = endMs - qint64(72) * 3600000; t < endMs; t += 120000)
        csv += QStringLiteral("%1,%2,%3,%4,1200\n").arg(nodeId).arg(t).arg(++seq).arg((t / 600000) % 2 ? 450 : 100).toUtf8();
    QCOMPARE(m_server.request("POST", QStringLiteral("/telemetry/batch?boot_epoch=1"), m_token, csv,
                              {{"Content-Type", "text/csv"}}).status, 200);
    const Tests::Reply second = upload(twinId, part("rod_a", 0) + part("spring_b", 1) + part("gear_c", 2));
    const Tests::Reply v2 = m_server.requestJson(
        "POST", QStringLiteral("/twins/%1/versions").arg(twinId), m_token,
        {{QStringLiteral("parents"), QJsonArray{v1.json.value(QStringLiteral("id"))}},
         {QStringLiteral("message"), QStringLiteral("a gear added")},
         {QStringLiteral("model_sha256"), second.json.value(QStringLiteral("sha256"))}});
    QCOMPARE(v2.status, 201);

    App::Session session;
    QVERIFY(beginSession(session));
    App::TwinWorkspace workspace(&session, twin.json);
    workspace.resize(1200, 800);
    workspace.show();
    QSignalSpy shown(&workspace, &App::TwinWorkspace::versionShown);
    workspace.openVersion();
    QVERIFY(shown.wait(30000));
    App::SceneView *view = workspace.sceneView();
    QCOMPARE(view->componentNames().size(), 3);
    workspace.setAgeingMode(true);
    App::AgeingPanel *ageing = workspace.ageing();
    QTRY_VERIFY_WITH_TIMEOUT(ageing->run() != nullptr, 30000);
    // The gear entered service with version 2: no damage before.
    const App::AgeingRun::Component &gear = ageing->run()->components().at(ageing->run()->indexOf(QStringLiteral("gear_c")));
    QVERIFY(std::isnan(gear.damage.front()));
    QVERIFY(!std::isnan(gear.damage.back()));
    QTRY_COMPARE_WITH_TIMEOUT(ageing->timeline()->markers().size(), 2, 10000);

    ageing->timeline()->setValue(0);  // three days ago
    QTRY_COMPARE_WITH_TIMEOUT(view->componentNames().size(), 2, 20000);  // version 1's model
    QVERIFY(!view->componentNames().contains(QStringLiteral("gear_c")));
    QVERIFY(workspace.statusText().contains(QLatin1String("version 1")));
    // Its parts are coloured by their damage then.
    QVERIFY(view->componentColor(QStringLiteral("rod_a")).isValid());
    ageing->timeline()->setValue(ageing->timeline()->maximum());
    QTRY_COMPARE_WITH_TIMEOUT(view->componentNames().size(), 3, 20000);
    QVERIFY(view->isComponentVisible(QStringLiteral("gear_c")));
    // Back to the model view: the open version's model, as it was opened.
    workspace.setAgeingMode(false);
    QCOMPARE(view->componentNames().size(), 3);
}

QTEST_MAIN(tst_Viewer)
#include "tst_viewer.moc"

#include "logindialog.h"
#include "localserver.h"
#include "mainwindow.h"
#include "session.h"
#include "testserver.h"
#include "twinbrowser.h"

#include <QLabel>
#include <QPushButton>
#include <QSettings>
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

QTEST_MAIN(tst_Desktop)
#include "tst_desktop.moc"

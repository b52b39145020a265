#include "mainwindow.h"

#include "logindialog.h"
#include "session.h"
#include "telemetry/telemetrydashboard.h"
#include "twinbrowser.h"
#include "workspace/twinworkspace.h"
#include "version.h"

#include <QApplication>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>

namespace Laces::App {

MainWindow::MainWindow(Session *session, LocalServer *localServer, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_localServer(localServer)
    , m_browser(new TwinBrowser(session, this))
    , m_telemetry(new TelemetryDashboard(session, this))
    , m_tabs(new QTabWidget(this))
    , m_serverLabel(new QLabel(this))
    , m_userLabel(new QLabel(this))
    , m_stateLabel(new QLabel(this))
{
    setWindowTitle(tr("LACES Genesis"));
    setWindowIcon(QIcon::fromTheme(QStringLiteral("org.laces.Genesis")));
    m_tabs->setTabsClosable(true);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_browser, tr("Twins"));
    m_tabs->addTab(m_telemetry, tr("Telemetry"));
    setCentralWidget(m_tabs);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) {
        if (index > 1)
            delete m_tabs->widget(index);
    });
    connect(m_browser, &TwinBrowser::openRequested, this, &MainWindow::openTwin);
    m_tabs->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    m_tabs->tabBar()->setTabButton(1, QTabBar::RightSide, nullptr);
    connect(m_telemetry, &TelemetryDashboard::errorOccurred, this,
            [this](const QString &message) { statusBar()->showMessage(message, 8000); });
    m_stateLabel->setObjectName(QStringLiteral("connectionState"));
    statusBar()->addWidget(m_serverLabel);
    statusBar()->addWidget(m_userLabel);
    statusBar()->addPermanentWidget(m_stateLabel);
    createMenus();
    resize(960, 640);

    connect(m_session, &Session::stateChanged, this, [this] { showSessionInfo(); });
    connect(m_session, &Session::sessionExpired, this, [this] {
        QMessageBox::information(this, tr("Session ended"),
                                 tr("Your session has ended (logged out elsewhere, revoked or expired). "
                                    "Please log in again."));
        logOut();
    });
    connect(m_browser, &TwinBrowser::errorOccurred, this,
            [this](const QString &message) { statusBar()->showMessage(message, 8000); });
}

TwinWorkspace *MainWindow::openTwin(const QJsonObject &twin)
{
    const QString id = twin.value(QStringLiteral("id")).toString();
    for (int i = 2; i < m_tabs->count(); ++i) {
        if (auto *existing = qobject_cast<TwinWorkspace *>(m_tabs->widget(i)); existing && existing->twinId() == id) {
            m_tabs->setCurrentIndex(i);
            return existing;
        }
    }
    auto *workspace = new TwinWorkspace(m_session, twin, m_tabs);
    m_tabs->setCurrentIndex(m_tabs->addTab(workspace, twin.value(QStringLiteral("name")).toString()));
    workspace->openVersion();
    return workspace;
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Reload"), QKeySequence::Refresh, m_browser, &TwinBrowser::reload);
    file->addAction(tr("Log &out"), this, &MainWindow::logOut);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
    QMenu *settings = menuBar()->addMenu(tr("&Settings"));
    settings->addAction(tr("&Language…"), this, &MainWindow::chooseLanguage);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About LACES Genesis"), this, [this] {
        QMessageBox::about(this, tr("About LACES Genesis"),
                           tr("<h3>LACES Genesis %1</h3><p>A workbench for industrial digital twins.</p>")
                               .arg(Core::productVersion()));
    });
}

void MainWindow::showSessionInfo()
{
    m_serverLabel->setText(tr("Server: %1").arg(m_session->client()->baseUrl().toString()));
    m_userLabel->setText(tr("User: %1 (%2)").arg(m_session->username(), m_session->role()));
    switch (m_session->state()) {
    case Session::State::Connected:
        m_stateLabel->setText(tr("Connected"));
        m_stateLabel->setStyleSheet(QStringLiteral("color: #1b7f3b;"));
        break;
    case Session::State::Reconnecting:
        m_stateLabel->setText(tr("Server unreachable, retrying…"));
        m_stateLabel->setStyleSheet(QStringLiteral("color: #b00020;"));
        break;
    case Session::State::LoggedOut:
        m_stateLabel->setText(tr("Logged out"));
        m_stateLabel->setStyleSheet(QString());
        break;
    }
    m_browser->updatePermissions();
}

void MainWindow::logOut()
{
    if (m_session->client()->isAuthenticated())
        m_session->client()->logout(this, [](const QJsonObject &, const ApiError *) {});
    m_session->end();
    hide();
    LoginDialog dialog(m_session, m_localServer);
    if (dialog.exec() != QDialog::Accepted) {
        qApp->quit();
        return;
    }
    showSessionInfo();
    m_browser->reload();
    m_telemetry->resetSession();
    show();
}

void MainWindow::chooseLanguage()
{
    const QStringList codes{QString(), QStringLiteral("en"), QStringLiteral("de"), QStringLiteral("fr")};
    const QStringList names{tr("System default"), QStringLiteral("English"), QStringLiteral("Deutsch"),
                            QStringLiteral("Français")};
    QSettings settings;
    const int current = qMax(0, codes.indexOf(settings.value(QStringLiteral("language")).toString()));
    bool ok = false;
    const QString chosen = QInputDialog::getItem(this, tr("Language"), tr("Language of the user interface:"), names,
                                                 current, false, &ok);
    if (!ok)
        return;
    settings.setValue(QStringLiteral("language"), codes.value(names.indexOf(chosen)));
    QMessageBox::information(this, tr("Language"), tr("The new language applies when LACES Genesis starts again."));
}

} // namespace Laces::App

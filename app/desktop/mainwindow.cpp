#include "mainwindow.h"

#include "logindialog.h"
#include "maintenance/fleetoverview.h"
#include "maintenance/maintenancequeue.h"
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
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QVBoxLayout>

#include <memory>

namespace Laces::App {

namespace {
constexpr int kFixedTabs = 3;  // twins, telemetry, maintenance: not closable
}

MainWindow::MainWindow(Session *session, LocalServer *localServer, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_localServer(localServer)
    , m_browser(new TwinBrowser(session, this))
    , m_telemetry(new TelemetryDashboard(session, this))
    , m_fleet(new FleetOverview(session, this))
    , m_queue(new MaintenanceQueue(session, this))
    , m_telemetryStack(new QStackedWidget(this))
    , m_tabs(new QTabWidget(this))
    , m_serverLabel(new QLabel(this))
    , m_userLabel(new QLabel(this))
    , m_stateLabel(new QLabel(this))
    , m_slowedLabel(new QLabel(this))
{
    setWindowTitle(tr("LACES Genesis"));
    setWindowIcon(QIcon::fromTheme(QStringLiteral("org.laces.Genesis")));
    m_tabs->setTabsClosable(true);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_browser, tr("Twins"));
    // The Telemetry tab starts on the fleet; a machine chosen there opens its dashboard.
    auto *dashboardPage = new QWidget(m_telemetryStack);
    auto *dashboardLayout = new QVBoxLayout(dashboardPage);
    dashboardLayout->setContentsMargins(0, 0, 0, 0);
    auto *back = new QPushButton(tr("← &Fleet overview"), dashboardPage);
    back->setObjectName(QStringLiteral("backToFleet"));
    auto *backRow = new QHBoxLayout;
    backRow->setContentsMargins(9, 6, 9, 0);
    backRow->addWidget(back);
    backRow->addStretch(1);
    dashboardLayout->addLayout(backRow);
    dashboardLayout->addWidget(m_telemetry, 1);
    m_telemetryStack->addWidget(m_fleet);
    m_telemetryStack->addWidget(dashboardPage);
    m_tabs->addTab(m_telemetryStack, tr("Telemetry"));
    m_tabs->addTab(m_queue, tr("Maintenance"));
    setCentralWidget(m_tabs);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) {
        if (index >= kFixedTabs)
            delete m_tabs->widget(index);
    });
    connect(m_browser, &TwinBrowser::openRequested, this, &MainWindow::openTwin);
    for (int i = 0; i < kFixedTabs; ++i)
        m_tabs->tabBar()->setTabButton(i, QTabBar::RightSide, nullptr);
    connect(back, &QPushButton::clicked, this, [this] {
        m_telemetryStack->setCurrentIndex(0);
        m_fleet->reload();
    });
    connect(m_fleet, &FleetOverview::telemetryRequested, this, &MainWindow::openTelemetry);
    connect(m_queue, &MaintenanceQueue::telemetryRequested, this, &MainWindow::openTelemetry);
    connect(m_queue, &MaintenanceQueue::showInModelRequested, this, &MainWindow::showInModel);
    connect(m_fleet, &FleetOverview::errorOccurred, this,
            [this](const QString &message) { statusBar()->showMessage(message, 8000); });
    connect(m_queue, &MaintenanceQueue::errorOccurred, this,
            [this](const QString &message) { statusBar()->showMessage(message, 8000); });
    connect(m_telemetry, &TelemetryDashboard::errorOccurred, this,
            [this](const QString &message) { statusBar()->showMessage(message, 8000); });
    m_stateLabel->setObjectName(QStringLiteral("connectionState"));
    statusBar()->addWidget(m_serverLabel);
    statusBar()->addWidget(m_userLabel);
    statusBar()->addPermanentWidget(m_slowedLabel);
    statusBar()->addPermanentWidget(m_stateLabel);
    // The server's rate limit: calls wait and go again by themselves; say so instead of failing.
    m_slowedLabel->setObjectName(QStringLiteral("slowedDown"));
    m_slowedLabel->setStyleSheet(QStringLiteral("QLabel { color: #8a5a00; font-weight: bold; }"));
    m_slowedLabel->hide();
    connect(m_session->client(), &ApiClient::slowedDown, this, [this](int retryAfterS) {
        m_slowedLabel->setText(tr("Slowed down by the server: retrying in %n s", nullptr, retryAfterS));
        m_slowedLabel->setToolTip(tr("The server limits how many requests a user may make a minute. "
                                     "Your changes are not lost: they are sent again by themselves."));
        m_slowedLabel->show();
    });
    connect(m_session->client(), &ApiClient::speedRestored, m_slowedLabel, &QLabel::hide);
    createMenus();
    resize(1200, 760);

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
    for (int i = kFixedTabs; i < m_tabs->count(); ++i) {
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

bool MainWindow::isShowingFleetOverview() const
{
    return m_telemetryStack->currentIndex() == 0;
}

void MainWindow::openTelemetry(const QString &nodeId)
{
    if (nodeId.isEmpty())
        return;
    m_tabs->setCurrentWidget(m_telemetryStack);
    m_telemetryStack->setCurrentIndex(1);
    m_telemetry->showNode(nodeId);
}

void MainWindow::showInModel(const QString &twinId, const QString &versionId, const QString &component)
{
    if (twinId.isEmpty()) {
        statusBar()->showMessage(tr("This ticket is not about a twin."), 8000);
        return;
    }
    m_session->client()->send("GET", QStringLiteral("/twins/") + twinId, nullptr, this,
                              [this, versionId, component](const QJsonObject &twin, const ApiError *error) {
        if (error) {
            statusBar()->showMessage(tr("The twin cannot be opened: %1").arg(error->describe()), 8000);
            return;
        }
        TwinWorkspace *workspace = openTwin(twin);
        const QPointer<TwinWorkspace> guard(workspace);
        const auto select = [this, guard, component] {
            if (!guard || component.isEmpty())
                return;
            const int number = guard->version().value(QStringLiteral("number")).toInt();
            if (!guard->highlightComponent(component))
                statusBar()->showMessage(tr("Version %1 of this twin has no component \"%2\"; the whole model is shown.")
                                             .arg(number).arg(component), 12000);
            else
                statusBar()->showMessage(tr("%1 selected (version %2).").arg(component).arg(number), 8000);
        };
        const QString shown = workspace->version().value(QStringLiteral("id")).toString();
        if (!shown.isEmpty() && (versionId.isEmpty() || shown == versionId)) {
            select();  // already on screen
            return;
        }
        // Once the version is on screen (or failed to load): its component selected.
        auto connection = std::make_shared<QMetaObject::Connection>();
        *connection = connect(workspace, &TwinWorkspace::versionShown, this, [connection, select](const QString &) {
            disconnect(*connection);
            select();
        });
        if (!versionId.isEmpty())
            workspace->openVersion(versionId);
    });
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
                                   .arg(Core::productVersion())
                               + tr("<p>The fleet map is made with Natural Earth (public domain map data).</p>"));
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
    m_telemetryStack->setCurrentIndex(0);
    m_fleet->resetSession();
    m_queue->resetSession();
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

#include "logindialog.h"

#include "localserver.h"
#include "session.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace Laces::App {

LoginDialog::LoginDialog(Session *session, LocalServer *localServer, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_localServer(localServer)
    , m_server(new QLineEdit(this))
    , m_username(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_startLocal(new QCheckBox(tr("Start a local server (embedded database)"), this))
    , m_status(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Log in to LACES Genesis"));
    QSettings settings;
    m_server->setText(settings.value(QStringLiteral("login/server"), QStringLiteral("http://127.0.0.1:8000")).toString());
    m_username->setText(settings.value(QStringLiteral("login/username")).toString());
    m_startLocal->setObjectName(QStringLiteral("startLocal"));
    m_server->setObjectName(QStringLiteral("server"));
    m_username->setObjectName(QStringLiteral("username"));
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_status->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("status"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Log in"));

    auto *form = new QFormLayout;
    form->addRow(tr("&Server:"), m_server);
    form->addRow(QString(), m_startLocal);
    form->addRow(tr("&User name:"), m_username);
    form->addRow(tr("&Password:"), m_password);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &LoginDialog::logIn);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_startLocal, &QCheckBox::toggled, this, [this](bool checked) {
        m_server->setDisabled(checked);
        if (checked && isVisible())
            startLocalServer();
    });
    connect(m_localServer, &LocalServer::ready, this, [this](const QUrl &url) {
        m_localUrl = url;
        if (m_startLocal->isChecked())
            m_server->setText(url.toString());
        setBusy(false, m_loginPending ? QString() : tr("The local server is ready."));
        if (m_loginPending) {
            m_loginPending = false;
            logIn();
        }
    });
    connect(m_localServer, &LocalServer::failed, this, [this](const QString &message) {
        m_loginPending = false;
        setBusy(false);
        showError(message);
    });
    m_startLocal->setChecked(settings.value(QStringLiteral("login/start_local"), false).toBool());
    if (m_username->text().isEmpty())
        m_username->setFocus();
    else
        m_password->setFocus();
}

void LoginDialog::setServerUrl(const QString &url)
{
    m_startLocal->setChecked(false);
    m_server->setText(url);
}

void LoginDialog::showEvent(QShowEvent *event)
{
    QDialog::showEvent(event);
    if (m_startLocal->isChecked())
        startLocalServer();
}

void LoginDialog::setStartLocalServer(bool start)
{
    m_startLocal->setChecked(start);
}

bool LoginDialog::startsLocalServer() const
{
    return m_startLocal->isChecked();
}

void LoginDialog::startLocalServer()
{
    if (m_localServer->isRunning())
        return;
    m_localUrl = QUrl();
    setBusy(m_loginPending, tr("Starting a local server…"));
    m_localServer->start(true);
}

void LoginDialog::setUsername(const QString &username)
{
    m_username->setText(username);
    m_password->setFocus();
}

QString LoginDialog::serverUrl() const
{
    return m_server->text().trimmed();
}

void LoginDialog::submit(const QString &password)
{
    m_password->setText(password);
    logIn();
}

void LoginDialog::setBusy(bool busy, const QString &message)
{
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!busy);
    m_status->setStyleSheet(QString());
    m_status->setText(message);
}

void LoginDialog::showError(const QString &message)
{
    m_status->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_status->setText(message);
}

void LoginDialog::logIn()
{
    if (m_startLocal->isChecked()) {
        if (!m_localServer->isRunning() || !m_localUrl.isValid()) {
            m_loginPending = true;
            if (m_localServer->isRunning())
                setBusy(true, tr("Starting a local server…"));
            else
                startLocalServer();
            return;
        }
        m_server->setText(m_localUrl.toString());
    }
    const QUrl url(serverUrl(), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty()) {
        showError(tr("The server address must be an http:// or https:// URL."));
        return;
    }
    if (m_username->text().trimmed().isEmpty() || m_password->text().isEmpty()) {
        showError(tr("Enter your user name and password."));
        return;
    }
    setBusy(true, tr("Logging in…"));
    ApiClient *client = m_session->client();
    client->setBaseUrl(url);
    client->login(m_username->text().trimmed(), m_password->text(), this,
                  [this, client](const QJsonObject &, const ApiError *error) {
                      if (error) {
                          setBusy(false);
                          if (error->status == 401)
                              showError(tr("Wrong user name or password."));
                          else if (error->status == 429)
                              showError(tr("Too many failed attempts; try again in %n second(s).", nullptr,
                                           error->retryAfterS));
                          else
                              showError(error->describe());
                          return;
                      }
                      client->me(this, [this](const QJsonObject &me, const ApiError *meError) {
                          setBusy(false);
                          if (meError) {
                              showError(meError->describe());
                              return;
                          }
                          QSettings settings;
                          if (!m_startLocal->isChecked())
                              settings.setValue(QStringLiteral("login/server"), serverUrl());
                          settings.setValue(QStringLiteral("login/start_local"), m_startLocal->isChecked());
                          settings.setValue(QStringLiteral("login/username"), m_username->text().trimmed());
                          m_password->clear();
                          m_session->begin(me);
                          accept();
                      });
                  });
}

} // namespace Laces::App

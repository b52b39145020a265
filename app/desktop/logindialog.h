#pragma once

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace Laces::App {

class LocalServer;
class Session;

// Asks for the server, user name and password, logs in, and loads the user's profile.
// Accepted only once the server has said yes; errors are shown in the dialog.
class LoginDialog : public QDialog
{
    Q_OBJECT

public:
    LoginDialog(Session *session, LocalServer *localServer, QWidget *parent = nullptr);

    void setServerUrl(const QString &url);
    void setUsername(const QString &username);
    QString serverUrl() const;

    // For tests and scripted use: fill in and press "Log in".
    void submit(const QString &password);

private:
    void logIn();
    void setBusy(bool busy, const QString &message = {});
    void showError(const QString &message);

    Session *m_session;
    LocalServer *m_localServer;
    QLineEdit *m_server;
    QLineEdit *m_username;
    QLineEdit *m_password;
    QCheckBox *m_startLocal;
    QLabel *m_status;
    QDialogButtonBox *m_buttons;
};

} // namespace Laces::App

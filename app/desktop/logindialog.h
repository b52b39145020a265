#pragma once

#include <QDialog>
#include <QUrl>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace Laces::App {

class LocalServer;
class Session;

// Asks for the server, user name and password, logs in, and loads the user's profile.
// Accepted only once the server has said yes; errors are shown in the dialog. With
// "Start a local server" ticked (remembered like the server address), the local server
// starts at once in the background, so it is ready by the time the password is typed.
class LoginDialog : public QDialog
{
    Q_OBJECT

public:
    LoginDialog(Session *session, LocalServer *localServer, QWidget *parent = nullptr);

    // An address given explicitly: the dialog logs in there, not to a local server.
    void setServerUrl(const QString &url);
    void setStartLocalServer(bool start);
    bool startsLocalServer() const;
    void setUsername(const QString &username);
    QString serverUrl() const;

    // For tests and scripted use: fill in and press "Log in".
    void submit(const QString &password);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void logIn();
    void startLocalServer();
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
    QUrl m_localUrl;            // the local server's address once it is ready
    bool m_loginPending = false; // "Log in" was pressed while the local server started
};

} // namespace Laces::App

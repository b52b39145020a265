#include "localserver.h"
#include "process/shutdownsignals.h"
#include "logindialog.h"
#include "mainwindow.h"
#include "session.h"
#include "twinbrowser.h"
#include "version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

#include <csignal>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("LACES"));
    QApplication::setApplicationName(QStringLiteral("laces"));
    QApplication::setApplicationDisplayName(QStringLiteral("LACES Genesis"));
    QApplication::setApplicationVersion(Laces::Core::productVersion());
    QApplication::setDesktopFileName(QStringLiteral("org.laces.Genesis"));

    // The language follows the system locale unless chosen in Settings → Language.
    const QString chosen = QSettings().value(QStringLiteral("language")).toString();
    const QLocale locale = chosen.isEmpty() ? QLocale::system() : QLocale(chosen);
    QTranslator qtTranslator;
    if (qtTranslator.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator translator;
    if (translator.load(locale, QStringLiteral("laces"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&translator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "LACES Genesis desktop workbench."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption serverOption(QStringLiteral("server"),
                                          QApplication::translate("main", "Server URL to offer in the login dialog."),
                                          QStringLiteral("url"));
    const QCommandLineOption userOption(QStringLiteral("user"),
                                        QApplication::translate("main", "User name to offer in the login dialog."),
                                        QStringLiteral("name"));
    const QCommandLineOption localOption(QStringLiteral("local"),
                                         QApplication::translate("main", "Start a local server (embedded database) "
                                                                         "and log in to it."));
    parser.addOptions({serverOption, userOption, localOption});
    parser.process(app);

    // Ended by a signal (a logout, kill, Ctrl+C in the terminal), the app quits as from
    // File → Quit: dialogs close, and the local server it started stops with it.
    Laces::Core::ShutdownSignals shutdownSignals({SIGINT, SIGTERM, SIGHUP});
    QObject::connect(&shutdownSignals, &Laces::Core::ShutdownSignals::shutdownRequested, &app,
                     [] { QCoreApplication::exit(0); });

    Laces::App::Session session;
    Laces::App::LocalServer localServer;
    Laces::App::LoginDialog login(&session, &localServer);
    if (parser.isSet(serverOption))
        login.setServerUrl(parser.value(serverOption));
    if (parser.isSet(localOption))
        login.setStartLocalServer(true);
    if (parser.isSet(userOption))
        login.setUsername(parser.value(userOption));
    if (login.exec() != QDialog::Accepted)
        return 0;

    Laces::App::MainWindow window(&session, &localServer);
    window.showSessionInfo();
    window.twinBrowser()->reload();
    window.show();
    return app.exec();
}

#include "logging.h"
#include "ops/backuptool.h"
#include "process/shutdownsignals.h"
#include "server.h"
#include "serverconfig.h"
#include "version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("laces-server"));
    QCoreApplication::setApplicationVersion(Laces::Core::productVersion());
    Laces::Server::installLogHandler();
    if (Laces::Server::isBackupCommand(app.arguments()))
        return Laces::Server::runBackupCommand(app.arguments());

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("LACES Genesis server: REST and WebSocket API for digital twins, telemetry and "
                       "maintenance, on an embedded PostgreSQL cluster or an external database.\n\n"
                       "Data safety (see 'laces-server backup --help'):\n"
                       "  laces-server backup --to FILE | --rotate DIR [--data-dir DIR | --database-url URL]\n"
                       "  laces-server restore [--data-dir DIR | --database-url URL] FILE\n"
                       "  laces-server basebackup --to DIR [--data-dir DIR]\n"
                       "  laces-server restore --base DIR --wal-archive DIR --target-time T --data-dir DIR"));
    parser.addHelpOption();
    parser.addVersionOption();
    Laces::Server::ServerConfig::addOptions(parser);
    parser.process(app);

    auto config = Laces::Server::ServerConfig::fromParser(parser);
    if (!config) {
        std::fprintf(stderr, "laces-server: %s\n", qPrintable(config.error().message));
        return 2;
    }

    Laces::Server::installLogHandler(config->jsonLogs);
    Laces::Server::Server server(*config);
    Laces::Core::ShutdownSignals shutdownSignals;
    QObject::connect(&shutdownSignals, &Laces::Core::ShutdownSignals::shutdownRequested, &app, [](int signalNumber) {
        qInfo("shutting down on signal %d", signalNumber);
        QCoreApplication::quit();
    });
    if (auto started = server.start(); !started) {
        std::fprintf(stderr, "laces-server: %s\n", qPrintable(started.error().message));
        server.stop();
        return 1;
    }
    const int code = app.exec();
    server.stop();
    return code;
}

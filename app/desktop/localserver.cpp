#include "localserver.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QStandardPaths>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcLocalServer, "laces.desktop.localserver")

namespace Laces::App {

LocalServer::LocalServer(QObject *parent)
    : QObject(parent)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    // The server ends with the desktop, however the desktop ends: a desktop stopped by
    // SIGKILL cannot stop its child, so the kernel tells the child (SIGTERM, which the
    // server answers with a clean stop of its database). The parent's pid is taken
    // before fork; if it already died in between, the child would never be told.
    const pid_t desktop = ::getpid();
    m_process.setChildProcessModifier([desktop] {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != desktop)
            ::_exit(1);
    });
    connect(&m_process, &QProcess::readyRead, this, [this] {
        m_output += m_process.readAll();
        static const QRegularExpression readyLine(QStringLiteral("ready at (http://\\S+)"));
        const auto match = readyLine.match(QString::fromLocal8Bit(m_output));
        if (!m_ready && match.hasMatch()) {
            m_ready = true;
            qCInfo(lcLocalServer).noquote()
                << QStringLiteral("local server (pid %1) ready at %2").arg(m_process.processId()).arg(match.captured(1));
            emit ready(QUrl(match.captured(1)));
        }
        if (m_output.size() > 65536)
            m_output = m_output.right(16384);
    });
    connect(&m_process, &QProcess::finished, this, [this](int exitCode) {
        qCWarning(lcLocalServer).noquote() << QStringLiteral("local server stopped (exit code %1)").arg(exitCode);
        if (!m_ready) {
            qCWarning(lcLocalServer).noquote() << QString::fromLocal8Bit(m_output.right(600)).trimmed();
            emit failed(tr("The local server stopped (exit code %1): %2")
                            .arg(exitCode)
                            .arg(QString::fromLocal8Bit(m_output.right(600)).trimmed()));
        }
    });
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            emit failed(tr("Cannot start %1: %2").arg(serverBinary(), m_process.errorString()));
    });
}

LocalServer::~LocalServer()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(30000))
            m_process.kill();
    }
}

QString LocalServer::serverBinary()
{
    const QString chosen = qEnvironmentVariable("LACES_SERVER_BINARY");
    if (!chosen.isEmpty())
        return chosen;
    const QString beside = QCoreApplication::applicationDirPath() + QStringLiteral("/laces-server");
    if (QFileInfo(beside).isExecutable())
        return beside;
    const QString inBuildTree = QCoreApplication::applicationDirPath() + QStringLiteral("/../../server/laces-server");
    if (QFileInfo(inBuildTree).isExecutable())
        return QFileInfo(inBuildTree).absoluteFilePath();
    const QString inPath = QStandardPaths::findExecutable(QStringLiteral("laces-server"));
    return inPath.isEmpty() ? QStringLiteral("laces-server") : inPath;
}

void LocalServer::start(bool demo)
{
    if (isRunning())
        return;
    m_ready = false;
    m_output.clear();
    QStringList arguments{QStringLiteral("--port"), QStringLiteral("0")};
    if (demo)
        arguments << QStringLiteral("--demo");
    m_process.start(serverBinary(), arguments);
}

} // namespace Laces::App

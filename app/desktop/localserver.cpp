#include "localserver.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

namespace Laces::App {

LocalServer::LocalServer(QObject *parent)
    : QObject(parent)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    connect(&m_process, &QProcess::readyRead, this, [this] {
        m_output += m_process.readAll();
        static const QRegularExpression readyLine(QStringLiteral("ready at (http://\\S+)"));
        const auto match = readyLine.match(QString::fromLocal8Bit(m_output));
        if (!m_ready && match.hasMatch()) {
            m_ready = true;
            emit ready(QUrl(match.captured(1)));
        }
        if (m_output.size() > 65536)
            m_output = m_output.right(16384);
    });
    connect(&m_process, &QProcess::finished, this, [this](int exitCode) {
        if (!m_ready)
            emit failed(tr("The local server stopped (exit code %1): %2")
                            .arg(exitCode)
                            .arg(QString::fromLocal8Bit(m_output.right(600)).trimmed()));
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

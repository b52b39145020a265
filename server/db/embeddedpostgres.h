#pragma once

#include "result.h"

#include <QLockFile>
#include <QObject>
#include <QProcess>

#include <memory>

namespace Laces::Server {

// Supervises a private PostgreSQL cluster inside the server's data directory:
// initdb on first start, reuse afterwards, recovery from a stale postmaster.pid or an
// orphaned postmaster left by a killed server, a Unix socket inside the cluster directory
// only (no TCP), and a fast shutdown on stop(). As root the cluster runs as the
// `postgres` system user, since PostgreSQL refuses to run as root, or as the account that
// owns the data directory (or the cluster already in it) when that is not root: root
// starting a packaged service's directory runs its cluster as the service's account.
class EmbeddedPostgres : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString dataDir;         // the server's data directory; the cluster lives in dataDir/postgres
        QString binDir;          // empty: newest /usr/lib/postgresql/*/bin
        bool durable = true;     // false (tests only): fsync off, no sync after initdb
        int startTimeoutMs = 60000;
        // Non-empty: archive every finished WAL segment into this directory (point-in-time
        // recovery from a base backup, see adoptBaseBackup).
        QString walArchiveDir;
    };

    explicit EmbeddedPostgres(Options options, QObject *parent = nullptr);
    ~EmbeddedPostgres() override;

    Core::Status start();
    void stop();
    bool isRunning() const;

    // libpq connection string for the `laces` database on the private socket.
    QByteArray conninfo() const;
    QString clusterDir() const;
    QString socketDir() const { return clusterDir(); }
    bool createdNow() const { return m_createdNow; }
    qint64 postmasterPid() const;

    static QString findBinDir(const QString &preferred = {});
    QString binDir() const { return m_binDir; }
    // The conninfo of a cluster a running server keeps in `dataDir`; empty when none runs.
    static QByteArray runningConninfo(const QString &dataDir);

    // Makes this (not yet created) cluster a copy of the base backup in `baseDir` that,
    // at the next start(), replays the WAL in `archiveDir` up to `targetTime` (PostgreSQL's
    // timestamptz text) and then becomes a normal cluster. Fails when a cluster exists.
    Core::Status adoptBaseBackup(const QString &baseDir, const QString &archiveDir, const QString &targetTime);
    // After start() on an adopted base backup: waits until recovery reached its target.
    Core::Status waitForRecovery(int timeoutMs);

private:
    Core::Status prepareDirectories();
    Core::Status runInitdb();
    Core::Status recoverStalePidFile();
    Core::Status startPostmaster();
    Core::Status waitUntilReady();
    Core::Status ensureDatabase();
    Core::Status runTool(const QString &tool, const QStringList &arguments, int timeoutMs);
    void configureChildProcess(QProcess &process, bool dieWithParent) const;

    Options m_options;
    QString m_binDir;
    bool m_createdNow = false;
    bool m_asRoot = false;
    uint m_clusterUid = 0;
    uint m_clusterGid = 0;
    QString m_clusterAccount;   // as root: the account the cluster runs as
    std::unique_ptr<QLockFile> m_lock;
    std::unique_ptr<QProcess> m_postmaster;
};

} // namespace Laces::Server

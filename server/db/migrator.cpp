#include "migrator.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QRegularExpression>

Q_LOGGING_CATEGORY(lcMigrations, "laces.server.migrations")

namespace Laces::Server {

using Core::Error;

namespace {
// An arbitrary constant naming the migration lock among advisory locks.
constexpr char kLockSql[] = "SELECT pg_advisory_lock(7470111)";
constexpr char kUnlockSql[] = "SELECT pg_advisory_unlock(7470111)";
} // namespace

QList<Migrator::Migration> Migrator::embeddedMigrations()
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{4})_([a-z0-9_]+)\\.sql$"));
    QList<Migration> migrations;
    QDir dir(QStringLiteral(":/laces/migrations"));
    const QStringList files = dir.entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        const QRegularExpressionMatch match = pattern.match(file);
        if (!match.hasMatch())
            continue;
        QFile source(dir.filePath(file));
        source.open(QIODevice::ReadOnly);
        migrations.append({match.captured(1).toInt(), match.captured(2), source.readAll()});
    }
    return migrations;
}

int Migrator::latestVersion()
{
    const QList<Migration> migrations = embeddedMigrations();
    return migrations.isEmpty() ? 0 : migrations.last().version;
}

Core::Result<int> Migrator::currentVersion(PgConnection &connection)
{
    auto exists = connection.exec("SELECT to_regclass('schema_migrations') IS NOT NULL");
    if (!exists)
        return exists.error();
    if (!exists->boolean(0, 0))
        return 0;
    auto version = connection.exec("SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!version)
        return version.error();
    return int(version->integer(0, 0));
}

Core::Result<int> Migrator::migrate(PgConnection &connection)
{
    auto locked = connection.exec(kLockSql);
    if (!locked)
        return locked.error();
    auto unlock = qScopeGuard([&connection] { connection.exec(kUnlockSql); });

    auto created = connection.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY,"
        " name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    if (!created)
        return created.error();

    auto current = currentVersion(connection);
    if (!current)
        return current.error();
    const QList<Migration> migrations = embeddedMigrations();
    const int latest = migrations.isEmpty() ? 0 : migrations.last().version;
    if (*current > latest)
        return Error::unavailable(
            QStringLiteral("the database schema is version %1 but this laces-server knows only up to "
                           "version %2; run a newer laces-server")
                .arg(*current)
                .arg(latest));

    int applied = 0;
    for (const Migration &migration : migrations) {
        if (migration.version <= *current)
            continue;
        Transaction transaction(connection);
        if (!transaction.began())
            return transaction.began().error();
        if (Core::Status ran = connection.execScript(migration.sql); !ran)
            return Error::internal(QStringLiteral("migration %1_%2 failed: %3")
                                       .arg(migration.version, 4, 10, QLatin1Char('0'))
                                       .arg(migration.name, ran.error().message));
        auto recorded = connection.exec("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                                        {pgParam(migration.version), pgParam(migration.name)});
        if (!recorded)
            return recorded.error();
        if (Core::Status committed = transaction.commit(); !committed)
            return committed.error();
        qCInfo(lcMigrations).noquote() << "applied migration" << migration.version << migration.name;
        ++applied;
    }
    return applied;
}

} // namespace Laces::Server

#pragma once

#include "pgconnection.h"

#include <QList>

namespace Laces::Server {

// Applies the numbered SQL migrations embedded in the server (server/db/migrations/
// NNNN_name.sql), each in its own transaction, and records them in schema_migrations.
// Safe to run twice and from several instances at once (an advisory lock serializes
// them). Refuses a database whose schema is newer than this binary.
class Migrator
{
public:
    struct Migration
    {
        int version = 0;
        QString name;
        QByteArray sql;
    };

    static QList<Migration> embeddedMigrations();
    static int latestVersion();

    // Returns the number of migrations applied now (0 when already up to date).
    static Core::Result<int> migrate(PgConnection &connection);
    static Core::Result<int> currentVersion(PgConnection &connection);
};

} // namespace Laces::Server

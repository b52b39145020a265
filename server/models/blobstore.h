#pragma once

#include "model/modelinspector.h"
#include "result.h"

#include <QByteArray>
#include <QString>

namespace Laces::Server {

class PgConnection;

// Model files, stored once per content (SHA-256) as PostgreSQL large objects, with what
// inspection found in them. Every call runs inside the caller's transaction.
class BlobStore
{
public:
    struct Stored
    {
        QByteArray sha256;      // raw 32 bytes
        qint64 sizeBytes = 0;
        QString format;
        bool created = false;   // false: the same content was already stored
    };

    // Streams `filePath` into the database in 1 MiB chunks, unless the content is there.
    static Core::Result<Stored> store(PgConnection &db, const QString &filePath, const QByteArray &sha256,
                                      const Core::ModelInfo &info);
    // Reads `length` bytes from `offset` of a stored blob.
    static Core::Result<QByteArray> read(PgConnection &db, const QByteArray &sha256, qint64 offset,
                                         qint64 length);
    static Core::Result<QByteArray> sha256OfFile(const QString &filePath);
    // Inspects and stores a model file in one step (demo data, imports).
    static Core::Result<Stored> importFile(PgConnection &db, const QString &filePath);
};

} // namespace Laces::Server

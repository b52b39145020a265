#include "blobstore.h"

#include "common/jsonutil.h"
#include "db/pgconnection.h"

#include <QCryptographicHash>
#include <QFile>

#include <libpq-fe.h>
#include <libpq/libpq-fs.h>

namespace Laces::Server {

using Core::Error;

namespace {
constexpr qint64 kChunkBytes = 1024 * 1024;

QByteArray pgVector(const QVector3D &v)
{
    return realArrayParam({v.x(), v.y(), v.z()});
}

Error largeObjectError(PgConnection &db, const char *what)
{
    return Error::internal(QStringLiteral("large object %1 failed: %2")
                               .arg(QLatin1String(what), QString::fromUtf8(PQerrorMessage(db.handle())).trimmed()));
}
} // namespace

Core::Result<QByteArray> BlobStore::sha256OfFile(const QString &filePath)
{
    QFile file(filePath);
    if (!file.open(QIODevice::ReadOnly))
        return Error::internal(QStringLiteral("cannot read %1: %2").arg(filePath, file.errorString()));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file))
        return Error::internal(QStringLiteral("cannot read %1").arg(filePath));
    return hash.result();
}

Core::Result<BlobStore::Stored> BlobStore::store(PgConnection &db, const QString &filePath, const QByteArray &sha256,
                                                 const Core::ModelInfo &info)
{
    QFile file(filePath);
    if (!file.open(QIODevice::ReadOnly))
        return Error::internal(QStringLiteral("cannot read %1: %2").arg(filePath, file.errorString()));
    Stored stored;
    stored.sha256 = sha256;
    stored.sizeBytes = file.size();
    stored.format = info.format;

    const Oid oid = lo_creat(db.handle(), INV_READ | INV_WRITE);
    if (oid == InvalidOid)
        return largeObjectError(db, "create");
    auto inserted = db.exec("INSERT INTO model_blobs (sha256, size_bytes, format, content_oid, triangle_count, "
                            "vertex_count, mesh_count, instanced_triangle_count, bbox_min, bbox_max) "
                            "VALUES ($1::bytea, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                            "ON CONFLICT (sha256) DO NOTHING RETURNING 1",
                            {"\\x" + sha256.toHex(), pgParam(stored.sizeBytes), pgParam(info.format),
                             QByteArray::number(oid), pgParam(info.triangleCount), pgParam(info.vertexCount),
                             pgParam(info.meshCount), pgParam(info.instancedTriangleCount),
                             pgVector(info.bounds.min), pgVector(info.bounds.max)});
    if (!inserted)
        return inserted.error();
    if (inserted->rowCount() == 0) {
        lo_unlink(db.handle(), oid);  // the same content is stored already
        return stored;
    }
    stored.created = true;

    const int fd = lo_open(db.handle(), oid, INV_WRITE);
    if (fd < 0)
        return largeObjectError(db, "open");
    QByteArray chunk;
    while (!file.atEnd()) {
        chunk = file.read(kChunkBytes);
        if (chunk.isEmpty() && !file.atEnd())
            return Error::internal(QStringLiteral("cannot read %1: %2").arg(filePath, file.errorString()));
        if (lo_write(db.handle(), fd, chunk.constData(), size_t(chunk.size())) != int(chunk.size()))
            return largeObjectError(db, "write");
    }
    lo_close(db.handle(), fd);

    for (qsizetype i = 0; i < info.components.size(); ++i) {
        const Core::ModelComponent &component = info.components.at(i);
        auto added = db.exec("INSERT INTO model_blob_components (sha256, ordinal, name, path, triangle_count, "
                             "vertex_count, bbox_min, bbox_max) VALUES ($1::bytea, $2, $3, $4, $5, $6, $7, $8)",
                             {"\\x" + sha256.toHex(), pgParam(qint64(i)), pgParam(component.name.left(300)),
                              pgParam(component.path), pgParam(component.triangleCount),
                              pgParam(component.vertexCount), pgVector(component.bounds.min),
                              pgVector(component.bounds.max)});
        if (!added)
            return added.error();
    }
    return stored;
}

Core::Result<QByteArray> BlobStore::read(PgConnection &db, const QByteArray &sha256, qint64 offset, qint64 length)
{
    auto row = db.exec("SELECT content_oid FROM model_blobs WHERE sha256 = $1::bytea", {"\\x" + sha256.toHex()});
    if (!row)
        return row.error();
    if (row->rowCount() == 0)
        return Error::notFound(QStringLiteral("no such model"));
    const Oid oid = Oid(row->integer(0, 0));
    const int fd = lo_open(db.handle(), oid, INV_READ);
    if (fd < 0)
        return largeObjectError(db, "open");
    if (lo_lseek64(db.handle(), fd, offset, SEEK_SET) < 0)
        return largeObjectError(db, "seek");
    QByteArray data(length, Qt::Uninitialized);
    qint64 done = 0;
    while (done < length) {
        const int got = lo_read(db.handle(), fd, data.data() + done, size_t(qMin(kChunkBytes, length - done)));
        if (got < 0)
            return largeObjectError(db, "read");
        if (got == 0)
            break;
        done += got;
    }
    lo_close(db.handle(), fd);
    data.truncate(done);
    return data;
}

Core::Result<BlobStore::Stored> BlobStore::importFile(PgConnection &db, const QString &filePath)
{
    auto info = Core::ModelInspector::inspectFile(filePath);
    if (!info)
        return info.error();
    auto sha = sha256OfFile(filePath);
    if (!sha)
        return sha.error();
    return store(db, filePath, *sha, *info);
}

} // namespace Laces::Server

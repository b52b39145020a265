#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>

// The shared test data in place (../shared/data); each test target defines
// LACES_SHARED_DATA_DIR (laces_add_test).
namespace Laces::Tests {

inline QString sharedModel(const char *name)
{
    return QStringLiteral(LACES_SHARED_DATA_DIR "/models/") + QLatin1String(name);
}

// A file's bytes; empty when it cannot be read.
inline QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

} // namespace Laces::Tests

#pragma once

#include "db/pgconnection.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>
#include <QUuid>

namespace Laces::Server {

// Rows that the database built with json_build_object(...) in column `column`.
QJsonObject jsonObjectAt(const PgResult &result, int row, int column = 0);
QJsonArray jsonArrayOf(const PgResult &result, int column = 0);

QByteArray uuidParam(const QUuid &id);
QByteArray jsonParam(const QJsonObject &object);
// A PostgreSQL text[] literal, each element quoted.
QByteArray textArrayParam(const QStringList &items);
// A double precision value, and a double precision[] literal, without losing precision.
QByteArray realParam(double value);
QByteArray realArrayParam(const QList<double> &values);
// bigint[] and uuid[] literals.
QByteArray integerArrayParam(const QList<qint64> &values);
QByteArray uuidArrayParam(const QList<QUuid> &ids);

} // namespace Laces::Server

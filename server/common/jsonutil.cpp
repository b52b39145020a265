#include "jsonutil.h"

#include <QJsonDocument>

namespace Laces::Server {

QJsonObject jsonObjectAt(const PgResult &result, int row, int column)
{
    return QJsonDocument::fromJson(result.bytes(row, column)).object();
}

QJsonArray jsonArrayOf(const PgResult &result, int column)
{
    QJsonArray array;
    for (int row = 0; row < result.rowCount(); ++row)
        array.append(jsonObjectAt(result, row, column));
    return array;
}

QByteArray uuidParam(const QUuid &id)
{
    return id.toByteArray(QUuid::WithoutBraces);
}

QByteArray jsonParam(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray textArrayParam(const QStringList &items)
{
    QStringList quoted;
    for (QString item : items)
        quoted.append(QLatin1Char('"') + item.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
                                              .replace(QLatin1Char('"'), QLatin1String("\\\""))
                      + QLatin1Char('"'));
    return "{" + quoted.join(QLatin1Char(',')).toUtf8() + "}";
}

QByteArray realParam(double value)
{
    return QByteArray::number(value, 'g', 17);
}

QByteArray realArrayParam(const QList<double> &values)
{
    QByteArrayList numbers;
    numbers.reserve(values.size());
    for (double value : values)
        numbers.append(realParam(value));
    return "{" + numbers.join(',') + "}";
}

QByteArray integerArrayParam(const QList<qint64> &values)
{
    QByteArrayList numbers;
    numbers.reserve(values.size());
    for (qint64 value : values)
        numbers.append(QByteArray::number(value));
    return "{" + numbers.join(',') + "}";
}

QByteArray uuidArrayParam(const QList<QUuid> &ids)
{
    QByteArrayList items;
    items.reserve(ids.size());
    for (const QUuid &id : ids)
        items.append(id.toByteArray(QUuid::WithoutBraces));
    return "{" + items.join(',') + "}";
}

} // namespace Laces::Server

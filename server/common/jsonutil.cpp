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

} // namespace Laces::Server

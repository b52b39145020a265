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

} // namespace Laces::Server

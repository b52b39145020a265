#pragma once

#include "result.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>

namespace Laces::Server {

// A small declarative check of a JSON request object: field names, types, required
// fields and string lengths. Unknown fields are refused, so a typo never goes unnoticed.
struct FieldSpec
{
    enum class Type { String, Object, Integer, Number, Bool, Array, Any, StringOrNull, NumberOrNull };
    QString name;
    Type type = Type::String;
    bool required = false;
    int minLength = 0;      // strings
    int maxLength = 10000;  // strings
};

Core::Status validateObject(const QJsonObject &object, const QList<FieldSpec> &fields);

} // namespace Laces::Server

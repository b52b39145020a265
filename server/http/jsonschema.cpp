#include "jsonschema.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace Laces::Server {

using Core::Error;

namespace {

QString typeName(FieldSpec::Type type)
{
    switch (type) {
    case FieldSpec::Type::String: return QStringLiteral("a string");
    case FieldSpec::Type::Object: return QStringLiteral("an object");
    case FieldSpec::Type::Integer: return QStringLiteral("an integer");
    case FieldSpec::Type::Number: return QStringLiteral("a number");
    case FieldSpec::Type::Bool: return QStringLiteral("a boolean");
    case FieldSpec::Type::Array: return QStringLiteral("an array");
    case FieldSpec::Type::Any: return QStringLiteral("a JSON value");
    case FieldSpec::Type::StringOrNull: return QStringLiteral("a string or null");
    case FieldSpec::Type::NumberOrNull: return QStringLiteral("a number or null");
    }
    return {};
}

bool hasType(const QJsonValue &value, FieldSpec::Type type)
{
    switch (type) {
    case FieldSpec::Type::String: return value.isString();
    case FieldSpec::Type::Object: return value.isObject();
    case FieldSpec::Type::Integer: {
        if (!value.isDouble())
            return false;
        const double number = value.toDouble();
        return std::floor(number) == number && std::abs(number) < 9.0e15;
    }
    case FieldSpec::Type::Number: return value.isDouble();
    case FieldSpec::Type::Bool: return value.isBool();
    case FieldSpec::Type::Array: return value.isArray();
    case FieldSpec::Type::Any: return true;
    case FieldSpec::Type::StringOrNull: return value.isString() || value.isNull();
    case FieldSpec::Type::NumberOrNull: return value.isDouble() || value.isNull();
    }
    return false;
}

// PostgreSQL text and jsonb cannot hold U+0000, and C APIs would cut strings there.
bool containsNul(const QJsonValue &value)
{
    if (value.isString())
        return value.toString().contains(QChar(0));
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        return std::any_of(array.begin(), array.end(), [](const QJsonValue &item) { return containsNul(item); });
    }
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.key().contains(QChar(0)) || containsNul(it.value()))
                return true;
        }
    }
    return false;
}

} // namespace

Core::Status validateObject(const QJsonObject &object, const QList<FieldSpec> &fields)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        const bool known = std::any_of(fields.begin(), fields.end(),
                                       [&](const FieldSpec &field) { return field.name == it.key(); });
        if (!known)
            return Error::invalid(QStringLiteral("unknown field '%1'").arg(it.key()), it.key());
    }
    for (const FieldSpec &field : fields) {
        const QJsonValue value = object.value(field.name);
        if (value.isUndefined()) {
            if (field.required)
                return Error::invalid(QStringLiteral("'%1' is required").arg(field.name), field.name);
            continue;
        }
        if (!hasType(value, field.type))
            return Error::invalid(QStringLiteral("'%1' must be %2").arg(field.name, typeName(field.type)),
                                  field.name);
        if (containsNul(value))
            return Error::invalid(QStringLiteral("'%1' must not contain the character U+0000").arg(field.name),
                                  field.name);
        if (value.isString() && (field.type == FieldSpec::Type::String || field.type == FieldSpec::Type::StringOrNull)) {
            const qsizetype length = value.toString().trimmed().size();
            if (length < field.minLength)
                return Error::invalid(field.minLength == 1
                                          ? QStringLiteral("'%1' must not be empty").arg(field.name)
                                          : QStringLiteral("'%1' must have at least %2 characters")
                                                .arg(field.name)
                                                .arg(field.minLength),
                                      field.name);
            if (value.toString().size() > field.maxLength)
                return Error::invalid(QStringLiteral("'%1' must have at most %2 characters")
                                          .arg(field.name)
                                          .arg(field.maxLength),
                                      field.name);
        }
    }
    return Core::Ok{};
}

} // namespace Laces::Server

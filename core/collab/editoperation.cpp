#include "editoperation.h"

#include <QHash>

#include <cmath>

namespace Laces::Core {

QString EditOperation::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Set:
        return QStringLiteral("set");
    case Kind::Remove:
        return QStringLiteral("remove");
    case Kind::Transform:
        return QStringLiteral("transform");
    }
    return {};
}

std::optional<EditOperation::Kind> EditOperation::kindFromName(const QString &name)
{
    for (Kind kind : {Kind::Set, Kind::Remove, Kind::Transform}) {
        if (kindName(kind) == name)
            return kind;
    }
    return std::nullopt;
}

QString EditOperation::validate() const
{
    if (path.isEmpty() || path.size() > 200 || path.contains(QChar(0)))
        return QStringLiteral("'path' must be a property name of 1 to 200 characters");
    if (component.size() > 300 || component.contains(QChar(0)))
        return QStringLiteral("'component' must be a component name of at most 300 characters");
    switch (kind) {
    case Kind::Set:
        if (value.isNull() || value.isUndefined())
            return QStringLiteral("'set' needs a value (use 'remove' to delete a property)");
        return {};
    case Kind::Remove:
        if (!value.isNull() && !value.isUndefined())
            return QStringLiteral("'remove' takes no value");
        return {};
    case Kind::Transform: {
        if (component.isEmpty())
            return QStringLiteral("'transform' needs a component");
        if (path != QLatin1String("transform"))
            return QStringLiteral("the path of a 'transform' is \"transform\"");
        const QJsonArray matrix = value.toArray();
        if (!value.isArray() || matrix.size() != 16)
            return QStringLiteral("a transform is 16 numbers (a 4x4 matrix, column-major)");
        for (const QJsonValue &number : matrix) {
            if (!number.isDouble() || !std::isfinite(number.toDouble()))
                return QStringLiteral("a transform is 16 finite numbers");
        }
        return {};
    }
    }
    return QStringLiteral("unknown operation");
}

bool supersedes(const EditOperation &a, const EditOperation &b)
{
    switch (a.clock.compare(b.clock)) {
    case VectorClock::Order::After:
        return true;
    case VectorClock::Order::Before:
        return false;
    case VectorClock::Order::Equal:
    case VectorClock::Order::Concurrent:
        break;
    }
    if (a.clock.sum() != b.clock.sum())
        return a.clock.sum() > b.clock.sum();
    if (a.replica != b.replica)
        return a.replica > b.replica;
    return a.id > b.id;
}

QJsonObject TwinState::toJson() const
{
    QJsonObject parts;
    for (auto it = components.cbegin(); it != components.cend(); ++it) {
        QJsonObject part{{QStringLiteral("properties"), it->properties}};
        if (!it->transform.isEmpty())
            part.insert(QStringLiteral("transform"), it->transform);
        parts.insert(it.key(), part);
    }
    return {{QStringLiteral("properties"), properties}, {QStringLiteral("components"), parts}};
}

TwinState TwinState::fromJson(const QJsonObject &object)
{
    TwinState state;
    state.properties = object.value(QStringLiteral("properties")).toObject();
    const QJsonObject parts = object.value(QStringLiteral("components")).toObject();
    for (auto it = parts.begin(); it != parts.end(); ++it) {
        const QJsonObject part = it.value().toObject();
        state.components.insert(it.key(), {part.value(QStringLiteral("properties")).toObject(),
                                           part.value(QStringLiteral("transform")).toArray()});
    }
    return state;
}

QList<EditOperation> winners(const QList<EditOperation> &operations)
{
    QHash<QString, int> best;  // key → index into operations
    QList<QString> order;      // keys in first-seen order, for a stable result
    for (int i = 0; i < operations.size(); ++i) {
        const QString key = operations.at(i).key();
        const auto found = best.constFind(key);
        if (found == best.constEnd()) {
            best.insert(key, i);
            order.append(key);
        } else if (supersedes(operations.at(i), operations.at(*found))) {
            best[key] = i;
        }
    }
    QList<EditOperation> result;
    result.reserve(order.size());
    for (const QString &key : std::as_const(order))
        result.append(operations.at(best.value(key)));
    return result;
}

TwinState applyOperations(TwinState base, const QList<EditOperation> &operations, QList<qint64> *skipped)
{
    for (const EditOperation &operation : winners(operations)) {
        QJsonObject *properties = &base.properties;
        ComponentState *part = nullptr;
        if (!operation.component.isEmpty()) {
            auto found = base.components.find(operation.component);
            if (found == base.components.end()) {
                if (skipped)
                    skipped->append(operation.id);
                continue;
            }
            part = &*found;
            properties = &part->properties;
        }
        switch (operation.kind) {
        case EditOperation::Kind::Set:
            properties->insert(operation.path, operation.value);
            break;
        case EditOperation::Kind::Remove:
            properties->remove(operation.path);
            break;
        case EditOperation::Kind::Transform:
            part->transform = operation.value.toArray();
            break;
        }
    }
    return base;
}

} // namespace Laces::Core

#pragma once

#include "vectorclock.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>

namespace Laces::Core {

// One live edit of a twin: a property set or removed on the twin or one of its components,
// or a component's transform replaced. Operations on different keys (component + path)
// never conflict; on one key the winner is decided by `supersedes`, the same everywhere,
// so replaying a log in any order gives one state.
struct EditOperation
{
    enum class Kind { Set, Remove, Transform };

    qint64 id = 0;         // position in the server's log (0 until stored)
    QString component;     // empty: the twin's own properties
    Kind kind = Kind::Set;
    QString path;          // the property name; "transform" for transforms
    QJsonValue value;      // Set: any JSON but null; Transform: 16 numbers, column-major
    VectorClock clock;     // what its author had seen, its own operation included
    QString replica;       // the author's replica (editing session)

    // What conflicts: the same property of the same object, or the same component's transform.
    QString key() const
    {
        return component + QChar(0x1f) + (kind == Kind::Transform ? QStringLiteral("#transform") : QLatin1Char('.') + path);
    }

    static QString kindName(Kind kind);
    static std::optional<Kind> kindFromName(const QString &name);
    // Checks op, path and value together; empty when valid, else what is wrong.
    QString validate() const;
};

// True when `a` takes precedence over `b` on the same key: `a` happened after `b`, or they
// are concurrent and `a` wins the tie rule: the larger clock sum (more history seen), then
// the larger replica id, then the later log position.
bool supersedes(const EditOperation &a, const EditOperation &b);

struct ComponentState
{
    QJsonObject properties;
    QJsonArray transform;  // empty: identity / as the model has it
};

// What operations act on: a twin version's properties and components.
struct TwinState
{
    QJsonObject properties;
    QMap<QString, ComponentState> components;

    // {"properties": {...}, "components": {name: {"properties", "transform"?}}}
    QJsonObject toJson() const;
    static TwinState fromJson(const QJsonObject &object);
    bool operator==(const TwinState &other) const { return toJson() == other.toJson(); }
};

// The winning operation of each key among `operations`, in any order given.
QList<EditOperation> winners(const QList<EditOperation> &operations);

// Applies each key's winner to `base`. Operations on components that `base` does not
// have are skipped and their ids listed in `skipped`.
TwinState applyOperations(TwinState base, const QList<EditOperation> &operations, QList<qint64> *skipped = nullptr);

} // namespace Laces::Core

#include "vectorclock.h"

#include <QJsonValue>

#include <cmath>

namespace Laces::Core {

void VectorClock::set(const QString &replica, qint64 counter)
{
    if (counter <= 0)
        m_counters.remove(replica);
    else
        m_counters.insert(replica, counter);
}

qint64 VectorClock::tick(const QString &replica)
{
    qint64 &counter = m_counters[replica];
    return ++counter;
}

void VectorClock::merge(const VectorClock &other)
{
    for (auto it = other.m_counters.cbegin(); it != other.m_counters.cend(); ++it) {
        qint64 &mine = m_counters[it.key()];
        mine = std::max(mine, it.value());
    }
}

VectorClock::Order VectorClock::compare(const VectorClock &other) const
{
    bool less = false;
    bool greater = false;
    // Both maps are sorted by replica: walk them together.
    auto a = m_counters.cbegin();
    auto b = other.m_counters.cbegin();
    while (a != m_counters.cend() || b != other.m_counters.cend()) {
        qint64 mine = 0;
        qint64 theirs = 0;
        if (b == other.m_counters.cend() || (a != m_counters.cend() && a.key() < b.key())) {
            mine = (a++).value();
        } else if (a == m_counters.cend() || b.key() < a.key()) {
            theirs = (b++).value();
        } else {
            mine = (a++).value();
            theirs = (b++).value();
        }
        less = less || mine < theirs;
        greater = greater || mine > theirs;
    }
    if (less && greater)
        return Order::Concurrent;
    if (less)
        return Order::Before;
    if (greater)
        return Order::After;
    return Order::Equal;
}

qint64 VectorClock::sum() const
{
    qint64 total = 0;
    for (qint64 counter : m_counters)
        total += counter;
    return total;
}

QJsonObject VectorClock::toJson() const
{
    QJsonObject object;
    for (auto it = m_counters.cbegin(); it != m_counters.cend(); ++it)
        object.insert(it.key(), double(it.value()));
    return object;
}

std::optional<VectorClock> VectorClock::fromJson(const QJsonObject &object, QString *error, int maxReplicas)
{
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (object.size() > maxReplicas)
        return fail(QStringLiteral("a vector clock has at most %1 entries").arg(maxReplicas));
    VectorClock clock;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key().isEmpty() || it.key().size() > 64)
            return fail(QStringLiteral("vector clock replica ids have 1 to 64 characters"));
        const double value = it.value().toDouble(-1);
        // Integers only, exactly representable in a double.
        if (!it.value().isDouble() || value < 0 || value > 9007199254740991.0 || std::floor(value) != value)
            return fail(QStringLiteral("vector clock entry '%1' must be a non-negative integer").arg(it.key().left(64)));
        clock.set(it.key(), qint64(value));
    }
    return clock;
}

} // namespace Laces::Core

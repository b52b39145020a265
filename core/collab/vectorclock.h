#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>

#include <optional>

namespace Laces::Core {

// A vector clock: for each replica (an editing session), how many of its operations the
// holder has seen. Replica ids are opaque strings.
class VectorClock
{
public:
    enum class Order { Equal, Before, After, Concurrent };

    VectorClock() = default;

    qint64 value(const QString &replica) const { return m_counters.value(replica, 0); }
    void set(const QString &replica, qint64 counter);
    // One more operation of `replica`; returns the new counter.
    qint64 tick(const QString &replica);
    // Element-wise maximum: what someone knows after seeing both.
    void merge(const VectorClock &other);
    // How this clock relates to `other` in happened-before order.
    Order compare(const VectorClock &other) const;
    // The sum of all counters: strictly larger for a clock that happened after another,
    // which makes (sum, tie-break) a total order that respects causality.
    qint64 sum() const;
    bool isEmpty() const { return m_counters.isEmpty(); }
    const QMap<QString, qint64> &counters() const { return m_counters; }

    QJsonObject toJson() const;
    // Refuses anything but {replica: non-negative integer} with at most `maxReplicas`
    // entries of sane length; the message says what is wrong.
    static std::optional<VectorClock> fromJson(const QJsonObject &object, QString *error = nullptr,
                                               int maxReplicas = 1000);

    bool operator==(const VectorClock &other) const { return m_counters == other.m_counters; }

private:
    QMap<QString, qint64> m_counters;  // zero counters are never stored
};

} // namespace Laces::Core

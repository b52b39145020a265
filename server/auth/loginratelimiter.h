#pragma once

#include <QHash>
#include <QMutex>
#include <QString>

#include <deque>
#include <optional>

namespace Laces::Server {

struct LoginLimits
{
    int accountFailures = 5;     // per account ...
    int accountWindowS = 300;    // ... in this window
    int addressFailures = 30;    // per client address ...
    int addressWindowS = 300;    // ... in this window
};

// Counts failed logins per account and per client address in sliding windows. While
// either is over its limit, further attempts are refused with a Retry-After.
// In memory, per server instance.
class LoginRateLimiter
{
public:
    using Limits = LoginLimits;

    explicit LoginRateLimiter(Limits limits = {}) : m_limits(limits) {}

    // Seconds to wait before trying again, or nothing when an attempt may proceed.
    std::optional<int> retryAfterS(const QString &account, const QString &address, qint64 nowMs);
    void recordFailure(const QString &account, const QString &address, qint64 nowMs);
    void recordSuccess(const QString &account);

private:
    using Window = std::deque<qint64>;
    static std::optional<int> check(Window &window, int limit, int windowS, qint64 nowMs);

    Limits m_limits;
    QMutex m_mutex;
    QHash<QString, Window> m_accounts;
    QHash<QString, Window> m_addresses;
};

} // namespace Laces::Server

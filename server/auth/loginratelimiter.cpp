#include "loginratelimiter.h"

namespace Laces::Server {

std::optional<int> LoginRateLimiter::check(Window &window, int limit, int windowS, qint64 nowMs)
{
    const qint64 windowMs = qint64(windowS) * 1000;
    while (!window.empty() && window.front() <= nowMs - windowMs)
        window.pop_front();
    if (int(window.size()) < limit)
        return std::nullopt;
    const qint64 waitMs = window.front() + windowMs - nowMs;
    return int(qMax<qint64>(1, (waitMs + 999) / 1000));
}

std::optional<int> LoginRateLimiter::retryAfterS(const QString &account, const QString &address,
                                                 qint64 nowMs)
{
    QMutexLocker locker(&m_mutex);
    const auto byAccount = check(m_accounts[account.toLower()], m_limits.accountFailures,
                                 m_limits.accountWindowS, nowMs);
    const auto byAddress = check(m_addresses[address], m_limits.addressFailures,
                                 m_limits.addressWindowS, nowMs);
    if (byAccount && byAddress)
        return qMax(*byAccount, *byAddress);
    return byAccount ? byAccount : byAddress;
}

void LoginRateLimiter::recordFailure(const QString &account, const QString &address, qint64 nowMs)
{
    QMutexLocker locker(&m_mutex);
    m_accounts[account.toLower()].push_back(nowMs);
    m_addresses[address].push_back(nowMs);
    // Bound memory under a spray of made-up account names.
    if (m_accounts.size() > 100000)
        m_accounts.clear();
}

void LoginRateLimiter::recordSuccess(const QString &account)
{
    QMutexLocker locker(&m_mutex);
    m_accounts.remove(account.toLower());
}

} // namespace Laces::Server

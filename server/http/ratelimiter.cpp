#include "ratelimiter.h"

#include "db/pgconnection.h"
#include "httpresponse.h"

#include <QDateTime>

#include <algorithm>
#include <cmath>

namespace Laces::Server {

namespace {
constexpr qint64 kLeaseLifeMs = 5000;
}

int RateLimiter::leaseFor(int capacity)
{
    return std::clamp(capacity / 20, 1, 100);
}

quint64 RateLimiter::databaseRounds() const
{
    QMutexLocker locker(&m_mutex);
    return m_databaseRounds;
}

Core::Result<RateLimiter::Decision> RateLimiter::take(PgConnection &db, const QByteArray &key, int capacity,
                                                      int windowS)
{
    const double perSecond = double(capacity) / double(windowS);
    Decision decision;
    decision.limit = capacity;
    decision.windowS = windowS;
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    {
        QMutexLocker locker(&m_mutex);
        auto it = m_leases.find(key);
        if (it != m_leases.end() && it->tokens > 0 && it->expiresMs > nowMs) {
            --it->tokens;
            const double left = it->sharedTokens + it->tokens;
            decision.remaining = int(std::floor(left));
            decision.resetS = int(std::ceil(std::max(0.0, double(capacity) - left) / perSecond));
            if (it->tokens == 0)
                m_leases.erase(it);
            return decision;
        }
        if (it != m_leases.end())
            m_leases.erase(it);
        // Now and then, forget the leases of keys that went quiet.
        if (++m_databaseRounds % 1024 == 0)
            m_leases.removeIf([nowMs](const auto &lease) { return lease.value().expiresMs <= nowMs; });
    }
    // Refill by the time since the last lease (the database clock, the same for every
    // instance), then take up to a lease's worth of whole tokens; a refused request takes
    // none. Every expression reads the row as it is once its lock is held (the ON CONFLICT
    // row), so two instances at once cannot both spend the same tokens; the time is taken
    // before the lock, so an instance that waited for it may hold an earlier time than the
    // row's: no time passed for it then (greatest), rather than negative time.
    static const QByteArray sql = R"(
        INSERT INTO rate_limit_buckets AS r (key, tokens, granted, updated_at)
        VALUES ($1, $2::double precision - least($4::integer, $2::integer), least($4::integer, $2::integer),
                clock_timestamp())
        ON CONFLICT (key) DO UPDATE SET
            granted = least($4::double precision,
                            floor(least($2::double precision,
                                        r.tokens + extract(epoch FROM greatest(excluded.updated_at, r.updated_at) - r.updated_at)
                                                   * $3::double precision)))::integer,
            tokens = least($2::double precision,
                           r.tokens + extract(epoch FROM greatest(excluded.updated_at, r.updated_at) - r.updated_at) * $3::double precision)
                     - least($4::double precision,
                             floor(least($2::double precision,
                                         r.tokens + extract(epoch FROM greatest(excluded.updated_at, r.updated_at) - r.updated_at)
                                                    * $3::double precision))),
            updated_at = greatest(excluded.updated_at, r.updated_at)
        RETURNING granted, tokens)";
    const int lease = leaseFor(capacity);
    auto result = db.exec(sql, {key, QByteArray::number(capacity), QByteArray::number(perSecond, 'g', 17),
                                QByteArray::number(lease)});
    if (!result)
        return result.error();
    const int taken = int(result->integer(0, 0));
    const double shared = std::max(0.0, result->real(0, 1));
    decision.allowed = taken >= 1;
    int leased = std::max(0, taken - 1);
    if (leased > 0) {
        // Added to what another worker leased meanwhile for the same key, never replacing it.
        QMutexLocker locker(&m_mutex);
        Lease &held = m_leases[key];
        held.tokens += leased;
        held.sharedTokens = shared;
        held.expiresMs = nowMs + kLeaseLifeMs;
        leased = held.tokens;
    }
    const double left = shared + leased;
    decision.remaining = int(std::floor(left));
    decision.resetS = int(std::ceil(std::max(0.0, double(capacity) - left) / perSecond));
    decision.retryAfterS = decision.allowed ? 0 : std::max(1, int(std::ceil((1.0 - shared) / perSecond)));
    return decision;
}

void RateLimiter::annotate(HttpResponse &response, const Decision &decision)
{
    response.setHeader("RateLimit-Limit", QByteArray::number(decision.limit));
    response.setHeader("RateLimit-Remaining", QByteArray::number(decision.remaining));
    response.setHeader("RateLimit-Reset", QByteArray::number(decision.resetS));
    response.setHeader("RateLimit-Policy",
                       QByteArray::number(decision.limit) + ";w=" + QByteArray::number(decision.windowS));
    if (!decision.allowed)
        response.setHeader("Retry-After", QByteArray::number(decision.retryAfterS));
}

HttpResponse RateLimiter::refusal(const Decision &decision)
{
    HttpResponse response = HttpResponse::error(
        429, QStringLiteral("rate_limited"),
        QStringLiteral("more than %1 requests in %2 s; retry after %3 s")
            .arg(decision.limit)
            .arg(decision.windowS)
            .arg(decision.retryAfterS));
    annotate(response, decision);
    return response;
}

} // namespace Laces::Server

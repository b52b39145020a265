#include "ratelimiter.h"

#include "db/pgconnection.h"
#include "httpresponse.h"

#include <cmath>

namespace Laces::Server {

Core::Result<RateLimiter::Decision> RateLimiter::take(PgConnection &db, const QByteArray &key, int capacity,
                                                      int windowS)
{
    // Refill by the time since the last request (the database clock, the same for every
    // instance), take one token when there is one; a refused request takes none.
    static const QByteArray sql = R"(
        INSERT INTO rate_limit_buckets AS b (key, tokens, allowed, updated_at)
        VALUES ($1, $2::double precision - 1, true, clock_timestamp())
        ON CONFLICT (key) DO UPDATE SET
            allowed = least($2::double precision,
                            b.tokens + extract(epoch FROM excluded.updated_at - b.updated_at) * $3::double precision) >= 1,
            tokens = least($2::double precision,
                           b.tokens + extract(epoch FROM excluded.updated_at - b.updated_at) * $3::double precision)
                     - CASE WHEN least($2::double precision,
                                       b.tokens + extract(epoch FROM excluded.updated_at - b.updated_at)
                                                  * $3::double precision) >= 1
                            THEN 1 ELSE 0 END,
            updated_at = excluded.updated_at
        RETURNING allowed, tokens)";
    const double perSecond = double(capacity) / double(windowS);
    auto result = db.exec(sql, {key, QByteArray::number(capacity), QByteArray::number(perSecond, 'g', 17)});
    if (!result)
        return result.error();
    Decision decision;
    decision.allowed = result->boolean(0, 0);
    const double tokens = std::max(0.0, result->real(0, 1));
    decision.limit = capacity;
    decision.windowS = windowS;
    decision.remaining = int(std::floor(tokens));
    decision.resetS = int(std::ceil((double(capacity) - tokens) / perSecond));
    decision.retryAfterS = decision.allowed ? 0 : std::max(1, int(std::ceil((1.0 - tokens) / perSecond)));
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

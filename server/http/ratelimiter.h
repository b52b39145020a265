#pragma once

#include "result.h"

#include <QByteArray>

namespace Laces::Server {

class PgConnection;
class HttpResponse;

// Token buckets kept in PostgreSQL, so that every instance on one database draws from the
// same bucket: `capacity` requests at once, refilled at `capacity` per `windowS` seconds.
// One statement per request (an upsert on an unlogged table; its row lock orders
// concurrent requests for the same key).
class RateLimiter
{
public:
    struct Decision
    {
        bool allowed = true;
        int limit = 0;         // the bucket's capacity
        int windowS = 60;
        int remaining = 0;     // whole requests left now
        int resetS = 0;        // seconds until the bucket is full again
        int retryAfterS = 0;   // when refused: seconds until one request is allowed
    };

    static Core::Result<Decision> take(PgConnection &db, const QByteArray &key, int capacity, int windowS);

    // RateLimit-Limit, -Remaining, -Reset and RateLimit-Policy (IETF draft
    // draft-ietf-httpapi-ratelimit-headers), plus Retry-After when refused.
    static void annotate(HttpResponse &response, const Decision &decision);
    static HttpResponse refusal(const Decision &decision);
};

} // namespace Laces::Server

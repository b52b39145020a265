#pragma once

#include "result.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>

namespace Laces::Server {

class PgConnection;
class HttpResponse;

// Token buckets kept in PostgreSQL, so that every instance on one database draws from the
// same bucket: `capacity` requests at once, refilled at `capacity` per `windowS` seconds.
//
// An instance does not ask the database for every request: it takes a lease of a few
// tokens at once (a twentieth of the capacity, 1 to 100) with one statement (an upsert on
// an unlogged table, whose row lock orders the instances) and spends them locally. Tokens
// are only ever taken from the shared bucket, so all instances together never let more
// through than the bucket holds; an instance's unspent lease (it lapses after 5 s) is at
// most what the others miss, and at most that much more than the capacity can pass in a
// burst right after the bucket refilled.
class RateLimiter
{
public:
    struct Decision
    {
        bool allowed = true;
        int limit = 0;         // the bucket's capacity
        int windowS = 60;
        int remaining = 0;     // whole requests left now (this instance's lease included)
        int resetS = 0;        // seconds until the bucket is full again
        int retryAfterS = 0;   // when refused: seconds until one request is allowed
    };

    Core::Result<Decision> take(PgConnection &db, const QByteArray &key, int capacity, int windowS);
    // Statements sent to the database so far (the cost a lease saves).
    quint64 databaseRounds() const;

    // RateLimit-Limit, -Remaining, -Reset and RateLimit-Policy (IETF draft
    // draft-ietf-httpapi-ratelimit-headers), plus Retry-After when refused.
    static void annotate(HttpResponse &response, const Decision &decision);
    static HttpResponse refusal(const Decision &decision);
    static int leaseFor(int capacity);

private:
    struct Lease
    {
        int tokens = 0;
        double sharedTokens = 0;   // what the bucket held after the lease was taken
        qint64 expiresMs = 0;
    };

    mutable QMutex m_mutex;
    QHash<QByteArray, Lease> m_leases;
    quint64 m_databaseRounds = 0;
};

} // namespace Laces::Server

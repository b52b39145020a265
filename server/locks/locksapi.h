#pragma once

#include "http/router.h"

namespace Laces::Server {

// Component-level edit locks as leases with fencing tokens:
//   POST   /locks/acquire {twin_id, components[]?, lock_type: exclusive|shared, ttl_s?}
//          → 201 {lock_id, token, expires_at} or 409 naming the holder and the expiry
//   POST   /locks/{id}/heartbeat   extends the lease; 410 once it has expired or ended
//   DELETE /locks/{id}             releases (the holder; locks.manage may force); 410 if it had expired or was forced
//   GET    /twins/{id}/locks       the twin's active locks
// No components means the whole twin. Exclusive conflicts with any overlapping lock,
// shared with exclusive ones only. Tokens come from one sequence, so they only grow;
// expiry is judged by the database clock. Acquisitions on one twin are serialized by a
// row lock on the twin.
class LocksApi
{
public:
    void registerRoutes(Router &router);

    static constexpr int kDefaultTtlS = 300;
    static constexpr int kMaxTtlS = 3600;

private:
    HttpResponse acquire(RequestContext &context);
    HttpResponse heartbeat(RequestContext &context);
    HttpResponse release(RequestContext &context);
    HttpResponse list(RequestContext &context);
};

} // namespace Laces::Server

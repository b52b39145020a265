#pragma once

#include "http/router.h"

namespace Laces::Server {

// Live edits of a twin between versions:
//   POST /edit-operations  {twin_id, component?, op: set|remove|transform, path, value?,
//                           base_version, vector_clock, replica?}
//        → 201 {operation, applied, concurrent, winner?, displaced?}; 200 for a retry
//   GET  /twins/{id}/edit-operations?since=&limit=   the log, oldest first
//   GET  /twins/{id}/state    the latest version with the pending operations replayed
// The vector clock counts the author's own operation under its replica: the session id, or
// "<session id>/<editor>" for one of several editors of one login.
// On one key (component + path) a later operation wins; concurrent ones are decided by
// Core::supersedes, and the loser is told. Operations on locked components carry the
// lock's token in X-Lock-Token, checked in the writing transaction. Applied operations
// are announced as edit_applied to the twin's subscribers; the next version folds them in.
class EditsApi
{
public:
    void registerRoutes(Router &router);

    static constexpr int kMaxValueBytes = 4096;

private:
    HttpResponse create(RequestContext &context);
    HttpResponse log(RequestContext &context);
    HttpResponse state(RequestContext &context);
};

} // namespace Laces::Server

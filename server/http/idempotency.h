#pragma once

#include "httpresponse.h"

#include <optional>

namespace Laces::Server {

class PgConnection;
class RequestContext;

// Idempotency-Key on creating requests (POST): the first request with a key runs and its
// answer is kept for 24 hours; a retry with the same key and the same request gets that
// answer again (Idempotent-Replayed: true) and creates nothing; the same key with a
// different request answers 422. Concurrent duplicates wait for the first to finish.
// Keys are per user.
class Idempotency
{
public:
    // Nothing: the request may run (and finish() must be called). Otherwise the answer.
    static std::optional<HttpResponse> begin(PgConnection &db, const RequestContext &context);
    static void finish(PgConnection &db, const RequestContext &context, const HttpResponse &response);
    static bool applies(const RequestContext &context);
};

} // namespace Laces::Server

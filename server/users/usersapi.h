#pragma once

#include "http/router.h"

namespace Laces::Server {

class AuthService;

// Organization administration: users (users.manage) and login sessions.
//   GET/POST /users, GET/PATCH /users/{id}
//   GET /sessions (own; ?user_id= for admins), DELETE /sessions/{id} (own, or any in the
//   organization with users.manage)
class UsersApi
{
public:
    explicit UsersApi(AuthService *auth) : m_auth(auth) {}
    void registerRoutes(Router &router);

private:
    HttpResponse list(RequestContext &context);
    HttpResponse create(RequestContext &context);
    HttpResponse get(RequestContext &context);
    HttpResponse update(RequestContext &context);
    HttpResponse sessions(RequestContext &context);
    HttpResponse revokeSession(RequestContext &context);

    AuthService *m_auth;
};

} // namespace Laces::Server

#pragma once

#include "http/router.h"

namespace Laces::Server {

class AuthService;

// POST /auth/register, /auth/login, /auth/logout, /auth/refresh; GET /auth/me.
class AuthApi
{
public:
    explicit AuthApi(AuthService *auth) : m_auth(auth) {}
    void registerRoutes(Router &router);

    // The public view of a user, built by the database (one place for its shape).
    static const char *userJsonSql();

private:
    HttpResponse registerUser(RequestContext &context);
    HttpResponse login(RequestContext &context);
    HttpResponse logout(RequestContext &context);
    HttpResponse refresh(RequestContext &context);
    HttpResponse me(RequestContext &context);

    AuthService *m_auth;
};

} // namespace Laces::Server

#pragma once

#include "http/router.h"

namespace Laces::Server {

// Where HIGH and CRITICAL tickets are sent (alerts.manage, the admin's):
//   GET /alert-channels, POST /alert-channels, DELETE /alert-channels/{id}
//   GET /alert-channels/{id}/deliveries?limit=   the newest outbox rows (200, at most 1000)
//                                          and every attempt
// A channel is {name, kind: webhook|email|sms, url (webhook, sms gateway), recipients
// (e-mail addresses; phone numbers for sms), min_severity (default HIGH), enabled}. A
// webhook's signing secret is generated and shown once, at creation.
class AlertChannelsApi
{
public:
    explicit AlertChannelsApi(bool allowPrivate) : m_allowPrivate(allowPrivate) {}
    void registerRoutes(Router &router);

private:
    HttpResponse list(RequestContext &context);
    HttpResponse create(RequestContext &context);
    HttpResponse remove(RequestContext &context);
    HttpResponse deliveries(RequestContext &context);

    bool m_allowPrivate;
};

} // namespace Laces::Server

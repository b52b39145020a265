#pragma once

#include "http/router.h"

namespace Laces::Server {

// Machine nodes of the caller's organization, their sensors and their edge API keys:
//   GET /nodes?twin_id=&search=&bbox=minLon,minLat,maxLon,maxLat&near=lat,lon&radius_km=&page=&per_page=
//   GET /nodes/{id}                                                           (twins.view)
//   POST /nodes, PATCH /nodes/{id}, DELETE /nodes/{id}                        (nodes.manage)
//   POST /nodes/{id}/api-keys, GET /nodes/{id}/api-keys,
//   DELETE /nodes/{id}/api-keys/{key_id}                                      (nodes.manage)
// A node is {name, type, latitude, longitude, site, status, twin_id, properties, sensors:
// [{metric, unit, min, max, warn_above, sample_rate_hz, component}]}; PATCH replaces the sensors when
// it gives them. An API key is shown once, at creation; only its SHA-256 is kept.
class NodesApi
{
public:
    void registerRoutes(Router &router);

    static const char *nodeJsonSql();

private:
    HttpResponse list(RequestContext &context);
    HttpResponse create(RequestContext &context);
    HttpResponse get(RequestContext &context);
    HttpResponse update(RequestContext &context);
    HttpResponse remove(RequestContext &context);
    HttpResponse createKey(RequestContext &context);
    HttpResponse listKeys(RequestContext &context);
    HttpResponse revokeKey(RequestContext &context);
};

} // namespace Laces::Server

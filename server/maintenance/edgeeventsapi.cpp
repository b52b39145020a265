#include "edgeeventsapi.h"
#include "common/jsonutil.h"
#include "db/pgconnection.h"
#include "http/requestcontext.h"
#include "telemetry/samplebatch.h"
#include "telemetry/telemetrymetrics.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <cmath>

namespace Laces::Server {

using Core::Error;

namespace {

struct EdgeEvent
{
    qint64 seq = 0;
    qint64 timeMs = 0;
    QString kind;
    QJsonObject detail;
};

Core::Result<QList<EdgeEvent>> parseEvents(const QJsonArray &array)
{
    QList<EdgeEvent> events;
    QSet<qint64> seen;
    for (int i = 0; i < array.size(); ++i) {
        const QString where = QStringLiteral("events[%1]").arg(i);
        if (!array.at(i).isObject())
            return Error::invalid(QStringLiteral("%1 must be an object").arg(where), where);
        const QJsonObject object = array.at(i).toObject();
        EdgeEvent event;
        const QJsonValue seq = object.value(QStringLiteral("seq"));
        if (!seq.isDouble() || seq.toDouble() < 1 || seq.toDouble() != std::floor(seq.toDouble()) || seq.toDouble() > 9.0e15)
            return Error::invalid(QStringLiteral("%1.seq must be a positive integer").arg(where), where + QStringLiteral(".seq"));
        event.seq = seq.toInteger();
        if (seen.contains(event.seq))
            return Error::invalid(QStringLiteral("%1.seq %2 appears twice").arg(where).arg(event.seq), where + QStringLiteral(".seq"));
        seen.insert(event.seq);
        const auto time = parseRfc3339Ms(object.value(QStringLiteral("time")).toString().toUtf8());
        if (!time)
            return Error::invalid(QStringLiteral("%1.time must be an RFC 3339 time").arg(where), where + QStringLiteral(".time"));
        event.timeMs = *time;
        event.kind = object.value(QStringLiteral("kind")).toString();
        if (event.kind != QLatin1String("anomaly") && event.kind != QLatin1String("limit"))
            return Error::invalid(QStringLiteral("%1.kind must be 'anomaly' or 'limit'").arg(where), where + QStringLiteral(".kind"));
        const QString metric = object.value(QStringLiteral("metric")).toString();
        if (object.contains(QStringLiteral("metric")) && TelemetryMetrics::indexOf(metric) < 0)
            return Error::invalid(QStringLiteral("%1.metric must be one of %2").arg(where, TelemetryMetrics::names()),
                                  where + QStringLiteral(".metric"));
        if (event.kind == QLatin1String("limit") && metric.isEmpty())
            return Error::invalid(QStringLiteral("%1.metric is needed for a limit").arg(where), where + QStringLiteral(".metric"));
        for (const char *name : {"value", "limit", "score", "threshold"}) {
            const QJsonValue value = object.value(QLatin1String(name));
            if (!value.isUndefined() && !(value.isDouble() && std::isfinite(value.toDouble())))
                return Error::invalid(QStringLiteral("%1.%2 must be a finite number").arg(where, QLatin1String(name)),
                                      where + QLatin1Char('.') + QLatin1String(name));
        }
        if (event.kind == QLatin1String("anomaly")
            && !(object.value(QStringLiteral("score")).isDouble() && object.value(QStringLiteral("threshold")).isDouble()))
            return Error::invalid(QStringLiteral("%1: an anomaly needs 'score' and 'threshold'").arg(where),
                                  where + QStringLiteral(".score"));
        const QString direction = object.value(QStringLiteral("direction")).toString(QStringLiteral("above"));
        if (direction != QLatin1String("above") && direction != QLatin1String("below"))
            return Error::invalid(QStringLiteral("%1.direction must be 'above' or 'below'").arg(where),
                                  where + QStringLiteral(".direction"));
        const QString message = object.value(QStringLiteral("message")).toString();
        if (message.size() > 1000)
            return Error::invalid(QStringLiteral("%1.message is longer than 1000 characters").arg(where),
                                  where + QStringLiteral(".message"));
        // The anomaly's drivers and the time window around the event, as the server's own
        // anomaly tickets carry them (the desktop charts both).
        const QJsonValue drivers = object.value(QStringLiteral("drivers"));
        if (!drivers.isUndefined()) {
            const QJsonArray list = drivers.toArray();
            if (!drivers.isArray() || list.size() > 16)
                return Error::invalid(QStringLiteral("%1.drivers must be a list of at most 16 {metric, share}").arg(where),
                                      where + QStringLiteral(".drivers"));
            for (const QJsonValue &driver : list) {
                const QJsonObject d = driver.toObject();
                if (TelemetryMetrics::indexOf(d.value(QStringLiteral("metric")).toString()) < 0
                    || !d.value(QStringLiteral("share")).isDouble() || d.value(QStringLiteral("share")).toDouble() < 0
                    || d.value(QStringLiteral("share")).toDouble() > 1 || d.size() != 2)
                    return Error::invalid(QStringLiteral("%1.drivers: each is {metric: a known metric, share: 0 to 1}").arg(where),
                                          where + QStringLiteral(".drivers"));
            }
        }
        const QJsonValue window = object.value(QStringLiteral("window"));
        if (!window.isUndefined()) {
            const QJsonObject w = window.toObject();
            const auto from = parseRfc3339Ms(w.value(QStringLiteral("from")).toString().toUtf8());
            const auto to = parseRfc3339Ms(w.value(QStringLiteral("to")).toString().toUtf8());
            if (!window.isObject() || w.size() != 2 || !from || !to || *from > *to)
                return Error::invalid(QStringLiteral("%1.window must be {from, to}, RFC 3339 times in order").arg(where),
                                      where + QStringLiteral(".window"));
        }
        for (auto it = object.begin(); it != object.end(); ++it) {
            static const QSet<QString> known{QStringLiteral("drivers"), QStringLiteral("window"),QStringLiteral("seq"),   QStringLiteral("time"),  QStringLiteral("kind"),
                                             QStringLiteral("metric"), QStringLiteral("value"), QStringLiteral("limit"),
                                             QStringLiteral("direction"), QStringLiteral("score"), QStringLiteral("threshold"),
                                             QStringLiteral("message")};
            if (!known.contains(it.key()))
                return Error::invalid(QStringLiteral("%1: unknown field '%2'").arg(where, it.key()), where + QLatin1Char('.') + it.key());
        }
        event.detail = object;
        event.detail.remove(QStringLiteral("seq"));
        event.detail.insert(QStringLiteral("direction"), direction);
        events.append(event);
    }
    return events;
}

} // namespace

void EdgeEventsApi::registerRoutes(Router &router)
{
    router.add("POST", QStringLiteral("/nodes/{id:uuid}/events"), Access::needs(QStringLiteral("telemetry.ingest")),
               [this](RequestContext &c) { return post(c); });
}

HttpResponse EdgeEventsApi::post(RequestContext &context)
{
    const QUuid node = context.uuidParam(QStringLiteral("id"));
    if (!context.principal().nodeId.isNull() && context.principal().nodeId != node)
        return HttpResponse::fromError(Error::forbidden(QStringLiteral("this API key belongs to another node")));
    auto body = context.jsonBody();
    if (!body)
        return HttpResponse::fromError(body.error());
    const QJsonValue epochValue = body->value(QStringLiteral("boot_epoch"));
    if (!epochValue.isDouble() || epochValue.toDouble() < 0 || epochValue.toDouble() != std::floor(epochValue.toDouble())
        || epochValue.toDouble() > 9.0e15)
        return HttpResponse::fromError(
            Error::invalid(QStringLiteral("'boot_epoch' must be a non-negative integer"), QStringLiteral("boot_epoch")));
    const qint64 epoch = epochValue.toInteger();
    const QJsonValue list = body->value(QStringLiteral("events"));
    if (!list.isArray() || list.toArray().isEmpty())
        return HttpResponse::fromError(Error::invalid(QStringLiteral("'events' must be a non-empty array"), QStringLiteral("events")));
    if (list.toArray().size() > kMaxEventsPerRequest)
        return HttpResponse::fromError(Error::invalid(
            QStringLiteral("'events' holds more than %1 events; send them in parts").arg(kMaxEventsPerRequest), QStringLiteral("events")));
    for (auto it = body->begin(); it != body->end(); ++it) {
        if (it.key() != QLatin1String("boot_epoch") && it.key() != QLatin1String("events"))
            return HttpResponse::fromError(Error::invalid(QStringLiteral("unknown field '%1'").arg(it.key()), it.key()));
    }
    auto events = parseEvents(list.toArray());
    if (!events)
        return HttpResponse::fromError(events.error());

    PgConnection &db = context.db();
    auto found = db.exec("SELECT name FROM machine_nodes WHERE id = $1 AND organization_id = $2",
                         {uuidParam(node), uuidParam(context.principal().organizationId)});
    if (!found)
        return HttpResponse::fromError(found.error());
    if (found->rowCount() == 0)
        return HttpResponse::fromError(Error::notFound(QStringLiteral("no such node")));
    const QString nodeName = found->text(0, 0);

    int stored = 0, duplicates = 0;
    QSet<QString> tickets;
    for (const EdgeEvent &event : std::as_const(*events)) {
        auto known = db.exec("SELECT ticket_id FROM edge_events WHERE node_id = $1 AND boot_epoch = $2 AND seq = $3",
                             {uuidParam(node), pgParam(epoch), pgParam(event.seq)});
        if (!known)
            return HttpResponse::fromError(known.error());
        if (known->rowCount() > 0) {
            ++duplicates;
            continue;
        }
        const QString metric = event.detail.value(QStringLiteral("metric")).toString();
        Finding finding;
        finding.organizationId = context.principal().organizationId;
        finding.nodeId = node;
        finding.cause = QStringLiteral("edge_anomaly");
        finding.metric = metric;
        if (event.kind == QLatin1String("anomaly")) {
            const double score = event.detail.value(QStringLiteral("score")).toDouble();
            const double threshold = event.detail.value(QStringLiteral("threshold")).toDouble();
            finding.severity = score >= 1.5 * threshold ? QStringLiteral("HIGH") : QStringLiteral("MEDIUM");
            finding.title = QStringLiteral("The edge agent of %1 saw unusual behaviour (score %2, threshold %3)")
                                .arg(nodeName).arg(score, 0, 'g', 3).arg(threshold, 0, 'g', 3);
        } else {
            finding.severity = QStringLiteral("HIGH");
            finding.title = QStringLiteral("The edge agent of %1 saw %2 %3 %4")
                                .arg(nodeName, metric,
                                     event.detail.value(QStringLiteral("direction")).toString() == QLatin1String("below")
                                         ? QStringLiteral("below") : QStringLiteral("above"))
                                .arg(event.detail.value(QStringLiteral("limit")).toDouble());
        }
        finding.evidence = event.detail;
        finding.evidence.insert(QStringLiteral("title"), finding.title);
        finding.evidence.insert(QStringLiteral("boot_epoch"), double(epoch));
        finding.evidence.insert(QStringLiteral("seq"), double(event.seq));
        bool raced = false;
        auto raised = TicketStore::raise(db, finding, m_policy, [&](PgConnection &tx) -> Core::Status {
            auto inserted = tx.exec("INSERT INTO edge_events (node_id, boot_epoch, seq, time, kind, detail) "
                                    "VALUES ($1, $2, $3, $4::timestamptz, $5, $6::jsonb) ON CONFLICT DO NOTHING RETURNING seq",
                                    {uuidParam(node), pgParam(epoch), pgParam(event.seq),
                                     formatRfc3339Ms(event.timeMs).toUtf8(), event.kind.toUtf8(),
                                     QJsonDocument(event.detail).toJson(QJsonDocument::Compact)});
            if (!inserted)
                return inserted.error();
            if (inserted->rowCount() == 0) {
                raced = true;  // the same event, stored by a concurrent retry: undo this occurrence
                return Error::conflict(QStringLiteral("the event is stored already"));
            }
            return Core::Ok{};
        });
        if (!raised) {
            if (raced) {
                ++duplicates;
                continue;
            }
            return HttpResponse::fromError(raised.error());
        }
        if (auto linked = db.exec("UPDATE edge_events SET ticket_id = $4 WHERE node_id = $1 AND boot_epoch = $2 AND seq = $3",
                                  {uuidParam(node), pgParam(epoch), pgParam(event.seq), uuidParam(raised->ticketId)});
            !linked)
            return HttpResponse::fromError(linked.error());
        tickets.insert(raised->ticketId.toString(QUuid::WithoutBraces));
        ++stored;
    }
    QStringList ids = tickets.values();
    ids.sort();
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("stored"), stored},
                                               {QStringLiteral("duplicates"), duplicates},
                                               {QStringLiteral("tickets"), QJsonArray::fromStringList(ids)}});
}

} // namespace Laces::Server

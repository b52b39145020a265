#include "db/pgconnection.h"
#include "maintenance/alertdelivery.h"
#include "maintenance/maintenanceagent.h"
#include "maintenance/ticketstore.h"
#include "ageing/weibull.h"
#include "anomaly/detector.h"
#include "testserver.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QUrlQuery>
#include <QWebSocket>

#include <cmath>
#include <csignal>
#include <thread>

#include <QRegularExpression>

using namespace Laces;
using Tests::Reply;

namespace {

constexpr qint64 kMinuteMs = 60000;

QString rfc3339(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

// A real HTTP listener for webhooks: answers each request with the next status of its
// script (the last one repeated) and keeps what it received.
class WebhookReceiver : public QObject
{
public:
    struct Received
    {
        QHash<QByteArray, QByteArray> headers;
        QByteArray body;
    };

    explicit WebhookReceiver(QList<int> statuses) : m_statuses(std::move(statuses))
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                auto *buffer = new QByteArray;
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
                    *buffer += socket->readAll();
                    const int end = int(buffer->indexOf("\r\n\r\n"));
                    if (end < 0)
                        return;
                    Received received;
                    qint64 length = 0;
                    for (const QByteArray &line : buffer->left(end).split('\n').mid(1)) {
                        const int colon = int(line.indexOf(':'));
                        if (colon > 0)
                            received.headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
                    }
                    length = received.headers.value("content-length").toLongLong();
                    if (buffer->size() < end + 4 + length)
                        return;
                    received.body = buffer->mid(end + 4, length);
                    requests.append(received);
                    const int status = m_statuses.value(int(requests.size()) - 1, m_statuses.last());
                    socket->write("HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    socket->disconnectFromHost();
                    buffer->clear();
                });
                QObject::connect(socket, &QTcpSocket::disconnected, socket, [socket, buffer] {
                    delete buffer;
                    socket->deleteLater();
                });
            }
        });
    }
    quint16 port() const { return m_server.serverPort(); }

    QList<Received> requests;

private:
    QTcpServer m_server;
    QList<int> m_statuses;
};

} // namespace

// The maintenance agent over real HTTP and PostgreSQL: rules with hysteresis and for_s,
// deduplicated tickets and their life cycle, alerts through real webhooks and a real SMTP
// server, live ticket events, node health and PostGIS queries.
class tst_Maintenance : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void alertRulesAreChecked();
    void thresholdHeldForDurationOpensOneTicket();
    void hoveringValueDoesNotFlapAndRepeatUpdates();
    void concurrentRaisesMakeOneTicket();
    void twoInstancesRunOneCycleAtATime();
    void ticketTransitionsAndRoles();
    void staleNodeIsItsOwnCause();
    void anomalyModelScoresAndNamesDrivers();
    void trendTicketPredictsTheCrossing();
    void fleetWeibullFromResolvedFailures();
    void webhookIsSignedRetriedAndSentOnce();
    void emailReachesARealSmtpServer_data();
    void emailReachesARealSmtpServer();
    void webhooksToPrivateAddressesAreRefused();
    void ticketsArriveLive();
    void fleetHealthRanksWorstFirst();
    void nodesByBoundingBoxAndRadius();
    void killedDuringCyclesLosesNothing();

private:
    QString createNode(const QString &name, const QJsonArray &sensors, double lat = 52.52, double lon = 13.40,
                       const QString &site = QStringLiteral("Berlin"), const QByteArray &token = {});
    // Samples of `metric` at 1 per 10 s from `fromMs` for `minutes`, values from `value(i)`.
    void ingest(const QString &node, const QString &metric, qint64 fromMs, int minutes,
                const std::function<double(int)> &value);
    Server::AgentReport cycle(qint64 nowMs);
    QJsonArray tickets(const QString &query);
    qint64 scalar(const QByteArray &sql, const QList<QByteArray> &params = {});

    Tests::TestServer m_server;
    QByteArray m_admin, m_operator, m_viewer, m_engineer, m_stranger;
    std::unique_ptr<Server::PgConnection> m_db;
    qint64 m_seq = 0;
    qint64 m_base = 0;   // a minute boundary an hour ago: the tests' timeline starts there
};

void tst_Maintenance::initTestCase()
{
    QVERIFY2(m_server.start([](Server::ServerConfig &config) {
        config.agent.intervalS = 0;          // cycles run when the test says
        config.alerts.allowPrivate = true;   // the receivers are on loopback
        config.alerts.firstRetryS = 1;
    }), qPrintable(m_server.errorString()));
    m_server.registerUser(QStringLiteral("boss"), QStringLiteral("boss-password"));
    m_admin = m_server.login(QStringLiteral("boss"), QStringLiteral("boss-password"));
    m_server.createUser(m_admin, QStringLiteral("otto"), QStringLiteral("operator"), QStringLiteral("otto-password"));
    m_server.createUser(m_admin, QStringLiteral("vic"), QStringLiteral("viewer"), QStringLiteral("vic-password"));
    m_server.createUser(m_admin, QStringLiteral("eve"), QStringLiteral("engineer"), QStringLiteral("eve-password"));
    m_operator = m_server.login(QStringLiteral("otto"), QStringLiteral("otto-password"));
    m_viewer = m_server.login(QStringLiteral("vic"), QStringLiteral("vic-password"));
    m_engineer = m_server.login(QStringLiteral("eve"), QStringLiteral("eve-password"));
    m_server.registerUser(QStringLiteral("rival"), QStringLiteral("rival-password"));
    m_stranger = m_server.login(QStringLiteral("rival"), QStringLiteral("rival-password"));
    m_db = std::make_unique<Server::PgConnection>(m_server.server().conninfo());
    QVERIFY(m_db->open());
    m_base = (QDateTime::currentMSecsSinceEpoch() / kMinuteMs - 60) * kMinuteMs;
}

QString tst_Maintenance::createNode(const QString &name, const QJsonArray &sensors, double lat, double lon,
                                    const QString &site, const QByteArray &token)
{
    const Reply created = m_server.requestJson("POST", QStringLiteral("/nodes"), token.isEmpty() ? m_admin : token,
                                               {{QStringLiteral("name"), name},
                                                {QStringLiteral("type"), QStringLiteral("pump")},
                                                {QStringLiteral("latitude"), lat},
                                                {QStringLiteral("longitude"), lon},
                                                {QStringLiteral("site"), site},
                                                {QStringLiteral("status"), QStringLiteral("online")},
                                                {QStringLiteral("sensors"), sensors}});
    if (created.status != 201)
        qWarning() << created.status << created.body;
    return created.json.value(QStringLiteral("id")).toString();
}

void tst_Maintenance::ingest(const QString &node, const QString &metric, qint64 fromMs, int minutes,
                             const std::function<double(int)> &value)
{
    QJsonArray samples;
    for (int i = 0; i < minutes * 6; ++i)
        samples.append(QJsonObject{{QStringLiteral("node_id"), node},
                                   {QStringLiteral("time"), rfc3339(fromMs + i * 10000)},
                                   {QStringLiteral("seq"), ++m_seq},
                                   {QStringLiteral("metrics"), QJsonObject{{metric, value(i)}}}});
    const Reply posted = m_server.requestJson("POST", QStringLiteral("/telemetry/batch"), m_operator,
                                              {{QStringLiteral("boot_epoch"), 1}, {QStringLiteral("samples"), samples}});
    QVERIFY2(posted.status == 200, posted.body.constData());
}

Server::AgentReport tst_Maintenance::cycle(qint64 nowMs)
{
    auto report = m_server.server().runAgentCycle(nowMs);
    if (!report) {
        qWarning() << "agent cycle failed:" << report.error().message;
        return {};
    }
    return *report;
}

QJsonArray tst_Maintenance::tickets(const QString &query)
{
    const Reply reply = m_server.request("GET", QStringLiteral("/maintenance/tickets?") + query, m_admin);
    return reply.json.value(QStringLiteral("items")).toArray();
}

qint64 tst_Maintenance::scalar(const QByteArray &sql, const QList<QByteArray> &params)
{
    auto result = m_db->exec(sql, params);
    return result && result->rowCount() > 0 ? result->integer(0, 0) : -1;
}

void tst_Maintenance::alertRulesAreChecked()
{
    const auto post = [&](const QJsonObject &body, const QByteArray &token) {
        return m_server.requestJson("POST", QStringLiteral("/alert-rules"), token, body);
    };
    const QJsonObject rule{{QStringLiteral("metric"), QStringLiteral("pressure_bar")},
                           {QStringLiteral("direction"), QStringLiteral("above")},
                           {QStringLiteral("level"), 10.0},
                           {QStringLiteral("severity"), QStringLiteral("HIGH")}};
    QCOMPARE(post(rule, m_viewer).status, 403);
    QCOMPARE(post(rule, m_operator).status, 403);
    const auto refused = [&](QJsonObject body, const QString &field) {
        const Reply reply = post(body, m_admin);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.errorField(), field);
    };
    {
        QJsonObject b = rule;
        b.insert(QStringLiteral("direction"), QStringLiteral("sideways"));
        refused(b, QStringLiteral("direction"));
    }
    {
        QJsonObject b = rule;
        b.insert(QStringLiteral("metric"), QStringLiteral("warp_factor"));
        refused(b, QStringLiteral("metric"));
    }
    {
        QJsonObject b = rule;
        b.insert(QStringLiteral("clear_level"), 12.0);  // above the level of an 'above' rule: no hysteresis
        refused(b, QStringLiteral("clear_level"));
    }
    {
        QJsonObject b = rule;
        b.insert(QStringLiteral("severity"), QStringLiteral("warning"));
        refused(b, QStringLiteral("severity"));
    }
    {
        QJsonObject b = rule;
        b.insert(QStringLiteral("for_s"), -5);
        refused(b, QStringLiteral("for_s"));
    }
    {
        QJsonObject b = rule;
        b.insert(QStringLiteral("node_id"), QUuid::createUuid().toString(QUuid::WithoutBraces));
        refused(b, QStringLiteral("node_id"));  // not a node of the organization
    }
    {
        QJsonObject b = rule;
        b.insert(QStringLiteral("owner"), QStringLiteral("me"));
        refused(b, QStringLiteral("owner"));   // unknown fields are refused
    }
    // The default clear level is 5 % of the level on the safe side; a PATCH of the level
    // moves it along unless it is given.
    const Reply created = post(rule, m_admin);
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json.value(QStringLiteral("clear_level")).toDouble(), 9.5);
    QCOMPARE(created.json.value(QStringLiteral("for_s")).toInt(), 60);
    const QString id = created.json.value(QStringLiteral("id")).toString();
    const Reply patched = m_server.requestJson("PATCH", QStringLiteral("/alert-rules/") + id, m_admin,
                                               {{QStringLiteral("level"), 20.0}});
    QCOMPARE(patched.status, 200);
    QCOMPARE(patched.json.value(QStringLiteral("clear_level")).toDouble(), 19.0);
    QCOMPARE(m_server.request("GET", QStringLiteral("/alert-rules/") + id, m_stranger).status, 404);  // another organization's
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/alert-rules/") + id, m_admin).status, 204);
    QCOMPARE(m_server.request("GET", QStringLiteral("/alert-rules/") + id, m_admin).status, 404);
}

void tst_Maintenance::thresholdHeldForDurationOpensOneTicket()
{
    // The sensor's limits are the default rules: warn_above 80 (MEDIUM), max 100 (HIGH).
    const QString node = createNode(QStringLiteral("Coolant pump P-1"),
                                    {QJsonObject{{QStringLiteral("metric"), QStringLiteral("temperature_c")},
                                                 {QStringLiteral("warn_above"), 80.0},
                                                 {QStringLiteral("max"), 100.0},
                                                 {QStringLiteral("component"), QStringLiteral("Bearing housing")}}});
    QVERIFY(!node.isEmpty());
    // A rule that needs ten minutes: three minutes above it are not enough.
    const Reply rule = m_server.requestJson("POST", QStringLiteral("/alert-rules"), m_admin,
                                            {{QStringLiteral("node_id"), node},
                                             {QStringLiteral("metric"), QStringLiteral("temperature_c")},
                                             {QStringLiteral("direction"), QStringLiteral("above")},
                                             {QStringLiteral("level"), 60.0},
                                             {QStringLiteral("for_s"), 600},
                                             {QStringLiteral("severity"), QStringLiteral("CRITICAL")}});
    QCOMPARE(rule.status, 201);
    ingest(node, QStringLiteral("temperature_c"), m_base, 5, [](int i) { return i < 12 ? 50.0 : 105.0 + (i % 3); });
    // Half a minute above: held less than 60 s, nothing yet.
    Server::AgentReport report = cycle(m_base + 2 * kMinuteMs + 30000);
    QCOMPARE(report.ticketsOpened, 0);
    QVERIFY(report.nodesAssessed >= 1);
    report = cycle(m_base + 5 * kMinuteMs);
    QCOMPARE(report.ticketsOpened, 1);
    QJsonArray open = tickets(QStringLiteral("node_id=") + node);
    QCOMPARE(open.size(), 1);
    QJsonObject ticket = open.at(0).toObject();
    QCOMPARE(ticket.value(QStringLiteral("cause")).toString(), QStringLiteral("threshold:temperature_c"));
    QCOMPARE(ticket.value(QStringLiteral("severity")).toString(), QStringLiteral("HIGH"));  // the max, not the 10-min rule
    QCOMPARE(ticket.value(QStringLiteral("node_name")).toString(), QStringLiteral("Coolant pump P-1"));
    QCOMPARE(ticket.value(QStringLiteral("component")).toString(), QStringLiteral("Bearing housing"));
    QCOMPARE(ticket.value(QStringLiteral("status")).toString(), QStringLiteral("open"));
    const QJsonObject evidence = ticket.value(QStringLiteral("evidence")).toObject();
    QCOMPARE(evidence.value(QStringLiteral("level")).toDouble(), 100.0);
    QVERIFY(evidence.value(QStringLiteral("value")).toDouble() >= 105.0);
    QCOMPARE(evidence.value(QStringLiteral("window_max")).toDouble(), 107.0);
    QVERIFY(evidence.contains(QStringLiteral("window")));
    // Still above on the next cycles: the same ticket, no new occurrence.
    report = cycle(m_base + 5 * kMinuteMs + 30000);
    QCOMPARE(report.ticketsOpened, 0);
    QCOMPARE(report.ticketsUpdated, 0);
    // Ten minutes above 60 reaches the CRITICAL rule: the ticket's severity is raised.
    ingest(node, QStringLiteral("temperature_c"), m_base + 5 * kMinuteMs, 9, [](int) { return 106.0; });
    report = cycle(m_base + 14 * kMinuteMs);
    QCOMPARE(report.ticketsOpened, 0);
    QCOMPARE(report.ticketsUpdated, 1);
    open = tickets(QStringLiteral("node_id=") + node);
    QCOMPARE(open.size(), 1);
    ticket = open.at(0).toObject();
    // The 10-minute rule fired as a new state of its own: its severity wins.
    QCOMPARE(ticket.value(QStringLiteral("severity")).toString(), QStringLiteral("CRITICAL"));
    const Reply detail = m_server.request("GET", QStringLiteral("/maintenance/tickets/") + ticket.value(QStringLiteral("id")).toString(), m_operator);
    QCOMPARE(detail.status, 200);
    QStringList kinds;
    for (const QJsonValue &event : detail.json.value(QStringLiteral("events")).toArray()) {
        kinds.append(event.toObject().value(QStringLiteral("kind")).toString());
        QCOMPARE(event.toObject().value(QStringLiteral("actor")).toString(), QStringLiteral("agent"));
    }
    QVERIFY2(kinds.startsWith(QStringLiteral("opened")) && kinds.contains(QStringLiteral("severity")),
             qPrintable(kinds.join(QLatin1Char(','))));
}

void tst_Maintenance::hoveringValueDoesNotFlapAndRepeatUpdates()
{
    const QString node = createNode(QStringLiteral("Booster B-7"),
                                    {QJsonObject{{QStringLiteral("metric"), QStringLiteral("pressure_bar")}}});
    const Reply rule = m_server.requestJson("POST", QStringLiteral("/alert-rules"), m_admin,
                                            {{QStringLiteral("node_id"), node},
                                             {QStringLiteral("metric"), QStringLiteral("pressure_bar")},
                                             {QStringLiteral("direction"), QStringLiteral("above")},
                                             {QStringLiteral("level"), 10.0},
                                             {QStringLiteral("clear_level"), 8.0},
                                             {QStringLiteral("for_s"), 60},
                                             {QStringLiteral("severity"), QStringLiteral("MEDIUM")}});
    QCOMPARE(rule.status, 201);
    // A timeline of its own (cycles see every node: the other tests' windows are apart).
    const qint64 base = m_base + 20 * kMinuteMs;
    // Two minutes at 11: it fires.
    ingest(node, QStringLiteral("pressure_bar"), base, 2, [](int) { return 11.0; });
    QCOMPARE(cycle(base + 2 * kMinuteMs).ticketsOpened, 1);
    // Twelve minutes hovering across the level (9.5 … 10.5) but never below the clear
    // level: a cycle every minute, and the ticket neither closes nor counts repeats.
    ingest(node, QStringLiteral("pressure_bar"), base + 2 * kMinuteMs, 12,
           [](int i) { return i % 2 ? 10.5 : 9.5; });
    for (int minute = 3; minute <= 14; ++minute) {
        const Server::AgentReport report = cycle(base + minute * kMinuteMs);
        QVERIFY2(report.ticketsOpened == 0 && report.ticketsUpdated == 0, qPrintable(QString::number(minute)));
    }
    QJsonArray open = tickets(QStringLiteral("node_id=") + node);
    QCOMPARE(open.size(), 1);
    QCOMPARE(open.at(0).toObject().value(QStringLiteral("occurrences")).toInt(), 1);
    // Down to 7 (below the clear level): it clears. Back at 11 for two minutes: a repeat,
    // which updates the same ticket.
    ingest(node, QStringLiteral("pressure_bar"), base + 14 * kMinuteMs, 2, [](int) { return 7.0; });
    QCOMPARE(cycle(base + 16 * kMinuteMs).ticketsUpdated, 0);
    QCOMPARE(scalar("SELECT count(*) FROM alert_states WHERE node_id = $1", {node.toUtf8()}), 0);
    ingest(node, QStringLiteral("pressure_bar"), base + 16 * kMinuteMs, 3, [](int) { return 11.0; });
    const Server::AgentReport repeat = cycle(base + 19 * kMinuteMs);
    QCOMPARE(repeat.ticketsOpened, 0);
    QCOMPARE(repeat.ticketsUpdated, 1);
    open = tickets(QStringLiteral("node_id=") + node);
    QCOMPARE(open.size(), 1);
    QCOMPARE(open.at(0).toObject().value(QStringLiteral("occurrences")).toInt(), 2);
}

void tst_Maintenance::concurrentRaisesMakeOneTicket()
{
    // Two connections (as two instances would) raise the same finding at the same moment,
    // many times: the unique index on the live deduplication key lets one INSERT win.
    const QString node = createNode(QStringLiteral("Race R-1"), {});
    auto organization = m_db->exec("SELECT organization_id FROM machine_nodes WHERE id = $1", {node.toUtf8()});
    QVERIFY(organization && organization->rowCount() == 1);
    Server::Finding finding;
    finding.organizationId = QUuid::fromString(organization->text(0, 0));
    finding.nodeId = QUuid::fromString(node);
    finding.cause = QStringLiteral("edge_anomaly");
    finding.severity = QStringLiteral("MEDIUM");
    finding.title = QStringLiteral("raced");
    std::atomic_int opened{0}, failed{0};
    const auto raiser = [&] {
        Server::PgConnection db(m_server.server().conninfo());
        if (!db.open()) {
            ++failed;
            return;
        }
        for (int i = 0; i < 20; ++i) {
            auto outcome = Server::TicketStore::raise(db, finding, {});
            if (!outcome)
                ++failed;
            else if (outcome->opened)
                ++opened;
        }
    };
    std::thread a(raiser), b(raiser);
    a.join();
    b.join();
    QCOMPARE(failed.load(), 0);
    QCOMPARE(opened.load(), 1);
    QCOMPARE(scalar("SELECT count(*) FROM maintenance_tickets WHERE node_id = $1", {node.toUtf8()}), 1);
    QCOMPARE(scalar("SELECT occurrences FROM maintenance_tickets WHERE node_id = $1", {node.toUtf8()}), 40);
}

void tst_Maintenance::twoInstancesRunOneCycleAtATime()
{
    QString error;
    std::unique_ptr<Server::Server> peer = m_server.startPeer([](Server::ServerConfig &config) {
        config.agent.intervalS = 0;
    }, &error);
    QVERIFY2(peer, qPrintable(error));
    const QString node = createNode(QStringLiteral("Twin instances T-1"),
                                    {QJsonObject{{QStringLiteral("metric"), QStringLiteral("flow_lpm")},
                                                 {QStringLiteral("max"), 500.0}}});
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    ingest(node, QStringLiteral("flow_lpm"), now - 3 * kMinuteMs - 10000, 3, [](int) { return 650.0; });
    // Both instances are asked for a cycle at once, over HTTP.
    QNetworkAccessManager network;
    std::atomic_int openedTotal{0};
    QList<Reply> replies;
    std::thread other([&] {
        QNetworkAccessManager own;
        QEventLoop loop;
        const Reply reply = Tests::requestAt(own, peer->url(), "POST", QStringLiteral("/maintenance/agent/run"), m_admin);
        openedTotal += reply.json.value(QStringLiteral("tickets_opened")).toInt();
    });
    const Reply here = m_server.request("POST", QStringLiteral("/maintenance/agent/run"), m_admin);
    other.join();
    QCOMPARE(here.status, 200);
    openedTotal += here.json.value(QStringLiteral("tickets_opened")).toInt();
    QVERIFY(here.json.contains(QStringLiteral("duration_ms")));
    QVERIFY(here.json.value(QStringLiteral("nodes_assessed")).toInt() >= 1);
    QCOMPARE(openedTotal.load(), 1);
    QCOMPARE(tickets(QStringLiteral("node_id=") + node).size(), 1);
    // A viewer or operator may not run the agent.
    QCOMPARE(m_server.request("POST", QStringLiteral("/maintenance/agent/run"), m_operator).status, 403);
    // Another organization's report counts none of ours.
    const Reply theirs = m_server.request("POST", QStringLiteral("/maintenance/agent/run"), m_stranger);
    QCOMPARE(theirs.status, 200);
    QCOMPARE(theirs.json.value(QStringLiteral("nodes_assessed")).toInt(), 0);
    peer->stop();
}

void tst_Maintenance::ticketTransitionsAndRoles()
{
    const Reply created = m_server.requestJson("POST", QStringLiteral("/maintenance/tickets"), m_engineer,
                                               {{QStringLiteral("title"), QStringLiteral("Replace the gearbox seal")},
                                                {QStringLiteral("severity"), QStringLiteral("MEDIUM")},
                                                {QStringLiteral("component"), QStringLiteral("Gearbox")}});
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json.value(QStringLiteral("cause")).toString(), QStringLiteral("manual"));
    const QString path = QStringLiteral("/maintenance/tickets/") + created.json.value(QStringLiteral("id")).toString();
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/maintenance/tickets"), m_viewer,
                                  {{QStringLiteral("title"), QStringLiteral("x")}, {QStringLiteral("severity"), QStringLiteral("LOW")}})
                 .status,
             403);
    QCOMPARE(m_server.request("GET", path, m_viewer).status, 403);   // the viewer role has no maintenance.view
    QCOMPARE(m_server.request("GET", path, m_stranger).status, 404);  // another organization's
    const auto patch = [&](const QJsonObject &body, const QByteArray &token) {
        return m_server.requestJson("PATCH", path, token, body);
    };
    // open → closed skips the work: 409. Resolving without a code: 400 naming it.
    QCOMPARE(patch({{QStringLiteral("status"), QStringLiteral("closed")}}, m_operator).status, 409);
    const Reply noCode = patch({{QStringLiteral("status"), QStringLiteral("resolved")}}, m_operator);
    QCOMPARE(noCode.status, 400);
    QCOMPARE(noCode.errorField(), QStringLiteral("resolution"));
    const Reply badCode = patch({{QStringLiteral("status"), QStringLiteral("resolved")},
                                 {QStringLiteral("resolution"), QJsonObject{{QStringLiteral("code"), QStringLiteral("fixed")}}}},
                                m_operator);
    QCOMPARE(badCode.errorField(), QStringLiteral("resolution.code"));
    QCOMPARE(patch({{QStringLiteral("status"), QStringLiteral("paused")}}, m_operator).errorField(), QStringLiteral("status"));
    // The operator acknowledges and assigns it to themself, the engineer starts and resolves it.
    const Reply me = m_server.request("GET", QStringLiteral("/auth/me"), m_operator);
    const QString operatorId = me.json.value(QStringLiteral("id")).toString();
    Reply step = patch({{QStringLiteral("status"), QStringLiteral("acknowledged")}, {QStringLiteral("assignee_id"), operatorId},
                        {QStringLiteral("comment"), QStringLiteral("on my way")}},
                       m_operator);
    QCOMPARE(step.status, 200);
    QCOMPARE(step.json.value(QStringLiteral("status")).toString(), QStringLiteral("acknowledged"));
    QCOMPARE(step.json.value(QStringLiteral("assignee")).toString(), QStringLiteral("otto"));
    QVERIFY(!step.json.value(QStringLiteral("acknowledged_at")).isNull());
    QCOMPARE(patch({{QStringLiteral("assignee_id"), QUuid::createUuid().toString(QUuid::WithoutBraces)}}, m_operator).errorField(),
             QStringLiteral("assignee_id"));
    QCOMPARE(patch({{QStringLiteral("status"), QStringLiteral("in_progress")}}, m_engineer).status, 200);
    QCOMPARE(patch({{QStringLiteral("status"), QStringLiteral("acknowledged")}}, m_engineer).status, 409);
    step = patch({{QStringLiteral("status"), QStringLiteral("resolved")},
                  {QStringLiteral("resolution"), QJsonObject{{QStringLiteral("code"), QStringLiteral("failure")},
                                                            {QStringLiteral("notes"), QStringLiteral("seal worn through")}}}},
                 m_engineer);
    QCOMPARE(step.status, 200);
    const QJsonObject resolution = step.json.value(QStringLiteral("resolution")).toObject();
    QCOMPARE(resolution.value(QStringLiteral("code")).toString(), QStringLiteral("failure"));
    QCOMPARE(resolution.value(QStringLiteral("component")).toString(), QStringLiteral("Gearbox"));  // the ticket's
    QCOMPARE(step.json.value(QStringLiteral("priority")).toInt(), 0);
    QCOMPARE(patch({{QStringLiteral("status"), QStringLiteral("closed")}}, m_admin).status, 200);
    QCOMPARE(patch({{QStringLiteral("status"), QStringLiteral("open")}}, m_admin).status, 409);   // closed is final
    QCOMPARE(patch({{QStringLiteral("status"), QStringLiteral("acknowledged")}}, m_viewer).status, 403);
    // Every change is an event with its author.
    const Reply detail = m_server.request("GET", path, m_operator);
    QStringList trail;
    for (const QJsonValue &value : detail.json.value(QStringLiteral("events")).toArray()) {
        const QJsonObject event = value.toObject();
        trail.append(event.value(QStringLiteral("kind")).toString() + QLatin1Char('/')
                     + event.value(QStringLiteral("actor_name")).toString());
    }
    QCOMPARE(trail, QStringList({QStringLiteral("opened/eve"), QStringLiteral("status/otto"), QStringLiteral("assigned/otto"),
                                 QStringLiteral("comment/otto"), QStringLiteral("status/eve"), QStringLiteral("status/eve"),
                                 QStringLiteral("status/boss")}));
    // Filters and sorting are checked.
    QCOMPARE(m_server.request("GET", QStringLiteral("/maintenance/tickets?status=done"), m_admin).errorField(),
             QStringLiteral("status"));
    QCOMPARE(m_server.request("GET", QStringLiteral("/maintenance/tickets?sort=random"), m_admin).errorField(),
             QStringLiteral("sort"));
    QCOMPARE(m_server.request("GET", QStringLiteral("/maintenance/tickets?node_id=42"), m_admin).errorField(),
             QStringLiteral("node_id"));
    const QJsonArray closed = tickets(QStringLiteral("status=closed"));
    QVERIFY(std::any_of(closed.begin(), closed.end(), [&](const QJsonValue &t) {
        return t.toObject().value(QStringLiteral("id")) == created.json.value(QStringLiteral("id"));
    }));
    // Priority order: CRITICAL before HIGH before MEDIUM among open tickets.
    const QJsonArray byPriority = tickets(QStringLiteral("status=open,acknowledged,in_progress&sort=priority"));
    int last = 101;
    for (const QJsonValue &value : byPriority) {
        const int priority = value.toObject().value(QStringLiteral("priority")).toInt();
        QVERIFY(priority <= last);
        last = priority;
    }
    // Another organization's ticket is not found.
    const Reply theirs = m_server.requestJson("PATCH", path, m_stranger, {{QStringLiteral("comment"), QStringLiteral("hi")}});
    QCOMPARE(theirs.status, 404);
}

void tst_Maintenance::staleNodeIsItsOwnCause()
{
    const QString node = createNode(QStringLiteral("Silent S-1"),
                                    {QJsonObject{{QStringLiteral("metric"), QStringLiteral("rpm")},
                                                 {QStringLiteral("sample_rate_hz"), 1.0}}});
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    ingest(node, QStringLiteral("rpm"), now - 2 * kMinuteMs, 1, [](int) { return 1500.0; });
    QVERIFY(m_db->exec("UPDATE machine_nodes SET last_seen_at = now() - interval '20 minutes' WHERE id = $1",
                       {node.toUtf8()}));
    cycle(now);
    QJsonArray found = tickets(QStringLiteral("node_id=") + node);
    QCOMPARE(found.size(), 1);
    QCOMPARE(found.at(0).toObject().value(QStringLiteral("cause")).toString(), QStringLiteral("stale"));
    // Still silent: no repeat. Speaking again clears the state; silent again is a repeat.
    QCOMPARE(cycle(now + 1000).ticketsUpdated, 0);
    QVERIFY(m_db->exec("UPDATE machine_nodes SET last_seen_at = now() WHERE id = $1", {node.toUtf8()}));
    cycle(now + 2000);
    QVERIFY(m_db->exec("UPDATE machine_nodes SET last_seen_at = now() - interval '30 minutes' WHERE id = $1",
                       {node.toUtf8()}));
    QCOMPARE(cycle(now + 3000).ticketsUpdated, 1);
    found = tickets(QStringLiteral("node_id=") + node);
    QCOMPARE(found.size(), 1);
    QCOMPARE(found.at(0).toObject().value(QStringLiteral("occurrences")).toInt(), 2);
    const Reply health = m_server.request("GET", QStringLiteral("/nodes/") + node + QStringLiteral("/health"), m_operator);
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json.value(QStringLiteral("status")).toString(), QStringLiteral("stale"));
}

void tst_Maintenance::anomalyModelScoresAndNamesDrivers()
{
    const QString node = createNode(QStringLiteral("Spindle M-3"),
                                    {QJsonObject{{QStringLiteral("metric"), QStringLiteral("vibration_z_g")}},
                                     QJsonObject{{QStringLiteral("metric"), QStringLiteral("temperature_c")}},
                                     QJsonObject{{QStringLiteral("metric"), QStringLiteral("rpm")}}});
    // An hour of healthy running four hours ago (noise around fixed levels), then ten
    // minutes two hours ago in which vibration_z climbs far out of its healthy range.
    QRandomGenerator random(7);
    const auto post = [&](qint64 fromMs, int rows, double vibrationShift) {
        QJsonArray samples;
        for (int i = 0; i < rows; ++i)
            samples.append(QJsonObject{
                {QStringLiteral("node_id"), node},
                {QStringLiteral("time"), rfc3339(fromMs + i * 10000)},
                {QStringLiteral("seq"), ++m_seq},
                {QStringLiteral("metrics"),
                 QJsonObject{{QStringLiteral("vibration_z_g"), 0.5 + 0.05 * (random.generateDouble() - 0.5) + vibrationShift},
                             {QStringLiteral("temperature_c"), 60 + 0.5 * (random.generateDouble() - 0.5)},
                             {QStringLiteral("rpm"), 1500 + 5 * (random.generateDouble() - 0.5)}}}});
        const Reply posted = m_server.requestJson("POST", QStringLiteral("/telemetry/batch"), m_operator,
                                                  {{QStringLiteral("boot_epoch"), 1}, {QStringLiteral("samples"), samples}});
        QCOMPARE(posted.status, 200);
    };
    const qint64 trainFrom = m_base - 3 * 3600000LL;
    post(trainFrom, 360, 0);
    const Reply refused = m_server.requestJson("POST", QStringLiteral("/nodes/") + node + QStringLiteral("/anomaly-model"),
                                               m_admin, {{QStringLiteral("detector"), QStringLiteral("magic")}});
    QCOMPARE(refused.errorField(), QStringLiteral("detector"));
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/nodes/") + node + QStringLiteral("/anomaly-model"), m_operator, {})
                 .status,
             403);
    const Reply trained = m_server.requestJson("POST", QStringLiteral("/nodes/") + node + QStringLiteral("/anomaly-model"),
                                               m_admin,
                                               {{QStringLiteral("from"), rfc3339(trainFrom)},
                                                {QStringLiteral("to"), rfc3339(trainFrom + 3600000)}});
    QVERIFY2(trained.status == 201, trained.body.constData());
    QCOMPARE(trained.json.value(QStringLiteral("kind")).toString(), QStringLiteral("zscore_max"));
    QCOMPARE(trained.json.value(QStringLiteral("training_rows")).toInt(), 60);  // minute means
    QCOMPARE(trained.json.value(QStringLiteral("metrics")).toArray().size(), 3);
    // The model file, for edge devices: with its ETag, and the node's own key only.
    const QString filePath = QStringLiteral("/nodes/") + node + QStringLiteral("/anomaly-model/file");
    const Reply file = m_server.request("GET", filePath, m_operator);
    QCOMPARE(file.status, 200);
    QVERIFY(Core::Anomaly::deserializeDetector(file.body).ok());
    const QByteArray etag = file.headers.value("etag");
    QCOMPARE(etag, '"' + QCryptographicHash::hash(file.body, QCryptographicHash::Sha256).toHex() + '"');
    QCOMPARE(m_server.request("GET", filePath, m_operator, {}, {{"If-None-Match", etag}}).status, 304);
    const Reply key = m_server.requestJson("POST", QStringLiteral("/nodes/") + node + QStringLiteral("/api-keys"), m_admin,
                                           {{QStringLiteral("name"), QStringLiteral("edge")}});
    QCOMPARE(m_server.request("GET", filePath, key.json.value(QStringLiteral("key")).toString().toLatin1()).status, 200);
    const QString other = createNode(QStringLiteral("Other O-1"), {});
    const Reply otherKey = m_server.requestJson("POST", QStringLiteral("/nodes/") + other + QStringLiteral("/api-keys"), m_admin,
                                                {{QStringLiteral("name"), QStringLiteral("edge")}});
    QCOMPARE(m_server.request("GET", filePath, otherKey.json.value(QStringLiteral("key")).toString().toLatin1()).status, 403);
    QCOMPARE(m_server.request("GET", QStringLiteral("/nodes/") + other + QStringLiteral("/anomaly-model"), m_admin).status, 404);

    // Healthy again for ten minutes: scored, no ticket.
    const qint64 healthyFrom = trainFrom + 3600000 + 10 * kMinuteMs;
    post(healthyFrom, 60, 0);
    Server::AgentReport report = cycle(healthyFrom + 10 * kMinuteMs);
    QCOMPARE(report.minutesScored, 10);  // the complete minutes since training
    QVERIFY2(tickets(QStringLiteral("node_id=") + node).isEmpty(),
             QJsonDocument(tickets(QStringLiteral("node_id=") + node)).toJson().constData());
    // Then vibration_z far out: one anomaly ticket naming it.
    const qint64 faultFrom = healthyFrom + 10 * kMinuteMs;
    post(faultFrom, 60, 0.6);
    report = cycle(faultFrom + 10 * kMinuteMs);
    QJsonArray found = tickets(QStringLiteral("node_id=") + node);
    QCOMPARE(found.size(), 1);
    const QJsonObject ticket = found.at(0).toObject();
    QCOMPARE(ticket.value(QStringLiteral("cause")).toString(), QStringLiteral("anomaly"));
    const QJsonObject evidence = ticket.value(QStringLiteral("evidence")).toObject();
    QCOMPARE(evidence.value(QStringLiteral("driver_metrics")).toArray().first().toString(), QStringLiteral("vibration_z_g"));
    QVERIFY(ticket.value(QStringLiteral("title")).toString().contains(QLatin1String("vibration_z_g")));
    QVERIFY(evidence.value(QStringLiteral("score")).toDouble() > evidence.value(QStringLiteral("threshold")).toDouble());
    QCOMPARE(ticket.value(QStringLiteral("component")).toString(), QString());  // no sensor names one
    // Still anomalous, no new samples: nothing new.
    QCOMPARE(cycle(faultFrom + 11 * kMinuteMs).ticketsUpdated, 0);
    const Reply health = m_server.request("GET", QStringLiteral("/nodes/") + node + QStringLiteral("/health"), m_operator);
    const QJsonObject anomaly = health.json.value(QStringLiteral("anomaly")).toObject();
    QVERIFY(anomaly.value(QStringLiteral("anomalous")).toBool());
    QCOMPARE(anomaly.value(QStringLiteral("drivers")).toArray().first().toObject().value(QStringLiteral("metric")).toString(),
             QStringLiteral("vibration_z_g"));
    QVERIFY(health.json.value(QStringLiteral("score")).toInt() < 80);
    QCOMPARE(health.json.value(QStringLiteral("model")).toObject().value(QStringLiteral("kind")).toString(),
             QStringLiteral("zscore_max"));
}

void tst_Maintenance::trendTicketPredictsTheCrossing()
{
    const QString node = createNode(QStringLiteral("Warming W-1"),
                                    {QJsonObject{{QStringLiteral("metric"), QStringLiteral("temperature_c")},
                                                 {QStringLiteral("max"), 100.0}}});
    // A day of a temperature climbing 1.5 °C an hour, a sample every five minutes, with
    // one in ten a wild outlier (a sensor glitch least squares would follow).
    // The agent's clock an hour behind, so that the hour after can be sent too.
    const qint64 now = QDateTime::currentMSecsSinceEpoch() - 3600000;
    const qint64 hourNow = now / 3600000 * 3600000;
    const qint64 from = hourNow - 24 * 3600000LL;
    QJsonArray samples;
    for (int i = 0; i < 24 * 12; ++i) {
        const qint64 t = from + i * 300000LL;
        const double hours = double(t - from) / 3600000.0;
        const double value = i % 12 == 5 && (i / 12) % 4 == 0 ? 20.0 : 50.0 + 1.5 * hours;
        samples.append(QJsonObject{{QStringLiteral("node_id"), node},
                                   {QStringLiteral("time"), rfc3339(t)},
                                   {QStringLiteral("seq"), ++m_seq},
                                   {QStringLiteral("metrics"), QJsonObject{{QStringLiteral("temperature_c"), value}}}});
    }
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/telemetry/batch"), m_operator,
                                  {{QStringLiteral("boot_epoch"), 1}, {QStringLiteral("samples"), samples}})
                 .status,
             200);
    cycle(now);
    QJsonArray found = tickets(QStringLiteral("node_id=") + node + QStringLiteral("&cause=trend:temperature_c"));
    QCOMPARE(found.size(), 1);
    const QJsonObject ticket = found.at(0).toObject();
    const QJsonObject evidence = ticket.value(QStringLiteral("evidence")).toObject();
    // Closed form: the hourly means lie on 50 + 1.5·(h + 0.4583) (a bucket's mean is at its
    // 27.5-minute mark), the outlier hours aside. The last complete hour starts 23 h in, so
    // the limit of 100 is (100 − 50 − 1.5·23.4583)/1.5 = 9.875 h after that hour's start;
    // the agent counts from the hour's start (the bucket time), so ±0.5 h.
    QVERIFY2(std::abs(evidence.value(QStringLiteral("slope_per_hour")).toDouble() - 1.5) < 0.02,
             qPrintable(QString::number(evidence.value(QStringLiteral("slope_per_hour")).toDouble())));
    QVERIFY2(std::abs(evidence.value(QStringLiteral("hours_to_limit")).toDouble() - 9.875) < 0.6,
             qPrintable(QString::number(evidence.value(QStringLiteral("hours_to_limit")).toDouble())));
    QCOMPARE(ticket.value(QStringLiteral("severity")).toString(), QStringLiteral("HIGH"));  // under a day
    QVERIFY(evidence.value(QStringLiteral("hours_low")).toDouble() <= evidence.value(QStringLiteral("hours_to_limit")).toDouble());
    QVERIFY(evidence.value(QStringLiteral("probability_within_horizon")).toDouble() > 0.9);
    QCOMPARE(evidence.value(QStringLiteral("inputs")).toObject().value(QStringLiteral("hourly_means")).toArray().size(), 24);
    QVERIFY(!ticket.value(QStringLiteral("predicted_failure_at")).isNull());
    // The trend is kept with the node's health; the next cycle in the same hour does not
    // fit it again.
    const Reply health = m_server.request("GET", QStringLiteral("/nodes/") + node + QStringLiteral("/health"), m_operator);
    QCOMPARE(health.json.value(QStringLiteral("trends")).toArray().size(), 1);
    QCOMPARE(cycle(now + 1000).ticketsUpdated, 0);

    // An hour later, with that hour's samples: the refit takes the cached 24 hours and
    // reads only the new one from the rollups (agent_trend_series holds all 25), and the
    // limit is an hour nearer.
    QJsonArray nextHour;
    for (int i = 0; i < 12; ++i) {
        const qint64 t = hourNow + i * 300000LL;
        nextHour.append(QJsonObject{{QStringLiteral("node_id"), node},
                                    {QStringLiteral("time"), rfc3339(t)},
                                    {QStringLiteral("seq"), ++m_seq},
                                    {QStringLiteral("metrics"), QJsonObject{{QStringLiteral("temperature_c"),
                                                                             50.0 + 1.5 * double(t - from) / 3600000.0}}}});
    }
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/telemetry/batch"), m_operator,
                                  {{QStringLiteral("boot_epoch"), 1}, {QStringLiteral("samples"), nextHour}})
                 .status,
             200);
    cycle(hourNow + 3600000 + 60000);
    auto cached = m_db->exec("SELECT cardinality(hours), hours[cardinality(hours)] FROM agent_trend_series "
                             "WHERE node_id = $1 AND metric = 'temperature_c'",
                             {node.toUtf8()});
    QVERIFY(cached && cached->rowCount() == 1);
    QCOMPARE(cached->integer(0, 0), 25);
    QCOMPARE(cached->integer(0, 1), hourNow / 3600000);
    const QJsonObject refit = m_server.request("GET", QStringLiteral("/nodes/") + node + QStringLiteral("/health"), m_operator)
                                  .json.value(QStringLiteral("trends")).toArray().at(0).toObject();
    QCOMPARE(refit.value(QStringLiteral("points")).toInt(), 25);
    QVERIFY2(std::abs(refit.value(QStringLiteral("hours_to_limit")).toDouble() - 8.875) < 0.6,
             qPrintable(QString::number(refit.value(QStringLiteral("hours_to_limit")).toDouble())));
}

void tst_Maintenance::fleetWeibullFromResolvedFailures()
{
    // Three bearings failed at 1,000, 2,000 and 3,000 h; two others run at 500 and 4,000 h.
    const QList<int> failedAt{1000, 2000, 3000};
    const QList<int> runningAt{500, 4000};
    const auto commissioned = [](int hoursAgo) {
        return rfc3339(QDateTime::currentMSecsSinceEpoch() - qint64(hoursAgo) * 3600000);
    };
    const auto nodeAged = [&](const QString &name, int hoursAgo) {
        const Reply created = m_server.requestJson("POST", QStringLiteral("/nodes"), m_stranger,
                                                   {{QStringLiteral("name"), name},
                                                    {QStringLiteral("type"), QStringLiteral("fan")},
                                                    {QStringLiteral("latitude"), 10.0},
                                                    {QStringLiteral("longitude"), 10.0},
                                                    {QStringLiteral("properties"),
                                                     QJsonObject{{QStringLiteral("commissioned_at"), commissioned(hoursAgo)}}}});
        return created.json.value(QStringLiteral("id")).toString();
    };
    const auto resolveOn = [&](const QString &node, const QString &code) {
        const Reply ticket = m_server.requestJson("POST", QStringLiteral("/maintenance/tickets"), m_stranger,
                                                  {{QStringLiteral("title"), QStringLiteral("Bearing")},
                                                   {QStringLiteral("severity"), QStringLiteral("HIGH")},
                                                   {QStringLiteral("node_id"), node},
                                                   {QStringLiteral("component"), QStringLiteral("Main bearing")}});
        QCOMPARE(ticket.status, 201);
        const Reply resolved = m_server.requestJson(
            "PATCH", QStringLiteral("/maintenance/tickets/") + ticket.json.value(QStringLiteral("id")).toString(), m_stranger,
            {{QStringLiteral("status"), QStringLiteral("resolved")},
             {QStringLiteral("resolution"), QJsonObject{{QStringLiteral("code"), code}}}});
        QCOMPARE(resolved.status, 200);
    };
    for (int i = 0; i < failedAt.size(); ++i)
        resolveOn(nodeAged(QStringLiteral("Fan F-%1").arg(i), failedAt.at(i)), QStringLiteral("failure"));
    QStringList running;
    for (int i = 0; i < runningAt.size(); ++i) {
        running.append(nodeAged(QStringLiteral("Fan R-%1").arg(i), runningAt.at(i)));
        resolveOn(running.last(), QStringLiteral("no_fault"));
    }
    const Reply fit = m_server.request("GET", QStringLiteral("/reliability/weibull?component_kind=main%20BEARING"), m_stranger);
    QVERIFY2(fit.status == 200, fit.body.constData());
    QCOMPARE(fit.json.value(QStringLiteral("failures")).toInt(), 3);
    // Suspensions: the two running bearings, and the three replaced ones, running again
    // since their failure (a few seconds).
    QCOMPARE(fit.json.value(QStringLiteral("suspensions")).toInt(), 5);
    QList<double> failures, suspensions;
    for (const QJsonValue &value : fit.json.value(QStringLiteral("records")).toArray()) {
        const QJsonObject record = value.toObject();
        (record.value(QStringLiteral("kind")).toString() == QLatin1String("failure") ? failures : suspensions)
            .append(record.value(QStringLiteral("hours")).toDouble());
    }
    std::sort(failures.begin(), failures.end());
    std::sort(suspensions.begin(), suspensions.end());
    for (int i = 0; i < 3; ++i)
        QVERIFY2(std::abs(failures.at(i) - failedAt.at(i)) < 0.05, qPrintable(QString::number(failures.at(i))));
    QVERIFY(std::abs(suspensions.at(3) - 500) < 0.05 && std::abs(suspensions.at(4) - 4000) < 0.05);
    // The fit is the ageing library's maximum likelihood over exactly these records.
    auto expected = Core::Ageing::fitWeibull(failures, suspensions);
    QVERIFY(expected);
    QCOMPARE(fit.json.value(QStringLiteral("beta")).toDouble(), expected->beta);
    QCOMPARE(fit.json.value(QStringLiteral("eta_hours")).toDouble(), expected->eta);
    // Closing the loop on a running machine: the bearing of the fan at 4,000 h has the
    // remaining life the fleet's fit gives at that age (the conditional quantiles, checked
    // against their closed form in tst_ageing), with an 80 % interval around the median.
    const Reply health = m_server.request("GET", QStringLiteral("/nodes/") + running.at(1) + QStringLiteral("/health"), m_stranger);
    QCOMPARE(health.status, 200);
    const QJsonArray remaining = health.json.value(QStringLiteral("remaining_life")).toArray();
    QCOMPARE(remaining.size(), 1);
    const QJsonObject bearing = remaining.at(0).toObject();
    QCOMPARE(bearing.value(QStringLiteral("component_kind")).toString().toLower(), QStringLiteral("main bearing"));
    const double age = bearing.value(QStringLiteral("age_hours")).toDouble();
    QVERIFY2(std::abs(age - 4000) < 0.1, qPrintable(QString::number(age)));
    const double median = Core::Ageing::weibullResidualQuantile(0.5, age, expected->eta, expected->beta);
    QVERIFY2(std::abs(bearing.value(QStringLiteral("median_hours")).toDouble() - median) < 0.2,
             qPrintable(QString::number(bearing.value(QStringLiteral("median_hours")).toDouble())));
    QVERIFY(bearing.value(QStringLiteral("hours_low")).toDouble() < bearing.value(QStringLiteral("median_hours")).toDouble());
    QVERIFY(bearing.value(QStringLiteral("hours_high")).toDouble() > bearing.value(QStringLiteral("median_hours")).toDouble());
    QCOMPARE(m_server.request("GET", QStringLiteral("/reliability/weibull?component_kind=Gearbox"), m_stranger).status, 422);
    QCOMPARE(m_server.request("GET", QStringLiteral("/reliability/weibull"), m_stranger).errorField(),
             QStringLiteral("component_kind"));
    QCOMPARE(m_server.request("GET", QStringLiteral("/reliability/weibull?component_kind=Main%20bearing"), m_viewer).status, 403);
}

void tst_Maintenance::webhookIsSignedRetriedAndSentOnce()
{
    WebhookReceiver receiver({500, 200});
    const Reply channel = m_server.requestJson("POST", QStringLiteral("/alert-channels"), m_admin,
                                               {{QStringLiteral("name"), QStringLiteral("Control room")},
                                                {QStringLiteral("kind"), QStringLiteral("webhook")},
                                                {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:%1/hooks/laces").arg(receiver.port())}});
    QCOMPARE(channel.status, 201);
    const QString secret = channel.json.value(QStringLiteral("secret")).toString();
    QVERIFY(secret.startsWith(QLatin1String("whsec_")));
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/alert-channels"), m_operator,
                                  {{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("kind"), QStringLiteral("webhook")},
                                   {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:1/")}})
                 .status,
             403);
    // A HIGH ticket queues one alert; MEDIUM queues none (the channel's minimum is HIGH).
    const Reply medium = m_server.requestJson("POST", QStringLiteral("/maintenance/tickets"), m_admin,
                                              {{QStringLiteral("title"), QStringLiteral("Check the belt")},
                                               {QStringLiteral("severity"), QStringLiteral("MEDIUM")}});
    QCOMPARE(medium.status, 201);
    const Reply high = m_server.requestJson("POST", QStringLiteral("/maintenance/tickets"), m_admin,
                                            {{QStringLiteral("title"), QStringLiteral("Bearing temperature high")},
                                             {QStringLiteral("severity"), QStringLiteral("HIGH")}});
    QCOMPARE(high.status, 201);
    // The server's sender answers on its own (every 2 s): first a 500, then, after the
    // backoff, the retry that succeeds.
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests.size(), 2, 20000);
    const WebhookReceiver::Received &first = receiver.requests.at(0);
    const WebhookReceiver::Received &second = receiver.requests.at(1);
    QCOMPARE(first.headers.value("webhook-id"), second.headers.value("webhook-id"));  // the same message, retried
    // Standard Webhooks: v1,base64(HMAC-SHA256(key, id.timestamp.body)), key = base64 part of the secret.
    const QByteArray expected = Server::AlertDelivery::sign(secret, second.headers.value("webhook-id"),
                                                            second.headers.value("webhook-timestamp").toLongLong(), second.body);
    QCOMPARE(second.headers.value("webhook-signature"), expected);
    const QByteArray key = QByteArray::fromBase64(secret.mid(6).toLatin1());
    const QByteArray mac = QMessageAuthenticationCode::hash(second.headers.value("webhook-id") + '.'
                                                                + second.headers.value("webhook-timestamp") + '.' + second.body,
                                                            key, QCryptographicHash::Sha256);
    QCOMPARE(second.headers.value("webhook-signature"), "v1," + mac.toBase64());
    QVERIFY(std::abs(second.headers.value("webhook-timestamp").toLongLong() - QDateTime::currentSecsSinceEpoch()) < 60);
    const QJsonObject body = QJsonDocument::fromJson(second.body).object();
    QCOMPARE(body.value(QStringLiteral("type")).toString(), QStringLiteral("ticket.opened"));
    QCOMPARE(body.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("title")).toString(),
             QStringLiteral("Bearing temperature high"));
    // Each attempt is recorded; after the success nothing is sent again.
    QTRY_COMPARE_WITH_TIMEOUT(scalar("SELECT count(*) FROM alert_outbox WHERE status = 'delivered'"), 1, 5000);
    const Reply deliveries = m_server.request(
        "GET", QStringLiteral("/alert-channels/") + channel.json.value(QStringLiteral("id")).toString() + QStringLiteral("/deliveries"),
        m_admin);
    QCOMPARE(deliveries.status, 200);
    const QJsonObject delivery = deliveries.json.value(QStringLiteral("items")).toArray().at(0).toObject();
    QCOMPARE(delivery.value(QStringLiteral("attempts")).toInt(), 2);
    const QJsonArray log = delivery.value(QStringLiteral("attempt_log")).toArray();
    QCOMPARE(log.size(), 2);
    QCOMPARE(log.at(0).toObject().value(QStringLiteral("status_code")).toInt(), 500);
    QCOMPARE(log.at(1).toObject().value(QStringLiteral("ok")).toBool(), true);
    QTest::qWait(4500);
    QCOMPARE(receiver.requests.size(), 2);
    // A repeat of an alerted ticket inside the repeat interval queues nothing more.
    auto organization = m_db->exec("SELECT organization_id FROM maintenance_tickets WHERE id = $1",
                                   {high.json.value(QStringLiteral("id")).toString().toUtf8()});
    const QString node = createNode(QStringLiteral("Alerted A-1"), {});
    Server::Finding finding;
    finding.organizationId = QUuid::fromString(organization->text(0, 0));
    finding.nodeId = QUuid::fromString(node);
    finding.cause = QStringLiteral("anomaly");
    finding.severity = QStringLiteral("HIGH");
    finding.title = QStringLiteral("unusual vibration");
    auto firstRaise = Server::TicketStore::raise(*m_db, finding, {});
    QVERIFY(firstRaise && firstRaise->opened);
    QCOMPARE(firstRaise->alertsQueued, 1);
    auto secondRaise = Server::TicketStore::raise(*m_db, finding, {});
    QVERIFY(secondRaise && secondRaise->updated);
    QCOMPARE(secondRaise->alertsQueued, 0);
    finding.severity = QStringLiteral("CRITICAL");   // an escalation alerts at once
    auto escalated = Server::TicketStore::raise(*m_db, finding, {});
    QVERIFY(escalated);
    QCOMPARE(escalated->alertsQueued, 1);
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests.size(), 4, 10000);
    QVERIFY(m_server.request("DELETE", QStringLiteral("/alert-channels/") + channel.json.value(QStringLiteral("id")).toString(), m_admin)
                .status
            == 204);
}

void tst_Maintenance::emailReachesARealSmtpServer_data()
{
    QTest::addColumn<bool>("starttls");
    QTest::newRow("plain") << false;
    QTest::newRow("starttls required") << true;
}

void tst_Maintenance::emailReachesARealSmtpServer()
{
    QFETCH(bool, starttls);
    // Debian's aiosmtpd, storing what it receives in a maildir; in the second row it
    // requires STARTTLS with a certificate for 127.0.0.1 made here by openssl.
    QTemporaryDir mail;
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    const QString cert = mail.path() + QStringLiteral("/cert.pem");
    const QString key = mail.path() + QStringLiteral("/key.pem");
    QStringList arguments{QStringLiteral("-m"), QStringLiteral("aiosmtpd"), QStringLiteral("-n"), QStringLiteral("-l"),
                          QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("-c"),
                          QStringLiteral("aiosmtpd.handlers.Mailbox"), mail.path() + QStringLiteral("/box")};
    if (starttls) {
        QCOMPARE(QProcess::execute(QStringLiteral("openssl"),
                                   {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                                    QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                                    QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                                    QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"),
                                    QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert}),
                 0);
        arguments.insert(2, QStringLiteral("--tlscert"));
        arguments.insert(3, cert);
        arguments.insert(4, QStringLiteral("--tlskey"));
        arguments.insert(5, key);
    }
    QProcess smtp;
    smtp.start(QStringLiteral("/usr/bin/python3"), arguments);
    QVERIFY(smtp.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        return socket.waitForConnected(200);
    }(), 10000);
    // The server's own sender with this mail server.
    Server::AlertDeliverySettings settings;
    settings.smtpUrl = QStringLiteral("smtp://127.0.0.1:%1").arg(port);
    settings.smtpFrom = QStringLiteral("alerts@laces.test");
    settings.firstRetryS = 1;   // a failed attempt is due again a second later
    // The mail server's certificate is not one the system trusts: without --smtp-ca-file
    // the e-mail is not sent in the clear (the server requires STARTTLS) nor over an
    // unverified connection; with it, it goes.
    Server::AlertDeliverySettings untrusting = settings;
    if (starttls)
        settings.smtpCaCertificates = QSslCertificate::fromPath(cert);
    Server::AlertDelivery delivery(settings);
    Server::AlertDelivery untrustingDelivery(untrusting);
    const Reply channel = m_server.requestJson("POST", QStringLiteral("/alert-channels"), m_admin,
                                               {{QStringLiteral("name"), QStringLiteral("Maintenance crew")},
                                                {QStringLiteral("kind"), QStringLiteral("email")},
                                                {QStringLiteral("recipients"), QJsonArray{QStringLiteral("crew@plant.test"), QStringLiteral("lead@plant.test")}},
                                                {QStringLiteral("min_severity"), QStringLiteral("CRITICAL")}});
    QCOMPARE(channel.status, 201);
    QCOMPARE(m_server.requestJson("POST", QStringLiteral("/alert-channels"), m_admin,
                                  {{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("kind"), QStringLiteral("email")},
                                   {QStringLiteral("recipients"), QJsonArray{QStringLiteral("not an address")}}})
                 .errorField(),
             QStringLiteral("recipients[0]"));
    // The server's timer has no mail server, so the e-mail is sent by ours: stop its tries
    // by sending first (rows are claimed with SKIP LOCKED).
    const Reply critical = m_server.requestJson("POST", QStringLiteral("/maintenance/tickets"), m_admin,
                                                {{QStringLiteral("title"), QStringLiteral("Spindle seized")},
                                                 {QStringLiteral("severity"), QStringLiteral("CRITICAL")}});
    QCOMPARE(critical.status, 201);
    Server::PgConnection db(m_server.server().conninfo());
    QVERIFY(db.open());
    const QByteArray deliveredSql = "SELECT count(*) FROM alert_outbox o JOIN alert_channels c ON c.id = o.channel_id "
                                    "WHERE c.kind = 'email' AND o.status = 'delivered'";
    const qint64 deliveredBefore = scalar(deliveredSql);
    if (starttls) {
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            (void)untrustingDelivery.deliverDue(db);
            return scalar("SELECT count(*) FROM alert_attempts a JOIN alert_outbox o ON o.id = a.outbox_id "
                          "JOIN alert_channels c ON c.id = o.channel_id WHERE c.kind = 'email' AND NOT a.ok "
                          "AND a.error LIKE 'STARTTLS failed%'") >= 1;
        }(), 20000);
        QCOMPARE(scalar(deliveredSql), deliveredBefore);
    }
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        (void)delivery.deliverDue(db);
        return scalar(deliveredSql) == deliveredBefore + 1;
    }(), 30000);
    QString message;
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        QDirIterator files(mail.path() + QStringLiteral("/box/new"), QDir::Files);
        if (!files.hasNext())
            return false;
        QFile file(files.next());
        file.open(QIODevice::ReadOnly);
        message = QString::fromUtf8(file.readAll());
        return true;
    }(), 5000);
    QVERIFY2(message.contains(QLatin1String("crew@plant.test")) && message.contains(QLatin1String("lead@plant.test")),
             qPrintable(message));
    QVERIFY(message.contains(QLatin1String("From: LACES Genesis <alerts@laces.test>")));
    QVERIFY(message.contains(QLatin1String("Spindle seized")));
    QVERIFY(message.contains(QLatin1String("Subject: =?UTF-8?B?")));
    smtp.terminate();
    smtp.waitForFinished();
    QVERIFY(m_server.request("DELETE", QStringLiteral("/alert-channels/") + channel.json.value(QStringLiteral("id")).toString(), m_admin)
                .status
            == 204);
}

void tst_Maintenance::webhooksToPrivateAddressesAreRefused()
{
    for (const QString &url : {QStringLiteral("http://127.0.0.1:8080/"), QStringLiteral("http://10.1.2.3/hook"),
                               QStringLiteral("http://192.168.0.10/"), QStringLiteral("http://169.254.169.254/latest"),
                               QStringLiteral("http://[::1]/"), QStringLiteral("http://localhost/")}) {
        const Core::Status checked = Server::AlertDelivery::checkWebhookUrl(QUrl(url), false);
        QVERIFY2(!checked.ok(), qPrintable(url));
        QCOMPARE(checked.error().field, QStringLiteral("url"));
    }
    QVERIFY(!Server::AlertDelivery::checkWebhookUrl(QUrl(QStringLiteral("ftp://example.org/")), false).ok());
    QVERIFY(Server::AlertDelivery::checkWebhookUrl(QUrl(QStringLiteral("https://93.184.215.14/hook")), false).ok());
}

void tst_Maintenance::ticketsArriveLive()
{
    std::unique_ptr<QWebSocket> socket = Tests::openHubSocket(m_server.server().port(), m_operator);
    QVERIFY(socket && socket->state() == QAbstractSocket::ConnectedState);
    QSignalSpy messages(socket.get(), &QWebSocket::textMessageReceived);
    socket->sendTextMessage(QStringLiteral("{\"type\":\"subscribe_maintenance\"}"));
    QVERIFY(!Tests::nextMessageOfType(messages, QStringLiteral("maintenance_subscribed")).isEmpty());
    // The stranger's ticket does not reach us; ours does.
    m_server.requestJson("POST", QStringLiteral("/maintenance/tickets"), m_stranger,
                         {{QStringLiteral("title"), QStringLiteral("Their ticket")}, {QStringLiteral("severity"), QStringLiteral("LOW")}});
    const Reply created = m_server.requestJson("POST", QStringLiteral("/maintenance/tickets"), m_admin,
                                               {{QStringLiteral("title"), QStringLiteral("Lube the chain")},
                                                {QStringLiteral("severity"), QStringLiteral("LOW")}});
    QCOMPARE(created.status, 201);
    const QJsonObject opened = Tests::nextMessageOfType(messages, QStringLiteral("ticket_opened"));
    QCOMPARE(opened.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("title")).toString(), QStringLiteral("Lube the chain"));
    m_server.requestJson("PATCH", QStringLiteral("/maintenance/tickets/") + created.json.value(QStringLiteral("id")).toString(),
                         m_admin, {{QStringLiteral("status"), QStringLiteral("acknowledged")}});
    const QJsonObject updated = Tests::nextMessageOfType(messages, QStringLiteral("ticket_updated"));
    QCOMPARE(updated.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("status")).toString(),
             QStringLiteral("acknowledged"));
    // A viewer may not follow maintenance.
    std::unique_ptr<QWebSocket> viewer = Tests::openHubSocket(m_server.server().port(), m_viewer);
    QSignalSpy viewerMessages(viewer.get(), &QWebSocket::textMessageReceived);
    viewer->sendTextMessage(QStringLiteral("{\"type\":\"subscribe_maintenance\"}"));
    QCOMPARE(Tests::nextMessageOfType(viewerMessages, QStringLiteral("error")).value(QStringLiteral("code")).toString(),
             QStringLiteral("forbidden"));
}

void tst_Maintenance::fleetHealthRanksWorstFirst()
{
    const QString healthy = createNode(QStringLiteral("Quiet Q-1"),
                                       {QJsonObject{{QStringLiteral("metric"), QStringLiteral("temperature_c")},
                                                    {QStringLiteral("max"), 100.0}}},
                                       48.14, 11.58, QStringLiteral("Munich"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    ingest(healthy, QStringLiteral("temperature_c"), now - 3 * kMinuteMs, 3, [](int) { return 40.0; });
    cycle(now);
    const Reply fleet = m_server.request("GET", QStringLiteral("/fleet/health"), m_operator);
    QCOMPARE(fleet.status, 200);
    const QJsonArray nodes = fleet.json.value(QStringLiteral("nodes")).toArray();
    QVERIFY(nodes.size() >= 3);
    int last = -1;
    bool sawHealthy = false;
    for (const QJsonValue &value : nodes) {
        const QJsonObject node = value.toObject();
        const int score = node.value(QStringLiteral("score")).isDouble() ? node.value(QStringLiteral("score")).toInt() : 100;
        QVERIFY2(score >= last, qPrintable(node.value(QStringLiteral("name")).toString()));
        last = score;
        if (node.value(QStringLiteral("node_id")).toString() == healthy) {
            sawHealthy = true;
            QCOMPARE(node.value(QStringLiteral("score")).toInt(), 100);
            QCOMPARE(node.value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));
        }
    }
    QVERIFY(sawHealthy);
    // The first node (worst) has an open ticket; the score reflects it.
    QVERIFY(nodes.first().toObject().value(QStringLiteral("score")).toInt() < 100);
    QVERIFY(nodes.first().toObject().value(QStringLiteral("open_tickets")).toInt() >= 1);
    bool munich = false;
    for (const QJsonValue &value : fleet.json.value(QStringLiteral("sites")).toArray()) {
        const QJsonObject site = value.toObject();
        if (site.value(QStringLiteral("site")).toString() == QLatin1String("Munich")) {
            munich = true;
            QCOMPARE(site.value(QStringLiteral("nodes")).toInt(), 1);
            QCOMPARE(site.value(QStringLiteral("latitude")).toDouble(), 48.14);
        }
    }
    QVERIFY(munich);
    QCOMPARE(m_server.request("GET", QStringLiteral("/fleet/health"), m_viewer).status, 403);
    QCOMPARE(m_server.request("GET", QStringLiteral("/fleet/health?bbox=1,2,3"), m_admin).errorField(), QStringLiteral("bbox"));
    const Reply box = m_server.request("GET", QStringLiteral("/fleet/health?bbox=11,48,12,49"), m_admin);
    QCOMPARE(box.json.value(QStringLiteral("nodes")).toArray().size(), 1);
}

void tst_Maintenance::nodesByBoundingBoxAndRadius()
{
    // A stranger's fleet, so that nothing else in this organization is near: Berlin,
    // Paris, Tokyo, and Fiji and Samoa either side of the antimeridian.
    const QByteArray token = m_stranger;
    const QString berlin = createNode(QStringLiteral("Berlin"), {}, 52.5200, 13.4050, QStringLiteral("DE"), token);
    const QString paris = createNode(QStringLiteral("Paris"), {}, 48.8566, 2.3522, QStringLiteral("FR"), token);
    const QString tokyo = createNode(QStringLiteral("Tokyo"), {}, 35.6762, 139.6503, QStringLiteral("JP"), token);
    const QString fiji = createNode(QStringLiteral("Suva"), {}, -18.1416, 178.4419, QStringLiteral("FJ"), token);
    const QString samoa = createNode(QStringLiteral("Apia"), {}, -13.8333, -171.7500, QStringLiteral("WS"), token);
    QVERIFY(!samoa.isEmpty());
    const auto names = [&](const QString &query) {
        const Reply reply = m_server.request("GET", QStringLiteral("/nodes?") + query, token);
        QStringList found;
        for (const QJsonValue &value : reply.json.value(QStringLiteral("items")).toArray())
            found.append(value.toObject().value(QStringLiteral("name")).toString());
        found.sort();
        return found;
    };
    QCOMPARE(names(QStringLiteral("bbox=-10,40,20,60")), QStringList({QStringLiteral("Berlin"), QStringLiteral("Paris")}));
    QCOMPARE(names(QStringLiteral("bbox=130,30,150,40")), QStringList({QStringLiteral("Tokyo")}));
    // Across the antimeridian: from 170°E to 170°W.
    QCOMPARE(names(QStringLiteral("bbox=170,-25,-170,-10")), QStringList({QStringLiteral("Apia"), QStringLiteral("Suva")}));
    // Berlin–Paris is 878 km on the WGS 84 spheroid (great-circle ≈ 877.5 km; e.g. the
    // Vincenty inverse of these coordinates gives 878.2 km).
    QCOMPARE(names(QStringLiteral("near=52.52,13.405&radius_km=850")), QStringList({QStringLiteral("Berlin")}));
    QCOMPARE(names(QStringLiteral("near=52.52,13.405&radius_km=900")), QStringList({QStringLiteral("Berlin"), QStringLiteral("Paris")}));
    // Suva–Apia is about 1,150 km across the antimeridian.
    QCOMPARE(names(QStringLiteral("near=-18.1416,178.4419&radius_km=1300")), QStringList({QStringLiteral("Apia"), QStringLiteral("Suva")}));
    const auto field = [&](const QString &query) {
        return m_server.request("GET", QStringLiteral("/nodes?") + query, token).errorField();
    };
    QCOMPARE(field(QStringLiteral("bbox=0,0,1")), QStringLiteral("bbox"));
    QCOMPARE(field(QStringLiteral("bbox=0,50,10,40")), QStringLiteral("bbox"));
    QCOMPARE(field(QStringLiteral("bbox=0,0,200,10")), QStringLiteral("bbox"));
    QCOMPARE(field(QStringLiteral("near=95,0&radius_km=10")), QStringLiteral("near"));
    QCOMPARE(field(QStringLiteral("near=52,13")), QStringLiteral("radius_km"));
    QCOMPARE(field(QStringLiteral("radius_km=10")), QStringLiteral("near"));
    // The GiST indexes exist and serve these queries.
    QCOMPARE(scalar("SELECT count(*) FROM pg_indexes WHERE indexname IN ('machine_nodes_location_idx', "
                    "'machine_nodes_location_box_idx')"),
             2);
    Q_UNUSED(berlin);
    Q_UNUSED(paris);
    Q_UNUSED(tokyo);
    Q_UNUSED(fiji);
}

void tst_Maintenance::killedDuringCyclesLosesNothing()
{
    // The real laces-server binary, its agent every second, 250 machines over their limit at
    // once and a webhook for every ticket: SIGKILLed five times at random moments while its
    // cycles open tickets, restarted each time. In the end every machine has exactly one
    // ticket with one occurrence and exactly one alert queued, and every alert was sent
    // (at least once, and only ever with its own webhook-id).
    QTemporaryDir dir(QStringLiteral("/tmp/laces-kill-XXXXXX"));
    WebhookReceiver receiver({200});
    QNetworkAccessManager network;
    QUrl base;
    std::unique_ptr<QProcess> server;
    const auto start = [&]() -> bool {
        server = std::make_unique<QProcess>();
        server->setProcessChannelMode(QProcess::MergedChannels);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("LACES_AGENT_INTERVAL_S"), QStringLiteral("1"));
        environment.insert(QStringLiteral("LACES_ALERT_ALLOW_PRIVATE"), QStringLiteral("1"));
        server->setProcessEnvironment(environment);
        server->start(QStringLiteral(LACES_SERVER_BINARY),
                      {QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--port"), QStringLiteral("0"),
                       QStringLiteral("--workers"), QStringLiteral("4"),
                       // Many calls as one user: not what this test is about.
                       QStringLiteral("--rate-limit-per-min"), QStringLiteral("0")});
        static const QRegularExpression ready(QStringLiteral("ready at http://127\\.0\\.0\\.1:(\\d+)"));
        QString log;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 60000 && server->state() != QProcess::NotRunning) {
            QTest::qWait(50);
            log += QString::fromLocal8Bit(server->readAll());
            const auto match = ready.match(log);
            if (match.hasMatch()) {
                base = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(match.captured(1)));
                return true;
            }
        }
        qWarning().noquote() << log;
        return false;
    };
    QVERIFY(start());
    const auto call = [&](const QByteArray &method, const QString &path, const QByteArray &token, const QJsonObject &body = {}) {
        return Tests::requestAt(network, base, method, path, token,
                                body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact));
    };
    QCOMPARE(call("POST", QStringLiteral("/auth/register"), {},
                  {{QStringLiteral("username"), QStringLiteral("killer")}, {QStringLiteral("email"), QStringLiteral("k@example.org")},
                   {QStringLiteral("password"), QStringLiteral("killer-password")}})
                 .status,
             201);
    const auto login = [&] {
        return call("POST", QStringLiteral("/auth/login"), {},
                    {{QStringLiteral("username"), QStringLiteral("killer")}, {QStringLiteral("password"), QStringLiteral("killer-password")}})
            .json.value(QStringLiteral("access_token")).toString().toLatin1();
    };
    QByteArray token = login();
    const Reply channel = call("POST", QStringLiteral("/alert-channels"), token,
                               {{QStringLiteral("name"), QStringLiteral("hook")}, {QStringLiteral("kind"), QStringLiteral("webhook")},
                                {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:%1/").arg(receiver.port())},
                                {QStringLiteral("min_severity"), QStringLiteral("LOW")}});
    QCOMPARE(channel.status, 201);
    constexpr int kNodes = 250;
    QStringList nodes;
    for (int i = 0; i < kNodes; ++i) {
        const Reply created = call("POST", QStringLiteral("/nodes"), token,
                                   {{QStringLiteral("name"), QStringLiteral("Hot %1").arg(i)}, {QStringLiteral("type"), QStringLiteral("oven")},
                                    {QStringLiteral("latitude"), 1.0}, {QStringLiteral("longitude"), 1.0},
                                    {QStringLiteral("status"), QStringLiteral("online")},
                                    {QStringLiteral("sensors"), QJsonArray{QJsonObject{{QStringLiteral("metric"), QStringLiteral("temperature_c")},
                                                                                      {QStringLiteral("max"), 100.0}}}}});
        QCOMPARE(created.status, 201);
        nodes.append(created.json.value(QStringLiteral("id")).toString());
    }
    // A group of machines at 150 °C for the last three minutes each round (so that each
    // kill lands while a cycle is opening that group's tickets), then all of them again.
    qint64 seq = 0;
    const auto heat = [&](qsizetype from, qsizetype count) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QJsonArray samples;
        for (const QString &node : nodes.mid(from, count))
            for (int k = 0; k < 18; ++k)
                samples.append(QJsonObject{{QStringLiteral("node_id"), node}, {QStringLiteral("time"), rfc3339(now - 180000 + k * 10000)},
                                           {QStringLiteral("seq"), ++seq},
                                           {QStringLiteral("metrics"), QJsonObject{{QStringLiteral("temperature_c"), 150.0}}}});
        const Reply posted = call("POST", QStringLiteral("/telemetry/batch"), token,
                                  {{QStringLiteral("boot_epoch"), 1}, {QStringLiteral("samples"), samples}});
        QVERIFY2(posted.status == 200, posted.body.constData());
    };
    const auto ticketsNow = [&] {
        return call("GET", QStringLiteral("/maintenance/tickets?per_page=500"), token).json.value(QStringLiteral("items")).toArray();
    };
    QRandomGenerator random(42);
    QStringList progress;
    QElapsedTimer phase;
    phase.start();
    for (int round = 0; round < 5; ++round) {
        heat(round * (kNodes / 5), kNodes / 5);
        QTest::qWait(100 + int(random.bounded(1000)));   // into a cycle (they start every second)
        ::kill(pid_t(server->processId()), SIGKILL);
        QVERIFY(server->waitForFinished(10000));
        QVERIFY(start());
        token = login();
        progress.append(QString::number(ticketsNow().size()));
    }
    qInfo("tickets after each kill: %s (of %d), %lld ms", qPrintable(progress.join(QStringLiteral(", "))), kNodes,
          phase.restart());
    heat(0, kNodes);
    // Let the survivor finish the work: every machine ticketed, every alert sent.
    QTRY_VERIFY_WITH_TIMEOUT(ticketsNow().size() >= kNodes, 60000);
    const QJsonArray all = ticketsNow();
    QSet<QString> ticketed;
    for (const QJsonValue &value : all) {
        const QJsonObject ticket = value.toObject();
        QCOMPARE(ticket.value(QStringLiteral("cause")).toString(), QStringLiteral("threshold:temperature_c"));
        QCOMPARE(ticket.value(QStringLiteral("occurrences")).toInt(), 1);
        QVERIFY2(!ticketed.contains(ticket.value(QStringLiteral("node_id")).toString()), "a machine has two tickets");
        ticketed.insert(ticket.value(QStringLiteral("node_id")).toString());
    }
    QCOMPARE(all.size(), kNodes);
    qInfo("all ticketed after %lld ms", phase.restart());
    const QString deliveries = QStringLiteral("/alert-channels/%1/deliveries?limit=1000").arg(channel.json.value(QStringLiteral("id")).toString());
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        const QJsonArray items = call("GET", deliveries, token).json.value(QStringLiteral("items")).toArray();
        return items.size() == kNodes && std::all_of(items.begin(), items.end(), [](const QJsonValue &item) {
                   return item.toObject().value(QStringLiteral("status")).toString() == QLatin1String("delivered");
               });
    }(), 60000);
    QSet<QString> alertedTickets;
    for (const QJsonValue &item : call("GET", deliveries, token).json.value(QStringLiteral("items")).toArray())
        alertedTickets.insert(item.toObject().value(QStringLiteral("ticket_id")).toString());
    QCOMPARE(alertedTickets.size(), kNodes);   // one alert per ticket, none lost, none doubled
    QSet<QByteArray> ids;
    for (const WebhookReceiver::Received &received : std::as_const(receiver.requests))
        ids.insert(received.headers.value("webhook-id"));
    QCOMPARE(ids.size(), kNodes);              // every alert arrived; a resend kept its id
    qInfo("%lld webhook requests for %d alerts after 5 kills", qint64(receiver.requests.size()), kNodes);
    ::kill(pid_t(server->processId()), SIGTERM);
    QVERIFY(server->waitForFinished(30000));
}

QTEST_GUILESS_MAIN(tst_Maintenance)
#include "tst_maintenance.moc"

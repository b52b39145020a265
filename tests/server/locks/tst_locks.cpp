#include "db/pgconnection.h"
#include "testserver.h"

#include <QDateTime>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTimer>
#include <QTest>

using namespace Laces;
using Tests::Reply;

// Component locks as leases with fencing tokens, over real HTTP and PostgreSQL.
class tst_Locks : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void overlapRules();
    void releaseAndTokensGrow();
    void heartbeatExtendsButNeverRevives();
    void adminForcesRelease();
    void rolesAndOrganizations();
    void contentionNeverOverlaps();
    void pausedHolderCannotWrite();
    void randomSequencesMatchModel();
    void tokensGrowAcrossRestart();

private:
    Reply acquire(const QByteArray &token, const QJsonArray &components, const QString &type, int ttl = 300);

    Tests::TestServer m_server;
    QByteArray m_admin;
    QByteArray m_alice;
    QByteArray m_bob;
    QByteArray m_viewer;
    QString m_twin;
};

void tst_Locks::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_server.registerUser(QStringLiteral("boss"), QStringLiteral("boss-password"));
    m_admin = m_server.login(QStringLiteral("boss"), QStringLiteral("boss-password"));
    m_server.createUser(m_admin, QStringLiteral("alice"), QStringLiteral("engineer"), QStringLiteral("alice-password"));
    m_server.createUser(m_admin, QStringLiteral("bob"), QStringLiteral("engineer"), QStringLiteral("bob-password"));
    m_server.createUser(m_admin, QStringLiteral("vic"), QStringLiteral("viewer"), QStringLiteral("vic-password"));
    m_alice = m_server.login(QStringLiteral("alice"), QStringLiteral("alice-password"));
    m_bob = m_server.login(QStringLiteral("bob"), QStringLiteral("bob-password"));
    m_viewer = m_server.login(QStringLiteral("vic"), QStringLiteral("vic-password"));
    m_twin = m_server.requestJson("POST", QStringLiteral("/twins"), m_admin, {{QStringLiteral("name"), QStringLiteral("Press")}})
                 .json.value(QStringLiteral("id")).toString();
}

Reply tst_Locks::acquire(const QByteArray &token, const QJsonArray &components, const QString &type, int ttl)
{
    QJsonObject body{{QStringLiteral("twin_id"), m_twin}, {QStringLiteral("lock_type"), type}, {QStringLiteral("ttl_s"), ttl}};
    if (!components.isEmpty())
        body.insert(QStringLiteral("components"), components);
    return m_server.requestJson("POST", QStringLiteral("/locks/acquire"), token, body);
}

void tst_Locks::overlapRules()
{
    const Reply a = acquire(m_alice, {QStringLiteral("piston"), QStringLiteral("rod")}, QStringLiteral("exclusive"));
    QCOMPARE(a.status, 201);
    QVERIFY(a.json.value(QStringLiteral("token")).toInteger() > 0);
    const Reply overlap = acquire(m_bob, {QStringLiteral("rod")}, QStringLiteral("exclusive"));
    QCOMPARE(overlap.status, 409);
    const QJsonObject error = overlap.json.value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("holder")).toObject().value(QStringLiteral("username")).toString(), QStringLiteral("alice"));
    QVERIFY(!error.value(QStringLiteral("expires_at")).toString().isEmpty());
    QCOMPARE(acquire(m_bob, {QStringLiteral("piston")}, QStringLiteral("shared")).status, 409);  // shared vs exclusive
    const Reply other = acquire(m_bob, {QStringLiteral("crank")}, QStringLiteral("shared"));
    QCOMPARE(other.status, 201);  // a different component at the same time
    QCOMPARE(acquire(m_admin, {QStringLiteral("crank")}, QStringLiteral("shared")).status, 201);  // shared with shared
    QCOMPARE(acquire(m_admin, {}, QStringLiteral("exclusive")).status, 409);  // the whole twin overlaps everything
    const Reply list = m_server.request("GET", QStringLiteral("/twins/%1/locks").arg(m_twin), m_viewer);
    QCOMPARE(list.json.value(QStringLiteral("items")).toArray().size(), 3);
    for (const QJsonValue &lock : list.json.value(QStringLiteral("items")).toArray())
        QCOMPARE(m_server.request("DELETE", QStringLiteral("/locks/") + lock.toObject().value(QStringLiteral("lock_id")).toString(),
                                  m_admin).status, 204);
    const Reply whole = acquire(m_bob, {}, QStringLiteral("exclusive"));
    QCOMPARE(whole.status, 201);
    QCOMPARE(acquire(m_alice, {QStringLiteral("anything")}, QStringLiteral("shared")).status, 409);
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/locks/") + whole.json.value(QStringLiteral("lock_id")).toString(), m_bob).status,
             204);
}

void tst_Locks::releaseAndTokensGrow()
{
    qint64 last = 0;
    for (int i = 0; i < 10; ++i) {
        const Reply granted = acquire(i % 2 ? m_alice : m_bob, {QStringLiteral("valve")}, QStringLiteral("exclusive"));
        QCOMPARE(granted.status, 201);
        const qint64 token = granted.json.value(QStringLiteral("token")).toInteger();
        QVERIFY2(token > last, "fencing tokens must strictly increase");
        last = token;
        // Only the holder releases (without locks.manage); the other gets 404.
        QCOMPARE(m_server.request("DELETE", QStringLiteral("/locks/") + granted.json.value(QStringLiteral("lock_id")).toString(),
                                  i % 2 ? m_bob : m_alice).status, 404);
        QCOMPARE(m_server.request("DELETE", QStringLiteral("/locks/") + granted.json.value(QStringLiteral("lock_id")).toString(),
                                  i % 2 ? m_alice : m_bob).status, 204);
    }
}

void tst_Locks::heartbeatExtendsButNeverRevives()
{
    const Reply granted = acquire(m_alice, {QStringLiteral("spring")}, QStringLiteral("exclusive"), 2);
    QCOMPARE(granted.status, 201);
    const QString id = granted.json.value(QStringLiteral("lock_id")).toString();
    const QDateTime first = QDateTime::fromString(granted.json.value(QStringLiteral("expires_at")).toString(), Qt::ISODate);
    QTest::qWait(500);
    const Reply beat = m_server.request("POST", QStringLiteral("/locks/%1/heartbeat").arg(id), m_alice);
    QCOMPARE(beat.status, 200);
    QVERIFY(QDateTime::fromString(beat.json.value(QStringLiteral("expires_at")).toString(), Qt::ISODate) > first);
    QCOMPARE(m_server.request("POST", QStringLiteral("/locks/%1/heartbeat").arg(id), m_bob).status, 404);

    QTest::qWait(2300);  // past the lease
    QCOMPARE(m_server.request("POST", QStringLiteral("/locks/%1/heartbeat").arg(id), m_alice).status, 410);
    const Reply taken = acquire(m_bob, {QStringLiteral("spring")}, QStringLiteral("exclusive"));
    QCOMPARE(taken.status, 201);
    QVERIFY(taken.json.value(QStringLiteral("token")).toInteger() > granted.json.value(QStringLiteral("token")).toInteger());
    QCOMPARE(m_server.request("POST", QStringLiteral("/locks/%1/heartbeat").arg(id), m_alice).status, 410);
    const Reply list = m_server.request("GET", QStringLiteral("/twins/%1/locks").arg(m_twin), m_alice);
    QCOMPARE(list.json.value(QStringLiteral("items")).toArray().size(), 1);
    QCOMPARE(list.json.value(QStringLiteral("items")).toArray().at(0).toObject().value(QStringLiteral("holder")).toObject()
                 .value(QStringLiteral("username")).toString(), QStringLiteral("bob"));
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/locks/") + taken.json.value(QStringLiteral("lock_id")).toString(), m_bob).status,
             204);
}

void tst_Locks::adminForcesRelease()
{
    const Reply granted = acquire(m_alice, {QStringLiteral("lifter")}, QStringLiteral("exclusive"));
    const QString id = granted.json.value(QStringLiteral("lock_id")).toString();
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/locks/") + id, m_admin).status, 204);
    QCOMPARE(m_server.request("POST", QStringLiteral("/locks/%1/heartbeat").arg(id), m_alice).status, 410);
    Server::PgConnection db(m_server.server().conninfo());
    QVERIFY(db.open());
    auto reason = db.exec("SELECT release_reason FROM edit_locks WHERE id = $1", {id.toLatin1()});
    QCOMPARE(reason->text(0, 0), QStringLiteral("forced"));
}

void tst_Locks::rolesAndOrganizations()
{
    QCOMPARE(acquire(m_viewer, {QStringLiteral("x")}, QStringLiteral("shared")).status, 403);
    QCOMPARE(acquire(m_alice, {QStringLiteral("x")}, QStringLiteral("sticky")).errorField(), QStringLiteral("lock_type"));
    QCOMPARE(acquire(m_alice, {QStringLiteral("x")}, QStringLiteral("shared"), 0).errorField(), QStringLiteral("ttl_s"));
    m_server.registerUser(QStringLiteral("stranger"), QStringLiteral("stranger-password"));
    const QByteArray stranger = m_server.login(QStringLiteral("stranger"), QStringLiteral("stranger-password"));
    QCOMPARE(acquire(stranger, {QStringLiteral("x")}, QStringLiteral("shared")).status, 404);
    QCOMPARE(m_server.request("GET", QStringLiteral("/twins/%1/locks").arg(m_twin), stranger).status, 404);
    const Reply mine = acquire(m_alice, {QStringLiteral("x")}, QStringLiteral("shared"));
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/locks/") + mine.json.value(QStringLiteral("lock_id")).toString(), stranger).status,
             404);
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/locks/") + mine.json.value(QStringLiteral("lock_id")).toString(), m_alice).status,
             204);
}

void tst_Locks::contentionNeverOverlaps()
{
    // Eight clients race for the same two components for three seconds, each holding what
    // it wins for a moment and then letting go.
    QNetworkAccessManager network;
    const QList<QByteArray> tokens{m_alice, m_bob, m_admin, m_alice, m_bob, m_admin, m_alice, m_bob};
    int granted = 0, refused = 0;
    QElapsedTimer clock;
    clock.start();
    std::function<void(int)> attempt = [&](int client) {
        if (clock.elapsed() > 3000)
            return;
        QNetworkRequest request(QUrl(m_server.url().toString() + QStringLiteral("/locks/acquire")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("Authorization", "Bearer " + tokens[client]);
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("twin_id"), m_twin},
                                                          {QStringLiteral("components"), QJsonArray{QStringLiteral("gear"), client % 2 ? QStringLiteral("shaft") : QStringLiteral("gear")}},
                                                          {QStringLiteral("lock_type"), QStringLiteral("exclusive")},
                                                          {QStringLiteral("ttl_s"), 5}}).toJson();
        QNetworkReply *reply = network.post(request, body);
        QObject::connect(reply, &QNetworkReply::finished, this, [&, reply, client] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status != 201) {
                ++refused;
                QTimer::singleShot(5, this, [&, client] { attempt(client); });
                return;
            }
            ++granted;
            const QString id = QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("lock_id")).toString();
            QTimer::singleShot(20, this, [&, id, client] {
                QNetworkRequest release(QUrl(m_server.url().toString() + QStringLiteral("/locks/") + id));
                release.setRawHeader("Authorization", "Bearer " + tokens[client]);
                QNetworkReply *done = network.deleteResource(release);
                QObject::connect(done, &QNetworkReply::finished, this, [&, done, client] {
                    done->deleteLater();
                    attempt(client);
                });
            });
        });
    };
    for (int client = 0; client < tokens.size(); ++client)
        attempt(client);
    QTest::qWait(3500);
    QTRY_VERIFY_WITH_TIMEOUT(m_server.request("GET", QStringLiteral("/twins/%1/locks").arg(m_twin), m_alice)
                                 .json.value(QStringLiteral("items")).toArray().isEmpty(), 5000);
    qInfo("contention: %d grants, %d refusals", granted, refused);
    QVERIFY(granted > 10);
    QVERIFY(refused > 0);

    // The server's own records: no two exclusive leases on a shared component overlap in time.
    Server::PgConnection db(m_server.server().conninfo());
    QVERIFY(db.open());
    auto overlaps = db.exec(
        "SELECT count(*) FROM edit_locks a JOIN edit_locks b ON a.id < b.id AND a.twin_id = b.twin_id "
        "WHERE a.lock_type = 'exclusive' AND b.lock_type = 'exclusive' AND a.components && b.components "
        "AND tstzrange(a.acquired_at, coalesce(a.released_at, a.expires_at)) && "
        "    tstzrange(b.acquired_at, coalesce(b.released_at, b.expires_at))");
    QVERIFY(overlaps);
    QCOMPARE(overlaps->integer(0, 0), 0);
    auto ordered = db.exec("SELECT count(*) FROM (SELECT fencing_token, lag(fencing_token) OVER (ORDER BY acquired_at) AS previous "
                           "FROM edit_locks WHERE 'gear' = ANY(components)) s WHERE fencing_token <= previous");
    QCOMPARE(ordered->integer(0, 0), 0);
}

void tst_Locks::pausedHolderCannotWrite()
{
    // A version to build on.
    const Reply first = m_server.requestJson("POST", QStringLiteral("/twins/%1/versions").arg(m_twin), m_alice,
                                             {{QStringLiteral("parents"), QJsonArray()},
                                              {QStringLiteral("message"), QStringLiteral("base")},
                                              {QStringLiteral("properties"), QJsonObject{{QStringLiteral("speed"), 1}}}});
    QCOMPARE(first.status, 201);
    const QString base = first.json.value(QStringLiteral("id")).toString();
    const auto write = [&](const QByteArray &token, const QByteArray &lockToken, int speed) {
        return m_server.request("POST", QStringLiteral("/twins/%1/versions").arg(m_twin), token,
                                QJsonDocument(QJsonObject{{QStringLiteral("parents"), QJsonArray{base}},
                                                          {QStringLiteral("message"), QStringLiteral("speed %1").arg(speed)},
                                                          {QStringLiteral("properties"), QJsonObject{{QStringLiteral("speed"), speed}}}})
                                    .toJson(),
                                lockToken.isEmpty() ? QList<QPair<QByteArray, QByteArray>>()
                                                    : QList<QPair<QByteArray, QByteArray>>{{"X-Lock-Token", lockToken}});
    };

    // A takes the whole twin for one second, then "pauses" past its lease.
    const Reply a = acquire(m_alice, {}, QStringLiteral("exclusive"), 1);
    QCOMPARE(a.status, 201);
    const QByteArray aToken = QByteArray::number(a.json.value(QStringLiteral("token")).toInteger());
    QCOMPARE(write(m_bob, {}, 2).status, 409);        // B cannot write under A's lease
    QCOMPARE(write(m_alice, {}, 2).status, 409);      // A must show its token
    QTest::qWait(1300);

    // B takes over and writes with its own token.
    const Reply b = acquire(m_bob, {}, QStringLiteral("exclusive"), 60);
    QCOMPARE(b.status, 201);
    const QByteArray bToken = QByteArray::number(b.json.value(QStringLiteral("token")).toInteger());
    QCOMPARE(write(m_bob, bToken, 3).status, 201);

    // A resumes with its old token: refused, and nothing of A's is stored.
    const Reply late = write(m_alice, aToken, 4);
    QCOMPARE(late.status, 409);
    const Reply log = m_server.request("GET", QStringLiteral("/twins/%1/versions").arg(m_twin), m_alice);
    QCOMPARE(log.json.value(QStringLiteral("total")).toInt(), 2);
    QCOMPARE(log.json.value(QStringLiteral("items")).toArray().at(0).toObject().value(QStringLiteral("properties")).toObject()
                 .value(QStringLiteral("speed")).toInt(), 3);
    QCOMPARE(m_server.request("DELETE", QStringLiteral("/locks/") + b.json.value(QStringLiteral("lock_id")).toString(), m_bob).status,
             204);
}

void tst_Locks::randomSequencesMatchModel()
{
    // Random acquire / heartbeat / release / expiry against an in-memory model of the rules.
    const QString twin = m_server.requestJson("POST", QStringLiteral("/twins"), m_admin, {{QStringLiteral("name"), QStringLiteral("Model")}})
                             .json.value(QStringLiteral("id")).toString();
    struct Lease
    {
        QString id;
        int holder;           // index into users
        QSet<QString> parts;  // empty: the whole twin
        bool exclusive;
        int ttlS;
        qint64 expiresMs;     // by the local clock, from the grant
        bool released = false;
    };
    const QList<QByteArray> users{m_alice, m_bob};
    const QStringList names{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")};
    QList<Lease> leases;
    QElapsedTimer clock;
    clock.start();
    const auto live = [&](const Lease &lease) { return !lease.released && lease.expiresMs > clock.elapsed(); };
    const auto overlaps = [](const Lease &x, const QSet<QString> &parts) {
        return x.parts.isEmpty() || parts.isEmpty() || x.parts.intersects(parts);
    };
    // Never act within 400 ms of an expiry: the server's clock and ours differ by a request.
    const auto awayFromExpiries = [&] {
        for (bool waited = true; waited;) {
            waited = false;
            for (const Lease &lease : std::as_const(leases)) {
                const qint64 until = lease.expiresMs - clock.elapsed();
                if (!lease.released && until > -400 && until < 400) {
                    QTest::qWait(int(until + 450));
                    waited = true;
                }
            }
        }
    };
    QRandomGenerator random(20261127);
    qint64 lastToken = 0;
    int grants = 0, refusals = 0, heartbeats = 0, lost = 0, releases = 0;
    for (int step = 0; step < 120; ++step) {
        awayFromExpiries();
        const int action = random.bounded(10);
        if (action < 5 || leases.isEmpty()) {
            const int who = random.bounded(2);
            QSet<QString> parts;
            if (random.bounded(6) != 0) {
                for (int n = 1 + random.bounded(2); n > 0; --n)
                    parts.insert(names.at(random.bounded(int(names.size()))));
            }
            const bool exclusive = random.bounded(3) != 0;
            const int ttl = random.bounded(4) == 0 ? 1 : 30;
            const bool conflict = std::any_of(leases.begin(), leases.end(), [&](const Lease &lease) {
                return live(lease) && overlaps(lease, parts) && (lease.exclusive || exclusive);
            });
            QJsonObject body{{QStringLiteral("twin_id"), twin},
                             {QStringLiteral("lock_type"), exclusive ? QStringLiteral("exclusive") : QStringLiteral("shared")},
                             {QStringLiteral("ttl_s"), ttl}};
            if (!parts.isEmpty()) {
                QStringList sorted(parts.begin(), parts.end());
                sorted.sort();
                body.insert(QStringLiteral("components"), QJsonArray::fromStringList(sorted));
            }
            const Reply reply = m_server.requestJson("POST", QStringLiteral("/locks/acquire"), users.at(who), body);
            QCOMPARE(reply.status, conflict ? 409 : 201);
            if (conflict) {
                ++refusals;
                continue;
            }
            ++grants;
            const qint64 token = reply.json.value(QStringLiteral("token")).toInteger();
            QVERIFY2(token > lastToken, "fencing tokens must strictly increase");
            lastToken = token;
            leases.append({reply.json.value(QStringLiteral("lock_id")).toString(), who, parts, exclusive, ttl,
                           clock.elapsed() + ttl * 1000});
        } else if (action < 7) {
            Lease &lease = leases[random.bounded(int(leases.size()))];
            const bool alive = live(lease);
            const Reply reply = m_server.request("POST", QStringLiteral("/locks/%1/heartbeat").arg(lease.id), users.at(lease.holder));
            QCOMPARE(reply.status, alive ? 200 : 410);
            if (alive) {
                lease.expiresMs = clock.elapsed() + lease.ttlS * 1000;
                ++heartbeats;
            } else {
                ++lost;
            }
        } else if (action < 9) {
            Lease &lease = leases[random.bounded(int(leases.size()))];
            const bool alive = live(lease);
            const Reply reply = m_server.request("DELETE", QStringLiteral("/locks/%1").arg(lease.id), users.at(lease.holder));
            // 404 once released by its holder; 410 (lost) when it had run out.
            QCOMPARE(reply.status, alive ? 204 : lease.released ? 404 : 410);
            lease.released = lease.released || alive;
            releases += alive;
        } else {
            QTest::qWait(1100);  // let the short leases run out
        }
    }
    // The server's list of active locks is the model's.
    awayFromExpiries();
    QStringList expected;
    for (const Lease &lease : std::as_const(leases)) {
        if (live(lease))
            expected.append(lease.id);
    }
    QStringList actual;
    for (const QJsonValue &item : m_server.request("GET", QStringLiteral("/twins/%1/locks").arg(twin), m_admin)
                                      .json.value(QStringLiteral("items")).toArray())
        actual.append(item.toObject().value(QStringLiteral("lock_id")).toString());
    expected.sort();
    actual.sort();
    QCOMPARE(actual, expected);
    qInfo("model run: %d grants, %d refusals, %d heartbeats, %d lost, %d releases", grants, refusals, heartbeats, lost, releases);
    QVERIFY(grants > 10 && refusals > 5 && lost > 0);
}

void tst_Locks::tokensGrowAcrossRestart()
{
    const Reply before = acquire(m_admin, {QStringLiteral("restart-before")}, QStringLiteral("exclusive"));
    QCOMPARE(before.status, 201);
    QVERIFY2(m_server.restart(), qPrintable(m_server.errorString()));
    const Reply after = acquire(m_admin, {QStringLiteral("restart-after")}, QStringLiteral("exclusive"));
    QCOMPARE(after.status, 201);
    QVERIFY(after.json.value(QStringLiteral("token")).toInteger() > before.json.value(QStringLiteral("token")).toInteger());
    // The lease taken before the restart still holds.
    QCOMPARE(acquire(m_bob, {QStringLiteral("restart-before")}, QStringLiteral("exclusive")).status, 409);
}

QTEST_GUILESS_MAIN(tst_Locks)
#include "tst_locks.moc"

#include "collab/editoperation.h"
#include "testdata.h"
#include "testserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

#include <algorithm>

using namespace Laces;
using Tests::Reply;

// Live edit operations over real HTTP and PostgreSQL: merging by vector clock, the loser
// told, retries stored once, replay, folding into a version, fencing.
class tst_Edits : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void differentPathsBothApply();
    void samePathConcurrentIsDecidedTheSameWhateverTheOrder();
    void causallyLaterWins();
    void retryIsStoredOnce();
    void replayRebuildsState();
    void commitFoldsPendingOperations();
    void restoreDropsPendingOperations();
    void lockedComponentsNeedTheToken();
    void pausedHolderCannotEdit();
    void badInput_data();
    void badInput();
    void rolesAndOrganizations();
    void largeConcurrentValuesAreStored();
    void editorsOfOneSessionKeepTheirOwnCounters();

private:
    struct Editor
    {
        QByteArray token;
        QString replica;   // the session id
        Core::VectorClock clock;
    };
    Editor editor(const QString &name, const QString &password);
    QJsonObject op(Editor &who, const QString &component, const QString &path, const QJsonValue &value,
                   const QString &kind = QStringLiteral("set"));
    Reply post(const Editor &who, const QJsonObject &body, const QByteArray &lockToken = {});
    QJsonObject state();
    QString latestVersion();
    QJsonObject componentOf(const QJsonObject &version, const QString &name);

    Tests::TestServer m_server;
    QByteArray m_admin;
    Editor m_alice;
    Editor m_bob;
    QString m_twin;
    QStringList m_parts;
};

QJsonObject tst_Edits::componentOf(const QJsonObject &version, const QString &name)
{
    for (const QJsonValue &part : version.value(QStringLiteral("components")).toArray()) {
        if (part.toObject().value(QStringLiteral("name")).toString() == name)
            return part.toObject();
    }
    return {};
}

tst_Edits::Editor tst_Edits::editor(const QString &name, const QString &password)
{
    Editor who;
    who.token = m_server.login(name, password);
    who.replica = m_server.request("GET", QStringLiteral("/auth/me"), who.token).json.value(QStringLiteral("session_id")).toString();
    return who;
}

QJsonObject tst_Edits::op(Editor &who, const QString &component, const QString &path, const QJsonValue &value,
                          const QString &kind)
{
    who.clock.tick(who.replica);
    QJsonObject body{{QStringLiteral("twin_id"), m_twin}, {QStringLiteral("op"), kind},
                     {QStringLiteral("path"), path}, {QStringLiteral("base_version"), latestVersion()},
                     {QStringLiteral("vector_clock"), who.clock.toJson()}};
    if (!component.isEmpty())
        body.insert(QStringLiteral("component"), component);
    if (!value.isUndefined())
        body.insert(QStringLiteral("value"), value);
    return body;
}

Reply tst_Edits::post(const Editor &who, const QJsonObject &body, const QByteArray &lockToken)
{
    QByteArray bytes = QJsonDocument(body).toJson(QJsonDocument::Compact);
    QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/json"}};
    if (!lockToken.isEmpty())
        headers.append({"X-Lock-Token", lockToken});
    return m_server.request("POST", QStringLiteral("/edit-operations"), who.token, bytes, headers);
}

QJsonObject tst_Edits::state()
{
    const Reply reply = m_server.request("GET", QStringLiteral("/twins/%1/state").arg(m_twin), m_admin);
    return reply.json;
}

QString tst_Edits::latestVersion()
{
    return m_server.request("GET", QStringLiteral("/twins/%1").arg(m_twin), m_admin)
        .json.value(QStringLiteral("latest_version_id")).toString();
}

void tst_Edits::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_server.registerUser(QStringLiteral("boss"), QStringLiteral("boss-password"));
    m_admin = m_server.login(QStringLiteral("boss"), QStringLiteral("boss-password"));
    m_server.createUser(m_admin, QStringLiteral("alice"), QStringLiteral("engineer"), QStringLiteral("alice-password"));
    m_server.createUser(m_admin, QStringLiteral("bob"), QStringLiteral("engineer"), QStringLiteral("bob-password"));
    m_alice = editor(QStringLiteral("alice"), QStringLiteral("alice-password"));
    m_bob = editor(QStringLiteral("bob"), QStringLiteral("bob-password"));
    QVERIFY(!m_alice.replica.isEmpty() && m_alice.replica != m_bob.replica);
    m_twin = m_server.requestJson("POST", QStringLiteral("/twins"), m_admin, {{QStringLiteral("name"), QStringLiteral("Spider")}})
                 .json.value(QStringLiteral("id")).toString();
    const QByteArray spider = Tests::fileBytes(Tests::sharedModel("spider.obj"));
    QVERIFY(!spider.isEmpty());
    const Reply uploaded = m_server.request("POST", QStringLiteral("/twins/%1/models").arg(m_twin), m_admin, spider,
                                            {{"Content-Type", "application/octet-stream"}, {"X-Filename", "spider.obj"}});
    QVERIFY2(uploaded.status == 201, uploaded.body.constData());
    for (const QJsonValue &part : uploaded.json.value(QStringLiteral("components")).toArray())
        m_parts.append(part.toObject().value(QStringLiteral("name")).toString());
    QVERIFY(m_parts.size() >= 4);
    const Reply version = m_server.requestJson("POST", QStringLiteral("/twins/%1/versions").arg(m_twin), m_admin,
                                               {{QStringLiteral("parents"), QJsonArray()},
                                                {QStringLiteral("message"), QStringLiteral("Imported")},
                                                {QStringLiteral("model_sha256"), uploaded.json.value(QStringLiteral("sha256"))}});
    QCOMPARE(version.status, 201);
}

void tst_Edits::differentPathsBothApply()
{
    // Neither has seen the other's edit: concurrent, but on different keys.
    const Reply a = post(m_alice, op(m_alice, m_parts.at(0), QStringLiteral("colour"), QStringLiteral("red")));
    const Reply b = post(m_bob, op(m_bob, m_parts.at(0), QStringLiteral("material"), QStringLiteral("steel")));
    QCOMPARE(a.status, 201);
    QCOMPARE(b.status, 201);
    QVERIFY(a.json.value(QStringLiteral("applied")).toBool());
    QVERIFY(b.json.value(QStringLiteral("applied")).toBool());
    QVERIFY(!b.json.value(QStringLiteral("concurrent")).toBool());
    const QJsonObject part = state().value(QStringLiteral("state")).toObject().value(QStringLiteral("components")).toObject()
                                 .value(m_parts.at(0)).toObject().value(QStringLiteral("properties")).toObject();
    QCOMPARE(part.value(QStringLiteral("colour")).toString(), QStringLiteral("red"));
    QCOMPARE(part.value(QStringLiteral("material")).toString(), QStringLiteral("steel"));
}

void tst_Edits::samePathConcurrentIsDecidedTheSameWhateverTheOrder()
{
    // Two keys, the same race, the arrivals reversed: the same editor's value must win both.
    Editor alice = m_alice;
    Editor bob = m_bob;
    const QJsonObject aliceFirst = op(alice, m_parts.at(1), QStringLiteral("torque_nm"), 100);
    const QJsonObject bobFirst = op(bob, m_parts.at(1), QStringLiteral("torque_nm"), 200);
    const QJsonObject aliceSecond = op(alice, m_parts.at(2), QStringLiteral("torque_nm"), 100);
    const QJsonObject bobSecond = op(bob, m_parts.at(2), QStringLiteral("torque_nm"), 200);
    m_alice = alice;
    m_bob = bob;
    const Reply a1 = post(m_alice, aliceFirst);
    const Reply b1 = post(m_bob, bobFirst);
    const Reply b2 = post(m_bob, bobSecond);
    const Reply a2 = post(m_alice, aliceSecond);
    for (const Reply *reply : {&a1, &b1, &b2, &a2})
        QVERIFY2(reply->status == 201, reply->body.constData());
    // The second arrival raced the first in both cases.
    QVERIFY(b1.json.value(QStringLiteral("concurrent")).toBool());
    QVERIFY(a2.json.value(QStringLiteral("concurrent")).toBool());
    const QJsonObject parts = state().value(QStringLiteral("state")).toObject().value(QStringLiteral("components")).toObject();
    const int first = parts.value(m_parts.at(1)).toObject().value(QStringLiteral("properties")).toObject().value(QStringLiteral("torque_nm")).toInt();
    const int second = parts.value(m_parts.at(2)).toObject().value(QStringLiteral("properties")).toObject().value(QStringLiteral("torque_nm")).toInt();
    QCOMPARE(first, second);
    // The loser was told which operation won, and the winner which it displaced.
    const bool bobWon = first == 200;
    if (bobWon) {
        QVERIFY(!a2.json.value(QStringLiteral("applied")).toBool());
        QCOMPARE(a2.json.value(QStringLiteral("winner")).toObject().value(QStringLiteral("value")).toInt(), 200);
        QVERIFY(b1.json.value(QStringLiteral("applied")).toBool());
        QCOMPARE(b1.json.value(QStringLiteral("displaced")).toObject().value(QStringLiteral("value")).toInt(), 100);
    } else {
        QVERIFY(!b1.json.value(QStringLiteral("applied")).toBool());
        QCOMPARE(b1.json.value(QStringLiteral("winner")).toObject().value(QStringLiteral("value")).toInt(), 100);
        QVERIFY(a2.json.value(QStringLiteral("applied")).toBool());
        QCOMPARE(a2.json.value(QStringLiteral("displaced")).toObject().value(QStringLiteral("value")).toInt(), 200);
    }
    // The rule is the shared one: the larger replica id wins equal sums.
    QCOMPARE(bobWon, m_bob.clock.sum() == m_alice.clock.sum() ? m_bob.replica > m_alice.replica
                                                              : m_bob.clock.sum() > m_alice.clock.sum());
}

void tst_Edits::causallyLaterWins()
{
    const Reply a = post(m_alice, op(m_alice, m_parts.at(3), QStringLiteral("owner"), QStringLiteral("alice")));
    QCOMPARE(a.status, 201);
    // Bob has seen alice's edit (his clock includes it), whatever the tie rule would say.
    m_bob.clock.merge(Core::VectorClock::fromJson(a.json.value(QStringLiteral("operation")).toObject()
                                                      .value(QStringLiteral("vector_clock")).toObject()).value());
    const Reply b = post(m_bob, op(m_bob, m_parts.at(3), QStringLiteral("owner"), QStringLiteral("bob")));
    QCOMPARE(b.status, 201);
    QVERIFY(b.json.value(QStringLiteral("applied")).toBool());
    QVERIFY(!b.json.value(QStringLiteral("concurrent")).toBool());
    // Alice's next edit made without hearing of bob's is concurrent with it.
    const Reply late = post(m_alice, op(m_alice, m_parts.at(3), QStringLiteral("owner"), QStringLiteral("alice again")));
    QVERIFY(late.json.value(QStringLiteral("concurrent")).toBool());
}

void tst_Edits::retryIsStoredOnce()
{
    const QJsonObject body = op(m_alice, {}, QStringLiteral("site"), QStringLiteral("Hall 3"));
    const Reply first = post(m_alice, body);
    const Reply again = post(m_alice, body);
    QCOMPARE(first.status, 201);
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json.value(QStringLiteral("operation")).toObject().value(QStringLiteral("id")),
             first.json.value(QStringLiteral("operation")).toObject().value(QStringLiteral("id")));
    const QJsonArray log = m_server.request("GET", QStringLiteral("/twins/%1/edit-operations").arg(m_twin), m_admin)
                               .json.value(QStringLiteral("items")).toArray();
    const int copies = int(std::count_if(log.begin(), log.end(), [](const QJsonValue &item) {
        return item.toObject().value(QStringLiteral("path")).toString() == QLatin1String("site");
    }));
    QCOMPARE(copies, 1);
    // The same counter for something else is refused, and nothing is stored.
    QJsonObject other = body;
    other.insert(QStringLiteral("value"), QStringLiteral("Hall 4"));
    const Reply clash = post(m_alice, other);
    QCOMPARE(clash.status, 409);
    QCOMPARE(state().value(QStringLiteral("state")).toObject().value(QStringLiteral("properties")).toObject()
                 .value(QStringLiteral("site")).toString(), QStringLiteral("Hall 3"));
}

void tst_Edits::replayRebuildsState()
{
    // Some more traffic, including removals and a transform.
    post(m_bob, op(m_bob, m_parts.at(0), QStringLiteral("colour"), QStringLiteral("green")));
    post(m_alice, op(m_alice, m_parts.at(0), QStringLiteral("material"), QJsonValue(QJsonValue::Undefined), QStringLiteral("remove")));
    const Reply moved = post(m_alice, op(m_alice, m_parts.at(2), QStringLiteral("transform"),
                                         QJsonArray{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 2.5, -1, 0.125, 1}, QStringLiteral("transform")));
    QCOMPARE(moved.status, 201);

    // Rebuild from the version and the log, in log order and shuffled.
    const QString version = latestVersion();
    const QJsonObject stored = m_server.request("GET", QStringLiteral("/twins/%1/versions/%2").arg(m_twin, version), m_admin).json;
    Core::TwinState base;
    base.properties = stored.value(QStringLiteral("properties")).toObject();
    for (const QJsonValue &part : stored.value(QStringLiteral("components")).toArray())
        base.components.insert(part.toObject().value(QStringLiteral("name")).toString(),
                               {part.toObject().value(QStringLiteral("properties")).toObject(), {}});
    QList<Core::EditOperation> log;
    for (const QJsonValue &item : m_server.request("GET", QStringLiteral("/twins/%1/edit-operations?pending=true").arg(m_twin), m_admin)
                                      .json.value(QStringLiteral("items")).toArray()) {
        const QJsonObject o = item.toObject();
        Core::EditOperation operation;
        operation.id = o.value(QStringLiteral("id")).toInteger();
        operation.component = o.value(QStringLiteral("component")).toString();
        operation.kind = *Core::EditOperation::kindFromName(o.value(QStringLiteral("op")).toString());
        operation.path = o.value(QStringLiteral("path")).toString();
        operation.value = o.value(QStringLiteral("value"));
        operation.clock = *Core::VectorClock::fromJson(o.value(QStringLiteral("vector_clock")).toObject());
        operation.replica = o.value(QStringLiteral("replica")).toString();
        log.append(operation);
    }
    QVERIFY(log.size() >= 10);
    const QJsonObject expected = state().value(QStringLiteral("state")).toObject();
    QCOMPARE(Core::applyOperations(base, log).toJson(), expected);
    std::reverse(log.begin(), log.end());
    QCOMPARE(Core::applyOperations(base, log).toJson(), expected);
    const QJsonObject moved2 = expected.value(QStringLiteral("components")).toObject().value(m_parts.at(2)).toObject();
    QCOMPARE(moved2.value(QStringLiteral("transform")).toArray().at(14).toDouble(), 0.125);
    QVERIFY(!expected.value(QStringLiteral("components")).toObject().value(m_parts.at(0)).toObject()
                 .value(QStringLiteral("properties")).toObject().contains(QStringLiteral("material")));
}

void tst_Edits::commitFoldsPendingOperations()
{
    const QJsonObject before = state();
    QVERIFY(before.value(QStringLiteral("pending_operations")).toInt() > 0);
    // The commit sets one key itself: its value wins over the pending edit of that key.
    const Reply version = m_server.requestJson(
        "POST", QStringLiteral("/twins/%1/versions").arg(m_twin), m_bob.token,
        {{QStringLiteral("parents"), QJsonArray{latestVersion()}}, {QStringLiteral("message"), QStringLiteral("Live edits")},
         {QStringLiteral("component_properties"),
          QJsonObject{{m_parts.at(0), QJsonObject{{QStringLiteral("colour"), QStringLiteral("blue")}}}}}});
    QVERIFY2(version.status == 201, version.body.constData());
    const QJsonObject expected = before.value(QStringLiteral("state")).toObject();
    const QJsonObject expectedParts = expected.value(QStringLiteral("components")).toObject();
    for (const QString &name : {m_parts.at(1), m_parts.at(2), m_parts.at(3)}) {
        const QJsonObject part = componentOf(version.json, name);
        QCOMPARE(part.value(QStringLiteral("properties")).toObject(),
                 expectedParts.value(name).toObject().value(QStringLiteral("properties")).toObject());
    }
    QCOMPARE(componentOf(version.json, m_parts.at(2)).value(QStringLiteral("transform")).toArray(),
             expectedParts.value(m_parts.at(2)).toObject().value(QStringLiteral("transform")).toArray());
    QCOMPARE(componentOf(version.json, m_parts.at(0)).value(QStringLiteral("properties")).toObject()
                 .value(QStringLiteral("colour")).toString(), QStringLiteral("blue"));
    QCOMPARE(version.json.value(QStringLiteral("properties")).toObject().value(QStringLiteral("site")).toString(),
             QStringLiteral("Hall 3"));
    const QJsonObject after = state();
    QCOMPARE(after.value(QStringLiteral("pending_operations")).toInt(), 0);
    QCOMPARE(after.value(QStringLiteral("version_id")).toString(), version.json.value(QStringLiteral("id")).toString());
    // An edit made on the new version wins over a folded one, whatever its clock.
    Editor fresh = editor(QStringLiteral("alice"), QStringLiteral("alice-password"));
    const Reply onNew = post(fresh, op(fresh, m_parts.at(1), QStringLiteral("torque_nm"), 300));
    QVERIFY(onNew.json.value(QStringLiteral("applied")).toBool());
    QVERIFY(!onNew.json.value(QStringLiteral("concurrent")).toBool());
}

void tst_Edits::restoreDropsPendingOperations()
{
    const QJsonArray log = m_server.request("GET", QStringLiteral("/twins/%1/versions").arg(m_twin), m_admin)
                               .json.value(QStringLiteral("items")).toArray();
    const QString first = log.last().toObject().value(QStringLiteral("id")).toString();
    QCOMPARE(state().value(QStringLiteral("pending_operations")).toInt(), 1);
    const Reply restored = m_server.request("POST", QStringLiteral("/twins/%1/versions/%2/restore").arg(m_twin, first), m_admin);
    QCOMPARE(restored.status, 201);
    const QJsonObject after = state();
    QCOMPARE(after.value(QStringLiteral("pending_operations")).toInt(), 0);
    QVERIFY(after.value(QStringLiteral("state")).toObject().value(QStringLiteral("components")).toObject()
                .value(m_parts.at(1)).toObject().value(QStringLiteral("properties")).toObject().isEmpty());
}

void tst_Edits::lockedComponentsNeedTheToken()
{
    const Reply lock = m_server.requestJson("POST", QStringLiteral("/locks/acquire"), m_alice.token,
                                            {{QStringLiteral("twin_id"), m_twin}, {QStringLiteral("lock_type"), QStringLiteral("exclusive")},
                                             {QStringLiteral("components"), QJsonArray{m_parts.at(0)}}});
    QCOMPARE(lock.status, 201);
    const QByteArray token = QByteArray::number(lock.json.value(QStringLiteral("token")).toInteger());
    const Reply others = post(m_bob, op(m_bob, m_parts.at(0), QStringLiteral("colour"), QStringLiteral("pink")));
    QCOMPARE(others.status, 409);
    QCOMPARE(others.errorCode(), QStringLiteral("locked"));
    const Reply noToken = post(m_alice, op(m_alice, m_parts.at(0), QStringLiteral("colour"), QStringLiteral("pink")));
    QCOMPARE(noToken.errorCode(), QStringLiteral("lock_token_required"));
    const Reply withToken = post(m_alice, op(m_alice, m_parts.at(0), QStringLiteral("colour"), QStringLiteral("pink")), token);
    QCOMPARE(withToken.status, 201);
    // A component nobody locked is free to edit, and so are the twin's own properties.
    QCOMPARE(post(m_bob, op(m_bob, m_parts.at(1), QStringLiteral("colour"), QStringLiteral("pink"))).status, 201);
    QCOMPARE(post(m_bob, op(m_bob, {}, QStringLiteral("shift"), QStringLiteral("night"))).status, 201);
    m_server.request("DELETE", QStringLiteral("/locks/%1").arg(lock.json.value(QStringLiteral("lock_id")).toString()), m_alice.token);
}

void tst_Edits::pausedHolderCannotEdit()
{
    // Alice's lease runs out while she is paused; Bob takes the component and edits it.
    const auto acquire = [this](const Editor &who) {
        return m_server.requestJson("POST", QStringLiteral("/locks/acquire"), who.token,
                                    {{QStringLiteral("twin_id"), m_twin}, {QStringLiteral("lock_type"), QStringLiteral("exclusive")},
                                     {QStringLiteral("components"), QJsonArray{m_parts.at(3)}}, {QStringLiteral("ttl_s"), 1}});
    };
    const Reply aliceLock = acquire(m_alice);
    QCOMPARE(aliceLock.status, 201);
    QTest::qWait(1300);
    const Reply bobLock = acquire(m_bob);
    QCOMPARE(bobLock.status, 201);
    QVERIFY(bobLock.json.value(QStringLiteral("token")).toInteger() > aliceLock.json.value(QStringLiteral("token")).toInteger());
    const Reply bobEdit = post(m_bob, op(m_bob, m_parts.at(3), QStringLiteral("state"), QStringLiteral("bob's")),
                               QByteArray::number(bobLock.json.value(QStringLiteral("token")).toInteger()));
    QCOMPARE(bobEdit.status, 201);
    const Reply aliceEdit = post(m_alice, op(m_alice, m_parts.at(3), QStringLiteral("state"), QStringLiteral("alice's")),
                                 QByteArray::number(aliceLock.json.value(QStringLiteral("token")).toInteger()));
    QCOMPARE(aliceEdit.status, 409);
    QCOMPARE(state().value(QStringLiteral("state")).toObject().value(QStringLiteral("components")).toObject()
                 .value(m_parts.at(3)).toObject().value(QStringLiteral("properties")).toObject()
                 .value(QStringLiteral("state")).toString(), QStringLiteral("bob's"));
    const QJsonArray log = m_server.request("GET", QStringLiteral("/twins/%1/edit-operations?pending=true").arg(m_twin), m_admin)
                               .json.value(QStringLiteral("items")).toArray();
    for (const QJsonValue &item : log)
        QVERIFY(item.toObject().value(QStringLiteral("value")).toString() != QLatin1String("alice's"));
}

void tst_Edits::badInput_data()
{
    QTest::addColumn<QJsonObject>("change");   // merged into a valid body
    QTest::addColumn<QStringList>("remove");
    QTest::addColumn<QString>("field");
    QTest::newRow("unknown op") << QJsonObject{{QStringLiteral("op"), QStringLiteral("rename")}} << QStringList() << "op";
    QTest::newRow("unknown field") << QJsonObject{{QStringLiteral("colour"), 1}} << QStringList() << "colour";
    QTest::newRow("no clock") << QJsonObject() << QStringList{QStringLiteral("vector_clock")} << "vector_clock";
    QTest::newRow("clock without own entry") << QJsonObject{{QStringLiteral("vector_clock"), QJsonObject{{QStringLiteral("someone"), 3}}}}
                                             << QStringList() << "vector_clock";
    QTest::newRow("negative clock") << QJsonObject{{QStringLiteral("vector_clock"), QJsonObject{{QStringLiteral("x"), -3}}}}
                                    << QStringList() << "vector_clock";
    QTest::newRow("no base version") << QJsonObject() << QStringList{QStringLiteral("base_version")} << "base_version";
    QTest::newRow("foreign base version") << QJsonObject{{QStringLiteral("base_version"), QUuid::createUuid().toString(QUuid::WithoutBraces)}}
                                          << QStringList() << "base_version";
    QTest::newRow("unknown component") << QJsonObject{{QStringLiteral("component"), QStringLiteral("Flux capacitor")}} << QStringList() << "component";
    QTest::newRow("set without value") << QJsonObject() << QStringList{QStringLiteral("value")} << "value";
    QTest::newRow("transform of 3 numbers") << QJsonObject{{QStringLiteral("op"), QStringLiteral("transform")},
                                                           {QStringLiteral("path"), QStringLiteral("transform")},
                                                           {QStringLiteral("value"), QJsonArray{1, 2, 3}}} << QStringList() << "value";
    QTest::newRow("value too large") << QJsonObject{{QStringLiteral("value"), QString(5000, QLatin1Char('x'))}} << QStringList() << "value";
    QTest::newRow("twin id not a uuid") << QJsonObject{{QStringLiteral("twin_id"), QStringLiteral("twin-1")}} << QStringList() << "twin_id";
    QTest::newRow("NUL in path") << QJsonObject{{QStringLiteral("path"), QStringLiteral("a") + QChar(0)}} << QStringList() << "path";
}

void tst_Edits::badInput()
{
    QFETCH(QJsonObject, change);
    QFETCH(QStringList, remove);
    QFETCH(QString, field);
    Editor who = m_alice;
    QJsonObject body = op(who, m_parts.at(1), QStringLiteral("note"), QStringLiteral("x"));
    for (auto it = change.begin(); it != change.end(); ++it)
        body.insert(it.key(), it.value());
    for (const QString &name : remove)
        body.remove(name);
    const int before = state().value(QStringLiteral("last_operation_id")).toInt();
    const Reply reply = post(who, body);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorField(), field);
    QCOMPARE(state().value(QStringLiteral("last_operation_id")).toInt(), before);
    // Not JSON at all.
    const Reply garbage = m_server.request("POST", QStringLiteral("/edit-operations"), who.token, "{not json",
                                           {{"Content-Type", "application/json"}});
    QCOMPARE(garbage.status, 400);
}

void tst_Edits::rolesAndOrganizations()
{
    m_server.createUser(m_admin, QStringLiteral("vic"), QStringLiteral("viewer"), QStringLiteral("vic-password"));
    Editor viewer = editor(QStringLiteral("vic"), QStringLiteral("vic-password"));
    QCOMPARE(post(viewer, op(viewer, {}, QStringLiteral("x"), 1)).status, 403);
    QCOMPARE(m_server.request("GET", QStringLiteral("/twins/%1/state").arg(m_twin), viewer.token).status, 200);
    m_server.registerUser(QStringLiteral("outsider"), QStringLiteral("outsider-password"));
    Editor outsider = editor(QStringLiteral("outsider"), QStringLiteral("outsider-password"));
    QCOMPARE(post(outsider, op(outsider, {}, QStringLiteral("x"), 1)).status, 404);
    QCOMPARE(m_server.request("GET", QStringLiteral("/twins/%1/edit-operations").arg(m_twin), outsider.token).status, 404);
}

void tst_Edits::largeConcurrentValuesAreStored()
{
    // Two 4 KB values racing on one key: the announcement would not fit a NOTIFY whole, and
    // must not make the edit fail.
    const QString big(4000, QLatin1Char('a'));
    const Reply first = post(m_alice, op(m_alice, {}, QStringLiteral("notes"), big));
    const Reply second = post(m_bob, op(m_bob, {}, QStringLiteral("notes"), QString(4000, QLatin1Char('b'))));
    QCOMPARE(first.status, 201);
    QCOMPARE(second.status, 201);
    QVERIFY(second.json.value(QStringLiteral("concurrent")).toBool());
    const QString stored = state().value(QStringLiteral("state")).toObject().value(QStringLiteral("properties")).toObject()
                               .value(QStringLiteral("notes")).toString();
    QCOMPARE(stored.size(), 4000);
}

void tst_Edits::editorsOfOneSessionKeepTheirOwnCounters()
{
    // Two windows of alice's login, each counting from 1 under its own replica.
    for (const QString &window : {QStringLiteral("left"), QStringLiteral("right")}) {
        const QString replica = m_alice.replica + QLatin1Char('/') + window;
        QJsonObject body = op(m_alice, m_parts.at(1), QStringLiteral("window"), window);
        body.insert(QStringLiteral("replica"), replica);
        body.insert(QStringLiteral("vector_clock"), QJsonObject{{replica, 1}});
        const Reply reply = post(m_alice, body);
        QVERIFY2(reply.status == 201, reply.body.constData());
        QCOMPARE(reply.json.value(QStringLiteral("operation")).toObject().value(QStringLiteral("replica")).toString(), replica);
    }
    // Another session's replica cannot be claimed.
    QJsonObject stolen = op(m_alice, m_parts.at(1), QStringLiteral("window"), QStringLiteral("x"));
    stolen.insert(QStringLiteral("replica"), m_bob.replica + QStringLiteral("/left"));
    stolen.insert(QStringLiteral("vector_clock"), QJsonObject{{m_bob.replica + QStringLiteral("/left"), 1}});
    const Reply refused = post(m_alice, stolen);
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.errorField(), QStringLiteral("replica"));
}

QTEST_GUILESS_MAIN(tst_Edits)
#include "tst_edits.moc"

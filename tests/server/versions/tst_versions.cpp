#include "db/pgconnection.h"
#include "rawhttp.h"
#include "testdata.h"
#include "testserver.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QTest>

using namespace Laces;
using Tests::Reply;

namespace {
using Tests::fileBytes;
QString model(const char *name) { return Tests::sharedModel(name); }

QStringList names(const QJsonArray &components)
{
    QStringList result;
    for (const QJsonValue &component : components)
        result.append(component.toObject().value(QStringLiteral("name")).toString());
    result.sort();
    return result;
}
} // namespace

// Model store and history over real HTTP and PostgreSQL.
class tst_Versions : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void uploadStoresEachContentOnce();
    void versionChainAndStaleParent();
    void diffOnRealModels();
    void restoreMakesEqualVersion();
    void tags();
    void downloadWithEtagAndRanges();
    void malformedFilesRefusedAndNothingStored_data();
    void malformedFilesRefusedAndNothingStored();
    void oversizeModelRefused();
    void rolesOnNewRoutes_data();
    void rolesOnNewRoutes();
    void otherOrganizationSeesNothing();
    void restoreOfVersionWithoutModel();
    void parentsMustBelongToTwin();
    void unreadableRangesServeWholeFile();
    void uploadRefusedBeforeBodyWithoutToken();

private:
    Reply upload(const QByteArray &token, const QByteArray &data, const QByteArray &name = "model.bin");
    Reply createVersion(const QByteArray &token, const QJsonObject &body);
    qint64 count(const char *sql);

    Tests::TestServer m_server;
    QHash<QString, QByteArray> m_tokens;
    QString m_twin;
    QString m_engineSha;
    QStringList m_versions;  // v1, v2, ...
};

void tst_Versions::initTestCase()
{
    QVERIFY2(m_server.start([](Server::ServerConfig &config) { config.maxModelBytes = 4 * 1024 * 1024; }),
             qPrintable(m_server.errorString()));
    m_server.registerUser(QStringLiteral("chief"), QStringLiteral("chief-password"));
    m_tokens.insert(QStringLiteral("admin"), m_server.login(QStringLiteral("chief"), QStringLiteral("chief-password")));
    const QStringList roles{QStringLiteral("engineer"), QStringLiteral("operator"), QStringLiteral("viewer")};
    for (const QString &role : roles) {
        m_server.createUser(m_tokens.value(QStringLiteral("admin")), QStringLiteral("v-") + role, role,
                            QStringLiteral("password-") + role);
        m_tokens.insert(role, m_server.login(QStringLiteral("v-") + role, QStringLiteral("password-") + role));
    }
    const Reply twin = m_server.requestJson("POST", QStringLiteral("/twins"), m_tokens.value(QStringLiteral("admin")),
                                            {{QStringLiteral("name"), QStringLiteral("Engine E-2")}});
    QCOMPARE(twin.status, 201);
    m_twin = twin.json.value(QStringLiteral("id")).toString();
}

Reply tst_Versions::upload(const QByteArray &token, const QByteArray &data, const QByteArray &name)
{
    return m_server.request("POST", QStringLiteral("/twins/%1/models").arg(m_twin), token, data,
                            {{"Content-Type", "application/octet-stream"}, {"X-Filename", name}});
}

Reply tst_Versions::createVersion(const QByteArray &token, const QJsonObject &body)
{
    return m_server.requestJson("POST", QStringLiteral("/twins/%1/versions").arg(m_twin), token, body);
}

qint64 tst_Versions::count(const char *sql)
{
    Server::PgConnection db(m_server.server().conninfo());
    if (!db.open())
        return -1;
    auto result = db.exec(sql);
    return result ? result->integer(0, 0) : -1;
}

void tst_Versions::uploadStoresEachContentOnce()
{
    const QByteArray engine = fileBytes(model("2CylinderEngine.glb"));
    const Reply first = upload(m_tokens.value(QStringLiteral("engineer")), engine, "2CylinderEngine.glb");
    QCOMPARE(first.status, 201);
    m_engineSha = first.json.value(QStringLiteral("sha256")).toString();
    QCOMPARE(m_engineSha, QString::fromLatin1(QCryptographicHash::hash(engine, QCryptographicHash::Sha256).toHex()));
    QCOMPARE(first.json.value(QStringLiteral("format")).toString(), QStringLiteral("glb"));
    QCOMPARE(first.json.value(QStringLiteral("size_bytes")).toInteger(), engine.size());
    QVERIFY(first.json.value(QStringLiteral("components")).toArray().size() > 20);
    QVERIFY(first.json.value(QStringLiteral("stored_now")).toBool());

    const Reply second = upload(m_tokens.value(QStringLiteral("admin")), engine);
    QCOMPARE(second.status, 200);
    QVERIFY(!second.json.value(QStringLiteral("stored_now")).toBool());
    QCOMPARE(second.json.value(QStringLiteral("sha256")).toString(), m_engineSha);
    QCOMPARE(count("SELECT count(*) FROM model_blobs"), 1);
    QCOMPARE(count("SELECT count(*) FROM pg_largeobject_metadata"), 1);
}

void tst_Versions::versionChainAndStaleParent()
{
    const QByteArray engineer = m_tokens.value(QStringLiteral("engineer"));
    const Reply v1 = createVersion(engineer, {{QStringLiteral("parents"), QJsonArray()},
                                              {QStringLiteral("message"), QStringLiteral("First import")},
                                              {QStringLiteral("model_sha256"), m_engineSha},
                                              {QStringLiteral("model_filename"), QStringLiteral("2CylinderEngine.glb")},
                                              {QStringLiteral("properties"), QJsonObject{{QStringLiteral("rpm"), 3000},
                                                                                         {QStringLiteral("oil"), QStringLiteral("5W-30")}}}});
    QCOMPARE(v1.status, 201);
    QCOMPARE(v1.json.value(QStringLiteral("number")).toInt(), 1);
    QCOMPARE(v1.json.value(QStringLiteral("author")).toObject().value(QStringLiteral("username")).toString(),
             QStringLiteral("v-engineer"));
    QVERIFY(v1.json.value(QStringLiteral("is_latest")).toBool());
    const QJsonArray components = v1.json.value(QStringLiteral("components")).toArray();
    QVERIFY(components.size() > 20);
    const QString firstComponent = components.at(0).toObject().value(QStringLiteral("name")).toString();
    m_versions.append(v1.json.value(QStringLiteral("id")).toString());
    const QString modelUrl = v1.json.value(QStringLiteral("model")).toObject().value(QStringLiteral("url")).toString();
    QCOMPARE(modelUrl, QStringLiteral("/twins/%1/versions/%2/model").arg(m_twin, m_versions[0]));

    const Reply v2 = createVersion(engineer, {{QStringLiteral("parents"), QJsonArray{m_versions[0]}},
                                              {QStringLiteral("message"), QStringLiteral("Raise rated speed")},
                                              {QStringLiteral("properties"), QJsonObject{{QStringLiteral("rpm"), 3600},
                                                                                         {QStringLiteral("coolant"), QStringLiteral("glycol")}}},
                                              {QStringLiteral("component_properties"),
                                               QJsonObject{{firstComponent, QJsonObject{{QStringLiteral("material"), QStringLiteral("42CrMo4")}}}}}});
    QCOMPARE(v2.status, 201);
    QCOMPARE(v2.json.value(QStringLiteral("number")).toInt(), 2);
    QCOMPARE(v2.json.value(QStringLiteral("model")).toObject().value(QStringLiteral("sha256")).toString(), m_engineSha);
    QCOMPARE(v2.json.value(QStringLiteral("parents")).toArray().at(0).toString(), m_versions[0]);
    m_versions.append(v2.json.value(QStringLiteral("id")).toString());

    // Someone still on v1 tries to commit: refused, told where the twin is now, nothing written.
    const Reply stale = createVersion(m_tokens.value(QStringLiteral("admin")),
                                      {{QStringLiteral("parents"), QJsonArray{m_versions[0]}},
                                       {QStringLiteral("message"), QStringLiteral("Late edit")}});
    QCOMPARE(stale.status, 409);
    QCOMPARE(stale.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("latest_version_id")).toString(),
             m_versions[1]);
    QCOMPARE(count("SELECT count(*) FROM twin_versions"), 2);
    QCOMPARE(count("SELECT count(*) FROM twin_versions WHERE is_latest"), 1);
    const Reply noParent = createVersion(engineer, {{QStringLiteral("parents"), QJsonArray()},
                                                    {QStringLiteral("message"), QStringLiteral("Orphan")}});
    QCOMPARE(noParent.status, 409);

    const Reply log = m_server.request("GET", QStringLiteral("/twins/%1/versions?per_page=1").arg(m_twin),
                                       m_tokens.value(QStringLiteral("viewer")));
    QCOMPARE(log.status, 200);
    QCOMPARE(log.json.value(QStringLiteral("total")).toInt(), 2);
    QCOMPARE(log.json.value(QStringLiteral("items")).toArray().at(0).toObject().value(QStringLiteral("number")).toInt(), 2);

    const Reply twin = m_server.request("GET", QStringLiteral("/twins/") + m_twin, engineer);
    QCOMPARE(twin.json.value(QStringLiteral("latest_version_id")).toString(), m_versions[1]);
    QCOMPARE(twin.json.value(QStringLiteral("properties")).toObject().value(QStringLiteral("rpm")).toInt(), 3600);
}

void tst_Versions::diffOnRealModels()
{
    const QByteArray engineer = m_tokens.value(QStringLiteral("engineer"));
    // Properties, key by key, on the same model.
    const Reply properties = m_server.request(
        "GET", QStringLiteral("/twins/%1/versions/%2/diff/%3").arg(m_twin, m_versions[0], m_versions[1]), engineer);
    QCOMPARE(properties.status, 200);
    QVERIFY(!properties.json.value(QStringLiteral("model_changed")).toBool());
    const QJsonObject props = properties.json.value(QStringLiteral("properties")).toObject();
    QCOMPARE(props.value(QStringLiteral("added")).toObject().value(QStringLiteral("coolant")).toString(), QStringLiteral("glycol"));
    QCOMPARE(props.value(QStringLiteral("removed")).toObject().value(QStringLiteral("oil")).toString(), QStringLiteral("5W-30"));
    const QJsonObject changed = props.value(QStringLiteral("changed")).toArray().at(0).toObject();
    QCOMPARE(changed.value(QStringLiteral("key")).toString(), QStringLiteral("rpm"));
    QCOMPARE(changed.value(QStringLiteral("from")).toInt(), 3000);
    QCOMPARE(changed.value(QStringLiteral("to")).toInt(), 3600);
    const QJsonArray changedComponents = properties.json.value(QStringLiteral("components")).toObject()
                                             .value(QStringLiteral("changed")).toArray();
    QCOMPARE(changedComponents.size(), 1);
    QCOMPARE(changedComponents.at(0).toObject().value(QStringLiteral("fields")).toArray(), QJsonArray{QStringLiteral("properties")});

    // A different model: the engine's parts go, the spider's come.
    const Reply spider = upload(engineer, fileBytes(model("Spider_binary.stl")), "Spider_binary.stl");
    QCOMPARE(spider.status, 201);
    const Reply v3 = createVersion(engineer, {{QStringLiteral("parents"), QJsonArray{m_versions[1]}},
                                              {QStringLiteral("message"), QStringLiteral("Swap model")},
                                              {QStringLiteral("model_sha256"), spider.json.value(QStringLiteral("sha256"))}});
    QCOMPARE(v3.status, 201);
    m_versions.append(v3.json.value(QStringLiteral("id")).toString());
    const Reply models = m_server.request(
        "GET", QStringLiteral("/twins/%1/versions/%2/diff/%3").arg(m_twin, m_versions[1], m_versions[2]), engineer);
    QCOMPARE(models.status, 200);
    QVERIFY(models.json.value(QStringLiteral("model_changed")).toBool());
    const QJsonObject components = models.json.value(QStringLiteral("components")).toObject();
    const Reply v2 = m_server.request("GET", QStringLiteral("/twins/%1/versions/%2").arg(m_twin, m_versions[1]), engineer);
    QStringList removed;
    for (const QJsonValue &name : components.value(QStringLiteral("removed")).toArray())
        removed.append(name.toString());
    removed.sort();
    QStringList added;
    for (const QJsonValue &name : components.value(QStringLiteral("added")).toArray())
        added.append(name.toString());
    added.sort();
    QCOMPARE(removed, names(v2.json.value(QStringLiteral("components")).toArray()));
    QCOMPARE(added, names(v3.json.value(QStringLiteral("components")).toArray()));
    QCOMPARE(v3.json.value(QStringLiteral("model")).toObject().value(QStringLiteral("triangle_count")).toInt(), 1368);
}

void tst_Versions::restoreMakesEqualVersion()
{
    const QByteArray engineer = m_tokens.value(QStringLiteral("engineer"));
    const Reply restored = m_server.request(
        "POST", QStringLiteral("/twins/%1/versions/%2/restore").arg(m_twin, m_versions[1]), engineer);
    QCOMPARE(restored.status, 201);
    m_versions.append(restored.json.value(QStringLiteral("id")).toString());
    QCOMPARE(restored.json.value(QStringLiteral("number")).toInt(), 4);
    QCOMPARE(restored.json.value(QStringLiteral("parents")).toArray().at(0).toString(), m_versions[2]);
    const Reply old = m_server.request("GET", QStringLiteral("/twins/%1/versions/%2").arg(m_twin, m_versions[1]), engineer);
    for (const char *key : {"properties", "components", "model_filename"})
        QCOMPARE(restored.json.value(QLatin1String(key)), old.json.value(QLatin1String(key)));
    QCOMPARE(restored.json.value(QStringLiteral("model")).toObject().value(QStringLiteral("sha256")),
             old.json.value(QStringLiteral("model")).toObject().value(QStringLiteral("sha256")));
    const Reply diff = m_server.request(
        "GET", QStringLiteral("/twins/%1/versions/%2/diff/%3").arg(m_twin, m_versions[1], m_versions[3]), engineer);
    QVERIFY(!diff.json.value(QStringLiteral("model_changed")).toBool());
    QVERIFY(diff.json.value(QStringLiteral("components")).toObject().value(QStringLiteral("changed")).toArray().isEmpty());
    QVERIFY(diff.json.value(QStringLiteral("properties")).toObject().value(QStringLiteral("changed")).toArray().isEmpty());
}

void tst_Versions::tags()
{
    const QByteArray engineer = m_tokens.value(QStringLiteral("engineer"));
    const QString path = QStringLiteral("/twins/%1/tags/release-1.0").arg(m_twin);
    QCOMPARE(m_server.requestJson("PUT", path, engineer, {{QStringLiteral("version_id"), m_versions[0]}}).status, 201);
    QCOMPARE(m_server.requestJson("PUT", path, engineer, {{QStringLiteral("version_id"), m_versions[1]}}).status, 200);
    const Reply list = m_server.request("GET", QStringLiteral("/twins/%1/tags").arg(m_twin), engineer);
    QCOMPARE(list.json.value(QStringLiteral("items")).toArray().size(), 1);
    QCOMPARE(list.json.value(QStringLiteral("items")).toArray().at(0).toObject().value(QStringLiteral("version_number")).toInt(), 2);
    const Reply version = m_server.request("GET", QStringLiteral("/twins/%1/versions/%2").arg(m_twin, m_versions[1]), engineer);
    QCOMPARE(version.json.value(QStringLiteral("tags")).toArray(), QJsonArray{QStringLiteral("release-1.0")});
    QCOMPARE(m_server.requestJson("PUT", QStringLiteral("/twins/%1/tags/bad%20name").arg(m_twin), engineer,
                                  {{QStringLiteral("version_id"), m_versions[0]}}).errorField(),
             QStringLiteral("name"));
    QCOMPARE(m_server.requestJson("PUT", path, engineer, {{QStringLiteral("version_id"), QUuid::createUuid().toString()}}).status, 400);
    QCOMPARE(m_server.request("DELETE", path, engineer).status, 204);
    QCOMPARE(m_server.request("DELETE", path, engineer).status, 404);
}

void tst_Versions::downloadWithEtagAndRanges()
{
    const QByteArray viewer = m_tokens.value(QStringLiteral("viewer"));
    const QByteArray engine = fileBytes(model("2CylinderEngine.glb"));
    const QString url = QStringLiteral("/twins/%1/versions/%2/model").arg(m_twin, m_versions[0]);
    const Reply whole = m_server.request("GET", url, viewer);
    QCOMPARE(whole.status, 200);
    QVERIFY(whole.body == engine);
    QCOMPARE(whole.headers.value("content-type"), QByteArray("model/gltf-binary"));
    const QByteArray etag = whole.headers.value("etag");
    QCOMPARE(etag, '"' + m_engineSha.toLatin1() + '"');

    const Reply unchanged = m_server.request("GET", url, viewer, {}, {{"If-None-Match", etag}});
    QCOMPARE(unchanged.status, 304);
    QVERIFY(unchanged.body.isEmpty());

    const Reply head = m_server.request("GET", url, viewer, {}, {{"Range", "bytes=0-99"}});
    QCOMPARE(head.status, 206);
    QVERIFY(head.body == engine.left(100));
    QCOMPARE(head.headers.value("content-range"), "bytes 0-99/" + QByteArray::number(engine.size()));
    const Reply middle = m_server.request("GET", url, viewer, {}, {{"Range", "bytes=1000000-1000009"}});
    QVERIFY(middle.body == engine.mid(1000000, 10));
    const Reply tail = m_server.request("GET", url, viewer, {}, {{"Range", "bytes=-16"}});
    QCOMPARE(tail.status, 206);
    QVERIFY(tail.body == engine.right(16));
    const Reply beyond = m_server.request("GET", url, viewer, {}, {{"Range", "bytes=99999999-"}});
    QCOMPARE(beyond.status, 416);
    QCOMPARE(beyond.headers.value("content-range"), "bytes */" + QByteArray::number(engine.size()));
}

void tst_Versions::malformedFilesRefusedAndNothingStored_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("IndexOutOfRange.gltf") << model("malformed/IndexOutOfRange.gltf") << "IndexOutOfRange.gltf";
    QTest::newRow("AllIndicesOutOfRange.gltf") << model("malformed/AllIndicesOutOfRange.gltf") << "AllIndicesOutOfRange.gltf";
    QTest::newRow("MissingBin.gltf") << model("malformed/MissingBin.gltf") << "BoxTextured0.bin";
    QTest::newRow("IndexOutOfRange.bin") << model("malformed/IndexOutOfRange.bin") << "not a 3D model";
    QTest::newRow("text file") << model("SOURCES.md") << "not a 3D model";
}

void tst_Versions::malformedFilesRefusedAndNothingStored()
{
    QFETCH(QString, path);
    QFETCH(QString, mentions);
    const qint64 blobs = count("SELECT count(*) FROM model_blobs");
    const qint64 objects = count("SELECT count(*) FROM pg_largeobject_metadata");
    const Reply refused = upload(m_tokens.value(QStringLiteral("engineer")), fileBytes(path),
                                 QFileInfo(path).fileName().toUtf8());
    QCOMPARE(refused.status, 422);
    const QString message = refused.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(mentions), qPrintable(message));
    QCOMPARE(count("SELECT count(*) FROM model_blobs"), blobs);
    QCOMPARE(count("SELECT count(*) FROM pg_largeobject_metadata"), objects);
}

void tst_Versions::oversizeModelRefused()
{
    const Reply tooBig = upload(m_tokens.value(QStringLiteral("engineer")), QByteArray(5 * 1024 * 1024, 'x'));
    QCOMPARE(tooBig.status, 413);
    QCOMPARE(m_server.request("GET", QStringLiteral("/health")).status, 200);
}

void tst_Versions::rolesOnNewRoutes_data()
{
    QTest::addColumn<QString>("role");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("allowed");
    const QStringList writers{QStringLiteral("admin"), QStringLiteral("engineer")};
    const QStringList everyone{QStringLiteral("admin"), QStringLiteral("engineer"), QStringLiteral("operator"),
                               QStringLiteral("viewer")};
    const QList<QPair<QByteArray, QString>> reads{{"GET", QStringLiteral("/twins/@t/versions")},
                                                  {"GET", QStringLiteral("/twins/@t/versions/@v")},
                                                  {"GET", QStringLiteral("/twins/@t/versions/@v/model")},
                                                  {"GET", QStringLiteral("/twins/@t/versions/@v/diff/@v")},
                                                  {"GET", QStringLiteral("/twins/@t/tags")}};
    const QList<QPair<QByteArray, QString>> writes{{"POST", QStringLiteral("/twins/@t/models")},
                                                   {"POST", QStringLiteral("/twins/@t/versions")},
                                                   {"POST", QStringLiteral("/twins/@t/versions/@v/restore")},
                                                   {"PUT", QStringLiteral("/twins/@t/tags/x")},
                                                   {"DELETE", QStringLiteral("/twins/@t/tags/x")}};
    for (const QString &role : everyone) {
        for (const auto &route : reads)
            QTest::addRow("%s %s as %s", route.first.constData(), qPrintable(route.second), qPrintable(role))
                << role << route.first << route.second << true;
        for (const auto &route : writes)
            QTest::addRow("%s %s as %s", route.first.constData(), qPrintable(route.second), qPrintable(role))
                << role << route.first << route.second << writers.contains(role);
    }
}

void tst_Versions::rolesOnNewRoutes()
{
    QFETCH(QString, role);
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(bool, allowed);
    path.replace(QLatin1String("@t"), m_twin).replace(QLatin1String("@v"), m_versions.value(0));
    const Reply reply = m_server.request(method, path, m_tokens.value(role), method == "GET" ? QByteArray() : "{}");
    if (allowed)
        QVERIFY2(reply.status != 403 && reply.status != 401 && reply.status < 500, qPrintable(QString::number(reply.status)));
    else
        QCOMPARE(reply.status, 403);
}

void tst_Versions::otherOrganizationSeesNothing()
{
    m_server.registerUser(QStringLiteral("outsider"), QStringLiteral("outsider-password"));
    const QByteArray outsider = m_server.login(QStringLiteral("outsider"), QStringLiteral("outsider-password"));
    for (const QString &path : {QStringLiteral("/twins/%1/versions").arg(m_twin),
                                QStringLiteral("/twins/%1/versions/%2").arg(m_twin, m_versions[0]),
                                QStringLiteral("/twins/%1/versions/%2/model").arg(m_twin, m_versions[0]),
                                QStringLiteral("/twins/%1/tags").arg(m_twin)})
        QCOMPARE(m_server.request("GET", path, outsider).status, 404);
    QCOMPARE(upload(outsider, fileBytes(model("Spider_binary.stl"))).status, 404);
    QCOMPARE(m_server.request("POST", QStringLiteral("/twins/%1/versions/%2/restore").arg(m_twin, m_versions[0]), outsider).status,
             404);

    // Knowing a model's hash gives no access to it: the outsider's own twin cannot use it.
    const Reply own = m_server.requestJson("POST", QStringLiteral("/twins"), outsider,
                                           {{QStringLiteral("name"), QStringLiteral("Mine")}});
    const QString mine = own.json.value(QStringLiteral("id")).toString();
    const Reply borrowed = m_server.requestJson("POST", QStringLiteral("/twins/%1/versions").arg(mine), outsider,
                                                {{QStringLiteral("parents"), QJsonArray()},
                                                 {QStringLiteral("message"), QStringLiteral("borrow")},
                                                 {QStringLiteral("model_sha256"), m_engineSha}});
    QCOMPARE(borrowed.status, 400);
    QCOMPARE(borrowed.errorField(), QStringLiteral("model_sha256"));
    // Uploading the same bytes is the outsider's own first upload (stored once all the same).
    const qint64 blobs = count("SELECT count(*) FROM model_blobs");
    const Reply uploaded = m_server.request("POST", QStringLiteral("/twins/%1/models").arg(mine), outsider,
                                            fileBytes(model("2CylinderEngine.glb")),
                                            {{"Content-Type", "application/octet-stream"}});
    QCOMPARE(uploaded.status, 201);
    QVERIFY(uploaded.json.value(QStringLiteral("stored_now")).toBool());
    QCOMPARE(count("SELECT count(*) FROM model_blobs"), blobs);
}

void tst_Versions::restoreOfVersionWithoutModel()
{
    const QByteArray engineer = m_tokens.value(QStringLiteral("engineer"));
    const Reply twin = m_server.requestJson("POST", QStringLiteral("/twins"), engineer,
                                            {{QStringLiteral("name"), QStringLiteral("Paper twin")}});
    const QString id = twin.json.value(QStringLiteral("id")).toString();
    const Reply v1 = m_server.requestJson("POST", QStringLiteral("/twins/%1/versions").arg(id), engineer,
                                          {{QStringLiteral("parents"), QJsonArray()},
                                           {QStringLiteral("message"), QStringLiteral("specs only")},
                                           {QStringLiteral("properties"), QJsonObject{{QStringLiteral("rpm"), 1}}}});
    QCOMPARE(v1.status, 201);
    QVERIFY(v1.json.value(QStringLiteral("model")).isNull());
    const Reply v2 = m_server.requestJson("POST", QStringLiteral("/twins/%1/versions").arg(id), engineer,
                                          {{QStringLiteral("parents"), QJsonArray{v1.json.value(QStringLiteral("id"))}},
                                           {QStringLiteral("message"), QStringLiteral("with model")},
                                           {QStringLiteral("model_sha256"), m_engineSha}});
    QCOMPARE(v2.status, 201);
    const Reply restored = m_server.request(
        "POST", QStringLiteral("/twins/%1/versions/%2/restore").arg(id, v1.json.value(QStringLiteral("id")).toString()),
        engineer);
    QCOMPARE(restored.status, 201);
    QVERIFY(restored.json.value(QStringLiteral("model")).isNull());
    QCOMPARE(restored.json.value(QStringLiteral("components")).toArray().size(), 0);
}

void tst_Versions::parentsMustBelongToTwin()
{
    const QByteArray engineer = m_tokens.value(QStringLiteral("engineer"));
    const Reply log = m_server.request("GET", QStringLiteral("/twins/%1/versions?per_page=1").arg(m_twin), engineer);
    const QString latest = log.json.value(QStringLiteral("items")).toArray().at(0).toObject().value(QStringLiteral("id")).toString();
    const Reply merge = createVersion(engineer, {{QStringLiteral("parents"), QJsonArray{latest, QUuid::createUuid().toString(QUuid::WithoutBraces)}},
                                                 {QStringLiteral("message"), QStringLiteral("bogus merge")}});
    QCOMPARE(merge.status, 400);
    QCOMPARE(merge.errorField(), QStringLiteral("parents"));
}

void tst_Versions::unreadableRangesServeWholeFile()
{
    const QByteArray viewer = m_tokens.value(QStringLiteral("viewer"));
    const QString url = QStringLiteral("/twins/%1/versions/%2/model").arg(m_twin, m_versions[0]);
    const qsizetype size = fileBytes(model("2CylinderEngine.glb")).size();
    for (const QByteArray &range : {QByteArray("bytes=5-3"), QByteArray("bytes=99999999999999999999-"),
                                    QByteArray("bytes=0-1,5-6"), QByteArray("lines=1-2")}) {
        const Reply reply = m_server.request("GET", url, viewer, {}, {{"Range", range}});
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body.size(), size);
    }
}

void tst_Versions::uploadRefusedBeforeBodyWithoutToken()
{
    // The server answers on the head alone: the body is never sent.
    Tests::RawHttp client(m_server.server().port());
    client.send("POST /twins/" + m_twin.toLatin1() + "/models HTTP/1.1\r\nHost: x\r\nContent-Length: 3000000\r\n"
                "Expect: 100-continue\r\n\r\n");
    const QByteArray response = client.readResponse();
    QCOMPARE(Tests::RawHttp::statusOf(response), 401);
}

QTEST_GUILESS_MAIN(tst_Versions)
#include "tst_versions.moc"

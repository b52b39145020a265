#include "server.h"
#include "testserver.h"
#include "ws/websockethub.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <unistd.h>

using namespace Laces;

// The shipped nginx configuration (packaging/nginx/laces.conf) in front of two real server
// instances on one database: REST and WebSocket traffic through the proxy, and a cursor
// sent through it to one instance reaching a subscriber on the other.
class tst_Nginx : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void restThroughTheProxy();
    void cursorCrossesInstancesBehindTheProxy();

private:
    std::unique_ptr<QWebSocket> connectThroughProxy(const QByteArray &token);
    QJsonObject next(QSignalSpy &spy, const QString &type);
    Tests::Reply viaProxy(const QByteArray &method, const QString &path, const QByteArray &token, const QJsonObject &body = {});

    Tests::TestServer m_a;
    std::unique_ptr<Server::Server> m_b;
    QTemporaryDir m_nginxDir{QStringLiteral("/tmp/laces-nginx-XXXXXX")};
    QProcess m_nginx;
    quint16 m_port = 0;
    QNetworkAccessManager m_network;
    QByteArray m_token;
    QString m_twin;
};

void tst_Nginx::initTestCase()
{
    QVERIFY2(m_a.start(), qPrintable(m_a.errorString()));
    QString error;
    m_b = m_a.startPeer({}, &error);
    QVERIFY2(m_b, qPrintable(error));

    // The shipped site configuration, pointed at these two instances and a free port, with
    // its logs in a temporary directory.
    QFile shipped(QStringLiteral(LACES_SOURCE_DIR "/packaging/nginx/laces.conf"));
    QVERIFY(shipped.open(QIODevice::ReadOnly));
    QByteArray site = shipped.readAll();
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        m_port = probe.serverPort();
    }
    const QByteArray dir = m_nginxDir.path().toUtf8();
    QVERIFY(site.contains("127.0.0.1:8001") && site.contains("127.0.0.1:8002") && site.contains("listen 80;"));
    site.replace("127.0.0.1:8001", "127.0.0.1:" + QByteArray::number(m_a.server().port()));
    site.replace("127.0.0.1:8002", "127.0.0.1:" + QByteArray::number(m_b->port()));
    site.replace("listen 80;", "listen 127.0.0.1:" + QByteArray::number(m_port) + ";");
    site.replace("listen [::]:80;", "");
    site.replace("/var/log/nginx/", dir + "/");
    QFile siteFile(m_nginxDir.filePath(QStringLiteral("laces.conf")));
    QVERIFY(siteFile.open(QIODevice::WriteOnly));
    siteFile.write(site);
    siteFile.close();
    // A minimal main configuration around it, as /etc/nginx/nginx.conf would be.
    QByteArray main = "daemon off;\nworker_processes 1;\npid " + dir + "/nginx.pid;\nerror_log " + dir + "/error.log warn;\n";
    if (::geteuid() == 0)
        main += "user root;\n";
    main += "events { worker_connections 256; }\nhttp {\n";
    for (const char *temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
        main += QByteArray("    ") + temp + "_temp_path " + dir + "/" + temp + ";\n";
    main += "    include " + dir + "/laces.conf;\n}\n";
    QFile mainFile(m_nginxDir.filePath(QStringLiteral("nginx.conf")));
    QVERIFY(mainFile.open(QIODevice::WriteOnly));
    mainFile.write(main);
    mainFile.close();

    m_nginx.setProcessChannelMode(QProcess::MergedChannels);
    m_nginx.start(QStringLiteral(LACES_NGINX_BINARY), {QStringLiteral("-e"), m_nginxDir.filePath(QStringLiteral("error.log")),
                                            QStringLiteral("-p"), m_nginxDir.path(),
                                            QStringLiteral("-c"), m_nginxDir.filePath(QStringLiteral("nginx.conf"))});
    QVERIFY2(m_nginx.waitForStarted(5000), qPrintable(m_nginx.errorString()));
    QElapsedTimer timer;
    timer.start();
    while (viaProxy("GET", QStringLiteral("/health"), {}).status != 200) {
        QVERIFY2(m_nginx.state() == QProcess::Running && timer.elapsed() < 10000, m_nginx.readAll().constData());
        QTest::qWait(100);
    }
    m_a.registerUser(QStringLiteral("nina"), QStringLiteral("nina-password"));
}

void tst_Nginx::cleanupTestCase()
{
    m_nginx.terminate();
    m_nginx.waitForFinished(5000);
}

Tests::Reply tst_Nginx::viaProxy(const QByteArray &method, const QString &path, const QByteArray &token, const QJsonObject &body)
{
    return Tests::requestAt(m_network, QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port)), method, path, token,
                            body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson());
}

void tst_Nginx::restThroughTheProxy()
{
    const Tests::Reply login = viaProxy("POST", QStringLiteral("/auth/login"), {},
                                        {{QStringLiteral("username"), QStringLiteral("nina")},
                                         {QStringLiteral("password"), QStringLiteral("nina-password")}});
    QCOMPARE(login.status, 200);
    m_token = login.json.value(QStringLiteral("access_token")).toString().toLatin1();
    const Tests::Reply twin = viaProxy("POST", QStringLiteral("/twins"), m_token, {{QStringLiteral("name"), QStringLiteral("Proxied")}});
    QCOMPARE(twin.status, 201);
    m_twin = twin.json.value(QStringLiteral("id")).toString();
    // Requests alternate between the instances; every one sees the same data.
    for (int i = 0; i < 6; ++i) {
        const Tests::Reply seen = viaProxy("GET", QStringLiteral("/twins/") + m_twin, m_token);
        QCOMPARE(seen.status, 200);
        QVERIFY(!seen.headers.value("x-request-id").isEmpty());
    }
    // Errors come back as the server's JSON, not nginx pages.
    const Tests::Reply missing = viaProxy("GET", QStringLiteral("/twins/%1").arg(QUuid::createUuid().toString(QUuid::WithoutBraces)), m_token);
    QCOMPARE(missing.status, 404);
    QVERIFY(!missing.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().isEmpty());
}

std::unique_ptr<QWebSocket> tst_Nginx::connectThroughProxy(const QByteArray &token)
{
    return Tests::openHubSocket(m_port, token, m_twin);
}

QJsonObject tst_Nginx::next(QSignalSpy &spy, const QString &type)
{
    return Tests::nextMessageOfType(spy, type);
}

void tst_Nginx::cursorCrossesInstancesBehindTheProxy()
{
    QVERIFY(!m_twin.isEmpty());
    auto first = connectThroughProxy(m_token);
    QCOMPARE(first->state(), QAbstractSocket::ConnectedState);
    // least_conn sends the second long-lived connection to the other instance.
    auto second = connectThroughProxy(m_token);
    QCOMPARE(second->state(), QAbstractSocket::ConnectedState);
    QCOMPARE(m_a.server().webSocketHub()->connectionCount(), 1);
    QCOMPARE(m_b->webSocketHub()->connectionCount(), 1);

    QSignalSpy heardBySecond(second.get(), &QWebSocket::textMessageReceived);
    first->sendTextMessage(QStringLiteral(R"({"type":"cursor_move","twin_id":"%1","position":[4,5,6]})").arg(m_twin));
    const QJsonObject cursor = next(heardBySecond, QStringLiteral("cursor_update"));
    QCOMPARE(cursor.value(QStringLiteral("position")).toArray(), (QJsonArray{4, 5, 6}));
    QCOMPARE(cursor.value(QStringLiteral("user")).toString(), QStringLiteral("nina"));

    // A REST write through the proxy reaches both WebSocket clients, whichever instance served it.
    QSignalSpy heardByFirst(first.get(), &QWebSocket::textMessageReceived);
    const Tests::Reply version = viaProxy("POST", QStringLiteral("/twins/%1/versions").arg(m_twin), m_token,
                                          {{QStringLiteral("parents"), QJsonArray()},
                                           {QStringLiteral("message"), QStringLiteral("through nginx")},
                                           {QStringLiteral("properties"), QJsonObject{{QStringLiteral("site"), QStringLiteral("Hall 1")}}}});
    QCOMPARE(version.status, 201);
    QCOMPARE(next(heardByFirst, QStringLiteral("version_created")).value(QStringLiteral("version_id")), version.json.value(QStringLiteral("id")));
    QCOMPARE(next(heardBySecond, QStringLiteral("version_created")).value(QStringLiteral("version_id")), version.json.value(QStringLiteral("id")));
}

QTEST_GUILESS_MAIN(tst_Nginx)
#include "tst_nginx.moc"

#include "collaborationclient.h"
#include "server.h"
#include "testserver.h"
#include "db/pgconnection.h"
#include "ws/websockethub.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <unistd.h>

using namespace Laces;

using Laces::Tests::eventually;

// The shipped site configuration (packaging/nginx/laces.conf) with a real nginx in front
// of two upstream ports, on a free port of its own, logs in a temporary directory.
class NginxProxy
{
public:
    ~NginxProxy()
    {
        m_nginx.terminate();
        m_nginx.waitForFinished(5000);
    }

    // With a certificate and key, packaging/nginx/laces-tls.conf too, on tlsPort().
    QString start(quint16 first, quint16 second, const QString &certificate = {}, const QString &key = {})
    {
        QFile shipped(QStringLiteral(LACES_SOURCE_DIR "/packaging/nginx/laces.conf"));
        if (!shipped.open(QIODevice::ReadOnly))
            return QStringLiteral("cannot read laces.conf");
        QByteArray site = shipped.readAll();
        {
            QTcpServer probe;
            probe.listen(QHostAddress::LocalHost, 0);
            m_port = probe.serverPort();
        }
        const QByteArray dir = m_dir.path().toUtf8();
        if (!site.contains("127.0.0.1:8001") || !site.contains("127.0.0.1:8002") || !site.contains("listen 80;"))
            return QStringLiteral("laces.conf no longer has the upstreams and listen lines this test rewrites");
        site.replace("127.0.0.1:8001", "127.0.0.1:" + QByteArray::number(first));
        site.replace("127.0.0.1:8002", "127.0.0.1:" + QByteArray::number(second));
        site.replace("listen 80;", "listen 127.0.0.1:" + QByteArray::number(m_port) + ";");
        site.replace("listen [::]:80;", "");
        site.replace("/var/log/nginx/", dir + "/");
        if (!certificate.isEmpty()) {
            QFile shippedTls(QStringLiteral(LACES_SOURCE_DIR "/packaging/nginx/laces-tls.conf"));
            if (!shippedTls.open(QIODevice::ReadOnly))
                return QStringLiteral("cannot read laces-tls.conf");
            QByteArray tls = shippedTls.readAll();
            if (!tls.contains("listen 443 ssl;") || !tls.contains("/etc/ssl/laces/server.crt"))
                return QStringLiteral("laces-tls.conf no longer has the lines this test rewrites");
            {
                QTcpServer probe;
                probe.listen(QHostAddress::LocalHost, 0);
                m_tlsPort = probe.serverPort();
            }
            tls.replace("listen 443 ssl;", "listen 127.0.0.1:" + QByteArray::number(m_tlsPort) + " ssl;");
            tls.replace("listen [::]:443 ssl;", "");
            tls.replace("/etc/ssl/laces/server.crt", certificate.toUtf8());
            tls.replace("/etc/ssl/laces/server.key", key.toUtf8());
            tls.replace("/var/log/nginx/", dir + "/");
            // Included after the plain site, in the same http block, as the file says.
            site += "\n" + tls;
        }
        QFile siteFile(m_dir.filePath(QStringLiteral("laces.conf")));
        if (!siteFile.open(QIODevice::WriteOnly))
            return QStringLiteral("cannot write the site");
        siteFile.write(site);
        siteFile.close();
        // A minimal main configuration around it, as /etc/nginx/nginx.conf would be.
        QByteArray main = "daemon off;\nworker_processes 1;\npid " + dir + "/nginx.pid;\nerror_log " + dir + "/error.log warn;\n";
        if (::geteuid() == 0)
            main += "user root;\n";
        main += "events { worker_connections 1024; }\nhttp {\n";
        for (const char *temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
            main += QByteArray("    ") + temp + "_temp_path " + dir + "/" + temp + ";\n";
        main += "    include " + dir + "/laces.conf;\n}\n";
        QFile mainFile(m_dir.filePath(QStringLiteral("nginx.conf")));
        if (!mainFile.open(QIODevice::WriteOnly))
            return QStringLiteral("cannot write nginx.conf");
        mainFile.write(main);
        mainFile.close();
        m_nginx.setProcessChannelMode(QProcess::MergedChannels);
        m_nginx.start(QStringLiteral(LACES_NGINX_BINARY), {QStringLiteral("-e"), m_dir.filePath(QStringLiteral("error.log")),
                                                          QStringLiteral("-p"), m_dir.path(),
                                                          QStringLiteral("-c"), m_dir.filePath(QStringLiteral("nginx.conf"))});
        if (!m_nginx.waitForStarted(5000))
            return m_nginx.errorString();
        QNetworkAccessManager network;
        QElapsedTimer timer;
        timer.start();
        while (Tests::requestAt(network, url(), "GET", QStringLiteral("/health")).status != 200) {
            if (m_nginx.state() != QProcess::Running || timer.elapsed() > 10000)
                return QString::fromLocal8Bit(m_nginx.readAll());
            QTest::qWait(100);
        }
        return {};
    }

    quint16 port() const { return m_port; }
    quint16 tlsPort() const { return m_tlsPort; }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port)); }

private:
    QTemporaryDir m_dir{QStringLiteral("/tmp/laces-nginx-XXXXXX")};
    QProcess m_nginx;
    quint16 m_port = 0;
    quint16 m_tlsPort = 0;
};

// The shipped nginx configuration (packaging/nginx/laces.conf) in front of two real server
// instances on one database: REST and WebSocket traffic through the proxy, a cursor sent
// through it to one instance reaching a subscriber on the other, and a rolling restart of
// both instances under load that fails no idempotent request.
class tst_Nginx : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void restThroughTheProxy();
    void cursorCrossesInstancesBehindTheProxy();
    void rollingRestartUnderLoad();
    void tlsFrontEnd();

private:
    std::unique_ptr<QWebSocket> connectThroughProxy(const QByteArray &token);
    QJsonObject next(QSignalSpy &spy, const QString &type);
    Tests::Reply viaProxy(const QByteArray &method, const QString &path, const QByteArray &token, const QJsonObject &body = {});

    Tests::TestServer m_a;
    std::unique_ptr<Server::Server> m_b;
    NginxProxy m_proxy;
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
    const QString started = m_proxy.start(m_a.server().port(), m_b->port());
    QVERIFY2(started.isEmpty(), qPrintable(started));
    m_port = m_proxy.port();
    m_a.registerUser(QStringLiteral("nina"), QStringLiteral("nina-password"));
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

void tst_Nginx::rollingRestartUnderLoad()
{
    // Two more instances on the same database behind their own nginx, so that each can be
    // restarted (on its port) while the other serves.
    QString error;
    std::unique_ptr<Server::Server> instances[2];
    for (auto &instance : instances) {
        instance = m_a.startPeer([](Server::ServerConfig &config) { config.accessLog = Server::AccessLog::Errors; }, &error);
        QVERIFY2(instance, qPrintable(error));
    }
    NginxProxy proxy;
    const QString started = proxy.start(instances[0]->port(), instances[1]->port());
    QVERIFY2(started.isEmpty(), qPrintable(started));
    QNetworkAccessManager network;
    const Tests::Reply login = Tests::requestAt(network, proxy.url(), "POST", QStringLiteral("/auth/login"), {},
                                                QJsonDocument(QJsonObject{{QStringLiteral("username"), QStringLiteral("nina")},
                                                                          {QStringLiteral("password"), QStringLiteral("nina-password")}})
                                                    .toJson());
    QCOMPARE(login.status, 200);
    const QByteArray token = login.json.value(QStringLiteral("access_token")).toString().toLatin1();
    const Tests::Reply twin = Tests::requestAt(network, proxy.url(), "POST", QStringLiteral("/twins"), token,
                                               QJsonDocument(QJsonObject{{QStringLiteral("name"), QStringLiteral("Rolling")}}).toJson());
    QCOMPARE(twin.status, 201);
    const QString twinId = twin.json.value(QStringLiteral("id")).toString();

    // The desktop's collaboration client, through the proxy.
    App::CollaborationClient collaboration(proxy.url(), token, twinId);
    QSignalSpy subscribed(&collaboration, &App::CollaborationClient::subscribed);
    QSignalSpy events(&collaboration, &App::CollaborationClient::event);
    collaboration.start();
    QVERIFY(subscribed.wait(10000));

    // Load, open loop: a GET every 10 ms, a create (POST with an Idempotency-Key, sent again
    // with the same key until it is answered) every 100 ms.
    int getsSent = 0;
    int getsOk = 0;
    QStringList getFailures;
    QHash<QString, int> createAttempts;
    QSet<QString> createsDone;
    const auto sendGet = [&] {
        ++getsSent;
        QNetworkRequest request(QUrl(proxy.url().toString() + QStringLiteral("/twins/") + twinId));
        request.setRawHeader("Authorization", "Bearer " + token);
        QNetworkReply *reply = network.get(request);
        connect(reply, &QNetworkReply::finished, this, [&, reply] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status == 200)
                ++getsOk;
            else
                getFailures.append(QStringLiteral("%1 %2").arg(status).arg(reply->errorString()));
        });
    };
    std::function<void(const QString &)> sendCreate = [&](const QString &key) {
        ++createAttempts[key];
        QNetworkRequest request(QUrl(proxy.url().toString() + QStringLiteral("/twins")));
        request.setRawHeader("Authorization", "Bearer " + token);
        request.setRawHeader("Idempotency-Key", key.toLatin1());
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QNetworkReply *reply = network.post(request, QJsonDocument(QJsonObject{{QStringLiteral("name"), key}}).toJson());
        connect(reply, &QNetworkReply::finished, this, [&, reply, key] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status == 201 || status == 200)
                createsDone.insert(key);
            else if (createAttempts.value(key) < 50)
                QTimer::singleShot(100, this, [&, key] { sendCreate(key); });
        });
    };
    int creates = 0;
    QTimer gets;
    connect(&gets, &QTimer::timeout, this, sendGet);
    QTimer posts;
    connect(&posts, &QTimer::timeout, this, [&] { sendCreate(QStringLiteral("rolling-%1").arg(++creates)); });
    gets.start(10);
    posts.start(100);
    QTest::qWait(1000);

    // Each instance in turn: stopped, down for a moment, started again on its port; the
    // next only once nginx has taken the first back (its fail_timeout, 10 s).
    for (auto &instance : instances) {
        Server::ServerConfig config = instance->config();
        config.port = instance->port();
        instance->stop();
        instance.reset();
        QTest::qWait(500);
        instance = std::make_unique<Server::Server>(config);
        const Core::Status restarted = instance->start();
        QVERIFY2(restarted, restarted ? "" : qPrintable(restarted.error().message));
        QTest::qWait(11000);
    }
    gets.stop();
    posts.stop();
    QVERIFY(eventually([&] { return getsOk + getFailures.size() == getsSent && createsDone.size() == creates; }, 20000));
    qInfo("rolling restart: %d GETs, %d failed; %d creates, %d sent more than once", getsSent, int(getFailures.size()),
          creates, int(std::count_if(createAttempts.cbegin(), createAttempts.cend(), [](int n) { return n > 1; })));
    QVERIFY2(getFailures.isEmpty(), qPrintable(getFailures.mid(0, 5).join(QStringLiteral("; "))));
    QCOMPARE(int(createsDone.size()), creates);
    // Each create happened once, however often it was sent.
    Server::PgConnection db(m_a.server().conninfo());
    QVERIFY(db.open());
    auto made = db.exec("SELECT count(*), count(DISTINCT name) FROM digital_twins WHERE name LIKE 'rolling-%'");
    QVERIFY(made);
    QCOMPARE(made->integer(0, 0), qint64(creates));
    QCOMPARE(made->integer(0, 1), qint64(creates));

    // The collaboration client came back by itself and subscribed again: it hears a version
    // committed now.
    QVERIFY2(subscribed.size() >= 2, qPrintable(QString::number(subscribed.size())));
    events.clear();
    const Tests::Reply version = Tests::requestAt(
        network, proxy.url(), "POST", QStringLiteral("/twins/%1/versions").arg(twinId), token,
        QJsonDocument(QJsonObject{{QStringLiteral("parents"), QJsonArray()}, {QStringLiteral("message"), QStringLiteral("after the restart")},
                                  {QStringLiteral("properties"), QJsonObject{{QStringLiteral("site"), QStringLiteral("Hall 2")}}}})
            .toJson());
    QCOMPARE(version.status, 201);
    QVERIFY(eventually([&] {
        for (const auto &arguments : std::as_const(events))
            if (arguments.at(0).toJsonObject().value(QStringLiteral("type")).toString() == QLatin1String("version_created"))
                return true;
        return false;
    }, 10000));
}

void tst_Nginx::tlsFrontEnd()
{
    // The shipped TLS site (laces-tls.conf) with a certificate made here: TLS 1.3 only, HSTS.
    QTemporaryDir certs;
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                   QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                   QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                   QStringLiteral("-keyout"), certs.filePath(QStringLiteral("server.key")), QStringLiteral("-out"),
                   certs.filePath(QStringLiteral("server.crt"))});
    QVERIFY(eventually([&] { return openssl.state() == QProcess::NotRunning; }, 30000));
    QCOMPARE(openssl.exitCode(), 0);
    NginxProxy proxy;
    const QString started = proxy.start(m_a.server().port(), m_b->port(), certs.filePath(QStringLiteral("server.crt")),
                                        certs.filePath(QStringLiteral("server.key")));
    QVERIFY2(started.isEmpty(), qPrintable(started));
    const auto ask = [&](QSsl::SslProtocol protocol, QSsl::SslProtocol *negotiated) {
        QSslSocket socket;
        socket.setPeerVerifyMode(QSslSocket::VerifyNone);   // a self-signed certificate
        socket.setProtocol(protocol);
        bool failed = false;
        connect(&socket, &QSslSocket::errorOccurred, this, [&failed](QAbstractSocket::SocketError) { failed = true; });
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), proxy.tlsPort());
        eventually([&] { return socket.isEncrypted() || failed; }, 10000);
        if (!socket.isEncrypted())
            return QByteArray();
        *negotiated = socket.sessionProtocol();
        socket.write("GET /health HTTP/1.1\r\nHost: laces.example.org\r\nConnection: close\r\n\r\n");
        QByteArray answer;
        eventually([&] {
            answer += socket.readAll();
            return answer.contains("\r\n\r\n") && answer.contains("\"status\"");
        }, 10000);
        return answer;
    };
    QSsl::SslProtocol negotiated = QSsl::UnknownProtocol;
    const QByteArray answer = ask(QSsl::SecureProtocols, &negotiated);
    QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
    QCOMPARE(negotiated, QSsl::TlsV1_3);
    QVERIFY2(answer.toLower().contains("strict-transport-security: max-age=63072000; includesubdomains"), answer.constData());
    QVERIFY(answer.contains("\"database\":\"ok\""));   // the server's own answer, through the proxy
    // A client that offers TLS 1.2 at most is refused.
    QCOMPARE(ask(QSsl::TlsV1_2, &negotiated), QByteArray());
}

QTEST_GUILESS_MAIN(tst_Nginx)
#include "tst_nginx.moc"

// laces-server serving HTTPS and WSS itself (--tls-cert, --tls-key, --tls-min,
// --tls-client-ca), with certificates made by openssl in the test: the versions a client
// gets, the ones it is refused, and mutual TLS tying an edge device's certificate to its node.

#include "testserver.h"
#include "ws/websockethub.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTest>
#include <QWebSocket>

using namespace Laces;
using Laces::Tests::Reply;

using Laces::Tests::eventually;

class tst_Tls : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void optionsAreChecked();
    void tls13IsNegotiated();
    void tls12AllowedUnlessMinimumIs13();
    void tls11IsRefused();
    void webSocketOverTls();
    void refusedUploadIsAnsweredOverTls();
    void mutualTlsTiesTheCertificateToTheNode();
    void certificateExpiryIsExported();

private:
    // The options as laces-server's command line would give them (so their checks run too).
    Core::Result<Server::ServerConfig> configFrom(const QStringList &arguments);
    bool startWith(const QStringList &arguments);
    QString file(const QString &name) const { return m_dir.filePath(name); }
    // A TLS client: the handshake's outcome (negotiated protocol, or -1 when refused).
    int handshake(QSsl::SslProtocol protocol, quint16 port, const QString &certificate = {}, const QString &key = {});
    QByteArray adminToken();

    QTemporaryDir m_dir;
    std::unique_ptr<Tests::TestServer> m_server;
    QList<QSslCertificate> m_ca;
};

void tst_Tls::initTestCase()
{
    QVERIFY(QSslSocket::supportsSsl());
    // A private CA, a server certificate for 127.0.0.1, and two client certificates whose
    // common names are set per test (node ids) later.
    const QString script = QStringLiteral(
        "set -e; cd '%1'; ec='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';"
        "openssl req -x509 $ec -days 30 -subj /CN=LACES-test-CA -keyout ca.key -out ca.pem 2>/dev/null;"
        "openssl req $ec -subj /CN=127.0.0.1 -keyout server.key -out server.csr 2>/dev/null;"
        "printf 'subjectAltName=IP:127.0.0.1\\n' > server.ext;"
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile server.ext "
        "-out server.pem 2>/dev/null")
                               .arg(m_dir.path());
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script});
    QVERIFY(openssl.waitForFinished(30000));
    QVERIFY2(openssl.exitCode() == 0, openssl.readAll().constData());
    m_ca = QSslCertificate::fromPath(file(QStringLiteral("ca.pem")));
    QCOMPARE(m_ca.size(), 1);
    // Every client in this process trusts the private CA (QNetworkAccessManager, QWebSocket).
    QSslConfiguration trusting = QSslConfiguration::defaultConfiguration();
    trusting.addCaCertificates(m_ca);
    QSslConfiguration::setDefaultConfiguration(trusting);
}

Core::Result<Server::ServerConfig> tst_Tls::configFrom(const QStringList &arguments)
{
    QCommandLineParser parser;
    Server::ServerConfig::addOptions(parser);
    parser.parse(QStringList{QStringLiteral("laces-server")} + arguments);
    return Server::ServerConfig::fromParser(parser);
}

bool tst_Tls::startWith(const QStringList &arguments)
{
    auto parsed = configFrom(arguments);
    if (!parsed) {
        qWarning() << parsed.error().message;
        return false;
    }
    const Server::TlsSettings tls = parsed->tls;
    m_server = std::make_unique<Tests::TestServer>();
    if (!m_server->start([tls](Server::ServerConfig &config) { config.tls = tls; })) {
        qWarning() << m_server->errorString();
        return false;
    }
    return true;
}

int tst_Tls::handshake(QSsl::SslProtocol protocol, quint16 port, const QString &certificate, const QString &key)
{
    QSslSocket socket;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setProtocol(protocol);
    if (!certificate.isEmpty()) {
        config.setLocalCertificate(QSslCertificate::fromPath(certificate).value(0));
        QFile keyFile(key);
        keyFile.open(QIODevice::ReadOnly);
        config.setPrivateKey(QSslKey(&keyFile, QSsl::Ec));
    }
    socket.setSslConfiguration(config);
    bool failed = false;
    connect(&socket, &QSslSocket::errorOccurred, this, [&failed](QAbstractSocket::SocketError) { failed = true; });
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    if (!eventually([&] { return socket.isEncrypted() || failed; }, 10000) || !socket.isEncrypted()) {
        qInfo() << "handshake refused:" << socket.errorString();
        return -1;
    }
    const int negotiated = int(socket.sessionProtocol());   // unknown again once closed
    // With TLS 1.3 a refused client certificate is only reported after the handshake, on
    // the first read: ask for something and see whether an answer comes.
    socket.write("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QByteArray answer;
    connect(&socket, &QSslSocket::readyRead, this, [&] { answer += socket.readAll(); });
    eventually([&] { return answer.contains("\r\n\r\n") || failed || socket.state() == QAbstractSocket::UnconnectedState; },
               10000);
    answer += socket.readAll();
    if (!answer.startsWith("HTTP/1.1 200")) {
        qInfo() << "handshake: no answer" << socket.errorString() << answer.left(200) << socket.state() << failed
                << socket.sslHandshakeErrors();
        return -1;
    }
    return negotiated;
}

QByteArray tst_Tls::adminToken()
{
    m_server->registerUser(QStringLiteral("tls-admin"), QStringLiteral("correct horse battery"));
    return m_server->login(QStringLiteral("tls-admin"), QStringLiteral("correct horse battery"));
}

void tst_Tls::optionsAreChecked()
{
    const QString cert = file(QStringLiteral("server.pem"));
    const QString key = file(QStringLiteral("server.key"));
    struct Case { QStringList arguments; QString field; QString says; };
    const QList<Case> cases{
        {{QStringLiteral("--tls-cert"), cert}, QStringLiteral("tls-key"), QStringLiteral("go together")},
        {{QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key, QStringLiteral("--tls-min"), QStringLiteral("1.1")},
         QStringLiteral("tls-min"), QStringLiteral("1.2 or 1.3")},
        {{QStringLiteral("--tls-cert"), key, QStringLiteral("--tls-key"), key}, QStringLiteral("tls-cert"),
         QStringLiteral("no PEM certificate")},
        {{QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), cert}, QStringLiteral("tls-key"),
         QStringLiteral("no unencrypted PEM private key")},
        {{QStringLiteral("--tls-cert"), file(QStringLiteral("missing.pem")), QStringLiteral("--tls-key"), key},
         QStringLiteral("tls-cert"), QStringLiteral("cannot read")},
        {{QStringLiteral("--tls-client-ca"), cert}, QStringLiteral("tls-client-ca"), QStringLiteral("need --tls-cert")},
    };
    for (const Case &c : cases) {
        auto parsed = configFrom(c.arguments);
        QVERIFY2(!parsed, qPrintable(c.arguments.join(QLatin1Char(' '))));
        QCOMPARE(parsed.error().field, c.field);
        QVERIFY2(parsed.error().message.contains(c.says), qPrintable(parsed.error().message));
    }
    auto good = configFrom({QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key});
    QVERIFY2(good, good ? "" : qPrintable(good.error().message));
    QVERIFY(good->tls.enabled());
    QCOMPARE(good->tls.minimum, QSsl::TlsV1_2OrLater);
}

void tst_Tls::tls13IsNegotiated()
{
    QVERIFY(startWith({QStringLiteral("--tls-cert"), file(QStringLiteral("server.pem")), QStringLiteral("--tls-key"),
                       file(QStringLiteral("server.key"))}));
    QCOMPARE(m_server->url().scheme(), QStringLiteral("https"));
    // A client that offers everything from TLS 1.2 up gets TLS 1.3.
    QCOMPARE(handshake(QSsl::SecureProtocols, m_server->server().port()), int(QSsl::TlsV1_3));
    // And the API answers over it (QNetworkAccessManager, verifying the certificate).
    const Reply health = m_server->request("GET", QStringLiteral("/health"));
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    // Plain HTTP on the TLS port is not served.
    QTcpSocket plain;
    plain.connectToHost(QStringLiteral("127.0.0.1"), m_server->server().port());
    QVERIFY(plain.waitForConnected(5000));
    plain.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    eventually([&] { return plain.state() == QAbstractSocket::UnconnectedState; }, 5000);
    QVERIFY(!plain.readAll().startsWith("HTTP/1.1 200"));
    QVERIFY(m_server->server().failedTlsHandshakes() >= 1);
}

void tst_Tls::tls12AllowedUnlessMinimumIs13()
{
    QVERIFY(startWith({QStringLiteral("--tls-cert"), file(QStringLiteral("server.pem")), QStringLiteral("--tls-key"),
                       file(QStringLiteral("server.key"))}));
    QCOMPARE(handshake(QSsl::TlsV1_2, m_server->server().port()), int(QSsl::TlsV1_2));
    QVERIFY(startWith({QStringLiteral("--tls-cert"), file(QStringLiteral("server.pem")), QStringLiteral("--tls-key"),
                       file(QStringLiteral("server.key")), QStringLiteral("--tls-min"), QStringLiteral("1.3")}));
    QCOMPARE(handshake(QSsl::TlsV1_2, m_server->server().port()), -1);
    QCOMPARE(handshake(QSsl::TlsV1_3, m_server->server().port()), int(QSsl::TlsV1_3));
}

void tst_Tls::tls11IsRefused()
{
    QVERIFY(startWith({QStringLiteral("--tls-cert"), file(QStringLiteral("server.pem")), QStringLiteral("--tls-key"),
                       file(QStringLiteral("server.key"))}));
    // Qt no longer offers TLS 1.1 as a client; openssl does, at security level 0.
    const auto sClient = [&](const QString &version) {
        QProcess client;
        client.setProcessChannelMode(QProcess::MergedChannels);
        client.start(QStringLiteral("openssl"),
                     {QStringLiteral("s_client"), QStringLiteral("-connect"),
                      QStringLiteral("127.0.0.1:%1").arg(m_server->server().port()), version, QStringLiteral("-cipher"),
                      QStringLiteral("DEFAULT:@SECLEVEL=0")});
        client.closeWriteChannel();
        eventually([&] { return client.state() == QProcess::NotRunning; }, 15000);
        return QString::fromLocal8Bit(client.readAll());
    };
    const QString tls11 = sClient(QStringLiteral("-tls1_1"));
    QVERIFY2(tls11.contains(QLatin1String("Cipher is (NONE)")) && !tls11.contains(QLatin1String("New, TLSv1.1")),
             qPrintable(tls11));
    // The same client with TLS 1.2 is served: the refusal above is the version's.
    const QString tls12 = sClient(QStringLiteral("-tls1_2"));
    QVERIFY2(tls12.contains(QLatin1String("New, TLSv1.2, Cipher is ECDHE")), qPrintable(tls12));
}

void tst_Tls::webSocketOverTls()
{
    QVERIFY(startWith({QStringLiteral("--tls-cert"), file(QStringLiteral("server.pem")), QStringLiteral("--tls-key"),
                       file(QStringLiteral("server.key"))}));
    const QByteArray token = adminToken();
    QVERIFY(!token.isEmpty());
    QWebSocket socket;
    QSignalSpy messages(&socket, &QWebSocket::textMessageReceived);
    socket.open(QUrl(QStringLiteral("wss://127.0.0.1:%1/ws").arg(m_server->server().port())));
    QVERIFY(eventually([&] { return socket.state() == QAbstractSocket::ConnectedState; }, 10000));
    socket.sendTextMessage(QStringLiteral(R"({"type":"auth","token":"%1"})").arg(QString::fromLatin1(token)));
    QVERIFY(!Tests::nextMessageOfType(messages, QStringLiteral("welcome")).isEmpty());
    QCOMPARE(m_server->server().webSocketHub()->connectionCount(), 1);
}

void tst_Tls::refusedUploadIsAnsweredOverTls()
{
    // A body over the limit, still being sent when the server refuses it: the 413 must reach
    // the client (closing the TLS connection with unread bytes would reset it first).
    QVERIFY(startWith({QStringLiteral("--tls-cert"), file(QStringLiteral("server.pem")), QStringLiteral("--tls-key"),
                       file(QStringLiteral("server.key"))}));
    QSslSocket socket;
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_server->server().port());
    QVERIFY(eventually([&] { return socket.isEncrypted(); }, 10000));
    socket.write("POST /twins HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 "Content-Length: 8000000\r\n\r\n");
    QByteArray answer;
    const QByteArray chunk(64 * 1024, 'x');
    int sent = 0;
    eventually([&] {
        if (sent < 40 && socket.state() == QAbstractSocket::ConnectedState && socket.bytesToWrite() < 256 * 1024) {
            socket.write(chunk);
            ++sent;
        }
        answer += socket.readAll();
        return answer.contains("\r\n\r\n") && answer.contains("}");
    }, 15000);
    QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(200).constData());
    QVERIFY(answer.contains("payload_too_large") || answer.contains("limit"));
}

void tst_Tls::mutualTlsTiesTheCertificateToTheNode()
{
    QVERIFY(startWith({QStringLiteral("--tls-cert"), file(QStringLiteral("server.pem")), QStringLiteral("--tls-key"),
                       file(QStringLiteral("server.key")), QStringLiteral("--tls-client-ca"), file(QStringLiteral("ca.pem"))}));
    const quint16 port = m_server->server().port();
    // No client certificate: the handshake is refused, before any HTTP.
    QCOMPARE(handshake(QSsl::SecureProtocols, port), -1);

    // An admin (with a certificate of their own) makes a node and its API key.
    const auto makeClientCertificate = [&](const QString &name, const QString &commonName) {
        const QString script = QStringLiteral(
            "set -e; cd '%1'; openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '/CN=%3' "
            "-keyout %2.key -out %2.csr 2>/dev/null; printf 'extendedKeyUsage=clientAuth\\n' > %2.ext;"
            "openssl x509 -req -in %2.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile %2.ext "
            "-out %2.pem 2>/dev/null")
                                   .arg(m_dir.path(), name, commonName);
        QProcess openssl;
        openssl.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script});
        eventually([&] { return openssl.state() == QProcess::NotRunning; }, 30000);
        return openssl.exitCode() == 0;
    };
    QVERIFY(makeClientCertificate(QStringLiteral("engineer"), QStringLiteral("an engineer")));
    const auto useCertificate = [&](const QString &name) {
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setLocalCertificate(QSslCertificate::fromPath(file(name + QStringLiteral(".pem"))).value(0));
        QFile keyFile(file(name + QStringLiteral(".key")));
        keyFile.open(QIODevice::ReadOnly);
        config.setPrivateKey(QSslKey(&keyFile, QSsl::Ec));
        QSslConfiguration::setDefaultConfiguration(config);
    };
    useCertificate(QStringLiteral("engineer"));
    QNetworkAccessManager asEngineer;
    QCOMPARE(handshake(QSsl::SecureProtocols, port, file(QStringLiteral("engineer.pem")), file(QStringLiteral("engineer.key"))),
             int(QSsl::TlsV1_3));
    Tests::requestAt(asEngineer, m_server->url(), "POST", QStringLiteral("/auth/register"), {},
                     QJsonDocument(QJsonObject{{QStringLiteral("username"), QStringLiteral("mtls-admin")},
                                               {QStringLiteral("email"), QStringLiteral("mtls-admin@example.org")},
                                               {QStringLiteral("password"), QStringLiteral("correct horse battery")}})
                         .toJson());
    const Reply login = Tests::requestAt(asEngineer, m_server->url(), "POST", QStringLiteral("/auth/login"), {},
                                         QJsonDocument(QJsonObject{{QStringLiteral("username"), QStringLiteral("mtls-admin")},
                                                                   {QStringLiteral("password"), QStringLiteral("correct horse battery")}})
                                             .toJson());
    QCOMPARE(login.status, 200);
    const QByteArray admin = login.json.value(QStringLiteral("access_token")).toString().toLatin1();
    const auto makeNode = [&](const QString &name) {
        const Reply created = Tests::requestAt(
            asEngineer, m_server->url(), "POST", QStringLiteral("/nodes"), admin,
            QJsonDocument(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("type"), QStringLiteral("pump")},
                                      {QStringLiteral("latitude"), 47.37}, {QStringLiteral("longitude"), 8.54}})
                .toJson());
        const QString id = created.json.value(QStringLiteral("id")).toString();
        const Reply key = Tests::requestAt(asEngineer, m_server->url(), "POST", QStringLiteral("/nodes/%1/api-keys").arg(id),
                                           admin, QJsonDocument(QJsonObject{{QStringLiteral("name"), QStringLiteral("edge")}}).toJson());
        return qMakePair(id, key.json.value(QStringLiteral("key")).toString().toLatin1());
    };
    const auto [pump, pumpKey] = makeNode(QStringLiteral("pump-1"));
    const auto [fan, fanKey] = makeNode(QStringLiteral("fan-1"));
    QVERIFY(!pumpKey.isEmpty() && !fanKey.isEmpty());
    const auto ingest = [&](QNetworkAccessManager &network, const QString &node, const QByteArray &key) {
        const QJsonObject sample{{QStringLiteral("node_id"), node},
                                 {QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                                 {QStringLiteral("seq"), 1},
                                 {QStringLiteral("metrics"), QJsonObject{{QStringLiteral("temperature_c"), 41.5}}}};
        return Tests::requestAt(network, m_server->url(), "POST", QStringLiteral("/telemetry"), key,
                                QJsonDocument(sample).toJson());
    };
    // The engineer's certificate is trusted, but it does not name the pump: its key is refused.
    const Reply wrongName = ingest(asEngineer, pump, pumpKey);
    QCOMPARE(wrongName.status, 403);
    QVERIFY2(wrongName.body.contains("an engineer"), wrongName.body.constData());

    // The pump's own certificate (CN = its node id) with the pump's key is served ...
    QVERIFY(makeClientCertificate(QStringLiteral("pump"), pump));
    useCertificate(QStringLiteral("pump"));
    QNetworkAccessManager asPump;
    const Reply stored = ingest(asPump, pump, pumpKey);
    QCOMPARE(stored.status, 201);
    QCOMPARE(stored.json.value(QStringLiteral("stored")).toInt(), 1);
    // ... but the fan's key over the pump's certificate is not.
    QCOMPARE(ingest(asPump, fan, fanKey).status, 403);

    // A certificate from another CA is refused at the handshake.
    const QString otherCa = QStringLiteral(
        "set -e; cd '%1'; openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj '/CN=%2' -keyout stranger.key -out stranger.pem 2>/dev/null")
                                .arg(m_dir.path(), pump);
    QProcess openssl;
    openssl.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), otherCa});
    QVERIFY(eventually([&] { return openssl.state() == QProcess::NotRunning; }, 30000));
    QCOMPARE(handshake(QSsl::SecureProtocols, port, file(QStringLiteral("stranger.pem")), file(QStringLiteral("stranger.key"))),
             -1);
    QSslConfiguration::setDefaultConfiguration([&] {
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setLocalCertificateChain({});
        config.setPrivateKey(QSslKey());
        return config;
    }());
}

void tst_Tls::certificateExpiryIsExported()
{
    QVERIFY(startWith({QStringLiteral("--tls-cert"), file(QStringLiteral("server.pem")), QStringLiteral("--tls-key"),
                       file(QStringLiteral("server.key"))}));
    const Reply metrics = m_server->request("GET", QStringLiteral("/metrics"));
    QCOMPARE(metrics.status, 200);
    const qint64 expiry = QSslCertificate::fromPath(file(QStringLiteral("server.pem"))).value(0).expiryDate().toSecsSinceEpoch();
    QVERIFY2(metrics.body.contains("laces_tls_certificate_expiry_timestamp_seconds " + QByteArray::number(expiry)),
             metrics.body.right(600).constData());
    // 30 days from now, as openssl was told.
    QVERIFY(qAbs(expiry - QDateTime::currentSecsSinceEpoch() - 30 * 86400) < 3600);
}

QTEST_GUILESS_MAIN(tst_Tls)
#include "tst_tls.moc"

#include "alertdelivery.h"

#include "common/jsonutil.h"
#include "db/pgconnection.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>

#include <sodium.h>

#include <cmath>

Q_LOGGING_CATEGORY(lcAlerts, "laces.server.alerts")

namespace Laces::Server {

using Core::Error;

namespace {

bool publicAddress(const QHostAddress &address)
{
    if (address.isLoopback() || address.isNull() || address.isMulticast() || address.isBroadcast()
        || address.isLinkLocal() || address.isUniqueLocalUnicast() || address.isSiteLocal())
        return false;
    bool mapped = false;
    const quint32 v4 = address.toIPv4Address(&mapped);
    if (address.protocol() == QAbstractSocket::IPv4Protocol || mapped) {
        static const QList<QPair<quint32, int>> blocked{
            {0x00000000u, 8},  {0x0A000000u, 8},  {0x64400000u, 10}, {0x7F000000u, 8}, {0xA9FE0000u, 16},
            {0xAC100000u, 12}, {0xC0000000u, 24}, {0xC0A80000u, 16}, {0xC6120000u, 15}, {0xF0000000u, 4}};
        for (const auto &[network, bits] : blocked) {
            const quint32 mask = bits == 0 ? 0 : ~quint32(0) << (32 - bits);
            if ((v4 & mask) == network)
                return false;
        }
    }
    return true;
}

// Reads a whole HTTP/1.1 response's status line from a socket (the body is not needed).
int readStatus(QTcpSocket &socket, int timeoutMs, QString *error)
{
    QByteArray head;
    QElapsedTimer timer;
    timer.start();
    while (!head.contains("\r\n") && timer.elapsed() < timeoutMs) {
        if (!socket.bytesAvailable() && !socket.waitForReadyRead(int(std::max<qint64>(1, timeoutMs - timer.elapsed()))))
            break;
        head += socket.readAll();
    }
    const QList<QByteArray> parts = head.left(head.indexOf("\r\n")).split(' ');
    if (parts.size() < 2 || !parts.at(0).startsWith("HTTP/")) {
        *error = head.isEmpty() ? socket.errorString() : QStringLiteral("not an HTTP response");
        return 0;
    }
    return parts.at(1).toInt();
}

} // namespace

AlertDelivery::AlertDelivery(AlertDeliverySettings settings) : m_settings(std::move(settings)) {}

Core::Status AlertDelivery::checkWebhookUrl(const QUrl &url, bool allowPrivate)
{
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty())
        return Error::invalid(QStringLiteral("'url' must be an http or https URL"), QStringLiteral("url"));
    if (!url.userInfo().isEmpty())
        return Error::invalid(QStringLiteral("'url' must not carry a user name or password"), QStringLiteral("url"));
    if (allowPrivate)
        return Core::Ok{};
    QList<QHostAddress> addresses;
    QHostAddress literal;
    if (literal.setAddress(url.host())) {
        addresses.append(literal);
    } else {
        const QHostInfo info = QHostInfo::fromName(url.host());
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty())
            return Error::invalid(QStringLiteral("'url': the host %1 does not resolve").arg(url.host()), QStringLiteral("url"));
        addresses = info.addresses();
    }
    for (const QHostAddress &address : std::as_const(addresses)) {
        if (!publicAddress(address))
            return Error::invalid(QStringLiteral("'url' points to a loopback or private address (%1); "
                                                 "the server refuses those unless started with --alert-allow-private")
                                      .arg(address.toString()),
                                  QStringLiteral("url"));
    }
    return Core::Ok{};
}

QString AlertDelivery::newSecret()
{
    QByteArray key(24, Qt::Uninitialized);
    randombytes_buf(key.data(), size_t(key.size()));
    return QStringLiteral("whsec_") + QString::fromLatin1(key.toBase64());
}

QByteArray AlertDelivery::sign(const QString &secret, const QByteArray &id, qint64 timestampS, const QByteArray &body)
{
    const QByteArray key = QByteArray::fromBase64(secret.mid(secret.startsWith(QLatin1String("whsec_")) ? 6 : 0).toLatin1());
    const QByteArray content = id + '.' + QByteArray::number(timestampS) + '.' + body;
    return "v1," + QMessageAuthenticationCode::hash(content, key, QCryptographicHash::Sha256).toBase64();
}

AlertDelivery::Attempt AlertDelivery::postWebhook(const QUrl &url, const QString &secret, const QByteArray &messageId,
                                                  const QByteArray &body) const
{
    Attempt attempt;
    if (auto allowed = checkWebhookUrl(url, m_settings.allowPrivate); !allowed) {
        attempt.error = allowed.error().message;
        return attempt;
    }
    const bool tls = url.scheme() == QLatin1String("https");
    const quint16 port = quint16(url.port(tls ? 443 : 80));
    QSslSocket socket;
    if (tls)
        socket.connectToHostEncrypted(url.host(), port);
    else
        socket.connectToHost(url.host(), port);
    if (!(tls ? socket.waitForEncrypted(m_settings.timeoutMs) : socket.waitForConnected(m_settings.timeoutMs))) {
        attempt.error = socket.errorString();
        return attempt;
    }
    const qint64 timestamp = QDateTime::currentSecsSinceEpoch();
    QByteArray path = url.path(QUrl::FullyEncoded).toLatin1();
    if (path.isEmpty())
        path = "/";
    if (url.hasQuery())
        path += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    QByteArray request = "POST " + path + " HTTP/1.1\r\nHost: " + url.authority(QUrl::FullyEncoded).toLatin1()
                         + "\r\nUser-Agent: laces-server\r\nContent-Type: application/json\r\nContent-Length: "
                         + QByteArray::number(body.size()) + "\r\nConnection: close\r\nwebhook-id: " + messageId
                         + "\r\nwebhook-timestamp: " + QByteArray::number(timestamp) + "\r\n";
    if (!secret.isEmpty())
        request += "webhook-signature: " + sign(secret, messageId, timestamp, body) + "\r\n";
    request += "\r\n" + body;
    socket.write(request);
    if (!socket.waitForBytesWritten(m_settings.timeoutMs) && socket.bytesToWrite() > 0) {
        attempt.error = socket.errorString();
        return attempt;
    }
    attempt.statusCode = readStatus(socket, m_settings.timeoutMs, &attempt.error);
    attempt.ok = attempt.statusCode >= 200 && attempt.statusCode < 300;
    if (!attempt.ok && attempt.statusCode > 0)
        attempt.error = QStringLiteral("the receiver answered %1").arg(attempt.statusCode);
    socket.disconnectFromHost();
    return attempt;
}

AlertDelivery::Attempt AlertDelivery::sendMail(const QStringList &recipients, const QByteArray &messageId,
                                               const QString &subject, const QString &text) const
{
    Attempt attempt;
    if (m_settings.smtpUrl.isEmpty()) {
        attempt.error = QStringLiteral("no mail server: start laces-server with --smtp-url smtp://host:port");
        return attempt;
    }
    const QUrl smtp(m_settings.smtpUrl);
    QSslSocket socket;
    socket.connectToHost(smtp.host(), quint16(smtp.port(25)));
    if (!socket.waitForConnected(m_settings.timeoutMs)) {
        attempt.error = socket.errorString();
        return attempt;
    }
    // One SMTP reply (possibly multi-line: "250-…" lines, then "250 …"); its code.
    QByteArray reply;
    const auto readReply = [&]() -> int {
        reply.clear();
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < m_settings.timeoutMs) {
            while (socket.canReadLine()) {
                const QByteArray line = socket.readLine();
                reply += line;
                if (line.size() >= 4 && line.at(3) == ' ')
                    return line.left(3).toInt();
            }
            if (!socket.waitForReadyRead(m_settings.timeoutMs))
                break;
        }
        return 0;
    };
    const auto command = [&](const QByteArray &line, int expected) -> bool {
        socket.write(line + "\r\n");
        const int code = readReply();
        if (code / 100 != expected / 100) {
            attempt.statusCode = code;
            attempt.error = QStringLiteral("the mail server answered \"%1\" to %2")
                                .arg(QString::fromUtf8(reply.trimmed()), QString::fromLatin1(line.split(' ').first()));
            return false;
        }
        return true;
    };
    if (readReply() != 220) {
        attempt.error = QStringLiteral("the mail server did not greet: %1").arg(QString::fromUtf8(reply.trimmed()));
        return attempt;
    }
    const QByteArray hostName = QHostInfo::localHostName().toUtf8().isEmpty() ? QByteArray("laces")
                                                                               : QHostInfo::localHostName().toUtf8();
    if (!command("EHLO " + hostName, 250))
        return attempt;
    if (reply.contains("STARTTLS")) {
        if (!command("STARTTLS", 220))
            return attempt;
        socket.setPeerVerifyName(smtp.host());
        if (!m_settings.smtpCaCertificates.isEmpty()) {
            QSslConfiguration tls = socket.sslConfiguration();
            tls.addCaCertificates(m_settings.smtpCaCertificates);
            socket.setSslConfiguration(tls);
        }
        socket.startClientEncryption();
        if (!socket.waitForEncrypted(m_settings.timeoutMs)) {
            attempt.error = QStringLiteral("STARTTLS failed: %1").arg(socket.errorString());
            return attempt;
        }
        if (!command("EHLO " + hostName, 250))
            return attempt;
    }
    const QString from = m_settings.smtpFrom.isEmpty() ? QStringLiteral("laces@") + QString::fromUtf8(hostName)
                                                       : m_settings.smtpFrom;
    if (!command("MAIL FROM:<" + from.toUtf8() + ">", 250))
        return attempt;
    for (const QString &recipient : recipients) {
        if (!command("RCPT TO:<" + recipient.toUtf8() + ">", 250))
            return attempt;
    }
    if (!command("DATA", 354))
        return attempt;
    QByteArray message = "From: LACES Genesis <" + from.toUtf8() + ">\r\nTo: " + recipients.join(QStringLiteral(", ")).toUtf8()
                         + "\r\nSubject: =?UTF-8?B?" + subject.toUtf8().toBase64() + "?=\r\nDate: "
                         + QDateTime::currentDateTimeUtc().toString(Qt::RFC2822Date).toUtf8()
                         + "\r\nMessage-ID: <" + messageId + "@laces>\r\nMIME-Version: 1.0\r\n"
                         + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
    // Dot-stuffing (RFC 5321 §4.5.2) and CRLF line ends.
    for (QByteArray line : text.toUtf8().split('\n')) {
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.startsWith('.'))
            line.prepend('.');
        message += line + "\r\n";
    }
    socket.write(message);
    if (!command(".", 250))
        return attempt;
    command("QUIT", 221);
    attempt.ok = true;
    attempt.statusCode = 250;
    attempt.error.clear();
    return attempt;
}

Core::Result<int> AlertDelivery::deliverDue(PgConnection &db, int limit)
{
    int delivered = 0;
    for (int i = 0; i < limit; ++i) {
        Transaction transaction(db);
        if (!transaction.began())
            return transaction.began().error();
        auto due = db.exec("SELECT o.id, o.payload, o.attempts, c.kind, c.url, c.secret, to_json(c.recipients), "
                           "  extract(epoch FROM now() - o.created_at), c.name "
                           "FROM alert_outbox o JOIN alert_channels c ON c.id = o.channel_id "
                           "WHERE o.status = 'pending' AND o.next_attempt_at <= now() "
                           "ORDER BY o.next_attempt_at, o.id LIMIT 1 FOR UPDATE OF o SKIP LOCKED");
        if (!due)
            return due.error();
        if (due->rowCount() == 0)
            break;
        const QByteArray id = due->bytes(0, 0);
        const QByteArray messageId = "msg_laces_" + id;
        const QByteArray payload = due->bytes(0, 1);
        const int attempts = int(due->integer(0, 2)) + 1;
        const QString kind = due->text(0, 3);
        const QJsonObject alert = QJsonDocument::fromJson(payload).object();
        const QJsonObject ticket = alert.value(QStringLiteral("ticket")).toObject();
        const QString summary = QStringLiteral("[%1] #%2 %3")
                                    .arg(ticket.value(QStringLiteral("severity")).toString())
                                    .arg(ticket.value(QStringLiteral("number")).toInteger())
                                    .arg(ticket.value(QStringLiteral("title")).toString());
        // E-mail addresses, or the phone numbers an SMS gateway texts.
        QStringList recipients;
        for (const QJsonValue &recipient : QJsonDocument::fromJson(due->bytes(0, 6)).array())
            recipients.append(recipient.toString());
        QElapsedTimer timer;
        timer.start();
        Attempt attempt;
        if (kind == QLatin1String("email")) {
            QString text = summary + QStringLiteral("\n\nNode: ") + ticket.value(QStringLiteral("node_name")).toString()
                           + QStringLiteral("\nCause: ") + ticket.value(QStringLiteral("cause")).toString()
                           + QStringLiteral("\nStatus: ") + ticket.value(QStringLiteral("status")).toString()
                           + QStringLiteral("\nOccurrences: ")
                           + QString::number(ticket.value(QStringLiteral("occurrences")).toInt())
                           + QStringLiteral("\nOpened: ") + ticket.value(QStringLiteral("opened_at")).toString()
                           + QStringLiteral("\nReason for this message: ") + alert.value(QStringLiteral("type")).toString()
                           + QStringLiteral("\n\nEvidence:\n")
                           + QString::fromUtf8(QJsonDocument(ticket.value(QStringLiteral("evidence")).toObject())
                                                   .toJson(QJsonDocument::Indented));
            attempt = sendMail(recipients, messageId, summary, text);
        } else {
            QByteArray body = payload;
            if (kind == QLatin1String("sms")) {
                // The documented gateway body: who to text and what (160 characters).
                body = QJsonDocument(QJsonObject{{QStringLiteral("to"), QJsonArray::fromStringList(recipients)},
                                                 {QStringLiteral("text"), summary.left(160)},
                                                 {QStringLiteral("ticket_id"), ticket.value(QStringLiteral("id"))}})
                           .toJson(QJsonDocument::Compact);
            }
            attempt = postWebhook(QUrl(due->text(0, 4)), due->text(0, 5), messageId, body);
        }
        const double durationMs = double(timer.nsecsElapsed()) / 1e6;
        if (auto recorded = db.exec("INSERT INTO alert_attempts (outbox_id, ok, status_code, error, duration_ms) "
                                    "VALUES ($1, $2, $3, $4, $5)",
                                    {id, attempt.ok ? QByteArray("true") : QByteArray("false"),
                                     attempt.statusCode ? QByteArray::number(attempt.statusCode) : pgNull(),
                                     attempt.error.isEmpty() ? pgNull() : attempt.error.left(1000).toUtf8(),
                                     realParam(durationMs)});
            !recorded)
            return recorded.error();
        if (attempt.ok) {
            auto done = db.exec("UPDATE alert_outbox SET status = 'delivered', attempts = $2, delivered_at = now(), "
                                "last_error = NULL WHERE id = $1",
                                {id, QByteArray::number(attempts)});
            if (!done)
                return done.error();
            ++delivered;
        } else {
            // Exponential backoff with ±25 % jitter, at most an hour; given up after the
            // documented time since the alert was queued.
            const double base = std::min(3600.0, m_settings.firstRetryS * std::pow(2.0, attempts - 1));
            const double delayS = base * (0.75 + 0.5 * QRandomGenerator::global()->generateDouble());
            const bool giveUp = due->real(0, 7) + delayS > m_settings.giveUpAfterS;
            auto failed = db.exec("UPDATE alert_outbox SET attempts = $2, last_error = $3, "
                                  "status = CASE WHEN $4 THEN 'given_up' ELSE 'pending' END, "
                                  "next_attempt_at = now() + make_interval(secs => $5) WHERE id = $1",
                                  {id, QByteArray::number(attempts), attempt.error.left(1000).toUtf8(),
                                   giveUp ? QByteArray("true") : QByteArray("false"), realParam(delayS)});
            if (!failed)
                return failed.error();
            qCWarning(lcAlerts).noquote() << "alert" << id << "to" << due->text(0, 8) << "failed (attempt" << attempts
                                          << "):" << attempt.error << (giveUp ? "- given up" : "");
        }
        if (auto committed = transaction.commit(); !committed)
            return committed.error();
    }
    return delivered;
}

} // namespace Laces::Server

#pragma once

#include "result.h"

#include <QString>
#include <QUrl>

#include <QList>
#include <QSslCertificate>

namespace Laces::Server {

class PgConnection;

struct AlertDeliverySettings
{
    QString smtpUrl;            // smtp://host:port; empty: e-mail channels wait (and say so)
    QString smtpFrom;           // empty: laces@<host name>
    QList<QSslCertificate> smtpCaCertificates;  // --smtp-ca-file: trusted for STARTTLS besides the system's
    bool allowPrivate = false;  // webhooks to loopback/private addresses (tests, closed networks)
    int timeoutMs = 10000;      // per attempt
    int giveUpAfterS = 24 * 3600;  // an alert still failing this long after it was queued is given up
    int firstRetryS = 10;       // then doubling (with ±25 % jitter), at most an hour apart
};

// Sends what the alert outbox holds, from any instance: rows are claimed with FOR UPDATE
// SKIP LOCKED, each attempt is recorded in alert_attempts, successes are never sent
// again, failures are retried with exponential backoff and jitter until giveUpAfterS.
// Delivery is at least once: a crash after a receiver accepted but before COMMIT sends
// again with the same webhook-id / Message-ID, by which receivers recognise it.
//
// Webhooks (and SMS through a gateway's webhook) are signed the Standard Webhooks way:
// headers webhook-id, webhook-timestamp and webhook-signature "v1,<base64 HMAC-SHA256 of
// id.timestamp.body>" keyed with the base64 part of the channel's "whsec_…" secret.
class AlertDelivery
{
public:
    explicit AlertDelivery(AlertDeliverySettings settings);

    // Sends every due alert (at most `limit`); answers how many were delivered.
    Core::Result<int> deliverDue(PgConnection &db, int limit = 50);

    // Refuses URLs that are not http(s), and — unless allowed — hosts that are or resolve
    // to loopback, private, link-local or otherwise non-public addresses.
    static Core::Status checkWebhookUrl(const QUrl &url, bool allowPrivate);
    // A new signing secret, "whsec_" + base64 of 24 random bytes.
    static QString newSecret();
    // The Standard Webhooks signature of `body` for message `id` at `timestampS`.
    static QByteArray sign(const QString &secret, const QByteArray &id, qint64 timestampS, const QByteArray &body);

private:
    struct Attempt
    {
        bool ok = false;
        int statusCode = 0;
        QString error;
    };
    Attempt postWebhook(const QUrl &url, const QString &secret, const QByteArray &messageId, const QByteArray &body) const;
    Attempt sendMail(const QStringList &recipients, const QByteArray &messageId, const QString &subject,
                     const QString &text) const;

    AlertDeliverySettings m_settings;
};

} // namespace Laces::Server

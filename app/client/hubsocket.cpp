#include "hubsocket.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QWebSocket>

Q_LOGGING_CATEGORY(lcHub, "laces.app.hub")

namespace Laces::App {

HubSocket::HubSocket(const QUrl &serverUrl, QByteArray token, QObject *parent)
    : QObject(parent)
    , m_url(serverUrl)
    , m_token(std::move(token))
{
    m_url.setScheme(serverUrl.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    m_url.setPath(QStringLiteral("/ws"));
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &HubSocket::open);
}

HubSocket::~HubSocket()
{
    m_stopping = true;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->close();
    }
}

void HubSocket::open()
{
    if (m_socket)
        m_socket->deleteLater();
    m_welcomed = false;
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    connect(m_socket, &QWebSocket::connected, this, [this] {
        send({{QStringLiteral("type"), QStringLiteral("auth")}, {QStringLiteral("token"), QString::fromLatin1(m_token)}});
    });
    connect(m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
        const QString type = message.value(QStringLiteral("type")).toString();
        if (type == QLatin1String("welcome")) {
            m_welcomed = true;
            emit welcomed();
        } else if (type == QLatin1String("error")) {
            qCWarning(lcHub).noquote() << "hub:" << message.value(QStringLiteral("message")).toString();
            emit this->message(message, type);
        } else if (type != QLatin1String("pong")) {
            emit this->message(message, type);
        }
    });
    connect(m_socket, &QWebSocket::disconnected, this, [this] {
        if (m_stopping)
            return;
        const bool wasWelcomed = m_welcomed;
        m_welcomed = false;
        if (wasWelcomed)
            emit lost();
        qCInfo(lcHub) << "connection lost; reconnecting in" << m_retryMs << "ms";
        m_reconnect.start(m_retryMs);
        m_retryMs = std::min(m_retryMs * 2, 30000);
    });
    m_socket->open(m_url);
}

void HubSocket::send(const QJsonObject &message)
{
    if (m_socket)
        m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

} // namespace Laces::App

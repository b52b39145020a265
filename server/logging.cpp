#include "logging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <atomic>
#include <cstdio>

namespace Laces::Server {

namespace {

std::atomic<bool> g_json{false};

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return "debug";
    case QtInfoMsg: return "info";
    case QtWarningMsg: return "warning";
    case QtCriticalMsg: return "error";
    case QtFatalMsg: return "fatal";
    }
    return "info";
}

void writeLine(const QByteArray &line)
{
    // One fwrite per line: lines from worker threads do not interleave.
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

QByteArray jsonLine(QtMsgType type, const char *category, const QString &message, const LogFields &fields)
{
    QJsonObject object{{QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                       {QStringLiteral("level"), QLatin1String(levelName(type))},
                       {QStringLiteral("category"), QLatin1String(category ? category : "default")},
                       {QStringLiteral("msg"), message}};
    for (const auto &[name, value] : fields)
        object.insert(name, value);
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (g_json) {
        writeLine(jsonLine(type, context.category, message, {}));
        return;
    }
    writeLine(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8() + ' ' + levelName(type) + ' '
              + (context.category ? context.category : "default") + ' ' + message.toUtf8() + '\n');
}

QString logfmtValue(const QJsonValue &value)
{
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 12);
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isNull() || value.isUndefined())
        return QStringLiteral("-");
    const QString text = value.toString();
    if (text.isEmpty())
        return QStringLiteral("-");
    const bool plain = std::none_of(text.cbegin(), text.cend(), [](QChar c) {
        return c.isSpace() || c == QLatin1Char('"') || c == QLatin1Char('=');
    });
    if (plain)
        return text;
    QString quoted = text;
    quoted.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('"'), QLatin1String("\\\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

} // namespace

void installLogHandler(bool json)
{
    g_json = json;
    QLoggingCategory::setFilterRules(QStringLiteral("*.debug=false\nlaces.*.info=true"));
    qInstallMessageHandler(handler);
}

bool jsonLogs()
{
    return g_json;
}

void logEvent(const QLoggingCategory &category, QtMsgType type, const QString &message, const LogFields &fields)
{
    if (!category.isEnabled(type))
        return;
    if (g_json) {
        writeLine(jsonLine(type, category.categoryName(), message, fields));
        return;
    }
    QString line = message;
    for (const auto &[name, value] : fields)
        line += QLatin1Char(' ') + name + QLatin1Char('=') + logfmtValue(value);
    if (type == QtWarningMsg)
        qCWarning(category).noquote() << line;
    else if (type == QtCriticalMsg || type == QtFatalMsg)
        qCCritical(category).noquote() << line;
    else
        qCInfo(category).noquote() << line;
}

} // namespace Laces::Server

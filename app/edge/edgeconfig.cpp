#include "edgeconfig.h"

#include "telemetry/metricnames.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>

#include <cmath>

namespace Laces::Edge {

using Core::Error;
namespace Metrics = Core::TelemetryMetrics;

QString Condition::metricName() const
{
    return metric >= 0 ? QString::fromLatin1(Metrics::all().at(metric).name) : QString();
}

QString Condition::text() const
{
    QString text = metricName() + (above ? QLatin1Char('>') : QLatin1Char('<')) + QString::number(limit, 'g', 12);
    if (count > 1)
        text += QStringLiteral(" for %1").arg(count);
    return text;
}

Core::Result<Condition> EdgeConfig::parseCondition(const QString &text)
{
    static const QRegularExpression pattern(
        QStringLiteral(R"(^\s*([a-z_0-9]+)\s*([<>])\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(?:for\s+([0-9]+))?\s*$)"));
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return Error::invalid(QStringLiteral("'%1' is not a condition like 'temperature_c>95' or 'pressure_bar<1.5 for 5'").arg(text));
    Condition condition;
    condition.metric = Metrics::indexOf(match.captured(1));
    if (condition.metric < 0)
        return Error::invalid(QStringLiteral("'%1': unknown metric '%2'; known: %3").arg(text, match.captured(1), Metrics::names()));
    condition.above = match.captured(2) == QLatin1String(">");
    condition.limit = match.captured(3).toDouble();
    if (!match.captured(4).isEmpty()) {
        bool ok = false;
        condition.count = match.captured(4).toInt(&ok);
        if (!ok || condition.count < 1 || condition.count > 1000000)
            return Error::invalid(QStringLiteral("'%1': 'for N' must be from 1 to 1000000 samples").arg(text));
    }
    return condition;
}

Core::Result<ControlRule> EdgeConfig::parseRule(const QString &text)
{
    const qsizetype arrow = text.indexOf(QStringLiteral("->"));
    if (arrow < 0)
        return Error::invalid(QStringLiteral("rule '%1' needs '-> mqtt:TOPIC [PAYLOAD]' or '-> exec:COMMAND'").arg(text));
    auto condition = parseCondition(text.left(arrow));
    if (!condition)
        return Error::invalid(QStringLiteral("rule '%1': %2").arg(text, condition.error().message));
    ControlRule rule;
    rule.condition = *condition;
    rule.text = text.simplified();
    const QString action = text.mid(arrow + 2).trimmed();
    if (action.startsWith(QLatin1String("mqtt:"))) {
        const QString rest = action.mid(5).trimmed();
        const qsizetype space = rest.indexOf(QLatin1Char(' '));
        rule.action = ControlRule::Action::Mqtt;
        rule.topic = space < 0 ? rest : rest.left(space);
        rule.payload = space < 0 ? QByteArray() : rest.mid(space + 1).trimmed().toUtf8();
        if (rule.topic.isEmpty() || rule.topic.contains(QLatin1Char('#')) || rule.topic.contains(QLatin1Char('+')))
            return Error::invalid(QStringLiteral("rule '%1': 'mqtt:' needs a topic without wildcards").arg(text));
    } else if (action.startsWith(QLatin1String("exec:"))) {
        rule.action = ControlRule::Action::Exec;
        rule.command = QProcess::splitCommand(action.mid(5).trimmed());
        if (rule.command.isEmpty())
            return Error::invalid(QStringLiteral("rule '%1': 'exec:' needs a command").arg(text));
    } else {
        return Error::invalid(QStringLiteral("rule '%1': the action must start with 'mqtt:' or 'exec:'").arg(text));
    }
    return rule;
}

InputKind EdgeConfig::inputKind() const
{
    if (input.startsWith(QLatin1String("file:")))
        return InputKind::File;
    if (input.startsWith(QLatin1String("mqtt://")))
        return InputKind::Mqtt;
    if (input == QLatin1String("simulate"))
        return InputKind::Simulate;
    return InputKind::Stdin;
}

QString EdgeConfig::inputPath() const
{
    return input.mid(5);
}

static QUrl mqttUrl(const EdgeConfig &config)
{
    return QUrl(config.inputKind() == InputKind::Mqtt ? config.input : config.mqttBroker);
}

QString EdgeConfig::mqttHost() const
{
    return mqttUrl(*this).host();
}

int EdgeConfig::mqttPort() const
{
    return mqttUrl(*this).port(1883);
}

QString EdgeConfig::mqttTopic() const
{
    const QString path = QUrl(input).path(QUrl::FullyDecoded);
    return path.startsWith(QLatin1Char('/')) ? path.mid(1) : path;
}

const QStringList &EdgeConfig::keys()
{
    static const QStringList keys{
        QStringLiteral("server"),        QStringLiteral("node"),          QStringLiteral("key-file"),
        QStringLiteral("buffer"),        QStringLiteral("input"),         QStringLiteral("batch-s"),
        QStringLiteral("max-batch-s"),   QStringLiteral("max-buffer-mb"), QStringLiteral("on-full"),
        QStringLiteral("upload-rows"),   QStringLiteral("ca-file"),       QStringLiteral("cert"),
        QStringLiteral("key"),           QStringLiteral("mqtt-payload"),  QStringLiteral("mqtt-metric"),
        QStringLiteral("mqtt-client-id"), QStringLiteral("mqtt-broker"),  QStringLiteral("limit"),
        QStringLiteral("rule"),          QStringLiteral("alert-command"), QStringLiteral("alert-topic"),
        QStringLiteral("events"),        QStringLiteral("model"),         QStringLiteral("model-refresh-s"),
        QStringLiteral("simulate-hz"),   QStringLiteral("simulate-metrics"), QStringLiteral("simulate-warming"),
        QStringLiteral("metrics-listen"), QStringLiteral("exit-when-drained"), QStringLiteral("flush-ms"),
    };
    return keys;
}

static Core::Result<double> number(const QString &key, const QString &value, double min, double max)
{
    bool ok = false;
    const double parsed = value.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(parsed) || parsed < min || parsed > max)
        return Error::invalid(QStringLiteral("%1 must be a number from %2 to %3, not '%4'").arg(key).arg(min).arg(max).arg(value), key);
    return parsed;
}

static Core::Result<bool> boolean(const QString &key, const QString &value)
{
    const QString v = value.trimmed().toLower();
    if (v == QLatin1String("true") || v == QLatin1String("yes") || v == QLatin1String("on") || v == QLatin1String("1"))
        return true;
    if (v == QLatin1String("false") || v == QLatin1String("no") || v == QLatin1String("off") || v == QLatin1String("0"))
        return false;
    return Error::invalid(QStringLiteral("%1 must be true or false, not '%2'").arg(key, value), key);
}

Core::Status EdgeConfig::set(const QString &key, const QString &value)
{
    const auto setNumber = [&](double *target, double min, double max) -> Core::Status {
        auto parsed = number(key, value, min, max);
        if (!parsed)
            return parsed.error();
        *target = *parsed;
        return Core::Ok{};
    };
    if (key == QLatin1String("server")) {
        server = QUrl(value.trimmed());
        if (!server.isValid() || (server.scheme() != QLatin1String("http") && server.scheme() != QLatin1String("https"))
            || server.host().isEmpty())
            return Error::invalid(QStringLiteral("server must be an http:// or https:// URL, not '%1'").arg(value), key);
    } else if (key == QLatin1String("node")) {
        node = QUuid::fromString(value.trimmed());
        if (node.isNull())
            return Error::invalid(QStringLiteral("node must be the node's id (a UUID), not '%1'").arg(value), key);
    } else if (key == QLatin1String("key-file")) {
        keyFile = value.trimmed();
    } else if (key == QLatin1String("buffer")) {
        buffer = value.trimmed();
    } else if (key == QLatin1String("input")) {
        const QString v = value.trimmed();
        if (v != QLatin1String("stdin") && v != QLatin1String("simulate") && !(v.startsWith(QLatin1String("file:")) && v.size() > 5)
            && !v.startsWith(QLatin1String("mqtt://")))
            return Error::invalid(QStringLiteral("input must be stdin, file:PATH, mqtt://HOST:PORT/TOPIC or simulate, not '%1'").arg(v), key);
        if (v.startsWith(QLatin1String("mqtt://"))) {
            const QUrl url(v);
            if (!url.isValid() || url.host().isEmpty() || url.path().size() < 2)
                return Error::invalid(QStringLiteral("input %1: an MQTT input is mqtt://HOST:PORT/TOPIC").arg(v), key);
        }
        input = v;
    } else if (key == QLatin1String("batch-s")) {
        return setNumber(&batchS, 0.01, 86400);
    } else if (key == QLatin1String("max-batch-s")) {
        return setNumber(&maxBatchS, 0.01, 86400);
    } else if (key == QLatin1String("max-buffer-mb")) {
        return setNumber(&maxBufferMb, 0.001, 1024 * 1024);
    } else if (key == QLatin1String("on-full")) {
        if (value.trimmed() == QLatin1String("reject-new"))
            onFull = OnFull::RejectNew;
        else if (value.trimmed() == QLatin1String("drop-oldest"))
            onFull = OnFull::DropOldest;
        else
            return Error::invalid(QStringLiteral("on-full must be reject-new or drop-oldest, not '%1'").arg(value), key);
    } else if (key == QLatin1String("upload-rows")) {
        double rows = 0;
        if (auto ok = setNumber(&rows, 1, 100000); !ok)
            return ok;
        uploadRows = int(rows);
    } else if (key == QLatin1String("ca-file")) {
        caFile = value.trimmed();
    } else if (key == QLatin1String("cert")) {
        certFile = value.trimmed();
    } else if (key == QLatin1String("key")) {
        keyFileTls = value.trimmed();
    } else if (key == QLatin1String("mqtt-payload")) {
        if (value.trimmed() != QLatin1String("json") && value.trimmed() != QLatin1String("value"))
            return Error::invalid(QStringLiteral("mqtt-payload must be json or value, not '%1'").arg(value), key);
        mqttPayload = value.trimmed();
    } else if (key == QLatin1String("mqtt-metric")) {
        if (Metrics::indexOf(value.trimmed()) < 0)
            return Error::invalid(QStringLiteral("mqtt-metric: unknown metric '%1'; known: %2").arg(value, Metrics::names()), key);
        mqttMetric = value.trimmed();
    } else if (key == QLatin1String("mqtt-client-id")) {
        mqttClientId = value.trimmed();
    } else if (key == QLatin1String("mqtt-broker")) {
        const QUrl url(value.trimmed());
        if (url.scheme() != QLatin1String("mqtt") || url.host().isEmpty())
            return Error::invalid(QStringLiteral("mqtt-broker must be mqtt://HOST:PORT, not '%1'").arg(value), key);
        mqttBroker = value.trimmed();
    } else if (key == QLatin1String("limit")) {
        auto condition = parseCondition(value);
        if (!condition)
            return Error::invalid(QStringLiteral("limit: %1").arg(condition.error().message), key);
        limits.append(*condition);
    } else if (key == QLatin1String("rule")) {
        auto rule = parseRule(value);
        if (!rule)
            return Error::invalid(rule.error().message, key);
        rules.append(*rule);
    } else if (key == QLatin1String("alert-command")) {
        alertCommand = value.trimmed();
    } else if (key == QLatin1String("alert-topic")) {
        alertTopic = value.trimmed();
    } else if (key == QLatin1String("events")) {
        const QString v = value.trimmed();
        if (v == QLatin1String("offline"))
            events = EventPolicy::Offline;
        else if (v == QLatin1String("always"))
            events = EventPolicy::Always;
        else if (v == QLatin1String("never"))
            events = EventPolicy::Never;
        else
            return Error::invalid(QStringLiteral("events must be offline, always or never, not '%1'").arg(v), key);
    } else if (key == QLatin1String("model")) {
        auto parsed = boolean(key, value);
        if (!parsed)
            return parsed.error();
        model = *parsed;
    } else if (key == QLatin1String("model-refresh-s")) {
        return setNumber(&modelRefreshS, 1, 86400 * 7);
    } else if (key == QLatin1String("simulate-hz")) {
        return setNumber(&simulateHz, 0.001, 100000);
    } else if (key == QLatin1String("simulate-metrics")) {
        QStringList names = value.split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (QString &name : names) {
            name = name.trimmed();
            if (Metrics::indexOf(name) < 0)
                return Error::invalid(QStringLiteral("simulate-metrics: unknown metric '%1'; known: %2").arg(name, Metrics::names()), key);
        }
        if (names.isEmpty())
            return Error::invalid(QStringLiteral("simulate-metrics names no metric"), key);
        simulateMetrics = names;
    } else if (key == QLatin1String("simulate-warming")) {
        return setNumber(&simulateWarmingPerH, -1000, 1000);
    } else if (key == QLatin1String("metrics-listen")) {
        const QString v = value.trimmed();
        const qsizetype colon = v.lastIndexOf(QLatin1Char(':'));
        bool ok = false;
        const int port = colon < 0 ? 0 : v.mid(colon + 1).toInt(&ok);
        if (!v.isEmpty() && (!ok || port < 1 || port > 65535))
            return Error::invalid(QStringLiteral("metrics-listen must be HOST:PORT (e.g. 127.0.0.1:9469), not '%1'").arg(v), key);
        metricsListen = v;
    } else if (key == QLatin1String("exit-when-drained")) {
        auto parsed = boolean(key, value);
        if (!parsed)
            return parsed.error();
        exitWhenDrained = *parsed;
    } else if (key == QLatin1String("flush-ms")) {
        return setNumber(&flushMs, 0, 10000);
    } else {
        return Error::invalid(QStringLiteral("unknown key '%1'; known: %2").arg(key, keys().join(QStringLiteral(", "))), key);
    }
    return Core::Ok{};
}

Core::Status EdgeConfig::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::invalid(QStringLiteral("cannot read the config file %1: %2").arg(path, file.errorString()), QStringLiteral("config"));
    const QByteArray bytes = file.readAll();
    if (bytes.trimmed().startsWith('{')) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
        if (!document.isObject())
            return Error::invalid(QStringLiteral("%1: not a JSON object (%2 at offset %3)")
                                      .arg(path, parseError.errorString()).arg(parseError.offset),
                                  QStringLiteral("config"));
        const QJsonObject object = document.object();
        for (auto it = object.begin(); it != object.end(); ++it) {
            QList<QJsonValue> values;
            if (it->isArray()) {
                for (const QJsonValue &v : it->toArray())
                    values.append(v);
            } else {
                values.append(*it);
            }
            for (const QJsonValue &v : std::as_const(values)) {
                QString text;
                if (v.isString())
                    text = v.toString();
                else if (v.isDouble())
                    text = QString::number(v.toDouble(), 'g', 17);
                else if (v.isBool())
                    text = v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
                else
                    return Error::invalid(QStringLiteral("%1: '%2' must be a string, number, boolean or a list of them").arg(path, it.key()),
                                          it.key());
                if (auto ok = set(it.key(), text); !ok)
                    return Error::invalid(QStringLiteral("%1: %2").arg(path, ok.error().message), it.key());
            }
        }
        return Core::Ok{};
    }
    const QList<QByteArray> lines = bytes.split('\n');
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = QString::fromUtf8(lines.at(i)).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')) || line.startsWith(QLatin1Char(';'))
            || (line.startsWith(QLatin1Char('[')) && line.endsWith(QLatin1Char(']'))))
            continue;
        const qsizetype equals = line.indexOf(QLatin1Char('='));
        if (equals <= 0)
            return Error::invalid(QStringLiteral("%1 line %2: expected 'key = value'").arg(path).arg(i + 1), QStringLiteral("config"));
        QString value = line.mid(equals + 1).trimmed();
        if (value.size() >= 2 && value.startsWith(QLatin1Char('"')) && value.endsWith(QLatin1Char('"')))
            value = value.mid(1, value.size() - 2);
        if (auto ok = set(line.left(equals).trimmed(), value); !ok)
            return Error::invalid(QStringLiteral("%1 line %2: %3").arg(path).arg(i + 1).arg(ok.error().message), ok.error().field);
    }
    return Core::Ok{};
}

Core::Status EdgeConfig::check() const
{
    if (server.isEmpty())
        return Error::invalid(QStringLiteral("--server URL is needed (the LACES server the samples go to)"), QStringLiteral("server"));
    if (node.isNull())
        return Error::invalid(QStringLiteral("--node ID is needed (the machine node these samples are of)"), QStringLiteral("node"));
    if (keyFile.isEmpty())
        return Error::invalid(QStringLiteral("--key-file FILE is needed (the node's API key, from POST /nodes/{id}/api-keys)"),
                              QStringLiteral("key-file"));
    if (maxBatchS < batchS)
        return Error::invalid(QStringLiteral("--max-batch-s (%1) must not be below --batch-s (%2)").arg(maxBatchS).arg(batchS),
                              QStringLiteral("max-batch-s"));
    if (certFile.isEmpty() != keyFileTls.isEmpty())
        return Error::invalid(QStringLiteral("--cert and --key go together (a client certificate and its private key)"), QStringLiteral("cert"));
    const bool needsBroker = !rules.isEmpty() || !alertTopic.isEmpty();
    bool mqttRule = !alertTopic.isEmpty();
    for (const ControlRule &rule : rules)
        mqttRule = mqttRule || rule.action == ControlRule::Action::Mqtt;
    if (needsBroker && mqttRule && inputKind() != InputKind::Mqtt && mqttBroker.isEmpty())
        return Error::invalid(QStringLiteral("rules or alerts that publish on MQTT need --mqtt-broker mqtt://HOST:PORT (or an MQTT input)"),
                              QStringLiteral("mqtt-broker"));
    return Core::Ok{};
}

} // namespace Laces::Edge

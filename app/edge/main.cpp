#include "edgeagent.h"
#include "edgebuffer.h"
#include "edgeconfig.h"

#include "process/shutdownsignals.h"
#include "version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QTimer>

#include <csignal>
#include <signal.h>
#include <cstdio>

using namespace Laces;

namespace {

const QHash<QString, QPair<QString, QString>> &optionHelp()
{
    // key → (value name, description)
    static const QHash<QString, QPair<QString, QString>> help{
        {QStringLiteral("server"), {QStringLiteral("URL"), QStringLiteral("The LACES server, e.g. https://laces.example.com.")}},
        {QStringLiteral("node"), {QStringLiteral("ID"), QStringLiteral("The machine node these samples are of (its UUID).")}},
        {QStringLiteral("key-file"), {QStringLiteral("FILE"), QStringLiteral("A file holding the node's API key (lk_…).")}},
        {QStringLiteral("buffer"), {QStringLiteral("PATH"), QStringLiteral("The SQLite buffer file (default /var/lib/laces-edge/buffer.db).")}},
        {QStringLiteral("input"), {QStringLiteral("SOURCE"), QStringLiteral("stdin, file:PATH (followed like tail -F), mqtt://HOST:PORT/TOPIC or simulate.")}},
        {QStringLiteral("batch-s"), {QStringLiteral("S"), QStringLiteral("Upload every S seconds (default 30).")}},
        {QStringLiteral("max-batch-s"), {QStringLiteral("S"), QStringLiteral("At most S seconds between uploads when the uplink is slow or down (default 300).")}},
        {QStringLiteral("max-buffer-mb"), {QStringLiteral("MB"), QStringLiteral("The buffer's limit (default 256).")}},
        {QStringLiteral("on-full"), {QStringLiteral("POLICY"), QStringLiteral("When the buffer is full: drop-oldest (default) or reject-new.")}},
        {QStringLiteral("upload-rows"), {QStringLiteral("N"), QStringLiteral("Samples per upload (default 5000).")}},
        {QStringLiteral("ca-file"), {QStringLiteral("FILE"), QStringLiteral("PEM certificates trusted for the server besides the system's.")}},
        {QStringLiteral("cert"), {QStringLiteral("FILE"), QStringLiteral("A client certificate (PEM) for servers that require mutual TLS.")}},
        {QStringLiteral("key"), {QStringLiteral("FILE"), QStringLiteral("The client certificate's private key (PEM).")}},
        {QStringLiteral("mqtt-payload"), {QStringLiteral("FORM"), QStringLiteral("MQTT payloads: json (as a JSON line) or value (a number; the topic's last level names the metric).")}},
        {QStringLiteral("mqtt-metric"), {QStringLiteral("METRIC"), QStringLiteral("For value payloads: the metric, whatever the topic.")}},
        {QStringLiteral("mqtt-client-id"), {QStringLiteral("ID"), QStringLiteral("The MQTT client id of the persistent session (default laces-edge-<node>).")}},
        {QStringLiteral("mqtt-broker"), {QStringLiteral("URL"), QStringLiteral("mqtt://HOST:PORT for rules and alerts when the input is not MQTT.")}},
        {QStringLiteral("limit"), {QStringLiteral("CONDITION"), QStringLiteral("A local alert, e.g. 'temperature_c>95' or 'pressure_bar<1.5 for 5' (repeatable).")}},
        {QStringLiteral("rule"), {QStringLiteral("RULE"), QStringLiteral("A control rule, e.g. 'temperature_c>95 for 3 -> mqtt:plant/pump/stop STOP' or '… -> exec:/usr/local/bin/horn' (repeatable).")}},
        {QStringLiteral("alert-command"), {QStringLiteral("COMMAND"), QStringLiteral("Run on each local alert (sh -c; LACES_ALERT_KIND, _MESSAGE, _TIME set).")}},
        {QStringLiteral("alert-topic"), {QStringLiteral("TOPIC"), QStringLiteral("Publish each local alert as JSON on this MQTT topic.")}},
        {QStringLiteral("events"), {QStringLiteral("WHEN"), QStringLiteral("Send local alerts to the server as events: offline (default: those raised while the uplink was down), always or never.")}},
        {QStringLiteral("model"), {QStringLiteral("BOOL"), QStringLiteral("Download and score with the node's anomaly model (default true).")}},
        {QStringLiteral("model-refresh-s"), {QStringLiteral("S"), QStringLiteral("Look for a new model every S seconds (default 300).")}},
        {QStringLiteral("simulate-hz"), {QStringLiteral("HZ"), QStringLiteral("Samples per second of the simulator (default 1).")}},
        {QStringLiteral("simulate-metrics"), {QStringLiteral("LIST"), QStringLiteral("The simulator's metrics, comma-separated.")}},
        {QStringLiteral("simulate-warming"), {QStringLiteral("C_PER_H"), QStringLiteral("The simulator's temperatures rise this much an hour (a failing part).")}},
        {QStringLiteral("metrics-listen"), {QStringLiteral("HOST:PORT"), QStringLiteral("Serve Prometheus metrics at http://HOST:PORT/metrics (off by default).")}},
        {QStringLiteral("exit-when-drained"), {QString(), QStringLiteral("Exit once the input ended and the server stored everything.")}},
        {QStringLiteral("flush-ms"), {QStringLiteral("MS"), QStringLiteral("The longest a sample waits for its commit (default 20).")}},
    };
    return help;
}

int fail(const QString &message, int code = 2)
{
    std::fprintf(stderr, "laces-edge: %s\n", message.toLocal8Bit().constData());
    return code;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("laces-edge"));
    QCoreApplication::setApplicationVersion(Core::productVersion());
    std::signal(SIGPIPE, SIG_IGN);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The LACES edge agent: keeps every sensor sample in a local buffer until the server has stored it, "
        "and watches the machine while offline.\n\n"
        "  laces-edge run [--config FILE] [options]   read the input, buffer, upload\n"
        "  laces-edge status --buffer PATH            the buffer's state as JSON"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("run or status"));
    parser.addOption({QStringLiteral("config"), QStringLiteral("An INI or JSON file of the options below (the command line wins)."), QStringLiteral("FILE")});
    for (const QString &key : Edge::EdgeConfig::keys()) {
        const auto help = optionHelp().value(key);
        if (help.first.isEmpty())
            parser.addOption({key, help.second});
        else
            parser.addOption({key, help.second, help.first});
    }
    parser.process(app);

    const QStringList positional = parser.positionalArguments();
    const QString command = positional.value(0);
    if (positional.size() != 1 || (command != QLatin1String("run") && command != QLatin1String("status")))
        return fail(QStringLiteral("say what to do: 'laces-edge run …' or 'laces-edge status --buffer PATH' (see --help)"));

    Edge::EdgeConfig config;
    if (parser.isSet(QStringLiteral("config"))) {
        if (auto loaded = config.load(parser.value(QStringLiteral("config"))); !loaded)
            return fail(loaded.error().message);
    }
    for (const QString &key : Edge::EdgeConfig::keys()) {
        if (!parser.isSet(key))
            continue;
        if (optionHelp().value(key).first.isEmpty()) {
            (void)config.set(key, QStringLiteral("true"));
            continue;
        }
        for (const QString &value : parser.values(key)) {
            if (auto ok = config.set(key, value); !ok)
                return fail(QStringLiteral("--%1: %2").arg(key, ok.error().message));
        }
    }

    if (command == QLatin1String("status")) {
        Edge::EdgeBuffer buffer;
        if (auto opened = buffer.open(config.buffer, false); !opened)
            return fail(opened.error().message, 1);
        QJsonObject status = buffer.status();
        const qint64 pid = status.value(QStringLiteral("agent_pid")).toString().toLongLong();
        status.insert(QStringLiteral("agent_running"), pid > 0 && ::kill(pid_t(pid), 0) == 0);
        std::fputs(QJsonDocument(status).toJson(QJsonDocument::Indented).constData(), stdout);
        return 0;
    }

    if (auto checked = config.check(); !checked)
        return fail(checked.error().message);
    Edge::EdgeAgent agent(config);
    int exitCode = 0;
    QObject::connect(&agent, &Edge::EdgeAgent::finished, &app, [&](int code) {
        exitCode = code;
        app.quit();
    });
    Core::ShutdownSignals shutdown;
    QObject::connect(&shutdown, &Core::ShutdownSignals::shutdownRequested, &agent, [&] { agent.stop(); });
    if (auto started = agent.start(); !started)
        return fail(started.error().message);
    app.exec();
    return exitCode;
}

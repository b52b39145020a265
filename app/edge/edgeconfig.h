#pragma once

#include "result.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QUuid>

namespace Laces::Edge {

// A condition on one metric, met by `count` consecutive samples: "temperature_c>95",
// "pressure_bar<1.5 for 5".
struct Condition
{
    int metric = -1;        // index in Core::TelemetryMetrics::all()
    bool above = true;      // value > limit (else value < limit)
    double limit = 0;
    int count = 1;

    QString metricName() const;
    QString text() const;   // as written: "temperature_c>95 for 3"
};

// A local control rule: "temperature_c>95 for 3 -> mqtt:plant/pump/stop STOP" publishes
// STOP (default: a JSON description) on the topic; "... -> exec:/usr/bin/horn --on" runs
// the command. It fires when the condition becomes true, once, and again only after the
// condition was false.
struct ControlRule
{
    Condition condition;
    enum class Action { Mqtt, Exec } action = Action::Mqtt;
    QString topic;          // Mqtt
    QByteArray payload;     // Mqtt; empty: a JSON description of the firing
    QStringList command;    // Exec: program and arguments

    QString text;
};

enum class OnFull { RejectNew, DropOldest };

enum class InputKind { Stdin, File, Mqtt, Simulate };

enum class EventPolicy { Offline, Always, Never };

// Everything laces-edge run takes, from a config file (INI or JSON, the same keys as the
// long options) with command-line options over it. The formats are in the README.
struct EdgeConfig
{
    QUrl server;
    QUuid node;
    QString keyFile;
    QString buffer = QStringLiteral("/var/lib/laces-edge/buffer.db");
    QString input = QStringLiteral("stdin");
    double batchS = 30;
    double maxBatchS = 300;
    double maxBufferMb = 256;
    OnFull onFull = OnFull::DropOldest;
    int uploadRows = 5000;
    QString caFile, certFile, keyFileTls;
    // MQTT: the broker for an mqtt:// input and for rules' and alerts' topics
    QString mqttPayload = QStringLiteral("json");     // json | value
    QString mqttMetric;                                // value payloads: the metric (default: last topic level)
    QString mqttClientId;                              // default laces-edge-<node>
    QString mqttBroker;                                // mqtt://host:port when the input is not MQTT
    // local intelligence
    QList<Condition> limits;
    QList<ControlRule> rules;
    QString alertCommand;
    QString alertTopic;
    EventPolicy events = EventPolicy::Offline;
    double modelRefreshS = 300;
    bool model = true;
    // simulator
    double simulateHz = 1;
    QStringList simulateMetrics{QStringLiteral("temperature_c"), QStringLiteral("vibration_x_g"),
                                QStringLiteral("pressure_bar"), QStringLiteral("flow_lpm")};
    double simulateWarmingPerH = 0;
    // operation
    QString metricsListen;                             // host:port for /metrics; empty: off
    bool exitWhenDrained = false;                      // exit once the input ended and all is uploaded
    double flushMs = 20;                               // the longest a sample waits for its commit

    InputKind inputKind() const;
    QString inputPath() const;                         // file:PATH
    QString mqttHost() const;
    int mqttPort() const;
    QString mqttTopic() const;                         // the input's topic filter

    // Every key an INI or JSON file may set; the command line has each as --key.
    static const QStringList &keys();
    // Sets one key from its text (a file's value or an option's argument); the error names it.
    Core::Status set(const QString &key, const QString &value);
    // Reads an INI ("key = value" lines, '#' or ';' comments, repeated rule/limit keys) or
    // a JSON object (lists for rule and limit) into this.
    Core::Status load(const QString &path);
    // What must hold before running: server, node and key file given, sane numbers.
    Core::Status check() const;

    static Core::Result<Condition> parseCondition(const QString &text);
    static Core::Result<ControlRule> parseRule(const QString &text);
};

} // namespace Laces::Edge

#pragma once

#include "telemetry/rfc3339.h"

#include "result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QUuid>

#include <optional>

namespace Laces::Server {

// Telemetry samples as they arrive, checked and in columns. Every sample names its node,
// its time (ms since the epoch), its sequence number within the batch's boot epoch, and
// any subset of the known metrics (TelemetryMetrics).
struct SampleBatch
{
    struct Limits
    {
        qint64 nowMs = 0;
        qint64 maxFutureMs = 5 * 60 * 1000;  // clocks may run a little ahead
        qint64 oldestMs = 0;                 // samples before this (the raw retention) are refused
        int maxSamples = 100000;
    };

    qint64 bootEpoch = 0;
    QList<QUuid> nodes;            // distinct, in order of first appearance
    QList<int> nodeOf;             // per sample: index into nodes
    QList<qint64> timesMs;
    QList<qint64> seqs;
    QList<quint32> present;        // per sample: bit m set when metric m is given
    QList<double> values;          // per sample: TelemetryMetrics::count() values

    QList<int> lineNumbers;        // CSV: each sample's line
    bool single = false;           // one sample, not a batch

    int size() const { return int(timesMs.size()); }
    // How an error names the sample: "samples[3]", "line 5" or "sample".
    QString label(int sample) const;
    double value(int sample, int metric) const;
    bool has(int sample, int metric) const { return present.at(sample) & (1u << metric); }

    // {"boot_epoch", "samples": [{"node_id", "time", "seq", "metrics": {…}}, …]}.
    static Core::Result<SampleBatch> fromJsonBatch(const QByteArray &body, const Limits &limits);
    // One sample object, with an optional "boot_epoch".
    static Core::Result<SampleBatch> fromJsonSample(const QByteArray &body, const Limits &limits);
    // A header line "node_id,time,seq,<metric>,…" (optionally boot_epoch), then one sample
    // per line; time is RFC 3339 or integer milliseconds since the epoch; an empty field
    // is an absent metric. `bootEpoch` applies when there is no boot_epoch column.
    static Core::Result<SampleBatch> fromCsv(const QByteArray &body, qint64 bootEpoch, const Limits &limits);
};

// In core (the edge agent parses sample times too).
using Core::formatRfc3339Ms;
using Core::parseRfc3339Ms;

} // namespace Laces::Server

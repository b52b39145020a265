#include "samplebatch.h"

#include "http/requestcontext.h"
#include "telemetrymetrics.h"

#include <QDateTime>
#include <QJsonArray>

#include <charconv>
#include <cmath>

namespace Laces::Server {

using Core::Error;

namespace {

constexpr qint64 kMaxSeq = 1'000'000'000'000'000;

// Names a sample in an error ("samples[3]", "line 5", "sample"); formatted only then.
struct Where
{
    const char *prefix;
    int index = -1;
    bool brackets = false;

    QString text() const
    {
        if (index < 0)
            return QString::fromLatin1(prefix);
        return brackets ? QStringLiteral("%1[%2]").arg(QLatin1String(prefix)).arg(index)
                        : QStringLiteral("%1 %2").arg(QLatin1String(prefix)).arg(index);
    }
};

Error sampleError(const Where &where, const QString &message, const QString &field = {})
{
    const QString name = where.text();
    return Error::invalid(name + QStringLiteral(": ") + message, name + field);
}

class Builder
{
public:
    // `metricField` leads a metric's name in error fields: ".metrics." in JSON, "." in CSV.
    Builder(SampleBatch &batch, const SampleBatch::Limits &limits, QString metricField)
        : m_batch(batch)
        , m_limits(limits)
        , m_metricField(std::move(metricField))
    {
    }

    int nodeIndex(const QUuid &node)
    {
        if (node == m_lastNode)
            return m_lastIndex;
        int index = int(m_batch.nodes.indexOf(node));
        if (index < 0) {
            index = int(m_batch.nodes.size());
            m_batch.nodes.append(node);
        }
        m_lastNode = node;
        m_lastIndex = index;
        return index;
    }

    // Starts a sample; its values are filled by setValue().
    std::optional<Error> begin(const Where &where, int node, qint64 timeMs, qint64 seq)
    {
        if (timeMs > m_limits.nowMs + m_limits.maxFutureMs)
            return sampleError(where, QStringLiteral("'time' %1 is in the future").arg(formatRfc3339Ms(timeMs)),
                               QStringLiteral(".time"));
        if (timeMs < m_limits.oldestMs)
            return sampleError(where, QStringLiteral("'time' %1 is older than the raw retention allows")
                                          .arg(formatRfc3339Ms(timeMs)), QStringLiteral(".time"));
        if (seq < 0 || seq > kMaxSeq)
            return sampleError(where, QStringLiteral("'seq' must be from 0 to %1").arg(kMaxSeq), QStringLiteral(".seq"));
        m_batch.nodeOf.append(node);
        m_batch.timesMs.append(timeMs);
        m_batch.seqs.append(seq);
        m_batch.present.append(0);
        m_batch.values.resize(m_batch.values.size() + TelemetryMetrics::count(), 0.0);
        return std::nullopt;
    }

    std::optional<Error> setValue(const Where &where, int metric, double value)
    {
        if (!std::isfinite(value))
            return sampleError(where, QStringLiteral("'%1' must be a finite number")
                                          .arg(QString::fromLatin1(TelemetryMetrics::all().at(metric).name)),
                               m_metricField + QString::fromLatin1(TelemetryMetrics::all().at(metric).name));
        const int sample = m_batch.size() - 1;
        m_batch.present[sample] |= 1u << metric;
        m_batch.values[qsizetype(sample) * TelemetryMetrics::count() + metric] = value;
        return std::nullopt;
    }

    std::optional<Error> tooMany() const
    {
        if (m_batch.size() >= m_limits.maxSamples) {
            Error error{Error::Code::TooLarge,
                        QStringLiteral("a batch holds at most %1 samples").arg(m_limits.maxSamples),
                        QStringLiteral("samples")};
            return error;
        }
        return std::nullopt;
    }

private:
    SampleBatch &m_batch;
    const SampleBatch::Limits &m_limits;
    QString m_metricField;
    QUuid m_lastNode;
    int m_lastIndex = -1;
};

std::optional<Error> addJsonSample(Builder &builder, const QJsonValue &value, const Where &where)
{
    if (!value.isObject())
        return sampleError(where, QStringLiteral("a sample must be an object"));
    const QJsonObject sample = value.toObject();
    for (auto it = sample.begin(); it != sample.end(); ++it) {
        static const QStringList known{QStringLiteral("node_id"), QStringLiteral("time"), QStringLiteral("seq"),
                                       QStringLiteral("metrics")};
        if (!known.contains(it.key()))
            return sampleError(where, QStringLiteral("unknown field '%1'").arg(it.key()), QLatin1Char('.') + it.key());
    }
    const QUuid node = QUuid::fromString(sample.value(QStringLiteral("node_id")).toString());
    if (node.isNull())
        return sampleError(where, QStringLiteral("'node_id' must be a UUID"), QStringLiteral(".node_id"));
    const QJsonValue time = sample.value(QStringLiteral("time"));
    const auto timeMs = time.isString() ? parseRfc3339Ms(time.toString().toLatin1()) : std::nullopt;
    if (!timeMs)
        return sampleError(where, QStringLiteral("'time' must be an RFC 3339 time such as 2026-11-27T10:00:00.000Z"),
                           QStringLiteral(".time"));
    const QJsonValue seq = sample.value(QStringLiteral("seq"));
    if (!seq.isDouble() || std::floor(seq.toDouble()) != seq.toDouble() || std::abs(seq.toDouble()) > 9.0e15)
        return sampleError(where, QStringLiteral("'seq' must be an integer"), QStringLiteral(".seq"));
    const QJsonValue metrics = sample.value(QStringLiteral("metrics"));
    if (!metrics.isObject())
        return sampleError(where, QStringLiteral("'metrics' must be an object"), QStringLiteral(".metrics"));
    if (auto error = builder.begin(where, builder.nodeIndex(node), *timeMs, qint64(seq.toDouble())))
        return error;
    const QJsonObject values = metrics.toObject();
    for (auto it = values.begin(); it != values.end(); ++it) {
        const int metric = TelemetryMetrics::indexOf(it.key());
        if (metric < 0)
            return sampleError(where, QStringLiteral("unknown metric '%1'; known: %2").arg(it.key(), TelemetryMetrics::names()),
                               QStringLiteral(".metrics.") + it.key());
        if (!it.value().isDouble())
            return sampleError(where, QStringLiteral("'%1' must be a number").arg(it.key()),
                               QStringLiteral(".metrics.") + it.key());
        if (auto error = builder.setValue(where, metric, it.value().toDouble()))
            return error;
    }
    return std::nullopt;
}


Core::Result<qint64> bootEpochOf(const QJsonValue &value)
{
    if (value.isUndefined())
        return qint64(0);
    if (!value.isDouble() || std::floor(value.toDouble()) != value.toDouble() || std::abs(value.toDouble()) > 9.0e15)
        return Error::invalid(QStringLiteral("'boot_epoch' must be an integer"), QStringLiteral("boot_epoch"));
    return qint64(value.toDouble());
}

template<typename T>
bool parseNumber(QByteArrayView field, T &out)
{
    const char *end = field.data() + field.size();
    const auto [ptr, ec] = std::from_chars(field.data(), end, out);
    return ec == std::errc() && ptr == end;
}

} // namespace

QString SampleBatch::label(int sample) const
{
    if (single)
        return QStringLiteral("sample");
    if (!lineNumbers.isEmpty())
        return QStringLiteral("line %1").arg(lineNumbers.value(sample));
    return QStringLiteral("samples[%1]").arg(sample);
}

double SampleBatch::value(int sample, int metric) const
{
    return values.at(qsizetype(sample) * TelemetryMetrics::count() + metric);
}

Core::Result<SampleBatch> SampleBatch::fromJsonBatch(const QByteArray &body, const Limits &limits)
{
    auto object = parseJsonObject(body);
    if (!object)
        return object.error();
    for (auto it = object->begin(); it != object->end(); ++it) {
        if (it.key() != QLatin1String("boot_epoch") && it.key() != QLatin1String("samples"))
            return Error::invalid(QStringLiteral("unknown field '%1'").arg(it.key()), it.key());
    }
    SampleBatch batch;
    auto bootEpoch = bootEpochOf(object->value(QStringLiteral("boot_epoch")));
    if (!bootEpoch)
        return bootEpoch.error();
    batch.bootEpoch = *bootEpoch;
    const QJsonValue samples = object->value(QStringLiteral("samples"));
    if (!samples.isArray())
        return Error::invalid(QStringLiteral("'samples' must be an array of samples"), QStringLiteral("samples"));
    const QJsonArray array = samples.toArray();
    if (array.size() > limits.maxSamples)
        return Error{Error::Code::TooLarge, QStringLiteral("a batch holds at most %1 samples; this one has %2")
                                                .arg(limits.maxSamples).arg(array.size()),
                     QStringLiteral("samples")};
    Builder builder(batch, limits, QStringLiteral(".metrics."));
    for (int i = 0; i < array.size(); ++i) {
        if (auto error = addJsonSample(builder, array.at(i), Where{"samples", i, true}))
            return *error;
    }
    return batch;
}

Core::Result<SampleBatch> SampleBatch::fromJsonSample(const QByteArray &body, const Limits &limits)
{
    auto object = parseJsonObject(body);
    if (!object)
        return object.error();
    SampleBatch batch;
    auto bootEpoch = bootEpochOf(object->value(QStringLiteral("boot_epoch")));
    if (!bootEpoch)
        return bootEpoch.error();
    batch.bootEpoch = *bootEpoch;
    object->remove(QStringLiteral("boot_epoch"));
    batch.single = true;
    Builder builder(batch, limits, QStringLiteral(".metrics."));
    if (auto error = addJsonSample(builder, *object, Where{"sample"}))
        return *error;
    return batch;
}

Core::Result<SampleBatch> SampleBatch::fromCsv(const QByteArray &body, qint64 bootEpoch, const Limits &limits)
{
    SampleBatch batch;
    batch.bootEpoch = bootEpoch;
    QByteArrayView rest(body);
    const auto nextLine = [&]() -> QByteArrayView {
        const qsizetype end = rest.indexOf('\n');
        QByteArrayView line = end < 0 ? rest : rest.first(end);
        rest = end < 0 ? QByteArrayView() : rest.sliced(end + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        return line;
    };
    const QByteArrayView header = nextLine();
    enum Column { NodeColumn = -1, TimeColumn = -2, SeqColumn = -3, BootColumn = -4 };
    QList<int> columns;
    for (QByteArrayView name : QByteArray(header.toByteArray()).split(',')) {
        name = name.trimmed();
        int column;
        if (name == "node_id")
            column = NodeColumn;
        else if (name == "time")
            column = TimeColumn;
        else if (name == "seq")
            column = SeqColumn;
        else if (name == "boot_epoch")
            column = BootColumn;
        else if ((column = TelemetryMetrics::indexOf(QString::fromLatin1(name))) < 0)
            return Error::invalid(QStringLiteral("line 1: unknown column '%1'; known: node_id, time, seq, boot_epoch, %2")
                                      .arg(QString::fromLatin1(name), TelemetryMetrics::names()),
                                  QStringLiteral("line 1"));
        if (columns.contains(column))
            return Error::invalid(QStringLiteral("line 1: column '%1' appears twice").arg(QString::fromLatin1(name)),
                                  QStringLiteral("line 1"));
        columns.append(column);
    }
    for (int required : {int(NodeColumn), int(TimeColumn), int(SeqColumn)}) {
        if (!columns.contains(required))
            return Error::invalid(QStringLiteral("line 1: the header must name node_id, time and seq"),
                                  QStringLiteral("line 1"));
    }
    Builder builder(batch, limits, QStringLiteral("."));
    QByteArrayView lastNodeText;
    int lastNode = -1;
    for (int lineNumber = 2; !rest.isEmpty(); ++lineNumber) {
        const QByteArrayView line = nextLine();
        if (line.isEmpty())
            continue;
        if (auto error = builder.tooMany())
            return *error;
        const Where where{"line", lineNumber};
        QByteArrayView fields[32];
        int fieldCount = 0;
        qsizetype start = 0;
        for (qsizetype at = 0; at <= line.size(); ++at) {
            if (at == line.size() || line.at(at) == ',') {
                if (fieldCount == columns.size())
                    return sampleError(where, QStringLiteral("more fields than the header names"));
                fields[fieldCount++] = line.sliced(start, at - start);
                start = at + 1;
            }
        }
        if (fieldCount != columns.size())
            return sampleError(where, QStringLiteral("%1 fields where the header names %2").arg(fieldCount).arg(columns.size()));
        int node = -1;
        std::optional<qint64> timeMs;
        qint64 seq = -1;
        bool seqOk = false;
        qint64 boot = bootEpoch;
        for (int c = 0; c < fieldCount; ++c) {
            const QByteArrayView field = fields[c];
            switch (columns.at(c)) {
            case NodeColumn:
                if (field == lastNodeText && lastNode >= 0) {
                    node = lastNode;
                } else {
                    const QUuid id = QUuid::fromString(QLatin1StringView(field.data(), field.size()));
                    if (id.isNull())
                        return sampleError(where, QStringLiteral("'node_id' must be a UUID"), QStringLiteral(".node_id"));
                    node = lastNode = builder.nodeIndex(id);
                    lastNodeText = field;
                }
                break;
            case TimeColumn: {
                qint64 ms;
                timeMs = parseNumber(field, ms) ? std::optional<qint64>(ms) : parseRfc3339Ms(field);
                if (!timeMs)
                    return sampleError(where, QStringLiteral("'time' must be RFC 3339 or milliseconds since the epoch"),
                                       QStringLiteral(".time"));
                break;
            }
            case SeqColumn:
                seqOk = parseNumber(field, seq);
                if (!seqOk)
                    return sampleError(where, QStringLiteral("'seq' must be an integer"), QStringLiteral(".seq"));
                break;
            case BootColumn:
                if (!parseNumber(field, boot))
                    return sampleError(where, QStringLiteral("'boot_epoch' must be an integer"), QStringLiteral(".boot_epoch"));
                if (boot != bootEpoch && batch.size() > 0)
                    return sampleError(where, QStringLiteral("a batch carries one boot_epoch"), QStringLiteral(".boot_epoch"));
                bootEpoch = batch.bootEpoch = boot;
                break;
            default:
                break;
            }
        }
        if (auto error = builder.begin(where, node, *timeMs, seq))
            return *error;
        batch.lineNumbers.append(lineNumber);
        for (int c = 0; c < fieldCount; ++c) {
            const int metric = columns.at(c);
            if (metric < 0 || fields[c].isEmpty())
                continue;
            double value;
            if (!parseNumber(fields[c], value))
                return sampleError(where, QStringLiteral("'%1' must be a number")
                                              .arg(QString::fromLatin1(TelemetryMetrics::all().at(metric).name)),
                                   QStringLiteral(".") + QString::fromLatin1(TelemetryMetrics::all().at(metric).name));
            if (auto error = builder.setValue(where, metric, value))
                return *error;
        }
    }
    return batch;
}

} // namespace Laces::Server

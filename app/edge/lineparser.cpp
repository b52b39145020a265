#include "lineparser.h"

#include "telemetry/metricnames.h"
#include "telemetry/rfc3339.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace Laces::Edge {

using Core::Error;
namespace Metrics = Core::TelemetryMetrics;

QByteArray encodeValues(const QList<QPair<int, double>> &values)
{
    QByteArray out;
    out.reserve(values.size() * 12);
    char buffer[40];
    for (const auto &[metric, value] : values) {
        if (!out.isEmpty())
            out += ',';
        out += QByteArray::number(metric);
        out += ':';
        const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
        out.append(buffer, result.ptr - buffer);
    }
    return out;
}

bool decodeValues(QByteArrayView text, QList<QPair<int, double>> *values)
{
    values->clear();
    const char *p = text.data();
    const char *end = p + text.size();
    while (p < end) {
        int metric = -1;
        auto parsed = std::from_chars(p, end, metric);
        if (parsed.ec != std::errc() || parsed.ptr >= end || *parsed.ptr != ':' || metric < 0 || metric >= Metrics::count())
            return false;
        double value = 0;
        auto number = std::from_chars(parsed.ptr + 1, end, value);
        if (number.ec != std::errc())
            return false;
        values->append({metric, value});
        p = number.ptr;
        if (p < end) {
            if (*p != ',')
                return false;
            ++p;
        }
    }
    return !values->isEmpty();
}

std::optional<qint64> parseTimeMs(QByteArrayView text)
{
    text = text.trimmed();
    if (text.isEmpty())
        return std::nullopt;
    bool digitsOnly = true;
    for (char c : text)
        digitsOnly = digitsOnly && c >= '0' && c <= '9';
    if (digitsOnly) {
        qint64 ms = 0;
        auto parsed = std::from_chars(text.data(), text.data() + text.size(), ms);
        if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || ms > 253402300799999LL)
            return std::nullopt;
        return ms;
    }
    return Core::parseRfc3339Ms(text);
}

QByteArray formatTimeMs(qint64 ms)
{
    return Core::formatRfc3339Ms(ms).toLatin1();
}

static Core::Status addValue(QList<QPair<int, double>> *values, int metric, double value, QByteArrayView name)
{
    if (!std::isfinite(value))
        return Error::invalid(QStringLiteral("'%1' is not a finite number").arg(QString::fromUtf8(name)));
    for (const auto &have : std::as_const(*values)) {
        if (have.first == metric)
            return Error::invalid(QStringLiteral("metric '%1' appears twice").arg(QString::fromUtf8(name)));
    }
    values->append({metric, value});
    return Core::Ok{};
}

static Core::Status finish(Sample *sample, qint64 nowMs)
{
    if (sample->values.isEmpty())
        return Error::invalid(QStringLiteral("the sample carries no metric"));
    if (sample->timeMs > nowMs + LineParser::kMaxAheadMs)
        return Error::invalid(QStringLiteral("its time %1 is more than 5 minutes ahead of the clock")
                                  .arg(QString::fromLatin1(formatTimeMs(sample->timeMs))));
    std::sort(sample->values.begin(), sample->values.end());
    return Core::Ok{};
}

Core::Result<Sample> LineParser::parseJson(QByteArrayView json, qint64 nowMs) const
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json.toByteArray(), &parseError);
    if (!document.isObject())
        return Error::invalid(parseError.error == QJsonParseError::NoError
                                  ? QStringLiteral("a JSON line must be an object")
                                  : QStringLiteral("not JSON: %1 at offset %2").arg(parseError.errorString()).arg(parseError.offset));
    const QJsonObject object = document.object();
    Sample sample;
    sample.timeMs = nowMs;
    QJsonObject metrics = object;
    if (object.contains(QStringLiteral("metrics"))) {
        if (!object.value(QStringLiteral("metrics")).isObject())
            return Error::invalid(QStringLiteral("'metrics' must be an object of metric: number"));
        metrics = object.value(QStringLiteral("metrics")).toObject();
    }
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString &key = it.key();
        if (key == QLatin1String("time")) {
            const QJsonValue value = *it;
            std::optional<qint64> time;
            if (value.isDouble() && value.toDouble() >= 0 && value.toDouble() == std::floor(value.toDouble())
                && value.toDouble() < 253402300799999.0)
                time = qint64(value.toDouble());
            else if (value.isString())
                time = parseTimeMs(value.toString().toUtf8());
            if (!time)
                return Error::invalid(QStringLiteral("'time' must be RFC 3339 or milliseconds since the epoch"));
            sample.timeMs = *time;
        } else if (key == QLatin1String("node_id")) {
            if (!m_node.isEmpty() && it->toString().toLatin1().toLower() != m_node)
                return Error::invalid(QStringLiteral("node_id %1 is not this agent's node").arg(it->toString()));
        } else if (key != QLatin1String("metrics") && object.contains(QStringLiteral("metrics"))) {
            return Error::invalid(QStringLiteral("unknown field '%1' (metrics go in 'metrics')").arg(key));
        }
    }
    const bool flat = !object.contains(QStringLiteral("metrics"));
    for (auto it = metrics.begin(); it != metrics.end(); ++it) {
        const QString &key = it.key();
        if (flat && (key == QLatin1String("time") || key == QLatin1String("node_id")))
            continue;
        const int metric = Metrics::indexOf(key);
        if (metric < 0)
            return Error::invalid(QStringLiteral("unknown metric '%1'; known: %2").arg(key, Metrics::names()));
        if (it->isNull())
            continue;
        if (!it->isDouble())
            return Error::invalid(QStringLiteral("'%1' must be a number").arg(key));
        if (auto ok = addValue(&sample.values, metric, it->toDouble(), key.toUtf8()); !ok)
            return ok.error();
    }
    if (auto ok = finish(&sample, nowMs); !ok)
        return ok.error();
    return sample;
}

Core::Result<std::optional<Sample>> LineParser::parseHeader(QByteArrayView line)
{
    const QList<QByteArray> names = line.toByteArray().split(',');
    int timeColumn = -1, nodeColumn = -1;
    QList<int> metricOf;
    bool anyMetric = false;
    for (int column = 0; column < names.size(); ++column) {
        const QByteArray name = names.at(column).trimmed();
        metricOf.append(-1);
        if (name == "time") {
            timeColumn = column;
        } else if (name == "node_id") {
            nodeColumn = column;
        } else {
            const int metric = Metrics::indexOf(QString::fromUtf8(name));
            if (metric < 0)
                return Error::invalid(QStringLiteral("header: unknown column '%1'; known: time, node_id, %2")
                                          .arg(QString::fromUtf8(name), Metrics::names()));
            if (metricOf.contains(metric))
                return Error::invalid(QStringLiteral("header: column '%1' appears twice").arg(QString::fromUtf8(name)));
            metricOf.last() = metric;
            anyMetric = true;
        }
    }
    if (!anyMetric)
        return Error::invalid(QStringLiteral("header: no metric column"));
    m_haveHeader = true;
    m_timeColumn = timeColumn;
    m_nodeColumn = nodeColumn;
    m_metricOfColumn = metricOf;
    return std::optional<Sample>();
}

Core::Result<std::optional<Sample>> LineParser::parseCsvRow(QByteArrayView line, qint64 nowMs) const
{
    Sample sample;
    sample.timeMs = nowMs;
    int column = 0;
    qsizetype start = 0;
    while (true) {
        qsizetype comma = line.indexOf(',', start);
        const QByteArrayView cell = line.sliced(start, (comma < 0 ? line.size() : comma) - start).trimmed();
        if (column >= m_metricOfColumn.size())
            return Error::invalid(QStringLiteral("more cells than the header's %1 columns").arg(m_metricOfColumn.size()));
        if (column == m_timeColumn) {
            if (!cell.isEmpty()) {
                const auto time = parseTimeMs(cell);
                if (!time)
                    return Error::invalid(QStringLiteral("time '%1' is neither RFC 3339 nor milliseconds since the epoch")
                                              .arg(QString::fromUtf8(cell.toByteArray().left(64))));
                sample.timeMs = *time;
            }
        } else if (column == m_nodeColumn) {
            if (!m_node.isEmpty() && cell.toByteArray().toLower() != m_node)
                return Error::invalid(QStringLiteral("node_id %1 is not this agent's node").arg(QString::fromUtf8(cell.toByteArray().left(64))));
        } else if (!cell.isEmpty()) {
            const int metric = m_metricOfColumn.at(column);
            double value = 0;
            const char *first = cell.data();
            const char *last = first + cell.size();
            if (*first == '+')
                ++first;
            const auto parsed = std::from_chars(first, last, value);
            if (parsed.ec != std::errc() || parsed.ptr != last)
                return Error::invalid(QStringLiteral("'%1' is not a number (column %2)")
                                          .arg(QString::fromUtf8(cell.toByteArray().left(64)),
                                               QString::fromLatin1(Metrics::all().at(metric).name)));
            if (auto ok = addValue(&sample.values, metric, value, Metrics::all().at(metric).name); !ok)
                return ok.error();
        }
        ++column;
        if (comma < 0)
            break;
        start = comma + 1;
    }
    if (column != m_metricOfColumn.size())
        return Error::invalid(QStringLiteral("%1 cells where the header has %2 columns").arg(column).arg(m_metricOfColumn.size()));
    if (auto ok = finish(&sample, nowMs); !ok)
        return ok.error();
    return std::optional<Sample>(sample);
}

Core::Result<std::optional<Sample>> LineParser::parse(QByteArrayView line, qint64 nowMs)
{
    if (line.endsWith('\r'))
        line.chop(1);
    line = line.trimmed();
    if (line.isEmpty() || line.startsWith('#'))
        return std::optional<Sample>();
    if (line.startsWith('{')) {
        auto sample = parseJson(line, nowMs);
        if (!sample)
            return sample.error();
        return std::optional<Sample>(*sample);
    }
    // A header is a line whose first cell is not a number or a time: it names columns.
    const QByteArrayView first = line.sliced(0, line.indexOf(',') < 0 ? line.size() : line.indexOf(','));
    const bool looksLikeHeader = !first.isEmpty() && ((first.at(0) >= 'a' && first.at(0) <= 'z') || first.at(0) == '_');
    if (looksLikeHeader)
        return parseHeader(line);
    if (!m_haveHeader)
        return Error::invalid(QStringLiteral("a CSV row before any header (the first line names time and the metrics)"));
    return parseCsvRow(line, nowMs);
}

} // namespace Laces::Edge

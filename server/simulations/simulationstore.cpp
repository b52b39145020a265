#include "simulationstore.h"

#include "ageing/ageingunits.h"
#include "ageing/simulationjson.h"
#include "telemetry/telemetrymetrics.h"
#include "telemetry/telemetryreader.h"

#include <QCryptographicHash>
#include <QtEndian>
#include <QJsonObject>

#include <cmath>
#include <cstring>

namespace Laces::Server {

using Core::Error;
namespace Ageing = Core::Ageing;

namespace {

constexpr char kMagic[] = "LSR1";

void appendDoubles(QByteArray &bytes, const std::vector<double> &values)
{
    for (const double value : values) {
        quint64 bits = 0;
        std::memcpy(&bits, &value, sizeof bits);
        const quint64 little = qToLittleEndian(bits);
        bytes.append(reinterpret_cast<const char *>(&little), sizeof little);
    }
}

double doubleAt(const char *data)
{
    quint64 little = 0;
    std::memcpy(&little, data, sizeof little);
    const quint64 bits = qFromLittleEndian(little);
    double value = 0;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

} // namespace

QByteArray SimulationStore::encodeSeries(const Ageing::SimulationResult &result)
{
    QByteArray bytes(kMagic, 4);
    const quint32 components = qToLittleEndian(quint32(result.components.size()));
    const quint32 points = qToLittleEndian(quint32(result.timesH.size()));
    bytes.append(reinterpret_cast<const char *>(&components), 4);
    bytes.append(reinterpret_cast<const char *>(&points), 4);
    appendDoubles(bytes, result.timesH);
    for (const Ageing::ComponentResult &component : result.components) {
        appendDoubles(bytes, component.crackM);
        appendDoubles(bytes, component.damage);
        appendDoubles(bytes, component.failureProbability);
    }
    return qCompress(bytes, 6);
}

bool SimulationStore::mergeSeries(QJsonArray &components, const QByteArray &stored)
{
    const QByteArray bytes = qUncompress(stored);
    if (bytes.size() < 12 || !bytes.startsWith(kMagic))
        return false;
    quint32 count = 0, points = 0;
    std::memcpy(&count, bytes.constData() + 4, 4);
    std::memcpy(&points, bytes.constData() + 8, 4);
    count = qFromLittleEndian(count);
    points = qFromLittleEndian(points);
    if (count != quint32(components.size()) || qint64(bytes.size()) != 12 + qint64(points) * 8 * (1 + 3 * qint64(count)))
        return false;
    const char *data = bytes.constData() + 12;
    const auto read = [&](size_t n) {
        std::vector<double> values(n);
        for (size_t i = 0; i < n; ++i, data += 8)
            values[i] = doubleAt(data);
        return values;
    };
    const QJsonArray years = Ageing::seriesArray(read(points), 1.0 / Ageing::kHoursPerYear);
    for (qsizetype i = 0; i < components.size(); ++i) {
        QJsonObject component = components[i].toObject();
        const QJsonArray crack = Ageing::seriesArray(read(points));
        const QJsonArray damage = Ageing::seriesArray(read(points));
        const QJsonArray probability = Ageing::seriesArray(read(points));
        component.insert(QStringLiteral("series"), QJsonObject{{QStringLiteral("t_years"), years},
                                                               {QStringLiteral("crack_m"), crack},
                                                               {QStringLiteral("damage"), damage},
                                                               {QStringLiteral("failure_probability"), probability}});
        components[i] = component;
    }
    return true;
}

Core::Result<MeasuredData> loadMeasuredHistory(PgConnection &db, const MeasuredWindow &window)
{
    Ageing::MeasuredHistoryBuilder::Options options;
    options.endMs = window.toMs;
    options.stepH = window.stepH;
    options.referenceSignal = window.reference;
    Ageing::MeasuredHistoryBuilder builder(options);
    const QList<int> metrics{TelemetryMetrics::indexOf(window.metric), TelemetryMetrics::indexOf(u"rpm"),
                             TelemetryMetrics::indexOf(u"temperature_c")};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    std::optional<TelemetryReader::Position> after;
    constexpr int kPage = 50000;
    for (;;) {
        auto page = TelemetryReader::readRaw(db, window.nodeId, window.fromMs, window.toMs, metrics, after, kPage);
        if (!page)
            return page.error();
        const Core::TelemetryColumns &columns = page->columns;
        const auto value = [&](int metric, int row) {
            return columns.metrics[metric].present.at(row) ? columns.metrics[metric].values.at(row) : std::nan("");
        };
        for (int row = 0; row < columns.rowCount(); ++row) {
            const Ageing::MeasuredSample sample{columns.timesMs.at(row), value(0, row), value(1, row), value(2, row)};
            if (std::isnan(sample.signal))
                continue;
            builder.add(sample);
            const double fields[] = {double(sample.timeMs), sample.signal, sample.rpm, sample.temperatureC};
            hash.addData(QByteArrayView(reinterpret_cast<const char *>(fields), sizeof fields));
        }
        if (!page->more || columns.rowCount() == 0)
            break;
        const int last = columns.rowCount() - 1;
        after = TelemetryReader::Position{columns.timesMs.at(last), columns.bootEpochs.at(last), columns.seqs.at(last)};
    }
    MeasuredData data;
    data.history = builder.finish();
    data.sha256 = hash.result();
    return data;
}

} // namespace Laces::Server

#include "telemetry/telemetrychunk.h"
#include "telemetry/telemetrycodec.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTest>

#include <cmath>
#include <cstring>
#include <limits>

using namespace Laces::Core;

namespace {

bool sameBits(const QList<double> &a, const QList<double> &b)
{
    return a.size() == b.size() && std::memcmp(a.constData(), b.constData(), size_t(a.size()) * sizeof(double)) == 0;
}

// Semicolon-separated SKAB recordings: the time and eight sensor columns.
struct Recording
{
    QList<qint64> timesMs;
    QList<QList<double>> columns;  // Accelerometer1RMS … Volume Flow RateRMS
    QStringList names;
};

Recording readSkab(const QString &path)
{
    Recording recording;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return recording;
    const QList<QByteArray> header = file.readLine().trimmed().split(';');
    for (int column = 1; column <= 8; ++column)
        recording.names.append(QString::fromUtf8(header.value(column)));
    recording.columns.resize(8);
    while (!file.atEnd()) {
        const QList<QByteArray> fields = file.readLine().trimmed().split(';');
        if (fields.size() < 9)
            continue;
        recording.timesMs.append(QDateTime::fromString(QString::fromLatin1(fields[0]), QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                                     .toMSecsSinceEpoch());
        for (int column = 0; column < 8; ++column)
            recording.columns[column].append(fields[column + 1].toDouble());
    }
    return recording;
}

} // namespace

// The telemetry chunk codecs (timestamps delta-of-delta, values Gorilla or decimal):
// lossless bit for bit, and compact on real machine signals.
class tst_TelemetryCodec : public QObject
{
    Q_OBJECT

private slots:
    void valuesRoundTrip_data();
    void valuesRoundTrip();
    void timestampsRoundTrip_data();
    void timestampsRoundTrip();
    void randomBitsRoundTrip();
    void decimalNeedsExactDecimals();
    void realSignalsRoundTripAndCompress_data();
    void realSignalsRoundTripAndCompress();
    void nabTemperatureRoundTrips();
    void foreignBytesAreRefused();
    void chunkRoundTripsWithNulls();
    void chunkOfSkabHour();
    void damagedChunksAreRefused();
};

void tst_TelemetryCodec::valuesRoundTrip_data()
{
    QTest::addColumn<QList<double>>("values");
    QList<double> monotone;
    QList<double> sine;
    for (int i = 0; i < 5000; ++i) {
        monotone.append(1000.0 + i);
        sine.append(std::sin(i * 0.01) * 50.0);
    }
    QTest::newRow("empty") << QList<double>();
    QTest::newRow("one") << QList<double>{42.5};
    QTest::newRow("constant") << QList<double>(3600, 1450.0);
    QTest::newRow("monotone") << monotone;
    QTest::newRow("sine") << sine;
    QTest::newRow("specials") << QList<double>{0.0, -0.0, std::numeric_limits<double>::quiet_NaN(),
                                                std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                                                std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max(),
                                                -1.0, 1.0};
    QTest::newRow("decimals") << QList<double>{0.1, 0.2, 0.30000000000000004, 12.5, -7.25, 0.001};
    // Frames of 256: a quiet stretch, a burst across a frame boundary, a ramp, extremes.
    QList<double> burst;
    for (int i = 0; i < 1500; ++i) {
        double value = 20.5 + (i % 3) * 0.25;
        if (i >= 200 && i < 300)
            value = -9000.75 + i * 37.5;
        if (i >= 700 && i < 1100)
            value = 1000.0 + i;
        burst.append(value);
    }
    burst.append({4.5e15, -4.5e15, 0.0});
    QTest::newRow("decimal frames") << burst;
}

void tst_TelemetryCodec::valuesRoundTrip()
{
    QFETCH(QList<double>, values);
    for (const QByteArray &block : {TelemetryCodec::encodeValues(values), TelemetryCodec::encodeGorilla(values)}) {
        const auto decoded = TelemetryCodec::decodeValues(block);
        QVERIFY(decoded);
        QVERIFY(sameBits(*decoded, values));
    }
    if (const auto decimal = TelemetryCodec::encodeDecimal(values)) {
        const auto decoded = TelemetryCodec::decodeValues(*decimal);
        QVERIFY(decoded);
        QVERIFY(sameBits(*decoded, values));
    }
}

void tst_TelemetryCodec::timestampsRoundTrip_data()
{
    QTest::addColumn<QList<qint64>>("times");
    QList<qint64> regular;
    QList<qint64> jittered;
    QRandomGenerator random(11);
    qint64 t = 1'700'000'000'000;
    for (int i = 0; i < 10000; ++i) {
        regular.append(1'700'000'000'000 + i * 100);
        t += 100 + random.bounded(-3, 4);
        jittered.append(t);
    }
    QTest::newRow("empty") << QList<qint64>();
    QTest::newRow("one") << QList<qint64>{1'700'000'000'000};
    QTest::newRow("regular 10 Hz") << regular;
    QTest::newRow("jittered") << jittered;
    QTest::newRow("backwards and extremes") << QList<qint64>{5, 3, std::numeric_limits<qint64>::max(),
                                                             std::numeric_limits<qint64>::min(), 0, -1, 1};
}

void tst_TelemetryCodec::timestampsRoundTrip()
{
    QFETCH(QList<qint64>, times);
    const QByteArray block = TelemetryCodec::encodeTimestamps(times);
    const auto decoded = TelemetryCodec::decodeTimestamps(block);
    QVERIFY(decoded);
    QCOMPARE(*decoded, times);
    if (qstrcmp(QTest::currentDataTag(), "regular 10 Hz") == 0)
        QVERIFY(block.size() < 10000 / 8 + 32);  // a bit per sample once the rate is known
}

void tst_TelemetryCodec::randomBitsRoundTrip()
{
    // Property: decode(encode(x)) == x bit for bit, for any 64-bit patterns.
    QRandomGenerator random(20261127);
    for (int round = 0; round < 200; ++round) {
        QList<double> values;
        const int count = random.bounded(1, 600);
        for (int i = 0; i < count; ++i) {
            std::uint64_t bits = random.generate64();
            if (random.bounded(4) == 0 && !values.isEmpty())  // runs of close or equal values too
                std::memcpy(&bits, &values.last(), sizeof bits), bits ^= random.bounded(16);
            double value;
            std::memcpy(&value, &bits, sizeof value);
            values.append(value);
        }
        const auto decoded = TelemetryCodec::decodeValues(TelemetryCodec::encodeValues(values));
        QVERIFY(decoded);
        QVERIFY2(sameBits(*decoded, values), qPrintable(QStringLiteral("round %1").arg(round)));
        QList<qint64> times;
        for (int i = 0; i < count; ++i)
            times.append(qint64(random.generate64()));
        QCOMPARE(*TelemetryCodec::decodeTimestamps(TelemetryCodec::encodeTimestamps(times)), times);
    }
}

void tst_TelemetryCodec::decimalNeedsExactDecimals()
{
    // 0.1 + 0.2 is not the decimal 0.3: with it, a decimal coding would not be lossless.
    QVERIFY(TelemetryCodec::encodeDecimal({0.1, 0.2}));
    QVERIFY(!TelemetryCodec::encodeDecimal({0.1, 0.1 + 0.2 + 1e-17 * 3, std::nan("")}));
    QVERIFY(!TelemetryCodec::encodeDecimal({-0.0}));
    QVERIFY(!TelemetryCodec::encodeDecimal({1e300}));
    // Three decimals of a pump pressure: decimal coding wins.
    const QList<double> pressure{1.234, 1.236, 1.235, 1.239, 1.241, 1.238, 1.240, 1.237};
    QCOMPARE(TelemetryCodec::valueCoding(TelemetryCodec::encodeValues(pressure)), TelemetryCodec::ValueCoding::Decimal);
}

void tst_TelemetryCodec::realSignalsRoundTripAndCompress_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("SKAB anomaly-free") << QStringLiteral(LACES_SHARED_DATA_DIR "/telemetry/skab/anomaly-free/anomaly-free.csv");
    QTest::newRow("SKAB valve1/13") << QStringLiteral(LACES_SHARED_DATA_DIR "/telemetry/skab/valve1/13.csv");
}

void tst_TelemetryCodec::realSignalsRoundTripAndCompress()
{
    QFETCH(QString, path);
    const Recording recording = readSkab(path);
    QVERIFY2(recording.timesMs.size() > 1000, qPrintable(path));
    // Hour blocks, as compressed chunks hold them.
    constexpr qsizetype kBlock = 3600;
    qint64 rawBytes = 0;
    qint64 chosenBytes = 0;
    qint64 gorillaBytes = 0;
    for (qsizetype start = 0; start < recording.timesMs.size(); start += kBlock) {
        const QList<qint64> times = recording.timesMs.mid(start, kBlock);
        const QByteArray timeBlock = TelemetryCodec::encodeTimestamps(times);
        QCOMPARE(*TelemetryCodec::decodeTimestamps(timeBlock), times);
        chosenBytes += timeBlock.size();
        gorillaBytes += timeBlock.size();
        rawBytes += times.size() * 8;
        for (const QList<double> &column : recording.columns) {
            const QList<double> values = column.mid(start, kBlock);
            const QByteArray block = TelemetryCodec::encodeValues(values);
            const auto decoded = TelemetryCodec::decodeValues(block);
            QVERIFY(decoded);
            QVERIFY(sameBits(*decoded, values));
            chosenBytes += block.size();
            gorillaBytes += TelemetryCodec::encodeGorilla(values).size();
            rawBytes += values.size() * 8;
        }
    }
    const qint64 cells = recording.timesMs.size() * 9;
    qInfo("%s: %lld samples x 9 columns: %.2f bytes/value chosen per block, %.2f with Gorilla alone, raw 8",
          qPrintable(QFileInfo(path).fileName()), qint64(recording.timesMs.size()), double(chosenBytes) / double(cells),
          double(gorillaBytes) / double(cells));
    QVERIFY(chosenBytes <= gorillaBytes);
    QVERIFY(chosenBytes * 3 < rawBytes);
}

void tst_TelemetryCodec::nabTemperatureRoundTrips()
{
    // NAB machine temperature: five-minute samples with up to 14 decimals (some not exact
    // decimals within 15 digits), so blocks fall back to Gorilla where they must.
    QFile file(QStringLiteral(LACES_SHARED_DATA_DIR "/telemetry/nab/machine_temperature_system_failure.csv"));
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    file.readLine();
    QList<qint64> times;
    QList<double> values;
    while (!file.atEnd()) {
        const QList<QByteArray> fields = file.readLine().trimmed().split(',');
        if (fields.size() != 2)
            continue;
        times.append(QDateTime::fromString(QString::fromLatin1(fields[0]), QStringLiteral("yyyy-MM-dd HH:mm:ss")).toMSecsSinceEpoch());
        values.append(fields[1].toDouble());
    }
    QVERIFY(values.size() > 20000);
    qint64 bytes = 0;
    for (qsizetype start = 0; start < values.size(); start += 288) {  // a day of 5-minute samples
        const QList<double> day = values.mid(start, 288);
        const QByteArray block = TelemetryCodec::encodeValues(day);
        QVERIFY(sameBits(*TelemetryCodec::decodeValues(block), day));
        const QList<qint64> dayTimes = times.mid(start, 288);
        const QByteArray timeBlock = TelemetryCodec::encodeTimestamps(dayTimes);
        QCOMPARE(*TelemetryCodec::decodeTimestamps(timeBlock), dayTimes);
        bytes += block.size() + timeBlock.size();
    }
    qInfo("NAB machine temperature: %lld samples, %.2f bytes per (time, value) pair, raw 16",
          qint64(values.size()), double(bytes) / double(values.size()));
}

void tst_TelemetryCodec::foreignBytesAreRefused()
{
    QList<double> values;
    for (int i = 0; i < 1000; ++i)
        values.append(std::sin(i * 0.1));
    const QByteArray block = TelemetryCodec::encodeValues(values);
    QVERIFY(!TelemetryCodec::decodeValues({}));
    QVERIFY(!TelemetryCodec::decodeValues(QByteArray("\x07garbage", 8)));
    QVERIFY(!TelemetryCodec::decodeValues(block.left(block.size() / 2)));  // cut short
    QByteArray huge = block;
    huge[1] = char(0xff);  // a count far beyond the bytes
    huge[2] = char(0xff);
    QVERIFY(!TelemetryCodec::decodeValues(huge));
    const QByteArray times = TelemetryCodec::encodeTimestamps({1, 2, 3, 5, 8, 13});
    QVERIFY(!TelemetryCodec::decodeTimestamps(times.left(times.size() - 3)));
    QVERIFY(!TelemetryCodec::decodeTimestamps(block));  // a value block is not a timestamp block
}

namespace {

bool sameColumns(const TelemetryColumns &a, const TelemetryColumns &b)
{
    if (a.timesMs != b.timesMs || a.bootEpochs != b.bootEpochs || a.seqs != b.seqs
        || a.metrics.size() != b.metrics.size())
        return false;
    for (int m = 0; m < a.metrics.size(); ++m) {
        const auto &x = a.metrics.at(m);
        const auto &y = b.metrics.at(m);
        if (x.name != y.name || x.present != y.present)
            return false;
        for (int row = 0; row < a.rowCount(); ++row) {
            if (x.present.at(row) && std::memcmp(&x.values.at(row), &y.values.at(row), sizeof(double)) != 0)
                return false;
        }
    }
    return true;
}

} // namespace

void tst_TelemetryCodec::chunkRoundTripsWithNulls()
{
    QRandomGenerator random(20261127);
    for (int round = 0; round < 50; ++round) {
        TelemetryColumns columns;
        const int rows = int(random.bounded(1, 4000));
        qint64 time = 1'700'000'000'000 + random.bounded(1000);
        qint64 seq = random.bounded(100);
        for (int row = 0; row < rows; ++row) {
            time += random.bounded(3) == 0 ? random.bounded(5000) : 100;
            seq += 1 + (random.bounded(50) == 0 ? random.bounded(10) : 0);
            columns.timesMs.append(time);
            columns.bootEpochs.append(row < rows / 2 ? 7 : 8);  // a reboot half way
            columns.seqs.append(seq);
        }
        const char *names[] = {"rpm", "temperature_c", "vibration_x_g"};
        for (const char *name : names) {
            TelemetryColumns::Metric metric;
            metric.name = QString::fromLatin1(name);
            const int nullEvery = int(random.bounded(4));  // 0: never null
            for (int row = 0; row < rows; ++row) {
                const bool present = nullEvery == 0 || row % (nullEvery + 1) != 0;
                metric.present.append(present);
                // Stored null values are never looked at: garbage must not leak back.
                metric.values.append(present ? std::round(random.generateDouble() * 100000) / 1000 : 12345.0);
            }
            columns.metrics.append(metric);
        }
        const QByteArray chunk = TelemetryChunk::encode(columns);
        const auto decoded = TelemetryChunk::decode(chunk);
        QVERIFY2(decoded, qPrintable(QStringLiteral("round %1").arg(round)));
        QVERIFY2(sameColumns(*decoded, columns), qPrintable(QStringLiteral("round %1").arg(round)));
    }
}

void tst_TelemetryCodec::chunkOfSkabHour()
{
    const Recording recording = readSkab(QStringLiteral(LACES_SHARED_DATA_DIR "/telemetry/skab/anomaly-free/anomaly-free.csv"));
    QVERIFY(recording.timesMs.size() > 3600);
    TelemetryColumns columns;
    columns.timesMs = recording.timesMs.mid(0, 3600);
    columns.bootEpochs.fill(1, 3600);
    for (int row = 0; row < 3600; ++row)
        columns.seqs.append(row + 1);
    for (int column = 0; column < 8; ++column)
        columns.metrics.append({recording.names.at(column), recording.columns.at(column).mid(0, 3600), QList<bool>(3600, true)});
    const QByteArray chunk = TelemetryChunk::encode(columns);
    QVERIFY(sameColumns(*TelemetryChunk::decode(chunk), columns));
    // Eight doubles and the time, boot epoch and sequence number of each row.
    const double bytesPerRow = double(chunk.size()) / 3600;
    qInfo("SKAB hour as a chunk: %lld bytes, %.2f bytes per row of 8 values (raw 8x8 + 3x8 = 88)",
          qint64(chunk.size()), bytesPerRow);
    QVERIFY(bytesPerRow < 20);
}

void tst_TelemetryCodec::damagedChunksAreRefused()
{
    TelemetryColumns columns;
    for (int row = 0; row < 500; ++row) {
        columns.timesMs.append(1'000'000 + row * 1000);
        columns.bootEpochs.append(1);
        columns.seqs.append(row);
    }
    columns.metrics.append({QStringLiteral("rpm"), QList<double>(500, 1500.5), QList<bool>(500, true)});
    const QByteArray chunk = TelemetryChunk::encode(columns);
    QVERIFY(TelemetryChunk::decode(chunk));
    QVERIFY(!TelemetryChunk::decode({}));
    QVERIFY(!TelemetryChunk::decode(chunk.left(chunk.size() - 1)));
    QVERIFY(!TelemetryChunk::decode(chunk + 'x'));
    QByteArray otherVersion = chunk;
    otherVersion[3] = char(99);
    QVERIFY(!TelemetryChunk::decode(otherVersion));
    for (int cut = 0; cut < chunk.size(); cut += 7)
        QVERIFY(!TelemetryChunk::decode(chunk.left(cut)));
}

QTEST_GUILESS_MAIN(tst_TelemetryCodec)
#include "tst_telemetrycodec.moc"

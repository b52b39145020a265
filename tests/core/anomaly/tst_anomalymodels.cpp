#include "anomaly/anomalystream.h"
#include "anomaly/detector.h"
#include "anomaly/featurescreen.h"
#include "anomaly/isolationforest.h"
#include "anomaly/levelalarm.h"
#include "anomaly/rulmodel.h"
#include "anomaly/zscoredetector.h"

#include <QTest>
#include <QtEndian>

#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

using namespace Laces::Core;
using namespace Laces::Core::Anomaly;

// The z-score detector, the shared scoring stream, channel screening, the level alarm and
// the remaining-life model (tests/bench/eval_maintenance.cpp runs them on SKAB, NAB and
// C-MAPSS) against closed forms and planted answers.
class tst_AnomalyModels : public QObject
{
    Q_OBJECT

private slots:
    void zscoreClosedForm();
    void zscoreMinimumThresholdIsAFloor();
    void zscoreThresholdIsNumpyQuantileOfSmoothedScores();
    void zscoreExplanationNamesPlantedFeature();
    void zscoreInvalidInputRefused_data();
    void zscoreInvalidInputRefused();
    void zscoreRoundTripAndDamageRefused();
    void zscoreStructuralDamageWithValidChecksumRefused();
    void streamSmoothingIsTheRollingMean();
    void forestSmoothingOptionStoredAndOldPayloadsRead();
    void screeningDropsDriftingFeature();
    void screeningKeepsLowestWhenAllFail();
    void levelAlarmHoldsAndDeduplicates();
    void rulSlopeAndWindowFeaturesClosedForm();
    void rulRecoversSyntheticLifeAndIntervalCovers();
    void rulRoundTripAndDamageRefused();
};

namespace {

// A portable normal stream (SplitMix64 + Box–Muller): the same data with any library.
class Normal
{
public:
    explicit Normal(quint64 seed)
        : m_state(seed)
    { }
    double uniform() { return (double(next() >> 11) + 0.5) * 0x1.0p-53; }
    double operator()()
    {
        return std::sqrt(-2 * std::log(uniform()))
            * std::cos(2 * 3.14159265358979323846 * uniform());
    }

private:
    quint64 next()
    {
        quint64 z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    quint64 m_state;
};

const QStringList kNames = { QStringLiteral("current_a"), QStringLiteral("pressure_bar"),
    QStringLiteral("temperature_c"), QStringLiteral("flow_lpm") };

Eigen::MatrixXd noiseRows(int rows, int cols, quint64 seed)
{
    Normal normal(seed);
    Eigen::MatrixXd x(rows, cols);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            x(r, c) = 10 * (c + 1) + (c + 1) * normal();
    return x;
}

ZScoreDetector zscoreOrFail(const Eigen::MatrixXd &train, const ZScoreOptions &options = {})
{
    Result<ZScoreDetector> detector
        = ZScoreDetector::fit(train, kNames.mid(0, int(train.cols())), options);
    if (!detector)
        qFatal("fit failed: %s", qPrintable(detector.error().message));
    return std::move(detector).value();
}

// Envelope header for kind "zscore_max" (10 bytes): magic 7, version 2, kind length 2,
// kind, payload length 4, SHA-256 32.
constexpr int kZHeaderBytes = 7 + 2 + 2 + 10 + 4 + 32;

} // namespace

void tst_AnomalyModels::zscoreClosedForm()
{
    // Column a = 1, 2, 3, 4: μ = 2.5, σ = √(5/4) (ddof 0). Column b = 0, 0, 0, 4: μ = 1,
    // σ = √((1 + 1 + 1 + 9)/4) = √3. Row (5, 12): z = (2.5/√1.25, 11/√3) = (√5, 6.3509),
    // score = max = 11/√3; shares √5/(√5 + 11/√3) and the rest.
    Eigen::MatrixXd train(4, 2);
    train << 1, 0, 2, 0, 3, 0, 4, 4;
    ZScoreOptions options;
    options.smoothingRows = 1;
    const ZScoreDetector detector = zscoreOrFail(train, options);
    QCOMPARE(detector.kind(), QStringLiteral("zscore_max"));
    QVERIFY(std::abs(detector.mean()[0] - 2.5) < 1e-15);
    QVERIFY(std::abs(detector.standardDeviation()[0] - std::sqrt(1.25)) < 1e-15);
    QVERIFY(std::abs(detector.standardDeviation()[1] - std::sqrt(3.0)) < 1e-15);
    const double row[] = { 5, 12 };
    QVERIFY(std::abs(detector.score(row) - 11 / std::sqrt(3.0)) < 1e-12);
    const AnomalyScore explained = detector.explain(row);
    QCOMPARE(explained.drivers.size(), 2);
    QCOMPARE(explained.drivers[0].feature, kNames[1]);
    const double total = std::sqrt(5.0) + 11 / std::sqrt(3.0);
    QVERIFY(std::abs(explained.drivers[0].share - 11 / std::sqrt(3.0) / total) < 1e-12);
    QVERIFY(std::abs(explained.drivers[1].share - std::sqrt(5.0) / total) < 1e-12);
    // A constant column has σ < 1e-12 and is scaled by 1: a change of 3 is z = 3.
    Eigen::MatrixXd flat(3, 1);
    flat << 7, 7, 7;
    const ZScoreDetector constant = zscoreOrFail(flat, options);
    const double ten = 10;
    QVERIFY(std::abs(constant.score(&ten) - 3) < 1e-12);
}

void tst_AnomalyModels::zscoreMinimumThresholdIsAFloor()
{
    // Column 1, 2, 3, 4 with no smoothing: scores |z| = (1.5, 0.5, 0.5, 1.5)/√1.25, so the
    // learned 0.99 quantile is 1.5/√1.25 = 1.3416 (the maximum, numpy's interpolation).
    Eigen::MatrixXd train(4, 1);
    train << 1, 2, 3, 4;
    ZScoreOptions options;
    options.smoothingRows = 1;
    QVERIFY(std::abs(zscoreOrFail(train, options).threshold() - 1.5 / std::sqrt(1.25)) < 1e-12);
    options.minimumThreshold = 3.0;   // above the learned one: the floor wins
    QCOMPARE(zscoreOrFail(train, options).threshold(), 3.0);
    options.minimumThreshold = 1.0;   // below it: the learned one stays
    QVERIFY(std::abs(zscoreOrFail(train, options).threshold() - 1.5 / std::sqrt(1.25)) < 1e-12);
    options.minimumThreshold = 3.0;
    options.threshold = 2.0;          // an explicit threshold is used as given
    QCOMPARE(zscoreOrFail(train, options).threshold(), 2.0);
    ZScoreOptions bad;
    bad.minimumThreshold = -1;
    auto refused = ZScoreDetector::fit(train, {kNames[0]}, bad);
    QVERIFY(!refused);
    QCOMPARE(refused.error().field, QStringLiteral("minimumThreshold"));
}

void tst_AnomalyModels::zscoreThresholdIsNumpyQuantileOfSmoothedScores()
{
    // x = −1, 1, −1, 1, −3, 3: μ = 0, σ = √(22/6). Raw scores |x|/σ = (1, 1, 1, 1, 3, 3)/σ;
    // their causal 2-row mean (1, 1, 1, 1, 2, 3)/σ; rows [2, 6) → (1, 1, 2, 3)/σ.
    // np.quantile([1, 1, 2, 3], 0.9): position 0.9·3 = 2.7 → 2 + 0.7·(3 − 2) = 2.7, so the
    // threshold is 2.7/σ = 1.41003.
    Eigen::MatrixXd train(6, 1);
    train << -1, 1, -1, 1, -3, 3;
    ZScoreOptions options;
    options.smoothingRows = 2;
    options.quantile = 0.9;
    const double expected = 2.7 / std::sqrt(22.0 / 6.0);
    QVERIFY2(std::abs(zscoreOrFail(train, options).threshold() - expected) < 1e-12,
        qPrintable(QString::number(zscoreOrFail(train, options).threshold(), 'g', 17)));
    options.contamination = 0.1; // the same quantile, 1 − c
    QVERIFY(std::abs(zscoreOrFail(train, options).threshold() - expected) < 1e-12);
    options.contamination.reset();
    options.threshold = 0.25;
    QCOMPARE(zscoreOrFail(train, options).threshold(), 0.25);
}

void tst_AnomalyModels::zscoreExplanationNamesPlantedFeature()
{
    const Eigen::MatrixXd train = noiseRows(500, 4, 11);
    const ZScoreDetector detector = zscoreOrFail(train);
    // Feature 2 (σ 3) is 8σ out; the others at their means.
    const double planted[] = { 10, 20, 30 + 24, 40 };
    const AnomalyScore explained = detector.explain(planted);
    QCOMPARE(explained.drivers.first().feature, kNames[2]);
    QVERIFY(explained.drivers.first().share > 0.9);
    QVERIFY(explained.score > 7 && explained.score < 9);
    QVERIFY(explained.anomaly);
    const double normal[] = { 10, 20, 30, 40 };
    QVERIFY(!detector.explain(normal).anomaly);
}

void tst_AnomalyModels::zscoreInvalidInputRefused_data()
{
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("smoothing");
    QTest::addColumn<double>("contamination");
    QTest::addColumn<double>("threshold");
    QTest::addColumn<bool>("nan");
    QTest::addColumn<QString>("field");
    QTest::newRow("one row") << 1 << 1 << 0.0 << -1.0 << false << "train";
    QTest::newRow("rows not beyond smoothing") << 30 << 30 << 0.0 << -1.0 << false << "train";
    QTest::newRow("smoothing 0") << 50 << 0 << 0.0 << -1.0 << false << "smoothingRows";
    QTest::newRow("contamination 0.6") << 50 << 5 << 0.6 << -1.0 << false << "contamination";
    QTest::newRow("both") << 50 << 5 << 0.1 << 2.0 << false << "threshold";
    QTest::newRow("NaN in train") << 50 << 5 << 0.0 << -1.0 << true << "train";
}

void tst_AnomalyModels::zscoreInvalidInputRefused()
{
    QFETCH(int, rows);
    QFETCH(int, smoothing);
    QFETCH(double, contamination);
    QFETCH(double, threshold);
    QFETCH(bool, nan);
    QFETCH(QString, field);
    Eigen::MatrixXd train = noiseRows(rows, 2, 5);
    if (nan)
        train(3, 1) = std::nan("");
    ZScoreOptions options;
    options.smoothingRows = smoothing;
    if (contamination > 0)
        options.contamination = contamination;
    if (threshold >= 0)
        options.threshold = threshold;
    const Result<ZScoreDetector> detector = ZScoreDetector::fit(train, kNames.mid(0, 2), options);
    QVERIFY(!detector);
    QCOMPARE(detector.error().code, Error::Code::Invalid);
    QCOMPARE(detector.error().field, field);
}

void tst_AnomalyModels::zscoreRoundTripAndDamageRefused()
{
    const ZScoreDetector detector = zscoreOrFail(noiseRows(200, 3, 2));
    const QByteArray bytes = detector.serialize();
    const Result<std::unique_ptr<Detector>> back = deserializeDetector(bytes);
    QVERIFY2(back, back ? "" : qPrintable(back.error().message));
    QCOMPARE(back.value()->kind(), QStringLiteral("zscore_max"));
    QCOMPARE(back.value()->threshold(), detector.threshold());
    QCOMPARE(back.value()->smoothingRows(), 30);
    QCOMPARE(back.value()->featureNames(), detector.featureNames());
    const Eigen::MatrixXd probe = noiseRows(50, 3, 9);
    const Eigen::VectorXd a = detector.scores(probe);
    const Eigen::VectorXd b = back.value()->scores(probe);
    QVERIFY(std::memcmp(a.data(), b.data(), sizeof(double) * size_t(a.size())) == 0);
    QCOMPARE(back.value()->serialize(), bytes);
    // Every flipped byte and every truncation is refused (the digest or a size check).
    for (int i = 0; i < bytes.size(); ++i) {
        QByteArray flipped = bytes;
        flipped[i] = char(flipped[i] ^ 0x01);
        QVERIFY2(!deserializeDetector(flipped), qPrintable(QString::number(i)));
    }
    for (int cut = 0; cut < bytes.size(); cut += 7)
        QVERIFY(!deserializeDetector(bytes.left(cut)));
}

void tst_AnomalyModels::zscoreStructuralDamageWithValidChecksumRefused()
{
    const QByteArray payload = zscoreOrFail(noiseRows(100, 2, 4)).serialize().mid(kZHeaderBytes);
    // Layout: u32 2, names (4 + 9, 4 + 12), 2 × (mean, σ), smoothing i32, quantile, flags,
    // contamination, threshold option, threshold.
    const int moments = 4 + 4 + 9 + 4 + 12;
    const int options = moments + 32;
    auto patchedDouble = [&](int offset, double value) {
        QByteArray bytes = payload;
        quint64 bits;
        std::memcpy(&bits, &value, 8);
        qToLittleEndian<quint64>(bits, bytes.data() + offset);
        return Wire::envelope(QStringLiteral("zscore_max"), bytes);
    };
    QVERIFY(deserializeDetector(Wire::envelope(QStringLiteral("zscore_max"), payload)));
    const struct
    {
        QByteArray bytes;
        const char *what;
    } cases[] = {
        { patchedDouble(moments + 8, -1.0), "negative sigma" },
        { patchedDouble(moments, std::nan("")), "NaN mean" },
        { patchedDouble(options + 4, 1.5), "quantile 1.5" },
        { patchedDouble(options + 4 + 8 + 1 + 16, std::nan("")), "NaN threshold" },
        { Wire::envelope(QStringLiteral("zscore_max"), payload + "x"), "trailing byte" },
        { Wire::envelope(QStringLiteral("zscore_max"), payload.left(payload.size() - 1)),
            "short payload" },
    };
    for (const auto &c : cases) {
        const Result<std::unique_ptr<Detector>> detector = deserializeDetector(c.bytes);
        QVERIFY2(!detector, c.what);
        QCOMPARE(detector.error().code, Error::Code::Unprocessable);
    }
    QByteArray hugeCount = payload;
    qToLittleEndian<quint32>(1000000, hugeCount.data());
    QVERIFY(!deserializeDetector(Wire::envelope(QStringLiteral("zscore_max"), hugeCount)));
}

void tst_AnomalyModels::streamSmoothingIsTheRollingMean()
{
    // Train −1, 1: μ = 0, σ = 1, so the raw score of x is |x|. Pushing 1, 4, −7, 2, 0 with
    // a 3-row window: means 1, (1+4)/2 = 2.5, (1+4+7)/3 = 4, (4+7+2)/3 = 13/3, (7+2+0)/3 = 3.
    Eigen::MatrixXd train(2, 1);
    train << -1, 1;
    ZScoreOptions options;
    options.smoothingRows = 3;
    options.threshold = 4;
    auto detector = std::make_shared<const ZScoreDetector>(zscoreOrFail(train, options));
    AnomalyStream stream(detector);
    const double pushed[] = { 1, 4, -7, 2, 0 };
    const double expected[] = { 1, 2.5, 4, 13.0 / 3.0, 3 };
    const bool anomalous[] = { false, false, true, true, false };
    Eigen::MatrixXd series(5, 1);
    for (int i = 0; i < 5; ++i) {
        const AnomalyScore s = stream.push(&pushed[i]);
        QVERIFY2(std::abs(s.score - expected[i]) < 1e-12, qPrintable(QString::number(i)));
        QCOMPARE(s.anomaly, anomalous[i]);
        QCOMPARE(s.drivers.first().feature, kNames[0]);
        series(i, 0) = pushed[i];
    }
    // The batch path gives the same bits.
    stream.reset();
    const Eigen::VectorXd batch = smoothedScores(*detector, series);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(stream.push(&pushed[i]).score, batch[i]);
    QCOMPARE(stream.rowsPushed(), qint64(5));
    QVERIFY(smoothedScores(*detector, Eigen::MatrixXd(3, 2)).size() == 0);
}

void tst_AnomalyModels::forestSmoothingOptionStoredAndOldPayloadsRead()
{
    const Eigen::MatrixXd train = noiseRows(400, 4, 8);
    IsolationForestOptions options;
    options.trees = 20;
    options.contamination = 0.01;
    options.smoothingRows = 30;
    Result<IsolationForest> forest = IsolationForest::fit(train, kNames, options);
    QVERIFY(forest);
    QCOMPARE(forest->smoothingRows(), 30);
    // The threshold is the 0.99 quantile of the smoothed training scores on rows [30, 400).
    QCOMPARE(forest->threshold(), smoothedTrainingQuantile(forest->scores(train), 30, 0.99));
    const QByteArray bytes = forest->serialize();
    const Result<std::unique_ptr<Detector>> back = deserializeDetector(bytes);
    QVERIFY(back);
    QCOMPARE(back.value()->smoothingRows(), 30);
    // A payload from before the option (no trailing i32) reads as 1.
    const int header = 7 + 2 + 2 + 16 + 4 + 32;
    const QByteArray oldPayload = bytes.mid(header).chopped(4);
    const Result<std::unique_ptr<Detector>> old
        = deserializeDetector(Wire::envelope(QStringLiteral("isolation_forest"), oldPayload));
    QVERIFY(old);
    QCOMPARE(old.value()->smoothingRows(), 1);
    QByteArray zero = bytes.mid(header);
    qToLittleEndian<qint32>(0, zero.data() + zero.size() - 4);
    QVERIFY(!deserializeDetector(Wire::envelope(QStringLiteral("isolation_forest"), zero)));
}

void tst_AnomalyModels::screeningDropsDriftingFeature()
{
    // 8 chunks of 1,000 rows: two stationary noise features and one that drifts within
    // every chunk (a ramp of 0.01 σ per row: the fit rows span 0–4, the test rows 4–10, so
    // most test rows lie beyond the fit's 99th percentile of |z|).
    Normal normal(21);
    Eigen::MatrixXd healthy(8000, 3);
    for (int r = 0; r < 8000; ++r) {
        healthy(r, 0) = 5 + normal();
        healthy(r, 1) = -2 + 0.1 * normal();
        healthy(r, 2) = 50 + normal() + 0.01 * (r % 1000);
    }
    const QStringList names = { QStringLiteral("steady"), QStringLiteral("quiet"),
        QStringLiteral("drifting") };
    const Result<FeatureScreenResult> screen = screenFeatures(healthy, names);
    QVERIFY(screen);
    QCOMPARE(screen->chunkRows, 1000);
    QCOMPARE(screen->fitRows, 400);
    QCOMPARE(screen->kept, QStringList({ QStringLiteral("steady"), QStringLiteral("quiet") }));
    QCOMPARE(screen->rates.size(), 3);
    // Stationary noise exceeds its training 99th percentile about 1 % of the time.
    QVERIFY(screen->rates[0].falseAlarmRate < 0.03);
    QVERIFY(screen->rates[1].falseAlarmRate < 0.03);
    QVERIFY(screen->rates[2].falseAlarmRate > 0.5);
    QVERIFY(!screen->rates[2].kept);
    // Short chunks fit on their first 35 %.
    const Result<FeatureScreenResult> shortChunks = screenFeatures(healthy.topRows(800), names);
    QVERIFY(shortChunks);
    QCOMPARE(shortChunks->fitRows, 35);
}

void tst_AnomalyModels::screeningKeepsLowestWhenAllFail()
{
    Normal normal(3);
    Eigen::MatrixXd healthy(4000, 2);
    for (int r = 0; r < 4000; ++r) {
        healthy(r, 0) = normal() + 0.02 * (r % 500);
        healthy(r, 1) = normal() + 0.05 * (r % 500);
    }
    const Result<FeatureScreenResult> screen
        = screenFeatures(healthy, { QStringLiteral("slow"), QStringLiteral("fast") });
    QVERIFY(screen);
    QCOMPARE(screen->kept, QStringList { QStringLiteral("slow") });
    QVERIFY(screen->rates[0].falseAlarmRate > 0.15);
    QVERIFY(!screenFeatures(healthy, { QStringLiteral("one") }));
}

void tst_AnomalyModels::levelAlarmHoldsAndDeduplicates()
{
    // Training: 10 + N(0, 1); the 4-row means have σ 0.5, so 1.4826·MAD ≈ 0.5 and the limit
    // |z| > 3 is a mean below about 8.5.
    Normal normal(5);
    Eigen::VectorXd train(300);
    for (int i = 0; i < 300; ++i)
        train[i] = 10 + normal();
    LevelAlarmOptions options;
    options.meanRows = 4;
    options.limitZ = 3;
    options.holdRows = 5;
    options.dedupS = 100;
    Result<LevelAlarm> fitted = LevelAlarm::fit(train, options);
    QVERIFY(fitted);
    LevelAlarm alarm = fitted.value();
    QVERIFY(std::abs(alarm.median() - 10) < 0.2);
    // After 10s, zeros give means 7.5, 5, 2.5, 0, …: the condition holds from the first zero
    // on, so 10 zeros trigger at the 5th to the 10th: 6 triggers, one ticket.
    double t = 0;
    auto feed = [&](double value, int count) {
        int triggers = 0;
        for (int i = 0; i < count; ++i, t += 10)
            triggers += alarm.push(t, value).trigger ? 1 : 0;
        return triggers;
    };
    QCOMPARE(feed(10, 20), 0);
    QCOMPARE(feed(0, 10), 6);
    QCOMPARE(alarm.tickets().size(), 1);
    feed(10, 5); // back to normal, within 100 s of the last update
    feed(0, 10);
    QCOMPARE(alarm.tickets().size(), 1); // updated, not a new ticket
    QVERIFY(alarm.tickets().first().triggers > 5);
    feed(10, 30); // 300 s: beyond the dedup gap
    feed(0, 10);
    QCOMPARE(alarm.tickets().size(), 2);
    QVERIFY(!LevelAlarm::fit(Eigen::VectorXd::Constant(100, 3.0), options));
}

namespace {

// Degradation to failure over 120–240 steps: sensor "wear" = 0.2·remaining + noise·N(0, 1),
// sensor "noise" = 5 + N(0, 1) only.
QList<RunHistory> degradingUnits(int count, quint64 seed, double noise)
{
    Normal normal(seed);
    QList<RunHistory> units;
    for (int u = 0; u < count; ++u) {
        const int life = 120 + int(normal.uniform() * 120);
        RunHistory unit;
        unit.unit = QStringLiteral("u%1").arg(u);
        unit.time.resize(life);
        unit.values.resize(life, 2);
        for (int t = 0; t < life; ++t) {
            unit.time[t] = t + 1;
            unit.values(t, 0) = 0.2 * double(life - 1 - t) + noise * normal();
            unit.values(t, 1) = 5 + normal();
        }
        units.append(unit);
    }
    return units;
}

const QStringList kSensors = { QStringLiteral("wear"), QStringLiteral("noise") };

} // namespace

void tst_AnomalyModels::rulSlopeAndWindowFeaturesClosedForm()
{
    RulOptions options;
    options.window = 30;
    options.folds = 2;
    // Two histories whose sensor 0 spans exactly [0, 1], so min-max scaling is the identity.
    RunHistory a;
    a.time = Eigen::VectorXd::LinSpaced(50, 1, 50);
    a.values.resize(50, 2);
    for (int t = 0; t < 50; ++t) {
        a.values(t, 0) = std::pow(double(t) / 49.0, 2);
        a.values(t, 1) = t % 3;
    }
    RunHistory b = a;
    b.values.col(0) = 1 - b.values.col(0).array();
    const Result<RulModel> model = RulModel::fit({ a, b }, kSensors, options);
    QVERIFY2(model, model ? "" : qPrintable(model.error().message));
    const Eigen::Index step = 40;
    const Eigen::RowVectorXd f = model->features(a, step);
    QCOMPARE(f.size(), Eigen::Index(4 * 2 + 1));
    // Ordinary least squares over x = 0 … 29 of the window (rows 11 … 40):
    // slope = (mΣxy − ΣxΣy)/(mΣx² − (Σx)²).
    double sx = 0, sy = 0, sxy = 0, sxx = 0, ewm = 0;
    const int m = 30;
    for (int i = 0; i < m; ++i) {
        const double y = a.values(step - m + 1 + i, 0);
        sx += i;
        sy += y;
        sxy += i * y;
        sxx += double(i) * i;
        ewm = i == 0 ? y : 0.1 * y + 0.9 * ewm;
    }
    const double slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
    QVERIFY2(std::abs(f[4] - 10 * slope) < 1e-12, qPrintable(QString::number(f[4] - 10 * slope)));
    QVERIFY(std::abs(f[0] - sy / m) < 1e-12); // mean
    QVERIFY(std::abs(f[2] - a.values(step, 0)) < 1e-12); // last
    QVERIFY(std::abs(f[6] - ewm) < 1e-12); // EWM from the window's first row
    QVERIFY(std::abs(f[8] - 41.0 / 100.0) < 1e-12); // time / 100
    // At step 0 the window is one row: slope 0, EWM = mean = last.
    const Eigen::RowVectorXd first = model->features(a, 0);
    QCOMPARE(first[4], 0.0);
    QCOMPARE(first[6], first[0]);
}

void tst_AnomalyModels::rulRecoversSyntheticLifeAndIntervalCovers()
{
    RulOptions options;
    options.cap = 1000; // no cap: the target is the remaining life itself
    options.sensors = { QStringLiteral("wear") };
    const Result<RulModel> model = RulModel::fit(degradingUnits(40, 1, 1.0), kSensors, options);
    QVERIFY2(model, model ? "" : qPrintable(model.error().message));
    QCOMPARE(model->sensors(), QStringList { QStringLiteral("wear") });
    QVERIFY(model->cvRmse() < 3);
    // Held-out units cut at random points: the known remaining life is recovered within a few
    // steps, and the 80 % interval covers about 80 % of them.
    const QList<RunHistory> test = degradingUnits(200, 99, 1.0);
    Normal cut(7);
    int covered = 0;
    double absoluteError = 0;
    for (const RunHistory &unit : test) {
        const int life = int(unit.time.size());
        const int keep = 30 + int(cut.uniform() * (life - 30));
        RunHistory partial;
        partial.time = unit.time.head(keep);
        partial.values = unit.values.topRows(keep);
        const double truth = double(life - keep);
        const Result<RulPrediction> p = model->predict(partial);
        QVERIFY(p);
        absoluteError += std::abs(p->rul - truth);
        QVERIFY(p->low <= p->rul && p->rul <= p->high && p->low >= 0);
        covered += truth >= p->low && truth <= p->high ? 1 : 0;
    }
    QVERIFY2(absoluteError / 200 < 3, qPrintable(QString::number(absoluteError / 200)));
    QVERIFY2(covered >= 140 && covered <= 180, qPrintable(QString::number(covered)));
    RunHistory wrong;
    wrong.time = Eigen::VectorXd::LinSpaced(3, 1, 3);
    wrong.values = Eigen::MatrixXd::Zero(3, 3);
    QVERIFY(!model->predict(wrong));
    QCOMPARE(model->predict(wrong).error().field, QStringLiteral("history"));
}

void tst_AnomalyModels::rulRoundTripAndDamageRefused()
{
    RulOptions options;
    options.folds = 3;
    const Result<RulModel> model = RulModel::fit(degradingUnits(9, 4, 1.0), kSensors, options);
    QVERIFY(model);
    const QByteArray bytes = model->serialize();
    const Result<RulModel> back = RulModel::deserialize(bytes);
    QVERIFY2(back, back ? "" : qPrintable(back.error().message));
    const RunHistory probe = degradingUnits(1, 77, 1.0).first();
    QCOMPARE(back->predict(probe)->rul, model->predict(probe)->rul);
    QCOMPARE(back->cvRmse(), model->cvRmse());
    QCOMPARE(back->serialize(), bytes);
    for (int i = 0; i < bytes.size(); i += 3) {
        QByteArray flipped = bytes;
        flipped[i] = char(flipped[i] ^ 0x04);
        QVERIFY2(!RulModel::deserialize(flipped), qPrintable(QString::number(i)));
    }
    QVERIFY(!RulModel::deserialize(bytes.left(bytes.size() - 8)));
    // A detector is not a RUL model, and a RUL model is no detector.
    QVERIFY(!RulModel::deserialize(zscoreOrFail(noiseRows(50, 2, 1)).serialize()));
    QVERIFY(!deserializeDetector(bytes));
    // Valid checksum, damaged content: a negative range.
    const int header = 7 + 2 + 2 + 9 + 4 + 32;
    QByteArray payload = bytes.mid(header);
    const int scaling = 4 + 8 * 3 + 4 + 8 + 8 + 4 + (4 + 4) + (4 + 5) + 4 + 2 * 4;
    double negative = -1;
    quint64 bitsOut;
    std::memcpy(&bitsOut, &negative, 8);
    qToLittleEndian<quint64>(bitsOut, payload.data() + scaling + 8);
    QVERIFY(!RulModel::deserialize(Wire::envelope(QStringLiteral("rul_ridge"), payload)));
}

QTEST_GUILESS_MAIN(tst_AnomalyModels)
#include "tst_anomalymodels.moc"

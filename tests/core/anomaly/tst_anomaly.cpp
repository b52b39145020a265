#include "anomaly/detector.h"
#include "anomaly/isolationforest.h"
#include "anomaly/trend.h"

#include <QTest>
#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <vector>

using namespace Laces::Core;
using namespace Laces::Core::Anomaly;

// Isolation Forest (shared/references/maintenance.md, Liu, Ting & Zhou 2008) and the robust
// trend (Theil–Sen, Sen 1968) against closed forms, a reference implementation (scipy) and
// planted anomalies whose answer is known.
class tst_Anomaly : public QObject
{
    Q_OBJECT

private slots:
    void averagePathLength_data();
    void averagePathLength();
    void scoreIsTheDefinitionOverTheTrees();
    void sameSeedSameScores();
    void otherSeedOtherTreesSameOutlier();
    void threadsGiveIdenticalBits();
    void plantedAnomaliesRankFirst();
    void twoFeaturePlantNamesBoth();
    void meanRowIsNormal();
    void contaminationSetsThreshold();
    void deepTreesStillIsolate();
    void invalidInputRefused_data();
    void invalidInputRefused();
    void roundTripIsBitIdentical();
    void damagedBytesRefused_data();
    void damagedBytesRefused();
    void everyFlippedByteRefused();
    void structuralDamageWithValidChecksumRefused();
    void hostilePayloadsNeverCrash();

    void theilSenIgnoresGrossOutliers();
    void senIntervalMatchesScipy_data();
    void senIntervalMatchesScipy();
    void senIntervalCollapsesOnExactLine();
    void theilSenSampledForLongSeries();
    void theilSenRefusesBadInput_data();
    void theilSenRefusesBadInput();
    void timeToThresholdClosedForm();
    void timeToThresholdNoisy();
    void vibrationMagnitude();
};

namespace {

const QStringList kFeatures = { QStringLiteral("temperature_c"), QStringLiteral("pressure_bar"),
    QStringLiteral("current_a"), QStringLiteral("vibration_x"), QStringLiteral("vibration_y"),
    QStringLiteral("vibration_z"), QStringLiteral("speed_rpm") };
constexpr int kVibrationZ = 5;

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

// Machine-like rows: one latent load drives all seven features (loadings 0.3–0.5, so the
// features correlate at 0.1–0.25), in physical units. `planted` rows (the last ones) are shifted by
// `shiftSigma` standard deviations in each of `shifted` features.
Eigen::MatrixXd machineRows(int rows, quint64 seed, int planted = 0,
    const std::vector<int> &shifted = {}, double shiftSigma = 10)
{
    static const double loading[] = { 0.5, 0.35, 0.45, 0.3, 0.3, 0.35, 0.425 };
    static const double mean[] = { 65, 4.2, 12, 1.1, 1.0, 1.4, 1480 };
    static const double sd[] = { 4, 0.3, 1.5, 0.2, 0.2, 0.25, 30 };
    Normal normal(seed);
    Eigen::MatrixXd x(rows, 7);
    for (int r = 0; r < rows; ++r) {
        const double load = normal();
        for (int f = 0; f < 7; ++f) {
            double z = loading[f] * load + std::sqrt(1 - loading[f] * loading[f]) * normal();
            if (r >= rows - planted
                && std::find(shifted.begin(), shifted.end(), f) != shifted.end())
                z += shiftSigma;
            x(r, f) = mean[f] + sd[f] * z;
        }
    }
    return x;
}

IsolationForest fitOrFail(const Eigen::MatrixXd &train, IsolationForestOptions options = {})
{
    Result<IsolationForest> forest
        = IsolationForest::fit(train, kFeatures.mid(0, train.cols()), options);
    if (!forest)
        qFatal("fit failed: %s", qPrintable(forest.error().message));
    return std::move(forest).value();
}

bool bitIdentical(const Eigen::VectorXd &a, const Eigen::VectorXd &b)
{
    return a.size() == b.size()
        && std::memcmp(a.data(), b.data(), size_t(a.size()) * sizeof(double)) == 0;
}

std::vector<double> rowOf(const Eigen::MatrixXd &x, Eigen::Index r)
{
    std::vector<double> row(size_t(x.cols()));
    for (Eigen::Index c = 0; c < x.cols(); ++c)
        row[size_t(c)] = x(r, c);
    return row;
}

// ROC AUC as the Mann–Whitney statistic, ties counted half.
double rocAuc(const Eigen::VectorXd &scores, int positivesFrom)
{
    std::vector<int> order(size_t(scores.size()));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return scores[a] < scores[b]; });
    double positiveRankSum = 0;
    for (size_t i = 0; i < order.size();) {
        size_t j = i;
        while (j < order.size() && scores[order[j]] == scores[order[i]])
            ++j;
        const double rank = 0.5 * double(i + 1 + j); // average of ranks i+1 .. j
        for (size_t k = i; k < j; ++k)
            if (order[k] >= positivesFrom)
                positiveRankSum += rank;
        i = j;
    }
    const double positives = double(scores.size() - positivesFrom);
    const double negatives = double(positivesFrom);
    return (positiveRankSum - positives * (positives + 1) / 2) / (positives * negatives);
}

int plantedInTop(const Eigen::VectorXd &scores, int positivesFrom, int top)
{
    std::vector<int> order(size_t(scores.size()));
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + top, order.end(),
        [&](int a, int b) { return scores[a] > scores[b]; });
    return int(std::count_if(
        order.begin(), order.begin() + top, [&](int i) { return i >= positivesFrom; }));
}

Eigen::Index argMax(const Eigen::VectorXd &v)
{
    Eigen::Index best = 0;
    v.maxCoeff(&best);
    return best;
}

// Header of the envelope: magic 7, version 2, kind length 2, "isolation_forest" 16,
// payload length 4, SHA-256 32.
constexpr int kHeaderBytes = 7 + 2 + 2 + 16 + 4 + 32;

QByteArray smallModelBytes()
{
    IsolationForestOptions options;
    options.trees = 3;
    options.sampleSize = 16;
    options.seed = 7;
    return fitOrFail(machineRows(64, 3).leftCols(3), options).serialize();
}

} // namespace

void tst_Anomaly::averagePathLength_data()
{
    QTest::addColumn<qint64>("n");
    QTest::addColumn<double>("expected");
    // c(n) = 2H(n−1) − 2(n−1)/n, H(i) ≈ ln i + 0.5772156649 (Liu, Ting & Zhou 2008, eq. 1),
    // evaluated by hand: c(256) = 2(ln 255 + 0.5772156649) − 2·255/256
    //                          = 2(5.5412635451584 + 0.5772156649) − 1.9921875 = 10.2447709201.
    QTest::newRow("psi 256") << qint64(256) << 10.244770920116851;
    QTest::newRow("n 3") << qint64(3) << 2 * (std::log(2.0) + 0.5772156649) - 4.0 / 3.0;
    QTest::newRow("n 10") << qint64(10) << 3.7488804844724397;
    QTest::newRow("n 100000") << qint64(100000) << 22.180282259640457;
    // H(1) = 1 exactly: c(2) = 2 − 1 = 1 (scikit-learn's special case); a single row: 0.
    QTest::newRow("n 2") << qint64(2) << 1.0;
    QTest::newRow("n 1") << qint64(1) << 0.0;
}

void tst_Anomaly::averagePathLength()
{
    QFETCH(qint64, n);
    QFETCH(double, expected);
    QVERIFY2(std::abs(IsolationForest::averagePathLength(n) - expected) < 1e-9,
        qPrintable(QString::number(IsolationForest::averagePathLength(n), 'g', 17)));
}

// The score from the published trees by the paper's definition, walked here independently
// of the library's scoring layout: s = 2^(−mean(depth + c(size))/c(ψ)).
void tst_Anomaly::scoreIsTheDefinitionOverTheTrees()
{
    const Eigen::MatrixXd x = machineRows(1000, 11, 5, { kVibrationZ });
    const IsolationForest forest = fitOrFail(x);
    QCOMPARE(forest.sampleSize(), 256);
    QCOMPARE(forest.maxDepth(), 8); // ceil(log2 256)
    QCOMPARE(int(forest.trees().size()), 100);
    const Eigen::VectorXd batch = forest.scores(x);
    for (Eigen::Index r = 0; r < x.rows(); r += 37) {
        double pathSum = 0;
        for (const IsolationTree &tree : forest.trees()) {
            int node = 0;
            int depth = 0;
            while (tree.nodes[node].feature >= 0) {
                const IsolationTree::Node &n = tree.nodes[node];
                const double z = forest.scaling().apply(n.feature, x(r, n.feature));
                node = z >= n.split ? n.left + 1 : n.left;
                ++depth;
            }
            QVERIFY(depth <= 8);
            pathSum += depth + IsolationForest::averagePathLength(tree.nodes[node].size);
        }
        const double expected
            = std::exp2(-(pathSum / 100) / IsolationForest::averagePathLength(256));
        QVERIFY2(
            std::abs(batch[r] - expected) < 1e-12, qPrintable(QStringLiteral("row %1").arg(r)));
        const std::vector<double> row = rowOf(x, r);
        QVERIFY(forest.score(row.data()) == batch[r]);
    }
}

void tst_Anomaly::sameSeedSameScores()
{
    const Eigen::MatrixXd x = machineRows(2000, 1, 20, { kVibrationZ });
    IsolationForestOptions options;
    options.seed = 42;
    const IsolationForest a = fitOrFail(x, options);
    const IsolationForest b = fitOrFail(x, options);
    QVERIFY(bitIdentical(a.scores(x), b.scores(x)));
    QCOMPARE(a.serialize(), b.serialize());
}

void tst_Anomaly::otherSeedOtherTreesSameOutlier()
{
    Eigen::MatrixXd x = machineRows(2000, 2);
    // One row 6 σ out in four features. (Beyond the range of a tree's subsample every row
    // follows the extreme rows' path, so the score of a row out in one or two features
    // saturates, and rows 2–3 σ out in five features can outrank it, in scikit-learn too.)
    x(777, 0) += 6 * 4;
    x(777, 2) += 6 * 1.5;
    x(777, kVibrationZ) += 6 * 0.25;
    x(777, 6) += 6 * 30;
    IsolationForestOptions first;
    first.seed = 1;
    IsolationForestOptions second;
    second.seed = 2;
    const IsolationForest a = fitOrFail(x, first);
    const IsolationForest b = fitOrFail(x, second);
    const IsolationTree::Node &rootA = a.trees()[0].nodes[0];
    const IsolationTree::Node &rootB = b.trees()[0].nodes[0];
    QVERIFY(rootA.split != rootB.split || rootA.feature != rootB.feature);
    QVERIFY(!bitIdentical(a.scores(x), b.scores(x)));
    QCOMPARE(argMax(a.scores(x)), Eigen::Index(777));
    QCOMPARE(argMax(b.scores(x)), Eigen::Index(777));
}

void tst_Anomaly::threadsGiveIdenticalBits()
{
    const Eigen::MatrixXd x = machineRows(20000, 5, 200, { kVibrationZ });
    const IsolationForest forest = fitOrFail(x);
    const Eigen::VectorXd one = forest.scores(x, 1);
    QVERIFY(bitIdentical(one, forest.scores(x, 2)));
    QVERIFY(bitIdentical(one, forest.scores(x, 3)));
    QVERIFY(bitIdentical(one, forest.scores(x)));
    QVERIFY(bitIdentical(one, forest.Detector::scores(x))); // the interface's per-row loop
}

void tst_Anomaly::plantedAnomaliesRankFirst()
{
    // 1980 normal rows, then 20 shifted by 10 σ in vibration_z alone.
    const Eigen::MatrixXd x = machineRows(2000, 1, 20, { kVibrationZ });
    const IsolationForest forest = fitOrFail(x);
    const Eigen::VectorXd s = forest.scores(x);
    const double auc = rocAuc(s, 1980);
    QVERIFY2(auc > 0.95, qPrintable(QString::number(auc)));
    // Axis-parallel trees pick vibration_z at a node with probability 1/7 only, so rows
    // that are 3 σ out in several features compete with a one-feature shift however large;
    // scikit-learn ranks the same data alike (AUC 0.98–0.99, 6–13 of the top 20 over seeds
    // 1–6). Random ranking would put 0.2 planted rows in the top 20.
    const int top = plantedInTop(s, 1980, 20);
    QVERIFY2(top >= 8, qPrintable(QString::number(top)));
    for (int r = 1980; r < 2000; ++r) {
        const std::vector<double> row = rowOf(x, r);
        const AnomalyScore explained = forest.explain(row.data());
        QCOMPARE(explained.score, s[r]);
        QCOMPARE(explained.anomaly, s[r] >= 0.5);
        QCOMPARE(explained.drivers.size(), 7);
        QCOMPARE(explained.drivers.first().feature, QStringLiteral("vibration_z"));
        double sum = 0;
        for (int i = 0; i < explained.drivers.size(); ++i) {
            sum += explained.drivers[i].share;
            if (i > 0)
                QVERIFY(explained.drivers[i - 1].share >= explained.drivers[i].share);
        }
        QVERIFY(std::abs(sum - 1) < 1e-12);
    }
}

void tst_Anomaly::twoFeaturePlantNamesBoth()
{
    // 20 rows 6 σ out in temperature_c and in current_a: these the trees isolate whichever of
    // the two a node splits on, so they fill the top 20.
    const Eigen::MatrixXd x = machineRows(2000, 4, 20, { 0, 2 }, 6);
    const IsolationForest forest = fitOrFail(x);
    const Eigen::VectorXd s = forest.scores(x);
    QVERIFY(rocAuc(s, 1980) > 0.99);
    const int top = plantedInTop(s, 1980, 20);
    QVERIFY2(top >= 15, qPrintable(QString::number(top)));
    const QStringList both = { QStringLiteral("temperature_c"), QStringLiteral("current_a") };
    for (int r = 1980; r < 2000; ++r) {
        const std::vector<double> row = rowOf(x, r);
        const AnomalyScore explained = forest.explain(row.data());
        QVERIFY2(both.contains(explained.drivers[0].feature)
                && both.contains(explained.drivers[1].feature),
            qPrintable(QStringLiteral("row %1: %2, %3")
                           .arg(r)
                           .arg(explained.drivers[0].feature, explained.drivers[1].feature)));
        QVERIFY(explained.drivers[1].share > explained.drivers[2].share);
    }
}

void tst_Anomaly::meanRowIsNormal()
{
    const Eigen::MatrixXd x = machineRows(2000, 6, 20, { kVibrationZ });
    const IsolationForest forest = fitOrFail(x);
    const Eigen::VectorXd mean = x.colwise().mean();
    const double s = forest.score(mean.data());
    QVERIFY2(s < 0.5, qPrintable(QString::number(s)));
    QVERIFY(!forest.explain(mean.data()).anomaly);
    QCOMPARE(forest.threshold(), 0.5); // scikit-learn's "auto"
}

void tst_Anomaly::contaminationSetsThreshold()
{
    const Eigen::MatrixXd x = machineRows(2000, 7, 20, { kVibrationZ });
    IsolationForestOptions options;
    options.contamination = 0.01;
    const IsolationForest forest = fitOrFail(x, options);
    const Eigen::VectorXd s = forest.scores(x);
    // The 0.99 quantile of 2000 scores lies between the 20th and 21st largest.
    const int flagged = int((s.array() >= forest.threshold()).count());
    QVERIFY2(flagged >= 20 && flagged <= 21, qPrintable(QString::number(flagged)));
    options.contamination.reset();
    options.threshold = 0.62;
    QCOMPARE(fitOrFail(x, options).threshold(), 0.62);
}

// ψ = 8192 gives trees of depth 13, walked node by node rather than in the padded layout.
void tst_Anomaly::deepTreesStillIsolate()
{
    Eigen::MatrixXd x = machineRows(10000, 8);
    x(4321, 0) += 6 * 4;
    x(4321, 2) += 6 * 1.5;
    x(4321, kVibrationZ) += 6 * 0.25;
    x(4321, 6) += 6 * 30;
    IsolationForestOptions options;
    options.sampleSize = 8192;
    options.trees = 20;
    const IsolationForest forest = fitOrFail(x, options);
    QCOMPARE(forest.maxDepth(), 13);
    const Eigen::VectorXd s = forest.scores(x);
    QCOMPARE(argMax(s), Eigen::Index(4321));
    const std::vector<double> row = rowOf(x, 4321);
    QVERIFY(forest.score(row.data()) == s[4321]);
    Result<std::unique_ptr<Detector>> back = deserializeDetector(forest.serialize());
    QVERIFY(back);
    QVERIFY(bitIdentical(back.value()->scores(x), s));
}

void tst_Anomaly::invalidInputRefused_data()
{
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("poisonRow"); // −1: none; else NaN (or inf if poisonInf)
    QTest::addColumn<bool>("poisonInf");
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<int>("trees");
    QTest::addColumn<int>("sampleSize");
    QTest::addColumn<int>("maxDepth");
    QTest::addColumn<double>("contamination"); // 0: unset
    QTest::addColumn<double>("threshold"); // 0: unset
    QTest::addColumn<QString>("field");
    const QStringList three = kFeatures.mid(0, 3);
    QTest::newRow("NaN") << 50 << 10 << false << three << 100 << 256 << 0 << 0.0 << 0.0 << "train";
    QTest::newRow("infinity") << 50 << 49 << true << three << 100 << 256 << 0 << 0.0 << 0.0
                              << "train";
    QTest::newRow("one row") << 1 << -1 << false << three << 100 << 256 << 0 << 0.0 << 0.0
                             << "train";
    QTest::newRow("names short") << 50 << -1 << false << kFeatures.mid(0, 2) << 100 << 256 << 0
                                 << 0.0 << 0.0 << "featureNames";
    QTest::newRow("name twice") << 50 << -1 << false
                                << QStringList { QStringLiteral("a"), QStringLiteral("b"),
                                       QStringLiteral("a") }
                                << 100 << 256 << 0 << 0.0 << 0.0 << "featureNames";
    QTest::newRow("empty name") << 50 << -1 << false
                                << QStringList { QStringLiteral("a"), QString(),
                                       QStringLiteral("c") }
                                << 100 << 256 << 0 << 0.0 << 0.0 << "featureNames";
    QTest::newRow("no trees") << 50 << -1 << false << three << 0 << 256 << 0 << 0.0 << 0.0
                              << "trees";
    QTest::newRow("psi 1") << 50 << -1 << false << three << 100 << 1 << 0 << 0.0 << 0.0
                           << "sampleSize";
    QTest::newRow("depth negative")
        << 50 << -1 << false << three << 100 << 256 << -1 << 0.0 << 0.0 << "maxDepth";
    QTest::newRow("contamination 0.6")
        << 50 << -1 << false << three << 100 << 256 << 0 << 0.6 << 0.0 << "contamination";
    QTest::newRow("contamination negative")
        << 50 << -1 << false << three << 100 << 256 << 0 << -0.1 << 0.0 << "contamination";
    QTest::newRow("threshold 1.5")
        << 50 << -1 << false << three << 100 << 256 << 0 << 0.0 << 1.5 << "threshold";
    QTest::newRow("both") << 50 << -1 << false << three << 100 << 256 << 0 << 0.1 << 0.6
                          << "threshold";
}

void tst_Anomaly::invalidInputRefused()
{
    QFETCH(int, rows);
    QFETCH(int, poisonRow);
    QFETCH(bool, poisonInf);
    QFETCH(QStringList, names);
    QFETCH(int, trees);
    QFETCH(int, sampleSize);
    QFETCH(int, maxDepth);
    QFETCH(double, contamination);
    QFETCH(double, threshold);
    QFETCH(QString, field);
    Eigen::MatrixXd x = machineRows(std::max(rows, 2), 9).topLeftCorner(rows, 3);
    if (poisonRow >= 0)
        x(poisonRow, 1) = poisonInf ? HUGE_VAL : std::nan("");
    IsolationForestOptions options;
    options.trees = trees;
    options.sampleSize = sampleSize;
    options.maxDepth = maxDepth;
    if (contamination != 0)
        options.contamination = contamination;
    if (threshold != 0)
        options.threshold = threshold;
    const Result<IsolationForest> forest = IsolationForest::fit(x, names, options);
    QVERIFY(!forest);
    QCOMPARE(forest.error().code, Error::Code::Invalid);
    QCOMPARE(forest.error().field, field);
    QVERIFY(!forest.error().message.isEmpty());
}

void tst_Anomaly::roundTripIsBitIdentical()
{
    const Eigen::MatrixXd x = machineRows(3000, 10, 30, { kVibrationZ });
    IsolationForestOptions options;
    options.contamination = 0.02;
    options.seed = 99;
    const IsolationForest forest = fitOrFail(x, options);
    const QByteArray bytes = forest.serialize();
    QVERIFY(bytes.startsWith("LACESAD"));
    Result<std::unique_ptr<Detector>> back = deserializeDetector(bytes);
    QVERIFY2(back, qPrintable(back ? QString() : back.error().message));
    const Detector &detector = *back.value();
    QCOMPARE(detector.kind(), QStringLiteral("isolation_forest"));
    QCOMPARE(detector.featureNames(), kFeatures);
    QVERIFY(detector.threshold() == forest.threshold());
    QVERIFY(bitIdentical(detector.scores(x), forest.scores(x)));
    const std::vector<double> row = rowOf(x, 2999);
    QVERIFY(detector.score(row.data()) == forest.score(row.data()));
    QCOMPARE(detector.explain(row.data()).drivers.first().feature, QStringLiteral("vibration_z"));
    QCOMPARE(detector.serialize(), bytes);
}

void tst_Anomaly::damagedBytesRefused_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("reason"); // a word the message must contain
    const QByteArray good = smallModelBytes();
    QTest::newRow("empty") << QByteArray() << "magic";
    QTest::newRow("foreign (PNG)") << QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) << "magic";
    QByteArray magic = good;
    magic[3] = 'X';
    QTest::newRow("wrong magic") << magic << "magic";
    QByteArray future = good;
    future[7] = 2; // format version 2, little-endian
    QTest::newRow("future version") << future << "version 2";
    QByteArray zero = good;
    zero[7] = 0;
    QTest::newRow("version 0") << zero << "version 0";
    for (int cut : { 5, 8, 10, 20, kHeaderBytes - 1, kHeaderBytes, kHeaderBytes + 1,
             int(good.size() / 2), int(good.size() - 1) })
        QTest::addRow("truncated at %d", cut) << good.left(cut) << "truncated";
    QTest::newRow("trailing bytes") << good + QByteArray("x") << "after the payload";
    QByteArray flipped = good;
    flipped[kHeaderBytes + 40] = char(flipped[kHeaderBytes + 40] ^ 0x10);
    QTest::newRow("flipped payload byte") << flipped << "SHA-256";
    QByteArray kind = good;
    kind[11] = 'j'; // "isolation_forest" → "jsolation_forest": the digest covers the kind
    QTest::newRow("kind changed") << kind << "SHA-256";
    QTest::newRow("unknown kind") << Wire::envelope(QStringLiteral("crystal_ball"),
        good.mid(kHeaderBytes)) << "unknown detector kind";
}

void tst_Anomaly::damagedBytesRefused()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, reason);
    const Result<std::unique_ptr<Detector>> detector = deserializeDetector(bytes);
    QVERIFY(!detector);
    QCOMPARE(detector.error().code, Error::Code::Unprocessable);
    QVERIFY2(detector.error().message.contains(reason), qPrintable(detector.error().message));
}

void tst_Anomaly::everyFlippedByteRefused()
{
    const QByteArray good = smallModelBytes();
    QVERIFY(deserializeDetector(good));
    for (int i = 0; i < good.size(); ++i) {
        QByteArray bad = good;
        bad[i] = char(~bad[i]);
        const Result<std::unique_ptr<Detector>> detector = deserializeDetector(bad);
        QVERIFY2(!detector,
            qPrintable(
                QStringLiteral("byte %1 of %2 flipped was accepted").arg(i).arg(good.size())));
    }
}

// A payload that hashes right but describes an impossible tree (a child index out of
// range, a node count beyond the payload, a split on a feature that does not exist).
void tst_Anomaly::structuralDamageWithValidChecksumRefused()
{
    const QByteArray payload = smallModelBytes().mid(kHeaderBytes);
    // The first tree's node array starts after: 4 + 3 names (4 + bytes) + 3·16 scaling +
    // options 12 + 8 + 1 + 16 + ψ/depth/threshold 16 + tree count 4 + node count 4.
    int at = 4;
    for (const QString &name : kFeatures.mid(0, 3))
        at += 4 + int(name.toUtf8().size());
    at += 3 * 16 + 37 + 16 + 4;
    const int nodes = at + 4;
    auto patched = [&](int offset, qint32 value) {
        QByteArray bytes = payload;
        qToLittleEndian<qint32>(value, bytes.data() + offset);
        return Wire::envelope(QStringLiteral("isolation_forest"), bytes);
    };
    const struct
    {
        int offset;
        qint32 value;
    } cases[] = {
        { nodes + 12, 1000 }, // root's left child far past the array
        { nodes + 12, 0 }, // root its own child
        { nodes, 3 }, // root splits on a fourth feature of three
        { nodes + 16, 17 }, // root's size beyond ψ = 16
        { at, 100000 }, // node count beyond the payload
        { at - 4, 2 }, // two trees for three in the options
    };
    for (const auto &c : cases) {
        const Result<std::unique_ptr<Detector>> detector
            = deserializeDetector(patched(c.offset, c.value));
        QVERIFY2(!detector, qPrintable(QStringLiteral("offset %1").arg(c.offset)));
        QCOMPARE(detector.error().code, Error::Code::Unprocessable);
    }
    QVERIFY(deserializeDetector(Wire::envelope(QStringLiteral("isolation_forest"), payload)));
}

void tst_Anomaly::hostilePayloadsNeverCrash()
{
    const QByteArray payload = smallModelBytes().mid(kHeaderBytes);
    Normal random(1234);
    int accepted = 0;
    const double row[] = { 65, 4.2, 12 };
    for (int trial = 0; trial < 3000; ++trial) {
        QByteArray bytes = payload;
        const int edits = 1 + int(random.uniform() * 4);
        for (int e = 0; e < edits; ++e)
            bytes[int(random.uniform() * bytes.size())] = char(int(random.uniform() * 256));
        if (trial % 10 == 0)
            bytes.truncate(int(random.uniform() * bytes.size()));
        const Result<std::unique_ptr<Detector>> detector
            = deserializeDetector(Wire::envelope(QStringLiteral("isolation_forest"), bytes));
        if (!detector) {
            QVERIFY(!detector.error().message.isEmpty());
            continue;
        }
        ++accepted; // e.g. a changed split value: still a valid forest
        const double s = detector.value()->score(row);
        QVERIFY(s > 0 && s <= 1);
    }
    QVERIFY(accepted < 3000);
}

void tst_Anomaly::theilSenIgnoresGrossOutliers()
{
    // y = 2 + 0.5 t with ±0.1 noise; every fifth point (20 %) is a gross outlier, −60 in
    // the first half and +60 in the second, which tilts least squares.
    QList<double> t;
    QList<double> y;
    Normal normal(77);
    for (int i = 0; i < 100; ++i) {
        t.append(i);
        double v = 2 + 0.5 * i + 0.1 * normal();
        if (i % 5 == 2)
            v += i < 50 ? -60 : 60;
        y.append(v);
    }
    const Result<TrendFit> fit = fitTheilSen(t, y);
    QVERIFY(fit);
    QVERIFY2(
        std::abs(fit->slopePerHour - 0.5) < 0.01, qPrintable(QString::number(fit->slopePerHour)));
    QVERIFY2(std::abs(fit->intercept - 2) < 0.3, qPrintable(QString::number(fit->intercept)));
    QVERIFY(fit->slopeLow <= fit->slopePerHour && fit->slopePerHour <= fit->slopeHigh);
    QCOMPARE(fit->points, 100);
    // Least squares on the same data, for contrast.
    const double meanT = std::accumulate(t.begin(), t.end(), 0.0) / 100;
    const double meanY = std::accumulate(y.begin(), y.end(), 0.0) / 100;
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < 100; ++i) {
        sxy += (t[i] - meanT) * (y[i] - meanY);
        sxx += (t[i] - meanT) * (t[i] - meanT);
    }
    const double olsSlope = sxy / sxx;
    const double olsIntercept = meanY - olsSlope * meanT;
    QVERIFY2(std::abs(olsSlope - 0.5) > 0.3, qPrintable(QString::number(olsSlope)));
    QVERIFY2(std::abs(olsIntercept - 2) > 10, qPrintable(QString::number(olsIntercept)));
}

void tst_Anomaly::senIntervalMatchesScipy_data()
{
    QTest::addColumn<double>("confidence");
    QTest::addColumn<double>("slope");
    QTest::addColumn<double>("intercept");
    QTest::addColumn<double>("low");
    QTest::addColumn<double>("high");
    // scipy 1.10.1: stats.theilslopes(y, t, confidence, method='joint') on the data in
    // senIntervalMatchesScipy (ties in time at t = 10 and in values 2.4 and 4.1).
    QTest::newRow("95 %") << 0.95 << 0.26666666666666666 << 2.033333333333333 << 0.23000000000000004
                          << 0.3;
    QTest::newRow("90 %") << 0.90 << 0.26666666666666666 << 2.033333333333333 << 0.23999999999999994
                          << 0.2999999999999998;
}

void tst_Anomaly::senIntervalMatchesScipy()
{
    QFETCH(double, confidence);
    QFETCH(double, slope);
    QFETCH(double, intercept);
    QFETCH(double, low);
    QFETCH(double, high);
    const QList<double> t = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 11, 12, 13, 14 };
    const QList<double> y
        = { 2.1, 2.4, 2.4, 3.0, 2.9, 3.6, 3.3, 4.0, 4.1, 4.1, 4.8, 4.4, 5.2, 5.0, 5.9, 5.6 };
    const Result<TrendFit> fit = fitTheilSen(t, y, confidence);
    QVERIFY(fit);
    QVERIFY(std::abs(fit->slopePerHour - slope) < 1e-12);
    QVERIFY(std::abs(fit->intercept - intercept) < 1e-12);
    QVERIFY2(
        std::abs(fit->slopeLow - low) < 1e-12, qPrintable(QString::number(fit->slopeLow, 'g', 17)));
    QVERIFY2(std::abs(fit->slopeHigh - high) < 1e-12,
        qPrintable(QString::number(fit->slopeHigh, 'g', 17)));
}

void tst_Anomaly::senIntervalCollapsesOnExactLine()
{
    // y = 3 − 0.25 t exactly: every pairwise slope is −0.25, so the interval is that point.
    QList<double> t;
    QList<double> y;
    for (int i = 0; i < 30; ++i) {
        t.append(2.0 * i);
        y.append(3 - 0.25 * 2.0 * i);
    }
    const Result<TrendFit> fit = fitTheilSen(t, y);
    QVERIFY(fit);
    QCOMPARE(fit->slopePerHour, -0.25);
    QCOMPARE(fit->slopeLow, -0.25);
    QCOMPARE(fit->slopeHigh, -0.25);
    QCOMPARE(fit->intercept, 3.0);
    QCOMPARE(fit->residualMad, 0.0);
    QCOMPARE(fit->lastTimeHours, 58.0);
}

void tst_Anomaly::theilSenSampledForLongSeries()
{
    // 5,000 points: 2,000,000 sampled pairs instead of 12.5 million.
    QList<double> t;
    QList<double> y;
    Normal normal(5);
    for (int i = 0; i < 5000; ++i) {
        t.append(0.1 * i);
        y.append(-4 + 0.03 * 0.1 * i + 0.2 * normal() + (i % 7 == 0 ? 25 : 0));
    }
    const Result<TrendFit> a = fitTheilSen(t, y);
    const Result<TrendFit> b = fitTheilSen(t, y);
    QVERIFY(a && b);
    QCOMPARE(a->slopePerHour, b->slopePerHour); // deterministic
    QCOMPARE(a->slopeLow, b->slopeLow);
    QVERIFY2(
        std::abs(a->slopePerHour - 0.03) < 0.001, qPrintable(QString::number(a->slopePerHour)));
    QVERIFY(a->slopeLow < 0.03 && 0.03 < a->slopeHigh);
    QVERIFY(a->slopeHigh - a->slopeLow < 0.002);
}

void tst_Anomaly::theilSenRefusesBadInput_data()
{
    QTest::addColumn<QList<double>>("t");
    QTest::addColumn<QList<double>>("y");
    QTest::addColumn<double>("confidence");
    QTest::addColumn<QString>("field");
    QTest::newRow("two distinct times")
        << QList<double> { 1, 1, 2, 2 } << QList<double> { 1, 2, 3, 4 } << 0.95 << "tHours";
    QTest::newRow("lengths differ")
        << QList<double> { 1, 2, 3 } << QList<double> { 1, 2 } << 0.95 << "values";
    QTest::newRow("NaN value") << QList<double> { 1, 2, 3 } << QList<double> { 1, std::nan(""), 2 }
                               << 0.95 << "values";
    QTest::newRow("infinite time")
        << QList<double> { 1, HUGE_VAL, 3 } << QList<double> { 1, 2, 3 } << 0.95 << "tHours";
    QTest::newRow("confidence 1") << QList<double> { 1, 2, 3 } << QList<double> { 1, 2, 3 } << 1.0
                                  << "confidence";
}

void tst_Anomaly::theilSenRefusesBadInput()
{
    QFETCH(QList<double>, t);
    QFETCH(QList<double>, y);
    QFETCH(double, confidence);
    QFETCH(QString, field);
    const Result<TrendFit> fit = fitTheilSen(t, y, confidence);
    QVERIFY(!fit);
    QCOMPARE(fit.error().code, Error::Code::Invalid);
    QCOMPARE(fit.error().field, field);
}

void tst_Anomaly::timeToThresholdClosedForm()
{
    // Bearing temperature y = 40 + 0.2 t °C, hourly for 48 h, limit 70 °C: the line gets
    // there (70 − 40 − 0.2·48)/0.2 = 102 h after the last reading.
    QList<double> t;
    QList<double> y;
    for (int i = 0; i <= 48; ++i) {
        t.append(i);
        y.append(40 + 0.2 * i);
    }
    const Result<TrendFit> fit = fitTheilSen(t, y);
    QVERIFY(fit);
    const TimeToThreshold above = timeToThreshold(*fit, 70);
    QVERIFY(above.hours && above.hoursLow && above.hoursHigh);
    const double closedForm = (70 - fit->intercept - fit->slopePerHour * 48) / fit->slopePerHour;
    QVERIFY(std::abs(*above.hours - closedForm) < 1e-12);
    QVERIFY(std::abs(*above.hours - 102) < 1e-9);
    QVERIFY(std::abs(*above.hoursLow - 102) < 1e-9); // the interval has collapsed
    QVERIFY(std::abs(*above.hoursHigh - 102) < 1e-9);
    // No spread: the probability steps from 0 to 1 at the crossing.
    QCOMPARE(above.probabilityWithin(101), 0.0);
    QCOMPARE(above.probabilityWithin(103), 1.0);
    // Already past a 45 °C limit; a rising line never falls to 30 °C.
    QCOMPARE(*timeToThreshold(*fit, 45).hours, 0.0);
    const TimeToThreshold below = timeToThreshold(*fit, 30, LimitSide::Below);
    QVERIFY(!below.hours && !below.hoursLow && !below.hoursHigh);
    QCOMPARE(below.probabilityWithin(1000), 0.0);
}

void tst_Anomaly::timeToThresholdNoisy()
{
    // A falling insulation resistance, 120 readings with noise: y = 500 − 1.5 t MΩ, limit
    // 200 MΩ below.
    QList<double> t;
    QList<double> y;
    Normal normal(31);
    for (int i = 0; i < 120; ++i) {
        t.append(i);
        y.append(500 - 1.5 * i + 4 * normal());
    }
    const Result<TrendFit> fit = fitTheilSen(t, y);
    QVERIFY(fit);
    QVERIFY(fit->residualMad > 1 && fit->residualMad < 5); // 4·0.6745 ≈ 2.7 expected
    const TimeToThreshold ttt = timeToThreshold(*fit, 200, LimitSide::Below);
    QVERIFY(ttt.hours && ttt.hoursLow && ttt.hoursHigh);
    const double closedForm = (200 - fit->intercept - fit->slopePerHour * 119) / fit->slopePerHour;
    QVERIFY(std::abs(*ttt.hours - closedForm) < 1e-9);
    QVERIFY(std::abs(*ttt.hours - (300.0 / 1.5 - 119)) < 5); // the true line: 81 h
    QVERIFY(*ttt.hoursLow < *ttt.hours && *ttt.hours < *ttt.hoursHigh);
    // On the line's crossing the value is as likely above as below the limit.
    QVERIFY(std::abs(ttt.probabilityWithin(*ttt.hours) - 0.5) < 1e-9);
    QVERIFY(ttt.probabilityWithin(0) < 1e-6);
    QVERIFY(ttt.probabilityWithin(*ttt.hours - 20) < 0.5);
    QVERIFY(ttt.probabilityWithin(*ttt.hours + 20) > 0.9);
}

void tst_Anomaly::vibrationMagnitude()
{
    QCOMPARE(Anomaly::vibrationMagnitude(3, 4, 12), 13.0); // 9 + 16 + 144 = 169
    QCOMPARE(Anomaly::vibrationMagnitude(0, 0, 0), 0.0);
    QCOMPARE(Anomaly::vibrationMagnitude(-1, -2, 2), 3.0);
}

QTEST_GUILESS_MAIN(tst_Anomaly)
#include "tst_anomaly.moc"

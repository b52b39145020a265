// Isolation Forest speed and quality next to scikit-learn on the same data:
//   bench_anomaly [rows] [runs]
// 100,000 × 7 seeded machine-like rows (one latent load drives all features, correlations
// 0.1–0.25) with 1 % planted anomalies (4–7 σ out in one or two features), written to a
// temporary CSV. Ours and scikit-learn's IsolationForest(n_estimators=100, max_samples=256,
// random_state=0) (/usr/bin/python3, Debian's python3-sklearn) each fit and score every
// row; the best of `runs` is reported for fit and for score, with the ROC AUC against the
// planted labels. Our scoring uses both cores; the one-thread figure is printed too.
// Goal: speedup (fit + score) ≥ 10 at |AUC difference| ≤ 0.01.
#include "anomaly/isolationforest.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <thread>
#include <vector>

using namespace Laces::Core::Anomaly;

namespace {

const char *const kSklearnScript = R"PY(
import sys, time
import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
data = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1)
X, labels = data[:, :-1], data[:, -1]
runs = int(sys.argv[2])
best_fit = best_score = float('inf')
for _ in range(runs):
    t0 = time.perf_counter()
    model = IsolationForest(n_estimators=100, max_samples=256, random_state=0).fit(X)
    t1 = time.perf_counter()
    scores = -model.score_samples(X)
    t2 = time.perf_counter()
    best_fit = min(best_fit, t1 - t0)
    best_score = min(best_score, t2 - t1)
print('sklearn_fit_s=%.4f' % best_fit)
print('sklearn_score_s=%.4f' % best_score)
print('auc_sklearn=%.4f' % roc_auc_score(labels, scores))
)PY";

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

struct Dataset
{
    Eigen::MatrixXd x;
    std::vector<int> labels;
};

Dataset machineData(int rows, quint64 seed)
{
    static const double loading[] = { 0.5, 0.35, 0.45, 0.3, 0.3, 0.35, 0.425 };
    static const double mean[] = { 65, 4.2, 12, 1.1, 1.0, 1.4, 1480 };
    static const double sd[] = { 4, 0.3, 1.5, 0.2, 0.2, 0.25, 30 };
    Normal normal(seed);
    Dataset data { Eigen::MatrixXd(rows, 7), std::vector<int>(size_t(rows), 0) };
    for (int r = 0; r < rows; ++r) {
        const double load = normal();
        double z[7];
        for (int f = 0; f < 7; ++f)
            z[f] = loading[f] * load + std::sqrt(1 - loading[f] * loading[f]) * normal();
        if (normal.uniform() < 0.01) {
            data.labels[size_t(r)] = 1;
            const int features = normal.uniform() < 0.5 ? 1 : 2;
            for (int k = 0; k < features; ++k) {
                const int f = std::min(6, int(normal.uniform() * 7));
                z[f] += (normal.uniform() < 0.5 ? -1 : 1) * (4 + 3 * normal.uniform());
            }
        }
        for (int f = 0; f < 7; ++f)
            data.x(r, f) = mean[f] + sd[f] * z[f];
    }
    return data;
}

double rocAuc(const Eigen::VectorXd &scores, const std::vector<int> &labels)
{
    std::vector<int> order(labels.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return scores[a] < scores[b]; });
    double positiveRankSum = 0;
    double positives = 0;
    for (size_t i = 0; i < order.size();) {
        size_t j = i;
        while (j < order.size() && scores[order[j]] == scores[order[i]])
            ++j;
        for (size_t k = i; k < j; ++k) {
            if (labels[size_t(order[k])]) {
                positiveRankSum += 0.5 * double(i + 1 + j);
                positives += 1;
            }
        }
        i = j;
    }
    const double negatives = double(labels.size()) - positives;
    return (positiveRankSum - positives * (positives + 1) / 2) / (positives * negatives);
}

template <typename F> double bestOfS(int runs, F &&work)
{
    double best = 1e300;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        work();
        best = std::min(best, double(timer.nsecsElapsed()) / 1e9);
    }
    return best;
}

double valueOf(const QString &output, const QString &key)
{
    const QRegularExpression pattern(
        QRegularExpression::escape(key) + QStringLiteral("=([0-9.eE+-]+)"));
    const QRegularExpressionMatch match = pattern.match(output);
    return match.hasMatch() ? match.captured(1).toDouble() : std::nan("");
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int rows = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int runs = argc > 2 ? std::atoi(argv[2]) : 3;
    const Dataset data = machineData(rows, 2024);
    const QStringList names = { QStringLiteral("temperature_c"), QStringLiteral("pressure_bar"),
        QStringLiteral("current_a"), QStringLiteral("vibration_x"), QStringLiteral("vibration_y"),
        QStringLiteral("vibration_z"), QStringLiteral("speed_rpm") };
    const int planted = int(std::count(data.labels.begin(), data.labels.end(), 1));
    std::printf("data: %d rows x 7 features, %d planted anomalies (%.2f %%)\n", rows, planted,
        100.0 * planted / rows);

    QTemporaryDir dir;
    const QString csvPath = dir.filePath(QStringLiteral("iforest.csv"));
    {
        QFile csv(csvPath);
        if (!dir.isValid() || !csv.open(QIODevice::WriteOnly | QIODevice::Text)) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(csvPath));
            return 1;
        }
        QTextStream out(&csv);
        out << names.join(QLatin1Char(',')) << ",label\n";
        out.setRealNumberPrecision(17);
        for (int r = 0; r < rows; ++r) {
            for (int f = 0; f < 7; ++f)
                out << data.x(r, f) << ',';
            out << data.labels[size_t(r)] << '\n';
        }
    }

    IsolationForestOptions options; // 100 trees, ψ 256, seed 0
    std::optional<IsolationForest> forest;
    const double fitS = bestOfS(
        runs, [&] { forest.emplace(IsolationForest::fit(data.x, names, options).value()); });
    Eigen::VectorXd scores;
    const double scoreS = bestOfS(runs, [&] { scores = forest->scores(data.x); });
    Eigen::VectorXd single;
    const double scoreOneThreadS = bestOfS(runs, [&] { single = forest->scores(data.x, 1); });
    const double aucOurs = rocAuc(scores, data.labels);
    const bool identical = single == scores;
    std::printf("ours: fit %.4f s, score %.4f s on %u threads (%.4f s on one, bit-identical: %s), "
                "AUC %.4f\n",
        fitS, scoreS, std::max(1u, std::min(std::thread::hardware_concurrency(), 8u)),
        scoreOneThreadS, identical ? "yes" : "NO", aucOurs);

    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"),
        { QStringLiteral("-c"), QString::fromUtf8(kSklearnScript), csvPath,
            QString::number(runs) });
    if (!python.waitForFinished(600000) || python.exitStatus() != QProcess::NormalExit
        || python.exitCode() != 0) {
        std::fprintf(stderr, "scikit-learn run failed: %s\n%s\n", qPrintable(python.errorString()),
            python.readAllStandardError().constData());
        return 1;
    }
    const QString output = QString::fromUtf8(python.readAllStandardOutput());
    const double sklearnFitS = valueOf(output, QStringLiteral("sklearn_fit_s"));
    const double sklearnScoreS = valueOf(output, QStringLiteral("sklearn_score_s"));
    const double aucSklearn = valueOf(output, QStringLiteral("auc_sklearn"));
    const double speedup = (sklearnFitS + sklearnScoreS) / (fitS + scoreS);
    std::printf("scikit-learn: fit %.4f s, score %.4f s, AUC %.4f\n", sklearnFitS, sklearnScoreS,
        aucSklearn);
    std::printf("speed ratio (fit + score): %.1fx (fit %.1fx, score %.1fx; on one thread %.1fx), "
                "AUC difference %+.4f\n",
        speedup, sklearnFitS / fitS, sklearnScoreS / scoreS,
        (sklearnFitS + sklearnScoreS) / (fitS + scoreOneThreadS), aucOurs - aucSklearn);
    std::printf("iforest: ours_fit_s=%.4f ours_score_s=%.4f sklearn_fit_s=%.4f "
                "sklearn_score_s=%.4f speedup=%.1f "
                "auc_ours=%.4f auc_sklearn=%.4f\n",
        fitS, scoreS, sklearnFitS, sklearnScoreS, speedup, aucOurs, aucSklearn);
    const bool goal = speedup >= 10 && std::abs(aucOurs - aucSklearn) <= 0.01 && identical;
    std::printf("goal (speedup >= 10, |AUC difference| <= 0.01): %s\n", goal ? "met" : "NOT met");
    return goal ? 0 : 2;
}

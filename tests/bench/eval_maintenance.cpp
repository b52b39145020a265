// The maintenance agent's detectors on three public benchmarks (shared/references/
// maintenance.md; the recipes come from the research notes and are re-implemented here with
// the product's core code, AnomalyStream's smoothing included):
//   eval_maintenance [--skab-dir D] [--skab-anomaly-free F] [--nab-csv F] [--nab-labels F]
//                    [--cmapss-train F] [--cmapss-test F] [--cmapss-rul F]
//                    [--python /usr/bin/python3] [--skip-sklearn] [--demo-hours H]
//                    [--only skab|nab|cmapss|demo]
// SKAB valve1 (its authors' protocol: per file, fit on rows 0..399, score the rest, pooled
// row-level precision/recall/F1 against `anomaly`): channels screened on anomaly-free.csv
// only, then the z-score max detector, our Isolation Forest with the same smoothing and
// quantile rule, and scikit-learn's IsolationForest(100 trees, ψ 256, contamination 0.1,
// seed 0) on all channels run by an embedded Python script. NAB machine_temperature: a
// level alarm with ticket deduplication. C-MAPSS FD001: the ridge RUL model. The demo
// fleet: the server's agent over simulated hours, the warming pump ticketed once. Each benchmark
// ends with one summary line "<name>: key=value …".
#include "anomaly/anomalystream.h"
#include "anomaly/featurescreen.h"
#include "anomaly/isolationforest.h"
#include "anomaly/levelalarm.h"
#include "anomaly/rulmodel.h"
#include "anomaly/zscoredetector.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QThread>

#include "db/pgconnection.h"
#include "server.h"
#include "serverconfig.h"
#include "testserver.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <vector>

using namespace Laces::Core;
using namespace Laces::Core::Anomaly;

namespace {

const char *const kSklearnScript = R"PY(
import sys, csv
import numpy as np
from sklearn.ensemble import IsolationForest
yt = []; yp = []
for path in sys.argv[1:]:
    with open(path) as f:
        r = csv.reader(f, delimiter=';'); h = next(r); rows = [x for x in r if x]
    cols = [i for i, c in enumerate(h) if c not in ('datetime', 'anomaly', 'changepoint')]
    X = np.array([[float(x[i]) for i in cols] for x in rows])
    y = np.array([float(x[h.index('anomaly')]) for x in rows])
    m = IsolationForest(n_estimators=100, max_samples=256, contamination=0.1, random_state=0).fit(X[:400])
    yp.append(m.predict(X[400:]) == -1); yt.append(y[400:] > 0.5)
yt = np.concatenate(yt); yp = np.concatenate(yp)
tp = (yt & yp).sum(); fp = (~yt & yp).sum(); fn = (yt & ~yp).sum()
p = tp / max(tp + fp, 1); r = tp / max(tp + fn, 1)
print('precision=%.6f recall=%.6f f1=%.6f channels=%d' % (p, r, 2 * p * r / max(p + r, 1e-12), len(cols)))
)PY";

struct Table
{
    QStringList names; // numeric columns
    Eigen::MatrixXd values;
    QStringList firstColumn; // the timestamp text
};

// A trusted benchmark file: header line, the first column text, the others numbers.
std::optional<Table> readTable(const QString &path, char delimiter)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(path));
        return std::nullopt;
    }
    const QList<QByteArray> lines = file.readAll().split('\n');
    Table table;
    for (const QByteArray &name : lines.first().trimmed().split(delimiter).mid(1))
        table.names.append(QString::fromUtf8(name));
    std::vector<std::vector<double>> rows;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty())
            continue;
        const QList<QByteArray> fields = line.split(delimiter);
        if (fields.size() != table.names.size() + 1) {
            std::fprintf(stderr, "%s line %lld: %lld fields\n", qPrintable(path),
                (long long)(i + 1), (long long)fields.size());
            return std::nullopt;
        }
        table.firstColumn.append(QString::fromUtf8(fields.first()));
        std::vector<double> row;
        for (qsizetype f = 1; f < fields.size(); ++f)
            row.push_back(fields[f].toDouble());
        rows.push_back(row);
    }
    table.values.resize(Eigen::Index(rows.size()), table.names.size());
    for (size_t r = 0; r < rows.size(); ++r)
        for (size_t c = 0; c < rows[r].size(); ++c)
            table.values(Eigen::Index(r), Eigen::Index(c)) = rows[r][c];
    return table;
}

Eigen::MatrixXd columns(const Table &table, const QStringList &names)
{
    Eigen::MatrixXd out(table.values.rows(), names.size());
    for (int i = 0; i < names.size(); ++i)
        out.col(i) = table.values.col(table.names.indexOf(names[i]));
    return out;
}

struct Counts
{
    qint64 tp = 0, fp = 0, fn = 0, tn = 0;
    void add(bool truth, bool flagged)
    {
        tp += truth && flagged;
        fp += !truth && flagged;
        fn += truth && !flagged;
        tn += !truth && !flagged;
    }
    double precision() const { return tp + fp ? double(tp) / double(tp + fp) : 0; }
    double recall() const { return tp + fn ? double(tp) / double(tp + fn) : 0; }
    double f1() const
    {
        const double p = precision(), r = recall();
        return p + r > 0 ? 2 * p * r / (p + r) : 0;
    }
};

constexpr int kSkabTrainRows = 400;

// The protocol for one detector: per file fit on rows 0..399 of `channels`, score every row
// with the stream's smoothing, flag rows 400.. at or above the threshold.
template<typename Fit>
Counts runSkab(const QList<Table> &files, const QStringList &channels, Fit fit)
{
    Counts counts;
    for (const Table &file : files) {
        const Eigen::MatrixXd x = columns(file, channels);
        std::unique_ptr<Detector> detector = fit(x.topRows(kSkabTrainRows), channels);
        const Eigen::VectorXd smoothed = smoothedScores(*detector, x);
        const Eigen::Index label = file.names.indexOf(QStringLiteral("anomaly"));
        for (Eigen::Index r = kSkabTrainRows; r < x.rows(); ++r)
            counts.add(file.values(r, label) > 0.5, smoothed[r] >= detector->threshold());
    }
    return counts;
}

bool skab(const QCommandLineParser &args, const QString &python, bool skipSklearn)
{
    std::printf("== SKAB valve1 (per file: fit rows 0..%d, score the rest, pooled row-level "
                "P/R/F1 vs 'anomaly')\n",
        kSkabTrainRows - 1);
    const QDir dir(args.value(QStringLiteral("skab-dir")));
    QStringList paths;
    for (int i = 0;; ++i) {
        const QString path = dir.filePath(QStringLiteral("%1.csv").arg(i));
        if (!QFile::exists(path))
            break;
        paths.append(path);
    }
    if (paths.isEmpty()) {
        std::fprintf(stderr, "no SKAB files 0.csv, 1.csv, … in %s\n", qPrintable(dir.path()));
        return false;
    }
    QList<Table> files;
    for (const QString &path : paths) {
        std::optional<Table> table = readTable(path, ';');
        if (!table)
            return false;
        files.append(*table);
    }
    QStringList channels = files.first().names;
    channels.removeAll(QStringLiteral("anomaly"));
    channels.removeAll(QStringLiteral("changepoint"));
    qint64 scored = 0, anomalous = 0;
    for (const Table &file : files) {
        const Eigen::Index label = file.names.indexOf(QStringLiteral("anomaly"));
        for (Eigen::Index r = kSkabTrainRows; r < file.values.rows(); ++r) {
            ++scored;
            anomalous += file.values(r, label) > 0.5;
        }
    }
    const double share = double(anomalous) / double(scored);
    std::printf("files %lld, scored rows %lld, anomalous share %.3f (flagging every row: F1 %.3f)\n",
        (long long)files.size(), (long long)scored, share, 2 * share / (1 + share));

    // Channel screening on the anomaly-free run only (no labels of the test files).
    std::optional<Table> healthy = readTable(args.value(QStringLiteral("skab-anomaly-free")), ';');
    if (!healthy)
        return false;
    FeatureScreenOptions screenOptions;
    const Result<FeatureScreenResult> screen
        = screenFeatures(columns(*healthy, channels), channels, screenOptions);
    if (!screen) {
        std::fprintf(stderr, "screening: %s\n", qPrintable(screen.error().message));
        return false;
    }
    std::printf("channel screening on anomaly-free.csv: %d chunks of %d rows, fit on the first %d, "
                "rate = share of the rest with |z| > the fit's %.2f quantile of |z|, keep if "
                "rate <= %.2f (nominal %.2f)\n",
        screenOptions.chunks, screen->chunkRows, screen->fitRows, screenOptions.quantile,
        screenOptions.maxFalseAlarmRate, 1 - screenOptions.quantile);
    for (const FeatureRate &rate : screen->rates)
        std::printf("  %-22s rate %.3f  %s\n", qPrintable(rate.feature), rate.falseAlarmRate,
            rate.kept ? "keep" : "drop");
    std::printf("  kept: %s\n", qPrintable(screen->kept.join(QStringLiteral(", "))));
    std::printf("  (the research cut 1,145-row chunks and measured the same kept set)\n");

    ZScoreOptions zOptions; // smoothing 30, quantile 0.99
    const Counts zscore = runSkab(files, screen->kept, [&](const Eigen::MatrixXd &train, const QStringList &names) {
        return std::unique_ptr<Detector>(
            std::make_unique<ZScoreDetector>(ZScoreDetector::fit(train, names, zOptions).value()));
    });
    std::printf("ours zscore_max on the kept channels (smoothing %d rows, threshold = q%.2f of the "
                "smoothed training scores on rows %d..%d): P %.3f R %.3f F1 %.3f\n",
        zOptions.smoothingRows, zOptions.quantile, zOptions.smoothingRows, kSkabTrainRows - 1,
        zscore.precision(), zscore.recall(), zscore.f1());

    IsolationForestOptions fOptions;
    fOptions.trees = 100;
    fOptions.sampleSize = 256;
    fOptions.seed = 0;
    fOptions.contamination = 1 - zOptions.quantile;
    fOptions.smoothingRows = zOptions.smoothingRows;
    const Counts forest = runSkab(files, screen->kept, [&](const Eigen::MatrixXd &train, const QStringList &names) {
        return std::unique_ptr<Detector>(
            std::make_unique<IsolationForest>(IsolationForest::fit(train, names, fOptions).value()));
    });
    std::printf("ours isolation_forest on the kept channels (%d trees, psi %d, seed %llu, smoothing "
                "%d rows, threshold = q%.2f of the smoothed training scores): P %.3f R %.3f F1 %.3f\n",
        fOptions.trees, fOptions.sampleSize, (unsigned long long)fOptions.seed, fOptions.smoothingRows,
        1 - *fOptions.contamination, forest.precision(), forest.recall(), forest.f1());

    QString sklearnF1 = QStringLiteral("skipped");
    if (!skipSklearn) {
        QProcess process;
        process.start(python, QStringList { QStringLiteral("-c"), QString::fromUtf8(kSklearnScript) } + paths);
        if (!process.waitForFinished(300000) || process.exitStatus() != QProcess::NormalExit
            || process.exitCode() != 0) {
            std::fprintf(stderr, "scikit-learn run failed: %s\n%s\n", qPrintable(process.errorString()),
                process.readAllStandardError().constData());
            return false;
        }
        const QString out = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
        const QRegularExpressionMatch match
            = QRegularExpression(QStringLiteral("precision=(\\S+) recall=(\\S+) f1=(\\S+) channels=(\\d+)")).match(out);
        if (!match.hasMatch()) {
            std::fprintf(stderr, "unexpected scikit-learn output: %s\n", qPrintable(out));
            return false;
        }
        std::printf("scikit-learn IsolationForest (n_estimators=100, max_samples=256, contamination=0.1, "
                    "random_state=0, all %s channels, predict() == -1): P %.3f R %.3f F1 %.3f\n",
            qPrintable(match.captured(4)), match.captured(1).toDouble(), match.captured(2).toDouble(),
            match.captured(3).toDouble());
        sklearnF1 = QString::number(match.captured(3).toDouble(), 'f', 3);
    }
    const bool zscoreWins = zscore.f1() >= forest.f1();
    std::printf("skab: detector=zscore_max precision=%.3f recall=%.3f f1=%.3f iforest_f1=%.3f "
                "sklearn_f1=%s chosen=%s\n",
        zscore.precision(), zscore.recall(), zscore.f1(), forest.f1(), qPrintable(sklearnF1),
        zscoreWins ? "zscore_max" : "isolation_forest");
    return true;
}

QDateTime parseTime(const QString &text)
{
    QDateTime time = QDateTime::fromString(text.left(19), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    time.setTimeSpec(Qt::UTC);
    return time;
}

bool nab(const QCommandLineParser &args)
{
    std::printf("\n== NAB machine_temperature_system_failure\n");
    std::optional<Table> table = readTable(args.value(QStringLiteral("nab-csv")), ',');
    QFile labelsFile(args.value(QStringLiteral("nab-labels")));
    if (!table || !labelsFile.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read the NAB files\n");
        return false;
    }
    struct Window
    {
        double startS, endS;
    };
    QList<Window> windows;
    const QJsonArray labelled = QJsonDocument::fromJson(labelsFile.readAll())
                                    .object()
                                    .value(QStringLiteral("anomaly_windows"))
                                    .toArray();
    for (const QJsonValue &w : labelled)
        windows.append({ double(parseTime(w.toArray().at(0).toString()).toSecsSinceEpoch()),
            double(parseTime(w.toArray().at(1).toString()).toSecsSinceEpoch()) });
    const Eigen::Index n = table->values.rows();
    const Eigen::Index trainRows = Eigen::Index(0.15 * double(n));
    LevelAlarmOptions options; // 12-sample (1 h) mean, |z| > 2.5, held 48 samples, 24 h dedup
    Result<LevelAlarm> fitted = LevelAlarm::fit(table->values.col(0).head(trainRows), options);
    if (!fitted) {
        std::fprintf(stderr, "level alarm: %s\n", qPrintable(fitted.error().message));
        return false;
    }
    LevelAlarm alarm = fitted.value();
    std::printf("rows %lld, train period = first 15 %% (%lld rows, to %s; window 1 lies inside it)\n",
        (long long)n, (long long)trainRows, qPrintable(table->firstColumn[int(trainRows)]));
    std::printf("settings: causal mean of %d samples (1 h), robust z vs the train period's median %.3f "
                "and 1.4826*MAD %.3f, |z| > %.1f held %d samples (4 h), a trigger within %.0f h of the "
                "ticket's last update updates it\n",
        options.meanRows, alarm.median(), alarm.scale(), options.limitZ, options.holdRows,
        options.dedupS / 3600);
    std::printf("NOTE: these settings were chosen on this file's labels (a grid in the research "
                "notes); only the rule's form is label-free, so this is not a held-out result.\n");
    for (Eigen::Index r = 0; r < n; ++r)
        alarm.push(double(parseTime(table->firstColumn[int(r)]).toSecsSinceEpoch()), table->values(r, 0));
    const QList<AlarmTicket> &tickets = alarm.tickets();
    int caught = 0, falseTickets = 0;
    QStringList before;
    for (int w = 0; w < windows.size(); ++w) {
        const auto inside = std::find_if(tickets.begin(), tickets.end(), [&](const AlarmTicket &t) {
            return t.openedS >= windows[w].startS && t.openedS <= windows[w].endS;
        });
        if (inside == tickets.end()) {
            std::printf("  window %d: missed\n", w + 1);
            before.append(QStringLiteral("-"));
            continue;
        }
        ++caught;
        const double hours = (windows[w].endS - inside->openedS) / 3600;
        std::printf("  window %d: caught, ticket opened %s, %.1f h before the window's end\n", w + 1,
            qPrintable(QDateTime::fromSecsSinceEpoch(qint64(inside->openedS), Qt::UTC)
                           .toString(QStringLiteral("yyyy-MM-dd HH:mm"))),
            hours);
        before.append(QString::number(hours, 'f', 1));
    }
    for (const AlarmTicket &t : tickets) {
        const bool inWindow = std::any_of(windows.begin(), windows.end(),
            [&](const Window &w) { return t.openedS >= w.startS && t.openedS <= w.endS; });
        if (inWindow)
            continue;
        ++falseTickets;
        std::printf("  ticket outside every window: opened %s, last update %s\n",
            qPrintable(QDateTime::fromSecsSinceEpoch(qint64(t.openedS), Qt::UTC)
                           .toString(QStringLiteral("yyyy-MM-dd HH:mm"))),
            qPrintable(QDateTime::fromSecsSinceEpoch(qint64(t.lastUpdateS), Qt::UTC)
                           .toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
    }
    std::printf("nab: windows=%lld caught=%d false_tickets=%d hours_before_end=%s\n",
        (long long)windows.size(), caught, falseTickets, qPrintable(before.join(QLatin1Char('/'))));
    return true;
}

// C-MAPSS text: unit, cycle, 3 settings, 21 sensors, space separated.
std::optional<QList<RunHistory>> readCmapss(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(path));
        return std::nullopt;
    }
    QMap<int, std::vector<std::vector<double>>> byUnit;
    for (const QByteArray &line : file.readAll().split('\n')) {
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (fields.size() < 26)
            continue;
        std::vector<double> row;
        for (const QByteArray &f : fields)
            row.push_back(f.toDouble());
        byUnit[int(row[0])].push_back(row);
    }
    QList<RunHistory> units;
    for (auto it = byUnit.begin(); it != byUnit.end(); ++it) {
        RunHistory unit;
        unit.unit = QString::number(it.key());
        const Eigen::Index steps = Eigen::Index(it.value().size());
        unit.time.resize(steps);
        unit.values.resize(steps, 21);
        for (Eigen::Index t = 0; t < steps; ++t) {
            unit.time[t] = it.value()[size_t(t)][1];
            for (int s = 0; s < 21; ++s)
                unit.values(t, s) = it.value()[size_t(t)][size_t(5 + s)];
        }
        units.append(unit);
    }
    return units;
}

bool cmapss(const QCommandLineParser &args)
{
    std::printf("\n== C-MAPSS FD001 (remaining useful life at each test engine's last cycle)\n");
    const std::optional<QList<RunHistory>> train = readCmapss(args.value(QStringLiteral("cmapss-train")));
    const std::optional<QList<RunHistory>> test = readCmapss(args.value(QStringLiteral("cmapss-test")));
    QFile rulFile(args.value(QStringLiteral("cmapss-rul")));
    if (!train || !test || !rulFile.open(QIODevice::ReadOnly))
        return false;
    std::vector<double> trueRul;
    for (const QByteArray &line : rulFile.readAll().split('\n'))
        if (!line.trimmed().isEmpty())
            trueRul.push_back(line.trimmed().toDouble());
    if (trueRul.size() != size_t(test->size())) {
        std::fprintf(stderr, "%zu RUL values for %lld test engines\n", trueRul.size(), (long long)test->size());
        return false;
    }
    QStringList columnNames;
    for (int s = 1; s <= 21; ++s)
        columnNames.append(QStringLiteral("s%1").arg(s));
    RulOptions options; // window 30, EWM 0.1, cap 125, λ 1, 5 folds, seed 0
    for (int s : { 2, 3, 4, 7, 8, 9, 11, 12, 13, 14, 15, 17, 20, 21 }) // 1, 5, 6, 10, 16, 18, 19 constant
        options.sensors.append(QStringLiteral("s%1").arg(s));
    QElapsedTimer timer;
    timer.start();
    const Result<RulModel> model = RulModel::fit(*train, columnNames, options);
    if (!model) {
        std::fprintf(stderr, "RUL model: %s\n", qPrintable(model.error().message));
        return false;
    }
    std::printf("train engines %lld, test engines %lld; sensors %s; window %d, EWM alpha %.2f, cap %.0f, "
                "ridge lambda %.0f, %d engine-grouped folds (SplitMix64 seed %llu); fit with CV %.2f s\n",
        (long long)train->size(), (long long)test->size(), qPrintable(options.sensors.join(QLatin1Char(','))),
        options.window, options.ewmAlpha, options.cap, options.lambda, options.folds,
        (unsigned long long)options.seed, double(timer.elapsed()) / 1000);
    double squared = 0, phm = 0;
    int covered = 0, lateEngines = 0, flaggedLow = 0, falseLow = 0, flaggedPoint = 0, falsePoint = 0;
    for (int e = 0; e < test->size(); ++e) {
        const RulPrediction p = model->predict((*test)[e]).value();
        const double truth = std::min(trueRul[size_t(e)], options.cap);
        const double d = p.rul - truth;
        squared += d * d;
        phm += d < 0 ? std::exp(-d / 13) - 1 : std::exp(d / 10) - 1;
        covered += truth >= p.low && truth <= p.high;
        const bool late = trueRul[size_t(e)] <= 30;
        lateEngines += late;
        if (p.low <= 30)
            (late ? flaggedLow : falseLow) += 1;
        if (p.rul <= 30)
            (late ? flaggedPoint : falsePoint) += 1;
    }
    const double rmse = std::sqrt(squared / double(test->size()));
    const double coverage = double(covered) / double(test->size());
    std::printf("test RMSE %.2f (vs min(RUL, %.0f)), PHM08 score %.0f, CV RMSE %.2f (every cycle of the "
                "held-out engines)\n",
        rmse, options.cap, phm, model->cvRmse());
    std::printf("80 %% interval = prediction + CV residual quantiles [%.2f, %+.2f] (lower bound >= 0): "
                "test coverage %.2f\n",
        model->residualLow(), model->residualHigh(), coverage);
    std::printf("failing within 30 cycles (true RUL <= 30: %d engines): flagged by the lower bound <= 30: "
                "%d/%d with %d false flags among the other %lld; by the point prediction <= 30: %d/%d "
                "with %d false flags\n",
        lateEngines, flaggedLow, lateEngines, falseLow, (long long)test->size() - lateEngines, flaggedPoint,
        lateEngines, falsePoint);
    std::printf("  (the research used numpy's permutation for the folds; ours differ, so the interval "
                "differs slightly from its [-21.25, +20.47])\n");
    std::printf("cmapss: rmse=%.2f phm08=%.0f cv_rmse=%.2f coverage80=%.2f flagged_le30=%d/%d false_flags=%d\n",
        rmse, phm, model->cvRmse(), coverage, flaggedLow, lateEngines, falseLow);
    return true;
}

} // namespace

// The agent on the demo fleet: the server's --demo with the evaluation moving its clock on
// (a sample every 10 s of every online node through the real ingest, an agent cycle each
// simulated minute, the real database). The cooling pump STU-02 warms 2.5 °C an hour and
// its temperature swings ±10 °C with a ten-minute period, so it crosses its warning level
// (90 °C) and falls back below the clear level many times an hour: each cause is to be
// ticketed once, the repeats counted on that ticket, not a ticket a minute.
bool demoFleet(const QCommandLineParser &args)
{
    const int hours = std::clamp(args.value(QStringLiteral("demo-hours")).toInt(), 1, 48);
    Laces::Tests::TestServer server;
    if (!server.start([](Laces::Server::ServerConfig &config) {
            config.demo = true;
            config.demoLive = false;
            config.agent.intervalS = 0;
        })) {
        std::printf("demo: the server did not start: %s\n", qPrintable(server.errorString()));
        return false;
    }
    QElapsedTimer loading;
    loading.start();
    while (!server.server().demoHistoryLoaded() && loading.elapsed() < 600000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 100);
        QThread::msleep(50);
    }
    std::printf("\ndemo fleet: a week of history loaded in %.1f s; %d simulated hours, a cycle a minute\n",
                double(loading.elapsed()) / 1000, hours);
    Laces::Server::PgConnection db(server.server().conninfo());
    if (!db.open())
        return false;
    auto pump = db.exec("SELECT id FROM machine_nodes WHERE name = 'Cooling pump STU-02'");
    if (!pump || pump->rowCount() != 1) {
        std::printf("demo: no cooling pump STU-02 in the demo fleet\n");
        return false;
    }
    const QByteArray pumpId = pump->bytes(0, 0);
    // The demo's clock starts where its own history ends (now); the cycles run 30 s into
    // each minute, as a timer would, so the newest minute is still in progress.
    qint64 sentToMs = QDateTime::currentMSecsSinceEpoch();
    const qint64 realStartMs = sentToMs - 60000;
    const qint64 firstMinuteMs = sentToMs / 60000 * 60000 + 60000;
    QList<double> cycleMs;
    int cyclesOpening = 0, opened = 0;
    QElapsedTimer simulation;
    simulation.start();
    for (int minute = 0; minute < hours * 60; ++minute) {
        const qint64 nowMs = firstMinuteMs + qint64(minute) * 60000 + 30000;
        if (auto sent = server.server().advanceDemo(sentToMs, nowMs, 10000); !sent) {
            std::printf("demo: samples refused: %s\n", qPrintable(sent.error().message));
            return false;
        }
        sentToMs = nowMs;
        // Ingest marks a node heard from at the wall clock's now; here the simulated one is
        // meant (else every node would be stale a few simulated minutes on).
        if (auto seen = db.exec("UPDATE machine_nodes SET last_seen_at = $1::timestamptz WHERE last_seen_at >= $2::timestamptz",
                                {QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8(),
                                 QDateTime::fromMSecsSinceEpoch(realStartMs, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8()});
            !seen) {
            std::printf("demo: %s\n", qPrintable(seen.error().message));
            return false;
        }
        auto report = server.server().runAgentCycle(nowMs);
        if (!report) {
            std::printf("demo: cycle failed: %s\n", qPrintable(report.error().message));
            return false;
        }
        cycleMs.append(report->durationMs);
        opened += report->ticketsOpened;
        cyclesOpening += report->ticketsOpened > 0 ? 1 : 0;
    }
    auto tickets = db.exec("SELECT t.node_id = $1, t.node_name, t.cause, t.severity, t.occurrences, "
                           "to_char(t.opened_at, 'HH24:MI'), to_char(t.last_seen_at, 'HH24:MI') "
                           "FROM maintenance_tickets t ORDER BY t.node_id = $1 DESC, t.number",
                           {pumpId});
    if (!tickets)
        return false;
    int pumpTickets = 0, otherTickets = 0, pumpOccurrences = 0;
    QMap<QString, int> perCause;
    std::printf("%-28s %-26s %-9s %11s\n", "node", "cause", "severity", "occurrences");
    for (int row = 0; row < tickets->rowCount(); ++row) {
        const bool isPump = tickets->boolean(row, 0);
        std::printf("%-28s %-26s %-9s %11lld\n", qPrintable(tickets->text(row, 1)), qPrintable(tickets->text(row, 2)),
                    qPrintable(tickets->text(row, 3)), tickets->integer(row, 4));
        if (isPump) {
            ++pumpTickets;
            ++perCause[tickets->text(row, 2)];
            pumpOccurrences += int(tickets->integer(row, 4));
        } else {
            ++otherTickets;
        }
    }
    auto health = db.exec("SELECT h.score, h.status, coalesce((h.anomaly->>'max_score')::float8, -1), "
                          "coalesce((h.anomaly->>'threshold')::float8, -1), (SELECT count(*) FROM anomaly_models m "
                          "WHERE m.is_active) FROM node_health h WHERE h.node_id = $1",
                          {pumpId});
    if (health && health->rowCount() == 1)
        std::printf("the pump at the end: health %lld (%s), newest anomaly score %.2f against its threshold %.2f; "
                    "%lld nodes with an anomaly model\n",
                    health->integer(0, 0), qPrintable(health->text(0, 1)), health->real(0, 2), health->real(0, 3),
                    health->integer(0, 4));
    int worstPerCause = 0;
    for (int count : std::as_const(perCause))
        worstPerCause = std::max(worstPerCause, count);
    std::sort(cycleMs.begin(), cycleMs.end());
    std::printf("%d cycles in %.1f s (median %.1f ms); tickets opened in %d of them\n", int(cycleMs.size()),
                double(simulation.elapsed()) / 1000, cycleMs.at(cycleMs.size() / 2), cyclesOpening);
    std::printf("demo: hours=%d cycles=%d pump_tickets=%d pump_causes=%s pump_max_per_cause=%d pump_occurrences=%d "
                "other_tickets=%d tickets_opened=%d\n",
                hours, int(cycleMs.size()), pumpTickets, qPrintable(QStringList(perCause.keys()).join(QLatin1Char(','))),
                worstPerCause, pumpOccurrences, otherTickets, opened);
    // The goal: the pump ticketed, once per cause.
    return pumpTickets > 0 && worstPerCause == 1;
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QString data = QStringLiteral(LACES_SHARED_DATA_DIR "/telemetry");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Maintenance detectors on SKAB, NAB and C-MAPSS."));
    parser.addHelpOption();
    const auto option = [&](const char *name, const QString &fallback) {
        parser.addOption({ QLatin1String(name), QStringLiteral("default %1").arg(fallback),
            QStringLiteral("path"), fallback });
    };
    option("skab-dir", data + QStringLiteral("/skab/valve1"));
    option("skab-anomaly-free", data + QStringLiteral("/skab/anomaly-free/anomaly-free.csv"));
    option("nab-csv", data + QStringLiteral("/nab/machine_temperature_system_failure.csv"));
    option("nab-labels", data + QStringLiteral("/nab/machine_temperature_labels.json"));
    option("cmapss-train", data + QStringLiteral("/cmapss/train_FD001.txt"));
    option("cmapss-test", data + QStringLiteral("/cmapss/test_FD001.txt"));
    option("cmapss-rul", data + QStringLiteral("/cmapss/RUL_FD001.txt"));
    option("python", QStringLiteral("/usr/bin/python3"));
    parser.addOption({ QStringLiteral("skip-sklearn"), QStringLiteral("Do not run scikit-learn.") });
    parser.addOption({ QStringLiteral("demo-hours"), QStringLiteral("Simulated hours of the demo fleet (default 10)."),
        QStringLiteral("h"), QStringLiteral("10") });
    parser.addOption({ QStringLiteral("only"), QStringLiteral("Run one benchmark: skab, nab, cmapss or demo."),
        QStringLiteral("name") });
    parser.process(app);

    QElapsedTimer total;
    total.start();
    const QString only = parser.value(QStringLiteral("only"));
    const auto wanted = [&](const char *name) { return only.isEmpty() || only == QLatin1String(name); };
    bool ok = true;
    if (wanted("skab"))
        ok = skab(parser, parser.value(QStringLiteral("python")), parser.isSet(QStringLiteral("skip-sklearn"))) && ok;
    if (wanted("nab"))
        ok = nab(parser) && ok;
    if (wanted("cmapss"))
        ok = cmapss(parser) && ok;
    if (wanted("demo"))
        ok = demoFleet(parser) && ok;
    std::printf("\ntotal %.1f s\n", double(total.elapsed()) / 1000);
    return ok ? 0 : 1;
}

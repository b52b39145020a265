#include "anomaly/rulmodel.h"

#include "anomaly/detector.h"

#include <Eigen/Cholesky>

#include <QDataStream>
#include <QIODevice>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <vector>

namespace Laces::Core::Anomaly {

namespace {

constexpr int kMaxWindow = 10000;
constexpr qsizetype kMaxColumns = 4096;
constexpr quint32 kMaxNameBytes = 1024;

Error unreadable(const QString &message)
{
    return { Error::Code::Unprocessable, QStringLiteral("RUL model: ") + message,
        QStringLiteral("model") };
}

class SplitMix64
{
public:
    explicit SplitMix64(quint64 seed)
        : m_state(seed)
    { }
    quint64 next()
    {
        quint64 z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    quint64 below(quint64 bound) // uniform in [0, bound), rejecting the low 2^64 mod bound
    {
        const quint64 reject = (0 - bound) % bound;
        for (;;) {
            const quint64 r = next();
            if (r >= reject)
                return r % bound;
        }
    }

private:
    quint64 m_state;
};

std::optional<Error> validateOptions(const RulOptions &options)
{
    if (options.window < 2 || options.window > kMaxWindow)
        return Error::invalid(QStringLiteral("window must be 2 to %1 steps, got %2")
                                  .arg(kMaxWindow)
                                  .arg(options.window),
            QStringLiteral("window"));
    if (!(options.ewmAlpha > 0 && options.ewmAlpha <= 1))
        return Error::invalid(QStringLiteral("ewmAlpha must be in (0, 1], got %1").arg(options.ewmAlpha),
            QStringLiteral("ewmAlpha"));
    if (!(options.cap > 0) || !std::isfinite(options.cap))
        return Error::invalid(QStringLiteral("cap must be finite and > 0, got %1").arg(options.cap),
            QStringLiteral("cap"));
    if (!(options.lambda >= 0) || !std::isfinite(options.lambda))
        return Error::invalid(QStringLiteral("lambda must be finite and ≥ 0, got %1").arg(options.lambda),
            QStringLiteral("lambda"));
    if (options.folds < 2)
        return Error::invalid(QStringLiteral("folds must be at least 2, got %1").arg(options.folds),
            QStringLiteral("folds"));
    if (!(options.intervalProbability > 0 && options.intervalProbability < 1))
        return Error::invalid(QStringLiteral("intervalProbability must be in (0, 1), got %1")
                                  .arg(options.intervalProbability),
            QStringLiteral("intervalProbability"));
    return std::nullopt;
}

std::optional<Error> validateHistory(const RunHistory &history, qsizetype columns, bool training)
{
    const QString field = training ? QStringLiteral("histories") : QStringLiteral("history");
    const QString name = history.unit.isEmpty() ? QStringLiteral("a history") : history.unit;
    if (history.values.rows() < 1 || history.time.size() != history.values.rows())
        return Error::invalid(QStringLiteral("%1: %2 times for %3 rows (at least 1 needed)")
                                  .arg(name)
                                  .arg(history.time.size())
                                  .arg(history.values.rows()),
            field);
    if (history.values.cols() != columns)
        return Error::invalid(QStringLiteral("%1: %2 columns, the model has %3")
                                  .arg(name)
                                  .arg(history.values.cols())
                                  .arg(columns),
            field);
    if (!history.values.allFinite() || !history.time.allFinite())
        return Error::invalid(QStringLiteral("%1 has a non-finite value").arg(name), field);
    for (Eigen::Index t = 1; t < history.time.size(); ++t)
        if (!(history.time[t] > history.time[t - 1]))
            return Error::invalid(
                QStringLiteral("%1: time does not increase at step %2").arg(name).arg(t), field);
    return std::nullopt;
}

struct Ridge
{
    Eigen::VectorXd mean, scale, weights;
    double targetMean = 0;
};

Ridge fitRidge(const Eigen::MatrixXd &phi, const Eigen::VectorXd &y, double lambda)
{
    Ridge ridge;
    const double n = double(phi.rows());
    ridge.mean = phi.colwise().mean().transpose();
    ridge.scale.resize(phi.cols());
    for (Eigen::Index c = 0; c < phi.cols(); ++c) {
        const double sd = std::sqrt((phi.col(c).array() - ridge.mean[c]).square().sum() / n);
        ridge.scale[c] = sd < 1e-12 ? 1.0 : sd;
    }
    const Eigen::MatrixXd z = (phi.rowwise() - ridge.mean.transpose()).array().rowwise()
        / ridge.scale.transpose().array();
    ridge.targetMean = y.mean();
    Eigen::MatrixXd gram = z.transpose() * z;
    gram.diagonal().array() += lambda;
    ridge.weights = gram.ldlt().solve(z.transpose() * (y.array() - ridge.targetMean).matrix());
    return ridge;
}

double applyRidge(const Ridge &ridge, const Eigen::RowVectorXd &features)
{
    const double raw = ((features - ridge.mean.transpose()).array() / ridge.scale.transpose().array())
                           .matrix()
                           .dot(ridge.weights)
        + ridge.targetMean;
    return std::max(0.0, raw);
}

} // namespace

QStringList RulModel::sensors() const
{
    QStringList names;
    for (int index : m_used)
        names.append(m_columns[index]);
    return names;
}

Eigen::MatrixXd RulModel::featureMatrix(const RunHistory &history) const
{
    const Eigen::Index steps = history.values.rows();
    const Eigen::Index s = m_used.size();
    Eigen::MatrixXd scaled(steps, s);
    for (Eigen::Index j = 0; j < s; ++j)
        scaled.col(j) = (history.values.col(m_used[int(j)]).array() - m_low[j]) / m_range[j];
    Eigen::MatrixXd out(steps, 4 * s + 1);
    const double alpha = m_options.ewmAlpha;
    for (Eigen::Index t = 0; t < steps; ++t) {
        const Eigen::Index first = std::max<Eigen::Index>(0, t - m_options.window + 1);
        const Eigen::Index m = t - first + 1;
        const auto window = scaled.middleRows(first, m);
        const double centre = double(m - 1) / 2.0;
        double uu = 0;
        for (Eigen::Index i = 0; i < m; ++i)
            uu += (double(i) - centre) * (double(i) - centre);
        for (Eigen::Index j = 0; j < s; ++j) {
            const double mean = window.col(j).mean();
            double slope = 0;
            if (m > 1) {
                double num = 0;
                for (Eigen::Index i = 0; i < m; ++i)
                    num += (double(i) - centre) * (window(i, j) - mean);
                slope = num / uu;
            }
            double ewm = window(0, j);
            for (Eigen::Index i = 1; i < m; ++i)
                ewm = alpha * window(i, j) + (1 - alpha) * ewm;
            out(t, j) = mean;
            out(t, s + j) = window(m - 1, j);
            out(t, 2 * s + j) = slope * 10;
            out(t, 3 * s + j) = ewm;
        }
        out(t, 4 * s) = history.time[t] / 100.0;
    }
    return out;
}

Eigen::RowVectorXd RulModel::features(const RunHistory &history, Eigen::Index step) const
{
    RunHistory head = history;
    head.time = history.time.head(step + 1);
    head.values = history.values.topRows(step + 1);
    return featureMatrix(head).row(step);
}

double RulModel::predictRow(const Eigen::RowVectorXd &features) const
{
    return applyRidge({ m_featureMean, m_featureScale, m_weights, m_targetMean }, features);
}

Core::Result<RulModel> RulModel::fit(
    const QList<RunHistory> &runsToFailure, const QStringList &columns, const RulOptions &options)
{
    if (const std::optional<Error> error = validateOptions(options))
        return *error;
    if (columns.isEmpty() || columns.size() > kMaxColumns)
        return Error::invalid(QStringLiteral("1 to %1 columns needed, got %2")
                                  .arg(kMaxColumns)
                                  .arg(columns.size()),
            QStringLiteral("columns"));
    if (runsToFailure.size() < options.folds)
        return Error::invalid(QStringLiteral("%1 folds need at least %1 histories, got %2")
                                  .arg(options.folds)
                                  .arg(runsToFailure.size()),
            QStringLiteral("histories"));
    for (const RunHistory &history : runsToFailure)
        if (const std::optional<Error> error = validateHistory(history, columns.size(), true))
            return *error;

    RulModel model;
    model.m_columns = columns;
    model.m_options = options;
    if (options.sensors.isEmpty()) {
        for (int c = 0; c < columns.size(); ++c)
            model.m_used.append(c);
    } else {
        for (const QString &sensor : options.sensors) {
            const int index = int(columns.indexOf(sensor));
            if (index < 0 || model.m_used.contains(index))
                return Error::invalid(
                    QStringLiteral("sensor \"%1\" is not a column or appears twice").arg(sensor),
                    QStringLiteral("sensors"));
            model.m_used.append(index);
        }
    }
    model.m_options.sensors = model.sensors();
    const Eigen::Index s = model.m_used.size();
    model.m_low = Eigen::VectorXd::Constant(s, std::numeric_limits<double>::infinity());
    Eigen::VectorXd high = Eigen::VectorXd::Constant(s, -std::numeric_limits<double>::infinity());
    Eigen::Index totalSteps = 0;
    for (const RunHistory &history : runsToFailure) {
        for (Eigen::Index j = 0; j < s; ++j) {
            model.m_low[j] = std::min(model.m_low[j], history.values.col(model.m_used[int(j)]).minCoeff());
            high[j] = std::max(high[j], history.values.col(model.m_used[int(j)]).maxCoeff());
        }
        totalSteps += history.values.rows();
    }
    model.m_range = high - model.m_low;
    for (Eigen::Index j = 0; j < s; ++j)
        if (!(model.m_range[j] > 1e-12))
            model.m_range[j] = 1;

    const Eigen::Index featureCount = 4 * s + 1;
    Eigen::MatrixXd phi(totalSteps, featureCount);
    Eigen::VectorXd target(totalSteps);
    std::vector<Eigen::Index> firstRow;
    Eigen::Index at = 0;
    for (const RunHistory &history : runsToFailure) {
        firstRow.push_back(at);
        const Eigen::Index steps = history.values.rows();
        phi.middleRows(at, steps) = model.featureMatrix(history);
        const double end = history.time[steps - 1];
        for (Eigen::Index t = 0; t < steps; ++t)
            target[at + t] = std::min(end - history.time[t], options.cap);
        at += steps;
    }
    firstRow.push_back(at);

    // Folds: consecutive slices of a permutation, the first (n mod k) one longer.
    const int units = int(runsToFailure.size());
    std::vector<int> order(static_cast<size_t>(units));
    std::iota(order.begin(), order.end(), 0);
    SplitMix64 random(options.seed);
    for (int i = units - 1; i > 0; --i)
        std::swap(order[size_t(i)], order[size_t(random.below(quint64(i) + 1))]);
    std::vector<int> foldOf(static_cast<size_t>(units));
    int next = 0;
    for (int f = 0; f < options.folds; ++f) {
        const int size = units / options.folds + (f < units % options.folds ? 1 : 0);
        for (int i = 0; i < size; ++i)
            foldOf[size_t(order[size_t(next++)])] = f;
    }
    Eigen::VectorXd residual(totalSteps);
    for (int f = 0; f < options.folds; ++f) {
        Eigen::Index trainRows = 0;
        for (int u = 0; u < units; ++u)
            if (foldOf[size_t(u)] != f)
                trainRows += firstRow[size_t(u) + 1] - firstRow[size_t(u)];
        Eigen::MatrixXd foldPhi(trainRows, featureCount);
        Eigen::VectorXd foldTarget(trainRows);
        Eigen::Index row = 0;
        for (int u = 0; u < units; ++u) {
            const Eigen::Index steps = firstRow[size_t(u) + 1] - firstRow[size_t(u)];
            if (foldOf[size_t(u)] == f)
                continue;
            foldPhi.middleRows(row, steps) = phi.middleRows(firstRow[size_t(u)], steps);
            foldTarget.segment(row, steps) = target.segment(firstRow[size_t(u)], steps);
            row += steps;
        }
        const Ridge ridge = fitRidge(foldPhi, foldTarget, options.lambda);
        for (int u = 0; u < units; ++u) {
            if (foldOf[size_t(u)] != f)
                continue;
            for (Eigen::Index r = firstRow[size_t(u)]; r < firstRow[size_t(u) + 1]; ++r)
                residual[r] = target[r] - applyRidge(ridge, phi.row(r));
        }
    }
    const std::vector<double> residuals(residual.data(), residual.data() + residual.size());
    model.m_residualLow = linearQuantile(residuals, (1 - options.intervalProbability) / 2);
    model.m_residualHigh = linearQuantile(residuals, (1 + options.intervalProbability) / 2);
    model.m_cvRmse = std::sqrt(residual.squaredNorm() / double(totalSteps));

    const Ridge ridge = fitRidge(phi, target, options.lambda);
    if (!ridge.weights.allFinite())
        return Error::invalid(QStringLiteral("the ridge system is singular (use lambda > 0)"),
            QStringLiteral("lambda"));
    model.m_featureMean = ridge.mean;
    model.m_featureScale = ridge.scale;
    model.m_weights = ridge.weights;
    model.m_targetMean = ridge.targetMean;
    return model;
}

Core::Result<RulPrediction> RulModel::predict(const RunHistory &history) const
{
    if (const std::optional<Error> error = validateHistory(history, m_columns.size(), false))
        return *error;
    RulPrediction prediction;
    prediction.rul = predictRow(featureMatrix(history).bottomRows(1));
    prediction.low = std::max(0.0, prediction.rul + m_residualLow);
    prediction.high = std::max(prediction.low, prediction.rul + m_residualHigh);
    return prediction;
}

// Payload, little-endian: options (i32 window, f64 ewmAlpha, cap, lambda, i32 folds, u64
// seed, f64 intervalProbability), u32 columns and their names (u32 length + UTF-8), u32
// used sensors and their i32 column indices, per used sensor f64 low and range, u32
// features and per feature f64 mean, scale, weight, then f64 target mean, residual low,
// residual high and CV RMSE.
QByteArray RulModel::serialize() const
{
    QByteArray payload;
    {
        QDataStream out(&payload, QIODevice::WriteOnly);
        Wire::prepare(out);
        out << qint32(m_options.window) << m_options.ewmAlpha << m_options.cap << m_options.lambda
            << qint32(m_options.folds) << quint64(m_options.seed) << m_options.intervalProbability;
        out << quint32(m_columns.size());
        for (const QString &name : m_columns)
            Wire::writeString(out, name);
        out << quint32(m_used.size());
        for (int index : m_used)
            out << qint32(index);
        for (Eigen::Index j = 0; j < m_low.size(); ++j)
            out << m_low[j] << m_range[j];
        out << quint32(m_weights.size());
        for (Eigen::Index f = 0; f < m_weights.size(); ++f)
            out << m_featureMean[f] << m_featureScale[f] << m_weights[f];
        out << m_targetMean << m_residualLow << m_residualHigh << m_cvRmse;
    }
    return Wire::envelope(QLatin1String(kKind), payload);
}

Core::Result<RulModel> RulModel::deserialize(const QByteArray &bytes)
{
    Core::Result<Wire::Envelope> opened = Wire::openEnvelope(bytes);
    if (!opened)
        return opened.error();
    if (opened->kind != QLatin1String(kKind))
        return unreadable(QStringLiteral("a \"%1\", not a \"%2\"").arg(opened->kind, QLatin1String(kKind)));
    QDataStream in(opened->payload);
    Wire::prepare(in);
    const QString truncated = QStringLiteral("the payload ends early");
    RulModel model;
    qint32 window = 0, folds = 0;
    quint64 seed = 0;
    in >> window >> model.m_options.ewmAlpha >> model.m_options.cap >> model.m_options.lambda
        >> folds >> seed >> model.m_options.intervalProbability;
    if (in.status() != QDataStream::Ok)
        return unreadable(truncated);
    model.m_options.window = window;
    model.m_options.folds = folds;
    model.m_options.seed = seed;
    if (const std::optional<Error> error = validateOptions(model.m_options))
        return unreadable(QStringLiteral("damaged options: ") + error->message);

    quint32 columns = 0;
    in >> columns;
    if (in.status() != QDataStream::Ok || columns < 1 || columns > kMaxColumns
        || qint64(columns) * 4 > Wire::bytesLeft(in))
        return unreadable(QStringLiteral("%1 columns do not fit the payload").arg(columns));
    for (quint32 c = 0; c < columns; ++c) {
        QString name;
        if (!Wire::readString(in, &name, kMaxNameBytes))
            return unreadable(QStringLiteral("column name %1 is damaged").arg(c));
        model.m_columns.append(name);
    }
    quint32 used = 0;
    in >> used;
    if (in.status() != QDataStream::Ok || used < 1 || used > columns
        || qint64(used) * 20 > Wire::bytesLeft(in))
        return unreadable(QStringLiteral("%1 used sensors do not fit the payload").arg(used));
    for (quint32 j = 0; j < used; ++j) {
        qint32 index = -1;
        in >> index;
        if (in.status() != QDataStream::Ok || index < 0 || quint32(index) >= columns
            || model.m_used.contains(index))
            return unreadable(QStringLiteral("used sensor %1 is damaged").arg(j));
        model.m_used.append(index);
        model.m_options.sensors.append(model.m_columns[index]);
    }
    model.m_low.resize(used);
    model.m_range.resize(used);
    for (quint32 j = 0; j < used; ++j) {
        in >> model.m_low[j] >> model.m_range[j];
        if (in.status() != QDataStream::Ok || !std::isfinite(model.m_low[j])
            || !std::isfinite(model.m_range[j]) || !(model.m_range[j] > 0))
            return unreadable(QStringLiteral("the scaling of sensor %1 is damaged").arg(j));
    }
    quint32 features = 0;
    in >> features;
    if (in.status() != QDataStream::Ok || features != 4 * used + 1
        || qint64(features) * 24 + 32 != Wire::bytesLeft(in))
        return unreadable(QStringLiteral("%1 features for %2 sensors").arg(features).arg(used));
    model.m_featureMean.resize(features);
    model.m_featureScale.resize(features);
    model.m_weights.resize(features);
    for (quint32 f = 0; f < features; ++f) {
        in >> model.m_featureMean[f] >> model.m_featureScale[f] >> model.m_weights[f];
        if (!std::isfinite(model.m_featureMean[f]) || !std::isfinite(model.m_weights[f])
            || !std::isfinite(model.m_featureScale[f]) || !(model.m_featureScale[f] > 0))
            return unreadable(QStringLiteral("feature %1 is damaged").arg(f));
    }
    in >> model.m_targetMean >> model.m_residualLow >> model.m_residualHigh >> model.m_cvRmse;
    if (in.status() != QDataStream::Ok || !std::isfinite(model.m_targetMean)
        || !std::isfinite(model.m_residualLow) || !std::isfinite(model.m_residualHigh)
        || model.m_residualLow > model.m_residualHigh || !std::isfinite(model.m_cvRmse)
        || model.m_cvRmse < 0)
        return unreadable(QStringLiteral("the target or interval is damaged"));
    if (!in.atEnd())
        return unreadable(QStringLiteral("%1 bytes after the payload").arg(Wire::bytesLeft(in)));
    return model;
}

} // namespace Laces::Core::Anomaly

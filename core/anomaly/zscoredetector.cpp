#include "anomaly/zscoredetector.h"

#include <QDataStream>
#include <QIODevice>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <limits>

namespace Laces::Core::Anomaly {

namespace {

constexpr int kMaxSmoothingRows = 100000;

Error unreadable(const QString &message)
{
    return { Error::Code::Unprocessable, QStringLiteral("z-score detector: ") + message,
        QStringLiteral("model") };
}

std::optional<Error> validateOptions(const ZScoreOptions &options)
{
    if (options.smoothingRows < 1 || options.smoothingRows > kMaxSmoothingRows)
        return Error::invalid(QStringLiteral("smoothingRows must be between 1 and %1, got %2")
                                  .arg(kMaxSmoothingRows)
                                  .arg(options.smoothingRows),
            QStringLiteral("smoothingRows"));
    if (!(options.quantile > 0 && options.quantile < 1))
        return Error::invalid(
            QStringLiteral("quantile must be in (0, 1), got %1").arg(options.quantile),
            QStringLiteral("quantile"));
    if (options.contamination && options.threshold)
        return Error::invalid(QStringLiteral("give a contamination or a threshold, not both"),
            QStringLiteral("threshold"));
    if (options.contamination && !(*options.contamination > 0 && *options.contamination <= 0.5))
        return Error::invalid(
            QStringLiteral("contamination must be in (0, 0.5], got %1").arg(*options.contamination),
            QStringLiteral("contamination"));
    if (options.minimumThreshold && !(std::isfinite(*options.minimumThreshold) && *options.minimumThreshold >= 0))
        return Error::invalid(QStringLiteral("minimumThreshold must be finite and ≥ 0"),
            QStringLiteral("minimumThreshold"));
    if (options.threshold && !(std::isfinite(*options.threshold) && *options.threshold >= 0))
        return Error::invalid(
            QStringLiteral("threshold must be finite and ≥ 0, got %1").arg(*options.threshold),
            QStringLiteral("threshold"));
    return std::nullopt;
}

} // namespace

QString ZScoreDetector::kind() const
{
    return QLatin1String(kKind);
}

Core::Result<ZScoreDetector> ZScoreDetector::fit(const Eigen::MatrixXd &train,
    const QStringList &featureNames, const ZScoreOptions &options)
{
    if (const std::optional<Error> error = validateOptions(options))
        return *error;
    if (const std::optional<Error> error = checkTraining(train, featureNames))
        return *error;
    if (!options.threshold && train.rows() <= options.smoothingRows)
        return Error::invalid(QStringLiteral("train needs more than smoothingRows = %1 rows to "
                                             "learn a threshold, got %2")
                                  .arg(options.smoothingRows)
                                  .arg(train.rows()),
            QStringLiteral("train"));

    ZScoreDetector detector;
    detector.m_featureNames = featureNames;
    detector.m_options = options;
    const double n = double(train.rows());
    detector.m_mean = train.colwise().mean().transpose();
    detector.m_std.resize(train.cols());
    for (Eigen::Index c = 0; c < train.cols(); ++c) {
        const double sd
            = std::sqrt((train.col(c).array() - detector.m_mean[c]).square().sum() / n);
        detector.m_std[c] = sd < 1e-12 || !std::isfinite(sd) ? 1.0 : sd;
    }
    if (options.threshold) {
        detector.m_threshold = *options.threshold;
    } else {
        const double probability
            = options.contamination ? 1.0 - *options.contamination : options.quantile;
        detector.m_threshold = smoothedTrainingQuantile(
            detector.scores(train), options.smoothingRows, probability);
        if (options.minimumThreshold)
            detector.m_threshold = std::max(detector.m_threshold, *options.minimumThreshold);
    }
    return detector;
}

double ZScoreDetector::score(const double *row) const
{
    double largest = 0;
    for (Eigen::Index j = 0; j < m_mean.size(); ++j) {
        const double z = std::abs((row[j] - m_mean[j]) / m_std[j]);
        if (!std::isfinite(z))
            return std::numeric_limits<double>::quiet_NaN();
        largest = std::max(largest, z);
    }
    return largest;
}

AnomalyScore ZScoreDetector::explain(const double *row) const
{
    AnomalyScore result;
    result.score = score(row);
    result.anomaly = result.score >= m_threshold;
    const int features = int(m_mean.size());
    std::vector<double> magnitude(static_cast<size_t>(features));
    for (int j = 0; j < features; ++j)
        magnitude[size_t(j)] = std::abs((row[j] - m_mean[j]) / m_std[j]);
    result.drivers = sharesOf(m_featureNames, magnitude);
    return result;
}

// Payload, little-endian: u32 features, the names (u32 length + UTF-8), mean and standard
// deviation per feature (f64 pairs), the options (i32 smoothingRows, f64 quantile, u8 flags
// bit 0 contamination / bit 1 threshold, f64 contamination, f64 threshold), f64 threshold.
QByteArray ZScoreDetector::serialize() const
{
    QByteArray payload;
    {
        QDataStream out(&payload, QIODevice::WriteOnly);
        Wire::prepare(out);
        Wire::writeFeatureNames(out, m_featureNames);
        Wire::writeScaling(out, RobustScaling { m_mean, m_std });
        const quint8 flags
            = quint8((m_options.contamination ? 1 : 0) | (m_options.threshold ? 2 : 0));
        out << qint32(m_options.smoothingRows) << m_options.quantile << flags
            << m_options.contamination.value_or(0.0) << m_options.threshold.value_or(0.0)
            << m_threshold;
    }
    return Wire::envelope(kind(), payload);
}

Core::Result<ZScoreDetector> ZScoreDetector::fromPayload(const QByteArray &payload)
{
    QDataStream in(payload);
    Wire::prepare(in);
    const QString truncated = QStringLiteral("the payload ends early");
    ZScoreDetector detector;

    // Each feature needs at least 4 name-length bytes and 16 for its mean and σ.
    QString damage;
    if (!Wire::readFeatureNames(in, &detector.m_featureNames, 20, &damage))
        return unreadable(damage);
    const Eigen::Index features = detector.m_featureNames.size();
    RobustScaling moments;
    if (!Wire::readScaling(in, features, &moments))
        return unreadable(QStringLiteral("the means or standard deviations are damaged"));
    detector.m_mean = moments.center;
    detector.m_std = moments.scale;

    qint32 smoothing = 0;
    quint8 flags = 0;
    double quantile = 0, contamination = 0, thresholdOption = 0, threshold = 0;
    in >> smoothing >> quantile >> flags >> contamination >> thresholdOption >> threshold;
    if (in.status() != QDataStream::Ok)
        return unreadable(truncated);
    if (flags > 3)
        return unreadable(QStringLiteral("unknown option flags %1").arg(flags));
    detector.m_options.smoothingRows = smoothing;
    detector.m_options.quantile = quantile;
    if (flags & 1)
        detector.m_options.contamination = contamination;
    if (flags & 2)
        detector.m_options.threshold = thresholdOption;
    if (const std::optional<Error> error = validateOptions(detector.m_options))
        return unreadable(QStringLiteral("damaged options: ") + error->message);
    if (!std::isfinite(threshold) || threshold < 0)
        return unreadable(QStringLiteral("a threshold of %1").arg(threshold));
    detector.m_threshold = threshold;
    if (!in.atEnd())
        return unreadable(
            QStringLiteral("%1 bytes after the threshold").arg(Wire::bytesLeft(in)));
    return detector;
}

} // namespace Laces::Core::Anomaly

#include "anomaly/detector.h"

#include "anomaly/isolationforest.h"
#include "anomaly/zscoredetector.h"

#include <QCryptographicHash>
#include <QDataStream>
#include <QIODevice>
#include <QSet>
#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

namespace Laces::Core::Anomaly {

// The envelope, little-endian:
//   "LACESAD"            7 bytes
//   format version       u16 (kFormatVersion)
//   kind length          u16 (1..kMaxKindBytes), then the kind in UTF-8
//   payload length       u32, exactly the bytes after the digest
//   SHA-256              32 bytes over kind and payload
//   payload              the detector's own layout
namespace {

constexpr char kMagic[] = "LACESAD";
constexpr int kMagicBytes = 7;
constexpr quint16 kFormatVersion = 1;
constexpr int kMaxKindBytes = 64;
constexpr int kDigestBytes = 32;

Error unreadable(const QString &message)
{
    return { Error::Code::Unprocessable, message, QStringLiteral("model") };
}

QByteArray digest(const QByteArray &kind, const char *payload, qsizetype payloadBytes)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(kind);
    hash.addData(QByteArrayView(payload, payloadBytes));
    return hash.result();
}

// Linear interpolation between order statistics (numpy's default), selecting the needed
// ranks in ascending order so each selection only looks at what is left.
std::vector<double> quantiles(std::vector<double> &values, const std::vector<double> &probabilities)
{
    const qsizetype n = qsizetype(values.size());
    std::vector<double> result;
    qsizetype selectedUpTo = 0; // values[0, selectedUpTo) are the smallest, in order
    auto rank = [&](qsizetype k) {
        if (k >= selectedUpTo) {
            std::nth_element(values.begin() + selectedUpTo, values.begin() + k, values.end());
            selectedUpTo = k + 1;
        }
        return values[size_t(k)];
    };
    for (double p : probabilities) {
        const double position = p * double(n - 1);
        const qsizetype below = std::min(qsizetype(std::floor(position)), n - 1);
        const double fraction = position - double(below);
        const double low = rank(below);
        const double high = below + 1 < n ? rank(below + 1) : low;
        result.push_back(low + fraction * (high - low));
    }
    return result;
}

} // namespace

double linearQuantile(std::vector<double> values, double probability)
{
    if (values.empty())
        return std::numeric_limits<double>::quiet_NaN();
    return quantiles(values, { std::clamp(probability, 0.0, 1.0) }).front();
}

Eigen::VectorXd causalRollingMean(const Eigen::VectorXd &values, int window)
{
    window = std::max(window, 1);
    Eigen::VectorXd result(values.size());
    for (Eigen::Index t = 0; t < values.size(); ++t) {
        const Eigen::Index first = std::max<Eigen::Index>(0, t - window + 1);
        double sum = 0;
        for (Eigen::Index i = first; i <= t; ++i)
            sum += values[i];
        result[t] = sum / double(t - first + 1);
    }
    return result;
}

double smoothedTrainingQuantile(const Eigen::VectorXd &trainScores, int smoothingRows,
    double probability)
{
    const Eigen::VectorXd smoothed = causalRollingMean(trainScores, smoothingRows);
    const Eigen::Index first = smoothingRows > 1 ? smoothingRows : 0;
    if (first >= smoothed.size())
        return std::numeric_limits<double>::quiet_NaN();
    return linearQuantile(
        std::vector<double>(smoothed.data() + first, smoothed.data() + smoothed.size()),
        probability);
}

Eigen::VectorXd Detector::scores(const Eigen::MatrixXd &rows) const
{
    if (rows.cols() != featureNames().size())
        return {};
    Eigen::VectorXd result(rows.rows());
    std::vector<double> row(size_t(rows.cols()));
    for (Eigen::Index r = 0; r < rows.rows(); ++r) {
        for (Eigen::Index c = 0; c < rows.cols(); ++c)
            row[size_t(c)] = rows(r, c);
        result[r] = score(row.data());
    }
    return result;
}

RobustScaling RobustScaling::fit(const Eigen::MatrixXd &train)
{
    RobustScaling scaling;
    const Eigen::Index n = train.rows();
    scaling.center = Eigen::VectorXd::Zero(train.cols());
    scaling.scale = Eigen::VectorXd::Ones(train.cols());
    if (n == 0)
        return scaling;
    std::vector<double> column(static_cast<size_t>(n));
    for (Eigen::Index c = 0; c < train.cols(); ++c) {
        std::copy(train.col(c).data(), train.col(c).data() + n, column.begin());
        const std::vector<double> q = quantiles(column, { 0.25, 0.5, 0.75 });
        scaling.center[c] = q[1];
        // IQR/1.349 is σ for normal data; a column with half its values equal has no IQR,
        // and then the standard deviation still tells its spread.
        double scale = (q[2] - q[0]) / 1.349;
        if (!(scale > 0) || !std::isfinite(scale)) {
            const double mean = train.col(c).mean();
            scale = n > 1 ? std::sqrt((train.col(c).array() - mean).square().sum() / double(n - 1))
                          : 0;
        }
        if (!(scale > 0) || !std::isfinite(scale))
            scale = 1;
        scaling.scale[c] = scale;
    }
    return scaling;
}

namespace Wire {

void prepare(QDataStream &stream)
{
    stream.setVersion(QDataStream::Qt_6_4);
    stream.setByteOrder(QDataStream::LittleEndian);
    stream.setFloatingPointPrecision(QDataStream::DoublePrecision);
}

qint64 bytesLeft(const QDataStream &in)
{
    return in.device() ? in.device()->bytesAvailable() : 0;
}

void writeString(QDataStream &out, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    out << quint32(utf8.size());
    out.writeRawData(utf8.constData(), int(utf8.size()));
}

bool readString(QDataStream &in, QString *text, quint32 maxBytes)
{
    quint32 length = 0;
    in >> length;
    if (in.status() != QDataStream::Ok || length > maxBytes || qint64(length) > bytesLeft(in)) {
        in.setStatus(QDataStream::ReadCorruptData);
        return false;
    }
    QByteArray utf8(qsizetype(length), Qt::Uninitialized);
    if (in.readRawData(utf8.data(), int(length)) != int(length)) {
        in.setStatus(QDataStream::ReadPastEnd);
        return false;
    }
    *text = QString::fromUtf8(utf8);
    return true;
}

void writeScaling(QDataStream &out, const RobustScaling &scaling)
{
    for (Eigen::Index i = 0; i < scaling.center.size(); ++i)
        out << scaling.center[i] << scaling.scale[i];
}

bool readScaling(QDataStream &in, Eigen::Index features, RobustScaling *scaling)
{
    if (features < 0 || bytesLeft(in) < qint64(features) * 16)
        return false;
    scaling->center.resize(features);
    scaling->scale.resize(features);
    for (Eigen::Index i = 0; i < features; ++i) {
        double center = 0;
        double scale = 0;
        in >> center >> scale;
        if (in.status() != QDataStream::Ok || !std::isfinite(center) || !std::isfinite(scale)
            || !(scale > 0))
            return false;
        scaling->center[i] = center;
        scaling->scale[i] = scale;
    }
    return true;
}

QByteArray envelope(const QString &kind, const QByteArray &payload)
{
    const QByteArray kindUtf8 = kind.toUtf8();
    QByteArray bytes;
    bytes.reserve(kMagicBytes + 8 + kindUtf8.size() + kDigestBytes + payload.size());
    bytes.append(kMagic, kMagicBytes);
    uchar field[4];
    qToLittleEndian<quint16>(kFormatVersion, field);
    bytes.append(reinterpret_cast<const char *>(field), 2);
    qToLittleEndian<quint16>(quint16(kindUtf8.size()), field);
    bytes.append(reinterpret_cast<const char *>(field), 2);
    bytes.append(kindUtf8);
    qToLittleEndian<quint32>(quint32(payload.size()), field);
    bytes.append(reinterpret_cast<const char *>(field), 4);
    bytes.append(digest(kindUtf8, payload.constData(), payload.size()));
    bytes.append(payload);
    return bytes;
}

} // namespace Wire

Core::Result<Wire::Envelope> Wire::openEnvelope(const QByteArray &bytes)
{
    const auto *data = reinterpret_cast<const uchar *>(bytes.constData());
    const qsizetype size = bytes.size();
    if (size == 0)
        return unreadable(
            QStringLiteral("not a LACES detector: no bytes, so no magic \"LACESAD\""));
    if (size < kMagicBytes && std::memcmp(data, kMagic, size_t(size)) == 0)
        return unreadable(QStringLiteral("truncated detector: %1 bytes of the magic").arg(size));
    if (size < kMagicBytes || std::memcmp(data, kMagic, kMagicBytes) != 0)
        return unreadable(QStringLiteral("not a LACES detector: the magic \"LACESAD\" is missing"));
    qsizetype at = kMagicBytes;
    if (size < at + 4)
        return unreadable(
            QStringLiteral("truncated detector: the header ends after %1 bytes").arg(size));
    const quint16 version = qFromLittleEndian<quint16>(data + at);
    if (version == 0 || version > kFormatVersion)
        return unreadable(
            QStringLiteral("detector format version %1 is not supported (this build reads 1 to %2)")
                .arg(version)
                .arg(kFormatVersion));
    const quint16 kindBytes = qFromLittleEndian<quint16>(data + at + 2);
    at += 4;
    if (kindBytes == 0 || kindBytes > kMaxKindBytes)
        return unreadable(QStringLiteral("damaged detector: a kind of %1 bytes").arg(kindBytes));
    if (size < at + kindBytes + 4 + kDigestBytes)
        return unreadable(
            QStringLiteral("truncated detector: the header ends after %1 bytes").arg(size));
    const QByteArray kindUtf8(bytes.constData() + at, kindBytes);
    at += kindBytes;
    const quint32 payloadBytes = qFromLittleEndian<quint32>(data + at);
    at += 4;
    const QByteArray expectedDigest(bytes.constData() + at, kDigestBytes);
    at += kDigestBytes;
    if (qint64(size - at) < qint64(payloadBytes))
        return unreadable(QStringLiteral("truncated detector: %1 of %2 payload bytes")
                              .arg(size - at)
                              .arg(payloadBytes));
    if (qint64(size - at) > qint64(payloadBytes))
        return unreadable(QStringLiteral("damaged detector: %1 bytes after the payload")
                              .arg(size - at - payloadBytes));
    if (digest(kindUtf8, bytes.constData() + at, payloadBytes) != expectedDigest)
        return unreadable(
            QStringLiteral("damaged detector: the SHA-256 of the payload does not match"));

    return Envelope { QString::fromUtf8(kindUtf8), bytes.mid(at) };
}

Core::Result<std::unique_ptr<Detector>> deserializeDetector(const QByteArray &bytes)
{
    Core::Result<Wire::Envelope> opened = Wire::openEnvelope(bytes);
    if (!opened)
        return opened.error();
    const QString &kind = opened.value().kind;
    const QByteArray &payload = opened.value().payload;
    if (kind == QLatin1String(IsolationForest::kKind)) {
        Core::Result<IsolationForest> forest = IsolationForest::fromPayload(payload);
        if (!forest)
            return forest.error();
        return std::unique_ptr<Detector>(
            std::make_unique<IsolationForest>(std::move(forest).value()));
    }
    if (kind == QLatin1String(ZScoreDetector::kKind)) {
        Core::Result<ZScoreDetector> zscore = ZScoreDetector::fromPayload(payload);
        if (!zscore)
            return zscore.error();
        return std::unique_ptr<Detector>(
            std::make_unique<ZScoreDetector>(std::move(zscore).value()));
    }
    return unreadable(QStringLiteral("unknown detector kind \"%1\"").arg(kind));
}

QList<FeatureContribution> sharesOf(const QStringList &featureNames, const std::vector<double> &credits)
{
    const double total = std::accumulate(credits.begin(), credits.end(), 0.0);
    const bool usable = total > 0 && std::isfinite(total);
    QList<FeatureContribution> shares;
    shares.reserve(featureNames.size());
    for (qsizetype f = 0; f < featureNames.size(); ++f)
        shares.append({featureNames[f], usable ? credits[size_t(f)] / total : 1.0 / double(featureNames.size())});
    std::stable_sort(shares.begin(), shares.end(),
                     [](const FeatureContribution &a, const FeatureContribution &b) { return a.share > b.share; });
    return shares;
}

std::optional<Core::Error> checkTraining(const Eigen::MatrixXd &train, const QStringList &featureNames)
{
    using Core::Error;
    if (train.rows() < 2)
        return Error::invalid(QStringLiteral("train needs at least 2 rows, got %1").arg(train.rows()),
                              QStringLiteral("train"));
    if (train.cols() < 1 || train.cols() > kMaxFeatures)
        return Error::invalid(QStringLiteral("train needs 1 to %1 columns, got %2").arg(kMaxFeatures).arg(train.cols()),
                              QStringLiteral("train"));
    if (featureNames.size() != train.cols())
        return Error::invalid(QStringLiteral("featureNames has %1 names for %2 columns")
                                  .arg(featureNames.size())
                                  .arg(train.cols()),
                              QStringLiteral("featureNames"));
    QSet<QString> seen;
    for (const QString &name : featureNames) {
        if (name.isEmpty() || name.toUtf8().size() > qsizetype(kMaxFeatureNameBytes))
            return Error::invalid(
                QStringLiteral("featureNames: a name is empty or longer than %1 bytes").arg(kMaxFeatureNameBytes),
                QStringLiteral("featureNames"));
        if (seen.contains(name))
            return Error::invalid(QStringLiteral("featureNames: \"%1\" appears twice").arg(name),
                                  QStringLiteral("featureNames"));
        seen.insert(name);
    }
    for (Eigen::Index c = 0; c < train.cols(); ++c)
        for (Eigen::Index r = 0; r < train.rows(); ++r)
            if (!std::isfinite(train(r, c)))
                return Error::invalid(QStringLiteral("train has a non-finite value at row %1, column \"%2\"")
                                          .arg(r)
                                          .arg(featureNames[int(c)]),
                                      QStringLiteral("train"));
    return std::nullopt;
}

void Wire::writeFeatureNames(QDataStream &out, const QStringList &names)
{
    out << quint32(names.size());
    for (const QString &name : names)
        writeString(out, name);
}

bool Wire::readFeatureNames(QDataStream &in, QStringList *names, int bytesPerFeature, QString *error)
{
    quint32 features = 0;
    in >> features;
    if (in.status() != QDataStream::Ok) {
        *error = QStringLiteral("the payload ends early");
        return false;
    }
    if (features < 1 || features > kMaxFeatures || qint64(features) * bytesPerFeature > bytesLeft(in)) {
        *error = QStringLiteral("%1 features do not fit the payload").arg(features);
        return false;
    }
    QSet<QString> seen;
    for (quint32 f = 0; f < features; ++f) {
        QString name;
        if (!readString(in, &name, kMaxFeatureNameBytes) || name.isEmpty() || seen.contains(name)) {
            *error = QStringLiteral("feature name %1 is damaged").arg(f);
            return false;
        }
        seen.insert(name);
        names->append(name);
    }
    return true;
}

} // namespace Laces::Core::Anomaly

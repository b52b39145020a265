#include "anomaly/featurescreen.h"

#include "anomaly/detector.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace Laces::Core::Anomaly {

Core::Result<FeatureScreenResult> screenFeatures(const Eigen::MatrixXd &healthy,
    const QStringList &featureNames, const FeatureScreenOptions &options)
{
    if (featureNames.size() != healthy.cols() || healthy.cols() < 1)
        return Error::invalid(QStringLiteral("%1 feature names for %2 columns")
                                  .arg(featureNames.size())
                                  .arg(healthy.cols()),
            QStringLiteral("featureNames"));
    if (!healthy.allFinite())
        return Error::invalid(QStringLiteral("the healthy rows have a non-finite value"),
            QStringLiteral("healthy"));
    if (options.chunks < 1 || options.fitRows < 2 || !(options.fitShare > 0 && options.fitShare < 1)
        || !(options.quantile > 0 && options.quantile < 1)
        || !(options.maxFalseAlarmRate >= 0 && options.maxFalseAlarmRate <= 1))
        return Error::invalid(QStringLiteral("chunks ≥ 1, fitRows ≥ 2, fitShare and quantile in "
                                             "(0, 1), maxFalseAlarmRate in [0, 1]"),
            QStringLiteral("options"));
    const Eigen::Index chunkRows = healthy.rows() / options.chunks;
    const Eigen::Index fitRows = chunkRows > options.fitRows
        ? Eigen::Index(options.fitRows)
        : Eigen::Index(std::floor(options.fitShare * double(chunkRows)));
    if (fitRows < 2 || chunkRows - fitRows < 1)
        return Error::invalid(QStringLiteral("%1 rows in %2 chunks leave %3 rows per chunk: too "
                                             "few to fit on 2 and test 1")
                                  .arg(healthy.rows())
                                  .arg(options.chunks)
                                  .arg(chunkRows),
            QStringLiteral("healthy"));

    FeatureScreenResult result;
    result.chunkRows = int(chunkRows);
    result.fitRows = int(fitRows);
    std::vector<double> magnitudes(static_cast<size_t>(fitRows));
    for (Eigen::Index j = 0; j < healthy.cols(); ++j) {
        double rateSum = 0;
        for (int c = 0; c < options.chunks; ++c) {
            const auto column = healthy.col(j).segment(Eigen::Index(c) * chunkRows, chunkRows);
            const auto fit = column.head(fitRows);
            const double mean = fit.mean();
            double sd = std::sqrt((fit.array() - mean).square().sum() / double(fitRows));
            if (sd < 1e-12)
                sd = 1;
            for (Eigen::Index r = 0; r < fitRows; ++r)
                magnitudes[size_t(r)] = std::abs((fit[r] - mean) / sd);
            const double limit = linearQuantile(magnitudes, options.quantile);
            Eigen::Index above = 0;
            for (Eigen::Index r = fitRows; r < chunkRows; ++r)
                above += std::abs((column[r] - mean) / sd) > limit ? 1 : 0;
            rateSum += double(above) / double(chunkRows - fitRows);
        }
        const double rate = rateSum / double(options.chunks);
        const bool kept = rate <= options.maxFalseAlarmRate;
        result.rates.append({ featureNames[int(j)], rate, kept });
        if (kept)
            result.kept.append(featureNames[int(j)]);
    }
    if (result.kept.isEmpty()) {
        const auto best = std::min_element(result.rates.begin(), result.rates.end(),
            [](const FeatureRate &a, const FeatureRate &b) {
                return a.falseAlarmRate < b.falseAlarmRate;
            });
        best->kept = true;
        result.kept.append(best->feature);
    }
    return result;
}

} // namespace Laces::Core::Anomaly

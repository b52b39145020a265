#include "anomaly/trend.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace Laces::Core::Anomaly {

namespace {

constexpr qsizetype kExactPointsLimit = 2000;
constexpr qsizetype kSampledPairs = 2000000;
constexpr double kPi = 3.14159265358979323846;
constexpr double kMadToSigma = 1.4826; // 1/Φ⁻¹(3/4): MAD → σ for normal residuals

double normalCdf(double x)
{
    return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

// Acklam's rational approximation (relative error 1.15e-9), polished by one Halley step
// on erfc, which brings it to double precision.
double normalQuantile(double p)
{
    static const double a[]
        = { -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
              1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00 };
    static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
        -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01 };
    static const double c[]
        = { -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
              -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00 };
    static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
        3.754408661907416e+00 };
    const double low = 0.02425;
    double x = 0;
    if (p < low) {
        const double q = std::sqrt(-2 * std::log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - low) {
        const double q = p - 0.5;
        const double r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
        const double q = std::sqrt(-2 * std::log(1 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    const double e = normalCdf(x) - p;
    const double u = e * std::sqrt(2 * kPi) * std::exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

double median(std::vector<double> values)
{
    const size_t n = values.size();
    const size_t middle = n / 2;
    std::nth_element(values.begin(), values.begin() + qsizetype(middle), values.end());
    const double upper = values[middle];
    if (n % 2 == 1)
        return upper;
    const double lower = *std::max_element(values.begin(), values.begin() + qsizetype(middle));
    return 0.5 * (lower + upper);
}

// Σ k(k−1)(2k+5) over the groups of equal values: the tie term of Var(S).
double tieTerm(std::vector<double> values, double *pairsWithin = nullptr)
{
    std::sort(values.begin(), values.end());
    double term = 0;
    double pairs = 0;
    for (size_t i = 0; i < values.size();) {
        size_t j = i + 1;
        while (j < values.size() && values[j] == values[i])
            ++j;
        const double k = double(j - i);
        term += k * (k - 1) * (2 * k + 5);
        pairs += k * (k - 1) / 2;
        i = j;
    }
    if (pairsWithin)
        *pairsWithin = pairs;
    return term;
}

quint64 splitMix64(quint64 &state)
{
    quint64 z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

} // namespace

Core::Result<TrendFit> fitTheilSen(
    const QList<double> &tHours, const QList<double> &values, double confidence)
{
    if (tHours.size() != values.size())
        return Error::invalid(
            QStringLiteral("%1 times for %2 values").arg(tHours.size()).arg(values.size()),
            QStringLiteral("values"));
    if (!(confidence > 0 && confidence < 1))
        return Error::invalid(
            QStringLiteral("confidence must be in (0, 1), got %1").arg(confidence),
            QStringLiteral("confidence"));
    const qsizetype n = tHours.size();
    for (qsizetype i = 0; i < n; ++i) {
        if (!std::isfinite(tHours[i]))
            return Error::invalid(
                QStringLiteral("time %1 is not finite").arg(i), QStringLiteral("tHours"));
        if (!std::isfinite(values[i]))
            return Error::invalid(
                QStringLiteral("value %1 is not finite").arg(i), QStringLiteral("values"));
    }
    const std::vector<double> t(tHours.cbegin(), tHours.cend());
    const std::vector<double> y(values.cbegin(), values.cend());
    std::vector<double> sortedTimes = t;
    std::sort(sortedTimes.begin(), sortedTimes.end());
    const qsizetype distinctTimes
        = std::unique(sortedTimes.begin(), sortedTimes.end()) - sortedTimes.begin();
    if (distinctTimes < 3)
        return Error::invalid(
            QStringLiteral("a trend needs 3 distinct times or more, got %1").arg(distinctTimes),
            QStringLiteral("tHours"));

    double tiedTimePairs = 0;
    const double timeTies = tieTerm(t, &tiedTimePairs);
    const double valueTies = tieTerm(y);
    const double allPairs
        = double(n) * double(n - 1) / 2 - tiedTimePairs; // N: pairs with distinct times

    std::vector<double> slopes;
    if (n <= kExactPointsLimit) {
        slopes.reserve(size_t(allPairs));
        for (qsizetype i = 0; i < n; ++i)
            for (qsizetype j = i + 1; j < n; ++j)
                if (t[size_t(j)] != t[size_t(i)])
                    slopes.push_back((y[size_t(j)] - y[size_t(i)]) / (t[size_t(j)] - t[size_t(i)]));
    } else {
        // At least 3 distinct times, so a pair with distinct times is drawn with probability
        // 2/n² or more per try; the cap on tries only guards the arithmetic.
        slopes.reserve(size_t(kSampledPairs));
        quint64 state = 0x5eed;
        for (qint64 tries = 0;
             qsizetype(slopes.size()) < kSampledPairs && tries < 100 * kSampledPairs; ++tries) {
            const size_t i = size_t(splitMix64(state) % quint64(n));
            const size_t j = size_t(splitMix64(state) % quint64(n));
            if (t[i] != t[j])
                slopes.push_back((y[j] - y[i]) / (t[j] - t[i]));
        }
    }
    // Only four order statistics are needed (the median's one or two, and the interval's
    // two): selected in place with nth_element, the same values a full sort would give,
    // in linear time (the agent fits hundreds of week-long series a cycle).
    const qsizetype count = qsizetype(slopes.size());
    const auto middle = slopes.begin() + count / 2;
    std::nth_element(slopes.begin(), middle, slopes.end());
    const double upperMiddle = *middle;
    const double lowerMiddle = count % 2 == 1 ? upperMiddle : *std::max_element(slopes.begin(), middle);
    const double slope = count % 2 == 1 ? upperMiddle : 0.5 * (lowerMiddle + upperMiddle);
    const auto orderStatistic = [&](qsizetype rank) {
        if (rank == count / 2)
            return upperMiddle;
        if (rank < count / 2) {   // below the middle: [begin, middle) holds the smaller ones
            std::nth_element(slopes.begin(), slopes.begin() + rank, middle);
            return slopes[size_t(rank)];
        }
        std::nth_element(middle + 1, slopes.begin() + rank, slopes.end());
        return slopes[size_t(rank)];
    };

    // Sen (1968) eq. 2.6; ranks rounded half to even (nearbyint), as numpy's round.
    const double varianceS
        = (double(n) * double(n - 1) * double(2 * n + 5) - valueTies - timeTies) / 18;
    const double spread
        = normalQuantile(0.5 + confidence / 2) * std::sqrt(std::max(0.0, varianceS));
    double lowRank = std::max(std::nearbyint((allPairs - spread) / 2) - 1, 0.0);
    double highRank = std::min(std::nearbyint((allPairs + spread) / 2), allPairs - 1);
    if (count != qsizetype(allPairs)) { // sampled: the same fractions of the sample
        lowRank = std::nearbyint(lowRank / std::max(1.0, allPairs - 1) * double(count - 1));
        highRank = std::nearbyint(highRank / std::max(1.0, allPairs - 1) * double(count - 1));
    }
    lowRank = std::clamp(lowRank, 0.0, double(count - 1));
    highRank = std::clamp(highRank, 0.0, double(count - 1));

    TrendFit fit;
    fit.slopePerHour = slope;
    fit.slopeLow = orderStatistic(qsizetype(lowRank));
    fit.slopeHigh = orderStatistic(qsizetype(highRank));
    fit.points = int(n);
    fit.confidence = confidence;
    std::vector<double> offsets(static_cast<size_t>(n));
    for (size_t i = 0; i < size_t(n); ++i)
        offsets[i] = y[i] - slope * t[i];
    fit.intercept = median(offsets);
    std::vector<double> residuals(static_cast<size_t>(n));
    for (size_t i = 0; i < size_t(n); ++i)
        residuals[i] = y[i] - (fit.intercept + slope * t[i]);
    const double residualMedian = median(residuals);
    for (double &r : residuals)
        r = std::abs(r - residualMedian);
    fit.residualMad = median(residuals);
    fit.lastTimeHours = sortedTimes[size_t(distinctTimes - 1)];
    fit.medianTimeHours = median(t);
    return fit;
}

TimeToThreshold timeToThreshold(const TrendFit &fit, double limit, LimitSide side)
{
    TimeToThreshold result;
    result.limit = limit;
    result.side = side;
    result.slopePerHour = fit.slopePerHour;
    result.medianTimeHours = fit.medianTimeHours;
    result.lastTimeHours = fit.lastTimeHours;
    result.valueAtMedianTime = fit.intercept + fit.slopePerHour * fit.medianTimeHours;
    result.residualSigma = kMadToSigma * fit.residualMad;
    const double z = normalQuantile(0.5 + fit.confidence / 2);
    result.slopeSigma = z > 0 ? (fit.slopeHigh - fit.slopeLow) / (2 * z) : 0;

    // Measured towards the limit: positive when the line approaches it.
    const double sign = side == LimitSide::Above ? 1.0 : -1.0;
    auto hoursFor = [&](double slope) -> std::optional<double> {
        const double valueNow
            = result.valueAtMedianTime + slope * (fit.lastTimeHours - fit.medianTimeHours);
        const double gap = sign * (limit - valueNow);
        if (gap <= 0)
            return 0.0;
        const double approach = sign * slope;
        if (!(approach > 0))
            return std::nullopt;
        return gap / approach;
    };
    const double fittedNow = fit.intercept + fit.slopePerHour * fit.lastTimeHours;
    if (sign * (limit - fittedNow) <= 0)
        result.hours = 0.0;
    else if (sign * fit.slopePerHour > 0)
        result.hours
            = (limit - fit.intercept - fit.slopePerHour * fit.lastTimeHours) / fit.slopePerHour;
    const double steep = side == LimitSide::Above ? fit.slopeHigh : fit.slopeLow;
    const double shallow = side == LimitSide::Above ? fit.slopeLow : fit.slopeHigh;
    result.hoursLow = hoursFor(steep);
    result.hoursHigh = hoursFor(shallow);
    return result;
}

double TimeToThreshold::probabilityWithin(double horizonHours) const
{
    const double at = lastTimeHours + std::max(0.0, horizonHours);
    const double mean = valueAtMedianTime + slopePerHour * (at - medianTimeHours);
    const double lever = (at - medianTimeHours) * slopeSigma;
    const double sigma = std::sqrt(residualSigma * residualSigma + lever * lever);
    const double beyond = side == LimitSide::Above ? mean - limit : limit - mean;
    if (!(sigma > 0))
        return beyond >= 0 ? 1.0 : 0.0;
    return normalCdf(beyond / sigma);
}

double vibrationMagnitude(double vx, double vy, double vz)
{
    return std::hypot(vx, vy, vz);
}

} // namespace Laces::Core::Anomaly

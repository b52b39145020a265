#include "weibull.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace Laces::Core::Ageing {

double weibullCdf(double t, double eta, double beta)
{
    if (!(t > 0))
        return 0.0;
    return -std::expm1(-std::pow(t / eta, beta));
}

double weibullQuantile(double p, double eta, double beta)
{
    return eta * std::pow(-std::log1p(-p), 1.0 / beta);
}

double weibullResidualQuantile(double p, double age, double eta, double beta)
{
    const double used = std::pow(std::max(0.0, age) / eta, beta);
    return eta * std::pow(used - std::log1p(-p), 1.0 / beta) - std::max(0.0, age);
}

double weibullEtaForMedian(double median, double beta)
{
    return median / std::pow(std::log(2.0), 1.0 / beta);
}

double weibullMean(double eta, double beta)
{
    return eta * std::tgamma(1.0 + 1.0 / beta);
}

double weibullLogLikelihood(const QList<double> &failures, const QList<double> &suspensions, double eta,
                            double beta)
{
    double logLikelihood = 0;
    for (const double t : failures)
        logLikelihood += std::log(beta) - std::log(eta) + (beta - 1.0) * std::log(t / eta) - std::pow(t / eta, beta);
    for (const double t : suspensions)
        logLikelihood -= std::pow(t / eta, beta);
    return logLikelihood;
}

Core::Result<WeibullFit> fitWeibull(const QList<double> &failures, const QList<double> &suspensions)
{
    if (failures.isEmpty())
        return Error::invalid(QStringLiteral("a Weibull fit needs at least one failure"), QStringLiteral("failures"));
    for (const QList<double> *times : {&failures, &suspensions}) {
        for (const double t : *times) {
            if (!(t > 0) || !std::isfinite(t))
                return Error::invalid(QStringLiteral("times must be positive and finite"),
                                      times == &failures ? QStringLiteral("failures") : QStringLiteral("suspensions"));
        }
    }
    // Scaled by the longest time, so that t^β neither overflows nor loses the short ones;
    // the score equation reads the same in scaled time.
    double longest = 0;
    for (const QList<double> *times : {&failures, &suspensions})
        for (const double t : *times)
            longest = std::max(longest, t);
    std::vector<double> logAll;
    logAll.reserve(size_t(failures.size() + suspensions.size()));
    double meanLogFailure = 0;
    for (const double t : failures) {
        logAll.push_back(std::log(t / longest));
        meanLogFailure += logAll.back();
    }
    meanLogFailure /= double(failures.size());
    for (const double t : suspensions)
        logAll.push_back(std::log(t / longest));
    if (!(meanLogFailure < 0))
        return Error::invalid(QStringLiteral("every failure is at the longest time: the shape has no finite "
                                             "maximum-likelihood value"),
                              QStringLiteral("failures"));

    // g(β) = Σ x^β·ln x / Σ x^β − 1/β − mean ln x_failures, increasing from −∞ to
    // −mean ln x_failures > 0.
    const auto score = [&](double beta) {
        double weighted = 0, total = 0;
        for (const double logX : logAll) {
            const double power = std::exp(beta * logX);
            weighted += power * logX;
            total += power;
        }
        return weighted / total - 1.0 / beta - meanLogFailure;
    };
    double low = std::log(1e-4);
    double high = std::log(1e4);
    while (score(std::exp(high)) < 0 && high < std::log(1e8))
        high += std::log(10.0);
    if (score(std::exp(low)) > 0 || score(std::exp(high)) < 0)
        return Error::invalid(QStringLiteral("the Weibull shape could not be bracketed"), QStringLiteral("failures"));
    for (int i = 0; i < 200 && high - low > 1e-15 * std::max(1.0, std::abs(high)); ++i) {
        const double middle = 0.5 * (low + high);
        if (score(std::exp(middle)) < 0)
            low = middle;
        else
            high = middle;
    }
    const double beta = std::exp(0.5 * (low + high));
    double total = 0;
    for (const double logX : logAll)
        total += std::exp(beta * logX);
    WeibullFit fit;
    fit.beta = beta;
    fit.eta = longest * std::pow(total / double(failures.size()), 1.0 / beta);
    fit.logLikelihood = weibullLogLikelihood(failures, suspensions, fit.eta, fit.beta);
    fit.failures = int(failures.size());
    fit.suspensions = int(suspensions.size());
    return fit;
}

} // namespace Laces::Core::Ageing

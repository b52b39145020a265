#pragma once

#include "result.h"

#include <QList>

namespace Laces::Core::Ageing {

// The two-parameter Weibull distribution, F(t) = 1 − exp(−(t/η)^β), t ≥ 0, in whatever
// time unit the caller uses (η has it too).
double weibullCdf(double t, double eta, double beta);
// The t with F(t) = p (0 < p < 1): B10 is weibullQuantile(0.1, …), the median p = 0.5.
double weibullQuantile(double p, double eta, double beta);
// Remaining life of a unit that has run `age` without failing: the t with
// P(T ≤ age + t | T > age) = p, i.e. R(age + t)/R(age) = 1 − p (conditional reliability),
// t = η·((age/η)^β − ln(1 − p))^(1/β) − age. At age 0 it is weibullQuantile(p, …).
double weibullResidualQuantile(double p, double age, double eta, double beta);
// The η that puts the median at `median`: η = median/(ln 2)^(1/β).
double weibullEtaForMedian(double median, double beta);
double weibullMean(double eta, double beta);
// log L = Σ_failures [ln β − ln η + (β − 1)·ln(t/η)] − Σ_all (t/η)^β (suspensions are
// units still running at their time).
double weibullLogLikelihood(const QList<double> &failures, const QList<double> &suspensions, double eta,
                            double beta);

// Maximum-likelihood fit from failure and (right-censored) suspension times. The profile
// likelihood is maximized over β alone: its score equation is monotone in β, and is solved
// by bisection in log β, which cannot diverge however many suspensions there are (Newton
// on (η, β) does). Needs one failure or more, all times positive, and not every failure at
// the longest time.
struct WeibullFit
{
    double eta = 0;
    double beta = 0;
    double logLikelihood = 0;
    int failures = 0;
    int suspensions = 0;
};
Core::Result<WeibullFit> fitWeibull(const QList<double> &failures, const QList<double> &suspensions = {});

} // namespace Laces::Core::Ageing

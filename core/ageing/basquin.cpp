#include "basquin.h"

#include <cmath>
#include <limits>

namespace Laces::Core::Ageing {

double SnCurve::kneeAmplitudeMPa() const
{
    return kneeCycles > 0 ? sigmaFMPa * std::pow(2.0 * kneeCycles, basquinB) : 0.0;
}

double SnCurve::cyclesToFailure(double amplitudeMPa) const
{
    if (!(amplitudeMPa > 0) || amplitudeMPa <= cutoffAmplitudeMPa)
        return std::numeric_limits<double>::infinity();
    const double knee = kneeAmplitudeMPa();
    if (knee > 0 && amplitudeMPa < knee) {
        const double k = -1.0 / basquinB;
        return kneeCycles * std::pow(amplitudeMPa / knee, -(2.0 * k - 1.0));
    }
    // 2N_f = (σ_a/σ'_f)^(1/b): reversals, half of them cycles.
    return 0.5 * std::pow(amplitudeMPa / sigmaFMPa, 1.0 / basquinB);
}

double minerSum(const QList<MinerBlock> &blocks)
{
    double damage = 0;
    for (const MinerBlock &block : blocks) {
        if (block.life > 0 && std::isfinite(block.life))
            damage += block.applied / block.life;
    }
    return damage;
}

Core::Result<BasquinFit> fitBasquin(const QList<SnPoint> &points)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int n = 0;
    for (const SnPoint &point : points) {
        if (!(point.amplitudeMPa > 0) || !(point.cycles > 0))
            return Error::invalid(QStringLiteral("amplitudes and lives must be positive"), QStringLiteral("points"));
        const double x = std::log10(point.amplitudeMPa);
        const double y = std::log10(point.cycles);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
        ++n;
    }
    const double spread = n * sxx - sx * sx;
    if (n < 2 || !(spread > 1e-300))
        return Error::invalid(QStringLiteral("a fit needs at least two different amplitudes"), QStringLiteral("points"));
    // log N = α + β·log σ  ⇒  σ = 10^(−α/β)·N^(1/β).
    const double beta = (n * sxy - sx * sy) / spread;
    const double alpha = (sy - beta * sx) / n;
    BasquinFit fit;
    fit.exponent = 1.0 / beta;
    fit.coefficientMPa = std::pow(10.0, -alpha / beta);
    fit.sigmaFMPa = fit.coefficientMPa * std::pow(2.0, -fit.exponent);
    return fit;
}

} // namespace Laces::Core::Ageing

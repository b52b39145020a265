#include "loadspectrum.h"

#include <algorithm>
#include <cmath>

namespace Laces::Core::Ageing {

std::shared_ptr<LoadSpectrum> LoadSpectrum::single(double loadRange, double cyclesPerHour, bool perRevolution)
{
    auto spectrum = std::make_shared<LoadSpectrum>();
    spectrum->add(loadRange, cyclesPerHour, perRevolution);
    spectrum->finalize();
    return spectrum;
}

std::shared_ptr<LoadSpectrum> LoadSpectrum::scaled(double revolutionFactor, double loadFactor) const
{
    auto spectrum = std::make_shared<LoadSpectrum>();
    for (const Bin &bin : m_bins) {
        spectrum->add(bin.loadRange * loadFactor, bin.perRevolutionPerHour * revolutionFactor, true);
        spectrum->add(bin.loadRange * loadFactor, bin.signalPerHour, false);
    }
    spectrum->finalize();
    return spectrum;
}

void LoadSpectrum::add(double loadRange, double cyclesPerHour, bool perRevolution)
{
    if (!(loadRange > 0) || !(cyclesPerHour > 0))
        return;  // no load or no cycles: no damage, no growth
    Bin bin;
    bin.loadRange = loadRange;
    (perRevolution ? bin.perRevolutionPerHour : bin.signalPerHour) = cyclesPerHour;
    m_bins.push_back(bin);
    m_prefix.clear();
}

void LoadSpectrum::finalize()
{
    std::stable_sort(m_bins.begin(), m_bins.end(), [](const Bin &a, const Bin &b) { return a.loadRange > b.loadRange; });
    std::vector<Bin> merged;
    merged.reserve(m_bins.size());
    for (const Bin &bin : m_bins) {
        if (!merged.empty() && merged.back().loadRange == bin.loadRange) {
            merged.back().perRevolutionPerHour += bin.perRevolutionPerHour;
            merged.back().signalPerHour += bin.signalPerHour;
        } else {
            merged.push_back(bin);
        }
    }
    m_bins.swap(merged);
    m_prefix.clear();
}

void LoadSpectrum::prepare(const std::vector<double> &exponents)
{
    for (const double exponent : exponents) {
        if (std::any_of(m_prefix.begin(), m_prefix.end(), [&](const Prefix &p) { return p.exponent == exponent; }))
            continue;
        Prefix prefix;
        prefix.exponent = exponent;
        prefix.perRevolution.assign(m_bins.size() + 1, 0.0);
        prefix.signal.assign(m_bins.size() + 1, 0.0);
        for (size_t i = 0; i < m_bins.size(); ++i) {
            const double power = std::pow(m_bins[i].loadRange, exponent);
            prefix.perRevolution[i + 1] = prefix.perRevolution[i] + m_bins[i].perRevolutionPerHour * power;
            prefix.signal[i + 1] = prefix.signal[i] + m_bins[i].signalPerHour * power;
        }
        m_prefix.push_back(std::move(prefix));
    }
}

int LoadSpectrum::countAtLeast(double loadRange) const
{
    // Bins fall: the first one below `loadRange` ends the run of those at or above it.
    const auto below = std::partition_point(m_bins.begin(), m_bins.end(),
                                            [&](const Bin &bin) { return bin.loadRange >= loadRange; });
    return int(below - m_bins.begin());
}

double LoadSpectrum::sum(double exponent, int from, int to, double cyclesPerRev) const
{
    from = std::max(from, 0);
    to = std::min(to, int(m_bins.size()));
    if (from >= to)
        return 0.0;
    for (const Prefix &prefix : m_prefix) {
        if (prefix.exponent == exponent)
            return cyclesPerRev * (prefix.perRevolution[size_t(to)] - prefix.perRevolution[size_t(from)])
                   + (prefix.signal[size_t(to)] - prefix.signal[size_t(from)]);
    }
    double total = 0;
    for (int i = from; i < to; ++i) {
        const Bin &bin = m_bins[size_t(i)];
        total += (cyclesPerRev * bin.perRevolutionPerHour + bin.signalPerHour) * std::pow(bin.loadRange, exponent);
    }
    return total;
}

} // namespace Laces::Core::Ageing

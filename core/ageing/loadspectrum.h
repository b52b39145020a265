#pragma once

#include <memory>
#include <vector>

namespace Laces::Core::Ageing {

// Load cycles per hour by load range, the duty a machine puts on its components. A load
// range is a fraction of rated load (1 is a cycle from zero to rated load); a component
// turns it into stress with its rated stress range. Each bin counts cycles per
// revolution (scaled by a component's cycles_per_rev: one per turn of a crank) and cycles
// of the load signal itself (start-ups, load changes) apart.
class LoadSpectrum
{
public:
    struct Bin
    {
        double loadRange = 0;
        double perRevolutionPerHour = 0;
        double signalPerHour = 0;
    };

    // One bin of `cyclesPerHour` cycles at `loadRange`.
    static std::shared_ptr<LoadSpectrum> single(double loadRange, double cyclesPerHour, bool perRevolution);
    // This duty at another speed and load: revolutions per hour times `revolutionFactor`,
    // every load range times `loadFactor` (the signal's own cycles keep their rate).
    std::shared_ptr<LoadSpectrum> scaled(double revolutionFactor, double loadFactor) const;

    void add(double loadRange, double cyclesPerHour, bool perRevolution);
    // Sorts the bins by falling range and merges equal ones; prepare() and the sums need it.
    void finalize();
    // Prefix sums of rate·range^exponent for these exponents, so that a sum over a band of
    // ranges costs a binary search. Sums for other exponents are computed bin by bin.
    void prepare(const std::vector<double> &exponents);

    bool isEmpty() const { return m_bins.empty(); }
    const std::vector<Bin> &bins() const { return m_bins; }
    double maxLoadRange() const { return m_bins.empty() ? 0.0 : m_bins.front().loadRange; }
    // How many bins have a range of at least `loadRange` (they come first).
    int countAtLeast(double loadRange) const;
    // Σ over bins [from, to) of (cyclesPerRev·perRevolution + signal)·range^exponent.
    double sum(double exponent, int from, int to, double cyclesPerRev) const;
    double cyclesPerHour(double cyclesPerRev) const { return sum(0.0, 0, int(m_bins.size()), cyclesPerRev); }

private:
    struct Prefix
    {
        double exponent = 0;
        std::vector<double> perRevolution;   // size bins + 1
        std::vector<double> signal;
    };
    std::vector<Bin> m_bins;
    std::vector<Prefix> m_prefix;
};

} // namespace Laces::Core::Ageing

#include "measuredhistory.h"

#include "ageingunits.h"

#include <algorithm>

namespace Laces::Core::Ageing {

namespace {
constexpr double kMsPerHour = 3600000.0;
constexpr double kGridRatio = 1.0025;
} // namespace

double RangeHistogram::quantized(double value)
{
    static const double logRatio = std::log(kGridRatio);
    return std::pow(kGridRatio, std::ceil(std::log(value) / logRatio - 1e-12));
}

void RangeHistogram::add(double value, double count)
{
    if (!(value > 0) || !(count > 0))
        return;
    if (m_quantized) {
        m_counts[quantized(value)] += count;
        return;
    }
    m_counts[value] += count;
    if (m_counts.size() > m_exactLimit) {
        std::unordered_map<double, double> rounded;
        for (const auto &[known, knownCount] : m_counts)
            rounded[quantized(known)] += knownCount;
        m_counts.swap(rounded);
        m_quantized = true;
    }
}

std::vector<std::pair<double, double>> RangeHistogram::sorted() const
{
    std::vector<std::pair<double, double>> list(m_counts.begin(), m_counts.end());
    std::sort(list.begin(), list.end());
    return list;
}

MeasuredHistoryBuilder::MeasuredHistoryBuilder(Options options)
    : m_options(options)
{
}

qint64 MeasuredHistoryBuilder::stepIndex(qint64 timeMs) const
{
    const double hours = double(timeMs - m_options.endMs) / kMsPerHour;
    // A sample at the end itself belongs to the last past step.
    return std::min<qint64>(qint64(std::floor(hours / m_options.stepH)), -1);
}

MeasuredHistoryBuilder::Step &MeasuredHistoryBuilder::step(qint64 index)
{
    return m_steps[index];
}

void MeasuredHistoryBuilder::add(const MeasuredSample &sample)
{
    if (!std::isfinite(sample.signal))
        return;
    if (m_samples == 0)
        m_firstMs = sample.timeMs;
    ++m_samples;
    m_loadSum += std::abs(sample.signal) / m_options.referenceSignal;
    m_rainflow.add(sample.signal, sample.timeMs);
    if (std::isfinite(sample.temperatureC)) {
        const double inverseKelvin = 1.0 / (sample.temperatureC + kZeroCelsiusK);
        Step &current = step(stepIndex(sample.timeMs));
        current.inverseKelvinSum += inverseKelvin;
        ++current.temperatures;
        m_inverseKelvinSum += inverseKelvin;
        ++m_temperatures;
    }
    if (std::isfinite(sample.rpm)) {
        m_rpmSum += sample.rpm;
        ++m_rpmCount;
    }
    // The revolutions since the previous sample, at the previous sample's load.
    if (m_havePrevious)
        m_coveredH += std::min(double(sample.timeMs - m_previous.timeMs) / kMsPerHour, m_options.maxGapH);
    if (m_havePrevious && std::isfinite(m_previous.rpm) && m_previous.rpm > 0) {
        const double hours = std::min(double(sample.timeMs - m_previous.timeMs) / kMsPerHour, m_options.maxGapH);
        if (hours > 0) {
            const double revolutions = m_previous.rpm * 60.0 * hours;
            step(stepIndex(m_previous.timeMs))
                .revolutions.add(std::abs(m_previous.signal) / m_options.referenceSignal, revolutions);
            m_revolutions += revolutions;
        }
    }
    m_previous = sample;
    m_havePrevious = true;
    if (m_rainflow.cycles().size() >= 65536)
        drainCycles();
}

void MeasuredHistoryBuilder::drainCycles()
{
    for (const RainflowCycle &cycle : m_rainflow.takeCycles()) {
        m_cycles.add(cycle.range, cycle.count);
        step(stepIndex(cycle.timeMs)).signal.add(cycle.range / m_options.referenceSignal, cycle.count);
    }
}

MeasuredHistory MeasuredHistoryBuilder::finish()
{
    m_rainflow.finish();
    drainCycles();
    MeasuredHistory history;
    history.samples = m_samples;
    history.firstMs = m_firstMs;
    history.lastMs = m_havePrevious ? m_previous.timeMs : m_firstMs;
    history.cycles = m_cycles.sorted();
    history.cyclesExact = m_cycles.isExact();
    const double overallTemperature = m_temperatures > 0 ? double(m_temperatures) / m_inverseKelvinSum - kZeroCelsiusK
                                                         : m_options.fallbackTemperatureC;
    history.equivalentTemperatureC = overallTemperature;
    history.meanRpm = m_rpmCount > 0 ? m_rpmSum / double(m_rpmCount) : 0.0;
    history.meanLoad = m_samples > 0 ? m_loadSum / double(m_samples) : 0.0;
    if (m_samples == 0) {
        history.equivalent = std::make_shared<LoadSpectrum>();
        return history;
    }

    const qint64 first = stepIndex(m_firstMs);
    history.startH = double(first) * m_options.stepH;
    // Rates per hour of the time the history covers: a gap longer than maxGapH counts as
    // unknown, not as standstill (the duty carried forward is the duty while reporting).
    const double spanH = m_coveredH;
    auto equivalent = std::make_shared<LoadSpectrum>();
    for (qint64 index = first; index < 0; ++index) {
        DutyInterval interval;
        interval.fromH = double(index) * m_options.stepH;
        interval.toH = index + 1 < 0 ? double(index + 1) * m_options.stepH : 0.0;
        auto spectrum = std::make_shared<LoadSpectrum>();
        interval.temperatureC = overallTemperature;
        if (const auto found = m_steps.find(index); found != m_steps.end()) {
            const Step &measured = found->second;
            const double hours = interval.toH - interval.fromH;
            for (const auto &[load, revolutions] : measured.revolutions.sorted()) {
                spectrum->add(load, revolutions / hours, true);
                if (spanH > 0)
                    equivalent->add(load, revolutions / spanH, true);
            }
            for (const auto &[range, count] : measured.signal.sorted()) {
                spectrum->add(range, count / hours, false);
                if (spanH > 0)
                    equivalent->add(range, count / spanH, false);
            }
            if (measured.temperatures > 0)
                interval.temperatureC = double(measured.temperatures) / measured.inverseKelvinSum - kZeroCelsiusK;
        }
        spectrum->finalize();
        interval.spectrum = spectrum;
        history.past.push_back(interval);
    }
    equivalent->finalize();
    history.equivalent = equivalent;
    if (spanH > 0) {
        double cycles = 0;
        for (const auto &[range, count] : history.cycles)
            cycles += count;
        history.signalCyclesPerHour = cycles / spanH;
        history.revolutionsPerHour = m_revolutions / spanH;
    }
    return history;
}

} // namespace Laces::Core::Ageing

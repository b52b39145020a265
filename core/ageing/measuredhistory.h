#pragma once

#include "operatingprofile.h"
#include "rainflow.h"

#include <QtGlobal>

#include <cmath>
#include <unordered_map>
#include <vector>

namespace Laces::Core::Ageing {

// Counts of equal values (cycle ranges, load levels): exact while there are at most
// `exactLimit` distinct ones, then each value is rounded up to the next step of a 0.25 %
// geometric grid (conservative: a range never shrinks), so memory stays bounded for any
// history.
class RangeHistogram
{
public:
    explicit RangeHistogram(size_t exactLimit = 4096) : m_exactLimit(exactLimit) {}
    void add(double value, double count);
    bool isExact() const { return !m_quantized; }
    // (value, count), ascending by value.
    std::vector<std::pair<double, double>> sorted() const;
    const std::unordered_map<double, double> &counts() const { return m_counts; }

private:
    static double quantized(double value);
    size_t m_exactLimit;
    bool m_quantized = false;
    std::unordered_map<double, double> m_counts;
};

// One sample of a machine's measured history: its load signal (e.g. torque), and its
// speed and temperature where it reported them (NaN where not).
struct MeasuredSample
{
    qint64 timeMs = 0;
    double signal = 0;
    double rpm = std::nan("");
    double temperatureC = std::nan("");
};

// What a measured history tells the simulation: the duty of each past step and the duty
// that carries the measured behaviour into the future.
struct MeasuredHistory
{
    qint64 firstMs = 0, lastMs = 0;
    qint64 samples = 0;
    // The rainflow cycles of the signal, (range in the signal's unit, count), ascending.
    std::vector<std::pair<double, double>> cycles;
    bool cyclesExact = true;
    // The past, step by step, from startH (the first step's start, ≤ 0) to 0.
    double startH = 0;
    std::vector<DutyInterval> past;
    // The measured behaviour as one duty: every cycle per hour of the time the samples cover
    // (gaps longer than maxGapH left out).
    std::shared_ptr<const LoadSpectrum> equivalent;
    double equivalentTemperatureC = 20;
    double signalCyclesPerHour = 0;   // rainflow cycles of the signal
    double revolutionsPerHour = 0;    // counted revolutions over the whole span
    double meanRpm = 0;               // while reporting
    double meanLoad = 0;              // mean |signal|/reference
};

// Builds a MeasuredHistory from samples in time order, streaming: a year at 1 Hz passes
// through in bounded memory (the rainflow residue and one histogram per step).
//
// The model: the load signal over `referenceSignal` is the load (a fraction of rated load).
// Its rainflow cycles are signal cycles at their load range. Each revolution is a cycle
// from zero to the load of the moment (R = 0): between two samples, rpm·60·Δt of them at
// |load|, with Δt capped at `maxGapH` (a silent machine is not assumed to turn); the
// duty carried into the future is per hour of the time so covered. A step's
// temperature is the harmonic mean of its samples' temperatures in kelvin (the mean that
// a geometric mean of Arrhenius factors needs), else the history's, else
// `fallbackTemperatureC`.
class MeasuredHistoryBuilder
{
public:
    struct Options
    {
        qint64 endMs = 0;              // the run's start: time 0 of its timeline
        double stepH = 24;             // the past's step
        double referenceSignal = 1;    // the signal at rated load (load = signal/reference)
        double maxGapH = 5.0 / 60.0;
        double fallbackTemperatureC = 20;
    };

    explicit MeasuredHistoryBuilder(Options options);
    void add(const MeasuredSample &sample);
    MeasuredHistory finish();

private:
    struct Step
    {
        RangeHistogram revolutions{2048};   // load level → revolutions
        RangeHistogram signal{2048};        // load range → cycles
        double inverseKelvinSum = 0;
        qint64 temperatures = 0;
    };
    qint64 stepIndex(qint64 timeMs) const;
    Step &step(qint64 index);
    void drainCycles();

    Options m_options;
    RainflowCounter m_rainflow;
    RangeHistogram m_cycles{4096};
    std::unordered_map<qint64, Step> m_steps;
    MeasuredSample m_previous;
    bool m_havePrevious = false;
    qint64 m_samples = 0;
    qint64 m_firstMs = 0;
    double m_revolutions = 0;
    double m_rpmSum = 0;
    qint64 m_rpmCount = 0;
    double m_loadSum = 0;
    double m_coveredH = 0;
    double m_inverseKelvinSum = 0;
    qint64 m_temperatures = 0;
};

} // namespace Laces::Core::Ageing

// The ageing physics' speed, each figure next to a baseline run in the same process:
//   bench_ageing [components] [years]
// 1. 1,000 components × 5 years at daily steps on one core (goal: under 50 ms), next to a
//    plain fixed-step loop over the same component-days that only evaluates the closed
//    forms (the least any series costs).
// 2. 1,000 Monte Carlo samples of one component.
// 3. Rainflow over 10 million samples next to a plain pass that only finds the reversals.
#include "ageing/ageingsimulator.h"
#include "ageing/ageingunits.h"
#include "ageing/material.h"
#include "ageing/rainflow.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

using namespace Laces::Core::Ageing;

namespace {

SimulationInputs fleetOfComponents(int count, double years)
{
    SimulationInputs inputs;
    const QList<Material> &presets = materialPresets();
    for (int i = 0; i < count; ++i) {
        ComponentSpec spec;
        spec.name = QStringLiteral("part %1").arg(i);
        spec.material = presets[i % presets.size()];
        // Loads from gentle to past threshold, and parts cycled every turn or only now and
        // then: some only collect Miner damage, some crack slowly, some fail in the horizon.
        spec.ratedStressRangeMPa = spec.material.ratedStressRangeMPa * (1.0 + 1.8 * double(i % 10) / 10.0);
        spec.cyclesPerRev = (i % 3 == 0) ? 1.0 : 2e-5 * double(1 + i % 7);
        inputs.components.append(spec);
    }
    inputs.duty = segmentDuty({{0, {1500, 0.9, 60}}});
    inputs.timeline.horizonH = years * kHoursPerYear;
    inputs.timeline.stepH = 24;
    return inputs;
}

template<typename F>
double bestOf(int runs, F &&work)
{
    double best = 1e300;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        work();
        best = std::min(best, double(timer.nsecsElapsed()) / 1e6);
    }
    return best;
}

volatile double g_sink = 0;

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int components = argc > 1 ? std::atoi(argv[1]) : 1000;
    const double years = argc > 2 ? std::atof(argv[2]) : 5;

    // 1. The simulation.
    const SimulationInputs inputs = fleetOfComponents(components, years);
    const size_t steps = inputs.timeline.times().size();
    SimulationResult result;
    const double simulationMs = bestOf(5, [&] { result = AgeingSimulator::run(inputs); });
    int failed = 0, cracked = 0;
    for (const ComponentResult &component : result.components) {
        failed += std::isfinite(component.failureH) && component.failureH <= inputs.timeline.horizonH;
        cracked += component.crackM.back() > component.crackM.front() * 1.0001;
    }
    // Baseline: a plain fixed-step loop over the same component-days, each evaluating
    // one crack closed form (a pow), a linear Miner sum and a Weibull probability from a
    // precomputed age^β (an exp), into freshly allocated series; no spectrum, no events, no
    // thresholds.
    std::vector<double> agePowers(steps);
    for (size_t i = 0; i < steps; ++i)
        agePowers[i] = std::pow(double(i) * 24, 2.5);
    const double baselineMs = bestOf(5, [&] {
        std::vector<std::vector<double>> series(size_t(components) * 3);
        for (int c = 0; c < components; ++c) {
            std::vector<double> &crack = series[size_t(c) * 3];
            std::vector<double> &damage = series[size_t(c) * 3 + 1];
            std::vector<double> &probability = series[size_t(c) * 3 + 2];
            crack.resize(steps);
            damage.resize(steps);
            probability.resize(steps);
            const double q = 1 - inputs.components[c].material.parisM / 2;
            const double u0 = std::pow(2.5e-4, q);
            const double rate = 1e-9 * (1 + c % 7);
            for (size_t i = 0; i < steps; ++i) {
                const double t = double(i) * 24;
                crack[i] = std::pow(u0 + q * rate * t, 1 / q);
                damage[i] = 1e-6 * t;
                probability[i] = 1 - std::exp(-agePowers[i] * 1e-12);
            }
        }
        g_sink = g_sink + series[5][steps / 2];
    });
    const double componentYears = double(components) * years;
    std::printf("simulation: %d components x %.0f years at daily steps (%zu points each), one core\n", components,
                years, steps);
    std::printf("  laces AgeingSimulator      %8.2f ms  (%.4f ms per component-year; %d fail within the horizon, "
                "%d cracks grow)\n",
                simulationMs, simulationMs / componentYears, failed, cracked);
    std::printf("  baseline closed-form loop  %8.2f ms  (%.4f ms per component-year)\n", baselineMs,
                baselineMs / componentYears);
    std::printf("  ratio laces/baseline       %8.2f   goal: under 50 ms -> %s\n", simulationMs / baselineMs,
                simulationMs < 50 ? "met" : "NOT met");

    // 2. Monte Carlo: 1,000 samples of one component, the first whose crack grows to failure
    // within 1 to 30 years.
    int chosen = 0;
    for (int c = 0; c < components; ++c) {
        const double failure = result.components[size_t(c)].crackCriticalH / kHoursPerYear;
        if (failure > 1 && failure < 30) {
            chosen = c;
            break;
        }
    }
    SimulationInputs one = inputs;
    one.components = {inputs.components[chosen]};
    one.monteCarloSamples = 1000;
    one.seed = 42;
    ComponentResult sampled;
    const double monteCarloMs = bestOf(5, [&] { sampled = AgeingSimulator::run(one).components.at(0); });
    one.monteCarloSamples = 0;
    const double nominalMs = bestOf(5, [&] { g_sink = g_sink + AgeingSimulator::run(one).components.at(0).failureH; });
    std::printf("monte carlo: 1,000 samples of one component (%s, C, a0, K_IC scatter)\n",
                qPrintable(inputs.components[chosen].material.preset));
    std::printf("  laces 1,000 samples        %8.2f ms  (P10/P50/P90 %.3g / %.3g / %.3g years)\n", monteCarloMs,
                sampled.p10H / kHoursPerYear, sampled.p50H / kHoursPerYear, sampled.p90H / kHoursPerYear);
    std::printf("  one nominal run with series%8.2f ms  (ratio %.1f)\n", nominalMs, monteCarloMs / nominalMs);

    // 3. Rainflow over 10 million samples: a random walk with a slow swing, like a load signal.
    const qint64 count = 10000000;
    std::vector<double> signal(static_cast<size_t>(count));
    std::mt19937_64 engine(1);
    std::normal_distribution<double> noise(0, 1);
    double walk = 0;
    for (qint64 i = 0; i < count; ++i) {
        walk += noise(engine);
        signal[size_t(i)] = walk * 0.1 + 50 * std::sin(double(i) * 1e-4);
    }
    qint64 reversals = 0;
    const double reversalMs = bestOf(3, [&] { reversals = countReversals(signal.data(), count); });
    qint64 cycles = 0;
    const double rainflowMs = bestOf(3, [&] {
        RainflowCounter counter;
        cycles = 0;
        for (qint64 i = 0; i < count; ++i) {
            counter.add(signal[size_t(i)], i);
            if ((i & 0xFFFF) == 0)
                cycles += qint64(counter.takeCycles().size());
        }
        counter.finish();
        cycles += qint64(counter.takeCycles().size());
    });
    std::printf("rainflow: %lld samples, %lld reversals, %lld cycles and half cycles\n", (long long)count,
                (long long)reversals, (long long)cycles);
    std::printf("  laces RainflowCounter      %8.1f ms  %8.1f M samples/s\n", rainflowMs, double(count) / rainflowMs / 1e3);
    std::printf("  reversals only             %8.1f ms  %8.1f M samples/s\n", reversalMs, double(count) / reversalMs / 1e3);
    std::printf("  ratio rainflow/reversals   %8.2f\n", rainflowMs / reversalMs);
    return 0;
}

#pragma once

#include "material.h"
#include "operatingprofile.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <limits>
#include <optional>
#include <vector>

namespace Laces::Core::Ageing {

// A component to age: its material and how hard the machine's load works it.
struct ComponentSpec
{
    QString name;
    QString label;                   // what the part is ("crankshaft"), from its `part` property
    Material material;
    double ratedStressRangeMPa = 0;  // Δσ at rated load; a load range L gives L·this
    double cyclesPerRev = 1;         // its stress cycles per revolution of the machine
    double temperatureOffsetC = 0;   // how much hotter than the machine's temperature it runs
    // When it entered service (hours on the run's timeline); never before the timeline's
    // start, which is when a component without this entered service.
    double lifeStartH = -std::numeric_limits<double>::infinity();
    // To go on from an earlier run: the state it reached at `atH` (its crack and Miner's
    // sum), from where this run integrates; lifeStartH then keeps the age, even before the
    // timeline's start.
    struct State
    {
        double atH = 0;
        double crackM = 0;
        double minerDamage = 0;
    };
    std::optional<State> resumeFrom;
};

// A component as its properties describe it: `material` naming a preset ("aisi-4340") or
// an object {"preset"?, field: value…} (else the default for its name, see
// defaultPresetFor), `rated_stress_range_mpa` (else the material's), `cycles_per_rev` (1)
// and `temperature_offset_c` (0); `part` labels it. Errors name the property.
Core::Result<ComponentSpec> componentFromProperties(const QString &name, const QJsonObject &properties);
// The same fields from a run's `materials.<name>` object, over what the properties said;
// errors name `fieldPrefix`.field.
Core::Result<ComponentSpec> withRunOverrides(ComponentSpec spec, const QJsonObject &overrides,
                                             const QString &fieldPrefix);

// The run's clock: 0 is its start ("now", or the end of the measured history); the past
// is negative. Points fall every `pastStepH` from `startH` to 0, then every `stepH` to
// the horizon (the last one at the horizon itself).
struct Timeline
{
    double startH = 0;
    double pastStepH = 24;
    double stepH = 24;
    double horizonH = 5 * 8766.0;

    std::vector<double> times() const;
};

struct SimulationInputs
{
    QList<ComponentSpec> components;
    // Contiguous intervals that cover the timeline from its start; the last lasts forever.
    std::vector<DutyInterval> duty;
    Timeline timeline;
    int monteCarloSamples = 0;   // 0: none
    quint64 seed = 0;
};

// How one component ages. Times are hours on the run's timeline; +∞ for never.
struct ComponentResult
{
    double lifeStartH = 0;
    // Damage D = max(Miner's sum, the crack's share of its way from a_0 to a_c) reaches 1:
    // the physics' failure, taken as the median of the failure-time distribution.
    double failureH = std::numeric_limits<double>::infinity();
    double crackCriticalH = std::numeric_limits<double>::infinity();
    double minerFailureH = std::numeric_limits<double>::infinity();
    // Weibull with the material's β and η such that P(failureH) = 0.5, in age (hours since
    // lifeStartH); B10 where P = 0.1.
    double etaH = std::numeric_limits<double>::infinity();
    double b10H = std::numeric_limits<double>::infinity();
    // Monte Carlo over C, a_0 and K_IC scatter: P10, P50 and P90 of the failure time.
    bool hasMonteCarlo = false;
    double p10H = 0, p50H = 0, p90H = 0;
    // The duty at time 0, as one constant amplitude: Miner-equivalent stress range, cycles
    // per hour, C at the temperature then, and a_c.
    double stressRangeMPa = 0;
    double cyclesPerHour = 0;
    double cEffective = 0;
    double criticalCrackM = std::numeric_limits<double>::infinity();
    // Series on SimulationResult::timesH; NaN before the component entered service.
    std::vector<double> crackM;
    std::vector<double> damage;
    std::vector<double> failureProbability;
    // The state at time 0, to go on from (ComponentSpec::resumeFrom); absent when the
    // component was not in service then.
    std::optional<ComponentSpec::State> stateAtStart;
};

struct SimulationResult
{
    std::vector<double> timesH;
    std::vector<ComponentResult> components;
    bool cancelled = false;
};

// Monte Carlo bands of one component over the timeline: P10/P50/P90 of the crack length and
// the fraction of samples failed by each time.
struct MonteCarloBands
{
    std::vector<double> crackP10M, crackP50M, crackP90M;
    std::vector<double> failedFraction;
};

// The ageing simulation: plain, deterministic (the same inputs give the same bits), no
// I/O. Within an interval of constant duty, crack growth is integrated exactly: the Paris
// law with a fixed set of cycles above threshold has a closed form, so intervals are split
// where a further bin of the spectrum passes ΔK_th, and the state is carried from one to the
// next in closed form. The only error is floating-point rounding (relative ~1e-15 an
// interval); crossing times are rounded up by a bound of it, so a failure is never
// reported earlier than the exact solution says.
class AgeingSimulator
{
public:
    // `progress(done, total)` is called after each component; answering false cancels.
    static SimulationResult run(const SimulationInputs &inputs,
                                const std::function<bool(int done, int total)> &progress = {});
    static MonteCarloBands monteCarloBands(const SimulationInputs &inputs, int componentIndex, int samples,
                                           quint64 seed);
};

} // namespace Laces::Core::Ageing

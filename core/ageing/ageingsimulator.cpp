#include "ageingsimulator.h"

#include "ageingunits.h"
#include "arrhenius.h"
#include "basquin.h"
#include "paris.h"
#include "weibull.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>

namespace Laces::Core::Ageing {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kEpsilon = std::numeric_limits<double>::epsilon();

// The material numbers one trajectory uses: the nominal ones, or a Monte Carlo sample's.
struct Draw
{
    double parisC = 0;
    double initialCrackM = 0;
    double kIcMPaSqrtM = 0;
};

// One stretch of a trajectory in closed form: the crack follows
// a(t)^q = a_from^q + q·G·(t − from) (a_from·e^(G·(t − from)) for m = 2), Miner's sum grows by
// damagePerH, and a_c is criticalM.
struct Piece
{
    double fromH = 0;
    double toH = kInfinity;
    double crackFromM = 0;
    double crackFromPower = 0;  // a_from^q, kept so that a time in the piece costs one pow
    double growthPerH = 0;      // G: da/dt = G·a^(m/2)
    double damageFrom = 0;
    double damagePerH = 0;
    double criticalM = kInfinity;
};

struct Trajectory
{
    std::vector<Piece> pieces;
    double failureH = kInfinity;
    double crackCriticalH = kInfinity;
    double minerFailureH = kInfinity;
};

// What a component needs of an interval, worked out once per (component, interval).
struct IntervalTerms
{
    const DutyInterval *interval = nullptr;
    double damagePerH = 0;      // Miner's sum per hour
    double growthFactor = 0;    // G / S_m: C_T·(Y·√π)^m·rated^m
    double criticalM = kInfinity;
};

// Hours to grow from `fromM` to `toM`, rounded up by a bound of their rounding error (so
// that a crossing is never placed before the exact one).
double hoursToGrow(double fromM, double toM, double growthPerH, double q)
{
    if (toM <= fromM)
        return 0;
    if (!std::isfinite(toM) || growthPerH <= 0)
        return kInfinity;
    if (std::abs(q) < kParisExponentTwoTolerance)
        return std::log(toM / fromM) / growthPerH * (1 + 16 * kEpsilon);
    const double uTo = std::pow(toM, q);
    const double uFrom = std::pow(fromM, q);
    const double hours = (uTo - uFrom) / (q * growthPerH);
    const double relativeError = 16 * kEpsilon * (1 + (std::abs(uTo) + std::abs(uFrom)) / std::abs(uTo - uFrom));
    return hours * (1 + relativeError);
}

class ComponentIntegrator
{
public:
    ComponentIntegrator(const ComponentSpec &spec, const std::vector<DutyInterval> &duty, double timelineStartH)
        : m_spec(spec)
        , m_duty(duty)
        , m_lifeStartH(spec.resumeFrom ? spec.lifeStartH : std::max(spec.lifeStartH, timelineStartH))
        , m_beginH(spec.resumeFrom ? std::max(spec.resumeFrom->atH, m_lifeStartH) : m_lifeStartH)
    {
        const Material &material = spec.material;
        m_q = 1.0 - material.parisM / 2.0;
        m_k = -1.0 / material.basquinB;
        m_kPrime = 2.0 * m_k - 1.0;
        const SnCurve curve{material.sigmaFMPa, material.basquinB, material.kneeCycles, material.cutoffAmplitudeMPa};
        m_kneeAmplitudeMPa = curve.kneeAmplitudeMPa();
    }

    double lifeStartH() const { return m_lifeStartH; }
    // Where the integration begins: the start of service, or the state resumed from.
    double beginH() const { return m_beginH; }

    IntervalTerms terms(const DutyInterval &interval, const Draw &draw) const
    {
        const Material &material = m_spec.material;
        const LoadSpectrum &spectrum = *interval.spectrum;
        const double rated = m_spec.ratedStressRangeMPa;
        const double cpr = m_spec.cyclesPerRev;
        IntervalTerms terms;
        terms.interval = &interval;
        if (spectrum.isEmpty() || !(rated > 0))
            return terms;
        terms.criticalM = criticalCrackLength(draw.kIcMPaSqrtM, material.geometryY, rated * spectrum.maxLoadRange());

        // Miner: 1/N = 2·(σ_a/σ'_f)^k above the knee, (1/N_D)·(σ_a/σ_D)^k' below it, none at or
        // below the cut-off; σ_a = rated·L/2.
        const int n = int(spectrum.bins().size());
        const int aboveCutoff = material.cutoffAmplitudeMPa > 0
                                    ? spectrum.countAtLeast(std::nextafter(2 * material.cutoffAmplitudeMPa / rated, kInfinity))
                                    : n;
        const int aboveKnee = m_kneeAmplitudeMPa > 0 ? std::min(aboveCutoff, spectrum.countAtLeast(2 * m_kneeAmplitudeMPa / rated))
                                                     : aboveCutoff;
        double rate = 0;
        if (aboveKnee > 0)
            rate += 2.0 * std::pow(rated / (2.0 * material.sigmaFMPa), m_k) * spectrum.sum(m_k, 0, aboveKnee, cpr);
        if (aboveCutoff > aboveKnee)
            rate += std::pow(rated / (2.0 * m_kneeAmplitudeMPa), m_kPrime) / material.kneeCycles
                    * spectrum.sum(m_kPrime, aboveKnee, aboveCutoff, cpr);
        terms.damagePerH = rate;

        const double temperature = interval.temperatureC + m_spec.temperatureOffsetC;
        const double cEffective = draw.parisC
                                  * arrheniusFactor(material.activationEnergyEv, material.referenceTemperatureC,
                                                    temperature);
        terms.growthFactor = cEffective * std::pow(material.geometryY * std::sqrt(M_PI), material.parisM)
                             * std::pow(rated, material.parisM);
        return terms;
    }

    // From the start of service to failure (or forever); pieces only when asked.
    Trajectory integrate(const Draw &draw, bool keepPieces, bool stopAtFailure) const
    {
        const Material &material = m_spec.material;
        const double rated = m_spec.ratedStressRangeMPa;
        Trajectory trajectory;
        double crack = m_spec.resumeFrom ? m_spec.resumeFrom->crackM : draw.initialCrackM;
        double damage = m_spec.resumeFrom ? m_spec.resumeFrom->minerDamage : 0.0;
        const auto failed = [&] { return std::min(trajectory.crackCriticalH, trajectory.minerFailureH); };
        for (const DutyInterval &interval : m_duty) {
            if (interval.toH <= m_beginH)
                continue;
            const double fromH = std::max(interval.fromH, m_beginH);
            const IntervalTerms terms = this->terms(interval, draw);
            const LoadSpectrum &spectrum = *interval.spectrum;
            const int n = int(spectrum.bins().size());
            double t = fromH;
            if (crack >= terms.criticalM && !std::isfinite(trajectory.crackCriticalH))
                trajectory.crackCriticalH = t;
            // The bins above threshold so far; a bin joins as the crack passes its threshold.
            int included = 0;
            const auto thresholdLoad = [&](double a) {
                return material.deltaKThMPaSqrtM / (material.geometryY * rated * std::sqrt(M_PI * a));
            };
            bool crackDone = std::isfinite(trajectory.crackCriticalH);
            while (t < interval.toH) {
                double growth = 0;
                double nextThresholdM = kInfinity;
                if (!crackDone && n > 0 && rated > 0) {
                    included = std::max(included, spectrum.countAtLeast(thresholdLoad(crack)));
                    growth = terms.growthFactor * spectrum.sum(material.parisM, 0, included, m_spec.cyclesPerRev);
                    if (included < n)
                        nextThresholdM = thresholdCrackLength(material.deltaKThMPaSqrtM, material.geometryY,
                                                              rated * spectrum.bins()[size_t(included)].loadRange);
                }
                const double target = std::min(nextThresholdM, terms.criticalM);
                const double needed = growth > 0 ? hoursToGrow(crack, target, growth, m_q) : kInfinity;
                const double endH = std::min(interval.toH, t + needed);
                Piece piece{t, endH, crack, growth > 0 ? std::pow(crack, m_q) : 0.0, growth, damage,
                            terms.damagePerH, terms.criticalM};
                if (!std::isfinite(trajectory.minerFailureH) && terms.damagePerH > 0) {
                    const double hoursToOne = (1.0 - damage) / terms.damagePerH * (1 + 8 * kEpsilon);
                    if (t + hoursToOne <= endH)
                        trajectory.minerFailureH = t + hoursToOne;
                }
                if (keepPieces)
                    trajectory.pieces.push_back(piece);
                if (std::isfinite(endH))
                    damage += terms.damagePerH * (endH - t);
                if (std::isfinite(needed) && t + needed <= interval.toH) {
                    crack = target;
                    if (target >= terms.criticalM) {
                        trajectory.crackCriticalH = t + needed;
                        crackDone = true;
                    } else {
                        ++included;  // the next bin passed its threshold
                    }
                } else if (std::isfinite(interval.toH)) {
                    crack = parisGrowthAfter(crack, growth, interval.toH - t, m_q);
                }
                t = endH;
                if (stopAtFailure && std::isfinite(failed()))
                    break;
                if (crackDone && std::isfinite(trajectory.minerFailureH))
                    break;
                if (!std::isfinite(t))
                    break;
            }
            if (stopAtFailure && std::isfinite(failed()))
                break;
            if (crackDone && std::isfinite(trajectory.minerFailureH))
                break;
        }
        trajectory.failureH = failed();
        return trajectory;
    }

    // The crack of a piece at time `t` inside it.
    double crackAt(const Piece &piece, double t) const
    {
        const double hours = t - piece.fromH;
        if (piece.growthPerH <= 0 || hours <= 0)
            return piece.crackFromM;
        if (std::abs(m_q) < kParisExponentTwoTolerance)
            return piece.crackFromM * std::exp(piece.growthPerH * hours);
        const double u = piece.crackFromPower + m_q * piece.growthPerH * hours;
        if (m_q < 0 && u <= 0)
            return kInfinity;
        return std::pow(u, 1.0 / m_q);
    }

private:
    const ComponentSpec &m_spec;
    const std::vector<DutyInterval> &m_duty;
    double m_lifeStartH;
    double m_beginH;
    double m_q = 0;
    double m_k = 0;
    double m_kPrime = 0;
    double m_kneeAmplitudeMPa = 0;
};

// Deterministic normal deviates: mt19937_64 (fully specified by the standard) through
// Box–Muller, rather than std::normal_distribution (whose algorithm is the library's).
class NormalStream
{
public:
    explicit NormalStream(quint64 seed) : m_engine(seed) {}
    double next()
    {
        if (m_haveSpare) {
            m_haveSpare = false;
            return m_spare;
        }
        // Uniforms in (0, 1]: 53 random bits, never 0 (the logarithm needs that).
        const double u1 = (double(m_engine() >> 11) + 1.0) * 0x1.0p-53;
        const double u2 = double(m_engine() >> 11) * 0x1.0p-53;
        const double radius = std::sqrt(-2.0 * std::log(u1));
        m_spare = radius * std::sin(2 * M_PI * u2);
        m_haveSpare = true;
        return radius * std::cos(2 * M_PI * u2);
    }

private:
    std::mt19937_64 m_engine;
    double m_spare = 0;
    bool m_haveSpare = false;
};

quint64 mixSeed(quint64 seed, quint64 index)
{
    // splitmix64 of the pair: neighbouring components get unrelated streams.
    quint64 z = seed + 0x9E3779B97F4A7C15ULL * (index + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

Draw nominal(const Material &material)
{
    return {material.parisC, material.initialCrackM, material.kIcMPaSqrtM};
}

Draw sample(const Material &material, NormalStream &normal)
{
    Draw draw = nominal(material);
    draw.parisC *= std::exp(material.parisCLogSd * normal.next());
    draw.initialCrackM *= std::exp(material.initialCrackLogSd * normal.next());
    draw.kIcMPaSqrtM = std::max(material.kIcMPaSqrtM * (1.0 + material.kIcCov * normal.next()),
                                0.05 * material.kIcMPaSqrtM);
    return draw;
}

// The empirical quantile (linear between order statistics, Hyndman & Fan type 7) of
// sorted values; +∞ when an infinite one takes part.
double quantile(const std::vector<double> &sorted, double p)
{
    if (sorted.empty())
        return kInfinity;
    const double position = p * double(sorted.size() - 1);
    const size_t below = size_t(std::floor(position));
    const size_t above = std::min(below + 1, sorted.size() - 1);
    const double fraction = position - double(below);
    if (!std::isfinite(sorted[below]) || (fraction > 0 && !std::isfinite(sorted[above])))
        return kInfinity;
    return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

// Each interval's spectrum, copied once and prepared for the exponents the components use.
std::vector<DutyInterval> preparedDuty(const SimulationInputs &inputs)
{
    std::vector<double> exponents{0.0};
    for (const ComponentSpec &spec : inputs.components) {
        const double k = -1.0 / spec.material.basquinB;
        for (const double exponent : {spec.material.parisM, k, 2.0 * k - 1.0}) {
            if (std::find(exponents.begin(), exponents.end(), exponent) == exponents.end())
                exponents.push_back(exponent);
        }
    }
    std::vector<DutyInterval> duty = inputs.duty;
    std::vector<std::pair<const LoadSpectrum *, std::shared_ptr<const LoadSpectrum>>> done;
    for (DutyInterval &interval : duty) {
        if (!interval.spectrum) {
            interval.spectrum = std::make_shared<LoadSpectrum>();
            continue;
        }
        const auto known = std::find_if(done.begin(), done.end(),
                                        [&](const auto &pair) { return pair.first == interval.spectrum.get(); });
        if (known != done.end()) {
            interval.spectrum = known->second;
            continue;
        }
        auto copy = std::make_shared<LoadSpectrum>(*interval.spectrum);
        copy->prepare(exponents);
        done.emplace_back(interval.spectrum.get(), copy);
        interval.spectrum = copy;
    }
    return duty;
}

// 1 − e^(−x) without expm1's cost: its series where 1 − e^(−x) would cancel (relative error
// below 1e-14 there), the plain form above.
inline double probabilityOf(double x)
{
    if (x < 1e-3)
        return x * (1 - x * (0.5 - x * (1.0 / 6 - x * (1.0 / 24))));
    return 1 - std::exp(-x);
}

// Which piece holds time `t`, moving forward from `index`.
size_t pieceAt(const std::vector<Piece> &pieces, size_t index, double t)
{
    while (index + 1 < pieces.size() && t >= pieces[index].toH)
        ++index;
    return index;
}

} // namespace

namespace {

// The component fields of a properties or overrides object (the rest is material).
struct ComponentFields
{
    std::optional<double> ratedStressRangeMPa, cyclesPerRev, temperatureOffsetC;
};

Core::Result<ComponentFields> componentFields(const QJsonObject &object, const QString &prefix)
{
    ComponentFields fields;
    const auto named = [&](const QString &name) { return prefix.isEmpty() ? name : prefix + QLatin1Char('.') + name; };
    struct Rule
    {
        const char *name;
        std::optional<double> ComponentFields::*target;
        double min, max;
        bool positive;
    };
    static const Rule rules[] = {
        {"rated_stress_range_mpa", &ComponentFields::ratedStressRangeMPa, 0, 100000, true},
        {"cycles_per_rev", &ComponentFields::cyclesPerRev, 0, 1000, false},
        {"temperature_offset_c", &ComponentFields::temperatureOffsetC, -500, 1000, false},
    };
    for (const Rule &rule : rules) {
        const QString key = QLatin1String(rule.name);
        if (!object.contains(key))
            continue;
        const QJsonValue value = object.value(key);
        const double number = value.toDouble();
        const bool ok = value.isDouble() && std::isfinite(number) && number <= rule.max
                        && (rule.positive ? number > rule.min : number >= rule.min);
        if (!ok)
            return Error::invalid(QStringLiteral("'%1' must be a number %2 %3 and at most %4")
                                      .arg(named(key), rule.positive ? QStringLiteral("above") : QStringLiteral("from"))
                                      .arg(rule.min)
                                      .arg(rule.max),
                                  named(key));
        fields.*rule.target = number;
    }
    return fields;
}

void apply(ComponentSpec &spec, const ComponentFields &fields)
{
    if (fields.ratedStressRangeMPa)
        spec.ratedStressRangeMPa = *fields.ratedStressRangeMPa;
    if (fields.cyclesPerRev)
        spec.cyclesPerRev = *fields.cyclesPerRev;
    if (fields.temperatureOffsetC)
        spec.temperatureOffsetC = *fields.temperatureOffsetC;
}

} // namespace

Core::Result<ComponentSpec> componentFromProperties(const QString &name, const QJsonObject &properties)
{
    ComponentSpec spec;
    spec.name = name;
    spec.label = properties.value(QStringLiteral("part")).toString().left(200);
    const QJsonValue material = properties.value(QStringLiteral("material"));
    QJsonObject overrides;
    if (material.isString())
        overrides.insert(QStringLiteral("preset"), material);
    else if (material.isObject())
        overrides = material.toObject();
    else if (!material.isUndefined() && !material.isNull())
        return Error::invalid(QStringLiteral("'material' must name a preset or be an object {\"preset\", field: value}"),
                              QStringLiteral("material"));
    const Material base = *materialPreset(overrides.contains(QStringLiteral("preset"))
                                              ? QStringLiteral("aisi-4340")
                                              : defaultPresetFor(name));
    auto resolved = withOverrides(base, overrides, QStringLiteral("material"));
    if (!resolved)
        return resolved.error();
    spec.material = *resolved;
    spec.ratedStressRangeMPa = spec.material.ratedStressRangeMPa;
    auto fields = componentFields(properties, {});
    if (!fields)
        return fields.error();
    apply(spec, *fields);
    return spec;
}

Core::Result<ComponentSpec> withRunOverrides(ComponentSpec spec, const QJsonObject &overrides,
                                             const QString &fieldPrefix)
{
    QJsonObject materialFields = overrides;
    for (const char *key : {"cycles_per_rev", "temperature_offset_c"})
        materialFields.remove(QLatin1String(key));
    const bool ratedGiven = overrides.contains(QStringLiteral("rated_stress_range_mpa"));
    const double rated = spec.ratedStressRangeMPa;
    const bool presetChanged = overrides.contains(QStringLiteral("preset"));
    auto material = withOverrides(spec.material, materialFields, fieldPrefix);
    if (!material)
        return material.error();
    auto fields = componentFields(overrides, fieldPrefix);
    if (!fields)
        return fields.error();
    spec.material = *material;
    // A new preset brings its own rated range unless the run or the component names one.
    spec.ratedStressRangeMPa = presetChanged ? spec.material.ratedStressRangeMPa : rated;
    if (ratedGiven)
        spec.ratedStressRangeMPa = spec.material.ratedStressRangeMPa;
    apply(spec, *fields);
    return spec;
}

std::vector<double> Timeline::times() const
{
    std::vector<double> times;
    if (startH < 0 && pastStepH > 0) {
        const qint64 steps = qint64(std::llround(-startH / pastStepH));
        for (qint64 i = 0; i < steps; ++i)
            times.push_back(startH + double(i) * pastStepH);
    }
    const qint64 steps = stepH > 0 ? qint64(std::floor(horizonH / stepH + 1e-9)) : 0;
    for (qint64 i = 0; i <= steps; ++i)
        times.push_back(double(i) * stepH);
    if (times.back() < horizonH - 1e-9)
        times.push_back(horizonH);
    return times;
}

SimulationResult AgeingSimulator::run(const SimulationInputs &inputs,
                                      const std::function<bool(int done, int total)> &progress)
{
    SimulationResult result;
    result.timesH = inputs.timeline.times();
    const std::vector<DutyInterval> duty = preparedDuty(inputs);
    const std::vector<double> &times = result.timesH;
    const int total = int(inputs.components.size());
    result.components.reserve(size_t(total));
    // age^β of components in service from the timeline's start, once per shape β (most
    // materials share one): a time then costs a single exp for its failure probability.
    std::vector<std::pair<double, std::vector<double>>> agePowers;
    const auto agePowersFor = [&](double beta) -> const std::vector<double> & {
        for (const auto &[known, powers] : agePowers) {
            if (known == beta)
                return powers;
        }
        std::vector<double> powers(times.size());
        for (size_t i = 0; i < times.size(); ++i)
            powers[i] = std::pow(std::max(times[i] - inputs.timeline.startH, 0.0), beta);
        agePowers.emplace_back(beta, std::move(powers));
        return agePowers.back().second;
    };
    for (int index = 0; index < total; ++index) {
        const ComponentSpec &spec = inputs.components[index];
        const Material &material = spec.material;
        const ComponentIntegrator integrator(spec, duty, inputs.timeline.startH);
        const Draw draw = nominal(material);
        const Trajectory trajectory = integrator.integrate(draw, true, false);

        ComponentResult component;
        component.lifeStartH = integrator.lifeStartH();
        component.failureH = trajectory.failureH;
        component.crackCriticalH = trajectory.crackCriticalH;
        component.minerFailureH = trajectory.minerFailureH;
        const double beta = material.weibullBeta;
        if (std::isfinite(component.failureH)) {
            const double age = std::max(component.failureH - component.lifeStartH, 1e-9);
            component.etaH = weibullEtaForMedian(age, beta);
            component.b10H = component.lifeStartH + weibullQuantile(0.1, component.etaH, beta);
        }

        // The duty at time 0 (the first interval that reaches past it).
        for (const DutyInterval &interval : duty) {
            if (interval.toH <= 0)
                continue;
            const IntervalTerms terms = integrator.terms(interval, draw);
            const LoadSpectrum &spectrum = *interval.spectrum;
            const double k = -1.0 / material.basquinB;
            const double cycles = spectrum.cyclesPerHour(spec.cyclesPerRev);
            component.cyclesPerHour = cycles;
            component.stressRangeMPa =
                cycles > 0 ? spec.ratedStressRangeMPa * std::pow(spectrum.sum(k, 0, int(spectrum.bins().size()),
                                                                              spec.cyclesPerRev) / cycles,
                                                                 1.0 / k)
                           : 0.0;
            component.cEffective = material.parisC
                                   * arrheniusFactor(material.activationEnergyEv, material.referenceTemperatureC,
                                                     interval.temperatureC + spec.temperatureOffsetC);
            component.criticalCrackM = terms.criticalM;
            break;
        }

        // Series: each time from the piece that holds it.
        component.crackM.resize(times.size());
        component.damage.resize(times.size());
        component.failureProbability.resize(times.size());
        const std::vector<Piece> &pieces = trajectory.pieces;
        const double etaPower = std::pow(component.etaH, -beta);  // (age/η)^β = age^β·η^−β
        double crackAtFailure = kInfinity;
        if (std::isfinite(component.failureH) && !pieces.empty()) {
            const size_t at = pieceAt(pieces, 0, component.failureH);
            crackAtFailure = std::min(integrator.crackAt(pieces[at], component.failureH), pieces[at].criticalM);
        }
        const bool commonStart = component.lifeStartH == inputs.timeline.startH;
        const std::vector<double> *powers = commonStart ? &agePowersFor(beta) : nullptr;
        size_t at = 0;
        for (size_t i = 0; i < times.size(); ++i) {
            const double t = times[i];
            if (t < integrator.beginH()) {
                component.crackM[i] = component.damage[i] = component.failureProbability[i] = std::nan("");
                continue;
            }
            if (pieces.empty()) {  // no duty at all: nothing happens
                component.crackM[i] = material.initialCrackM;
                component.damage[i] = component.failureProbability[i] = 0.0;
                continue;
            }
            at = pieceAt(pieces, at, t);
            const Piece &piece = pieces[at];
            double crack, damage;
            if (t >= component.failureH) {
                crack = crackAtFailure;
                damage = 1.0;
            } else {
                crack = integrator.crackAt(piece, t);
                const double miner = piece.damageFrom + piece.damagePerH * (t - piece.fromH);
                const double share = std::isfinite(piece.criticalM) && piece.criticalM > material.initialCrackM
                                         ? (crack - material.initialCrackM) / (piece.criticalM - material.initialCrackM)
                                         : 0.0;
                damage = std::clamp(std::max(miner, share), 0.0, 1.0);
            }
            component.crackM[i] = crack;
            component.damage[i] = damage;
            const double age = t - component.lifeStartH;
            if (std::isfinite(component.etaH) && age > 0) {
                const double x = (powers ? (*powers)[i] : std::pow(age, beta)) * etaPower;
                component.failureProbability[i] = probabilityOf(x);
            } else {
                component.failureProbability[i] = 0.0;
            }
        }

        // The state at time 0, exactly as carried into the interval that starts there.
        if (!pieces.empty() && integrator.beginH() <= 0) {
            const size_t holder = pieceAt(pieces, 0, 0.0);
            const Piece &piece = pieces[holder];
            if (piece.fromH == 0.0)
                component.stateAtStart = ComponentSpec::State{0.0, piece.crackFromM, piece.damageFrom};
            else
                component.stateAtStart = ComponentSpec::State{0.0, integrator.crackAt(piece, 0.0),
                                                              piece.damageFrom + piece.damagePerH * (0.0 - piece.fromH)};
        }

        if (inputs.monteCarloSamples > 0) {
            NormalStream normal(mixSeed(inputs.seed, quint64(index)));
            std::vector<double> failures;
            failures.reserve(size_t(inputs.monteCarloSamples));
            for (int s = 0; s < inputs.monteCarloSamples; ++s)
                failures.push_back(integrator.integrate(sample(material, normal), false, true).failureH);
            std::sort(failures.begin(), failures.end());
            component.hasMonteCarlo = true;
            component.p10H = quantile(failures, 0.1);
            component.p50H = quantile(failures, 0.5);
            component.p90H = quantile(failures, 0.9);
        }
        result.components.push_back(std::move(component));
        if (progress && !progress(index + 1, total)) {
            result.cancelled = true;
            break;
        }
    }
    return result;
}

MonteCarloBands AgeingSimulator::monteCarloBands(const SimulationInputs &inputs, int componentIndex, int samples,
                                                 quint64 seed)
{
    MonteCarloBands bands;
    if (componentIndex < 0 || componentIndex >= inputs.components.size() || samples <= 0)
        return bands;
    const std::vector<double> times = inputs.timeline.times();
    const std::vector<DutyInterval> duty = preparedDuty(inputs);
    const ComponentSpec &spec = inputs.components[componentIndex];
    const ComponentIntegrator integrator(spec, duty, inputs.timeline.startH);
    NormalStream normal(mixSeed(seed, quint64(componentIndex)));
    std::vector<std::vector<double>> cracks(times.size());
    std::vector<int> failed(times.size(), 0);
    for (int s = 0; s < samples; ++s) {
        const Draw draw = sample(spec.material, normal);
        const Trajectory trajectory = integrator.integrate(draw, true, false);
        size_t at = 0;
        for (size_t i = 0; i < times.size(); ++i) {
            const double t = times[i];
            if (trajectory.pieces.empty() || t < integrator.beginH())
                continue;
            at = pieceAt(trajectory.pieces, at, std::min(t, trajectory.failureH));
            const double when = std::min(t, trajectory.failureH);
            const Piece &holder = trajectory.pieces[at];
            cracks[i].push_back(std::min(integrator.crackAt(holder, when), holder.criticalM));
            if (t >= trajectory.failureH)
                ++failed[i];
        }
    }
    for (size_t i = 0; i < times.size(); ++i) {
        std::sort(cracks[i].begin(), cracks[i].end());
        const bool empty = cracks[i].empty();
        bands.crackP10M.push_back(empty ? std::nan("") : quantile(cracks[i], 0.1));
        bands.crackP50M.push_back(empty ? std::nan("") : quantile(cracks[i], 0.5));
        bands.crackP90M.push_back(empty ? std::nan("") : quantile(cracks[i], 0.9));
        bands.failedFraction.push_back(double(failed[i]) / double(samples));
    }
    return bands;
}

} // namespace Laces::Core::Ageing

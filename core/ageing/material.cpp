#include "material.h"

#include "paris.h"

#include <QRegularExpression>

#include <cmath>
#include <functional>

namespace Laces::Core::Ageing {

namespace {

// The fatigue limit (amplitude): at the knee, or at 10^8 cycles for alloys without one.
double fatigueLimitMPa(double sigmaF, double b, double knee)
{
    return sigmaF * std::pow(2.0 * (knee > 0 ? knee : 1e8), b);
}

Material make(const char *slug, const char *name, double c, double m, double kIc, double deltaKTh, double sigmaF,
              double b, double knee, double ea, double beta, QRgb grey)
{
    Material material;
    material.preset = QLatin1String(slug);
    material.displayName = QLatin1String(name);
    material.parisC = c;
    material.parisM = m;
    material.kIcMPaSqrtM = kIc;
    material.deltaKThMPaSqrtM = deltaKTh;
    material.sigmaFMPa = sigmaF;
    material.basquinB = b;
    material.kneeCycles = knee;
    material.activationEnergyEv = ea;
    material.weibullBeta = beta;
    // a_0: El Haddad, Topper & Smith's intrinsic crack length (Eng. Fract. Mech. 11, 1979),
    // (1/π)·(ΔK_th/(Y·Δσ_e)) ² with Δσ_e twice the fatigue limit: the crack model then agrees
    // with the S–N curve, a crack at a_0 growing only above the fatigue limit.
    const double limitRange = 2.0 * fatigueLimitMPa(sigmaF, b, knee);
    material.initialCrackM = thresholdCrackLength(deltaKTh, material.geometryY, limitRange);
    // A component that names no rated stress range runs at half the fatigue-limit range at
    // rated load: safe there, ageing only under overload.
    material.ratedStressRangeMPa = std::round(limitRange / 2.0);
    material.grey = grey;
    return material;
}

// Sources, per column (shared/references/ageing.md has the ones tests assert):
// - Paris C (m/cycle, ΔK in MPa·√m) and m: Barsom & Rolfe's class values for steels
//   (ferrite–pearlite 3.6e-10·ΔK^3.0, martensitic 6.6e-9·ΔK^2.25, austenitic 3.0e-10·ΔK^3.25
//   in in/cycle with ksi·√in, converted); Dowling, Mechanical Behavior of Materials,
//   Table 11.2 for AISI 4340, 2024-T3 and 7075-T6; Newman's constants for 7050-T7451 as the
//   easigrow crack-growth tool uses them. No citable pair was found for Ti-6Al-4V: it
//   carries the ferrite–pearlite pair, and says so here. All "textbook table, unchecked".
// - K_IC: Callister, Materials Science and Engineering, Table B.5 (4340, 2024-T3, 7075-T6
//   mid-range, Ti-6Al-4V mid-range); ferrite–pearlite ~60, martensitic 50–90 (midpoint
//   70), austenitic ~100 from Barsom & Rolfe's classes; 7050-T7451 ~30.
// - ΔK_th (R = 0): Barsom & Rolfe's 5.5 ksi·√in = 6.0 MPa·√m for steels at R < 0.1;
//   2.0 for aluminium alloys and 4.0 for Ti-6Al-4V at R ≈ 0.1 are typical handbook values
//   (unchecked).
// - Basquin σ'_f (MPa), b: Dowling Table 9.1 for AISI 4340 (1758, −0.0977, asserted by the
//   tests); as commonly quoted from the same table, unchecked: SAE 1015 normalized (a
//   ferrite–pearlite steel, 1020, −0.138), 2024-T4 (1015, −0.110), 7075-T6 (1466, −0.143),
//   Ti-6Al-4V (2030, −0.104), AISI 304 (1000, −0.114). Martensitic steel: Morrow's estimate
//   σ'_f ≈ σ_u + 345 MPa for σ_u = 1500 MPa, b = −0.085; 7050-T7451 1100, −0.12 (both
//   estimates).
// - Knee: steels and titanium 10^7 cycles with Haibach's slope k' = 2k − 1 beyond (FKM
//   guideline); aluminium alloys have no fatigue limit (no knee).
// - E_a: no citable activation energy for fatigue crack growth in air was found; 0.05 eV
//   (steels, titanium) and 0.10 eV (aluminium) are assumptions that make an 80 K rise speed
//   growth 1.5–3 times. Override per component where data exist. T_ref 20 °C (room
//   temperature, where the Paris constants were measured).
// - Weibull β 2.5: typical of fatigue wear-out (2–4, Abernethy, The New Weibull Handbook),
//   assumed.
// - a_0 and the default rated stress range follow from the columns above (make()).
// - Greys: display colours of the bare metal.
const QList<Material> &presetTable()
{
    static const QList<Material> table{
        make("ferrite-pearlite-steel", "Ferrite–pearlite steel", 6.9e-12, 3.0, 60, 6.0, 1020, -0.138, 1e7, 0.05,
             2.5, qRgb(138, 141, 145)),
        make("martensitic-steel", "Martensitic steel", 1.35e-10, 2.25, 70, 6.0, 1845, -0.085, 1e7, 0.05, 2.5,
             qRgb(112, 117, 123)),
        make("austenitic-stainless-steel", "Austenitic stainless steel", 5.6e-12, 3.25, 100, 6.0, 1000, -0.114, 1e7,
             0.05, 2.5, qRgb(184, 188, 194)),
        make("aisi-4340", "AISI 4340 steel", 5.11e-13, 3.24, 50, 6.0, 1758, -0.0977, 1e7, 0.05, 2.5,
             qRgb(125, 130, 136)),
        make("aluminium-2024-t3", "Aluminium 2024-T3", 1.42e-11, 3.59, 44, 2.0, 1015, -0.110, 0, 0.10, 2.5,
             qRgb(200, 204, 208)),
        make("aluminium-7075-t6", "Aluminium 7075-T6", 2.71e-11, 3.70, 26.5, 2.0, 1466, -0.143, 0, 0.10, 2.5,
             qRgb(191, 196, 201)),
        make("aluminium-7050-t7451", "Aluminium 7050-T7451", 1.593e-11, 3.668, 30, 2.0, 1100, -0.12, 0, 0.10, 2.5,
             qRgb(195, 199, 204)),
        make("ti-6al-4v", "Ti-6Al-4V", 6.9e-12, 3.0, 55, 4.0, 2030, -0.104, 1e7, 0.05, 2.5,
             qRgb(154, 152, 147)),
    };
    return table;
}

QString slugOf(const QString &name)
{
    static const QRegularExpression separators(QStringLiteral("[^a-z0-9]+"));
    QString slug = name.toLower().replace(QStringLiteral("aluminum"), QStringLiteral("aluminium"));
    slug.replace(separators, QStringLiteral("-"));
    while (slug.startsWith(QLatin1Char('-')))
        slug.remove(0, 1);
    while (slug.endsWith(QLatin1Char('-')))
        slug.chop(1);
    return slug;
}

struct Field
{
    const char *name;
    std::function<double &(Material &)> value;
    double min;        // inclusive
    double max;        // inclusive
    bool positive;     // must be > min rather than >= min
};

const QList<Field> &fields()
{
    static const QList<Field> list{
        {"c", [](Material &m) -> double & { return m.parisC; }, 0, 1e-3, true},
        {"m", [](Material &m) -> double & { return m.parisM; }, 1, 10, false},
        {"k_ic", [](Material &m) -> double & { return m.kIcMPaSqrtM; }, 0, 1000, true},
        {"delta_k_th", [](Material &m) -> double & { return m.deltaKThMPaSqrtM; }, 0, 100, false},
        {"y", [](Material &m) -> double & { return m.geometryY; }, 0, 10, true},
        {"a0_m", [](Material &m) -> double & { return m.initialCrackM; }, 0, 1, true},
        {"sigma_f_mpa", [](Material &m) -> double & { return m.sigmaFMPa; }, 0, 100000, true},
        {"b", [](Material &m) -> double & { return m.basquinB; }, -1, 0, false},
        {"knee_cycles", [](Material &m) -> double & { return m.kneeCycles; }, 0, 1e15, false},
        {"cutoff_mpa", [](Material &m) -> double & { return m.cutoffAmplitudeMPa; }, 0, 100000, false},
        {"ea_ev", [](Material &m) -> double & { return m.activationEnergyEv; }, 0, 10, false},
        {"t_ref_c", [](Material &m) -> double & { return m.referenceTemperatureC; }, -273.15, 2000, true},
        {"beta", [](Material &m) -> double & { return m.weibullBeta; }, 0.1, 50, false},
        {"rated_stress_range_mpa", [](Material &m) -> double & { return m.ratedStressRangeMPa; }, 0, 100000, false},
        {"c_log_sd", [](Material &m) -> double & { return m.parisCLogSd; }, 0, 5, false},
        {"a0_log_sd", [](Material &m) -> double & { return m.initialCrackLogSd; }, 0, 5, false},
        {"k_ic_cov", [](Material &m) -> double & { return m.kIcCov; }, 0, 0.5, false},
    };
    return list;
}

QString rangeText(const Field &field)
{
    return field.positive ? QStringLiteral("greater than %1 and at most %2").arg(field.min).arg(field.max)
                          : QStringLiteral("from %1 to %2").arg(field.min).arg(field.max);
}

} // namespace

const QList<Material> &materialPresets()
{
    return presetTable();
}

std::optional<Material> materialPreset(const QString &name)
{
    const QString slug = slugOf(name);
    for (const Material &material : presetTable()) {
        if (material.preset == slug || slugOf(material.displayName) == slug)
            return material;
    }
    return std::nullopt;
}

QString defaultPresetFor(const QString &componentName)
{
    // The first rule whose word the name contains decides; the order puts the more
    // specific words first ("spring" before "rod" for "spring_rod").
    static const QList<std::pair<QStringList, const char *>> rules{
        {{QStringLiteral("spring")}, "martensitic-steel"},
        {{QStringLiteral("valve"), QStringLiteral("lifter"), QStringLiteral("tappet"), QStringLiteral("cam"),
          QStringLiteral("bearing")},
         "martensitic-steel"},
        {{QStringLiteral("rod"), QStringLiteral("crank"), QStringLiteral("shaft"), QStringLiteral("gear"),
          QStringLiteral("bolt"), QStringLiteral("pin"), QStringLiteral("axle")},
         "aisi-4340"},
        {{QStringLiteral("piston"), QStringLiteral("cylinder"), QStringLiteral("head"), QStringLiteral("housing"),
          QStringLiteral("block"), QStringLiteral("cover"), QStringLiteral("case")},
         "aluminium-2024-t3"},
        {{QStringLiteral("blade"), QStringLiteral("disc"), QStringLiteral("disk"), QStringLiteral("impeller")},
         "ti-6al-4v"},
        {{QStringLiteral("pipe"), QStringLiteral("tank"), QStringLiteral("vessel")}, "austenitic-stainless-steel"},
    };
    const QString lower = componentName.toLower();
    for (const auto &[words, preset] : rules) {
        for (const QString &word : words) {
            if (lower.contains(word))
                return QLatin1String(preset);
        }
    }
    return QStringLiteral("ferrite-pearlite-steel");
}

Core::Status Material::validate() const
{
    Material copy = *this;
    for (const Field &field : fields()) {
        const double value = field.value(copy);
        const bool ok = std::isfinite(value) && value <= field.max
                        && (field.positive ? value > field.min : value >= field.min);
        if (!ok)
            return Error::invalid(QStringLiteral("'%1' must be %2, not %3").arg(QLatin1String(field.name), rangeText(field))
                                      .arg(value),
                                  QLatin1String(field.name));
    }
    if (basquinB >= 0)
        return Error::invalid(QStringLiteral("'b' (the Basquin exponent) must be negative"), QStringLiteral("b"));
    return Core::Ok{};
}

QJsonObject Material::toJson() const
{
    Material copy = *this;
    QJsonObject object{{QStringLiteral("preset"), preset},
                       {QStringLiteral("grey"), QStringLiteral("#%1").arg(grey & 0xFFFFFF, 6, 16, QLatin1Char('0'))}};
    for (const Field &field : fields())
        object.insert(QLatin1String(field.name), field.value(copy));
    return object;
}

Core::Result<Material> withOverrides(Material base, const QJsonObject &overrides, const QString &fieldPrefix)
{
    const auto named = [&](const QString &name) {
        return fieldPrefix.isEmpty() ? name : fieldPrefix + QLatin1Char('.') + name;
    };
    if (overrides.contains(QStringLiteral("preset"))) {
        const QJsonValue preset = overrides.value(QStringLiteral("preset"));
        const auto found = preset.isString() ? materialPreset(preset.toString()) : std::nullopt;
        if (!found) {
            QStringList known;
            for (const Material &material : presetTable())
                known << material.preset;
            return Error::invalid(QStringLiteral("'%1' is not a material preset; known: %2")
                                      .arg(preset.isString() ? preset.toString() : QStringLiteral("(not a string)"),
                                           known.join(QStringLiteral(", "))),
                                  named(QStringLiteral("preset")));
        }
        base = *found;
    }
    for (auto it = overrides.constBegin(); it != overrides.constEnd(); ++it) {
        if (it.key() == QLatin1String("preset"))
            continue;
        const Field *field = nullptr;
        for (const Field &candidate : fields()) {
            if (it.key() == QLatin1String(candidate.name))
                field = &candidate;
        }
        if (!field)
            return Error::invalid(QStringLiteral("'%1' is not a material field; known: preset, c, m, k_ic, "
                                                 "delta_k_th, y, a0_m, sigma_f_mpa, b, knee_cycles, cutoff_mpa, ea_ev, "
                                                 "t_ref_c, beta, rated_stress_range_mpa, c_log_sd, a0_log_sd, k_ic_cov")
                                      .arg(it.key()),
                                  named(it.key()));
        if (!it.value().isDouble())
            return Error::invalid(QStringLiteral("'%1' must be a number").arg(it.key()), named(it.key()));
        field->value(base) = it.value().toDouble();
    }
    if (auto valid = base.validate(); !valid) {
        Error error = valid.error();
        error.field = named(error.field);
        return error;
    }
    return base;
}

} // namespace Laces::Core::Ageing

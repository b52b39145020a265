#pragma once

#include "result.h"

#include <QJsonObject>
#include <QList>
#include <QRgb>
#include <QString>

#include <optional>

namespace Laces::Core::Ageing {

// A component's material: fatigue crack growth (Paris), fracture toughness, S–N curve
// (Basquin with a Haibach knee), temperature sensitivity (Arrhenius) and scatter. Units are
// in the names; crack lengths in metres, stresses in MPa, ΔK and K in MPa·√m.
struct Material
{
    QString preset;                     // the preset it started from (a slug, e.g. "aisi-4340")
    QString displayName;
    double parisC = 0;                  // da/dN = C·ΔK^m, m/cycle with ΔK in MPa·√m
    double parisM = 0;
    double kIcMPaSqrtM = 0;             // fracture toughness
    double deltaKThMPaSqrtM = 0;        // no growth below this ΔK (R = 0)
    double geometryY = 1.12;            // ΔK = Y·Δσ·√(π·a); 1.12 is an edge crack in a wide plate
    double initialCrackM = 2e-5;        // a_0 (presets: El Haddad's intrinsic crack length)
    double sigmaFMPa = 0;               // Basquin σ_a = σ'_f·(2N)^b
    double basquinB = 0;                // negative
    double kneeCycles = 0;              // Haibach knee N_D (slope k' = 2k − 1 beyond); 0: none
    double cutoffAmplitudeMPa = 0;      // amplitudes below this do no damage; 0: none
    double activationEnergyEv = 0;      // Arrhenius E_a for crack growth
    double referenceTemperatureC = 20;  // the temperature C was measured at
    double weibullBeta = 2.5;           // shape of the failure-time distribution
    double ratedStressRangeMPa = 0;     // a component's Δσ at rated load, when it names none
    QRgb grey = qRgb(140, 143, 148);    // the colour of the undamaged part
    // Monte Carlo scatter: ln C ~ N(ln C, cLogSd), ln a_0 ~ N(ln a_0, a0LogSd),
    // K_IC ~ N(K_IC, kIcCov·K_IC).
    double parisCLogSd = 0.25;
    double initialCrackLogSd = 0.3;
    double kIcCov = 0.07;

    // The first field out of its physical range, named as in JSON ("k_ic"), or Ok.
    Core::Status validate() const;
    // {preset, c, m, k_ic, y, a0_m, delta_k_th, sigma_f_mpa, b, knee_cycles, cutoff_mpa, ea_ev,
    //  t_ref_c, beta, rated_stress_range_mpa, c_log_sd, a0_log_sd, k_ic_cov, grey}
    QJsonObject toJson() const;
};

// The preset table (every number's source is next to it in material.cpp).
const QList<Material> &materialPresets();
// A preset by slug or display name, in any case and spelling of separators
// ("AISI 4340", "aisi_4340"); "aluminum" is read as "aluminium".
std::optional<Material> materialPreset(const QString &name);

// The preset a component gets when its properties name none, from its name: the first
// rule whose word the lower-case name contains (see README, "Materials").
QString defaultPresetFor(const QString &componentName);

// `base` with the fields of `overrides` set, as in JSON ({"preset"?, "k_ic": 55, …}); a
// "preset" replaces the base first. Errors name the field as `fieldPrefix` + "." + name.
Core::Result<Material> withOverrides(Material base, const QJsonObject &overrides, const QString &fieldPrefix);

} // namespace Laces::Core::Ageing

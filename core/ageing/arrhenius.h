#pragma once

namespace Laces::Core::Ageing {

// Arrhenius acceleration of a rate measured at `useC` when the part is at `stressC` (°C):
// AF = exp((E_a/k)·(1/T_use − 1/T_stress)), T in kelvin (°C + 273.15), k in eV/K
// (ageingunits.h). 1 exactly when the temperatures are equal; below 1 when colder.
double arrheniusFactor(double activationEnergyEv, double useC, double stressC);

} // namespace Laces::Core::Ageing

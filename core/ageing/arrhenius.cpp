#include "arrhenius.h"

#include "ageingunits.h"

#include <cmath>

namespace Laces::Core::Ageing {

double arrheniusFactor(double activationEnergyEv, double useC, double stressC)
{
    if (useC == stressC)
        return 1.0;
    const double useK = useC + kZeroCelsiusK;
    const double stressK = stressC + kZeroCelsiusK;
    return std::exp(activationEnergyEv / kBoltzmannEvPerK * (1.0 / useK - 1.0 / stressK));
}

} // namespace Laces::Core::Ageing

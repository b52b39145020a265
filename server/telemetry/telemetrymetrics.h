#pragma once

// The metric list lives in core (the edge agent checks samples against it too).
#include "telemetry/metricnames.h"

namespace Laces::Server {
namespace TelemetryMetrics = Core::TelemetryMetrics;
} // namespace Laces::Server

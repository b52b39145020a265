#pragma once

#include <QList>
#include <QString>

namespace Laces::Core::TelemetryMetrics {

// The metrics a sample may carry: one double precision column each in telemetry_data, in
// this order, and their SI-style units (the default unit of a node's sensor).
struct Metric
{
    const char *name;
    const char *unit;
};

const QList<Metric> &all();
int count();
// The metric's position in all(), or -1 for an unknown name.
int indexOf(QStringView name);
// "rpm, torque_nm, …" for error messages.
QString names();

} // namespace Laces::Core::TelemetryMetrics

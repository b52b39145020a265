#include "telemetry/metricnames.h"

#include <QStringList>

namespace Laces::Core::TelemetryMetrics {

const QList<Metric> &all()
{
    static const QList<Metric> metrics{
        {"rpm", "rpm"},
        {"torque_nm", "N·m"},
        {"vibration_x_g", "g"},
        {"vibration_y_g", "g"},
        {"vibration_z_g", "g"},
        {"temperature_c", "°C"},
        {"power_kw", "kW"},
        {"current_a", "A"},
        {"pressure_bar", "bar"},
        {"flow_lpm", "L/min"},
        {"voltage_v", "V"},
        {"thermocouple_c", "°C"},
    };
    return metrics;
}

int count()
{
    return int(all().size());
}

int indexOf(QStringView name)
{
    const QList<Metric> &metrics = all();
    for (int i = 0; i < metrics.size(); ++i) {
        if (name == QLatin1String(metrics.at(i).name))
            return i;
    }
    return -1;
}

QString names()
{
    QStringList list;
    for (const Metric &metric : all())
        list.append(QString::fromLatin1(metric.name));
    return list.join(QStringLiteral(", "));
}

} // namespace Laces::Core::TelemetryMetrics

#pragma once

#include "ageing/ageingsimulator.h"
#include "result.h"

#include <QColor>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace Laces::App {

// A simulation run as the 4D view shows it: the server's run (the measured past and a
// future), and futures recomputed here, with core's simulator, when the sliders move.
// A plain value: made on the UI thread from JSON, recomputed on a worker thread.
class AgeingRun
{
public:
    // What the future is, from the run's start on.
    struct Future
    {
        enum class Kind { AsMeasured, Scaled, Constant };
        Kind kind = Kind::AsMeasured;
        double rpm = 0;
        double load = 0;
        double temperatureC = 20;
        bool operator==(const Future &other) const;
        // The body's profile.future (or profile, without a measured history), as the server takes it.
        QJsonObject toProfileJson() const;
    };

    struct Component
    {
        QString name;
        QString part;           // the component's "part" property when the run has it
        QString preset;
        QColor grey;
        Core::Ageing::ComponentSpec spec;
        std::optional<Core::Ageing::ComponentSpec::State> start;
        double p50Years = qQNaN();   // NaN: never
        double b10Years = qQNaN();
        double crackCriticalYears = qQNaN();
        QString p50Date, b10Date;
        std::vector<double> crackM, damage, probability;  // on times(); NaN before it was fitted
        // Monte Carlo bands when the run has them.
        std::vector<double> crackP10M, crackP90M, failedFraction;
    };

    static Core::Result<AgeingRun> fromJson(const QJsonObject &run);

    // The same past, with `future` from the start on.
    AgeingRun withFuture(const Future &future) const;
    // The run as JSON, with the series shown (for export); a recomputed future is marked.
    QJsonObject toJson() const;

    const std::vector<double> &yearsAt() const { return m_years; }  // the timeline, years from the start
    int startIndex() const { return m_startIndex; }                  // the point at 0
    qint64 startMs() const { return m_startMs; }
    const QList<Component> &components() const { return m_components; }
    int indexOf(const QString &name) const;
    // The component that fails first (-1: none does).
    int worst() const;
    // The component most damaged at point `index`; of failed ones the first to fail (-1: none).
    int mostDamagedAt(int index) const;
    bool isMeasured() const { return m_measured; }
    bool isRecomputed() const { return m_recomputed; }
    const Future &future() const { return m_future; }
    double meanRpm() const { return m_meanRpm; }
    double meanLoad() const { return m_meanLoad; }
    double measuredTemperatureC() const { return m_measuredTemperatureC; }
    const QJsonObject &source() const { return m_source; }
    QString nodeName() const { return m_nodeName; }

private:
    QJsonObject m_source;   // the server's run as received
    std::vector<double> m_years;
    int m_startIndex = 0;
    qint64 m_startMs = 0;
    double m_stepH = 24;
    double m_horizonH = 0;
    QList<Component> m_components;
    bool m_measured = false;
    bool m_recomputed = false;
    Future m_future;
    std::shared_ptr<const Core::Ageing::LoadSpectrum> m_equivalent;
    double m_meanRpm = 0, m_meanLoad = 0, m_measuredTemperatureC = 20;
    QString m_nodeName;
};

} // namespace Laces::App

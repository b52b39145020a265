#pragma once

#include "ageing/operatingprofile.h"
#include "result.h"

#include <QJsonObject>
#include <QStringList>
#include <QUuid>

#include <optional>

namespace Laces::Server {

// A POST /twins/{id}/simulations body, checked field by field (errors name the field as
// the body spells it: "profile.segments[1].rpm"), before anything is read from the
// database.
struct SimulationRequest
{
    enum class ProfileKind { Constant, Segments, Measured };

    std::optional<QUuid> versionId;
    std::optional<qint64> startMs;
    double horizonYears = 5;
    QString step = QStringLiteral("day");
    double stepH = 24;

    ProfileKind kind = ProfileKind::Measured;
    bool profileGiven = false;
    QList<Core::Ageing::ProfileSegment> segments;   // Constant (one) and Segments
    // Measured: the node (none: the twin's linked node), window and signal, and what the
    // future is (none: the measured behaviour goes on).
    std::optional<QUuid> nodeId;
    std::optional<qint64> fromMs, toMs;
    QString metric = QStringLiteral("torque_nm");
    QList<Core::Ageing::ProfileSegment> future;
    // Or the measured duty itself at another speed, load and temperature (NaN: as measured).
    std::optional<Core::Ageing::OperatingPoint> scaledFuture;

    QStringList components;            // empty: every component of the version
    QJsonObject materials;             // component → {preset?, field: value}
    int monteCarloSamples = 0;
    quint64 seed = 0;
    QStringList monteCarloBands;       // components that get P10/P50/P90 crack series
    bool store = true;                 // false: answer the run without keeping it
    // The fleet's own Weibull shape (from resolved failure tickets, GET /reliability/weibull)
    // instead of the preset's, for components with two failures or more on record.
    bool fleetReliability = false;

    static constexpr int kMaxMonteCarloSamples = 10000;
    static constexpr int kMaxSegments = 100;

    static Core::Result<SimulationRequest> fromJson(const QJsonObject &body);
};

} // namespace Laces::Server

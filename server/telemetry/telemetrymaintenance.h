#pragma once

#include "result.h"

#include <QString>

namespace Laces::Server {

class PgConnection;
class TelemetryPartitions;
struct TelemetrySettings;

// The telemetry housekeeping every instance runs hourly (and at start), as of `nowMs`:
//  - creates the partitions of yesterday to the day after tomorrow;
//  - compresses each day older than compressAfterDays into per-node, per-hour chunks
//    (merging rows that arrived late for a day compressed before) and drops its partition;
//  - drops what is older than the retention: raw partitions and chunks, minute and hour
//    rollups each by their own age;
//  - marks online nodes that reported but have been silent for five minutes offline.
// Compression and dropping hold an advisory lock, so two instances never do both at once.
struct TelemetryMaintenanceReport
{
    int partitionsCreated = 0;
    int partitionsDropped = 0;
    int daysCompressed = 0;
    qint64 rowsCompressed = 0;
    qint64 rawBytesCompressed = 0;   // heap + indexes of the compressed partitions
    qint64 chunkBytesWritten = 0;    // their chunks' payload bytes
    qint64 chunksDeleted = 0;
    qint64 rollupRowsDeleted = 0;
    int nodesMarkedOffline = 0;

    QString summary() const;
};

Core::Result<TelemetryMaintenanceReport> runTelemetryMaintenance(PgConnection &db, TelemetryPartitions &partitions,
                                                                 const TelemetrySettings &settings, qint64 nowMs);

// Compresses one day (days since 1970-01-01) now, whatever its age.
Core::Status compressTelemetryDay(PgConnection &db, TelemetryPartitions &partitions, qint64 day,
                                  TelemetryMaintenanceReport *report);

} // namespace Laces::Server

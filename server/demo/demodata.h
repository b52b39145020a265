#pragma once

#include "result.h"

namespace Laces::Server {

class PgConnection;

// The demo organization: users admin/engineer/operator/viewer (password demo-<name>), a
// twin built from the 2CylinderEngine.glb assembly with its named components, and a fleet
// of machine nodes with sensors (resources/demo/fleet.json). Loading twice changes nothing.
namespace DemoData {
Core::Status load(PgConnection &db, const QString &modelPath);
QString findDemoModel(const QString &preferred);
} // namespace DemoData

} // namespace Laces::Server

#pragma once

#include "http/jsonschema.h"
#include "result.h"

namespace Laces::Server {

// What a user name, email address and password must look like, for registration and for
// users created by an admin alike.
namespace UserRules {
constexpr int kMinPasswordLength = 10;
Core::Status check(const QString &username, const QString &email, const QString &password);
Core::Status checkRole(const QString &role);
// The JSON fields of a new account: username, email, password, display_name.
QList<FieldSpec> accountFields();
// A unique-key violation on users as the answer a client can act on (field and message).
Core::Error explainConflict(Core::Error error);
} // namespace UserRules

} // namespace Laces::Server

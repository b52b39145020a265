#pragma once

#include <QString>

namespace Laces::Core {

// What went wrong, in terms a caller can act on. The HTTP layer maps `code` to a status
// in one place (server/http/httperror.cpp); the CLI maps it to an exit code.
struct Error
{
    enum class Code {
        Invalid,        // input failed validation; `field` names the offending field
        NotFound,       // the object does not exist (or is in another organization)
        Conflict,       // a uniqueness or version conflict
        Unauthenticated,
        Forbidden,
        TooLarge,
        UnsupportedMediaType,
        TooManyRequests,
        Unprocessable,  // well-formed but semantically refused (e.g. a malformed model file)
        Unavailable,    // a dependency (database, cluster) is not reachable
        Internal,
    };

    Code code = Code::Internal;
    QString message;
    QString field;  // optional: the input field at fault
    int retryAfterS = 0; // TooManyRequests / Unavailable: when to try again

    static Error invalid(const QString &message, const QString &field = {})
    {
        return {Code::Invalid, message, field};
    }
    static Error notFound(const QString &message) { return {Code::NotFound, message, {}}; }
    static Error conflict(const QString &message) { return {Code::Conflict, message, {}}; }
    static Error internal(const QString &message) { return {Code::Internal, message, {}}; }
    static Error unavailable(const QString &message) { return {Code::Unavailable, message, {}}; }
    static Error unauthenticated(const QString &message)
    {
        return {Code::Unauthenticated, message, {}};
    }
    static Error forbidden(const QString &message) { return {Code::Forbidden, message, {}}; }
    static Error tooManyRequests(const QString &message, int retryAfterS)
    {
        return {Code::TooManyRequests, message, {}, retryAfterS};
    }
};

} // namespace Laces::Core

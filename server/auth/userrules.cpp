#include "userrules.h"

#include <QRegularExpression>

namespace Laces::Server::UserRules {

using Core::Error;

Core::Status check(const QString &username, const QString &email, const QString &password)
{
    static const QRegularExpression usernamePattern(QStringLiteral("^[a-z0-9][a-z0-9_.-]{2,31}$"),
                                                    QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression emailPattern(QStringLiteral("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"));
    if (!usernamePattern.match(username).hasMatch())
        return Error::invalid(QStringLiteral("'username' must be 3 to 32 letters, digits, '.', '_' or '-', "
                                             "starting with a letter or digit"),
                              QStringLiteral("username"));
    if (!emailPattern.match(email).hasMatch())
        return Error::invalid(QStringLiteral("'email' is not an email address"), QStringLiteral("email"));
    if (password.size() < kMinPasswordLength)
        return Error::invalid(QStringLiteral("'password' must have at least %1 characters")
                                  .arg(kMinPasswordLength),
                              QStringLiteral("password"));
    if (password.compare(username, Qt::CaseInsensitive) == 0)
        return Error::invalid(QStringLiteral("'password' must not be the user name"),
                              QStringLiteral("password"));
    return Core::Ok{};
}

QList<FieldSpec> accountFields()
{
    return {{QStringLiteral("username"), FieldSpec::Type::String, true, 1, 32},
            {QStringLiteral("email"), FieldSpec::Type::String, true, 1, 254},
            {QStringLiteral("password"), FieldSpec::Type::String, true, 1, 1024},
            {QStringLiteral("display_name"), FieldSpec::Type::String, false, 0, 200}};
}

Core::Status checkRole(const QString &role)
{
    static const QStringList roles{QStringLiteral("admin"), QStringLiteral("engineer"),
                                   QStringLiteral("operator"), QStringLiteral("viewer")};
    if (!roles.contains(role))
        return Error::invalid(QStringLiteral("'role' must be one of admin, engineer, operator, viewer"),
                              QStringLiteral("role"));
    return Core::Ok{};
}

Core::Error explainConflict(Core::Error error)
{
    if (error.code != Error::Code::Conflict)
        return error;
    const bool emailTaken = error.message.contains(QLatin1String("users_email_key"));
    error.field = emailTaken ? QStringLiteral("email") : QStringLiteral("username");
    error.message = emailTaken ? QStringLiteral("that email address is already registered")
                               : QStringLiteral("that user name is taken");
    return error;
}

} // namespace Laces::Server::UserRules

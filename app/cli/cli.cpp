#include "cli.h"

#include "apiclient.h"
#include "terminal.h"
#include "version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonArray>
#include <QTextStream>

namespace Laces::App {

namespace {

struct Outcome
{
    QJsonObject result;
    std::optional<ApiError> error;
};

// Runs one asynchronous API call to completion.
Outcome call(const std::function<void(ApiClient::JsonCallback)> &start)
{
    Outcome outcome;
    QEventLoop loop;
    start([&](const QJsonObject &result, const ApiError *error) {
        outcome.result = result;
        if (error)
            outcome.error = *error;
        loop.quit();
    });
    loop.exec();
    return outcome;
}

int fail(const ApiError &error)
{
    QTextStream(stderr) << "laces-cli: " << error.describe() << Qt::endl;
    if (error.isNetworkError())
        return Cli::Unreachable;
    if (error.status == 401)
        return Cli::AuthFailed;
    return Cli::Refused;
}

QString usage()
{
    return QCoreApplication::translate("Laces::App::Cli",
        "Commands:\n"
        "  status                 check that the server and its database answer\n"
        "  login                  log in and print an access token for LACES_TOKEN\n"
        "  whoami                 show the user the credentials belong to\n"
        "  twins [--search TEXT]  list the twins of your organization\n"
        "\n"
        "Credentials come from LACES_TOKEN or, failing that, a password prompt for --user.\n"
        "Passwords are never taken from the command line.\n");
}

} // namespace

int Cli::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("Laces::App::Cli", "LACES Genesis command-line client.") + QLatin1Char('\n')
        + usage());
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QCoreApplication::translate("Laces::App::Cli", "What to do."));
    const QCommandLineOption serverOption(
        QStringLiteral("server"),
        QCoreApplication::translate("Laces::App::Cli", "Server URL (env LACES_SERVER; default http://127.0.0.1:8000)."),
        QStringLiteral("url"));
    const QCommandLineOption userOption(QStringLiteral("user"),
                                        QCoreApplication::translate("Laces::App::Cli", "User name to log in as."),
                                        QStringLiteral("name"));
    const QCommandLineOption searchOption(QStringLiteral("search"),
                                          QCoreApplication::translate("Laces::App::Cli", "Filter twins by name."),
                                          QStringLiteral("text"));
    parser.addOptions({serverOption, userOption, searchOption});
    if (!parser.parse(arguments)) {
        QTextStream(stderr) << "laces-cli: " << parser.errorText() << Qt::endl;
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return Ok;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        QTextStream(stdout) << "laces-cli " << Core::productVersion() << Qt::endl;
        return Ok;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty()) {
        QTextStream(stderr) << "laces-cli: no command given\n\n" << usage();
        return Usage;
    }
    const QString command = positional.first();

    QString server = parser.value(serverOption);
    if (server.isEmpty())
        server = qEnvironmentVariable("LACES_SERVER", QStringLiteral("http://127.0.0.1:8000"));
    const QUrl baseUrl(server, QUrl::StrictMode);
    if (!baseUrl.isValid() || (baseUrl.scheme() != QLatin1String("http") && baseUrl.scheme() != QLatin1String("https"))
        || baseUrl.host().isEmpty()) {
        QTextStream(stderr) << "laces-cli: --server must be an http(s) URL, not '" << server << "'" << Qt::endl;
        return Usage;
    }
    ApiClient client;
    client.setBaseUrl(baseUrl);
    QTextStream out(stdout);

    if (command == QLatin1String("status")) {
        const Outcome health = call([&](auto done) { client.health(&client, done); });
        if (health.error && health.error->status != 503)
            return fail(*health.error);
        const QJsonObject body = health.error ? QJsonObject() : health.result;
        out << "server:   " << baseUrl.toString() << "\n";
        out << "status:   " << (health.error ? QStringLiteral("unavailable") : body.value(QStringLiteral("status")).toString()) << "\n";
        out << "database: " << (health.error ? health.error->message : body.value(QStringLiteral("database")).toString()) << "\n";
        out << "version:  " << body.value(QStringLiteral("version")).toString() << Qt::endl;
        return health.error ? Refused : Ok;
    }

    if (command != QLatin1String("login") && command != QLatin1String("whoami") && command != QLatin1String("twins")) {
        QTextStream(stderr) << "laces-cli: unknown command '" << command << "'\n\n" << usage();
        return Usage;
    }

    const QByteArray envToken = qgetenv("LACES_TOKEN");
    if (!envToken.isEmpty() && command != QLatin1String("login")) {
        client.setToken(envToken);
    } else {
        QString user = parser.value(userOption);
        if (user.isEmpty())
            user = Terminal::readLine(QStringLiteral("User: "), false).trimmed();
        if (user.isEmpty()) {
            QTextStream(stderr) << "laces-cli: no user name given (use --user or LACES_TOKEN)" << Qt::endl;
            return Usage;
        }
        const QString password = Terminal::readLine(QStringLiteral("Password for %1: ").arg(user), true);
        const Outcome login = call([&](auto done) { client.login(user, password, &client, done); });
        if (login.error)
            return fail(*login.error);
        if (command == QLatin1String("login")) {
            out << client.token() << Qt::endl;
            QTextStream(stderr) << "expires at " << login.result.value(QStringLiteral("expires_at")).toString()
                                << "; use it with: export LACES_TOKEN=<token>" << Qt::endl;
            return Ok;
        }
    }

    if (command == QLatin1String("whoami")) {
        const Outcome me = call([&](auto done) { client.me(&client, done); });
        if (me.error)
            return fail(*me.error);
        out << me.result.value(QStringLiteral("username")).toString() << " ("
            << me.result.value(QStringLiteral("role")).toString() << ") in "
            << me.result.value(QStringLiteral("organization")).toObject().value(QStringLiteral("name")).toString()
            << Qt::endl;
        return Ok;
    }

    QUrlQuery query;
    query.addQueryItem(QStringLiteral("per_page"), QStringLiteral("200"));
    if (parser.isSet(searchOption))
        query.addQueryItem(QStringLiteral("search"), parser.value(searchOption));
    const Outcome twins = call([&](auto done) { client.listTwins(query, &client, done); });
    if (twins.error)
        return fail(*twins.error);
    const QJsonArray items = twins.result.value(QStringLiteral("items")).toArray();
    for (const QJsonValue &item : items) {
        const QJsonObject twin = item.toObject();
        out << twin.value(QStringLiteral("id")).toString() << "  " << twin.value(QStringLiteral("name")).toString()
            << "  (" << twin.value(QStringLiteral("component_count")).toInt() << " components)\n";
    }
    out << twins.result.value(QStringLiteral("total")).toInt() << " twin(s)" << Qt::endl;
    return Ok;
}

} // namespace Laces::App

#include "cli.h"

#include "anomaly/anomalystream.h"
#include "anomaly/isolationforest.h"
#include "anomaly/zscoredetector.h"
#include "model/modelinspector.h"
#include "numericcsv.h"
#include "terminal.h"
#include "version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrlQuery>
#include <QUuid>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <unistd.h>

namespace Laces::App {

namespace {

QString usage()
{
    return QCoreApplication::translate("Laces::App::Cli",
        "Commands:\n"
        "  status                          check that the server and its database answer\n"
        "  login                           log in and print an access token for LACES_TOKEN\n"
        "  whoami                          show the user the credentials belong to\n"
        "  twins [--search TEXT]           list the twins of your organization\n"
        "  import FILE --twin NAME|ID      store a model file as a new version (creates the twin)\n"
        "         [--message TEXT] [--dry-run]\n"
        "  log TWIN                        the twin's versions, newest first\n"
        "  diff TWIN A B                   what changed from version A to version B\n"
        "  export TWIN [--version V] -o FILE   save a version's model file\n"
        "  nodes [--search TEXT]           list the machine nodes of your organization\n"
        "  node-key NODE --name TEXT       issue an API key for NODE's edge device (shown once)\n"
        "  ingest FILE.csv [--boot-epoch N]    send telemetry in CSV (header node_id,time,seq,metrics…)\n"
        "  simulate TWIN [--years Y] [--step hour|day|week] [--start T]\n"
        "         [--rpm N --load F [--temperature C]] [--from-node NODE [--from T] [--to T]]\n"
        "         [--component NAME]… [--monte-carlo N [--seed S]] [-o run.json]\n"
        "                                  age the twin's components: median and B10 failure dates,\n"
        "                                  worst first (without --rpm/--load: from the measured\n"
        "                                  history of the twin's linked node, or of NODE)\n"
        "  tickets [--status S,…] [--severity S,…] [--node NODE]\n"
        "                                  maintenance tickets, highest priority first (default: the\n"
        "                                  unfinished ones: open, acknowledged, in_progress)\n"
        "  ticket N [ack|start|resolve|close|cancel] [--comment TEXT] [--code failure|no_fault|preventive]\n"
        "                                  show ticket number N with its history, or move it on\n"
        "                                  (resolve needs --code)\n"
        "\n"
        "TWIN and NODE are a name or an id; a version is an id, a number, a tag or 'latest'.\n"
        "Credentials come from LACES_TOKEN or, failing that, a password prompt for --user.\n"
        "Passwords are never taken from the command line.\n");
}

QString anomalyUsage()
{
    return QCoreApplication::translate("Laces::App::Cli",
        "Local commands (no server needed):\n"
        "  anomaly score --train FILE [--train-rows N] --input FILE [--columns A,B,...]\n"
        "         [--ignore A,B,...] [--delimiter ';'] [--detector zscore_max|isolation_forest]\n"
        "         [--contamination C | --threshold T] [--seed S]\n"
        "                                  fit a detector on the training rows of a CSV and write\n"
        "                                  row,score,anomaly,drivers for every input row (CSV on\n"
        "                                  standard output). The default detector, zscore_max, is the\n"
        "                                  one the SKAB benchmark chose (F1 0.83 against 0.79 for the\n"
        "                                  Isolation Forest); scores are smoothed over 30 rows and the\n"
        "                                  threshold is the 0.99 quantile of the smoothed training\n"
        "                                  scores. With the same file for --train and --input, its first\n"
        "                                  --train-rows rows fit the detector and are not scored.\n");
}

// A CSV field: quoted when it holds a comma, a quote or a line break.
QString csvField(const QString &text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"'))
        && !text.contains(QLatin1Char('\n')) && !text.contains(QLatin1Char('\r')))
        return text;
    return QLatin1Char('"') + QString(text).replace(QStringLiteral("\""), QStringLiteral("\"\"")) + QLatin1Char('"');
}

QString formatBox(const QJsonArray &min, const QJsonArray &max)
{
    const auto point = [](const QJsonArray &p) {
        return QStringLiteral("(%1, %2, %3)").arg(p.at(0).toDouble(), 0, 'g', 6).arg(p.at(1).toDouble(), 0, 'g', 6)
            .arg(p.at(2).toDouble(), 0, 'g', 6);
    };
    return point(min) + QStringLiteral(" – ") + point(max);
}

QString compact(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
}

} // namespace

Cli::Cli()
    : m_out(stdout)
    , m_err(stderr)
{
    QObject::connect(&m_client, &ApiClient::slowedDown, &m_client, [this](int retryAfterS) {
        m_err << "laces-cli: " << QCoreApplication::translate("Laces::App::Cli", "slowed down by the server's rate limit; retrying in %1 s")
                                      .arg(retryAfterS)
              << Qt::endl;
    });
}

Cli::Outcome Cli::call(const std::function<void(ApiClient::JsonCallback)> &start)
{
    Outcome outcome;
    QEventLoop loop;
    bool done = false;
    start([&](const QJsonObject &result, const ApiError *error) {
        outcome.result = result;
        if (error)
            outcome.error = *error;
        done = true;
        loop.quit();
    });
    if (!done)
        loop.exec();
    return outcome;
}

int Cli::fail(const ApiError &error)
{
    if (m_progressShown) {
        m_err << Qt::endl;
        m_progressShown = false;
    }
    m_err << "laces-cli: " << error.describe() << Qt::endl;
    if (error.isLocalError())
        return LocalFile;
    if (error.isNetworkError())
        return Unreachable;
    if (error.status == 401)
        return AuthFailed;
    return Refused;
}

int Cli::usageError(const QString &message)
{
    m_err << "laces-cli: " << message << "\n\n" << usage() << Qt::flush;
    return Usage;
}

void Cli::progress(const char *what, qint64 done, qint64 total)
{
    if (total <= 0 || total < 256 * 1024)
        return;  // small transfers finish before a progress line would help
    const int percent = int(done * 100 / total);
    if (percent == m_lastPercent)
        return;
    m_lastPercent = percent;
    m_progressShown = true;
    if (::isatty(STDERR_FILENO))
        m_err << "\r" << what << " " << percent << "% (" << done / 1024 << " of " << total / 1024 << " KiB)" << Qt::flush;
    else if (percent % 25 == 0)
        m_err << what << " " << percent << "%" << Qt::endl;
    if (done >= total && ::isatty(STDERR_FILENO)) {
        m_err << Qt::endl;
        m_progressShown = false;
    }
}

int Cli::authenticate(const QString &givenUser, bool printToken)
{
    const QByteArray envToken = qgetenv("LACES_TOKEN");
    if (!envToken.isEmpty() && !printToken) {
        m_client.setToken(envToken);
        return Ok;
    }
    QString user = givenUser;
    if (user.isEmpty())
        user = Terminal::readLine(QStringLiteral("User: "), false).trimmed();
    if (user.isEmpty()) {
        m_err << "laces-cli: no user name given (use --user or LACES_TOKEN)" << Qt::endl;
        return Usage;
    }
    const QString password = Terminal::readLine(QStringLiteral("Password for %1: ").arg(user), true);
    const Outcome login = call([&](auto done) { m_client.login(user, password, &m_client, done); });
    if (login.error)
        return fail(*login.error);
    if (printToken) {
        m_out << m_client.token() << Qt::endl;
        m_err << "expires at " << login.result.value(QStringLiteral("expires_at")).toString()
              << "; use it with: export LACES_TOKEN=<token>" << Qt::endl;
    }
    return Ok;
}

int Cli::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("Laces::App::Cli", "LACES Genesis command-line client.") + QLatin1Char('\n') + usage()
        + QLatin1Char('\n') + anomalyUsage());
    parser.addHelpOption();
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
    const QCommandLineOption twinOption(QStringLiteral("twin"),
                                        QCoreApplication::translate("Laces::App::Cli", "Twin to import into (name or id)."),
                                        QStringLiteral("twin"));
    const QCommandLineOption messageOption(QStringLiteral("message"),
                                           QCoreApplication::translate("Laces::App::Cli", "Message of the new version."),
                                           QStringLiteral("text"));
    const QCommandLineOption dryRunOption(QStringLiteral("dry-run"),
                                          QCoreApplication::translate("Laces::App::Cli", "Inspect the file without uploading it."));
    const QCommandLineOption versionRefOption(QStringLiteral("version"),
                                              QCoreApplication::translate("Laces::App::Cli", "Version to export (default: latest)."),
                                              QStringLiteral("version"));
    const QCommandLineOption outputOption(QStringList{QStringLiteral("o"), QStringLiteral("output")},
                                          QCoreApplication::translate("Laces::App::Cli", "File to write."),
                                          QStringLiteral("file"));
    const QCommandLineOption nameOption(QStringLiteral("name"),
                                        QCoreApplication::translate("Laces::App::Cli", "Name of the new API key."),
                                        QStringLiteral("text"));
    const QCommandLineOption bootEpochOption(
        QStringLiteral("boot-epoch"),
        QCoreApplication::translate("Laces::App::Cli", "Boot epoch of the samples' sequence numbers (default 0)."),
        QStringLiteral("n"));
    const auto option = [](const char *name, const char *help, const char *value) {
        return QCommandLineOption(QLatin1String(name), QCoreApplication::translate("Laces::App::Cli", help),
                                  QLatin1String(value));
    };
    parser.addOptions({serverOption, userOption, searchOption, twinOption, messageOption, dryRunOption,
                       versionRefOption, outputOption, nameOption, bootEpochOption,
                       option("years", QT_TRANSLATE_NOOP("Laces::App::Cli", "Simulation horizon in years (default 5)."), "years"),
                       option("step", QT_TRANSLATE_NOOP("Laces::App::Cli", "Time step: hour, day or week (default day)."), "step"),
                       option("start", QT_TRANSLATE_NOOP("Laces::App::Cli", "Start of the simulation, RFC 3339 (default now)."), "time"),
                       option("rpm", QT_TRANSLATE_NOOP("Laces::App::Cli", "Speed from the start on."), "rpm"),
                       option("load", QT_TRANSLATE_NOOP("Laces::App::Cli", "Load as a fraction of rated load (0–2)."), "fraction"),
                       option("temperature", QT_TRANSLATE_NOOP("Laces::App::Cli", "Temperature in °C (default 20)."), "celsius"),
                       option("from-node", QT_TRANSLATE_NOOP("Laces::App::Cli", "Machine node whose measured history to use."), "node"),
                       option("from", QT_TRANSLATE_NOOP("Laces::App::Cli", "Start of the measured history, RFC 3339."), "time"),
                       option("to", QT_TRANSLATE_NOOP("Laces::App::Cli", "End of the measured history, RFC 3339 (the simulation's start)."), "time"),
                       option("component", QT_TRANSLATE_NOOP("Laces::App::Cli", "Simulate this component (repeatable; default all)."), "name"),
                       option("monte-carlo", QT_TRANSLATE_NOOP("Laces::App::Cli", "Monte Carlo samples of the material scatter."), "n"),
                       option("seed", QT_TRANSLATE_NOOP("Laces::App::Cli", "Seed of the Monte Carlo samples (default 0)."), "n"),
                       option("train", QT_TRANSLATE_NOOP("Laces::App::Cli", "CSV whose rows fit the anomaly detector."), "file"),
                       option("train-rows", QT_TRANSLATE_NOOP("Laces::App::Cli", "Fit on the first N rows of --train (default all)."), "n"),
                       option("input", QT_TRANSLATE_NOOP("Laces::App::Cli", "CSV whose rows are scored."), "file"),
                       option("columns", QT_TRANSLATE_NOOP("Laces::App::Cli", "Columns to use (default every numeric one)."), "a,b"),
                       option("ignore", QT_TRANSLATE_NOOP("Laces::App::Cli", "Columns to leave out, e.g. labels."), "a,b"),
                       option("delimiter", QT_TRANSLATE_NOOP("Laces::App::Cli", "Field delimiter of the CSV files (default: ',' or ';' from the header)."), "char"),
                       option("detector", QT_TRANSLATE_NOOP("Laces::App::Cli", "zscore_max (default) or isolation_forest."), "kind"),
                       option("contamination", QT_TRANSLATE_NOOP("Laces::App::Cli", "Expected anomalous share of the training rows (default 0.01)."), "c"),
                       option("threshold", QT_TRANSLATE_NOOP("Laces::App::Cli", "Explicit score threshold (smoothed score)."), "t"),
                       option("status", QT_TRANSLATE_NOOP("Laces::App::Cli", "Ticket statuses to list, comma-separated."), "s"),
                       option("severity", QT_TRANSLATE_NOOP("Laces::App::Cli", "Ticket severities to list, comma-separated."), "s"),
                       option("node", QT_TRANSLATE_NOOP("Laces::App::Cli", "Only this node's tickets."), "node"),
                       option("comment", QT_TRANSLATE_NOOP("Laces::App::Cli", "A comment to add to the ticket."), "text"),
                       option("code", QT_TRANSLATE_NOOP("Laces::App::Cli", "Resolution: failure, no_fault or preventive."), "code")});
    // --version alone is the program's version; `export --version V` names a twin version.
    const QStringList &args = arguments;
    const bool exporting = args.contains(QStringLiteral("export"));
    if (!exporting && (args.contains(QStringLiteral("--version")) || args.contains(QStringLiteral("-v")))) {
        m_out << "laces-cli " << Core::productVersion() << Qt::endl;
        return Ok;
    }
    if (!parser.parse(args)) {
        m_err << "laces-cli: " << parser.errorText() << Qt::endl;
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        m_out << parser.helpText() << Qt::flush;
        return Ok;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return usageError(QStringLiteral("no command given"));
    const QString command = positional.first();
    static const QMap<QString, int> argumentCounts{{QStringLiteral("status"), 0}, {QStringLiteral("login"), 0},
                                                   {QStringLiteral("whoami"), 0}, {QStringLiteral("twins"), 0},
                                                   {QStringLiteral("import"), 1}, {QStringLiteral("log"), 1},
                                                   {QStringLiteral("diff"), 3}, {QStringLiteral("export"), 1},
                                                   {QStringLiteral("nodes"), 0}, {QStringLiteral("node-key"), 1},
                                                   {QStringLiteral("ingest"), 1}, {QStringLiteral("simulate"), 1},
                                                   {QStringLiteral("anomaly"), 1}, {QStringLiteral("tickets"), 0}};
    if (command == QLatin1String("ticket")) {
        if (positional.size() < 2 || positional.size() > 3)
            return usageError(QStringLiteral("'ticket' takes a number and optionally ack, start, resolve, close or cancel"));
    } else if (!argumentCounts.contains(command)) {
        return usageError(QStringLiteral("unknown command '%1'").arg(command));
    } else if (positional.size() - 1 != argumentCounts.value(command)) {
        return usageError(QStringLiteral("'%1' takes %2 argument(s)").arg(command).arg(argumentCounts.value(command)));
    }

    if (command == QLatin1String("import") && parser.isSet(dryRunOption))
        return import(positional, parser);  // entirely local
    if (command == QLatin1String("anomaly")) {
        if (positional.at(1) != QLatin1String("score"))
            return usageError(QStringLiteral("unknown anomaly command '%1' (try 'anomaly score')").arg(positional.at(1)));
        return anomalyScore(parser);  // entirely local
    }

    QString server = parser.value(serverOption);
    if (server.isEmpty())
        server = qEnvironmentVariable("LACES_SERVER", QStringLiteral("http://127.0.0.1:8000"));
    const QUrl baseUrl(server, QUrl::StrictMode);
    if (!baseUrl.isValid() || (baseUrl.scheme() != QLatin1String("http") && baseUrl.scheme() != QLatin1String("https"))
        || baseUrl.host().isEmpty())
        return usageError(QStringLiteral("--server must be an http(s) URL, not '%1'").arg(server));
    m_client.setBaseUrl(baseUrl);

    if (command == QLatin1String("status"))
        return status();
    if (command == QLatin1String("import")) {
        if (!parser.isSet(twinOption))
            return usageError(QStringLiteral("import needs --twin NAME|ID"));
        if (!QFileInfo(positional.at(1)).isFile()) {
            m_err << "laces-cli: cannot read " << positional.at(1) << ": no such file" << Qt::endl;
            return LocalFile;
        }
    }
    if (command == QLatin1String("export") && !parser.isSet(outputOption))
        return usageError(QStringLiteral("export needs -o FILE"));
    if (command == QLatin1String("node-key") && parser.value(nameOption).trimmed().isEmpty())
        return usageError(QStringLiteral("node-key needs --name TEXT"));
    bool bootEpochOk = true;
    const qint64 bootEpoch = parser.isSet(bootEpochOption) ? parser.value(bootEpochOption).toLongLong(&bootEpochOk) : 0;
    if (!bootEpochOk)
        return usageError(QStringLiteral("--boot-epoch must be an integer"));
    if (command == QLatin1String("ingest") && !QFileInfo(positional.at(1)).isFile()) {
        m_err << "laces-cli: cannot read " << positional.at(1) << ": no such file" << Qt::endl;
        return LocalFile;
    }

    if (const int authenticated = authenticate(parser.value(userOption), command == QLatin1String("login"));
        authenticated != Ok || command == QLatin1String("login"))
        return authenticated;

    if (command == QLatin1String("whoami"))
        return whoami();
    if (command == QLatin1String("twins"))
        return twins(parser.value(searchOption));
    if (command == QLatin1String("import"))
        return import(positional, parser);
    if (command == QLatin1String("log"))
        return log(positional.at(1));
    if (command == QLatin1String("diff"))
        return diff(positional.at(1), positional.at(2), positional.at(3));
    if (command == QLatin1String("nodes"))
        return nodes(parser.value(searchOption));
    if (command == QLatin1String("node-key"))
        return nodeKey(positional.at(1), parser.value(nameOption).trimmed());
    if (command == QLatin1String("ingest"))
        return ingest(positional.at(1), bootEpoch);
    if (command == QLatin1String("simulate"))
        return simulate(positional.at(1), parser);
    if (command == QLatin1String("tickets"))
        return tickets(parser);
    if (command == QLatin1String("ticket"))
        return ticket(positional.at(1), positional.value(2), parser);
    return exportModel(positional.at(1), parser.value(versionRefOption), parser.value(outputOption));
}

int Cli::status()
{
    const Outcome health = call([&](auto done) { m_client.health(&m_client, done); });
    if (health.error && health.error->status != 503)
        return fail(*health.error);
    m_out << "server:   " << m_client.baseUrl().toString() << "\n";
    m_out << "status:   " << (health.error ? QStringLiteral("unavailable") : health.result.value(QStringLiteral("status")).toString()) << "\n";
    m_out << "database: " << (health.error ? health.error->message : health.result.value(QStringLiteral("database")).toString()) << "\n";
    m_out << "version:  " << health.result.value(QStringLiteral("version")).toString() << Qt::endl;
    return health.error ? Refused : Ok;
}

int Cli::whoami()
{
    const Outcome me = call([&](auto done) { m_client.me(&m_client, done); });
    if (me.error)
        return fail(*me.error);
    m_out << me.result.value(QStringLiteral("username")).toString() << " ("
          << me.result.value(QStringLiteral("role")).toString() << ") in "
          << me.result.value(QStringLiteral("organization")).toObject().value(QStringLiteral("name")).toString() << Qt::endl;
    return Ok;
}

int Cli::twins(const QString &search)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("per_page"), QStringLiteral("200"));
    if (!search.isEmpty())
        query.addQueryItem(QStringLiteral("search"), search);
    const Outcome twins = call([&](auto done) { m_client.listTwins(query, &m_client, done); });
    if (twins.error)
        return fail(*twins.error);
    const QJsonArray items = twins.result.value(QStringLiteral("items")).toArray();
    for (const QJsonValue &item : items) {
        const QJsonObject twin = item.toObject();
        m_out << twin.value(QStringLiteral("id")).toString() << "  " << twin.value(QStringLiteral("name")).toString()
              << "  (" << twin.value(QStringLiteral("component_count")).toInt() << " components)\n";
    }
    m_out << twins.result.value(QStringLiteral("total")).toInt() << " twin(s)" << Qt::endl;
    return Ok;
}

int Cli::nodes(const QString &search)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("per_page"), QStringLiteral("500"));
    if (!search.isEmpty())
        query.addQueryItem(QStringLiteral("search"), search);
    const Outcome nodes = call([&](auto done) {
        m_client.send("GET", QStringLiteral("/nodes?") + query.toString(QUrl::FullyEncoded), nullptr, &m_client, done);
    });
    if (nodes.error)
        return fail(*nodes.error);
    for (const QJsonValue &item : nodes.result.value(QStringLiteral("items")).toArray()) {
        const QJsonObject node = item.toObject();
        m_out << node.value(QStringLiteral("id")).toString() << "  " << node.value(QStringLiteral("name")).toString() << "  ("
              << node.value(QStringLiteral("type")).toString() << ", " << node.value(QStringLiteral("status")).toString()
              << ", " << node.value(QStringLiteral("site")).toString() << ")\n";
    }
    m_out << nodes.result.value(QStringLiteral("total")).toInt() << " node(s)" << Qt::endl;
    return Ok;
}

std::optional<QString> Cli::requireNode(const QString &nodeRef, int *exitCode)
{
    *exitCode = Ok;
    if (!QUuid::fromString(nodeRef).isNull())
        return nodeRef;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("search"), nodeRef);
    query.addQueryItem(QStringLiteral("per_page"), QStringLiteral("500"));
    const Outcome found = call([&](auto done) {
        m_client.send("GET", QStringLiteral("/nodes?") + query.toString(QUrl::FullyEncoded), nullptr, &m_client, done);
    });
    if (found.error) {
        *exitCode = fail(*found.error);
        return std::nullopt;
    }
    for (const QJsonValue &item : found.result.value(QStringLiteral("items")).toArray()) {
        if (item.toObject().value(QStringLiteral("name")).toString().compare(nodeRef, Qt::CaseInsensitive) == 0)
            return item.toObject().value(QStringLiteral("id")).toString();
    }
    m_err << "laces-cli: no node named '" << nodeRef << "'" << Qt::endl;
    *exitCode = Refused;
    return std::nullopt;
}

int Cli::nodeKey(const QString &nodeRef, const QString &name)
{
    int exitCode = Ok;
    const std::optional<QString> node = requireNode(nodeRef, &exitCode);
    if (!node)
        return exitCode;
    const QString nodeId = *node;
    const QJsonObject body{{QStringLiteral("name"), name}};
    const Outcome created = call([&](auto done) {
        m_client.send("POST", QStringLiteral("/nodes/%1/api-keys").arg(nodeId), &body, &m_client, done);
    });
    if (created.error)
        return fail(*created.error);
    // The key alone on standard output, for scripts; the rest is for people.
    m_out << created.result.value(QStringLiteral("key")).toString() << Qt::endl;
    m_err << "API key '" << name << "' (prefix " << created.result.value(QStringLiteral("prefix")).toString()
          << ") for node " << nodeId << ". It is shown only this once." << Qt::endl;
    return Ok;
}

int Cli::ingest(const QString &path, qint64 bootEpoch)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_err << "laces-cli: cannot read " << path << ": " << file.errorString() << Qt::endl;
        return LocalFile;
    }
    const QByteArray header = file.readLine();
    if (!header.contains("node_id")) {
        m_err << "laces-cli: " << path << ": the first line must name the columns (node_id,time,seq,…)" << Qt::endl;
        return Refused;
    }
    // Batches of whole lines; the server names a bad line within its batch, which is
    // turned back into the file's line.
    constexpr int kLinesPerBatch = 10000;
    qint64 stored = 0, duplicates = 0;
    int firstLine = 2;
    while (!file.atEnd()) {
        QByteArray batch = header;
        int lines = 0;
        while (lines < kLinesPerBatch && !file.atEnd()) {
            batch += file.readLine();
            ++lines;
        }
        if (!batch.endsWith('\n'))
            batch += '\n';
        const Outcome sent = call([&](auto done) {
            m_client.sendBytes("POST", QStringLiteral("/telemetry/batch?boot_epoch=%1").arg(bootEpoch), batch,
                               "text/csv", &m_client, done);
        });
        if (sent.error) {
            ApiError error = *sent.error;
            static const QRegularExpression line(QStringLiteral("^line (\\d+)"));
            const auto match = line.match(error.message);
            if (match.hasMatch()) {
                const int inFile = firstLine + match.captured(1).toInt() - 2;
                error.message.replace(0, match.capturedLength(), QStringLiteral("%1 line %2").arg(path).arg(inFile));
            }
            if (stored > 0)
                m_err << "laces-cli: " << stored << " sample(s) before it were stored; sending the file again stores only the rest"
                      << Qt::endl;
            return fail(error);
        }
        stored += sent.result.value(QStringLiteral("stored")).toInteger();
        duplicates += sent.result.value(QStringLiteral("duplicates")).toInteger();
        firstLine += lines;
    }
    m_out << "stored " << stored << " sample(s), " << duplicates << " already stored" << Qt::endl;
    return Ok;
}

std::optional<QJsonObject> Cli::findTwin(const QString &nameOrId, int *exitCode)
{
    *exitCode = Ok;
    if (!QUuid::fromString(nameOrId).isNull()) {
        const Outcome twin = call([&](auto done) {
            m_client.send("GET", QStringLiteral("/twins/") + nameOrId, nullptr, &m_client, done);
        });
        if (twin.error) {
            if (twin.error->status != 404)
                *exitCode = fail(*twin.error);
            return std::nullopt;
        }
        return twin.result;
    }
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("search"), nameOrId);
    query.addQueryItem(QStringLiteral("per_page"), QStringLiteral("200"));
    const Outcome found = call([&](auto done) { m_client.listTwins(query, &m_client, done); });
    if (found.error) {
        *exitCode = fail(*found.error);
        return std::nullopt;
    }
    for (const QJsonValue &item : found.result.value(QStringLiteral("items")).toArray()) {
        if (item.toObject().value(QStringLiteral("name")).toString().compare(nameOrId, Qt::CaseInsensitive) == 0)
            return item.toObject();
    }
    return std::nullopt;
}

std::optional<QJsonObject> Cli::requireTwin(const QString &nameOrId, int *exitCode)
{
    std::optional<QJsonObject> twin = findTwin(nameOrId, exitCode);
    if (!twin && *exitCode == Ok) {
        m_err << "laces-cli: no twin named '" << nameOrId << "'" << Qt::endl;
        *exitCode = Refused;
    }
    return twin;
}

std::optional<QJsonObject> Cli::findVersion(const QJsonObject &twin, const QString &reference, int *exitCode)
{
    *exitCode = Ok;
    const QString twinId = twin.value(QStringLiteral("id")).toString();
    QString versionId;
    if (reference.isEmpty() || reference == QLatin1String("latest")) {
        versionId = twin.value(QStringLiteral("latest_version_id")).toString();
    } else if (!QUuid::fromString(reference).isNull()) {
        versionId = reference;
    } else {
        bool isNumber = false;
        const int number = QString(reference).remove(QLatin1Char('v')).toInt(&isNumber);
        if (isNumber) {
            for (int page = 1; versionId.isEmpty(); ++page) {
                const Outcome log = call([&](auto done) {
                    m_client.send("GET", QStringLiteral("/twins/%1/versions?per_page=200&page=%2").arg(twinId).arg(page),
                                  nullptr, &m_client, done);
                });
                if (log.error) {
                    *exitCode = fail(*log.error);
                    return std::nullopt;
                }
                const QJsonArray items = log.result.value(QStringLiteral("items")).toArray();
                if (items.isEmpty())
                    break;
                for (const QJsonValue &item : items) {
                    if (item.toObject().value(QStringLiteral("number")).toInt() == number)
                        versionId = item.toObject().value(QStringLiteral("id")).toString();
                }
            }
        } else {
            const Outcome tags = call([&](auto done) {
                m_client.send("GET", QStringLiteral("/twins/%1/tags").arg(twinId), nullptr, &m_client, done);
            });
            if (tags.error) {
                *exitCode = fail(*tags.error);
                return std::nullopt;
            }
            for (const QJsonValue &tag : tags.result.value(QStringLiteral("items")).toArray()) {
                if (tag.toObject().value(QStringLiteral("name")).toString() == reference)
                    versionId = tag.toObject().value(QStringLiteral("version_id")).toString();
            }
        }
    }
    if (versionId.isEmpty()) {
        m_err << "laces-cli: the twin '" << twin.value(QStringLiteral("name")).toString() << "' has no version '"
              << (reference.isEmpty() ? QStringLiteral("latest") : reference) << "'" << Qt::endl;
        *exitCode = Refused;
        return std::nullopt;
    }
    const Outcome version = call([&](auto done) {
        m_client.send("GET", QStringLiteral("/twins/%1/versions/%2").arg(twinId, versionId), nullptr, &m_client, done);
    });
    if (version.error) {
        *exitCode = fail(*version.error);
        return std::nullopt;
    }
    return version.result;
}

int Cli::import(const QStringList &positional, const QCommandLineParser &parser)
{
    const QString filePath = positional.at(1);
    const QString fileName = QFileInfo(filePath).fileName();
    if (parser.isSet(QStringLiteral("dry-run"))) {
        const auto info = Core::ModelInspector::inspectFile(filePath);
        if (!info) {
            m_err << "laces-cli: " << info.error().message << Qt::endl;
            return QFileInfo(filePath).isReadable() ? Refused : LocalFile;
        }
        const auto vec = [](const QVector3D &v) { return QJsonArray{v.x(), v.y(), v.z()}; };
        m_out << "file:        " << fileName << " (" << QFileInfo(filePath).size() << " bytes)\n";
        m_out << "format:      " << info->format << "\n";
        m_out << "triangles:   " << info->triangleCount << " (" << info->instancedTriangleCount << " drawn)\n";
        m_out << "vertices:    " << info->vertexCount << "\n";
        m_out << "components:  " << info->components.size() << "\n";
        m_out << "box:         " << formatBox(vec(info->bounds.min), vec(info->bounds.max)) << "\n";
        m_out << "dry run: nothing uploaded" << Qt::endl;
        return Ok;
    }

    const QString twinName = parser.value(QStringLiteral("twin"));
    int exitCode = Ok;
    std::optional<QJsonObject> twin = findTwin(twinName, &exitCode);
    if (exitCode != Ok)
        return exitCode;
    if (!twin) {
        if (!QUuid::fromString(twinName).isNull()) {
            m_err << "laces-cli: no twin with the id " << twinName << Qt::endl;
            return Refused;
        }
        const QJsonObject body{{QStringLiteral("name"), twinName}};
        const Outcome created = call([&](auto done) { m_client.createTwin(body, &m_client, done); });
        if (created.error)
            return fail(*created.error);
        twin = created.result;
        m_err << "created the twin '" << twinName << "'" << Qt::endl;
    }
    const QString twinId = twin->value(QStringLiteral("id")).toString();

    m_lastPercent = -1;
    const Outcome uploaded = call([&](auto done) {
        m_client.uploadModel(twinId, filePath, &m_client,
                             [this](qint64 sent, qint64 total) { progress("uploading", sent, total); }, done);
    });
    if (uploaded.error)
        return fail(*uploaded.error);
    const QJsonObject &model = uploaded.result;

    const QJsonValue latest = twin->value(QStringLiteral("latest_version_id"));
    QJsonObject version{{QStringLiteral("parents"), latest.isString() ? QJsonArray{latest} : QJsonArray()},
                        {QStringLiteral("message"), parser.isSet(QStringLiteral("message"))
                                                        ? parser.value(QStringLiteral("message"))
                                                        : QStringLiteral("Import %1").arg(fileName)},
                        {QStringLiteral("model_sha256"), model.value(QStringLiteral("sha256"))},
                        {QStringLiteral("model_filename"), fileName}};
    const Outcome created = call([&](auto done) {
        m_client.send("POST", QStringLiteral("/twins/%1/versions").arg(twinId), &version, &m_client, done);
    });
    if (created.error)
        return fail(*created.error);
    m_out << "format:      " << model.value(QStringLiteral("format")).toString() << "\n";
    m_out << "triangles:   " << model.value(QStringLiteral("triangle_count")).toInteger() << " ("
          << model.value(QStringLiteral("instanced_triangle_count")).toInteger() << " drawn)\n";
    m_out << "components:  " << model.value(QStringLiteral("components")).toArray().size() << "\n";
    m_out << "box:         " << formatBox(model.value(QStringLiteral("bbox_min")).toArray(),
                                          model.value(QStringLiteral("bbox_max")).toArray()) << "\n";
    m_out << "stored:      " << (model.value(QStringLiteral("stored_now")).toBool() ? "new content" : "same content as before")
          << " (sha256 " << model.value(QStringLiteral("sha256")).toString().left(12) << ")\n";
    m_out << "version:     " << created.result.value(QStringLiteral("number")).toInt() << " "
          << created.result.value(QStringLiteral("id")).toString() << Qt::endl;
    return Ok;
}

int Cli::log(const QString &twinName)
{
    int exitCode = Ok;
    const std::optional<QJsonObject> twin = requireTwin(twinName, &exitCode);
    if (!twin)
        return exitCode;
    for (int page = 1;; ++page) {
        const Outcome log = call([&](auto done) {
            m_client.send("GET", QStringLiteral("/twins/%1/versions?per_page=200&page=%2")
                                     .arg(twin->value(QStringLiteral("id")).toString()).arg(page),
                          nullptr, &m_client, done);
        });
        if (log.error)
            return fail(*log.error);
        const QJsonArray items = log.result.value(QStringLiteral("items")).toArray();
        for (const QJsonValue &item : items) {
            const QJsonObject version = item.toObject();
            const QDateTime created = QDateTime::fromString(version.value(QStringLiteral("created_at")).toString(), Qt::ISODate);
            QStringList tags;
            for (const QJsonValue &tag : version.value(QStringLiteral("tags")).toArray())
                tags.append(tag.toString());
            m_out << "v" << version.value(QStringLiteral("number")).toInt() << "  "
                  << version.value(QStringLiteral("id")).toString() << "  "
                  << created.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")) << "  "
                  << version.value(QStringLiteral("author")).toObject().value(QStringLiteral("username")).toString()
                  << "  " << version.value(QStringLiteral("message")).toString()
                  << (tags.isEmpty() ? QString() : QStringLiteral("  [%1]").arg(tags.join(QStringLiteral(", "))))
                  << (version.value(QStringLiteral("is_latest")).toBool() ? QStringLiteral("  (latest)") : QString())
                  << "\n";
        }
        if (items.size() < 200)
            break;
    }
    m_out.flush();
    return Ok;
}

int Cli::diff(const QString &twinName, const QString &from, const QString &to)
{
    int exitCode = Ok;
    const std::optional<QJsonObject> twin = requireTwin(twinName, &exitCode);
    if (!twin)
        return exitCode;
    const auto a = findVersion(*twin, from, &exitCode);
    if (!a)
        return exitCode;
    const auto b = findVersion(*twin, to, &exitCode);
    if (!b)
        return exitCode;
    const Outcome diff = call([&](auto done) {
        m_client.send("GET", QStringLiteral("/twins/%1/versions/%2/diff/%3")
                                 .arg(twin->value(QStringLiteral("id")).toString(), a->value(QStringLiteral("id")).toString(),
                                      b->value(QStringLiteral("id")).toString()),
                      nullptr, &m_client, done);
    });
    if (diff.error)
        return fail(*diff.error);
    m_out << "v" << a->value(QStringLiteral("number")).toInt() << " → v" << b->value(QStringLiteral("number")).toInt() << "\n";
    m_out << "model: " << (diff.result.value(QStringLiteral("model_changed")).toBool() ? "changed" : "unchanged") << "\n";
    const QJsonObject components = diff.result.value(QStringLiteral("components")).toObject();
    for (const QJsonValue &name : components.value(QStringLiteral("added")).toArray())
        m_out << "+ component " << name.toString() << "\n";
    for (const QJsonValue &name : components.value(QStringLiteral("removed")).toArray())
        m_out << "- component " << name.toString() << "\n";
    for (const QJsonValue &change : components.value(QStringLiteral("changed")).toArray()) {
        QStringList fields;
        for (const QJsonValue &field : change.toObject().value(QStringLiteral("fields")).toArray())
            fields.append(field.toString());
        m_out << "~ component " << change.toObject().value(QStringLiteral("name")).toString() << " ("
              << fields.join(QStringLiteral(", ")) << ")\n";
    }
    const QJsonObject properties = diff.result.value(QStringLiteral("properties")).toObject();
    const QJsonObject added = properties.value(QStringLiteral("added")).toObject();
    for (auto it = added.begin(); it != added.end(); ++it)
        m_out << "+ " << it.key() << ": " << compact(it.value()) << "\n";
    const QJsonObject removed = properties.value(QStringLiteral("removed")).toObject();
    for (auto it = removed.begin(); it != removed.end(); ++it)
        m_out << "- " << it.key() << ": " << compact(it.value()) << "\n";
    for (const QJsonValue &change : properties.value(QStringLiteral("changed")).toArray()) {
        const QJsonObject c = change.toObject();
        m_out << "~ " << c.value(QStringLiteral("key")).toString() << ": " << compact(c.value(QStringLiteral("from")))
              << " → " << compact(c.value(QStringLiteral("to"))) << "\n";
    }
    m_out.flush();
    return Ok;
}

int Cli::exportModel(const QString &twinName, const QString &reference, const QString &outputPath)
{
    int exitCode = Ok;
    const std::optional<QJsonObject> twin = requireTwin(twinName, &exitCode);
    if (!twin)
        return exitCode;
    const auto version = findVersion(*twin, reference, &exitCode);
    if (!version)
        return exitCode;
    const QString url = version->value(QStringLiteral("model")).toObject().value(QStringLiteral("url")).toString();
    if (url.isEmpty()) {
        m_err << "laces-cli: version " << version->value(QStringLiteral("number")).toInt() << " has no model" << Qt::endl;
        return Refused;
    }
    m_lastPercent = -1;
    const Outcome saved = call([&](auto done) {
        m_client.downloadToFile(url, outputPath, &m_client,
                                [this](qint64 received, qint64 total) { progress("downloading", received, total); }, done);
    });
    if (saved.error)
        return fail(*saved.error);
    m_out << "wrote " << outputPath << " (" << QFileInfo(outputPath).size() << " bytes, version "
          << version->value(QStringLiteral("number")).toInt() << ")" << Qt::endl;
    return Ok;
}

int Cli::simulate(const QString &twinName, const QCommandLineParser &parser)
{
    // Numbers are checked here for their form; the server checks their ranges and names
    // the field, which is said back as the option it came from.
    QJsonObject body;
    QJsonObject point;
    const auto number = [&](const char *option, const char *field, QJsonObject &into) -> bool {
        if (!parser.isSet(QLatin1String(option)))
            return true;
        bool ok = false;
        const double value = parser.value(QLatin1String(option)).toDouble(&ok);
        if (!ok || !std::isfinite(value)) {
            usageError(QStringLiteral("--%1 must be a number, not '%2'").arg(QLatin1String(option), parser.value(QLatin1String(option))));
            return false;
        }
        into.insert(QLatin1String(field), value);
        return true;
    };
    if (!number("years", "horizon_years", body) || !number("rpm", "rpm", point) || !number("load", "load", point)
        || !number("temperature", "temperature_c", point))
        return Usage;
    if (parser.isSet(QStringLiteral("step")))
        body.insert(QStringLiteral("step"), parser.value(QStringLiteral("step")));
    if (parser.isSet(QStringLiteral("start")))
        body.insert(QStringLiteral("start"), parser.value(QStringLiteral("start")));
    if (point.contains(QStringLiteral("rpm")) != point.contains(QStringLiteral("load")))
        return usageError(QStringLiteral("--rpm and --load go together (--temperature is optional)"));
    if (!point.isEmpty() && !point.contains(QStringLiteral("rpm")))
        return usageError(QStringLiteral("--temperature needs --rpm and --load"));
    if ((parser.isSet(QStringLiteral("from")) || parser.isSet(QStringLiteral("to"))) && !parser.isSet(QStringLiteral("from-node")))
        return usageError(QStringLiteral("--from and --to need --from-node"));
    if (parser.isSet(QStringLiteral("seed")) && !parser.isSet(QStringLiteral("monte-carlo")))
        return usageError(QStringLiteral("--seed needs --monte-carlo"));
    QJsonObject monteCarlo;
    for (const char *option : {"monte-carlo", "seed"}) {
        if (!parser.isSet(QLatin1String(option)))
            continue;
        bool ok = false;
        const qint64 value = parser.value(QLatin1String(option)).toLongLong(&ok);
        if (!ok)
            return usageError(QStringLiteral("--%1 must be a whole number").arg(QLatin1String(option)));
        monteCarlo.insert(QByteArrayView(option) == "seed" ? QStringLiteral("seed") : QStringLiteral("samples"), double(value));
    }
    if (!monteCarlo.isEmpty())
        body.insert(QStringLiteral("monte_carlo"), monteCarlo);
    const QStringList components = parser.values(QStringLiteral("component"));
    if (!components.isEmpty())
        body.insert(QStringLiteral("components"), QJsonArray::fromStringList(components));

    int exitCode = Ok;
    const std::optional<QJsonObject> twin = requireTwin(twinName, &exitCode);
    if (!twin)
        return exitCode;
    if (parser.isSet(QStringLiteral("from-node"))) {
        const std::optional<QString> node = requireNode(parser.value(QStringLiteral("from-node")), &exitCode);
        if (!node)
            return exitCode;
        QJsonObject profile{{QStringLiteral("from_node"), *node}};
        for (const char *option : {"from", "to"}) {
            if (parser.isSet(QLatin1String(option)))
                profile.insert(QLatin1String(option), parser.value(QLatin1String(option)));
        }
        if (!point.isEmpty())
            profile.insert(QStringLiteral("future"), point);
        body.insert(QStringLiteral("profile"), profile);
    } else if (!point.isEmpty()) {
        body.insert(QStringLiteral("profile"), point);
    }

    const QString twinId = twin->value(QStringLiteral("id")).toString();
    const Outcome run = call([&](auto done) {
        m_client.send("POST", QStringLiteral("/twins/%1/simulations").arg(twinId), &body, &m_client, done);
    });
    if (run.error) {
        ApiError error = *run.error;
        static const QHash<QString, QString> options{
            {QStringLiteral("horizon_years"), QStringLiteral("--years")},  {QStringLiteral("step"), QStringLiteral("--step")},
            {QStringLiteral("start"), QStringLiteral("--start")},           {QStringLiteral("profile.rpm"), QStringLiteral("--rpm")},
            {QStringLiteral("profile.load"), QStringLiteral("--load")},     {QStringLiteral("profile.temperature_c"), QStringLiteral("--temperature")},
            {QStringLiteral("profile.future.rpm"), QStringLiteral("--rpm")}, {QStringLiteral("profile.future.load"), QStringLiteral("--load")},
            {QStringLiteral("profile.future.temperature_c"), QStringLiteral("--temperature")},
            {QStringLiteral("profile.from"), QStringLiteral("--from")},     {QStringLiteral("profile.to"), QStringLiteral("--to")},
            {QStringLiteral("profile"), QStringLiteral("--rpm/--load or --from-node")},
            {QStringLiteral("profile.from_node"), QStringLiteral("--from-node")},
            {QStringLiteral("monte_carlo.samples"), QStringLiteral("--monte-carlo")},
            {QStringLiteral("monte_carlo.seed"), QStringLiteral("--seed")}};
        if (options.contains(error.field))
            error.field = options.value(error.field);
        else if (error.field.startsWith(QLatin1String("components[")))
            error.field = QStringLiteral("--component");
        return fail(error);
    }
    const QJsonObject &result = run.result;

    if (parser.isSet(QStringLiteral("output"))) {
        QFile file(parser.value(QStringLiteral("output")));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || file.write(QJsonDocument(result).toJson(QJsonDocument::Indented)) < 0 || !file.flush()) {
            m_err << "laces-cli: cannot write " << file.fileName() << ": " << file.errorString() << Qt::endl;
            return LocalFile;
        }
    }

    // Worst first: the earliest median failure; parts that never fail last, by name.
    QList<QJsonObject> rows;
    for (const QJsonValue &value : result.value(QStringLiteral("components")).toArray())
        rows.append(value.toObject());
    const auto years = [](const QJsonObject &c) {
        const QJsonValue value = c.value(QStringLiteral("p50_failure_years"));
        return value.isDouble() ? value.toDouble() : std::numeric_limits<double>::infinity();
    };
    std::stable_sort(rows.begin(), rows.end(), [&](const QJsonObject &a, const QJsonObject &b) { return years(a) < years(b); });
    const auto date = [](const QJsonValue &value) {
        return value.isString() ? value.toString().left(10) : QStringLiteral("never");
    };
    int nameWidth = 9;
    for (const QJsonObject &row : std::as_const(rows))
        nameWidth = std::max(nameWidth, int(row.value(QStringLiteral("name")).toString().size()));
    nameWidth = std::min(nameWidth, 40);
    const bool monteCarloShown = body.contains(QStringLiteral("monte_carlo"));
    m_out << QStringLiteral("%1  %2  %3  %4  %5").arg(QStringLiteral("component"), -nameWidth)
                 .arg(QStringLiteral("material"), -26).arg(QStringLiteral("median fail"), -11)
                 .arg(QStringLiteral("B10 fail"), -10).arg(QStringLiteral("damage at horizon"))
          << (monteCarloShown ? "  P10–P90 fail" : "") << "\n";
    for (const QJsonObject &row : std::as_const(rows)) {
        const QJsonObject material = row.value(QStringLiteral("material")).toObject();
        const QJsonValue damage = row.value(QStringLiteral("final")).toObject().value(QStringLiteral("damage"));
        m_out << QStringLiteral("%1  %2  %3  %4  %5")
                     .arg(row.value(QStringLiteral("name")).toString().left(nameWidth), -nameWidth)
                     .arg(material.value(QStringLiteral("preset")).toString(), -26)
                     .arg(date(row.value(QStringLiteral("p50_failure_date"))), -11)
                     .arg(date(row.value(QStringLiteral("b10_failure_date"))), -10)
                     .arg(damage.isDouble() ? QString::number(damage.toDouble(), 'f', 3) : QStringLiteral("-"));
        if (monteCarloShown) {
            const QJsonObject sampled = row.value(QStringLiteral("monte_carlo")).toObject();
            m_out << "  " << date(sampled.value(QStringLiteral("p10_date"))) << " – "
                  << date(sampled.value(QStringLiteral("p90_date")));
        }
        m_out << "\n";
    }
    const QJsonObject measured = result.value(QStringLiteral("measured")).toObject();
    if (!measured.isEmpty())
        m_out << "measured: " << measured.value(QStringLiteral("node_name")).toString() << ", "
              << measured.value(QStringLiteral("samples")).toInteger() << " samples of "
              << measured.value(QStringLiteral("metric")).toString() << " from " << measured.value(QStringLiteral("from")).toString()
              << " to " << measured.value(QStringLiteral("to")).toString() << ", "
              << measured.value(QStringLiteral("cycles")).toArray().size() << " cycle ranges\n";
    const QJsonObject worst = result.value(QStringLiteral("worst")).toObject();
    m_out << "run " << result.value(QStringLiteral("id")).toString() << " from " << result.value(QStringLiteral("start")).toString()
          << "; " << (worst.isEmpty() ? QStringLiteral("no component fails")
                                      : QStringLiteral("worst: %1, median failure %2")
                                            .arg(worst.value(QStringLiteral("component")).toString(),
                                                 date(worst.value(QStringLiteral("p50_failure_date")))))
          << Qt::endl;
    return Ok;
}

int Cli::anomalyScore(const QCommandLineParser &parser)
{
    using namespace Core::Anomaly;
    const auto list = [&](const char *option) {
        QStringList names;
        for (const QString &name : parser.value(QLatin1String(option)).split(QLatin1Char(','), Qt::SkipEmptyParts))
            names.append(name.trimmed());
        return names;
    };
    if (!parser.isSet(QStringLiteral("train")) || !parser.isSet(QStringLiteral("input")))
        return usageError(QStringLiteral("anomaly score needs --train FILE and --input FILE"));
    if (parser.isSet(QStringLiteral("contamination")) && parser.isSet(QStringLiteral("threshold")))
        return usageError(QStringLiteral("give --contamination or --threshold, not both"));
    const QString kind = parser.isSet(QStringLiteral("detector")) ? parser.value(QStringLiteral("detector"))
                                                                 : QLatin1String(ZScoreDetector::kKind);
    if (kind != QLatin1String(ZScoreDetector::kKind) && kind != QLatin1String(IsolationForest::kKind))
        return usageError(QStringLiteral("--detector must be zscore_max or isolation_forest, not '%1'").arg(kind));
    std::optional<QChar> delimiter;
    if (parser.isSet(QStringLiteral("delimiter"))) {
        QString given = parser.value(QStringLiteral("delimiter"));
        if (given == QLatin1String("\\t") || given == QLatin1String("tab"))
            given = QStringLiteral("\t");
        if (given.size() != 1 || given == QLatin1String("\"") || given.at(0).isLetterOrNumber())
            return usageError(QStringLiteral("--delimiter must be one character such as ';' or ',', not '%1'").arg(given));
        delimiter = given.at(0);
    }
    const auto positiveNumber = [&](const char *option, double *value) {
        bool ok = false;
        *value = parser.value(QLatin1String(option)).toDouble(&ok);
        return ok && std::isfinite(*value);
    };
    std::optional<double> contamination, threshold;
    double number = 0;
    if (parser.isSet(QStringLiteral("contamination"))) {
        if (!positiveNumber("contamination", &number) || !(number > 0 && number <= 0.5))
            return usageError(QStringLiteral("--contamination must be a number in (0, 0.5], not '%1'")
                                  .arg(parser.value(QStringLiteral("contamination"))));
        contamination = number;
    }
    if (parser.isSet(QStringLiteral("threshold"))) {
        if (!positiveNumber("threshold", &number) || number < 0)
            return usageError(QStringLiteral("--threshold must be a number >= 0, not '%1'")
                                  .arg(parser.value(QStringLiteral("threshold"))));
        threshold = number;
    }
    std::optional<qint64> trainRows;
    if (parser.isSet(QStringLiteral("train-rows"))) {
        bool ok = false;
        const qint64 rows = parser.value(QStringLiteral("train-rows")).toLongLong(&ok);
        if (!ok || rows < 2)
            return usageError(QStringLiteral("--train-rows must be a whole number >= 2, not '%1'")
                                  .arg(parser.value(QStringLiteral("train-rows"))));
        trainRows = rows;
    }
    quint64 seed = 0;
    if (parser.isSet(QStringLiteral("seed"))) {
        bool ok = false;
        seed = parser.value(QStringLiteral("seed")).toULongLong(&ok);
        if (!ok)
            return usageError(QStringLiteral("--seed must be a whole number >= 0"));
    }

    const QString trainPath = parser.value(QStringLiteral("train"));
    const QString inputPath = parser.value(QStringLiteral("input"));
    for (const QString &path : {trainPath, inputPath}) {
        if (!QFileInfo(path).isFile()) {
            m_err << "laces-cli: cannot read " << path << ": no such file" << Qt::endl;
            return LocalFile;
        }
    }
    const bool sameFile = QFileInfo(trainPath).canonicalFilePath() == QFileInfo(inputPath).canonicalFilePath();
    if (sameFile && !trainRows)
        return usageError(QStringLiteral("--train and --input are the same file: say how many of its first rows fit the detector with --train-rows N"));
    const QStringList ignore = list("ignore");
    const auto read = [&](const QString &path) -> std::optional<NumericCsv> {
        Core::Result<NumericCsv> csv = readNumericCsv(path, delimiter, ignore);
        if (!csv) {
            m_err << "laces-cli: " << csv.error().message << Qt::endl;
            return std::nullopt;
        }
        return std::move(csv).value();
    };
    const std::optional<NumericCsv> train = read(trainPath);
    if (!train)
        return Refused;
    std::optional<NumericCsv> input;
    if (!sameFile) {
        input = read(inputPath);
        if (!input)
            return Refused;
    }
    if (train->numeric.isEmpty()) {
        m_err << "laces-cli: " << trainPath << ": no numeric columns (columns: " << train->header.join(QStringLiteral(", "))
              << ")" << Qt::endl;
        return Refused;
    }
    QStringList features = train->numeric;
    if (parser.isSet(QStringLiteral("columns"))) {
        features = list("columns");
        for (const QString &name : features) {
            if (!train->numeric.contains(name))
                return usageError(QStringLiteral("--columns: %1 has no numeric column \"%2\" (numeric columns: %3)")
                                      .arg(trainPath, name, train->numeric.join(QStringLiteral(", "))));
        }
        if (features.isEmpty() || features.removeDuplicates() > 0)
            return usageError(QStringLiteral("--columns must name each column once"));
    }
    const auto select = [&](const NumericCsv &csv, Eigen::MatrixXd *out) {
        out->resize(csv.values.rows(), features.size());
        for (int i = 0; i < features.size(); ++i) {
            const qsizetype column = csv.numeric.indexOf(features[i]);
            if (column < 0) {
                m_err << "laces-cli: " << csv.path << ": no numeric column \"" << features[i] << "\" as in "
                      << trainPath << Qt::endl;
                return false;
            }
            out->col(i) = csv.values.col(column);
        }
        return true;
    };
    Eigen::MatrixXd trainValues, inputValues;
    if (!select(*train, &trainValues) || (input && !select(*input, &inputValues)))
        return Refused;
    const qint64 available = trainValues.rows();
    const qint64 fitRows = trainRows.value_or(available);
    if (fitRows > available || (sameFile && fitRows >= available)) {
        m_err << "laces-cli: " << trainPath << " has " << available << " data rows; --train-rows " << fitRows
              << (sameFile ? " leaves none to score" : " is more") << Qt::endl;
        return Refused;
    }
    constexpr int kSmoothingRows = 30;  // the SKAB benchmark's smoothing (tests/bench/eval_maintenance.cpp)
    if (!threshold && fitRows <= kSmoothingRows) {
        m_err << "laces-cli: too few training rows: " << fitRows << " (at least " << kSmoothingRows + 1
              << " to learn a threshold over " << kSmoothingRows << "-row smoothed scores; or give --threshold)"
              << Qt::endl;
        return Refused;
    }
    const Eigen::MatrixXd fitValues = trainValues.topRows(fitRows);

    std::shared_ptr<const Detector> detector;
    if (kind == QLatin1String(ZScoreDetector::kKind)) {
        ZScoreOptions options;
        options.smoothingRows = kSmoothingRows;
        options.contamination = contamination;
        options.threshold = threshold;
        Core::Result<ZScoreDetector> fitted = ZScoreDetector::fit(fitValues, features, options);
        if (!fitted) {
            m_err << "laces-cli: " << fitted.error().message << Qt::endl;
            return Refused;
        }
        detector = std::make_shared<const ZScoreDetector>(std::move(fitted).value());
    } else {
        IsolationForestOptions options;
        options.seed = seed;
        options.smoothingRows = kSmoothingRows;
        options.threshold = threshold;
        if (!threshold)
            options.contamination = contamination.value_or(0.01);
        Core::Result<IsolationForest> fitted = IsolationForest::fit(fitValues, features, options);
        if (!fitted) {
            m_err << "laces-cli: " << fitted.error().message << Qt::endl;
            return Refused;
        }
        detector = std::make_shared<const IsolationForest>(std::move(fitted).value());
    }

    // The stream's window runs on from the training rows when they precede the scored ones
    // in the same file, as the agent's would.
    AnomalyStream stream(detector);
    const Eigen::MatrixXd &scored = sameFile ? trainValues : inputValues;
    const qint64 first = sameFile ? fitRows : 0;
    std::vector<double> row(size_t(features.size()));
    const auto rowAt = [&](qint64 r) {
        for (int c = 0; c < features.size(); ++c)
            row[size_t(c)] = scored(r, c);
        return row.data();
    };
    if (sameFile)
        for (qint64 r = 0; r < fitRows; ++r)
            stream.push(rowAt(r));
    m_out << "row,score,anomaly,drivers\n";
    qint64 flagged = 0;
    for (qint64 r = first; r < scored.rows(); ++r) {
        const AnomalyScore score = stream.push(rowAt(r));
        QStringList drivers;
        for (int i = 0; i < std::min<qsizetype>(3, score.drivers.size()); ++i)
            drivers.append(score.drivers[i].feature + QLatin1Char(':') + QString::number(score.drivers[i].share, 'f', 3));
        m_out << r << ',' << QString::number(score.score, 'g', 6) << ',' << (score.anomaly ? '1' : '0') << ','
              << csvField(drivers.join(QLatin1Char(';'))) << '\n';
        flagged += score.anomaly;
    }
    m_out.flush();
    m_err << kind << " on " << features.size() << " column(s) (" << features.join(QStringLiteral(", ")) << "), fit on "
          << fitRows << " row(s), threshold " << QString::number(detector->threshold(), 'g', 6) << " on scores smoothed over "
          << detector->smoothingRows() << " rows: " << flagged << " of " << scored.rows() - first << " row(s) anomalous"
          << Qt::endl;
    return Ok;
}

int Cli::tickets(const QCommandLineParser &parser)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("per_page"), QStringLiteral("500"));
    query.addQueryItem(QStringLiteral("sort"), QStringLiteral("priority"));
    query.addQueryItem(QStringLiteral("status"), parser.isSet(QStringLiteral("status"))
                                                     ? parser.value(QStringLiteral("status"))
                                                     : QStringLiteral("open,acknowledged,in_progress"));
    if (parser.isSet(QStringLiteral("severity")))
        query.addQueryItem(QStringLiteral("severity"), parser.value(QStringLiteral("severity")).toUpper());
    if (parser.isSet(QStringLiteral("node"))) {
        int exitCode = Ok;
        const std::optional<QString> node = requireNode(parser.value(QStringLiteral("node")), &exitCode);
        if (!node)
            return exitCode;
        query.addQueryItem(QStringLiteral("node_id"), *node);
    }
    const Outcome listed = call([&](auto done) {
        m_client.send("GET", QStringLiteral("/maintenance/tickets?") + query.toString(QUrl::FullyEncoded), nullptr, &m_client,
                      done);
    });
    if (listed.error)
        return fail(*listed.error);
    const QJsonArray items = listed.result.value(QStringLiteral("items")).toArray();
    for (const QJsonValue &item : items) {
        const QJsonObject ticket = item.toObject();
        m_out << QStringLiteral("#%1").arg(ticket.value(QStringLiteral("number")).toInteger()).leftJustified(7)
              << ticket.value(QStringLiteral("severity")).toString().leftJustified(9)
              << ticket.value(QStringLiteral("status")).toString().leftJustified(13)
              << QStringLiteral("p%1").arg(ticket.value(QStringLiteral("priority")).toInt()).leftJustified(5)
              << ticket.value(QStringLiteral("title")).toString();
        const QString node = ticket.value(QStringLiteral("node_name")).toString();
        if (!node.isEmpty())
            m_out << "  [" << node << "]";
        const int occurrences = ticket.value(QStringLiteral("occurrences")).toInt();
        if (occurrences > 1)
            m_out << "  ×" << occurrences;
        m_out << "\n";
    }
    m_out << listed.result.value(QStringLiteral("total")).toInt() << " ticket(s)" << Qt::endl;
    return Ok;
}

int Cli::ticket(const QString &numberText, const QString &action, const QCommandLineParser &parser)
{
    bool ok = false;
    const qint64 number = QString(numberText).remove(QLatin1Char('#')).toLongLong(&ok);
    if (!ok || number < 1)
        return usageError(QStringLiteral("a ticket is given by its number, not '%1'").arg(numberText));
    static const QHash<QString, QString> statuses{{QStringLiteral("ack"), QStringLiteral("acknowledged")},
                                                  {QStringLiteral("start"), QStringLiteral("in_progress")},
                                                  {QStringLiteral("resolve"), QStringLiteral("resolved")},
                                                  {QStringLiteral("close"), QStringLiteral("closed")},
                                                  {QStringLiteral("cancel"), QStringLiteral("cancelled")}};
    if (!action.isEmpty() && !statuses.contains(action))
        return usageError(QStringLiteral("unknown ticket action '%1' (ack, start, resolve, close or cancel)").arg(action));
    const QString code = parser.value(QStringLiteral("code"));
    if (action == QLatin1String("resolve") && code.isEmpty())
        return usageError(QStringLiteral("resolve needs --code failure|no_fault|preventive"));
    const Outcome found = call([&](auto done) {
        m_client.send("GET", QStringLiteral("/maintenance/tickets?status=open,acknowledged,in_progress,resolved,closed,cancelled&number=%1")
                                 .arg(number),
                      nullptr, &m_client, done);
    });
    if (found.error)
        return fail(*found.error);
    const QJsonArray items = found.result.value(QStringLiteral("items")).toArray();
    if (items.isEmpty()) {
        m_err << "laces-cli: no ticket #" << number << Qt::endl;
        return Refused;
    }
    const QString id = items.first().toObject().value(QStringLiteral("id")).toString();
    if (!action.isEmpty() || parser.isSet(QStringLiteral("comment"))) {
        QJsonObject change;
        if (!action.isEmpty())
            change.insert(QStringLiteral("status"), statuses.value(action));
        if (action == QLatin1String("resolve"))
            change.insert(QStringLiteral("resolution"), QJsonObject{{QStringLiteral("code"), code}});
        if (parser.isSet(QStringLiteral("comment")))
            change.insert(QStringLiteral("comment"), parser.value(QStringLiteral("comment")));
        const Outcome changed = call([&](auto done) {
            m_client.send("PATCH", QStringLiteral("/maintenance/tickets/") + id, &change, &m_client, done);
        });
        if (changed.error)
            return fail(*changed.error);
    }
    const Outcome shown = call([&](auto done) {
        m_client.send("GET", QStringLiteral("/maintenance/tickets/") + id, nullptr, &m_client, done);
    });
    if (shown.error)
        return fail(*shown.error);
    const QJsonObject t = shown.result;
    m_out << "#" << t.value(QStringLiteral("number")).toInteger() << "  " << t.value(QStringLiteral("title")).toString() << "\n"
          << "severity:    " << t.value(QStringLiteral("severity")).toString() << "  (priority "
          << t.value(QStringLiteral("priority")).toInt() << ")\n"
          << "status:      " << t.value(QStringLiteral("status")).toString() << "\n"
          << "cause:       " << t.value(QStringLiteral("cause")).toString() << "\n";
    if (!t.value(QStringLiteral("node_name")).toString().isEmpty())
        m_out << "node:        " << t.value(QStringLiteral("node_name")).toString() << "\n";
    if (!t.value(QStringLiteral("component")).toString().isEmpty())
        m_out << "component:   " << t.value(QStringLiteral("component")).toString() << "\n";
    if (!t.value(QStringLiteral("assignee")).toString().isEmpty())
        m_out << "assignee:    " << t.value(QStringLiteral("assignee")).toString() << "\n";
    m_out << "occurrences: " << t.value(QStringLiteral("occurrences")).toInt() << "\n"
          << "opened:      " << t.value(QStringLiteral("opened_at")).toString() << "\n";
    for (const QJsonValue &value : t.value(QStringLiteral("events")).toArray()) {
        const QJsonObject event = value.toObject();
        const QString who = event.value(QStringLiteral("actor")).toString() == QLatin1String("agent")
                                ? QStringLiteral("agent")
                                : event.value(QStringLiteral("actor_name")).toString();
        const QJsonObject details = event.value(QStringLiteral("details")).toObject();
        QString what = event.value(QStringLiteral("kind")).toString();
        if (details.contains(QStringLiteral("to")))
            what += QStringLiteral(" → ") + details.value(QStringLiteral("to")).toString();
        if (details.contains(QStringLiteral("text")))
            what += QStringLiteral(": ") + details.value(QStringLiteral("text")).toString();
        m_out << "  " << event.value(QStringLiteral("created_at")).toString().left(19) << "  " << who.leftJustified(10) << what
              << "\n";
    }
    m_out << Qt::flush;
    return Ok;
}

} // namespace Laces::App

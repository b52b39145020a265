#pragma once

#include "apiclient.h"

#include <QJsonArray>
#include <QStringList>
#include <QTextStream>

#include <optional>

class QCommandLineParser;

namespace Laces::App {

// laces-cli: command-line access to a LACES server, and local anomaly scoring.
// Exit codes: 0 done, 1 the server refused (or the model file or a data file is not
// acceptable: no numeric columns, a bad number, too few training rows), 2 bad usage, 3
// authentication failed, 4 server unreachable, 5 a local file cannot be read or written.
class Cli
{
public:
    enum ExitCode { Ok = 0, Refused = 1, Usage = 2, AuthFailed = 3, Unreachable = 4, LocalFile = 5 };

    Cli();
    int run(const QStringList &arguments);

private:
    struct Outcome
    {
        QJsonObject result;
        std::optional<ApiError> error;
    };
    Outcome call(const std::function<void(ApiClient::JsonCallback)> &start);
    int fail(const ApiError &error);
    int usageError(const QString &message);
    int authenticate(const QString &user, bool printToken);

    int status();
    int whoami();
    int twins(const QString &search);
    int import(const QStringList &arguments, const QCommandLineParser &parser);
    int log(const QString &twin);
    int diff(const QString &twin, const QString &from, const QString &to);
    int exportModel(const QString &twin, const QString &version, const QString &outputPath);
    int nodes(const QString &search);
    int nodeKey(const QString &node, const QString &name);
    int ingest(const QString &path, qint64 bootEpoch);
    int simulate(const QString &twin, const QCommandLineParser &parser);
    // `anomaly score`: fits a detector on training rows of a CSV and writes
    // row,score,anomaly,drivers for the input rows to standard output. Entirely local.
    int anomalyScore(const QCommandLineParser &parser);
    // `tickets`: the maintenance queue; `ticket N [action]`: one ticket, or a move.
    int tickets(const QCommandLineParser &parser);
    int ticket(const QString &number, const QString &action, const QCommandLineParser &parser);

    // A twin by id or exact name (case-insensitive); nothing if it does not exist.
    std::optional<QJsonObject> findTwin(const QString &nameOrId, int *exitCode);
    // As findTwin, but a missing twin is an error (reported, exit code Refused).
    std::optional<QJsonObject> requireTwin(const QString &nameOrId, int *exitCode);
    // A node by id or exact name (case-insensitive); a missing one is reported (Refused).
    std::optional<QString> requireNode(const QString &nameOrId, int *exitCode);
    // A version by id, number, tag or "latest".
    std::optional<QJsonObject> findVersion(const QJsonObject &twin, const QString &reference, int *exitCode);
    void progress(const char *what, qint64 done, qint64 total);

    ApiClient m_client;
    QTextStream m_out;
    QTextStream m_err;
    bool m_progressShown = false;
    int m_lastPercent = -1;
};

} // namespace Laces::App

// What the operations features cost per request, against real laces-server processes
// (their own embedded PostgreSQL), in the same run:
//  1. The rate limiter: GET /auth/me (authenticated, one session lookup) on a server with
//     --rate-limit-per-min 0 (off) against one with a limit so high it never refuses (so
//     every request takes its token: one upsert on an unlogged table).
//  2. The access log: GET /version (no database) with --access-log on against off; the
//     lines go to this process's stderr (send it to a file or /dev/null).
// Each figure: requests/s with 8 keep-alive clients, and the server's CPU time per request
// (from /proc), alternating the two servers twice.
// Run: build/bench/bench_ops [seconds per round, default 5] 2>/dev/null

#include "benchsupport.h"

#include <QFile>

#include <cstdio>

#include <unistd.h>

using namespace Laces::Bench;

namespace {

double cpuSeconds(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = stat.readAll().split(' ');
    // utime and stime, fields 14 and 15 (proc(5)), in clock ticks; the embedded postgres
    // backends are separate processes, counted by their parent's children fields 16, 17
    // only once reaped, so the database's share is not in this figure.
    return (fields.value(13).toDouble() + fields.value(14).toDouble()) / double(sysconf(_SC_CLK_TCK));
}

struct Round
{
    double perSecond = 0;
    double cpuUsPerRequest = 0;
};

Round measure(ServerProcess &server, const QByteArray &path, int seconds)
{
    const double cpuBefore = cpuSeconds(server.pid());
    const RoundTrips trips = runRoundTrips(
        server.port(), 8, seconds, [&](int, qint64) { return httpRequest("GET", path, server.token()); },
        [](int, qint64, int status, const QByteArray &) { return status == 200; });
    const double cpu = cpuSeconds(server.pid()) - cpuBefore;
    if (trips.failed > 0)
        std::fprintf(stdout, "  (%lld requests failed)\n", trips.failed);
    return {double(trips.completed) / trips.elapsedS, cpu * 1e6 / double(std::max<qint64>(1, trips.completed))};
}

void compare(const char *what, ServerProcess &without, ServerProcess &with, const QByteArray &path, int seconds,
             const char *withoutName, const char *withName)
{
    Round off[2], on[2];
    for (int round = 0; round < 2; ++round) {
        off[round] = measure(without, path, seconds);
        on[round] = measure(with, path, seconds);
    }
    const double offRate = (off[0].perSecond + off[1].perSecond) / 2;
    const double onRate = (on[0].perSecond + on[1].perSecond) / 2;
    const double offCpu = (off[0].cpuUsPerRequest + off[1].cpuUsPerRequest) / 2;
    const double onCpu = (on[0].cpuUsPerRequest + on[1].cpuUsPerRequest) / 2;
    std::printf("%s (GET %s, 8 clients, %d s x 2 rounds each):\n", what, path.constData(), seconds);
    std::printf("  %-22s %8.0f req/s (%0.f, %0.f)   server CPU %6.1f us/request\n", withoutName, offRate, off[0].perSecond,
                off[1].perSecond, offCpu);
    std::printf("  %-22s %8.0f req/s (%0.f, %0.f)   server CPU %6.1f us/request\n", withName, onRate, on[0].perSecond,
                on[1].perSecond, onCpu);
    std::printf("  cost: %.1f us of server CPU and %.1f us of wall time per request (throughput ratio %.2f)\n\n",
                onCpu - offCpu, (1e6 / onRate - 1e6 / offRate) * 8, onRate / offRate);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int seconds = argc > 1 ? std::max(1, atoi(argv[1])) : 5;
    const QString binary = QStringLiteral(LACES_SERVER_BINARY);
    const QStringList common{QStringLiteral("--agent-interval-s"), QStringLiteral("0"), QStringLiteral("--workers"),
                             QStringLiteral("8")};
    {
        ServerProcess unlimited;
        ServerProcess limited;
        if (!unlimited.start(binary, common + QStringList{QStringLiteral("--rate-limit-per-min"), QStringLiteral("0"),
                                                          QStringLiteral("--access-log"), QStringLiteral("off")})
            || !limited.start(binary, common + QStringList{QStringLiteral("--rate-limit-per-min"), QStringLiteral("1000000"),
                                                           QStringLiteral("--access-log"), QStringLiteral("off")})) {
            std::fprintf(stderr, "bench_ops: a server did not start\n");
            return 1;
        }
        compare("Rate limiter", unlimited, limited, "/auth/me", seconds, "--rate-limit-per-min 0", "limit on (never hit)");
    }
    {
        ServerProcess quiet;
        ServerProcess logging;
        if (!quiet.start(binary, common + QStringList{QStringLiteral("--access-log"), QStringLiteral("off")})
            || !logging.start(binary, common + QStringList{QStringLiteral("--access-log"), QStringLiteral("on"),
                                                           QStringLiteral("--log-format"), QStringLiteral("json")})) {
            std::fprintf(stderr, "bench_ops: a server did not start\n");
            return 1;
        }
        compare("Access log", quiet, logging, "/version", seconds, "--access-log off", "on, --log-format json");
    }
    return 0;
}

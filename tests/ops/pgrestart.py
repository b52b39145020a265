#!/usr/bin/python3
"""PostgreSQL stopped hard under laces-server and started again.

Starts a PostgreSQL 15 cluster of its own on loopback, a real laces-server on it
(--database-url) and two writers (telemetry batches and twin versions, each retried until
acknowledged, versions with an Idempotency-Key), stops the database with
`pg_ctl stop -m immediate` (no shutdown checkpoint, as a crash), keeps it down for a while,
and starts it again. Checks:
  * while it is down the server answers 503 with Retry-After (never 500) and never hangs;
  * its pool reconnects by itself once the database is back;
  * every write it acknowledged is in the database afterwards (crash recovery included).

usage: pgrestart.py --server-binary PATH [--down-s S] [--keep]
"""

import argparse
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time

from laceslib import free_port, http, lost_writes, start_load, start_server, stop_load, stop_server, wait_for

PG_BIN = "/usr/lib/postgresql/15/bin"


class Postgres:
    def __init__(self, root):
        self.root = root
        self.data = os.path.join(root, "pg")
        self.sock = os.path.join(root, "sock")
        self.port = free_port()
        os.makedirs(self.sock)
        # PostgreSQL refuses to run as root: its programs run as postgres then.
        self.user = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        if self.user:
            for path in (root, self.sock):
                os.chown(path, self.user.pw_uid, self.user.pw_gid)

    def run(self, *args, check=True):
        command = [os.path.join(PG_BIN, args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, cwd=self.root)

    def init(self):
        self.run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8")

    def start(self):
        self.run("pg_ctl", "-D", self.data, "-l", os.path.join(self.root, "postgres.log"), "-w", "-t", "60",
                 "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.sock}", "start")

    def stop(self, mode):
        self.run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def psql(self, sql, database="laces"):
        return self.run("psql", "-X", "-At", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                        "-d", database, "-c", sql).stdout.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server-binary", required=True)
    parser.add_argument("--down-s", type=float, default=6.0)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    root = tempfile.mkdtemp(prefix="laces-pgrestart-")
    os.chmod(root, 0o711)
    database = Postgres(root)
    server = None
    ok = False
    try:
        database.init()
        database.start()
        database.psql("CREATE DATABASE laces", database="postgres")
        url = f"host=127.0.0.1 port={database.port} dbname=laces user=postgres connect_timeout=2"
        server, base = start_server(args.server_binary, url, root)
        load, threads = start_load(base, "Restart twin")
        time.sleep(3)
        before = (len(load.acked_seqs), len(load.acked_versions))
        stopped_at = time.time()
        database.stop("immediate")
        time.sleep(1)
        # A reader while the database is away: 503 with Retry-After, at once.
        asked = time.time()
        down_status, down_body, down_headers = http("GET", base + "/twins", token=load.token)
        down_answer_s = time.time() - asked
        health_status, _, _ = http("GET", base + "/health")
        time.sleep(max(0.0, args.down_s - 1))
        started_at = time.time()
        database.start()
        wait_for(lambda: any(t > started_at for t in load.successes), 30, "the first write after the restart")
        recovered_at = min(t for t in load.successes if t > started_at)
        time.sleep(3)
        stop_load(load, threads)

        during = [f for f in load.failures if stopped_at <= f[0] <= started_at + 30]
        print(f"pgrestart: database down {started_at - stopped_at:.1f} s (pg_ctl stop -m immediate, then start)")
        print(f"pgrestart: while down, GET /twins answered {down_status} in {down_answer_s * 1000:.0f} ms "
              f"(Retry-After: {down_headers.get('Retry-After')}), /health {health_status}")
        print(f"pgrestart: answers by status: {dict(sorted(load.statuses.items()))}; slowest {load.slowest_s:.2f} s")
        print(f"pgrestart: first acknowledged write {recovered_at - started_at:.1f} s after the database started")
        problems = []
        if down_status != 503 or not down_headers.get("Retry-After"):
            problems.append(f"GET /twins while down: {down_status} {down_body} {down_headers.get('Retry-After')}")
        if health_status != 503:
            problems.append(f"/health while down answered {health_status}")
        bad = sorted({f[1] for f in during if f[1] != 503})
        if bad:
            problems.append(f"answers other than 503 while the database was away: {bad}: "
                            + "; ".join(f[2] for f in during if f[1] in bad)[:600])
        if 500 in load.statuses or 0 in load.statuses:
            problems.append(f"a 500 or a hung/reset request: {load.statuses}")
        if load.slowest_s > 15:
            problems.append(f"a request took {load.slowest_s:.1f} s")
        if recovered_at - started_at > 10:
            problems.append(f"the pool took {recovered_at - started_at:.1f} s to come back")
        problems += lost_writes(load, database.psql)
        if len(load.acked_seqs) <= before[0] or len(load.acked_versions) <= before[1]:
            problems.append("no writes were acknowledged after the restart")
        if problems:
            for problem in problems:
                print("pgrestart: FAIL: " + problem, file=sys.stderr)
            return 1
        print(f"pgrestart: PASS: every acknowledged write ({len(load.acked_seqs)} samples, "
              f"{len(load.acked_versions)} versions) survived; 503 meanwhile, no 500s, no hangs")
        ok = True
        return 0
    finally:
        stop_server(server)
        database.stop("fast")
        if ok and not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"pgrestart: logs kept in {root}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

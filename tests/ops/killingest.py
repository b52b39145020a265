#!/usr/bin/python3
"""laces-server killed with SIGKILL in the middle of telemetry ingest, again and again.

A real laces-server on its embedded PostgreSQL takes telemetry batches (100 samples each,
sequence numbers counting up) from a client that sends each batch again until it is
acknowledged, as the edge agent does. The server is killed with SIGKILL at random moments
(20 times by default) and started again on the same data directory. At the end every
acknowledged sample must be stored, and every sample stored exactly once.

usage: killingest.py --server-binary PATH [--kills N] [--keep]
"""

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from laceslib import free_port, http, wait_for


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server-binary", required=True)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    root = tempfile.mkdtemp(prefix="laces-killingest-")
    os.chmod(root, 0o711)
    data = os.path.join(root, "data")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(root, "laces-server.log"), "a")
    server = {"process": None}

    def start():
        server["process"] = subprocess.Popen(
            [args.server_binary, "--data-dir", data, "--port", str(port), "--rate-limit-per-min", "0",
             "--agent-interval-s", "0", "--access-log", "off", "--workers", "4"],
            stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: http("GET", base + "/health", timeout=2)[0] == 200, 120, "laces-server")

    ok = False
    try:
        start()
        http("POST", base + "/auth/register",
             {"username": "ops", "email": "ops@example.org", "password": "correct horse battery"})
        _, login, _ = http("POST", base + "/auth/login", {"username": "ops", "password": "correct horse battery"})
        token = login["access_token"]
        _, node, _ = http("POST", base + "/nodes", {"name": "pump", "type": "pump", "latitude": 1, "longitude": 2}, token)
        node_id = node["id"]
        acked = []          # the highest sequence number acknowledged after each batch
        stop = threading.Event()
        statuses = {}

        def writer():
            seq = 0
            start_ms = int(time.time() * 1000) - 3600 * 1000
            while not stop.is_set():
                batch = []
                for _ in range(100):
                    seq += 1
                    t = start_ms + seq   # a sample a millisecond: well inside the last hour
                    batch.append({"node_id": node_id, "seq": seq,
                                  "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t / 1000)) + ".%03dZ" % (t % 1000),
                                  "metrics": {"temperature_c": 40 + seq % 13}})
                while not stop.is_set():   # the same batch until acknowledged
                    try:
                        status, body, _ = http("POST", base + "/telemetry/batch", {"boot_epoch": 1, "samples": batch},
                                               token, timeout=10)
                    except Exception:
                        status, body = 0, {}
                    statuses[status] = statuses.get(status, 0) + 1
                    if status == 200 and body.get("acked", {}).get(node_id, 0) >= seq:
                        acked.append(seq)
                        break
                    time.sleep(0.05)

        thread = threading.Thread(target=writer)
        thread.start()
        rng = random.Random(1402)
        for kill in range(args.kills):
            time.sleep(rng.uniform(0.2, 1.2))
            server["process"].send_signal(signal.SIGKILL)
            server["process"].wait()
            start()
        time.sleep(1)
        stop.set()
        thread.join(30)
        highest = max(acked) if acked else 0
        # Count through the server's own database (its cluster socket is in the data directory).
        counts = subprocess.run(["psql", "-X", "-At", f"host={data}/postgres dbname=laces user=laces", "-c",
                                 f"SELECT count(*), count(DISTINCT seq), count(*) FILTER (WHERE seq <= {highest}), "
                                 f"coalesce(max(seq), 0) FROM telemetry_data WHERE node_id = '{node_id}'"],
                                capture_output=True, text=True, check=True).stdout.strip().split("|")
        rows, distinct, upto, stored_max = map(int, counts)
        print(f"killingest: {args.kills} SIGKILLs; {len(acked)} batches acknowledged up to seq {highest}; "
              f"stored {rows} rows, {distinct} distinct, {upto} of them up to the last acknowledged; "
              f"answers {dict(sorted(statuses.items()))}")
        problems = []
        if rows != distinct:
            problems.append(f"{rows - distinct} samples stored twice")
        if upto != highest:
            problems.append(f"{highest - upto} acknowledged samples missing")
        refused = {s: n for s, n in statuses.items() if s not in (0, 200, 503)}
        if refused:
            problems.append(f"answers other than 200, 503 or no answer (a killed server): {refused}")
        if len(acked) < args.kills:
            problems.append("too few batches acknowledged to mean anything")
        if problems:
            for problem in problems:
                print("killingest: FAIL: " + problem, file=sys.stderr)
            return 1
        print("killingest: PASS: every acknowledged sample stored exactly once")
        ok = True
        return 0
    finally:
        if server["process"] and server["process"].poll() is None:
            server["process"].send_signal(signal.SIGTERM)
            try:
                server["process"].wait(60)
            except subprocess.TimeoutExpired:
                server["process"].kill()
        if ok and not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"killingest: logs kept in {root}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

"""What the operations tests share: free ports, waiting, HTTP with JSON, and a load of two
writers (telemetry batches and twin versions) that records every write the server
acknowledged and every answer it gave."""

import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout_s, what):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        try:
            if predicate():
                return
        except Exception:
            pass
        time.sleep(0.2)
    raise SystemExit(f"failover: timed out waiting for {what}")


def http(method, url, body=None, token=None, timeout=15.0, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.status, json.loads(reply.read() or b"{}"), dict(reply.headers)
    except urllib.error.HTTPError as error:
        payload = error.read()
        try:
            parsed = json.loads(payload or b"{}")
        except ValueError:
            parsed = {"raw": payload.decode(errors="replace")}
        return error.code, parsed, dict(error.headers)


class Load:
    """Two writers: telemetry batches (acked seqs) and twin versions (acked ids)."""

    def __init__(self, base, token, node_id, twin_id):
        self.base, self.token, self.node_id, self.twin_id = base, token, node_id, twin_id
        self.acked_seqs = []
        self.acked_versions = []
        self.statuses = {}
        self.slowest_s = 0.0
        self.failures = []           # (time, status) of every answer that was not 2xx
        self.successes = []          # times of 2xx answers
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def note(self, started, status, body):
        elapsed = time.time() - started
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.slowest_s = max(self.slowest_s, elapsed)
            if 200 <= status < 300:
                self.successes.append(time.time())
            else:
                self.failures.append((time.time(), status, json.dumps(body)[:200]))

    def telemetry(self):
        seq = 0
        while not self.stop.is_set():
            seq += 1
            now_ms = int(time.time() * 1000)
            sample = {"node_id": self.node_id, "seq": seq,
                      "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now_ms / 1000)) + ".%03dZ" % (now_ms % 1000),
                      "metrics": {"temperature_c": 40 + seq % 17}}
            while not self.stop.is_set():   # the same sample until it is acknowledged
                started = time.time()
                try:
                    status, body, _ = http("POST", self.base + "/telemetry/batch",
                                           {"boot_epoch": 1, "samples": [sample]}, self.token)
                except Exception as error:   # a hang or a reset
                    status, body = 0, {"exception": str(error)}
                self.note(started, status, body)
                if status == 200:
                    if body.get("acked", {}).get(self.node_id, 0) >= seq:
                        with self.lock:
                            self.acked_seqs.append(seq)
                    break
                time.sleep(0.1)
            time.sleep(0.02)

    def versions(self):
        parent = None
        while not self.stop.is_set():
            started = time.time()
            body_out = {"parents": [parent] if parent else [], "message": f"commit {len(self.acked_versions) + 1}",
                        "properties": {"n": len(self.acked_versions) + 1}}
            # A commit that was made but whose answer was lost (the primary died between
            # its COMMIT and the reply) must not be made twice: the same key answers the same.
            key = {"Idempotency-Key": f"failover-commit-{len(self.acked_versions) + 1}"}
            try:
                status, body, _ = http("POST", f"{self.base}/twins/{self.twin_id}/versions", body_out, self.token,
                                       headers=key)
            except Exception as error:
                status, body = 0, {"exception": str(error)}
            self.note(started, status, body)
            if status == 201:
                parent = body["id"]
                with self.lock:
                    self.acked_versions.append(body["id"])
            elif status == 409 and parent is None:
                break
            time.sleep(0.05 if status == 201 else 0.1)


def start_server(binary, database_url, root):
    """A laces-server on `database_url` (rate limit and agent off: the load is one user),
    healthy; returns (process, base URL)."""
    port = free_port()
    log = open(os.path.join(root, "laces-server.log"), "w")
    process = subprocess.Popen([binary, "--database-url", database_url, "--data-dir", os.path.join(root, "laces"),
                                "--port", str(port), "--rate-limit-per-min", "0", "--agent-interval-s", "0",
                                "--access-log", "errors", "--workers", "4"],
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: http("GET", base + "/health", timeout=2)[0] == 200, 120, "laces-server")
    return process, base


def stop_server(process):
    """SIGTERM, and SIGKILL if it has not stopped within a minute."""
    if not process:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()


def start_load(base, twin_name):
    """A registered user, a node and a twin, and the two writers started; returns the Load
    and its threads."""
    status, _, _ = http("POST", base + "/auth/register",
                        {"username": "ops", "email": "ops@example.org", "password": "correct horse battery"})
    assert status == 201, status
    _, login, _ = http("POST", base + "/auth/login", {"username": "ops", "password": "correct horse battery"})
    token = login["access_token"]
    _, node, _ = http("POST", base + "/nodes", {"name": "pump", "type": "pump", "latitude": 1, "longitude": 2}, token)
    _, twin, _ = http("POST", base + "/twins", {"name": twin_name}, token)
    load = Load(base, token, node["id"], twin["id"])
    threads = [threading.Thread(target=load.telemetry), threading.Thread(target=load.versions)]
    for thread in threads:
        thread.start()
    return load, threads


def stop_load(load, threads):
    load.stop.set()
    for thread in threads:
        thread.join(30)


def lost_writes(load, psql):
    """What the server acknowledged but `psql(sql)` (the database) does not have."""
    problems = []
    seqs = set(int(s) for s in psql(f"SELECT seq FROM telemetry_data WHERE node_id = '{load.node_id}'").split())
    missing = [s for s in load.acked_seqs if s not in seqs]
    if missing:
        problems.append(f"{len(missing)} acknowledged samples missing, e.g. {missing[:5]}")
    ids = set(psql(f"SELECT id FROM twin_versions WHERE twin_id = '{load.twin_id}'").split())
    lost = [v for v in load.acked_versions if v not in ids]
    if lost:
        problems.append(f"{len(lost)} acknowledged versions missing, e.g. {lost[:3]}")
    return problems

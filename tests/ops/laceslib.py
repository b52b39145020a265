"""What the operations tests share: free ports, waiting, HTTP with JSON, and a load of two
writers (telemetry batches and twin versions) that records every write the server
acknowledged and every answer it gave."""

import json
import socket
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

#!/usr/bin/python3
"""End-to-end check of the shipped monitoring files against a real laces-server.

    prometheus_scrape.py --server-binary build/server/laces-server --source-dir .

Starts laces-server (embedded PostgreSQL in a temporary data directory, TLS with a
self-signed certificate, maintenance agent every 5 s), sends a little traffic, starts
Prometheus scraping it every second with packaging/prometheus/laces-rules.yml loaded, and
then asks Prometheus's HTTP API to evaluate

  * every expression of every panel target of every dashboard in packaging/grafana/
    (template variables substituted: $job -> laces, $instance -> .*, $__rate_interval ->
    1m, $__interval -> 15s, $__range -> 5m, also in the ${var} and ${var:format} forms),
    and the metric selector of every label_values() template variable;
  * every rule expression of laces-rules.yml.

Each must parse and return at least one series, so a misspelt metric or label, or a
metric the server does not export, fails the test.  An alert expression compares against
a threshold and returns nothing while all is well, so rule expressions are decomposed
first (see decompose()): the sides of a top-level and/or/unless are checked separately,
and a top-level comparison is replaced by its operands (for `A > 0.05` the expression `A`
is evaluated, for `A > 3 * B` both `A` and `3 * B`); operands that are plain numbers are
skipped.  The whole rule expression must still parse.  Finally /api/v1/rules must list
every rule of the file with health "ok" and no lastError.

--no-tls runs without a certificate (a server built without --tls-cert); the TLS rule and
panel are then skipped.  --parse-only needs no server at all: it starts Prometheus alone
and only checks that every expression parses (an empty result is fine then).

Only the standard library and PyYAML (Debian python3-yaml) are used; prometheus and
openssl must be on PATH.  Exits 1 naming every failing expression.
"""

import argparse
import glob
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("prometheus_scrape: FAIL: PyYAML is missing (apt-get install python3-yaml)")

PROG = "prometheus_scrape"
JOB = "laces"
TLS_METRIC = "laces_tls_certificate_expiry_timestamp_seconds"

# Grafana template variables and their values for the check.
VARIABLES = {
    "job": JOB,
    "instance": ".*",
    "__rate_interval": "1m",
    "__interval": "15s",
    "__interval_ms": "15000",
    "__range": "5m",
    "__range_s": "300",
    "__range_ms": "300000",
}


def log(message):
    print(f"{PROG}: {message}", flush=True)


class Failure(Exception):
    pass


# --------------------------------------------------------------------------- PromQL

TOKEN_RE = re.compile(r"""
    (?P<ws>\s+|\#[^\n]*)
  | (?P<string>"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`)
  | (?P<number>0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:[a-zA-Z]+\d*)*|[iI]nf\b|NaN\b)
  | (?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
  | (?P<op>==|!=|<=|>=|=~|!~|[-+*/%^<>=,(){}\[\]@])
""", re.VERBOSE)

# Binary operators by precedence, lowest first (PromQL: or < and/unless < comparisons
# < +,- < *,/,%,atan2 < ^).
PRECEDENCE = [
    {"or"},
    {"and", "unless"},
    {"==", "!=", "<=", "<", ">=", ">"},
    {"+", "-"},
    {"*", "/", "%", "atan2"},
    {"^"},
]
BINARY = set().union(*PRECEDENCE)
COMPARISON = PRECEDENCE[2]
OPEN, CLOSE = "([{", ")]}"


def tokenize(expr):
    tokens, pos = [], 0
    while pos < len(expr):
        m = TOKEN_RE.match(expr, pos)
        if not m:
            raise Failure(f"cannot tokenize {expr[pos:pos + 20]!r} in {expr!r}")
        if m.lastgroup != "ws":
            tokens.append((m.lastgroup, m.group(), m.start(), m.end()))
        pos = m.end()
    return tokens


def top_level_operators(tokens):
    """(index, operator) of the binary operators outside any brackets."""
    found, depth, prev = [], 0, None
    for i, (kind, text, _, _) in enumerate(tokens):
        if text in OPEN and kind == "op":
            depth += 1
        elif text in CLOSE and kind == "op":
            depth -= 1
        elif depth == 0 and text in BINARY and (kind == "op" or kind == "ident"):
            # + and - are unary unless they follow an operand.
            operand_before = prev is not None and (
                prev[0] in ("number", "string") or (prev[0] == "op" and prev[1] in CLOSE)
                or (prev[0] == "ident" and prev[1] not in BINARY and prev[1] != "bool"))
            if text in ("+", "-") and not operand_before:
                pass
            elif operand_before:
                found.append((i, text))
        prev = (kind, text)
    return found


def strip_parens(expr):
    expr = expr.strip()
    while expr.startswith("("):
        tokens = tokenize(expr)
        depth = 0
        for i, (kind, text, _, _) in enumerate(tokens):
            if kind == "op" and text in OPEN:
                depth += 1
            elif kind == "op" and text in CLOSE:
                depth -= 1
                if depth == 0 and i != len(tokens) - 1:
                    return expr
        expr = expr[1:-1].strip()
    return expr


def right_operand_start(tokens, i):
    """Token index where the right operand of the operator at i starts (after bool,
    on(...)/ignoring(...), group_left(...)/group_right(...))."""
    j = i + 1
    while j < len(tokens) and tokens[j][0] == "ident" and tokens[j][1] in (
            "bool", "on", "ignoring", "group_left", "group_right"):
        j += 1
        if j < len(tokens) and tokens[j][1] == "(":
            depth = 0
            while j < len(tokens):
                if tokens[j][1] == "(":
                    depth += 1
                elif tokens[j][1] == ")":
                    depth -= 1
                    if depth == 0:
                        j += 1
                        break
                j += 1
    return j


def is_number_only(expr):
    return all(kind == "number" or (kind == "op" and text in "+-*/%^()")
               for kind, text, _, _ in tokenize(expr))


def decompose(expr):
    """The expressions that must return series when a rule's expression is healthy.

    A top-level `X and Y`, `X or Y`, `X unless Y` -> decompose(X) + decompose(Y).
    A top-level comparison `X > Y` -> decompose(X) + decompose(Y), where a side that is
    only numbers (`0.05`, `14 * 86400`) is dropped; bool modifiers and vector matching
    clauses are left out.  Anything else (arithmetic, functions, selectors) is kept whole.
    """
    expr = strip_parens(expr)
    tokens = tokenize(expr)
    ops = top_level_operators(tokens)
    for level in PRECEDENCE[:3]:
        at_level = [(i, op) for i, op in ops if op in level]
        if not at_level:
            continue
        i, _ = at_level[-1]  # left-associative: the last one splits first
        left = expr[:tokens[i][2]]
        j = right_operand_start(tokens, i)
        right = expr[tokens[j][2]:] if j < len(tokens) else ""
        parts = []
        for side in (left, right):
            if side.strip() and not is_number_only(side):
                parts.extend(decompose(side))
        return parts
    return [expr]


def substitute(expr, where):
    def value(m):
        name = m.group(1) or m.group(2) or m.group(3)
        if name not in VARIABLES:
            raise Failure(f"{where}: unknown template variable ${name} in {expr!r}")
        return VARIABLES[name]
    return re.sub(r"\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)\]\]", value, expr)


# --------------------------------------------------------------------------- inputs

def dashboard_expressions(source_dir):
    """[(where, expr)] of panel targets and [(where, selector)] of label_values() variables."""
    files = sorted(glob.glob(os.path.join(source_dir, "packaging", "grafana", "*.json")))
    if not files:
        raise Failure(f"no dashboards in {source_dir}/packaging/grafana")
    targets, selectors = [], []

    def walk_panels(name, panels):
        for panel in panels:
            for k, target in enumerate(panel.get("targets") or []):
                expr = target.get("expr")
                if expr and not target.get("hide"):
                    where = f"{name}: panel \"{panel.get('title')}\" target {target.get('refId', k)}"
                    targets.append((where, substitute(expr, where)))
            walk_panels(name, panel.get("panels") or [])

    for path in files:
        name = os.path.basename(path)
        with open(path, encoding="utf-8") as f:
            dashboard = json.load(f)
        walk_panels(name, dashboard.get("panels") or [])
        for var in (dashboard.get("templating") or {}).get("list") or []:
            if var.get("type") != "query":
                continue
            query = var.get("query")
            if isinstance(query, dict):
                query = query.get("query")
            m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\s*\)\s*", query or "", re.S)
            if m:
                where = f"{name}: variable ${var.get('name')}"
                selectors.append((where, substitute(m.group(1), where), m.group(2)))
    return files, targets, selectors


def rule_expressions(rules_file):
    with open(rules_file, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    rules = []
    for group in doc.get("groups") or []:
        for rule in group.get("rules") or []:
            name = rule.get("alert") or rule.get("record")
            rules.append((group.get("name"), name, rule["expr"].strip()))
    if not rules:
        raise Failure(f"no rules in {rules_file}")
    return rules


# --------------------------------------------------------------------------- processes

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path, lines=40):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f"    | {line}" for line in f.readlines()[-lines:])
    except OSError:
        return ""


class Http:
    """One request per connection with http.client.  Not urllib: it always sends
    "Connection: close", and this checks monitoring, not connection handling."""

    def __init__(self, base, tls):
        self.base = base
        parts = urllib.parse.urlsplit(base)
        self.host, self.port, self.tls = parts.hostname, parts.port, tls
        self.context = None
        if tls:
            self.context = ssl.create_default_context()
            self.context.check_hostname = False
            self.context.verify_mode = ssl.CERT_NONE

    def request(self, method, path, body=None, timeout=10):
        data = json.dumps(body).encode() if body is not None else None
        if self.tls:
            conn = http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=self.context)
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            headers = {"Content-Type": "application/json"} if data is not None else {}
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.read()
        except http.client.HTTPException as e:
            raise OSError(f"{method} {self.base}{path}: {e!r}") from e
        finally:
            conn.close()


def stop(process, name, timeout, signum=signal.SIGTERM):
    """Stops a process this script started; returns True if it ended by itself in time."""
    if process is None or process.poll() is not None:
        return True
    process.send_signal(signum)
    try:
        process.wait(timeout)
        return True
    except subprocess.TimeoutExpired:
        log(f"{name} (pid {process.pid}) did not stop within {timeout} s: killing it")
        process.kill()
        process.wait()
        return False


def stop_orphan_postmasters(data_dir):
    """After a SIGKILLed server: fast-shutdown the PostgreSQL it left in our temp dir."""
    for pid_file in glob.glob(os.path.join(data_dir, "**", "postmaster.pid"), recursive=True):
        try:
            with open(pid_file) as f:
                pid = int(f.readline())
            os.kill(pid, signal.SIGINT)
            log(f"stopped the orphaned postmaster {pid} ({pid_file})")
        except (OSError, ValueError):
            pass


# --------------------------------------------------------------------------- Prometheus API

class Prometheus:
    def __init__(self, port):
        self.http = Http(f"http://127.0.0.1:{port}", tls=False)

    def get(self, path, **params):
        query = urllib.parse.urlencode(params, doseq=True)
        status, body = self.http.request("GET", f"{path}?{query}" if query else path)
        try:
            doc = json.loads(body)
        except ValueError:
            doc = {"status": "error", "error": body[:200].decode(errors="replace")}
        if status != 200 and doc.get("status") == "success":
            doc = {"status": "error", "error": f"HTTP {status}"}
        return doc

    def query(self, expr):
        """(ok, series count, error)."""
        doc = self.get("/api/v1/query", query=expr)
        if doc.get("status") != "success":
            return False, 0, f"{doc.get('errorType', 'error')}: {doc.get('error')}"
        data = doc["data"]
        if data["resultType"] in ("scalar", "string"):
            return True, 1, None
        return True, len(data["result"]), None

    def scalar(self, expr):
        doc = self.get("/api/v1/query", query=expr)
        try:
            return float(doc["data"]["result"][0]["value"][1])
        except (KeyError, IndexError, TypeError, ValueError):
            return None


def write_prometheus_config(path, rules_file, target, tls):
    scrape = {"job_name": JOB, "metrics_path": "/metrics",
              "static_configs": [{"targets": [target] if target else []}]}
    if tls:
        scrape["scheme"] = "https"
        scrape["tls_config"] = {"insecure_skip_verify": True}
    config = {"global": {"scrape_interval": "1s", "evaluation_interval": "1s", "scrape_timeout": "1s"},
              "rule_files": [rules_file], "scrape_configs": [scrape]}
    with open(path, "w") as f:
        yaml.safe_dump(config, f, sort_keys=False)


# --------------------------------------------------------------------------- main

def send_traffic(server):
    statuses = []
    for method, path, body in [
            ("GET", "/health", None), ("GET", "/version", None), ("GET", "/metrics", None),
            ("GET", "/openapi.json", None),
            ("GET", "/no-such-route", None), ("GET", "/twins/not-a-uuid", None), ("GET", "/nope/nope", None),
            ("POST", "/auth/login", {"username": "nobody", "password": "wrong-password"}),
            ("POST", "/auth/login", {"username": "admin", "password": "not-the-password"})]:
        try:
            status, _ = server.request(method, path, body)
        except OSError as e:
            raise Failure(f"{method} {path} failed: {e}")
        statuses.append(status)
    return statuses


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server-binary", help="laces-server to test")
    parser.add_argument("--source-dir", required=True, help="the repository (packaging/ is read from it)")
    parser.add_argument("--no-tls", action="store_true", help="run the server without --tls-cert")
    parser.add_argument("--parse-only", action="store_true",
                        help="no server: only check that every expression parses")
    parser.add_argument("--prometheus", default=shutil.which("prometheus") or "prometheus")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--settle-s", type=float, default=60,
                        help="how long to retry expressions that return nothing yet (default 60)")
    args = parser.parse_args()
    if not args.parse_only and not args.server_binary:
        parser.error("--server-binary is required unless --parse-only")

    source_dir = os.path.abspath(args.source_dir)
    rules_file = os.path.join(source_dir, "packaging", "prometheus", "laces-rules.yml")
    tls = not args.no_tls and not args.parse_only

    # SIGTERM (e.g. a ctest timeout) still stops the children.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(f"{PROG}: FAIL: terminated"))

    tmp = tempfile.mkdtemp(prefix="laces-prom-")
    # As root the embedded cluster runs as 'postgres', which must be able to enter tmp.
    os.chmod(tmp, 0o711)
    data_dir = os.path.join(tmp, "data")
    server_log, prom_log = os.path.join(tmp, "server.log"), os.path.join(tmp, "prometheus.log")
    server_proc = prom_proc = None
    failures = []
    ok = False
    try:
        _, panel_exprs, selectors = dashboard_expressions(source_dir)
        rules = rule_expressions(rules_file)

        target = None
        if not args.parse_only:
            port = free_port()
            cmd = [args.server_binary, "--data-dir", data_dir, "--bind", "127.0.0.1", "--port", str(port),
                   "--agent-interval-s", "5"]
            if tls:
                cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
                subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
                                "-subj", "/CN=localhost", "-keyout", key, "-out", cert],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                cmd += ["--tls-cert", cert, "--tls-key", key]
            scheme = "https" if tls else "http"
            log(f"starting {' '.join(cmd)}")
            with open(server_log, "w") as out:
                server_proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            server = Http(f"{scheme}://127.0.0.1:{port}", tls)
            deadline = time.monotonic() + 120  # the first start runs initdb
            while True:
                if server_proc.poll() is not None:
                    raise Failure(f"laces-server exited with {server_proc.returncode} before /health "
                                  f"answered:\n{tail(server_log)}")
                try:
                    if server.request("GET", "/health", timeout=2)[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise Failure(f"GET /health did not answer 200 within 120 s:\n{tail(server_log)}")
                time.sleep(0.5)
            log(f"laces-server ready on {scheme}://127.0.0.1:{port}; traffic: {send_traffic(server)}")
            target = f"127.0.0.1:{port}"

        prom_port = free_port()
        prom_config = os.path.join(tmp, "prometheus.yml")
        write_prometheus_config(prom_config, rules_file, target, tls)
        with open(prom_log, "w") as out:
            prom_proc = subprocess.Popen(
                [args.prometheus, f"--config.file={prom_config}", f"--storage.tsdb.path={tmp}/tsdb",
                 f"--web.listen-address=127.0.0.1:{prom_port}", "--storage.tsdb.retention.time=1h"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        prom = Prometheus(prom_port)
        deadline = time.monotonic() + 60
        while True:
            if prom_proc.poll() is not None:
                raise Failure(f"prometheus exited with {prom_proc.returncode}:\n{tail(prom_log)}")
            try:
                if prom.http.request("GET", "/-/ready", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise Failure(f"prometheus not ready within 60 s:\n{tail(prom_log)}")
            time.sleep(0.5)
        log(f"prometheus ready on 127.0.0.1:{prom_port}")

        if not args.parse_only:
            # At least 5 successful scrapes; more traffic in between so counters move.
            deadline = time.monotonic() + 60
            sent_again = False
            while True:
                scrapes = prom.scalar(f'sum_over_time(up{{job="{JOB}"}}[5m])') or 0
                if scrapes >= 3 and not sent_again:
                    send_traffic(server)
                    sent_again = True
                if scrapes >= 5:
                    break
                if time.monotonic() > deadline:
                    targets = prom.get("/api/v1/targets").get("data", {}).get("activeTargets", [])
                    errors = "; ".join(f"{t.get('scrapeUrl')}: {t.get('health')} {t.get('lastError')}"
                                       for t in targets)
                    raise Failure(f"fewer than 5 successful scrapes within 60 s ({scrapes:.0f}): {errors}")
                time.sleep(1)
            log(f"{scrapes:.0f} scrapes done")

        # (where, expression, must return series)
        checks = []
        for where, expr in panel_exprs:
            checks.append((where, expr, True))
        for group, name, expr in rules:
            checks.append((f"rule {name}", expr, False))  # the whole expression: parses
            for part in decompose(expr):
                checks.append((f"rule {name} (operand)", part, True))
        skipped = []
        if not tls and not args.parse_only:
            skipped = [c for c in checks if TLS_METRIC in c[1] and c[2]]
            checks = [c for c in checks if not (TLS_METRIC in c[1] and c[2])]
        if args.parse_only:
            checks = [(w, e, False) for w, e, _ in checks]

        pending = list(checks)
        settle_deadline = time.monotonic() + args.settle_s
        while True:
            empty = []
            for where, expr, needs_series in pending:
                parsed, count, error = prom.query(expr)
                if not parsed:
                    failures.append(f"{where}: does not evaluate ({error}):\n      {expr}")
                elif needs_series and count == 0:
                    empty.append((where, expr, needs_series))
            if not empty or time.monotonic() > settle_deadline:
                break
            pending = empty  # gauges sampled every 15 s may not be there yet
            time.sleep(2)
        for where, expr, _ in empty:
            failures.append(f"{where}: returns no series:\n      {expr}")

        for where, selector, label in selectors:
            doc = prom.get("/api/v1/series", **{"match[]": selector})
            if doc.get("status") != "success":
                failures.append(f"{where}: bad selector {selector!r}: {doc.get('error')}")
            elif not args.parse_only and not any(label in s for s in doc["data"]):
                failures.append(f"{where}: no series {selector} with label {label}")

        # Every rule loaded and evaluated without error.
        names = {name for _, name, _ in rules}
        deadline = time.monotonic() + 30
        while True:
            doc = prom.get("/api/v1/rules")
            listed = {r["name"]: r for g in doc.get("data", {}).get("groups", []) for r in g.get("rules", [])}
            unknown = [n for n in names if listed.get(n, {}).get("health") == "unknown"]
            if not unknown or time.monotonic() > deadline:
                break
            time.sleep(1)
        for name in sorted(names):
            rule = listed.get(name)
            if rule is None:
                failures.append(f"rule {name}: not listed by /api/v1/rules")
            elif rule.get("health") != "ok" or rule.get("lastError"):
                failures.append(f"rule {name}: health {rule.get('health')!r}, lastError {rule.get('lastError')!r}")

        series_checked = sum(1 for c in checks if c[2])
        log(f"{len(checks)} expressions evaluated ({len(panel_exprs)} dashboard targets, {len(rules)} rules, "
            f"{series_checked} required to return series), {len(selectors)} variable selectors, "
            f"{len(names)} rules' health" + (f"; skipped without TLS: {len(skipped)}" if skipped else ""))
        ok = not failures
    except Failure as e:
        failures.append(str(e))
    finally:
        if not stop(prom_proc, "prometheus", 20):
            failures.append("prometheus did not stop on SIGTERM within 20 s")
        if server_proc is not None:
            if not stop(server_proc, "laces-server", 60):
                failures.append("laces-server did not stop on SIGTERM within 60 s")
                stop_orphan_postmasters(data_dir)
            elif server_proc.returncode not in (0, None):
                failures.append(f"laces-server exited with {server_proc.returncode} on SIGTERM:\n{tail(server_log)}")
        if args.keep or failures:
            log(f"logs and data kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        for f in failures:
            print(f"{PROG}: FAIL: {f}", file=sys.stderr)
        print(f"{PROG}: {len(failures)} failure(s)", file=sys.stderr)
        return 1
    log("PASS" if ok else "done")
    return 0


if __name__ == "__main__":
    sys.exit(main())

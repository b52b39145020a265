#!/usr/bin/env bash
# Runs the README's Quick start set-up command, ./scripts/run.sh, as a new user would on a
# machine without a display (and, in CI, right after the DEB packages were installed and
# removed, which leaves the service's /var/lib/laces behind): it must reach "ready",
# answer /health with the demo data loaded, and stop cleanly on Ctrl+C (SIGINT).
#   tests/quickstart.sh [TIMEOUT_S]
set -euo pipefail
cd "$(dirname "$0")/.."

timeout_s="${1:-900}"
fail() {
    echo "quickstart: FAIL: $*" >&2
    [ -n "${log:-}" ] && [ -f "$log" ] && sed 's/^/quickstart:   | /' "$log" | tail -40 >&2
    exit 1
}

# A free port: run.sh's default 8000 may be taken on a developer's machine.
port=""
for _ in $(seq 1 50); do
    candidate=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/${candidate}") 2>/dev/null; then
        port=$candidate
        break
    fi
done
[ -n "$port" ] || fail "no free port found"
url="http://127.0.0.1:${port}"
log=$(mktemp /tmp/laces-quickstart.XXXXXX)
cleanup() {
    if [ -n "${pid:-}" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -f "$log"
}
trap cleanup EXIT

echo "quickstart: ./scripts/run.sh without a display, LACES_PORT=${port}"
env -u DISPLAY -u WAYLAND_DISPLAY LACES_PORT="$port" ./scripts/run.sh >"$log" 2>&1 &
pid=$!

deadline=$((SECONDS + timeout_s))
until grep -q "ready at ${url}" "$log"; do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" || true; fail "run.sh stopped before the server was ready"; }
    [ "$SECONDS" -lt "$deadline" ] || fail "the server was not ready within ${timeout_s} s"
    sleep 0.5
done
data_dir=$(sed -n 's/^run: demo data in \(.*\) (set LACES_DATA_DIR.*/\1/p' "$log" | head -1)
echo "quickstart: ready at ${url}, demo data in ${data_dir}"

health=$(curl -fsS "${url}/health") || fail "GET /health failed"
grep -q '"database":"ok"' <<<"$health" || fail "GET /health: ${health}"
login=$(curl -fsS -H 'Content-Type: application/json' \
    -d '{"username": "engineer", "password": "demo-engineer"}' "${url}/auth/login") ||
    fail "the demo user engineer cannot log in"
token=$(sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' <<<"$login")
[ -n "$token" ] || fail "no access token in ${login}"
twins=$(curl -fsS -H "Authorization: Bearer ${token}" "${url}/twins") || fail "GET /twins failed"
grep -q '"name":"2-Cylinder Engine"' <<<"$twins" || fail "the demo twin is missing: ${twins}"
grep -q '"component_count":67' <<<"$twins" || fail "the demo twin has no model: ${twins}"
nodes=$(curl -fsS -H "Authorization: Bearer ${token}" "${url}/nodes?per_page=200") || fail "GET /nodes failed"
grep -q '"total":24' <<<"$nodes" || fail "the demo fleet is incomplete: ${nodes:0:300}"
echo "quickstart: /health ok; demo twin with 67 components and 24 machine nodes"

# Ctrl+C in the terminal: run.sh has become the server (exec), which stops cleanly.
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
pid=""
[ "$rc" -eq 0 ] || fail "the server exited with ${rc} on SIGINT"
grep -q "stopped the embedded PostgreSQL cluster" "$log" || fail "the database cluster was not stopped"
[ -z "$data_dir" ] || [ ! -e "${data_dir}/postgres/postmaster.pid" ] || fail "a postmaster was left running in ${data_dir}"
echo "quickstart: stopped cleanly on SIGINT"

#!/usr/bin/env bash
# Backup and restore of a 10-million-row telemetry database: laces-server backup (pg_dump
# custom format, the server running) and restore (into an empty data directory), timed,
# next to the baseline of reading the same rows out with psql \copy in the same run.
# The rows are written with one INSERT … SELECT from generate_series (ten nodes, a sample
# every 100 ms each, eight metrics), the fastest way to a database of that size.
# Run: tests/bench/bench_backup.sh build/server/laces-server [rows, default 10000000]
set -euo pipefail
server=${1:?usage: bench_backup.sh LACES_SERVER_BINARY [rows]}
rows=${2:-10000000}
work=$(mktemp -d /tmp/laces-bench-backup-XXXXXX)
chmod 711 "$work"
cleanup() {
    [ -n "${laces_pid:-}" ] && kill "$laces_pid" 2>/dev/null && wait "$laces_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$server" --data-dir "$work/data" --port "$port" --access-log off --agent-interval-s 0 --rate-limit-per-min 0 \
    >"$work/laces.log" 2>&1 &
laces_pid=$!
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
base="http://127.0.0.1:$port"
curl -sf -o /dev/null -X POST "$base/auth/register" -H 'Content-Type: application/json' \
    -d '{"username":"bench","email":"bench@example.org","password":"bench-password-1"}'
token=$(curl -sf -X POST "$base/auth/login" -H 'Content-Type: application/json' \
    -d '{"username":"bench","password":"bench-password-1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
for i in $(seq 10); do
    curl -sf -o /dev/null -X POST "$base/nodes" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d "{\"name\":\"pump-$i\",\"type\":\"pump\",\"latitude\":48.1,\"longitude\":11.5}"
done
db="host=$work/data/postgres dbname=laces user=laces"
psql_() { psql -X -q -At "$db" "$@"; }
start=$(date +%s.%N)
psql_ -c "INSERT INTO telemetry_data (node_id, time, boot_epoch, seq, vibration_x_g, vibration_y_g, current_a,
                                       pressure_bar, temperature_c, thermocouple_c, voltage_v, flow_lpm)
          SELECT n.id, now() - interval '100 milliseconds' * (g / 10), 1, g,
                 0.2 + (g % 97) * 0.001, 0.25 + (g % 89) * 0.001, 2.1 + (g % 53) * 0.01, 0.5 + (g % 41) * 0.01,
                 70 + (g % 600) * 0.01, 27 + (g % 300) * 0.01, 230 + (g % 17) * 0.1, 32 + (g % 29) * 0.05
          FROM generate_series(1, $rows) g
          JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM machine_nodes) n ON n.k = g % 10"
loaded=$(psql_ -c "SELECT count(*) FROM telemetry_data")
size=$(psql_ -c "SELECT pg_size_pretty(pg_database_size('laces'))")
echo "loaded $loaded rows in $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s; database $size"

t0=$(date +%s.%N)
psql_ -c "\\copy (SELECT * FROM telemetry_data) TO '/dev/null'"
t1=$(date +%s.%N)
"$server" backup --data-dir "$work/data" --to "$work/laces.dump" >"$work/backup.log"
t2=$(date +%s.%N)
"$server" restore --data-dir "$work/restored" "$work/laces.dump" >"$work/restore.log" 2>&1
t3=$(date +%s.%N)
dump_size=$(du -h "$work/laces.dump" | cut -f1)
python3 - "$t0" "$t1" "$t2" "$t3" "$loaded" "$dump_size" <<'PY'
import sys
t0, t1, t2, t3 = map(float, sys.argv[1:5])
rows, dump = int(sys.argv[5]), sys.argv[6]
copy, backup, restore = t1 - t0, t2 - t1, t3 - t2
print(f"psql \\copy of telemetry_data to /dev/null (baseline): {copy:.1f} s ({rows / copy:,.0f} rows/s)")
print(f"laces-server backup (server running):                 {backup:.1f} s ({rows / backup:,.0f} rows/s), dump {dump}"
      f"  ratio to the baseline {backup / copy:.1f}")
print(f"laces-server restore (empty data directory):           {restore:.1f} s ({rows / restore:,.0f} rows/s)"
      f"  ratio to the baseline {restore / copy:.1f}")
PY
# A server on the restored directory has every row.
port2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$server" --data-dir "$work/restored" --port "$port2" --access-log off --agent-interval-s 0 >"$work/restored.log" 2>&1 &
restored_pid=$!
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$port2/health" >/dev/null && break; sleep 0.5; done
restored_rows=$(psql -X -q -At -c "SELECT count(*) FROM telemetry_data" "host=$work/restored/postgres dbname=laces user=laces")
kill "$restored_pid"; wait "$restored_pid" || true
echo "restored rows: $restored_rows of $loaded"
[ "$restored_rows" = "$loaded" ]

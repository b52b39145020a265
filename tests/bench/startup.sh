#!/usr/bin/env bash
# Start-up cost of laces-server on its embedded PostgreSQL, against a baseline of bare
# PostgreSQL doing the same work in the same script:
#   cold  = first start in a new data directory (initdb, start, migrations, demo data)
#   warm  = a later start on the same directory
#   baseline cold = initdb + postgres until it accepts connections; baseline warm = postgres only
# Usage: tests/bench/startup.sh [build-dir] [runs]   (prints medians in milliseconds)
set -euo pipefail
build="${1:-build}"
runs="${2:-3}"
server="$build/server/laces-server"
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
[ -x "$server" ] || { echo "startup: build the server first ($server not found)" >&2; exit 2; }
as_postgres=()
[ "$(id -u)" -eq 0 ] && as_postgres=(runuser -u postgres --)

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

# Milliseconds from launch until GET /health answers 200; the server is then stopped.
time_server() {
    local dir=$1 port=$2 start end pid
    start=$(now_ms)
    "$server" --data-dir "$dir" --port "$port" --demo >"$dir.log" 2>&1 &
    pid=$!
    until curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || { echo "startup: server failed, see $dir.log" >&2; exit 1; }
        sleep 0.01
    done
    end=$(now_ms)
    kill -TERM "$pid"; wait "$pid" || true
    echo $((end - start))
}

time_bare() {
    local dir=$1 init=$2 start end pid
    start=$(now_ms)
    if [ "$init" = 1 ]; then
        mkdir -p "$dir"; [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
        "${as_postgres[@]}" "$bindir/initdb" -D "$dir/pg" -U laces --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    "${as_postgres[@]}" "$bindir/postgres" -D "$dir/pg" -c listen_addresses= -c "unix_socket_directories=$dir/pg" \
        >"$dir.log" 2>&1 &
    pid=$!
    until "$bindir/pg_isready" -q -h "$dir/pg" -U laces 2>/dev/null; do sleep 0.01; done
    end=$(now_ms)
    # runuser does not pass signals on: stop the postmaster itself (fast shutdown).
    kill -INT "$(head -n 1 "$dir/pg/postmaster.pid")"; wait "$pid" || true
    echo $((end - start))
}

work=$(mktemp -d /tmp/laces-bench-XXXXXX)
chmod 0711 "$work"
trap 'rm -rf "$work"' EXIT
cold=(); warm=(); bcold=(); bwarm=()
for i in $(seq 1 "$runs"); do
    cold+=("$(time_server "$work/s$i" $((18700 + i)))")
    warm+=("$(time_server "$work/s$i" $((18700 + i)))")
    bcold+=("$(time_bare "$work/b$i" 1)")
    bwarm+=("$(time_bare "$work/b$i" 0)")
done
c=$(printf '%s\n' "${cold[@]}" | median); w=$(printf '%s\n' "${warm[@]}" | median)
bc=$(printf '%s\n' "${bcold[@]}" | median); bw=$(printf '%s\n' "${bwarm[@]}" | median)
echo "laces-server cold start (initdb + migrations + demo data, to /health 200): ${c} ms  [runs: ${cold[*]}]"
echo "laces-server warm start (existing cluster, to /health 200):                ${w} ms  [runs: ${warm[*]}]"
echo "baseline bare PostgreSQL cold (initdb + postgres ready):                   ${bc} ms  [runs: ${bcold[*]}]"
echo "baseline bare PostgreSQL warm (postgres ready):                            ${bw} ms  [runs: ${bwarm[*]}]"
awk -v c="$c" -v w="$w" -v bc="$bc" -v bw="$bw" 'BEGIN {
    printf "ratio cold/baseline cold: %.2f   warm/baseline warm: %.2f\n", c / bc, w / bw }'

#!/usr/bin/env bash
# Sets up and runs LACES Genesis on a Debian 12 machine: installs the Debian packages it
# needs, builds it, starts laces-server on its embedded PostgreSQL with the demo data and,
# when a display exists, opens the desktop app connected to it. Without a display the
# server stays in the foreground; stop it with Ctrl+C.
#   LACES_PORT (default 8000) and LACES_DATA_DIR choose the port and the data directory.
# The demo keeps its data apart from an installed laces-server service (/var/lib/laces):
# by default in /var/lib/laces-demo as root, else in ~/.local/share/laces-demo.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
./scripts/build.sh

port="${LACES_PORT:-8000}"
url="http://127.0.0.1:${port}"
if [ -z "${LACES_DATA_DIR:-}" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        LACES_DATA_DIR=/var/lib/laces-demo
    else
        LACES_DATA_DIR="${XDG_DATA_HOME:-$HOME/.local/share}/laces-demo"
    fi
fi
export LACES_DATA_DIR
echo "run: demo data in ${LACES_DATA_DIR} (set LACES_DATA_DIR to choose another directory)."
server=(build/server/laces-server --demo --port "$port" --data-dir "$LACES_DATA_DIR")

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "run: no display found (DISPLAY and WAYLAND_DISPLAY are unset), so the desktop app is not"
    echo "run: started; laces-server runs in the foreground at ${url} (Ctrl+C stops it)."
    echo "run: demo users: admin, engineer, operator, viewer with password demo-<username>."
    exec "${server[@]}"
fi

"${server[@]}" &
server_pid=$!
trap 'kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 240); do
    if curl -fsS "${url}/health" >/dev/null 2>&1; then
        break
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "run: laces-server stopped during start-up; see the messages above." >&2
        exit 1
    fi
    sleep 0.5
done
echo "run: laces-server is ready at ${url}; opening the desktop app."
echo "run: demo users: admin, engineer, operator, viewer with password demo-<username>."
build/app/desktop/laces --server "$url" --user engineer

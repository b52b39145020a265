#!/usr/bin/env bash
# Installs the Debian 12 packages LACES needs to build, test and run.
# Works as root or as a normal user with sudo; does nothing when all are present.
set -euo pipefail

packages=(
    # toolchain
    build-essential cmake ninja-build pkg-config git file curl
    # Qt 6.4
    qt6-base-dev qt6-base-dev-tools qt6-httpserver-dev qt6-websockets-dev
    qt6-3d-dev qt6-charts-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-qpa-plugins qt6-translations-l10n libqt6sql6-sqlite libqt6opengl6-dev libgl-dev libgl1-mesa-dri
    # server and core libraries
    libpq-dev libsodium-dev libssl-dev libassimp-dev libeigen3-dev
    # embedded database
    postgresql
    # tests and packaging
    xvfb xauth appstream dpkg-dev rpm desktop-file-utils
    # the reverse proxy in front of two instances (packaging/nginx, tst_nginx)
    nginx-light
    # maintenance agent: geography in the database, the detector comparison, a real SMTP server in tests
    # (and openssl to make its STARTTLS certificate)
    postgresql-15-postgis-3 python3-sklearn python3-aiosmtpd openssl
    # edge agent: its SQLite buffer (libqt6sql6-sqlite above), the machine-side MQTT broker and client
    mosquitto mosquitto-clients libmosquitto-dev
    # operations: promtool and a real Prometheus, Patroni with etcd for failover, manifests linted
    prometheus patroni etcd-server etcd-client yamllint python3-yaml
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The OpenAPI validator (@redocly/cli) comes from npm; Debian's nodejs and npm bring npm
# where no Node.js is installed yet.
command -v npm >/dev/null || missing+=(nodejs npm)

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
else
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
        sudo=(sudo)
    fi
    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages pinned by tests/ops/package-lock.json, installed again only when it changed.
ops="$(dirname "$0")/../tests/ops"
stamp="$ops/node_modules/.laces-lock.sha256"
if [ ! -f "$stamp" ] || ! (cd "$ops" && sha256sum --quiet -c node_modules/.laces-lock.sha256 >/dev/null 2>&1); then
    echo "install-deps: npm ci in tests/ops"
    npm ci --prefix "$ops" --no-audit --no-fund --loglevel=error
    (cd "$ops" && sha256sum package-lock.json > node_modules/.laces-lock.sha256)
fi

#!/usr/bin/env bash
# Configures and builds LACES into ./build (Ninja, two jobs). LACES_WERROR=1 turns
# warnings into errors, as CI does.
set -euo pipefail
cd "$(dirname "$0")/.."

options=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr)
if [ "${LACES_WERROR:-0}" = 1 ]; then
    options+=(-DLACES_WERROR=ON)
else
    options+=(-DLACES_WERROR=OFF)
fi
cmake -S . -B build "${options[@]}" >/dev/null
cmake --build build -j2

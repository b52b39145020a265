#!/usr/bin/env bash
# Configures and builds LACES into ./build (Ninja, two jobs). LACES_WERROR=1 turns
# warnings into errors, as CI does; without it the build keeps its last setting, so that
# switching between run.sh and test.sh does not rebuild everything.
set -euo pipefail
cd "$(dirname "$0")/.."

options=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr)
case "${LACES_WERROR:-}" in
    1) options+=(-DLACES_WERROR=ON) ;;
    0) options+=(-DLACES_WERROR=OFF) ;;
esac
cmake -S . -B build "${options[@]}" >/dev/null
cmake --build build -j2

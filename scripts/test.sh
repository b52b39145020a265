#!/usr/bin/env bash
# Runs the whole test suite from a clean checkout: installs the Debian packages, builds
# with warnings as errors, builds and checks the packages, runs the Quick start's set-up
# command headless (tests/quickstart.sh), then runs every test suite
# (each starts its own throwaway PostgreSQL cluster and server on loopback; the GUI
# suites run under a virtual X display).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
LACES_WERROR=1 ./scripts/build.sh

# Packages: build the DEBs (and RPMs), check their dependencies and files; in CI, where
# we are root on a throwaway machine, also install them and run the installed programs.
if [ "${CI:-}" = true ] && [ "$(id -u)" -eq 0 ]; then
    LACES_INSTALL_DEB=1 ./packaging/check-deb.sh build
else
    ./packaging/check-deb.sh build
fi

# The Quick start's first command, headless, as a new user runs it (after the packages
# were installed and removed above, in CI): ready, demo data served, clean stop.
./tests/quickstart.sh

cd build
xvfb-run -a -s "-screen 0 1280x1024x24" ctest --output-on-failure -j2 --timeout 600

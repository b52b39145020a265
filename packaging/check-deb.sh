#!/usr/bin/env bash
# Builds the DEB (and, where rpmbuild exists, RPM) packages from a configured and built
# build directory and checks their dependencies and contents.
#
#   packaging/check-deb.sh BUILD_DIR
#
# Optional, as root only: LACES_INSTALL_DEB=1 also installs laces-server and laces-cli
# with apt-get, checks that both report the packaged version, and removes them again.
set -euo pipefail

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

if [ "$#" -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
[ -d "$1" ] || fail "build directory '$1' does not exist"
BUILD_DIR=$(cd "$1" && pwd)
[ -f "$BUILD_DIR/CPackConfig.cmake" ] ||
    fail "$BUILD_DIR has no CPackConfig.cmake: configure the project there first"

for tool in cpack dpkg-deb; do
    command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not installed"
done

# Packages from an earlier run stay in the build directory; only accept files that are
# newer than this marker.
MARKER=$(mktemp "$BUILD_DIR/.check-deb-marker.XXXXXX")
trap 'rm -f "$MARKER"' EXIT

# The newest package file matching a glob pattern, produced by this run.
package_file() { # pattern
    local pattern=$1 newest=""
    local f
    while IFS= read -r -d '' f; do
        if [ -z "$newest" ] || [ "$f" -nt "$newest" ]; then
            newest=$f
        fi
    done < <(find "$BUILD_DIR" -maxdepth 1 -type f -name "$pattern" -newer "$MARKER" -print0)
    printf '%s' "$newest"
}

# Package names in a Depends-style field, one a line, without version constraints.
dependency_names() { # field-value
    printf '%s\n' "$1" | tr ',|' '\n' |
        sed -E 's/\([^)]*\)//g; s/\[[^]]*\]//g; s/<[^>]*>//g; s/[[:space:]]//g; s/:.*$//' |
        grep -v '^$' || true
}

# check_depends DEB "name1|alt1" "name2" ...: each argument must appear (one of its
# |-separated alternatives) among the package names of the Depends field.
check_depends() {
    local deb=$1
    shift
    local depends names wanted alt found
    depends=$(dpkg-deb -f "$deb" Depends 2>/dev/null || true)
    names=$(dependency_names "$depends")
    for wanted in "$@"; do
        found=""
        IFS='|' read -r -a alts <<<"$wanted"
        for alt in "${alts[@]}"; do
            if grep -qxF "$alt" <<<"$names"; then
                found=$alt
                break
            fi
        done
        if [ -n "$found" ]; then
            echo "  [ok]   Depends has ${wanted//|/ or } ($found)"
        else
            echo "  [FAIL] Depends has ${wanted//|/ or }"
            echo "         Depends: $depends" >&2
            fail "$(basename "$deb"): Depends lacks ${wanted//|/ or }"
        fi
    done
}

# check_files DEB path...: each path must be in the package's file list.
check_files() {
    local deb=$1
    shift
    local list path
    # dpkg-deb -c prints: mode owner/group size date time path [-> target]
    list=$(dpkg-deb -c "$deb" | sed -E 's/^([^[:space:]]+[[:space:]]+){5}//; s/ -> .*$//')
    for path in "$@"; do
        if grep -qxF "$path" <<<"$list"; then
            echo "  [ok]   contains $path"
        else
            echo "  [FAIL] contains $path"
            fail "$(basename "$deb") does not contain $path"
        fi
    done
}

# check_control_scripts DEB script...: each maintainer script must be in the package.
check_control_scripts() {
    local deb=$1
    shift
    local script
    for script in "$@"; do
        if dpkg-deb -I "$deb" "$script" >/dev/null 2>&1; then
            echo "  [ok]   has maintainer script $script"
        else
            echo "  [FAIL] has maintainer script $script"
            fail "$(basename "$deb") has no $script"
        fi
    done
}

print_size() { # file
    local bytes
    bytes=$(stat -c %s "$1")
    awk -v n="$(basename "$1")" -v b="$bytes" 'BEGIN { printf "  %-50s %10d bytes  %9.1f KiB\n", n, b, b / 1024 }'
}

# Whether CPack packages a component (LACES_BUILD_DESKTOP=OFF leaves out "desktop").
component_packaged() { # component
    grep -E '^set\(CPACK_COMPONENTS_ALL ' "$BUILD_DIR/CPackConfig.cmake" | grep -qw "$1"
}

# ---------------------------------------------------------------------------------------
echo "== cpack -G DEB in $BUILD_DIR"
(cd "$BUILD_DIR" && cpack -G DEB) || fail "cpack -G DEB failed"

SERVER_DEB=$(package_file 'laces-server_*.deb')
DESKTOP_DEB=$(package_file 'laces-desktop_*.deb')
CLI_DEB=$(package_file 'laces-cli_*.deb')
EDGE_DEB=$(package_file 'laces-edge_*.deb')
[ -n "$EDGE_DEB" ] || fail "cpack produced no laces-edge_*.deb"
[ -n "$SERVER_DEB" ] || fail "cpack produced no laces-server_*.deb"
[ -n "$CLI_DEB" ] || fail "cpack produced no laces-cli_*.deb"
if [ -z "$DESKTOP_DEB" ] && component_packaged desktop; then
    fail "cpack produced no laces-desktop_*.deb"
fi

echo "== $(basename "$SERVER_DEB")"
check_depends "$SERVER_DEB" libpq5 libsodium23 'libqt6core6|libqt6core6t64' postgresql
check_files "$SERVER_DEB" ./usr/bin/laces-server ./lib/systemd/system/laces-server.service \
    ./usr/share/laces/nginx/laces-tls.conf ./usr/share/laces/prometheus/laces-rules.yml \
    ./usr/share/laces/grafana/laces-api-performance.json ./usr/share/laces/openapi.json
check_control_scripts "$SERVER_DEB" postinst postrm

if [ -n "$DESKTOP_DEB" ]; then
    echo "== $(basename "$DESKTOP_DEB")"
    check_depends "$DESKTOP_DEB" qt6-qpa-plugins 'libqt6widgets6|libqt6widgets6t64'
    check_files "$DESKTOP_DEB" ./usr/bin/laces \
        ./usr/share/applications/org.laces.Genesis.desktop \
        ./usr/share/metainfo/org.laces.Genesis.metainfo.xml \
        ./usr/share/icons/hicolor/scalable/apps/org.laces.Genesis.svg
else
    echo "== laces-desktop: not packaged (desktop component disabled), skipped"
fi

echo "== $(basename "$CLI_DEB")"
check_depends "$CLI_DEB" 'libqt6network6|libqt6network6t64|libqt6core6|libqt6core6t64'
check_files "$CLI_DEB" ./usr/bin/laces-cli

echo "== $(basename "$EDGE_DEB")"
check_depends "$EDGE_DEB" libmosquitto1 libqt6sql6-sqlite 'libqt6sql6|libqt6sql6t64' 'libqt6network6|libqt6network6t64'
check_files "$EDGE_DEB" ./usr/bin/laces-edge ./lib/systemd/system/laces-edge.service \
    ./usr/share/doc/laces-edge/edge.conf.example

echo "== DEB sizes"
for deb in "$SERVER_DEB" "$DESKTOP_DEB" "$CLI_DEB" "$EDGE_DEB"; do
    if [ -n "$deb" ]; then
        print_size "$deb"
    fi
done

# ---------------------------------------------------------------------------------------
if command -v rpmbuild >/dev/null 2>&1; then
    command -v rpm >/dev/null 2>&1 || fail "rpmbuild is installed but rpm is not"
    echo "== cpack -G RPM in $BUILD_DIR"
    (cd "$BUILD_DIR" && cpack -G RPM) || fail "cpack -G RPM failed"
    SERVER_RPM=$(package_file 'laces-server-*.rpm')
    [ -n "$SERVER_RPM" ] || fail "cpack produced no laces-server-*.rpm"
    echo "== $(basename "$SERVER_RPM")"
    if rpm -qpl "$SERVER_RPM" 2>/dev/null | grep -qxF /usr/bin/laces-server; then
        echo "  [ok]   contains /usr/bin/laces-server"
    else
        echo "  [FAIL] contains /usr/bin/laces-server"
        fail "$(basename "$SERVER_RPM") does not contain /usr/bin/laces-server"
    fi
    echo "== RPM sizes"
    for pattern in 'laces-server-*.rpm' 'laces-desktop-*.rpm' 'laces-cli-*.rpm'; do
        rpm_file=$(package_file "$pattern")
        if [ -n "$rpm_file" ]; then
            print_size "$rpm_file"
        fi
    done
else
    echo "== rpmbuild not found: RPM packages skipped"
fi

# ---------------------------------------------------------------------------------------
if [ "${LACES_INSTALL_DEB:-}" = "1" ]; then
    [ "$(id -u)" -eq 0 ] || fail "LACES_INSTALL_DEB=1 needs root"
    installed=0
    remove_packages() {
        if [ "$installed" = 1 ]; then
            echo "== apt-get remove -y laces-server laces-cli laces-edge"
            apt-get remove -y laces-server laces-cli laces-edge || echo "warning: apt-get remove failed" >&2
            installed=0
        fi
    }
    trap 'remove_packages; rm -f "$MARKER"' EXIT

    # The upstream version: without epoch and Debian revision.
    deb_version=$(dpkg-deb -f "$SERVER_DEB" Version)
    expected=${deb_version#*:}
    expected=${expected%-*}
    [ -n "$expected" ] || fail "cannot read the Version field of $(basename "$SERVER_DEB")"

    echo "== apt-get install -y $(basename "$SERVER_DEB") $(basename "$CLI_DEB") $(basename "$EDGE_DEB")"
    installed=1
    (cd "$BUILD_DIR" && apt-get install -y "./$(basename "$SERVER_DEB")" "./$(basename "$CLI_DEB")" "./$(basename "$EDGE_DEB")") ||
        fail "apt-get install failed"

    for binary in /usr/bin/laces-server /usr/bin/laces-cli /usr/bin/laces-edge; do
        output=$("$binary" --version 2>&1) || fail "$binary --version exited non-zero: $output"
        if grep -qF "$expected" <<<"$output"; then
            echo "  [ok]   $binary --version: $output"
        else
            echo "  [FAIL] $binary --version: $output"
            fail "$binary --version does not print $expected"
        fi
    done
    remove_packages
fi

echo "== all package checks passed"

# scripts/lib.sh — shared helpers for the scripts (sourced, not run).
# shellcheck shell=bash

DW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DW_BUILD=${DW_BUILD:-$DW_ROOT/build}

say() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { say "ERROR $*"; exit 1; }

# Configure and build into $DW_BUILD (extra cmake arguments pass through).
dw_build() {
  cmake -S "$DW_ROOT" -B "$DW_BUILD" -DCMAKE_BUILD_TYPE="${DW_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null \
    || die "cmake configure failed"
  cmake --build "$DW_BUILD" -j"$(nproc)" -- --no-print-directory >/dev/null 2>"$DW_BUILD/build.log" || {
    cat "$DW_BUILD/build.log" >&2
    die "build failed"
  }
}

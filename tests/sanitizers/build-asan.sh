#!/usr/bin/env bash
# Configures (once) and builds the ASan+UBSan tree: what the asan tier runs (the unit and dataplane test executables,
# portunusd and the dataplane helpers), not the benchmarks nor the lab; gcc's -fsanitize=address,undefined.
# b_lundef=false: meson's --no-undefined clashes with the sanitizer runtimes' symbols in shared objects.
# -O1 -g1: the usual sanitizer build (line tables for the stack traces, inlining kept modest); it compiles in about
# two thirds of -O2 -g's time, and the tier's code runs fast enough (docs/hardening.md).
# werror=false: under -fsanitize=address,undefined gcc 12 reports false warnings in libstdc++ (-Wmaybe-uninitialized
# in std::regex, -Wstringop-overflow in std::vector::resize), which -Werror would turn into a failed build; the
# normal build keeps warnings as errors, so nothing is lost.
# -fno-sanitize-address-use-after-scope: with it gcc 12 is many times slower on functions with many temporaries
# (AdminRouterTest.cpp: 37 s without, 13 min with on a busy machine), more than the CI budget allows; ASan still
# catches heap/stack/global overflows, use-after-free, double free and leaks, UBSan undefined behaviour. The API
# server's library is built at -O0 (controlplane/meson.build).
# Usage: tests/sanitizers/build-asan.sh BUILD_DIR   (e.g. build-asan)
set -euo pipefail
abuild=${1:?asan build dir}
src=$(cd "$(dirname "$0")/../.." && pwd)
flags="-g1 -fno-sanitize-address-use-after-scope"
if [[ ! -f "$abuild/build.ninja" ]]; then
  meson setup "$abuild" "$src" -Db_sanitize=address,undefined -Db_lundef=false -Doptimization=1 -Dwerror=false \
    "-Dcpp_args=$flags" "-Dc_args=$flags"
else
  meson configure "$abuild" -Dwerror=false "-Dcpp_args=$flags" "-Dc_args=$flags"  # a tree configured earlier
fi
# Every linked executable but bench/'s (built by `make bench`) and the lab's (the tier drives the sanitized daemon
# with the normal build's portunus-lab, and leaves the lab's own unit tests out).
mapfile -t targets < <(ninja -C "$abuild" -t targets all |
  awk -F': ' '$2 == "cpp_LINKER" && $1 !~ /^(bench\/|lab\/|tests\/unit\/unit_lab_)/ {print $1}')
ninja -C "$abuild" -j"${NINJA_JOBS:-2}" "${targets[@]}"

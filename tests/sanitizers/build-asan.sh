#!/usr/bin/env bash
# Configures (once) and builds the ASan+UBSan tree: what the asan tier runs (the unit and dataplane test executables,
# portunusd, portunus-lab and the dataplane helpers), not the benchmarks; gcc's -fsanitize=address,undefined.
# b_lundef=false: meson's --no-undefined clashes with the sanitizer runtimes' symbols in shared objects.
# -O1 -g1: the usual sanitizer build (line tables for the stack traces, inlining kept modest); it compiles in about
# two thirds of -O2 -g's time, and the tier's code runs fast enough (docs/hardening.md).
# werror=false: under -fsanitize=address,undefined gcc 12 reports false warnings in libstdc++ (-Wmaybe-uninitialized
# in std::regex, -Wstringop-overflow in std::vector::resize), which -Werror would turn into a failed build; the
# normal build keeps warnings as errors, so nothing is lost.
# Usage: tests/sanitizers/build-asan.sh BUILD_DIR   (e.g. build-asan)
set -euo pipefail
abuild=${1:?asan build dir}
src=$(cd "$(dirname "$0")/../.." && pwd)
if [[ ! -f "$abuild/build.ninja" ]]; then
  meson setup "$abuild" "$src" -Db_sanitize=address,undefined -Db_lundef=false -Doptimization=1 -Dwerror=false \
    -Dcpp_args=-g1 -Dc_args=-g1
else
  meson configure "$abuild" -Dwerror=false -Dcpp_args=-g1 -Dc_args=-g1  # a tree configured by an older version
fi
# Every linked executable but bench/'s (built by `make bench`).
mapfile -t targets < <(ninja -C "$abuild" -t targets all | awk -F': ' '$2 == "cpp_LINKER" && $1 !~ /^bench\// {print $1}')
ninja -C "$abuild" -j"${NINJA_JOBS:-2}" "${targets[@]}"

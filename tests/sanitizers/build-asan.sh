#!/usr/bin/env bash
# Configures (once) and builds the ASan+UBSan tree: what the asan tier runs (the unit and dataplane test executables,
# portunusd, portunus-lab and the dataplane helpers), not the benchmarks; gcc's -fsanitize=address,undefined.
# b_lundef=false: meson's --no-undefined clashes with the sanitizer runtimes' symbols in shared objects.
# -O1 -g1: the usual sanitizer build (line tables for the stack traces, inlining kept modest); it compiles in about
# two thirds of -O2 -g's time, and the tier's code runs fast enough (docs/hardening.md).
# -Wno-maybe-uninitialized: under -fsanitize=address gcc 12 reports false "may be used uninitialized" in libstdc++
# (std::regex's std::function states), which -Werror would turn into a failed build; the normal build keeps it.
# Usage: tests/sanitizers/build-asan.sh BUILD_DIR   (e.g. build-asan)
set -euo pipefail
abuild=${1:?asan build dir}
src=$(cd "$(dirname "$0")/../.." && pwd)
flags="['-g1', '-Wno-maybe-uninitialized']"
if [[ ! -f "$abuild/build.ninja" ]]; then
  meson setup "$abuild" "$src" -Db_sanitize=address,undefined -Db_lundef=false -Doptimization=1 \
    "-Dcpp_args=$flags" "-Dc_args=$flags"
else
  meson configure "$abuild" "-Dcpp_args=$flags" "-Dc_args=$flags"  # a tree configured by an older version
fi
# Every linked executable but bench/'s (built by `make bench`).
mapfile -t targets < <(ninja -C "$abuild" -t targets all | awk -F': ' '$2 == "cpp_LINKER" && $1 !~ /^bench\// {print $1}')
ninja -C "$abuild" -j"${NINJA_JOBS:-2}" "${targets[@]}"

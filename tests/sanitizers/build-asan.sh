#!/usr/bin/env bash
# Configures (once) and builds the ASan+UBSan tree: every target, gcc's -fsanitize=address,undefined.
# b_lundef=false: meson's --no-undefined clashes with the sanitizer runtimes' symbols in shared objects.
# Usage: tests/sanitizers/build-asan.sh BUILD_DIR   (e.g. build-asan)
set -euo pipefail
abuild=${1:?asan build dir}
src=$(cd "$(dirname "$0")/../.." && pwd)
if [[ ! -f "$abuild/build.ninja" ]]; then
  meson setup "$abuild" "$src" -Db_sanitize=address,undefined -Db_lundef=false
fi
ninja -C "$abuild" -j"${NINJA_JOBS:-2}"

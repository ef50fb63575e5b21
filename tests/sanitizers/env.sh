# Sourced by tests/run-tests.sh (asan tier) and by hand (`source tests/sanitizers/env.sh DIR`): the sanitizer
# runtime options every process of an ASan test run inherits. Any report ends the process with an error and lands
# in DIR/<tool>.<pid> (the tier turns each into a failed test case).
#   ASan: halt on the first error; leak checking at exit (LSan) with tests/sanitizers/lsan.supp for third-party
#         leaks only. DPDK with --no-huge maps its memory with plain mmap, which ASan handles; the EAL's own ASan
#         support (RTE_MALLOC_ASAN) needs a DPDK built with ASan and is not used: Debian's is not.
#   UBSan: every finding is an error (halt_on_error), with a stack trace.
SANITIZER_REPORTS=${1:?reports dir}
mkdir -p "$SANITIZER_REPORTS"
_san_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export SANITIZER_REPORTS
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=0:\
check_initialization_order=1:strict_init_order=1:detect_odr_violation=0:log_exe_name=1:\
log_path=$SANITIZER_REPORTS/asan"
export LSAN_OPTIONS="suppressions=$_san_dir/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$_san_dir/ubsan.supp:\
log_path=$SANITIZER_REPORTS/ubsan"
unset _san_dir
export PORTUNUS_SANITIZED=1

/* Counts heap allocations made by anything in the process (our code, libsrtp2, OpenSSL, libstdc++) while counting is
 * on: MallocCounter.c interposes malloc/calloc/realloc and the aligned allocators in the test executable, so calls from
 * shared libraries resolve to it, and forwards to glibc's __libc_* entry points. */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

void malloc_counter_start(void);
void malloc_counter_stop(void);
long malloc_counter_count(void);

#ifdef __cplusplus
}
#endif

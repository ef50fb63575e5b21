#include "MallocCounter.h"

#include <errno.h>
#include <stddef.h>

extern void* __libc_malloc(size_t size);
extern void* __libc_calloc(size_t count, size_t size);
extern void* __libc_realloc(void* ptr, size_t size);
extern void* __libc_memalign(size_t alignment, size_t size);

static volatile int counting;
static volatile long allocations;

static void note(void) {
  if (counting) __atomic_add_fetch(&allocations, 1, __ATOMIC_RELAXED);
}

void malloc_counter_start(void) {
  __atomic_store_n(&allocations, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&counting, 1, __ATOMIC_SEQ_CST);
}

void malloc_counter_stop(void) { __atomic_store_n(&counting, 0, __ATOMIC_SEQ_CST); }

long malloc_counter_count(void) { return __atomic_load_n(&allocations, __ATOMIC_RELAXED); }

void* malloc(size_t size) {
  note();
  return __libc_malloc(size);
}

void* calloc(size_t count, size_t size) {
  note();
  return __libc_calloc(count, size);
}

void* realloc(void* ptr, size_t size) {
  note();
  return __libc_realloc(ptr, size);
}

void* memalign(size_t alignment, size_t size) {
  note();
  return __libc_memalign(alignment, size);
}

void* aligned_alloc(size_t alignment, size_t size) {
  note();
  return __libc_memalign(alignment, size);
}

int posix_memalign(void** out, size_t alignment, size_t size) {
  note();
  void* ptr = __libc_memalign(alignment, size);
  if (ptr == NULL) return ENOMEM;
  *out = ptr;
  return 0;
}

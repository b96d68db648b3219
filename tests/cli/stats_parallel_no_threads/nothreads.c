/* LD_PRELOAD shim for the stats_parallel_no_threads case: every other
 * pthread_create fails (EAGAIN), the first among them, as when a system
 * has no threads to give; the others go through. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>

int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg) {
  static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
  static int calls;
  if (!real)
    real = (int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *))dlsym(
        RTLD_NEXT, "pthread_create");
  if (calls++ % 2 == 0)
    return EAGAIN;
  return real(t, attr, fn, arg);
}

/* LD_PRELOAD shim for the stats_file_shrinks case: every mapping of a file
 * over 1 MB is followed at once by cutting that file to 100 bytes, as if
 * another program truncated it while cleval reads it. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
  static void *(*real)(void *, size_t, int, int, int, off_t);
  if (!real)
    real = (void *(*)(void *, size_t, int, int, int, off_t))dlsym(RTLD_NEXT, "mmap");
  void *p = real(addr, len, prot, flags, fd, off);
  if (p != MAP_FAILED && fd >= 0 && len > 1000000) {
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n > 0) {
      path[n] = '\0';
      if (truncate(path, 100) != 0)
        perror("shrink.c: truncate");
    }
  }
  return p;
}

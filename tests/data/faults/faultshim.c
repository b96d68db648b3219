/* An LD_PRELOAD shim that makes I/O fail on purpose, for the fault tests
 * (tests/cli/hardening_*; docs/faults.md). Built by the tests with
 *   cc -shared -fPIC -o shim.so faultshim.c -ldl
 * and set by environment variables:
 *   FAULT_ENOSPC_AFTER=N  writes to regular files fail with ENOSPC once N
 *                         bytes have been written to them (a full disk)
 *   FAULT_ENOSPC_WHILE=F  writes to regular files fail with ENOSPC while the
 *                         file F exists (a disk that fills and is freed:
 *                         the test creates and removes F)
 *   FAULT_KILL_AT_SYNC=N  the process kills itself (SIGKILL) at its Nth
 *                         fsync/fdatasync, i.e. in the middle of a commit
 * Pipes and terminals are never affected, so messages still get out. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long long budget = -2; /* -2: not read yet; -1: no limit */
static const char *full_while; /* FAULT_ENOSPC_WHILE */
static long kill_at = -2;
static long syncs;

static void setup(void) {
  if (budget != -2)
    return;
  const char *b = getenv("FAULT_ENOSPC_AFTER"), *k = getenv("FAULT_KILL_AT_SYNC");
  budget = b && *b ? atoll(b) : -1;
  full_while = getenv("FAULT_ENOSPC_WHILE");
  if (full_while && !*full_while)
    full_while = NULL;
  kill_at = k && *k ? atol(k) : -1;
}

static int regular(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* How many of n bytes may be written to fd: n, or fewer (0 means fail). */
static size_t allowed(int fd, size_t n) {
  setup();
  struct stat st;
  if (full_while && regular(fd) && stat(full_while, &st) == 0)
    return 0;
  if (budget < 0 || !regular(fd))
    return n;
  if ((long long)n <= budget) {
    budget -= (long long)n;
    return n;
  }
  size_t part = (size_t)budget;
  budget = 0;
  return part;
}

#define REAL(name, type) ((type)dlsym(RTLD_NEXT, name))

ssize_t write(int fd, const void *buf, size_t n) {
  size_t k = allowed(fd, n);
  if (n && !k) {
    errno = ENOSPC;
    return -1;
  }
  return REAL("write", ssize_t (*)(int, const void *, size_t))(fd, buf, k);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
  size_t k = allowed(fd, n);
  if (n && !k) {
    errno = ENOSPC;
    return -1;
  }
  return REAL("pwrite", ssize_t (*)(int, const void *, size_t, off_t))(fd, buf, k, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off) {
  size_t k = allowed(fd, n);
  if (n && !k) {
    errno = ENOSPC;
    return -1;
  }
  return REAL("pwrite64", ssize_t (*)(int, const void *, size_t, off64_t))(fd, buf, k, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt) {
  size_t n = 0;
  for (int i = 0; i < cnt; i++)
    n += iov[i].iov_len;
  if (n && allowed(fd, n) < n) {
    errno = ENOSPC;
    return -1;
  }
  return REAL("writev", ssize_t (*)(int, const struct iovec *, int))(fd, iov, cnt);
}

static void count_sync(void) {
  setup();
  if (kill_at > 0 && ++syncs >= kill_at)
    raise(SIGKILL);
}

int fsync(int fd) {
  count_sync();
  return REAL("fsync", int (*)(int))(fd);
}

int fdatasync(int fd) {
  count_sync();
  return REAL("fdatasync", int (*)(int))(fd);
}

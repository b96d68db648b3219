/* Temporary files beside an output, and the cleaning of stale ones (see
 * tempfile.h). */
#include "tempfile.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "xalloc.h"

int tempfile_open(const char *path, char **name, char *err, size_t errlen) {
  size_t n = strlen(path) + 48;
  char *t = xmalloc(n);
  snprintf(t, n, "%s.tmp-%ld-XXXXXX", path, (long)getpid());
  int fd = mkstemp(t);
  if (fd < 0) {
    snprintf(err, errlen, "%s: cannot create a temporary file beside it: %s", path,
             strerror(errno));
    free(t);
    *name = NULL;
    return -1;
  }
  *name = t;
  return fd;
}

/* If s is "PID-XXXXXX" with an optional SQLite suffix, the PID; else 0. */
static long parse_rest(const char *s) {
  if (!isdigit((unsigned char)*s))
    return 0;
  char *end;
  errno = 0;
  long pid = strtol(s, &end, 10);
  if (errno || pid <= 0 || *end != '-')
    return 0;
  end++;
  for (int i = 0; i < 6; i++, end++)
    if (!isalnum((unsigned char)*end))
      return 0;
  static const char *const sfx[] = {"", "-journal", "-wal", "-shm"};
  for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++)
    if (strcmp(end, sfx[i]) == 0)
      return pid;
  return 0;
}

/* Whether the process pid is gone (kill(0) finds none; one of another
 * user's counts as alive). */
static bool process_gone(long pid) {
  if (pid == (long)getpid())
    return false;
  return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

size_t tempfile_clean(const char *path, time_t before) {
  const char *slash = strrchr(path, '/');
  char *dir = slash ? xstrdup(path) : xstrdup(".");
  if (slash)
    dir[slash == path ? 1 : (size_t)(slash - path)] = '\0';
  const char *base = slash ? slash + 1 : path;
  size_t blen = strlen(base), removed = 0;
  int dfd = -1;
  DIR *d = NULL;
  if (blen == 0)
    goto done;
  dfd = open(dir, O_RDONLY | O_DIRECTORY);
  if (dfd < 0 || !(d = fdopendir(dfd)))
    goto done;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    const char *nm = e->d_name;
    if (strncmp(nm, base, blen) != 0 || strncmp(nm + blen, ".tmp-", 5) != 0)
      continue;
    long pid = parse_rest(nm + blen + 5);
    if (!pid)
      continue;
    struct stat st;
    if (fstatat(dfd, nm, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
        st.st_uid != geteuid() || !(st.st_mtime < before) || !process_gone(pid))
      continue;
    if (unlinkat(dfd, nm, 0) == 0)
      removed++;
  }
done:
  if (d)
    closedir(d); /* closes dfd */
  else if (dfd >= 0)
    close(dfd);
  free(dir);
  return removed;
}

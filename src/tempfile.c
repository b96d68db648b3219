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

static const char *const sqlite_sfx[] = {"", "-journal", "-wal", "-shm"};

/* Whether s is one of SQLite's suffixes ("" among them). */
static bool is_sfx(const char *s) {
  for (size_t i = 0; i < sizeof sqlite_sfx / sizeof sqlite_sfx[0]; i++)
    if (strcmp(s, sqlite_sfx[i]) == 0)
      return true;
  return false;
}

/* Whether s begins with six letters or digits (mkstemp's XXXXXX). */
static bool six(const char *s) {
  for (int i = 0; i < 6; i++)
    if (!isalnum((unsigned char)s[i]))
      return false;
  return true;
}

/* What follows "BASE.tmp-" in a temporary file's name. */
typedef enum { NOT_OURS, WITH_PID, LEGACY } temp_kind;

/* The kind of the name's rest s, and the PID in it (WITH_PID):
 *   "PID-XXXXXX" and a SQLite suffix: tempfile_open's, WITH_PID;
 *   "PID": an import's --discards of earlier versions, WITH_PID;
 *   "XXXXXX" and a SQLite suffix: earlier versions' mkstemp, LEGACY (no
 *   PID tells whether its run has gone); six digits alone are read both
 *   ways and must pass both rules. */
static temp_kind parse_rest(const char *s, long *pid, bool *also_legacy) {
  *pid = 0;
  *also_legacy = false;
  if (isdigit((unsigned char)*s)) {
    char *end;
    errno = 0;
    long p = strtol(s, &end, 10);
    if (!errno && p > 0 && end[0] == '-' && six(end + 1) && is_sfx(end + 7)) {
      *pid = p;
      return WITH_PID;
    }
    if (!errno && p > 0 && *end == '\0') {
      *pid = p;
      *also_legacy = strlen(s) == 6;
      return WITH_PID;
    }
  }
  if (six(s) && is_sfx(s + 6))
    return LEGACY;
  return NOT_OURS;
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
    long pid;
    bool also_legacy;
    temp_kind kind = parse_rest(nm + blen + 5, &pid, &also_legacy);
    if (kind == NOT_OURS)
      continue;
    struct stat st;
    if (fstatat(dfd, nm, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
        st.st_uid != geteuid() || !(st.st_mtime < before))
      continue;
    if (kind == WITH_PID && !process_gone(pid))
      continue;
    if ((kind == LEGACY || also_legacy) && !(st.st_mtime < before - TEMPFILE_LEGACY_AGE))
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

/* mkdir -p (see dirs.h). */
#include "dirs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xalloc.h"

int dirs_make(const char *path, char ***made, size_t *nmade, char *err, size_t errlen) {
  char *buf = xstrdup(path);
  int rc = -1;
  for (char *p = buf + (buf[0] != '\0');; p++) {
    if (*p != '/' && *p != '\0')
      continue;
    char c = *p;
    *p = '\0';
    if (mkdir(buf, 0777) == 0) {
      if (made) {
        *made = xrealloc(*made, (*nmade + 1) * sizeof **made);
        (*made)[(*nmade)++] = xstrdup(buf);
      }
    } else if (errno != EEXIST) {
      snprintf(err, errlen, "%.1024s: cannot create directory: %s", buf, strerror(errno));
      goto cleanup;
    }
    *p = c;
    if (!c)
      break;
  }
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "%.1024s: not a directory", path);
    goto cleanup;
  }
  rc = 0;
cleanup:
  free(buf);
  return rc;
}

/* Shared helpers for the cmocka unit tests. */
#ifndef CLEVAL_TESTUTIL_H
#define CLEVAL_TESTUTIL_H

/* cmocka.h needs these first (a blank line keeps clang-format from
 * sorting it above them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Asserts |got - want| <= tol * max(1, |want|): relative for large values,
 * absolute near zero. */
#define assert_close(got, want, tol)                                                               \
  do {                                                                                             \
    double g_ = (got), w_ = (want), t_ = (tol);                                                    \
    double s_ = fabs(w_) > 1 ? fabs(w_) : 1;                                                       \
    if (!(fabs(g_ - w_) <= t_ * s_))                                                               \
      fail_msg("%s = %.17g, expected %.17g (tolerance %g)", #got, g_, w_, t_);                     \
  } while (0)

/* Asserts a relative error for values that may be tiny (tail p values). */
#define assert_rel(got, want, rtol)                                                                \
  do {                                                                                             \
    double g_ = (got), w_ = (want);                                                                \
    if (!(fabs(g_ - w_) <= (rtol)*fabs(w_)))                                                       \
      fail_msg("%s = %.17g, expected %.17g (relative tolerance %g)", #got, g_, w_,                 \
               (double)(rtol));                                                                    \
  } while (0)

/* A fresh temporary directory for one test; the caller frees the path and
 * removes the directory with test_rmdir(). */
static inline char *test_tmpdir(void) {
  char tmpl[] = "/tmp/cleval-test-XXXXXX";
  char *d = mkdtemp(tmpl);
  assert_non_null(d);
  return strdup(d);
}

static inline void test_rmdir(char *dir) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
  free(dir);
}

/* Writes text to dir/name and returns the path (caller frees). */
static inline char *test_write_file(const char *dir, const char *name, const char *text) {
  char *path = malloc(strlen(dir) + strlen(name) + 2);
  sprintf(path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
  return path;
}

#endif

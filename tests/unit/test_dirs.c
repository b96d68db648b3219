/* mkdir -p: parents made and listed, existing ones left alone, a file in
 * the way refused. */
#include "testutil.h"

#include <stdbool.h>
#include <sys/stat.h>

#include "dirs.h"

static bool is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void makes_parents(void **state) {
  (void)state;
  char *dir = test_tmpdir(), path[1024], err[256];
  snprintf(path, sizeof path, "%s/a/b/c", dir);
  char **made = NULL;
  size_t n = 0;
  assert_int_equal(dirs_make(path, &made, &n, err, sizeof err), 0);
  assert_true(is_dir(path));
  assert_int_equal(n, 3); /* a, a/b, a/b/c; dir itself existed */
  assert_string_equal(made[2], path);
  for (size_t i = 0; i < n; i++)
    free(made[i]);
  free(made);
  /* again: nothing to make */
  made = NULL;
  n = 0;
  assert_int_equal(dirs_make(path, &made, &n, err, sizeof err), 0);
  assert_int_equal(n, 0);
  assert_null(made);
  /* without a list */
  snprintf(path, sizeof path, "%s/a/d/", dir);
  assert_int_equal(dirs_make(path, NULL, NULL, err, sizeof err), 0);
  assert_true(is_dir(path));
  test_rmdir(dir);
}

static void file_in_the_way(void **state) {
  (void)state;
  char *dir = test_tmpdir(), path[1024], err[256];
  snprintf(path, sizeof path, "%s/f", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fclose(f);
  assert_int_equal(dirs_make(path, NULL, NULL, err, sizeof err), -1);
  assert_non_null(strstr(err, "not a directory"));
  snprintf(path, sizeof path, "%s/f/g", dir);
  assert_int_equal(dirs_make(path, NULL, NULL, err, sizeof err), -1);
  assert_non_null(strstr(err, "cannot create directory"));
  test_rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(makes_parents),
      cmocka_unit_test(file_in_the_way),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Tests for compensated sums and one-pass moments (compsum.h): sums that
 * lose nothing to cancellation, and a mean and variance within a few
 * roundings of the exact ones where the naive one-pass formula loses every
 * digit.
 *
 * Expected values: exact rational arithmetic in Python 3 (/usr/bin/python3):
 *   from fractions import Fraction as F
 *   def exact(d): n = len(d); m = sum(map(F, d)) / n
 *     return float(m), float(sum((F(x) - m) ** 2 for x in d) / (n - 1))
 * and math.fsum for plain sums; the data as each test builds it. */
#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compsum.h"

static void assert_near(double got, double want, double rel) {
  if (!(fabs(got - want) <= rel * fabs(want)))
    fail_msg("got %.17g, want %.17g (relative tolerance %g)", got, want, rel);
}

static void test_sum_keeps_what_cancels(void **state) {
  (void)state;
  /* math.fsum([1e16, 1.0, -1e16]) == 1.0; math.fsum([0.1] * 10) == 1.0 */
  compsum k = {0, 0};
  compsum_add(&k, 1e16);
  compsum_add(&k, 1.0);
  compsum_add(&k, -1e16);
  assert_true(compsum_value(&k) == 1.0);
  compsum t = {0, 0};
  for (int i = 0; i < 10; i++)
    compsum_add(&t, 0.1);
  assert_true(compsum_value(&t) == 1.0);
  /* Smaller terms after a larger one, and the other way round. */
  compsum u = {0, 0};
  compsum_add(&u, 1.0);
  compsum_add(&u, 1e100);
  compsum_add(&u, 1.0);
  compsum_add(&u, -1e100);
  assert_true(compsum_value(&u) == 2.0);
}

static void moments_of(const double *d, size_t n, double *mean, double *var) {
  compsum_moments m;
  compsum_moments_init(&m);
  for (size_t i = 0; i < n; i++)
    compsum_moments_add(&m, d[i]);
  assert_int_equal(m.n, n);
  compsum_moments_get(&m, mean, var);
}

static void test_mean_far_from_zero(void **state) {
  (void)state;
  /* d = [1e9 + (i % 17) * 0.1 for i in range(1, 1001)]: exact(d) gives
   * 1000000000.7993 and 0.2391886966911437. The naive one-pass variance,
   * (sum of squares - n mean^2) / (n - 1), is off by far more than 1. */
  double d[1000];
  for (int i = 1; i <= 1000; i++)
    d[i - 1] = 1e9 + (i % 17) * 0.1;
  double mean, var;
  moments_of(d, 1000, &mean, &var);
  assert_near(mean, 1000000000.7993, 1e-15);
  assert_near(var, 0.2391886966911437, 1e-12);
}

static void test_large_values_that_cancel(void **state) {
  (void)state;
  /* As tests/cli/stats_paired_sums: x = float("%.2f" % (i % 97 + (i % 100)
   * / 100)), y = float("%.3f" % (x + big + (i % 7) / 8)), big 1e15 when
   * i % 6 == 3, -1e15 when i % 6 == 0, else 0; d = y - x for i in 1..20000:
   * exact(d) gives 0.3749875 and 3.333166658332916e+29. */
  double *d = malloc(20000 * sizeof *d);
  char cell[64];
  for (int i = 1; i <= 20000; i++) {
    snprintf(cell, sizeof cell, "%.2f", i % 97 + (i % 100) / 100.0);
    double x = strtod(cell, NULL);
    double big = i % 6 == 3 ? 1e15 : i % 6 == 0 ? -1e15 : 0;
    snprintf(cell, sizeof cell, "%.3f", x + big + (i % 7) / 8.0);
    d[i - 1] = strtod(cell, NULL) - x;
  }
  double mean, var;
  moments_of(d, 20000, &mean, &var);
  assert_near(mean, 0.3749875, 1e-14);
  assert_near(var, 3.333166658332916e+29, 1e-14);
  free(d);
}

static void test_before_and_after_the_pilot(void **state) {
  (void)state;
  /* d = [(i * 7919 % 1000) / 8 - 60 for i in range(1, 41)]; exact(d[:k]) */
  static const struct {
    size_t k;
    double mean, var;
  } want[] = {{5, 34.625, 256.2890625},
              {31, 7.838709677419355, 1244.1814516129032},
              {32, 7.3125, 1212.907258064516},
              {33, 6.511363636363637, 1196.1839488636363},
              {40, 4.3125, 1375.8533653846155}};
  double d[40];
  for (int i = 1; i <= 40; i++)
    d[i - 1] = (double)(i * 7919 % 1000) / 8 - 60;
  for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
    double mean, var;
    moments_of(d, want[w].k, &mean, &var);
    assert_near(mean, want[w].mean, 1e-15);
    assert_near(var, want[w].var, 1e-14);
  }
}

static void test_what_n_does_not_allow(void **state) {
  (void)state;
  double mean, var;
  moments_of(NULL, 0, &mean, &var);
  assert_true(isnan(mean) && isnan(var));
  const double one[] = {2.5};
  moments_of(one, 1, &mean, &var);
  assert_true(mean == 2.5 && isnan(var));
  const double same[] = {3, 3, 3, 3};
  moments_of(same, 4, &mean, &var);
  assert_true(mean == 3 && var == 0);
  /* An infinity spoils the moments; so does a spread past the largest
   * double. */
  const double inf[] = {1, INFINITY, 2};
  moments_of(inf, 3, &mean, &var);
  assert_false(isfinite(mean) && isfinite(var));
  const double wide[] = {-1e300, 1e300, 0};
  moments_of(wide, 3, &mean, &var);
  assert_true(mean == 0);
  assert_false(isfinite(var));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sum_keeps_what_cancels),
      cmocka_unit_test(test_mean_far_from_zero),
      cmocka_unit_test(test_large_values_that_cancel),
      cmocka_unit_test(test_before_and_after_the_pilot),
      cmocka_unit_test(test_what_n_does_not_allow),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

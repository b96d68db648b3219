/* Tests for exact sums: the mean and variance of data that defeat a plain
 * floating-point sum, against the exact values; and the same bits whatever
 * the order of the values and however the sums are split and merged.
 *
 * Expected values: Python 3.11's fractions.Fraction, exact rational
 * arithmetic on the same doubles, rounded once with float(), e.g.
 *   fs = [Fraction(x) for x in xs]; m = sum(fs) / len(fs)
 *   float(m), float(sum((f - m) ** 2 for f in fs) / (len(fs) - 1)) */
#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exactsum.h"

/* The distance in units in the last place between two finite doubles of
 * one sign. */
static uint64_t ulps(double a, double b) {
  int64_t ia, ib;
  memcpy(&ia, &a, sizeof ia);
  memcpy(&ib, &b, sizeof ib);
  return ia > ib ? (uint64_t)(ia - ib) : (uint64_t)(ib - ia);
}

static void moments_of(const double *x, size_t n, double *mean, double *var) {
  exactsum *s = exactsum_new();
  for (size_t i = 0; i < n; i++)
    exactsum_add(s, x[i]);
  exactsum_moments(s, mean, var);
  free(s);
}

static void test_cancelling_values(void **state) {
  (void)state;
  double mean, var;
  /* A plain sum loses the 1 (1e16 + 1 rounds back to 1e16). */
  const double a[] = {1e16, 1, -1e16};
  moments_of(a, 3, &mean, &var);
  assert_true(mean == 0x1.5555555555555p-2); /* 1/3 */
  assert_true(ulps(var, 0x1.3b8b5b5056e17p+106) <= 1);
  /* A^2 needs the whole-number product: 1e100 squared. */
  const double b[] = {1e100, 3, -1e100};
  moments_of(b, 3, &mean, &var);
  assert_true(mean == 1.0);
  assert_true(ulps(var, 0x1.4e718d7d7625ap+664) <= 1);
  /* Decimals that are not binary fractions. */
  const double c[] = {0.1, 0.2, 0.3, 0.4};
  moments_of(c, 4, &mean, &var);
  assert_true(mean == 0x1.0000000000000p-2);
  assert_true(ulps(var, 0x1.1111111111111p-6) <= 1);
}

static void test_far_mean_tiny_spread(void **state) {
  (void)state;
  /* 1e15 + i/8, i = 0..99: the spread is 12 digits below the mean, where
   * a one-pass sum of squares keeps nothing of it. */
  double x[100];
  for (int i = 0; i < 100; i++)
    x[i] = 1e15 + i * 0.125;
  double mean, var;
  moments_of(x, 100, &mean, &var);
  assert_true(mean == 0x1.c6bf526340032p+49);
  assert_true(ulps(var, 0x1.a4d5555555555p+3) <= 1); /* 13.151041666666666 */
}

static void test_extremes(void **state) {
  (void)state;
  double mean, var;
  /* Subnormals: 1, 2, 5 and -1 units of 2^-1074; the mean, 7/4 units,
   * rounds to 2. */
  const double sub[] = {5e-324, 1e-323, 2.5e-323, -5e-324};
  moments_of(sub, 4, &mean, &var);
  assert_true(mean == 1e-323);
  assert_true(var == 0);
  /* A sum beyond the largest double, and a variance beyond it. */
  const double big[] = {1.5e308, 1.7e308, 1.6e308};
  moments_of(big, 3, &mean, &var);
  assert_true(mean == 0x1.c7b1f3cac7433p+1023);
  assert_true(isinf(var) && var > 0);
  /* Zeros of both signs; all equal values. */
  const double zeros[] = {0.0, -0.0, 0.0};
  moments_of(zeros, 3, &mean, &var);
  assert_true(mean == 0 && var == 0);
  const double same[] = {-2.5, -2.5, -2.5, -2.5};
  moments_of(same, 4, &mean, &var);
  assert_true(mean == -2.5 && var == 0);
}

static void test_too_few_and_not_finite(void **state) {
  (void)state;
  double mean, var;
  moments_of(NULL, 0, &mean, &var);
  assert_true(isnan(mean) && isnan(var));
  const double one[] = {-7.25};
  moments_of(one, 1, &mean, &var);
  assert_true(mean == -7.25 && isnan(var));
  const double inf[] = {1, INFINITY, 2};
  moments_of(inf, 3, &mean, &var);
  assert_true(isnan(mean) && isnan(var));
  const double nan[] = {1, NAN, 2};
  moments_of(nan, 3, &mean, &var);
  assert_true(isnan(mean) && isnan(var));
  const double both[] = {INFINITY, -INFINITY};
  moments_of(both, 2, &mean, &var);
  assert_true(isnan(mean) && isnan(var));
}

/* A value from 1e-150 to 1e150 (so the variance stays finite), either
 * sign, or a small integer, or a value in (-50, 50). */
static double random_value(unsigned *seed) {
  double u = (double)rand_r(seed) / RAND_MAX;
  switch (rand_r(seed) % 4) {
  case 0: return (double)(rand_r(seed) % 21) - 10;
  case 1: return (u - 0.5) * 100;
  default: return (rand_r(seed) % 2 ? -1 : 1) * pow(10, u * 300 - 150);
  }
}

static void test_order_and_pieces(void **state) {
  (void)state;
  enum { N = 20000 };
  static double x[N];
  unsigned seed = 2026;
  for (size_t i = 0; i < N; i++)
    x[i] = random_value(&seed);
  double mean, var;
  moments_of(x, N, &mean, &var);
  assert_true(isfinite(mean) && isfinite(var) && var > 0);
  /* Near a two-pass long double reckoning (values this far apart leave it
   * a relative error far below 1e-12). */
  long double lm = 0, lv = 0;
  for (size_t i = 0; i < N; i++)
    lm += x[i];
  lm /= N;
  for (size_t i = 0; i < N; i++)
    lv += (x[i] - lm) * (x[i] - lm);
  lv /= N - 1;
  assert_true(fabsl(mean - lm) <= 1e-12L * fabsl(lm));
  assert_true(fabsl(var - lv) <= 1e-12L * lv);
  for (int round = 0; round < 5; round++) {
    /* Shuffled, then cut into up to 8 pieces summed apart and merged in
     * an order of their own. */
    for (size_t i = N - 1; i > 0; i--) {
      size_t j = (size_t)rand_r(&seed) % (i + 1);
      double t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
    size_t pieces = 1 + (size_t)rand_r(&seed) % 8, cut[9];
    cut[0] = 0;
    for (size_t k = 1; k < pieces; k++)
      cut[k] = cut[k - 1] + (size_t)rand_r(&seed) % (N - cut[k - 1]);
    cut[pieces] = N;
    exactsum *all = exactsum_new();
    for (size_t k = pieces; k-- > 0;) {
      exactsum *s = exactsum_new();
      for (size_t i = cut[k]; i < cut[k + 1]; i++)
        exactsum_add(s, x[i]);
      exactsum_merge(all, s);
      free(s);
    }
    double m2, v2;
    exactsum_moments(all, &m2, &v2);
    assert_int_equal(all->n, N);
    assert_true(memcmp(&m2, &mean, sizeof mean) == 0);
    assert_true(memcmp(&v2, &var, sizeof var) == 0);
    free(all);
  }
}

/* Many values in one bucket: the 128-bit sums of squares carry. */
static void test_carries(void **state) {
  (void)state;
  exactsum *s = exactsum_new();
  enum { N = 10000000 }; /* 5e6 squares near 2^106, and as many near 2^104: past 2^128 */
  for (size_t i = 0; i < N; i++)
    exactsum_add(s, i % 2 ? 1.9999999999999998 : 1.0000000000000002);
  double mean, var;
  exactsum_moments(s, &mean, &var);
  /* Half 1 + 2^-52, half 2 - 2^-52: mean 1.5 exactly; variance
   * (1/2 - 2^-52)^2 * N / (N - 1). */
  assert_true(mean == 1.5);
  double d = 0.5 - 0x1p-52;
  assert_true(ulps(var, d * d * ((double)N / (N - 1))) <= 2);
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cancelling_values), cmocka_unit_test(test_far_mean_tiny_spread),
      cmocka_unit_test(test_extremes),          cmocka_unit_test(test_too_few_and_not_finite),
      cmocka_unit_test(test_order_and_pieces),  cmocka_unit_test(test_carries),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

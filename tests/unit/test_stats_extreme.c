/* Unit tests for stats at extreme magnitudes (issue 20 item 7): data
 * multiplied by 1e200, 1e-200 or near the largest double give the
 * statistics of the same data near 1 (t, F, p, alpha and effect sizes
 * unchanged; means, intervals and coefficients multiplied by the factor),
 * and a result a double cannot hold is an error saying so, never inf or NaN.
 * Before the scaling, these gave "all differences are equal", "both samples
 * are constant", "no variance within groups", "the model fits exactly",
 * alpha 1.5 and a chi-square of NaN.
 *
 * Expected values: scipy 1.10.1 (/usr/bin/python3) on the UNSCALED data
 * (t, F and p are scale invariant, so those of data scaled by 1e200 are
 * the same; scipy itself overflows on the scaled data):
 *   import numpy as np, scipy.stats as st
 *   st.ttest_rel(sleep_y, sleep_x)                 # statistic, pvalue, CI
 *   st.ttest_ind(mpg[am==1], mpg[am==0], equal_var=False)
 *   st.f_oneway(w[:10], w[10:20], w[20:])          # PlantGrowth
 *   b = np.linalg.lstsq(X, mpg); se from inv(X'X) e'e/29, p = 2*st.t.sf(|t|, 29)
 *   k/(k-1)*(1 - it.var(0, ddof=1).sum()/it.sum(1).var(ddof=1))
 *   st.chi2_contingency([[12, 7], [5, 9]], correction=False)
 * (a chi-square statistic is linear in the counts' scale: that of the
 * counts times c is c times that of the counts). The DiD values are R's,
 * as in test_stats.c's test_did_cluster. */
#include "testutil.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compsum.h"
#include "stats.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static void assert_near(double got, double want, double rel) {
  if (!(fabs(got - want) <= rel * fabs(want)))
    fail_msg("got %.17g, want %.17g (relative tolerance %g)", got, want, rel);
}

static char err[512];

static const double sleep_x[] = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
static const double sleep_y[] = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

static const double mt_mpg[] = {21,   21,   22.8, 21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8,
                                16.4, 17.3, 15.2, 10.4, 10.4, 14.7, 32.4, 30.4, 33.9, 21.5, 15.5,
                                15.2, 13.3, 19.2, 27.3, 26,   30.4, 15.8, 19.7, 15,   21.4};
static const double mt_wt[] = {2.62,  2.875, 2.32,  3.215, 3.44,  3.46, 3.57,  3.19,
                               3.15,  3.44,  3.44,  4.07,  3.73,  3.78, 5.25,  5.424,
                               5.345, 2.2,   1.615, 1.835, 2.465, 3.52, 3.435, 3.84,
                               3.845, 1.935, 2.14,  1.513, 3.17,  2.77, 3.57,  2.78};
static const double mt_hp[] = {110, 110, 93,  110, 175, 105, 245, 62,  95,  123, 123,
                               180, 180, 180, 205, 215, 230, 66,  52,  65,  97,  150,
                               150, 245, 175, 66,  91,  113, 264, 175, 335, 109};
static const int mt_am[] = {1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                            0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1};

static const double scales[] = {1, 1e200, 1e-200, 1e300, 1e-300};

static void test_paired_scaled(void **state) {
  (void)state;
  for (size_t s = 0; s < LEN(scales); s++) {
    double c = scales[s], x[10], y[10];
    for (size_t i = 0; i < 10; i++) {
      x[i] = sleep_x[i] * c;
      y[i] = sleep_y[i] * c;
    }
    stats_paired r;
    assert_int_equal(stats_paired_t(x, y, 10, 0.95, &r, err, sizeof err), 0);
    /* st.ttest_rel(sleep_y, sleep_x): 4.062127683382037 0.00283289019738427,
     * CI (0.7001142367452712, 2.459885763254729); d.std(ddof=1)
     * 1.2299954832798732 */
    assert_near(r.t, 4.062127683382037, 1e-12);
    assert_near(r.p, 0.00283289019738427, 1e-10);
    assert_near(r.mean_diff, 1.58 * c, 1e-12);
    assert_near(r.sd_diff, 1.2299954832798732 * c, 1e-12);
    assert_near(r.ci_low, 0.7001142367452712 * c, 1e-10);
    assert_near(r.ci_high, 2.459885763254729 * c, 1e-10);
    /* the one-pass sums (cleval stats paired-t) give the same */
    compsum_moments m;
    compsum_moments_init(&m);
    for (size_t i = 0; i < 10; i++)
      compsum_moments_add(&m, y[i] - x[i]);
    stats_paired q;
    assert_int_equal(stats_paired_t_sums(&m, 0, 0.95, &q, err, sizeof err), 0);
    assert_memory_equal(&q, &r, sizeof q);
  }
  /* Differences near the largest double: sd near 1e308, its square far
   * past it. */
  double d[] = {0.5e308, -0.4e308, 0.3e308, -0.6e308, 0.45e308};
  stats_paired r;
  assert_int_equal(stats_paired_t_diff(d, LEN(d), 0.95, &r, err, sizeof err), 0);
  /* d = [0.5, -0.4, 0.3, -0.6, 0.45]: r = st.ttest_1samp(d, 0);
   * r.statistic 0.21821789023599236, np.std(d, ddof=1) 0.51234753829798,
   * r.confidence_interval() (-0.5861634928729271, 0.6861634928729272) */
  assert_near(r.t, 0.21821789023599236, 1e-12);
  assert_near(r.sd_diff, 0.51234753829798e308, 1e-12);
  assert_near(r.ci_low, -0.5861634928729271e308, 1e-10);
  assert_near(r.ci_high, 0.6861634928729272e308, 1e-10);
  /* ...but an interval past it cannot be held (st.ttest_1samp([1.7, 1.75,
   * 1.6, 1.78, 0], 0).confidence_interval(): high 2.317944198134228,
   * times 1e308): said so. */
  double far[] = {1.7e308, 1.75e308, 1.6e308, 1.78e308, 0};
  assert_int_equal(stats_paired_t_diff(far, LEN(far), 0.95, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "beyond the largest number a double holds"));
}

static void test_compsum_scale_grows(void **state) {
  (void)state;
  /* 40 values near 1e-300, then 40 near 1e300: the scale rises once the
   * pilot has gone. Exact, as test_compsum.c (fractions.Fraction of each
   * double): d = [(i % 7) * 1e-300 for i in range(1, 41)] + [(i % 5 + 1) *
   * 1e300 for i in range(1, 41)]; mean 1.5e300, sd 1.8141497293515577e+300 */
  compsum_moments m;
  compsum_moments_init(&m);
  for (int i = 1; i <= 40; i++)
    compsum_moments_add(&m, (i % 7) * 1e-300);
  for (int i = 1; i <= 40; i++)
    compsum_moments_add(&m, (i % 5 + 1) * 1e300);
  double mean, sd, var;
  compsum_moments_get_sd(&m, &mean, &sd);
  assert_near(mean, 1.5e300, 1e-14);
  assert_near(sd, 1.8141497293515577e+300, 1e-13);
  compsum_moments_get(&m, &mean, &var);
  assert_true(isinf(var)); /* 2.5e600: the documented infinity */
  /* Tiny values alone: their squares once underflowed to a zero variance.
   * [(i % 7) * 1e-300 for i in range(1, 41)]: mean 3e-300, sd
   * 1.9611613513818405e-300 */
  compsum_moments_init(&m);
  for (int i = 1; i <= 40; i++)
    compsum_moments_add(&m, (i % 7) * 1e-300);
  compsum_moments_get_sd(&m, &mean, &sd);
  assert_near(mean, 3e-300, 1e-14);
  assert_near(sd, 1.9611613513818405e-300, 1e-13);
}

static void test_welch_scaled(void **state) {
  (void)state;
  for (size_t s = 0; s < LEN(scales); s++) {
    double c = scales[s], x[32], y[32];
    size_t nx = 0, ny = 0;
    for (size_t i = 0; i < 32; i++) {
      if (mt_am[i])
        y[ny++] = mt_mpg[i] * c;
      else
        x[nx++] = mt_mpg[i] * c;
    }
    stats_twosample r;
    assert_int_equal(stats_welch_t(x, nx, y, ny, 0.95, &r, err, sizeof err), 0);
    /* st.ttest_ind(y, x, equal_var=False): 3.767123145144923
     * 0.0013736383330710345; R's t.test CI (test_stats.c) */
    assert_near(r.t, 3.767123145144923, 1e-12);
    assert_near(r.p, 0.0013736383330710345, 1e-9);
    assert_near(r.df, 18.332251638400461, 1e-12);
    assert_near(r.ci_low, 3.2096841874699598 * c, 1e-10);
    assert_near(r.ci_high, 11.280194355040161 * c, 1e-10);
    assert_near(r.hedges_g, 1.4406879253191958, 1e-12);
  }
  /* Means near +-1.5e308: the difference cannot be held. */
  const double a[] = {1.5e308, 1.6e308, 1.4e308}, b[] = {-1.5e308, -1.6e308, -1.4e308};
  stats_twosample r;
  assert_int_equal(stats_welch_t(a, 3, b, 3, 0.95, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "beyond the largest number a double holds"));
}

static void test_anova_scaled(void **state) {
  (void)state;
  const double w[] = {4.17, 5.58, 5.18, 6.11, 4.50, 4.61, 5.17, 4.53, 5.33, 5.14,
                      4.81, 4.17, 4.41, 3.59, 5.87, 3.83, 6.03, 4.89, 4.32, 4.69,
                      6.31, 5.12, 5.54, 5.50, 5.37, 5.29, 4.92, 6.15, 5.80, 5.26};
  long g[30];
  for (size_t i = 0; i < 30; i++)
    g[i] = (long)(i / 10);
  for (size_t s = 0; s < LEN(scales); s++) {
    double y[30];
    for (size_t i = 0; i < 30; i++)
      y[i] = w[i] * scales[s];
    stats_anova r;
    assert_int_equal(stats_anova_oneway(y, g, 30, &r, err, sizeof err), 0);
    /* st.f_oneway(w[:10], w[10:20], w[20:]): 4.846087862380136
     * 0.0159099583256229 */
    assert_near(r.f, 4.846087862380136, 1e-12);
    assert_near(r.p, 0.0159099583256229, 1e-10);
    /* The sums of squares, never inf or 0 (at 1e300 they were inf, 3.77e600;
     * at 1e-300 0): in the data's units when they fit (ss_exp 0), else
     * scaled by 2^-ss_exp. Back at scale 1 they are numpy's, on w:
     *   m = w.mean(); sum(len(x)*(x.mean()-m)**2 for x in g)  3.766340000000002
     *   sum(((x-x.mean())**2).sum() for x in g)              10.492090000000001
     * with g = w[:10], w[10:20], w[20:]. */
    assert_true(isfinite(r.ss_between) && r.ss_between > 0);
    assert_true(isfinite(r.ss_within) && r.ss_within > 0);
    assert_true(r.ss_exp % 2 == 0);
    int h = r.ss_exp / 2;
    assert_near(ldexp(ldexp(r.ss_between, h) / scales[s], h) / scales[s], 3.766340000000002, 1e-12);
    assert_near(ldexp(ldexp(r.ss_within, h) / scales[s], h) / scales[s], 10.492090000000001, 1e-12);
    if (scales[s] == 1)
      assert_int_equal(r.ss_exp, 0);
    else
      assert_int_not_equal(r.ss_exp, 0); /* 1e+-200 squared is past a double too */
  }
}

static void test_ols_scaled(void **state) {
  (void)state;
  /* mpg on wt and hp, each column at its own extreme scale: the
   * coefficients scale by c_mpg / c_column, t and p not at all. */
  const double cy[] = {1, 1e250, 1e-150, 1e300}, cw[] = {1, 1e-50, 1e150, 1e-5},
               ch[] = {1, 1e200, 1e-200, 1e300};
  /* np.linalg.lstsq (see the top): coefficients, SEs, p values */
  const double coef[] = {37.22727011644719, -3.8778307424046887, -0.0317729469821626};
  const double se[] = {1.598787537999388, 0.6327334943773915, 0.0090297096758557};
  const double p[] = {2.5654585119835022e-20, 1.1196471361998917e-06, 0.0014512285315687156};
  for (size_t s = 0; s < LEN(cy); s++) {
    double X[32 * 3], y[32];
    for (size_t i = 0; i < 32; i++) {
      X[i * 3] = 1;
      X[i * 3 + 1] = mt_wt[i] * cw[s];
      X[i * 3 + 2] = mt_hp[i] * ch[s];
      y[i] = mt_mpg[i] * cy[s];
    }
    stats_ols r;
    assert_int_equal(stats_ols_fit(X, y, 32, 3, NULL, 0.95, &r, err, sizeof err), 0);
    const double f[] = {cy[s], cy[s] / cw[s], cy[s] / ch[s]};
    for (size_t j = 0; j < 3; j++) {
      assert_near(r.coef[j], coef[j] * f[j], 1e-11);
      assert_near(r.se[j], se[j] * f[j], 1e-11);
      assert_near(r.p_value[j], p[j], 1e-8);
    }
    /* np.sqrt(e @ e / 29) 2.5934117772265655; R's summary: R-squared */
    assert_near(r.sigma, 2.5934117772265655 * cy[s], 1e-12);
    assert_near(r.r_squared, 0.82678545188279118, 1e-12);
    stats_ols_clear(&r);
  }
  /* y near 1e300 on wt near 1e-300: a slope near 1e600 cannot be held. */
  double X[32 * 2], y[32];
  for (size_t i = 0; i < 32; i++) {
    X[i * 2] = 1;
    X[i * 2 + 1] = mt_wt[i] * 1e-300;
    y[i] = mt_mpg[i] * 1e300;
  }
  stats_ols r;
  assert_int_equal(stats_ols_fit(X, y, 32, 2, NULL, 0.95, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "beyond the largest number a double holds"));
}

static void test_did_scaled(void **state) {
  (void)state;
  /* test_stats.c's panel (R's values there) with y scaled */
  for (size_t s = 0; s < LEN(scales); s++) {
    long u[80];
    double tr[80], po[80], y[80];
    for (size_t i = 1; i <= 80; i++) {
      u[i - 1] = (long)((i - 1) / 4 + 1);
      tr[i - 1] = u[i - 1] <= 8;
      po[i - 1] = ((i - 1) % 4) >= 2;
      y[i - 1] = (10 + 2 * tr[i - 1] + 1.5 * po[i - 1] + 3 * tr[i - 1] * po[i - 1] +
                  (double)((u[i - 1] * 17) % 7) / 3 + (double)((i * 31) % 11) / 5) *
                 scales[s];
    }
    stats_did r;
    assert_int_equal(stats_did_fit(u, tr, po, y, 80, 0.95, &r, err, sizeof err), 0);
    assert_near(r.estimate, 2.8624999999999972 * scales[s], 1e-12);
    assert_near(r.se_cluster, 0.37097885248259804 * scales[s], 1e-11);
    assert_near(r.p, 3.475724803781634e-09, 1e-8);
    assert_near(r.p_cluster, 2.8544239278013586e-07, 1e-8);
  }
}

static void test_alpha_scaled(void **state) {
  (void)state;
  const double it[] = {4, 5, 4, 3, 4, 3, 3, 4, 2, 3, 5, 5, 5, 4, 5, 2, 3, 2, 2, 1, 4, 4, 3, 4, 4,
                       3, 2, 3, 3, 2, 5, 4, 5, 5, 4, 1, 2, 2, 1, 2, 4, 4, 4, 3, 5, 3, 4, 3, 3, 3};
  /* 3e307: five items of up to 1.5e308 sum past the largest double (alpha
   * was 1.5: the total's variance infinite) */
  const double sc[] = {1, 1e200, 1e-200, 3e307};
  for (size_t s = 0; s < LEN(sc); s++) {
    double v[50];
    for (size_t i = 0; i < 50; i++)
      v[i] = it[i] * sc[s];
    stats_alpha r;
    assert_int_equal(stats_cronbach_alpha(v, 10, 5, &r, err, sizeof err), 0);
    /* k/(k-1)*(1 - it.var(0, ddof=1).sum()/it.sum(1).var(ddof=1)):
     * 0.9423524844720497 */
    assert_near(r.alpha, 0.9423524844720497, 1e-12);
  }
}

static void test_chisq_scaled(void **state) {
  (void)state;
  const double m[] = {12, 7, 5, 9};
  for (size_t s = 0; s < LEN(scales); s++) {
    double v[4];
    for (size_t i = 0; i < 4; i++)
      v[i] = m[i] * scales[s];
    stats_chisq r;
    assert_int_equal(stats_chisq_test(v, 2, 2, false, &r, err, sizeof err), 0);
    /* st.chi2_contingency(m, correction=False): 2.4305755196815575
     * 0.118989205532145; Cramer's V (R, test_stats.c) 0.27139234260883977 */
    assert_near(r.statistic, 2.4305755196815575 * scales[s], 1e-12);
    assert_near(r.cramers_v, 0.27139234260883977, 1e-12);
    assert_near(r.n, 33 * scales[s], 1e-15);
    if (scales[s] == 1)
      assert_near(r.p, 0.118989205532145, 1e-10);
    else
      assert_true(r.p >= 0 && r.p <= 1);
    assert_true(isfinite(r.statistic) && isfinite(r.p));
  }
  /* Yates at unit scale unchanged: st.chi2_contingency(m): 1.455996378814684 */
  stats_chisq r;
  assert_int_equal(stats_chisq_test(m, 2, 2, true, &r, err, sizeof err), 0);
  assert_near(r.statistic, 1.455996378814684, 1e-12);
  /* Counts whose total passes the largest double: said so, not inf/NaN. */
  const double big[] = {1e308, 5e307, 7e307, 9e307};
  assert_int_equal(stats_chisq_test(big, 2, 2, false, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "beyond the largest number a double holds"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_paired_scaled),   cmocka_unit_test(test_compsum_scale_grows),
      cmocka_unit_test(test_welch_scaled),    cmocka_unit_test(test_anova_scaled),
      cmocka_unit_test(test_ols_scaled),      cmocka_unit_test(test_did_scaled),
      cmocka_unit_test(test_alpha_scaled),    cmocka_unit_test(test_chisq_scaled),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

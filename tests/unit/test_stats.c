/* Unit tests for stats: every test against values computed by R 4 (Debian's
 * r-base, with r-cran-sandwich for the robust errors) on the same data. The R
 * code is beside each expected value; run it with /usr/bin/Rscript and
 * f <- function(...) cat(sprintf("%.17g", c(...)), "\n"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_multifit.h>

#include "stats.h"

#define NA NAN
#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* |got - want| <= tol |want| (or <= tol when want is 0). */
#define assert_rel(got, want, tol) check_rel((got), (want), (tol), #got, __FILE__, __LINE__)

static void check_rel(double got, double want, double tol, const char *what, const char *file,
                      int line) {
  double lim = want == 0 ? tol : tol * fabs(want);
  if (!(fabs(got - want) <= lim)) {
    print_error("%s = %.17g, expected %.17g (relative tolerance %g)\n", what, got, want, tol);
    _fail(file, line);
  }
}

static char err[256];

/* R's sleep data: extra for group 1 (x) and group 2 (y). */
static const double sleep_x[] = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
static const double sleep_y[] = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

/* mtcars$mpg, $wt, $hp, $am */
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

/* x <- mtcars$mpg[mtcars$am == 0]; y <- mtcars$mpg[mtcars$am == 1] */
static size_t mtcars_by_am(double *x, double *y, size_t *ny) {
  size_t nx = 0;
  *ny = 0;
  for (size_t i = 0; i < LEN(mt_mpg); i++) {
    if (mt_am[i])
      y[(*ny)++] = mt_mpg[i];
    else
      x[nx++] = mt_mpg[i];
  }
  return nx;
}

/* ---- paired t ---- */

static void test_paired_sleep(void **state) {
  (void)state;
  stats_paired r;
  assert_int_equal(stats_paired_t(sleep_x, sleep_y, 10, 0.95, &r, err, sizeof err), 0);
  /* x <- sleep$extra[sleep$group==1]; y <- sleep$extra[sleep$group==2]
   * r <- t.test(y, x, paired=TRUE); d <- y - x
   * f(r$statistic, r$parameter, r$p.value, r$estimate, sd(d), r$conf.int, mean(d)/sd(d)) */
  assert_int_equal(r.n, 10);
  assert_int_equal(r.dropped, 0);
  assert_rel(r.t, 4.0621276833820366, 1e-12);
  assert_rel(r.df, 9, 0);
  assert_rel(r.p, 0.0028328901973842702, 1e-10);
  assert_rel(r.mean_diff, 1.58, 1e-13);
  assert_rel(r.sd_diff, 1.2299954832798732, 1e-13);
  assert_rel(r.se, 1.2299954832798732 / sqrt(10), 1e-13);
  assert_rel(r.ci_low, 0.70011423672301754, 1e-10);
  assert_rel(r.ci_high, 2.4598857632769824, 1e-10);
  assert_rel(r.cohens_dz, 1.2845575625910546, 1e-12);
}

static void test_paired_missing_dropped(void **state) {
  (void)state;
  /* The sleep data with two extra pairs that have a missing value. */
  double x[12], y[12];
  memcpy(x, sleep_x, sizeof sleep_x);
  memcpy(y, sleep_y, sizeof sleep_y);
  x[10] = NA;
  y[10] = 3;
  x[11] = 1;
  y[11] = NA;
  stats_paired r;
  assert_int_equal(stats_paired_t(x, y, 12, 0.95, &r, err, sizeof err), 0);
  assert_int_equal(r.n, 10);
  assert_int_equal(r.dropped, 2);
  assert_rel(r.t, 4.0621276833820366, 1e-12);
}

static void test_paired_from_sums(void **state) {
  (void)state;
  /* The three forms give the same bits: pairs, differences, and the
   * one-pass sums of the differences (as `cleval stats` takes them while
   * reading a file). Sleep data, R values as above. */
  stats_paired a, b;
  assert_int_equal(stats_paired_t(sleep_x, sleep_y, 10, 0.95, &a, err, sizeof err), 0);
  compsum_moments s;
  compsum_moments_init(&s);
  for (size_t i = 0; i < 10; i++)
    compsum_moments_add(&s, sleep_y[i] - sleep_x[i]);
  assert_int_equal(stats_paired_t_sums(&s, 3, 0.95, &b, err, sizeof err), 0);
  assert_int_equal(b.dropped, 3);
  b.dropped = a.dropped;
  assert_memory_equal(&a, &b, sizeof a);
  assert_rel(b.t, 4.0621276833820366, 1e-12);
  /* Too few: the same error as the array forms. */
  compsum_moments one;
  compsum_moments_init(&one);
  compsum_moments_add(&one, 1.5);
  assert_int_equal(stats_paired_t_sums(&one, 0, 0.95, &b, err, sizeof err), -1);
  assert_non_null(strstr(err, "fewer than 2 usable pairs"));
}

static void test_paired_on_differences(void **state) {
  (void)state;
  /* The _diff forms on d = y - x give the same results (sleep data). */
  double d[11];
  for (size_t i = 0; i < 10; i++)
    d[i] = sleep_y[i] - sleep_x[i];
  d[10] = NA;
  stats_paired r;
  assert_int_equal(stats_paired_t_diff(d, 11, 0.95, &r, err, sizeof err), 0);
  assert_int_equal(r.n, 10);
  assert_int_equal(r.dropped, 1);
  assert_rel(r.t, 4.0621276833820366, 1e-12);
  assert_rel(r.p, 0.0028328901973842702, 1e-10);
  stats_signrank w;
  assert_int_equal(stats_wilcoxon_diff(d, 11, &w, err, sizeof err), 0);
  assert_rel(w.v, 45, 0);
  assert_rel(w.p, 0.0090906980159250559, 1e-10);
  assert_int_equal(w.zeros, 1);
  assert_int_equal(w.dropped, 1);
  const double same[] = {2, 2, 2};
  assert_int_equal(stats_paired_t_diff(same, 3, 0.95, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "zero variance"));
}

static void test_paired_n2(void **state) {
  (void)state;
  const double x[] = {1, 2}, y[] = {2, 4.5};
  stats_paired r;
  assert_int_equal(stats_paired_t(x, y, 2, 0.95, &r, err, sizeof err), 0);
  /* r <- t.test(c(2,4.5), c(1,2), paired=TRUE)
   * f(r$statistic, r$parameter, r$p.value, r$conf.int) */
  assert_rel(r.t, 2.3333333333333335, 1e-13);
  assert_rel(r.df, 1, 0);
  assert_rel(r.p, 0.25776211681831307, 1e-10);
  assert_rel(r.ci_low, -7.7796535521310197, 1e-9);
  assert_rel(r.ci_high, 11.279653552131021, 1e-9);
}

/* i <- 1:10000; x <- ((i*37) %% 101)/10; y <- x + (((i*53) %% 97) - 47)/20 */
static void large_pairs(double *x, double *y, size_t n) {
  for (size_t i = 1; i <= n; i++) {
    x[i - 1] = (double)((i * 37) % 101) / 10;
    y[i - 1] = x[i - 1] + ((double)((i * 53) % 97) - 47) / 20;
  }
}

static void test_paired_large(void **state) {
  (void)state;
  enum { N = 10000 };
  double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
  large_pairs(x, y, N);
  stats_paired r;
  assert_int_equal(stats_paired_t(x, y, N, 0.95, &r, err, sizeof err), 0);
  /* r <- t.test(y, x, paired=TRUE)
   * f(r$statistic, r$parameter, r$p.value, r$estimate, r$conf.int) */
  assert_rel(r.t, 3.576028324462198, 1e-11);
  assert_rel(r.df, 9999, 0);
  assert_rel(r.p, 0.00035050057286036451, 1e-9);
  assert_rel(r.mean_diff, 0.050064999999999998, 1e-11);
  assert_rel(r.ci_low, 0.02262185152383064, 1e-9);
  assert_rel(r.ci_high, 0.077508148476169353, 1e-9);
  free(x);
  free(y);
}

static void test_paired_errors(void **state) {
  (void)state;
  stats_paired r;
  const double x1[] = {1, NA}, y1[] = {2, 3};
  assert_int_equal(stats_paired_t(x1, y1, 2, 0.95, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "fewer than 2 usable pairs"));
  assert_int_equal(stats_paired_t(x1, y1, 0, 0.95, &r, err, sizeof err), -1);
  const double x2[] = {1, 2, 3}, y2[] = {2, 3, 4};
  assert_int_equal(stats_paired_t(x2, y2, 3, 0.95, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "zero variance"));
  /* equal in exact arithmetic, not quite in binary: still constant */
  const double x3[] = {1.0, 2.0, 3.0}, y3[] = {1.1, 2.1, 3.1};
  assert_int_equal(stats_paired_t(x3, y3, 3, 0.95, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "zero variance"));
  const double x4[] = {1, INFINITY, 3}, y4[] = {2, 3, 5};
  assert_int_equal(stats_paired_t(x4, y4, 3, 0.95, &r, err, sizeof err), -1);
  assert_int_equal(stats_paired_t(sleep_x, sleep_y, 10, 1.5, &r, err, sizeof err), -1);
}

/* ---- distribution tails ---- */

static void test_t_tails(void **state) {
  (void)state;
  /* for (df in c(1,10,1000,1e6)) f(df, 2*pt(-40, df), log(2)+pt(-40,df,log.p=TRUE)) */
  assert_rel(stats_t_p(40, 1), 0.015912179824051624, 1e-10);
  assert_rel(stats_t_p(-40, 10), 2.2808577430857475e-12, 1e-10);
  assert_rel(stats_t_p(40, 1000), 1.0478852155172875e-209, 1e-9);
  assert_rel(stats_t_logp(40, 1), -4.1406704363347195, 1e-12);
  assert_rel(stats_t_logp(40, 10), -26.806469540601064, 1e-12);
  assert_rel(stats_t_logp(40, 1000), -481.19351038303336, 1e-12);
  /* df 1e6: the p (about 1e-349) is below the smallest double, so R and we
   * give 0; its log is still right. */
  assert_true(stats_t_p(40, 1e6) == 0);
  assert_rel(stats_t_logp(40, 1e6), -803.27517756978216, 1e-10);
  /* f(2*pt(-3, 1e6), 2*pt(-20,31), 2*pt(-10,100), 2*pt(-0.5,5), 2*pt(-60,2000),
   *   log(2)+pt(-60,2000,log.p=TRUE)) */
  assert_rel(stats_t_p(3, 1e6), 0.0026998625414217923, 1e-9);
  assert_rel(stats_t_p(20, 31), 2.8161788997864618e-19, 1e-9);
  assert_rel(stats_t_p(10, 100), 9.9016889845940936e-17, 1e-9);
  assert_rel(stats_t_p(0.5, 5), 0.63829887164092902, 1e-12);
  assert_true(stats_t_p(60, 2000) == 0); /* below DBL_MIN */
  assert_rel(stats_t_logp(60, 2000), -1033.4251456956833, 1e-10);
  assert_rel(stats_t_p(0, 7), 1, 1e-15);
  /* p values near and below DBL_MIN (where GSL's beta_inc underflows) come
   * from the log-scale continued fraction:
   * for (t in c(45,46,47)) f(t, 2*pt(-t,2000), log(2)+pt(-t,2000,log.p=TRUE)) */
  assert_rel(stats_t_p(45, 2000), 4.6178325073896492e-306, 1e-9);
  assert_rel(stats_t_logp(45, 2000), -703.06111301541637, 1e-12);
  assert_rel(stats_t_p(46, 2000), 8.9181629675799796e-316, 1e-6); /* subnormal */
  assert_rel(stats_t_logp(46, 2000), -725.42879940467367, 1e-12);
  assert_true(stats_t_p(47, 2000) == 0);
  assert_rel(stats_t_logp(47, 2000), -747.78238595994878, 1e-12);
  /* f(2*pnorm(-40), log(2)+pnorm(-40,log.p=TRUE), 2*pnorm(-5)) */
  assert_true(stats_z_p(40) == 0);
  assert_rel(stats_z_logp(-40), -803.91529483319391, 1e-12);
  assert_rel(stats_z_p(5), 5.7330314375838782e-07, 1e-10);
  /* f(qt(0.975, c(1,9,30,1000,1e6)), qt(0.995,10)) */
  assert_rel(stats_t_crit(1, 0.95), 12.706204736174694, 1e-10);
  assert_rel(stats_t_crit(9, 0.95), 2.2621571627982049, 1e-10);
  assert_rel(stats_t_crit(30, 0.95), 2.0422724563012378, 1e-10);
  assert_rel(stats_t_crit(1000, 0.95), 1.9623390808264076, 1e-10);
  assert_rel(stats_t_crit(1e6, 0.95), 1.9599663568141066, 1e-10);
  assert_rel(stats_t_crit(10, 0.99), 3.16927267261695, 1e-10);
}

/* ---- two samples ---- */

static void test_welch_student_mtcars(void **state) {
  (void)state;
  double x[32], y[32];
  size_t ny, nx = mtcars_by_am(x, y, &ny);
  stats_twosample r;
  assert_int_equal(stats_welch_t(x, nx, y, ny, 0.95, &r, err, sizeof err), 0);
  /* x <- mtcars$mpg[mtcars$am==0]; y <- mtcars$mpg[mtcars$am==1]; r <- t.test(y, x)
   * f(r$statistic, r$parameter, r$p.value, r$conf.int) */
  assert_int_equal(r.n_x, 19);
  assert_int_equal(r.n_y, 13);
  assert_rel(r.t, 3.7671231451449252, 1e-12);
  assert_rel(r.df, 18.332251638400461, 1e-12);
  assert_rel(r.p, 0.0013736383330710284, 1e-9);
  assert_rel(r.ci_low, 3.2096841874699598, 1e-10);
  assert_rel(r.ci_high, 11.280194355040161, 1e-10);
  /* nx<-length(x); ny<-length(y); sp <- sqrt(((nx-1)*var(x)+(ny-1)*var(y))/(nx+ny-2))
   * f((mean(y)-mean(x))/sp*(1-3/(4*(nx+ny)-9))) */
  assert_rel(r.hedges_g, 1.4406879253191958, 1e-12);
  assert_int_equal(stats_student_t(x, nx, y, ny, 0.95, &r, err, sizeof err), 0);
  /* r <- t.test(y, x, var.equal=TRUE); f(r$statistic, r$parameter, r$p.value, r$conf.int) */
  assert_rel(r.t, 4.1061269831006904, 1e-12);
  assert_rel(r.df, 30, 0);
  assert_rel(r.p, 0.00028502074393506728, 1e-9);
  assert_rel(r.ci_low, 3.641509571648875, 1e-10);
  assert_rel(r.ci_high, 10.848368970861245, 1e-10);
  assert_rel(r.hedges_g, 1.4406879253191958, 1e-12);
}

static void test_twosample_missing_and_errors(void **state) {
  (void)state;
  double x[34], y[34];
  size_t ny, nx = mtcars_by_am(x, y, &ny);
  x[nx++] = NA;
  y[ny++] = NA;
  stats_twosample r;
  assert_int_equal(stats_welch_t(x, nx, y, ny, 0.95, &r, err, sizeof err), 0);
  assert_int_equal(r.dropped, 2);
  assert_int_equal(r.n_x, 19);
  assert_rel(r.t, 3.7671231451449252, 1e-12);
  const double one[] = {3}, two[] = {4, 4}, three[] = {5, 5, 5};
  assert_int_equal(stats_welch_t(one, 1, three, 3, 0.95, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "fewer than 2 values in x"));
  assert_int_equal(stats_student_t(two, 2, three, 3, 0.95, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "zero variance"));
  assert_int_equal(stats_welch_t(two, 2, three, 3, 0.95, &r, err, sizeof err), -1);
}

/* The pooled test is defined with one value in one sample when the other
 * has at least two (issue 18, defect 10); Welch's is not.
 * x <- 3.5; y <- c(1, 2, 4, 6); r <- t.test(y, x, var.equal = TRUE)
 * sprintf("%.17g", c(r$statistic, r$parameter, r$p.value, r$conf.int))
 * t.test(y, x) stops: "not enough 'y' observations" (its y is our x). */
static void test_student_one_value(void **state) {
  (void)state;
  const double x[] = {3.5}, y[] = {1, 2, 4, 6};
  stats_twosample r;
  assert_int_equal(stats_student_t(x, 1, y, 4, 0.95, &r, err, sizeof err), 0);
  assert_int_equal(r.n_x, 1);
  assert_int_equal(r.n_y, 4);
  assert_rel(r.mean_diff, -0.25, 1e-15);
  assert_rel(r.t, -0.10084389681792214, 1e-12);
  assert_rel(r.df, 3, 0);
  assert_rel(r.p, 0.9260361456156373, 1e-10);
  assert_rel(r.ci_low, -8.1395362181157758, 1e-10);
  assert_rel(r.ci_high, 7.6395362181157758, 1e-10);
  assert_true(isnan(r.sd_x)); /* R: sd(3.5) is NA */
  /* The other way round: y has the one value. */
  assert_int_equal(stats_student_t(y, 4, x, 1, 0.95, &r, err, sizeof err), 0);
  assert_rel(r.t, 0.10084389681792214, 1e-12);
  assert_true(isnan(r.sd_y));
  /* Welch's needs two in each; the pooled one needs two in one of them. */
  assert_int_equal(stats_welch_t(x, 1, y, 4, 0.95, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "fewer than 2 values in x"));
  assert_int_equal(stats_student_t(x, 1, x, 1, 0.95, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "one of them needs 2 or more"));
  const double none[] = {NA};
  assert_int_equal(stats_student_t(none, 1, y, 4, 0.95, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "no values in x"));
}

static void test_mean_ci(void **state) {
  (void)state;
  /* x <- c(4.17,5.58,5.18,6.11,4.50,4.61,5.17,4.53,5.33,5.14); r <- t.test(x)
   * f(mean(x), sd(x), r$conf.int) */
  const double x[] = {4.17, 5.58, 5.18, 6.11, 4.50, NA, 4.61, 5.17, 4.53, 5.33, 5.14};
  stats_mean r;
  assert_int_equal(stats_mean_ci(x, LEN(x), 0.95, &r, err, sizeof err), 0);
  assert_int_equal(r.n, 10);
  assert_int_equal(r.dropped, 1);
  assert_rel(r.mean, 5.032, 1e-13);
  assert_rel(r.sd, 0.58309137839240566, 1e-12);
  assert_rel(r.ci_low, 4.6148815556550389, 1e-11);
  assert_rel(r.ci_high, 5.4491184443449612, 1e-11);
  const double c[] = {2, 2, 2};
  assert_int_equal(stats_mean_ci(c, 3, 0.95, &r, err, sizeof err), 0);
  assert_rel(r.ci_low, 2, 0);
  assert_rel(r.ci_high, 2, 0);
  assert_int_equal(stats_mean_ci(c, 1, 0.95, &r, err, sizeof err), -1);
}

/* ---- rank tests ---- */

static void test_wilcoxon_exact(void **state) {
  (void)state;
  /* R's ?wilcox.test depression example:
   * x <- c(1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30)
   * y <- c(0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29)
   * w <- wilcox.test(y, x, paired=TRUE); f(w$statistic, w$p.value)
   * f(wilcox.test(y, x, paired=TRUE, exact=FALSE)$p.value) */
  const double x[] = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
  const double y[] = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};
  stats_signrank r;
  assert_int_equal(stats_wilcoxon(x, y, 9, &r, err, sizeof err), 0);
  assert_true(r.exact);
  assert_false(r.ties);
  assert_int_equal(r.n, 9);
  assert_rel(r.v, 5, 0);
  assert_rel(r.p, 0.0390625, 1e-14);
  assert_rel(r.p_normal, 0.044010984012951455, 1e-10);
}

static void test_wilcoxon_ties_zeros(void **state) {
  (void)state;
  /* The sleep data: one zero difference and tied |differences|, so the normal
   * approximation: w <- suppressWarnings(wilcox.test(y, x, paired=TRUE))
   * f(w$statistic, w$p.value) */
  stats_signrank r;
  assert_int_equal(stats_wilcoxon(sleep_x, sleep_y, 10, &r, err, sizeof err), 0);
  assert_false(r.exact);
  assert_true(r.ties);
  assert_int_equal(r.zeros, 1);
  assert_int_equal(r.n, 9);
  assert_rel(r.v, 45, 0);
  assert_rel(r.p, 0.0090906980159250559, 1e-10);
  assert_rel(r.p_normal, r.p, 0);
}

static void test_wilcoxon_n49_and_large(void **state) {
  (void)state;
  /* i <- 1:49; d <- (((i*7919) %% 1009) - 400)/7; xx <- rep(0,49)
   * w <- wilcox.test(d, xx, paired=TRUE); f(w$statistic, w$p.value)
   * f(wilcox.test(d, xx, paired=TRUE, exact=FALSE)$p.value) */
  double x[49], y[49];
  for (size_t i = 1; i <= 49; i++) {
    x[i - 1] = 0;
    y[i - 1] = ((double)((i * 7919) % 1009) - 400) / 7;
  }
  stats_signrank r;
  assert_int_equal(stats_wilcoxon(x, y, 49, &r, err, sizeof err), 0);
  assert_true(r.exact);
  assert_rel(r.v, 870, 0);
  assert_rel(r.p, 0.009705983634251682, 1e-10);
  assert_rel(r.p_normal, 0.010574483286258577, 1e-10);

  /* 10000 pairs with ties and zeros (large_pairs):
   * w <- suppressWarnings(wilcox.test(y, x, paired=TRUE)); f(w$statistic, w$p.value) */
  enum { N = 10000 };
  double *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
  large_pairs(a, b, N);
  assert_int_equal(stats_wilcoxon(a, b, N, &r, err, sizeof err), 0);
  assert_false(r.exact);
  assert_rel(r.v, 25498894, 0);
  assert_rel(r.p, 0.00038676394031584091, 1e-9);
  free(a);
  free(b);
}

static void test_wilcoxon_radix_matches_qsort(void **state) {
  (void)state;
  /* Above 4096 nonzero differences the sort is a radix sort: the statistic
   * must equal the one from a small-array path computed by brute force. */
  enum { N = 6000 };
  double *x = calloc(N, sizeof *x), *y = malloc(N * sizeof *y);
  for (size_t i = 0; i < N; i++)
    y[i] = ((double)((i * 7919) % 2003) - 1000) / 8; /* ties, one sign change */
  stats_signrank r;
  assert_int_equal(stats_wilcoxon(x, y, N, &r, err, sizeof err), 0);
  double v = 0;
  size_t nz = 0;
  for (size_t i = 0; i < N; i++) {
    if (y[i] == 0)
      continue;
    nz++;
    if (y[i] < 0)
      continue;
    double below = 0, equal = 0;
    for (size_t j = 0; j < N; j++) {
      if (y[j] == 0)
        continue;
      if (fabs(y[j]) < fabs(y[i]))
        below++;
      else if (fabs(y[j]) == fabs(y[i]))
        equal++;
    }
    v += below + (equal + 1) / 2;
  }
  assert_int_equal(r.n, nz);
  assert_rel(r.v, v, 0);
  free(x);
  free(y);
}

static void test_wilcoxon_errors(void **state) {
  (void)state;
  stats_signrank r;
  const double x[] = {1, 2, 3}, y[] = {1, 2, 3};
  assert_int_equal(stats_wilcoxon(x, y, 3, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "all differences are zero"));
  assert_int_equal(stats_wilcoxon(x, y, 1, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "fewer than 2 usable pairs"));
  /* n = 2: x <- c(1,2); y <- c(3,5): V = 3, exact p = 0.5 (wilcox.test(y, x, paired=TRUE)) */
  const double a[] = {1, 2}, b[] = {3, 5};
  assert_int_equal(stats_wilcoxon(a, b, 2, &r, err, sizeof err), 0);
  assert_rel(r.v, 3, 0);
  assert_rel(r.p, 0.5, 1e-15);
}

static void test_mann_whitney(void **state) {
  (void)state;
  stats_ranksum r;
  /* R's ?wilcox.test example, exact:
   * x <- c(0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46)
   * y <- c(1.15, 0.88, 0.90, 0.74, 1.21)
   * w <- wilcox.test(y, x); f(w$statistic, w$p.value)
   * f(wilcox.test(y, x, exact=FALSE)$p.value) */
  const double x[] = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
  const double y[] = {1.15, 0.88, 0.90, 0.74, 1.21};
  assert_int_equal(stats_mann_whitney(x, 10, y, 5, &r, err, sizeof err), 0);
  assert_true(r.exact);
  assert_rel(r.w, 15, 0);
  assert_rel(r.p, 0.2544122544122544, 1e-12);
  assert_rel(r.p_normal, 0.24462360512698336, 1e-10);

  /* With ties (mtcars mpg by am): w <- suppressWarnings(wilcox.test(y, x))
   * f(w$statistic, w$p.value) */
  double mx[32], my[32];
  size_t ny, nx = mtcars_by_am(mx, my, &ny);
  assert_int_equal(stats_mann_whitney(mx, nx, my, ny, &r, err, sizeof err), 0);
  assert_false(r.exact);
  assert_true(r.ties);
  assert_rel(r.w, 205, 0);
  assert_rel(r.p, 0.0018713913331785568, 1e-10);

  /* Both samples just under 50, exact:
   * i<-1:49; x <- ((i*7919) %% 1009)/7; j <- 1:30; y <- ((j*104729) %% 1013)/7 + 20
   * w <- wilcox.test(y, x); f(w$statistic, w$p.value); f(wilcox.test(y, x, exact=FALSE)$p.value) */
  double bx[49], by[30];
  for (size_t i = 1; i <= 49; i++)
    bx[i - 1] = (double)((i * 7919) % 1009) / 7;
  for (size_t j = 1; j <= 30; j++)
    by[j - 1] = (double)((j * 104729) % 1013) / 7 + 20;
  assert_int_equal(stats_mann_whitney(bx, 49, by, 30, &r, err, sizeof err), 0);
  assert_true(r.exact);
  assert_rel(r.w, 858, 0);
  assert_rel(r.p, 0.21733915341952181, 1e-10);
  assert_rel(r.p_normal, 0.21592493894014034, 1e-10);

  const double e[] = {2, 2}, f[] = {2, 2, 2};
  assert_int_equal(stats_mann_whitney(e, 2, f, 3, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "all values are equal"));
  assert_int_equal(stats_mann_whitney(e, 0, f, 3, &r, err, sizeof err), -1);
}

/* ---- chi-square ---- */

static void test_chisq(void **state) {
  (void)state;
  /* m <- matrix(c(12, 5, 7, 9), 2)  (rows 12 7 / 5 9)
   * r <- chisq.test(m, correct=FALSE); f(r$statistic, r$parameter, r$p.value,
   *   sqrt(r$statistic/sum(m)))
   * r <- chisq.test(m, correct=TRUE); f(r$statistic, r$parameter, r$p.value) */
  const double m[] = {12, 7, 5, 9};
  stats_chisq r;
  assert_int_equal(stats_chisq_test(m, 2, 2, false, &r, err, sizeof err), 0);
  assert_rel(r.statistic, 2.4305755196815575, 1e-12);
  assert_rel(r.df, 1, 0);
  assert_rel(r.p, 0.1189892055321448, 1e-10);
  assert_rel(r.cramers_v, 0.27139234260883977, 1e-12);
  assert_int_equal(stats_chisq_test(m, 2, 2, true, &r, err, sizeof err), 0);
  assert_true(r.yates);
  assert_rel(r.statistic, 1.4559963788146839, 1e-12);
  assert_rel(r.p, 0.22756821457580992, 1e-10);
  assert_rel(r.cramers_v, 0.27139234260883977, 1e-12);
  /* M <- rbind(c(762, 327, 468), c(484, 239, 477)); r <- chisq.test(M)
   * f(r$statistic, r$parameter, r$p.value, sqrt(r$statistic/(sum(M)*1))) */
  const double M[] = {762, 327, 468, 484, 239, 477};
  assert_int_equal(stats_chisq_test(M, 2, 3, false, &r, err, sizeof err), 0);
  assert_rel(r.statistic, 30.070149095754672, 1e-12);
  assert_rel(r.df, 2, 0);
  assert_rel(r.p, 2.9535891832117569e-07, 1e-10);
  assert_rel(r.cramers_v, 0.10443580235646777, 1e-12);
  assert_int_equal(stats_chisq_test(M, 2, 3, true, &r, err, sizeof err), -1);
  const double z[] = {1, 0, 2, 0};
  assert_int_equal(stats_chisq_test(z, 2, 2, false, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "column 2 has no counts"));
  const double neg[] = {1, -1, 2, 3};
  assert_int_equal(stats_chisq_test(neg, 2, 2, false, &r, err, sizeof err), -1);
  assert_int_equal(stats_chisq_test(neg, 1, 4, false, &r, err, sizeof err), -1);
}

/* ---- regression ---- */

static void test_ols_mtcars(void **state) {
  (void)state;
  double X[32 * 3];
  for (size_t i = 0; i < 32; i++) {
    X[i * 3] = 1;
    X[i * 3 + 1] = mt_wt[i];
    X[i * 3 + 2] = mt_hp[i];
  }
  stats_ols r;
  assert_int_equal(stats_ols_fit(X, mt_mpg, 32, 3, NULL, 0.95, &r, err, sizeof err), 0);
  /* library(sandwich); m <- lm(mpg ~ wt + hp, data=mtcars); s <- summary(m)
   * f(coef(m)); f(s$coefficients[,2]); f(sqrt(diag(vcovHC(m, type="HC1"))))
   * f(s$r.squared, s$adj.r.squared, s$sigma); f(s$coefficients[,4])
   * (by hand, the same HC1: X <- model.matrix(m); e <- resid(m);
   *  A <- solve(crossprod(X)); sqrt(diag(A %*% crossprod(X*e) %*% A * 32/29))) */
  const double coef[] = {37.227270116447201, -3.8778307424046821, -0.031772946982161002};
  const double se[] = {1.5987875379993941, 0.63273349437739534, 0.0090297096758557224};
  const double hc1[] = {2.0367350019129633, 0.6512037548099433, 0.0069813612520214169};
  const double p[] = {2.5654585119837577e-20, 1.1196471362000422e-06, 0.0014512285315694238};
  assert_int_equal(r.n, 32);
  assert_int_equal(r.p, 3);
  for (size_t j = 0; j < 3; j++) {
    assert_rel(r.coef[j], coef[j], 1e-11);
    assert_rel(r.se[j], se[j], 1e-11);
    assert_rel(r.se_hc1[j], hc1[j], 1e-10);
    assert_rel(r.p_value[j], p[j], 1e-8);
  }
  assert_rel(r.r_squared, 0.82678545188279118, 1e-12);
  assert_rel(r.adj_r_squared, 0.8148396209781561, 1e-12);
  assert_rel(r.sigma, 2.5934117772265668, 1e-12);
  assert_null(r.se_cluster);
  stats_ols_clear(&r);
  stats_ols_clear(NULL);
  /* intercept only: s <- summary(lm(mpg ~ 1, data=mtcars)); f(s$coefficients[1,1:2],
   * s$r.squared): 20.090624999999996 1.0654239593728145 0 */
  double one[32];
  for (size_t i = 0; i < 32; i++)
    one[i] = 1;
  assert_int_equal(stats_ols_fit(one, mt_mpg, 32, 1, NULL, 0.95, &r, err, sizeof err), 0);
  assert_rel(r.coef[0], 20.090624999999996, 1e-13);
  assert_rel(r.se[0], 1.0654239593728145, 1e-12);
  assert_true(r.r_squared == 0);
  stats_ols_clear(&r);
}

/* u <- rep(1:20, each=4); tr <- as.numeric(u <= 8); po <- rep(c(0,0,1,1), 20)
 * y <- 10 + 2*tr + 1.5*po + 3*tr*po + ((u*17) %% 7)/3 + (((1:80)*31) %% 11)/5 */
static void did_panel(long *u, double *tr, double *po, double *y) {
  for (size_t i = 1; i <= 80; i++) {
    u[i - 1] = (long)((i - 1) / 4 + 1);
    tr[i - 1] = u[i - 1] <= 8;
    po[i - 1] = ((i - 1) % 4) >= 2;
    y[i - 1] = 10 + 2 * tr[i - 1] + 1.5 * po[i - 1] + 3 * tr[i - 1] * po[i - 1] +
               (double)((u[i - 1] * 17) % 7) / 3 + (double)((i * 31) % 11) / 5;
  }
}

static void test_did_cluster(void **state) {
  (void)state;
  long u[80];
  double tr[80], po[80], y[80];
  did_panel(u, tr, po, y);
  stats_did r;
  assert_int_equal(stats_did_fit(u, tr, po, y, 80, 0.95, &r, err, sizeof err), 0);
  /* m <- lm(y ~ tr*po); s <- summary(m); V <- vcovCL(m, cluster=~u, type="HC1")
   * se <- sqrt(diag(V)); G <- 20; tt <- coef(m)[4]/se[4]
   * f(coef(m)[4], s$coefficients[4,2], s$coefficients[4,4], se[4], 2*pt(-abs(tt), G-1),
   *   coef(m)[4] + c(-1,1)*qt(0.975,G-1)*se[4])
   * (by hand, the same: X <- model.matrix(m); e <- resid(m); A <- solve(crossprod(X));
   *  S <- rowsum(X*e, u); sqrt(diag(A %*% crossprod(S) %*% A * G/(G-1)*(80-1)/(80-4)))) */
  assert_int_equal(r.n, 80);
  assert_int_equal(r.n_clusters, 20);
  assert_rel(r.df_cluster, 19, 0);
  assert_rel(r.estimate, 2.8624999999999972, 1e-12);
  assert_rel(r.se, 0.42842776196486448, 1e-11);
  assert_rel(r.p, 3.475724803781634e-09, 1e-8);
  assert_rel(r.se_cluster, 0.37097885248259804, 1e-11);
  assert_rel(r.p_cluster, 2.8544239278013586e-07, 1e-8);
  assert_rel(r.ci_low, 2.0860323380771275, 1e-10);
  assert_rel(r.ci_high, 3.6389676619228668, 1e-10);
}

/* The panel as the DiD's design: rows [1, treated, post, treated x post]. */
static void did_design(long u[80], double y[80], double X[80 * 4]) {
  double tr[80], po[80];
  did_panel(u, tr, po, y);
  for (size_t i = 0; i < 80; i++) {
    X[i * 4] = 1;
    X[i * 4 + 1] = tr[i];
    X[i * 4 + 2] = po[i];
    X[i * 4 + 3] = tr[i] * po[i];
  }
}

static void test_ols_cluster_all_terms(void **state) {
  (void)state;
  long u[80];
  double y[80], X[80 * 4];
  did_design(u, y, X);
  stats_ols r;
  assert_int_equal(stats_ols_fit(X, y, 80, 4, u, 0.95, &r, err, sizeof err), 0);
  /* f(se) with se <- sqrt(diag(vcovCL(m, cluster=~u, type="HC1"))) as above */
  const double se[] = {0.26321753507086793, 0.38535097471016427, 0.23971565357222588,
                       0.37097885248259782};
  for (size_t j = 0; j < 4; j++)
    assert_rel(r.se_cluster[j], se[j], 1e-11);
  stats_ols_clear(&r);
  /* Rows with a missing value are dropped, clusters and all. */
  long u2[82];
  double X2[82 * 4], y2[82];
  memcpy(u2, u, sizeof u);
  memcpy(X2, X, sizeof X);
  memcpy(y2, y, sizeof y);
  for (size_t i = 80; i < 82; i++) {
    u2[i] = 99;
    X2[i * 4] = 1;
    X2[i * 4 + 1] = i == 80 ? NA : 1;
    X2[i * 4 + 2] = X2[i * 4 + 3] = 0;
    y2[i] = i == 80 ? 5 : NA;
  }
  assert_int_equal(stats_ols_fit(X2, y2, 82, 4, u2, 0.95, &r, err, sizeof err), 0);
  assert_int_equal(r.n, 80);
  assert_int_equal(r.dropped, 2);
  assert_int_equal(r.n_clusters, 20);
  for (size_t j = 0; j < 4; j++)
    assert_rel(r.se_cluster[j], se[j], 1e-11);
  stats_ols_clear(&r);
}

/* A large DiD-shaped design (50,000 rows: intercept, treated, post, their
 * product and a hub dummy; y dyadic, so X'X and X'y are exact): the
 * coefficients within 1e-13 of the exact least-squares solution. The exact
 * values are rational arithmetic (Python fractions: X'X and X'y summed
 * exactly from the same generator, solved by Gauss-Jordan, rounded to the
 * nearest double). Without stats_ols_fit's refinement step the QR alone is
 * 1.3e-10 off on the last coefficient and 2.3e-11 on the product term
 * (issue 19: the scale-100 DiD was 6.9e-10 off). */
static void test_ols_refined_large(void **state) {
  (void)state;
  const size_t n = 50000;
  double *X = malloc(n * 5 * sizeof *X), *y = malloc(n * sizeof *y);
  long *cl = malloc(n * sizeof *cl);
  uint32_t s = 12345;
  for (size_t i = 0; i < n; i++) {
    s = s * 1103515245u + 12345u;
    int tr = (s >> 16) % 3 == 0, post = (int)(i % 2), hub = (s >> 20) % 5 == 0;
    double *x = X + i * 5;
    x[0] = 1;
    x[1] = tr;
    x[2] = post;
    x[3] = tr * post;
    x[4] = hub;
    s = s * 1103515245u + 12345u;
    y[i] = 100 + (double)((s >> 8) % 20000) / 64 + 0.5 * tr * post;
    cl[i] = (long)(i / 2);
  }
  stats_ols r;
  assert_int_equal(stats_ols_fit(X, y, n, 5, cl, 0.95, &r, err, sizeof err), 0);
  const double exact[] = {255.21138944841334, 1.5327692889880191, 1.1269571504978937,
                          -2.8966060514148024, -0.30766192473679};
  for (size_t j = 0; j < 5; j++)
    assert_rel(r.coef[j], exact[j], 1e-13);
  stats_ols_clear(&r);
  free(X);
  free(y);
  free(cl);
}

/* Rows given one at a time (stats_ols_fit_rows): the panel above in a
 * shuffled order, so the cluster ids come unsorted and the fit sorts them;
 * R's values (test_ols_cluster_all_terms) do not depend on the order. */
typedef struct panel_rows {
  const double *X, *y;
  const long *u;
  size_t p;
  size_t calls;
} panel_rows;

static void panel_row(void *ctx, size_t i, double *x, double *y, long *cluster) {
  panel_rows *r = ctx;
  size_t k = (i * 37) % 80; /* 37 is prime to 80: every row once */
  memcpy(x, r->X + k * r->p, r->p * sizeof *x);
  *y = r->y[k];
  if (cluster)
    *cluster = r->u[k];
  r->calls++;
}

static void test_ols_rows_shuffled(void **state) {
  (void)state;
  long u[80];
  double y[80], X[80 * 4];
  did_design(u, y, X);
  panel_rows pr = {X, y, u, 4, 0};
  stats_ols r;
  assert_int_equal(stats_ols_fit_rows(panel_row, &pr, 80, 4, true, 0.95, &r, err, sizeof err), 0);
  assert_true(pr.calls >= 3 * 80); /* read again, never held */
  /* as test_ols_cluster_all_terms and test_did_cluster */
  const double se[] = {0.26321753507086793, 0.38535097471016427, 0.23971565357222588,
                       0.37097885248259782};
  assert_int_equal(r.n, 80);
  assert_int_equal(r.n_clusters, 20);
  assert_rel(r.coef[3], 2.8624999999999972, 1e-12);
  assert_rel(r.se[3], 0.42842776196486448, 1e-11);
  for (size_t j = 0; j < 4; j++)
    assert_rel(r.se_cluster[j], se[j], 1e-11);
  assert_rel(r.p_cluster[3], 2.8544239278013586e-07, 1e-8);
  stats_ols_clear(&r);
  /* without clusters: the row function is not asked for ids */
  assert_int_equal(stats_ols_fit_rows(panel_row, &pr, 80, 4, false, 0.95, &r, err, sizeof err), 0);
  assert_null(r.se_cluster);
  assert_rel(r.se[3], 0.42842776196486448, 1e-11);
  stats_ols_clear(&r);
}

/* 3,000 random rows of five columns (an intercept and four predictors on
 * different scales), clusters of one to six rows: the rotations' fit
 * against GSL's SVD least squares (gsl_multifit_linear, another method)
 * and the sandwich worked out here from GSL's coefficients, term by term;
 * then a column that is the sum of two others, exactly: singular, with the
 * same message as stats_ols_fit gives. */
static uint32_t lcg(uint32_t *s) {
  *s = *s * 1103515245u + 12345u;
  return *s >> 8;
}

static void test_ols_rows_random(void **state) {
  (void)state;
  const size_t n = 3000, p = 5;
  double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
  long *cl = malloc(n * sizeof *cl);
  uint32_t s = 2024;
  long id = 0;
  for (size_t i = 0; i < n; i++) {
    double *x = X + i * p;
    x[0] = 1;
    x[1] = (double)(lcg(&s) % 1000) / 100;
    x[2] = (double)(lcg(&s) % 2);
    x[3] = 1e4 + (double)(lcg(&s) % 5000);
    x[4] = (double)(lcg(&s) % 997) * 1e-3;
    y[i] = 3 + 0.5 * x[1] - 2 * x[2] + 1e-4 * x[3] + 7 * x[4] + (double)(lcg(&s) % 1000) / 250;
    if (lcg(&s) % 4 == 0)
      id++;
    cl[i] = id;
  }
  stats_ols r;
  assert_int_equal(stats_ols_fit(X, y, n, p, cl, 0.95, &r, err, sizeof err), 0);

  gsl_matrix_view Xv = gsl_matrix_view_array(X, n, p);
  gsl_vector_view yv = gsl_vector_view_array(y, n);
  gsl_vector *c = gsl_vector_alloc(p);
  gsl_matrix *cov = gsl_matrix_alloc(p, p);
  gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n, p);
  double chisq;
  assert_int_equal(gsl_multifit_linear(&Xv.matrix, &yv.vector, c, cov, &chisq, w), 0);
  double s2 = chisq / (double)(n - p);
  /* A = (X'X)^-1 = cov / s2; meat = sum over clusters of (X_g' e_g)(X_g' e_g)' */
  double meat[25] = {0}, score[5] = {0}, v[25] = {0};
  for (size_t i = 0; i < n; i++) {
    double e = y[i];
    for (size_t j = 0; j < p; j++)
      e -= X[i * p + j] * gsl_vector_get(c, j);
    for (size_t j = 0; j < p; j++)
      score[j] += X[i * p + j] * e;
    if (i + 1 == n || cl[i + 1] != cl[i]) {
      for (size_t a = 0; a < p; a++)
        for (size_t b = 0; b < p; b++)
          meat[a * p + b] += score[a] * score[b];
      memset(score, 0, sizeof score);
    }
  }
  for (size_t a = 0; a < p; a++)
    for (size_t b = 0; b < p; b++)
      for (size_t k = 0; k < p; k++)
        for (size_t l = 0; l < p; l++)
          v[a * p + b] +=
              gsl_matrix_get(cov, a, k) / s2 * meat[k * p + l] * gsl_matrix_get(cov, l, b) / s2;
  double g = (double)(id + 1), adj = g / (g - 1) * (double)(n - 1) / (double)(n - p);
  assert_int_equal(r.n_clusters, (size_t)(id + 1));
  for (size_t j = 0; j < p; j++) {
    assert_rel(r.coef[j], gsl_vector_get(c, j), 1e-10);
    assert_rel(r.se[j], sqrt(gsl_matrix_get(cov, j, j)), 1e-10);
    assert_rel(r.se_cluster[j], sqrt(v[j * p + j] * adj), 1e-9);
  }
  stats_ols_clear(&r);

  /* column 4 = column 2 + column 3 exactly (integers): rank deficient */
  for (size_t i = 0; i < n; i++)
    X[i * p + 4] = X[i * p + 2] + X[i * p + 3];
  assert_int_equal(stats_ols_fit(X, y, n, p, cl, 0.95, &r, err, sizeof err), -1);
  assert_string_equal(err, "design matrix is singular (a predictor is constant or a linear "
                           "combination of the others)");
  gsl_multifit_linear_free(w);
  gsl_matrix_free(cov);
  gsl_vector_free(c);
  free(X);
  free(y);
  free(cl);
}

static void test_ols_errors(void **state) {
  (void)state;
  stats_ols r;
  /* a predictor that is twice another: singular */
  double X[6 * 3], y[6];
  for (size_t i = 0; i < 6; i++) {
    X[i * 3] = 1;
    X[i * 3 + 1] = (double)i;
    X[i * 3 + 2] = 2.0 * (double)i;
    y[i] = (double)(i * i);
  }
  assert_int_equal(stats_ols_fit(X, y, 6, 3, NULL, 0.95, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "design matrix is singular"));
  /* a scaled intercept and a constant column: singular whatever the scale */
  for (size_t i = 0; i < 6; i++)
    X[i * 3 + 2] = 1e-9;
  assert_int_equal(stats_ols_fit(X, y, 6, 3, NULL, 0.95, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "design matrix is singular"));
  /* too few rows */
  assert_int_equal(stats_ols_fit(X, y, 3, 3, NULL, 0.95, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "fewer observations"));
  /* exact fit */
  for (size_t i = 0; i < 6; i++)
    y[i] = 3 + 2 * (double)i;
  double X2[12];
  for (size_t i = 0; i < 6; i++) {
    X2[i * 2] = 1;
    X2[i * 2 + 1] = (double)i;
  }
  assert_int_equal(stats_ols_fit(X2, y, 6, 2, NULL, 0.95, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "zero residual variance"));
  /* one cluster */
  y[0] = 4;
  long one[6] = {7, 7, 7, 7, 7, 7};
  assert_int_equal(stats_ols_fit(X2, y, 6, 2, one, 0.95, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "fewer than 2 clusters"));
  /* did: treated not 0/1; nobody treated (singular) */
  long u[4] = {1, 1, 2, 2};
  double tr[4] = {0, 0, 2, 2}, po[4] = {0, 1, 0, 1}, yy[4] = {1, 2, 3, 5};
  stats_did d;
  assert_int_equal(stats_did_fit(u, tr, po, yy, 4, 0.95, &d, err, sizeof err), -1);
  assert_non_null(strstr(err, "treated must be 0 or 1"));
  double tr0[6] = {0, 0, 0, 0, 0, 0}, po6[6] = {0, 1, 0, 1, 0, 1}, y6[6] = {1, 2, 3, 5, 2, 2};
  long u6[6] = {1, 1, 2, 2, 3, 3};
  assert_int_equal(stats_did_fit(u6, tr0, po6, y6, 6, 0.95, &d, err, sizeof err), -1);
  assert_non_null(strstr(err, "singular"));
}

/* ---- alpha, p-adjust, Wilson, ANOVA ---- */

static void test_alpha(void **state) {
  (void)state;
  /* it <- rbind(c(4,5,4,3,4), c(3,3,4,2,3), c(5,5,5,4,5), c(2,3,2,2,1), c(4,4,3,4,4),
   *   c(3,2,3,3,2), c(5,4,5,5,4), c(1,2,2,1,2), c(4,4,4,3,5), c(3,4,3,3,3))
   * k <- ncol(it); f(k/(k-1)*(1 - sum(apply(it,2,var))/var(rowSums(it)))) */
  const double it[] = {4, 5, 4, 3, 4, 3, 3, 4, 2, 3, 5, 5, 5, 4,  5, 2, 3, 2, 2,
                       1, 4, 4, 3, 4, 4, 3, 2, 3, 3, 2, 5, 4, 5,  5, 4, 1, 2, 2,
                       1, 2, 4, 4, 4, 3, 5, 3, 4, 3, 3, 3, 1, NA, 3, 3, 3};
  stats_alpha r;
  assert_int_equal(stats_cronbach_alpha(it, 11, 5, &r, err, sizeof err), 0);
  assert_int_equal(r.n, 10);
  assert_int_equal(r.k, 5);
  assert_int_equal(r.dropped, 1);
  assert_rel(r.alpha, 0.94235248447204978, 1e-12);
  assert_int_equal(stats_cronbach_alpha(it, 11, 1, &r, err, sizeof err), -1);
  const double flat[] = {3, 3, 3, 3};
  assert_int_equal(stats_cronbach_alpha(flat, 2, 2, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "zero variance"));
}

static void test_p_adjust(void **state) {
  (void)state;
  /* p <- c(0.01, 0.04, 0.03, 0.005, 0.5, 0.04); f(p.adjust(p, "holm")); f(p.adjust(p, "BH")) */
  const double p[] = {0.01, 0.04, 0.03, 0.005, 0.5, 0.04};
  const double holm[] = {0.05, 0.12, 0.12, 0.03, 0.5, 0.12};
  const double bh[] = {0.03, 0.048, 0.048, 0.03, 0.5, 0.048};
  double out[6];
  assert_int_equal(stats_p_adjust(p, 6, STATS_HOLM, out, err, sizeof err), 0);
  for (size_t i = 0; i < 6; i++)
    assert_rel(out[i], holm[i], 1e-14);
  assert_int_equal(stats_p_adjust(p, 6, STATS_BH, out, err, sizeof err), 0);
  for (size_t i = 0; i < 6; i++)
    assert_rel(out[i], bh[i], 1e-14);
  const double bad[] = {0.1, 1.5};
  assert_int_equal(stats_p_adjust(bad, 2, STATS_BH, out, err, sizeof err), -1);
  assert_int_equal(stats_p_adjust(bad, 0, STATS_BH, out, err, sizeof err), -1);
}

static void test_wilson(void **state) {
  (void)state;
  /* binom is not installed, so the closed form in R:
   * w <- function(k,n,l=0.95){z<-qnorm(1-(1-l)/2); ph<-k/n; c<-(k+z^2/2)/(n+z^2);
   *   h<-z*sqrt(n)/(n+z^2)*sqrt(ph*(1-ph)+z^2/(4*n)); c(c-h,c+h)}
   * f(w(7,20)); f(w(0,10)); f(w(10,10)); f(w(45,60,0.99))
   * (and prop.test(7,20,correct=FALSE)$conf.int agrees: 0.18119182410108206 0.56714572331476365) */
  stats_prop r;
  assert_int_equal(stats_wilson(7, 20, 0.95, &r, err, sizeof err), 0);
  assert_rel(r.estimate, 0.35, 1e-15);
  assert_rel(r.ci_low, 0.18119182410108209, 1e-12);
  assert_rel(r.ci_high, 0.56714572331476365, 1e-12);
  assert_int_equal(stats_wilson(0, 10, 0.95, &r, err, sizeof err), 0);
  assert_rel(r.ci_low, 0, 0);
  assert_rel(r.ci_high, 0.27753279986288915, 1e-12);
  assert_int_equal(stats_wilson(10, 10, 0.95, &r, err, sizeof err), 0);
  assert_rel(r.ci_low, 0.72246720013711074, 1e-12);
  assert_rel(r.ci_high, 1, 0);
  assert_int_equal(stats_wilson(45, 60, 0.99, &r, err, sizeof err), 0);
  assert_rel(r.ci_low, 0.58622174153066764, 1e-12);
  assert_rel(r.ci_high, 0.86399280865654227, 1e-12);
  assert_int_equal(stats_wilson(11, 10, 0.95, &r, err, sizeof err), -1);
  assert_int_equal(stats_wilson(0, 0, 0.95, &r, err, sizeof err), -1);
}

static void test_anova(void **state) {
  (void)state;
  /* PlantGrowth: a <- anova(lm(weight ~ group, data=PlantGrowth))
   * f(a$`F value`[1], a$Df, a$`Pr(>F)`[1], a$`Sum Sq`) */
  const double w[] = {4.17, 5.58, 5.18, 6.11, 4.50, 4.61, 5.17, 4.53, 5.33, 5.14,
                      4.81, 4.17, 4.41, 3.59, 5.87, 3.83, 6.03, 4.89, 4.32, 4.69,
                      6.31, 5.12, 5.54, 5.50, 5.37, 5.29, 4.92, 6.15, 5.80, 5.26};
  long g[30];
  for (size_t i = 0; i < 30; i++)
    g[i] = (long)(i / 10) * 7 - 3; /* any ids */
  stats_anova r;
  assert_int_equal(stats_anova_oneway(w, g, 30, &r, err, sizeof err), 0);
  assert_int_equal(r.groups, 3);
  assert_rel(r.f, 4.8460878623801351, 1e-12);
  assert_rel(r.df1, 2, 0);
  assert_rel(r.df2, 27, 0);
  assert_rel(r.p, 0.015909958325622937, 1e-10);
  assert_rel(r.ss_between, 3.7663399999999987, 1e-12);
  assert_rel(r.ss_within, 10.492089999999997, 1e-12);
  long same[30] = {0};
  assert_int_equal(stats_anova_oneway(w, same, 30, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "fewer than 2 groups"));
  const double c[] = {1, 1, 2, 2};
  const long cg[] = {1, 1, 2, 2};
  assert_int_equal(stats_anova_oneway(c, cg, 4, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "no variance within groups"));
}

/* Many groups (100) and few (5), their ids in no order and negative: as
 * R, on 2,000 values.
 * i <- 0:1999; y <- ((i * 37) %% 101) / 7 + (i %% 100) / 13
 * a <- anova(lm(y ~ factor((i * 7919) %% 100)))
 * f(a$`F value`[1], a$Df, a$`Pr(>F)`[1], a$`Sum Sq`)
 * and the same with factor(((i * 7919) %% 5) - 2). */
static void test_anova_groups(void **state) {
  (void)state;
  double y[2000];
  long g100[2000], g5[2000];
  for (long i = 0; i < 2000; i++) {
    y[i] = (double)((i * 37) % 101) / 7 + (double)(i % 100) / 13;
    g100[i] = (i * 7919) % 100;
    g5[i] = (i * 7919) % 5 - 2;
  }
  stats_anova r;
  assert_int_equal(stats_anova_oneway(y, g100, 2000, &r, err, sizeof err), 0);
  assert_int_equal(r.groups, 100);
  assert_rel(r.f, 5.8315735445524171, 1e-11);
  assert_rel(r.df2, 1900, 0);
  assert_rel(r.p, 8.9816323187216789e-58, 1e-9);
  assert_rel(r.ss_between, 10488.164911182306, 1e-12);
  assert_rel(r.ss_within, 34516.929591836662, 1e-12);
  assert_int_equal(stats_anova_oneway(y, g5, 2000, &r, err, sizeof err), 0);
  assert_int_equal(r.groups, 5);
  assert_rel(r.f, 0.22503153415518234, 1e-11);
  assert_rel(r.p, 0.92450714402553669, 1e-10);
  assert_rel(r.ss_between, 20.296737954352089, 1e-11);
  assert_rel(r.ss_within, 44984.797765064599, 1e-12);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_paired_sleep),
      cmocka_unit_test(test_paired_missing_dropped),
      cmocka_unit_test(test_paired_on_differences),
      cmocka_unit_test(test_paired_from_sums),
      cmocka_unit_test(test_paired_n2),
      cmocka_unit_test(test_paired_large),
      cmocka_unit_test(test_paired_errors),
      cmocka_unit_test(test_t_tails),
      cmocka_unit_test(test_welch_student_mtcars),
      cmocka_unit_test(test_student_one_value),
      cmocka_unit_test(test_twosample_missing_and_errors),
      cmocka_unit_test(test_mean_ci),
      cmocka_unit_test(test_wilcoxon_exact),
      cmocka_unit_test(test_wilcoxon_ties_zeros),
      cmocka_unit_test(test_wilcoxon_n49_and_large),
      cmocka_unit_test(test_wilcoxon_radix_matches_qsort),
      cmocka_unit_test(test_wilcoxon_errors),
      cmocka_unit_test(test_mann_whitney),
      cmocka_unit_test(test_chisq),
      cmocka_unit_test(test_ols_mtcars),
      cmocka_unit_test(test_did_cluster),
      cmocka_unit_test(test_ols_cluster_all_terms),
      cmocka_unit_test(test_ols_refined_large),
      cmocka_unit_test(test_ols_rows_shuffled),
      cmocka_unit_test(test_ols_rows_random),
      cmocka_unit_test(test_ols_errors),
      cmocka_unit_test(test_alpha),
      cmocka_unit_test(test_p_adjust),
      cmocka_unit_test(test_wilson),
      cmocka_unit_test(test_anova),
      cmocka_unit_test(test_anova_groups),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

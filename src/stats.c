/* The statistical tests (see stats.h): GSL for distributions and linear
 * algebra, exact rank distributions by counting, compensated sums
 * (compsum.h) so that ten million values lose no precision. */
#include "stats.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_vector.h>

#include "xalloc.h"

/* Below this a p value from GSL is recomputed on the log scale. */
#define TINY_P 1e-280
/* A column of the scaled design is collinear with the columns before it when
 * its residual norm is below this fraction of its own (as R's lm). */
#define RANK_TOL 1e-7

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...) {
  if (!err || errlen == 0)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

static void gsl_quiet(void) {
  static int done;
  if (!done) {
    gsl_set_error_handler_off();
    done = 1;
  }
}

/* ---- magnitudes ----
 *
 * Data near the largest double (1e308) overflow when squared, data near
 * the smallest (1e-300) underflow to zero; both once gave wrong reasons
 * ("all equal", "constant") or inf and NaN as results. The tests below
 * therefore work on their data multiplied by 2^-e, e the binary exponent
 * of the largest |value|, and multiply back what is in the data's units.
 * A power of two scales without rounding, so wherever the unscaled
 * computation did not overflow or underflow its results are unchanged to
 * the bit. A result that does not fit a double once scaled back is said to
 * be so (TOO_BIG), never returned as inf. */

#define TOO_BIG                                                                                    \
  "a result is beyond the largest number a double holds (the values are too large, or too far "   \
  "apart in magnitude)"

/* The binary exponent of the largest finite |x[i]| (NaN and infinities
 * skipped), or 0 when there is none but 0. */
static int top_exp(const double *x, size_t n) {
  double top = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(x[i]))
      top = fmax(top, fabs(x[i]));
  return top > 0 ? ilogb(top) : 0;
}

/* 2^-e when that is a normal double, else 0: the f of unscale. */
static double pow2_neg(int e) { return e >= -1022 && e <= 1022 ? ldexp(1, -e) : 0; }

/* v times 2^-e, as ldexp(v, -e) but without a library call per value when
 * f = pow2_neg(e) is not 0: a product by a power of two is rounded once,
 * like ldexp, so the two agree to the bit. */
static inline double unscale(double v, int e, double f) { return f != 0 ? v * f : ldexp(v, -e); }

/* Whether every one of the n values is finite. */
static bool all_finite(const double *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(v[i]))
      return false;
  return true;
}

static int check_level(double level, char *err, size_t errlen) {
  if (!(level > 0 && level < 1)) {
    seterr(err, errlen, "confidence level must be between 0 and 1");
    return -1;
  }
  return 0;
}

/* ---- distributions ---- */

/* The continued fraction of the incomplete beta function I_x(a, b), for
 * x < (a + 1) / (a + b + 2), by the modified Lentz method. */
static double beta_cf(double a, double b, double x) {
  const double tiny = 1e-300, eps = 1e-16;
  double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (fabs(d) < tiny)
    d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 100000; m++) {
    int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (fabs(d) < tiny)
      d = tiny;
    c = 1 + aa / c;
    if (fabs(c) < tiny)
      c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (fabs(d) < tiny)
      d = tiny;
    c = 1 + aa / c;
    if (fabs(c) < tiny)
      c = tiny;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1) < eps)
      break;
  }
  return h;
}

/* P(|T| >= t) for t >= 0 is the regularized incomplete beta function
 * I_x(df/2, 1/2) at x = df / (df + t^2): the upper tail itself, never
 * 1 - cdf. (Away from the centre gsl_cdf_tdist_Q's Cornish-Fisher
 * expansion above 30 df is only good to about 1e-8 relative, e.g. at t = 20
 * on 100 df; the incomplete beta is good to about 1e-12.) */
static double t_p_gsl(double at, double df) {
  double t2 = at * at;
  /* gsl_cdf_tdist_Q uses its Cornish-Fisher expansion here; near the
   * centre with many df it beats the incomplete beta (about 1e-15 against
   * 1e-11 relative at 10^6 df). */
  if (df > 30 && t2 < 0.5 * df)
    return 2 * gsl_cdf_tdist_Q(at, df);
  double x = df / (df + t2);
  gsl_sf_result r;
  if (gsl_sf_beta_inc_e(df / 2, 0.5, x, &r) != GSL_SUCCESS || !isfinite(r.val))
    return 0;
  return r.val > 1 ? 1 : r.val;
}

/* log I_x(df/2, 1/2) from the continued fraction, all on the log scale. */
static double t_logp_tail(double at, double df) {
  double a = df / 2, b = 0.5;
  double t2 = at * at;
  /* log x = -log(1 + t^2/df), log(1 - x) = -log(1 + df/t^2), without
   * overflow for huge t. */
  double logx = -(2 * log(at) - log(df) + log1p(df / t2));
  double log1mx = -log1p(df / t2);
  double x = df / (df + t2);
  double lnpre = a * logx + b * log1mx - gsl_sf_lnbeta(a, b) - log(a);
  return lnpre + log(beta_cf(a, b, x));
}

double stats_t_p(double t, double df) {
  gsl_quiet();
  if (isnan(t) || !(df > 0))
    return NAN;
  double at = fabs(t);
  if (isinf(at))
    return 0;
  double p = t_p_gsl(at, df);
  if (p < TINY_P)
    p = exp(t_logp_tail(at, df));
  return p;
}

double stats_t_logp(double t, double df) {
  gsl_quiet();
  if (isnan(t) || !(df > 0))
    return NAN;
  double at = fabs(t);
  if (isinf(at))
    return -INFINITY;
  double p = t_p_gsl(at, df);
  if (p >= TINY_P)
    return log(p);
  return t_logp_tail(at, df);
}

double stats_z_p(double z) {
  gsl_quiet();
  if (isnan(z))
    return NAN;
  gsl_sf_result r;
  if (gsl_sf_erfc_e(fabs(z) / M_SQRT2, &r) != GSL_SUCCESS)
    return 0;
  return r.val > 1 ? 1 : r.val;
}

double stats_z_logp(double z) {
  gsl_quiet();
  if (isnan(z))
    return NAN;
  return gsl_sf_log_erfc(fabs(z) / M_SQRT2);
}

double stats_t_crit(double df, double level) {
  gsl_quiet();
  return gsl_cdf_tdist_Qinv((1 - level) / 2, df);
}

static double z_crit(double level) { return gsl_cdf_ugaussian_Qinv((1 - level) / 2); }

/* ---- t tests ---- */

/* Difference i of a paired sample: y - x, or d[i] itself when y is NULL
 * (then x holds the differences); NaN when missing. */
static inline double pair_diff(const double *x, const double *y, size_t i) {
  if (!y)
    return x[i];
  if (isnan(x[i]) || isnan(y[i]))
    return NAN;
  return y[i] - x[i];
}

int stats_paired_t_sums(const compsum_moments *s, size_t dropped, double level, stats_paired *out,
                        char *err, size_t errlen) {
  gsl_quiet();
  memset(out, 0, sizeof *out);
  if (check_level(level, err, errlen) < 0)
    return -1;
  size_t m = s->n;
  if (m < 2) {
    seterr(err, errlen, "fewer than 2 usable pairs (%zu)", m);
    return -1;
  }
  double mean, sd;
  compsum_moments_get_sd(s, &mean, &sd);
  if (!isfinite(mean) || !isfinite(sd)) {
    seterr(err, errlen, TOO_BIG);
    return -1;
  }
  double se = sd / sqrt((double)m);
  /* R's t.test: "data are essentially constant" */
  if (!(se > 0) || se < 10 * DBL_EPSILON * fabs(mean)) {
    seterr(err, errlen, "all differences are equal (zero variance)");
    return -1;
  }
  out->n = m;
  out->dropped = dropped;
  out->mean_diff = mean;
  out->sd_diff = sd;
  out->se = se;
  out->df = (double)(m - 1);
  out->t = mean / se;
  out->p = stats_t_p(out->t, out->df);
  double q = stats_t_crit(out->df, level);
  out->ci_low = mean - q * se;
  out->ci_high = mean + q * se;
  out->cohens_dz = mean / sd;
  if (!isfinite(out->ci_low) || !isfinite(out->ci_high) || !isfinite(out->t)) {
    memset(out, 0, sizeof *out);
    seterr(err, errlen, TOO_BIG);
    return -1;
  }
  return 0;
}

/* The differences summed in one pass (compsum_moments, as `cleval stats`
 * sums a file's while reading it), then the test on the sums. */
static int paired_t(const double *x, const double *y, size_t n, double level, stats_paired *out,
                    char *err, size_t errlen) {
  compsum_moments s;
  compsum_moments_init(&s);
  size_t dropped = 0;
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    double d = pair_diff(x, y, i);
    if (isnan(d))
      dropped++;
    else if (!isfinite(d)) {
      memset(out, 0, sizeof *out);
      seterr(err, errlen, "value %zu is infinite or the difference overflows", i + 1);
      rc = -1;
    } else
      compsum_moments_add(&s, d);
  }
  if (rc == 0)
    rc = stats_paired_t_sums(&s, dropped, level, out, err, errlen);
  return rc;
}

int stats_paired_t(const double *x, const double *y, size_t n, double level, stats_paired *out,
                   char *err, size_t errlen) {
  return paired_t(x, y, n, level, out, err, errlen);
}

int stats_paired_t_diff(const double *d, size_t n, double level, stats_paired *out, char *err,
                        size_t errlen) {
  return paired_t(d, NULL, n, level, out, err, errlen);
}

/* Mean and variance of the non-missing values of x times 2^-e (see
 * top_exp). */
static int moments(const double *x, size_t n, int e, const char *name, size_t *used,
                   size_t *dropped, double *mean, double *var, char *err, size_t errlen) {
  compsum sum = {0, 0};
  size_t m = 0;
  double f = pow2_neg(e);
  for (size_t i = 0; i < n; i++) {
    if (isnan(x[i])) {
      (*dropped)++;
      continue;
    }
    if (isinf(x[i])) {
      seterr(err, errlen, "%s value %zu is infinite", name, i + 1);
      return -1;
    }
    compsum_add(&sum, unscale(x[i], e, f));
    m++;
  }
  *used = m;
  if (m == 0) {
    *mean = *var = 0;
    return 0;
  }
  double mu = compsum_value(&sum) / (double)m;
  compsum ss = {0, 0}, s1 = {0, 0};
  for (size_t i = 0; i < n; i++) {
    if (isnan(x[i]))
      continue;
    double d = unscale(x[i], e, f) - mu;
    compsum_add(&ss, d * d);
    compsum_add(&s1, d);
  }
  double c = compsum_value(&s1);
  double v = m > 1 ? (compsum_value(&ss) - c * c / (double)m) / (double)(m - 1) : 0;
  *mean = mu;
  *var = v > 0 ? v : 0;
  return 0;
}

static int two_sample(const double *x, size_t nx, const double *y, size_t ny, double level,
                      bool welch, stats_twosample *out, char *err, size_t errlen) {
  gsl_quiet();
  memset(out, 0, sizeof *out);
  if (check_level(level, err, errlen) < 0)
    return -1;
  size_t mx, my, dropped = 0;
  double meanx, varx, meany, vary;
  /* in units of 2^e: see top_exp */
  int e = top_exp(x, nx), ey = top_exp(y, ny);
  e = e > ey ? e : ey;
  if (moments(x, nx, e, "x", &mx, &dropped, &meanx, &varx, err, errlen) < 0 ||
      moments(y, ny, e, "y", &my, &dropped, &meany, &vary, err, errlen) < 0)
    return -1;
  /* Welch's needs a variance of each sample; the pooled variance needs
   * one degree of freedom in all (one value in a sample is enough when
   * the other has two or more, as in R). */
  if (mx == 0 || my == 0) {
    seterr(err, errlen, "no values in %s", mx == 0 ? "x" : "y");
    return -1;
  }
  if (welch && (mx < 2 || my < 2)) {
    seterr(err, errlen, "fewer than 2 values in %s (%zu)", mx < 2 ? "x" : "y", mx < 2 ? mx : my);
    return -1;
  }
  if (mx + my < 3) {
    seterr(err, errlen,
           "too few values for a pooled variance (%zu in x, %zu in y): one of them needs 2 or "
           "more",
           mx, my);
    return -1;
  }
  double dx = (double)mx, dy = (double)my;
  double diff = meany - meanx;
  double pooled = ((dx - 1) * varx + (dy - 1) * vary) / (dx + dy - 2);
  double se, df;
  if (welch) {
    double ax = varx / dx, ay = vary / dy;
    se = sqrt(ax + ay);
    df = (ax + ay) * (ax + ay) / (ax * ax / (dx - 1) + ay * ay / (dy - 1));
  } else {
    se = sqrt(pooled * (1 / dx + 1 / dy));
    df = dx + dy - 2;
  }
  if (!(se > 0) || se < 10 * DBL_EPSILON * fmax(fabs(meanx), fabs(meany)) || !isfinite(df)) {
    seterr(err, errlen, "both samples are constant (zero variance)");
    return -1;
  }
  out->n_x = mx;
  out->n_y = my;
  out->dropped = dropped;
  out->mean_x = ldexp(meanx, e);
  out->mean_y = ldexp(meany, e);
  out->sd_x = mx > 1 ? ldexp(sqrt(varx), e) : NAN; /* (R: the sd of one value is NA) */
  out->sd_y = my > 1 ? ldexp(sqrt(vary), e) : NAN;
  out->mean_diff = ldexp(diff, e);
  out->se = ldexp(se, e);
  out->df = df;
  out->t = diff / se;
  out->p = stats_t_p(out->t, df);
  double q = stats_t_crit(df, level);
  out->ci_low = ldexp(diff - q * se, e);
  out->ci_high = ldexp(diff + q * se, e);
  out->hedges_g = diff / sqrt(pooled) * (1 - 3 / (4 * (dx + dy) - 9));
  const double got[] = {out->mean_x, out->mean_y, out->mean_diff, out->se, out->ci_low,
                        out->ci_high, mx > 1 ? out->sd_x : 0, my > 1 ? out->sd_y : 0};
  if (!all_finite(got, sizeof got / sizeof got[0])) {
    memset(out, 0, sizeof *out);
    seterr(err, errlen, TOO_BIG);
    return -1;
  }
  return 0;
}

int stats_welch_t(const double *x, size_t nx, const double *y, size_t ny, double level,
                  stats_twosample *out, char *err, size_t errlen) {
  return two_sample(x, nx, y, ny, level, true, out, err, errlen);
}

int stats_student_t(const double *x, size_t nx, const double *y, size_t ny, double level,
                    stats_twosample *out, char *err, size_t errlen) {
  return two_sample(x, nx, y, ny, level, false, out, err, errlen);
}

int stats_mean_ci(const double *x, size_t n, double level, stats_mean *out, char *err,
                  size_t errlen) {
  gsl_quiet();
  memset(out, 0, sizeof *out);
  if (check_level(level, err, errlen) < 0)
    return -1;
  size_t m, dropped = 0;
  double mean, var;
  int e = top_exp(x, n); /* in units of 2^e */
  if (moments(x, n, e, "x", &m, &dropped, &mean, &var, err, errlen) < 0)
    return -1;
  if (m < 2) {
    seterr(err, errlen, "fewer than 2 values (%zu)", m);
    return -1;
  }
  out->n = m;
  out->dropped = dropped;
  double sd = sqrt(var), se = sd / sqrt((double)m);
  out->df = (double)(m - 1);
  double q = stats_t_crit(out->df, level);
  out->mean = ldexp(mean, e);
  out->sd = ldexp(sd, e);
  out->se = ldexp(se, e);
  out->ci_low = ldexp(mean - q * se, e);
  out->ci_high = ldexp(mean + q * se, e);
  const double got[] = {out->mean, out->sd, out->se, out->ci_low, out->ci_high};
  if (!all_finite(got, sizeof got / sizeof got[0])) {
    memset(out, 0, sizeof *out);
    seterr(err, errlen, TOO_BIG);
    return -1;
  }
  return 0;
}

/* ---- rank tests ---- */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Sorts n doubles ascending. Non-negative doubles order as their bit
 * patterns, so large arrays of them (nonneg) get an LSD radix sort on those
 * (16-bit digits; a pass in which every key has the same digit is skipped),
 * using tmp (n doubles) as scratch; the rest go to qsort. */
static void sort_doubles(double *a, size_t n, bool nonneg, double *tmp) {
  if (!nonneg || !tmp || n < 4096) {
    qsort(a, n, sizeof *a, cmp_double);
    return;
  }
  for (size_t i = 0; i < n; i++)
    if (a[i] == 0)
      a[i] = 0.0; /* -0 sorts as 0 */
  size_t *count = (size_t *)xmalloc(65536 * sizeof *count);
  double *src = a, *dst = tmp;
  for (int shift = 0; shift < 64; shift += 16) {
    memset(count, 0, 65536 * sizeof *count);
    uint64_t k;
    for (size_t i = 0; i < n; i++) {
      memcpy(&k, &src[i], sizeof k);
      count[(k >> shift) & 0xffff]++;
    }
    memcpy(&k, &src[0], sizeof k);
    if (count[(k >> shift) & 0xffff] == n)
      continue; /* one digit value: nothing to do */
    size_t pos = 0;
    for (size_t d = 0; d < 65536; d++) {
      size_t c = count[d];
      count[d] = pos;
      pos += c;
    }
    for (size_t i = 0; i < n; i++) {
      memcpy(&k, &src[i], sizeof k);
      dst[count[(k >> shift) & 0xffff]++] = src[i];
    }
    double *s = src;
    src = dst;
    dst = s;
  }
  if (src != a)
    memcpy(a, src, n * sizeof *a);
  free(count);
}

/* Walks two ascending arrays as one ranking with average ranks for ties:
 * returns the rank sum of the members of a, the tie term sum(t^3 - t) in
 * *ties_term, and whether any value was tied. */
static double merged_rank_sum(const double *a, size_t na, const double *b, size_t nb,
                              double *ties_term, bool *ties) {
  size_t i = 0, j = 0;
  double rank = 0; /* ranks assigned so far */
  double sum = 0, tt = 0;
  bool any = false;
  while (i < na || j < nb) {
    double v = (j >= nb || (i < na && a[i] <= b[j])) ? a[i] : b[j];
    size_t ca = 0, cb = 0;
    while (i < na && a[i] == v)
      i++, ca++;
    while (j < nb && b[j] == v)
      j++, cb++;
    double t = (double)(ca + cb);
    double avg = rank + (t + 1) / 2;
    sum += (double)ca * avg;
    if (t > 1) {
      any = true;
      tt += t * t * t - t;
    }
    rank += t;
  }
  *ties_term = tt;
  *ties = any;
  return sum;
}

/* Exact two-sided p of the signed-rank statistic v for n untied nonzero
 * differences (R's psignrank), by counting subsets of 1..n by their sum. */
static double signrank_exact_p(double v, size_t n) {
  size_t top = n * (n + 1) / 2;
  double *c = (double *)xcalloc(top + 1, sizeof *c);
  c[0] = 1;
  for (size_t i = 1; i <= n; i++)
    for (size_t k = top; k >= i; k--)
      c[k] += c[k - i]; /* exact: every count is below 2^53 for n < 50 */
  double total = ldexp(1.0, (int)n);
  double tail = 0;
  size_t iv = (size_t)v;
  if (v > (double)top / 2) {
    for (size_t k = iv; k <= top; k++)
      tail += c[k];
  } else {
    for (size_t k = 0; k <= iv; k++)
      tail += c[k];
  }
  free(c);
  double p = 2 * tail / total;
  return p > 1 ? 1 : p;
}

static int wilcoxon(const double *x, const double *y, size_t n, stats_signrank *out, char *err,
                    size_t errlen) {
  gsl_quiet();
  memset(out, 0, sizeof *out);
  double *a = NULL, *tmp = NULL;
  int rc = -1;
  /* First pass: check, and count the positive and negative differences. */
  size_t m = 0, dropped = 0, np = 0, nn = 0;
  for (size_t i = 0; i < n; i++) {
    double v = pair_diff(x, y, i);
    if (isnan(v)) {
      dropped++;
      continue;
    }
    if (!isfinite(v)) {
      seterr(err, errlen, "value %zu is infinite or the difference overflows", i + 1);
      goto cleanup;
    }
    m++;
    np += v > 0;
    nn += v < 0;
  }
  if (m < 2) {
    seterr(err, errlen, "fewer than 2 usable pairs (%zu)", m);
    goto cleanup;
  }
  size_t k = np + nn, zeros = m - k;
  if (k == 0) {
    seterr(err, errlen, "all differences are zero");
    goto cleanup;
  }
  /* |positive differences| first, then |negative| ones, each sorted. */
  a = (double *)xrealloc_big(NULL, k * sizeof *a);
  size_t ip = 0, in = np;
  for (size_t i = 0; i < n; i++) {
    double v = pair_diff(x, y, i);
    if (v > 0)
      a[ip++] = v;
    else if (v < 0)
      a[in++] = -v;
  }
  if (k >= 4096)
    tmp = (double *)xrealloc_big(NULL, (np > nn ? np : nn) * sizeof *tmp);
  sort_doubles(a, np, true, tmp);
  sort_doubles(a + np, nn, true, tmp);
  double tt;
  bool ties;
  double v = merged_rank_sum(a, np, a + np, nn, &tt, &ties);
  double dk = (double)k;
  double z = v - dk * (dk + 1) / 4;
  double sigma = sqrt(dk * (dk + 1) * (2 * dk + 1) / 24 - tt / 48);
  double corr = z > 0 ? 0.5 : z < 0 ? -0.5 : 0;
  z = (z - corr) / sigma;
  out->n = k;
  out->zeros = zeros;
  out->dropped = dropped;
  out->ties = ties;
  out->v = v;
  out->z = z;
  out->p_normal = stats_z_p(z);
  out->exact = k < 50 && !ties && zeros == 0;
  out->p = out->exact ? signrank_exact_p(v, k) : out->p_normal;
  rc = 0;
cleanup:
  free(tmp);
  free(a);
  return rc;
}

int stats_wilcoxon(const double *x, const double *y, size_t n, stats_signrank *out, char *err,
                   size_t errlen) {
  return wilcoxon(x, y, n, out, err, errlen);
}

int stats_wilcoxon_diff(const double *d, size_t n, stats_signrank *out, char *err, size_t errlen) {
  return wilcoxon(d, NULL, n, out, err, errlen);
}

/* Exact two-sided p of the Mann-Whitney W (pairs with a y above an x) for
 * samples of m (y) and n (x) untied values: R's pwilcox, by the recurrence
 * c(k; i, j) = c(k - j; i - 1, j) + c(k; i, j - 1), sums of positives only. */
static double ranksum_exact_p(double w, size_t m, size_t n) {
  size_t stride = m * n + 1;
  double *prev = (double *)xcalloc((n + 1) * stride, sizeof *prev);
  double *cur = (double *)xcalloc((n + 1) * stride, sizeof *cur);
  for (size_t j = 0; j <= n; j++)
    prev[j * stride] = 1; /* i = 0: only W = 0 */
  for (size_t i = 1; i <= m; i++) {
    memset(cur, 0, (n + 1) * stride * sizeof *cur);
    cur[0] = 1; /* j = 0 */
    for (size_t j = 1; j <= n; j++) {
      double *cj = cur + j * stride, *cj1 = cur + (j - 1) * stride, *pj = prev + j * stride;
      for (size_t k = 0; k <= i * j; k++) {
        double a = (k >= j && k - j <= (i - 1) * j) ? pj[k - j] : 0;
        double b = k <= i * (j - 1) ? cj1[k] : 0;
        cj[k] = a + b;
      }
    }
    double *s = prev;
    prev = cur;
    cur = s;
  }
  const double *c = prev + n * stride;
  size_t top = m * n;
  double total = 0, tail = 0;
  for (size_t k = 0; k <= top; k++)
    total += c[k];
  size_t iw = (size_t)w;
  if (w > (double)top / 2) {
    for (size_t k = iw; k <= top; k++)
      tail += c[k];
  } else {
    for (size_t k = 0; k <= iw; k++)
      tail += c[k];
  }
  free(cur);
  free(prev);
  double p = 2 * tail / total;
  return p > 1 ? 1 : p;
}

/* Copies the non-missing values of x into a new array. */
static double *present(const double *x, size_t n, const char *name, size_t *m, size_t *dropped,
                       char *err, size_t errlen) {
  double *a = (double *)xmalloc((n ? n : 1) * sizeof *a);
  *m = 0;
  for (size_t i = 0; i < n; i++) {
    if (isnan(x[i])) {
      (*dropped)++;
      continue;
    }
    if (isinf(x[i])) {
      seterr(err, errlen, "%s value %zu is infinite", name, i + 1);
      free(a);
      return NULL;
    }
    a[(*m)++] = x[i];
  }
  return a;
}

int stats_mann_whitney(const double *x, size_t nx, const double *y, size_t ny, stats_ranksum *out,
                       char *err, size_t errlen) {
  gsl_quiet();
  memset(out, 0, sizeof *out);
  int rc = -1;
  size_t mx = 0, my = 0, dropped = 0;
  double *a = present(x, nx, "x", &mx, &dropped, err, errlen);
  double *b = a ? present(y, ny, "y", &my, &dropped, err, errlen) : NULL;
  if (!a || !b)
    goto cleanup;
  if (mx == 0 || my == 0) {
    seterr(err, errlen, "no values in %s", mx == 0 ? "x" : "y");
    goto cleanup;
  }
  sort_doubles(a, mx, false, NULL);
  sort_doubles(b, my, false, NULL);
  double tt;
  bool ties;
  double ry = merged_rank_sum(b, my, a, mx, &tt, &ties);
  double dx = (double)mx, dy = (double)my, N = dx + dy;
  double w = ry - dy * (dy + 1) / 2;
  double z = w - dx * dy / 2;
  double var = dx * dy / 12 * ((N + 1) - tt / (N * (N - 1)));
  if (!(var > 0)) {
    seterr(err, errlen, "all values are equal (zero variance)");
    goto cleanup;
  }
  double corr = z > 0 ? 0.5 : z < 0 ? -0.5 : 0;
  z = (z - corr) / sqrt(var);
  out->n_x = mx;
  out->n_y = my;
  out->dropped = dropped;
  out->ties = ties;
  out->w = w;
  out->z = z;
  out->p_normal = stats_z_p(z);
  out->exact = mx < 50 && my < 50 && !ties;
  out->p = out->exact ? ranksum_exact_p(w, my, mx) : out->p_normal;
  rc = 0;
cleanup:
  free(b);
  free(a);
  return rc;
}

/* ---- contingency tables ---- */

int stats_chisq_test(const double *counts, size_t rows, size_t cols, bool yates, stats_chisq *out,
                     char *err, size_t errlen) {
  gsl_quiet();
  memset(out, 0, sizeof *out);
  if (rows < 2 || cols < 2) {
    seterr(err, errlen, "the table must have at least 2 rows and 2 columns (it has %zu x %zu)",
           rows, cols);
    return -1;
  }
  if (yates && (rows != 2 || cols != 2)) {
    seterr(err, errlen, "the Yates correction applies only to a 2 x 2 table (it is %zu x %zu)",
           rows, cols);
    return -1;
  }
  double *rs = (double *)xcalloc(rows, sizeof *rs);
  double *cs = (double *)xcalloc(cols, sizeof *cs);
  double total = 0;
  int rc = -1;
  /* Counts in units of 2^e (see top_exp): the statistic is in counts'
   * units, multiplied back; Cramer's V and p need no scaling back. */
  int e = top_exp(counts, rows * cols);
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++) {
      double v = counts[i * cols + j];
      if (!isfinite(v) || v < 0) {
        seterr(err, errlen, "count in row %zu, column %zu is not a non-negative number", i + 1,
               j + 1);
        goto cleanup;
      }
      v = ldexp(v, -e);
      rs[i] += v;
      cs[j] += v;
      total += v;
    }
  for (size_t i = 0; i < rows; i++)
    if (rs[i] == 0) {
      seterr(err, errlen, "row %zu has no counts (its expected counts would be zero)", i + 1);
      goto cleanup;
    }
  for (size_t j = 0; j < cols; j++)
    if (cs[j] == 0) {
      seterr(err, errlen, "column %zu has no counts (its expected counts would be zero)", j + 1);
      goto cleanup;
    }
  double stat = 0, plain = 0, half = ldexp(0.5, -e);
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++) {
      double ex = rs[i] * cs[j] / total;
      double dev = fabs(ldexp(counts[i * cols + j], -e) - ex);
      plain += dev * dev / ex;
      if (yates)
        dev -= fmin(half, dev);
      stat += dev * dev / ex;
    }
  if (!isfinite(ldexp(total, e)) || !isfinite(ldexp(stat, e))) {
    seterr(err, errlen, TOO_BIG);
    goto cleanup;
  }
  out->rows = rows;
  out->cols = cols;
  out->n = ldexp(total, e);
  stat = ldexp(stat, e);
  out->statistic = stat;
  out->df = (double)((rows - 1) * (cols - 1));
  out->p = gsl_cdf_chisq_Q(stat, out->df);
  out->cramers_v = sqrt(plain / (total * (double)((rows < cols ? rows : cols) - 1)));
  out->yates = yates;
  rc = 0;
cleanup:
  free(cs);
  free(rs);
  return rc;
}

/* ---- regression ----
 *
 * Least squares without holding the design: the rows, read through a row
 * function as often as needed, are folded a block at a time into a
 * triangular factor [R z] of p rows (Householder reflections: X = QR and
 * z = Q'y), so the memory is p^2 and a block whatever the number of rows.
 * The rank test and the solve are a pivoted QR of the p x p factor with
 * unit-length columns (the same R as a pivoted QR of the whole design),
 * one step of iterative refinement brings the coefficients to rounding
 * level, and the residuals, robust and cluster-robust sums come from a
 * last pass over the rows. */

typedef struct idrow {
  long id;
  size_t row;
} idrow;

static int cmp_idrow(const void *a, const void *b) {
  const idrow *x = (const idrow *)a, *y = (const idrow *)b;
  if (x->id != y->id)
    return (x->id > y->id) - (x->id < y->id);
  return (x->row > y->row) - (x->row < y->row);
}

void stats_ols_clear(stats_ols *r) {
  if (!r)
    return;
  free(r->coef); /* one block holds every array */
  memset(r, 0, sizeof *r);
}

/* B = A M A, all p x p, row-major. */
static void sandwich(const double *A, const double *M, size_t p, double *B) {
  double *tmp = (double *)xcalloc(p * p, sizeof *tmp);
  for (size_t i = 0; i < p; i++)
    for (size_t k = 0; k < p; k++)
      for (size_t j = 0; j < p; j++)
        tmp[i * p + j] += A[i * p + k] * M[k * p + j];
  for (size_t i = 0; i < p; i++)
    for (size_t j = 0; j < p; j++) {
      double s = 0;
      for (size_t k = 0; k < p; k++)
        s += tmp[i * p + k] * A[k * p + j];
      B[i * p + j] = s;
    }
  free(tmp);
}

/* y_i - x_i b, with every product's rounding error kept (fma) and the
 * terms added in a compensated sum: within about one rounding of the exact
 * residual of b. */
static double residual(const double *xr, double yi, const double *b, size_t p) {
  compsum e = {0, 0};
  compsum_add(&e, yi);
  for (size_t j = 0; j < p; j++) {
    double t = xr[j] * b[j];
    compsum_add(&e, -t);
    compsum_add(&e, -fma(xr[j], b[j], -t));
  }
  return compsum_value(&e);
}

/* The design as the fit reads it: each value of column j times 2^-e[j] and
 * y times 2^-e[p] (see top_exp), so that the fit works near 1. */
typedef struct design {
  stats_ols_row_fn row;
  void *ctx;
  size_t p;
  bool clustered;
  int *e;    /* p + 1 exponents */
  double *f; /* 2^-e[j], or 0 where that is not a normal double */
} design;

/* Row i in the fit's units into x (p values), *y and *cl (0 without
 * clusters); returns whether the row is used (no value missing). */
static bool design_row(const design *d, size_t i, double *x, double *y, long *cl) {
  *cl = 0;
  d->row(d->ctx, i, x, y, d->clustered ? cl : NULL);
  bool miss = isnan(*y);
  for (size_t j = 0; j < d->p; j++) {
    miss = miss || isnan(x[j]);
    x[j] = unscale(x[j], d->e[j], d->f[j]);
  }
  *y = unscale(*y, d->e[d->p], d->f[d->p]);
  return !miss;
}

/* Rows are gathered in blocks of BLOCK_ROWS, column by column (28 KB for
 * six coefficients), and each block folded into the factor at once. */
#define BLOCK_ROWS 512

/* Folds the nb rows of the block B (column-major: column k of x at
 * B + k BLOCK_ROWS, y as column p) into the p x (p + 1) upper triangular
 * [R z] (row-major) by Householder reflections: the QR of R stacked on
 * the block, each reflection taking column j of the block into R's
 * diagonal. B is overwritten. */
static void fold_block(double *R, size_t p, double *B, size_t nb) {
  size_t w = p + 1;
  for (size_t j = 0; j < p; j++) {
    double *bj = B + j * BLOCK_ROWS, ss = 0, xn = 0;
    for (size_t i = 0; i < nb; i++)
      ss += bj[i] * bj[i];
    if (ss > 0x1p-900 && ss < 0x1p900)
      xn = sqrt(ss);
    else /* the squares may have under- or overflowed */
      for (size_t i = 0; i < nb; i++)
        xn = hypot(xn, bj[i]);
    if (xn == 0)
      continue;
    double *rj = R + j * w, alpha = rj[j];
    double beta = alpha >= 0 ? -hypot(alpha, xn) : hypot(alpha, xn);
    double tau = (beta - alpha) / beta, f = 1 / (alpha - beta); /* |alpha - beta| >= xn */
    for (size_t i = 0; i < nb; i++)
      bj[i] *= f; /* the reflection's vector is 1 (R's row j), then bj */
    rj[j] = beta;
    for (size_t k = j + 1; k < w; k++) {
      double *bk = B + k * BLOCK_ROWS, dot = rj[k];
      for (size_t i = 0; i < nb; i++)
        dot += bj[i] * bk[i];
      dot *= tau;
      rj[k] -= dot;
      for (size_t i = 0; i < nb; i++)
        bk[i] -= dot * bj[i];
    }
  }
}

/* The n rows' first pass: which are used (m of them, the rest dropped for
 * a missing value), the exponents of the design (d->e, d->f), whether the
 * cluster ids of the rows used never decrease (*sorted). Fails on an
 * infinite value in a row otherwise used. */
static int ols_scan(design *d, size_t n, size_t *m, size_t *dropped, bool *sorted, double *x,
                    char *err, size_t errlen) {
  size_t p = d->p;
  double *top = (double *)xcalloc(p + 1, sizeof *top);
  size_t bad = 0; /* 1 + the first row with an infinity */
  long last = 0;
  *m = *dropped = 0;
  *sorted = true;
  for (size_t i = 0; i < n; i++) {
    double y;
    long cl = 0;
    d->row(d->ctx, i, x, &y, d->clustered ? &cl : NULL);
    bool miss = isnan(y), inf = isinf(y);
    if (isfinite(y))
      top[p] = fmax(top[p], fabs(y));
    for (size_t j = 0; j < p; j++) {
      miss = miss || isnan(x[j]);
      inf = inf || isinf(x[j]);
      if (isfinite(x[j]))
        top[j] = fmax(top[j], fabs(x[j]));
    }
    if (miss) {
      (*dropped)++;
      continue;
    }
    if (inf && !bad)
      bad = i + 1;
    if (*m > 0 && cl < last)
      *sorted = false;
    last = cl;
    (*m)++;
  }
  for (size_t j = 0; j <= p; j++) {
    d->e[j] = top[j] > 0 ? ilogb(top[j]) : 0;
    d->f[j] = pow2_neg(d->e[j]);
  }
  free(top);
  if (bad) {
    seterr(err, errlen, "row %zu holds an infinite value", bad);
    return -1;
  }
  return 0;
}

/* The model on the design d of n rows (m used), in d's units; see
 * stats_ols_fit_rows. */
static int ols_fit(const design *d, size_t n, size_t m, size_t dropped, bool sorted, double level,
                   stats_ols *out, char *err, size_t errlen) {
  size_t p = d->p, w = p + 1;
  int rc = -1;
  gsl_matrix *qr = gsl_matrix_calloc(p, p);
  gsl_vector *tau = gsl_vector_alloc(p), *norm = gsl_vector_alloc(p);
  gsl_vector *z = gsl_vector_alloc(p), *b = gsl_vector_alloc(p);
  gsl_permutation *perm = gsl_permutation_alloc(p);
  double *R = (double *)xcalloc(p * w, sizeof *R);
  double *rows = (double *)xmalloc(w * BLOCK_ROWS * sizeof *rows);
  size_t nb = 0;
  double *x = (double *)xcalloc(w, sizeof *x), *first = (double *)xcalloc(p, sizeof *first);
  double *scale = (double *)xcalloc(p, sizeof *scale);
  double *ainv = (double *)xcalloc(p * p, sizeof *ainv), *coef = (double *)xcalloc(p, sizeof *coef);
  double *meat = (double *)xcalloc(p * p, sizeof *meat), *v = (double *)xcalloc(p * p, sizeof *v);
  double *cmeat = (double *)xcalloc(p * p, sizeof *cmeat),
         *score = (double *)xcalloc(p, sizeof *score);
  bool *same = (bool *)xcalloc(p, sizeof *same);
  compsum *g = (compsum *)xcalloc(p, sizeof *g);
  idrow *ids = NULL;
  double y;
  long cl;

  /* The factor, and what y and the columns need later. */
  compsum ys = {0, 0}, y2 = {0, 0};
  bool seen = false;
  for (size_t i = 0; i < n; i++) {
    if (!design_row(d, i, x, &y, &cl))
      continue;
    if (!seen) {
      memcpy(first, x, p * sizeof *x);
      for (size_t j = 0; j < p; j++)
        same[j] = true;
      seen = true;
    }
    for (size_t j = 0; j < p; j++)
      same[j] = same[j] && x[j] == first[j];
    compsum_add(&ys, y);
    compsum_add(&y2, y * y);
    for (size_t j = 0; j < p; j++)
      rows[j * BLOCK_ROWS + nb] = x[j];
    rows[p * BLOCK_ROWS + nb] = y;
    if (++nb == BLOCK_ROWS) {
      fold_block(R, p, rows, nb);
      nb = 0;
    }
  }
  fold_block(R, p, rows, nb);
  /* Each column to unit length (its norm is its norm in R), so the rank
   * test is scale free. */
  for (size_t j = 0; j < p; j++) {
    double s = 0;
    for (size_t i = 0; i <= j; i++)
      s = hypot(s, R[i * w + j]);
    if (s == 0) {
      seterr(err, errlen, "design matrix is singular (column %zu is all zero)", j + 1);
      goto cleanup;
    }
    scale[j] = s;
  }
  for (size_t i = 0; i < p; i++) {
    for (size_t j = i; j < p; j++)
      gsl_matrix_set(qr, i, j, R[i * w + j] / scale[j]);
    gsl_vector_set(z, i, R[i * w + p]);
  }
  int signum;
  if (gsl_linalg_QRPT_decomp(qr, tau, perm, &signum, norm) != GSL_SUCCESS) {
    seterr(err, errlen, "QR decomposition failed");
    goto cleanup;
  }
  for (size_t j = 0; j < p; j++)
    if (!(fabs(gsl_matrix_get(qr, j, j)) > RANK_TOL)) {
      seterr(err, errlen,
             "design matrix is singular (a predictor is constant or a linear combination of "
             "the others)");
      goto cleanup;
    }
  if (gsl_linalg_QRPT_solve(qr, tau, perm, z, b) != GSL_SUCCESS) {
    seterr(err, errlen, "least squares solve failed");
    goto cleanup;
  }
  /* (X'X)^-1 from R: (P' Xs' Xs P)^-1 = R^-1 R^-T, then undo pivoting and
   * scaling. */
  {
    double *ri = (double *)xcalloc(p * p, sizeof *ri);
    for (size_t i = p; i-- > 0;) { /* invert upper triangular R */
      ri[i * p + i] = 1 / gsl_matrix_get(qr, i, i);
      for (size_t j = i + 1; j < p; j++) {
        double s = 0;
        for (size_t k = i + 1; k <= j; k++)
          s += gsl_matrix_get(qr, i, k) * ri[k * p + j];
        ri[i * p + j] = -s / gsl_matrix_get(qr, i, i);
      }
    }
    for (size_t a = 0; a < p; a++)
      for (size_t c = 0; c < p; c++) {
        double s = 0;
        for (size_t k = (a > c ? a : c); k < p; k++)
          s += ri[a * p + k] * ri[c * p + k];
        size_t pa = gsl_permutation_get(perm, a), pc = gsl_permutation_get(perm, c);
        ainv[pa * p + pc] = s / (scale[pa] * scale[pc]);
      }
    free(ri);
  }
  for (size_t j = 0; j < p; j++)
    coef[j] = gsl_vector_get(b, j) / scale[j];

  /* One step of iterative refinement (corrected seminormal equations): the
   * gradient X'(y - Xb), zero at the exact solution, is computed
   * accurately (residual() and compensated sums of exact products), and b
   * moves by (X'X)^-1 X'(y - Xb). Rotations and Householder sums over
   * hundreds of thousands of rows leave b about 1e-11 of the largest
   * coefficient off (a DiD's small interaction term 7e-10 of itself at
   * scale 100, issue 19); one step takes it to rounding level. */
  for (size_t i = 0; i < n; i++) {
    if (!design_row(d, i, x, &y, &cl))
      continue;
    double e = residual(x, y, coef, p);
    for (size_t j = 0; j < p; j++) {
      double t = x[j] * e;
      compsum_add(&g[j], t);
      compsum_add(&g[j], fma(x[j], e, -t));
    }
  }
  {
    double *dc = (double *)xcalloc(p, sizeof *dc);
    for (size_t i = 0; i < p; i++) {
      compsum di = {0, 0};
      for (size_t j = 0; j < p; j++)
        compsum_add(&di, ainv[i * p + j] * compsum_value(&g[j]));
      dc[i] = compsum_value(&di);
    }
    for (size_t j = 0; j < p; j++)
      coef[j] += dc[j];
    free(dc);
  }

  /* The residuals of the refined b: their sums of squares, HC1's
   * sum e_i^2 x_i x_i', and each cluster's score sum x_i e_i (rows of a
   * cluster in a run when the ids never decrease, else sorted below). */
  bool icpt = false;
  for (size_t j = 0; j < p; j++)
    icpt = icpt || same[j]; /* a constant column: R-squared is centred */
  double dm = (double)m, dp = (double)p;
  double ybar = icpt ? compsum_value(&ys) / dm : 0;
  compsum rss = {0, 0}, tss = {0, 0};
  size_t ngroups = 0, k = 0;
  long cur = 0;
  if (d->clustered && !sorted)
    ids = (idrow *)xmalloc(m * sizeof *ids);
  for (size_t i = 0; i < n; i++) {
    if (!design_row(d, i, x, &y, &cl))
      continue;
    double e = residual(x, y, coef, p);
    compsum_add(&rss, e * e);
    compsum_add(&tss, (y - ybar) * (y - ybar));
    double e2 = e * e;
    for (size_t a = 0; a < p; a++)
      for (size_t c = 0; c < p; c++)
        meat[a * p + c] += e2 * x[a] * x[c];
    if (!d->clustered)
      continue;
    if (!sorted) {
      ids[k].id = cl;
      ids[k++].row = i;
      continue;
    }
    if (ngroups == 0 || cl != cur) {
      if (ngroups > 0)
        for (size_t a = 0; a < p; a++)
          for (size_t c = 0; c < p; c++)
            cmeat[a * p + c] += score[a] * score[c];
      memset(score, 0, p * sizeof *score);
      cur = cl;
      ngroups++;
    }
    for (size_t j = 0; j < p; j++)
      score[j] += x[j] * e;
  }
  if (d->clustered && !sorted) {
    qsort(ids, m, sizeof *ids, cmp_idrow);
    for (size_t s = 0; s < m; ngroups++) {
      memset(score, 0, p * sizeof *score);
      size_t t = s;
      for (; t < m && ids[t].id == ids[s].id; t++) {
        design_row(d, ids[t].row, x, &y, &cl);
        double e = residual(x, y, coef, p);
        for (size_t j = 0; j < p; j++)
          score[j] += x[j] * e;
      }
      for (size_t a = 0; a < p; a++)
        for (size_t c = 0; c < p; c++)
          cmeat[a * p + c] += score[a] * score[c];
      s = t;
    }
  } else if (ngroups > 0) {
    for (size_t a = 0; a < p; a++)
      for (size_t c = 0; c < p; c++)
        cmeat[a * p + c] += score[a] * score[c];
  }

  double df = dm - dp;
  double sigma2 = compsum_value(&rss) / df;
  /* residuals at rounding level (1e-12 of the size of y): an exact fit */
  if (!(sqrt(sigma2) > 1e-12 * sqrt(compsum_value(&y2) / dm))) {
    seterr(err, errlen, "the model fits exactly (zero residual variance)");
    goto cleanup;
  }
  if (!(compsum_value(&tss) > 0)) {
    seterr(err, errlen, "y is constant (zero variance)");
    goto cleanup;
  }

  /* One block for every array of the result. */
  size_t narr = d->clustered ? 12 : 7;
  double *blk = (double *)xcalloc(narr * p, sizeof *blk);
  memcpy(blk, coef, p * sizeof *coef);
  out->coef = blk;
  out->se = blk + p;
  out->t = blk + 2 * p;
  out->p_value = blk + 3 * p;
  out->se_hc1 = blk + 4 * p;
  out->ci_low = blk + 5 * p;
  out->ci_high = blk + 6 * p;
  out->n = m;
  out->p = p;
  out->dropped = dropped;
  out->df_resid = df;
  out->sigma = sqrt(sigma2);
  /* an intercept alone explains nothing: 0, not a rounding residue */
  out->r_squared = icpt && p == 1 ? 0 : 1 - compsum_value(&rss) / compsum_value(&tss);
  out->adj_r_squared = 1 - (1 - out->r_squared) * (dm - (icpt ? 1 : 0)) / df;
  double q = stats_t_crit(df, level);
  for (size_t j = 0; j < p; j++) {
    out->se[j] = sqrt(sigma2 * ainv[j * p + j]);
    out->t[j] = out->coef[j] / out->se[j];
    out->p_value[j] = stats_t_p(out->t[j], df);
    out->ci_low[j] = out->coef[j] - q * out->se[j];
    out->ci_high[j] = out->coef[j] + q * out->se[j];
  }
  /* HC1: (X'X)^-1 [sum e_i^2 x_i x_i'] (X'X)^-1 n / (n - p). */
  sandwich(ainv, meat, p, v);
  for (size_t j = 0; j < p; j++)
    out->se_hc1[j] = sqrt(fmax(0, v[j * p + j] * dm / df));

  if (d->clustered) {
    out->se_cluster = blk + 7 * p;
    out->t_cluster = blk + 8 * p;
    out->p_cluster = blk + 9 * p;
    out->ci_low_cluster = blk + 10 * p;
    out->ci_high_cluster = blk + 11 * p;
    if (ngroups < 2) {
      seterr(err, errlen, "fewer than 2 clusters (%zu)", ngroups);
      stats_ols_clear(out);
      goto cleanup;
    }
    double dg = (double)ngroups;
    double adj = dg / (dg - 1) * (dm - 1) / df;
    sandwich(ainv, cmeat, p, v);
    out->n_clusters = ngroups;
    out->df_cluster = dg - 1;
    double qc = stats_t_crit(dg - 1, level);
    for (size_t j = 0; j < p; j++) {
      double se = sqrt(fmax(0, v[j * p + j] * adj));
      if (!(se > 0)) {
        seterr(err, errlen, "the cluster-robust variance of coefficient %zu is zero", j + 1);
        stats_ols_clear(out);
        goto cleanup;
      }
      out->se_cluster[j] = se;
      out->t_cluster[j] = out->coef[j] / se;
      out->p_cluster[j] = stats_t_p(out->t_cluster[j], dg - 1);
      out->ci_low_cluster[j] = out->coef[j] - qc * se;
      out->ci_high_cluster[j] = out->coef[j] + qc * se;
    }
  }
  for (size_t j = 0; j < p; j++)
    if (!(out->se_hc1[j] > 0) || !isfinite(out->t[j])) {
      seterr(err, errlen, "the variance of coefficient %zu is zero", j + 1);
      stats_ols_clear(out);
      goto cleanup;
    }
  rc = 0;
cleanup:
  free(ids);
  free(g);
  free(same);
  free(score);
  free(cmeat);
  free(v);
  free(meat);
  free(coef);
  free(ainv);
  free(scale);
  free(first);
  free(x);
  free(rows);
  free(R);
  gsl_permutation_free(perm);
  gsl_vector_free(b);
  gsl_vector_free(z);
  gsl_vector_free(norm);
  gsl_vector_free(tau);
  gsl_matrix_free(qr);
  return rc;
}

/* Each column of X in units of 2^e[j] and y in units of 2^e[p] (see
 * top_exp); the coefficient of column j and its standard errors and
 * interval are then in units of 2^(e[p] - e[j]), sigma in units of 2^e[p],
 * and the rest (t, p, R-squared) needs no scaling back. */
int stats_ols_fit_rows(stats_ols_row_fn row, void *ctx, size_t n, size_t p, bool clustered,
                       double level, stats_ols *out, char *err, size_t errlen) {
  gsl_quiet();
  memset(out, 0, sizeof *out);
  if (check_level(level, err, errlen) < 0)
    return -1;
  if (p == 0) {
    seterr(err, errlen, "no coefficients to estimate");
    return -1;
  }
  design d = {.row = row, .ctx = ctx, .p = p, .clustered = clustered};
  d.e = (int *)xcalloc(p + 1, sizeof *d.e);
  d.f = (double *)xcalloc(p + 1, sizeof *d.f);
  double *x = (double *)xcalloc(p, sizeof *x);
  size_t m, dropped;
  bool sorted;
  int rc = ols_scan(&d, n, &m, &dropped, &sorted, x, err, errlen);
  if (rc == 0 && m < p + 1) {
    seterr(err, errlen, "fewer observations (%zu) than coefficients + 1 (%zu)", m, p + 1);
    rc = -1;
  }
  if (rc == 0)
    rc = ols_fit(&d, n, m, dropped, sorted, level, out, err, errlen);
  if (rc == 0) {
    int ey = d.e[p];
    out->sigma = ldexp(out->sigma, ey);
    bool ok = isfinite(out->sigma);
    for (size_t j = 0; j < p; j++) {
      int dx = ey - d.e[j];
      double *vs[] = {&out->coef[j],
                      &out->se[j],
                      &out->se_hc1[j],
                      &out->ci_low[j],
                      &out->ci_high[j],
                      clustered ? &out->se_cluster[j] : NULL,
                      clustered ? &out->ci_low_cluster[j] : NULL,
                      clustered ? &out->ci_high_cluster[j] : NULL};
      for (size_t k = 0; k < sizeof vs / sizeof vs[0]; k++)
        if (vs[k]) {
          *vs[k] = ldexp(*vs[k], dx);
          ok = ok && isfinite(*vs[k]);
        }
    }
    if (!ok) {
      stats_ols_clear(out);
      seterr(err, errlen, TOO_BIG);
      rc = -1;
    }
  }
  free(x);
  free(d.f);
  free(d.e);
  return rc;
}

/* The rows of stats_ols_fit's arrays. */
typedef struct ols_arrays {
  const double *X, *y;
  const long *cluster;
  size_t p;
} ols_arrays;

static void ols_array_row(void *ctx, size_t i, double *x, double *y, long *cluster) {
  const ols_arrays *a = (const ols_arrays *)ctx;
  memcpy(x, a->X + i * a->p, a->p * sizeof *x);
  *y = a->y[i];
  if (cluster)
    *cluster = a->cluster[i];
}

int stats_ols_fit(const double *X, const double *y, size_t n, size_t p, const long *cluster,
                  double level, stats_ols *out, char *err, size_t errlen) {
  ols_arrays a = {X, y, cluster, p};
  return stats_ols_fit_rows(ols_array_row, &a, n, p, cluster != NULL, level, out, err, errlen);
}

/* The rows of stats_did_fit: intercept, treated, post, treated x post. */
typedef struct did_arrays {
  const long *unit;
  const double *treated, *post, *y;
} did_arrays;

static void did_array_row(void *ctx, size_t i, double *x, double *y, long *cluster) {
  const did_arrays *a = (const did_arrays *)ctx;
  x[0] = 1;
  x[1] = a->treated[i];
  x[2] = a->post[i];
  x[3] = a->treated[i] * a->post[i];
  *y = a->y[i];
  if (cluster)
    *cluster = a->unit[i];
}

int stats_did_fit(const long *unit, const double *treated, const double *post, const double *y,
                  size_t n, double level, stats_did *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < n; i++) {
    double tr = treated[i], po = post[i];
    if ((!isnan(tr) && tr != 0 && tr != 1) || (!isnan(po) && po != 0 && po != 1)) {
      seterr(err, errlen, "row %zu: %s must be 0 or 1", i + 1,
             (!isnan(tr) && tr != 0 && tr != 1) ? "treated" : "post");
      return -1;
    }
  }
  did_arrays a = {unit, treated, post, y};
  stats_ols r;
  if (stats_ols_fit_rows(did_array_row, &a, n, 4, true, level, &r, err, errlen) < 0)
    return -1;
  out->n = r.n;
  out->dropped = r.dropped;
  out->n_clusters = r.n_clusters;
  out->estimate = r.coef[3];
  out->se = r.se[3];
  out->t = r.t[3];
  out->df = r.df_resid;
  out->p = r.p_value[3];
  out->se_cluster = r.se_cluster[3];
  out->t_cluster = r.t_cluster[3];
  out->df_cluster = r.df_cluster;
  out->p_cluster = r.p_cluster[3];
  out->ci_low = r.ci_low_cluster[3];
  out->ci_high = r.ci_high_cluster[3];
  stats_ols_clear(&r);
  return 0;
}

/* ---- scales, comparisons, proportions ---- */

int stats_cronbach_alpha(const double *items, size_t n, size_t k, stats_alpha *out, char *err,
                         size_t errlen) {
  memset(out, 0, sizeof *out);
  if (k < 2) {
    seterr(err, errlen, "fewer than 2 items (%zu)", k);
    return -1;
  }
  double *col = (double *)xmalloc((n ? n : 1) * sizeof *col);
  double *tot = (double *)xmalloc((n ? n : 1) * sizeof *tot);
  size_t *rows = (size_t *)xmalloc((n ? n : 1) * sizeof *rows);
  int rc = -1;
  size_t m = 0;
  int e = top_exp(items, n * k); /* every item in units of 2^e: see top_exp */
  double f = pow2_neg(e);
  for (size_t i = 0; i < n; i++) {
    bool miss = false;
    double s = 0;
    for (size_t j = 0; j < k; j++) {
      double v = items[i * k + j];
      if (isinf(v)) {
        seterr(err, errlen, "row %zu, item %zu is infinite", i + 1, j + 1);
        goto cleanup;
      }
      miss = miss || isnan(v);
      s += unscale(v, e, f);
    }
    if (!miss) {
      tot[m] = s;
      rows[m++] = i;
    }
  }
  if (m < 2) {
    seterr(err, errlen, "fewer than 2 complete rows (%zu)", m);
    goto cleanup;
  }
  size_t used, none = 0;
  double mean, var, sumvar = 0;
  for (size_t j = 0; j < k; j++) {
    for (size_t r = 0; r < m; r++)
      col[r] = items[rows[r] * k + j];
    moments(col, m, e, "item", &used, &none, &mean, &var, err, errlen);
    sumvar += var;
  }
  double vt;
  moments(tot, m, 0, "total", &used, &none, &mean, &vt, err, errlen);
  if (!(vt > 0)) {
    seterr(err, errlen, "the total score has zero variance");
    goto cleanup;
  }
  out->n = m;
  out->k = k;
  out->dropped = n - m;
  out->alpha = (double)k / (double)(k - 1) * (1 - sumvar / vt);
  rc = 0;
cleanup:
  free(rows);
  free(tot);
  free(col);
  return rc;
}

typedef struct pidx {
  double p;
  size_t i;
} pidx;

static int cmp_pidx(const void *a, const void *b) {
  const pidx *x = (const pidx *)a, *y = (const pidx *)b;
  if (x->p != y->p)
    return (x->p > y->p) - (x->p < y->p);
  return (x->i > y->i) - (x->i < y->i);
}

int stats_p_adjust(const double *p, size_t n, stats_adjust method, double *out, char *err,
                   size_t errlen) {
  if (n == 0) {
    seterr(err, errlen, "no p values");
    return -1;
  }
  for (size_t i = 0; i < n; i++)
    if (!(p[i] >= 0 && p[i] <= 1)) {
      seterr(err, errlen, "p value %zu is not between 0 and 1", i + 1);
      return -1;
    }
  pidx *o = (pidx *)xmalloc(n * sizeof *o);
  for (size_t i = 0; i < n; i++) {
    o[i].p = p[i];
    o[i].i = i;
  }
  qsort(o, n, sizeof *o, cmp_pidx); /* ascending, ties in input order */
  double dn = (double)n;
  if (method == STATS_HOLM) {
    double run = 0;
    for (size_t r = 0; r < n; r++) {
      double v = (dn - (double)r) * o[r].p;
      run = fmax(run, v);
      o[r].p = fmin(1, run);
    }
  } else {
    double run = INFINITY;
    for (size_t r = n; r-- > 0;) {
      double v = dn / (double)(r + 1) * o[r].p;
      run = fmin(run, v);
      o[r].p = fmin(1, run);
    }
  }
  for (size_t r = 0; r < n; r++)
    out[o[r].i] = o[r].p;
  free(o);
  return 0;
}

int stats_wilson(double k, double n, double level, stats_prop *out, char *err, size_t errlen) {
  gsl_quiet();
  memset(out, 0, sizeof *out);
  if (check_level(level, err, errlen) < 0)
    return -1;
  if (!(n > 0) || !isfinite(n)) {
    seterr(err, errlen, "n must be positive");
    return -1;
  }
  if (!(k >= 0 && k <= n)) {
    seterr(err, errlen, "k must be between 0 and n");
    return -1;
  }
  double z = z_crit(level), z2 = z * z;
  double ph = k / n;
  double centre = (k + z2 / 2) / (n + z2);
  double half = z * sqrt(n) / (n + z2) * sqrt(ph * (1 - ph) + z2 / (4 * n));
  out->k = k;
  out->n = n;
  out->estimate = ph;
  out->ci_low = k == 0 ? 0 : fmax(0, centre - half);
  out->ci_high = k == n ? 1 : fmin(1, centre + half);
  return 0;
}

int stats_anova_oneway(const double *y, const long *group, size_t n, stats_anova *out, char *err,
                       size_t errlen) {
  gsl_quiet();
  memset(out, 0, sizeof *out);
  idrow *ids = (idrow *)xmalloc((n ? n : 1) * sizeof *ids);
  int rc = -1;
  size_t m = 0, dropped = 0;
  compsum all = {0, 0};
  int sc = top_exp(y, n); /* y in units of 2^sc: see top_exp */
  double fs = pow2_neg(sc);
  for (size_t i = 0; i < n; i++) {
    if (isnan(y[i])) {
      dropped++;
      continue;
    }
    if (isinf(y[i])) {
      seterr(err, errlen, "value %zu is infinite", i + 1);
      goto cleanup;
    }
    ids[m].id = group[i];
    ids[m++].row = i;
    compsum_add(&all, unscale(y[i], sc, fs));
  }
  qsort(ids, m, sizeof *ids, cmp_idrow);
  size_t g = 0;
  for (size_t s = 0; s < m; g++) {
    size_t e = s;
    while (e < m && ids[e].id == ids[s].id)
      e++;
    s = e;
  }
  if (g < 2) {
    seterr(err, errlen, "fewer than 2 groups (%zu)", g);
    goto cleanup;
  }
  if (m <= g) {
    seterr(err, errlen, "no more observations (%zu) than groups (%zu)", m, g);
    goto cleanup;
  }
  double grand = compsum_value(&all) / (double)m;
  compsum ssb = {0, 0}, ssw = {0, 0};
  for (size_t s = 0; s < m;) {
    size_t e = s;
    compsum gs = {0, 0};
    while (e < m && ids[e].id == ids[s].id)
      compsum_add(&gs, unscale(y[ids[e++].row], sc, fs));
    double cnt = (double)(e - s);
    double gm = compsum_value(&gs) / cnt;
    for (size_t r = s; r < e; r++) {
      double d = unscale(y[ids[r].row], sc, fs) - gm;
      compsum_add(&ssw, d * d);
    }
    compsum_add(&ssb, cnt * (gm - grand) * (gm - grand));
    s = e;
  }
  double b = compsum_value(&ssb), w = compsum_value(&ssw);
  if (!(w > 0)) {
    seterr(err, errlen, "no variance within groups");
    goto cleanup;
  }
  out->n = m;
  out->groups = g;
  out->dropped = dropped;
  /* Squared in the scaled units; back in y's units where they fit. */
  out->ss_between = ldexp(b, 2 * sc);
  out->ss_within = ldexp(w, 2 * sc);
  if (!isfinite(out->ss_between) || !isfinite(out->ss_within) || out->ss_within < DBL_MIN ||
      (b > 0 && out->ss_between < DBL_MIN)) {
    out->ss_between = b;
    out->ss_within = w;
    out->ss_exp = 2 * sc;
  }
  out->df1 = (double)(g - 1);
  out->df2 = (double)(m - g);
  out->f = (b / out->df1) / (w / out->df2);
  out->p = gsl_cdf_fdist_Q(out->f, out->df1, out->df2);
  out->eta_squared = b / (b + w);
  rc = 0;
cleanup:
  free(ids);
  return rc;
}

/* Compensated sums and one-pass moments (see compsum.h). */
#include "compsum.h"

#include <math.h>
#include <string.h>

void compsum_moments_init(compsum_moments *m) { memset(m, 0, sizeof *m); }

/* Multiplies a sum by 2^e: exact, but for parts that fall below the
 * smallest double (negligible beside the values that raised the scale). */
static void compsum_ldexp(compsum *k, int e) {
  k->s = ldexp(k->s, e);
  k->c = ldexp(k->c, e);
}

/* Raises the scale so that |v| and |shift| are below 2^(scale + 1). */
static void fit_scale(compsum_moments *m, double v) {
  double a = fmax(fabs(v), fabs(m->shift));
  if (!(a > 0) || !isfinite(a))
    return;
  int e = ilogb(a);
  if (!m->scaled) {
    m->scale = e;
    m->scaled = 1;
  } else if (e > m->scale) {
    compsum_ldexp(&m->dev, m->scale - e);
    compsum_ldexp(&m->dev2, 2 * (m->scale - e));
    m->scale = e;
  }
}

/* A value into the sums of its deviation from the shift. */
static inline void add_deviation(compsum_moments *m, double v) {
  fit_scale(m, v);
  double e = ldexp(v, -m->scale) - ldexp(m->shift, -m->scale);
  compsum_add(&m->dev, e);
  compsum_add(&m->dev2, e * e);
}

/* The mean of the pilot's k values, without overflow: summed in units of
 * the largest. */
static double pilot_mean(const compsum_moments *m, size_t k) {
  double top = 0;
  for (size_t i = 0; i < k; i++)
    top = fmax(top, fabs(m->pilot[i]));
  if (!(top > 0) || !isfinite(top))
    return k ? m->pilot[0] : 0;
  int e = ilogb(top);
  compsum s = {0, 0};
  for (size_t i = 0; i < k; i++)
    compsum_add(&s, ldexp(m->pilot[i], -e));
  return ldexp(compsum_value(&s) / (double)k, e);
}

/* The shift: the mean of the values of the pilot; then those values into
 * the sums of deviations. */
static void set_shift(compsum_moments *m, size_t k) {
  m->shift = pilot_mean(m, k);
  if (!isfinite(m->shift))
    m->shift = m->pilot[0];
  for (size_t i = 0; i < k; i++)
    fit_scale(m, m->pilot[i]);
  for (size_t i = 0; i < k; i++)
    add_deviation(m, m->pilot[i]);
}

void compsum_moments_add(compsum_moments *m, double v) {
  compsum_add(&m->sum, v);
  if (m->n >= COMPSUM_PILOT)
    add_deviation(m, v);
  else {
    m->pilot[m->n] = v;
    if (m->n + 1 == COMPSUM_PILOT)
      set_shift(m, COMPSUM_PILOT);
  }
  m->n++;
}

/* The mean, and the variance in units of 2^(2 scale) (*scale set). */
static void moments_scaled(const compsum_moments *m, double *mean, double *var, int *scale) {
  compsum_moments w = *m;
  if (w.n < COMPSUM_PILOT)
    set_shift(&w, w.n);
  *scale = w.scaled ? w.scale : 0;
  double n = (double)w.n, dev = compsum_value(&w.dev);
  if (w.n == 0) {
    *mean = *var = NAN;
    return;
  }
  /* The plain sum, unless it passed the largest double where the values
   * did not. */
  double sum = compsum_value(&w.sum);
  *mean = isfinite(sum) ? sum / n : w.shift + ldexp(dev / n, *scale);
  if (w.n < 2) {
    *var = NAN;
    return;
  }
  double v = (compsum_value(&w.dev2) - dev * (dev / n)) / (n - 1);
  *var = v > 0 || isnan(v) ? v : 0;
}

void compsum_moments_get(const compsum_moments *m, double *mean, double *var) {
  int scale;
  moments_scaled(m, mean, var, &scale);
  *var = ldexp(*var, 2 * scale);
}

void compsum_moments_get_sd(const compsum_moments *m, double *mean, double *sd) {
  int scale;
  double var;
  moments_scaled(m, mean, &var, &scale);
  *sd = ldexp(sqrt(var), scale);
}

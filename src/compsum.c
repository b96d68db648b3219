/* Compensated sums and one-pass moments (see compsum.h). */
#include "compsum.h"

#include <math.h>
#include <string.h>

void compsum_moments_init(compsum_moments *m) { memset(m, 0, sizeof *m); }

/* A value into the sums of its deviation from the shift. */
static inline void add_deviation(compsum_moments *m, double v) {
  double e = v - m->shift;
  compsum_add(&m->dev, e);
  compsum_add(&m->dev2, e * e);
}

/* The shift: the mean of the values of the pilot; then those values into
 * the sums of deviations. */
static void set_shift(compsum_moments *m, size_t k) {
  compsum s = {0, 0};
  for (size_t i = 0; i < k; i++)
    compsum_add(&s, m->pilot[i]);
  m->shift = k ? compsum_value(&s) / (double)k : 0;
  if (!isfinite(m->shift))
    m->shift = m->pilot[0];
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

void compsum_moments_get(const compsum_moments *m, double *mean, double *var) {
  compsum_moments w = *m;
  if (w.n < COMPSUM_PILOT)
    set_shift(&w, w.n);
  double n = (double)w.n, dev = compsum_value(&w.dev);
  if (w.n == 0) {
    *mean = *var = NAN;
    return;
  }
  /* The plain sum, unless it passed the largest double where the values
   * did not. */
  double sum = compsum_value(&w.sum);
  *mean = isfinite(sum) ? sum / n : w.shift + dev / n;
  if (w.n < 2) {
    *var = NAN;
    return;
  }
  double v = (compsum_value(&w.dev2) - dev * (dev / n)) / (n - 1);
  *var = v > 0 || isnan(v) ? v : 0;
}

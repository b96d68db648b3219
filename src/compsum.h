/* Compensated sums of doubles (Neumaier's, each addition's rounding error
 * kept exactly by Knuth's TwoSum and added back at the end), and the mean
 * and variance of a stream of values in one pass built on them, so that a
 * paired t test can read a file of any size without keeping it. Pure
 * computation, portable C11: no I/O, no wide integers. */
#ifndef CLEVAL_COMPSUM_H
#define CLEVAL_COMPSUM_H

#include <stddef.h>

/* A running sum: s the rounded sum, c the rounding errors so far. Start it
 * as {0, 0}. */
typedef struct compsum {
  double s, c;
} compsum;

/* Adds x. Branch-free, and exact in its error term whatever the sizes of
 * the sum and x (TwoSum). Inline: it runs once per value of a file. */
static inline void compsum_add(compsum *k, double x) {
  double t = k->s + x;
  double z = t - k->s;
  k->c += (k->s - (t - z)) + (x - z);
  k->s = t;
}

/* The sum: within about one rounding of the exact sum of what was added,
 * unless the values cancel to far below their own sizes many times over. */
static inline double compsum_value(const compsum *k) { return k->s + k->c; }

/* The values first seen, whose mean becomes the shift (see below). */
#define COMPSUM_PILOT 32

/* The moments of a stream of values. The sum of the values gives the mean;
 * the variance comes from the sums of the values' deviations from a shift
 * and of their squares, the shift being the mean of the first
 * COMPSUM_PILOT values (kept until then), so that the one-pass formula
 * loses no digits to a mean far from zero beside a small spread. The
 * deviations are summed in units of 2^scale, scale the binary exponent of
 * the largest |value| so far (raised, and the sums rescaled exactly, as
 * larger values come): their squares neither overflow for values near
 * 1e308 nor underflow for values near 1e-300, and since a power of two
 * scales without rounding the results are those of unscaled sums wherever
 * those did not overflow. Memory is fixed; initialise with
 * compsum_moments_init. */
typedef struct compsum_moments {
  size_t n;                    /* values added */
  compsum sum;                 /* of the values */
  double shift;                /* once n >= COMPSUM_PILOT */
  int scale;                   /* once scaled: dev and dev2 are in 2^scale */
  int scaled;                  /* 0 until a value other than 0 is summed */
  compsum dev, dev2;           /* of (v - shift) / 2^scale and its square */
  double pilot[COMPSUM_PILOT]; /* the first values */
} compsum_moments;

void compsum_moments_init(compsum_moments *m);

/* Adds v, which should be finite (an infinity or a NaN makes the moments
 * NaN or infinite). */
void compsum_moments_add(compsum_moments *m, double v);

/* The mean of the values and their variance (about the mean, divided by
 * n - 1). NaN for what n does not allow (a mean of none, a variance of
 * fewer than 2); infinite when the variance passes the largest double
 * (a spread beyond about 1e154), though the standard deviation may not:
 * compsum_moments_get_sd gives it then. */
void compsum_moments_get(const compsum_moments *m, double *mean, double *var);

/* The same with the standard deviation (the square root of the variance
 * above, taken before scaling back, so finite for any spread of finite
 * values that a double can hold). */
void compsum_moments_get_sd(const compsum_moments *m, double *mean, double *sd);

#endif

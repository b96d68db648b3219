/* libFuzzer entry point for exact sums: the input, 8 bytes per double
 * (infinities and NaNs left out), summed forwards, backwards, and in two
 * parts merged must give the same bits; the mean must lie between the
 * least and the greatest value and equal it when all are equal; the
 * variance must not be negative (and is 0 for equal values). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exactsum.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void moments(const exactsum *s, double out[2]) { exactsum_moments(s, &out[0], &out[1]); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t n = 0, cut = size ? data[0] : 0;
  double *v = malloc((size / 8 + 1) * sizeof *v);
  for (size_t at = 1; at + 8 <= size; at += 8) {
    double x;
    memcpy(&x, data + at, 8);
    if (isfinite(x))
      v[n++] = x;
  }
  exactsum *fwd = exactsum_new(), *back = exactsum_new(), *a = exactsum_new(),
           *b = exactsum_new();
  for (size_t i = 0; i < n; i++) {
    exactsum_add(fwd, v[i]);
    exactsum_add(back, v[n - 1 - i]);
    exactsum_add(i < cut ? a : b, v[i]);
  }
  exactsum_merge(b, a);
  double m1[2], m2[2], m3[2];
  moments(fwd, m1);
  moments(back, m2);
  moments(b, m3);
  if (memcmp(m1, m2, sizeof m1) != 0 || memcmp(m1, m3, sizeof m1) != 0)
    __builtin_trap(); /* the order of the additions shows */
  if (n) {
    double lo = v[0], hi = v[0];
    for (size_t i = 1; i < n; i++) {
      lo = v[i] < lo ? v[i] : lo;
      hi = v[i] > hi ? v[i] : hi;
    }
    if (!(m1[0] >= lo && m1[0] <= hi))
      __builtin_trap(); /* a mean outside the values */
    if (lo == hi && (m1[0] != lo || (n > 1 && m1[1] != 0)))
      __builtin_trap(); /* equal values: their value, no spread */
    if (n > 1 && !(m1[1] >= 0))
      __builtin_trap(); /* a negative (or NaN) variance */
  }
  free(v);
  free(fwd);
  free(back);
  free(a);
  free(b);
  return 0;
}

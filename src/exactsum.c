/* Exact sums of doubles and their squares (see exactsum.h). The moments
 * come from whole numbers: with S1 = A * 2^-1074 and S2 = B * 2^-2148
 * (every double is a whole multiple of 2^-1074), the mean is A / n * 2^-1074
 * and the variance (n * S2 - S1^2) / (n * (n - 1)) is (n * B - A^2) /
 * (n * (n - 1)) * 2^-2148, worked out in integers of a few thousand bits
 * and rounded once, at the end. */
#include "exactsum.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "xalloc.h"

exactsum *exactsum_new(void) { return xcalloc(1, sizeof(exactsum)); }

void exactsum_merge(exactsum *dst, const exactsum *src) {
  dst->n += src->n;
  for (size_t e = 0; e < EXACTSUM_BUCKETS; e++) {
    dst->s1[e] += src->s1[e];
    exactsum_u128 before = dst->s2[e];
    dst->s2[e] += src->s2[e];
    dst->s2_hi[e] += src->s2_hi[e] + (dst->s2[e] < before);
  }
}

/* ---- whole numbers of up to LIMBS 32-bit limbs, least significant first ---- */

/* n * B, the largest, needs about 2 * 2046 + 192 + 64 bits, and 192 more
 * before it is divided (big_quotient). */
#define LIMBS 152

typedef struct big {
  uint32_t l[LIMBS];
} big;

/* x += v * 2^shift */
static void big_add_u64(big *x, uint64_t v, unsigned shift) {
  exactsum_u128 t = (exactsum_u128)v << (shift % 32);
  uint64_t carry = 0;
  for (size_t i = shift / 32; i < LIMBS && (t || carry); i++) {
    uint64_t s = (uint64_t)x->l[i] + (uint32_t)t + carry;
    x->l[i] = (uint32_t)s;
    carry = s >> 32;
    t >>= 32;
  }
}

static void big_add_u128(big *x, exactsum_u128 v, unsigned shift) {
  big_add_u64(x, (uint64_t)v, shift);
  big_add_u64(x, (uint64_t)(v >> 64), shift + 64);
}

/* The limbs in use: 0 for zero. */
static size_t big_used(const big *x) {
  size_t n = LIMBS;
  while (n && !x->l[n - 1])
    n--;
  return n;
}

static int big_cmp(const big *a, const big *b) {
  for (size_t i = LIMBS; i-- > 0;)
    if (a->l[i] != b->l[i])
      return a->l[i] < b->l[i] ? -1 : 1;
  return 0;
}

/* a -= b, for a >= b */
static void big_sub(big *a, const big *b) {
  int64_t borrow = 0;
  for (size_t i = 0; i < LIMBS; i++) {
    int64_t d = (int64_t)a->l[i] - (int64_t)b->l[i] - borrow;
    borrow = d < 0;
    a->l[i] = (uint32_t)d; /* modulo 2^32 */
  }
}

/* r = a * b (the sizes here never reach LIMBS) */
static void big_mul(big *r, const big *a, const big *b) {
  size_t na = big_used(a), nb = big_used(b);
  memset(r, 0, sizeof *r);
  for (size_t i = 0; i < na; i++) {
    uint64_t carry = 0;
    size_t j = 0;
    for (; j < nb && i + j < LIMBS; j++) {
      uint64_t t = (uint64_t)a->l[i] * b->l[j] + r->l[i + j] + carry;
      r->l[i + j] = (uint32_t)t;
      carry = t >> 32;
    }
    if (i + j < LIMBS)
      r->l[i + j] = (uint32_t)carry;
  }
}

/* x /= d (d > 0); returns the remainder. */
static uint64_t big_div_u64(big *x, uint64_t d) {
  exactsum_u128 rem = 0;
  for (size_t i = LIMBS; i-- > 0;) {
    rem = rem << 32 | x->l[i];
    x->l[i] = (uint32_t)(rem / d);
    rem %= d;
  }
  return (uint64_t)rem;
}

/* x, and beyond it a remainder when rest, as a double d and a power of
 * two: x = d * 2^*e, rounded once (to nearest, ties to even). */
static double big_to_double(const big *x, bool rest, int *e) {
  size_t n = big_used(x);
  *e = 0;
  if (!n)
    return 0;
  /* The top three limbs, shifted so the leading bit is bit 127; every
   * lower bit that is set makes the last bit of the 64 taken sticky, which
   * rounds the 64 to 53 bits as the whole number would round. */
  exactsum_u128 w = (exactsum_u128)x->l[n - 1] << 64;
  if (n >= 2)
    w |= (exactsum_u128)x->l[n - 2] << 32;
  if (n >= 3)
    w |= x->l[n - 3];
  int lead = 31 - __builtin_clz(x->l[n - 1]); /* of the top limb */
  w <<= 63 - lead;
  uint64_t top = (uint64_t)(w >> 64);
  bool sticky = rest || (uint64_t)w != 0;
  for (size_t i = 0; i + 3 < n && !sticky; i++)
    sticky = x->l[i] != 0;
  top |= sticky;
  *e = (int)((n - 1) * 32) + lead - 63;
  return (double)top;
}

/* x * 2^(32 * limbs) / d1 / d2 as a double, correctly rounded, and a power
 * of two: the quotient is d * 2^*e. limbs must make the whole quotient 64
 * bits at least, so that it rounds as the exact fraction does: the
 * remainders only say whether anything was left over (floor(floor(x / d1)
 * / d2) is floor(x / (d1 * d2)), with a remainder exactly when the exact
 * division leaves one). */
static double big_quotient(const big *x, size_t limbs, uint64_t d1, uint64_t d2, int *e) {
  big q = {{0}};
  memcpy(q.l + limbs, x->l, (LIMBS - limbs) * sizeof *q.l);
  bool rest = big_div_u64(&q, d1) != 0;
  rest |= big_div_u64(&q, d2) != 0;
  double v = big_to_double(&q, rest, e);
  *e -= (int)(32 * limbs);
  return v;
}

void exactsum_moments(const exactsum *s, double *mean, double *var) {
  *mean = NAN;
  *var = NAN;
  size_t inf = EXACTSUM_BUCKETS - 1; /* exponent all ones: an infinity or a NaN */
  if (s->n == 0 || s->s2[inf] || s->s2_hi[inf])
    return;
  /* A = P - N, by sign; B. Units 2^-1074 and 2^-2148. */
  big pos = {{0}}, neg = {{0}}, b = {{0}};
  for (size_t e = 0; e + 1 < EXACTSUM_BUCKETS; e++) {
    unsigned up = (unsigned)(e ? e : 1) - 1;
    exactsum_i128 v = s->s1[e];
    if (v >= 0)
      big_add_u128(&pos, (exactsum_u128)v, up);
    else
      big_add_u128(&neg, (exactsum_u128)-v, up);
    big_add_u128(&b, s->s2[e], 2 * up);
    big_add_u64(&b, s->s2_hi[e], 2 * up + 128);
  }
  bool negative = big_cmp(&pos, &neg) < 0;
  big a = negative ? neg : pos;
  big_sub(&a, negative ? &pos : &neg);
  int k;
  double m = big_quotient(&a, 4, s->n, 1, &k); /* |A| / n */
  *mean = (negative ? -1 : 1) * ldexp(m, k - 1074);
  if (s->n < 2)
    return;

  /* (n * B - A^2) / (n * (n - 1)); Cauchy-Schwarz keeps it from being
   * negative. */
  big nb, nbig = {{0}}, aa;
  big_add_u64(&nbig, s->n, 0);
  big_mul(&nb, &b, &nbig);
  big_mul(&aa, &a, &a);
  if (big_cmp(&nb, &aa) <= 0) {
    *var = 0;
    return;
  }
  big_sub(&nb, &aa);
  double v = big_quotient(&nb, 6, s->n, s->n - 1, &k);
  *var = ldexp(v, k - 2148);
}

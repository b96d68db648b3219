/* Exact sums of doubles and of their squares, kept as integers by binary
 * exponent, from which the mean and the variance come out rounded only at
 * the end. Integer sums do not depend on the order of the additions, so
 * sums taken in pieces (in threads, over parts of a file) and merged give
 * the same bits as one sum over everything, and the variance needs no
 * second pass over the data: a paired t test can read a file without
 * keeping it. Pure computation, no I/O. */
#ifndef CLEVAL_EXACTSUM_H
#define CLEVAL_EXACTSUM_H

#include <stdint.h>
#include <string.h>

__extension__ typedef __int128 exactsum_i128;
__extension__ typedef unsigned __int128 exactsum_u128;

/* Bucket e holds the values whose biased IEEE exponent is e (0 for zeros
 * and subnormals): each is m * 2^(max(e, 1) - 1075) with m a 53-bit
 * integer, so the bucket sums m (signed) and m * m exactly. The last
 * bucket is where an infinity or a NaN would land: anything in it makes
 * the moments NaN. */
#define EXACTSUM_BUCKETS 2048

typedef struct exactsum {
  uint64_t n;                         /* values added */
  exactsum_i128 s1[EXACTSUM_BUCKETS]; /* sum of the signed mantissas */
  exactsum_u128 s2[EXACTSUM_BUCKETS]; /* sum of the squared mantissas, low 128 bits */
  uint64_t s2_hi[EXACTSUM_BUCKETS];   /* ... and the carries out of them */
} exactsum;

/* A new, empty sum (on the heap: it is about 80 KB). Free with free(). */
exactsum *exactsum_new(void);

/* Adds v (finite; an infinity or a NaN spoils the sum). Inline: it runs once per row of a file. */
static inline void exactsum_add(exactsum *s, double v) {
  uint64_t b;
  memcpy(&b, &v, sizeof b);
  unsigned e = (unsigned)(b >> 52) & 0x7ff;
  uint64_t m = b & ((UINT64_C(1) << 52) - 1);
  if (e)
    m |= UINT64_C(1) << 52;
  int64_t neg = -(int64_t)(b >> 63); /* all ones for a negative v */
  s->s1[e] += (exactsum_i128)(((int64_t)m ^ neg) - neg);
  exactsum_u128 sq = (exactsum_u128)m * m, sum = s->s2[e] + sq;
  s->s2[e] = sum;
  s->s2_hi[e] += sum < sq;
  s->n++;
}

/* Adds the sums of src into dst. */
void exactsum_merge(exactsum *dst, const exactsum *src);

/* The mean of the values and their variance (about the mean, divided by
 * n - 1): each the exact value rounded once to the nearest double, whatever
 * the data (a mean far from zero beside a tiny spread included; a result
 * below 2^-1022 may be rounded twice). NaN for what n does not allow (a mean of
 * none, a variance of fewer than 2) and after a value that was not
 * finite; a variance beyond the largest double is infinite. */
void exactsum_moments(const exactsum *s, double *mean, double *var);

#endif

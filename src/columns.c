/* The columns of a CSV file that a statistical test reads (see
 * columns.h): cells read as numbers, in one pass, every problem named by
 * file, line and column. */
#include "columns.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

void columns_init(columns *t, const char *name, const char *const *names, size_t n) {
  memset(t, 0, sizeof *t);
  t->name = name;
  t->ncols = n;
  t->col = xcalloc(n ? n : 1, sizeof *t->col);
  t->names = xcalloc(n ? n : 1, sizeof *t->names);
  for (size_t j = 0; j < n; j++)
    t->names[j] = xstrdup(names[j]);
  compsum_moments_init(&t->sums);
}

void columns_free(columns *t) {
  for (size_t j = 0; j < t->ncols; j++) {
    free(t->col[j]);
    free(t->names[j]);
  }
  free(t->col);
  free(t->names);
  if (t->text)
    for (size_t i = 0; i < t->nrows; i++)
      free(t->text[i]);
  free(t->text);
}

static const double pow10_tab[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* A cell that is not a plain [-]digits[.digits] (see parse_cell): blanks
 * around it trimmed, then only digits, signs, a point and an exponent, read
 * by strtod (correctly rounded, as the plain path is). */
static int parse_cell_general(const char *s, size_t len, double *out) {
  const char *p = s, *e = s + len;
  while (p < e && (*p == ' ' || *p == '\t'))
    p++;
  while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
    e--;
  if (p == e)
    return 0;
  size_t n = (size_t)(e - p);
  for (size_t k = 0; k < n; k++) {
    char c = p[k];
    if (!(isdigit((unsigned char)c) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
      return -1;
  }
  char buf[128];
  if (n >= sizeof buf)
    return -1;
  memcpy(buf, p, n);
  buf[n] = '\0';
  char *end;
  double v = strtod(buf, &end);
  if (end != buf + n || end == buf || !isfinite(v))
    return -1;
  *out = v == 0 ? 0.0 : v; /* no negative zero */
  return 1;
}

/* The usual cell, s[0..len) followed by a NUL (as csvin's fields are):
 * [-]digits[.digits], at most 19 bytes, whose digits make an integer m of
 * at most 2^53. Then the number is m divided by an exact power of ten: one
 * correctly rounded division (Clinger's fast path), in *out, and true. The
 * digits are read up to the NUL without bounds checks (a NUL inside the
 * cell stops them early and leaves it to parse_cell_general, as does
 * anything else: false). */
static bool plain_number(const char *s, size_t len, double *out) {
  const unsigned char *u = (const unsigned char *)s;
  /* Only where a double division rounds once: with x87's extended
   * registers (32-bit x86 without SSE, FLT_EVAL_METHOD 2) it is rounded
   * twice and can miss strtod's result by an ulp (as import_cell.c). */
  if (FLT_EVAL_METHOD != 0)
    return false;
  if (len - 1 >= 19) /* 1 to 19 bytes: m cannot overflow */
    return false;
  size_t neg = u[0] == '-', dot = 0, nf = 0;
  const unsigned char *p = u + neg, *q = p;
  uint64_t m = 0;
  unsigned d;
  while ((d = (unsigned)*q - '0') < 10) {
    m = m * 10 + d;
    q++;
  }
  if (d == (unsigned)('.' - '0')) {
    const unsigned char *f = ++q;
    dot = 1;
    while ((d = (unsigned)*q - '0') < 10) {
      m = m * 10 + d;
      q++;
    }
    nf = (size_t)(q - f);
  }
  if (q != u + len || (size_t)(q - p) <= dot || m > UINT64_C(1) << 53)
    return false;
  int64_t sm = ((int64_t)m ^ -(int64_t)neg) + (int64_t)neg; /* -0 is 0 */
  *out = (double)sm / pow10_tab[nf];
  return true;
}

/* Parses a cell, s[0..len) followed by a NUL: 1 for a number (in *out), 0
 * for an empty cell, -1 for anything else (words, "nan", "inf", hex, a
 * number too large). */
static int parse_cell(const char *s, size_t len, double *out) {
  return plain_number(s, len, out) ? 1 : parse_cell_general(s, len, out);
}

int columns_number(const char *s, size_t len, double *out) { return parse_cell(s, len, out); }

/* What reading hands its problems to. */
typedef struct reporter {
  columns_problem_fn *fn;
  void *ctx;
} reporter;

/* A problem, handed over. */
static void report(const reporter *to, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report(const reporter *to, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  strbuf b = STRBUF_INIT;
  strbuf_vprintf(&b, fmt, ap);
  va_end(ap);
  to->fn(to->ctx, strbuf_str(&b));
  strbuf_free(&b);
}

/* The arrays of a table that hold rows: the numeric columns (one for a
 * paired test) and the text column (when asked for). */
static size_t stored_cols(const columns *t) { return t->diff ? 1 : t->ncols; }

/* Room for one more row in t. */
static void reserve_row(columns *t, bool text) {
  if (t->nrows < t->cap)
    return;
  t->cap = t->cap ? 2 * t->cap : 1024;
  for (size_t j = 0; j < stored_cols(t); j++)
    t->col[j] = xrealloc(t->col[j], t->cap * sizeof(double));
  if (text)
    t->text = xrealloc(t->text, t->cap * sizeof *t->text);
}

/* The record's numbers val[j] (where pc[j] == 1: see parse_cell) and text
 * cell into t: kept as row t->nrows, or (sum_only) y - x summed. */
static void take_row(columns *t, csvin *r, const double *val, const signed char *pc, int tidx) {
  if (t->sum_only) {
    if (pc[0] != 1 || pc[1] != 1)
      t->dropped++;
    else if (isfinite(val[1] - val[0]))
      compsum_moments_add(&t->sums, val[1] - val[0]);
    else if (!t->overflows++)
      t->overflow_line = csvin_line(r);
    return;
  }
  reserve_row(t, tidx >= 0);
  if (t->diff)
    t->col[0][t->nrows] = pc[0] == 1 && pc[1] == 1 ? val[1] - val[0] : NAN;
  else
    for (size_t j = 0; j < t->ncols; j++)
      t->col[j][t->nrows] = pc[j] == 1 ? val[j] : NAN;
  if (tidx >= 0) {
    const char *cell = csvin_field(r, (size_t)tidx);
    t->text[t->nrows] = cell[0] ? xstrdup(cell) : NULL;
  }
}

int columns_read(csvin *r, const int *idx, size_t ncols, int tidx, columns *t,
                 columns_problem_fn *problem, void *ctx) {
  const reporter to = {problem, ctx};
  size_t before = t->problems;
  double *val = xcalloc(ncols ? ncols : 1, sizeof *val);
  signed char *pc = xcalloc(ncols ? ncols : 1, sizeof *pc);
  char err[512];
  int rc;
  while ((rc = csvin_next(r, err, sizeof err)) != 0) {
    if (rc < 0) {
      report(&to, "%s", err);
      t->problems++;
      continue;
    }
    for (size_t j = 0; j < ncols; j++) {
      size_t f = (size_t)idx[j];
      const char *cell = csvin_field(r, f);
      pc[j] = (signed char)parse_cell(cell, csvin_field_len(r, f), &val[j]);
      if (pc[j] < 0) {
        t->problems++;
        report(&to, "%s:%ld:%zu: '%.40s%s' is not a number (column %s)", t->name, csvin_line(r),
               f + 1, cell, strlen(cell) > 40 ? "..." : "", t->names[j]);
      }
    }
    take_row(t, r, val, pc, tidx);
    t->nrows++;
  }
  free(pc);
  free(val);
  return t->problems > before ? -1 : 0;
}

static void list_header(const csvin *r, strbuf *b) {
  for (size_t i = 0; i < csvin_nfields(r); i++) {
    if (i)
      strbuf_puts(b, ", ");
    strbuf_puts(b, csvin_field(r, i));
  }
}

int columns_find(const csvin *hdr, const char *const *names, size_t n, int *idx,
                 columns_problem_fn *problem, void *ctx) {
  const reporter to = {problem, ctx};
  int rc = 0;
  for (size_t j = 0; j < n; j++) {
    idx[j] = csvin_header_index(hdr, names[j]);
    if (idx[j] < 0) {
      strbuf b = STRBUF_INIT;
      list_header(hdr, &b);
      report(&to, "%s:%ld: no column named '%s' (the header has: %s)", csvin_name(hdr),
             csvin_line(hdr), names[j], strbuf_str(&b));
      strbuf_free(&b);
      rc = -1;
    }
  }
  return rc;
}

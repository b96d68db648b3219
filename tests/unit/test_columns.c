/* Tests for reading a cell as a number (columns_number): the plain cell's
 * fast path (an integer divided by a power of ten) gives exactly the double
 * strtod gives, and everything else is read, or refused, as strtod and the
 * rules of `cleval stats` say. And for reading columns (columns_find,
 * columns_read): values by header name, every problem handed to the
 * caller's callback, nothing printed.
 *
 * Expected values: C double literals, which the compiler rounds correctly
 * (as Python's float() does for the same text); for random cells, glibc's
 * strtod, which rounds correctly too. */
#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "strbuf.h"

static int number(const char *s, double *out) { return columns_number(s, strlen(s), out); }

/* The same double, bit for bit (so 0 is not -0). */
static void assert_same_double(double got, double want) {
  uint64_t g, w;
  memcpy(&g, &got, sizeof g);
  memcpy(&w, &want, sizeof w);
  if (g != w)
    fail_msg("got %.17g (%016llx), want %.17g (%016llx)", got, (unsigned long long)g, want,
             (unsigned long long)w);
}

static void test_plain_cells(void **state) {
  (void)state;
  static const struct {
    const char *cell;
    double want;
  } cases[] = {
      {"47.2116", 47.2116},
      {"0.7278", 0.7278},
      {"-12.5", -12.5},
      {"0.1", 0.1},
      {"5.", 5.0},
      {".5", 0.5},
      {"-.25", -0.25},
      {"007", 7.0},
      {"9007199254740992", 9007199254740992.0},       /* 2^53: the last m taken whole */
      {"9007199254740993", 9007199254740992.0},       /* 2^53 + 1: rounds to even */
      {"900719925474099.3", 900719925474099.3},       /* m = 2^53 + 1 again, over ten */
      {"1234567890123456789", 1234567890123456789.0}, /* 19 digits, beyond 2^53 */
      {"0.0000000000000000001", 1e-19},               /* 21 bytes */
      {"123456.7890123456789", 123456.7890123456789}, /* 19 digits, 20 bytes */
      {"-99999999999999999", -99999999999999999.0},
      {"18446744073709551621", 18446744073709551621.0}, /* 2^64 + 5: 20 digits */
      {"-1844674407370955162.1", -1844674407370955162.1},
      {"1e5", 1e5},
      {"-2.5E-3", -2.5e-3},
      {"+4", 4.0},
      {" 3.5\t", 3.5}, /* blanks around it */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    double v = NAN;
    if (number(cases[i].cell, &v) != 1)
      fail_msg("'%s' is not read as a number", cases[i].cell);
    assert_same_double(v, cases[i].want);
  }
}

/* No negative zero, whichever path reads it. */
static void test_zero_has_no_sign(void **state) {
  (void)state;
  const char *zeros[] = {"0", "-0", "-0.0", "-.0", "-0.", "-0e5", "-0.000000000000000000000"};
  for (size_t i = 0; i < sizeof zeros / sizeof zeros[0]; i++) {
    double v = NAN;
    assert_int_equal(number(zeros[i], &v), 1);
    assert_same_double(v, 0.0);
  }
}

static void test_empty_and_refused_cells(void **state) {
  (void)state;
  double v = 42;
  assert_int_equal(number("", &v), 0);
  assert_int_equal(number("  ", &v), 0);
  const char *bad[] = {".",   "-",    "-.",   "1.2.3", "--1", "1-",  "abc", "nan",
                       "inf", "-inf", "0x10", "1e999", "1,5", "12a", "e5",  "1 2"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (number(bad[i], &v) != -1)
      fail_msg("'%s' is read as a number", bad[i]);
  assert_true(v == 42); /* untouched */
  /* A NUL inside the cell: not a number, though its digits before it are. */
  assert_int_equal(columns_number("12\0"
                                  "3",
                                  4, &v),
                   -1);
}

/* Random plain cells, of 0 to 11 digits on each side of the point, so of
 * every length the fast path takes (up to 19 bytes) and past it: the same
 * bits as strtod. (A fixed seed: the same cells every run.) */
static void test_random_cells_match_strtod(void **state) {
  (void)state;
  uint64_t seed = 2026;
  char cell[64];
  for (int i = 0; i < 400000; i++) {
    seed = seed * 6364136223846793005u + 1442695040888963407u; /* Knuth's LCG */
    uint64_t r = seed >> 11;
    size_t n = 0;
    if (r & 1)
      cell[n++] = '-';
    r >>= 1;
    size_t before = r % 12, after = (r >> 4) % 12;
    bool dot = (r >> 8) & 3;
    r >>= 10;
    for (size_t k = 0; k < before; k++, r = r * 6364136223846793005u + 1)
      cell[n++] = (char)('0' + (r >> 59) % 10);
    if (dot) {
      cell[n++] = '.';
      for (size_t k = 0; k < after; k++, r = r * 6364136223846793005u + 1)
        cell[n++] = (char)('0' + (r >> 59) % 10);
    }
    cell[n] = '\0';
    double got = NAN;
    int rc = columns_number(cell, n, &got);
    bool digits = before + (dot ? after : 0) > 0;
    if (!digits) {
      assert_int_equal(rc, n ? -1 : 0);
      continue;
    }
    assert_int_equal(rc, 1);
    double want = strtod(cell, NULL);
    assert_same_double(got, want == 0 ? 0.0 : want);
  }
}

/* The problems handed over, one a line. */
static void collect(void *ctx, const char *msg) {
  strbuf_puts(ctx, msg);
  strbuf_putc(ctx, '\n');
}

static csvin *reader(const char *text) {
  csvin *r;
  char err[256];
  assert_int_equal(csvin_open_mem(&r, "t.csv", text, strlen(text), err, sizeof err), 0);
  assert_int_equal(csvin_next(r, err, sizeof err), 1); /* the header */
  return r;
}

static void test_read_columns(void **state) {
  (void)state;
  csvin *r = reader("g,y,x\na,1.5,2\n,,3\nb,4,x5\n\"c\",\"7\",8\n");
  const char *names[] = {"x", "y"};
  int idx[2], tidx;
  strbuf msgs = STRBUF_INIT;
  assert_int_equal(columns_find(r, names, 2, idx, collect, &msgs), 0);
  assert_int_equal(idx[0], 2);
  assert_int_equal(idx[1], 1);
  const char *g = "g", *missing[] = {"z", "x"};
  assert_int_equal(columns_find(r, &g, 1, &tidx, collect, &msgs), 0);
  int other[2];
  assert_int_equal(columns_find(r, missing, 2, other, collect, &msgs), -1);
  assert_int_equal(other[0], -1);
  assert_string_equal(strbuf_str(&msgs),
                      "t.csv:1: no column named 'z' (the header has: g, y, x)\n");
  strbuf_reset(&msgs);
  columns t;
  columns_init(&t, "t.csv", names, 2);
  assert_int_equal(columns_read(r, idx, 2, tidx, &t, collect, &msgs), -1);
  assert_string_equal(strbuf_str(&msgs), "t.csv:4:3: 'x5' is not a number (column x)\n");
  assert_int_equal(t.problems, 1);
  assert_int_equal(t.nrows, 4);
  assert_true(t.col[0][0] == 2 && t.col[1][0] == 1.5);
  assert_true(t.col[0][1] == 3 && isnan(t.col[1][1]));
  assert_true(isnan(t.col[0][2]) && t.col[1][2] == 4);
  assert_true(t.col[0][3] == 8 && t.col[1][3] == 7);
  assert_string_equal(t.text[0], "a");
  assert_null(t.text[1]);
  assert_string_equal(t.text[3], "c");
  columns_free(&t);
  csvin_close(r);
  strbuf_free(&msgs);
}

static void test_read_sums_only(void **state) {
  (void)state;
  /* Paired: y - x summed, no row kept; a malformed record is a problem,
   * the rows around it still read. Sleep data rows as in test_stats. */
  csvin *r = reader("x,y\n0.7,1.9\n-1.6,0.8\n-0.2,1.1\n1,\n-1.2,0.1\n3,x\"y\n-0.1,4.4\n");
  const char *names[] = {"x", "y"};
  int idx[2] = {0, 1};
  strbuf msgs = STRBUF_INIT;
  columns t;
  columns_init(&t, "t.csv", names, 2);
  t.diff = t.sum_only = true;
  assert_int_equal(columns_read(r, idx, 2, -1, &t, collect, &msgs), -1);
  assert_non_null(strstr(strbuf_str(&msgs), "t.csv:7:2: malformed quoting"));
  assert_int_equal(t.nrows, 6); /* the rows read, the dropped one included */
  assert_int_equal(t.dropped, 1);
  assert_int_equal(t.sums.n, 5);
  double mean, var;
  compsum_moments_get(&t.sums, &mean, &var);
  /* d <- c(1.9-0.7, 0.8+1.6, 1.1+0.2, 0.1+1.2, 4.4+0.1) in R:
   * sprintf("%.17g %.17g", mean(d), var(d)) */
  assert_rel(mean, 2.1400000000000001, 1e-15);
  assert_rel(var, 1.9830000000000001, 1e-14);
  assert_null(t.col[0]); /* nothing kept */
  columns_free(&t);
  csvin_close(r);
  strbuf_free(&msgs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_cells),
      cmocka_unit_test(test_zero_has_no_sign),
      cmocka_unit_test(test_empty_and_refused_cells),
      cmocka_unit_test(test_random_cells_match_strtod),
      cmocka_unit_test(test_read_columns),
      cmocka_unit_test(test_read_sums_only),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

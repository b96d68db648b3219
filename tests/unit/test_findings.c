/* Tests for the findings under the figures (findings.c) on constructed
 * tables: significance only after Holm correction, interval overlap and
 * width, withheld groups (small or secondary) never compared or summed. */
#include "testutil.h"

#include <stdbool.h>

#include "findings.h"
#include "report_doc.h"

static report_table *add(report_doc *d, const char *id, const char *const *cols, size_t n) {
  report_table *t = report_table_new(id, id, SECTION_LEVEL2, cols, n);
  report_doc_add(d, t);
  return t;
}

static const char *finding(report_doc *d, const char *id) {
  findings_write(d, 0.95);
  const report_table *t = report_doc_table(d, id);
  assert_non_null(t);
  return t->finding ? t->finding : "";
}

static void has(const char *s, const char *want) {
  if (!strstr(s, want))
    fail_msg("\"%s\" not in \"%s\"", want, s);
}

static void lacks(const char *s, const char *unwanted) {
  if (strstr(s, unwanted))
    fail_msg("\"%s\" in \"%s\"", unwanted, s);
}

static const char *const FIG1[] = {"area", "n", "mean_diff", "ci_low", "ci_high", "p", "p_holm"};

static void fig1_row(report_table *t, const char *area, double diff, double p, double p_holm) {
  size_t r = report_table_add_row(t);
  report_table_set_text(t, r, 0, area);
  report_table_set_int(t, r, 1, 100);
  report_table_set_num(t, r, 2, diff);
  report_table_set_num(t, r, 3, diff - 2);
  report_table_set_num(t, r, 4, diff + 2);
  report_table_set_num(t, r, 5, p);
  report_table_set_num(t, r, 6, p_holm);
}

/* A p below .05 before correction and above it after is not significant. */
static void test_significance_after_holm(void **state) {
  (void)state;
  report_doc *d = report_doc_new("t");
  report_table *t = add(d, "fig1", FIG1, 7);
  fig1_row(t, "leadership", 8.0, 0.001, 0.004);
  fig1_row(t, "management", 3.0, 0.03, 0.06); /* significant only uncorrected */
  const char *f = finding(d, "fig1");
  has(f, "1 of the 2 changes is statistically significant after Holm correction");
  has(f, "largest change was in leadership (+8.0 points, 95 % CI 6.0 to 10.0)");
  report_doc_free(d);

  d = report_doc_new("t");
  t = add(d, "fig1", FIG1, 7);
  fig1_row(t, "leadership", 8.0, 0.001, 0.004);
  fig1_row(t, "management", 3.0, 0.01, 0.02);
  f = finding(d, "fig1");
  has(f, "Every change is statistically significant after Holm correction for the 2 areas");
  report_doc_free(d);
}

static const char *const GROUPS[] = {"group", "area", "n", "mean_diff", "ci_low", "ci_high"};

static size_t group_row(report_table *t, const char *g, double diff, double lo, double hi) {
  size_t r = report_table_add_row(t);
  report_table_set_text(t, r, 0, g);
  report_table_set_text(t, r, 1, "leadership");
  report_table_set_int(t, r, 2, 40);
  report_table_set_num(t, r, 3, diff);
  report_table_set_num(t, r, 4, lo);
  report_table_set_num(t, r, 5, hi);
  return r;
}

/* Overlap decides whether the extremes may differ; wide intervals are
 * called imprecise. */
static void test_intervals(void **state) {
  (void)state;
  report_doc *d = report_doc_new("t");
  report_table *t = add(d, "table1", GROUPS, 6);
  group_row(t, "college", 12.0, 9.0, 15.0);
  group_row(t, "mainstream", 2.0, 0.0, 4.0);
  const char *f = finding(d, "table1");
  has(f, "the largest change was among college in leadership (+12.0 points");
  has(f, "the intervals do not overlap");
  lacks(f, "imprecise");
  report_doc_free(d);

  d = report_doc_new("t");
  t = add(d, "table1", GROUPS, 6);
  group_row(t, "college", 12.0, -3.0, 27.0); /* 30 points wide */
  group_row(t, "mainstream", 2.0, 0.0, 4.0);
  f = finding(d, "table1");
  has(f, "the intervals overlap, so even these two may not differ");
  has(f, "1 of the estimates shown have an interval wider than 20 points");
  report_doc_free(d);
}

/* A withheld group (small or secondary) is never named nor compared, and
 * the finding says how many rows were withheld and why. */
static void test_withheld_groups_never_compared(void **state) {
  (void)state;
  report_doc *d = report_doc_new("t");
  report_table *t = add(d, "table1", GROUPS, 6);
  group_row(t, "mainstream", 5.0, 3.0, 7.0);
  size_t r = group_row(t, "college", 30.0, 28.0, 32.0);
  report_table_suppress_row(t, r, 2, MARK_SUPPRESSED, 5);
  r = group_row(t, "send_ap", -9.0, -11.0, -7.0);
  report_table_suppress_row(t, r, 2, MARK_SECONDARY, 5);
  const char *f = finding(d, "table1");
  lacks(f, "college");
  lacks(f, "send_ap");
  lacks(f, "30.0");
  lacks(f, "-9.0");
  has(f, "Only one group, mainstream, had enough people to show");
  has(f, "1 row of groups with fewer than 5 people is withheld and not compared");
  has(f, "1 more row is withheld and not compared so that a smaller group cannot be worked "
         "out from the total");
  report_doc_free(d);

  /* every group withheld: no comparison at all */
  d = report_doc_new("t");
  t = add(d, "table1", GROUPS, 6);
  r = group_row(t, "college", 30.0, 28.0, 32.0);
  report_table_suppress_row(t, r, 2, MARK_SUPPRESSED, 5);
  r = group_row(t, "mainstream", 5.0, 3.0, 7.0);
  report_table_suppress_row(t, r, 2, MARK_SECONDARY, 5);
  f = finding(d, "table1");
  lacks(f, "largest");
  lacks(f, "mainstream");
  has(f, "withheld");
  report_doc_free(d);
}

/* A distribution never sums a withheld answer into "agreed". */
static void test_withheld_answer_not_summed(void **state) {
  (void)state;
  static const char *const cols[] = {"answer", "n", "pct"};
  static const char *const answers[] = {"strongly disagree", "disagree",
                                        "neither agree nor disagree", "agree", "strongly agree"};
  static const double pct[] = {0, 10, 20, 60, 10};
  report_doc *d = report_doc_new("t");
  report_table *t = add(d, "fig5", cols, 3);
  for (size_t i = 0; i < 5; i++) {
    size_t r = report_table_add_row(t);
    report_table_set_text(t, r, 0, answers[i]);
    report_table_set_int(t, r, 1, (long long)(pct[i] / 2));
    report_table_set_num(t, r, 2, pct[i]);
  }
  t->n = 50;
  const char *f = finding(d, "fig5");
  has(f, "70 % agreed or strongly agreed (10 % strongly) and 10 % disagreed.");
  report_table_suppress_row(t, 4, 1, MARK_SUPPRESSED, 5); /* strongly agree: 1 to 4 */
  report_table_suppress_row(t, 0, 1, MARK_SECONDARY, 5);
  f = finding(d, "fig5");
  lacks(f, "agreed or strongly agreed"); /* 60 % would understate it */
  lacks(f, "disagreed");                 /* strongly disagree is withheld too */
  has(f, "withheld");
  report_doc_free(d);
}

/* True when s is well-formed UTF-8 (no character cut short, no stray
 * continuation byte). */
static bool utf8_ok(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    size_t k = *p < 0x80             ? 0
               : (*p & 0xe0) == 0xc0 ? 1
               : (*p & 0xf0) == 0xe0 ? 2
               : (*p & 0xf8) == 0xf0 ? 3
                                     : 9;
    if (k == 9)
      return false;
    p++;
    for (size_t i = 0; i < k; i++, p++)
      if ((*p & 0xc0) != 0x80)
        return false;
  }
  return true;
}

/* A group's name longer than the sentence's buffers (a provider of 200
 * two-byte letters, 400 bytes; the buffers hold 160) is cut at a whole
 * character: the finding stays valid UTF-8 (it ended in half an 'é'). */
static void test_long_names_cut_whole(void **state) {
  (void)state;
  char name[512] = "";
  for (int i = 0; i < 200; i++)
    strcat(name, "\xc3\xa9");
  for (int odd = 0; odd < 2; odd++) {
    char g[520];
    snprintf(g, sizeof g, "%s%s", odd ? "x" : "", name); /* the cut falls on either byte */
    report_doc *d = report_doc_new("t");
    report_table *t = add(d, "table1", GROUPS, 6);
    group_row(t, g, 12.0, 9.0, 15.0);
    group_row(t, "mainstream", 2.0, 0.0, 4.0);
    const char *f = finding(d, "table1");
    has(f, "the largest change was among ");
    if (!utf8_ok(f))
      fail_msg("not UTF-8: \"%s\"", f);
    report_doc_free(d);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_significance_after_holm),
      cmocka_unit_test(test_intervals),
      cmocka_unit_test(test_withheld_groups_never_compared),
      cmocka_unit_test(test_withheld_answer_not_summed),
      cmocka_unit_test(test_long_names_cut_whole),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Tests for the report's tables: complementary (secondary) suppression, so
 * that a group withheld for its size cannot be recovered by subtracting
 * the groups shown from a total shown elsewhere (issue 20, item 3). */
#include "testutil.h"

#include "report_doc.h"

/* One withheld part beside shown ones: the smallest shown part goes too. */
static void test_complement_one_withheld(void **state) {
  (void)state;
  long long n[] = {4, 30, 12, 50};
  unsigned char w[] = {1, 0, 0, 0};
  assert_int_equal(report_table_pick_complement(n, w, 4), 2);
  /* the smallest wins wherever it is; ties go to the first */
  long long n2[] = {20, 3, 20, 9, 9};
  unsigned char w2[] = {0, 1, 0, 0, 0};
  assert_int_equal(report_table_pick_complement(n2, w2, 5), 3);
}

/* Two or more withheld (their sum is all a total gives away) or none:
 * nothing more. */
static void test_complement_enough(void **state) {
  (void)state;
  long long n[] = {4, 3, 12};
  unsigned char w[] = {1, 1, 0};
  assert_int_equal(report_table_pick_complement(n, w, 3), -1);
  unsigned char none[] = {0, 0, 0};
  assert_int_equal(report_table_pick_complement(n, none, 3), -1);
  assert_int_equal(report_table_pick_complement(n, none, 0), -1);
}

/* An empty group hides nothing and is never the one withheld beside. */
static void test_complement_empty_groups(void **state) {
  (void)state;
  long long n[] = {0, 2, 0, 14};
  unsigned char w[] = {1, 1, 0, 0}; /* "none" is marked too, but shows 0 */
  assert_int_equal(report_table_pick_complement(n, w, 4), 3);
  long long n2[] = {0, 2, 0};
  unsigned char w2[] = {0, 1, 0};
  assert_int_equal(report_table_pick_complement(n2, w2, 3), -2); /* only the total is left */
}

/* On a table: the chosen row is withheld from its n on, marked secondary,
 * with one note however many rows. */
static void test_complement_table(void **state) {
  (void)state;
  const char *cols[] = {"provider", "area", "n", "mean_change"};
  report_table *t = report_table_new("providers", "Providers", SECTION_LEVEL2, cols, 4);
  const char *names[] = {"A", "B", "C"};
  long long sizes[] = {4, 9, 6};
  for (int ar = 0; ar < 2; ar++)
    for (int p = 0; p < 3; p++) {
      size_t r = report_table_add_row(t);
      report_table_set_text(t, r, 0, names[p]);
      report_table_set_text(t, r, 1, ar ? "management" : "leadership");
      report_table_set_int(t, r, 2, sizes[p]);
      report_table_set_num(t, r, 3, 1.5 + p);
      if (sizes[p] < 5)
        report_table_suppress_row(t, r, 2, MARK_SUPPRESSED, 5);
    }
  for (int ar = 0; ar < 2; ar++) {
    size_t rows[] = {(size_t)ar * 3, (size_t)ar * 3 + 1, (size_t)ar * 3 + 2};
    assert_int_equal(report_table_suppress_complement(t, rows, sizes, 3, 2, 5), 2);
    /* a second pass finds two withheld and leaves the rest */
    assert_int_equal(report_table_suppress_complement(t, rows, sizes, 3, 2, 5), -1);
  }
  for (size_t r = 0; r < 6; r++) {
    const cell *n = report_table_cell(t, r, 2), *m = report_table_cell(t, r, 3);
    cell_mark want = r % 3 == 0 ? MARK_SUPPRESSED : r % 3 == 2 ? MARK_SECONDARY : MARK_NONE;
    assert_int_equal(n->mark, want);
    assert_int_equal(m->mark, want);
    assert_int_equal(m->kind, want == MARK_NONE ? CELL_NUMBER : CELL_NULL);
    assert_int_equal(report_table_cell(t, r, 0)->mark, MARK_NONE); /* labels stay */
  }
  assert_int_equal(t->small_cell, 5);
  assert_int_equal(t->nnotes, 1);
  assert_non_null(strstr(t->notes[0], "worked out by subtracting"));
  report_table_free(t);
}

/* Issue 18 defect 7: no more series than value_cols holds, no column that
 * is not the table's; a table of more than 16 columns keeps them all. */
static void test_chart_values_bounds(void **state) {
  (void)state;
  const char *cols[20];
  char names[20][16];
  for (int c = 0; c < 20; c++) {
    snprintf(names[c], sizeof names[c], "c%d", c);
    cols[c] = names[c];
  }
  report_table *t = report_table_new("wide", "Wide", SECTION_APPENDIX, cols, 20);
  assert_int_equal(t->ncols, 20);
  assert_string_equal(t->columns[19], "c19");
  assert_int_equal(report_table_find_column(t, "c17"), 17);
  int v[CHART_MAX_SERIES + 1];
  for (int i = 0; i <= CHART_MAX_SERIES; i++)
    v[i] = i + 1;
  assert_int_equal(report_table_chart_values(t, v, CHART_MAX_SERIES), 0);
  assert_int_equal(t->chart.nvalues, CHART_MAX_SERIES);
  assert_int_equal(t->chart.value_cols[CHART_MAX_SERIES - 1], CHART_MAX_SERIES);
  assert_int_equal(report_table_chart_values(t, v, CHART_MAX_SERIES + 1), -1);
  assert_int_equal(report_table_chart_values(t, v, 0), -1);
  int bad[2] = {3, 20};
  assert_int_equal(report_table_chart_values(t, bad, 2), -1);
  bad[1] = -1;
  assert_int_equal(report_table_chart_values(t, bad, 2), -1);
  assert_int_equal(t->chart.nvalues, CHART_MAX_SERIES); /* unchanged */
  report_table_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_complement_one_withheld),
      cmocka_unit_test(test_complement_enough),
      cmocka_unit_test(test_complement_empty_groups),
      cmocka_unit_test(test_complement_table),
      cmocka_unit_test(test_chart_values_bounds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

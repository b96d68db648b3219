/* The cell helpers of analysis_cells.h: tables made, filled and withheld
 * under the small-cell rule, charts described. */
#include "analysis_cells.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

const char *const cells_agree[5] = {"strongly disagree", "disagree", "neither agree nor disagree",
                                    "agree", "strongly agree"};

report_table *cells_table(analysis *a, const char *id, const char *title, report_section s,
                          const column *cols, size_t ncols) {
  /* As many names as columns (issue 18 defect 7: a fixed names[16] was
   * read past its end by a table of more columns). */
  const char **names = xcalloc(ncols ? ncols : 1, sizeof *names);
  for (size_t c = 0; c < ncols; c++)
    names[c] = cols[c].name;
  report_table *t = report_table_new(id, title, s, names, ncols);
  free(names);
  for (size_t c = 0; c < ncols; c++)
    report_table_column(t, c, cols[c].heading, cols[c].digits);
  report_doc_add(a->doc, t);
  return t;
}

size_t cells_col(const report_table *t, const char *name) {
  int c = report_table_find_column(t, name);
  if (c < 0)
    abort(); /* a column name misspelt here: a programming error */
  return (size_t)c;
}

void cells_num(report_table *t, size_t r, const char *name, double x) {
  report_table_set_num(t, r, cells_col(t, name), x);
}

void cells_int(report_table *t, size_t r, const char *name, long long x) {
  report_table_set_int(t, r, cells_col(t, name), x);
}

void cells_text(report_table *t, size_t r, const char *name, const char *s) {
  report_table_set_text(t, r, cells_col(t, name), s);
}

/* The small-cell rule, the one predicate every count, percentage, mean and
 * test of a group goes through: a group of fewer than small_cell (an empty
 * one included) shows no figures. */
int cells_hidden(const analysis *a, size_t n) { return n < (size_t)a->cfg->small_cell || n == 0; }

/* Withholds the figures of row r, a group of n: for an empty group n stays
 * (0) and the rest reads "none"; for a small one n is withheld too, and the
 * row reads "fewer than N". Labels before n stay. */
void cells_suppress(const analysis *a, report_table *t, size_t r, size_t n) {
  size_t k = cells_col(t, "n");
  if (n == 0) {
    report_table_set_int(t, r, k, 0);
    report_table_suppress_row(t, r, k + 1, MARK_EMPTY, a->cfg->small_cell);
  } else {
    report_table_suppress_row(t, r, k, MARK_SUPPRESSED, a->cfg->small_cell);
  }
}

/* Remembers n, the size of the group of row r of t (the table being
 * built), for complementary suppression: its cell may be withheld. */
void cells_group_size(analysis *a, const report_table *t, size_t r, size_t n) {
  if (a->sized != t) {
    a->sized = t;
    a->nsizes = 0;
  }
  if (r >= a->nsizes) {
    a->sizes = xrealloc(a->sizes, (r + 1) * sizeof *a->sizes);
    for (size_t i = a->nsizes; i <= r; i++)
      a->sizes[i] = 0;
    a->nsizes = r + 1;
  }
  a->sizes[r] = (long long)n;
}

/* 1 when rows r and s of t hold the same label in column name (NULL: any). */
static int same_label(const report_table *t, size_t r, size_t s, const char *name) {
  if (!name)
    return 1;
  const cell *x = cells_at(t, r, name), *y = cells_at(t, s, name);
  if (x->kind != y->kind)
    return 0;
  if (x->kind == CELL_TEXT)
    return strcmp(x->text, y->text) == 0;
  return x->kind != CELL_INT || x->i == y->i;
}

/* Complementary suppression (issue 20): the group rows of t (sizes from
 * cells_group_size) whose labels in columns key1 and key2 (NULL: any) agree are
 * parts of a total shown elsewhere (a row of another table, or the
 * title's N), so one withheld group among shown ones is covered by
 * withholding the next-smallest (from its n on, reason "secondary").
 * Rows beyond first_rows are left out (0: all rows). */
void cells_complement(analysis *a, report_table *t, const char *key1, const char *key2,
                      size_t first_rows) {
  size_t nr = first_rows ? first_rows : t->nrows;
  if (a->sized != t || nr == 0)
    return;
  size_t *rows = xmalloc(nr * sizeof *rows);
  long long *sz = xmalloc(nr * sizeof *sz);
  unsigned char *done = xcalloc(nr, 1);
  for (size_t r0 = 0; r0 < nr; r0++) {
    if (done[r0])
      continue;
    size_t k = 0;
    for (size_t r = r0; r < nr; r++) {
      if (done[r] || !same_label(t, r, r0, key1) || !same_label(t, r, r0, key2))
        continue;
      done[r] = 1;
      rows[k] = r;
      sz[k++] = r < a->nsizes ? a->sizes[r] : 0;
    }
    /* -2 (nothing left to withhold) needs no action here: the other parts
     * are empty, so the total is the withheld group's size and is itself
     * withheld by the small-cell rule. */
    report_table_suppress_complement(t, rows, sz, k, cells_col(t, "n"), a->cfg->small_cell);
  }
  free(rows);
  free(sz);
  free(done);
}

/* The small-cell rule for a count inside a shown group (an answer of a
 * distribution, a cell of a cross-tabulation): 1 to small_cell - 1 people
 * are withheld with every figure that gives them away; none is shown. */
int cells_hidden_count(const analysis *a, size_t k) {
  return k > 0 && k < (size_t)a->cfg->small_cell;
}

/* The N of a table (its title's N): withheld when it is itself a small
 * group. */
void cells_table_n(const analysis *a, report_table *t, size_t n) {
  t->n = n > 0 && cells_hidden(a, n) ? -1 : (long long)n;
}

void cells_chart(report_table *t, chart_kind kind, const char *cat, const char *series,
                 const char *const *values, int nvalues, const char *lo, const char *hi,
                 const char *x_label, const char *y_label, double y_max) {
  t->chart.kind = kind;
  t->chart.category_col = (int)cells_col(t, cat);
  t->chart.series_col = series ? (int)cells_col(t, series) : -1;
  int cols[CHART_MAX_SERIES];
  if (nvalues < 1 || nvalues > CHART_MAX_SERIES)
    abort(); /* more series than a chart draws: a programming error */
  for (int v = 0; v < nvalues; v++)
    cols[v] = (int)cells_col(t, values[v]);
  if (report_table_chart_values(t, cols, nvalues) != 0)
    abort();
  t->chart.ci_low_col = lo ? (int)cells_col(t, lo) : -1;
  t->chart.ci_high_col = hi ? (int)cells_col(t, hi) : -1;
  t->chart.x_label = x_label;
  t->chart.y_label = y_label;
  t->chart.y_max = y_max;
}

const cell *cells_at(const report_table *t, size_t r, const char *name) {
  return report_table_cell(t, r, cells_col(t, name));
}

/* ---- small computations ------------------------------------------------------- */

double cells_mean(const double *x, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += x[i];
  return n ? s / (double)n : NAN;
}

double cells_conf_pct(const analysis *a) { return a->cfg->confidence * 100; }

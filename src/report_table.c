/* One table of the report: construction and ownership (see report_table.h). */
#include "report_table.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

static void note_secondary(report_table *t);

static void push_string(char ***list, size_t *n, char *s) {
  *list = xrealloc(*list, (*n + 1) * sizeof **list);
  (*list)[(*n)++] = s;
}

report_table *report_table_new(const char *id, const char *title, report_section section,
                               const char *const *columns, size_t ncols) {
  report_table *t = xcalloc(1, sizeof *t);
  t->id = xstrdup(id);
  t->title = xstrdup(title);
  t->section = section;
  t->ncols = ncols;
  t->columns = xcalloc(ncols ? ncols : 1, sizeof *t->columns);
  t->headings = xcalloc(ncols ? ncols : 1, sizeof *t->headings);
  t->digits = xcalloc(ncols ? ncols : 1, sizeof *t->digits);
  for (size_t c = 0; c < ncols; c++) {
    t->columns[c] = xstrdup(columns[c]);
    t->digits[c] = 1;
  }
  t->n = -1;
  t->chart.kind = CHART_NONE;
  t->chart.series_col = -1;
  t->chart.ci_low_col = -1;
  t->chart.ci_high_col = -1;
  t->chart.panel_col = -1;
  return t;
}

void report_table_free(report_table *t) {
  if (!t)
    return;
  for (size_t r = 0; r < t->nrows; r++)
    for (size_t c = 0; c < t->ncols; c++)
      free(t->cells[r * t->ncols + c].text);
  free(t->cells);
  for (size_t c = 0; c < t->ncols; c++) {
    free(t->columns[c]);
    free(t->headings[c]);
  }
  free(t->columns);
  free(t->headings);
  free(t->digits);
  for (size_t i = 0; i < t->ntests; i++) {
    free(t->tests[i].label);
    free(t->tests[i].name);
    free(t->tests[i].effect_name);
  }
  free(t->tests);
  for (size_t i = 0; i < t->nnotes; i++)
    free(t->notes[i]);
  free(t->notes);
  for (size_t i = 0; i < 2 * t->nlabels; i++)
    free(t->labels[i]);
  free(t->labels);
  free(t->alt);
  free(t->finding);
  free(t->no_chart);
  free(t->id);
  free(t->title);
  free(t);
}

void report_table_column(report_table *t, size_t col, const char *heading, int digits) {
  if (col >= t->ncols)
    return;
  free(t->headings[col]);
  t->headings[col] = heading ? xstrdup(heading) : NULL;
  t->digits[col] = digits;
}

size_t report_table_add_row(report_table *t) {
  if (t->nrows == t->caprows) {
    t->caprows = t->caprows ? 2 * t->caprows : 8;
    t->cells = xrealloc(t->cells, t->caprows * (t->ncols ? t->ncols : 1) * sizeof *t->cells);
    if (t->no_chart)
      t->no_chart = xrealloc(t->no_chart, t->caprows);
  }
  if (t->no_chart)
    t->no_chart[t->nrows] = 0;
  cell *row = t->cells + t->nrows * t->ncols;
  memset(row, 0, t->ncols * sizeof *row);
  return t->nrows++;
}

static cell *cell_at(report_table *t, size_t row, size_t col) {
  if (row >= t->nrows || col >= t->ncols)
    return NULL;
  cell *c = &t->cells[row * t->ncols + col];
  free(c->text);
  memset(c, 0, sizeof *c);
  return c;
}

void report_table_set_num(report_table *t, size_t row, size_t col, double x) {
  cell *c = cell_at(t, row, col);
  if (!c || !isfinite(x))
    return;
  c->kind = CELL_NUMBER;
  c->num = x;
}

void report_table_set_int(report_table *t, size_t row, size_t col, long long x) {
  cell *c = cell_at(t, row, col);
  if (!c)
    return;
  c->kind = CELL_INT;
  c->i = x;
}

void report_table_set_text(report_table *t, size_t row, size_t col, const char *s) {
  cell *c = cell_at(t, row, col);
  if (!c || !s)
    return;
  c->kind = CELL_TEXT;
  c->text = xstrdup(s);
}

void report_table_suppress(report_table *t, size_t row, size_t col, cell_mark why,
                           int small_cell) {
  if (row >= t->nrows || col >= t->ncols)
    return;
  if (why == MARK_SUPPRESSED || why == MARK_SECONDARY)
    t->small_cell = small_cell;
  if (why == MARK_SECONDARY)
    note_secondary(t);
  cell *c = cell_at(t, row, col);
  c->mark = why;
}

void report_table_suppress_row(report_table *t, size_t row, size_t from, cell_mark why,
                               int small_cell) {
  for (size_t c = from; c < t->ncols; c++)
    report_table_suppress(t, row, c, why, small_cell);
}

long report_table_pick_complement(const long long *sizes, const unsigned char *withheld, size_t k) {
  size_t nwithheld = 0;
  long pick = -1;
  for (size_t i = 0; i < k; i++) {
    if (sizes[i] <= 0)
      continue; /* an empty group ("none") hides nothing */
    if (withheld[i])
      nwithheld++;
    else if (pick < 0 || sizes[i] < sizes[pick])
      pick = (long)i;
  }
  if (nwithheld != 1)
    return -1;
  return pick >= 0 ? pick : -2;
}

/* 1 when row holds a cell withheld for its size (small or secondary). */
static int row_withheld(const report_table *t, size_t row) {
  for (size_t c = 0; row < t->nrows && c < t->ncols; c++) {
    cell_mark m = t->cells[row * t->ncols + c].mark;
    if (m == MARK_SUPPRESSED || m == MARK_SECONDARY)
      return 1;
  }
  return 0;
}

/* The note under a table with secondary suppression, once. */
static void note_secondary(report_table *t) {
  for (size_t r = 0; r < t->nrows; r++)
    for (size_t c = 0; c < t->ncols; c++)
      if (t->cells[r * t->ncols + c].mark == MARK_SECONDARY)
        return;
  report_table_add_note(t,
                        "Figures reading \"withheld\" are of groups large enough to show, "
                        "withheld so that a group of fewer than %d beside them cannot be worked "
                        "out by subtracting the groups shown from the total.",
                        t->small_cell);
}

long report_table_suppress_complement(report_table *t, const size_t *rows, const long long *sizes,
                                      size_t k, size_t from, int small_cell) {
  unsigned char *w = xcalloc(k ? k : 1, 1);
  for (size_t i = 0; i < k; i++)
    w[i] = (unsigned char)row_withheld(t, rows[i]);
  long pick = report_table_pick_complement(sizes, w, k);
  free(w);
  if (pick < 0)
    return pick;
  report_table_suppress_row(t, rows[pick], from, MARK_SECONDARY, small_cell);
  return pick;
}

int report_table_row_marked(const report_table *t, size_t row) {
  for (size_t c = 0; row < t->nrows && c < t->ncols; c++)
    if (t->cells[row * t->ncols + c].mark != MARK_NONE)
      return 1;
  return 0;
}

int report_table_chart_values(report_table *t, const int *cols, int n) {
  if (n < 1 || n > CHART_MAX_SERIES)
    return -1;
  for (int v = 0; v < n; v++)
    if (cols[v] < 0 || (size_t)cols[v] >= t->ncols)
      return -1;
  for (int v = 0; v < n; v++)
    t->chart.value_cols[v] = cols[v];
  t->chart.nvalues = n;
  return 0;
}

void report_table_chart_skip(report_table *t, size_t row) {
  if (row >= t->nrows)
    return;
  if (!t->no_chart)
    t->no_chart = xcalloc(t->caprows ? t->caprows : 1, 1);
  t->no_chart[row] = 1;
}

void report_table_set_finding(report_table *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  free(t->finding);
  t->finding = strbuf_vformat(fmt, ap);
  va_end(ap);
}

const cell *report_table_cell(const report_table *t, size_t row, size_t col) {
  if (row >= t->nrows || col >= t->ncols)
    return NULL;
  return &t->cells[row * t->ncols + col];
}

int report_table_find_column(const report_table *t, const char *name) {
  for (size_t c = 0; c < t->ncols; c++)
    if (strcmp(t->columns[c], name) == 0)
      return (int)c;
  return -1;
}

table_test *report_table_add_test(report_table *t, const char *label, const char *name,
                                  double statistic, double df, double p) {
  t->tests = xrealloc(t->tests, (t->ntests + 1) * sizeof *t->tests);
  table_test *x = &t->tests[t->ntests++];
  memset(x, 0, sizeof *x);
  x->label = xstrdup(label ? label : "");
  x->name = xstrdup(name ? name : "");
  x->statistic = statistic;
  x->df = df;
  x->p = p;
  x->p_adjusted = NAN;
  x->df2 = NAN;
  x->effect = NAN;
  return x;
}

void report_table_add_note(report_table *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  push_string(&t->notes, &t->nnotes, strbuf_vformat(fmt, ap));
  va_end(ap);
}

void report_table_set_alt(report_table *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  free(t->alt);
  t->alt = strbuf_vformat(fmt, ap);
  va_end(ap);
}

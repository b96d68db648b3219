/* The report's tables from a dataset, following docs/analysis.md rule by
 * rule. Every statistic comes from stats.c; this file chooses the data,
 * applies the small-cell rule; findings.c words what the tables show. */
#include "analysis.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compass.h"
#include "dataset.h"
#include "findings.h"
#include "fund.h"
#include "numfmt.h"
#include "stats.h"
#include "strbuf.h"
#include "vocab.h"
#include "xalloc.h"

#ifndef CLEVAL_VERSION
#define CLEVAL_VERSION "0"
#endif

#define AREAS(ar) vocab_name(VOCAB_AREA, ar)
static const char *const AGREE[5] = {"strongly disagree", "disagree", "neither agree nor disagree",
                                     "agree", "strongly agree"};

/* Establishment types grouped as the seed report's table 1 does (vocab.h). */
#define NGROUPS VOCAB_NGROUPS

typedef struct analysis {
  const dataset *ds;
  const report_config *cfg;
  report_doc *doc;
  char fewer[32];  /* "fewer than 5" */
  size_t *matched; /* leaders with a matched pre and post response */
  size_t nmatched;
  size_t *enrolment; /* per leader: the completed enrolment (earliest), DS_NONE */
  char (*bands)[48]; /* band labels */
  int nbands;
  compass_unit *units;
  size_t nunits;
  compass_counts cc;
  double *pre, *post; /* scratch, nleaders each */
  const report_table *sized; /* the table whose group sizes sizes[] holds */
  long long *sizes;          /* per row of it: the group's n, withheld or not */
  size_t nsizes;
} analysis;

/* ---- tables ---------------------------------------------------------------- */

typedef struct column {
  const char *name, *heading;
  int digits;
} column;

static report_table *table(analysis *a, const char *id, const char *title, report_section s,
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

#define TABLE(a, id, title, s, cols) table(a, id, title, s, cols, sizeof cols / sizeof *cols)

static size_t col(const report_table *t, const char *name) {
  int c = report_table_find_column(t, name);
  if (c < 0)
    abort(); /* a column name misspelt here: a programming error */
  return (size_t)c;
}

static void put_num(report_table *t, size_t r, const char *name, double x) {
  report_table_set_num(t, r, col(t, name), x);
}

static void put_int(report_table *t, size_t r, const char *name, long long x) {
  report_table_set_int(t, r, col(t, name), x);
}

static void put_text(report_table *t, size_t r, const char *name, const char *s) {
  report_table_set_text(t, r, col(t, name), s);
}

/* The small-cell rule, the one predicate every count, percentage, mean and
 * test of a group goes through: a group of fewer than small_cell (an empty
 * one included) shows no figures. */
static int hidden(const analysis *a, size_t n) { return n < (size_t)a->cfg->small_cell || n == 0; }

/* Withholds the figures of row r, a group of n: for an empty group n stays
 * (0) and the rest reads "none"; for a small one n is withheld too, and the
 * row reads "fewer than N". Labels before n stay. */
static void suppress(const analysis *a, report_table *t, size_t r, size_t n) {
  size_t k = col(t, "n");
  if (n == 0) {
    report_table_set_int(t, r, k, 0);
    report_table_suppress_row(t, r, k + 1, MARK_EMPTY, a->cfg->small_cell);
  } else {
    report_table_suppress_row(t, r, k, MARK_SUPPRESSED, a->cfg->small_cell);
  }
}

static const cell *at(const report_table *t, size_t r, const char *name);

/* Remembers n, the size of the group of row r of t (the table being
 * built), for complementary suppression: its cell may be withheld. */
static void group_size(analysis *a, const report_table *t, size_t r, size_t n) {
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
  const cell *x = at(t, r, name), *y = at(t, s, name);
  if (x->kind != y->kind)
    return 0;
  if (x->kind == CELL_TEXT)
    return strcmp(x->text, y->text) == 0;
  return x->kind != CELL_INT || x->i == y->i;
}

/* Complementary suppression (issue 20): the group rows of t (sizes from
 * group_size) whose labels in columns key1 and key2 (NULL: any) agree are
 * parts of a total shown elsewhere (a row of another table, or the
 * title's N), so one withheld group among shown ones is covered by
 * withholding the next-smallest (from its n on, reason "secondary").
 * Rows beyond first_rows are left out (0: all rows). */
static void complement(analysis *a, report_table *t, const char *key1, const char *key2,
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
    report_table_suppress_complement(t, rows, sz, k, col(t, "n"), a->cfg->small_cell);
  }
  free(rows);
  free(sz);
  free(done);
}

/* The small-cell rule for a count inside a shown group (an answer of a
 * distribution, a cell of a cross-tabulation): 1 to small_cell - 1 people
 * are withheld with every figure that gives them away; none is shown. */
static int hidden_count(const analysis *a, size_t k) {
  return k > 0 && k < (size_t)a->cfg->small_cell;
}

/* The N of a table (its title's N): withheld when it is itself a small
 * group. */
static void table_n(const analysis *a, report_table *t, size_t n) {
  t->n = n > 0 && hidden(a, n) ? -1 : (long long)n;
}

static void chart(report_table *t, chart_kind kind, const char *cat, const char *series,
                  const char *const *values, int nvalues, const char *lo, const char *hi,
                  const char *x_label, const char *y_label, double y_max) {
  t->chart.kind = kind;
  t->chart.category_col = (int)col(t, cat);
  t->chart.series_col = series ? (int)col(t, series) : -1;
  int cols[CHART_MAX_SERIES];
  if (nvalues < 1 || nvalues > CHART_MAX_SERIES)
    abort(); /* more series than a chart draws: a programming error */
  for (int v = 0; v < nvalues; v++)
    cols[v] = (int)col(t, values[v]);
  if (report_table_chart_values(t, cols, nvalues) != 0)
    abort();
  t->chart.ci_low_col = lo ? (int)col(t, lo) : -1;
  t->chart.ci_high_col = hi ? (int)col(t, hi) : -1;
  t->chart.x_label = x_label;
  t->chart.y_label = y_label;
  t->chart.y_max = y_max;
}

static const cell *at(const report_table *t, size_t r, const char *name) {
  return report_table_cell(t, r, col(t, name));
}

/* ---- small computations ------------------------------------------------------- */

static double mean(const double *x, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += x[i];
  return n ? s / (double)n : NAN;
}

/* The pre and post area scores of the leaders (both present) into a->pre,
 * a->post; returns how many. */
static size_t pairs(analysis *a, const size_t *leaders, size_t n, int area) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    const ds_leader *l = &a->ds->leaders[leaders[i]];
    double x = a->ds->responses[l->pre].score[area], y = a->ds->responses[l->post].score[area];
    if (isnan(x) || isnan(y))
      continue;
    a->pre[k] = x;
    a->post[k] = y;
    k++;
  }
  return k;
}

/* How many of the leaders have a pre and a post score in at least one area:
 * the number analysed. */
static size_t analysed(const analysis *a, const size_t *leaders, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    const ds_leader *l = &a->ds->leaders[leaders[i]];
    for (int ar = 0; ar < DS_NAREAS; ar++)
      if (!isnan(a->ds->responses[l->pre].score[ar]) &&
          !isnan(a->ds->responses[l->post].score[ar])) {
        k++;
        break;
      }
  }
  return k;
}

/* post - pre of the first n pairs, into a->post (a->pre keeps the pre). */
static void differences(analysis *a, size_t n) {
  for (size_t i = 0; i < n; i++)
    a->post[i] -= a->pre[i];
}

/* Fills a before/after row (n, pre_mean, post_mean, mean_diff, ci, and t,
 * df, p, cohens_dz where the table has them) from the first n pairs.
 * Returns 1 with *res set when a paired t test was possible. */
static int paired_row(analysis *a, report_table *t, size_t r, size_t n, stats_paired *res) {
  group_size(a, t, r, n);
  put_int(t, r, "n", (long long)n);
  if (hidden(a, n)) {
    suppress(a, t, r, n);
    return 0;
  }
  put_num(t, r, "pre_mean", mean(a->pre, n));
  put_num(t, r, "post_mean", mean(a->post, n));
  char err[256];
  if (stats_paired_t(a->pre, a->post, n, a->cfg->confidence, res, err, sizeof err) != 0) {
    double s = 0;
    for (size_t i = 0; i < n; i++)
      s += a->post[i] - a->pre[i];
    put_num(t, r, "mean_diff", s / (double)n);
    report_table_add_note(t, "Row %zu has no test: %s.", r + 1, err);
    return 0;
  }
  put_num(t, r, "mean_diff", res->mean_diff);
  put_num(t, r, "ci_low", res->ci_low);
  put_num(t, r, "ci_high", res->ci_high);
  if (report_table_find_column(t, "t") >= 0) {
    put_num(t, r, "t", res->t);
    put_int(t, r, "df", (long long)res->df);
    put_num(t, r, "cohens_dz", res->cohens_dz);
  }
  put_num(t, r, "p", res->p);
  return 1;
}

/* Fills n, mean_change and its interval from the first n pairs. */
static void change_row(analysis *a, report_table *t, size_t r, size_t n) {
  group_size(a, t, r, n);
  put_int(t, r, "n", (long long)n);
  if (hidden(a, n)) {
    suppress(a, t, r, n);
    return;
  }
  differences(a, n);
  stats_mean m;
  char err[256];
  if (stats_mean_ci(a->post, n, a->cfg->confidence, &m, err, sizeof err) == 0) {
    put_num(t, r, "mean_change", m.mean);
    put_num(t, r, "ci_low", m.ci_low);
    put_num(t, r, "ci_high", m.ci_high);
  } else {
    put_num(t, r, "mean_change", mean(a->post, n));
  }
}

/* The band of a leader's time in role, or -1. */
static int band_of(const analysis *a, const ds_leader *l) {
  if (l->months_in_role < 0)
    return -1;
  double y = l->months_in_role / 12.0;
  for (int b = 0; b < a->cfg->nbands; b++)
    if (y < a->cfg->role_bands[b])
      return b;
  return a->cfg->nbands;
}

static void band_labels(analysis *a) {
  const report_config *c = a->cfg;
  a->nbands = c->nbands + 1;
  a->bands = xcalloc((size_t)a->nbands, sizeof *a->bands);
  for (int b = 0; b <= c->nbands; b++) {
    if (b == 0)
      snprintf(a->bands[b], sizeof a->bands[b], "under %g year%s", c->role_bands[0],
               c->role_bands[0] == 1 ? "" : "s");
    else if (b == c->nbands)
      snprintf(a->bands[b], sizeof a->bands[b], "over %g year%s", c->role_bands[b - 1],
               c->role_bands[b - 1] == 1 ? "" : "s");
    else
      snprintf(a->bands[b], sizeof a->bands[b], "%g to %g years", c->role_bands[b - 1],
               c->role_bands[b]);
  }
}

static double conf_pct(const analysis *a) { return a->cfg->confidence * 100; }

/* ---- level 2: knowledge ---------------------------------------------------------- */

static const column BEFORE_AFTER[] = {
    {"n", "n", 0},
    {"pre_mean", "Before (%)", 1},
    {"post_mean", "After (%)", 1},
    {"mean_diff", "Change", 1},
    {"ci_low", "CI low", 1},
    {"ci_high", "CI high", 1},
    {"p", "p", 4},
};

static void fig1(analysis *a) {
  static const column cols[] = {
      {"area", "Area", 0},
      {"n", "n", 0},
      {"pre_mean", "Before (%)", 1},
      {"post_mean", "After (%)", 1},
      {"mean_diff", "Change", 1},
      {"ci_low", "CI low", 1},
      {"ci_high", "CI high", 1},
      {"t", "t", 2},
      {"df", "df", 0},
      {"p", "p", 4},
      {"p_holm", "p (Holm)", 4},
      {"cohens_dz", "Effect size (d)", 2},
      {"wilcoxon_v", "Wilcoxon V", 2},
      {"wilcoxon_p", "Wilcoxon p", 4},
  };
  report_table *t =
      TABLE(a, "fig1", "Knowledge before and after the training, by area", SECTION_LEVEL2, cols);
  double p[DS_NAREAS], adj[DS_NAREAS];
  size_t tested[DS_NAREAS], nt = 0;
  stats_paired res[DS_NAREAS];
  for (int ar = 0; ar < DS_NAREAS; ar++) {
    size_t r = report_table_add_row(t);
    put_text(t, r, "area", AREAS(ar));
    size_t n = pairs(a, a->matched, a->nmatched, ar);
    if (!paired_row(a, t, r, n, &res[ar]))
      continue;
    p[nt] = res[ar].p;
    tested[nt++] = (size_t)ar;
    stats_signrank w;
    char err[256];
    if (stats_wilcoxon(a->pre, a->post, n, &w, err, sizeof err) == 0) {
      put_num(t, r, "wilcoxon_v", w.v);
      put_num(t, r, "wilcoxon_p", w.p);
      report_table_add_test(t, AREAS(ar), "wilcoxon", w.v, NAN, w.p);
    }
  }
  if (nt > 0) {
    char err[256];
    if (stats_p_adjust(p, nt, STATS_HOLM, adj, err, sizeof err) == 0)
      for (size_t i = 0; i < nt; i++) {
        size_t ar = tested[i];
        put_num(t, ar, "p_holm", adj[i]);
        table_test *x =
            report_table_add_test(t, AREAS(ar), "paired-t", res[ar].t, res[ar].df, res[ar].p);
        x->p_adjusted = adj[i];
        x->effect = res[ar].cohens_dz;
        x->effect_name = xstrdup("cohens_dz");
      }
  }
  size_t nan_ = analysed(a, a->matched, a->nmatched);
  table_n(a, t, nan_);
  chart(t, CHART_GROUPED, "area", NULL, (const char *const[]){"pre_mean", "post_mean"}, 2, NULL,
        NULL, "Area", "Mean score (%)", 100);
  report_table_add_note(t,
                        "N is the %zu Careers Leaders analysed: those with a knowledge score "
                        "in at least one area both before and after the training. %zu "
                        "answered both surveys in the same role; %zu of them left too many "
                        "knowledge items unanswered in one survey to be scored and are not "
                        "analysed. n counts those with a score in the area both times (an "
                        "area is scored when enough of its items are answered).",
                        nan_, a->nmatched, a->nmatched - nan_);
  report_table_add_note(t,
                        "Scores are the percentage of the maximum; change is after minus "
                        "before with its %g %% confidence interval (paired t test). The "
                        "Holm-adjusted p allows for testing four areas.",
                        conf_pct(a));
}

/* A paired t test of a group's row in the table's tests, with its effect
 * size, so that every comparison reports one. */
static void add_paired_test(report_table *t, const char *group, int area, const stats_paired *res) {
  char label[96];
  snprintf(label, sizeof label, "%s, %s", group, AREAS(area));
  table_test *x = report_table_add_test(t, label, "paired-t", res->t, res->df, res->p);
  x->effect = res->cohens_dz;
  x->effect_name = xstrdup("cohens_dz");
}

static void by_group(analysis *a, report_table *t, const char *label_col, const char *label,
                     const size_t *leaders, size_t n) {
  for (int ar = 0; ar < DS_NAREAS; ar++) {
    size_t r = report_table_add_row(t);
    put_text(t, r, label_col, label);
    put_text(t, r, "area", AREAS(ar));
    stats_paired res;
    if (paired_row(a, t, r, pairs(a, leaders, n, ar), &res))
      add_paired_test(t, label, ar, &res);
  }
}

static void table1(analysis *a) {
  column cols[2 + sizeof BEFORE_AFTER / sizeof *BEFORE_AFTER] = {{"group", "Establishment", 0},
                                                                 {"area", "Area", 0}};
  memcpy(cols + 2, BEFORE_AFTER, sizeof BEFORE_AFTER);
  report_table *t = TABLE(a, "table1", "Knowledge before and after, by type of establishment",
                          SECTION_LEVEL2, cols);
  size_t *ls = xmalloc((a->nmatched + 1) * sizeof *ls);
  for (int g = 0; g < NGROUPS; g++) {
    size_t n = 0;
    for (size_t i = 0; i < a->nmatched; i++) {
      const ds_leader *l = &a->ds->leaders[a->matched[i]];
      if (vocab_type_group(a->ds->establishments[l->establishment].type) == g)
        ls[n++] = a->matched[i];
    }
    by_group(a, t, "group", vocab_name(VOCAB_GROUP, g), ls, n);
  }
  free(ls);
  /* The groups of an area add up to fig1's row for it. */
  complement(a, t, "area", NULL, 0);
  table_n(a, t, analysed(a, a->matched, a->nmatched));
  chart(t, CHART_GROUPED, "area", "group", (const char *const[]){"mean_diff"}, 1, "ci_low",
        "ci_high", "Area", "Change in mean score (points)", 0);
  report_table_add_note(t, "Colleges: further education and sixth form colleges. Special "
                           "schools and alternative provision: special schools and pupil "
                           "referral units or other alternative provision. Mainstream "
                           "schools: all other schools.");
}

static void cohorts(analysis *a) {
  column cols[2 + sizeof BEFORE_AFTER / sizeof *BEFORE_AFTER] = {{"wave", "Wave", 0},
                                                                 {"area", "Area", 0}};
  memcpy(cols + 2, BEFORE_AFTER, sizeof BEFORE_AFTER);
  report_table *t =
      TABLE(a, "cohorts", "Knowledge before and after, by training wave", SECTION_LEVEL2, cols);
  int lo = 0, hi = -1;
  for (size_t i = 0; i < a->nmatched; i++) {
    size_t e = a->enrolment[a->matched[i]];
    if (e == DS_NONE)
      continue;
    int w = a->ds->enrolments[e].wave;
    if (hi < lo) {
      lo = hi = w;
    } else {
      lo = w < lo ? w : lo;
      hi = w > hi ? w : hi;
    }
  }
  size_t *ls = xmalloc((a->nmatched + 1) * sizeof *ls);
  for (int w = lo; w <= hi; w++) {
    size_t n = 0;
    for (size_t i = 0; i < a->nmatched; i++) {
      size_t e = a->enrolment[a->matched[i]];
      if (e != DS_NONE && a->ds->enrolments[e].wave == w)
        ls[n++] = a->matched[i];
    }
    if (n == 0)
      continue;
    for (int ar = 0; ar < DS_NAREAS; ar++) {
      size_t r = report_table_add_row(t);
      put_int(t, r, "wave", w);
      put_text(t, r, "area", AREAS(ar));
      stats_paired res;
      char label[32];
      snprintf(label, sizeof label, "wave %d", w);
      if (paired_row(a, t, r, pairs(a, ls, n, ar), &res))
        add_paired_test(t, label, ar, &res);
    }
  }
  free(ls);
  complement(a, t, "area", NULL, 0); /* the waves add up to fig1's rows */
  table_n(a, t, analysed(a, a->matched, a->nmatched));
  if (t->nrows == 0)
    report_table_add_note(t, "No matched Careers Leader has a completed enrolment.");
  chart(t, CHART_GROUPED, "area", "wave", (const char *const[]){"mean_diff"}, 1, "ci_low",
        "ci_high", "Area", "Change in mean score (points)", 0);
  report_table_add_note(t, "Each matched Careers Leader counts in the wave of their completed "
                           "enrolment (the earliest, if several).");
}

static void fig2(analysis *a) {
  static const column cols[] = {
      {"band", "Time in role", 0},  {"area", "Area", 0},     {"n", "n", 0},
      {"mean_change", "Change", 1}, {"ci_low", "CI low", 1}, {"ci_high", "CI high", 1}};
  report_table *t = TABLE(a, "fig2", "Change in knowledge by time in role", SECTION_LEVEL2, cols);
  size_t *ls = xmalloc((a->nmatched + 1) * sizeof *ls), unknown = 0;
  for (size_t i = 0; i < a->nmatched; i++)
    if (a->ds->leaders[a->matched[i]].months_in_role < 0)
      unknown++;
  for (int b = 0; b < a->nbands; b++) {
    size_t n = 0;
    for (size_t i = 0; i < a->nmatched; i++)
      if (band_of(a, &a->ds->leaders[a->matched[i]]) == b)
        ls[n++] = a->matched[i];
    for (int ar = 0; ar < DS_NAREAS; ar++) {
      size_t r = report_table_add_row(t);
      put_text(t, r, "band", a->bands[b]);
      put_text(t, r, "area", AREAS(ar));
      change_row(a, t, r, pairs(a, ls, n, ar));
    }
  }
  free(ls);
  complement(a, t, "area", NULL, 0); /* the bands add up to fig1's rows */
  table_n(a, t, analysed(a, a->matched, a->nmatched));
  chart(t, CHART_GROUPED, "area", "band", (const char *const[]){"mean_change"}, 1, "ci_low",
        "ci_high", "Area", "Change in mean score (points)", 0);
  report_table_add_note(t,
                        "Time in role at the pre survey. %zu matched Careers Leader%s gave "
                        "no time in role and %s in no band.",
                        unknown, unknown == 1 ? "" : "s", unknown == 1 ? "is" : "are");
}

/* The percentage of answers >= 4 (agree) with its Wilson interval. */
static void agree_row(analysis *a, report_table *t, size_t r, size_t k, size_t n) {
  group_size(a, t, r, n);
  put_int(t, r, "n", (long long)n);
  if (hidden(a, n)) {
    suppress(a, t, r, n);
    return;
  }
  stats_prop pr;
  char err[256];
  put_num(t, r, "agree_pct", 100.0 * (double)k / (double)n);
  if (stats_wilson((double)k, (double)n, a->cfg->confidence, &pr, err, sizeof err) == 0) {
    put_num(t, r, "ci_low", 100 * pr.ci_low);
    put_num(t, r, "ci_high", 100 * pr.ci_high);
  }
}

static void fig3(analysis *a) {
  static const column cols[] = {{"band", "Time in role", 0},
                                {"n", "n", 0},
                                {"agree_pct", "Agree (%)", 1},
                                {"ci_low", "CI low", 1},
                                {"ci_high", "CI high", 1}};
  report_table *t = TABLE(a, "fig3",
                          "\"The training increased my knowledge of careers leadership\": "
                          "agreement by time in role",
                          SECTION_LEVEL2, cols);
  const dataset *ds = a->ds;
  size_t item = dataset_item(ds, "post_knowledge");
  size_t *k = xcalloc((size_t)a->nbands, sizeof *k), *n = xcalloc((size_t)a->nbands, sizeof *n);
  size_t total = 0;
  for (size_t i = 0; i < ds->nleaders && item != DS_NONE; i++) {
    const ds_leader *l = &ds->leaders[i];
    if (l->post == DS_NONE)
      continue;
    const ds_answer *x = dataset_answer(ds, l->post, item);
    int b = band_of(a, l);
    if (!x || isnan(x->value))
      continue;
    total++;
    if (b < 0)
      continue;
    n[b]++;
    if (x->value >= 4)
      k[b]++;
  }
  for (int b = 0; b < a->nbands; b++) {
    size_t r = report_table_add_row(t);
    put_text(t, r, "band", a->bands[b]);
    agree_row(a, t, r, k[b], n[b]);
  }
  /* Differencing across tables (issue 14): this figure counts every post
   * respondent, fig2 only the matched leaders, so a band's n here minus an
   * n fig2 shows for the same band counts the others (the post-only
   * leaders, withheld in the attrition table when fewer than small_cell).
   * A difference of 1 to small_cell - 1 withholds the band here; the
   * complement below then keeps it from the title's N. */
  const report_table *t2 = report_doc_table(a->doc, "fig2");
  int differenced = 0;
  for (int b = 0; b < a->nbands && t2; b++) {
    if (hidden(a, n[b]))
      continue;
    for (size_t r2 = 0; r2 < t2->nrows; r2++) {
      const cell *bc = at(t2, r2, "band"), *nc = at(t2, r2, "n");
      if (bc->kind != CELL_TEXT || strcmp(bc->text, a->bands[b]) != 0 || nc->kind != CELL_INT ||
          nc->mark != MARK_NONE)
        continue;
      long long d = (long long)n[b] - nc->i;
      if (d > 0 && hidden_count(a, (size_t)d)) {
        report_table_suppress_row(t, (size_t)b, col(t, "n"), MARK_SECONDARY, a->cfg->small_cell);
        differenced = 1;
        break;
      }
    }
  }
  complement(a, t, NULL, NULL, 0); /* the bands add up to the title's N */
  size_t banded = 0;
  for (int b = 0; b < a->nbands; b++)
    banded += n[b];
  free(k);
  free(n);
  table_n(a, t, banded);
  chart(t, CHART_BAR, "band", NULL, (const char *const[]){"agree_pct"}, 1, "ci_low", "ci_high",
        "Time in role", "Agree or strongly agree (%)", 100);
  if (differenced)
    report_table_add_note(t,
                          "A time in role may read \"withheld\" because fewer than %d of its "
                          "respondents are beyond the matched Careers Leaders the figure before "
                          "shows in that band: subtracting one from the other would give them.",
                          a->cfg->small_cell);
  /* Those who gave no time in role form a band of their own in the notes
   * (fig2's and this one's): the same difference applies to it. */
  size_t unknown2 = 0;
  for (size_t i = 0; i < a->nmatched; i++)
    unknown2 += a->ds->leaders[a->matched[i]].months_in_role < 0;
  size_t unknown3 = total - banded;
  if (unknown3 > unknown2 && hidden_count(a, unknown3 - unknown2))
    report_table_add_note(t,
                          "N is the %zu post survey respondents who answered the item and gave "
                          "their time in role; those who answered it without a time in role are "
                          "in no band (how many is withheld: with the figure before, it would "
                          "give fewer than %d respondents beyond the matched Careers Leaders). "
                          "%g %% Wilson intervals.",
                          banded, a->cfg->small_cell, conf_pct(a));
  else
    report_table_add_note(t,
                          "N is the %zu post survey respondents who answered the item and gave "
                          "their time in role; %zu answered it in all, and the %zu who gave no "
                          "time in role are in no band. %g %% Wilson intervals.",
                          banded, total, unknown3, conf_pct(a));
}

static void providers(analysis *a) {
  static const column cols[] = {{"provider", "Provider", 0},  {"accreditation", "Accreditation", 0},
                                {"area", "Area", 0},          {"n", "n", 0},
                                {"mean_change", "Change", 1}, {"ci_low", "CI low", 1},
                                {"ci_high", "CI high", 1}};
  report_table *t =
      TABLE(a, "providers", "Change in knowledge by training provider", SECTION_LEVEL2, cols);
  const dataset *ds = a->ds;
  size_t *ls = xmalloc((a->nmatched + 1) * sizeof *ls);
  for (size_t p = 0; p < ds->nproviders; p++) {
    size_t n = 0;
    for (size_t i = 0; i < a->nmatched; i++) {
      size_t e = a->enrolment[a->matched[i]];
      if (e != DS_NONE && ds->enrolments[e].provider == p)
        ls[n++] = a->matched[i];
    }
    if (n == 0)
      continue;
    for (int ar = 0; ar < DS_NAREAS; ar++) {
      size_t r = report_table_add_row(t);
      put_text(t, r, "provider", ds->providers[p].name);
      put_text(t, r, "accreditation", ds->providers[p].accreditation);
      put_text(t, r, "area", AREAS(ar));
      change_row(a, t, r, pairs(a, ls, n, ar));
    }
  }
  /* The providers of a level add up to the accreditation table's row. */
  complement(a, t, "accreditation", "area", 0);
  /* One-way ANOVA of the change across providers, per area. */
  double *y = xmalloc((a->nmatched + 1) * sizeof *y);
  long *g = xmalloc((a->nmatched + 1) * sizeof *g);
  for (int ar = 0; ar < DS_NAREAS; ar++) {
    size_t n = 0;
    for (size_t i = 0; i < a->nmatched; i++) {
      size_t e = a->enrolment[a->matched[i]];
      const ds_leader *l = &ds->leaders[a->matched[i]];
      double d = ds->responses[l->post].score[ar] - ds->responses[l->pre].score[ar];
      if (e == DS_NONE || isnan(d))
        continue;
      y[n] = d;
      g[n++] = (long)ds->enrolments[e].provider;
    }
    stats_anova an;
    char err[256];
    if (stats_anova_oneway(y, g, n, &an, err, sizeof err) == 0) {
      table_test *x = report_table_add_test(t, AREAS(ar), "anova", an.f, an.df1, an.p);
      x->df2 = an.df2;
      x->effect = an.eta_squared;
      x->effect_name = xstrdup("eta_squared");
    }
  }
  free(y);
  free(g);
  free(ls);
  table_n(a, t, analysed(a, a->matched, a->nmatched));
  report_table_add_note(t, "Matched Careers Leaders by the provider of their completed "
                           "enrolment (the earliest, if several). The tests compare the "
                           "providers' mean changes by one-way ANOVA, area by area.");
}

static void accreditation(analysis *a) {
  static const column cols[] = {
      {"accreditation", "Accreditation", 0}, {"area", "Area", 0},     {"n", "n", 0},
      {"mean_change", "Change", 1},          {"ci_low", "CI low", 1}, {"ci_high", "CI high", 1}};
  report_table *t = TABLE(a, "accreditation", "Change in knowledge by the provider's accreditation",
                          SECTION_LEVEL2, cols);
  const dataset *ds = a->ds;
  size_t *ls = xmalloc((a->nmatched + 1) * sizeof *ls);
  for (int v = 0; v < 3; v++) {
    size_t n = 0;
    for (size_t i = 0; i < a->nmatched; i++) {
      size_t e = a->enrolment[a->matched[i]];
      if (e != DS_NONE &&
          strcmp(ds->providers[ds->enrolments[e].provider].accreditation, vocab_name(VOCAB_ACCREDITATION, v)) == 0)
        ls[n++] = a->matched[i];
    }
    for (int ar = 0; ar < DS_NAREAS; ar++) {
      size_t r = report_table_add_row(t);
      put_text(t, r, "accreditation", vocab_name(VOCAB_ACCREDITATION, v));
      put_text(t, r, "area", AREAS(ar));
      change_row(a, t, r, pairs(a, ls, n, ar));
    }
  }
  free(ls);
  complement(a, t, "area", NULL, 0); /* the levels add up to fig1's rows */
  table_n(a, t, analysed(a, a->matched, a->nmatched));
  chart(t, CHART_GROUPED, "area", "accreditation", (const char *const[]){"mean_change"}, 1,
        "ci_low", "ci_high", "Area", "Change in mean score (points)", 0);
}

/* ---- level 3: practice and confidence ----------------------------------------- */

/* Answers of the long-term responses to an item: n answering, and per
 * code (or per value 1-5 for numeric items) how many. */
static size_t count_answers(const analysis *a, size_t item, ds_survey survey, int post_only,
                            const char *const *codes, size_t ncodes, size_t *k) {
  const dataset *ds = a->ds;
  size_t n = 0;
  memset(k, 0, ncodes * sizeof *k);
  if (item == DS_NONE)
    return 0;
  for (size_t r = 0; r < ds->nresponses; r++) {
    const ds_response *resp = &ds->responses[r];
    if (resp->survey != survey || (post_only && resp->stage != DS_POST))
      continue;
    const ds_answer *x = dataset_answer(ds, r, item);
    if (!x)
      continue;
    if (codes) {
      const char *code = dataset_answer_code(ds, x);
      if (!code)
        continue;
      for (size_t c = 0; c < ncodes; c++)
        if (strcmp(code, codes[c]) == 0) {
          k[c]++;
          n++;
          break;
        }
    } else if (!isnan(x->value)) {
      long v = lround(x->value);
      if (v >= 1 && (size_t)v <= ncodes)
        k[v - 1]++;
      n++;
    }
  }
  return n;
}

/* A distribution table: answer, n, pct; suppressed as a whole when fewer
 * than small_cell answered. */
static report_table *distribution(analysis *a, const char *id, const char *title,
                                  const char *const *labels, const size_t *k, size_t ncodes,
                                  size_t n) {
  static const column cols[] = {{"answer", "Answer", 0}, {"n", "n", 0}, {"pct", "%", 1}};
  report_table *t = TABLE(a, id, title, SECTION_LEVEL3, cols);
  for (size_t c = 0; c < ncodes; c++) {
    size_t r = report_table_add_row(t);
    put_text(t, r, "answer", labels[c]);
    put_int(t, r, "n", (long long)k[c]);
    group_size(a, t, r, k[c]);
    if (hidden(a, n))
      suppress(a, t, r, n);
    else if (hidden_count(a, k[c]))
      report_table_suppress_row(t, r, col(t, "n"), MARK_SUPPRESSED, a->cfg->small_cell);
    else
      put_num(t, r, "pct", 100.0 * (double)k[c] / (double)n);
  }
  complement(a, t, NULL, NULL, 0); /* the answers add up to the title's N */
  table_n(a, t, n);
  chart(t, CHART_BAR, "answer", NULL, (const char *const[]){"pct"}, 1, NULL, NULL, "Answer",
        "Respondents (%)", 100);
  if (n == 0)
    report_table_add_note(t, "No one answered this question.");
  else if (hidden(a, n))
    report_table_add_note(t,
                          "%c%s answered this question, so neither the counts nor the "
                          "percentages are shown.",
                          toupper((unsigned char)a->fewer[0]), a->fewer + 1);
  return t;
}

static const char *item_text(const dataset *ds, size_t item, const char *fallback) {
  return item == DS_NONE ? fallback : ds->items[item].text;
}

static void fig4(analysis *a) {
  static const column cols[] = {{"area", "Area", 0},
                                {"n", "n", 0},
                                {"very_pct", "Very (%)", 1},
                                {"quite_pct", "Quite (%)", 1},
                                {"not_very_pct", "Not very (%)", 1},
                                {"not_at_all_pct", "Not at all (%)", 1}};
  static const char *const codes[] = {"very", "quite", "not_very", "not_at_all"};
  report_table *t = TABLE(a, "fig4",
                          "Confidence in each area of the role, some months after "
                          "the training",
                          SECTION_LEVEL3, cols);
  size_t most = 0;
  for (int ar = 0; ar < DS_NAREAS; ar++) {
    char key[64];
    snprintf(key, sizeof key, "lt_conf_%s", AREAS(ar));
    size_t k[4];
    size_t n = count_answers(a, dataset_item(a->ds, key), DS_LONG_TERM, 0, codes, 4, k);
    most = n > most ? n : most;
    size_t r = report_table_add_row(t);
    put_text(t, r, "area", AREAS(ar));
    put_int(t, r, "n", (long long)n);
    if (hidden(a, n)) {
      suppress(a, t, r, n);
      continue;
    }
    long long sz[4];
    unsigned char withheld[4];
    for (int c = 0; c < 4; c++) {
      char name[32];
      snprintf(name, sizeof name, "%s_pct", codes[c]);
      sz[c] = (long long)k[c];
      withheld[c] = (unsigned char)hidden_count(a, k[c]);
      if (withheld[c])
        report_table_suppress(t, r, col(t, name), MARK_SUPPRESSED, a->cfg->small_cell);
      else
        put_num(t, r, name, 100.0 * (double)k[c] / (double)n);
    }
    /* The four percentages add up to 100: one withheld takes another. */
    long c2 = report_table_pick_complement(sz, withheld, 4);
    if (c2 >= 0) {
      char name[32];
      snprintf(name, sizeof name, "%s_pct", codes[c2]);
      report_table_suppress(t, r, col(t, name), MARK_SECONDARY, a->cfg->small_cell);
    }
  }
  table_n(a, t, most);
  chart(t, CHART_STACKED, "area", NULL,
        (const char *const[]){"very_pct", "quite_pct", "not_very_pct", "not_at_all_pct"}, 4, NULL,
        NULL, "Area", "Respondents (%)", 100);
  report_table_add_note(t, "Long-term survey respondents answering each item.");
}

/* A practice table's sum row r (supported = direct + improved) is a total
 * of rows 0 and 1 and, with rows 2 and 3, a part of the title's N: each of
 * the three relations is covered until none gives a withheld count away. */
static void supported_complement(analysis *a, report_table *t, size_t r) {
  if (a->sized != t || a->nsizes <= r)
    return;
  static const size_t parts[3][4] = {{0, 1, 2, 3}, {0, 1}, {2, 3}};
  static const size_t nparts[3] = {4, 2, 3};
  for (int round = 0; round < 4; round++) {
    int changed = 0;
    for (int rel = 0; rel < 3; rel++) {
      size_t rows[4];
      long long sz[4];
      for (size_t i = 0; i < nparts[rel]; i++) {
        rows[i] = rel == 2 && i == 2 ? r : parts[rel][i];
        sz[i] = a->sizes[rows[i]];
      }
      /* direct + improved against the supported row: only while it shows */
      if (rel == 1 && report_table_row_marked(t, r))
        continue;
      changed |= report_table_suppress_complement(t, rows, sz, nparts[rel], col(t, "n"),
                                                  a->cfg->small_cell) >= 0;
    }
    if (!changed)
      break;
  }
}

static void practice(analysis *a) {
  static const char *const codes[] = {"direct", "improved", "not_result", "not_done"};
  static const char *const labels[] = {"direct", "improved", "not_result", "not_done"};
  const dataset *ds = a->ds;
  int fig = 6;
  for (size_t i = 0; i < ds->nitems && fig <= 15; i++) {
    if (strncmp(ds->items[i].key, "lt_practice_", 12) != 0)
      continue;
    size_t k[4];
    size_t n = count_answers(a, i, DS_LONG_TERM, 0, codes, 4, k);
    char id[16], title[512];
    snprintf(id, sizeof id, "fig%d", fig++);
    snprintf(title, sizeof title, "\"%s\"", ds->items[i].text);
    strbuf_trim_partial_utf8(title);
    report_table *t = distribution(a, id, title, labels, k, 4, n);
    size_t r = report_table_add_row(t);
    put_text(t, r, "answer", "supported");
    put_int(t, r, "n", (long long)(k[0] + k[1]));
    group_size(a, t, r, k[0] + k[1]);
    if (hidden(a, n))
      suppress(a, t, r, n);
    else if (hidden_count(a, k[0] + k[1]))
      report_table_suppress_row(t, r, col(t, "n"), MARK_SUPPRESSED, a->cfg->small_cell);
    else
      put_num(t, r, "pct", 100.0 * (double)(k[0] + k[1]) / (double)n);
    supported_complement(a, t, r);
    report_table_chart_skip(t, r); /* a sum: in the table, not beside its parts */
    report_table_add_note(t, "Long-term survey respondents. Supported: done as a direct result "
                             "of the training, or done before and improved as a result (the "
                             "sum of the first two rows, so the chart leaves it out).");
  }
  for (; fig <= 15; fig++) {
    char id[16];
    snprintf(id, sizeof id, "fig%d", fig);
    size_t k[4] = {0};
    report_table *t =
        distribution(a, id, "A practice item missing from the item bank", labels, k, 4, 0);
    report_table_add_note(t, "The database holds fewer than ten practice items.");
  }
}

static void support(analysis *a) {
  static const column cols[] = {{"topic", "Topic", 0}, {"n", "n", 0}, {"pct", "Wanted (%)", 1}};
  report_table *t = TABLE(a, "support", "Further support wanted", SECTION_LEVEL3, cols);
  const dataset *ds = a->ds;
  size_t most = 0;
  for (size_t i = 0; i < ds->nitems; i++) {
    if (strncmp(ds->items[i].key, "lt_support_", 11) != 0)
      continue;
    size_t k[1]; /* answers 1 (selected); 0 counts in n only */
    size_t n = count_answers(a, i, DS_LONG_TERM, 0, NULL, 1, k);
    most = n > most ? n : most;
    size_t r = report_table_add_row(t);
    put_text(t, r, "topic", ds->items[i].key + 11);
    const char *text = ds->items[i].text, *colon = strstr(text, ": ");
    char label[512]; /* "Further support wanted: evaluating ..." -> "Evaluating ..." */
    snprintf(label, sizeof label, "%s", colon ? colon + 2 : text);
    strbuf_trim_partial_utf8(label);
    label[0] = (char)toupper((unsigned char)label[0]);
    report_table_label(t, ds->items[i].key + 11, label);
    put_int(t, r, "n", (long long)n);
    if (hidden(a, n))
      suppress(a, t, r, n);
    else if (hidden_count(a, k[0]))
      report_table_suppress(t, r, col(t, "pct"), MARK_SUPPRESSED, a->cfg->small_cell);
    else
      put_num(t, r, "pct", 100.0 * (double)k[0] / (double)n);
  }
  table_n(a, t, most);
  chart(t, CHART_BAR, "topic", NULL, (const char *const[]){"pct"}, 1, NULL, NULL, "Topic",
        "Respondents wanting support (%)", 100);
  report_table_add_note(t, "Long-term survey respondents answering each topic; %% of them "
                           "selecting it.");
}

static void fig5(analysis *a) {
  size_t k[5], item = dataset_item(a->ds, "post_actions");
  size_t n = count_answers(a, item, DS_SELF_ASSESSMENT, 1, NULL, 5, k);
  char title[512]; /* quoted, as the seed report and figures 6-15 quote a question */
  snprintf(title, sizeof title, "\"%s\"",
           item_text(a->ds, item,
                     "The training helped me identify actions to improve my practice"));
  report_table *t = distribution(a, "fig5", title, AGREE, k, 5, n);
  report_table_add_note(t, "Post survey respondents.");
}

/* Faster progress towards the benchmarks: at the end of the training
 * (fig16) and months later (fig17), strongly agree compared. */
static void fig16_17(analysis *a) {
  const dataset *ds = a->ds;
  size_t k16[5], k17[5];
  size_t item = dataset_item(ds, "post_faster");
  size_t n16 = count_answers(a, item, DS_SELF_ASSESSMENT, 1, NULL, 5, k16);
  /* The same question at two times, titled as the seed report does: the
   * question quoted, then when it was asked. */
  char title[512];
  snprintf(title, sizeof title, "\"%s\": the post survey, at the end of the training",
           item_text(ds, item, "Faster progress towards the benchmarks"));
  report_table *t16 = distribution(a, "fig16", title, AGREE, k16, 5, n16);
  report_table_add_note(t16, "Post survey respondents, at the end of the training.");
  item = dataset_item(ds, "lt_faster");
  size_t n17 = count_answers(a, item, DS_LONG_TERM, 0, NULL, 5, k17);
  snprintf(title, sizeof title, "\"%s\": the long-term survey, some months after the training",
           item_text(ds, item, "Faster progress towards the benchmarks"));
  report_table *t17 = distribution(a, "fig17", title, AGREE, k17, 5, n17);
  report_table_add_note(t17, "Long-term survey respondents, some months after the training.");
  size_t small = (size_t)a->cfg->small_cell;
  if (n16 < small || n17 < small || n16 == 0 || n17 == 0)
    return;
  double counts[4] = {(double)k16[4], (double)(n16 - k16[4]), (double)k17[4],
                      (double)(n17 - k17[4])};
  stats_chisq c;
  char err[256];
  if (stats_chisq_test(counts, 2, 2, false, &c, err, sizeof err) != 0)
    return;
  for (int i = 0; i < 2; i++) {
    table_test *x = report_table_add_test(i ? t17 : t16, "strongly agree, post vs long-term",
                                          "chisq", c.statistic, c.df, c.p);
    x->effect = c.cramers_v;
    x->effect_name = xstrdup("cramers_v");
  }
}

/* ---- level 4: benchmarks --------------------------------------------------------- */

static const column BM_COLS[] = {
    {"group", "Group", 0},    {"n", "n", 0},           {"baseline_mean", "Baseline", 2},
    {"post_mean", "Post", 2}, {"change", "Change", 2}, {"ci_low", "CI low", 2},
    {"ci_high", "CI high", 2}};

/* A row of benchmark means for the establishments compared of one group
 * (hub -1: in a hub or not); returns the group's size. */
static size_t bm_row(analysis *a, report_table *t, const char *name, int trained, int hub) {
  size_t n = 0;
  double *d = a->post, *b0 = a->pre;
  for (size_t i = 0; i < a->nunits; i++) {
    const compass_unit *u = &a->units[i];
    if (!compass_compared(u) || (u->group == COMPASS_TRAINED) != trained ||
        (hub >= 0 && u->hub != hub))
      continue;
    b0[n] = u->achieved_baseline;
    d[n++] = u->achieved_post - u->achieved_baseline;
  }
  size_t r = report_table_add_row(t);
  put_text(t, r, "group", name);
  put_int(t, r, "n", (long long)n);
  if (hidden(a, n)) {
    suppress(a, t, r, n);
    return n;
  }
  double mb = mean(b0, n), md = mean(d, n);
  put_num(t, r, "baseline_mean", mb);
  put_num(t, r, "post_mean", mb + md);
  stats_mean m;
  char err[256];
  if (stats_mean_ci(d, n, a->cfg->confidence, &m, err, sizeof err) == 0) {
    put_num(t, r, "change", m.mean);
    put_num(t, r, "ci_low", m.ci_low);
    put_num(t, r, "ci_high", m.ci_high);
  } else {
    put_num(t, r, "change", md);
  }
  return n;
}

/* The N of a table of parts (groups of establishments or people): withheld
 * when one part is withheld for its size, which N minus the parts shown
 * would give. */
static void parts_n(const analysis *a, report_table *t, const size_t *parts, size_t k) {
  long long n = 0;
  int small = 0;
  for (size_t i = 0; i < k; i++) {
    n += (long long)parts[i];
    small |= parts[i] > 0 && hidden(a, parts[i]);
  }
  t->n = small ? -1 : n;
}

static void fig18_19(analysis *a) {
  report_table *t = TABLE(a, "fig18",
                          "Average number of Gatsby Benchmarks fully achieved at baseline and "
                          "post: trained and comparison establishments",
                          SECTION_LEVEL4, BM_COLS);
  size_t g18[2];
  g18[0] = bm_row(a, t, "trained", 1, -1);
  g18[1] = bm_row(a, t, "untrained", 0, -1);
  parts_n(a, t, g18, 2);
  chart(t, CHART_GROUPED, "group", NULL, (const char *const[]){"baseline_mean", "post_mean"}, 2,
        NULL, NULL, "Group", "Mean benchmarks fully achieved (of 8)", 8);
  report_table_add_note(t,
                        "Establishments with a baseline and a post Compass return; change is "
                        "post minus baseline with its %g %% confidence interval.",
                        conf_pct(a));
  report_table_add_note(t,
                        "Baseline: the latest return on or before %s (for a trained "
                        "establishment without one, its earliest before the training began). "
                        "Post: the latest from %s to %s, and for a trained establishment after "
                        "the training was completed.",
                        a->cfg->baseline_cutoff, a->cfg->post_from, a->cfg->post_to);
  /* Welch t of the change, trained against untrained. */
  size_t nt = 0, nu = 0;
  double *xt = xmalloc((a->nunits + 1) * sizeof *xt), *xu = xmalloc((a->nunits + 1) * sizeof *xu);
  for (size_t i = 0; i < a->nunits; i++) {
    const compass_unit *u = &a->units[i];
    if (!compass_compared(u))
      continue;
    double d = u->achieved_post - u->achieved_baseline;
    if (u->group == COMPASS_TRAINED)
      xt[nt++] = d;
    else
      xu[nu++] = d;
  }
  stats_twosample w;
  char err[256];
  if (nt >= (size_t)a->cfg->small_cell && nu >= (size_t)a->cfg->small_cell &&
      stats_welch_t(xu, nu, xt, nt, a->cfg->confidence, &w, err, sizeof err) == 0) {
    table_test *x =
        report_table_add_test(t, "change, trained vs untrained", "welch-t", w.t, w.df, w.p);
    x->effect = w.hedges_g;
    x->effect_name = xstrdup("hedges_g");
  }
  free(xt);
  free(xu);

  t = TABLE(a, "fig19",
            "Average number of Gatsby Benchmarks fully achieved at baseline and post, by "
            "training and hub membership",
            SECTION_LEVEL4, BM_COLS);
  size_t g19[4];
  g19[0] = bm_row(a, t, "trained_hub", 1, 1);
  g19[1] = bm_row(a, t, "trained_nohub", 1, 0);
  g19[2] = bm_row(a, t, "untrained_hub", 0, 1);
  g19[3] = bm_row(a, t, "untrained_nohub", 0, 0);
  parts_n(a, t, g18, 2);
  /* Complementary suppression (issue 20 item 3): in a hub and not are the
   * parts of fig18's trained (untrained) row, so one withheld for its size
   * takes the other with it, or fig18's row would give its means. */
  int secondary = 0;
  for (size_t g = 0; g < 2; g++) {
    size_t rows[2] = {2 * g, 2 * g + 1};
    long long sz[2] = {(long long)g19[2 * g], (long long)g19[2 * g + 1]};
    secondary |= report_table_suppress_complement(t, rows, sz, 2, col(t, "n"),
                                                  a->cfg->small_cell) >= 0;
  }
  if (secondary)
    report_table_add_note(t, "In a hub and not in a hub add up to the rows of the figure before: "
                             "where one is too small to show, the other is withheld too.");
  chart(t, CHART_GROUPED, "group", NULL, (const char *const[]){"baseline_mean", "post_mean"}, 2,
        NULL, NULL, "Group", "Mean benchmarks fully achieved (of 8)", 8);
  report_table_add_note(t, "In a hub: a member of a Careers Hub by the date of the post return.");
}

static void did(analysis *a) {
  static const column cols[] = {
      {"term", "Term", 0},     {"estimate", "Estimate", 3}, {"se_cluster", "SE (cluster)", 3},
      {"ci_low", "CI low", 3}, {"ci_high", "CI high", 3},   {"p", "p", 4}};
  static const char *const terms[] = {"intercept",      "trained", "post",
                                      "trained_x_post", "hub",     "hub_x_post"};
  report_table *t =
      TABLE(a, "did", "Difference in differences: benchmarks achieved", SECTION_LEVEL4, cols);
  size_t n = 0, ntr = 0;
  for (size_t i = 0; i < a->nunits; i++)
    if (compass_compared(&a->units[i])) {
      n++;
      ntr += a->units[i].group == COMPASS_TRAINED;
    }
  size_t nun = n - ntr;
  t->n = hidden(a, ntr) || hidden(a, nun) ? -1 : (long long)n;
  double *X = xmalloc((2 * n + 1) * 6 * sizeof *X), *y = xmalloc((2 * n + 1) * sizeof *y);
  long *cl = xmalloc((2 * n + 1) * sizeof *cl);
  size_t rows = 0;
  int hubs = 0;
  for (size_t i = 0; i < a->nunits; i++) {
    const compass_unit *u = &a->units[i];
    if (!compass_compared(u))
      continue;
    hubs |= 1 << u->hub;
    for (int per = 0; per < 2; per++) {
      double tr = u->group == COMPASS_TRAINED, hb = u->hub;
      double row[6] = {1, tr, per, tr * per, hb, hb * per};
      memcpy(X + rows * 6, row, sizeof row);
      y[rows] = per ? u->achieved_post : u->achieved_baseline;
      cl[rows++] = (long)i;
    }
  }
  /* Without establishments both in and out of a hub the hub terms cannot
   * be estimated: the model drops them. Nor are they estimated when a
   * group of fig19 (training by hub) is withheld for its size (issue 14):
   * with them, the estimates and the groups fig18 and fig19 show would
   * give the withheld group's mean benchmarks by the model's normal
   * equations; without them the estimates follow from fig18's means
   * alone. */
  size_t g19[2][2] = {{0, 0}, {0, 0}};
  for (size_t i = 0; i < a->nunits; i++)
    if (compass_compared(&a->units[i]))
      g19[a->units[i].group == COMPASS_TRAINED][a->units[i].hub != 0]++;
  int small19 = 0;
  for (int g = 0; g < 2; g++)
    for (int h = 0; h < 2; h++)
      small19 |= hidden_count(a, g19[g][h]);
  size_t k = hubs == 3 && !small19 ? 6 : 4;
  if (k == 4)
    for (size_t r = 0; r < rows; r++)
      memmove(X + r * 4, X + r * 6, 4 * sizeof *X);
  stats_ols fit;
  char err[256];
  memset(&fit, 0, sizeof fit);
  /* What the model cannot do, in words: each group must be there, and
   * large enough to show (the small-cell rule covers tests too). */
  char why[512] = "";
  if (n == 0)
    snprintf(why, sizeof why,
             "no establishment has both a baseline and a post Compass return, so there is "
             "nothing to compare");
  else if (nun == 0)
    snprintf(why, sizeof why,
             "there are no comparison establishments (with a baseline and a post Compass "
             "return and no Careers Leader enrolled), so the change in trained establishments "
             "cannot be set against the change that happened without training");
  else if (ntr == 0)
    snprintf(why, sizeof why,
             "no establishment with a trained Careers Leader has both a baseline and a post "
             "Compass return, so there is no training effect to estimate");
  else if (hidden(a, ntr) || hidden(a, nun))
    snprintf(why, sizeof why,
             "the %s group has %s establishments, too few to show (the small-cell rule), so "
             "the estimate is withheld",
             hidden(a, nun) ? "comparison" : "trained", a->fewer);
  else if (n < 3)
    snprintf(why, sizeof why,
             "with %zu establishments there is only one cluster per group: cluster-robust "
             "standard errors need more",
             n);
  if (!why[0] && stats_ols_fit(X, y, rows, k, cl, a->cfg->confidence, &fit, err, sizeof err) != 0)
    snprintf(why, sizeof why,
             "the model cannot be estimated from these establishments (too few, or too alike "
             "in training and hub membership, to tell the effects apart)");
  if (!why[0]) {
    for (size_t j = 0; j < k; j++) {
      size_t r = report_table_add_row(t);
      put_text(t, r, "term", terms[j]);
      put_num(t, r, "estimate", fit.coef[j]);
      put_num(t, r, "se_cluster", fit.se_cluster[j]);
      put_num(t, r, "ci_low", fit.ci_low_cluster[j]);
      put_num(t, r, "ci_high", fit.ci_high_cluster[j]);
      put_num(t, r, "p", fit.p_cluster[j]);
    }
    report_table_add_test(t, "trained_x_post", "did", fit.t_cluster[3], fit.df_cluster,
                          fit.p_cluster[3]);
    chart(t, CHART_BAR, "term", NULL, (const char *const[]){"estimate"}, 1, "ci_low", "ci_high",
          "Term", "Estimate (benchmarks)", 0);
    report_table_add_note(
        t,
        "A regression on two rows per establishment (baseline and post, %zu "
        "establishments): benchmarks achieved against trained, post, trained "
        "\xC3\x97 post%s. Trained \xC3\x97 post is the training effect: the change "
        "in trained establishments beyond the change in comparison ones. The "
        "standard errors are cluster-robust (they allow for the two returns of "
        "an establishment being related), with t on %zu degrees of freedom.",
        n, k == 6 ? ", in a hub and in a hub \xC3\x97 post" : "", fit.n_clusters - 1);
    if (k == 4 && hubs == 3)
      report_table_add_note(t,
                            "The hub terms are left out: a group of the figure before has %s "
                            "establishments, and with them the estimates would let its figures "
                            "be worked out. The estimate does not allow for Careers Hub "
                            "membership.",
                            a->fewer);
    else if (k == 4)
      report_table_add_note(t,
                            "The hub terms are left out: every establishment compared is %s "
                            "a hub.",
                            hubs == 2 ? "in" : "outside");
  } else {
    report_table_add_note(t, "No difference-in-differences estimate: %s.", why);
  }
  stats_ols_clear(&fit);
  free(X);
  free(y);
  free(cl);
}

/* The Gatsby Benchmarks, for readers of tables that number them. */
static const char BENCHMARK_NAMES[] =
    "Benchmarks: 1 a stable careers programme; 2 learning from career and labour market "
    "information; 3 addressing the needs of each pupil; 4 linking curriculum learning to "
    "careers; 5 encounters with employers and employees; 6 experiences of workplaces; "
    "7 encounters with further and higher education; 8 personal guidance.";

static void fig20_21(analysis *a) {
  static const column c20[] = {
      {"benchmark", "Benchmark", 0}, {"group", "Group", 0},   {"n", "n", 0},
      {"post_pct", "Post (%)", 1},   {"ci_low", "CI low", 1}, {"ci_high", "CI high", 1}};
  static const column c21[] = {{"benchmark", "Benchmark", 0},
                               {"group", "Group", 0},
                               {"n", "n", 0},
                               {"baseline_pct", "Baseline (%)", 1},
                               {"post_pct", "Post (%)", 1}};
  report_table *t20 =
      TABLE(a, "fig20",
            "Percentage of establishments fully achieving each Gatsby Benchmark at the post "
            "return",
            SECTION_LEVEL4, c20);
  report_table *t21 =
      TABLE(a, "fig21",
            "Percentage of establishments fully achieving each Gatsby Benchmark at baseline "
            "and post",
            SECTION_LEVEL4, c21);
  const dataset *ds = a->ds;
  /* Per group, per benchmark: how many fully achieved it at baseline and
   * post, for the within-group rule below. */
  long long counts[2][2][DS_NBENCHMARKS];
  size_t rows[2][DS_NBENCHMARKS], ngroup[2] = {0, 0};
  for (int b = 0; b < DS_NBENCHMARKS; b++)
    for (int g = 0; g < 2; g++) {
      size_t n = 0, kb = 0, kp = 0;
      for (size_t i = 0; i < a->nunits; i++) {
        const compass_unit *u = &a->units[i];
        if (!compass_compared(u) || (u->group == COMPASS_TRAINED) != (g == 0))
          continue;
        n++;
        kb += dataset_return_pct(ds, u->baseline, b) >= a->cfg->fully_achieved;
        kp += dataset_return_pct(ds, u->post, b) >= a->cfg->fully_achieved;
      }
      const char *name = g == 0 ? "trained" : "untrained";
      size_t r20 = report_table_add_row(t20), r21 = report_table_add_row(t21);
      rows[g][b] = r20; /* the same row in both */
      ngroup[g] = n;
      counts[g][0][b] = (long long)kb;
      counts[g][1][b] = (long long)kp;
      put_int(t20, r20, "benchmark", b + 1);
      put_int(t21, r21, "benchmark", b + 1);
      put_text(t20, r20, "group", name);
      put_text(t21, r21, "group", name);
      put_int(t20, r20, "n", (long long)n);
      put_int(t21, r21, "n", (long long)n);
      if (hidden(a, n)) {
        suppress(a, t20, r20, n);
        suppress(a, t21, r21, n);
        continue;
      }
      put_num(t20, r20, "post_pct", 100.0 * (double)kp / (double)n);
      put_num(t21, r21, "baseline_pct", 100.0 * (double)kb / (double)n);
      put_num(t21, r21, "post_pct", 100.0 * (double)kp / (double)n);
      stats_prop pr;
      char err[256];
      if (stats_wilson((double)kp, (double)n, a->cfg->confidence, &pr, err, sizeof err) == 0) {
        put_num(t20, r20, "ci_low", 100 * pr.ci_low);
        put_num(t20, r20, "ci_high", 100 * pr.ci_high);
      }
    }
  /* Within a group shown (issue 14): a benchmark fully achieved, or not,
   * by 1 to small_cell - 1 establishments has its percentage withheld (in
   * fig20 its interval too, which gives the count as well). The eight
   * counts of a group add up to n times fig18's mean benchmarks achieved,
   * so one withheld benchmark takes the shown one of fewest achieving it
   * with it (a group's counts at baseline and at post alike). */
  int within = 0;
  for (int g = 0; g < 2; g++) {
    if (hidden(a, ngroup[g]))
      continue;
    for (int when = 0; when < 2; when++) {
      unsigned char withheld[DS_NBENCHMARKS];
      long long sizes[DS_NBENCHMARKS];
      for (int b = 0; b < DS_NBENCHMARKS; b++) {
        long long k = counts[g][when][b];
        withheld[b] =
            (unsigned char)(hidden_count(a, (size_t)k) || hidden_count(a, ngroup[g] - (size_t)k));
        sizes[b] = k;
      }
      long pick = report_table_pick_complement(sizes, withheld, DS_NBENCHMARKS);
      if (pick == -2) /* every other benchmark shown at 0: any one will do */
        for (int b = 0; b < DS_NBENCHMARKS && pick < 0; b++)
          if (!withheld[b])
            pick = b;
      for (int b = 0; b < DS_NBENCHMARKS; b++) {
        if (!withheld[b] && b != pick)
          continue;
        cell_mark m = withheld[b] ? MARK_SUPPRESSED : MARK_SECONDARY;
        size_t r = rows[g][b];
        within = 1;
        report_table_suppress(t21, r, col(t21, when ? "post_pct" : "baseline_pct"), m,
                              a->cfg->small_cell);
        if (when) {
          report_table_suppress(t20, r, col(t20, "post_pct"), m, a->cfg->small_cell);
          report_table_suppress(t20, r, col(t20, "ci_low"), m, a->cfg->small_cell);
          report_table_suppress(t20, r, col(t20, "ci_high"), m, a->cfg->small_cell);
        }
      }
    }
  }
  for (int i = 0; i < 2 && within; i++)
    report_table_add_note(i ? t21 : t20,
                          "A benchmark fully achieved, or not, by fewer than %d establishments "
                          "of a group reads \"%s\" in place of its percentage.",
                          a->cfg->small_cell, a->fewer);
  size_t groups[2] = {a->cc.kept[0], a->cc.kept[1]};
  parts_n(a, t20, groups, 2);
  t21->n = t20->n;
  chart(t20, CHART_GROUPED, "benchmark", "group", (const char *const[]){"post_pct"}, 1, "ci_low",
        "ci_high", "Benchmark", "Establishments fully achieving it (%)", 100);
  /* Small multiples: a panel per benchmark, trained and not side by side. */
  chart(t21, CHART_GROUPED, "group", NULL, (const char *const[]){"baseline_pct", "post_pct"}, 2,
        NULL, NULL, NULL, "Fully achieving it (%)", 100);
  t21->chart.panel_col = (int)col(t21, "benchmark");
  report_table_add_note(t20, "%g %% Wilson intervals.", conf_pct(a));
  for (int i = 0; i < 2; i++)
    report_table_add_note(i ? t21 : t20, "%s", BENCHMARK_NAMES);
}

/* ---- samples and beyond ---------------------------------------------------------------- */

/* The date six calendar months before d (the day kept, as text compares). */
static void six_months_before(const char *d, char out[11]) {
  unsigned y = (unsigned)atoi(d) % 10000, m = (unsigned)atoi(d + 5) % 100;
  if (m <= 6) {
    m += 6;
    y = (y + 9999) % 10000;
  } else {
    m -= 6;
  }
  snprintf(out, 11, "%04u-%02u-%.2s", y, m % 100, d + 8);
}

static void samples(analysis *a) {
  static const column cols[] = {{"source", "Source", 0},
                                {"issued", "Invited", 0},
                                {"achieved", "Responded", 0},
                                {"pct", "Response rate (%)", 1}};
  report_table *t =
      TABLE(a, "samples", "Samples: who was asked and who answered", SECTION_SAMPLES, cols);
  const dataset *ds = a->ds;
  unsigned char *completer = xcalloc(ds->nleaders + 1, 1);
  char first_lt[11] = "";
  size_t nlt = 0;
  for (size_t r = 0; r < ds->nresponses; r++)
    if (ds->responses[r].survey == DS_LONG_TERM) {
      nlt++;
      if (!first_lt[0] || strcmp(ds->responses[r].submitted, first_lt) < 0)
        strcpy(first_lt, ds->responses[r].submitted);
    }
  char limit[11] = "";
  if (first_lt[0])
    six_months_before(first_lt, limit);
  unsigned char *lt_issued = xcalloc(ds->nleaders + 1, 1);
  for (size_t i = 0; i < ds->nenrolments; i++) {
    const ds_enrolment *e = &ds->enrolments[i];
    if (e->status != DS_COMPLETED || !e->completion_date[0])
      continue;
    completer[e->leader] = 1;
    if (limit[0] && strcmp(e->completion_date, limit) <= 0 &&
        ds->leaders[e->leader].contact_consent)
      lt_issued[e->leader] = 1;
  }
  size_t issued = 0, pre = 0, post = 0, matched = 0, lti = 0;
  for (size_t i = 0; i < ds->nleaders; i++) {
    lti += lt_issued[i];
    if (!completer[i])
      continue;
    issued++;
    pre += ds->leaders[i].pre != DS_NONE;
    post += ds->leaders[i].post != DS_NONE;
    matched += ds->leaders[i].match == DS_MATCHED;
  }
  /* The surveys are issued on completion: the invited count is the
   * ledger's completions (fund.c), which is the completers unless a leader
   * completed in two waves. */
  if (ds->fund) {
    long long done = 0;
    for (size_t i = 0; i < ds->fund->nwaves; i++)
      done += ds->fund->waves[i].completed;
    issued = (size_t)done;
  }
  struct {
    const char *source;
    size_t issued, achieved;
  } rows[] = {{"pre survey", issued, pre},
              {"post survey", issued, post},
              {"matched", issued, matched},
              {"long-term", lti, nlt},
              {"Compass trained", a->cc.trained, a->cc.kept[0]},
              {"Compass comparison", a->cc.untrained, a->cc.kept[1]}};
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    size_t r = report_table_add_row(t);
    put_text(t, r, "source", rows[i].source);
    put_int(t, r, "issued", (long long)rows[i].issued);
    /* A group of respondents too small to show is withheld here as in its
     * figures (the long-term survey's, fig18's comparison group), rate
     * included; none is shown. */
    if (hidden_count(a, rows[i].achieved)) {
      report_table_suppress(t, r, col(t, "achieved"), MARK_SUPPRESSED, a->cfg->small_cell);
      report_table_suppress(t, r, col(t, "pct"), MARK_SUPPRESSED, a->cfg->small_cell);
      continue;
    }
    put_int(t, r, "achieved", (long long)rows[i].achieved);
    if (rows[i].issued)
      put_num(t, r, "pct", 100.0 * (double)rows[i].achieved / (double)rows[i].issued);
  }
  free(completer);
  free(lt_issued);
  chart(t, CHART_BAR, "source", NULL, (const char *const[]){"pct"}, 1, NULL, NULL, "Source",
        "Response rate (%)", 100);
  report_table_add_note(t,
                        "Surveys: Careers Leaders who completed the training (the completions "
                        "in the fund's ledger). Long-term: "
                        "those who agreed to be contacted and completed at least six months "
                        "before the survey opened%s%s%s. Compass: establishments with a "
                        "baseline and a post return (in and out of a Careers Hub: the n of "
                        "Figure 19; both groups together: the N of Figure 18).",
                        first_lt[0] ? " (" : "", first_lt[0] ? first_lt : "",
                        first_lt[0] ? ")" : "");
}

/* ---- Programme delivery: the fund's ledger -------------------------------------------- */

/* Places, completions, the hub share and bursaries by wave, and places and
 * completions by provider, from the ledger the dataset read (fund.c). */
static void delivery(analysis *a) {
  const fund_ledger *l = a->ds->fund;
  static const column wcols[] = {{"wave", "Wave", 0},
                                 {"places", "Places", 0},
                                 {"allocated", "Allocated", 0},
                                 {"taken", "Taken", 0},
                                 {"completed", "Completed", 0},
                                 {"withdrawn", "Withdrawn", 0},
                                 {"completion_rate", "Completed (%)", 1},
                                 {"hub_taken", "Taken in hubs", 0},
                                 {"hub_share", "Hub share (%)", 1},
                                 {"hub_target", "Hub target (%)", 0},
                                 {"claimed_pence", "Claimed", 0},
                                 {"approved_pence", "Approved", 0},
                                 {"paid_pence", "Paid", 0}};
  report_table *t = TABLE(a, "delivery", "Places, completions, the hub share and bursaries by wave",
                          SECTION_DELIVERY, wcols);
  long long taken = 0, completed = 0, paid = 0, places = 0;
  for (size_t i = 0; l && i < l->nwaves; i++) {
    const fund_wave *w = &l->waves[i];
    size_t r = report_table_add_row(t);
    put_int(t, r, "wave", w->wave);
    if (w->in_fund)
      put_int(t, r, "places", w->places);
    put_int(t, r, "allocated", w->allocated);
    put_int(t, r, "taken", w->taken);
    put_int(t, r, "completed", w->completed);
    put_int(t, r, "withdrawn", w->withdrawn);
    if (w->taken + w->withdrawn)
      put_num(t, r, "completion_rate",
              100.0 * (double)w->completed / (double)(w->taken + w->withdrawn));
    put_int(t, r, "hub_taken", w->hub_taken);
    put_num(t, r, "hub_share", w->hub_share);
    put_num(t, r, "hub_target", w->hub_target);
    put_int(t, r, "claimed_pence", w->claimed_pence);
    put_int(t, r, "approved_pence", w->approved_pence);
    put_int(t, r, "paid_pence", w->paid_pence);
    taken += w->taken;
    completed += w->completed;
    paid += w->paid_pence;
    places += w->in_fund ? w->places : 0;
    if (fund_hub_short(w))
      report_table_add_note(t,
                            "Wave %d: Careers Leaders in Careers Hubs took %.1f%% of the places "
                            "taken, short of the %g%% target.",
                            w->wave, w->hub_share, w->hub_target);
  }
  t->n = taken;
  if (!l || !l->nwaves) {
    report_table_add_note(t, "No waves, allocations or enrolments have been imported, so there "
                             "is nothing to show of the fund (import KIND waves, allocations "
                             "and enrolments).");
    return;
  }
  chart(t, CHART_GROUPED, "wave", NULL, (const char *const[]){"places", "taken", "completed"}, 3,
        NULL, NULL, "Wave", "Places", 0);
  report_table_set_alt(t, "Places, places taken and completions by wave: %lld places in the fund, "
                          "%lld taken, %lld completed.",
                       places, taken, completed);
  char pounds[40];
  report_table_add_note(
      t,
      "From the fund's ledger. Taken: enrolled or completed (a withdrawal frees its place). "
      "Completed (%%): completed out of every enrolment, withdrawn ones included. Hub share: "
      "places taken by Careers Leaders whose establishment was in a Careers Hub when they "
      "started. Claimed, Approved, Paid: bursaries, in pounds (a claim stays counted as it is "
      "approved and paid). Bursaries paid in all: %s.",
      fund_pounds(paid, pounds, sizeof pounds));

  static const column pcols[] = {{"wave", "Wave", 0},
                                 {"provider", "Provider", 0},
                                 {"accreditation", "Accreditation", 0},
                                 {"allocated", "Allocated", 0},
                                 {"taken", "Taken", 0},
                                 {"completed", "Completed", 0},
                                 {"withdrawn", "Withdrawn", 0},
                                 {"completion_rate", "Completion rate (%)", 1}};
  report_table *p = TABLE(a, "delivery_providers", "Places and completions by wave and provider",
                          SECTION_DELIVERY, pcols);
  long long pt = 0;
  for (size_t i = 0; i < l->nproviders; i++) {
    const fund_provider *f = &l->providers[i];
    size_t r = report_table_add_row(p);
    put_int(p, r, "wave", f->wave);
    put_text(p, r, "provider", f->name);
    put_text(p, r, "accreditation", f->accreditation);
    put_int(p, r, "allocated", f->allocated);
    put_int(p, r, "taken", f->taken);
    put_int(p, r, "completed", f->completed);
    put_int(p, r, "withdrawn", f->withdrawn);
    put_num(p, r, "completion_rate", f->completion_rate);
    pt += f->taken;
  }
  p->n = pt;
  report_table_label(p, "none", "Not accredited");
  report_table_label(p, "level6", "Level 6");
  report_table_label(p, "level7", "Level 7");
}

static void attrition(analysis *a) {
  static const column cols[] = {{"characteristic", "Characteristic", 0},
                                {"level", "Level", 0},
                                {"matched_pct", "Matched", 1},
                                {"post_only_pct", "Post only", 1},
                                {"p", "p", 4}};
  report_table *t = TABLE(a, "attrition", "Attrition: matched and post-only respondents compared",
                          SECTION_SAMPLES, cols);
  const dataset *ds = a->ds;
  /* counts[level][0 matched, 1 post only] */
  double type[NGROUPS][2] = {{0}}, hub[2][2] = {{0}};
  double *fm = xmalloc((ds->nleaders + 1) * sizeof *fm),
         *fp = xmalloc((ds->nleaders + 1) * sizeof *fp);
  size_t nm = 0, np = 0, nfm = 0, nfp = 0;
  for (size_t i = 0; i < ds->nleaders; i++) {
    const ds_leader *l = &ds->leaders[i];
    int s = l->match == DS_MATCHED ? 0 : l->match == DS_NO_PRE ? 1 : -1;
    if (s < 0)
      continue;
    const ds_establishment *e = &ds->establishments[l->establishment];
    type[vocab_type_group(e->type)][s]++;
    hub[e->hub != DS_NONE ? 0 : 1][s]++;
    if (s == 0) {
      nm++;
      if (!isnan(e->fsm_pct))
        fm[nfm++] = e->fsm_pct;
    } else {
      np++;
      if (!isnan(e->fsm_pct))
        fp[nfp++] = e->fsm_pct;
    }
  }
  char err[256];
  /* The small-cell rule: a group (matched or post only) too small to show
   * gives no percentages, means or tests. */
  int show_m = !hidden(a, nm), show_p = !hidden(a, np);
  /* Complementary suppression (issue 20 item 3): a characteristic's levels
   * are parts of their group (100 %), so one level withheld for its count
   * takes the next-smallest level of that group with it (sec), and a
   * characteristic with a level withheld gets no test (its p would let the
   * withheld counts be found by trying each). */
  unsigned char sec[NGROUPS + 2][2] = {{0}};
  int partial[2] = {0, 0}; /* type, hub */
  for (int ch = 0; ch < 2; ch++)
    for (int s = 0; s < 2; s++) {
      if (!(s ? show_p : show_m))
        continue;
      size_t k = ch ? 2 : NGROUPS, base = ch ? NGROUPS : 0;
      long long sz[NGROUPS + 2];
      unsigned char wh[NGROUPS + 2];
      for (size_t g = 0; g < k; g++) {
        sz[g] = (long long)(ch ? hub[g][s] : type[g][s]);
        wh[g] = (unsigned char)hidden_count(a, (size_t)sz[g]);
        partial[ch] |= wh[g];
      }
      long pick = report_table_pick_complement(sz, wh, k);
      if (pick >= 0)
        sec[base + (size_t)pick][s] = 1;
    }
  /* Chi-square over the levels that occur. */
  double counts[NGROUPS * 2];
  size_t lv = 0;
  for (int g = 0; g < NGROUPS; g++)
    if (type[g][0] + type[g][1] > 0) {
      counts[2 * lv] = type[g][0];
      counts[2 * lv + 1] = type[g][1];
      lv++;
    }
  stats_chisq c;
  double p_type = NAN, p_hub = NAN;
  if (show_m && show_p && !partial[0] && lv >= 2 &&
      stats_chisq_test(counts, lv, 2, false, &c, err, sizeof err) == 0) {
    p_type = c.p;
    report_table_add_test(t, "establishment type", "chisq", c.statistic, c.df, c.p);
  }
  double hc[4] = {hub[0][0], hub[0][1], hub[1][0], hub[1][1]};
  if (show_m && show_p && !partial[1] && hub[0][0] + hub[0][1] > 0 &&
      hub[1][0] + hub[1][1] > 0 &&
      stats_chisq_test(hc, 2, 2, false, &c, err, sizeof err) == 0) {
    p_hub = c.p;
    report_table_add_test(t, "hub membership", "chisq", c.statistic, c.df, c.p);
  }
  size_t cm = col(t, "matched_pct"), cp = col(t, "post_only_pct"), cpv = col(t, "p");
  static const char *const hub_levels[] = {"in a hub", "not in a hub"};
  for (int row = 0; row < NGROUPS + 3; row++) {
    size_t r = report_table_add_row(t);
    double vm = NAN, vp = NAN, p = NAN;
    if (row < NGROUPS) {
      put_text(t, r, "characteristic", "type");
      put_text(t, r, "level", vocab_name(VOCAB_GROUP, row));
      vm = nm ? 100 * type[row][0] / (double)nm : NAN;
      vp = np ? 100 * type[row][1] / (double)np : NAN;
      p = p_type;
    } else if (row < NGROUPS + 2) {
      int h = row - NGROUPS;
      put_text(t, r, "characteristic", "hub");
      put_text(t, r, "level", hub_levels[h]);
      vm = nm ? 100 * hub[h][0] / (double)nm : NAN;
      vp = np ? 100 * hub[h][1] / (double)np : NAN;
      p = p_hub;
    } else {
      put_text(t, r, "characteristic", "fsm");
      put_text(t, r, "level", "mean free school meals %");
      show_m = show_m && !hidden(a, nfm);
      show_p = show_p && !hidden(a, nfp);
      vm = nfm ? mean(fm, nfm) : NAN;
      vp = nfp ? mean(fp, nfp) : NAN;
      stats_twosample w;
      if (show_m && show_p &&
          stats_welch_t(fm, nfm, fp, nfp, a->cfg->confidence, &w, err, sizeof err) == 0) {
        p = w.p;
        table_test *x = report_table_add_test(t, "free school meals %", "welch-t", w.t, w.df, w.p);
        x->effect = w.hedges_g;
        x->effect_name = xstrdup("hedges_g");
      }
    }
    cell_mark mm = nm == 0 ? MARK_EMPTY : MARK_SUPPRESSED, mp = np == 0 ? MARK_EMPTY : MARK_SUPPRESSED;
    /* The count behind a percentage, for the cell rule (the fsm row is a
     * mean of the group, not a count). */
    double km = row < NGROUPS ? type[row][0] : row < NGROUPS + 2 ? hub[row - NGROUPS][0] : -1;
    double kp = row < NGROUPS ? type[row][1] : row < NGROUPS + 2 ? hub[row - NGROUPS][1] : -1;
    int sm = row < NGROUPS + 2 && sec[row][0], sp = row < NGROUPS + 2 && sec[row][1];
    int part = row < NGROUPS ? partial[0] : row < NGROUPS + 2 ? partial[1] : 0;
    if (show_m && km >= 0 && hidden_count(a, (size_t)km))
      report_table_suppress(t, r, cm, MARK_SUPPRESSED, a->cfg->small_cell);
    else if (show_m && sm)
      report_table_suppress(t, r, cm, MARK_SECONDARY, a->cfg->small_cell);
    else if (show_m)
      report_table_set_num(t, r, cm, vm);
    else
      report_table_suppress(t, r, cm, mm, a->cfg->small_cell);
    if (show_p && kp >= 0 && hidden_count(a, (size_t)kp))
      report_table_suppress(t, r, cp, MARK_SUPPRESSED, a->cfg->small_cell);
    else if (show_p && sp)
      report_table_suppress(t, r, cp, MARK_SECONDARY, a->cfg->small_cell);
    else if (show_p)
      report_table_set_num(t, r, cp, vp);
    else
      report_table_suppress(t, r, cp, mp, a->cfg->small_cell);
    if (show_m && show_p && part)
      report_table_suppress(t, r, cpv, MARK_SECONDARY, a->cfg->small_cell);
    else if (show_m && show_p)
      report_table_set_num(t, r, cpv, p);
    else
      report_table_suppress(t, r, cpv, nm == 0 || np == 0 ? MARK_EMPTY : MARK_SUPPRESSED,
                            a->cfg->small_cell);
  }
  free(fm);
  free(fp);
  /* A withheld group's size is not given away by the total either. */
  t->n = hidden(a, nm) || hidden(a, np) ? -1 : (long long)(nm + np);
  char nms[32], nps[32];
  if (hidden(a, nm) && nm)
    snprintf(nms, sizeof nms, "%s", a->fewer);
  else
    snprintf(nms, sizeof nms, "%zu", nm);
  if (hidden(a, np) && np)
    snprintf(nps, sizeof nps, "%s", a->fewer);
  else
    snprintf(nps, sizeof nps, "%zu", np);
  if (show_m && show_p && (partial[0] || partial[1]))
    report_table_add_note(t,
                          "%s%s%s not tested: a level has too few Careers Leaders to show, and "
                          "the next-smallest level of its group is withheld too (\"withheld\"), "
                          "so that neither can be worked out from the others or from the test.",
                          partial[0] ? "Type of establishment" : "",
                          partial[0] && partial[1] ? " and hub membership are" : "",
                          partial[0] && !partial[1]   ? " is"
                          : !partial[0] && partial[1] ? "Hub membership is"
                                                      : "");
  if (hidden(a, nm) || hidden(a, np))
    report_table_add_note(t,
                          "The groups are not compared: the %s group (%s) is too small to "
                          "show, so its figures and the tests are withheld.",
                          hidden(a, np) ? "post-only" : "matched", hidden(a, np) ? nps : nms);
  report_table_add_note(t,
                        "%s matched and %s post-only Careers Leaders. Type and hub: %% of "
                        "each group, chi-square test; free school meals: mean %% of pupils, "
                        "Welch t test. A small p suggests the matched sample differs from "
                        "those who answered only after the training.",
                        nms, nps);
}

static void alpha(analysis *a) {
  static const column cols[] = {{"role", "Role", 0},
                                {"area", "Area", 0},
                                {"k", "Items", 0},
                                {"n", "n", 0},
                                {"alpha", "Cronbach's alpha", 2}};
  report_table *t = TABLE(a, "alpha", "Reliability of the self-assessment areas (Cronbach's alpha)",
                          SECTION_APPENDIX, cols);
  const dataset *ds = a->ds;
  size_t *items = xmalloc((ds->nitems + 1) * sizeof *items);
  double *m = NULL;
  for (int role = 0; role < DS_NROLES; role++)
    for (int ar = 0; ar < DS_NAREAS; ar++) {
      size_t k = 0;
      for (size_t i = 0; i < ds->nitems; i++)
        if (strcmp(ds->items[i].instrument, "self-assessment") == 0 && ds->items[i].role &&
            strcmp(ds->items[i].role, vocab_name(VOCAB_ROLE, role)) == 0 && ds->items[i].area == ar)
          items[k++] = i;
      m = xrealloc(m, (ds->nleaders + 1) * (k + 1) * sizeof *m);
      size_t n = 0;
      for (size_t l = 0; l < ds->nleaders; l++) {
        const ds_leader *ld = &ds->leaders[l];
        if (ld->pre == DS_NONE || (int)ld->role != role)
          continue;
        size_t j = 0;
        for (; j < k; j++) {
          const ds_answer *x = dataset_answer(ds, ld->pre, items[j]);
          if (!x || isnan(x->value))
            break;
          m[n * k + j] = x->value;
        }
        n += j == k;
      }
      size_t r = report_table_add_row(t);
      put_text(t, r, "role", vocab_name(VOCAB_ROLE, role));
      put_text(t, r, "area", AREAS(ar));
      put_int(t, r, "k", (long long)k);
      put_int(t, r, "n", (long long)n);
      if (hidden(a, n)) {
        suppress(a, t, r, n);
        continue;
      }
      if (k < 2) {
        report_table_add_note(t, "%s, %s: no alpha, the area has fewer than two items.",
                              vocab_name(VOCAB_ROLE, role), AREAS(ar));
        continue;
      }
      stats_alpha al;
      char err[256];
      if (stats_cronbach_alpha(m, n, k, &al, err, sizeof err) == 0) {
        put_num(t, r, "alpha", al.alpha);
        static const char *const role_words[DS_NROLES] = {
            "school Careers Leaders", "college strategic Careers Leaders",
            "college operational Careers Leaders"};
        char v[32];
        numfmt_fixed(v, sizeof v, al.alpha, 2);
        if (al.alpha < 0)
          report_table_add_note(t,
                                "Warning: %s, %s: alpha is negative (%s). The items do not "
                                "form a scale for this group (they vary against each other), "
                                "so its area score should not be read as one measure.",
                                role_words[role],
                                AREAS(ar), v);
        else if (al.alpha < 0.5)
          report_table_add_note(t,
                                "Warning: %s, %s: alpha is %s, below 0.5. The items may not "
                                "form a scale for this group, so its area score should be "
                                "read with care.",
                                role_words[role],
                                AREAS(ar), v);
      }
      else
        report_table_add_note(t, "%s, %s: no alpha (%s).", vocab_name(VOCAB_ROLE, role), AREAS(ar), err);
    }
  free(items);
  free(m);
  report_table_add_note(t, "Pre survey responses with every item of the area answered.");
}

static void methods(analysis *a) {
  report_doc *d = a->doc;
  const report_config *c = a->cfg;
  const compass_counts *k = &a->cc;
  const dataset *ds = a->ds;
  size_t st[5] = {0};
  for (size_t i = 0; i < ds->nleaders; i++)
    st[ds->leaders[i].match]++;
  report_doc_method(d,
                    "Knowledge: area scores are %s scores of the self-assessment items "
                    "(an area needs at least %g %% of its items answered). Before and after "
                    "are matched by Careers Leader: %zu matched, %zu answered only after, "
                    "%zu only before, %zu changed role between the surveys and are left out, "
                    "%zu answered neither.",
                    strcmp(ds->score_method, "rescaled") == 0 ? "rescaled (0 = all 1s)"
                                                              : "percentage",
                    100 * ds->score_min_answered, st[DS_MATCHED], st[DS_NO_PRE], st[DS_NO_POST],
                    st[DS_ROLE_CHANGED], st[DS_NO_RESPONSE]);
  report_doc_method(d,
                    "Tests: paired t tests with %g %% confidence intervals and an effect size (Cohen's d for paired scores); "
                    "Wilcoxon signed-rank tests (exact below 50 pairs without ties or zeros); "
                    "Holm correction across the four areas; Wilson intervals for "
                    "percentages.",
                    conf_pct(a));
  report_doc_method(d,
                    "Small numbers: any group of fewer than %d respondents shows \"%s\" "
                    "instead of figures, its size included; within a group shown, an answer "
                    "given by 1 to %d people has its count and percentage withheld the same "
                    "way. A group of no one reads \"none\". report.json lists every cell "
                    "withheld.",
                    c->small_cell, a->fewer, c->small_cell - 1);
  report_doc_method(d,
                    "Benchmarks: a benchmark counts as fully achieved at %g %% of its "
                    "criteria. Trained establishments: a Careers Leader completed the "
                    "training (%zu); comparison establishments: no Careers Leader enrolled "
                    "(%zu); %zu establishments where a Careers Leader enrolled but did not "
                    "complete (%zu of them only withdrawals) are in neither group.",
                    c->fully_achieved, k->trained, k->untrained, k->neither,
                    k->neither_withdrawn_only);
  report_doc_method(d,
                    "Baseline: the latest Compass return on or before %s (%zu trained, %zu "
                    "comparison); when there is none, for a trained establishment, its "
                    "earliest return before its training started (%zu). No baseline: %zu "
                    "trained and %zu comparison establishments excluded.",
                    c->baseline_cutoff, k->baseline_cutoff[0], k->baseline_cutoff[1],
                    k->baseline_fallback[0], k->no_baseline[0], k->no_baseline[1]);
  report_doc_method(d,
                    "Post: the latest return from %s to %s, and for a trained establishment "
                    "after its training was completed (%zu trained establishments had a "
                    "return in the window before completion passed over). No post return: "
                    "%zu trained and %zu comparison establishments excluded. Compared: %zu "
                    "trained and %zu comparison establishments.",
                    c->post_from, c->post_to, k->post_before_completion, k->no_post[0],
                    k->no_post[1], k->kept[0], k->kept[1]);
  report_doc_method(d,
                    "Hubs: an establishment counts as in a Careers Hub when it joined by the "
                    "date of its post return (%zu compared establishments joined later and "
                    "count as outside).",
                    k->hub_joined_later);
  char bands[256] = "";
  for (int b = 0; b < a->nbands; b++) {
    size_t len = strlen(bands);
    snprintf(bands + len, sizeof bands - len, "%s%s", b ? "; " : "", a->bands[b]);
  }
  strbuf_trim_partial_utf8(bands);
  report_doc_method(d, "Time in role bands at the pre survey: %s.", bands);
}

static void provenance(analysis *a) {
  report_doc *d = a->doc;
  const report_config *c = a->cfg;
  const dataset *ds = a->ds;
  report_doc_provenance(d, "cleval version", "%s", CLEVAL_VERSION);
  report_doc_provenance(d, "report date", "%s", c->date[0] ? c->date : "not set");
  report_doc_provenance(d, "data BLAKE2b-256", "%s", ds->digest);
  report_doc_provenance(d, "establishments", "%zu", ds->nestablishments);
  report_doc_provenance(d, "Careers Leaders", "%zu", ds->nleaders);
  report_doc_provenance(d, "survey responses", "%zu", ds->nresponses);
  report_doc_provenance(d, "Compass returns", "%zu", ds->nreturns);
  report_doc_provenance(d, "compass.baseline_cutoff", "%s", c->baseline_cutoff);
  report_doc_provenance(d, "compass.post_from", "%s", c->post_from);
  report_doc_provenance(d, "compass.post_to", "%s", c->post_to);
  report_doc_provenance(d, "compass.fully_achieved", "%g", c->fully_achieved);
  report_doc_provenance(d, "small_cell", "%d", c->small_cell);
  report_doc_provenance(d, "confidence", "%g", c->confidence);
  report_doc_provenance(d, "score.method", "%s", ds->score_method);
  report_doc_provenance(d, "score.min_answered", "%g", ds->score_min_answered);
}

static void question_bank(analysis *a) {
  /* In the order a Careers Leader meets them: the self-assessment (the seed
   * report's Appendix 2) first, Compass last; instruments not named here
   * after those. */
  static const char *const order[] = {"self-assessment", "reflective", "long-term", NULL};
  const dataset *ds = a->ds;
  size_t norder = sizeof order / sizeof *order;
  for (size_t pass = 0; pass < norder; pass++)
    for (size_t i = 0; i < ds->nitems; i++) {
      const ds_item *it = &ds->items[i];
      bool named = false;
      for (size_t k = 0; k + 1 < norder; k++)
        named = named || strcmp(it->instrument, order[k]) == 0;
      if (order[pass] ? strcmp(it->instrument, order[pass]) != 0 : named)
        continue;
      report_doc_question(a->doc, it->instrument, it->role ? it->role : "",
                          it->area >= 0 ? AREAS(it->area)
                          : it->topic   ? it->topic
                                        : "",
                          it->key, it->text);
    }
}

/* ---- the whole report -------------------------------------------------------------------- */

/* Gives code its label in t when a text cell of t holds it. */
static void label_if_used(report_table *t, const char *code, const char *label) {
  for (size_t c = 0; c < t->nrows * t->ncols; c++)
    if (t->cells[c].kind == CELL_TEXT && strcmp(t->cells[c].text, code) == 0) {
      report_table_label(t, code, label);
      return;
    }
}

/* How the HTML shows the codes that report.json keeps. An entry with a table
 * id applies to that table only (a "hub" is a variable in attrition and a
 * model term in did). */
static void display_labels(const analysis *a) {
  report_doc *d = a->doc;
  static const struct {
    const char *table, *code, *label;
  } dict[] = {
      {NULL, "trained", "Trained"},
      {NULL, "untrained", "Not trained"},
      {NULL, "trained_hub", "Trained, in a hub"},
      {NULL, "trained_nohub", "Trained, not in a hub"},
      {NULL, "untrained_hub", "Not trained, in a hub"},
      {NULL, "untrained_nohub", "Not trained, not in a hub"},
      {NULL, "direct", "Done as a direct result"},
      {NULL, "improved", "Done before, improved as a result"},
      {NULL, "not_result", "Done, not as a result"},
      {NULL, "not_done", "Not done"},
      {NULL, "supported", "Supported (first two)"},
      {"attrition", "type", "Type of establishment"},
      {"attrition", "fsm", "Free school meals"},
      {"attrition", "hub", "Careers Hub"},
      {"samples", "pre survey", "Pre survey"},
      {"samples", "post survey", "Post survey"},
      {"samples", "matched", "Matched, pre and post"},
      {"samples", "long-term", "Long-term survey"},
      {"attrition", "in a hub", "In a hub"},
      {"attrition", "not in a hub", "Not in a hub"},
      {"attrition", "mean free school meals %", "Mean % of pupils"},
      {"did", "intercept", "Intercept"},
      {"did", "post", "Post"},
      {"did", "trained", "Trained"},
      {"did", "hub", "In a hub"},
      {"did", "hub_x_post", "In a hub \xC3\x97 post"},
      {"did", "trained_x_post", "Trained \xC3\x97 post"},
  };
  size_t ncap = (size_t)a->nbands + 5; /* bands and agreement levels */
  for (size_t i = 0; i < d->ntables; i++) {
    report_table *t = d->tables[i];
    for (size_t k = 0; k < ncap; k++) { /* shown with a capital */
      const char *code = k < (size_t)a->nbands ? a->bands[k] : AGREE[k - (size_t)a->nbands];
      char label[64];
      snprintf(label, sizeof label, "%s", code);
      label[0] = (char)toupper((unsigned char)label[0]);
      label_if_used(t, code, label);
    }
    static const vocab_set sets[] = {VOCAB_AREA, VOCAB_ROLE, VOCAB_GROUP, VOCAB_ACCREDITATION};
    for (size_t k = 0; k < sizeof sets / sizeof *sets; k++)
      for (int v = 0; v < (int)vocab_count(sets[k]); v++)
        /* "none" is a fund's accreditation only where a table says so */
        if (sets[k] != VOCAB_ACCREDITATION || v != VOCAB_NOT_ACCREDITED ||
            strcmp(t->id, "accreditation") == 0 || strcmp(t->id, "providers") == 0)
          label_if_used(t, vocab_name(sets[k], v), vocab_label(sets[k], v));
    for (size_t k = 0; k < sizeof dict / sizeof *dict; k++)
      if (!dict[k].table || strcmp(dict[k].table, t->id) == 0)
        label_if_used(t, dict[k].code, dict[k].label);
  }
}

report_doc *analysis_run(const dataset *ds, const report_config *cfg) {
  analysis a = {.ds = ds, .cfg = cfg};
  a.doc = report_doc_new(cfg->title);
  snprintf(a.fewer, sizeof a.fewer, "fewer than %d", cfg->small_cell);
  band_labels(&a);
  size_t nl = ds->nleaders + 1;
  a.matched = xmalloc(nl * sizeof *a.matched);
  a.enrolment = xmalloc(nl * sizeof *a.enrolment);
  a.pre = xmalloc((nl > ds->nestablishments ? nl : ds->nestablishments + 1) * sizeof *a.pre);
  a.post = xmalloc((nl > ds->nestablishments ? nl : ds->nestablishments + 1) * sizeof *a.post);
  for (size_t i = 0; i < ds->nleaders; i++) {
    a.enrolment[i] = DS_NONE;
    if (ds->leaders[i].match == DS_MATCHED)
      a.matched[a.nmatched++] = i;
  }
  for (size_t e = 0; e < ds->nenrolments; e++) {
    const ds_enrolment *x = &ds->enrolments[e];
    if (x->status != DS_COMPLETED || !x->completion_date[0])
      continue;
    size_t *cur = &a.enrolment[x->leader];
    if (*cur == DS_NONE || strcmp(x->start_date, ds->enrolments[*cur].start_date) < 0)
      *cur = e;
  }
  compass_units(ds, cfg, &a.units, &a.nunits, &a.cc);

  samples(&a);
  attrition(&a);
  delivery(&a);
  fig1(&a);
  table1(&a);
  fig2(&a);
  fig3(&a);
  providers(&a);
  accreditation(&a);
  cohorts(&a);
  fig4(&a);
  fig5(&a);
  practice(&a);
  support(&a);
  fig16_17(&a);
  fig18_19(&a);
  did(&a);
  fig20_21(&a);
  alpha(&a);
  display_labels(&a); /* before the prose, which names groups as readers see them */
  findings_write(a.doc, cfg->confidence);
  findings_context fc = {.confidence = cfg->confidence,
                         .small_cell = cfg->small_cell,
                         .fewer = a.fewer,
                         .first_band = a.nbands ? a.bands[0] : "",
                         .last_band = a.nbands ? a.bands[a.nbands - 1] : ""};
  int k = 0;
  for (size_t i = 0; i < ds->nitems && k < FINDINGS_PRACTICES; i++)
    if (strncmp(ds->items[i].key, "lt_practice_", 12) == 0)
      fc.practice_topics[k++] = ds->items[i].topic;
  findings_summarise(a.doc, &fc);
  methods(&a);
  provenance(&a);
  question_bank(&a);

  free(a.bands);
  free(a.matched);
  free(a.enrolment);
  free(a.pre);
  free(a.post);
  free(a.sizes);
  free(a.units);
  return a.doc;
}

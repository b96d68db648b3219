/* Level 2 of the evaluation, knowledge: the leaders' self-assessment before
 * and after the training (figures 1 to 3, table 1), by cohort, provider and
 * accreditation (docs/analysis.md). */
#include "analysis_cells.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "xalloc.h"

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
  cells_group_size(a, t, r, n);
  cells_int(t, r, "n", (long long)n);
  if (cells_hidden(a, n)) {
    cells_suppress(a, t, r, n);
    return 0;
  }
  cells_num(t, r, "pre_mean", cells_mean(a->pre, n));
  cells_num(t, r, "post_mean", cells_mean(a->post, n));
  char err[256];
  if (stats_paired_t(a->pre, a->post, n, a->cfg->confidence, res, err, sizeof err) != 0) {
    double s = 0;
    for (size_t i = 0; i < n; i++)
      s += a->post[i] - a->pre[i];
    cells_num(t, r, "mean_diff", s / (double)n);
    report_table_add_note(t, "Row %zu has no test: %s.", r + 1, err);
    return 0;
  }
  cells_num(t, r, "mean_diff", res->mean_diff);
  cells_num(t, r, "ci_low", res->ci_low);
  cells_num(t, r, "ci_high", res->ci_high);
  if (report_table_find_column(t, "t") >= 0) {
    cells_num(t, r, "t", res->t);
    cells_int(t, r, "df", (long long)res->df);
    cells_num(t, r, "cohens_dz", res->cohens_dz);
  }
  cells_num(t, r, "p", res->p);
  return 1;
}

/* Fills n, mean_change and its interval from the first n pairs. */
static void change_row(analysis *a, report_table *t, size_t r, size_t n) {
  cells_group_size(a, t, r, n);
  cells_int(t, r, "n", (long long)n);
  if (cells_hidden(a, n)) {
    cells_suppress(a, t, r, n);
    return;
  }
  differences(a, n);
  stats_mean m;
  char err[256];
  if (stats_mean_ci(a->post, n, a->cfg->confidence, &m, err, sizeof err) == 0) {
    cells_num(t, r, "mean_change", m.mean);
    cells_num(t, r, "ci_low", m.ci_low);
    cells_num(t, r, "ci_high", m.ci_high);
  } else {
    cells_num(t, r, "mean_change", cells_mean(a->post, n));
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
    cells_text(t, r, "area", AREAS(ar));
    size_t n = pairs(a, a->matched, a->nmatched, ar);
    if (!paired_row(a, t, r, n, &res[ar]))
      continue;
    p[nt] = res[ar].p;
    tested[nt++] = (size_t)ar;
    stats_signrank w;
    char err[256];
    if (stats_wilcoxon(a->pre, a->post, n, &w, err, sizeof err) == 0) {
      cells_num(t, r, "wilcoxon_v", w.v);
      cells_num(t, r, "wilcoxon_p", w.p);
      report_table_add_test(t, AREAS(ar), "wilcoxon", w.v, NAN, w.p);
    }
  }
  if (nt > 0) {
    char err[256];
    if (stats_p_adjust(p, nt, STATS_HOLM, adj, err, sizeof err) == 0)
      for (size_t i = 0; i < nt; i++) {
        size_t ar = tested[i];
        cells_num(t, ar, "p_holm", adj[i]);
        table_test *x =
            report_table_add_test(t, AREAS(ar), "paired-t", res[ar].t, res[ar].df, res[ar].p);
        x->p_adjusted = adj[i];
        x->effect = res[ar].cohens_dz;
        x->effect_name = xstrdup("cohens_dz");
      }
  }
  size_t nan_ = analysed(a, a->matched, a->nmatched);
  cells_table_n(a, t, nan_);
  cells_chart(t, CHART_GROUPED, "area", NULL, (const char *const[]){"pre_mean", "post_mean"}, 2,
              NULL, NULL, "Area", "Mean score (%)", 100);
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
                        cells_conf_pct(a));
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
    cells_text(t, r, label_col, label);
    cells_text(t, r, "area", AREAS(ar));
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
  cells_complement(a, t, "area", NULL, 0);
  cells_table_n(a, t, analysed(a, a->matched, a->nmatched));
  cells_chart(t, CHART_GROUPED, "area", "group", (const char *const[]){"mean_diff"}, 1, "ci_low",
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
      cells_int(t, r, "wave", w);
      cells_text(t, r, "area", AREAS(ar));
      stats_paired res;
      char label[32];
      snprintf(label, sizeof label, "wave %d", w);
      if (paired_row(a, t, r, pairs(a, ls, n, ar), &res))
        add_paired_test(t, label, ar, &res);
    }
  }
  free(ls);
  cells_complement(a, t, "area", NULL, 0); /* the waves add up to fig1's rows */
  cells_table_n(a, t, analysed(a, a->matched, a->nmatched));
  if (t->nrows == 0)
    report_table_add_note(t, "No matched Careers Leader has a completed enrolment.");
  cells_chart(t, CHART_GROUPED, "area", "wave", (const char *const[]){"mean_diff"}, 1, "ci_low",
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
      cells_text(t, r, "band", a->bands[b]);
      cells_text(t, r, "area", AREAS(ar));
      change_row(a, t, r, pairs(a, ls, n, ar));
    }
  }
  free(ls);
  cells_complement(a, t, "area", NULL, 0); /* the bands add up to fig1's rows */
  cells_table_n(a, t, analysed(a, a->matched, a->nmatched));
  cells_chart(t, CHART_GROUPED, "area", "band", (const char *const[]){"mean_change"}, 1, "ci_low",
              "ci_high", "Area", "Change in mean score (points)", 0);
  report_table_add_note(t,
                        "Time in role at the pre survey. %zu matched Careers Leader%s gave "
                        "no time in role and %s in no band.",
                        unknown, unknown == 1 ? "" : "s", unknown == 1 ? "is" : "are");
}

/* The percentage of answers >= 4 (agree) with its Wilson interval. */
static void agree_row(analysis *a, report_table *t, size_t r, size_t k, size_t n) {
  cells_group_size(a, t, r, n);
  cells_int(t, r, "n", (long long)n);
  if (cells_hidden(a, n)) {
    cells_suppress(a, t, r, n);
    return;
  }
  stats_prop pr;
  char err[256];
  cells_num(t, r, "agree_pct", 100.0 * (double)k / (double)n);
  if (stats_wilson((double)k, (double)n, a->cfg->confidence, &pr, err, sizeof err) == 0) {
    cells_num(t, r, "ci_low", 100 * pr.ci_low);
    cells_num(t, r, "ci_high", 100 * pr.ci_high);
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
    cells_text(t, r, "band", a->bands[b]);
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
    if (cells_hidden(a, n[b]))
      continue;
    for (size_t r2 = 0; r2 < t2->nrows; r2++) {
      const cell *bc = cells_at(t2, r2, "band"), *nc = cells_at(t2, r2, "n");
      if (bc->kind != CELL_TEXT || strcmp(bc->text, a->bands[b]) != 0 || nc->kind != CELL_INT ||
          nc->mark != MARK_NONE)
        continue;
      long long d = (long long)n[b] - nc->i;
      if (d > 0 && cells_hidden_count(a, (size_t)d)) {
        report_table_suppress_row(t, (size_t)b, cells_col(t, "n"), MARK_SECONDARY,
                                  a->cfg->small_cell);
        differenced = 1;
        break;
      }
    }
  }
  cells_complement(a, t, NULL, NULL, 0); /* the bands add up to the title's N */
  size_t banded = 0;
  for (int b = 0; b < a->nbands; b++)
    banded += n[b];
  free(k);
  free(n);
  cells_table_n(a, t, banded);
  cells_chart(t, CHART_BAR, "band", NULL, (const char *const[]){"agree_pct"}, 1, "ci_low",
              "ci_high", "Time in role", "Agree or strongly agree (%)", 100);
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
  if (unknown3 > unknown2 && cells_hidden_count(a, unknown3 - unknown2))
    report_table_add_note(t,
                          "N is the %zu post survey respondents who answered the item and gave "
                          "their time in role; those who answered it without a time in role are "
                          "in no band (how many is withheld: with the figure before, it would "
                          "give fewer than %d respondents beyond the matched Careers Leaders). "
                          "%g %% Wilson intervals.",
                          banded, a->cfg->small_cell, cells_conf_pct(a));
  else
    report_table_add_note(t,
                          "N is the %zu post survey respondents who answered the item and gave "
                          "their time in role; %zu answered it in all, and the %zu who gave no "
                          "time in role are in no band. %g %% Wilson intervals.",
                          banded, total, unknown3, cells_conf_pct(a));
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
      cells_text(t, r, "provider", ds->providers[p].name);
      cells_text(t, r, "accreditation", ds->providers[p].accreditation);
      cells_text(t, r, "area", AREAS(ar));
      change_row(a, t, r, pairs(a, ls, n, ar));
    }
  }
  /* The providers of a level add up to the accreditation table's row. */
  cells_complement(a, t, "accreditation", "area", 0);
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
  cells_table_n(a, t, analysed(a, a->matched, a->nmatched));
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
      if (e != DS_NONE && strcmp(ds->providers[ds->enrolments[e].provider].accreditation,
                                 vocab_name(VOCAB_ACCREDITATION, v)) == 0)
        ls[n++] = a->matched[i];
    }
    for (int ar = 0; ar < DS_NAREAS; ar++) {
      size_t r = report_table_add_row(t);
      cells_text(t, r, "accreditation", vocab_name(VOCAB_ACCREDITATION, v));
      cells_text(t, r, "area", AREAS(ar));
      change_row(a, t, r, pairs(a, ls, n, ar));
    }
  }
  free(ls);
  cells_complement(a, t, "area", NULL, 0); /* the levels add up to fig1's rows */
  cells_table_n(a, t, analysed(a, a->matched, a->nmatched));
  cells_chart(t, CHART_GROUPED, "area", "accreditation", (const char *const[]){"mean_change"}, 1,
              "ci_low", "ci_high", "Area", "Change in mean score (points)", 0);
}

void analysis_knowledge(analysis *a) {
  fig1(a);
  table1(a);
  fig2(a);
  fig3(a);
  providers(a);
  accreditation(a);
  cohorts(a);
}

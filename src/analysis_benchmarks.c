/* Level 4 of the evaluation, the Gatsby Benchmarks: Compass scores of
 * trained and untrained establishments (figures 18 to 21) and the
 * difference-in-differences model (docs/analysis.md). */
#include "analysis_cells.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "xalloc.h"

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
  cells_text(t, r, "group", name);
  cells_int(t, r, "n", (long long)n);
  if (cells_hidden(a, n)) {
    cells_suppress(a, t, r, n);
    return n;
  }
  double mb = cells_mean(b0, n), md = cells_mean(d, n);
  cells_num(t, r, "baseline_mean", mb);
  cells_num(t, r, "post_mean", mb + md);
  stats_mean m;
  char err[256];
  if (stats_mean_ci(d, n, a->cfg->confidence, &m, err, sizeof err) == 0) {
    cells_num(t, r, "change", m.mean);
    cells_num(t, r, "ci_low", m.ci_low);
    cells_num(t, r, "ci_high", m.ci_high);
  } else {
    cells_num(t, r, "change", md);
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
    small |= parts[i] > 0 && cells_hidden(a, parts[i]);
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
  cells_chart(t, CHART_GROUPED, "group", NULL, (const char *const[]){"baseline_mean", "post_mean"},
              2, NULL, NULL, "Group", "Mean benchmarks fully achieved (of 8)", 8);
  report_table_add_note(t,
                        "Establishments with a baseline and a post Compass return; change is "
                        "post minus baseline with its %g %% confidence interval.",
                        cells_conf_pct(a));
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
    secondary |= report_table_suppress_complement(t, rows, sz, 2, cells_col(t, "n"),
                                                  a->cfg->small_cell) >= 0;
  }
  if (secondary)
    report_table_add_note(t, "In a hub and not in a hub add up to the rows of the figure before: "
                             "where one is too small to show, the other is withheld too.");
  cells_chart(t, CHART_GROUPED, "group", NULL, (const char *const[]){"baseline_mean", "post_mean"},
              2, NULL, NULL, "Group", "Mean benchmarks fully achieved (of 8)", 8);
  report_table_add_note(t, "In a hub: a member of a Careers Hub by the date of the post return.");
}

/* The DiD's design: row 2 j is the baseline, row 2 j + 1 the post return
 * of units[unit[j]], clustered by establishment; k is 6 (intercept,
 * trained, post, trained x post, hub, hub x post) or 4 (no hub terms). */
typedef struct did_rows {
  const compass_unit *units;
  size_t *unit;
  size_t k;
} did_rows;

static void did_row(void *ctx, size_t i, double *x, double *y, long *cluster) {
  const did_rows *d = ctx;
  const compass_unit *u = &d->units[d->unit[i / 2]];
  double tr = u->group == COMPASS_TRAINED, hb = u->hub, per = (double)(i % 2);
  double row[6] = {1, tr, per, tr * per, hb, hb * per};
  memcpy(x, row, d->k * sizeof *x);
  *y = i % 2 ? u->achieved_post : u->achieved_baseline;
  if (cluster)
    *cluster = (long)d->unit[i / 2];
}

/* Whether every establishment of each cell of the design (training, and
 * hub when k is 6) has the same baseline and the same post benchmarks:
 * then the model fits the rows exactly and leaves no residual from which
 * to estimate a standard error. */
static bool did_exact(const did_rows *d, size_t n) {
  double first[2][2][2];
  bool seen[2][2][2] = {{{false}}};
  for (size_t i = 0; i < 2 * n; i++) {
    double x[6], y;
    did_row((void *)d, i, x, &y, NULL);
    int tr = x[1] != 0, per = x[2] != 0, hb = d->k == 6 && x[4] != 0;
    if (!seen[tr][hb][per]) {
      seen[tr][hb][per] = true;
      first[tr][hb][per] = y;
    } else if (first[tr][hb][per] != y) {
      return false;
    }
  }
  return true;
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
  t->n = cells_hidden(a, ntr) || cells_hidden(a, nun) ? -1 : (long long)n;
  /* Two rows per establishment compared (baseline, post), made as the fit
   * reads them. */
  did_rows dr = {a->units, xmalloc((n + 1) * sizeof *dr.unit), 6};
  int hubs = 0;
  for (size_t i = 0, j = 0; i < a->nunits; i++)
    if (compass_compared(&a->units[i])) {
      dr.unit[j++] = i;
      hubs |= 1 << a->units[i].hub;
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
      small19 |= cells_hidden_count(a, g19[g][h]);
  size_t k = hubs == 3 && !small19 ? 6 : 4;
  dr.k = k;
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
  else if (cells_hidden(a, ntr) || cells_hidden(a, nun))
    snprintf(why, sizeof why,
             "the %s group has %s establishments, too few to show (the small-cell rule), so "
             "the estimate is withheld",
             cells_hidden(a, nun) ? "comparison" : "trained", a->fewer);
  else if (n < 3)
    snprintf(why, sizeof why,
             "with %zu establishments there is only one cluster per group: cluster-robust "
             "standard errors need more",
             n);
  if (!why[0] && stats_ols_fit_rows(did_row, &dr, 2 * n, k, true, a->cfg->confidence, &fit, err,
                                    sizeof err) != 0) {
    if (did_exact(&dr, n))
      snprintf(why, sizeof why,
               "every establishment achieved the same number of benchmarks as the others of "
               "its group (trained or comparison%s) at baseline, and again at post, so the "
               "model fits them exactly and leaves no variation from which to estimate its "
               "uncertainty; the change in each group is in figure %s",
               k == 6 ? ", in a hub or not" : "", k == 6 ? "19" : "18");
    else
      snprintf(why, sizeof why,
               "the model cannot be estimated from these establishments (too few, or too "
               "alike in training and hub membership, to tell the effects apart)");
  }
  if (!why[0]) {
    for (size_t j = 0; j < k; j++) {
      size_t r = report_table_add_row(t);
      cells_text(t, r, "term", terms[j]);
      cells_num(t, r, "estimate", fit.coef[j]);
      cells_num(t, r, "se_cluster", fit.se_cluster[j]);
      cells_num(t, r, "ci_low", fit.ci_low_cluster[j]);
      cells_num(t, r, "ci_high", fit.ci_high_cluster[j]);
      cells_num(t, r, "p", fit.p_cluster[j]);
    }
    report_table_add_test(t, "trained_x_post", "did", fit.t_cluster[3], fit.df_cluster,
                          fit.p_cluster[3]);
    cells_chart(t, CHART_BAR, "term", NULL, (const char *const[]){"estimate"}, 1, "ci_low",
                "ci_high", "Term", "Estimate (benchmarks)", 0);
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
  free(dr.unit);
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
  long long counts[2][2][DS_NBENCHMARKS] = {{{0}}};
  size_t rows[2][DS_NBENCHMARKS], ngroup[2] = {0, 0};
  for (size_t i = 0; i < a->nunits; i++) { /* one pass: every group and benchmark */
    const compass_unit *u = &a->units[i];
    if (!compass_compared(u))
      continue;
    int g = u->group == COMPASS_TRAINED ? 0 : 1;
    ngroup[g]++;
    for (int b = 0; b < DS_NBENCHMARKS; b++) {
      counts[g][0][b] += dataset_return_pct(ds, u->baseline, b) >= a->cfg->fully_achieved;
      counts[g][1][b] += dataset_return_pct(ds, u->post, b) >= a->cfg->fully_achieved;
    }
  }
  for (int b = 0; b < DS_NBENCHMARKS; b++)
    for (int g = 0; g < 2; g++) {
      size_t n = ngroup[g], kb = (size_t)counts[g][0][b], kp = (size_t)counts[g][1][b];
      const char *name = g == 0 ? "trained" : "untrained";
      size_t r20 = report_table_add_row(t20), r21 = report_table_add_row(t21);
      rows[g][b] = r20; /* the same row in both */
      cells_int(t20, r20, "benchmark", b + 1);
      cells_int(t21, r21, "benchmark", b + 1);
      cells_text(t20, r20, "group", name);
      cells_text(t21, r21, "group", name);
      cells_int(t20, r20, "n", (long long)n);
      cells_int(t21, r21, "n", (long long)n);
      if (cells_hidden(a, n)) {
        cells_suppress(a, t20, r20, n);
        cells_suppress(a, t21, r21, n);
        continue;
      }
      cells_num(t20, r20, "post_pct", 100.0 * (double)kp / (double)n);
      cells_num(t21, r21, "baseline_pct", 100.0 * (double)kb / (double)n);
      cells_num(t21, r21, "post_pct", 100.0 * (double)kp / (double)n);
      stats_prop pr;
      char err[256];
      if (stats_wilson((double)kp, (double)n, a->cfg->confidence, &pr, err, sizeof err) == 0) {
        cells_num(t20, r20, "ci_low", 100 * pr.ci_low);
        cells_num(t20, r20, "ci_high", 100 * pr.ci_high);
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
    if (cells_hidden(a, ngroup[g]))
      continue;
    for (int when = 0; when < 2; when++) {
      unsigned char withheld[DS_NBENCHMARKS];
      long long sizes[DS_NBENCHMARKS];
      for (int b = 0; b < DS_NBENCHMARKS; b++) {
        long long k = counts[g][when][b];
        withheld[b] = (unsigned char)(cells_hidden_count(a, (size_t)k) ||
                                      cells_hidden_count(a, ngroup[g] - (size_t)k));
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
        report_table_suppress(t21, r, cells_col(t21, when ? "post_pct" : "baseline_pct"), m,
                              a->cfg->small_cell);
        if (when) {
          report_table_suppress(t20, r, cells_col(t20, "post_pct"), m, a->cfg->small_cell);
          report_table_suppress(t20, r, cells_col(t20, "ci_low"), m, a->cfg->small_cell);
          report_table_suppress(t20, r, cells_col(t20, "ci_high"), m, a->cfg->small_cell);
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
  cells_chart(t20, CHART_GROUPED, "benchmark", "group", (const char *const[]){"post_pct"}, 1,
              "ci_low", "ci_high", "Benchmark", "Establishments fully achieving it (%)", 100);
  /* Small multiples: a panel per benchmark, trained and not side by side. */
  cells_chart(t21, CHART_GROUPED, "group", NULL, (const char *const[]){"baseline_pct", "post_pct"},
              2, NULL, NULL, NULL, "Fully achieving it (%)", 100);
  t21->chart.panel_col = (int)cells_col(t21, "benchmark");
  report_table_add_note(t20, "%g %% Wilson intervals.", cells_conf_pct(a));
  for (int i = 0; i < 2; i++)
    report_table_add_note(i ? t21 : t20, "%s", BENCHMARK_NAMES);
}

void analysis_benchmarks(analysis *a) {
  fig18_19(a);
  did(a);
  fig20_21(a);
}

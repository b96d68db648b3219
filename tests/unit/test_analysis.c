/* Tests for the analysis: datasets built in memory (no store), run through
 * analysis_run, and the report's numbers checked against values computed
 * independently with SciPy/NumPy (the commands are in the comments). */
#include "testutil.h"

#include "analysis.h"
#include "config.h"
#include "dataset.h"
#include "report_doc.h"
#include "xalloc.h"

/* ---- building a dataset -------------------------------------------------- */

/* Appends a zeroed element to ds->arr (counted by ds->n) and points x at it. */
#define PUSH(x, arr, n)                                                                            \
  do {                                                                                             \
    arr = xrealloc(arr, (n + 1) * sizeof *arr);                                                    \
    x = memset(&arr[n++], 0, sizeof *arr);                                                         \
  } while (0)

/* No rows at all, as dataset_load leaves an empty store's settings. */
static dataset *ds_bare(void) {
  dataset *ds = xcalloc(1, sizeof *ds);
  ds->score_method = xstrdup("percent");
  ds->score_min_answered = 0.5;
  return ds;
}

/* No rows but the ten long-term practice items every store's item bank has
 * (analysis.c reads row 4, "supported", of fig6 ... fig15). */
/* A long-term survey item "lt_KIND_TOPIC" with this text (its key when NULL). */
static void add_lt_item(dataset *ds, const char *kind, const char *topic, const char *text) {
  ds_item *it;
  PUSH(it, ds->items, ds->nitems);
  char key[48];
  snprintf(key, sizeof key, "lt_%s_%s", kind, topic);
  it->key = xstrdup(key);
  it->instrument = xstrdup("long-term");
  it->position = (int)ds->nitems;
  it->area = -1;
  it->topic = xstrdup(topic);
  it->text = xstrdup(text ? text : key);
}

static dataset *ds_new(void) {
  static const char *const topics[] = {"evaluate",  "strategic", "curriculum", "profile",    "slt",
                                       "governors", "lmi",       "cpd",        "vocational", "plo"};
  dataset *ds = ds_bare();
  for (int k = 0; k < 10; k++)
    add_lt_item(ds, "practice", topics[k], NULL);
  return ds;
}

static size_t add_est(dataset *ds, ds_type type, size_t hub) {
  ds_establishment *e;
  PUSH(e, ds->establishments, ds->nestablishments);
  char urn[16];
  snprintf(urn, sizeof urn, "%zu", 100000 + ds->nestablishments);
  e->urn = xstrdup(urn);
  e->name = xstrdup(urn);
  e->region = xstrdup("London");
  e->type = type;
  e->hub = hub;
  e->fsm_pct = NAN;
  return ds->nestablishments - 1;
}

/* Leaders are added in key order (L001, L002, ...), as dataset.c orders them. */
static size_t add_leader(dataset *ds, size_t est, int months) {
  ds_leader *l;
  PUSH(l, ds->leaders, ds->nleaders);
  char key[16];
  snprintf(key, sizeof key, "L%03zu", ds->nleaders);
  l->key = xstrdup(key);
  l->establishment = est;
  l->role = DS_SCHOOL;
  l->months_in_role = months;
  l->match = DS_NO_RESPONSE;
  l->pre = l->post = DS_NONE;
  return ds->nleaders - 1;
}

static size_t add_response(dataset *ds, size_t leader, ds_stage stage, const double score[4]) {
  ds_response *r;
  PUSH(r, ds->responses, ds->nresponses);
  r->survey = DS_SELF_ASSESSMENT;
  r->stage = stage;
  r->leader = leader;
  r->role = DS_SCHOOL;
  snprintf(r->submitted, sizeof r->submitted, "%s", stage == DS_PRE ? "2019-01-10" : "2019-07-10");
  memcpy(r->score, score, sizeof r->score);
  return ds->nresponses - 1;
}

/* A school leader in a new establishment of this type, matched, with these
 * pre and post area scores. */
static void add_matched(dataset *ds, ds_type type, int months, const double pre[4],
                        const double post[4]) {
  size_t l = add_leader(ds, add_est(ds, type, DS_NONE), months);
  ds->leaders[l].pre = add_response(ds, l, DS_PRE, pre);
  ds->leaders[l].post = add_response(ds, l, DS_POST, post);
  ds->leaders[l].match = DS_MATCHED;
}

/* A completed enrolment with the only provider, which is added with the first. */
static void add_completed(dataset *ds, size_t leader, const char *start, const char *end) {
  if (ds->nproviders == 0) {
    ds_provider *p;
    PUSH(p, ds->providers, ds->nproviders);
    p->key = xstrdup("provider-a");
    p->name = xstrdup("Provider A");
    p->accreditation = xstrdup("level6");
  }
  ds_enrolment *e;
  PUSH(e, ds->enrolments, ds->nenrolments);
  e->leader = leader;
  e->provider = 0;
  e->wave = 1;
  e->status = DS_COMPLETED;
  snprintf(e->start_date, sizeof e->start_date, "%s", start);
  snprintf(e->completion_date, sizeof e->completion_date, "%s", end);
}

/* A Compass return with the first `achieved` benchmarks at 100 %, the rest at 60 %. */
static void add_return(dataset *ds, size_t est, const char *date, int achieved) {
  ds_return *r;
  PUSH(r, ds->returns, ds->nreturns);
  r->establishment = (uint32_t)est;
  snprintf(r->submitted, sizeof r->submitted, "%s", date);
  for (int b = 0; b < DS_NBENCHMARKS; b++)
    dataset_return_set_pct(ds, ds->nreturns - 1, b, b < achieved ? 100 : 60);
}

/* ---- reading the report -------------------------------------------------- */

static report_table *table_of(const report_doc *d, const char *id) {
  report_table *t = report_doc_table(d, id);
  if (!t)
    fail_msg("no table %s", id);
  return t;
}

static const cell *cell_of(const report_table *t, size_t r, const char *name) {
  int c = report_table_find_column(t, name);
  if (c < 0)
    fail_msg("%s has no column %s", t->id, name);
  const cell *x = report_table_cell(t, r, (size_t)c);
  if (!x)
    fail_msg("%s has no row %zu", t->id, r);
  return x;
}

static double num_of(const report_table *t, size_t r, const char *name) {
  const cell *x = cell_of(t, r, name);
  if (x->kind != CELL_NUMBER)
    fail_msg("%s row %zu %s: kind %d, not a number", t->id, r, name, (int)x->kind);
  return x->num;
}

static long long int_of(const report_table *t, size_t r, const char *name) {
  const cell *x = cell_of(t, r, name);
  if (x->kind != CELL_INT)
    fail_msg("%s row %zu %s: kind %d, not a count", t->id, r, name, (int)x->kind);
  return x->i;
}

/* Why a cell is withheld (MARK_NONE when it is not). */
static cell_mark mark_of(const report_table *t, size_t r, const char *name) {
  return cell_of(t, r, name)->mark;
}

static const char *text_of(const report_table *t, size_t r, const char *name) {
  const cell *x = cell_of(t, r, name);
  if (x->kind != CELL_TEXT)
    fail_msg("%s row %zu %s: kind %d, not text", t->id, r, name, (int)x->kind);
  return x->text;
}

/* Whether one of the n lines (notes, key messages, methods) contains s. */
static int has_line(char **lines, size_t n, const char *s) {
  for (size_t i = 0; i < n; i++)
    if (strstr(lines[i], s))
      return 1;
  return 0;
}

static int has_note(const report_table *t, const char *s) {
  return has_line(t->notes, t->nnotes, s);
}

/* Every table id is unique, every number and test statistic is finite. */
static void check_finite(const report_doc *d) {
  for (size_t i = 0; i < d->ntables; i++) {
    const report_table *t = d->tables[i];
    for (size_t j = 0; j < i; j++)
      if (strcmp(d->tables[j]->id, t->id) == 0)
        fail_msg("table id %s twice", t->id);
    for (size_t k = 0; k < t->nrows * t->ncols; k++) {
      const cell *c = &t->cells[k];
      if (c->kind == CELL_NUMBER && !isfinite(c->num))
        fail_msg("%s cell %zu is %g", t->id, k, c->num);
      if (c->kind == CELL_TEXT)
        assert_non_null(c->text);
    }
    for (size_t k = 0; k < t->ntests; k++) {
      const table_test *x = &t->tests[k];
      double v[] = {x->statistic, x->df, x->p, x->p_adjusted, x->effect};
      for (size_t j = 0; j < 5; j++)
        if (isinf(v[j]))
          fail_msg("%s test %s value %zu is infinite", t->id, x->label, j);
      assert_true(isnan(x->p) || (x->p >= 0 && x->p <= 1));
    }
  }
}

static report_doc *run(const dataset *ds, const report_config *cfg) {
  report_doc *d = analysis_run(ds, cfg);
  assert_non_null(d);
  check_finite(d);
  return d;
}

/* ---- 1: empty dataset ---------------------------------------------------- */

static void check_empty(dataset *ds) {
  static const char *const ids[] = {
      "samples", "attrition", "fig1",  "table1", "fig2",  "fig3",    "providers", "accreditation",
      "cohorts", "fig4",      "fig5",  "fig6",   "fig7",  "fig8",    "fig9",      "fig10",
      "fig11",   "fig12",     "fig13", "fig14",  "fig15", "support", "fig16",     "fig17",
      "fig18",   "fig19",     "did",   "fig20",  "fig21", "alpha",   "delivery"};
  size_t nids = sizeof ids / sizeof *ids;
  report_config cfg;
  config_defaults(&cfg);
  report_doc *d = run(ds, &cfg);
  for (size_t i = 0; i < nids; i++)
    table_of(d, ids[i]);
  assert_int_equal(d->ntables, nids);
  report_table *t = table_of(d, "fig1");
  assert_int_equal(t->nrows, 4);
  assert_int_equal(int_of(t, 0, "n"), 0);
  assert_int_equal(mark_of(t, 0, "pre_mean"), MARK_EMPTY); /* "none" */
  t = table_of(d, "samples");
  assert_int_equal(int_of(t, 0, "issued"), 0);
  assert_int_equal(cell_of(t, 0, "pct")->kind, CELL_NULL);
  assert_int_equal(table_of(d, "did")->nrows, 0);
  assert_true(has_note(table_of(d, "did"), "no establishment has both a baseline and a post "
                                           "Compass return"));
  assert_true(has_line(d->key_messages, d->nkey_messages, "cannot be compared: fewer than 5"));
  assert_true(has_line(d->conclusions, d->nconclusions, "too thin"));
  report_doc_free(d);
  dataset_free(ds);
}

/* No rows at all, not even items. Fails at present: with fewer than ten
 * lt_practice_ items, practice() gives fig6 ... fig15 placeholder tables of 4
 * rows, and key_messages() reads row 4 ("supported") of each with num(t, 4,
 * "pct"), dereferencing the NULL that report_table_cell returns (SIGSEGV at
 * analysis.c:126). */
static void test_empty(void **state) {
  (void)state;
  check_empty(ds_bare());
}

/* No rows but the ten practice items of the item bank. */
static void test_empty_with_items(void **state) {
  (void)state;
  check_empty(ds_new());
}

/* ---- 2: fig1 and table1 numbers ------------------------------------------ */

/* Six leaders' area scores [area][leader]. */
static const double PRE[4][6] = {{40, 55, 62.5, 30, 47.5, 70},
                                 {50, 35, 45, 60, 52, 41},
                                 {20, 33, 41, 28, 50, 39},
                                 {62, 48, 55, 70, 44, 58}};
static const double POST[4][6] = {{60, 58, 75, 52.5, 45, 88},
                                  {55, 47, 44, 71, 66, 50},
                                  {35, 30, 58, 36, 49, 46},
                                  {60, 46.5, 57.5, 69, 47, 54.5}};

/* The six leaders in establishments of this type, with these months in role. */
static void add_six(dataset *ds, ds_type type, const int months[6]) {
  for (int l = 0; l < 6; l++) {
    double pre[4], post[4];
    for (int a = 0; a < 4; a++) {
      pre[a] = PRE[a][l];
      post[a] = POST[a][l];
    }
    add_matched(ds, type, months[l], pre, post);
  }
}

/* With /usr/bin/python3 (SciPy 1.10.1), x = PRE[a], y = POST[a], d = y - x, n = 6:
 *   stats.ttest_rel(y, x)                             -> t, p
 *   d.mean() -/+ stats.t.ppf(0.975, 5) * d.std(ddof=1) / sqrt(6)  -> ci_low, ci_high
 *   d.mean() / d.std(ddof=1)                          -> cohens_dz
 *   stats.rankdata(abs(d))[d > 0].sum()               -> wilcoxon_v
 *   stats.wilcoxon(y, x, method="exact").pvalue       -> wilcoxon_p
 *   Holm by hand: sorted p, adj_i = max_{j<=i} min(1, (4 - j) p_(j)) -> p_holm */
static const struct {
  double pre, post, diff, lo, hi, t, p, dz, v, wp, holm;
} FIG1[4] = {
    {50.833333333333336, 63.083333333333336, 12.25, 1.7412237638207628, 22.758776236179237,
     2.9965075657543463, 0.030220305904664114, 1.2233190910812435, 20, 0.0625, 0.09066091771399235},
    {47.166666666666664, 55.5, 8.333333333333334, 2.559847476663439, 14.106819190003229,
     3.7103261074720297, 0.013850222688182565, 1.5147342904388956, 20, 0.0625, 0.05540089075273026},
    {35.166666666666664, 42.333333333333336, 7.166666666666667, -1.34390483165281,
     15.677238164986143, 2.1646611118940013, 0.0826986468575439, 0.8837191983643309, 18, 0.15625,
     0.1653972937150878},
    {56.166666666666664, 55.75, -0.4166666666666667, -3.1414968860961183, 2.3081635527627853,
     -0.3930798174575488, 0.7104609329306558, -0.16047416349289162, 9, 0.84375, 0.7104609329306558},
};

static void test_fig1_table1(void **state) {
  (void)state;
  dataset *ds = ds_new();
  add_six(ds, DS_MAINSTREAM, (const int[]){6, 18, 30, 42, 70, 12});
  report_config cfg;
  config_defaults(&cfg);
  report_doc *d = run(ds, &cfg);
  report_table *t = table_of(d, "fig1"), *t1 = table_of(d, "table1");
  assert_int_equal(t->nrows, 4);
  assert_int_equal(t->n, 6);
  static const char *const areas[] = {"leadership", "management", "coordination", "networking"};
  for (size_t a = 0; a < 4; a++) {
    assert_string_equal(text_of(t, a, "area"), areas[a]);
    assert_int_equal(int_of(t, a, "n"), 6);
    assert_close(num_of(t, a, "pre_mean"), FIG1[a].pre, 1e-9);
    assert_close(num_of(t, a, "post_mean"), FIG1[a].post, 1e-9);
    assert_close(num_of(t, a, "mean_diff"), FIG1[a].diff, 1e-9);
    /* The interval's half-widths: GSL's t quantile is good to about 4e-10. */
    assert_rel(FIG1[a].diff - num_of(t, a, "ci_low"), FIG1[a].diff - FIG1[a].lo, 1e-9);
    assert_rel(num_of(t, a, "ci_high") - FIG1[a].diff, FIG1[a].hi - FIG1[a].diff, 1e-9);
    assert_close(num_of(t, a, "t"), FIG1[a].t, 1e-9);
    assert_int_equal(int_of(t, a, "df"), 5);
    assert_rel(num_of(t, a, "p"), FIG1[a].p, 1e-9);
    assert_rel(num_of(t, a, "p_holm"), FIG1[a].holm, 1e-9);
    assert_close(num_of(t, a, "cohens_dz"), FIG1[a].dz, 1e-9);
    assert_close(num_of(t, a, "wilcoxon_v"), FIG1[a].v, 1e-12);
    assert_rel(num_of(t, a, "wilcoxon_p"), FIG1[a].wp, 1e-9);
    /* table1: college rows 0-3, send_ap 4-7, mainstream 8-11 (all six here) */
    assert_string_equal(text_of(t1, 8 + a, "group"), "mainstream");
    assert_int_equal(int_of(t1, 8 + a, "n"), 6);
    assert_close(num_of(t1, 8 + a, "pre_mean"), FIG1[a].pre, 1e-9);
    assert_close(num_of(t1, 8 + a, "mean_diff"), FIG1[a].diff, 1e-9);
    assert_rel(FIG1[a].diff - num_of(t1, 8 + a, "ci_low"), FIG1[a].diff - FIG1[a].lo, 1e-9);
    assert_rel(num_of(t1, 8 + a, "p"), FIG1[a].p, 1e-9);
  }
  assert_int_equal(t1->nrows, 12);
  assert_int_equal(t1->ntests, 4); /* one paired t per mainstream area */
  /* Eight tests in fig1: a Wilcoxon and a paired t per area. */
  assert_int_equal(t->ntests, 8);
  assert_true(has_line(d->key_messages, d->nkey_messages,
                       "Knowledge (Kirkpatrick level 2): of the 6 Careers Leaders analysed, "
                       "who assessed their knowledge before and after the training, mean "
                       "scores rose in three of the four areas compared; the largest change "
                       "was in leadership"));
  assert_true(has_line(d->key_messages, d->nkey_messages, "smallest in networking (-0.4 points)"));
  assert_true(has_line(d->key_messages, d->nkey_messages, "0 of the 4 changes are"));
  report_doc_free(d);
  dataset_free(ds);
}

/* ---- 3: small cells ------------------------------------------------------ */

/* The support table (further support wanted, long-term survey): a topic's
 * percentage is withheld when 1 to 4 respondents selected it and also when
 * 1 to 4 did not (n is shown beside it, so 92 % of 12 gives one away). */
static void test_support_complement(void **state) {
  (void)state;
  dataset *ds = ds_new();
  static const char *const topics[] = {"evaluate", "lmi", "cpd"};
  static const int selected[] = {11, 6, 12}; /* of 12 */
  size_t first = ds->nitems;
  for (int k = 0; k < 3; k++)
    add_lt_item(ds, "support", topics[k], "Further support wanted: a topic");
  for (int r = 0; r < 12; r++) {
    ds_response *resp;
    PUSH(resp, ds->responses, ds->nresponses);
    resp->survey = DS_LONG_TERM;
    resp->stage = DS_POST;
    resp->leader = DS_NONE;
    resp->role = -1;
    for (int a = 0; a < DS_NAREAS; a++)
      resp->score[a] = NAN;
    resp->answers = xcalloc(3, sizeof *resp->answers);
    resp->nanswers = 3;
    for (int k = 0; k < 3; k++) {
      resp->answers[k].item = (uint32_t)(first + (size_t)k);
      resp->answers[k].value = r < selected[k] ? 1 : 0;
    }
  }
  report_config cfg;
  config_defaults(&cfg);
  report_doc *d = run(ds, &cfg);
  report_table *t = table_of(d, "support");
  assert_string_equal(text_of(t, 0, "topic"), "evaluate");
  assert_int_equal(int_of(t, 0, "n"), 12);
  assert_int_equal(mark_of(t, 0, "pct"), MARK_SUPPRESSED); /* one did not select it */
  assert_int_equal(cell_of(t, 0, "pct")->kind, CELL_NULL);
  assert_close(num_of(t, 1, "pct"), 50, 1e-12);
  assert_close(num_of(t, 2, "pct"), 100, 1e-12); /* none did not: nobody to give away */
  report_doc_free(d);
  cfg.small_cell = 1; /* nothing withheld */
  d = run(ds, &cfg);
  assert_close(num_of(table_of(d, "support"), 0, "pct"), 1100.0 / 12, 1e-12);
  report_doc_free(d);
  dataset_free(ds);
}

static void test_small_cell(void **state) {
  (void)state;
  dataset *ds = ds_new();
  add_six(ds, DS_MAINSTREAM, (const int[]){6, 18, 30, 42, 70, 12});
  /* Three college leaders: leadership pre 40, 50, 60 (mean 50), post 45, 58, 70
   * (differences 5, 8, 10: mean 23/3). */
  static const double cpre[3] = {40, 50, 60}, cpost[3] = {45, 58, 70};
  for (int l = 0; l < 3; l++)
    add_matched(ds, DS_FE_COLLEGE, 24, (const double[]){cpre[l], 50, 50, 50},
                (const double[]){cpost[l], 51 + l, 52 + 2 * l, 49 - l});
  report_config cfg;
  config_defaults(&cfg);
  report_doc *d = run(ds, &cfg);
  report_table *t = table_of(d, "table1");
  for (size_t a = 0; a < 4; a++) {
    assert_string_equal(text_of(t, a, "group"), "college");
    /* A group of 3: n withheld with the figures, one rule for all. */
    assert_int_equal(mark_of(t, a, "n"), MARK_SUPPRESSED);
    assert_int_equal(cell_of(t, a, "n")->kind, CELL_NULL);
    assert_int_equal(mark_of(t, a, "pre_mean"), MARK_SUPPRESSED);
    assert_int_equal(mark_of(t, a, "p"), MARK_SUPPRESSED);
    assert_int_equal(cell_of(t, a, "post_mean")->kind, CELL_NULL);
    assert_int_equal(cell_of(t, a, "p")->kind, CELL_NULL);
    assert_int_equal(int_of(t, 4 + a, "n"), 0); /* send_ap */
    assert_int_equal(mark_of(t, 4 + a, "n"), MARK_NONE);
    assert_int_equal(mark_of(t, 4 + a, "pre_mean"), MARK_EMPTY);
  }
  assert_int_equal(t->small_cell, 5);
  assert_int_equal(int_of(table_of(d, "fig1"), 0, "n"), 9);
  assert_true(has_line(d->methods, d->nmethods, "fewer than 5 respondents shows \"fewer than 5\""));
  report_doc_free(d);

  cfg.small_cell = 3;
  d = run(ds, &cfg);
  t = table_of(d, "table1");
  assert_int_equal(int_of(t, 0, "n"), 3);
  assert_close(num_of(t, 0, "pre_mean"), 50, 1e-12);
  assert_close(num_of(t, 0, "post_mean"), 173.0 / 3, 1e-12);
  assert_close(num_of(t, 0, "mean_diff"), 23.0 / 3, 1e-12);
  /* stats.ttest_rel([45, 58, 70], [40, 50, 60]).pvalue */
  assert_rel(num_of(t, 0, "p"), 0.034090791198641515, 1e-9);
  assert_int_equal(int_of(t, 4, "n"), 0);
  assert_int_equal(mark_of(t, 4, "pre_mean"), MARK_EMPTY);
  assert_true(has_line(d->methods, d->nmethods, "fewer than 3 respondents shows \"fewer than 3\""));
  report_doc_free(d);
  dataset_free(ds);
}

/* ---- 4: difference in differences ---------------------------------------- */

/* Three trained establishments (0-2) and three untrained (3-5), each with a
 * baseline return (2018-03-01, by the 2018-07-31 cut-off) and a post return
 * (2020-06-01, in the window and after the 2019-06-30 completion).
 * Benchmarks achieved, baseline -> post:
 *   trained   2->5, 3->5, 1->4: changes 3, 2, 3, mean 8/3
 *   untrained 2->3, 4->4, 3->5: changes 1, 0, 2, mean 1
 * DiD = 8/3 - 1 = 5/3; intercept = untrained baseline mean 3; trained = 2 - 3
 * = -1; post = untrained change 1. hub_of[i] is each one's hub (DS_NONE: none). */
/* Six establishments, the first three trained, with these benchmarks
 * achieved at baseline (2018) and post (2020). */
static dataset *did_panel_of(const size_t hub_of[6], const int base[6], const int post[6]) {
  dataset *ds = ds_new();
  char **hub;
  PUSH(hub, ds->hubs, ds->nhubs); /* hub 0 */
  *hub = xstrdup("North");
  for (size_t i = 0; i < 6; i++) {
    size_t e = add_est(ds, DS_MAINSTREAM, hub_of[i]);
    size_t l = add_leader(ds, e, 36);
    if (i < 3)
      add_completed(ds, l, "2019-01-01", "2019-06-30");
  }
  for (size_t i = 0; i < 6; i++) {
    add_return(ds, i, "2018-03-01", base[i]);
    add_return(ds, i, "2020-06-01", post[i]);
  }
  return ds;
}

static dataset *did_panel(const size_t hub_of[6]) {
  static const int base[6] = {2, 3, 1, 2, 4, 3}, post[6] = {5, 5, 4, 3, 4, 5};
  return did_panel_of(hub_of, base, post);
}

/* Cluster-robust (HC1) values from NumPy, /usr/bin/python3: X rows per
 * establishment i and period p: [1, tr, p, tr*p(, hub, hub*p)], b =
 * solve(X'X, X'y), u = y - Xb, V = inv(X'X) (sum_g X_g'u_g u_g'X_g) inv(X'X)
 * * G/(G-1) * (N-1)/(N-K), G = 6, N = 12; se = sqrt(diag V); ci = b -/+
 * stats.t.ppf(0.975, 5) * se; p = 2 * stats.t.sf(|b/se|, 5). */
static void check_did(const report_table *t, const double want[][5], size_t k) {
  static const char *const terms[] = {"intercept",      "trained", "post",
                                      "trained_x_post", "hub",     "hub_x_post"};
  assert_int_equal(t->nrows, k);
  assert_int_equal(t->n, 6);
  for (size_t j = 0; j < k; j++) {
    assert_string_equal(text_of(t, j, "term"), terms[j]);
    assert_close(num_of(t, j, "estimate"), want[j][0], 1e-9);
    assert_close(num_of(t, j, "se_cluster"), want[j][1], 1e-9);
    assert_rel(want[j][0] - num_of(t, j, "ci_low"), want[j][0] - want[j][2], 1e-9);
    assert_rel(num_of(t, j, "ci_high") - want[j][0], want[j][3] - want[j][0], 1e-9);
    assert_rel(num_of(t, j, "p"), want[j][4], 1e-8);
  }
  assert_int_equal(t->ntests, 1);
  assert_string_equal(t->tests[0].name, "did");
  assert_close(t->tests[0].df, 5, 1e-12);
  assert_rel(t->tests[0].p, want[3][4], 1e-8);
}

static void test_did(void **state) {
  (void)state;
  static const double four[4][5] = {
      {3.0, 0.6055300708194984, 1.4434353984273605, 4.5565646015726395, 0.00426894458897035},
      {-1.0, 0.856348838577675, -3.201314770253899, 1.2013147702538989, 0.2955586447345283},
      {1.0, 0.6055300708194984, -0.5565646015726395, 2.5565646015726395, 0.1595581454102668},
      {5.0 / 3, 0.6992058987801011, -0.13069931679134505, 3.4640326501246785, 0.06287954781125431}};
  report_config cfg;
  config_defaults(&cfg);

  /* Nobody in a hub: hub terms dropped. 3 per group is below small_cell
   * 5: fig18 and the model withheld, saying why. */
  const size_t none[6] = {DS_NONE, DS_NONE, DS_NONE, DS_NONE, DS_NONE, DS_NONE};
  dataset *ds = did_panel(none);
  report_doc *d = run(ds, &cfg);
  report_table *t = table_of(d, "did");
  assert_int_equal(t->nrows, 0);
  assert_true(has_note(t, "the comparison group has fewer than 5 establishments, too few to "
                          "show"));
  report_table *f18 = table_of(d, "fig18");
  assert_int_equal(mark_of(f18, 0, "n"), MARK_SUPPRESSED);
  assert_int_equal(mark_of(f18, 0, "baseline_mean"), MARK_SUPPRESSED);
  report_doc_free(d);
  /* With small_cell 3 the model, and fig18's changes give the same DiD by
   * hand. */
  cfg.small_cell = 3;
  d = run(ds, &cfg);
  t = table_of(d, "did");
  check_did(t, four, 4);
  assert_true(has_note(t, "The hub terms are left out: every establishment compared is outside "
                          "a hub."));
  f18 = table_of(d, "fig18");
  assert_close(num_of(f18, 0, "change") - num_of(f18, 1, "change"), 5.0 / 3, 1e-12);
  assert_close(num_of(f18, 0, "baseline_mean"), 2, 1e-12);
  assert_close(num_of(f18, 1, "post_mean"), 4, 1e-12);
  report_doc_free(d);
  dataset_free(ds);

  /* Everybody in the same hub: the same model, the other note. */
  const size_t all[6] = {0, 0, 0, 0, 0, 0};
  ds = did_panel(all);
  d = run(ds, &cfg);
  t = table_of(d, "did");
  check_did(t, four, 4);
  assert_true(has_note(t, "every establishment compared is in a hub."));
  report_doc_free(d);
  dataset_free(ds);

  /* One trained and one untrained establishment in a hub: all six terms. */
  static const double six[6][5] = {
      {3.25, 0.5493051165892333, 1.837966244536175, 4.662033755463825, 0.0019653522932971883},
      {-1.0, 0.8913161304747291, -3.291201055680072, 1.2912010556800722, 0.31285888234008613},
      {0.9166666666666666, 0.8834250476496665, -1.354249714832077, 3.18758304816541,
       0.3469948692452273},
      {5.0 / 3, 0.7946580909306099, -0.37606698819850304, 3.7094003215318363, 0.09005697159377833},
      {-0.75, 0.8081614937622305, -2.8274452569166257, 1.327445256916626, 0.3959831387548496},
      {0.25, 0.6149186938124417, -1.330698825309123, 1.830698825309123, 0.7011502010467583}};
  const size_t mixed[6] = {0, DS_NONE, DS_NONE, 0, DS_NONE, DS_NONE};
  ds = did_panel(mixed);
  /* Groups of 1 in fig19 (trained and untrained in a hub) are withheld
   * with small_cell 3, and then the hub terms are left out (issue 14: with
   * them the estimates would give those groups' means): the four terms of
   * the model without hubs, the note saying why. */
  d = run(ds, &cfg);
  t = table_of(d, "did");
  check_did(t, four, 4);
  assert_true(has_note(t, "The hub terms are left out: a group of the figure before has fewer "
                          "than 3 establishments"));
  report_doc_free(d);
  /* Nothing withheld (small_cell 1): all six terms. */
  cfg.small_cell = 1;
  d = run(ds, &cfg);
  t = table_of(d, "did");
  check_did(t, six, 6);
  assert_false(has_note(t, "hub terms are left out"));
  report_doc_free(d);
  dataset_free(ds);

  /* Every trained establishment 2 -> 5, every comparison one 3 -> 4: the
   * model fits exactly (an effect of 3 - 1 = 2 with no residual), so no
   * standard error or test, and the note says why rather than that the
   * model cannot be estimated. */
  static const int same_base[6] = {2, 2, 2, 3, 3, 3}, same_post[6] = {5, 5, 5, 4, 4, 4};
  ds = did_panel_of(none, same_base, same_post);
  cfg.small_cell = 3;
  d = run(ds, &cfg);
  t = table_of(d, "did");
  assert_int_equal(t->nrows, 0);
  assert_int_equal(t->ntests, 0);
  assert_true(has_note(t, "every establishment achieved the same number of benchmarks as the "
                          "others of its group (trained or comparison) at baseline, and again "
                          "at post"));
  assert_true(has_note(t, "the change in each group is in figure 18"));
  assert_false(has_note(t, "cannot be estimated"));
  f18 = table_of(d, "fig18");
  assert_close(num_of(f18, 0, "change") - num_of(f18, 1, "change"), 2, 1e-12);
  report_doc_free(d);
  dataset_free(ds);
}

/* ---- 5: time-in-role bands ----------------------------------------------- */

static void test_role_bands(void **state) {
  (void)state;
  dataset *ds = ds_new();
  /* 6 and 23 months: under 2 years; 24 and 47: 2 to 4; 48: over 4; -1: none. */
  add_six(ds, DS_MAINSTREAM, (const int[]){6, 23, 24, 47, 48, -1});
  report_config cfg;
  config_defaults(&cfg);
  cfg.role_bands[0] = 2;
  cfg.role_bands[1] = 4;
  cfg.nbands = 2;
  report_doc *d = run(ds, &cfg);
  static const char *const labels[] = {"under 2 years", "2 to 4 years", "over 4 years"};
  static const long long n[] = {2, 2, 1};
  report_table *t = table_of(d, "fig2"), *t3 = table_of(d, "fig3");
  assert_int_equal(t->nrows, 12);
  assert_int_equal(t3->nrows, 3);
  for (size_t b = 0; b < 3; b++) {
    assert_string_equal(text_of(t3, b, "band"), labels[b]);
    for (size_t a = 0; a < 4; a++) {
      assert_string_equal(text_of(t, 4 * b + a, "band"), labels[b]);
      if (n[b] == 0) {
        assert_int_equal(int_of(t, 4 * b + a, "n"), 0);
        assert_int_equal(mark_of(t, 4 * b + a, "mean_change"), MARK_EMPTY);
      } else {
        assert_int_equal(mark_of(t, 4 * b + a, "n"), MARK_SUPPRESSED);
        assert_int_equal(mark_of(t, 4 * b + a, "mean_change"), MARK_SUPPRESSED);
      }
    }
  }
  assert_true(has_note(t, "1 matched Careers Leader gave no time in role and is in no band."));
  assert_true(has_line(d->methods, d->nmethods,
                       "Time in role bands at the pre survey: under 2 years; 2 to 4 years; over "
                       "4 years."));
  report_doc_free(d);

  /* With small_cell 2 the 2-to-4 band (leaders 3 and 4) shows its leadership
   * change: (75 - 62.5 + 52.5 - 30) / 2 = 17.5. */
  cfg.small_cell = 2;
  d = run(ds, &cfg);
  assert_close(num_of(table_of(d, "fig2"), 4, "mean_change"), 17.5, 1e-12);
  report_doc_free(d);

  /* The default bands. */
  config_defaults(&cfg);
  d = run(ds, &cfg);
  static const char *const defaults[] = {"under 1 year", "1 to 3 years", "3 to 5 years",
                                         "over 5 years"};
  t = table_of(d, "fig2");
  assert_int_equal(t->nrows, 16);
  for (size_t b = 0; b < 4; b++)
    assert_string_equal(text_of(t, 4 * b, "band"), defaults[b]);
  report_doc_free(d);
  dataset_free(ds);
}

int main(void) {
  /* test_empty last: it crashes in analysis.c (see its comment), and under
   * UBSan that ends the process. */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty_with_items),
      cmocka_unit_test(test_fig1_table1),
      cmocka_unit_test(test_small_cell),
      cmocka_unit_test(test_support_complement),
      cmocka_unit_test(test_did),
      cmocka_unit_test(test_role_bands),
      cmocka_unit_test(test_empty),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

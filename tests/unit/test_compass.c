/* Tests for the Compass rules of DESIGN.md at their boundaries: which return
 * is each establishment's baseline and post, which group it is in, whether
 * it was in a hub at the post date, and the counts the methods section
 * reports. The dataset is built in memory, as dataset.c would leave it. */
#include "testutil.h"

#include "compass.h"
#include "config.h"
#include "dataset.h"
#include "xalloc.h"

static dataset *ds_new(void) {
  dataset *ds = xcalloc(1, sizeof *ds);
  ds->score_method = xstrdup("percent");
  ds->hubs = xcalloc(1, sizeof *ds->hubs);
  ds->hubs[0] = xstrdup("North hub");
  ds->nhubs = 1;
  return ds;
}

/* An establishment in hub 0 from `joined` ("" = throughout), or in no hub
 * when joined is NULL. Returns its index. */
static size_t add_est(dataset *ds, const char *joined) {
  ds->establishments =
      xrealloc(ds->establishments, (ds->nestablishments + 1) * sizeof *ds->establishments);
  ds_establishment *e = &ds->establishments[ds->nestablishments];
  memset(e, 0, sizeof *e);
  char urn[16];
  snprintf(urn, sizeof urn, "%zu", 100000 + ds->nestablishments);
  e->urn = xstrdup(urn);
  e->name = xstrdup("School");
  e->region = xstrdup("London");
  e->fsm_pct = NAN;
  e->hub = joined ? 0 : DS_NONE;
  if (joined)
    snprintf(e->hub_joined, sizeof e->hub_joined, "%s", joined);
  return ds->nestablishments++;
}

/* A leader of est with one enrolment. */
static void add_enrolment(dataset *ds, size_t est, const char *start, const char *completed,
                          ds_status status) {
  ds->leaders = xrealloc(ds->leaders, (ds->nleaders + 1) * sizeof *ds->leaders);
  ds_leader *l = &ds->leaders[ds->nleaders];
  memset(l, 0, sizeof *l);
  char key[16];
  snprintf(key, sizeof key, "L%zu", ds->nleaders);
  l->key = xstrdup(key);
  l->establishment = est;
  l->months_in_role = -1;
  l->match = DS_NO_RESPONSE;
  l->pre = l->post = DS_NONE;
  ds->enrolments = xrealloc(ds->enrolments, (ds->nenrolments + 1) * sizeof *ds->enrolments);
  ds_enrolment *e = &ds->enrolments[ds->nenrolments++];
  memset(e, 0, sizeof *e);
  e->leader = ds->nleaders++;
  e->wave = 1;
  snprintf(e->start_date, sizeof e->start_date, "%s", start);
  snprintf(e->completion_date, sizeof e->completion_date, "%s", completed);
  e->status = status;
}

/* A return of est on date with `full` benchmarks at 100 % and the rest at
 * `rest` percent. Returns must be added in establishment, then date order. */
static size_t add_return(dataset *ds, size_t est, const char *date, int full, double rest) {
  ds->returns = xrealloc(ds->returns, (ds->nreturns + 1) * sizeof *ds->returns);
  ds_return *r = &ds->returns[ds->nreturns];
  r->establishment = (uint32_t)est;
  snprintf(r->submitted, sizeof r->submitted, "%s", date);
  ds->nreturns++;
  for (int b = 0; b < DS_NBENCHMARKS; b++)
    dataset_return_set_pct(ds, ds->nreturns - 1, b, b < full ? 100 : rest);
  return ds->nreturns - 1;
}

/* The baseline is the latest return on or before the cut-off (the cut-off day
 * itself counts); the post return the latest in the window, both ends
 * included; returns outside are ignored. */
static void test_untrained_windows(void **state) {
  (void)state;
  report_config cfg;
  config_defaults(&cfg);
  dataset *ds = ds_new();
  size_t a = add_est(ds, NULL), b = add_est(ds, NULL), c = add_est(ds, NULL);
  add_return(ds, a, "2017-09-01", 1, 0);
  size_t a_base = add_return(ds, a, "2018-07-31", 2, 0);
  add_return(ds, a, "2019-06-01", 3, 0); /* between the windows: neither */
  add_return(ds, a, "2020-03-01", 4, 0);
  size_t a_post = add_return(ds, a, "2021-03-31", 5, 0);
  add_return(ds, a, "2021-04-01", 8, 0); /* after the window */
  add_return(ds, b, "2018-08-01", 1, 0); /* a day after the cut-off */
  add_return(ds, b, "2020-06-01", 2, 0);
  add_return(ds, c, "2018-01-01", 1, 0);
  add_return(ds, c, "2020-02-29", 2, 0); /* a day before the window */

  compass_unit *u;
  size_t n;
  compass_counts k;
  compass_units(ds, &cfg, &u, &n, &k);
  assert_int_equal(n, 3);
  assert_int_equal(u[a].group, COMPASS_UNTRAINED);
  assert_int_equal(u[a].baseline, a_base);
  assert_int_equal(u[a].post, a_post);
  assert_false(u[a].baseline_fallback);
  assert_int_equal(u[a].achieved_baseline, 2);
  assert_int_equal(u[a].achieved_post, 5);
  assert_true(compass_compared(&u[a]));
  assert_int_equal(u[b].baseline, DS_NONE); /* no fallback for the untrained */
  assert_false(compass_compared(&u[b]));
  assert_int_equal(u[c].post, DS_NONE);
  assert_int_equal(k.untrained, 3);
  assert_int_equal(k.kept[1], 1);
  assert_int_equal(k.no_baseline[1], 1);
  assert_int_equal(k.no_post[1], 1);
  assert_int_equal(k.baseline_cutoff[1], 1);
  free(u);
  dataset_free(ds);
}

/* A trained establishment's post return must come after completion; without a
 * return by the cut-off its baseline is its earliest return before training
 * started. */
static void test_trained_rules(void **state) {
  (void)state;
  report_config cfg;
  config_defaults(&cfg);
  dataset *ds = ds_new();
  size_t a = add_est(ds, ""), b = add_est(ds, NULL), c = add_est(ds, NULL);
  add_enrolment(ds, a, "2019-09-01", "2020-06-30", DS_COMPLETED);
  size_t a_base = add_return(ds, a, "2018-03-01", 1, 50);
  add_return(ds, a, "2020-06-30", 3, 50); /* on the completion day: not after */
  size_t a_post = add_return(ds, a, "2020-11-01", 4, 50);
  add_enrolment(ds, b, "2019-09-01", "2020-01-31", DS_COMPLETED);
  size_t b_base = add_return(ds, b, "2018-10-01", 0, 0); /* the earliest before training */
  add_return(ds, b, "2019-05-01", 1, 0);
  add_return(ds, b, "2019-09-01", 2, 0); /* the day training started: not before */
  size_t b_post = add_return(ds, b, "2021-01-15", 3, 99.9);
  add_enrolment(ds, c, "2019-09-01", "2021-02-01", DS_COMPLETED);
  add_return(ds, c, "2018-05-01", 1, 0);
  add_return(ds, c, "2020-12-01", 2, 0); /* in the window but before completion */

  compass_unit *u;
  size_t n;
  compass_counts k;
  compass_units(ds, &cfg, &u, &n, &k);
  assert_int_equal(u[a].group, COMPASS_TRAINED);
  assert_string_equal(u[a].completion, "2020-06-30");
  assert_int_equal(u[a].baseline, a_base);
  assert_int_equal(u[a].post, a_post);
  assert_true(u[a].hub);
  assert_int_equal(u[b].baseline, b_base);
  assert_true(u[b].baseline_fallback);
  assert_int_equal(u[b].post, b_post);
  assert_int_equal(u[b].achieved_post, 3); /* 99.9 % is not fully achieved */
  assert_false(u[b].hub);
  assert_int_equal(u[c].post, DS_NONE);
  assert_false(compass_compared(&u[c]));
  assert_int_equal(k.trained, 3);
  assert_int_equal(k.kept[0], 2);
  assert_int_equal(k.baseline_cutoff[0], 1);
  assert_int_equal(k.baseline_fallback[0], 1);
  assert_int_equal(k.no_post[0], 1);
  assert_int_equal(k.post_before_completion, 2); /* a's completion-day return and c's */
  free(u);

  cfg.fully_achieved = 99.9; /* the threshold is a setting */
  compass_units(ds, &cfg, &u, &n, &k);
  assert_int_equal(u[b].achieved_post, 8);
  free(u);
  dataset_free(ds);
}

/* Enrolled but never completed is neither group; several leaders give the
 * earliest start and the latest completion; hub membership is judged at the
 * post return's date. */
static void test_groups_and_hubs(void **state) {
  (void)state;
  report_config cfg;
  config_defaults(&cfg);
  dataset *ds = ds_new();
  size_t w = add_est(ds, NULL), p = add_est(ds, NULL), two = add_est(ds, "2020-09-01"),
         late = add_est(ds, "2021-01-01");
  add_enrolment(ds, w, "2019-09-01", "", DS_WITHDRAWN);
  add_enrolment(ds, p, "2020-09-01", "", DS_ENROLLED);
  add_enrolment(ds, p, "2019-09-01", "", DS_WITHDRAWN);
  add_enrolment(ds, two, "2019-01-15", "2019-12-01", DS_COMPLETED);
  add_enrolment(ds, two, "2019-06-01", "2020-04-01", DS_COMPLETED);
  add_enrolment(ds, two, "2018-09-01", "", DS_WITHDRAWN); /* ignored for the dates */
  add_return(ds, w, "2018-01-01", 1, 0);
  add_return(ds, w, "2020-05-01", 2, 0);
  add_return(ds, two, "2018-01-01", 1, 0);
  add_return(ds, two, "2020-03-15", 2, 0); /* after the first completion, not the last */
  size_t two_post = add_return(ds, two, "2020-10-01", 3, 0);
  add_return(ds, late, "2018-01-01", 1, 0);
  add_return(ds, late, "2020-10-01", 1, 0);

  compass_unit *u;
  size_t n;
  compass_counts k;
  compass_units(ds, &cfg, &u, &n, &k);
  assert_int_equal(u[w].group, COMPASS_NEITHER);
  assert_false(compass_compared(&u[w]));
  assert_int_equal(u[p].group, COMPASS_NEITHER);
  assert_int_equal(k.neither, 2);
  assert_int_equal(k.neither_withdrawn_only, 1);
  assert_int_equal(u[two].group, COMPASS_TRAINED);
  assert_string_equal(u[two].start, "2019-01-15");
  assert_string_equal(u[two].completion, "2020-04-01");
  assert_int_equal(u[two].post, two_post);
  assert_true(u[two].hub); /* joined 2020-09-01, post return 2020-10-01 */
  assert_int_equal(u[late].group, COMPASS_UNTRAINED);
  assert_false(u[late].hub); /* joined after its post return */
  assert_int_equal(k.hub_joined_later, 1);
  free(u);
  dataset_free(ds);
}

/* No returns, no establishments: nothing compared, nothing crashes. */
static void test_empty(void **state) {
  (void)state;
  report_config cfg;
  config_defaults(&cfg);
  dataset *ds = ds_new();
  compass_unit *u;
  size_t n;
  compass_counts k;
  compass_units(ds, &cfg, &u, &n, &k);
  assert_int_equal(n, 0);
  assert_int_equal(k.trained + k.untrained + k.neither, 0);
  free(u);
  size_t a = add_est(ds, NULL);
  add_enrolment(ds, a, "2019-09-01", "2020-01-01", DS_COMPLETED);
  compass_units(ds, &cfg, &u, &n, &k);
  assert_int_equal(u[a].baseline, DS_NONE);
  assert_int_equal(u[a].post, DS_NONE);
  assert_int_equal(k.no_baseline[0], 1);
  free(u);
  dataset_free(ds);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_untrained_windows),
      cmocka_unit_test(test_trained_rules),
      cmocka_unit_test(test_groups_and_hubs),
      cmocka_unit_test(test_empty),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

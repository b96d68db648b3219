/* Tests for the dataset: the small programme under tests/data/programme
 * imported and read back into arrays, the fingerprint, empty and broken
 * databases. */
#include "testutil.h"

#include <sqlite3.h>
#include <time.h>

#include "config.h"
#include "dataset.h"
#include "import.h"
#include "instrument.h"
#include "store.h"
#include "xalloc.h"

#ifndef TESTDATA
#define TESTDATA "tests/data"
#endif

static instrument_bank *bank;

static int setup(void **state) {
  (void)state;
  char err[512];
  if (instrument_bank_builtin(&bank, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    return -1;
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  instrument_bank_free(bank);
  return 0;
}

static char *db_path(const char *dir) {
  char *p = malloc(strlen(dir) + 16);
  sprintf(p, "%s/test.db", dir);
  return p;
}

/* A new database at path; with the programme's files imported when full. */
static void make_db(const char *path, int full) {
  char err[512];
  int from, current;
  assert_int_equal(store_init(path, bank, "test", &from, &current, err, sizeof err), 0);
  if (!full)
    return;
  static const char *const files[][2] = {
      {"providers", "providers.csv"},
      {"establishments", "establishments.csv"},
      {"leaders", "leaders.csv"},
      {"enrolments", "enrolments.csv"},
      {"self-assessment", "self-assessment-pre.csv"},
      {"self-assessment", "self-assessment-post.csv"},
      {"long-term", "long-term.csv"},
      {"compass", "compass.csv"},
  };
  store *s;
  assert_int_equal(store_open(&s, path, err, sizeof err), 0);
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char file[512];
    snprintf(file, sizeof file, "%s/programme/%s", TESTDATA, files[i][1]);
    import_options opt = {.actor = "test", .quiet = true};
    import_result res;
    int rc = import_file(s, files[i][0], file, &opt, &res, err, sizeof err);
    if (rc != 0)
      fail_msg("import %s: %d %s %s", file, rc, err, res.nproblems ? res.problems[0] : "");
    import_result_free(&res);
  }
  store_close(s);
}

static void exec_sql(const char *path, const char *sql) {
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
    fail_msg("%s: %s", sql, msg);
  sqlite3_close(db);
}

static double query_double(store *s, const char *sql) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  double v = sqlite3_column_double(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* Loads path (read-only), failing the test on an error. */
static dataset *load(const char *path) {
  char err[512];
  store *s;
  assert_int_equal(store_open_readonly(&s, path, err, sizeof err), 0);
  dataset *ds = NULL;
  if (dataset_load(s, &ds, err, sizeof err) != 0)
    fail_msg("dataset_load: %s", err);
  store_close(s);
  return ds;
}

/* Loads path expecting failure; returns the message. Read-only, as the
 * report opens it: a read-write open's quick_check would refuse a value
 * that breaks a CHECK constraint before the loader saw it. */
static void load_fails(const char *path, char *err, size_t errlen) {
  store *s;
  assert_int_equal(store_open_readonly(&s, path, err, errlen), 0);
  dataset *ds = (dataset *)1;
  assert_int_equal(dataset_load(s, &ds, err, errlen), -1);
  assert_null(ds);
  assert_true(strlen(err) > 0);
  store_close(s);
}

static size_t leader(const dataset *ds, const char *key) {
  for (size_t i = 0; i < ds->nleaders; i++)
    if (strcmp(ds->leaders[i].key, key) == 0)
      return i;
  fail_msg("no leader %s", key);
  return DS_NONE;
}

static void test_programme(void **state) {
  (void)state;
  char *dir = test_tmpdir(), *path = db_path(dir);
  make_db(path, 1);
  dataset *ds = load(path);

  assert_int_equal(ds->nhubs, 3);
  assert_string_equal(ds->hubs[0], "Greater Manchester");
  assert_int_equal(ds->nestablishments, 12);
  assert_int_equal(ds->nleaders, 15);
  assert_int_equal(ds->nproviders, 4);
  assert_int_equal(ds->nenrolments, 15);
  /* 13 pre (one duplicate dropped), 11 post, 9 long-term. */
  assert_int_equal(ds->nresponses, 33);
  assert_int_equal(ds->nreturns, 24);

  /* Establishments ordered by URN; hubs and dates. */
  assert_string_equal(ds->establishments[0].urn, "100101");
  assert_string_equal(ds->establishments[8].urn, "100109");
  assert_int_equal(ds->establishments[8].type, DS_SPECIAL);
  assert_int_equal(ds->establishments[8].hub, DS_NONE);
  const ds_establishment *e2 = &ds->establishments[1];
  assert_string_equal(e2->name, "St Mary's Catholic High School, Leyland");
  assert_string_equal(ds->hubs[e2->hub], "Lancashire");
  assert_string_equal(e2->hub_joined, "2019-01-15");
  assert_string_equal(ds->establishments[0].hub_joined, "");
  assert_close(e2->fsm_pct, 9.7, 1e-12);
  /* Strings packed in the dataset's store, each region held once: 100101
   * and 100102 are both in the North West, 100104 in the North East. */
  assert_non_null(ds->strings);
  assert_string_equal(ds->establishments[0].region, "North West");
  assert_ptr_equal(ds->establishments[0].region, e2->region);
  assert_string_equal(ds->establishments[3].region, "North East");
  assert_string_equal(ds->establishments[3].name, "The \"Bridge\" Pupil Referral Unit");

  /* A leader's establishment and its type. */
  size_t l9 = leader(ds, "CL0009");
  const ds_leader *L9 = &ds->leaders[l9];
  assert_string_equal(ds->establishments[L9->establishment].urn, "130201");
  assert_int_equal(ds->establishments[L9->establishment].type, DS_FE_COLLEGE);
  assert_int_equal(L9->role, DS_COLLEGE_STRATEGIC);
  assert_int_equal(L9->months_in_role, 40);
  assert_int_equal(L9->contact_consent, 1);
  assert_int_equal(ds->leaders[leader(ds, "CL0005")].months_in_role, -1);
  for (size_t i = 1; i < ds->nleaders; i++)
    assert_true(strcmp(ds->leaders[i - 1].key, ds->leaders[i].key) < 0);

  /* Enrolments ordered by leader: status and dates. */
  const ds_enrolment *en5 = &ds->enrolments[4];
  assert_string_equal(ds->leaders[en5->leader].key, "CL0005");
  assert_int_equal(en5->status, DS_ENROLLED);
  assert_string_equal(en5->completion_date, "");
  assert_string_equal(en5->start_date, "2019-10-05");
  assert_string_equal(ds->providers[en5->provider].key, "P01");
  assert_int_equal(ds->enrolments[5].status, DS_WITHDRAWN);
  assert_int_equal(ds->enrolments[0].status, DS_COMPLETED);
  assert_string_equal(ds->enrolments[0].completion_date, "2020-03-10");
  assert_string_equal(ds->providers[1].accreditation, "level7");

  /* Matching: CL0001 matched, CL0005 has no post, CL0006 no pre, CL0012
   * answered neither. */
  size_t l1 = leader(ds, "CL0001");
  const ds_leader *L1 = &ds->leaders[l1];
  assert_int_equal(L1->match, DS_MATCHED);
  assert_int_not_equal(L1->pre, DS_NONE);
  assert_int_not_equal(L1->post, DS_NONE);
  const ds_response *pre = &ds->responses[L1->pre], *post = &ds->responses[L1->post];
  assert_int_equal(pre->survey, DS_SELF_ASSESSMENT);
  assert_int_equal(pre->stage, DS_PRE);
  assert_int_equal(pre->leader, l1);
  assert_int_equal(pre->role, DS_SCHOOL);
  assert_string_equal(pre->submitted, "2019-09-02");
  assert_int_equal(post->stage, DS_POST);
  assert_string_equal(post->submitted, "2020-04-01");
  const ds_leader *L5 = &ds->leaders[leader(ds, "CL0005")];
  assert_int_equal(L5->match, DS_NO_POST);
  assert_int_not_equal(L5->pre, DS_NONE);
  assert_int_equal(L5->post, DS_NONE);
  assert_int_equal(ds->leaders[leader(ds, "CL0006")].match, DS_NO_PRE);
  const ds_leader *L12 = &ds->leaders[leader(ds, "CL0012")];
  assert_int_equal(L12->match, DS_NO_RESPONSE);
  assert_int_equal(L12->pre, DS_NONE);
  assert_int_equal(L12->post, DS_NONE);

  /* Responses ordered by survey, stage, submission. */
  for (size_t i = 1; i < ds->nresponses; i++) {
    const ds_response *a = &ds->responses[i - 1], *b = &ds->responses[i];
    assert_true(a->survey < b->survey ||
                (a->survey == b->survey &&
                 (a->stage < b->stage ||
                  (a->stage == b->stage && strcmp(a->submitted, b->submitted) <= 0))));
    for (size_t k = 1; k < b->nanswers; k++)
      assert_true(b->answers[k - 1].item < b->answers[k].item);
  }

  /* A stored area score, as in area_scores. */
  char err[512];
  store *s;
  assert_int_equal(store_open_readonly(&s, path, err, sizeof err), 0);
  double want = query_double(s, "SELECT a.score FROM area_scores a"
                                " JOIN responses r ON r.id = a.response_id"
                                " JOIN leaders l ON l.id = r.leader_id"
                                " WHERE l.leader_key = 'CL0001' AND r.stage = 'pre'"
                                " AND a.area = 'leadership'");
  assert_true(want > 0 && want <= 100);
  assert_close(pre->score[0], want, 1e-12);
  assert_true(isfinite(post->score[3]));
  double nitems = query_double(s, "SELECT count(*) FROM items");
  store_close(s);
  /* Long-term responses carry no score and no leader. */
  const ds_response *lt = &ds->responses[24];
  assert_int_equal(lt->survey, DS_LONG_TERM);
  assert_int_equal(lt->leader, DS_NONE);
  assert_true(isnan(lt->score[0]));
  assert_string_equal(lt->submitted, "2021-02-03");

  /* Items ordered by instrument then position; a categorical answer. */
  assert_int_equal(ds->nitems, (size_t)nitems);
  for (size_t i = 1; i < ds->nitems; i++) {
    int c = strcmp(ds->items[i - 1].instrument, ds->items[i].instrument);
    assert_true(c < 0 || (c == 0 && ds->items[i - 1].position <= ds->items[i].position));
  }
  size_t conf = dataset_item(ds, "lt_conf_leadership");
  assert_int_not_equal(conf, DS_NONE);
  assert_string_equal(ds->items[conf].instrument, "long-term");
  assert_int_equal(dataset_item(ds, "no_such_item"), DS_NONE);
  const ds_answer *a = dataset_answer(ds, 24, conf);
  assert_non_null(a);
  assert_non_null(dataset_answer_code(ds, a));
  assert_string_equal(dataset_answer_code(ds, a), "very");
  /* Each code is held once, however many answers carry it. */
  for (size_t i = 0; i < ds->ncodes; i++)
    for (size_t j = i + 1; j < ds->ncodes; j++)
      assert_string_not_equal(ds->codes[i], ds->codes[j]);
  assert_true(isnan(a->value));
  assert_null(dataset_answer(ds, L1->pre, conf));
  size_t lead1 = dataset_item(ds, "school_lead_01");
  assert_int_equal(ds->items[lead1].area, 0);
  assert_string_equal(ds->items[lead1].role, "school");
  const ds_answer *a1 = dataset_answer(ds, L1->pre, lead1);
  assert_non_null(a1);
  assert_null(dataset_answer_code(ds, a1));
  assert_close(a1->value, 4, 0);
  assert_null(dataset_answer(ds, ds->nresponses, lead1));
  size_t bm = dataset_item(ds, "c14_school_bm1_1");
  assert_int_not_equal(bm, DS_NONE);
  assert_int_equal(ds->items[bm].benchmark, 1);

  /* Compass returns: by establishment, then date. */
  const ds_return *r0 = &ds->returns[0], *r1 = &ds->returns[1];
  assert_string_equal(ds->establishments[r0->establishment].urn, "100101");
  assert_string_equal(r0->submitted, "2018-07-02");
  assert_string_equal(r1->submitted, "2020-11-02");
  assert_true(dataset_return_pct(ds, 0, 2) == 33.3); /* exactly the stored double */
  assert_true(dataset_return_pct(ds, 1, 7) == 100);
  assert_null(ds->return_pct); /* every percentage a whole number of tenths */

  assert_string_equal(ds->score_method, "percent");
  assert_close(ds->score_min_answered, 0.5, 0);
  assert_int_equal(strlen(ds->digest), 64);
  assert_int_equal(strspn(ds->digest, "0123456789abcdef"), 64);

  dataset_free(ds);
  free(path);
  test_rmdir(dir);
}

/* The fingerprint is stable and changes with any one value; a benchmark
 * not recorded (NULL) reads as NAN. */
static void test_fingerprint(void **state) {
  (void)state;
  char *dir = test_tmpdir(), *path = db_path(dir);
  make_db(path, 1);
  dataset *a = load(path), *b = load(path);
  assert_string_equal(a->digest, b->digest);
  /* The value these files gave before schema version 9, when a return's
   * percentages were rows of compass_benchmarks (cleval at 12e2630: init,
   * the same imports, `cleval report`'s provenance row): moving them into
   * compass_returns' columns leaves the fingerprint of the data as it was. */
  assert_string_equal(a->digest,
                      "f4db68881592c2e8957acf3f7fb81c90197c2f26919bdb62920d184e2266a083");
  dataset_free(b);

  exec_sql(path, "UPDATE establishments SET fsm_pct = 18.5 WHERE urn = '100101'");
  b = load(path);
  assert_string_not_equal(a->digest, b->digest);
  assert_close(b->establishments[0].fsm_pct, 18.5, 1e-12);
  char sha_fsm[65];
  strcpy(sha_fsm, b->digest);
  dataset_free(b);

  exec_sql(path, "UPDATE compass_returns SET bm8 = NULL WHERE id ="
                 " (SELECT r.id FROM compass_returns r JOIN establishments e"
                 "  ON e.id = r.establishment_id"
                 "  WHERE e.urn = '100101' AND r.submitted_at LIKE '2018-07-02%')");
  b = load(path);
  assert_string_not_equal(sha_fsm, b->digest);
  assert_true(isnan(dataset_return_pct(b, 0, 7)));
  assert_close(dataset_return_pct(b, 0, 6), 50, 1e-12);
  assert_close(dataset_return_pct(b, 1, 7), 100, 1e-12);
  char sha_bm[65];
  strcpy(sha_bm, b->digest);
  dataset_free(b);

  /* One answer's value; a percentage by the last bit of its double. */
  exec_sql(path, "UPDATE answers SET value = 5 WHERE (response_id, item_id) ="
                 " (SELECT response_id, item_id FROM answers WHERE value = 4 LIMIT 1)");
  b = load(path);
  assert_string_not_equal(sha_bm, b->digest);
  strcpy(sha_bm, b->digest);
  dataset_free(b);
  exec_sql(path, "UPDATE compass_returns SET bm3 = 33.300000000000004 WHERE bm3 = 33.3");
  b = load(path);
  assert_string_not_equal(sha_bm, b->digest);
  /* Not a whole number of tenths: kept exactly, beside the others. */
  assert_true(dataset_return_pct(b, 0, 2) == 33.300000000000004);
  assert_non_null(b->return_pct);
  assert_close(dataset_return_pct(b, 0, 6), 50, 0);
  assert_close(dataset_return_pct(b, 1, 7), 100, 0);
  assert_true(isnan(dataset_return_pct(b, 0, 7)));
  dataset_free(b);

  /* NULLs: fsm_pct unknown, an area score without a value. */
  exec_sql(path, "UPDATE establishments SET fsm_pct = NULL WHERE urn = '100101';"
                 "UPDATE area_scores SET score = NULL WHERE area = 'networking'");
  b = load(path);
  assert_true(isnan(b->establishments[0].fsm_pct));
  assert_true(isnan(b->responses[0].score[3]));
  assert_true(isfinite(b->responses[0].score[0]));
  dataset_free(b);

  dataset_free(a);
  free(path);
  test_rmdir(dir);
}

static void test_empty(void **state) {
  (void)state;
  char *dir = test_tmpdir(), *path = db_path(dir);
  make_db(path, 0);
  dataset *ds = load(path);
  assert_int_equal(ds->nhubs, 0);
  assert_int_equal(ds->nestablishments, 0);
  assert_int_equal(ds->nleaders, 0);
  assert_int_equal(ds->nproviders, 0);
  assert_int_equal(ds->nenrolments, 0);
  assert_int_equal(ds->nresponses, 0);
  assert_int_equal(ds->nreturns, 0);
  assert_true(ds->nitems > 0); /* the built-in instruments */
  assert_string_equal(ds->score_method, "percent");
  assert_int_equal(strlen(ds->digest), 64);
  char sha[65];
  strcpy(sha, ds->digest);
  dataset_free(ds);

  /* Settings: read from the table, defaults when absent. */
  exec_sql(path, "UPDATE settings SET value = 'rescaled' WHERE key = 'score.method';"
                 "UPDATE settings SET value = '0.75' WHERE key = 'score.min_answered'");
  ds = load(path);
  assert_string_equal(ds->score_method, "rescaled");
  assert_close(ds->score_min_answered, 0.75, 0);
  assert_string_not_equal(ds->digest, sha);
  dataset_free(ds);
  exec_sql(path, "DELETE FROM settings WHERE key LIKE 'score.%'");
  ds = load(path);
  assert_string_equal(ds->score_method, "percent");
  assert_close(ds->score_min_answered, 0.5, 0);
  dataset_free(ds);

  exec_sql(path, "INSERT INTO settings (key, value) VALUES ('score.min_answered', 'half')");
  char err[512];
  load_fails(path, err, sizeof err);
  assert_non_null(strstr(err, "half"));

  dataset_free(NULL);
  free(path);
  test_rmdir(dir);
}

static void test_broken(void **state) {
  (void)state;
  char *dir = test_tmpdir(), *path = db_path(dir), err[512];
  make_db(path, 1);
  /* A value the CHECK constraint should have kept out. */
  exec_sql(path, "PRAGMA ignore_check_constraints = ON;"
                 "UPDATE establishments SET type = 'academy' WHERE urn = '100103'");
  load_fails(path, err, sizeof err);
  assert_non_null(strstr(err, "academy"));
  exec_sql(path, "PRAGMA ignore_check_constraints = ON;"
                 "UPDATE establishments SET type = 'special' WHERE urn = '100103';"
                 "UPDATE enrolments SET status = 'paused' WHERE wave = 2");
  load_fails(path, err, sizeof err);
  assert_non_null(strstr(err, "paused"));
  /* A percentage that is not a number (REAL affinity keeps 'high' text). */
  exec_sql(path, "PRAGMA ignore_check_constraints = ON;"
                 "UPDATE enrolments SET status = 'enrolled' WHERE status = 'paused';"
                 "UPDATE compass_returns SET bm5 = 'high' WHERE id = (SELECT max(id) FROM"
                 " compass_returns)");
  load_fails(path, err, sizeof err);
  assert_non_null(strstr(err, "compass_returns.bm5: unexpected value"));
  exec_sql(path, "UPDATE compass_returns SET bm5 = 50 WHERE bm5 = 'high'");
  exec_sql(path, "UPDATE enrolments SET status = 'enrolled' WHERE status = 'paused'");
  dataset_free(load(path));
  /* A missing table: an error, not a crash; the store is left usable. */
  exec_sql(path, "ALTER TABLE compass_returns DROP COLUMN bm8");
  load_fails(path, err, sizeof err);
  assert_non_null(strstr(err, "bm8"));
  store *s;
  assert_int_equal(store_open(&s, path, err, sizeof err), 0);
  assert_int_equal(store_begin(s, err, sizeof err), 0);
  dataset *ds = NULL;
  /* Inside the caller's transaction the load leaves it open. */
  assert_int_equal(dataset_load(s, &ds, err, sizeof err), -1);
  assert_int_equal(sqlite3_get_autocommit(store_db(s)), 0);
  store_rollback(s);
  store_close(s);
  free(path);
  test_rmdir(dir);
}

/* Issue 18, defect 3: a stored time with an offset is compared by its UTC
 * date, not by its first ten characters. 2021-04-01T00:30:00+01:00 is
 * 2021-03-31T23:30Z, inside a post window that ends on 31 March; and
 * 2021-05-31T23:30:00-01:00 is 1 June in UTC. */
static void test_offset_dates(void **state) {
  (void)state;
  char *dir = test_tmpdir(), *path = db_path(dir);
  make_db(path, 1);
  exec_sql(path, "UPDATE compass_returns SET submitted_at = '2021-04-01T00:30:00+01:00'"
                 " WHERE id = (SELECT min(id) FROM compass_returns);"
                 "UPDATE compass_returns SET submitted_at = '2021-05-31T23:30:00-01:00'"
                 " WHERE id = (SELECT max(id) FROM compass_returns);"
                 "UPDATE compass_returns SET submitted_at = '2021-03-31T23:30:00Z'"
                 " WHERE id = (SELECT min(id) + 1 FROM compass_returns)");
  dataset *ds = load(path);
  int march = 0, april = 0, may = 0, june = 0;
  for (size_t i = 0; i < ds->nreturns; i++) {
    march += strcmp(ds->returns[i].submitted, "2021-03-31") == 0;
    april += strcmp(ds->returns[i].submitted, "2021-04-01") == 0;
    may += strcmp(ds->returns[i].submitted, "2021-05-31") == 0;
    june += strcmp(ds->returns[i].submitted, "2021-06-01") == 0;
  }
  /* The +01:00 and the Z returns fall on 31 March, the -01:00 on 1 June. */
  assert_int_equal(march, 2);
  assert_int_equal(april, 0);
  assert_int_equal(may, 0);
  assert_int_equal(june, 1);
  dataset_free(ds);
  free(path);
  test_rmdir(dir);
}

static void test_names(void **state) {
  (void)state;
  /* the dataset's enums number the sets as vocab.h names them */
  assert_string_equal(vocab_name(VOCAB_TYPE, DS_MAINSTREAM), "mainstream");
  assert_string_equal(vocab_name(VOCAB_TYPE, DS_SIXTH_FORM_COLLEGE), "sixth_form_college");
  assert_null(vocab_name(VOCAB_TYPE, DS_NTYPES));
  assert_string_equal(vocab_name(VOCAB_ROLE, DS_SCHOOL), "school");
  assert_string_equal(vocab_name(VOCAB_ROLE, DS_COLLEGE_OPERATIONAL), "college_operational");
  assert_null(vocab_name(VOCAB_ROLE, DS_NROLES));
  assert_string_equal(vocab_name(VOCAB_STATUS, DS_WITHDRAWN), "withdrawn");
  assert_string_equal(vocab_name(VOCAB_STAGE, DS_FOLLOWUP), "followup");
}

/* Percentages set by hand: whole tenths in the records; one that is not
 * makes every percentage a double, returns added later included; NAN is
 * not recorded. */
static void test_return_pct(void **state) {
  (void)state;
  dataset *ds = xcalloc(1, sizeof *ds);
  ds->returns = xcalloc(4, sizeof *ds->returns);
  ds->nreturns = 2;
  for (int b = 0; b < DS_NBENCHMARKS; b++) {
    dataset_return_set_pct(ds, 0, b, 12.5 * b);
    dataset_return_set_pct(ds, 1, b, b == 3 ? NAN : 66.7);
  }
  assert_null(ds->return_pct);
  assert_int_equal(ds->returns[0].pct10[7], 875);
  assert_int_equal(ds->returns[1].pct10[3], DS_PCT_NONE);
  dataset_return_set_pct(ds, 1, 5, 66.66666666666667);
  assert_non_null(ds->return_pct);
  ds->nreturns = 3;
  for (int b = 0; b < DS_NBENCHMARKS; b++)
    dataset_return_set_pct(ds, 2, b, b == 0 ? 0.05 : 100);
  for (int b = 0; b < DS_NBENCHMARKS; b++) {
    assert_true(dataset_return_pct(ds, 0, b) == 12.5 * b);
    if (b == 3)
      assert_true(isnan(dataset_return_pct(ds, 1, b)));
    else
      assert_true(dataset_return_pct(ds, 1, b) == (b == 5 ? 66.66666666666667 : 66.7));
    assert_true(dataset_return_pct(ds, 2, b) == (b == 0 ? 0.05 : 100));
  }
  dataset_free(ds);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_programme),  cmocka_unit_test(test_fingerprint),
      cmocka_unit_test(test_empty),      cmocka_unit_test(test_broken),
      cmocka_unit_test(test_names),      cmocka_unit_test(test_offset_dates),
      cmocka_unit_test(test_return_pct),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}

/* Tests for the fund's rules (each with its refusal message), the bursary
 * steps and the ledger's counts. The data are written with plain SQL, then
 * each check reads them as it would inside a writing transaction. */
#include "testutil.h"

#include <sqlite3.h>

#include "dataset.h"
#include "fund.h"
#include "instrument.h"
#include "store.h"

typedef struct fixture {
  char *dir;
  store *s;
  sqlite3 *db;
  fund_bursaries *b; /* steps through it when set (else fund_bursary_step) */
} fixture;

static void exec_ok(sqlite3 *db, const char *sql) {
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
    fail_msg("%s: %s", sql, msg);
}

static long long query_int(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* Two establishments (H in a hub since 2019-01-01, N in none), six
 * leaders, providers P1 (level6) and P2 (none); wave 1 from 2018-04-01 to
 * 2020-03-31 with 3 places, P1 allocated 2 and P2 1; a 60 % hub target and
 * a bursary of £1,000; wave 2 is not in the fund. */
static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  f->dir = test_tmpdir();
  char path[512], err[512];
  snprintf(path, sizeof path, "%s/fund.db", f->dir);
  instrument_bank *bank;
  assert_int_equal(instrument_bank_builtin(&bank, err, sizeof err), 0);
  int from, current;
  assert_int_equal(store_init(path, bank, "test", &from, &current, err, sizeof err), 0);
  instrument_bank_free(bank);
  assert_int_equal(store_open(&f->s, path, err, sizeof err), 0);
  f->db = store_db(f->s);
  exec_ok(f->db, "INSERT INTO hubs (id, name) VALUES (1, 'North');"
                 "INSERT INTO establishments (id, urn, name, type, region, hub_id, hub_joined)"
                 " VALUES (1, 'H', 'Hub school', 'mainstream', 'North East', 1, '2019-01-01'),"
                 "        (2, 'N', 'Other school', 'mainstream', 'London', NULL, NULL);"
                 "INSERT INTO leaders (id, leader_key, establishment_id, role) VALUES"
                 " (1, 'L1', 1, 'school'), (2, 'L2', 1, 'school'), (3, 'L3', 2, 'school'),"
                 " (4, 'L4', 2, 'school'), (5, 'L5', 1, 'school'), (6, 'L6', 2, 'school');"
                 "INSERT INTO providers (id, provider_key, name, accreditation) VALUES"
                 " (1, 'P1', 'First', 'level6'), (2, 'P2', 'Second', 'none');"
                 "INSERT INTO waves VALUES (1, '2018-04-01', '2020-03-31', 3, 60, 100000);"
                 "INSERT INTO allocations VALUES (1, 1, 2), (1, 2, 1);");
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  fund_bursaries_free(f->b);
  store_close(f->s);
  test_rmdir(f->dir);
  free(f);
  return 0;
}

/* Writes an enrolment (completion NULL when done is NULL) and returns its id. */
static sqlite3_int64 enrol(fixture *f, int leader, int provider, int wave, const char *start,
                           const char *done, const char *status) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(f->db,
                                      "INSERT INTO enrolments (leader_id, provider_id, wave,"
                                      " start_date, completion_date, status)"
                                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                      -1, &st, NULL),
                   SQLITE_OK);
  sqlite3_bind_int(st, 1, leader);
  sqlite3_bind_int(st, 2, provider);
  sqlite3_bind_int(st, 3, wave);
  sqlite3_bind_text(st, 4, start, -1, SQLITE_STATIC);
  if (done)
    sqlite3_bind_text(st, 5, done, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, status, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  return sqlite3_last_insert_rowid(f->db);
}

static void expect(fixture *f, sqlite3_int64 id, int rule, const char *message) {
  char msg[512] = "";
  int rc = fund_check_enrolment(f->db, id, msg, sizeof msg);
  if (rc != rule)
    fail_msg("rule %d, expected %d (%s)", rc, rule, msg);
  if (message)
    assert_string_equal(msg, message);
}

static void test_completion_dates(void **state) {
  fixture *f = *state;
  sqlite3_int64 id = enrol(f, 1, 1, 1, "2018-09-01", "2018-08-31", "completed");
  expect(f, id, FUND_COMPLETION_BEFORE_START,
         "the completion (2018-08-31) is dated before the start (2018-09-01)");
  exec_ok(f->db, "UPDATE enrolments SET completion_date = '2020-04-01'");
  expect(f, id, FUND_COMPLETION_OUTSIDE_WAVE,
         "the completion (2020-04-01) is outside wave 1, which runs from 2018-04-01 to "
         "2020-03-31");
  /* The wave's last day is inside it; a time of day does not move it. */
  exec_ok(f->db, "UPDATE enrolments SET completion_date = '2020-03-31T17:00:00Z'");
  expect(f, id, FUND_OK, NULL);
  /* Outside the fund only the order of the dates counts. */
  sqlite3_int64 other = enrol(f, 2, 1, 2, "2021-01-01", "2025-01-01", "completed");
  expect(f, other, FUND_OK, NULL);
}

static void test_one_place_per_leader(void **state) {
  fixture *f = *state;
  sqlite3_int64 a = enrol(f, 1, 1, 1, "2018-09-01", NULL, "enrolled");
  expect(f, a, FUND_OK, NULL);
  sqlite3_int64 b = enrol(f, 1, 2, 1, "2018-10-01", NULL, "enrolled");
  expect(f, b, FUND_LEADER_HOLDS_PLACE,
         "Careers Leader L1 already holds a place in wave 1 (with provider P1)");
  /* A withdrawal frees the place: the leader may enrol again. */
  exec_ok(f->db, "UPDATE enrolments SET status = 'withdrawn' WHERE provider_id = 1");
  expect(f, b, FUND_OK, NULL);
  /* A withdrawn enrolment itself is never refused for places. */
  expect(f, a, FUND_OK, NULL);
  /* Another wave is another place. */
  sqlite3_int64 c = enrol(f, 1, 2, 2, "2020-09-01", NULL, "enrolled");
  expect(f, c, FUND_OK, NULL);
}

static void test_wave_full(void **state) {
  fixture *f = *state;
  exec_ok(f->db, "UPDATE allocations SET places = 5");
  exec_ok(f->db, "UPDATE waves SET places = 3");
  expect(f, enrol(f, 1, 1, 1, "2018-09-01", NULL, "enrolled"), FUND_OK, NULL);
  expect(f, enrol(f, 2, 1, 1, "2018-09-01", NULL, "enrolled"), FUND_OK, NULL);
  expect(f, enrol(f, 3, 2, 1, "2018-09-01", "2019-01-01", "completed"), FUND_OK, NULL);
  sqlite3_int64 last = enrol(f, 4, 2, 1, "2018-09-01", NULL, "enrolled");
  expect(f, last, FUND_WAVE_FULL, "wave 1 is full: all its 3 places are taken");
  /* A withdrawal frees a place for it. */
  exec_ok(f->db, "UPDATE enrolments SET status = 'withdrawn' WHERE leader_id = 1");
  expect(f, last, FUND_OK, NULL);
  /* A wave outside the fund has no limit. */
  for (int l = 1; l <= 6; l++)
    expect(f, enrol(f, l, 1, 2, "2020-09-01", NULL, "enrolled"), FUND_OK, NULL);
}

static void test_allocation_used(void **state) {
  fixture *f = *state;
  expect(f, enrol(f, 1, 2, 1, "2018-09-01", NULL, "enrolled"), FUND_OK, NULL);
  sqlite3_int64 id = enrol(f, 2, 2, 1, "2018-09-01", NULL, "enrolled");
  expect(f, id, FUND_ALLOCATION_USED,
         "provider P2's allocation for wave 1 is used up: all its 1 place is taken");
  exec_ok(f->db, "DELETE FROM allocations WHERE provider_id = 2");
  expect(f, id, FUND_ALLOCATION_USED, "provider P2 has no allocation of places in wave 1");
}

static void test_wave_and_allocation_checks(void **state) {
  fixture *f = *state;
  char msg[512];
  assert_int_equal(fund_check_wave(f->db, 1, msg, sizeof msg), FUND_OK);
  assert_int_equal(fund_check_wave(f->db, 7, msg, sizeof msg), FUND_OK); /* not in the fund */
  enrol(f, 1, 1, 1, "2018-09-01", NULL, "enrolled");
  enrol(f, 2, 1, 1, "2018-09-01", "2019-06-30", "completed");
  exec_ok(f->db, "UPDATE waves SET places = 1");
  assert_int_equal(fund_check_wave(f->db, 1, msg, sizeof msg), FUND_WAVE_SHRINKS);
  assert_string_equal(msg, "wave 1 already has 2 places taken, more than 1");
  exec_ok(f->db, "UPDATE waves SET places = 2");
  assert_int_equal(fund_check_wave(f->db, 1, msg, sizeof msg), FUND_ALLOCATIONS_EXCEED);
  assert_string_equal(msg, "the allocations of wave 1 add up to 3 places, more than its 2");
  exec_ok(f->db, "UPDATE waves SET places = 1300, closes = '2019-03-31'");
  assert_int_equal(fund_check_wave(f->db, 1, msg, sizeof msg), FUND_WAVE_DATES);
  assert_string_equal(msg, "1 completion in wave 1 would fall outside 2018-04-01 to 2019-03-31 "
                           "(Careers Leader L2 on 2019-06-30)");
  exec_ok(f->db, "UPDATE waves SET places = 3, closes = '2020-03-31'");

  assert_int_equal(fund_check_allocation(f->db, 1, 1, msg, sizeof msg), FUND_OK);
  exec_ok(f->db, "UPDATE allocations SET places = 1 WHERE provider_id = 1");
  assert_int_equal(fund_check_allocation(f->db, 1, 1, msg, sizeof msg), FUND_ALLOCATION_SHRINKS);
  assert_string_equal(msg, "the provider already has 2 places taken in wave 1, more than 1");
  exec_ok(f->db, "UPDATE allocations SET places = 3 WHERE provider_id = 1");
  assert_int_equal(fund_check_allocation(f->db, 1, 1, msg, sizeof msg), FUND_ALLOCATIONS_EXCEED);
  assert_string_equal(msg, "the allocations of wave 1 add up to 4 places, more than its 3");
  assert_int_equal(fund_check_allocation(f->db, 2, 1, msg, sizeof msg), FUND_WAVE_UNKNOWN);
  assert_string_equal(msg, "wave 2 is not in the fund (import it with KIND waves first)");
}

static int step(fixture *f, const char *leader, int wave, fund_step st, const char *date,
                char *msg) {
  if (f->b)
    return fund_bursaries_step(f->b, leader, wave, st, date, "tester", msg, 512);
  return fund_bursary_step(f->s, leader, wave, st, date, "tester", msg, 512);
}

static void test_bursary_steps(void **state) {
  fixture *f = *state;
  char msg[512];
  exec_ok(f->db, "UPDATE waves SET bursary_pence = 123456");
  enrol(f, 1, 1, 1, "2018-09-01", NULL, "enrolled");
  enrol(f, 2, 1, 1, "2018-09-01", "2019-06-30", "completed");
  assert_int_equal(step(f, "L9", 1, FUND_CLAIM, "2019-07-01", msg), FUND_STEP_REFUSED);
  assert_string_equal(msg, "no Careers Leader has the id L9");
  assert_int_equal(step(f, "L3", 1, FUND_CLAIM, "2019-07-01", msg), FUND_STEP_REFUSED);
  assert_string_equal(msg, "Careers Leader L3 has no enrolment in wave 1");
  assert_int_equal(step(f, "L1", 1, FUND_CLAIM, "2019-07-01", msg), FUND_STEP_REFUSED);
  assert_string_equal(msg, "Careers Leader L1 has not completed wave 1 (the enrolment is "
                           "enrolled): a bursary is claimed on completion");
  assert_int_equal(step(f, "L2", 1, FUND_CLAIM, "2019-06-29", msg), FUND_STEP_REFUSED);
  assert_string_equal(msg, "the claim (2019-06-29) is dated before the completion (2019-06-30)");
  assert_int_equal(step(f, "L2", 1, FUND_APPROVE, "2019-07-01", msg), FUND_STEP_REFUSED);
  assert_string_equal(
      msg, "no bursary has been claimed for Careers Leader L2 in wave 1 (claim it first)");
  assert_int_equal(step(f, "L2", 1, FUND_CLAIM, "2019-07-01", msg), FUND_STEP_DONE);
  assert_int_equal(query_int(f->db, "SELECT amount_pence FROM bursary_claims"), 123456);
  /* Once only. */
  assert_int_equal(step(f, "L2", 1, FUND_CLAIM, "2019-07-01", msg), FUND_STEP_ALREADY);
  assert_string_equal(
      msg, "the bursary of Careers Leader L2 for wave 1 was already claimed on 2019-07-01");
  assert_int_equal(step(f, "L2", 1, FUND_CLAIM, "2019-08-01", msg), FUND_STEP_REFUSED);
  assert_int_equal(step(f, "L2", 1, FUND_PAY, "2019-07-02", msg), FUND_STEP_REFUSED);
  assert_string_equal(
      msg, "the bursary of Careers Leader L2 for wave 1 is not approved yet (approve it first)");
  assert_int_equal(step(f, "L2", 1, FUND_APPROVE, "2019-06-30", msg), FUND_STEP_REFUSED);
  assert_string_equal(msg, "the approval (2019-06-30) is dated before the claim (2019-07-01)");
  assert_int_equal(step(f, "L2", 1, FUND_APPROVE, "2019-07-02", msg), FUND_STEP_DONE);
  assert_int_equal(step(f, "L2", 1, FUND_PAY, "2019-07-01", msg), FUND_STEP_REFUSED);
  assert_string_equal(msg, "the payment (2019-07-01) is dated before the approval (2019-07-02)");
  assert_int_equal(step(f, "L2", 1, FUND_PAY, "2019-07-03", msg), FUND_STEP_DONE);
  /* Never backwards. */
  assert_int_equal(step(f, "L2", 1, FUND_APPROVE, "2019-07-05", msg), FUND_STEP_REFUSED);
  assert_string_equal(msg, "the bursary of Careers Leader L2 for wave 1 was already approved on "
                           "2019-07-02 (it never goes back a step)");
  assert_int_equal(step(f, "L2", 1, FUND_PAY, "2019-07-03", msg), FUND_STEP_ALREADY);
  assert_int_equal(step(f, "L2", 1, FUND_PAY, "2019-13-03", msg), FUND_STEP_REFUSED);
  assert_string_equal(msg, "the date \"2019-13-03\" is not a date (YYYY-MM-DD)");
  /* Each step audited, with the amount. */
  assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit_log WHERE action LIKE 'bursary %'"
                                    " AND actor = 'tester'"),
                   3);
  assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit_log WHERE action = 'bursary pay'"
                                    " AND detail = 'leader=L2 wave=1 date=2019-07-03"
                                    " amount_pence=123456'"),
                   1);
  assert_int_equal(query_int(f->db, "SELECT count(*) FROM bursary_claims WHERE status = 'paid'"
                                    " AND claimed_date = '2019-07-01' AND approved_date ="
                                    " '2019-07-02' AND paid_date = '2019-07-03'"),
                   1);
  /* Outside the fund a bursary is £1,000. */
  enrol(f, 3, 1, 2, "2020-09-01", "2020-12-01", "completed");
  assert_int_equal(step(f, "L3", 2, FUND_CLAIM, "2020-12-02", msg), FUND_STEP_DONE);
  assert_int_equal(query_int(f->db, "SELECT amount_pence FROM bursary_claims b JOIN enrolments e"
                                    " ON e.id = b.enrolment_id WHERE e.wave = 2"),
                   100000);
}

/* The same steps through one fund_bursaries (an import's rows): its
 * statements, prepared once, give every result, message, amount and audit
 * entry that fund_bursary_step gives. */
static void test_bursary_steps_kept(void **state) {
  fixture *f = *state;
  f->b = fund_bursaries_new(f->s);
  test_bursary_steps(state);
}

static void test_ledger(void **state) {
  fixture *f = *state;
  char msg[512];
  /* Wave 1: L1 (hub, started after joining) completes with P1; L2 (hub,
   * started before joining) enrolled with P1; L3 (no hub) withdrew from
   * P2, L4 (no hub) took P2's place and completed. */
  enrol(f, 1, 1, 1, "2019-02-01", "2019-09-01", "completed");
  enrol(f, 2, 1, 1, "2018-09-01", NULL, "enrolled");
  enrol(f, 3, 2, 1, "2018-09-01", NULL, "withdrawn");
  enrol(f, 4, 2, 1, "2018-10-01", "2019-05-01", "completed");
  enrol(f, 5, 1, 2, "2020-09-01", NULL, "enrolled");
  assert_int_equal(step(f, "L1", 1, FUND_CLAIM, "2019-09-02", msg), FUND_STEP_DONE);
  assert_int_equal(step(f, "L1", 1, FUND_APPROVE, "2019-09-03", msg), FUND_STEP_DONE);
  assert_int_equal(step(f, "L4", 1, FUND_CLAIM, "2019-05-02", msg), FUND_STEP_DONE);
  assert_int_equal(step(f, "L4", 1, FUND_APPROVE, "2019-05-03", msg), FUND_STEP_DONE);
  assert_int_equal(step(f, "L4", 1, FUND_PAY, "2019-05-04", msg), FUND_STEP_DONE);
  fund_ledger *l;
  assert_int_equal(fund_ledger_load(f->db, 0, &l, msg, sizeof msg), 0);
  assert_int_equal(l->nwaves, 2);
  fund_wave *w = &l->waves[0];
  assert_int_equal(w->wave, 1);
  assert_true(w->in_fund);
  assert_string_equal(w->opens, "2018-04-01");
  assert_int_equal(w->places, 3);
  assert_int_equal(w->allocated, 3);
  assert_int_equal(w->taken, 3);
  assert_int_equal(w->completed, 2);
  assert_int_equal(w->withdrawn, 1);
  assert_int_equal(w->hub_taken, 1);
  assert_close(w->hub_share, 100.0 / 3, 1e-12);
  assert_close(w->hub_target, 60, 0);
  assert_true(fund_hub_short(w));
  assert_int_equal(w->claimed_pence, 200000);
  assert_int_equal(w->approved_pence, 200000);
  assert_int_equal(w->paid_pence, 100000);
  assert_int_equal(w->claims, 2);
  assert_int_equal(w->payments, 1);
  w = &l->waves[1];
  assert_int_equal(w->wave, 2);
  assert_false(w->in_fund);
  assert_int_equal(w->taken, 1);
  assert_int_equal(w->hub_taken, 1);
  assert_true(isnan(w->hub_target));
  assert_false(fund_hub_short(w));
  assert_int_equal(l->nproviders, 3);
  fund_provider *p = &l->providers[0];
  assert_string_equal(p->provider_key, "P1");
  assert_string_equal(p->accreditation, "level6");
  assert_int_equal(p->allocated, 2);
  assert_int_equal(p->taken, 2);
  assert_int_equal(p->completed, 1);
  assert_close(p->completion_rate, 50, 1e-12);
  p = &l->providers[1];
  assert_string_equal(p->provider_key, "P2");
  assert_int_equal(p->taken, 1);
  assert_int_equal(p->withdrawn, 1);
  assert_close(p->completion_rate, 50, 1e-12);
  p = &l->providers[2];
  assert_int_equal(p->wave, 2);
  assert_int_equal(p->allocated, 0);
  assert_close(p->completion_rate, 0, 0);
  fund_ledger_free(l);
  /* One wave only. */
  assert_int_equal(fund_ledger_load(f->db, 2, &l, msg, sizeof msg), 0);
  assert_int_equal(l->nwaves, 1);
  assert_int_equal(l->nproviders, 1);
  fund_ledger_free(l);
  fund_ledger_free(NULL);
}

/* The ledger as the grouped SQL join computed it before it was counted in
 * memory (fund.c until 2026-12-03), the referee of fund_ledger_load and of
 * the dataset's ledger: every wave's and provider's row compared. */
static void expect_sql_ledger(sqlite3 *db, int only, const fund_ledger *l) {
  static const char *const sql[] = {
      "SELECT k.wave, w.wave IS NOT NULL, w.opens, w.closes, w.places, w.hub_target_pct,"
      " w.bursary_pence,"
      " (SELECT coalesce(sum(a.places), 0) FROM allocations a WHERE a.wave = k.wave)"
      " FROM (SELECT wave FROM waves UNION SELECT wave FROM enrolments) k"
      " LEFT JOIN waves w ON w.wave = k.wave"
      " WHERE ?1 <= 0 OR k.wave = ?1 ORDER BY k.wave",
      "SELECT e.wave, coalesce(sum(e.status <> 'withdrawn'), 0),"
      " coalesce(sum(e.status = 'completed'), 0), coalesce(sum(e.status = 'withdrawn'), 0),"
      " coalesce(sum(e.status <> 'withdrawn' AND s.hub_id IS NOT NULL"
      "   AND (s.hub_joined IS NULL"
      "        OR substr(s.hub_joined, 1, 10) <= substr(e.start_date, 1, 10))), 0),"
      " coalesce(sum(b.amount_pence), 0),"
      " coalesce(sum(CASE WHEN b.status IN ('approved', 'paid') THEN b.amount_pence END), 0),"
      " coalesce(sum(CASE WHEN b.status = 'paid' THEN b.amount_pence END), 0),"
      " count(b.id), coalesce(sum(b.status IN ('approved', 'paid')), 0),"
      " coalesce(sum(b.status = 'paid'), 0)"
      " FROM enrolments e JOIN leaders l ON l.id = e.leader_id"
      " JOIN establishments s ON s.id = l.establishment_id"
      " LEFT JOIN bursary_claims b ON b.enrolment_id = e.id"
      " WHERE ?1 <= 0 OR e.wave = ?1 GROUP BY e.wave",
      "SELECT k.wave, p.provider_key, p.name, p.accreditation, coalesce(a.places, 0),"
      " coalesce(sum(e.status <> 'withdrawn'), 0),"
      " coalesce(sum(e.status = 'completed'), 0), coalesce(sum(e.status = 'withdrawn'), 0)"
      " FROM (SELECT wave, provider_id FROM allocations"
      "       UNION SELECT wave, provider_id FROM enrolments) k"
      " JOIN providers p ON p.id = k.provider_id"
      " LEFT JOIN allocations a ON a.wave = k.wave AND a.provider_id = k.provider_id"
      " LEFT JOIN enrolments e ON e.wave = k.wave AND e.provider_id = k.provider_id"
      " WHERE ?1 <= 0 OR k.wave = ?1"
      " GROUP BY k.wave, k.provider_id ORDER BY k.wave, p.provider_key"};
  sqlite3_stmt *st;
  size_t i = 0;
  assert_int_equal(sqlite3_prepare_v2(db, sql[0], -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_int(st, 1, only);
  for (; sqlite3_step(st) == SQLITE_ROW; i++) {
    assert_true(i < l->nwaves);
    const fund_wave *w = &l->waves[i];
    assert_int_equal(w->wave, sqlite3_column_int(st, 0));
    assert_int_equal(w->in_fund, sqlite3_column_int(st, 1));
    const unsigned char *opens = sqlite3_column_text(st, 2), *closes = sqlite3_column_text(st, 3);
    assert_string_equal(w->opens, opens ? (const char *)opens : "");
    assert_string_equal(w->closes, closes ? (const char *)closes : "");
    assert_int_equal(w->places, sqlite3_column_int64(st, 4));
    if (w->in_fund)
      assert_true(w->hub_target == sqlite3_column_double(st, 5));
    else
      assert_true(isnan(w->hub_target));
    assert_int_equal(w->bursary_pence, sqlite3_column_int64(st, 6));
    assert_int_equal(w->allocated, sqlite3_column_int64(st, 7));
  }
  sqlite3_finalize(st);
  assert_int_equal(i, l->nwaves);
  assert_int_equal(sqlite3_prepare_v2(db, sql[1], -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_int(st, 1, only);
  size_t rows = 0;
  for (; sqlite3_step(st) == SQLITE_ROW; rows++) {
    const fund_wave *w = NULL;
    for (i = 0; i < l->nwaves; i++)
      if (l->waves[i].wave == sqlite3_column_int(st, 0))
        w = &l->waves[i];
    assert_non_null(w);
    long long v[] = {w->taken,          w->completed,  w->withdrawn, w->hub_taken, w->claimed_pence,
                     w->approved_pence, w->paid_pence, w->claims,    w->approvals, w->payments};
    for (int c = 0; c < 10; c++)
      assert_int_equal(v[c], sqlite3_column_int64(st, 1 + c));
    if (w->taken)
      assert_true(w->hub_share == 100.0 * (double)w->hub_taken / (double)w->taken);
  }
  sqlite3_finalize(st);
  for (i = 0; i < l->nwaves; i++) /* a wave without enrolments counts none */
    if (!l->waves[i].taken && !l->waves[i].withdrawn)
      assert_int_equal(l->waves[i].claims, 0);
  assert_true(rows <= l->nwaves);
  assert_int_equal(sqlite3_prepare_v2(db, sql[2], -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_int(st, 1, only);
  for (i = 0; sqlite3_step(st) == SQLITE_ROW; i++) {
    assert_true(i < l->nproviders);
    const fund_provider *p = &l->providers[i];
    assert_int_equal(p->wave, sqlite3_column_int(st, 0));
    assert_string_equal(p->provider_key, (const char *)sqlite3_column_text(st, 1));
    assert_string_equal(p->name, (const char *)sqlite3_column_text(st, 2));
    assert_string_equal(p->accreditation, (const char *)sqlite3_column_text(st, 3));
    assert_int_equal(p->allocated, sqlite3_column_int64(st, 4));
    assert_int_equal(p->taken, sqlite3_column_int64(st, 5));
    assert_int_equal(p->completed, sqlite3_column_int64(st, 6));
    assert_int_equal(p->withdrawn, sqlite3_column_int64(st, 7));
  }
  sqlite3_finalize(st);
  assert_int_equal(i, l->nproviders);
}

/* The ledger counted in memory (fund_ledger_load, and the dataset's from
 * its own enrolments) equals the grouped SQL join's, on data that reaches
 * every case: a hub member throughout (no joining date) and one that
 * joined on the very day an enrolment started, a claim approved and one
 * paid, a claim of a withdrawn leader's other wave, waves in the fund
 * without enrolments and enrolments in waves outside it (3 and 5, out of
 * order), a provider allocated places it never took, provider keys in
 * another order than their ids, and the ids of enrolments not in the
 * order of the dataset's (by leader key). */
static void test_ledger_counted_as_sql(void **state) {
  fixture *f = *state;
  char msg[512];
  exec_ok(f->db, "INSERT INTO hubs (id, name) VALUES (2, 'South');"
                 "INSERT INTO establishments (id, urn, name, type, region, hub_id, hub_joined)"
                 " VALUES (3, 'T', 'Throughout', 'special', 'South West', 2, NULL),"
                 "        (4, 'D', 'Same day', 'ap', 'South West', 2, '2018-09-01');"
                 "INSERT INTO leaders (id, leader_key, establishment_id, role) VALUES"
                 " (7, 'A7', 3, 'school'), (8, 'B8', 4, 'school'), (9, 'Z9', 4, 'school');"
                 "INSERT INTO providers (id, provider_key, name, accreditation) VALUES"
                 " (3, 'P0', 'Zeroth', 'level7'), (4, 'P9', 'Ninth', 'none');"
                 "INSERT INTO waves VALUES (4, '2021-01-01', '2021-12-31', 10, 50.5, 75000);"
                 "INSERT INTO allocations VALUES (1, 3, 1), (4, 4, 6);");
  enrol(f, 9, 3, 5, "2022-01-10", NULL, "enrolled");
  enrol(f, 1, 1, 1, "2019-02-01", "2019-09-01", "completed");
  enrol(f, 2, 1, 1, "2018-09-01", NULL, "enrolled");
  enrol(f, 3, 2, 1, "2018-09-01", NULL, "withdrawn");
  enrol(f, 7, 3, 1, "2018-05-01", "2019-01-15", "completed");
  enrol(f, 8, 2, 1, "2018-09-01", "2019-03-01", "completed");
  enrol(f, 3, 2, 3, "2020-01-01", "2020-06-01", "completed");
  enrol(f, 5, 1, 3, "2020-09-01", NULL, "enrolled");
  enrol(f, 6, 3, 3, "2020-02-01", NULL, "withdrawn");
  assert_int_equal(step(f, "L1", 1, FUND_CLAIM, "2019-09-02", msg), FUND_STEP_DONE);
  assert_int_equal(step(f, "L1", 1, FUND_APPROVE, "2019-09-03", msg), FUND_STEP_DONE);
  assert_int_equal(step(f, "A7", 1, FUND_CLAIM, "2019-01-16", msg), FUND_STEP_DONE);
  assert_int_equal(step(f, "A7", 1, FUND_APPROVE, "2019-01-17", msg), FUND_STEP_DONE);
  assert_int_equal(step(f, "A7", 1, FUND_PAY, "2019-01-18", msg), FUND_STEP_DONE);
  assert_int_equal(step(f, "B8", 1, FUND_CLAIM, "2019-03-02", msg), FUND_STEP_DONE);
  assert_int_equal(step(f, "L3", 3, FUND_CLAIM, "2020-06-02", msg), FUND_STEP_DONE);
  for (int only = 0; only <= 5; only++) {
    fund_ledger *l;
    assert_int_equal(fund_ledger_load(f->db, only, &l, msg, sizeof msg), 0);
    expect_sql_ledger(f->db, only, l);
    if (only == 0) { /* the cases are there */
      assert_int_equal(l->nwaves, 4);
      assert_int_equal(l->waves[0].hub_taken, 3); /* L1, A7 (throughout), B8 (same day) */
      assert_int_equal(l->waves[0].claims, 3);
      assert_int_equal(l->waves[2].wave, 4);
      assert_int_equal(l->waves[2].taken, 0);
      assert_int_equal(l->waves[1].claims, 1);
      assert_string_equal(l->providers[0].provider_key, "P0");
    }
    fund_ledger_free(l);
  }
  dataset *ds;
  assert_int_equal(dataset_load(f->s, &ds, msg, sizeof msg), 0);
  expect_sql_ledger(f->db, 0, ds->fund);
  dataset_free(ds);
}

/* A hub joined at a time with an offset counts from its UTC day, in
 * `cleval fund` (fund_ledger_load) and the report's ledger (the dataset's)
 * alike: joined 2019-01-01T23:30-02:00 is 2019-01-02 UTC, after a start on
 * 2019-01-01 (not in the hub); joined 2019-01-02T01:00+02:00 is 2019-01-01
 * UTC, the same day (in it). fund_ledger_load compared the first ten
 * characters and counted the opposite of the report in both cases. */
static void test_ledger_hub_joined_with_offset(void **state) {
  fixture *f = *state;
  char msg[512];
  exec_ok(f->db, "INSERT INTO establishments (id, urn, name, type, region, hub_id, hub_joined)"
                 " VALUES (5, 'O', 'Offset', 'mainstream', 'North East', 1,"
                 "         '2019-01-02T01:00:00+02:00');"
                 "UPDATE establishments SET hub_joined = '2019-01-01T23:30:00-02:00' WHERE id = 1;"
                 "INSERT INTO leaders (id, leader_key, establishment_id, role) VALUES"
                 " (10, 'O10', 5, 'school');");
  static const char *const starts[2][2] = {{"1", "2019-01-01"},   /* establishment 1: not yet */
                                           {"10", "2019-01-01"}}; /* 5: joined that day */
  for (int k = 0; k < 2; k++) {
    enrol(f, atoi(starts[k][0]), 1, 1, starts[k][1], NULL, "enrolled");
    fund_ledger *l;
    assert_int_equal(fund_ledger_load(f->db, 0, &l, msg, sizeof msg), 0);
    assert_int_equal(l->waves[0].taken, k + 1);
    assert_int_equal(l->waves[0].hub_taken, k);
    dataset *ds;
    assert_int_equal(dataset_load(f->s, &ds, msg, sizeof msg), 0);
    assert_int_equal(ds->fund->waves[0].hub_taken, k);
    dataset_free(ds);
    fund_ledger_free(l);
  }
  assert_int_equal(fund_hub_on_start(0, 1, NULL, "2019-01-01"), -1);
  assert_int_equal(fund_hub_on_start(1, 0, NULL, "2019-01-01"), 0);
  assert_int_equal(fund_hub_on_start(1, 1, NULL, "2019-01-01"), 1);
  assert_int_equal(fund_hub_on_start(1, 1, "2019-01-01", "2019-01-01"), 1);
  assert_int_equal(fund_hub_on_start(1, 1, "2019-01-02", "2019-01-01"), 0);
}

static void test_pounds(void **state) {
  (void)state;
  char buf[40];
  assert_string_equal(fund_pounds(100000, buf, sizeof buf), "\xC2\xA3"
                                                            "1,000.00");
  assert_string_equal(fund_pounds(5, buf, sizeof buf), "\xC2\xA3"
                                                       "0.05");
  assert_string_equal(fund_pounds(123456789012, buf, sizeof buf), "\xC2\xA3"
                                                                  "1,234,567,890.12");
  assert_string_equal(fund_pounds(-150, buf, sizeof buf), "-\xC2\xA3"
                                                          "1.50");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_completion_dates, setup, teardown),
      cmocka_unit_test_setup_teardown(test_one_place_per_leader, setup, teardown),
      cmocka_unit_test_setup_teardown(test_wave_full, setup, teardown),
      cmocka_unit_test_setup_teardown(test_allocation_used, setup, teardown),
      cmocka_unit_test_setup_teardown(test_wave_and_allocation_checks, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bursary_steps, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bursary_steps_kept, setup, teardown),
      cmocka_unit_test_setup_teardown(test_ledger, setup, teardown),
      cmocka_unit_test_setup_teardown(test_ledger_counted_as_sql, setup, teardown),
      cmocka_unit_test_setup_teardown(test_ledger_hub_joined_with_offset, setup, teardown),
      cmocka_unit_test(test_pounds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The survey pages end to end through web_app_handle (no sockets): a pre
 * survey answered a section at a time and resumed, submitted once, stored
 * and scored; a post survey's profile; the anonymous follow-up; used,
 * revoked, unknown and guessed links; bad answers. */
#include "testutil.h"

#include "instrument.h"
#include "test_web_util.h"

static char *dir, *path;
static web_app *app;
static store *db; /* the test's own connection, for checking */
static char cookie[128], csrf[TOKEN_MAX];

static void exec_sql(const char *sql) {
  char *msg = NULL;
  if (sqlite3_exec(store_db(db), sql, NULL, NULL, &msg) != SQLITE_OK)
    fail_msg("%s: %s", sql, msg);
}

static double query_num(const char *sql) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(store_db(db), sql, -1, &st, NULL) != SQLITE_OK)
    fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(db)));
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  double v = sqlite3_column_double(st, 0);
  sqlite3_finalize(st);
  return v;
}

static int request(const char *method, const char *url, const char *body, const char *client,
                   web_response *res) {
  return webtest_request(app, method, url, cookie, body, client, res, csrf[0] ? NULL : csrf);
}

static const char *location(const web_response *res) {
  const char *loc = webtest_header(res, "Location");
  return loc ? loc : "";
}

/* A link for leader key (NULL: the follow-up, no leader) at stage. */
static void make_link(const char *leader, const char *stage, char *tok) {
  char hash[TOKEN_HASH_HEX];
  token_new(tok, 16);
  token_hash(tok, hash);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(store_db(db),
                                      "INSERT INTO survey_tokens (token_hash, leader_id, stage,"
                                      " created_at) VALUES (?1, (SELECT id FROM leaders"
                                      " WHERE leader_key = ?2), ?3, '2026-01-01')",
                                      -1, &st, NULL),
                   SQLITE_OK);
  sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, leader, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, stage, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
}

static int setup(void **state) {
  (void)state;
  path = webtest_db(&dir, "s.db");
  char err[512];
  assert_int_equal(store_open(&db, path, err, sizeof err), 0);
  exec_sql("INSERT INTO providers (provider_key, name, accreditation) VALUES ('P1', 'One', 'none');"
           "INSERT INTO establishments (urn, name, type, region) VALUES"
           " ('100', 'A School', 'mainstream', 'North'), ('200', 'A College', 'fe_college', 'North');"
           "INSERT INTO leaders (leader_key, establishment_id, role, contact_consent) VALUES"
           " ('L1', 1, 'school', 1), ('L2', 2, 'college_strategic', 0);"
           "INSERT INTO enrolments (leader_id, provider_id, wave, start_date, completion_date,"
           " status) VALUES (1, 1, 1, '2019-09-01', '2020-01-10', 'completed'),"
           " (2, 1, 1, '2019-09-01', NULL, 'enrolled');");
  web_app_options o = {2, false, true};
  assert_int_equal(web_app_new(&app, path, &o, err, sizeof err), 0);
  char visitor[TOKEN_MAX];
  token_new(visitor, 16);
  snprintf(cookie, sizeof cookie, "%s=%s", WEB_VISITOR_COOKIE, visitor);
  web_response res;
  request("GET", "/healthz", NULL, NULL, &res); /* learns the csrf value */
  web_response_clear(&res);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  web_app_free(app);
  store_close(db);
  free(path);
  test_rmdir(dir);
  return 0;
}

/* The item ids of a role's self-assessment items in an area, in order. */
static size_t items_of(const char *role, const char *area, const char **out, size_t max) {
  static instrument_bank *bank;
  char err[256];
  if (!bank)
    assert_int_equal(instrument_bank_builtin(&bank, err, sizeof err), 0);
  const instrument *in = instrument_bank_get(bank, "self-assessment");
  size_t n = 0;
  for (size_t i = 0; i < in->nitems && n < max; i++)
    if (strcmp(in->items[i].role, role) == 0 && strcmp(in->items[i].area, area) == 0)
      out[n++] = in->items[i].id;
  return n;
}

/* Posts one area's answers, all value v, as section sec; expects 303. */
static void post_area(const char *tok, const char *role, const char *area, int sec, int v,
                      const char *go) {
  const char *ids[16];
  size_t n = items_of(role, area, ids, 16);
  char body[4096], url[64];
  int o = snprintf(body, sizeof body, "csrf=%s&section=%d&go=%s", csrf, sec, go);
  for (size_t i = 0; i < n; i++)
    o += snprintf(body + o, sizeof body - (size_t)o, "&%s=%d", ids[i], v);
  snprintf(url, sizeof url, "/s/%s", tok);
  web_response res;
  assert_int_equal(request("POST", url, body, NULL, &res), 303);
  /* On to the next section, or the review after the last. */
  char want[96];
  if (sec < 4)
    snprintf(want, sizeof want, "%s?section=%d", url, sec + 1);
  else
    snprintf(want, sizeof want, "%s?review=1", url);
  assert_string_equal(location(&res), want);
  web_response_clear(&res);
}

static const char *const areas[] = {"leadership", "management", "coordination", "networking"};

static void test_pre_resume_submit_once(void **state) {
  (void)state;
  char tok[TOKEN_MAX], url[64];
  make_link("L2", "pre", tok);
  snprintf(url, sizeof url, "/s/%s", tok);
  web_response res;
  /* The first section: leadership, as a fieldset of Likert radio groups,
   * labelled, with the csrf field and a progress indicator. */
  assert_int_equal(request("GET", url, NULL, NULL, &res), 200);
  assert_non_null(strstr(res.body.data, "<legend class=\"area\">Leadership</legend>"));
  assert_non_null(strstr(res.body.data, "name=\"csrf\""));
  assert_non_null(strstr(res.body.data, "<progress"));
  assert_non_null(strstr(res.body.data, "<label for=\"strat_lead_01-5\">Strongly agree</label>"));
  web_response_clear(&res);
  post_area(tok, "college_strategic", "leadership", 1, 5, "next");
  post_area(tok, "college_strategic", "management", 2, 3, "next");
  /* Leaving and coming back: the link resumes at the first section with
   * unanswered questions, the saved answers ticked when revisited. */
  assert_int_equal(request("GET", url, NULL, NULL, &res), 200);
  assert_non_null(strstr(res.body.data, "<legend class=\"area\">Coordination</legend>"));
  web_response_clear(&res);
  char again[96];
  snprintf(again, sizeof again, "%s?section=1", url);
  assert_int_equal(request("GET", again, NULL, NULL, &res), 200);
  assert_non_null(strstr(res.body.data, "value=\"5\" checked"));
  web_response_clear(&res);
  assert_int_equal(query_num("SELECT count(*) FROM responses"), 0);
  post_area(tok, "college_strategic", "coordination", 3, 4, "next");
  post_area(tok, "college_strategic", "networking", 4, 2, "next");
  /* Everything answered: the review. */
  assert_int_equal(request("GET", url, NULL, NULL, &res), 200);
  assert_non_null(strstr(res.body.data, "Check your answers"));
  assert_non_null(strstr(res.body.data, "value=\"submit\""));
  web_response_clear(&res);
  char body[128];
  snprintf(body, sizeof body, "csrf=%s&go=submit", csrf);
  assert_int_equal(request("POST", url, body, NULL, &res), 200);
  assert_non_null(strstr(res.body.data, "Thank you"));
  web_response_clear(&res);
  /* Stored: the response, every answer, the area scores as score.c makes
   * them (percent: sum / (5 x answered) x 100), the link used, no drafts. */
  assert_int_equal(query_num("SELECT count(*) FROM responses r JOIN leaders l"
                             " ON l.id = r.leader_id WHERE l.leader_key = 'L2' AND r.stage = 'pre'"
                             " AND r.role = 'college_strategic'"),
                   1);
  const char *ids[16];
  size_t total = 0;
  for (int a = 0; a < 4; a++)
    total += items_of("college_strategic", areas[a], ids, 16);
  assert_int_equal(query_num("SELECT count(*) FROM answers"), total);
  assert_close(query_num("SELECT score FROM area_scores WHERE area = 'leadership'"), 100, 1e-12);
  assert_close(query_num("SELECT score FROM area_scores WHERE area = 'management'"), 60, 1e-12);
  assert_close(query_num("SELECT score FROM area_scores WHERE area = 'coordination'"), 80, 1e-12);
  assert_close(query_num("SELECT score FROM area_scores WHERE area = 'networking'"), 40, 1e-12);
  assert_int_equal(query_num("SELECT count(*) FROM survey_tokens WHERE used_at IS NOT NULL"), 1);
  assert_int_equal(query_num("SELECT count(*) FROM survey_drafts"), 0);
  /* A second submission (double click, reload): polite, nothing twice. */
  assert_int_equal(request("POST", url, body, NULL, &res), 410);
  assert_non_null(strstr(res.body.data, "Already submitted"));
  web_response_clear(&res);
  assert_int_equal(request("GET", url, NULL, NULL, &res), 410);
  web_response_clear(&res);
  assert_int_equal(query_num("SELECT count(*) FROM responses"), 1);
  assert_int_equal(query_num("SELECT count(*) FROM answers"), total);
}

static void test_post_profile(void **state) {
  (void)state;
  char pre[TOKEN_MAX], post[TOKEN_MAX], url[64];
  make_link("L1", "pre", pre);
  make_link("L1", "post", post);
  /* Pre: everything 2 (40 %), in one post with submit. Post: everything 4
   * (80 %) except the first leadership item at 1, plus the reflective
   * items. */
  char body[8192];
  const char *ids[16];
  for (int stage = 0; stage < 2; stage++) {
    int o = snprintf(body, sizeof body, "csrf=%s&go=submit", csrf);
    for (int a = 0; a < 4; a++) {
      size_t n = items_of("school", areas[a], ids, 16);
      for (size_t i = 0; i < n; i++)
        o += snprintf(body + o, sizeof body - (size_t)o, "&%s=%d", ids[i],
                      stage == 0 ? 2 : (a == 0 && i == 0 ? 1 : 4));
    }
    if (stage == 1)
      o += snprintf(body + o, sizeof body - (size_t)o,
                    "&post_knowledge=5&post_actions=4&post_faster=3");
    snprintf(url, sizeof url, "/s/%s", stage == 0 ? pre : post);
    web_response res;
    assert_int_equal(request("POST", url, body, NULL, &res), 200);
    if (stage == 1) {
      const char *b = res.body.data;
      assert_non_null(strstr(b, "Thank you: your profile"));
      assert_non_null(strstr(b, "<svg"));
      /* Leadership: 7 items, six at 4 and one at 1: 25/35 = 71 %. */
      assert_non_null(strstr(b, "<th scope=\"row\">Leadership</th><td>40%</td><td>71%</td>"));
      assert_non_null(strstr(b, "<th scope=\"row\">Management</th><td>40%</td><td>80%</td>"));
      /* To work on next: the item rated 1 first in its area. */
      const char *next = strstr(b, "To work on next");
      assert_non_null(next);
      assert_non_null(strstr(next, "<li>Lead others in your school who deliver career guidance "
                                   "(you answered: Strongly disagree)</li>"));
      size_t lis = 0;
      for (const char *p = next; (p = strstr(p, "<li>")); p++)
        lis++;
      assert_int_equal(lis, 12); /* three per area */
    }
    web_response_clear(&res);
  }
  assert_close(query_num("SELECT a.score FROM area_scores a JOIN responses r ON r.id ="
                         " a.response_id WHERE r.stage = 'post' AND a.area = 'leadership'"),
               25.0 / 35.0 * 100, 1e-12);
  assert_int_equal(query_num("SELECT count(*) FROM answers a JOIN responses r ON r.id ="
                             " a.response_id JOIN items i ON i.id = a.item_id WHERE r.stage ="
                             " 'post' AND i.item_key = 'post_knowledge' AND a.value = 5"),
                   1);
}

static void test_followup_anonymous(void **state) {
  (void)state;
  char tok[TOKEN_MAX], url[64], hash[TOKEN_HASH_HEX];
  make_link(NULL, "followup", tok);
  token_hash(tok, hash);
  snprintf(url, sizeof url, "/s/%s", tok);
  web_response res;
  assert_int_equal(request("GET", url, NULL, NULL, &res), 200);
  assert_non_null(strstr(res.body.data, "Confidence in your role"));
  web_response_clear(&res);
  /* The support section: checkboxes; those not ticked are saved as 0. */
  char body[512];
  snprintf(body, sizeof body, "csrf=%s&section=3&go=next&lt_support_cpd=1", csrf);
  assert_int_equal(request("POST", url, body, NULL, &res), 303);
  web_response_clear(&res);
  assert_int_equal(query_num("SELECT count(*) FROM survey_drafts"), 10);
  snprintf(body, sizeof body,
           "csrf=%s&go=submit&lt_conf_leadership=very&lt_conf_networking=not_very"
           "&lt_practice_cpd=direct&lt_faster=4",
           csrf);
  assert_int_equal(request("POST", url, body, NULL, &res), 200);
  web_response_clear(&res);
  /* Nothing ties the response to a person or a link: no leader, no key,
   * the day only, the link's hash gone with its drafts. */
  assert_int_equal(query_num("SELECT count(*) FROM responses WHERE stage = 'followup'"
                             " AND survey = 'long-term' AND leader_id IS NULL"
                             " AND response_key IS NULL AND role IS NULL"
                             " AND length(submitted_at) = 10"),
                   1);
  char q[256];
  snprintf(q, sizeof q, "SELECT count(*) FROM survey_tokens WHERE token_hash = '%s'", hash);
  assert_int_equal(query_num(q), 0);
  assert_int_equal(query_num("SELECT count(*) FROM survey_drafts"), 0);
  assert_int_equal(query_num("SELECT count(*) FROM answers a JOIN responses r ON r.id ="
                             " a.response_id WHERE r.stage = 'followup'"),
                   14);
  assert_int_equal(query_num("SELECT count(*) FROM answers a JOIN items i ON i.id = a.item_id"
                             " WHERE i.item_key = 'lt_conf_networking' AND a.code = 'not_very'"
                             " AND a.value IS NULL"),
                   1);
  /* The used link is simply unknown now. */
  assert_int_equal(request("GET", url, NULL, NULL, &res), 404);
  web_response_clear(&res);
}

static void test_bad_links_and_answers(void **state) {
  (void)state;
  char tok[TOKEN_MAX], url[64], body[256];
  make_link("L2", "post", tok);
  snprintf(url, sizeof url, "/s/%s", tok);
  web_response res;
  snprintf(body, sizeof body, "csrf=%s&section=1&go=next&strat_lead_01=6", csrf);
  assert_int_equal(request("POST", url, body, NULL, &res), 400);
  web_response_clear(&res);
  snprintf(body, sizeof body, "csrf=%s&section=1&go=next&school_lead_01=5", csrf);
  assert_int_equal(request("POST", url, body, NULL, &res), 400);
  web_response_clear(&res);
  snprintf(body, sizeof body, "section=1&go=next&strat_lead_01=5");
  assert_int_equal(request("POST", url, body, NULL, &res), 403);
  web_response_clear(&res);
  assert_int_equal(query_num("SELECT count(*) FROM survey_drafts"), 0);
  /* Revoked: 410 with its own words. */
  exec_sql("UPDATE survey_tokens SET revoked_at = '2026-02-01' WHERE stage = 'post'"
           " AND used_at IS NULL");
  assert_int_equal(request("GET", url, NULL, NULL, &res), 410);
  assert_non_null(strstr(res.body.data, "replaced"));
  web_response_clear(&res);
  assert_int_equal(request("GET", "/s/AAAAAAAAAAAAAAAAAAAAAA", NULL, NULL, &res), 404);
  assert_null(strstr(res.body.data, "SELECT"));
  web_response_clear(&res);
  assert_int_equal(request("GET", "/s/short", NULL, NULL, &res), 404);
  web_response_clear(&res);
}

static void test_guessing_rate_limited(void **state) {
  (void)state;
  web_response res;
  char url[64], t[TOKEN_MAX];
  /* web.token_failures (20) unknown links from one address, then 429 even
   * for a real link; another address is not affected. */
  for (int i = 0; i < 20; i++) {
    token_new(t, 16);
    snprintf(url, sizeof url, "/s/%s", t);
    assert_int_equal(request("GET", url, NULL, "192.0.2.7", &res), 404);
    web_response_clear(&res);
  }
  char tok[TOKEN_MAX];
  make_link("L2", "post", tok);
  snprintf(url, sizeof url, "/s/%s", tok);
  assert_int_equal(request("GET", url, NULL, "192.0.2.7", &res), 429);
  web_response_clear(&res);
  assert_int_equal(request("GET", url, NULL, "192.0.2.8", &res), 200);
  web_response_clear(&res);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pre_resume_submit_once),
      cmocka_unit_test(test_post_profile),
      cmocka_unit_test(test_followup_anonymous),
      cmocka_unit_test(test_bad_links_and_answers),
      cmocka_unit_test(test_guessing_rate_limited),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}

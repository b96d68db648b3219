/* Compass on the web and the dashboards, through web_app_handle: a return
 * submitted from an establishment's link is stored exactly as importing
 * the same return stores it; the establishment's page against its hub's
 * and the national averages; links revoked and unknown; a provider sees
 * only its cohort, small cells suppressed; analysts' downloads audited. */
#include "testutil.h"

#include <math.h>
#include <pthread.h>
#include <unistd.h>

#include "compass_return.h"
#include "export.h"
#include "import.h"
#include "test_web_util.h"
#include "web_compass.h"
#include "web_dashboard.h"
#include "web_routes.h"

static char *dir, *path;
static web_app *app;
/* 2026-12-02T10:00:00Z: in the academic year 2026-27. */
static time_t fake_now = 1796205600;
static time_t fake_clock(void) { return fake_now; }
static char token[TOKEN_MAX];

static void init_db(const char *db_path) {
  webtest_init_db(db_path);
  webtest_exec(db_path, "INSERT INTO hubs (id, name) VALUES (1, 'North Hub'), (2, 'South Hub');"
                        "INSERT INTO establishments (urn, name, type, region, hub_id) VALUES"
                        " ('100001', 'Ash School', 'mainstream', 'North East', 1),"
                        " ('100002', 'Birch College', 'fe_college', 'North East', 2),"
                        " ('100003', 'Cedar School', 'mainstream', 'London', NULL),"
                        " ('100004', 'Damson School', 'special', 'North East', 1);");
}

/* The establishment's returns the other schools have made this year. */
static const char *others =
    "INSERT INTO compass_returns (id, establishment_id, submitted_at, bm1, bm2, bm3, bm4, bm5,"
    " bm6, bm7, bm8) VALUES"
    " (901, 4, '2026-10-01', 100, 100, 100, 100, 100, 100, 100, 100),"
    " (902, 3, '2026-10-02', 0, 0, 0, 0, 0, 0, 0, 0),"
    " (903, 4, '2025-10-01', 0, 0, 0, 0, 0, 0, 0, 0);";

static int setup(void **state) {
  (void)state;
  dir = test_tmpdir();
  path = malloc(strlen(dir) + 16);
  sprintf(path, "%s/w.db", dir);
  char err[512];
  assert_int_equal(token_init(), 0);
  init_db(path);
  webtest_exec(path, others);
  /* Providers, and leaders: P1 trained Ash's leader, P2 Birch's. */
  webtest_exec(path, "INSERT INTO providers (provider_key, name, accreditation) VALUES"
                     " ('P1', 'Provider One', 'none'), ('P2', 'Provider Two', 'level6');"
                     "INSERT INTO leaders (leader_key, establishment_id, role) VALUES"
                     " ('L1', 1, 'school'), ('L2', 2, 'college_strategic');"
                     "INSERT INTO enrolments (leader_id, provider_id, wave, start_date,"
                     " completion_date, status) VALUES"
                     " (1, 1, 1, '2019-01-10', '2019-06-30', 'completed'),"
                     " (2, 2, 1, '2019-01-10', NULL, 'enrolled');");
  webtest_add_users(path);
  /* Ash's Compass link, read back from the CSV it is written to. */
  webtest_compass_link(path, "100001", "https://x.example/", token);
  web_app_options wo = {2, false, true};
  assert_int_equal(web_app_new(&app, path, &wo, err, sizeof err), 0);
  web_app_set_clock(app, fake_clock);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  web_app_free(app);
  free(path);
  test_rmdir(dir);
  return 0;
}

static void sign_in_as(const char *name, char *cookie, size_t len) {
  webtest_sign_in(path, name, fake_now, cookie, len);
}

static int request(const char *method, const char *url, const char *cookie, const char *body,
                   web_response *res) {
  return webtest_request(app, method, url, cookie, body, NULL, res, NULL);
}

static double query_num(const char *db_path, const char *sql) {
  char err[256];
  store *s;
  assert_int_equal(store_open(&s, db_path, err, sizeof err), 0);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
    fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(s)));
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  double x = sqlite3_column_double(st, 0);
  sqlite3_finalize(st);
  store_close(s);
  return x;
}

/* Every row of sql as text, one line per row ("a|b|c\n"), into out. */
static void query_rows(const char *db_path, const char *sql, strbuf *out) {
  char err[256];
  store *s;
  assert_int_equal(store_open(&s, db_path, err, sizeof err), 0);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
    fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(s)));
  while (sqlite3_step(st) == SQLITE_ROW) {
    for (int c = 0; c < sqlite3_column_count(st); c++) {
      const char *v = (const char *)sqlite3_column_text(st, c);
      strbuf_printf(out, "%s%s", c ? "|" : "", v ? v : "NULL");
    }
    strbuf_putc(out, '\n');
  }
  sqlite3_finalize(st);
  store_close(s);
}

/* The school criteria of compass-2014, in order, with their benchmark. */
static size_t school_items(const instrument_item **items, int *per) {
  static instrument_bank *bank;
  char err[256];
  if (!bank)
    assert_int_equal(instrument_bank_builtin(&bank, err, sizeof err), 0);
  const instrument *in = instrument_bank_get(bank, "compass-2014");
  assert_non_null(in);
  size_t n = 0;
  memset(per, 0, 8 * sizeof *per);
  for (size_t i = 0; i < in->nitems; i++)
    if (in->items[i].role && strcmp(in->items[i].role, "school") == 0) {
      items[n++] = &in->items[i];
      per[in->items[i].benchmark - 1]++;
    }
  return n;
}

/* The answer the test gives criterion i of benchmark b (its k-th): met
 * for the first b - 1 criteria of benchmark b, so benchmark 1 has none. */
static int answer(int b, int k) { return k < b - 1; }

static void test_submit_equals_import(void **state) {
  (void)state;
  char cookie[256], csrf[TOKEN_MAX], url[256];
  sign_in_as(NULL, cookie, sizeof cookie);
  webtest_csrf(app, cookie, csrf);
  web_response res;
  snprintf(url, sizeof url, "/compass/%s", token);
  assert_int_equal(request("GET", url, cookie, NULL, &res), 200);
  assert_non_null(strstr(res.body.data, "Ash School"));
  assert_non_null(strstr(res.body.data, "No Compass return has been recorded yet."));
  web_response_clear(&res);

  const instrument_item *items[64];
  int per[8];
  size_t n = school_items(items, per);
  assert_true(n > 8);
  snprintf(url, sizeof url, "/compass/%s/new", token);
  assert_int_equal(request("GET", url, cookie, NULL, &res), 200);
  for (size_t i = 0; i < n; i++) {
    char want[128];
    snprintf(want, sizeof want, "name=\"%s\" value=\"1\"", items[i]->id);
    assert_non_null(strstr(res.body.data, want));
  }
  assert_null(strstr(res.body.data, "c14_college_")); /* the school variant only */
  web_response_clear(&res);

  /* Benchmark 3 saved on its own: its percentage on the page. */
  strbuf body = STRBUF_INIT;
  int k[8] = {0};
  strbuf_printf(&body, "csrf=%s&save=3", csrf);
  for (size_t i = 0; i < n; i++) {
    int b = items[i]->benchmark;
    int met = answer(b, k[b - 1]++);
    if (b == 3)
      strbuf_printf(&body, "&%s=%d", items[i]->id, met);
  }
  assert_int_equal(request("POST", url, cookie, body.data, &res), 200);
  char want[64];
  /* 2 of benchmark 3's criteria met, as a percentage to one decimal. */
  snprintf(want, sizeof want, "Benchmark 3 so far: %.1f %%", 200.0 / per[2]);
  assert_non_null(strstr(res.body.data, want));
  assert_non_null(strstr(res.body.data, "Benchmark 1 so far: 0.0 %"));
  web_response_clear(&res);

  /* Submitting with criteria unanswered stores nothing. */
  strbuf_printf(&body, "&submit=1");
  assert_int_equal(request("POST", url, cookie, body.data, &res), 200);
  assert_non_null(strstr(res.body.data, "not answered yet"));
  web_response_clear(&res);
  assert_int_equal(query_num(path, "SELECT count(*) FROM compass_returns WHERE"
                                   " establishment_id = 1"),
                   0);

  /* Every criterion answered: stored, and back to the establishment's page. */
  strbuf_reset(&body);
  strbuf_printf(&body, "csrf=%s&submit=1", csrf);
  memset(k, 0, sizeof k);
  for (size_t i = 0; i < n; i++) {
    int b = items[i]->benchmark;
    strbuf_printf(&body, "&%s=%d", items[i]->id, answer(b, k[b - 1]++));
  }
  assert_int_equal(request("POST", url, cookie, body.data, &res), 303);
  char loc[128];
  snprintf(loc, sizeof loc, "/compass/%s?saved=1", token);
  assert_string_equal(webtest_header(&res, "Location"), loc);
  web_response_clear(&res);
  strbuf_free(&body);
  assert_int_equal(query_num(path, "SELECT count(*) FROM compass_returns r JOIN instruments i"
                                   " ON i.id = r.instrument_id WHERE r.establishment_id = 1"
                                   " AND r.submitted_at = '2026-12-02T10:00:00Z'"
                                   " AND i.key = 'compass-2014'"),
                   1);
  assert_int_equal(query_num(path, "SELECT count(*) FROM compass_answers a JOIN compass_returns r"
                                   " ON r.id = a.return_id WHERE r.establishment_id = 1"),
                   (double)n);
  for (int b = 1; b <= 8; b++) {
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT bm%d FROM compass_returns WHERE establishment_id = 1", b);
    int met = b - 1 < per[b - 1] ? b - 1 : per[b - 1];
    /* one decimal, as Compass returns (and the demo's files) carry them */
    assert_float_equal(query_num(path, sql), round(1000.0 * met / per[b - 1]) / 10, 1e-9);
  }
  assert_int_equal(query_num(path, "SELECT count(*) FROM audit_log WHERE action ="
                                   " 'compass return' AND detail LIKE 'URN 100001,%'"),
                   1);

  /* The same return through `cleval import`: exported from this database
   * and imported into a new one, the same rows. */
  char csv[512], other[512], err[512];
  snprintf(csv, sizeof csv, "%s/compass.csv", dir);
  snprintf(other, sizeof other, "%s/imported.db", dir);
  store *s;
  assert_int_equal(store_open(&s, path, err, sizeof err), 0);
  export_options eo = {EXPORT_CSV, false, "test", NULL};
  size_t rows;
  assert_int_equal(export_kind(s, "compass", &eo, csv, &rows, err, sizeof err), 0);
  store_close(s);
  init_db(other);
  assert_int_equal(store_open(&s, other, err, sizeof err), 0);
  import_options io = {.actor = "test", .quiet = true};
  import_result ir;
  memset(&ir, 0, sizeof ir);
  int rc = import_file(s, "compass", csv, &io, &ir, err, sizeof err);
  if (rc != 0)
    fail_msg("import: %s %s", err, ir.nproblems ? ir.problems[0] : "");
  import_result_free(&ir);
  store_close(s);
  const char *sql = "SELECT e.urn, r.submitted_at, i.key, r.bm1, r.bm2, r.bm3, r.bm4, r.bm5,"
                    " r.bm6, r.bm7, r.bm8 FROM compass_returns r"
                    " JOIN establishments e ON e.id = r.establishment_id"
                    " LEFT JOIN instruments i ON i.id = r.instrument_id WHERE e.urn = '100001'"
                    " ORDER BY 1, 2";
  const char *sql2 = "SELECT e.urn, r.submitted_at, it.item_key, a.met FROM compass_answers a"
                     " JOIN compass_returns r ON r.id = a.return_id"
                     " JOIN establishments e ON e.id = r.establishment_id"
                     " JOIN items it ON it.id = a.item_id WHERE e.urn = '100001'"
                     " ORDER BY 1, 2, 3";
  strbuf a = STRBUF_INIT, b = STRBUF_INIT;
  query_rows(path, sql, &a);
  query_rows(other, sql, &b);
  assert_true(a.len > 0);
  assert_string_equal(a.data, b.data);
  strbuf_reset(&a);
  strbuf_reset(&b);
  query_rows(path, sql2, &a);
  query_rows(other, sql2, &b);
  assert_true(a.len > 0);
  assert_string_equal(a.data, b.data);
  strbuf_free(&a);
  strbuf_free(&b);
}

/* After the return of test_submit_equals_import: Ash (hub 1) against its
 * hub (Damson: 8 achieved this year) and all three schools this year
 * (Cedar: 0). Ash achieves benchmarks whose criteria are all met. */
static void test_establishment_page(void **state) {
  (void)state;
  const instrument_item *items[64];
  int per[8];
  school_items(items, per);
  int ach = 0;
  for (int b = 1; b <= 8; b++)
    ach += b - 1 >= per[b - 1];
  char cookie[256], url[256], want[256];
  sign_in_as(NULL, cookie, sizeof cookie);
  web_response res;
  snprintf(url, sizeof url, "/compass/%s?saved=1", token);
  assert_int_equal(request("GET", url, cookie, NULL, &res), 200);
  const char *body = res.body.data;
  assert_non_null(strstr(body, "your Compass return has been saved"));
  assert_non_null(strstr(body, "Careers Hub: North Hub."));
  assert_non_null(strstr(body, "<svg"));
  /* The table row of the return: achieved, hub average, national average. */
  snprintf(want, sizeof want,
           "<th scope=\"row\">2026-12-02</th><td class=\"num\">%d</td><td class=\"num\">%.2f"
           "</td><td class=\"num\">%.2f</td>",
           ach, (ach + 8) / 2.0, (ach + 8 + 0) / 3.0);
  if (!strstr(body, want))
    fail_msg("no %s in the page", want);
  /* Benchmark 1 (no criterion met) is named first among the furthest. */
  assert_non_null(strstr(body, "furthest from being fully achieved are benchmark 1, A stable "
                               "careers programme (0.0 %)"));
  web_response_clear(&res);

  /* Staff see the same page by URN; nobody sees one that does not exist. */
  sign_in_as("analyst1", cookie, sizeof cookie);
  assert_int_equal(request("GET", "/establishments/100001", cookie, NULL, &res), 200);
  assert_non_null(strstr(res.body.data, want));
  web_response_clear(&res);
  assert_int_equal(request("GET", "/establishments/999999", cookie, NULL, &res), 404);
  web_response_clear(&res);
}

static void test_links_revoked_and_unknown(void **state) {
  (void)state;
  char cookie[256], url[256], err[256];
  sign_in_as(NULL, cookie, sizeof cookie);
  web_response res;
  assert_int_equal(request("GET", "/compass/nope", cookie, NULL, &res), 404);
  web_response_clear(&res);
  char fake[TOKEN_MAX];
  token_new(fake, COMPASS_LINK_BYTES);
  snprintf(url, sizeof url, "/compass/%s/new", fake);
  assert_int_equal(request("GET", url, cookie, NULL, &res), 404);
  web_response_clear(&res);
  /* Birch gets a link, which is then revoked: 410. */
  store *s;
  assert_int_equal(store_open(&s, path, err, sizeof err), 0);
  char csv[1024] = "", tok[TOKEN_MAX];
  FILE *f = fmemopen(csv, sizeof csv, "w");
  size_t n;
  int invalid;
  compass_link_options o = {"100002", "http://h", "2026-11-02T00:00:00Z", "test"};
  assert_int_equal(compass_link_issue(s, &o, f, &n, &invalid, err, sizeof err), 0);
  fclose(f);
  assert_int_equal(sscanf(csv, "urn,name,url\n100002,Birch College,http://h/compass/%47s", tok), 1);
  store_close(s);
  /* Only the hash is kept. */
  char sql[256], hash[TOKEN_HASH_HEX];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM compass_links WHERE token_hash = '%s'", tok);
  assert_int_equal(query_num(path, sql), 0);
  token_hash(tok, hash);
  snprintf(sql, sizeof sql,
           "SELECT count(*) FROM compass_links WHERE token_hash = '%s'"
           " AND establishment_id = 2 AND revoked_at IS NULL",
           hash);
  assert_int_equal(query_num(path, sql), 1);
  snprintf(url, sizeof url, "/compass/%s/new", tok);
  assert_int_equal(request("GET", url, cookie, NULL, &res), 200);
  assert_non_null(strstr(res.body.data, "c14_college_")); /* the college variant */
  assert_null(strstr(res.body.data, "c14_school_"));
  web_response_clear(&res);
  assert_int_equal(store_open(&s, path, err, sizeof err), 0);
  assert_int_equal(compass_link_revoke(s, "100002", "2026-11-03T00:00:00Z", "test", &n, &invalid,
                                       err, sizeof err),
                   0);
  assert_int_equal(n, 1);
  assert_int_equal(
      compass_link_revoke(s, "999", "2026-11-03T00:00:00Z", "test", &n, &invalid, err, sizeof err),
      -1);
  assert_int_equal(invalid, 1);
  store_close(s);
  assert_int_equal(request("GET", url, cookie, NULL, &res), 410);
  web_response_clear(&res);
}

static void test_provider_sees_own_cohort(void **state) {
  (void)state;
  char cookie[256];
  web_response res;
  sign_in_as("prov1", cookie, sizeof cookie);
  assert_int_equal(request("GET", "/dashboard", cookie, NULL, &res), 303);
  assert_string_equal(webtest_header(&res, "Location"), "/providers/P1");
  web_response_clear(&res);
  assert_int_equal(request("GET", "/providers/P1", cookie, NULL, &res), 200);
  const char *body = res.body.data;
  assert_non_null(strstr(body, "Provider One"));
  assert_null(strstr(body, "Provider Two"));
  /* One leader: every count is under the report's threshold (5). */
  assert_non_null(strstr(body, "fewer than 5"));
  assert_null(strstr(body, "<td class=\"num\">1</td>"));
  web_response_clear(&res);
  assert_int_equal(request("GET", "/providers/P2", cookie, NULL, &res), 403);
  web_response_clear(&res);
  assert_int_equal(request("GET", "/establishments/100001", cookie, NULL, &res), 200);
  web_response_clear(&res);
  assert_int_equal(request("GET", "/establishments/100002", cookie, NULL, &res), 403);
  web_response_clear(&res);
  assert_int_equal(request("GET", "/downloads/report.json", cookie, NULL, &res), 403);
  web_response_clear(&res);
  /* Staff: every provider, and 404 for a key that does not exist. */
  sign_in_as("analyst1", cookie, sizeof cookie);
  assert_int_equal(request("GET", "/dashboard", cookie, NULL, &res), 200);
  assert_non_null(strstr(res.body.data, "Provider Two"));
  assert_non_null(strstr(res.body.data, "id=\"fig1\""));
  web_response_clear(&res);
  assert_int_equal(request("GET", "/providers/NOPE", cookie, NULL, &res), 404);
  web_response_clear(&res);
}

static void test_downloads_audited(void **state) {
  (void)state;
  char cookie[256];
  web_response res;
  sign_in_as("analyst1", cookie, sizeof cookie);
  double before = query_num(path, "SELECT count(*) FROM audit_log WHERE action = 'download'"
                                  " AND actor = 'analyst1'");
  double before_export = query_num(path, "SELECT count(*) FROM audit_log WHERE action = 'export'"
                                         " AND actor = 'analyst1'");
  double before_all = query_num(path, "SELECT count(*) FROM audit_log");
  assert_int_equal(request("GET", "/downloads/export/compass/csv", cookie, NULL, &res), 200);
  assert_memory_equal(res.body.data, "urn,submitted_at,bm1", 20);
  assert_non_null(strstr(webtest_header(&res, "Content-Disposition"), "compass.csv"));
  web_response_clear(&res);
  assert_int_equal(request("GET", "/downloads/export/compass/sav", cookie, NULL, &res), 200);
  assert_true(res.body.len > 4 && memcmp(res.body.data, "$FL2", 4) == 0);
  web_response_clear(&res);
  assert_int_equal(request("GET", "/downloads/report.json", cookie, NULL, &res), 200);
  assert_non_null(strstr(res.body.data, "\"fig18\""));
  web_response_clear(&res);
  assert_int_equal(request("GET", "/downloads/tables/fig1", cookie, NULL, &res), 200);
  assert_memory_equal(res.body.data, "area,n,pre_mean", 15);
  web_response_clear(&res);
  assert_int_equal(request("GET", "/downloads/tables/nope", cookie, NULL, &res), 404);
  web_response_clear(&res);
  assert_int_equal(request("GET", "/downloads/export/nope/csv", cookie, NULL, &res), 404);
  web_response_clear(&res);
  assert_int_equal(query_num(path, "SELECT count(*) FROM audit_log WHERE action = 'download'"
                                   " AND actor = 'analyst1'"),
                   before + 2);
  /* An export is one audit entry, naming the web user (not the server's
   * $USER), and none besides. */
  assert_int_equal(query_num(path, "SELECT count(*) FROM audit_log WHERE action = 'export'"
                                   " AND actor = 'analyst1'"),
                   before_export + 2);
  assert_int_equal(query_num(path,
                             "SELECT count(*) FROM audit_log WHERE action = 'export'"
                             " AND actor = 'analyst1' AND detail LIKE"
                             " 'kind=compass format=sav file=web download compass.sav rows=%'"),
                   1);
  assert_int_equal(query_num(path, "SELECT count(*) FROM audit_log"), before_all + 4);
}

/* A background job that holds the background thread until released. */
static pthread_mutex_t hold_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hold_cond = PTHREAD_COND_INITIALIZER;
static int hold_state; /* 0 idle, 1 holding, 2 released */

static void hold_job(web_app *a, store *db, void *arg) {
  (void)a;
  (void)db;
  (void)arg;
  pthread_mutex_lock(&hold_lock);
  hold_state = 1;
  pthread_cond_broadcast(&hold_cond);
  while (hold_state != 2)
    pthread_cond_wait(&hold_cond, &hold_lock);
  pthread_mutex_unlock(&hold_lock);
}

/* A stale analysis is rebuilt on the background thread: while that thread
 * is busy, requests are answered at once from the analysis before (the new
 * provider not in it yet); once it has run, the new one is served. */
static void test_rebuilt_in_background(void **state) {
  (void)state;
  char cookie[256];
  web_response res;
  sign_in_as("analyst1", cookie, sizeof cookie);
  assert_int_equal(request("GET", "/dashboard", cookie, NULL, &res), 200);
  assert_null(strstr(res.body.data, "Provider Nine"));
  web_response_clear(&res);
  web_app_background(app, hold_job, NULL);
  pthread_mutex_lock(&hold_lock);
  while (hold_state != 1)
    pthread_cond_wait(&hold_cond, &hold_lock);
  pthread_mutex_unlock(&hold_lock);
  webtest_exec(path, "INSERT INTO providers (provider_key, name, accreditation) VALUES"
                     " ('P9', 'Provider Nine', 'none')");
  web_dashboard_changed();
  for (int i = 0; i < 3; i++) {
    assert_int_equal(request("GET", "/dashboard", cookie, NULL, &res), 200);
    assert_null(strstr(res.body.data, "Provider Nine"));
    web_response_clear(&res);
  }
  pthread_mutex_lock(&hold_lock);
  hold_state = 2;
  pthread_cond_broadcast(&hold_cond);
  pthread_mutex_unlock(&hold_lock);
  bool seen = false;
  for (int i = 0; i < 200 && !seen; i++) {
    assert_int_equal(request("GET", "/dashboard", cookie, NULL, &res), 200);
    seen = strstr(res.body.data, "Provider Nine") != NULL;
    web_response_clear(&res);
    if (!seen)
      usleep(50000);
  }
  assert_true(seen);
}

/* The dashboards withhold as the report does (its marks, its
 * complementary suppression): with Provider One's single leader withheld
 * and every other provider shown, the "All providers" row would give One's
 * count away, so the next-smallest provider (Two, 6 leaders) is withheld
 * too, on the programme dashboard and on Two's own. */
static void test_dashboard_suppression(void **state) {
  (void)state;
  webtest_exec(path, "INSERT INTO leaders (leader_key, establishment_id, role) VALUES"
                     " ('L20', 1, 'school'), ('L21', 1, 'school'), ('L22', 1, 'school'),"
                     " ('L23', 1, 'school'), ('L24', 1, 'school'), ('L30', 1, 'school'),"
                     " ('L31', 1, 'school'), ('L32', 1, 'school'), ('L33', 1, 'school'),"
                     " ('L34', 1, 'school'), ('L35', 1, 'school'), ('L36', 1, 'school');"
                     "INSERT INTO providers (provider_key, name, accreditation) VALUES"
                     " ('P3', 'Provider Three', 'none');"
                     "INSERT INTO enrolments (leader_id, provider_id, wave, start_date, status)"
                     " SELECT l.id, p.id, 1, '2019-01-10', 'enrolled' FROM leaders l, providers p"
                     " WHERE (l.leader_key LIKE 'L2_' AND p.provider_key = 'P2')"
                     " OR (l.leader_key LIKE 'L3_' AND p.provider_key = 'P3');"
                     "DELETE FROM providers WHERE provider_key = 'P9'");
  web_dashboard_changed();
  char cookie[256];
  web_response res;
  sign_in_as("analyst1", cookie, sizeof cookie);
  strbuf page = STRBUF_INIT;
  for (int i = 0; i < 200; i++) {
    assert_int_equal(request("GET", "/dashboard", cookie, NULL, &res), 200);
    strbuf_reset(&page);
    strbuf_put(&page, res.body.data, res.body.len);
    web_response_clear(&res);
    if (strstr(strbuf_str(&page), "Provider Three"))
      break;
    usleep(50000);
  }
  /* The response table's rows: One (1 leader) fewer than 5, Two (6)
   * withheld, Three (7) shown, all providers 14. */
  const char *t = strstr(strbuf_str(&page), "id=\"response_rates\"");
  assert_non_null(t);
  const char *one = strstr(t, "Provider One"), *two = strstr(t, "Provider Two"),
             *three = strstr(t, "Provider Three"), *all = strstr(t, "All providers");
  assert_non_null(one);
  assert_non_null(two);
  assert_non_null(three);
  assert_non_null(all);
  assert_true(one < two && two < three && three < all);
  assert_non_null(strstr(one, "fewer than 5"));
  assert_true(strstr(one, "fewer than 5") < two);
  assert_non_null(strstr(two, "withheld"));
  assert_true(strstr(two, "withheld") < three);
  assert_non_null(strstr(three, ">7<"));
  assert_true(strstr(three, ">7<") < all);
  assert_non_null(strstr(all, ">14<"));
  strbuf_free(&page);
  /* Two's own dashboard: its row withheld as in the whole table. */
  sign_in_as("prov2", cookie, sizeof cookie);
  assert_int_equal(request("GET", "/providers/P2", cookie, NULL, &res), 200);
  t = strstr(res.body.data, "id=\"response_rates\"");
  assert_non_null(t);
  assert_non_null(strstr(t, "withheld"));
  const char *end = strstr(t, "</figure>");
  assert_non_null(end);
  /* Neither in the table nor in its title's N. */
  const char *six = strstr(t, ">6<"), *n6 = strstr(t, "N = 6");
  assert_true(!six || six > end);
  assert_true(!n6 || n6 > end);
  web_response_clear(&res);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_submit_equals_import),
      cmocka_unit_test(test_establishment_page),
      cmocka_unit_test(test_links_revoked_and_unknown),
      cmocka_unit_test(test_provider_sees_own_cohort),
      cmocka_unit_test(test_downloads_audited),
      cmocka_unit_test(test_rebuilt_in_background),
      cmocka_unit_test(test_dashboard_suppression),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}

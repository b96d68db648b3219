/* The web application without sockets: every route of the table against
 * every kind of user (the access matrix), CSRF on every state-changing
 * route, signing in and out, rate limits and idle expiry. */
#include "testutil.h"

#include "test_web_util.h"
#include "web_routes.h"

static char *dir, *path;
static web_app *app;
static time_t fake_now = 1800000000;
static time_t fake_clock(void) { return fake_now; }

static int setup(void **state) {
  (void)state;
  path = webtest_db(&dir, "w.db");
  webtest_exec(path, "INSERT INTO providers (provider_key, name, accreditation) VALUES"
                     " ('P1', 'One', 'none'), ('P2', 'Two', 'level6')");
  webtest_add_users(path);
  char err[512];
  web_app_options o = {2, false, true};
  assert_int_equal(web_app_new(&app, path, &o, err, sizeof err), 0);
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

static void csrf_for(const char *cookie, char *out) { webtest_csrf(app, cookie, out); }

static int request(const char *method, const char *url, const char *cookie, const char *body,
                   web_response *res) {
  return webtest_request(app, method, url, cookie, body, NULL, res, NULL);
}

/* A concrete path for a pattern: each '*' becomes arg. */
static void fill_pattern(const char *pattern, const char *arg, char *out, size_t len) {
  size_t o = 0;
  for (const char *p = pattern; *p && o + strlen(arg) + 2 < len; p++) {
    if (*p == '*') {
      strcpy(out + o, arg);
      o += strlen(arg);
    } else {
      out[o++] = *p;
    }
  }
  out[o] = '\0';
}

static void test_access_matrix(void **state) {
  (void)state;
  const char *who[] = {NULL, "admin1", "analyst1", "prov1", "prov2"};
  const char *role[] = {NULL, "admin", "analyst", "provider", "provider"};
  for (size_t r = 0; r < web_nroutes; r++) {
    const web_route *rt = &web_routes[r];
    for (size_t w = 0; w < sizeof who / sizeof who[0]; w++) {
      bool expect = false;
      switch (rt->access) {
      case WEB_ANYONE:
        expect = true;
        break;
      case WEB_SIGNED_IN:
        expect = who[w] != NULL;
        break;
      case WEB_STAFF:
        expect = role[w] && strcmp(role[w], "provider") != 0;
        break;
      case WEB_ADMIN:
        expect = role[w] && strcmp(role[w], "admin") == 0;
        break;
      case WEB_OWN_PROVIDER: /* the path names P1 */
        expect = role[w] && (strcmp(role[w], "provider") != 0 || strcmp(who[w], "prov1") == 0);
        break;
      case WEB_PROVIDER_SEES: /* no establishment has URN P1: staff only */
        expect = role[w] && strcmp(role[w], "provider") != 0;
        break;
      default:
        fail_msg("route %s %s: an access rule this test does not know", rt->method, rt->pattern);
      }
      char url[256], cookie[256], csrf[TOKEN_MAX], body[128];
      fill_pattern(rt->pattern, "P1", url, sizeof url);
      sign_in_as(who[w], cookie, sizeof cookie);
      csrf_for(cookie, csrf);
      snprintf(body, sizeof body, "csrf=%s", csrf);
      web_response res;
      bool post = strcmp(rt->method, "POST") == 0;
      int status = request(rt->method, url, cookie, post ? body : NULL, &res);
      const char *loc = webtest_header(&res, "Location");
      bool denied = status == 403 || (status == 303 && loc && strcmp(loc, "/login") == 0 &&
                                      strcmp(rt->pattern, "/logout") != 0);
      if (denied == expect)
        fail_msg("%s %s as %s: status %d, expected it %s", rt->method, url,
                 who[w] ? who[w] : "anonymous", status, expect ? "allowed" : "denied");
      /* Anonymous GETs of protected pages go to the sign-in page. */
      if (!expect && !who[w] && !post)
        assert_true(status == 303 && loc && strcmp(loc, "/login") == 0);
      web_response_clear(&res);
    }
  }
}

static void test_csrf_everywhere(void **state) {
  (void)state;
  for (size_t r = 0; r < web_nroutes; r++) {
    const web_route *rt = &web_routes[r];
    if (strcmp(rt->method, "GET") == 0)
      continue;
    char url[256], cookie[256];
    fill_pattern(rt->pattern, "P1", url, sizeof url);
    sign_in_as("admin1", cookie, sizeof cookie);
    web_response res;
    assert_int_equal(request(rt->method, url, cookie, "username=x", &res), 403);
    web_response_clear(&res);
    assert_int_equal(request(rt->method, url, cookie, "csrf=wrong", &res), 403);
    web_response_clear(&res);
    /* Without any cookie there is nothing a csrf value could match. */
    assert_int_equal(request(rt->method, url, NULL, "csrf=", &res), 403);
    web_response_clear(&res);
  }
}

static int count(const char *sql) {
  char err[256];
  store *s;
  assert_int_equal(store_open(&s, path, err, sizeof err), 0);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  store_close(s);
  return n;
}

static void test_login_logout(void **state) {
  (void)state;
  char cookie[256], csrf[TOKEN_MAX], body[256];
  sign_in_as(NULL, cookie, sizeof cookie);
  csrf_for(cookie, csrf);
  web_response res;
  /* Wrong password: the form again, with the error tied to the fields. */
  snprintf(body, sizeof body, "csrf=%s&username=prov1&password=nope-nope", csrf);
  int before = count("SELECT count(*) FROM audit_log WHERE action = 'login failed'");
  assert_int_equal(request("POST", "/login", cookie, body, &res), 200);
  assert_non_null(strstr(res.body.data, "aria-describedby=\"e-password\""));
  assert_null(webtest_header(&res, "Set-Cookie"));
  web_response_clear(&res);
  assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'login failed'"),
                   before + 1);
  /* The right one: a session cookie, HttpOnly and SameSite=Strict. */
  snprintf(body, sizeof body, "csrf=%s&username=prov1&password=password-123", csrf);
  assert_int_equal(request("POST", "/login", cookie, body, &res), 303);
  const char *set = webtest_header(&res, "Set-Cookie");
  assert_non_null(set);
  assert_non_null(strstr(set, "HttpOnly"));
  assert_non_null(strstr(set, "SameSite=Strict"));
  assert_null(strstr(set, "Secure"));
  char tok[TOKEN_MAX];
  assert_int_equal(sscanf(set, WEB_SESSION_COOKIE "=%43[A-Za-z0-9_-]", tok), 1);
  assert_int_equal(strlen(tok), 43);
  web_response_clear(&res);
  /* The database has only the hash. */
  char hash[TOKEN_HASH_HEX], q[256];
  token_hash(tok, hash);
  snprintf(q, sizeof q, "SELECT count(*) FROM web_sessions WHERE id_hash = '%s'", hash);
  assert_int_equal(count(q), 1);
  assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'login'"
                         " AND actor = 'prov1'"),
                   1);
  char session[400], scsrf[TOKEN_MAX];
  snprintf(session, sizeof session, "%s; %s=%s", cookie, WEB_SESSION_COOKIE, tok);
  csrf_for(session, scsrf);
  assert_string_not_equal(scsrf, csrf); /* bound to the session now */
  /* Idle too long: signed out. */
  fake_now += 31 * 60;
  assert_int_equal(request("GET", "/login", session, NULL, &res), 200);
  assert_non_null(strstr(res.body.data, "name=\"password\""));
  web_response_clear(&res);
  assert_int_equal(count(q), 0);
  fake_now -= 31 * 60;
  /* Sign in again and out. */
  assert_int_equal(request("POST", "/login", cookie, body, &res), 303);
  assert_int_equal(sscanf(webtest_header(&res, "Set-Cookie"), WEB_SESSION_COOKIE "=%43[A-Za-z0-9_-]", tok),
                   1);
  web_response_clear(&res);
  snprintf(session, sizeof session, "%s; %s=%s", cookie, WEB_SESSION_COOKIE, tok);
  csrf_for(session, scsrf);
  snprintf(body, sizeof body, "csrf=%s", scsrf);
  assert_int_equal(request("POST", "/logout", session, body, &res), 303);
  assert_non_null(strstr(webtest_header(&res, "Set-Cookie"), "Max-Age=0"));
  web_response_clear(&res);
  token_hash(tok, hash);
  snprintf(q, sizeof q, "SELECT count(*) FROM web_sessions WHERE id_hash = '%s'", hash);
  assert_int_equal(count(q), 0);
}

static void test_login_rate_limited(void **state) {
  (void)state;
  char cookie[256], csrf[TOKEN_MAX], body[256];
  sign_in_as(NULL, cookie, sizeof cookie);
  csrf_for(cookie, csrf);
  web_response res;
  snprintf(body, sizeof body, "csrf=%s&username=analyst1&password=wrong-wrong", csrf);
  for (int i = 0; i < 5; i++) {
    assert_int_equal(request("POST", "/login", cookie, body, &res), 200);
    web_response_clear(&res);
  }
  /* Now even the right password is refused for a while. */
  snprintf(body, sizeof body, "csrf=%s&username=analyst1&password=password-123", csrf);
  assert_int_equal(request("POST", "/login", cookie, body, &res), 429);
  web_response_clear(&res);
  assert_true(count("SELECT count(*) FROM audit_log WHERE action = 'login blocked'") >= 1);
  fake_now += 16 * 60;
  assert_int_equal(request("POST", "/login", cookie, body, &res), 303);
  web_response_clear(&res);
}

static void test_pages_escape_and_head(void **state) {
  (void)state;
  web_response res;
  /* A user name with markup is shown escaped in the form it came back in. */
  char cookie[256], csrf[TOKEN_MAX], body[256];
  sign_in_as(NULL, cookie, sizeof cookie);
  csrf_for(cookie, csrf);
  snprintf(body, sizeof body, "csrf=%s&username=a%%22%%3E%%3Cscript%%3E&password=x", csrf);
  request("POST", "/login", cookie, body, &res);
  assert_null(strstr(res.body.data, "<script>"));
  web_response_clear(&res);
  assert_int_equal(request("GET", "/healthz", NULL, NULL, &res), 200);
  assert_string_equal(res.body.data, "ok\n");
  web_response_clear(&res);
  assert_int_equal(request("HEAD", "/healthz", NULL, NULL, &res), 200);
  web_response_clear(&res);
  assert_int_equal(request("GET", "/nowhere", NULL, NULL, &res), 404);
  web_response_clear(&res);
  assert_int_equal(request("DELETE", "/login", NULL, NULL, &res), 405);
  web_response_clear(&res);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_access_matrix),      cmocka_unit_test(test_csrf_everywhere),
      cmocka_unit_test(test_login_logout),       cmocka_unit_test(test_login_rate_limited),
      cmocka_unit_test(test_pages_escape_and_head),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}

/* The access matrix: every route of the table walked as anonymous, as the
 * holder of an establishment's Compass link, as a provider of another
 * cohort, as the provider, as an analyst and as an admin. The Compass and
 * dashboard routes have their exact statuses written here; any other
 * route is checked against its access rule; a route whose rule this test
 * does not know fails it. */
#include "testutil.h"

#include "test_web_util.h"
#include "web_routes.h"

static char *dir, *path;
static web_app *app;
static time_t fake_now = 1796205600;
static time_t fake_clock(void) { return fake_now; }
static char token[TOKEN_MAX];

enum { ANON, LINK, OTHER, PROVIDER, ANALYST, ADMIN, NWHO };
static const char *const who_name[NWHO] = {
    "anonymous", "establishment link", "other provider", "provider", "analyst", "admin"};
static const char *const who_user[NWHO] = {NULL, NULL, "prov2", "prov1", "analyst1", "admin1"};

/* Exact statuses; 303 means a redirect, whose target is checked too. */
typedef struct expect {
  const char *method, *pattern;
  int status[NWHO];
  const char *location[NWHO]; /* for 303s */
} expect;

#define LOGIN "/login"
static const expect expected[] = {
    {"GET", "/compass/*", {404, 200, 404, 404, 404, 404}, {0}},
    {"GET", "/compass/*/new", {404, 200, 404, 404, 404, 404}, {0}},
    {"POST", "/compass/*/new", {404, 200, 404, 404, 404, 404}, {0}},
    {"GET", "/establishments/*", {303, 303, 403, 200, 200, 200}, {LOGIN, LOGIN, 0, 0, 0, 0}},
    {"GET",
     "/dashboard",
     {303, 303, 303, 303, 200, 200},
     {LOGIN, LOGIN, "/providers/P2", "/providers/P1", 0, 0}},
    {"GET", "/providers/*", {303, 303, 403, 200, 200, 200}, {LOGIN, LOGIN, 0, 0, 0, 0}},
    {"GET", "/downloads", {303, 303, 403, 403, 200, 200}, {LOGIN, LOGIN, 0, 0, 0, 0}},
    {"GET", "/downloads/report.html", {303, 303, 403, 403, 200, 200}, {LOGIN, LOGIN, 0, 0, 0, 0}},
    {"GET", "/downloads/report.json", {303, 303, 403, 403, 200, 200}, {LOGIN, LOGIN, 0, 0, 0, 0}},
    {"GET", "/downloads/tables/*", {303, 303, 403, 403, 200, 200}, {LOGIN, LOGIN, 0, 0, 0, 0}},
    {"GET", "/downloads/export/*/*", {303, 303, 403, 403, 200, 200}, {LOGIN, LOGIN, 0, 0, 0, 0}},
};
#define NEXPECTED (sizeof expected / sizeof expected[0])

static int setup(void **state) {
  (void)state;
  path = webtest_db(&dir, "a.db");
  webtest_exec(path, "INSERT INTO providers (provider_key, name, accreditation) VALUES"
                     " ('P1', 'One', 'none'), ('P2', 'Two', 'level6');"
                     "INSERT INTO establishments (urn, name, type, region) VALUES"
                     " ('100001', 'Ash School', 'mainstream', 'London');"
                     "INSERT INTO leaders (leader_key, establishment_id, role) VALUES"
                     " ('L1', 1, 'school');"
                     "INSERT INTO enrolments (leader_id, provider_id, wave, start_date, status)"
                     " VALUES (1, 1, 1, '2019-01-01', 'enrolled');");
  webtest_add_users(path);
  webtest_compass_link(path, NULL, "http://h", token);
  char err[512];
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

/* A concrete path for a route as w would use it: the link holder puts
 * the establishment's token where a Compass link goes; nobody else has
 * one (a well-formed token that does not exist). */
static void fill(const char *pattern, int w, char *out, size_t len) {
  char fake[TOKEN_MAX];
  token_new(fake, COMPASS_LINK_BYTES);
  const char *args[2] = {"P1", "P1"};
  if (strncmp(pattern, "/compass/", 9) == 0)
    args[0] = w == LINK ? token : fake;
  else if (strcmp(pattern, "/establishments/*") == 0)
    args[0] = "100001";
  else if (strcmp(pattern, "/downloads/tables/*") == 0)
    args[0] = "fig1";
  else if (strcmp(pattern, "/downloads/export/*/*") == 0) {
    args[0] = "compass";
    args[1] = "csv";
  }
  size_t o = 0, k = 0;
  for (const char *p = pattern; *p && o + 64 < len; p++) {
    if (*p == '*') {
      const char *a = args[k < 2 ? k : 1];
      k++;
      strcpy(out + o, a);
      o += strlen(a);
    } else {
      out[o++] = *p;
    }
  }
  out[o] = '\0';
}

/* The generic rule for routes without exact statuses here. */
static bool allowed_by_rule(web_access a, int w, const char *method, const char *pattern) {
  bool staff = w == ANALYST || w == ADMIN;
  switch (a) {
  case WEB_ANYONE: return true;
  case WEB_SIGNED_IN: return w >= OTHER;
  case WEB_STAFF: return staff;
  case WEB_ADMIN: return w == ADMIN;
  case WEB_OWN_PROVIDER: /* the path names P1 */ return staff || w == PROVIDER;
  case WEB_PROVIDER_SEES: /* establishment 100001 has P1's leader */ return staff || w == PROVIDER;
  }
  fail_msg("route %s %s: an access rule this test does not know", method, pattern);
  return false;
}

static void test_access_matrix(void **state) {
  (void)state;
  /* Every exact row names a route that exists. */
  for (size_t e = 0; e < NEXPECTED; e++) {
    bool found = false;
    for (size_t r = 0; r < web_nroutes; r++)
      found |= strcmp(web_routes[r].method, expected[e].method) == 0 &&
               strcmp(web_routes[r].pattern, expected[e].pattern) == 0;
    if (!found)
      fail_msg("%s %s is not a route any more", expected[e].method, expected[e].pattern);
  }
  for (size_t r = 0; r < web_nroutes; r++) {
    const web_route *rt = &web_routes[r];
    const expect *ex = NULL;
    for (size_t e = 0; e < NEXPECTED; e++)
      if (strcmp(expected[e].method, rt->method) == 0 &&
          strcmp(expected[e].pattern, rt->pattern) == 0)
        ex = &expected[e];
    for (int w = 0; w < NWHO; w++) {
      bool expect_allowed = allowed_by_rule(rt->access, w, rt->method, rt->pattern);
      char url[256], cookie[256], csrf[TOKEN_MAX], body[128], err[256];
      fill(rt->pattern, w, url, sizeof url);
      webtest_sign_in(path, who_user[w], fake_now, cookie, sizeof cookie);
      webtest_csrf(app, cookie, csrf);
      snprintf(body, sizeof body, "csrf=%s", csrf);
      bool post = strcmp(rt->method, "POST") == 0;
      web_request req;
      web_response res;
      web_request_init(&req);
      web_response_init(&res);
      req.method = rt->method;
      req.path = url;
      req.cookie = cookie;
      char client[48]; /* one per request: unknown links are rate limited per address */
      snprintf(client, sizeof client, "10.0.%zu.%d", r, w);
      req.client = client;
      if (post)
        assert_int_equal(web_form_parse(&req.form, body, strlen(body), err, sizeof err), 0);
      web_app_handle(app, &req, &res);
      web_request_clear(&req);
      int status = res.status;
      const char *loc = webtest_header(&res, "Location");
      if (ex) {
        if (status != ex->status[w])
          fail_msg("%s %s as %s: status %d, expected %d", rt->method, rt->pattern, who_name[w],
                   status, ex->status[w]);
        if (ex->location[w] && (!loc || strcmp(loc, ex->location[w]) != 0))
          fail_msg("%s %s as %s: sent to %s, expected %s", rt->method, rt->pattern, who_name[w],
                   loc ? loc : "nowhere", ex->location[w]);
      }
      bool denied = status == 403 || (status == 303 && loc && strcmp(loc, LOGIN) == 0 &&
                                      strcmp(rt->pattern, "/logout") != 0);
      if (denied == expect_allowed)
        fail_msg("%s %s as %s: status %d, but its rule (%s) says %s", rt->method, url, who_name[w],
                 status, web_access_name(rt->access), expect_allowed ? "allowed" : "denied");
      web_response_clear(&res);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_access_matrix)};
  return cmocka_run_group_tests(tests, setup, teardown);
}

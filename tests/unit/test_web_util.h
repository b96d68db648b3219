/* Shared set-up for the web unit tests (test_web_*.c): a database with the
 * built-in instruments, the four standard users, sessions made directly in
 * the database, requests through web_app_handle without sockets, and an
 * establishment's Compass link. Header-only (static inline) so that each
 * test stays one file. */
#ifndef CLEVAL_TEST_WEB_UTIL_H
#define CLEVAL_TEST_WEB_UTIL_H

#include "testutil.h"

#include <time.h>

#include "compass_link.h"
#include "instrument.h"
#include "store.h"
#include "token.h"
#include "user.h"
#include "web_app.h"
#include "web_form.h"
#include "web_request.h"
#include "web_session.h"

/* A new database at path with the schema and the built-in instruments. */
static inline void webtest_init_db(const char *path) {
  char err[512];
  instrument_bank *bank;
  assert_int_equal(instrument_bank_builtin(&bank, err, sizeof err), 0);
  int from, cur;
  if (store_init(path, bank, "test", &from, &cur, err, sizeof err) != 0)
    fail_msg("%s", err);
  instrument_bank_free(bank);
}

/* A new database DIR/NAME (DIR a fresh temporary directory, to *dir) as
 * webtest_init_db makes it; token_init done. Returns the path (free it;
 * remove *dir with test_rmdir). */
static inline char *webtest_db(char **dir, const char *name) {
  *dir = test_tmpdir();
  char *path = malloc(strlen(*dir) + strlen(name) + 2);
  sprintf(path, "%s/%s", *dir, name);
  webtest_init_db(path);
  assert_int_equal(token_init(), 0);
  return path;
}

/* Runs sql (one or more statements) on the database at db_path. */
static inline void webtest_exec(const char *db_path, const char *sql) {
  char err[256];
  store *s;
  assert_int_equal(store_open(&s, db_path, err, sizeof err), 0);
  char *msg = NULL;
  if (sqlite3_exec(store_db(s), sql, NULL, NULL, &msg) != SQLITE_OK)
    fail_msg("%s: %s", sql, msg);
  store_close(s);
}

/* The users every web test signs in as, password "password-123": admin1
 * (admin), analyst1 (analyst), prov1 (provider P1), prov2 (provider P2).
 * Providers P1 and P2 must exist. */
static inline void webtest_add_users(const char *db_path) {
  static const char *const users[][3] = {{"admin1", "admin", NULL},
                                         {"analyst1", "analyst", NULL},
                                         {"prov1", "provider", "P1"},
                                         {"prov2", "provider", "P2"}};
  char err[512];
  store *s;
  assert_int_equal(store_open(&s, db_path, err, sizeof err), 0);
  int invalid;
  for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
    if (user_add(s, users[i][0], users[i][1], users[i][2], "password-123", "test", &invalid, err,
                 sizeof err) != 0)
      fail_msg("%s", err);
  store_close(s);
}

/* A session for user name (NULL: none, a visitor only) made directly in the
 * database at time now; the Cookie header to send goes to cookie. */
static inline void webtest_sign_in(const char *db_path, const char *name, time_t now,
                                   char *cookie, size_t len) {
  char visitor[TOKEN_MAX];
  token_new(visitor, 16);
  if (!name) {
    snprintf(cookie, len, "%s=%s", WEB_VISITOR_COOKIE, visitor);
    return;
  }
  char tok[TOKEN_MAX], hash[TOKEN_HASH_HEX], err[256];
  token_new(tok, 32);
  token_hash(tok, hash);
  store *s;
  assert_int_equal(store_open(&s, db_path, err, sizeof err), 0);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(store_db(s),
                                      "INSERT INTO web_sessions (id_hash, user_id, created_at,"
                                      " last_seen) SELECT ?1, id, ?2, ?2 FROM users"
                                      " WHERE username = ?3",
                                      -1, &st, NULL),
                   SQLITE_OK);
  sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
  sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(st), SQLITE_DONE);
  assert_int_equal(sqlite3_changes(store_db(s)), 1);
  sqlite3_finalize(st);
  store_close(s);
  snprintf(cookie, len, "%s=%s; %s=%s", WEB_VISITOR_COOKIE, visitor, WEB_SESSION_COOKIE, tok);
}

/* One request to app: url may carry a ?query; body (or NULL) is the
 * urlencoded form; client NULL is 127.0.0.1. The csrf value the page's
 * forms carry goes to csrf (TOKEN_MAX bytes) unless it is NULL. Returns
 * the status; the caller clears res. */
static inline int webtest_request(web_app *app, const char *method, const char *url,
                                  const char *cookie, const char *body, const char *client,
                                  web_response *res, char *csrf) {
  web_request req;
  web_request_init(&req);
  web_response_init(res);
  req.method = method;
  char path[512];
  snprintf(path, sizeof path, "%s", url);
  char *q = strchr(path, '?');
  char err[256];
  if (q) {
    *q++ = '\0';
    assert_int_equal(web_form_parse(&req.query, q, strlen(q), err, sizeof err), 0);
  }
  req.path = path;
  req.cookie = cookie;
  req.client = client ? client : "127.0.0.1";
  if (body)
    assert_int_equal(web_form_parse(&req.form, body, strlen(body), err, sizeof err), 0);
  web_app_handle(app, &req, res);
  if (csrf)
    strcpy(csrf, req.csrf);
  web_request_clear(&req);
  return res->status;
}

/* The csrf value app expects with a Cookie header (from a GET of /healthz). */
static inline void webtest_csrf(web_app *app, const char *cookie, char *out) {
  web_response res;
  webtest_request(app, "GET", "/healthz", cookie, NULL, NULL, &res, out);
  web_response_clear(&res);
}

/* The value of a response header, or NULL. */
static inline const char *webtest_header(const web_response *res, const char *name) {
  for (size_t i = 0; i < res->nheaders; i++)
    if (strcmp(res->headers[i].name, name) == 0)
      return res->headers[i].value;
  return NULL;
}

/* Issues establishment urn's Compass link (urn NULL: every establishment's,
 * and there must be one) as of 2026-11-01 under base_url, and reads its
 * token back from the CSV written (TOKEN_MAX bytes). */
static inline void webtest_compass_link(const char *db_path, const char *urn,
                                        const char *base_url, char *token) {
  char err[512], csv[4096] = "";
  store *s;
  assert_int_equal(store_open(&s, db_path, err, sizeof err), 0);
  FILE *f = fmemopen(csv, sizeof csv, "w");
  size_t n;
  int invalid;
  compass_link_options o = {urn, base_url, "2026-11-01T00:00:00Z", "test"};
  if (compass_link_issue(s, &o, f, &n, &invalid, err, sizeof err) != 0)
    fail_msg("%s", err);
  fclose(f);
  store_close(s);
  assert_int_equal(n, 1);
  /* the CSV's url is base_url (without a trailing '/') + /compass/TOKEN */
  const char *url = strstr(csv, "/compass/");
  assert_non_null(url);
  size_t blen = strlen(base_url);
  blen -= blen && base_url[blen - 1] == '/';
  assert_true((size_t)(url - csv) > blen && url[-(ptrdiff_t)blen - 1] == ',');
  assert_memory_equal(url - blen, base_url, blen);
  assert_int_equal(sscanf(url, "/compass/%47[A-Za-z0-9_-]", token), 1);
  assert_int_equal(strlen(token), 43);
}

#endif

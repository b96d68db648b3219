/* Shared by the web fuzz targets: a small programme in a temporary
 * database (a provider, a school and a college, two leaders, survey links
 * for pre, post and the follow-up, an establishment's Compass link, an
 * analyst signed in), the web application over it, and fz_request, which
 * answers one request as the server would and checks the answer: a status
 * the application gives (never 500: nothing here should fail), and no
 * markup from the request in an HTML page. Each target defines what it
 * does with its bytes. */
#ifndef CLEVAL_FUZZ_WEB_HARNESS_H
#define CLEVAL_FUZZ_WEB_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>

#include "instrument.h"
#include "store.h"
#include "token.h"
#include "web_app.h"
#include "web_form.h"
#include "web_session.h"

static web_app *fz_app;
static char fz_survey[3][TOKEN_MAX], fz_compass[TOKEN_MAX], fz_session[TOKEN_MAX];
static char fz_visitor[TOKEN_MAX], fz_csrf[TOKEN_MAX], fz_staff_csrf[TOKEN_MAX];
static time_t fz_now = 1800000000;

/* Eleven minutes a request: rate limits (ten-minute windows) never shut
 * the fuzzer out for good; the sessions' idle limit is raised to match. */
static time_t fz_clock(void) { return fz_now += 660; }

static void fz_die(const char *what, const char *err) {
  fprintf(stderr, "web fuzz harness: %s: %s\n", what, err);
  abort();
}

static void fz_exec(store *s, const char *sql) {
  char *msg = NULL;
  if (sqlite3_exec(store_db(s), sql, NULL, NULL, &msg) != SQLITE_OK)
    fz_die(sql, msg ? msg : "?");
}

/* Inserts the hash of a new token (nbytes random bytes) with sql, whose
 * ?1 is the hash; the token to out. */
static void fz_token(store *s, const char *sql, size_t nbytes, char *out) {
  char hash[TOKEN_HASH_HEX];
  token_new(out, nbytes);
  token_hash(out, hash);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
    fz_die(sql, sqlite3_errmsg(store_db(s)));
  sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_DONE)
    fz_die(sql, sqlite3_errmsg(store_db(s)));
  sqlite3_finalize(st);
}

static int fz_status_known(int status) {
  static const int known[] = {200, 204, 303, 400, 403, 404, 405, 409, 410, 413, 415, 429, 503};
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if (status == known[i])
      return 1;
  return 0;
}

/* Answers one request: method, path (as MHD would decode it), the query
 * arguments already in query (the caller fills it), a cookie header and an
 * urlencoded body. Returns the status (400 for what the server refuses
 * before the application sees it). Traps on a 500 or an unknown status,
 * and on "<script" in an HTML page. query is freed here. */
static int fz_request(const char *method, const char *path, web_form *query, const char *cookie,
                      const char *body, size_t blen) {
  web_request req;
  web_response res;
  web_request_init(&req);
  web_response_init(&res);
  req.method = method;
  req.path = path;
  req.client = "192.0.2.1";
  req.cookie = cookie;
  req.query = *query;
  memset(query, 0, sizeof *query);
  int status = 400;
  char err[256];
  if (!web_text_ok(path, strlen(path)))
    goto done;
  if (body && web_form_parse(&req.form, body, blen, err, sizeof err) != 0)
    goto done;
  web_app_handle(fz_app, &req, &res);
  status = res.status;
  if (!fz_status_known(status)) {
    fprintf(stderr, "%s %s: status %d\n%.*s\n", method, path, status, (int)res.body.len,
            res.body.data ? res.body.data : "");
    __builtin_trap();
  }
  if (strncmp(res.content_type, "text/html", 9) == 0 && res.body.data) {
    for (const char *p = res.body.data; (p = strchr(p, '<')) != NULL; p++)
      if (strncasecmp(p, "<script", 7) == 0)
        __builtin_trap();
  }
done:
  web_request_clear(&req);
  web_response_clear(&res);
  return status;
}

/* The csrf value for a cookie header: what a GET hands its forms. */
static void fz_csrf_for(const char *cookie, char *out) {
  web_request req;
  web_response res;
  web_request_init(&req);
  web_response_init(&res);
  req.method = "GET";
  req.path = "/healthz";
  req.client = "192.0.2.1";
  req.cookie = cookie;
  web_app_handle(fz_app, &req, &res);
  snprintf(out, TOKEN_MAX, "%s", req.csrf);
  web_request_clear(&req);
  web_response_clear(&res);
}

static void fz_setup(void) {
  if (fz_app)
    return;
  char tmpl[] = "/tmp/cleval-web-fuzz-XXXXXX";
  if (!mkdtemp(tmpl))
    fz_die("mkdtemp", "failed");
  char path[64], err[512];
  snprintf(path, sizeof path, "%s/w.db", tmpl);
  if (token_init() != 0)
    fz_die("token_init", "failed");
  instrument_bank *bank;
  int from, cur;
  if (instrument_bank_builtin(&bank, err, sizeof err) != 0 ||
      store_init(path, bank, "test", &from, &cur, err, sizeof err) != 0)
    fz_die(path, err);
  instrument_bank_free(bank);
  store *s;
  if (store_open(&s, path, err, sizeof err) != 0)
    fz_die(path, err);
  fz_exec(s,
          "INSERT INTO providers (provider_key, name, accreditation) VALUES ('P1', 'One', 'none');"
          "INSERT INTO hubs (id, name) VALUES (1, 'North Hub');"
          "INSERT INTO establishments (urn, name, type, region, hub_id) VALUES"
          " ('100', 'A School', 'mainstream', 'North', 1),"
          " ('200', 'A College', 'fe_college', 'North', NULL);"
          "INSERT INTO leaders (leader_key, establishment_id, role, contact_consent) VALUES"
          " ('L1', 1, 'school', 1), ('L2', 2, 'college_strategic', 0);"
          "INSERT INTO enrolments (leader_id, provider_id, wave, start_date, completion_date,"
          " status) VALUES (1, 1, 1, '2019-09-01', '2020-01-10', 'completed'),"
          " (2, 1, 1, '2019-09-01', NULL, 'enrolled');"
          "INSERT INTO users (username, password_hash, role) VALUES ('analyst1', 'x', 'analyst');"
          "INSERT OR REPLACE INTO settings (key, value) VALUES"
          " ('web.session_idle_minutes', '10080'), ('invite.followup_as_of', '2021-06-01')");
  fz_token(s,
           "INSERT INTO survey_tokens (token_hash, leader_id, stage, created_at)"
           " VALUES (?1, 2, 'pre', '2026-01-01')",
           16, fz_survey[0]);
  fz_token(s,
           "INSERT INTO survey_tokens (token_hash, leader_id, stage, created_at)"
           " VALUES (?1, 1, 'post', '2026-01-01')",
           16, fz_survey[1]);
  fz_token(s,
           "INSERT INTO survey_tokens (token_hash, leader_id, stage, created_at)"
           " VALUES (?1, NULL, 'followup', '2026-01-01')",
           16, fz_survey[2]);
  fz_token(s,
           "INSERT INTO compass_links (token_hash, establishment_id, created_at)"
           " VALUES (?1, 1, '2026-01-01T00:00:00Z')",
           32, fz_compass);
  char sql[256];
  snprintf(sql, sizeof sql,
           "INSERT INTO web_sessions (id_hash, user_id, created_at, last_seen)"
           " VALUES (?1, 1, %lld, %lld)",
           (long long)fz_now, (long long)fz_now);
  fz_token(s, sql, 32, fz_session);
  store_close(s);
  web_app_options o = {1, false, true};
  if (web_app_new(&fz_app, path, &o, err, sizeof err) != 0)
    fz_die(path, err);
  web_app_set_clock(fz_app, fz_clock);
  token_new(fz_visitor, 16);
  char cookie[256];
  snprintf(cookie, sizeof cookie, "%s=%s", WEB_VISITOR_COOKIE, fz_visitor);
  fz_csrf_for(cookie, fz_csrf);
  snprintf(cookie, sizeof cookie, "%s=%s; %s=%s", WEB_VISITOR_COOKIE, fz_visitor,
           WEB_SESSION_COOKIE, fz_session);
  fz_csrf_for(cookie, fz_staff_csrf);
}

/* Splits [p, end) at the first byte sep: the part before to a new string
 * (the caller frees it); p moves past sep (or to end). */
static char *fz_take(const uint8_t **p, const uint8_t *end, uint8_t sep, size_t *len) {
  const uint8_t *q = *p;
  while (q < end && *q != sep)
    q++;
  size_t n = (size_t)(q - *p);
  char *out = malloc(n + 1);
  memcpy(out, *p, n);
  out[n] = '\0';
  if (len)
    *len = n;
  *p = q < end ? q + 1 : end;
  return out;
}

/* The query string q (len bytes) into f as libmicrohttpd decodes one
 * (split at & and the first =, + as a space, %XX by MHD_http_unescape) and
 * as the server takes each argument (web_form_add_arg). Returns 0, or -1
 * when the server would answer 400. */
static int fz_query(web_form *f, const char *q, size_t len) {
  char *copy = malloc(len + 1);
  memcpy(copy, q, len);
  copy[len] = '\0';
  int rc = 0;
  char *save = NULL;
  for (char *arg = strtok_r(copy, "&", &save); arg && rc == 0; arg = strtok_r(NULL, "&", &save)) {
    char *eq = strchr(arg, '=');
    if (eq)
      *eq++ = '\0';
    for (char *c = arg; *c; c++)
      if (*c == '+')
        *c = ' ';
    for (char *c = eq; c && *c; c++)
      if (*c == '+')
        *c = ' ';
    MHD_http_unescape(arg);
    if (eq)
      MHD_http_unescape(eq);
    rc = web_form_add_arg(f, arg, eq);
  }
  free(copy);
  return rc;
}

#endif

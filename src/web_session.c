/* Sessions, the visitor cookie, CSRF values and the sign-in pages (see
 * web_session.h). */
#include "web_session.h"

#include <stdio.h>
#include <string.h>

#include "web_app.h"
#include "web_page.h"

static void set_cookie(web_request *req, web_response *res, const char *name, const char *value,
                       bool expire) {
  char c[256];
  snprintf(c, sizeof c, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name, value,
           expire ? "; Max-Age=0" : "", web_app_secure_cookies(req->app) ? "; Secure" : "");
  web_response_header(res, "Set-Cookie", c);
}

static void csrf_for(web_request *req, const char *kind, const char *id) {
  char msg[128];
  int n = snprintf(msg, sizeof msg, "%s:%s", kind, id);
  token_mac(web_app_key(req->app), msg, (size_t)n, req->csrf);
}

/* Deletes a session by hash (a write of its own). */
static int drop_session(web_request *req, const char *hash, char *err, size_t errlen) {
  sqlite3 *db = store_db(req->db);
  sqlite3_stmt *st = NULL;
  if (web_app_begin(req, err, errlen) != 0)
    return -1;
  if (sqlite3_prepare_v2(db, "DELETE FROM web_sessions WHERE id_hash = ?1", -1, &st, NULL) !=
          SQLITE_OK ||
      (sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC), sqlite3_step(st)) != SQLITE_DONE) {
    store_fail(db, "ending a session", err, errlen);
    sqlite3_finalize(st);
    web_app_rollback(req);
    return -1;
  }
  sqlite3_finalize(st);
  return web_app_commit(req, err, errlen);
}

static int touch_session(web_request *req, const char *hash, time_t now, char *err,
                         size_t errlen) {
  sqlite3 *db = store_db(req->db);
  sqlite3_stmt *st = NULL;
  if (web_app_begin(req, err, errlen) != 0)
    return -1;
  if (sqlite3_prepare_v2(db, "UPDATE web_sessions SET last_seen = ?2 WHERE id_hash = ?1", -1, &st,
                         NULL) != SQLITE_OK) {
    store_fail(db, "touching a session", err, errlen);
    web_app_rollback(req);
    return -1;
  }
  sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    store_fail(db, "touching a session", err, errlen);
    web_app_rollback(req);
    return -1;
  }
  return web_app_commit(req, err, errlen);
}

int web_session_load(web_request *req, web_response *res, char *err, size_t errlen) {
  char tok[TOKEN_MAX];
  time_t now = web_app_now(req->app);
  if (web_cookie_get(req->cookie, WEB_SESSION_COOKIE, tok, sizeof tok) == 0 &&
      token_well_formed(tok, 32)) {
    char hash[TOKEN_HASH_HEX];
    token_hash(tok, hash);
    sqlite3 *db = store_db(req->db);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT user_id, last_seen FROM web_sessions WHERE id_hash = ?1",
                           -1, &st, NULL) != SQLITE_OK)
      return store_fail(db, "reading a session", err, errlen);
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_int64 uid = 0, last = 0;
    if (rc == SQLITE_ROW) {
      uid = sqlite3_column_int64(st, 0);
      last = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      return store_fail(db, "reading a session", err, errlen);
    if (rc == SQLITE_ROW) {
      if (now - (time_t)last > web_app_session_idle(req->app)) {
        if (drop_session(req, hash, err, errlen) != 0)
          return -1;
      } else {
        int found = user_get(req->db, uid, &req->user, err, errlen);
        if (found < 0)
          return -1;
        if (found) {
          req->signed_in = true;
          memcpy(req->session_hash, hash, sizeof hash);
          if (now - (time_t)last >= 60 && touch_session(req, hash, now, err, errlen) != 0)
            return -1;
        }
      }
    }
  }
  if (req->signed_in) {
    csrf_for(req, "s", req->session_hash);
    return 0;
  }
  if (web_cookie_get(req->cookie, WEB_VISITOR_COOKIE, tok, sizeof tok) == 0 &&
      token_well_formed(tok, 16)) {
    csrf_for(req, "v", tok);
    return 0;
  }
  if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) {
    token_new(tok, 16);
    set_cookie(req, res, WEB_VISITOR_COOKIE, tok, false);
    csrf_for(req, "v", tok);
  } else {
    req->csrf[0] = '\0';
  }
  return 0;
}

int web_session_csrf_ok(const web_request *req) {
  const char *sent = web_form_get(&req->form, "csrf");
  return req->csrf[0] && sent && token_equal(sent, req->csrf);
}

/* The sign-in form, with an error (or NULL) for the fields. */
static void login_form(web_request *req, web_response *res, int status, const char *name,
                       const char *error) {
  res->status = status;
  web_page_begin(res, req, "Sign in");
  strbuf *b = &res->body;
  web_page_para(b, NULL,
                "For providers, analysts and administrators. Careers Leaders answering a survey "
                "need no account: use the link you were sent.");
  if (error) {
    web_page_markup(b, "<div class=\"notice\" role=\"alert\">");
    web_page_para(b, "error", error);
    web_page_markup(b, "</div>\n");
  }
  web_page_form_begin(b, req, "/login");
  web_page_input(b, "text", "username", "User name", name, "username", error);
  web_page_input(b, "password", "password", "Password", NULL, "current-password", error);
  web_page_button(b, NULL, NULL, "Sign in", NULL);
  web_page_form_end(b);
  web_page_end(res);
}

void web_session_login_page(web_request *req, web_response *res) {
  if (req->signed_in) {
    web_response_redirect(res, "/responses");
    return;
  }
  login_form(req, res, 200, NULL, NULL);
}

static void audit(web_request *req, const char *actor, const char *action, const char *detail) {
  char err[256];
  if (web_app_begin(req, err, sizeof err) != 0)
    return;
  if (store_audit(req->db, actor, action, detail, err, sizeof err) != 0) {
    web_app_rollback(req);
    return;
  }
  web_app_commit(req, err, sizeof err);
}

void web_session_login(web_request *req, web_response *res) {
  const char *name = web_form_get(&req->form, "username");
  const char *pw = web_form_get(&req->form, "password");
  if (!name || !pw || !*name || !*pw) {
    login_form(req, res, 400, name && user_name_ok(name) ? name : NULL,
               "Enter your user name and your password.");
    return;
  }
  bool name_ok = user_name_ok(name);
  const char *shown = name_ok ? name : "(not a valid user name)";
  char ukey[96], akey[96], detail[200];
  snprintf(ukey, sizeof ukey, "u:%s", name_ok ? name : "?");
  snprintf(akey, sizeof akey, "a:%s", req->client ? req->client : "?");
  snprintf(detail, sizeof detail, "user %s from %s", shown, req->client ? req->client : "?");
  time_t now = web_app_now(req->app);
  web_ratelimit *lu = web_app_login_user_limit(req->app), *la = web_app_login_addr_limit(req->app);
  if (web_ratelimit_blocked(lu, ukey, now) || web_ratelimit_blocked(la, akey, now)) {
    audit(req, "web", "login blocked", detail);
    login_form(req, res, 429, name_ok ? name : NULL,
               "Too many failed attempts to sign in. Wait a few minutes and try again.");
    return;
  }
  char err[512];
  user_info u;
  int ok = name_ok && strlen(pw) <= USER_PASSWORD_MAX
               ? user_check(req->db, name, pw, &u, err, sizeof err)
               : 0;
  if (ok < 0) {
    web_app_fail(req, res, err);
    return;
  }
  if (ok == 0) {
    web_ratelimit_fail(lu, ukey, now);
    web_ratelimit_fail(la, akey, now);
    audit(req, "web", "login failed", detail);
    login_form(req, res, 200, name_ok ? name : NULL,
               "The user name or the password is not right.");
    return;
  }
  web_ratelimit_clear(lu, ukey);
  char tok[TOKEN_MAX], hash[TOKEN_HASH_HEX];
  token_new(tok, 32);
  token_hash(tok, hash);
  sqlite3 *db = store_db(req->db);
  sqlite3_stmt *st = NULL;
  if (web_app_begin(req, err, sizeof err) != 0) {
    user_info_clear(&u);
    web_app_fail(req, res, err);
    return;
  }
  int rc = -1;
  if (sqlite3_prepare_v2(db, "DELETE FROM web_sessions WHERE last_seen < ?1", -1, &st, NULL) ==
      SQLITE_OK) {
    sqlite3_bind_int64(st, 1, (sqlite3_int64)(now - web_app_session_idle(req->app)));
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
  }
  sqlite3_finalize(st);
  st = NULL;
  if (rc == 0 && sqlite3_prepare_v2(db,
                                    "INSERT INTO web_sessions (id_hash, user_id, created_at,"
                                    " last_seen) VALUES (?1, ?2, ?3, ?3)",
                                    -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, u.id);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
  } else {
    rc = -1;
  }
  sqlite3_finalize(st);
  if (rc != 0) {
    store_fail(db, "starting a session", err, sizeof err);
    web_app_rollback(req);
  } else if (store_audit(req->db, u.name, "login", detail, err, sizeof err) != 0) {
    web_app_rollback(req);
    rc = -1;
  } else {
    rc = web_app_commit(req, err, sizeof err);
  }
  user_info_clear(&u);
  if (rc != 0) {
    web_app_fail(req, res, err);
    return;
  }
  set_cookie(req, res, WEB_SESSION_COOKIE, tok, false);
  web_response_redirect(res, "/responses");
}

void web_session_logout(web_request *req, web_response *res) {
  char err[512];
  if (req->signed_in) {
    if (drop_session(req, req->session_hash, err, sizeof err) != 0) {
      web_app_fail(req, res, err);
      return;
    }
    char detail[120];
    snprintf(detail, sizeof detail, "from %s", req->client ? req->client : "?");
    audit(req, req->user.name, "logout", detail);
  }
  set_cookie(req, res, WEB_SESSION_COOKIE, "", true);
  web_response_redirect(res, "/login");
}

/* The web application without its sockets: the database connections the
 * server's threads share, the settings read at start, the keys and rate
 * limits, and web_app_handle, which answers one request: it finds the
 * route, signs the user in from their cookie, checks the CSRF field of
 * every state-changing request (the one place it is checked), applies the
 * route's access rule and calls its handler. The server (web_server.c) and
 * the unit tests both call it. */
#ifndef CLEVAL_WEB_APP_H
#define CLEVAL_WEB_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "instrument.h"
#include "score.h"
#include "web_ratelimit.h"
#include "web_request.h"

typedef struct web_app web_app;

typedef struct web_app_options {
  int connections;     /* database connections to open (shared by the server threads) */
  bool secure_cookies; /* mark cookies Secure (behind a TLS proxy) */
  bool quiet;          /* do not log requests that failed to stderr */
} web_app_options;

/* Opens db_path (connections times, WAL) and reads the settings.
 * Returns 0, or -1 with a message. Free with web_app_free. */
int web_app_new(web_app **out, const char *db_path, const web_app_options *o, char *err,
                size_t errlen);
void web_app_free(web_app *app);

/* Answers one request. req has method, path, cookie, client and its query
 * and form fields filled; the rest is filled here. res must be
 * initialised. Never fails: problems become error pages. */
void web_app_handle(web_app *app, web_request *req, web_response *res);

/* For handlers. A write transaction on req->db: writes are serialised
 * inside the process (so SQLite never has to wait on itself) and run as
 * BEGIN IMMEDIATE. Returns 0 or -1 with a message. End with exactly one of
 * web_app_commit (0 or -1; rolled back on failure) or web_app_rollback. */
int web_app_begin(web_request *req, char *err, size_t errlen);
int web_app_commit(web_request *req, char *err, size_t errlen);
void web_app_rollback(web_request *req);

/* A prepared statement for sql on req's connection, kept for the
 * connection's life and found again by the pointer sql (a string
 * constant): reset, bindings cleared. The caller resets it after use (it is
 * reset anyway when the request ends). NULL with a message on failure. */
sqlite3_stmt *web_app_stmt(web_request *req, const char *sql, char *err, size_t errlen);

/* Fills res with a 500 page and logs what (never shown to the visitor). */
void web_app_fail(web_request *req, web_response *res, const char *what);

/* For a POST whose answers could not be stored (a full disk, a lock, any
 * failed write; the handler has rolled back, so nothing of it was
 * stored): fills res with a 503 page (Retry-After) saying so, that holds
 * the posted answers in a form to send again to the same address (every
 * field of req->form as a hidden input, escaped; the csrf value anew), and
 * logs what (never shown). */
void web_app_fail_unsaved(web_request *req, web_response *res, const char *what);

/* What handlers need from the application. */
const instrument_bank *web_app_bank(const web_app *app);
const score_settings *web_app_score(const web_app *app);
const unsigned char *web_app_key(const web_app *app);
bool web_app_secure_cookies(const web_app *app);
int web_app_session_idle(const web_app *app); /* seconds */
web_ratelimit *web_app_login_user_limit(web_app *app);
web_ratelimit *web_app_login_addr_limit(web_app *app);
web_ratelimit *web_app_token_addr_limit(web_app *app);

/* Work done away from the requests: job(app, db, arg) runs on the app's
 * one background thread, with a database connection of its own (so that a
 * long job, such as rebuilding the dashboards' analysis, holds up no
 * request). Queues it and returns at once; a job already waiting or running
 * with the same job and arg is not queued again. Jobs still waiting when
 * the app is freed are dropped; the one running is finished first. */
typedef void (*web_app_job)(web_app *app, store *db, void *arg);
void web_app_background(web_app *app, web_app_job job, void *arg);

/* Lends req's database connection back to the pool while the handler
 * waits for something else (with no statement or transaction of its own
 * open), and takes one again; between the two req->db is NULL. */
void web_app_lend_db(web_request *req);
void web_app_reclaim_db(web_request *req);

/* The time now (seconds); tests may set it with web_app_set_clock. */
time_t web_app_now(const web_app *app);
void web_app_set_clock(web_app *app, time_t (*clock)(void));

#endif

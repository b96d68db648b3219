/* The web application: connections, settings, and the one dispatcher
 * every request goes through (see web_app.h). */
#include "web_app.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web_page.h"
#include "web_routes.h"
#include "web_session.h"
#include "xalloc.h"

#define CACHE 32
#define BG_QUEUE 8

/* One database connection and the statements prepared on it. */
typedef struct web_conn {
  store *s;
  struct {
    const char *sql;
    sqlite3_stmt *st;
  } cache[CACHE];
  size_t n;
} web_conn;

struct web_app {
  web_conn *pool; /* connections; free ones are the first nfree of spare */
  size_t npool;
  web_conn **spare;
  size_t nfree;
  pthread_mutex_t pool_lock;
  pthread_cond_t pool_cond;
  pthread_mutex_t write_lock;
  pthread_mutex_t log_lock;
  unsigned char key[TOKEN_KEY_BYTES];
  web_app_options opt;
  int session_idle;
  web_ratelimit *login_user, *login_addr, *token_addr;
  instrument_bank *bank;
  score_settings score;
  time_t (*clock)(void);
  /* Checkpoints in the background: a commit never copies the log back
   * into the database itself (that would hold every other writer up). */
  store *ckpt_db;
  pthread_t ckpt_thread;
  bool ckpt_running, ckpt_stop;
  pthread_mutex_t ckpt_lock;
  pthread_cond_t ckpt_cond;
  /* The background thread and its queue (under bg_lock). */
  store *bg_db;
  pthread_t bg_thread;
  bool bg_running, bg_stop;
  pthread_mutex_t bg_lock;
  pthread_cond_t bg_cond;
  struct {
    web_app_job job;
    void *arg;
  } bg_queue[BG_QUEUE], bg_now;
  size_t bg_n;
};

/* Runs the background jobs one after another until stopped. */
static void *background(void *arg) {
  web_app *app = arg;
  pthread_mutex_lock(&app->bg_lock);
  for (;;) {
    while (!app->bg_stop && app->bg_n == 0)
      pthread_cond_wait(&app->bg_cond, &app->bg_lock);
    if (app->bg_stop)
      break;
    app->bg_now.job = app->bg_queue[0].job;
    app->bg_now.arg = app->bg_queue[0].arg;
    memmove(&app->bg_queue[0], &app->bg_queue[1], (app->bg_n - 1) * sizeof app->bg_queue[0]);
    app->bg_n--;
    pthread_mutex_unlock(&app->bg_lock);
    app->bg_now.job(app, app->bg_db, app->bg_now.arg);
    store_rollback(app->bg_db); /* a job that forgot */
    pthread_mutex_lock(&app->bg_lock);
    app->bg_now.job = NULL;
    app->bg_now.arg = NULL;
  }
  pthread_mutex_unlock(&app->bg_lock);
  return NULL;
}

void web_app_background(web_app *app, web_app_job job, void *arg) {
  pthread_mutex_lock(&app->bg_lock);
  bool queued = app->bg_now.job == job && app->bg_now.arg == arg;
  for (size_t i = 0; i < app->bg_n && !queued; i++)
    queued = app->bg_queue[i].job == job && app->bg_queue[i].arg == arg;
  if (!queued && app->bg_running && app->bg_n < BG_QUEUE) {
    app->bg_queue[app->bg_n].job = job;
    app->bg_queue[app->bg_n].arg = arg;
    app->bg_n++;
    pthread_cond_signal(&app->bg_cond);
  }
  pthread_mutex_unlock(&app->bg_lock);
}

/* Every second, copies what it can of the write-ahead log into the
 * database (PASSIVE: never waits for, nor holds up, readers or writers). */
static void *checkpointer(void *arg) {
  web_app *app = arg;
  pthread_mutex_lock(&app->ckpt_lock);
  while (!app->ckpt_stop) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 1;
    pthread_cond_timedwait(&app->ckpt_cond, &app->ckpt_lock, &until);
    if (app->ckpt_stop)
      break;
    pthread_mutex_unlock(&app->ckpt_lock);
    sqlite3_wal_checkpoint_v2(store_db(app->ckpt_db), NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    pthread_mutex_lock(&app->ckpt_lock);
  }
  pthread_mutex_unlock(&app->ckpt_lock);
  return NULL;
}

static time_t wall_clock(void) { return time(NULL); }

static int int_setting(store *s, const char *key, const char *def, int lo, int hi, int *out,
                       char *err, size_t errlen) {
  char *v;
  if (store_setting_get(s, key, def, &v, err, errlen) != 0)
    return -1;
  char *end;
  long n = strtol(v, &end, 10);
  int rc = 0;
  if (end == v || *end || n < lo || n > hi) {
    snprintf(err, errlen, "setting %s is \"%s\"; expected a whole number from %d to %d", key, v, lo,
             hi);
    rc = -1;
  } else {
    *out = (int)n;
  }
  free(v);
  return rc;
}

/* Opens one connection with the server's pragmas. */
static int connect_one(store **out, const char *path, char *err, size_t errlen) {
  if (store_open(out, path, err, errlen) != 0)
    return -1;
  /* WAL with synchronous NORMAL: a commit survives the process dying; a
   * power cut may lose the last moments (docs/deploy.md). secure_delete
   * overwrites deleted rows (used tokens, drafts) instead of leaving them
   * in free pages. */
  char *msg = NULL;
  if (sqlite3_exec(store_db(*out),
                   "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                   " PRAGMA secure_delete = ON; PRAGMA wal_autocheckpoint = 0",
                   NULL, NULL, &msg) != SQLITE_OK) {
    snprintf(err, errlen, "%s: %s", path, msg ? msg : "setting pragmas failed");
    sqlite3_free(msg);
    store_close(*out);
    *out = NULL;
    return -1;
  }
  return 0;
}

int web_app_new(web_app **out, const char *db_path, const web_app_options *o, char *err,
                size_t errlen) {
  *out = NULL;
  if (token_init() != 0) {
    snprintf(err, errlen, "libsodium could not be initialised");
    return -1;
  }
  web_app *app = xcalloc(1, sizeof *app);
  app->opt = *o;
  if (app->opt.connections < 1)
    app->opt.connections = 1;
  app->clock = wall_clock;
  pthread_mutex_init(&app->pool_lock, NULL);
  pthread_cond_init(&app->pool_cond, NULL);
  pthread_mutex_init(&app->write_lock, NULL);
  pthread_mutex_init(&app->log_lock, NULL);
  pthread_mutex_init(&app->ckpt_lock, NULL);
  pthread_cond_init(&app->ckpt_cond, NULL);
  pthread_mutex_init(&app->bg_lock, NULL);
  pthread_cond_init(&app->bg_cond, NULL);
  token_key_new(app->key);
  app->npool = (size_t)app->opt.connections;
  app->pool = xcalloc(app->npool, sizeof *app->pool);
  app->spare = xcalloc(app->npool, sizeof *app->spare);
  for (size_t i = 0; i < app->npool; i++) {
    if (connect_one(&app->pool[i].s, db_path, err, errlen) != 0)
      goto fail;
    app->spare[app->nfree++] = &app->pool[i];
  }
  store *s = app->pool[0].s;
  int login_max, login_window, token_max, token_window;
  if (int_setting(s, "web.session_idle_minutes", "30", 1, 10080, &app->session_idle, err, errlen) !=
          0 ||
      int_setting(s, "web.login_failures", "5", 1, 1000, &login_max, err, errlen) != 0 ||
      int_setting(s, "web.login_window_minutes", "15", 1, 1440, &login_window, err, errlen) != 0 ||
      int_setting(s, "web.token_failures", "20", 1, 100000, &token_max, err, errlen) != 0 ||
      int_setting(s, "web.token_window_minutes", "10", 1, 1440, &token_window, err, errlen) != 0 ||
      score_settings_load(s, &app->score, err, errlen) != 0)
    goto fail;
  app->session_idle *= 60;
  app->login_user = web_ratelimit_new(login_max, login_window * 60, 4096);
  app->login_addr = web_ratelimit_new(login_max * 4, login_window * 60, 4096);
  app->token_addr = web_ratelimit_new(token_max, token_window * 60, 4096);
  if (instrument_bank_builtin(&app->bank, err, errlen) != 0)
    goto fail;
  if (connect_one(&app->ckpt_db, db_path, err, errlen) != 0)
    goto fail;
  if (pthread_create(&app->ckpt_thread, NULL, checkpointer, app) != 0) {
    snprintf(err, errlen, "could not start the checkpoint thread");
    goto fail;
  }
  app->ckpt_running = true;
  if (connect_one(&app->bg_db, db_path, err, errlen) != 0)
    goto fail;
  if (pthread_create(&app->bg_thread, NULL, background, app) != 0) {
    snprintf(err, errlen, "could not start the background thread");
    goto fail;
  }
  app->bg_running = true;
  *out = app;
  return 0;
fail:
  web_app_free(app);
  return -1;
}

void web_app_free(web_app *app) {
  if (!app)
    return;
  if (app->bg_running) {
    pthread_mutex_lock(&app->bg_lock);
    app->bg_stop = true;
    app->bg_n = 0;
    pthread_cond_signal(&app->bg_cond);
    pthread_mutex_unlock(&app->bg_lock);
    pthread_join(app->bg_thread, NULL);
  }
  store_close(app->bg_db);
  if (app->ckpt_running) {
    pthread_mutex_lock(&app->ckpt_lock);
    app->ckpt_stop = true;
    pthread_cond_signal(&app->ckpt_cond);
    pthread_mutex_unlock(&app->ckpt_lock);
    pthread_join(app->ckpt_thread, NULL);
  }
  if (app->ckpt_db) {
    /* Everything into the database file before it is closed. */
    sqlite3_wal_checkpoint_v2(store_db(app->ckpt_db), NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    store_close(app->ckpt_db);
  }
  for (size_t i = 0; app->pool && i < app->npool; i++) {
    for (size_t k = 0; k < app->pool[i].n; k++)
      sqlite3_finalize(app->pool[i].cache[k].st);
    store_close(app->pool[i].s);
  }
  free(app->pool);
  free(app->spare);
  web_ratelimit_free(app->login_user);
  web_ratelimit_free(app->login_addr);
  web_ratelimit_free(app->token_addr);
  instrument_bank_free(app->bank);
  pthread_mutex_destroy(&app->pool_lock);
  pthread_cond_destroy(&app->pool_cond);
  pthread_mutex_destroy(&app->write_lock);
  pthread_mutex_destroy(&app->log_lock);
  pthread_mutex_destroy(&app->ckpt_lock);
  pthread_cond_destroy(&app->ckpt_cond);
  pthread_mutex_destroy(&app->bg_lock);
  pthread_cond_destroy(&app->bg_cond);
  free(app);
}

static web_conn *acquire(web_app *app) {
  pthread_mutex_lock(&app->pool_lock);
  while (app->nfree == 0)
    pthread_cond_wait(&app->pool_cond, &app->pool_lock);
  web_conn *c = app->spare[--app->nfree];
  pthread_mutex_unlock(&app->pool_lock);
  return c;
}

static void release(web_app *app, web_conn *c) {
  /* A handler that forgot: never leave a statement or transaction open. */
  for (size_t k = 0; k < c->n; k++)
    sqlite3_reset(c->cache[k].st);
  store_rollback(c->s);
  pthread_mutex_lock(&app->pool_lock);
  app->spare[app->nfree++] = c;
  pthread_cond_signal(&app->pool_cond);
  pthread_mutex_unlock(&app->pool_lock);
}

void web_app_lend_db(web_request *req) {
  release(req->app, req->conn);
  req->conn = NULL;
  req->db = NULL;
}

void web_app_reclaim_db(web_request *req) {
  req->conn = acquire(req->app);
  req->db = req->conn->s;
}

sqlite3_stmt *web_app_stmt(web_request *req, const char *sql, char *err, size_t errlen) {
  web_conn *c = req->conn;
  for (size_t k = 0; k < c->n; k++)
    if (c->cache[k].sql == sql) {
      sqlite3_reset(c->cache[k].st);
      sqlite3_clear_bindings(c->cache[k].st);
      return c->cache[k].st;
    }
  sqlite3_stmt *st;
  sqlite3 *db = store_db(c->s);
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
    store_fail(db, "preparing a statement", err, errlen);
    return NULL;
  }
  if (c->n < CACHE) {
    c->cache[c->n].sql = sql;
    c->cache[c->n].st = st;
    c->n++;
  }
  /* (Past CACHE statements the statement is not kept: a programming error
   * the tests would show as a leak.) */
  return st;
}

int web_app_begin(web_request *req, char *err, size_t errlen) {
  pthread_mutex_lock(&req->app->write_lock);
  if (store_begin(req->db, err, errlen) != 0) {
    pthread_mutex_unlock(&req->app->write_lock);
    return -1;
  }
  return 0;
}

int web_app_commit(web_request *req, char *err, size_t errlen) {
  int rc = store_commit(req->db, err, errlen);
  pthread_mutex_unlock(&req->app->write_lock);
  return rc;
}

void web_app_rollback(web_request *req) {
  store_rollback(req->db);
  pthread_mutex_unlock(&req->app->write_lock);
}

void web_app_fail(web_request *req, web_response *res, const char *what) {
  if (!req->app->opt.quiet) {
    pthread_mutex_lock(&req->app->log_lock);
    fprintf(stderr, "cleval serve: %s %s: %s\n", req->method, req->path, what);
    pthread_mutex_unlock(&req->app->log_lock);
  }
  web_response_clear(res);
  web_response_init(res);
  web_page_simple(res, req, 500, "Something went wrong",
                  "The server could not complete this request. Nothing you sent was lost if you "
                  "saw it saved before; please try again in a moment.");
}

void web_app_fail_unsaved(web_request *req, web_response *res, const char *what) {
  web_app_fail(req, res, what); /* logs it */
  web_response_clear(res);
  web_response_init(res);
  res->status = 503;
  res->content_type = "text/html; charset=utf-8";
  web_response_header(res, "Retry-After", "120");
  web_page_begin(res, req, "Your answers were not saved");
  strbuf *b = &res->body;
  web_page_para(b, NULL,
                "The server could not store your answers just now. Nothing of what you sent "
                "was stored, and your answers are kept on this page.");
  web_page_para(b, NULL,
                "Please send them again in a few minutes with the button below. If it fails "
                "again, tell the person who sent you the link.");
  web_page_form_begin(b, req, req->path);
  for (size_t i = 0; i < req->form.n; i++)
    if (strcmp(req->form.fields[i].name, "csrf") != 0)
      web_page_hidden(b, req->form.fields[i].name, req->form.fields[i].value);
  web_page_button(b, NULL, NULL, "Send my answers again", NULL);
  web_page_form_end(b);
  web_page_end(res);
}

const instrument_bank *web_app_bank(const web_app *app) { return app->bank; }
const score_settings *web_app_score(const web_app *app) { return &app->score; }
const unsigned char *web_app_key(const web_app *app) { return app->key; }
bool web_app_secure_cookies(const web_app *app) { return app->opt.secure_cookies; }
int web_app_session_idle(const web_app *app) { return app->session_idle; }
web_ratelimit *web_app_login_user_limit(web_app *app) { return app->login_user; }
web_ratelimit *web_app_login_addr_limit(web_app *app) { return app->login_addr; }
web_ratelimit *web_app_token_addr_limit(web_app *app) { return app->token_addr; }
time_t web_app_now(const web_app *app) { return app->clock(); }
void web_app_set_clock(web_app *app, time_t (*clock)(void)) {
  app->clock = clock ? clock : wall_clock;
}

static bool changes_state(const char *method) {
  return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

void web_app_handle(web_app *app, web_request *req, web_response *res) {
  req->app = app;
  char buf[1024];
  bool known = false;
  const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
  const web_route *route = web_routes_match(method, req->raw_path ? req->raw_path : req->path,
                                            req->raw_path != NULL, req, buf, sizeof buf, &known);
  if (!route) {
    if (known) {
      web_page_simple(res, req, 405, "Method not allowed",
                      "This address does not accept that kind of request.");
      return;
    }
    web_page_simple(res, req, 404, "Page not found", "There is no page at this address.");
    return;
  }
  req->conn = acquire(app);
  req->db = req->conn->s;
  char err[512];
  if (web_session_load(req, res, err, sizeof err) != 0) {
    web_app_fail(req, res, err);
    goto done;
  }
  if (changes_state(req->method) && !web_session_csrf_ok(req)) {
    web_page_simple(res, req, 403, "Form expired",
                    "This form could not be accepted: it was not sent from this site's page, or "
                    "the page was open too long. Go back, reload the page and try again.");
    goto done;
  }
  if (!web_routes_allowed(route, req)) {
    if (!req->signed_in && !changes_state(req->method)) {
      web_response_redirect(res, "/login");
    } else {
      web_page_simple(res, req, 403, "Not allowed",
                      req->signed_in ? "Your account may not see this page."
                                     : "Sign in to see this page.");
    }
    goto done;
  }
  route->handler(req, res);
done:
  release(app, req->conn);
  req->db = NULL;
  req->conn = NULL;
}

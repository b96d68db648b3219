/* Dashboards and downloads (see web_dashboard.h). The analysis behind them
 * is the report's (dataset_load, analysis_run, compass_units), computed
 * once and kept for a few minutes: it reads the whole database. */
#include "web_dashboard.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis.h"
#include "compass.h"
#include "config.h"
#include "dataset.h"
#include "export.h"
#include "import.h"
#include "report.h"
#include "report_doc.h"
#include "web_app.h"
#include "web_page.h"
#include "xalloc.h"

#define CACHE_SECONDS 300

/* Per provider: who enrolled, completed and answered. */
typedef struct pcount {
  char *key, *name, *accreditation;
  long enrolled, completed, pre, post;
} pcount;

/* The analysis, shared by the server's threads; replaced whole (readers
 * hold a reference). */
typedef struct analysis_cache {
  int refs;
  report_config cfg;
  report_doc *doc;
  dataset *ds;
  compass_unit *units;
  size_t nunits;
  pcount *counts;
  size_t ncounts;
  char *programme; /* the programme dashboard's content, drawn once */
} analysis_cache;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static analysis_cache *current;
static time_t current_at;
static unsigned generation = 1, current_generation;

static void cache_unref(analysis_cache *c) {
  if (!c)
    return;
  pthread_mutex_lock(&lock);
  int left = --c->refs;
  pthread_mutex_unlock(&lock);
  if (left > 0)
    return;
  report_doc_free(c->doc);
  dataset_free(c->ds);
  free(c->units);
  for (size_t i = 0; i < c->ncounts; i++) {
    free(c->counts[i].key);
    free(c->counts[i].name);
    free(c->counts[i].accreditation);
  }
  free(c->counts);
  free(c->programme);
  free(c);
}

void web_dashboard_changed(void) {
  pthread_mutex_lock(&lock);
  generation++;
  pthread_mutex_unlock(&lock);
}

static int load_counts(store *s, analysis_cache *c, char *err, size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(
          db,
          "SELECT p.provider_key, p.name, p.accreditation,"
          " count(DISTINCT n.leader_id),"
          " count(DISTINCT CASE WHEN n.status = 'completed' THEN n.leader_id END),"
          " count(DISTINCT CASE WHEN rp.id IS NOT NULL THEN n.leader_id END),"
          " count(DISTINCT CASE WHEN rq.id IS NOT NULL AND n.status = 'completed'"
          "  THEN n.leader_id END)"
          " FROM providers p LEFT JOIN enrolments n ON n.provider_id = p.id"
          " LEFT JOIN responses rp ON rp.leader_id = n.leader_id AND rp.stage = 'pre'"
          " LEFT JOIN responses rq ON rq.leader_id = n.leader_id AND rq.stage = 'post'"
          " GROUP BY p.id ORDER BY p.provider_key",
          -1, &st, NULL) != SQLITE_OK)
    return store_fail(db, "counting providers' cohorts", err, errlen);
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (c->ncounts == cap) {
      cap = cap ? 2 * cap : 16;
      c->counts = xrealloc(c->counts, cap * sizeof *c->counts);
    }
    pcount *p = &c->counts[c->ncounts++];
    p->key = xstrdup((const char *)sqlite3_column_text(st, 0));
    p->name = xstrdup((const char *)sqlite3_column_text(st, 1));
    p->accreditation = xstrdup((const char *)sqlite3_column_text(st, 2));
    p->enrolled = sqlite3_column_int(st, 3);
    p->completed = sqlite3_column_int(st, 4);
    p->pre = sqlite3_column_int(st, 5);
    p->post = sqlite3_column_int(st, 6);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE)
    return store_fail(db, "counting providers' cohorts", err, errlen);
  return 0;
}

static void render_programme(analysis_cache *c);

/* Whether the current analysis needs rebuilding; with lock held. */
static bool stale(time_t now) {
  return !current || current_generation != generation || now < current_at ||
         now - current_at >= CACHE_SECONDS;
}

/* How long a request finding no analysis at all (the server's first)
 * waits for it before it is told the page is being prepared. */
#define FIRST_WAIT_SECONDS 20

static pthread_cond_t built = PTHREAD_COND_INITIALIZER;
static char build_err[512]; /* why the last build failed, or "" */

/* The background job (web_app_background): rebuilds the analysis on the
 * background thread's own connection when it is stale, then swaps it in;
 * requests meanwhile go on with the one before. */
static void build_job(web_app *app, store *db, void *arg) {
  (void)arg;
  time_t now = web_app_now(app);
  pthread_mutex_lock(&lock);
  unsigned gen = generation;
  bool still = stale(now);
  pthread_mutex_unlock(&lock);
  if (!still)
    return;
  char err[512] = "";
  analysis_cache *c = xcalloc(1, sizeof *c);
  c->refs = 1;
  config_defaults(&c->cfg);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(c->cfg.date, sizeof c->cfg.date, "%Y-%m-%d", &tm);
  compass_counts cc;
  /* One read transaction: the dataset and the counts see the same data. */
  if (sqlite3_exec(store_db(db), "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
    store_fail(store_db(db), "reading the analysis", err, sizeof err);
  } else if (dataset_load(db, &c->ds, err, sizeof err) != 0 ||
             load_counts(db, c, err, sizeof err) != 0) {
    if (!err[0])
      snprintf(err, sizeof err, "the analysis could not be read");
  }
  sqlite3_exec(store_db(db), "ROLLBACK", NULL, NULL, NULL);
  if (err[0]) {
    cache_unref(c);
    pthread_mutex_lock(&lock);
    snprintf(build_err, sizeof build_err, "%s", err);
    pthread_cond_broadcast(&built);
    pthread_mutex_unlock(&lock);
    return;
  }
  c->doc = analysis_run(c->ds, &c->cfg);
  compass_units(c->ds, &c->cfg, &c->units, &c->nunits, &cc);
  render_programme(c);
  pthread_mutex_lock(&lock);
  analysis_cache *was = current;
  current = c;
  current_at = now;
  current_generation = gen;
  build_err[0] = '\0';
  pthread_cond_broadcast(&built);
  pthread_mutex_unlock(&lock);
  cache_unref(was);
}

void web_dashboard_prepare(web_app *app) { web_app_background(app, build_job, NULL); }

/* The current analysis (a reference: give it back with cache_unref). When
 * it is stale a rebuild is queued on the background thread and the stale
 * one is used meanwhile; only a request finding none at all waits (its
 * database connection lent back to the others) for at most
 * FIRST_WAIT_SECONDS. NULL with *preparing set when it is still not there,
 * or with a message in err when building it failed. */
static analysis_cache *cache_get(web_request *req, bool *preparing, char *err, size_t errlen) {
  *preparing = false;
  time_t now = web_app_now(req->app);
  pthread_mutex_lock(&lock);
  bool old = stale(now);
  analysis_cache *c = current;
  if (c)
    c->refs++;
  pthread_mutex_unlock(&lock);
  if (old)
    web_app_background(req->app, build_job, NULL);
  if (c)
    return c;
  web_app_lend_db(req);
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += FIRST_WAIT_SECONDS;
  pthread_mutex_lock(&lock);
  build_err[0] = '\0';
  while (!current && !build_err[0] && pthread_cond_timedwait(&built, &lock, &until) == 0)
    ;
  c = current;
  if (c)
    c->refs++;
  else if (build_err[0])
    snprintf(err, errlen, "%s", build_err);
  else
    *preparing = true;
  pthread_mutex_unlock(&lock);
  web_app_reclaim_db(req);
  return c;
}

/* The current analysis for a page (cache_get); when there is none, the
 * page says why instead (res set): 503 while the first is being prepared,
 * 500 when it could not be. */
static analysis_cache *cache_for(web_request *req, web_response *res) {
  char err[512];
  bool preparing;
  analysis_cache *c = cache_get(req, &preparing, err, sizeof err);
  if (c)
    return c;
  if (!preparing) {
    web_app_fail(req, res, err);
    return NULL;
  }
  web_page_simple(res, req, 503, "Being prepared",
                  "The figures behind this page are being prepared. Reload the page in a "
                  "minute.");
  web_response_header(res, "Retry-After", "30");
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* Tables built here from counts, drawn by the report's renderer. */

/* The report's small-cell rule (analysis_cells.c): a group of 0 is empty, one
 * of 1 to small_cell - 1 is withheld; within a group shown, a count of 1
 * to small_cell - 1 is withheld (0 is shown). Withheld cells are marked
 * (report_table_suppress), so the report's renderer prints them as in the
 * report. */
static bool group_hidden(const analysis_cache *c, long n) {
  return n == 0 || n < c->cfg.small_cell;
}
static bool count_hidden(const analysis_cache *c, long k) { return k > 0 && k < c->cfg.small_cell; }

/* Copies cell (r, k) of src to (nr, k) of t, its mark with it. */
static void copy_cell(report_table *t, size_t nr, const report_table *src, size_t r, size_t k) {
  const cell *y = report_table_cell(src, r, k);
  if (y->mark != MARK_NONE)
    report_table_suppress(t, nr, k, y->mark, src->small_cell);
  else if (y->kind == CELL_NUMBER)
    report_table_set_num(t, nr, k, y->num);
  else if (y->kind == CELL_INT)
    report_table_set_int(t, nr, k, y->i);
  else if (y->kind == CELL_TEXT)
    report_table_set_text(t, nr, k, y->text);
}

/* Columns of the response table: a count, and the rate computed from it
 * (-1: none). */
enum { RC_ENROLLED = 1, RC_COMPLETED, RC_PRE, RC_PRE_RATE, RC_POST, RC_POST_RATE, RC_NCOLS };

static long pick(const pcount *p, int col) {
  return col == RC_ENROLLED    ? p->enrolled
         : col == RC_COMPLETED ? p->completed
         : col == RC_PRE       ? p->pre
                               : p->post;
}

/* Response rates by stage: every provider and all providers, withheld as
 * the report withholds (the small-cell rule, then complementary
 * suppression: the providers are the parts of the "All providers" row, so
 * one withheld provider, or count, takes the next-smallest with it); with
 * key, that provider's row alone, withheld exactly as in the whole
 * table. */
static report_table *response_table(const analysis_cache *c, const char *key) {
  static const char *const cols[] = {"provider", "enrolled", "completed", "pre",
                                     "pre_rate", "post",     "post_rate"};
  report_table *t = report_table_new("response_rates", "Enrolled, completed and surveyed",
                                     SECTION_SAMPLES, cols, RC_NCOLS);
  report_table_column(t, 0, "Provider", 0);
  report_table_column(t, RC_ENROLLED, "Leaders enrolled", 0);
  report_table_column(t, RC_COMPLETED, "Completed", 0);
  report_table_column(t, RC_PRE, "Answered pre survey", 0);
  report_table_column(t, RC_PRE_RATE, "Pre response rate %", 1);
  report_table_column(t, RC_POST, "Answered post survey", 0);
  report_table_column(t, RC_POST_RATE, "Post response rate %", 1);
  int sc = c->cfg.small_cell;
  size_t np = c->ncounts;
  pcount total = {NULL, NULL, NULL, 0, 0, 0, 0};
  for (size_t i = 0; i <= np; i++) {
    const pcount *p = i < np ? &c->counts[i] : &total;
    size_t r = report_table_add_row(t);
    report_table_set_text(t, r, 0, i < np ? p->name : "All providers");
    if (i < np) {
      total.enrolled += p->enrolled;
      total.completed += p->completed;
      total.pre += p->pre;
      total.post += p->post;
    }
    if (group_hidden(c, p->enrolled)) {
      if (p->enrolled == 0) {
        report_table_set_int(t, r, RC_ENROLLED, 0);
        report_table_suppress_row(t, r, RC_COMPLETED, MARK_EMPTY, sc);
      } else {
        report_table_suppress_row(t, r, RC_ENROLLED, MARK_SUPPRESSED, sc);
      }
      continue;
    }
    report_table_set_int(t, r, RC_ENROLLED, p->enrolled);
    for (int col = RC_COMPLETED; col <= RC_POST; col += col == RC_COMPLETED ? 1 : 2) {
      long k = pick(p, col);
      if (count_hidden(c, k))
        report_table_suppress(t, r, (size_t)col, MARK_SUPPRESSED, sc);
      else
        report_table_set_int(t, r, (size_t)col, k);
    }
  }
  /* Complementary suppression over the providers' rows: first whole rows
   * (a withheld provider), then each count within them. */
  size_t *rows = xcalloc(np ? np : 1, sizeof *rows);
  long long *sizes = xcalloc(np ? np : 1, sizeof *sizes);
  unsigned char *withheld = xcalloc(np ? np : 1, 1);
  for (size_t i = 0; i < np; i++) {
    rows[i] = i;
    sizes[i] = c->counts[i].enrolled;
  }
  if (report_table_suppress_complement(t, rows, sizes, np, RC_ENROLLED, sc) == -2)
    report_table_suppress_row(t, np, RC_ENROLLED, MARK_SECONDARY, sc);
  for (int col = RC_COMPLETED; col <= RC_POST; col += col == RC_COMPLETED ? 1 : 2) {
    for (size_t i = 0; i < np; i++) {
      sizes[i] = pick(&c->counts[i], col);
      withheld[i] = report_table_cell(t, i, (size_t)col)->mark != MARK_NONE;
    }
    long w = report_table_pick_complement(sizes, withheld, np);
    if (w >= 0)
      report_table_suppress(t, (size_t)w, (size_t)col, MARK_SECONDARY, sc);
    else if (w == -2)
      report_table_suppress(t, np, (size_t)col, MARK_SECONDARY, sc);
  }
  free(rows);
  free(sizes);
  free(withheld);
  /* Rates where both their counts are shown. */
  for (size_t r = 0; r <= np; r++) {
    const cell *en = report_table_cell(t, r, RC_ENROLLED),
               *co = report_table_cell(t, r, RC_COMPLETED);
    const cell *pr = report_table_cell(t, r, RC_PRE), *po = report_table_cell(t, r, RC_POST);
    if (en->mark == MARK_NONE && pr->mark == MARK_NONE && en->kind == CELL_INT && en->i > 0)
      report_table_set_num(t, r, RC_PRE_RATE, 100.0 * (double)pr->i / (double)en->i);
    else if (en->mark == MARK_NONE && pr->mark != MARK_NONE)
      report_table_suppress(t, r, RC_PRE_RATE, pr->mark, sc);
    if (co->mark == MARK_NONE && po->mark == MARK_NONE && co->kind == CELL_INT && co->i > 0)
      report_table_set_num(t, r, RC_POST_RATE, 100.0 * (double)po->i / (double)co->i);
    else if (co->mark == MARK_NONE && po->mark != MARK_NONE)
      report_table_suppress(t, r, RC_POST_RATE, po->mark, sc);
  }
  t->n = total.enrolled;
  report_table_add_note(t,
                        "A leader enrolled with a provider more than once counts once. The pre "
                        "rate is over leaders enrolled, the post rate over those who completed. "
                        "Groups and counts under %d are withheld, as in the report.",
                        sc);
  if (!key)
    return t;
  /* One provider's row, as the whole table has it. */
  report_table *one = report_table_new("response_rates", t->title, SECTION_SAMPLES, cols, RC_NCOLS);
  for (size_t k = 0; k < RC_NCOLS; k++)
    report_table_column(one, k, t->headings[k], t->digits[k]);
  for (size_t i = 0; i < np; i++) {
    if (strcmp(c->counts[i].key, key) != 0)
      continue;
    size_t nr = report_table_add_row(one);
    for (size_t k = 0; k < RC_NCOLS; k++)
      copy_cell(one, nr, t, i, k);
    /* Its N (the title's) is withheld with its count. */
    one->n = report_table_cell(t, i, RC_ENROLLED)->mark != MARK_NONE ? -1 : c->counts[i].enrolled;
  }
  for (size_t i = 0; i < t->nnotes; i++)
    if (!strstr(t->notes[i], "withheld\""))
      report_table_add_note(one, "%s", t->notes[i]);
  report_table_free(t);
  return one;
}

/* The rows of the report's table id whose column col equals value: a new
 * table of the same shape, chart and notes. */
static report_table *rows_of(const report_table *src, const char *col, const char *value) {
  report_table *t = report_table_new(src->id, src->title, src->section,
                                     (const char *const *)src->columns, src->ncols);
  for (size_t k = 0; k < src->ncols; k++)
    report_table_column(t, k, src->headings && src->headings[k] ? src->headings[k] : NULL,
                        src->digits ? src->digits[k] : 2);
  int c = report_table_find_column(src, col);
  long long n = 0;
  int ncol = report_table_find_column(src, "n");
  for (size_t r = 0; r < src->nrows; r++) {
    const cell *x = report_table_cell(src, r, (size_t)c);
    if (c < 0 || x->kind != CELL_TEXT || strcmp(x->text, value) != 0)
      continue;
    size_t nr = report_table_add_row(t);
    for (size_t k = 0; k < src->ncols; k++)
      copy_cell(t, nr, src, r, k);
    if (ncol >= 0 && report_table_cell(src, r, (size_t)ncol)->kind == CELL_INT)
      n = report_table_cell(src, r, (size_t)ncol)->i > n
              ? report_table_cell(src, r, (size_t)ncol)->i
              : n;
  }
  t->n = n;
  t->chart = src->chart;
  for (size_t i = 0; i + 1 < src->nlabels * 2; i += 2)
    report_table_label(t, src->labels[i], src->labels[i + 1]);
  for (size_t i = 0; i < src->nnotes; i++)
    if (!strstr(src->notes[i], "withheld\"")) /* copy_cell adds it when needed */
      report_table_add_note(t, "%s", src->notes[i]);
  if (src->alt)
    report_table_set_alt(t, "%s", src->alt);
  return t;
}

/* Benchmarks fully achieved, baseline and post: the establishments where a
 * leader completed with provider key, against the comparison group. */
static report_table *benchmark_table(const analysis_cache *c, const char *key) {
  static const char *const cols[] = {"group", "n", "baseline_mean", "post_mean", "change"};
  report_table *t =
      report_table_new("benchmarks", "Gatsby Benchmarks fully achieved", SECTION_LEVEL4, cols, 5);
  report_table_column(t, 0, "Group", 0);
  report_table_column(t, 1, "Establishments", 0);
  report_table_column(t, 2, "Baseline", 2);
  report_table_column(t, 3, "Post", 2);
  report_table_column(t, 4, "Change", 2);
  const dataset *ds = c->ds;
  size_t pk = DS_NONE;
  for (size_t i = 0; i < ds->nproviders; i++)
    if (strcmp(ds->providers[i].key, key) == 0)
      pk = i;
  unsigned char *mine = xcalloc(ds->nestablishments + 1, 1);
  for (size_t i = 0; i < ds->nenrolments; i++) {
    const ds_enrolment *e = &ds->enrolments[i];
    if (e->provider == pk && e->status == DS_COMPLETED)
      mine[ds->leaders[e->leader].establishment] = 1;
  }
  double sb[2] = {0, 0}, sp[2] = {0, 0};
  long n[2] = {0, 0};
  for (size_t i = 0; i < c->nunits; i++) {
    const compass_unit *u = &c->units[i];
    if (!compass_compared(u))
      continue;
    int g = u->group == COMPASS_UNTRAINED ? 1 : mine[u->establishment] ? 0 : -1;
    if (g < 0)
      continue;
    sb[g] += u->achieved_baseline;
    sp[g] += u->achieved_post;
    n[g]++;
  }
  free(mine);
  const char *names[2] = {"Trained with this provider", "Comparison (no leader trained)"};
  for (int g = 0; g < 2; g++) {
    size_t r = report_table_add_row(t);
    report_table_set_text(t, r, 0, names[g]);
    if (n[g] == 0) {
      report_table_set_int(t, r, 1, 0);
      report_table_suppress_row(t, r, 2, MARK_EMPTY, c->cfg.small_cell);
      continue;
    }
    if (group_hidden(c, n[g])) {
      report_table_suppress_row(t, r, 1, MARK_SUPPRESSED, c->cfg.small_cell);
      continue;
    }
    report_table_set_int(t, r, 1, n[g]);
    report_table_set_num(t, r, 2, sb[g] / (double)n[g]);
    report_table_set_num(t, r, 3, sp[g] / (double)n[g]);
    report_table_set_num(t, r, 4, (sp[g] - sb[g]) / (double)n[g]);
  }
  t->n = n[0] + n[1];
  t->chart.kind = CHART_GROUPED;
  t->chart.category_col = 0;
  t->chart.series_col = -1;
  t->chart.value_cols[0] = 2;
  t->chart.value_cols[1] = 3;
  t->chart.nvalues = 2;
  t->chart.ci_low_col = t->chart.ci_high_col = -1;
  t->chart.x_label = "Group";
  t->chart.y_label = "Benchmarks fully achieved (0-8)";
  t->chart.y_max = 8;
  report_table_set_alt(t, "Mean benchmarks fully achieved at baseline and post, %s",
                       "for this provider's trained establishments and the comparison group.");
  report_table_add_note(t,
                        "Baseline and post returns chosen by the report's rules; groups under "
                        "%d establishments are not shown.",
                        c->cfg.small_cell);
  return t;
}

static void figure(strbuf *b, const report_doc *doc, const char *id) {
  const report_table *t = report_doc_table(doc, id);
  if (t)
    report_figure_html(t, b);
}

static void owned_figure(strbuf *b, report_table *t) {
  report_figure_html(t, b);
  report_table_free(t);
}

/* ---------------------------------------------------------------------- */
/* Pages. */

static bool staff(const web_request *req) {
  return req->signed_in && req->user.role &&
         (strcmp(req->user.role, "admin") == 0 || strcmp(req->user.role, "analyst") == 0);
}

/* The programme dashboard's content (the same for every analyst). */
static void render_programme(analysis_cache *c) {
  strbuf sb = STRBUF_INIT;
  strbuf *b = &sb;
  web_page_markup(b, "<p>");
  web_page_textf(b, "The whole programme, as the report computes it on %s. ", c->cfg.date);
  web_page_link(b, "/downloads", "Download the report and the data");
  web_page_text(b, ".");
  web_page_markup(b, "</p>\n<nav aria-label=\"Providers\"><ul>");
  for (size_t i = 0; i < c->ncounts; i++) {
    strbuf href = STRBUF_INIT;
    strbuf_puts(&href, "/providers/");
    web_page_put_segment(&href, c->counts[i].key);
    web_page_markup(b, "<li>");
    web_page_link(b, strbuf_str(&href), c->counts[i].name);
    web_page_markup(b, "</li>");
    strbuf_free(&href);
  }
  web_page_markup(b, "</ul></nav>\n");
  web_page_heading(b, 2, "counts", "Who took part");
  figure(b, c->doc, "samples");
  owned_figure(b, response_table(c, NULL));
  web_page_heading(b, 2, "knowledge", "Knowledge gains");
  figure(b, c->doc, "fig1");
  figure(b, c->doc, "providers");
  web_page_heading(b, 2, "benchmarks", "Gatsby Benchmarks");
  figure(b, c->doc, "fig18");
  figure(b, c->doc, "fig19");
  c->programme = strbuf_detach(b);
}

void web_dashboard_page(web_request *req, web_response *res) {
  if (!staff(req)) {
    if (req->user.provider_key) {
      strbuf loc = STRBUF_INIT;
      strbuf_puts(&loc, "/providers/");
      web_page_put_segment(&loc, req->user.provider_key);
      web_response_redirect(res, strbuf_str(&loc));
      strbuf_free(&loc);
    } else {
      web_page_simple(res, req, 403, "Not allowed", "Your account may not see this page.");
    }
    return;
  }
  analysis_cache *c = cache_for(req, res);
  if (!c)
    return;
  web_page_begin(res, req, "Programme dashboard");
  strbuf_puts(&res->body, c->programme);
  web_page_end(res);
  cache_unref(c);
}

void web_dashboard_provider(web_request *req, web_response *res) {
  analysis_cache *c = cache_for(req, res);
  if (!c)
    return;
  const pcount *p = NULL;
  for (size_t i = 0; i < c->ncounts; i++)
    if (strcmp(c->counts[i].key, req->params[0]) == 0)
      p = &c->counts[i];
  if (!p) {
    cache_unref(c);
    web_page_simple(res, req, 404, "Provider not found", "No provider has this key.");
    return;
  }
  char title[320];
  snprintf(title, sizeof title, "Cohort of %s", p->name);
  web_page_begin(res, req, title);
  strbuf *b = &res->body;
  web_page_markup(b, "<p>");
  web_page_textf(b,
                 "Careers Leaders who enrolled with %s, as the report computes it on %s. Groups "
                 "under %d are not shown.",
                 p->name, c->cfg.date, c->cfg.small_cell);
  web_page_markup(b, "</p>\n");
  web_page_heading(b, 2, "counts", "Who took part");
  owned_figure(b, response_table(c, p->key));
  web_page_heading(b, 2, "knowledge", "Knowledge gains");
  const report_table *src = report_doc_table(c->doc, "providers");
  if (src)
    owned_figure(b, rows_of(src, "provider", p->name));
  web_page_heading(b, 2, "benchmarks", "Gatsby Benchmarks");
  owned_figure(b, benchmark_table(c, p->key));
  web_page_end(res);
  cache_unref(c);
}

/* ---------------------------------------------------------------------- */
/* Downloads: each is audited before it is sent. */

static bool audit(web_request *req, web_response *res, const char *what) {
  char err[512];
  if (web_app_begin(req, err, sizeof err) != 0) {
    web_app_fail(req, res, err);
    return false;
  }
  if (store_audit(req->db, req->user.name, "download", what, err, sizeof err) != 0) {
    web_app_rollback(req);
    web_app_fail(req, res, err);
    return false;
  }
  if (web_app_commit(req, err, sizeof err) != 0) {
    web_app_fail(req, res, err);
    return false;
  }
  return true;
}

static void attachment(web_response *res, const char *name) {
  char v[160];
  snprintf(v, sizeof v, "attachment; filename=\"%s\"", name);
  web_response_header(res, "Content-Disposition", v);
}

static const char *const formats[] = {"csv", "json", "sav", NULL};

void web_dashboard_downloads(web_request *req, web_response *res) {
  analysis_cache *c = cache_for(req, res);
  if (!c)
    return;
  web_page_begin(res, req, "Downloads");
  strbuf *b = &res->body;
  web_page_para(b, NULL, "Every download is recorded in the audit log with your name.");
  web_page_heading(b, 2, "report", "The report");
  web_page_markup(b, "<ul><li>");
  web_page_link(b, "/downloads/report.html", "report.html");
  web_page_markup(b, "</li><li>");
  web_page_link(b, "/downloads/report.json", "report.json");
  web_page_markup(b, "</li></ul>\n");
  web_page_heading(b, 2, "tables", "The report's tables (CSV)");
  web_page_markup(b, "<ul>");
  for (size_t i = 0; i < c->doc->ntables; i++) {
    strbuf href = STRBUF_INIT, label = STRBUF_INIT;
    strbuf_printf(&href, "/downloads/tables/%s", c->doc->tables[i]->id);
    strbuf_printf(&label, "%s.csv: %s", c->doc->tables[i]->id, c->doc->tables[i]->title);
    web_page_markup(b, "<li>");
    web_page_link(b, strbuf_str(&href), strbuf_str(&label));
    web_page_markup(b, "</li>");
    strbuf_free(&href);
    strbuf_free(&label);
  }
  web_page_markup(b, "</ul>\n");
  web_page_heading(b, 2, "exports", "The data (exports)");
  web_page_markup(b, "<ul>");
  for (int k = 0; import_kinds[k]; k++) {
    web_page_markup(b, "<li>");
    web_page_text(b, import_kinds[k]);
    web_page_text(b, ": ");
    for (int f = 0; formats[f]; f++) {
      strbuf href = STRBUF_INIT;
      strbuf_printf(&href, "/downloads/export/%s/%s", import_kinds[k], formats[f]);
      if (f)
        web_page_text(b, ", ");
      web_page_link(b, strbuf_str(&href), formats[f]);
      strbuf_free(&href);
    }
    web_page_markup(b, "</li>");
  }
  web_page_markup(b, "</ul>\n");
  web_page_end(res);
  cache_unref(c);
}

static void report_file(web_request *req, web_response *res, bool html) {
  analysis_cache *c = cache_for(req, res);
  if (!c)
    return;
  const char *name = html ? "report.html" : "report.json";
  if (audit(req, res, name)) {
    if (html)
      report_html(c->doc, &res->body);
    else
      report_json(c->doc, &res->body);
    res->content_type = html ? "text/html; charset=utf-8" : "application/json";
    attachment(res, name);
  }
  cache_unref(c);
}

void web_dashboard_report_html(web_request *req, web_response *res) { report_file(req, res, true); }
void web_dashboard_report_json(web_request *req, web_response *res) {
  report_file(req, res, false);
}

void web_dashboard_table_csv(web_request *req, web_response *res) {
  analysis_cache *c = cache_for(req, res);
  if (!c)
    return;
  const report_table *t = report_doc_table(c->doc, req->params[0]);
  if (!t) {
    web_page_simple(res, req, 404, "Table not found", "The report has no table with this id.");
  } else {
    char name[96];
    snprintf(name, sizeof name, "tables/%s.csv", t->id);
    if (audit(req, res, name)) {
      report_table_csv(t, &res->body);
      res->content_type = "text/csv; charset=utf-8";
      snprintf(name, sizeof name, "%s.csv", t->id);
      attachment(res, name);
    }
  }
  cache_unref(c);
}

void web_dashboard_export(web_request *req, web_response *res) {
  const char *kind = req->params[0], *fmt = req->params[1];
  bool known = false;
  for (int k = 0; import_kinds[k]; k++)
    known |= strcmp(import_kinds[k], kind) == 0;
  export_options o = {EXPORT_CSV, false, req->user.name, NULL};
  if (!known || export_format_parse(fmt, &o.format) != 0) {
    web_page_simple(res, req, 404, "Export not found", "There is no such export.");
    return;
  }
  const char *tmp = getenv("TMPDIR");
  char path[512], err[512];
  snprintf(path, sizeof path, "%s/cleval-export-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  int fd = mkstemp(path);
  if (fd < 0) {
    web_app_fail(req, res, "could not make a temporary file for an export");
    return;
  }
  close(fd);
  char name[96], file[128];
  snprintf(name, sizeof name, "%s.%s", kind, fmt);
  snprintf(file, sizeof file, "web download %s", name);
  o.file = file;
  size_t rows = 0;
  FILE *f = NULL;
  /* export_kind reads in its own transaction and records the export in
   * the audit log (the one entry: the signed-in user, committed before
   * any byte is sent; another connection's write is waited for by the
   * busy timeout). */
  if (export_kind(req->db, kind, &o, path, &rows, err, sizeof err) != 0) {
    web_app_fail(req, res, err);
    goto cleanup;
  }
  f = fopen(path, "rb");
  if (!f) {
    web_app_fail(req, res, "could not read an export back");
    goto cleanup;
  }
  char buf[65536];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, f)) > 0)
    strbuf_put(&res->body, buf, got);
  bool bad = ferror(f);
  fclose(f);
  if (bad) {
    web_app_fail(req, res, "could not read an export back");
    goto cleanup;
  }
  res->content_type = o.format == EXPORT_CSV    ? "text/csv; charset=utf-8"
                      : o.format == EXPORT_JSON ? "application/json"
                                                : "application/octet-stream";
  attachment(res, name);
cleanup:
  unlink(path);
}

/* Compass pages (see web_compass.h): the establishment's page with its
 * returns against hub and national averages, and the Compass form, whose
 * returns are scored and stored by compass_return.c exactly as an import
 * of the same return. */
#include "web_compass.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compass_link.h"
#include "compass_return.h"
#include "config.h"
#include "svg.h"
#include "web_app.h"
#include "strbuf.h"
#include "web_page.h"
#include "xalloc.h"

#define INSTRUMENT "compass-2014"
#define NB COMPASS_NBENCHMARKS
#define MAX_SHOWN 12 /* returns drawn in the chart (the latest) */
#define CACHE_SECONDS 60

/* ---------------------------------------------------------------------- */
/* Hub and national averages by academic year (1 September to 31 August):
 * over establishments, each counted once a year with its latest return of
 * that year. Built from every return, so kept for a minute (or until
 * web_compass_changed) and shared by the server's threads. */

typedef struct avg {
  double pct[NB];  /* sums of each benchmark's percentage */
  double achieved; /* sum of benchmarks fully achieved */
  long n;          /* establishments */
} avg;

typedef struct averages_data {
  int year0, nyears;
  sqlite3_int64 nhubs; /* hub ids are 1..nhubs - 1 */
  avg *national;       /* nyears */
  avg *hub;            /* nhubs x nyears */
} averages_data;

/* The data is replaced whole under lock. When it is stale, a rebuild is
 * queued on the app's background thread (its own database connection) and
 * requests go on with the stale data meanwhile, so only the very first
 * request waits for a build (with its connection lent back). */
static struct {
  pthread_mutex_t lock;
  pthread_cond_t built;
  averages_data *data;
  unsigned generation; /* of the data it was built from */
  time_t at;
  char err[512]; /* why the last build failed, or "" */
} cache = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0, 0, ""};
static unsigned generation = 1;

/* How long a request finding no averages at all waits for them. */
#define FIRST_WAIT_SECONDS 20

void web_compass_changed(void) {
  pthread_mutex_lock(&cache.lock);
  generation++;
  pthread_mutex_unlock(&cache.lock);
}

/* The academic year (its starting calendar year) of "YYYY-MM-DD...". */
static int academic_year(const char *d) {
  int y = atoi(d), m = (int)strtol(d + 5, NULL, 10);
  return m >= 9 ? y : y - 1;
}

static double fully_achieved(void) {
  report_config cfg;
  config_defaults(&cfg);
  return cfg.fully_achieved;
}

static void add(avg *a, const double *pct, double full) {
  for (int b = 0; b < NB; b++) {
    a->pct[b] += pct[b];
    a->achieved += pct[b] >= full;
  }
  a->n++;
}

static void averages_free(averages_data *d) {
  if (!d)
    return;
  free(d->national);
  free(d->hub);
  free(d);
}

static void add_return(averages_data *d, sqlite3_int64 hub, int year, const double *pct,
                       double full) {
  add(&d->national[year - d->year0], pct, full);
  if (hub > 0 && hub < d->nhubs)
    add(&d->hub[hub * d->nyears + (year - d->year0)], pct, full);
}

/* Computes the averages from every return; NULL with a message. */
static averages_data *build(store *s, char *err, size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st = NULL;
  averages_data *d = xcalloc(1, sizeof *d);
  if (sqlite3_prepare_v2(db,
                         "SELECT min(submitted_at), max(submitted_at),"
                         " (SELECT coalesce(max(id), 0) + 1 FROM hubs) FROM compass_returns",
                         -1, &st, NULL) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_ROW)
    goto fail;
  if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
    d->year0 = academic_year((const char *)sqlite3_column_text(st, 0));
    d->nyears = academic_year((const char *)sqlite3_column_text(st, 1)) - d->year0 + 1;
  }
  d->nhubs = sqlite3_column_int64(st, 2);
  sqlite3_finalize(st);
  st = NULL;
  size_t ny = d->nyears > 0 ? (size_t)d->nyears : 1;
  d->national = xcalloc(ny, sizeof *d->national);
  d->hub = xcalloc(ny * (size_t)d->nhubs, sizeof *d->hub);
  if (sqlite3_prepare_v2(db,
                         "SELECT r.establishment_id, e.hub_id, r.submitted_at, r.bm1, r.bm2,"
                         " r.bm3, r.bm4, r.bm5, r.bm6, r.bm7, r.bm8"
                         " FROM compass_returns r JOIN establishments e"
                         " ON e.id = r.establishment_id"
                         " WHERE coalesce(r.bm1, r.bm2, r.bm3, r.bm4, r.bm5, r.bm6, r.bm7,"
                         " r.bm8) IS NOT NULL"
                         " ORDER BY r.establishment_id, r.submitted_at",
                         -1, &st, NULL) != SQLITE_OK)
    goto fail;
  double full = fully_achieved();
  sqlite3_int64 est = -1, hub = 0;
  int year = 0;
  double pct[NB];
  bool have = false;
  int step;
  /* Each establishment counts once a year: its latest return of the year
   * (one row a return, its percentages bm1-bm8; one with none recorded is
   * left out). */
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    sqlite3_int64 e = sqlite3_column_int64(st, 0);
    int y = academic_year((const char *)sqlite3_column_text(st, 2));
    if (have && (e != est || y != year))
      add_return(d, hub, year, pct, full);
    est = e;
    year = y;
    hub = sqlite3_column_type(st, 1) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 1);
    for (int b = 0; b < NB; b++)
      pct[b] =
          sqlite3_column_type(st, 3 + b) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 3 + b);
    have = true;
  }
  if (step != SQLITE_DONE)
    goto fail;
  if (have)
    add_return(d, hub, year, pct, full);
  sqlite3_finalize(st);
  return d;
fail:
  store_fail(db, "computing Compass averages", err, errlen);
  sqlite3_finalize(st);
  averages_free(d);
  return NULL;
}

/* Copies the averages of year for hub (0: none) into *nat and *hb. */
static void copy_out(const averages_data *d, int year, sqlite3_int64 hub, avg *nat, avg *hb) {
  memset(nat, 0, sizeof *nat);
  memset(hb, 0, sizeof *hb);
  if (year >= d->year0 && year < d->year0 + d->nyears) {
    *nat = d->national[year - d->year0];
    if (hub > 0 && hub < d->nhubs)
      *hb = d->hub[hub * d->nyears + (year - d->year0)];
  }
}

/* Whether the averages need rebuilding; with cache.lock held. */
static bool stale(time_t now) {
  return !cache.data || cache.generation != generation || now < cache.at ||
         now - cache.at >= CACHE_SECONDS;
}

/* The background job (web_app_background): rebuilds the averages when they
 * are stale and swaps them in. */
static void averages_job(web_app *app, store *db, void *arg) {
  (void)arg;
  time_t now = web_app_now(app);
  pthread_mutex_lock(&cache.lock);
  unsigned gen = generation;
  bool still = stale(now);
  pthread_mutex_unlock(&cache.lock);
  if (!still)
    return;
  char err[512] = "";
  averages_data *d = build(db, err, sizeof err);
  pthread_mutex_lock(&cache.lock);
  if (d) {
    averages_free(cache.data);
    cache.data = d;
    cache.generation = gen;
    cache.at = now;
    cache.err[0] = '\0';
  } else {
    snprintf(cache.err, sizeof cache.err, "%s", err[0] ? err : "the averages could not be built");
  }
  pthread_cond_broadcast(&cache.built);
  pthread_mutex_unlock(&cache.lock);
}

void web_compass_prepare(web_app *app) { web_app_background(app, averages_job, NULL); }

/* The averages of each of n years for hub into nat[i] and hb[i] (see
 * cache above). Returns 0, 1 when there are none yet (the first build is
 * still running after FIRST_WAIT_SECONDS), or -1 with a message. */
static int averages(web_request *req, const int *years, size_t n, sqlite3_int64 hub, avg *nat,
                    avg *hb, char *err, size_t errlen) {
  time_t now = web_app_now(req->app);
  pthread_mutex_lock(&cache.lock);
  bool old = stale(now), have = cache.data != NULL;
  pthread_mutex_unlock(&cache.lock);
  if (old)
    web_app_background(req->app, averages_job, NULL);
  int rc = 0;
  if (!have) {
    web_app_lend_db(req);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += FIRST_WAIT_SECONDS;
    pthread_mutex_lock(&cache.lock);
    cache.err[0] = '\0';
    while (!cache.data && !cache.err[0] &&
           pthread_cond_timedwait(&cache.built, &cache.lock, &until) == 0)
      ;
    if (!cache.data) {
      rc = cache.err[0] ? -1 : 1;
      snprintf(err, errlen, "%s", cache.err[0] ? cache.err : "the averages are being prepared");
    }
    pthread_mutex_unlock(&cache.lock);
    web_app_reclaim_db(req);
    if (rc != 0)
      return rc;
  }
  pthread_mutex_lock(&cache.lock);
  for (size_t i = 0; i < n; i++)
    copy_out(cache.data, years[i], hub, &nat[i], &hb[i]);
  pthread_mutex_unlock(&cache.lock);
  return 0;
}

/* ---------------------------------------------------------------------- */
/* What a page shows of an establishment. */

typedef struct establishment {
  sqlite3_int64 id, hub_id;
  char urn[32], name[256], type[32], hub[256];
} establishment;

typedef struct ret {
  char when[40];
  double pct[NB];
} ret;

static void copy_col(char *out, size_t len, sqlite3_stmt *st, int col) {
  const char *v = (const char *)sqlite3_column_text(st, col);
  snprintf(out, len, "%s", v ? v : "");
  strbuf_trim_partial_utf8(out); /* cut at a character, never inside one */
}

/* Looks an establishment up by id (urn NULL) or by urn: 1 found, 0 not,
 * -1 failure. */
static int establishment_get(store *s, sqlite3_int64 id, const char *urn, establishment *e,
                             char *err, size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st;
  /* Two statements, so that each uses its index. */
  if (sqlite3_prepare_v2(db,
                         urn ? "SELECT e.id, e.urn, e.name, e.type, coalesce(e.hub_id, 0),"
                               " coalesce(h.name, '') FROM establishments e"
                               " LEFT JOIN hubs h ON h.id = e.hub_id WHERE e.urn = ?1"
                             : "SELECT e.id, e.urn, e.name, e.type, coalesce(e.hub_id, 0),"
                               " coalesce(h.name, '') FROM establishments e"
                               " LEFT JOIN hubs h ON h.id = e.hub_id WHERE e.id = ?1",
                         -1, &st, NULL) != SQLITE_OK)
    return store_fail(db, "reading an establishment", err, errlen);
  if (urn)
    sqlite3_bind_text(st, 1, urn, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st), found = 0;
  if (rc == SQLITE_ROW) {
    e->id = sqlite3_column_int64(st, 0);
    copy_col(e->urn, sizeof e->urn, st, 1);
    copy_col(e->name, sizeof e->name, st, 2);
    copy_col(e->type, sizeof e->type, st, 3);
    e->hub_id = sqlite3_column_int64(st, 4);
    copy_col(e->hub, sizeof e->hub, st, 5);
    found = 1;
  } else if (rc != SQLITE_DONE) {
    found = store_fail(db, "reading an establishment", err, errlen);
  }
  sqlite3_finalize(st);
  return found;
}

/* The establishment's returns, oldest first (free *out). */
static int returns_get(store *s, sqlite3_int64 est, ret **out, size_t *n, char *err,
                       size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st;
  *out = NULL;
  *n = 0;
  if (sqlite3_prepare_v2(db,
                         "SELECT r.submitted_at, r.bm1, r.bm2, r.bm3, r.bm4, r.bm5, r.bm6, r.bm7,"
                         " r.bm8 FROM compass_returns r"
                         " WHERE r.establishment_id = ?1 ORDER BY r.submitted_at, r.id",
                         -1, &st, NULL) != SQLITE_OK)
    return store_fail(db, "reading Compass returns", err, errlen);
  sqlite3_bind_int64(st, 1, est);
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) { /* one row a return */
    if (*n == cap) {
      cap = cap ? 2 * cap : 8;
      *out = xrealloc(*out, cap * sizeof **out);
    }
    ret *r = &(*out)[(*n)++];
    copy_col(r->when, sizeof r->when, st, 0);
    for (int b = 0; b < NB; b++)
      r->pct[b] =
          sqlite3_column_type(st, 1 + b) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 1 + b);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    free(*out);
    *out = NULL;
    *n = 0;
    return store_fail(db, "reading Compass returns", err, errlen);
  }
  return 0;
}

/* The benchmarks' names from the instrument's JSON ("benchmarks"). */
typedef struct names {
  char name[NB][96];
  char shortname[NB][48];
} names;

static void load_names(const web_request *req, names *nm) {
  for (int b = 0; b < NB; b++) {
    snprintf(nm->name[b], sizeof nm->name[b], "Benchmark %d", b + 1);
    snprintf(nm->shortname[b], sizeof nm->shortname[b], "Benchmark %d", b + 1);
  }
  const instrument *in = instrument_bank_get(web_app_bank(req->app), INSTRUMENT);
  json_t *root = in && in->source ? json_loads(in->source, 0, NULL) : NULL;
  json_t *list = json_object_get(root, "benchmarks");
  size_t i;
  json_t *v;
  json_array_foreach(list, i, v) {
    json_int_t k = json_integer_value(json_object_get(v, "number"));
    const char *name = json_string_value(json_object_get(v, "name"));
    const char *shortname = json_string_value(json_object_get(v, "short"));
    if (k < 1 || k > NB)
      continue;
    if (name)
      snprintf(nm->name[k - 1], sizeof nm->name[k - 1], "%s", name);
    if (shortname)
      snprintf(nm->shortname[k - 1], sizeof nm->shortname[k - 1], "%s", shortname);
  }
  json_decref(root);
}

/* The names, read once (the bank is the built-in one, never changed). */
static void benchmark_names(const web_request *req, names *nm) {
  static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;
  static names loaded;
  static bool have;
  pthread_mutex_lock(&names_lock);
  if (!have) {
    load_names(req, &loaded);
    have = true;
  }
  *nm = loaded;
  pthread_mutex_unlock(&names_lock);
}

static int achieved(const double *pct, double full) {
  int k = 0;
  for (int b = 0; b < NB; b++)
    k += pct[b] >= full;
  return k;
}

static double mean(double sum, long n) { return n > 0 ? sum / (double)n : NAN; }

static void num_cell(strbuf *b, double x, int digits) {
  if (isnan(x)) {
    web_page_markup(b, "<td class=\"num\">&ndash;</td>");
    return;
  }
  web_page_markup(b, "<td class=\"num\">");
  web_page_textf(b, "%.*f", digits, x);
  web_page_markup(b, "</td>");
}

/* The establishment's page into res: the chart of benchmarks achieved per
 * return against hub and national averages, the table under it, the
 * latest return per benchmark, and the benchmarks furthest from being
 * achieved in words. new_href (or NULL) links to the form. */
static void render_establishment(web_request *req, web_response *res, const establishment *e,
                                 const char *new_href, const char *notice) {
  char err[512];
  ret *rs = NULL;
  size_t n = 0;
  avg *nat = NULL, *hb = NULL;
  if (returns_get(req->db, e->id, &rs, &n, err, sizeof err) != 0) {
    web_app_fail(req, res, err);
    return;
  }
  nat = xcalloc(n ? n : 1, sizeof *nat);
  hb = xcalloc(n ? n : 1, sizeof *hb);
  int *years = xcalloc(n ? n : 1, sizeof *years);
  for (size_t i = 0; i < n; i++)
    years[i] = academic_year(rs[i].when);
  int arc = n ? averages(req, years, n, e->hub_id, nat, hb, err, sizeof err) : 0;
  free(years);
  if (arc > 0) {
    web_page_simple(res, req, 503, "Being prepared",
                    "The averages this page compares with are being prepared. Reload the page "
                    "in a minute.");
    web_response_header(res, "Retry-After", "30");
    goto cleanup;
  }
  if (arc < 0) {
    web_app_fail(req, res, err);
    goto cleanup;
  }
  double full = fully_achieved();
  names nm;
  benchmark_names(req, &nm);
  bool college = compass_type_college(e->type);
  const char *who = college ? "This college" : "This school";

  web_page_begin(res, req, e->name);
  strbuf *b = &res->body;
  if (notice)
    web_page_para(b, "notice", notice);
  web_page_markup(b, "<p>");
  web_page_textf(b, "URN %s. ", e->urn);
  if (e->hub_id)
    web_page_textf(b, "Careers Hub: %s.", e->hub);
  else
    web_page_text(b, "Not in a Careers Hub.");
  web_page_markup(b, "</p>\n");
  if (new_href) {
    web_page_markup(b, "<p>");
    web_page_link(b, new_href, "Record a new Compass return");
    web_page_markup(b, "</p>\n");
  }
  if (n == 0) {
    web_page_para(b, NULL, "No Compass return has been recorded yet.");
    web_page_end(res);
    goto cleanup;
  }

  /* Over time: benchmarks fully achieved, the latest MAX_SHOWN returns. */
  size_t first = n > MAX_SHOWN ? n - MAX_SHOWN : 0, shown = n - first;
  char(*cats)[16] = xcalloc(shown, sizeof *cats);
  const char **catp = xcalloc(shown, sizeof *catp);
  double *vals = xcalloc(shown * 3, sizeof *vals);
  for (size_t i = 0; i < shown; i++) {
    const ret *r = &rs[first + i];
    snprintf(cats[i], sizeof cats[i], "%.10s", r->when);
    catp[i] = cats[i];
    vals[i * 3] = achieved(r->pct, full);
    vals[i * 3 + 1] = e->hub_id ? mean(hb[first + i].achieved, hb[first + i].n) : NAN;
    vals[i * 3 + 2] = mean(nat[first + i].achieved, nat[first + i].n);
  }
  const char *series[3] = {who, "Hub average", "National average"};
  web_page_heading(b, 2, "over-time", "Benchmarks fully achieved over time");
  svg_chart c = {.kind = SVG_GROUPED,
                 .title = "Benchmarks fully achieved at each Compass return",
                 .x_label = "Return",
                 .y_label = "Benchmarks fully achieved (0-8)",
                 .ncats = shown,
                 .nseries = 3,
                 .categories = catp,
                 .series = series,
                 .values = vals,
                 .y_max = 8,
                 .digits = 1};
  strbuf_puts(b, "<div class=\"chart-wrap\">");
  svg_render(&c, b);
  strbuf_puts(b, "</div>\n");
  free(cats);
  free(catp);
  free(vals);
  web_page_para(b, NULL,
                "Hub and national averages are over establishments' latest return in the same "
                "academic year (September to August) as each return.");
  web_page_markup(b, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" "
                     "aria-label=\"Compass returns (table)\"><table>\n<thead><tr>");
  web_page_cell(b, "th", "col", "Return");
  web_page_markup(b, "<th scope=\"col\" class=\"num\">Fully achieved</th>"
                     "<th scope=\"col\" class=\"num\">Hub average</th>"
                     "<th scope=\"col\" class=\"num\">National average</th>");
  for (int k = 0; k < NB; k++) {
    web_page_markup(b, "<th scope=\"col\" class=\"num\">");
    web_page_textf(b, "BM%d %%", k + 1);
    web_page_markup(b, "</th>");
  }
  web_page_markup(b, "</tr></thead>\n<tbody>\n");
  for (size_t i = n; i-- > 0;) {
    web_page_markup(b, "<tr>");
    char d[16];
    snprintf(d, sizeof d, "%.10s", rs[i].when);
    web_page_cell(b, "th", "row", d);
    num_cell(b, achieved(rs[i].pct, full), 0);
    num_cell(b, e->hub_id ? mean(hb[i].achieved, hb[i].n) : NAN, 2);
    num_cell(b, mean(nat[i].achieved, nat[i].n), 2);
    for (int k = 0; k < NB; k++)
      num_cell(b, rs[i].pct[k], 1);
    web_page_markup(b, "</tr>\n");
  }
  web_page_markup(b, "</tbody>\n</table></div>\n");

  /* The latest return, benchmark by benchmark. */
  const ret *last = &rs[n - 1];
  const avg *ln = &nat[n - 1], *lh = &hb[n - 1];
  web_page_heading(b, 2, "latest", "Each benchmark at the latest return");
  const char *bcats[NB];
  double bv[NB * 3];
  for (int k = 0; k < NB; k++) {
    bcats[k] = nm.shortname[k];
    bv[k * 3] = last->pct[k];
    bv[k * 3 + 1] = e->hub_id ? mean(lh->pct[k], lh->n) : NAN;
    bv[k * 3 + 2] = mean(ln->pct[k], ln->n);
  }
  char title[96];
  snprintf(title, sizeof title, "Each benchmark's percentage at the return of %.10s", last->when);
  svg_chart c2 = {.kind = SVG_GROUPED,
                  .title = title,
                  .x_label = "Benchmark",
                  .y_label = "Percentage achieved",
                  .ncats = NB,
                  .nseries = 3,
                  .categories = bcats,
                  .series = series,
                  .values = bv,
                  .y_max = 100,
                  .digits = 0,
                  .unit = "%"};
  strbuf_puts(b, "<div class=\"chart-wrap\">");
  svg_render(&c2, b);
  strbuf_puts(b, "</div>\n");
  web_page_markup(b, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" "
                     "aria-label=\"Latest return by benchmark (table)\"><table>\n<thead><tr>");
  web_page_cell(b, "th", "col", "Benchmark");
  web_page_markup(b, "<th scope=\"col\" class=\"num\">");
  web_page_text(b, who);
  web_page_markup(b, " %</th><th scope=\"col\" class=\"num\">Hub average %</th>"
                     "<th scope=\"col\" class=\"num\">National average %</th></tr></thead>\n"
                     "<tbody>\n");
  for (int k = 0; k < NB; k++) {
    char label[128];
    snprintf(label, sizeof label, "%d. %s", k + 1, nm.name[k]);
    web_page_markup(b, "<tr>");
    web_page_cell(b, "th", "row", label);
    num_cell(b, bv[k * 3], 1);
    num_cell(b, bv[k * 3 + 1], 1);
    num_cell(b, bv[k * 3 + 2], 1);
    web_page_markup(b, "</tr>\n");
  }
  web_page_markup(b, "</tbody>\n</table></div>\n");

  /* The furthest from being achieved, in words: the three lowest. */
  int order[NB], m = 0;
  for (int k = 0; k < NB; k++)
    if (!isnan(last->pct[k]) && last->pct[k] < full)
      order[m++] = k;
  for (int i = 1; i < m; i++)
    for (int j = i; j > 0 && last->pct[order[j]] < last->pct[order[j - 1]]; j--) {
      int t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  web_page_heading(b, 2, "furthest", "Furthest to go");
  if (m == 0) {
    web_page_para(b, NULL, "Every benchmark was fully achieved at the latest return.");
  } else {
    strbuf t = STRBUF_INIT;
    strbuf_puts(&t, m == 1 ? "The benchmark furthest from being fully achieved is "
                           : "The benchmarks furthest from being fully achieved are ");
    int shown_k = m < 3 ? m : 3;
    for (int i = 0; i < shown_k; i++) {
      int k = order[i];
      if (i > 0)
        strbuf_puts(&t, i == shown_k - 1 ? " and " : ", ");
      strbuf_printf(&t, "benchmark %d, %s (%.1f %%)", k + 1, nm.name[k], last->pct[k]);
    }
    strbuf_puts(&t, ".");
    web_page_para(b, NULL, strbuf_str(&t));
    strbuf_free(&t);
  }
  web_page_end(res);
cleanup:
  free(rs);
  free(nat);
  free(hb);
}

/* ---------------------------------------------------------------------- */
/* The link. */

static void limit_key(const web_request *req, char *key, size_t len) {
  snprintf(key, len, "t:%s", req->client ? req->client : "?");
}

/* The establishment of the link in req->params[0]; on anything but a live
 * link fills res (429, 404, 410, 500) and returns false. */
static bool open_link(web_request *req, web_response *res, establishment *e) {
  char key[96], err[512];
  limit_key(req, key, sizeof key);
  web_ratelimit *rl = web_app_token_addr_limit(req->app);
  time_t now = web_app_now(req->app);
  if (web_ratelimit_blocked(rl, key, now)) {
    web_page_simple(res, req, 429, "Too many attempts",
                    "Too many links that do not exist were tried from your address. Wait a few "
                    "minutes, then open your Compass link again.");
    return false;
  }
  sqlite3_int64 id = 0;
  int f = compass_link_find(req->db, req->params[0], &id, err, sizeof err);
  if (f < 0) {
    web_app_fail(req, res, err);
    return false;
  }
  if (f == 0) {
    web_ratelimit_fail(rl, key, now);
    web_page_simple(res, req, 404, "Compass link not found",
                    "This Compass link is not valid. Check that the whole link you were sent "
                    "was copied.");
    return false;
  }
  if (f == 2) {
    web_page_simple(res, req, 410, "Compass link withdrawn",
                    "This Compass link has been withdrawn. Ask the programme team for a new "
                    "one.");
    return false;
  }
  f = establishment_get(req->db, id, NULL, e, err, sizeof err);
  if (f != 1) {
    web_app_fail(req, res, f < 0 ? err : "a Compass link names no establishment");
    return false;
  }
  return true;
}

void web_compass_page(web_request *req, web_response *res) {
  establishment e;
  if (!open_link(req, res, &e))
    return;
  char href[128];
  snprintf(href, sizeof href, "/compass/%s/new", req->params[0]);
  const char *saved = web_form_get(&req->query, "saved");
  render_establishment(req, res, &e, href,
                       saved ? "Thank you: your Compass return has been saved." : NULL);
}

void web_compass_establishment(web_request *req, web_response *res) {
  establishment e;
  char err[512];
  int f = establishment_get(req->db, 0, req->params[0], &e, err, sizeof err);
  if (f < 0) {
    web_app_fail(req, res, err);
    return;
  }
  if (f == 0) {
    web_page_simple(res, req, 404, "Establishment not found", "No establishment has this URN.");
    return;
  }
  render_establishment(req, res, &e, NULL, NULL);
}

bool web_compass_provider_sees(const web_request *req) {
  if (!req->signed_in || !req->user.provider_key || req->nparams < 1)
    return false;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(store_db(req->db),
                         "SELECT 1 FROM establishments e JOIN leaders l"
                         " ON l.establishment_id = e.id JOIN enrolments n ON n.leader_id = l.id"
                         " JOIN providers p ON p.id = n.provider_id"
                         " WHERE e.urn = ?1 AND p.provider_key = ?2 LIMIT 1",
                         -1, &st, NULL) != SQLITE_OK)
    return false;
  sqlite3_bind_text(st, 1, req->params[0], -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, req->user.provider_key, -1, SQLITE_STATIC);
  bool yes = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return yes;
}

/* ---------------------------------------------------------------------- */
/* The form: a fieldset per benchmark, a yes/no per criterion; each
 * section's "Save" posts the form back and the page comes back with every
 * benchmark's percentage computed here; "Submit" stores the return. */

static void render_form(web_request *req, web_response *res, const establishment *e,
                        const compass_sheet *sh, const int *met, bool show_missing) {
  names nm;
  benchmark_names(req, &nm);
  double pct[NB];
  compass_sheet_score(sh, met, pct);
  char title[320];
  snprintf(title, sizeof title, "Compass return: %s", e->name);
  web_page_begin(res, req, title);
  strbuf *b = &res->body;
  size_t missing = 0;
  for (size_t i = 0; i < sh->nitems; i++)
    missing += met[i] < 0;
  if (show_missing && missing) {
    web_page_markup(b, "<div class=\"notice\" role=\"alert\">");
    web_page_textf(b,
                   "%zu criteri%s not answered yet. Mark each criterion met or not met, then "
                   "submit again.",
                   missing, missing == 1 ? "on is" : "a are");
    web_page_markup(b, "</div>\n");
  }
  web_page_para(b, NULL,
                sh->college ? "For each criterion, say whether your college meets it now. Save a "
                              "section to see its benchmark's percentage."
                            : "For each criterion, say whether your school meets it now. Save a "
                              "section to see its benchmark's percentage.");
  char action[128];
  snprintf(action, sizeof action, "/compass/%s/new", req->params[0]);
  web_page_form_begin(b, req, action);
  for (int k = 0; k < NB; k++) {
    char id[24], head[160];
    snprintf(id, sizeof id, "bm%d", k + 1);
    snprintf(head, sizeof head, "Benchmark %d: %s", k + 1, nm.name[k]);
    web_page_markup(b, "<fieldset class=\"area\">\n");
    web_page_legend(b, "area", head);
    for (size_t i = 0; i < sh->nitems; i++) {
      const instrument_item *it = sh->items[i];
      if (it->benchmark != k + 1)
        continue;
      char rid[140];
      web_page_markup(b, "<fieldset>\n");
      web_page_legend(b, NULL, it->text);
      if (show_missing && met[i] < 0)
        web_page_para(b, "error", "Answer met or not met.");
      snprintf(rid, sizeof rid, "%s-1", it->id);
      web_page_radio(b, rid, it->id, "1", "Met", met[i] == 1);
      snprintf(rid, sizeof rid, "%s-0", it->id);
      web_page_radio(b, rid, it->id, "0", "Not met", met[i] == 0);
      web_page_markup(b, "</fieldset>\n");
    }
    web_page_markup(b, "<p class=\"score\" id=\"");
    web_page_text(b, id);
    web_page_markup(b, "-score\">");
    web_page_textf(b, "Benchmark %d so far: %.1f %%", k + 1, pct[k]);
    web_page_markup(b, "</p>\n");
    char v[16];
    snprintf(v, sizeof v, "%d", k + 1);
    char label[64];
    snprintf(label, sizeof label, "Save benchmark %d", k + 1);
    web_page_button(b, "save", v, label, "secondary");
    web_page_markup(b, "</fieldset>\n");
  }
  web_page_button(b, "submit", "1", "Submit the return", NULL);
  web_page_form_end(b);
  web_page_end(res);
}

static bool sheet_for(web_request *req, web_response *res, const establishment *e,
                      compass_sheet *sh) {
  char err[512];
  if (compass_sheet_init(sh, web_app_bank(req->app), INSTRUMENT, compass_type_college(e->type), err,
                         sizeof err) != 0) {
    web_app_fail(req, res, err);
    return false;
  }
  return true;
}

void web_compass_form(web_request *req, web_response *res) {
  establishment e;
  compass_sheet sh;
  if (!open_link(req, res, &e) || !sheet_for(req, res, &e, &sh))
    return;
  int met[COMPASS_MAX_CRITERIA];
  for (size_t i = 0; i < sh.nitems; i++)
    met[i] = -1;
  render_form(req, res, &e, &sh, met, false);
}

void web_compass_submit(web_request *req, web_response *res) {
  establishment e;
  compass_sheet sh;
  if (!open_link(req, res, &e) || !sheet_for(req, res, &e, &sh))
    return;
  int met[COMPASS_MAX_CRITERIA];
  size_t missing = 0;
  for (size_t i = 0; i < sh.nitems; i++) {
    const char *v = web_form_get(&req->form, sh.items[i]->id);
    met[i] = v && strcmp(v, "1") == 0 ? 1 : v && strcmp(v, "0") == 0 ? 0 : -1;
    if (v && met[i] < 0) {
      web_page_simple(res, req, 400, "Answer not understood",
                      "A criterion's answer was neither met nor not met. Go back and try again.");
      return;
    }
    missing += met[i] < 0;
  }
  if (!web_form_get(&req->form, "submit") || missing) {
    render_form(req, res, &e, &sh, met, web_form_get(&req->form, "submit") != NULL);
    return;
  }
  /* Dated by the server, in UTC. */
  time_t now = web_app_now(req->app);
  struct tm tm;
  char when[32], err[512];
  gmtime_r(&now, &tm);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  sqlite3_int64 id;
  if (web_app_begin(req, err, sizeof err) != 0) {
    web_app_fail_unsaved(req, res, err);
    return;
  }
  char detail[96];
  snprintf(detail, sizeof detail, "URN %s, %s", e.urn, when);
  if (compass_return_store(req->db, e.id, when, &sh, met, &id, err, sizeof err) != 0 ||
      store_audit(req->db, "compass link", "compass return", detail, err, sizeof err) != 0) {
    web_app_rollback(req);
    web_app_fail_unsaved(req, res, err);
    return;
  }
  if (web_app_commit(req, err, sizeof err) != 0) {
    web_app_fail_unsaved(req, res, err);
    return;
  }
  web_compass_changed();
  char loc[128];
  snprintf(loc, sizeof loc, "/compass/%s?saved=1", req->params[0]);
  web_response_redirect(res, loc);
}

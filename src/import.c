/* CSV import, the driver (see import.h): the header is matched to the
 * KIND's columns, every row is checked in a first streaming pass (problems
 * collected, the database only read), survey submissions are then resolved
 * (duplicates, what changed, post dated before pre), and a second pass
 * writes, all in one transaction. Memory grows with the number of distinct
 * keys (submissions, establishments ...), never with the number of rows.
 *
 * The files of the import module:
 *   import.c           this driver: the KIND table, the header, the passes,
 *                      the transaction, the summary and audit entry
 *   import_cell.c      problems and the cell validators (imp_required,
 *                      imp_enum, imp_number, imp_date, imp_first_key)
 *   import_catalog.c   the items installed in the database
 *   import_registry.c  establishments, leaders, providers, enrolments and
 *                      Compass returns: columns and row functions
 *   import_survey.c    surveys: the register of submissions, answers, the
 *                      duplicate rules, the spool and pass 2
 *   import_internal.h  what these share (importer, import_kind, helpers)
 *
 * Adding a KIND (a table-driven step):
 *   1. its name in import_kinds[] below and a K_ value in enum kind
 *      (import_internal.h), both at the same position as its row in kinds[];
 *   2. its columns: a {NULL}-terminated colspec array (declared extern in
 *      import_internal.h) and an enum of their indices, next to its row
 *      function;
 *   3. its row function, void imp_row_NAME(importer *im): it reads cells
 *      with imp_cell(im, COL) and checks them with the imp_* validators
 *      (each records a problem naming FILE:LINE:COLUMN), calls
 *      imp_first_key() for its key, compares with the database and calls
 *      imp_count(im, ACT_ADD | ACT_UPDATE | ACT_SAME), and writes only when
 *      im->pass == 2 (statements through imp_stmt() with a new Q_ id);
 *   4. a row in kinds[] below, and its columns in cmd_import.c's help.
 * Pass 1 calls the row function for every row to check it; when no problem
 * was found, pass 2 reads the file again and calls it to write, in the same
 * transaction. */
#include "import.h"

#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "csvin.h"
#include "fund.h"
#include "import_internal.h"
#include "strbuf.h"
#include "tempfile.h"
#include "xalloc.h"

const char *const import_kinds[] = {"establishments",  "leaders",   "providers", "enrolments",
                                    "self-assessment", "long-term", "compass",   "waves",
                                    "allocations",     "bursaries", NULL};

/* The KINDs, in the order of import_kinds[] and enum kind. */
static const import_kind kinds[] = {
    {"establishments", "establishments", imp_cols_establishments, -1, false, imp_row_establishment,
     NULL, false},
    {"leaders", "leaders", imp_cols_leaders, -1, false, imp_row_leader, NULL, false},
    {"providers", "providers", imp_cols_providers, -1, false, imp_row_provider, NULL, false},
    {"enrolments", "enrolments", imp_cols_enrolments, -1, false, imp_row_enrolment, NULL, false},
    {"self-assessment", "responses", imp_cols_self, INS_SELF, true, imp_row_survey,
     imp_resolve_self, false},
    {"long-term", "responses", imp_cols_longterm, INS_LONGTERM, true, imp_row_survey,
     imp_resolve_longterm, false},
    {"compass", "Compass returns", imp_cols_compass, INS_COMPASS, false, imp_row_compass, NULL, false},
    {"waves", "waves", imp_cols_waves, -1, false, imp_row_wave, NULL, true},
    {"allocations", "allocations", imp_cols_allocations, -1, false, imp_row_allocation, NULL, true},
    {"bursaries", "bursary steps", imp_cols_bursaries, -1, false, imp_row_bursary, NULL, true},
};
#define NKINDS (sizeof kinds / sizeof *kinds)
_Static_assert(sizeof import_kinds / sizeof *import_kinds == NKINDS + 1,
               "import_kinds[] and kinds[] list the same KINDs");

const char *const import_duplicate_rules[] = {"latest_complete", "latest", "earliest",
                                              "most_complete",   "error",  NULL};

const char *const imp_stages[] = {"pre", "post", NULL};

void imp_progress_tick(importer *im) {
  if (!im->opt->progress || (im->rows & 4095) != 0)
    return;
  import_progress p = {im->name, im->pass, im->rows, csvin_bytes_read(im->r),
                       csvin_total_bytes(im->r)};
  im->opt->progress(&p, im->opt->progress_ctx);
}

/* ---------------------------------------------------------------------- */
/* Database helpers. */

/* The statement sql names itself by: its words up to the table it reads or
 * writes ("INSERT INTO responses", "UPDATE responses", "DELETE FROM
 * answers", "SELECT FROM leaders"). */
static void statement_head(const char *sql, char *out, size_t size) {
  out[0] = '\0';
  if (!sql)
    return;
  const char *from = strncmp(sql, "SELECT", 6) == 0 ? strstr(sql, " FROM ") : NULL;
  size_t n = 0;
  if (from) {
    n = (size_t)snprintf(out, size, "SELECT FROM ");
    sql = from + 6;
  }
  const char *stop = strpbrk(sql, "(");
  const char *end = sql + strlen(sql);
  if (stop)
    end = stop;
  static const char *const words[] = {" VALUES", " SET ", " WHERE ", " ORDER ", " ON ", " JOIN "};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
    const char *w = strstr(sql, words[i]);
    if (w && w < end)
      end = w;
  }
  while (end > sql && end[-1] == ' ')
    end--;
  for (const char *p = sql; p < end && n + 1 < size; p++)
    out[n++] = *p;
  out[n < size ? n : size - 1] = '\0';
}

void imp_db_fail(importer *im, const char *sql, const char *what) {
  char head[80];
  statement_head(sql, head, sizeof head);
  snprintf(im->err, im->errlen, "%s: %s%s%s%s: %s", im->name, what, head[0] ? " (" : "", head,
           head[0] ? ")" : "", sqlite3_errmsg(im->db));
  im->failed = true;
}

void imp_name_error(importer *im) {
  size_t n = strlen(im->name);
  if (strncmp(im->err, im->name, n) == 0 && im->err[n] == ':')
    return;
  char *msg = xstrdup(im->err);
  snprintf(im->err, im->errlen, "%s: %s", im->name, msg);
  free(msg);
}

sqlite3_stmt *imp_stmt(importer *im, int id, const char *sql) {
  if (!im->st[id] && sqlite3_prepare_v2(im->db, sql, -1, &im->st[id], NULL) != SQLITE_OK) {
    imp_db_fail(im, sql, "preparing a statement");
    return NULL;
  }
  sqlite3_reset(im->st[id]);
  sqlite3_clear_bindings(im->st[id]);
  return im->st[id];
}

/* Steps a statement expected to finish (an INSERT, UPDATE, DELETE). */
bool imp_run(importer *im, sqlite3_stmt *st, const char *what) {
  if (!st)
    return false;
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    imp_db_fail(im, sqlite3_sql(st), what);
    return false;
  }
  return true;
}

/* Steps a query: 1 a row, 0 none, -1 failure. */
int imp_query(importer *im, sqlite3_stmt *st) {
  if (!st)
    return -1;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    return 1;
  if (rc == SQLITE_DONE)
    return 0;
  imp_db_fail(im, sqlite3_sql(st), "reading the database");
  return -1;
}

/* The registry tables looked up by key. */
static const struct {
  int qid;
  const char *sql, *what, *kind;
} key_tables[] = {
    [IMP_LEADERS] = {Q_LEADER_ID, "SELECT id FROM leaders WHERE leader_key = ?1", "Careers Leader",
                     "leaders"},
    [IMP_PROVIDERS] = {Q_PROV_ID, "SELECT id FROM providers WHERE provider_key = ?1", "provider",
                       "providers"},
};

/* Providers remembered by imp_key_id: a programme has a few dozen. */
#define KEY_CACHE_MAX 256

sqlite3_int64 imp_key_id(importer *im, int table, int i, const char *key) {
  bool cached = table == IMP_PROVIDERS;
  for (size_t k = 0; cached && k < im->nprov_cache; k++)
    if (strcmp(im->prov_cache[k].key, key) == 0)
      return im->prov_cache[k].id;
  sqlite3_stmt *q = imp_stmt(im, key_tables[table].qid, key_tables[table].sql);
  if (!q)
    return 0;
  sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
  int found = imp_query(im, q);
  sqlite3_int64 id = found == 1 ? sqlite3_column_int64(q, 0) : 0;
  sqlite3_reset(q);
  if (found == 0) {
    char showbuf[64];
    imp_fproblem(im, i, "no %s has the id %s (import %s first)", key_tables[table].what,
                 SHOW(key), key_tables[table].kind);
  }
  if (id && cached && im->nprov_cache < KEY_CACHE_MAX) {
    im->prov_cache = xgrow(im->prov_cache, &im->prov_cache_cap, im->nprov_cache + 1,
                           sizeof *im->prov_cache);
    im->prov_cache[im->nprov_cache++] = (imp_key_cache){xstrdup(key), id};
  }
  return id;
}

int imp_none_stored(importer *im, const char *sql) {
  if (!im->none_stored) {
    sqlite3_stmt *q = imp_stmt(im, Q_NONE_STORED, sql);
    int any = q ? imp_query(im, q) : -1;
    if (q)
      sqlite3_reset(q);
    if (any < 0)
      return -1;
    im->none_stored = any ? 2 : 1;
  }
  return im->none_stored == 1;
}

row_rec *imp_row_rec(importer *im) {
  size_t i = im->rows - 1;
  if (i >= im->recs_cap) {
    size_t cap = im->recs_cap;
    im->recs = xgrow(im->recs, &im->recs_cap, i + 1, sizeof *im->recs);
    memset(im->recs + cap, 0, (im->recs_cap - cap) * sizeof *im->recs);
  }
  row_rec *r = &im->recs[i];
  if (im->pass == 2 && !r->found) {
    snprintf(im->err, im->errlen, "%s:%ld: the row was not checked before it was written",
             im->name, imp_line(im));
    im->failed = true;
    return NULL;
  }
  return r;
}

void imp_bind_opt_text(sqlite3_stmt *st, int i, const char *s) {
  if (imp_empty(s))
    sqlite3_bind_null(st, i);
  else
    sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Whether column c of a row equals s (NULL and "" are the same). */
bool imp_same_text(sqlite3_stmt *st, int c, const char *s) {
  const char *v = (const char *)sqlite3_column_text(st, c);
  if (!v || !*v)
    return imp_empty(s);
  return s && strcmp(v, s) == 0;
}

bool imp_same_real(sqlite3_stmt *st, int c, bool empty, double x) {
  if (sqlite3_column_type(st, c) == SQLITE_NULL)
    return empty;
  return !empty && sqlite3_column_double(st, c) == x;
}

void imp_count(importer *im, int action) {
  if (im->pass != 1)
    return;
  if (action == ACT_ADD)
    im->res->added++;
  else if (action == ACT_UPDATE)
    im->res->updated++;
  else if (action == ACT_SAME)
    im->res->unchanged++;
}

bool imp_settle(importer *im, sqlite3_stmt *q, int action) {
  if (q)
    sqlite3_reset(q);
  imp_count(im, action);
  return imp_writes(im) && action != ACT_SAME;
}

/* ---------------------------------------------------------------------- */
/* The header. */

/* Whether header h names column name: case folded, and a space or hyphen
 * standing for an underscore ("Leader ID", "months-in-role"), as
 * spreadsheets' users write them. */
static bool names_column(const char *h, const char *name) {
  for (; *h && *name; h++, name++) {
    int a = *h == ' ' || *h == '-' ? '_' : tolower((unsigned char)*h);
    if (a != tolower((unsigned char)*name))
      return false;
  }
  return !*h && !*name;
}

static int header_index(const importer *im, const char *name) {
  for (size_t i = 0; i < im->ncols; i++)
    if (names_column(im->cols[i], name))
      return (int)i;
  return -1;
}

static void expected_columns(const importer *im, strbuf *b) {
  for (size_t i = 0; im->spec[i].name; i++) {
    if ((im->wide && (i == S_ITEM || i == S_VALUE)) || im->spec[i].hidden)
      continue;
    strbuf_printf(b, "%s%s%s", b->len ? ", " : "", im->spec[i].name,
                  im->spec[i].required ? "" : " (optional)");
  }
  if (im->k->survey)
    strbuf_puts(b, im->wide ? ", then item ids" : "");
  else if (im->k->items >= 0)
    strbuf_puts(b, ", then optionally criterion item ids");
}

/* A name folded for near_name, with a histogram of its bytes (in 32 bins):
 * one edit changes the histogram by at most 2 in all, so half the
 * difference of two histograms bounds their edit distance from below and
 * most names are set aside without computing it. */
typedef struct near_cand {
  const char *name; /* as it is reported */
  char *folded;
  size_t len;
  unsigned char hist[32];
} near_cand;

static void near_hist(const char *s, unsigned char hist[32]) {
  memset(hist, 0, 32);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (hist[*p & 31] < 255)
      hist[*p & 31]++;
}

static void near_add(importer *im, const char *name, strbuf *tmp) {
  im->near = xgrow(im->near, &im->near_cap, im->nnear + 1, sizeof *im->near);
  near_cand *c = &im->near[im->nnear++];
  imp_fold(name, tmp);
  c->name = name;
  c->folded = xstrdup(strbuf_str(tmp));
  c->len = tmp->len;
  near_hist(c->folded, c->hist);
}

/* The names near_name compares with: the KIND's columns, then the item ids
 * of its instruments, in that order. */
static void near_build(importer *im) {
  strbuf b = STRBUF_INIT;
  for (size_t i = 0; im->spec[i].name; i++)
    if (!im->spec[i].hidden)
      near_add(im, im->spec[i].name, &b);
  for (size_t k = 0; k < im->cat.n && im->k->items >= 0; k++) {
    const citem *ci = &im->cat.items[k];
    if (ci->ins == im->k->items || (im->k->items == INS_SELF && ci->ins == INS_REFLECTIVE))
      near_add(im, ci->it->id, &b);
  }
  strbuf_free(&b);
  im->near_built = true;
}

/* A column or item id that an unknown column name is close to (an edit
 * distance of at most 2 after folding, and less than half its length), or
 * NULL. Such a column is never ignored: it is most likely misspelt. */
static const char *near_name(importer *im, const char *name) {
  if (!im->near_built)
    near_build(im);
  strbuf a = STRBUF_INIT;
  imp_fold(name, &a);
  unsigned char hist[32];
  near_hist(strbuf_str(&a), hist);
  const char *best = NULL;
  size_t best_d = 3;
  for (size_t i = 0; i < im->nnear; i++) {
    const near_cand *c = &im->near[i];
    if ((c->len > a.len ? c->len - a.len : a.len - c->len) > 2)
      continue;
    int diff = 0;
    for (int j = 0; j < 32; j++)
      diff += abs((int)hist[j] - (int)c->hist[j]);
    if (diff > 4)
      continue;
    size_t d = imp_distance(strbuf_str(&a), c->folded, 2);
    if (d < best_d && 2 * d < c->len) {
      best_d = d;
      best = c->name;
    }
  }
  strbuf_free(&a);
  return best;
}

static void sha_tap(const char *data, size_t len, void *ctx) {
  crypto_hash_sha256_update(ctx, (const unsigned char *)data, len);
}

/* Whether name is a column of the KIND or names an item it may have. */
static bool map_target_known(importer *im, const char *name) {
  for (size_t i = 0; im->spec[i].name; i++)
    if (!im->spec[i].hidden && strcasecmp(im->spec[i].name, name) == 0)
      return true;
  return im->k->items >= 0 && catalog_match_header(&im->cat, name, im->k->items, NULL) >= 0;
}

/* Reads the --map file: rows of two fields, a header as the data file has
 * it and the KIND's column or item id it stands for; a first row
 * "source,column" is a header. Problems name the map file's line and
 * column. Returns 0, 1 with problems, -1 on a failure to read it. */
static int load_map(importer *im, const char *path) {
  csvin *r;
  if (csvin_open(&r, path, im->err, im->errlen) != 0)
    return -1;
  crypto_hash_sha256_state sha;
  crypto_hash_sha256_init(&sha);
  csvin_set_tap(r, sha_tap, &sha);
  im->map = imp_nameset_new();
  char msg[512], showbuf[64];
  strbuf key = STRBUF_INIT;
  int rc, bad = 0;
  long record = 0;
  while ((rc = csvin_next(r, msg, sizeof msg)) != 0) {
    record++;
    if (rc < 0) {
      imp_add_problem(im, msg);
      bad = 1;
      continue;
    }
    long line = csvin_line(r);
    if (csvin_nfields(r) != 2) {
      snprintf(msg, sizeof msg,
               "%s:%ld:1: a --map row has two fields, the header in the file and the column or "
               "item id it stands for (this one has %zu)",
               csvin_name(r), line, csvin_nfields(r));
      imp_add_problem(im, msg);
      bad = 1;
      continue;
    }
    imp_fold(csvin_field(r, 0), &key);
    strbuf to = STRBUF_INIT;
    imp_fold(csvin_field(r, 1), &to);
    if (record == 1 && strcmp(strbuf_str(&key), "source") == 0 &&
        strcmp(strbuf_str(&to), "column") == 0) {
      strbuf_free(&to);
      continue;
    }
    strbuf_free(&to);
    const char *target = csvin_field(r, 1);
    while (*target == ' ')
      target++;
    char *t = xstrdup(target);
    for (size_t n = strlen(t); n && t[n - 1] == ' '; n--)
      t[n - 1] = '\0';
    if (!key.len) {
      snprintf(msg, sizeof msg, "%s:%ld:1: the header to rename is empty", csvin_name(r), line);
      imp_add_problem(im, msg);
      bad = 1;
    } else if (!map_target_known(im, t)) {
      snprintf(msg, sizeof msg, "%s:%ld:2: %s is neither a column of a %s file nor an item id",
               csvin_name(r), line, SHOW(t), im->kind_name);
      imp_add_problem(im, msg);
      bad = 1;
    } else {
      /* A header listed again renames its next occurrence in the file
       * (Forms exports repeat a question's text). */
      long first = imp_nameset_add(im->map, strbuf_str(&key), im->nmap);
      im->map_to = xgrow(im->map_to, &im->map_cap, im->nmap + 1, sizeof *im->map_to);
      im->map_lines = xrealloc(im->map_lines, im->map_cap * sizeof *im->map_lines);
      im->map_next = xrealloc(im->map_next, im->map_cap * sizeof *im->map_next);
      im->map_from = xrealloc(im->map_from, im->map_cap * sizeof *im->map_from);
      if (first >= 0) {
        while (im->map_next[first] >= 0)
          first = im->map_next[first];
        im->map_next[first] = (long)im->nmap;
      }
      im->map_to[im->nmap] = t;
      im->map_lines[im->nmap] = line;
      im->map_from[im->nmap] = xstrdup(csvin_field(r, 0));
      im->map_next[im->nmap++] = -1;
      t = NULL;
    }
    free(t);
  }
  strbuf_free(&key);
  if (csvin_stopped(r))
    bad = 1;
  csvin_close(r);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&sha, digest);
  sodium_bin2hex(im->map_sha256, sizeof im->map_sha256, digest, sizeof digest);
  return bad;
}

/* Reads a CSV file's header into im->cols; then checks it. Returns 0 when
 * the header is usable, 1 when it has problems. */
static int read_header(importer *im) {
  char msg[512];
  int rc = csvin_next(im->r, msg, sizeof msg);
  if (rc == 0) {
    strbuf exp = STRBUF_INIT;
    expected_columns(im, &exp);
    imp_problem(im, 1, 1, "the file is empty; expected a header row with the columns %s",
                strbuf_str(&exp));
    strbuf_free(&exp);
    return 1;
  }
  if (rc < 0) {
    imp_csv_problem(im, msg);
    return 1;
  }
  size_t n = csvin_nfields(im->r);
  const char **names = xmalloc((n ? n : 1) * sizeof *names);
  size_t *lens = xmalloc((n ? n : 1) * sizeof *lens);
  for (size_t i = 0; i < n; i++) {
    names[i] = csvin_field(im->r, i);
    lens[i] = csvin_field_len(im->r, i);
  }
  rc = imp_header(im, n, names, lens);
  free(names);
  free(lens);
  return rc;
}

int imp_header(importer *im, size_t n, const char *const *names, const size_t *lens) {
  strbuf exp = STRBUF_INIT;
  expected_columns(im, &exp);
  im->ncols = n;
  im->cols = xcalloc(im->ncols ? im->ncols : 1, sizeof *im->cols);
  for (size_t i = 0; i < im->ncols; i++) {
    const char *f = names[i];
    size_t len = lens[i];
    while (len && (*f == ' ' || *f == '\t')) {
      f++;
      len--;
    }
    while (len && (f[len - 1] == ' ' || f[len - 1] == '\t'))
      len--;
    im->cols[i] = xstrndup(f, len);
  }
  int bad = 0;
  /* --map renames the headers it lists. */
  if (im->map) {
    strbuf folded = STRBUF_INIT;
    im->map_used = xcalloc(im->nmap ? im->nmap : 1, sizeof *im->map_used);
    for (size_t i = 0; i < im->ncols; i++) {
      imp_fold(im->cols[i], &folded);
      long m = imp_nameset_find(im->map, strbuf_str(&folded));
      while (m >= 0 && im->map_used[m])
        m = im->map_next[m];
      if (m >= 0) {
        im->map_used[m] = true;
        free(im->cols[i]);
        im->cols[i] = xstrdup(im->map_to[m]);
        im->nmapped++;
      }
    }
    strbuf_free(&folded);
    /* A header listed n times is meant to be in the file n times. */
    for (size_t m = 0; m < im->nmap; m++)
      for (long n = im->map_next[m]; n >= 0 && im->map_used[m]; n = im->map_next[n])
        if (!im->map_used[n]) {
          char msg[512], showbuf[64];
          snprintf(msg, sizeof msg,
                   "%s:%ld:1: %s is renamed again (first on line %ld), but the file has fewer "
                   "columns so headed",
                   im->opt->map, im->map_lines[n], SHOW(im->map_from[n]), im->map_lines[m]);
          imp_add_problem(im, msg);
          im->map_used[n] = true; /* said once */
          bad = 1;
        }
  }
  /* A file separated by something other than commas reads as one column. */
  if (im->ncols == 1) {
    const char *h = im->cols[0];
    char sep = strchr(h, ';') ? ';' : strchr(h, '\t') ? '\t' : strchr(h, '|') ? '|' : 0;
    if (sep) {
      imp_problem(im, 1, 1,
                  "the header is a single column; the file seems to be separated by %s, but cleval "
                  "reads comma-separated values (RFC 4180)",
                  sep == ';'    ? "semicolons"
                  : sep == '\t' ? "tabs"
                                : "'|'");
      strbuf_free(&exp);
      return 1;
    }
  }
  /* Long or wide survey. */
  if (im->k->survey)
    im->wide = header_index(im, "item_id") < 0 && header_index(im, "value") < 0;
  size_t found = 0, required = 0;
  for (size_t i = 0; im->spec[i].name; i++) {
    im->col[i] = im->spec[i].hidden ? -1 : header_index(im, im->spec[i].name);
    bool req = im->spec[i].required && !(im->wide && (i == S_ITEM || i == S_VALUE));
    if (req)
      required++;
    if (im->col[i] >= 0 && req)
      found++;
  }
  im->itemcol = xmalloc(im->ncols * sizeof *im->itemcol);
  im->bytext = xcalloc(im->ncols, sizeof *im->bytext);
  im->row_items = xmalloc(im->ncols * sizeof *im->row_items);
  im->row_met = xmalloc(im->ncols * sizeof *im->row_met);
  size_t nitems = 0;
  /* Which columns are the KIND's own (the rest may be items). */
  im->speccol = xcalloc(im->ncols, sizeof *im->speccol);
  im->unnamed = xcalloc(im->ncols ? im->ncols : 1, sizeof *im->unnamed);
  for (size_t i = 0; im->spec[i].name; i++)
    if (im->col[i] >= 0)
      im->speccol[im->col[i]] = true;
  for (size_t c = 0; c < im->ncols; c++) {
    im->itemcol[c] = -1;
    if (im->speccol[c])
      continue;
    int twice = -1;
    if (im->wide || (!im->k->survey && im->k->items >= 0))
      im->itemcol[c] = catalog_match_header(&im->cat, im->cols[c], im->k->items, &twice);
    if (twice >= 0) {
      /* Which of the two items the column holds cannot be known. */
      char showbuf[64];
      imp_problem(im, 1, (int)c + 1,
                  "column %s is the question text of two items, %s and %s (worded alike); name "
                  "the column by its item id, or rename it with --map",
                  SHOW(im->cols[c]), im->cat.items[im->itemcol[c]].it->id,
                  im->cat.items[twice].it->id);
      im->itemcol[c] = -1;
      im->speccol[c] = true; /* reported: not an unknown column too */
      bad = 1;
      continue;
    }
    im->bytext[c] =
        im->itemcol[c] >= 0 && strcasecmp(im->cols[c], im->cat.items[im->itemcol[c]].it->id) != 0;
    if (im->itemcol[c] >= 0)
      nitems++;
  }
  if (found == 0 && nitems == 0) {
    char showbuf[64];
    imp_problem(im, 1, 1,
                "the first line is not a header: none of the expected columns was found (expected "
                "%s; the first column is %s)",
                strbuf_str(&exp), SHOW(im->cols[0]));
    strbuf_free(&exp);
    return 1;
  }
  strbuf read = STRBUF_INIT;
  for (size_t c = 0; c < im->ncols; c++)
    strbuf_printf(&read, "%s%s", c ? "," : "", im->cols[c]);
  for (size_t i = 0; im->spec[i].name; i++) {
    bool req = im->spec[i].required && !(im->wide && (i == S_ITEM || i == S_VALUE));
    if (req && im->col[i] < 0) {
      imp_problem(im, 1, 1, "missing column \"%s\" (the header read is: %s; expected %s)",
                  im->spec[i].name, strbuf_str(&read), strbuf_str(&exp));
      bad = 1;
    }
  }
  strbuf_free(&read);
  /* Every check below takes time linear in the number of columns (a file
   * may have hundreds of thousands). */
  imp_nameset *seen = imp_nameset_new();
  for (size_t c = 0; c < im->ncols; c++) {
    char showbuf[64];
    if (!*im->cols[c]) {
      /* Spreadsheets save formatted empty columns with no header: kept
       * out of the way, refused only if a row holds a value there. */
      im->unnamed[c] = true;
      im->nunnamed++;
      continue;
    }
    long first = imp_nameset_add(seen, im->cols[c], c);
    if (first >= 0) {
      imp_problem(im, 1, (int)c + 1, "%s: this column appears twice (first as column %ld)",
                  im->cols[c], first + 1);
      bad = 1;
    }
    int k = im->itemcol[c];
    if (im->speccol[c])
      continue;
    if (k >= 0) {
      const citem *ci = &im->cat.items[k];
      bool fits =
          ci->ins == im->k->items || (im->k->items == INS_SELF && ci->ins == INS_REFLECTIVE);
      if (!fits) {
        imp_problem(im, 1, (int)c + 1,
                    "%s: an item of the %s instrument does not belong in a %s file", im->cols[c],
                    ci->in->key, im->kind_name);
        bad = 1;
      }
      continue;
    }
    const char *near = near_name(im, im->cols[c]);
    if (near) {
      imp_problem(im, 1, (int)c + 1, "unknown column %s: did you mean \"%s\"?", SHOW(im->cols[c]),
                  near);
      bad = 1;
    } else if (im->opt->ignore_unknown) {
      im->ignored = xgrow(im->ignored, &im->ignored_cap, im->nignored + 1, sizeof *im->ignored);
      im->ignored[im->nignored++] = im->cols[c];
    } else {
      if (im->wide)
        imp_problem(im, 1, (int)c + 1,
                    "unknown column %s: not an item id (see 'cleval instruments') nor one of %s; "
                    "use --ignore-unknown to skip it",
                    SHOW(im->cols[c]), strbuf_str(&exp));
      else
        imp_problem(im, 1, (int)c + 1,
                    "unknown column %s (expected %s); use --ignore-unknown to skip it",
                    SHOW(im->cols[c]), strbuf_str(&exp));
      bad = 1;
    }
  }
  imp_nameset_free(seen);
  im->has_items = nitems > 0;
  strbuf_free(&exp);
  return bad;
}

/* ---------------------------------------------------------------------- */
/* The passes. */

/* Checks a row of n fields f (lengths len) against the header. */
static bool check_row_shape(importer *im, size_t n, char *const *f, const size_t *len) {
  bool ok = true;
  if (n != im->ncols) {
    if (im->pass == 1) {
      if (n < im->ncols && *im->cols[n])
        imp_problem(im, imp_line(im), (int)n + 1,
                    "%s: the row has %zu fields but the header has %zu (is a comma missing, or a "
                    "quote not closed?)",
                    im->cols[n], n, im->ncols);
      else if (n < im->ncols)
        imp_problem(im, imp_line(im), (int)n + 1,
                    "the row has %zu fields but the header has %zu (is a comma missing, or a "
                    "quote not closed?)",
                    n, im->ncols);
      else
        imp_problem(im, imp_line(im), (int)im->ncols + 1,
                    "the row has %zu fields but the header has %zu (is a value with a comma not "
                    "quoted?)",
                    n, im->ncols);
    }
    return false;
  }
  for (size_t c = 0; c < n; c++)
    if (strlen(f[c]) != len[c]) {
      if (im->pass == 1)
        imp_problem(im, imp_line(im), (int)c + 1, "%s: the value contains a NUL byte", im->cols[c]);
      ok = false;
    }
  for (size_t c = 0; im->nunnamed && c < n; c++)
    if (im->unnamed[c] && !imp_empty(f[c])) {
      if (im->pass == 1) {
        char showbuf[64];
        imp_problem(im, imp_line(im), (int)c + 1,
                    "column %zu has no name in the header but holds %s here; name it in the "
                    "header (or delete the column)",
                    c + 1, SHOW(f[c]));
      }
      ok = false;
    }
  return ok;
}

/* Checks (pass 1) or writes (pass 2) one row of n fields from line. */
void imp_process_row(importer *im, size_t n, char *const *f, const size_t *len, long line) {
  im->rows++;
  if (im->pass == 1)
    im->res->rows_read = im->rows;
  imp_progress_tick(im);
  im->rowline = line;
  /* A spreadsheet saves rows it once formatted as rows of empty cells. */
  size_t c = 0;
  while (c < n && !*f[c])
    c++;
  if (c == n && n == im->ncols) {
    if (im->pass == 1)
      im->res->empty_rows++;
    return;
  }
  if (check_row_shape(im, n, f, len)) {
    im->rowf = (const char **)f;
    im->k->row(im);
  }
}

/* Whether the current record is Qualtrics' ImportId row (its cells are
 * {"ImportId":"QID1"} and the like). */
static bool import_id_row(const csvin *r) {
  for (size_t c = 0; c < csvin_nfields(r); c++) {
    const char *f = csvin_field(r, c);
    while (*f == ' ')
      f++;
    if (*f)
      return strncmp(f, "{\"ImportId\"", 11) == 0;
  }
  return false;
}

static void drop_held(importer *im) {
  for (size_t i = 0; i < im->nheld; i++)
    free(im->held[i]);
  free(im->held);
  free(im->held_len);
  im->held = NULL;
  im->held_len = NULL;
  im->nheld = 0;
}

static void process_held(importer *im) {
  if (!im->held)
    return;
  imp_process_row(im, im->nheld, im->held, im->held_len, im->held_line);
  drop_held(im);
}

/* Reads every row of the open reader. Pass 1 counts rows and collects
 * problems; pass 2 writes. Qualtrics exports have two more header rows
 * (question texts, then ImportIds): a first row that is the ImportId row
 * is skipped, and so are a first and second row when the second is. */
static int run_pass(importer *im) {
  char msg[512];
  int rc;
  im->have_last = false;
  strbuf_reset(&im->last_key);
  im->rows = 0;
  im->extra_header_rows = 0;
  long record = 0; /* records read after the header */
  size_t cap = 0;
  while ((rc = csvin_next(im->r, msg, sizeof msg)) != 0) {
    record++;
    if (rc > 0 && record <= 2 && import_id_row(im->r)) {
      im->extra_header_rows = (size_t)record;
      drop_held(im);
      continue;
    }
    if (rc > 0 && record == 1) {
      /* Kept until the next record says whether it is a question-text row. */
      im->nheld = csvin_nfields(im->r);
      im->held = xmalloc((im->nheld ? im->nheld : 1) * sizeof *im->held);
      im->held_len = xmalloc((im->nheld ? im->nheld : 1) * sizeof *im->held_len);
      for (size_t c = 0; c < im->nheld; c++) {
        im->held_len[c] = csvin_field_len(im->r, c);
        im->held[c] = xmalloc(im->held_len[c] + 1);
        memcpy(im->held[c], csvin_field(im->r, c), im->held_len[c] + 1);
      }
      im->held_line = csvin_line(im->r);
      continue;
    }
    process_held(im);
    if (im->failed)
      return -1;
    if (rc < 0) {
      im->rows++;
      if (im->pass == 1) {
        im->res->rows_read = im->rows;
        imp_csv_problem(im, msg);
        continue;
      }
      snprintf(im->err, im->errlen, "%s", msg);
      return -1;
    }
    size_t n = csvin_nfields(im->r);
    if (n > cap) {
      im->rowbuf = xgrow(im->rowbuf, &cap, n, sizeof *im->rowbuf);
      im->rowlen = xrealloc(im->rowlen, cap * sizeof *im->rowlen);
    }
    for (size_t c = 0; c < n; c++) {
      im->rowbuf[c] = (char *)csvin_field(im->r, c);
      im->rowlen[c] = csvin_field_len(im->r, c);
    }
    imp_process_row(im, n, im->rowbuf, im->rowlen, csvin_line(im->r));
    if (im->failed)
      return -1;
  }
  process_held(im);
  return im->failed ? -1 : 0;
}

/* What the reader's tap does with the bytes of the input: hashes them and,
 * when the KIND's second pass reads the rows again, copies them to a
 * temporary file. The input is read once (it may be a pipe), and the
 * SHA-256 in the audit entry is of exactly the bytes imported. */
typedef struct input_tap {
  crypto_hash_sha256_state sha;
  FILE *copy; /* NULL: no copy */
  int copy_errno;
  bool copy_failed;
} input_tap;

static void tap_bytes(const char *data, size_t len, void *ctx) {
  input_tap *t = ctx;
  crypto_hash_sha256_update(&t->sha, (const unsigned char *)data, len);
  if (t->copy && !t->copy_failed && fwrite(data, 1, len, t->copy) != len) {
    t->copy_failed = true;
    t->copy_errno = errno;
  }
}

/* Reads the rest of f after the n bytes of prefix already read from it,
 * into *data (*len bytes, xmalloc'ed). 0, or -1 with a message. */
static int read_all(importer *im, FILE *f, const unsigned char *prefix, size_t n,
                    unsigned char **data, size_t *len) {
  size_t cap = n + 65536;
  unsigned char *d = xmalloc(cap);
  memcpy(d, prefix, n);
  for (;;) {
    if (n + 65536 > cap)
      d = xgrow(d, &cap, n + 65536, 1);
    size_t got = fread(d + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
  }
  if (ferror(f)) {
    snprintf(im->err, im->errlen, "%s: read error: %s", im->name, strerror(errno));
    free(d);
    return -1;
  }
  *data = d;
  *len = n;
  return 0;
}

/* Opens the input, path or "-" (standard input): an SPSS file when its name
 * ends in .sav or it begins with SPSS's "$FL2" ("$FL3": compressed), read
 * whole and hashed into sha256; otherwise CSV, streamed through the tap
 * (which hashes it). Only the first byte is read to tell them apart unless
 * it is '$'; a CSV input that begins with '$' goes back to its start, or,
 * when it cannot (a pipe), is read into memory. */
static int open_input(importer *im, const char *path, input_tap *tap, char sha256[65]) {
  bool is_stdin = strcmp(path, "-") == 0;
  FILE *f = is_stdin ? stdin : fopen(path, "rb");
  if (!f) {
    snprintf(im->err, im->errlen, "%s: cannot open: %s", im->name, strerror(errno));
    return -1;
  }
  unsigned char magic[4];
  size_t nmagic = 0;
  long start = -1;
  im->sav = imp_is_sav(path);
  if (!im->sav) {
    start = ftell(f);
    int c = getc(f);
    if (c == '$') {
      magic[nmagic++] = '$';
      nmagic += fread(magic + 1, 1, 3, f);
      im->sav = nmagic == 4 && (memcmp(magic, "$FL2", 4) == 0 || memcmp(magic, "$FL3", 4) == 0);
    } else if (c != EOF) {
      ungetc(c, f);
    }
  }
  int rc = 0;
  if (im->sav) {
    unsigned char *data;
    size_t len;
    rc = read_all(im, f, magic, nmagic, &data, &len);
    if (rc == 0)
      imp_sav_load(im, data, len, sha256);
  } else if (nmagic && (start < 0 || fseek(f, start, SEEK_SET) != 0)) {
    clearerr(f);
    unsigned char *data;
    size_t len;
    rc = read_all(im, f, magic, nmagic, &data, &len);
    if (rc == 0) {
      im->inbuf = (char *)data;
      rc = csvin_open_mem(&im->r, im->name, im->inbuf, len, im->err, im->errlen);
    }
  } else {
    rc = csvin_open_stream(&im->r, f, im->name, !is_stdin, im->err, im->errlen);
    f = NULL; /* the reader has it (and closes it unless it is stdin) */
  }
  if (f && !is_stdin)
    fclose(f);
  if (rc == 0 && im->r)
    csvin_set_tap(im->r, tap_bytes, tap);
  return rc;
}

/* Opens the copy of the input for the second pass. */
static int reopen_copy(importer *im, input_tap *tap) {
  if (tap->copy_failed || fflush(tap->copy) != 0) {
    snprintf(im->err, im->errlen, "writing a temporary file failed: %s",
             strerror(tap->copy_failed ? tap->copy_errno : errno));
    return -1;
  }
  rewind(tap->copy);
  char *name = xstrdup(im->name);
  csvin_close(im->r);
  im->r = NULL;
  int rc = csvin_open_stream(&im->r, tap->copy, name, false, im->err, im->errlen);
  free(name);
  if (rc == 0)
    im->name = csvin_name(im->r);
  return rc;
}

/* Writes the discarded duplicates, one a line, to a temporary file next to
 * path ("PATH.tmp-PID-XXXXXX", its name in *tmp), to be renamed to path
 * once the import commits; first removes those that killed imports left
 * (tempfile_clean). */
static int write_discards(const char *path, const import_result *res, char **tmp, char *err,
                          size_t errlen) {
  tempfile_clean(path, time(NULL));
  int fd = tempfile_open(path, tmp, err, errlen);
  if (fd < 0)
    return -1;
  FILE *f = fdopen(fd, "w");
  if (!f) {
    snprintf(err, errlen, "%s: cannot write: %s", *tmp, strerror(errno));
    close(fd);
    return -1;
  }
  for (size_t i = 0; i < res->ndiscards; i++)
    fprintf(f, "%s\n", res->discards[i]);
  if (ferror(f) | (fclose(f) != 0)) {
    snprintf(err, errlen, "%s: writing failed: %s", *tmp, strerror(errno));
    return -1;
  }
  return 0;
}

static void make_summary(importer *im, const char *path, bool invalid) {
  import_result *res = im->res;
  strbuf b = STRBUF_INIT;
  if (invalid) {
    strbuf_printf(&b, "%s: %zu problem%s in %zu row%s; nothing was written\n", path,
                  res->problems_total, res->problems_total == 1 ? "" : "s", res->rows_read,
                  res->rows_read == 1 ? "" : "s");
    im->res->summary = strbuf_detach(&b);
    return;
  }
  strbuf_printf(&b, "%s: %s%s, %zu row%s", path, im->kind_name,
                im->k->survey
                    ? (im->wide ? " (wide: one response per row)" : " (long: one answer per row)")
                    : "",
                res->rows_read, res->rows_read == 1 ? "" : "s");
  if (res->dry_run)
    strbuf_printf(&b,
                  "; dry run, nothing written: %s: would add %zu, would update %zu, "
                  "%zu unchanged",
                  im->k->noun, res->added, res->updated, res->unchanged);
  else
    strbuf_printf(&b, "; %s: %zu added, %zu updated, %zu unchanged", im->k->noun, res->added,
                  res->updated, res->unchanged);
  if (im->k->survey)
    strbuf_printf(&b, " (%zu answer%s %s)", res->answers, res->answers == 1 ? "" : "s",
                  res->dry_run ? "to write" : "written");
  strbuf_putc(&b, '\n');
  if (im->extra_header_rows)
    strbuf_printf(&b, "%zu more header row%s skipped (a Qualtrics export: %s)\n",
                  im->extra_header_rows, im->extra_header_rows == 1 ? "" : "s",
                  im->extra_header_rows == 1 ? "ImportIds" : "question texts, ImportIds");
  if (im->nmapped)
    strbuf_printf(&b, "%zu column%s renamed by --map %s\n", im->nmapped,
                  im->nmapped == 1 ? "" : "s", im->opt->map);
  if (res->empty_rows)
    strbuf_printf(&b, "%zu empty row%s skipped (every cell empty)\n", res->empty_rows,
                  res->empty_rows == 1 ? "" : "s");
  if (im->nunnamed)
    strbuf_printf(&b, "%zu empty column%s with no name ignored\n", im->nunnamed,
                  im->nunnamed == 1 ? "" : "s");
  if (im->nignored) {
    strbuf_printf(&b, "%zu unknown column%s ignored (--ignore-unknown):", im->nignored,
                  im->nignored == 1 ? "" : "s");
    for (size_t i = 0; i < im->nignored; i++)
      strbuf_printf(&b, "%s %s", i ? "," : "", im->ignored[i]);
    strbuf_putc(&b, '\n');
  }
  if (res->ndiscards && im->opt->discards && !res->dry_run) {
    strbuf_printf(&b, "%zu duplicate submission%s discarded (rule %s), listed in %s\n",
                  res->ndiscards, res->ndiscards == 1 ? "" : "s",
                  import_duplicate_rules[im->rule], im->opt->discards);
  } else if (res->ndiscards && im->opt->quiet) {
    strbuf_printf(&b, "%zu duplicate submission%s %s (rule %s)\n", res->ndiscards,
                  res->ndiscards == 1 ? "" : "s", res->dry_run ? "would be discarded" : "discarded",
                  import_duplicate_rules[im->rule]);
  } else if (res->ndiscards) {
    strbuf_printf(&b, "%zu duplicate submission%s %s (rule %s):\n", res->ndiscards,
                  res->ndiscards == 1 ? "" : "s", res->dry_run ? "would be discarded" : "discarded",
                  import_duplicate_rules[im->rule]);
    for (size_t i = 0; i < res->ndiscards; i++)
      strbuf_printf(&b, "  %s\n", res->discards[i]);
  }
  res->summary = strbuf_detach(&b);
}

static void importer_free(importer *im) {
  for (int i = 0; i < Q_COUNT; i++)
    sqlite3_finalize(im->st[i]);
  fund_enrolments_free(im->fund);
  fund_bursaries_free(im->bursaries);
  free(im->recs);
  free(im->others);
  imp_smap_free(im->hubs);
  for (size_t i = 0; i < im->nprov_cache; i++)
    free(im->prov_cache[i].key);
  free(im->prov_cache);
  csvin_close(im->r);
  for (size_t i = 0; i < im->ncols; i++)
    free(im->cols[i]);
  free(im->cols);
  free(im->itemcol);
  free(im->speccol);
  free(im->unnamed);
  free(im->rowbuf);
  free(im->rowlen);
  drop_held(im);
  imp_sav_free(im->sv);
  for (size_t i = 0; i < im->nnear; i++)
    free(im->near[i].folded);
  free(im->near);
  free(im->bytext);
  free(im->ignored);
  free(im->row_items);
  free(im->ret_found);
  free(im->row_met);
  imp_nameset_free(im->map);
  for (size_t i = 0; i < im->nmap; i++) {
    free(im->map_to[i]);
    free(im->map_from[i]);
  }
  free(im->map_from);
  free(im->map_to);
  free(im->map_lines);
  free(im->map_next);
  free(im->map_used);
  catalog_free(&im->cat);
  subreg_sub_free(&im->cur);
  subreg_sub_free(&im->proto);
  subreg_sub_free(&im->walk);
  subreg_free(im->reg);
  strbuf_free(&im->leader_key);
  strbuf_free(&im->keybuf);
  strbuf_free(&im->last_key);
  if (im->spool)
    fclose(im->spool);
  free(im->spool_buf);
  sqlite3_finalize(im->batch);
  free(im->inbuf);
}

static int sql(sqlite3 *db, const char *text, char *err, size_t errlen) {
  if (sqlite3_exec(db, text, NULL, NULL, NULL) != SQLITE_OK)
    return store_fail(db, text, err, errlen);
  return 0;
}

int import_file(store *s, const char *kind, const char *path, const import_options *opt,
                import_result *res, char *err, size_t errlen) {
  memset(res, 0, sizeof *res);
  if (!opt->actor) {
    snprintf(err, errlen, "import: no actor for the audit log");
    return -1;
  }
  res->dry_run = opt->dry_run;
  int k = imp_list_index(kind, import_kinds);
  if (k < 0) {
    strbuf b = STRBUF_INIT;
    imp_list_join(&b, import_kinds);
    snprintf(err, errlen, "unknown kind \"%s\" (expected one of: %s)", kind, strbuf_str(&b));
    strbuf_free(&b);
    return -1;
  }
  if (sodium_init() < 0) {
    snprintf(err, errlen, "libsodium could not be initialised");
    return -1;
  }
  importer im;
  memset(&im, 0, sizeof im);
  im.s = s;
  im.db = store_db(s);
  im.kind = k;
  im.kind_name = import_kinds[k];
  im.opt = opt;
  im.res = res;
  im.err = err;
  im.errlen = errlen;
  im.k = &kinds[k];
  im.spec = kinds[k].cols;
  /* The input as every message and the summary name it. */
  im.name = strcmp(path, "-") == 0 ? "<stdin>" : path;
  for (int i = 0; i < MAXSPEC; i++)
    im.col[i] = -1;

  int rc = -1;
  bool outer = !sqlite3_get_autocommit(im.db), in_tx = false, fk_off = false;
  input_tap tap;
  memset(&tap, 0, sizeof tap);
  char *discards_tmp = NULL;
  /* The duplicates rule. */
  char *rule = NULL;
  if (opt->duplicates)
    rule = xstrdup(opt->duplicates);
  else if (store_setting_get(s, "import.duplicates", "most_complete", &rule, err, errlen) != 0)
    goto done;
  im.rule = imp_list_index(rule, import_duplicate_rules);
  if (im.rule < 0) {
    strbuf b = STRBUF_INIT;
    imp_list_join(&b, import_duplicate_rules);
    snprintf(err, errlen, "the duplicates rule \"%s\" is not one of: %s", rule, strbuf_str(&b));
    strbuf_free(&b);
    free(rule);
    goto done;
  }
  free(rule);
  char *order = NULL;
  if (opt->date_order)
    order = xstrdup(opt->date_order);
  else if (store_setting_get(s, "import.date_order", "dmy", &order, err, errlen) != 0)
    goto done;
  if (strcmp(order, "dmy") != 0 && strcmp(order, "mdy") != 0) {
    if (opt->date_order)
      snprintf(err, errlen, "the date order \"%s\" is not dmy or mdy", order);
    else
      snprintf(err, errlen,
               "the import.date_order setting is \"%s\", which is not dmy or mdy (or give "
               "--date-order)",
               order);
    free(order);
    goto done;
  }
  im.date_order = strcmp(order, "mdy") == 0 ? DATE_MDY : DATE_DMY;
  free(order);
  if (score_settings_load(s, &im.score, err, errlen) != 0)
    goto done;
  crypto_hash_sha256_init(&tap.sha);
  /* Everything happens in one transaction, taken before reading so that
   * nothing changes between checking and writing. Every id written was read
   * in this transaction, so SQLite's own foreign key checks (two b-tree
   * lookups per answer) are switched off for it. */
  fk_off = !outer && !opt->dry_run && sql(im.db, "PRAGMA foreign_keys = OFF", err, errlen) == 0;
  if (sql(im.db,
          outer          ? "SAVEPOINT import"
          : opt->dry_run ? "BEGIN"
                         : "BEGIN IMMEDIATE",
          err, errlen) != 0)
    goto done;
  in_tx = true;
  if (catalog_load(&im.cat, s, err, errlen) != 0)
    goto done;
  if (subreg_open(&im.reg, im.cat.nwords, err, errlen) != 0)
    goto done;
  if (opt->map) {
    int mrc = load_map(&im, opt->map);
    if (mrc != 0) {
      rc = mrc;
      goto done;
    }
  }
  subreg_sub_init(&im.cur, im.reg);
  subreg_sub_init(&im.proto, im.reg);
  subreg_sub_init(&im.walk, im.reg);
  if (open_input(&im, path, &tap, res->sha256) != 0)
    goto done;

  bool survey = kinds[k].survey;
  if (!survey && !opt->dry_run && !im.sav) {
    tap.copy = tmpfile();
    if (!tap.copy) {
      snprintf(err, errlen, "cannot make a temporary file: %s", strerror(errno));
      goto done;
    }
  }
  if (survey && !opt->dry_run) {
    im.spool = tmpfile();
    if (!im.spool) {
      snprintf(err, errlen, "cannot make a temporary file: %s", strerror(errno));
      goto done;
    }
    im.spool_buf = xmalloc(SPOOL_BUF * sizeof *im.spool_buf);
  }

  /* Pass 1: check. The fund's KINDs (waves, allocations, bursaries)
   * rehearse their writes in a savepoint, rolled back after the pass, so
   * that the ledger's rules count the rows before each one (fund.c);
   * enrolments are checked in memory (fund_enrolments). */
  im.pass = 1;
  if (!im.sav && read_header(&im) != 0) {
    rc = 1;
    goto done;
  }
  if (kinds[k].rehearse && sql(im.db, "SAVEPOINT rehearsal", err, errlen) != 0)
    goto done;
  int pass1 = im.sav ? imp_sav_pass(&im) : run_pass(&im);
  if (pass1 == 1) {
    if (kinds[k].rehearse)
      sql(im.db, "ROLLBACK TO rehearsal; RELEASE rehearsal", err, errlen);
    rc = 1;
    goto done;
  }
  if (kinds[k].rehearse &&
      sql(im.db, "ROLLBACK TO rehearsal; RELEASE rehearsal", err, errlen) != 0)
    goto done;
  if (pass1 != 0)
    goto done;
  if (!im.sav) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&tap.sha, digest);
    sodium_bin2hex(res->sha256, sizeof res->sha256, digest, sizeof digest);
  }
  if (im.spool && im.spool_n &&
      fwrite(im.spool_buf, sizeof *im.spool_buf, im.spool_n, im.spool) != im.spool_n) {
    snprintf(err, errlen, "writing a temporary file failed: %s", strerror(errno));
    goto done;
  }
  if (res->problems_total == 0 && kinds[k].resolve && kinds[k].resolve(&im) != 0)
    goto done;
  if (res->problems_total) {
    rc = 1;
    goto done;
  }
  if (opt->dry_run) {
    imp_count_answers(&im);
    rc = 0;
    goto done;
  }

  /* Pass 2: write. Surveys from the spool, the rest from the file again. */
  im.pass = 2;
  im.rows = 0;
  if (survey) {
    if (imp_write_responses(&im) != 0)
      goto done;
    if (imp_write_answers(&im) != 0)
      goto done;
    if (imp_write_scores(&im) != 0)
      goto done;
  } else {
    if (im.sav) {
      if (imp_sav_pass(&im) != 0)
        goto done;
    } else if (reopen_copy(&im, &tap) != 0 || csvin_next(im.r, err, errlen) != 1 ||
               run_pass(&im) != 0) {
      goto done;
    }
    if (res->problems_total || im.rows != res->rows_read) {
      snprintf(err, errlen, "%s: the file changed while it was being imported", im.name);
      goto done;
    }
  }
  strbuf detail = STRBUF_INIT;
  strbuf_printf(&detail,
                "kind=%s file=%s sha256=%s rows=%zu added=%zu updated=%zu unchanged=%zu"
                " discarded=%zu",
                im.kind_name, im.name, res->sha256, res->rows_read, res->added, res->updated,
                res->unchanged, res->discarded);
  if (opt->map)
    strbuf_printf(&detail, " map=%s map_sha256=%s", opt->map, im.map_sha256);
  int arc = store_audit(s, opt->actor, "import", strbuf_str(&detail), err, errlen);
  strbuf_free(&detail);
  if (arc != 0)
    goto done;
  /* The whole-file check (store_open_checking_writable) has run beside the
   * passes: nothing is committed to a damaged database. */
  if (store_checked(s, err, errlen) != 0)
    goto done;
  /* --discards: written in full before the commit, in place after it. */
  if (opt->discards && write_discards(opt->discards, res, &discards_tmp, err, errlen) != 0)
    goto done;
  if (sql(im.db, outer ? "RELEASE import" : "COMMIT", err, errlen) != 0)
    goto done;
  in_tx = false;
  if (discards_tmp && rename(discards_tmp, opt->discards) != 0) {
    snprintf(err, errlen, "%s: the import was committed, but the list of discarded duplicates "
             "could not be put in place: %s", opt->discards, strerror(errno));
    goto done;
  }
  rc = 0;

done:
  /* A damaged database is said to be so before any other failure (the
   * file's problems, a dry run's summary), as when it was checked first. */
  {
    char why[1024];
    if (store_checked(s, why, sizeof why) != 0) {
      snprintf(err, errlen, "%s", why);
      rc = -1;
    }
  }
  if (in_tx) {
    if (outer) {
      sqlite3_exec(im.db, "ROLLBACK TO import", NULL, NULL, NULL);
      sqlite3_exec(im.db, "RELEASE import", NULL, NULL, NULL);
    } else {
      sqlite3_exec(im.db, "ROLLBACK", NULL, NULL, NULL);
    }
  }
  if (fk_off)
    sqlite3_exec(im.db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
  res->wide = im.wide;
  if (rc >= 0)
    make_summary(&im, im.name, rc == 1);
  importer_free(&im);
  if (tap.copy)
    fclose(tap.copy);
  if (discards_tmp) {
    remove(discards_tmp); /* nothing when it was renamed */
    free(discards_tmp);
  }
  return rc;
}

void import_result_free(import_result *res) {
  if (!res)
    return;
  for (size_t i = 0; i < res->nproblems; i++)
    free(res->problems[i]);
  free(res->problems);
  for (size_t i = 0; i < res->ndiscards; i++)
    free(res->discards[i]);
  free(res->discards);
  free(res->summary);
  memset(res, 0, sizeof *res);
}

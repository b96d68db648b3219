/* CSV import (see import.h): the header is matched to the KIND's columns,
 * every row is checked in a first streaming pass (problems collected, the
 * database only read), survey submissions are then resolved (duplicates,
 * what changed, post dated before pre), and a second pass writes, all in one
 * transaction. Memory grows with the number of distinct keys (submissions,
 * establishments ...), never with the number of rows. */
#include "import.h"

#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "csvin.h"
#include "date.h"
#include "score.h"
#include "strbuf.h"
#include "xalloc.h"

const char *const import_kinds[] = {"establishments",  "leaders",   "providers", "enrolments",
                                    "self-assessment", "long-term", "compass",   NULL};
enum kind { K_ESTABLISHMENTS, K_LEADERS, K_PROVIDERS, K_ENROLMENTS, K_SELF, K_LONGTERM, K_COMPASS };

const char *const import_duplicate_rules[] = {"latest_complete", "latest", "earliest",
                                              "most_complete",   "error",  NULL};
enum rule { R_LATEST_COMPLETE, R_LATEST, R_EARLIEST, R_MOST_COMPLETE, R_ERROR };

static const char *const roles[] = {"school", "college_strategic", "college_operational", NULL};
#define NROLES 3
static const char *const stages[] = {"pre", "post", NULL};
static const char *const est_types[] = {"mainstream",         "special", "ap", "fe_college",
                                        "sixth_form_college", NULL};
static const char *const accreditations[] = {"none", "level6", "level7", NULL};
static const char *const statuses[] = {"enrolled", "completed", "withdrawn", NULL};
enum { ST_ENROLLED, ST_COMPLETED, ST_WITHDRAWN };

/* ---------------------------------------------------------------------- */
/* An arena for strings that live as long as the import, and a hash map
 * from byte strings to a number. */

typedef struct arena {
  char **chunks;
  size_t n, cap;
  char *cur;
  size_t left;
} arena;

#define ARENA_CHUNK (64 * 1024)

static void *arena_alloc(arena *a, size_t n) {
  n = (n + 7) & ~(size_t)7;
  if (n > a->left) {
    size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
    a->chunks = xgrow(a->chunks, &a->cap, a->n + 1, sizeof *a->chunks);
    a->cur = a->chunks[a->n++] = xmalloc(size);
    a->left = size;
  }
  void *p = a->cur;
  a->cur += n;
  a->left -= n;
  return p;
}

static char *arena_strndup(arena *a, const char *s, size_t n) {
  char *p = arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

static void arena_free(arena *a) {
  for (size_t i = 0; i < a->n; i++)
    free(a->chunks[i]);
  free(a->chunks);
  memset(a, 0, sizeof *a);
}

typedef struct smap_entry {
  uint64_t hash;
  const char *key; /* NULL: empty slot */
  size_t klen;
  size_t val;
} smap_entry;

typedef struct smap {
  smap_entry *e;
  size_t cap, n; /* cap is a power of two */
  arena keys;
} smap;

static uint64_t hash_bytes(const void *p, size_t n) {
  const unsigned char *s = p;
  uint64_t h = 0xcbf29ce484222325u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ s[i]) * 0x100000001b3u;
  h ^= h >> 32;
  h *= 0xd6e8feb86659fd93u;
  return h ^ (h >> 32);
}

static smap_entry *smap_slot(const smap *m, const void *key, size_t klen, uint64_t h) {
  size_t mask = m->cap - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    smap_entry *e = &m->e[i];
    if (!e->key || (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0))
      return e;
  }
}

/* The value stored under key, or NULL. */
static size_t *smap_get(const smap *m, const void *key, size_t klen) {
  if (!m->cap)
    return NULL;
  smap_entry *e = smap_slot(m, key, klen, hash_bytes(key, klen));
  return e->key ? &e->val : NULL;
}

/* Stores key -> val unless key is present; returns the slot's value and
 * sets *added. */
static size_t *smap_put(smap *m, const void *key, size_t klen, size_t val, bool *added) {
  if ((m->n + 1) * 4 > m->cap * 3) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    smap_entry *old = m->e;
    size_t oldcap = m->cap;
    m->e = xcalloc(cap, sizeof *m->e);
    m->cap = cap;
    for (size_t i = 0; i < oldcap; i++)
      if (old[i].key)
        *smap_slot(m, old[i].key, old[i].klen, old[i].hash) = old[i];
    free(old);
  }
  uint64_t h = hash_bytes(key, klen);
  smap_entry *e = smap_slot(m, key, klen, h);
  *added = e->key == NULL;
  if (*added) {
    e->key = arena_strndup(&m->keys, key, klen);
    e->klen = klen;
    e->hash = h;
    e->val = val;
    m->n++;
  }
  return &e->val;
}

static void smap_free(smap *m) {
  free(m->e);
  arena_free(&m->keys);
  memset(m, 0, sizeof *m);
}

/* ---------------------------------------------------------------------- */
/* The items installed in the database, with their scales. */

enum { INS_SELF, INS_REFLECTIVE, INS_LONGTERM, INS_COMPASS, INS_OTHER };

typedef struct citem {
  sqlite3_int64 id;            /* items.id */
  sqlite3_int64 instrument_id; /* instruments.id */
  const instrument *in;
  const instrument_item *it;
  int ins;  /* INS_* */
  int role; /* knowledge items: index in roles; Compass: 0 school, 1 college; else -1 */
  int area; /* knowledge items: enum score_area; else -1 */
} citem;

typedef struct catalog {
  instrument_bank *bank;
  int64_t *instrument_ids; /* parallel to bank->list */
  citem *items;
  size_t n;
  smap index; /* item_key -> index in items */
  int *by_id; /* items.id -> index, -1 when none */
  sqlite3_int64 max_id;
  int total[NROLES][SCORE_NAREAS]; /* knowledge items per role and area */
  int knowledge[NROLES];           /* knowledge items per role */
  size_t nwords;                   /* 64-bit words in a bitset over items */
} catalog;

int import_bank_from_store(store *s, instrument_bank **out, char *err, size_t errlen) {
  return store_instruments(s, out, NULL, err, errlen);
}

static int instrument_kind(const char *key) {
  if (strcmp(key, "self-assessment") == 0)
    return INS_SELF;
  if (strcmp(key, "reflective") == 0)
    return INS_REFLECTIVE;
  if (strcmp(key, "long-term") == 0)
    return INS_LONGTERM;
  if (strncmp(key, "compass", 7) == 0)
    return INS_COMPASS;
  return INS_OTHER;
}

static int list_index(const char *s, const char *const *list) {
  for (int i = 0; s && list[i]; i++)
    if (strcmp(s, list[i]) == 0)
      return i;
  return -1;
}

static void catalog_free(catalog *c) {
  instrument_bank_free(c->bank);
  free(c->instrument_ids);
  free(c->items);
  free(c->by_id);
  smap_free(&c->index);
  memset(c, 0, sizeof *c);
}

static int catalog_load(catalog *c, store *s, char *err, size_t errlen) {
  memset(c, 0, sizeof *c);
  if (store_instruments(s, &c->bank, &c->instrument_ids, err, errlen) != 0)
    return -1;
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db,
                         "SELECT it.id, it.item_key, i.key FROM items it"
                         " JOIN instruments i ON i.id = it.instrument_id ORDER BY it.id",
                         -1, &st, NULL) != SQLITE_OK)
    return store_fail(db, "reading items", err, errlen);
  size_t cap = 0;
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    const char *key = (const char *)sqlite3_column_text(st, 1);
    const char *ikey = (const char *)sqlite3_column_text(st, 2);
    size_t k;
    const instrument *in = NULL;
    for (k = 0; k < c->bank->n; k++)
      if (strcmp(c->bank->list[k]->key, ikey) == 0) {
        in = c->bank->list[k];
        break;
      }
    if (!in)
      continue;
    const instrument_item *it = NULL;
    for (size_t j = 0; j < in->nitems && !it; j++)
      if (strcmp(in->items[j].id, key) == 0)
        it = &in->items[j];
    if (!it)
      continue; /* an item no longer in its definition: not importable */
    c->items = xgrow(c->items, &cap, c->n + 1, sizeof *c->items);
    citem *ci = &c->items[c->n];
    ci->id = sqlite3_column_int64(st, 0);
    ci->instrument_id = c->instrument_ids[k];
    ci->in = in;
    ci->it = it;
    ci->ins = instrument_kind(in->key);
    ci->role = -1;
    ci->area = -1;
    if (ci->ins == INS_SELF) {
      ci->role = list_index(it->role, roles);
      ci->area = score_area_index(it->area);
      if (ci->role >= 0 && ci->area >= 0) {
        c->total[ci->role][ci->area]++;
        c->knowledge[ci->role]++;
      }
    } else if (ci->ins == INS_COMPASS) {
      ci->role = it->role && strcmp(it->role, "college") == 0 ? 1 : 0;
    }
    if (ci->id > c->max_id)
      c->max_id = ci->id;
    bool added;
    smap_put(&c->index, key, strlen(key), c->n, &added);
    c->n++;
  }
  sqlite3_finalize(st);
  if (step != SQLITE_DONE)
    return store_fail(db, "reading items", err, errlen);
  c->by_id = xmalloc(((size_t)c->max_id + 1) * sizeof *c->by_id);
  for (sqlite3_int64 i = 0; i <= c->max_id; i++)
    c->by_id[i] = -1;
  for (size_t i = 0; i < c->n; i++)
    c->by_id[c->items[i].id] = (int)i;
  c->nwords = (c->n + 63) / 64;
  return 0;
}

static int catalog_find(const catalog *c, const char *key, size_t len) {
  size_t *v = smap_get(&c->index, key, len);
  return v ? (int)*v : -1;
}

/* The option of a scale that a cell means: its code, or for numeric
 * scales a number equal to an option's value ("5.0"). -1 when none. */
static int scale_option(const instrument_scale *sc, const char *s) {
  for (size_t i = 0; i < sc->noptions; i++)
    if (strcmp(sc->options[i].code, s) == 0)
      return (int)i;
  if (strcmp(sc->kind, "categorical") != 0) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end != s && !*end && !errno && isfinite(v) && strspn(s, "0123456789.+-") == strlen(s))
      for (size_t i = 0; i < sc->noptions; i++)
        if (sc->options[i].value == v)
          return (int)i;
  }
  return -1;
}

static bool scale_numeric(const instrument_scale *sc) {
  return strcmp(sc->kind, "categorical") != 0;
}

/* The option an answer stored in the database holds, or -1. */
static int stored_option(const instrument_scale *sc, sqlite3_stmt *st, int vcol, int ccol) {
  if (sqlite3_column_type(st, ccol) != SQLITE_NULL) {
    const char *code = (const char *)sqlite3_column_text(st, ccol);
    for (size_t i = 0; i < sc->noptions; i++)
      if (strcmp(sc->options[i].code, code) == 0)
        return scale_numeric(sc) ? -1 : (int)i;
    return -1;
  }
  if (sqlite3_column_type(st, vcol) == SQLITE_NULL || !scale_numeric(sc))
    return -1;
  double v = sqlite3_column_double(st, vcol);
  for (size_t i = 0; i < sc->noptions; i++)
    if (sc->options[i].value == v)
      return (int)i;
  return -1;
}

/* ---------------------------------------------------------------------- */
/* The columns of each KIND. */

typedef struct colspec {
  const char *name;
  bool required;
  bool hidden; /* a placeholder that keeps indices shared between KINDs */
} colspec;

static const colspec est_cols[] = {{"urn", true, false},         {"name", true, false},
                                   {"type", true, false},        {"region", true, false},
                                   {"hub", true, false},         {"fsm_pct", true, false},
                                   {"hub_joined", false, false}, {NULL, false, false}};
enum { E_URN, E_NAME, E_TYPE, E_REGION, E_HUB, E_FSM, E_JOINED };

static const colspec leader_cols[] = {{"leader_id", true, false},
                                      {"urn", true, false},
                                      {"role", true, false},
                                      {"months_in_role", true, false},
                                      {"contact_consent", true, false},
                                      {"name", false, false},
                                      {"email", false, false},
                                      {NULL, false, false}};
enum { L_ID, L_URN, L_ROLE, L_MONTHS, L_CONSENT, L_NAME, L_EMAIL };

static const colspec provider_cols[] = {{"provider_id", true, false},
                                        {"name", true, false},
                                        {"accreditation", true, false},
                                        {NULL, false, false}};
enum { P_ID, P_NAME, P_ACCR };

static const colspec enrol_cols[] = {{"leader_id", true, false},
                                     {"provider_id", true, false},
                                     {"wave", true, false},
                                     {"start_date", true, false},
                                     {"completion_date", true, false},
                                     {"status", true, false},
                                     {"bursary_claimed_date", false, false},
                                     {NULL, false, false}};
enum { N_LEADER, N_PROVIDER, N_WAVE, N_START, N_COMPLETION, N_STATUS, N_BURSARY };

/* Survey columns: the long form has item_id and value; the wide form has
 * item ids as column names instead. */
static const colspec self_cols[] = {{"leader_id", true, false},    {"stage", true, false},
                                    {"submitted_at", true, false}, {"item_id", true, false},
                                    {"value", true, false},        {NULL, false, false}};
static const colspec lt_cols[] = {{"response_id", true, false},  {"stage", false, true},
                                  {"submitted_at", true, false}, {"item_id", true, false},
                                  {"value", true, false},        {NULL, false, false}};
/* Column roles shared by both surveys (an index into the survey's spec). */
enum { S_KEY, S_STAGE, S_WHEN, S_ITEM, S_VALUE };

static const colspec compass_cols[] = {
    {"urn", true, false}, {"submitted_at", true, false}, {"bm1", true, false},
    {"bm2", true, false}, {"bm3", true, false},          {"bm4", true, false},
    {"bm5", true, false}, {"bm6", true, false},          {"bm7", true, false},
    {"bm8", true, false}, {"instrument", false, false},  {NULL, false, false}};
enum { C_URN, C_WHEN, C_BM1, C_INSTRUMENT = C_BM1 + 8 };

#define MAXSPEC 16

/* ---------------------------------------------------------------------- */
/* The state of one import. */

enum action { ACT_DISCARD, ACT_ADD, ACT_UPDATE, ACT_SAME };

typedef struct spool_rec {
  uint32_t sub;
  uint16_t item;
  uint16_t opt;
} spool_rec;
#define SPOOL_BUF 8192
#define ANSWER_BATCH 100

typedef struct submission {
  sqlite3_int64 id;        /* in the register; 0: none */
  sqlite3_int64 leader_id; /* self-assessment: leaders.id */
  strbuf name;             /* the leader's id, or the long-term response_id */
  strbuf submitted_at;
  int64_t when;
  long line;
  int stage; /* 0 pre, 1 post; long-term: -1 */
  int role;  /* the leader's role; long-term: -1 */
  int nanswers, nknow;
  uint64_t fp; /* order-independent fingerprint of (item, option) pairs */
  double sum[SCORE_NAREAS];
  int cnt[SCORE_NAREAS];
  uint64_t *bits; /* the items answered: cat.nwords words */
  bool dirty;     /* changed since read from the register */
} submission;

enum rstmt_id {
  RQ_SEEN_ADD,
  RQ_SEEN_GET,
  RQ_SAVE,
  RQ_FIND,
  RQ_ADD,
  RQ_DECIDE,
  RQ_GROUPS,
  RQ_WRITES,
  RQ_ACTION,
  RQ_SCORES,
  RQ_COUNT_ANSWERS,
  RQ_COUNT
};

enum stmt_id {
  Q_EST_GET,
  Q_HUB_ADD,
  Q_HUB_GET,
  Q_EST_PUT,
  Q_EST_ID,
  Q_LEADER_GET,
  Q_LEADER_PUT,
  Q_PERSONAL_PUT,
  Q_PERSONAL_DEL,
  Q_PROV_GET,
  Q_PROV_PUT,
  Q_LEADER_ID,
  Q_PROV_ID,
  Q_ENROL_GET,
  Q_ENROL_PUT,
  Q_CLAIM_PUT,
  Q_CLAIM_DEL,
  Q_RET_GET,
  Q_RET_BMS,
  Q_RET_ANSWERS,
  Q_RET_ADD,
  Q_RET_SET,
  Q_BM_DEL,
  Q_BM_ADD,
  Q_CA_DEL,
  Q_CA_ADD,
  Q_RESP_SELF,
  Q_RESP_KEY,
  Q_ANSWERS_OF,
  Q_RESP_ADD,
  Q_RESP_SET,
  Q_ANSWERS_DEL,
  Q_ANSWER_ADD,
  Q_LEADER_ROLE,
  Q_RESP_MAX,
  Q_COUNT
};

typedef struct importer {
  store *s;
  sqlite3 *db;
  int kind;
  const char *kind_name;
  const import_options *opt;
  import_result *res;
  char *err;
  size_t errlen;
  bool failed; /* a runtime failure; err holds it */

  csvin *r;
  const char *name; /* the file name in messages */
  int pass;         /* 1 check, 2 write */
  size_t rows;      /* rows read in this pass */

  /* The header. */
  size_t ncols;
  char **cols;
  const colspec *spec;
  int col[MAXSPEC]; /* spec index -> column index, or -1 */
  bool wide;
  int *itemcol;             /* column -> item index (wide survey, Compass), or -1 */
  int *row_items, *row_met; /* a Compass row's criteria (ncols each) */
  bool has_items;

  catalog cat;
  int rule;
  score_settings score;

  /* The register of keys and submissions (a private temporary database). */
  sqlite3 *tmp;
  sqlite3_stmt *rq[RQ_COUNT];
  submission cur, proto; /* the current row's submission; a new one's fields */
  size_t nsubs;
  sqlite3_int64 next_response_id;
  strbuf keybuf;
  /* The previous row's key, so that consecutive rows of one submission
   * need no lookups, and its leader. */
  strbuf last_key;
  bool have_last;
  strbuf leader_key;
  sqlite3_int64 leader_id;
  int leader_role;
  bool leader_valid;

  sqlite3_stmt *st[Q_COUNT];

  /* Survey answers found in pass 1, spooled to a temporary file so that
   * pass 2 need not parse the CSV again: 8 bytes per answer. */
  FILE *spool;
  struct spool_rec *spool_buf;
  size_t spool_n;
  /* Answers waiting to be inserted, ANSWER_BATCH rows per statement. */
  sqlite3_stmt *batch;
  size_t batch_n;

  /* Progress display. */
  bool progress;
  bool progress_shown;
  struct timespec t0;
  double last_draw;
} importer;

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void progress_tick(importer *im) {
  if (!im->progress || (im->rows & 4095) != 0)
    return;
  double t = now_seconds(), start = (double)im->t0.tv_sec + (double)im->t0.tv_nsec / 1e9;
  if (t - start < 1.0 || t - im->last_draw < 0.2)
    return;
  im->last_draw = t;
  im->progress_shown = true;
  uint64_t total = csvin_total_bytes(im->r);
  double pct = total ? 100.0 * (double)csvin_bytes_read(im->r) / (double)total : 0;
  fprintf(stderr, "\rcleval: %s: %s: %zu rows (%.0f%%)\033[K", im->name,
          im->pass == 1 ? "checking" : "writing", im->rows, pct);
  fflush(stderr);
}

static void progress_end(importer *im) {
  if (im->progress_shown) {
    fputs("\r\033[K", stderr);
    fflush(stderr);
  }
}

/* ---------------------------------------------------------------------- */
/* Problems. */

static void add_problem(importer *im, const char *msg) {
  import_result *res = im->res;
  if (res->nproblems < IMPORT_MAX_PROBLEMS) {
    res->problems = xrealloc(res->problems, (res->nproblems + 1) * sizeof *res->problems);
    res->problems[res->nproblems++] = xstrdup(msg);
  }
  res->problems_total++;
}

static void problem(importer *im, long line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void problem(importer *im, long line, int col, const char *fmt, ...) {
  if (im->res->problems_total >= IMPORT_MAX_PROBLEMS) {
    im->res->problems_total++;
    return;
  }
  strbuf b = STRBUF_INIT;
  strbuf_printf(&b, "%s:%ld:%d: ", im->name, line, col);
  va_list ap;
  va_start(ap, fmt);
  strbuf_vprintf(&b, fmt, ap);
  va_end(ap);
  add_problem(im, strbuf_str(&b));
  strbuf_free(&b);
}

/* A value for a message: quoted, control characters replaced, at most
 * about 40 bytes (cut at a character boundary). */
static const char *show(const char *s, char *buf, size_t size) {
  size_t j = 0, max = size - 6;
  buf[j++] = '"';
  size_t i;
  for (i = 0; s[i] && j < max; i++) {
    unsigned char c = (unsigned char)s[i];
    if (j + 4 >= max && (c & 0xC0) != 0x80)
      break;
    buf[j++] = c < 0x20 || c == 0x7F ? '?' : (char)c;
  }
  while (s[i] && (((unsigned char)s[i]) & 0xC0) == 0x80 && j > 1) {
    /* Do not end inside a character: drop its lead bytes. */
    while (j > 1 && (((unsigned char)buf[j - 1]) & 0xC0) == 0x80)
      j--;
    if (j > 1)
      j--;
    break;
  }
  if (s[i]) {
    memcpy(buf + j, "...", 3);
    j += 3;
  }
  buf[j++] = '"';
  buf[j] = '\0';
  return buf;
}
#define SHOW(s) show((s), showbuf, sizeof showbuf)

static long line_no(const importer *im) { return csvin_line(im->r); }

/* The cell of spec column i in the current row, or NULL when the file has
 * no such column. */
static const char *F(const importer *im, int i) {
  return im->col[i] >= 0 ? csvin_field(im->r, (size_t)im->col[i]) : NULL;
}
static int C(const importer *im, int i) { return im->col[i] + 1; }

/* A problem with spec column i of the current row; the message starts with
 * the column's name. */
static void fproblem(importer *im, int i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fproblem(importer *im, int i, const char *fmt, ...) {
  if (im->pass != 1)
    return;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  problem(im, line_no(im), C(im, i), "%s: %s", im->spec[i].name, msg);
}

/* csvin's messages are "FILE:LINE:COL: what"; the column's name is added. */
static void csv_problem(importer *im, const char *msg) {
  size_t n = strlen(im->name);
  if (im->cols && strncmp(msg, im->name, n) == 0 && msg[n] == ':') {
    char *end;
    long line = strtol(msg + n + 1, &end, 10);
    if (*end == ':') {
      long col = strtol(end + 1, &end, 10);
      if (*end == ':' && col >= 1 && (size_t)col <= im->ncols) {
        problem(im, line, (int)col, "%s:%s", im->cols[col - 1], end + 1);
        return;
      }
    }
  }
  add_problem(im, msg);
}

/* ---------------------------------------------------------------------- */
/* Values. */

static bool is_empty(const char *s) { return !s || !*s; }

static bool v_required(importer *im, int i, const char **out) {
  const char *s = F(im, i);
  *out = s ? s : "";
  if (is_empty(s)) {
    fproblem(im, i, "empty; a value is required");
    return false;
  }
  return true;
}

static void list_join(strbuf *b, const char *const *list) {
  for (size_t i = 0; list[i]; i++)
    strbuf_printf(b, "%s%s", i ? ", " : "", list[i]);
}

static bool v_enum(importer *im, int i, const char *const *list, int *out) {
  const char *s;
  if (!v_required(im, i, &s))
    return false;
  *out = list_index(s, list);
  if (*out < 0) {
    char showbuf[64];
    strbuf b = STRBUF_INIT;
    list_join(&b, list);
    fproblem(im, i, "%s is not one of: %s", SHOW(s), strbuf_str(&b));
    strbuf_free(&b);
    return false;
  }
  return true;
}

/* A plain decimal number: digits with an optional sign and point. */
static bool parse_decimal(const char *s, double *out) {
  const char *p = s;
  if (*p == '+' || *p == '-')
    p++;
  size_t digits = strspn(p, "0123456789");
  p += digits;
  if (*p == '.') {
    size_t frac = strspn(p + 1, "0123456789");
    digits += frac;
    p += 1 + frac;
  }
  if (!digits || *p)
    return false;
  *out = strtod(s, NULL);
  return isfinite(*out);
}

/* A number in [lo, hi]; *empty set (and true returned) for an empty cell
 * when allow_empty. */
static bool v_number(importer *im, int i, double lo, double hi, bool allow_empty, bool *empty,
                     double *out, bool integer) {
  const char *s = F(im, i);
  char showbuf[64];
  *empty = is_empty(s);
  *out = 0;
  if (*empty) {
    if (!allow_empty)
      fproblem(im, i, "empty; a value is required");
    return allow_empty;
  }
  if (!parse_decimal(s, out) || (integer && (strchr(s, '.') || fabs(*out) > 1e15))) {
    fproblem(im, i, "%s is not %s", SHOW(s), integer ? "a whole number" : "a number");
    return false;
  }
  if (*out < lo || *out > hi) {
    if (lo == 0 && hi == 100 && !integer)
      fproblem(im, i, "%s is not a percentage from 0 to 100", SHOW(s));
    else if (hi >= 1e15)
      fproblem(im, i, "%s is out of range (at least %g)", SHOW(s), lo);
    else
      fproblem(im, i, "%s is out of range (%g to %g)", SHOW(s), lo, hi);
    return false;
  }
  return true;
}

static bool v_date(importer *im, int i, bool allow_time, bool allow_empty, bool *empty,
                   int64_t *when) {
  const char *s = F(im, i);
  char showbuf[64];
  *empty = is_empty(s);
  *when = 0;
  if (*empty) {
    if (!allow_empty)
      fproblem(im, i, "empty; a date is required");
    return allow_empty;
  }
  int rc = date_parse_when(s, allow_time, when);
  if (rc == 1)
    fproblem(im, i, "%s is not a date (expected %s)", SHOW(s),
             allow_time ? "YYYY-MM-DD or YYYY-MM-DDThh:mm:ss" : "YYYY-MM-DD");
  else if (rc == 2)
    fproblem(im, i, "%s is not a real date%s", SHOW(s), allow_time ? " and time" : "");
  return rc == 0;
}

/* ---------------------------------------------------------------------- */
/* The register: a private temporary database of the keys seen in the file
 * and, for surveys, of the submissions. */

static sqlite3_stmt *rstmt(importer *im, int id, const char *sql) {
  if (!im->rq[id] && sqlite3_prepare_v2(im->tmp, sql, -1, &im->rq[id], NULL) != SQLITE_OK) {
    store_fail(im->tmp, "the temporary register", im->err, im->errlen);
    im->failed = true;
    return NULL;
  }
  sqlite3_reset(im->rq[id]);
  sqlite3_clear_bindings(im->rq[id]);
  return im->rq[id];
}

static bool rdone(importer *im, sqlite3_stmt *st) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    store_fail(im->tmp, "the temporary register", im->err, im->errlen);
    im->failed = true;
    return false;
  }
  return true;
}

static int register_open(importer *im) {
  if (sqlite3_open_v2("", &im->tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
          SQLITE_OK ||
      sqlite3_exec(im->tmp,
                   "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                   "CREATE TABLE seen (key BLOB PRIMARY KEY, line INTEGER) WITHOUT ROWID;"
                   "CREATE TABLE sub (id INTEGER PRIMARY KEY, key BLOB NOT NULL UNIQUE,"
                   " name TEXT NOT NULL, leader_id INTEGER, stage INTEGER, role INTEGER,"
                   " submitted_at TEXT NOT NULL, at INTEGER, line INTEGER,"
                   " action INTEGER NOT NULL DEFAULT 0, nanswers INTEGER DEFAULT 0,"
                   " nknow INTEGER DEFAULT 0, fp INTEGER DEFAULT 0, s0 REAL DEFAULT 0,"
                   " s1 REAL DEFAULT 0, s2 REAL DEFAULT 0, s3 REAL DEFAULT 0,"
                   " c0 INTEGER DEFAULT 0, c1 INTEGER DEFAULT 0, c2 INTEGER DEFAULT 0,"
                   " c3 INTEGER DEFAULT 0, bits BLOB, response_id INTEGER);"
                   /* One transaction for its whole life: no commit per row. */
                   "BEGIN",
                   NULL, NULL, NULL) != SQLITE_OK) {
    store_fail(im->tmp, "making a temporary database", im->err, im->errlen);
    return -1;
  }
  return 0;
}

/* Records key (of spec column i) as seen on this line; a second sighting
 * is a problem. Only in the checking pass. */
static bool first_key(importer *im, const char *key, size_t len, int i, const char *what) {
  if (im->pass != 1)
    return true;
  sqlite3_stmt *w =
      rstmt(im, RQ_SEEN_ADD, "INSERT OR IGNORE INTO seen (key, line) VALUES (?1, ?2)");
  if (!w)
    return false;
  sqlite3_bind_blob(w, 1, key, (int)len, SQLITE_STATIC);
  sqlite3_bind_int64(w, 2, line_no(im));
  if (!rdone(im, w))
    return false;
  if (sqlite3_changes(im->tmp) == 1)
    return true;
  sqlite3_stmt *q = rstmt(im, RQ_SEEN_GET, "SELECT line FROM seen WHERE key = ?1");
  if (!q)
    return false;
  sqlite3_bind_blob(q, 1, key, (int)len, SQLITE_STATIC);
  long first = sqlite3_step(q) == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0) : 0;
  sqlite3_reset(q);
  fproblem(im, i, "%s appears twice in the file (first on line %ld)", what, first);
  return false;
}

/* ---------------------------------------------------------------------- */
/* Database helpers. */

static sqlite3_stmt *stmt(importer *im, int id, const char *sql) {
  if (!im->st[id] && sqlite3_prepare_v2(im->db, sql, -1, &im->st[id], NULL) != SQLITE_OK) {
    store_fail(im->db, "preparing a statement", im->err, im->errlen);
    im->failed = true;
    return NULL;
  }
  sqlite3_reset(im->st[id]);
  sqlite3_clear_bindings(im->st[id]);
  return im->st[id];
}

/* Steps a statement expected to finish (an INSERT, UPDATE, DELETE). */
static bool run(importer *im, sqlite3_stmt *st, const char *what) {
  if (!st)
    return false;
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    store_fail(im->db, what, im->err, im->errlen);
    im->failed = true;
    return false;
  }
  return true;
}

/* Steps a query: 1 a row, 0 none, -1 failure. */
static int query(importer *im, sqlite3_stmt *st) {
  if (!st)
    return -1;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    return 1;
  if (rc == SQLITE_DONE)
    return 0;
  store_fail(im->db, "reading the database", im->err, im->errlen);
  im->failed = true;
  return -1;
}

static void bind_opt_text(sqlite3_stmt *st, int i, const char *s) {
  if (is_empty(s))
    sqlite3_bind_null(st, i);
  else
    sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Whether column c of a row equals s (NULL and "" are the same). */
static bool same_text(sqlite3_stmt *st, int c, const char *s) {
  const char *v = (const char *)sqlite3_column_text(st, c);
  if (!v || !*v)
    return is_empty(s);
  return s && strcmp(v, s) == 0;
}

static bool same_real(sqlite3_stmt *st, int c, bool empty, double x) {
  if (sqlite3_column_type(st, c) == SQLITE_NULL)
    return empty;
  return !empty && sqlite3_column_double(st, c) == x;
}

static void count(importer *im, int action) {
  if (im->pass != 1)
    return;
  if (action == ACT_ADD)
    im->res->added++;
  else if (action == ACT_UPDATE)
    im->res->updated++;
  else if (action == ACT_SAME)
    im->res->unchanged++;
}

/* ---------------------------------------------------------------------- */
/* establishments, leaders, providers, enrolments: each row is checked and
 * compared in pass 1, compared again and written (when it differs) in
 * pass 2. */

static void row_establishment(importer *im) {
  const char *urn, *name, *region, *hub = F(im, E_HUB), *joined = F(im, E_JOINED);
  int type;
  double fsm;
  bool fsm_empty, joined_empty = true;
  int64_t when;
  bool ok = v_required(im, E_URN, &urn);
  ok = ok && first_key(im, urn, strlen(urn), E_URN, "this urn");
  ok &= v_required(im, E_NAME, &name);
  ok &= v_enum(im, E_TYPE, est_types, &type);
  ok &= v_required(im, E_REGION, &region);
  ok &= v_number(im, E_FSM, 0, 100, true, &fsm_empty, &fsm, false);
  if (joined) {
    ok &= v_date(im, E_JOINED, false, true, &joined_empty, &when);
    if (!joined_empty && is_empty(hub)) {
      fproblem(im, E_JOINED, "a date is given but the hub column is empty");
      ok = false;
    }
  }
  if (!ok || im->failed)
    return;
  sqlite3_stmt *q = stmt(im, Q_EST_GET,
                         "SELECT e.name, e.type, e.region, h.name, e.hub_joined, e.fsm_pct"
                         " FROM establishments e LEFT JOIN hubs h ON h.id = e.hub_id"
                         " WHERE e.urn = ?1");
  if (!q)
    return;
  sqlite3_bind_text(q, 1, urn, -1, SQLITE_STATIC);
  int found = query(im, q);
  if (found < 0)
    return;
  int action = ACT_ADD;
  if (found)
    action = same_text(q, 0, name) && same_text(q, 1, est_types[type]) && same_text(q, 2, region) &&
                     same_text(q, 3, hub) && (!joined || same_text(q, 4, joined)) &&
                     same_real(q, 5, fsm_empty, fsm)
                 ? ACT_SAME
                 : ACT_UPDATE;
  sqlite3_reset(q);
  count(im, action);
  if (im->pass != 2 || action == ACT_SAME)
    return;
  sqlite3_int64 hub_id = 0;
  if (!is_empty(hub)) {
    sqlite3_stmt *h = stmt(im, Q_HUB_ADD, "INSERT OR IGNORE INTO hubs (name) VALUES (?1)");
    if (!h)
      return;
    sqlite3_bind_text(h, 1, hub, -1, SQLITE_STATIC);
    if (!run(im, h, "adding a hub"))
      return;
    h = stmt(im, Q_HUB_GET, "SELECT id FROM hubs WHERE name = ?1");
    if (!h)
      return;
    sqlite3_bind_text(h, 1, hub, -1, SQLITE_STATIC);
    if (query(im, h) != 1)
      return;
    hub_id = sqlite3_column_int64(h, 0);
    sqlite3_reset(h);
  }
  sqlite3_stmt *w =
      stmt(im, Q_EST_PUT,
           "INSERT INTO establishments (urn, name, type, region, hub_id, hub_joined, fsm_pct)"
           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (urn) DO UPDATE SET"
           " name = excluded.name, type = excluded.type, region = excluded.region,"
           " hub_id = excluded.hub_id,"
           " hub_joined = CASE WHEN ?8 THEN excluded.hub_joined ELSE hub_joined END,"
           " fsm_pct = excluded.fsm_pct");
  if (!w)
    return;
  sqlite3_bind_text(w, 1, urn, -1, SQLITE_STATIC);
  sqlite3_bind_text(w, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text(w, 3, est_types[type], -1, SQLITE_STATIC);
  sqlite3_bind_text(w, 4, region, -1, SQLITE_STATIC);
  if (hub_id)
    sqlite3_bind_int64(w, 5, hub_id);
  bind_opt_text(w, 6, joined);
  if (!fsm_empty)
    sqlite3_bind_double(w, 7, fsm);
  sqlite3_bind_int(w, 8, joined != NULL);
  run(im, w, "writing an establishment");
}

/* The id of the establishment with this URN (0 when none) and whether it
 * is a college; a problem when there is none. */
static sqlite3_int64 establishment(importer *im, int i, const char *urn, bool *college) {
  sqlite3_stmt *q = stmt(im, Q_EST_ID, "SELECT id, type FROM establishments WHERE urn = ?1");
  if (!q)
    return 0;
  sqlite3_bind_text(q, 1, urn, -1, SQLITE_STATIC);
  int found = query(im, q);
  sqlite3_int64 id = 0;
  if (found == 1) {
    id = sqlite3_column_int64(q, 0);
    if (college) {
      const char *t = (const char *)sqlite3_column_text(q, 1);
      *college = strcmp(t, "fe_college") == 0 || strcmp(t, "sixth_form_college") == 0;
    }
  } else if (found == 0) {
    char showbuf[64];
    fproblem(im, i, "no establishment has URN %s (import establishments first)", SHOW(urn));
  }
  sqlite3_reset(q);
  return id;
}

static bool plausible_email(const char *s) {
  const char *at = strchr(s, '@');
  return at && at != s && at[1] && !strchr(at + 1, '@') && !strpbrk(s, " \t,;<>") &&
         strchr(at + 1, '.');
}

static void row_leader(importer *im) {
  const char *key, *urn, *name = F(im, L_NAME), *email = F(im, L_EMAIL);
  int role;
  double months, consent;
  bool months_empty, consent_empty;
  char showbuf[64];
  bool ok = v_required(im, L_ID, &key);
  ok = ok && first_key(im, key, strlen(key), L_ID, "this leader_id");
  sqlite3_int64 est = 0;
  if (v_required(im, L_URN, &urn))
    est = establishment(im, L_URN, urn, NULL);
  ok &= est != 0;
  ok &= v_enum(im, L_ROLE, roles, &role);
  ok &= v_number(im, L_MONTHS, 0, 1e15, true, &months_empty, &months, true);
  ok &= v_number(im, L_CONSENT, 0, 1, false, &consent_empty, &consent, true);
  if (!is_empty(email) && !plausible_email(email)) {
    fproblem(im, L_EMAIL, "%s is not an email address", SHOW(email));
    ok = false;
  }
  if (!ok || im->failed)
    return;
  sqlite3_stmt *q = stmt(im, Q_LEADER_GET,
                         "SELECT l.id, l.establishment_id, l.role, l.months_in_role,"
                         " l.contact_consent, p.name, p.email"
                         " FROM leaders l LEFT JOIN leader_personal p ON p.leader_id = l.id"
                         " WHERE l.leader_key = ?1");
  if (!q)
    return;
  sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
  int found = query(im, q);
  if (found < 0)
    return;
  int action = ACT_ADD;
  char *old_name = NULL, *old_email = NULL;
  if (found) {
    bool same = sqlite3_column_int64(q, 1) == est && same_text(q, 2, roles[role]) &&
                same_real(q, 3, months_empty, months) && sqlite3_column_int(q, 4) == consent &&
                (!name || same_text(q, 5, name)) && (!email || same_text(q, 6, email));
    action = same ? ACT_SAME : ACT_UPDATE;
    if (sqlite3_column_text(q, 5))
      old_name = xstrdup((const char *)sqlite3_column_text(q, 5));
    if (sqlite3_column_text(q, 6))
      old_email = xstrdup((const char *)sqlite3_column_text(q, 6));
  }
  sqlite3_reset(q);
  count(im, action);
  if (im->pass != 2 || action == ACT_SAME)
    goto done;
  sqlite3_stmt *w = stmt(im, Q_LEADER_PUT,
                         "INSERT INTO leaders (leader_key, establishment_id, role, months_in_role,"
                         " contact_consent) VALUES (?1, ?2, ?3, ?4, ?5)"
                         " ON CONFLICT (leader_key) DO UPDATE SET"
                         " establishment_id = excluded.establishment_id, role = excluded.role,"
                         " months_in_role = excluded.months_in_role,"
                         " contact_consent = excluded.contact_consent RETURNING id");
  if (!w)
    goto done;
  sqlite3_bind_text(w, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64(w, 2, est);
  sqlite3_bind_text(w, 3, roles[role], -1, SQLITE_STATIC);
  if (!months_empty)
    sqlite3_bind_int64(w, 4, (sqlite3_int64)months);
  sqlite3_bind_int(w, 5, (int)consent);
  if (query(im, w) != 1)
    goto done;
  sqlite3_int64 id = sqlite3_column_int64(w, 0);
  if (!run(im, w, "writing a leader"))
    goto done;
  if (name || email) {
    const char *n = name ? name : old_name, *e = email ? email : old_email;
    if (is_empty(n) && is_empty(e)) {
      w = stmt(im, Q_PERSONAL_DEL, "DELETE FROM leader_personal WHERE leader_id = ?1");
      if (!w)
        goto done;
      sqlite3_bind_int64(w, 1, id);
    } else {
      w = stmt(im, Q_PERSONAL_PUT,
               "INSERT OR REPLACE INTO leader_personal (leader_id, name, email)"
               " VALUES (?1, ?2, ?3)");
      if (!w)
        goto done;
      sqlite3_bind_int64(w, 1, id);
      bind_opt_text(w, 2, n);
      bind_opt_text(w, 3, e);
    }
    run(im, w, "writing a leader's personal details");
  }
done:
  free(old_name);
  free(old_email);
}

static void row_provider(importer *im) {
  const char *key, *name;
  int accr;
  bool ok = v_required(im, P_ID, &key);
  ok = ok && first_key(im, key, strlen(key), P_ID, "this provider_id");
  ok &= v_required(im, P_NAME, &name);
  ok &= v_enum(im, P_ACCR, accreditations, &accr);
  if (!ok || im->failed)
    return;
  sqlite3_stmt *q =
      stmt(im, Q_PROV_GET, "SELECT name, accreditation FROM providers WHERE provider_key = ?1");
  if (!q)
    return;
  sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
  int found = query(im, q);
  if (found < 0)
    return;
  int action = !found                                                           ? ACT_ADD
               : same_text(q, 0, name) && same_text(q, 1, accreditations[accr]) ? ACT_SAME
                                                                                : ACT_UPDATE;
  sqlite3_reset(q);
  count(im, action);
  if (im->pass != 2 || action == ACT_SAME)
    return;
  sqlite3_stmt *w = stmt(im, Q_PROV_PUT,
                         "INSERT INTO providers (provider_key, name, accreditation)"
                         " VALUES (?1, ?2, ?3) ON CONFLICT (provider_key) DO UPDATE SET"
                         " name = excluded.name, accreditation = excluded.accreditation");
  if (!w)
    return;
  sqlite3_bind_text(w, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text(w, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text(w, 3, accreditations[accr], -1, SQLITE_STATIC);
  run(im, w, "writing a provider");
}

/* The id of a leader or provider by its key; a problem when none. */
static sqlite3_int64 lookup_key(importer *im, int qid, const char *sql, int i, const char *key,
                                const char *what, const char *kind) {
  sqlite3_stmt *q = stmt(im, qid, sql);
  if (!q)
    return 0;
  sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
  int found = query(im, q);
  sqlite3_int64 id = found == 1 ? sqlite3_column_int64(q, 0) : 0;
  sqlite3_reset(q);
  if (found == 0) {
    char showbuf[64];
    fproblem(im, i, "no %s has the id %s (import %s first)", what, SHOW(key), kind);
  }
  return id;
}

static void row_enrolment(importer *im) {
  const char *lkey, *pkey, *bursary = F(im, N_BURSARY);
  double wave;
  bool wave_empty, start_empty, done_empty, claim_empty = true;
  int64_t start = 0, done = 0, claim = 0;
  int status;
  sqlite3_int64 leader = 0, provider = 0;
  if (v_required(im, N_LEADER, &lkey))
    leader = lookup_key(im, Q_LEADER_ID, "SELECT id FROM leaders WHERE leader_key = ?1", N_LEADER,
                        lkey, "Careers Leader", "leaders");
  if (v_required(im, N_PROVIDER, &pkey))
    provider = lookup_key(im, Q_PROV_ID, "SELECT id FROM providers WHERE provider_key = ?1",
                          N_PROVIDER, pkey, "provider", "providers");
  bool ok = leader && provider;
  bool wave_ok = v_number(im, N_WAVE, 1, 1e15, false, &wave_empty, &wave, true);
  ok &= wave_ok;
  ok &= v_date(im, N_START, false, false, &start_empty, &start);
  bool done_ok = v_date(im, N_COMPLETION, false, true, &done_empty, &done);
  ok &= done_ok;
  bool status_ok = v_enum(im, N_STATUS, statuses, &status);
  ok &= status_ok;
  if (bursary) {
    bool claim_ok = v_date(im, N_BURSARY, false, true, &claim_empty, &claim);
    ok &= claim_ok;
    if (claim_ok && done_ok && !claim_empty) {
      if (done_empty) {
        fproblem(im, N_BURSARY,
                 "a bursary claim needs a completion_date (it is paid on "
                 "completion)");
        ok = false;
      } else if (claim < done) {
        fproblem(im, N_BURSARY, "the claim (%s) is dated before the completion (%s)", bursary,
                 F(im, N_COMPLETION));
        ok = false;
      }
    }
  }
  if (done_ok && !done_empty && !start_empty && done < start) {
    fproblem(im, N_COMPLETION, "the completion (%s) is dated before the start (%s)",
             F(im, N_COMPLETION), F(im, N_START));
    ok = false;
  }
  if (status_ok && done_ok) {
    if (status == ST_COMPLETED && done_empty) {
      fproblem(im, N_COMPLETION, "empty, but the status is completed");
      ok = false;
    } else if (status != ST_COMPLETED && !done_empty) {
      fproblem(im, N_COMPLETION, "a completion date is given, but the status is %s",
               statuses[status]);
      ok = false;
    }
  }
  if (ok) {
    char key[64];
    int n = snprintf(key, sizeof key, "%lld/%lld/%lld", (long long)leader, (long long)provider,
                     (long long)wave);
    ok = first_key(im, key, (size_t)n, N_WAVE, "this leader_id, provider_id and wave");
  }
  if (!ok || im->failed)
    return;
  sqlite3_stmt *q = stmt(im, Q_ENROL_GET,
                         "SELECT e.id, e.start_date, e.completion_date, e.status, b.claimed_date"
                         " FROM enrolments e LEFT JOIN bursary_claims b ON b.enrolment_id = e.id"
                         " WHERE e.leader_id = ?1 AND e.provider_id = ?2 AND e.wave = ?3");
  if (!q)
    return;
  sqlite3_bind_int64(q, 1, leader);
  sqlite3_bind_int64(q, 2, provider);
  sqlite3_bind_int64(q, 3, (sqlite3_int64)wave);
  int found = query(im, q);
  if (found < 0)
    return;
  int action = ACT_ADD;
  if (found)
    action = same_text(q, 1, F(im, N_START)) && same_text(q, 2, F(im, N_COMPLETION)) &&
                     same_text(q, 3, statuses[status]) && (!bursary || same_text(q, 4, bursary))
                 ? ACT_SAME
                 : ACT_UPDATE;
  sqlite3_reset(q);
  count(im, action);
  if (im->pass != 2 || action == ACT_SAME)
    return;
  sqlite3_stmt *w = stmt(im, Q_ENROL_PUT,
                         "INSERT INTO enrolments (leader_id, provider_id, wave, start_date,"
                         " completion_date, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                         " ON CONFLICT (leader_id, provider_id, wave) DO UPDATE SET"
                         " start_date = excluded.start_date,"
                         " completion_date = excluded.completion_date, status = excluded.status"
                         " RETURNING id");
  if (!w)
    return;
  sqlite3_bind_int64(w, 1, leader);
  sqlite3_bind_int64(w, 2, provider);
  sqlite3_bind_int64(w, 3, (sqlite3_int64)wave);
  sqlite3_bind_text(w, 4, F(im, N_START), -1, SQLITE_STATIC);
  bind_opt_text(w, 5, F(im, N_COMPLETION));
  sqlite3_bind_text(w, 6, statuses[status], -1, SQLITE_STATIC);
  if (query(im, w) != 1)
    return;
  sqlite3_int64 id = sqlite3_column_int64(w, 0);
  if (!run(im, w, "writing an enrolment") || !bursary)
    return;
  if (claim_empty) {
    w = stmt(im, Q_CLAIM_DEL, "DELETE FROM bursary_claims WHERE enrolment_id = ?1");
    if (!w)
      return;
    sqlite3_bind_int64(w, 1, id);
  } else {
    w = stmt(im, Q_CLAIM_PUT,
             "INSERT INTO bursary_claims (enrolment_id, claimed_date) VALUES (?1, ?2)"
             " ON CONFLICT (enrolment_id) DO UPDATE SET claimed_date = excluded.claimed_date");
    if (!w)
      return;
    sqlite3_bind_int64(w, 1, id);
    sqlite3_bind_text(w, 2, bursary, -1, SQLITE_STATIC);
  }
  run(im, w, "writing a bursary claim");
}

/* ---------------------------------------------------------------------- */
/* Compass returns: urn, submitted_at, bm1-bm8, optionally the instrument
 * and its criteria (item ids as columns, 0/1). */

static void row_compass(importer *im) {
  const char *urn, *ins = F(im, C_INSTRUMENT);
  char showbuf[64];
  bool college = false, empty;
  int64_t when;
  sqlite3_int64 est = 0, ins_id = 0;
  bool ok = true;
  if (v_required(im, C_URN, &urn))
    est = establishment(im, C_URN, urn, &college);
  ok &= est != 0;
  bool when_ok = v_date(im, C_WHEN, true, false, &empty, &when);
  ok &= when_ok;
  double pct[8];
  for (int b = 0; b < 8; b++)
    ok &= v_number(im, C_BM1 + b, 0, 100, false, &empty, &pct[b], false);
  if (!is_empty(ins)) {
    for (size_t k = 0; k < im->cat.bank->n; k++)
      if (strcmp(im->cat.bank->list[k]->key, ins) == 0 && instrument_kind(ins) == INS_COMPASS)
        ins_id = im->cat.instrument_ids[k];
    if (!ins_id) {
      fproblem(im, C_INSTRUMENT, "%s is not a Compass instrument of this database", SHOW(ins));
      ok = false;
    }
  }
  /* Criteria: 0/1 answers of the establishment's variant, one instrument. */
  int *met = im->row_met, *items = im->row_items, nmet = 0;
  for (size_t c = 0; c < im->ncols && im->has_items; c++) {
    int k = im->itemcol[c];
    const char *v = csvin_field(im->r, c);
    if (k < 0 || !*v)
      continue;
    const citem *ci = &im->cat.items[k];
    int opt = scale_option(ci->it->scale, v);
    if (opt < 0) {
      problem(im, line_no(im), (int)c + 1, "%s: %s is not 0 (not met) or 1 (met)", im->cols[c],
              SHOW(v));
      ok = false;
      continue;
    }
    if (est && ci->role != (college ? 1 : 0)) {
      problem(im, line_no(im), (int)c + 1,
              "%s: a criterion for %s, but establishment %s is a %s; leave it empty", im->cols[c],
              ci->role ? "colleges" : "schools", urn, college ? "college" : "school");
      ok = false;
      continue;
    }
    if (!ins_id)
      ins_id = ci->instrument_id;
    else if (ci->instrument_id != ins_id) {
      problem(im, line_no(im), (int)c + 1,
              "%s: a criterion of %s, but this row's return is of another instrument", im->cols[c],
              ci->in->key);
      ok = false;
      continue;
    }
    items[nmet] = k;
    met[nmet++] = (int)ci->it->scale->options[opt].value;
  }
  if (ok) {
    strbuf key = STRBUF_INIT;
    strbuf_printf(&key, "%lld\x1f%s", (long long)est, F(im, C_WHEN));
    ok = first_key(im, key.data, key.len, C_WHEN, "this urn and submitted_at");
    strbuf_free(&key);
  }
  if (!ok || im->failed)
    return;
  sqlite3_stmt *q = stmt(im, Q_RET_GET,
                         "SELECT id, instrument_id FROM compass_returns"
                         " WHERE establishment_id = ?1 AND submitted_at = ?2");
  if (!q)
    return;
  sqlite3_bind_int64(q, 1, est);
  sqlite3_bind_text(q, 2, F(im, C_WHEN), -1, SQLITE_STATIC);
  int found = query(im, q);
  if (found < 0)
    return;
  sqlite3_int64 ret = found ? sqlite3_column_int64(q, 0) : 0;
  sqlite3_int64 old_ins = found ? sqlite3_column_int64(q, 1) : 0;
  sqlite3_reset(q);
  bool determined = ins_id != 0 || ins != NULL; /* else keep what is there */
  int action = ACT_ADD;
  if (found) {
    bool same = !determined || old_ins == ins_id;
    q = stmt(im, Q_RET_BMS, "SELECT benchmark, pct FROM compass_benchmarks WHERE return_id = ?1");
    if (!q)
      return;
    sqlite3_bind_int64(q, 1, ret);
    int n = 0, rc;
    while ((rc = query(im, q)) == 1) {
      int b = sqlite3_column_int(q, 0);
      n++;
      if (b < 1 || b > 8 || sqlite3_column_double(q, 1) != pct[b - 1])
        same = false;
    }
    sqlite3_reset(q);
    if (rc < 0)
      return;
    same = same && n == 8;
    if (im->has_items && same) {
      q = stmt(im, Q_RET_ANSWERS, "SELECT item_id, met FROM compass_answers WHERE return_id = ?1");
      if (!q)
        return;
      sqlite3_bind_int64(q, 1, ret);
      int m = 0;
      while ((rc = query(im, q)) == 1) {
        sqlite3_int64 id = sqlite3_column_int64(q, 0);
        int v = sqlite3_column_int(q, 1), hit = 0;
        m++;
        for (int j = 0; j < nmet; j++)
          if (im->cat.items[items[j]].id == id)
            hit = met[j] == v;
        same = same && hit;
      }
      sqlite3_reset(q);
      if (rc < 0)
        return;
      same = same && m == nmet;
    }
    action = same ? ACT_SAME : ACT_UPDATE;
  }
  count(im, action);
  if (im->pass != 2 || action == ACT_SAME)
    return;
  if (!found) {
    sqlite3_stmt *w = stmt(im, Q_RET_ADD,
                           "INSERT INTO compass_returns (establishment_id, submitted_at,"
                           " instrument_id) VALUES (?1, ?2, ?3) RETURNING id");
    if (!w)
      return;
    sqlite3_bind_int64(w, 1, est);
    sqlite3_bind_text(w, 2, F(im, C_WHEN), -1, SQLITE_STATIC);
    if (ins_id)
      sqlite3_bind_int64(w, 3, ins_id);
    if (query(im, w) != 1)
      return;
    ret = sqlite3_column_int64(w, 0);
    if (!run(im, w, "writing a Compass return"))
      return;
  } else {
    sqlite3_stmt *w =
        stmt(im, Q_RET_SET, "UPDATE compass_returns SET instrument_id = ?2 WHERE id = ?1");
    if (!w)
      return;
    sqlite3_bind_int64(w, 1, ret);
    if (determined ? ins_id != 0 : old_ins != 0)
      sqlite3_bind_int64(w, 2, determined ? ins_id : old_ins);
    sqlite3_stmt *d = stmt(im, Q_BM_DEL, "DELETE FROM compass_benchmarks WHERE return_id = ?1");
    if (!run(im, w, "writing a Compass return") || !d)
      return;
    sqlite3_bind_int64(d, 1, ret);
    if (!run(im, d, "writing a Compass return"))
      return;
    if (im->has_items) {
      d = stmt(im, Q_CA_DEL, "DELETE FROM compass_answers WHERE return_id = ?1");
      if (!d)
        return;
      sqlite3_bind_int64(d, 1, ret);
      if (!run(im, d, "writing a Compass return"))
        return;
    }
  }
  for (int b = 0; b < 8; b++) {
    sqlite3_stmt *w = stmt(im, Q_BM_ADD,
                           "INSERT INTO compass_benchmarks (return_id, benchmark, pct)"
                           " VALUES (?1, ?2, ?3)");
    if (!w)
      return;
    sqlite3_bind_int64(w, 1, ret);
    sqlite3_bind_int(w, 2, b + 1);
    sqlite3_bind_double(w, 3, pct[b]);
    if (!run(im, w, "writing a Compass return"))
      return;
  }
  for (int j = 0; j < nmet; j++) {
    sqlite3_stmt *w = stmt(im, Q_CA_ADD,
                           "INSERT INTO compass_answers (return_id, item_id, met)"
                           " VALUES (?1, ?2, ?3)");
    if (!w)
      return;
    sqlite3_bind_int64(w, 1, ret);
    sqlite3_bind_int64(w, 2, im->cat.items[items[j]].id);
    sqlite3_bind_int(w, 3, met[j]);
    if (!run(im, w, "writing a Compass return"))
      return;
  }
}

/* ---------------------------------------------------------------------- */
/* Surveys. Pass 1 registers each submission (a leader, a stage and a
 * submission time; or a long-term response id) with a bitset of the items
 * it answers, a fingerprint and per-area sums. The register is a table in
 * a private temporary database, so that memory stays the same however many
 * submissions a file holds; only the submission of the current row is in
 * memory (im->cur), and rows of one submission usually come together. */

static uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15u;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
  return x ^ (x >> 31);
}

static uint64_t answer_print(int item, int opt) {
  return mix(((uint64_t)(unsigned)item << 16) | (uint64_t)(opt & 0xFFFF));
}

/* Writes the current submission back to the register when it changed. */
static bool cur_save(importer *im) {
  submission *c = &im->cur;
  if (!c->id || !c->dirty)
    return true;
  sqlite3_stmt *w = rstmt(im, RQ_SAVE,
                          "UPDATE sub SET nanswers = ?2, nknow = ?3, fp = ?4, s0 = ?5, s1 = ?6,"
                          " s2 = ?7, s3 = ?8, c0 = ?9, c1 = ?10, c2 = ?11, c3 = ?12,"
                          " bits = ?13 WHERE id = ?1");
  if (!w)
    return false;
  sqlite3_bind_int64(w, 1, c->id);
  sqlite3_bind_int(w, 2, c->nanswers);
  sqlite3_bind_int(w, 3, c->nknow);
  sqlite3_bind_int64(w, 4, (sqlite3_int64)c->fp);
  for (int a = 0; a < SCORE_NAREAS; a++) {
    sqlite3_bind_double(w, 5 + a, c->sum[a]);
    sqlite3_bind_int(w, 9 + a, c->cnt[a]);
  }
  sqlite3_bind_blob(w, 13, c->bits, (int)(im->cat.nwords * sizeof *c->bits), SQLITE_STATIC);
  c->dirty = false;
  return rdone(im, w);
}

/* Makes the submission whose key is in im->keybuf current, registering it
 * (with the fields of proto) when it is new; *added says which. Returns
 * false on a failure. */
static bool find_submission(importer *im, const submission *proto, bool *added) {
  *added = false;
  if (!cur_save(im))
    return false;
  submission *c = &im->cur;
  size_t bytes = im->cat.nwords * sizeof *c->bits;
  /* Most keys are new: try to add first. */
  sqlite3_stmt *w = rstmt(im, RQ_ADD,
                          "INSERT OR IGNORE INTO sub (key, name, leader_id, stage, role,"
                          " submitted_at, at, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!w)
    return false;
  sqlite3_bind_blob(w, 1, im->keybuf.data, (int)im->keybuf.len, SQLITE_STATIC);
  sqlite3_bind_text(w, 2, strbuf_str(&proto->name), -1, SQLITE_STATIC);
  sqlite3_bind_int64(w, 3, proto->leader_id);
  sqlite3_bind_int(w, 4, proto->stage);
  sqlite3_bind_int(w, 5, proto->role);
  sqlite3_bind_text(w, 6, strbuf_str(&proto->submitted_at), -1, SQLITE_STATIC);
  sqlite3_bind_int64(w, 7, proto->when);
  sqlite3_bind_int64(w, 8, line_no(im));
  if (!rdone(im, w))
    return false;
  if (sqlite3_changes(im->tmp) == 0) {
    sqlite3_stmt *q = rstmt(im, RQ_FIND,
                            "SELECT id, name, leader_id, stage, role, submitted_at, at, line,"
                            " nanswers, nknow, fp, s0, s1, s2, s3, c0, c1, c2, c3, bits"
                            " FROM sub WHERE key = ?1");
    if (!q)
      return false;
    sqlite3_bind_blob(q, 1, im->keybuf.data, (int)im->keybuf.len, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_ROW) {
      sqlite3_reset(q);
      store_fail(im->tmp, "the temporary register", im->err, im->errlen);
      im->failed = true;
      return false;
    }
    c->id = sqlite3_column_int64(q, 0);
    strbuf_reset(&c->name);
    strbuf_puts(&c->name, (const char *)sqlite3_column_text(q, 1));
    c->leader_id = sqlite3_column_int64(q, 2);
    c->stage = sqlite3_column_int(q, 3);
    c->role = sqlite3_column_int(q, 4);
    strbuf_reset(&c->submitted_at);
    strbuf_puts(&c->submitted_at, (const char *)sqlite3_column_text(q, 5));
    c->when = sqlite3_column_int64(q, 6);
    c->line = (long)sqlite3_column_int64(q, 7);
    c->nanswers = sqlite3_column_int(q, 8);
    c->nknow = sqlite3_column_int(q, 9);
    c->fp = (uint64_t)sqlite3_column_int64(q, 10);
    for (int a = 0; a < SCORE_NAREAS; a++) {
      c->sum[a] = sqlite3_column_double(q, 11 + a);
      c->cnt[a] = sqlite3_column_int(q, 15 + a);
    }
    memset(c->bits, 0, bytes);
    if ((size_t)sqlite3_column_bytes(q, 19) == bytes)
      memcpy(c->bits, sqlite3_column_blob(q, 19), bytes);
    sqlite3_reset(q);
    return true;
  }
  c->id = sqlite3_last_insert_rowid(im->tmp);
  strbuf_reset(&c->name);
  strbuf_puts(&c->name, strbuf_str(&proto->name));
  strbuf_reset(&c->submitted_at);
  strbuf_puts(&c->submitted_at, strbuf_str(&proto->submitted_at));
  c->leader_id = proto->leader_id;
  c->stage = proto->stage;
  c->role = proto->role;
  c->when = proto->when;
  c->line = line_no(im);
  c->nanswers = c->nknow = 0;
  c->fp = 0;
  for (int a = 0; a < SCORE_NAREAS; a++) {
    c->sum[a] = 0;
    c->cnt[a] = 0;
  }
  memset(c->bits, 0, bytes);
  c->dirty = false;
  im->nsubs++;
  *added = true;
  return true;
}

/* One answer of the current submission to item k, from column col. */
static void add_answer(importer *im, int k, int opt, int col, const char *colname) {
  submission *s = &im->cur;
  uint64_t bit = (uint64_t)1 << (k & 63);
  if (s->bits[k >> 6] & bit) {
    problem(im, line_no(im), col, "%s: item %s is answered twice in the same response", colname,
            im->cat.items[k].it->id);
    return;
  }
  s->bits[k >> 6] |= bit;
  s->dirty = true;
  if (im->spool) {
    im->spool_buf[im->spool_n++] = (spool_rec){(uint32_t)s->id, (uint16_t)k, (uint16_t)opt};
    if (im->spool_n == SPOOL_BUF) {
      if (fwrite(im->spool_buf, sizeof *im->spool_buf, SPOOL_BUF, im->spool) != SPOOL_BUF) {
        snprintf(im->err, im->errlen, "writing a temporary file failed: %s", strerror(errno));
        im->failed = true;
      }
      im->spool_n = 0;
    }
  }
  s->nanswers++;
  s->fp += answer_print(k, opt);
  const citem *ci = &im->cat.items[k];
  if (ci->ins == INS_SELF && ci->area >= 0) {
    s->sum[ci->area] += ci->it->scale->options[opt].value;
    s->cnt[ci->area]++;
    s->nknow++;
  }
}

/* Whether item k may be answered by this submission; a problem when not. */
static bool item_fits(importer *im, int k, const submission *s, int col, const char *colname) {
  const citem *ci = &im->cat.items[k];
  const char *id = ci->it->id;
  if (im->kind == K_LONGTERM) {
    if (ci->ins != INS_LONGTERM) {
      problem(im, line_no(im), col,
              "%s: %s belongs to the %s instrument, not to the long-term survey", colname, id,
              ci->in->key);
      return false;
    }
    return true;
  }
  if (ci->ins == INS_REFLECTIVE) {
    if (s && s->stage != 1) {
      problem(im, line_no(im), col,
              "%s: %s is asked after training only (stage post), not at stage %s", colname, id,
              stages[s->stage]);
      return false;
    }
    return true;
  }
  if (ci->ins != INS_SELF) {
    problem(im, line_no(im), col,
            "%s: %s belongs to the %s instrument, not to the self-assessment survey", colname, id,
            ci->in->key);
    return false;
  }
  if (s && ci->role != s->role) {
    problem(im, line_no(im), col, "%s: %s is a %s item, but leader %s is a %s Careers Leader",
            colname, id, ci->it->role ? ci->it->role : "?", strbuf_str(&s->name),
            s->role >= 0 ? roles[s->role] : "?");
    return false;
  }
  return true;
}

/* Parses one answer cell for item k; -1 (and a problem) when it is not on
 * the item's scale. */
static int answer_option(importer *im, int k, const char *v, int col, const char *colname) {
  const instrument_scale *sc = im->cat.items[k].it->scale;
  int opt = scale_option(sc, v);
  if (opt < 0) {
    char showbuf[64];
    strbuf codes = STRBUF_INIT;
    for (size_t i = 0; i < sc->noptions; i++)
      strbuf_printf(&codes, "%s%s", i ? ", " : "", sc->options[i].code);
    problem(im, line_no(im), col, "%s: %s is not on the %s scale of %s (%s)", colname, SHOW(v),
            sc->name, im->cat.items[k].it->id, strbuf_str(&codes));
    strbuf_free(&codes);
  }
  return opt;
}

/* The leader with this id: its database id and role; a problem when none.
 * The previous row's leader is remembered. */
static bool find_leader(importer *im, const char *key, sqlite3_int64 *id, int *role) {
  if (im->leader_valid && strcmp(strbuf_str(&im->leader_key), key) == 0) {
    *id = im->leader_id;
    *role = im->leader_role;
    return *id != 0;
  }
  sqlite3_stmt *q = stmt(im, Q_LEADER_ROLE, "SELECT id, role FROM leaders WHERE leader_key = ?1");
  if (!q)
    return false;
  sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
  int found = query(im, q);
  if (found < 0)
    return false;
  im->leader_id = found ? sqlite3_column_int64(q, 0) : 0;
  im->leader_role = found ? list_index((const char *)sqlite3_column_text(q, 1), roles) : -1;
  sqlite3_reset(q);
  strbuf_reset(&im->leader_key);
  strbuf_puts(&im->leader_key, key);
  im->leader_valid = true;
  *id = im->leader_id;
  *role = im->leader_role;
  return *id != 0;
}

/* Makes the submission of the current row current (its key columns
 * checked). Returns false when the key columns are not valid. */
static bool row_submission(importer *im, bool *fresh) {
  *fresh = false;
  bool self = im->kind == K_SELF;
  const char *key = F(im, S_KEY), *when_s = F(im, S_WHEN);
  const char *stage_s = self ? F(im, S_STAGE) : "";
  /* The same key as the previous row: the same submission. */
  size_t a = strlen(key), b = strlen(stage_s), c = strlen(when_s);
  if (im->have_last && !im->wide) {
    const char *p = im->last_key.data;
    if (im->last_key.len == a + b + c + 2 && memcmp(p, key, a) == 0 && p[a] == '\x1f' &&
        memcmp(p + a + 1, stage_s, b) == 0 && p[a + 1 + b] == '\x1f' &&
        memcmp(p + a + b + 2, when_s, c) == 0)
      return true;
  }
  im->have_last = false;
  bool ok = true, empty;
  char showbuf[64];
  const char *dummy;
  submission *proto = &im->proto;
  proto->leader_id = 0;
  proto->role = -1;
  proto->stage = -1;
  if (!v_required(im, S_KEY, &dummy)) {
    ok = false;
  } else if (self && !find_leader(im, key, &proto->leader_id, &proto->role)) {
    if (!im->failed)
      fproblem(im, S_KEY, "no Careers Leader has the id %s (import leaders first)", SHOW(key));
    ok = false;
  }
  if (self)
    ok &= v_enum(im, S_STAGE, stages, &proto->stage);
  ok &= v_date(im, S_WHEN, true, false, &empty, &proto->when);
  if (!ok || im->failed)
    return false;
  strbuf_reset(&proto->name);
  strbuf_puts(&proto->name, key);
  strbuf_reset(&proto->submitted_at);
  strbuf_puts(&proto->submitted_at, when_s);
  strbuf_reset(&im->keybuf);
  if (self) {
    sqlite3_int64 id = proto->leader_id;
    strbuf_put(&im->keybuf, (const char *)&id, sizeof id);
    strbuf_putc(&im->keybuf, (char)('0' + proto->stage));
    strbuf_puts(&im->keybuf, when_s);
  } else {
    strbuf_puts(&im->keybuf, key);
  }
  if (!find_submission(im, proto, fresh))
    return false;
  if (!*fresh && !self && strcmp(strbuf_str(&im->cur.submitted_at), when_s) != 0) {
    fproblem(im, S_WHEN,
             "response %s was submitted at %s on line %ld, but at %s here; a response has one "
             "submission time",
             SHOW(key), strbuf_str(&im->cur.submitted_at), im->cur.line, when_s);
    return false;
  }
  strbuf_reset(&im->last_key);
  strbuf_printf(&im->last_key, "%s\x1f%s\x1f%s", key, stage_s, when_s);
  im->have_last = true;
  return true;
}

static void row_survey(importer *im) {
  bool fresh;
  bool have = row_submission(im, &fresh);
  if (im->failed)
    return;
  if (have && !fresh && im->wide) {
    problem(im, line_no(im), C(im, S_KEY),
            "%s: the same response (%s) appears twice in the file (first on line %ld)",
            im->spec[S_KEY].name, F(im, S_KEY), im->cur.line);
    return;
  }
  const submission *s = have ? &im->cur : NULL;
  if (!im->wide) {
    const char *item = F(im, S_ITEM), *v = F(im, S_VALUE);
    char showbuf[64];
    if (!*item) {
      /* A response without answers is one row with item_id and value empty. */
      if (*v)
        fproblem(im, S_ITEM, "empty, but the row has a value; which item does it answer?");
      return;
    }
    int k = catalog_find(&im->cat, item, strlen(item));
    if (k < 0) {
      fproblem(im, S_ITEM, "%s is not an item of any instrument (see 'cleval instruments')",
               SHOW(item));
      return;
    }
    if (!item_fits(im, k, s, C(im, S_ITEM), "item_id") || !*v)
      return; /* an empty value: not answered */
    int opt = answer_option(im, k, v, C(im, S_VALUE), "value");
    if (opt >= 0 && s)
      add_answer(im, k, opt, C(im, S_ITEM), "item_id");
    return;
  }
  for (size_t c = 0; c < im->ncols; c++) {
    int k = im->itemcol[c];
    const char *v = csvin_field(im->r, c);
    if (k < 0 || !*v || !item_fits(im, k, s, (int)c + 1, im->cols[c]))
      continue;
    int opt = answer_option(im, k, v, (int)c + 1, im->cols[c]);
    if (opt >= 0 && s)
      add_answer(im, k, opt, (int)c + 1, im->cols[c]);
  }
}

/* ---------------------------------------------------------------------- */
/* Resolving submissions: which is kept, and how it compares with the
 * database. The register is read back in groups of one leader and stage. */

/* A candidate for one leader and stage: a submission in the file (id > 0)
 * or the response already in the database (id = 0). */
typedef struct candidate {
  sqlite3_int64 id;
  char *submitted_at;
  int64_t when;
  long line; /* 0 for the database's */
  bool complete;
  int nknow, nanswers;
  uint64_t fp;
} candidate;

static bool better(const candidate *a, const candidate *b, int rule) {
  switch (rule) {
  case R_EARLIEST:
    if (a->when != b->when)
      return a->when < b->when;
    return a->line < b->line;
  case R_MOST_COMPLETE:
    if (a->nknow != b->nknow)
      return a->nknow > b->nknow;
    break;
  case R_LATEST_COMPLETE:
    if (a->complete != b->complete)
      return a->complete;
    break;
  default: break;
  }
  if (a->when != b->when)
    return a->when > b->when;
  return a->line > b->line;
}

static void add_discard(importer *im, const char *line) {
  import_result *res = im->res;
  res->discards = xrealloc(res->discards, (res->ndiscards + 1) * sizeof *res->discards);
  res->discards[res->ndiscards++] = xstrdup(line);
  res->discarded++;
}

static void describe(importer *im, strbuf *b, const candidate *c, int role) {
  int total = role >= 0 ? im->cat.knowledge[role] : 0;
  if (c->line)
    strbuf_printf(b, "line %ld (submitted %s, ", c->line, c->submitted_at);
  else
    strbuf_printf(b, "the database's response (submitted %s, ", c->submitted_at);
  if (c->complete)
    strbuf_puts(b, "complete)");
  else
    strbuf_printf(b, "%d of %d knowledge items)", c->nknow, total);
}

/* The fingerprint and answer count of a stored response. */
static int stored_print(importer *im, sqlite3_int64 rid, uint64_t *fp, int *n) {
  sqlite3_stmt *q =
      stmt(im, Q_ANSWERS_OF, "SELECT item_id, value, code FROM answers WHERE response_id = ?1");
  if (!q)
    return -1;
  sqlite3_bind_int64(q, 1, rid);
  *fp = 0;
  *n = 0;
  int rc;
  while ((rc = query(im, q)) == 1) {
    sqlite3_int64 id = sqlite3_column_int64(q, 0);
    int k = id >= 0 && id <= im->cat.max_id ? im->cat.by_id[id] : -1;
    int opt = k >= 0 ? stored_option(im->cat.items[k].it->scale, q, 1, 2) : -1;
    *fp += answer_print(k, opt);
    (*n)++;
  }
  sqlite3_reset(q);
  return rc < 0 ? -1 : 0;
}

/* The kept pre or post of a leader, for the date check. */
typedef struct final {
  bool have;
  int64_t when;
  long line;
  strbuf submitted_at;
} final;

static void final_set(final *f, int64_t when, long line, const char *at) {
  f->have = true;
  f->when = when;
  f->line = line;
  strbuf_reset(&f->submitted_at);
  strbuf_puts(&f->submitted_at, at);
}

static void check_order(importer *im, const char *leader, final *pre, final *post) {
  if (!pre->have || !post->have || post->when >= pre->when)
    return;
  long line = post->line ? post->line : pre->line;
  char where[64];
  if (pre->line)
    snprintf(where, sizeof where, "line %ld", pre->line);
  else
    snprintf(where, sizeof where, "in the database");
  problem(im, line, C(im, S_WHEN),
          "submitted_at: leader %s's post survey (%s%s) is dated before their pre survey (%s, "
          "%s)",
          leader, strbuf_str(&post->submitted_at), post->line ? "" : ", in the database",
          strbuf_str(&pre->submitted_at), where);
}

/* A leader's stored self-assessment response at a stage: id, submitted_at,
 * role, knowledge items answered, knowledge items in all. */
static sqlite3_stmt *stored_response(importer *im, sqlite3_int64 leader_id, int stage) {
  sqlite3_stmt *q =
      stmt(im, Q_RESP_SELF,
           "SELECT r.id, r.submitted_at, r.role,"
           " (SELECT total(items_answered) FROM area_scores WHERE response_id = r.id),"
           " (SELECT total(items_total) FROM area_scores WHERE response_id = r.id)"
           " FROM responses r WHERE r.survey = 'self-assessment'"
           " AND r.leader_id = ?1 AND r.stage = ?2");
  if (q) {
    sqlite3_bind_int64(q, 1, leader_id);
    sqlite3_bind_text(q, 2, stages[stage], -1, SQLITE_STATIC);
  }
  return q;
}

static int stored_final(importer *im, sqlite3_int64 leader_id, int stage, final *f) {
  sqlite3_stmt *q = stored_response(im, leader_id, stage);
  if (!q)
    return -1;
  int found = query(im, q);
  f->have = false;
  int64_t when;
  if (found == 1 && date_parse_when((const char *)sqlite3_column_text(q, 1), true, &when) == 0)
    final_set(f, when, 0, (const char *)sqlite3_column_text(q, 1));
  sqlite3_reset(q);
  return found < 0 ? -1 : 0;
}

static bool decide(importer *im, sqlite3_int64 id, int action, sqlite3_int64 response_id) {
  /* New responses take the ids after the largest: this transaction holds
   * the write lock, so nothing else can take them. */
  if (action == ACT_ADD)
    response_id = im->next_response_id++;
  sqlite3_stmt *w =
      rstmt(im, RQ_DECIDE, "UPDATE sub SET action = ?2, response_id = ?3 WHERE id = ?1");
  if (!w)
    return false;
  sqlite3_bind_int64(w, 1, id);
  sqlite3_bind_int(w, 2, action);
  if (response_id)
    sqlite3_bind_int64(w, 3, response_id);
  count(im, action);
  return rdone(im, w);
}

/* Decides the file's submissions of one leader and stage (g[0..n), in file
 * order) against each other and the database's response. */
static int resolve_group(importer *im, candidate *g, size_t n, sqlite3_int64 leader_id,
                         const char *leader, int stage, int role, final *f) {
  sqlite3_stmt *q = stored_response(im, leader_id, stage);
  if (!q)
    return -1;
  int found = query(im, q);
  if (found < 0)
    return -1;
  candidate db;
  memset(&db, 0, sizeof db);
  sqlite3_int64 rid = 0;
  char *db_role = NULL;
  bool db_separate = false; /* stored at a time no file submission has */
  size_t db_same = n;       /* the file submission stored already, if any */
  if (found) {
    rid = sqlite3_column_int64(q, 0);
    const char *at = (const char *)sqlite3_column_text(q, 1);
    db.submitted_at = xstrdup(at);
    if (sqlite3_column_text(q, 2))
      db_role = xstrdup((const char *)sqlite3_column_text(q, 2));
    db.nknow = (int)sqlite3_column_double(q, 3);
    int total = (int)sqlite3_column_double(q, 4);
    db.complete = total > 0 && db.nknow == total;
    if (date_parse_when(at, true, &db.when) != 0)
      db.when = INT64_MIN; /* not a date cleval would store: it loses to any */
    db_separate = true;
    for (size_t i = 0; i < n; i++)
      if (strcmp(g[i].submitted_at, at) == 0) {
        db_separate = false;
        db_same = i;
      }
  }
  sqlite3_reset(q);
  for (size_t i = 0; i < n; i++)
    g[i].complete = role >= 0 && g[i].nknow == im->cat.knowledge[role];
  /* The best candidate. */
  size_t ncand = n + (db_separate ? 1 : 0);
  candidate *best = NULL;
  for (size_t i = 0; i < ncand; i++) {
    candidate *c = i < n ? &g[i] : &db;
    if (best && im->rule == R_ERROR) {
      strbuf b = STRBUF_INIT;
      describe(im, &b, best, role);
      problem(im, c->line ? c->line : best->line, C(im, S_KEY),
              "%s: leader %s has a second %s submission (submitted %s); the first is %s, and "
              "the duplicates rule is error",
              im->spec[S_KEY].name, leader, stages[stage], c->submitted_at, strbuf_str(&b));
      strbuf_free(&b);
      continue;
    }
    if (!best || better(c, best, im->rule))
      best = c;
  }
  int rc = 0;
  /* Discards, and the kept one's action. */
  for (size_t i = 0; i < ncand && rc == 0; i++) {
    candidate *c = i < n ? &g[i] : &db;
    if (c == best)
      continue;
    if (c->id && !decide(im, c->id, ACT_DISCARD, 0))
      rc = -1;
    strbuf b = STRBUF_INIT;
    if (c->line)
      strbuf_printf(&b, "line %ld: ", c->line);
    else
      strbuf_puts(&b, "database: ");
    strbuf_printf(&b, "leader %s %s submitted %s (", leader, stages[stage], c->submitted_at);
    if (c->complete)
      strbuf_puts(&b, "complete");
    else
      strbuf_printf(&b, "%d of %d knowledge items", c->nknow,
                    role >= 0 ? im->cat.knowledge[role] : 0);
    strbuf_puts(&b, c->line ? "): discarded; kept " : "): replaced by ");
    describe(im, &b, best, role);
    add_discard(im, strbuf_str(&b));
    strbuf_free(&b);
  }
  if (rc == 0 && best && best->id) {
    int action = ACT_ADD;
    if (found && db_separate) {
      action = ACT_UPDATE;
    } else if (found && best == &g[db_same]) {
      uint64_t fp;
      int na;
      rc = stored_print(im, rid, &fp, &na);
      bool same_role = db_role && role >= 0 && strcmp(db_role, roles[role]) == 0;
      action = fp == best->fp && na == best->nanswers && same_role ? ACT_SAME : ACT_UPDATE;
    } else if (found) {
      action = ACT_UPDATE; /* another file submission replaces the stored one */
    }
    if (rc == 0 && !decide(im, best->id, action, found ? rid : 0))
      rc = -1;
    final_set(f, best->when, best->line, best->submitted_at);
  } else if (rc == 0 && best) {
    final_set(f, db.when, 0, db.submitted_at);
  }
  free(db.submitted_at);
  free(db_role);
  return im->failed ? -1 : rc;
}

static void group_clear(candidate *g, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(g[i].submitted_at);
}

/* The first id new responses take. */
static int first_response_id(importer *im) {
  sqlite3_stmt *q = stmt(im, Q_RESP_MAX, "SELECT coalesce(max(id), 0) FROM responses");
  if (!q || query(im, q) != 1)
    return -1;
  im->next_response_id = sqlite3_column_int64(q, 0) + 1;
  sqlite3_reset(q);
  return 0;
}

static int resolve_self(importer *im) {
  if (!cur_save(im) || first_response_id(im) != 0)
    return -1;
  sqlite3_stmt *q = rstmt(im, RQ_GROUPS,
                          "SELECT id, name, leader_id, stage, role, submitted_at, at, line,"
                          " nanswers, nknow, fp FROM sub ORDER BY leader_id, stage, line");
  if (!q)
    return -1;
  candidate *g = NULL;
  size_t n = 0, cap = 0;
  final f[2];
  memset(f, 0, sizeof f);
  bool seen[2] = {false, false};
  sqlite3_int64 g_leader = 0;
  int g_stage = -1, g_role = -1, rc = 0, step;
  strbuf leader = STRBUF_INIT;
  for (;;) {
    step = sqlite3_step(q);
    bool row = step == SQLITE_ROW;
    sqlite3_int64 lid = row ? sqlite3_column_int64(q, 2) : 0;
    int stage = row ? sqlite3_column_int(q, 3) : -1;
    if (n && (!row || lid != g_leader || stage != g_stage)) {
      rc = resolve_group(im, g, n, g_leader, strbuf_str(&leader), g_stage, g_role, &f[g_stage]);
      seen[g_stage] = true;
      group_clear(g, n);
      n = 0;
    }
    if (rc == 0 && g_leader && (!row || lid != g_leader)) {
      for (int st = 0; st < 2 && rc == 0; st++)
        if (!seen[st])
          rc = stored_final(im, g_leader, st, &f[st]);
      if (rc == 0)
        check_order(im, strbuf_str(&leader), &f[0], &f[1]);
      f[0].have = f[1].have = false;
      seen[0] = seen[1] = false;
    }
    if (!row || rc != 0)
      break;
    g_leader = lid;
    g_stage = stage;
    g_role = sqlite3_column_int(q, 4);
    strbuf_reset(&leader);
    strbuf_puts(&leader, (const char *)sqlite3_column_text(q, 1));
    g = xgrow(g, &cap, n + 1, sizeof *g);
    candidate *c = &g[n++];
    c->id = sqlite3_column_int64(q, 0);
    c->submitted_at = xstrdup((const char *)sqlite3_column_text(q, 5));
    c->when = sqlite3_column_int64(q, 6);
    c->line = (long)sqlite3_column_int64(q, 7);
    c->nanswers = sqlite3_column_int(q, 8);
    c->nknow = sqlite3_column_int(q, 9);
    c->fp = (uint64_t)sqlite3_column_int64(q, 10);
  }
  if (rc == 0 && step != SQLITE_DONE) {
    store_fail(im->tmp, "the temporary register", im->err, im->errlen);
    rc = -1;
  }
  sqlite3_reset(q);
  group_clear(g, n);
  free(g);
  strbuf_free(&leader);
  strbuf_free(&f[0].submitted_at);
  strbuf_free(&f[1].submitted_at);
  return rc;
}

static int resolve_longterm(importer *im) {
  if (!cur_save(im) || first_response_id(im) != 0)
    return -1;
  sqlite3_stmt *q = rstmt(im, RQ_GROUPS,
                          "SELECT id, name, submitted_at, line, nanswers, fp FROM sub ORDER BY id");
  if (!q)
    return -1;
  int step, rc = 0;
  while (rc == 0 && (step = sqlite3_step(q)) == SQLITE_ROW) {
    sqlite3_int64 id = sqlite3_column_int64(q, 0);
    const char *key = (const char *)sqlite3_column_text(q, 1);
    const char *at = (const char *)sqlite3_column_text(q, 2);
    sqlite3_stmt *e = stmt(
        im, Q_RESP_KEY, "SELECT id, submitted_at, survey FROM responses WHERE response_key = ?1");
    if (!e) {
      rc = -1;
      break;
    }
    sqlite3_bind_text(e, 1, key, -1, SQLITE_STATIC);
    int found = query(im, e);
    if (found < 0) {
      rc = -1;
      break;
    }
    if (!found) {
      sqlite3_reset(e);
      rc = decide(im, id, ACT_ADD, 0) ? 0 : -1;
    } else if (strcmp((const char *)sqlite3_column_text(e, 2), "long-term") != 0) {
      char showbuf[64];
      problem(im, (long)sqlite3_column_int64(q, 3), C(im, S_KEY),
              "response_id: %s is already the id of a response to another survey", SHOW(key));
      sqlite3_reset(e);
    } else {
      sqlite3_int64 rid = sqlite3_column_int64(e, 0);
      bool same_time = strcmp((const char *)sqlite3_column_text(e, 1), at) == 0;
      sqlite3_reset(e);
      uint64_t fp;
      int n;
      if (stored_print(im, rid, &fp, &n) != 0) {
        rc = -1;
        break;
      }
      int action =
          same_time && fp == (uint64_t)sqlite3_column_int64(q, 5) && n == sqlite3_column_int(q, 4)
              ? ACT_SAME
              : ACT_UPDATE;
      rc = decide(im, id, action, rid) ? 0 : -1;
    }
  }
  sqlite3_reset(q);
  if (rc == 0 && step != SQLITE_DONE && step != SQLITE_ROW) {
    store_fail(im->tmp, "the temporary register", im->err, im->errlen);
    rc = -1;
  }
  return rc;
}

/* Pass 2, before the answers: new responses made, changed ones emptied. */
static int write_responses(importer *im) {
  bool self = im->kind == K_SELF;
  sqlite3_stmt *subs = rstmt(im, RQ_WRITES,
                             "SELECT id, leader_id, stage, role, name, submitted_at, action,"
                             " response_id FROM sub WHERE action IN (1, 2) ORDER BY id");
  if (!subs)
    return -1;
  int step;
  while (!im->failed && (step = sqlite3_step(subs)) == SQLITE_ROW) {
    int stage = sqlite3_column_int(subs, 2), role = sqlite3_column_int(subs, 3);
    const char *name = (const char *)sqlite3_column_text(subs, 4);
    const char *at = (const char *)sqlite3_column_text(subs, 5);
    if (sqlite3_column_int(subs, 6) == ACT_ADD) {
      sqlite3_stmt *w =
          stmt(im, Q_RESP_ADD,
               "INSERT INTO responses (survey, leader_id, stage, role,"
               " response_key, submitted_at, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
      if (!w)
        break;
      sqlite3_int64 rid = sqlite3_column_int64(subs, 7);
      sqlite3_bind_text(w, 1, self ? "self-assessment" : "long-term", -1, SQLITE_STATIC);
      if (self) {
        sqlite3_bind_int64(w, 2, sqlite3_column_int64(subs, 1));
        sqlite3_bind_text(w, 3, stages[stage], -1, SQLITE_STATIC);
        if (role >= 0)
          sqlite3_bind_text(w, 4, roles[role], -1, SQLITE_STATIC);
      } else {
        sqlite3_bind_text(w, 3, "followup", -1, SQLITE_STATIC);
        sqlite3_bind_text(w, 5, name, -1, SQLITE_STATIC);
      }
      sqlite3_bind_text(w, 6, at, -1, SQLITE_STATIC);
      sqlite3_bind_int64(w, 7, rid);
      if (!run(im, w, "writing a response"))
        break;
    } else {
      sqlite3_int64 rid = sqlite3_column_int64(subs, 7);
      sqlite3_stmt *w =
          stmt(im, Q_RESP_SET, "UPDATE responses SET submitted_at = ?2, role = ?3 WHERE id = ?1");
      if (!w)
        break;
      sqlite3_bind_int64(w, 1, rid);
      sqlite3_bind_text(w, 2, at, -1, SQLITE_STATIC);
      if (self && role >= 0)
        sqlite3_bind_text(w, 3, roles[role], -1, SQLITE_STATIC);
      if (!run(im, w, "writing a response"))
        break;
      w = stmt(im, Q_ANSWERS_DEL, "DELETE FROM answers WHERE response_id = ?1");
      if (!w)
        break;
      sqlite3_bind_int64(w, 1, rid);
      if (!run(im, w, "replacing a response's answers"))
        break;
    }
  }
  sqlite3_reset(subs);
  return im->failed ? -1 : 0;
}

/* Binds one answer as row n of an INSERT statement. */
static void bind_answer(importer *im, sqlite3_stmt *w, int n, sqlite3_int64 rid, int k, int opt) {
  const citem *ci = &im->cat.items[k];
  const instrument_option *o = &ci->it->scale->options[opt];
  int p = n * 4;
  sqlite3_bind_int64(w, p + 1, rid);
  sqlite3_bind_int64(w, p + 2, ci->id);
  if (scale_numeric(ci->it->scale)) {
    sqlite3_bind_double(w, p + 3, o->value);
    sqlite3_bind_null(w, p + 4);
  } else {
    sqlite3_bind_null(w, p + 3);
    sqlite3_bind_text(w, p + 4, o->code, -1, SQLITE_STATIC);
  }
}

static bool step_answers(importer *im, sqlite3_stmt *w) {
  int rc = sqlite3_step(w);
  sqlite3_reset(w);
  if (rc != SQLITE_DONE) {
    store_fail(im->db, "writing answers", im->err, im->errlen);
    im->failed = true;
    return false;
  }
  return true;
}

/* Pass 2: the answers of new and changed responses, from the spool. */
static int write_answers(importer *im) {
  strbuf q = STRBUF_INIT;
  strbuf_puts(&q, "INSERT INTO answers (response_id, item_id, value, code) VALUES ");
  for (int i = 0; i < ANSWER_BATCH; i++)
    strbuf_puts(&q, i ? ", (?, ?, ?, ?)" : "(?, ?, ?, ?)");
  int rc = sqlite3_prepare_v2(im->db, strbuf_str(&q), -1, &im->batch, NULL);
  strbuf_free(&q);
  sqlite3_stmt *one = stmt(im, Q_ANSWER_ADD,
                           "INSERT INTO answers (response_id, item_id, value, code)"
                           " VALUES (?1, ?2, ?3, ?4)");
  if (rc != SQLITE_OK || !one) {
    store_fail(im->db, "writing answers", im->err, im->errlen);
    im->failed = true;
    return -1;
  }
  if (fflush(im->spool) != 0 || fseek(im->spool, 0, SEEK_SET) != 0) {
    snprintf(im->err, im->errlen, "reading a temporary file failed: %s", strerror(errno));
    im->failed = true;
    return -1;
  }
  struct pending {
    sqlite3_int64 rid;
    int item, opt;
  } pending[ANSWER_BATCH];
  size_t npending = 0, n;
  uint32_t last = 0;
  sqlite3_int64 last_rid = 0; /* 0: the submission writes nothing */
  while ((n = fread(im->spool_buf, sizeof *im->spool_buf, SPOOL_BUF, im->spool)) > 0) {
    for (size_t i = 0; i < n; i++) {
      const spool_rec *r = &im->spool_buf[i];
      if (r->sub != last) {
        sqlite3_stmt *a = rstmt(im, RQ_ACTION, "SELECT action, response_id FROM sub WHERE id = ?1");
        if (!a)
          return -1;
        sqlite3_bind_int64(a, 1, r->sub);
        last_rid = 0;
        if (sqlite3_step(a) == SQLITE_ROW) {
          int action = sqlite3_column_int(a, 0);
          if (action == ACT_ADD || action == ACT_UPDATE)
            last_rid = sqlite3_column_int64(a, 1);
        }
        sqlite3_reset(a);
        last = r->sub;
      }
      if (!last_rid)
        continue;
      bind_answer(im, im->batch, (int)npending, last_rid, r->item, r->opt);
      pending[npending++] = (struct pending){last_rid, r->item, r->opt};
      im->res->answers++;
      if (npending == ANSWER_BATCH) {
        if (!step_answers(im, im->batch))
          return -1;
        npending = 0;
      }
    }
    im->rows += n;
    progress_tick(im);
  }
  if (ferror(im->spool)) {
    snprintf(im->err, im->errlen, "reading a temporary file failed: %s", strerror(errno));
    im->failed = true;
    return -1;
  }
  for (size_t i = 0; i < npending; i++) {
    bind_answer(im, one, 0, pending[i].rid, pending[i].item, pending[i].opt);
    if (!step_answers(im, one))
      return -1;
  }
  return 0;
}

/* Pass 2, after the answers: the area scores of new and changed responses. */
static int write_scores(importer *im) {
  if (im->kind != K_SELF)
    return 0;
  sqlite3_stmt *q = rstmt(im, RQ_SCORES,
                          "SELECT response_id, role, s0, s1, s2, s3, c0, c1, c2, c3 FROM sub"
                          " WHERE action IN (1, 2) AND role >= 0 ORDER BY id");
  if (!q)
    return -1;
  score_writer *w = NULL;
  int step, rc = 0;
  while (rc == 0 && (step = sqlite3_step(q)) == SQLITE_ROW) {
    int role = sqlite3_column_int(q, 1);
    score_tally t;
    for (int a = 0; a < SCORE_NAREAS; a++) {
      t.sum[a] = sqlite3_column_double(q, 2 + a);
      t.answered[a] = sqlite3_column_int(q, 6 + a);
      t.total[a] = im->cat.total[role][a];
    }
    if (!w && score_writer_new(&w, im->s, &im->score, im->err, im->errlen) != 0)
      rc = -1;
    else if (score_writer_put(w, sqlite3_column_int64(q, 0), &t, im->err, im->errlen) != 0)
      rc = -1;
  }
  if (rc == 0 && step != SQLITE_DONE) {
    store_fail(im->tmp, "the temporary register", im->err, im->errlen);
    rc = -1;
  }
  sqlite3_reset(q);
  score_writer_free(w);
  if (rc != 0)
    im->failed = true;
  return rc;
}

/* The answers a dry run would write: those of new and changed responses. */
static void count_answers(importer *im) {
  sqlite3_stmt *q =
      rstmt(im, RQ_COUNT_ANSWERS, "SELECT total(nanswers) FROM sub WHERE action IN (1, 2)");
  if (q && sqlite3_step(q) == SQLITE_ROW)
    im->res->answers = (size_t)sqlite3_column_double(q, 0);
  if (q)
    sqlite3_reset(q);
}

/* ---------------------------------------------------------------------- */
/* The header. */

static const colspec *kind_spec(int kind) {
  switch (kind) {
  case K_ESTABLISHMENTS: return est_cols;
  case K_LEADERS: return leader_cols;
  case K_PROVIDERS: return provider_cols;
  case K_ENROLMENTS: return enrol_cols;
  case K_SELF: return self_cols;
  case K_LONGTERM: return lt_cols;
  default: return compass_cols;
  }
}

static int header_index(const importer *im, const char *name) {
  for (size_t i = 0; i < im->ncols; i++)
    if (strcmp(im->cols[i], name) == 0)
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
  if (im->kind == K_SELF || im->kind == K_LONGTERM)
    strbuf_puts(b, im->wide ? ", then item ids" : "");
  if (im->kind == K_COMPASS)
    strbuf_puts(b, ", then optionally criterion item ids");
}

/* Returns 0 when the header is usable, 1 when it has problems. */
static int read_header(importer *im) {
  char msg[512];
  int rc = csvin_next(im->r, msg, sizeof msg);
  strbuf exp = STRBUF_INIT;
  expected_columns(im, &exp);
  if (rc == 0) {
    problem(im, 1, 1, "the file is empty; expected a header row with the columns %s",
            strbuf_str(&exp));
    strbuf_free(&exp);
    return 1;
  }
  if (rc < 0) {
    csv_problem(im, msg);
    strbuf_free(&exp);
    return 1;
  }
  im->ncols = csvin_nfields(im->r);
  im->cols = xcalloc(im->ncols, sizeof *im->cols);
  for (size_t i = 0; i < im->ncols; i++) {
    const char *f = csvin_field(im->r, i);
    size_t len = csvin_field_len(im->r, i);
    while (len && (*f == ' ' || *f == '\t')) {
      f++;
      len--;
    }
    while (len && (f[len - 1] == ' ' || f[len - 1] == '\t'))
      len--;
    im->cols[i] = xstrndup(f, len);
  }
  int bad = 0;
  /* A file separated by something other than commas reads as one column. */
  if (im->ncols == 1) {
    const char *h = im->cols[0];
    char sep = strchr(h, ';') ? ';' : strchr(h, '\t') ? '\t' : strchr(h, '|') ? '|' : 0;
    if (sep) {
      problem(im, 1, 1,
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
  if (im->kind == K_SELF || im->kind == K_LONGTERM)
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
  im->row_items = xmalloc(im->ncols * sizeof *im->row_items);
  im->row_met = xmalloc(im->ncols * sizeof *im->row_met);
  size_t nitems = 0;
  for (size_t c = 0; c < im->ncols; c++) {
    im->itemcol[c] = -1;
    bool known = false;
    for (size_t i = 0; im->spec[i].name && !known; i++)
      known = im->col[i] == (int)c;
    if (known)
      continue;
    if (im->wide || im->kind == K_COMPASS)
      im->itemcol[c] = catalog_find(&im->cat, im->cols[c], strlen(im->cols[c]));
    if (im->itemcol[c] >= 0)
      nitems++;
  }
  if (found == 0 && nitems == 0) {
    char showbuf[64];
    problem(im, 1, 1,
            "the first line is not a header: none of the expected columns was found (expected "
            "%s; the first column is %s)",
            strbuf_str(&exp), SHOW(im->cols[0]));
    strbuf_free(&exp);
    return 1;
  }
  for (size_t i = 0; im->spec[i].name; i++) {
    bool req = im->spec[i].required && !(im->wide && (i == S_ITEM || i == S_VALUE));
    if (req && im->col[i] < 0) {
      problem(im, 1, (int)im->ncols + 1, "missing column \"%s\" (expected %s)", im->spec[i].name,
              strbuf_str(&exp));
      bad = 1;
    }
  }
  for (size_t c = 0; c < im->ncols; c++) {
    char showbuf[64];
    if (!*im->cols[c]) {
      problem(im, 1, (int)c + 1, "column %zu has no name", c + 1);
      bad = 1;
      continue;
    }
    for (size_t d = 0; d < c; d++)
      if (strcmp(im->cols[c], im->cols[d]) == 0) {
        problem(im, 1, (int)c + 1, "%s: this column appears twice (first as column %zu)",
                im->cols[c], d + 1);
        bad = 1;
      }
    bool known = false;
    for (size_t i = 0; im->spec[i].name && !known; i++)
      known = im->col[i] == (int)c;
    int k = im->itemcol[c];
    if (known)
      continue;
    if (k >= 0) {
      const citem *ci = &im->cat.items[k];
      bool fits = im->kind == K_COMPASS ? ci->ins == INS_COMPASS
                  : im->kind == K_SELF  ? ci->ins == INS_SELF || ci->ins == INS_REFLECTIVE
                                        : ci->ins == INS_LONGTERM;
      if (!fits) {
        problem(im, 1, (int)c + 1, "%s: an item of the %s instrument does not belong in a %s file",
                im->cols[c], ci->in->key, im->kind_name);
        bad = 1;
      }
      continue;
    }
    if (!im->opt->ignore_unknown) {
      if (im->wide)
        problem(im, 1, (int)c + 1,
                "unknown column %s: not an item id (see 'cleval instruments') nor one of %s; "
                "use --ignore-unknown to skip it",
                SHOW(im->cols[c]), strbuf_str(&exp));
      else
        problem(im, 1, (int)c + 1,
                "unknown column %s (expected %s); use --ignore-unknown to skip it",
                SHOW(im->cols[c]), strbuf_str(&exp));
      bad = 1;
    }
  }
  im->has_items = nitems > 0;
  strbuf_free(&exp);
  return bad;
}

/* ---------------------------------------------------------------------- */
/* The passes. */

static void check_row_shape(importer *im, bool *ok) {
  size_t n = csvin_nfields(im->r);
  *ok = true;
  if (n != im->ncols) {
    if (im->pass == 1) {
      if (n < im->ncols)
        problem(im, line_no(im), (int)n + 1,
                "%s: the row has %zu fields but the header has %zu (is a comma missing, or a "
                "quote not closed?)",
                im->cols[n], n, im->ncols);
      else
        problem(im, line_no(im), (int)im->ncols + 1,
                "the row has %zu fields but the header has %zu (is a value with a comma not "
                "quoted?)",
                n, im->ncols);
    }
    *ok = false;
    return;
  }
  for (size_t c = 0; c < n; c++)
    if (strlen(csvin_field(im->r, c)) != csvin_field_len(im->r, c)) {
      if (im->pass == 1)
        problem(im, line_no(im), (int)c + 1, "%s: the value contains a NUL byte", im->cols[c]);
      *ok = false;
    }
}

static void do_row(importer *im) {
  switch (im->kind) {
  case K_ESTABLISHMENTS: row_establishment(im); break;
  case K_LEADERS: row_leader(im); break;
  case K_PROVIDERS: row_provider(im); break;
  case K_ENROLMENTS: row_enrolment(im); break;
  case K_COMPASS: row_compass(im); break;
  default: row_survey(im); break;
  }
}

/* Reads every row of the open reader. Pass 1 counts rows and collects
 * problems; pass 2 writes. */
static int run_pass(importer *im) {
  char msg[512];
  int rc;
  im->have_last = false;
  strbuf_reset(&im->last_key);
  im->rows = 0;
  while ((rc = csvin_next(im->r, msg, sizeof msg)) != 0) {
    im->rows++;
    if (im->pass == 1)
      im->res->rows_read = im->rows;
    progress_tick(im);
    if (rc < 0) {
      if (im->pass == 1) {
        csv_problem(im, msg);
        continue;
      }
      snprintf(im->err, im->errlen, "%s", msg);
      return -1;
    }
    bool ok;
    check_row_shape(im, &ok);
    if (ok)
      do_row(im);
    if (im->failed)
      return -1;
  }
  return 0;
}

static int open_reader(importer *im, const char *path) {
  csvin_close(im->r);
  im->r = NULL;
  if (csvin_open(&im->r, path, im->err, im->errlen) != 0)
    return -1;
  im->name = csvin_name(im->r);
  return 0;
}

static int hash_file(const char *path, char hex[65], char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  unsigned char *buf = xmalloc(1 << 16);
  size_t n;
  while ((n = fread(buf, 1, 1 << 16, f)) > 0)
    crypto_hash_sha256_update(&st, buf, n);
  int bad = ferror(f);
  fclose(f);
  free(buf);
  if (bad) {
    snprintf(err, errlen, "%s: read error", path);
    return -1;
  }
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  sodium_bin2hex(hex, 65, out, sizeof out);
  return 0;
}

static const char *noun(int kind) {
  switch (kind) {
  case K_ESTABLISHMENTS: return "establishments";
  case K_LEADERS: return "leaders";
  case K_PROVIDERS: return "providers";
  case K_ENROLMENTS: return "enrolments";
  case K_COMPASS: return "Compass returns";
  default: return "responses";
  }
}

static void make_summary(importer *im, const char *path, bool invalid) {
  import_result *res = im->res;
  strbuf b = STRBUF_INIT;
  if (invalid) {
    strbuf_printf(&b, "%s: %zu problem%s in %zu rows; nothing was written\n", path,
                  res->problems_total, res->problems_total == 1 ? "" : "s", res->rows_read);
    im->res->summary = strbuf_detach(&b);
    return;
  }
  strbuf_printf(&b, "%s: %s%s, %zu rows", path, im->kind_name,
                im->kind == K_SELF || im->kind == K_LONGTERM
                    ? (im->wide ? " (wide: one response per row)" : " (long: one answer per row)")
                    : "",
                res->rows_read);
  if (res->dry_run)
    strbuf_printf(&b,
                  "; dry run, nothing written: %s: would add %zu, would update %zu, "
                  "%zu unchanged",
                  noun(im->kind), res->added, res->updated, res->unchanged);
  else
    strbuf_printf(&b, "; %s: %zu added, %zu updated, %zu unchanged", noun(im->kind), res->added,
                  res->updated, res->unchanged);
  if (im->kind == K_SELF || im->kind == K_LONGTERM)
    strbuf_printf(&b, " (%zu answers %s)", res->answers, res->dry_run ? "to write" : "written");
  strbuf_putc(&b, '\n');
  if (res->ndiscards) {
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
  csvin_close(im->r);
  for (size_t i = 0; i < im->ncols; i++)
    free(im->cols[i]);
  free(im->cols);
  free(im->itemcol);
  free(im->row_items);
  free(im->row_met);
  catalog_free(&im->cat);
  for (int i = 0; i < RQ_COUNT; i++)
    sqlite3_finalize(im->rq[i]);
  sqlite3_close(im->tmp);
  strbuf_free(&im->cur.name);
  strbuf_free(&im->cur.submitted_at);
  free(im->cur.bits);
  strbuf_free(&im->proto.name);
  strbuf_free(&im->proto.submitted_at);
  strbuf_free(&im->leader_key);
  strbuf_free(&im->keybuf);
  strbuf_free(&im->last_key);
  if (im->spool)
    fclose(im->spool);
  free(im->spool_buf);
  sqlite3_finalize(im->batch);
}

static int sql(sqlite3 *db, const char *text, char *err, size_t errlen) {
  if (sqlite3_exec(db, text, NULL, NULL, NULL) != SQLITE_OK)
    return store_fail(db, text, err, errlen);
  return 0;
}

int import_file(store *s, const char *kind, const char *path, const import_options *opt,
                import_result *res, char *err, size_t errlen) {
  memset(res, 0, sizeof *res);
  import_options defaults = {false, false, true, NULL};
  if (!opt)
    opt = &defaults;
  res->dry_run = opt->dry_run;
  int k = list_index(kind, import_kinds);
  if (k < 0) {
    strbuf b = STRBUF_INIT;
    list_join(&b, import_kinds);
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
  im.spec = kind_spec(k);
  im.name = path;
  im.progress = !opt->quiet && isatty(STDERR_FILENO);
  clock_gettime(CLOCK_MONOTONIC, &im.t0);
  for (int i = 0; i < MAXSPEC; i++)
    im.col[i] = -1;

  int rc = -1;
  bool outer = !sqlite3_get_autocommit(im.db), in_tx = false, fk_off = false;
  /* The duplicates rule. */
  char *rule = opt->duplicates ? xstrdup(opt->duplicates)
                               : store_setting(s, "import.duplicates", "latest_complete");
  im.rule = list_index(rule, import_duplicate_rules);
  if (im.rule < 0) {
    strbuf b = STRBUF_INIT;
    list_join(&b, import_duplicate_rules);
    snprintf(err, errlen, "the duplicates rule \"%s\" is not one of: %s", rule, strbuf_str(&b));
    strbuf_free(&b);
    free(rule);
    goto done;
  }
  free(rule);
  if (score_settings_load(s, &im.score, err, errlen) != 0)
    goto done;
  if (!opt->dry_run && hash_file(path, res->sha256, err, errlen) != 0)
    goto done;
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
  if (register_open(&im) != 0)
    goto done;
  im.cur.bits = xcalloc(im.cat.nwords + 1, sizeof *im.cur.bits);
  if (open_reader(&im, path) != 0)
    goto done;

  bool survey = k == K_SELF || k == K_LONGTERM;
  if (survey && !opt->dry_run) {
    im.spool = tmpfile();
    if (!im.spool) {
      snprintf(err, errlen, "cannot make a temporary file: %s", strerror(errno));
      goto done;
    }
    im.spool_buf = xmalloc(SPOOL_BUF * sizeof *im.spool_buf);
  }

  /* Pass 1: check. */
  im.pass = 1;
  if (read_header(&im) != 0) {
    rc = 1;
    goto done;
  }
  if (run_pass(&im) != 0)
    goto done;
  if (im.spool && im.spool_n &&
      fwrite(im.spool_buf, sizeof *im.spool_buf, im.spool_n, im.spool) != im.spool_n) {
    snprintf(err, errlen, "writing a temporary file failed: %s", strerror(errno));
    goto done;
  }
  if (res->problems_total == 0 && k == K_SELF && resolve_self(&im) != 0)
    goto done;
  if (res->problems_total == 0 && k == K_LONGTERM && resolve_longterm(&im) != 0)
    goto done;
  if (res->problems_total) {
    rc = 1;
    goto done;
  }
  if (opt->dry_run) {
    count_answers(&im);
    rc = 0;
    goto done;
  }

  /* Pass 2: write. Surveys from the spool, the rest from the file again. */
  im.pass = 2;
  im.rows = 0;
  if (survey) {
    if (write_responses(&im) != 0)
      goto done;
    if (write_answers(&im) != 0)
      goto done;
    if (write_scores(&im) != 0)
      goto done;
  } else {
    if (open_reader(&im, path) != 0 || csvin_next(im.r, err, errlen) != 1 || run_pass(&im) != 0)
      goto done;
    if (res->problems_total || im.rows != res->rows_read) {
      snprintf(err, errlen, "%s: the file changed while it was being imported", path);
      goto done;
    }
  }
  strbuf detail = STRBUF_INIT;
  strbuf_printf(&detail,
                "kind=%s file=%s sha256=%s rows=%zu added=%zu updated=%zu unchanged=%zu"
                " discarded=%zu",
                im.kind_name, path, res->sha256, res->rows_read, res->added, res->updated,
                res->unchanged, res->discarded);
  int arc = store_audit(s, store_actor(), "import", strbuf_str(&detail), err, errlen);
  strbuf_free(&detail);
  if (arc != 0)
    goto done;
  if (sql(im.db, outer ? "RELEASE import" : "COMMIT", err, errlen) != 0)
    goto done;
  in_tx = false;
  rc = 0;

done:
  progress_end(&im);
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
    make_summary(&im, path, rc == 1);
  importer_free(&im);
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

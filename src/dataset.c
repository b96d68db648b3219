/* The store read into plain arrays (see dataset.h): one prepared query per
 * table inside one read transaction, each column of each row fetched once
 * (and hashed as it is), SQL ids mapped to array indices by a direct table
 * (or binary search when the ids are sparse), everything read fed to a
 * BLAKE2b-256 as it goes: encoded into buffers that a second thread hashes
 * in order while the next are filled. */
#include "dataset.h"

#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "fund.h"
#include "score.h"
#include "vocab.h"
#include "xalloc.h"

static const char *const survey_names[] = {"self-assessment", "long-term"};
#define COUNT(a) (sizeof(a) / sizeof(a)[0])
#define VOCAB(set) vocab_names(set), vocab_count(set)

/* SQL id -> array index, sorted by id for bsearch. */
typedef struct idx_entry {
  sqlite3_int64 id;
  size_t idx;
} idx_entry;

typedef struct idmap {
  idx_entry *e;
  size_t n, cap;
  idx_entry last; /* the previous hit: rows of answers and benchmarks come in runs */
  int has_last;
  size_t *dense; /* index by id, when the ids are dense enough: 0 .. ndense - 1 */
  size_t ndense;
} idmap;

static void idmap_put(idmap *m, sqlite3_int64 id, size_t idx) {
  m->e = xgrow(m->e, &m->cap, m->n + 1, sizeof *m->e);
  m->e[m->n].id = id;
  m->e[m->n].idx = idx;
  m->n++;
}

static int cmp_entry(const void *a, const void *b) {
  sqlite3_int64 x = ((const idx_entry *)a)->id, y = ((const idx_entry *)b)->id;
  return (x > y) - (x < y);
}

/* Ready for lookups: a direct table when the largest id is at most four
 * times the count (SQLite's rowids usually run 1..n), else sorted for
 * bsearch. */
static void idmap_sort(idmap *m) {
  sqlite3_int64 max = -1;
  int small = 1;
  for (size_t i = 0; i < m->n; i++) {
    if (m->e[i].id < 0)
      small = 0;
    else if (m->e[i].id > max)
      max = m->e[i].id;
  }
  if (small && m->n && (unsigned long long)max <= 4ULL * m->n + 1024) {
    m->ndense = (size_t)max + 1;
    m->dense = xmalloc(m->ndense * sizeof *m->dense);
    for (size_t i = 0; i < m->ndense; i++)
      m->dense[i] = DS_NONE;
    for (size_t i = 0; i < m->n; i++)
      m->dense[m->e[i].id] = m->e[i].idx;
    return;
  }
  if (m->n > 1)
    qsort(m->e, m->n, sizeof *m->e, cmp_entry);
}

static void idmap_clear(idmap *m) {
  free(m->e);
  free(m->dense);
}

/* The index of id, or DS_NONE. */
static size_t idmap_get(idmap *m, sqlite3_int64 id) {
  if (m->dense)
    return id >= 0 && (unsigned long long)id < m->ndense ? m->dense[id] : DS_NONE;
  if (m->has_last && m->last.id == id)
    return m->last.idx;
  if (!m->n)
    return DS_NONE;
  idx_entry key = {id, 0};
  const idx_entry *hit = bsearch(&key, m->e, m->n, sizeof *m->e, cmp_entry);
  if (!hit)
    return DS_NONE;
  m->last = *hit;
  m->has_last = 1;
  return hit->idx;
}

/* A column of the current row as read (once) from SQLite. Text pointers
 * are SQLite's, valid until the next step. */
typedef struct colval {
  int type; /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB, SQLITE_NULL */
  sqlite3_int64 i;
  double d;
  const unsigned char *t;
  size_t n;
} colval;

#define MAXCOLS 12

/* The fingerprint's hashing: the loader encodes what it reads into one
 * buffer of a ring while a thread of its own hashes the full ones, in the
 * order they were filled (BLAKE2b is a fifth of the loading's time at
 * scale 100). Without the thread (it could not start) each buffer is
 * hashed when full, by the loader. */
#define HASH_NBUF 4
#define HASH_BUF (1 << 20) /* large: each hand-over wakes the thread, a system call */

typedef struct hasher {
  crypto_generichash_state state; /* the thread's, until it is joined */
  unsigned char *buf[HASH_NBUF];
  size_t len[HASH_NBUF];
  unsigned long head, tail; /* buffers handed over: tail .. head - 1; head % HASH_NBUF fills */
  int done;                 /* nothing more will be handed over */
  int running;              /* the thread was started and not joined */
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
} hasher;

static void *hasher_run(void *arg) {
  hasher *h = arg;
  pthread_mutex_lock(&h->mu);
  for (;;) {
    while (h->tail == h->head && !h->done)
      pthread_cond_wait(&h->cv, &h->mu);
    if (h->tail == h->head)
      break;
    size_t i = h->tail % HASH_NBUF;
    pthread_mutex_unlock(&h->mu);
    crypto_generichash_update(&h->state, h->buf[i], h->len[i]);
    pthread_mutex_lock(&h->mu);
    h->tail++;
    pthread_cond_broadcast(&h->cv);
  }
  pthread_mutex_unlock(&h->mu);
  return NULL;
}

static void hasher_start(hasher *h) {
  crypto_generichash_init(&h->state, NULL, 0, DS_DIGEST_BYTES);
  for (int i = 0; i < HASH_NBUF; i++)
    h->buf[i] = xmalloc(HASH_BUF);
  pthread_mutex_init(&h->mu, NULL);
  pthread_cond_init(&h->cv, NULL);
  h->running = pthread_create(&h->thread, NULL, hasher_run, h) == 0;
}

/* Hands the filling buffer (n bytes) over and waits for the next to be
 * free; returns it. */
static unsigned char *hasher_hand_over(hasher *h, size_t n) {
  size_t i = h->head % HASH_NBUF;
  if (!h->running) {
    crypto_generichash_update(&h->state, h->buf[i], n);
    return h->buf[i];
  }
  pthread_mutex_lock(&h->mu);
  h->len[i] = n;
  h->head++;
  pthread_cond_broadcast(&h->cv);
  while (h->head - h->tail >= HASH_NBUF)
    pthread_cond_wait(&h->cv, &h->mu);
  pthread_mutex_unlock(&h->mu);
  return h->buf[h->head % HASH_NBUF];
}

/* Hands n last bytes over, joins the thread: h->state then holds every
 * byte. Frees the buffers; a second call does nothing. */
static void hasher_stop(hasher *h, size_t n) {
  if (!h->buf[0])
    return;
  if (n)
    hasher_hand_over(h, n);
  if (h->running) {
    pthread_mutex_lock(&h->mu);
    h->done = 1;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->thread, NULL);
    h->running = 0;
  }
  pthread_cond_destroy(&h->cv);
  pthread_mutex_destroy(&h->mu);
  for (int i = 0; i < HASH_NBUF; i++) {
    free(h->buf[i]);
    h->buf[i] = NULL;
  }
}

/* The state of one load: the database, the hash, the current row, the id
 * maps. */
typedef struct loader {
  sqlite3 *db;
  hasher hash;
  unsigned char *buf; /* the buffer being filled (one of hash.buf) */
  size_t nbuf;
  colval row[MAXCOLS];
  int nhash; /* columns of a row hashed as read (the rest by the caller); -1: all */
  idmap hubs, establishments, leaders, providers, responses, items, returns;
  fund_entry *fund; /* the enrolments as the fund's ledger counts them */
  size_t nfund;
  uint32_t *code_slot; /* open addressing over ds->codes: 1 + index, 0 empty */
  size_t code_cap;     /* a power of two, over twice ds->ncodes */
  char *err;
  size_t errlen;
} loader;

static void hash_bytes(loader *ld, const void *p, size_t n) {
  const unsigned char *b = p;
  while (ld->nbuf + n > HASH_BUF) { /* fill the buffer up and hand it over */
    size_t k = HASH_BUF - ld->nbuf;
    memcpy(ld->buf + ld->nbuf, b, k);
    ld->buf = hasher_hand_over(&ld->hash, HASH_BUF);
    ld->nbuf = 0;
    b += k;
    n -= k;
  }
  memcpy(ld->buf + ld->nbuf, b, n);
  ld->nbuf += n;
}

/* v as a variable-length unsigned number (7 bits a byte, least significant
 * first, the top bit set on every byte but the last): the same bytes on any
 * machine, and self-delimiting. At most 10 bytes. */
static size_t put_varint(unsigned char *out, unsigned long long v) {
  size_t k = 0;
  while (v >= 0x80) {
    out[k++] = (unsigned char)(v | 0x80);
    v >>= 7;
  }
  out[k++] = (unsigned char)v;
  return k;
}

/* Reads columns from..n-1 of the current row into ld->row as numbers or
 * NULLs, without hashing them (the Compass percentages, hashed later in
 * the order of the table they had before schema version 9). */
static void read_unhashed(loader *ld, sqlite3_stmt *st, int from, int n) {
  for (int i = from; i < n; i++) {
    colval *c = &ld->row[i];
    c->type = sqlite3_column_type(st, i);
    c->t = NULL;
    c->n = 0;
    if (c->type == SQLITE_FLOAT)
      c->d = sqlite3_column_double(st, i);
    else if (c->type == SQLITE_INTEGER)
      c->i = sqlite3_column_int64(st, i);
  }
}

/* Reads every column of the current row into ld->row, hashing each in a
 * self-delimiting form: a type tag, then the value: an integer as its
 * zigzag varint, a real as its 64 bits (least significant byte first), text
 * or a blob as its length (varint) and bytes, NULL as the tag alone. The
 * encoding is prefix-free, so the hash of a table's rows determines every
 * value read ("ab", "c" and "a", "bc" differ). */
static void read_row(loader *ld, sqlite3_stmt *st) {
  int n = sqlite3_column_count(st); /* at most MAXCOLS: prepare checks */
  for (int i = 0; i < n; i++) {
    if (i == ld->nhash) { /* the rest is read, and hashed by the caller */
      read_unhashed(ld, st, i, n);
      break;
    }
    colval *c = &ld->row[i];
    unsigned char head[11];
    size_t hn = 1;
    c->type = sqlite3_column_type(st, i);
    c->t = NULL;
    c->n = 0;
    switch (c->type) {
    case SQLITE_NULL: head[0] = 'N'; break;
    case SQLITE_INTEGER: {
      c->i = sqlite3_column_int64(st, i);
      unsigned long long u = (unsigned long long)c->i;
      head[0] = 'I';
      hn += put_varint(head + 1, (u << 1) ^ (c->i < 0 ? ~0ULL : 0ULL));
      break;
    }
    case SQLITE_FLOAT: {
      c->d = sqlite3_column_double(st, i);
      unsigned long long bits;
      memcpy(&bits, &c->d, sizeof bits);
      head[0] = 'R';
      for (int k = 0; k < 8; k++)
        head[1 + k] = (unsigned char)(bits >> (8 * k));
      hn = 9;
      break;
    }
    default: /* text, or a blob taken as its bytes */
      c->t = c->type == SQLITE_TEXT ? sqlite3_column_text(st, i) : sqlite3_column_blob(st, i);
      c->n = (size_t)sqlite3_column_bytes(st, i);
      head[0] = c->type == SQLITE_TEXT ? 'T' : 'B';
      hn += put_varint(head + 1, c->n);
      break;
    }
    hash_bytes(ld, head, hn);
    if (c->n)
      hash_bytes(ld, c->t, c->n);
  }
}

/* The end of a query's rows, in the hash: a tag no value starts with and
 * the number of rows, so that rows cannot move from one table to the next. */
static void hash_end(loader *ld, size_t rows) {
  unsigned char b[11];
  b[0] = 'E';
  hash_bytes(ld, b, 1 + put_varint(b + 1, rows));
}

static int fail(loader *ld, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ld->err, ld->errlen, fmt, ap);
  va_end(ap);
  return -1;
}

static int prepare(loader *ld, const char *what, const char *sql, sqlite3_stmt **st) {
  if (sqlite3_prepare_v2(ld->db, sql, -1, st, NULL) != SQLITE_OK) {
    *st = NULL;
    return store_fail(ld->db, what, ld->err, ld->errlen);
  }
  if (sqlite3_column_count(*st) > MAXCOLS) { /* a query of this file grew: raise MAXCOLS */
    sqlite3_finalize(*st);
    *st = NULL;
    return fail(ld, "%s: more than %d columns", what, MAXCOLS);
  }
  return 0;
}

/* Steps st: 1 for a row (read into ld->row and hashed), 0 at the end
 * (the table's end hashed), -1 on an error (message set). *rows counts. */
static int step(loader *ld, const char *what, sqlite3_stmt *st, size_t *rows) {
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    read_row(ld, st);
    (*rows)++;
    return 1;
  }
  if (rc == SQLITE_DONE) {
    if (ld->nhash != 0) /* a query hashed by its caller ends there too */
      hash_end(ld, *rows);
    return 0;
  }
  return store_fail(ld->db, what, ld->err, ld->errlen);
}

/* The column readers take the values read_row fetched; a value of another
 * type than the one asked for is converted by SQLite, as before. */
static int is_null(const loader *ld, int i) { return ld->row[i].type == SQLITE_NULL; }

static sqlite3_int64 int_col(const loader *ld, sqlite3_stmt *st, int i) {
  const colval *c = &ld->row[i];
  if (c->type == SQLITE_INTEGER)
    return c->i;
  return c->type == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

static const char *col_text(loader *ld, sqlite3_stmt *st, int i) {
  colval *c = &ld->row[i];
  if (c->type == SQLITE_TEXT)
    return (const char *)c->t;
  if (c->type == SQLITE_NULL)
    return "";
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? (const char *)t : "";
}

static char *dup_col(loader *ld, sqlite3_stmt *st, int i) {
  const colval *c = &ld->row[i];
  if (c->type == SQLITE_TEXT) { /* its length is known */
    char *s = xmalloc(c->n + 1);
    memcpy(s, c->t, c->n);
    s[c->n] = '\0';
    return s;
  }
  return xstrdup(col_text(ld, st, i));
}

static char *dup_col_or_null(loader *ld, sqlite3_stmt *st, int i) {
  return is_null(ld, i) ? NULL : dup_col(ld, st, i);
}

/* The UTC date (YYYY-MM-DD) of a stored date or timestamp, "" when NULL.
 * A timestamp with an offset (+01:00) is moved to UTC first, so that its
 * date is compared with the windows' UTC dates as every other one is; one
 * in UTC or without a zone is its first 10 characters. */
static void date_col(char out[11], loader *ld, sqlite3_stmt *st, int i) {
  date_utc_day(col_text(ld, st, i), out);
}

static double real_col(const loader *ld, sqlite3_stmt *st, int i) {
  const colval *c = &ld->row[i];
  if (c->type == SQLITE_FLOAT)
    return c->d;
  if (c->type == SQLITE_INTEGER)
    return (double)c->i;
  return c->type == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* The index of column i's text in names, or -1 with a message (a NULL is
 * unexpected too). */
static int enum_col(loader *ld, sqlite3_stmt *st, int i, const char *const *names, size_t n,
                    const char *what) {
  const char *t = is_null(ld, i) ? NULL : col_text(ld, st, i);
  if (t)
    for (size_t k = 0; k < n; k++)
      if (strcmp(t, names[k]) == 0)
        return (int)k;
  if (t)
    fail(ld, "%s: unexpected value '%s'", what, t);
  else
    fail(ld, "%s: unexpected NULL", what);
  return -1;
}

/* The index of a foreign key's row, or DS_NONE with a message when it
 * refers to nothing. A NULL column gives DS_NONE without a message: *ok
 * tells the two apart. */
static size_t ref_col(loader *ld, sqlite3_stmt *st, int i, idmap *m, const char *what, int *ok) {
  *ok = 1;
  if (is_null(ld, i))
    return DS_NONE;
  sqlite3_int64 id = int_col(ld, st, i);
  size_t idx = idmap_get(m, id);
  if (idx == DS_NONE) {
    fail(ld, "%s: refers to a missing row (id %lld)", what, (long long)id);
    *ok = 0;
  }
  return idx;
}

/* As ref_col, for a reference that must name a row: NULL is corrupt data
 * too (a flipped byte can make it so), and gives *ok 0 with a message. */
static size_t need_col(loader *ld, sqlite3_stmt *st, int i, idmap *m, const char *what, int *ok) {
  size_t idx = ref_col(ld, st, i, m, what, ok);
  if (*ok && idx == DS_NONE) {
    fail(ld, "%s: NULL where a row must be named", what);
    *ok = 0;
  }
  return idx;
}

/* Strings packed into blocks of 1 MB: an allocation of its own would cost
 * each short string (a URN, a region) 32 bytes, 30 MB for the 317,700
 * establishments of scale 100. The few distinct regions are held once. */
#define STRINGS_BLOCK (1 << 20)
#define STRINGS_NREGIONS 64

typedef struct strings_block {
  struct strings_block *next;
  char data[];
} strings_block;

struct ds_strings {
  strings_block *blocks;
  char *at; /* the free space of the first block */
  size_t left;
  const char *regions[STRINGS_NREGIONS]; /* the distinct regions so far, the first 64 */
  size_t region_len[STRINGS_NREGIONS];
  size_t nregions;
};

static void strings_free(struct ds_strings *p) {
  if (!p)
    return;
  while (p->blocks) {
    strings_block *b = p->blocks;
    p->blocks = b->next;
    free(b);
  }
  free(p);
}

/* A copy of the n bytes at t, NUL-terminated, in p. */
static char *strings_put(struct ds_strings *p, const void *t, size_t n) {
  if (n + 1 > p->left) {
    size_t size = n + 1 > STRINGS_BLOCK ? n + 1 : STRINGS_BLOCK;
    strings_block *b = xmalloc(sizeof *b + size);
    b->next = p->blocks;
    p->blocks = b;
    p->at = b->data;
    p->left = size;
  }
  char *s = p->at;
  memcpy(s, t, n);
  s[n] = '\0';
  p->at += n + 1;
  p->left -= n + 1;
  return s;
}

/* Column i's text (as dup_col reads it) in ds->strings; with region, one
 * copy of each distinct text among the first STRINGS_NREGIONS. */
static char *strings_col(loader *ld, dataset *ds, sqlite3_stmt *st, int i, bool region) {
  const colval *c = &ld->row[i];
  const char *t;
  size_t n;
  if (c->type == SQLITE_TEXT) {
    t = (const char *)c->t;
    n = c->n;
  } else {
    t = col_text(ld, st, i);
    n = strlen(t);
  }
  struct ds_strings *p = ds->strings;
  if (region)
    for (size_t k = 0; k < p->nregions; k++)
      if (p->region_len[k] == n && memcmp(p->regions[k], t, n) == 0)
        return (char *)p->regions[k];
  char *s = strings_put(p, t, n);
  if (region && p->nregions < STRINGS_NREGIONS) {
    p->regions[p->nregions] = s;
    p->region_len[p->nregions++] = n;
  }
  return s;
}

static int load_hubs(loader *ld, dataset *ds) {
  sqlite3_stmt *st;
  if (prepare(ld, "hubs", "SELECT id, name FROM hubs ORDER BY name, id", &st) != 0)
    return -1;
  size_t cap = 0;
  int r;
  size_t rows = 0;
  while ((r = step(ld, "hubs", st, &rows)) == 1) {
    ds->hubs = xgrow(ds->hubs, &cap, ds->nhubs + 1, sizeof *ds->hubs);
    idmap_put(&ld->hubs, int_col(ld, st, 0), ds->nhubs);
    ds->hubs[ds->nhubs++] = dup_col(ld, st, 1);
  }
  sqlite3_finalize(st);
  idmap_sort(&ld->hubs);
  return r;
}

static int load_establishments(loader *ld, dataset *ds) {
  sqlite3_stmt *st;
  if (prepare(ld, "establishments",
              "SELECT id, urn, name, type, region, hub_id, hub_joined, fsm_pct"
              " FROM establishments ORDER BY urn, id",
              &st) != 0)
    return -1;
  size_t cap = 0;
  int r;
  size_t rows = 0;
  while ((r = step(ld, "establishments", st, &rows)) == 1) {
    ds->establishments =
        xgrow(ds->establishments, &cap, ds->nestablishments + 1, sizeof *ds->establishments);
    ds_establishment *e = &ds->establishments[ds->nestablishments];
    memset(e, 0, sizeof *e);
    ds->nestablishments++;
    idmap_put(&ld->establishments, int_col(ld, st, 0), ds->nestablishments - 1);
    e->urn = strings_col(ld, ds, st, 1, false);
    e->name = strings_col(ld, ds, st, 2, false);
    e->region = strings_col(ld, ds, st, 4, true);
    date_col(e->hub_joined, ld, st, 6);
    e->fsm_pct = real_col(ld, st, 7);
    int t = enum_col(ld, st, 3, VOCAB(VOCAB_TYPE), "establishments.type");
    int ok;
    e->hub = ref_col(ld, st, 5, &ld->hubs, "establishments.hub_id", &ok);
    if (t < 0 || !ok) {
      r = -1;
      break;
    }
    e->type = (ds_type)t;
  }
  sqlite3_finalize(st);
  idmap_sort(&ld->establishments);
  return r;
}

static int load_leaders(loader *ld, dataset *ds) {
  sqlite3_stmt *st;
  if (prepare(ld, "leaders",
              "SELECT id, leader_key, establishment_id, role, months_in_role, contact_consent"
              " FROM leaders ORDER BY leader_key, id",
              &st) != 0)
    return -1;
  size_t cap = 0;
  int r;
  size_t rows = 0;
  while ((r = step(ld, "leaders", st, &rows)) == 1) {
    ds->leaders = xgrow(ds->leaders, &cap, ds->nleaders + 1, sizeof *ds->leaders);
    ds_leader *l = &ds->leaders[ds->nleaders];
    memset(l, 0, sizeof *l);
    ds->nleaders++;
    idmap_put(&ld->leaders, int_col(ld, st, 0), ds->nleaders - 1);
    l->key = strings_col(ld, ds, st, 1, false);
    l->months_in_role = is_null(ld, 4) ? -1 : (int)int_col(ld, st, 4);
    l->contact_consent = int_col(ld, st, 5) != 0;
    l->match = DS_NO_RESPONSE;
    l->pre = l->post = DS_NONE;
    int ok;
    l->establishment = ref_col(ld, st, 2, &ld->establishments, "leaders.establishment_id", &ok);
    if (ok && l->establishment == DS_NONE) {
      fail(ld, "leaders.establishment_id: NULL for leader %s", l->key);
      ok = 0;
    }
    int role = ok ? enum_col(ld, st, 3, VOCAB(VOCAB_ROLE), "leaders.role") : -1;
    if (role < 0) {
      r = -1;
      break;
    }
    l->role = (ds_role)role;
  }
  sqlite3_finalize(st);
  idmap_sort(&ld->leaders);
  return r;
}

static int load_providers(loader *ld, dataset *ds) {
  sqlite3_stmt *st;
  if (prepare(ld, "providers",
              "SELECT id, provider_key, name, accreditation FROM providers"
              " ORDER BY provider_key, id",
              &st) != 0)
    return -1;
  size_t cap = 0;
  int r;
  size_t rows = 0;
  while ((r = step(ld, "providers", st, &rows)) == 1) {
    ds->providers = xgrow(ds->providers, &cap, ds->nproviders + 1, sizeof *ds->providers);
    ds_provider *p = &ds->providers[ds->nproviders++];
    idmap_put(&ld->providers, int_col(ld, st, 0), ds->nproviders - 1);
    p->key = dup_col(ld, st, 1);
    p->name = dup_col(ld, st, 2);
    p->accreditation = dup_col(ld, st, 3);
  }
  sqlite3_finalize(st);
  idmap_sort(&ld->providers);
  return r;
}

/* The enrolments, and each as the fund's ledger counts it (ld->fund: its
 * id, provider id, and whether its establishment was in a hub when it
 * started, by the dates read: the ledger reads no enrolment again). The
 * ids are read but not hashed: the fingerprint is the one before. */
static int load_enrolments(loader *ld, dataset *ds) {
  sqlite3_stmt *st;
  if (prepare(ld, "enrolments",
              "SELECT e.leader_id, e.provider_id, e.wave, e.start_date, e.completion_date,"
              " e.status, e.id FROM enrolments e JOIN leaders l ON l.id = e.leader_id"
              " ORDER BY l.leader_key, e.start_date, e.id",
              &st) != 0)
    return -1;
  size_t cap = 0, fcap = 0;
  int r;
  size_t rows = 0;
  ld->nhash = 6; /* e.id is not hashed */
  while ((r = step(ld, "enrolments", st, &rows)) == 1) {
    ds->enrolments = xgrow(ds->enrolments, &cap, ds->nenrolments + 1, sizeof *ds->enrolments);
    ds_enrolment *e = &ds->enrolments[ds->nenrolments++];
    memset(e, 0, sizeof *e);
    int ok1, ok2 = 1;
    e->leader = need_col(ld, st, 0, &ld->leaders, "enrolments.leader_id", &ok1);
    e->provider = ok1 ? ref_col(ld, st, 1, &ld->providers, "enrolments.provider_id", &ok2) : 0;
    if (!ok1 || !ok2) {
      r = -1;
      break;
    }
    if (e->provider == DS_NONE) {
      r = fail(ld, "enrolments.provider_id: NULL");
      break;
    }
    e->wave = (int)int_col(ld, st, 2);
    date_col(e->start_date, ld, st, 3);
    date_col(e->completion_date, ld, st, 4);
    int status = enum_col(ld, st, 5, VOCAB(VOCAB_STATUS), "enrolments.status");
    if (status < 0) {
      r = -1;
      break;
    }
    e->status = (ds_status)status;
    const ds_establishment *x = &ds->establishments[ds->leaders[e->leader].establishment];
    ld->fund = xgrow(ld->fund, &fcap, ld->nfund + 1, sizeof *ld->fund);
    fund_entry *f = &ld->fund[ld->nfund++];
    f->id = int_col(ld, st, 6);
    f->provider_id = int_col(ld, st, 1);
    f->wave = e->wave;
    f->status = status == DS_WITHDRAWN   ? FUND_WITHDRAWN
                : status == DS_COMPLETED ? FUND_COMPLETED
                                         : FUND_ENROLLED;
    f->hub = fund_hub_on_start(1, x->hub != DS_NONE, x->hub_joined, e->start_date);
  }
  ld->nhash = -1;
  sqlite3_finalize(st);
  return r;
}

static int load_items(loader *ld, dataset *ds) {
  sqlite3_stmt *st;
  if (prepare(ld, "items",
              "SELECT i.id, i.item_key, n.key, i.position, i.role, i.area, i.topic,"
              " i.benchmark, i.text FROM items i JOIN instruments n ON n.id = i.instrument_id"
              " ORDER BY n.key, i.position, i.id",
              &st) != 0)
    return -1;
  size_t cap = 0;
  int r;
  size_t rows = 0;
  while ((r = step(ld, "items", st, &rows)) == 1) {
    ds->items = xgrow(ds->items, &cap, ds->nitems + 1, sizeof *ds->items);
    ds_item *it = &ds->items[ds->nitems++];
    idmap_put(&ld->items, int_col(ld, st, 0), ds->nitems - 1);
    it->key = dup_col(ld, st, 1);
    it->instrument = dup_col(ld, st, 2);
    it->position = (int)int_col(ld, st, 3);
    it->role = dup_col_or_null(ld, st, 4);
    it->topic = dup_col_or_null(ld, st, 6);
    it->benchmark = (int)int_col(ld, st, 7); /* NULL reads as 0 */
    it->text = dup_col(ld, st, 8);
    it->area = -1;
    if (!is_null(ld, 5)) {
      it->area = vocab_index(VOCAB_AREA, col_text(ld, st, 5));
      if (it->area < 0) {
        r = fail(ld, "items.area: unexpected value '%s' (item %s)", col_text(ld, st, 5), it->key);
        break;
      }
    }
  }
  sqlite3_finalize(st);
  idmap_sort(&ld->items);
  return r;
}

static int load_responses(loader *ld, dataset *ds) {
  sqlite3_stmt *st;
  if (prepare(ld, "responses",
              "SELECT id, survey, stage, leader_id, role, submitted_at FROM responses"
              " ORDER BY CASE survey WHEN 'self-assessment' THEN 0 ELSE 1 END,"
              " CASE stage WHEN 'pre' THEN 0 WHEN 'post' THEN 1 ELSE 2 END,"
              " submitted_at, id",
              &st) != 0)
    return -1;
  size_t cap = 0;
  int r;
  size_t rows = 0;
  while ((r = step(ld, "responses", st, &rows)) == 1) {
    ds->responses = xgrow(ds->responses, &cap, ds->nresponses + 1, sizeof *ds->responses);
    ds_response *p = &ds->responses[ds->nresponses++];
    memset(p, 0, sizeof *p);
    idmap_put(&ld->responses, int_col(ld, st, 0), ds->nresponses - 1);
    for (int a = 0; a < DS_NAREAS; a++)
      p->score[a] = NAN;
    date_col(p->submitted, ld, st, 5);
    int survey = enum_col(ld, st, 1, survey_names, COUNT(survey_names), "responses.survey");
    int stage = survey < 0 ? -1 : enum_col(ld, st, 2, VOCAB(VOCAB_STAGE), "responses.stage");
    int ok = 0;
    if (stage >= 0)
      p->leader = ref_col(ld, st, 3, &ld->leaders, "responses.leader_id", &ok);
    p->role = -1;
    if (ok && !is_null(ld, 4))
      p->role = enum_col(ld, st, 4, VOCAB(VOCAB_ROLE), "responses.role");
    if (!ok || (p->role < 0 && !is_null(ld, 4))) {
      r = -1;
      break;
    }
    p->survey = (ds_survey)survey;
    p->stage = (ds_stage)stage;
  }
  sqlite3_finalize(st);
  idmap_sort(&ld->responses);
  return r;
}

static int load_area_scores(loader *ld, dataset *ds) {
  sqlite3_stmt *st;
  if (prepare(ld, "area_scores",
              "SELECT response_id, area, score FROM area_scores ORDER BY response_id, area",
              &st) != 0)
    return -1;
  int r;
  size_t rows = 0;
  while ((r = step(ld, "area_scores", st, &rows)) == 1) {
    int ok;
    size_t resp = need_col(ld, st, 0, &ld->responses, "area_scores.response_id", &ok);
    if (!ok) {
      r = -1;
      break;
    }
    int area = vocab_index(VOCAB_AREA, col_text(ld, st, 1));
    if (area < 0) {
      r = fail(ld, "area_scores.area: unexpected value '%s'", col_text(ld, st, 1));
      break;
    }
    ds->responses[resp].score[area] = real_col(ld, st, 2);
  }
  sqlite3_finalize(st);
  return r;
}

static uint64_t code_hash(const unsigned char *p, size_t n) {
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 1099511628211ULL;
  return h;
}

static void add_code(dataset *ds, const unsigned char *p, size_t n) {
  char *c = xmalloc(n + 1);
  memcpy(c, p, n);
  c[n] = '\0';
  ds->codes = xrealloc(ds->codes, (ds->ncodes + 1) * sizeof *ds->codes);
  ds->codes[ds->ncodes++] = c;
}

/* The code field for an answer's code p (n bytes), interned in ds->codes
 * through the loader's hash table: one copy of each code, however many
 * answers carry it. */
static uint32_t intern_code(loader *ld, dataset *ds, const unsigned char *p, size_t n) {
  if (2 * (ds->ncodes + 1) > ld->code_cap) { /* grow and rehash */
    size_t cap = ld->code_cap ? 2 * ld->code_cap : 64;
    uint32_t *slot = xcalloc(cap, sizeof *slot);
    for (size_t i = 0; i < ds->ncodes; i++) {
      size_t k = code_hash((const unsigned char *)ds->codes[i], strlen(ds->codes[i])) & (cap - 1);
      while (slot[k])
        k = (k + 1) & (cap - 1);
      slot[k] = (uint32_t)(i + 1);
    }
    free(ld->code_slot);
    ld->code_slot = slot;
    ld->code_cap = cap;
  }
  size_t k = code_hash(p, n) & (ld->code_cap - 1);
  for (; ld->code_slot[k]; k = (k + 1) & (ld->code_cap - 1)) {
    const char *c = ds->codes[ld->code_slot[k] - 1];
    if (strlen(c) == n && memcmp(c, p, n) == 0)
      return ld->code_slot[k];
  }
  add_code(ds, p, n);
  ld->code_slot[k] = (uint32_t)ds->ncodes;
  return (uint32_t)ds->ncodes;
}

static int cmp_answer(const void *a, const void *b) {
  size_t x = ((const ds_answer *)a)->item, y = ((const ds_answer *)b)->item;
  return (x > y) - (x < y);
}

/* One query over every answer, in response id order, into one array
 * (ds->answer_block) that each response's answers are a run of: nothing
 * copied, nothing held twice. A run is sorted by item index when the item
 * ids' order differs. */
static int load_answers(loader *ld, dataset *ds) {
  sqlite3_stmt *st;
  if (prepare(ld, "answers",
              "SELECT response_id, item_id, value, code FROM answers"
              " ORDER BY response_id, item_id",
              &st) != 0)
    return -1;
  ds_answer *flat = NULL;
  size_t n = 0, cap = 0;
  size_t *start = xmalloc((ds->nresponses + 1) * sizeof *start); /* each run's first answer */
  int r;
  size_t rows = 0;
  while ((r = step(ld, "answers", st, &rows)) == 1) {
    int ok1, ok2 = 0;
    size_t resp = need_col(ld, st, 0, &ld->responses, "answers.response_id", &ok1);
    size_t item = ok1 ? need_col(ld, st, 1, &ld->items, "answers.item_id", &ok2) : DS_NONE;
    if (!ok1 || !ok2) {
      r = -1;
      break;
    }
    ds_response *p = &ds->responses[resp];
    if (p->nanswers && start[resp] + p->nanswers != n) {
      r = fail(ld, "answers: the answers of a response do not come together");
      break;
    }
    flat = xgrow(flat, &cap, n + 1, sizeof *flat);
    flat[n].item = (uint32_t)item;
    flat[n].value = real_col(ld, st, 2);
    flat[n].code = 0;
    if (!is_null(ld, 3)) {
      const char *t = col_text(ld, st, 3); /* text as stored, or a number as text */
      flat[n].code = intern_code(ld, ds, (const unsigned char *)t, strlen(t));
    }
    if (p->nanswers++ == 0)
      start[resp] = n;
    n++;
  }
  sqlite3_finalize(st);
  if (r == 0) {
    if (n && n < cap)
      flat = xrealloc(flat, n * sizeof *flat);
    ds->answer_block = flat;
    for (size_t i = 0; i < ds->nresponses; i++) {
      ds_response *p = &ds->responses[i];
      if (!p->nanswers)
        continue;
      p->answers = flat + start[i];
      for (size_t k = 1; k < p->nanswers; k++)
        if (p->answers[k - 1].item > p->answers[k].item) {
          qsort(p->answers, p->nanswers, sizeof *p->answers, cmp_answer);
          break;
        }
    }
  } else {
    for (size_t i = 0; i < ds->nresponses; i++)
      ds->responses[i].nanswers = 0;
    free(flat);
  }
  free(start);
  return r;
}

/* One benchmark row of the fingerprint, as the query of compass_benchmarks
 * (return_id, benchmark, pct) hashed it before schema version 9: read_row's
 * encoding of an integer, an integer and a real. */
static void hash_benchmark(loader *ld, sqlite3_int64 id, int b, double pct) {
  if (HASH_BUF - ld->nbuf < 32) { /* the row is written straight into the buffer */
    ld->buf = hasher_hand_over(&ld->hash, ld->nbuf);
    ld->nbuf = 0;
  }
  unsigned char *row = ld->buf + ld->nbuf;
  size_t k = 0;
  unsigned long long u = (unsigned long long)id, bits;
  row[k++] = 'I';
  k += put_varint(row + k, (u << 1) ^ (id < 0 ? ~0ULL : 0ULL));
  row[k++] = 'I';
  row[k++] = (unsigned char)(2 * b); /* zigzag of 1..8 */
  row[k++] = 'R';
  memcpy(&bits, &pct, sizeof bits);
  for (int j = 0; j < 8; j++)
    row[k++] = (unsigned char)(bits >> (8 * j));
  ld->nbuf += k;
}

/* The Compass returns, each with its eight percentages (compass_returns'
 * bm1-bm8, NULL: not recorded), in two queries: the returns in (URN, date)
 * order from the (establishment_id, submitted_at) index alone, then the
 * percentages in id order, a scan of the table (not a lookup per return).
 * The fingerprint is the one the same data had when the percentages were
 * rows of their own table: the first query's rows, then every recorded
 * percentage in (return id, benchmark) order, so that a migrated database
 * keeps its fingerprint. */
static int load_returns(loader *ld, dataset *ds) {
  sqlite3_stmt *st;
  if (prepare(ld, "compass_returns",
              "SELECT r.id, r.establishment_id, r.submitted_at FROM compass_returns r"
              " JOIN establishments e ON e.id = r.establishment_id"
              " ORDER BY e.urn, r.submitted_at, r.id",
              &st) != 0)
    return -1;
  size_t cap = 0;
  int r;
  size_t rows = 0;
  while ((r = step(ld, "compass_returns", st, &rows)) == 1) {
    ds->returns = xgrow(ds->returns, &cap, ds->nreturns + 1, sizeof *ds->returns);
    ds_return *c = &ds->returns[ds->nreturns++];
    idmap_put(&ld->returns, int_col(ld, st, 0), ds->nreturns - 1);
    date_col(c->submitted, ld, st, 2);
    for (int b = 0; b < DS_NBENCHMARKS; b++)
      c->pct10[b] = DS_PCT_NONE;
    int ok;
    size_t est = need_col(ld, st, 1, &ld->establishments, "compass_returns.establishment_id", &ok);
    if (!ok) {
      r = -1;
      break;
    }
    c->establishment = (uint32_t)est;
  }
  sqlite3_finalize(st);
  idmap_sort(&ld->returns);
  if (r != 0)
    return r;
  if (prepare(ld, "compass_returns",
              "SELECT id, bm1, bm2, bm3, bm4, bm5, bm6, bm7, bm8 FROM compass_returns ORDER BY id",
              &st) != 0)
    return -1;
  ld->nhash = 0; /* hashed here, as compass_benchmarks' rows */
  size_t nbm = 0;
  rows = 0;
  while ((r = step(ld, "compass_returns", st, &rows)) == 1) {
    sqlite3_int64 id = int_col(ld, st, 0);
    size_t idx = idmap_get(&ld->returns, id);
    if (idx == DS_NONE) {
      r = fail(ld, "compass_returns: return %lld was not read with its establishment",
               (long long)id);
      break;
    }
    for (int b = 0; b < DS_NBENCHMARKS && r == 1; b++) {
      const colval *v = &ld->row[1 + b];
      if (v->type == SQLITE_FLOAT) {
        dataset_return_set_pct(ds, idx, b, v->d);
        hash_benchmark(ld, id, b + 1, v->d);
        nbm++;
      } else if (v->type != SQLITE_NULL) { /* REAL affinity and the check allow no other */
        r = fail(ld, "compass_returns.bm%d: unexpected value", b + 1);
      }
    }
    if (r != 1)
      break;
  }
  ld->nhash = -1;
  sqlite3_finalize(st);
  if (r != 0)
    return r;
  hash_end(ld, nbm);
  if (rows != ds->nreturns)
    return fail(ld, "compass_returns: %zu returns, of which %zu with their establishment", rows,
                ds->nreturns);
  /* Nothing refers to a return by its id after this. */
  idmap_clear(&ld->returns);
  memset(&ld->returns, 0, sizeof ld->returns);
  return 0;
}

/* The fund's ledger (fund.c) from the enrolments read, its counts added
 * to the fingerprint. Its waves' hub places compare the dataset's dates
 * (a date with a UTC offset moved to UTC, as everywhere in the report);
 * `cleval fund` compares the stored text's first ten characters: the
 * same for every date an import or form writes (a plain YYYY-MM-DD). */
static int load_fund(loader *ld, dataset *ds) {
  if (fund_ledger_tally(ld->db, ld->fund, ld->nfund, 0, &ds->fund, ld->err, ld->errlen) != 0)
    return -1;
  const fund_ledger *l = ds->fund;
  for (size_t i = 0; i < l->nwaves; i++) {
    const fund_wave *w = &l->waves[i];
    long long v[] = {w->wave,          w->in_fund,        w->places,    w->allocated,
                     w->taken,         w->completed,      w->withdrawn, w->hub_taken,
                     w->claimed_pence, w->approved_pence, w->paid_pence};
    hash_bytes(ld, v, sizeof v);
    hash_bytes(ld, &w->hub_target, sizeof w->hub_target);
  }
  for (size_t i = 0; i < l->nproviders; i++) {
    const fund_provider *p = &l->providers[i];
    long long v[] = {p->wave, p->allocated, p->taken, p->completed, p->withdrawn};
    hash_bytes(ld, v, sizeof v);
    hash_bytes(ld, p->provider_key, strlen(p->provider_key) + 1);
  }
  hash_end(ld, l->nwaves + l->nproviders);
  return 0;
}

static int load_settings(loader *ld, dataset *ds) {
  sqlite3_stmt *st;
  if (prepare(ld, "settings", "SELECT value FROM settings WHERE key = ?1", &st) != 0)
    return -1;
  const char *keys[] = {"score.method", "score.min_answered"};
  char *values[2] = {NULL, NULL};
  int r = 0;
  for (int k = 0; k < 2 && r == 0; k++) {
    size_t rows = 0;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, keys[k], -1, SQLITE_STATIC);
    r = step(ld, "settings", st, &rows);
    if (r == 1) {
      values[k] = dup_col(ld, st, 0);
      r = 0;
    }
  }
  sqlite3_finalize(st);
  ds->score_method = values[0] ? values[0] : xstrdup("percent");
  ds->score_min_answered = 0.5;
  if (r == 0 && values[1]) {
    char *end;
    double v = strtod(values[1], &end);
    if (end == values[1] || *end || !(v >= 0 && v <= 1))
      r = fail(ld, "settings: score.min_answered is not a share between 0 and 1: '%s'", values[1]);
    else
      ds->score_min_answered = v;
  }
  free(values[1]);
  return r;
}

/* Each leader's pre/post match, from score_match_list. */
static int load_matches(loader *ld, store *s, dataset *ds) {
  score_match *m;
  size_t n;
  if (score_match_list(s, &m, &n, ld->err, ld->errlen) != 0)
    return -1;
  int r = 0;
  for (size_t i = 0; i < n && r == 0; i++) {
    size_t l = idmap_get(&ld->leaders, m[i].leader_id);
    size_t pre = m[i].pre_id ? idmap_get(&ld->responses, m[i].pre_id) : DS_NONE;
    size_t post = m[i].post_id ? idmap_get(&ld->responses, m[i].post_id) : DS_NONE;
    if (l == DS_NONE || (m[i].pre_id && pre == DS_NONE) || (m[i].post_id && post == DS_NONE)) {
      r = fail(ld, "matching: leader %s refers to a row not read", m[i].leader_key);
      break;
    }
    ds->leaders[l].match = (ds_match)m[i].status;
    ds->leaders[l].pre = pre;
    ds->leaders[l].post = post;
  }
  score_match_free(m, n);
  return r;
}

int dataset_load(store *s, dataset **out, char *err, size_t errlen) {
  *out = NULL;
  if (sodium_init() < 0) {
    snprintf(err, errlen, "libsodium could not be initialised");
    return -1;
  }
  loader *ld = xcalloc(1, sizeof *ld);
  ld->db = store_db(s);
  ld->err = err;
  ld->errlen = errlen;
  ld->nhash = -1;
  hasher_start(&ld->hash);
  ld->buf = ld->hash.buf[0];
  dataset *ds = xcalloc(1, sizeof *ds);
  ds->strings = xcalloc(1, sizeof *ds->strings);
  int own_txn = sqlite3_get_autocommit(ld->db);
  int rc = -1;
  if (own_txn && sqlite3_exec(ld->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
    store_fail(ld->db, "begin", err, errlen);
    own_txn = 0;
    goto cleanup;
  }
  if (load_hubs(ld, ds) != 0 || load_establishments(ld, ds) != 0 || load_leaders(ld, ds) != 0 ||
      load_providers(ld, ds) != 0 || load_enrolments(ld, ds) != 0 || load_items(ld, ds) != 0 ||
      load_responses(ld, ds) != 0 || load_area_scores(ld, ds) != 0 || load_answers(ld, ds) != 0 ||
      load_returns(ld, ds) != 0 || load_settings(ld, ds) != 0 || load_matches(ld, s, ds) != 0 ||
      load_fund(ld, ds) != 0)
    goto cleanup;
  if (own_txn) {
    own_txn = 0;
    if (sqlite3_exec(ld->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
      store_fail(ld->db, "commit", err, errlen);
      goto cleanup;
    }
  }
  hasher_stop(&ld->hash, ld->nbuf);
  unsigned char digest[DS_DIGEST_BYTES];
  crypto_generichash_final(&ld->hash.state, digest, sizeof digest);
  sodium_bin2hex(ds->digest, sizeof ds->digest, digest, sizeof digest);
  *out = ds;
  ds = NULL;
  rc = 0;
cleanup:
  if (own_txn)
    sqlite3_exec(ld->db, "ROLLBACK", NULL, NULL, NULL);
  hasher_stop(&ld->hash, 0);
  dataset_free(ds);
  idmap_clear(&ld->hubs);
  idmap_clear(&ld->establishments);
  idmap_clear(&ld->leaders);
  idmap_clear(&ld->providers);
  idmap_clear(&ld->responses);
  idmap_clear(&ld->items);
  idmap_clear(&ld->returns);
  free(ld->fund);
  free(ld->code_slot);
  free(ld);
  return rc;
}

void dataset_free(dataset *ds) {
  if (!ds)
    return;
  fund_ledger_free(ds->fund);
  for (size_t i = 0; i < ds->nhubs; i++)
    free(ds->hubs[i]);
  free(ds->hubs);
  for (size_t i = 0; i < ds->nestablishments && !ds->strings; i++) {
    free(ds->establishments[i].urn);
    free(ds->establishments[i].name);
    free(ds->establishments[i].region);
  }
  free(ds->establishments);
  for (size_t i = 0; i < ds->nleaders && !ds->strings; i++)
    free(ds->leaders[i].key);
  free(ds->leaders);
  strings_free(ds->strings);
  for (size_t i = 0; i < ds->nproviders; i++) {
    free(ds->providers[i].key);
    free(ds->providers[i].name);
    free(ds->providers[i].accreditation);
  }
  free(ds->providers);
  free(ds->enrolments);
  for (size_t i = 0; i < ds->nresponses && !ds->answer_block; i++)
    free(ds->responses[i].answers);
  free(ds->answer_block);
  for (size_t i = 0; i < ds->ncodes; i++)
    free(ds->codes[i]);
  free(ds->codes);
  free(ds->return_pct);
  free(ds->responses);
  for (size_t i = 0; i < ds->nitems; i++) {
    free(ds->items[i].key);
    free(ds->items[i].instrument);
    free(ds->items[i].role);
    free(ds->items[i].topic);
    free(ds->items[i].text);
  }
  free(ds->items);
  free(ds->returns);
  free(ds->score_method);
  free(ds);
}

size_t dataset_item(const dataset *ds, const char *key) {
  for (size_t i = 0; i < ds->nitems; i++)
    if (strcmp(ds->items[i].key, key) == 0)
      return i;
  return DS_NONE;
}

const ds_answer *dataset_answer(const dataset *ds, size_t r, size_t item) {
  if (r >= ds->nresponses || item == DS_NONE)
    return NULL;
  const ds_response *p = &ds->responses[r];
  size_t lo = 0, hi = p->nanswers;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (p->answers[mid].item < item)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < p->nanswers && p->answers[lo].item == item ? &p->answers[lo] : NULL;
}

const char *dataset_answer_code(const dataset *ds, const ds_answer *a) {
  return a->code ? ds->codes[a->code - 1] : NULL;
}

/* k / 10 for k = 0 .. 1000, each as the division gives it (a constant
 * expression, evaluated as at run time): no division per value read. */
#define TENTH(k) (k) / 10.0
#define TENTHS1(k)                                                                                 \
  TENTH(k), TENTH(k + 1), TENTH(k + 2), TENTH(k + 3), TENTH(k + 4), TENTH(k + 5), TENTH(k + 6),    \
      TENTH(k + 7), TENTH(k + 8), TENTH(k + 9)
#define TENTHS10(k)                                                                                \
  TENTHS1(k), TENTHS1(k + 10), TENTHS1(k + 20), TENTHS1(k + 30), TENTHS1(k + 40), TENTHS1(k + 50), \
      TENTHS1(k + 60), TENTHS1(k + 70), TENTHS1(k + 80), TENTHS1(k + 90)
#define TENTHS100(k)                                                                               \
  TENTHS10(k), TENTHS10(k + 100), TENTHS10(k + 200), TENTHS10(k + 300), TENTHS10(k + 400),         \
      TENTHS10(k + 500), TENTHS10(k + 600), TENTHS10(k + 700), TENTHS10(k + 800),                  \
      TENTHS10(k + 900)
static const double tenths[1001] = {TENTHS100(0), TENTH(1000)};

/* pct as tenths, when a whole number of them gives back its very bits. */
static uint16_t pct_tenths(double pct) {
  if (isnan(pct))
    return DS_PCT_NONE;
  if (!(pct >= 0 && pct <= 100))
    return DS_PCT_EXACT;
  int t = (int)(pct * 10 + 0.5); /* floor: the value is positive */
  return memcmp(&tenths[t], &pct, sizeof pct) == 0 ? (uint16_t)t : DS_PCT_EXACT;
}

double dataset_return_pct(const dataset *ds, size_t r, int b) {
  if (r < ds->nreturn_pct)
    return ds->return_pct[r * DS_NBENCHMARKS + (size_t)b];
  uint16_t t = ds->returns[r].pct10[b];
  return t == DS_PCT_NONE ? NAN : tenths[t]; /* DS_PCT_EXACT is only below nreturn_pct */
}

void dataset_return_set_pct(dataset *ds, size_t r, int b, double pct) {
  uint16_t t = pct_tenths(pct);
  if (t == DS_PCT_EXACT && r >= ds->nreturn_pct) { /* every return so far as doubles */
    size_t n = ds->nreturns;
    ds->return_pct = xrealloc(ds->return_pct, n * DS_NBENCHMARKS * sizeof *ds->return_pct);
    for (size_t i = ds->nreturn_pct; i < n; i++)
      for (int k = 0; k < DS_NBENCHMARKS; k++) {
        uint16_t v = ds->returns[i].pct10[k];
        ds->return_pct[i * DS_NBENCHMARKS + (size_t)k] = v == DS_PCT_NONE ? NAN : v / 10.0;
      }
    ds->nreturn_pct = n;
  }
  ds->returns[r].pct10[b] = t;
  if (r < ds->nreturn_pct)
    ds->return_pct[r * DS_NBENCHMARKS + (size_t)b] = pct;
}

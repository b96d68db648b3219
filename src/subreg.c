/* The survey register (see subreg.h): two tables in a private temporary
 * SQLite database, seen (keys) and sub (submissions), held in one open
 * transaction for the register's whole life. The keys seen are first kept
 * in memory (a hash table over an arena of records) up to a budget; the
 * keys seen after that go to the seen table. */
#include "subreg.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

enum {
  RQ_SEEN_ADD,
  RQ_SEEN_GET,
  RQ_SAVE,
  RQ_FIND,
  RQ_ADD,
  RQ_DECIDE,
  RQ_ACTION,
  RQ_ANSWERS,
  RQ_WALK,
  RQ_COUNT
};

/* The keys seen kept in memory by default: about 300,000 keys of 60 bytes. */
#define SEEN_MEMORY ((size_t)32 << 20)

/* A key seen, in memory: its hash and where its record is in the arena
 * (offset + 1; 0: the slot is empty). A record is the line (int64_t), the
 * key's length (uint32_t) and its bytes. */
typedef struct seen_slot {
  uint64_t hash;
  size_t ref;
} seen_slot;

struct subreg {
  sqlite3 *db;
  sqlite3_stmt *q[RQ_COUNT];
  size_t nwords; /* of a submission's bitset */
  size_t nsubs;
  seen_slot *seen;   /* cap a power of two, or 0 */
  size_t seen_cap, seen_n;
  unsigned char *arena;
  size_t arena_len, arena_cap;
  size_t seen_budget; /* bytes of table and arena at most */
  bool seen_full;     /* keys from now on go to the seen table */
};

/* The columns subreg_next and subreg_find read, in this order. */
#define SUB_COLUMNS                                                                                \
  "id, name, leader_id, stage, role, submitted_at, at, line, nanswers, nknow, fp, s0, s1, s2,"     \
  " s3, c0, c1, c2, c3, action, response_id, bits"

static int fail(subreg *r, char *err, size_t errlen) {
  snprintf(err, errlen, "the temporary register: %s", sqlite3_errmsg(r->db));
  return -1;
}

/* Statement slot id, prepared from sql the first time, reset and cleared. */
static sqlite3_stmt *prep(subreg *r, int id, const char *sql, char *err, size_t errlen) {
  if (!r->q[id] && sqlite3_prepare_v2(r->db, sql, -1, &r->q[id], NULL) != SQLITE_OK) {
    fail(r, err, errlen);
    return NULL;
  }
  sqlite3_reset(r->q[id]);
  sqlite3_clear_bindings(r->q[id]);
  return r->q[id];
}

/* Steps st once and resets it; 0 or -1. */
static int done(subreg *r, sqlite3_stmt *st, char *err, size_t errlen) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : fail(r, err, errlen);
}

int subreg_open(subreg **out, size_t nwords, char *err, size_t errlen) {
  subreg *r = xcalloc(1, sizeof *r);
  r->nwords = nwords;
  r->seen_budget = SEEN_MEMORY;
  *out = NULL;
  if (sqlite3_open_v2("", &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
      sqlite3_exec(r->db,
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
    snprintf(err, errlen, "making a temporary database: %s",
             r->db ? sqlite3_errmsg(r->db) : "out of memory");
    subreg_free(r);
    return -1;
  }
  *out = r;
  return 0;
}

void subreg_free(subreg *r) {
  if (!r)
    return;
  for (int i = 0; i < RQ_COUNT; i++)
    sqlite3_finalize(r->q[i]);
  sqlite3_close(r->db);
  free(r->seen);
  free(r->arena);
  free(r);
}

void subreg_seen_memory(subreg *r, size_t bytes) { r->seen_budget = bytes; }

void subreg_sub_init(subreg_sub *s, const subreg *r) {
  memset(s, 0, sizeof *s);
  strbuf_init(&s->name);
  strbuf_init(&s->submitted_at);
  s->stage = s->role = -1;
  s->bits = xcalloc(r->nwords + 1, sizeof *s->bits);
}

void subreg_sub_free(subreg_sub *s) {
  if (!s)
    return;
  strbuf_free(&s->name);
  strbuf_free(&s->submitted_at);
  free(s->bits);
  memset(s, 0, sizeof *s);
}

/* FNV-1a, 64 bits, with a final mix (the low bits index the table). */
static uint64_t key_hash(const unsigned char *k, size_t len) {
  uint64_t h = 0xcbf29ce484222325u;
  for (size_t i = 0; i < len; i++)
    h = (h ^ k[i]) * 0x100000001b3u;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdu;
  return h ^ (h >> 33);
}

/* The slot of key in the table: its own, or the empty one where it would
 * go. */
static seen_slot *seen_slot_of(const subreg *r, uint64_t h, const void *key, size_t len) {
  size_t mask = r->seen_cap - 1;
  for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
    seen_slot *s = &r->seen[i];
    if (!s->ref)
      return s;
    if (s->hash != h)
      continue;
    const unsigned char *rec = r->arena + s->ref - 1;
    uint32_t n;
    memcpy(&n, rec + sizeof(int64_t), sizeof n);
    if (n == len && memcmp(rec + sizeof(int64_t) + sizeof n, key, len) == 0)
      return s;
  }
}

/* Adds key (not in the table) to memory; false when it would pass the
 * budget (nothing added). */
static bool seen_remember(subreg *r, uint64_t h, const void *key, size_t len, long line) {
  size_t rec = sizeof(int64_t) + sizeof(uint32_t) + len;
  size_t cap = r->seen_cap;
  if (2 * (r->seen_n + 1) > cap)
    cap = cap ? 2 * cap : 1024;
  if (len > UINT32_MAX || cap * sizeof *r->seen + r->arena_len + rec > r->seen_budget)
    return false;
  if (cap != r->seen_cap) {
    seen_slot *old = r->seen;
    size_t oldcap = r->seen_cap;
    r->seen = xcalloc(cap, sizeof *r->seen);
    r->seen_cap = cap;
    for (size_t i = 0; i < oldcap; i++)
      if (old[i].ref) {
        size_t j = (size_t)old[i].hash & (cap - 1);
        while (r->seen[j].ref)
          j = (j + 1) & (cap - 1);
        r->seen[j] = old[i];
      }
    free(old);
  }
  if (r->arena_len + rec > r->arena_cap) {
    size_t want = r->arena_cap ? 2 * r->arena_cap : 65536;
    while (want < r->arena_len + rec)
      want *= 2;
    r->arena = xrealloc(r->arena, want);
    r->arena_cap = want;
  }
  unsigned char *p = r->arena + r->arena_len;
  int64_t l = line;
  uint32_t n = (uint32_t)len;
  memcpy(p, &l, sizeof l);
  memcpy(p + sizeof l, &n, sizeof n);
  memcpy(p + sizeof l + sizeof n, key, len);
  seen_slot *s = seen_slot_of(r, h, key, len);
  s->hash = h;
  s->ref = r->arena_len + 1;
  r->arena_len += rec;
  r->seen_n++;
  return true;
}

int subreg_seen(subreg *r, const void *key, size_t len, long line, long *first, char *err,
                size_t errlen) {
  uint64_t h = key_hash(key, len);
  if (r->seen_n) {
    seen_slot *s = seen_slot_of(r, h, key, len);
    if (s->ref) {
      int64_t l;
      memcpy(&l, r->arena + s->ref - 1, sizeof l);
      *first = (long)l;
      return 0;
    }
  }
  if (!r->seen_full && seen_remember(r, h, key, len, line))
    return 1;
  r->seen_full = true;
  sqlite3_stmt *w =
      prep(r, RQ_SEEN_ADD, "INSERT OR IGNORE INTO seen (key, line) VALUES (?1, ?2)", err, errlen);
  if (!w)
    return -1;
  sqlite3_bind_blob(w, 1, key, (int)len, SQLITE_STATIC);
  sqlite3_bind_int64(w, 2, line);
  if (done(r, w, err, errlen) != 0)
    return -1;
  if (sqlite3_changes(r->db) == 1)
    return 1;
  sqlite3_stmt *q = prep(r, RQ_SEEN_GET, "SELECT line FROM seen WHERE key = ?1", err, errlen);
  if (!q)
    return -1;
  sqlite3_bind_blob(q, 1, key, (int)len, SQLITE_STATIC);
  *first = sqlite3_step(q) == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0) : 0;
  sqlite3_reset(q);
  return 0;
}

/* Reads a row of SUB_COLUMNS into s; the bitset when bits. */
static void read_sub(const subreg *r, sqlite3_stmt *q, subreg_sub *s, bool bits) {
  s->id = sqlite3_column_int64(q, 0);
  strbuf_reset(&s->name);
  strbuf_puts(&s->name, (const char *)sqlite3_column_text(q, 1));
  s->leader_id = sqlite3_column_int64(q, 2);
  s->stage = sqlite3_column_int(q, 3);
  s->role = sqlite3_column_int(q, 4);
  strbuf_reset(&s->submitted_at);
  strbuf_puts(&s->submitted_at, (const char *)sqlite3_column_text(q, 5));
  s->when = sqlite3_column_int64(q, 6);
  s->line = (long)sqlite3_column_int64(q, 7);
  s->nanswers = sqlite3_column_int(q, 8);
  s->nknow = sqlite3_column_int(q, 9);
  s->fp = (uint64_t)sqlite3_column_int64(q, 10);
  for (int a = 0; a < SCORE_NAREAS; a++) {
    s->sum[a] = sqlite3_column_double(q, 11 + a);
    s->cnt[a] = sqlite3_column_int(q, 15 + a);
  }
  s->action = sqlite3_column_int(q, 19);
  s->response_id = sqlite3_column_int64(q, 20);
  s->dirty = false;
  if (bits) {
    size_t bytes = r->nwords * sizeof *s->bits;
    memset(s->bits, 0, bytes);
    if ((size_t)sqlite3_column_bytes(q, 21) == bytes && bytes)
      memcpy(s->bits, sqlite3_column_blob(q, 21), bytes);
  }
}

int subreg_save(subreg *r, subreg_sub *c, char *err, size_t errlen) {
  if (!c->id || !c->dirty)
    return 0;
  sqlite3_stmt *w = prep(r, RQ_SAVE,
                         "UPDATE sub SET nanswers = ?2, nknow = ?3, fp = ?4, s0 = ?5, s1 = ?6,"
                         " s2 = ?7, s3 = ?8, c0 = ?9, c1 = ?10, c2 = ?11, c3 = ?12,"
                         " bits = ?13 WHERE id = ?1",
                         err, errlen);
  if (!w)
    return -1;
  sqlite3_bind_int64(w, 1, c->id);
  sqlite3_bind_int(w, 2, c->nanswers);
  sqlite3_bind_int(w, 3, c->nknow);
  sqlite3_bind_int64(w, 4, (sqlite3_int64)c->fp);
  for (int a = 0; a < SCORE_NAREAS; a++) {
    sqlite3_bind_double(w, 5 + a, c->sum[a]);
    sqlite3_bind_int(w, 9 + a, c->cnt[a]);
  }
  sqlite3_bind_blob(w, 13, c->bits, (int)(r->nwords * sizeof *c->bits), SQLITE_STATIC);
  c->dirty = false;
  return done(r, w, err, errlen);
}

int subreg_find(subreg *r, const void *key, size_t len, const subreg_sub *proto, long line,
                subreg_sub *c, bool *added, char *err, size_t errlen) {
  *added = false;
  if (subreg_save(r, c, err, errlen) != 0)
    return -1;
  /* Most keys are new: try to add first. */
  sqlite3_stmt *w = prep(r, RQ_ADD,
                         "INSERT OR IGNORE INTO sub (key, name, leader_id, stage, role,"
                         " submitted_at, at, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                         err, errlen);
  if (!w)
    return -1;
  sqlite3_bind_blob(w, 1, key, (int)len, SQLITE_STATIC);
  sqlite3_bind_text(w, 2, strbuf_str(&proto->name), -1, SQLITE_STATIC);
  sqlite3_bind_int64(w, 3, proto->leader_id);
  sqlite3_bind_int(w, 4, proto->stage);
  sqlite3_bind_int(w, 5, proto->role);
  sqlite3_bind_text(w, 6, strbuf_str(&proto->submitted_at), -1, SQLITE_STATIC);
  sqlite3_bind_int64(w, 7, proto->when);
  sqlite3_bind_int64(w, 8, line);
  if (done(r, w, err, errlen) != 0)
    return -1;
  if (sqlite3_changes(r->db) == 0) {
    sqlite3_stmt *q =
        prep(r, RQ_FIND, "SELECT " SUB_COLUMNS " FROM sub WHERE key = ?1", err, errlen);
    if (!q)
      return -1;
    sqlite3_bind_blob(q, 1, key, (int)len, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_ROW) {
      sqlite3_reset(q);
      return fail(r, err, errlen);
    }
    read_sub(r, q, c, true);
    sqlite3_reset(q);
    return 0;
  }
  c->id = sqlite3_last_insert_rowid(r->db);
  strbuf_reset(&c->name);
  strbuf_puts(&c->name, strbuf_str(&proto->name));
  strbuf_reset(&c->submitted_at);
  strbuf_puts(&c->submitted_at, strbuf_str(&proto->submitted_at));
  c->leader_id = proto->leader_id;
  c->stage = proto->stage;
  c->role = proto->role;
  c->when = proto->when;
  c->line = line;
  c->nanswers = c->nknow = 0;
  c->fp = 0;
  for (int a = 0; a < SCORE_NAREAS; a++) {
    c->sum[a] = 0;
    c->cnt[a] = 0;
  }
  memset(c->bits, 0, r->nwords * sizeof *c->bits);
  c->dirty = false;
  c->action = SUBREG_DISCARD;
  c->response_id = 0;
  r->nsubs++;
  *added = true;
  return 0;
}

size_t subreg_count(const subreg *r) { return r->nsubs; }

int subreg_decide(subreg *r, int64_t id, int action, int64_t response_id, char *err,
                  size_t errlen) {
  sqlite3_stmt *w =
      prep(r, RQ_DECIDE, "UPDATE sub SET action = ?2, response_id = ?3 WHERE id = ?1", err, errlen);
  if (!w)
    return -1;
  sqlite3_bind_int64(w, 1, id);
  sqlite3_bind_int(w, 2, action);
  if (response_id)
    sqlite3_bind_int64(w, 3, response_id);
  return done(r, w, err, errlen);
}

int subreg_action(subreg *r, int64_t id, int *action, int64_t *response_id, char *err,
                  size_t errlen) {
  sqlite3_stmt *q =
      prep(r, RQ_ACTION, "SELECT action, response_id FROM sub WHERE id = ?1", err, errlen);
  if (!q)
    return -1;
  sqlite3_bind_int64(q, 1, id);
  *action = SUBREG_DISCARD;
  *response_id = 0;
  int rc = sqlite3_step(q);
  if (rc == SQLITE_ROW) {
    *action = sqlite3_column_int(q, 0);
    *response_id = sqlite3_column_int64(q, 1);
  }
  sqlite3_reset(q);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(r, err, errlen);
}

int64_t subreg_answers_to_write(subreg *r, char *err, size_t errlen) {
  sqlite3_stmt *q =
      prep(r, RQ_ANSWERS, "SELECT total(nanswers) FROM sub WHERE action IN (1, 2)", err, errlen);
  if (!q)
    return -1;
  int rc = sqlite3_step(q);
  int64_t n = rc == SQLITE_ROW ? (int64_t)sqlite3_column_double(q, 0) : -1;
  sqlite3_reset(q);
  return n >= 0 ? n : fail(r, err, errlen);
}

int subreg_begin(subreg *r, int order, char *err, size_t errlen) {
  static const char *const sql[] = {
      "SELECT " SUB_COLUMNS " FROM sub ORDER BY leader_id, stage, line",
      "SELECT " SUB_COLUMNS " FROM sub ORDER BY id",
      "SELECT " SUB_COLUMNS " FROM sub WHERE action IN (1, 2) ORDER BY id",
  };
  if (order < 0 || order > SUBREG_WRITES) {
    snprintf(err, errlen, "the temporary register: no such order %d", order);
    return -1;
  }
  sqlite3_finalize(r->q[RQ_WALK]);
  r->q[RQ_WALK] = NULL;
  return prep(r, RQ_WALK, sql[order], err, errlen) ? 0 : -1;
}

int subreg_next(subreg *r, subreg_sub *out, char *err, size_t errlen) {
  sqlite3_stmt *q = r->q[RQ_WALK];
  if (!q)
    return 0;
  int rc = sqlite3_step(q);
  if (rc == SQLITE_ROW) {
    read_sub(r, q, out, false);
    return 1;
  }
  sqlite3_reset(q);
  return rc == SQLITE_DONE ? 0 : fail(r, err, errlen);
}

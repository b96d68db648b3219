/* The training fund's rules and ledger queries (see fund.h): every check
 * reads the database as it stands inside the caller's transaction. */
#include "fund.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "xalloc.h"

const char *const fund_statuses[] = {"claimed", "approved", "paid", NULL};
const char *const fund_step_names[] = {"claim", "approve", "pay", NULL};

/* A default bursary for a wave outside the fund: £1,000. */
#define DEFAULT_BURSARY_PENCE 100000

/* ---- Small helpers ------------------------------------------------------ */

static int say(char *msg, size_t msglen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int say(char *msg, size_t msglen, int rc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, msglen, fmt, ap);
  va_end(ap);
  return rc;
}

/* n with thousands separators ("1,300") into buf (at least 32 bytes). */
static const char *grouped(long long n, char *buf) {
  char digits[32];
  unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
  int len = snprintf(digits, sizeof digits, "%llu", u);
  size_t j = 0;
  if (n < 0)
    buf[j++] = '-';
  for (int i = 0; i < len; i++) {
    if (i > 0 && (len - i) % 3 == 0)
      buf[j++] = ',';
    buf[j++] = digits[i];
  }
  buf[j] = '\0';
  return buf;
}

char *fund_count(long long n, char *buf, size_t size) {
  char g[32];
  snprintf(buf, size, "%s", grouped(n, g));
  return buf;
}

char *fund_pounds(long long pence, char *buf, size_t size) {
  char g[32];
  unsigned long long u = pence < 0 ? 0ULL - (unsigned long long)pence : (unsigned long long)pence;
  snprintf(buf, size, "%s\xC2\xA3%s.%02llu", pence < 0 ? "-" : "", grouped((long long)(u / 100), g),
           u % 100);
  return buf;
}

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, char *msg, size_t msglen) {
  if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
    *st = NULL;
    return store_fail(db, "the fund's ledger", msg, msglen);
  }
  return 0;
}

/* Runs a statement with one integer (or NULL) result row; *out gets 0 when
 * the value is NULL or there is no row. */
static int scalar(sqlite3 *db, const char *sql, long long *out, char *msg, size_t msglen, int n,
                  ...) {
  sqlite3_stmt *st;
  if (prepare(db, sql, &st, msg, msglen) != 0)
    return -1;
  va_list ap;
  va_start(ap, n);
  for (int i = 1; i <= n; i++)
    sqlite3_bind_int64(st, i, va_arg(ap, sqlite3_int64));
  va_end(ap);
  int rc = sqlite3_step(st);
  *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return store_fail(db, "the fund's ledger", msg, msglen);
  return 0;
}

static void column_text(sqlite3_stmt *st, int c, char *buf, size_t size) {
  const unsigned char *t = sqlite3_column_text(st, c);
  snprintf(buf, size, "%s", t ? (const char *)t : "");
}

/* ---- Enrolments --------------------------------------------------------- */

/* What the rules look at for one enrolment as it stands (written). */
typedef struct enrolment_facts {
  sqlite3_int64 wave;
  const char *start, *done; /* YYYY-MM-DD; done "" when none */
  bool withdrawn;
  const char *leader_key, *provider_key;
  const char *other; /* the provider of another place its leader holds in the wave, or NULL */
  bool in_fund;      /* the wave is in the fund: the rest is its */
  const char *opens, *closes;
  long long places, taken; /* the wave's places and those taken (this one counted) */
  bool allocated;          /* the provider has an allocation in the wave */
  long long alloc, taken_p;
} enrolment_facts;

/* The fund's rules in the order they are checked, for both checkers. */
static int judge(const enrolment_facts *x, char *msg, size_t msglen) {
  char n1[32];
  if (*x->done && strcmp(x->done, x->start) < 0)
    return say(msg, msglen, FUND_COMPLETION_BEFORE_START,
               "the completion (%s) is dated before the start (%s)", x->done, x->start);
  if (*x->done && x->in_fund && (strcmp(x->done, x->opens) < 0 || strcmp(x->done, x->closes) > 0))
    return say(msg, msglen, FUND_COMPLETION_OUTSIDE_WAVE,
               "the completion (%s) is outside wave %lld, which runs from %s to %s", x->done,
               (long long)x->wave, x->opens, x->closes);
  if (x->withdrawn)
    return FUND_OK;
  if (x->other)
    return say(msg, msglen, FUND_LEADER_HOLDS_PLACE,
               "Careers Leader %s already holds a place in wave %lld (with provider %s)",
               x->leader_key, (long long)x->wave, x->other);
  if (!x->in_fund)
    return FUND_OK;
  if (x->taken > x->places)
    return say(msg, msglen, FUND_WAVE_FULL, "wave %lld is full: all its %s place%s taken",
               (long long)x->wave, grouped(x->places, n1), x->places == 1 ? " is" : "s are");
  if (!x->allocated)
    return say(msg, msglen, FUND_ALLOCATION_USED,
               "provider %s has no allocation of places in wave %lld", x->provider_key,
               (long long)x->wave);
  if (x->taken_p > x->alloc)
    return say(msg, msglen, FUND_ALLOCATION_USED,
               "provider %s's allocation for wave %lld is used up: all its %s place%s taken",
               x->provider_key, (long long)x->wave, grouped(x->alloc, n1),
               x->alloc == 1 ? " is" : "s are");
  return FUND_OK;
}

int fund_check_enrolment(sqlite3 *db, sqlite3_int64 id, char *msg, size_t msglen) {
  sqlite3_stmt *st;
  if (prepare(db,
              "SELECT e.leader_id, e.provider_id, e.wave, substr(e.start_date, 1, 10),"
              " substr(e.completion_date, 1, 10), e.status, l.leader_key, p.provider_key,"
              " w.wave IS NOT NULL, w.opens, w.closes, w.places"
              " FROM enrolments e JOIN leaders l ON l.id = e.leader_id"
              " JOIN providers p ON p.id = e.provider_id"
              " LEFT JOIN waves w ON w.wave = e.wave WHERE e.id = ?1",
              &st, msg, msglen) != 0)
    return -1;
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    if (rc == SQLITE_DONE)
      say(msg, msglen, 0, "enrolment %lld does not exist", (long long)id);
    else
      store_fail(db, "the fund's ledger", msg, msglen);
    sqlite3_finalize(st);
    return -1;
  }
  sqlite3_int64 leader = sqlite3_column_int64(st, 0), provider = sqlite3_column_int64(st, 1);
  char start[16], done[16], status[16], lkey[128], pkey[128], opens[16], closes[16], other[128];
  enrolment_facts x = {.wave = sqlite3_column_int64(st, 2), .start = start, .done = done,
                       .leader_key = lkey, .provider_key = pkey, .opens = opens,
                       .closes = closes};
  column_text(st, 3, start, sizeof start);
  column_text(st, 4, done, sizeof done);
  column_text(st, 5, status, sizeof status);
  column_text(st, 6, lkey, sizeof lkey);
  column_text(st, 7, pkey, sizeof pkey);
  x.in_fund = sqlite3_column_int(st, 8) != 0;
  column_text(st, 9, opens, sizeof opens);
  column_text(st, 10, closes, sizeof closes);
  x.places = sqlite3_column_int64(st, 11);
  x.withdrawn = strcmp(status, "withdrawn") == 0;
  sqlite3_finalize(st);
  if (prepare(db,
              "SELECT p.provider_key FROM enrolments e JOIN providers p ON p.id = e.provider_id"
              " WHERE e.leader_id = ?1 AND e.wave = ?2 AND e.id <> ?3"
              " AND e.status <> 'withdrawn' ORDER BY e.id LIMIT 1",
              &st, msg, msglen) != 0)
    return -1;
  sqlite3_bind_int64(st, 1, leader);
  sqlite3_bind_int64(st, 2, x.wave);
  sqlite3_bind_int64(st, 3, id);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    column_text(st, 0, other, sizeof other);
    x.other = other;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return store_fail(db, "the fund's ledger", msg, msglen);
  long long allocated;
  if (scalar(db, "SELECT count(*) FROM enrolments WHERE wave = ?1 AND status <> 'withdrawn'",
             &x.taken, msg, msglen, 1, x.wave) != 0 ||
      scalar(db, "SELECT count(*) FROM allocations WHERE wave = ?1 AND provider_id = ?2",
             &allocated, msg, msglen, 2, x.wave, provider) != 0 ||
      scalar(db, "SELECT places FROM allocations WHERE wave = ?1 AND provider_id = ?2", &x.alloc,
             msg, msglen, 2, x.wave, provider) != 0 ||
      scalar(db,
             "SELECT count(*) FROM enrolments WHERE wave = ?1 AND provider_id = ?2"
             " AND status <> 'withdrawn'",
             &x.taken_p, msg, msglen, 2, x.wave, provider) != 0)
    return -1;
  x.allocated = allocated != 0;
  return judge(&x, msg, msglen);
}

/* The checker of a file's enrolments (fund_enrolments_add). */

/* A wave (provider 0 with whole) or one provider's allocation in it: its
 * limit (the wave's places, the allocation's) and the places taken, read
 * from the database the first time a row needs them, then moved by each
 * row. */
typedef struct fund_slot {
  sqlite3_int64 wave, provider;
  long long limit, taken;
  bool used, whole;
  bool limited; /* the wave is in the fund; the provider has an allocation */
  char opens[11], closes[11];
} fund_slot;

/* A place of the file's rows: the enrolment of leader with provider in
 * wave as the file left it; order is its id (or, for a new one, after
 * every stored id, in the file's order, as SQLite gives new ids). */
typedef struct file_place {
  sqlite3_int64 leader, wave, provider, order;
  bool holds;
  size_t next; /* the next place of the same leader and wave (index + 1), or 0 */
} file_place;

/* (leader, wave) -> its first place (index + 1); 0 when the slot is empty. */
typedef struct place_head {
  sqlite3_int64 leader, wave;
  size_t first;
} place_head;

enum { Q_WAVE, Q_WAVE_TAKEN, Q_ALLOCATION, Q_PROVIDER_TAKEN, Q_PROVIDER_KEY, NQ };

static const char *const enrolment_sql[NQ] = {
    "SELECT opens, closes, places FROM waves WHERE wave = ?1",
    "SELECT count(*) FROM enrolments WHERE wave = ?1 AND status <> 'withdrawn'",
    "SELECT places FROM allocations WHERE wave = ?1 AND provider_id = ?2",
    ("SELECT count(*) FROM enrolments WHERE wave = ?1 AND provider_id = ?2"
     " AND status <> 'withdrawn'"),
    "SELECT provider_key FROM providers WHERE id = ?1"};

/* New enrolments' order: after every id SQLite can have given. */
#define NEW_ORDER ((sqlite3_int64)1 << 62)

struct fund_enrolments {
  sqlite3 *db;
  sqlite3_stmt *q[NQ];
  fund_slot *slots;
  size_t cap, n; /* cap a power of two, or 0 */
  file_place *places;
  size_t nplaces, places_cap;
  place_head *heads;
  size_t hcap, nheads; /* hcap a power of two, or 0 */
  sqlite3_int64 added; /* new enrolments so far */
};

fund_enrolments *fund_enrolments_new(sqlite3 *db) {
  fund_enrolments *f = xcalloc(1, sizeof *f);
  f->db = db;
  return f;
}

void fund_enrolments_free(fund_enrolments *f) {
  if (!f)
    return;
  for (int i = 0; i < NQ; i++)
    sqlite3_finalize(f->q[i]);
  free(f->slots);
  free(f->places);
  free(f->heads);
  free(f);
}

static size_t pair_hash(sqlite3_int64 a, sqlite3_int64 b, bool whole) {
  uint64_t h = (uint64_t)a * 0x9E3779B97F4A7C15u;
  h ^= (uint64_t)b + 0x632BE59BD9B4E019u + (h << 6) + (h >> 2);
  h ^= whole ? 0xA5A5A5A5u : 0;
  h *= 0xBF58476D1CE4E5B9u;
  return (size_t)(h ^ (h >> 31));
}

/* The slot of (wave, provider or the whole wave): found, or the empty one
 * where it would go (the table has room). */
static fund_slot *slot_find(fund_enrolments *f, sqlite3_int64 wave, sqlite3_int64 provider,
                            bool whole) {
  if (whole)
    provider = 0;
  size_t mask = f->cap - 1, i = pair_hash(wave, provider, whole) & mask;
  while (f->slots[i].used && !(f->slots[i].wave == wave && f->slots[i].whole == whole &&
                               f->slots[i].provider == provider))
    i = (i + 1) & mask;
  return &f->slots[i];
}

static void slots_grow(fund_enrolments *f) {
  if (2 * (f->n + 1) <= f->cap)
    return;
  fund_slot *old = f->slots;
  size_t oldcap = f->cap;
  f->cap = oldcap ? 2 * oldcap : 64;
  f->slots = xcalloc(f->cap, sizeof *f->slots);
  for (size_t i = 0; i < oldcap; i++)
    if (old[i].used)
      *slot_find(f, old[i].wave, old[i].provider, old[i].whole) = old[i];
  free(old);
}

static sqlite3_stmt *enrolment_stmt(fund_enrolments *f, int i, char *msg, size_t msglen) {
  if (!f->q[i] && prepare(f->db, enrolment_sql[i], &f->q[i], msg, msglen) != 0)
    return NULL;
  sqlite3_reset(f->q[i]);
  sqlite3_clear_bindings(f->q[i]);
  return f->q[i];
}

/* Steps st (bound): 1 a row, 0 none, -1 a failure (msg). */
static int step_row(fund_enrolments *f, sqlite3_stmt *st, char *msg, size_t msglen) {
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    return 1;
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : store_fail(f->db, "the fund's ledger", msg, msglen);
}

/* Counts the places taken in wave, or from provider's allocation in it. */
static int count_taken(fund_enrolments *f, fund_slot *s, char *msg, size_t msglen) {
  sqlite3_stmt *st = enrolment_stmt(f, s->whole ? Q_WAVE_TAKEN : Q_PROVIDER_TAKEN, msg, msglen);
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, s->wave);
  if (!s->whole)
    sqlite3_bind_int64(st, 2, s->provider);
  int rc = step_row(f, st, msg, msglen);
  if (rc < 0)
    return -1;
  s->taken = rc ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return 0;
}

/* The slot of wave (whole) or provider's allocation in it, read from the
 * database the first time (the places taken only when it is limited). */
static fund_slot *slot_get(fund_enrolments *f, sqlite3_int64 wave, sqlite3_int64 provider,
                           bool whole, char *msg, size_t msglen) {
  slots_grow(f);
  fund_slot *s = slot_find(f, wave, provider, whole);
  if (s->used)
    return s;
  fund_slot t = {.wave = wave, .provider = whole ? 0 : provider, .used = true, .whole = whole};
  sqlite3_stmt *st = enrolment_stmt(f, whole ? Q_WAVE : Q_ALLOCATION, msg, msglen);
  if (!st)
    return NULL;
  sqlite3_bind_int64(st, 1, wave);
  if (!whole)
    sqlite3_bind_int64(st, 2, provider);
  int rc = step_row(f, st, msg, msglen);
  if (rc < 0)
    return NULL;
  t.limited = rc == 1;
  if (t.limited && whole) {
    column_text(st, 0, t.opens, sizeof t.opens);
    column_text(st, 1, t.closes, sizeof t.closes);
    t.limit = sqlite3_column_int64(st, 2);
  } else if (t.limited) {
    t.limit = sqlite3_column_int64(st, 0);
  }
  sqlite3_reset(st);
  /* Places taken count only against a limit. */
  if (t.limited && count_taken(f, &t, msg, msglen) != 0)
    return NULL;
  /* Filled only now that nothing can fail (the statements above do not
   * touch the table). */
  *s = t;
  f->n++;
  return s;
}

static place_head *head_find(fund_enrolments *f, sqlite3_int64 leader, sqlite3_int64 wave) {
  size_t mask = f->hcap - 1, i = pair_hash(leader, wave, false) & mask;
  while (f->heads[i].first && !(f->heads[i].leader == leader && f->heads[i].wave == wave))
    i = (i + 1) & mask;
  return &f->heads[i];
}

/* The place of the file's rows for (leader, provider, wave), or NULL;
 * *head the (leader, wave) head slot (empty when none). */
static file_place *place_find(fund_enrolments *f, sqlite3_int64 leader, sqlite3_int64 provider,
                              sqlite3_int64 wave, place_head **head) {
  if (2 * (f->nheads + 1) > f->hcap) {
    place_head *old = f->heads;
    size_t oldcap = f->hcap;
    f->hcap = oldcap ? 2 * oldcap : 1024;
    f->heads = xcalloc(f->hcap, sizeof *f->heads);
    for (size_t i = 0; i < oldcap; i++)
      if (old[i].first)
        *head_find(f, old[i].leader, old[i].wave) = old[i];
    free(old);
  }
  *head = head_find(f, leader, wave);
  for (size_t i = (*head)->first; i; i = f->places[i - 1].next)
    if (f->places[i - 1].provider == provider)
      return &f->places[i - 1];
  return NULL;
}

/* The provider of the first place (by id) that the leader of e holds in
 * e's wave besides e: among the stored ones (others) as the file's rows
 * left them, and the file's new ones. Its key into buf; NULL when none. */
static const char *other_place(fund_enrolments *f, const fund_enrolment *e,
                               const fund_place *others, size_t nothers, char *buf, size_t size,
                               int *fail, char *msg, size_t msglen) {
  place_head *head;
  place_find(f, e->leader, e->provider, e->wave, &head);
  sqlite3_int64 best = 0, best_provider = 0;
  for (size_t i = 0; i < nothers; i++) {
    bool changed = false;
    for (size_t j = head->first; j && !changed; j = f->places[j - 1].next)
      changed = f->places[j - 1].provider == others[i].provider;
    if (!changed && others[i].holds && (!best || others[i].id < best)) {
      best = others[i].id;
      best_provider = others[i].provider;
    }
  }
  for (size_t j = head->first; j; j = f->places[j - 1].next) {
    const file_place *p = &f->places[j - 1];
    if (p->provider != e->provider && p->holds && (!best || p->order < best)) {
      best = p->order;
      best_provider = p->provider;
    }
  }
  if (!best)
    return NULL;
  sqlite3_stmt *st = enrolment_stmt(f, Q_PROVIDER_KEY, msg, msglen);
  if (!st) {
    *fail = 1;
    return NULL;
  }
  sqlite3_bind_int64(st, 1, best_provider);
  int rc = step_row(f, st, msg, msglen);
  if (rc < 0) {
    *fail = 1;
    return NULL;
  }
  if (rc)
    column_text(st, 0, buf, size);
  else
    snprintf(buf, size, "%lld", (long long)best_provider);
  sqlite3_reset(st);
  return buf;
}

int fund_enrolments_add(fund_enrolments *f, const fund_enrolment *e, const fund_place *others,
                        size_t nothers, char *msg, size_t msglen) {
  /* Written first, as the import writes it: a refused row still holds its
   * place for the rows after it, as it would in the database. */
  place_head *head;
  file_place *p = place_find(f, e->leader, e->provider, e->wave, &head);
  if (!p) {
    if (!head->first)
      f->nheads++;
    f->places = xgrow(f->places, &f->places_cap, f->nplaces + 1, sizeof *f->places);
    p = &f->places[f->nplaces++];
    *p = (file_place){e->leader, e->wave, e->provider, e->id ? e->id : NEW_ORDER + f->added++,
                      e->holds, head->first};
    *head = (place_head){e->leader, e->wave, f->nplaces};
  }
  p->holds = e->holds;
  fund_slot *w = slot_get(f, e->wave, 0, true, msg, msglen), *a = NULL;
  if (!w)
    return -1;
  if (w->limited && !(a = slot_get(f, e->wave, e->provider, false, msg, msglen)))
    return -1;
  w = slot_find(f, e->wave, 0, true); /* the table may have grown */
  if (e->held != e->holds && w->limited) {
    w->taken += e->holds ? 1 : -1;
    a->taken += e->holds ? 1 : -1;
  }
  char other[128];
  int fail = 0;
  enrolment_facts x = {.wave = e->wave, .start = e->start, .done = e->completion,
                       .withdrawn = !e->holds, .leader_key = e->leader_key,
                       .provider_key = e->provider_key, .in_fund = w->limited,
                       .opens = w->opens, .closes = w->closes, .places = w->limit,
                       .taken = w->taken, .allocated = a && a->limited, .alloc = a ? a->limit : 0,
                       .taken_p = a ? a->taken : 0};
  /* The rules before the other place do not need it. */
  if (!x.withdrawn && !(*x.done && (strcmp(x.done, x.start) < 0 ||
                                    (x.in_fund && (strcmp(x.done, x.opens) < 0 ||
                                                   strcmp(x.done, x.closes) > 0))))) {
    x.other = other_place(f, e, others, nothers, other, sizeof other, &fail, msg, msglen);
    if (fail)
      return -1;
  }
  return judge(&x, msg, msglen);
}

/* ---- Waves and allocations ---------------------------------------------- */

/* The allocations of wave together against its places. */
static int check_allocations_total(sqlite3 *db, int wave, long long places, char *msg,
                                   size_t msglen) {
  long long total;
  char n1[32], n2[32];
  if (scalar(db, "SELECT coalesce(sum(places), 0) FROM allocations WHERE wave = ?1", &total, msg,
             msglen, 1, (sqlite3_int64)wave) != 0)
    return -1;
  if (total > places)
    return say(msg, msglen, FUND_ALLOCATIONS_EXCEED,
               "the allocations of wave %d add up to %s places, more than its %s", wave,
               grouped(total, n1), grouped(places, n2));
  return FUND_OK;
}

int fund_check_wave(sqlite3 *db, int wave, char *msg, size_t msglen) {
  sqlite3_stmt *st;
  if (prepare(db, "SELECT places, opens, closes FROM waves WHERE wave = ?1", &st, msg, msglen) != 0)
    return -1;
  sqlite3_bind_int(st, 1, wave);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? FUND_OK : store_fail(db, "the fund's ledger", msg, msglen);
  }
  long long places = sqlite3_column_int64(st, 0);
  char opens[16], closes[16], n1[32], n2[32];
  column_text(st, 1, opens, sizeof opens);
  column_text(st, 2, closes, sizeof closes);
  sqlite3_finalize(st);
  long long taken;
  if (scalar(db, "SELECT count(*) FROM enrolments WHERE wave = ?1 AND status <> 'withdrawn'",
             &taken, msg, msglen, 1, (sqlite3_int64)wave) != 0)
    return -1;
  if (taken > places)
    return say(msg, msglen, FUND_WAVE_SHRINKS, "wave %d already has %s places taken, more than %s",
               wave, grouped(taken, n1), grouped(places, n2));
  rc = check_allocations_total(db, wave, places, msg, msglen);
  if (rc != FUND_OK)
    return rc;
  if (prepare(db,
              "SELECT count(*), min(l.leader_key || ' on ' || substr(e.completion_date, 1, 10))"
              " FROM enrolments e JOIN leaders l ON l.id = e.leader_id"
              " WHERE e.wave = ?1 AND e.completion_date IS NOT NULL"
              " AND (substr(e.completion_date, 1, 10) < ?2"
              " OR substr(e.completion_date, 1, 10) > ?3)",
              &st, msg, msglen) != 0)
    return -1;
  sqlite3_bind_int(st, 1, wave);
  sqlite3_bind_text(st, 2, opens, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, closes, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    sqlite3_finalize(st);
    return store_fail(db, "the fund's ledger", msg, msglen);
  }
  long long outside = sqlite3_column_int64(st, 0);
  char first[200];
  column_text(st, 1, first, sizeof first);
  sqlite3_finalize(st);
  if (outside)
    return say(msg, msglen, FUND_WAVE_DATES,
               "%s completion%s in wave %d would fall outside %s to %s (Careers Leader %s)",
               grouped(outside, n1), outside == 1 ? "" : "s", wave, opens, closes, first);
  return FUND_OK;
}

int fund_check_allocation(sqlite3 *db, int wave, sqlite3_int64 provider_id, char *msg,
                          size_t msglen) {
  long long places, in_fund, alloc, taken;
  char n1[32], n2[32];
  if (scalar(db, "SELECT count(*) FROM waves WHERE wave = ?1", &in_fund, msg, msglen, 1,
             (sqlite3_int64)wave) != 0)
    return -1;
  if (!in_fund)
    return say(msg, msglen, FUND_WAVE_UNKNOWN,
               "wave %d is not in the fund (import it with KIND waves first)", wave);
  if (scalar(db, "SELECT places FROM waves WHERE wave = ?1", &places, msg, msglen, 1,
             (sqlite3_int64)wave) != 0 ||
      scalar(db, "SELECT places FROM allocations WHERE wave = ?1 AND provider_id = ?2", &alloc, msg,
             msglen, 2, (sqlite3_int64)wave, provider_id) != 0 ||
      scalar(db,
             "SELECT count(*) FROM enrolments WHERE wave = ?1 AND provider_id = ?2"
             " AND status <> 'withdrawn'",
             &taken, msg, msglen, 2, (sqlite3_int64)wave, provider_id) != 0)
    return -1;
  if (taken > alloc)
    return say(msg, msglen, FUND_ALLOCATION_SHRINKS,
               "the provider already has %s places taken in wave %d, more than %s",
               grouped(taken, n1), wave, grouped(alloc, n2));
  return check_allocations_total(db, wave, places, msg, msglen);
}

/* ---- Bursaries ---------------------------------------------------------- */

/* The statements of a bursary step, prepared the first time a step needs
 * them and kept (an import takes two steps a row: 60 % of its time was
 * SQLite compiling them again, issue 19). */
enum { B_FIND, B_KNOWN, B_CLAIM, B_APPROVE, B_PAY, NB };

static const char *const bursary_sql[NB] = {
    ("SELECT e.id, e.status, substr(e.completion_date, 1, 10), b.id, b.status,"
     " b.claimed_date, b.approved_date, b.paid_date, b.amount_pence,"
     " (SELECT bursary_pence FROM waves WHERE wave = ?2)"
     " FROM leaders l JOIN enrolments e ON e.leader_id = l.id"
     " LEFT JOIN bursary_claims b ON b.enrolment_id = e.id"
     " WHERE l.leader_key = ?1 AND e.wave = ?2"
     " ORDER BY b.id IS NULL, e.status = 'withdrawn', e.id LIMIT 1"),
    "SELECT count(*) FROM leaders WHERE leader_key = ?1",
    ("INSERT INTO bursary_claims (enrolment_id, claimed_date, amount_pence, status)"
     " VALUES (?1, ?2, ?3, 'claimed')"),
    "UPDATE bursary_claims SET status = 'approved', approved_date = ?2 WHERE id = ?1",
    "UPDATE bursary_claims SET status = 'paid', paid_date = ?2 WHERE id = ?1"};

struct fund_bursaries {
  store *s;
  sqlite3_stmt *q[NB];
};

fund_bursaries *fund_bursaries_new(store *s) {
  fund_bursaries *b = xcalloc(1, sizeof *b);
  b->s = s;
  return b;
}

void fund_bursaries_free(fund_bursaries *b) {
  if (!b)
    return;
  for (int i = 0; i < NB; i++)
    sqlite3_finalize(b->q[i]);
  free(b);
}

/* Statement i, prepared once, reset and without bindings; NULL with a
 * message on failure. */
static sqlite3_stmt *bursary_stmt(fund_bursaries *b, int i, char *msg, size_t msglen) {
  if (!b->q[i] && prepare(store_db(b->s), bursary_sql[i], &b->q[i], msg, msglen) != 0)
    return NULL;
  sqlite3_reset(b->q[i]);
  sqlite3_clear_bindings(b->q[i]);
  return b->q[i];
}

int fund_bursary_step(store *s, const char *leader_key, int wave, fund_step step, const char *date,
                      const char *actor, char *msg, size_t msglen) {
  fund_bursaries *b = fund_bursaries_new(s);
  int rc = fund_bursaries_step(b, leader_key, wave, step, date, actor, msg, msglen);
  fund_bursaries_free(b);
  return rc;
}

int fund_bursaries_step(fund_bursaries *b, const char *leader_key, int wave, fund_step step,
                        const char *date, const char *actor, char *msg, size_t msglen) {
  sqlite3 *db = store_db(b->s);
  int y, m, d;
  if (!date || !date_parse(date, &y, &m, &d))
    return say(msg, msglen, FUND_STEP_REFUSED, "the date \"%s\" is not a date (YYYY-MM-DD)",
               date ? date : "");
  if ((unsigned)step > FUND_PAY)
    return say(msg, msglen, -1, "no such bursary step");
  sqlite3_stmt *st = bursary_stmt(b, B_FIND, msg, msglen);
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, leader_key, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, wave);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    if (rc != SQLITE_DONE) {
      store_fail(db, "the fund's ledger", msg, msglen);
      sqlite3_reset(st);
      return -1;
    }
    sqlite3_reset(st);
    long long known;
    sqlite3_stmt *q = bursary_stmt(b, B_KNOWN, msg, msglen);
    if (!q)
      return -1;
    sqlite3_bind_text(q, 1, leader_key, -1, SQLITE_STATIC);
    known = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_reset(q);
    if (!known)
      return say(msg, msglen, FUND_STEP_REFUSED, "no Careers Leader has the id %s", leader_key);
    return say(msg, msglen, FUND_STEP_REFUSED, "Careers Leader %s has no enrolment in wave %d",
               leader_key, wave);
  }
  sqlite3_int64 enrolment = sqlite3_column_int64(st, 0);
  char status[16], done[16], bstatus[16], claimed[16], approved[16], paid[16];
  column_text(st, 1, status, sizeof status);
  column_text(st, 2, done, sizeof done);
  bool has_claim = sqlite3_column_type(st, 3) != SQLITE_NULL;
  sqlite3_int64 claim = sqlite3_column_int64(st, 3);
  column_text(st, 4, bstatus, sizeof bstatus);
  column_text(st, 5, claimed, sizeof claimed);
  column_text(st, 6, approved, sizeof approved);
  column_text(st, 7, paid, sizeof paid);
  /* A claim is for the wave's bursary; a step after it keeps the claim's. */
  long long amount = has_claim                                   ? sqlite3_column_int64(st, 8)
                     : sqlite3_column_type(st, 9) != SQLITE_NULL ? sqlite3_column_int64(st, 9)
                                                                 : DEFAULT_BURSARY_PENCE;
  sqlite3_reset(st);
  int reached = !has_claim                         ? -1
                : strcmp(bstatus, "paid") == 0     ? FUND_PAY
                : strcmp(bstatus, "approved") == 0 ? FUND_APPROVE
                                                   : FUND_CLAIM;
  const char *step_date[] = {claimed, approved, paid};
  static const char *const past[] = {"claimed", "approved", "paid"};
  if (reached >= (int)step) {
    const char *when = step_date[step];
    return say(msg, msglen, strcmp(when, date) == 0 ? FUND_STEP_ALREADY : FUND_STEP_REFUSED,
               "the bursary of Careers Leader %s for wave %d was already %s on %s%s", leader_key,
               wave, past[step], *when ? when : "an unknown date",
               reached > (int)step ? " (it never goes back a step)" : "");
  }
  if (step == FUND_CLAIM) {
    if (strcmp(status, "completed") != 0 || !*done)
      return say(msg, msglen, FUND_STEP_REFUSED,
                 "Careers Leader %s has not completed wave %d (the enrolment is %s): a bursary "
                 "is claimed on completion",
                 leader_key, wave, status);
    if (strcmp(date, done) < 0)
      return say(msg, msglen, FUND_STEP_REFUSED,
                 "the claim (%s) is dated before the completion (%s)", date, done);
  } else if (reached < 0) {
    return say(msg, msglen, FUND_STEP_REFUSED,
               "no bursary has been claimed for Careers Leader %s in wave %d (claim it first)",
               leader_key, wave);
  } else if (reached < (int)step - 1) {
    return say(msg, msglen, FUND_STEP_REFUSED,
               "the bursary of Careers Leader %s for wave %d is not approved yet (approve it "
               "first)",
               leader_key, wave);
  } else if (strcmp(date, step_date[step - 1]) < 0) {
    return say(msg, msglen, FUND_STEP_REFUSED, "the %s (%s) is dated before the %s (%s)",
               step == FUND_APPROVE ? "approval" : "payment", date,
               step == FUND_APPROVE ? "claim" : "approval", step_date[step - 1]);
  }

  st = bursary_stmt(b, B_CLAIM + (int)step, msg, msglen);
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, step == FUND_CLAIM ? enrolment : claim);
  sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
  if (step == FUND_CLAIM)
    sqlite3_bind_int64(st, 3, amount);
  rc = sqlite3_step(st);
  if (rc != SQLITE_DONE) {
    store_fail(db, "writing a bursary", msg, msglen);
    sqlite3_reset(st);
    return -1;
  }
  sqlite3_reset(st);
  char detail[300], action[32];
  snprintf(action, sizeof action, "bursary %s", fund_step_names[step]);
  snprintf(detail, sizeof detail, "leader=%s wave=%d date=%s amount_pence=%lld", leader_key, wave,
           date, amount);
  if (store_audit(b->s, actor, action, detail, msg, msglen) != 0)
    return -1;
  return FUND_STEP_DONE;
}

/* ---- The ledger --------------------------------------------------------- */

static double share(long long part, long long whole) {
  return whole > 0 ? 100.0 * (double)part / (double)whole : NAN;
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static int cmp_wave(const void *a, const void *b) {
  int x = ((const fund_wave *)a)->wave, y = ((const fund_wave *)b)->wave;
  return (x > y) - (x < y);
}

/* An enrolment's id and wave, sorted by id: a claim's wave. */
typedef struct id_wave {
  sqlite3_int64 id;
  int wave;
} id_wave;

static int cmp_id_wave(const void *a, const void *b) {
  sqlite3_int64 x = ((const id_wave *)a)->id, y = ((const id_wave *)b)->id;
  return (x > y) - (x < y);
}

/* A provider of the providers table, and its places in each wave
 * (the ledger's nwaves of them). */
typedef struct ledger_provider {
  sqlite3_int64 id;
  char *key, *name, *accreditation;
  long long *allocated, *taken, *completed, *withdrawn;
  unsigned char *seen; /* the (wave, provider) pair is in allocations or enrolments */
} ledger_provider;

static int cmp_provider_id(const void *a, const void *b) {
  sqlite3_int64 x = ((const ledger_provider *)a)->id, y = ((const ledger_provider *)b)->id;
  return (x > y) - (x < y);
}

static int cmp_provider_key(const void *a, const void *b) {
  const ledger_provider *x = *(const ledger_provider *const *)a;
  const ledger_provider *y = *(const ledger_provider *const *)b;
  return strcmp(x->key, y->key);
}

/* The index of wave in l's waves (ascending), or -1. */
static long wave_index(const fund_ledger *l, int wave) {
  size_t lo = 0, hi = l->nwaves;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (l->waves[mid].wave < wave)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < l->nwaves && l->waves[lo].wave == wave ? (long)lo : -1;
}

static ledger_provider *find_provider(ledger_provider *p, size_t n, sqlite3_int64 id) {
  ledger_provider key = {.id = id};
  return n ? bsearch(&key, p, n, sizeof *p, cmp_provider_id) : NULL;
}

/* The waves: those of the waves table and of the entries (only wave
 * `only` when > 0), ascending, with the waves table's columns. */
static int tally_waves(sqlite3 *db, const fund_entry *e, size_t n, int only, fund_ledger *l,
                       char *err, size_t errlen) {
  int *ids = xmalloc((n + 1) * sizeof *ids);
  size_t nid = 0;
  for (size_t i = 0; i < n; i++)
    if (only <= 0 || e[i].wave == only)
      ids[nid++] = e[i].wave;
  sqlite3_stmt *st = NULL;
  if (prepare(db,
              "SELECT wave, opens, closes, places, hub_target_pct, bursary_pence FROM waves"
              " WHERE ?1 <= 0 OR wave = ?1 ORDER BY wave",
              &st, err, errlen) != 0) {
    free(ids);
    return -1;
  }
  sqlite3_bind_int(st, 1, only);
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    l->waves = xgrow(l->waves, &cap, l->nwaves + 1, sizeof *l->waves);
    fund_wave *w = &l->waves[l->nwaves++];
    memset(w, 0, sizeof *w);
    w->wave = sqlite3_column_int(st, 0);
    w->in_fund = true;
    column_text(st, 1, w->opens, sizeof w->opens);
    column_text(st, 2, w->closes, sizeof w->closes);
    w->places = sqlite3_column_int64(st, 3);
    w->hub_target = sqlite3_column_double(st, 4);
    w->bursary_pence = sqlite3_column_int64(st, 5);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    free(ids);
    return store_fail(db, "reading the fund's waves", err, errlen);
  }
  /* The entries' waves not in the table, outside the fund. */
  if (nid > 1)
    qsort(ids, nid, sizeof *ids, cmp_int);
  size_t in_table = l->nwaves;
  for (size_t i = 0; i < nid; i++) {
    if (i > 0 && ids[i] == ids[i - 1])
      continue;
    size_t lo = 0, hi = in_table; /* the table's waves are ascending */
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (l->waves[mid].wave < ids[i])
        lo = mid + 1;
      else
        hi = mid;
    }
    if (lo < in_table && l->waves[lo].wave == ids[i])
      continue;
    l->waves = xgrow(l->waves, &cap, l->nwaves + 1, sizeof *l->waves);
    fund_wave *w = &l->waves[l->nwaves++];
    memset(w, 0, sizeof *w);
    w->wave = ids[i];
    w->hub_target = NAN;
  }
  free(ids);
  if (l->nwaves > in_table)
    qsort(l->waves, l->nwaves, sizeof *l->waves, cmp_wave);
  return 0;
}

/* The bursary claims of the entries, added to their waves. */
static int tally_claims(sqlite3 *db, const fund_entry *e, size_t n, fund_ledger *l, char *err,
                        size_t errlen) {
  id_wave *ids = xmalloc((n + 1) * sizeof *ids);
  size_t nid = 0;
  for (size_t i = 0; i < n; i++)
    if (e[i].hub >= 0 && wave_index(l, e[i].wave) >= 0) {
      ids[nid].id = e[i].id;
      ids[nid++].wave = e[i].wave;
    }
  if (nid > 1)
    qsort(ids, nid, sizeof *ids, cmp_id_wave);
  sqlite3_stmt *st = NULL;
  if (prepare(db, "SELECT enrolment_id, amount_pence, status FROM bursary_claims", &st, err,
              errlen) != 0) {
    free(ids);
    return -1;
  }
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    id_wave key = {sqlite3_column_int64(st, 0), 0};
    const id_wave *hit = nid ? bsearch(&key, ids, nid, sizeof *ids, cmp_id_wave) : NULL;
    if (!hit)
      continue; /* not one of the enrolments counted (or another wave's) */
    fund_wave *w = &l->waves[wave_index(l, hit->wave)];
    long long pence = sqlite3_column_int64(st, 1);
    const char *status = (const char *)sqlite3_column_text(st, 2);
    bool approved = status && (strcmp(status, "approved") == 0 || strcmp(status, "paid") == 0);
    bool paid = status && strcmp(status, "paid") == 0;
    w->claims++;
    w->claimed_pence += pence;
    w->approvals += approved;
    w->approved_pence += approved ? pence : 0;
    w->payments += paid;
    w->paid_pence += paid ? pence : 0;
  }
  sqlite3_finalize(st);
  free(ids);
  return rc == SQLITE_DONE ? 0 : store_fail(db, "reading the bursaries", err, errlen);
}

/* The providers' rows: every (wave, provider) pair of allocations or the
 * entries whose provider is in the providers table, by wave, then key. */
static int tally_providers(sqlite3 *db, const fund_entry *e, size_t n, fund_ledger *l, char *err,
                           size_t errlen) {
  ledger_provider *p = NULL;
  size_t np = 0, cap = 0, nw = l->nwaves;
  sqlite3_stmt *st = NULL;
  int r = -1, rc;
  if (prepare(db, "SELECT id, provider_key, name, accreditation FROM providers ORDER BY id", &st,
              err, errlen) != 0)
    goto done;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    p = xgrow(p, &cap, np + 1, sizeof *p);
    ledger_provider *q = &p[np++];
    q->id = sqlite3_column_int64(st, 0);
    q->key = xstrdup((const char *)sqlite3_column_text(st, 1));
    q->name = xstrdup((const char *)sqlite3_column_text(st, 2));
    q->accreditation = xstrdup((const char *)sqlite3_column_text(st, 3));
    q->allocated = xcalloc(nw + 1, sizeof *q->allocated);
    q->taken = xcalloc(nw + 1, sizeof *q->taken);
    q->completed = xcalloc(nw + 1, sizeof *q->completed);
    q->withdrawn = xcalloc(nw + 1, sizeof *q->withdrawn);
    q->seen = xcalloc(nw + 1, 1);
  }
  sqlite3_finalize(st);
  st = NULL;
  if (rc != SQLITE_DONE) {
    store_fail(db, "reading the providers", err, errlen);
    goto done;
  }
  if (prepare(db, "SELECT wave, provider_id, places FROM allocations", &st, err, errlen) != 0)
    goto done;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    long w = wave_index(l, sqlite3_column_int(st, 0));
    ledger_provider *q = find_provider(p, np, sqlite3_column_int64(st, 1));
    if (w < 0 || !q)
      continue; /* another wave (only), or a provider that is not there */
    q->allocated[w] = sqlite3_column_int64(st, 2);
    q->seen[w] = 1;
  }
  sqlite3_finalize(st);
  st = NULL;
  if (rc != SQLITE_DONE) {
    store_fail(db, "reading the allocations", err, errlen);
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    long w = wave_index(l, e[i].wave);
    ledger_provider *q = w < 0 ? NULL : find_provider(p, np, e[i].provider_id);
    if (!q)
      continue;
    q->seen[w] = 1;
    q->taken[w] += e[i].status != FUND_WITHDRAWN;
    q->completed[w] += e[i].status == FUND_COMPLETED;
    q->withdrawn[w] += e[i].status == FUND_WITHDRAWN;
  }
  ledger_provider **by_key = xmalloc((np + 1) * sizeof *by_key);
  for (size_t k = 0; k < np; k++)
    by_key[k] = &p[k];
  if (np > 1)
    qsort(by_key, np, sizeof *by_key, cmp_provider_key);
  cap = 0;
  for (size_t w = 0; w < nw; w++)
    for (size_t k = 0; k < np; k++) {
      ledger_provider *q = by_key[k];
      if (!q->seen[w])
        continue;
      l->providers = xgrow(l->providers, &cap, l->nproviders + 1, sizeof *l->providers);
      fund_provider *f = &l->providers[l->nproviders++];
      f->wave = l->waves[w].wave;
      f->provider_key = xstrdup(q->key);
      f->name = xstrdup(q->name);
      f->accreditation = xstrdup(q->accreditation);
      f->allocated = q->allocated[w];
      f->taken = q->taken[w];
      f->completed = q->completed[w];
      f->withdrawn = q->withdrawn[w];
      f->completion_rate = share(f->completed, f->taken + f->withdrawn);
    }
  free(by_key);
  r = 0;
done:
  sqlite3_finalize(st);
  for (size_t k = 0; k < np; k++) {
    free(p[k].key);
    free(p[k].name);
    free(p[k].accreditation);
    free(p[k].allocated);
    free(p[k].taken);
    free(p[k].completed);
    free(p[k].withdrawn);
    free(p[k].seen);
  }
  free(p);
  return r;
}

int fund_ledger_tally(sqlite3 *db, const fund_entry *entries, size_t n, int only, fund_ledger **out,
                      char *err, size_t errlen) {
  *out = NULL;
  fund_ledger *l = xcalloc(1, sizeof *l);
  if (tally_waves(db, entries, n, only, l, err, errlen) != 0)
    goto fail;
  /* Each wave's allocations together (the pairs' rows come below). */
  sqlite3_stmt *st = NULL;
  if (prepare(db, "SELECT wave, places FROM allocations", &st, err, errlen) != 0)
    goto fail;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    long w = wave_index(l, sqlite3_column_int(st, 0));
    if (w >= 0)
      l->waves[w].allocated += sqlite3_column_int64(st, 1);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    store_fail(db, "reading the allocations", err, errlen);
    goto fail;
  }
  /* Places and completions by wave: the enrolments whose leader and
   * establishment are there. */
  for (size_t i = 0; i < n; i++) {
    const fund_entry *e = &entries[i];
    long w = e->hub >= 0 ? wave_index(l, e->wave) : -1;
    if (w < 0)
      continue;
    fund_wave *x = &l->waves[w];
    x->taken += e->status != FUND_WITHDRAWN;
    x->completed += e->status == FUND_COMPLETED;
    x->withdrawn += e->status == FUND_WITHDRAWN;
    x->hub_taken += e->status != FUND_WITHDRAWN && e->hub > 0;
  }
  for (size_t i = 0; i < l->nwaves; i++)
    l->waves[i].hub_share = share(l->waves[i].hub_taken, l->waves[i].taken);
  if (tally_claims(db, entries, n, l, err, errlen) != 0 ||
      tally_providers(db, entries, n, l, err, errlen) != 0)
    goto fail;
  *out = l;
  return 0;
fail:
  fund_ledger_free(l);
  return -1;
}

int fund_entry_status(const char *status) {
  return !status                            ? FUND_ENROLLED
         : strcmp(status, "withdrawn") == 0 ? FUND_WITHDRAWN
         : strcmp(status, "completed") == 0 ? FUND_COMPLETED
                                            : FUND_ENROLLED;
}

int fund_hub_on_start(int known, int in_hub, const char *joined, const char *start) {
  if (!known)
    return -1;
  if (!in_hub)
    return 0;
  if (!joined || !joined[0])
    return 1;
  char j[11], d[11];
  date_utc_day(joined, j);
  date_utc_day(start ? start : "", d);
  return strcmp(j, d) <= 0;
}

int fund_ledger_load(sqlite3 *db, int only, fund_ledger **out, char *err, size_t errlen) {
  *out = NULL;
  sqlite3_stmt *st = NULL;
  if (prepare(db,
              "SELECT e.id, e.provider_id, e.wave, e.status, s.id IS NOT NULL,"
              " s.hub_id IS NOT NULL, s.hub_joined, e.start_date"
              " FROM enrolments e LEFT JOIN leaders l ON l.id = e.leader_id"
              " LEFT JOIN establishments s ON s.id = l.establishment_id"
              " WHERE ?1 <= 0 OR e.wave = ?1",
              &st, err, errlen) != 0)
    return -1;
  sqlite3_bind_int(st, 1, only);
  fund_entry *e = NULL;
  size_t n = 0, cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    e = xgrow(e, &cap, n + 1, sizeof *e);
    e[n].id = sqlite3_column_int64(st, 0);
    e[n].provider_id = sqlite3_column_int64(st, 1);
    e[n].wave = sqlite3_column_int(st, 2);
    e[n].status = fund_entry_status((const char *)sqlite3_column_text(st, 3));
    e[n].hub = fund_hub_on_start(sqlite3_column_int(st, 4), sqlite3_column_int(st, 5),
                                 (const char *)sqlite3_column_text(st, 6),
                                 (const char *)sqlite3_column_text(st, 7));
    n++;
  }
  sqlite3_finalize(st);
  int r = rc == SQLITE_DONE ? fund_ledger_tally(db, e, n, only, out, err, errlen)
                            : store_fail(db, "reading the enrolments", err, errlen);
  free(e);
  return r;
}

void fund_ledger_free(fund_ledger *l) {
  if (!l)
    return;
  for (size_t i = 0; i < l->nproviders; i++) {
    free(l->providers[i].provider_key);
    free(l->providers[i].name);
    free(l->providers[i].accreditation);
  }
  free(l->providers);
  free(l->waves);
  free(l);
}

bool fund_hub_short(const fund_wave *w) {
  return w->in_fund && !isnan(w->hub_share) && !isnan(w->hub_target) &&
         w->hub_share < w->hub_target;
}

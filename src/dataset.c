/* The store read into plain arrays (see dataset.h): one prepared query per
 * table inside one read transaction, SQL ids mapped to array indices by
 * binary search, everything read fed to a SHA-256 as it goes. */
#include "dataset.h"

#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "score.h"
#include "xalloc.h"

static const char *const type_names[] = {"mainstream", "special", "ap", "fe_college",
                                         "sixth_form_college"};
static const char *const role_names[] = {"school", "college_strategic", "college_operational"};
static const char *const status_names[] = {"enrolled", "completed", "withdrawn"};
static const char *const stage_names[] = {"pre", "post", "followup"};
static const char *const survey_names[] = {"self-assessment", "long-term"};
#define COUNT(a) (sizeof(a) / sizeof(a)[0])

const char *ds_type_name(ds_type t) {
  return (unsigned)t < COUNT(type_names) ? type_names[t] : "unknown";
}

const char *ds_role_name(int r) {
  return r >= 0 && (size_t)r < COUNT(role_names) ? role_names[r] : "unknown";
}

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

static void idmap_sort(idmap *m) {
  if (m->n > 1)
    qsort(m->e, m->n, sizeof *m->e, cmp_entry);
}

/* The index of id, or DS_NONE. */
static size_t idmap_get(idmap *m, sqlite3_int64 id) {
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

/* The state of one load: the database, the hash, the id maps. */
typedef struct loader {
  sqlite3 *db;
  crypto_hash_sha256_state sha;
  unsigned char buf[8192]; /* hashed in chunks: many fields are a few bytes */
  size_t nbuf;
  idmap hubs, establishments, leaders, providers, responses, items, returns;
  char *err;
  size_t errlen;
} loader;

static void hash_bytes(loader *ld, const void *p, size_t n) {
  if (ld->nbuf + n > sizeof ld->buf) {
    crypto_hash_sha256_update(&ld->sha, ld->buf, ld->nbuf);
    ld->nbuf = 0;
    if (n > sizeof ld->buf) {
      crypto_hash_sha256_update(&ld->sha, p, n);
      return;
    }
  }
  memcpy(ld->buf + ld->nbuf, p, n);
  ld->nbuf += n;
}

/* Eight bytes of v, least significant first: the same fingerprint on any
 * machine. */
static void put_u64(unsigned char *out, unsigned long long v) {
  for (int k = 0; k < 8; k++)
    out[k] = (unsigned char)(v >> (8 * k));
}

/* Hashes every column of the current row: a type tag, the value (integers
 * and reals as their 64 bits; text as its length, then its bytes) and a
 * separator byte, so that ("a", "bc") and ("ab", "c") differ. */
static void hash_row(loader *ld, sqlite3_stmt *st) {
  int n = sqlite3_column_count(st);
  for (int i = 0; i < n; i++) {
    unsigned char head[9];
    const void *p = NULL;
    size_t len = 0, hn = 9;
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL:
      head[0] = 'N';
      hn = 1;
      break;
    case SQLITE_INTEGER:
      head[0] = 'I';
      put_u64(head + 1, (unsigned long long)sqlite3_column_int64(st, i));
      break;
    case SQLITE_FLOAT: {
      double d = sqlite3_column_double(st, i);
      unsigned long long bits;
      memcpy(&bits, &d, sizeof bits);
      head[0] = 'R';
      put_u64(head + 1, bits);
      break;
    }
    default: /* text, or a blob taken as its bytes */
      head[0] = 'T';
      p = sqlite3_column_blob(st, i);
      len = (size_t)sqlite3_column_bytes(st, i);
      put_u64(head + 1, len);
      break;
    }
    hash_bytes(ld, head, hn);
    if (len)
      hash_bytes(ld, p, len);
    hash_bytes(ld, "\x1f", 1);
  }
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
  return 0;
}

/* Steps st: 1 for a row (hashed), 0 at the end, -1 on an error (message
 * set). */
static int step(loader *ld, const char *what, sqlite3_stmt *st) {
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    hash_row(ld, st);
    return 1;
  }
  if (rc == SQLITE_DONE)
    return 0;
  return store_fail(ld->db, what, ld->err, ld->errlen);
}

static const char *col_text(sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? (const char *)t : "";
}

static char *dup_col(sqlite3_stmt *st, int i) { return xstrdup(col_text(st, i)); }

static char *dup_col_or_null(sqlite3_stmt *st, int i) {
  return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : dup_col(st, i);
}

/* The first 10 characters of a stored date or timestamp, "" when NULL. */
static void date_col(char out[11], sqlite3_stmt *st, int i) {
  const char *t = col_text(st, i);
  size_t n = strlen(t);
  if (n > 10)
    n = 10;
  memcpy(out, t, n);
  out[n] = '\0';
}

static double real_col(sqlite3_stmt *st, int i) {
  return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* The index of column i's text in names, or -1 with a message (a NULL is
 * unexpected too). */
static int enum_col(loader *ld, sqlite3_stmt *st, int i, const char *const *names, size_t n,
                    const char *what) {
  const unsigned char *t = sqlite3_column_text(st, i);
  if (t)
    for (size_t k = 0; k < n; k++)
      if (strcmp((const char *)t, names[k]) == 0)
        return (int)k;
  if (t)
    fail(ld, "%s: unexpected value '%s'", what, (const char *)t);
  else
    fail(ld, "%s: unexpected NULL", what);
  return -1;
}

/* The index of a foreign key's row, or DS_NONE with a message when it
 * refers to nothing. A NULL column gives DS_NONE without a message: *ok
 * tells the two apart. */
static size_t ref_col(loader *ld, sqlite3_stmt *st, int i, idmap *m, const char *what, int *ok) {
  *ok = 1;
  if (sqlite3_column_type(st, i) == SQLITE_NULL)
    return DS_NONE;
  sqlite3_int64 id = sqlite3_column_int64(st, i);
  size_t idx = idmap_get(m, id);
  if (idx == DS_NONE) {
    fail(ld, "%s: refers to a missing row (id %lld)", what, (long long)id);
    *ok = 0;
  }
  return idx;
}

static int load_hubs(loader *ld, dataset *ds) {
  sqlite3_stmt *st;
  if (prepare(ld, "hubs", "SELECT id, name FROM hubs ORDER BY name, id", &st) != 0)
    return -1;
  size_t cap = 0;
  int r;
  while ((r = step(ld, "hubs", st)) == 1) {
    ds->hubs = xgrow(ds->hubs, &cap, ds->nhubs + 1, sizeof *ds->hubs);
    idmap_put(&ld->hubs, sqlite3_column_int64(st, 0), ds->nhubs);
    ds->hubs[ds->nhubs++] = dup_col(st, 1);
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
  while ((r = step(ld, "establishments", st)) == 1) {
    ds->establishments =
        xgrow(ds->establishments, &cap, ds->nestablishments + 1, sizeof *ds->establishments);
    ds_establishment *e = &ds->establishments[ds->nestablishments];
    memset(e, 0, sizeof *e);
    ds->nestablishments++;
    idmap_put(&ld->establishments, sqlite3_column_int64(st, 0), ds->nestablishments - 1);
    e->urn = dup_col(st, 1);
    e->name = dup_col(st, 2);
    e->region = dup_col(st, 4);
    date_col(e->hub_joined, st, 6);
    e->fsm_pct = real_col(st, 7);
    int t = enum_col(ld, st, 3, type_names, COUNT(type_names), "establishments.type");
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
  while ((r = step(ld, "leaders", st)) == 1) {
    ds->leaders = xgrow(ds->leaders, &cap, ds->nleaders + 1, sizeof *ds->leaders);
    ds_leader *l = &ds->leaders[ds->nleaders];
    memset(l, 0, sizeof *l);
    ds->nleaders++;
    idmap_put(&ld->leaders, sqlite3_column_int64(st, 0), ds->nleaders - 1);
    l->key = dup_col(st, 1);
    l->months_in_role = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 4);
    l->contact_consent = sqlite3_column_int(st, 5) != 0;
    l->match = DS_NO_RESPONSE;
    l->pre = l->post = DS_NONE;
    int ok;
    l->establishment = ref_col(ld, st, 2, &ld->establishments, "leaders.establishment_id", &ok);
    if (ok && l->establishment == DS_NONE) {
      fail(ld, "leaders.establishment_id: NULL for leader %s", l->key);
      ok = 0;
    }
    int role = ok ? enum_col(ld, st, 3, role_names, COUNT(role_names), "leaders.role") : -1;
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
  while ((r = step(ld, "providers", st)) == 1) {
    ds->providers = xgrow(ds->providers, &cap, ds->nproviders + 1, sizeof *ds->providers);
    ds_provider *p = &ds->providers[ds->nproviders++];
    idmap_put(&ld->providers, sqlite3_column_int64(st, 0), ds->nproviders - 1);
    p->key = dup_col(st, 1);
    p->name = dup_col(st, 2);
    p->accreditation = dup_col(st, 3);
  }
  sqlite3_finalize(st);
  idmap_sort(&ld->providers);
  return r;
}

static int load_enrolments(loader *ld, dataset *ds) {
  sqlite3_stmt *st;
  if (prepare(ld, "enrolments",
              "SELECT e.leader_id, e.provider_id, e.wave, e.start_date, e.completion_date,"
              " e.status FROM enrolments e JOIN leaders l ON l.id = e.leader_id"
              " ORDER BY l.leader_key, e.start_date, e.id",
              &st) != 0)
    return -1;
  size_t cap = 0;
  int r;
  while ((r = step(ld, "enrolments", st)) == 1) {
    ds->enrolments = xgrow(ds->enrolments, &cap, ds->nenrolments + 1, sizeof *ds->enrolments);
    ds_enrolment *e = &ds->enrolments[ds->nenrolments++];
    memset(e, 0, sizeof *e);
    int ok1, ok2 = 1;
    e->leader = ref_col(ld, st, 0, &ld->leaders, "enrolments.leader_id", &ok1);
    e->provider = ok1 ? ref_col(ld, st, 1, &ld->providers, "enrolments.provider_id", &ok2) : 0;
    if (!ok1 || !ok2) {
      r = -1;
      break;
    }
    if (e->provider == DS_NONE) {
      r = fail(ld, "enrolments.provider_id: NULL");
      break;
    }
    e->wave = sqlite3_column_int(st, 2);
    date_col(e->start_date, st, 3);
    date_col(e->completion_date, st, 4);
    int status = enum_col(ld, st, 5, status_names, COUNT(status_names), "enrolments.status");
    if (status < 0) {
      r = -1;
      break;
    }
    e->status = (ds_status)status;
  }
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
  while ((r = step(ld, "items", st)) == 1) {
    ds->items = xgrow(ds->items, &cap, ds->nitems + 1, sizeof *ds->items);
    ds_item *it = &ds->items[ds->nitems++];
    idmap_put(&ld->items, sqlite3_column_int64(st, 0), ds->nitems - 1);
    it->key = dup_col(st, 1);
    it->instrument = dup_col(st, 2);
    it->position = sqlite3_column_int(st, 3);
    it->role = dup_col_or_null(st, 4);
    it->topic = dup_col_or_null(st, 6);
    it->benchmark = sqlite3_column_int(st, 7); /* NULL reads as 0 */
    it->text = dup_col(st, 8);
    it->area = -1;
    if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
      it->area = score_area_index(col_text(st, 5));
      if (it->area < 0) {
        r = fail(ld, "items.area: unexpected value '%s' (item %s)", col_text(st, 5), it->key);
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
  while ((r = step(ld, "responses", st)) == 1) {
    ds->responses = xgrow(ds->responses, &cap, ds->nresponses + 1, sizeof *ds->responses);
    ds_response *p = &ds->responses[ds->nresponses++];
    memset(p, 0, sizeof *p);
    idmap_put(&ld->responses, sqlite3_column_int64(st, 0), ds->nresponses - 1);
    for (int a = 0; a < DS_NAREAS; a++)
      p->score[a] = NAN;
    date_col(p->submitted, st, 5);
    int survey = enum_col(ld, st, 1, survey_names, COUNT(survey_names), "responses.survey");
    int stage =
        survey < 0 ? -1 : enum_col(ld, st, 2, stage_names, COUNT(stage_names), "responses.stage");
    int ok = 0;
    if (stage >= 0)
      p->leader = ref_col(ld, st, 3, &ld->leaders, "responses.leader_id", &ok);
    p->role = -1;
    if (ok && sqlite3_column_type(st, 4) != SQLITE_NULL)
      p->role = enum_col(ld, st, 4, role_names, COUNT(role_names), "responses.role");
    if (!ok || (p->role < 0 && sqlite3_column_type(st, 4) != SQLITE_NULL)) {
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
  while ((r = step(ld, "area_scores", st)) == 1) {
    int ok;
    size_t resp = ref_col(ld, st, 0, &ld->responses, "area_scores.response_id", &ok);
    if (!ok) {
      r = -1;
      break;
    }
    int area = score_area_index(col_text(st, 1));
    if (area < 0) {
      r = fail(ld, "area_scores.area: unexpected value '%s'", col_text(st, 1));
      break;
    }
    ds->responses[resp].score[area] = real_col(st, 2);
  }
  sqlite3_finalize(st);
  return r;
}

static int cmp_answer(const void *a, const void *b) {
  size_t x = ((const ds_answer *)a)->item, y = ((const ds_answer *)b)->item;
  return (x > y) - (x < y);
}

/* One query over every answer, collected flat with their responses'
 * indices, then handed out to the responses. */
static int load_answers(loader *ld, dataset *ds) {
  sqlite3_stmt *st;
  if (prepare(ld, "answers",
              "SELECT response_id, item_id, value, code FROM answers"
              " ORDER BY response_id, item_id",
              &st) != 0)
    return -1;
  ds_answer *flat = NULL;
  size_t *owner = NULL, n = 0, cap = 0, ocap = 0;
  int r;
  while ((r = step(ld, "answers", st)) == 1) {
    int ok1, ok2 = 0;
    size_t resp = ref_col(ld, st, 0, &ld->responses, "answers.response_id", &ok1);
    size_t item = ok1 ? ref_col(ld, st, 1, &ld->items, "answers.item_id", &ok2) : DS_NONE;
    if (!ok1 || !ok2) {
      r = -1;
      break;
    }
    flat = xgrow(flat, &cap, n + 1, sizeof *flat);
    owner = xgrow(owner, &ocap, n + 1, sizeof *owner);
    owner[n] = resp;
    flat[n].item = item;
    flat[n].value = real_col(st, 2);
    flat[n].code = dup_col_or_null(st, 3);
    ds->responses[resp].nanswers++;
    n++;
  }
  sqlite3_finalize(st);
  if (r == 0) {
    for (size_t i = 0; i < ds->nresponses; i++) {
      ds_response *p = &ds->responses[i];
      p->answers = p->nanswers ? xmalloc(p->nanswers * sizeof *p->answers) : NULL;
      p->nanswers = 0;
    }
    for (size_t k = 0; k < n; k++) {
      ds_response *p = &ds->responses[owner[k]];
      p->answers[p->nanswers++] = flat[k];
    }
    for (size_t i = 0; i < ds->nresponses; i++) {
      ds_response *p = &ds->responses[i];
      if (p->nanswers > 1)
        qsort(p->answers, p->nanswers, sizeof *p->answers, cmp_answer);
    }
  } else {
    /* Nothing handed out yet: the codes are only in flat. */
    for (size_t k = 0; k < n; k++)
      free(flat[k].code);
    for (size_t i = 0; i < ds->nresponses; i++)
      ds->responses[i].nanswers = 0;
  }
  free(flat);
  free(owner);
  return r;
}

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
  while ((r = step(ld, "compass_returns", st)) == 1) {
    ds->returns = xgrow(ds->returns, &cap, ds->nreturns + 1, sizeof *ds->returns);
    ds_return *c = &ds->returns[ds->nreturns++];
    idmap_put(&ld->returns, sqlite3_column_int64(st, 0), ds->nreturns - 1);
    date_col(c->submitted, st, 2);
    for (int b = 0; b < DS_NBENCHMARKS; b++)
      c->pct[b] = NAN;
    int ok;
    c->establishment =
        ref_col(ld, st, 1, &ld->establishments, "compass_returns.establishment_id", &ok);
    if (!ok) {
      r = -1;
      break;
    }
  }
  sqlite3_finalize(st);
  idmap_sort(&ld->returns);
  if (r != 0)
    return r;
  if (prepare(ld, "compass_benchmarks",
              "SELECT return_id, benchmark, pct FROM compass_benchmarks"
              " ORDER BY return_id, benchmark",
              &st) != 0)
    return -1;
  while ((r = step(ld, "compass_benchmarks", st)) == 1) {
    int ok;
    size_t ret = ref_col(ld, st, 0, &ld->returns, "compass_benchmarks.return_id", &ok);
    int b = sqlite3_column_int(st, 1);
    if (!ok) {
      r = -1;
      break;
    }
    if (b < 1 || b > DS_NBENCHMARKS) {
      r = fail(ld, "compass_benchmarks.benchmark: unexpected value %d", b);
      break;
    }
    ds->returns[ret].pct[b - 1] = real_col(st, 2);
  }
  sqlite3_finalize(st);
  return r;
}

static int load_settings(loader *ld, dataset *ds) {
  sqlite3_stmt *st;
  if (prepare(ld, "settings", "SELECT value FROM settings WHERE key = ?1", &st) != 0)
    return -1;
  const char *keys[] = {"score.method", "score.min_answered"};
  char *values[2] = {NULL, NULL};
  int r = 0;
  for (int k = 0; k < 2 && r == 0; k++) {
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, keys[k], -1, SQLITE_STATIC);
    r = step(ld, "settings", st);
    if (r == 1) {
      values[k] = dup_col(st, 0);
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

int dataset_load(store *s, const report_config *cfg, dataset **out, char *err, size_t errlen) {
  (void)cfg;
  *out = NULL;
  if (sodium_init() < 0) {
    snprintf(err, errlen, "libsodium could not be initialised");
    return -1;
  }
  loader *ld = xcalloc(1, sizeof *ld);
  ld->db = store_db(s);
  ld->err = err;
  ld->errlen = errlen;
  crypto_hash_sha256_init(&ld->sha);
  dataset *ds = xcalloc(1, sizeof *ds);
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
      load_returns(ld, ds) != 0 || load_settings(ld, ds) != 0 || load_matches(ld, s, ds) != 0)
    goto cleanup;
  if (own_txn) {
    own_txn = 0;
    if (sqlite3_exec(ld->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
      store_fail(ld->db, "commit", err, errlen);
      goto cleanup;
    }
  }
  if (ld->nbuf)
    crypto_hash_sha256_update(&ld->sha, ld->buf, ld->nbuf);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&ld->sha, digest);
  sodium_bin2hex(ds->sha256, sizeof ds->sha256, digest, sizeof digest);
  *out = ds;
  ds = NULL;
  rc = 0;
cleanup:
  if (own_txn)
    sqlite3_exec(ld->db, "ROLLBACK", NULL, NULL, NULL);
  dataset_free(ds);
  free(ld->hubs.e);
  free(ld->establishments.e);
  free(ld->leaders.e);
  free(ld->providers.e);
  free(ld->responses.e);
  free(ld->items.e);
  free(ld->returns.e);
  free(ld);
  return rc;
}

void dataset_free(dataset *ds) {
  if (!ds)
    return;
  for (size_t i = 0; i < ds->nhubs; i++)
    free(ds->hubs[i]);
  free(ds->hubs);
  for (size_t i = 0; i < ds->nestablishments; i++) {
    free(ds->establishments[i].urn);
    free(ds->establishments[i].name);
    free(ds->establishments[i].region);
  }
  free(ds->establishments);
  for (size_t i = 0; i < ds->nleaders; i++)
    free(ds->leaders[i].key);
  free(ds->leaders);
  for (size_t i = 0; i < ds->nproviders; i++) {
    free(ds->providers[i].key);
    free(ds->providers[i].name);
    free(ds->providers[i].accreditation);
  }
  free(ds->providers);
  free(ds->enrolments);
  for (size_t i = 0; i < ds->nresponses; i++) {
    for (size_t k = 0; k < ds->responses[i].nanswers; k++)
      free(ds->responses[i].answers[k].code);
    free(ds->responses[i].answers);
  }
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

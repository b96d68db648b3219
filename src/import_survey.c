/* Import's surveys (self-assessment, long-term): the register of
 * submissions, each row's answers, the duplicate rules that decide which
 * submission is kept, and pass 2, which writes the answers from the spool. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "import_internal.h"
#include "xalloc.h"

/* Survey columns: the long form has item_id and value; the wide form has
 * item ids as column names instead. */
const colspec imp_cols_self[] = {{"leader_id", true, false},    {"stage", true, false},
                                 {"submitted_at", true, false}, {"item_id", true, false},
                                 {"value", true, false},        {NULL, false, false}};
const colspec imp_cols_longterm[] = {{"response_id", true, false},  {"stage", false, true},
                                     {"submitted_at", true, false}, {"item_id", true, false},
                                     {"value", true, false},        {NULL, false, false}};

/* The option an answer stored in the database holds, or -1. */
static int stored_option(const instrument_scale *sc, sqlite3_stmt *st, int vcol, int ccol) {
  if (sqlite3_column_type(st, ccol) != SQLITE_NULL) {
    const char *code = (const char *)sqlite3_column_text(st, ccol);
    for (size_t i = 0; i < sc->noptions; i++)
      if (strcmp(sc->options[i].code, code) == 0)
        return instrument_scale_numeric(sc) ? -1 : (int)i;
    return -1;
  }
  if (sqlite3_column_type(st, vcol) == SQLITE_NULL || !instrument_scale_numeric(sc))
    return -1;
  double v = sqlite3_column_double(st, vcol);
  for (size_t i = 0; i < sc->noptions; i++)
    if (sc->options[i].value == v)
      return (int)i;
  return -1;
}

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
  if (subreg_save(im->reg, &im->cur, im->err, im->errlen) != 0)
    im->failed = true;
  return !im->failed;
}

/* Makes the submission whose key is in im->keybuf current, registering it
 * (with the fields of proto) when it is new; *added says which. Returns
 * false on a failure. */
static bool find_submission(importer *im, const submission *proto, bool *added) {
  if (subreg_find(im->reg, im->keybuf.data, im->keybuf.len, proto, imp_line(im), &im->cur, added,
                  im->err, im->errlen) != 0)
    im->failed = true;
  return !im->failed;
}

/* One answer of the current submission to item k, from column col. */
static void add_answer(importer *im, int k, int opt, int col, const char *colname) {
  submission *s = &im->cur;
  uint64_t bit = (uint64_t)1 << (k & 63);
  if (s->bits[k >> 6] & bit) {
    imp_problem(im, imp_line(im), col, "%s: item %s is answered twice in the same response",
                colname, im->cat.items[k].it->id);
    return;
  }
  s->bits[k >> 6] |= bit;
  s->dirty = true;
  if (im->spool && !imp_spool_put(im, s->id, k, opt))
    return;
  s->nanswers++;
  s->fp += answer_print(k, opt);
  const citem *ci = &im->cat.items[k];
  if (ci->ins == INS_SELF && ci->area >= 0) {
    s->sum[ci->area] += ci->it->scale->options[opt].value;
    s->cnt[ci->area]++;
    s->nknow++;
  }
}

bool imp_spool_put(importer *im, int64_t sub, int item, int opt) {
  if (sub < 1 || (uint64_t)sub > SPOOL_MAX_SUB || item < 0 || item > SPOOL_MAX_ITEM || opt < 0 ||
      opt > SPOOL_MAX_OPT) {
    snprintf(im->err, im->errlen,
             "%s: more than the import can hold: submission %lld, item %d, option %d (at most "
             "%lu submissions, %u items and %u options a scale)",
             im->name, (long long)sub, item, opt, (unsigned long)SPOOL_MAX_SUB,
             (unsigned)SPOOL_MAX_ITEM + 1, (unsigned)SPOOL_MAX_OPT + 1);
    im->failed = true;
    return false;
  }
  im->spool_buf[im->spool_n++] = (spool_rec){(uint32_t)sub, (uint16_t)item, (uint16_t)opt};
  if (im->spool_n == SPOOL_BUF) {
    im->spool_n = 0;
    if (fwrite(im->spool_buf, sizeof *im->spool_buf, SPOOL_BUF, im->spool) != SPOOL_BUF) {
      snprintf(im->err, im->errlen, "%s: writing a temporary file failed: %s", im->name,
               strerror(errno));
      im->failed = true;
      return false;
    }
  }
  return true;
}

/* Whether item k may be answered by this submission; a problem when not. */
static bool item_fits(importer *im, int k, const submission *s, int col, const char *colname) {
  const citem *ci = &im->cat.items[k];
  const char *id = ci->it->id;
  if (im->kind == K_LONGTERM) {
    if (ci->ins != INS_LONGTERM) {
      imp_problem(im, imp_line(im), col,
                  "%s: %s belongs to the %s instrument, not to the long-term survey", colname, id,
                  ci->in->key);
      return false;
    }
    return true;
  }
  if (ci->ins == INS_REFLECTIVE) {
    if (s && s->stage != 1) {
      imp_problem(im, imp_line(im), col,
                  "%s: %s is asked after training only (stage post), not at stage %s", colname, id,
                  imp_stages[s->stage]);
      return false;
    }
    return true;
  }
  if (ci->ins != INS_SELF) {
    imp_problem(im, imp_line(im), col,
                "%s: %s belongs to the %s instrument, not to the self-assessment survey", colname,
                id, ci->in->key);
    return false;
  }
  if (s && ci->role != s->role) {
    imp_problem(im, imp_line(im), col, "%s: %s is a %s item, but leader %s is a %s Careers Leader",
                colname, id, ci->it->role ? ci->it->role : "?", strbuf_str(&s->name),
                s->role >= 0 ? imp_roles[s->role] : "?");
    return false;
  }
  return true;
}

/* Parses one answer cell for item k; -1 (and a problem) when it is not on
 * the item's scale. */
static int answer_option(importer *im, int k, const char *v, int col, const char *colname) {
  const instrument_scale *sc = im->cat.items[k].it->scale;
  int opt = imp_scale_option(sc, v);
  if (opt < 0) {
    char showbuf[64];
    strbuf codes = STRBUF_INIT;
    for (size_t i = 0; i < sc->noptions; i++)
      strbuf_printf(&codes, "%s%s%s%s%s", i ? ", " : "", sc->options[i].code,
                    sc->options[i].label ? " \"" : "",
                    sc->options[i].label ? sc->options[i].label : "",
                    sc->options[i].label ? "\"" : "");
    const char *near = imp_scale_near(sc, v);
    if (near)
      imp_problem(im, imp_line(im), col,
                  "%s: %s is not on the %s scale of %s (%s); did you mean \"%s\"?", colname,
                  SHOW(v), sc->name, im->cat.items[k].it->id, strbuf_str(&codes), near);
    else
      imp_problem(im, imp_line(im), col, "%s: %s is not on the %s scale of %s (%s)", colname,
                  SHOW(v), sc->name, im->cat.items[k].it->id, strbuf_str(&codes));
    strbuf_free(&codes);
  }
  return opt;
}

/* The leader with this id: its database id and role; a problem when none.
 * The previous row's leader is remembered. */
static bool find_leader(importer *im, const char *key, int64_t *id, int *role) {
  if (im->leader_valid && strcmp(strbuf_str(&im->leader_key), key) == 0) {
    *id = im->leader_id;
    *role = im->leader_role;
    return *id != 0;
  }
  sqlite3_stmt *q =
      imp_stmt(im, Q_LEADER_ROLE, "SELECT id, role FROM leaders WHERE leader_key = ?1");
  if (!q)
    return false;
  sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
  int found = imp_query(im, q);
  if (found < 0)
    return false;
  im->leader_id = found ? sqlite3_column_int64(q, 0) : 0;
  im->leader_role = found ? imp_list_index((const char *)sqlite3_column_text(q, 1), imp_roles) : -1;
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
  const char *key = imp_cell(im, S_KEY), *when_s = imp_cell(im, S_WHEN);
  const char *stage_s = self ? imp_cell(im, S_STAGE) : "";
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
  if (!imp_required(im, S_KEY, &dummy)) {
    ok = false;
  } else if (self && !find_leader(im, key, &proto->leader_id, &proto->role)) {
    if (!im->failed)
      imp_fproblem(im, S_KEY, "no Careers Leader has the id %s (import leaders first)", SHOW(key));
    ok = false;
  } else if (!self && strchr(key, '@')) {
    /* The long-term survey is anonymous and its response_id is exported
     * without --include-personal: it must not name anyone. */
    imp_fproblem(im, S_KEY,
                 "%s looks like an email address; the long-term survey is anonymous, so give "
                 "the survey platform's own response id",
                 SHOW(key));
    ok = false;
  } else if (!self) {
    int64_t lid;
    int lrole;
    if (find_leader(im, key, &lid, &lrole)) {
      imp_fproblem(im, S_KEY,
                   "%s is a Careers Leader's id; the long-term survey is anonymous, so give the "
                   "survey platform's own response id",
                   SHOW(key));
      ok = false;
    } else if (im->failed) {
      ok = false;
    }
  }
  if (self)
    ok &= imp_enum(im, S_STAGE, imp_stages, &proto->stage);
  ok &= imp_date(im, S_WHEN, true, false, &empty, &proto->when);
  if (!ok || im->failed)
    return false;
  strbuf_reset(&proto->name);
  strbuf_puts(&proto->name, key);
  strbuf_reset(&proto->submitted_at);
  const char *at = imp_date_text(im, S_WHEN);
  strbuf_puts(&proto->submitted_at, at);
  strbuf_reset(&im->keybuf);
  if (self) {
    sqlite3_int64 id = proto->leader_id;
    strbuf_put(&im->keybuf, (const char *)&id, sizeof id);
    strbuf_putc(&im->keybuf, (char)('0' + proto->stage));
    strbuf_puts(&im->keybuf, at);
  } else {
    strbuf_puts(&im->keybuf, key);
  }
  if (!find_submission(im, proto, fresh))
    return false;
  if (!*fresh && !self && strcmp(strbuf_str(&im->cur.submitted_at), at) != 0) {
    imp_fproblem(im, S_WHEN,
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

void imp_row_survey(importer *im) {
  bool fresh;
  bool have = row_submission(im, &fresh);
  if (im->failed)
    return;
  if (have && !fresh && im->wide) {
    imp_problem(im, imp_line(im), imp_colno(im, S_KEY),
                "%s: the same response (%s) appears twice in the file (first on line %ld)",
                im->spec[S_KEY].name, imp_cell(im, S_KEY), im->cur.line);
    return;
  }
  const submission *s = have ? &im->cur : NULL;
  if (!im->wide) {
    const char *item = imp_cell(im, S_ITEM), *v = imp_cell(im, S_VALUE);
    char showbuf[64];
    if (!*item) {
      /* A response without answers is one row with item_id and value empty. */
      if (*v)
        imp_fproblem(im, S_ITEM, "empty, but the row has a value; which item does it answer?");
      return;
    }
    int k = catalog_find(&im->cat, item, strlen(item));
    if (k < 0) {
      imp_fproblem(im, S_ITEM, "%s is not an item of any instrument (see 'cleval instruments')",
                   SHOW(item));
      return;
    }
    if (!item_fits(im, k, s, imp_colno(im, S_ITEM), "item_id") || !*v)
      return; /* an empty value: not answered */
    int opt = answer_option(im, k, v, imp_colno(im, S_VALUE), "value");
    if (opt >= 0 && s)
      add_answer(im, k, opt, imp_colno(im, S_ITEM), "item_id");
    return;
  }
  for (size_t c = 0; c < im->ncols; c++) {
    int k = im->itemcol[c];
    const char *v = imp_field(im, c);
    if (k < 0 || !*v)
      continue;
    /* A question worded alike for every role: the leader's role's item. */
    if (im->bytext[c] && s && im->cat.items[k].ins == INS_SELF && s->role >= 0) {
      int alt = catalog_for_role(&im->cat, k, s->role);
      if (alt >= 0)
        k = alt;
    }
    if (!item_fits(im, k, s, (int)c + 1, im->cols[c]))
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
  int cnt[SCORE_NAREAS]; /* knowledge items answered in each area */
  uint64_t fp;
} candidate;

/* Complete: every knowledge item of every area of the role answered (an
 * area the role has no items in asks for none). */
static bool complete_by_area(const importer *im, const candidate *c, int role) {
  if (role < 0 || im->cat.knowledge[role] == 0)
    return false;
  for (int a = 0; a < SCORE_NAREAS; a++)
    if (c->cnt[a] < im->cat.total[role][a])
      return false;
  return true;
}

static bool better(const candidate *a, const candidate *b, int rule) {
  /* Under every rule, a submission without knowledge answers never
   * displaces one with them. */
  if ((a->nknow > 0) != (b->nknow > 0))
    return a->nknow > 0;
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
      imp_stmt(im, Q_ANSWERS_OF, "SELECT item_id, value, code FROM answers WHERE response_id = ?1");
  if (!q)
    return -1;
  sqlite3_bind_int64(q, 1, rid);
  *fp = 0;
  *n = 0;
  int rc;
  while ((rc = imp_query(im, q)) == 1) {
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
  imp_problem(im, line, imp_colno(im, S_WHEN),
              "submitted_at: leader %s's post survey (%s%s) is dated before their pre survey (%s, "
              "%s)",
              leader, strbuf_str(&post->submitted_at), post->line ? "" : ", in the database",
              strbuf_str(&pre->submitted_at), where);
}

/* A leader's stored self-assessment response at a stage: id, submitted_at,
 * role, knowledge items answered, knowledge items in all. */
static sqlite3_stmt *stored_response(importer *im, sqlite3_int64 leader_id, int stage) {
  sqlite3_stmt *q =
      imp_stmt(im, Q_RESP_SELF,
               "SELECT r.id, r.submitted_at, r.role,"
               " (SELECT total(items_answered) FROM area_scores WHERE response_id = r.id),"
               " (SELECT total(items_total) FROM area_scores WHERE response_id = r.id)"
               " FROM responses r WHERE r.survey = 'self-assessment'"
               " AND r.leader_id = ?1 AND r.stage = ?2");
  if (q) {
    sqlite3_bind_int64(q, 1, leader_id);
    sqlite3_bind_text(q, 2, imp_stages[stage], -1, SQLITE_STATIC);
  }
  return q;
}

static int stored_final(importer *im, sqlite3_int64 leader_id, int stage, final *f) {
  sqlite3_stmt *q = stored_response(im, leader_id, stage);
  if (!q)
    return -1;
  int found = imp_query(im, q);
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
  imp_count(im, action);
  if (subreg_decide(im->reg, id, action, response_id, im->err, im->errlen) != 0)
    im->failed = true;
  return !im->failed;
}

/* Decides the file's submissions of one leader and stage (g[0..n), in file
 * order) against each other and the database's response. */
static int resolve_group(importer *im, candidate *g, size_t n, sqlite3_int64 leader_id,
                         const char *leader, int stage, int role, final *f) {
  sqlite3_stmt *q = stored_response(im, leader_id, stage);
  if (!q)
    return -1;
  int found = imp_query(im, q);
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
    g[i].complete = complete_by_area(im, &g[i], role);
  /* The best candidate. */
  size_t ncand = n + (db_separate ? 1 : 0);
  candidate *best = NULL;
  for (size_t i = 0; i < ncand; i++) {
    candidate *c = i < n ? &g[i] : &db;
    if (best && im->rule == R_ERROR) {
      strbuf b = STRBUF_INIT;
      describe(im, &b, best, role);
      imp_problem(im, c->line ? c->line : best->line, imp_colno(im, S_KEY),
                  "%s: leader %s has a second %s submission (submitted %s); the first is %s, and "
                  "the duplicates rule is error",
                  im->spec[S_KEY].name, leader, imp_stages[stage], c->submitted_at, strbuf_str(&b));
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
    strbuf_printf(&b, "leader %s %s submitted %s (", leader, imp_stages[stage], c->submitted_at);
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
      bool same_role = db_role && role >= 0 && strcmp(db_role, imp_roles[role]) == 0;
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
  sqlite3_stmt *q = imp_stmt(im, Q_RESP_MAX, "SELECT coalesce(max(id), 0) FROM responses");
  if (!q || imp_query(im, q) != 1)
    return -1;
  im->next_response_id = sqlite3_column_int64(q, 0) + 1;
  sqlite3_reset(q);
  return 0;
}

int imp_resolve_self(importer *im) {
  if (!cur_save(im) || first_response_id(im) != 0 ||
      subreg_begin(im->reg, SUBREG_BY_LEADER, im->err, im->errlen) != 0)
    return -1;
  candidate *g = NULL;
  size_t n = 0, cap = 0;
  final f[2];
  memset(f, 0, sizeof f);
  bool seen[2] = {false, false};
  sqlite3_int64 g_leader = 0;
  int g_stage = -1, g_role = -1, rc = 0, step;
  strbuf leader = STRBUF_INIT;
  submission *w = &im->walk;
  for (;;) {
    step = subreg_next(im->reg, w, im->err, im->errlen);
    bool row = step == 1;
    sqlite3_int64 lid = row ? w->leader_id : 0;
    int stage = row ? w->stage : -1;
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
    g_role = w->role;
    strbuf_reset(&leader);
    strbuf_puts(&leader, strbuf_str(&w->name));
    g = xgrow(g, &cap, n + 1, sizeof *g);
    candidate *c = &g[n++];
    c->id = w->id;
    c->submitted_at = xstrdup(strbuf_str(&w->submitted_at));
    c->when = w->when;
    c->line = w->line;
    c->nanswers = w->nanswers;
    c->nknow = w->nknow;
    memcpy(c->cnt, w->cnt, sizeof c->cnt);
    c->fp = w->fp;
  }
  if (rc == 0 && step < 0)
    rc = -1;
  group_clear(g, n);
  free(g);
  strbuf_free(&leader);
  strbuf_free(&f[0].submitted_at);
  strbuf_free(&f[1].submitted_at);
  return rc;
}

int imp_resolve_longterm(importer *im) {
  if (!cur_save(im) || first_response_id(im) != 0 ||
      subreg_begin(im->reg, SUBREG_BY_ID, im->err, im->errlen) != 0)
    return -1;
  submission *w = &im->walk;
  int step, rc = 0;
  while (rc == 0 && (step = subreg_next(im->reg, w, im->err, im->errlen)) == 1) {
    const char *key = strbuf_str(&w->name);
    const char *at = strbuf_str(&w->submitted_at);
    sqlite3_stmt *e = imp_stmt(
        im, Q_RESP_KEY, "SELECT id, submitted_at, survey FROM responses WHERE response_key = ?1");
    if (!e) {
      rc = -1;
      break;
    }
    sqlite3_bind_text(e, 1, key, -1, SQLITE_STATIC);
    int found = imp_query(im, e);
    if (found < 0) {
      rc = -1;
      break;
    }
    if (!found) {
      sqlite3_reset(e);
      rc = decide(im, w->id, ACT_ADD, 0) ? 0 : -1;
    } else if (strcmp((const char *)sqlite3_column_text(e, 2), "long-term") != 0) {
      char showbuf[64];
      imp_problem(im, w->line, imp_colno(im, S_KEY),
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
      int action = same_time && fp == w->fp && n == w->nanswers ? ACT_SAME : ACT_UPDATE;
      rc = decide(im, w->id, action, rid) ? 0 : -1;
    }
  }
  if (rc == 0 && step < 0)
    rc = -1;
  return rc;
}

/* Pass 2, before the answers: new responses made, changed ones emptied. */
int imp_write_responses(importer *im) {
  bool self = im->kind == K_SELF;
  if (subreg_begin(im->reg, SUBREG_WRITES, im->err, im->errlen) != 0)
    return -1;
  submission *sub = &im->walk;
  int step = 0;
  while (!im->failed && (step = subreg_next(im->reg, sub, im->err, im->errlen)) == 1) {
    int stage = sub->stage, role = sub->role;
    const char *name = strbuf_str(&sub->name);
    const char *at = strbuf_str(&sub->submitted_at);
    sqlite3_int64 rid = sub->response_id;
    if (sub->action == ACT_ADD) {
      sqlite3_stmt *w =
          imp_stmt(im, Q_RESP_ADD,
                   "INSERT INTO responses (survey, leader_id, stage, role,"
                   " response_key, submitted_at, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
      if (!w)
        break;
      sqlite3_bind_text(w, 1, self ? "self-assessment" : "long-term", -1, SQLITE_STATIC);
      if (self) {
        sqlite3_bind_int64(w, 2, sub->leader_id);
        sqlite3_bind_text(w, 3, imp_stages[stage], -1, SQLITE_STATIC);
        if (role >= 0)
          sqlite3_bind_text(w, 4, imp_roles[role], -1, SQLITE_STATIC);
      } else {
        sqlite3_bind_text(w, 3, "followup", -1, SQLITE_STATIC);
        sqlite3_bind_text(w, 5, name, -1, SQLITE_STATIC);
      }
      sqlite3_bind_text(w, 6, at, -1, SQLITE_STATIC);
      sqlite3_bind_int64(w, 7, rid);
      if (!imp_run(im, w, "writing a response"))
        break;
    } else {
      sqlite3_stmt *w = imp_stmt(im, Q_RESP_SET,
                                 "UPDATE responses SET submitted_at = ?2, role = ?3 WHERE id = ?1");
      if (!w)
        break;
      sqlite3_bind_int64(w, 1, rid);
      sqlite3_bind_text(w, 2, at, -1, SQLITE_STATIC);
      if (self && role >= 0)
        sqlite3_bind_text(w, 3, imp_roles[role], -1, SQLITE_STATIC);
      if (!imp_run(im, w, "writing a response"))
        break;
      w = imp_stmt(im, Q_ANSWERS_DEL, "DELETE FROM answers WHERE response_id = ?1");
      if (!w)
        break;
      sqlite3_bind_int64(w, 1, rid);
      if (!imp_run(im, w, "replacing a response's answers"))
        break;
    }
  }
  if (step < 0) {
    im->failed = true;
    imp_name_error(im);
  }
  return im->failed ? -1 : 0;
}

/* Binds one answer as row n of an INSERT statement. */
static void bind_answer(importer *im, sqlite3_stmt *w, int n, sqlite3_int64 rid, int k, int opt) {
  const citem *ci = &im->cat.items[k];
  const instrument_option *o = &ci->it->scale->options[opt];
  int p = n * 4;
  sqlite3_bind_int64(w, p + 1, rid);
  sqlite3_bind_int64(w, p + 2, ci->id);
  if (instrument_scale_numeric(ci->it->scale)) {
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
    imp_db_fail(im, sqlite3_sql(w), "writing answers");
    return false;
  }
  return true;
}

/* Pass 2: the answers of new and changed responses, from the spool. */
int imp_write_answers(importer *im) {
  strbuf q = STRBUF_INIT;
  /* OR FAIL: a multi-row INSERT that may abort keeps a statement journal
   * for every execution; a failure fails the import, whose transaction is
   * rolled back whole (issue 19). */
  strbuf_puts(&q, "INSERT OR FAIL INTO answers (response_id, item_id, value, code) VALUES ");
  for (int i = 0; i < ANSWER_BATCH; i++)
    strbuf_puts(&q, i ? ", (?, ?, ?, ?)" : "(?, ?, ?, ?)");
  int rc = sqlite3_prepare_v2(im->db, strbuf_str(&q), -1, &im->batch, NULL);
  strbuf_free(&q);
  sqlite3_stmt *one = imp_stmt(im, Q_ANSWER_ADD,
                               "INSERT INTO answers (response_id, item_id, value, code)"
                               " VALUES (?1, ?2, ?3, ?4)");
  if (rc != SQLITE_OK || !one) {
    if (!im->failed)
      imp_db_fail(im, "INSERT OR FAIL INTO answers", "preparing a statement");
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
        int action;
        int64_t rid;
        if (subreg_action(im->reg, r->sub, &action, &rid, im->err, im->errlen) != 0) {
          im->failed = true;
          return -1;
        }
        last_rid = action == ACT_ADD || action == ACT_UPDATE ? rid : 0;
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
    imp_progress_tick(im);
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
int imp_write_scores(importer *im) {
  if (im->kind != K_SELF)
    return 0;
  if (subreg_begin(im->reg, SUBREG_WRITES, im->err, im->errlen) != 0)
    return -1;
  submission *sub = &im->walk;
  score_writer *w = NULL;
  int step, rc = 0;
  while (rc == 0 && (step = subreg_next(im->reg, sub, im->err, im->errlen)) == 1) {
    if (sub->role < 0)
      continue;
    score_tally t;
    for (int a = 0; a < SCORE_NAREAS; a++) {
      t.sum[a] = sub->sum[a];
      t.answered[a] = sub->cnt[a];
      t.total[a] = im->cat.total[sub->role][a];
    }
    if (!w && score_writer_new(&w, im->s, &im->score, im->err, im->errlen) != 0)
      rc = -1;
    else if (score_writer_put(w, sub->response_id, &t, im->err, im->errlen) != 0)
      rc = -1;
  }
  if (rc == 0 && step < 0)
    rc = -1;
  score_writer_free(w);
  if (rc != 0) {
    im->failed = true;
    imp_name_error(im);
  }
  return rc;
}

/* The answers a dry run would write: those of new and changed responses. */
void imp_count_answers(importer *im) {
  int64_t n = subreg_answers_to_write(im->reg, im->err, im->errlen);
  if (n >= 0)
    im->res->answers = (size_t)n;
}

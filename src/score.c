/* Area percentage scores and pre/post matching (see score.h). The
 * arithmetic is in score_area; everything else moves tallies in and out of
 * the database. */
#include "score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void score_settings_default(score_settings *cfg) {
  cfg->method = SCORE_PERCENT;
  cfg->min_answered = 0.5;
}

int score_settings_load(store *s, score_settings *cfg, char *err, size_t errlen) {
  score_settings_default(cfg);
  char *method = NULL, *min = NULL;
  if (store_setting_get(s, "score.method", "percent", &method, err, errlen) != 0 ||
      store_setting_get(s, "score.min_answered", "0.5", &min, err, errlen) != 0) {
    free(method);
    return -1;
  }
  int rc = 0;
  if (strcmp(method, "percent") == 0) {
    cfg->method = SCORE_PERCENT;
  } else if (strcmp(method, "rescaled") == 0) {
    cfg->method = SCORE_RESCALED;
  } else {
    snprintf(err, errlen, "setting score.method is \"%s\"; expected percent or rescaled", method);
    rc = -1;
  }
  char *end;
  double m = strtod(min, &end);
  if (rc == 0 && (end == min || *end || !(m >= 0 && m <= 1))) {
    snprintf(err, errlen, "setting score.min_answered is \"%s\"; expected a number from 0 to 1",
             min);
    rc = -1;
  }
  if (rc == 0)
    cfg->min_answered = m;
  free(method);
  free(min);
  return rc;
}

double score_area(double sum, int answered, int total, const score_settings *cfg) {
  if (answered <= 0 || total <= 0 || answered > total)
    return NAN;
  /* A small allowance so that, say, 0.6 x 5 is 3 and not 3.0000000000000004. */
  if ((double)answered + 1e-9 < cfg->min_answered * (double)total)
    return NAN;
  double k = answered;
  if (cfg->method == SCORE_RESCALED)
    return (sum - k) / (4.0 * k) * 100.0;
  return sum / (5.0 * k) * 100.0;
}

struct score_writer {
  sqlite3 *db;
  sqlite3_stmt *st;
  score_settings cfg;
};

int score_writer_new(score_writer **out, store *s, const score_settings *cfg, char *err,
                     size_t errlen) {
  score_writer *w = xcalloc(1, sizeof *w);
  w->db = store_db(s);
  w->cfg = *cfg;
  /* The four areas in one statement. */
  if (sqlite3_prepare_v2(w->db,
                         "INSERT OR REPLACE INTO area_scores (response_id, area, score,"
                         " items_answered, items_total) VALUES (?1, ?2, ?3, ?4, ?5),"
                         " (?1, ?6, ?7, ?8, ?9), (?1, ?10, ?11, ?12, ?13),"
                         " (?1, ?14, ?15, ?16, ?17)",
                         -1, &w->st, NULL) != SQLITE_OK) {
    store_fail(w->db, "storing area scores", err, errlen);
    score_writer_free(w);
    *out = NULL;
    return -1;
  }
  *out = w;
  return 0;
}

int score_writer_put(score_writer *w, sqlite3_int64 response_id, const score_tally *t, char *err,
                     size_t errlen) {
  sqlite3_bind_int64(w->st, 1, response_id);
  for (int a = 0; a < SCORE_NAREAS; a++) {
    double v = score_area(t->sum[a], t->answered[a], t->total[a], &w->cfg);
    int p = 2 + 4 * a;
    sqlite3_bind_text(w->st, p, vocab_name(VOCAB_AREA, a), -1, SQLITE_STATIC);
    if (isnan(v))
      sqlite3_bind_null(w->st, p + 1);
    else
      sqlite3_bind_double(w->st, p + 1, v);
    sqlite3_bind_int(w->st, p + 2, t->answered[a]);
    sqlite3_bind_int(w->st, p + 3, t->total[a]);
  }
  int rc = sqlite3_step(w->st);
  sqlite3_reset(w->st);
  if (rc != SQLITE_DONE)
    return store_fail(w->db, "storing area scores", err, errlen);
  return 0;
}

void score_writer_free(score_writer *w) {
  if (!w)
    return;
  sqlite3_finalize(w->st);
  free(w);
}

int score_store_tally(store *s, sqlite3_int64 response_id, const score_tally *t,
                      const score_settings *cfg, char *err, size_t errlen) {
  score_writer *w;
  if (score_writer_new(&w, s, cfg, err, errlen) != 0)
    return -1;
  int rc = score_writer_put(w, response_id, t, err, errlen);
  score_writer_free(w);
  return rc;
}

int score_response(store *s, sqlite3_int64 response_id, const score_settings *cfg, char *err,
                   size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st = NULL;
  int rc = -1;
  char *role = NULL;
  if (sqlite3_prepare_v2(db, "SELECT survey, role FROM responses WHERE id = ?1", -1, &st, NULL) !=
      SQLITE_OK) {
    store_fail(db, "scoring", err, errlen);
    goto cleanup;
  }
  sqlite3_bind_int64(st, 1, response_id);
  int step = sqlite3_step(st);
  if (step != SQLITE_ROW) {
    if (step == SQLITE_DONE)
      snprintf(err, errlen, "response %lld does not exist", (long long)response_id);
    else
      store_fail(db, "scoring", err, errlen);
    goto cleanup;
  }
  const char *survey = (const char *)sqlite3_column_text(st, 0);
  if (strcmp(survey, "self-assessment") != 0 || sqlite3_column_type(st, 1) == SQLITE_NULL) {
    snprintf(err, errlen, "response %lld is not a self-assessment response with a role",
             (long long)response_id);
    goto cleanup;
  }
  role = xstrdup((const char *)sqlite3_column_text(st, 1));
  sqlite3_finalize(st);
  /* Every item of the role's knowledge set, with this response's answer. */
  if (sqlite3_prepare_v2(db,
                         "SELECT it.area, count(*), count(a.value), total(a.value)"
                         " FROM items it JOIN instruments i ON i.id = it.instrument_id"
                         " LEFT JOIN answers a ON a.item_id = it.id AND a.response_id = ?1"
                         " WHERE i.key = 'self-assessment' AND it.role = ?2"
                         " AND it.area IS NOT NULL GROUP BY it.area",
                         -1, &st, NULL) != SQLITE_OK) {
    st = NULL;
    store_fail(db, "scoring", err, errlen);
    goto cleanup;
  }
  sqlite3_bind_int64(st, 1, response_id);
  sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
  score_tally t;
  memset(&t, 0, sizeof t);
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    int a = vocab_index(VOCAB_AREA, (const char *)sqlite3_column_text(st, 0));
    if (a < 0)
      continue;
    t.total[a] = sqlite3_column_int(st, 1);
    t.answered[a] = sqlite3_column_int(st, 2);
    t.sum[a] = sqlite3_column_double(st, 3);
  }
  if (step != SQLITE_DONE) {
    store_fail(db, "scoring", err, errlen);
    goto cleanup;
  }
  rc = score_store_tally(s, response_id, &t, cfg, err, errlen);
cleanup:
  sqlite3_finalize(st);
  free(role);
  return rc;
}

int score_rescore_all(store *s, const score_settings *cfg, size_t *n, char *err, size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st = NULL;
  size_t count = 0;
  if (store_begin(s, err, errlen) != 0)
    return -1;
  if (sqlite3_prepare_v2(db,
                         "SELECT id FROM responses WHERE survey = 'self-assessment'"
                         " AND role IS NOT NULL ORDER BY id",
                         -1, &st, NULL) != SQLITE_OK) {
    store_fail(db, "rescoring", err, errlen);
    goto fail;
  }
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    if (score_response(s, sqlite3_column_int64(st, 0), cfg, err, errlen) != 0)
      goto fail;
    count++;
  }
  if (step != SQLITE_DONE) {
    store_fail(db, "rescoring", err, errlen);
    goto fail;
  }
  sqlite3_finalize(st);
  if (store_commit(s, err, errlen) != 0)
    return -1;
  if (n)
    *n = count;
  return 0;
fail:
  sqlite3_finalize(st);
  store_rollback(s);
  return -1;
}

static char *dup_column(sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? xstrdup((const char *)t) : NULL;
}

int score_list(store *s, score_row **out, size_t *n, char *err, size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st;
  *out = NULL;
  *n = 0;
  if (sqlite3_prepare_v2(db,
                         "SELECT r.id, l.leader_key, r.stage, r.role, a.area, a.score"
                         " FROM responses r JOIN leaders l ON l.id = r.leader_id"
                         " LEFT JOIN area_scores a ON a.response_id = r.id"
                         " WHERE r.survey = 'self-assessment'"
                         " ORDER BY l.leader_key, r.stage = ?1, r.id",
                         -1, &st, NULL) != SQLITE_OK) {
    store_fail(db, "reading scores", err, errlen);
    return -1;
  }
  sqlite3_bind_text(st, 1, vocab_name(VOCAB_STAGE, VOCAB_POST), -1, SQLITE_STATIC);
  score_row *rows = NULL;
  size_t count = 0, cap = 0;
  sqlite3_int64 last = 0;
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    sqlite3_int64 id = sqlite3_column_int64(st, 0);
    if (count == 0 || id != last) { /* a response's rows are adjacent */
      rows = xgrow(rows, &cap, count + 1, sizeof *rows);
      score_row *r = &rows[count++];
      r->leader_key = dup_column(st, 1);
      r->stage = dup_column(st, 2);
      r->role = dup_column(st, 3);
      for (int a = 0; a < SCORE_NAREAS; a++)
        r->score[a] = NAN;
      last = id;
    }
    int a = vocab_index(VOCAB_AREA, (const char *)sqlite3_column_text(st, 4));
    if (a >= 0 && sqlite3_column_type(st, 5) != SQLITE_NULL)
      rows[count - 1].score[a] = sqlite3_column_double(st, 5);
  }
  sqlite3_finalize(st);
  if (step != SQLITE_DONE) {
    store_fail(db, "reading scores", err, errlen);
    score_rows_free(rows, count);
    return -1;
  }
  *out = rows;
  *n = count;
  return 0;
}

void score_rows_free(score_row *rows, size_t n) {
  for (size_t i = 0; rows && i < n; i++) {
    free(rows[i].leader_key);
    free(rows[i].stage);
    free(rows[i].role);
  }
  free(rows);
}

const char *score_match_status_name(score_match_status st) {
  switch (st) {
  case SCORE_MATCHED: return "matched";
  case SCORE_NO_PRE: return "no_pre";
  case SCORE_NO_POST: return "no_post";
  case SCORE_ROLE_CHANGED: return "role_changed";
  case SCORE_NO_RESPONSE: return "no_response";
  }
  return "?";
}

static char *dup_text(sqlite3_stmt *st, int col) {
  const unsigned char *t = sqlite3_column_text(st, col);
  return t ? xstrdup((const char *)t) : NULL;
}

int score_match_list(store *s, score_match **out, size_t *n, char *err, size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st;
  *out = NULL;
  *n = 0;
  if (sqlite3_prepare_v2(db,
                         "SELECT l.id, l.leader_key, pre.id, pre.role, post.id, post.role"
                         " FROM leaders l"
                         " LEFT JOIN responses pre ON pre.leader_id = l.id"
                         "  AND pre.survey = 'self-assessment' AND pre.stage = 'pre'"
                         " LEFT JOIN responses post ON post.leader_id = l.id"
                         "  AND post.survey = 'self-assessment' AND post.stage = 'post'"
                         " ORDER BY l.leader_key",
                         -1, &st, NULL) != SQLITE_OK)
    return store_fail(db, "matching", err, errlen);
  score_match *list = NULL;
  size_t len = 0, cap = 0;
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    list = xgrow(list, &cap, len + 1, sizeof *list);
    score_match *m = &list[len++];
    m->leader_id = sqlite3_column_int64(st, 0);
    m->leader_key = dup_text(st, 1);
    m->pre_id = sqlite3_column_int64(st, 2);
    m->pre_role = dup_text(st, 3);
    m->post_id = sqlite3_column_int64(st, 4);
    m->post_role = dup_text(st, 5);
    if (!m->pre_id && !m->post_id)
      m->status = SCORE_NO_RESPONSE;
    else if (!m->pre_id)
      m->status = SCORE_NO_PRE;
    else if (!m->post_id)
      m->status = SCORE_NO_POST;
    else if (!m->pre_role || !m->post_role || strcmp(m->pre_role, m->post_role) != 0)
      m->status = SCORE_ROLE_CHANGED;
    else
      m->status = SCORE_MATCHED;
  }
  sqlite3_finalize(st);
  if (step != SQLITE_DONE) {
    score_match_free(list, len);
    return store_fail(db, "matching", err, errlen);
  }
  *out = list;
  *n = len;
  return 0;
}

void score_match_free(score_match *m, size_t n) {
  if (!m)
    return;
  for (size_t i = 0; i < n; i++) {
    free(m[i].leader_key);
    free(m[i].pre_role);
    free(m[i].post_role);
  }
  free(m);
}

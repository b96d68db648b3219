/* Storing one complete response (see response.h). */
#include "response.h"

#include <stdio.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "vocab.h"

/* The tally of a self-assessment's answers for role. */
static void tally(const response_new *r, const response_answer *a, size_t n,
                  const instrument_bank *bank, score_tally *t) {
  memset(t, 0, sizeof *t);
  const instrument *in = instrument_bank_get(bank, "self-assessment");
  for (size_t i = 0; in && i < in->nitems; i++) {
    const instrument_item *it = &in->items[i];
    int area = vocab_index(VOCAB_AREA, it->area);
    if (area >= 0 && it->role && strcmp(it->role, r->role) == 0)
      t->total[area]++;
  }
  for (size_t i = 0; i < n; i++) {
    const instrument_item *it = a[i].item;
    int area = vocab_index(VOCAB_AREA, it->area);
    if (area >= 0 && it->role && strcmp(it->role, r->role) == 0 &&
        strcmp(it->scale->kind, "likert") == 0) {
      t->sum[area] += a[i].option->value;
      t->answered[area]++;
    }
  }
}

int response_store(store *s, const response_new *r, const response_answer *a, size_t n,
                   const instrument_bank *bank, const score_settings *cfg, sqlite3_int64 *id, int *duplicate, char *err,
                   size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st = NULL;
  *duplicate = 0;
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO responses (survey, leader_id, stage, role, submitted_at,"
                         " id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         -1, &st, NULL) != SQLITE_OK)
    return store_fail(db, "storing a response", err, errlen);
  sqlite3_bind_text(st, 1, r->survey, -1, SQLITE_STATIC);
  if (r->leader_id)
    sqlite3_bind_int64(st, 2, r->leader_id);
  sqlite3_bind_text(st, 3, r->stage, -1, SQLITE_STATIC);
  if (r->role)
    sqlite3_bind_text(st, 4, r->role, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, r->submitted_at, -1, SQLITE_STATIC);
  if (r->random_id) {
    uint64_t v;
    randombytes_buf(&v, sizeof v);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)(v >> 2) + 1); /* 1 to 2^62 */
  }
  if (sqlite3_step(st) != SQLITE_DONE) {
    *duplicate = sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE;
    store_fail(db, "storing a response", err, errlen);
    sqlite3_finalize(st);
    return -1;
  }
  sqlite3_finalize(st);
  *id = sqlite3_last_insert_rowid(db);
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO answers (response_id, item_id, value, code)"
                         " SELECT ?1, id, ?3, ?4 FROM items WHERE item_key = ?2",
                         -1, &st, NULL) != SQLITE_OK)
    return store_fail(db, "storing answers", err, errlen);
  for (size_t i = 0; i < n; i++) {
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, *id);
    sqlite3_bind_text(st, 2, a[i].item->id, -1, SQLITE_STATIC);
    if (strcmp(a[i].item->scale->kind, "categorical") == 0) {
      sqlite3_bind_null(st, 3);
      sqlite3_bind_text(st, 4, a[i].option->code, -1, SQLITE_STATIC);
    } else {
      sqlite3_bind_double(st, 3, a[i].option->value);
      sqlite3_bind_null(st, 4);
    }
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE || sqlite3_changes(db) != 1) {
      if (rc != SQLITE_DONE)
        store_fail(db, "storing answers", err, errlen);
      else
        snprintf(err, errlen, "item %s is not installed in this database", a[i].item->id);
      sqlite3_finalize(st);
      return -1;
    }
  }
  sqlite3_finalize(st);
  if (strcmp(r->survey, "self-assessment") == 0 && r->role) {
    score_tally t;
    tally(r, a, n, bank, &t);
    return score_store_tally(s, *id, &t, cfg, err, errlen);
  }
  return 0;
}

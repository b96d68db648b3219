/* One Compass return from its criteria (see compass_return.h). */
#include "compass_return.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "vocab.h"

bool compass_type_college(const char *type) {
  return vocab_type_is_college(vocab_index(VOCAB_TYPE, type));
}

int compass_sheet_init(compass_sheet *sheet, const instrument_bank *bank, const char *key,
                       bool college, char *err, size_t errlen) {
  memset(sheet, 0, sizeof *sheet);
  const instrument *in = instrument_bank_get(bank, key);
  if (!in || strncmp(key, "compass", 7) != 0) {
    snprintf(err, errlen, "%s is not a Compass instrument", key);
    return -1;
  }
  sheet->in = in;
  sheet->college = college;
  const char *role = college ? "college" : "school";
  for (size_t i = 0; i < in->nitems; i++) {
    const instrument_item *it = &in->items[i];
    if (it->benchmark < 1 || it->benchmark > COMPASS_NBENCHMARKS || !it->role ||
        strcmp(it->role, role) != 0)
      continue;
    if (sheet->nitems == COMPASS_MAX_CRITERIA) {
      snprintf(err, errlen, "%s has more than %d %s criteria", key, COMPASS_MAX_CRITERIA, role);
      return -1;
    }
    sheet->items[sheet->nitems++] = it;
    sheet->per_benchmark[it->benchmark - 1]++;
  }
  for (int b = 0; b < COMPASS_NBENCHMARKS; b++)
    if (sheet->per_benchmark[b] == 0) {
      snprintf(err, errlen, "%s has no %s criteria for benchmark %d", key, role, b + 1);
      return -1;
    }
  return 0;
}

double compass_pct(int met, int total) {
  if (total <= 0)
    return NAN;
  return floor(1000.0 * met / total + 0.5) / 10;
}

void compass_sheet_score(const compass_sheet *sheet, const int *met, double pct[8]) {
  int k[COMPASS_NBENCHMARKS] = {0};
  for (size_t i = 0; i < sheet->nitems; i++)
    if (met[i] == 1)
      k[sheet->items[i]->benchmark - 1]++;
  for (int b = 0; b < COMPASS_NBENCHMARKS; b++)
    pct[b] = compass_pct(k[b], sheet->per_benchmark[b]);
}

int compass_return_store(store *s, sqlite3_int64 establishment_id, const char *submitted_at,
                         const compass_sheet *sheet, const int *met, sqlite3_int64 *return_id,
                         char *err, size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *ret = NULL, *ans = NULL;
  int rc = -1;
  double pct[COMPASS_NBENCHMARKS];
  compass_sheet_score(sheet, met, pct);
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO compass_returns (establishment_id, submitted_at,"
                         " instrument_id, bm1, bm2, bm3, bm4, bm5, bm6, bm7, bm8)"
                         " SELECT ?1, ?2, id, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11"
                         " FROM instruments WHERE key = ?3 RETURNING id",
                         -1, &ret, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "INSERT INTO compass_answers (return_id, item_id, met)"
                         " SELECT ?1, id, ?3 FROM items WHERE item_key = ?2",
                         -1, &ans, NULL) != SQLITE_OK) {
    store_fail(db, "storing a Compass return", err, errlen);
    goto cleanup;
  }
  sqlite3_bind_int64(ret, 1, establishment_id);
  sqlite3_bind_text(ret, 2, submitted_at, -1, SQLITE_STATIC);
  sqlite3_bind_text(ret, 3, sheet->in->key, -1, SQLITE_STATIC);
  for (int b = 0; b < COMPASS_NBENCHMARKS; b++)
    sqlite3_bind_double(ret, 4 + b, pct[b]);
  int step = sqlite3_step(ret);
  if (step != SQLITE_ROW) {
    if (step == SQLITE_DONE)
      snprintf(err, errlen, "instrument %s is not installed in this database", sheet->in->key);
    else
      store_fail(db, "storing a Compass return", err, errlen);
    goto cleanup;
  }
  sqlite3_int64 id = sqlite3_column_int64(ret, 0);
  if (sqlite3_step(ret) != SQLITE_DONE) {
    store_fail(db, "storing a Compass return", err, errlen);
    goto cleanup;
  }
  for (size_t i = 0; i < sheet->nitems; i++) {
    if (met[i] != 0 && met[i] != 1) {
      snprintf(err, errlen, "criterion %s is not answered", sheet->items[i]->id);
      goto cleanup;
    }
    sqlite3_reset(ans);
    sqlite3_bind_int64(ans, 1, id);
    sqlite3_bind_text(ans, 2, sheet->items[i]->id, -1, SQLITE_STATIC);
    sqlite3_bind_int(ans, 3, met[i]);
    if (sqlite3_step(ans) != SQLITE_DONE) {
      store_fail(db, "storing a Compass return", err, errlen);
      goto cleanup;
    }
    if (sqlite3_changes(db) != 1) {
      snprintf(err, errlen, "item %s is not installed in this database", sheet->items[i]->id);
      goto cleanup;
    }
  }
  *return_id = id;
  rc = 0;
cleanup:
  sqlite3_finalize(ret);
  sqlite3_finalize(ans);
  return rc;
}

/* Erasure of one Careers Leader (see forget.h). */
#include "forget.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* One statement of forget's transaction, ?1 the leader's row id. */
static int run(sqlite3 *db, const char *sql, sqlite3_int64 id, long long *out, char *err,
               size_t errlen) {
  return store_step_id(db, "forget", sql, id, NULL, out, err, errlen);
}

int forget_leader(store *s, const char *leader_key, const char *actor, forget_counts *out,
                  char *err, size_t errlen) {
  sqlite3 *db = store_db(s);
  memset(out, 0, sizeof *out);
  if (sodium_init() < 0) {
    snprintf(err, errlen, "forget: libsodium could not start");
    return -1;
  }
  if (store_begin(s, err, errlen) != 0)
    return -1;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT id FROM leaders WHERE leader_key = ?1", -1, &st, NULL) !=
      SQLITE_OK) {
    store_fail(db, "forget", err, errlen);
    goto fail;
  }
  sqlite3_bind_text(st, 1, leader_key, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_int64 id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE) {
    store_rollback(s);
    snprintf(err, errlen, "no Careers Leader has the id \"%s\"", leader_key);
    return 1;
  }
  if (rc != SQLITE_ROW) {
    store_fail(db, "forget", err, errlen);
    goto fail;
  }
  /* A placeholder id: 128 random bits, recorded nowhere, so the ledger's
   * rows can never be tied back to leader_key. */
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  char hex[sizeof raw * 2 + 1], key[64];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  snprintf(key, sizeof key, "erased-%s", hex);
  if (run(db,
            "SELECT count(*) FROM answers WHERE response_id IN"
            " (SELECT id FROM responses WHERE leader_id = ?1)",
            id, &out->answers, err, errlen) != 0 ||
      run(db, "SELECT count(*) FROM enrolments WHERE leader_id = ?1", id, &out->enrolments, err,
            errlen) != 0 ||
      run(db,
            "SELECT count(*) FROM bursary_claims WHERE enrolment_id IN"
            " (SELECT id FROM enrolments WHERE leader_id = ?1)",
            id, &out->bursaries, err, errlen) != 0 ||
      run(db, "DELETE FROM leader_personal WHERE leader_id = ?1", id, &out->personal, err,
          errlen) != 0 ||
      /* answers and area_scores go with their responses (ON DELETE CASCADE). */
      run(db, "DELETE FROM responses WHERE leader_id = ?1", id, &out->responses, err, errlen) !=
          0 ||
      run(db,
          "DELETE FROM survey_drafts WHERE token_hash IN"
          " (SELECT token_hash FROM survey_tokens WHERE leader_id = ?1)",
          id, NULL, err, errlen) != 0 ||
      run(db, "DELETE FROM survey_tokens WHERE leader_id = ?1", id, &out->tokens, err, errlen) !=
          0 ||
      run(db, "DELETE FROM followup_invitations WHERE leader_id = ?1", id, &out->invitations, err,
          errlen) != 0 ||
      /* web_sessions go with their users (ON DELETE CASCADE). */
      run(db, "DELETE FROM users WHERE leader_id = ?1", id, &out->accounts, err, errlen) != 0)
    goto fail;
  if (store_step_id(db, "forget",
                    "UPDATE leaders SET leader_key = ?2, months_in_role = NULL,"
                    " contact_consent = 0 WHERE id = ?1",
                    id, key, NULL, err, errlen) != 0)
    goto fail;
  char n[8][24];
  long long v[8] = {out->personal,    out->responses, out->answers,    out->tokens,
                    out->invitations, out->accounts,  out->enrolments, out->bursaries};
  for (int i = 0; i < 8; i++)
    snprintf(n[i], sizeof n[i], "%lld", v[i]);
  const char *fields[] = {"leader",      leader_key, "personal",         n[0], "responses", n[1],
                          "answers",     n[2],       "links",            n[3], "invitations", n[4],
                          "accounts",    n[5],       "enrolments_kept",  n[6], "bursaries_kept",
                          n[7],          NULL};
  if (store_audit_db(db, actor, "forget", fields, err, errlen) != 0 ||
      store_commit(s, err, errlen) != 0)
    goto fail;
  return 0;
fail:
  store_rollback(s);
  return -1;
}

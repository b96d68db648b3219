/* Survey invitations (see invite.h). */
#include "invite.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "strbuf.h"
#include "token.h"
#include "xalloc.h"

/* Who should be invited: leader id, key, name, email. ?1 stage, ?2
 * provider key or NULL, ?3 cut-off date for the follow-up. */
static const char *const eligible_sql =
    "SELECT l.id, l.leader_key, coalesce(lp.name, ''), coalesce(lp.email, '')"
    " FROM leaders l LEFT JOIN leader_personal lp ON lp.leader_id = l.id"
    " WHERE EXISTS (SELECT 1 FROM enrolments e JOIN providers p ON p.id = e.provider_id"
    "   WHERE e.leader_id = l.id AND (?2 IS NULL OR p.provider_key = ?2)"
    "   AND CASE ?1 WHEN 'pre' THEN e.status = 'enrolled'"
    "     WHEN 'post' THEN e.status = 'completed'"
    "     ELSE e.status = 'completed' AND e.completion_date IS NOT NULL"
    "       AND substr(e.completion_date, 1, 10) <= ?3 END)"
    " AND (?1 <> 'followup' OR l.contact_consent = 1)"
    " AND (?1 = 'followup' OR NOT EXISTS (SELECT 1 FROM responses r"
    "   WHERE r.leader_id = l.id AND r.stage = ?1))"
    " AND (?1 <> 'followup' OR NOT EXISTS (SELECT 1 FROM followup_invitations f"
    "   WHERE f.leader_id = l.id))"
    " AND NOT EXISTS (SELECT 1 FROM survey_tokens t WHERE t.leader_id = l.id AND t.stage = ?1"
    "   AND t.used_at IS NULL AND t.revoked_at IS NULL)"
    " ORDER BY l.leader_key";

/* Who was invited and has not answered: those with a live link. */
static const char *const remind_sql =
    "SELECT l.id, l.leader_key, coalesce(lp.name, ''), coalesce(lp.email, '')"
    " FROM leaders l LEFT JOIN leader_personal lp ON lp.leader_id = l.id"
    " WHERE EXISTS (SELECT 1 FROM survey_tokens t WHERE t.leader_id = l.id AND t.stage = ?1"
    "   AND t.used_at IS NULL AND t.revoked_at IS NULL)"
    " AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.leader_id = l.id AND r.stage = ?1)"
    " AND (?2 IS NULL OR EXISTS (SELECT 1 FROM enrolments e JOIN providers p"
    "   ON p.id = e.provider_id WHERE e.leader_id = l.id AND p.provider_key = ?2))"
    " ORDER BY l.leader_key";

/* The follow-up cut-off: months before the as-of date (setting or today). */
static int cutoff(store *s, const char *today, char *out, char *err, size_t errlen) {
  char *months_s = NULL, *as_of = NULL;
  if (store_setting_get(s, "invite.followup_months", "6", &months_s, err, errlen) != 0 ||
      store_setting_get(s, "invite.followup_as_of", "", &as_of, err, errlen) != 0) {
    free(months_s);
    return -1;
  }
  int rc = -1, y, m, d;
  char *end;
  long months = strtol(months_s, &end, 10);
  const char *base = *as_of ? as_of : today;
  if (end == months_s || *end || months < 0 || months > 1200) {
    snprintf(err, errlen, "setting invite.followup_months is \"%s\"; expected whole months",
             months_s);
  } else if (!date_parse(base, &y, &m, &d)) {
    snprintf(err, errlen, "setting invite.followup_as_of is \"%s\"; expected YYYY-MM-DD or empty",
             as_of);
  } else {
    long total = (long)y * 12 + (m - 1) - months;
    y = (int)(total / 12);
    m = (int)(total % 12) + 1;
    while (d > 28 && !date_valid(y, m, d))
      d--;
    snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
    rc = 0;
  }
  free(months_s);
  free(as_of);
  return rc;
}

static int cmp_hash(const void *a, const void *b) { return strcmp(a, b); }

static int provider_exists(sqlite3 *db, const char *key) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM providers WHERE provider_key = ?1", -1, &st, NULL) !=
      SQLITE_OK)
    return -1;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int invite_run(store *s, const invite_options *o, FILE *out, size_t *n, int *invalid, char *err,
               size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *sel = NULL, *ins = NULL, *rev = NULL, *fol = NULL;
  strbuf csv = STRBUF_INIT;
  char (*hashes)[TOKEN_HASH_HEX] = NULL;
  size_t nhash = 0, hcap = 0;
  *n = 0;
  *invalid = 1;
  bool followup = strcmp(o->stage, "followup") == 0;
  if (!followup && strcmp(o->stage, "pre") != 0 && strcmp(o->stage, "post") != 0) {
    snprintf(err, errlen, "stage '%s' is not one of pre, post, followup", o->stage);
    return -1;
  }
  if (followup && o->remind) {
    snprintf(err, errlen,
             "--remind does not apply to the follow-up: it is anonymous, so nothing records who "
             "has answered (send the original links again instead)");
    return -1;
  }
  char cut[16] = "";
  if (followup && cutoff(s, o->today, cut, err, errlen) != 0)
    return -1;
  if (o->provider_key) {
    int e = provider_exists(db, o->provider_key);
    if (e == 0) {
      snprintf(err, errlen, "there is no provider '%s'", o->provider_key);
      return -1;
    }
    if (e < 0) {
      *invalid = 0;
      return store_fail(db, "reading providers", err, errlen);
    }
  }
  *invalid = 0;
  size_t blen = strlen(o->base_url);
  while (blen && o->base_url[blen - 1] == '/')
    blen--;
  if (store_begin(s, err, errlen) != 0)
    return -1;
  int rc = -1;
  if (sqlite3_prepare_v2(db, o->remind ? remind_sql : eligible_sql, -1, &sel, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "INSERT INTO survey_tokens (token_hash, leader_id, stage, created_at)"
                         " VALUES (?1, ?2, ?3, ?4)",
                         -1, &ins, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "UPDATE survey_tokens SET revoked_at = ?2 WHERE leader_id = ?1"
                         " AND stage = ?3 AND used_at IS NULL AND revoked_at IS NULL",
                         -1, &rev, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "INSERT INTO followup_invitations (leader_id, invited_on) VALUES (?1, ?2)",
                         -1, &fol, NULL) != SQLITE_OK) {
    store_fail(db, "making invitations", err, errlen);
    goto done;
  }
  sqlite3_bind_text(sel, 1, o->stage, -1, SQLITE_STATIC);
  if (o->provider_key)
    sqlite3_bind_text(sel, 2, o->provider_key, -1, SQLITE_STATIC);
  sqlite3_bind_text(sel, 3, followup ? cut : "-", -1, SQLITE_STATIC);
  /* Pre and post links record when they were made; follow-up links only
   * the day, like everything else about the follow-up. */
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  char stamp[32];
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  const char *created = followup ? o->today : stamp;
  strbuf_puts(&csv, "leader_id,name,email,url\n");
  int step;
  while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
    sqlite3_int64 lid = sqlite3_column_int64(sel, 0);
    char tok[TOKEN_MAX], hash[TOKEN_HASH_HEX];
    token_new(tok, 16);
    token_hash(tok, hash);
    if (o->remind) {
      sqlite3_reset(rev);
      sqlite3_bind_int64(rev, 1, lid);
      sqlite3_bind_text(rev, 2, stamp, -1, SQLITE_STATIC);
      sqlite3_bind_text(rev, 3, o->stage, -1, SQLITE_STATIC);
      if (sqlite3_step(rev) != SQLITE_DONE)
        break;
    }
    if (followup) {
      /* Stored later, in an order that has nothing to do with the
       * leaders' (see below). */
      hashes = xgrow(hashes, &hcap, nhash + 1, sizeof *hashes);
      memcpy(hashes[nhash++], hash, TOKEN_HASH_HEX);
    } else {
      sqlite3_reset(ins);
      sqlite3_bind_text(ins, 1, hash, -1, SQLITE_STATIC);
      sqlite3_bind_int64(ins, 2, lid);
      sqlite3_bind_text(ins, 3, o->stage, -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 4, created, -1, SQLITE_STATIC);
      if (sqlite3_step(ins) != SQLITE_DONE)
        break;
    }
    if (followup) {
      sqlite3_reset(fol);
      sqlite3_bind_int64(fol, 1, lid);
      sqlite3_bind_text(fol, 2, o->today, -1, SQLITE_STATIC);
      if (sqlite3_step(fol) != SQLITE_DONE)
        break;
    }
    strbuf_put_csv(&csv, (const char *)sqlite3_column_text(sel, 1));
    strbuf_putc(&csv, ',');
    strbuf_put_csv(&csv, (const char *)sqlite3_column_text(sel, 2));
    strbuf_putc(&csv, ',');
    strbuf_put_csv(&csv, (const char *)sqlite3_column_text(sel, 3));
    strbuf_putc(&csv, ',');
    strbuf_put(&csv, o->base_url, blen);
    strbuf_puts(&csv, "/s/");
    strbuf_puts(&csv, tok);
    strbuf_puts(&csv, "\n");
    (*n)++;
  }
  if (step != SQLITE_DONE) {
    store_fail(db, "making invitations", err, errlen);
    goto done;
  }
  /* Follow-up links go in ordered by their hashes, a random order: had they
   * gone in leader by leader, the order of the rows (their rowids) would
   * say whose each was, and which leaders had answered once used ones are
   * deleted. */
  if (nhash > 1)
    qsort(hashes, nhash, sizeof *hashes, cmp_hash);
  for (size_t i = 0; i < nhash; i++) {
    sqlite3_reset(ins);
    sqlite3_bind_text(ins, 1, hashes[i], -1, SQLITE_STATIC);
    sqlite3_bind_null(ins, 2);
    sqlite3_bind_text(ins, 3, o->stage, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, created, -1, SQLITE_STATIC);
    if (sqlite3_step(ins) != SQLITE_DONE) {
      store_fail(db, "making invitations", err, errlen);
      goto done;
    }
  }
  char detail[200];
  snprintf(detail, sizeof detail, "stage %s%s%s: %zu %s", o->stage,
           o->provider_key ? ", provider " : "", o->provider_key ? o->provider_key : "", *n,
           o->remind ? "reminders (old links revoked)" : "links");
  if (store_audit(s, o->actor, o->remind ? "invite remind" : "invite", detail, err, errlen) != 0)
    goto done;
  if (fwrite(csv.data, 1, csv.len, out) != csv.len || fflush(out) != 0) {
    snprintf(err, errlen, "writing the links failed; no link was made");
    goto done;
  }
  rc = 0;
done:
  sqlite3_finalize(sel);
  sqlite3_finalize(ins);
  sqlite3_finalize(rev);
  sqlite3_finalize(fol);
  strbuf_free(&csv);
  free(hashes);
  if (rc == 0)
    return store_commit(s, err, errlen);
  store_rollback(s);
  return -1;
}

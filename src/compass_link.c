/* Establishments' reusable Compass links (see compass_link.h). */
#include "compass_link.h"

#include <string.h>

#include "strbuf.h"
#include "token.h"

/* The establishment's id for urn: 1 found, 0 not, -1 failure. */
static int establishment_id(sqlite3 *db, const char *urn, sqlite3_int64 *id, char *err,
                            size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT id FROM establishments WHERE urn = ?1", -1, &st, NULL) !=
      SQLITE_OK)
    return store_fail(db, "finding an establishment", err, errlen);
  sqlite3_bind_text(st, 1, urn, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  int found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
  if (found == 1)
    *id = sqlite3_column_int64(st, 0);
  if (found < 0)
    store_fail(db, "finding an establishment", err, errlen);
  sqlite3_finalize(st);
  return found;
}

static int revoke_live(sqlite3 *db, sqlite3_int64 est, const char *now, size_t *n, char *err,
                       size_t errlen) {
  long long changed;
  if (store_step_id(db, "revoking a Compass link",
                    "UPDATE compass_links SET revoked_at = ?2"
                    " WHERE establishment_id = ?1 AND revoked_at IS NULL",
                    est, now, &changed, err, errlen) != 0)
    return -1;
  if (n)
    *n = (size_t)changed;
  return 0;
}

int compass_link_issue(store *s, const compass_link_options *o, FILE *out, size_t *n, int *invalid,
                       char *err, size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *sel = NULL, *ins = NULL;
  strbuf csv = STRBUF_INIT, detail = STRBUF_INIT;
  int rc = -1;
  *n = 0;
  *invalid = 0;
  size_t blen = strlen(o->base_url);
  while (blen > 0 && o->base_url[blen - 1] == '/')
    blen--;
  if (store_begin(s, err, errlen) != 0)
    return -1;
  sqlite3_int64 only = 0;
  if (o->urn) {
    int f = establishment_id(db, o->urn, &only, err, errlen);
    if (f <= 0) {
      if (f == 0) {
        snprintf(err, errlen, "no establishment has URN %s", o->urn);
        *invalid = 1;
      }
      goto cleanup;
    }
    if (revoke_live(db, only, o->now, NULL, err, errlen) != 0)
      goto cleanup;
  }
  if (sqlite3_prepare_v2(db,
                         "SELECT e.id, e.urn, e.name FROM establishments e"
                         " WHERE (?1 = 0 AND NOT EXISTS (SELECT 1 FROM compass_links l"
                         "  WHERE l.establishment_id = e.id AND l.revoked_at IS NULL))"
                         " OR e.id = ?1 ORDER BY e.urn",
                         -1, &sel, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "INSERT INTO compass_links (token_hash, establishment_id, created_at)"
                         " VALUES (?1, ?2, ?3)",
                         -1, &ins, NULL) != SQLITE_OK) {
    store_fail(db, "making Compass links", err, errlen);
    goto cleanup;
  }
  sqlite3_bind_int64(sel, 1, only);
  strbuf_puts(&csv, "urn,name,url\n");
  int step;
  while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
    char tok[TOKEN_MAX], hash[TOKEN_HASH_HEX];
    token_new(tok, COMPASS_LINK_BYTES);
    token_hash(tok, hash);
    sqlite3_reset(ins);
    sqlite3_bind_text(ins, 1, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins, 2, sqlite3_column_int64(sel, 0));
    sqlite3_bind_text(ins, 3, o->now, -1, SQLITE_STATIC);
    if (sqlite3_step(ins) != SQLITE_DONE) {
      store_fail(db, "making Compass links", err, errlen);
      goto cleanup;
    }
    strbuf_put_csv(&csv, (const char *)sqlite3_column_text(sel, 1));
    strbuf_putc(&csv, ',');
    strbuf_put_csv(&csv, (const char *)sqlite3_column_text(sel, 2));
    strbuf_putc(&csv, ',');
    strbuf t = STRBUF_INIT;
    strbuf_put(&t, o->base_url, blen);
    strbuf_printf(&t, "/compass/%s", tok);
    strbuf_put_csv(&csv, strbuf_str(&t));
    strbuf_free(&t);
    strbuf_putc(&csv, '\n');
    (*n)++;
  }
  if (step != SQLITE_DONE) {
    store_fail(db, "making Compass links", err, errlen);
    goto cleanup;
  }
  strbuf_printf(&detail, "%zu link(s)", *n);
  if (o->urn)
    strbuf_printf(&detail, " for URN %s (any earlier link revoked)", o->urn);
  if (store_audit(s, o->actor, "compass links issued", strbuf_str(&detail), err, errlen) != 0)
    goto cleanup;
  if (fwrite(csv.data ? csv.data : "", 1, csv.len, out) != csv.len || fflush(out) != 0) {
    snprintf(err, errlen, "writing the links failed; no link was made");
    goto cleanup;
  }
  if (store_commit(s, err, errlen) != 0)
    goto cleanup;
  rc = 0;
cleanup:
  if (rc != 0)
    store_rollback(s);
  sqlite3_finalize(sel);
  sqlite3_finalize(ins);
  strbuf_free(&csv);
  strbuf_free(&detail);
  return rc;
}

int compass_link_revoke(store *s, const char *urn, const char *now, const char *actor, size_t *n,
                        int *invalid, char *err, size_t errlen) {
  sqlite3 *db = store_db(s);
  *invalid = 0;
  *n = 0;
  if (store_begin(s, err, errlen) != 0)
    return -1;
  sqlite3_int64 est;
  int f = establishment_id(db, urn, &est, err, errlen);
  if (f <= 0) {
    if (f == 0) {
      snprintf(err, errlen, "no establishment has URN %s", urn);
      *invalid = 1;
    }
    store_rollback(s);
    return -1;
  }
  char detail[160];
  if (revoke_live(db, est, now, n, err, errlen) != 0)
    goto fail;
  snprintf(detail, sizeof detail, "%zu link(s) of URN %s", *n, urn);
  if (store_audit(s, actor, "compass links revoked", detail, err, errlen) != 0 ||
      store_commit(s, err, errlen) != 0)
    goto fail;
  return 0;
fail:
  store_rollback(s);
  return -1;
}

int compass_link_find(store *s, const char *token, sqlite3_int64 *establishment_id, char *err,
                      size_t errlen) {
  if (!token_well_formed(token, COMPASS_LINK_BYTES))
    return 0;
  char hash[TOKEN_HASH_HEX];
  token_hash(token, hash);
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db,
                         "SELECT establishment_id, revoked_at IS NOT NULL FROM compass_links"
                         " WHERE token_hash = ?1",
                         -1, &st, NULL) != SQLITE_OK)
    return store_fail(db, "finding a Compass link", err, errlen);
  sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st), found;
  if (rc == SQLITE_ROW) {
    *establishment_id = sqlite3_column_int64(st, 0);
    found = sqlite3_column_int(st, 1) ? 2 : 1;
  } else if (rc == SQLITE_DONE) {
    found = 0;
  } else {
    found = store_fail(db, "finding a Compass link", err, errlen);
  }
  sqlite3_finalize(st);
  return found;
}

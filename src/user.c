/* User accounts and password checks (see user.h). */
#include "user.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

bool user_name_ok(const char *name) {
  size_t n = strlen(name);
  if (n < 1 || n > USER_NAME_MAX)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '-' || c == '@'))
      return false;
  }
  return true;
}

int user_add(store *s, const char *name, const char *role, const char *provider_key,
             const char *password, const char *actor, int *invalid, char *err, size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st = NULL;
  *invalid = 1;
  if (!user_name_ok(name)) {
    snprintf(err, errlen,
             "user name '%.80s' is not allowed: use 1 to %d letters, digits, '.', '_', '-' or '@'",
             name, USER_NAME_MAX);
    return -1;
  }
  bool is_provider = strcmp(role, "provider") == 0;
  if (!is_provider && strcmp(role, "admin") != 0 && strcmp(role, "analyst") != 0) {
    snprintf(err, errlen, "role '%.40s' is not one of admin, analyst, provider", role);
    return -1;
  }
  if (is_provider && !provider_key) {
    snprintf(err, errlen, "a provider user needs --provider KEY");
    return -1;
  }
  if (!is_provider && provider_key) {
    snprintf(err, errlen, "--provider is only for users with the role provider");
    return -1;
  }
  size_t plen = strlen(password);
  if (plen < USER_PASSWORD_MIN || plen > USER_PASSWORD_MAX) {
    snprintf(err, errlen, "the password must have %d to %d characters", USER_PASSWORD_MIN,
             USER_PASSWORD_MAX);
    return -1;
  }
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password, plen, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    *invalid = 0;
    snprintf(err, errlen, "hashing the password failed (out of memory)");
    return -1;
  }
  *invalid = 0;
  if (store_begin(s, err, errlen) != 0)
    return -1;
  sqlite3_int64 provider_id = 0;
  if (is_provider) {
    if (sqlite3_prepare_v2(db, "SELECT id FROM providers WHERE provider_key = ?1", -1, &st,
                           NULL) != SQLITE_OK)
      goto dberr;
    sqlite3_bind_text(st, 1, provider_key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      provider_id = sqlite3_column_int64(st, 0);
    } else if (rc == SQLITE_DONE) {
      *invalid = 1;
      snprintf(err, errlen, "there is no provider '%.80s'", provider_key);
      goto fail;
    } else {
      goto dberr;
    }
    sqlite3_finalize(st);
    st = NULL;
  }
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO users (username, password_hash, role, provider_id)"
                         " VALUES (?1, ?2, ?3, ?4)",
                         -1, &st, NULL) != SQLITE_OK)
    goto dberr;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
  if (is_provider)
    sqlite3_bind_int64(st, 4, provider_id);
  else
    sqlite3_bind_null(st, 4);
  if (sqlite3_step(st) != SQLITE_DONE) {
    if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE) {
      *invalid = 1;
      snprintf(err, errlen, "a user '%.80s' already exists", name);
      goto fail;
    }
    goto dberr;
  }
  sqlite3_finalize(st);
  st = NULL;
  char detail[200];
  snprintf(detail, sizeof detail, "user %s, role %s%s%s", name, role, is_provider ? ", provider " : "",
           is_provider ? provider_key : "");
  if (store_audit(s, actor, "user add", detail, err, errlen) != 0)
    goto fail;
  sodium_memzero(hash, sizeof hash);
  return store_commit(s, err, errlen);
dberr:
  store_fail(db, "adding a user", err, errlen);
fail:
  sqlite3_finalize(st);
  store_rollback(s);
  sodium_memzero(hash, sizeof hash);
  return -1;
}

int user_remove(store *s, const char *name, const char *actor, int *invalid, char *err,
                size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st = NULL;
  *invalid = 0;
  if (store_begin(s, err, errlen) != 0)
    return -1;
  if (sqlite3_prepare_v2(db, "DELETE FROM users WHERE username = ?1", -1, &st, NULL) != SQLITE_OK)
    goto dberr;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_DONE)
    goto dberr;
  if (sqlite3_changes(db) == 0) {
    *invalid = 1;
    snprintf(err, errlen, "there is no user '%.80s'", name);
    goto fail;
  }
  sqlite3_finalize(st);
  st = NULL;
  char detail[120];
  snprintf(detail, sizeof detail, "user %s", name);
  if (store_audit(s, actor, "user remove", detail, err, errlen) != 0)
    goto fail;
  return store_commit(s, err, errlen);
dberr:
  store_fail(db, "removing a user", err, errlen);
fail:
  sqlite3_finalize(st);
  store_rollback(s);
  return -1;
}

static const char *const select_user = "SELECT u.id, u.username, u.role, p.provider_key,"
                                       " u.created_at, u.password_hash FROM users u"
                                       " LEFT JOIN providers p ON p.id = u.provider_id";

static char *dup_col(sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? xstrdup((const char *)t) : NULL;
}

static void fill(user_info *u, sqlite3_stmt *st) {
  u->id = sqlite3_column_int64(st, 0);
  u->name = dup_col(st, 1);
  u->role = dup_col(st, 2);
  u->provider_key = dup_col(st, 3);
  u->created_at = dup_col(st, 4);
}

void user_info_clear(user_info *u) {
  if (!u)
    return;
  free(u->name);
  free(u->role);
  free(u->provider_key);
  free(u->created_at);
  memset(u, 0, sizeof *u);
}

int user_list(store *s, user_info **out, size_t *n, char *err, size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st;
  char sql[400];
  snprintf(sql, sizeof sql, "%s ORDER BY u.username", select_user);
  *out = NULL;
  *n = 0;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    return store_fail(db, "listing users", err, errlen);
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    *out = xgrow(*out, &cap, *n + 1, sizeof **out);
    fill(&(*out)[(*n)++], st);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    user_list_free(*out, *n);
    *out = NULL;
    *n = 0;
    return store_fail(db, "listing users", err, errlen);
  }
  return 0;
}

void user_list_free(user_info *u, size_t n) {
  for (size_t i = 0; u && i < n; i++)
    user_info_clear(&u[i]);
  free(u);
}

/* A hash to check against when the user does not exist, so that the
 * answer takes as long either way. Made once; never matches (a random
 * password). */
static char dummy[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void) {
  static const char pw[] = "no user has this password; it is never offered";
  if (crypto_pwhash_str(dummy, pw, sizeof pw - 1, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    dummy[0] = '\0';
}

static const char *dummy_hash(void) {
  pthread_once(&dummy_once, make_dummy);
  return dummy[0] ? dummy : NULL;
}

int user_check(store *s, const char *name, const char *password, user_info *out, char *err,
               size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st;
  char sql[400];
  snprintf(sql, sizeof sql, "%s WHERE u.username = ?1 AND u.role IN ('admin', 'analyst', 'provider')",
           select_user);
  memset(out, 0, sizeof *out);
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    return store_fail(db, "checking a password", err, errlen);
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sqlite3_finalize(st);
    return store_fail(db, "checking a password", err, errlen);
  }
  size_t plen = strlen(password);
  if (rc == SQLITE_DONE) {
    sqlite3_finalize(st);
    const char *h = dummy_hash();
    /* The result is thrown away: this only takes the time a check takes. */
    if (h && crypto_pwhash_str_verify(h, password, plen) == 0)
      return 0;
    return 0;
  }
  char *hash = dup_col(st, 5);
  int ok = hash && crypto_pwhash_str_verify(hash, password, plen) == 0;
  if (ok)
    fill(out, st);
  free(hash);
  sqlite3_finalize(st);
  return ok ? 1 : 0;
}

int user_get(store *s, sqlite3_int64 id, user_info *out, char *err, size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st;
  char sql[400];
  snprintf(sql, sizeof sql, "%s WHERE u.id = ?1", select_user);
  memset(out, 0, sizeof *out);
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    return store_fail(db, "reading a user", err, errlen);
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    fill(out, st);
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return store_fail(db, "reading a user", err, errlen);
  return rc == SQLITE_ROW;
}

/* Backups and restores through SQLite's online backup API (see backup.h).
 * One backup step copies every page inside one read transaction, so the
 * copy is the database at one moment even while the web server writes. */
#include "backup.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "tempfile.h"
#include "xalloc.h"

/* How long a backup waits, in all, for locks held by other connections. */
#define WAIT_MS 30000
#define PAUSE_MS 20

/* A new empty temporary file beside path ("PATH.tmp-PID-XXXXXX"), its name in
 * *tmp (caller frees). Returns 0 or -1 with a message. */
static int make_temp(const char *path, char **tmp, char *err, size_t errlen) {
  tempfile_clean(path, time(NULL)); /* what killed runs left */
  int fd = tempfile_open(path, tmp, err, errlen);
  if (fd < 0)
    return -1;
  close(fd);
  return 0;
}

/* Removes a temporary database and anything SQLite left beside it. */
static void remove_temp(const char *tmp) {
  if (!tmp)
    return;
  remove(tmp);
  static const char *const sfx[] = {"-journal", "-wal", "-shm"};
  for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
    char *p = xmalloc(strlen(tmp) + 16);
    sprintf(p, "%s%s", tmp, sfx[i]);
    remove(p);
    free(p);
  }
}

/* Makes the directory entry of a rename durable. */
static void sync_dir(const char *path) {
  char *dir = xstrdup(path);
  char *slash = strrchr(dir, '/');
  if (slash == dir)
    slash[1] = '\0';
  else if (slash)
    *slash = '\0';
  else
    strcpy(dir, ".");
  int fd = open(dir, O_RDONLY);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
  free(dir);
}

static int exec(sqlite3 *db, const char *sql, const char *what, char *err, size_t errlen) {
  if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return store_fail(db, what, err, errlen);
  return 0;
}

/* Copies every page of src's main database into dest's in one step,
 * waiting out other connections' locks (up to WAIT_MS). */
static int copy_pages(sqlite3 *dest, sqlite3 *src, const char *what, char *err, size_t errlen) {
  sqlite3_backup *b = sqlite3_backup_init(dest, "main", src, "main");
  if (!b)
    return store_fail(dest, what, err, errlen);
  int rc, waited = 0;
  while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    if (waited >= WAIT_MS)
      break;
    sqlite3_sleep(PAUSE_MS);
    waited += PAUSE_MS;
  }
  int frc = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE || frc != SQLITE_OK) {
    int code = rc != SQLITE_DONE ? rc : frc;
    if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
      snprintf(err, errlen, "%s: the database stayed locked by another program for %d s", what,
               WAIT_MS / 1000);
    else
      snprintf(err, errlen, "%s: %s", what, sqlite3_errstr(code));
    return -1;
  }
  return 0;
}

static int quick_check(sqlite3 *db, const char *what, char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL) != SQLITE_OK)
    return store_fail(db, what, err, errlen);
  int rc = sqlite3_step(st);
  const char *v = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
  int ok = v && strcmp(v, "ok") == 0;
  if (!ok) {
    if (v)
      snprintf(err, errlen, "%s: the copy failed its check (%s)", what, v);
    else
      store_fail(db, what, err, errlen);
  }
  sqlite3_finalize(st);
  return ok ? 0 : -1;
}

static int open_db(sqlite3 **db, const char *path, int flags, char *err, size_t errlen) {
  if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
    store_fail(*db, path, err, errlen);
    sqlite3_close(*db);
    *db = NULL;
    return -1;
  }
  sqlite3_busy_timeout(*db, WAIT_MS);
  sqlite3_extended_result_codes(*db, 1);
  return 0;
}

/* Closes *dest and, when *tmp names a temporary file, renames it onto path
 * durably and frees it. what: the finished file, for the message. */
static int finish(sqlite3 **dest, char **tmp, const char *path, const char *what, char *err,
                  size_t errlen) {
  if (sqlite3_close(*dest) != SQLITE_OK)
    return store_fail(*dest, path, err, errlen);
  *dest = NULL;
  if (!*tmp)
    return 0;
  if (rename(*tmp, path) != 0) {
    snprintf(err, errlen, "%s: cannot rename the %s into place: %s", path, what,
             strerror(errno));
    return -1;
  }
  sync_dir(path);
  free(*tmp);
  *tmp = NULL;
  return 0;
}

int backup_make(const char *db_path, const char *file, bool force, const char *actor, char *err, size_t errlen) {
  struct stat st;
  if (!force && lstat(file, &st) == 0) {
    snprintf(err, errlen, "%s: already exists; give --force to replace it", file);
    return -1;
  }
  store *s = NULL;
  sqlite3 *dest = NULL;
  char *tmp = NULL;
  int rc = -1;
  if (store_open(&s, db_path, err, errlen) != 0)
    return -1;
  /* The entry is committed before a byte is copied: a backup holds every
   * Careers Leader's personal details. */
  if (store_begin(s, err, errlen) != 0)
    goto cleanup;
  const char *fields[] = {"file", file, NULL};
  if (store_audit_db(store_db(s), actor, "backup", fields, err, errlen) != 0 ||
      store_commit(s, err, errlen) != 0) {
    store_rollback(s);
    goto cleanup;
  }
  if (make_temp(file, &tmp, err, errlen) != 0)
    goto cleanup;
  if (open_db(&dest, tmp, SQLITE_OPEN_READWRITE, err, errlen) != 0 ||
      copy_pages(dest, store_db(s), file, err, errlen) != 0 ||
      /* One self-contained file: no -wal beside it to lose in a copy. */
      exec(dest, "PRAGMA journal_mode = DELETE", file, err, errlen) != 0 ||
      quick_check(dest, file, err, errlen) != 0)
    goto cleanup;
  if (finish(&dest, &tmp, file, "finished backup", err, errlen) != 0)
    goto cleanup;
  rc = 0;
cleanup:
  if (dest)
    sqlite3_close(dest);
  remove_temp(tmp);
  free(tmp);
  store_close(s);
  return rc;
}

/* Whether path is something a restore may replace: a cleval database of
 * any version, or a damaged SQLite file that still says it is one. */
static int replaceable(const char *path, char *err, size_t errlen) {
  int version;
  char why[512];
  if (store_check_file(path, &version, why, sizeof why) == 0)
    return 0;
  if (strstr(why, "damaged"))
    return 0;
  snprintf(err, errlen, "%s: refusing to replace it: %s", path, why);
  return -1;
}

int backup_restore(const char *file, const char *db_path, bool force, const char *actor, int *version, char *err,
                   size_t errlen) {
  *version = 0;
  char why[512];
  if (store_check_file(file, version, why, sizeof why) != 0) {
    snprintf(err, errlen, "%s: not a backup cleval can restore: %s", file, why);
    return -1;
  }
  struct stat st;
  bool exists = lstat(db_path, &st) == 0;
  if (exists && !force) {
    snprintf(err, errlen, "%s: already exists; give --force to replace it with %s", db_path,
             file);
    return -1;
  }
  if (exists && replaceable(db_path, err, errlen) != 0)
    return -1;
  if (!exists) {
    /* A -wal left without its database would be read into the new one. */
    char *wal = xmalloc(strlen(db_path) + 8);
    sprintf(wal, "%s-wal", db_path);
    bool stale = lstat(wal, &st) == 0;
    free(wal);
    if (stale) {
      snprintf(err, errlen, "%s-wal: a write-ahead log without its database; remove it first",
               db_path);
      return -1;
    }
  }
  sqlite3 *src = NULL, *dest = NULL;
  char *tmp = NULL;
  int rc = -1;
  if (open_db(&src, file, SQLITE_OPEN_READONLY, err, errlen) != 0)
    goto cleanup;
  if (!exists && make_temp(db_path, &tmp, err, errlen) != 0)
    goto cleanup;
  const char *target = exists ? db_path : tmp;
  if (open_db(&dest, target, SQLITE_OPEN_READWRITE, err, errlen) != 0 ||
      copy_pages(dest, src, db_path, err, errlen) != 0)
    goto cleanup;
  /* The journal mode a cleval database runs in; a busy database keeps
   * the mode it has. */
  sqlite3_exec(dest, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
  if (quick_check(dest, db_path, err, errlen) != 0 ||
      exec(dest, "BEGIN IMMEDIATE", db_path, err, errlen) != 0)
    goto cleanup;
  const char *fields[] = {"from", file, NULL};
  if (store_audit_db(dest, actor, "restore", fields, err, errlen) != 0 ||
      exec(dest, "COMMIT", db_path, err, errlen) != 0) {
    sqlite3_exec(dest, "ROLLBACK", NULL, NULL, NULL);
    goto cleanup;
  }
  if (finish(&dest, &tmp, db_path, "restored database", err, errlen) != 0)
    goto cleanup;
  rc = 0;
cleanup:
  if (dest)
    sqlite3_close(dest);
  if (src)
    sqlite3_close(src);
  remove_temp(tmp);
  free(tmp);
  return rc;
}

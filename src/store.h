/* The SQLite database that holds one programme's data: opening, the schema
 * and its numbered migrations, transactions and the append-only audit log.
 * Other modules run their own prepared statements on store_db(). */
#ifndef CLEVAL_STORE_H
#define CLEVAL_STORE_H

#include <sqlite3.h>
#include <stdint.h>
#include <stddef.h>

typedef struct store store;
struct instrument_bank;

/* The schema version this build creates and expects. */
int store_schema_latest(void);

/* Creates a new database at path, or migrates an older cleval database to
 * the latest schema, and installs the built-in instruments in bank. Refuses
 * (returns -1, file untouched) when path exists and is not a cleval
 * database, or is already at the latest version (*was_current set to 1 then,
 * so the caller can say so). All changes happen in one transaction.
 * *from_version gets the version found (0 for a new file). The audit log
 * records the init or migration as done by actor. */
int store_init(const char *path, const struct instrument_bank *bank, const char *actor,
               int *from_version, int *was_current, char *err, size_t errlen);

/* As store_init, but stops at schema version target (1 to the latest): for
 * tests of migrations from older versions. */
int store_init_version(const char *path, const struct instrument_bank *bank, const char *actor,
                       int target, int *from_version, int *was_current, char *err, size_t errlen);

/* Opens an existing cleval database at the latest schema version. Fails
 * with a message when the file does not exist, is not a cleval database,
 * or needs migrating (run `cleval init`). Close with store_close(). */
int store_open(store **out, const char *path, char *err, size_t errlen);

/* Opens read-only (for reports and exports). */
int store_open_readonly(store **out, const char *path, char *err, size_t errlen);

/* As store_open_readonly, but PRAGMA quick_check runs on a connection and
 * a thread of its own while the caller reads (cleval report); the caller
 * must call store_checked before it trusts or writes anything it read. */
int store_open_checking(store **out, const char *path, char *err, size_t errlen);

/* As store_open, with the check beside the caller as store_open_checking
 * has it (cleval import): the caller must call store_checked before it
 * commits anything. In a database not in WAL mode the check runs before
 * this returns, as store_open's does. */
int store_open_checking_writable(store **out, const char *path, char *err, size_t errlen);

/* Waits for the check store_open_checking(_writable) started: 0 when the
 * database is sound (or was checked when opened), -1 with the reason in err
 * (damaged, unreadable) as opening it would have said; the same answer
 * every time it is called. */
int store_checked(store *s, char *err, size_t errlen);

/* Checks, read-only, that path is a sound cleval database (its application
 * id, a schema version from 1 to the latest, PRAGMA quick_check), for
 * backups and restores. *version gets its schema version. Returns 0, or -1
 * with the reason in err (not SQLite, another program's, damaged, locked,
 * unreadable, newer than this cleval). */
int store_check_file(const char *path, int *version, char *err, size_t errlen);

void store_close(store *s);
sqlite3 *store_db(store *s);
const char *store_path(const store *s);

/* Transactions: BEGIN IMMEDIATE / COMMIT / ROLLBACK. Return 0 or -1 with
 * a message naming the database file and SQLite's reason in err (a lock
 * held by another program past the busy timeout, 30 s or
 * CLEVAL_BUSY_TIMEOUT_MS, is said to be one). store_rollback never fails
 * visibly. */
int store_begin(store *s, char *err, size_t errlen);
int store_commit(store *s, char *err, size_t errlen);
void store_rollback(store *s);

/* Appends one entry to the audit log (inside the caller's transaction, if
 * one is open). detail must never hold passwords, tokens or answers. Every
 * control character of actor, action and detail is stored escaped (\n,
 * \xNN), so an entry is one line whatever it quotes; the log refuses an
 * insert that reuses an id (schema version 6). */
int store_audit(store *s, const char *actor, const char *action, const char *detail, char *err,
                size_t errlen);

/* The same on a connection, with a structured detail: fields is
 * {key, value, key, value, ..., NULL}, stored as a JSON object. */
int store_audit_db(sqlite3 *db, const char *actor, const char *action, const char *const *fields,
                   char *err, size_t errlen);

/* A setting from the settings table into *out, or def when absent (or
 * NULL); the caller frees *out. Returns 0; on an SQL error (no settings
 * table, a locked or corrupt database) -1 with "setting KEY: why" in err
 * and *out NULL. */
int store_setting_get(store *s, const char *key, const char *def, char **out, char *err,
                      size_t errlen);

/* The same, but an SQL error gives def, unseen: only for callers yet to
 * move to store_setting_get (import.c). Caller frees. */
char *store_setting(store *s, const char *key, const char *def);

/* Writes "FILE: what: SQLite's message" into err (FILE db's database, as
 * given when below the working directory; left out when what already
 * names it), or for a lock still held after the busy timeout "FILE: the
 * database is locked by another program ..."; returns -1. */
int store_fail(sqlite3 *db, const char *what, char *err, size_t errlen);

/* Runs one statement of sql with ?1 bound to id and, when text is not NULL,
 * ?2 to text. When it returns a row, *out (if not NULL) gets its first
 * column (a count); when it is done, the rows it changed. 0, or -1 with
 * store_fail's message under what. */
int store_step_id(sqlite3 *db, const char *what, const char *sql, sqlite3_int64 id,
                  const char *text, long long *out, char *err, size_t errlen);

/* The instruments installed in the database, parsed from their stored
 * definitions (ordered by key), and when ids is not NULL their
 * instruments.id values in the same order (caller frees *ids with free()).
 * Free the bank with instrument_bank_free(). -1 with a message on a failure
 * (nothing to free then). */
int store_instruments(store *s, struct instrument_bank **out, int64_t **ids, char *err,
                      size_t errlen);

#endif

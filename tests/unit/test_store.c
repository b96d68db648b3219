/* Tests for the store: creation, migration from older schema versions,
 * refusal to touch files that are not cleval databases, the audit log. */
#include "testutil.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include "instrument.h"
#include "score.h"
#include "store.h"

static instrument_bank *bank;

static int setup(void **state) {
  (void)state;
  char err[512];
  if (instrument_bank_builtin(&bank, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    return -1;
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  instrument_bank_free(bank);
  return 0;
}

static long long query_int(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

static char *db_path(const char *dir, const char *name) {
  char *p = malloc(strlen(dir) + strlen(name) + 2);
  sprintf(p, "%s/%s", dir, name);
  return p;
}

static void test_init_creates_schema(void **state) {
  (void)state;
  char *dir = test_tmpdir(), *path = db_path(dir, "new.db"), err[512];
  int from, current;
  assert_int_equal(store_init(path, bank, &from, &current, err, sizeof err), 0);
  assert_int_equal(from, 0);
  store *s;
  assert_int_equal(store_open(&s, path, err, sizeof err), 0);
  sqlite3 *db = store_db(s);
  assert_int_equal(query_int(db, "PRAGMA user_version"), store_schema_latest());
  assert_int_equal(query_int(db, "PRAGMA foreign_keys"), 1);
  assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('hubs',"
                                 "'establishments','leaders','leader_personal','providers',"
                                 "'enrolments','bursary_claims','instruments','items',"
                                 "'responses','answers','area_scores','compass_returns',"
                                 "'compass_benchmarks','compass_answers','users','audit_log',"
                                 "'settings','survey_tokens')"),
                   19);
  /* Every built-in item is installed. */
  long long items = 0;
  for (size_t i = 0; i < bank->n; i++)
    items += (long long)bank->list[i]->nitems;
  assert_int_equal(query_int(db, "SELECT count(*) FROM items"), items);
  assert_int_equal(query_int(db, "SELECT count(*) FROM audit_log WHERE action = 'init'"), 1);
  store_close(s);
  /* WAL mode persists in the file. */
  sqlite3 *raw;
  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  sqlite3_stmt *st;
  sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &st, NULL);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
  sqlite3_finalize(st);
  sqlite3_close(raw);
  free(path);
  test_rmdir(dir);
}

static void test_migrates_older_version(void **state) {
  (void)state;
  char *dir = test_tmpdir(), *path = db_path(dir, "old.db"), err[512];
  int from, current;
  assert_int_equal(store_init_version(path, bank, 1, &from, &current, err, sizeof err), 0);
  /* Data written under version 1 survives the migration. */
  sqlite3 *raw;
  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  assert_int_equal(sqlite3_exec(raw, "INSERT INTO hubs (name) VALUES ('North')", NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(raw);

  store *s;
  assert_int_equal(store_open(&s, path, err, sizeof err), -1);
  assert_non_null(strstr(err, "schema version 1 is older"));
  assert_non_null(strstr(err, "cleval init"));

  assert_int_equal(store_init(path, bank, &from, &current, err, sizeof err), 0);
  assert_int_equal(from, 1);
  assert_int_equal(store_open(&s, path, err, sizeof err), 0);
  assert_int_equal(query_int(store_db(s), "PRAGMA user_version"), store_schema_latest());
  assert_int_equal(query_int(store_db(s), "SELECT count(*) FROM hubs WHERE name = 'North'"), 1);
  assert_int_equal(query_int(store_db(s), "SELECT count(*) FROM settings WHERE key IN"
                                          " ('import.duplicates', 'score.method',"
                                          " 'score.min_answered')"),
                   3);
  assert_int_equal(
      query_int(store_db(s), "SELECT count(*) FROM audit_log WHERE action = 'migrate'"), 1);
  char *dup = store_setting(s, "import.duplicates", "x");
  assert_string_equal(dup, "latest_complete");
  free(dup);
  char *missing = store_setting(s, "no.such.key", "fallback");
  assert_string_equal(missing, "fallback");
  free(missing);
  store_close(s);

  /* A second init on a current database changes nothing and says so. */
  assert_int_equal(store_init(path, bank, &from, &current, err, sizeof err), -1);
  assert_int_equal(current, 1);
  assert_non_null(strstr(err, "already a cleval database"));
  free(path);
  test_rmdir(dir);
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  *len = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  char *d = malloc(*len + 1);
  assert_int_equal(fread(d, 1, *len, f), *len);
  fclose(f);
  return d;
}

static void test_refuses_foreign_files(void **state) {
  (void)state;
  char *dir = test_tmpdir(), err[512];
  int from, current;
  /* A text file. */
  char *text = test_write_file(dir, "notes.txt", "these are someone's notes\n");
  assert_int_equal(store_init(text, bank, &from, &current, err, sizeof err), -1);
  assert_non_null(strstr(err, "not a cleval database"));
  size_t len;
  char *after = slurp(text, &len);
  assert_int_equal(len, strlen("these are someone's notes\n"));
  assert_memory_equal(after, "these are someone's notes\n", len);
  free(after);

  /* Another program's SQLite database. */
  char *other = db_path(dir, "other.db");
  sqlite3 *raw;
  assert_int_equal(sqlite3_open(other, &raw), SQLITE_OK);
  assert_int_equal(
      sqlite3_exec(raw, "CREATE TABLE t (x); INSERT INTO t VALUES (42)", NULL, NULL, NULL),
      SQLITE_OK);
  sqlite3_close(raw);
  size_t before_len;
  char *before = slurp(other, &before_len);
  assert_int_equal(store_init(other, bank, &from, &current, err, sizeof err), -1);
  assert_non_null(strstr(err, "not a cleval database"));
  after = slurp(other, &len);
  assert_int_equal(len, before_len);
  assert_memory_equal(after, before, len);
  store *s;
  assert_int_equal(store_open(&s, other, err, sizeof err), -1);
  assert_null(s);
  free(before);
  free(after);
  free(text);
  free(other);
  test_rmdir(dir);
}

static void test_open_missing(void **state) {
  (void)state;
  store *s;
  char err[512];
  assert_int_equal(store_open(&s, "/nonexistent/dir/x.db", err, sizeof err), -1);
  assert_non_null(strstr(err, "no such database"));
}

static void test_audit_log_append_only(void **state) {
  (void)state;
  char *dir = test_tmpdir(), *path = db_path(dir, "a.db"), err[512];
  int from, current;
  assert_int_equal(store_init(path, bank, &from, &current, err, sizeof err), 0);
  store *s;
  assert_int_equal(store_open(&s, path, err, sizeof err), 0);
  assert_int_equal(store_begin(s, err, sizeof err), 0);
  assert_int_equal(store_audit(s, "tester", "import", "leaders.csv", err, sizeof err), 0);
  assert_int_equal(store_commit(s, err, sizeof err), 0);
  assert_int_equal(query_int(store_db(s), "SELECT count(*) FROM audit_log"), 2);
  assert_int_not_equal(sqlite3_exec(store_db(s), "DELETE FROM audit_log", NULL, NULL, NULL),
                       SQLITE_OK);
  assert_int_not_equal(
      sqlite3_exec(store_db(s), "UPDATE audit_log SET actor = 'x'", NULL, NULL, NULL), SQLITE_OK);
  /* A rolled-back transaction leaves nothing behind. */
  assert_int_equal(store_begin(s, err, sizeof err), 0);
  assert_int_equal(store_audit(s, "tester", "export", "x", err, sizeof err), 0);
  store_rollback(s);
  assert_int_equal(query_int(store_db(s), "SELECT count(*) FROM audit_log"), 2);
  store_close(s);
  store_close(NULL);
  free(path);
  test_rmdir(dir);
}

static void test_foreign_keys_enforced(void **state) {
  (void)state;
  char *dir = test_tmpdir(), *path = db_path(dir, "fk.db"), err[512];
  int from, current;
  assert_int_equal(store_init(path, bank, &from, &current, err, sizeof err), 0);
  store *s;
  assert_int_equal(store_open(&s, path, err, sizeof err), 0);
  int rc = sqlite3_exec(store_db(s),
                        "INSERT INTO leaders (leader_key, establishment_id, role) "
                        "VALUES ('L1', 999, 'school')",
                        NULL, NULL, NULL);
  assert_int_not_equal(rc, SQLITE_OK);
  store_close(s);
  free(path);
  test_rmdir(dir);
}

/* A setting that cannot be read is an error, not its default (issue 18,
 * defect 8): here the settings table is gone. */
static void test_setting_errors_reported(void **state) {
  (void)state;
  char *dir = test_tmpdir(), *path = db_path(dir, "set.db"), err[512];
  int from, current;
  assert_int_equal(store_init(path, bank, &from, &current, err, sizeof err), 0);
  store *s;
  assert_int_equal(store_open(&s, path, err, sizeof err), 0);
  char *v = NULL;
  assert_int_equal(store_setting_get(s, "score.method", "x", &v, err, sizeof err), 0);
  assert_string_equal(v, "percent");
  free(v);
  assert_int_equal(store_setting_get(s, "no.such.key", "fallback", &v, err, sizeof err), 0);
  assert_string_equal(v, "fallback");
  free(v);
  assert_int_equal(sqlite3_exec(store_db(s), "DROP TABLE settings", NULL, NULL, NULL), SQLITE_OK);
  err[0] = '\0';
  score_settings cfg;
  assert_int_equal(score_settings_load(s, &cfg, err, sizeof err), -1);
  assert_non_null(strstr(err, "no such table: settings"));
  assert_int_equal(store_setting_get(s, "score.method", "percent", &v, err, sizeof err), -1);
  assert_null(v);
  assert_non_null(strstr(err, "setting score.method: no such table: settings"));
  store_close(s);
  free(path);
  test_rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_init_creates_schema),     cmocka_unit_test(test_migrates_older_version),
      cmocka_unit_test(test_refuses_foreign_files),   cmocka_unit_test(test_open_missing),
      cmocka_unit_test(test_audit_log_append_only),   cmocka_unit_test(test_foreign_keys_enforced),
      cmocka_unit_test(test_setting_errors_reported),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}

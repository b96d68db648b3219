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
  int qrc = sqlite3_step(st);
  if (qrc != SQLITE_ROW)
    fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* The first column of the first row, as text (static storage). */
static const char *query_text_ok(sqlite3 *db, const char *sql) {
  static char buf[256];
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return buf;
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
  assert_int_equal(store_init(path, bank, "test", &from, &current, err, sizeof err), 0);
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
                                 "'compass_answers','users','audit_log',"
                                 "'settings','survey_tokens')"),
                   18);
  /* Since version 9 a return's percentages are its columns bm1-bm8. */
  assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master"
                                 " WHERE name = 'compass_benchmarks'"),
                   0);
  assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_table_info('compass_returns')"
                                 " WHERE name GLOB 'bm[1-8]' AND type = 'REAL'"),
                   8);
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
  assert_int_equal(store_init_version(path, bank, "test", 1, &from, &current, err, sizeof err), 0);
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

  assert_int_equal(store_init(path, bank, "test", &from, &current, err, sizeof err), 0);
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
  /* Migration 6 moved the stored default rule to most_complete. */
  char *dup = store_setting(s, "import.duplicates", "x");
  assert_string_equal(dup, "most_complete");
  free(dup);
  char *missing = store_setting(s, "no.such.key", "fallback");
  assert_string_equal(missing, "fallback");
  free(missing);
  store_close(s);

  /* A second init on a current database changes nothing and says so. */
  assert_int_equal(store_init(path, bank, "test", &from, &current, err, sizeof err), -1);
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
  assert_int_equal(store_init(text, bank, "test", &from, &current, err, sizeof err), -1);
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
  assert_int_equal(store_init(other, bank, "test", &from, &current, err, sizeof err), -1);
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
  assert_int_equal(store_init(path, bank, "test", &from, &current, err, sizeof err), 0);
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

/* Issue 20, item 5: REPLACE INTO deleted an entry without firing the
 * delete trigger, and a file name with a newline made one entry read as
 * two. Both are refused now; store_audit escapes what it is given. */
static void test_audit_log_unforgeable(void **state) {
  (void)state;
  char *dir = test_tmpdir(), *path = db_path(dir, "f.db"), err[512];
  int from, current;
  assert_int_equal(store_init(path, bank, "test", &from, &current, err, sizeof err), 0);
  store *s;
  assert_int_equal(store_open(&s, path, err, sizeof err), 0);
  sqlite3 *db = store_db(s);
  assert_int_not_equal(sqlite3_exec(db,
                                    "REPLACE INTO audit_log (id, actor, action, detail)"
                                    " VALUES (1, 'x', 'init', 'forged')",
                                    NULL, NULL, NULL),
                       SQLITE_OK);
  assert_int_not_equal(sqlite3_exec(db,
                                    "INSERT OR REPLACE INTO audit_log (id, actor, action)"
                                    " VALUES (1, 'x', 'init')",
                                    NULL, NULL, NULL),
                       SQLITE_OK);
  assert_int_equal(query_int(db, "SELECT count(*) FROM audit_log WHERE actor = 'x'"), 0);
  assert_int_not_equal(sqlite3_exec(db,
                                    "INSERT INTO audit_log (actor, action, detail) VALUES"
                                    " ('x', 'import', 'a.csv' || char(10) || '2026-01-01 x export')",
                                    NULL, NULL, NULL),
                       SQLITE_OK);
  /* Through store_audit, the same name is stored on one line. */
  assert_int_equal(store_audit(s, "te\nster", "import", "file=a.csv\nforged entry", err,
                               sizeof err),
                   0);
  const char *fields[] = {"file", "b\n\"c\x01.csv", NULL};
  assert_int_equal(store_audit_db(db, "tester", "backup", fields, err, sizeof err), 0);
  assert_int_equal(query_int(db, "SELECT count(*) FROM audit_log WHERE detail LIKE '%' ||"
                                 " char(10) || '%' OR actor LIKE '%' || char(10) || '%'"),
                   0);
  assert_int_equal(query_int(db, "SELECT count(*) FROM audit_log WHERE"
                                 " detail = 'file=a.csv\\nforged entry' AND actor = 'te\\nster'"),
                   1);
  assert_int_equal(query_int(db, "SELECT count(*) FROM audit_log WHERE"
                                 " CASE action WHEN 'backup' THEN json_extract(detail, '$.file') END"
                                 " = 'b' || char(10) || '\"c'"
                                 " || char(1) || '.csv'"),
                   1);
  store_close(s);
  free(path);
  test_rmdir(dir);
}

/* Issue 20, item 10: init builds the database in a temporary file, so a
 * failed one leaves nothing at the path, its temporary file included (a
 * killed one: the CLI case hardening_init_killed). */
static void test_init_leaves_nothing_on_failure(void **state) {
  (void)state;
  char *dir = test_tmpdir(), *path = db_path(dir, "i.db"), err[512];
  int from, current;
  assert_int_equal(store_init_version(path, bank, "test", 99, &from, &current, err, sizeof err), -1);
  struct stat st;
  assert_int_not_equal(stat(path, &st), 0);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s)\"", dir);
  assert_int_equal(system(cmd), 0);
  /* And then init works. */
  assert_int_equal(store_init(path, bank, "test", &from, &current, err, sizeof err), 0);
  int version;
  assert_int_equal(store_check_file(path, &version, err, sizeof err), 0);
  assert_int_equal(version, store_schema_latest());
  free(path);
  test_rmdir(dir);
}

static void test_foreign_keys_enforced(void **state) {
  (void)state;
  char *dir = test_tmpdir(), *path = db_path(dir, "fk.db"), err[512];
  int from, current;
  assert_int_equal(store_init(path, bank, "test", &from, &current, err, sizeof err), 0);
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
  assert_int_equal(store_init(path, bank, "test", &from, &current, err, sizeof err), 0);
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

/* Migration 6 rewrites every CHECK (x IN (three or more constants)) as an
 * OR chain (SQLite builds a temporary b-tree for each execution of an IN
 * list): on a version-5 database holding rows, the constraints still refuse
 * what they refused and accept what they accepted, the rows are kept, and
 * no table's SQL has an IN list of three or more left. */
static void test_migration6_checks_as_or_chains(void **state) {
  (void)state;
  char *dir = test_tmpdir(), *path = db_path(dir, "v5.db"), err[512];
  int from, current;
  assert_int_equal(store_init_version(path, bank, "test", 5, &from, &current, err, sizeof err), 0);
  sqlite3 *raw;
  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  assert_int_equal(sqlite3_exec(raw,
                                "INSERT INTO establishments (urn, name, type, region)"
                                " VALUES ('1', 'A', 'sixth_form_college', 'London');"
                                "INSERT INTO providers (provider_key, name, accreditation)"
                                " VALUES ('p', 'P', 'level7')",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(raw);
  assert_int_equal(store_init(path, bank, "test", &from, &current, err, sizeof err), 0);
  assert_int_equal(from, 5);
  store *s;
  assert_int_equal(store_open(&s, path, err, sizeof err), 0);
  sqlite3 *db = store_db(s);
  assert_int_equal(query_int(db, "SELECT count(*) FROM establishments e JOIN providers p"
                                 " WHERE e.type = 'sixth_form_college' AND p.accreditation = 'level7'"),
                   1);
  /* Only the two-value lists (plain comparisons in SQLite) remain. */
  assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE sql LIKE '% IN (''%'"),
                   1); /* responses.survey: two values */
  assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master"
                                 " WHERE sql LIKE '%IN (''mainstream''%'"
                                 " OR sql LIKE '%IN (''pre''%' OR sql LIKE '%IN (''none''%'"
                                 " OR sql LIKE '%IN (''enrolled''%' OR sql LIKE '%IN (''claimed''%'"
                                 " OR sql LIKE '%IN (''leadership''%' OR sql LIKE '%IN (''admin''%'"
                                 " OR sql LIKE '%IN (''school''%'"),
                   0);
  assert_string_equal(query_text_ok(db, "PRAGMA integrity_check"), "ok");
  static const char *const refused[] = {
      "INSERT INTO establishments (urn, name, type, region) VALUES ('2', 'B', 'academy', 'X')",
      "UPDATE providers SET accreditation = 'level8'",
      "INSERT INTO leaders (leader_key, establishment_id, role) VALUES ('l', 1, 'college')",
      "INSERT INTO responses (survey, stage, submitted_at) VALUES ('long-term', 'mid', 'x')",
      "INSERT INTO users (username, password_hash, role) VALUES ('u', 'h', 'root')",
      "INSERT INTO survey_tokens (token_hash, stage, created_at) VALUES ('t', 'during', 'x')",
      NULL};
  for (int i = 0; refused[i]; i++)
    assert_int_equal(sqlite3_exec(db, refused[i], NULL, NULL, NULL), SQLITE_CONSTRAINT_CHECK);
  static const char *const accepted[] = {
      "INSERT INTO establishments (urn, name, type, region) VALUES ('3', 'C', 'ap', 'X')",
      "INSERT INTO leaders (leader_key, establishment_id, role) VALUES ('l', 1,"
      " 'college_operational')",
      "INSERT INTO enrolments (leader_id, provider_id, wave, start_date, status)"
      " VALUES (1, 1, 1, '2020-01-01', 'withdrawn')",
      "INSERT INTO bursary_claims (enrolment_id, claimed_date, status) VALUES (1, 'x', 'paid')",
      "INSERT INTO responses (survey, leader_id, stage, submitted_at)"
      " VALUES ('self-assessment', 1, 'followup', 'x')",
      "INSERT INTO area_scores (response_id, area, items_answered, items_total)"
      " VALUES (1, 'networking', 1, 1)",
      NULL};
  for (int i = 0; accepted[i]; i++)
    assert_int_equal(sqlite3_exec(db, accepted[i], NULL, NULL, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db,
                                "INSERT INTO area_scores (response_id, area, items_answered,"
                                " items_total) VALUES (1, 'leading', 1, 1)",
                                NULL, NULL, NULL),
                   SQLITE_CONSTRAINT_CHECK);
  store_close(s);
  free(path);
  test_rmdir(dir);
}

/* Migration 9 moves a version-8 database's benchmark rows into
 * compass_returns' columns bm1-bm8 (a benchmark without a row: NULL),
 * drops compass_benchmarks, and the columns refuse what the rows did. */
static void test_migration9_benchmarks_as_columns(void **state) {
  (void)state;
  char *dir = test_tmpdir(), *path = db_path(dir, "v8.db"), err[512];
  int from, current;
  assert_int_equal(store_init_version(path, bank, "test", 8, &from, &current, err, sizeof err), 0);
  sqlite3 *raw;
  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  assert_int_equal(sqlite3_exec(raw,
                                "PRAGMA foreign_keys = ON;"
                                "INSERT INTO establishments (urn, name, type, region)"
                                " VALUES ('1', 'A', 'mainstream', 'London');"
                                "INSERT INTO compass_returns (id, establishment_id, submitted_at)"
                                " VALUES (7, 1, '2019-01-01'), (9, 1, '2020-01-01'),"
                                " (12, 1, '2021-01-01');"
                                "INSERT INTO compass_benchmarks (return_id, benchmark, pct) VALUES"
                                " (7, 1, 0), (7, 2, 12.5), (7, 3, 33.3), (7, 4, 100),"
                                " (7, 5, 50), (7, 6, 66.7), (7, 7, 0.1), (7, 8, 99.9),"
                                " (9, 2, 25), (9, 8, 33.300000000000004);"
                                "INSERT INTO compass_answers (return_id, item_id, met)"
                                " SELECT 7, id, 1 FROM items WHERE benchmark = 1 LIMIT 1",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(raw);
  assert_int_equal(store_init(path, bank, "test", &from, &current, err, sizeof err), 0);
  assert_int_equal(from, 8);
  store *s;
  assert_int_equal(store_open(&s, path, err, sizeof err), 0);
  sqlite3 *db = store_db(s);
  assert_int_equal(query_int(db, "PRAGMA user_version"), 9);
  assert_int_equal(
      query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'compass_benchmarks'"), 0);
  assert_int_equal(query_int(db, "SELECT count(*) FROM compass_returns"), 3);
  /* Every value moved exactly (compared as doubles, not as text). */
  assert_int_equal(query_int(db, "SELECT count(*) FROM compass_returns WHERE id = 7"
                                 " AND bm1 = 0 AND bm2 = 12.5 AND bm3 = 33.3 AND bm4 = 100"
                                 " AND bm5 = 50 AND bm6 = 66.7 AND bm7 = 0.1 AND bm8 = 99.9"),
                   1);
  assert_int_equal(query_int(db, "SELECT count(*) FROM compass_returns WHERE id = 9"
                                 " AND bm2 = 25 AND bm8 = 33.300000000000004 AND bm8 <> 33.3"
                                 " AND coalesce(bm1, bm3, bm4, bm5, bm6, bm7) IS NULL"),
                   1);
  assert_int_equal(query_int(db, "SELECT count(*) FROM compass_returns WHERE id = 12 AND"
                                 " coalesce(bm1, bm2, bm3, bm4, bm5, bm6, bm7, bm8) IS NULL"),
                   1);
  assert_int_equal(query_int(db, "SELECT count(*) FROM compass_answers WHERE return_id = 7"), 1);
  assert_string_equal(query_text_ok(db, "PRAGMA integrity_check"), "ok");
  assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
  assert_int_equal(sqlite3_exec(db, "UPDATE compass_returns SET bm3 = 100.5 WHERE id = 7", NULL,
                                NULL, NULL),
                   SQLITE_CONSTRAINT_CHECK);
  assert_int_equal(sqlite3_exec(db, "UPDATE compass_returns SET bm8 = -0.1 WHERE id = 9", NULL,
                                NULL, NULL),
                   SQLITE_CONSTRAINT_CHECK);
  assert_int_equal(
      sqlite3_exec(db, "UPDATE compass_returns SET bm8 = 100 WHERE id = 9", NULL, NULL, NULL),
      SQLITE_OK);
  assert_int_equal(query_int(db, "SELECT count(*) FROM audit_log WHERE action = 'migrate'"
                                 " AND detail = 'schema version 8 -> 9'"),
                   1);
  store_close(s);
  free(path);
  test_rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_init_creates_schema),     cmocka_unit_test(test_migrates_older_version),
      cmocka_unit_test(test_refuses_foreign_files),   cmocka_unit_test(test_open_missing),
      cmocka_unit_test(test_audit_log_append_only),   cmocka_unit_test(test_foreign_keys_enforced),
      cmocka_unit_test(test_setting_errors_reported), cmocka_unit_test(test_audit_log_unforgeable),
      cmocka_unit_test(test_migration6_checks_as_or_chains),
      cmocka_unit_test(test_migration9_benchmarks_as_columns),
      cmocka_unit_test(test_init_leaves_nothing_on_failure),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}

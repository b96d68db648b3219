/* Tests for the import's writing pass (issue 18 defects 1 and 4): a
 * statement that fails while a survey's responses, answers or scores are
 * written fails the import, naming the file and the statement, and nothing
 * of it stays; the spool refuses a submission id, item index or option
 * index its record cannot hold instead of narrowing it. */
#include "testutil.h"

#include <sqlite3.h>

#include "import.h"
#include "import_internal.h"
#include "instrument.h"
#include "store.h"

#ifndef TESTDATA
#define TESTDATA "tests/data"
#endif

static instrument_bank *bank;
static const import_options topt = {.actor = "test", .quiet = true};

static int setup(void **state) {
  (void)state;
  char err[512];
  return instrument_bank_builtin(&bank, err, sizeof err);
}

static int teardown(void **state) {
  (void)state;
  instrument_bank_free(bank);
  return 0;
}

static long long count(store *s, const char *sql) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  long long n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

/* A database with the programme's establishments and leaders (and, with
 * pre, its pre-training answers), open in *out. */
static char *programme_db(const char *dir, bool pre, store **out) {
  char err[512], *path = malloc(strlen(dir) + 16);
  sprintf(path, "%s/test.db", dir);
  int from, current;
  assert_int_equal(store_init(path, bank, "test", &from, &current, err, sizeof err), 0);
  assert_int_equal(store_open(out, path, err, sizeof err), 0);
  const char *files[][2] = {{"establishments", "establishments.csv"},
                            {"leaders", "leaders.csv"},
                            {"self-assessment", "self-assessment-pre.csv"}};
  for (size_t i = 0; i < (pre ? 3u : 2u); i++) {
    char file[512];
    snprintf(file, sizeof file, "%s/programme/%s", TESTDATA, files[i][1]);
    import_result res;
    int rc = import_file(*out, files[i][0], file, &topt, &res, err, sizeof err);
    if (rc != 0)
      fail_msg("import %s: %d %s", file, rc, err);
    import_result_free(&res);
  }
  return path;
}

/* The trigger makes one statement of the writing pass fail after it has
 * run a few times; the import must fail with file and statement named,
 * and the database must hold what it held before. */
static void write_fails(const char *trigger, const char *file, bool pre, const char *want) {
  char *dir = test_tmpdir();
  store *s;
  char *path = programme_db(dir, pre, &s);
  long long responses = count(s, "SELECT count(*) FROM responses");
  long long answers = count(s, "SELECT count(*) FROM answers");
  long long scores = count(s, "SELECT count(*) FROM area_scores");
  char *msg = NULL;
  if (sqlite3_exec(store_db(s), trigger, NULL, NULL, &msg) != SQLITE_OK)
    fail_msg("%s: %s", trigger, msg);
  char err[512] = "", name[512];
  snprintf(name, sizeof name, "%s/programme/%s", TESTDATA, file);
  import_result res;
  int rc = import_file(s, "self-assessment", name, &topt, &res, err, sizeof err);
  assert_int_equal(rc, -1);
  if (!strstr(err, name) || !strstr(err, want) || !strstr(err, "boom"))
    fail_msg("the message names neither the file nor \"%s\": %s", want, err);
  import_result_free(&res);
  assert_int_equal(count(s, "SELECT count(*) FROM responses"), responses);
  assert_int_equal(count(s, "SELECT count(*) FROM answers"), answers);
  assert_int_equal(count(s, "SELECT count(*) FROM area_scores"), scores);
  assert_int_equal(count(s, "SELECT count(*) FROM answers a LEFT JOIN responses r"
                            " ON r.id = a.response_id WHERE r.id IS NULL"),
                   0);
  assert_int_equal(count(s, "SELECT count(*) FROM audit_log WHERE action = 'import'"
                            " AND detail LIKE 'kind=self-assessment %post%'"),
                   0);
  assert_int_equal(sqlite3_get_autocommit(store_db(s)), 1);
  store_close(s);
  free(path);
  test_rmdir(dir);
}

/* A new response's INSERT failing on the fourth response. */
static void test_response_insert_fails(void **state) {
  (void)state;
  write_fails("CREATE TRIGGER t BEFORE INSERT ON responses"
              " WHEN (SELECT count(*) FROM responses) >= 3 BEGIN SELECT RAISE(ABORT, 'boom'); END",
              "self-assessment-post.csv", false, "writing a response (INSERT INTO responses)");
}

/* A changed response's UPDATE failing (the pre-training answers imported
 * again with other answers: the post file has none of them, so the
 * changed file is the pre one with a value altered). */
static void test_response_update_fails(void **state) {
  (void)state;
  char *dir = test_tmpdir();
  store *s;
  char *path = programme_db(dir, true, &s);
  char err[512] = "";
  char *msg = NULL;
  assert_int_equal(sqlite3_exec(store_db(s),
                                "CREATE TRIGGER t BEFORE UPDATE ON responses"
                                " BEGIN SELECT RAISE(ABORT, 'boom'); END",
                                NULL, NULL, &msg),
                   SQLITE_OK);
  char *file = test_write_file(dir, "changed.csv",
                               "leader_id,stage,submitted_at,item_id,value\n"
                               "CL0001,pre,2019-09-02T09:00:00,school_lead_01,1\n");
  long long answers = count(s, "SELECT count(*) FROM answers");
  import_result res;
  assert_int_equal(import_file(s, "self-assessment", file, &topt, &res, err, sizeof err), -1);
  if (!strstr(err, file) || !strstr(err, "writing a response (UPDATE responses)"))
    fail_msg("message: %s", err);
  import_result_free(&res);
  assert_int_equal(count(s, "SELECT count(*) FROM answers"), answers);
  assert_int_equal(count(s, "SELECT count(*) FROM answers a JOIN responses r ON r.id ="
                            " a.response_id WHERE r.leader_id = (SELECT id FROM leaders WHERE"
                            " leader_key = 'CL0001') AND r.stage = 'pre'"),
                   27);
  store_close(s);
  free(file);
  free(path);
  test_rmdir(dir);
}

/* The answers' INSERT failing after some have been written. */
static void test_answer_insert_fails(void **state) {
  (void)state;
  write_fails("CREATE TRIGGER t BEFORE INSERT ON answers"
              " WHEN (SELECT count(*) FROM answers) >= 150 BEGIN SELECT RAISE(ABORT, 'boom'); END",
              "self-assessment-post.csv", false, "writing answers (INSERT OR FAIL INTO answers)");
}

/* An area score's INSERT failing. */
static void test_score_insert_fails(void **state) {
  (void)state;
  write_fails("CREATE TRIGGER t BEFORE INSERT ON area_scores"
              " BEGIN SELECT RAISE(ABORT, 'boom'); END",
              "self-assessment-post.csv", false, "storing area scores");
}

/* The spool's record: the largest values it holds go through unchanged,
 * one more is refused (not narrowed to another submission or item). */
static void test_spool_range(void **state) {
  (void)state;
  importer im;
  memset(&im, 0, sizeof im);
  char err[512] = "";
  im.err = err;
  im.errlen = sizeof err;
  im.name = "big.csv";
  im.spool = tmpfile();
  assert_non_null(im.spool);
  im.spool_buf = calloc(SPOOL_BUF, sizeof *im.spool_buf);
  assert_true(imp_spool_put(&im, (int64_t)UINT32_MAX, UINT16_MAX, UINT16_MAX));
  assert_true(imp_spool_put(&im, 1, 0, 0));
  assert_false(im.failed);
  assert_int_equal(im.spool_n, 2);
  assert_int_equal(im.spool_buf[0].sub, UINT32_MAX);
  assert_int_equal(im.spool_buf[0].item, UINT16_MAX);
  assert_int_equal(im.spool_buf[0].opt, UINT16_MAX);
  assert_false(imp_spool_put(&im, (int64_t)UINT32_MAX + 1, 0, 0));
  assert_true(im.failed);
  assert_non_null(strstr(err, "big.csv: more than the import can hold: submission 4294967296"));
  im.failed = false;
  assert_false(imp_spool_put(&im, 2, UINT16_MAX + 1, 0));
  assert_non_null(strstr(err, "item 65536"));
  im.failed = false;
  assert_false(imp_spool_put(&im, 2, 0, UINT16_MAX + 1));
  assert_false(imp_spool_put(&im, 0, 0, 0));
  assert_false(imp_spool_put(&im, 2, -1, 0));
  assert_int_equal(im.spool_n, 2); /* nothing refused was spooled */
  /* A full buffer goes to the file. */
  for (int i = 0; i < SPOOL_BUF - 2; i++)
    assert_true(imp_spool_put(&im, 3, i % 100, 1));
  assert_int_equal(im.spool_n, 0);
  assert_int_equal(ftell(im.spool), (long)(SPOOL_BUF * sizeof(spool_rec)));
  fclose(im.spool);
  free(im.spool_buf);
}

/* imp_parse_decimal reads a number as strtod does, bit for bit, on its
 * fast path (whole-number digits over a power of ten) and off it (17 and
 * more digits, 23 and more places, a sign, a lone point), and refuses
 * what is not a plain decimal. */
static void test_parse_decimal(void **state) {
  (void)state;
  static const char *const fixed[] = {"0", "-0", "+0", "12.5", "100", "0.1", "33.3", ".5", "5.",
                                      "-12.30", "9007199254740991", "9007199254740993",
                                      "123456789012345678901234567890", "0.30000000000000004",
                                      "1.00000000000000000000001", "000000000000000000000012.5"};
  for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
    double got = -1, want = strtod(fixed[i], NULL);
    assert_true(imp_parse_decimal(fixed[i], &got));
    assert_memory_equal(&got, &want, sizeof got);
  }
  static const char *const bad[] = {"", "-", "+", ".", "1e5", "1,5", " 1", "1 ", "0x10", "inf",
                                    "nan", "1.2.3", "--1"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    double v;
    assert_false(imp_parse_decimal(bad[i], &v));
  }
  /* Random digits and points, compared with strtod bit for bit. */
  uint64_t x = 88172645463325252u;
  for (int n = 0; n < 200000; n++) {
    char buf[48];
    size_t len = 0;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    if (x & 1)
      buf[len++] = (x & 2) ? '-' : '+';
    size_t ndig = 1 + (x >> 8) % 24, point = (x >> 16) % (ndig + 1);
    for (size_t d = 0; d < ndig; d++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      if (d == point && (x & 4))
        buf[len++] = '.';
      buf[len++] = (char)('0' + (x >> 20) % 10);
    }
    buf[len] = '\0';
    double got = -1, want = strtod(buf, NULL);
    assert_true(imp_parse_decimal(buf, &got));
    if (memcmp(&got, &want, sizeof got) != 0)
      fail_msg("%s: %.17g, strtod %.17g", buf, got, want);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_response_insert_fails), cmocka_unit_test(test_response_update_fails),
      cmocka_unit_test(test_answer_insert_fails),   cmocka_unit_test(test_score_insert_fails),
      cmocka_unit_test(test_spool_range),
      cmocka_unit_test(test_parse_decimal),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}

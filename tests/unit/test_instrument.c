/* Tests for the instrument loader: the built-in bank's contents, and clear
 * errors for malformed instrument files. */
#include "testutil.h"

#include "instrument.h"

static const char *valid =
    "{\"instrument\": \"t\", \"version\": 1, \"title\": \"Test\", \"stages\": [\"pre\"],\n"
    " \"scales\": {\"agree5\": {\"kind\": \"likert\", \"options\": [\n"
    "   {\"code\": \"1\", \"value\": 1, \"label\": \"Strongly disagree\"},\n"
    "   {\"code\": \"5\", \"value\": 5, \"label\": \"Strongly agree\"}]}},\n"
    " \"items\": [{\"id\": \"a_1\", \"role\": \"school\", \"area\": \"leadership\",\n"
    "   \"scale\": \"agree5\", \"text\": \"Lead others\"}]}\n";

/* Parses text, expecting failure with a message containing want. */
static void expect_error(const char *text, const char *want) {
  instrument *in;
  char err[512];
  int rc = instrument_parse(&in, "bad.json", text, strlen(text), err, sizeof err);
  if (rc == 0) {
    instrument_free(in);
    fail_msg("parsed, but expected an error containing \"%s\"", want);
  }
  assert_null(in);
  if (!strstr(err, want))
    fail_msg("error \"%s\" does not contain \"%s\"", err, want);
  assert_non_null(strstr(err, "bad.json"));
}

static char *replace(const char *s, const char *from, const char *to) {
  const char *p = strstr(s, from);
  assert_non_null(p);
  char *out = malloc(strlen(s) + strlen(to) + 1);
  memcpy(out, s, (size_t)(p - s));
  strcpy(out + (p - s), to);
  strcat(out, p + strlen(from));
  return out;
}

static void test_valid_parses(void **state) {
  (void)state;
  instrument *in;
  char err[512];
  assert_int_equal(instrument_parse(&in, "ok.json", valid, strlen(valid), err, sizeof err), 0);
  assert_string_equal(in->key, "t");
  assert_int_equal(in->nitems, 1);
  assert_string_equal(in->items[0].scale->name, "agree5");
  const instrument_option *o = instrument_scale_option(in->items[0].scale, "5");
  assert_non_null(o);
  assert_string_equal(o->label, "Strongly agree");
  assert_null(instrument_scale_option(in->items[0].scale, "3"));
  instrument_free(in);
  instrument_free(NULL);
}

static void test_malformed_files(void **state) {
  (void)state;
  expect_error("{\"instrument\": \"t\",\n \"version\": 1,,}", "bad.json:2:");
  expect_error("[1, 2]", "the top level must be an object");
  struct {
    const char *from, *to, *want;
  } cases[] = {
      {"\"text\": \"Lead others\"", "\"txt\": \"Lead others\"", "item 1 (a_1): missing \"text\""},
      {"\"scale\": \"agree5\", \"text\"", "\"scale\": \"agree4\", \"text\"",
       "scale \"agree4\" is not defined"},
      {"\"id\": \"a_1\"", "\"id\": \"_a 1\"", "id must start with a letter"},
      {"\"area\": \"leadership\"", "\"area\": \"strategy\"", "unknown area \"strategy\""},
      {"\"role\": \"school\"", "\"role\": \"teacher\"", "unknown role \"teacher\""},
      {"\"version\": 1", "\"version\": \"one\"", "\"version\" must be a positive integer"},
      {"\"stages\": [\"pre\"]", "\"stages\": [\"during\"]", "stage 1 must be one of"},
      {"\"kind\": \"likert\"", "\"kind\": \"slider\"", "unknown kind \"slider\""},
      {"\"code\": \"5\"", "\"code\": \"1\"", "code \"1\" appears twice"},
      {"\"title\": \"Test\"", "\"title\": 7", "\"title\" must be a string"},
      {"\"instrument\": \"t\", ", "", "missing \"instrument\""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *text = replace(valid, cases[i].from, cases[i].to);
    expect_error(text, cases[i].want);
    free(text);
  }
}

static void test_duplicate_ids(void **state) {
  (void)state;
  char *text = replace(valid, "\"text\": \"Lead others\"}",
                       "\"text\": \"Lead others\"}, {\"id\": \"a_1\", \"scale\": \"agree5\", "
                       "\"text\": \"Again\"}");
  expect_error(text, "id \"a_1\" appears twice");
  free(text);
}

static void test_load_dir_names_file(void **state) {
  (void)state;
  char *dir = test_tmpdir();
  free(test_write_file(dir, "a.json", valid));
  char *second = replace(valid, "\"instrument\": \"t\"", "\"instrument\": \"u\"");
  free(test_write_file(dir, "b.json", second));
  instrument_bank *b;
  char err[512];
  /* The same item id in two instruments is refused. */
  assert_int_equal(instrument_bank_load_dir(&b, dir, err, sizeof err), -1);
  assert_non_null(strstr(err, "item id \"a_1\" is used by both"));
  free(second);
  free(test_write_file(dir, "b.json", "{\"instrument\": \"u\", \"version\": 1,\n\"title\": }"));
  assert_int_equal(instrument_bank_load_dir(&b, dir, err, sizeof err), -1);
  assert_non_null(strstr(err, "/b.json:2:"));
  assert_non_null(strstr(err, "invalid JSON"));
  test_rmdir(dir);
}

/* A directory without instruments gives an empty bank, with no
 * undefined behaviour on the way (issue 18, defect 5: qsort was given a
 * null array; UBSan's nonnull-attribute check fails the sanitizer run). */
static void test_load_empty_dir(void **state) {
  (void)state;
  char *dir = test_tmpdir();
  free(test_write_file(dir, "notes.txt", "not an instrument"));
  instrument_bank *b = NULL;
  char err[512];
  assert_int_equal(instrument_bank_load_dir(&b, dir, err, sizeof err), 0);
  assert_non_null(b);
  assert_null(instrument_bank_get(b, "t"));
  assert_null(instrument_bank_item(b, "a_1", NULL));
  instrument_bank_free(b);
  test_rmdir(dir);
}

/* Appendix 2 of the seed report: items per role and area. */
static void test_builtin_knowledge_counts(void **state) {
  (void)state;
  instrument_bank *b;
  char err[512];
  assert_int_equal(instrument_bank_builtin(&b, err, sizeof err), 0);
  const instrument *sa = instrument_bank_get(b, "self-assessment");
  assert_non_null(sa);
  const char *roles[] = {"school", "college_strategic", "college_operational"};
  const char *areas[] = {"leadership", "management", "coordination", "networking"};
  const int want[3][4] = {{7, 8, 5, 7}, {7, 5, 2, 5}, {6, 8, 5, 7}};
  for (int r = 0; r < 3; r++)
    for (int a = 0; a < 4; a++) {
      int n = 0;
      for (size_t i = 0; i < sa->nitems; i++)
        if (sa->items[i].role && strcmp(sa->items[i].role, roles[r]) == 0 && sa->items[i].area &&
            strcmp(sa->items[i].area, areas[a]) == 0)
          n++;
      if (n != want[r][a])
        fail_msg("%s %s: %d items, expected %d", roles[r], areas[a], n, want[r][a]);
    }
  assert_int_equal(sa->nitems, 27 + 19 + 26);
  /* The other instruments are present, with the items the report uses. */
  assert_non_null(instrument_bank_get(b, "reflective"));
  assert_non_null(instrument_bank_get(b, "long-term"));
  assert_non_null(instrument_bank_get(b, "compass-2014"));
  assert_non_null(instrument_bank_item(b, "post_knowledge", NULL));
  assert_non_null(instrument_bank_item(b, "lt_practice_plo", NULL));
  const instrument *owner;
  const instrument_item *it = instrument_bank_item(b, "lt_conf_networking", &owner);
  assert_non_null(it);
  assert_string_equal(owner->key, "long-term");
  assert_non_null(instrument_scale_option(it->scale, "not_at_all"));
  instrument_bank_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_parses),
      cmocka_unit_test(test_malformed_files),
      cmocka_unit_test(test_duplicate_ids),
      cmocka_unit_test(test_load_dir_names_file),
      cmocka_unit_test(test_load_empty_dir),
      cmocka_unit_test(test_builtin_knowledge_counts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

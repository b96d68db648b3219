/* Tests for the report settings: defaults equal to the seed report's rules,
 * both key forms, and every kind of bad file rejected with its position and
 * the settings left as they were. */
#include "testutil.h"

#include "config.h"

static int parse(report_config *c, const char *text, char *err, size_t errlen) {
  return config_parse(c, "t.json", text, strlen(text), err, errlen);
}

static void test_defaults(void **state) {
  (void)state;
  report_config c;
  config_defaults(&c);
  assert_string_equal(c.baseline_cutoff, "2018-07-31");
  assert_string_equal(c.post_from, "2020-03-01");
  assert_string_equal(c.post_to, "2021-03-31");
  assert_string_equal(c.date, "");
  assert_true(c.fully_achieved == 100);
  assert_int_equal(c.small_cell, 5);
  assert_int_equal(c.nbands, 3);
  assert_true(c.role_bands[0] == 1 && c.role_bands[1] == 3 && c.role_bands[2] == 5);
  assert_true(c.confidence == 0.95);
}

static void test_flat_and_nested(void **state) {
  (void)state;
  report_config c;
  char err[512];
  config_defaults(&c);
  assert_int_equal(parse(&c,
                         "{\"title\": \"Hub evaluation\", \"compass.post_from\": \"2020-09-01\","
                         " \"small_cell\": 10, \"role_bands\": [2, 4], \"confidence\": 0.9,"
                         " \"date\": \"2024-02-29\"}",
                         err, sizeof err),
                   0);
  assert_string_equal(c.title, "Hub evaluation");
  assert_string_equal(c.post_from, "2020-09-01");
  assert_string_equal(c.post_to, "2021-03-31"); /* untouched keys keep their value */
  assert_string_equal(c.date, "2024-02-29");
  assert_int_equal(c.small_cell, 10);
  assert_int_equal(c.nbands, 2);
  assert_true(c.role_bands[1] == 4);
  assert_true(c.confidence == 0.9);

  assert_int_equal(parse(&c,
                         "{\"compass\": {\"baseline_cutoff\": \"2019-01-31\", "
                         "\"fully_achieved\": 80, \"post_to\": \"2022-03-31\"}}",
                         err, sizeof err),
                   0);
  assert_string_equal(c.baseline_cutoff, "2019-01-31");
  assert_string_equal(c.post_to, "2022-03-31");
  assert_true(c.fully_achieved == 80);
  assert_int_equal(c.small_cell, 10);
  assert_int_equal(parse(&c, "{}", err, sizeof err), 0);
}

/* Each bad text, the position its error must name and a word it must use. */
static void test_rejects(void **state) {
  (void)state;
  static const struct {
    const char *text, *where, *word;
  } cases[] = {
      {"{\n  \"small_cell\": 5,\n  \"smal_cell\": 10\n}", "t.json:3:3:", "smal_cell"},
      {"{\"small_cell\": 0}", "t.json:1:2:", "small_cell"},
      {"{\"small_cell\": 2.5}", "t.json:1:2:", "whole number"},
      {"{\"small_cell\": \"5\"}", "t.json:1:2:", "whole number"},
      {"{\"date\": \"2021-02-29\"}", "t.json:1:2:", "not a date"},
      {"{\"date\": \"2021-13-01\"}", "t.json:1:2:", "not a date"},
      {"{\"date\": \"21-01-01\"}", "t.json:1:2:", "not a date"},
      {"{\"date\": 20210101}", "t.json:1:2:", "string"},
      {"{\"compass\": {\n\"post_from\": \"2021-04-01\"}}", "t.json:", "before it starts"},
      {"{\"compass\": {\"cutoff\": \"2018-07-31\"}}", "t.json:1:14:", "cutoff"},
      {"{\"compass.fully_achieved\": 101}", "t.json:1:2:", "out of range"},
      {"{\"compass\": 3}", "t.json:1:2:", "object"},
      {"{\"role_bands\": [3, 1]}", "t.json:1:2:", "ascending"},
      {"{\"role_bands\": []}", "t.json:1:2:", "band"},
      {"{\"role_bands\": [1,2,3,4,5,6,7,8,9]}", "t.json:1:2:", "band"},
      {"{\"role_bands\": [0]}", "t.json:1:2:", "above 0"},
      {"{\"confidence\": 1}", "t.json:1:2:", "out of range"},
      {"{\"title\": \"\"}", "t.json:1:2:", "non-empty"},
      {"{\"title\": 1}", "t.json:1:2:", "string"},
      {"[1, 2]", "t.json:1:1:", "object"},
      {"{\"small_cell\": 5,}", "t.json:1:18:", "expected"},
      {"{\"small_cell\": 5, \"small_cell\": 6}", "t.json:1:", "duplicate"},
      {"", "t.json:", ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    report_config c, before;
    config_defaults(&c);
    c.small_cell = 7; /* a value that is not the default, to see it kept */
    before = c;
    char err[512] = "";
    if (parse(&c, cases[i].text, err, sizeof err) != -1)
      fail_msg("case %zu accepted: %s", i, cases[i].text);
    if (strncmp(err, cases[i].where, strlen(cases[i].where)) != 0 || !strstr(err, cases[i].word))
      fail_msg("case %zu: message \"%s\" lacks \"%s\" or \"%s\"", i, err, cases[i].where,
               cases[i].word);
    assert_memory_equal(&c, &before, sizeof c);
  }
}

static void test_long_title(void **state) {
  (void)state;
  char text[600], err[512];
  report_config c;
  config_defaults(&c);
  snprintf(text, sizeof text, "{\"title\": \"%0300d\"}", 0);
  assert_int_equal(parse(&c, text, err, sizeof err), -1);
  assert_non_null(strstr(err, "longer than 255"));
  snprintf(text, sizeof text, "{\"title\": \"%0255d\"}", 0);
  assert_int_equal(parse(&c, text, err, sizeof err), 0);
  assert_int_equal(strlen(c.title), 255);
}

static void test_load_file(void **state) {
  (void)state;
  char *dir = test_tmpdir();
  char path[512], err[512];
  report_config c;
  config_defaults(&c);
  snprintf(path, sizeof path, "%s/missing.json", dir);
  assert_int_equal(config_load(&c, path, err, sizeof err), -2);
  assert_non_null(strstr(err, "missing.json: cannot open: No such file"));

  snprintf(path, sizeof path, "%s/ok.json", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("{\n  \"compass\": {\"post_to\": \"2021-07-31\"},\n  \"small_cell\": 3\n}\n", f);
  fclose(f);
  assert_int_equal(config_load(&c, path, err, sizeof err), 0);
  assert_string_equal(c.post_to, "2021-07-31");
  assert_int_equal(c.small_cell, 3);
  f = fopen(path, "w");
  assert_non_null(f);
  fputs("{\"small_cell\": -1}", f);
  fclose(f);
  assert_int_equal(config_load(&c, path, err, sizeof err), -1); /* read, but not valid */
  assert_int_equal(c.small_cell, 3);

  assert_int_equal(config_load(&c, dir, err, sizeof err), -2); /* a directory */
  assert_non_null(strstr(err, "not a regular file"));
  test_rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults),  cmocka_unit_test(test_flat_and_nested),
      cmocka_unit_test(test_rejects),   cmocka_unit_test(test_long_title),
      cmocka_unit_test(test_load_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

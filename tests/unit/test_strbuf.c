/* Tests for strbuf's CSV field writer: RFC 4180 quoting, and cells that a
 * spreadsheet would run as formulas made text (issue 18, defect 9; OWASP's
 * advice on CSV injection), numbers left alone. */
#include "testutil.h"

#include "strbuf.h"

static void expect_csv(const char *cell, const char *want) {
  strbuf b = STRBUF_INIT;
  strbuf_put_csv(&b, cell);
  if (strcmp(strbuf_str(&b), want) != 0)
    fail_msg("strbuf_put_csv(\"%s\") wrote [%s], want [%s]", cell, strbuf_str(&b), want);
  strbuf_free(&b);
}

static void test_csv_quoting(void **state) {
  (void)state;
  expect_csv("", "");
  expect_csv("plain text", "plain text");
  expect_csv("a,b", "\"a,b\"");
  expect_csv("say \"hi\"", "\"say \"\"hi\"\"\"");
  expect_csv("two\nlines", "\"two\nlines\"");
  expect_csv("2021-03-31", "2021-03-31");
  expect_csv("a=b", "a=b"); /* only a leading sign counts */
}

static void test_csv_formulas_made_text(void **state) {
  (void)state;
  expect_csv("=1+2", "'=1+2");
  expect_csv("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  expect_csv("+44 20 7946 0000", "'+44 20 7946 0000");
  expect_csv("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0");
  expect_csv("@SUM(A1:A2)", "'@SUM(A1:A2)");
  expect_csv("\tx", "'\tx");
  expect_csv("\r=x", "\"'\r=x\"");
  expect_csv("-", "'-");
  expect_csv("+", "'+");
  expect_csv("-1e", "'-1e");
  expect_csv("-.", "'-.");
  expect_csv("-inf", "'-inf");
}

static void test_csv_numbers_left_alone(void **state) {
  (void)state;
  const char *numbers[] = {"-1", "-1.5", "+2", "-0.25", "-.5", "-5.", "+2e3", "-1.25E-07", "-0"};
  for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
    expect_csv(numbers[i], numbers[i]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv_quoting),
      cmocka_unit_test(test_csv_formulas_made_text),
      cmocka_unit_test(test_csv_numbers_left_alone),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

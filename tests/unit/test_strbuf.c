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

static void expect_html(const char *text, const char *want) {
  strbuf b = STRBUF_INIT;
  strbuf_put_html(&b, text);
  if (strcmp(strbuf_str(&b), want) != 0)
    fail_msg("strbuf_put_html(\"%s\") wrote [%s], want [%s]", text, strbuf_str(&b), want);
  strbuf_free(&b);
}

static void test_html_hostile_text(void **state) {
  (void)state;
  expect_html("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
  expect_html("\"><img src=x onerror=alert(1)>",
              "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  expect_html("O'Brien & Sons", "O&#39;Brien &amp; Sons");
  /* Bidi controls (issue 20): RLO, LRE..RLO, LRI..PDI shown as codes. */
  expect_html("Ann \xE2\x80\xAEnamhcaB", "Ann [U+202E]namhcaB");
  expect_html("\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD",
              "[U+202A][U+202B][U+202C][U+202D]");
  expect_html("a\xE2\x81\xA6" "b\xE2\x81\xA7" "c\xE2\x81\xA8" "d\xE2\x81\xA9" "e",
              "a[U+2066]b[U+2067]c[U+2068]d[U+2069]e");
  /* Their neighbours, and right-to-left text itself, pass unchanged:
   * U+2028 (E2 80 A8), U+202F (E2 80 AF), U+2065, a Hebrew name. */
  expect_html("\xE2\x80\xA8\xE2\x80\xAF\xE2\x81\xA5", "\xE2\x80\xA8\xE2\x80\xAF\xE2\x81\xA5");
  expect_html("\xD7\xA9\xD7\xA8\xD7\x94", "\xD7\xA9\xD7\xA8\xD7\x94");
  /* 100 KB of hostile text: every < escaped, nothing lost. */
  size_t n = 6 * 17067; /* 100 KB */
  char *big = malloc(n + 1);
  for (size_t i = 0; i < n; i++)
    big[i] = "<a\"'&>"[i % 6];
  big[n] = '\0';
  strbuf b = STRBUF_INIT;
  strbuf_put_html(&b, big);
  assert_null(strpbrk(strbuf_str(&b), "<>\"'"));
  assert_int_equal(b.len, n / 6 * (4 + 1 + 6 + 5 + 5 + 4));
  strbuf_free(&b);
  free(big);
}

static void test_trim_partial_utf8(void **state) {
  (void)state;
  /* "Zoë" (o, e-diaeresis C3 AB) and a 4-byte emoji (F0 9F 98 80) cut by
   * a 256-byte buffer at every point: never half a character. */
  char name[300], buf[256];
  memset(name, 'a', 253);
  strcpy(name + 253, "\xC3\xAB\xF0\x9F\x98\x80");
  /* snprintf into len bytes keeps len - 1: want[len - 250] after the trim */
  static const size_t want[] = {249, 250, 251, 252, 253, 253, 255};
  for (size_t len = 250; len <= 256; len++) {
    memcpy(buf, name, len - 1); /* as snprintf(buf, len, "%s", name) */
    buf[len - 1] = '\0';
    strbuf_trim_partial_utf8(buf);
    assert_int_equal(strlen(buf), want[len - 250]);
  }
  assert_memory_equal(buf + 253, "\xC3\xAB", 2);
  char e[] = "x\xF0\x9F\x98"; /* three of four bytes */
  strbuf_trim_partial_utf8(e);
  assert_string_equal(e, "x");
  char whole[] = "x\xF0\x9F\x98\x80";
  strbuf_trim_partial_utf8(whole);
  assert_int_equal(strlen(whole), 5);
  char c2[] = "ab\xC3";
  strbuf_trim_partial_utf8(c2);
  assert_string_equal(c2, "ab");
  char empty[] = "";
  strbuf_trim_partial_utf8(empty);
  assert_string_equal(empty, "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv_quoting),
      cmocka_unit_test(test_csv_formulas_made_text),
      cmocka_unit_test(test_csv_numbers_left_alone),
      cmocka_unit_test(test_html_hostile_text),
      cmocka_unit_test(test_trim_partial_utf8),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

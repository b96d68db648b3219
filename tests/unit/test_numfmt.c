/* Tests for the one number formatter: APA p at its edges (issue 18: the
 * report, the findings and `cleval stats` disagreed at .999), fixed
 * decimals without "-0.0", counts with thousands separators. */
#include "testutil.h"

#include "numfmt.h"

static void p_is(double p, const char *bare, const char *apa) {
  char b[32], a[32];
  numfmt_p(b, sizeof b, p);
  numfmt_p_apa(a, sizeof a, p);
  if (strcmp(b, bare) != 0 || strcmp(a, apa) != 0)
    fail_msg("p = %.17g: got \"%s\" / \"%s\", expected \"%s\" / \"%s\"", p, b, a, bare, apa);
}

static void test_p_edges(void **state) {
  (void)state;
  p_is(0.999, ".999", "p = .999");
  p_is(0.9992, ".999", "p = .999"); /* three decimals read .999: no "> .999" yet */
  p_is(0.9995, "> .999", "p > .999");
  p_is(0.99999999999992673, "> .999", "p > .999");
  p_is(1.0, "> .999", "p > .999");
  p_is(0.001, ".001", "p = .001");
  p_is(0.0005, "< .001", "p < .001");
  p_is(1e-300, "< .001", "p < .001");
  p_is(0.0, "< .001", "p < .001");
  p_is(0.034, ".034", "p = .034");
  p_is(0.05, ".050", "p = .050");
  p_is(NAN, "n/a", "no test");
  p_is(-0.1, "n/a", "no test");
  p_is(1.5, "n/a", "no test");
}

static void test_fixed_and_count(void **state) {
  (void)state;
  char b[64];
  numfmt_fixed(b, sizeof b, -0.04, 1);
  assert_string_equal(b, "0.0");
  numfmt_fixed(b, sizeof b, 81002.5, 2);
  assert_string_equal(b, "81002.50");
  numfmt_fixed(b, sizeof b, INFINITY, 2);
  assert_string_equal(b, "n/a");
  numfmt_count(b, sizeof b, 1466);
  assert_string_equal(b, "1,466");
  numfmt_count(b, sizeof b, -1234567);
  assert_string_equal(b, "-1,234,567");
  numfmt_count(b, sizeof b, 999);
  assert_string_equal(b, "999");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_p_edges),
      cmocka_unit_test(test_fixed_and_count),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

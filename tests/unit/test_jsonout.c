/* Tests for jsonout: the JSON cleval writes through jansson. Numbers are
 * exact (17 digits), whole ones written without a fraction as %.17g
 * writes them, NaN and infinities null; text that is not UTF-8 is kept
 * with U+FFFD in place of the bad bytes instead of failing the file; a
 * streamed list is valid JSON at every length. */
#include "testutil.h"

#include <jansson.h>
#include <math.h>

#include "jsonout.h"

static char *line_of(json_t *v) {
  strbuf b = STRBUF_INIT;
  jsonout_put(&b, v, JSONOUT_LINE);
  json_decref(v);
  return strbuf_detach(&b);
}

static void expect(json_t *v, const char *want) {
  char *got = line_of(v);
  if (strcmp(got, want) != 0)
    fail_msg("wrote [%s], want [%s]", got, want);
  free(got);
}

static void test_numbers(void **state) {
  (void)state;
  expect(jsonout_real(3), "3");
  expect(jsonout_real(-42), "-42");
  expect(jsonout_real(1.5), "1.5");
  expect(jsonout_real(0.95), "0.94999999999999996"); /* %.17g, as before */
  expect(jsonout_real(-0.0), "-0.0");
  expect(jsonout_real(1e300), "1.0000000000000001e300");
  expect(jsonout_real(9007199254740992.0), "9007199254740992.0"); /* 2^53: a real */
  expect(jsonout_real(NAN), "null");
  expect(jsonout_real(INFINITY), "null");
  expect(jsonout_real(-INFINITY), "null");
  /* Every double reads back bit for bit. */
  const double xs[] = {0.1, 1.0 / 3, 5e-324, 1.7976931348623157e308, 4.637167084164442e-9};
  for (size_t i = 0; i < sizeof xs / sizeof *xs; i++) {
    char *text = line_of(jsonout_real(xs[i]));
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    assert_non_null(v);
    double back = json_number_value(v);
    if (memcmp(&back, &xs[i], sizeof back) != 0)
      fail_msg("%.17g written as %s reads back as %.17g", xs[i], text, back);
    json_decref(v);
    free(text);
  }
}

static void test_strings(void **state) {
  (void)state;
  expect(jsonout_string("plain"), "\"plain\"");
  expect(jsonout_string("say \"hi\"\\\n\t\x01"), "\"say \\\"hi\\\"\\\\\\n\\t\\u0001\"");
  expect(jsonout_string("caf\xC3\xA9 \xE2\x80\xAE"), "\"caf\xC3\xA9 \xE2\x80\xAE\"");
  expect(jsonout_string(NULL), "null");
  /* Not UTF-8: a lone continuation byte, a cut sequence, an overlong '/',
   * a surrogate; each bad byte becomes U+FFFD, the rest is kept. */
  expect(jsonout_string("a\x80z"), "\"a\xEF\xBF\xBDz\"");
  expect(jsonout_string("a\xC3"), "\"a\xEF\xBF\xBD\"");
  expect(jsonout_string("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
  expect(jsonout_string("\xED\xA0\x80!"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD!\"");
}

static void test_items(void **state) {
  (void)state;
  for (size_t n = 0; n < 3; n++) {
    strbuf b = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
      json_t *o = json_object();
      jsonout_set(o, "i", json_integer((json_int_t)i));
      jsonout_set(o, "x", jsonout_real(NAN));
      jsonout_item(&b, i, o);
    }
    jsonout_end_items(&b, n);
    json_error_t e;
    json_t *v = json_loads(strbuf_str(&b), 0, &e);
    if (!v)
      fail_msg("a list of %zu does not parse: %s (%s)", n, e.text, strbuf_str(&b));
    assert_int_equal(json_array_size(v), n);
    for (size_t i = 0; i < n; i++) {
      json_t *o = json_array_get(v, i);
      assert_int_equal(json_integer_value(json_object_get(o, "i")), (json_int_t)i);
      assert_true(json_is_null(json_object_get(o, "x")));
    }
    json_decref(v);
    strbuf_free(&b);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_numbers),
      cmocka_unit_test(test_strings),
      cmocka_unit_test(test_items),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

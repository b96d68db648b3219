/* Form, query and cookie parsing, tokens and the rate limiter: the pieces
 * of the web server that read untrusted input or make secrets. */
#include "testutil.h"

#include "token.h"
#include "web_form.h"
#include "web_ratelimit.h"

static void test_form_decodes(void **state) {
  (void)state;
  web_form f = {0};
  char err[256];
  const char *body = "csrf=abc&school_lead_01=5&name=J%C3%A9r%C3%B4me+O%27Neil&empty=&flag&x=1";
  assert_int_equal(web_form_parse(&f, body, strlen(body), err, sizeof err), 0);
  assert_int_equal(f.n, 6);
  assert_string_equal(web_form_get(&f, "csrf"), "abc");
  assert_string_equal(web_form_get(&f, "school_lead_01"), "5");
  assert_string_equal(web_form_get(&f, "name"), "J\xc3\xa9r\xc3\xb4me O'Neil");
  assert_string_equal(web_form_get(&f, "empty"), "");
  assert_string_equal(web_form_get(&f, "flag"), "");
  assert_null(web_form_get(&f, "missing"));
  web_form_free(&f);
  /* Empty pieces between ampersands are skipped; a repeated name keeps
   * both, and the first is the one got. */
  assert_int_equal(web_form_parse(&f, "&&a=1&&a=2&", 11, err, sizeof err), 0);
  assert_int_equal(f.n, 2);
  assert_string_equal(web_form_get(&f, "a"), "1");
  assert_string_equal(f.fields[1].value, "2");
  web_form_free(&f);
}

static void test_form_refuses(void **state) {
  (void)state;
  const char *bad[] = {"a=%zz", "a=%4", "a=%", "=1", "a=%00", "a=%C3%28", "a=%ED%A0%80",
                       "a=%C0%AF", "a=%01", "%F4%90%80%80=1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    web_form f = {0};
    char err[256] = "";
    if (web_form_parse(&f, bad[i], strlen(bad[i]), err, sizeof err) != -1)
      fail_msg("'%s' was accepted", bad[i]);
    assert_true(err[0] != '\0');
    web_form_free(&f);
  }
  /* Limits: a value past WEB_FORM_MAX_VALUE, more than WEB_FORM_MAX_FIELDS
   * fields. */
  char *big = malloc(WEB_FORM_MAX_VALUE + 16);
  strcpy(big, "v=");
  memset(big + 2, 'x', WEB_FORM_MAX_VALUE + 1);
  big[WEB_FORM_MAX_VALUE + 3] = '\0';
  web_form f = {0};
  char err[256];
  assert_int_equal(web_form_parse(&f, big, strlen(big), err, sizeof err), -1);
  assert_non_null(strstr(err, "too long"));
  web_form_free(&f);
  big[WEB_FORM_MAX_VALUE + 2] = '\0'; /* exactly the limit: accepted */
  assert_int_equal(web_form_parse(&f, big, strlen(big), err, sizeof err), 0);
  web_form_free(&f);
  free(big);
  char many[WEB_FORM_MAX_FIELDS * 4 + 16] = "";
  for (int i = 0; i <= WEB_FORM_MAX_FIELDS; i++)
    strcat(many, "a=1&");
  assert_int_equal(web_form_parse(&f, many, strlen(many), err, sizeof err), -1);
  assert_non_null(strstr(err, "more than"));
  web_form_free(&f);
}

static void test_cookies(void **state) {
  (void)state;
  char v[64];
  const char *h = "theme=dark; cleval_session=abc-DEF_123;other=\"q\" ; x=";
  assert_int_equal(web_cookie_get(h, "cleval_session", v, sizeof v), 0);
  assert_string_equal(v, "abc-DEF_123");
  assert_int_equal(web_cookie_get(h, "other", v, sizeof v), 0);
  assert_string_equal(v, "q");
  assert_int_equal(web_cookie_get(h, "x", v, sizeof v), 0);
  assert_string_equal(v, "");
  assert_int_equal(web_cookie_get(h, "cleval", v, sizeof v), -1);
  assert_int_equal(web_cookie_get(NULL, "x", v, sizeof v), -1);
  /* Too long for the buffer, or characters a cookie may not hold. */
  assert_int_equal(web_cookie_get("a=0123456789", "a", v, 5), -1);
  assert_int_equal(web_cookie_get("a=x\\y", "a", v, sizeof v), -1);
  assert_int_equal(web_cookie_get("a=x,y", "a", v, sizeof v), -1);
  assert_int_equal(web_cookie_get("junk;;=;a=1", "a", v, sizeof v), 0);
  assert_string_equal(v, "1");
}

static void test_tokens(void **state) {
  (void)state;
  assert_int_equal(token_init(), 0);
  char a[TOKEN_MAX], b[TOKEN_MAX];
  token_new(a, 16);
  token_new(b, 16);
  assert_int_equal(strlen(a), 22); /* 128 bits in base64url, no padding */
  assert_true(token_well_formed(a, 16));
  assert_false(token_equal(a, b));
  token_new(a, 32);
  assert_int_equal(strlen(a), 43);
  assert_true(token_well_formed(a, 32));
  assert_false(token_well_formed(a, 16));
  assert_false(token_well_formed("abc+def/ghijklmnopqrstu", 16));
  assert_false(token_well_formed("", 16));
  /* SHA-256 of "abc" (FIPS 180-2 example). */
  char hex[TOKEN_HASH_HEX];
  token_hash("abc", hex);
  assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  /* HMAC-SHA-256, RFC 4231 test case 2 needs a short key; here a 32-byte
   * key of 0x0b and "Hi There", checked with Python:
   * base64.urlsafe_b64encode(hmac.new(b'\x0b'*32, b'Hi There',
   * hashlib.sha256).digest()).rstrip(b'=') */
  unsigned char key[TOKEN_KEY_BYTES];
  memset(key, 0x0b, sizeof key);
  char mac[TOKEN_MAX];
  token_mac(key, "Hi There", 8, mac);
  assert_string_equal(mac, "GYpgfrRL-8aZA6Dxzyu9xboKo_PZrjwcejsWlqC2jPc");
  assert_true(token_equal("same", "same"));
  assert_false(token_equal("same", "sane"));
  assert_false(token_equal("same", "same1"));
  assert_false(token_equal(NULL, "x"));
}

static void test_ratelimit(void **state) {
  (void)state;
  web_ratelimit *rl = web_ratelimit_new(3, 60, 2);
  assert_false(web_ratelimit_blocked(rl, "a", 1000));
  web_ratelimit_fail(rl, "a", 1000);
  web_ratelimit_fail(rl, "a", 1001);
  assert_false(web_ratelimit_blocked(rl, "a", 1002));
  web_ratelimit_fail(rl, "a", 1002);
  assert_true(web_ratelimit_blocked(rl, "a", 1003));
  assert_false(web_ratelimit_blocked(rl, "b", 1003));
  /* The window ends. */
  assert_false(web_ratelimit_blocked(rl, "a", 1060));
  web_ratelimit_fail(rl, "a", 1061);
  assert_false(web_ratelimit_blocked(rl, "a", 1061));
  /* A success clears; a full table forgets the oldest entry. */
  web_ratelimit_clear(rl, "a");
  for (int i = 0; i < 3; i++)
    web_ratelimit_fail(rl, "b", 2000);
  for (int i = 0; i < 3; i++)
    web_ratelimit_fail(rl, "c", 2001);
  for (int i = 0; i < 3; i++)
    web_ratelimit_fail(rl, "d", 2002);
  assert_false(web_ratelimit_blocked(rl, "b", 2003));
  assert_true(web_ratelimit_blocked(rl, "c", 2003));
  assert_true(web_ratelimit_blocked(rl, "d", 2003));
  web_ratelimit_free(rl);
  web_ratelimit_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_form_decodes), cmocka_unit_test(test_form_refuses),
      cmocka_unit_test(test_cookies),      cmocka_unit_test(test_tokens),
      cmocka_unit_test(test_ratelimit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

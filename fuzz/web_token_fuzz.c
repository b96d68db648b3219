/* libFuzzer target for the survey token path: /s/TOKEN and
 * /compass/TOKEN[/new] with the token from the bytes (up to the first
 * newline; "@" stands for a live link's token, so that near misses and
 * live links with something after them are tried), then, with a valid
 * visitor cookie and csrf field, a POST of the rest as the survey or
 * Compass form (sections, answers, go=next, go=submit). The first byte
 * chooses the link (three survey stages, the Compass page or form). Checked
 * by fz_request: no crash, 500, unknown status, leak or markup in a page;
 * an unknown token is 404 (or 429 once rate-limited), never a page. */
#include "web_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_setup();
  if (size < 1)
    return 0;
  int kind = data[0] % 5;
  const char *live = kind < 3 ? fz_survey[kind] : fz_compass;
  const uint8_t *p = data + 1, *end = data + size;
  size_t blen;
  char *raw = fz_take(&p, end, '\n', NULL);
  char *body = fz_take(&p, end, 0xff, &blen);
  strbuf tok = STRBUF_INIT, path = STRBUF_INIT, form = STRBUF_INIT, cookie = STRBUF_INIT;
  for (const char *c = raw; *c; c++) {
    if (*c == '@')
      strbuf_put(&tok, live, strlen(live));
    else
      strbuf_put(&tok, c, 1);
  }
  strbuf_printf(&path, "%s%s%s", kind < 3 ? "/s/" : "/compass/", strbuf_str(&tok),
                kind == 4 ? "/new" : "");
  strbuf_printf(&cookie, "%s=%s", WEB_VISITOR_COOKIE, fz_visitor);
  strbuf_printf(&form, "csrf=%s&", fz_csrf);
  strbuf_put(&form, body, blen);
  /* (A token with a slash in it may name another page of the same link.) */
  bool is_live = strcmp(strbuf_str(&tok), live) == 0 || strchr(strbuf_str(&tok), '/');
  web_form q = {0};
  int st = fz_request("GET", strbuf_str(&path), &q, strbuf_str(&cookie), NULL, 0);
  /* Only a live link opens a page; anything else is not found (or the
   * address is rate-limited, or the path not text). */
  if (!is_live && (st == 200 || st == 303))
    __builtin_trap();
  const char *post = kind == 3 ? NULL : strbuf_str(&path);
  if (kind == 3) {
    strbuf_reset(&path);
    strbuf_printf(&path, "/compass/%s/new", strbuf_str(&tok));
    post = strbuf_str(&path);
  }
  web_form q2 = {0};
  st = fz_request("POST", post, &q2, strbuf_str(&cookie), strbuf_str(&form), form.len);
  if (!is_live && (st == 200 || st == 303))
    __builtin_trap();
  strbuf_free(&tok);
  strbuf_free(&path);
  strbuf_free(&form);
  strbuf_free(&cookie);
  free(raw);
  free(body);
  return 0;
}

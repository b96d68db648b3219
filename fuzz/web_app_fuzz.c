/* libFuzzer target for whole requests through the application's one
 * dispatcher (web_app_handle), as the server hands them over. The bytes:
 * a first byte choosing the method (GET, POST, HEAD or DELETE), whether an
 * analyst's session cookie and a valid csrf field go with it; then, split
 * at newlines, the path, the query string, more of the Cookie header and
 * the urlencoded body. In the path "@0", "@1" and "@2" stand for live
 * survey links and "@c" for a live Compass link, so that the fuzzer reaches
 * the pages behind them. Checked by fz_request: no crash, 500, unknown
 * status, leak or markup from the request in a page. */
#include "web_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_setup();
  if (size < 1)
    return 0;
  static const char *const methods[] = {"GET", "POST", "HEAD", "DELETE"};
  const char *method = methods[data[0] & 3];
  bool staff = data[0] & 4, with_csrf = !(data[0] & 8);
  const uint8_t *p = data + 1, *end = data + size;
  size_t qlen, blen;
  char *raw = fz_take(&p, end, '\n', NULL);
  char *query = fz_take(&p, end, '\n', &qlen);
  char *more = fz_take(&p, end, '\n', NULL);
  char *body = fz_take(&p, end, 0xff, &blen);
  /* The path, its placeholders replaced. */
  strbuf path = STRBUF_INIT;
  if (raw[0] != '/')
    strbuf_put(&path, "/", 1);
  for (const char *c = raw; *c; c++) {
    if (c[0] == '@' && c[1] >= '0' && c[1] <= '2') {
      strbuf_put(&path, fz_survey[c[1] - '0'], strlen(fz_survey[c[1] - '0']));
      c++;
    } else if (c[0] == '@' && c[1] == 'c') {
      strbuf_put(&path, fz_compass, strlen(fz_compass));
      c++;
    } else {
      strbuf_put(&path, c, 1);
    }
  }
  strbuf cookie = STRBUF_INIT, form = STRBUF_INIT;
  strbuf_printf(&cookie, "%s=%s", WEB_VISITOR_COOKIE, fz_visitor);
  if (staff)
    strbuf_printf(&cookie, "; %s=%s", WEB_SESSION_COOKIE, fz_session);
  if (more[0])
    strbuf_printf(&cookie, "; %s", more);
  if (with_csrf)
    strbuf_printf(&form, "csrf=%s&", staff ? fz_staff_csrf : fz_csrf);
  strbuf_put(&form, body, blen);
  web_form q = {0};
  if (fz_query(&q, query, qlen) == 0)
    fz_request(method, strbuf_str(&path), &q, strbuf_str(&cookie),
               strcmp(method, "POST") == 0 ? strbuf_str(&form) : NULL, form.len);
  web_form_free(&q);
  strbuf_free(&path);
  strbuf_free(&cookie);
  strbuf_free(&form);
  free(raw);
  free(query);
  free(more);
  free(body);
  return 0;
}

/* libFuzzer target for query strings: the bytes as the query of a request,
 * decoded as libmicrohttpd decodes one and taken as the server takes each
 * argument (fz_query, web_form_add_arg): every argument kept is text within
 * the limits, or the request is refused (400). Kept ones then go with a GET
 * of the sign-in page, a survey link and a Compass link, whose handlers
 * read ?section=, ?review=, ?saved= and the like. Never a crash, a 500, a
 * leak or markup from the query in a page. */
#include "web_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_setup();
  static const char *const paths[] = {"/login", "/s/%s", "/compass/%s", "/compass/%s/new",
                                      "/responses"};
  for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
    web_form q = {0};
    if (fz_query(&q, (const char *)data, size) != 0) {
      web_form_free(&q);
      return 0;
    }
    if (q.n > WEB_FORM_MAX_FIELDS)
      __builtin_trap();
    for (size_t i = 0; i < q.n; i++) {
      size_t nl = strlen(q.fields[i].name), vl = strlen(q.fields[i].value);
      if (!nl || nl > WEB_FORM_MAX_NAME || vl > WEB_FORM_MAX_VALUE ||
          !web_text_ok(q.fields[i].name, nl) || !web_text_ok(q.fields[i].value, vl))
        __builtin_trap();
    }
    char path[128], cookie[128];
    snprintf(path, sizeof path, paths[k], k == 1 ? fz_survey[size % 3] : fz_compass);
    snprintf(cookie, sizeof cookie, "%s=%s", WEB_VISITOR_COOKIE, fz_visitor);
    fz_request("GET", path, &q, cookie, NULL, 0);
  }
  return 0;
}

/* libFuzzer entry point for what browsers send: the same bytes as a form
 * body (and query string) and as a Cookie header. A form either parses
 * into fields within the limits, each valid UTF-8 text without NUL, or is
 * refused with a message; a cookie's value, when found, holds only cookie
 * characters and fits its buffer. Never a crash, hang or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web_form.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  web_form f = {0};
  char err[256] = "";
  int rc = web_form_parse(&f, (const char *)data, size, err, sizeof err);
  if (rc != 0 && !err[0])
    __builtin_trap(); /* a refusal says why */
  if (f.n > WEB_FORM_MAX_FIELDS)
    __builtin_trap();
  for (size_t i = 0; i < f.n; i++) {
    size_t nl = strlen(f.fields[i].name), vl = strlen(f.fields[i].value);
    if (!nl || nl > WEB_FORM_MAX_NAME || vl > WEB_FORM_MAX_VALUE ||
        !web_text_ok(f.fields[i].name, nl) || !web_text_ok(f.fields[i].value, vl))
      __builtin_trap();
    if (web_form_get(&f, f.fields[i].name) == NULL)
      __builtin_trap();
  }
  web_form_free(&f);

  char *header = xmalloc(size + 1);
  memcpy(header, data, size);
  header[size] = '\0';
  char v[48];
  static const char *const names[] = {"cleval_session", "cleval_visitor", "a", ""};
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
    memset(v, 0x55, sizeof v);
    if (web_cookie_get(header, names[k], v, sizeof v) == 0) {
      size_t n = strnlen(v, sizeof v);
      if (n == sizeof v)
        __builtin_trap(); /* not terminated within the buffer */
      for (size_t i = 0; i < n; i++)
        if (v[i] <= 0x20 || v[i] == '"' || v[i] == ',' || v[i] == ';' || v[i] == '\\' ||
            v[i] == 0x7f)
          __builtin_trap();
    }
  }
  free(header);
  return 0;
}

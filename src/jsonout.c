/* JSON values and documents through jansson (jsonout.h). */
#include "jsonout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

json_t *jsonout_real(double x) {
  if (!isfinite(x))
    return json_null();
  /* A whole number is written as one ("3", not jansson's "3.0"), as
   * %.17g writes it; -0 and magnitudes past 2^53 stay reals. */
  if (x == trunc(x) && fabs(x) < 9007199254740992.0 && !(x == 0 && signbit(x)))
    return json_integer((json_int_t)x);
  return json_real(x);
}

/* The length of the UTF-8 sequence at p (at most n bytes), 0 when none
 * starts there: no overlong forms, surrogates or values past U+10FFFF. */
static size_t utf8_len(const unsigned char *p, size_t n) {
  unsigned c = p[0];
  if (c < 0x80)
    return 1;
  size_t k = c >= 0xc2 && c <= 0xdf   ? 2
             : c >= 0xe0 && c <= 0xef ? 3
             : c >= 0xf0 && c <= 0xf4 ? 4
                                      : 0;
  if (k == 0 || k > n)
    return 0;
  for (size_t i = 1; i < k; i++)
    if ((p[i] & 0xc0) != 0x80)
      return 0;
  if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) || (c == 0xf0 && p[1] < 0x90) ||
      (c == 0xf4 && p[1] > 0x8f))
    return 0;
  return k;
}

json_t *jsonout_string(const char *s) {
  if (!s)
    return json_null();
  json_t *v = json_string(s);
  if (v)
    return v;
  strbuf b = STRBUF_INIT;
  const unsigned char *p = (const unsigned char *)s;
  size_t n = strlen(s);
  for (size_t i = 0; i < n;) {
    size_t k = utf8_len(p + i, n - i);
    if (k) {
      strbuf_put(&b, s + i, k);
      i += k;
    } else {
      strbuf_puts(&b, "\xEF\xBF\xBD");
      i++;
    }
  }
  v = json_string(strbuf_str(&b));
  strbuf_free(&b);
  if (!v)
    abort(); /* cannot allocate */
  return v;
}

json_t *jsonout_strings(char *const *items, size_t n) {
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(a, jsonout_string(items[i]));
  return a;
}

static int put(const char *buffer, size_t size, void *data) {
  strbuf_put(data, buffer, size);
  return 0;
}

void jsonout_put(strbuf *b, const json_t *v, size_t flags) {
  if (json_dump_callback(v, put, b, flags | JSON_ENCODE_ANY) != 0)
    abort(); /* every string is UTF-8 (jsonout_string): only memory can fail */
}

void jsonout_item(strbuf *b, size_t i, json_t *v) {
  strbuf_puts(b, i ? ",\n  " : "[\n  ");
  jsonout_put(b, v, JSONOUT_LINE);
  json_decref(v);
}

void jsonout_end_items(strbuf *b, size_t n) { strbuf_puts(b, n ? "\n]\n" : "[]\n"); }

void jsonout_set(json_t *o, const char *key, json_t *v) {
  if (!v || json_object_set_new(o, key, v) != 0)
    abort(); /* a key not UTF-8 (keys are ours) or no memory */
}

/* Growable text buffer with escaping writers (see strbuf.h). */
#include "strbuf.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void strbuf_init(strbuf *b) {
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
}

void strbuf_free(strbuf *b) {
  free(b->data);
  strbuf_init(b);
}

void strbuf_reset(strbuf *b) {
  b->len = 0;
  if (b->data)
    b->data[0] = '\0';
}

static void reserve(strbuf *b, size_t extra) {
  b->data = xgrow(b->data, &b->cap, b->len + extra + 1, 1);
}

void strbuf_put(strbuf *b, const char *s, size_t n) {
  reserve(b, n);
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void strbuf_puts(strbuf *b, const char *s) { strbuf_put(b, s, strlen(s)); }

void strbuf_putc(strbuf *b, char c) { strbuf_put(b, &c, 1); }

void strbuf_vprintf(strbuf *b, const char *fmt, va_list ap) {
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (n < 0)
    return;
  reserve(b, (size_t)n);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
}

void strbuf_printf(strbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  strbuf_vprintf(b, fmt, ap);
  va_end(ap);
}

/* The bidirectional embedding, override and isolate controls, U+202A to
 * U+202E (E2 80 AA-AE) and U+2066 to U+2069 (E2 81 A6-A9): in a name or
 * an answer they would reverse or reorder the text around it on the page
 * (a name that reads as another, a figure that reads backwards). The code
 * point when s starts with one, else 0. */
static unsigned bidi_control(const unsigned char *s) {
  if (s[0] != 0xE2)
    return 0;
  if (s[1] == 0x80 && s[2] >= 0xAA && s[2] <= 0xAE)
    return 0x2000u + (s[2] - 0x80u);
  if (s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9)
    return 0x2040u + (s[2] - 0x80u);
  return 0;
}

void strbuf_trim_partial_utf8(char *s) {
  size_t n = strlen(s), i = n;
  /* back over up to three continuation bytes to the lead byte */
  while (i > 0 && n - i < 3 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
    i--;
  if (i == 0)
    return;
  unsigned char lead = (unsigned char)s[i - 1];
  size_t need = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3
              : (lead & 0xF8) == 0xF0                  ? 4
                                                       : 0;
  if (need > n - i + 1)
    s[i - 1] = '\0';
}

void strbuf_put_html(strbuf *b, const char *s) {
  for (; *s; s++) {
    unsigned cp = bidi_control((const unsigned char *)s);
    if (cp) {
      /* shown as its code, visibly, never obeyed */
      strbuf_printf(b, "[U+%04X]", cp);
      s += 2;
      continue;
    }
    switch (*s) {
    case '&': strbuf_puts(b, "&amp;"); break;
    case '<': strbuf_puts(b, "&lt;"); break;
    case '>': strbuf_puts(b, "&gt;"); break;
    case '"': strbuf_puts(b, "&quot;"); break;
    case '\'': strbuf_puts(b, "&#39;"); break;
    default: strbuf_putc(b, *s);
    }
  }
}

/* Whether s is a plain decimal number: [+-]digits[.digits][e[+-]digits],
 * or with the digits after the point only. */
static bool is_number(const char *s) {
  const char *p = s + (*s == '+' || *s == '-');
  size_t before = strspn(p, "0123456789"), after = 0;
  p += before;
  if (*p == '.') {
    after = strspn(p + 1, "0123456789");
    p += 1 + after;
  }
  if (before + after == 0)
    return false;
  if (*p == 'e' || *p == 'E') {
    p += 1 + (p[1] == '+' || p[1] == '-');
    size_t exp = strspn(p, "0123456789");
    if (!exp)
      return false;
    p += exp;
  }
  return *p == '\0';
}

void strbuf_put_csv(strbuf *b, const char *s) {
  /* A cell a spreadsheet would take for a formula is made text with a
   * leading single quote, as OWASP advises against CSV injection; numbers
   * such as -1.5 are left alone. */
  bool formula = s[0] && strchr("=+-@\t\r", s[0]) && !is_number(s);
  bool quoted = strpbrk(s, ",\"\r\n") != NULL;
  if (quoted)
    strbuf_putc(b, '"');
  if (formula)
    strbuf_putc(b, '\'');
  for (; *s; s++) {
    if (*s == '"')
      strbuf_putc(b, '"');
    strbuf_putc(b, *s);
  }
  if (quoted)
    strbuf_putc(b, '"');
}

void strbuf_put_number(strbuf *b, double x) {
  if (!isfinite(x))
    strbuf_puts(b, "null");
  else
    strbuf_printf(b, "%.17g", x);
}

const char *strbuf_str(const strbuf *b) { return b->data ? b->data : ""; }

char *strbuf_detach(strbuf *b) {
  char *s = b->data ? b->data : xstrdup("");
  strbuf_init(b);
  return s;
}

char *strbuf_vformat(const char *fmt, va_list ap) {
  strbuf b = STRBUF_INIT;
  strbuf_vprintf(&b, fmt, ap);
  char *s = strbuf_detach(&b);
  return s ? s : xstrdup("");
}

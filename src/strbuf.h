/* A growable byte buffer for building text (HTML, SVG, CSV, JSON, SQL
 * messages). Escaping happens at the point of writing: strbuf_put_html,
 * strbuf_put_csv (JSON is jsonout's, through jansson). */
#ifndef CLEVAL_STRBUF_H
#define CLEVAL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
  char *data; /* always NUL-terminated once anything was written */
  size_t len;
  size_t cap;
} strbuf;

#define STRBUF_INIT                                                                                \
  { NULL, 0, 0 }

void strbuf_init(strbuf *b);
/* Frees the contents; the buffer may be reused after strbuf_init. */
void strbuf_free(strbuf *b);
void strbuf_reset(strbuf *b);
void strbuf_put(strbuf *b, const char *s, size_t n);
void strbuf_puts(strbuf *b, const char *s);
void strbuf_putc(strbuf *b, char c);
void strbuf_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(strbuf *b, const char *fmt, va_list ap);
/* Text escaped for HTML element content and attribute values: & < > " '
 * as entities, and every bidirectional embedding, override or isolate
 * control (U+202A-U+202E, U+2066-U+2069) shown as its code, "[U+202E]",
 * so that user text can never reorder what a page shows around it. */
void strbuf_put_html(strbuf *b, const char *s);
/* Cuts from s (NUL-terminated UTF-8, as snprintf left it in a fixed
 * buffer) a last character whose bytes were cut short, so that a name
 * truncated to a buffer's size never ends in half a character. */
void strbuf_trim_partial_utf8(char *s);
/* One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF.
 * A field beginning with =, +, -, @, a tab or a carriage return that is not
 * a plain number (-1.5, +2e3) gets a leading single quote, so that no
 * spreadsheet runs it as a formula (OWASP, CSV injection): such a field
 * does not read back as it was written. */
void strbuf_put_csv(strbuf *b, const char *s);
/* A double as report tables write it: %.17g, or null when not finite. */
void strbuf_put_number(strbuf *b, double x);
/* The contents as a C string ("" when empty); owned by the buffer. */
const char *strbuf_str(const strbuf *b);
/* Takes the contents; the caller frees them with free(). The buffer is
 * left empty. */
char *strbuf_detach(strbuf *b);

/* A new string formatted as vprintf would (never NULL; the caller frees it). */
char *strbuf_vformat(const char *fmt, va_list ap);

#endif

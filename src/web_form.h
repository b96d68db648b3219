/* Parsing what a browser sends: application/x-www-form-urlencoded bodies
 * and query strings, and the Cookie header. Untrusted input: sizes are
 * limited, malformed escapes, NUL bytes and invalid UTF-8 are refused. */
#ifndef CLEVAL_WEB_FORM_H
#define CLEVAL_WEB_FORM_H

#include <stddef.h>

/* Limits a form must stay within. */
#define WEB_FORM_MAX_FIELDS 256
#define WEB_FORM_MAX_NAME 128
#define WEB_FORM_MAX_VALUE 4096

typedef struct web_field {
  char *name;
  char *value;
} web_field;

typedef struct web_form {
  web_field *fields; /* in the order sent; a name may repeat */
  size_t n, cap;
} web_form;

/* Parses len bytes of data ("a=1&b=x+y%21") into form (which must be
 * zeroed or freshly freed), appending its fields. Returns 0, or -1 with a
 * message in err when a field is malformed or a limit is passed; form then
 * holds the fields before the bad one. Free with web_form_free. */
int web_form_parse(web_form *form, const char *data, size_t len, char *err, size_t errlen);

/* Appends one field (copies of name and value). */
void web_form_add(web_form *form, const char *name, const char *value);

/* The value of the first field called name, or NULL. Owned by form. */
const char *web_form_get(const web_form *form, const char *name);

/* Frees the fields; form is left empty and may be reused. */
void web_form_free(web_form *form);

/* The value of cookie name in a Cookie header ("a=1; b=2"), copied into
 * out (outlen bytes). Returns 0, or -1 when the cookie is absent or its
 * value does not fit or holds characters a cookie value may not. */
int web_cookie_get(const char *header, const char *name, char *out, size_t outlen);

/* Whether s (len bytes) is valid UTF-8 without NUL or other C0 controls
 * except tab, CR and LF. */
int web_text_ok(const char *s, size_t len);

/* Adds one query-string argument as libmicrohttpd hands it over (name and
 * value already decoded; value NULL for a bare name): 0, or -1 when the
 * form is full or the name is empty, too long or not text (valid UTF-8
 * without control characters), or the value too long or not text. */
int web_form_add_arg(web_form *form, const char *name, const char *value);

#endif

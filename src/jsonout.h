/* JSON written through jansson: the values cleval's numbers and texts
 * become, and a document appended to a strbuf. Every JSON file and
 * --json output is made here or from these values. */
#ifndef CLEVAL_JSONOUT_H
#define CLEVAL_JSONOUT_H

#include <jansson.h>
#include <stddef.h>

#include "strbuf.h"

/* The flags of one-line output ({"a": 1, "b": 2}) and of a file (indented
 * by two spaces); numbers keep 17 significant digits, as a double needs. */
#define JSONOUT_LINE (JSON_REAL_PRECISION(17))
#define JSONOUT_FILE (JSON_INDENT(2) | JSON_REAL_PRECISION(17))

/* A number (a whole one written without a fraction), or null when x is
 * NaN or infinite (JSON has neither). */
json_t *jsonout_real(double x);

/* A string; bytes that are not UTF-8 (never from a checked import, but
 * a file is not a place to fail) become U+FFFD. NULL gives null. */
json_t *jsonout_string(const char *s);

/* An array of n strings. */
json_t *jsonout_strings(char *const *items, size_t n);

/* Appends v as JSON to b (flags as for json_dumps). Aborts only where
 * jansson cannot allocate. */
void jsonout_put(strbuf *b, const json_t *v, size_t flags);

/* A list written as it is made (an export of millions of rows is never
 * held whole): item i of it, v on a line of its own, v released; then the
 * end of a list of n items. */
void jsonout_item(strbuf *b, size_t i, json_t *v);
void jsonout_end_items(strbuf *b, size_t n);

/* Sets key of object o to v and gives up the caller's reference to v. */
void jsonout_set(json_t *o, const char *key, json_t *v);

#endif

/* Allocation that never returns NULL: on out-of-memory the process aborts
 * with a message, so callers need no NULL checks. The only place that calls
 * malloc and friends directly. */
#ifndef CLEVAL_XALLOC_H
#define CLEVAL_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
/* Resizes p; p may be NULL. */
void *xrealloc(void *p, size_t size);
/* Grows an array of count elements of size bytes each to at least need
 * elements, doubling; updates *cap. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif

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
/* Resizes p for a large array of bytes and hints the kernel to back it with
 * transparent huge pages: faulting in 4 KiB pages one at a time costs more
 * than the work done on ten million numbers. */
void *xrealloc_big(void *p, size_t bytes);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif

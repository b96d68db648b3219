/* Directories: mkdir -p, for the report's output and the demo's files. */
#ifndef CLEVAL_DIRS_H
#define CLEVAL_DIRS_H

#include <stddef.h>

/* Creates path and every missing parent (mode 0777 before the umask). When
 * made is not NULL each directory created is appended to the array *made
 * (*nmade entries; the caller frees the strings and the array), so that a
 * caller that fails later can remove them again. Returns 0 when path is a
 * directory afterwards; -1 with a message naming the directory otherwise
 * (what was created stays listed in *made). */
int dirs_make(const char *path, char ***made, size_t *nmade, char *err, size_t errlen);

#endif

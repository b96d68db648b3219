/* Temporary files beside an output, "PATH.tmp-PID-XXXXXX", renamed or
 * linked to PATH when complete (init, backup, restore, export), and the
 * removal of those that a killed run left behind. Core module: no
 * printing. */
#ifndef CLEVAL_TEMPFILE_H
#define CLEVAL_TEMPFILE_H

#include <stddef.h>
#include <time.h>

/* Creates a new empty file "PATH.tmp-PID-XXXXXX" (mkstemp, mode 0600)
 * beside path: returns its descriptor, open for reading and writing, with
 * its name in *name (caller frees); or -1 with a message naming path and
 * *name NULL. */
int tempfile_open(const char *path, char **name, char *err, size_t errlen);

/* Removes the temporary files of path that tempfile_open made in runs that
 * have gone: in path's directory, every entry named exactly
 * "BASE.tmp-PID-XXXXXX" (BASE path's last component, PID a process that no
 * longer exists, XXXXXX six letters or digits), or that name followed by
 * SQLite's "-journal", "-wal" or "-shm", which is a regular file (a
 * symbolic link or anything else is left, never followed), owned by this
 * user and last modified before the time 'before' (the start of the run).
 * Nothing else is touched. Returns the number removed; failures are
 * ignored (a temporary file left is harmless). */
size_t tempfile_clean(const char *path, time_t before);

#endif

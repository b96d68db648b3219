/* Temporary files beside an output, "PATH.tmp-PID-XXXXXX", renamed or
 * linked to PATH when complete (init, backup, restore, export, an
 * import's --discards), and the
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

/* How long (seconds) a temporary file of an earlier version, whose name
 * holds no PID, must have been left untouched before it is removed: a run
 * still writing it would have touched it since. */
#define TEMPFILE_LEGACY_AGE 3600

/* Removes the temporary files of path that runs which have gone left
 * behind: in path's directory, every entry named exactly
 *   "BASE.tmp-PID-XXXXXX" (tempfile_open's; BASE path's last component,
 *     PID a process that no longer exists, XXXXXX six letters or digits),
 *   "BASE.tmp-PID" (an import's --discards of earlier versions; PID gone),
 *   "BASE.tmp-XXXXXX" (earlier versions' backup, restore, export and
 *     init; no PID, so only when last modified TEMPFILE_LEGACY_AGE
 *     seconds or more before 'before'),
 * or the first or third followed by SQLite's "-journal", "-wal" or "-shm";
 * and only a regular file (a symbolic link or anything else is left,
 * never followed), owned by this user and last modified before the time
 * 'before' (the start of the run). Nothing else is touched. Returns the
 * number removed; failures are ignored (a temporary file left is
 * harmless). */
size_t tempfile_clean(const char *path, time_t before);

#endif

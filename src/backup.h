/* Copies of a cleval database made and put back through SQLite's online
 * backup API: a consistent snapshot while other connections (the web
 * server, imports) keep writing, written to a temporary file and renamed. */
#ifndef CLEVAL_BACKUP_H
#define CLEVAL_BACKUP_H

#include <stdbool.h>
#include <stddef.h>

/* Copies the cleval database at db_path to file, one self-contained SQLite
 * file (rollback journal, no -wal beside it) holding the database as it
 * was at one moment. The copy goes to a temporary file in file's directory,
 * is checked (PRAGMA quick_check) and renamed to file, so file is either
 * the whole backup or untouched. An existing file is refused unless force.
 * The backup is recorded in the source's audit log, naming actor, (committed before any
 * byte is copied; the entry is in the backup too). Returns 0, or -1 with a
 * message in err and no file left behind. */
int backup_make(const char *db_path, const char *file, bool force, const char *actor, char *err, size_t errlen);

/* Puts the backup in file back as the database at db_path. file must be a
 * sound cleval database (checked first; nothing is touched otherwise). When
 * db_path exists it is replaced only with force, and only when it is a
 * cleval database (or a damaged one): the copy goes into it through the
 * backup API, in one write transaction that other connections wait for.
 * A new db_path is written to a temporary file and renamed. The restore is
 * recorded in the restored database's audit log, naming actor. *version gets the
 * backup's schema version (older ones need `cleval init` to migrate).
 * Returns 0, or -1 with a message in err. */
int backup_restore(const char *file, const char *db_path, bool force, const char *actor, int *version, char *err,
                   size_t errlen);

#endif

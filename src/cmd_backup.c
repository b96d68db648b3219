/* cleval backup DB FILE and cleval restore FILE DB: copies of a database
 * made and put back while it is in use (backup.c). */
#include <stdio.h>

#include "backup.h"
#include "cli.h"
#include "store.h"

static int run_backup(int argc, char **argv);
static int run_restore(int argc, char **argv);

const command cmd_backup = {
    "backup",
    "copy a database to a backup file, safely while it is in use",
    "cleval backup DB FILE [--force]",
    "Copies DB to FILE through SQLite's online backup API: FILE holds the\n"
    "database as it was at one moment, whole, even while `cleval serve` or an\n"
    "import is writing to it (they go on; the copy waits at most 30 s for a\n"
    "lock). FILE is one self-contained SQLite file (no -wal beside it) that\n"
    "`cleval restore` puts back. The copy is written to a temporary file\n"
    "beside FILE, checked (PRAGMA quick_check) and renamed, so FILE is never\n"
    "half written; if anything fails (a full disk, a damaged DB) nothing is\n"
    "left behind.\n\n"
    "A backup holds everything, Careers Leaders' names and emails included:\n"
    "keep it as safely as the database. Each backup is recorded in DB's\n"
    "audit log (who, when, which file) before any byte is copied.\n\n"
    "  --force   replace FILE if it exists (refused otherwise)\n\n"
    "Exit status: 0 written; 1 the database could not be read, is damaged,\n"
    "or FILE could not be written (or exists without --force); 2 usage error.\n",
    run_backup,
};

const command cmd_restore = {
    "restore",
    "put a backup back as a database",
    "cleval restore FILE DB [--force]",
    "Puts the backup FILE (made by `cleval backup`) back as the database DB.\n"
    "FILE is checked first: it must be a sound cleval database (its\n"
    "application id, schema version and PRAGMA quick_check); otherwise\n"
    "nothing is touched.\n\n"
    "When DB exists, restore refuses to replace it unless --force is given,\n"
    "and even then only when DB is a cleval database (or a damaged one): a\n"
    "file of another program is never overwritten. DB is replaced in one\n"
    "write transaction through SQLite's backup API, so a running `cleval\n"
    "serve` waits for it and then sees the restored data; everything written\n"
    "to DB since the backup (its audit log too) is gone. A new DB is written\n"
    "to a temporary file and renamed into place. The restore is recorded in\n"
    "the restored database's audit log.\n\n"
    "A backup made by an older cleval is restored as it is; run `cleval init\n"
    "DB` afterwards to migrate it.\n\n"
    "  --force   replace an existing DB\n\n"
    "Exit status: 0 restored; 1 FILE is not a sound cleval database, DB\n"
    "exists (without --force) or is not a cleval database, or writing\n"
    "failed; 2 usage error.\n",
    run_restore,
};

static int run_backup(int argc, char **argv) {
  bool force = false;
  cli_option opts[] = {{"force", 0, false, NULL, &force}, {NULL, 0, false, NULL, NULL}};
  const char *pos[2];
  int npos;
  if (cli_parse(&cmd_backup, argc, argv, opts, pos, 2, &npos) != 0)
    return EXIT_USAGE;
  if (npos != 2)
    return cli_usage(&cmd_backup, "expected the database and the backup file");
  char err[1024];
  if (backup_make(pos[0], pos[1], force, cli_actor(), err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  printf("backed up %s to %s\n", pos[0], pos[1]);
  return EXIT_OK;
}

static int run_restore(int argc, char **argv) {
  bool force = false;
  cli_option opts[] = {{"force", 0, false, NULL, &force}, {NULL, 0, false, NULL, NULL}};
  const char *pos[2];
  int npos;
  if (cli_parse(&cmd_restore, argc, argv, opts, pos, 2, &npos) != 0)
    return EXIT_USAGE;
  if (npos != 2)
    return cli_usage(&cmd_restore, "expected the backup file and the database");
  char err[1024];
  int version;
  if (backup_restore(pos[0], pos[1], force, cli_actor(), &version, err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  printf("restored %s from %s\n", pos[1], pos[0]);
  if (version < store_schema_latest())
    printf("its schema version is %d: migrate it with 'cleval init %s'\n", version, pos[1]);
  return EXIT_OK;
}

/* cleval init DB: create a database, or migrate an older one. */
#include <stdio.h>

#include "cli.h"
#include "instrument.h"
#include "store.h"

static int run(int argc, char **argv);

const command cmd_init = {
    "init",
    "create a database (or migrate an older cleval database)",
    "cleval init DB",
    "Creates DB, a SQLite database holding one programme's data: hubs,\n"
    "establishments, Careers Leaders (pseudonymous; personal details kept in a\n"
    "separate table), providers, enrolments, bursary claims, the built-in\n"
    "instruments and their items, survey responses and answers, Compass\n"
    "returns, users and an append-only audit log.\n\n"
    "If DB is an older cleval database it is migrated to the current schema in\n"
    "one transaction. Any other existing file is left untouched and init fails.\n\n"
    "Exit status: 0 created or migrated; 1 the file exists and is not an older\n"
    "cleval database, or it could not be written; 2 usage error.\n",
    run,
};

static int run(int argc, char **argv) {
  const char *pos[1];
  int npos;
  if (cli_parse(&cmd_init, argc, argv, NULL, pos, 1, &npos) != 0)
    return EXIT_USAGE;
  if (npos != 1)
    return cli_usage(&cmd_init, "expected the database file name");
  char err[1024];
  instrument_bank *bank;
  if (instrument_bank_builtin(&bank, err, sizeof err) != 0) {
    cli_error("built-in instruments: %s", err);
    return EXIT_RUNTIME;
  }
  int from, current;
  int rc = store_init(pos[0], bank, cli_actor(), &from, &current, err, sizeof err);
  instrument_bank_free(bank);
  if (rc != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  if (from == 0)
    printf("created %s (schema version %d)\n", pos[0], store_schema_latest());
  else
    printf("migrated %s from schema version %d to %d\n", pos[0], from, store_schema_latest());
  return EXIT_OK;
}

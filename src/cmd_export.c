/* cleval export DB KIND: data back out as CSV, JSON or SPSS .sav. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "export.h"
#include "import.h"
#include "store.h"

static int run(int argc, char **argv);

const command cmd_export = {
    "export",
    "write one KIND of data as CSV, JSON or SPSS .sav",
    "cleval export DB KIND [--format csv|json|sav] [--include-personal] [-o FILE]",
    "Writes the records of one KIND (establishments, leaders, providers,\n"
    "enrolments, self-assessment, long-term, compass, waves, allocations,\n"
    "bursaries) to standard output or to FILE.\n\n"
    "CSV (the default) has exactly the columns 'cleval import' reads, so an\n"
    "export imported into a new database gives the same data. The surveys\n"
    "come one answer per row. JSON is an array of objects with the same\n"
    "columns. --format sav writes an SPSS data file (needs -o FILE): the\n"
    "surveys one case per response with a variable per item, labelled with\n"
    "the item's text and its scale's value labels; self-assessment adds the\n"
    "four area scores.\n\n"
    "Careers Leaders' names and emails are never exported unless\n"
    "--include-personal is given (it adds name and email to the leaders\n"
    "export). Every export is recorded in the audit log.\n\n"
    "Exit status: 0 written; 1 runtime failure; 2 usage error.\n",
    run,
};

static int run(int argc, char **argv) {
  const char *format = "csv", *out = NULL;
  bool personal = false;
  cli_option opts[] = {{"format", 0, true, &format, NULL},
                       {"include-personal", 0, false, NULL, &personal},
                       {"output", 'o', true, &out, NULL},
                       {NULL, 0, false, NULL, NULL}};
  const char *pos[2];
  int npos;
  if (cli_parse(&cmd_export, argc, argv, opts, pos, 2, &npos) != 0)
    return EXIT_USAGE;
  if (npos != 2)
    return cli_usage(&cmd_export, "expected a database and a KIND");
  bool known = false;
  for (size_t i = 0; import_kinds[i]; i++)
    known = known || strcmp(import_kinds[i], pos[1]) == 0;
  if (!known)
    return cli_usage(&cmd_export,
                     "unknown KIND '%s' (expected one of: establishments, leaders, providers, "
                     "enrolments, self-assessment, long-term, compass, waves, allocations, "
                     "bursaries)",
                     pos[1]);
  export_options opt = {EXPORT_CSV, personal, cli_actor(), NULL};
  if (export_format_parse(format, &opt.format) != 0)
    return cli_usage(&cmd_export, "unknown format '%s' (expected csv, json or sav)", format);
  if (opt.format == EXPORT_SAV && (!out || strcmp(out, "-") == 0) && isatty(STDOUT_FILENO))
    return cli_usage(&cmd_export, "a .sav file is binary: name it with -o FILE");
  char err[1024];
  store *s;
  if (store_open(&s, pos[0], err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  size_t rows;
  int rc = export_kind(s, pos[1], &opt, out, &rows, err, sizeof err);
  store_close(s);
  if (rc != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  if (out && strcmp(out, "-") != 0)
    fprintf(stderr, "cleval: wrote %zu %s records to %s\n", rows, pos[1], out);
  return EXIT_OK;
}

/* cleval report DB [-o DIR] [--config FILE]: the evaluation report. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "publish.h"
#include "store.h"
#include "report_doc.h"

static int run(int argc, char **argv);

const command cmd_report = {
    "report",
    "write the evaluation report (HTML, JSON and CSV tables)",
    "cleval report DB [-o DIR] [--config FILE] [--pdf]",
    "Reads the programme in DB and writes its evaluation report into DIR\n"
    "(default: report):\n"
    "  report.html   the report: key messages, who took part, knowledge\n"
    "                (Kirkpatrick level 2), practice (level 3), Gatsby\n"
    "                Benchmarks (level 4), conclusions and appendices; one\n"
    "                self-contained file that prints and reads on a phone\n"
    "  report.json   every table and figure keyed by its id (fig1, table1,\n"
    "                ..., did): title, columns, rows, n, tests\n"
    "  tables/ID.csv the rows of each table\n"
    "  tables.xlsx   every table and figure as a sheet: title, numbers, notes\n"
    "  report.pdf    with --pdf: report.html printed to A4 by Chromium (the\n"
    "                chromium package, or the browser named by $CHROMIUM),\n"
    "                with page numbers; without a Chromium the command says\n"
    "                so and exits 1, the other files written\n\n"
    "The rules behind every table are in docs/analysis.md. The settings\n"
    "below may be changed in a JSON file given with --config, e.g.\n"
    "  {\"compass.baseline_cutoff\": \"" CONFIG_BASELINE_CUTOFF "\", \"small_cell\": 10}\n"
    "(the compass keys may also be nested: {\"compass\": {\"post_to\": ...}}).\n"
    "An unknown key, a wrong type or a value out of range is an error.\n"
    "  title                    the report's title\n"
    "  date                     the report's date, YYYY-MM-DD (today)\n"
    "  compass.baseline_cutoff  latest date of a baseline return (" CONFIG_BASELINE_CUTOFF ")\n"
    "  compass.post_from        earliest date of a post return (" CONFIG_POST_FROM ")\n"
    "  compass.post_to          latest date of a post return (" CONFIG_POST_TO ")\n"
    "  compass.fully_achieved   % of a benchmark's criteria met that counts as\n"
    "                           fully achieved (100)\n"
    "  small_cell               groups smaller than this show \"fewer than N\"\n"
    "                           instead of figures (5)\n"
    "  role_bands               time-in-role band limits in years ([1, 3, 5])\n"
    "  confidence               confidence level of intervals (0.95)\n\n"
    "The database is only read. The report is written to temporary files and\n"
    "moved into place, so a failure leaves the previous report intact.\n\n"
    "A database with neither matched pre/post self-assessments nor Compass\n"
    "returns has nothing to report: the command says what is missing and\n"
    "which import supplies it, writes nothing and exits 3.\n\n"
    "Exit status: 0 written; 1 runtime failure (including a config file that\n"
    "cannot be read); 2 usage error; 3 invalid config file, or nothing to\n"
    "report.\n",
    run,
};

static int run(int argc, char **argv) {
  const char *dir = "report", *config = NULL;
  bool pdf = false;
  cli_option opts[] = {{"output", 'o', true, &dir, NULL},
                       {"config", 0, true, &config, NULL},
                       {"pdf", 0, false, NULL, &pdf},
                       {NULL, 0, false, NULL, NULL}};
  const char *pos[1];
  int npos;
  if (cli_parse(&cmd_report, argc, argv, opts, pos, 1, &npos) != 0)
    return EXIT_USAGE;
  if (npos != 1)
    return cli_usage(&cmd_report, "expected the database, DB");
  if (!*dir)
    return cli_usage(&cmd_report, "the output directory name is empty");

  char err[2048];
  report_config cfg;
  config_defaults(&cfg);
  int crc = config ? config_load(&cfg, config, err, sizeof err) : 0;
  if (crc != 0) {
    cli_error("%s", err);
    return crc == -2 ? EXIT_RUNTIME : EXIT_INVALID; /* unreadable, or not valid */
  }
  store *s;
  if (store_open_checking(&s, pos[0], err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  report_doc *doc = NULL;
  int rc = publish_report(s, &cfg, dir, &doc, err, sizeof err);
  store_close(s);
  if (rc != 0) {
    if (rc == -2) {
      cli_error("%s: %s", pos[0], err);
      return EXIT_INVALID;
    }
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  size_t ntables = doc->ntables;
  report_doc_free(doc);
  printf("wrote %s/report.html, %s/report.json and %zu tables in %s/tables/\n", dir, dir, ntables,
         dir);
  if (pdf) {
    if (publish_pdf(dir, err, sizeof err) != 0) {
      cli_error("%s", err);
      return EXIT_RUNTIME;
    }
    printf("wrote %s/report.pdf\n", dir);
  }
  return EXIT_OK;
}

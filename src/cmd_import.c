/* cleval import DB KIND FILE.csv: validate a CSV file and load it. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "import.h"
#include "store.h"
#include "strbuf.h"

static int run(int argc, char **argv);

const command cmd_import = {
    "import",
    "check a CSV file and load it into a database (all rows or none)",
    "cleval import DB KIND FILE.csv [--dry-run] [--ignore-unknown] [--quiet] [--duplicates RULE]\n"
    "       [--date-order dmy|mdy] [--map MAP.csv] [--discards FILE]",
    "Checks every row of FILE.csv and, when nothing is wrong, loads it into DB\n"
    "in one transaction. KIND and its columns (a header row is required;\n"
    "columns in any order; UTF-8, RFC 4180):\n\n"
    "  establishments   urn, name, type (mainstream, special, ap, fe_college,\n"
    "                   sixth_form_college), region, hub (empty = none),\n"
    "                   fsm_pct (0-100), optional hub_joined (date)\n"
    "  leaders          leader_id, urn, role (school, college_strategic,\n"
    "                   college_operational), months_in_role, contact_consent\n"
    "                   (0/1), optional name and email (kept apart, never\n"
    "                   exported without --include-personal)\n"
    "  providers        provider_id, name, accreditation (none, level6, level7)\n"
    "  enrolments       leader_id, provider_id, wave, start_date,\n"
    "                   completion_date (empty = not completed), status\n"
    "                   (enrolled, completed, withdrawn), optional\n"
    "                   bursary_claimed_date\n"
    "  self-assessment  leader_id, stage (pre, post), submitted_at, item_id, value\n"
    "                   or, one response per row, leader_id, stage, submitted_at\n"
    "                   and one column per item id\n"
    "  long-term        response_id, submitted_at, item_id, value (or wide)\n"
    "  compass          urn, submitted_at, bm1 ... bm8 (0-100), optional\n"
    "                   instrument and criterion item ids (0/1)\n"
    "  waves            wave, opens, closes (dates), places, hub_target_pct\n"
    "                   (0-100), bursary_pence (the fund's waves)\n"
    "  allocations      wave, provider_id, places (a provider's share of a wave)\n"
    "  bursaries        leader_id, wave, status (claimed, approved, paid), date:\n"
    "                   one step of a bursary per row (see 'cleval help bursary')\n\n"
    "The fund's rules, in file order: an enrolment needs a place free in its\n"
    "wave and its provider's allocation, one place per leader and wave (a\n"
    "withdrawal frees it), a completion within the wave after the start; waves\n"
    "and allocations may not fall below the places taken or allocated, nor a\n"
    "wave's dates leave out a completion.\n\n"
    "Dates: ISO 8601 (a time may follow after T or a space; a zone is stored\n"
    "as UTC) or DD/MM/YYYY [hh:mm[:ss]] (--date-order mdy: month first).\n"
    "An SPSS file (.sav, or any input that begins as one) is read through\n"
    "ReadStat: value labels stand for their answers; problems name the case\n"
    "and variable. FILE - is standard input (<stdin>).\n"
    "Headers match in any case, ' ' or '-' for '_' (Leader ID), an item by its\n"
    "question text; empty unnamed columns and empty rows are skipped, counted.\n"
    "Answers may be codes or labels ('cleval instruments --scales'),\n"
    "enumerations as the report words them (Level 7, Pre, Yes). Every problem is\n"
    "reported as FILE:LINE:COLUMN: message (the first 100), and nothing is\n"
    "written. Re-importing a file changes nothing; a record that differs is\n"
    "updated. Every import is in the audit log (with --map's file).\n\n"
    "Options:\n"
    "  --dry-run          check and say what would change; write nothing\n"
    "  --ignore-unknown   skip (and list) columns that are not the KIND's; one\n"
    "                     close to a column or item id is still refused\n"
    "  --date-order ORDER dmy (the default) or mdy: how DD/MM/YYYY dates are read\n"
    "  --map MAP.csv      renames headers: a CSV of two columns, a header as the\n"
    "                     file has it and the column or item id it stands for\n"
    "                     (a header listed twice: its columns in order)\n"
    "  --quiet            no progress display; discarded duplicates counted\n"
    "  --duplicates RULE  for a leader's survey stage submitted more than once:\n"
    "                     most_complete (the default, or the import.duplicates\n"
    "                     setting: most knowledge items answered, then the\n"
    "                     latest), latest_complete (every item of every area),\n"
    "                     latest, earliest, error. One without knowledge\n"
    "                     answers never displaces one with them.\n"
    "  --discards FILE    the discarded duplicates to FILE (when it commits)\n\n"
    "Exit status: 0 imported (or dry run passed); 1 runtime failure; 2 usage\n"
    "error; 3 the file is invalid and nothing was written.\n",
    run,
};

static int known(const char *s, const char *const *list) {
  for (size_t i = 0; list[i]; i++)
    if (strcmp(s, list[i]) == 0)
      return 1;
  return 0;
}

static void list(strbuf *b, const char *const *l) {
  for (size_t i = 0; l[i]; i++)
    strbuf_printf(b, "%s%s", i ? ", " : "", l[i]);
}

/* The progress display on stderr (a terminal): shown once an import has
 * taken a second, redrawn at most five times a second, erased at the end. */
typedef struct progress {
  struct timespec t0;
  double last;
  bool shown;
} progress;

static double seconds(const struct timespec *t) {
  return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

static void progress_draw(const import_progress *p, void *ctx) {
  progress *pr = ctx;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double t = seconds(&now);
  if (t - seconds(&pr->t0) < 1.0 || t - pr->last < 0.2)
    return;
  pr->last = t;
  pr->shown = true;
  double pct = p->bytes_total ? 100.0 * (double)p->bytes_read / (double)p->bytes_total : 0;
  fprintf(stderr, "\rcleval: %s: %s: %zu rows (%.0f%%)\033[K", p->file,
          p->pass == 1 ? "checking" : "writing", p->rows, pct);
  fflush(stderr);
}

static void progress_end(progress *pr) {
  if (pr->shown) {
    fputs("\r\033[K", stderr);
    fflush(stderr);
  }
}

static int run(int argc, char **argv) {
  bool dry = false, ignore = false, quiet = false;
  const char *dups = NULL, *order = NULL, *map = NULL, *discards = NULL;
  cli_option opts[] = {
      {"dry-run", 0, false, NULL, &dry},     {"ignore-unknown", 0, false, NULL, &ignore},
      {"quiet", 'q', false, NULL, &quiet},   {"duplicates", 0, true, &dups, NULL},
      {"date-order", 0, true, &order, NULL}, {"map", 0, true, &map, NULL},
      {"discards", 0, true, &discards, NULL},
      {NULL, 0, false, NULL, NULL}};
  const char *pos[3];
  int npos;
  if (cli_parse(&cmd_import, argc, argv, opts, pos, 3, &npos) != 0)
    return EXIT_USAGE;
  if (npos != 3)
    return cli_usage(&cmd_import, "expected a database, a KIND and a CSV file");
  strbuf b = STRBUF_INIT;
  if (!known(pos[1], import_kinds)) {
    list(&b, import_kinds);
    cli_usage(&cmd_import, "unknown KIND '%s' (expected one of: %s)", pos[1], strbuf_str(&b));
    strbuf_free(&b);
    return EXIT_USAGE;
  }
  if (dups && !known(dups, import_duplicate_rules)) {
    list(&b, import_duplicate_rules);
    cli_usage(&cmd_import, "unknown duplicates rule '%s' (expected one of: %s)", dups,
              strbuf_str(&b));
    strbuf_free(&b);
    return EXIT_USAGE;
  }
  if (order && strcmp(order, "dmy") != 0 && strcmp(order, "mdy") != 0)
    return cli_usage(&cmd_import, "unknown date order '%s' (expected dmy or mdy)", order);
  char err[1024];
  store *s;
  if (store_open_checking_writable(&s, pos[0], err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  progress pr = {.last = 0};
  clock_gettime(CLOCK_MONOTONIC, &pr.t0);
  import_options opt = {cli_actor(), dry, ignore, quiet, dups, order, NULL, &pr, map, discards};
  if (!quiet && isatty(STDERR_FILENO))
    opt.progress = progress_draw;
  import_result res;
  int rc = import_file(s, pos[1], pos[2], &opt, &res, err, sizeof err);
  progress_end(&pr);
  store_close(s);
  int status = EXIT_OK;
  if (rc < 0) {
    cli_error("%s", err);
    status = EXIT_RUNTIME;
  } else if (rc == 1) {
    for (size_t i = 0; i < res.nproblems; i++)
      cli_error("%s", res.problems[i]);
    if (res.problems_total > res.nproblems)
      cli_error("%s: %zu more problems not shown (%zu in all)",
                strcmp(pos[2], "-") == 0 ? "<stdin>" : pos[2],
                res.problems_total - res.nproblems, res.problems_total);
    fprintf(stderr, "cleval: %s", res.summary);
    status = EXIT_INVALID;
  } else {
    fputs(res.summary, stdout); /* checked in main */
  }
  import_result_free(&res);
  return status;
}

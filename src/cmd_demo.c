/* cleval demo [-o DIR] [--seed N] [--scale X]: simulate a national
 * programme, import it through the ordinary import path into DIR/demo.db,
 * and report it. */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "dirs.h"
#include "import.h"
#include "instrument.h"
#include "publish.h"
#include "sim.h"
#include "store.h"
#include "strbuf.h"
#include "report_doc.h"
#include "vocab.h"

static int run(int argc, char **argv);

const command cmd_demo = {
    "demo",
    "simulate a training programme into DIR/demo.db and report it",
    "cleval demo [-o DIR] [--seed N] [--scale X] [--force]",
    "Simulates a national Careers Leader training programme like the one the\n"
    "seed evaluation report describes: establishments of every type in the\n"
    "nine English regions, Careers Hubs that they join at given dates, 12\n"
    "training providers, Careers Leaders enrolling in waves from 2018 to 2020\n"
    "(completions, withdrawals, bursary claims), pre- and post-training\n"
    "self-assessment surveys answered from each leader's latent knowledge, the\n"
    "anonymous long-term survey, and Compass returns from 2017 to 2021 for\n"
    "trained and untrained establishments. The model's true parameters are set\n"
    "so that the report reads like the seed report; nothing in the report is\n"
    "written in, it is all estimated from the simulated data.\n\n"
    "Writes, in DIR (default: out):\n"
    "  csv/KIND.csv   the simulated data, one file per import KIND (examples\n"
    "                 of every file 'cleval import' reads)\n"
    "  demo.db        a new database with those files imported\n"
    "  truth.json     the true parameters and the effects they imply, to check\n"
    "                 the report's estimates against\n"
    "  report.html, report.json, tables/   the report\n\n"
    "The same seed and scale give byte-identical files. The database's clock\n"
    "is the simulated one (audit entries are dated 2021-04-30).\n\n"
    "Options:\n"
    "  -o, --output DIR  where to write (created if missing)\n"
    "  --seed N          the random seed (default 1)\n"
    "  --scale X         multiply every population by X, 0.1 to 100 (default 1:\n"
    "                    1,466 Careers Leaders from 1,363 establishments)\n"
    "  --force           replace an existing DIR/demo.db\n\n"
    "Exit status: 0 done; 1 the files could not be written (or DIR/demo.db\n"
    "exists and --force was not given); 2 usage error.\n",
    run,
};

/* ---- A fixed clock for the database ------------------------------------
 * SQLite reads 'now' from its VFS. The demo's database is made on the
 * simulated date, so that two runs give the same bytes: the default VFS is
 * wrapped with one whose clock is fixed, for the length of the demo. */

/* Whom the demo's audit entries name: the simulator imported the data, not
 * whoever ran the demo, so the database is the same for everyone. */
#define DEMO_ACTOR "cleval-demo"
#define DEMO_UNIX_TIME 1619773200LL /* 2021-04-30T09:00:00Z */
#define UNIX_EPOCH_JULIAN_MS 210866760000000LL

static sqlite3_vfs demo_vfs;

static int demo_time64(sqlite3_vfs *vfs, sqlite3_int64 *out) {
  (void)vfs;
  *out = UNIX_EPOCH_JULIAN_MS + DEMO_UNIX_TIME * 1000;
  return SQLITE_OK;
}

static int demo_time(sqlite3_vfs *vfs, double *out) {
  (void)vfs;
  *out = (UNIX_EPOCH_JULIAN_MS + DEMO_UNIX_TIME * 1000) / 86400000.0;
  return SQLITE_OK;
}

static int clock_install(void) {
  sqlite3_initialize();
  sqlite3_vfs *real = sqlite3_vfs_find(NULL);
  if (!real)
    return -1;
  demo_vfs = *real;
  demo_vfs.zName = "cleval-demo-clock";
  demo_vfs.pNext = NULL;
  demo_vfs.xCurrentTime = demo_time;
  if (demo_vfs.iVersion >= 2)
    demo_vfs.xCurrentTimeInt64 = demo_time64;
  return sqlite3_vfs_register(&demo_vfs, 1) == SQLITE_OK ? 0 : -1;
}

/* ---- Helpers ---------------------------------------------------------- */

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* n with thousands separators ("1,466"). */
static const char *grouped(size_t n, char *buf) {
  char digits[32];
  int len = snprintf(digits, sizeof digits, "%zu", n);
  int out = 0;
  for (int i = 0; i < len; i++) {
    if (i > 0 && (len - i) % 3 == 0)
      buf[out++] = ',';
    buf[out++] = digits[i];
  }
  buf[out] = '\0';
  return buf;
}

static int parse_seed(const char *s, unsigned long *out) {
  if (!s || !*s || *s == '-')
    return -1;
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || *end)
    return -1;
  *out = v;
  return 0;
}

static int parse_scale(const char *s, double *out) {
  if (!s || !*s)
    return -1;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || *end || !isfinite(v))
    return -1;
  *out = v;
  return 0;
}

/* ---- The demo --------------------------------------------------------- */

typedef struct counts {
  size_t trained, trained_est, untrained_est, pre, post;
} counts;

static void count(const sim *s, counts *c) {
  memset(c, 0, sizeof *c);
  for (size_t i = 0; i < s->nleaders; i++) {
    const sim_leader *l = &s->leaders[i];
    c->trained += l->status == SIM_COMPLETED;
    c->pre += l->pre_response >= 0;
    c->post += l->post_response >= 0;
  }
  for (size_t i = 0; i < s->nest; i++) {
    if (s->est[i].trained)
      c->trained_est++;
    else
      c->untrained_est++;
  }
}

/* Imports DIR/csv/KIND.csv for every kind, in dependency order (paths are
 * relative: the demo runs inside DIR). */
static int import_all(store *st, strbuf *line, char *err, size_t errlen) {
  import_options opt = {.actor = DEMO_ACTOR, .quiet = true};
  for (size_t k = 0; k < sim_nkinds; k++) {
    char path[128], n[32];
    snprintf(path, sizeof path, "csv/%s.csv", sim_kinds[k]);
    import_result res;
    int rc = import_file(st, sim_kinds[k], path, &opt, &res, err, errlen);
    if (rc == 1) {
      /* The simulator wrote something the importer refuses: a bug. */
      for (size_t i = 0; i < res.nproblems; i++)
        cli_error("%s", res.problems[i]);
      snprintf(err, errlen, "%s: the simulated file did not pass validation", path);
    } else if (rc == 0) {
      strbuf_printf(line, "%s%s (%s rows", k ? ", " : "", sim_kinds[k], grouped(res.rows_read, n));
      if (res.discarded)
        strbuf_printf(line, "; %s duplicate submissions set aside", grouped(res.discarded, n));
      strbuf_putc(line, ')');
    }
    import_result_free(&res);
    if (rc != 0)
      return -1;
  }
  return 0;
}

/* ---- The summary, read from the report's tables ------------------------ */

/* The row of table t whose column key holds the text want, or -1. */
static long find_row(const report_table *t, const char *key, const char *want) {
  int c = t ? report_table_find_column(t, key) : -1;
  if (c < 0)
    return -1;
  for (size_t r = 0; r < t->nrows; r++) {
    const cell *x = report_table_cell(t, r, (size_t)c);
    if (x->kind == CELL_TEXT && strcmp(x->text, want) == 0)
      return (long)r;
  }
  return -1;
}

/* The number in column name of row r, NAN when missing. */
static double number(const report_table *t, long r, const char *name) {
  int c = t && r >= 0 ? report_table_find_column(t, name) : -1;
  if (c < 0)
    return NAN;
  const cell *x = report_table_cell(t, (size_t)r, (size_t)c);
  return x->kind == CELL_NUMBER ? x->num : x->kind == CELL_INT ? (double)x->i : NAN;
}

static void print_summary(const report_doc *doc, const counts *n) {
  char a[32], b[32], c[32];
  const report_table *fig1 = report_doc_table(doc, "fig1");
  const report_table *fig18 = report_doc_table(doc, "fig18");
  const report_table *did = report_doc_table(doc, "did");
  const report_table *samples = report_doc_table(doc, "samples");
  double matched = number(samples, find_row(samples, "source", "matched"), "achieved");
  printf("summary:\n");
  printf("  Careers Leaders trained: %s from %s establishments\n", grouped(n->trained, a),
         grouped(n->trained_est, b));
  printf("  self-assessment surveys: %s pre, %s post, %s matched\n", grouped(n->pre, a),
         grouped(n->post, b), grouped(matched > 0 ? (size_t)matched : 0, c));
  printf("  knowledge, post minus pre (percentage points):");
  for (int i = 0; i < VOCAB_NAREAS; i++) {
    const char *area = vocab_name(VOCAB_AREA, i);
    long r = find_row(fig1, "area", area);
    printf("%s %s %+.1f", i ? "," : "", area, number(fig1, r, "mean_diff"));
  }
  printf("\n");
  long lt = find_row(samples, "source", "long-term");
  double inv = number(samples, lt, "issued"), ans = number(samples, lt, "achieved");
  printf("  long-term survey: %s invited, %s answered\n", grouped(inv > 0 ? (size_t)inv : 0, a),
         grouped(ans > 0 ? (size_t)ans : 0, b));
  long tr = find_row(fig18, "group", "trained"), un = find_row(fig18, "group", "untrained");
  long dd = find_row(did, "term", "trained_x_post");
  printf("  benchmarks achieved, baseline to post: trained %+.2f, untrained %+.2f; "
         "training effect %+.2f [%.2f, %.2f]\n",
         number(fig18, tr, "change"), number(fig18, un, "change"), number(did, dd, "estimate"),
         number(did, dd, "ci_low"), number(did, dd, "ci_high"));
}

static int run(int argc, char **argv) {
  const char *dir = "out", *seed_s = NULL, *scale_s = NULL;
  bool force = false;
  cli_option opts[] = {{"output", 'o', true, &dir, NULL},
                       {"seed", 0, true, &seed_s, NULL},
                       {"scale", 0, true, &scale_s, NULL},
                       {"force", 0, false, NULL, &force},
                       {NULL, 0, false, NULL, NULL}};
  const char *pos[1];
  int npos;
  if (cli_parse(&cmd_demo, argc, argv, opts, pos, 0, &npos) != 0)
    return EXIT_USAGE;
  unsigned long seed = 1;
  double scale = 1;
  if (seed_s && parse_seed(seed_s, &seed) != 0)
    return cli_usage(&cmd_demo, "--seed must be a whole number from 0, not '%s'", seed_s);
  if (scale_s && (parse_scale(scale_s, &scale) != 0 || scale < 0.1 || scale > 100))
    return cli_usage(&cmd_demo, "--scale must be a number from 0.1 to 100, not '%s'", scale_s);
  if (!*dir)
    return cli_usage(&cmd_demo, "the output directory name is empty");

  char err[2048];
  char dbpath[4096];
  snprintf(dbpath, sizeof dbpath, "%s/demo.db", dir);
  if (exists(dbpath) && !force) {
    cli_error("%s exists; use --force to replace it", dbpath);
    return EXIT_RUNTIME;
  }
  if (dirs_make(dir, NULL, NULL, err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  /* Everything below is relative to DIR, so that the database (whose audit
   * log records the files imported) is the same wherever DIR is. */
  if (chdir(dir) != 0) {
    cli_error("%s: %s", dir, strerror(errno));
    return EXIT_RUNTIME;
  }
  if (clock_install() != 0) {
    cli_error("cannot set up the database clock");
    return EXIT_RUNTIME;
  }
  static const char *const stale[] = {"demo.db", "demo.db-wal", "demo.db-shm", "truth.json"};
  for (size_t i = 0; i < sizeof stale / sizeof stale[0]; i++)
    if (remove(stale[i]) != 0 && errno != ENOENT) {
      cli_error("%s/%s: cannot remove: %s", dir, stale[i], strerror(errno));
      return EXIT_RUNTIME;
    }

  int status = EXIT_RUNTIME;
  instrument_bank *bank = NULL;
  sim *s = NULL;
  store *st = NULL;
  strbuf line = STRBUF_INIT;
  char a[32], b[32], c[32], d[32];

  printf("cleval demo: seed %lu, scale %g, writing to %s/\n", seed, scale, dir);
  if (instrument_bank_builtin(&bank, err, sizeof err) != 0 ||
      sim_new(&s, bank, NULL, seed, scale, err, sizeof err) != 0)
    goto fail;
  counts n;
  count(s, &n);
  printf("  simulated %s Careers Leaders trained at %s establishments, %s untrained "
         "establishments, %s hubs, %d providers\n",
         grouped(n.trained, a), grouped(n.trained_est, b), grouped(n.untrained_est, c),
         grouped(s->nhubs, d), SIM_PROVIDERS);
  if (dirs_make("csv", NULL, NULL, err, sizeof err) != 0 || sim_write_csv(s, "csv", err, sizeof err) != 0)
    goto fail;
  printf("  wrote %s/csv/: %zu files (%s survey answers, %s Compass returns)\n", dir, sim_nkinds,
         grouped(s->nanswers, a), grouped(s->nreturns, b));
  int from, current;
  if (store_init("demo.db", bank, DEMO_ACTOR, &from, &current, err, sizeof err) != 0 ||
      store_open(&st, "demo.db", err, sizeof err) != 0)
    goto fail;
  if (import_all(st, &line, err, sizeof err) != 0)
    goto fail;
  printf("  imported into %s: %s\n", dbpath, strbuf_str(&line));
  if (sim_write_truth(s, "truth.json", err, sizeof err) != 0)
    goto fail;
  printf("  wrote %s/truth.json (the true effects)\n", dir);

  report_config cfg;
  config_defaults(&cfg);
  /* The simulated programme's own date, so the same seed gives the same
   * report bytes whenever it runs. */
  snprintf(cfg.date, sizeof cfg.date, "2021-04-30");
  snprintf(cfg.title, sizeof cfg.title,
           "Careers Leader training: impact on knowledge, practice and programmes "
           "(simulated programme, seed %lu, scale %g)",
           seed, scale);
  report_doc *doc = NULL;
  if (publish_report(st, &cfg, ".", &doc, err, sizeof err) != 0)
    goto fail;
  printf("  wrote the report: %s/report.html (and report.json, tables/)\n", dir);
  print_summary(doc, &n);
  report_doc_free(doc);
  status = EXIT_OK;
  goto done;
fail:
  cli_error("%s", err);
done:
  store_close(st);
  sim_free(s);
  instrument_bank_free(bank);
  strbuf_free(&line);
  return status;
}

/* cleval invite DB --stage STAGE: the survey links for a mail merge. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "invite.h"
#include "store.h"
#include "token.h"
#include "vocab.h"

static int run(int argc, char **argv);

const command cmd_invite = {
    "invite",
    "single-use survey links for the Careers Leaders who should answer",
    "cleval invite DB --stage pre|post|followup [--provider KEY] [--remind] [--base-url URL] "
    "[-o FILE]\n       " INVITE_COMPASS_USAGE,
    "Makes one single-use survey link per Careers Leader who should answer\n"
    "the stage, and writes them as CSV for a mail merge, with the columns\n"
    "leader_id,name,email,url (url is BASE/s/TOKEN; the token holds 128\n"
    "random bits and the database keeps only its SHA-256).\n\n"
    "  --stage pre       leaders enrolled on training (status enrolled)\n"
    "  --stage post      leaders who completed training\n"
    "  --stage followup  leaders who consented to contact and completed at\n"
    "                    least invite.followup_months (setting, default 6)\n"
    "                    months before invite.followup_as_of (setting; empty:\n"
    "                    today). The follow-up is anonymous: its links carry no\n"
    "                    leader, and the database records only that (and the\n"
    "                    day) a leader was invited (docs/anonymity.md).\n"
    "  --provider KEY    only that provider's leaders\n"
    "  --remind          those invited who have not answered, each with a new\n"
    "                    link (the old one is revoked); not for followup\n"
    "  --base-url URL    where cleval serve is reached (default\n"
    "                    http://127.0.0.1:8080)\n"
    "  -o FILE           write to FILE instead of standard output\n\n"
    "Running it again adds only leaders without a live link who have not\n"
    "answered. Every run goes to the audit log (the number of links, never\n"
    "the links). If the links cannot be written, none is made.\n\n"
    "Exit status: 0 done; 1 the database or the output failed; 2 usage error;\n"
    "3 invalid input (unknown provider, --remind with followup).\n\n" INVITE_COMPASS_HELP,
    run,
};

int invite_open(const command *cmd, const char *base, const char *db, const char *out_path,
                store **s, FILE **out) {
  if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0)
    return cli_usage(cmd, "--base-url must start with http:// or https://");
  if (token_init() != 0) {
    cli_error("libsodium could not be initialised");
    return EXIT_RUNTIME;
  }
  char err[1024];
  if (store_open(s, db, err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  if (!out)
    return EXIT_OK;
  *out = stdout;
  if (out_path && !(*out = fopen(out_path, "w"))) {
    store_close(*s);
    cli_error("%s: cannot write", out_path);
    return EXIT_RUNTIME;
  }
  return EXIT_OK;
}

int invite_finish(store *s, FILE *out, const char *out_path, const char *db, int rc,
                  bool invalid, const char *err, const char *again) {
  store_close(s);
  if (out_path && out && fclose(out) != 0 && rc == 0) {
    /* The links were committed but may not all be in the file: say so. */
    cli_error("%s: writing failed after the links were made; %s", out_path, again);
    return EXIT_RUNTIME;
  }
  if (rc == 0)
    return EXIT_OK;
  if (out_path && out)
    remove(out_path);
  cli_error("%s: %s", db, err);
  return invalid ? EXIT_INVALID : EXIT_RUNTIME;
}

static int run(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--compass") == 0)
      return invite_compass_cli(&cmd_invite, argc, argv);
  const char *stage = NULL, *provider = NULL, *base = "http://127.0.0.1:8080", *out_path = NULL;
  bool remind = false;
  cli_option opts[] = {{"stage", 0, true, &stage, NULL},
                       {"provider", 0, true, &provider, NULL},
                       {"base-url", 0, true, &base, NULL},
                       {"output", 'o', true, &out_path, NULL},
                       {"remind", 0, false, NULL, &remind},
                       {NULL, 0, false, NULL, NULL}};
  const char *pos[1];
  int npos;
  if (cli_parse(&cmd_invite, argc, argv, opts, pos, 1, &npos) != 0)
    return EXIT_USAGE;
  if (npos != 1)
    return cli_usage(&cmd_invite, "expected the database file name");
  if (!stage)
    return cli_usage(&cmd_invite, "--stage pre|post|followup is required");
  if (vocab_index(VOCAB_STAGE, stage) < 0)
    return cli_usage(&cmd_invite, "--stage must be pre, post or followup, not '%s'", stage);
  store *s;
  FILE *out;
  int status = invite_open(&cmd_invite, base, pos[0], out_path, &s, &out);
  if (status != EXIT_OK)
    return status;
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  char today[16];
  strftime(today, sizeof today, "%Y-%m-%d", &tm);
  invite_options o = {stage, provider, base, remind, today, cli_actor()};
  size_t n = 0;
  int invalid = 0;
  char err[1024];
  int rc = invite_run(s, &o, out, &n, &invalid, err, sizeof err);
  status = invite_finish(s, out, out_path, pos[0], rc, invalid, err, "run again with --remind");
  if (status != EXIT_OK)
    return status;
  fprintf(stderr, "cleval invite: %zu %s (stage %s)\n", n, remind ? "reminders" : "links", stage);
  return EXIT_OK;
}

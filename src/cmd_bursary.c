/* cleval bursary DB claim|approve|pay --leader ID --wave N [--date D]: one
 * step of a Careers Leader's £1,000 bursary, checked by the fund's rules. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "date.h"
#include "fund.h"
#include "store.h"

static int run(int argc, char **argv);

const command cmd_bursary = {
    "bursary",
    "claim, approve or pay a Careers Leader's bursary",
    "cleval bursary DB claim|approve|pay --leader ID --wave N [--date D]",
    "Takes one step of the bursary that an establishment claims once its\n"
    "Careers Leader has completed the training: claim, then approve, then\n"
    "pay, in that order and never back. A claim is refused unless the\n"
    "leader's enrolment in the wave is completed, and is made once; it is\n"
    "for the wave's bursary_pence (see 'cleval help import', KIND waves;\n"
    "\xC2\xA3"
    "1,000 when the wave is not in the fund). Each step is dated on or\n"
    "after the one before (the claim on or after the completion) and is\n"
    "recorded in the audit log. For many claims at once, import a file of\n"
    "KIND bursaries (leader_id, wave, status, date).\n\n"
    "Options:\n"
    "  --leader ID   the Careers Leader's leader_id (as in the files)\n"
    "  --wave N      the wave of the enrolment (a whole number from 1)\n"
    "  --date D      the date of the step, YYYY-MM-DD (default: today, UTC)\n\n"
    "Exit status: 0 done; 1 runtime failure; 2 usage error; 3 the step is\n"
    "refused (the reason on stderr; nothing was written).\n",
    run,
};

static int run(int argc, char **argv) {
  const char *leader = NULL, *wave_text = NULL, *date = NULL;
  cli_option opts[] = {{"leader", 0, true, &leader, NULL},
                       {"wave", 0, true, &wave_text, NULL},
                       {"date", 0, true, &date, NULL},
                       {NULL, 0, false, NULL, NULL}};
  const char *pos[2];
  int npos;
  if (cli_parse(&cmd_bursary, argc, argv, opts, pos, 2, &npos) != 0)
    return EXIT_USAGE;
  if (npos != 2)
    return cli_usage(&cmd_bursary, "expected a database and a step (claim, approve or pay)");
  int step = -1;
  for (int i = 0; fund_step_names[i]; i++)
    if (strcmp(pos[1], fund_step_names[i]) == 0)
      step = i;
  if (step < 0)
    return cli_usage(&cmd_bursary, "unknown step '%s' (expected claim, approve or pay)", pos[1]);
  if (!leader || !*leader)
    return cli_usage(&cmd_bursary, "--leader ID is required");
  if (!wave_text)
    return cli_usage(&cmd_bursary, "--wave N is required");
  char *end;
  errno = 0;
  long wave = strtol(wave_text, &end, 10);
  if (errno || end == wave_text || *end || wave < 1 || wave > 1000000)
    return cli_usage(&cmd_bursary, "--wave: '%s' is not a wave number (1, 2, ...)", wave_text);
  char today[16];
  if (!date) {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    date = today;
  }
  int y, m, d;
  if (!date_parse(date, &y, &m, &d))
    return cli_usage(&cmd_bursary, "--date: '%s' is not a date (YYYY-MM-DD)", date);

  char err[1024];
  store *s;
  if (store_open(&s, pos[0], err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  int status = EXIT_RUNTIME;
  /* Messages from the store name the database already. */
  if (store_begin(s, err, sizeof err) != 0) {
    cli_error("%s", err);
    goto done;
  }
  int rc = fund_bursary_step(s, leader, (int)wave, (fund_step)step, date, cli_actor(), err,
                             sizeof err);
  if (rc != FUND_STEP_DONE) {
    store_rollback(s);
    if (rc < 0)
      cli_error("%s", err);
    else /* a refusal: the ledger's own words, about this database */
      cli_error("%s: %s", pos[0], err);
    status = rc < 0 ? EXIT_RUNTIME : EXIT_INVALID;
    goto done;
  }
  if (store_commit(s, err, sizeof err) != 0) {
    cli_error("%s", err);
    goto done;
  }
  static const char *const done_words[] = {"claimed", "approved", "paid"};
  printf("%s the bursary of Careers Leader %s for wave %ld on %s\n", done_words[step], leader, wave,
         date);
  status = EXIT_OK;
done:
  store_close(s);
  return status;
}

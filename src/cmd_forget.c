/* cleval forget DB --leader ID: erase one Careers Leader (forget.c). */
#include <stdio.h>

#include "cli.h"
#include "forget.h"
#include "store.h"

static int run(int argc, char **argv);

const command cmd_forget = {
    "forget",
    "erase a Careers Leader's personal data (UK GDPR Art. 17)",
    "cleval forget DB --leader ID",
    "Erases the Careers Leader whose pseudonymous id is ID, in one\n"
    "transaction (all of it happens or none):\n"
    "  - their name and email;\n"
    "  - their pre- and post-training self-assessments, with every answer\n"
    "    and area score;\n"
    "  - their survey links (and answers saved in them), their follow-up\n"
    "    invitation, and any web account with its sessions.\n"
    "A report run afterwards no longer counts them in any analysis of\n"
    "answers, scores or the people who answered.\n\n"
    "The fund's ledger keeps the place they took and any bursary paid: these\n"
    "are facts about the programme (places against allocations, money spent,\n"
    "the hub share), not about the person. Their enrolments and bursary\n"
    "claims stay attached to an anonymous placeholder: the Careers Leader's\n"
    "id is replaced by a random one recorded nowhere else, their months in\n"
    "role and contact consent are cleared; the establishment and role stay,\n"
    "because the hub share of places is counted from them.\n\n"
    "The anonymous long-term follow-up survey cannot be erased per person:\n"
    "it is never linked to anyone (cleval keeps who was invited, never which\n"
    "link they got, and the survey platform's response ids are not leader\n"
    "ids), so there is no way to tell which follow-up answers were theirs.\n"
    "Being anonymous, those answers are not personal data.\n\n"
    "The erasure is recorded in the audit log: who ran it, when, the\n"
    "pseudonymous ID and how many records went; no name, email or answer.\n"
    "Earlier audit entries are never rewritten (the log is append-only), so\n"
    "the pseudonymous ID may still appear in them. Backups made before the\n"
    "erasure still hold the person: erase them too, or re-run forget after\n"
    "a restore.\n\n"
    "Exit status: 0 erased; 1 runtime failure (nothing changed); 2 usage\n"
    "error; 3 no Careers Leader has the id ID (nothing changed).\n",
    run,
};

static int run(int argc, char **argv) {
  const char *leader = NULL;
  cli_option opts[] = {{"leader", 0, true, &leader, NULL}, {NULL, 0, false, NULL, NULL}};
  const char *pos[1];
  int npos;
  if (cli_parse(&cmd_forget, argc, argv, opts, pos, 1, &npos) != 0)
    return EXIT_USAGE;
  if (npos != 1)
    return cli_usage(&cmd_forget, "expected the database");
  if (!leader || !*leader)
    return cli_usage(&cmd_forget, "--leader ID is required");
  char err[1024];
  store *s;
  if (store_open(&s, pos[0], err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  forget_counts c;
  int rc = forget_leader(s, leader, cli_actor(), &c, err, sizeof err);
  store_close(s);
  if (rc == 1) {
    cli_error("%s: %s; nothing changed", pos[0], err);
    return EXIT_INVALID;
  }
  if (rc != 0) {
    cli_error("%s: %s; nothing changed", pos[0], err);
    return EXIT_RUNTIME;
  }
  printf("erased Careers Leader %s: %lld personal record(s), %lld response(s) with %lld "
         "answer(s), %lld survey link(s), %lld follow-up invitation(s), %lld account(s)\n",
         leader, c.personal, c.responses, c.answers, c.tokens, c.invitations, c.accounts);
  printf("kept for the fund's ledger, without the person: %lld enrolment(s), %lld bursary "
         "claim(s)\n",
         c.enrolments, c.bursaries);
  return EXIT_OK;
}

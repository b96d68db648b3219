/* The subcommands; each is defined in its own cmd_NAME.c. */
#ifndef CLEVAL_COMMANDS_H
#define CLEVAL_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"

extern const command cmd_init;
extern const command cmd_instruments;
extern const command cmd_stats;
extern const command cmd_import;
extern const command cmd_export;
extern const command cmd_scores;
extern const command cmd_demo;
extern const command cmd_report;
extern const command cmd_serve;
extern const command cmd_user;
extern const command cmd_fund;
extern const command cmd_bursary;
extern const command cmd_invite;
extern const command cmd_backup;  /* cmd_backup.c */
extern const command cmd_restore; /* cmd_backup.c */
extern const command cmd_forget;

/* `cleval invite DB --compass ...` (cmd_invite_compass.c): cmd_invite hands
 * its arguments over when they hold --compass; returns the exit status. */
int invite_compass_cli(const command *cmd, int argc, char **argv);
/* What both kinds of link share (cmd_invite.c). invite_open checks base
 * (http:// or https://), readies libsodium, opens the database db and, when
 * out is not NULL, the output (out_path, or standard output when NULL).
 * Returns EXIT_OK, or the status to exit with once it has said why.
 * invite_finish closes them after links were made with result rc (err, and
 * whether the input was invalid, when rc is not 0): a failed run removes
 * out_path; a file that could not be written after the links were
 * committed is said so, with again (how to make the missing links).
 * Returns the exit status. */
struct store;
int invite_open(const command *cmd, const char *base, const char *db, const char *out_path,
                struct store **s, FILE **out);
int invite_finish(struct store *s, FILE *out, const char *out_path, const char *db, int rc,
                  bool invalid, const char *err, const char *again);
/* The --compass form of `cleval invite`'s usage and help. */
#define INVITE_COMPASS_USAGE                                                                     \
  "cleval invite DB --compass [--establishment URN] [--revoke URN] [--base-url URL] [-o FILE]"
#define INVITE_COMPASS_HELP                                                                      \
  "With --compass: one reusable Compass link per establishment, as CSV with\n"                   \
  "the columns urn,name,url (url is BASE/compass/TOKEN; the token holds 256\n"                   \
  "random bits and the database keeps only its SHA-256). The establishment\n"                    \
  "returns to its link each term to record a Compass return, until the link\n"                   \
  "is revoked. Without --establishment, links are made for every\n"                              \
  "establishment that has no live link; with it, for that one only, and any\n"                   \
  "link it had is revoked (a lost link is replaced this way).\n"                                 \
  "  --revoke URN      revoke the establishment's live link (no new one)\n"                      \
  "Every run goes to the audit log (how many links, never the links). Exit\n"                    \
  "status 3 when the URN names no establishment.\n"

#endif

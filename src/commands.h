/* The subcommands; each is defined in its own cmd_NAME.c. */
#ifndef CLEVAL_COMMANDS_H
#define CLEVAL_COMMANDS_H

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

/* `cleval invite DB --compass ...` (cmd_invite_compass.c): cmd_invite hands
 * its arguments over when they hold --compass; returns the exit status. */
int invite_compass_cli(const command *cmd, int argc, char **argv);
/* The --compass part of `cleval help invite`. */
extern const char invite_compass_help[];

#endif

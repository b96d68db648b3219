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

#endif

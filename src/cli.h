/* What every subcommand shares: exit statuses, the command table entry, and
 * option parsing helpers that produce usage errors. Only main.c and the
 * cmd_*.c files use this; the core modules never print or exit. */
#ifndef CLEVAL_CLI_H
#define CLEVAL_CLI_H

#include <stdbool.h>

enum exit_status {
  EXIT_OK = 0,      /* success */
  EXIT_RUNTIME = 1, /* the work could not be done (I/O, database) */
  EXIT_USAGE = 2,   /* the command line was wrong */
  EXIT_INVALID = 3  /* the input data was invalid; nothing was written */
};

typedef struct command {
  const char *name;
  const char *summary;               /* one line for `cleval --help` */
  const char *usage;                 /* "cleval init DB" */
  const char *help;                  /* the full text for `cleval help NAME` */
  int (*run)(int argc, char **argv); /* argv[0] is the command name */
} command;

/* Prints "cleval: " and the message to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints a usage error for cmd ("cleval NAME: message" then its usage
 * line) and returns EXIT_USAGE. */
int cli_usage(const command *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Options: a tiny getopt_long replacement that reports unknown options as
 * usage errors. Recognises "--name VALUE", "--name=VALUE", short "-o VALUE",
 * and flags; "--" ends options; everything else is a positional argument. */
typedef struct cli_option {
  const char *name; /* long name without dashes, e.g. "format" */
  char short_name;  /* 'o' or 0 */
  bool takes_value;
  const char **value; /* where a value option's value goes */
  bool *flag;         /* where a flag's presence goes */
} cli_option;

/* Parses argv[1..argc-1] against opts (terminated by an entry with a NULL
 * name). Positional arguments are collected into pos (at most max_pos; the
 * count goes to *npos). Returns 0, or prints a usage error and returns -1. */
int cli_parse(const command *cmd, int argc, char **argv, const cli_option *opts, const char **pos,
              int max_pos, int *npos);

/* Flushes standard output once a command has run (main.c calls it for
 * every command): when anything written to it failed, prints "cleval:
 * writing standard output failed: REASON" and returns EXIT_RUNTIME if
 * status was EXIT_OK; otherwise returns status. */
int cli_finish_stdout(int status);

/* Whom audit entries name for this command: the account running it (its
 * login name; $USER when the account has no name, as in some containers;
 * "uid N" when neither is known). */
const char *cli_actor(void);

/* Whether argv holds --help or -h (then the caller prints its help). */
bool cli_wants_help(int argc, char **argv);
void cli_print_help(const command *cmd);

#endif

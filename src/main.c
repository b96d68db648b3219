/* cleval: subcommand dispatch. Everything else lives in the cmd_*.c files
 * and the modules they call. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static const command *const commands[] = {
    &cmd_init,   &cmd_instruments, &cmd_stats,  &cmd_import,
    &cmd_export, &cmd_scores,      &cmd_report, &cmd_demo,
    &cmd_serve,  &cmd_user,        &cmd_invite,
    &cmd_fund,   &cmd_bursary,
    &cmd_backup, &cmd_restore,     &cmd_forget,
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const command *find(const char *name) {
  for (size_t i = 0; i < NCOMMANDS; i++)
    if (strcmp(commands[i]->name, name) == 0)
      return commands[i];
  return NULL;
}

static void print_overview(FILE *out) {
  fprintf(out,
          "cleval %s: run and evaluate Careers Leader training, and track careers\n"
          "provision against the eight Gatsby Benchmarks.\n\n"
          "usage: cleval COMMAND [ARGS...]\n\ncommands:\n",
          CLEVAL_VERSION);
  for (size_t i = 0; i < NCOMMANDS; i++)
    fprintf(out, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
  fprintf(out, "\n'cleval help COMMAND' describes a command. Exit status: 0 success,\n"
               "1 runtime failure, 2 usage error, 3 invalid input (nothing written).\n");
}

static void list_names(void) {
  fputs("expected one of:", stderr);
  for (size_t i = 0; i < NCOMMANDS; i++)
    fprintf(stderr, " %s", commands[i]->name);
  fputc('\n', stderr);
}

static int dispatch(int argc, char **argv) {
  if (argc < 2) {
    fputs("cleval: no command given\n", stderr);
    print_overview(stderr);
    return EXIT_USAGE;
  }
  const char *name = argv[1];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
    print_overview(stdout);
    return EXIT_OK;
  }
  if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
    printf("cleval %s\n", CLEVAL_VERSION);
    return EXIT_OK;
  }
  if (strcmp(name, "help") == 0) {
    if (argc < 3) {
      print_overview(stdout);
      return EXIT_OK;
    }
    const command *cmd = find(argv[2]);
    if (!cmd) {
      fprintf(stderr, "cleval help: unknown command '%s'\n", argv[2]);
      list_names();
      return EXIT_USAGE;
    }
    cli_print_help(cmd);
    return EXIT_OK;
  }
  const command *cmd = find(name);
  if (!cmd) {
    fprintf(stderr, "cleval: unknown command '%s'\n", name);
    list_names();
    return EXIT_USAGE;
  }
  if (cli_wants_help(argc - 1, argv + 1)) {
    cli_print_help(cmd);
    return EXIT_OK;
  }
  return cmd->run(argc - 1, argv + 1);
}

/* Every command's output is checked once here: standard output that could
 * not be written (a full disk) is a failure, whichever command wrote. */
int main(int argc, char **argv) { return cli_finish_stdout(dispatch(argc, argv)); }

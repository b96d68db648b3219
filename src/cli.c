/* Shared command-line helpers (see cli.h). */
#include "cli.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("cleval: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

int cli_finish_stdout(int status) {
  errno = 0;
  bool failed = fflush(stdout) != 0;
  int e = errno;
  failed |= ferror(stdout) != 0;
  if (!failed)
    return status;
  if (e)
    cli_error("writing standard output failed: %s", strerror(e));
  else
    cli_error("writing standard output failed");
  return status == EXIT_OK ? EXIT_RUNTIME : status;
}

const char *cli_actor(void) {
  static char name[64];
  if (name[0])
    return name;
  const struct passwd *pw = getpwuid(geteuid());
  const char *user = getenv("USER");
  if (pw && pw->pw_name && *pw->pw_name)
    snprintf(name, sizeof name, "%s", pw->pw_name);
  else if (user && *user)
    snprintf(name, sizeof name, "%s", user);
  else
    snprintf(name, sizeof name, "uid %lu", (unsigned long)geteuid());
  return name;
}

int cli_usage(const command *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "cleval %s: ", cmd->name);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\nusage: %s\n(see 'cleval help %s')\n", cmd->usage, cmd->name);
  va_end(ap);
  return EXIT_USAGE;
}

bool cli_wants_help(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0)
      return false;
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
      return true;
  }
  return false;
}

void cli_print_help(const command *cmd) { printf("usage: %s\n\n%s", cmd->usage, cmd->help); }

static const cli_option *find_long(const cli_option *opts, const char *name, size_t len) {
  for (const cli_option *o = opts; o && o->name; o++)
    if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
      return o;
  return NULL;
}

static const cli_option *find_short(const cli_option *opts, char c) {
  for (const cli_option *o = opts; o && o->name; o++)
    if (o->short_name && o->short_name == c)
      return o;
  return NULL;
}

static void list_options(const cli_option *opts) {
  fputs("expected one of:", stderr);
  if (!opts || !opts->name)
    fputs(" (no options)", stderr);
  for (const cli_option *o = opts; o && o->name; o++)
    fprintf(stderr, " --%s%s", o->name, o->takes_value ? " VALUE" : "");
  fputc('\n', stderr);
}

int cli_parse(const command *cmd, int argc, char **argv, const cli_option *opts, const char **pos,
              int max_pos, int *npos) {
  *npos = 0;
  bool options_done = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const cli_option *o = NULL;
    const char *inline_value = NULL;
    if (!options_done && strcmp(a, "--") == 0) {
      options_done = true;
      continue;
    }
    if (!options_done && a[0] == '-' && a[1] == '-') {
      const char *eq = strchr(a + 2, '=');
      size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
      o = find_long(opts, a + 2, len);
      inline_value = eq ? eq + 1 : NULL;
    } else if (!options_done && a[0] == '-' && a[1] && a[2] == '\0') {
      o = find_short(opts, a[1]);
    } else {
      if (*npos >= max_pos) {
        cli_usage(cmd, "unexpected argument '%s'", a);
        return -1;
      }
      pos[(*npos)++] = a;
      continue;
    }
    if (!o) {
      cli_usage(cmd, "unknown option '%s'", a);
      list_options(opts);
      return -1;
    }
    if (o->takes_value) {
      if (!inline_value) {
        if (i + 1 >= argc) {
          cli_usage(cmd, "option '%s' needs a value", a);
          return -1;
        }
        inline_value = argv[++i];
      }
      *o->value = inline_value;
    } else {
      if (inline_value) {
        cli_usage(cmd, "option '--%s' takes no value", o->name);
        return -1;
      }
      *o->flag = true;
    }
  }
  return 0;
}

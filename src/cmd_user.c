/* cleval user add|list|remove: the accounts that sign in to cleval serve. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "store.h"
#include "token.h"
#include "user.h"

static int run(int argc, char **argv);

const command cmd_user = {
    "user",
    "add, list or remove the accounts that sign in to cleval serve",
    "cleval user add|list|remove DB [NAME] [--role admin|analyst|provider] [--provider KEY]",
    "  cleval user add DB NAME --role admin|analyst|provider [--provider KEY]\n"
    "  cleval user list DB\n"
    "  cleval user remove DB NAME\n\n"
    "Accounts for the web server (cleval serve). An admin and an analyst see\n"
    "every provider's figures; a provider (--provider KEY, a provider_id as\n"
    "imported) sees only its own cohort.\n\n"
    "add asks for the password on the terminal without echoing it, or, when\n"
    "standard input is not a terminal, reads it as one line from standard\n"
    "input (at least 8 characters). Only an argon2id hash of it is stored\n"
    "(libsodium crypto_pwhash_str).\n\n"
    "list prints name, role, provider and creation time, tab-separated.\n"
    "remove deletes the account and signs out its sessions.\n\n"
    "Adding and removing users go to the audit log.\n\n"
    "Exit status: 0 done; 1 the database failed; 2 usage error; 3 invalid\n"
    "input (a bad name, role, password, unknown provider or user).\n",
    run,
};

/* Reads the password: from the terminal without echo, else one line of
 * standard input. Returns 0, or -1 with a message. */
static int read_password(char *out, size_t outlen, char *err, size_t errlen) {
  FILE *in = stdin;
  FILE *tty = NULL;
  struct termios old, quiet;
  int echo_off = 0;
  if (isatty(STDIN_FILENO)) {
    tty = fopen("/dev/tty", "r+");
    if (tty) {
      in = tty;
      if (tcgetattr(fileno(tty), &old) == 0) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        echo_off = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
      }
      fputs("password: ", stderr);
      fflush(stderr);
    }
  }
  int rc = 0;
  if (!fgets(out, (int)outlen, in)) {
    snprintf(err, errlen, "no password given on standard input");
    rc = -1;
  } else {
    size_t n = strlen(out);
    if (n == outlen - 1 && out[n - 1] != '\n') {
      snprintf(err, errlen, "the password is longer than %d characters", USER_PASSWORD_MAX);
      rc = -1;
    }
    while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
      out[--n] = '\0';
  }
  if (echo_off)
    tcsetattr(fileno(tty), TCSAFLUSH, &old);
  if (tty)
    fclose(tty);
  return rc;
}

static int add(const char *db, const char *name, const char *role, const char *provider) {
  if (!role)
    return cli_usage(&cmd_user, "add needs --role admin|analyst|provider");
  char err[1024];
  char pw[USER_PASSWORD_MAX + 2];
  if (read_password(pw, sizeof pw, err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_INVALID;
  }
  store *s;
  if (store_open(&s, db, err, sizeof err) != 0) {
    sodium_memzero(pw, sizeof pw);
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  int invalid = 0;
  int rc = user_add(s, name, role, provider, pw, cli_actor(), &invalid, err, sizeof err);
  sodium_memzero(pw, sizeof pw);
  store_close(s);
  if (rc != 0) {
    cli_error("%s: %s", db, err);
    return invalid ? EXIT_INVALID : EXIT_RUNTIME;
  }
  printf("added user %s (%s)\n", name, role);
  return EXIT_OK;
}

static int list(const char *db) {
  char err[1024];
  store *s;
  if (store_open_readonly(&s, db, err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  user_info *u;
  size_t n;
  int rc = user_list(s, &u, &n, err, sizeof err);
  store_close(s);
  if (rc != 0) {
    cli_error("%s: %s", db, err);
    return EXIT_RUNTIME;
  }
  for (size_t i = 0; i < n; i++)
    printf("%s\t%s\t%s\t%s\n", u[i].name, u[i].role, u[i].provider_key ? u[i].provider_key : "",
           u[i].created_at ? u[i].created_at : "");
  user_list_free(u, n);
  return EXIT_OK;
}

static int remove_user(const char *db, const char *name) {
  char err[1024];
  store *s;
  if (store_open(&s, db, err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  int invalid = 0;
  int rc = user_remove(s, name, cli_actor(), &invalid, err, sizeof err);
  store_close(s);
  if (rc != 0) {
    cli_error("%s: %s", db, err);
    return invalid ? EXIT_INVALID : EXIT_RUNTIME;
  }
  printf("removed user %s\n", name);
  return EXIT_OK;
}

static int run(int argc, char **argv) {
  const char *role = NULL, *provider = NULL;
  cli_option opts[] = {{"role", 0, true, &role, NULL},
                       {"provider", 0, true, &provider, NULL},
                       {NULL, 0, false, NULL, NULL}};
  const char *pos[3];
  int npos;
  if (cli_parse(&cmd_user, argc, argv, opts, pos, 3, &npos) != 0)
    return EXIT_USAGE;
  if (npos < 1)
    return cli_usage(&cmd_user, "expected add, list or remove");
  if (token_init() != 0) {
    cli_error("libsodium could not be initialised");
    return EXIT_RUNTIME;
  }
  const char *verb = pos[0];
  if (strcmp(verb, "add") == 0) {
    if (npos != 3)
      return cli_usage(&cmd_user, "add needs DB and NAME");
    return add(pos[1], pos[2], role, provider);
  }
  if (role || provider)
    return cli_usage(&cmd_user, "--role and --provider are only for add");
  if (strcmp(verb, "list") == 0) {
    if (npos != 2)
      return cli_usage(&cmd_user, "list needs DB only");
    return list(pos[1]);
  }
  if (strcmp(verb, "remove") == 0) {
    if (npos != 3)
      return cli_usage(&cmd_user, "remove needs DB and NAME");
    return remove_user(pos[1], pos[2]);
  }
  return cli_usage(&cmd_user, "unknown action '%s'; expected add, list or remove", verb);
}

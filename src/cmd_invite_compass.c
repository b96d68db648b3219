/* cleval invite DB --compass: establishments' reusable Compass links, and
 * revoking them (the --compass path of cmd_invite). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "compass_link.h"
#include "store.h"
#include "token.h"

int invite_compass_cli(const command *cmd, int argc, char **argv) {
  const char *urn = NULL, *revoke = NULL, *base = "http://127.0.0.1:8080", *out_path = NULL;
  bool compass = false;
  cli_option opts[] = {
      {"compass", 0, false, NULL, &compass},  {"establishment", 0, true, &urn, NULL},
      {"revoke", 0, true, &revoke, NULL},     {"base-url", 0, true, &base, NULL},
      {"output", 'o', true, &out_path, NULL}, {NULL, 0, false, NULL, NULL}};
  const char *pos[1];
  int npos;
  if (cli_parse(cmd, argc, argv, opts, pos, 1, &npos) != 0)
    return EXIT_USAGE;
  if (npos != 1)
    return cli_usage(cmd, "expected the database file name");
  if (revoke && (urn || out_path))
    return cli_usage(cmd, "--revoke makes no links: it takes no --establishment or -o");
  if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0)
    return cli_usage(cmd, "--base-url must start with http:// or https://");
  if (token_init() != 0) {
    cli_error("libsodium could not be initialised");
    return EXIT_RUNTIME;
  }
  char err[1024];
  store *s;
  if (store_open(&s, pos[0], err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  char now[32];
  strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
  int invalid = 0, rc;
  size_t n = 0;
  if (revoke) {
    rc = compass_link_revoke(s, revoke, now, cli_actor(), &n, &invalid, err, sizeof err);
    store_close(s);
    if (rc != 0) {
      cli_error("%s: %s", pos[0], err);
      return invalid ? EXIT_INVALID : EXIT_RUNTIME;
    }
    fprintf(stderr, "cleval invite: %zu Compass link(s) of URN %s revoked\n", n, revoke);
    return EXIT_OK;
  }
  FILE *out = stdout;
  if (out_path && !(out = fopen(out_path, "w"))) {
    store_close(s);
    cli_error("%s: cannot write", out_path);
    return EXIT_RUNTIME;
  }
  compass_link_options o = {urn, base, now, cli_actor()};
  rc = compass_link_issue(s, &o, out, &n, &invalid, err, sizeof err);
  store_close(s);
  if (out_path && fclose(out) != 0 && rc == 0) {
    cli_error("%s: writing failed after the links were made; run again with --establishment "
              "for those missing",
              out_path);
    return EXIT_RUNTIME;
  }
  if (rc != 0) {
    if (out_path)
      remove(out_path);
    cli_error("%s: %s", pos[0], err);
    return invalid ? EXIT_INVALID : EXIT_RUNTIME;
  }
  fprintf(stderr, "cleval invite: %zu Compass link(s)\n", n);
  return EXIT_OK;
}

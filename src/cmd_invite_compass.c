/* cleval invite DB --compass: establishments' reusable Compass links, and
 * revoking them (the --compass path of cmd_invite). */
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "compass_link.h"
#include "store.h"

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
  store *s;
  FILE *out = NULL;
  int status = invite_open(cmd, base, pos[0], out_path, &s, revoke ? NULL : &out);
  if (status != EXIT_OK)
    return status;
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  char now[32];
  strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
  int invalid = 0, rc;
  size_t n = 0;
  char err[1024];
  if (revoke)
    rc = compass_link_revoke(s, revoke, now, cli_actor(), &n, &invalid, err, sizeof err);
  else
    rc = compass_link_issue(s, &(compass_link_options){urn, base, now, cli_actor()}, out, &n,
                            &invalid, err, sizeof err);
  status = invite_finish(s, out, out_path, pos[0], rc, invalid, err,
                         "run again with --establishment for those missing");
  if (status != EXIT_OK)
    return status;
  if (revoke)
    fprintf(stderr, "cleval invite: %zu Compass link(s) of URN %s revoked\n", n, revoke);
  else
    fprintf(stderr, "cleval invite: %zu Compass link(s)\n", n);
  return EXIT_OK;
}

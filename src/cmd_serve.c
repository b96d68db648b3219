/* cleval serve DB: the web side, where Careers Leaders answer their
 * surveys and providers and analysts follow the responses. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "web_app.h"
#include "web_compass.h"
#include "web_dashboard.h"
#include "web_server.h"

static int run(int argc, char **argv);

const command cmd_serve = {
    "serve",
    "the web server: surveys for Careers Leaders, responses for providers",
    "cleval serve DB [--port N] [--bind ADDR] [--threads N] [--connections N] [--secure-cookies] "
    "[--trust-proxy] [--timeout SECONDS] [--per-address N]",
    "Serves the web side of the programme from DB until stopped with SIGINT\n"
    "(Ctrl-C) or SIGTERM; requests being answered then finish and the\n"
    "database is closed. Prints 'cleval serve: listening on http://ADDR:PORT/'\n"
    "on standard error once it accepts connections.\n\n"
    "  --port N          the TCP port (default 8080; 0 picks a free one, and\n"
    "                    the line above says which)\n"
    "  --bind ADDR       the address to listen on (default 127.0.0.1; run it\n"
    "                    behind a TLS reverse proxy, see docs/deploy.md)\n"
    "  --threads N       worker threads answering requests (default 4)\n"
    "  --connections N   database connections they share (default 1). Writes\n"
    "                    go one at a time whatever this is, and each write\n"
    "                    empties the other connections' page caches: one is\n"
    "                    fastest for survey traffic; more help read-heavy\n"
    "                    pages on machines with many cores\n"
    "  --secure-cookies  mark cookies Secure (when served over HTTPS)\n"
    "  --trust-proxy     take each client's address from the X-Real-IP header\n"
    "                    that the reverse proxy in front sets (for the rate\n"
    "                    limits and the audit log); only behind a proxy\n"
    "  --timeout SECONDS a connection that sends or reads nothing for this\n"
    "                    long is closed (default 30): slow clients cannot\n"
    "                    hold connections open\n"
    "  --per-address N   connections open at once from one client address\n"
    "                    (default 64; 0 for no limit); more are refused.\n"
    "                    With --trust-proxy the default is 0, since every\n"
    "                    connection then comes from the proxy, which should\n"
    "                    limit clients itself (docs/deploy.md)\n\n"
    "Pages: /s/TOKEN (a survey, from the links 'cleval invite' makes),\n"
    "/login and /logout (accounts made with 'cleval user'), /responses\n"
    "(invited, answered and outstanding counts), /healthz (answers 'ok').\n\n"
    "Settings (the settings table): web.session_idle_minutes (30),\n"
    "web.login_failures (5) in web.login_window_minutes (15) per account (four\n"
    "times as many per address), web.token_failures (20) unknown survey links\n"
    "per address in web.token_window_minutes (10).\n\n"
    "Exit status: 0 stopped by a signal; 1 could not start (database, port);\n"
    "2 usage error.\n",
    run,
};

static int parse_int(const char *s, int lo, int hi, int *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (end == s || *end || v < lo || v > hi)
    return -1;
  *out = (int)v;
  return 0;
}

static int run(int argc, char **argv) {
  const char *port_s = NULL, *bind = "127.0.0.1", *threads_s = NULL, *conns_s = NULL,
             *timeout_s = NULL, *per_s = NULL;
  bool secure = false, trust_proxy = false;
  cli_option opts[] = {{"port", 0, true, &port_s, NULL},
                       {"bind", 0, true, &bind, NULL},
                       {"threads", 0, true, &threads_s, NULL},
                       {"connections", 0, true, &conns_s, NULL},
                       {"secure-cookies", 0, false, NULL, &secure},
                       {"trust-proxy", 0, false, NULL, &trust_proxy},
                       {"timeout", 0, true, &timeout_s, NULL},
                       {"per-address", 0, true, &per_s, NULL},
                       {NULL, 0, false, NULL, NULL}};
  const char *pos[1];
  int npos;
  if (cli_parse(&cmd_serve, argc, argv, opts, pos, 1, &npos) != 0)
    return EXIT_USAGE;
  if (npos != 1)
    return cli_usage(&cmd_serve, "expected the database file name");
  int port = 8080, threads = 4, connections = 1;
  if (port_s && parse_int(port_s, 0, 65535, &port) != 0)
    return cli_usage(&cmd_serve, "--port must be a number from 0 to 65535, not '%s'", port_s);
  if (threads_s && parse_int(threads_s, 1, 256, &threads) != 0)
    return cli_usage(&cmd_serve, "--threads must be a number from 1 to 256, not '%s'", threads_s);
  if (conns_s && parse_int(conns_s, 1, 256, &connections) != 0)
    return cli_usage(&cmd_serve, "--connections must be a number from 1 to 256, not '%s'", conns_s);
  int timeout = WEB_SERVER_TIMEOUT, per = trust_proxy ? 0 : WEB_SERVER_PER_ADDRESS;
  if (timeout_s && parse_int(timeout_s, 1, 3600, &timeout) != 0)
    return cli_usage(&cmd_serve, "--timeout must be a number of seconds from 1 to 3600, not '%s'",
                     timeout_s);
  if (per_s && parse_int(per_s, 0, 100000, &per) != 0)
    return cli_usage(&cmd_serve, "--per-address must be a number from 0 to 100000, not '%s'",
                     per_s);
  web_server_limits limits = {(unsigned)timeout, (unsigned)per};

  /* The signals are taken by sigwait below; every thread started from here
   * on inherits the mask. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  signal(SIGPIPE, SIG_IGN);

  char err[1024];
  web_app *app;
  web_app_options o = {connections, secure, false};
  if (web_app_new(&app, pos[0], &o, err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  web_server *srv;
  if (web_server_start(&srv, app, bind, port, threads, trust_proxy, &limits, err, sizeof err) !=
      0) {
    web_app_free(app);
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  /* The dashboards' analysis and the Compass averages, built in the
   * background before anyone asks. */
  web_dashboard_prepare(app);
  web_compass_prepare(app);
  bool v6 = strchr(bind, ':') != NULL;
  fprintf(stderr, "cleval serve: listening on http://%s%s%s:%d/\n", v6 ? "[" : "", bind,
          v6 ? "]" : "", web_server_port(srv));
  fflush(stderr);
  int sig = 0;
  sigwait(&stop, &sig);
  web_server_stop(srv);
  web_app_free(app);
  fprintf(stderr, "cleval serve: stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  return EXIT_OK;
}

/* From a database to a written report. */
#include "publish.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analysis.h"
#include "dataset.h"
#include "report.h"

int publish_report(store *s, const report_config *cfg, const char *outdir, report_doc **out,
                   char *err, size_t errlen) {
  report_config c = *cfg;
  if (!c.date[0]) {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(c.date, sizeof c.date, "%Y-%m-%d", &tm);
  }
  dataset *ds = NULL;
  /* A database opened with store_open_checking is being checked meanwhile:
   * a damaged one is said to be so, before any other failure and before
   * anything is written. */
  if (dataset_load(s, &ds, err, errlen) != 0) {
    store_checked(s, err, errlen);
    return -1;
  }
  /* Nothing to evaluate: neither knowledge (level 2) nor benchmarks
   * (level 4) can be reported. */
  size_t matched = 0;
  for (size_t i = 0; i < ds->nleaders; i++)
    matched += ds->leaders[i].match == DS_MATCHED;
  if (matched == 0 && ds->nreturns == 0) {
    if (store_checked(s, err, errlen) != 0) {
      dataset_free(ds);
      return -1;
    }
    snprintf(err, errlen,
             "nothing to report: no Careers Leader has both a pre- and a post-training "
             "self-assessment (import them with `cleval import DB self-assessment FILE`) and "
             "there are no Compass returns (`cleval import DB compass FILE`)%s",
             ds->nleaders == 0 ? "; there are no Careers Leaders either (`cleval import DB "
                                 "leaders FILE`, after `establishments`)"
                               : "");
    dataset_free(ds);
    return -2;
  }
  report_doc *doc = analysis_run(ds, &c);
  dataset_free(ds);
  if (store_checked(s, err, errlen) != 0) {
    report_doc_free(doc);
    return -1;
  }
  int rc = report_write(doc, outdir, err, errlen);
  if (rc == 0 && out)
    *out = doc;
  else
    report_doc_free(doc);
  return rc;
}

/* The path of an executable named name on the PATH, into buf; 0 or -1. */
static int find_on_path(const char *name, char *buf, size_t len) {
  const char *path = getenv("PATH");
  if (!path || !*path)
    path = "/usr/local/bin:/usr/bin:/bin";
  while (*path) {
    size_t n = strcspn(path, ":");
    if (n > 0 && (size_t)snprintf(buf, len, "%.*s/%s", (int)n, path, name) < len &&
        access(buf, X_OK) == 0)
      return 0;
    path += n;
    if (*path == ':')
      path++;
  }
  return -1;
}

int publish_pdf(const char *outdir, char *err, size_t errlen) {
  char browser[PATH_MAX];
  const char *env = getenv("CHROMIUM");
  if (env && *env) {
    if (access(env, X_OK) != 0) {
      snprintf(err, errlen,
               "report.pdf not written: CHROMIUM is set to %s, which is not an executable",
               env);
      return -1;
    }
    snprintf(browser, sizeof browser, "%s", env);
  } else if (find_on_path("chromium", browser, sizeof browser) != 0 &&
             find_on_path("chromium-browser", browser, sizeof browser) != 0 &&
             find_on_path("google-chrome", browser, sizeof browser) != 0) {
    snprintf(err, errlen,
             "report.pdf not written: --pdf prints with Chromium, and none was found on the "
             "PATH (install the Debian package chromium, or set CHROMIUM to the browser's "
             "path); the HTML, JSON and CSV report is written");
    return -1;
  }
  char dir[PATH_MAX], html[PATH_MAX + 32], out[PATH_MAX + 32], tmp[PATH_MAX + 64];
  if (!realpath(outdir, dir)) {
    snprintf(err, errlen, "%s: %s", outdir, strerror(errno));
    return -1;
  }
  snprintf(html, sizeof html, "file://%s/report.html", dir);
  snprintf(out, sizeof out, "%s/report.pdf", dir);
  snprintf(tmp, sizeof tmp, "%s/.report.pdf.tmp%ld", dir, (long)getpid());
  char print_to[PATH_MAX + 96];
  snprintf(print_to, sizeof print_to, "--print-to-pdf=%s", tmp);
  char *argv[] = {browser,
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-background-networking",
                  "--no-first-run",
                  "--no-pdf-header-footer",
                  print_to,
                  html,
                  NULL};
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(err, errlen, "report.pdf not written: cannot start %s: %s", browser,
             strerror(errno));
    return -1;
  }
  if (pid == 0) {
    /* The browser's chatter is not the report's. */
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, STDIN_FILENO);
      dup2(devnull, STDOUT_FILENO);
      dup2(devnull, STDERR_FILENO);
      close(devnull);
    }
    execv(browser, argv);
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  struct stat st;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || stat(tmp, &st) != 0 || st.st_size == 0) {
    unlink(tmp);
    snprintf(err, errlen, "report.pdf not written: %s could not print %s/report.html (%s %d)",
             browser, outdir, WIFEXITED(status) ? "exit status" : "signal",
             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    return -1;
  }
  if (rename(tmp, out) != 0) {
    snprintf(err, errlen, "%s: cannot replace: %s", out, strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

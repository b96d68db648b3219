/* cleval scores DB: the stored area percentage scores, one row per leader
 * and stage; or, with --matching, each leader's pre/post match status. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "export.h"
#include "jsonout.h"
#include "score.h"
#include "store.h"
#include "strbuf.h"
#include "vocab.h"

static int run(int argc, char **argv);

const command cmd_scores = {
    "scores",
    "print the self-assessment area scores (or the pre/post matching)",
    "cleval scores DB [--format csv|json] [--matching]",
    "Prints one row per Careers Leader and survey stage with the columns\n"
    "leader_id, stage, role, leadership, management, coordination,\n"
    "networking: the area percentage scores computed when the answers were\n"
    "imported (sum / (5 x items answered) x 100, or (sum - k) / 4k x 100\n"
    "when the setting score.method is rescaled). An area is empty when fewer\n"
    "than score.min_answered (default 0.5) of its items were answered.\n\n"
    "--matching prints instead each leader's pre/post match: leader_id,\n"
    "status (matched, no_pre, no_post, role_changed, no_response), pre_role,\n"
    "post_role.\n\n"
    "Exit status: 0 printed; 1 runtime failure; 2 usage error.\n",
    run,
};

static int print_scores(store *s, bool json, strbuf *b) {
  char err[1024];
  score_row *rows;
  size_t n;
  if (score_list(s, &rows, &n, err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  if (!json) {
    strbuf_puts(b, "leader_id,stage,role");
    for (int a = 0; a < SCORE_NAREAS; a++)
      strbuf_printf(b, ",%s", vocab_name(VOCAB_AREA, a));
    strbuf_putc(b, '\n');
  }
  for (size_t i = 0; i < n; i++) {
    if (json) {
      json_t *o = json_object();
      jsonout_set(o, "leader_id", jsonout_string(rows[i].leader_key));
      jsonout_set(o, "stage", jsonout_string(rows[i].stage));
      jsonout_set(o, "role", jsonout_string(rows[i].role));
      for (int a = 0; a < SCORE_NAREAS; a++)
        jsonout_set(o, vocab_name(VOCAB_AREA, a), jsonout_real(rows[i].score[a]));
      jsonout_item(b, i, o);
      continue;
    }
    strbuf_put_csv(b, rows[i].leader_key);
    strbuf_putc(b, ',');
    strbuf_put_csv(b, rows[i].stage);
    strbuf_putc(b, ',');
    strbuf_put_csv(b, rows[i].role ? rows[i].role : "");
    for (int a = 0; a < SCORE_NAREAS; a++) {
      strbuf_putc(b, ',');
      if (!isnan(rows[i].score[a]))
        export_put_number(b, rows[i].score[a]);
    }
    strbuf_putc(b, '\n');
  }
  if (json)
    jsonout_end_items(b, n);
  score_rows_free(rows, n);
  return EXIT_OK;
}

static int print_matching(store *s, bool json, strbuf *b) {
  char err[1024];
  score_match *m;
  size_t n;
  if (score_match_list(s, &m, &n, err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  static const char *const names[4] = {"leader_id", "status", "pre_role", "post_role"};
  if (!json)
    strbuf_puts(b, "leader_id,status,pre_role,post_role\n");
  for (size_t i = 0; i < n; i++) {
    const char *text[4] = {m[i].leader_key, score_match_status_name(m[i].status), m[i].pre_role,
                           m[i].post_role};
    if (json) {
      json_t *o = json_object();
      for (int k = 0; k < 4; k++)
        jsonout_set(o, names[k], jsonout_string(text[k]));
      jsonout_item(b, i, o);
      continue;
    }
    for (int k = 0; k < 4; k++) {
      if (k)
        strbuf_putc(b, ',');
      strbuf_put_csv(b, text[k] ? text[k] : "");
    }
    strbuf_putc(b, '\n');
  }
  if (json)
    jsonout_end_items(b, n);
  score_match_free(m, n);
  return EXIT_OK;
}

static int run(int argc, char **argv) {
  const char *format = "csv";
  bool matching = false;
  cli_option opts[] = {{"format", 0, true, &format, NULL},
                       {"matching", 0, false, NULL, &matching},
                       {NULL, 0, false, NULL, NULL}};
  const char *pos[1];
  int npos;
  if (cli_parse(&cmd_scores, argc, argv, opts, pos, 1, &npos) != 0)
    return EXIT_USAGE;
  if (npos != 1)
    return cli_usage(&cmd_scores, "expected a database");
  if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
    return cli_usage(&cmd_scores, "unknown format '%s' (expected csv or json)", format);
  bool json = strcmp(format, "json") == 0;
  char err[1024];
  store *s;
  if (store_open_readonly(&s, pos[0], err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  strbuf b = STRBUF_INIT;
  int rc = matching ? print_matching(s, json, &b) : print_scores(s, json, &b);
  store_close(s);
  if (rc == EXIT_OK)
    fwrite(strbuf_str(&b), 1, b.len, stdout); /* checked in main */
  strbuf_free(&b);
  return rc;
}

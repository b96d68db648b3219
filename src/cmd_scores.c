/* cleval scores DB: the stored area percentage scores, one row per leader
 * and stage; or, with --matching, each leader's pre/post match status. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "export.h"
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

static void put_field(strbuf *b, bool json, const char *name, const char *text, bool first) {
  if (json) {
    strbuf_puts(b, first ? "{" : ", ");
    strbuf_put_json(b, name);
    strbuf_puts(b, ": ");
    if (text)
      strbuf_put_json(b, text);
    else
      strbuf_puts(b, "null");
  } else {
    if (!first)
      strbuf_putc(b, ',');
    strbuf_put_csv(b, text ? text : "");
  }
}

static int print_scores(store *s, bool json, strbuf *b) {
  char err[1024];
  score_row *rows;
  size_t n;
  if (score_list(s, &rows, &n, err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  if (json) {
    strbuf_putc(b, '[');
  } else {
    strbuf_puts(b, "leader_id,stage,role");
    for (int a = 0; a < SCORE_NAREAS; a++)
      strbuf_printf(b, ",%s", vocab_name(VOCAB_AREA, a));
    strbuf_putc(b, '\n');
  }
  for (size_t i = 0; i < n; i++) {
    if (json)
      strbuf_puts(b, i ? ",\n  " : "\n  ");
    put_field(b, json, "leader_id", rows[i].leader_key, true);
    put_field(b, json, "stage", rows[i].stage, false);
    put_field(b, json, "role", rows[i].role, false);
    for (int a = 0; a < SCORE_NAREAS; a++) {
      bool null = isnan(rows[i].score[a]);
      if (json) {
        strbuf_puts(b, ", ");
        strbuf_put_json(b, vocab_name(VOCAB_AREA, a));
        strbuf_puts(b, ": ");
        if (null)
          strbuf_puts(b, "null");
      } else {
        strbuf_putc(b, ',');
      }
      if (!null)
        export_put_number(b, rows[i].score[a]);
    }
    strbuf_puts(b, json ? "}" : "\n");
  }
  if (json)
    strbuf_puts(b, n ? "\n]\n" : "]\n");
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
  if (json)
    strbuf_putc(b, '[');
  else
    strbuf_puts(b, "leader_id,status,pre_role,post_role\n");
  for (size_t i = 0; i < n; i++) {
    if (json)
      strbuf_puts(b, i ? ",\n  " : "\n  ");
    put_field(b, json, "leader_id", m[i].leader_key, true);
    put_field(b, json, "status", score_match_status_name(m[i].status), false);
    put_field(b, json, "pre_role", m[i].pre_role, false);
    put_field(b, json, "post_role", m[i].post_role, false);
    strbuf_puts(b, json ? "}" : "\n");
  }
  if (json)
    strbuf_puts(b, n ? "\n]\n" : "]\n");
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

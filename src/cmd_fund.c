/* cleval fund DB [--wave N] [--format text|csv|json]: the training fund's
 * ledger, per wave and per provider. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fund.h"
#include "jsonout.h"
#include "store.h"
#include "strbuf.h"

static int run(int argc, char **argv);

const command cmd_fund = {
    "fund",
    "the training fund's ledger: places, completions, the hub share, bursaries",
    "cleval fund DB [--wave N] [--format text|csv|json]",
    "Shows, per wave and per provider (with its accreditation), the places\n"
    "allocated, taken (enrolled or completed; a withdrawal frees its place),\n"
    "completed and withdrawn, and the completion rate (completed out of every\n"
    "enrolment, withdrawn ones included); per wave, the share of places taken\n"
    "by Careers Leaders whose establishment was in a Careers Hub when they\n"
    "started, against the wave's hub target, with a warning when it falls\n"
    "short; and the bursaries claimed (every claim made), approved (approved\n"
    "or since paid) and paid, in pounds. Waves come from imports of KIND waves\n"
    "and allocations; a wave with enrolments but not in the fund is shown\n"
    "without places or target.\n\n"
    "Options:\n"
    "  --wave N        only wave N\n"
    "  --format F      text (the default), csv or json\n\n"
    "csv: one row per wave (level 'wave') and per provider in a wave (level\n"
    "'provider'): level, wave, provider_id, accreditation, places, allocated,\n"
    "taken, completed, withdrawn, completion_rate, hub_taken, hub_share,\n"
    "hub_target, claimed_pence, approved_pence, paid_pence (cells that do not\n"
    "apply are empty).\n"
    "json: {\"waves\": [{wave, places, allocated, taken, completed, withdrawn,\n"
    "hub_taken, hub_share, hub_target, claimed_pence, approved_pence,\n"
    "paid_pence}], \"providers\": [{wave, provider_id, accreditation,\n"
    "allocated, taken, completed, withdrawn, completion_rate}]}.\n"
    "Shares and rates are percentages (0-100; null or empty when nothing was\n"
    "taken, or the wave is not in the fund); money is in integer pence. With\n"
    "csv and json the hub warnings go to stderr.\n\n"
    "Exit status: 0 shown; 1 runtime failure; 2 usage error.\n",
    run,
};

static void put_pct(strbuf *b, double x) {
  if (isnan(x))
    strbuf_puts(b, "-");
  else
    strbuf_printf(b, "%.1f%%", x);
}

static void warnings(const fund_ledger *l, strbuf *b) {
  for (size_t i = 0; i < l->nwaves; i++) {
    const fund_wave *w = &l->waves[i];
    if (fund_hub_short(w))
      strbuf_printf(b,
                    "warning: wave %d: the hub share of places taken (%.1f%%) is below its "
                    "target of %g%%\n",
                    w->wave, w->hub_share, w->hub_target);
  }
}

static void render_text(const fund_ledger *l, strbuf *b) {
  char p1[40], p2[40], p3[40], c1[32], c2[32], c3[32];
  for (size_t i = 0; i < l->nwaves; i++) {
    const fund_wave *w = &l->waves[i];
    if (w->in_fund)
      strbuf_printf(b, "Wave %d (%s to %s): %s places, %s allocated to providers\n", w->wave,
                    w->opens, w->closes, fund_count(w->places, c1, sizeof c1),
                    fund_count(w->allocated, c2, sizeof c2));
    else
      strbuf_printf(b, "Wave %d (not in the fund: no places or target)\n", w->wave);
    strbuf_printf(b, "  taken %s, completed %s, withdrawn %s, completion rate ",
                  fund_count(w->taken, c1, sizeof c1), fund_count(w->completed, c2, sizeof c2),
                  fund_count(w->withdrawn, c3, sizeof c3));
    put_pct(b, w->taken + w->withdrawn
                   ? 100.0 * (double)w->completed / (double)(w->taken + w->withdrawn)
                   : NAN);
    strbuf_printf(b, "\n  hub share %s of %s places taken, ",
                  fund_count(w->hub_taken, c1, sizeof c1), fund_count(w->taken, c2, sizeof c2));
    put_pct(b, w->hub_share);
    if (w->in_fund)
      strbuf_printf(b, " (target %g%%)", w->hub_target);
    strbuf_putc(b, '\n');
    if (fund_hub_short(w))
      strbuf_printf(b, "  warning: the hub share (%.1f%%) is below its target of %g%%\n",
                    w->hub_share, w->hub_target);
    strbuf_printf(
        b, "  bursaries: claimed %s (%s), approved %s (%s), paid %s (%s)\n",
        fund_pounds(w->claimed_pence, p1, sizeof p1), fund_count(w->claims, c1, sizeof c1),
        fund_pounds(w->approved_pence, p2, sizeof p2), fund_count(w->approvals, c2, sizeof c2),
        fund_pounds(w->paid_pence, p3, sizeof p3), fund_count(w->payments, c3, sizeof c3));
    bool head = false;
    for (size_t j = 0; j < l->nproviders; j++) {
      const fund_provider *p = &l->providers[j];
      if (p->wave != w->wave)
        continue;
      if (!head) {
        strbuf_printf(b, "  %-12s %-13s %9s %7s %9s %9s %10s\n", "provider", "accreditation",
                      "allocated", "taken", "completed", "withdrawn", "completion");
        head = true;
      }
      strbuf_printf(b, "  %-12s %-13s %9lld %7lld %9lld %9lld %10s\n", p->provider_key,
                    p->accreditation, p->allocated, p->taken, p->completed, p->withdrawn, "");
      /* The rate goes in the last column, right-aligned. */
      b->len -= 11;
      char rate[16];
      if (isnan(p->completion_rate))
        snprintf(rate, sizeof rate, "-");
      else
        snprintf(rate, sizeof rate, "%.1f%%", p->completion_rate);
      strbuf_printf(b, "%10s\n", rate);
    }
    if (i + 1 < l->nwaves)
      strbuf_putc(b, '\n');
  }
}

static void csv_num(strbuf *b, double x) {
  strbuf_putc(b, ',');
  if (!isnan(x))
    strbuf_printf(b, "%.17g", x);
}

static void render_csv(const fund_ledger *l, strbuf *b) {
  strbuf_puts(b, "level,wave,provider_id,accreditation,places,allocated,taken,completed,"
                 "withdrawn,completion_rate,hub_taken,hub_share,hub_target,claimed_pence,"
                 "approved_pence,paid_pence\n");
  for (size_t i = 0; i < l->nwaves; i++) {
    const fund_wave *w = &l->waves[i];
    strbuf_printf(b, "wave,%d,,,", w->wave);
    if (w->in_fund)
      strbuf_printf(b, "%lld", w->places);
    strbuf_printf(b, ",%lld,%lld,%lld,%lld", w->allocated, w->taken, w->completed, w->withdrawn);
    csv_num(b, w->taken + w->withdrawn
                   ? 100.0 * (double)w->completed / (double)(w->taken + w->withdrawn)
                   : NAN);
    strbuf_printf(b, ",%lld", w->hub_taken);
    csv_num(b, w->hub_share);
    csv_num(b, w->hub_target);
    strbuf_printf(b, ",%lld,%lld,%lld\n", w->claimed_pence, w->approved_pence, w->paid_pence);
    for (size_t j = 0; j < l->nproviders; j++) {
      const fund_provider *p = &l->providers[j];
      if (p->wave != w->wave)
        continue;
      strbuf_printf(b, "provider,%d,", p->wave);
      strbuf_put_csv(b, p->provider_key);
      strbuf_printf(b, ",%s,,%lld,%lld,%lld,%lld", p->accreditation, p->allocated, p->taken,
                    p->completed, p->withdrawn);
      csv_num(b, p->completion_rate);
      strbuf_puts(b, ",,,,,,\n");
    }
  }
}

static void render_json(const fund_ledger *l, strbuf *b) {
  json_t *waves = json_array(), *providers = json_array();
  for (size_t i = 0; i < l->nwaves; i++) {
    const fund_wave *w = &l->waves[i];
    json_t *o = json_object();
    jsonout_set(o, "wave", json_integer(w->wave));
    jsonout_set(o, "places", w->in_fund ? json_integer(w->places) : json_null());
    jsonout_set(o, "allocated", json_integer(w->allocated));
    jsonout_set(o, "taken", json_integer(w->taken));
    jsonout_set(o, "completed", json_integer(w->completed));
    jsonout_set(o, "withdrawn", json_integer(w->withdrawn));
    jsonout_set(o, "hub_taken", json_integer(w->hub_taken));
    jsonout_set(o, "hub_share", jsonout_real(w->hub_share));
    jsonout_set(o, "hub_target", jsonout_real(w->hub_target));
    jsonout_set(o, "claimed_pence", json_integer(w->claimed_pence));
    jsonout_set(o, "approved_pence", json_integer(w->approved_pence));
    jsonout_set(o, "paid_pence", json_integer(w->paid_pence));
    json_array_append_new(waves, o);
  }
  for (size_t j = 0; j < l->nproviders; j++) {
    const fund_provider *p = &l->providers[j];
    json_t *o = json_object();
    jsonout_set(o, "wave", json_integer(p->wave));
    jsonout_set(o, "provider_id", jsonout_string(p->provider_key));
    jsonout_set(o, "accreditation", jsonout_string(p->accreditation));
    jsonout_set(o, "allocated", json_integer(p->allocated));
    jsonout_set(o, "taken", json_integer(p->taken));
    jsonout_set(o, "completed", json_integer(p->completed));
    jsonout_set(o, "withdrawn", json_integer(p->withdrawn));
    jsonout_set(o, "completion_rate", jsonout_real(p->completion_rate));
    json_array_append_new(providers, o);
  }
  json_t *root = json_object();
  jsonout_set(root, "waves", waves);
  jsonout_set(root, "providers", providers);
  jsonout_put(b, root, JSONOUT_FILE);
  strbuf_putc(b, '\n');
  json_decref(root);
}

static int run(int argc, char **argv) {
  const char *format = "text", *wave_text = NULL;
  cli_option opts[] = {{"format", 0, true, &format, NULL},
                       {"wave", 0, true, &wave_text, NULL},
                       {NULL, 0, false, NULL, NULL}};
  const char *pos[1];
  int npos;
  if (cli_parse(&cmd_fund, argc, argv, opts, pos, 1, &npos) != 0)
    return EXIT_USAGE;
  if (npos != 1)
    return cli_usage(&cmd_fund, "expected the database file name");
  int fmt = strcmp(format, "text") == 0   ? 0
            : strcmp(format, "csv") == 0  ? 1
            : strcmp(format, "json") == 0 ? 2
                                          : -1;
  if (fmt < 0)
    return cli_usage(&cmd_fund, "unknown format '%s' (expected text, csv or json)", format);
  long wave = 0;
  if (wave_text) {
    char *end;
    errno = 0;
    wave = strtol(wave_text, &end, 10);
    if (errno || end == wave_text || *end || wave < 1 || wave > 1000000)
      return cli_usage(&cmd_fund, "--wave: '%s' is not a wave number (1, 2, ...)", wave_text);
  }
  char err[1024];
  store *s;
  if (store_open_readonly(&s, pos[0], err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  fund_ledger *l;
  int rc = fund_ledger_load(store_db(s), (int)wave, &l, err, sizeof err);
  store_close(s);
  if (rc != 0) {
    cli_error("%s: %s", pos[0], err);
    return EXIT_RUNTIME;
  }
  strbuf out = STRBUF_INIT, warn = STRBUF_INIT;
  if (fmt == 0) {
    render_text(l, &out);
    if (!l->nwaves)
      strbuf_puts(&out, wave ? "No places and no enrolments in that wave.\n"
                             : "No waves and no enrolments yet.\n");
  } else {
    if (fmt == 1)
      render_csv(l, &out);
    else
      render_json(l, &out);
    warnings(l, &warn);
  }
  fund_ledger_free(l);
  fputs(strbuf_str(&warn), stderr);
  fwrite(strbuf_str(&out), 1, out.len, stdout); /* checked in main */
  strbuf_free(&out);
  strbuf_free(&warn);
  return EXIT_OK;
}

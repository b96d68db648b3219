/* cleval instruments [DB] [--scales]: the item bank, or its scales, as CSV. */
#include <stdio.h>

#include "cli.h"
#include "instrument.h"
#include "store.h"
#include "strbuf.h"

static int run(int argc, char **argv);

const command cmd_instruments = {
    "instruments",
    "print the item bank (every question of every instrument) as CSV",
    "cleval instruments [DB] [--scales]",
    "Prints every item of the instruments as CSV with the columns\n"
    "instrument, role, area, item_id, text. Without DB, the instruments built\n"
    "into this cleval; with DB, the instruments installed in that database.\n\n"
    "Instruments: self-assessment (knowledge items per role and area, asked\n"
    "before and after training), reflective (post-training items), long-term\n"
    "(the anonymous follow-up survey), compass-2014 (the eight Gatsby\n"
    "Benchmarks' assessment areas, school and college variants). Item ids are\n"
    "stable: they are the column names of import files and exports.\n\n"
    "Options:\n"
    "  --scales   print the answer scales instead, one row per option, with the\n"
    "             columns instrument, scale, kind, code, value, label: an import\n"
    "             file may give an answer as its code or its label (any case)\n",
    run,
};

static void put_row(strbuf *b, const char *instr, const char *role, const char *area,
                    const char *id, const char *text) {
  strbuf_put_csv(b, instr);
  strbuf_putc(b, ',');
  strbuf_put_csv(b, role ? role : "");
  strbuf_putc(b, ',');
  strbuf_put_csv(b, area ? area : "");
  strbuf_putc(b, ',');
  strbuf_put_csv(b, id);
  strbuf_putc(b, ',');
  strbuf_put_csv(b, text);
  strbuf_putc(b, '\n');
}

/* Every option of every scale of the bank's instruments. */
static void put_scales(strbuf *b, const instrument_bank *bank) {
  strbuf_puts(b, "instrument,scale,kind,code,value,label\n");
  for (size_t i = 0; i < bank->n; i++)
    for (size_t j = 0; j < bank->list[i]->nscales; j++) {
      const instrument_scale *sc = &bank->list[i]->scales[j];
      for (size_t k = 0; k < sc->noptions; k++) {
        const instrument_option *o = &sc->options[k];
        strbuf_put_csv(b, bank->list[i]->key);
        strbuf_putc(b, ',');
        strbuf_put_csv(b, sc->name);
        strbuf_putc(b, ',');
        strbuf_put_csv(b, sc->kind);
        strbuf_putc(b, ',');
        strbuf_put_csv(b, o->code);
        strbuf_putc(b, ',');
        if (instrument_scale_numeric(sc))
          strbuf_printf(b, "%g", o->value);
        strbuf_putc(b, ',');
        strbuf_put_csv(b, o->label ? o->label : "");
        strbuf_putc(b, '\n');
      }
    }
}

/* The instruments installed in the database pos[0], or the built-in ones
 * when there is no pos[0]. */
static int load_bank(int npos, const char **pos, instrument_bank **bank) {
  char err[1024];
  *bank = NULL;
  if (npos == 0) {
    if (instrument_bank_builtin(bank, err, sizeof err) == 0)
      return EXIT_OK;
    cli_error("built-in instruments: %s", err);
    return EXIT_RUNTIME;
  }
  store *s;
  if (store_open_readonly(&s, pos[0], err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  int rc = EXIT_OK;
  if (store_instruments(s, bank, NULL, err, sizeof err) != 0) {
    cli_error("%s: %s", pos[0], err);
    rc = EXIT_RUNTIME;
  }
  store_close(s);
  return rc;
}

/* Every item of every instrument in the bank. */
static void put_items(strbuf *b, const instrument_bank *bank) {
  strbuf_puts(b, "instrument,role,area,item_id,text\n");
  for (size_t i = 0; i < bank->n; i++)
    for (size_t j = 0; j < bank->list[i]->nitems; j++) {
      const instrument_item *it = &bank->list[i]->items[j];
      put_row(b, bank->list[i]->key, it->role, it->area, it->id, it->text);
    }
}

static int run(int argc, char **argv) {
  const char *pos[1];
  int npos;
  bool want_scales = false;
  cli_option opts[] = {{"scales", 0, false, NULL, &want_scales}, {NULL, 0, false, NULL, NULL}};
  if (cli_parse(&cmd_instruments, argc, argv, opts, pos, 1, &npos) != 0)
    return EXIT_USAGE;
  instrument_bank *bank;
  int rc = load_bank(npos, pos, &bank);
  if (rc != EXIT_OK)
    return rc;
  strbuf out = STRBUF_INIT;
  if (want_scales)
    put_scales(&out, bank);
  else
    put_items(&out, bank);
  fwrite(out.data, 1, out.len, stdout); /* checked in main */
  strbuf_free(&out);
  instrument_bank_free(bank);
  return EXIT_OK;
}

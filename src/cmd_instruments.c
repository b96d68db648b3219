/* cleval instruments [DB] [--scales]: the item bank, or its scales, as CSV. */
#include <sqlite3.h>
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

static int from_db(const char *path, strbuf *out) {
  char err[1024];
  store *s;
  if (store_open_readonly(&s, path, err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  sqlite3_stmt *st;
  int rc = EXIT_OK;
  if (sqlite3_prepare_v2(store_db(s),
                         "SELECT i.key, it.role, it.area, it.item_key, it.text"
                         " FROM items it JOIN instruments i ON i.id = it.instrument_id"
                         " ORDER BY i.key, it.position",
                         -1, &st, NULL) != SQLITE_OK) {
    cli_error("%s: %s", path, sqlite3_errmsg(store_db(s)));
    store_close(s);
    return EXIT_RUNTIME;
  }
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW)
    put_row(out, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
            (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
            (const char *)sqlite3_column_text(st, 4));
  if (step != SQLITE_DONE) {
    cli_error("%s: %s", path, sqlite3_errmsg(store_db(s)));
    rc = EXIT_RUNTIME;
  }
  sqlite3_finalize(st);
  store_close(s);
  return rc;
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

static int scales(int npos, const char **pos, strbuf *out) {
  char err[1024];
  instrument_bank *bank = NULL;
  int rc = EXIT_OK;
  if (npos == 1) {
    store *s;
    if (store_open_readonly(&s, pos[0], err, sizeof err) != 0) {
      cli_error("%s", err);
      return EXIT_RUNTIME;
    }
    if (store_instruments(s, &bank, NULL, err, sizeof err) != 0) {
      cli_error("%s: %s", pos[0], err);
      rc = EXIT_RUNTIME;
    }
    store_close(s);
  } else if (instrument_bank_builtin(&bank, err, sizeof err) != 0) {
    cli_error("built-in instruments: %s", err);
    rc = EXIT_RUNTIME;
  }
  if (rc == EXIT_OK)
    put_scales(out, bank);
  instrument_bank_free(bank);
  return rc;
}

static int run(int argc, char **argv) {
  const char *pos[1];
  int npos;
  bool want_scales = false;
  cli_option opts[] = {{"scales", 0, false, NULL, &want_scales}, {NULL, 0, false, NULL, NULL}};
  if (cli_parse(&cmd_instruments, argc, argv, opts, pos, 1, &npos) != 0)
    return EXIT_USAGE;
  strbuf out = STRBUF_INIT;
  if (want_scales) {
    int rc = scales(npos, pos, &out);
    if (rc == EXIT_OK)
      fwrite(out.data, 1, out.len, stdout); /* checked in main */
    strbuf_free(&out);
    return rc;
  }
  strbuf_puts(&out, "instrument,role,area,item_id,text\n");
  int rc = EXIT_OK;
  if (npos == 1) {
    rc = from_db(pos[0], &out);
  } else {
    char err[1024];
    instrument_bank *bank;
    if (instrument_bank_builtin(&bank, err, sizeof err) != 0) {
      cli_error("built-in instruments: %s", err);
      rc = EXIT_RUNTIME;
    } else {
      for (size_t i = 0; i < bank->n; i++)
        for (size_t j = 0; j < bank->list[i]->nitems; j++) {
          const instrument_item *it = &bank->list[i]->items[j];
          put_row(&out, bank->list[i]->key, it->role, it->area, it->id, it->text);
        }
      instrument_bank_free(bank);
    }
  }
  if (rc == EXIT_OK)
    fwrite(out.data, 1, out.len, stdout); /* checked in main */
  strbuf_free(&out);
  return rc;
}

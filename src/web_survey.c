/* Survey pages (see web_survey.h). A link's answers live in survey_drafts
 * until submitted; submitting moves them into responses and answers, scores
 * them and uses up the link, all in one transaction. */
#include "web_survey.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "response.h"
#include "score.h"
#include "svg.h"
#include "web_app.h"
#include "web_page.h"
#include "xalloc.h"

#define MAX_SECTIONS 8
#define MAX_ITEMS 64

typedef struct section {
  const char *title;
  const char *intro;
  bool checkboxes; /* binary items shown as one group of checkboxes */
  size_t first, n; /* a run of survey.items */
} section;

typedef struct survey {
  char hash[TOKEN_HASH_HEX];
  sqlite3_int64 leader_id;
  char stage[16];
  char role[32];
  bool used, revoked;
  size_t ndrafts; /* answers saved before */
  const instrument_item *items[MAX_ITEMS];
  const instrument_option *answer[MAX_ITEMS]; /* the saved answers */
  size_t nitems;
  section sec[MAX_SECTIONS];
  size_t nsec;
} survey;

static const char *const area_titles[SCORE_NAREAS] = {"Leadership", "Management", "Coordination",
                                                      "Networking"};

static bool is_followup(const survey *sv) { return strcmp(sv->stage, "followup") == 0; }

static void add_section(survey *sv, const char *title, const char *intro, bool checkboxes,
                        size_t first) {
  if (sv->nitems == first || sv->nsec >= MAX_SECTIONS)
    return;
  sv->sec[sv->nsec++] = (section){title, intro, checkboxes, first, sv->nitems - first};
}

static void add_item(survey *sv, const instrument_item *it) {
  if (sv->nitems < MAX_ITEMS)
    sv->items[sv->nitems++] = it;
}

/* The sections of the survey the link is for, from the instruments. */
static void build(survey *sv, const instrument_bank *bank) {
  if (!is_followup(sv)) {
    const instrument *in = instrument_bank_get(bank, "self-assessment");
    for (int a = 0; in && a < SCORE_NAREAS; a++) {
      size_t first = sv->nitems;
      for (size_t i = 0; i < in->nitems; i++) {
        const instrument_item *it = &in->items[i];
        if (it->role && strcmp(it->role, sv->role) == 0 && it->area &&
            strcmp(it->area, vocab_name(VOCAB_AREA, a)) == 0)
          add_item(sv, it);
      }
      add_section(sv, area_titles[a],
                  "How far do you agree with each statement about what you know how to do?",
                  false, first);
    }
    if (strcmp(sv->stage, "post") == 0) {
      const instrument *rf = instrument_bank_get(bank, "reflective");
      size_t first = sv->nitems;
      for (size_t i = 0; rf && i < rf->nitems; i++)
        add_item(sv, &rf->items[i]);
      add_section(sv, "Your training", "How far do you agree with each statement?", false,
                  first);
    }
    return;
  }
  const instrument *lt = instrument_bank_get(bank, "long-term");
  static const struct {
    const char *scale, *title, *intro;
    bool boxes;
  } parts[] = {
      {"confidence4", "Confidence in your role",
       "How confident are you in each part of your role now?", false},
      {"practice4", "What you have done since the training",
       "For each of these, which is true of you and your establishment?", false},
      {"selected", "Further support", "Which of these would you like further support with?",
       true},
      {"agree5", "Progress towards the Gatsby Benchmarks", "How far do you agree?", false},
  };
  for (size_t p = 0; lt && p < sizeof parts / sizeof parts[0]; p++) {
    size_t first = sv->nitems;
    for (size_t i = 0; i < lt->nitems; i++)
      if (strcmp(lt->items[i].scale->name, parts[p].scale) == 0)
        add_item(sv, &lt->items[i]);
    add_section(sv, parts[p].title, parts[p].intro, parts[p].boxes, first);
  }
}

static int item_index(const survey *sv, const char *id) {
  for (size_t i = 0; i < sv->nitems; i++)
    if (strcmp(sv->items[i]->id, id) == 0)
      return (int)i;
  return -1;
}

static const char *const link_sql =
    "SELECT t.token_hash, coalesce(t.leader_id, 0), t.stage, t.used_at IS NOT NULL,"
    " t.revoked_at IS NOT NULL, coalesce(l.role, '')"
    " FROM survey_tokens t LEFT JOIN leaders l ON l.id = t.leader_id WHERE t.token_hash = ?1";
static const char *const drafts_sql = "SELECT i.item_key, d.code FROM survey_drafts d"
                                      " JOIN items i ON i.id = d.item_id WHERE d.token_hash = ?1";
static const char *const save_draft_sql =
    "INSERT INTO survey_drafts (token_hash, item_id, code)"
    " SELECT ?1, id, ?3 FROM items WHERE item_key = ?2"
    " ON CONFLICT (token_hash, item_id) DO UPDATE SET code = excluded.code";
static const char *const drop_drafts_sql = "DELETE FROM survey_drafts WHERE token_hash = ?1";
static const char *const drop_link_sql = "DELETE FROM survey_tokens WHERE token_hash = ?1";
static const char *const use_link_sql =
    "UPDATE survey_tokens SET used_at = ?2 WHERE token_hash = ?1";

/* Finds the link; 1 found, 0 not, -1 database failure. */
static int load(web_request *req, survey *sv, char *err, size_t errlen) {
  memset(sv, 0, sizeof *sv);
  const char *tok = req->params[0];
  if (!token_well_formed(tok, 16))
    return 0;
  char hash[TOKEN_HASH_HEX];
  token_hash(tok, hash);
  sqlite3 *db = store_db(req->db);
  sqlite3_stmt *st;
  if (!(st = web_app_stmt(req, link_sql, err, errlen)))
    return -1;
  sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  int found = 0;
  /* The row was found by its hash; the hash is compared again in constant
   * time so that nothing about how alike two hashes are shows in timing. */
  if (rc == SQLITE_ROW && token_equal((const char *)sqlite3_column_text(st, 0), hash)) {
    found = 1;
    memcpy(sv->hash, hash, sizeof hash);
    sv->leader_id = sqlite3_column_int64(st, 1);
    snprintf(sv->stage, sizeof sv->stage, "%s", (const char *)sqlite3_column_text(st, 2));
    sv->used = sqlite3_column_int(st, 3);
    sv->revoked = sqlite3_column_int(st, 4);
    snprintf(sv->role, sizeof sv->role, "%s", (const char *)sqlite3_column_text(st, 5));
  }
  sqlite3_reset(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return store_fail(db, "reading a survey link", err, errlen);
  if (!found)
    return 0;
  build(sv, web_app_bank(req->app));
  if (sv->used || sv->revoked)
    return 1;
  if (!(st = web_app_stmt(req, drafts_sql, err, errlen)))
    return -1;
  sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int k = item_index(sv, (const char *)sqlite3_column_text(st, 0));
    if (k >= 0)
      sv->answer[k] =
          instrument_scale_option(sv->items[k]->scale, (const char *)sqlite3_column_text(st, 1));
    sv->ndrafts++;
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return store_fail(db, "reading saved answers", err, errlen);
  return 1;
}

static const char *survey_title(const survey *sv) {
  if (is_followup(sv))
    return "Careers Leader training: a year on";
  return strcmp(sv->stage, "pre") == 0 ? "Before your training: self-assessment"
                                       : "After your training: self-assessment";
}

static void page_gone(web_request *req, web_response *res, const survey *sv) {
  if (sv->revoked)
    web_page_simple(res, req, 410, "This link has been replaced",
                    "A newer link to this survey was sent to you; please use that one.");
  else
    web_page_simple(res, req, 410, "Already submitted",
                    "Thank you: your answers to this survey have already been received, so there "
                    "is nothing more to do. Each link can be used once.");
}

static void page_unknown(web_request *req, web_response *res) {
  web_page_simple(res, req, 404, "Survey link not found",
                  "This survey link is not valid, or it has already been used. Check that the "
                  "whole link from your email was copied.");
}

/* Rate limits guessing: 429 when this address has had too many unknown
 * links lately. Returns whether the request may go on. */
static bool guard(web_request *req, web_response *res) {
  char key[96];
  snprintf(key, sizeof key, "t:%s", req->client ? req->client : "?");
  if (web_ratelimit_blocked(web_app_token_addr_limit(req->app), key, web_app_now(req->app))) {
    web_page_simple(res, req, 429, "Too many attempts",
                    "Too many survey links that do not exist were tried from your address. Wait "
                    "a few minutes, then open the link from your email again.");
    return false;
  }
  return true;
}

static void unknown_link(web_request *req, web_response *res) {
  char key[96];
  snprintf(key, sizeof key, "t:%s", req->client ? req->client : "?");
  web_ratelimit_fail(web_app_token_addr_limit(req->app), key, web_app_now(req->app));
  page_unknown(req, res);
}

static void action_url(const web_request *req, char *out, size_t len) {
  snprintf(out, len, "/s/%s", req->params[0]);
}

static void progress(strbuf *b, size_t step, size_t steps, const char *what) {
  web_page_markup(b, "<div class=\"progress\"><p id=\"progress-label\">");
  web_page_textf(b, "Step %zu of %zu: %s", step, steps, what);
  web_page_markup(b, "</p>");
  strbuf_printf(b,
                "<progress aria-labelledby=\"progress-label\" max=\"%zu\" value=\"%zu\">%zu of "
                "%zu</progress></div>\n",
                steps, step, step, steps);
}

static void render_section(web_request *req, web_response *res, const survey *sv, size_t s) {
  const section *sec = &sv->sec[s];
  web_page_begin(res, req, survey_title(sv));
  strbuf *b = &res->body;
  progress(b, s + 1, sv->nsec + 1, sec->title);
  char action[96];
  action_url(req, action, sizeof action);
  web_page_form_begin(b, req, action);
  char sn[24];
  snprintf(sn, sizeof sn, "%zu", s + 1);
  web_page_hidden(b, "section", sn);
  web_page_markup(b, "<fieldset class=\"area\">\n");
  web_page_legend(b, "area", sec->title);
  web_page_para(b, NULL, sec->intro);
  if (sec->checkboxes) {
    web_page_markup(b, "<fieldset>\n");
    web_page_legend(b, NULL, "Select all that apply.");
    for (size_t i = sec->first; i < sec->first + sec->n; i++) {
      const instrument_item *it = sv->items[i];
      bool on = sv->answer[i] && strcmp(sv->answer[i]->code, "1") == 0;
      web_page_checkbox(b, it->id, it->id, it->text, on);
    }
    web_page_markup(b, "</fieldset>\n");
  } else {
    const instrument *sa = instrument_bank_get(web_app_bank(req->app), "self-assessment");
    for (size_t i = sec->first; i < sec->first + sec->n; i++) {
      const instrument_item *it = sv->items[i];
      web_page_markup(b, "<fieldset>\n");
      bool stem = sa && sa->stem && it->area && !is_followup(sv);
      strbuf legend = STRBUF_INIT;
      if (stem)
        strbuf_printf(&legend, "%s: %s", sa->stem, it->text);
      else
        strbuf_puts(&legend, it->text);
      web_page_legend(b, NULL, strbuf_str(&legend));
      strbuf_free(&legend);
      for (size_t o = 0; o < it->scale->noptions; o++) {
        const instrument_option *op = &it->scale->options[o];
        char id[160];
        snprintf(id, sizeof id, "%s-%s", it->id, op->code);
        web_page_radio(b, id, it->id, op->code, op->label, sv->answer[i] == op);
      }
      web_page_markup(b, "</fieldset>\n");
    }
  }
  web_page_markup(b, "</fieldset>\n");
  web_page_button(b, "go", "next", s + 1 < sv->nsec ? "Save and continue" : "Save and review",
                  NULL);
  if (s > 0)
    web_page_button(b, "go", "back", "Save and go back", "secondary");
  web_page_form_end(b);
  web_page_para(b, NULL,
                "Your answers are saved each time you continue: you can close this page and come "
                "back to the link later.");
  web_page_end(res);
}

static void render_review(web_request *req, web_response *res, const survey *sv) {
  web_page_begin(res, req, survey_title(sv));
  strbuf *b = &res->body;
  progress(b, sv->nsec + 1, sv->nsec + 1, "Check your answers");
  size_t missing = 0;
  for (size_t i = 0; i < sv->nitems; i++)
    missing += !sv->answer[i];
  web_page_heading(b, 2, NULL, "Check your answers");
  if (missing)
    web_page_para(b, "notice",
                  missing == 1 ? "One question has no answer. You can still submit, or go back "
                                 "to answer it."
                               : "Some questions have no answer. You can still submit, or go "
                                 "back to answer them.");
  for (size_t s = 0; s < sv->nsec; s++) {
    const section *sec = &sv->sec[s];
    web_page_heading(b, 3, NULL, sec->title);
    web_page_markup(b, "<dl class=\"review\">\n");
    for (size_t i = sec->first; i < sec->first + sec->n; i++) {
      web_page_markup(b, "<dt>");
      web_page_text(b, sv->items[i]->text);
      web_page_markup(b, "</dt><dd>");
      if (sec->checkboxes)
        web_page_text(b, sv->answer[i] && strcmp(sv->answer[i]->code, "1") == 0 ? "Selected"
                                                                                 : "Not selected");
      else
        web_page_text(b, sv->answer[i] ? sv->answer[i]->label : "Not answered");
      web_page_markup(b, "</dd>\n");
    }
    web_page_markup(b, "</dl>\n<p>");
    char href[128], label[96];
    snprintf(href, sizeof href, "/s/%s?section=%zu", req->params[0], s + 1);
    snprintf(label, sizeof label, "Change your answers: %s", sec->title);
    web_page_link(b, href, label);
    web_page_markup(b, "</p>\n");
  }
  char action[96];
  action_url(req, action, sizeof action);
  web_page_form_begin(b, req, action);
  web_page_para(b, NULL,
                is_followup(sv) ? "Once submitted, your answers cannot be changed. They are kept "
                                  "without your name or any way to tell they are yours."
                                : "Once submitted, your answers cannot be changed.");
  web_page_button(b, "go", "submit", "Submit my answers", NULL);
  web_page_form_end(b);
  web_page_end(res);
}

/* The section to show: ?section=N, or the first with an unanswered
 * question, or (all answered, or ?review) the review. */
static size_t pick_section(const web_request *req, const survey *sv) {
  const char *s = web_form_get(&req->query, "section");
  if (s) {
    char *end;
    long v = strtol(s, &end, 10);
    if (end != s && !*end && v >= 1 && (size_t)v <= sv->nsec)
      return (size_t)v - 1;
  }
  if (web_form_get(&req->query, "review"))
    return sv->nsec;
  for (size_t k = 0; k < sv->nsec; k++) {
    const section *sec = &sv->sec[k];
    if (sec->checkboxes)
      continue;
    for (size_t i = sec->first; i < sec->first + sec->n; i++)
      if (!sv->answer[i])
        return k;
  }
  return sv->nsec;
}

void web_survey_get(web_request *req, web_response *res) {
  if (!guard(req, res))
    return;
  survey sv;
  char err[512];
  int found = load(req, &sv, err, sizeof err);
  if (found < 0) {
    web_app_fail(req, res, err);
    return;
  }
  if (!found) {
    unknown_link(req, res);
    return;
  }
  if (sv.used || sv.revoked) {
    page_gone(req, res, &sv);
    return;
  }
  size_t s = pick_section(req, &sv);
  if (s >= sv.nsec)
    render_review(req, res, &sv);
  else
    render_section(req, res, &sv, s);
}

/* Reads the posted answers into sv->answer (checkboxes of the posted
 * section absent = not selected). 0, or -1 with a message for a field
 * that is not one of this survey's or a value not one of its options. */
static int read_answers(const web_request *req, survey *sv, long section_no, bool *changed,
                        char *msg, size_t msglen) {
  for (size_t f = 0; f < req->form.n; f++) {
    const web_field *fl = &req->form.fields[f];
    if (strcmp(fl->name, "csrf") == 0 || strcmp(fl->name, "section") == 0 ||
        strcmp(fl->name, "go") == 0)
      continue;
    int k = item_index(sv, fl->name);
    if (k < 0) {
      snprintf(msg, msglen, "The form held a field this survey does not have.");
      return -1;
    }
    const instrument_option *op = instrument_scale_option(sv->items[k]->scale, fl->value);
    if (!op) {
      snprintf(msg, msglen, "An answer was not one of the options offered.");
      return -1;
    }
    sv->answer[k] = op;
    changed[k] = true;
  }
  if (section_no >= 1 && (size_t)section_no <= sv->nsec && sv->sec[section_no - 1].checkboxes) {
    const section *sec = &sv->sec[section_no - 1];
    for (size_t i = sec->first; i < sec->first + sec->n; i++)
      if (!changed[i]) {
        sv->answer[i] = instrument_scale_option(sv->items[i]->scale, "0");
        changed[i] = sv->answer[i] != NULL;
      }
  }
  return 0;
}

/* Saves changed answers as drafts (inside the caller's transaction). */
static int save_drafts(web_request *req, const survey *sv, const bool *changed, char *err,
                       size_t errlen) {
  sqlite3 *db = store_db(req->db);
  sqlite3_stmt *st = web_app_stmt(req, save_draft_sql, err, errlen);
  if (!st)
    return -1;
  for (size_t i = 0; i < sv->nitems; i++) {
    if (!changed[i])
      continue;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, sv->hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sv->items[i]->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, sv->answer[i]->code, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
      sqlite3_reset(st);
      return store_fail(db, "saving answers", err, errlen);
    }
  }
  sqlite3_reset(st);
  return 0;
}

/* Uses up the link: pre and post links are marked used; a follow-up link's
 * row (its hash) is deleted, with its drafts. */
static int use_link(web_request *req, const survey *sv, const char *now, char *err,
                    size_t errlen) {
  sqlite3 *db = store_db(req->db);
  sqlite3_stmt *st;
  if (sv->ndrafts && !is_followup(sv)) {
    if (!(st = web_app_stmt(req, drop_drafts_sql, err, errlen)))
      return -1;
    sqlite3_bind_text(st, 1, sv->hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
      return store_fail(db, "using up a link", err, errlen);
  }
  /* A follow-up link's drafts go with it (ON DELETE CASCADE). */
  if (!(st = web_app_stmt(req, is_followup(sv) ? drop_link_sql : use_link_sql, err, errlen)))
    return -1;
  sqlite3_bind_text(st, 1, sv->hash, -1, SQLITE_STATIC);
  if (!is_followup(sv))
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  int changes = sqlite3_changes(db);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return store_fail(db, "using up a link", err, errlen);
  if (changes != 1) {
    snprintf(err, errlen, "the link was used up meanwhile");
    return -1;
  }
  return 0;
}

/* The thank-you page after the post survey: pre against post per area, and
 * the three items of each area rated lowest. */
static void render_profile(web_request *req, web_response *res, const survey *sv,
                           sqlite3_int64 post_id) {
  double pre[SCORE_NAREAS], post[SCORE_NAREAS];
  for (int a = 0; a < SCORE_NAREAS; a++)
    pre[a] = post[a] = NAN;
  sqlite3 *db = store_db(req->db);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db,
                         "SELECT r.stage, s.area, s.score FROM area_scores s"
                         " JOIN responses r ON r.id = s.response_id"
                         " WHERE (r.leader_id = ?1 AND r.stage = 'pre') OR r.id = ?2",
                         -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, sv->leader_id);
    sqlite3_bind_int64(st, 2, post_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
      int a = vocab_index(VOCAB_AREA, (const char *)sqlite3_column_text(st, 1));
      if (a < 0 || sqlite3_column_type(st, 2) == SQLITE_NULL)
        continue;
      bool is_pre = strcmp((const char *)sqlite3_column_text(st, 0), "pre") == 0;
      (is_pre ? pre : post)[a] = sqlite3_column_double(st, 2);
    }
  }
  sqlite3_finalize(st);
  web_page_begin(res, req, "Thank you: your profile");
  strbuf *b = &res->body;
  web_page_para(b, NULL,
                "Your answers have been received. Here is how your own ratings of what you know "
                "how to do changed between the survey before your training and this one.");
  web_page_heading(b, 2, "profile", "Before and after, by area");
  double values[SCORE_NAREAS * 2];
  for (int a = 0; a < SCORE_NAREAS; a++) {
    values[a * 2] = pre[a];
    values[a * 2 + 1] = post[a];
  }
  const char *series[] = {"Before training", "After training"};
  svg_chart c = {.kind = SVG_GROUPED,
                 .title = "Your self-assessment score per area, before and after training",
                 .x_label = "Area",
                 .y_label = "Score (%)",
                 .ncats = SCORE_NAREAS,
                 .nseries = 2,
                 .categories = area_titles,
                 .series = series,
                 .values = values,
                 .y_max = 100,
                 .digits = 0,
                 .unit = "%"};
  web_page_markup(b, "<figure>\n");
  svg_render(&c, b);
  web_page_markup(b, "</figure>\n<div class=\"table-wrap\"><table>\n<caption>");
  web_page_text(b, "Your scores (percent of the highest possible rating)");
  web_page_markup(b, "</caption>\n<thead><tr>");
  web_page_cell(b, "th", "col", "Area");
  web_page_cell(b, "th", "col", "Before training");
  web_page_cell(b, "th", "col", "After training");
  web_page_markup(b, "</tr></thead>\n<tbody>\n");
  for (int a = 0; a < SCORE_NAREAS; a++) {
    char p1[32], p2[32];
    snprintf(p1, sizeof p1, isnan(pre[a]) ? "not available" : "%.0f%%", pre[a]);
    snprintf(p2, sizeof p2, isnan(post[a]) ? "not available" : "%.0f%%", post[a]);
    web_page_markup(b, "<tr>");
    web_page_cell(b, "th", "row", area_titles[a]);
    web_page_cell(b, "td", NULL, p1);
    web_page_cell(b, "td", NULL, p2);
    web_page_markup(b, "</tr>\n");
  }
  web_page_markup(b, "</tbody></table></div>\n");
  web_page_heading(b, 2, "next", "To work on next");
  web_page_para(b, NULL, "In each area, the three statements you rated lowest today.");
  for (size_t s = 0; s < sv->nsec; s++) {
    const section *sec = &sv->sec[s];
    if (!sec->n || !sv->items[sec->first]->area)
      continue;
    size_t order[MAX_ITEMS], n = 0;
    for (size_t i = sec->first; i < sec->first + sec->n; i++)
      if (sv->answer[i])
        order[n++] = i;
    /* Lowest rating first; ties keep the instrument's order. */
    for (size_t i = 1; i < n; i++)
      for (size_t j = i; j > 0 && sv->answer[order[j]]->value < sv->answer[order[j - 1]]->value;
           j--) {
        size_t t = order[j];
        order[j] = order[j - 1];
        order[j - 1] = t;
      }
    web_page_heading(b, 3, NULL, sec->title);
    if (!n) {
      web_page_para(b, NULL, "No statement in this area was answered.");
      continue;
    }
    web_page_markup(b, "<ol>\n");
    for (size_t k = 0; k < n && k < 3; k++) {
      web_page_markup(b, "<li>");
      web_page_textf(b, "%s (you answered: %s)", sv->items[order[k]]->text,
                     sv->answer[order[k]]->label);
      web_page_markup(b, "</li>\n");
    }
    web_page_markup(b, "</ol>\n");
  }
  web_page_end(res);
}

static void submit(web_request *req, web_response *res, survey *sv) {
  char err[512];
  time_t now = web_app_now(req->app);
  struct tm tm;
  gmtime_r(&now, &tm);
  char stamp[32];
  /* The follow-up keeps only the day it was answered. */
  strftime(stamp, sizeof stamp, is_followup(sv) ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ", &tm);
  response_answer ans[MAX_ITEMS];
  size_t n = 0;
  for (size_t i = 0; i < sv->nitems; i++)
    if (sv->answer[i])
      ans[n++] = (response_answer){sv->items[i], sv->answer[i]};
  response_new r = {is_followup(sv) ? "long-term" : "self-assessment", sv->leader_id, sv->stage,
                    is_followup(sv) ? NULL : sv->role, stamp, is_followup(sv)};
  sqlite3_int64 id = 0;
  int duplicate = 0;
  if (response_store(req->db, &r, ans, n, web_app_bank(req->app), web_app_score(req->app), &id,
                     &duplicate, err, sizeof err) != 0 ||
      use_link(req, sv, stamp, err, sizeof err) != 0) {
    web_app_rollback(req);
    if (duplicate) {
      sv->used = true;
      page_gone(req, res, sv);
      return;
    }
    web_app_fail_unsaved(req, res, err);
    return;
  }
  if (web_app_commit(req, err, sizeof err) != 0) {
    web_app_fail_unsaved(req, res, err);
    return;
  }
  if (strcmp(sv->stage, "post") == 0) {
    render_profile(req, res, sv, id);
    return;
  }
  web_page_simple(res, req, 200, "Thank you",
                  is_followup(sv)
                      ? "Your answers have been received. They are kept without your name, and "
                        "nothing links them to you or to the link you used."
                      : "Your answers have been received. Thank you for taking part.");
}

void web_survey_post(web_request *req, web_response *res) {
  if (!guard(req, res))
    return;
  char err[512];
  if (web_app_begin(req, err, sizeof err) != 0) {
    web_app_fail_unsaved(req, res, err);
    return;
  }
  /* Read inside the write transaction: a double click's second request
   * sees the first one's outcome. */
  survey sv;
  int found = load(req, &sv, err, sizeof err);
  if (found <= 0) {
    web_app_rollback(req);
    if (found < 0)
      web_app_fail_unsaved(req, res, err);
    else
      unknown_link(req, res);
    return;
  }
  if (sv.used || sv.revoked) {
    web_app_rollback(req);
    page_gone(req, res, &sv);
    return;
  }
  const char *sec_s = web_form_get(&req->form, "section");
  long section_no = sec_s ? strtol(sec_s, NULL, 10) : 0;
  bool changed[MAX_ITEMS] = {false};
  char msg[160];
  if (read_answers(req, &sv, section_no, changed, msg, sizeof msg) != 0) {
    web_app_rollback(req);
    web_page_simple(res, req, 400, "The answers could not be read", msg);
    return;
  }
  const char *go = web_form_get(&req->form, "go");
  if (go && strcmp(go, "submit") == 0) {
    /* The answers posted with the submission go straight into the
     * response, with those saved before. */
    submit(req, res, &sv);
    return;
  }
  if (save_drafts(req, &sv, changed, err, sizeof err) != 0) {
    web_app_rollback(req);
    web_app_fail_unsaved(req, res, err);
    return;
  }
  if (web_app_commit(req, err, sizeof err) != 0) {
    web_app_fail_unsaved(req, res, err);
    return;
  }
  char loc[128];
  long next = section_no + (go && strcmp(go, "back") == 0 ? -1 : 1);
  if (go && strcmp(go, "review") == 0)
    next = (long)sv.nsec + 1;
  if (next < 1)
    next = 1;
  if ((size_t)next > sv.nsec)
    snprintf(loc, sizeof loc, "/s/%s?review=1", req->params[0]);
  else
    snprintf(loc, sizeof loc, "/s/%s?section=%ld", req->params[0], next);
  web_response_redirect(res, loc);
}

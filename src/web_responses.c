/* Response counts and outstanding lists (see web_responses.h). */
#include "web_responses.h"

#include <stdio.h>
#include <string.h>

#include "web_app.h"
#include "strbuf.h"
#include "web_page.h"

static bool is_staff(const web_request *req) {
  return strcmp(req->user.role, "admin") == 0 || strcmp(req->user.role, "analyst") == 0;
}

static void num_cell(strbuf *b, long long v) {
  char s[32];
  snprintf(s, sizeof s, "%lld", v);
  web_page_markup(b, "<td class=\"num\">");
  web_page_text(b, s);
  web_page_markup(b, "</td>");
}

void web_responses_summary(web_request *req, web_response *res) {
  sqlite3 *db = store_db(req->db);
  const char *only = is_staff(req) ? NULL : req->user.provider_key;
  if (!is_staff(req) && !only) {
    web_page_simple(res, req, 403, "Not allowed", "Your account may not see this page.");
    return;
  }
  sqlite3_stmt *st = NULL;
  static const char *const sql =
      "SELECT p.provider_key, p.name, t.stage, count(DISTINCT t.leader_id),"
      " count(DISTINCT CASE WHEN r.id IS NOT NULL THEN t.leader_id END),"
      " CASE t.stage WHEN 'pre' THEN 1 ELSE 2 END"
      " FROM survey_tokens t JOIN enrolments e ON e.leader_id = t.leader_id"
      " JOIN providers p ON p.id = e.provider_id"
      " LEFT JOIN responses r ON r.leader_id = t.leader_id AND r.stage = t.stage"
      " WHERE t.leader_id IS NOT NULL AND (?1 IS NULL OR p.provider_key = ?1)"
      " GROUP BY p.id, t.stage"
      " UNION ALL"
      " SELECT p.provider_key, p.name, 'followup', count(DISTINCT f.leader_id), -1, 3"
      " FROM followup_invitations f JOIN enrolments e ON e.leader_id = f.leader_id"
      " JOIN providers p ON p.id = e.provider_id"
      " WHERE e.status = 'completed' AND (?1 IS NULL OR p.provider_key = ?1)"
      " GROUP BY p.id"
      " ORDER BY 1, 6";
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    char err[512];
    store_fail(db, "counting responses", err, sizeof err);
    web_app_fail(req, res, err);
    return;
  }
  if (only)
    sqlite3_bind_text(st, 1, only, -1, SQLITE_STATIC);
  web_page_begin(res, req, "Responses");
  strbuf *b = &res->body;
  web_page_para(b, NULL,
                only ? "Survey invitations to your own Careers Leaders, and how many have answered."
                     : "Survey invitations by provider and stage, and how many have answered.");
  web_page_markup(b, "<div class=\"table-wrap\"><table>\n<caption>");
  web_page_text(b, "Invited, answered and outstanding, by provider and stage");
  web_page_markup(b, "</caption>\n<thead><tr>");
  const char *cols[] = {"Provider", "Stage", "Invited", "Answered", "Outstanding"};
  for (size_t i = 0; i < 5; i++)
    web_page_cell(b, "th", "col", cols[i]);
  web_page_markup(b, "</tr></thead>\n<tbody>\n");
  int rc, rows = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    rows++;
    const char *key = (const char *)sqlite3_column_text(st, 0);
    const char *stage = (const char *)sqlite3_column_text(st, 2);
    long long invited = sqlite3_column_int64(st, 3), answered = sqlite3_column_int64(st, 4);
    web_page_markup(b, "<tr><th scope=\"row\">");
    char label[256];
    strbuf href = STRBUF_INIT;
    strbuf_puts(&href, "/responses/");
    web_page_put_segment(&href, key);
    snprintf(label, sizeof label, "%s (%s)", (const char *)sqlite3_column_text(st, 1), key);
    strbuf_trim_partial_utf8(label);
    web_page_link(b, strbuf_str(&href), label);
    strbuf_free(&href);
    web_page_markup(b, "</th>");
    web_page_cell(b, "td", NULL, stage);
    num_cell(b, invited);
    if (answered < 0) {
      web_page_cell(b, "td", NULL, "not recorded (anonymous)");
      web_page_cell(b, "td", NULL, "not recorded (anonymous)");
    } else {
      num_cell(b, answered);
      num_cell(b, invited - answered);
    }
    web_page_markup(b, "</tr>\n");
  }
  sqlite3_finalize(st);
  web_page_markup(b, "</tbody></table></div>\n");
  if (rc != SQLITE_DONE) {
    char err[512];
    store_fail(db, "counting responses", err, sizeof err);
    web_app_fail(req, res, err);
    return;
  }
  if (!rows)
    web_page_para(b, NULL, "No invitations have been made yet (cleval invite).");
  if (!only && sqlite3_prepare_v2(db,
                                  "SELECT count(*) FROM responses WHERE stage = 'followup'", -1,
                                  &st, NULL) == SQLITE_OK) {
    long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    char line[160];
    snprintf(line, sizeof line,
             "Follow-up answers received in all: %lld. The follow-up is anonymous, so they "
             "cannot be counted by provider.",
             n);
    web_page_para(b, NULL, line);
  }
  web_page_end(res);
}

void web_responses_outstanding(web_request *req, web_response *res) {
  sqlite3 *db = store_db(req->db);
  const char *key = req->params[0];
  bool names = strcmp(req->user.role, "admin") == 0 || strcmp(req->user.role, "provider") == 0;
  sqlite3_stmt *st = NULL;
  char err[512];
  if (sqlite3_prepare_v2(db, "SELECT name FROM providers WHERE provider_key = ?1", -1, &st,
                         NULL) != SQLITE_OK) {
    store_fail(db, "reading a provider", err, sizeof err);
    web_app_fail(req, res, err);
    return;
  }
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    web_page_simple(res, req, 404, "No such provider", "There is no provider with this key.");
    return;
  }
  char title[256];
  snprintf(title, sizeof title, "Not yet answered: %s", (const char *)sqlite3_column_text(st, 0));
  strbuf_trim_partial_utf8(title);
  sqlite3_finalize(st);
  if (sqlite3_prepare_v2(
          db,
          "SELECT l.leader_key, t.stage, substr(min(t.created_at), 1, 10),"
          " coalesce(lp.name, ''), coalesce(lp.email, '')"
          " FROM survey_tokens t JOIN leaders l ON l.id = t.leader_id"
          " LEFT JOIN leader_personal lp ON lp.leader_id = l.id"
          " WHERE t.used_at IS NULL AND t.revoked_at IS NULL"
          " AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.leader_id = l.id"
          "   AND r.stage = t.stage)"
          " AND EXISTS (SELECT 1 FROM enrolments e JOIN providers p ON p.id = e.provider_id"
          "   WHERE e.leader_id = l.id AND p.provider_key = ?1)"
          " GROUP BY l.id, t.stage ORDER BY t.stage DESC, l.leader_key",
          -1, &st, NULL) != SQLITE_OK) {
    store_fail(db, "listing outstanding leaders", err, sizeof err);
    web_app_fail(req, res, err);
    return;
  }
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  web_page_begin(res, req, title);
  strbuf *b = &res->body;
  web_page_para(b, NULL,
                "Careers Leaders who were sent a link to the pre or post survey and have not "
                "answered it. Send reminders with 'cleval invite --remind'.");
  web_page_markup(b, "<div class=\"table-wrap\"><table>\n<caption>");
  web_page_text(b, "Outstanding surveys");
  web_page_markup(b, "</caption>\n<thead><tr>");
  web_page_cell(b, "th", "col", "Leader");
  web_page_cell(b, "th", "col", "Stage");
  web_page_cell(b, "th", "col", "Invited on");
  if (names) {
    web_page_cell(b, "th", "col", "Name");
    web_page_cell(b, "th", "col", "Email");
  }
  web_page_markup(b, "</tr></thead>\n<tbody>\n");
  int rc, rows = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    rows++;
    web_page_markup(b, "<tr>");
    web_page_cell(b, "th", "row", (const char *)sqlite3_column_text(st, 0));
    web_page_cell(b, "td", NULL, (const char *)sqlite3_column_text(st, 1));
    web_page_cell(b, "td", NULL, (const char *)sqlite3_column_text(st, 2));
    if (names) {
      web_page_cell(b, "td", NULL, (const char *)sqlite3_column_text(st, 3));
      web_page_cell(b, "td", NULL, (const char *)sqlite3_column_text(st, 4));
    }
    web_page_markup(b, "</tr>\n");
  }
  sqlite3_finalize(st);
  web_page_markup(b, "</tbody></table></div>\n");
  if (rc != SQLITE_DONE) {
    store_fail(db, "listing outstanding leaders", err, sizeof err);
    web_app_fail(req, res, err);
    return;
  }
  if (!rows)
    web_page_para(b, NULL, "Everyone invited has answered.");
  web_page_markup(b, "<p>");
  web_page_link(b, "/responses", "Back to the counts");
  web_page_markup(b, "</p>\n");
  web_page_end(res);
}

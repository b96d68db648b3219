/* The route table and its matching and access rules (see web_routes.h).
 * Every page of the server is a row of web_routes[]. */
#include "web_routes.h"

#include <ctype.h>
#include <string.h>

#include "web_app.h"
#include "web_compass.h"
#include "web_dashboard.h"
#include "web_page.h"
#include "web_responses.h"
#include "web_session.h"
#include "web_survey.h"

static void healthz(web_request *req, web_response *res) {
  sqlite3_stmt *st;
  int ok = sqlite3_prepare_v2(store_db(req->db), "SELECT 1", -1, &st, NULL) == SQLITE_OK &&
           sqlite3_step(st) == SQLITE_ROW;
  if (ok || st)
    sqlite3_finalize(st);
  res->content_type = "text/plain; charset=utf-8";
  res->status = ok ? 200 : 503;
  strbuf_puts(&res->body, ok ? "ok\n" : "database unavailable\n");
}

static void style(web_request *req, web_response *res) {
  (void)req;
  res->content_type = "text/css; charset=utf-8";
  strbuf_puts(&res->body, web_page_css);
}

/* Browsers ask for an icon; there is none (and an empty answer keeps
 * their consoles free of 404s). */
static void favicon(web_request *req, web_response *res) {
  (void)req;
  res->status = 204;
  res->content_type = "image/x-icon";
}

static void home(web_request *req, web_response *res) {
  if (req->signed_in) {
    web_response_redirect(res, "/responses");
    return;
  }
  web_page_begin(res, req, "Careers Leader training evaluation");
  strbuf *b = &res->body;
  web_page_para(b, NULL,
                "If you are a Careers Leader answering a survey, open the link you were sent by "
                "email: it takes you straight to your survey, and no account is needed.");
  web_page_markup(b, "<p>");
  web_page_text(b, "Providers, analysts and administrators: ");
  web_page_link(b, "/login", "sign in");
  web_page_text(b, ".");
  web_page_markup(b, "</p>\n");
  web_page_end(res);
}

const web_route web_routes[] = {
    {"GET", "/healthz", WEB_ANYONE, healthz},
    {"GET", "/style.css", WEB_ANYONE, style},
    {"GET", "/favicon.ico", WEB_ANYONE, favicon},
    {"GET", "/", WEB_ANYONE, home},
    {"GET", "/login", WEB_ANYONE, web_session_login_page},
    {"POST", "/login", WEB_ANYONE, web_session_login},
    {"POST", "/logout", WEB_ANYONE, web_session_logout},
    {"GET", "/s/*", WEB_ANYONE, web_survey_get},
    {"POST", "/s/*", WEB_ANYONE, web_survey_post},
    {"GET", "/responses", WEB_SIGNED_IN, web_responses_summary},
    {"GET", "/responses/*", WEB_OWN_PROVIDER, web_responses_outstanding},
    {"GET", "/compass/*", WEB_ANYONE, web_compass_page},
    {"GET", "/compass/*/new", WEB_ANYONE, web_compass_form},
    {"POST", "/compass/*/new", WEB_ANYONE, web_compass_submit},
    {"GET", "/establishments/*", WEB_PROVIDER_SEES, web_compass_establishment},
    {"GET", "/dashboard", WEB_SIGNED_IN, web_dashboard_page},
    {"GET", "/providers/*", WEB_OWN_PROVIDER, web_dashboard_provider},
    {"GET", "/downloads", WEB_STAFF, web_dashboard_downloads},
    {"GET", "/downloads/report.html", WEB_STAFF, web_dashboard_report_html},
    {"GET", "/downloads/report.json", WEB_STAFF, web_dashboard_report_json},
    {"GET", "/downloads/tables/*", WEB_STAFF, web_dashboard_table_csv},
    {"GET", "/downloads/export/*/*", WEB_STAFF, web_dashboard_export},
};
const size_t web_nroutes = sizeof web_routes / sizeof web_routes[0];

/* The byte of the escape "%XX" at s, or -1 when s holds none (a '%' not
 * followed by two hex digits) or it is NUL. */
static int escaped_byte(const char *s) {
  static const char hex[] = "0123456789abcdef";
  const char *hi, *lo;
  if (s[0] != '%' || !s[1] || !s[2] || !(hi = strchr(hex, tolower((unsigned char)s[1]))) ||
      !(lo = strchr(hex, tolower((unsigned char)s[2]))))
    return -1;
  int b = (int)((hi - hex) * 16 + (lo - hex));
  return b ? b : -1;
}

/* Matches pattern against path; the '*' segments are copied into buf and
 * pointed at from req->params. An encoded path is split at its '/' first
 * and each part decoded after, so that "%2F" inside an id stays in its
 * segment. */
static bool match(const char *pattern, const char *path, bool encoded, web_request *req, char *buf,
                  size_t bufsize) {
  size_t used = 0;
  size_t np = 0;
  const char *p = pattern, *s = path;
  while (*p && *s) {
    if (*p == '*') {
      const char *end = strchr(s, '/');
      size_t len = end ? (size_t)(end - s) : strlen(s);
      if (len == 0 || np >= WEB_MAX_PARAMS || used + len + 1 > bufsize)
        return false;
      char *out = buf + used;
      size_t k = 0;
      for (size_t i = 0; i < len; i++) {
        int b = (unsigned char)s[i];
        if (encoded && b == '%') {
          if ((b = escaped_byte(s + i)) < 0)
            return false;
          i += 2;
        }
        out[k++] = (char)b;
      }
      out[k] = '\0';
      if (req)
        req->params[np] = out;
      np++;
      used += k + 1;
      s += len;
      p++;
      continue;
    }
    int c = (unsigned char)*s;
    size_t step = 1;
    if (encoded && c == '%') { /* a letter sent escaped; never a separator */
      if ((c = escaped_byte(s)) < 0 || c == '/')
        return false;
      step = 3;
    }
    if (*p != c)
      return false;
    p++;
    s += step;
  }
  if (*p || *s)
    return false;
  if (req)
    req->nparams = np;
  return true;
}

const web_route *web_routes_match(const char *method, const char *path, bool encoded,
                                  web_request *req, char *buf, size_t bufsize, bool *path_known) {
  *path_known = false;
  for (size_t i = 0; i < web_nroutes; i++) {
    if (!match(web_routes[i].pattern, path, encoded, NULL, buf, bufsize))
      continue;
    *path_known = true;
    if (strcmp(web_routes[i].method, method) == 0) {
      match(web_routes[i].pattern, path, encoded, req, buf, bufsize);
      return &web_routes[i];
    }
  }
  return NULL;
}

bool web_routes_allowed(const web_route *route, const web_request *req) {
  if (route->access == WEB_ANYONE)
    return true;
  if (!req->signed_in || !req->user.role)
    return false;
  const char *role = req->user.role;
  bool staff = strcmp(role, "admin") == 0 || strcmp(role, "analyst") == 0;
  switch (route->access) {
  case WEB_SIGNED_IN: return true;
  case WEB_STAFF: return staff;
  case WEB_ADMIN: return strcmp(role, "admin") == 0;
  case WEB_OWN_PROVIDER:
    if (staff)
      return true;
    return strcmp(role, "provider") == 0 && req->user.provider_key && req->nparams >= 1 &&
           strcmp(req->user.provider_key, req->params[0]) == 0;
  case WEB_PROVIDER_SEES:
    return staff || (strcmp(role, "provider") == 0 && web_compass_provider_sees(req));
  case WEB_ANYONE: return true;
  }
  return false;
}

const char *web_access_name(web_access a) {
  switch (a) {
  case WEB_ANYONE: return "anyone";
  case WEB_SIGNED_IN: return "signed-in";
  case WEB_STAFF: return "staff";
  case WEB_ADMIN: return "admin";
  case WEB_OWN_PROVIDER: return "own-provider";
  case WEB_PROVIDER_SEES: return "provider-sees";
  }
  return "?";
}

/* The page template and its elements (see web_page.h). */
#include "web_page.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "xalloc.h"

const char web_page_css[] =
    "*,*::before,*::after{box-sizing:border-box}\n"
    "html{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif;"
    "font-size:100%;line-height:1.5;color:#1b1b1b;background:#fff}\n"
    "body{margin:0}\n"
    ".skip{position:absolute;left:-999em}\n"
    ".skip:focus{position:static;display:block;padding:.5rem;background:#ffdd00;color:#000}\n"
    "header.site{background:#1d3557;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;"
    "gap:.5rem 1rem;align-items:center;justify-content:space-between}\n"
    "header.site a{color:#fff}\n"
    "header.site .who{margin:0}\n"
    "header.site form{margin:0}\n"
    "main{max-width:48rem;margin:0 auto;padding:1rem}\n"
    "footer.site{max-width:48rem;margin:2rem auto 1rem;padding:0 1rem;color:#4a4a4a;"
    "font-size:.9rem}\n"
    "h1{font-size:1.75rem;line-height:1.2}\n"
    "h2{font-size:1.35rem}\n"
    "a{color:#0b4f9c}\n"
    "a:focus,button:focus,input:focus{outline:3px solid #ffbf47;outline-offset:2px}\n"
    "fieldset{border:1px solid #b1b4b6;margin:0 0 1rem;padding:.75rem 1rem}\n"
    "fieldset.area{border:0;padding:0}\n"
    "legend{font-weight:600;padding:0 .25rem}\n"
    "legend.area{font-size:1.35rem}\n"
    ".opt{display:flex;align-items:center;gap:.5rem;margin:.35rem 0;min-height:2rem}\n"
    ".opt input{width:1.4rem;height:1.4rem;margin:0;flex:none}\n"
    "label{cursor:pointer}\n"
    ".field{margin:0 0 1rem}\n"
    ".field label{display:block;font-weight:600;margin-bottom:.25rem}\n"
    ".field input{font:inherit;padding:.4rem;width:100%;max-width:24rem;border:2px solid #0b0c0c}\n"
    ".error{color:#b00020;font-weight:600}\n"
    "input[aria-invalid=true]{border-color:#b00020}\n"
    "button{font:inherit;padding:.5rem 1rem;border:2px solid #1d3557;background:#1d3557;"
    "color:#fff;cursor:pointer;border-radius:3px;margin:.25rem .5rem .25rem 0}\n"
    "button.secondary{background:#fff;color:#1d3557}\n"
    "header.site button{background:#fff;color:#1d3557;border-color:#fff;padding:.25rem .75rem}\n"
    "progress{width:100%;height:1rem}\n"
    ".progress{margin:0 0 1rem}\n"
    "table{border-collapse:collapse;width:100%;margin:0 0 1rem}\n"
    "th,td{border-bottom:1px solid #b1b4b6;padding:.35rem .5rem;text-align:left;"
    "vertical-align:top}\n"
    "td.num,th.num{text-align:right}\n"
    ".table-wrap{overflow-x:auto}\n"
    "svg{max-width:100%;height:auto}\n"
    ".notice{border-left:5px solid #1d3557;padding:.5rem 1rem;background:#f3f2f1}\n"
    "dl.review dt{font-weight:600;margin-top:.5rem}\n"
    "dl.review dd{margin:0 0 .25rem 0}\n";

void web_page_markup(strbuf *b, const char *literal) { strbuf_puts(b, literal); }

void web_page_text(strbuf *b, const char *text) { strbuf_put_html(b, text ? text : ""); }

void web_page_textf(strbuf *b, const char *fmt, ...) {
  strbuf t = STRBUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  strbuf_vprintf(&t, fmt, ap);
  va_end(ap);
  strbuf_put_html(b, strbuf_str(&t));
  strbuf_free(&t);
}

void web_page_heading(strbuf *b, int level, const char *id, const char *text) {
  if (level < 1 || level > 6)
    level = 2;
  strbuf_printf(b, "<h%d", level);
  if (id) {
    strbuf_puts(b, " id=\"");
    strbuf_put_html(b, id);
    strbuf_putc(b, '"');
  }
  strbuf_putc(b, '>');
  strbuf_put_html(b, text);
  strbuf_printf(b, "</h%d>\n", level);
}

void web_page_para(strbuf *b, const char *cls, const char *text) {
  if (cls) {
    strbuf_puts(b, "<p class=\"");
    strbuf_put_html(b, cls);
    strbuf_puts(b, "\">");
  } else {
    strbuf_puts(b, "<p>");
  }
  strbuf_put_html(b, text);
  strbuf_puts(b, "</p>\n");
}

void web_page_put_segment(strbuf *b, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
        *p == '-' || *p == '.' || *p == '_' || *p == '~')
      strbuf_putc(b, (char)*p);
    else
      strbuf_printf(b, "%%%02X", *p);
  }
}

void web_page_link(strbuf *b, const char *href, const char *text) {
  strbuf_puts(b, "<a href=\"");
  strbuf_put_html(b, href);
  strbuf_puts(b, "\">");
  strbuf_put_html(b, text);
  strbuf_puts(b, "</a>");
}

void web_page_hidden(strbuf *b, const char *name, const char *value) {
  strbuf_puts(b, "<input type=\"hidden\" name=\"");
  strbuf_put_html(b, name);
  strbuf_puts(b, "\" value=\"");
  strbuf_put_html(b, value);
  strbuf_puts(b, "\">\n");
}

void web_page_form_begin(strbuf *b, const web_request *req, const char *action) {
  strbuf_puts(b, "<form method=\"post\" action=\"");
  strbuf_put_html(b, action);
  strbuf_puts(b, "\">\n");
  web_page_hidden(b, "csrf", req->csrf);
}

void web_page_form_end(strbuf *b) { strbuf_puts(b, "</form>\n"); }

void web_page_button(strbuf *b, const char *name, const char *value, const char *label,
                     const char *cls) {
  strbuf_puts(b, "<button type=\"submit\"");
  if (cls) {
    strbuf_puts(b, " class=\"");
    strbuf_put_html(b, cls);
    strbuf_putc(b, '"');
  }
  if (name) {
    strbuf_puts(b, " name=\"");
    strbuf_put_html(b, name);
    strbuf_puts(b, "\" value=\"");
    strbuf_put_html(b, value ? value : "");
    strbuf_putc(b, '"');
  }
  strbuf_putc(b, '>');
  strbuf_put_html(b, label);
  strbuf_puts(b, "</button>\n");
}

void web_page_input(strbuf *b, const char *type, const char *name, const char *label,
                    const char *value, const char *autocomplete, const char *error) {
  strbuf_puts(b, "<div class=\"field\"><label for=\"f-");
  strbuf_put_html(b, name);
  strbuf_puts(b, "\">");
  strbuf_put_html(b, label);
  strbuf_puts(b, "</label>");
  if (error) {
    strbuf_puts(b, "<p class=\"error\" id=\"e-");
    strbuf_put_html(b, name);
    strbuf_puts(b, "\">");
    strbuf_put_html(b, error);
    strbuf_puts(b, "</p>");
  }
  strbuf_puts(b, "<input type=\"");
  strbuf_put_html(b, type);
  strbuf_puts(b, "\" id=\"f-");
  strbuf_put_html(b, name);
  strbuf_puts(b, "\" name=\"");
  strbuf_put_html(b, name);
  strbuf_puts(b, "\"");
  if (value) {
    strbuf_puts(b, " value=\"");
    strbuf_put_html(b, value);
    strbuf_putc(b, '"');
  }
  if (autocomplete) {
    strbuf_puts(b, " autocomplete=\"");
    strbuf_put_html(b, autocomplete);
    strbuf_putc(b, '"');
  }
  if (error) {
    strbuf_puts(b, " aria-invalid=\"true\" aria-describedby=\"e-");
    strbuf_put_html(b, name);
    strbuf_putc(b, '"');
  }
  strbuf_puts(b, " required></div>\n");
}

static void choice(strbuf *b, const char *type, const char *id, const char *name,
                   const char *value, const char *label, bool checked) {
  strbuf_puts(b, "<div class=\"opt\"><input type=\"");
  strbuf_puts(b, type);
  strbuf_puts(b, "\" id=\"");
  strbuf_put_html(b, id);
  strbuf_puts(b, "\" name=\"");
  strbuf_put_html(b, name);
  strbuf_puts(b, "\" value=\"");
  strbuf_put_html(b, value);
  strbuf_putc(b, '"');
  if (checked)
    strbuf_puts(b, " checked");
  strbuf_puts(b, "><label for=\"");
  strbuf_put_html(b, id);
  strbuf_puts(b, "\">");
  strbuf_put_html(b, label);
  strbuf_puts(b, "</label></div>\n");
}

void web_page_radio(strbuf *b, const char *id, const char *name, const char *value,
                    const char *label, bool checked) {
  choice(b, "radio", id, name, value, label, checked);
}

void web_page_checkbox(strbuf *b, const char *id, const char *name, const char *label,
                       bool checked) {
  choice(b, "checkbox", id, name, "1", label, checked);
}

void web_page_legend(strbuf *b, const char *cls, const char *text) {
  if (cls) {
    strbuf_puts(b, "<legend class=\"");
    strbuf_put_html(b, cls);
    strbuf_puts(b, "\">");
  } else {
    strbuf_puts(b, "<legend>");
  }
  strbuf_put_html(b, text);
  strbuf_puts(b, "</legend>\n");
}

void web_page_cell(strbuf *b, const char *tag, const char *scope, const char *text) {
  strbuf_printf(b, "<%s", tag);
  if (scope) {
    strbuf_puts(b, " scope=\"");
    strbuf_put_html(b, scope);
    strbuf_putc(b, '"');
  }
  strbuf_putc(b, '>');
  strbuf_put_html(b, text);
  strbuf_printf(b, "</%s>", tag);
}

void web_page_begin(web_response *res, const web_request *req, const char *title) {
  strbuf *b = &res->body;
  strbuf_reset(b);
  strbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<title>");
  strbuf_put_html(b, title);
  strbuf_puts(b, " - cleval</title>\n<link rel=\"stylesheet\" href=\"/style.css\">\n</head>\n"
                 "<body>\n<a class=\"skip\" href=\"#main\">Skip to the content</a>\n"
                 "<header class=\"site\">\n<p class=\"who\">Careers Leader training evaluation");
  if (req && req->signed_in) {
    strbuf_puts(b, " &middot; signed in as ");
    strbuf_put_html(b, req->user.name);
    strbuf_puts(b, "</p>\n<nav aria-label=\"Account\">");
    web_page_link(b, "/responses", "Responses");
    strbuf_puts(b, "</nav>\n");
    web_page_form_begin(b, req, "/logout");
    web_page_button(b, NULL, NULL, "Sign out", NULL);
    web_page_form_end(b);
  } else {
    strbuf_puts(b, "</p>\n");
  }
  strbuf_puts(b, "</header>\n<main id=\"main\">\n");
  web_page_heading(b, 1, NULL, title);
}

void web_page_end(web_response *res) {
  strbuf_puts(&res->body, "</main>\n<footer class=\"site\"><p>cleval " CLEVAL_VERSION
                          "</p></footer>\n</body>\n</html>\n");
}

void web_page_simple(web_response *res, const web_request *req, int status, const char *title,
                     const char *text) {
  res->status = status;
  res->content_type = "text/html; charset=utf-8";
  web_page_begin(res, req, title);
  web_page_para(&res->body, NULL, text);
  web_page_end(res);
}

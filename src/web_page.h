/* The pages' HTML template: the frame every page shares (language, title,
 * stylesheet, skip link, header with the sign-out form, main landmark) and
 * the elements handlers build pages from. Every function escapes the text
 * it is given; a handler never writes a value into HTML itself. Markup
 * passed to web_page_markup must be a literal, never data. */
#ifndef CLEVAL_WEB_PAGE_H
#define CLEVAL_WEB_PAGE_H

#include <stdbool.h>

#include "strbuf.h"
#include "web_request.h"

/* The stylesheet served at /style.css (no inline styles anywhere). */
extern const char web_page_css[];

/* Starts a page into res->body: doctype to the opening of <main>, with
 * title (escaped) as <title> and as the <h1>. The header shows who is
 * signed in and a sign-out button (a form carrying req->csrf). */
void web_page_begin(web_response *res, const web_request *req, const char *title);
/* Closes <main>, the footer, <body> and <html>. */
void web_page_end(web_response *res);

/* A whole plain page: status, title, one paragraph of text. For errors
 * (404, 410, 403, 400...) and simple notices. */
void web_page_simple(web_response *res, const web_request *req, int status, const char *title,
                     const char *text);

/* Literal markup (a string constant in the code): "<fieldset>". */
void web_page_markup(strbuf *b, const char *literal);
/* Text, escaped. */
void web_page_text(strbuf *b, const char *text);
/* printf-formatted text, escaped as a whole after formatting. */
void web_page_textf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* <hN>text</hN>, with an id when id is not NULL. */
void web_page_heading(strbuf *b, int level, const char *id, const char *text);
/* <p>text</p>; cls (a literal class name) may be NULL. */
void web_page_para(strbuf *b, const char *cls, const char *text);
/* <a href="href">text</a>. */
void web_page_link(strbuf *b, const char *href, const char *text);
/* Appends s to b as one segment of a URL's path: every byte but letters,
 * digits and '-', '.', '_', '~' as %XX (an id holding '?', '#', a space or
 * a right-to-left override still leads to its page; the server decodes
 * it). */
void web_page_put_segment(strbuf *b, const char *s);
/* <form method="post" action="action" ...> with the hidden csrf field. */
void web_page_form_begin(strbuf *b, const web_request *req, const char *action);
void web_page_form_end(strbuf *b);
/* <input type="hidden" name value>. */
void web_page_hidden(strbuf *b, const char *name, const char *value);
/* <button type="submit" name value>label</button>; name may be NULL. cls a
 * literal class or NULL. */
void web_page_button(strbuf *b, const char *name, const char *value, const char *label,
                     const char *cls);
/* A labelled text input. type is "text" or "password"; autocomplete a
 * literal token; error (or NULL) is shown under the field and tied to it
 * with aria-describedby and aria-invalid. */
void web_page_input(strbuf *b, const char *type, const char *name, const char *label,
                    const char *value, const char *autocomplete, const char *error);
/* One radio button with its label: <div class="opt"><input type=radio
 * id name value checked?><label for>label</label></div>. */
void web_page_radio(strbuf *b, const char *id, const char *name, const char *value,
                    const char *label, bool checked);
/* One checkbox with its label, value "1". */
void web_page_checkbox(strbuf *b, const char *id, const char *name, const char *label,
                       bool checked);
/* <legend>text</legend>. */
void web_page_legend(strbuf *b, const char *cls, const char *text);
/* A table cell: <td>text</td> or <th scope="row|col">. */
void web_page_cell(strbuf *b, const char *tag, const char *scope, const char *text);

#endif

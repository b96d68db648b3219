/* Signing in and out: session cookies (256 random bits; the database keeps
 * their SHA-256), idle expiry, the visitor cookie that anonymous forms'
 * CSRF values are bound to, failed-login rate limits, and the /login and
 * /logout pages. */
#ifndef CLEVAL_WEB_SESSION_H
#define CLEVAL_WEB_SESSION_H

#include "web_request.h"

#define WEB_SESSION_COOKIE "cleval_session"
#define WEB_VISITOR_COOKIE "cleval_visitor"

/* Signs req in from its session cookie when that names a live session
 * (touching its last use), and sets req->csrf from the session, or from the
 * visitor cookie; with neither, a new visitor id is made and its cookie
 * added to res (for GET and HEAD only).
 * Returns 0, or -1 with a message on a database failure. */
int web_session_load(web_request *req, web_response *res, char *err, size_t errlen);

/* Whether the request's csrf field matches req->csrf (constant time). */
int web_session_csrf_ok(const web_request *req);

/* Handlers: GET /login, POST /login, POST /logout. */
void web_session_login_page(web_request *req, web_response *res);
void web_session_login(web_request *req, web_response *res);
void web_session_logout(web_request *req, web_response *res);

#endif

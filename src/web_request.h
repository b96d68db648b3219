/* One HTTP exchange as the handlers see it: the request (path, matched
 * parameters, query and form fields, who is signed in, the database
 * connection to use) and the response they fill (status, body, headers).
 * Nothing here knows about sockets: the server and the tests make these. */
#ifndef CLEVAL_WEB_REQUEST_H
#define CLEVAL_WEB_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"
#include "strbuf.h"
#include "token.h"
#include "user.h"
#include "web_form.h"

#define WEB_MAX_PARAMS 4
#define WEB_MAX_HEADERS 8

struct web_app;

typedef struct web_request {
  const char *method;                   /* "GET", "HEAD", "POST", ... */
  const char *path;                     /* "/s/abc", without the query */
  const char *raw_path;                 /* as sent, percent-encoded, or NULL */
  const char *params[WEB_MAX_PARAMS];   /* the path's '*' segments, in order */
  size_t nparams;
  web_form query;                       /* the query string's fields */
  web_form form;                        /* a POST body's fields */
  const char *cookie;                   /* the Cookie header, or NULL */
  const char *client;                   /* the peer's address, e.g. "127.0.0.1" */
  bool signed_in;                       /* user is filled in */
  user_info user;                       /* the signed-in user */
  char session_hash[TOKEN_HASH_HEX];    /* the session's hash when signed in */
  char csrf[TOKEN_MAX];                 /* the csrf value this page's forms carry */
  store *db;                            /* this request's database connection */
  struct web_conn *conn;                /* its statement cache (web_app_stmt) */
  struct web_app *app;
} web_request;

typedef struct web_header {
  char *name;
  char *value;
} web_header;

typedef struct web_response {
  int status;               /* 200 unless a handler says otherwise */
  const char *content_type; /* a static string; text/html by default */
  strbuf body;
  web_header headers[WEB_MAX_HEADERS];
  size_t nheaders;
} web_response;

/* Empties req and res for a new exchange (no allocations). */
void web_request_init(web_request *req);
void web_response_init(web_response *res);
/* Frees what they hold; they may then be initialised again. */
void web_request_clear(web_request *req);
void web_response_clear(web_response *res);

/* Adds a response header (copied). Headers past WEB_MAX_HEADERS are
 * dropped (a programming error: abort in debug builds). */
void web_response_header(web_response *res, const char *name, const char *value);

/* Sets a 303 See Other to location (a path on this site). */
void web_response_redirect(web_response *res, const char *location);

/* A field of the request: the form's for POST, else the query's. */
const char *web_request_field(const web_request *req, const char *name);

#endif

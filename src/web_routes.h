/* The route table: every page of the web server as one row of (method,
 * path pattern, access rule, handler), written once, here. A pattern is a
 * path whose '*' segments match any one non-empty segment and become
 * req->params. web_app_handle matches, checks access, then calls the
 * handler; tests walk the table to check every route's access. To add
 * pages, add rows to the table in web_routes.c. */
#ifndef CLEVAL_WEB_ROUTES_H
#define CLEVAL_WEB_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#include "web_request.h"

typedef enum web_access {
  WEB_ANYONE,        /* no sign-in needed (survey links, login, health) */
  WEB_SIGNED_IN,     /* any signed-in user */
  WEB_STAFF,         /* admin or analyst */
  WEB_ADMIN,         /* admin only */
  WEB_OWN_PROVIDER,  /* admin, analyst, or the provider whose key is the
                        route's first parameter */
  WEB_PROVIDER_SEES, /* admin, analyst, or a provider with a leader enrolled
                        at the establishment whose URN is the route's first
                        parameter */
} web_access;

typedef void (*web_handler)(web_request *req, web_response *res);

typedef struct web_route {
  const char *method; /* "GET" (also answers HEAD) or "POST" */
  const char *pattern;
  web_access access;
  web_handler handler;
} web_route;

extern const web_route web_routes[];
extern const size_t web_nroutes;

/* The route for method and path, with the '*' segments put in req->params
 * (pointing into a copy kept in buf, bufsize bytes). NULL when none;
 * *path_known then says whether another method has the path (405, not
 * 404). encoded: path is as sent, its segments percent-encoded (decoded
 * into the params after the split; an escape that is not one, or a NUL,
 * matches nothing). */
const web_route *web_routes_match(const char *method, const char *path, bool encoded,
                                  web_request *req, char *buf, size_t bufsize, bool *path_known);

/* Whether the user of req (signed in or not) may use route with req's
 * params. */
bool web_routes_allowed(const web_route *route, const web_request *req);

/* "anyone", "signed-in", "staff", "admin", "own-provider", "provider-sees". */
const char *web_access_name(web_access a);

#endif

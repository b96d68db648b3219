/* Compass on the web: an establishment's reusable link opens its page (its
 * returns over time beside its hub's and the national averages) and the
 * Compass form; staff and the providers whose leaders work there see the
 * same page at /establishments/URN. */
#ifndef CLEVAL_WEB_COMPASS_H
#define CLEVAL_WEB_COMPASS_H

#include <sqlite3.h>
#include <stdbool.h>

#include "web_app.h"
#include "web_request.h"

/* Handlers: GET /compass/TOKEN, GET and POST /compass/TOKEN/new,
 * GET /establishments/URN. */
void web_compass_page(web_request *req, web_response *res);
void web_compass_form(web_request *req, web_response *res);
void web_compass_submit(web_request *req, web_response *res);
void web_compass_establishment(web_request *req, web_response *res);

/* Whether the signed-in provider of req has a leader enrolled (in any
 * state) at the establishment whose URN is req->params[0]; the access rule
 * of /establishments/URN for providers. False on a database failure. */
bool web_compass_provider_sees(const web_request *req);

/* Tells the cached hub and national averages that Compass data changed
 * (they are rebuilt on next use, or after a minute in any case). */
void web_compass_changed(void);

/* Queues the averages' build on app's background thread (cleval serve does
 * it at start, so that the first visitor seldom waits). */
void web_compass_prepare(web_app *app);

#endif

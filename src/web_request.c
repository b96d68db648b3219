/* Requests and responses as the handlers see them (see web_request.h). */
#include "web_request.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void web_request_init(web_request *req) { memset(req, 0, sizeof *req); }

void web_response_init(web_response *res) {
  memset(res, 0, sizeof *res);
  res->status = 200;
  res->content_type = "text/html; charset=utf-8";
  strbuf_init(&res->body);
}

void web_request_clear(web_request *req) {
  web_form_free(&req->query);
  web_form_free(&req->form);
  user_info_clear(&req->user);
  req->signed_in = false;
}

void web_response_clear(web_response *res) {
  strbuf_free(&res->body);
  for (size_t i = 0; i < res->nheaders; i++) {
    free(res->headers[i].name);
    free(res->headers[i].value);
  }
  res->nheaders = 0;
}

void web_response_header(web_response *res, const char *name, const char *value) {
  assert(res->nheaders < WEB_MAX_HEADERS);
  if (res->nheaders >= WEB_MAX_HEADERS)
    return;
  res->headers[res->nheaders].name = xstrdup(name);
  res->headers[res->nheaders].value = xstrdup(value);
  res->nheaders++;
}

void web_response_redirect(web_response *res, const char *location) {
  res->status = 303;
  web_response_header(res, "Location", location);
  strbuf_reset(&res->body);
}

const char *web_request_field(const web_request *req, const char *name) {
  if (strcmp(req->method, "POST") == 0)
    return web_form_get(&req->form, name);
  return web_form_get(&req->query, name);
}

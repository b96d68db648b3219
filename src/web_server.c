/* libmicrohttpd glue (see web_server.h). Each request is read whole (bodies
 * are small forms), handed to web_app_handle, and its answer sent with the
 * security headers. */
#include "web_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "web_page.h"
#include "xalloc.h"

struct web_server {
  struct MHD_Daemon *d;
  web_app *app;
  int port;
  bool trust_proxy;
  unsigned timeout;
};

const char *const web_server_security_headers[] = {
    "Content-Security-Policy",
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
    " frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options",
    "nosniff",
    "X-Frame-Options",
    "DENY",
    "Referrer-Policy",
    "no-referrer",
    "Cache-Control",
    "no-store",
    "Cross-Origin-Opener-Policy",
    "same-origin",
    NULL};

/* What is kept between the calls for one request. */
typedef struct upload {
  strbuf body;
  int refused;     /* a status already decided (413), or 0 */
  bool bad_query;  /* a query argument refused (web_form_add_arg) */
  web_form *query; /* where add_arg puts them */
  time_t start;    /* when its headers were in */
  bool begun;      /* on_request has seen it */
  char *raw_path;  /* the path as sent, before MHD decoded it (uri_seen) */
} upload;

static enum MHD_Result reply(struct MHD_Connection *c, web_response *res) {
  struct MHD_Response *r = MHD_create_response_from_buffer(
      res->body.len, res->body.len ? res->body.data : (void *)"", MHD_RESPMEM_MUST_COPY);
  if (!r)
    return MHD_NO;
  MHD_add_response_header(r, "Content-Type", res->content_type);
  for (const char *const *h = web_server_security_headers; *h; h += 2)
    MHD_add_response_header(r, h[0], h[1]);
  for (size_t i = 0; i < res->nheaders; i++)
    MHD_add_response_header(r, res->headers[i].name, res->headers[i].value);
  enum MHD_Result rc = MHD_queue_response(c, (unsigned)res->status, r);
  MHD_destroy_response(r);
  return rc;
}

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value) {
  (void)kind;
  upload *up = cls;
  if (web_form_add_arg(up->query, key, value) != 0) {
    up->bad_query = true;
    return MHD_NO;
  }
  return MHD_YES;
}

static void client_address(struct MHD_Connection *c, char *out, size_t outlen) {
  snprintf(out, outlen, "?");
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (!ci || !ci->client_addr)
    return;
  const struct sockaddr *sa = ci->client_addr;
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
              (socklen_t)outlen);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
              (socklen_t)outlen);
}

static enum MHD_Result refuse(struct MHD_Connection *c, int status, const char *title,
                              const char *text) {
  web_response res;
  web_response_init(&res);
  web_page_simple(&res, NULL, status, title, text);
  enum MHD_Result rc = reply(c, &res);
  web_response_clear(&res);
  return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls) {
  (void)version;
  web_server *s = cls;
  upload *up = *con_cls;
  if (!up) { /* uri_seen made none (it always should) */
    up = xcalloc(1, sizeof *up);
    strbuf_init(&up->body);
    *con_cls = up;
  }
  if (!up->begun) {
    up->begun = true;
    up->start = time(NULL);
    const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (len && strtoull(len, NULL, 10) > WEB_SERVER_MAX_BODY)
      up->refused = 413;
    return MHD_YES;
  }
  if (*upload_size) {
    /* A body trickled in (a slow POST) is cut off once it has taken the
     * whole timeout, however often its bytes come. */
    if (time(NULL) - up->start > (time_t)s->timeout)
      return MHD_NO;
    if (!up->refused) {
      if (up->body.len + *upload_size > WEB_SERVER_MAX_BODY)
        up->refused = 413;
      else
        strbuf_put(&up->body, upload_data, *upload_size);
    }
    *upload_size = 0;
    return MHD_YES;
  }
  if (up->refused == 413)
    return refuse(c, 413, "Too much sent", "The form sent was larger than this site accepts.");
  web_request req;
  web_response res;
  web_request_init(&req);
  web_response_init(&res);
  char client[INET6_ADDRSTRLEN + 1];
  client_address(c, client, sizeof client);
  if (s->trust_proxy) {
    const char *real = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Real-IP");
    unsigned char addr[sizeof(struct in6_addr)];
    if (real && strlen(real) < sizeof client &&
        (inet_pton(AF_INET, real, addr) == 1 || inet_pton(AF_INET6, real, addr) == 1))
      strcpy(client, real);
  }
  req.method = method;
  req.path = url;
  req.raw_path = up->raw_path;
  req.client = client;
  req.cookie = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie");
  enum MHD_Result rc;
  /* The path (as MHD decoded it) and every query argument: text, within
   * the limits, or 400. */
  if (!web_text_ok(url, strlen(url))) {
    rc = refuse(c, 400, "Bad request", "The address could not be read.");
    goto done;
  }
  up->query = &req.query;
  MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, up);
  up->query = NULL;
  if (up->bad_query) {
    rc = refuse(c, 400, "Bad request", "The address has a parameter that could not be read.");
    goto done;
  }
  if (strcmp(method, "POST") == 0) {
    const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    if (type && strncmp(type, "application/x-www-form-urlencoded", 33) != 0) {
      rc = refuse(c, 415, "Not a form", "This site accepts only forms sent by its own pages.");
      goto done;
    }
    char err[256];
    if (web_form_parse(&req.form, up->body.data ? up->body.data : "", up->body.len, err,
                       sizeof err) != 0) {
      rc = refuse(c, 400, "Bad request", "The form sent could not be read.");
      goto done;
    }
  }
  web_app_handle(s->app, &req, &res);
  rc = reply(c, &res);
done:
  web_request_clear(&req);
  web_response_clear(&res);
  return rc;
}

/* Keeps the path as the client sent it (MHD hands on_request the decoded
 * one, where an id's "%2F" has become a separator): the returned upload is
 * the request's *con_cls. */
static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *c) {
  (void)cls;
  (void)c;
  upload *up = xcalloc(1, sizeof *up);
  strbuf_init(&up->body);
  size_t n = strcspn(uri, "?");
  up->raw_path = xmalloc(n + 1);
  memcpy(up->raw_path, uri, n);
  up->raw_path[n] = '\0';
  return up;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)c;
  (void)toe;
  upload *up = *con_cls;
  if (up) {
    strbuf_free(&up->body);
    free(up->raw_path);
    free(up);
    *con_cls = NULL;
  }
}

int web_server_start(web_server **out, web_app *app, const char *bind, int port, int threads,
                     bool trust_proxy, const web_server_limits *limits, char *err, size_t errlen) {
  *out = NULL;
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC;
  if (port < 0 || port > 65535) {
    snprintf(err, errlen, "port %d is not between 0 and 65535", port);
    return -1;
  }
  struct sockaddr_in *a4 = (struct sockaddr_in *)(void *)&ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)(void *)&ss;
  if (inet_pton(AF_INET, bind, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((unsigned short)port);
  } else if (inet_pton(AF_INET6, bind, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((unsigned short)port);
    flags |= MHD_USE_IPv6;
  } else {
    snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 address", bind);
    return -1;
  }
  web_server *s = xcalloc(1, sizeof *s);
  s->app = app;
  s->trust_proxy = trust_proxy;
  s->timeout = limits->timeout;
  if (threads < 1)
    threads = 1;
  s->d = MHD_start_daemon(
      flags, (uint16_t)port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
      (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, (void *)s, MHD_OPTION_URI_LOG_CALLBACK, uri_seen,
      (void *)s, MHD_OPTION_CONNECTION_TIMEOUT, limits->timeout, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
      limits->per_address, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_END);
  if (!s->d) {
    snprintf(err, errlen, "could not listen on %s port %d (in use, or not allowed)", bind, port);
    free(s);
    return -1;
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
  s->port = di ? di->port : port;
  *out = s;
  return 0;
}

int web_server_port(const web_server *s) { return s->port; }

void web_server_stop(web_server *s) {
  if (!s)
    return;
  MHD_socket fd = MHD_quiesce_daemon(s->d);
  MHD_stop_daemon(s->d);
  if (fd != MHD_INVALID_SOCKET)
    close(fd);
  free(s);
}

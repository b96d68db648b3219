/* The HTTP server: libmicrohttpd in a pool of threads, turning each request
 * into a web_request for web_app_handle and its web_response back into
 * HTTP, with the security headers every response carries and the limits on
 * request bodies. */
#ifndef CLEVAL_WEB_SERVER_H
#define CLEVAL_WEB_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "web_app.h"

/* The largest request body accepted (413 beyond). */
#define WEB_SERVER_MAX_BODY (64 * 1024)

/* Defaults of the limits on slow and many clients. */
#define WEB_SERVER_TIMEOUT 30
#define WEB_SERVER_PER_ADDRESS 64

typedef struct web_server web_server;

/* What bounds one client (slowloris and the like). */
typedef struct web_server_limits {
  unsigned timeout;     /* seconds a connection may stay idle (sending
                         * nothing, or not reading) before it is closed */
  unsigned per_address; /* connections open at once from one address
                         * (0: no limit); a client past it is refused */
} web_server_limits;

/* Starts serving app on bind (an IPv4 or IPv6 address) and port (0: any
 * free port) with threads worker threads, within limits. With
 * trust_proxy, a request's client address is taken from its X-Real-IP
 * header (set by a reverse proxy in front) when that holds an address.
 * Returns 0, or -1 with a message (address not valid, port in use). Stop
 * with web_server_stop. */
int web_server_start(web_server **out, web_app *app, const char *bind, int port, int threads,
                     bool trust_proxy, const web_server_limits *limits, char *err, size_t errlen);

/* The port actually listened on. */
int web_server_port(const web_server *s);

/* Stops accepting connections, lets requests being answered finish, and
 * frees s. */
void web_server_stop(web_server *s);

/* The headers every response carries (name, value pairs, NULL-ended). */
extern const char *const web_server_security_headers[];

#endif

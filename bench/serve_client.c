/* Load client for bench/serve.sh: submits one complete survey per link
 * from C concurrent keep-alive connections to a cleval server on loopback,
 * and prints the submissions per second and the latency percentiles.
 *
 * usage: serve_client PORT LINKS BODY CONNECTIONS MAX_SECONDS
 *   LINKS  a file of survey tokens, one a line
 *   BODY   the answers, "item=value&item=value..." (csrf and go are added)
 * Each connection first GETs /login for its visitor cookie and csrf value,
 * then POSTs /s/TOKEN with every answer and go=submit, one link after
 * another, until the links run out or MAX_SECONDS pass. A submission counts
 * as done when the answer is 200. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port;
static char **links;
static size_t nlinks;
static const char *answers;
static double deadline;
static atomic_size_t next;
static atomic_size_t ok, failed;
static double *lat; /* seconds, per link index; < 0 when not done */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int dial(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    perror("connect");
    exit(1);
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

static int send_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w <= 0)
      return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Reads one response into buf (headers and body); returns the status or
 * -1. *body points at the body. */
static int read_response(int fd, char *buf, size_t cap, char **body) {
  size_t len = 0;
  char *end = NULL;
  while (!(end = strstr(buf, "\r\n\r\n"))) {
    ssize_t r = read(fd, buf + len, cap - 1 - len);
    if (r <= 0)
      return -1;
    len += (size_t)r;
    buf[len] = '\0';
  }
  size_t head = (size_t)(end - buf) + 4;
  const char *cl = strstr(buf, "Content-Length:");
  if (!cl)
    cl = strstr(buf, "content-length:");
  size_t want = cl ? strtoul(cl + 15, NULL, 10) : 0;
  while (len < head + want) {
    ssize_t r = read(fd, buf + len, cap - 1 - len);
    if (r <= 0)
      return -1;
    len += (size_t)r;
    buf[len] = '\0';
  }
  *body = buf + head;
  return atoi(buf + 9);
}

static void *worker(void *arg) {
  (void)arg;
  size_t cap = 1 << 20;
  char *buf = malloc(cap), *req = malloc(64 * 1024), *body;
  int fd = dial();
  snprintf(req, 1024, "GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  buf[0] = '\0';
  if (send_all(fd, req, strlen(req)) != 0 || read_response(fd, buf, cap, &body) != 200) {
    fprintf(stderr, "serve_client: GET /login failed\n");
    exit(1);
  }
  char cookie[128] = "", csrf[128] = "";
  const char *c = strstr(buf, "cleval_visitor=");
  const char *f = strstr(body, "name=\"csrf\" value=\"");
  if (!c || !f || sscanf(c, "%127[^;\r\n]", cookie) != 1 ||
      sscanf(f + 19, "%127[^\"]", csrf) != 1) {
    fprintf(stderr, "serve_client: no cookie or csrf in /login\n");
    exit(1);
  }
  for (;;) {
    size_t i = atomic_fetch_add(&next, 1);
    if (i >= nlinks || now() > deadline)
      break;
    char form[16 * 1024];
    int blen = snprintf(form, sizeof form, "csrf=%s&go=submit&%s", csrf, answers);
    int n = snprintf(req, 64 * 1024,
                     "POST /s/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\n"
                     "Content-Type: application/x-www-form-urlencoded\r\n"
                     "Content-Length: %d\r\n\r\n%s",
                     links[i], cookie, blen, form);
    double t0 = now();
    buf[0] = '\0';
    int st = send_all(fd, req, (size_t)n) == 0 ? read_response(fd, buf, cap, &body) : -1;
    double t1 = now();
    if (st == 200) {
      lat[i] = t1 - t0;
      atomic_fetch_add(&ok, 1);
    } else {
      atomic_fetch_add(&failed, 1);
      if (st < 0) { /* the connection broke: a new one */
        close(fd);
        fd = dial();
      }
    }
  }
  close(fd);
  free(buf);
  free(req);
  return NULL;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: serve_client PORT LINKS BODY CONNECTIONS MAX_SECONDS\n");
    return 2;
  }
  port = atoi(argv[1]);
  FILE *lf = fopen(argv[2], "r"), *bf = fopen(argv[3], "r");
  if (!lf || !bf) {
    perror("serve_client");
    return 1;
  }
  char line[256];
  size_t cap = 0;
  while (fgets(line, sizeof line, lf)) {
    line[strcspn(line, "\r\n")] = '\0';
    if (!*line)
      continue;
    if (nlinks == cap) {
      cap = cap ? cap * 2 : 1024;
      links = realloc(links, cap * sizeof *links);
    }
    links[nlinks++] = strdup(line);
  }
  static char body[16 * 1024];
  size_t blen = fread(body, 1, sizeof body - 1, bf);
  body[blen] = '\0';
  body[strcspn(body, "\r\n")] = '\0';
  answers = body;
  int conns = atoi(argv[4]);
  lat = malloc(nlinks * sizeof *lat);
  for (size_t i = 0; i < nlinks; i++)
    lat[i] = -1;
  double t0 = now();
  deadline = t0 + atof(argv[5]);
  pthread_t *th = malloc((size_t)conns * sizeof *th);
  for (int i = 0; i < conns; i++)
    pthread_create(&th[i], NULL, worker, NULL);
  for (int i = 0; i < conns; i++)
    pthread_join(th[i], NULL);
  double secs = now() - t0;
  size_t n = 0;
  for (size_t i = 0; i < nlinks; i++)
    if (lat[i] >= 0)
      lat[n++] = lat[i];
  qsort(lat, n, sizeof *lat, cmp);
  double p50 = n ? lat[n / 2] : 0, p99 = n ? lat[(size_t)((double)(n - 1) * 0.99)] : 0;
  printf("submitted %zu ok, %zu failed, in %.3f s over %d connections\n", (size_t)ok,
         (size_t)failed, secs, conns);
  printf("submissions/s %.0f\n", (double)n / secs);
  printf("latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", p50 * 1e3, p99 * 1e3,
         n ? lat[n - 1] * 1e3 : 0);
  printf("ok %zu\n", n);
  return 0;
}

/*
 * The bench's backend: a minimal HTTP/1.1 server that answers every request with a fixed 13-byte body,
 * keeping the connection open unless the request says "Connection: close". One thread per connection.
 * Built static by bench/mesh.sh into an image (no registry needed).
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static const char OK[] = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nhello, mesh!\n";
static const char OK_CLOSE[] = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nhello, mesh!\n";

static void *serve(void *arg) {
  int fd = (int) (long) arg, one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  char buf[16384];
  size_t have = 0;
  for (;;) {
    ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
    if (n <= 0) break;
    have += n;
    buf[have] = 0;
    char *end;
    int closing = 0;
    while ((end = strstr(buf, "\r\n\r\n")) != NULL) {
      *end = 0;
      closing = strcasestr(buf, "connection: close") != NULL;
      const char *r = closing ? OK_CLOSE : OK;
      if (write(fd, r, strlen(r)) < 0) closing = 1;
      size_t used = (end + 4) - buf;
      memmove(buf, end + 4, have - used);
      have -= used;
      buf[have] = 0;
      if (closing) break;
    }
    if (closing || have == sizeof buf - 1) break;
  }
  close(fd);
  return NULL;
}

int main(int argc, char **argv) {
  int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons(argc > 1 ? atoi(argv[1]) : 80);
  if (bind(s, (struct sockaddr *) &a, sizeof a) < 0 || listen(s, 1024) < 0) return 1;
  for (;;) {
    int c = accept(s, NULL, NULL);
    if (c < 0) continue;
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    if (pthread_create(&t, &attr, serve, (void *) (long) c) != 0) close(c);
  }
}

/* A UDP echo server for the mesh tests: answers each datagram to its sender. Built static into a test image. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <stdlib.h>
int main(int c, char **v) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_port = htons(c > 1 ? atoi(v[1]) : 7);
  if (bind(s, (struct sockaddr *) &a, sizeof a) < 0) return 1;
  char buf[65536]; struct sockaddr_in from; socklen_t len;
  for (;;) { len = sizeof from; ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *) &from, &len);
    if (n >= 0) sendto(s, buf, n, 0, (struct sockaddr *) &from, len); }
}

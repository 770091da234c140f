/*
 * LD_PRELOAD shim: a bind() to the wildcard address binds to loopback instead.
 *
 * Orthanc, DCMTK's SCPs and PixelMed's SCP listen on all interfaces and have no bind option; test peers must
 * only be reachable from this machine. Every other bind() is passed through unchanged.
 *
 *   AF_INET   0.0.0.0 -> 127.0.0.1
 *   AF_INET6  ::      -> ::ffff:127.0.0.1 on a dual-stack socket (it still accepts IPv4 127.0.0.1, as Java's
 *                        sockets expect), ::1 on an IPV6_V6ONLY socket
 *
 * Build: gcc -shared -fPIC -O2 -o libloopback.so loopback-shim.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

typedef int (*bind_fn)(int, const struct sockaddr *, socklen_t);

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
    static bind_fn real_bind;
    if (!real_bind) {
        real_bind = (bind_fn) dlsym(RTLD_NEXT, "bind");
    }
    if (addr != NULL && addr->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
        struct sockaddr_in in = *(const struct sockaddr_in *) addr;
        if (in.sin_addr.s_addr == htonl(INADDR_ANY)) {
            in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            return real_bind(fd, (const struct sockaddr *) &in, sizeof in);
        }
    } else if (addr != NULL && addr->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 in6 = *(const struct sockaddr_in6 *) addr;
        if (IN6_IS_ADDR_UNSPECIFIED(&in6.sin6_addr)) {
            int v6only = 0;
            socklen_t optlen = sizeof v6only;
            getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &optlen);
            if (v6only) {
                in6.sin6_addr = in6addr_loopback;
            } else {
                memset(&in6.sin6_addr, 0, sizeof in6.sin6_addr);
                in6.sin6_addr.s6_addr[10] = 0xff;
                in6.sin6_addr.s6_addr[11] = 0xff;
                in6.sin6_addr.s6_addr[12] = 127;
                in6.sin6_addr.s6_addr[15] = 1;
            }
            return real_bind(fd, (const struct sockaddr *) &in6, sizeof in6);
        }
    }
    return real_bind(fd, addr, len);
}

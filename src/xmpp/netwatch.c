/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Network changes: while a reconnection waits out its backoff, a new
 * address or a link coming up (Linux rtnetlink) means the network may be
 * back, so it is worth trying at once rather than in a minute. Watched
 * only while waiting: an idle, connected client has no socket here. */
#include "backchat/loop.h"
#include "internal.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <sys/socket.h>

#ifdef __linux__
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#endif

static int nl_fd = -1;
static void (*changed_cb)(void);

#ifdef __linux__
/* True if the messages in `buf` say an address was added or a link is up. */
static bool network_came_up(const char *buf, ssize_t len)
{
    for (const struct nlmsghdr *h = (const struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len);
         h = NLMSG_NEXT(h, len)) {
        if (h->nlmsg_type == RTM_NEWADDR)
            return true;
        if (h->nlmsg_type == RTM_NEWLINK &&
            h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg))) {
            const struct ifinfomsg *ifi = NLMSG_DATA(h);
            if ((ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING))
                return true;
        }
    }
    return false;
}

static void on_netlink(int fd, short revents, void *data)
{
    char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
    bool up = false;
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0)
        up = up || network_came_up(buf, n);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) {
        bc_netwatch_stop(); /* broken: the backoff still works */
        return;
    }
    if (up && changed_cb) {
        void (*cb)(void) = changed_cb;
        bc_netwatch_stop();
        cb();
    }
}
#endif

void bc_netwatch_start(void (*cb)(void))
{
    changed_cb = cb;
#ifdef __linux__
    if (nl_fd >= 0)
        return;
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    if (fd < 0)
        return;
    struct sockaddr_nl sa;
    memset(&sa, 0, sizeof sa);
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        close(fd);
        return;
    }
    nl_fd = fd;
    bc_loop_watch(nl_fd, POLLIN, on_netlink, NULL);
#endif
}

void bc_netwatch_stop(void)
{
    changed_cb = NULL;
    if (nl_fd >= 0) {
        bc_loop_unwatch(nl_fd);
        close(nl_fd);
        nl_fd = -1;
    }
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* DNS for the connection on a worker thread (see resolve.h): one thread
 * per lookup, its answer handed to the loop thread through a pipe. */
#include "resolve.h"

#include "backchat/loop.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <resolv.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT_STARTTLS 5222
#define PORT_DIRECT_TLS 5223
/* Enough for any sane server: the rest of a huge answer is ignored. */
#define MAX_TARGETS 16

typedef struct {
    unsigned id;
    char *domain, *host;
    unsigned short port;
    bool direct_tls;
    GPtrArray *targets;   /* the worker's answer */
    char *error;
    int pipe[2];
    GThread *thread;
    bc_resolve_cb cb;
    void *data;
    bool cancelled;
} request;

static GPtrArray *pending; /* request*: running lookups */
static unsigned next_id;

static void resolved_free(gpointer p)
{
    bc_resolved *r = p;
    g_free(r->addr);
    g_free(r);
}

bool bc_resolve_is_literal(const char *host)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return host && (inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1);
}

static int srv_cmp(gconstpointer a, gconstpointer b)
{
    const bc_srv *x = a, *y = b;
    if (x->priority != y->priority)
        return x->priority < y->priority ? -1 : 1;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return 0;
}

void bc_srv_sort(GArray *srv)
{
    g_array_sort(srv, srv_cmp);
}

static void srv_clear(gpointer p)
{
    g_free(((bc_srv *)p)->target);
}

/* The SRV records of `name` (empty if none); runs on the worker. */
static GArray *srv_lookup(const char *name)
{
    GArray *out = g_array_new(FALSE, TRUE, sizeof(bc_srv));
    g_array_set_clear_func(out, srv_clear);
    struct __res_state rs;
    memset(&rs, 0, sizeof rs);
    if (res_ninit(&rs) != 0)
        return out;
    unsigned char answer[NS_PACKETSZ * 4];
    int len = res_nquery(&rs, name, ns_c_in, ns_t_srv, answer, sizeof answer);
    ns_msg msg;
    if (len > 0 && ns_initparse(answer, len, &msg) == 0) {
        int n = ns_msg_count(msg, ns_s_an);
        for (int i = 0; i < n && out->len < MAX_TARGETS; i++) {
            ns_rr rr;
            if (ns_parserr(&msg, ns_s_an, i, &rr) != 0 || ns_rr_type(rr) != ns_t_srv ||
                ns_rr_rdlen(rr) < 7)
                continue;
            const unsigned char *rd = ns_rr_rdata(rr);
            char target[NS_MAXDNAME];
            if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), rd + 6, target, sizeof target) < 0)
                continue;
            bc_srv s = {.priority = ns_get16(rd), .weight = ns_get16(rd + 2),
                        .port = ns_get16(rd + 4), .target = g_strdup(target)};
            g_array_append_val(out, s);
        }
    }
    res_nclose(&rs);
    bc_srv_sort(out);
    return out;
}

/* Appends the addresses of `host` (deduplicated); false if it has none. */
static bool add_addresses(GPtrArray *targets, const char *host, unsigned short port,
                          char **error)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_ADDRCONFIG};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0) {
        if (error && !*error)
            *error = g_strdup_printf("cannot find the address of %s (%s)", host,
                                     rc == EAI_SYSTEM ? g_strerror(errno) : gai_strerror(rc));
        return false;
    }
    bool any = false;
    for (struct addrinfo *a = res; a && targets->len < MAX_TARGETS; a = a->ai_next) {
        char buf[INET6_ADDRSTRLEN];
        const void *p = a->ai_family == AF_INET
                            ? (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr
                            : (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr;
        if ((a->ai_family != AF_INET && a->ai_family != AF_INET6) ||
            !inet_ntop(a->ai_family, p, buf, sizeof buf))
            continue;
        bool dup = false;
        for (guint i = 0; i < targets->len && !dup; i++) {
            const bc_resolved *t = targets->pdata[i];
            dup = t->port == port && strcmp(t->addr, buf) == 0;
        }
        if (dup)
            continue;
        bc_resolved *t = g_new0(bc_resolved, 1);
        t->addr = g_strdup(buf);
        t->port = port;
        g_ptr_array_add(targets, t);
        any = true;
    }
    freeaddrinfo(res);
    return any;
}

static gpointer worker(gpointer p)
{
    request *r = p;
    GPtrArray *targets = g_ptr_array_new_with_free_func(resolved_free);
    unsigned short dflt = r->direct_tls ? PORT_DIRECT_TLS : PORT_STARTTLS;
    if (r->host) {
        add_addresses(targets, r->host, r->port ? r->port : dflt, &r->error);
    } else {
        char *name = g_strdup_printf("%s.%s", r->direct_tls ? "_xmpps-client._tcp"
                                                            : "_xmpp-client._tcp",
                                     r->domain);
        GArray *srv = srv_lookup(name);
        g_free(name);
        bool refused = srv->len == 1 && (!*g_array_index(srv, bc_srv, 0).target ||
                                         strcmp(g_array_index(srv, bc_srv, 0).target, ".") == 0);
        if (refused)
            r->error = g_strdup_printf("%s says it offers no XMPP service (its SRV record is"
                                       " \".\")", r->domain);
        for (guint i = 0; !refused && i < srv->len; i++) {
            const bc_srv *s = &g_array_index(srv, bc_srv, i);
            add_addresses(targets, s->target, s->port, &r->error);
        }
        if (!refused && srv->len == 0)
            add_addresses(targets, r->domain, r->port ? r->port : dflt, &r->error);
        g_array_unref(srv);
    }
    if (targets->len) {
        g_clear_pointer(&r->error, g_free); /* one target of several failing is fine */
        r->targets = targets;
    } else {
        g_ptr_array_unref(targets);
        if (!r->error)
            r->error = g_strdup_printf("cannot find the address of %s",
                                       r->host ? r->host : r->domain);
    }
    ssize_t w;
    do
        w = write(r->pipe[1], "r", 1);
    while (w < 0 && errno == EINTR);
    return NULL;
}

static void request_free(request *r)
{
    if (r->thread)
        g_thread_join(r->thread);
    if (r->pipe[0] >= 0)
        close(r->pipe[0]);
    if (r->pipe[1] >= 0)
        close(r->pipe[1]);
    if (r->targets)
        g_ptr_array_unref(r->targets);
    g_free(r->error);
    g_free(r->domain);
    g_free(r->host);
    g_free(r);
}

static void on_answer(int fd, short revents, void *data)
{
    (void)revents;
    request *r = data;
    bc_loop_unwatch(fd);
    g_ptr_array_remove(pending, r);
    if (r->thread) /* NULL when the lookup ran here (no thread could start) */
        g_thread_join(r->thread); /* it has written its last byte */
    r->thread = NULL;
    if (!r->cancelled) {
        GPtrArray *targets = r->targets;
        r->targets = NULL;
        r->cb(targets, targets ? NULL : r->error, r->data);
    }
    request_free(r);
}

unsigned bc_resolve_start(const char *domain, const char *host, unsigned short port,
                          bool direct_tls, bc_resolve_cb cb, void *data)
{
    g_return_val_if_fail(domain && cb, 0);
    if (!pending)
        pending = g_ptr_array_new();
    request *r = g_new0(request, 1);
    r->id = ++next_id ? next_id : ++next_id;
    r->domain = g_strdup(domain);
    r->host = host && *host ? g_strdup(host) : NULL;
    r->port = port;
    r->direct_tls = direct_tls;
    r->cb = cb;
    r->data = data;
    r->pipe[0] = r->pipe[1] = -1;
    GError *e = NULL;
    if (pipe2(r->pipe, O_CLOEXEC) != 0 ||
        !(r->thread = g_thread_try_new("resolve", worker, r, &e))) {
        /* Cannot go off-thread: answer on the next turn, from here. */
        g_clear_error(&e);
        if (r->pipe[1] < 0) {
            request_free(r);
            return 0;
        }
        worker(r);
    }
    g_ptr_array_add(pending, r);
    bc_loop_watch(r->pipe[0], POLLIN, on_answer, r);
    return r->id;
}

void bc_resolve_cancel(unsigned id)
{
    for (guint i = 0; pending && i < pending->len; i++) {
        request *r = pending->pdata[i];
        if (r->id == id)
            r->cancelled = true;
    }
}

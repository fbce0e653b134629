/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Finding the server's addresses without stopping the loop: the DNS
 * lookups (SRV, then A/AAAA) run on a worker thread and the answer comes
 * back on the loop thread. libstrophe resolves inside
 * xmpp_connect_client(), which blocks the whole client for as long as an
 * unreachable name server takes to time out (several seconds per try,
 * every reconnection attempt) while the network is down. */
#ifndef BACKCHAT_XMPP_RESOLVE_H
#define BACKCHAT_XMPP_RESOLVE_H

#include <stdbool.h>
#include <glib.h>

typedef struct {
    char *addr;             /* numeric address, "192.0.2.1" or "2001:db8::1" */
    unsigned short port;
} bc_resolved;

/* `targets` (bc_resolved*, in the order to try) is the callee's to free
 * with g_ptr_array_unref; NULL with `error` set when nothing was found. */
typedef void (*bc_resolve_cb)(GPtrArray *targets, const char *error, void *data);

/* Where to connect for `domain` (the JID's): `host` if the account names
 * one (then `port`, or the default), else the SRV records of
 * _xmpp-client._tcp (_xmpps-client._tcp with `direct_tls`), else the
 * domain itself. Returns an id for bc_resolve_cancel (never 0); the
 * callback runs later on the loop thread, never from inside this call. */
unsigned bc_resolve_start(const char *domain, const char *host, unsigned short port,
                          bool direct_tls, bc_resolve_cb cb, void *data);
/* The callback of `id` will not run (the lookup may finish unseen). */
void bc_resolve_cancel(unsigned id);

/* A host that needs no lookup (an IPv4 or IPv6 literal). */
bool bc_resolve_is_literal(const char *host);

/* SRV records as parsed, and their order of use (RFC 2782: lowest
 * priority first; within a priority, heavier weight first here: a fixed
 * order keeps reconnections predictable). A record whose target is "."
 * means the service is not offered. Exposed for the tests. */
typedef struct {
    unsigned short priority, weight, port;
    char *target;
} bc_srv;
void bc_srv_sort(GArray *srv);

#endif

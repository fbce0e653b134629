/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the account archive (mam.c) and the room archives (muc_mam.c)
 * share of XEP-0313: building a query page, reading a result, reading the
 * <fin/> that ends a page. Not part of the public API. */
#ifndef BACKCHAT_XMPP_MAM_QUERY_H
#define BACKCHAT_XMPP_MAM_QUERY_H

#include <stdbool.h>
#include <stdint.h>
#include <strophe.h>

#define BC_NS_MAM "urn:xmpp:mam:2"
#define BC_NS_RSM "http://jabber.org/protocol/rsm"
#define BC_NS_FORWARD "urn:xmpp:forward:0"

/* Archive ids longer than this are not believed. */
#define BC_MAM_MAX_ID_LEN 256

/* A fresh queryid: a UUID (or "bc-mam") followed by `suffix`; g_free. */
char *bc_mam_queryid(const char *suffix);

/* One page to ask for. The form is sent when any of with/start/end is
 * set; the RSM set always, with <max/>, then <after/> when `after` is
 * set, then <before/>: with `before`, or empty (the last page) when
 * `last_page`. */
typedef struct bc_mam_page {
    const char *queryid;
    const char *with;   /* form field 'with', or NULL */
    int64_t start, end; /* form fields 'start'/'end' (Unix time), 0: none */
    int max;
    const char *after;
    const char *before;
    bool last_page;
} bc_mam_page;

/* The <iq type='set'><query xmlns='urn:xmpp:mam:2'/></iq> for `p`; the
 * caller sends and releases it. */
xmpp_stanza_t *bc_mam_query_iq(const bc_mam_page *p);

/* One <result/>: its archive id (sanitized, newly allocated), the
 * forwarded message (NULL if none) and its time (the forward's delay,
 * else the message's, else 0). False, with nothing allocated, when the
 * id is missing, empty or too long. */
typedef struct bc_mam_result {
    char *archive_id;
    xmpp_stanza_t *inner;
    int64_t ts;
} bc_mam_result;
bool bc_mam_result_read(xmpp_stanza_t *res, bc_mam_result *out);

/* The <fin/> of a page's answer: whether the archive said it is complete
 * (`complete` may be NULL), and the page's last id: the RSM <last/>, else
 * a copy of `fallback` (newly allocated, or NULL). */
char *bc_mam_fin(xmpp_stanza_t *reply, const char *fallback, bool *complete);

/* The error answer says item-not-found (an id the archive no longer has). */
bool bc_mam_item_not_found(xmpp_stanza_t *reply);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entity capabilities (XEP-0115) and our service discovery answer
 * (XEP-0030): who we are and what we implement. The "+notify" feature
 * is how a PEP service learns to send us contacts' activity. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define CAPS_NODE "https://backchat.invalid"

/* Exactly what we implement; keep sorted (octet order, XEP-0115 §5.1). */
static const char *const features[] = {
    "http://jabber.org/protocol/activity",
    "http://jabber.org/protocol/activity+notify",
    "http://jabber.org/protocol/caps",
    "http://jabber.org/protocol/chatstates",
    "http://jabber.org/protocol/disco#info",
    "http://jabber.org/protocol/muc",
    "jabber:iq:last",
    "jabber:iq:version",
    "jabber:x:conference",
    "urn:xmpp:attention:0",
    "urn:xmpp:bookmarks:1+notify",
    "urn:xmpp:chat-markers:0",
    "urn:xmpp:idle:1",
    "urn:xmpp:ping",
    "urn:xmpp:receipts",
    NULL,
};

#define ID_CATEGORY "client"
#define ID_TYPE "console"
#define ID_NAME "backchat"

static const char *const identities[] = {
    ID_CATEGORY "/" ID_TYPE "//" ID_NAME,
    NULL,
};

static int cmp_octets(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static GPtrArray *sorted_copy(const char *const *v)
{
    GPtrArray *a = g_ptr_array_new();
    for (size_t i = 0; v && v[i]; i++)
        g_ptr_array_add(a, (gpointer)v[i]);
    qsort(a->pdata, a->len, sizeof(gpointer), cmp_octets);
    return a;
}

char *bc_caps_ver_compute(const char *const *ids, const char *const *feats)
{
    GString *s = g_string_new(NULL);
    GPtrArray *a = sorted_copy(ids);
    for (guint i = 0; i < a->len; i++) {
        g_string_append(s, a->pdata[i]);
        g_string_append_c(s, '<');
    }
    g_ptr_array_free(a, TRUE);
    a = sorted_copy(feats);
    for (guint i = 0; i < a->len; i++) {
        /* Duplicates are an error in the input (§5.4); count each once. */
        if (i > 0 && strcmp(a->pdata[i], a->pdata[i - 1]) == 0)
            continue;
        g_string_append(s, a->pdata[i]);
        g_string_append_c(s, '<');
    }
    g_ptr_array_free(a, TRUE);
    guint8 digest[20];
    gsize dlen = sizeof digest;
    GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA1);
    g_checksum_update(ck, (const guchar *)s->str, (gssize)s->len);
    g_checksum_get_digest(ck, digest, &dlen);
    g_checksum_free(ck);
    g_string_free(s, TRUE);
    return g_base64_encode(digest, dlen);
}

static char *our_ver;
static char *our_node_ver; /* "NODE#VER" */

const char *bc_caps_ver(void)
{
    if (!our_ver) {
        our_ver = bc_caps_ver_compute(identities, features);
        our_node_ver = g_strdup_printf("%s#%s", CAPS_NODE, our_ver);
    }
    return our_ver;
}

const char *bc_caps_node(void) { return CAPS_NODE; }
const char *const *bc_caps_features(void) { return features; }

xmpp_stanza_t *bc_xmpp_caps_element(void)
{
    xmpp_stanza_t *c = bc_xmpp_el("c", BC_NS_CAPS);
    xmpp_stanza_set_attribute(c, "hash", "sha-1");
    xmpp_stanza_set_attribute(c, "node", CAPS_NODE);
    xmpp_stanza_set_attribute(c, "ver", bc_caps_ver());
    return c;
}

void bc_xmpp_disco_info_answer(xmpp_stanza_t *iq, xmpp_stanza_t *query)
{
    bc_caps_ver();
    const char *node = xmpp_stanza_get_attribute(query, "node");
    if (node && strcmp(node, our_node_ver) != 0) {
        bc_xmpp_iq_error(iq, "cancel", "item-not-found");
        return;
    }
    xmpp_stanza_t *r = bc_xmpp_iq_result(iq);
    xmpp_stanza_t *q = bc_xmpp_el("query", BC_NS_DISCO_INFO);
    if (node)
        xmpp_stanza_set_attribute(q, "node", our_node_ver);
    xmpp_stanza_t *id = bc_xmpp_el("identity", NULL);
    xmpp_stanza_set_attribute(id, "category", ID_CATEGORY);
    xmpp_stanza_set_attribute(id, "type", ID_TYPE);
    xmpp_stanza_set_attribute(id, "name", ID_NAME);
    xmpp_stanza_add_child(q, id);
    xmpp_stanza_release(id);
    for (size_t i = 0; features[i]; i++) {
        xmpp_stanza_t *f = bc_xmpp_el("feature", NULL);
        xmpp_stanza_set_attribute(f, "var", features[i]);
        xmpp_stanza_add_child(q, f);
        xmpp_stanza_release(f);
    }
    xmpp_stanza_add_child(r, q);
    xmpp_stanza_release(q);
    xmpp_send(bc_xconn, r);
    xmpp_stanza_release(r);
}

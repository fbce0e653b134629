/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Outgoing chat messages, kept until we know the server has them.
 *
 * The outbox: messages typed while the connection is down and backchat is
 * reconnecting, kept in order, shown as pending, and sent (with the ids
 * they were shown with, so receipts find their lines) as soon as the
 * stream is up again.
 *
 * The ledger: every message sent stays here until the answer to a later
 * keepalive ping proves the server has it (a stream is delivered in
 * order). When the connection drops first, the next session's archive
 * catch-up shows which of them the server did archive; the others are
 * sent again, with their ids, once: nothing lost, nothing doubled. */
#include "backchat/conv.h"
#include "backchat/xmpp.h"
#include "internal.h"

#include <string.h>

/* More than this many unsent messages is a sign the user should know
 * the connection is not coming back soon. */
#define OUTBOX_MAX 500

typedef struct {
    char *to;    /* bare JID */
    char *body;  /* sanitized */
    char *id;
} queued;

static GQueue box = G_QUEUE_INIT;

static void queued_free(queued *q)
{
    g_free(q->to);
    g_free(q->body);
    g_free(q->id);
    g_free(q);
}

bool bc_xmpp_outbox_add(const char *to, const char *body, const char *id, GError **err)
{
    if (box.length >= OUTBOX_MAX) {
        g_set_error(err, BC_XMPP_ERROR, 1,
                    "%d messages are already waiting for the connection to come back; "
                    "not queued (check the connection: /account show, /connect)",
                    OUTBOX_MAX);
        return false;
    }
    queued *q = g_new0(queued, 1);
    q->to = g_strdup(to);
    q->body = g_strdup(body);
    q->id = g_strdup(id);
    g_queue_push_tail(&box, q);
    return true;
}

unsigned bc_xmpp_outbox_pending(void) { return box.length; }

void bc_xmpp_outbox_flush(void)
{
    unsigned n = 0;
    queued *q;
    while (bc_xmpp_connected() && (q = g_queue_pop_head(&box))) {
        bc_xmpp_chat_stanza_send(q->to, q->body, q->id);
        bc_conv_set_send_state(bc_conv_find(q->to), q->id, BC_SEND_NONE);
        queued_free(q);
        n++;
    }
    if (n)
        bc_console("Sent %u message%s typed while the connection was down.", n,
                   n == 1 ? "" : "s");
}

/* ---- the ledger ---------------------------------------------------------- */

/* Sent since the last proof, at most this many (a connection this busy
 * without a keepalive answer is rare; the oldest are trusted first). */
#define LEDGER_MAX 2000

typedef struct {
    queued m;
    unsigned seq;    /* order of sending */
    unsigned stream; /* the stream it was sent on */
} sent;

static GQueue ledger = G_QUEUE_INIT;
static unsigned next_seq = 1, stream_gen;

static void sent_free(sent *e)
{
    g_free(e->m.to);
    g_free(e->m.body);
    g_free(e->m.id);
    g_free(e);
}

static void ledger_add(const char *to, const char *body, const char *id)
{
    if (ledger.length >= LEDGER_MAX)
        sent_free(g_queue_pop_head(&ledger));
    sent *e = g_new0(sent, 1);
    e->m.to = g_strdup(to);
    e->m.body = g_strdup(body);
    e->m.id = g_strdup(id);
    e->seq = next_seq++;
    e->stream = stream_gen;
    g_queue_push_tail(&ledger, e);
}

unsigned bc_xmpp_ledger_mark(void) { return next_seq; }

void bc_xmpp_ledger_confirm(unsigned before)
{
    sent *e;
    while ((e = g_queue_peek_head(&ledger)) && e->stream == stream_gen && e->seq < before)
        sent_free(g_queue_pop_head(&ledger));
}

void bc_xmpp_ledger_new_stream(void) { stream_gen++; }

void bc_xmpp_ledger_seen(const char *id)
{
    if (!id)
        return;
    for (GList *l = ledger.head; l; l = l->next) {
        sent *e = l->data;
        if (e->stream != stream_gen && strcmp(e->m.id, id) == 0) {
            sent_free(e);
            g_queue_delete_link(&ledger, l);
            return;
        }
    }
}

void bc_xmpp_ledger_resend(void)
{
    if (!bc_xmpp_connected())
        return;
    unsigned n = 0;
    GQueue again = G_QUEUE_INIT;
    for (GList *l = ledger.head, *next; l; l = next) {
        next = l->next;
        sent *e = l->data;
        if (e->stream == stream_gen)
            continue;
        g_queue_unlink(&ledger, l);
        g_queue_push_tail_link(&again, l);
    }
    sent *e;
    while ((e = g_queue_pop_head(&again))) {
        bc_xmpp_chat_stanza_send(e->m.to, e->m.body, e->m.id);
        sent_free(e);
        n++;
    }
    if (n)
        bc_console("Sent again %u message%s the server had not received when the connection "
                   "dropped.", n, n == 1 ? "" : "s");
}

void bc_xmpp_outbox_clear(void)
{
    g_queue_clear_full(&box, (GDestroyNotify)queued_free);
    g_queue_clear_full(&ledger, (GDestroyNotify)sent_free);
}

/* message.c calls this for every chat message it writes. */
void bc_xmpp_ledger_sent(const char *to, const char *body, const char *id)
{
    ledger_add(to, body, id);
}

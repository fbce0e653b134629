/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A certificate the system does not trust (libstrophe's certfail
 * handler): accepted when it matches the account's pin; otherwise what
 * it is goes to the console and the session (for /tls trust or deny),
 * and the connection is refused. Every field of it is remote text. */
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/pins.h"
#include "backchat/sanitize.h"
#include "backchat/session.h"
#include "internal.h"

static char *clean(const char *s)
{
    return bc_sanitize_line(s ? s : "", -1);
}

/* "5d66..." -> "5D:66:...", the form `openssl x509 -fingerprint` prints. */
static char *format_fingerprint(const char *fp)
{
    GString *out = g_string_new(NULL);
    int n = 0;
    for (const char *p = fp ? fp : ""; *p; p++) {
        if (!g_ascii_isxdigit(*p))
            continue;
        if (n && n % 2 == 0)
            g_string_append_c(out, ':');
        g_string_append_c(out, g_ascii_toupper(*p));
        n++;
    }
    return g_string_free(out, FALSE);
}

int bc_xmpp_cert_check(const xmpp_tlscert_t *cert, const char *errormsg, bool *refused)
{
    bc_session *s = bc_session_get();
    if (!s->account)
        return 0;
    char *host = bc_jid_display(s->account->jid);
    {
        bc_jid *j = bc_jid_parse(s->account->jid);
        if (j) {
            g_free(host);
            host = g_strdup(j->domain);
            bc_jid_free(j);
        }
    }
    const char *fp = xmpp_tlscert_get_string(cert, XMPP_CERT_FINGERPRINT_SHA256);
    char *pinned = bc_pins_lookup(s->account->name, host);
    if (pinned && fp && bc_fingerprint_equal(pinned, fp)) {
        g_free(pinned);
        g_free(host);
        return 1;
    }
    bc_cert_info *ci = g_new0(bc_cert_info, 1);
    ci->host = host;
    ci->subject = clean(xmpp_tlscert_get_string(cert, XMPP_CERT_SUBJECT));
    ci->issuer = clean(xmpp_tlscert_get_string(cert, XMPP_CERT_ISSUER));
    ci->fingerprint = format_fingerprint(fp);
    ci->not_before = clean(xmpp_tlscert_get_string(cert, XMPP_CERT_NOTBEFORE));
    ci->not_after = clean(xmpp_tlscert_get_string(cert, XMPP_CERT_NOTAFTER));
    ci->error = clean(errormsg);
    ci->pinned = pinned;
    if (pinned) {
        bc_console_err("CERTIFICATE CHANGED for %s: refusing to connect.", ci->host);
        bc_console_err("  pinned:    %s", pinned);
        bc_console_err("  presented: %s", ci->fingerprint);
        bc_console_err("This can mean someone is intercepting the connection. Check the new "
                       "fingerprint with the server's administrator; only then replace the "
                       "pin with /tls trust.");
    } else {
        bc_console_err("Certificate for %s is not trusted (%s).", ci->host, ci->error);
    }
    bc_console("  Subject:  %s", ci->subject);
    bc_console("  Issuer:   %s", ci->issuer);
    bc_console("  SHA-256:  %s", ci->fingerprint);
    bc_console("  Valid:    %s to %s", ci->not_before, ci->not_after);
    if (!pinned)
        bc_console("Type /tls trust to pin this certificate for account %s and connect, "
                   "or /tls deny to refuse it.", s->account->name);
    bc_session_set_cert(ci);
    *refused = true;
    return 0;
}

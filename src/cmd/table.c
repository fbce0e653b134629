/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command table: the single source for dispatch, completion, /help
 * and the COMMANDS section of the man page. Sorted by name. */
#include "backchat/cmd.h"
#include "handlers.h"

static const char *const account_subs[] = {"add", "default", "list", "remove",
                                           "set", "show", NULL};
static const char *const tls_subs[] = {"deny", "forget", "show", "trust", NULL};
static const char *const scroll_subs[] = {"bottom", "down", "top", "up", NULL};

static const bc_cmd table[] = {
    {"account", "[list|show NAME|add NAME JID [HOST[:PORT]]|set NAME KEY [VALUE]|default NAME|remove NAME]",
     "Manage accounts",
     "Accounts live in $XDG_CONFIG_HOME/backchat/accounts (mode 0600).\n"
     "/account list shows them; /account show NAME shows one (never the password).\n"
     "/account add NAME JID [HOST[:PORT]] creates one and asks for the password "
     "(not echoed; press Enter to be asked at each /connect instead). HOST and PORT "
     "override the server found from the JID.\n"
     "/account set NAME KEY VALUE changes a setting: jid, resource, server, port, "
     "tls (starttls or direct; TLS is always required), eval_password (a shell "
     "command that prints the password, e.g. \"pass show xmpp\"). "
     "/account set NAME password asks for a new password.\n"
     "/account default NAME picks the account backchat connects at start; "
     "/account remove NAME deletes one.",
     account_subs, BC_COMPLETE_ACCOUNT, 0, -1, bc_cmd_account},
    {"close", "[N]", "Close the current tab (or tab N)",
     "Closes a chat tab. The console (tab 1) stays. The conversation stays in the "
     "local log.",
     NULL, BC_COMPLETE_TAB, 0, 1, bc_cmd_close},
    {"connect", "[ACCOUNT]", "Connect (the current or default account, or ACCOUNT)",
     "Connects with TLS (mandatory). The password comes from the accounts file, "
     "from eval_password, or is asked for (not echoed). If the server's certificate "
     "cannot be verified, its details are shown and /tls trust or /tls deny decides.",
     NULL, BC_COMPLETE_ACCOUNT, 0, 1, bc_cmd_connect},
    {"disconnect", "", "Close the connection cleanly",
     "Ends the XMPP stream and closes the connection. /connect connects again.",
     NULL, BC_COMPLETE_NONE, 0, 0, bc_cmd_disconnect},
    {"help", "[COMMAND]", "List commands, or explain one",
     "/help lists every command with a one-line summary; /help COMMAND explains "
     "one. Keys: Alt-1..Alt-0 and Alt-Left/Right switch tabs, PgUp/PgDn scroll, "
     "Ctrl-L redraws, Tab completes commands and JIDs, Up/Down recall history.",
     NULL, BC_COMPLETE_COMMAND, 0, 1, bc_cmd_help},
    {"msg", "JID [TEXT]", "Open a chat with JID, and send TEXT if given",
     "Opens (or switches to) the tab for JID. With TEXT, sends it as a chat "
     "message. In a chat tab, any line not starting with / is sent to that "
     "contact; start a line with // to send a line beginning with /.",
     NULL, BC_COMPLETE_JID, 1, -1, bc_cmd_msg},
    {"quit", "", "Close the connection cleanly and exit",
     "Ends the XMPP stream (waiting briefly for the server to close it), writes "
     "the log and exits.",
     NULL, BC_COMPLETE_NONE, 0, 0, bc_cmd_quit},
    {"redraw", "", "Repaint the whole screen (Ctrl-L)",
     "Clears and repaints the terminal, e.g. after another program wrote to it.",
     NULL, BC_COMPLETE_NONE, 0, 0, bc_cmd_redraw},
    {"scroll", "up|down|top|bottom", "Scroll the conversation (PgUp/PgDn)",
     "Scrolls the current tab by a page; top goes to the oldest line kept in "
     "memory, bottom back to the newest.",
     scroll_subs, BC_COMPLETE_NONE, 1, 1, bc_cmd_scroll},
    {"tls", "trust|deny|show|forget", "Decide about a server certificate",
     "When the server's certificate cannot be verified against the system's "
     "certificate authorities, backchat does not connect: it shows the "
     "certificate's subject, issuer, SHA-256 fingerprint and validity.\n"
     "/tls trust pins that certificate for this account (stored in "
     "$XDG_DATA_HOME/backchat/ACCOUNT/trusted-certs) and connects; later "
     "connections accept that certificate. If the server later presents another "
     "certificate that the system cannot verify either, backchat refuses loudly "
     "(CERTIFICATE CHANGED); /tls trust then replaces the pin, after you have "
     "checked the new fingerprint. A certificate the system's authorities verify "
     "is always accepted.\n"
     "/tls deny refuses it. /tls show shows the pending or pinned certificate. "
     "/tls forget removes the pin for the current account's server.",
     tls_subs, BC_COMPLETE_NONE, 1, 1, bc_cmd_tls},
    {"win", "N|next|prev", "Switch to tab N (Alt-1..Alt-0, Alt-Left/Right)",
     "Tab 1 is the console. next and prev move one tab right or left, wrapping.",
     NULL, BC_COMPLETE_WINDOW, 1, 1, bc_cmd_win},
};

const bc_cmd *bc_cmd_table(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}

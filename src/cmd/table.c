/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command table: the single source for dispatch, completion, /help
 * and the COMMANDS section of the man page. Sorted by name. */
#include "backchat/cmd.h"
#include "handlers.h"

static const char *const account_subs[] = {"add", "default", "list", "remove",
                                           "set", "show", NULL};
static const char *const tls_subs[] = {"deny", "forget", "show", "trust", NULL};
static const char *const scroll_subs[] = {"bottom", "down", "top", "up", NULL};
static const char *const roster_subs[] = {"add", "by", "group", "hide", "list", "offline",
                                          "remove", "rename", "show", "toggle", "width", NULL};
static const char *const sub_subs[] = {"allow", "cancel", "deny", "pending", "request", NULL};

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
    {"block", "JID", "Block a contact (XEP-0191)",
     "The server stops delivering anything from JID: messages, presence, requests. "
     "/unblock undoes it; /blocked lists who is blocked.",
     NULL, BC_COMPLETE_JID, 1, 1, bc_cmd_block},
    {"blocked", "", "List blocked contacts", "Lists the JIDs the server blocks for you.",
     NULL, BC_COMPLETE_NONE, 0, 0, bc_cmd_blocked},
    {"board", "[GROUP] | sort status|name|time", "Team board: who is available now",
     "Opens a tab with everyone in roster group GROUP (or everyone in the roster) as a "
     "grid: name, status, activity or message, time in that status, idle time, with "
     "counts per status at the top (\"Support: 12 available, 3 on a call, 2 at lunch\"). "
     "It updates live.\n"
     "/board sort status|name|time orders the rows in a board tab (time: longest in "
     "their status first).",
     NULL, BC_COMPLETE_GROUP, 0, -1, bc_cmd_board},
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
    {"info", "JID", "Everything known about a contact",
     "Shows the contact's name, status and how long they have had it, activity, "
     "subscription, groups, and each resource (device) with its status, priority, "
     "idle time and client (asked with XEP-0092); for an offline contact, when they "
     "were last seen (XEP-0012).",
     NULL, BC_COMPLETE_JID, 1, 1, bc_cmd_info},
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
    {"roster", "[list|add JID [NAME] [GROUP...]|remove JID|rename JID NAME|group add|remove JID GROUP|show|hide|toggle|by group|status|none|offline show|hide|width N]",
     "Contacts and the buddy list panel",
     "/roster (or /roster list) lists your contacts with status, message, activity "
     "and groups.\n"
     "/roster add JID [NAME] [GROUP...] adds a contact (then /sub request JID to see "
     "their presence); remove, rename and group add|remove change the roster on the "
     "server, so every device sees it.\n"
     "/roster show|hide|toggle shows or hides the buddy list panel (also F12); "
     "/roster by group|status|none groups it; /roster offline show|hide; "
     "/roster width N sets its width (also Alt-[ and Alt-]). Alt-Up/Alt-Down select a "
     "contact and Alt-Enter opens a chat with them.",
     roster_subs, BC_COMPLETE_JID, 0, -1, bc_cmd_roster},
    {"scroll", "up|down|top|bottom", "Scroll the conversation (PgUp/PgDn)",
     "Scrolls the current tab by a page; top goes to the oldest line kept in "
     "memory, bottom back to the newest.",
     scroll_subs, BC_COMPLETE_NONE, 1, 1, bc_cmd_scroll},
    {"status", "[NAME [DURATION] [MESSAGE]]", "Set your availability (F1..F6 presets)",
     "/status alone shows your status and the presets.\n"
     "NAME is available, chat, away, xa, dnd (busy), or a preset: available (F1), "
     "lunch (F2, At Lunch), busy (F3), meeting (F4, In a Meeting), training (F5), "
     "call (F6, On a Call). Presets also publish an activity (XEP-0108) such as "
     "talking/on_the_phone, so other clients and the team board show it. Define more "
     "in the config file as [preset.NAME] groups.\n"
     "DURATION makes it temporary: 30m, 1h, 1h30m, or until 15:00; then the previous "
     "status comes back by itself, and the status line shows the time left. "
     "MESSAGE replaces the status text. Examples: /status lunch 30m, "
     "/status training until 15:00, /status away back at 3.\n"
     "After 15 minutes without a key press an available status turns away, after "
     "60 xa (config [status] autoaway_minutes, autoxa_minutes; 0 turns it off); the "
     "first key brings it back. A status you chose (busy, a preset) is never "
     "changed automatically.",
     NULL, BC_COMPLETE_STATUS, 0, -1, bc_cmd_status},
    {"sub", "request|allow|deny|cancel JID | pending", "Presence subscriptions",
     "/sub request JID asks to see JID's presence; /sub allow JID and /sub deny JID "
     "answer their request (shown in the console when it arrives); /sub cancel JID "
     "stops following their presence; /sub pending lists open requests.",
     sub_subs, BC_COMPLETE_JID, 1, 2, bc_cmd_sub},
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
    {"unblock", "JID", "Unblock a contact",
     "Undoes /block JID.", NULL, BC_COMPLETE_JID, 1, 1, bc_cmd_block},
    {"win", "N|next|prev", "Switch to tab N (Alt-1..Alt-0, Alt-Left/Right)",
     "Tab 1 is the console. next and prev move one tab right or left, wrapping.",
     NULL, BC_COMPLETE_WINDOW, 1, 1, bc_cmd_win},
};

const bc_cmd *bc_cmd_table(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}

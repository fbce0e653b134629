/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command table: the single source for dispatch, completion, /help
 * and the COMMANDS section of the man page. Sorted by name. */
#include "backchat/cmd.h"
#include "handlers.h"

static const char *const account_subs[] = {"add", "default", "list", "remove",
                                           "set", "show", NULL};
static const char *const tls_subs[] = {"deny", "forget", "show", "trust", NULL};
static const char *const scroll_subs[] = {"bottom", "down", "top", "unread", "up", NULL};
static const char *const roster_subs[] = {"add", "by", "group", "hide", "list", "offline",
                                          "remove", "rename", "show", "toggle", "width", NULL};
static const char *const sub_subs[] = {"allow", "cancel", "deny", "pending", "request", NULL};
static const char *const find_subs[] = {"clear", "next", "prev", NULL};
static const char *const log_subs[] = {"off", "on", "purge", "status", NULL};

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
    {"ack", "[N|all]", "Acknowledge a priority announcement (Alt-k)",
     "A priority or server announcement stays in the banner across the top of every tab "
     "until you acknowledge it. /ack (or Alt-k) acknowledges the one in the banner, /ack N "
     "announcement N of the Announcements tab (its number is shown there, e.g. "
     "[priority #3]; a normal marked announcement can be acknowledged too), /ack all "
     "every one. The sender of a marked announcement sees your acknowledgement (an "
     "XEP-0333 acknowledged marker) in their roll-up.",
     NULL, BC_COMPLETE_NONE, 0, 1, bc_cmd_ack},
    {"affiliation", "list AFFILIATION | set JID AFFILIATION [REASON]",
     "Room affiliations: list or change (owner, admin, member, none, outcast)",
     "In a room tab: /affiliation list member (or owner, admin, outcast) lists the JIDs "
     "with that affiliation; /affiliation set JID member [REASON] changes one (outcast "
     "bans, none removes). Needs the room's admin or owner rights; the server's refusal "
     "is shown as it comes.",
     (const char *const[]){"list", "set", NULL}, BC_COMPLETE_JID, 2, -1, bc_cmd_affiliation},
    {"announce", "[--priority] [--escalate DURATION] TARGET TEXT | --server TEXT | status [N] | list",
     "Send an announcement and follow who has seen it",
     "Sends TEXT to TARGET: a roster group (every member gets it as a 1:1 message), a "
     "room, or JIDs separated by commas. It carries backchat's announcement marker "
     "(see the man page; other clients show a normal message) and asks for delivery "
     "receipts (XEP-0184) and read markers (XEP-0333).\n"
     "--priority makes it a priority announcement: backchat users get it in a banner "
     "that stays until they acknowledge it. The Announcements tab keeps a live roll-up "
     "per announcement: delivered 11/12, acknowledged 7/12, and who has not.\n"
     "--escalate 2m (with --priority; 90s, 1h and 1d work too): whoever has not "
     "acknowledged after 2 minutes "
     "gets an attention request (XEP-0224), once more after another 2 minutes, never "
     "more often than [announce] min_nudge_interval seconds.\n"
     "--server TEXT sends a service-wide announcement through the server's ad-hoc "
     "command (XEP-0133); the account must be a server admin.\n"
     "/announce status [N] shows the roll-up of announcement N (default the latest); "
     "/announce list lists what you sent.",
     (const char *const[]){"--escalate", "--priority", "--server", "list", "status", NULL},
     BC_COMPLETE_TARGET, 1, -1, bc_cmd_announce},
    {"attention", "JID [TEXT]", "Ask a contact for attention (XEP-0224)",
     "Sends an attention request (a \"buzz\") to JID, with TEXT if given. backchat shows "
     "one it receives in the Announcements tab and notifies.",
     NULL, BC_COMPLETE_JID, 1, -1, bc_cmd_attention},
    {"ban", "JID [REASON]", "Ban a JID from the current room",
     "Sets JID's affiliation to outcast: the room removes them and refuses them from "
     "then on (/affiliation set JID none lifts it). Needs admin rights in the room.",
     NULL, BC_COMPLETE_JID, 1, -1, bc_cmd_ban},
    {"bind", "[KEY [COMMAND]]", "Bind a key to a command",
     "/bind KEY COMMAND makes KEY run COMMAND as if typed (e.g. /bind M-m /msg bob, "
     "/bind F7 /status busy; text without / is sent to the current conversation). "
     "KEY is M-x (Alt and a character), C-x (Ctrl and a letter, not C-i, C-j or C-m) "
     "or F1..F12. A binding takes precedence over what the key does otherwise: the "
     "status presets on F1..F6, the panel keys F11/F12, Alt-1..Alt-0 and the other "
     "built-in keys (/unbind KEY gives it back). /bind alone lists the bindings, "
     "/bind KEY shows one. Bindings are saved in the [keys] group of the config file "
     "(KEY = COMMAND), read at start.",
     NULL, BC_COMPLETE_NONE, 0, -1, bc_cmd_bind},
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
    {"bookmark", "[list] | add [ROOM] [--autojoin|--no-autojoin] [--nick NICK] [--name NAME] [--password PW] | remove [ROOM]",
     "Bookmarked rooms, joined at connect",
     "Bookmarks live on the server (XEP-0402, or XEP-0048 private storage where the "
     "server lacks it), so every device sees them. /bookmark add saves the current room "
     "(or ROOM), with autojoin unless --no-autojoin: it is joined at every connect and "
     "after a reconnection. /bookmark remove forgets one; /bookmark (or list) lists them.",
     (const char *const[]){"add", "list", "remove", NULL}, BC_COMPLETE_ROOM, 0, -1,
     bc_cmd_bookmark},
    {"callmode", "ROOM [BACKCHANNEL] | off", "Call mode: the call's room and a back-channel side by side",
     "/callmode ROOM [BACKCHANNEL] is for a conference call: it saves the layout and your "
     "status, shows ROOM (a joined room: its JID or name) on the left, focused, and the "
     "BACKCHANNEL on the right (a JID for a 1:1 chat, or another room; by default the 1:1 "
     "chat last talked in), sets your status to the call preset (On a Call, busy), and "
     "holds desktop notifications but mentions and priority announcements. The status "
     "line shows CALL meanwhile.\n"
     "Alt-w sends the input line to the back-channel without leaving the room (a whisper); "
     "Enter still sends to the focused pane's conversation.\n"
     "/callmode off restores the layout and status from before; /callmode alone says "
     "whether it is on.",
     NULL, BC_COMPLETE_ROOM, 0, 2, bc_cmd_callmode},
    {"canned", "[list] | add NAME TEXT | remove NAME", "Canned responses",
     "/canned add NAME TEXT saves TEXT under NAME (letters, digits, - and _); in a "
     "conversation, type :NAME and Tab to put TEXT in the input line (the start of a "
     "name will do when only one name starts so; else Tab lists them). /canned list (or /canned alone) lists them, "
     "/canned remove NAME deletes one. They are saved in the [canned] group of the "
     "config file.",
     (const char *const[]){"add", "list", "remove", NULL}, BC_COMPLETE_NONE, 0, -1,
     bc_cmd_canned},
    {"close", "[N]", "Close the current tab (or tab N)",
     "Closes a chat tab. The console (tab 1) stays. The conversation stays in the "
     "local log.",
     NULL, BC_COMPLETE_TAB, 0, 1, bc_cmd_close},
    {"connect", "[ACCOUNT]", "Connect (the current or default account, or ACCOUNT)",
     "Connects with TLS (mandatory). The password comes from the accounts file, "
     "from eval_password, or is asked for (not echoed). If the server's certificate "
     "cannot be verified, its details are shown and /tls trust or /tls deny decides.",
     NULL, BC_COMPLETE_ACCOUNT, 0, 1, bc_cmd_connect},
    {"correct", "TEXT", "Correct your last message in this tab",
     "Replaces the last message you sent in the current chat, private chat or room "
     "with TEXT (a last message correction, XEP-0308): the line shows the new text "
     "marked \"(edited)\", and the recipients' clients that support corrections replace "
     "it too (others show TEXT as a new message). Correcting again still replaces the "
     "original. The local log keeps the original text, linked to its correction. "
     "Needs a connection: corrections are not queued while offline.",
     NULL, BC_COMPLETE_NONE, 1, -1, bc_cmd_correct},
    {"disconnect", "", "Close the connection cleanly",
     "Ends the XMPP stream and closes the connection. /connect connects again.",
     NULL, BC_COMPLETE_NONE, 0, 0, bc_cmd_disconnect},
    {"editor", "[TEXT]", "Compose in your editor (Alt-e)",
     "Opens $VISUAL (or $EDITOR, or vi) on a temporary file (mode 0600, in "
     "$XDG_RUNTIME_DIR or /tmp) holding TEXT, or with Alt-e the input line as typed. "
     "When the editor exits, its text is put in the input line, newlines and all: "
     "Enter sends it. backchat stays connected while the editor runs: messages that "
     "come in meanwhile are received and shown afterwards.",
     NULL, BC_COMPLETE_NONE, 0, -1, bc_cmd_editor},
    {"export", "[JID] [--since DATE] [--until DATE] [--format text|jsonl|csv] FILE",
     "Write the local log (or one conversation's) to a file",
     "Writes the messages of conversation JID, or of all conversations, to FILE "
     "(created with mode 0600, written whole or not at all; ~/ is the home directory), "
     "and says how many.\n"
     "--since DATE and --until DATE limit it to those days (DATE is YYYY-MM-DD, today, "
     "yesterday, or Nd for N days ago; until includes its whole day).\n"
     "--format text (the default) writes one message per line, \"YYYY-MM-DD HH:MM:SS "
     "CONVERSATION SENDER: TEXT\" in local time with newlines shown as \\n; jsonl one "
     "JSON object per message with every field; csv a header and one row per message "
     "(RFC 4180). The shell command backchat export does the same without the UI.",
     NULL, BC_COMPLETE_JID, 1, -1, bc_cmd_export},
    {"find", "WORDS | next | prev | clear", "Find in this conversation (Ctrl-R)",
     "Searches the local log of the current chat tab and jumps to the newest match: "
     "the tab shows the conversation at that moment with the line highlighted, and the "
     "status line counts the matches. /find next (or Ctrl-R on an empty input line) "
     "goes to the next older match, /find prev (Ctrl-S) to the next newer one, /find "
     "clear back to the newest lines. WORDS are a query as for /search (to find the "
     "word next, quote it: /find \"next\").\n"
     "Ctrl-R on an empty input line in a chat tab starts \"/find \" for you; with text "
     "typed, and in other tabs, Ctrl-R and Ctrl-S keep their readline meaning "
     "(searching the input history).",
     find_subs, BC_COMPLETE_NONE, 1, -1, bc_cmd_find_in},
    {"help", "[COMMAND]", "List commands, or explain one",
     "/help lists every command with a one-line summary; /help COMMAND explains "
     "one. Keys: Alt-1..Alt-0 and Alt-Left/Right switch tabs, PgUp/PgDn scroll, "
     "Ctrl-L redraws, Tab completes commands and JIDs, Up/Down recall history "
     "(in the search tab they select a result, Enter opens it), Ctrl-R on an empty "
     "line in a chat finds in the conversation (/find). Alt-k acknowledges the priority "
     "announcement in the banner (/ack), F11 shows or hides a room's occupant list "
     "(/occupants), F12 the buddy list, and Tab in a room tab completes nicks (\"nick: \" "
     "at the start of a line; Tab again for the next).",
     NULL, BC_COMPLETE_COMMAND, 0, 1, bc_cmd_help},
    {"hotlist", "", "Tabs with activity, most urgent first (Alt-a)",
     "Lists the tabs with activity you have not seen, most urgent first: a mention or "
     "priority announcement (red in the tab bar), a 1:1 or private message (green), a "
     "room message (bold), joins and leaves (dim); at the same level, the one waiting "
     "longest first. Each shows its unread count and how long it has been active; "
     "chats whose last incoming message has no reply yet say for how long (also shown "
     "in the tab bar, \"2:bob(1) 3m\", and the buddy list; in the warning colour after "
     "[hotlist] reply_warn_minutes, default 5). Alt-a goes to the first tab of the "
     "list; pressing it again goes on down the list. Alt-u (/scroll unread) goes to the "
     "first unread line, under the \"new\" marker.",
     NULL, BC_COMPLETE_NONE, 0, 0, bc_cmd_hotlist},
    {"info", "JID", "Everything known about a contact",
     "Shows the contact's name, status and how long they have had it, activity, "
     "subscription, groups, and each resource (device) with its status, priority, "
     "idle time and client (asked with XEP-0092); for an offline contact, when they "
     "were last seen (XEP-0012).",
     NULL, BC_COMPLETE_JID, 1, 1, bc_cmd_info},
    {"invite", "JID [REASON] | accept [ROOM] | decline [ROOM] | list",
     "Invite someone to the current room, or answer an invitation",
     "/invite JID [REASON] in a room tab sends JID a direct invitation (XEP-0249, with "
     "the room's password if it has one).\n"
     "An invitation you receive is shown in the console; /invite accept [ROOM] joins "
     "(the newest invitation without ROOM), /invite decline [ROOM] declines, /invite "
     "list lists the ones waiting.",
     (const char *const[]){"accept", "decline", "list", NULL}, BC_COMPLETE_JID, 1, -1,
     bc_cmd_invite},
    {"join", "ROOM[/NICK] [PASSWORD]", "Join a group chat (room)",
     "Joins ROOM (room@service; a bare name joins it on the account's conference "
     "service) as NICK (default: [muc] nick in the config, else your JID's local part) "
     "and opens its tab. A room that does not exist is created, and stays locked until "
     "you configure it (/roomconfig) or accept the defaults (/roomconfig instant).\n"
     "On join, the room's archive (XEP-0313) fills what you missed since the last "
     "message in your local log, without duplicates; rooms without an archive send "
     "their recent history. Your nick in a message is highlighted and counted apart "
     "from other unread messages. Tab completes nicks. /msg NICK opens a private chat "
     "with an occupant.",
     NULL, BC_COMPLETE_ROOM, 0, 2, bc_cmd_join},
    {"kick", "NICK [REASON]", "Kick an occupant out of the current room",
     "Sets NICK's role to none: they leave the room and may come back. Needs the "
     "moderator role.",
     NULL, BC_COMPLETE_NICK, 1, -1, bc_cmd_kick},
    {"layout", "save NAME | load NAME | delete NAME | list", "Save and load pane layouts",
     "/layout save NAME saves the panes as they are (their splits, sizes, what each shows "
     "and which is focused) in $XDG_DATA_HOME/backchat/layouts; /layout load NAME brings "
     "them back (refused if the terminal is too small for them), /layout delete NAME "
     "forgets one, /layout list names them. NAME: up to 32 letters, digits, '.', '_', '-'.\n"
     "The layout in use at exit is restored at the next start (a single pane is not "
     "saved). Chats of a restored layout are opened again; a room pane shows its room "
     "once it is joined or if it is bookmarked, and the console until then.",
     (const char *const[]){"delete", "list", "load", "save", NULL}, BC_COMPLETE_LAYOUT, 0, 2,
     bc_cmd_layout},
    {"leave", "[ROOM] [REASON]", "Leave the current room (or ROOM)",
     "Leaves the room; its tab stays open (with /close to close it) and its log stays. "
     "A bookmark with autojoin still joins it at the next connect.",
     NULL, BC_COMPLETE_ROOM, 0, -1, bc_cmd_leave},
    {"log", "[on|off|status [JID]] | purge JID [confirm]", "Logging of a conversation",
     "Every message is logged locally (see /search, /export). /log off stops logging "
     "the conversation of the current tab (or of JID): its new messages are no longer "
     "written to the log; what is there stays. /log on starts again. /log status (or "
     "/log alone) says whether it is logged and how many of its messages the log has.\n"
     "/log purge JID deletes all messages of JID from the log for good; it asks first, "
     "and /log purge JID confirm does it. The hash chain of the rest still verifies "
     "(backchat verify-logs).",
     log_subs, BC_COMPLETE_JID, 0, 3, bc_cmd_log},
    {"msg", "JID [TEXT]", "Open a chat with JID, and send TEXT if given",
     "Opens (or switches to) the tab for JID. With TEXT, sends it as a chat "
     "message. In a chat tab, any line not starting with / is sent to that "
     "contact; start a line with // to send a line beginning with /.",
     NULL, BC_COMPLETE_JID, 1, -1, bc_cmd_msg},
    {"nick", "NICK", "Change your nick in the current room",
     "Asks the room for the new nick; a nick already taken is refused by the room, and "
     "the refusal is shown.",
     NULL, BC_COMPLETE_NONE, 1, 1, bc_cmd_nick},
    {"notify", "[all|mentions|none [JID]] | quiet HH:MM-HH:MM|off | hold on|off",
     "What gives a desktop notification",
     "Desktop notifications (libnotify) come for a message in a 1:1 conversation not in "
     "view, a mention of your name, an attention request, a subscription request and a "
     "priority announcement (critical urgency). Each conversation has one notification, "
     "replaced by the next rather than stacked; its summary is the sender's name, its "
     "body the text (config [notify] show_text=false hides it).\n"
     "/notify alone shows the settings and whether notifications work.\n"
     "/notify all|mentions|none [JID] sets the level of JID's conversation (or the "
     "current one; in the console, the default for all: all unless config [notify] "
     "level says otherwise). mentions notifies only when the text names you.\n"
     "/notify quiet HH:MM-HH:MM sets quiet hours (they may cross midnight, e.g. "
     "22:00-07:30; config [notify] quiet); /notify quiet off ends them. During quiet "
     "hours and while your status is dnd only priority announcements notify.\n"
     "/notify hold on holds every notification but priority announcements and mentions "
     "(during a call); /notify hold off ends it.\n"
     "Without a notification service (or with [notify] desktop=false) backchat rings "
     "the terminal bell instead ([notify] bell=false silences it) and shows the unread "
     "count in the terminal's window title. Notifications never "
     "make backchat wait: they are sent by a separate thread.",
     (const char *const[]){"all", "hold", "mentions", "none", "quiet", NULL}, BC_COMPLETE_JID, 0, 2,
     bc_cmd_notify},
    {"occupants", "[show|hide|toggle]", "The occupant list of room tabs (F11)",
     "In a room tab the panel on the right lists the occupants by role (moderators, "
     "participants, visitors) with their status and affiliation. /occupants toggle "
     "(or F11) shows or hides it. Marks: ~ owner, & admin, + member; your own nick is "
     "bold. Hidden, the conversation takes the full width (the buddy list, F12, shows in "
     "other tabs).",
     (const char *const[]){"hide", "show", "toggle", NULL}, BC_COMPLETE_NONE, 0, 1,
     bc_cmd_occupants},
    {"pane", "list | close | swap | resize +N|-N | next | prev | left | right | up | down",
     "Work with split panes (Ctrl-W keys)",
     "Split panes (/split) each show a conversation; the focused one (its header "
     "highlighted) is where you type, what Alt-1..Alt-0 and /win change, what PgUp/PgDn "
     "scroll and what the title bar describes. Each pane keeps its own scroll: a pane "
     "that loses the focus stays where it was; unread counts clear only for the focused "
     "pane's conversation.\n"
     "/pane list lists the panes; /pane close closes the focused one (Ctrl-W c); /pane swap "
     "exchanges its conversation with the next pane's, the focus following it (Ctrl-W x); "
     "/pane resize +N or -N grows or shrinks it by N columns or rows (Ctrl-W + and -); "
     "/pane next, prev, left, right, up, down move the focus (Ctrl-W w, W, and h, l, k, j "
     "or the arrows).\n"
     "Ctrl-W is the pane prefix key: Ctrl-W followed by any other key deletes the word "
     "before the cursor as before, then types the key.",
     (const char *const[]){"close", "down", "left", "list", "next", "prev", "resize", "right",
                           "swap", "up", NULL},
     BC_COMPLETE_NONE, 0, 2, bc_cmd_pane},
    {"quit", "", "Close the connection cleanly and exit",
     "Ends the XMPP stream (waiting briefly for the server to close it), writes "
     "the log and exits.",
     NULL, BC_COMPLETE_NONE, 0, 0, bc_cmd_quit},
    {"redraw", "", "Repaint the whole screen (Ctrl-L)",
     "Clears and repaints the terminal, e.g. after another program wrote to it.",
     NULL, BC_COMPLETE_NONE, 0, 0, bc_cmd_redraw},
    {"role", "NICK ROLE [REASON]", "Change an occupant's role (moderator, participant, visitor, none)",
     "In a room tab: /role NICK visitor takes their voice, participant gives it back, "
     "moderator makes them a moderator, none kicks. Needs the moderator role (admins "
     "for moderator).",
     (const char *const[]){"moderator", "none", "participant", "visitor", NULL},
     BC_COMPLETE_NICK, 2, -1, bc_cmd_role},
    {"roomconfig", "[show | set VAR=VALUE... | instant]", "Configure the current room",
     "/roomconfig (or show) fetches the room's configuration form (XEP-0004) and lists "
     "each field: its name (VAR), label, type, value and options. /roomconfig set "
     "muc#roomconfig_roomname=\"Team room\" muc#roomconfig_persistentroom=1 changes "
     "fields (several values of a list separated by commas); the others keep their "
     "values. /roomconfig instant accepts the defaults of a room you just created. "
     "Needs owner rights.",
     (const char *const[]){"instant", "set", "show", NULL}, BC_COMPLETE_NONE, 0, -1,
     bc_cmd_roomconfig},
    {"rooms", "[SERVICE]", "List the rooms of a conference service",
     "Lists the public rooms of SERVICE (default: the account's conference service, "
     "found through service discovery) with their names and how many are in them; "
     "/join ROOM joins one.",
     NULL, BC_COMPLETE_NONE, 0, 1, bc_cmd_rooms},
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
     "contact and Alt-o opens a chat with them.",
     roster_subs, BC_COMPLETE_JID, 0, -1, bc_cmd_roster},
    {"scroll", "up|down|top|bottom|unread", "Scroll the conversation (PgUp/PgDn)",
     "Scrolls the current tab by a page; top goes to the first line of the "
     "conversation, bottom back to the newest, unread (Alt-u) to the first line that "
     "came in while you were in another tab (under the \"new\" marker). In a chat, scrolling back goes on "
     "into the local log as far as it reaches, with no paging step; only a window of "
     "lines is kept in memory ([ui] scrollback).",
     scroll_subs, BC_COMPLETE_NONE, 1, 1, bc_cmd_scroll},
    {"search", "WORDS", "Search all conversations in the local log",
     "Opens the search tab with the messages that match, newest first: time, "
     "conversation, sender, the text around the match with the matching words "
     "highlighted, and the message before it. Up/Down (and PgUp/PgDn) select a result; "
     "Enter on an empty input line opens its conversation at that moment, the line "
     "highlighted.\n"
     "WORDS: words (all must match, in any order), \"a phrase\", prefix* (words "
     "starting with it), and AND, OR, NOT in capitals (\"budget NOT draft\"). Filters: "
     "with:JID (a conversation; without @, any JID with that local part), in:ROOM, "
     "from:NICK_OR_JID, since:DATE, until:DATE (YYYY-MM-DD, today, yesterday, or Nd for "
     "N days ago). Example: /search invoice* from:alice since:7d. Matching ignores case "
     "and accents. At most 200 results are listed.",
     NULL, BC_COMPLETE_NONE, 1, -1, bc_cmd_search},
    {"split", "v|h", "Split the focused pane in two",
     "/split v splits with a vertical divider: two panes side by side (Ctrl-W v); /split h "
     "with a horizontal divider: one pane above the other (Ctrl-W s). The new pane (right or "
     "below) shows the same conversation and takes the focus; switch its tab with "
     "Alt-1..Alt-0 or /win. Up to 6 panes; a pane must keep 20 columns and 3 rows, so a "
     "split that does not fit is refused (widen the terminal or hide the buddy list with "
     "F12). /pane moves between them, /unsplit goes back to one, /layout saves them.",
     (const char *const[]){"h", "v", NULL}, BC_COMPLETE_NONE, 0, 1, bc_cmd_split_pane},
    {"stats", "[--since DATE]", "Usage report from the local log",
     "Shows, in the current tab, the report of backchat stats: messages in and out, "
     "per day, the busiest conversations and hours, and for 1:1 conversations the "
     "median and 90th-percentile time you took to reply to an incoming message. "
     "--since DATE counts only from that day on (YYYY-MM-DD, today, yesterday, Nd).",
     NULL, BC_COMPLETE_NONE, 0, 2, bc_cmd_stats},
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
    {"theme", "[list | load NAME | show]", "Colour themes",
     "/theme list (or /theme alone) lists the themes found, * marking the one in use; "
     "/theme load NAME switches to NAME at once and redraws everything (to keep it, set "
     "theme = NAME in the [ui] group of the config file); /theme show lists every key of "
     "the theme in use with its value.\n"
     "Themes are files NAME.theme: your own in $XDG_CONFIG_HOME/backchat/themes override "
     "the installed ones (default, light, high-contrast, solarized-dark, mono, 256). A "
     "line a theme cannot use is reported with its file and line number and skipped. "
     "Colours are names, 0-255 or #rrggbb (truecolor where the terminal has it, else "
     "the nearest colour); NO_COLOR in the environment keeps only the attributes. "
     "Nicks get a colour of their own (XEP-0392). See backchat-themes(5).",
     (const char *const[]){"list", "load", "show", NULL}, BC_COMPLETE_NONE, 0, 2,
     bc_cmd_theme},
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
    {"topic", "[TEXT]", "Show or change the room's subject",
     "/topic alone shows the subject of the current room; /topic TEXT sets it (the room "
     "may allow only moderators to).",
     NULL, BC_COMPLETE_NONE, 0, -1, bc_cmd_topic},
    {"unbind", "KEY", "Remove a key binding",
     "Undoes /bind KEY: the key does what it did before (a status preset, a built-in "
     "action, or nothing) and the [keys] line of the config file goes.",
     NULL, BC_COMPLETE_NONE, 1, 1, bc_cmd_unbind},
    {"unblock", "JID", "Unblock a contact",
     "Undoes /block JID.", NULL, BC_COMPLETE_JID, 1, 1, bc_cmd_block},
    {"unsplit", "", "Back to one pane (Ctrl-W o)",
     "Closes every pane but the focused one, which then takes the whole view.", NULL,
     BC_COMPLETE_NONE, 0, 0, bc_cmd_unsplit},
    {"win", "N|next|prev", "Switch to tab N (Alt-1..Alt-0, Alt-Left/Right)",
     "Tab 1 is the console. next and prev move one tab right or left, wrapping.",
     NULL, BC_COMPLETE_WINDOW, 1, 1, bc_cmd_win},
};

const bc_cmd *bc_cmd_table(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for our own status (src/core/status.c): presets, config overrides, durations, timed statuses, auto-away. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/loop.h"
#include "backchat/paths.h"
#include "backchat/presence.h"
#include "backchat/status.h"
#include "tmpdir.h"

/* ---- a monotonic clock the tests can move forward ---------------------- */

/* Auto-away counts idle minutes on the loop's monotonic clock
 * (bc_now_ms() -> clock_gettime(CLOCK_MONOTONIC)). Waiting 15 real
 * minutes is not an option, so this binary defines clock_gettime itself:
 * the library objects are linked into the executable and bind to it.
 * CLOCK_MONOTONIC runs `skew_ms` ahead; everything else is untouched, and
 * the wall clock (time()) is not affected. */
static int64_t skew_ms;

int clock_gettime(clockid_t clk, struct timespec *ts)
{
    if (syscall(SYS_clock_gettime, clk, ts) != 0)
        return -1;
    if (clk == CLOCK_MONOTONIC && skew_ms > 0) {
        int64_t ns = (int64_t)ts->tv_nsec + (skew_ms % 1000) * 1000000;
        ts->tv_sec += (time_t)(skew_ms / 1000 + ns / 1000000000);
        ts->tv_nsec = (long)(ns % 1000000000);
    }
    return 0;
}

static void advance_ms(int64_t ms) { skew_ms += ms; }
#define MINUTES(n) ((int64_t)(n) * 60000)

/* ---- what the publisher saw --------------------------------------------- */

typedef struct {
    bc_show show;
    char *message, *activity, *activity_text, *preset;
    int64_t until;
    bool automatic;
    int64_t idle_since;
} pub;

static GPtrArray *pubs; /* of pub* */

static void pub_free(pub *p)
{
    g_free(p->message);
    g_free(p->activity);
    g_free(p->activity_text);
    g_free(p->preset);
    g_free(p);
}

static void record(const bc_own_status *st)
{
    pub *p = g_new0(pub, 1);
    p->show = st->show;
    p->message = g_strdup(st->message);
    p->activity = g_strdup(st->activity);
    p->activity_text = g_strdup(st->activity_text);
    p->preset = g_strdup(st->preset);
    p->until = st->until;
    p->automatic = st->automatic;
    p->idle_since = st->idle_since;
    g_ptr_array_add(pubs, p);
}

static const pub *last_pub(void)
{
    if (!pubs->len)
        fail_msg("nothing was published");
    return pubs->pdata[pubs->len - 1];
}

/* ---- fixture: private XDG dirs, console, loop, status ------------------- */

typedef struct {
    char *dir;
    char *config_file;
} fixture;


static int setup(void **state)
{
    skew_ms = 0;
    fixture *f = g_new0(fixture, 1);
    f->dir = bc_test_tmp_xdg("bc-status-XXXXXX");
    if (!f->dir) {
        g_free(f);
        return -1;
    }
    f->config_file = bc_paths_config_file();
    bc_convs_init(1000);
    bc_loop_init();
    bc_config_load(f->config_file, NULL); /* missing: defaults */
    bc_status_init();
    pubs = g_ptr_array_new_with_free_func((GDestroyNotify)pub_free);
    bc_status_set_publisher(record);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bc_status_free();
    bc_status_set_publisher(NULL);
    bc_loop_free();
    bc_config_free();
    bc_convs_free();
    g_ptr_array_free(pubs, TRUE);
    pubs = NULL;
    bc_test_rm_rf(f->dir);
    bc_paths_reset();
    g_free(f->config_file);
    g_free(f->dir);
    g_free(f);
    skew_ms = 0;
    return 0;
}

/* Writes the config file, loads it and starts the status module over. */
static void load_config(fixture *f, const char *ini)
{
    char *dir = g_path_get_dirname(f->config_file);
    assert_true(bc_mkdir_private(dir, NULL));
    g_free(dir);
    assert_true(g_file_set_contents(f->config_file, ini, -1, NULL));
    GError *err = NULL;
    if (!bc_config_load(f->config_file, &err))
        fail_msg("config: %s", err ? err->message : "?");
    bc_status_init();
    g_ptr_array_set_size(pubs, 0);
}

/* ---- helpers -------------------------------------------------------------- */

static void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("\"%s\" does not contain \"%s\"", hay ? hay : "(null)", needle);
}

static size_t console_len(void) { return bc_conv_console()->len; }

/* Console lines from `from` on that contain `needle`. */
static int console_count(size_t from, const char *needle, bc_line_kind *kind)
{
    int n = 0;
    for (size_t i = from; i < console_len(); i++) {
        const bc_line *l = bc_conv_line(bc_conv_console(), i);
        if (strstr(l->text, needle)) {
            if (kind)
                *kind = l->kind;
            n++;
        }
    }
    return n;
}

static const char *console_find(size_t from, const char *needle)
{
    for (size_t i = from; i < console_len(); i++) {
        const bc_line *l = bc_conv_line(bc_conv_console(), i);
        if (strstr(l->text, needle))
            return l->text;
    }
    return NULL;
}

/* bc_status_describe() copied into `buf` and freed, so a failing
 * assertion leaks nothing. */
static const char *describe(char *buf, size_t size)
{
    char *d = bc_status_describe();
    g_strlcpy(buf, d ? d : "(null)", size);
    g_free(d);
    return buf;
}

static const bc_preset *preset(const char *key)
{
    GPtrArray *ps = bc_presets();
    for (guint i = 0; ps && i < ps->len; i++)
        if (strcmp(((bc_preset *)ps->pdata[i])->key, key) == 0)
            return ps->pdata[i];
    fail_msg("no preset with key %s", key);
    return NULL;
}

/* Runs the loop until `pred` holds or `max_ms` passed; returns whether
 * it held. The loop is checked every 10 ms. */
typedef bool (*pred_fn)(void);
static pred_fn waiting_for;
static int64_t wait_deadline;
static bool wait_ok;

static void wait_tick(void *data)
{
    (void)data;
    if (waiting_for && waiting_for()) {
        wait_ok = true;
        bc_loop_quit();
        return;
    }
    if (bc_now_ms() >= wait_deadline) {
        bc_loop_quit();
        return;
    }
    bc_timer_add(10, wait_tick, NULL);
}

static bool run_until(pred_fn pred, int max_ms)
{
    waiting_for = pred;
    wait_deadline = bc_now_ms() + max_ms;
    wait_ok = false;
    bc_timer_add(0, wait_tick, NULL);
    bc_loop_run();
    waiting_for = NULL;
    return wait_ok;
}

static bool never(void) { return false; }
static void run_for(int ms) { run_until(never, ms); }
static bool not_timed(void) { return bc_status_current()->until == 0; }
static bool is_automatic(void) { return bc_status_current()->automatic; }
static bool is_xa(void) { return bc_status_current()->show == BC_SHOW_XA; }

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* ---- presets ---------------------------------------------------------------- */

static void test_defaults(void **state)
{
    (void)state;
    static const struct {
        const char *key, *label;
        bc_show show;
        const char *activity, *text;
        int fkey;
    } want[] = {
        {"available", "Available", BC_SHOW_ONLINE, NULL, NULL, 1},
        {"lunch", "At Lunch", BC_SHOW_AWAY, "eating/having_lunch", NULL, 2},
        {"busy", "Busy", BC_SHOW_DND, NULL, NULL, 3},
        {"meeting", "In a Meeting", BC_SHOW_DND, "working/in_a_meeting", NULL, 4},
        {"training", "Training", BC_SHOW_DND, "working", "Training", 5},
        {"call", "On a Call", BC_SHOW_DND, "talking/on_the_phone", NULL, 6},
    };
    GPtrArray *ps = bc_presets();
    assert_non_null(ps);
    assert_int_equal(ps->len, G_N_ELEMENTS(want));
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        const bc_preset *p = ps->pdata[i];
        assert_string_equal(p->key, want[i].key);
        assert_string_equal(p->label, want[i].label);
        assert_int_equal(p->show, want[i].show);
        if (want[i].activity)
            assert_string_equal(p->activity, want[i].activity);
        else
            assert_null(p->activity);
        if (want[i].text)
            assert_string_equal(p->text, want[i].text);
        else
            assert_null(p->text);
        assert_int_equal(p->fkey, want[i].fkey);
        assert_ptr_equal(bc_preset_for_fkey(want[i].fkey), p);
    }
    assert_null(bc_preset_for_fkey(7));
    assert_null(bc_preset_for_fkey(12));
    assert_null(bc_preset_for_fkey(0));

    const bc_own_status *st = bc_status_current();
    assert_int_equal(st->show, BC_SHOW_ONLINE);
    assert_null(st->message);
    assert_null(st->activity);
    assert_null(st->preset);
    assert_int_equal(st->until, 0);
    assert_false(st->automatic);
}

static void test_preset_find(void **state)
{
    (void)state;
    assert_ptr_equal(bc_preset_find("lunch"), preset("lunch"));
    assert_ptr_equal(bc_preset_find("LUNCH"), preset("lunch"));
    assert_ptr_equal(bc_preset_find("At Lunch"), preset("lunch"));
    assert_ptr_equal(bc_preset_find("at lunch"), preset("lunch"));
    assert_ptr_equal(bc_preset_find("IN A MEETING"), preset("meeting"));
    assert_ptr_equal(bc_preset_find("on a call"), preset("call"));
    assert_ptr_equal(bc_preset_find("Call"), preset("call"));
    assert_null(bc_preset_find("nope"));
    assert_null(bc_preset_find("lunc"));
    assert_null(bc_preset_find(""));
    assert_null(bc_preset_find(NULL));
}

static void test_apply_preset(void **state)
{
    (void)state;
    GError *err = NULL;
    assert_true(bc_status_apply_preset("On a Call", 0, &err));
    assert_null(err);
    const bc_own_status *st = bc_status_current();
    assert_int_equal(st->show, BC_SHOW_DND);
    assert_string_equal(st->message, "On a Call");
    assert_string_equal(st->activity, "talking/on_the_phone");
    assert_null(st->activity_text);
    assert_string_equal(st->preset, "call");
    assert_int_equal(st->until, 0);
    assert_int_equal(pubs->len, 1);
    assert_int_equal(last_pub()->show, BC_SHOW_DND);
    assert_string_equal(last_pub()->activity, "talking/on_the_phone");
    assert_string_equal(last_pub()->preset, "call");

    assert_true(bc_status_apply_preset("training", 0, NULL));
    assert_string_equal(st->activity, "working");
    assert_string_equal(st->activity_text, "Training");
    assert_int_equal(st->show, BC_SHOW_DND);

    assert_true(bc_status_apply_preset("available", 0, NULL));
    assert_int_equal(st->show, BC_SHOW_ONLINE);
    assert_null(st->activity);
    assert_null(st->activity_text);
    assert_int_equal(pubs->len, 3);

    /* Unknown: an error that lists the presets; nothing changes. */
    assert_false(bc_status_apply_preset("nope", 0, &err));
    assert_non_null(err);
    assert_contains(err->message, "nope");
    assert_contains(err->message, "lunch");
    assert_contains(err->message, "call");
    g_error_free(err);
    assert_int_equal(pubs->len, 3);
    assert_string_equal(bc_status_current()->preset, "available");
}

static void test_config_overrides(void **state)
{
    fixture *f = *state;
    size_t n0 = console_len();
    load_config(f, "[preset.lunch]\n"
                   "label=Lunch break\n"
                   "key=F8\n"
                   "\n"
                   "[preset.coffee]\n"
                   "show=away\n"
                   "activity=drinking\n"
                   "text=Coffee\n"
                   "key=F2\n"
                   "\n"
                   "[preset.meeting]\n"
                   "activity=In A Meeting!\n"
                   "\n"
                   "[preset.call]\n"
                   "activity=talking//phone\n"
                   "\n"
                   "[status]\n"
                   "autoaway_minutes=15\n");
    GPtrArray *ps = bc_presets();
    assert_int_equal(ps->len, 7);

    const bc_preset *lunch = preset("lunch");
    assert_string_equal(lunch->label, "Lunch break");
    assert_int_equal(lunch->fkey, 8);
    assert_int_equal(lunch->show, BC_SHOW_AWAY);               /* not overridden */
    assert_string_equal(lunch->activity, "eating/having_lunch"); /* not overridden */
    assert_ptr_equal(bc_preset_find("lunch break"), lunch);
    assert_null(bc_preset_find("At Lunch"));
    assert_ptr_equal(bc_preset_for_fkey(8), lunch);

    const bc_preset *coffee = preset("coffee");
    assert_int_equal(coffee->show, BC_SHOW_AWAY);
    assert_string_equal(coffee->activity, "drinking");
    assert_string_equal(coffee->text, "Coffee");
    assert_int_equal(coffee->fkey, 2);
    assert_string_equal(coffee->label, "coffee");
    assert_ptr_equal(bc_preset_for_fkey(2), coffee);
    assert_ptr_equal(bc_preset_find("COFFEE"), coffee);

    /* Invalid activities are ignored with an error in the console. */
    assert_string_equal(preset("meeting")->activity, "working/in_a_meeting");
    assert_string_equal(preset("call")->activity, "talking/on_the_phone");
    bc_line_kind kind = BC_LINE_SYS;
    assert_int_equal(console_count(n0, "In A Meeting!", &kind), 1);
    assert_int_equal(kind, BC_LINE_ERR);
    assert_contains(console_find(n0, "In A Meeting!"), "preset.meeting");
    assert_int_equal(console_count(n0, "talking//phone", &kind), 1);
    assert_int_equal(kind, BC_LINE_ERR);

    /* The others keep their keys. */
    assert_ptr_equal(bc_preset_for_fkey(1), preset("available"));
    assert_ptr_equal(bc_preset_for_fkey(6), preset("call"));

    /* The new preset works like any other. */
    assert_true(bc_status_apply_preset("coffee", 0, NULL));
    assert_int_equal(bc_status_current()->show, BC_SHOW_AWAY);
    assert_string_equal(bc_status_current()->activity, "drinking");
    assert_string_equal(bc_status_current()->activity_text, "Coffee");
}

static void test_config_key_moves(void **state)
{
    fixture *f = *state;
    size_t n0 = console_len();
    load_config(f, "[preset.coffee]\n"
                   "label=Coffee Break\n"
                   "show=xa\n"
                   "key=f2\n"
                   "\n"
                   "[preset.busy]\n"
                   "key=F13\n");
    const bc_preset *coffee = preset("coffee");
    assert_int_equal(coffee->fkey, 2);
    assert_string_equal(coffee->label, "Coffee Break");
    assert_int_equal(coffee->show, BC_SHOW_XA);
    assert_null(coffee->activity);
    assert_int_equal(preset("lunch")->fkey, 0); /* F2 moved away from lunch */
    assert_ptr_equal(bc_preset_for_fkey(2), coffee);
    /* F13 does not exist: busy keeps F3, with an error. */
    assert_int_equal(preset("busy")->fkey, 3);
    bc_line_kind kind = BC_LINE_SYS;
    assert_int_equal(console_count(n0, "F13", &kind), 1);
    assert_int_equal(kind, BC_LINE_ERR);
}

/* ---- durations ------------------------------------------------------------ */

static int64_t local_time(int64_t base, int day_offset, int h, int m)
{
    time_t t = (time_t)base;
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_mday += day_offset;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

static void test_duration_parse(void **state)
{
    (void)state;
    const int64_t now = 1700000000;
    static const struct {
        const char *s;
        int64_t secs;
    } ok[] = {
        {"30m", 30 * 60},         {"1h", 3600},       {"1h30m", 5400}, {"90s", 90},
        {"2h15", 2 * 3600 + 900}, {"1h1s", 3601},     {"168h", 7 * 24 * 3600},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
        int64_t until = -1;
        GError *err = NULL;
        if (!bc_duration_parse(ok[i].s, now, &until, &err))
            fail_msg("\"%s\" rejected: %s", ok[i].s, err ? err->message : "?");
        if (until != now + ok[i].secs)
            fail_msg("\"%s\": %lld, want now + %lld", ok[i].s, (long long)(until - now),
                     (long long)ok[i].secs);
        assert_null(err);
    }
}

static void test_duration_clock(void **state)
{
    (void)state;
    /* Noon today, local time. */
    const int64_t noon = local_time((int64_t)time(NULL), 0, 12, 0);
    int64_t until = 0;
    assert_true(bc_duration_parse("until 15:00", noon, &until, NULL));
    assert_int_equal(until, local_time(noon, 0, 15, 0));
    assert_true(bc_duration_parse("15:00", noon, &until, NULL));
    assert_int_equal(until, local_time(noon, 0, 15, 0));
    assert_true(bc_duration_parse("until   12:01", noon, &until, NULL));
    assert_int_equal(until, local_time(noon, 0, 12, 1));
    /* Already past, or right now: tomorrow. */
    assert_true(bc_duration_parse("09:30", noon, &until, NULL));
    assert_int_equal(until, local_time(noon, 1, 9, 30));
    assert_true(bc_duration_parse("until 12:00", noon, &until, NULL));
    assert_int_equal(until, local_time(noon, 1, 12, 0));
    assert_true(bc_duration_parse("0:00", noon, &until, NULL));
    assert_int_equal(until, local_time(noon, 1, 0, 0));
    assert_true(bc_duration_parse("23:59", noon, &until, NULL));
    assert_int_equal(until, local_time(noon, 0, 23, 59));

    /* Against the real clock: today if still ahead, else tomorrow. */
    int64_t now = (int64_t)time(NULL);
    int64_t today = local_time(now, 0, 15, 0);
    int64_t want = today > now ? today : local_time(now, 1, 15, 0);
    assert_true(bc_duration_parse("until 15:00", now, &until, NULL));
    assert_int_equal(until, want);
    assert_true(until > now && until <= now + 24 * 3600 + 3600);
}

static void test_duration_invalid(void **state)
{
    (void)state;
    const char *bad[] = {"abc",   "25:00", "10x",   "0m", "8d",          "169h",
                         "until", "12:60", "1h-5m", "m",  "15:00 today", "1:2:3",
                         " 30m",  "-5m",   "0",     "999999h"};
    assert_false(bc_duration_parse(NULL, 0, &(int64_t){0}, NULL));
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        int64_t until = -7;
        GError *err = NULL;
        if (bc_duration_parse(bad[i], 1700000000, &until, &err))
            fail_msg("\"%s\" accepted (until now + %lld)", bad[i], (long long)(until - 1700000000));
        if (!err)
            fail_msg("\"%s\": no error message", bad[i]);
        assert_int_equal(until, -7); /* left alone */
        /* The message shows what would work. */
        char msg[512];
        g_strlcpy(msg, err->message, sizeof msg);
        g_error_free(err);
        if (!strstr(msg, "e.g."))
            fail_msg("\"%s\": message without examples: %s", bad[i], msg);
    }
}

/* An empty duration is an error like any other, with examples. */
static void test_duration_empty(void **state)
{
    (void)state;
    int64_t until = -7;
    GError *err = NULL;
    assert_false(bc_duration_parse("", 1700000000, &until, &err));
    assert_int_equal(until, -7);
    assert_non_null(err);
    char msg[512];
    g_strlcpy(msg, err->message, sizeof msg);
    g_error_free(err);
    if (!strstr(msg, "e.g."))
        fail_msg("\"\": message without examples: %s", msg);
}

/* ---- timed statuses ------------------------------------------------------- */

static void test_timed_reverts(void **state)
{
    (void)state;
    bc_status_set(BC_SHOW_ONLINE, "at my desk", NULL, NULL, NULL, 0);
    assert_int_equal(pubs->len, 1);
    size_t n0 = console_len();
    int64_t until = (int64_t)time(NULL) + 1;
    assert_true(bc_status_apply_preset("lunch", until, NULL));
    const bc_own_status *st = bc_status_current();
    assert_int_equal(st->show, BC_SHOW_AWAY);
    assert_string_equal(st->preset, "lunch");
    assert_int_equal(st->until, until);
    assert_int_equal(pubs->len, 2);
    assert_int_equal(last_pub()->show, BC_SHOW_AWAY);
    assert_string_equal(last_pub()->activity, "eating/having_lunch");
    assert_int_equal(last_pub()->until, until);

    int64_t t0 = bc_now_ms();
    assert_true(run_until(not_timed, 2500));
    assert_true(bc_now_ms() - t0 < 2000);
    assert_true((int64_t)time(NULL) >= until);

    st = bc_status_current();
    assert_int_equal(st->show, BC_SHOW_ONLINE);
    assert_string_equal(st->message, "at my desk");
    assert_null(st->activity);
    assert_null(st->preset);
    assert_int_equal(st->until, 0);
    assert_false(st->automatic);
    assert_int_equal(pubs->len, 3);
    assert_int_equal(last_pub()->show, BC_SHOW_ONLINE);
    assert_string_equal(last_pub()->message, "at my desk");
    assert_null(last_pub()->activity);
    assert_int_equal(last_pub()->until, 0);

    assert_int_equal(console_count(n0, "ended", NULL), 1);
    assert_contains(console_find(n0, "ended"), "At Lunch");

    /* Nothing more happens afterwards. */
    run_for(300);
    assert_int_equal(pubs->len, 3);
    assert_int_equal(console_count(n0, "ended", NULL), 1);
}

static void test_timed_on_timed(void **state)
{
    (void)state;
    bc_status_set(BC_SHOW_DND, "focus", NULL, NULL, NULL, 0);
    size_t n0 = console_len();
    int64_t now = (int64_t)time(NULL);
    assert_true(bc_status_apply_preset("lunch", now + 1, NULL));
    assert_true(bc_status_apply_preset("meeting", now + 2, NULL));
    assert_int_equal(pubs->len, 3);
    assert_string_equal(bc_status_current()->preset, "meeting");

    assert_true(run_until(not_timed, 3500));
    /* The meeting ran its own time (lunch's end did not cut it short)... */
    assert_true((int64_t)time(NULL) >= now + 2);
    /* ...and what comes back is the status from before the first. */
    const bc_own_status *st = bc_status_current();
    assert_int_equal(st->show, BC_SHOW_DND);
    assert_string_equal(st->message, "focus");
    assert_null(st->preset);
    assert_null(st->activity);
    assert_int_equal(pubs->len, 4);
    assert_string_equal(last_pub()->message, "focus");
    assert_int_equal(console_count(n0, "ended", NULL), 1);
    assert_contains(console_find(n0, "ended"), "In a Meeting");
}

static void test_plain_cancels_revert(void **state)
{
    (void)state;
    size_t n0 = console_len();
    int64_t now = (int64_t)time(NULL);
    assert_true(bc_status_apply_preset("lunch", now + 1, NULL));
    bc_status_set(BC_SHOW_DND, "heads down", NULL, NULL, NULL, 0);
    assert_int_equal(bc_status_current()->until, 0);
    guint p = pubs->len;
    run_for(1500);
    const bc_own_status *st = bc_status_current();
    assert_int_equal(st->show, BC_SHOW_DND);
    assert_string_equal(st->message, "heads down");
    assert_int_equal(pubs->len, p);
    assert_int_equal(console_count(n0, "ended", NULL), 0);

    /* The plain status is now what a later timed one returns to. */
    assert_true(bc_status_apply_preset("call", (int64_t)time(NULL) + 1, NULL));
    assert_true(run_until(not_timed, 2500));
    assert_int_equal(st->show, BC_SHOW_DND);
    assert_string_equal(st->message, "heads down");
    assert_null(st->activity);
}

static void test_describe(void **state)
{
    (void)state;
    char buf[256];
    assert_string_equal(describe(buf, sizeof buf), "online");

    bc_status_set(BC_SHOW_AWAY, "back at 3", NULL, NULL, NULL, 0);
    assert_contains(describe(buf, sizeof buf), "back at 3");
    assert_null(strstr(buf, "left"));

    assert_true(bc_status_apply_preset("lunch", 0, NULL));
    assert_string_equal(describe(buf, sizeof buf), "At Lunch");

    assert_true(bc_status_apply_preset("lunch", (int64_t)time(NULL) + 30 * 60, NULL));
    assert_string_equal(describe(buf, sizeof buf), "At Lunch (30m left)");

    assert_true(bc_status_apply_preset("call", (int64_t)time(NULL) + 45, NULL));
    assert_string_equal(describe(buf, sizeof buf), "On a Call (1m left)");

    assert_true(bc_status_apply_preset("training", (int64_t)time(NULL) + 90 * 60, NULL));
    assert_contains(describe(buf, sizeof buf), "Training (1h30");
    assert_contains(buf, "left)");
}

static void test_user_active_no_publish(void **state)
{
    (void)state;
    bc_status_user_active();
    assert_int_equal(pubs->len, 0);
    assert_int_equal(bc_status_current()->show, BC_SHOW_ONLINE);

    bc_status_set(BC_SHOW_DND, "busy", NULL, NULL, NULL, 0);
    assert_int_equal(pubs->len, 1);
    bc_status_user_active();
    bc_status_user_active();
    assert_int_equal(pubs->len, 1);
    assert_int_equal(bc_status_current()->show, BC_SHOW_DND);
    assert_string_equal(bc_status_current()->message, "busy");

    assert_true(bc_status_apply_preset("lunch", (int64_t)time(NULL) + 600, NULL));
    bc_status_user_active();
    assert_int_equal(pubs->len, 2);
    assert_string_equal(bc_status_current()->preset, "lunch");
}

static void test_republish(void **state)
{
    (void)state;
    bc_status_set(BC_SHOW_XA, "gone", NULL, NULL, NULL, 0);
    g_ptr_array_set_size(pubs, 0);
    bc_status_republish();
    assert_int_equal(pubs->len, 1);
    assert_int_equal(last_pub()->show, BC_SHOW_XA);
    assert_string_equal(last_pub()->message, "gone");
}

/* status.h: "Re-publishes after a reconnect; a timed status that expired
 * while offline reverts first." The loop may not have run the revert yet
 * (e.g. after a suspend the monotonic clock lags the wall clock). */
static void test_republish_expired_timed(void **state)
{
    (void)state;
    bc_status_set(BC_SHOW_ONLINE, "at my desk", NULL, NULL, NULL, 0);
    int64_t until = (int64_t)time(NULL) + 1;
    assert_true(bc_status_apply_preset("lunch", until, NULL));
    while ((int64_t)time(NULL) < until)
        sleep_ms(50);
    g_ptr_array_set_size(pubs, 0);
    bc_status_republish();
    assert_true(pubs->len >= 1);
    assert_int_equal(last_pub()->show, BC_SHOW_ONLINE);
    assert_string_equal(last_pub()->message, "at my desk");
    assert_int_equal(last_pub()->until, 0);
    const bc_own_status *st = bc_status_current();
    assert_int_equal(st->until, 0);
    assert_null(st->preset);
}

/* ---- auto-away (on the shifted monotonic clock) --------------------------- */

static void test_autoaway(void **state)
{
    (void)state;
    /* Not yet: 14 minutes. */
    advance_ms(MINUTES(14));
    run_for(50);
    assert_int_equal(bc_status_current()->show, BC_SHOW_ONLINE);
    assert_int_equal(pubs->len, 0);

    /* 15 minutes without a key: away, automatically, with XEP-0319 idle. */
    advance_ms(MINUTES(1) + 500);
    assert_true(run_until(is_automatic, 1000));
    const bc_own_status *st = bc_status_current();
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(st->show, BC_SHOW_AWAY);
    assert_true(st->automatic);
    assert_non_null(st->message);
    assert_true(st->idle_since >= now - 15 * 60 - 5 && st->idle_since <= now - 15 * 60 + 1);
    assert_int_equal(pubs->len, 1);
    assert_int_equal(last_pub()->show, BC_SHOW_AWAY);
    assert_true(last_pub()->automatic);
    assert_int_equal(last_pub()->idle_since, st->idle_since);

    /* 60 minutes: extended away; it still knows what to go back to. */
    advance_ms(MINUTES(45));
    assert_true(run_until(is_xa, 1000));
    assert_true(st->automatic);
    assert_true(st->idle_since <= now - 15 * 60 + 1);
    assert_int_equal(pubs->len, 2);
    assert_int_equal(last_pub()->show, BC_SHOW_XA);

    /* A key: back to what it was, published. */
    bc_status_user_active();
    assert_int_equal(st->show, BC_SHOW_ONLINE);
    assert_false(st->automatic);
    assert_null(st->message);
    assert_int_equal(st->idle_since, 0);
    assert_int_equal(pubs->len, 3);
    assert_int_equal(last_pub()->show, BC_SHOW_ONLINE);
    assert_false(last_pub()->automatic);
    assert_int_equal(last_pub()->idle_since, 0);
    bc_status_user_active();
    assert_int_equal(pubs->len, 3);

    /* Activity resets the count: 10 + 10 minutes with a key between. */
    advance_ms(MINUTES(10));
    run_for(20);
    bc_status_user_active();
    advance_ms(MINUTES(10));
    run_for(50);
    assert_false(st->automatic);
    assert_int_equal(pubs->len, 3);
    advance_ms(MINUTES(5) + 500);
    assert_true(run_until(is_automatic, 1000));
    assert_int_equal(st->show, BC_SHOW_AWAY);
}

static void test_autoaway_keeps_chat_and_message(void **state)
{
    (void)state;
    bc_status_set(BC_SHOW_CHAT, "ask me anything", NULL, NULL, NULL, 0);
    advance_ms(MINUTES(16));
    assert_true(run_until(is_automatic, 1000));
    assert_int_equal(bc_status_current()->show, BC_SHOW_AWAY);
    bc_status_user_active();
    const bc_own_status *st = bc_status_current();
    assert_int_equal(st->show, BC_SHOW_CHAT);
    assert_string_equal(st->message, "ask me anything");
    assert_false(st->automatic);
    assert_int_equal(last_pub()->show, BC_SHOW_CHAT);
}

static void test_autoaway_config(void **state)
{
    fixture *f = *state;
    load_config(f, "[status]\nautoaway_minutes=1\nautoxa_minutes=0\n");
    advance_ms(MINUTES(1) + 500);
    assert_true(run_until(is_automatic, 1000));
    assert_int_equal(bc_status_current()->show, BC_SHOW_AWAY);
    /* autoxa_minutes=0: never extended away. */
    advance_ms(MINUTES(120));
    run_for(50);
    assert_int_equal(bc_status_current()->show, BC_SHOW_AWAY);
    assert_int_equal(pubs->len, 1);

    /* autoaway_minutes=0 turns it off. */
    load_config(f, "[status]\nautoaway_minutes=0\n");
    advance_ms(MINUTES(240));
    run_for(50);
    assert_int_equal(bc_status_current()->show, BC_SHOW_ONLINE);
    assert_false(bc_status_current()->automatic);
    assert_int_equal(pubs->len, 0);
}

/* A status the user chose is never changed automatically. */
static void test_autoaway_not_for_chosen(void **state)
{
    (void)state;
    const bc_own_status *st = bc_status_current();

    bc_status_set(BC_SHOW_DND, NULL, NULL, NULL, NULL, 0);
    guint p = pubs->len;
    advance_ms(MINUTES(120));
    run_for(50);
    assert_int_equal(st->show, BC_SHOW_DND);
    assert_false(st->automatic);
    assert_int_equal(pubs->len, p);

    bc_status_set(BC_SHOW_AWAY, "brb", NULL, NULL, NULL, 0);
    p = pubs->len;
    advance_ms(MINUTES(120));
    run_for(50);
    assert_int_equal(st->show, BC_SHOW_AWAY);
    assert_string_equal(st->message, "brb");
    assert_false(st->automatic);
    assert_int_equal(pubs->len, p);

    assert_true(bc_status_apply_preset("meeting", 0, NULL));
    p = pubs->len;
    advance_ms(MINUTES(120));
    run_for(50);
    assert_string_equal(st->preset, "meeting");
    assert_false(st->automatic);
    assert_int_equal(pubs->len, p);

    /* An available status with an end time was chosen too. */
    bc_status_set(BC_SHOW_ONLINE, "around until 5", NULL, NULL, NULL,
                  (int64_t)time(NULL) + 3 * 3600);
    p = pubs->len;
    advance_ms(MINUTES(30));
    run_for(50);
    assert_int_equal(st->show, BC_SHOW_ONLINE);
    assert_string_equal(st->message, "around until 5");
    assert_false(st->automatic);
    assert_int_equal(pubs->len, p);
}

static void test_timed_over_autoaway(void **state)
{
    (void)state;
    bc_status_set(BC_SHOW_ONLINE, "desk", NULL, NULL, NULL, 0);
    advance_ms(MINUTES(16));
    assert_true(run_until(is_automatic, 1000));
    assert_true(bc_status_apply_preset("lunch", (int64_t)time(NULL) + 1, NULL));
    assert_false(bc_status_current()->automatic);
    guint before = pubs->len;
    assert_true(run_until(not_timed, 2500));
    /* The revert publishes the status from before auto-away, not
     * "Away (idle)". (The user is still idle, so auto-away may then
     * start again: that is the next publication, not this one.) */
    assert_true(pubs->len > before);
    const pub *first = pubs->pdata[before];
    assert_int_equal(first->show, BC_SHOW_ONLINE);
    assert_string_equal(first->message, "desk");
    assert_false(first->automatic);
    assert_int_equal(first->until, 0);
}

/* After a timed status ends and an available status comes back, idle
 * time counts again: someone who stays away after "lunch 1h" turns away. */
static void test_autoaway_after_timed_revert(void **state)
{
    (void)state;
    assert_true(bc_status_apply_preset("lunch", (int64_t)time(NULL) + 1, NULL));
    assert_true(run_until(not_timed, 2500));
    assert_int_equal(bc_status_current()->show, BC_SHOW_ONLINE);
    advance_ms(MINUTES(16));
    assert_true(run_until(is_automatic, 1000));
    assert_int_equal(bc_status_current()->show, BC_SHOW_AWAY);
}

/* The status line must not say "Available" while others see us away. */
static void test_autoaway_describe(void **state)
{
    (void)state;
    assert_true(bc_status_apply_preset("available", 0, NULL)); /* F1 */
    advance_ms(MINUTES(16));
    assert_true(run_until(is_automatic, 1000));
    assert_int_equal(bc_status_current()->show, BC_SHOW_AWAY);
    char buf[256];
    char *lower = g_ascii_strdown(describe(buf, sizeof buf), -1);
    bool ok = strstr(lower, "away") && !strstr(lower, "available");
    g_free(lower);
    if (!ok)
        fail_msg("auto-away described as \"%s\"", buf);
    bc_status_user_active();
    assert_string_equal(describe(buf, sizeof buf), "Available");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_preset_find, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apply_preset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_overrides, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_key_moves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duration_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duration_clock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duration_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duration_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timed_reverts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timed_on_timed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plain_cancels_revert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_describe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_active_no_publish, setup, teardown),
        cmocka_unit_test_setup_teardown(test_republish, setup, teardown),
        cmocka_unit_test_setup_teardown(test_republish_expired_timed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_autoaway, setup, teardown),
        cmocka_unit_test_setup_teardown(test_autoaway_keeps_chat_and_message, setup, teardown),
        cmocka_unit_test_setup_teardown(test_autoaway_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_autoaway_not_for_chosen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timed_over_autoaway, setup, teardown),
        cmocka_unit_test_setup_teardown(test_autoaway_after_timed_revert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_autoaway_describe, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

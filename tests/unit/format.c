/* SPDX-License-Identifier: MIT */
/* format.c: tests of the output helpers: sizes, perms, times, ages, escaping, holders, ids, column lists and cells. */
#include <sys/types.h>

#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shmkit.h"
#include "check.h"

static void test_size(void)
{
	static const struct { uint64_t v; const char *want; } rows[] = {
		{ 0, "0B" }, { 1023, "1023B" }, { 1024, "1K" }, { 1536, "1.5K" },
		{ 4096, "4K" }, { 1048575, "1024K" },	/* rounds up within its unit */
		 { 1048576, "1M" }, { 1572864, "1.5M" },
		{ 10 * 1024 * 1024 + 1, "10M" }, { UINT64_MAX, "16E" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		CHECK_I64(shmkit_format_size(rows[i].v, buf, sizeof(buf)), (int64_t)strlen(rows[i].want),
			  "size %" PRIu64 " length", rows[i].v);
		CHECK_STR(buf, rows[i].want, "size %" PRIu64, rows[i].v);
	}
	CHECK_RC(shmkit_format_size(1536, buf, 4), -ENOBUFS, "size: 1.5K needs 5 bytes");
}

static void test_perms(void)
{
	char buf[16];

	CHECK_I64(shmkit_format_perms(0640, buf, sizeof(buf)), 9, "perms length");
	CHECK_STR(buf, "rw-r-----", "perms 0640");
	shmkit_format_perms(0777, buf, sizeof(buf));
	CHECK_STR(buf, "rwxrwxrwx", "perms 0777");
	shmkit_format_perms(01000 | 0001, buf, sizeof(buf));
	CHECK_STR(buf, "--------x", "perms: only the nine bits");
	CHECK_RC(shmkit_format_perms(0600, buf, 9), -ENOBUFS, "perms need 10 bytes");
}

static void test_time_and_age(void)
{
	char buf[64];

	setenv("TZ", "UTC", 1);
	CHECK_I64(shmkit_format_time(0, SHMKIT_TIME_ISO, buf, sizeof(buf)), 0, "time 0 never happened");
	CHECK_I64(shmkit_format_time(-5, SHMKIT_TIME_ISO, buf, sizeof(buf)), 0, "negative time");
	CHECK_TRUE(shmkit_format_time(1700000000, SHMKIT_TIME_ISO, buf, sizeof(buf)) > 0, "iso");
	CHECK_STR(buf, "2023-11-14T22:13:20+0000", "iso time");
	shmkit_format_time(1700000000, SHMKIT_TIME_SHORT, buf, sizeof(buf));
	CHECK_STR(buf, "2023-11-14 22:13", "short time");
	shmkit_format_time(1700000000, SHMKIT_TIME_FULL, buf, sizeof(buf));
	CHECK_STR(buf, "Tue Nov 14 22:13:20 2023", "full time");
	CHECK_RC(shmkit_format_time(1700000000, SHMKIT_TIME_ISO, buf, 8), -ENOBUFS, "time too long");

	shmkit_format_age(119, buf, sizeof(buf));
	CHECK_STR(buf, "119s", "age below 2 minutes");
	shmkit_format_age(120, buf, sizeof(buf));
	CHECK_STR(buf, "2m", "age of 2 minutes");
	shmkit_format_age(2 * 3600 - 1, buf, sizeof(buf));
	CHECK_STR(buf, "119m", "age below 2 hours");
	shmkit_format_age(47 * 3600, buf, sizeof(buf));
	CHECK_STR(buf, "47h", "age below 2 days");
	shmkit_format_age(7 * 86400 + 5, buf, sizeof(buf));
	CHECK_STR(buf, "7d", "age in days");
}

static void test_escape(void)
{
	static const struct { const char *in; unsigned flags; const char *want; } rows[] = {
		{ "plain", 0, "plain" },
		{ "a b\\c", 0, "a b\\c" },
		{ "a b\\c", SHMKIT_ESC_BLANK, "a\\x20b\\x5cc" },
		{ "nl\nx\t\x7f", 0, "nl\\x0ax\\x09\\x7f" },
		{ "\xc3\xa9t\xc3\xa9", 0, "\\xc3\\xa9t\\xc3\\xa9" },
		{ "\xc3\xa9t\xc3\xa9", SHMKIT_ESC_UTF8, "\xc3\xa9t\xc3\xa9" },
		{ "bad\xe9", SHMKIT_ESC_UTF8, "bad\\xe9" },
		{ "\xc0\xaf", SHMKIT_ESC_UTF8, "\\xc0\\xaf" },		/* overlong '/' */
		{ "\xed\xa0\x80", SHMKIT_ESC_UTF8, "\\xed\\xa0\\x80" },	/* surrogate */
		{ "\xf4\x90\x80\x80", SHMKIT_ESC_UTF8, "\\xf4\\x90\\x80\\x80" },	/* > U+10FFFF */
		{ "\xf0\x9f\x98\x80", SHMKIT_ESC_UTF8, "\xf0\x9f\x98\x80" },
		{ "nl\n", SHMKIT_ESC_UTF8, "nl\n" },	/* JSON escapes that itself */
	};
	char buf[64], back[64];
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		n = shmkit_format_escape(rows[i].in, rows[i].flags, buf, sizeof(buf));
		CHECK_STR(buf, rows[i].want, "escape row %zu", i);
		CHECK_U64(n, strlen(rows[i].want), "escape row %zu length", i);
		if (rows[i].flags == SHMKIT_ESC_BLANK || rows[i].flags == 0) {
			snprintf(back, sizeof(back), "%s", buf);
			CHECK_RC(shmkit_ref_unescape(back), 0, "unescape row %zu", i);
			CHECK_STR(back, rows[i].in, "escape row %zu reads back", i);
		}
	}
	/* Cut at a whole escape, never overrun, always terminated. */
	n = shmkit_format_escape("\n\n\n\n", 0, buf, 9);
	CHECK_STR(buf, "\\x0a", "escape cut at a whole escape");
	CHECK_U64(n, 4, "escape cut length");
	CHECK_U64(shmkit_format_escape("abc", 0, buf, 0), 0, "escape into nothing");
}

/* Holders as shmrm names them: "PID (COMM)", the command escaped like --raw names. */
static void test_holders(void)
{
	struct shmkit_holder x[40] = {
		{ .pid = 1234, .comm = "shmattach" }, { .pid = 1240, .comm = "a b\\c\n" },
	};
	char buf[1024];
	size_t i, n;

	CHECK_U64(shmkit_format_holders(x, 0, buf, sizeof(buf)), 0, "holders: none");
	CHECK_STR(buf, "", "holders: none is an empty string");
	n = shmkit_format_holders(x, 1, buf, sizeof(buf));
	CHECK_STR(buf, "1234 (shmattach)", "holders: one");
	CHECK_U64(n, strlen(buf), "holders: one, length");
	n = shmkit_format_holders(x, 2, buf, sizeof(buf));
	CHECK_STR(buf, "1234 (shmattach), 1240 (a\\x20b\\x5cc\\x0a)", "holders: two, escaped");
	CHECK_U64(n, strlen(buf), "holders: two, length");
	/* Cut to fit, never overrun, always terminated. */
	n = shmkit_format_holders(x, 2, buf, 10);
	CHECK_STR(buf, "1234 (shm", "holders: cut");
	CHECK_U64(n, 9, "holders: cut length");
	CHECK_U64(shmkit_format_holders(x, 2, buf, 0), 0, "holders into nothing");
	for (i = 2; i < ARRAY_SIZE(x); i++) {
		x[i].pid = (pid_t)(100000 + i);
		snprintf(x[i].comm, sizeof(x[i].comm), "p%zu", i);
	}
	n = shmkit_format_holders(x, ARRAY_SIZE(x), buf, 64);
	CHECK_U64(n, 63, "holders: many, cut at 63");
	CHECK_U64(strlen(buf), 63, "holders: many, terminated");
	n = shmkit_format_holders(x, ARRAY_SIZE(x), buf, sizeof(buf));
	CHECK_TRUE(n == strlen(buf) && strncmp(buf + n - 12, "100039 (p39)", 12) == 0,
		   "holders: many, all when they fit");
}

static void test_unescape(void)
{
	static const struct { const char *in; int rc; const char *want; } rows[] = {
		{ "/a\\x20b", 0, "/a b" }, { "/a\\x5Cb", 0, "/a\\b" }, { "/a\\x2", 0, "/a\\x2" },
		{ "/a\\xg0", 0, "/a\\xg0" }, { "/a\\X20", 0, "/a\\X20" }, { "\\", 0, "\\" },
		{ "/a\\x00b", -EINVAL, NULL }, { "", 0, "" }, { "\\x41\\x42", 0, "AB" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		snprintf(buf, sizeof(buf), "%s", rows[i].in);
		CHECK_RC(shmkit_ref_unescape(buf), rows[i].rc, "unescape '%s'", rows[i].in);
		if (rows[i].want)
			CHECK_STR(buf, rows[i].want, "unescape '%s'", rows[i].in);
	}
}

static void test_parse_id(void)
{
	static const struct { const char *in; uint32_t max; int rc; uint32_t want; } rows[] = {
		{ "0", 10, 0, 0 }, { "10", 10, 0, 10 }, { "11", 10, -ERANGE, 0 },
		{ "010", 100, 0, 10 }, { "4294967295", UINT32_MAX, 0, UINT32_MAX },
		{ "4294967295", UINT32_MAX - 1, -ERANGE, 0 },
		{ "99999999999999999999999", UINT32_MAX, -ERANGE, 0 },
		{ "", 10, -EINVAL, 0 }, { "-1", 10, -EINVAL, 0 }, { "+1", 10, -EINVAL, 0 },
		{ " 1", 10, -EINVAL, 0 }, { "1 ", 10, -EINVAL, 0 }, { "0x1", 10, -EINVAL, 0 },
		{ "1a", 10, -EINVAL, 0 },
	};
	uint32_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		v = 777;
		CHECK_RC(shmkit_parse_id(rows[i].in, rows[i].max, &v), rows[i].rc, "id '%s'", rows[i].in);
		CHECK_U64(v, rows[i].rc ? 777 : rows[i].want, "id '%s' value", rows[i].in);
	}
	CHECK_RC(shmkit_parse_id(NULL, 10, &v), -EINVAL, "id NULL");
}

static void test_parse_user(void)
{
	static const struct { const char *in; int rc; uid_t want; } rows[] = {
		{ "0", 0, 0 }, { "1234", 0, 1234 }, { "4294967294", 0, (uid_t)4294967294u },
		{ "4294967295", -ENOENT, 0 }, { "shmkit-no-such-user", -ENOENT, 0 },
		{ "", -ENOENT, 0 }, { "-1", -ENOENT, 0 }, { "12x", -ENOENT, 0 },
	};
	struct passwd *pw = getpwnam("root");
	uid_t uid;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		uid = 777;
		CHECK_RC(shmkit_parse_user(rows[i].in, &uid), rows[i].rc, "user '%s'", rows[i].in);
		CHECK_U64(uid, rows[i].rc ? 777 : rows[i].want, "user '%s' value", rows[i].in);
	}
	CHECK_RC(shmkit_parse_user(NULL, &uid), -ENOENT, "user NULL");
	if (pw) {
		uid = 777;
		CHECK_RC(shmkit_parse_user("root", &uid), 0, "user root");
		CHECK_U64(uid, pw->pw_uid, "user root by name");
	}
}

static void test_ref_cmp(void)
{
	struct shmkit_ref a, b;

	shmkit_ref_parse("/a", 0, &a);
	shmkit_ref_parse("/b", 0, &b);
	CHECK_TRUE(shmkit_ref_cmp(&a, &b) < 0 && shmkit_ref_cmp(&b, &a) > 0, "names in order");
	shmkit_ref_parse("id:5", 0, &b);
	shmkit_ref_parse("5", 0, &a);
	CHECK_I64(shmkit_ref_cmp(&a, &b), 0, "5 and id:5 are equal");
	shmkit_ref_parse("0x5", 0, &b);
	CHECK_TRUE(shmkit_ref_cmp(&a, &b) != 0, "a key is not an id");
	shmkit_ref_parse("key:5", 0, &a);
	CHECK_I64(shmkit_ref_cmp(&a, &b), 0, "key:5 and 0x5 are equal");
}

static void test_columns(void)
{
	struct shmkit_cols set = { .n = 0 };
	size_t bad = 99;
	int i;

	for (i = 0; i < SHMKIT_COL_COUNT; i++)
		CHECK_I64(shmkit_column_find(shmkit_column_get(i)->name,
					     strlen(shmkit_column_get(i)->name)), i, "column %d by name", i);
	CHECK_TRUE(shmkit_column_get(-1) == NULL && shmkit_column_get(SHMKIT_COL_COUNT) == NULL,
		   "no column out of range");
	CHECK_I64(shmkit_column_find("size", 4), SHMKIT_COL_SIZE, "names are case-insensitive");
	CHECK_RC(shmkit_column_find("SIZ", 3), -ENOENT, "no prefix match");

	CHECK_RC(shmkit_cols_parse("size,,REF,size", &set, &bad), 0, "list with a repeat");
	CHECK_U64(set.n, 2, "repeats count once");
	CHECK_TRUE(set.v[0] == SHMKIT_COL_SIZE && set.v[1] == SHMKIT_COL_REF, "in order");
	CHECK_RC(shmkit_cols_parse("+AGE,REF", &set, &bad), 0, "appending");
	CHECK_U64(set.n, 3, "appended one");
	CHECK_RC(shmkit_cols_parse("REF,BOGUS,SIZE", &set, &bad), -ENOENT, "unknown name");
	CHECK_U64(bad, 4, "offset of the unknown name");
	CHECK_U64(set.n, 3, "untouched on failure");
	CHECK_RC(shmkit_cols_parse(",,", &set, &bad), -EINVAL, "no columns");
	CHECK_RC(shmkit_cols_parse("+", &set, &bad), 0, "'+' alone keeps the list");
	CHECK_U64(set.n, 3, "still three");
}

static void test_cells(void)
{
	struct shmkit_cell_opts o = { .time = SHMKIT_TIME_ISO, .now = 1700000100, .procfd = -1 };
	struct shmkit_row r;
	char buf[128];

	memset(&r, 0, sizeof(r));
	r.info.kind = SHMKIT_POSIX;
	r.info.have = SHMKIT_HAVE_NAME | SHMKIT_HAVE_INODE | SHMKIT_HAVE_MEM;
	snprintf(r.info.name, sizeof(r.info.name), "/frames");
	r.info.size = 1536;
	r.info.mode = 0640;
	r.info.mtime = 1700000000;
	shmkit_row_set_holders(&r, NULL);
	CHECK_I64(r.orphan, -EAGAIN, "POSIX orphan unknown without a snapshot");

	CHECK_TRUE(shmkit_cell_format(&o, &r, SHMKIT_COL_NAME, buf, sizeof(buf)), "NAME");
	CHECK_STR(buf, "frames", "NAME has no slash");
	CHECK_TRUE(shmkit_cell_format(&o, &r, SHMKIT_COL_SIZE, buf, sizeof(buf)), "SIZE");
	CHECK_STR(buf, "1.5K", "SIZE for people");
	o.flags = SHMKIT_CELL_EXACT;
	shmkit_cell_format(&o, &r, SHMKIT_COL_SIZE, buf, sizeof(buf));
	CHECK_STR(buf, "1536", "SIZE exact");
	shmkit_cell_format(&o, &r, SHMKIT_COL_AGE, buf, sizeof(buf));
	CHECK_STR(buf, "100", "AGE exact");
	CHECK_TRUE(!shmkit_cell_format(&o, &r, SHMKIT_COL_KEY, buf, sizeof(buf)), "no KEY for POSIX");
	CHECK_TRUE(!shmkit_cell_format(&o, &r, SHMKIT_COL_HOLDERS, buf, sizeof(buf)),
		   "no HOLDERS without a snapshot");
	CHECK_TRUE(shmkit_cell_format(&o, &r, SHMKIT_COL_ORPHAN, buf, sizeof(buf)), "ORPHAN");
	CHECK_STR(buf, "?", "ORPHAN unknown");
	o.flags |= SHMKIT_CELL_JSON;
	CHECK_TRUE(!shmkit_cell_format(&o, &r, SHMKIT_COL_ORPHAN, buf, sizeof(buf)),
		   "ORPHAN unknown is null in JSON");
	CHECK_TRUE(!shmkit_cell_format(&o, &r, -1, buf, sizeof(buf)), "no column -1");
	shmkit_cell_format(&o, &r, SHMKIT_COL_PERMS, buf, sizeof(buf));
	CHECK_STR(buf, "rw-r-----", "PERMS");
	shmkit_cell_format(&o, &r, SHMKIT_COL_MTIME, buf, sizeof(buf));
	CHECK_STR(buf, "2023-11-14T22:13:20+0000", "MTIME iso");
	r.info.status = SHMKIT_ST_DELETED;
	r.info.have &= ~(unsigned)SHMKIT_HAVE_MEM;
	CHECK_TRUE(!shmkit_cell_format(&o, &r, SHMKIT_COL_PERMS, buf, sizeof(buf)),
		   "an unexamined unlinked object has no PERMS");
	CHECK_TRUE(shmkit_cell_format(&o, &r, SHMKIT_COL_STATUS, buf, sizeof(buf)), "STATUS");
	CHECK_STR(buf, "deleted", "STATUS deleted");
}

static void test_usage_rows(void)
{
	struct shmkit_resource u[SHMKIT_RESOURCE_MAX];
	struct shmkit_totals s = { .count = 2, .bytes = 8192, .largest = 4096 }, p = { .unknown = 1 };
	struct shmkit_limits l = { .have = SHMKIT_LIM_SHMMAX, .shmmax = 1 << 20 };

	CHECK_U64(shmkit_resource_rows(SHMKIT_LIST_ALL, &l, &s, &p, u), 15, "rows for both kinds");
	CHECK_STR(u[2].resource, "SHMMAX", "SHMMAX third");
	CHECK_TRUE(u[2].have_used && u[2].used == 4096 && u[2].have_limit && u[2].limit == 1 << 20,
		   "SHMMAX: the largest segment against the limit");
	CHECK_TRUE(!u[0].have_used && !u[0].have_limit, "SHMMNI unknown");
	CHECK_TRUE(!u[14].have_used, "POSIX orphans unknown while some are unknown");
	CHECK_U64(shmkit_resource_rows(SHMKIT_LIST_POSIX, &l, &s, &p, u), 6, "rows for POSIX");
}

static void test_time_style(void)
{
	static const struct { const char *in; int rc; enum shmkit_time_style want; } rows[] = {
		{ "short", 0, SHMKIT_TIME_SHORT }, { "full", 0, SHMKIT_TIME_FULL },
		{ "iso", 0, SHMKIT_TIME_ISO }, { "ISO", -EINVAL, 0 }, { "", -EINVAL, 0 },
		{ "shor", -EINVAL, 0 }, { "iso ", -EINVAL, 0 },
	};
	enum shmkit_time_style t;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		t = (enum shmkit_time_style)99;
		CHECK_RC(shmkit_parse_time_style(rows[i].in, &t), rows[i].rc, "time style '%s'", rows[i].in);
		CHECK_I64(t, rows[i].rc ? 99 : (int)rows[i].want, "time style '%s' value", rows[i].in);
	}
	CHECK_RC(shmkit_parse_time_style(NULL, &t), -EINVAL, "time style NULL");
}

/* The names of @set's columns joined by commas, as shmls -o takes them. */
static const char *col_names(const struct shmkit_cols *set, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < set->n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "," : "",
					 shmkit_column_get(set->v[i])->name);
	return buf;
}

static void test_cols_preset(void)
{
	struct shmkit_cols set = { .n = 0 };
	char buf[512];

	shmkit_cols_add(&set, SHMKIT_COL_AGE);
	shmkit_cols_preset(0, &set);
	CHECK_STR(col_names(&set, buf, sizeof(buf)),
		  "REF,KIND,KEY,OWNER,PERMS,SIZE,NATTCH,STATUS,CTIME", "preset: the defaults, replacing");
	shmkit_cols_preset(SHMKIT_COLS_TIMES, &set);
	CHECK_STR(col_names(&set, buf, sizeof(buf)), "REF,KIND,ATIME,DTIME,CTIME", "preset: -t");
	shmkit_cols_preset(SHMKIT_COLS_CREATOR, &set);
	CHECK_STR(col_names(&set, buf, sizeof(buf)),
		  "REF,KIND,PERMS,CUID,CUSER,CGID,CGROUP,UID,USER,GID,GROUP", "preset: -c");
	shmkit_cols_preset(SHMKIT_COLS_TIMES | SHMKIT_COLS_CREATOR, &set);
	CHECK_STR(col_names(&set, buf, sizeof(buf)),
		  "REF,KIND,PERMS,CUID,CUSER,CGID,CGROUP,UID,USER,GID,GROUP,ATIME,DTIME,CTIME",
		  "preset: -t -c, creator first");

	CHECK_U64(shmkit_cols_flags(&set) & SHMKIT_COLF_HOLDERS, 0, "no holder column in -t -c");
	CHECK_TRUE(shmkit_cols_flags(&set) & SHMKIT_COLF_NUMBER, "-t -c has numbers");
	set.n = 0;
	CHECK_U64(shmkit_cols_flags(&set), 0, "no flags without columns");
	shmkit_cols_add(&set, SHMKIT_COL_ORPHAN);
	CHECK_U64(shmkit_cols_flags(&set), SHMKIT_COLF_BOOL | SHMKIT_COLF_HOLDERS, "ORPHAN's flags");
	shmkit_cols_add(&set, SHMKIT_COL_SIZE);
	CHECK_U64(shmkit_cols_flags(&set), SHMKIT_COLF_BOOL | SHMKIT_COLF_HOLDERS |
		  SHMKIT_COLF_RIGHT | SHMKIT_COLF_NUMBER, "ORPHAN's and SIZE's flags or'ed");
}

static void test_rows_sort(void)
{
	struct shmkit_cell_opts o = { .time = SHMKIT_TIME_SHORT, .procfd = -1 };
	static const struct { enum shmkit_kind kind; int id; const char *name; uint64_t size; } in[] = {
		{ SHMKIT_POSIX, 0, "/b", 30 }, { SHMKIT_SYSV, 7, "", 10 }, { SHMKIT_POSIX, 0, "/a", 5 },
		{ SHMKIT_SYSV, 2, "", 20 },
	};
	struct shmkit_row r[ARRAY_SIZE(in)];
	char got[64];
	size_t i, used;

	memset(r, 0, sizeof(r));
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		r[i].info.kind = in[i].kind;
		r[i].info.id = in[i].id;
		snprintf(r[i].info.name, sizeof(r[i].info.name), "%s", in[i].name);
		r[i].info.size = in[i].size;
	}
	shmkit_rows_sort(&o, -1, r, ARRAY_SIZE(r));
	for (i = 0, used = 0; i < ARRAY_SIZE(r); i++)
		used += (size_t)snprintf(got + used, sizeof(got) - used, "%s%d%s", i ? " " : "",
					 r[i].info.id, r[i].info.name);
	CHECK_STR(got, "2 7 0/a 0/b", "rows in listing order: SysV by id, then POSIX by name");
	shmkit_rows_sort(&o, SHMKIT_COL_SIZE, r, ARRAY_SIZE(r));
	for (i = 0, used = 0; i < ARRAY_SIZE(r); i++)
		used += (size_t)snprintf(got + used, sizeof(got) - used, "%s%" PRIu64, i ? " " : "",
					 r[i].info.size);
	CHECK_STR(got, "5 10 20 30", "rows by SIZE, as numbers");
	shmkit_rows_sort(&o, SHMKIT_COL_SIZE, r, 0);
	CHECK_U64(r[0].info.size, 5, "sorting no rows changes nothing");
}

static void test_usage_table(void)
{
	static const char *const names[] = { "RESOURCE", "DESCRIPTION", "USED", "LIMIT", "USE%" };
	struct shmkit_resource u = { "SHMMAX", "largest SysV segment", 1, 1, 1, 1536, 1 << 20 };
	struct shmkit_resource c = { "SHMMNI", "SysV segments", 0, 1, 1, 3, 4096 };
	struct shmkit_resource out[SHMKIT_RESOURCE_MAX];
	struct shmkit_row rows[3];
	char buf[64];
	size_t i, n;
	int k;

	for (k = 0; k < SHMKIT_RCOL_COUNT; k++) {
		CHECK_STR(shmkit_resource_column(k)->name, names[k], "usage column %d", k);
		CHECK_U64(shmkit_resource_column(k)->flags, k >= SHMKIT_RCOL_USED ?
			  SHMKIT_COLF_RIGHT | SHMKIT_COLF_NUMBER : 0, "usage column %d flags", k);
	}
	CHECK_TRUE(!shmkit_resource_column(-1) && !shmkit_resource_column(SHMKIT_RCOL_COUNT),
		   "no usage column out of range");

	CHECK_TRUE(shmkit_resource_format(&u, SHMKIT_RCOL_RESOURCE, 0, buf, sizeof(buf)), "RESOURCE");
	CHECK_STR(buf, "SHMMAX", "RESOURCE text");
	CHECK_TRUE(shmkit_resource_format(&u, SHMKIT_RCOL_DESCRIPTION, 0, buf, sizeof(buf)), "DESCRIPTION");
	CHECK_STR(buf, "largest SysV segment", "DESCRIPTION text");
	shmkit_resource_format(&u, SHMKIT_RCOL_USED, 0, buf, sizeof(buf));
	CHECK_STR(buf, "1.5K", "USED in bytes for people");
	shmkit_resource_format(&u, SHMKIT_RCOL_USED, SHMKIT_CELL_EXACT, buf, sizeof(buf));
	CHECK_STR(buf, "1536", "USED exact");
	shmkit_resource_format(&u, SHMKIT_RCOL_LIMIT, 0, buf, sizeof(buf));
	CHECK_STR(buf, "1M", "LIMIT in bytes for people");
	shmkit_resource_format(&u, SHMKIT_RCOL_USE, 0, buf, sizeof(buf));
	CHECK_STR(buf, "0%", "USE%% rounded");
	shmkit_resource_format(&u, SHMKIT_RCOL_USE, SHMKIT_CELL_EXACT, buf, sizeof(buf));
	CHECK_STR(buf, "0.15", "USE%% exact: two decimals, no sign");
	shmkit_resource_format(&c, SHMKIT_RCOL_USED, 0, buf, sizeof(buf));
	CHECK_STR(buf, "3", "a count stays a number");
	shmkit_resource_format(&c, SHMKIT_RCOL_LIMIT, 0, buf, sizeof(buf));
	CHECK_STR(buf, "4096", "a count limit stays a number");
	c.limit = 0;
	CHECK_TRUE(!shmkit_resource_format(&c, SHMKIT_RCOL_USE, 0, buf, sizeof(buf)), "no USE%% of limit 0");
	c.have_limit = 0;
	CHECK_TRUE(!shmkit_resource_format(&c, SHMKIT_RCOL_LIMIT, 0, buf, sizeof(buf)), "unknown LIMIT");
	c.have_used = 0;
	CHECK_TRUE(!shmkit_resource_format(&c, SHMKIT_RCOL_USED, 0, buf, sizeof(buf)), "unknown USED");
	CHECK_TRUE(!shmkit_resource_format(&u, SHMKIT_RCOL_COUNT, 0, buf, sizeof(buf)), "no column 5");
	CHECK_TRUE(!shmkit_resource_format(&u, SHMKIT_RCOL_RESOURCE, 0, buf, 1), "no room");

	memset(rows, 0, sizeof(rows));
	rows[0].info.kind = SHMKIT_SYSV;
	rows[0].info.size = 4096;
	rows[0].info.nattch = 1;
	rows[1].info.kind = SHMKIT_SYSV;
	rows[1].info.size = 8192;
	rows[2].info.kind = SHMKIT_POSIX;
	rows[2].info.size = 100;
	n = shmkit_resource_read(SHMKIT_LIST_ALL, rows, ARRAY_SIZE(rows), NULL, out);
	CHECK_U64(n, 15, "usage_read: rows for both kinds");
	for (i = 0; i < n; i++)
		if (strcmp(out[i].resource, "SYSV-SEGMENTS") == 0)
			CHECK_U64(out[i].used, 2, "usage_read: two SysV segments");
		else if (strcmp(out[i].resource, "SYSV-ORPHANED") == 0)
			CHECK_U64(out[i].used, 8192, "usage_read: the SysV orphan's size");
		else if (strcmp(out[i].resource, "SHMMAX") == 0)
			CHECK_U64(out[i].used, 8192, "usage_read: the largest SysV segment");
		else if (strcmp(out[i].resource, "POSIX-BYTES") == 0)
			CHECK_U64(out[i].used, 100, "usage_read: POSIX bytes");
		else if (strcmp(out[i].resource, "POSIX-ORPHANED") == 0)
			CHECK_TRUE(!out[i].have_used, "usage_read: POSIX orphans unknown without holders");
	CHECK_U64(shmkit_resource_read(SHMKIT_LIST_SYSV, rows, 0, NULL, out), 9,
		  "usage_read: SysV rows only, nothing listed");
}

int main(void)
{
	test_size();
	test_perms();
	test_time_and_age();
	test_escape();
	test_unescape();
	test_holders();
	test_parse_id();
	test_parse_user();
	test_ref_cmp();
	test_columns();
	test_cells();
	test_usage_rows();
	test_time_style();
	test_cols_preset();
	test_rows_sort();
	test_usage_table();
	return check_done("unit-format");
}

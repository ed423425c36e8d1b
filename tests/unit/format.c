/* SPDX-License-Identifier: MIT */
/* format.c: tests of the output helpers: sizes, perms, times, ages, escaping, ids, column lists and cells. */
#include <sys/types.h>

#include <errno.h>
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
	shmkit_row_holders(&r, NULL);
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
	struct shmkit_usage u[SHMKIT_USAGE_MAX];
	struct shmkit_totals s = { .count = 2, .bytes = 8192, .largest = 4096 }, p = { .unknown = 1 };
	struct shmkit_limits l = { .have = SHMKIT_LIM_SHMMAX, .shmmax = 1 << 20 };

	CHECK_U64(shmkit_usage_rows(SHMKIT_LIST_ALL, &l, &s, &p, u), 15, "rows for both kinds");
	CHECK_STR(u[2].resource, "SHMMAX", "SHMMAX third");
	CHECK_TRUE(u[2].have_used && u[2].used == 4096 && u[2].have_limit && u[2].limit == 1 << 20,
		   "SHMMAX: the largest segment against the limit");
	CHECK_TRUE(!u[0].have_used && !u[0].have_limit, "SHMMNI unknown");
	CHECK_TRUE(!u[14].have_used, "POSIX orphans unknown while some are unknown");
	CHECK_U64(shmkit_usage_rows(SHMKIT_LIST_POSIX, &l, &s, &p, u), 6, "rows for POSIX");
}

int main(void)
{
	test_size();
	test_perms();
	test_time_and_age();
	test_escape();
	test_unescape();
	test_parse_id();
	test_ref_cmp();
	test_columns();
	test_cells();
	test_usage_rows();
	return check_done("unit-format");
}

/* SPDX-License-Identifier: MIT */
/* parse.c: table-driven tests of the pure parsers in libshmkit (refs, ref lists, sizes, modes, durations, messages). */
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shmkit.h"
#include "check.h"

/* Row markers: which kind of value a ref row expects on success. */
enum want_by { W_FAIL, W_KEY, W_ID, W_NAME, W_PRIVATE };

struct ref_row {
	int line;
	const char *text;
	unsigned flags;
	int rc;
	enum want_by by;
	uint32_t key;		/* W_KEY */
	int id;			/* W_ID */
	const char *name;	/* W_NAME */
	const char *canon;	/* what shmkit_ref_format() prints, if checked */
};

#define OK_KEY(t, k, c)	{ __LINE__, t, 0, 0, W_KEY, k, 0, NULL, c }
#define OK_ID(t, i, c)	{ __LINE__, t, 0, 0, W_ID, 0, i, NULL, c }
#define OK_NAME(t)	{ __LINE__, t, 0, 0, W_NAME, 0, 0, t, t }
#define BAD(t, rc)	{ __LINE__, t, 0, rc, W_FAIL, 0, 0, NULL, NULL }
#define BADF(t, f, rc)	{ __LINE__, t, f, rc, W_FAIL, 0, 0, NULL, NULL }

static const struct ref_row ref_rows[] = {
	/* /NAME: one path component of 1..255 bytes, not . or .. */
	OK_NAME("/a"),
	OK_NAME("/frames"),
	OK_NAME("/..."),
	OK_NAME("/.a"),
	OK_NAME("/a."),
	OK_NAME("/a b"),
	OK_NAME("/a\nb"),
	OK_NAME("/sem.x"),
	OK_NAME("/-1"),
	BAD("/", -EINVAL),
	BAD("/.", -EINVAL),
	BAD("/..", -EINVAL),
	BAD("/a/b", -EINVAL),
	BAD("//a", -EINVAL),
	BAD("/a/", -EINVAL),
	BAD("/./a", -EINVAL),
	BAD("a/b", -EINVAL),
	BAD("", -EINVAL),

	/* 0xHEX: a 32-bit SysV key other than 0 */
	OK_KEY("0x1", 0x1, "0x00000001"),
	OK_KEY("0x162e", 0x162e, "0x0000162e"),
	OK_KEY("0x0000162e", 0x162e, "0x0000162e"),
	OK_KEY("0xabcdef", 0xabcdef, "0x00abcdef"),
	OK_KEY("0xABCDEF", 0xabcdef, "0x00abcdef"),
	OK_KEY("0x7fffffff", 0x7fffffff, "0x7fffffff"),
	OK_KEY("0x80000000", 0x80000000u, "0x80000000"),
	OK_KEY("0xffffffff", 0xffffffffu, "0xffffffff"),
	OK_KEY("0x00000000001", 0x1, "0x00000001"),
	BAD("0x", -EINVAL),
	BAD("0xZZ", -EINVAL),
	BAD("0x1g", -EINVAL),
	BAD("0x-1", -EINVAL),
	BAD("0x+1", -EINVAL),
	BAD("0x 1", -EINVAL),
	BAD("0x0x1", -EINVAL),
	BAD("0x0", -EINVAL),
	BAD("0x00000000", -EINVAL),
	BAD("0x1ffffffff", -ERANGE),
	BAD("0x100000000", -ERANGE),
	BAD("0xffffffffffffffffffff", -ERANGE),

	/* key:N, N decimal or 0x-hex */
	OK_KEY("key:1", 1, "0x00000001"),
	OK_KEY("key:5678", 0x162e, "0x0000162e"),
	OK_KEY("key:0x162e", 0x162e, "0x0000162e"),
	OK_KEY("key:0xffffffff", 0xffffffffu, "0xffffffff"),
	OK_KEY("key:4294967295", 0xffffffffu, "0xffffffff"),
	OK_KEY("key:2147483648", 0x80000000u, "0x80000000"),
	OK_KEY("key:010", 10, "0x0000000a"),	/* decimal, not octal */
	BAD("key:", -EINVAL),
	BAD("key:-1", -EINVAL),
	BAD("key:+1", -EINVAL),
	BAD("key: 1", -EINVAL),
	BAD("key:1 ", -EINVAL),
	BAD("key:1x", -EINVAL),
	BAD("key:0x", -EINVAL),
	BAD("key:0xg", -EINVAL),
	BAD("key:0", -EINVAL),
	BAD("key:0x0", -EINVAL),
	BAD("key:00", -EINVAL),
	BAD("key:4294967296", -ERANGE),
	BAD("key:0x100000000", -ERANGE),
	BAD("key:99999999999999999999999", -ERANGE),
	BAD("key", -EINVAL),

	/* N and id:N: a decimal shmid */
	OK_ID("0", 0, "0"),
	OK_ID("1", 1, "1"),
	OK_ID("32768", 32768, "32768"),
	OK_ID("2147483647", INT_MAX, "2147483647"),
	OK_ID("id:0", 0, "0"),
	OK_ID("id:32768", 32768, "32768"),
	OK_ID("id:010", 10, "10"),
	OK_ID("id:2147483647", INT_MAX, "2147483647"),
	BAD("id:", -EINVAL),
	BAD("id:0x10", -EINVAL),
	BAD("id:-1", -EINVAL),
	BAD("id:+1", -EINVAL),
	BAD("id: 1", -EINVAL),
	BAD("id:1x", -EINVAL),
	BAD("12abc", -EINVAL),
	BAD("-5", -EINVAL),
	BAD("+5", -EINVAL),
	BAD(" 5", -EINVAL),
	BAD("5 ", -EINVAL),
	BAD("5\n", -EINVAL),
	BAD("1.0", -EINVAL),
	BAD("2147483648", -ERANGE),
	BAD("4294967296", -ERANGE),
	BAD("id:2147483648", -ERANGE),
	BAD("99999999999999999999999", -ERANGE),
	BAD("id", -EINVAL),

	/* private: only when the caller allows it */
	{ __LINE__, "private", SHMKIT_REF_ALLOW_PRIVATE, 0, W_PRIVATE, 0, 0, NULL, "private" },
	BAD("private", -EINVAL),
	BADF("Private", SHMKIT_REF_ALLOW_PRIVATE, -EINVAL),
	BADF("PRIVATE", SHMKIT_REF_ALLOW_PRIVATE, -EINVAL),
	BADF("private ", SHMKIT_REF_ALLOW_PRIVATE, -EINVAL),
	BADF("privatex", SHMKIT_REF_ALLOW_PRIVATE, -EINVAL),
	BADF("priv", SHMKIT_REF_ALLOW_PRIVATE, -EINVAL),

	/* the flag changes nothing else */
	{ __LINE__, "0x162e", SHMKIT_REF_ALLOW_PRIVATE, 0, W_KEY, 0x162e, 0, NULL, "0x0000162e" },
	BADF("0x0", SHMKIT_REF_ALLOW_PRIVATE, -EINVAL),
	BADF("key:0", SHMKIT_REF_ALLOW_PRIVATE, -EINVAL),

	/* junk */
	BAD("foo", -EINVAL),
	BAD("0x1 ", -EINVAL),
	BAD(" 0x1", -EINVAL),
	BAD(" /a", -EINVAL),
	BAD("KEY:1", -EINVAL),
	BAD("ID:1", -EINVAL),
	BAD("name:/a", -EINVAL),
	BAD("x1", -EINVAL),
	BAD(":1", -EINVAL),
	BAD("ftok", -EINVAL),
};

/* Prints @s for a test description, with control bytes escaped. */
static const char *show(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	if (!s)
		return "(null)";
	for (; *s && o + 5 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			o += (size_t)snprintf(buf + o, len - o, "\\n");
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	if (*s)
		o += (size_t)snprintf(buf + o, len - o, "...");
	buf[o] = '\0';
	return buf;
}

/* Fills a ref with a byte pattern that no successful parse leaves behind. */
static void sentinel(struct shmkit_ref *r)
{
	memset(r, 0xa5, sizeof(*r));
}

static int is_sentinel(const struct shmkit_ref *r)
{
	struct shmkit_ref s;

	sentinel(&s);
	return memcmp(&s, r, sizeof(s)) == 0;
}

/* Checks a parse result against a row; returns whether it succeeded. */
static int check_ref(int line, const char *text, unsigned flags, int rc,
		     const struct shmkit_ref *got, const struct ref_row *want)
{
	char t[100];

	show(text, t, sizeof(t));
	if (!CHECK_RC_AT(__FILE__, line, rc, want->rc, "ref_parse('%s', %u) returns %d",
			 t, flags, want->rc))
		return 0;
	if (want->rc) {
		CHECK_TRUE_AT(__FILE__, line, is_sentinel(got),
			      "ref_parse('%s') leaves *out untouched on failure", t);
		return 0;
	}
	switch (want->by) {
	case W_KEY:
		CHECK_U64_AT(__FILE__, line, got->kind, SHMKIT_SYSV, "'%s': kind is SYSV", t);
		CHECK_U64_AT(__FILE__, line, got->by, SHMKIT_BY_KEY, "'%s': by KEY", t);
		CHECK_U64_AT(__FILE__, line, (uint32_t)got->key, want->key, "'%s': key", t);
		break;
	case W_ID:
		CHECK_U64_AT(__FILE__, line, got->kind, SHMKIT_SYSV, "'%s': kind is SYSV", t);
		CHECK_U64_AT(__FILE__, line, got->by, SHMKIT_BY_ID, "'%s': by ID", t);
		CHECK_U64_AT(__FILE__, line, got->id, want->id, "'%s': id", t);
		break;
	case W_NAME:
		CHECK_U64_AT(__FILE__, line, got->kind, SHMKIT_POSIX, "'%s': kind is POSIX", t);
		CHECK_U64_AT(__FILE__, line, got->by, SHMKIT_BY_NAME, "'%s': by NAME", t);
		CHECK_TRUE_AT(__FILE__, line, memchr(got->name, '\0', sizeof(got->name)),
			      "'%s': name is NUL-terminated", t);
		if (memchr(got->name, '\0', sizeof(got->name)))
			CHECK_STR_AT(__FILE__, line, got->name, want->name, "'%s': name", t);
		break;
	case W_PRIVATE:
		CHECK_U64_AT(__FILE__, line, got->kind, SHMKIT_SYSV, "'%s': kind is SYSV", t);
		CHECK_U64_AT(__FILE__, line, got->by, SHMKIT_BY_PRIVATE, "'%s': by PRIVATE", t);
		break;
	case W_FAIL:
		break;
	}
	return 1;
}

/* format(parse(text)) is @canon, with the exact length and buffer limits. */
static void check_format(int line, const char *text, const struct shmkit_ref *ref,
			 const char *canon)
{
	char t[100], c[100], buf[SHMKIT_NAME_MAX + 8];
	size_t len = strlen(canon);
	struct shmkit_ref again;
	int rc;

	show(text, t, sizeof(t));
	show(canon, c, sizeof(c));
	memset(buf, 'Z', sizeof(buf));
	rc = shmkit_ref_format(ref, buf, sizeof(buf));
	CHECK_RC_AT(__FILE__, line, rc, (int)len, "ref_format('%s') returns its length", t);
	if (rc >= 0)
		CHECK_STR_AT(__FILE__, line, buf, canon, "ref_format('%s') is canonical", t);

	/* Exactly enough room for the text and its NUL. */
	memset(buf, 'Z', sizeof(buf));
	rc = shmkit_ref_format(ref, buf, len + 1);
	CHECK_RC_AT(__FILE__, line, rc, (int)len, "ref_format('%s') fits in %zu bytes", t, len + 1);
	if (rc >= 0)
		CHECK_STR_AT(__FILE__, line, buf, canon, "ref_format('%s') in %zu bytes", t, len + 1);
	CHECK_TRUE_AT(__FILE__, line, buf[len + 1] == 'Z',
		      "ref_format('%s') writes nothing past len", t);

	/* One byte short: no room for the NUL. */
	rc = shmkit_ref_format(ref, buf, len);
	CHECK_RC_AT(__FILE__, line, rc, -ENOBUFS, "ref_format('%s') in %zu bytes", t, len);
	rc = shmkit_ref_format(ref, buf, 1);
	CHECK_RC_AT(__FILE__, line, rc, -ENOBUFS, "ref_format('%s') in 1 byte", t);
	rc = shmkit_ref_format(ref, buf, 0);
	CHECK_RC_AT(__FILE__, line, rc, -ENOBUFS, "ref_format('%s') in 0 bytes", t);

	/* The canonical text parses back to the same segment. */
	sentinel(&again);
	rc = shmkit_ref_parse(canon, SHMKIT_REF_ALLOW_PRIVATE, &again);
	if (!CHECK_RC_AT(__FILE__, line, rc, 0, "canonical '%s' of '%s' parses", c, t))
		return;
	CHECK_U64_AT(__FILE__, line, again.kind, ref->kind, "'%s' round-trips: kind", t);
	CHECK_U64_AT(__FILE__, line, again.by, ref->by, "'%s' round-trips: by", t);
	if (ref->by == SHMKIT_BY_KEY)
		CHECK_U64_AT(__FILE__, line, (uint32_t)again.key, (uint32_t)ref->key,
			     "'%s' round-trips: key", t);
	else if (ref->by == SHMKIT_BY_ID)
		CHECK_U64_AT(__FILE__, line, again.id, ref->id, "'%s' round-trips: id", t);
	else if (ref->by == SHMKIT_BY_NAME)
		CHECK_STR_AT(__FILE__, line, again.name, ref->name, "'%s' round-trips: name", t);
}

static void test_ref_rows(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ref_rows); i++) {
		const struct ref_row *row = &ref_rows[i];
		struct shmkit_ref ref;
		int rc;

		sentinel(&ref);
		rc = shmkit_ref_parse(row->text, row->flags, &ref);
		if (check_ref(row->line, row->text, row->flags, rc, &ref, row) && row->canon)
			check_format(row->line, row->text, &ref, row->canon);
	}
}

/* Names at and just past SHMKIT_NAME_MAX. */
static void test_ref_name_lengths(void)
{
	char text[SHMKIT_NAME_MAX + 3];
	struct shmkit_ref ref;
	struct ref_row row = { __LINE__, text, 0, 0, W_NAME, 0, 0, text, text };
	int rc;

	text[0] = '/';
	memset(text + 1, 'x', SHMKIT_NAME_MAX + 1);

	/* 255 bytes after the slash: the longest name. */
	text[SHMKIT_NAME_MAX + 1] = '\0';
	sentinel(&ref);
	rc = shmkit_ref_parse(text, 0, &ref);
	if (check_ref(__LINE__, text, 0, rc, &ref, &row))
		check_format(__LINE__, text, &ref, text);

	/* 256 bytes: too long. */
	text[SHMKIT_NAME_MAX + 1] = 'x';
	text[SHMKIT_NAME_MAX + 2] = '\0';
	row.rc = -EINVAL;
	row.by = W_FAIL;
	sentinel(&ref);
	rc = shmkit_ref_parse(text, 0, &ref);
	check_ref(__LINE__, text, 0, rc, &ref, &row);

	/* 254 and 1 bytes are fine too. */
	text[SHMKIT_NAME_MAX] = '\0';
	row.rc = 0;
	row.by = W_NAME;
	sentinel(&ref);
	rc = shmkit_ref_parse(text, 0, &ref);
	check_ref(__LINE__, text, 0, rc, &ref, &row);
}

/* ftok:PATH[:PROJ] gives exactly ftok(PATH, PROJ), PROJ defaulting to 1. */
static void test_ref_ftok(void)
{
	static const struct {
		int line;
		const char *text;
		const char *path;
		int proj;
	} oks[] = {
		{ __LINE__, "ftok:/tmp:0", "/tmp", 0 },
		{ __LINE__, "ftok:/tmp", "/tmp", 1 },
		{ __LINE__, "ftok:/tmp:1", "/tmp", 1 },
		{ __LINE__, "ftok:/tmp:2", "/tmp", 2 },
		{ __LINE__, "ftok:/tmp:255", "/tmp", 255 },
		{ __LINE__, "ftok:/:7", "/", 7 },
		{ __LINE__, "ftok:/dev/null", "/dev/null", 1 },
		{ __LINE__, "ftok:/dev/null:65", "/dev/null", 65 },
	};
	static const struct ref_row bads[] = {
		BAD("ftok:", -EINVAL),
		BAD("ftok::1", -EINVAL),
		BAD("ftok:/tmp:256", -ERANGE),
		BAD("ftok:/tmp:1000", -ERANGE),
		BAD("ftok:/tmp:99999999999999999999", -ERANGE),
		BAD("ftok:/tmp:x", -EINVAL),
		BAD("ftok:/tmp:-1", -EINVAL),
		BAD("ftok:/tmp:+1", -EINVAL),
		BAD("ftok:/tmp:0x10", -EINVAL),
		BAD("ftok:/tmp:1x", -EINVAL),
		BAD("ftok:/tmp: 1", -EINVAL),
		BAD("ftok:/tmp:", -EINVAL),
		BAD("ftok:/nonexistent/path", -ENOENT),
		BAD("ftok:/nonexistent/path:1", -ENOENT),
		BAD("ftok:/nonexistent/path:256", -ERANGE),
		BAD("FTOK:/tmp", -EINVAL),
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(oks); i++) {
		struct ref_row row = { oks[i].line, oks[i].text, 0, 0, W_KEY, 0, 0, NULL, NULL };
		char canon[16];
		struct shmkit_ref ref;
		key_t k = ftok(oks[i].path, oks[i].proj);
		int rc;

		if (!CHECK_TRUE_AT(__FILE__, oks[i].line, k != (key_t)-1 && k != IPC_PRIVATE,
				   "test setup: ftok(\"%s\", %d) works", oks[i].path, oks[i].proj))
			continue;
		row.key = (uint32_t)k;
		snprintf(canon, sizeof(canon), "0x%08x", (unsigned)k);
		sentinel(&ref);
		rc = shmkit_ref_parse(oks[i].text, 0, &ref);
		if (check_ref(oks[i].line, oks[i].text, 0, rc, &ref, &row))
			check_format(oks[i].line, oks[i].text, &ref, canon);
	}
	for (i = 0; i < ARRAY_SIZE(bads); i++) {
		struct shmkit_ref ref;
		int rc;

		sentinel(&ref);
		rc = shmkit_ref_parse(bads[i].text, 0, &ref);
		check_ref(bads[i].line, bads[i].text, 0, rc, &ref, &bads[i]);
	}
}

/* Refs built by hand, as a program holding a shmid or key would. */
static void test_ref_format_by_hand(void)
{
	struct shmkit_ref ref;
	char buf[64];
	int rc;

	memset(&ref, 0, sizeof(ref));
	ref.kind = SHMKIT_SYSV;
	ref.by = SHMKIT_BY_KEY;
	ref.key = (key_t)0xdeadbeefu;
	rc = shmkit_ref_format(&ref, buf, sizeof(buf));
	CHECK_RC(rc, 10, "ref_format(key 0xdeadbeef) returns 10");
	CHECK_STR(buf, "0xdeadbeef", "a negative key_t prints as 8 unsigned hex digits");

	ref.key = (key_t)-1;
	rc = shmkit_ref_format(&ref, buf, sizeof(buf));
	CHECK_RC(rc, 10, "ref_format(key -1) returns 10");
	CHECK_STR(buf, "0xffffffff", "key -1 prints as 0xffffffff");

	ref.by = SHMKIT_BY_ID;
	ref.id = 123456;
	rc = shmkit_ref_format(&ref, buf, sizeof(buf));
	CHECK_RC(rc, 6, "ref_format(id 123456) returns 6");
	CHECK_STR(buf, "123456", "an id prints in decimal");
	rc = shmkit_ref_format(&ref, buf, 7);
	CHECK_RC(rc, 6, "ref_format(id 123456) fits in 7 bytes");
	rc = shmkit_ref_format(&ref, buf, 6);
	CHECK_RC(rc, -ENOBUFS, "ref_format(id 123456) in 6 bytes");

	ref.id = INT_MAX;
	rc = shmkit_ref_format(&ref, buf, sizeof(buf));
	CHECK_RC(rc, 10, "ref_format(id INT_MAX) returns 10");
	CHECK_STR(buf, "2147483647", "id INT_MAX prints in decimal");

	memset(&ref, 0, sizeof(ref));
	ref.kind = SHMKIT_SYSV;
	ref.by = SHMKIT_BY_PRIVATE;
	rc = shmkit_ref_format(&ref, buf, sizeof(buf));
	CHECK_RC(rc, 7, "ref_format(private) returns 7");
	CHECK_STR(buf, "private", "ref_format(private)");
	rc = shmkit_ref_format(&ref, buf, 7);
	CHECK_RC(rc, -ENOBUFS, "ref_format(private) in 7 bytes");

	memset(&ref, 0, sizeof(ref));
	ref.kind = SHMKIT_POSIX;
	ref.by = SHMKIT_BY_NAME;
	strcpy(ref.name, "/frames");
	rc = shmkit_ref_format(&ref, buf, sizeof(buf));
	CHECK_RC(rc, 7, "ref_format(/frames) returns 7");
	CHECK_STR(buf, "/frames", "ref_format(/frames)");
}

/* ---------------------------------------------------------------- sizes */

struct size_row {
	int line;
	const char *text;
	unsigned flags;
	int rc;
	uint64_t value;
};

#define SZ(t, v)	{ __LINE__, t, 0, 0, v }
#define SZF(t, f, v)	{ __LINE__, t, f, 0, v }
#define SZBAD(t, rc)	{ __LINE__, t, 0, rc, 0 }
#define SZBADF(t, f, rc) { __LINE__, t, f, rc, 0 }
#define KiB 1024ull
#define MiB (1024ull * KiB)
#define GiB (1024ull * MiB)
#define TiB (1024ull * GiB)

static const struct size_row size_rows[] = {
	SZ("1", 1),
	SZ("4096", 4096),
	SZ("0x1000", 4096),
	SZ("0xFFF", 0xfff),
	SZ("0x00001", 1),
	SZ("010", 10),			/* decimal, not octal */
	SZ("1K", KiB),
	SZ("1KiB", KiB),
	SZ("1KB", KiB),
	SZ("4K", 4 * KiB),
	SZ("2M", 2 * MiB),
	SZ("1MiB", MiB),
	SZ("1MB", MiB),
	SZ("3G", 3 * GiB),
	SZ("1GiB", GiB),
	SZ("1GB", GiB),
	SZ("1T", TiB),
	SZ("1TiB", TiB),
	SZ("1TB", TiB),
	SZ("0x10K", 16 * KiB),
	SZ("18446744073709551615", UINT64_MAX),
	SZ("0xffffffffffffffff", UINT64_MAX),
	SZ("16777215T", 16777215ull * TiB),
	SZ("17179869183G", 17179869183ull * GiB),

	/* zero only when allowed */
	SZBAD("0", -EINVAL),
	SZBAD("0K", -EINVAL),
	SZBAD("0x0", -EINVAL),
	SZBAD("00", -EINVAL),
	SZF("0", SHMKIT_SIZE_ZERO_OK, 0),
	SZF("0K", SHMKIT_SIZE_ZERO_OK, 0),
	SZF("0x0", SHMKIT_SIZE_ZERO_OK, 0),
	SZF("4096", SHMKIT_SIZE_ZERO_OK, 4096),
	SZF("1M", SHMKIT_SIZE_ZERO_OK, MiB),

	/* rejected */
	SZBAD("", -EINVAL),
	SZBADF("", SHMKIT_SIZE_ZERO_OK, -EINVAL),
	SZBAD("-1", -EINVAL),
	SZBAD("+1", -EINVAL),
	SZBADF("-0", SHMKIT_SIZE_ZERO_OK, -EINVAL),
	SZBADF("+0", SHMKIT_SIZE_ZERO_OK, -EINVAL),
	SZBAD("1.5K", -EINVAL),
	SZBAD("1.0", -EINVAL),
	SZBAD("1e3", -EINVAL),
	SZBAD("12Q", -EINVAL),
	SZBAD("1B", -EINVAL),
	SZBAD("1P", -EINVAL),
	SZBAD("1KK", -EINVAL),
	SZBAD("1Ki", -EINVAL),
	SZBAD("1KiBx", -EINVAL),
	SZBAD("1iB", -EINVAL),
	SZBAD("K", -EINVAL),
	SZBAD("KiB", -EINVAL),
	SZBAD("1 K", -EINVAL),
	SZBAD(" 1", -EINVAL),
	SZBAD("1 ", -EINVAL),
	SZBAD("1\n", -EINVAL),
	SZBAD("abc", -EINVAL),
	SZBAD("0x", -EINVAL),
	SZBADF("0x", SHMKIT_SIZE_ZERO_OK, -EINVAL),
	SZBAD("0xg", -EINVAL),
	SZBAD("0x-1", -EINVAL),
	SZBAD("1K1", -EINVAL),

	/* overflow */
	SZBAD("18446744073709551616", -ERANGE),
	SZBAD("99999999999999999999999", -ERANGE),
	SZBAD("0x10000000000000000", -ERANGE),
	SZBAD("16777216T", -ERANGE),
	SZBAD("17179869184G", -ERANGE),
	SZBAD("18014398509481984K", -ERANGE),
	SZBAD("18446744073709551615K", -ERANGE),
};

static void test_size_rows(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(size_rows); i++) {
		const struct size_row *row = &size_rows[i];
		size_t out = (size_t)0xa5a5a5a5u;
		char t[100];
		int rc;

		show(row->text, t, sizeof(t));
		rc = shmkit_parse_size(row->text, row->flags, &out);
		if (!CHECK_RC_AT(__FILE__, row->line, rc, row->rc,
				 "parse_size('%s', %u) returns %d", t, row->flags, row->rc))
			continue;
		if (row->rc)
			CHECK_U64_AT(__FILE__, row->line, out, 0xa5a5a5a5u,
				     "parse_size('%s') leaves *out untouched", t);
		else
			CHECK_U64_AT(__FILE__, row->line, out, row->value,
				     "parse_size('%s') value", t);
	}
}

/*
 * The header lists upper-case suffixes only (and a lower-case "iB"), so
 * other spellings are junk.
 */
static void test_size_case(void)
{
	static const char *const texts[] = { "1k", "1kib", "1kb", "1m", "1g", "1t", "1Kib", "1KIB", "1kB" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		size_t out = (size_t)0xa5a5a5a5u;
		int rc = shmkit_parse_size(texts[i], 0, &out);

		CHECK_RC(rc, -EINVAL, "parse_size('%s'): suffixes are upper-case", texts[i]);
	}
}

/* ---------------------------------------------------------------- modes */

struct mode_row {
	int line;
	const char *text;
	int rc;
	mode_t mode;
};

#define MD(t, m)	{ __LINE__, t, 0, m }
#define MDBAD(t, rc)	{ __LINE__, t, rc, 0 }

static const struct mode_row mode_rows[] = {
	MD("600", 0600),
	MD("0600", 0600),
	MD("0", 0),
	MD("00", 0),
	MD("1", 01),
	MD("7", 07),
	MD("640", 0640),
	MD("644", 0644),
	MD("777", 0777),
	MD("0777", 0777),
	MD("0644", 0644),

	MDBAD("1000", -ERANGE),
	MDBAD("01000", -ERANGE),
	MDBAD("4755", -ERANGE),
	MDBAD("7777", -ERANGE),
	MDBAD("77777777777777777777777777", -ERANGE),
	MDBAD("0o600", -EINVAL),
	MDBAD("0x1ff", -EINVAL),
	MDBAD("999", -EINVAL),
	MDBAD("8", -EINVAL),
	MDBAD("608", -EINVAL),
	MDBAD("-1", -EINVAL),
	MDBAD("+600", -EINVAL),
	MDBAD("-0", -EINVAL),
	MDBAD("", -EINVAL),
	MDBAD("abc", -EINVAL),
	MDBAD("rw-------", -EINVAL),
	MDBAD("u+rw", -EINVAL),
	MDBAD(" 600", -EINVAL),
	MDBAD("600 ", -EINVAL),
	MDBAD("60 0", -EINVAL),
	MDBAD("600\n", -EINVAL),
	MDBAD("6.0", -EINVAL),
};

static void test_mode_rows(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mode_rows); i++) {
		const struct mode_row *row = &mode_rows[i];
		mode_t out = 0123456;
		char t[100];
		int rc;

		show(row->text, t, sizeof(t));
		rc = shmkit_parse_mode(row->text, &out);
		if (!CHECK_RC_AT(__FILE__, row->line, rc, row->rc,
				 "parse_mode('%s') returns %d", t, row->rc))
			continue;
		if (row->rc)
			CHECK_U64_AT(__FILE__, row->line, out, 0123456,
				     "parse_mode('%s') leaves *out untouched", t);
		else
			CHECK_U64_AT(__FILE__, row->line, out, row->mode,
				     "parse_mode('%s') value (octal %o)", t, (unsigned)row->mode);
	}
}

/* ------------------------------------------------------------ durations */

struct dur_row {
	int line;
	const char *text;
	int rc;
	uint64_t secs;
};

#define DU(t, s)	{ __LINE__, t, 0, s }
#define DUBAD(t, rc)	{ __LINE__, t, rc, 0 }

static const struct dur_row dur_rows[] = {
	DU("30", 30),
	DU("30s", 30),
	DU("1", 1),
	DU("0", 0),
	DU("0s", 0),
	DU("15m", 900),
	DU("1m", 60),
	DU("2h", 7200),
	DU("1d", 86400),
	DU("7d", 604800),
	DU("1w", 604800),
	DU("2w", 1209600),
	DU("90m", 5400),
	DU("010", 10),
	DU("18446744073709551615", UINT64_MAX),
	DU("18446744073709551615s", UINT64_MAX),
	DU("30500568904943w", 30500568904943ull * 604800),
	DU("213503982334601d", 213503982334601ull * 86400),

	DUBAD("", -EINVAL),
	DUBAD("-1", -EINVAL),
	DUBAD("+1", -EINVAL),
	DUBAD("-1s", -EINVAL),
	DUBAD("1x", -EINVAL),
	DUBAD("1y", -EINVAL),
	DUBAD("1ms", -EINVAL),
	DUBAD("1ss", -EINVAL),
	DUBAD("1hm", -EINVAL),
	DUBAD("1h30m", -EINVAL),
	DUBAD("1.5h", -EINVAL),
	DUBAD("1.5", -EINVAL),
	DUBAD("s", -EINVAL),
	DUBAD("m", -EINVAL),
	DUBAD(" 1", -EINVAL),
	DUBAD("1 ", -EINVAL),
	DUBAD("1 s", -EINVAL),
	DUBAD("1s ", -EINVAL),
	DUBAD("0x10", -EINVAL),
	DUBAD("abc", -EINVAL),

	DUBAD("18446744073709551616", -ERANGE),
	DUBAD("99999999999999999999999", -ERANGE),
	DUBAD("30500568904944w", -ERANGE),
	DUBAD("213503982334602d", -ERANGE),
	DUBAD("5124095576030432h", -ERANGE),
	DUBAD("307445734561825861m", -ERANGE),
	DUBAD("18446744073709551615w", -ERANGE),
};

static void test_duration_rows(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dur_rows); i++) {
		const struct dur_row *row = &dur_rows[i];
		uint64_t out = 0xa5a5a5a5u;
		char t[100];
		int rc;

		show(row->text, t, sizeof(t));
		rc = shmkit_parse_duration(row->text, &out);
		if (!CHECK_RC_AT(__FILE__, row->line, rc, row->rc,
				 "parse_duration('%s') returns %d", t, row->rc))
			continue;
		if (row->rc)
			CHECK_U64_AT(__FILE__, row->line, out, 0xa5a5a5a5u,
				     "parse_duration('%s') leaves *out untouched", t);
		else
			CHECK_U64_AT(__FILE__, row->line, out, row->secs,
				     "parse_duration('%s') value", t);
	}
}

/* The header lists lower-case units only. */
static void test_duration_case(void)
{
	static const char *const texts[] = { "1S", "1M", "1H", "1D", "1W" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		uint64_t out = 0;
		int rc = shmkit_parse_duration(texts[i], &out);

		CHECK_RC(rc, -EINVAL, "parse_duration('%s'): units are lower-case", texts[i]);
	}
}

/* ------------------------------------------------------------ ref lists */

/* An fd to read @len bytes of @data from (a memfd: no pipe buffer to fill). */
static int feed(const char *data, size_t len)
{
	int fd = memfd_create("refs", 0);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0) {
		perror("feed");
		exit(1);
	}
	return fd;
}

/* Reads @len bytes of @data into a new list: the rc, and the list in *out. */
static int read_list(const char *data, size_t len, struct shmkit_reflist **out,
		     struct shmkit_reflist_error *e)
{
	int fd = feed(data, len), rc;

	if (shmkit_reflist_new(out) < 0) {
		perror("shmkit_reflist_new");
		exit(1);
	}
	rc = shmkit_reflist_read(*out, fd, e);
	close(fd);
	return rc;
}

/* Lines as shmrm - reads them: blanks, comments, escapes, line numbers, duplicates. */
static void test_reflist_read(void)
{
	static const char in[] = "# leaked\n\n0x6001\n  /one  \n\t/two\t\r\n   # x\n/one\n"
				 "5\nid:5\n\x0c\n/sp\\x20ace\n/new\\x0aline\n/last";
	static const struct {
		const char *text, *parse;
		size_t line;
	} want[] = {
		{ "0x6001", "0x6001", 3 }, { "/one", "/one", 4 }, { "/two", "/two", 5 },
		{ "/one", "/one", 7 }, { "5", "5", 8 }, { "id:5", "5", 9 },
		{ "/sp\\x20ace", "/sp ace", 11 }, { "/new\\x0aline", "/new\nline", 12 },
		{ "/last", "/last", 13 },
	};
	static const size_t kept[] = { 0, 1, 2, 4, 6, 7, 8 };
	struct shmkit_reflist_error e = { 77, "untouched" };
	const struct shmkit_refent *v;
	struct shmkit_reflist *list;
	struct shmkit_ref ref;
	size_t n, i;
	char buf[64];

	CHECK_RC(read_list(in, sizeof(in) - 1, &list, &e), 0, "reflist_read: a list of references");
	CHECK_TRUE(e.line == 77 && strcmp(e.text, "untouched") == 0, "reflist_read: *out untouched on success");
	n = shmkit_reflist_all(list, &v);
	CHECK_U64(n, ARRAY_SIZE(want), "reflist_read: one entry a reference line");
	for (i = 0; i < n && i < ARRAY_SIZE(want); i++) {
		shmkit_ref_parse(want[i].parse, 0, &ref);
		CHECK_STR(v[i].text, want[i].text, "reflist entry %zu: text as written", i);
		CHECK_U64(v[i].line, want[i].line, "reflist entry %zu: line", i);
		CHECK_I64(shmkit_ref_cmp(&v[i].ref, &ref), 0, "reflist entry %zu: %s",
			  i, show(want[i].parse, buf, sizeof(buf)));
	}
	CHECK_RC(shmkit_reflist_dedup(list), 0, "reflist_dedup");
	n = shmkit_reflist_all(list, &v);
	CHECK_U64(n, ARRAY_SIZE(kept), "reflist_dedup: later duplicates dropped");
	for (i = 0; i < n && i < ARRAY_SIZE(kept); i++)
		CHECK_U64(v[i].line, want[kept[i]].line, "reflist_dedup: entry %zu keeps its place", i);
	shmkit_reflist_free(list);

	/* Nothing to read, or nothing but blanks and comments. */
	CHECK_RC(read_list("", 0, &list, &e), 0, "reflist_read: empty input");
	CHECK_U64(shmkit_reflist_all(list, &v), 0, "reflist_read: empty input, no entry");
	CHECK_RC(shmkit_reflist_dedup(list), 0, "reflist_dedup: empty list");
	shmkit_reflist_free(list);
	CHECK_RC(read_list("\n# x\n \t\n   ", 11, &list, &e), 0, "reflist_read: blanks only");
	CHECK_U64(shmkit_reflist_all(list, &v), 0, "reflist_read: blanks only, no entry");
	shmkit_reflist_free(list);
}

/* The first line refused stops the read; what came before stays. */
static void test_reflist_errors(void)
{
	static const struct {
		int line;
		const char *in;
		size_t len;
		int rc;
		size_t at, before;
		const char *text;
	} rows[] = {
#define ROW(s, rc, at, before, text) { __LINE__, s, sizeof(s) - 1, rc, at, before, text }
		ROW("/one\n/a\0b\n/two\n", -EILSEQ, 2, 1, NULL),
		ROW("\0\n", -EILSEQ, 1, 0, NULL),
		ROW("/one\n\0", -EILSEQ, 2, 1, NULL),
		ROW("/one\nnot a ref\n/two", -EINVAL, 2, 1, "not a ref"),
		ROW("junk\n/a\0b\n", -EINVAL, 1, 0, "junk"),
		ROW("  /a\\x00b  \n", -EINVAL, 1, 0, "/a\\x00b"),
		ROW("/a\\x2fb\n", -EINVAL, 1, 0, "/a\\x2fb"),
		ROW("\x0b/two\n", -EINVAL, 1, 0, "\x0b/two"),
		ROW("private\n", -EINVAL, 1, 0, "private"),
		ROW("0x0\n", -EINVAL, 1, 0, "0x0"),
		ROW("/one\n0x1ffffffff\n", -ERANGE, 2, 1, "0x1ffffffff"),
		ROW("ftok:/no/such/path:1\n", -ENOENT, 1, 0, "ftok:/no/such/path:1"),
#undef ROW
	};
	struct shmkit_reflist_error e;
	const struct shmkit_refent *v;
	struct shmkit_reflist *list;
	char buf[64];
	size_t i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		const char *what = show(rows[i].in, buf, sizeof(buf));

		memset(&e, 0, sizeof(e));
		CHECK_RC_AT(__FILE__, rows[i].line, read_list(rows[i].in, rows[i].len, &list, &e),
			    rows[i].rc, "reflist_read '%s'", what);
		CHECK_U64_AT(__FILE__, rows[i].line, e.line, rows[i].at, "reflist_read '%s': line", what);
		if (rows[i].text)
			CHECK_STR_AT(__FILE__, rows[i].line, e.text, rows[i].text,
				     "reflist_read '%s': text", what);
		else
			CHECK_TRUE_AT(__FILE__, rows[i].line, e.text == NULL,
				      "reflist_read '%s': no text for a NUL byte", what);
		CHECK_U64_AT(__FILE__, rows[i].line, shmkit_reflist_all(list, &v), rows[i].before,
			     "reflist_read '%s': lines before it kept", what);
		shmkit_reflist_free(list);
	}

	/* Reading itself fails: no line is at fault. */
	shmkit_reflist_new(&list);
	memset(&e, 0xa5, sizeof(e));
	CHECK_RC(shmkit_reflist_read(list, -1, &e), -EBADF, "reflist_read: a bad fd");
	CHECK_TRUE(e.line == 0 && e.text == NULL, "reflist_read: a bad fd is no line's fault");
	fd = open("/", O_RDONLY | O_DIRECTORY);
	CHECK_RC(shmkit_reflist_read(list, fd, &e), -EISDIR, "reflist_read: a directory");
	close(fd);
	CHECK_U64(shmkit_reflist_all(list, &v), 0, "reflist_read: nothing added");
	shmkit_reflist_free(list);
}

/* Lines longer than any buffer, many lines, and a list built from both sources. */
static void test_reflist_sizes(void)
{
	size_t big = 100000, i, n, len;
	struct shmkit_reflist_error e;
	const struct shmkit_refent *v;
	struct shmkit_reflist *list;
	struct shmkit_ref ref;
	char *s = malloc(2 * big + 64), name[32];
	int fd;

	if (!s)
		exit(1);
	/* A name far past SHMKIT_NAME_MAX, refused whole. */
	s[0] = '/';
	memset(s + 1, 'a', big);
	memcpy(s + 1 + big, "\n/two\n", 6);
	CHECK_RC(read_list(s, big + 7, &list, &e), -EINVAL, "reflist_read: a 100000-byte line");
	CHECK_U64(e.line, 1, "reflist_read: the long line is line 1");
	CHECK_U64(e.text ? strlen(e.text) : 0, big + 1, "reflist_read: its text is whole");
	shmkit_reflist_free(list);
	/* Blanks around a reference, far more than one read. */
	memset(s, ' ', big);
	memcpy(s + big, "/one", 4);
	memset(s + big + 4, '\t', big);
	memcpy(s + 2 * big + 4, "\n/two", 5);
	CHECK_RC(read_list(s, 2 * big + 9, &list, &e), 0, "reflist_read: 100000 blanks each side");
	n = shmkit_reflist_all(list, &v);
	CHECK_TRUE(n == 2 && strcmp(v[0].text, "/one") == 0 && v[1].line == 2 &&
		   strcmp(v[1].text, "/two") == 0, "reflist_read: blanks trimmed, last line read");
	shmkit_reflist_free(list);
	free(s);

	/* 20000 lines, every name twice: the first of each stays, in order. */
	s = malloc(40000 * 16);
	if (!s)
		exit(1);
	for (i = len = 0; i < 40000; i++)
		len += (size_t)sprintf(s + len, "/n%05zu\n", i % 20000);
	CHECK_RC(read_list(s, len, &list, &e), 0, "reflist_read: 40000 lines");
	CHECK_U64(shmkit_reflist_all(list, &v), 40000, "reflist_read: 40000 entries");
	CHECK_RC(shmkit_reflist_dedup(list), 0, "reflist_dedup: 40000 entries");
	n = shmkit_reflist_all(list, &v);
	CHECK_U64(n, 20000, "reflist_dedup: 20000 left");
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "/n%05zu", i);
		if (strcmp(v[i].ref.name, name) != 0 || v[i].line != i + 1)
			break;
	}
	CHECK_U64(i, n, "reflist_dedup: first occurrences, in input order");
	shmkit_reflist_free(list);
	free(s);

	/* Arguments and input in one list: the text is copied, duplicates span both. */
	shmkit_reflist_new(&list);
	snprintf(name, sizeof(name), "key:5");
	shmkit_ref_parse(name, 0, &ref);
	CHECK_RC(shmkit_reflist_add(list, &ref, name), 0, "reflist_add");
	name[0] = 'X';
	fd = feed("0x5\n/one\n", 9);
	CHECK_RC(shmkit_reflist_read(list, fd, &e), 0, "reflist_read after reflist_add");
	close(fd);
	shmkit_ref_parse("/one", 0, &ref);
	CHECK_RC(shmkit_reflist_add(list, &ref, "/one"), 0, "reflist_add after reflist_read");
	n = shmkit_reflist_all(list, &v);
	CHECK_TRUE(n == 4 && strcmp(v[0].text, "key:5") == 0 && v[0].line == 0 && v[1].line == 1 &&
		   v[3].line == 0, "reflist: entries in order, added ones on line 0");
	shmkit_reflist_dedup(list);
	n = shmkit_reflist_all(list, &v);
	CHECK_TRUE(n == 2 && strcmp(v[0].text, "key:5") == 0 && strcmp(v[1].text, "/one") == 0 &&
		   v[1].line == 2, "reflist_dedup: across added and read entries");
	errno = ENOTTY;
	shmkit_reflist_free(list);
	shmkit_reflist_free(NULL);
	CHECK_RC(-errno, -ENOTTY, "reflist_free preserves errno and takes NULL");
}

/* A snapshot's canonical reference. */
static void test_info_ref(void)
{
	struct shmkit_info sysv = { .kind = SHMKIT_SYSV, .id = 32768, .key = 0x162e };
	struct shmkit_info posix = { .kind = SHMKIT_POSIX, .name = "/a b" };
	struct shmkit_ref ref, want;
	char buf[32];

	shmkit_info_ref(&sysv, &ref);
	CHECK_TRUE(ref.kind == SHMKIT_SYSV && ref.by == SHMKIT_BY_ID && ref.id == 32768 &&
		   ref.key == 0x162e, "info_ref: SysV by id, key kept");
	shmkit_ref_format(&ref, buf, sizeof(buf));
	CHECK_STR(buf, "32768", "info_ref: SysV formats as its shmid");
	shmkit_ref_parse("32768", 0, &want);
	CHECK_I64(shmkit_ref_cmp(&ref, &want), 0, "info_ref: SysV equals the parsed shmid");
	shmkit_info_ref(&posix, &ref);
	CHECK_TRUE(ref.kind == SHMKIT_POSIX && ref.by == SHMKIT_BY_NAME, "info_ref: POSIX by name");
	shmkit_ref_format(&ref, buf, sizeof(buf));
	CHECK_STR(buf, "/a b", "info_ref: POSIX formats as its name");
	shmkit_ref_parse("/a b", 0, &want);
	CHECK_I64(shmkit_ref_cmp(&ref, &want), 0, "info_ref: POSIX equals the parsed name");
}

/* ------------------------------------------------------------- messages */

static int all_lowercase_start(const char *s)
{
	return s && islower((unsigned char)s[0]);
}

static void test_strerror(void)
{
	const char *texts[SHMKIT_EEND - SHMKIT_EBASE];
	int e, i, j;

	for (e = SHMKIT_EBASE + 1; e < SHMKIT_EEND; e++) {
		const char *s = shmkit_strerror(-e);
		char n[64];
		size_t len;

		check_rc_name(-e, n, sizeof(n));
		texts[e - SHMKIT_EBASE] = s;
		if (!CHECK_TRUE(s && *s, "strerror(%s) is a non-empty string", n))
			continue;
		len = strlen(s);
		CHECK_TRUE(all_lowercase_start(s), "strerror(%s) starts lowercase: \"%s\"", n, s);
		CHECK_TRUE(s[len - 1] != '.' && s[len - 1] != '\n' && !isspace((unsigned char)s[len - 1]),
			   "strerror(%s) has no trailing full stop or newline: \"%s\"", n, s);
		CHECK_TRUE(!strchr(s, '\n'), "strerror(%s) is one line", n);
		CHECK_TRUE(strncmp(s, "Unknown error", 13) != 0,
			   "strerror(%s) is not the libc fallback: \"%s\"", n, s);
		CHECK_TRUE(shmkit_strerror(-e) == s || strcmp(shmkit_strerror(-e), s) == 0,
			   "strerror(%s) is the same text twice", n);
	}
	for (i = 1; i < SHMKIT_EEND - SHMKIT_EBASE; i++)
		for (j = i + 1; j < SHMKIT_EEND - SHMKIT_EBASE; j++)
			if (texts[i] && texts[j])
				CHECK_TRUE(strcmp(texts[i], texts[j]) != 0,
					   "strerror(-%d) and strerror(-%d) differ",
					   SHMKIT_EBASE + i, SHMKIT_EBASE + j);

	/* The two texts the header quotes. */
	CHECK_STR(shmkit_strerror(-ENOENT), "no such segment", "strerror(-ENOENT)");
	CHECK_STR(shmkit_strerror(-SHMKIT_ESHMMAX), "size is above kernel.shmmax",
		  "strerror(-SHMKIT_ESHMMAX)");

	/* Other errno values: strerror() text. */
	CHECK_STR(shmkit_strerror(-ENOSPC), strerror(ENOSPC), "strerror(-ENOSPC) is libc's");
	CHECK_STR(shmkit_strerror(-EPIPE), strerror(EPIPE), "strerror(-EPIPE) is libc's");
	CHECK_STR(shmkit_strerror(-ENOMEM), strerror(ENOMEM), "strerror(-ENOMEM) is libc's");
	CHECK_TRUE(shmkit_strerror(-EEXIST) && *shmkit_strerror(-EEXIST),
		   "strerror(-EEXIST) is non-empty");
	CHECK_TRUE(shmkit_strerror(-EACCES) && *shmkit_strerror(-EACCES),
		   "strerror(-EACCES) is non-empty");
	CHECK_TRUE(shmkit_strerror(-EINVAL) && *shmkit_strerror(-EINVAL),
		   "strerror(-EINVAL) is non-empty");

	/* Out-of-range codes still give a string, never NULL. */
	CHECK_TRUE(shmkit_strerror(-SHMKIT_EBASE) != NULL, "strerror(-SHMKIT_EBASE) is not NULL");
	CHECK_TRUE(shmkit_strerror(-SHMKIT_EEND) != NULL, "strerror(-SHMKIT_EEND) is not NULL");
	CHECK_TRUE(shmkit_strerror(-99999) != NULL, "strerror(-99999) is not NULL");
	CHECK_TRUE(shmkit_strerror(-1000) != NULL, "strerror(-1000) is not NULL");
}

static void test_error_codes_above_errno(void)
{
	/* The header promises SHMKIT_E* lie above every errno value. */
	CHECK_TRUE(SHMKIT_EBASE > 133, "SHMKIT_EBASE lies above errno values");
	CHECK_TRUE(SHMKIT_ESHMMAX > SHMKIT_EBASE && SHMKIT_EEND > SHMKIT_EPRIVATE,
		   "SHMKIT_E* are ordered after SHMKIT_EBASE");
}

int main(void)
{
	test_ref_rows();
	test_ref_name_lengths();
	test_ref_ftok();
	test_ref_format_by_hand();
	test_size_rows();
	test_size_case();
	test_mode_rows();
	test_duration_rows();
	test_duration_case();
	test_reflist_read();
	test_reflist_errors();
	test_reflist_sizes();
	test_info_ref();
	test_strerror();
	test_error_codes_above_errno();
	return check_done("unit-parse");
}

/* SPDX-License-Identifier: MIT */
/* procfs.c: table-driven tests of the parsers of kernel text: /proc/sysvipc/shm lines and /proc/PID/maps lines. */
#include <sys/sysmacros.h>
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "check.h"

#define SHMDEV makedev(0, 0x19)

struct row {
	int line;
	const char *text;
	int rc;
	enum shmkit_kind kind;
	int id;			/* SysV */
	unsigned long ino;	/* POSIX */
};

static const struct row rows[] = {
	/* SysV: inode = shmid, whatever key the name shows (after IPC_RMID too) */
	{ __LINE__, "7f1c2a000000-7f1c2a001000 rw-s 00000000 00:01 32768                      /SYSV0000162e (deleted)", 1, SHMKIT_SYSV, 32768, 0 },
	{ __LINE__, "7f1c2a000000-7f1c2a001000 r--s 00000000 00:01 0                          /SYSV00000000 (deleted)", 1, SHMKIT_SYSV, 0, 0 },
	{ __LINE__, "7f1c2a000000-7f1c2a001000 rw-s 00000000 00:01 2147483647 /SYSV00000001 (deleted)", 1, SHMKIT_SYSV, 2147483647, 0 },
	/* an inode beyond any shmid is not a SysV mapping */
	{ __LINE__, "7f1c2a000000-7f1c2a001000 rw-s 00000000 00:01 2147483648 /SYSV00000001 (deleted)", 0, 0, 0, 0 },
	{ __LINE__, "7f1c2a000000-7f1c2a001000 rw-s 00000000 00:01 99999999999999999999999 /SYSV00000001 (deleted)", 0, 0, 0, 0 },
	/* POSIX: by device and inode of /dev/shm, with or without " (deleted)" */
	{ __LINE__, "7f1c2a000000-7f1c2a100000 rw-s 00000000 00:19 12345                      /dev/shm/frames", 1, SHMKIT_POSIX, -1, 12345 },
	{ __LINE__, "7f1c2a000000-7f1c2a100000 r--s 00000000 00:19 7 /dev/shm/frames (deleted)", 1, SHMKIT_POSIX, -1, 7 },
	{ __LINE__, "7f1c2a000000-7f1c2a100000 rw-s 00000000 00:19 8 /dev/shm/a b\tc (deleted) (deleted)", 1, SHMKIT_POSIX, -1, 8 },
	/* another mount namespace's /dev/shm is another device: not ours */
	{ __LINE__, "7f1c2a000000-7f1c2a100000 rw-s 00000000 00:1a 12345                      /dev/shm/frames", 0, 0, 0, 0 },
	/* private mappings and ordinary files hold nothing */
	{ __LINE__, "7f1c2a000000-7f1c2a100000 rw-p 00000000 00:19 12345                      /dev/shm/frames", 0, 0, 0, 0 },
	{ __LINE__, "55d0c0a00000-55d0c0a21000 r-xp 00000000 fd:01 1234567                    /usr/bin/cat", 0, 0, 0, 0 },
	{ __LINE__, "7ffd5b5e0000-7ffd5b601000 rw-p 00000000 00:00 0                          [stack]", 0, 0, 0, 0 },
	/* junk, short and truncated lines */
	{ __LINE__, "", 0, 0, 0, 0 },
	{ __LINE__, "0-0 rw-s 0 0:0 0", 0, 0, 0, 0 },
	{ __LINE__, "7f1c2a000000-7f1c2a100000 rw-s", 0, 0, 0, 0 },
	{ __LINE__, "x-y rw-s 0 00:19 1 /dev/shm/x", 0, 0, 0, 0 },
	{ __LINE__, "0-1 abs 0 00:19 1 /dev/shm/x", 0, 0, 0, 0 },
	{ __LINE__, "0-1  r s 0 00:19 1 /dev/shm/x", 0, 0, 0, 0 },
};

struct sysv_row {
	int line;
	const char *text;
	int rc;
	int64_t key;
	int id;
	unsigned mode, status;
	uint64_t size, nattch;
	int has_mem;
};

#define SYSV_HDR "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap"

static const struct sysv_row sysv_rows[] = {
	{ __LINE__, SYSV_HDR, -EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ __LINE__, "      4660          0   600                  4096   123   123      0     0     0     0     0          0          0 1700000000                     0                     0",
	  0, 4660, 0, 0600, 0, 4096, 0, 1 },
	/* keys print signed; SHM_DEST (01000) and SHM_LOCKED (02000) ride on perms */
	{ __LINE__, "-1412567295 5 3644 1048576 1 1 2 1000 1000 1000 1000 1 2 3 4096 0",
	  0, -1412567295, 5, 0644, SHMKIT_ST_DEST | SHMKIT_ST_LOCKED, 1048576, 2, 1 },
	/* before Linux 3.x there were no rss and swap columns */
	{ __LINE__, "1 2 600 4096 1 1 0 0 0 0 0 0 0 0", 0, 1, 2, 0600, 0, 4096, 0, 0 },
	/* fields wider than their headers, tabs */
	{ __LINE__, "1\t2\t600\t18446744073709551615\t1\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0", -EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ __LINE__, "1\t2\t600\t9223372036854775807\t1\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0", 0, 1, 2, 0600, 0, INT64_MAX, 0, 1 },
	/* absurd numbers: out of range for their field */
	{ __LINE__, "2147483648 1 600 4096 1 1 0 0 0 0 0 0 0 0 0 0", -EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ __LINE__, "1 -1 600 4096 1 1 0 0 0 0 0 0 0 0 0 0", -EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ __LINE__, "1 1 17777 4096 1 1 0 0 0 0 0 0 0 0 0 0", -EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ __LINE__, "1 1 600 99999999999999999999 1 1 0 0 0 0 0 0 0 0 0 0", -EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ __LINE__, "1 1 600 4096 1 1 0 4294967296 0 0 0 0 0 0 0 0", -EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ __LINE__, "1 1 600 4096 1 1 0 0 0 0 0 0 0 0 0 0 0", -EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ __LINE__, "1 1 600 4096 1 1 0 0 0 0 0 0 0", -EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ __LINE__, "1 1 600 4096 1 1 0 0 0 0 0 x 0 0 0 0", -EINVAL, 0, 0, 0, 0, 0, 0, 0 },
	{ __LINE__, "", -EINVAL, 0, 0, 0, 0, 0, 0, 0 },
};

static void test_sysv_lines(void)
{
	struct shmkit_info info;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sysv_rows); i++) {
		const struct sysv_row *r = &sysv_rows[i];
		int rc;

		memset(&info, 0, sizeof(info));
		rc = shmkit__sysv_parse_line(r->text, &info);
		CHECK_RC(rc, r->rc, "sysv line %d: rc", r->line);
		if (rc < 0)
			continue;
		CHECK_I64(info.key, r->key, "sysv line %d: key", r->line);
		CHECK_I64(info.id, r->id, "sysv line %d: id", r->line);
		CHECK_U64(info.mode, r->mode, "sysv line %d: mode", r->line);
		CHECK_U64(info.status, r->status, "sysv line %d: status", r->line);
		CHECK_U64(info.size, r->size, "sysv line %d: size", r->line);
		CHECK_U64(info.nattch, r->nattch, "sysv line %d: nattch", r->line);
		CHECK_U64(!!(info.have & SHMKIT_HAVE_MEM), r->has_mem, "sysv line %d: rss and swap", r->line);
	}
}

int main(void)
{
	struct shmkit_holder x;
	size_t i;
	char *long_line;
	int rc;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];

		memset(&x, 0, sizeof(x));
		rc = shmkit__maps_parse_line(r->text, SHMDEV, &x);
		CHECK_RC(rc, r->rc, "line %d: rc", r->line);
		if (rc != 1)
			continue;
		CHECK_I64(x.kind, r->kind, "line %d: kind", r->line);
		CHECK_I64(x.id, r->id, "line %d: id", r->line);
		CHECK_U64(x.how, SHMKIT_HOLD_MAP, "line %d: how", r->line);
		if (r->kind == SHMKIT_POSIX) {
			CHECK_U64(x.dev, SHMDEV, "line %d: dev", r->line);
			CHECK_U64(x.ino, r->ino, "line %d: ino", r->line);
		}
	}

	/* A line longer than the scanner's buffer is dropped, not misread. */
	long_line = malloc(40000);
	if (!long_line)
		return 1;
	snprintf(long_line, 40000, "%s", "7f1c2a000000-7f1c2a100000 rw-s 00000000 00:19 9 /dev/shm/");
	i = strlen(long_line);
	memset(long_line + i, 'n', 30000);
	long_line[i + 30000] = '\0';
	CHECK_RC(shmkit__maps_parse_line(long_line, SHMDEV, &x), 0, "a 40000-byte line");
	free(long_line);

	/* No /dev/shm (device 0): POSIX mappings cannot be matched; SysV still can. */
	CHECK_RC(shmkit__maps_parse_line(rows[5].text, 0, &x), 0, "POSIX line without /dev/shm");
	CHECK_RC(shmkit__maps_parse_line(rows[0].text, 0, &x), 1, "SysV line without /dev/shm");
	test_sysv_lines();
	return check_done("unit-procfs");
}

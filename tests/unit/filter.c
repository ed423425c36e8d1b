/* SPDX-License-Identifier: MIT */
/* filter.c: tests of the selection helpers: segment age, orphans without a holder scan, filters. */
#include <sys/types.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shmkit.h"
#include "check.h"

#define NOW ((int64_t)1700000000)

static struct shmkit_info sysv(int64_t ctime, int64_t atime, int64_t dtime, uint64_t nattch, uid_t uid)
{
	struct shmkit_info i;

	memset(&i, 0, sizeof(i));
	i.kind = SHMKIT_SYSV;
	i.have = SHMKIT_HAVE_KEY | SHMKIT_HAVE_ID | SHMKIT_HAVE_CREDS | SHMKIT_HAVE_PIDS |
		 SHMKIT_HAVE_NATTCH | SHMKIT_HAVE_DTIME;
	i.key = 0x162e;
	i.id = 32768;
	i.size = 4096;
	i.mode = 0600;
	i.uid = i.cuid = uid;
	i.ctime = ctime;
	i.atime = atime;
	i.dtime = dtime;
	i.nattch = nattch;
	return i;
}

static struct shmkit_info posix(const char *name, int64_t ctime, int64_t mtime, int64_t atime, uid_t uid)
{
	struct shmkit_info i;

	memset(&i, 0, sizeof(i));
	i.kind = SHMKIT_POSIX;
	i.have = SHMKIT_HAVE_NAME | SHMKIT_HAVE_INODE;
	snprintf(i.name, sizeof(i.name), "%s", name);
	i.size = 4096;
	i.mode = 0600;
	i.uid = uid;
	i.ctime = ctime;
	i.mtime = mtime;
	i.atime = atime;
	i.dev = 22;
	i.ino = 1234;
	return i;
}

static void test_age(void)
{
	struct shmkit_info i;

	i = sysv(NOW - 100, 0, 0, 0, 0);
	CHECK_U64(shmkit_info_age(&i, NOW), 100, "SysV age from ctime alone");
	i = sysv(NOW - 100, NOW - 50, 0, 0, 0);
	CHECK_U64(shmkit_info_age(&i, NOW), 50, "SysV age from a newer atime");
	i = sysv(NOW - 100, NOW - 50, NOW - 10, 0, 0);
	CHECK_U64(shmkit_info_age(&i, NOW), 10, "SysV age from a newer dtime");
	i = sysv(NOW - 5, NOW - 50, NOW - 10, 0, 0);
	CHECK_U64(shmkit_info_age(&i, NOW), 5, "SysV age from the newest, ctime");
	i = sysv(NOW + 100, 0, 0, 0, 0);
	CHECK_U64(shmkit_info_age(&i, NOW), 0, "SysV age is 0 when in the future");
	i = sysv(NOW, 0, 0, 0, 0);
	CHECK_U64(shmkit_info_age(&i, NOW), 0, "SysV age 0 at creation");

	i = posix("/a", NOW - 100, NOW - 300, 0, 0);
	CHECK_U64(shmkit_info_age(&i, NOW), 300, "POSIX age from mtime even when ctime is newer");
	i = posix("/a", NOW - 300, NOW - 30, 0, 0);
	CHECK_U64(shmkit_info_age(&i, NOW), 30, "POSIX age from mtime, newer than ctime");
	i = posix("/a", NOW - 300, NOW - 300, NOW - 1, 0);
	CHECK_U64(shmkit_info_age(&i, NOW), 300, "POSIX age ignores atime");
	i = posix("/a", NOW + 300, NOW + 30, 0, 0);
	CHECK_U64(shmkit_info_age(&i, NOW), 0, "POSIX age is 0 when in the future");
}

static void test_orphan(void)
{
	struct shmkit_info i;

	i = sysv(NOW, 0, 0, 0, 0);
	CHECK_RC(shmkit_info_orphan(&i, NULL), 1, "SysV with nattch 0 is an orphan");
	i = sysv(NOW, 0, 0, 1, 0);
	CHECK_RC(shmkit_info_orphan(&i, NULL), 0, "SysV with nattch 1 is held");
	i = sysv(NOW, 0, 0, 7, 0);
	CHECK_RC(shmkit_info_orphan(&i, NULL), 0, "SysV with nattch 7 is held");
	i = posix("/a", NOW, NOW, 0, 0);
	CHECK_RC(shmkit_info_orphan(&i, NULL), -EAGAIN, "POSIX without a holder scan cannot be told");
}

static void test_filter(void)
{
	struct shmkit_info s0 = sysv(NOW - 1000, 0, 0, 0, 1000),
			   s1 = sysv(NOW - 10, 0, 0, 1, 0),
			   pf = posix("/frames", NOW - 1000, NOW - 1000, 0, 1000),
			   po = posix("/other", NOW - 10, NOW - 10, 0, 0);
	struct shmkit_filter f;

	memset(&f, 0, sizeof(f));
	CHECK_RC(shmkit_filter_match(&f, &s0, NULL, NOW), 1, "an empty filter passes SysV");
	CHECK_RC(shmkit_filter_match(&f, &pf, NULL, NOW), 1, "an empty filter passes POSIX");

	f.kinds = SHMKIT_LIST_SYSV;
	CHECK_RC(shmkit_filter_match(&f, &s0, NULL, NOW), 1, "kinds SYSV passes SysV");
	CHECK_RC(shmkit_filter_match(&f, &pf, NULL, NOW), 0, "kinds SYSV stops POSIX");
	f.kinds = SHMKIT_LIST_POSIX;
	CHECK_RC(shmkit_filter_match(&f, &s0, NULL, NOW), 0, "kinds POSIX stops SysV");
	CHECK_RC(shmkit_filter_match(&f, &pf, NULL, NOW), 1, "kinds POSIX passes POSIX");
	f.kinds = SHMKIT_LIST_ALL;
	CHECK_RC(shmkit_filter_match(&f, &s0, NULL, NOW), 1, "kinds ALL passes SysV");
	CHECK_RC(shmkit_filter_match(&f, &pf, NULL, NOW), 1, "kinds ALL passes POSIX");

	memset(&f, 0, sizeof(f));
	f.older_than = 500;
	CHECK_RC(shmkit_filter_match(&f, &s0, NULL, NOW), 1, "older_than 500 passes a 1000 s old SysV");
	CHECK_RC(shmkit_filter_match(&f, &s1, NULL, NOW), 0, "older_than 500 stops a 10 s old SysV");
	CHECK_RC(shmkit_filter_match(&f, &pf, NULL, NOW), 1, "older_than 500 passes a 1000 s old POSIX");
	CHECK_RC(shmkit_filter_match(&f, &po, NULL, NOW), 0, "older_than 500 stops a 10 s old POSIX");

	memset(&f, 0, sizeof(f));
	f.by_uid = 1;
	f.uid = 1000;
	CHECK_RC(shmkit_filter_match(&f, &s0, NULL, NOW), 1, "uid 1000 passes its SysV");
	CHECK_RC(shmkit_filter_match(&f, &s1, NULL, NOW), 0, "uid 1000 stops root's SysV");
	CHECK_RC(shmkit_filter_match(&f, &pf, NULL, NOW), 1, "uid 1000 passes its POSIX");
	CHECK_RC(shmkit_filter_match(&f, &po, NULL, NOW), 0, "uid 1000 stops root's POSIX");
	f.uid = 0;
	CHECK_RC(shmkit_filter_match(&f, &s1, NULL, NOW), 1, "by_uid with uid 0 passes root's SysV");
	CHECK_RC(shmkit_filter_match(&f, &s0, NULL, NOW), 0, "by_uid with uid 0 stops uid 1000's");

	memset(&f, 0, sizeof(f));
	f.orphans = 1;
	CHECK_RC(shmkit_filter_match(&f, &s0, NULL, NOW), 1, "orphans passes SysV with nattch 0");
	CHECK_RC(shmkit_filter_match(&f, &s1, NULL, NOW), 0, "orphans stops SysV with nattch 1");
	CHECK_RC(shmkit_filter_match(&f, &pf, NULL, NOW), 0,
		 "orphans stops POSIX whose state cannot be told");

	memset(&f, 0, sizeof(f));
	f.name_glob = "fr*";
	CHECK_RC(shmkit_filter_match(&f, &pf, NULL, NOW), 1, "glob 'fr*' passes /frames");
	CHECK_RC(shmkit_filter_match(&f, &po, NULL, NOW), 0, "glob 'fr*' stops /other");
	f.name_glob = "/fr*";
	CHECK_RC(shmkit_filter_match(&f, &pf, NULL, NOW), 0, "the glob sees the name without its '/'");
	f.name_glob = "*";
	CHECK_RC(shmkit_filter_match(&f, &po, NULL, NOW), 1, "glob '*' passes any POSIX name");

	/* Every test must pass. */
	memset(&f, 0, sizeof(f));
	f.kinds = SHMKIT_LIST_POSIX;
	f.older_than = 500;
	f.by_uid = 1;
	f.uid = 1000;
	f.name_glob = "frames";
	CHECK_RC(shmkit_filter_match(&f, &pf, NULL, NOW), 1, "all of kind, age, uid and glob pass");
	f.uid = 0;
	CHECK_RC(shmkit_filter_match(&f, &pf, NULL, NOW), 0, "one failing test stops it");
	f.uid = 1000;
	f.older_than = 5000;
	CHECK_RC(shmkit_filter_match(&f, &pf, NULL, NOW), 0, "one failing test (age) stops it");
}

static void test_held_by(void)
{
	struct shmkit_info s0 = sysv(NOW - 1000, 0, 0, 0, 1000),
			   pf = posix("/frames", NOW - 1000, NOW - 1000, 0, 1000);
	struct shmkit_holders *h = NULL;
	struct shmkit_filter f;

	/* This process holds neither of these made-up segments. */
	if (!CHECK_RC(shmkit_holders_scan_pid(-1, getpid(), &h), 0, "scan this process"))
		return;
	memset(&f, 0, sizeof(f));
	f.held_by = h;
	CHECK_RC(shmkit_filter_match(&f, &s0, NULL, NOW), 0, "held_by stops a SysV it does not hold");
	CHECK_RC(shmkit_filter_match(&f, &pf, h, NOW), 0, "held_by stops a POSIX it does not hold");
	f.held_by = NULL;
	CHECK_RC(shmkit_filter_match(&f, &pf, h, NOW), 1, "no held_by passes it");
	shmkit_holders_free(h);
}

int main(void)
{
	test_age();
	test_orphan();
	test_filter();
	test_held_by();
	return check_done("unit-filter");
}

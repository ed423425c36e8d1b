/* SPDX-License-Identifier: MIT */
/* caps.c: tests of the capability helpers: which capability a denial lacked, names, has, limit, --target's. */
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shmkit.h"
#include "check.h"

/* A capability set from /proc/self/status ("CapEff", "CapPrm"), or -1. */
static int64_t proc_caps(const char *field)
{
	char line[256];
	unsigned long long v;
	size_t len = strlen(field);
	int64_t out = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, len) == 0 && line[len] == ':' &&
		    sscanf(line + len + 1, "%llx", &v) == 1) {
			out = (int64_t)v;
			break;
		}
	fclose(f);
	return out;
}

static void test_cap_for(void)
{
	static const struct {
		enum shmkit_kind kind;
		enum shmkit_op op;
		int cap;
		const char *what;
	} rows[] = {
		{ SHMKIT_SYSV, SHMKIT_OP_READ, CAP_IPC_OWNER, "SysV read" },
		{ SHMKIT_SYSV, SHMKIT_OP_WRITE, CAP_IPC_OWNER, "SysV write" },
		{ SHMKIT_SYSV, SHMKIT_OP_REMOVE, CAP_SYS_ADMIN, "SysV remove" },
		{ SHMKIT_POSIX, SHMKIT_OP_READ, CAP_DAC_OVERRIDE, "POSIX read" },
		{ SHMKIT_POSIX, SHMKIT_OP_WRITE, CAP_DAC_OVERRIDE, "POSIX write" },
		{ SHMKIT_POSIX, SHMKIT_OP_REMOVE, CAP_FOWNER, "POSIX remove" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		CHECK_RC(shmkit_cap_for(rows[i].kind, rows[i].op), rows[i].cap,
			 "cap_for(%s) is %d", rows[i].what, rows[i].cap);
}

static void test_cap_name(void)
{
	static const struct {
		int cap;
		const char *name;
	} rows[] = {
		{ CAP_IPC_OWNER, "CAP_IPC_OWNER" },
		{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN" },
		{ CAP_DAC_OVERRIDE, "CAP_DAC_OVERRIDE" },
		{ CAP_FOWNER, "CAP_FOWNER" },
	};
	char buf[64];
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		len = strlen(rows[i].name);
		memset(buf, 'Z', sizeof(buf));
		if (CHECK_RC(shmkit_cap_name(rows[i].cap, buf, sizeof(buf)), 0, "cap_name(%d)", rows[i].cap))
			CHECK_STR(buf, rows[i].name, "cap_name(%d)", rows[i].cap);
		memset(buf, 'Z', sizeof(buf));
		CHECK_RC(shmkit_cap_name(rows[i].cap, buf, len + 1), 0, "cap_name(%s) fits in %zu bytes",
			 rows[i].name, len + 1);
		CHECK_TRUE(buf[len + 1] == 'Z', "cap_name(%s) writes nothing past len", rows[i].name);
		CHECK_RC(shmkit_cap_name(rows[i].cap, buf, len), -ENOBUFS, "cap_name(%s) in %zu bytes",
			 rows[i].name, len);
		CHECK_RC(shmkit_cap_name(rows[i].cap, buf, 0), -ENOBUFS, "cap_name(%s) in 0 bytes",
			 rows[i].name);
	}
}

static void test_cap_has(void)
{
	static const int caps[] = { CAP_IPC_OWNER, CAP_SYS_ADMIN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_CHOWN };
	int64_t eff = proc_caps("CapEff");
	size_t i;

	if (!CHECK_TRUE(eff >= 0, "test setup: CapEff from /proc/self/status"))
		return;
	for (i = 0; i < ARRAY_SIZE(caps); i++)
		CHECK_RC(shmkit_cap_has(caps[i]), (eff >> caps[i]) & 1,
			 "cap_has(%d) agrees with CapEff", caps[i]);
}

/* Dropping happens in a child, so the rest of the program keeps its set. */
static void test_cap_limit(void)
{
	static const int keep[] = { CAP_IPC_OWNER, CAP_DAC_OVERRIDE };
	int64_t eff = proc_caps("CapEff"), prm = proc_caps("CapPrm");
	int64_t mask = (1ll << CAP_IPC_OWNER) | (1ll << CAP_DAC_OVERRIDE);
	int status;
	pid_t pid;

	if (!CHECK_TRUE(eff >= 0 && prm >= 0, "test setup: CapEff and CapPrm"))
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		CHECK_RC(shmkit_cap_limit(keep, ARRAY_SIZE(keep)), 0, "cap_limit(IPC_OWNER, DAC_OVERRIDE)");
		CHECK_U64(proc_caps("CapEff"), eff & mask, "cap_limit: effective keeps only those held");
		CHECK_U64(proc_caps("CapPrm"), prm & mask, "cap_limit: permitted keeps only those held");
		CHECK_RC(shmkit_cap_has(CAP_SYS_ADMIN), 0, "cap_has(CAP_SYS_ADMIN) after cap_limit");
		CHECK_RC(shmkit_cap_has(CAP_IPC_OWNER), (eff >> CAP_IPC_OWNER) & 1,
			 "cap_has(CAP_IPC_OWNER) after cap_limit is as before");
		CHECK_RC(shmkit_cap_limit(NULL, 0), 0, "cap_limit(nothing)");
		CHECK_U64(proc_caps("CapEff"), 0, "cap_limit(nothing): effective is empty");
		CHECK_U64(proc_caps("CapPrm"), 0, "cap_limit(nothing): permitted is empty");
		CHECK_RC(shmkit_cap_limit(keep, ARRAY_SIZE(keep)), 0, "cap_limit again keeps working");
		CHECK_U64(proc_caps("CapPrm"), 0, "dropped capabilities stay dropped");
		fflush(stdout);
		_exit(0);
	}
	if (!CHECK_TRUE(pid > 0, "test setup: fork"))
		return;
	waitpid(pid, &status, 0);
	CHECK_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the cap_limit child ran to the end");
}

/* Which capability --target lacks: the first of the two the process does not hold. */
static void test_ns_cap_missing(void)
{
	static const int chroot_only[] = { CAP_SYS_CHROOT }, admin_only[] = { CAP_SYS_ADMIN };
	int64_t eff = proc_caps("CapEff");
	int want, status;
	pid_t pid;

	if (!CHECK_TRUE(eff >= 0, "test setup: CapEff"))
		return;
	want = !((eff >> CAP_SYS_ADMIN) & 1) ? CAP_SYS_ADMIN :
	       !((eff >> CAP_SYS_CHROOT) & 1) ? CAP_SYS_CHROOT : -ENOENT;
	CHECK_RC(shmkit_ns_cap_missing(), want, "ns_cap_missing agrees with CapEff");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		CHECK_RC(shmkit_cap_limit(chroot_only, ARRAY_SIZE(chroot_only)), 0, "keep CAP_SYS_CHROOT");
		CHECK_RC(shmkit_ns_cap_missing(), CAP_SYS_ADMIN, "without CAP_SYS_ADMIN, it is missing");
		CHECK_RC(shmkit_cap_limit(NULL, 0), 0, "drop everything");
		CHECK_RC(shmkit_ns_cap_missing(), CAP_SYS_ADMIN, "without either, CAP_SYS_ADMIN first");
		fflush(stdout);
		_exit(0);
	}
	if (!CHECK_TRUE(pid > 0, "test setup: fork"))
		return;
	waitpid(pid, &status, 0);
	CHECK_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the first child ran to the end");
	if (!((eff >> CAP_SYS_ADMIN) & 1))
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		CHECK_RC(shmkit_cap_limit(admin_only, ARRAY_SIZE(admin_only)), 0, "keep CAP_SYS_ADMIN");
		CHECK_RC(shmkit_ns_cap_missing(), CAP_SYS_CHROOT, "with CAP_SYS_ADMIN alone, CAP_SYS_CHROOT");
		fflush(stdout);
		_exit(0);
	}
	if (!CHECK_TRUE(pid > 0, "test setup: fork"))
		return;
	waitpid(pid, &status, 0);
	CHECK_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the second child ran to the end");
}

int main(void)
{
	struct check_counts *shared;

	/* Counters shared with the child that drops capabilities. */
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 2;
	check_counts = shared;

	test_cap_for();
	test_cap_name();
	test_cap_has();
	test_cap_limit();
	test_ns_cap_missing();
	return check_done("unit-caps");
}

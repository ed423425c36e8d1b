/* SPDX-License-Identifier: MIT */
/* cgroup.c: tests of shmkit_cgroup_owner(): the container, pod or unit named by /proc/PID/cgroup text of each layout. */
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "shmkit.h"
#include "check.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define UID "7b9c1e2a-33aa-4c1d-9e0f-1234567890ab"
#define UID_ "7b9c1e2a_33aa_4c1d_9e0f_1234567890ab"

static void test_owner(void)
{
	static const struct { const char *text; int kind; const char *want; } rows[] = {
		/* cgroup v2 */
		{ "0::/system.slice/docker-" HEX64 ".scope\n", SHMKIT_OWNER_CONTAINER, HEX64 },
		{ "0::/docker/" HEX64 "\n", SHMKIT_OWNER_CONTAINER, HEX64 },
		{ "0::/system.slice/cri-containerd-" HEX64 ".scope\n", SHMKIT_OWNER_CONTAINER, HEX64 },
		{ "0::/machine.slice/libpod-" HEX64 ".scope/container\n", SHMKIT_OWNER_CONTAINER, HEX64 },
		{ "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
		  ".slice/crio-" HEX64 ".scope\n", SHMKIT_OWNER_POD, UID },
		{ "0::/kubepods.slice/kubepods-pod" UID_ ".slice/cri-containerd-" HEX64 ".scope",
		  SHMKIT_OWNER_POD, UID },
		{ "0::/kubepods/burstable/pod" UID "/" HEX64 "\n", SHMKIT_OWNER_POD, UID },
		{ "0::/kubepods/pod" UID "/" HEX64 "\n", SHMKIT_OWNER_POD, UID },
		{ "0::/system.slice/cron.service\n", SHMKIT_OWNER_UNIT, "cron.service" },
		{ "0::/user.slice/user-0.slice/session-3.scope\n", SHMKIT_OWNER_UNIT, "session-3.scope" },
		{ "0::/init.scope\n", SHMKIT_OWNER_UNIT, "init.scope" },
		{ "0::/\n", SHMKIT_OWNER_NONE, "" },
		{ "", SHMKIT_OWNER_NONE, "" },
		/* not ids: too short, not hex, conmon beside the container */
		{ "0::/system.slice/docker-abc.scope\n", SHMKIT_OWNER_UNIT, "docker-abc.scope" },
		{ "0::/machine.slice/libpod-conmon-" HEX64 ".scope\n", SHMKIT_OWNER_UNIT,
		  "libpod-conmon-" HEX64 ".scope" },
		{ "0::/docker/notanid\n", SHMKIT_OWNER_NONE, "" },
		/* hybrid: v1 lines first, v2 (unified) last; every line is read */
		{ "12:memory:/docker/" HEX64 "\n1:name=systemd:/docker/" HEX64 "\n0::/\n",
		  SHMKIT_OWNER_CONTAINER, HEX64 },
		{ "4:memory:/\n1:name=systemd:/system.slice/ssh.service\n0::/system.slice/docker-"
		  HEX64 ".scope\n", SHMKIT_OWNER_CONTAINER, HEX64 },
		/* lines without two colons are ignored */
		{ "garbage\n0::/docker/" HEX64 "\n", SHMKIT_OWNER_CONTAINER, HEX64 },
	};
	char buf[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		CHECK_I64(shmkit_cgroup_owner(rows[i].text, buf, sizeof(buf)), rows[i].kind,
			  "row %zu kind", i);
		CHECK_STR(buf, rows[i].want, "row %zu id", i);
	}
	CHECK_RC(shmkit_cgroup_owner("0::/docker/" HEX64, buf, 0), -ENOBUFS, "no room");
	CHECK_I64(shmkit_cgroup_owner("0::/docker/" HEX64, buf, 13), SHMKIT_OWNER_CONTAINER,
		  "a short buffer: cut");
	CHECK_I64((int64_t)strlen(buf), 12, "cut to 12");
}

int main(void)
{
	test_owner();
	return check_done("unit-cgroup");
}

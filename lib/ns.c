/* SPDX-License-Identifier: MIT */
/* ns.c: entering a container's IPC and mount namespaces for --target. */
#include <sys/capability.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>
#include "internal.h"

int shmkit_ns_enter(pid_t pid, int *procfd)
{
	char path[64];
	int proc, ipc = -1, mnt = -1, rc = 0;

	proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc < 0)
		return -errno;
	snprintf(path, sizeof(path), "%d/ns/ipc", (int)pid);
	ipc = openat(proc, path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "%d/ns/mnt", (int)pid);
	mnt = ipc >= 0 ? openat(proc, path, O_RDONLY | O_CLOEXEC) : -1;
	if (ipc < 0 || mnt < 0)
		rc = errno == ENOENT ? -ESRCH : -errno;
	else if (setns(ipc, CLONE_NEWIPC) < 0 || setns(mnt, CLONE_NEWNS) < 0)
		rc = -errno;
	if (ipc >= 0)
		close(ipc);
	if (mnt >= 0)
		close(mnt);
	if (rc < 0) {
		close(proc);
		return rc;
	}
	*procfd = proc;
	return 0;
}

int shmkit_ns_cap_missing(void)
{
	static const int needed[] = { CAP_SYS_ADMIN, CAP_SYS_CHROOT };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(needed); i++)
		if (shmkit_cap_has(needed[i]) <= 0)
			return needed[i];
	return -ENOENT;
}

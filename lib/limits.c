/* SPDX-License-Identifier: MIT */
/* limits.c: the kernel's shared-memory limits and the size of /dev/shm, for shmls -g. */
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

int shmkit_limits_read(struct shmkit_limits *out)
{
	static const struct {
		const char *name;
		unsigned bit;
		size_t off;
	} sysctls[] = {
		{ "shmmax", SHMKIT_LIM_SHMMAX, offsetof(struct shmkit_limits, shmmax) },
		{ "shmall", SHMKIT_LIM_SHMALL, offsetof(struct shmkit_limits, shmall) },
		{ "shmmni", SHMKIT_LIM_SHMMNI, offsetof(struct shmkit_limits, shmmni) },
		{ "shm_rmid_forced", SHMKIT_LIM_RMID,
		  offsetof(struct shmkit_limits, rmid_forced) },
	};
	struct shmkit_limits l;
	struct shm_info si;
	struct statvfs sv;
	long page;
	size_t i;

	memset(&l, 0, sizeof(l));
	for (i = 0; i < ARRAY_SIZE(sysctls); i++) {
		uint64_t v;

		if (shmkit__read_sysctl(sysctls[i].name, &v) == 0) {
			memcpy((char *)&l + sysctls[i].off, &v, sizeof(v));
			l.have |= sysctls[i].bit;
		}
	}
	page = sysconf(_SC_PAGESIZE);
	l.page_size = page > 0 ? (uint64_t)page : 4096;
	/* SHM_INFO counts every segment of the namespace, whoever may see them. */
	if (shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&si) >= 0) {
		l.sysv_ids = (uint64_t)si.used_ids;
		l.sysv_pages = si.shm_tot;
		l.sysv_rss = si.shm_rss;
		l.sysv_swap = si.shm_swp;
		l.have |= SHMKIT_LIM_SYSV;
	}
	if (statvfs(SHMKIT__SHM_DIR, &sv) == 0) {
		l.shmfs_size = (uint64_t)sv.f_blocks * sv.f_frsize;
		l.shmfs_used = (uint64_t)(sv.f_blocks - sv.f_bfree) * sv.f_frsize;
		l.shmfs_avail = (uint64_t)sv.f_bavail * sv.f_frsize;
		l.shmfs_files = sv.f_files;
		l.shmfs_ffree = sv.f_ffree;
		l.have |= SHMKIT_LIM_SHMFS;
	}
	*out = l;
	return l.have ? 0 : -ENOENT;
}

int shmkit_shmfs_inodes(uint64_t *out)
{
	struct statvfs sv;

	if (statvfs(SHMKIT__SHM_DIR, &sv) < 0)
		return errno == ENOTDIR ? -ENOENT : -errno;
	if (sv.f_files == 0 || sv.f_ffree > sv.f_files)
		return -EOPNOTSUPP;
	*out = (uint64_t)(sv.f_files - sv.f_ffree);
	return 0;
}

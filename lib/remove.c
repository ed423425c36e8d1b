/* SPDX-License-Identifier: MIT */
/* remove.c: the one removal decision for both kinds: held? dry run? remove, keep or refuse. */
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "internal.h"

int shmkit_may_remove(const struct shmkit_info *info)
{
	uid_t me = geteuid();
	struct stat dir;

	/* ipc/util.c ipcctl_obtain_check(): owner, creator or CAP_SYS_ADMIN. */
	if (info->kind == SHMKIT_SYSV)
		return me == info->uid || me == info->cuid ||
		       shmkit_cap_has(CAP_SYS_ADMIN) > 0;
	/* unlink(2) in /dev/shm: write and search on it, then the sticky bit. */
	if (faccessat(AT_FDCWD, SHMKIT__SHM_DIR, W_OK | X_OK, AT_EACCESS) < 0 ||
	    stat(SHMKIT__SHM_DIR, &dir) < 0)
		return 0;
	return !(dir.st_mode & S_ISVTX) || me == info->uid || me == dir.st_uid ||
	       shmkit_cap_has(CAP_FOWNER) > 0;
}

/* What shmkit__posix_unlink_unheld() says when no lease can be had. */
#define NO_LEASE 2

/*
 * POSIX, not forced, no holder in the snapshot: the kernel's lease is the
 * check and the removal at once (shmkit__posix_unlink_unheld(): under a
 * write lease, then a private name, so an open that races in keeps the
 * object, as held). Returns what shmkit_remove_checked() does, or
 * NO_LEASE (neither the owner nor CAP_LEASE, leases disabled).
 */
static int remove_by_lease(const struct shmkit_info *info, unsigned flags)
{
	int rc = shmkit__posix_unlink_unheld(info, !!(flags & SHMKIT_RM_DRYRUN));

	if (rc == -EACCES || rc == -EPERM || rc == -EINVAL)
		return NO_LEASE;
	if (rc == -EBUSY || (rc == 0 && (flags & SHMKIT_RM_DRYRUN)))
		return !shmkit_may_remove(info) ? -EPERM : rc;
	return rc;
}

/* Held (1), not held (0) or cannot tell (-1), from the holder snapshot alone. */
static int scan_held(const struct shmkit_info *info, const struct shmkit_holders *h)
{
	const struct shmkit_holder *first;

	if (h && shmkit_holders_of(h, info, &first) > 0)
		return 1;
	return !h || shmkit_holders_unreadable(h) > 0 ? -1 : 0;
}

/*
 * Whether the segment is held right now: 1, 0, or -1 when that cannot be
 * told (POSIX only); SysV sets *nattch from the kernel. Or -errno when it
 * is gone or no longer the segment @info describes.
 */
static int held_now(const struct shmkit_info *info, const struct shmkit_holders *h,
		    uint64_t *nattch)
{
	int rc;

	if (info->kind == SHMKIT_POSIX)
		return scan_held(info, h);
	rc = shmkit__sysv_nattch(info, nattch);
	return rc < 0 ? rc : *nattch > 0;
}

/*
 * The one decision for both kinds where neither a lease nor the shut
 * decides, in this order:
 * held (kept unless forced; what the caller may not remove anyway is
 * refused as such), dry run (judged by shmkit_may_remove()), then the
 * removal itself.
 */
static int decide(const struct shmkit_info *info, int held, unsigned flags)
{
	int rc;

	if (held && !(flags & SHMKIT_RM_FORCE)) {
		if (!shmkit_may_remove(info))
			return -EPERM;
		return held > 0 ? -EBUSY : -EAGAIN;
	}
	if (flags & SHMKIT_RM_DRYRUN) {
		if (info->kind == SHMKIT_POSIX && (rc = shmkit__posix_unlink(info, 1)) < 0)
			return rc;
		return shmkit_may_remove(info) ? held > 0 : -EPERM;
	}
	/* FIXME: without a lease a process may open it between the check and here. */
	rc = info->kind == SHMKIT_SYSV ? shmkit__sysv_rmid(info->id) :
					  shmkit__posix_unlink(info, 0);
	return rc < 0 ? rc : held > 0;
}

int shmkit_remove_checked(const struct shmkit_info *info,
			  const struct shmkit_holders *h, unsigned flags,
			  uint64_t *nattch)
{
	uint64_t n = 0;
	int held;

	if (nattch)
		*nattch = 0;
	if (info->kind == SHMKIT_POSIX && !(flags & SHMKIT_RM_FORCE) &&
	    scan_held(info, h) <= 0) {
		held = remove_by_lease(info, flags);
		if (held != NO_LEASE)
			return held;
	}
	if (info->kind == SHMKIT_SYSV && !(flags & (SHMKIT_RM_FORCE | SHMKIT_RM_DRYRUN))) {
		/* Counted, shut to attachers, counted again: removed or reopened. */
		held = shmkit__sysv_rmid_unheld(info, &n);
		if (nattch)
			*nattch = n;
		if ((held == -EBUSY || held == -EPERM) && !shmkit_may_remove(info))
			return -EPERM;
		return held;
	}
	/* Forced, a dry run, or no lease to be had: the check, then the removal. */
	held = held_now(info, h, &n);
	if (held < -1)
		return held;
	if (nattch)
		*nattch = n;
	/* The locking protocol (lib/lock.c) creates no objects: nothing else to remove. */
	return decide(info, held, flags);
}

/*
 * Selection lists with the code shmls lists with (the one enumerator of
 * each kind, then shmkit_filter_match()), then checks and removes each
 * match back to back through the one decision above.
 */
int shmkit_remove_matching(const struct shmkit_filter *f,
			   const struct shmkit_holders *h, int64_t now,
			   unsigned flags, shmkit_remove_fn fn, void *payload)
{
	unsigned kinds = f->kinds ? f->kinds : SHMKIT_LIST_ALL;
	struct shmkit_filter unheld = *f;
	struct shmkit_info *infos;
	uint64_t nattch;
	size_t n, i;
	int rc;

	rc = shmkit_list_at(-1, kinds, &infos, &n);
	if (rc < 0)
		return rc;
	unheld.orphans = 0;
	for (i = 0; i < n; i++) {
		const struct shmkit_info *info = &infos[i];

		if (!shmkit_filter_match(f, info, h, now)) {
			/* --orphans cannot tell for this one: say so, leave it. */
			if (f->orphans && shmkit_info_orphan(info, h) < 0 &&
			    shmkit_filter_match(&unheld, info, h, now))
				fn(info, shmkit_may_remove(info) ? -EAGAIN : -EPERM, 0, payload);
			continue;
		}
		rc = shmkit_remove_checked(info, h, flags, &nattch);
		fn(info, rc, nattch, payload);
	}
	shmkit_info_free(infos);
	return 0;
}

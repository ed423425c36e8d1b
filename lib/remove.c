/* SPDX-License-Identifier: MIT */
/* remove.c: the one removal decision for both kinds: held? dry run? remove, keep or refuse. */
#include <sys/capability.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
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

/*
 * The attachment count straight from the kernel. IPC_STAT needs read
 * permission, which an owner may have taken away from itself; then the
 * /proc/sysvipc/shm line (slower: one read of every segment) stands in.
 */
static int sysv_recheck(const struct shmkit_info *info, uint64_t *nattch)
{
	struct shmkit_ref ref = { .kind = SHMKIT_SYSV, .by = SHMKIT_BY_ID };
	struct shmkit_info now;
	struct shmid_ds ds;
	int rc;

	if (shmctl(info->id, IPC_STAT, &ds) == 0) {
		/* shmids are reused: a different creator is a different segment. */
		if (ds.shm_perm.cuid != info->cuid ||
		    (ds.shm_perm.__key != info->key && !(ds.shm_perm.mode & SHM_DEST)))
			return -ENOENT;
		*nattch = ds.shm_nattch;
		return 0;
	}
	if (errno == EINVAL || errno == EIDRM)
		return -ENOENT;
	if (errno != EACCES)
		return -errno;
	if (!shmkit_may_remove(info))
		return -EPERM;
	ref.id = info->id;
	rc = shmkit__sysv_stat(&ref, &now);
	if (rc < 0)
		return rc;
	if (now.cuid != info->cuid)
		return -ENOENT;
	*nattch = now.nattch;
	return 0;
}

/*
 * Held (1), not held (0) or cannot tell (-1): the kernel's answer where it
 * can be asked, else the holder snapshot's (shmkit_info_orphan()).
 */
static int posix_held(const struct shmkit_info *info, const struct shmkit_holders *h)
{
	int orphan = shmkit_info_orphan(info, h);

	return orphan == 1 ? 0 : orphan == 0 ? 1 : -1;
}

/*
 * An unheld object goes only while the kernel guarantees that nobody has
 * it open (shmkit__posix_unlink_unheld(): a write lease, then a private
 * name); an open that races in keeps it, as held. Forced, or where no
 * lease can be had, the unlink follows the check.
 */
static int posix_remove(const struct shmkit_info *info, int held)
{
	int rc;

	if (held == 0) {
		rc = shmkit__posix_unlink_unheld(info, 0);
		if (rc != -EACCES && rc != -EPERM && rc != -EINVAL)
			return rc;
	}
	/* FIXME: without the lease a process may open it between the check and here. */
	rc = shmkit__posix_unlink(info, 0);
	return rc < 0 ? rc : held > 0;
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
		return posix_held(info, h);
	rc = sysv_recheck(info, nattch);
	return rc < 0 ? rc : *nattch > 0;
}

/*
 * The one decision for both kinds, in this order: held (kept unless
 * forced; what the caller may not remove anyway is refused as such), dry
 * run (judged by shmkit_may_remove()), then the removal itself.
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
	if (info->kind == SHMKIT_POSIX)
		return posix_remove(info, held);
	/* FIXME: a process may still shmat() between the check and IPC_RMID. */
	rc = shmkit__sysv_rmid(info->id);
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

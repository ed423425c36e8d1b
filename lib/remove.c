/* SPDX-License-Identifier: MIT */
/* remove.c: removal that checks again, right before acting, that nothing holds the segment. */
#include <sys/capability.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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

static int sysv_remove(const struct shmkit_info *info, unsigned flags,
		       uint64_t *nattch)
{
	uint64_t n = 0;
	int rc;

	rc = sysv_recheck(info, &n);
	if (rc < 0)
		return rc;
	if (nattch)
		*nattch = n;
	if (n > 0 && !(flags & SHMKIT_RM_FORCE))
		return -EBUSY;
	if (flags & SHMKIT_RM_DRYRUN)
		return shmkit_may_remove(info) ? n > 0 : -EPERM;
	/* FIXME: a process may still shmat() between the check and IPC_RMID. */
	if (shmctl(info->id, IPC_RMID, NULL) < 0)
		return errno == EINVAL || errno == EIDRM ? -ENOENT : -errno;
	return n > 0;
}

/* Held (1), not held (0) or cannot tell (-1), from a holder snapshot. */
static int posix_held(const struct shmkit_info *info, const struct shmkit_holders *h)
{
	int orphan = h ? shmkit_info_orphan(info, h) : -EAGAIN;

	return orphan == 1 ? 0 : orphan == 0 ? 1 : -1;
}

static int posix_remove(const struct shmkit_info *info,
			const struct shmkit_holders *h, unsigned flags)
{
	char path[sizeof(SHMKIT__SHM_DIR) + SHMKIT_NAME_MAX + 1];
	int held = posix_held(info, h);
	struct stat st;

	if (held && !(flags & SHMKIT_RM_FORCE))
		return held > 0 ? -EBUSY : -EAGAIN;
	snprintf(path, sizeof(path), "%s%s", SHMKIT__SHM_DIR, info->name);
	/* The same inode, still a regular file: never a symlink planted since. */
	if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	if (!S_ISREG(st.st_mode))
		return -SHMKIT_ENOTSHM;
	if ((info->have & SHMKIT_HAVE_INODE) &&
	    (st.st_dev != info->dev || st.st_ino != info->ino))
		return -ENOENT;
	if (flags & SHMKIT_RM_DRYRUN)
		return shmkit_may_remove(info) ? held > 0 : -EPERM;
	/* FIXME: a process may still open or map it between the scan and here. */
	if (unlink(path) < 0)
		return -errno;
	return held > 0;
}

int shmkit_remove_checked(const struct shmkit_info *info,
			  const struct shmkit_holders *h, unsigned flags,
			  uint64_t *nattch)
{
	int rc;

	if (nattch)
		*nattch = 0;
	if (info->kind == SHMKIT_SYSV)
		rc = sysv_remove(info, flags, nattch);
	else
		rc = posix_remove(info, h, flags);
	/* The locking protocol (lib/lock.c) creates no objects: nothing else to remove. */
	return rc;
}

/*
 * The selection loops check and remove each segment back to back: the
 * snapshot a filter judges is the check, taken one system call before the
 * removal, as ipcrm's own SHM_STAT + IPC_RMID.
 */
static int sysv_each(const struct shmkit_filter *f, const struct shmkit_holders *h,
		     int64_t now, unsigned flags, shmkit_remove_fn fn, void *payload)
{
	struct shmkit_info info;
	int maxidx, idx, rc;

	maxidx = shmkit__sysv_max_index();
	if (maxidx < 0)
		return maxidx;
	for (idx = 0; idx <= maxidx; idx++) {
		if (shmkit__sysv_stat_index(idx, &info) < 0 ||
		    !shmkit_filter_match(f, &info, h, now))
			continue;
		if (info.nattch > 0 && !(flags & SHMKIT_RM_FORCE))
			rc = -EBUSY;
		else if (flags & SHMKIT_RM_DRYRUN)
			rc = shmkit_may_remove(&info) ? info.nattch > 0 : -EPERM;
		else if (shmctl(info.id, IPC_RMID, NULL) < 0)
			rc = errno == EINVAL || errno == EIDRM ? -ENOENT : -errno;
		else
			rc = info.nattch > 0;
		fn(&info, rc, info.nattch, payload);
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of what may be objects in @dir, sorted: no dot entries, no sem.*. */
static int posix_names(DIR *dir, char ***out, size_t *n)
{
	char **v = NULL, **nv;
	size_t len = 0, cap = 0;
	struct dirent *d;

	while ((errno = 0, d = readdir(dir))) {
		if (d->d_name[0] == '.' || strncmp(d->d_name, "sem.", 4) == 0 ||
		    (d->d_type != DT_REG && d->d_type != DT_UNKNOWN))
			continue;
		if (len == cap) {
			cap = cap ? cap * 2 : 256;
			nv = reallocarray(v, cap, sizeof(*v));
			if (!nv)
				goto nomem;
			v = nv;
		}
		v[len] = strdup(d->d_name);
		if (!v[len])
			goto nomem;
		len++;
	}
	if (errno) {
		int err = errno;

		while (len)
			free(v[--len]);
		free(v);
		return -err;
	}
	if (len)
		qsort(v, len, sizeof(*v), by_name);
	*out = v;
	*n = len;
	return 0;
nomem:
	while (len)
		free(v[--len]);
	free(v);
	return -ENOMEM;
}

static int posix_each(const struct shmkit_filter *f, const struct shmkit_holders *h,
		      int64_t now, unsigned flags, shmkit_remove_fn fn, void *payload)
{
	struct shmkit_filter unheld = *f;
	struct shmkit_info info;
	char **names = NULL;
	size_t n = 0, i;
	int held, rc;
	DIR *dir;

	dir = opendir(SHMKIT__SHM_DIR);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	rc = posix_names(dir, &names, &n);
	unheld.orphans = 0;
	for (i = 0; rc == 0 && i < n; i++) {
		if (shmkit__posix_stat_at(dirfd(dir), names[i], &info) < 0)
			continue;	/* gone, or not an object (a symlink, a FIFO) */
		held = posix_held(&info, h);
		if (!shmkit_filter_match(f, &info, h, now)) {
			/* --orphans cannot tell for this one: say so, leave it. */
			if (f->orphans && held < 0 &&
			    shmkit_filter_match(&unheld, &info, h, now))
				fn(&info, -EAGAIN, 0, payload);
			continue;
		}
		if (held && !(flags & SHMKIT_RM_FORCE))
			fn(&info, held > 0 ? -EBUSY : -EAGAIN, 0, payload);
		else if (flags & SHMKIT_RM_DRYRUN)
			fn(&info, shmkit_may_remove(&info) ? held > 0 : -EPERM, 0, payload);
		else if (unlinkat(dirfd(dir), names[i], 0) < 0)
			fn(&info, -errno, 0, payload);
		else
			fn(&info, held > 0, 0, payload);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(dir);
	return rc;
}

int shmkit_remove_matching(const struct shmkit_filter *f,
			   const struct shmkit_holders *h, int64_t now,
			   unsigned flags, shmkit_remove_fn fn, void *payload)
{
	unsigned kinds = f->kinds ? f->kinds : SHMKIT_LIST_ALL;
	int rc = 0;

	if (kinds & SHMKIT_LIST_SYSV)
		rc = sysv_each(f, h, now, flags, fn, payload);
	if (rc == 0 && (kinds & SHMKIT_LIST_POSIX))
		rc = posix_each(f, h, now, flags, fn, payload);
	return rc;
}

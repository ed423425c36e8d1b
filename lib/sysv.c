/* SPDX-License-Identifier: MIT */
/* sysv.c: System V segments: shmget/shmat/shmdt/shmctl and the /proc/sysvipc/shm reader. */
#include <sys/capability.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

enum {
	F_KEY, F_SHMID, F_PERMS, F_SIZE, F_CPID, F_LPID, F_NATTCH,
	F_UID, F_GID, F_CUID, F_CGID, F_ATIME, F_DTIME, F_CTIME,
	F_RSS, F_SWAP, F_MAX
};

/* Fields with a sign (key, times) carry it in the text; the rest may not. */
static int field_i64(const char *tok, int64_t min, int64_t max, int64_t *out)
{
	uint64_t mag;
	int neg = tok[0] == '-';
	int rc;

	rc = shmkit__parse_u64(tok + neg, 10, (uint64_t)INT64_MAX + 1, &mag);
	if (rc < 0)
		return rc;
	if (!neg && mag > (uint64_t)INT64_MAX)
		return -ERANGE;
	*out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	if (*out < min || *out > max)
		return -ERANGE;
	return 0;
}

int shmkit__sysv_parse_line(const char *line, struct shmkit_info *out)
{
	static const int64_t max[F_MAX] = {
		[F_KEY] = INT32_MAX, [F_SHMID] = INT_MAX, [F_PERMS] = 07777,
		[F_SIZE] = INT64_MAX, [F_CPID] = INT_MAX, [F_LPID] = INT_MAX,
		[F_NATTCH] = INT64_MAX, [F_UID] = UINT32_MAX, [F_GID] = UINT32_MAX,
		[F_CUID] = UINT32_MAX, [F_CGID] = UINT32_MAX, [F_ATIME] = INT64_MAX,
		[F_DTIME] = INT64_MAX, [F_CTIME] = INT64_MAX, [F_RSS] = INT64_MAX,
		[F_SWAP] = INT64_MAX,
	};
	char buf[512], *tok, *save = NULL;
	int64_t v[F_MAX] = { 0 };
	struct shmkit_info info;
	size_t len = strlen(line);
	int n = 0, rc;

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, line, len + 1);
	for (tok = strtok_r(buf, " \t\n", &save); tok && n < F_MAX;
	     tok = strtok_r(NULL, " \t\n", &save), n++) {
		if (n == F_PERMS) {
			uint64_t perms;

			rc = shmkit__parse_u64(tok, 8, 07777, &perms);
			v[n] = (int64_t)perms;
		} else {
			int64_t min = (n == F_KEY) ? INT32_MIN :
				      (n >= F_ATIME && n <= F_CTIME) ? INT64_MIN : 0;

			rc = field_i64(tok, min, max[n], &v[n]);
		}
		if (rc < 0)
			return -EINVAL;
	}
	/* rss and swap appeared in Linux 3.x; older kernels stop at ctime. */
	if (n < F_RSS || tok)
		return -EINVAL;

	memset(&info, 0, sizeof(info));
	info.kind = SHMKIT_SYSV;
	info.have = SHMKIT_HAVE_KEY | SHMKIT_HAVE_ID | SHMKIT_HAVE_CREDS |
		    SHMKIT_HAVE_PIDS | SHMKIT_HAVE_NATTCH | SHMKIT_HAVE_DTIME;
	if (n == F_MAX)
		info.have |= SHMKIT_HAVE_MEM;
	info.key = (key_t)v[F_KEY];
	info.id = (int)v[F_SHMID];
	info.mode = (mode_t)(v[F_PERMS] & 0777);
	if (v[F_PERMS] & SHM_DEST)
		info.status |= SHMKIT_ST_DEST;
	if (v[F_PERMS] & SHM_LOCKED)
		info.status |= SHMKIT_ST_LOCKED;
	info.size = (uint64_t)v[F_SIZE];
	info.cpid = (pid_t)v[F_CPID];
	info.lpid = (pid_t)v[F_LPID];
	info.nattch = (uint64_t)v[F_NATTCH];
	info.uid = (uid_t)v[F_UID];
	info.gid = (gid_t)v[F_GID];
	info.cuid = (uid_t)v[F_CUID];
	info.cgid = (gid_t)v[F_CGID];
	info.atime = v[F_ATIME];
	info.dtime = v[F_DTIME];
	info.ctime = v[F_CTIME];
	info.rss = (uint64_t)v[F_RSS];
	info.swap = (uint64_t)v[F_SWAP];
	*out = info;
	return 0;
}

static void from_ds(int id, const struct shmid_ds *ds, struct shmkit_info *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = SHMKIT_SYSV;
	out->have = SHMKIT_HAVE_KEY | SHMKIT_HAVE_ID | SHMKIT_HAVE_CREDS |
		    SHMKIT_HAVE_PIDS | SHMKIT_HAVE_NATTCH | SHMKIT_HAVE_DTIME;
	out->key = ds->shm_perm.__key;
	out->id = id;
	out->mode = ds->shm_perm.mode & 0777;
	if (ds->shm_perm.mode & SHM_DEST)
		out->status |= SHMKIT_ST_DEST;
	if (ds->shm_perm.mode & SHM_LOCKED)
		out->status |= SHMKIT_ST_LOCKED;
	out->size = ds->shm_segsz;
	out->cpid = ds->shm_cpid;
	out->lpid = ds->shm_lpid;
	out->nattch = ds->shm_nattch;
	out->uid = ds->shm_perm.uid;
	out->gid = ds->shm_perm.gid;
	out->cuid = ds->shm_perm.cuid;
	out->cgid = ds->shm_perm.cgid;
	out->atime = ds->shm_atime;
	out->dtime = ds->shm_dtime;
	out->ctime = ds->shm_ctime;
}

/*
 * Fallback when /proc/sysvipc/shm cannot be read: walk the kernel's index
 * with SHM_STAT_ANY (Linux 4.17), which, unlike SHM_STAT, checks no read
 * permission, so every segment is seen as /proc would show it.
 */
static int list_by_shmctl(struct shmkit__vec *vec)
{
	struct shm_info si;
	struct shmid_ds ds;
	int maxidx, i, id;

	maxidx = shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&si);
	if (maxidx < 0)
		return -errno;
	for (i = 0; i <= maxidx; i++) {
		struct shmkit_info *info;

		id = shmctl(i, SHM_STAT_ANY, &ds);
		if (id < 0 && errno == EINVAL)
			continue;	/* an unused slot */
		if (id < 0)
			id = shmctl(i, SHM_STAT, &ds);
		if (id < 0)
			continue;
		info = shmkit__vec_push(vec);
		if (!info)
			return -ENOMEM;
		from_ds(id, &ds, info);
	}
	return 0;
}

/*
 * The one enumerator of SysV segments: /proc/sysvipc/shm read through
 * @procfd (AT_FDCWD: our own /proc), so that PIDs are in that /proc's
 * namespace; the SHM_STAT walk when it cannot be read. The whole file is
 * read in large chunks: the kernel restarts its walk for every read(2),
 * and 4 KiB stdio reads made that dominate.
 */
int shmkit__sysv_list(int procfd, struct shmkit__vec *vec)
{
	size_t cap = 65536, used = 0;
	char *buf, *line, *nl;
	ssize_t got;
	int fd, rc = 0;

	fd = openat(procfd, procfd == AT_FDCWD ? SHMKIT__SYSV_PROC : "sysvipc/shm",
		    O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return list_by_shmctl(vec);
	buf = malloc(cap);
	while (buf) {
		if (cap - used < 8192) {
			char *b = realloc(buf, cap * 2);

			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
		got = read(fd, buf + used, cap - used - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got < 0)
				used = 0;
			break;
		}
		used += (size_t)got;
	}
	close(fd);
	if (!buf || cap - used < 8192 || (nl = memchr(buf, '\n', used)) == NULL) {
		free(buf);	/* unreadable, or no header: ask shmctl instead */
		return list_by_shmctl(vec);
	}
	buf[used] = '\0';
	for (line = nl + 1; *line; line = nl + 1) {
		struct shmkit_info *slot;

		/* memchr: strchr would scan the rest of the text (under ASan's
		 * strict_string_checks, for every line). */
		nl = memchr(line, '\n', (size_t)(buf + used - line));
		if (!nl)
			break;
		*nl = '\0';
		slot = shmkit__vec_push(vec);
		if (!slot) {
			rc = -ENOMEM;
			break;
		}
		/* FIXME: a line that does not parse is skipped, unreported. */
		if (shmkit__sysv_parse_line(line, slot) < 0)
			vec->n--;
	}
	free(buf);
	return rc;
}

/* A key names a live segment only while it is not marked for removal. */
static int lookup_key(key_t key, int *id)
{
	int rc;

	if (key == IPC_PRIVATE)
		return -SHMKIT_EPRIVATE;
	rc = shmget(key, 0, 0);
	if (rc < 0)
		return -errno;
	*id = rc;
	return 0;
}

static int stat_id(int id, struct shmkit_info *out)
{
	struct shmkit__vec vec = { 0 };
	struct shmid_ds ds;
	size_t i;
	int rc;

	rc = shmkit__sysv_list(AT_FDCWD, &vec);
	if (rc == 0) {
		rc = -ENOENT;
		for (i = 0; i < vec.n; i++)
			if (vec.v[i].id == id) {
				*out = vec.v[i];
				rc = 0;
				break;
			}
		free(vec.v);
		return rc;
	}
	free(vec.v);
	if (shmctl(id, IPC_STAT, &ds) < 0)
		return errno == EINVAL || errno == EIDRM ? -ENOENT : -errno;
	from_ds(id, &ds, out);
	return 0;
}

int shmkit__sysv_stat(const struct shmkit_ref *ref, struct shmkit_info *out)
{
	int id = ref->id, rc;

	if (ref->by == SHMKIT_BY_KEY) {
		rc = lookup_key(ref->key, &id);
		if (rc < 0)
			return rc;
	} else if (ref->by != SHMKIT_BY_ID) {
		return -SHMKIT_EPRIVATE;
	}
	return stat_id(id, out);
}

int shmkit__sysv_rmid(int id)
{
	if (shmctl(id, IPC_RMID, NULL) < 0)
		return errno == EINVAL || errno == EIDRM ? -ENOENT : -errno;
	return 0;
}

/*
 * @info's segment as the kernel has it now, into @ds. IPC_STAT needs read
 * permission, which an owner may have taken away from itself (and which
 * shmkit__sysv_rmid_unheld() takes away); SHM_STAT_ANY (Linux 4.17) checks
 * none and, given a shmid, looks at its slot. The /proc line is the last
 * resort (a read of every segment). -ENOENT when it is gone or the id now
 * names another segment (shmids are reused).
 */
static int stat_now(const struct shmkit_info *info, struct shmid_ds *ds)
{
	struct shmkit_info now;
	int rc;

	if (shmctl(info->id, IPC_STAT, ds) < 0) {
		if (errno == EINVAL || errno == EIDRM)
			return -ENOENT;
		if (errno != EACCES)
			return -errno;
		rc = shmctl(info->id, SHM_STAT_ANY, ds);
		if (rc >= 0 && rc != info->id)
			return -ENOENT;
		if (rc < 0) {
			rc = stat_id(info->id, &now);
			if (rc < 0)
				return rc;
			memset(ds, 0, sizeof(*ds));
			ds->shm_perm.__key = now.key;
			ds->shm_perm.uid = now.uid;
			ds->shm_perm.gid = now.gid;
			ds->shm_perm.cuid = now.cuid;
			ds->shm_perm.mode = (unsigned short)now.mode;
			ds->shm_nattch = now.nattch;
		}
	}
	if (ds->shm_perm.cuid != info->cuid ||
	    (ds->shm_perm.__key != info->key && !(ds->shm_perm.mode & SHM_DEST)))
		return -ENOENT;
	return 0;
}

int shmkit__sysv_nattch(const struct shmkit_info *info, uint64_t *nattch)
{
	struct shmid_ds ds;
	int rc = stat_now(info, &ds);

	if (rc == 0)
		*nattch = ds.shm_nattch;
	return rc;
}

/*
 * Remove @info's segment only if nothing is attached, with the window
 * between the count and IPC_RMID closed to processes without
 * CAP_IPC_OWNER: its permission bits go first (IPC_SET, mode 000, which
 * the remover may do: the same owner, creator or CAP_SYS_ADMIN rule as
 * IPC_RMID), so shmat(2) refuses them with EACCES (ipc/util.c ipcperms()),
 * then the count is read again. Held after all, the mode is put back and
 * -EBUSY returned, *nattch set. Signals wait meanwhile: a segment must not
 * be left shut by a ^C.
 */
int shmkit__sysv_rmid_unheld(const struct shmkit_info *info, uint64_t *nattch)
{
	struct shmid_ds ds, shut;
	sigset_t all, old;
	int rc;

	rc = stat_now(info, &ds);
	if (rc < 0)
		return rc;
	*nattch = ds.shm_nattch;
	if (ds.shm_nattch > 0)
		return -EBUSY;
	shut = ds;
	shut.shm_perm.mode &= (unsigned short)~0777;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	if (shmctl(info->id, IPC_SET, &shut) < 0) {
		rc = errno == EINVAL || errno == EIDRM ? -ENOENT : -errno;
	} else if ((rc = stat_now(info, &shut)) == 0 && shut.shm_nattch > 0) {
		*nattch = shut.shm_nattch;
		rc = shmctl(info->id, IPC_SET, &ds) < 0 && errno != EINVAL && errno != EIDRM ?
			     -errno : -EBUSY;
	} else if (rc == 0) {
		rc = shmkit__sysv_rmid(info->id);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* Name the limit behind a shmget() failure, when one was hit. */
static int explain_create(int err, size_t size)
{
	uint64_t shmmax, shmmni;
	struct shm_info si;
	int used;

	if (err == EINVAL && shmkit__read_sysctl("shmmax", &shmmax) == 0 &&
	    size > shmmax)
		return -SHMKIT_ESHMMAX;
	if (err == ENOSPC) {
		used = shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&si);
		if (used >= 0 && shmkit__read_sysctl("shmmni", &shmmni) == 0 &&
		    si.used_ids >= (int)shmmni)
			return -SHMKIT_ESHMMNI;
		return -SHMKIT_ESHMALL;
	}
	return -err;
}

int shmkit__sysv_create(const struct shmkit_ref *ref, size_t size, mode_t mode,
			unsigned flags, struct shmkit_seg *seg)
{
	struct shmkit_info info;
	int id, rc, shmflg;

	if (ref->by != SHMKIT_BY_KEY && ref->by != SHMKIT_BY_PRIVATE)
		return -EINVAL;
	shmflg = IPC_CREAT | IPC_EXCL | (int)(mode & 0777);
	if (flags & SHMKIT_CREATE_HUGETLB)
		shmflg |= SHM_HUGETLB;
	id = shmget(ref->key, size, shmflg);
	if (id < 0 && errno == EEXIST && (flags & SHMKIT_CREATE_REUSE)) {
		rc = lookup_key(ref->key, &id);
		if (rc < 0)
			return rc;
		rc = stat_id(id, &info);
		if (rc < 0)
			return rc;
		if (info.size < size)
			return -SHMKIT_ETOOSMALL;
		seg->ref.id = id;
		seg->size = info.size;
		return 1;
	}
	/* Without reserved huge pages (vm.nr_hugepages) shmget() says ENOMEM. */
	if (id < 0 && (flags & SHMKIT_CREATE_HUGETLB) && errno == ENOMEM)
		return -SHMKIT_ENOHUGE;
	if (id < 0)
		return explain_create(errno, size);
	seg->ref.id = id;
	seg->size = size;
	return 0;
}

static int in_group(gid_t gid)
{
	gid_t groups[NGROUPS_MAX];
	int i, n;

	if (gid == getegid())
		return 1;
	n = getgroups((int)ARRAY_SIZE(groups), groups);
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			return 1;
	return 0;
}

/*
 * The kernel's ipcperms(): owner or creator bits, else group, else other;
 * CAP_IPC_OWNER overrides. Checked at open so that a denial names the open,
 * not a later attach.
 */
static int may_access(const struct shmkit_info *info, unsigned flags)
{
	unsigned want = (flags & SHMKIT_RDONLY) ? 4 : 6, granted;
	uid_t euid = geteuid();

	if (euid == info->uid || euid == info->cuid)
		granted = (info->mode >> 6) & 7;
	else if (in_group(info->gid) || in_group(info->cgid))
		granted = (info->mode >> 3) & 7;
	else
		granted = info->mode & 7;
	if ((want & ~granted) == 0 || shmkit_cap_has(CAP_IPC_OWNER) > 0)
		return 0;
	return -EACCES;
}

int shmkit__sysv_open(const struct shmkit_ref *ref, unsigned flags,
		      struct shmkit_seg *seg)
{
	struct shmkit_info info = { 0 };
	int rc;

	rc = shmkit__sysv_stat(ref, &info);
	if (rc < 0)
		return rc;
	rc = may_access(&info, flags);
	if (rc < 0)
		return rc;
	seg->ref.id = info.id;
	seg->size = (size_t)info.size;
	return 0;
}

int shmkit__sysv_attach(struct shmkit_seg *seg, unsigned flags)
{
	void *addr;

	addr = shmat(seg->ref.id, NULL, (flags & SHMKIT_RDONLY) ? SHM_RDONLY : 0);
	if (addr == (void *)-1)
		return errno == EINVAL || errno == EIDRM ? -EIDRM : -errno;
	seg->addr = addr;
	return 0;
}

int shmkit__sysv_detach(struct shmkit_seg *seg)
{
	if (shmdt(seg->addr) < 0)
		return -errno;
	return 0;
}

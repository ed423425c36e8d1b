/* SPDX-License-Identifier: MIT */
/* seg.c: live segments of either kind: open, create, attach, lock in memory, remove. */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <fcntl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

struct shmkit_seg *shmkit__seg_new(const struct shmkit_ref *ref)
{
	struct shmkit_seg *seg = calloc(1, sizeof(*seg));

	if (!seg)
		return NULL;
	seg->ref = *ref;
	seg->fd = -1;
	seg->lockfd = -1;
	seg->drainfd = -1;
	if (ref->kind == SHMKIT_SYSV)
		seg->ref.by = SHMKIT_BY_ID;
	return seg;
}

int shmkit_seg_create(const struct shmkit_ref *ref, size_t size, mode_t mode,
		      unsigned flags, struct shmkit_seg **out)
{
	struct shmkit_seg *seg;
	int rc;

	if (size == 0)
		return -SHMKIT_ESHMMIN;
	if ((flags & SHMKIT_CREATE_HUGETLB) && ref->kind != SHMKIT_SYSV)
		return -EINVAL;
	seg = shmkit__seg_new(ref);
	if (!seg)
		return -ENOMEM;
	if (ref->kind == SHMKIT_SYSV)
		rc = shmkit__sysv_create(ref, size, mode, flags, seg);
	else
		rc = shmkit__posix_create(ref, size, mode, flags, seg);
	if (rc < 0) {
		free(seg);
		return rc;
	}
	*out = seg;
	return rc;
}

int shmkit_seg_open(const struct shmkit_ref *ref, unsigned flags,
		    struct shmkit_seg **out)
{
	struct shmkit_seg *seg;
	int rc;

	if (ref->by == SHMKIT_BY_PRIVATE)
		return -SHMKIT_EPRIVATE;
	seg = shmkit__seg_new(ref);
	if (!seg)
		return -ENOMEM;
	seg->flags = flags & SHMKIT_RDONLY;
	if (ref->kind == SHMKIT_SYSV)
		rc = shmkit__sysv_open(ref, flags, seg);
	else
		rc = shmkit__posix_open(ref, flags, seg);
	if (rc < 0) {
		free(seg);
		return rc;
	}
	*out = seg;
	return 0;
}

int shmkit_seg_attach(struct shmkit_seg *seg, unsigned flags)
{
	int rc;

	if (seg->attached)
		return -EBUSY;
	if (!(flags & SHMKIT_RDONLY) && (seg->flags & SHMKIT_RDONLY))
		return -EACCES;
	if (seg->ref.kind == SHMKIT_SYSV)
		rc = shmkit__sysv_attach(seg, flags);
	else
		rc = shmkit__posix_attach(seg, flags);
	if (rc == 0) {
		seg->attached = 1;
		seg->map_rdonly = (flags & SHMKIT_RDONLY) != 0;
	}
	return rc;
}

int shmkit_seg_detach(struct shmkit_seg *seg)
{
	int rc;

	if (!seg->attached)
		return 0;
	if (seg->ref.kind == SHMKIT_SYSV)
		rc = shmkit__sysv_detach(seg);
	else
		rc = shmkit__posix_detach(seg);
	seg->attached = 0;
	seg->addr = NULL;
	return rc;
}

void shmkit_seg_close(struct shmkit_seg *seg)
{
	int saved = errno;

	if (!seg)
		return;
	shmkit_seg_unlock(seg);
	shmkit_seg_detach(seg);
	if (seg->fd >= 0)
		close(seg->fd);
	free(seg);
	errno = saved;
}

size_t shmkit_seg_size(const struct shmkit_seg *seg)
{
	return seg->size;
}

const struct shmkit_ref *shmkit_seg_ref(const struct shmkit_seg *seg)
{
	return &seg->ref;
}

int shmkit_seg_remove(struct shmkit_seg *seg)
{
	struct shmkit_info info = { .kind = SHMKIT_POSIX };
	struct stat st;

	if (seg->ref.kind == SHMKIT_SYSV)
		return shmkit__sysv_rmid(seg->ref.id);
	/* Only the object this handle has open, should the name be reused. */
	memcpy(info.name, seg->ref.name, sizeof(info.name));
	if (seg->fd >= 0 && fstat(seg->fd, &st) == 0) {
		info.have = SHMKIT_HAVE_INODE;
		info.dev = st.st_dev;
		info.ino = st.st_ino;
	}
	return shmkit__posix_unlink(&info, 0);
}

int shmkit_seg_populate(struct shmkit_seg *seg)
{
	int err;

	if (!seg->attached)
		return -EINVAL;
	if (seg->size == 0)
		return 0;
	if (seg->fd >= 0 && !seg->map_rdonly) {
		err = posix_fallocate(seg->fd, 0, (off_t)seg->size);
		if (err)
			return -err;
	}
	if (madvise(seg->addr, seg->size, seg->map_rdonly ?
		    MADV_POPULATE_READ : MADV_POPULATE_WRITE) < 0)
		return errno == EFAULT ? -ENOMEM : -errno;
	return 0;
}

static uint64_t memlock_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return UINT64_MAX;
	return (uint64_t)rl.rlim_cur;
}

int shmkit_seg_memlock(struct shmkit_seg *seg, uint64_t *limit)
{
	int rc = 0;

	if (limit)
		*limit = memlock_limit();
	if (seg->ref.kind == SHMKIT_SYSV) {
		if (shmctl(seg->ref.id, SHM_LOCK, NULL) < 0)
			rc = -errno;
	} else if (!seg->attached) {
		rc = -EINVAL;
	} else if (seg->size && mlock(seg->addr, seg->size) < 0) {
		rc = errno == EAGAIN ? -ENOMEM : -errno;
	}
	return rc;
}

int shmkit_seg_memunlock(struct shmkit_seg *seg)
{
	if (seg->ref.kind == SHMKIT_SYSV)
		return shmctl(seg->ref.id, SHM_UNLOCK, NULL) < 0 ? -errno : 0;
	if (seg->attached && seg->size && munlock(seg->addr, seg->size) < 0)
		return -errno;
	return 0;
}

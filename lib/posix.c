/* SPDX-License-Identifier: MIT */
/* posix.c: POSIX objects: shm_open/ftruncate/fallocate/mmap/shm_unlink and the /dev/shm scanner. */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

static void from_stat(const char *name, const struct stat *st,
		      struct shmkit_info *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = SHMKIT_POSIX;
	out->have = SHMKIT_HAVE_NAME | SHMKIT_HAVE_MEM | SHMKIT_HAVE_INODE;
	out->name[0] = '/';
	memcpy(out->name + 1, name, strnlen(name, SHMKIT_NAME_MAX));
	out->size = (uint64_t)st->st_size;
	out->mode = st->st_mode & 07777;
	out->uid = st->st_uid;
	out->gid = st->st_gid;
	out->atime = st->st_atim.tv_sec;
	out->mtime = st->st_mtim.tv_sec;
	out->ctime = st->st_ctim.tv_sec;
	out->rss = (uint64_t)st->st_blocks * 512;
	out->dev = st->st_dev;
	out->ino = st->st_ino;
}

int shmkit__posix_is_object_name(const char *name)
{
	size_t len = strnlen(name, SHMKIT_NAME_MAX + 1);

	if (len == 0 || len > SHMKIT_NAME_MAX || strchr(name, '/'))
		return 0;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	/* POSIX semaphores share /dev/shm with objects; they are not ours. */
	return strncmp(name, "sem.", 4) != 0;
}

/*
 * The one scanner of /dev/shm. Every entry goes through the same check as
 * a single stat, so listing, stat and removal see the same objects.
 */
int shmkit__posix_list(struct shmkit__vec *vec)
{
	struct shmkit_info info, *slot;
	struct dirent *d;
	DIR *dir;
	int rc = 0;

	dir = opendir(SHMKIT__SHM_DIR);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((errno = 0, d = readdir(dir))) {
		if (d->d_type != DT_REG && d->d_type != DT_UNKNOWN)
			continue;
		if (shmkit__posix_stat_at(dirfd(dir), d->d_name, &info) < 0)
			continue;	/* not an object, or removed since readdir */
		slot = shmkit__vec_push(vec);
		if (!slot) {
			rc = -ENOMEM;
			break;
		}
		*slot = info;
	}
	if (rc == 0 && errno)
		rc = -errno;
	closedir(dir);
	return rc;
}

int shmkit__posix_stat_at(int dfd, const char *name, struct shmkit_info *out)
{
	struct stat st;

	if (!shmkit__posix_is_object_name(name))
		return -SHMKIT_ENOTSHM;
	/* Never follow: anyone may plant a symlink in /dev/shm. */
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -SHMKIT_ENOTSHM;
	from_stat(name, &st, out);
	return 0;
}

int shmkit__posix_stat(const struct shmkit_ref *ref, struct shmkit_info *out)
{
	int dfd, rc;

	dfd = open(SHMKIT__SHM_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	rc = shmkit__posix_stat_at(dfd, ref->name + 1, out);
	close(dfd);
	return rc;
}

int shmkit__posix_unlink(const struct shmkit_info *info, int dry_run)
{
	struct shmkit_info now = { 0 };
	int dfd, rc;

	dfd = open(SHMKIT__SHM_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	/* The same inode, still a regular file: never a symlink planted since. */
	rc = shmkit__posix_stat_at(dfd, info->name + 1, &now);
	if (rc == 0 && (info->have & SHMKIT_HAVE_INODE) &&
	    (now.dev != info->dev || now.ino != info->ino))
		rc = -ENOENT;
	if (rc == 0 && !dry_run && unlinkat(dfd, info->name + 1, 0) < 0)
		rc = -errno;
	close(dfd);
	return rc;
}

/*
 * glibc's shm_open adds O_NOFOLLOW and O_CLOEXEC; O_NONBLOCK keeps a FIFO
 * planted under the name from hanging us before the S_ISREG check.
 */
static int open_checked(const char *name, int oflag, mode_t mode, struct stat *st)
{
	int fd, err;

	fd = shm_open(name, oflag | O_NONBLOCK, mode);
	/* glibc reports EISDIR as EINVAL; our names are already valid. */
	if (fd < 0)
		return errno == ELOOP || errno == EISDIR || errno == EINVAL ||
		       errno == ENXIO ?
		       -SHMKIT_ENOTSHM : -errno;
	if (fstat(fd, st) < 0)
		err = errno;
	else if (!S_ISREG(st->st_mode))
		err = SHMKIT_ENOTSHM;
	else
		return fd;
	close(fd);
	return -err;
}

int shmkit__posix_create(const struct shmkit_ref *ref, size_t size, mode_t mode,
			 unsigned flags, struct shmkit_seg *seg)
{
	struct stat st = { 0 };
	int fd, err;

	if (ref->by != SHMKIT_BY_NAME)
		return -EINVAL;
	fd = open_checked(ref->name, O_RDWR | O_CREAT | O_EXCL, mode, &st);
	if (fd == -ENOENT && access(SHMKIT__SHM_DIR, F_OK) < 0)
		return -SHMKIT_ENOSHMDIR;
	if (fd == -EEXIST && (flags & SHMKIT_CREATE_REUSE)) {
		fd = open_checked(ref->name, O_RDWR, 0, &st);
		if (fd < 0)
			return fd;
		if ((uint64_t)st.st_size < size) {
			close(fd);
			return -SHMKIT_ETOOSMALL;
		}
		seg->fd = fd;
		seg->size = (size_t)st.st_size;
		return 1;
	}
	if (fd < 0)
		return fd;
	/* The umask applied at shm_open; the mode asked for is the mode given. */
	if (fchmod(fd, mode) < 0 || ftruncate(fd, (off_t)size) < 0) {
		err = errno;
		goto fail;
	}
	/* Reserve the blocks now, so a write through a mapping cannot SIGBUS. */
	err = size ? posix_fallocate(fd, 0, (off_t)size) : 0;
	if (err)
		goto fail;
	seg->fd = fd;
	seg->size = size;
	return 0;
fail:
	shm_unlink(ref->name);
	close(fd);
	return -err;
}

int shmkit__posix_open(const struct shmkit_ref *ref, unsigned flags,
		       struct shmkit_seg *seg)
{
	struct stat st = { 0 };
	int fd;

	if (ref->by != SHMKIT_BY_NAME)
		return -EINVAL;
	fd = open_checked(ref->name, (flags & SHMKIT_RDONLY) ? O_RDONLY : O_RDWR,
			  0, &st);
	if (fd < 0)
		return fd;
	seg->fd = fd;
	seg->size = (size_t)st.st_size;
	return 0;
}

int shmkit__posix_attach(struct shmkit_seg *seg, unsigned flags)
{
	int prot = PROT_READ;
	void *addr;

	if (!(flags & SHMKIT_RDONLY))
		prot |= PROT_WRITE;
	if (seg->size == 0) {
		seg->addr = NULL;
		return 0;
	}
	addr = mmap(NULL, seg->size, prot, MAP_SHARED, seg->fd, 0);
	if (addr == MAP_FAILED)
		return -errno;
	seg->addr = addr;
	return 0;
}

int shmkit__posix_detach(struct shmkit_seg *seg)
{
	if (seg->addr && munmap(seg->addr, seg->size) < 0)
		return -errno;
	return 0;
}

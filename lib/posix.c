/* SPDX-License-Identifier: MIT */
/* posix.c: POSIX objects: shm_open/ftruncate/fallocate/mmap/shm_unlink and the /dev/shm scanner. */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
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
 * A read-only descriptor of @info's object, checked to be that same
 * regular file: fd, or -ENOENT (gone or replaced), -SHMKIT_ENOTSHM,
 * -EBUSY (another process holds a lease on it), -errno. O_NONBLOCK: a
 * FIFO planted under the name does not hang us, and an open that would
 * break someone's lease fails at once instead of waiting for them.
 */
static int lease_open(int dfd, const char *name, const struct shmkit_info *info)
{
	struct stat st;
	int fd, err;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP || errno == ENXIO ? -SHMKIT_ENOTSHM :
		       errno == EWOULDBLOCK ? -EBUSY : -errno;
	if (fstat(fd, &st) < 0)
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = SHMKIT_ENOTSHM;
	else if ((info->have & SHMKIT_HAVE_INODE) &&
		 (st.st_dev != info->dev || st.st_ino != info->ino))
		err = ENOENT;
	else
		return fd;
	close(fd);
	return -err;
}

/*
 * A lease break is told with SIGIO, whose default action ends the process:
 * while we hold a lease SIGIO stays blocked in this thread, the lease has
 * no owner to signal, and whatever was raised meanwhile is taken back
 * before the mask is restored.
 */
static void sigio_block(sigset_t *saved)
{
	sigset_t io;

	sigemptyset(&io);
	sigaddset(&io, SIGIO);
	pthread_sigmask(SIG_BLOCK, &io, saved);
}

static void sigio_restore(const sigset_t *saved)
{
	const struct timespec now = { 0, 0 };
	sigset_t io;

	sigemptyset(&io);
	sigaddset(&io, SIGIO);
	if (!sigismember(saved, SIGIO))
		while (sigtimedwait(&io, NULL, &now) == SIGIO)
			;
	pthread_sigmask(SIG_SETMASK, saved, NULL);
}

/*
 * Asks the kernel whether another open file description of @fd's file
 * exists: a write lease on a read-only descriptor is refused with EAGAIN
 * while one does (fs/locks.c, check_conflicting_open()), and a mapping or
 * an fd in flight in a Unix socket keeps one. 0 (the lease is now held on
 * @fd), 1 held, -EACCES (neither the owner nor CAP_LEASE), -EINVAL
 * (fs.leases-enable is 0), -errno.
 */
static int take_lease(int fd)
{
	if (fcntl(fd, F_SETLEASE, F_WRLCK) < 0)
		return errno == EAGAIN ? 1 : -errno;
	(void)fcntl(fd, F_SETOWN, 0);
	return 0;
}


/* The lease on @fd is being broken: some open of the file is waiting. */
static int lease_broken(int fd)
{
	return fcntl(fd, F_GETLEASE) != F_WRLCK;
}

/*
 * Under the lease: the object moves to a private name, so that no open by
 * name can find it any more; an open that came in before (it broke the
 * lease) gets it back under its name; else the private name goes.
 */
static int unlink_leased(int dfd, int fd, const struct shmkit_info *info)
{
	char priv[64];

	snprintf(priv, sizeof(priv), ".shmkit-rm-%d-%llu", (int)getpid(),
		 (unsigned long long)info->ino);
	if (renameat2(dfd, info->name + 1, dfd, priv, RENAME_NOREPLACE) < 0)
		return -errno;
	if (lease_broken(fd)) {
		/*
		 * FIXME: should a new object have taken the name meanwhile,
		 * this one stays under the private name.
		 */
		(void)renameat2(dfd, priv, dfd, info->name + 1, RENAME_NOREPLACE);
		return -EBUSY;
	}
	if (unlinkat(dfd, priv, 0) < 0)
		return -errno;
	/*
	 * An open that found the name before the rename and reached the lease
	 * only now: it gets the object, unlinked. The one window left.
	 */
	return lease_broken(fd) ? 1 : 0;
}

int shmkit__posix_unlink_unheld(const struct shmkit_info *info, int dry_run)
{
	sigset_t saved;
	int dfd, fd, rc;

	if (!shmkit__posix_is_object_name(info->name + 1))
		return -SHMKIT_ENOTSHM;
	dfd = open(SHMKIT__SHM_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	fd = lease_open(dfd, info->name + 1, info);
	if (fd < 0) {
		close(dfd);
		return fd;
	}
	sigio_block(&saved);
	rc = take_lease(fd);
	if (rc == 1)
		rc = -EBUSY;
	else if (rc == 0 && !dry_run)
		rc = unlink_leased(dfd, fd, info);
	close(fd);
	sigio_restore(&saved);
	close(dfd);
	return rc;
}

int shmkit__posix_held(const struct shmkit_info *info)
{
	int rc = shmkit__posix_unlink_unheld(info, 1);

	return rc == -EBUSY ? 1 : rc;
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

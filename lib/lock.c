/* SPDX-License-Identifier: MIT */
/* lock.c: the shmkit reader/writer lock (shmkit(7)): OFD locks that die with their holder and create nothing. */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"

/*
 * POSIX objects: OFD locks on the object's own fd, on two ranges of it.
 * The data range [0, POSIX_INTENT) is every byte an object can have
 * (tmpfs caps the size at OFF_MAX); the intent byte POSIX_INTENT lies past
 * any end. A writer takes F_WRLCK on the intent byte, then F_WRLCK on the
 * data range, and keeps both. A reader takes F_RDLCK on the intent byte,
 * drops it at once, then takes F_RDLCK on the data range. A writer waiting
 * for readers to drain thus holds the intent byte, and readers that come
 * after it wait behind it: writers have priority, as with SysV below.
 * Linux queues no lock request behind a waiting one, so a plain
 * whole-object lock would let back-to-back readers starve a writer.
 *
 * SysV segments have no fd, and readers may create nothing, so they use
 * two bytes of the /dev/shm directory, which everyone can open read-only:
 * byte 2*shmid says "a reader is in", byte 2*shmid+1 "a writer is in".
 * A read-only fd can only take read locks, so both are read locks and each
 * side sets its own byte, then tests the other's with F_OFD_GETLK (a test
 * for F_WRLCK reports any lock another open file holds there). Since the
 * kernel serialises lock operations on one inode, a reader and a writer
 * that race always see at least one of each other: the reader backs off,
 * the writer keeps its byte and waits for readers to drain. Two writers
 * that see each other both back off for a random while.
 */

#define POSIX_INTENT ((off_t)INT64_MAX)

static off_t sysv_byte(const struct shmkit_seg *seg, unsigned how)
{
	return (off_t)seg->ref.id * 2 + (how == SHMKIT_LOCK_WRITE);
}

static int setlk(int fd, short type, off_t start, off_t len, int wait)
{
	struct flock fl = {
		.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len,
	};
	int rc;

	do
		rc = fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return errno == EACCES ? -EAGAIN : -errno;
	return 0;
}

/* 1 when another open file holds a lock on [start, start+len), else 0. */
static int taken(int fd, off_t start, off_t len)
{
	struct flock fl = {
		.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len,
	};

	if (fcntl(fd, F_OFD_GETLK, &fl) < 0)
		return -errno;
	return fl.l_type != F_UNLCK;
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Sleeps for the next step of an exponential backoff; -ETIMEDOUT past @deadline. */
static int backoff(unsigned *step, int64_t deadline, int jitter)
{
	int64_t us = 20L << (*step < 8 ? *step : 8), left;
	struct timespec ts;

	if (*step < 8)
		(*step)++;
	if (jitter)
		us = us / 2 + rand() % (us + 1);
	if (deadline >= 0) {
		left = deadline - now_us();
		if (left <= 0)
			return -ETIMEDOUT;
		if (us > left)
			us = left;
	}
	ts.tv_sec = us / 1000000;
	ts.tv_nsec = (us % 1000000) * 1000;
	nanosleep(&ts, NULL);
	return 0;
}

/* One OFD lock, waited for until @deadline (-1: for ever). */
static int setlk_until(int fd, short type, off_t start, off_t len, int64_t deadline)
{
	unsigned step = 0;
	int rc;

	if (deadline < 0)
		return setlk(fd, type, start, len, 1);
	while ((rc = setlk(fd, type, start, len, 0)) == -EAGAIN)
		if (backoff(&step, deadline, 0) < 0)
			return -ETIMEDOUT;
	return rc;
}

static int lock_posix(struct shmkit_seg *seg, unsigned how, int64_t deadline)
{
	short type = how == SHMKIT_LOCK_WRITE ? F_WRLCK : F_RDLCK;
	int fd = seg->fd, rc;

	rc = setlk_until(fd, type, POSIX_INTENT, 1, deadline);
	if (rc < 0)
		return rc;
	/* A reader only waits for writers ahead of it; it does not hold them off. */
	if (how == SHMKIT_LOCK_READ)
		setlk(fd, F_UNLCK, POSIX_INTENT, 1, 0);
	rc = setlk_until(fd, type, 0, POSIX_INTENT, deadline);
	if (rc < 0 && how == SHMKIT_LOCK_WRITE)
		setlk(fd, F_UNLCK, POSIX_INTENT, 1, 0);
	return rc;
}

static int lock_sysv(struct shmkit_seg *seg, unsigned how, int64_t deadline)
{
	off_t mine = sysv_byte(seg, how), reader = sysv_byte(seg, SHMKIT_LOCK_READ),
	      writer = sysv_byte(seg, SHMKIT_LOCK_WRITE);
	unsigned step = 0;
	int fd = seg->lockfd, rc;

	for (;;) {
		rc = setlk(fd, F_RDLCK, mine, 1, 0);
		if (rc < 0)
			return rc;
		rc = taken(fd, writer, 1);
		if (rc < 0)
			goto fail;
		if (rc == 0 && how == SHMKIT_LOCK_READ)
			return 0;
		if (rc == 0)
			break;
		/* A writer is in (or, for a writer, another writer): step back. */
		setlk(fd, F_UNLCK, mine, 1, 0);
		do {
			if (backoff(&step, deadline, how == SHMKIT_LOCK_WRITE) < 0)
				return -ETIMEDOUT;
		} while (how == SHMKIT_LOCK_READ && taken(fd, writer, 1) > 0);
	}
	/* A writer holding its byte waits for the readers already in. */
	step = 0;
	while ((rc = taken(fd, reader, 1)) > 0)
		if (backoff(&step, deadline, 0) < 0) {
			rc = -ETIMEDOUT;
			break;
		}
	if (rc == 0)
		return 0;
fail:
	setlk(fd, F_UNLCK, mine, 1, 0);
	return rc;
}

int shmkit_seg_lock(struct shmkit_seg *seg, unsigned how, long timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_us() + (int64_t)timeout_ms * 1000;
	struct stat st;
	int rc;

	if (how != SHMKIT_LOCK_READ && how != SHMKIT_LOCK_WRITE)
		return -EINVAL;
	if (seg->locked)
		return -EBUSY;
	if (how == SHMKIT_LOCK_WRITE && (seg->flags & SHMKIT_RDONLY))
		return -EBADF;
	if (seg->ref.kind == SHMKIT_POSIX) {
		rc = lock_posix(seg, how, deadline);
		if (rc < 0)
			return rc;
		/* It may have grown while we waited. */
		if (fstat(seg->fd, &st) == 0 && !seg->attached)
			seg->size = (size_t)st.st_size;
		seg->lockfd = seg->fd;
	} else {
		seg->lockfd = open(SHMKIT__SHM_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		/*
		 * Without a /dev/shm nobody in this mount namespace can take
		 * the lock, so there is nobody to exclude: go on unlocked.
		 */
		if (seg->lockfd < 0 && errno == ENOENT)
			return 0;
		if (seg->lockfd < 0)
			return -errno;
		srand((unsigned)getpid() ^ (unsigned)now_us());
		rc = lock_sysv(seg, how, deadline);
		if (rc < 0) {
			close(seg->lockfd);
			seg->lockfd = -1;
			return rc;
		}
	}
	seg->locked = how;
	return 0;
}

int shmkit__pipe_drain(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	unsigned step = 0;
	int queued;

	/*
	 * splice(2) and vmsplice(2) put references to the segment's pages in
	 * the pipe; they are copied only when the reader reads them. Until the
	 * pipe is empty, the lock must stay held.
	 */
	for (;;) {
		if (ioctl(fd, FIONREAD, &queued) < 0)
			return -errno;
		if (queued == 0)
			return 0;
		if (poll(&p, 1, 0) > 0 && (p.revents & (POLLERR | POLLHUP)))
			return 0;
		backoff(&step, -1, 0);
	}
}

int shmkit_seg_unlock(struct shmkit_seg *seg)
{
	int rc = 0;

	if (seg->drainfd >= 0) {
		rc = shmkit__pipe_drain(seg->drainfd);
		seg->drainfd = -1;
	}
	if (!seg->locked)
		return rc;
	if (seg->ref.kind == SHMKIT_POSIX) {
		/* Both ranges: the data range and a writer's intent byte. */
		setlk(seg->lockfd, F_UNLCK, 0, 0, 0);
	} else {
		/* Closing the last fd of an open file drops its OFD locks. */
		close(seg->lockfd);
	}
	seg->lockfd = -1;
	seg->locked = 0;
	return rc;
}

/*
 * Who holds it: OFD locks report no pid (F_OFD_GETLK gives -1), so look
 * for the lock among the "lock:" lines of /proc/PID/fdinfo/FD, which list
 * the locks that open file holds, as /proc/locks prints them:
 *   lock:	1: OFDLCK ADVISORY  WRITE -1 00:1b:3 0 EOF
 */
static int fdinfo_holds(int dfd, const char *name, const char *devino,
			off_t start, off_t end, int writers_only)
{
	char buf[4096], *line, *save = NULL;
	ssize_t n;
	int fd;

	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char type[16], di[64], last[32];
		long long first;

		if (strncmp(line, "lock:", 5) != 0)
			continue;
		if (sscanf(line, "lock: %*d: %*s %*s %15s %*d %63s %lld %31s",
			   type, di, &first, last) != 4 || strcmp(di, devino) != 0)
			continue;
		if (writers_only && strcmp(type, "WRITE") != 0)
			continue;
		if (first > (long long)end)
			continue;
		if (strcmp(last, "EOF") != 0 && atoll(last) < (long long)start)
			continue;
		return 1;
	}
	return 0;
}

int shmkit_seg_lock_holder(const struct shmkit_seg *seg, unsigned how, pid_t *out)
{
	char devino[64], path[64];
	struct dirent *p, *f;
	off_t start = 0, end = INT64_MAX;
	struct stat st;
	DIR *proc, *fds;
	int found = 0;

	if (seg->ref.kind == SHMKIT_POSIX) {
		if (fstat(seg->fd, &st) < 0)
			return -errno;
	} else {
		if (stat(SHMKIT__SHM_DIR, &st) < 0)
			return -errno;
		/* A reader waits for writers; a writer for anyone. */
		start = sysv_byte(seg, SHMKIT_LOCK_READ);
		end = start + 1;
		if (how == SHMKIT_LOCK_READ)
			start = end;
	}
	snprintf(devino, sizeof(devino), "%02x:%02x:%llu", major(st.st_dev),
		 minor(st.st_dev), (unsigned long long)st.st_ino);
	proc = opendir("/proc");
	if (!proc)
		return -errno;
	while (!found && (p = readdir(proc))) {
		pid_t pid = (pid_t)atoi(p->d_name);

		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo", (int)pid);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((f = readdir(fds)))
			if (f->d_name[0] != '.' &&
			    fdinfo_holds(dirfd(fds), f->d_name, devino, start, end,
					 seg->ref.kind == SHMKIT_POSIX && how == SHMKIT_LOCK_READ)) {
				*out = pid;
				found = 1;
				break;
			}
		closedir(fds);
	}
	closedir(proc);
	return found ? 0 : -ESRCH;
}

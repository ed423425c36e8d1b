/* SPDX-License-Identifier: MIT */
/* io.c: stream bytes between a file descriptor and an attached segment. */
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

#define CHUNK	((size_t)1 << 20)	/* per splice, and the pipe size we ask for */
#define BUFSZ	((size_t)256 << 10)	/* bounce buffer when nothing better works */

/*
 * Grow a pipe to 1 MiB: with the default 64 KiB it caps copies near
 * 1 GB/s. Without CAP_SYS_RESOURCE the most is fs.pipe-max-size.
 */
static void widen_pipe(int fd)
{
	int cur = fcntl(fd, F_GETPIPE_SZ), max = 0;
	FILE *f;

	if (cur < 0 || (size_t)cur >= CHUNK || fcntl(fd, F_SETPIPE_SZ, (int)CHUNK) >= 0)
		return;
	f = fopen("/proc/sys/fs/pipe-max-size", "re");
	if (f) {
		if (fscanf(f, "%d", &max) == 1 && max > cur)
			(void)fcntl(fd, F_SETPIPE_SZ, max);
		fclose(f);
	}
}

/* @max, or smaller steps while a progress display counts them. */
static size_t step_max(const struct shmkit_progress *p, size_t max)
{
	return p && max > SHMKIT_PROGRESS_STEP ? SHMKIT_PROGRESS_STEP : max;
}

void shmkit_seg_set_progress(struct shmkit_seg *seg, struct shmkit_progress *p)
{
	seg->progress = p;
}

/* Waits until @fd can take (@events POLLOUT) or give (POLLIN) data. */
static void wait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	(void)poll(&p, 1, -1);
}

static int write_all(int fd, const char *p, size_t len, size_t *done)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			wait_fd(fd, POLLOUT);
			continue;
		}
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
		*done += (size_t)n;
	}
	return 0;
}

/* Pages in [@p, @p+@len) mapped now: one call instead of a fault per page. */
static int populate(void *p, size_t len, int write)
{
	uintptr_t start = (uintptr_t)p & ~(uintptr_t)(getpagesize() - 1);

	if (len == 0)
		return 0;
	if (madvise((void *)start, len + ((uintptr_t)p - start),
		    write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ) < 0)
		return errno == EFAULT ? -ENOMEM : -errno;
	return 0;
}

ssize_t shmkit_seg_pread(struct shmkit_seg *seg, void *buf, size_t len,
			 size_t offset)
{
	size_t done = 0;
	ssize_t n;

	if (seg->ref.kind == SHMKIT_SYSV) {
		if (!seg->attached)
			return -EINVAL;
		if (offset >= seg->size)
			return 0;
		if (len > seg->size - offset)
			len = seg->size - offset;
		memcpy(buf, (const char *)seg->addr + offset, len);
		return (ssize_t)len;
	}
	while (done < len) {
		n = pread(seg->fd, (char *)buf + done, len - done, (off_t)(offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/*
 * A SysV segment has no fd, but the /proc/self/map_files entry of its
 * mapping opens the shmem file behind it (as CRIU does; it needs
 * CAP_CHECKPOINT_RESTORE). Writing through that fd, after fallocate,
 * costs about half of faulting the pages in through the mapping, and
 * splicing from it skips the page tables vmsplice would fill. The fd
 * (read-only for a read-only mapping), or -1 when it cannot be had: no
 * capability, or a hugetlb segment.
 */
static int sysv_fd(const struct shmkit_seg *seg)
{
	size_t pg = (size_t)getpagesize();
	uintptr_t start = (uintptr_t)seg->addr;
	char path[64];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx", (unsigned long)start,
		 (unsigned long)(start + (seg->size + pg - 1) / pg * pg));
	fd = open(path, (seg->map_rdonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* The shm file's inode number is the shmid (DESIGN.md 4). */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_ino != (ino_t)seg->ref.id ||
	    (uint64_t)st.st_size < seg->size || (size_t)st.st_blksize != pg) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * POSIX: through the fd @src, which returns short where a mapping would
 * SIGBUS. SysV too, when sysv_fd() gives one.
 */
static int copy_out_fd(struct shmkit_seg *seg, int src, int fd, mode_t type,
		       size_t offset, size_t length, size_t *done)
{
	off_t pos = (off_t)offset;
	enum { BY_SPLICE, BY_SENDFILE, BY_BUFFER } way =
		S_ISFIFO(type) ? BY_SPLICE : S_ISREG(type) ? BY_SENDFILE : BY_BUFFER;
	int input_errno;
	char *buf = NULL;
	off_t at;
	ssize_t n;
	int rc = 0;

	/* A long copy into a regular file: on two CPUs, when there are two. */
	if (way == BY_SENDFILE && shmkit__pcopy_worth(fd, length) && (at = lseek(fd, 0, SEEK_CUR)) >= 0) {
		rc = shmkit__pcopy(fd, at, src, pos, length, done, &input_errno, seg->progress);
		if (rc <= 0)
			return rc == 0 && *done < length ? -SHMKIT_ESHRUNK : rc;
		pos += (off_t)*done;	/* the rest one step at a time */
		rc = 0;
	}

	while (*done < length) {
		size_t want = length - *done;

		if (way == BY_SPLICE) {
			n = splice(src, &pos, fd, NULL, want < CHUNK ? want : CHUNK, 0);
		} else if (way == BY_SENDFILE) {
			size_t most = step_max(seg->progress, (size_t)1 << 30);

			n = sendfile(fd, src, &pos, want < most ? want : most);
		} else {
			if (!buf && !(buf = malloc(BUFSZ))) {
				rc = -ENOMEM;
				break;
			}
			n = shmkit_seg_pread(seg, buf, want < BUFSZ ? want : BUFSZ, (size_t)pos);
			if (n > 0) {
				rc = write_all(fd, buf, (size_t)n, done);
				if (rc < 0)
					break;
				shmkit__progress_add(seg->progress, (size_t)n);
				pos += n;
				continue;
			}
			if (n < 0) {
				rc = (int)n;
				break;
			}
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			wait_fd(fd, POLLOUT);
			continue;
		}
		/* Some outputs take neither splice nor sendfile: copy instead. */
		if (n < 0 && way != BY_BUFFER && (errno == EINVAL || errno == ENOSYS)) {
			way = BY_BUFFER;
			continue;
		}
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0) {
			rc = -SHMKIT_ESHRUNK;
			break;
		}
		*done += (size_t)n;
		shmkit__progress_add(seg->progress, (size_t)n);
		if (way == BY_SPLICE && seg->locked)
			seg->drainfd = fd;
	}
	free(buf);
	return rc;
}

static int copy_out_sysv(struct shmkit_seg *seg, int fd, mode_t type,
			 size_t offset, size_t length, size_t *done)
{
	char *p = (char *)seg->addr + offset;
	int rc = 0, splicing = S_ISFIFO(type);
	struct iovec iov;
	ssize_t n;

	if (!splicing)
		(void)populate(p, length, 0);
	while (*done < length) {
		size_t want = length - *done;

		if (!splicing) {
			size_t before = *done;

			rc = write_all(fd, p + *done, want < CHUNK ? want : CHUNK, done);
			shmkit__progress_add(seg->progress, *done - before);
			if (rc < 0)
				break;
			continue;
		}
		iov.iov_base = p + *done;
		iov.iov_len = want < CHUNK ? want : CHUNK;
		n = vmsplice(fd, &iov, 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			wait_fd(fd, POLLOUT);
			continue;
		}
		if (n < 0 && (errno == EINVAL || errno == ENOSYS)) {
			splicing = 0;
			continue;
		}
		if (n < 0) {
			rc = -errno;
			break;
		}
		*done += (size_t)n;
		shmkit__progress_add(seg->progress, (size_t)n);
		if (seg->locked)
			seg->drainfd = fd;
	}
	return rc;
}

int shmkit_seg_copy_out(struct shmkit_seg *seg, int fd, size_t offset,
			size_t length, size_t *out)
{
	struct stat st;
	size_t done = 0;
	int rc, src;

	if (offset > seg->size || length > seg->size - offset)
		return -EINVAL;
	if (seg->ref.kind == SHMKIT_SYSV && !seg->attached)
		return -EINVAL;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISFIFO(st.st_mode))
		widen_pipe(fd);
	if (seg->ref.kind == SHMKIT_POSIX) {
		rc = copy_out_fd(seg, seg->fd, fd, st.st_mode, offset, length, &done);
	} else if ((src = sysv_fd(seg)) >= 0) {
		rc = copy_out_fd(seg, src, fd, st.st_mode, offset, length, &done);
		close(src);
	} else {
		rc = copy_out_sysv(seg, fd, st.st_mode, offset, length, &done);
	}
	if (out)
		*out = done;
	return rc;
}

/* ------------------------------------------------------------ writing */

/* One read of input, retried on EINTR and waited on EAGAIN. */
static ssize_t read_in(int fd, void *buf, size_t len)
{
	ssize_t n;

	for (;;) {
		n = read(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			wait_fd(fd, POLLIN);
			continue;
		}
		return n < 0 ? -errno : n;
	}
}

/* 1 when input has more bytes, 0 at its end, -errno. */
static int more_input(int fd)
{
	char probe;
	ssize_t n = read_in(fd, &probe, 1);

	return n < 0 ? (int)n : n > 0;
}

/*
 * 1 when every page of [@from, @to) of a POSIX object is in memory (in
 * the page cache or fallocated), so writes there cannot fail for space;
 * 0 when some may not be (swapped out counts as not), or on any doubt.
 * Cheaper than fallocate over pages that are all there, which on tmpfs
 * zero-fills the ones fallocated earlier but never written.
 */
static int allocated(int fd, size_t from, size_t to)
{
	size_t pg = (size_t)getpagesize(), start = from / pg * pg, len, at, n, i;
	unsigned char vec[4096];
	struct stat st;
	int all = 1;
	char *map;

	if (to <= from)
		return 1;
	len = to - start;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_blocks * 512 < len)
		return 0;
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, (off_t)start);
	if (map == MAP_FAILED)
		return 0;
	for (at = 0; all && at < len; at += n * pg) {
		n = (len - at + pg - 1) / pg;
		if (n > sizeof(vec))
			n = sizeof(vec);
		if (mincore(map + at, n * pg < len - at ? n * pg : len - at, vec) < 0) {
			all = 0;
			break;
		}
		for (i = 0; i < n; i++)
			if (!(vec[i] & 1)) {
				all = 0;
				break;
			}
	}
	munmap(map, len);
	return all;
}

/*
 * The room from @from to @to of a POSIX object is allocated, so writes
 * there cannot fail for space. KEEP_SIZE reserves past the end without
 * making the object look longer than what was written.
 */
static int reserve(int fd, size_t from, size_t to, int keep_size)
{
	int err;

	if (to <= from)
		return 0;
	if (keep_size) {
		if (fallocate(fd, FALLOC_FL_KEEP_SIZE, (off_t)from, (off_t)(to - from)) < 0)
			return -errno;
		return 0;
	}
	err = posix_fallocate(fd, (off_t)from, (off_t)(to - from));
	return -err;
}

struct wstate {
	struct shmkit_seg *seg;
	const struct shmkit_write_opts *opts;
	int out;			/* the fd to write through, or -1: the mapping */
	int in;
	mode_t in_type;
	int posix;
	uint64_t len, need;		/* input length and the size it needs, or UINT64_MAX */
	size_t offset, done, limit;	/* limit: most input bytes that fit */
	size_t old, size;		/* the segment's size before and after */
	int grow;			/* POSIX: may extend past the size */
	int fresh;			/* POSIX: created by this call, removed on failure */
	size_t reserved;		/* POSIX growth: reserved up to here */
	char *buf;
	int input_errno;
};

/* One step of input through the segment's fd at @pos; bytes moved, 0 at EOF. */
static ssize_t step_fd(struct wstate *w, size_t want)
{
	off_t pos = (off_t)(w->offset + w->done);
	ssize_t n;

	for (;;) {
		if (S_ISFIFO(w->in_type))
			n = splice(w->in, NULL, w->out, &pos, want, SPLICE_F_MOVE);
		else if (S_ISREG(w->in_type) && lseek(w->out, pos, SEEK_SET) >= 0)
			n = sendfile(w->out, w->in, NULL, want);
		else
			n = -2;
		if (n >= 0)
			return n;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			wait_fd(w->in, POLLIN);
			continue;
		}
		if (n == -1 && errno != EINVAL && errno != ENOSYS)
			return -errno;	/* FIXME: cannot tell input from output errors */
		/* Neither splice nor sendfile applies: bounce through a buffer. */
		w->in_type = S_IFCHR;
		if (!w->buf && !(w->buf = malloc(BUFSZ)))
			return -ENOMEM;
		n = read_in(w->in, w->buf, want < BUFSZ ? want : BUFSZ);
		if (n < 0) {
			w->input_errno = (int)-n;
			return n;
		}
		if (n > 0 && pwrite(w->out, w->buf, (size_t)n, pos) != n)
			return errno ? -errno : -EIO;
		return n;
	}
}

static int copy_in(struct wstate *w)
{
	int posix = w->seg->ref.kind == SHMKIT_POSIX, rc;
	char *base = w->seg->addr;
	ssize_t n;
	off_t pos;

	/* A long regular file through an fd: on two CPUs, when there are two. */
	if (w->out >= 0 && S_ISREG(w->in_type) && w->done == 0 &&
	    shmkit__pcopy_worth(w->out, w->limit) && (pos = lseek(w->in, 0, SEEK_CUR)) >= 0) {
		rc = shmkit__pcopy(w->out, (off_t)w->offset, w->in, pos, w->limit, &w->done,
				   &w->input_errno, w->seg->progress);
		if (rc <= 0)
			return rc;
	}
	while (w->done < w->limit) {
		size_t want = w->limit - w->done;

		if (want > CHUNK && !S_ISREG(w->in_type))
			want = CHUNK;
		want = step_max(w->seg->progress, want);
		if (posix) {
			size_t end = w->offset + w->done + want;

			/*
			 * Growing from a stream: reserve ahead, 4 MiB at a time.
			 * Not for an object of our own: bytes go in through the
			 * fd, where a full tmpfs is ENOSPC (never SIGBUS), and a
			 * failure removes the object.
			 */
			if (w->grow && !w->fresh && end > w->reserved) {
				size_t to = end + (4u << 20);

				rc = reserve(w->out, w->reserved, to, 1);
				if (rc < 0)
					return rc;
				w->reserved = to;
			}
			n = step_fd(w, want);
		} else if (w->out >= 0) {
			/* SysV from a stream: reserve as the bytes come. */
			if (!S_ISREG(w->in_type)) {
				rc = reserve(w->out, w->offset + w->done, w->offset + w->done + want, 0);
				if (rc < 0)
					return rc;
			}
			n = step_fd(w, want);
		} else {
			if (!S_ISREG(w->in_type)) {
				rc = populate(base + w->offset + w->done, want, 1);
				if (rc < 0)
					return rc;
			}
			n = read_in(w->in, base + w->offset + w->done, want);
			if (n < 0)
				w->input_errno = (int)-n;
		}
		if (n < 0)
			return (int)n;
		if (n == 0)
			return 0;
		w->done += (size_t)n;
		shmkit__progress_add(w->seg->progress, (size_t)n);
	}
	return 0;
}

/* The segment for @ref: opened, or created when missing and asked to. */
static int open_or_create(const struct shmkit_ref *ref, const struct shmkit_write_opts *o,
			  uint64_t need, struct shmkit_seg **seg, int *created)
{
	size_t size;
	int rc, tries;

	for (tries = 0; tries < 3; tries++) {
		rc = shmkit_seg_open(ref, 0, seg);
		if (rc != -ENOENT || !(o->flags & SHMKIT_WRITE_CREATE))
			return rc;
		if (ref->kind == SHMKIT_SYSV) {
			if (ref->by != SHMKIT_BY_KEY)
				return -ENOENT;
			size = o->size ? o->size : (size_t)need;
			if (!o->size && need == UINT64_MAX)
				return -EINVAL;
			rc = shmkit_seg_create(ref, size, o->mode, 0, seg);
		} else {
			*seg = shmkit__seg_new(ref);
			if (!*seg)
				return -ENOMEM;
			rc = shmkit__posix_create(ref, 0, o->mode, 0, *seg);
			if (rc < 0) {
				free(*seg);
				*seg = NULL;
			}
		}
		if (rc != -EEXIST) {	/* else someone else made it: open that */
			*created = rc == 0;
			return rc;
		}
	}
	return rc;
}

/* How much input there is (a regular file says; a stream does not) and what it needs. */
static int measure_input(struct wstate *w, struct shmkit_write_result *out)
{
	int nul = (w->opts->flags & SHMKIT_WRITE_NUL) != 0;
	struct stat st;
	off_t pos;

	if (fstat(w->in, &st) < 0) {
		out->input_errno = errno;
		return -errno;
	}
	w->in_type = st.st_mode & S_IFMT;
	if (S_ISREG(st.st_mode)) {
		pos = lseek(w->in, 0, SEEK_CUR);
		if (pos < 0)
			pos = 0;
		w->len = pos < st.st_size ? (uint64_t)(st.st_size - pos) : 0;
		out->input = w->len;
		w->need = (uint64_t)w->opts->offset + w->len + (uint64_t)nul;
		if (w->need < w->len || w->need > SIZE_MAX)
			w->need = UINT64_MAX;
	}
	if (S_ISFIFO(st.st_mode))
		widen_pipe(w->in);
	return 0;
}

/* The write lock, or without locking the size as it is now. */
static int lock_for_write(struct wstate *w, struct shmkit_write_result *out)
{
	struct shmkit_seg *seg = w->seg;
	struct stat st;
	int rc;

	if (!(w->opts->flags & SHMKIT_WRITE_NOLOCK)) {
		rc = shmkit_seg_lock(seg, SHMKIT_LOCK_WRITE, w->opts->wait_ms);
		if (rc == -ETIMEDOUT &&
		    shmkit_seg_lock_holder(seg, SHMKIT_LOCK_WRITE, &out->holder) < 0)
			out->holder = 0;
		return rc;
	}
	if (w->posix && fstat(seg->fd, &st) == 0)
		seg->size = (size_t)st.st_size;
	return 0;
}

/* Input of known length: reserve first, so a full tmpfs fails before the first byte. */
static int reserve_known(struct wstate *w)
{
	const struct shmkit_write_opts *o = w->opts;
	struct shmkit_seg *seg = w->seg;
	size_t need = (size_t)w->need;
	int rc;

	if (w->need > w->size && !w->grow)
		return -SHMKIT_ENOFIT;
	if (w->need == UINT64_MAX)
		return -EFBIG;
	if (w->fresh) {
		/*
		 * Our own new object, written through its fd: a full tmpfs
		 * fails a write with ENOSPC and the object is removed, so
		 * reserving first (which on tmpfs costs more than the copy)
		 * buys nothing. Check the free space, to fail before the
		 * first byte when we can.
		 */
		struct statvfs vfs;

		if (fstatvfs(seg->fd, &vfs) == 0 && vfs.f_blocks > 0 &&
		    (uint64_t)vfs.f_bavail * vfs.f_frsize < w->need)
			return -ENOSPC;
		/* Appending is a little faster than filling a sparse object. */
		if (o->offset > 0 && ftruncate(seg->fd, (off_t)o->offset) < 0)
			return -errno;
	} else if (w->posix) {
		size_t from = w->grow && w->old < o->offset ? w->old : o->offset;

		/* Reserve only what is not there yet. */
		if (from < w->old && allocated(seg->fd, from, need < w->old ? need : w->old))
			from = w->old;
		rc = reserve(seg->fd, from, need, 0);
		if (rc < 0)
			return rc;
	}
	if (w->posix) {
		w->size = need > w->size ? need : w->size;
		seg->size = w->size;
	}
	w->limit = (size_t)w->len;
	w->reserved = need;	/* nothing more to reserve while copying */
	return 0;
}

/* How many bytes may come in, with what must be reserved before they do. */
static int plan_copy(struct wstate *w)
{
	size_t offset = w->opts->offset;

	if (offset > w->size && !w->grow)
		return -SHMKIT_EPASTEND;
	if (w->len != UINT64_MAX)
		return reserve_known(w);
	if (w->grow) {
		w->limit = SIZE_MAX - offset - 1;
		w->reserved = w->old < offset ? w->old : offset;
		return 0;
	}
	w->limit = w->size - offset;
	if (w->posix && !allocated(w->seg->fd, offset, w->size))
		return reserve(w->seg->fd, offset, w->size, 0);
	return 0;
}

/* What the bytes go in through: the object's fd, or for SysV its fd or its mapping. */
static int open_output(struct wstate *w)
{
	struct shmkit_seg *seg = w->seg;
	size_t offset = w->opts->offset;
	int rc;

	if (w->posix) {
		w->out = seg->fd;
		return 0;
	}
	rc = shmkit_seg_attach(seg, 0);
	if (rc < 0)
		return rc;
	w->out = sysv_fd(seg);
	if (w->len == UINT64_MAX)
		return 0;
	/* Known length: every page first, so a failure writes nothing. */
	if (w->out < 0)
		return populate((char *)seg->addr + offset, (size_t)w->need - offset, 1);
	if (!allocated(w->out, offset, (size_t)w->need))
		return reserve(w->out, offset, (size_t)w->need, 0);
	return 0;
}

/* The NUL that --zero asks for after the data. */
static int write_nul(struct wstate *w)
{
	size_t at = w->opts->offset + w->done;

	if (!w->grow && at >= w->size)
		return -EOVERFLOW;
	if (w->posix)
		return pwrite(w->seg->fd, "", 1, (off_t)at) == 1 ? 0 : -errno;
	((char *)w->seg->addr)[at] = '\0';
	return 0;
}

/* After the copy: too much input, the NUL, and a new object as long as asked. */
static int finish_copy(struct wstate *w, struct shmkit_write_result *out)
{
	struct shmkit_seg *seg = w->seg;
	struct stat st;
	int rc = 0;

	if (w->len == UINT64_MAX && !w->grow && w->done == w->limit) {
		rc = more_input(w->in);
		if (rc > 0)
			rc = -EFBIG;
		else if (rc < 0)
			out->input_errno = -rc;
	}
	if (rc == 0 && (w->opts->flags & SHMKIT_WRITE_NUL))
		rc = write_nul(w);
	/* A new object is as long as asked, even if the file gave fewer bytes. */
	if (rc == 0 && w->fresh && w->len != UINT64_MAX && fstat(seg->fd, &st) == 0 &&
	    (uint64_t)st.st_size < w->need && ftruncate(seg->fd, (off_t)w->need) < 0)
		rc = -errno;
	return rc;
}

/* Growth from a stream, done or failed: give back what was reserved past the end. */
static void trim_growth(struct wstate *w)
{
	size_t offset = w->opts->offset, end, pg, from;
	struct stat st;

	if (!w->posix || !w->grow || w->len != UINT64_MAX || fstat(w->seg->fd, &st) < 0)
		return;
	end = (size_t)st.st_size;
	pg = (size_t)getpagesize();
	from = (end + pg - 1) / pg * pg;
	if (w->reserved > from)
		(void)fallocate(w->seg->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				(off_t)from, (off_t)(w->reserved - from));
	/* And write the size. */
	if (end < offset && ftruncate(w->seg->fd, (off_t)offset) == 0)
		end = offset;
	w->size = end > w->size ? end : w->size;
}

/* Nothing half-made stays behind: what this call created goes again. */
static void undo_create(struct wstate *w)
{
	if (w->posix) {
		/* Readers waiting on the lock then find it empty. */
		int ignored = ftruncate(w->seg->fd, 0);

		(void)ignored;
	}
	(void)shmkit_seg_remove(w->seg);
}

int shmkit_write_fd(const struct shmkit_ref *ref, int fd,
		    const struct shmkit_write_opts *opts,
		    struct shmkit_write_result *out)
{
	struct wstate w = { .in = fd, .out = -1, .opts = opts, .offset = opts->offset,
			    .len = UINT64_MAX, .need = UINT64_MAX };
	int rc;

	memset(out, 0, sizeof(*out));
	out->input = UINT64_MAX;
	rc = measure_input(&w, out);
	if (rc < 0)
		return rc;
	rc = open_or_create(ref, opts, w.need, &w.seg, &out->created);
	if (rc < 0)
		return rc;
	out->ref = w.seg->ref;
	w.seg->progress = opts->progress;
	w.posix = ref->kind == SHMKIT_POSIX;
	rc = lock_for_write(&w, out);
	if (rc == 0) {
		w.size = w.old = w.seg->size;
		w.grow = w.posix && (out->created || (opts->flags & SHMKIT_WRITE_GROW));
		w.fresh = w.posix && out->created;
		out->size = w.size;
		rc = plan_copy(&w);
	}
	if (rc == 0)
		rc = open_output(&w);
	if (rc == 0) {
		rc = copy_in(&w);
		out->done = w.done;
		out->input_errno = w.input_errno;
		if (rc == 0)
			rc = finish_copy(&w, out);
		trim_growth(&w);
		out->size = w.size;
	}
	free(w.buf);
	if (!w.posix && w.out >= 0)
		close(w.out);
	if (rc < 0 && out->created)
		undo_create(&w);
	shmkit_seg_close(w.seg);
	return rc < 0 ? rc : 0;
}

/* SPDX-License-Identifier: MIT */
/* internal.h: what the lib/ sources share with each other and with nobody else. */
#ifndef SHMKIT_INTERNAL_H
#define SHMKIT_INTERNAL_H

#include <stdatomic.h>
#include "shmkit.h"

#define SHMKIT__SHM_DIR		"/dev/shm"
#define SHMKIT__SYSV_PROC	"/proc/sysvipc/shm"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* An opened segment: a shmid or a /dev/shm fd, and at most one mapping. */
struct shmkit_seg {
	struct shmkit_ref ref;	/* canonical: BY_ID for SysV, BY_NAME for POSIX */
	int fd;			/* POSIX only, else -1 */
	unsigned flags;		/* SHMKIT_RDONLY when opened read-only */
	size_t size;
	void *addr;
	int attached;
	int map_rdonly;		/* the mapping is read-only */
	int lockfd;		/* the fd the lock is taken on, or -1 */
	unsigned locked;	/* SHMKIT_LOCK_READ or _WRITE while held, else 0 */
	int drainfd;		/* a pipe given page references, or -1 */
	struct shmkit_progress *progress;	/* counts a copy's bytes, or NULL */
};

/* Counts @n more bytes for a progress display, if there is one. */
static inline void shmkit__progress_add(struct shmkit_progress *p, size_t n)
{
	if (p)
		atomic_fetch_add_explicit(&p->done, n, memory_order_relaxed);
}

/* A growable array of snapshots, handed out as the public array + count. */
struct shmkit__vec {
	struct shmkit_info *v;
	size_t n, cap;
};

/* Returns a zeroed new slot, or NULL when out of memory. */
struct shmkit_info *shmkit__vec_push(struct shmkit__vec *vec);

/*
 * Strict unsigned number at the start of @s in @base (8, 10 or 16, with no
 * prefix, sign or space); at least one digit. Sets *end past the digits.
 * Returns 0, -EINVAL (no digit) or -ERANGE (above UINT64_MAX).
 */
int shmkit__scan_u64(const char *s, int base, uint64_t *out, const char **end);

/* The whole of @s as one number no larger than @max: 0, -EINVAL, -ERANGE. */
int shmkit__parse_u64(const char *s, int base, uint64_t max, uint64_t *out);

/* A kernel.* number from /proc/sys/kernel: 0 or -errno. */
int shmkit__read_sysctl(const char *name, uint64_t *out);

/* ---- sysv.c */

/* One line of /proc/sysvipc/shm (not the header) into @out: 0 or -EINVAL. */
int shmkit__sysv_parse_line(const char *line, struct shmkit_info *out);

/*
 * The one SysV enumerator: every segment of the IPC namespace, appended to
 * @vec, from /proc/sysvipc/shm under @procfd (AT_FDCWD: ours), else by
 * SHM_STAT_ANY. 0 or -ENOMEM.
 */
int shmkit__sysv_list(int procfd, struct shmkit__vec *vec);
int shmkit__sysv_stat(const struct shmkit_ref *ref, struct shmkit_info *out);
/* IPC_RMID on @id: 0, -ENOENT, -EPERM. */
int shmkit__sysv_rmid(int id);
/* The attachment count of @info's segment now; -ENOENT gone or reused. */
int shmkit__sysv_nattch(const struct shmkit_info *info, uint64_t *nattch);
/* IPC_RMID only while unattached, others kept out meanwhile: 0, -EBUSY (held), -errno. */
int shmkit__sysv_rmid_unheld(const struct shmkit_info *info, uint64_t *nattch);
int shmkit__sysv_create(const struct shmkit_ref *ref, size_t size, mode_t mode,
			unsigned flags, struct shmkit_seg *seg);
int shmkit__sysv_open(const struct shmkit_ref *ref, unsigned flags,
		      struct shmkit_seg *seg);
int shmkit__sysv_attach(struct shmkit_seg *seg, unsigned flags);
int shmkit__sysv_detach(struct shmkit_seg *seg);

/* ---- posix.c */

/*
 * 1 when @name (without its '/') may be a POSIX object: one path component,
 * not "." or "..", not a semaphore's "sem.*". Every reader of /dev/shm
 * (the scanner, stat, removal, the holder scan) asks this.
 */
int shmkit__posix_is_object_name(const char *name);
/* The one /dev/shm enumerator: every object, appended to @vec. 0 or -errno. */
int shmkit__posix_list(struct shmkit__vec *vec);
/* One /dev/shm entry of directory @dfd, never followed: 0, -errno, -SHMKIT_ENOTSHM. */
int shmkit__posix_stat_at(int dfd, const char *name, struct shmkit_info *out);
int shmkit__posix_stat(const struct shmkit_ref *ref, struct shmkit_info *out);
/*
 * Unlinks @info's object when its name still leads to that regular file
 * (the same device and inode when @info has them); with @dry_run only
 * checks. 0, -ENOENT (gone or replaced), -SHMKIT_ENOTSHM, -errno.
 */
int shmkit__posix_unlink(const struct shmkit_info *info, int dry_run);
/*
 * Whether anything holds @info's object, asked of the kernel with a write
 * lease (see posix.c): 1 held, 0 not held, or -errno when the kernel cannot
 * be asked (-EACCES: neither the owner nor CAP_LEASE; -EINVAL: leases are
 * disabled; -ENOENT: gone or replaced).
 */
int shmkit__posix_held(const struct shmkit_info *info);
/*
 * Unlinks @info's object only while nobody else has it open, under a write
 * lease, moving it to a private name first; with @dry_run only checks.
 * 0 removed (or would be); -EBUSY held, not removed (an open that raced in
 * keeps its name); 1 removed while an open arrived in the last window;
 * -errno as shmkit__posix_held() when the lease cannot be had.
 */
int shmkit__posix_unlink_unheld(const struct shmkit_info *info, int dry_run);
int shmkit__posix_create(const struct shmkit_ref *ref, size_t size, mode_t mode,
			 unsigned flags, struct shmkit_seg *seg);
int shmkit__posix_open(const struct shmkit_ref *ref, unsigned flags,
		       struct shmkit_seg *seg);
int shmkit__posix_attach(struct shmkit_seg *seg, unsigned flags);
int shmkit__posix_detach(struct shmkit_seg *seg);

/* ---- procs.c */

/*
 * One /proc/PID/maps line (no newline) read as the holder scan reads it,
 * /dev/shm being on @shm_dev: 1 with *out set when it names a segment,
 * 0 when not, -ENOMEM. For the unit tests and fuzz/.
 */
int shmkit__maps_parse_line(const char *line, dev_t shm_dev,
			    struct shmkit_holder *out);

/* ---- holders.c, for nsscan.c: one snapshot of every namespace */

/* An empty snapshot that takes holders of every namespace: 0 or -ENOMEM. */
int shmkit__holders_new_all(struct shmkit_holders **out);
/* What process @pid (/proc/PID open as @pidfd), in IPC namespace @ipcns, holds. */
void shmkit__holders_add(struct shmkit_holders *h, int pidfd, pid_t pid, ino_t ipcns);
/* One more process that could not be examined (@rc its -errno). */
void shmkit__holders_note_unreadable(struct shmkit_holders *h, int pidfd, pid_t pid, int rc);
/* Sorts and merges, once every process is in. */
void shmkit__holders_done(struct shmkit_holders *h);
/*
 * The part of @h one namespace sees: SysV holders in IPC namespace @ipcns,
 * POSIX ones (and unlinked objects) on device @dev (0: none), and every
 * process that could not be examined. 0 or -ENOMEM.
 */
int shmkit__holders_split(const struct shmkit_holders *h, ino_t ipcns, dev_t dev,
			  struct shmkit_holders **out);

/* ---- rows.c, for nsall.c */

/*
 * shmkit_rows_list() without references and without a scan of its own:
 * @h (owned from here on, freed even on failure) is the holder snapshot.
 */
int shmkit__rows_list_with(int procfd, const struct shmkit_filter *f, int64_t now,
			   unsigned flags, struct shmkit_holders *h,
			   struct shmkit_rows_notes *notes, struct shmkit_rows **out);
/*
 * One set of rows from @n parts (all freed here, even on failure), their
 * rows in order, with @h (not owned) as the snapshot and @keep freed by
 * @keep_free with them. 0 or -ENOMEM.
 */
int shmkit__rows_merge(struct shmkit_rows **parts, size_t n, const struct shmkit_holders *h,
		       void *keep, void (*keep_free)(void *), struct shmkit_rows **out);

/* ---- seg.c */

/* A new, unopened segment record for @ref (fds -1), or NULL. */
struct shmkit_seg *shmkit__seg_new(const struct shmkit_ref *ref);

/* Waits until the pipe @fd holds no bytes (or has no reader): 0 or -errno. */
int shmkit__pipe_drain(int fd);

/*
 * 1 when a second CPU may help shmkit__pcopy() copy @len bytes into @out:
 * two CPUs allowed, and @out a regular file not opened for appending.
 */
int shmkit__pcopy_worth(int out, size_t len);

/*
 * Copies @len bytes from the regular file @in at @in_pos to the regular
 * file @out at @out_pos (made that long first; a shmem file, or a file the
 * caller owns), on two threads. Sets *done to the bytes copied from the
 * start, both files' offsets past them, and *input_errno when reading
 * failed; a file it lengthened is cut back to what was copied. 0 (with
 * *done < @len if the input ended early), 1 when @out could not be
 * lengthened or sendfile() refused these files (the caller copies the
 * rest, from *done, its own way), or -errno.
 */
int shmkit__pcopy(int out, off_t out_pos, int in, off_t in_pos, size_t len,
		  size_t *done, int *input_errno,
		  struct shmkit_progress *progress);

#endif /* SHMKIT_INTERNAL_H */

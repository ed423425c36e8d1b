/* SPDX-License-Identifier: MIT */
/* shmkit.h: the one public header of libshmkit, the core of the shmkit tools. */
#ifndef SHMKIT_H
#define SHMKIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Conventions for every call below:
 * - Returns 0 (or a count) on success and a negative code on failure: -errno,
 *   or one of the -SHMKIT_E* codes, which lie above every errno value.
 *   shmkit_strerror() turns either kind into text.
 * - Out-parameters come last and are named out; on failure *out is untouched.
 * - Nothing here prints, exits, or keeps global state.
 */

/* Longest POSIX object name, without its leading '/'. */
#define SHMKIT_NAME_MAX 255

enum shmkit_kind {
	SHMKIT_SYSV = 1,
	SHMKIT_POSIX = 2,
};

/* Error codes beyond errno; returned negated, like errno values. */
enum shmkit_error {
	SHMKIT_EBASE = 4096,
	SHMKIT_ESHMMAX,		/* size is above kernel.shmmax */
	SHMKIT_ESHMMIN,		/* size is below SHMMIN (zero) */
	SHMKIT_ESHMALL,		/* kernel.shmall pages would be exceeded */
	SHMKIT_ESHMMNI,		/* kernel.shmmni segments already exist */
	SHMKIT_ETOOSMALL,	/* an existing segment is smaller than asked */
	SHMKIT_ENOTSHM,		/* the /dev/shm entry is not a regular file */
	SHMKIT_EPRIVATE,	/* key 0 (IPC_PRIVATE) cannot be looked up */
	SHMKIT_EEND,
};

/*
 * shmkit_strerror:
 * @rc: a negative code returned by any shmkit call
 *
 * Returns: a constant, lowercase description of @rc ("no such segment",
 * "size is above kernel.shmmax"), or strerror() text for other errno values.
 * The string is static and must not be freed.
 */
const char *shmkit_strerror(int rc);

/* ---------------------------------------------------------------- refs */

/* How a reference names its segment. */
enum shmkit_ref_by {
	SHMKIT_BY_KEY = 1,	/* SysV key: 0xHEX, key:N, ftok:PATH[:PROJ] */
	SHMKIT_BY_ID,		/* SysV shmid: N, id:N */
	SHMKIT_BY_NAME,		/* POSIX object: /NAME */
	SHMKIT_BY_PRIVATE,	/* "private": a new IPC_PRIVATE SysV segment */
};

/*
 * struct shmkit_ref: one parsed segment reference. Plain data: copy freely.
 * @kind is SHMKIT_SYSV or SHMKIT_POSIX; @by says which of @key, @id or
 * @name is meaningful. @name holds the leading '/' and a NUL.
 */
struct shmkit_ref {
	enum shmkit_kind kind;
	enum shmkit_ref_by by;
	key_t key;
	int id;
	char name[SHMKIT_NAME_MAX + 2];
};

/* Flags for shmkit_ref_parse(). */
#define SHMKIT_REF_ALLOW_PRIVATE 0x1	/* accept "private" (shmcreate) */

/*
 * shmkit_ref_parse:
 * @text: what the user typed, per the grammar in DESIGN.md section 2
 * @flags: SHMKIT_REF_ALLOW_PRIVATE or 0
 * @out: the parsed reference
 *
 * ftok:PATH[:PROJ] calls ftok(3), so PATH must exist.
 *
 * Returns: 0; -EINVAL when @text matches no form (empty, junk, sign, bad
 * name, key 0); -ERANGE when a number does not fit 32 bits or PROJ is
 * above 255; -errno from ftok(3) (e.g. -ENOENT) when PATH cannot be used.
 */
int shmkit_ref_parse(const char *text, unsigned flags, struct shmkit_ref *out);

/*
 * shmkit_ref_format:
 * @ref: a reference
 * @buf, @len: where to write its canonical text: the shmid ("32768"),
 *	the key ("0x0000162e"), "/NAME" or "private"
 *
 * Returns: the length written, or -ENOBUFS when @len is too small.
 */
int shmkit_ref_format(const struct shmkit_ref *ref, char *buf, size_t len);

/* --------------------------------------------------------------- parse */

/* Flags for shmkit_parse_size(). */
#define SHMKIT_SIZE_ZERO_OK 0x1	/* accept 0 (offsets, lengths) */

/*
 * shmkit_parse_size:
 * @text: decimal or 0x-hex bytes, optionally followed by one suffix:
 *	K M G T or KiB MiB GiB TiB (all 1024-based); KB MB GB TB are
 *	accepted as the same 1024-based multipliers
 * @flags: SHMKIT_SIZE_ZERO_OK or 0
 * @out: the size in bytes
 *
 * Returns: 0; -EINVAL for an empty string, a sign, junk, a fraction or
 * zero (unless allowed); -ERANGE when the result does not fit size_t.
 */
int shmkit_parse_size(const char *text, unsigned flags, size_t *out);

/*
 * shmkit_parse_mode:
 * @text: octal permission bits, 0 to 0777 (a leading 0 is optional)
 * @out: the mode
 *
 * Returns: 0; -EINVAL for junk, a sign or an empty string; -ERANGE above
 * 0777.
 */
int shmkit_parse_mode(const char *text, mode_t *out);

/*
 * shmkit_parse_duration:
 * @text: a whole number of seconds, or a number followed by one unit of
 *	s, m, h, d or w ("30s", "15m", "2h", "7d")
 * @out: the duration in seconds
 *
 * Returns: 0; -EINVAL for an empty string, a sign, junk or an unknown
 * unit; -ERANGE on overflow.
 */
int shmkit_parse_duration(const char *text, uint64_t *out);

/* ----------------------------------------------------------- snapshots */

/* Bits of shmkit_info.have: which fields the kind has. */
#define SHMKIT_HAVE_KEY    0x01	/* key (SysV) */
#define SHMKIT_HAVE_ID     0x02	/* id (SysV shmid) */
#define SHMKIT_HAVE_NAME   0x04	/* name (POSIX) */
#define SHMKIT_HAVE_CREDS  0x08	/* cuid, cgid (SysV) */
#define SHMKIT_HAVE_PIDS   0x10	/* cpid, lpid (SysV) */
#define SHMKIT_HAVE_NATTCH 0x20	/* nattch (SysV) */
#define SHMKIT_HAVE_DTIME  0x40	/* dtime (SysV) */
#define SHMKIT_HAVE_MEM    0x80	/* rss, swap */
#define SHMKIT_HAVE_INODE  0x100	/* dev, ino (POSIX) */

/* Bits of shmkit_info.status. */
#define SHMKIT_ST_DEST    0x1	/* SysV: marked for removal (SHM_DEST) */
#define SHMKIT_ST_LOCKED  0x2	/* SysV: SHM_LOCKED */
#define SHMKIT_ST_DELETED 0x4	/* POSIX: unlinked but still held */

/*
 * struct shmkit_info: a snapshot of one segment of either kind. Plain data
 * with no pointers: copy freely. Fields whose bit is clear in @have are
 * absent for this kind and hold 0; never print them as 0.
 * Times are seconds since the epoch (POSIX: atime, mtime in @dtime's place
 * is not used; @ctime is the inode change time, @mtime the last write).
 */
struct shmkit_info {
	enum shmkit_kind kind;
	unsigned have;
	unsigned status;
	key_t key;
	int id;
	char name[SHMKIT_NAME_MAX + 2];
	uint64_t size;
	mode_t mode;		/* permission bits only (07777) */
	uid_t uid, cuid;
	gid_t gid, cgid;
	pid_t cpid, lpid;
	uint64_t nattch;
	int64_t atime, dtime, ctime, mtime;
	uint64_t rss, swap;	/* bytes */
	dev_t dev;
	ino_t ino;
};

/* Kinds to list: a bit mask. */
#define SHMKIT_LIST_SYSV  0x1
#define SHMKIT_LIST_POSIX 0x2
#define SHMKIT_LIST_ALL   (SHMKIT_LIST_SYSV | SHMKIT_LIST_POSIX)

/*
 * shmkit_list:
 * @kinds: SHMKIT_LIST_SYSV, SHMKIT_LIST_POSIX or both
 * @out: a new array of snapshots, SysV first (by id), then POSIX (by name)
 * @n: its length
 *
 * SysV comes from /proc/sysvipc/shm, or from shmctl(SHM_STAT) when that is
 * unreadable; POSIX from one scan of /dev/shm that follows no symlinks and
 * leaves out sem.* and anything that is not a regular file. A missing
 * /dev/shm lists no POSIX objects.
 *
 * Returns: 0; -ENOMEM; -errno when a source could not be read at all.
 * The caller owns *@out and frees it with shmkit_info_free().
 */
int shmkit_list(unsigned kinds, struct shmkit_info **out, size_t *n);

/*
 * shmkit_info_free:
 * @infos: an array from shmkit_list(), or NULL
 *
 * Frees it; preserves errno.
 */
void shmkit_info_free(struct shmkit_info *infos);

/*
 * shmkit_stat:
 * @ref: the segment; SHMKIT_BY_PRIVATE is refused
 * @out: its snapshot
 *
 * Works without read permission on the segment: SysV comes from
 * /proc/sysvipc/shm (or SHM_STAT_ANY), POSIX from fstatat(2) without
 * following a symlink.
 *
 * Returns: 0; -ENOENT when there is no such segment; -SHMKIT_EPRIVATE for
 * key 0; -SHMKIT_ENOTSHM for a /dev/shm entry that is not a regular file.
 */
int shmkit_stat(const struct shmkit_ref *ref, struct shmkit_info *out);

/*
 * shmkit_remove:
 * @ref: the segment
 * @nattch: optional; set to how many attachments the segment still had,
 *	so 0 means it is gone and more means it is only marked for removal
 *	(SysV) or unlinked while still held (POSIX: always 0, unknown)
 *
 * SysV: shmctl(IPC_RMID). POSIX: shm_unlink(3).
 *
 * Returns: 0; -ENOENT; -EPERM or -EACCES when the caller may not remove it;
 * -SHMKIT_EPRIVATE for key 0.
 */
int shmkit_remove(const struct shmkit_ref *ref, uint64_t *nattch);

/* ------------------------------------------------------------- filters */

struct shmkit_holders;	/* a holder snapshot: see shmkit_holders_scan() */

/*
 * struct shmkit_filter: which segments shmls shows and shmrm removes.
 * Zero-initialise, then set what applies; a zero field does not filter.
 */
struct shmkit_filter {
	unsigned kinds;		/* SHMKIT_LIST_* bits; 0 means both */
	int orphans;		/* only segments no process holds */
	uint64_t older_than;	/* only segments older than this many seconds */
	int by_uid;		/* only segments owned by @uid */
	uid_t uid;
	const char *name_glob;	/* only POSIX objects whose name (without the
				   leading '/') matches this fnmatch(3) glob */
};

/*
 * shmkit_info_age:
 * @info: a segment
 * @now: the current time, seconds since the epoch
 *
 * Returns: seconds since the segment was last used: the newest of ctime,
 * atime and dtime for SysV, of mtime and ctime for POSIX (reading a POSIX
 * object through a mapping leaves no trace); 0 when that is in the future.
 */
uint64_t shmkit_info_age(const struct shmkit_info *info, int64_t now);

/*
 * shmkit_info_orphan:
 * @info: a segment
 * @h: a holder snapshot, or NULL
 *
 * An orphan is a segment no live process holds (DESIGN.md section 5): a SysV
 * segment with nattch 0, a POSIX object no process maps or has open.
 *
 * Returns: 1 orphan, 0 held, -EAGAIN when it cannot be told: a POSIX
 * object with no holder found while @h is NULL or some processes could
 * not be examined. Callers that remove must treat -EAGAIN as held.
 */
int shmkit_info_orphan(const struct shmkit_info *info,
		       const struct shmkit_holders *h);

/*
 * shmkit_filter_match:
 * @f: the filter
 * @info: a segment
 * @h: a holder snapshot (needed when @f->orphans is set), or NULL
 * @now: the current time
 *
 * Returns: 1 when @info passes every test in @f, else 0. A segment whose
 * orphan state cannot be told does not pass --orphans.
 */
int shmkit_filter_match(const struct shmkit_filter *f,
			const struct shmkit_info *info,
			const struct shmkit_holders *h, int64_t now);

/* ------------------------------------------------------- live segments */

/* An opened segment (SysV shmid or POSIX fd) and at most one mapping. */
struct shmkit_seg;

/* Flags for shmkit_seg_create(). */
#define SHMKIT_CREATE_REUSE 0x1	/* an existing one of at least size is fine */

/*
 * shmkit_seg_create:
 * @ref: SHMKIT_BY_KEY, SHMKIT_BY_PRIVATE or SHMKIT_BY_NAME
 * @size: bytes, at least 1
 * @mode: permission bits, applied exactly (the umask does not apply)
 * @flags: SHMKIT_CREATE_REUSE or 0
 * @out: the new (or reused) segment, not yet attached
 *
 * POSIX objects get their blocks reserved with fallocate(2), so that later
 * writes through a mapping cannot raise SIGBUS; a failure removes what this
 * call created. With SHMKIT_CREATE_REUSE an existing segment of at least
 * @size bytes is opened instead (it is never resized, nor its mode changed).
 *
 * Returns: 0 when created, 1 when an existing one was reused; -EEXIST;
 * -SHMKIT_ETOOSMALL (reuse of a smaller one); -SHMKIT_ESHMMAX,
 * -SHMKIT_ESHMALL, -SHMKIT_ESHMMNI for SysV limits; -ENOSPC when the
 * tmpfs is full; -EACCES; -EINVAL for a ref that cannot be created
 * (a shmid). The caller owns *@out: release it with shmkit_seg_close().
 */
int shmkit_seg_create(const struct shmkit_ref *ref, size_t size, mode_t mode,
		      unsigned flags, struct shmkit_seg **out);

/* Flags for shmkit_seg_open() and shmkit_seg_attach(). */
#define SHMKIT_RDONLY 0x1

/*
 * shmkit_seg_open:
 * @ref: an existing segment (not SHMKIT_BY_PRIVATE)
 * @flags: SHMKIT_RDONLY or 0 (read-write)
 * @out: the opened segment, not yet attached
 *
 * Returns: 0; -ENOENT; -EACCES; -SHMKIT_EPRIVATE; -SHMKIT_ENOTSHM.
 * The caller owns *@out: release it with shmkit_seg_close().
 */
int shmkit_seg_open(const struct shmkit_ref *ref, unsigned flags,
		    struct shmkit_seg **out);

/*
 * shmkit_seg_attach:
 * @seg: an open segment
 * @flags: SHMKIT_RDONLY or 0; read-write needs a read-write open
 *
 * Maps the whole segment (shmat(2) or mmap(2)). A zero-length POSIX object
 * attaches with a NULL address.
 *
 * Returns: 0; -EBUSY when already attached; -EACCES; -EIDRM or -EINVAL
 * when a SysV segment was removed meanwhile; -ENOMEM.
 */
int shmkit_seg_attach(struct shmkit_seg *seg, unsigned flags);

/*
 * shmkit_seg_detach:
 * @seg: a segment
 *
 * Unmaps it if attached.
 *
 * Returns: 0, or -errno from shmdt(2)/munmap(2).
 */
int shmkit_seg_detach(struct shmkit_seg *seg);

/*
 * shmkit_seg_close:
 * @seg: a segment, or NULL
 *
 * Detaches, closes and frees it; never removes the segment. Preserves errno.
 */
void shmkit_seg_close(struct shmkit_seg *seg);

/* Getters: valid while @seg lives. */

/* shmkit_seg_addr: the mapping, or NULL when not attached (or empty). */
void *shmkit_seg_addr(const struct shmkit_seg *seg);

/* shmkit_seg_size: the segment's size in bytes, as seen at open. */
size_t shmkit_seg_size(const struct shmkit_seg *seg);

/*
 * shmkit_seg_ref: the canonical reference of @seg: for SysV always
 * SHMKIT_BY_ID (so a segment opened or created by key reports its shmid),
 * for POSIX SHMKIT_BY_NAME.
 */
const struct shmkit_ref *shmkit_seg_ref(const struct shmkit_seg *seg);

/* ------------------------------------------------------------------ io */

/*
 * shmkit_seg_write_fd:
 * @seg: an attached, writable segment
 * @fd: where bytes come from
 * @offset: where in the segment to start
 * @out: how many bytes were copied
 *
 * Copies from @fd until end of input or the end of the segment.
 *
 * Returns: 0 when all input fitted; -EFBIG when input remained after the
 * segment was full (*@out still says how much was copied); -EINVAL when
 * @offset is past the end; -errno from read(2) (then *@out is set too).
 */
int shmkit_seg_write_fd(struct shmkit_seg *seg, int fd, size_t offset,
			size_t *out);

/*
 * shmkit_seg_read_fd:
 * @seg: an attached segment
 * @fd: where bytes go
 * @offset, @length: the range to copy
 *
 * Returns: 0; -EINVAL when the range does not lie inside the segment;
 * -errno from write(2) (-EPIPE when the reader went away).
 */
int shmkit_seg_read_fd(struct shmkit_seg *seg, int fd, size_t offset,
		       size_t length);

/* ------------------------------------------------------------- holders */

/* Bits of shmkit_holder.how. */
#define SHMKIT_HOLD_MAP 0x1	/* maps it (shmat(2) or mmap(2)) */
#define SHMKIT_HOLD_FD  0x2	/* has it open (POSIX) */

/*
 * struct shmkit_holder: one process holding one segment. SysV holders are
 * keyed by @id (the shmid: the inode of the mapping on the kernel's shm
 * device), POSIX holders by @dev and @ino of the /dev/shm file.
 */
struct shmkit_holder {
	enum shmkit_kind kind;
	int id;
	dev_t dev;
	ino_t ino;
	pid_t pid;
	unsigned how;
	char comm[16];
};

/* A snapshot of which processes hold which segments. */
struct shmkit_holders;

/*
 * shmkit_holders_scan:
 * @out: the snapshot
 *
 * One pass over /proc/PID/maps and /proc/PID/fd of every process. SysV
 * mappings are matched by inode = shmid (so segments marked for removal,
 * whose name keeps the old key, still match), POSIX ones by device and
 * inode of /dev/shm, so a process in another mount namespace with its own
 * /dev/shm/NAME is not mistaken for a holder. Unlinked POSIX objects that
 * are still held are recorded too (shmkit_holders_deleted()).
 *
 * Returns: 0; -ENOMEM; -errno when /proc cannot be read at all. The caller
 * frees *@out with shmkit_holders_free().
 */
int shmkit_holders_scan(int procfd, struct shmkit_holders **out);

/*
 * shmkit_holders_of:
 * @h: a snapshot
 * @info: a segment
 * @out: the first of its holders, sorted by pid; valid while @h lives
 *
 * Returns: how many processes hold @info (0 with *@out NULL when none).
 */
size_t shmkit_holders_of(const struct shmkit_holders *h,
			 const struct shmkit_info *info,
			 const struct shmkit_holder **out);

/*
 * shmkit_holders_all:
 * @h: a snapshot
 * @out: every holder record, sorted by kind, segment, then pid
 *
 * Returns: how many records there are.
 */
size_t shmkit_holders_all(const struct shmkit_holders *h,
			  const struct shmkit_holder **out);

/*
 * shmkit_holders_unreadable:
 * @h: a snapshot
 *
 * Returns: how many processes could not be examined (not permitted), so
 * that a caller can say the holder information is incomplete instead of
 * reporting "none". Processes that exited during the scan do not count.
 */
size_t shmkit_holders_unreadable(const struct shmkit_holders *h);

/*
 * shmkit_holders_deleted:
 * @h: a snapshot
 * @out: snapshots of unlinked POSIX objects still held, status
 *	SHMKIT_ST_DELETED; the size is the file's when /proc/PID/map_files
 *	or the open fd can be examined, else the largest mapping seen
 * @n: how many
 *
 * Returns: 0 or -ENOMEM. The caller frees *@out with shmkit_info_free().
 */
int shmkit_holders_deleted(const struct shmkit_holders *h,
			   struct shmkit_info **out, size_t *n);

/*
 * shmkit_holders_free:
 * @h: a snapshot, or NULL
 *
 * Frees it; preserves errno.
 */
void shmkit_holders_free(struct shmkit_holders *h);

/* ---------------------------------------------------------- namespaces */

/*
 * shmkit_ns_enter:
 * @pid: a process whose IPC and mount namespaces to enter (a container's)
 * @procfd: set to a directory fd of this process's /proc, opened before
 *	entering, so that holders are reported with the caller's PIDs
 *
 * After it returns 0 every other call here acts inside those namespaces:
 * SysV segments of that IPC namespace, POSIX objects of that /dev/shm.
 * Needs CAP_SYS_ADMIN (and CAP_SYS_CHROOT for the mount namespace); the
 * process must be single-threaded. The caller closes *@procfd.
 *
 * Returns: 0; -ESRCH when there is no such process; -EPERM when a
 * capability is missing; -errno from setns(2).
 */
int shmkit_ns_enter(pid_t pid, int *procfd);

/* ---------------------------------------------------------------- caps */

/* What an operation on a segment was trying to do, for shmkit_cap_for(). */
enum shmkit_op {
	SHMKIT_OP_READ = 1,
	SHMKIT_OP_WRITE,
	SHMKIT_OP_REMOVE,
	SHMKIT_OP_CREATE,
};

/*
 * shmkit_cap_for:
 * @kind: the segment's kind
 * @op: the operation that was denied
 *
 * Returns: the capability (CAP_* value) that would override the denial:
 * CAP_IPC_OWNER for SysV access, CAP_SYS_ADMIN for SysV removal,
 * CAP_DAC_OVERRIDE for POSIX access, CAP_FOWNER for POSIX removal.
 */
int shmkit_cap_for(enum shmkit_kind kind, enum shmkit_op op);

/*
 * shmkit_cap_has:
 * @cap: a CAP_* value
 *
 * Returns: 1 when @cap is in this process's effective set, 0 when not,
 * -errno when the set cannot be read.
 */
int shmkit_cap_has(int cap);

/*
 * shmkit_cap_name:
 * @cap: a CAP_* value
 * @buf, @len: where to write its upper-case name, e.g. "CAP_IPC_OWNER"
 *
 * Returns: 0, or -ENOBUFS / -EINVAL.
 */
int shmkit_cap_name(int cap, char *buf, size_t len);

/*
 * shmkit_cap_limit:
 * @keep: the CAP_* values to keep
 * @n: how many
 *
 * Drops every other capability from the effective and permitted sets
 * (those of @keep that were not held stay absent). Our pledge(2).
 *
 * Returns: 0, or -errno from libcap.
 */
int shmkit_cap_limit(const int *keep, size_t n);

#endif /* SHMKIT_H */

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

/*
 * Layers, bottom first. A file may call only files on lower lines (make
 * lint checks it from the objects' symbols: tests/layers). The sections
 * below follow the same order; files with no public call have none.
 *
 *	1  error.c parse.c format.c caps.c vec.c pcopy.c	small helpers
 *	1  newfile.c
 *	2  sysctl.c reflist.c ns.c lock.c			built on them
 *	2  cgroup.c
 *	3  sysv.c posix.c limits.c				one file per kind
 *	4  seg.c holders.c					live segments; who holds them
 *	5  io.c list.c						bytes in and out; snapshots, filters
 *	5  nsscan.c						every namespace: one pass over /proc
 *	6  remove.c columns.c					the removal decision; cells
 *	7  rows.c resources.c					what shmls prints
 *	7  metrics.c
 *	8  nsall.c						shmls -A and shmrm -A: each namespace
 *
 * io.c sits above seg.c, not beside the helpers: shmkit_write_fd() opens
 * or creates the segment it writes. sysv.c and posix.c each hold the one
 * enumerator of their kind; list.c, stat and removal all go through it.
 */

/* ----------------------------------------------------------- records */

/*
 * What every layer passes around: kinds, error codes, references, snapshots
 * and holders. Plain data; the live objects are opaque handles, declared
 * here once.
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
	SHMKIT_ENOFIT,		/* input of known length does not fit; nothing written */
	SHMKIT_EPASTEND,	/* the offset is past the end of the segment */
	SHMKIT_ESHRUNK,		/* a POSIX object shrank while being read */
	SHMKIT_ENOHUGE,		/* no huge pages reserved (vm.nr_hugepages) */
	SHMKIT_ENOSHMDIR,	/* /dev/shm does not exist: no POSIX objects */
	SHMKIT_EEND,
};

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
	ino_t ipcns;	/* SysV, in a scan of every namespace: the IPC
			   namespace of @pid (the one @id is in); else 0 */
};

/* What a container id names (shmkit_cgroup_owner()); higher is more specific. */
enum shmkit_owner_kind {
	SHMKIT_OWNER_NONE = 0,		/* no container and no unit */
	SHMKIT_OWNER_UNIT,		/* a systemd unit: "cron.service" */
	SHMKIT_OWNER_CONTAINER,		/* a Docker, containerd, CRI-O or Podman id */
	SHMKIT_OWNER_POD,		/* a Kubernetes pod UID */
};

/*
 * struct shmkit_nsinfo: one pair of IPC and mount namespaces that a
 * process is in (shmls -A), and the /dev/shm it sees. Plain data.
 */
struct shmkit_nsinfo {
	ino_t ipcns, mntns;	/* namespace inodes, as lsns(8) prints them */
	dev_t shmdev;		/* device of that /dev/shm; 0 when it has none */
	pid_t pid;		/* the lowest PID in both, as the caller sees it */
	int owner;		/* enum shmkit_owner_kind of @container */
	char container[128];	/* container id, pod UID or unit; "" when none */
	int self;		/* 1 for the caller's own namespaces */
};

/* Opaque handles: see their sections. */
struct shmkit_seg;		/* an open segment (seg.c) */
struct shmkit_holders;		/* a holder snapshot (holders.c) */
struct shmkit_reflist;		/* a list of references (reflist.c) */
struct shmkit_idnames;		/* a uid/gid name cache (columns.c) */
struct shmkit_nsscan;		/* every namespace found in /proc (nsscan.c) */
struct shmkit_newfile;		/* a file being replaced whole (newfile.c) */

/* ----------------------------------------------------------- error.c */

/*
 * Every call returns 0 (or a count) or a negative code; this turns either
 * kind of code into the text the programs print.
 */

/*
 * shmkit_strerror:
 * @rc: a negative code returned by any shmkit call
 *
 * Returns: a constant, lowercase description of @rc ("no such segment",
 * "size is above kernel.shmmax"), or strerror() text for other errno values.
 * The string is static and must not be freed.
 */
const char *shmkit_strerror(int rc);

/* ----------------------------------------------------------- parse.c */

/*
 * Pure parsers of what users type: segment references (DESIGN.md 2), sizes,
 * modes, durations, ids, users and time styles. Each returns -EINVAL or
 * -ERANGE rather than guessing.
 */

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

/*
 * shmkit_ref_cmp:
 * @a, @b: two parsed references
 *
 * Orders by kind, then by how they name the segment, then by name, id or
 * key, so that equal references sort next to each other. References that
 * compare equal name the same segment; unequal ones may still do (a key
 * and the id of the same segment).
 *
 * Returns: less than, equal to or greater than 0, as for qsort(3).
 */
int shmkit_ref_cmp(const struct shmkit_ref *a, const struct shmkit_ref *b);

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

/*
 * shmkit_parse_id:
 * @text: a decimal number (a uid, gid or PID): digits only, no sign,
 *	prefix or space; leading zeros are allowed and stay decimal
 * @max: the largest value to accept
 * @out: the number
 *
 * Returns: 0; -EINVAL for an empty string, a sign or junk; -ERANGE above
 * @max.
 */
int shmkit_parse_id(const char *text, uint32_t max, uint32_t *out);

/*
 * shmkit_parse_user:
 * @text: a user name, or else a uid as shmkit_parse_id() reads it (at most
 *	4294967294, since (uid_t)-1 means no user); a name that exists wins
 *	over the number it looks like
 * @out: the uid
 *
 * Returns: 0; -ENOENT when @text is neither.
 */
int shmkit_parse_user(const char *text, uid_t *out);

/*
 * shmkit_ref_unescape:
 * @text: a reference as shmls --raw prints it (shmkit_format_escape()
 *	with SHMKIT_ESC_BLANK): each \xNN, two hex digits, stands for that byte
 *
 * Decodes @text in place; a backslash not followed by x and two hex digits
 * stays as it is. Then shmkit_ref_parse() can read it.
 *
 * Returns: 0; -EINVAL when a \x00 would cut the text short (@text is then
 * partly decoded).
 */
int shmkit_ref_unescape(char *text);

/* Time styles for shmkit_format_time(). */
enum shmkit_time_style {
	SHMKIT_TIME_SHORT = 1,	/* 2024-05-01 14:03 */
	SHMKIT_TIME_FULL,	/* Wed May  1 14:03:07 2024 */
	SHMKIT_TIME_ISO,	/* 2024-05-01T14:03:07+0200 */
};

/*
 * shmkit_parse_time_style:
 * @text: "short", "full" or "iso", in lower case
 * @out: the style it names
 *
 * Returns: 0; -EINVAL for anything else.
 */
int shmkit_parse_time_style(const char *text, enum shmkit_time_style *out);

/* ---------------------------------------------------------- format.c */

/*
 * Plain text for numbers, modes, times, ages and holders, and escaping of
 * names so that no name can break a line or a JSON document.
 */

/*
 * shmkit_format_size:
 * @bytes: a size
 * @buf, @len: where to write it in 1024-based units with at most one
 *	rounded decimal: "512B", "4K", "1.5M"
 *
 * Returns: the length written; -ENOBUFS when @len is too small.
 */
int shmkit_format_size(uint64_t bytes, char *buf, size_t len);

/*
 * shmkit_format_perms:
 * @mode: permission bits
 * @buf, @len: where to write the nine of them as ls(1) does: "rw-r-----"
 *
 * Returns: 9; -ENOBUFS when @len is below 10.
 */
int shmkit_format_perms(mode_t mode, char *buf, size_t len);

/*
 * shmkit_format_time:
 * @t: seconds since the epoch; 0 or less means it never happened
 * @style: SHMKIT_TIME_SHORT, SHMKIT_TIME_FULL or SHMKIT_TIME_ISO, in
 *	local time
 * @buf, @len: where to write it
 *
 * Returns: the length written; 0 when @t never happened (or is beyond
 * what localtime_r(3) can convert), so nothing was written; -ENOBUFS.
 */
int shmkit_format_time(int64_t t, enum shmkit_time_style style, char *buf, size_t len);

/*
 * shmkit_format_age:
 * @seconds: a duration
 * @buf, @len: where to write it in one rounded-down unit: "90s", "15m",
 *	"30h", "7d" (seconds below 2 minutes, minutes below 2 hours, hours
 *	below 2 days)
 *
 * Returns: the length written; -ENOBUFS when @len is too small.
 */
int shmkit_format_age(uint64_t seconds, char *buf, size_t len);

/* Flags for shmkit_format_escape(). */
#define SHMKIT_ESC_BLANK 0x1	/* also space and backslash (libsmartcols' raw output) */
#define SHMKIT_ESC_UTF8  0x2	/* only bytes that are not valid UTF-8 (JSON) */

/*
 * shmkit_format_escape:
 * @s: a name as the kernel or a process gave it: any bytes but NUL
 * @flags: 0 (control bytes and bytes above 0x7e), SHMKIT_ESC_BLANK or
 *	SHMKIT_ESC_UTF8
 * @buf, @len: where to write @s with each such byte as the four
 *	characters \xHH, so a hostile name cannot break a line, a
 *	field or a JSON document; shmkit_ref_unescape() reverses it
 *
 * Output that does not fit is cut before the first character or escape
 * that would leave fewer than 5 bytes free; it is always NUL-terminated
 * when @len > 0.
 *
 * Returns: the length written.
 */
size_t shmkit_format_escape(const char *s, unsigned flags, char *buf, size_t len);

/*
 * shmkit_format_holders:
 * @x, @n: holders of one segment (shmkit_holders_of())
 * @buf, @len: where to write them as "PID (COMM)" joined by ", ", each
 *	COMM escaped as shmkit_format_escape() with SHMKIT_ESC_BLANK does:
 *	"1234 (shmattach), 1240 (sleep)"; an empty string when @n is 0
 *
 * Output that does not fit is cut; it is always NUL-terminated when
 * @len > 0.
 *
 * Returns: the length written.
 */
size_t shmkit_format_holders(const struct shmkit_holder *x, size_t n, char *buf, size_t len);

/* ------------------------------------------------------------ caps.c */

/*
 * Capabilities: which one an operation needs, whether it is held, its name,
 * and dropping all others (our pledge).
 */

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

/* --------------------------------------------------------- newfile.c */

/*
 * A file replaced whole (shmls --output-file): written under a temporary
 * name in the same directory, then renamed over the old one, so that a
 * reader sees the old file or the new one, never a part.
 */

/*
 * shmkit_newfile_open:
 * @path: the file to replace (or create)
 * @out: the file being written
 *
 * Opens the directory of @path, so that the rename lands there even after
 * the caller enters another mount namespace, and creates ".BASE.XXXXXX" in
 * it: mode 0666 less the umask (0644 under the usual one, so that a
 * collector running as another user can read it), never through a symlink.
 *
 * Returns: 0; -EISDIR when @path ends in '/', "." or ".."; -ENOMEM; -errno
 * of open(2) (the directory, then the file).
 * Write through shmkit_newfile_fd(), then call shmkit_newfile_commit() or
 * shmkit_newfile_abort().
 */
int shmkit_newfile_open(const char *path, struct shmkit_newfile **out);

/* The descriptor to write the new contents to. */
int shmkit_newfile_fd(const struct shmkit_newfile *nf);

/*
 * shmkit_newfile_commit:
 * @nf: the file written
 *
 * fsync(2), close(2), then rename(2) over the path; on any failure the
 * temporary file is removed and the old file stays as it was. Frees @nf
 * either way.
 *
 * Returns: 0, or -errno of the step that failed (-ENOSPC, -EIO, ...).
 */
int shmkit_newfile_commit(struct shmkit_newfile *nf);

/* Removes the temporary file and frees @nf (NULL is fine); preserves errno. */
void shmkit_newfile_abort(struct shmkit_newfile *nf);

/* --------------------------------------------------------- reflist.c */

/*
 * A list of references from arguments or from standard input (shmrm -),
 * each with the text it came from, sorted and deduplicated.
 */

/*
 * struct shmkit_refent: one reference of a list. @text is what it was
 * read from, for messages: the argument, or the line of input with its
 * blanks trimmed and its \xNN escapes as written; @line is that line's
 * number (from 1), 0 for an entry added with shmkit_reflist_add(). @text
 * lives as long as the list.
 */
struct shmkit_refent {
	struct shmkit_ref ref;
	char *text;
	size_t line;
};

/*
 * shmkit_reflist_new:
 * @out: a new, empty list
 *
 * Returns: 0 or -ENOMEM. The caller frees *@out with shmkit_reflist_free().
 */
int shmkit_reflist_new(struct shmkit_reflist **out);

/*
 * shmkit_reflist_free:
 * @list: a list, or NULL
 *
 * Frees it, with every text it holds; preserves errno.
 */
void shmkit_reflist_free(struct shmkit_reflist *list);

/*
 * shmkit_reflist_add:
 * @list: the list
 * @ref: a parsed reference (shmkit_ref_parse())
 * @text: what it was parsed from, for messages; copied
 *
 * Appends @ref.
 *
 * Returns: 0 or -ENOMEM.
 */
int shmkit_reflist_add(struct shmkit_reflist *list, const struct shmkit_ref *ref,
		       const char *text);

/* Where shmkit_reflist_read() stopped; set only when it fails. */
struct shmkit_reflist_error {
	size_t line;		/* the line refused (from 1); 0 when no line was:
				   reading failed or memory ran out */
	const char *text;	/* that line as shmkit_refent.text would hold it,
				   living as long as the list; NULL when @line is
				   0 or the line holds a NUL byte */
};

/*
 * shmkit_reflist_read:
 * @list: the list to append to
 * @fd: input with one reference a line, as shmls --raw -o REF prints
 *	them: spaces and tabs before it and any blanks after it are ignored,
 *	and so are empty lines and lines that then start with '#'; each
 *	\xNN is decoded (shmkit_ref_unescape()) before shmkit_ref_parse()
 *	(flags 0) reads the line. The last line needs no newline.
 * @out: on failure, the line at fault
 *
 * Reads @fd to its end, appending each reference with its line number;
 * it stops at the first line refused. The lines before it stay in @list.
 * An interrupted read(2) is retried.
 *
 * Returns: 0; -EILSEQ for a line holding a NUL byte; -EINVAL or -ERANGE
 * for a line that is no reference, or whose escapes decode to a NUL;
 * -errno from ftok(3) for an ftok:PATH that cannot be used (all with
 * @out->line set); -ENOMEM; -errno from read(2) (both with @out->line 0).
 */
int shmkit_reflist_read(struct shmkit_reflist *list, int fd,
			struct shmkit_reflist_error *out);

/*
 * shmkit_reflist_dedup:
 * @list: the list
 *
 * Drops every reference that shmkit_ref_cmp() finds equal to an earlier
 * one, with its text; the rest keep their order.
 *
 * Returns: 0, or -ENOMEM with @list unchanged.
 */
int shmkit_reflist_dedup(struct shmkit_reflist *list);

/*
 * shmkit_reflist_all:
 * @list: the list
 * @out: its first entry, in the order added; valid until @list changes
 *
 * Returns: how many entries there are.
 */
size_t shmkit_reflist_all(const struct shmkit_reflist *list,
			  const struct shmkit_refent **out);

/* -------------------------------------------------------------- ns.c */

/*
 * Entering another process's IPC and mount namespaces (--target).
 */

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

/*
 * shmkit_ns_cap_missing:
 *
 * Says which capability a -EPERM from shmkit_ns_enter() was about.
 *
 * Returns: the first of those it needs, CAP_SYS_ADMIN then CAP_SYS_CHROOT,
 * that this process does not hold (or whose state cannot be read); -ENOENT
 * when it holds both.
 */
int shmkit_ns_cap_missing(void);

/* ---------------------------------------------------------- cgroup.c */

/*
 * Which container a process belongs to, from the names its container
 * runtime gives its cgroups.
 */

/*
 * shmkit_cgroup_owner:
 * @text: the contents of /proc/PID/cgroup: every line is read, so that
 *	cgroup v2 ("0::/path"), v1 and the hybrid layout (v2 mounted at
 *	/sys/fs/cgroup/unified beside v1 hierarchies) all work
 * @buf, @len: where to write the id found, "" when none
 *
 * Recognises docker-ID.scope and /docker/ID (Docker), cri-containerd-ID.scope
 * (containerd), crio-ID.scope (CRI-O), libpod-ID.scope (Podman), IDs being
 * 12 to 128 hex digits; a Kubernetes pod, kubepods...-podUID.slice (its
 * underscores given back as dashes) or kubepods/.../podUID/, wins over the
 * container in it, since the pod's containers share one IPC namespace;
 * else the last NAME.service or NAME.scope, a systemd unit. The most
 * specific of all lines wins.
 *
 * Returns: the enum shmkit_owner_kind found (SHMKIT_OWNER_NONE with @buf
 * empty when none); -ENOBUFS when @len is 0.
 */
int shmkit_cgroup_owner(const char *text, char *buf, size_t len);

/*
 * shmkit_cgroup_owner_at:
 * @pidfd: a directory fd of /proc/PID
 * @buf, @len: as for shmkit_cgroup_owner()
 *
 * Returns: as shmkit_cgroup_owner(), or -errno when the file cannot be
 * opened (-ENOENT: the process has exited).
 */
int shmkit_cgroup_owner_at(int pidfd, char *buf, size_t len);

/* ------------------------------------------------------------ lock.c */

/*
 * The lock protocol shmwrite and shmread share, so that a reader never sees
 * half of a write; documented in shmkit(7) for other programs.
 */

/*
 * The shmkit lock (shmkit(7) documents it for other programs): readers
 * share it, a writer holds it alone, and it dies with its holder, since it
 * is made of OFD locks (fcntl(2) F_OFD_SETLK). POSIX objects are locked on
 * their own fd; SysV segments on two bytes of the /dev/shm directory
 * chosen by the shmid. Nothing is created, so nothing is left behind for
 * shmkit_remove() to clean up, and read-only users create nothing.
 */
#define SHMKIT_LOCK_READ  1
#define SHMKIT_LOCK_WRITE 2

/*
 * shmkit_seg_lock:
 * @seg: an open segment (a write lock needs a read-write open)
 * @how: SHMKIT_LOCK_READ or SHMKIT_LOCK_WRITE
 * @timeout_ms: how long to wait; -1 waits forever, 0 tries once
 *
 * An unattached POSIX segment's size is read again once the lock is held.
 *
 * Returns: 0; -ETIMEDOUT; -EBUSY when already locked; -EBADF for a write
 * lock on a read-only open; -errno (SysV: when /dev/shm cannot be opened).
 */
int shmkit_seg_lock(struct shmkit_seg *seg, unsigned how, long timeout_ms);

/*
 * shmkit_seg_unlock:
 * @seg: a segment
 *
 * Waits until a pipe given page references by shmkit_seg_copy_out() has
 * been read empty (or lost its reader), then releases the lock if held.
 * shmkit_seg_close() does the same.
 *
 * Returns: 0, or -errno from watching the pipe.
 */
int shmkit_seg_unlock(struct shmkit_seg *seg);

/*
 * shmkit_seg_lock_holder:
 * @seg: a segment whose lock could not be had
 * @how: the lock that was asked for
 * @out: a process holding a conflicting lock
 *
 * OFD locks carry no pid, so this looks for the lock in /proc/PID/fdinfo
 * of every process: it finds holders in this PID namespace whose fdinfo is
 * readable (other users' need privilege).
 *
 * Returns: 0; -ESRCH when none was found; -errno.
 */
int shmkit_seg_lock_holder(const struct shmkit_seg *seg, unsigned how, pid_t *out);

/* ---------------------------------------------------------- limits.c */

/*
 * The kernel's shared-memory limits (kernel.shm*, per IPC namespace) and the
 * size of /dev/shm.
 */

/*
 * struct shmkit_limits: the kernel limits on shared memory of the current
 * IPC namespace and the size of the /dev/shm filesystem. Plain data.
 * A limit that could not be read has its bit clear in @have.
 */
#define SHMKIT_LIM_SHMMAX  0x01
#define SHMKIT_LIM_SHMALL  0x02
#define SHMKIT_LIM_SHMMNI  0x04
#define SHMKIT_LIM_RMID    0x08	/* shm_rmid_forced */
#define SHMKIT_LIM_SHMFS   0x10	/* shmfs_* (statvfs of /dev/shm) */
#define SHMKIT_LIM_SYSV    0x20	/* sysv_* (shmctl SHM_INFO) */
struct shmkit_limits {
	unsigned have;
	uint64_t shmmax;	/* bytes, largest segment */
	uint64_t shmall;	/* pages, all segments together */
	uint64_t shmmni;	/* segments */
	uint64_t rmid_forced;	/* 0 or 1 */
	uint64_t page_size;	/* bytes per shmall page */
	uint64_t shmfs_size, shmfs_used, shmfs_avail;	/* bytes */
	uint64_t shmfs_files, shmfs_ffree;	/* inodes */
	uint64_t sysv_ids;	/* segments in use */
	uint64_t sysv_pages;	/* pages allocated, as shmall counts them */
	uint64_t sysv_rss, sysv_swap;	/* pages resident and swapped */
};

/*
 * shmkit_limits_read:
 * @out: the limits; fields that could not be read are left 0 and their
 *	bit clear in @out->have
 *
 * Reads /proc/sys/kernel/shm{max,all,mni,_rmid_forced}, shmctl(SHM_INFO)
 * and statvfs(3) of /dev/shm.
 *
 * Returns: 0, or -ENOENT when nothing at all could be read.
 */
int shmkit_limits_read(struct shmkit_limits *out);

/*
 * shmkit_shmfs_inodes:
 * @out: how many inodes the /dev/shm filesystem has in use: its root, every
 *	file, directory and link, and every unlinked file that a process
 *	still holds. One statvfs(2), so a caller can tell cheaply whether
 *	unlinked objects may exist before scanning processes for them.
 *
 * Returns: 0; -ENOENT when /dev/shm does not exist; -EOPNOTSUPP when the
 * filesystem does not count inodes (tmpfs with nr_inodes=0); -errno.
 */
int shmkit_shmfs_inodes(uint64_t *out);

/* ------------------------------------------------------------- seg.c */

/*
 * Live segments of either kind behind one opaque handle: create, open,
 * attach, detach, lock in memory, remove what was just made, close.
 */

/* Flags for shmkit_seg_create(). */
#define SHMKIT_CREATE_REUSE 0x1	/* an existing one of at least size is fine */
#define SHMKIT_CREATE_HUGETLB 0x2	/* SysV only: SHM_HUGETLB pages */

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

/* shmkit_seg_size: the segment's size in bytes, as seen at open. */
size_t shmkit_seg_size(const struct shmkit_seg *seg);

/*
 * shmkit_seg_ref: the canonical reference of @seg: for SysV always
 * SHMKIT_BY_ID (so a segment opened or created by key reports its shmid),
 * for POSIX SHMKIT_BY_NAME.
 */
const struct shmkit_ref *shmkit_seg_ref(const struct shmkit_seg *seg);

/*
 * shmkit_seg_populate:
 * @seg: an attached segment
 *
 * Allocates and maps every page now (MADV_POPULATE_WRITE, or _READ for a
 * read-only mapping; a POSIX object gets fallocate(2) first), so that later
 * writes cannot fail for want of memory or space.
 *
 * Returns: 0; -ENOSPC; -ENOMEM; -errno.
 */
int shmkit_seg_populate(struct shmkit_seg *seg);

/*
 * shmkit_seg_memlock:
 * @seg: a segment; POSIX objects must be attached
 * @limit: optional; set to RLIMIT_MEMLOCK in bytes (UINT64_MAX: none)
 *
 * SysV: shmctl(SHM_LOCK), which lasts until SHM_UNLOCK or removal. POSIX:
 * mlock(2) of the mapping, which lasts while it is mapped.
 *
 * Returns: 0; -EPERM (no CAP_IPC_LOCK, and RLIMIT_MEMLOCK is 0 or the
 * caller does not own the SysV segment); -ENOMEM (RLIMIT_MEMLOCK is too
 * small); -errno.
 */
int shmkit_seg_memlock(struct shmkit_seg *seg, uint64_t *limit);

/*
 * shmkit_seg_memunlock:
 * @seg: a segment locked with shmkit_seg_memlock()
 *
 * Returns: 0 or -errno.
 */
int shmkit_seg_memunlock(struct shmkit_seg *seg);

/*
 * shmkit_seg_remove:
 * @seg: an open segment
 *
 * Removes the segment @seg names: SysV IPC_RMID on its shmid (gone at the
 * last detach), POSIX the name, when it still leads to the object @seg has
 * open. No check whether anything else holds it: for undoing what the
 * caller has just created (shmkit_remove_checked() is the removal with
 * every check). @seg stays open.
 *
 * Returns: 0; -ENOENT when already gone or the name now leads elsewhere;
 * -EPERM or -EACCES when the caller may not remove it.
 */
int shmkit_seg_remove(struct shmkit_seg *seg);

/* --------------------------------------------------------- holders.c */

/*
 * Who holds what: one pass over /proc/PID/maps and /proc/PID/fd, matched by
 * device and inode (POSIX) or shmid (SysV), with what could not be read.
 */

/*
 * shmkit_holders_scan:
 * @procfd: a directory fd of /proc (see shmkit_ns_enter()), or -1 for ours
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
 * shmkit_holders_scan_pid:
 * @procfd: a directory fd of /proc (see shmkit_ns_enter()), or -1
 * @pid: the one process to examine
 * @out: the snapshot, holding only what @pid holds
 *
 * Returns: 0; -ESRCH when there is no such process; -EACCES when its maps
 * or fds may not be read; -ENOMEM. The caller frees *@out with
 * shmkit_holders_free().
 */
int shmkit_holders_scan_pid(int procfd, pid_t pid, struct shmkit_holders **out);

/*
 * shmkit_proc_cmdline:
 * @procfd: a directory fd of /proc, or -1 for "/proc"
 * @pid: a process
 * @buf, @len: where to write its command line, arguments joined by
 *	spaces and cut to @len - 1 bytes; "[NAME]" when it has none
 *	(kernel threads, zombies)
 *
 * Returns: 0; -ESRCH when there is no such process (any more); -EINVAL
 * when @len is below 2; -errno.
 */
int shmkit_proc_cmdline(int procfd, pid_t pid, char *buf, size_t len);

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
 * shmkit_holders_unreadable:
 * @h: a snapshot
 *
 * Returns: how many processes could not be examined (not permitted), so
 * that a caller can say the holder information is incomplete instead of
 * reporting "none". Processes that exited during the scan do not count.
 */
size_t shmkit_holders_unreadable(const struct shmkit_holders *h);

/* How many of the processes that could not be examined are named. */
#define SHMKIT_UNREADABLE_MAX 8

/*
 * struct shmkit_unreadable: a process the scan could not examine. @err is
 * the errno that stopped it (EACCES: not permitted, as under hidepid or
 * for a process that is not dumpable; ENOMEM: caught in exec or exit);
 * @comm is its command name, empty when that could not be read either.
 */
struct shmkit_unreadable {
	pid_t pid;
	int err;
	char comm[16];
};

/*
 * shmkit_holders_unreadable_list:
 * @h: a snapshot
 * @out: the first processes that could not be examined, in /proc's order;
 *	they live as long as @h
 *
 * Returns: how many are in *@out: at most SHMKIT_UNREADABLE_MAX of the
 * shmkit_holders_unreadable() in all.
 */
size_t shmkit_holders_unreadable_list(const struct shmkit_holders *h,
				      const struct shmkit_unreadable **out);

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

/* -------------------------------------------------------------- io.c */

/*
 * Bytes between a file descriptor and a segment, at memory speed, without
 * SIGBUS on a full /dev/shm and without half-written results.
 */

/*
 * shmkit_seg_pread:
 * @seg: an open segment (POSIX: attached or not; SysV: attached)
 * @buf, @len, @offset: like pread(2)
 *
 * POSIX objects are read through their fd, so one that shrinks meanwhile
 * gives a short count instead of SIGBUS.
 *
 * Returns: the bytes copied (short only at the end of the object), or
 * -errno.
 */
ssize_t shmkit_seg_pread(struct shmkit_seg *seg, void *buf, size_t len,
			 size_t offset);

/*
 * shmkit_seg_copy_out:
 * @seg: an open segment (POSIX: attached or not; SysV: attached)
 * @fd: where bytes go
 * @offset, @length: the range
 * @out: optional; bytes delivered
 *
 * The fast path of shmread: POSIX objects go through their fd (splice(2)
 * into a pipe, sendfile(2) into a regular file, pread(2) and write(2)
 * otherwise), SysV segments through the mapping (vmsplice(2) into a pipe,
 * write(2) otherwise). A pipe is enlarged to 1 MiB when allowed. Pages
 * handed to a pipe by reference are kept consistent by the lock:
 * shmkit_seg_unlock() waits until the pipe has been read empty.
 *
 * Returns: 0; -EINVAL when the range is not inside the segment;
 * -SHMKIT_ESHRUNK when a POSIX object ended early; -errno from the
 * output (-EPIPE when the reader went away).
 */
int shmkit_seg_copy_out(struct shmkit_seg *seg, int fd, size_t offset,
			size_t length, size_t *out);

/*
 * struct shmkit_progress: the bytes a copy has moved so far, for a display
 * in another thread (atomic_load() it). shmkit_write_fd() (through
 * shmkit_write_opts.progress) and shmkit_seg_copy_out() (through
 * shmkit_seg_set_progress()) add to it as they go, in steps of at most
 * SHMKIT_PROGRESS_STEP bytes; without one they take the largest steps.
 */
struct shmkit_progress {
	_Atomic uint64_t done;
};
#define SHMKIT_PROGRESS_STEP ((size_t)64 << 20)

/*
 * shmkit_seg_set_progress:
 * @seg: an open segment
 * @p: where shmkit_seg_copy_out() counts its bytes, or NULL
 */
void shmkit_seg_set_progress(struct shmkit_seg *seg, struct shmkit_progress *p);

/* Flags for struct shmkit_write_opts. */
#define SHMKIT_WRITE_CREATE 0x1	/* create the segment when it is missing */
#define SHMKIT_WRITE_GROW   0x2	/* POSIX: extend the object to fit */
#define SHMKIT_WRITE_NUL    0x4	/* write a NUL after the data */
#define SHMKIT_WRITE_NOLOCK 0x8	/* do not take the shmkit lock */

/* What shmkit_write_fd() should do. Zero-initialise, then set. */
struct shmkit_write_opts {
	size_t offset;		/* where in the segment to start */
	size_t size;		/* SysV creation: the size; 0 = offset + input */
	mode_t mode;		/* permission bits of a segment this call creates */
	unsigned flags;		/* SHMKIT_WRITE_* */
	long wait_ms;		/* longest wait for the lock; -1 = forever */
	struct shmkit_progress *progress;	/* counts the bytes as they go, or NULL */
};

/* What shmkit_write_fd() did; filled on success and on failure. */
struct shmkit_write_result {
	size_t done;		/* input bytes written, not counting the NUL */
	uint64_t input;		/* input length when known up front (a regular
				   file), else UINT64_MAX */
	size_t size;		/* the segment's size, after any growth */
	int created;		/* 1 when this call created the segment (on
				   failure it has been removed again) */
	int input_errno;	/* nonzero when reading the input failed */
	pid_t holder;		/* -ETIMEDOUT: a process holding the lock, or 0 */
	struct shmkit_ref ref;	/* the segment's canonical reference */
};

/*
 * shmkit_write_fd:
 * @ref: the segment (with SHMKIT_WRITE_CREATE also a key, "private" is
 *	refused, or a name)
 * @fd: the input: a regular file (from its current position), pipe,
 *	socket, terminal or device
 * @opts: what to do
 * @out: what was done
 *
 * Takes the write lock (shmkit(7)) unless SHMKIT_WRITE_NOLOCK, then
 * reserves the room before the first byte is written: input of known
 * length must fit (growing or creating the segment as asked) and its range
 * is allocated with fallocate(2) (POSIX) or MADV_POPULATE_WRITE (SysV), so
 * a full tmpfs gives -ENOSPC and leaves the segment as it was. A POSIX
 * object created from a stream grows as input arrives; any failure
 * removes a segment this call created. Data goes to POSIX objects through
 * their fd (sendfile(2), splice(2)), to SysV through the mapping.
 *
 * Returns: 0; -ENOENT without SHMKIT_WRITE_CREATE; -SHMKIT_ENOFIT when
 * input of known length does not fit (nothing written); -SHMKIT_EPASTEND;
 * -EFBIG when a stream held more than the room (the first out->done bytes
 * were written); -ENOSPC; -ETIMEDOUT when the lock was not had in time;
 * -EINVAL for SysV creation from a stream without opts->size; creation
 * errors as for shmkit_seg_create(); -errno of the input with
 * out->input_errno set.
 */
int shmkit_write_fd(const struct shmkit_ref *ref, int fd,
		    const struct shmkit_write_opts *opts,
		    struct shmkit_write_result *out);

/* ------------------------------------------------------------ list.c */

/*
 * Snapshots of both kinds, one or all, and the filters that shmls and shmrm
 * select with, so that what one lists the other removes.
 */

/*
 * shmkit_list_at:
 * @procfd: a directory fd of /proc, opened before shmkit_ns_enter(), so
 *	that SysV creator and last PIDs are those of the caller's PID
 *	namespace; -1 behaves as shmkit_list()
 * @kinds, @out, @n: as for shmkit_list()
 *
 * Returns: as shmkit_list().
 */
int shmkit_list_at(int procfd, unsigned kinds, struct shmkit_info **out,
		   size_t *n);

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
 * shmkit_info_ref:
 * @info: a segment
 * @out: its canonical reference, as shmls prints it in the REF column:
 *	SHMKIT_BY_ID for SysV (the key is kept too), SHMKIT_BY_NAME for
 *	POSIX; shmkit_ref_format() writes it, shmkit_stat() finds it again
 */
void shmkit_info_ref(const struct shmkit_info *info, struct shmkit_ref *out);

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
	const struct shmkit_holders *held_by;	/* only segments a process in this
						   snapshot holds (shmkit_holders_scan_pid()) */
};

/*
 * shmkit_info_age:
 * @info: a segment
 * @now: the current time, seconds since the epoch
 *
 * Returns: seconds since the segment was last used: the newest of ctime,
 * atime and dtime for SysV, mtime (the last write) for POSIX (reading a
 * POSIX object through a mapping leaves no trace, and its ctime changes
 * with chmod and cannot be set back); 0 when that is in the future
 * or when no time is known at all.
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

/* ---------------------------------------------------------- nsscan.c */

/*
 * Every namespace at once (shmls -A): one pass over /proc finds each pair
 * of IPC and mount namespaces that has a process, the /dev/shm it sees,
 * its container, and what every process holds.
 */

/*
 * shmkit_nsscan_run:
 * @procfd: a directory fd of /proc, or -1 for "/proc"
 * @out: the scan
 *
 * For every process: stat(2) of /proc/PID/ns/ipc and ns/mnt (their inodes),
 * of /proc/PID/root/dev/shm (its device), its cgroup while its namespaces
 * have no container found yet (shmkit_cgroup_owner_at()), and its maps and
 * fds as shmkit_holders_scan() reads them, SysV holders tagged with their
 * IPC namespace. The caller's own namespaces come first, the others in the
 * order of their lowest PID. A process whose namespaces cannot be read
 * (another user's, without CAP_SYS_PTRACE) counts as one that could not be
 * examined, in the holder snapshot; one that exits meanwhile, not at all.
 *
 * Returns: 0; -ENOMEM; -errno when /proc cannot be read. The caller frees
 * *@out with shmkit_nsscan_free().
 */
int shmkit_nsscan_run(int procfd, struct shmkit_nsscan **out);

/*
 * shmkit_nsscan_list:
 * @s: a scan
 * @out: the namespace pairs found; valid while @s lives
 *
 * Returns: how many.
 */
size_t shmkit_nsscan_list(const struct shmkit_nsscan *s, const struct shmkit_nsinfo **out);

/*
 * shmkit_nsscan_holders:
 * @s: a scan
 *
 * Returns: the holders of every namespace, valid while @s lives. Use it for
 * shmkit_holders_unreadable() and friends; it matches SysV holders of
 * every IPC namespace at once, so give shmkit_holders_of() the snapshot of
 * one namespace instead (shmkit_nsall_rows() does).
 */
const struct shmkit_holders *shmkit_nsscan_holders(const struct shmkit_nsscan *s);

/*
 * shmkit_nsscan_unreadable:
 * @s: a scan
 *
 * Returns: how many processes' namespaces could not be read (not
 * permitted: another user's process without CAP_SYS_PTRACE), so that the
 * namespaces they alone are in are missing from the scan.
 */
size_t shmkit_nsscan_unreadable(const struct shmkit_nsscan *s);

/*
 * shmkit_nsscan_free:
 * @s: a scan, or NULL
 *
 * Frees it; preserves errno.
 */
void shmkit_nsscan_free(struct shmkit_nsscan *s);

/* ---------------------------------------------------------- remove.c */

/*
 * The one removal decision for both kinds: held? dry run? remove, keep or
 * refuse, checked again right before acting.
 */

/* Flags for shmkit_remove_checked(). */
#define SHMKIT_RM_FORCE  0x1	/* remove even when held */
#define SHMKIT_RM_DRYRUN 0x2	/* check everything, change nothing */

/*
 * shmkit_remove_checked:
 * @info: the segment, a snapshot from shmkit_list_at() or shmkit_stat()
 * @h: a holder snapshot taken after @info, or NULL; for POSIX it names
 *	holders, and decides alone only where the kernel cannot be asked
 * @flags: SHMKIT_RM_FORCE, SHMKIT_RM_DRYRUN or 0
 * @nattch: optional; SysV: the attachments the kernel counted right before
 *	the removal (0 for POSIX)
 *
 * The removal shmrm does: right before acting it checks again that the
 * segment is still the one @info describes and that nothing holds it.
 * SysV: IPC_STAT on the shmid (same creator, same key unless marked for
 * removal) gives nattch, then IPC_RMID; a held segment is only marked for
 * removal. POSIX with no holder in @h: a write lease (granted only while
 * no other open file description exists; to the owner or CAP_LEASE) is
 * the check, and the object is moved to a private name and unlinked under
 * it, or put back when an open raced in (see shmrm(1)). Where no lease can
 * be had, or with SHMKIT_RM_FORCE, @h decides (by device and inode), then
 * fstatat(2) without following symlinks must find the same regular file,
 * then unlink(2). With SHMKIT_RM_DRYRUN every check runs, permission is
 * judged by shmkit_may_remove() and nothing changes.
 *
 * Returns: 0 removed, nothing held it; 1 removed although held (with
 * SHMKIT_RM_FORCE: SysV marked for removal, POSIX unlinked while mapped or
 * open; without: an open arrived in the last window under the lease);
 * -EBUSY held, not removed; -EAGAIN a POSIX object that no lease could be
 * had for and no holder was found for while @h is NULL or incomplete, not
 * removed; -ENOENT gone, or replaced by another segment; -SHMKIT_ENOTSHM
 * the name is no longer a regular file; -EPERM or -EACCES not allowed
 * (also for a held segment the caller could not remove anyway: refused as
 * such, not as held).
 */
int shmkit_remove_checked(const struct shmkit_info *info,
			  const struct shmkit_holders *h, unsigned flags,
			  uint64_t *nattch);

/*
 * shmkit_may_remove:
 * @info: a segment
 *
 * The kernel's rule, checked without trying: a SysV segment may be removed
 * by its owner, its creator or a holder of CAP_SYS_ADMIN; a POSIX object
 * by whoever may write to /dev/shm and, the directory being sticky, owns
 * the object or /dev/shm or holds CAP_FOWNER.
 *
 * Returns: 1 when the caller may remove @info, else 0.
 */
int shmkit_may_remove(const struct shmkit_info *info);

/*
 * shmkit_remove_fn: told about each segment shmkit_remove_matching() acted
 * on: @rc and @nattch as shmkit_remove_checked() would return and set.
 */
typedef void (*shmkit_remove_fn)(const struct shmkit_info *info, int rc,
				 uint64_t nattch, void *payload);

/*
 * shmkit_remove_matching:
 * @f: which segments (shmkit_filter_match(), the code shmls filters with)
 * @h: a holder snapshot, or NULL (then no POSIX object is shown unheld)
 * @now: the current time, for @f->older_than
 * @flags: SHMKIT_RM_FORCE, SHMKIT_RM_DRYRUN or 0
 * @fn, @payload: called once for every segment that matches @f
 *
 * Removes every segment @f selects from the listing shmls shows
 * (shmkit_list_at() in our namespaces, then shmkit_filter_match()), each
 * checked again and removed by shmkit_remove_checked(), in the listing's
 * order: SysV by shmid, then POSIX by name. Symlinks, directories, FIFOs
 * and sem.* are never touched. With
 * @f->orphans, a POSIX object that passes every other test but whose
 * holders cannot all be known is reported with -EAGAIN (-EPERM when the
 * caller could not remove it anyway) and left alone.
 *
 * Returns: 0, or -errno when a kind could not be listed at all (-ENOMEM).
 */
int shmkit_remove_matching(const struct shmkit_filter *f,
			   const struct shmkit_holders *h, int64_t now,
			   unsigned flags, shmkit_remove_fn fn, void *payload);

/* --------------------------------------------------------- columns.c */

/*
 * The columns of shmls: names, help, flags, and the text of each cell.
 */

/* The columns shmls can show, in the order --list-columns prints them. */
enum shmkit_col {
	SHMKIT_COL_REF, SHMKIT_COL_KIND, SHMKIT_COL_KEY, SHMKIT_COL_ID,
	SHMKIT_COL_NAME, SHMKIT_COL_OWNER, SHMKIT_COL_PERMS, SHMKIT_COL_SIZE,
	SHMKIT_COL_NATTCH, SHMKIT_COL_STATUS, SHMKIT_COL_CTIME, SHMKIT_COL_ATIME,
	SHMKIT_COL_DTIME, SHMKIT_COL_MTIME, SHMKIT_COL_CPID, SHMKIT_COL_LPID,
	SHMKIT_COL_COMMAND, SHMKIT_COL_CUID, SHMKIT_COL_CUSER, SHMKIT_COL_CGID,
	SHMKIT_COL_CGROUP, SHMKIT_COL_UID, SHMKIT_COL_USER, SHMKIT_COL_GID,
	SHMKIT_COL_GROUP, SHMKIT_COL_RSS, SHMKIT_COL_SWAP, SHMKIT_COL_HOLDERS,
	SHMKIT_COL_PIDS, SHMKIT_COL_AGE, SHMKIT_COL_ORPHAN,
	SHMKIT_COL_IPCNS, SHMKIT_COL_SHMFS, SHMKIT_COL_CONTAINER, SHMKIT_COL_NSPID,
	SHMKIT_COL_COUNT
};

/* Bits of shmkit_column.flags. */
#define SHMKIT_COLF_RIGHT      0x01	/* right-aligned */
#define SHMKIT_COLF_TRUNC      0x02	/* may be cut to fit a terminal */
#define SHMKIT_COLF_NOEXTREMES 0x04	/* unusually long cells do not widen it */
#define SHMKIT_COLF_NUMBER     0x08	/* a number (in JSON and for sorting) */
#define SHMKIT_COLF_BOOL       0x10	/* a boolean in JSON, null when unknown */
#define SHMKIT_COLF_HOLDERS    0x20	/* needs a holder snapshot */
#define SHMKIT_COLF_CMDLINE    0x40	/* reads /proc/CPID/cmdline */

/* struct shmkit_column: how one column is named, labelled and shown. */
struct shmkit_column {
	const char *name;	/* "SIZE": heading, -o and --sort name */
	const char *label;	/* "Size": for "Label: value" output */
	const char *help;	/* one line for --list-columns */
	unsigned width;		/* width hint for tables */
	unsigned flags;		/* SHMKIT_COLF_* */
};

/*
 * shmkit_column_get:
 * @col: an enum shmkit_col value
 *
 * Returns: the column's description, static and constant; NULL when @col
 * is out of range.
 */
const struct shmkit_column *shmkit_column_get(int col);

/*
 * shmkit_column_find:
 * @name, @len: a column name (not NUL-terminated), in any case
 *
 * Returns: its enum shmkit_col value; -ENOENT when there is none.
 */
int shmkit_column_find(const char *name, size_t len);

/* struct shmkit_cols: a list of columns, each at most once. Plain data. */
struct shmkit_cols {
	int v[SHMKIT_COL_COUNT];
	size_t n;
};

/*
 * shmkit_cols_add:
 * @set: the list
 * @col: an enum shmkit_col value; nothing happens when already there
 */
void shmkit_cols_add(struct shmkit_cols *set, int col);

/*
 * shmkit_cols_parse:
 * @list: column names separated by commas (empty items are skipped, a
 *	repeated one counts once); a leading '+' appends them to @set,
 *	otherwise they replace it
 * @set: the list to change
 * @bad: on -ENOENT, the offset in @list of the unknown name, which runs
 *	to the next comma or the end
 *
 * Returns: 0; -ENOENT for an unknown name; -EINVAL when no column would
 * be left. On failure @set is untouched.
 */
int shmkit_cols_parse(const char *list, struct shmkit_cols *set, size_t *bad);

/* Flags for shmkit_cols_preset(); 0 picks the default set. */
#define SHMKIT_COLS_TIMES   0x1	/* REF, KIND and the times (shmls -t) */
#define SHMKIT_COLS_CREATOR 0x2	/* REF, KIND, the creator and owner (shmls -c) */

/*
 * shmkit_cols_preset:
 * @which: SHMKIT_COLS_TIMES, SHMKIT_COLS_CREATOR, both, or 0 for what shmls
 *	shows by default: REF KIND KEY OWNER PERMS SIZE NATTCH STATUS CTIME
 * @out: the list, replaced by that set; with both flags REF and KIND come
 *	first, then the creator and owner columns, then the times
 */
void shmkit_cols_preset(unsigned which, struct shmkit_cols *out);

/*
 * shmkit_cols_flags:
 * @set: a list of columns
 *
 * Returns: the SHMKIT_COLF_* flags of all its columns or'ed together, so
 * that SHMKIT_COLF_HOLDERS says whether a holder snapshot is needed.
 */
unsigned shmkit_cols_flags(const struct shmkit_cols *set);

/*
 * shmkit_idnames_new:
 * @out: an empty cache of the last few uid and gid lookups (glibc reads
 *	/etc/passwd again for each one), for shmkit_cell_opts.names
 *
 * Returns: 0 or -ENOMEM. The caller frees *@out with shmkit_idnames_free().
 */
int shmkit_idnames_new(struct shmkit_idnames **out);

/*
 * shmkit_idnames_free:
 * @names: a cache, or NULL
 *
 * Frees it; preserves errno.
 */
void shmkit_idnames_free(struct shmkit_idnames *names);

/*
 * struct shmkit_row: one segment and what a holder snapshot says about it.
 * Plain data; @holders points into the snapshot and lives as long as it.
 */
struct shmkit_row {
	struct shmkit_info info;
	const struct shmkit_holder *holders;	/* sorted by pid */
	size_t nholders;
	int incomplete;	/* not every process could be examined for it */
	int orphan;	/* as shmkit_info_orphan() returns */
	const struct shmkit_nsinfo *ns;	/* shmls -A: where it was found; NULL
					   otherwise; lives as long as the rows */
};

/*
 * shmkit_row_set_holders:
 * @row: a row whose @info is set and the rest zero
 * @h: a holder snapshot, or NULL (then only @orphan is set)
 *
 * Fills in @holders, @nholders, @incomplete and @orphan.
 */
void shmkit_row_set_holders(struct shmkit_row *row, const struct shmkit_holders *h);

/* Bits of shmkit_cell_opts.flags. */
#define SHMKIT_CELL_EXACT 0x1	/* sizes and ages as plain numbers */
#define SHMKIT_CELL_JSON  0x2	/* unknown holder counts and orphan states
				   stay empty (null) instead of "3+" and "?" */

/* struct shmkit_cell_opts: how shmkit_cell_format() writes a cell. */
struct shmkit_cell_opts {
	unsigned flags;			/* SHMKIT_CELL_* */
	enum shmkit_time_style time;
	int64_t now;			/* for AGE */
	int procfd;			/* /proc for COMMAND, or -1 */
	const struct shmkit_holders *h;	/* NULL: holder columns stay empty */
	struct shmkit_idnames *names;	/* a name cache, or NULL for none */
};

/*
 * shmkit_cell_format:
 * @o: how to write it
 * @row: the segment
 * @col: an enum shmkit_col value
 * @buf, @len: where to write the cell's text (cut to fit, NUL-terminated)
 *
 * Names are written as they are: escape them for the output at hand
 * (shmkit_format_escape()).
 *
 * Returns: 1 when @buf holds the text; 0 when the segment has no such
 * field (a SysV key for a POSIX object, the holders without a snapshot),
 * so that it stays empty, or null in JSON, rather than a fake 0.
 */
int shmkit_cell_format(const struct shmkit_cell_opts *o, const struct shmkit_row *row,
		       int col, char *buf, size_t len);

/*
 * shmkit_row_cmp:
 * @o: as for shmkit_cell_format(); the comparison uses exact numbers and
 *	ISO times whatever @o says
 * @col: the column to sort by, or -1 for the listing order (SysV by id,
 *	then POSIX by name)
 * @a, @b: two rows
 *
 * Numbers compare as numbers, other text bytewise, REF by kind then id or
 * name; empty cells come last.
 *
 * Returns: less than, equal to or greater than 0, as for qsort(3).
 */
int shmkit_row_cmp(const struct shmkit_cell_opts *o, int col, const struct shmkit_row *a,
		   const struct shmkit_row *b);

/*
 * shmkit_rows_sort:
 * @o, @col: as for shmkit_row_cmp()
 * @rows, @n: the rows to sort in place
 *
 * Sorts with qsort(3), so rows that compare equal keep no particular order.
 */
void shmkit_rows_sort(const struct shmkit_cell_opts *o, int col, struct shmkit_row *rows,
		      size_t n);

/* ------------------------------------------------------------ rows.c */

/*
 * What shmls lists: one row per object, with its holders, and the objects
 * that are unlinked but still held in their places.
 */

/* Flags for shmkit_rows_list(). */
#define SHMKIT_ROWS_HOLDERS 0x1	/* give each row its holders (scans every process) */

/*
 * struct shmkit_rows_notes: what shmkit_rows_list() could not do, short of
 * failing. Each is 0 when all went well.
 */
struct shmkit_rows_notes {
	int list_rc;	/* why the segments could not be listed (-errno); only
			   unlinked objects still held may then have rows */
	int shmfs_rc;	/* -ENOENT: POSIX objects were to be listed, but
			   /dev/shm does not exist */
	int scan_rc;	/* with SHMKIT_ROWS_HOLDERS: why the processes could
			   not be examined; the rows then have no holders */
};

/*
 * struct shmkit_rows: segments, one row each, as shmkit_rows_list() found
 * them. Plain data, owned by the caller: free it with shmkit_rows_free().
 */
struct shmkit_rows {
	struct shmkit_row *v;
	size_t n;
	struct shmkit_holders *h;	/* with SHMKIT_ROWS_HOLDERS, the snapshot
					   the rows' holders point into (NULL when
					   it could not be taken); freed with it */
	int *ref_rc;	/* for each reference given: 0 when it was found
			   (whether or not it has a row), else why
			   shmkit_stat() failed; NULL when none was given */
};

/*
 * shmkit_rows_list:
 * @procfd: a directory fd of /proc (see shmkit_ns_enter()), or -1
 * @f: without @refs, which segments: every one of @f->kinds (0 or a NULL
 *	@f meaning both) that passes shmkit_filter_match(); with @refs, only
 *	@f->held_by applies
 * @refs, @nrefs: the segments to show, in this order; with @nrefs 0, every
 *	segment is listed instead
 * @now: the current time, for @f->older_than
 * @flags: SHMKIT_ROWS_HOLDERS or 0
 * @notes: optional; set, on success and on failure, to what went wrong
 *	on the way
 * @out: the rows
 *
 * What shmls shows. A listing comes in listing order (SysV by id, then
 * POSIX by name), the unlinked POSIX objects that a process still holds
 * included (shmkit_holders_deleted() of @f->held_by when set). Every
 * process is scanned (shmkit_holders_scan()) for SHMKIT_ROWS_HOLDERS or
 * @f->orphans, and otherwise only to find unlinked objects, when /dev/shm
 * has inodes beyond its root and the objects listed, or cannot tell. Rows
 * are copies: only their holders point into @out->h.
 *
 * Returns: 0, or -ENOMEM (*@out untouched). The caller frees *@out with
 * shmkit_rows_free().
 */
int shmkit_rows_list(int procfd, const struct shmkit_filter *f, const struct shmkit_ref *refs,
		     size_t nrefs, int64_t now, unsigned flags, struct shmkit_rows_notes *notes,
		     struct shmkit_rows **out);

/*
 * shmkit_rows_free:
 * @rows: rows from shmkit_rows_list(), or NULL
 *
 * Frees them with their holder snapshot; preserves errno.
 */
void shmkit_rows_free(struct shmkit_rows *rows);

/* ------------------------------------------------------- resources.c */

/*
 * The shmls -g table: each limit next to what uses it, and the totals of a
 * listing.
 */

/* struct shmkit_totals: sums over the segments of one kind. */
struct shmkit_totals {
	uint64_t count, bytes, rss, swap;
	uint64_t orphans, orphan_bytes;	/* known orphans */
	uint64_t unknown;	/* segments whose orphan state cannot be told */
	uint64_t largest;	/* bytes of the largest one */
};

/*
 * shmkit_totals_add:
 * @t: the sums to add to (zero-initialise first)
 * @info: a segment
 * @h: a holder snapshot (for POSIX orphans), or NULL
 */
void shmkit_totals_add(struct shmkit_totals *t, const struct shmkit_info *info,
		       const struct shmkit_holders *h);

/* struct shmkit_resource: one resource, what is used of it and its limit. */
struct shmkit_resource {
	const char *resource;	/* "SHMMNI", "SYSV-BYTES": static */
	const char *description;	/* "SysV segments": static */
	int bytes;		/* @used and @limit are bytes (else counts) */
	int have_used, have_limit;	/* which of the two is known */
	uint64_t used, limit;
};

/* The most rows shmkit_resource_rows() writes. */
#define SHMKIT_RESOURCE_MAX 16

/*
 * shmkit_resource_rows:
 * @kinds: SHMKIT_LIST_SYSV, SHMKIT_LIST_POSIX or both
 * @l: the limits (shmkit_limits_read())
 * @sysv, @posix: the totals of the segments listed, per kind
 * @out: room for SHMKIT_RESOURCE_MAX rows: each limit next to what uses it
 *	(SHMMNI, SHMALL, SHMMAX, SHM_RMID_FORCED, the /dev/shm filesystem),
 *	then the totals (SYSV-SEGMENTS ... POSIX-ORPHANED)
 *
 * Returns: how many rows were written.
 */
size_t shmkit_resource_rows(unsigned kinds, const struct shmkit_limits *l,
			 const struct shmkit_totals *sysv, const struct shmkit_totals *posix,
			 struct shmkit_resource *out);

/* The columns of the limits and totals table (shmls -g), in order. */
enum shmkit_resource_col {
	SHMKIT_RCOL_RESOURCE, SHMKIT_RCOL_DESCRIPTION, SHMKIT_RCOL_USED,
	SHMKIT_RCOL_LIMIT, SHMKIT_RCOL_USE,
	SHMKIT_RCOL_COUNT
};

/*
 * shmkit_resource_column:
 * @col: an enum shmkit_resource_col value
 *
 * Returns: how the column is named and shown ("RESOURCE" ... "USE%"; the
 * last three are numbers), static and constant; NULL when @col is out of
 * range.
 */
const struct shmkit_column *shmkit_resource_column(int col);

/*
 * shmkit_resource_read:
 * @kinds: SHMKIT_LIST_SYSV, SHMKIT_LIST_POSIX or both
 * @rows, @n: the segments listed
 * @h: a holder snapshot (for POSIX orphans), or NULL
 * @out: room for SHMKIT_RESOURCE_MAX rows
 *
 * Reads the limits (shmkit_limits_read(); those that cannot be read stay
 * unknown), adds up @rows per kind (shmkit_totals_add()) and writes the
 * table of both (shmkit_resource_rows()).
 *
 * Returns: how many rows were written.
 */
size_t shmkit_resource_read(unsigned kinds, const struct shmkit_row *rows, size_t n,
			 const struct shmkit_holders *h, struct shmkit_resource *out);

/*
 * shmkit_resource_format:
 * @u: one row of the table
 * @col: an enum shmkit_resource_col value
 * @flags: SHMKIT_CELL_EXACT or 0: byte counts as plain numbers instead of
 *	"4K", and USE% as a number with two decimals instead of "25%"
 * @buf, @len: where to write the cell's text (cut to fit, NUL-terminated)
 *
 * Returns: 1 when @buf holds the text; 0 when the cell stays empty: what
 * is used or the limit is unknown (USE% also for a limit of 0), or @col is
 * out of range.
 */
int shmkit_resource_format(const struct shmkit_resource *u, int col, unsigned flags, char *buf,
			size_t len);

/* --------------------------------------------------------- metrics.c */

/*
 * shmls --metrics: the rows of a listing, summed by kind and state, with
 * the limits, as the Prometheus text format (0.0.4) that node_exporter's
 * textfile collector reads. The number of series is bounded: per segment
 * only for the largest orphans.
 */

/* Per-segment series by default, and at most (shmls --metrics-top). */
#define SHMKIT_METRICS_TOP	10
#define SHMKIT_METRICS_TOP_MAX	1000

/* struct shmkit_metrics_opts: what shmkit_metrics_format() is to write. */
struct shmkit_metrics_opts {
	unsigned kinds;		/* SHMKIT_LIST_*: the kinds listed; 0 for both */
	size_t top;		/* series for this many of the largest orphans */
	int64_t now;		/* for ages and the timestamp */
	int incomplete;		/* something the rows do not show was not
				   examined (shmls -A: namespaces skipped) */
	size_t unexamined;	/* processes not examined beyond those @rows->h
				   counts */
};

/*
 * shmkit_metrics_format:
 * @rows: a listing, with holders (SHMKIT_ROWS_HOLDERS), so that orphans
 *	can be told
 * @o: what to write
 * @out, @len: the text, NUL-terminated, and its length; free(3) it
 *
 * The families, each with # HELP and # TYPE, all gauges: segments and
 * their bytes by kind and state (held, orphan, marked, deleted, unknown),
 * resident and swapped bytes by kind, the oldest orphan's age by kind,
 * size and age of the @o->top largest orphans (labels kind, ref as shmls
 * --raw prints it, uid), the limits of the caller's namespaces
 * (shmkit_limits_read(); one it cannot read is left out) and /dev/shm,
 * the processes not examined, shmkit_scrape_incomplete and a timestamp.
 * With rows from shmkit_nsall_rows(), the series of the first four carry
 * the labels ipc_ns, mnt_ns and container of the pair they were found in.
 * Without namespaces that is at most 36 + 2 x @o->top samples in 21
 * families, 78 + 2 x @o->top lines with their HELP and TYPE lines.
 *
 * Returns: 0, or -ENOMEM (*@out untouched).
 */
int shmkit_metrics_format(const struct shmkit_rows *rows, const struct shmkit_metrics_opts *o,
			  char **out, size_t *len);

/* ----------------------------------------------------------- nsall.c */

/*
 * shmls -A and shmrm -A: every namespace that nsscan.c found, each entered
 * once with setns(2) in this process, listed or cleaned up, and left.
 */

/*
 * struct shmkit_nsfilter: which namespaces. Zero-initialise; a zero field
 * does not filter.
 */
struct shmkit_nsfilter {
	ino_t ns;		/* only this IPC or mount namespace inode */
	const char *container;	/* only containers whose id starts so */
};

/* struct shmkit_nsall_notes: what could not be done, short of failing. */
struct shmkit_nsall_notes {
	size_t entered;		/* namespace pairs listed or cleaned up, ours included */
	size_t skipped;		/* not entered for want of privilege */
	int skip_cap;		/* the capability that would allow them (CAP_*), or -1 */
	size_t vanished;	/* their processes exited before they could be entered */
	size_t unreadable;	/* processes whose namespaces could not be read,
				   so that theirs may be missing */
	int scan_rc;		/* why /proc could not be scanned (-errno), or 0 */
	int list_rc;		/* the first listing that failed (-errno), or 0 */
};

/*
 * shmkit_nsall_rows:
 * @procfd: a directory fd of /proc, or -1 for "/proc"
 * @f: which segments, as for shmkit_rows_list() (@f->held_by must be NULL)
 * @nf: which namespaces, or NULL for all
 * @now: the current time
 * @flags: SHMKIT_ROWS_HOLDERS or 0
 * @notes: optional; what could not be done
 * @out: the rows
 *
 * Scans /proc once (shmkit_nsscan_run()), then visits each namespace pair
 * that @nf lets through: SysV segments once per IPC namespace, POSIX
 * objects once per /dev/shm filesystem (however many mount namespaces
 * share it), each under the first pair that has it. A pair that is not
 * the caller's is entered with setns(2) (only the namespaces that differ),
 * its rows listed as shmkit_rows_list() lists them, with that namespace's
 * holders from the one scan, and left again. Every row's @ns says where
 * it was found; the rows come pair by pair, each in listing order. A pair
 * whose processes all exited before it was entered is skipped; another
 * pair with the same namespace then lists it. The calling process must be
 * single-threaded.
 *
 * Returns: 0; -ENOMEM; -errno when the caller's own namespaces could not
 * be entered again (*@out untouched: this process is then in another
 * namespace, and must exit). Free *@out with shmkit_rows_free().
 */
int shmkit_nsall_rows(int procfd, const struct shmkit_filter *f,
		      const struct shmkit_nsfilter *nf, int64_t now, unsigned flags,
		      struct shmkit_nsall_notes *notes, struct shmkit_rows **out);

/*
 * shmkit_nsall_fn: told about each segment shmkit_nsall_remove() acted on,
 * as shmkit_remove_fn is, with the namespace pair it was found in and the
 * holders of that namespace (valid during the call).
 */
typedef void (*shmkit_nsall_fn)(const struct shmkit_nsinfo *ns,
				const struct shmkit_holders *h,
				const struct shmkit_info *info, int rc,
				uint64_t nattch, void *payload);

/*
 * shmkit_nsall_remove:
 * @procfd, @nf, @notes: as for shmkit_nsall_rows()
 * @f: which segments, as for shmkit_remove_matching()
 * @now, @flags: as for shmkit_remove_matching()
 * @fn, @payload: called for every segment acted on
 *
 * shmkit_remove_matching() in every namespace that shmkit_nsall_rows()
 * visits, with the same segments: what shmls -A lists with @f, shmrm -A
 * removes.
 *
 * Returns: as shmkit_nsall_rows().
 */
int shmkit_nsall_remove(int procfd, const struct shmkit_filter *f,
			const struct shmkit_nsfilter *nf, int64_t now, unsigned flags,
			shmkit_nsall_fn fn, void *payload, struct shmkit_nsall_notes *notes);

#endif /* SHMKIT_H */

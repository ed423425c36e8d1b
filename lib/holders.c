/* SPDX-License-Identifier: MIT */
/* holders.c: who holds what: one pass over /proc/PID/maps and /proc/PID/fd. */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

/* An unlinked POSIX object seen in a mapping: name and where to stat it. */
struct deleted {
	struct shmkit_info info;
	char how_path[320];	/* /proc/PID/map_files/RANGE or /proc/PID/fd/N */
};

struct shmkit_holders {
	struct shmkit_holder *v;
	size_t n, cap;
	struct deleted *del;
	size_t ndel, capdel;
	size_t unreadable;
	struct shmkit_unreadable *why;	/* the first SHMKIT_UNREADABLE_MAX of them */
	dev_t shm_dev;		/* device of /dev/shm, or 0 when absent */
	char ipc_ns[64];	/* our IPC namespace, as in /proc/self/ns/ipc */
	int all;		/* every namespace (shmls -A): SysV holders of
				   every IPC namespace, tagged with it, and
				   POSIX ones of every /dev/shm */
	ino_t cur_ipcns;	/* with @all: that of the process being scanned */
};

static int push_holder(struct shmkit_holders *h, const struct shmkit_holder *x)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		struct shmkit_holder *v = reallocarray(h->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = *x;
	return 0;
}

static int note_deleted(struct shmkit_holders *h, dev_t dev, ino_t ino,
			const char *name, uint64_t len, const char *path)
{
	struct deleted *d;
	size_t i;

	for (i = 0; i < h->ndel; i++) {
		d = &h->del[i];
		if (d->info.dev == dev && d->info.ino == ino) {
			if (len > d->info.size)
				d->info.size = len;
			return 0;
		}
	}
	if (h->ndel == h->capdel) {
		size_t cap = h->capdel ? h->capdel * 2 : 8;

		d = reallocarray(h->del, cap, sizeof(*d));
		if (!d)
			return -ENOMEM;
		h->del = d;
		h->capdel = cap;
	}
	d = &h->del[h->ndel++];
	memset(d, 0, sizeof(*d));
	d->info.kind = SHMKIT_POSIX;
	d->info.have = SHMKIT_HAVE_NAME | SHMKIT_HAVE_INODE;
	d->info.status = SHMKIT_ST_DELETED;
	d->info.dev = dev;
	d->info.ino = ino;
	d->info.size = len;
	snprintf(d->info.name, sizeof(d->info.name), "/%s", name);
	snprintf(d->how_path, sizeof(d->how_path), "%s", path);
	return 0;
}

/*
 * One maps line: "START-END PERMS OFFSET MAJ:MIN INODE   PATH". Only shared
 * mappings matter; SysV ones are "/SYSV%08x (deleted)" with inode = shmid.
 */
static int note_mapping(struct shmkit_holders *h, pid_t pid,
			unsigned long long start, unsigned long long end,
			unsigned maj, unsigned min, unsigned long long ino,
			char *path, int same_ipc, struct shmkit_holder *x)
{
	x->how = SHMKIT_HOLD_MAP;
	if (strncmp(path, "/SYSV", 5) == 0) {
		if (ino > INT32_MAX || (!same_ipc && !h->all))
			return 0;
		x->kind = SHMKIT_SYSV;
		x->ipcns = h->all ? h->cur_ipcns : 0;
		x->id = (int)ino;
		x->dev = 0;
		x->ino = 0;
		return push_holder(h, x);
	}
	/* Every /dev/shm, each process's own, when scanning every namespace. */
	if (h->all ? strncmp(path, "/dev/shm/", 9) != 0 :
	    !h->shm_dev || makedev(maj, min) != h->shm_dev)
		return 0;
	x->kind = SHMKIT_POSIX;
	x->id = -1;
	x->dev = makedev(maj, min);
	x->ino = (ino_t)ino;
	if (strncmp(path, "/dev/shm/", 9) == 0) {
		size_t len = strlen(path);
		int deleted = len > 10 && strcmp(path + len - 10, " (deleted)") == 0;

		if (deleted)
			path[len - 10] = '\0';
		/* Semaphores (sem.*) and files below directories are not objects. */
		if (!shmkit__posix_is_object_name(path + 9))
			return 0;
		if (deleted) {
			char mf[64];
			int rc;

			snprintf(mf, sizeof(mf), "/proc/%d/map_files/%llx-%llx", (int)pid,
				 start, end);
			rc = note_deleted(h, x->dev, x->ino, path + 9, end - start, mf);
			if (rc < 0)
				return rc;
		}
	}
	return push_holder(h, x);
}

static int scan_maps_line(struct shmkit_holders *h, pid_t pid, char *line,
			  int same_ipc, struct shmkit_holder *x)
{
	unsigned long long start, end, ino;
	unsigned maj, min;
	char perms[5];
	int pathpos = 0;

	if (sscanf(line, "%llx-%llx %4s %*x %x:%x %llu %n", &start, &end, perms,
		   &maj, &min, &ino, &pathpos) < 6 || perms[3] != 's' || !pathpos)
		return 0;
	return note_mapping(h, pid, start, end, maj, min, ino, line + pathpos,
			    same_ipc, x);
}

/* Whether @pidfd's process shares our IPC namespace: shmids are per namespace. */
static int same_ipc_ns(const struct shmkit_holders *h, int pidfd)
{
	char ns[64];
	ssize_t len = readlinkat(pidfd, "ns/ipc", ns, sizeof(ns) - 1);

	if (len <= 0)
		return 0;
	ns[len] = '\0';
	return strcmp(ns, h->ipc_ns) == 0;
}

/*
 * PROCMAP_QUERY (Linux 6.11) hands over only the shared file mappings, so
 * the kernel does not have to format every library mapping as text: the
 * scan costs less than a grep through the same maps files. The layout is
 * the kernel's UAPI (linux/fs.h), spelled out for older headers.
 */
struct procmap_query_v1 {
	uint64_t size, query_flags, query_addr;
	uint64_t vma_start, vma_end, vma_flags, vma_page_size, vma_offset, inode;
	uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
	uint64_t vma_name_addr, build_id_addr;
};
#define PROCMAP_Q_SHARED	0x08
#define PROCMAP_Q_NEXT		0x10
#define PROCMAP_Q_FILE		0x20
#define PROCMAP_QUERY_IOCTL	_IOWR('f', 17, struct procmap_query_v1)

/* Returns 1 when done, 0 when the kernel lacks PROCMAP_QUERY, or -errno. */
static int query_maps(struct shmkit_holders *h, int fd, int pidfd, pid_t pid,
		      struct shmkit_holder *x)
{
	struct procmap_query_v1 q;
	char name[PATH_MAX] = "";	/* valgrind cannot see the ioctl fill it */
	uint64_t addr = 0;
	int rc = 0, same_ipc = -1;

	for (;;) {
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.query_flags = PROCMAP_Q_NEXT | PROCMAP_Q_SHARED | PROCMAP_Q_FILE;
		q.query_addr = addr;
		q.vma_name_addr = (uint64_t)(uintptr_t)name;
		q.vma_name_size = sizeof(name);
		if (ioctl(fd, PROCMAP_QUERY_IOCTL, &q) < 0) {
			if (errno == ENOENT)
				return 1;
			if (errno == EACCES || errno == EPERM)
				return -errno;
			/*
			 * Anything else (no such ioctl, or a process in the middle
			 * of exec or exit, where the kernel has said ENOMEM): read
			 * the maps text instead. What was found already is found
			 * again there and merged by dedupe().
			 */
			return 0;
		}
		if (q.vma_end <= addr)
			return 1;
		addr = q.vma_end;
		if (q.vma_name_size == 0)
			continue;
		name[sizeof(name) - 1] = '\0';
		if (strncmp(name, "/SYSV", 5) == 0 && same_ipc < 0 && !h->all)
			same_ipc = same_ipc_ns(h, pidfd);
		rc = note_mapping(h, pid, q.vma_start, q.vma_end, q.dev_major, q.dev_minor,
				  q.inode, name, same_ipc > 0, x);
		if (rc < 0)
			return rc;
	}
}

/* Shared mappings have 's' as the last letter of the permissions field. */
static int is_shared(const char *line, size_t len)
{
	const char *sp = memchr(line, ' ', len);

	return sp && (size_t)(sp - line) + 5 < len && sp[4] == 's';
}

static int scan_maps(struct shmkit_holders *h, int pidfd, pid_t pid,
		     struct shmkit_holder *x)
{
	char buf[16384];
	size_t used = 0;
	ssize_t n;
	int fd, rc = 0, same_ipc = -1;

	fd = openat(pidfd, "maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = query_maps(h, fd, pidfd, pid, x);
	if (rc != 0) {
		close(fd);
		return rc < 0 ? rc : 0;
	}
	while (rc == 0) {
		char *nl, *p = buf;

		n = read(fd, buf + used, sizeof(buf) - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : 0;
			break;
		}
		used += (size_t)n;
		while (rc == 0 && (nl = memchr(p, '\n', used - (size_t)(p - buf)))) {
			*nl = '\0';
			if (is_shared(p, (size_t)(nl - p))) {
				if (same_ipc < 0 && !h->all && strstr(p, " /SYSV"))
					same_ipc = same_ipc_ns(h, pidfd);
				rc = scan_maps_line(h, pid, p, same_ipc > 0, x);
			}
			p = nl + 1;
		}
		used -= (size_t)(p - buf);
		memmove(buf, p, used);
		if (used == sizeof(buf) - 1)
			used = 0;	/* longer than any real maps line: drop it */
	}
	close(fd);
	return rc;
}

int shmkit__maps_parse_line(const char *line, dev_t shm_dev,
			    struct shmkit_holder *out)
{
	struct shmkit_holders h = { .shm_dev = shm_dev };
	struct shmkit_holder x = { .pid = 1 };
	size_t len = strlen(line);
	char *copy;
	int rc = 0;

	/* scan_maps() hands over lines of at most 16383 bytes, NUL-terminated. */
	if (len >= 16383)
		return 0;
	copy = strdup(line);
	if (!copy)
		return -ENOMEM;
	if (is_shared(copy, len))
		rc = scan_maps_line(&h, 1, copy, 1, &x);
	if (rc == 0 && h.n > 0) {
		*out = h.v[0];
		rc = 1;
	}
	free(copy);
	free(h.v);
	free(h.del);
	return rc;
}

/* POSIX objects held only through an open descriptor. */
static int scan_fds(struct shmkit_holders *h, int pidfd, pid_t pid,
		    struct shmkit_holder *x)
{
	char target[PATH_MAX];
	struct dirent *d;
	struct stat st;
	DIR *dir;
	int fd, deleted, rc = 0;

	fd = openat(pidfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		rc = -errno;
		close(fd);
		return rc;
	}
	while (rc == 0 && (d = readdir(dir))) {
		ssize_t len;

		if (d->d_name[0] == '.')
			continue;
		len = readlinkat(fd, d->d_name, target, sizeof(target) - 1);
		if (len < 9)
			continue;
		target[len] = '\0';
		if (strncmp(target, "/dev/shm/", 9) != 0)
			continue;
		/* The path is only a hint: the inode behind the fd decides. */
		if (fstatat(fd, d->d_name, &st, 0) < 0 || !S_ISREG(st.st_mode) ||
		    (!h->all && st.st_dev != h->shm_dev))
			continue;
		x->kind = SHMKIT_POSIX;
		x->id = -1;
		x->dev = st.st_dev;
		x->ino = st.st_ino;
		x->how = SHMKIT_HOLD_FD;
		deleted = (size_t)len > 19 && strcmp(target + len - 10, " (deleted)") == 0;
		if (deleted)
			target[len - 10] = '\0';
		/* Semaphores (sem.*) and files below directories are not objects. */
		if (!shmkit__posix_is_object_name(target + 9))
			continue;
		if (deleted) {
			char fdpath[320];

			snprintf(fdpath, sizeof(fdpath), "/proc/%d/fd/%s", (int)pid, d->d_name);
			rc = note_deleted(h, st.st_dev, st.st_ino, target + 9,
					  (uint64_t)st.st_size, fdpath);
		}
		if (rc == 0)
			rc = push_holder(h, x);
	}
	closedir(dir);
	return rc;
}


static int vanished(int rc)
{
	return rc == 0 || rc == -ENOENT || rc == -ESRCH;
}

static void read_comm(int pidfd, char *comm, size_t len)
{
	ssize_t n;
	int fd;

	comm[0] = '\0';
	fd = openat(pidfd, "comm", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, comm, len - 1);
	close(fd);
	if (n <= 0)
		n = 0;
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

/* One more process that could not be examined; the first few are named. */
static void note_unreadable(struct shmkit_holders *h, int pidfd, pid_t pid, int rc)
{
	struct shmkit_unreadable *u;

	if (h->unreadable < SHMKIT_UNREADABLE_MAX &&
	    (h->why || (h->why = calloc(SHMKIT_UNREADABLE_MAX, sizeof(*h->why))))) {
		u = &h->why[h->unreadable];
		u->pid = pid;
		u->err = -rc;
		read_comm(pidfd, u->comm, sizeof(u->comm));
	}
	h->unreadable++;
}

/* What process @pid (its /proc directory @pidfd) holds, added to @h. */
static void scan_pidfd(struct shmkit_holders *h, int pidfd, pid_t pid)
{
	struct shmkit_holder x;
	size_t before = h->n, i;
	int rc, rc2;

	memset(&x, 0, sizeof(x));
	x.pid = pid;
	rc = scan_maps(h, pidfd, x.pid, &x);
	rc2 = scan_fds(h, pidfd, x.pid, &x);
	/*
	 * A process that exited holds nothing. Any other failure (not
	 * permitted, a process caught in exec or exit, where the kernel has
	 * answered ENOMEM, or our own allocation failing) is not the same as
	 * holding nothing: the process counts as one that could not be seen.
	 */
	if (!vanished(rc) || !vanished(rc2))
		note_unreadable(h, pidfd, x.pid, vanished(rc) ? rc2 : rc);
	if (h->n > before) {
		read_comm(pidfd, h->v[before].comm, sizeof(h->v[before].comm));
		for (i = before + 1; i < h->n; i++)
			memcpy(h->v[i].comm, h->v[before].comm, sizeof(h->v[i].comm));
	}
}

static int scan_pid(struct shmkit_holders *h, int procfd, const char *name)
{
	uint64_t pid;
	int pidfd;

	if (shmkit__parse_u64(name, 10, INT32_MAX, &pid) < 0)
		return 0;
	pidfd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pidfd < 0)
		return 0;	/* exited */
	scan_pidfd(h, pidfd, (pid_t)pid);
	close(pidfd);
	return 0;
}

static int cmp_holder(const void *a, const void *b)
{
	const struct shmkit_holder *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Merge records of one process holding one segment several ways. */
static void dedupe(struct shmkit_holders *h)
{
	size_t i, out = 0;

	for (i = 0; i < h->n; i++) {
		if (out > 0 && h->v[out - 1].kind == h->v[i].kind &&
		    h->v[out - 1].id == h->v[i].id && h->v[out - 1].dev == h->v[i].dev &&
		    h->v[out - 1].ino == h->v[i].ino && h->v[out - 1].pid == h->v[i].pid) {
			h->v[out - 1].how |= h->v[i].how;
			continue;
		}
		h->v[out++] = h->v[i];
	}
	h->n = out;
}

/* Scans every process, or only @only when it is above 0. */
static int scan(int procfd, pid_t only, struct shmkit_holders **out)
{
	struct shmkit_holders *h;
	pid_t self;
	struct dirent *d;
	struct stat st;
	ssize_t len;
	DIR *proc;
	int fd, rc = 0;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	if (stat(SHMKIT__SHM_DIR, &st) == 0)
		h->shm_dev = st.st_dev;
	fd = procfd >= 0 ? openat(procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) :
			   open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	proc = fd >= 0 ? fdopendir(fd) : NULL;
	if (!proc) {
		rc = -errno;
		if (fd >= 0)
			close(fd);
		free(h);
		return rc;
	}
	len = readlinkat(dirfd(proc), "self/ns/ipc", h->ipc_ns, sizeof(h->ipc_ns) - 1);
	if (len > 0)
		h->ipc_ns[len] = '\0';
	if (only > 0) {
		char name[16];

		snprintf(name, sizeof(name), "%d", (int)only);
		if (faccessat(dirfd(proc), name, F_OK, 0) < 0) {
			rc = -ESRCH;
		} else {
			rc = scan_pid(h, dirfd(proc), name);
			if (rc == 0 && h->unreadable)
				rc = -EACCES;
		}
	}
	self = getpid();
	while (only <= 0 && rc == 0 && (d = readdir(proc))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		if (strtol(d->d_name, NULL, 10) == self)
			continue;
		rc = scan_pid(h, dirfd(proc), d->d_name);
	}
	closedir(proc);
	if (rc < 0) {
		shmkit_holders_free(h);
		return rc;
	}
	if (h->n)
		qsort(h->v, h->n, sizeof(h->v[0]), cmp_holder);
	dedupe(h);
	*out = h;
	return 0;
}

int shmkit__holders_new_all(struct shmkit_holders **out)
{
	struct shmkit_holders *h = calloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->all = 1;
	*out = h;
	return 0;
}

void shmkit__holders_add(struct shmkit_holders *h, int pidfd, pid_t pid, ino_t ipcns)
{
	h->cur_ipcns = ipcns;
	scan_pidfd(h, pidfd, pid);
}

void shmkit__holders_note_unreadable(struct shmkit_holders *h, int pidfd, pid_t pid, int rc)
{
	note_unreadable(h, pidfd, pid, rc);
}

void shmkit__holders_done(struct shmkit_holders *h)
{
	if (h->n)
		qsort(h->v, h->n, sizeof(h->v[0]), cmp_holder);
	dedupe(h);
}

int shmkit__holders_split(const struct shmkit_holders *h, ino_t ipcns, dev_t dev,
			  struct shmkit_holders **out)
{
	struct shmkit_holders *s = calloc(1, sizeof(*s));
	size_t i, nwhy = h->why ? (h->unreadable < SHMKIT_UNREADABLE_MAX ?
				   h->unreadable : SHMKIT_UNREADABLE_MAX) : 0;
	int rc = 0;

	if (!s)
		return -ENOMEM;
	s->shm_dev = dev;
	/* The order of @h, sorted, is kept: a subsequence of it. */
	for (i = 0; rc == 0 && i < h->n; i++) {
		const struct shmkit_holder *x = &h->v[i];

		if (x->kind == SHMKIT_SYSV ? x->ipcns == ipcns : dev && x->dev == dev)
			rc = push_holder(s, x);
	}
	for (i = 0; rc == 0 && i < h->ndel; i++) {
		const struct deleted *d = &h->del[i];

		if (dev && d->info.dev == dev)
			rc = note_deleted(s, d->info.dev, d->info.ino, d->info.name + 1,
					  d->info.size, d->how_path);
	}
	/* A process that could not be examined may hold anything, anywhere. */
	s->unreadable = h->unreadable;
	if (rc == 0 && nwhy && !(s->why = calloc(SHMKIT_UNREADABLE_MAX, sizeof(*s->why))))
		rc = -ENOMEM;
	if (rc == 0 && nwhy)
		memcpy(s->why, h->why, nwhy * sizeof(*s->why));
	if (rc < 0) {
		shmkit_holders_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int shmkit_holders_scan(int procfd, struct shmkit_holders **out)
{
	return scan(procfd, 0, out);
}

int shmkit_holders_scan_pid(int procfd, pid_t pid, struct shmkit_holders **out)
{
	if (pid <= 0)
		return -ESRCH;
	return scan(procfd, pid, out);
}

int shmkit_proc_cmdline(int procfd, pid_t pid, char *buf, size_t len)
{
	char path[32];
	ssize_t n = 0, i;
	int fd, pidfd;

	if (len < 2 || pid <= 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "%d", (int)pid);
	pidfd = procfd >= 0 ? openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) :
			      -1;
	if (procfd < 0) {
		snprintf(path, sizeof(path), "/proc/%d", (int)pid);
		pidfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (pidfd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	fd = openat(pidfd, "cmdline", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	if (n < 0)
		n = 0;
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	/* Kernel threads and zombies have no command line: use the name. */
	if (n == 0) {
		char comm[17];

		read_comm(pidfd, comm, sizeof(comm));
		if (comm[0])
			snprintf(buf, len, "[%s]", comm);
	}
	close(pidfd);
	return buf[0] ? 0 : -ESRCH;
}

size_t shmkit_holders_of(const struct shmkit_holders *h,
			 const struct shmkit_info *info,
			 const struct shmkit_holder **out)
{
	struct shmkit_holder key;
	size_t lo = 0, hi = h->n, mid, n = 0;

	memset(&key, 0, sizeof(key));
	key.kind = info->kind;
	if (info->kind == SHMKIT_SYSV) {
		key.id = info->id;
	} else {
		key.id = -1;
		key.dev = info->dev;
		key.ino = info->ino;
	}
	/* The first record not below the segment's with pid 0. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cmp_holder(&h->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo + n < h->n && h->v[lo + n].kind == key.kind &&
	       h->v[lo + n].id == key.id && h->v[lo + n].dev == key.dev &&
	       h->v[lo + n].ino == key.ino)
		n++;
	*out = n ? &h->v[lo] : NULL;
	return n;
}

size_t shmkit_holders_unreadable(const struct shmkit_holders *h)
{
	return h->unreadable;
}

size_t shmkit_holders_unreadable_list(const struct shmkit_holders *h,
				      const struct shmkit_unreadable **out)
{
	*out = h->why;
	return h->why ? (h->unreadable < SHMKIT_UNREADABLE_MAX ?
			 h->unreadable : SHMKIT_UNREADABLE_MAX) : 0;
}

int shmkit_holders_deleted(const struct shmkit_holders *h,
			   struct shmkit_info **out, size_t *n)
{
	struct shmkit_info *v;
	struct stat st;
	size_t i;

	v = calloc(h->ndel ? h->ndel : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < h->ndel; i++) {
		v[i] = h->del[i].info;
		/* map_files needs CAP_SYS_ADMIN; without it the mapping length stands. */
		if (stat(h->del[i].how_path, &st) == 0 && st.st_ino == v[i].ino) {
			v[i].size = (uint64_t)st.st_size;
			v[i].mode = st.st_mode & 07777;
			v[i].uid = st.st_uid;
			v[i].gid = st.st_gid;
			v[i].atime = st.st_atim.tv_sec;
			v[i].mtime = st.st_mtim.tv_sec;
			v[i].ctime = st.st_ctim.tv_sec;
			v[i].rss = (uint64_t)st.st_blocks * 512;
			v[i].have |= SHMKIT_HAVE_MEM;
		}
	}
	*out = v;
	*n = h->ndel;
	return 0;
}

void shmkit_holders_free(struct shmkit_holders *h)
{
	int saved = errno;

	if (h) {
		free(h->v);
		free(h->del);
		free(h->why);
		free(h);
	}
	errno = saved;
}

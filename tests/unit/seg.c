/* SPDX-License-Identifier: MIT */
/* seg.c: libshmkit against real segments; runs only inside a private IPC + mount namespace. */
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shmkit.h"
#include "check.h"

#define SHM_DIR "/dev/shm"
#define TMPFS_MAGIC_ 0x01021994
#define KEY(n) ((key_t)(0x5eed0000 + (n)))

/* Every /dev/shm entry this program makes starts with this; see cleanup(). */
static char prefix[64];

/* ------------------------------------------------------------ the guard */

static int ns_link(pid_t pid, const char *ns, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns);
	n = readlink(path, buf, len - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static pid_t parent_of(pid_t pid)
{
	char path[64], line[256];
	FILE *f;
	int ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "PPid: %d", &ppid) == 1)
			break;
	fclose(f);
	return ppid;
}

/*
 * Whether namespace @ns of this process is one of its own: it must differ
 * from the one tests/run started in (SHMKIT_HOST_*_NS, when set), or else
 * from PID 1's (when that is readable). With neither to compare, an ancestor process
 * in another namespace proves that someone made ours (unshare).
 */
static int ns_private(const char *ns, const char *env)
{
	char self[128], other[128];
	const char *host = getenv(env);
	int compared = 0;
	pid_t pid;

	if (ns_link(0, ns, self, sizeof(self)))
		return 0;
	/* Inside tests/run's PID namespace, pid 1 is its own child: trust @env. */
	if (host && *host)
		return strcmp(self, host) != 0;
	if (ns_link(1, ns, other, sizeof(other)) == 0) {
		if (strcmp(self, other) == 0)
			return 0;
		compared = 1;
	}
	if (compared)
		return 1;
	for (pid = getppid(); pid > 1; pid = parent_of(pid))
		if (ns_link(pid, ns, other, sizeof(other)) == 0 && strcmp(self, other) != 0)
			return 1;
	return 0;
}

/* ---------------------------------------------------------------- setup */

static void cleanup(void)
{
	DIR *d = opendir(SHM_DIR);
	struct dirent *e;
	int i, id;

	while (d && (e = readdir(d))) {
		const char *n = e->d_name;

		if (strncmp(n, prefix, strlen(prefix)) && !(strncmp(n, "sem.", 4) == 0 &&
		    strncmp(n + 4, prefix, strlen(prefix)) == 0))
			continue;
		if (unlinkat(dirfd(d), n, 0))
			unlinkat(dirfd(d), n, AT_REMOVEDIR);
	}
	if (d)
		closedir(d);
	for (i = 0; i < 256; i++) {
		id = shmget(KEY(i), 0, 0);
		if (id >= 0)
			shmctl(id, IPC_RMID, NULL);
	}
}

static struct shmkit_ref ref_of(const char *text)
{
	struct shmkit_ref ref;
	int rc = shmkit_ref_parse(text, SHMKIT_REF_ALLOW_PRIVATE, &ref);

	if (rc) {
		fprintf(stderr, "unit-seg: test setup: cannot parse '%s': %s\n", text,
			strerror(-rc));
		exit(2);
	}
	return ref;
}

static struct shmkit_ref key_ref(key_t key)
{
	char text[32];

	snprintf(text, sizeof(text), "key:0x%x", (unsigned)key);
	return ref_of(text);
}

static struct shmkit_ref id_ref(int id)
{
	char text[32];

	snprintf(text, sizeof(text), "id:%d", id);
	return ref_of(text);
}

/* "/PREFIXsuffix" as a ref, and its path under /dev/shm. */
static struct shmkit_ref name_ref(const char *suffix)
{
	char text[SHMKIT_NAME_MAX + 2];

	snprintf(text, sizeof(text), "/%s%s", prefix, suffix);
	return ref_of(text);
}

static const char *path_of(const struct shmkit_ref *ref, char *buf, size_t len)
{
	snprintf(buf, len, SHM_DIR "%s", ref->name);
	return buf;
}

static void fill(void *p, size_t n, unsigned seed)
{
	unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)((i * 7 + seed) ^ (i >> 8));
}

static int same(const void *p, size_t n, unsigned seed)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != (unsigned char)((i * 7 + seed) ^ (i >> 8)))
			return 0;
	return 1;
}

static int all_bytes(const void *p, size_t n, unsigned char c)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != c)
			return 0;
	return 1;
}

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* A pipe whose read end holds exactly @n bytes of pattern @seed, then EOF. */
static int pipe_with(size_t n, unsigned seed)
{
	int p[2];
	char *buf;

	if (pipe(p))
		return -1;
	buf = malloc(n ? n : 1);
	if (!buf)
		exit(2);
	fill(buf, n, seed);
	if (write_all(p[1], buf, n)) {
		free(buf);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	free(buf);
	close(p[1]);
	return p[0];
}

/* An unnamed regular file of @n bytes of pattern @seed, at its start; -1 when there is none. */
static int file_with(size_t n, unsigned seed)
{
	int fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	char *buf;

	if (fd < 0)
		return -1;
	buf = malloc(n ? n : 1);
	if (!buf)
		exit(2);
	fill(buf, n, seed);
	if (write_all(fd, buf, n) || lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		fd = -1;
	}
	free(buf);
	return fd;
}

static int sysv_stat(int id, struct shmid_ds *ds)
{
	return shmctl(id, IPC_STAT, ds);
}

/*
 * The library's view of a segment's bytes is shmkit_seg_pread(), which
 * shmread uses. To put bytes in place, or to look at them apart from the
 * library, a test maps the segment itself, as any other process would:
 * shmat(2) on the shmid, mmap(2) of /dev/shm/NAME.
 */
static void *raw_map(const struct shmkit_ref *ref, size_t len)
{
	char path[SHMKIT_NAME_MAX + 16];
	void *p;
	int fd;

	if (ref->kind == SHMKIT_SYSV) {
		p = shmat(ref->id, NULL, 0);
		return p == (void *)-1 ? NULL : p;
	}
	fd = open(path_of(ref, path, sizeof(path)), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

static void raw_unmap(const struct shmkit_ref *ref, void *p, size_t len)
{
	if (!p)
		return;
	if (ref->kind == SHMKIT_SYSV)
		shmdt(p);
	else
		munmap(p, len);
}

/* Fills the first @n bytes of what @seg names with pattern @seed, from outside the library. */
static int raw_fill(const struct shmkit_seg *seg, size_t n, unsigned seed)
{
	const struct shmkit_ref *ref = shmkit_seg_ref(seg);
	void *p = raw_map(ref, n);

	if (!p)
		return -1;
	fill(p, n, seed);
	raw_unmap(ref, p, n);
	return 0;
}

/* Whether shmkit_seg_pread() gives exactly @n bytes from offset 0 that @ok accepts. */
static int pread_check(struct shmkit_seg *seg, size_t n, unsigned arg,
		       int (*ok)(const void *, size_t, unsigned))
{
	unsigned char *buf = malloc(n + 1);
	int good;

	if (!buf)
		exit(2);
	good = shmkit_seg_pread(seg, buf, n + 1, 0) == (ssize_t)n && ok(buf, n, arg);
	free(buf);
	return good;
}

static int is_zero(const void *p, size_t n, unsigned unused)
{
	(void)unused;
	return all_bytes(p, n, 0);
}

/* @seg reads as @n bytes of pattern @seed (and no more) through shmkit_seg_pread(). */
static int pread_same(struct shmkit_seg *seg, size_t n, unsigned seed)
{
	return pread_check(seg, n, seed, same);
}

/* @seg reads as @n zero bytes (and no more) through shmkit_seg_pread(). */
static int pread_zeros(struct shmkit_seg *seg, size_t n)
{
	return pread_check(seg, n, 0, is_zero);
}

/*
 * How many mappings of @path this process has, says /proc/self/maps;
 * @perms gets the first one's ("rw-s"). An unlinked file still counts.
 */
static int mappings_of(const char *path, char perms[5])
{
	char line[PATH_MAX + 256], mode[5];
	size_t len = strlen(path);
	FILE *f = fopen("/proc/self/maps", "re");
	int n = 0, at;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *name;

		if (sscanf(line, "%*s %4s %*s %*s %*s %n", mode, &at) != 1)
			continue;
		name = line + at;
		if (strncmp(name, path, len) || (name[len] != '\n' && name[len] != ' '))
			continue;
		if (n++ == 0 && perms)
			memcpy(perms, mode, 5);
	}
	fclose(f);
	return n;
}

/* What shmwrite does with @in: shmkit_write_fd() at @offset, no creation. */
static int write_in(const struct shmkit_ref *ref, int in, size_t offset,
		    struct shmkit_write_result *r)
{
	struct shmkit_write_opts o = { .offset = offset, .mode = 0600, .wait_ms = 5000 };

	return shmkit_write_fd(ref, in, &o, r);
}

static int write_sysctl(const char *name, const char *value)
{
	char path[128];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	if (write_all(fd, value, strlen(value)))
		rc = -1;
	if (close(fd))
		rc = -1;
	return rc;
}

static int read_sysctl(const char *name, char *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static void skip_note(const char *what, const char *why)
{
	printf("# skip: %s: %s\n", what, why);
}

/* The byte pattern of an info that failed calls must leave alone. */
static void info_sentinel(struct shmkit_info *info)
{
	memset(info, 0xa5, sizeof(*info));
}

static int info_is_sentinel(const struct shmkit_info *info)
{
	struct shmkit_info s;

	info_sentinel(&s);
	return memcmp(&s, info, sizeof(s)) == 0;
}

static struct shmkit_seg *const SEG_SENTINEL = (struct shmkit_seg *)&prefix;

/* ------------------------------------------------------- snapshot checks */

#define SYSV_HAVE (SHMKIT_HAVE_KEY | SHMKIT_HAVE_ID | SHMKIT_HAVE_CREDS | \
		   SHMKIT_HAVE_PIDS | SHMKIT_HAVE_NATTCH | SHMKIT_HAVE_DTIME)
#define POSIX_HAVE (SHMKIT_HAVE_NAME | SHMKIT_HAVE_INODE)

/* A SysV snapshot agrees with shmctl(IPC_STAT); absent fields hold 0. */
static void check_sysv_info(const char *file, int line, const char *how,
			    const struct shmkit_info *info, int id)
{
	static const char zeros[SHMKIT_NAME_MAX + 2];
	struct shmid_ds ds;

	if (!CHECK_TRUE_AT(file, line, sysv_stat(id, &ds) == 0,
			   "%s: test setup: IPC_STAT of shmid %d", how, id))
		return;
	CHECK_U64_AT(file, line, info->kind, SHMKIT_SYSV, "%s: kind is SYSV", how);
	CHECK_U64_AT(file, line, info->have & SYSV_HAVE, SYSV_HAVE,
		     "%s: have has KEY, ID, CREDS, PIDS, NATTCH, DTIME", how);
	CHECK_U64_AT(file, line, info->have & POSIX_HAVE, 0, "%s: have lacks NAME, INODE", how);
	CHECK_U64_AT(file, line, (uint32_t)info->key, (uint32_t)ds.shm_perm.__key, "%s: key", how);
	CHECK_U64_AT(file, line, info->id, id, "%s: id", how);
	CHECK_U64_AT(file, line, info->size, ds.shm_segsz, "%s: size", how);
	CHECK_U64_AT(file, line, info->mode, ds.shm_perm.mode & 0777, "%s: mode (permission bits only)", how);
	CHECK_U64_AT(file, line, info->uid, ds.shm_perm.uid, "%s: uid", how);
	CHECK_U64_AT(file, line, info->gid, ds.shm_perm.gid, "%s: gid", how);
	CHECK_U64_AT(file, line, info->cuid, ds.shm_perm.cuid, "%s: cuid", how);
	CHECK_U64_AT(file, line, info->cgid, ds.shm_perm.cgid, "%s: cgid", how);
	CHECK_U64_AT(file, line, info->cpid, ds.shm_cpid, "%s: cpid", how);
	CHECK_U64_AT(file, line, info->lpid, ds.shm_lpid, "%s: lpid", how);
	CHECK_U64_AT(file, line, info->nattch, ds.shm_nattch, "%s: nattch", how);
	CHECK_U64_AT(file, line, info->atime, ds.shm_atime, "%s: atime", how);
	CHECK_U64_AT(file, line, info->dtime, ds.shm_dtime, "%s: dtime", how);
	CHECK_U64_AT(file, line, info->ctime, ds.shm_ctime, "%s: ctime", how);
	CHECK_U64_AT(file, line, !!(info->status & SHMKIT_ST_DEST),
		     !!(ds.shm_perm.mode & SHM_DEST), "%s: status DEST as in IPC_STAT", how);
	CHECK_U64_AT(file, line, !!(info->status & SHMKIT_ST_LOCKED),
		     !!(ds.shm_perm.mode & SHM_LOCKED), "%s: status LOCKED as in IPC_STAT", how);
	CHECK_U64_AT(file, line, info->status & SHMKIT_ST_DELETED, 0, "%s: status lacks DELETED", how);
	CHECK_TRUE_AT(file, line, memcmp(info->name, zeros, sizeof(zeros)) == 0,
		      "%s: absent name holds 0", how);
	CHECK_U64_AT(file, line, info->dev, 0, "%s: absent dev holds 0", how);
	CHECK_U64_AT(file, line, info->ino, 0, "%s: absent ino holds 0", how);
}

/* A POSIX snapshot agrees with fstatat(2); absent fields hold 0. */
static void check_posix_info(const char *file, int line, const char *how,
			     const struct shmkit_info *info, const struct shmkit_ref *ref)
{
	char path[SHMKIT_NAME_MAX + 16];
	struct stat st;

	if (!CHECK_TRUE_AT(file, line, lstat(path_of(ref, path, sizeof(path)), &st) == 0,
			   "%s: test setup: lstat %s", how, path))
		return;
	CHECK_U64_AT(file, line, info->kind, SHMKIT_POSIX, "%s: kind is POSIX", how);
	CHECK_U64_AT(file, line, info->have & POSIX_HAVE, POSIX_HAVE, "%s: have has NAME, INODE", how);
	CHECK_U64_AT(file, line, info->have & SYSV_HAVE, 0,
		     "%s: have lacks KEY, ID, CREDS, PIDS, NATTCH, DTIME", how);
	CHECK_STR_AT(file, line, info->name, ref->name, "%s: name", how);
	CHECK_U64_AT(file, line, info->size, st.st_size, "%s: size", how);
	CHECK_U64_AT(file, line, info->mode, st.st_mode & 07777, "%s: mode", how);
	CHECK_U64_AT(file, line, info->uid, st.st_uid, "%s: uid", how);
	CHECK_U64_AT(file, line, info->gid, st.st_gid, "%s: gid", how);
	CHECK_U64_AT(file, line, info->dev, st.st_dev, "%s: dev", how);
	CHECK_U64_AT(file, line, info->ino, st.st_ino, "%s: ino", how);
	CHECK_U64_AT(file, line, info->ctime, st.st_ctime, "%s: ctime", how);
	CHECK_U64_AT(file, line, info->mtime, st.st_mtime, "%s: mtime", how);
	CHECK_U64_AT(file, line, info->key, 0, "%s: absent key holds 0", how);
	CHECK_I64_AT(file, line, info->id, 0, "%s: absent id holds 0", how);
	CHECK_U64_AT(file, line, info->nattch, 0, "%s: absent nattch holds 0", how);
	CHECK_U64_AT(file, line, info->cuid, 0, "%s: absent cuid holds 0", how);
	CHECK_U64_AT(file, line, info->cgid, 0, "%s: absent cgid holds 0", how);
	CHECK_U64_AT(file, line, info->cpid, 0, "%s: absent cpid holds 0", how);
	CHECK_U64_AT(file, line, info->lpid, 0, "%s: absent lpid holds 0", how);
	CHECK_U64_AT(file, line, info->dtime, 0, "%s: absent dtime holds 0", how);
	CHECK_U64_AT(file, line, info->status & (SHMKIT_ST_DEST | SHMKIT_ST_LOCKED), 0,
		     "%s: status lacks the SysV bits", how);
}

/* ------------------------------------------------------------- SysV */

static void test_sysv_create_attach(void)
{
	struct shmkit_ref ref = ref_of("0x5eed0001");
	const struct shmkit_ref *canon;
	struct shmkit_seg *seg = SEG_SENTINEL;
	struct shmid_ds ds;
	unsigned char byte;
	int rc, id;

	umask(077);
	rc = shmkit_seg_create(&ref, 4096, 0660, 0, &seg);
	umask(022);
	if (!CHECK_RC(rc, 0, "create SysV 0x5eed0001, 4096 bytes, mode 0660"))
		return;
	CHECK_TRUE(seg && seg != SEG_SENTINEL, "create sets *out");
	id = shmget(KEY(1), 0, 0);
	CHECK_TRUE(id >= 0, "the segment exists with key 0x5eed0001");
	if (!CHECK_TRUE(sysv_stat(id, &ds) == 0, "IPC_STAT of the new segment"))
		return;
	CHECK_U64(ds.shm_perm.mode & 0777, 0660, "mode is applied exactly, umask 077 ignored");
	CHECK_U64(ds.shm_segsz, 4096, "size is 4096");
	CHECK_I64(ds.shm_cpid, getpid(), "cpid is this process");
	CHECK_U64(ds.shm_nattch, 0, "create does not attach");

	canon = shmkit_seg_ref(seg);
	CHECK_U64(canon->kind, SHMKIT_SYSV, "seg_ref: kind SYSV");
	CHECK_U64(canon->by, SHMKIT_BY_ID, "seg_ref of a key-created segment is BY_ID");
	CHECK_I64(canon->id, id, "seg_ref: id is the shmid");
	CHECK_U64(shmkit_seg_size(seg), 4096, "seg_size is 4096");
	CHECK_RC(shmkit_seg_pread(seg, &byte, 1, 0), -EINVAL, "pread before attach");

	rc = shmkit_seg_attach(seg, 0);
	if (!CHECK_RC(rc, 0, "attach read-write")) {
		shmkit_seg_close(seg);
		return;
	}
	CHECK_TRUE(sysv_stat(id, &ds) == 0 && ds.shm_nattch == 1, "nattch is 1 while attached");
	CHECK_RC(shmkit_seg_attach(seg, 0), -EBUSY, "a second attach");
	CHECK_TRUE(sysv_stat(id, &ds) == 0 && ds.shm_nattch == 1,
		   "a failed attach keeps the mapping and adds none");
	CHECK_TRUE(pread_zeros(seg, 4096), "a new SysV segment reads as zeros");
	CHECK_TRUE(raw_fill(seg, 4096, 1) == 0, "test setup: fill it through shmat");
	CHECK_TRUE(pread_same(seg, 4096, 1), "pread shows bytes written by another mapping");

	CHECK_RC(shmkit_seg_detach(seg), 0, "detach");
	CHECK_RC(shmkit_seg_pread(seg, &byte, 1, 0), -EINVAL, "pread after detach");
	CHECK_TRUE(sysv_stat(id, &ds) == 0 && ds.shm_nattch == 0, "nattch is 0 after detach");
	CHECK_RC(shmkit_seg_detach(seg), 0, "detach when not attached");

	CHECK_RC(shmkit_seg_attach(seg, 0), 0, "attach again after detach");
	CHECK_TRUE(pread_same(seg, 4096, 1), "the bytes written are there on the second attach");

	errno = EXDEV;
	shmkit_seg_close(seg);
	CHECK_RC(errno, EXDEV, "seg_close preserves errno");
	CHECK_TRUE(sysv_stat(id, &ds) == 0, "seg_close never removes the segment");
	CHECK_U64(ds.shm_nattch, 0, "seg_close detaches");
	errno = EXDEV;
	shmkit_seg_close(NULL);
	CHECK_RC(errno, EXDEV, "seg_close(NULL) does nothing");
}

static void test_sysv_open(void)
{
	struct shmkit_ref ref = ref_of("0x5eed0001"), bad;
	struct shmkit_seg *seg = SEG_SENTINEL;
	int id = shmget(KEY(1), 0, 0), rc;
	struct shmkit_write_result r;
	unsigned char byte, *raw;
	char text[32];
	int in;

	if (!CHECK_TRUE(id >= 0, "test setup: 0x5eed0001 from the create test"))
		return;

	rc = shmkit_seg_open(&ref, SHMKIT_RDONLY, &seg);
	if (CHECK_RC(rc, 0, "open 0x5eed0001 read-only")) {
		CHECK_U64(shmkit_seg_ref(seg)->by, SHMKIT_BY_ID, "seg_ref of a key-opened segment is BY_ID");
		CHECK_I64(shmkit_seg_ref(seg)->id, id, "seg_ref: id");
		CHECK_U64(shmkit_seg_size(seg), 4096, "seg_size at open");
		CHECK_RC(shmkit_seg_attach(seg, SHMKIT_RDONLY), 0, "attach read-only");
		CHECK_TRUE(pread_same(seg, 4096, 1), "read-only mapping shows what was written");
		CHECK_RC(shmkit_seg_detach(seg), 0, "detach");
		rc = shmkit_seg_attach(seg, 0);
		CHECK_TRUE(rc < 0, "read-write attach of a read-only open fails (got %d)", rc);
		CHECK_RC(shmkit_seg_pread(seg, &byte, 1, 0), -EINVAL, "and leaves it unattached");
		shmkit_seg_close(seg);
	}

	/* By id, both spellings, read-write. */
	snprintf(text, sizeof(text), "id:%d", id);
	ref = ref_of(text);
	rc = shmkit_seg_open(&ref, 0, &seg);
	if (CHECK_RC(rc, 0, "open %s read-write", text)) {
		CHECK_I64(shmkit_seg_ref(seg)->id, id, "seg_ref of %s", text);
		CHECK_RC(shmkit_seg_attach(seg, 0), 0, "attach %s read-write", text);
		shmkit_seg_close(seg);
	}
	/* What shmwrite does with id:N: a byte written there shows in another mapping. */
	raw = shmat(id, NULL, SHM_RDONLY);
	if (CHECK_TRUE(raw != (void *)-1, "test setup: shmat %d", id)) {
		byte = raw[0];
		in = pipe_with(1, byte ^ 0xff);		/* pattern byte 0 is the seed */
		CHECK_RC(write_in(&ref, in, 0, &r), 0, "write 1 byte through %s", text);
		CHECK_U64(r.done, 1, "wrote 1 byte through %s", text);
		CHECK_TRUE(raw[0] == (byte ^ 0xff), "a write through %s shows in another mapping", text);
		close(in);
		in = pipe_with(1, byte);
		CHECK_RC(write_in(&ref, in, 0, &r), 0, "write the byte back through %s", text);
		close(in);
		shmdt(raw);
	}
	snprintf(text, sizeof(text), "%d", id);
	ref = ref_of(text);
	rc = shmkit_seg_open(&ref, SHMKIT_RDONLY, &seg);
	if (CHECK_RC(rc, 0, "open '%s' (a plain shmid)", text))
		shmkit_seg_close(seg);

	/* Failures leave *out alone. */
	seg = SEG_SENTINEL;
	ref = ref_of("0x5eedffff");
	CHECK_RC(shmkit_seg_open(&ref, 0, &seg), -ENOENT, "open a missing key");
	CHECK_TRUE(seg == SEG_SENTINEL, "failed open leaves *out untouched");
	ref = id_ref(id + 1000000);
	CHECK_RC(shmkit_seg_open(&ref, SHMKIT_RDONLY, &seg), -ENOENT, "open a missing shmid");
	ref = id_ref(INT_MAX);
	CHECK_RC(shmkit_seg_open(&ref, SHMKIT_RDONLY, &seg), -ENOENT, "open shmid INT_MAX");
	memset(&bad, 0, sizeof(bad));
	bad.kind = SHMKIT_SYSV;
	bad.by = SHMKIT_BY_KEY;
	bad.key = IPC_PRIVATE;
	CHECK_RC(shmkit_seg_open(&bad, 0, &seg), -SHMKIT_EPRIVATE, "open key 0");
	bad.by = SHMKIT_BY_PRIVATE;
	rc = shmkit_seg_open(&bad, 0, &seg);
	CHECK_TRUE(rc < 0, "open of 'private' is refused (got %d)", rc);
	CHECK_TRUE(seg == SEG_SENTINEL, "failed opens leave *out untouched");
}

static void test_sysv_stat(void)
{
	struct shmkit_ref ref = ref_of("0x5eed0001"), bad;
	struct shmkit_info info;
	struct shmkit_seg *seg;
	int id = shmget(KEY(1), 0, 0), rc;
	char text[32];

	if (!CHECK_TRUE(id >= 0, "test setup: 0x5eed0001 from the create test"))
		return;

	/* Unattached, then attached by us. */
	info_sentinel(&info);
	CHECK_RC(shmkit_stat(&ref, &info), 0, "stat 0x5eed0001");
	check_sysv_info(__FILE__, __LINE__, "stat 0x5eed0001", &info, id);
	CHECK_U64(info.nattch, 0, "stat: nattch 0 when nobody is attached");

	if (!CHECK_RC(shmkit_seg_open(&ref, 0, &seg), 0, "open 0x5eed0001"))
		return;
	CHECK_RC(shmkit_seg_attach(seg, 0), 0, "attach 0x5eed0001");
	snprintf(text, sizeof(text), "%d", id);
	ref = ref_of(text);
	info_sentinel(&info);
	CHECK_RC(shmkit_stat(&ref, &info), 0, "stat %s", text);
	check_sysv_info(__FILE__, __LINE__, "stat by id while attached", &info, id);
	CHECK_U64(info.nattch, 1, "stat: nattch 1 while attached");
	CHECK_I64(info.lpid, getpid(), "stat: lpid is the attacher");
	CHECK_U64((uint32_t)info.key, 0x5eed0001u, "stat by id reports the key");

	/* SHM_LOCK shows as a status bit, not in the mode. */
	if (shmctl(id, SHM_LOCK, NULL) == 0) {
		CHECK_RC(shmkit_stat(&ref, &info), 0, "stat a locked segment");
		CHECK_TRUE(info.status & SHMKIT_ST_LOCKED, "status has LOCKED after SHM_LOCK");
		CHECK_U64(info.mode, 0660, "mode of a locked segment is still 0660");
		shmctl(id, SHM_UNLOCK, NULL);
		CHECK_RC(shmkit_stat(&ref, &info), 0, "stat after SHM_UNLOCK");
		CHECK_U64(info.status & SHMKIT_ST_LOCKED, 0, "status lacks LOCKED after SHM_UNLOCK");
	} else {
		skip_note("SHM_LOCK status", strerror(errno));
	}
	shmkit_seg_close(seg);

	/* Missing segments; key 0; 'private'. */
	info_sentinel(&info);
	ref = ref_of("0x5eedffff");
	CHECK_RC(shmkit_stat(&ref, &info), -ENOENT, "stat a missing key");
	CHECK_TRUE(info_is_sentinel(&info), "failed stat leaves *out untouched");
	ref = id_ref(id + 1000000);
	CHECK_RC(shmkit_stat(&ref, &info), -ENOENT, "stat a missing shmid");
	CHECK_TRUE(info_is_sentinel(&info), "failed stat leaves *out untouched");
	memset(&bad, 0, sizeof(bad));
	bad.kind = SHMKIT_SYSV;
	bad.by = SHMKIT_BY_KEY;
	bad.key = IPC_PRIVATE;
	CHECK_RC(shmkit_stat(&bad, &info), -SHMKIT_EPRIVATE, "stat key 0");
	bad.by = SHMKIT_BY_PRIVATE;
	rc = shmkit_stat(&bad, &info);
	CHECK_TRUE(rc < 0, "stat of 'private' is refused (got %d)", rc);
	CHECK_TRUE(info_is_sentinel(&info), "failed stats leave *out untouched");
}

static void test_sysv_exists_reuse(void)
{
	struct shmkit_ref ref = key_ref(KEY(2));
	struct shmkit_seg *seg = SEG_SENTINEL, *first;
	struct shmid_ds ds;
	int id;

	if (!CHECK_RC(shmkit_seg_create(&ref, 4096, 0600, 0, &first), 0, "create 0x5eed0002"))
		return;
	id = shmkit_seg_ref(first)->id;

	CHECK_RC(shmkit_seg_create(&ref, 4096, 0600, 0, &seg), -EEXIST, "create 0x5eed0002 again");
	CHECK_TRUE(seg == SEG_SENTINEL, "failed create leaves *out untouched");
	CHECK_RC(shmkit_seg_create(&ref, 4097, 0600, SHMKIT_CREATE_REUSE, &seg),
		 -SHMKIT_ETOOSMALL, "reuse 4096 bytes for 4097");
	CHECK_RC(shmkit_seg_create(&ref, 8192, 0600, SHMKIT_CREATE_REUSE, &seg),
		 -SHMKIT_ETOOSMALL, "reuse 4096 bytes for 8192");
	CHECK_TRUE(seg == SEG_SENTINEL, "failed reuse leaves *out untouched");

	if (CHECK_RC(shmkit_seg_create(&ref, 4096, 0644, SHMKIT_CREATE_REUSE, &seg), 1,
		     "reuse 4096 bytes for 4096 returns 1")) {
		CHECK_I64(shmkit_seg_ref(seg)->id, id, "reuse opens the same shmid");
		CHECK_U64(shmkit_seg_ref(seg)->by, SHMKIT_BY_ID, "reused seg_ref is BY_ID");
		CHECK_U64(shmkit_seg_size(seg), 4096, "reused seg_size");
		shmkit_seg_close(seg);
	}
	if (CHECK_RC(shmkit_seg_create(&ref, 1, 0644, SHMKIT_CREATE_REUSE, &seg), 1,
		     "reuse 4096 bytes for 1 returns 1")) {
		CHECK_U64(shmkit_seg_size(seg), 4096, "reuse reports the real size, not the asked one");
		CHECK_RC(shmkit_seg_attach(seg, 0), 0, "attach a reused segment");
		shmkit_seg_close(seg);
	}
	CHECK_TRUE(sysv_stat(id, &ds) == 0, "IPC_STAT of the reused segment");
	CHECK_U64(ds.shm_perm.mode & 0777, 0600, "reuse never changes the mode");
	CHECK_U64(ds.shm_segsz, 4096, "reuse never resizes");
	shmkit_seg_close(first);

	/* What cannot be created. */
	seg = SEG_SENTINEL;
	ref = id_ref(id);
	CHECK_RC(shmkit_seg_create(&ref, 4096, 0600, 0, &seg), -EINVAL, "create a shmid ref");
	ref = key_ref(KEY(3));
	CHECK_TRUE(shmkit_seg_create(&ref, 0, 0600, 0, &seg) < 0, "create SysV of 0 bytes fails");
	CHECK_TRUE(shmget(KEY(3), 0, 0) < 0, "and creates nothing");
	CHECK_TRUE(seg == SEG_SENTINEL, "failed creates leave *out untouched");
}


/* What shmrm does for one reference: stat it, then the checked removal, forced. */
static int remove_ref(const struct shmkit_ref *ref, uint64_t *nattch)
{
	struct shmkit_info info;
	int rc = shmkit_stat(ref, &info);

	if (rc < 0)
		return rc;
	rc = shmkit_remove_checked(&info, NULL, SHMKIT_RM_FORCE, nattch);
	return rc < 0 ? rc : 0;
}

static void test_sysv_private(void)
{
	struct shmkit_ref ref = ref_of("private");
	struct shmkit_seg *a, *b;
	struct shmid_ds ds;
	uint64_t n = 99;
	int ida = -1, idb = -1;

	if (CHECK_RC(shmkit_seg_create(&ref, 4096, 0600, 0, &a), 0, "create private")) {
		ida = shmkit_seg_ref(a)->id;
		CHECK_U64(shmkit_seg_ref(a)->by, SHMKIT_BY_ID, "seg_ref of a private segment is BY_ID");
		CHECK_TRUE(sysv_stat(ida, &ds) == 0 && ds.shm_perm.__key == IPC_PRIVATE,
			   "the shmid names an IPC_PRIVATE segment");
		shmkit_seg_close(a);
	}
	if (CHECK_RC(shmkit_seg_create(&ref, 4096, 0600, 0, &b), 0, "create private again")) {
		idb = shmkit_seg_ref(b)->id;
		CHECK_TRUE(idb != ida, "each private create makes a new segment");
		shmkit_seg_close(b);
	}
	if (ida >= 0) {
		ref = id_ref(ida);
		CHECK_RC(remove_ref(&ref, &n), 0, "remove the private segment by id");
		CHECK_U64(n, 0, "nattch 0: it is gone");
	}
	if (idb >= 0) {
		ref = id_ref(idb);
		CHECK_RC(remove_ref(&ref, NULL), 0, "remove with nattch NULL");
		CHECK_TRUE(sysv_stat(idb, &ds) < 0, "and it is gone");
	}
}

static void test_sysv_remove(void)
{
	struct shmkit_ref ref = key_ref(KEY(4)), byid, bad;
	struct shmkit_info info;
	struct shmkit_seg *seg;
	struct shmid_ds ds;
	uint64_t n = 99;
	int id;

	/* Attached: only marked. */
	if (!CHECK_RC(shmkit_seg_create(&ref, 4096, 0600, 0, &seg), 0, "create 0x5eed0004"))
		return;
	id = shmkit_seg_ref(seg)->id;
	byid = id_ref(id);
	CHECK_RC(shmkit_seg_attach(seg, 0), 0, "attach 0x5eed0004");
	CHECK_RC(remove_ref(&ref, &n), 0, "remove an attached segment by key");
	CHECK_U64(n, 1, "remove reports 1 attachment left");
	CHECK_TRUE(sysv_stat(id, &ds) == 0, "the segment still exists while attached");
	CHECK_TRUE(ds.shm_perm.mode & SHM_DEST, "and the kernel marked it SHM_DEST");
	info_sentinel(&info);
	CHECK_RC(shmkit_stat(&byid, &info), 0, "stat the marked segment by id");
	CHECK_TRUE(info.status & SHMKIT_ST_DEST, "stat: status has DEST");
	CHECK_U64(info.mode, 0600, "stat: mode of a marked segment is still 0600");
	CHECK_U64(info.nattch, 1, "stat: nattch 1");
	CHECK_U64(info.key, 0, "stat: its key reads 0 after IPC_RMID");
	CHECK_RC(shmkit_stat(&ref, &info), -ENOENT, "stat by the old key: no such segment");
	CHECK_TRUE(pread_zeros(seg, 4096), "the mapping still works");
	shmkit_seg_close(seg);
	CHECK_TRUE(sysv_stat(id, &ds) < 0, "last detach destroys it");
	CHECK_RC(shmkit_stat(&byid, &info), -ENOENT, "stat by id after it is gone");

	/* Unattached: gone at once. */
	if (CHECK_RC(shmkit_seg_create(&ref, 4096, 0600, 0, &seg), 0, "create 0x5eed0004 again")) {
		id = shmkit_seg_ref(seg)->id;
		shmkit_seg_close(seg);
		n = 99;
		CHECK_RC(remove_ref(&ref, &n), 0, "remove an unattached segment");
		CHECK_U64(n, 0, "remove reports 0 attachments");
		CHECK_TRUE(sysv_stat(id, &ds) < 0, "the segment is gone");
		CHECK_TRUE(shmget(KEY(4), 0, 0) < 0, "its key is free");
	}

	n = 99;
	CHECK_RC(remove_ref(&ref, &n), -ENOENT, "remove a missing key");
	byid = id_ref(id);
	CHECK_RC(remove_ref(&byid, &n), -ENOENT, "remove a missing shmid");
	memset(&bad, 0, sizeof(bad));
	bad.kind = SHMKIT_SYSV;
	bad.by = SHMKIT_BY_KEY;
	bad.key = IPC_PRIVATE;
	CHECK_RC(remove_ref(&bad, &n), -SHMKIT_EPRIVATE, "remove key 0");
}

static void test_sysv_removed_meanwhile(void)
{
	struct shmkit_ref ref = key_ref(KEY(5));
	struct shmkit_seg *seg;
	unsigned char byte;
	int id, rc;

	if (!CHECK_RC(shmkit_seg_create(&ref, 4096, 0600, 0, &seg), 0, "create 0x5eed0005"))
		return;
	id = shmkit_seg_ref(seg)->id;
	shmctl(id, IPC_RMID, NULL);
	rc = shmkit_seg_attach(seg, 0);
	CHECK_TRUE(rc == -EIDRM || rc == -EINVAL,
		   "attach after IPC_RMID gives -EIDRM or -EINVAL (got %d)", rc);
	CHECK_RC(shmkit_seg_pread(seg, &byte, 1, 0), -EINVAL, "and leaves it unattached");
	shmkit_seg_close(seg);
}

/* ------------------------------------------------------------- POSIX */

static void test_posix_create_attach(void)
{
	struct shmkit_ref ref = name_ref("a");
	struct shmkit_seg *seg = SEG_SENTINEL;
	char path[SHMKIT_NAME_MAX + 16];
	struct shmkit_info info;
	char perms[5] = "";
	struct stat st;
	int rc;

	umask(077);
	rc = shmkit_seg_create(&ref, 10000, 0640, 0, &seg);
	umask(022);
	if (!CHECK_RC(rc, 0, "create %s, 10000 bytes, mode 0640", ref.name))
		return;
	path_of(&ref, path, sizeof(path));
	if (CHECK_TRUE(lstat(path, &st) == 0, "%s exists", path)) {
		CHECK_TRUE(S_ISREG(st.st_mode), "it is a regular file");
		CHECK_U64(st.st_mode & 07777, 0640, "mode is applied exactly, umask 077 ignored");
		CHECK_U64(st.st_size, 10000, "size is 10000");
		CHECK_TRUE((uint64_t)st.st_blocks * 512 >= 10000,
			   "blocks are reserved (%llu bytes allocated)",
			   (unsigned long long)st.st_blocks * 512);
	}
	CHECK_U64(shmkit_seg_ref(seg)->kind, SHMKIT_POSIX, "seg_ref: kind POSIX");
	CHECK_U64(shmkit_seg_ref(seg)->by, SHMKIT_BY_NAME, "seg_ref: BY_NAME");
	CHECK_STR(shmkit_seg_ref(seg)->name, ref.name, "seg_ref: name");
	CHECK_U64(shmkit_seg_size(seg), 10000, "seg_size");
	CHECK_I64(mappings_of(path, NULL), 0, "not mapped before attach");
	CHECK_RC(shmkit_seg_attach(seg, 0), 0, "attach read-write");
	CHECK_I64(mappings_of(path, perms), 1, "mapped once after attach");
	CHECK_STR(perms, "rw-s", "a read-write shared mapping");
	CHECK_TRUE(pread_zeros(seg, 10000), "a new object reads as zeros");
	CHECK_TRUE(raw_fill(seg, 10000, 2) == 0, "test setup: fill it through mmap");
	CHECK_TRUE(pread_same(seg, 10000, 2), "pread shows bytes written by another mapping");
	CHECK_RC(shmkit_seg_attach(seg, SHMKIT_RDONLY), -EBUSY, "a second attach");
	CHECK_I64(mappings_of(path, NULL), 1, "a failed attach keeps the mapping and adds none");
	errno = EXDEV;
	shmkit_seg_close(seg);
	CHECK_RC(errno, EXDEV, "seg_close preserves errno");
	CHECK_TRUE(access(path, F_OK) == 0, "seg_close never removes the object");

	/* Read-only open and attach. */
	seg = SEG_SENTINEL;
	if (CHECK_RC(shmkit_seg_open(&ref, SHMKIT_RDONLY, &seg), 0, "open %s read-only", ref.name)) {
		CHECK_U64(shmkit_seg_size(seg), 10000, "seg_size at open");
		CHECK_STR(shmkit_seg_ref(seg)->name, ref.name, "seg_ref: name");
		CHECK_RC(shmkit_seg_attach(seg, SHMKIT_RDONLY), 0, "attach read-only");
		CHECK_I64(mappings_of(path, perms), 1, "mapped once after a read-only attach");
		CHECK_STR(perms, "r--s", "a read-only shared mapping");
		CHECK_TRUE(pread_same(seg, 10000, 2), "a read-only open shows what was written");
		CHECK_RC(shmkit_seg_detach(seg), 0, "detach");
		CHECK_I64(mappings_of(path, NULL), 0, "not mapped after detach");
		rc = shmkit_seg_attach(seg, 0);
		CHECK_TRUE(rc < 0, "read-write attach of a read-only open fails (got %d)", rc);
		shmkit_seg_close(seg);
	}

	/* Snapshot. */
	info_sentinel(&info);
	CHECK_RC(shmkit_stat(&ref, &info), 0, "stat %s", ref.name);
	check_posix_info(__FILE__, __LINE__, "stat POSIX", &info, &ref);
	CHECK_U64(info.mode, 0640, "stat: mode 0640");
	CHECK_U64(info.size, 10000, "stat: size 10000");

	/* Exists, reuse. */
	seg = SEG_SENTINEL;
	CHECK_RC(shmkit_seg_create(&ref, 10000, 0640, 0, &seg), -EEXIST, "create %s again", ref.name);
	CHECK_RC(shmkit_seg_create(&ref, 10001, 0640, SHMKIT_CREATE_REUSE, &seg),
		 -SHMKIT_ETOOSMALL, "reuse 10000 bytes for 10001");
	CHECK_TRUE(seg == SEG_SENTINEL, "failed creates leave *out untouched");
	if (CHECK_RC(shmkit_seg_create(&ref, 100, 0600, SHMKIT_CREATE_REUSE, &seg), 1,
		     "reuse 10000 bytes for 100 returns 1")) {
		CHECK_U64(shmkit_seg_size(seg), 10000, "reuse reports the real size");
		CHECK_RC(shmkit_seg_attach(seg, 0), 0, "attach the reused object");
		CHECK_TRUE(pread_same(seg, 10000, 2), "reuse keeps the contents");
		shmkit_seg_close(seg);
	}
	if (CHECK_TRUE(lstat(path, &st) == 0, "%s still exists", path)) {
		CHECK_U64(st.st_size, 10000, "reuse never shrinks");
		CHECK_U64(st.st_mode & 07777, 0640, "reuse never changes the mode");
	}

	/* Missing. */
	seg = SEG_SENTINEL;
	ref = name_ref("missing");
	CHECK_RC(shmkit_seg_open(&ref, 0, &seg), -ENOENT, "open a missing name");
	CHECK_TRUE(seg == SEG_SENTINEL, "failed open leaves *out untouched");
	info_sentinel(&info);
	CHECK_RC(shmkit_stat(&ref, &info), -ENOENT, "stat a missing name");
	CHECK_TRUE(info_is_sentinel(&info), "failed stat leaves *out untouched");
	CHECK_TRUE(shmkit_seg_create(&ref, 0, 0600, 0, &seg) < 0, "create POSIX of 0 bytes fails");
	CHECK_TRUE(access(path_of(&ref, path, sizeof(path)), F_OK) < 0, "and leaves nothing behind");
}

static void test_posix_remove(void)
{
	struct shmkit_ref ref = name_ref("rm");
	char path[SHMKIT_NAME_MAX + 16];
	struct shmkit_seg *seg;
	uint64_t n = 99;

	path_of(&ref, path, sizeof(path));
	if (CHECK_RC(shmkit_seg_create(&ref, 4096, 0600, 0, &seg), 0, "create %s", ref.name)) {
		shmkit_seg_close(seg);
		CHECK_RC(remove_ref(&ref, &n), 0, "remove %s", ref.name);
		CHECK_U64(n, 0, "POSIX remove reports 0");
		CHECK_TRUE(access(path, F_OK) < 0 && errno == ENOENT, "the object is gone");
	}
	CHECK_RC(remove_ref(&ref, &n), -ENOENT, "remove it again");

	/* Held by a mapping: unlinked, the mapping lives on. */
	if (CHECK_RC(shmkit_seg_create(&ref, 4096, 0600, 0, &seg), 0, "create %s again", ref.name)) {
		CHECK_RC(shmkit_seg_attach(seg, 0), 0, "attach it");
		n = 99;
		CHECK_RC(remove_ref(&ref, &n), 0, "remove an attached object");
		CHECK_U64(n, 0, "POSIX remove always reports 0");
		CHECK_TRUE(access(path, F_OK) < 0, "the name is gone");
		CHECK_I64(mappings_of(path, NULL), 1, "the mapping lives on");
		CHECK_TRUE(pread_zeros(seg, 4096), "and the object still reads");
		shmkit_seg_close(seg);
	}
}

static void test_posix_zero_length(void)
{
	struct shmkit_ref ref = name_ref("empty");
	char path[SHMKIT_NAME_MAX + 16];
	struct shmkit_write_result r;
	struct shmkit_info info;
	struct shmkit_seg *seg;
	unsigned char byte;
	struct stat st;
	size_t n = 99;
	int fd, in;

	fd = shm_open(ref.name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (!CHECK_TRUE(fd >= 0, "test setup: shm_open(%s) without ftruncate", ref.name))
		return;
	close(fd);
	CHECK_RC(shmkit_stat(&ref, &info), 0, "stat a zero-length object");
	CHECK_U64(info.size, 0, "its size is 0");
	if (!CHECK_RC(shmkit_seg_open(&ref, 0, &seg), 0, "open a zero-length object"))
		return;
	CHECK_U64(shmkit_seg_size(seg), 0, "seg_size is 0");
	CHECK_RC(shmkit_seg_attach(seg, 0), 0, "attach a zero-length object");
	CHECK_I64(mappings_of(path_of(&ref, path, sizeof(path)), NULL), 0,
		  "attaching it maps nothing");
	CHECK_RC(shmkit_seg_pread(seg, &byte, 1, 0), 0, "pread of 1 byte from it gives 0");
	fd = open("/dev/null", O_WRONLY);
	CHECK_RC(shmkit_seg_copy_out(seg, fd, 0, 0, &n), 0, "copy_out of 0 bytes from it");
	CHECK_U64(n, 0, "copied 0 bytes");
	CHECK_RC(shmkit_seg_copy_out(seg, fd, 0, 1, NULL), -EINVAL, "copy_out of 1 byte from it");
	close(fd);
	in = pipe_with(0, 0);
	CHECK_RC(write_in(&ref, in, 0, &r), 0, "write_fd of empty input into it");
	CHECK_U64(r.done, 0, "wrote 0 bytes");
	CHECK_U64(r.size, 0, "it stays empty");
	close(in);
	in = pipe_with(1, 0);
	CHECK_RC(write_in(&ref, in, 0, &r), -EFBIG, "write_fd of 1 byte into it");
	CHECK_U64(r.done, 0, "wrote 0 bytes");
	close(in);
	CHECK_TRUE(stat(path, &st) == 0 && st.st_size == 0, "and it is still empty");
	CHECK_RC(shmkit_seg_attach(seg, 0), -EBUSY, "a second attach of a zero-length object");
	CHECK_RC(shmkit_seg_detach(seg), 0, "detach a zero-length object");
	shmkit_seg_close(seg);
}

/* Entries in /dev/shm that are not regular files. */
static void test_posix_not_shm(void)
{
	struct shmkit_ref dir = name_ref("dir"), link = name_ref("link"),
			  target = name_ref("target"), fifo = name_ref("fifo");
	char path[SHMKIT_NAME_MAX + 16], tpath[SHMKIT_NAME_MAX + 16];
	struct shmkit_seg *seg = SEG_SENTINEL;
	struct shmkit_info info;
	int rc, status;
	pid_t pid;

	if (CHECK_TRUE(mkdir(path_of(&dir, path, sizeof(path)), 0700) == 0, "test setup: mkdir %s", path)) {
		CHECK_RC(shmkit_stat(&dir, &info), -SHMKIT_ENOTSHM, "stat a directory");
		CHECK_RC(shmkit_seg_open(&dir, SHMKIT_RDONLY, &seg), -SHMKIT_ENOTSHM,
			 "open a directory read-only");
		CHECK_RC(shmkit_seg_open(&dir, 0, &seg), -SHMKIT_ENOTSHM, "open a directory read-write");
		CHECK_TRUE(seg == SEG_SENTINEL, "failed opens leave *out untouched");
	}

	if (CHECK_RC(shmkit_seg_create(&target, 4096, 0600, 0, &seg), 0, "create %s", target.name)) {
		shmkit_seg_close(seg);
		seg = SEG_SENTINEL;
		path_of(&target, tpath, sizeof(tpath));
		if (CHECK_TRUE(symlink(tpath, path_of(&link, path, sizeof(path))) == 0,
			       "test setup: symlink %s", path)) {
			CHECK_RC(shmkit_stat(&link, &info), -SHMKIT_ENOTSHM, "stat a symlink");
			CHECK_RC(shmkit_seg_open(&link, SHMKIT_RDONLY, &seg), -SHMKIT_ENOTSHM,
				 "open a symlink is refused, not followed");
			CHECK_TRUE(seg == SEG_SENTINEL, "failed open leaves *out untouched");
			rc = remove_ref(&link, NULL);
			printf("# note: remove of a symlink entry returns %d\n", rc);
			CHECK_TRUE(access(tpath, F_OK) == 0, "the symlink's target is never removed");
		}
	}

	/* A FIFO must not block an open: test it in a child with a deadline. */
	if (CHECK_TRUE(mkfifo(path_of(&fifo, path, sizeof(path)), 0666) == 0, "test setup: mkfifo %s", path)) {
		CHECK_RC(shmkit_stat(&fifo, &info), -SHMKIT_ENOTSHM, "stat a FIFO");
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			struct shmkit_seg *s;

			alarm(5);
			rc = shmkit_seg_open(&fifo, SHMKIT_RDONLY, &s);
			_exit(rc == -SHMKIT_ENOTSHM ? 0 : rc == 0 ? 2 : 1);
		}
		if (CHECK_TRUE(pid > 0, "test setup: fork")) {
			waitpid(pid, &status, 0);
			CHECK_TRUE(!WIFSIGNALED(status), "open of a FIFO does not block (the child got no signal %d)",
				   WIFSIGNALED(status) ? WTERMSIG(status) : 0);
			CHECK_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
				   "open of a FIFO gives -SHMKIT_ENOTSHM (child status %d)",
				   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		}
	}
}

/* -------------------------------------------------------------- listing */

static const struct shmkit_info *find_id(const struct shmkit_info *v, size_t n, int id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].kind == SHMKIT_SYSV && v[i].id == id)
			return &v[i];
	return NULL;
}

static const struct shmkit_info *find_name(const struct shmkit_info *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].kind == SHMKIT_POSIX && strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

static int name_listed_with(const struct shmkit_info *v, size_t n, const char *part)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].kind == SHMKIT_POSIX && strstr(v[i].name, part))
			return 1;
	return 0;
}

static void test_list(void)
{
	struct shmkit_ref ka = key_ref(KEY(6)), kb = key_ref(KEY(7)),
			  pa = name_ref("list-b"), pb = name_ref("list-a"),
			  dir = name_ref("list-dir"), link = name_ref("list-link");
	struct shmkit_seg *sa = NULL, *sb = NULL, *xa = NULL, *xb = NULL;
	char path[SHMKIT_NAME_MAX + 16], tpath[SHMKIT_NAME_MAX + 16], sem[128];
	const struct shmkit_info *e;
	struct shmkit_info *v = NULL;
	size_t n = 0, i;
	int ida = -1, idb = -1, fd, sorted;

	CHECK_RC(shmkit_seg_create(&ka, 4096, 0600, 0, &sa), 0, "create 0x5eed0006");
	CHECK_RC(shmkit_seg_create(&kb, 8192, 0640, 0, &sb), 0, "create 0x5eed0007");
	CHECK_RC(shmkit_seg_create(&pa, 4096, 0600, 0, &xa), 0, "create %s", pa.name);
	CHECK_RC(shmkit_seg_create(&pb, 100, 0644, 0, &xb), 0, "create %s", pb.name);
	if (!sa || !sb || !xa || !xb)
		goto out;
	ida = shmkit_seg_ref(sa)->id;
	idb = shmkit_seg_ref(sb)->id;
	CHECK_RC(shmkit_seg_attach(sa, 0), 0, "attach 0x5eed0006");

	/* Things the POSIX scan must leave out. */
	snprintf(sem, sizeof(sem), SHM_DIR "/sem.%slist", prefix);
	fd = open(sem, O_CREAT | O_EXCL | O_WRONLY, 0600);
	CHECK_TRUE(fd >= 0, "test setup: create %s", sem);
	if (fd >= 0)
		close(fd);
	CHECK_TRUE(mkdir(path_of(&dir, path, sizeof(path)), 0700) == 0, "test setup: mkdir %s", path);
	path_of(&pa, tpath, sizeof(tpath));
	CHECK_TRUE(symlink(tpath, path_of(&link, path, sizeof(path))) == 0, "test setup: symlink %s", path);

	if (!CHECK_RC(shmkit_list_at(-1, SHMKIT_LIST_ALL, &v, &n), 0, "list all"))
		goto out;
	CHECK_TRUE(v != NULL && n >= 4, "list all gives at least our 4 segments (n %zu)", n);

	e = find_id(v, n, ida);
	if (CHECK_TRUE(e != NULL, "list has SysV shmid %d", ida)) {
		check_sysv_info(__FILE__, __LINE__, "list: 0x5eed0006", e, ida);
		CHECK_U64(e->nattch, 1, "list: 0x5eed0006 has nattch 1");
		CHECK_U64((uint32_t)e->key, 0x5eed0006u, "list: key 0x5eed0006");
	}
	e = find_id(v, n, idb);
	if (CHECK_TRUE(e != NULL, "list has SysV shmid %d", idb)) {
		check_sysv_info(__FILE__, __LINE__, "list: 0x5eed0007", e, idb);
		CHECK_U64(e->size, 8192, "list: 0x5eed0007 size");
		CHECK_U64(e->mode, 0640, "list: 0x5eed0007 mode");
	}
	e = find_name(v, n, pa.name);
	if (CHECK_TRUE(e != NULL, "list has %s", pa.name))
		check_posix_info(__FILE__, __LINE__, "list: POSIX list-b", e, &pa);
	e = find_name(v, n, pb.name);
	if (CHECK_TRUE(e != NULL, "list has %s", pb.name)) {
		check_posix_info(__FILE__, __LINE__, "list: POSIX list-a", e, &pb);
		CHECK_U64(e->size, 100, "list: list-a size");
		CHECK_U64(e->mode, 0644, "list: list-a mode");
	}
	CHECK_TRUE(!name_listed_with(v, n, "list-dir"), "list leaves out a directory");
	CHECK_TRUE(!name_listed_with(v, n, "list-link"), "list leaves out a symlink");
	CHECK_TRUE(!name_listed_with(v, n, "sem."), "list leaves out sem.* semaphores");

	/* SysV first by id, then POSIX by name. */
	sorted = 1;
	for (i = 1; i < n; i++) {
		if (v[i - 1].kind == SHMKIT_POSIX && v[i].kind == SHMKIT_SYSV)
			sorted = 0;
		if (v[i - 1].kind == SHMKIT_SYSV && v[i].kind == SHMKIT_SYSV && v[i - 1].id >= v[i].id)
			sorted = 0;
		if (v[i - 1].kind == SHMKIT_POSIX && v[i].kind == SHMKIT_POSIX &&
		    strcmp(v[i - 1].name, v[i].name) >= 0)
			sorted = 0;
	}
	CHECK_TRUE(sorted, "list: SysV first by id, then POSIX by name");
	for (i = 0; i < n; i++)
		if (v[i].kind != SHMKIT_SYSV && v[i].kind != SHMKIT_POSIX)
			break;
	CHECK_TRUE(i == n, "list: every entry has a kind");
	errno = EXDEV;
	shmkit_info_free(v);
	CHECK_RC(errno, EXDEV, "info_free preserves errno");
	shmkit_info_free(NULL);
	CHECK_RC(errno, EXDEV, "info_free(NULL) does nothing");

	/* One kind at a time. */
	v = NULL;
	if (CHECK_RC(shmkit_list_at(-1, SHMKIT_LIST_SYSV, &v, &n), 0, "list SysV")) {
		for (i = 0; i < n && v[i].kind == SHMKIT_SYSV; i++)
			;
		CHECK_TRUE(i == n, "list SysV gives only SysV");
		CHECK_TRUE(find_id(v, n, ida) && find_id(v, n, idb), "list SysV has both");
		shmkit_info_free(v);
	}
	v = NULL;
	if (CHECK_RC(shmkit_list_at(-1, SHMKIT_LIST_POSIX, &v, &n), 0, "list POSIX")) {
		for (i = 0; i < n && v[i].kind == SHMKIT_POSIX; i++)
			;
		CHECK_TRUE(i == n, "list POSIX gives only POSIX");
		CHECK_TRUE(find_name(v, n, pa.name) && find_name(v, n, pb.name), "list POSIX has both");
		shmkit_info_free(v);
	}

out:
	shmkit_seg_close(sa);
	shmkit_seg_close(sb);
	shmkit_seg_close(xa);
	shmkit_seg_close(xb);
	if (ida >= 0)
		shmctl(ida, IPC_RMID, NULL);
	if (idb >= 0)
		shmctl(idb, IPC_RMID, NULL);
	shm_unlink(pa.name);
	shm_unlink(pb.name);
	unlink(sem);
	rmdir(path_of(&dir, path, sizeof(path)));
	unlink(path_of(&link, path, sizeof(path)));
}

/* ----------------------------------------------------------------- rows */

/* The row of a SysV shmid (@name NULL) or of a POSIX name with these status bits, or NULL. */
static const struct shmkit_row *row_of(const struct shmkit_rows *rows, int id, const char *name,
				       unsigned status)
{
	size_t i;

	for (i = 0; i < rows->n; i++) {
		const struct shmkit_info *e = &rows->v[i].info;

		if (name ? e->kind == SHMKIT_POSIX && strcmp(e->name, name) == 0 &&
			   e->status == status : e->kind == SHMKIT_SYSV && e->id == id)
			return &rows->v[i];
	}
	return NULL;
}

static int rows_in_listing_order(const struct shmkit_rows *rows)
{
	size_t i;

	for (i = 1; i < rows->n; i++) {
		const struct shmkit_info *a = &rows->v[i - 1].info, *b = &rows->v[i].info;

		if (a->kind != b->kind ? a->kind > b->kind : a->kind == SHMKIT_SYSV ?
		    a->id >= b->id : strcmp(a->name, b->name) > 0)
			return 0;
	}
	return 1;
}

static void test_rows(void)
{
	struct shmkit_ref ka = key_ref(KEY(20)), kb = key_ref(KEY(21)), pa = name_ref("rows-a"),
			  pb = name_ref("rows-b"), pd = name_ref("rows-d"), nx = name_ref("rows-none");
	struct shmkit_seg *sa = NULL, *sb = NULL, *xa = NULL, *xb = NULL, *xd = NULL, *xd2 = NULL;
	struct shmkit_rows_notes nt;
	struct shmkit_rows *rows = NULL;
	struct shmkit_holders *kid = NULL;
	struct shmkit_filter f;
	struct shmkit_ref refs[4];
	const struct shmkit_row *r;
	int64_t now = (int64_t)time(NULL);
	int ida = -1, idb = -1, sure;
	pid_t child = -1;

	CHECK_RC(shmkit_seg_create(&ka, 4096, 0600, 0, &sa), 0, "rows: create 0x5eed0014");
	CHECK_RC(shmkit_seg_create(&kb, 4096, 0600, 0, &sb), 0, "rows: create 0x5eed0015");
	CHECK_RC(shmkit_seg_create(&pa, 4096, 0600, 0, &xa), 0, "rows: create %s", pa.name);
	CHECK_RC(shmkit_seg_create(&pb, 4096, 0600, 0, &xb), 0, "rows: create %s", pb.name);
	CHECK_RC(shmkit_seg_create(&pd, 8192, 0600, 0, &xd), 0, "rows: create %s", pd.name);
	if (!sa || !sb || !xa || !xb || !xd)
		goto out;
	ida = shmkit_seg_ref(sa)->id;
	idb = shmkit_seg_ref(sb)->id;
	CHECK_RC(shmkit_seg_attach(sa, 0), 0, "rows: attach 0x5eed0014");
	CHECK_RC(shmkit_seg_attach(xa, 0), 0, "rows: attach %s", pa.name);
	CHECK_RC(shmkit_seg_attach(xd, 0), 0, "rows: attach %s", pd.name);
	shmkit_seg_close(xb);	/* its fd would hold it */
	xb = NULL;
	/* Unlinked while mapped, and a new object of the same name that nothing holds. */
	CHECK_RC(shm_unlink(pd.name), 0, "rows: unlink %s", pd.name);
	CHECK_RC(shmkit_seg_create(&pd, 100, 0600, 0, &xd2), 0, "rows: create %s again", pd.name);
	shmkit_seg_close(xd2);
	xd2 = NULL;
	/* A holder scan leaves out the process scanning: a child holds them for it. */
	fflush(stdout);
	child = fork();
	if (child == 0) {
		for (;;)
			pause();
	}
	if (!CHECK_TRUE(child > 0, "rows: test setup: fork"))
		goto out;

	memset(&nt, 0x55, sizeof(nt));
	if (!CHECK_RC(shmkit_rows_list(-1, NULL, NULL, 0, now, SHMKIT_ROWS_HOLDERS, &nt, &rows), 0,
		      "rows: list everything with holders"))
		goto out;
	CHECK_TRUE(nt.list_rc == 0 && nt.shmfs_rc == 0 && nt.scan_rc == 0, "rows: nothing to note");
	CHECK_TRUE(rows->h != NULL && rows->ref_rc == NULL, "rows: a snapshot, no reference results");
	sure = rows->h && shmkit_holders_unreadable(rows->h) == 0;
	CHECK_TRUE(rows_in_listing_order(rows), "rows: in listing order");
	r = row_of(rows, ida, NULL, 0);
	if (CHECK_TRUE(r != NULL, "rows: has shmid %d", ida))
		CHECK_TRUE(r->nholders == 1 && r->holders[0].pid == child && r->orphan == 0,
			   "rows: shmid %d held by the child", ida);
	r = row_of(rows, idb, NULL, 0);
	if (CHECK_TRUE(r != NULL, "rows: has shmid %d", idb))
		CHECK_TRUE(r->nholders == 0 && r->orphan == 1, "rows: shmid %d is an orphan", idb);
	r = row_of(rows, 0, pa.name, 0);
	if (CHECK_TRUE(r != NULL, "rows: has %s", pa.name))
		CHECK_TRUE(r->nholders == 1 && r->holders[0].pid == child, "rows: %s held", pa.name);
	r = row_of(rows, 0, pb.name, 0);
	if (CHECK_TRUE(r != NULL, "rows: has %s", pb.name) && sure)
		CHECK_TRUE(r->nholders == 0 && r->orphan == 1, "rows: %s is an orphan", pb.name);
	r = row_of(rows, 0, pd.name, SHMKIT_ST_DELETED);
	if (CHECK_TRUE(r != NULL, "rows: has the unlinked %s", pd.name))
		CHECK_TRUE(r->nholders == 1 && r->info.size == 8192, "rows: the unlinked one is held");
	CHECK_TRUE(row_of(rows, 0, pd.name, 0) != NULL, "rows: and the new %s", pd.name);
	errno = EXDEV;
	shmkit_rows_free(rows);
	CHECK_RC(errno, EXDEV, "rows_free preserves errno");
	shmkit_rows_free(NULL);
	CHECK_RC(errno, EXDEV, "rows_free(NULL) does nothing");

	/* Without holders: no snapshot, but the unlinked object is still found. */
	rows = NULL;
	if (CHECK_RC(shmkit_rows_list(-1, NULL, NULL, 0, now, 0, NULL, &rows), 0, "rows: no holders")) {
		CHECK_TRUE(rows->h == NULL, "rows: no snapshot kept");
		r = row_of(rows, ida, NULL, 0);
		CHECK_TRUE(r && r->nholders == 0 && r->orphan == 0, "rows: nattch still tells");
		CHECK_TRUE(row_of(rows, 0, pd.name, SHMKIT_ST_DELETED) != NULL,
			   "rows: the unlinked object without holders");
		shmkit_rows_free(rows);
	}

	/* Filters: kinds, orphans, and what one process holds. */
	memset(&f, 0, sizeof(f));
	f.kinds = SHMKIT_LIST_SYSV;
	rows = NULL;
	if (CHECK_RC(shmkit_rows_list(-1, &f, NULL, 0, now, SHMKIT_ROWS_HOLDERS, NULL, &rows), 0,
		     "rows: SysV only")) {
		CHECK_TRUE(row_of(rows, ida, NULL, 0) && !row_of(rows, 0, pa.name, 0) &&
			   !row_of(rows, 0, pd.name, SHMKIT_ST_DELETED), "rows: SysV only has no POSIX");
		shmkit_rows_free(rows);
	}
	f.kinds = 0;
	f.orphans = 1;
	rows = NULL;
	if (sure && CHECK_RC(shmkit_rows_list(-1, &f, NULL, 0, now, SHMKIT_ROWS_HOLDERS, NULL, &rows),
			     0, "rows: orphans")) {
		CHECK_TRUE(row_of(rows, idb, NULL, 0) && row_of(rows, 0, pb.name, 0) &&
			   row_of(rows, 0, pd.name, 0), "rows: orphans");
		CHECK_TRUE(!row_of(rows, ida, NULL, 0) && !row_of(rows, 0, pa.name, 0) &&
			   !row_of(rows, 0, pd.name, SHMKIT_ST_DELETED), "rows: no held ones");
		shmkit_rows_free(rows);
	}
	f.orphans = 0;
	if (!CHECK_RC(shmkit_holders_scan_pid(-1, child, &kid), 0, "rows: scan the child"))
		goto out;
	f.held_by = kid;
	rows = NULL;
	if (CHECK_RC(shmkit_rows_list(-1, &f, NULL, 0, now, SHMKIT_ROWS_HOLDERS, NULL, &rows), 0,
		     "rows: held by the child")) {
		CHECK_TRUE(row_of(rows, ida, NULL, 0) && row_of(rows, 0, pa.name, 0) &&
			   row_of(rows, 0, pd.name, SHMKIT_ST_DELETED), "rows: what the child holds");
		CHECK_TRUE(!row_of(rows, idb, NULL, 0) && !row_of(rows, 0, pb.name, 0) &&
			   !row_of(rows, 0, pd.name, 0), "rows: nothing it does not hold");
		shmkit_rows_free(rows);
	}

	/* References: in their order, unfiltered but for held_by, a missing one noted. */
	refs[0] = pb;
	refs[1] = nx;
	refs[2] = ka;
	refs[3] = pa;
	f.kinds = SHMKIT_LIST_SYSV;
	f.held_by = NULL;
	rows = NULL;
	memset(&nt, 0x55, sizeof(nt));
	if (CHECK_RC(shmkit_rows_list(-1, &f, refs, 4, now, 0, &nt, &rows), 0, "rows: references")) {
		CHECK_TRUE(nt.list_rc == 0 && nt.shmfs_rc == 0 && nt.scan_rc == 0, "rows: refs, no notes");
		CHECK_TRUE(rows->ref_rc && rows->ref_rc[0] == 0 && rows->ref_rc[1] == -ENOENT &&
			   rows->ref_rc[2] == 0 && rows->ref_rc[3] == 0, "rows: one result per reference");
		CHECK_U64(rows->n, 3, "rows: a row per reference found, whatever the kinds");
		CHECK_TRUE(rows->n == 3 && strcmp(rows->v[0].info.name, pb.name) == 0 &&
			   rows->v[1].info.id == ida && strcmp(rows->v[2].info.name, pa.name) == 0,
			   "rows: in the order given");
		shmkit_rows_free(rows);
	}
	f.held_by = kid;
	rows = NULL;
	if (CHECK_RC(shmkit_rows_list(-1, &f, refs, 4, now, 0, NULL, &rows), 0,
		     "rows: references held by the child")) {
		CHECK_TRUE(rows->n == 2 && rows->v[0].info.id == ida &&
			   strcmp(rows->v[1].info.name, pa.name) == 0, "rows: only those it holds");
		shmkit_rows_free(rows);
	}

out:
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	shmkit_holders_free(kid);
	shmkit_seg_close(sa);
	shmkit_seg_close(sb);
	shmkit_seg_close(xa);
	shmkit_seg_close(xb);
	shmkit_seg_close(xd);
	shmkit_seg_close(xd2);
	if (ida >= 0)
		shmctl(ida, IPC_RMID, NULL);
	if (idb >= 0)
		shmctl(idb, IPC_RMID, NULL);
	shm_unlink(pa.name);
	shm_unlink(pb.name);
	shm_unlink(pd.name);
}

/* ------------------------------------------------------------------- io */

static void test_io_one(struct shmkit_seg *seg, const char *kind)
{
	const struct shmkit_ref ref = *shmkit_seg_ref(seg);
	struct shmkit_write_result r;
	unsigned char *p, buf[4096];
	int in, pfd[2], fd;
	size_t n;

	/* The test's own mapping, to set bytes up and look at them. */
	p = raw_map(&ref, 4096);
	if (!CHECK_TRUE(p != NULL && shmkit_seg_size(seg) == 4096, "%s: test setup: 4096 bytes mapped", kind)) {
		raw_unmap(&ref, p, 4096);
		return;
	}

	/* fd -> segment, as shmwrite does it */
	memset(p, 0xee, 4096);
	in = pipe_with(100, 4);
	CHECK_RC(write_in(&ref, in, 0, &r), 0, "%s: write_fd 100 bytes", kind);
	CHECK_U64(r.done, 100, "%s: wrote 100 bytes", kind);
	CHECK_U64(r.input, UINT64_MAX, "%s: a pipe's length is not known up front", kind);
	CHECK_U64(r.size, 4096, "%s: the size stays 4096", kind);
	CHECK_U64(r.created, 0, "%s: nothing was created", kind);
	CHECK_TRUE(same(p, 100, 4), "%s: the bytes arrived", kind);
	CHECK_TRUE(all_bytes(p + 100, 4096 - 100, 0xee), "%s: bytes after them are unchanged", kind);
	close(in);

	in = pipe_with(50, 5);
	CHECK_RC(write_in(&ref, in, 4000, &r), 0, "%s: write_fd 50 bytes at offset 4000", kind);
	CHECK_U64(r.done, 50, "%s: wrote 50 bytes", kind);
	CHECK_TRUE(same(p + 4000, 50, 5), "%s: they arrived at offset 4000", kind);
	CHECK_TRUE(all_bytes(p + 100, 3900, 0xee) && all_bytes(p + 4050, 46, 0xee),
		   "%s: bytes around them are unchanged", kind);
	close(in);

	in = pipe_with(4096, 6);
	CHECK_RC(write_in(&ref, in, 0, &r), 0, "%s: write_fd exactly 4096 bytes", kind);
	CHECK_U64(r.done, 4096, "%s: wrote 4096 bytes", kind);
	CHECK_TRUE(same(p, 4096, 6), "%s: they arrived", kind);
	close(in);

	in = pipe_with(5000, 7);
	CHECK_RC(write_in(&ref, in, 0, &r), -EFBIG, "%s: write_fd 5000 bytes from a pipe into 4096", kind);
	CHECK_U64(r.done, 4096, "%s: -EFBIG still says 4096 bytes were copied", kind);
	CHECK_TRUE(same(p, 4096, 7), "%s: the first 4096 bytes arrived", kind);
	close(in);

	in = file_with(5000, 3);
	if (in >= 0) {
		CHECK_RC(write_in(&ref, in, 0, &r), -SHMKIT_ENOFIT,
			 "%s: write_fd 5000 bytes from a file into 4096", kind);
		CHECK_U64(r.input, 5000, "%s: a file's length is known up front", kind);
		CHECK_U64(r.done, 0, "%s: input of known length that does not fit writes nothing", kind);
		CHECK_TRUE(same(p, 4096, 7), "%s: the segment is unchanged", kind);
		close(in);
	}

	in = pipe_with(0, 0);
	CHECK_RC(write_in(&ref, in, 4096, &r), 0, "%s: write_fd empty input at the end", kind);
	CHECK_U64(r.done, 0, "%s: wrote 0 bytes", kind);
	close(in);
	in = pipe_with(1, 0);
	CHECK_RC(write_in(&ref, in, 4096, &r), -EFBIG, "%s: write_fd 1 byte at the end", kind);
	CHECK_U64(r.done, 0, "%s: wrote 0 bytes", kind);
	close(in);
	in = pipe_with(1, 0);
	CHECK_RC(write_in(&ref, in, 4097, &r), -SHMKIT_EPASTEND, "%s: write_fd past the end", kind);
	CHECK_RC(write_in(&ref, in, SIZE_MAX, &r), -SHMKIT_EPASTEND, "%s: write_fd at SIZE_MAX", kind);
	close(in);
	CHECK_RC(write_in(&ref, -1, 0, &r), -EBADF, "%s: write_fd from a bad fd", kind);
	CHECK_U64(r.done, 0, "%s: a bad input writes nothing", kind);
	CHECK_I64(r.input_errno, EBADF, "%s: and says the input failed", kind);

	/* segment -> fd, as shmread does it */
	fill(p, 4096, 8);
	if (!CHECK_TRUE(pipe(pfd) == 0, "test setup: pipe")) {
		raw_unmap(&ref, p, 4096);
		return;
	}
	n = 12345;
	CHECK_RC(shmkit_seg_copy_out(seg, pfd[1], 0, 4096, &n), 0, "%s: copy_out all 4096 bytes", kind);
	CHECK_U64(n, 4096, "%s: copied 4096 bytes", kind);
	CHECK_TRUE(read_all(pfd[0], buf, 4096) == 0 && same(buf, 4096, 8), "%s: they came out", kind);
	CHECK_RC(shmkit_seg_copy_out(seg, pfd[1], 4000, 96, NULL), 0, "%s: copy_out 96 bytes at 4000", kind);
	CHECK_TRUE(read_all(pfd[0], buf, 96) == 0 && memcmp(buf, p + 4000, 96) == 0,
		   "%s: the right 96 came out", kind);
	n = 12345;
	CHECK_RC(shmkit_seg_copy_out(seg, pfd[1], 4096, 0, &n), 0, "%s: copy_out 0 bytes at the end", kind);
	CHECK_U64(n, 0, "%s: copied 0 bytes", kind);
	CHECK_RC(shmkit_seg_copy_out(seg, pfd[1], 4000, 97, NULL), -EINVAL,
		 "%s: copy_out one byte too many", kind);
	CHECK_RC(shmkit_seg_copy_out(seg, pfd[1], 4097, 0, NULL), -EINVAL, "%s: copy_out past the end", kind);
	CHECK_RC(shmkit_seg_copy_out(seg, pfd[1], 1, SIZE_MAX, NULL), -EINVAL,
		 "%s: copy_out whose offset + length wraps", kind);
	CHECK_RC(shmkit_seg_copy_out(seg, pfd[1], SIZE_MAX, 2, NULL), -EINVAL,
		 "%s: copy_out at SIZE_MAX", kind);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	CHECK_TRUE(read(pfd[0], buf, 1) < 0 && errno == EAGAIN, "%s: failed copy_out wrote nothing", kind);
	close(pfd[0]);
	CHECK_RC(shmkit_seg_copy_out(seg, pfd[1], 0, 10, NULL), -EPIPE, "%s: copy_out to a closed pipe", kind);
	close(pfd[1]);
	CHECK_RC(shmkit_seg_copy_out(seg, -1, 0, 10, NULL), -EBADF, "%s: copy_out to a bad fd", kind);

	/* The ranges shmread's --hex and --string read. */
	CHECK_I64(shmkit_seg_pread(seg, buf, 4096, 0), 4096, "%s: pread all 4096 bytes", kind);
	CHECK_TRUE(same(buf, 4096, 8), "%s: pread gives the bytes", kind);
	CHECK_I64(shmkit_seg_pread(seg, buf, 200, 4000), 96, "%s: pread is short at the end", kind);
	CHECK_TRUE(memcmp(buf, p + 4000, 96) == 0, "%s: the right 96 were read", kind);
	CHECK_I64(shmkit_seg_pread(seg, buf, 10, 4096), 0, "%s: pread at the end gives 0", kind);
	CHECK_I64(shmkit_seg_pread(seg, buf, 10, 5000), 0, "%s: pread past the end gives 0", kind);

	/* A regular file. */
	fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	if (fd >= 0) {
		n = 12345;
		CHECK_RC(shmkit_seg_copy_out(seg, fd, 0, 4096, &n), 0, "%s: copy_out to a file", kind);
		CHECK_U64(n, 4096, "%s: copied 4096 bytes to the file", kind);
		CHECK_TRUE(pread(fd, buf, 4096, 0) == 4096 && same(buf, 4096, 8), "%s: the file holds it", kind);
		memset(p, 0, 4096);
		lseek(fd, 0, SEEK_SET);
		CHECK_RC(write_in(&ref, fd, 0, &r), 0, "%s: write_fd from a file", kind);
		CHECK_U64(r.done, 4096, "%s: 4096 bytes from the file", kind);
		CHECK_U64(r.input, 4096, "%s: the file's length was known", kind);
		CHECK_TRUE(same(p, 4096, 8), "%s: round trip through a file", kind);
		close(fd);
	}
	raw_unmap(&ref, p, 4096);
}

/* More than a pipe holds, with a writer and a reader in another process. */
static void test_io_big(void)
{
	enum { BIG = 1 << 20 };
	struct shmkit_ref ref = name_ref("big");
	struct shmkit_write_result wr;
	struct shmkit_seg *seg;
	int p[2], status;
	size_t n = 0;
	pid_t pid;

	if (!CHECK_RC(shmkit_seg_create(&ref, BIG, 0600, 0, &seg), 0, "create %s, 1 MiB", ref.name))
		return;
	if (!CHECK_RC(shmkit_seg_attach(seg, 0), 0, "attach it")) {
		shmkit_seg_close(seg);
		return;
	}
	if (pipe(p))
		exit(2);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		static unsigned char big[BIG];

		close(p[0]);
		fill(big, BIG, 9);
		_exit(write_all(p[1], big, BIG) ? 1 : 0);
	}
	close(p[1]);
	CHECK_RC(write_in(&ref, p[0], 0, &wr), 0, "write_fd 1 MiB through a pipe");
	CHECK_U64(wr.done, BIG, "wrote 1 MiB");
	CHECK_TRUE(pread_same(seg, BIG, 9), "1 MiB arrived intact");
	close(p[0]);
	waitpid(pid, &status, 0);

	if (pipe(p))
		exit(2);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		static unsigned char big[BIG + 1];
		size_t got = 0;
		ssize_t r;

		close(p[1]);
		while ((r = read(p[0], big + got, sizeof(big) - got)) > 0)
			got += (size_t)r;
		_exit(got == BIG && same(big, BIG, 9) ? 0 : 1);
	}
	close(p[0]);
	CHECK_RC(shmkit_seg_copy_out(seg, p[1], 0, BIG, &n), 0, "copy_out 1 MiB through a pipe");
	CHECK_U64(n, BIG, "copied 1 MiB");
	close(p[1]);
	waitpid(pid, &status, 0);
	CHECK_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the reader got 1 MiB intact");
	shmkit_seg_close(seg);
	shm_unlink(ref.name);
}

static void test_io(void)
{
	struct shmkit_ref k = key_ref(KEY(8)), p = name_ref("io");
	struct shmkit_seg *seg;
	size_t n;
	int in;

	if (CHECK_RC(shmkit_seg_create(&k, 4096, 0600, 0, &seg), 0, "create 0x5eed0008 for io")) {
		in = open("/dev/null", O_WRONLY);
		CHECK_RC(shmkit_seg_copy_out(seg, in, 0, 1, NULL), -EINVAL,
			 "copy_out from an unattached SysV segment");
		close(in);
		if (CHECK_RC(shmkit_seg_attach(seg, 0), 0, "attach it"))
			test_io_one(seg, "SysV");
		shmkit_seg_close(seg);
		remove_ref(&k, NULL);
	}
	if (CHECK_RC(shmkit_seg_create(&p, 4096, 0600, 0, &seg), 0, "create %s for io", p.name)) {
		if (CHECK_RC(shmkit_seg_attach(seg, 0), 0, "attach it"))
			test_io_one(seg, "POSIX");
		shmkit_seg_close(seg);
	}
	/* Read-only: still readable. */
	if (CHECK_RC(shmkit_seg_open(&p, SHMKIT_RDONLY, &seg), 0, "open %s read-only", p.name)) {
		if (CHECK_RC(shmkit_seg_attach(seg, SHMKIT_RDONLY), 0, "attach it read-only")) {
			in = open("/dev/null", O_WRONLY);
			n = 0;
			CHECK_RC(shmkit_seg_copy_out(seg, in, 0, 4096, &n), 0,
				 "copy_out from a read-only mapping");
			CHECK_U64(n, 4096, "copied 4096 bytes");
			close(in);
		}
		shmkit_seg_close(seg);
	}
	shm_unlink(p.name);
	test_io_big();
}

/* ------------------------------------------------------------ limits */

static void test_sysv_limits(void)
{
	char saved[64], value[64];
	struct shmkit_ref ref = key_ref(KEY(9));
	struct shmkit_seg *seg = SEG_SENTINEL;
	struct shm_info si;
	long page = sysconf(_SC_PAGESIZE);
	int rc;

	if (read_sysctl("shmmax", saved, sizeof(saved)) || write_sysctl("shmmax", saved)) {
		skip_note("SysV limits", "cannot write /proc/sys/kernel/shm* in this namespace");
		return;
	}

	if (write_sysctl("shmmax", "8192") == 0) {
		rc = shmkit_seg_create(&ref, 16384, 0600, 0, &seg);
		write_sysctl("shmmax", saved);
		CHECK_RC(rc, -SHMKIT_ESHMMAX, "create 16384 bytes with kernel.shmmax 8192");
		CHECK_TRUE(shmget(KEY(9), 0, 0) < 0, "and creates nothing");
	}

	if (read_sysctl("shmall", saved, sizeof(saved)) == 0 &&
	    shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&si) >= 0) {
		snprintf(value, sizeof(value), "%lu", (unsigned long)si.shm_tot + 1);
		if (write_sysctl("shmall", value) == 0) {
			rc = shmkit_seg_create(&ref, (size_t)page * 4, 0600, 0, &seg);
			write_sysctl("shmall", saved);
			CHECK_RC(rc, -SHMKIT_ESHMALL, "create 4 pages with 1 page left in kernel.shmall");
			CHECK_TRUE(shmget(KEY(9), 0, 0) < 0, "and creates nothing");
		}
	}

	if (read_sysctl("shmmni", saved, sizeof(saved)) == 0 &&
	    shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&si) >= 0) {
		snprintf(value, sizeof(value), "%d", si.used_ids);
		if (write_sysctl("shmmni", value) == 0) {
			rc = shmkit_seg_create(&ref, 4096, 0600, 0, &seg);
			write_sysctl("shmmni", saved);
			CHECK_RC(rc, -SHMKIT_ESHMMNI, "create with kernel.shmmni = segments in use (%d)",
				 si.used_ids);
			CHECK_TRUE(shmget(KEY(9), 0, 0) < 0, "and creates nothing");
		}
	}
	CHECK_TRUE(seg == SEG_SENTINEL, "failed creates leave *out untouched");
}

/* A full /dev/shm is a clean -ENOSPC, with nothing left behind. */
static void test_posix_enospc(void)
{
	struct shmkit_ref ref = name_ref("huge");
	struct shmkit_seg *seg = SEG_SENTINEL;
	char path[SHMKIT_NAME_MAX + 16];
	struct statfs sf;
	struct statvfs sv;
	uint64_t size;

	if (statfs(SHM_DIR, &sf) || (unsigned long)sf.f_type != TMPFS_MAGIC_ ||
	    statvfs(SHM_DIR, &sv) || sv.f_blocks == 0) {
		skip_note("ENOSPC", SHM_DIR " is not a size-limited tmpfs");
		return;
	}
	size = (uint64_t)sv.f_blocks * sv.f_frsize + (1u << 20);
	CHECK_RC(shmkit_seg_create(&ref, (size_t)size, 0600, 0, &seg), -ENOSPC,
		 "create %llu bytes in a %llu-byte tmpfs", (unsigned long long)size,
		 (unsigned long long)sv.f_blocks * sv.f_frsize);
	CHECK_TRUE(seg == SEG_SENTINEL, "failed create leaves *out untouched");
	CHECK_TRUE(access(path_of(&ref, path, sizeof(path)), F_OK) < 0, "and leaves nothing behind");
}

/* ----------------------------------------------------------- privilege */

/* Opens @ref as the caller expecting -EACCES; a wrongful open must not attach either. */
static void open_denied(const struct shmkit_ref *ref, unsigned flags, const char *what)
{
	struct shmkit_seg *seg = SEG_SENTINEL;
	int rc = shmkit_seg_open(ref, flags, &seg);

	CHECK_RC(rc, -EACCES, "nobody: open %s %s", what,
		 flags & SHMKIT_RDONLY ? "read-only" : "read-write");
	if (rc == 0) {
		CHECK_RC(shmkit_seg_attach(seg, flags), -EACCES, "nobody: %s: attach after the open", what);
		shmkit_seg_close(seg);
	} else {
		CHECK_TRUE(seg == SEG_SENTINEL, "nobody: failed open leaves *out untouched");
	}
}

/* Checks run by uid 65534 against root's 0600 segments. */
static void as_nobody(const struct shmkit_ref *sysv, const struct shmkit_ref *posix)
{
	struct shmkit_info info;
	uint64_t n;
	int rc;

	open_denied(sysv, 0, "root's 0600 SysV");
	open_denied(sysv, SHMKIT_RDONLY, "root's 0600 SysV");
	CHECK_RC(shmkit_stat(sysv, &info), 0, "nobody: stat works without read permission (SysV)");
	CHECK_U64(info.uid, 0, "nobody: stat shows owner uid 0");
	CHECK_U64(info.mode, 0600, "nobody: stat shows mode 0600");
	rc = remove_ref(sysv, &n);
	CHECK_TRUE(rc == -EPERM || rc == -EACCES, "nobody: remove SysV is -EPERM or -EACCES (got %d)", rc);

	open_denied(posix, 0, "root's 0600 POSIX");
	open_denied(posix, SHMKIT_RDONLY, "root's 0600 POSIX");
	CHECK_RC(shmkit_stat(posix, &info), 0, "nobody: stat works without read permission (POSIX)");
	CHECK_U64(info.uid, 0, "nobody: stat shows owner uid 0");
	rc = remove_ref(posix, &n);
	CHECK_TRUE(rc == -EPERM || rc == -EACCES, "nobody: remove POSIX is -EPERM or -EACCES (got %d)", rc);
}

static void test_unprivileged(void)
{
	struct shmkit_ref sysv = key_ref(KEY(10)), posix = name_ref("priv");
	struct shmkit_seg *a, *b;
	char path[SHMKIT_NAME_MAX + 16];
	struct shmid_ds ds;
	int id = -1, status;
	pid_t pid;

	if (geteuid() != 0) {
		skip_note("unprivileged access", "needs root to switch to uid 65534");
		return;
	}
	if (!CHECK_RC(shmkit_seg_create(&sysv, 4096, 0600, 0, &a), 0, "create 0x5eed000a, 0600"))
		return;
	id = shmkit_seg_ref(a)->id;
	shmkit_seg_close(a);
	if (CHECK_RC(shmkit_seg_create(&posix, 4096, 0600, 0, &b), 0, "create %s, 0600", posix.name)) {
		shmkit_seg_close(b);
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
				printf("# cannot become uid 65534: %s\n", strerror(errno));
				_exit(CHECK_SKIP);
			}
			as_nobody(&sysv, &posix);
			fflush(stdout);
			_exit(0);
		}
		if (CHECK_TRUE(pid > 0, "test setup: fork")) {
			waitpid(pid, &status, 0);
			if (WIFEXITED(status) && WEXITSTATUS(status) == CHECK_SKIP)
				skip_note("unprivileged access", "setuid failed");
			else
				CHECK_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
					   "the uid 65534 child finished");
		}
		CHECK_TRUE(access(path_of(&posix, path, sizeof(path)), F_OK) == 0,
			   "nobody could not remove root's POSIX object");
		shm_unlink(posix.name);
	}
	CHECK_TRUE(sysv_stat(id, &ds) == 0, "nobody could not remove root's SysV segment");
	shmctl(id, IPC_RMID, NULL);
}

int main(void)
{
	struct check_counts *shared;

	if (!ns_private("ipc", "SHMKIT_HOST_IPC_NS") || !ns_private("mnt", "SHMKIT_HOST_MNT_NS")) {
		printf("# skip: unit-seg refuses to run outside a private IPC + mount namespace;\n"
		       "# run it through tests/run, or: unshare --ipc --mount --fork --propagation private"
		       " -- sh -c 'mount -t tmpfs tmpfs /dev/shm && build/tests/unit-seg'\n");
		return CHECK_SKIP;
	}

	/* Counters shared with forked children (the uid 65534 checks). */
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 2;
	check_counts = shared;

	signal(SIGPIPE, SIG_IGN);
	snprintf(prefix, sizeof(prefix), "shmkit-unit-%d-", (int)getpid());
	cleanup();
	atexit(cleanup);

	test_sysv_create_attach();
	test_sysv_open();
	test_sysv_stat();
	test_sysv_exists_reuse();
	test_sysv_private();
	test_sysv_remove();
	test_sysv_removed_meanwhile();
	test_posix_create_attach();
	test_posix_remove();
	test_posix_zero_length();
	test_posix_not_shm();
	test_list();
	test_rows();
	test_io();
	test_sysv_limits();
	test_posix_enospc();
	test_unprivileged();
	return check_done("unit-seg");
}

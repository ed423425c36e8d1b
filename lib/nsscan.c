/* SPDX-License-Identifier: MIT */
/* nsscan.c: every IPC and mount namespace with a process in it, its /dev/shm and container, and every holder, in one pass over /proc. */
#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

struct shmkit_nsscan {
	struct shmkit_nsinfo *v;
	size_t n, cap;
	struct shmkit_holders *h;
	size_t unreadable;	/* processes whose namespaces could not be read */
};

void shmkit_nsscan_free(struct shmkit_nsscan *s)
{
	int saved = errno;

	if (s) {
		free(s->v);
		shmkit_holders_free(s->h);
		free(s);
	}
	errno = saved;
}

size_t shmkit_nsscan_list(const struct shmkit_nsscan *s, const struct shmkit_nsinfo **out)
{
	*out = s->v;
	return s->n;
}

const struct shmkit_holders *shmkit_nsscan_holders(const struct shmkit_nsscan *s)
{
	return s->h;
}

size_t shmkit_nsscan_unreadable(const struct shmkit_nsscan *s)
{
	return s->unreadable;
}

/*
 * The namespaces of the process behind @pidfd: 0, or -errno (-EACCES:
 * another user's process without CAP_SYS_PTRACE; -ENOENT: it exited).
 */
static int read_ns(int pidfd, struct shmkit_nsinfo *out)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (fstatat(pidfd, "ns/ipc", &st, 0) < 0)
		return -errno;
	out->ipcns = st.st_ino;
	if (fstatat(pidfd, "ns/mnt", &st, 0) < 0)
		return -errno;
	out->mntns = st.st_ino;
	/* The process's own /dev/shm, seen through its root. */
	if (fstatat(pidfd, "root" SHMKIT__SHM_DIR, &st, 0) == 0 && S_ISDIR(st.st_mode))
		out->shmdev = st.st_dev;
	else if (errno != ENOENT && errno != ENOTDIR)
		return -errno;
	return 0;
}

/* The entry for @ns's pair, added when new; NULL when out of memory. */
static struct shmkit_nsinfo *find_or_add(struct shmkit_nsscan *s, const struct shmkit_nsinfo *ns,
					 pid_t pid)
{
	struct shmkit_nsinfo *e;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].ipcns == ns->ipcns && s->v[i].mntns == ns->mntns)
			return &s->v[i];
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;

		e = reallocarray(s->v, cap, sizeof(*e));
		if (!e)
			return NULL;
		s->v = e;
		s->cap = cap;
	}
	e = &s->v[s->n++];
	*e = *ns;
	e->pid = pid;
	e->owner = -1;	/* not read yet */
	return e;
}

/* A container id for @e from @pidfd's cgroup, unless a better one is known. */
static void note_owner(struct shmkit_nsinfo *e, int pidfd)
{
	char id[sizeof(e->container)];
	int kind;

	if (e->owner >= SHMKIT_OWNER_CONTAINER)
		return;
	kind = shmkit_cgroup_owner_at(pidfd, id, sizeof(id));
	if (kind > e->owner) {
		e->owner = kind;
		memcpy(e->container, id, sizeof(id));
	}
}

static int scan_one(struct shmkit_nsscan *s, int procfd, const char *name, pid_t self)
{
	struct shmkit_nsinfo ns, *e;
	uint64_t pid;
	int pidfd, rc;

	if (shmkit__parse_u64(name, 10, INT32_MAX, &pid) < 0)
		return 0;
	pidfd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pidfd < 0)
		return 0;	/* exited */
	rc = read_ns(pidfd, &ns);
	if (rc == -ENOENT || rc == -ESRCH) {
		rc = 0;	/* exited, or a zombie: it has no namespaces left */
	} else if (rc < 0) {
		shmkit__holders_note_unreadable(s->h, pidfd, (pid_t)pid, rc);
		s->unreadable++;
		rc = 0;
	} else if (!(e = find_or_add(s, &ns, (pid_t)pid))) {
		rc = -ENOMEM;
	} else if ((pid_t)pid != self) {
		/* NSPID: another process than this one, which is about to exit. */
		if (e->pid == self)
			e->pid = (pid_t)pid;
		note_owner(e, pidfd);
		shmkit__holders_add(s->h, pidfd, (pid_t)pid, ns.ipcns);
	} else {
		note_owner(e, pidfd);
	}
	close(pidfd);
	return rc;
}

int shmkit_nsscan_run(int procfd, struct shmkit_nsscan **out)
{
	struct shmkit_nsscan *s;
	pid_t self = getpid();
	size_t i;
	char name[16];
	struct dirent *d;
	DIR *proc;
	int fd, rc;

	s = calloc(1, sizeof(*s));
	if (!s || shmkit__holders_new_all(&s->h) < 0) {
		free(s);
		return -ENOMEM;
	}
	fd = procfd >= 0 ? openat(procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) :
			   open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	proc = fd >= 0 ? fdopendir(fd) : NULL;
	if (!proc) {
		rc = -errno;
		if (fd >= 0)
			close(fd);
		shmkit_nsscan_free(s);
		return rc;
	}
	/* Ours first, so that it is listed first and without setns(2). */
	snprintf(name, sizeof(name), "%d", (int)self);
	rc = scan_one(s, dirfd(proc), name, self);
	if (rc == 0 && s->n == 0)
		rc = -ESRCH;	/* our own namespaces cannot be read: not our /proc */
	if (rc == 0)
		s->v[0].self = 1;
	while (rc == 0 && (d = readdir(proc))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		rc = scan_one(s, dirfd(proc), d->d_name, self);
	}
	closedir(proc);
	if (rc < 0) {
		shmkit_nsscan_free(s);
		return rc;
	}
	shmkit__holders_done(s->h);
	for (i = 0; i < s->n; i++)
		if (s->v[i].owner < 0)
			s->v[i].owner = SHMKIT_OWNER_NONE;
	*out = s;
	return 0;
}

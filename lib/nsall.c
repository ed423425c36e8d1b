/* SPDX-License-Identifier: MIT */
/* nsall.c: shmls -A and shmrm -A: each namespace found in /proc entered once with setns(2), listed or cleaned up, and left. */
#include <sys/stat.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

/* A walk over the namespaces, and what to do in each. */
struct walk {
	int procfd;		/* the caller's /proc: its path means another inside */
	int self_ipc, self_mnt;	/* our own namespaces, to come back to */
	const struct shmkit_nsinfo *me;
	struct shmkit_nsall_notes nt;
	/* Called inside each namespace pair, for @kinds of it, with its holders (owned). */
	int (*visit)(struct walk *w, const struct shmkit_nsinfo *ns, unsigned kinds,
		     struct shmkit_holders *h);
	/* shmkit_nsall_rows() */
	const struct shmkit_filter *f;
	int64_t now;
	unsigned flags;
	struct shmkit_rows **parts;
	size_t nparts;
	/* shmkit_nsall_remove() */
	shmkit_nsall_fn fn;
	void *payload;
	const struct shmkit_nsinfo *cur;
	const struct shmkit_holders *cur_h;
};

/* Joins @pid's namespace of type @nstype, if it is still @want: 0 or -errno. */
static int join(int procfd, pid_t pid, const char *which, int nstype, ino_t want)
{
	char path[64];
	struct stat st;
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%d/ns/%s", (int)pid, which);
	fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	/* The process exited and its PID went to a process elsewhere. */
	if (fstat(fd, &st) < 0 || st.st_ino != want)
		rc = -ESRCH;
	else if (setns(fd, nstype) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Back to our own namespaces; failing that, nothing else may run here. */
static int leave(const struct walk *w, int ipc, int mnt)
{
	if (ipc && setns(w->self_ipc, CLONE_NEWIPC) < 0)
		return -errno;
	if (mnt && setns(w->self_mnt, CLONE_NEWNS) < 0)
		return -errno;
	return 0;
}

static int matches(const struct shmkit_nsfilter *nf, const struct shmkit_nsinfo *ns)
{
	if (!nf)
		return 1;
	if (nf->ns && nf->ns != ns->ipcns && nf->ns != ns->mntns)
		return 0;
	return !nf->container || !nf->container[0] ||
	       strncmp(ns->container, nf->container, strlen(nf->container)) == 0;
}

/* Whether an earlier pair in @v already did @kind of @ns. */
static int done_before(const struct shmkit_nsinfo *v, const unsigned *done, size_t i,
		       unsigned kind)
{
	size_t k;

	for (k = 0; k < i; k++) {
		if (!(done[k] & kind))
			continue;
		if (kind == SHMKIT_LIST_SYSV ? v[k].ipcns == v[i].ipcns :
		    v[k].shmdev == v[i].shmdev)
			return 1;
	}
	return 0;
}

/* One pair: in, the visit, out. 1 done, 0 skipped, or a fatal -errno. */
static int visit_one(struct walk *w, const struct shmkit_nsscan *s,
		     const struct shmkit_nsinfo *ns, unsigned kinds)
{
	int ipc = (kinds & SHMKIT_LIST_SYSV) && ns->ipcns != w->me->ipcns;
	int mnt = (kinds & SHMKIT_LIST_POSIX) && ns->mntns != w->me->mntns;
	struct shmkit_holders *h;
	int rc = 0, rc2, in_ipc;

	if (ipc)
		rc = join(w->procfd, ns->pid, "ipc", CLONE_NEWIPC, ns->ipcns);
	in_ipc = ipc && rc == 0;
	if (rc == 0 && mnt)
		rc = join(w->procfd, ns->pid, "mnt", CLONE_NEWNS, ns->mntns);
	if (rc < 0) {
		rc2 = leave(w, in_ipc, 0);
		if (rc2 < 0)
			return rc2;
		if (rc == -ESRCH) {
			w->nt.vanished++;
		} else {
			w->nt.skipped++;
			w->nt.skip_cap = shmkit_ns_cap_missing();
		}
		return 0;
	}
	rc = shmkit__holders_split(shmkit_nsscan_holders(s), ns->ipcns,
				   (kinds & SHMKIT_LIST_POSIX) ? ns->shmdev : 0, &h);
	if (rc == 0)
		rc = w->visit(w, ns, kinds, h);
	rc2 = leave(w, ipc, mnt);
	if (rc2 < 0)
		return rc2;
	if (rc < 0)
		return rc;
	w->nt.entered++;
	return 1;
}

static int walk(struct walk *w, int procfd, const struct shmkit_filter *f,
		const struct shmkit_nsfilter *nf, struct shmkit_nsscan **scan)
{
	unsigned want = f && f->kinds ? f->kinds : SHMKIT_LIST_ALL, kinds, *done;
	const struct shmkit_nsinfo *v;
	struct shmkit_nsscan *s;
	size_t n, i;
	int rc;

	w->nt.skip_cap = -1;
	w->procfd = procfd >= 0 ? fcntl(procfd, F_DUPFD_CLOEXEC, 0) :
		    open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	w->self_ipc = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
	w->self_mnt = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (w->procfd < 0 || w->self_ipc < 0 || w->self_mnt < 0) {
		rc = -errno;
		goto out;
	}
	rc = shmkit_nsscan_run(w->procfd, &s);
	if (rc < 0) {
		w->nt.scan_rc = rc;
		goto out;
	}
	n = shmkit_nsscan_list(s, &v);
	w->nt.unreadable = shmkit_nsscan_unreadable(s);
	done = calloc(n ? n : 1, sizeof(*done));
	if (!done) {
		shmkit_nsscan_free(s);
		rc = -ENOMEM;
		goto out;
	}
	w->me = &v[0];
	for (i = 0; rc >= 0 && i < n; i++) {
		if (!matches(nf, &v[i]))
			continue;
		kinds = 0;
		if ((want & SHMKIT_LIST_SYSV) && !done_before(v, done, i, SHMKIT_LIST_SYSV))
			kinds |= SHMKIT_LIST_SYSV;
		if ((want & SHMKIT_LIST_POSIX) && v[i].shmdev &&
		    !done_before(v, done, i, SHMKIT_LIST_POSIX))
			kinds |= SHMKIT_LIST_POSIX;
		if (kinds && (rc = visit_one(w, s, &v[i], kinds)) > 0)
			done[i] = kinds;
	}
	free(done);
	if (rc < 0) {
		shmkit_nsscan_free(s);
		goto out;
	}
	rc = 0;
	*scan = s;
out:
	if (w->procfd >= 0)
		close(w->procfd);
	if (w->self_ipc >= 0)
		close(w->self_ipc);
	if (w->self_mnt >= 0)
		close(w->self_mnt);
	return rc;
}

static int visit_rows(struct walk *w, const struct shmkit_nsinfo *ns, unsigned kinds,
		      struct shmkit_holders *h)
{
	struct shmkit_filter f = *w->f;
	struct shmkit_rows_notes nt = { 0 };
	struct shmkit_rows *part, **parts;
	size_t i;
	int rc;

	parts = reallocarray(w->parts, w->nparts + 1, sizeof(struct shmkit_rows *));
	if (!parts) {
		shmkit_holders_free(h);
		return -ENOMEM;
	}
	w->parts = parts;
	f.kinds = kinds;
	rc = shmkit__rows_list_with(w->procfd, &f, w->now, w->flags, h, &nt, &part);
	if (rc < 0)
		return rc;
	if (nt.list_rc < 0 && w->nt.list_rc == 0)
		w->nt.list_rc = nt.list_rc;
	for (i = 0; i < part->n; i++)
		part->v[i].ns = ns;
	w->parts[w->nparts++] = part;
	return 0;
}

static void free_scan(void *s)
{
	shmkit_nsscan_free(s);
}

int shmkit_nsall_rows(int procfd, const struct shmkit_filter *f,
		      const struct shmkit_nsfilter *nf, int64_t now, unsigned flags,
		      struct shmkit_nsall_notes *notes, struct shmkit_rows **out)
{
	static const struct shmkit_filter none = { 0 };
	struct walk w = { .visit = visit_rows, .f = f ? f : &none, .now = now, .flags = flags };
	struct shmkit_nsscan *s = NULL;
	size_t i;
	int rc;

	rc = walk(&w, procfd, w.f, nf, &s);
	if (notes)
		*notes = w.nt;
	if (rc < 0) {
		for (i = 0; i < w.nparts; i++)
			shmkit_rows_free(w.parts[i]);
		free(w.parts);
		return rc;
	}
	return shmkit__rows_merge(w.parts, w.nparts,
				  (flags & SHMKIT_ROWS_HOLDERS) ? shmkit_nsscan_holders(s) : NULL,
				  s, free_scan, out);
}

static void removed(const struct shmkit_info *info, int rc, uint64_t nattch, void *payload)
{
	struct walk *w = payload;

	w->fn(w->cur, w->cur_h, info, rc, nattch, w->payload);
}

static int visit_remove(struct walk *w, const struct shmkit_nsinfo *ns, unsigned kinds,
			struct shmkit_holders *h)
{
	struct shmkit_filter f = *w->f;
	int rc;

	f.kinds = kinds;
	w->cur = ns;
	w->cur_h = h;
	rc = shmkit_remove_matching(&f, h, w->now, w->flags, removed, w);
	if (rc < 0 && w->nt.list_rc == 0)
		w->nt.list_rc = rc;
	shmkit_holders_free(h);
	return rc == -ENOMEM ? rc : 0;
}

int shmkit_nsall_remove(int procfd, const struct shmkit_filter *f,
			const struct shmkit_nsfilter *nf, int64_t now, unsigned flags,
			shmkit_nsall_fn fn, void *payload, struct shmkit_nsall_notes *notes)
{
	static const struct shmkit_filter none = { 0 };
	struct walk w = { .visit = visit_remove, .f = f ? f : &none, .now = now,
			  .flags = flags, .fn = fn, .payload = payload };
	struct shmkit_nsscan *s = NULL;
	int rc;

	rc = walk(&w, procfd, w.f, nf, &s);
	if (notes)
		*notes = w.nt;
	shmkit_nsscan_free(s);
	return rc;
}

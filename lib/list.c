/* SPDX-License-Identifier: MIT */
/* list.c: snapshots of both kinds, one or all, and the filters shmls and shmrm select with. */
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

static int by_kind_then_id(const void *a, const void *b)
{
	const struct shmkit_info *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->kind == SHMKIT_SYSV)
		return (x->id > y->id) - (x->id < y->id);
	return strcmp(x->name, y->name);
}

int shmkit_list_at(int procfd, unsigned kinds, struct shmkit_info **out,
		   size_t *n)
{
	struct shmkit__vec vec = { 0 };
	int rc = 0;

	if (procfd < 0)
		procfd = AT_FDCWD;
	if (kinds & SHMKIT_LIST_SYSV)
		rc = shmkit__sysv_list(procfd, &vec);
	if (rc == 0 && (kinds & SHMKIT_LIST_POSIX))
		rc = shmkit__posix_list(&vec);
	if (rc < 0) {
		free(vec.v);
		return rc;
	}
	if (vec.n)
		qsort(vec.v, vec.n, sizeof(vec.v[0]), by_kind_then_id);
	*out = vec.v;
	*n = vec.n;
	return 0;
}

void shmkit_info_free(struct shmkit_info *infos)
{
	int saved = errno;

	free(infos);
	errno = saved;
}

void shmkit_info_ref(const struct shmkit_info *info, struct shmkit_ref *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = info->kind;
	out->id = -1;
	if (info->kind == SHMKIT_SYSV) {
		out->by = SHMKIT_BY_ID;
		out->id = info->id;
		out->key = info->key;
	} else {
		out->by = SHMKIT_BY_NAME;
		memcpy(out->name, info->name, sizeof(out->name));
	}
}

uint64_t shmkit_info_age(const struct shmkit_info *info, int64_t now)
{
	int64_t last = info->ctime;

	if (info->kind == SHMKIT_SYSV) {
		if (info->atime > last)
			last = info->atime;
		if (info->dtime > last)
			last = info->dtime;
	} else {
		/*
		 * The last write. Not ctime: chmod and chown change it without
		 * any use, and it cannot be set back, so an object whose age was
		 * set with touch -d would always look new.
		 */
		last = info->mtime;
	}
	/* No time known at all (an unlinked object not examined): not old. */
	if (last <= 0)
		return 0;
	return now > last ? (uint64_t)(now - last) : 0;
}

int shmkit_info_orphan(const struct shmkit_info *info,
		       const struct shmkit_holders *h)
{
	const struct shmkit_holder *first;
	int held;

	/* The kernel counts SysV attachments exactly, whoever may read /proc. */
	if (info->kind == SHMKIT_SYSV)
		return info->nattch == 0;
	if (h && shmkit_holders_of(h, info, &first) > 0)
		return 0;
	/*
	 * The kernel knows whether any open file description is left (DESIGN.md
	 * section 5), also one no /proc scan can see: an fd in flight in a Unix
	 * socket, a process we may not read. The scan decides only where the
	 * kernel cannot be asked.
	 */
	if (!(info->status & SHMKIT_ST_DELETED)) {
		held = shmkit__posix_held(info);
		if (held == 0 || held == 1)
			return !held;
	}
	if (!h || shmkit_holders_unreadable(h) > 0)
		return -EAGAIN;
	return 1;
}

int shmkit_filter_match(const struct shmkit_filter *f,
			const struct shmkit_info *info,
			const struct shmkit_holders *h, int64_t now)
{
	unsigned kind_bit = info->kind == SHMKIT_SYSV ? SHMKIT_LIST_SYSV :
							SHMKIT_LIST_POSIX;
	const struct shmkit_holder *first;

	if (f->kinds && !(f->kinds & kind_bit))
		return 0;
	if (f->held_by && shmkit_holders_of(f->held_by, info, &first) == 0)
		return 0;
	if (f->by_uid && info->uid != f->uid)
		return 0;
	if (f->name_glob && (info->kind != SHMKIT_POSIX ||
			     fnmatch(f->name_glob, info->name + 1, 0) != 0))
		return 0;
	if (f->older_than && shmkit_info_age(info, now) <= f->older_than)
		return 0;
	if (f->orphans && shmkit_info_orphan(info, h) != 1)
		return 0;
	return 1;
}

int shmkit_stat(const struct shmkit_ref *ref, struct shmkit_info *out)
{
	if (ref->by == SHMKIT_BY_PRIVATE)
		return -SHMKIT_EPRIVATE;
	if (ref->kind == SHMKIT_SYSV)
		return shmkit__sysv_stat(ref, out);
	return shmkit__posix_stat(ref, out);
}

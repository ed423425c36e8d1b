/* SPDX-License-Identifier: MIT */
/* list.c: one array of snapshots over both kinds, and the kernel limits behind them. */
#include <sys/types.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct shmkit_info *shmkit__vec_push(struct shmkit__vec *vec)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 64;
		struct shmkit_info *v = reallocarray(vec->v, cap, sizeof(*v));

		if (!v)
			return NULL;
		vec->v = v;
		vec->cap = cap;
	}
	memset(&vec->v[vec->n], 0, sizeof(vec->v[0]));
	return &vec->v[vec->n++];
}

static int by_kind_then_id(const void *a, const void *b)
{
	const struct shmkit_info *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->kind == SHMKIT_SYSV)
		return (x->id > y->id) - (x->id < y->id);
	return strcmp(x->name, y->name);
}

int shmkit_list(unsigned kinds, struct shmkit_info **out, size_t *n)
{
	struct shmkit__vec vec = { 0 };
	int rc = 0;

	if (kinds & SHMKIT_LIST_SYSV)
		rc = shmkit__sysv_list(&vec);
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

int shmkit__read_sysctl(const char *name, uint64_t *out)
{
	char path[128], buf[64];
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return shmkit__parse_u64(buf, 10, UINT64_MAX, out);
}

uint64_t shmkit_info_age(const struct shmkit_info *info, int64_t now)
{
	int64_t last = info->ctime;

	if (info->kind == SHMKIT_SYSV) {
		if (info->atime > last)
			last = info->atime;
		if (info->dtime > last)
			last = info->dtime;
	} else if (info->mtime > last) {
		last = info->mtime;
	}
	return now > last ? (uint64_t)(now - last) : 0;
}

int shmkit_info_orphan(const struct shmkit_info *info,
		       const struct shmkit_holders *h)
{
	const struct shmkit_holder *first;

	/* The kernel counts SysV attachments exactly, whoever may read /proc. */
	if (info->kind == SHMKIT_SYSV)
		return info->nattch == 0;
	if (h && shmkit_holders_of(h, info, &first) > 0)
		return 0;
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

	if (f->kinds && !(f->kinds & kind_bit))
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

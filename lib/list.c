/* SPDX-License-Identifier: MIT */
/* list.c: one array of snapshots over both kinds, and the kernel limits behind them. */
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
	return shmkit_list_at(-1, kinds, out, n);
}

/*
 * /proc/sysvipc/shm read through @procfd, so that PIDs are in that /proc's
 * namespace. The whole file is read in large chunks: the kernel restarts
 * its walk for every read(2), and 4 KiB stdio reads made that dominate.
 */
static int sysv_list_at(int procfd, struct shmkit__vec *vec)
{
	size_t cap = 65536, used = 0;
	char *buf, *line, *nl;
	ssize_t got;
	int fd, rc = 0;

	fd = openat(procfd, procfd == AT_FDCWD ? SHMKIT__SYSV_PROC : "sysvipc/shm",
		    O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return shmkit__sysv_list(vec);
	buf = malloc(cap);
	while (buf) {
		if (cap - used < 8192) {
			char *b = realloc(buf, cap * 2);

			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
		got = read(fd, buf + used, cap - used - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got < 0)
				used = 0;
			break;
		}
		used += (size_t)got;
	}
	close(fd);
	if (!buf || cap - used < 8192 || (nl = memchr(buf, '\n', used)) == NULL) {
		free(buf);	/* unreadable, or no header: ask shmctl instead */
		return shmkit__sysv_list(vec);
	}
	buf[used] = '\0';
	for (line = nl + 1; *line; line = nl + 1) {
		struct shmkit_info *slot;

		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = '\0';
		slot = shmkit__vec_push(vec);
		if (!slot) {
			rc = -ENOMEM;
			break;
		}
		if (shmkit__sysv_parse_line(line, slot) < 0)
			vec->n--;
	}
	free(buf);
	return rc;
}

int shmkit_list_at(int procfd, unsigned kinds, struct shmkit_info **out,
		   size_t *n)
{
	struct shmkit__vec vec = { 0 };
	int rc = 0;

	if (procfd < 0)
		procfd = AT_FDCWD;
	if (kinds & SHMKIT_LIST_SYSV)
		rc = sysv_list_at(procfd, &vec);
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

void shmkit_totals_add(struct shmkit_totals *t, const struct shmkit_info *info,
		       const struct shmkit_holders *h)
{
	int orphan = shmkit_info_orphan(info, h);

	t->count++;
	t->bytes += info->size;
	t->rss += info->rss;
	t->swap += info->swap;
	if (info->size > t->largest)
		t->largest = info->size;
	if (orphan == 1) {
		t->orphans++;
		t->orphan_bytes += info->size;
	} else if (orphan < 0) {
		t->unknown++;
	}
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

/* SPDX-License-Identifier: MIT */
/* list.c: one array of snapshots over both kinds, the filters over it, and the rows shmls shows. */
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

/*
 * 1 when /dev/shm may hold unlinked objects that processes still hold: it
 * has inodes beyond its root and the POSIX objects among @infos, or cannot
 * tell; 0 when not; -ENOENT when there is no /dev/shm.
 */
static int shmfs_unlinked(const struct shmkit_info *infos, size_t n)
{
	uint64_t inodes, objects = 0;
	size_t i;
	int rc = shmkit_shmfs_inodes(&inodes);

	if (rc == -ENOENT)
		return rc;
	for (i = 0; i < n; i++)
		objects += infos[i].kind == SHMKIT_POSIX;
	return rc < 0 || inodes > objects + 1;
}

/*
 * What shmkit_rows_list() hands out, with the snapshots the rows were
 * copied from. They live as long as the rows: freeing them any earlier
 * makes malloc(3) raise its mmap threshold, and the output that follows
 * then costs more (2.6% more instructions for 2000 objects).
 */
struct rows {
	struct shmkit_rows pub;
	struct shmkit_info *infos, *del;
	struct shmkit_holders *h;	/* when not also pub.h */
};

void shmkit_rows_free(struct shmkit_rows *rows)
{
	struct rows *r = (struct rows *)rows;	/* pub is the first member */
	int saved = errno;

	if (r) {
		free(r->pub.v);
		shmkit_info_free(r->infos);
		shmkit_info_free(r->del);
		shmkit_holders_free(r->pub.h);
		shmkit_holders_free(r->h);
		free(r->pub.ref_rc);
		free(r);
	}
	errno = saved;
}

/* A new struct rows with room for @n rows and @nrefs results, or NULL. */
static struct rows *rows_new(size_t n, size_t nrefs)
{
	struct rows *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->pub.v = calloc(n + 1, sizeof(*r->pub.v));
	r->pub.ref_rc = nrefs ? calloc(nrefs, sizeof(*r->pub.ref_rc)) : NULL;
	if (!r->pub.v || (nrefs && !r->pub.ref_rc)) {
		shmkit_rows_free(&r->pub);
		return NULL;
	}
	return r;
}

int shmkit_rows_list(int procfd, const struct shmkit_filter *f, const struct shmkit_ref *refs,
		     size_t nrefs, int64_t now, unsigned flags, struct shmkit_rows_notes *notes,
		     struct shmkit_rows **out)
{
	static const struct shmkit_filter none = { 0 };
	const struct shmkit_cell_opts listing = { .procfd = -1 };
	struct shmkit_rows_notes nt = { 0 };
	struct shmkit_filter only = { 0 };
	struct shmkit_info *infos = NULL, *del = NULL;
	struct shmkit_holders *h = NULL, *show;
	struct shmkit_rows *rows;
	struct rows *r;
	size_t count = 0, ndel = 0, i;
	unsigned kinds;
	int unlinked = 0;

	if (!f)
		f = &none;
	kinds = f->kinds ? f->kinds : SHMKIT_LIST_ALL;
	if (nrefs == 0) {
		nt.list_rc = shmkit_list_at(procfd, kinds, &infos, &count);
		if (kinds & SHMKIT_LIST_POSIX)
			unlinked = shmfs_unlinked(infos, count);
		if (unlinked == -ENOENT)
			nt.shmfs_rc = unlinked;
	}
	if ((flags & SHMKIT_ROWS_HOLDERS) || (nrefs == 0 && f->orphans) || unlinked > 0) {
		int rc = shmkit_holders_scan(procfd, &h);

		if (rc < 0 && (flags & SHMKIT_ROWS_HOLDERS))
			nt.scan_rc = rc;
		if (rc < 0)
			h = NULL;
	}
	if (nrefs == 0 && h && (kinds & SHMKIT_LIST_POSIX) &&
	    shmkit_holders_deleted(f->held_by ? f->held_by : h, &del, &ndel) < 0)
		ndel = 0;
	if (notes)
		*notes = nt;
	r = rows_new(count + ndel + nrefs, nrefs);
	if (!r) {
		shmkit_info_free(infos);
		shmkit_info_free(del);
		shmkit_holders_free(h);
		return -ENOMEM;
	}
	rows = &r->pub;
	show = flags & SHMKIT_ROWS_HOLDERS ? h : NULL;
	for (i = 0; i < count + ndel; i++) {
		struct shmkit_row *row = &rows->v[rows->n];

		row->info = i < count ? infos[i] : del[i - count];
		if (!shmkit_filter_match(f, &row->info, h, now))
			continue;
		shmkit_row_holders(row, show);
		rows->n++;
	}
	only.held_by = f->held_by;
	for (i = 0; i < nrefs; i++) {
		struct shmkit_row *row = &rows->v[rows->n];

		rows->ref_rc[i] = shmkit_stat(&refs[i], &row->info);
		if (rows->ref_rc[i] < 0 || !shmkit_filter_match(&only, &row->info, h, now))
			continue;
		shmkit_row_holders(row, show);
		rows->n++;
	}
	/* The listing's order, with the unlinked objects in their places. */
	if (ndel)
		shmkit_rows_sort(&listing, -1, rows->v, rows->n);
	r->infos = infos;
	r->del = del;
	rows->h = show;
	r->h = show ? NULL : h;
	*out = rows;
	return 0;
}

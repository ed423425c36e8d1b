/* SPDX-License-Identifier: MIT */
/* rows.c: what shmls shows: the rows of a listing, with holders and unlinked objects in place. */
#include <sys/types.h>
#include <errno.h>
#include <stdlib.h>
#include "internal.h"

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
	struct shmkit_rows **parts;	/* merged ones: what the rows came from */
	size_t nparts;
	void *keep;			/* freed by keep_free; pub.h then points into it */
	void (*keep_free)(void *);
};

void shmkit_rows_free(struct shmkit_rows *rows)
{
	struct rows *r = (struct rows *)rows;	/* pub is the first member */
	int saved = errno;

	if (r) {
		size_t i;

		free(r->pub.v);
		shmkit_info_free(r->infos);
		shmkit_info_free(r->del);
		if (!r->keep_free)
			shmkit_holders_free(r->pub.h);
		shmkit_holders_free(r->h);
		for (i = 0; i < r->nparts; i++)
			shmkit_rows_free(r->parts[i]);
		free(r->parts);
		if (r->keep_free)
			r->keep_free(r->keep);
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

/* shmkit_rows_list(), with @given (owned) as the snapshot when @scan is 0. */
static int rows_list(int procfd, const struct shmkit_filter *f, const struct shmkit_ref *refs,
		     size_t nrefs, int64_t now, unsigned flags, int scan,
		     struct shmkit_holders *given, struct shmkit_rows_notes *notes,
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
	h = given;
	if (scan && ((flags & SHMKIT_ROWS_HOLDERS) || (nrefs == 0 && f->orphans) || unlinked > 0)) {
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
		shmkit_row_set_holders(row, show);
		rows->n++;
	}
	only.held_by = f->held_by;
	for (i = 0; i < nrefs; i++) {
		struct shmkit_row *row = &rows->v[rows->n];

		rows->ref_rc[i] = shmkit_stat(&refs[i], &row->info);
		if (rows->ref_rc[i] < 0 || !shmkit_filter_match(&only, &row->info, h, now))
			continue;
		shmkit_row_set_holders(row, show);
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

int shmkit_rows_list(int procfd, const struct shmkit_filter *f, const struct shmkit_ref *refs,
		     size_t nrefs, int64_t now, unsigned flags, struct shmkit_rows_notes *notes,
		     struct shmkit_rows **out)
{
	return rows_list(procfd, f, refs, nrefs, now, flags, 1, NULL, notes, out);
}

int shmkit__rows_list_with(int procfd, const struct shmkit_filter *f, int64_t now,
			   unsigned flags, struct shmkit_holders *h,
			   struct shmkit_rows_notes *notes, struct shmkit_rows **out)
{
	return rows_list(procfd, f, NULL, 0, now, flags, 0, h, notes, out);
}

int shmkit__rows_merge(struct shmkit_rows **parts, size_t n, const struct shmkit_holders *h,
		       void *keep, void (*keep_free)(void *), struct shmkit_rows **out)
{
	size_t total = 0, i, k;
	struct rows *r;

	for (i = 0; i < n; i++)
		total += parts[i]->n;
	r = rows_new(total, 0);
	if (!r) {
		for (i = 0; i < n; i++)
			shmkit_rows_free(parts[i]);
		free(parts);
		if (keep_free)
			keep_free(keep);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		for (k = 0; k < parts[i]->n; k++)
			r->pub.v[r->pub.n++] = parts[i]->v[k];
	r->parts = parts;
	r->nparts = n;
	r->keep = keep;
	r->keep_free = keep_free;
	/* Cast: the snapshot belongs to @keep and is never changed through it. */
	r->pub.h = (struct shmkit_holders *)(uintptr_t)h;
	*out = &r->pub;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* resources.c: the shmls -g table: each limit next to what uses it, and the totals of a listing. */
#include <sys/types.h>
#include <inttypes.h>
#include <stdio.h>
#include "internal.h"

#define NUM	(SHMKIT_COLF_RIGHT | SHMKIT_COLF_NUMBER)

static const struct shmkit_column columns[] = {
	[SHMKIT_RCOL_RESOURCE]    = { "RESOURCE", "Resource", "the limit or total", 0, 0 },
	[SHMKIT_RCOL_DESCRIPTION] = { "DESCRIPTION", "Description", "what it counts", 0, 0 },
	[SHMKIT_RCOL_USED]        = { "USED", "Used", "how much is used", 0, NUM },
	[SHMKIT_RCOL_LIMIT]       = { "LIMIT", "Limit", "the limit", 0, NUM },
	[SHMKIT_RCOL_USE]         = { "USE%", "Use", "how much of the limit is used", 0, NUM },
};

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

static void row(struct shmkit_resource *out, size_t *n, const char *res, const char *desc,
		int bytes, int have_used, uint64_t used, int have_limit, uint64_t limit)
{
	struct shmkit_resource *u = &out[(*n)++];

	u->resource = res;
	u->description = desc;
	u->bytes = bytes;
	u->have_used = have_used;
	u->used = used;
	u->have_limit = have_limit;
	u->limit = limit;
}

size_t shmkit_resource_rows(unsigned kinds, const struct shmkit_limits *l,
			 const struct shmkit_totals *sysv, const struct shmkit_totals *posix,
			 struct shmkit_resource *out)
{
	int fs = !!(l->have & SHMKIT_LIM_SHMFS), ipc = !!(l->have & SHMKIT_LIM_SYSV);
	size_t n = 0;

	if (kinds & SHMKIT_LIST_SYSV) {
		row(out, &n, "SHMMNI", "SysV segments", 0, ipc, l->sysv_ids,
		    !!(l->have & SHMKIT_LIM_SHMMNI), l->shmmni);
		row(out, &n, "SHMALL", "SysV pages in all segments", 0, ipc, l->sysv_pages,
		    !!(l->have & SHMKIT_LIM_SHMALL), l->shmall);
		row(out, &n, "SHMMAX", "largest SysV segment", 1, sysv->count > 0, sysv->largest,
		    !!(l->have & SHMKIT_LIM_SHMMAX), l->shmmax);
		row(out, &n, "SHM_RMID_FORCED", "remove SysV segments at last detach", 0, 0, 0,
		    !!(l->have & SHMKIT_LIM_RMID), l->rmid_forced);
		row(out, &n, "SYSV-SEGMENTS", "SysV segments listed", 0, 1, sysv->count, 0, 0);
		row(out, &n, "SYSV-BYTES", "size of SysV segments", 1, 1, sysv->bytes, 0, 0);
		row(out, &n, "SYSV-RSS", "resident SysV memory", 1, 1, sysv->rss, 0, 0);
		row(out, &n, "SYSV-SWAP", "swapped SysV memory", 1, 1, sysv->swap, 0, 0);
		row(out, &n, "SYSV-ORPHANED", "size of SysV orphans", 1, 1, sysv->orphan_bytes,
		    0, 0);
	}
	if (kinds & SHMKIT_LIST_POSIX) {
		row(out, &n, "SHMFS-SIZE", "/dev/shm filesystem", 1, fs, l->shmfs_used, fs,
		    l->shmfs_size);
		row(out, &n, "SHMFS-INODES", "/dev/shm files", 0, fs,
		    l->shmfs_files - l->shmfs_ffree, fs && l->shmfs_files, l->shmfs_files);
		row(out, &n, "POSIX-OBJECTS", "POSIX objects listed", 0, 1, posix->count, 0, 0);
		row(out, &n, "POSIX-BYTES", "size of POSIX objects", 1, 1, posix->bytes, 0, 0);
		row(out, &n, "POSIX-RSS", "resident POSIX memory", 1, 1, posix->rss, 0, 0);
		row(out, &n, "POSIX-ORPHANED", "size of POSIX orphans", 1, !posix->unknown,
		    posix->orphan_bytes, 0, 0);
	}
	return n;
}

const struct shmkit_column *shmkit_resource_column(int col)
{
	if (col < 0 || (size_t)col >= ARRAY_SIZE(columns))
		return NULL;
	return &columns[col];
}

size_t shmkit_resource_read(unsigned kinds, const struct shmkit_row *rows, size_t n,
			 const struct shmkit_holders *h, struct shmkit_resource *out)
{
	struct shmkit_totals t[2] = { { 0 } };
	struct shmkit_limits l = { 0 };
	size_t i;

	(void)shmkit_limits_read(&l);	/* what it could not read stays unknown */
	for (i = 0; i < n; i++)
		shmkit_totals_add(&t[rows[i].info.kind == SHMKIT_SYSV ? 0 : 1], &rows[i].info, h);
	return shmkit_resource_rows(kinds, &l, &t[0], &t[1], out);
}

int shmkit_resource_format(const struct shmkit_resource *u, int col, unsigned flags, char *buf,
			size_t len)
{
	int exact = !!(flags & SHMKIT_CELL_EXACT);
	uint64_t v = col == SHMKIT_RCOL_USED ? u->used : u->limit;

	if (len < 2)
		return 0;
	switch (col) {
	case SHMKIT_RCOL_RESOURCE:
		return snprintf(buf, len, "%s", u->resource) > 0;
	case SHMKIT_RCOL_DESCRIPTION:
		return snprintf(buf, len, "%s", u->description) > 0;
	case SHMKIT_RCOL_USED:
	case SHMKIT_RCOL_LIMIT:
		if (!(col == SHMKIT_RCOL_USED ? u->have_used : u->have_limit))
			return 0;
		if (u->bytes && !exact)
			return shmkit_format_size(v, buf, len) > 0;
		return snprintf(buf, len, "%" PRIu64, v) > 0;
	case SHMKIT_RCOL_USE:
		if (!u->have_used || !u->have_limit || u->limit == 0)
			return 0;
		return snprintf(buf, len, exact ? "%.2f" : "%.0f%%",
				(double)u->used * 100.0 / (double)u->limit) > 0;
	}
	return 0;
}

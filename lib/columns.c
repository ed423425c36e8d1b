/* SPDX-License-Identifier: MIT */
/* columns.c: shmls's columns: their names, presets, the -o list parser, each cell's text, and row order. */
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "internal.h"

#define NUM	(SHMKIT_COLF_RIGHT | SHMKIT_COLF_NUMBER)
#define TEXT	SHMKIT_COLF_TRUNC

static const struct shmkit_column columns[] = {
	[SHMKIT_COL_REF]     = { "REF", "Reference", "reference for the other tools: shmid or /NAME",
				 6, SHMKIT_COLF_NOEXTREMES },
	[SHMKIT_COL_KIND]    = { "KIND", "Kind", "sysv or posix", 5, 0 },
	[SHMKIT_COL_KEY]     = { "KEY", "Key", "SysV key, 0x and 8 hex digits", 10, 0 },
	[SHMKIT_COL_ID]      = { "ID", "ID", "SysV shmid", 4, NUM },
	[SHMKIT_COL_NAME]    = { "NAME", "Name", "POSIX name without the leading slash", 8, TEXT },
	[SHMKIT_COL_OWNER]   = { "OWNER", "Owner", "owner's user name, or uid", 8, TEXT },
	[SHMKIT_COL_PERMS]   = { "PERMS", "Permissions", "permission bits as rwxrwxrwx", 9, 0 },
	[SHMKIT_COL_SIZE]    = { "SIZE", "Size", "size in bytes", 6, NUM },
	[SHMKIT_COL_NATTCH]  = { "NATTCH", "Attachments", "SysV attach count kept by the kernel",
				 6, NUM },
	[SHMKIT_COL_STATUS]  = { "STATUS", "Status", "dest, locked (SysV) or deleted (POSIX)", 6, 0 },
	[SHMKIT_COL_CTIME]   = { "CTIME", "Change time",
				 "last change (SysV) or inode change time (POSIX)", 16, 0 },
	[SHMKIT_COL_ATIME]   = { "ATIME", "Attach time",
				 "last attach (SysV) or access time (POSIX)", 16, 0 },
	[SHMKIT_COL_DTIME]   = { "DTIME", "Detach time", "last detach (SysV)", 16, 0 },
	[SHMKIT_COL_MTIME]   = { "MTIME", "Modify time", "last write (POSIX)", 16, 0 },
	[SHMKIT_COL_CPID]    = { "CPID", "Creator PID", "PID of the creator (SysV)", 5, NUM },
	[SHMKIT_COL_LPID]    = { "LPID", "Last PID", "PID of the last attach or detach (SysV)",
				 5, NUM },
	[SHMKIT_COL_COMMAND] = { "COMMAND", "Creator command",
				 "creator's command line, while it runs (SysV)", 12,
				 TEXT | SHMKIT_COLF_CMDLINE },
	[SHMKIT_COL_CUID]    = { "CUID", "Creator UID", "creator's uid (SysV)", 5, NUM },
	[SHMKIT_COL_CUSER]   = { "CUSER", "Creator user", "creator's user name (SysV)", 8, TEXT },
	[SHMKIT_COL_CGID]    = { "CGID", "Creator GID", "creator's gid (SysV)", 5, NUM },
	[SHMKIT_COL_CGROUP]  = { "CGROUP", "Creator group", "creator's group name (SysV)", 8, TEXT },
	[SHMKIT_COL_UID]     = { "UID", "UID", "owner's uid", 5, NUM },
	[SHMKIT_COL_USER]    = { "USER", "User", "owner's user name", 8, TEXT },
	[SHMKIT_COL_GID]     = { "GID", "GID", "owner's gid", 5, NUM },
	[SHMKIT_COL_GROUP]   = { "GROUP", "Group", "owner's group name", 8, TEXT },
	[SHMKIT_COL_RSS]     = { "RSS", "Resident", "bytes in memory", 6, NUM },
	[SHMKIT_COL_SWAP]    = { "SWAP", "Swapped", "bytes swapped out (SysV)", 6, NUM },
	[SHMKIT_COL_HOLDERS] = { "HOLDERS", "Holders", "processes that map it or have it open",
				 7, NUM | SHMKIT_COLF_HOLDERS },
	[SHMKIT_COL_PIDS]    = { "PIDS", "Holder PIDs", "holders as PID/COMMAND", 12,
				 TEXT | SHMKIT_COLF_HOLDERS },
	[SHMKIT_COL_AGE]     = { "AGE", "Age", "seconds since last use", 5, NUM },
	[SHMKIT_COL_ORPHAN]  = { "ORPHAN", "Orphan", "yes when no process holds it", 6,
				 SHMKIT_COLF_BOOL | SHMKIT_COLF_HOLDERS },
	[SHMKIT_COL_IPCNS]   = { "IPCNS", "IPC namespace", "IPC namespace inode, as lsns prints it (-A)",
				 10, NUM },
	[SHMKIT_COL_SHMFS]   = { "SHMFS", "Filesystem", "POSIX: MAJ:MIN of its /dev/shm @ mount namespace (-A)",
				 10, 0 },
	[SHMKIT_COL_CONTAINER] = { "CONTAINER", "Container",
				   "container id, pod UID or systemd unit of the namespace (-A)", 12, TEXT },
	[SHMKIT_COL_NSPID]   = { "NSPID", "Namespace PID", "a PID in the namespace, for --target (-A)",
				 5, NUM },
};

/* One remembered uid or gid. */
struct shmkit_name {
	int group;
	unsigned id;
	char name[64];
};

struct shmkit_idnames {
	struct shmkit_name v[32];
	size_t n, next;
};

const struct shmkit_column *shmkit_column_get(int col)
{
	if (col < 0 || (size_t)col >= ARRAY_SIZE(columns))
		return NULL;
	return &columns[col];
}

int shmkit_column_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(columns); i++)
		if (strlen(columns[i].name) == len && strncasecmp(columns[i].name, name, len) == 0)
			return (int)i;
	return -ENOENT;
}

void shmkit_cols_add(struct shmkit_cols *set, int col)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->v[i] == col)
			return;
	if (set->n < ARRAY_SIZE(set->v))
		set->v[set->n++] = col;
}

int shmkit_cols_parse(const char *list, struct shmkit_cols *set, size_t *bad)
{
	struct shmkit_cols s = *set;
	const char *p = list, *end;
	int id;

	if (*p == '+')
		p++;
	else
		s.n = 0;
	for (; *p; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ",");
		if (end == p)
			continue;
		id = shmkit_column_find(p, (size_t)(end - p));
		if (id < 0) {
			*bad = (size_t)(p - list);
			return -ENOENT;
		}
		shmkit_cols_add(&s, id);
	}
	if (s.n == 0)
		return -EINVAL;
	*set = s;
	return 0;
}

void shmkit_cols_preset(unsigned which, struct shmkit_cols *out)
{
	static const int defaults[] = { SHMKIT_COL_REF, SHMKIT_COL_KIND, SHMKIT_COL_KEY,
					SHMKIT_COL_OWNER, SHMKIT_COL_PERMS, SHMKIT_COL_SIZE,
					SHMKIT_COL_NATTCH, SHMKIT_COL_STATUS, SHMKIT_COL_CTIME };
	static const int times[] = { SHMKIT_COL_ATIME, SHMKIT_COL_DTIME, SHMKIT_COL_CTIME };
	static const int creator[] = { SHMKIT_COL_PERMS, SHMKIT_COL_CUID, SHMKIT_COL_CUSER,
				       SHMKIT_COL_CGID, SHMKIT_COL_CGROUP, SHMKIT_COL_UID,
				       SHMKIT_COL_USER, SHMKIT_COL_GID, SHMKIT_COL_GROUP };
	size_t i;

	out->n = 0;
	if (!(which & (SHMKIT_COLS_TIMES | SHMKIT_COLS_CREATOR))) {
		for (i = 0; i < ARRAY_SIZE(defaults); i++)
			shmkit_cols_add(out, defaults[i]);
		return;
	}
	shmkit_cols_add(out, SHMKIT_COL_REF);
	shmkit_cols_add(out, SHMKIT_COL_KIND);
	for (i = 0; (which & SHMKIT_COLS_CREATOR) && i < ARRAY_SIZE(creator); i++)
		shmkit_cols_add(out, creator[i]);
	for (i = 0; (which & SHMKIT_COLS_TIMES) && i < ARRAY_SIZE(times); i++)
		shmkit_cols_add(out, times[i]);
}

unsigned shmkit_cols_flags(const struct shmkit_cols *set)
{
	unsigned flags = 0;
	size_t i;

	for (i = 0; i < set->n; i++)
		if (shmkit_column_get(set->v[i]))
			flags |= columns[set->v[i]].flags;
	return flags;
}

int shmkit_idnames_new(struct shmkit_idnames **out)
{
	struct shmkit_idnames *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	*out = c;
	return 0;
}

void shmkit_idnames_free(struct shmkit_idnames *names)
{
	int saved = errno;

	free(names);
	errno = saved;
}

static void lookup(int group, unsigned id, char *buf, size_t len)
{
	if (group) {
		struct group *gr = getgrgid((gid_t)id);

		if (gr) {
			snprintf(buf, len, "%s", gr->gr_name);
			return;
		}
	} else {
		struct passwd *pw = getpwuid((uid_t)id);

		if (pw) {
			snprintf(buf, len, "%s", pw->pw_name);
			return;
		}
	}
	snprintf(buf, len, "%u", id);
}

/* glibc reads /etc/passwd again for every lookup: remember the last few. */
static void id_name(struct shmkit_idnames *cache, int group, unsigned id, char *buf, size_t len)
{
	struct shmkit_name *slot;
	size_t i;

	if (!cache) {
		lookup(group, id, buf, len);
		return;
	}
	for (i = 0; i < cache->n; i++) {
		slot = &cache->v[i];
		if (slot->group == group && slot->id == id) {
			snprintf(buf, len, "%s", slot->name);
			return;
		}
	}
	slot = &cache->v[cache->next];
	cache->next = (cache->next + 1) % ARRAY_SIZE(cache->v);
	if (cache->n < ARRAY_SIZE(cache->v))
		cache->n++;
	slot->group = group;
	slot->id = id;
	lookup(group, id, slot->name, sizeof(slot->name));
	snprintf(buf, len, "%s", slot->name);
}

void shmkit_row_set_holders(struct shmkit_row *row, const struct shmkit_holders *h)
{
	row->orphan = shmkit_info_orphan(&row->info, h);
	if (!h)
		return;
	row->nholders = shmkit_holders_of(h, &row->info, &row->holders);
	if (row->info.kind == SHMKIT_SYSV)
		row->incomplete = shmkit_holders_unreadable(h) > 0 &&
				  row->nholders < row->info.nattch;
	else if (row->orphan == 1)
		row->incomplete = 0;	/* the kernel or a full scan: nobody */
	else
		row->incomplete = shmkit_holders_unreadable(h) > 0 ||
				  (row->orphan == 0 && row->nholders == 0);
}

/* The holder list as PID/COMM, comma-separated. */
static int fmt_pids(const struct shmkit_row *r, char *buf, size_t len)
{
	size_t i, used = 0;
	char comm[16];
	int n;

	buf[0] = '\0';
	for (i = 0; i < r->nholders && used < len; i++) {
		const char *c = r->holders[i].comm;
		size_t j;

		/* A process may name itself anything; keep the list parsable. */
		for (j = 0; j < sizeof(comm) - 1 && c[j]; j++)
			comm[j] = iscntrl((unsigned char)c[j]) || c[j] == ',' ? '?' : c[j];
		comm[j] = '\0';
		n = snprintf(buf + used, len - used, "%s%d/%s", i ? "," : "",
			     (int)r->holders[i].pid, comm);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return r->nholders > 0;
}

static int fmt_time(const struct shmkit_cell_opts *o, int64_t t, char *buf, size_t len)
{
	return shmkit_format_time(t, o->time, buf, len) > 0;
}

static int fmt_bytes(const struct shmkit_cell_opts *o, uint64_t v, char *buf, size_t len)
{
	if (o->flags & SHMKIT_CELL_EXACT)
		return snprintf(buf, len, "%" PRIu64, v) > 0;
	return shmkit_format_size(v, buf, len) > 0;
}

/*
 * The cells, by group of columns. Each returns 1 with text in @buf, 0 for
 * an empty cell, or -1 when @col is not one of its columns.
 */
typedef int cell_fn(const struct shmkit_cell_opts *o, const struct shmkit_row *r, int col,
		    char *buf, size_t len);

static int cell_identity(const struct shmkit_cell_opts *o, const struct shmkit_row *r,
			 int col, char *buf, size_t len)
{
	const struct shmkit_info *in = &r->info;
	int sysv = in->kind == SHMKIT_SYSV;

	(void)o;
	switch (col) {
	case SHMKIT_COL_REF:
		if (sysv)
			return snprintf(buf, len, "%d", in->id) > 0;
		return snprintf(buf, len, "%s", in->name) > 0;
	case SHMKIT_COL_KIND:
		return snprintf(buf, len, "%s", sysv ? "sysv" : "posix") > 0;
	case SHMKIT_COL_KEY:
		return sysv && snprintf(buf, len, "0x%08x", (unsigned)in->key) > 0;
	case SHMKIT_COL_ID:
		return sysv && snprintf(buf, len, "%d", in->id) > 0;
	case SHMKIT_COL_NAME:
		return !sysv && snprintf(buf, len, "%s", in->name + 1) > 0;
	case SHMKIT_COL_STATUS:
		snprintf(buf, len, "%s%s%s%s", in->status & SHMKIT_ST_DEST ? "dest" : "",
			 (in->status & SHMKIT_ST_DEST) && (in->status & SHMKIT_ST_LOCKED) ?
			 "," : "", in->status & SHMKIT_ST_LOCKED ? "locked" : "",
			 in->status & SHMKIT_ST_DELETED ? "deleted" : "");
		return buf[0] != '\0';
	}
	return -1;
}

static int cell_owner(const struct shmkit_cell_opts *o, const struct shmkit_row *r,
		      int col, char *buf, size_t len)
{
	const struct shmkit_info *in = &r->info;
	int creds = !!(in->have & SHMKIT_HAVE_CREDS);

	switch (col) {
	case SHMKIT_COL_OWNER:
	case SHMKIT_COL_USER:
		id_name(o->names, 0, in->uid, buf, len);
		return 1;
	case SHMKIT_COL_PERMS:
		return shmkit_format_perms(in->mode, buf, len) > 0;
	case SHMKIT_COL_CUID:
		return creds && snprintf(buf, len, "%u", (unsigned)in->cuid) > 0;
	case SHMKIT_COL_CUSER:
		if (creds)
			id_name(o->names, 0, in->cuid, buf, len);
		return creds;
	case SHMKIT_COL_CGID:
		return creds && snprintf(buf, len, "%u", (unsigned)in->cgid) > 0;
	case SHMKIT_COL_CGROUP:
		if (creds)
			id_name(o->names, 1, in->cgid, buf, len);
		return creds;
	case SHMKIT_COL_UID:
		return snprintf(buf, len, "%u", (unsigned)in->uid) > 0;
	case SHMKIT_COL_GID:
		return snprintf(buf, len, "%u", (unsigned)in->gid) > 0;
	case SHMKIT_COL_GROUP:
		id_name(o->names, 1, in->gid, buf, len);
		return 1;
	}
	return -1;
}

static int cell_memory(const struct shmkit_cell_opts *o, const struct shmkit_row *r,
		       int col, char *buf, size_t len)
{
	const struct shmkit_info *in = &r->info;
	int mem = !!(in->have & SHMKIT_HAVE_MEM);

	switch (col) {
	case SHMKIT_COL_SIZE:
		return fmt_bytes(o, in->size, buf, len);
	case SHMKIT_COL_RSS:
		return mem && fmt_bytes(o, in->rss, buf, len);
	case SHMKIT_COL_SWAP:
		return in->kind == SHMKIT_SYSV && mem && fmt_bytes(o, in->swap, buf, len);
	case SHMKIT_COL_NATTCH:
		return (in->have & SHMKIT_HAVE_NATTCH) &&
		       snprintf(buf, len, "%" PRIu64, in->nattch) > 0;
	}
	return -1;
}

static int cell_time(const struct shmkit_cell_opts *o, const struct shmkit_row *r,
		     int col, char *buf, size_t len)
{
	const struct shmkit_info *in = &r->info;
	int sysv = in->kind == SHMKIT_SYSV;
	uint64_t v;

	switch (col) {
	case SHMKIT_COL_CTIME:
		return fmt_time(o, in->ctime, buf, len);
	case SHMKIT_COL_ATIME:
		return fmt_time(o, in->atime, buf, len);
	case SHMKIT_COL_DTIME:
		return sysv && fmt_time(o, in->dtime, buf, len);
	case SHMKIT_COL_MTIME:
		return !sysv && fmt_time(o, in->mtime, buf, len);
	case SHMKIT_COL_AGE:
		v = shmkit_info_age(in, o->now);
		if (o->flags & SHMKIT_CELL_EXACT)
			return snprintf(buf, len, "%" PRIu64, v) > 0;
		return shmkit_format_age(v, buf, len) > 0;
	}
	return -1;
}

static int cell_process(const struct shmkit_cell_opts *o, const struct shmkit_row *r,
			int col, char *buf, size_t len)
{
	const struct shmkit_info *in = &r->info;
	int pids = !!(in->have & SHMKIT_HAVE_PIDS);

	switch (col) {
	case SHMKIT_COL_CPID:
		return pids && in->cpid > 0 && snprintf(buf, len, "%d", (int)in->cpid) > 0;
	case SHMKIT_COL_LPID:
		return pids && in->lpid > 0 && snprintf(buf, len, "%d", (int)in->lpid) > 0;
	case SHMKIT_COL_COMMAND:
		return pids && in->cpid > 0 &&
		       shmkit_proc_cmdline(o->procfd, in->cpid, buf, len) == 0;
	case SHMKIT_COL_HOLDERS:
		if (!o->h || (r->incomplete && (o->flags & SHMKIT_CELL_JSON)))
			return 0;	/* unknown: null, never a claim of none */
		return snprintf(buf, len, "%zu%s", r->nholders, r->incomplete ? "+" : "") > 0;
	case SHMKIT_COL_PIDS:
		return o->h && fmt_pids(r, buf, len);
	case SHMKIT_COL_ORPHAN:
		if (r->orphan < 0)
			return !(o->flags & SHMKIT_CELL_JSON) && snprintf(buf, len, "?") > 0;
		return snprintf(buf, len, "%s", r->orphan ? "yes" : "no") > 0;
	}
	return -1;
}

/* Where shmls -A found it. */
static int cell_namespace(const struct shmkit_cell_opts *o, const struct shmkit_row *r,
			  int col, char *buf, size_t len)
{
	const struct shmkit_nsinfo *ns = r->ns;

	(void)o;
	switch (col) {
	case SHMKIT_COL_IPCNS:
		return ns && snprintf(buf, len, "%llu", (unsigned long long)ns->ipcns) > 0;
	case SHMKIT_COL_SHMFS:
		return ns && r->info.kind == SHMKIT_POSIX &&
		       snprintf(buf, len, "%u:%u@%llu", major(ns->shmdev), minor(ns->shmdev),
				(unsigned long long)ns->mntns) > 0;
	case SHMKIT_COL_CONTAINER:
		return ns && snprintf(buf, len, "%s", ns->container) > 0;
	case SHMKIT_COL_NSPID:
		return ns && ns->pid > 0 && snprintf(buf, len, "%d", (int)ns->pid) > 0;
	}
	return -1;
}

int shmkit_cell_format(const struct shmkit_cell_opts *o, const struct shmkit_row *r,
		       int col, char *buf, size_t len)
{
	static cell_fn *const groups[] = {
		cell_identity, cell_owner, cell_memory, cell_time, cell_process,
		cell_namespace,
	};
	const struct shmkit_info *in = &r->info;
	size_t i;
	int rc;

	if (len < 2 || !shmkit_column_get(col))
		return 0;
	/* An unlinked object that could not be examined has only a name and a size. */
	if ((in->status & SHMKIT_ST_DELETED) && !(in->have & SHMKIT_HAVE_MEM) &&
	    col != SHMKIT_COL_REF && col != SHMKIT_COL_KIND && col != SHMKIT_COL_NAME &&
	    col != SHMKIT_COL_SIZE && col != SHMKIT_COL_STATUS &&
	    !(columns[col].flags & SHMKIT_COLF_HOLDERS) && cell_namespace(o, r, col, buf, len) < 0)
		return 0;
	for (i = 0; i < ARRAY_SIZE(groups); i++) {
		rc = groups[i](o, r, col, buf, len);
		if (rc >= 0)
			return rc;
	}
	return 0;
}

int shmkit_row_cmp(const struct shmkit_cell_opts *o, int col, const struct shmkit_row *a,
		   const struct shmkit_row *b)
{
	const struct shmkit_info *x = &a->info, *y = &b->info;
	struct shmkit_cell_opts exact = *o;
	char bx[4096], by[4096];
	int hx, hy;

	if (col == SHMKIT_COL_REF || !shmkit_column_get(col)) {
		if (x->kind != y->kind)
			return x->kind < y->kind ? -1 : 1;
		if (x->kind == SHMKIT_SYSV)
			return (x->id > y->id) - (x->id < y->id);
		if (col != SHMKIT_COL_REF)
			return strcmp(x->name, y->name);
	}
	/* Sort on exact values, whatever the output shows. */
	exact.flags |= SHMKIT_CELL_EXACT;
	exact.time = SHMKIT_TIME_ISO;
	hx = shmkit_cell_format(&exact, a, col, bx, sizeof(bx));
	hy = shmkit_cell_format(&exact, b, col, by, sizeof(by));
	if (!hx || !hy)
		return hy - hx;	/* empty cells last */
	if (columns[col].flags & SHMKIT_COLF_NUMBER) {
		uint64_t vx = strtoull(bx, NULL, 10), vy = strtoull(by, NULL, 10);

		return (vx > vy) - (vx < vy);
	}
	return strcmp(bx, by);
}

/* What shmkit_rows_sort() hands qsort_r(3) for each comparison. */
struct sort_by {
	const struct shmkit_cell_opts *o;
	int col;
};

static int cmp_rows(const void *a, const void *b, void *payload)
{
	const struct sort_by *by = payload;

	return shmkit_row_cmp(by->o, by->col, a, b);
}

void shmkit_rows_sort(const struct shmkit_cell_opts *o, int col, struct shmkit_row *rows,
		      size_t n)
{
	struct sort_by by = { o, col };

	qsort_r(rows, n, sizeof(*rows), cmp_rows, &by);
}

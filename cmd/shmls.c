/* SPDX-License-Identifier: MIT */
/* shmls: list SysV segments and POSIX objects, who holds them, and the limits behind them. */
#include <sys/capability.h>
#include <sys/types.h>
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <popt.h>
#include <libsmartcols.h>
#include "common.h"
#include "shmkit.h"

enum {
	C_REF, C_KIND, C_KEY, C_ID, C_NAME, C_OWNER, C_PERMS, C_SIZE, C_NATTCH,
	C_STATUS, C_CTIME, C_ATIME, C_DTIME, C_MTIME, C_CPID, C_LPID, C_COMMAND,
	C_CUID, C_CUSER, C_CGID, C_CGROUP, C_UID, C_USER, C_GID, C_GROUP, C_RSS,
	C_SWAP, C_HOLDERS, C_PIDS, C_AGE, C_ORPHAN,
};

/* What a column needs beyond the listing itself. */
#define N_HOLDERS 0x1	/* a holder scan */
#define N_CMDLINE 0x2	/* /proc/CPID/cmdline */
#define N_DELETED 0x4	/* a holder scan for unlinked objects only */

static const struct column {
	const char *name, *label;
	double whint;
	int flags, json, needs;
	const char *help;
} columns[] = {
	[C_REF]     = { "REF", "Reference", 6, SCOLS_FL_NOEXTREMES, SCOLS_JSON_STRING, 0,
			"reference for the other tools: shmid or /NAME" },
	[C_KIND]    = { "KIND", "Kind", 5, 0, SCOLS_JSON_STRING, 0, "sysv or posix" },
	[C_KEY]     = { "KEY", "Key", 10, 0, SCOLS_JSON_STRING, 0, "SysV key, 0x and 8 hex digits" },
	[C_ID]      = { "ID", "ID", 4, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, 0, "SysV shmid" },
	[C_NAME]    = { "NAME", "Name", 8, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, 0,
			"POSIX name without the leading slash" },
	[C_OWNER]   = { "OWNER", "Owner", 8, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, 0,
			"owner's user name, or uid" },
	[C_PERMS]   = { "PERMS", "Permissions", 9, 0, SCOLS_JSON_STRING, 0,
			"permission bits as rwxrwxrwx" },
	[C_SIZE]    = { "SIZE", "Size", 6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, 0, "size in bytes" },
	[C_NATTCH]  = { "NATTCH", "Attachments", 6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, 0,
			"SysV attach count kept by the kernel" },
	[C_STATUS]  = { "STATUS", "Status", 6, 0, SCOLS_JSON_STRING, 0,
			"dest, locked (SysV) or deleted (POSIX)" },
	[C_CTIME]   = { "CTIME", "Change time", 16, 0, SCOLS_JSON_STRING, 0,
			"last change (SysV) or inode change time (POSIX)" },
	[C_ATIME]   = { "ATIME", "Attach time", 16, 0, SCOLS_JSON_STRING, 0,
			"last attach (SysV) or access time (POSIX)" },
	[C_DTIME]   = { "DTIME", "Detach time", 16, 0, SCOLS_JSON_STRING, 0, "last detach (SysV)" },
	[C_MTIME]   = { "MTIME", "Modify time", 16, 0, SCOLS_JSON_STRING, 0, "last write (POSIX)" },
	[C_CPID]    = { "CPID", "Creator PID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, 0,
			"PID of the creator (SysV)" },
	[C_LPID]    = { "LPID", "Last PID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, 0,
			"PID of the last attach or detach (SysV)" },
	[C_COMMAND] = { "COMMAND", "Creator command", 12, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			N_CMDLINE, "creator's command line, while it runs (SysV)" },
	[C_CUID]    = { "CUID", "Creator UID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, 0,
			"creator's uid (SysV)" },
	[C_CUSER]   = { "CUSER", "Creator user", 8, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, 0,
			"creator's user name (SysV)" },
	[C_CGID]    = { "CGID", "Creator GID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, 0,
			"creator's gid (SysV)" },
	[C_CGROUP]  = { "CGROUP", "Creator group", 8, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, 0,
			"creator's group name (SysV)" },
	[C_UID]     = { "UID", "UID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, 0, "owner's uid" },
	[C_USER]    = { "USER", "User", 8, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, 0, "owner's user name" },
	[C_GID]     = { "GID", "GID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, 0, "owner's gid" },
	[C_GROUP]   = { "GROUP", "Group", 8, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, 0,
			"owner's group name" },
	[C_RSS]     = { "RSS", "Resident", 6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, 0,
			"bytes in memory" },
	[C_SWAP]    = { "SWAP", "Swapped", 6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, 0,
			"bytes swapped out (SysV)" },
	[C_HOLDERS] = { "HOLDERS", "Holders", 7, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, N_HOLDERS,
			"processes that map it or have it open" },
	[C_PIDS]    = { "PIDS", "Holder PIDs", 12, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			N_HOLDERS, "holders as PID/COMMAND" },
	[C_AGE]     = { "AGE", "Age", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, 0,
			"seconds since last use" },
	[C_ORPHAN]  = { "ORPHAN", "Orphan", 6, 0, SCOLS_JSON_BOOLEAN_OPTIONAL, N_HOLDERS,
			"yes when no process holds it" },
};

static const int defaults[] = { C_REF, C_KIND, C_KEY, C_OWNER, C_PERMS, C_SIZE,
				C_NATTCH, C_STATUS, C_CTIME };
static const int time_cols[] = { C_ATIME, C_DTIME, C_CTIME };
static const int creator_cols[] = { C_PERMS, C_CUID, C_CUSER, C_CGID, C_CGROUP,
				    C_UID, C_USER, C_GID, C_GROUP };

enum { TF_DEFAULT, TF_SHORT, TF_FULL, TF_ISO };

struct opts {
	int json, raw, export, noheadings, bytes, notrunc, info, tf;
	int cols[64];
	size_t ncols;
	int sort;
};

/* One listed segment and what the holder scan says about it. */
struct row {
	struct shmkit_info in;
	const struct shmkit_holder *hv;
	size_t hn;
	int incomplete;	/* not every process could be examined for it */
	int orphan;	/* 1, 0, or -EAGAIN (unknown) */
};

struct name {
	int group;
	unsigned id;
	char name[64];
};

struct names {
	struct name v[32];
	size_t n, next;
};

struct ctx {
	struct names *names;
	const struct opts *o;
	const struct shmkit_holders *h;
	int procfd;
	int64_t now;
};

static void human_size(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	uint64_t frac = 0;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) - 1) {
		frac = v % 1024;
		v /= 1024;
		u++;
	}
	frac = (frac * 10 + 512) / 1024;	/* one decimal, rounded */
	if (frac == 10) {
		v++;
		frac = 0;
	}
	if (frac && u)
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%c", v, frac, units[u]);
	else
		snprintf(buf, len, "%" PRIu64 "%c", v, units[u]);
}

/* glibc reads /etc/passwd again for every lookup: remember the last few. */
static void id_name(struct names *cache, int group, unsigned id, char *buf, size_t len)
{
	struct name *slot;
	size_t i;

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
	if (group) {
		struct group *gr = getgrgid((gid_t)id);

		if (gr)
			snprintf(slot->name, sizeof(slot->name), "%s", gr->gr_name);
		else
			snprintf(slot->name, sizeof(slot->name), "%u", id);
	} else {
		struct passwd *pw = getpwuid((uid_t)id);

		if (pw)
			snprintf(slot->name, sizeof(slot->name), "%s", pw->pw_name);
		else
			snprintf(slot->name, sizeof(slot->name), "%u", id);
	}
	snprintf(buf, len, "%s", slot->name);
}

static int exact(const struct opts *o)
{
	return o->bytes || o->raw || o->json || o->export;
}

static int fmt_time(int64_t v, const struct opts *o, char *buf, size_t len)
{
	int tf = o->tf;
	time_t t = (time_t)v;
	struct tm tm;

	if (v <= 0 || !localtime_r(&t, &tm))
		return 0;	/* never happened */
	if (tf == TF_DEFAULT)
		tf = o->raw || o->json || o->export ? TF_ISO : o->info ? TF_FULL : TF_SHORT;
	return strftime(buf, len, tf == TF_ISO ? "%Y-%m-%dT%H:%M:%S%z" :
			tf == TF_FULL ? "%a %b %e %H:%M:%S %Y" : "%Y-%m-%d %H:%M",
			&tm) > 0;
}

static void fmt_age(uint64_t s, char *buf, size_t len)
{
	if (s < 120)
		snprintf(buf, len, "%" PRIu64 "s", s);
	else if (s < 120 * 60)
		snprintf(buf, len, "%" PRIu64 "m", s / 60);
	else if (s < 48 * 3600)
		snprintf(buf, len, "%" PRIu64 "h", s / 3600);
	else
		snprintf(buf, len, "%" PRIu64 "d", s / 86400);
}

/* The holder list as PID/COMM, comma-separated. */
static int fmt_pids(const struct row *r, char *buf, size_t len)
{
	size_t i, used = 0;
	char comm[16];
	int n;

	buf[0] = '\0';
	for (i = 0; i < r->hn && used < len; i++) {
		size_t j;

		/* A process may name itself anything; keep the list parsable. */
		for (j = 0; j < sizeof(comm) - 1 && r->hv[i].comm[j]; j++)
			comm[j] = iscntrl((unsigned char)r->hv[i].comm[j]) ||
				  r->hv[i].comm[j] == ',' ? '?' : r->hv[i].comm[j];
		comm[j] = '\0';
		n = snprintf(buf + used, len - used, "%s%d/%s", i ? "," : "",
			     (int)r->hv[i].pid, comm);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return r->hn > 0;
}

/*
 * One cell's text into @buf; returns 0 when the segment has no such field,
 * so that it stays empty (null in JSON) rather than a fake 0.
 */
static int render(const struct ctx *c, const struct row *r, int col, char *buf,
		  size_t len)
{
	const struct shmkit_info *in = &r->in;
	const struct opts *o = c->o;
	int sysv = in->kind == SHMKIT_SYSV, i;
	uint64_t v = 0;

	/* An unlinked object that could not be examined has only a name and a size. */
	if ((in->status & SHMKIT_ST_DELETED) && !(in->have & SHMKIT_HAVE_MEM) &&
	    col != C_REF && col != C_KIND && col != C_NAME && col != C_SIZE &&
	    col != C_STATUS && !(columns[col].needs & N_HOLDERS))
		return 0;

	switch (col) {
	case C_REF:
		if (sysv)
			return snprintf(buf, len, "%d", in->id) > 0;
		return snprintf(buf, len, "%s", in->name) > 0;
	case C_KIND:
		return snprintf(buf, len, "%s", sysv ? "sysv" : "posix") > 0;
	case C_KEY:
		return sysv && snprintf(buf, len, "0x%08x", (unsigned)in->key) > 0;
	case C_ID:
		return sysv && snprintf(buf, len, "%d", in->id) > 0;
	case C_NAME:
		return !sysv && snprintf(buf, len, "%s", in->name + 1) > 0;
	case C_OWNER:
	case C_USER:
		id_name(c->names, 0, in->uid, buf, len);
		return 1;
	case C_PERMS:
		for (i = 0; i < 9 && (size_t)i + 1 < len; i++)
			buf[i] = (in->mode & (0400 >> i)) ? "rwx"[i % 3] : '-';
		buf[i] = '\0';
		return 1;
	case C_SIZE:
		v = in->size;
		goto bytes;
	case C_RSS:
		if (!(in->have & SHMKIT_HAVE_MEM))
			return 0;
		v = in->rss;
		goto bytes;
	case C_SWAP:
		if (!sysv || !(in->have & SHMKIT_HAVE_MEM))
			return 0;
		v = in->swap;
		goto bytes;
	case C_NATTCH:
		return (in->have & SHMKIT_HAVE_NATTCH) &&
		       snprintf(buf, len, "%" PRIu64, in->nattch) > 0;
	case C_STATUS:
		snprintf(buf, len, "%s%s%s%s", in->status & SHMKIT_ST_DEST ? "dest" : "",
			 (in->status & SHMKIT_ST_DEST) && (in->status & SHMKIT_ST_LOCKED) ?
			 "," : "", in->status & SHMKIT_ST_LOCKED ? "locked" : "",
			 in->status & SHMKIT_ST_DELETED ? "deleted" : "");
		return buf[0] != '\0';
	case C_CTIME:
		return fmt_time(in->ctime, o, buf, len);
	case C_ATIME:
		return fmt_time(in->atime, o, buf, len);
	case C_DTIME:
		return sysv && fmt_time(in->dtime, o, buf, len);
	case C_MTIME:
		return !sysv && fmt_time(in->mtime, o, buf, len);
	case C_CPID:
		return (in->have & SHMKIT_HAVE_PIDS) && in->cpid > 0 &&
		       snprintf(buf, len, "%d", (int)in->cpid) > 0;
	case C_LPID:
		return (in->have & SHMKIT_HAVE_PIDS) && in->lpid > 0 &&
		       snprintf(buf, len, "%d", (int)in->lpid) > 0;
	case C_COMMAND:
		return (in->have & SHMKIT_HAVE_PIDS) && in->cpid > 0 &&
		       shmkit_proc_cmdline(c->procfd, in->cpid, buf, len) == 0;
	case C_CUID:
		return (in->have & SHMKIT_HAVE_CREDS) &&
		       snprintf(buf, len, "%u", (unsigned)in->cuid) > 0;
	case C_CUSER:
		if (!(in->have & SHMKIT_HAVE_CREDS))
			return 0;
		id_name(c->names, 0, in->cuid, buf, len);
		return 1;
	case C_CGID:
		return (in->have & SHMKIT_HAVE_CREDS) &&
		       snprintf(buf, len, "%u", (unsigned)in->cgid) > 0;
	case C_CGROUP:
		if (!(in->have & SHMKIT_HAVE_CREDS))
			return 0;
		id_name(c->names, 1, in->cgid, buf, len);
		return 1;
	case C_UID:
		return snprintf(buf, len, "%u", (unsigned)in->uid) > 0;
	case C_GID:
		return snprintf(buf, len, "%u", (unsigned)in->gid) > 0;
	case C_GROUP:
		id_name(c->names, 1, in->gid, buf, len);
		return 1;
	case C_HOLDERS:
		if (!c->h || (r->incomplete && o->json))
			return 0;	/* unknown: null, never a claim of none */
		return snprintf(buf, len, "%zu%s", r->hn, r->incomplete ? "+" : "") > 0;
	case C_PIDS:
		return c->h && fmt_pids(r, buf, len);
	case C_AGE:
		v = shmkit_info_age(in, c->now);
		if (exact(o))
			return snprintf(buf, len, "%" PRIu64, v) > 0;
		fmt_age(v, buf, len);
		return 1;
	case C_ORPHAN:
		if (r->orphan < 0)
			return !o->json && snprintf(buf, len, "?") > 0;
		return snprintf(buf, len, "%s", r->orphan ? "yes" : "no") > 0;
	}
	return 0;
bytes:
	if (exact(o))
		return snprintf(buf, len, "%" PRIu64, v) > 0;
	human_size(v, buf, len);
	return 1;
}

/*
 * libsmartcols passes bytes above 0x7f through to JSON unchanged, so a
 * name that is not UTF-8 would make the document invalid: such bytes are
 * written as the four characters \xHH instead.
 */
static void json_clean(const char *s, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	while (*p && o + 5 < len) {
		size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 :
			   (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
		size_t k;

		for (k = 1; k < n; k++)
			if ((p[k] & 0xc0) != 0x80)
				break;
		if (n == 0 || k < n || (n == 2 && *p < 0xc2) ||
		    (n == 3 && ((*p == 0xe0 && p[1] < 0xa0) || (*p == 0xed && p[1] > 0x9f))) ||
		    (n == 4 && ((*p == 0xf0 && p[1] < 0x90) || *p > 0xf4 ||
				(*p == 0xf4 && p[1] > 0x8f)))) {
			o += (size_t)snprintf(out + o, len - o, "\\x%02x", *p++);
			continue;
		}
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	out[o] = '\0';
}

static void add_row(struct libscols_table *tb, const struct ctx *c,
		    const struct row *r)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char buf[4096], clean[4096 * 4 + 8];
	size_t i;

	if (!ln)
		return;
	for (i = 0; i < c->o->ncols; i++) {
		if (!render(c, r, c->o->cols[i], buf, sizeof(buf)))
			continue;
		if (c->o->json && columns[c->o->cols[i]].json != SCOLS_JSON_NUMBER) {
			json_clean(buf, clean, sizeof(clean));
			scols_line_set_data(ln, i, clean);
		} else {
			scols_line_set_data(ln, i, buf);
		}
	}
}

/* Text for -i: control characters and non-ASCII bytes as \xHH, as in the table. */
static void put_safe(const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch >= 0x7f)
			printf("\\x%02x", ch);
		else
			putchar(ch);
	}
	putchar('\n');
}

/*
 * Table and raw output when stdout is no terminal, so that nothing is ever
 * truncated: the same text libsmartcols prints, written directly, since
 * measuring every cell's width through wcwidth(3) made it cost more than
 * reading the kernel's data. Bytes that are not printable ASCII become
 * \xHH; in raw output so do blanks and backslashes.
 */
static size_t escape(const char *s, int raw, char *out, size_t len)
{
	size_t o = 0;

	for (; *s && o + 5 < len; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch >= 0x7f || (raw && (ch == ' ' || ch == '\\')))
			o += (size_t)snprintf(out + o, len - o, "\\x%02x", ch);
		else
			out[o++] = (char)ch;
	}
	out[o] = '\0';
	return o;
}

static int print_plain(const struct ctx *c, const struct row *rows, size_t n)
{
	const struct opts *o = c->o;
	size_t i, k, w[64], cells = n * o->ncols, *len;
	char buf[4096], esc[4096 * 4 + 8], **cell;

	if (cells == 0)
		return 0;
	cell = calloc(cells, sizeof(*cell));
	len = calloc(cells, sizeof(*len));
	if (!cell || !len) {
		free(cell);
		free(len);
		return -1;
	}
	memset(w, 0, sizeof(w));
	for (i = 0; i < n; i++) {
		for (k = 0; k < o->ncols; k++) {
			size_t at = i * o->ncols + k;

			if (!render(c, &rows[i], o->cols[k], buf, sizeof(buf)))
				continue;
			len[at] = escape(buf, o->raw, esc, sizeof(esc));
			cell[at] = strdup(esc);
			if (len[at] > w[k])
				w[k] = len[at];
		}
	}
	/* libsmartcols' rule: the widest cell, at least the header, else the hint. */
	for (k = 0; k < o->ncols; k++) {
		const struct column *col = &columns[o->cols[k]];
		size_t min = strlen(col->name);

		if (w[k] < min)
			w[k] = min;
		else if (col->whint >= 1 && w[k] < (size_t)col->whint)
			w[k] = (size_t)col->whint;
	}
	for (i = o->noheadings ? 1 : 0; i <= n; i++) {
		for (k = 0; k < o->ncols; k++) {
			const struct column *col = &columns[o->cols[k]];
			const char *text = i ? cell[(i - 1) * o->ncols + k] : col->name;
			size_t l = i ? len[(i - 1) * o->ncols + k] : strlen(col->name);
			size_t pad = o->raw ? 0 : w[k] - l;
			int last = k + 1 == o->ncols;

			if (k)
				putchar(' ');
			if (last && !text)
				break;
			if (col->flags & SCOLS_FL_RIGHT)
				printf("%*s", (int)pad, "");
			if (text)
				fwrite(text, 1, l, stdout);
			if (!(col->flags & SCOLS_FL_RIGHT) && !last)
				printf("%*s", (int)pad, "");
		}
		putchar('\n');
	}
	for (i = 0; i < cells; i++)
		free(cell[i]);
	free(cell);
	free(len);
	return 0;
}

/* -i: every field of one segment as "Label: value", then its holders. */
static void print_info(const struct ctx *c, const struct row *r, int first)
{
	char buf[4096];
	size_t i;

	if (!first)
		putchar('\n');
	for (i = 0; i < ARRAY_SIZE(columns); i++) {
		if (i == C_PIDS || i == C_OWNER || (c->h == NULL && columns[i].needs & N_HOLDERS))
			continue;
		if (!render(c, r, (int)i, buf, sizeof(buf)))
			continue;
		printf("%s: ", i == C_ATIME && r->in.kind == SHMKIT_POSIX ?
		       "Access time" : columns[i].label);
		put_safe(buf);
	}
	for (i = 0; i < r->hn; i++) {
		const struct shmkit_holder *x = &r->hv[i];

		if (shmkit_proc_cmdline(c->procfd, x->pid, buf, sizeof(buf)) < 0)
			snprintf(buf, sizeof(buf), "[%s]", x->comm);
		printf("Holder: %d (%s%s%s) ", (int)x->pid,
		       x->how & SHMKIT_HOLD_MAP ? "mapped" : "",
		       x->how == (SHMKIT_HOLD_MAP | SHMKIT_HOLD_FD) ? ", " : "",
		       x->how & SHMKIT_HOLD_FD ? "open" : "");
		put_safe(buf);
	}
}

static int column_id(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(columns); i++)
		if (strlen(columns[i].name) == len && strncasecmp(columns[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

static void unknown_column(const char *name, size_t len)
{
	char valid[512];
	size_t i, used = 0;

	for (i = 0; i < ARRAY_SIZE(columns) && used < sizeof(valid); i++)
		used += (size_t)snprintf(valid + used, sizeof(valid) - used, "%s%s",
					 i ? ", " : "", columns[i].name);
	usage_error("unknown column '%.*s' (valid: %s)", (int)len, name, valid);
}

static void add_col(struct opts *o, int id)
{
	size_t i;

	for (i = 0; i < o->ncols; i++)
		if (o->cols[i] == id)
			return;
	if (o->ncols < ARRAY_SIZE(o->cols))
		o->cols[o->ncols++] = id;
}

static void parse_columns(struct opts *o, const char *list)
{
	const char *p = list, *end;
	int id;

	if (*p == '+')
		p++;
	else
		o->ncols = 0;
	for (; *p; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ",");
		if (end == p)
			continue;
		id = column_id(p, (size_t)(end - p));
		if (id < 0)
			unknown_column(p, (size_t)(end - p));
		add_col(o, id);
	}
	if (o->ncols == 0)
		usage_error("no columns in '%s'", list);
}

static int parse_pid(const char *text, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (!isdigit((unsigned char)text[0]) || *end || errno || v <= 0 || v > INT_MAX)
		usage_error("invalid %s '%s'", what, text);
	return (int)v;
}

static int cmp_rows(const void *a, const void *b, void *payload)
{
	const struct ctx *sort_ctx = payload;
	const struct row *x = a, *y = b;
	int sort_col = sort_ctx->o->sort;
	char bx[4096], by[4096];
	int hx, hy, numeric = columns[sort_col].json == SCOLS_JSON_NUMBER;
	struct opts o = *sort_ctx->o;
	struct ctx c = *sort_ctx;

	/* Sort on exact values, whatever the output shows. */
	o.raw = 1;
	o.tf = TF_ISO;
	c.o = &o;
	hx = render(&c, x, sort_col, bx, sizeof(bx));
	hy = render(&c, y, sort_col, by, sizeof(by));
	if (!hx || !hy)
		return hy - hx;	/* empty cells last */
	if (numeric) {
		uint64_t vx = strtoull(bx, NULL, 10), vy = strtoull(by, NULL, 10);

		return (vx > vy) - (vx < vy);
	}
	if (sort_col == C_REF && x->in.kind != y->in.kind)
		return x->in.kind < y->in.kind ? -1 : 1;
	if (sort_col == C_REF && x->in.kind == SHMKIT_SYSV)
		return (x->in.id > y->in.id) - (x->in.id < y->in.id);
	return strcmp(bx, by);
}

static int cmp_default(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->in.kind != y->in.kind)
		return x->in.kind < y->in.kind ? -1 : 1;
	if (x->in.kind == SHMKIT_SYSV)
		return (x->in.id > y->in.id) - (x->in.id < y->in.id);
	return strcmp(x->in.name, y->in.name);
}

/* ------------------------------------------------------------ --global */

static void lim_row(struct libscols_table *tb, const struct opts *o, const char *res,
		    const char *desc, int is_bytes, int have_used, uint64_t used,
		    int have_limit, uint64_t limit)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char buf[64];

	if (!ln)
		return;
	scols_line_set_data(ln, 0, res);
	scols_line_set_data(ln, 1, desc);
	if (have_used) {
		if (is_bytes && !exact(o))
			human_size(used, buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "%" PRIu64, used);
		scols_line_set_data(ln, 2, buf);
	}
	if (have_limit) {
		if (is_bytes && !exact(o))
			human_size(limit, buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "%" PRIu64, limit);
		scols_line_set_data(ln, 3, buf);
	}
	if (have_used && have_limit && limit > 0) {
		snprintf(buf, sizeof(buf), exact(o) ? "%.2f" : "%.0f%%",
			 (double)used * 100.0 / (double)limit);
		scols_line_set_data(ln, 4, buf);
	}
}

static void global(struct libscols_table *tb, const struct opts *o, unsigned kinds,
		   const struct row *rows, size_t n)
{
	static const struct { const char *name; int right, json; } cols[] = {
		{ "RESOURCE", 0, SCOLS_JSON_STRING }, { "DESCRIPTION", 0, SCOLS_JSON_STRING },
		{ "USED", 1, SCOLS_JSON_NUMBER }, { "LIMIT", 1, SCOLS_JSON_NUMBER },
		{ "USE%", 1, SCOLS_JSON_NUMBER },
	};
	struct shmkit_totals t[2];
	struct shmkit_limits l;
	uint64_t largest = 0;
	size_t i;

	(void)shmkit_limits_read(&l);
	memset(t, 0, sizeof(t));
	for (i = 0; i < n; i++) {
		struct shmkit_totals *k = &t[rows[i].in.kind == SHMKIT_SYSV ? 0 : 1];

		k->count++;
		k->bytes += rows[i].in.size;
		k->rss += rows[i].in.rss;
		k->swap += rows[i].in.swap;
		if (rows[i].orphan == 1) {
			k->orphans++;
			k->orphan_bytes += rows[i].in.size;
		} else if (rows[i].orphan < 0) {
			k->unknown++;
		}
		if (rows[i].in.kind == SHMKIT_SYSV && rows[i].in.size > largest)
			largest = rows[i].in.size;
	}
	scols_table_set_name(tb, "limits");
	for (i = 0; i < ARRAY_SIZE(cols); i++) {
		struct libscols_column *cl = scols_table_new_column(tb, cols[i].name, 0,
			cols[i].right ? SCOLS_FL_RIGHT : 0);

		if (cl)
			scols_column_set_json_type(cl, cols[i].json);
	}
	if (kinds & SHMKIT_LIST_SYSV) {
		lim_row(tb, o, "SHMMNI", "SysV segments", 0, !!(l.have & SHMKIT_LIM_SYSV),
			l.sysv_ids, !!(l.have & SHMKIT_LIM_SHMMNI), l.shmmni);
		lim_row(tb, o, "SHMALL", "SysV pages in all segments", 0,
			!!(l.have & SHMKIT_LIM_SYSV), l.sysv_pages,
			!!(l.have & SHMKIT_LIM_SHMALL), l.shmall);
		lim_row(tb, o, "SHMMAX", "largest SysV segment", 1, t[0].count > 0, largest,
			!!(l.have & SHMKIT_LIM_SHMMAX), l.shmmax);
		lim_row(tb, o, "SHM_RMID_FORCED", "remove SysV segments at last detach", 0,
			0, 0, !!(l.have & SHMKIT_LIM_RMID), l.rmid_forced);
		lim_row(tb, o, "SYSV-SEGMENTS", "SysV segments listed", 0, 1, t[0].count, 0, 0);
		lim_row(tb, o, "SYSV-BYTES", "size of SysV segments", 1, 1, t[0].bytes, 0, 0);
		lim_row(tb, o, "SYSV-RSS", "resident SysV memory", 1, 1, t[0].rss, 0, 0);
		lim_row(tb, o, "SYSV-SWAP", "swapped SysV memory", 1, 1, t[0].swap, 0, 0);
		lim_row(tb, o, "SYSV-ORPHANED", "size of SysV orphans", 1, 1,
			t[0].orphan_bytes, 0, 0);
	}
	if (kinds & SHMKIT_LIST_POSIX) {
		int fs = !!(l.have & SHMKIT_LIM_SHMFS);

		lim_row(tb, o, "SHMFS-SIZE", "/dev/shm filesystem", 1, fs, l.shmfs_used,
			fs, l.shmfs_size);
		lim_row(tb, o, "SHMFS-INODES", "/dev/shm files", 0, fs,
			l.shmfs_files - l.shmfs_ffree, fs && l.shmfs_files, l.shmfs_files);
		lim_row(tb, o, "POSIX-OBJECTS", "POSIX objects listed", 0, 1, t[1].count, 0, 0);
		lim_row(tb, o, "POSIX-BYTES", "size of POSIX objects", 1, 1, t[1].bytes, 0, 0);
		lim_row(tb, o, "POSIX-RSS", "resident POSIX memory", 1, 1, t[1].rss, 0, 0);
		lim_row(tb, o, "POSIX-ORPHANED", "size of POSIX orphans", 1, !t[1].unknown,
			t[1].orphan_bytes, 0, 0);
	}
}

/* ---------------------------------------------------------------- main */

static void list_columns(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(columns); i++)
		printf("%8s  %s\n", columns[i].name, columns[i].help);
}

static void incomplete_note(size_t unreadable)
{
	char cap[32];
	int has = shmkit_cap_has(CAP_SYS_PTRACE);

	if (shmkit_cap_name(CAP_SYS_PTRACE, cap, sizeof(cap)) < 0)
		snprintf(cap, sizeof(cap), "CAP_SYS_PTRACE");
	note("holders are incomplete: %zu process%s could not be examined "
	     "(you are uid %u %s %s)", unreadable, unreadable == 1 ? "" : "es",
	     (unsigned)geteuid(), has > 0 ? "with" : "without", cap);
}

static void enter_target(const char *text, pid_t pid, int *procfd)
{
	int rc = shmkit_ns_enter(pid, procfd);
	static const int needed[] = { CAP_SYS_ADMIN, CAP_SYS_CHROOT };
	char cap[32];
	size_t i;

	if (rc == 0)
		return;
	if (rc == -EPERM || rc == -EACCES) {
		for (i = 0; i < ARRAY_SIZE(needed); i++) {
			if (shmkit_cap_has(needed[i]) > 0)
				continue;
			if (shmkit_cap_name(needed[i], cap, sizeof(cap)) < 0)
				snprintf(cap, sizeof(cap), "capability %d", needed[i]);
			fail("enter the namespaces of", text,
			     "permission denied (you are uid %u without %s)",
			     (unsigned)geteuid(), cap);
			exit(EXIT_FAILED);
		}
	}
	fail("enter the namespaces of", text, "%s",
	     rc == -ESRCH ? "no such process" : shmkit_strerror(rc));
	exit(EXIT_FAILED);
}

int main(int argc, const char **argv)
{
	/* /proc/PID/map_files, where unlinked objects are examined, needs the last. */
	static const int keep[] = { CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE, CAP_IPC_OWNER,
				    CAP_CHECKPOINT_RESTORE };
	static const int keep_ns[] = { CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE, CAP_IPC_OWNER,
				       CAP_CHECKPOINT_RESTORE, CAP_SYS_ADMIN, CAP_SYS_CHROOT };
	struct opts o = { 0 };
	int sysv = 0, posix = 0, times = 0, creator = 0, pids = 0, listcols = 0;
	int globl = 0, orphans = 0, status = EXIT_OK, rc, need = 0, procfd = -1;
	char *output = NULL, *tfmt = NULL, *sort = NULL, *older = NULL, *user = NULL;
	char *target = NULL, *holders_of = NULL, *name_glob = NULL;
	struct poptOption table[] = {
		{ "sysv", '\0', POPT_ARG_NONE, &sysv, 0, "list only SysV segments", NULL },
		{ "posix", '\0', POPT_ARG_NONE, &posix, 0, "list only POSIX objects", NULL },
		{ "output", 'o', POPT_ARG_STRING, &output, 0,
		  "columns to show (+LIST adds to the defaults)", "LIST" },
		{ "list-columns", '\0', POPT_ARG_NONE, &listcols, 0,
		  "list the columns and exit", NULL },
		{ "time", 't', POPT_ARG_NONE, &times, 0, "show attach, detach and change times", NULL },
		{ "creator", 'c', POPT_ARG_NONE, &creator, 0, "show creator and owner", NULL },
		{ "pids", 'p', POPT_ARG_NONE, &pids, 0, "show the processes holding each segment", NULL },
		{ "holders-of", '\0', POPT_ARG_STRING, &holders_of, 0,
		  "list only what process PID holds", "PID" },
		{ "orphans", '\0', POPT_ARG_NONE, &orphans, 0, "list only segments no process holds", NULL },
		{ "older-than", '\0', POPT_ARG_STRING, &older, 0,
		  "list only segments unused for DURATION (30s, 15m, 2h, 7d)", "DURATION" },
		{ "user", 'u', POPT_ARG_STRING, &user, 0, "list only segments owned by USER", "USER" },
		{ "name", '\0', POPT_ARG_STRING, &name_glob, 0,
		  "list only POSIX objects whose name matches GLOB", "GLOB" },
		{ "info", 'i', POPT_ARG_NONE, &o.info, 0, "print every field as Name: value", NULL },
		{ "global", 'g', POPT_ARG_NONE, &globl, 0, "show limits and totals", NULL },
		{ "target", '\0', POPT_ARG_STRING, &target, 0,
		  "list the segments of process PID's namespaces", "PID" },
		{ "json", 'J', POPT_ARG_NONE, &o.json, 0, "use JSON output", NULL },
		{ "raw", 'r', POPT_ARG_NONE, &o.raw, 0, "use raw output", NULL },
		{ "export", 'e', POPT_ARG_NONE, &o.export, 0, "use KEY=\"value\" output", NULL },
		{ "noheadings", 'n', POPT_ARG_NONE, &o.noheadings, 0, "do not print headings", NULL },
		{ "notruncate", '\0', POPT_ARG_NONE, &o.notrunc, 0, "do not truncate columns", NULL },
		{ "bytes", 'b', POPT_ARG_NONE, &o.bytes, 0, "print sizes in bytes", NULL },
		{ "time-format", '\0', POPT_ARG_STRING, &tfmt, 0,
		  "how to print times: short, full or iso", "FORMAT" },
		{ "sort", '\0', POPT_ARG_STRING, &sort, 0, "sort by COLUMN", "COLUMN" },
		OPT_STANDARD,
		POPT_TABLEEND
	};
	struct shmkit_holders *h = NULL, *hof = NULL;
	struct shmkit_info *infos = NULL, *del = NULL;
	struct shmkit_filter f = { 0 };
	struct libscols_table *tb;
	struct shmkit_ref *refs;
	struct row *rows;
	struct names names = { 0 };
	struct ctx c = { 0 };
	size_t n, i, count = 0, ndel = 0, nrows = 0;
	pid_t hpid = 0, tpid = 0;
	const char **args;
	poptContext con;

	con = parse_options(argc, argv, table, "[REF...]");
	args = operands(con, &n);
	if (listcols) {
		list_columns();
		return finish(con, EXIT_OK);
	}
	if (o.json + o.raw + o.export > 1)
		usage_error("--json, --raw and --export cannot be used together");
	if (globl && (n || o.info || pids || output))
		usage_error("--global cannot be used with REF, --info, --pids or --output");
	if (tfmt) {
		if (strcmp(tfmt, "short") == 0)
			o.tf = TF_SHORT;
		else if (strcmp(tfmt, "full") == 0)
			o.tf = TF_FULL;
		else if (strcmp(tfmt, "iso") == 0)
			o.tf = TF_ISO;
		else
			usage_error("invalid time format '%s' (expected short, full or iso)", tfmt);
	}
	if (older && shmkit_parse_duration(older, &f.older_than) < 0)
		usage_error("invalid duration '%s' (expected N, Ns, Nm, Nh, Nd or Nw)", older);
	if (user) {
		struct passwd *pw = getpwnam(user);

		if (pw) {
			f.uid = pw->pw_uid;
		} else {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(user, &end, 10);
			if (!isdigit((unsigned char)user[0]) || *end || errno || v > UINT32_MAX - 1)
				usage_error("unknown user '%s'", user);
			f.uid = (uid_t)v;
		}
		f.by_uid = 1;
	}
	f.name_glob = name_glob;
	f.orphans = orphans;
	if (holders_of)
		hpid = parse_pid(holders_of, "PID");
	if (target)
		tpid = parse_pid(target, "PID");

	/* Columns: the defaults, or -t/-c sets; -o replaces or (+) appends; -p appends. */
	if (times || creator) {
		add_col(&o, C_REF);
		add_col(&o, C_KIND);
		for (i = 0; creator && i < ARRAY_SIZE(creator_cols); i++)
			add_col(&o, creator_cols[i]);
		for (i = 0; times && i < ARRAY_SIZE(time_cols); i++)
			add_col(&o, time_cols[i]);
	} else {
		for (i = 0; i < ARRAY_SIZE(defaults); i++)
			add_col(&o, defaults[i]);
	}
	if (output)
		parse_columns(&o, output);
	if (pids) {
		add_col(&o, C_HOLDERS);
		add_col(&o, C_PIDS);
	}
	o.sort = -1;
	if (sort) {
		o.sort = column_id(sort, strlen(sort));
		if (o.sort < 0)
			unknown_column(sort, strlen(sort));
	}
	for (i = 0; i < o.ncols; i++)
		need |= columns[o.cols[i]].needs;
	if (o.sort >= 0)
		need |= columns[o.sort].needs;
	if (orphans || o.info || globl || hpid)
		need |= N_HOLDERS;

	refs = calloc(n ? n : 1, sizeof(*refs));
	if (!refs) {
		note("out of memory");
		return finish(con, EXIT_FAILED);
	}
	for (i = 0; i < n; i++)
		parse_ref(args[i], 0, &refs[i]);
	f.kinds = (sysv ? SHMKIT_LIST_SYSV : 0) | (posix ? SHMKIT_LIST_POSIX : 0);
	if (!f.kinds)
		f.kinds = SHMKIT_LIST_ALL;

	if (tpid) {
		drop_caps(keep_ns, ARRAY_SIZE(keep_ns));
		enter_target(target, tpid, &procfd);
	}
	drop_caps(keep, ARRAY_SIZE(keep));

	c.o = &o;
	c.names = &names;
	c.procfd = procfd;
	c.now = (int64_t)time(NULL);
	if (hpid) {
		rc = shmkit_holders_scan_pid(procfd, hpid, &hof);
		if (rc < 0) {
			fail("examine", holders_of, "%s", rc == -ESRCH ? "no such process" :
			     rc == -EACCES ? "permission denied" : shmkit_strerror(rc));
			free(refs);
			return finish(con, EXIT_FAILED);
		}
	}
	if (n == 0) {
		uint64_t inodes, objects = 0;

		rc = shmkit_list_at(procfd, f.kinds, &infos, &count);
		if (rc < 0) {
			note("cannot list segments: %s", shmkit_strerror(rc));
			status = EXIT_FAILED;
			count = 0;
		}
		for (i = 0; i < count; i++)
			objects += infos[i].kind == SHMKIT_POSIX;
		/*
		 * Unlinked objects still held are only found by looking at every
		 * process; they still count as inodes, so look only when
		 * /dev/shm has more than its root and the objects listed.
		 */
		rc = f.kinds & SHMKIT_LIST_POSIX ? shmkit_shmfs_inodes(&inodes) : -ENOENT;
		if (rc == -ENOENT && (f.kinds & SHMKIT_LIST_POSIX))
			note("/dev/shm does not exist; listing SysV segments only");
		else if ((f.kinds & SHMKIT_LIST_POSIX) && (rc < 0 || inodes > objects + 1))
			need |= N_DELETED;
	}
	if (need & (N_HOLDERS | N_DELETED)) {
		rc = shmkit_holders_scan(procfd, &h);
		if (rc < 0 && (need & N_HOLDERS))
			note("cannot examine processes: %s", shmkit_strerror(rc));
		if (rc < 0)
			h = NULL;
	}
	c.h = need & N_HOLDERS ? h : NULL;
	if (n == 0 && h && (f.kinds & SHMKIT_LIST_POSIX) &&
	    shmkit_holders_deleted(hof ? hof : h, &del, &ndel) < 0)
		ndel = 0;
	rows = calloc(count + ndel + n + 1, sizeof(*rows));
	if (!rows) {
		note("out of memory");
		free(refs);
		shmkit_info_free(infos);
		shmkit_info_free(del);
		shmkit_holders_free(h);
		shmkit_holders_free(hof);
		return finish(con, EXIT_FAILED);
	}
	for (i = 0; i < count + ndel + n; i++) {
		struct row *r = &rows[nrows];
		const struct shmkit_holder *first;

		if (i < count) {
			r->in = infos[i];
		} else if (i < count + ndel) {
			r->in = del[i - count];
		} else {
			rc = shmkit_stat(&refs[i - count - ndel], &r->in);
			if (rc < 0) {
				fail_rc("list", args[i - count - ndel], &refs[i - count - ndel],
					SHMKIT_OP_READ, rc);
				status = EXIT_FAILED;
				continue;
			}
		}
		if (hof && shmkit_holders_of(hof, &r->in, &first) == 0)
			continue;
		if (i < count + ndel && !shmkit_filter_match(&f, &r->in, h, c.now))
			continue;
		if (c.h) {
			r->hn = shmkit_holders_of(c.h, &r->in, &r->hv);
			r->incomplete = shmkit_holders_unreadable(c.h) > 0 &&
					(r->in.kind == SHMKIT_POSIX || r->hn < r->in.nattch);
		}
		r->orphan = shmkit_info_orphan(&r->in, c.h);
		nrows++;
	}
	if (n == 0 && ndel)
		qsort(rows, nrows, sizeof(*rows), cmp_default);
	if (o.sort >= 0)
		qsort_r(rows, nrows, sizeof(*rows), cmp_rows, &c);
	if (c.h && shmkit_holders_unreadable(c.h) > 0)
		incomplete_note(shmkit_holders_unreadable(c.h));

	if (o.info) {
		for (i = 0; i < nrows; i++)
			print_info(&c, &rows[i], i == 0);
	} else if (!globl && !o.json && !o.export && !getenv("SHMLS_SCOLS") && !isatty(STDOUT_FILENO) &&
		   print_plain(&c, rows, nrows) == 0) {
		/* done */
	} else if ((tb = scols_new_table())) {
		scols_table_enable_json(tb, o.json);
		scols_table_enable_raw(tb, o.raw);
		scols_table_enable_export(tb, o.export);
		scols_table_enable_noheadings(tb, o.noheadings);
		if (globl) {
			global(tb, &o, f.kinds, rows, nrows);
		} else {
			scols_table_set_name(tb, "segments");
			for (i = 0; i < o.ncols; i++) {
				const struct column *col = &columns[o.cols[i]];
				struct libscols_column *cl = scols_table_new_column(tb,
					col->name, col->whint,
					o.notrunc ? col->flags & ~SCOLS_FL_TRUNC : col->flags);

				if (cl)
					scols_column_set_json_type(cl, col->json);
			}
			for (i = 0; i < nrows; i++)
				add_row(tb, &c, &rows[i]);
		}
		scols_print_table(tb);
		scols_unref_table(tb);
	}
	free(rows);
	shmkit_info_free(infos);
	shmkit_info_free(del);
	shmkit_holders_free(h);
	shmkit_holders_free(hof);
	free(refs);
	return finish(con, status);
}

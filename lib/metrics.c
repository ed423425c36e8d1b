/* SPDX-License-Identifier: MIT */
/* metrics.c: shmls --metrics: a listing as Prometheus text for node_exporter's textfile collector. */
#include <sys/types.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* What each row counts as, in the order of the state label's values. */
enum state { ST_HELD, ST_ORPHAN, ST_MARKED, ST_DELETED, ST_UNKNOWN, ST_COUNT };
static const char *const state_names[ST_COUNT] = {
	"held", "orphan", "marked", "deleted", "unknown",
};
static const char *const kind_names[2] = { "sysv", "posix" };

/* The sums of one namespace pair (shmls -A), or of the whole listing. */
struct group {
	const struct shmkit_nsinfo *ns;
	uint64_t count[2][ST_COUNT], bytes[2][ST_COUNT], rss[2], swap[2], oldest[2];
};

struct out {
	FILE *m;
	const struct group *g;	/* whose labels lead(), or NULL */
};

static enum state row_state(const struct shmkit_row *r)
{
	if (r->info.kind == SHMKIT_SYSV && (r->info.status & SHMKIT_ST_DEST))
		return ST_MARKED;
	if (r->info.kind == SHMKIT_POSIX && (r->info.status & SHMKIT_ST_DELETED))
		return ST_DELETED;
	return r->orphan == 1 ? ST_ORPHAN : r->orphan == 0 ? ST_HELD : ST_UNKNOWN;
}

/* @s as a label value: backslash, double quote and newline escaped. */
static void put_label(FILE *m, const char *name, const char *s)
{
	fprintf(m, "%s=\"", name);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(m, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", m);
		else
			fputc(*s, m);
	}
	fputc('"', m);
}

/* "# HELP" and "# TYPE" of one metric family, all gauges. */
static void family(FILE *m, const char *name, const char *help)
{
	fprintf(m, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* "NAME{" and the namespace labels of the group, if any; the caller goes on. */
static void lead(const struct out *o, const char *name)
{
	char container[4 * sizeof(o->g->ns->container)];

	fprintf(o->m, "%s{", name);
	if (!o->g || !o->g->ns)
		return;
	fprintf(o->m, "ipc_ns=\"%ju\",mnt_ns=\"%ju\",", (uintmax_t)o->g->ns->ipcns,
		(uintmax_t)o->g->ns->mntns);
	shmkit_format_escape(o->g->ns->container, SHMKIT_ESC_BLANK, container, sizeof(container));
	put_label(o->m, "container", container);
	fputc(',', o->m);
}

/* One sample with no labels. */
static void sample(FILE *m, const char *name, uint64_t v)
{
	fprintf(m, "%s %" PRIu64 "\n", name, v);
}

/* The group of @ns, made when new; NULL when out of memory. */
static struct group *group_of(struct group **v, size_t *n, const struct shmkit_nsinfo *ns)
{
	struct group *g;
	size_t i;

	/* Rows come pair by pair: the last group is nearly always the one. */
	for (i = *n; i-- > 0;)
		if ((*v)[i].ns == ns)
			return &(*v)[i];
	g = realloc(*v, (*n + 1) * sizeof(**v));
	if (!g)
		return NULL;
	*v = g;
	g = &g[(*n)++];
	memset(g, 0, sizeof(*g));
	g->ns = ns;
	return g;
}

/* Largest first; equal sizes by listing order, so the output is stable. */
static int by_size(const void *a, const void *b)
{
	const struct shmkit_row *x = *(const struct shmkit_row *const *)a;
	const struct shmkit_row *y = *(const struct shmkit_row *const *)b;
	const struct shmkit_cell_opts listing = { .procfd = -1 };

	if (x->info.size != y->info.size)
		return x->info.size < y->info.size ? 1 : -1;
	return shmkit_row_cmp(&listing, -1, x, y);
}

/* The per-kind and per-state families, for every group. */
static void put_groups(FILE *m, const struct group *g, size_t ng, unsigned kinds)
{
	static const struct {
		const char *name, *help;
	} fam[] = {
		{ "shmkit_segments", "Shared-memory segments by kind and state (held, orphan, "
		  "marked for removal, deleted but held, unknown)." },
		{ "shmkit_segments_size_bytes", "Size of the shared-memory segments by kind "
		  "and state, in bytes." },
		{ "shmkit_resident_bytes", "Resident memory of the shared-memory segments by "
		  "kind, in bytes." },
		{ "shmkit_swapped_bytes", "Swapped-out memory of the shared-memory segments by "
		  "kind, in bytes." },
		{ "shmkit_oldest_orphan_age_seconds", "Age of the oldest orphan by kind, as "
		  "--older-than counts it; 0 when there is none." },
	};
	struct out o = { m, NULL };
	size_t f, i;
	int k, s;

	for (f = 0; f < ARRAY_SIZE(fam); f++) {
		family(m, fam[f].name, fam[f].help);
		for (i = 0; i < ng; i++) {
			o.g = &g[i];
			for (k = 0; k < 2; k++) {
				if (!(kinds & (k ? SHMKIT_LIST_POSIX : SHMKIT_LIST_SYSV)))
					continue;
				for (s = 0; f < 2 && s < ST_COUNT; s++) {
					if ((s == ST_MARKED && k == 1) || (s == ST_DELETED && k == 0))
						continue;	/* states the kind cannot be in */
					lead(&o, fam[f].name);
					fprintf(m, "kind=\"%s\",state=\"%s\"} %" PRIu64 "\n",
						kind_names[k], state_names[s],
						f ? g[i].bytes[k][s] : g[i].count[k][s]);
				}
				if (f < 2)
					continue;
				lead(&o, fam[f].name);
				fprintf(m, "kind=\"%s\"} %" PRIu64 "\n", kind_names[k],
					f == 2 ? g[i].rss[k] : f == 3 ? g[i].swap[k] : g[i].oldest[k]);
			}
		}
	}
}

/* The @top largest orphans, one series each of size and age. */
static void put_top(FILE *m, const struct shmkit_row **orphans, size_t n, size_t top,
		    struct group *g, size_t ng, int64_t now)
{
	const struct shmkit_cell_opts listing = { .procfd = -1 };
	char ref[SHMKIT_NAME_MAX + 2], esc[4 * sizeof(ref)];
	struct out o = { m, NULL };
	size_t i, k;
	int f;

	qsort(orphans, n, sizeof(const struct shmkit_row *), by_size);
	n = n < top ? n : top;
	for (f = 0; f < 2; f++) {
		family(m, f ? "shmkit_orphan_age_seconds" : "shmkit_orphan_size_bytes",
		       f ? "Age of each of the largest orphans (--metrics-top), as --older-than "
		       "counts it." : "Size of each of the largest orphans (--metrics-top), "
		       "in bytes.");
		for (i = 0; i < n; i++) {
			const struct shmkit_info *in = &orphans[i]->info;

			for (k = 0, o.g = NULL; k < ng && !o.g; k++)
				if (g[k].ns == orphans[i]->ns)
					o.g = &g[k];
			if (!shmkit_cell_format(&listing, orphans[i], SHMKIT_COL_REF, ref, sizeof(ref)))
				ref[0] = '\0';
			shmkit_format_escape(ref, SHMKIT_ESC_BLANK, esc, sizeof(esc));
			lead(&o, f ? "shmkit_orphan_age_seconds" : "shmkit_orphan_size_bytes");
			fprintf(m, "kind=\"%s\",", kind_names[in->kind == SHMKIT_POSIX]);
			put_label(m, "ref", esc);
			fprintf(m, ",uid=\"%ju\"} %" PRIu64 "\n", (uintmax_t)in->uid,
				f ? shmkit_info_age(in, now) : in->size);
		}
	}
}

/* @pages of @size bytes, in bytes: exact, or as a float when it would overflow. */
static void put_pages(FILE *m, const char *name, uint64_t pages, uint64_t size)
{
	if (size && pages > UINT64_MAX / size)
		fprintf(m, "%s %.17g\n", name, (double)pages * (double)size);
	else
		sample(m, name, pages * size);
}

/* The limits of the caller's namespaces and their use. */
static void put_limits(FILE *m, const struct shmkit_limits *l, unsigned kinds, uint64_t largest)
{
	if ((kinds & SHMKIT_LIST_SYSV) && (l->have & SHMKIT_LIM_SHMMNI)) {
		family(m, "shmkit_sysv_segments_max", "kernel.shmmni: the most SysV segments "
		       "the IPC namespace may hold.");
		sample(m, "shmkit_sysv_segments_max", l->shmmni);
	}
	if ((kinds & SHMKIT_LIST_SYSV) && (l->have & SHMKIT_LIM_SYSV)) {
		family(m, "shmkit_sysv_segments_allocated", "SysV segments in the IPC "
		       "namespace, as shmctl(SHM_INFO) counts them.");
		sample(m, "shmkit_sysv_segments_allocated", l->sysv_ids);
		family(m, "shmkit_sysv_allocated_bytes", "Memory of every SysV segment "
		       "in whole pages, as kernel.shmall counts it, in bytes.");
		put_pages(m, "shmkit_sysv_allocated_bytes", l->sysv_pages, l->page_size);
	}
	if ((kinds & SHMKIT_LIST_SYSV) && (l->have & SHMKIT_LIM_SHMALL)) {
		family(m, "shmkit_sysv_max_bytes", "kernel.shmall in bytes: the most memory "
		       "all SysV segments together may take.");
		put_pages(m, "shmkit_sysv_max_bytes", l->shmall, l->page_size);
	}
	if ((kinds & SHMKIT_LIST_SYSV) && (l->have & SHMKIT_LIM_SHMMAX)) {
		family(m, "shmkit_sysv_segment_max_bytes", "kernel.shmmax: the largest SysV "
		       "segment that may be made, in bytes.");
		sample(m, "shmkit_sysv_segment_max_bytes", l->shmmax);
	}
	if (kinds & SHMKIT_LIST_SYSV) {
		family(m, "shmkit_sysv_largest_segment_bytes", "Size of the largest SysV "
		       "segment listed, in bytes.");
		sample(m, "shmkit_sysv_largest_segment_bytes", largest);
	}
	if (!(kinds & SHMKIT_LIST_POSIX) || !(l->have & SHMKIT_LIM_SHMFS))
		return;
	family(m, "shmkit_shmfs_size_bytes", "Size of the /dev/shm filesystem, in bytes.");
	sample(m, "shmkit_shmfs_size_bytes", l->shmfs_size);
	family(m, "shmkit_shmfs_used_bytes", "Bytes in use on the /dev/shm filesystem.");
	sample(m, "shmkit_shmfs_used_bytes", l->shmfs_used);
	family(m, "shmkit_shmfs_avail_bytes", "Bytes of /dev/shm free for unprivileged "
	       "users.");
	sample(m, "shmkit_shmfs_avail_bytes", l->shmfs_avail);
	family(m, "shmkit_shmfs_files", "Inodes of the /dev/shm filesystem (0: no limit).");
	sample(m, "shmkit_shmfs_files", l->shmfs_files);
	family(m, "shmkit_shmfs_files_free", "Free inodes of the /dev/shm filesystem.");
	sample(m, "shmkit_shmfs_files_free", l->shmfs_ffree);
}

int shmkit_metrics_format(const struct shmkit_rows *rows, const struct shmkit_metrics_opts *o,
			  char **out, size_t *len)
{
	const struct shmkit_row **orphans = calloc(rows->n + 1, sizeof(const struct shmkit_row *));
	struct shmkit_limits l = { 0 };
	struct group *g = NULL, *cur;
	size_t ng = 0, norphans = 0, i, unexamined;
	uint64_t largest = 0;
	unsigned kinds = o->kinds ? o->kinds : SHMKIT_LIST_ALL;
	char *text = NULL;
	size_t size = 0;
	int incomplete = o->incomplete || !rows->h, rc = 0;
	FILE *m;

	if (!orphans)
		return -ENOMEM;
	if (!(cur = group_of(&g, &ng, NULL)))
		rc = -ENOMEM;
	for (i = 0; rc == 0 && i < rows->n; i++) {
		const struct shmkit_row *r = &rows->v[i];
		int k = r->info.kind == SHMKIT_POSIX;
		enum state s = row_state(r);
		uint64_t age;

		if (r->ns != cur->ns && !(cur = group_of(&g, &ng, r->ns))) {
			rc = -ENOMEM;
			break;
		}
		cur->count[k][s]++;
		cur->bytes[k][s] += r->info.size;
		cur->rss[k] += r->info.rss;
		cur->swap[k] += r->info.swap;
		incomplete |= s == ST_UNKNOWN;
		if (k == 0 && r->info.size > largest)
			largest = r->info.size;
		if (s != ST_ORPHAN)
			continue;
		orphans[norphans++] = r;
		age = shmkit_info_age(&r->info, o->now);
		cur->oldest[k] = age > cur->oldest[k] ? age : cur->oldest[k];
	}
	/* With namespaces (-A), the empty group of no namespace goes. */
	if (rc == 0 && ng > 1 && !g[0].ns) {
		memmove(&g[0], &g[1], (ng - 1) * sizeof(*g));
		ng--;
	}
	m = rc == 0 ? open_memstream(&text, &size) : NULL;
	if (rc == 0 && !m)
		rc = -errno;
	if (rc < 0) {
		free(orphans);
		free(g);
		return rc;
	}
	(void)shmkit_limits_read(&l);	/* what it could not read is left out */
	put_groups(m, g, ng, kinds);
	put_top(m, orphans, norphans, o->top, g, ng, o->now);
	put_limits(m, &l, kinds, largest);
	unexamined = rows->h ? shmkit_holders_unreadable(rows->h) : 0;
	family(m, "shmkit_unexamined_processes", "Processes whose holdings could not be "
	       "examined (not permitted).");
	sample(m, "shmkit_unexamined_processes", unexamined + o->unexamined);
	family(m, "shmkit_scrape_incomplete", "1 when not every process could be examined, "
	       "so that holder and orphan counts may be wrong; else 0.");
	sample(m, "shmkit_scrape_incomplete", incomplete || unexamined || o->unexamined);
	family(m, "shmkit_last_run_timestamp_seconds", "When shmls wrote these metrics, in "
	       "seconds since the epoch.");
	sample(m, "shmkit_last_run_timestamp_seconds", (uint64_t)(o->now > 0 ? o->now : 0));
	free(orphans);
	free(g);
	if (ferror(m)) {
		fclose(m);
		free(text);
		return -ENOMEM;
	}
	if (fclose(m) != 0) {
		free(text);
		return -ENOMEM;
	}
	*out = text;
	*len = size;
	return 0;
}

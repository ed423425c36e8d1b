/* SPDX-License-Identifier: MIT */
/* shmls: list SysV segments and POSIX objects in one table. */
#include <sys/capability.h>
#include <sys/types.h>
#include <inttypes.h>
#include <stdarg.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <popt.h>
#include <libsmartcols.h>
#include "common.h"
#include "shmkit.h"

enum { COL_REF, COL_KIND, COL_KEY, COL_OWNER, COL_PERMS, COL_SIZE, COL_NATTCH,
       COL_STATUS, COL_CTIME };

static const struct column {
	const char *name;
	double whint;
	int flags;
	int json;
} columns[] = {
	[COL_REF]    = { "REF",    6, SCOLS_FL_NOEXTREMES, SCOLS_JSON_STRING },
	[COL_KIND]   = { "KIND",   5, 0, SCOLS_JSON_STRING },
	[COL_KEY]    = { "KEY",   10, 0, SCOLS_JSON_STRING },
	[COL_OWNER]  = { "OWNER",  8, SCOLS_FL_TRUNC, SCOLS_JSON_STRING },
	[COL_PERMS]  = { "PERMS",  9, 0, SCOLS_JSON_STRING },
	[COL_SIZE]   = { "SIZE",   6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[COL_NATTCH] = { "NATTCH", 6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[COL_STATUS] = { "STATUS", 6, 0, SCOLS_JSON_STRING },
	[COL_CTIME]  = { "CTIME", 16, 0, SCOLS_JSON_STRING },
};

struct opts {
	int json, raw, noheadings, bytes;
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

static void cell(struct libscols_line *ln, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void cell(struct libscols_line *ln, int col, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) >= 0)
		scols_line_set_data(ln, (size_t)col, s);
	va_end(ap);
	free(s);
}

static void add_row(struct libscols_table *tb, const struct shmkit_info *in,
		    const struct opts *o)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char buf[64], perms[10];
	struct passwd *pw;
	struct tm tm;
	time_t t;
	int i;

	if (!ln)
		return;
	if (in->kind == SHMKIT_SYSV) {
		cell(ln, COL_REF, "%d", in->id);
		cell(ln, COL_KEY, "0x%08x", (unsigned)in->key);
	} else {
		cell(ln, COL_REF, "%s", in->name);
	}
	cell(ln, COL_KIND, "%s", in->kind == SHMKIT_SYSV ? "sysv" : "posix");
	pw = getpwuid(in->uid);
	if (pw)
		cell(ln, COL_OWNER, "%s", pw->pw_name);
	else
		cell(ln, COL_OWNER, "%u", (unsigned)in->uid);
	for (i = 0; i < 9; i++)
		perms[i] = (in->mode & (0400 >> i)) ? "rwx"[i % 3] : '-';
	perms[9] = '\0';
	cell(ln, COL_PERMS, "%s", perms);
	if (o->bytes || o->raw || o->json)
		cell(ln, COL_SIZE, "%" PRIu64, in->size);
	else {
		human_size(in->size, buf, sizeof(buf));
		cell(ln, COL_SIZE, "%s", buf);
	}
	if (in->have & SHMKIT_HAVE_NATTCH)
		cell(ln, COL_NATTCH, "%" PRIu64, in->nattch);
	cell(ln, COL_STATUS, "%s%s%s%s",
	     in->status & SHMKIT_ST_DEST ? "dest" : "",
	     (in->status & SHMKIT_ST_DEST) && (in->status & SHMKIT_ST_LOCKED) ? "," : "",
	     in->status & SHMKIT_ST_LOCKED ? "locked" : "",
	     in->status & SHMKIT_ST_DELETED ? "deleted" : "");
	t = (time_t)in->ctime;
	if (localtime_r(&t, &tm) &&
	    strftime(buf, sizeof(buf), o->raw || o->json ? "%Y-%m-%dT%H:%M:%S%z" :
		     "%Y-%m-%d %H:%M", &tm) > 0)
		cell(ln, COL_CTIME, "%s", buf);
}

int main(int argc, const char **argv)
{
	static const int keep[] = { CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE, CAP_IPC_OWNER };
	struct opts o = { 0 };
	int sysv = 0, posix = 0, status = EXIT_OK, rc;
	struct poptOption table[] = {
		{ "sysv", '\0', POPT_ARG_NONE, &sysv, 0, "list only SysV segments", NULL },
		{ "posix", '\0', POPT_ARG_NONE, &posix, 0, "list only POSIX objects", NULL },
		{ "json", 'J', POPT_ARG_NONE, &o.json, 0, "use JSON output", NULL },
		{ "raw", 'r', POPT_ARG_NONE, &o.raw, 0, "use raw output", NULL },
		{ "noheadings", 'n', POPT_ARG_NONE, &o.noheadings, 0,
		  "do not print headings", NULL },
		{ "bytes", 'b', POPT_ARG_NONE, &o.bytes, 0,
		  "print sizes in bytes", NULL },
		OPT_STANDARD,
		POPT_TABLEEND
	};
	struct shmkit_info *infos = NULL, info;
	struct libscols_table *tb;
	struct shmkit_ref *refs;
	unsigned kinds = 0;
	const char **args;
	poptContext con;
	size_t n, i, count;

	con = parse_options(argc, argv, table, "[REF...]");
	args = operands(con, &n);
	if (o.json && o.raw)
		usage_error("--json and --raw cannot be used together");
	refs = calloc(n ? n : 1, sizeof(*refs));
	if (!refs) {
		note("out of memory");
		return finish(con, EXIT_FAILED);
	}
	for (i = 0; i < n; i++)
		parse_ref(args[i], 0, &refs[i]);
	kinds = (sysv ? SHMKIT_LIST_SYSV : 0) | (posix ? SHMKIT_LIST_POSIX : 0);
	if (!kinds)
		kinds = SHMKIT_LIST_ALL;
	drop_caps(keep, ARRAY_SIZE(keep));

	tb = scols_new_table();
	if (!tb) {
		note("out of memory");
		return finish(con, EXIT_FAILED);
	}
	scols_table_enable_json(tb, o.json);
	scols_table_set_name(tb, "segments");
	scols_table_enable_raw(tb, o.raw);
	scols_table_enable_noheadings(tb, o.noheadings);
	for (i = 0; i < ARRAY_SIZE(columns); i++) {
		struct libscols_column *cl = scols_table_new_column(tb,
			columns[i].name, columns[i].whint, columns[i].flags);

		if (cl)
			scols_column_set_json_type(cl, columns[i].json);
	}

	if (n == 0) {
		rc = shmkit_list(kinds, &infos, &count);
		if (rc < 0) {
			note("cannot list segments: %s", shmkit_strerror(rc));
			status = EXIT_FAILED;
			count = 0;
		}
		for (i = 0; i < count; i++)
			add_row(tb, &infos[i], &o);
	}
	for (i = 0; i < n; i++) {
		rc = shmkit_stat(&refs[i], &info);
		if (rc < 0) {
			fail_rc("list", args[i], &refs[i], SHMKIT_OP_READ, rc);
			status = EXIT_FAILED;
			continue;
		}
		add_row(tb, &info, &o);
	}
	scols_print_table(tb);
	scols_unref_table(tb);
	shmkit_info_free(infos);
	free(refs);
	return finish(con, status);
}

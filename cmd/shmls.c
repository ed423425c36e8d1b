/* SPDX-License-Identifier: MIT */
/* shmls: list SysV segments and POSIX objects, who holds them, and the limits behind them. */
#include <sys/capability.h>
#include <sys/types.h>
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <popt.h>
#include <libsmartcols.h>
#include "common.h"
#include "shmkit.h"

static const int defaults[] = { SHMKIT_COL_REF, SHMKIT_COL_KIND, SHMKIT_COL_KEY,
				SHMKIT_COL_OWNER, SHMKIT_COL_PERMS, SHMKIT_COL_SIZE,
				SHMKIT_COL_NATTCH, SHMKIT_COL_STATUS, SHMKIT_COL_CTIME };
static const int time_cols[] = { SHMKIT_COL_ATIME, SHMKIT_COL_DTIME, SHMKIT_COL_CTIME };
static const int creator_cols[] = { SHMKIT_COL_PERMS, SHMKIT_COL_CUID, SHMKIT_COL_CUSER,
				    SHMKIT_COL_CGID, SHMKIT_COL_CGROUP, SHMKIT_COL_UID,
				    SHMKIT_COL_USER, SHMKIT_COL_GID, SHMKIT_COL_GROUP };

struct opts {
	int json, raw, export, noheadings, bytes, notrunc, info, sort;
	struct shmkit_cols cols;
	struct shmkit_cell_opts cell;
};

static void add_column(struct libscols_table *tb, const struct opts *o,
		       const struct shmkit_column *col)
{
	unsigned f = col->flags;
	struct libscols_column *cl = scols_table_new_column(tb, col->name, col->width,
		(f & SHMKIT_COLF_RIGHT ? SCOLS_FL_RIGHT : 0) |
		(f & SHMKIT_COLF_TRUNC && !o->notrunc ? SCOLS_FL_TRUNC : 0) |
		(f & SHMKIT_COLF_NOEXTREMES ? SCOLS_FL_NOEXTREMES : 0));

	if (cl)
		scols_column_set_json_type(cl, f & SHMKIT_COLF_NUMBER ? SCOLS_JSON_NUMBER :
					   f & SHMKIT_COLF_BOOL ? SCOLS_JSON_BOOLEAN_OPTIONAL :
					   SCOLS_JSON_STRING);
}

static void add_row(struct libscols_table *tb, const struct opts *o, const struct shmkit_row *r)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char buf[4096], clean[4096 * 4 + 8];
	size_t k;

	for (k = 0; ln && k < o->cols.n; k++) {
		if (!shmkit_cell_format(&o->cell, r, o->cols.v[k], buf, sizeof(buf)))
			continue;
		/* libsmartcols would pass bytes that are not UTF-8 into JSON as they are. */
		if (o->json && !(shmkit_column_get(o->cols.v[k])->flags & SHMKIT_COLF_NUMBER)) {
			shmkit_format_escape(buf, SHMKIT_ESC_UTF8, clean, sizeof(clean));
			scols_line_set_data(ln, k, clean);
		} else {
			scols_line_set_data(ln, k, buf);
		}
	}
}

/*
 * Tables for a pipe or file are written here, not by libsmartcols, whose
 * wcwidth(3) call for every character of every cell cost 10 ms for 4000
 * segments, more than reading them (README.md, "Performance"). The text is
 * the same: cells from shmkit_cell_format(), bytes that are not printable
 * ASCII as \xHH, each column as wide as its widest cell, at least its
 * heading, else its width hint; never truncated, since there is no terminal.
 * SHMLS_SCOLS in the environment sends them through libsmartcols, to compare.
 */
static int print_table(const struct opts *o, const struct shmkit_row *rows, size_t n)
{
	size_t i, k, nc = o->cols.n, cells = n * nc, w[SHMKIT_COL_COUNT] = { 0 };
	char buf[4096], esc[4096 * 4 + 8], **text;

	if (cells == 0)
		return 0;
	text = calloc(cells, sizeof(*text));
	for (i = 0; text && i < cells; i++) {
		if (!shmkit_cell_format(&o->cell, &rows[i / nc], o->cols.v[i % nc], buf, sizeof(buf)))
			continue;
		k = shmkit_format_escape(buf, 0, esc, sizeof(esc));
		text[i] = strdup(esc);
		w[i % nc] = k > w[i % nc] ? k : w[i % nc];
	}
	for (k = 0; k < nc; k++) {
		const struct shmkit_column *col = shmkit_column_get(o->cols.v[k]);

		w[k] = w[k] < strlen(col->name) ? strlen(col->name) :
		       w[k] < col->width ? col->width : w[k];
	}
	for (i = o->noheadings ? 1 : 0; text && i <= n; i++) {
		for (k = 0; k < nc; k++) {
			const struct shmkit_column *col = shmkit_column_get(o->cols.v[k]);
			const char *t = i ? text[(i - 1) * nc + k] : col->name;
			int pad = (int)(w[k] - (t ? strlen(t) : 0)), last = k + 1 == nc;
			int right = col->flags & SHMKIT_COLF_RIGHT;

			if (k)
				putchar(' ');
			if (last && !t)
				break;
			printf("%*s%s%*s", right ? pad : 0, "", t ? t : "", right || last ? 0 : pad, "");
		}
		putchar('\n');
	}
	for (i = 0; text && i < cells; i++)
		free(text[i]);
	k = !text;
	free(text);
	return k ? -1 : 0;
}

/* -i: every field of one segment as "Label: value", then its holders. */
static void print_info(const struct opts *o, const struct shmkit_row *r, int first)
{
	char buf[4096], esc[4096 * 4 + 8];
	int i;

	if (!first)
		putchar('\n');
	for (i = 0; i < SHMKIT_COL_COUNT; i++) {
		if (i == SHMKIT_COL_PIDS || i == SHMKIT_COL_OWNER || (!o->cell.h &&
		    (shmkit_column_get(i)->flags & SHMKIT_COLF_HOLDERS)) ||
		    !shmkit_cell_format(&o->cell, r, i, buf, sizeof(buf)))
			continue;
		shmkit_format_escape(buf, 0, esc, sizeof(esc));
		printf("%s: %s\n", i == SHMKIT_COL_ATIME && r->info.kind == SHMKIT_POSIX ?
		       "Access time" : shmkit_column_get(i)->label, esc);
	}
	for (i = 0; (size_t)i < r->nholders; i++) {
		const struct shmkit_holder *x = &r->holders[i];

		if (shmkit_proc_cmdline(o->cell.procfd, x->pid, buf, sizeof(buf)) < 0)
			snprintf(buf, sizeof(buf), "[%s]", x->comm);
		shmkit_format_escape(buf, 0, esc, sizeof(esc));
		printf("Holder: %d (%s%s%s) %s\n", (int)x->pid, x->how & SHMKIT_HOLD_MAP ? "mapped" : "",
		       x->how == (SHMKIT_HOLD_MAP | SHMKIT_HOLD_FD) ? ", " : "",
		       x->how & SHMKIT_HOLD_FD ? "open" : "", esc);
	}
}

static void unknown_column(const char *name, size_t len)
{
	char valid[512];
	size_t i, used = 0;

	for (i = 0; i < SHMKIT_COL_COUNT && used < sizeof(valid); i++)
		used += (size_t)snprintf(valid + used, sizeof(valid) - used, "%s%s",
					 i ? ", " : "", shmkit_column_get((int)i)->name);
	usage_error("unknown column '%.*s' (valid: %s)", (int)len, name, valid);
}

static int cmp_rows(const void *a, const void *b, void *payload)
{
	const struct opts *o = payload;

	return shmkit_row_cmp(&o->cell, o->sort, a, b);
}

/* --global: the limits and totals table. */
static void global(struct libscols_table *tb, const struct opts *o, unsigned kinds,
		   const struct shmkit_row *rows, size_t n)
{
	static const char *const names[] = { "RESOURCE", "DESCRIPTION", "USED", "LIMIT", "USE%" };
	struct shmkit_usage u[SHMKIT_USAGE_MAX];
	struct shmkit_totals t[2] = { { 0 } };
	struct shmkit_limits l;
	int exact = !!(o->cell.flags & SHMKIT_CELL_EXACT);
	struct libscols_line *ln;
	size_t i, k, nu;
	char buf[64];

	(void)shmkit_limits_read(&l);
	for (i = 0; i < n; i++)
		shmkit_totals_add(&t[rows[i].info.kind == SHMKIT_SYSV ? 0 : 1], &rows[i].info, o->cell.h);
	scols_table_set_name(tb, "limits");
	for (k = 0; k < ARRAY_SIZE(names); k++) {
		struct libscols_column *cl = scols_table_new_column(tb, names[k], 0,
								    k > 1 ? SCOLS_FL_RIGHT : 0);

		if (cl)
			scols_column_set_json_type(cl, k > 1 ? SCOLS_JSON_NUMBER : SCOLS_JSON_STRING);
	}
	nu = shmkit_usage_rows(kinds, &l, &t[0], &t[1], u);
	for (i = 0; i < nu && (ln = scols_table_new_line(tb, NULL)); i++) {
		uint64_t v[2] = { u[i].used, u[i].limit };
		int have[2] = { u[i].have_used, u[i].have_limit };

		scols_line_set_data(ln, 0, u[i].resource);
		scols_line_set_data(ln, 1, u[i].description);
		for (k = 0; k < 2; k++) {
			if (!have[k])
				continue;
			if (u[i].bytes && !exact)
				shmkit_format_size(v[k], buf, sizeof(buf));
			else
				snprintf(buf, sizeof(buf), "%" PRIu64, v[k]);
			scols_line_set_data(ln, 2 + k, buf);
		}
		if (have[0] && have[1] && v[1] > 0) {
			snprintf(buf, sizeof(buf), exact ? "%.2f" : "%.0f%%",
				 (double)v[0] * 100.0 / (double)v[1]);
			scols_line_set_data(ln, 4, buf);
		}
	}
}

/* ---------------------------------------------------------------- main */

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
	int globl = 0, orphans = 0, status = EXIT_OK, rc, holders = 0, deleted = 0, procfd = -1;
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
	struct shmkit_row *rows;
	size_t n, i, count = 0, ndel = 0, nrows = 0;
	uint32_t hpid = 0, tpid = 0;
	int64_t now;
	const char **args;
	poptContext con;

	con = parse_options(argc, argv, table, "[REF...]");
	args = operands(con, &n);
	if (listcols) {
		for (i = 0; i < SHMKIT_COL_COUNT; i++)
			printf("%8s  %s\n", shmkit_column_get((int)i)->name,
			       shmkit_column_get((int)i)->help);
		return finish(con, EXIT_OK);
	}
	if (o.json + o.raw + o.export > 1)
		usage_error("--json, --raw and --export cannot be used together");
	if (globl && (n || o.info || pids || output))
		usage_error("--global cannot be used with REF, --info, --pids or --output");
	o.cell.time = o.raw || o.json || o.export ? SHMKIT_TIME_ISO :
		      o.info ? SHMKIT_TIME_FULL : SHMKIT_TIME_SHORT;
	if (tfmt) {
		if (strcmp(tfmt, "short") == 0)
			o.cell.time = SHMKIT_TIME_SHORT;
		else if (strcmp(tfmt, "full") == 0)
			o.cell.time = SHMKIT_TIME_FULL;
		else if (strcmp(tfmt, "iso") == 0)
			o.cell.time = SHMKIT_TIME_ISO;
		else
			usage_error("invalid time format '%s' (expected short, full or iso)", tfmt);
	}
	o.cell.flags = (o.bytes || o.raw || o.json || o.export ? SHMKIT_CELL_EXACT : 0) |
		       (o.json ? SHMKIT_CELL_JSON : 0);
	if (older && shmkit_parse_duration(older, &f.older_than) < 0)
		usage_error("invalid duration '%s' (expected N, Ns, Nm, Nh, Nd or Nw)", older);
	if (user) {
		struct passwd *pw = getpwnam(user);
		uint32_t uid;

		if (!pw && shmkit_parse_id(user, UINT32_MAX - 1, &uid) < 0)
			usage_error("unknown user '%s'", user);
		f.uid = pw ? pw->pw_uid : (uid_t)uid;
		f.by_uid = 1;
	}
	f.name_glob = name_glob;
	f.orphans = orphans;
	if (holders_of && (shmkit_parse_id(holders_of, INT32_MAX, &hpid) < 0 || !hpid))
		usage_error("invalid PID '%s'", holders_of);
	if (target && (shmkit_parse_id(target, INT32_MAX, &tpid) < 0 || !tpid))
		usage_error("invalid PID '%s'", target);

	/* Columns: the defaults, or -t/-c sets; -o replaces or (+) appends; -p appends. */
	if (times || creator) {
		shmkit_cols_add(&o.cols, SHMKIT_COL_REF);
		shmkit_cols_add(&o.cols, SHMKIT_COL_KIND);
		for (i = 0; creator && i < ARRAY_SIZE(creator_cols); i++)
			shmkit_cols_add(&o.cols, creator_cols[i]);
		for (i = 0; times && i < ARRAY_SIZE(time_cols); i++)
			shmkit_cols_add(&o.cols, time_cols[i]);
	} else {
		for (i = 0; i < ARRAY_SIZE(defaults); i++)
			shmkit_cols_add(&o.cols, defaults[i]);
	}
	if (output) {
		size_t bad = 0;

		rc = shmkit_cols_parse(output, &o.cols, &bad);
		if (rc == -ENOENT)
			unknown_column(output + bad, strcspn(output + bad, ","));
		if (rc < 0)
			usage_error("no columns in '%s'", output);
	}
	if (pids) {
		shmkit_cols_add(&o.cols, SHMKIT_COL_HOLDERS);
		shmkit_cols_add(&o.cols, SHMKIT_COL_PIDS);
	}
	o.sort = -1;
	if (sort) {
		o.sort = shmkit_column_find(sort, strlen(sort));
		if (o.sort < 0)
			unknown_column(sort, strlen(sort));
		holders = shmkit_column_get(o.sort)->flags & SHMKIT_COLF_HOLDERS;
	}
	for (i = 0; i < o.cols.n; i++)
		holders |= shmkit_column_get(o.cols.v[i])->flags & SHMKIT_COLF_HOLDERS;
	holders |= orphans || o.info || globl || hpid;

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

	o.cell.procfd = procfd;
	o.cell.now = now = (int64_t)time(NULL);
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
			deleted = 1;
	}
	if (holders || deleted) {
		rc = shmkit_holders_scan(procfd, &h);
		if (rc < 0 && holders)
			note("cannot examine processes: %s", shmkit_strerror(rc));
		if (rc < 0)
			h = NULL;
	}
	o.cell.h = holders ? h : NULL;
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
		struct shmkit_row *r = &rows[nrows];
		const struct shmkit_holder *first;

		if (i < count) {
			r->info = infos[i];
		} else if (i < count + ndel) {
			r->info = del[i - count];
		} else {
			rc = shmkit_stat(&refs[i - count - ndel], &r->info);
			if (rc < 0) {
				fail_rc("list", args[i - count - ndel], &refs[i - count - ndel],
					SHMKIT_OP_READ, rc);
				status = EXIT_FAILED;
				continue;
			}
		}
		if (hof && shmkit_holders_of(hof, &r->info, &first) == 0)
			continue;
		if (i < count + ndel && !shmkit_filter_match(&f, &r->info, h, now))
			continue;
		shmkit_row_holders(r, o.cell.h);
		nrows++;
	}
	if (shmkit_names_new(&o.cell.names) < 0)
		o.cell.names = NULL;	/* slower, not wrong */
	if (n == 0 && ndel) {
		int by = o.sort;

		o.sort = -1;	/* the listing order, with unlinked objects in place */
		qsort_r(rows, nrows, sizeof(*rows), cmp_rows, &o);
		o.sort = by;
	}
	if (o.sort >= 0)
		qsort_r(rows, nrows, sizeof(*rows), cmp_rows, &o);
	if (o.cell.h && shmkit_holders_unreadable(o.cell.h) > 0)
		incomplete_note(shmkit_holders_unreadable(o.cell.h));

	if (o.info) {
		for (i = 0; i < nrows; i++)
			print_info(&o, &rows[i], i == 0);
	} else if (!globl && !o.json && !o.export && !o.raw && !getenv("SHMLS_SCOLS") &&
		   !isatty(STDOUT_FILENO) && print_table(&o, rows, nrows) == 0) {
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
			for (i = 0; i < o.cols.n; i++)
				add_column(tb, &o, shmkit_column_get(o.cols.v[i]));
			for (i = 0; i < nrows; i++)
				add_row(tb, &o, &rows[i]);
		}
		scols_print_table(tb);
		scols_unref_table(tb);
	}
	free(rows);
	shmkit_info_free(infos);
	shmkit_info_free(del);
	shmkit_holders_free(h);
	shmkit_holders_free(hof);
	shmkit_names_free(o.cell.names);
	free(refs);
	return finish(con, status);
}

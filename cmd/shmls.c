/* SPDX-License-Identifier: MIT */
/* shmls: list SysV segments and POSIX objects, who holds them, and the limits behind them. */
#include <sys/capability.h>
#include <sys/types.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <popt.h>
#include <libsmartcols.h>
#include "common.h"
#include "shmkit.h"

struct opts {
	int listcols, times, creator, pids, info, global;
	int json, raw, export, noheadings, bytes, notrunc, sort, holders, metrics;
	char *output, *tfmt, *sort_by, *holders_of, *metrics_top, *output_file;
	uint32_t hpid;
	pid_t tpid;
	int all_ns;
	struct filter_opts fo;
	struct shmkit_filter f;
	struct shmkit_nsfilter nf;
	struct shmkit_cols cols;
	struct shmkit_cell_opts cell;
	struct shmkit_metrics_opts mo;
	struct shmkit_newfile *out;	/* --output-file, while written */
	int werr;			/* -errno of a failed write, for its message */
};

/* The segments, or with -g the limits and totals, through libsmartcols. */
static void print_scols(const struct opts *o, const struct shmkit_rows *rows)
{
	struct libscols_table *tb = scols_new_table();
	const struct shmkit_column *col[SHMKIT_COL_COUNT];
	struct shmkit_resource u[SHMKIT_RESOURCE_MAX];
	int global = o->global, have;
	size_t i, k, nc = global ? SHMKIT_RCOL_COUNT : o->cols.n, n = rows->n;
	char buf[4096], clean[4096 * 4 + 8];

	if (!tb)
		return;
	scols_table_enable_json(tb, o->json);
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_export(tb, o->export);
	scols_table_enable_noheadings(tb, o->noheadings);
	scols_table_set_name(tb, global ? "limits" : "segments");
	if (global)
		n = shmkit_resource_read(o->f.kinds, rows->v, rows->n, o->cell.h, u);
	for (k = 0; k < nc; k++) {
		unsigned f = (col[k] = global ? shmkit_resource_column((int)k) :
					   shmkit_column_get(o->cols.v[k]))->flags;
		struct libscols_column *cl = scols_table_new_column(tb, col[k]->name, col[k]->width,
			(f & SHMKIT_COLF_RIGHT ? SCOLS_FL_RIGHT : 0) |
			(f & SHMKIT_COLF_TRUNC && !o->notrunc ? SCOLS_FL_TRUNC : 0) |
			(f & SHMKIT_COLF_NOEXTREMES ? SCOLS_FL_NOEXTREMES : 0));

		if (cl)
			scols_column_set_json_type(cl, f & SHMKIT_COLF_NUMBER ? SCOLS_JSON_NUMBER :
						   f & SHMKIT_COLF_BOOL ? SCOLS_JSON_BOOLEAN_OPTIONAL :
						   SCOLS_JSON_STRING);
	}
	for (i = 0; i < n; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		for (k = 0; ln && k < nc; k++) {
			have = global ? shmkit_resource_format(&u[i], (int)k, o->cell.flags, buf, sizeof(buf)) :
			       shmkit_cell_format(&o->cell, &rows->v[i], o->cols.v[k], buf, sizeof(buf));
			if (!have)
				continue;
			/* libsmartcols would pass bytes that are not UTF-8 into JSON as they are. */
			if (o->json && !(col[k]->flags & SHMKIT_COLF_NUMBER)) {
				shmkit_format_escape(buf, SHMKIT_ESC_UTF8, clean, sizeof(clean));
				scols_line_set_data(ln, k, clean);
			} else {
				scols_line_set_data(ln, k, buf);
			}
		}
	}
	scols_print_table(tb);
	scols_unref_table(tb);
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

/* What could not be listed or examined, on stderr: the exit status. */
static int report(int rc, const struct shmkit_rows_notes *nt, const struct shmkit_rows *rows,
		  const char **args, const struct shmkit_ref *refs, size_t n)
{
	size_t i, unreadable = rc == 0 && rows->h ? shmkit_holders_unreadable(rows->h) : 0;
	int status = nt->list_rc < 0 || rc < 0 ? EXIT_FAILED : EXIT_OK;
	char text[1024];

	if (nt->list_rc < 0)
		note("cannot list segments: %s", shmkit_strerror(nt->list_rc));
	if (nt->shmfs_rc == -ENOENT)
		note("/dev/shm does not exist; listing SysV segments only");
	if (nt->scan_rc < 0)
		note("cannot examine processes: %s", shmkit_strerror(nt->scan_rc));
	if (rc < 0)
		note("out of memory");
	for (i = 0; rc == 0 && i < n; i++) {
		if (rows->ref_rc[i] < 0) {
			fail_rc("list", args[i], &refs[i], SHMKIT_OP_READ, rows->ref_rc[i]);
			status = EXIT_FAILED;
		}
	}
	if (unreadable > 0) {
		unreadable_text(rows->h, text, sizeof(text));
		note("holders are incomplete: %s", text);
	}
	return status;
}

/* Steps 4 and 5 for options: each to its value, or a usage error (exit 2). */
static void check(struct opts *o, size_t n)
{
	size_t bad = 0;
	int rc;

	if (o->json + o->raw + o->export > 1)
		usage_error("--json, --raw and --export cannot be used together");
	if (o->global && (n || o->info || o->pids || o->output))
		usage_error("--global cannot be used with REF, --info, --pids or --output");
	if (o->metrics && (o->json || o->raw || o->export || o->info || o->global || o->output ||
			   o->pids || o->times || o->creator || o->noheadings || o->sort_by))
		usage_error("--metrics cannot be used with another output option");
	o->mo.top = SHMKIT_METRICS_TOP;
	if (o->metrics_top && !o->metrics)
		usage_error("--metrics-top needs --metrics");
	if (o->metrics_top) {
		uint32_t top;

		if (shmkit_parse_id(o->metrics_top, SHMKIT_METRICS_TOP_MAX, &top) < 0)
			usage_error("invalid number '%s' for --metrics-top (0 to %d)",
				    o->metrics_top, SHMKIT_METRICS_TOP_MAX);
		o->mo.top = top;
	}
	o->cell.time = o->raw || o->json || o->export ? SHMKIT_TIME_ISO :
		       o->info ? SHMKIT_TIME_FULL : SHMKIT_TIME_SHORT;
	if (o->tfmt && shmkit_parse_time_style(o->tfmt, &o->cell.time) < 0)
		usage_error("invalid time format '%s' (expected short, full or iso)", o->tfmt);
	o->cell.flags = (o->bytes || o->raw || o->json || o->export ? SHMKIT_CELL_EXACT : 0) |
			(o->json ? SHMKIT_CELL_JSON : 0);
	filter_check(&o->fo, &o->f, &o->tpid);
	o->all_ns = nsfilter_check(&o->fo, &o->nf);
	if (o->all_ns && (n || o->holders_of || o->global))
		usage_error("-A cannot be used with REF, --holders-of or --global");
	if (o->holders_of && (shmkit_parse_id(o->holders_of, INT32_MAX, &o->hpid) < 0 || !o->hpid))
		usage_error("invalid process id '%s'", o->holders_of);

	/* Columns: the defaults, or -t/-c sets; -o replaces or (+) appends; -p appends. */
	shmkit_cols_preset((o->times ? SHMKIT_COLS_TIMES : 0) |
			   (o->creator ? SHMKIT_COLS_CREATOR : 0), &o->cols);
	for (size_t i = SHMKIT_COL_IPCNS; o->all_ns && i <= SHMKIT_COL_NSPID; i++)
		if (o->json || i == SHMKIT_COL_CONTAINER)
			shmkit_cols_add(&o->cols, (int)i);
	if (o->output && (rc = shmkit_cols_parse(o->output, &o->cols, &bad)) < 0) {
		if (rc == -ENOENT)
			unknown_column(o->output + bad, strcspn(o->output + bad, ","));
		usage_error("no columns in '%s'", o->output);
	}
	if (o->pids) {
		shmkit_cols_add(&o->cols, SHMKIT_COL_HOLDERS);
		shmkit_cols_add(&o->cols, SHMKIT_COL_PIDS);
	}
	if (o->sort_by && (o->sort = shmkit_column_find(o->sort_by, strlen(o->sort_by))) < 0)
		unknown_column(o->sort_by, strlen(o->sort_by));
	o->holders = ((shmkit_cols_flags(&o->cols) | (o->sort >= 0 ?
		       shmkit_column_get(o->sort)->flags : 0)) & SHMKIT_COLF_HOLDERS) ||
		     o->f.orphans || o->info || o->global || o->hpid || o->metrics;
	o->mo.kinds = o->f.kinds;
}

/* --list-columns: every column with its description. */
static int list_columns(void)
{
	int i;

	for (i = 0; i < SHMKIT_COL_COUNT; i++)
		printf("%8s  %s\n", shmkit_column_get(i)->name, shmkit_column_get(i)->help);
	return EXIT_OK;
}

/* --holders-of: what that one process holds, or say why not (exit 1). */
static int scan_holders_of(const struct opts *o, struct shmkit_holders **out)
{
	int rc = shmkit_holders_scan_pid(o->cell.procfd, (pid_t)o->hpid, out);

	if (rc < 0)
		fail("examine", o->holders_of, "%s", rc == -ESRCH ? "no such process" :
		     rc == -EACCES ? "permission denied" : shmkit_strerror(rc));
	return rc;
}

/* --metrics: the Prometheus text. Returns the exit status. */
static int print_metrics(struct opts *o, const struct shmkit_rows *rows)
{
	char *text;
	size_t len;
	int rc;

	o->mo.now = o->cell.now;
	rc = shmkit_metrics_format(rows, &o->mo, &text, &len);
	if (rc < 0) {
		note("cannot write metrics: %s", shmkit_strerror(rc));
		return EXIT_FAILED;
	}
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
		o->werr = errno ? -errno : -EIO;
	free(text);
	return EXIT_OK;
}

/* The rows in the order asked for, as -i lines, a table, or through libsmartcols. */
static void show(struct opts *o, struct shmkit_rows *rows)
{
	size_t i;

	o->cell.h = rows->h;
	if (shmkit_idnames_new(&o->cell.names) < 0)
		o->cell.names = NULL;	/* slower, not wrong */
	if (o->sort >= 0)
		shmkit_rows_sort(&o->cell, o->sort, rows->v, rows->n);
	for (i = 0; o->info && i < rows->n; i++)
		print_info(o, &rows->v[i], i == 0);
	if (!o->info && (o->global || o->json || o->export || o->raw || getenv("SHMLS_SCOLS") ||
			 isatty(STDOUT_FILENO) || print_table(o, rows->v, rows->n) < 0))
		print_scols(o, rows);
	shmkit_idnames_free(o->cell.names);
}

/* Step 7: the rows, what could not be listed, then the rows shown. Returns the status. */
static int list(struct opts *o, const char **args, const struct shmkit_ref *refs, size_t n)
{
	struct shmkit_rows_notes nt = { 0 };
	struct shmkit_holders *hof = NULL;
	struct shmkit_rows *rows = NULL;
	int status, rc;

	o->cell.now = (int64_t)time(NULL);
	if (o->hpid && scan_holders_of(o, &hof) < 0)
		return EXIT_FAILED;
	o->f.held_by = hof;
	if (o->all_ns) {
		struct shmkit_nsall_notes nn = { 0 };

		rc = shmkit_nsall_rows(-1, &o->f, &o->nf, o->cell.now,
				       o->holders ? SHMKIT_ROWS_HOLDERS : 0, &nn, &rows);
		status = nsall_report(&nn);
		o->mo.incomplete = nn.skipped > 0 || nn.scan_rc < 0;
		o->mo.unexamined = nn.unreadable;
		if (rc < 0 && nn.scan_rc == 0)
			note("cannot list every namespace: %s", shmkit_strerror(rc));
		if (rc < 0 || report(0, &nt, rows, NULL, NULL, 0) != EXIT_OK)
			status = EXIT_FAILED;
	} else {
		rc = shmkit_rows_list(o->cell.procfd, &o->f, refs, n, o->cell.now,
				      o->holders ? SHMKIT_ROWS_HOLDERS : 0, &nt, &rows);
		status = report(rc, &nt, rows, args, refs, n);
	}
	if (rc == 0 && o->metrics && print_metrics(o, rows) != EXIT_OK)
		status = EXIT_FAILED;
	else if (rc == 0 && !o->metrics)
		show(o, rows);
	shmkit_rows_free(rows);
	shmkit_holders_free(hof);
	return status;
}

/*
 * --output-file: standard output goes to a new file beside PATH, which is
 * renamed over PATH only when all of it was written and the listing did
 * not fail; else PATH stays as it was.
 */
static struct shmkit_newfile *pending;	/* removed if shmls exits early */

static void abort_pending(void)
{
	shmkit_newfile_abort(pending);
	pending = NULL;
}

static void open_output(struct opts *o)
{
	int rc = shmkit_newfile_open(o->output_file, &o->out);

	if (rc == 0 && (fflush(stdout) != 0 || dup2(shmkit_newfile_fd(o->out), STDOUT_FILENO) < 0))
		rc = -errno;
	if (rc < 0) {
		fail("write", o->output_file, "%s", strerror(-rc));
		shmkit_newfile_abort(o->out);
		exit(EXIT_FAILED);
	}
	pending = o->out;
	atexit(abort_pending);
}

static int close_output(struct opts *o, int status)
{
	int rc = 0;

	pending = NULL;
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = o->werr ? o->werr : errno ? -errno : -EIO;
	if (rc == 0 && status == EXIT_OK) {
		rc = shmkit_newfile_commit(o->out);
	} else {
		shmkit_newfile_abort(o->out);
		if (rc == 0)
			note("'%s' is left as it was", o->output_file);
	}
	if (rc < 0) {
		fail("write", o->output_file, "%s; the old file is left as it was",
		     strerror(-rc));
		status = EXIT_FAILED;
	}
	/* Nothing more goes to the file, nor reports the error again. */
	if (!freopen("/dev/null", "w", stdout))
		clearerr(stdout);
	return status;
}

int main(int argc, const char **argv)
{
	/* /proc/PID/map_files, where unlinked objects are examined, needs the last. */
	static const int keep[] = { CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE, CAP_IPC_OWNER,
				    CAP_CHECKPOINT_RESTORE, CAP_LEASE };
	static const int keep_ns[] = { CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE, CAP_IPC_OWNER,
				       CAP_CHECKPOINT_RESTORE, CAP_LEASE, CAP_SYS_ADMIN,
				       CAP_SYS_CHROOT };
	struct opts o = { .sort = -1, .cell.procfd = -1 };
	struct poptOption table[] = {
		{ "output", 'o', POPT_ARG_STRING, &o.output, 0,
		  "columns to show (+LIST adds to the defaults)", "LIST" },
		{ "list-columns", '\0', POPT_ARG_NONE, &o.listcols, 0,
		  "list the columns and exit", NULL },
		{ "time", 't', POPT_ARG_NONE, &o.times, 0, "show attach, detach and change times", NULL },
		{ "creator", 'c', POPT_ARG_NONE, &o.creator, 0, "show creator and owner", NULL },
		{ "pids", 'p', POPT_ARG_NONE, &o.pids, 0, "show the processes holding each segment", NULL },
		{ "holders-of", '\0', POPT_ARG_STRING, &o.holders_of, 0,
		  "list only what process PID holds", "PID" },
		{ "info", 'i', POPT_ARG_NONE, &o.info, 0, "print every field as Name: value", NULL },
		{ "global", 'g', POPT_ARG_NONE, &o.global, 0, "show limits and totals", NULL },
		{ "json", 'J', POPT_ARG_NONE, &o.json, 0, "use JSON output", NULL },
		{ "raw", 'r', POPT_ARG_NONE, &o.raw, 0, "use raw output", NULL },
		{ "export", 'e', POPT_ARG_NONE, &o.export, 0, "use KEY=\"value\" output", NULL },
		{ "noheadings", 'n', POPT_ARG_NONE, &o.noheadings, 0, "do not print headings", NULL },
		{ "notruncate", '\0', POPT_ARG_NONE, &o.notrunc, 0, "do not truncate columns", NULL },
		{ "bytes", 'b', POPT_ARG_NONE, &o.bytes, 0, "print sizes in bytes", NULL },
		{ "time-format", '\0', POPT_ARG_STRING, &o.tfmt, 0,
		  "how to print times: short, full or iso", "FORMAT" },
		{ "sort", '\0', POPT_ARG_STRING, &o.sort_by, 0, "sort by COLUMN", "COLUMN" },
		{ "metrics", '\0', POPT_ARG_NONE, &o.metrics, 0,
		  "print Prometheus metrics (node_exporter textfile)", NULL },
		{ "metrics-top", '\0', POPT_ARG_STRING, &o.metrics_top, 0,
		  "series for the N largest orphans (default 10)", "N" },
		{ "output-file", '\0', POPT_ARG_STRING, &o.output_file, 0,
		  "write to PATH whole, by rename, not to stdout", "PATH" },
		{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, filter_options(&o.fo), 0,
		  "Which segments:", NULL },
		OPT_STANDARD,
		POPT_TABLEEND
	};
	struct shmkit_ref *refs;
	const char **args;
	poptContext con;
	size_t n, i;
	int status;

	con = parse_options(argc, argv, table, "[REF...]");
	args = operands(con, &n);
	if (o.listcols)
		return finish(con, list_columns());
	check(&o, n);
	refs = calloc(n ? n : 1, sizeof(*refs));
	if (!refs) {
		note("out of memory");
		return finish(con, EXIT_FAILED);
	}
	if (o.output_file)
		open_output(&o);
	/* ftok: paths are the container's, so enter its namespaces first. */
	if (o.tpid || o.all_ns)
		drop_caps(keep_ns, ARRAY_SIZE(keep_ns));
	if (o.tpid)
		enter_target(o.fo.target, o.tpid, &o.cell.procfd);
	for (i = 0; i < n; i++)
		parse_ref(args[i], 0, &refs[i]);
	if (!o.all_ns)
		drop_caps(keep, ARRAY_SIZE(keep));

	status = list(&o, args, refs, n);
	if (o.out)
		status = close_output(&o, status);
	free(refs);
	filter_free(&o.fo);
	return finish(con, status);
}

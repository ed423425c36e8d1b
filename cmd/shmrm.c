/* SPDX-License-Identifier: MIT */
/* shmrm: remove segments by reference, or select leaked ones with shmls's filters; never a held one unless forced. */
#include <sys/capability.h>
#include <sys/types.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <popt.h>
#include "common.h"
#include "shmkit.h"

#define PLURAL(n, one, many) ((n) == 1 ? (one) : (many))

struct opts {
	int all, force, dry_run, verbose, quiet;
	struct filter_opts fo;
};

/* What a run needs while it removes. */
struct run {
	const struct opts *o;
	unsigned flags;
	int procfd, scanned;
	struct shmkit_holders *h;
	size_t removed, held, unknown, denied;
	int status;
	const struct shmkit_nsinfo *ns;	/* -A: the namespace acted in */
	char unknown_why[1024];		/* -A: who could not be examined */
};

/* The holder snapshot, taken once, when first needed. */
static void scan(struct run *r)
{
	if (!r->scanned && shmkit_holders_scan(r->procfd, &r->h) < 0)
		r->h = NULL;	/* then no POSIX object can be shown to be unheld */
	r->scanned = 1;
}

/* "1234 (shmattach), 1240 (sleep)", or what is known when none is visible. */
static void holders(struct run *r, const struct shmkit_info *info, uint64_t nattch,
		    char *buf, size_t len)
{
	const struct shmkit_holder *x = NULL;
	size_t n = r->h ? shmkit_holders_of(r->h, info, &x) : 0;

	shmkit_format_holders(x, n, buf, len);
	if (n == 0 && info->kind == SHMKIT_SYSV)
		snprintf(buf, len, "%" PRIu64 " %s of processes not visible here",
			 nattch, PLURAL(nattch, "attachment", "attachments"));
	else if (n == 0)
		snprintf(buf, len, "processes not visible here");
}

/*
 * Reports what became of one segment. @subject is the reference as the
 * user wrote it, or NULL for a segment a filter selected, whose refusals
 * are counted for the summary instead of reported one by one.
 */
static void report(struct run *r, const struct shmkit_info *info, int rc,
		   uint64_t nattch, const char *subject)
{
	const struct opts *o = r->o;
	char ref[4 * SHMKIT_NAME_MAX + 8], who[1024];
	const char *dry = o->dry_run ? "(dry run) " : "";
	int sysv = info->kind == SHMKIT_SYSV;
	struct shmkit_ref sref;

	if (rc == 1 || (rc == -EBUSY && (subject || o->verbose)))
		scan(r);	/* SysV: only to name the holders */
	/* Names as shmls --raw prints them, so that shmrm - reads them back. */
	if (sysv)
		snprintf(ref, sizeof(ref), "%d", info->id);
	else
		shmkit_format_escape(info->name, SHMKIT_ESC_BLANK, ref, sizeof(ref));
	if (r->ns)
		snprintf(ref + strlen(ref), sizeof(ref) - strlen(ref), sysv ?
			 " in IPC namespace %llu" : " in /dev/shm of mount namespace %llu",
			 (unsigned long long)(sysv ? r->ns->ipcns : r->ns->mntns));
	if (rc == 0) {
		r->removed++;
		if (o->verbose || o->dry_run)
			printf("%sremoved %s\n", dry, ref);
		return;
	}
	if (rc == 1) {
		r->removed++;
		holders(r, info, nattch, who, sizeof(who));
		if (o->verbose || o->dry_run)
			printf(sysv ? "%smarked %s for removal, held by %s\n" :
			       "%sunlinked %s, held by %s\n", dry, ref, who);
		else if (!o->quiet)
			note(sysv ? "'%s' is held by %s; marked for removal, it goes at the last detach" :
			     "'%s' is held by %s; unlinked, its memory stays until they let go",
			     subject ? subject : ref, who);
		return;
	}
	if (!subject) {
		if (rc == -EBUSY || rc == -EAGAIN) {
			rc == -EBUSY ? r->held++ : r->unknown++;
			if (o->verbose) {
				holders(r, info, nattch, who, sizeof(who));
				note("kept '%s': held by %s", ref, who);
			}
			return;
		}
		if (rc == -EPERM || rc == -EACCES) {
			r->denied++;
			return;
		}
		if (rc == -ENOENT)
			return;	/* removed by someone else meanwhile */
		subject = ref;
	}
	r->status = EXIT_FAILED;
	if (rc == -EBUSY) {
		holders(r, info, nattch, who, sizeof(who));
		fail("remove", subject, "held by %s; --force %s", who,
		     sysv ? "marks it for removal" : "unlinks it anyway");
	} else if (rc == -EAGAIN && !r->h) {
		fail("remove", subject, "cannot tell whether it is held: /proc could not be "
		     "read; --force unlinks it anyway");
	} else if (rc == -EAGAIN) {
		unreadable_text(r->h, who, sizeof(who));
		fail("remove", subject, "cannot tell whether it is held: %s; its owner, "
		     "CAP_LEASE or CAP_SYS_PTRACE could tell; --force unlinks it anyway", who);
	} else {
		shmkit_info_ref(info, &sref);
		fail_rc("remove", subject, &sref, SHMKIT_OP_REMOVE, rc);
	}
}

static void report_selected(const struct shmkit_info *info, int rc,
			    uint64_t nattch, void *payload)
{
	report(payload, info, rc, nattch, NULL);
}

static void summarise(struct run *r)
{
	if (r->o->quiet)
		return;
	if (r->held)
		note("kept %zu %s in use; --force removes %s", r->held,
		     PLURAL(r->held, "segment", "segments"), PLURAL(r->held, "it", "them"));
	if (r->unknown && r->unknown_why[0])
		note("kept %zu POSIX %s that may be in use: %s", r->unknown,
		     PLURAL(r->unknown, "object", "objects"), r->unknown_why);
	else if (r->unknown && !r->h)
		note("kept %zu POSIX %s that may be in use: /proc could not be read",
		     r->unknown, PLURAL(r->unknown, "object", "objects"));
	else if (r->unknown) {
		char text[1024];

		unreadable_text(r->h, text, sizeof(text));
		note("kept %zu POSIX %s that may be in use: %s", r->unknown,
		     PLURAL(r->unknown, "object", "objects"), text);
	}
	if (r->denied)
		note("skipped %zu %s you may not remove", r->denied,
		     PLURAL(r->denied, "segment", "segments"));
	if (r->o->verbose && r->removed == 0 && !r->held && !r->unknown && !r->denied)
		note("no segment matched");
}

/* -A: report() in the namespace @ns, whose holders are @h. */
static void report_ns(const struct shmkit_nsinfo *ns, const struct shmkit_holders *h,
		      const struct shmkit_info *info, int rc, uint64_t nattch, void *payload)
{
	struct run *r = payload;

	/* Borrowed for the call: report() only reads it. */
	r->h = (struct shmkit_holders *)(uintptr_t)h;
	r->scanned = 1;
	r->ns = ns;
	if (rc == -EAGAIN && !r->unknown_why[0])
		unreadable_text(h, r->unknown_why, sizeof(r->unknown_why));
	report(r, info, rc, nattch, NULL);
	r->h = NULL;
	r->ns = NULL;
}

/* -A: every namespace, each with the selection; then what was kept and skipped. */
static void remove_everywhere(struct run *r, const struct shmkit_filter *f,
			      const struct shmkit_nsfilter *nf)
{
	struct shmkit_nsall_notes nn = { 0 };
	int rc;

	rc = shmkit_nsall_remove(-1, f, nf, (int64_t)time(NULL), r->flags, report_ns, r, &nn);
	if (nsall_report(&nn) != EXIT_OK)
		r->status = EXIT_FAILED;
	if (rc < 0 && nn.scan_rc == 0) {
		note("cannot act in every namespace: %s", shmkit_strerror(rc));
		r->status = EXIT_FAILED;
	}
	r->scanned = 1;
	summarise(r);
}

/* The references named, in order and each once, '-' standing for standard input; or exit. */
static struct shmkit_reflist *collect(const char **args, size_t n)
{
	struct shmkit_reflist_error e = { 0 };
	struct shmkit_reflist *refs = NULL;
	struct shmkit_ref ref;
	char shown[4 * 1024];
	size_t i;
	int rc;

	rc = shmkit_reflist_new(&refs);
	for (i = 0; i < n && rc == 0; i++) {
		if (strcmp(args[i], "-") == 0) {
			rc = shmkit_reflist_read(refs, STDIN_FILENO, &e);
			continue;
		}
		parse_ref(args[i], 0, &ref);	/* exits with its usual message */
		rc = shmkit_reflist_add(refs, &ref, args[i]);
	}
	if (rc == 0)
		rc = shmkit_reflist_dedup(refs);
	if (rc == 0)
		return refs;
	if (rc == -EILSEQ && e.line)
		usage_error("NUL byte on line %zu of standard input", e.line);
	if (e.line) {
		shmkit_format_escape(e.text, SHMKIT_ESC_BLANK, shown, sizeof(shown));
		if (rc == -EINVAL || rc == -ERANGE)
			usage_error("invalid segment reference '%s' on line %zu of standard input "
				    "(expected /NAME, 0xKEY, key:N, ID, id:N or ftok:PATH[:PROJ])",
				    shown, e.line);
		fail("use", shown, "%s", strerror(-rc));
	} else if (rc == -ENOMEM) {
		note("out of memory");
	} else {
		note("cannot read standard input: %s", strerror(-rc));
	}
	exit(EXIT_FAILED);
}

/*
 * Steps 4 and 5: the options and operands, checked before anything is
 * done; fills @f and *@target. Returns whether --all or a filter selects.
 */
static int check(const struct opts *o, const char **args, size_t n,
		 struct shmkit_filter *f, pid_t *target, struct shmkit_nsfilter *nf, int *all_ns)
{
	int select = o->all || filter_given(&o->fo);
	size_t i, dashes = 0;

	if (o->quiet && o->verbose)
		usage_error("--quiet and --verbose cannot be used together");
	*all_ns = nsfilter_check(&o->fo, nf);
	if (*all_ns && n > 0)
		usage_error("segment references cannot be combined with -A: "
			    "one names nothing unique across namespaces");
	if (*all_ns && !select)
		usage_error("-A needs --all or a filter");
	if (select && n > 0)
		usage_error("segment references cannot be combined with --all or filters");
	if (!select && (o->fo.sysv || o->fo.posix))
		usage_error("--%s only narrows --all or a filter", o->fo.sysv ? "sysv" : "posix");
	if (!select && n == 0)
		usage_error("missing segment reference");
	filter_check(&o->fo, f, target);
	for (i = 0; i < n; i++)
		dashes += strcmp(args[i], "-") == 0;
	if (dashes > 1)
		usage_error("standard input '-' given more than once");
	return select;
}

/* --all or filters: every segment they select, then what was kept. */
static void remove_selected(struct run *r, const struct shmkit_filter *f)
{
	int rc;

	if (f->kinds & SHMKIT_LIST_POSIX)
		scan(r);
	rc = shmkit_remove_matching(f, r->h, (int64_t)time(NULL), r->flags,
				    report_selected, r);
	if (rc < 0) {
		note("cannot list segments: %s", shmkit_strerror(rc));
		r->status = EXIT_FAILED;
	}
	summarise(r);
}

/* The segments named, each looked up, checked and removed on its own. */
static void remove_named(struct run *r, const struct shmkit_reflist *refs)
{
	const struct shmkit_refent *v;
	struct shmkit_info info;
	size_t nv, i;
	uint64_t nattch;
	int rc;

	nv = shmkit_reflist_all(refs, &v);
	for (i = 0; i < nv; i++) {
		rc = shmkit_stat(&v[i].ref, &info);
		if (rc < 0) {
			fail_rc("remove", v[i].text, &v[i].ref, SHMKIT_OP_REMOVE, rc);
			r->status = EXIT_FAILED;
			continue;
		}
		if (info.kind == SHMKIT_POSIX)
			scan(r);
		rc = shmkit_remove_checked(&info, r->h, r->flags, &nattch);
		report(r, &info, rc, nattch, v[i].text);
	}
	if (r->o->verbose && nv == 0)
		note("no segment named");
}

int main(int argc, const char **argv)
{
	/* -A also enters namespaces (setns(2) of a mount namespace needs the last). */
	static const int keep[] = {
		CAP_SYS_ADMIN, CAP_FOWNER, CAP_DAC_OVERRIDE, CAP_IPC_OWNER,
		CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH, CAP_LEASE, CAP_SYS_CHROOT,
	};
	struct opts o = { 0 };
	struct poptOption table[] = {
		{ "all", 'a', POPT_ARG_NONE, &o.all, 0,
		  "every segment you may remove that nothing holds", NULL },
		{ "force", 'f', POPT_ARG_NONE, &o.force, 0,
		  "remove held ones too (SysV: mark for removal)", NULL },
		{ "dry-run", 'n', POPT_ARG_NONE, &o.dry_run, 0,
		  "print what would be removed; change nothing", NULL },
		{ "verbose", 'v', POPT_ARG_NONE, &o.verbose, 0,
		  "print a line for every removal", NULL },
		{ "quiet", 'q', POPT_ARG_NONE, &o.quiet, 0, "print only errors", NULL },
		{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, filter_options(&o.fo), 0,
		  "Which segments:", NULL },
		OPT_STANDARD,
		POPT_TABLEEND
	};
	struct run r = { .o = &o, .procfd = -1, .status = EXIT_OK };
	struct shmkit_reflist *refs = NULL;
	struct shmkit_nsfilter nf;
	struct shmkit_filter f;
	const char **args;
	poptContext con;
	pid_t target;
	size_t n;
	int select, all_ns;

	con = parse_options(argc, argv, table, "[REF...|-]");
	args = operands(con, &n);
	select = check(&o, args, n, &f, &target, &nf, &all_ns);
	/* ftok: paths are the container's, so enter its namespaces first. */
	if (target)
		enter_target(o.fo.target, target, &r.procfd);
	/* Every reference is parsed, stdin read to the end, before anything goes. */
	if (!select)
		refs = collect(args, n);
	drop_caps(keep, ARRAY_SIZE(keep) - !all_ns);

	r.flags = (o.force ? SHMKIT_RM_FORCE : 0) | (o.dry_run ? SHMKIT_RM_DRYRUN : 0);
	if (all_ns)
		remove_everywhere(&r, &f, &nf);
	else if (select)
		remove_selected(&r, &f);
	else
		remove_named(&r, refs);
	shmkit_holders_free(r.h);
	shmkit_reflist_free(refs);
	if (r.procfd >= 0)
		close(r.procfd);
	filter_free(&o.fo);
	return finish(con, r.status);
}

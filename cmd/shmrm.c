/* SPDX-License-Identifier: MIT */
/* shmrm: remove segments by reference, or select leaked ones with shmls's filters; never a held one unless forced. */
#include <sys/capability.h>
#include <sys/types.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
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
	int all, orphans, sysv, posix, force, dry_run, verbose, quiet;
	char *older_than, *user, *name_match, *target;
};

/* One named segment: the reference, the text it came from, its position. */
struct item {
	struct shmkit_ref ref;
	char *text;
	size_t seq;
	int dup;	/* the same reference as an earlier one: skipped */
	int owned;	/* @text was read from standard input */
};

/* What a run needs while it removes. */
struct run {
	const struct opts *o;
	unsigned flags;
	int procfd, scanned;
	struct shmkit_holders *h;
	size_t removed, held, unknown, denied;
	int status;
};

/* Names as shmls --raw prints them: blanks, backslashes and what is not printable ASCII as \\xNN. */
static void escape(const char *s, char *buf, size_t len)
{
	shmkit_format_escape(s, SHMKIT_ESC_BLANK, buf, len);
}

static void ref_text(const struct shmkit_info *info, char *buf, size_t len)
{
	if (info->kind == SHMKIT_SYSV)
		snprintf(buf, len, "%d", info->id);
	else
		escape(info->name, buf, len);
}

/* "1234 (shmattach), 1240 (sleep)", or what is known when none is visible. */
static void holders_text(struct run *r, const struct shmkit_info *info,
			 uint64_t nattch, char *buf, size_t len)
{
	const struct shmkit_holder *x = NULL;
	size_t n = r->h ? shmkit_holders_of(r->h, info, &x) : 0, i, o = 0;
	char comm[80];

	buf[0] = '\0';
	for (i = 0; i < n && o + 1 < len; i++) {
		escape(x[i].comm, comm, sizeof(comm));
		o += (size_t)snprintf(buf + o, len - o, "%s%d (%s)", i ? ", " : "",
				      (int)x[i].pid, comm);
	}
	if (n == 0 && info->kind == SHMKIT_SYSV)
		snprintf(buf, len, "%" PRIu64 " %s of processes not visible here",
			 nattch, PLURAL(nattch, "attachment", "attachments"));
	else if (n == 0)
		snprintf(buf, len, "processes not visible here");
}

static void ensure_scan(struct run *r)
{
	if (r->scanned)
		return;
	r->scanned = 1;
	if (shmkit_holders_scan(r->procfd, &r->h) < 0)
		r->h = NULL;	/* then no POSIX object can be shown to be unheld */
}

/* Why a POSIX object's holders could not all be known. */
static void unknown_text(struct run *r, char *buf, size_t len)
{
	char cap[32] = "CAP_SYS_PTRACE";
	size_t n;

	if (!r->h) {
		snprintf(buf, len, "cannot tell whether it is held: /proc could not be read");
		return;
	}
	n = shmkit_holders_unreadable(r->h);
	(void)shmkit_cap_name(CAP_SYS_PTRACE, cap, sizeof(cap));
	snprintf(buf, len, "cannot tell whether it is held: %zu %s could not be "
		 "examined (you are uid %u %s %s)", n, PLURAL(n, "process", "processes"),
		 (unsigned)geteuid(), shmkit_cap_has(CAP_SYS_PTRACE) > 0 ? "with" :
		 "without", cap);
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
	char ref[4 * SHMKIT_NAME_MAX + 8], who[1024], why[256];
	const char *dry = o->dry_run ? "(dry run) " : "";
	struct shmkit_ref sref = { .kind = info->kind };

	/* Held or not, what you may not remove is reported as such. */
	if ((rc == -EBUSY || rc == -EAGAIN) && !shmkit_may_remove(info))
		rc = -EPERM;
	if (rc == 1 || (rc == -EBUSY && (subject || o->verbose)))
		ensure_scan(r);	/* SysV: only to name the holders */
	ref_text(info, ref, sizeof(ref));
	if (rc == 0) {
		r->removed++;
		if (o->verbose || o->dry_run)
			printf("%sremoved %s\n", dry, ref);
		return;
	}
	if (rc == 1) {
		r->removed++;
		holders_text(r, info, nattch, who, sizeof(who));
		if (o->verbose || o->dry_run)
			printf(info->kind == SHMKIT_SYSV ?
			       "%smarked %s for removal, held by %s\n" :
			       "%sunlinked %s, held by %s\n", dry, ref, who);
		else if (!o->quiet)
			note(info->kind == SHMKIT_SYSV ?
			     "'%s' is held by %s; marked for removal, it goes at the last detach" :
			     "'%s' is held by %s; unlinked, its memory stays until they let go",
			     subject ? subject : ref, who);
		return;
	}
	if (!subject) {
		if (rc == -EBUSY || rc == -EAGAIN) {
			rc == -EBUSY ? r->held++ : r->unknown++;
			if (o->verbose) {
				holders_text(r, info, nattch, who, sizeof(who));
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
		holders_text(r, info, nattch, who, sizeof(who));
		fail("remove", subject, "held by %s; --force %s", who,
		     info->kind == SHMKIT_SYSV ? "marks it for removal" : "unlinks it anyway");
	} else if (rc == -EAGAIN) {
		unknown_text(r, why, sizeof(why));
		fail("remove", subject, "%s; --force unlinks it anyway", why);
	} else {
		if (info->kind == SHMKIT_SYSV) {
			sref.by = SHMKIT_BY_ID;
			sref.id = info->id;
		} else {
			sref.by = SHMKIT_BY_NAME;
			memcpy(sref.name, info->name, sizeof(sref.name));
		}
		fail_rc("remove", subject, &sref, SHMKIT_OP_REMOVE, rc);
	}
}

static void report_selected(const struct shmkit_info *info, int rc,
			    uint64_t nattch, void *payload)
{
	report(payload, info, rc, nattch, NULL);
}

static int cmp_ref(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = shmkit_ref_cmp(&x->ref, &y->ref);

	if (c)
		return c;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_seq(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Appends @text as a reference; @line > 0 says it came from standard input. */
static void add_item(struct item **v, size_t *n, char *text, size_t line)
{
	char shown[4 * 1024];
	struct item *it;
	char *dec;
	int rc;

	*v = reallocarray(*v, *n + 1, sizeof(**v));
	dec = strdup(text);
	if (!*v || !dec) {
		note("out of memory");
		exit(EXIT_FAILED);
	}
	it = &(*v)[*n];
	memset(it, 0, sizeof(*it));
	it->text = text;
	it->owned = line > 0;
	it->seq = (*n)++;
	rc = line ? shmkit_ref_unescape(dec) : 0;
	if (rc == 0)
		rc = shmkit_ref_parse(line ? dec : text, 0, &it->ref);
	free(dec);
	if (rc == 0)
		return;
	escape(text, shown, sizeof(shown));
	if (!line)
		parse_ref(text, 0, &it->ref);	/* exits with its usual message */
	if (rc == -EINVAL || rc == -ERANGE)
		usage_error("invalid segment reference '%s' on line %zu of standard input "
			    "(expected /NAME, 0xKEY, key:N, ID, id:N or ftok:PATH[:PROJ])",
			    shown, line);
	fail("use", shown, "%s", strerror(-rc));
	exit(EXIT_FAILED);
}

/* References from standard input: one a line, blanks and #comments skipped. */
static void read_stdin(struct item **v, size_t *n)
{
	size_t cap = 0, line = 0, len;
	char *buf = NULL, *s, *e;
	ssize_t got;

	while ((got = getline(&buf, &cap, stdin)) >= 0) {
		line++;
		len = (size_t)got;
		if (memchr(buf, '\0', len))
			usage_error("NUL byte on line %zu of standard input", line);
		for (s = buf; *s == ' ' || *s == '\t'; s++)
			;
		for (e = buf + len; e > s && isspace((unsigned char)e[-1]); e--)
			;
		*e = '\0';
		if (*s == '\0' || *s == '#')
			continue;
		s = strdup(s);
		if (!s) {
			note("out of memory");
			exit(EXIT_FAILED);
		}
		add_item(v, n, s, line);
	}
	free(buf);
	if (ferror(stdin)) {
		note("cannot read standard input: %s", strerror(errno));
		exit(EXIT_FAILED);
	}
}

static uint32_t parse_number(const char *text, const char *what, uint32_t max)
{
	uint32_t v;

	if (shmkit_parse_id(text, max, &v) < 0)
		usage_error("invalid %s '%s'", what, text);
	return v;
}

static void summarise(struct run *r)
{
	if (r->o->quiet)
		return;
	if (r->held)
		note("kept %zu %s in use; --force removes %s", r->held,
		     PLURAL(r->held, "segment", "segments"), PLURAL(r->held, "it", "them"));
	if (r->unknown && !r->h)
		note("kept %zu POSIX %s that may be in use: /proc could not be read",
		     r->unknown, PLURAL(r->unknown, "object", "objects"));
	else if (r->unknown)
		note("kept %zu POSIX %s that may be in use: %zu %s could not be examined",
		     r->unknown, PLURAL(r->unknown, "object", "objects"),
		     shmkit_holders_unreadable(r->h),
		     PLURAL(shmkit_holders_unreadable(r->h), "process", "processes"));
	if (r->denied)
		note("skipped %zu %s you may not remove", r->denied,
		     PLURAL(r->denied, "segment", "segments"));
	if (r->o->verbose && r->removed == 0 && !r->held && !r->unknown && !r->denied)
		note("no segment matched");
}

/* --all and the filters: every segment they select, held ones kept. */
static void remove_selected(struct run *r, const struct shmkit_filter *f)
{
	int rc;

	if (f->kinds & SHMKIT_LIST_POSIX)
		ensure_scan(r);
	rc = shmkit_remove_matching(f, r->h, (int64_t)time(NULL), r->flags,
				    report_selected, r);
	if (rc < 0) {
		note("cannot list segments: %s", shmkit_strerror(rc));
		r->status = EXIT_FAILED;
	}
	summarise(r);
}

static void remove_named(struct run *r, struct item *v, size_t n)
{
	struct shmkit_info info;
	uint64_t nattch;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if (v[i].dup)
			continue;
		rc = shmkit_stat(&v[i].ref, &info);
		if (rc < 0) {
			fail_rc("remove", v[i].text, &v[i].ref, SHMKIT_OP_REMOVE, rc);
			r->status = EXIT_FAILED;
			continue;
		}
		if (info.kind == SHMKIT_POSIX)
			ensure_scan(r);
		rc = shmkit_remove_checked(&info, r->h, r->flags, &nattch);
		report(r, &info, rc, nattch, v[i].text);
	}
	if (r->o->verbose && n == 0)
		note("no segment named");
}

int main(int argc, const char **argv)
{
	static const int keep[] = {
		CAP_SYS_ADMIN, CAP_FOWNER, CAP_DAC_OVERRIDE, CAP_IPC_OWNER,
		CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH,
	};
	struct opts o = { 0 };
	struct poptOption table[] = {
		{ "all", 'a', POPT_ARG_NONE, &o.all, 0,
		  "every segment you may remove that nothing holds", NULL },
		{ "orphans", '\0', POPT_ARG_NONE, &o.orphans, 0,
		  "only segments no process holds", NULL },
		{ "older-than", '\0', POPT_ARG_STRING, &o.older_than, 0,
		  "only segments unused for longer than this", "DURATION" },
		{ "user", 'u', POPT_ARG_STRING, &o.user, 0,
		  "only segments this user owns", "USER|UID" },
		{ "sysv", '\0', POPT_ARG_NONE, &o.sysv, 0, "only SysV segments", NULL },
		{ "posix", '\0', POPT_ARG_NONE, &o.posix, 0, "only POSIX objects", NULL },
		{ "name-match", '\0', POPT_ARG_STRING, &o.name_match, 0,
		  "only POSIX objects whose name matches", "GLOB" },
		{ "force", 'f', POPT_ARG_NONE, &o.force, 0,
		  "remove held segments too (SysV: mark for removal)", NULL },
		{ "dry-run", 'n', POPT_ARG_NONE, &o.dry_run, 0,
		  "print what would be removed; change nothing", NULL },
		{ "verbose", 'v', POPT_ARG_NONE, &o.verbose, 0,
		  "print a line for every removal", NULL },
		{ "quiet", 'q', POPT_ARG_NONE, &o.quiet, 0, "print only errors", NULL },
		{ "target", '\0', POPT_ARG_STRING, &o.target, 0,
		  "act in the IPC and mount namespaces of this process", "PID" },
		OPT_STANDARD,
		POPT_TABLEEND
	};
	struct shmkit_filter f = { 0 };
	struct run r = { .o = &o, .procfd = -1 };
	struct item *v = NULL;
	const char **args;
	poptContext con;
	size_t n, nv = 0, i, dashes = 0;
	uint64_t secs;
	pid_t target = 0;
	int select, rc;

	con = parse_options(argc, argv, table, "[REF...|-]");
	args = operands(con, &n);
	select = o.all || o.orphans || o.older_than || o.user || o.name_match;
	if (o.quiet && o.verbose)
		usage_error("--quiet and --verbose cannot be used together");
	if (select && n > 0)
		usage_error("segment references cannot be combined with --all or filters");
	if (!select && (o.sysv || o.posix))
		usage_error("--%s only narrows --all or a filter", o.sysv ? "sysv" : "posix");
	if (!select && n == 0)
		usage_error("missing segment reference");
	f.kinds = (o.sysv ? SHMKIT_LIST_SYSV : 0) | (o.posix ? SHMKIT_LIST_POSIX : 0);
	if (!f.kinds)
		f.kinds = SHMKIT_LIST_ALL;
	f.orphans = o.orphans;
	f.name_glob = o.name_match;
	if (o.older_than) {
		if (shmkit_parse_duration(o.older_than, &secs) < 0)
			usage_error("invalid duration '%s' (expected N, Ns, Nm, Nh, Nd or Nw)",
				    o.older_than);
		f.older_than = secs;
	}
	if (o.user) {
		struct passwd *pw = isdigit((unsigned char)o.user[0]) ? NULL : getpwnam(o.user);

		if (!pw && !isdigit((unsigned char)o.user[0]))
			usage_error("no such user '%s'", o.user);
		f.by_uid = 1;
		f.uid = pw ? pw->pw_uid : (uid_t)parse_number(o.user, "user", UINT32_MAX - 1);
	}
	if (o.target)
		target = (pid_t)parse_number(o.target, "process id", INT32_MAX);
	for (i = 0; i < n; i++)
		dashes += strcmp(args[i], "-") == 0;
	if (dashes > 1)
		usage_error("standard input '-' given more than once");

	/* ftok: paths are the container's, so enter its namespaces first. */
	if (o.target) {
		rc = shmkit_ns_enter(target, &r.procfd);
		if (rc < 0) {
			char cap[32] = "CAP_SYS_ADMIN";

			(void)shmkit_cap_name(CAP_SYS_ADMIN, cap, sizeof(cap));
			if (rc == -EPERM || rc == -EACCES)
				fail("enter the namespaces of", o.target,
				     "permission denied (you are uid %u %s %s)", (unsigned)geteuid(),
				     shmkit_cap_has(CAP_SYS_ADMIN) > 0 ? "with" : "without", cap);
			else
				fail("enter the namespaces of", o.target, "%s",
				     rc == -ESRCH ? "no such process" : strerror(-rc));
			r.status = EXIT_FAILED;
			goto out;
		}
	}
	/* Every reference is parsed, stdin read to the end, before anything goes. */
	for (i = 0; i < n; i++) {
		if (strcmp(args[i], "-") == 0)
			read_stdin(&v, &nv);
		else
			add_item(&v, &nv, (char *)(uintptr_t)args[i], 0);
	}
	if (nv > 1) {
		qsort(v, nv, sizeof(*v), cmp_ref);
		for (i = 1; i < nv; i++) {
			struct item prev = v[i - 1];

			prev.seq = v[i].seq;	/* equal but for the position */
			v[i].dup = cmp_ref(&prev, &v[i]) == 0;
		}
		qsort(v, nv, sizeof(*v), cmp_seq);
	}
	drop_caps(keep, ARRAY_SIZE(keep));

	r.flags = (o.force ? SHMKIT_RM_FORCE : 0) | (o.dry_run ? SHMKIT_RM_DRYRUN : 0);
	r.status = EXIT_OK;
	if (select)
		remove_selected(&r, &f);
	else
		remove_named(&r, v, nv);

out:
	shmkit_holders_free(r.h);
	if (r.procfd >= 0)
		close(r.procfd);
	for (i = 0; i < nv; i++)
		if (v[i].owned)
			free(v[i].text);
	free(v);
	/* popt hands string options over to us. */
	free(o.older_than);
	free(o.user);
	free(o.name_match);
	free(o.target);
	return finish(con, r.status);
}

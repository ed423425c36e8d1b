/* SPDX-License-Identifier: MIT */
/* common.c: messages, exit codes and option plumbing shared by the six programs. */
#include <sys/capability.h>
#include <sys/types.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <popt.h>
#include "common.h"
#include "version.h"

static void vmessage(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", program_invocation_short_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n",
		program_invocation_short_name);
	exit(EXIT_USAGE);
}

void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

void fail(const char *verb, const char *subject, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: cannot %s '%s': ", program_invocation_short_name,
		verb, subject);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void fail_rc(const char *verb, const char *subject, const struct shmkit_ref *ref,
	     enum shmkit_op op, int rc)
{
	struct shmkit_info info;
	char cap[64];
	int c, has;

	if ((rc == -EACCES || rc == -EPERM) && ref && shmkit_stat(ref, &info) == 0) {
		c = shmkit_cap_for(ref->kind, op);
		has = shmkit_cap_has(c);
		if (shmkit_cap_name(c, cap, sizeof(cap)) < 0)
			snprintf(cap, sizeof(cap), "capability %d", c);
		fail(verb, subject,
		     "permission denied (owner uid %u, mode %04o; you are uid %u %s %s)",
		     (unsigned)info.uid, (unsigned)info.mode, (unsigned)geteuid(),
		     has > 0 ? "with" : "without", cap);
		return;
	}
	fail(verb, subject, "%s", shmkit_strerror(rc));
}

/* Why memory locking was refused: the capability, the limit, the size. */
void memlock_failed(const char *subject, int rc, size_t size, uint64_t limit)
{
	char cap[32] = "CAP_IPC_LOCK", lim[32] = "unlimited";
	int has = shmkit_cap_has(CAP_IPC_LOCK);

	(void)shmkit_cap_name(CAP_IPC_LOCK, cap, sizeof(cap));
	if (limit != UINT64_MAX)
		snprintf(lim, sizeof(lim), "%llu bytes", (unsigned long long)limit);
	if (rc == -EPERM || rc == -ENOMEM)
		fail("lock", subject, "%s (%zu bytes to lock, RLIMIT_MEMLOCK is %s; "
		     "you are uid %u %s %s)", strerror(-rc), size, lim, (unsigned)geteuid(),
		     has > 0 ? "with" : "without", cap);
	else
		fail("lock", subject, "%s", shmkit_strerror(rc));
}

struct poptOption help_options[] = {
	{ "help", 'h', POPT_ARG_NONE, NULL, 'h', "show this help and exit", NULL },
	{ "usage", '\0', POPT_ARG_NONE, NULL, 'u', "show a short usage message and exit", NULL },
	POPT_TABLEEND
};

poptContext parse_options(int argc, const char **argv,
			  const struct poptOption *table, const char *operands_help)
{
	poptContext con;
	int rc;

	con = poptGetContext(NULL, argc, argv, table, 0);
	poptSetOtherOptionHelp(con, operands_help);
	while ((rc = poptGetNextOpt(con)) > 0) {
		switch (rc) {
		case 'V':
#ifdef SHMKIT_REVISION
			printf("%s (shmkit) %s (git %s)\n", program_invocation_short_name,
			       SHMKIT_VERSION, SHMKIT_REVISION);
#else
			printf("%s (shmkit) %s\n", program_invocation_short_name,
			       SHMKIT_VERSION);
#endif
			exit(finish(con, EXIT_OK));
		case 'h':
			poptPrintHelp(con, stdout, 0);
			exit(finish(con, EXIT_OK));
		case 'u':
			poptPrintUsage(con, stdout, 0);
			exit(finish(con, EXIT_OK));
		}
	}
	if (rc < -1)
		usage_error("%s: %s", poptBadOption(con, POPT_BADOPTION_NOALIAS),
			    poptStrerror(rc));
	return con;
}

struct poptOption *filter_options(struct filter_opts *fo)
{
	const struct poptOption table[] = {
		{ "orphans", '\0', POPT_ARG_NONE, &fo->orphans, 0,
		  "only segments no process holds", NULL },
		{ "older-than", '\0', POPT_ARG_STRING, &fo->older_than, 0,
		  "only segments unused for DURATION (30s, 2h, 7d)", "DURATION" },
		{ "user", 'u', POPT_ARG_STRING, &fo->user, 0,
		  "only segments owned by USER, a name or uid", "USER" },
		{ "name", '\0', POPT_ARG_STRING, &fo->name, 0,
		  "only POSIX objects whose name matches GLOB", "GLOB" },
		{ "name-match", '\0', POPT_ARG_STRING | POPT_ARGFLAG_DOC_HIDDEN, &fo->name, 0,
		  "the same as --name", "GLOB" },
		{ "sysv", '\0', POPT_ARG_NONE, &fo->sysv, 0, "only SysV segments", NULL },
		{ "posix", '\0', POPT_ARG_NONE, &fo->posix, 0, "only POSIX objects", NULL },
		{ "target", '\0', POPT_ARG_STRING, &fo->target, 0,
		  "only segments in the namespaces of process PID", "PID" },
		{ "all-namespaces", 'A', POPT_ARG_NONE, &fo->all_ns, 0,
		  "every IPC namespace and /dev/shm on the host", NULL },
		{ "namespace", '\0', POPT_ARG_STRING, &fo->ns, 0,
		  "-A, only IPC or mount namespace INODE", "INODE" },
		{ "container", '\0', POPT_ARG_STRING, &fo->container, 0,
		  "-A, only containers whose id starts so", "PREFIX" },
		POPT_TABLEEND
	};

	_Static_assert(sizeof(table) == sizeof(fo->table), "FILTER_NOPTIONS is wrong");
	memcpy(fo->table, table, sizeof(table));
	return fo->table;
}

int filter_given(const struct filter_opts *fo)
{
	return fo->orphans || fo->older_than || fo->user || fo->name;
}

void filter_check(const struct filter_opts *fo, struct shmkit_filter *f, pid_t *target)
{
	uint32_t pid = 0;

	*f = (struct shmkit_filter){
		.kinds = (fo->sysv ? SHMKIT_LIST_SYSV : 0) | (fo->posix ? SHMKIT_LIST_POSIX : 0),
		.orphans = fo->orphans,
		.by_uid = fo->user != NULL,
		.name_glob = fo->name,
	};
	if (!f->kinds)
		f->kinds = SHMKIT_LIST_ALL;
	if (fo->older_than && shmkit_parse_duration(fo->older_than, &f->older_than) < 0)
		usage_error("invalid duration '%s' (expected N, Ns, Nm, Nh, Nd or Nw)",
			    fo->older_than);
	if (fo->user && shmkit_parse_user(fo->user, &f->uid) < 0)
		usage_error("unknown user '%s'", fo->user);
	/* PID 0 names no process: setns(2) would fail later, as "no such process". */
	if (fo->target && (shmkit_parse_id(fo->target, INT32_MAX, &pid) < 0 || pid == 0))
		usage_error("invalid process id '%s'", fo->target);
	*target = (pid_t)pid;
}

int nsfilter_check(const struct filter_opts *fo, struct shmkit_nsfilter *nf)
{
	*nf = (struct shmkit_nsfilter){ .container = fo->container };
	if (!fo->all_ns && !fo->ns && !fo->container)
		return 0;
	if (fo->target)
		usage_error("--target cannot be used with -A, --namespace or --container");
	if (fo->ns) {
		const char *t = fo->ns;
		uint32_t ino = 0;

		/* lsns prints the number; readlink(1) gives ipc:[NUMBER]: take both. */
		if (strncmp(t, "ipc:[", 5) == 0 || strncmp(t, "mnt:[", 5) == 0)
			t += 5;
		if (shmkit_parse_id(strndupa(t, strcspn(t, "]")), UINT32_MAX, &ino) < 0 || !ino ||
		    (t != fo->ns && strcmp(t + strcspn(t, "]"), "]") != 0))
			usage_error("invalid namespace '%s' (expected an inode number, as lsns prints it)",
				    fo->ns);
		nf->ns = (ino_t)ino;
	}
	if (fo->container && !fo->container[0])
		usage_error("empty container id");
	return 1;
}

int nsall_report(const struct shmkit_nsall_notes *nt)
{
	int status = EXIT_OK;
	char cap[32];

	if (nt->scan_rc < 0) {
		note("cannot examine processes: %s", shmkit_strerror(nt->scan_rc));
		status = EXIT_FAILED;
	}
	if (nt->list_rc < 0) {
		note("cannot list segments: %s", shmkit_strerror(nt->list_rc));
		status = EXIT_FAILED;
	}
	if (nt->skipped) {
		if (nt->skip_cap < 0 || shmkit_cap_name(nt->skip_cap, cap, sizeof(cap)) < 0)
			snprintf(cap, sizeof(cap), "CAP_SYS_ADMIN");
		note("skipped %zu %s that you may not enter (you are uid %u without %s)",
		     nt->skipped, nt->skipped == 1 ? "namespace" : "namespaces",
		     (unsigned)geteuid(), cap);
	}
	if (nt->unreadable && shmkit_cap_has(CAP_SYS_PTRACE) <= 0)
		note("%zu %s could not be examined, so their namespaces may be missing "
		     "(you are uid %u without CAP_SYS_PTRACE)", nt->unreadable,
		     nt->unreadable == 1 ? "process" : "processes", (unsigned)geteuid());
	else if (nt->unreadable)
		note("%zu %s could not be examined, so their namespaces may be missing",
		     nt->unreadable, nt->unreadable == 1 ? "process" : "processes");
	return status;
}

void filter_free(struct filter_opts *fo)
{
	free(fo->older_than);
	free(fo->user);
	free(fo->name);
	free(fo->target);
	free(fo->ns);
	free(fo->container);
}

const char **operands(poptContext con, size_t *n)
{
	static const char *none[] = { NULL };
	const char **args = poptGetArgs(con);
	size_t i = 0;

	if (!args)
		args = none;
	while (args[i])
		i++;
	*n = i;
	return args;
}

void parse_ref(const char *text, unsigned flags, struct shmkit_ref *out)
{
	int rc = shmkit_ref_parse(text, flags, out);

	if (rc == -EINVAL || rc == -ERANGE)
		usage_error("invalid segment reference '%s' (expected /NAME, 0xKEY, "
			    "key:N, ID, id:N%s ftok:PATH[:PROJ]%s)", text,
			    (flags & SHMKIT_REF_ALLOW_PRIVATE) ? "," : " or",
			    (flags & SHMKIT_REF_ALLOW_PRIVATE) ? ", or private" : "");
	if (rc < 0) {
		fail("use", text, "%s", strerror(-rc));
		exit(EXIT_FAILED);
	}
}

size_t parse_size(const char *text, unsigned flags, const char *what)
{
	size_t v;

	if (shmkit_parse_size(text, flags, &v) < 0)
		usage_error("invalid %s '%s'", what, text);
	return v;
}

long parse_wait(const char *text)
{
	uint64_t s;

	if (!text)
		return -1;
	if (shmkit_parse_duration(text, &s) < 0 || s > 86400 * 365)
		usage_error("invalid wait '%s'", text);
	return (long)s * 1000;
}

/* Appends to @buf at *@used, never past @len. */
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n < len - *used ? (size_t)n : len - *used - 1;
}

void unreadable_text(const struct shmkit_holders *h, char *buf, size_t len)
{
	static const int caps[] = { CAP_LEASE, CAP_SYS_PTRACE };
	const struct shmkit_unreadable *u;
	size_t n = shmkit_holders_unreadable(h), named, i, used = 0, missing = 0;
	char cap[32];

	named = shmkit_holders_unreadable_list(h, &u);
	buf[0] = '\0';
	append(buf, len, &used, "%zu %s could not be examined (", n,
	       n == 1 ? "process" : "processes");
	for (i = 0; i < named && i < 3; i++)
		append(buf, len, &used, "%s%d%s%s: %s", i ? ", " : "", (int)u[i].pid,
		       u[i].comm[0] ? " " : "", u[i].comm, strerror(u[i].err));
	if (n > i)
		append(buf, len, &used, "%s%zu more", i ? ", " : "", n - i);
	append(buf, len, &used, "; you are uid %u", (unsigned)geteuid());
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		if (shmkit_cap_has(caps[i]) > 0)
			continue;
		if (shmkit_cap_name(caps[i], cap, sizeof(cap)) < 0)
			snprintf(cap, sizeof(cap), "capability %d", caps[i]);
		append(buf, len, &used, "%s%s", missing++ ? " and " : " without ", cap);
	}
	append(buf, len, &used, ")");
}

void drop_caps(const int *keep, size_t n)
{
	/* Failing to drop is no reason to refuse work the kernel will check. */
	(void)shmkit_cap_limit(keep, n);
}

int finish(poptContext con, int status)
{
	if (con)
		poptFreeContext(con);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			note("cannot write standard output: %s", strerror(errno));
		return EXIT_FAILED;
	}
	return status;
}

void enter_target(const char *text, pid_t pid, int *procfd)
{
	int rc = shmkit_ns_enter(pid, procfd), cap;
	char name[32];

	if (rc == 0)
		return;
	cap = rc == -EPERM || rc == -EACCES ? shmkit_ns_cap_missing() : -ENOENT;
	if (cap < 0) {
		fail("enter the namespaces of", text, "%s",
		     rc == -ESRCH ? "no such process" : shmkit_strerror(rc));
		exit(EXIT_FAILED);
	}
	if (shmkit_cap_name(cap, name, sizeof(name)) < 0)
		snprintf(name, sizeof(name), "capability %d", cap);
	fail("enter the namespaces of", text, "permission denied (you are uid %u without %s)",
	     (unsigned)geteuid(), name);
	exit(EXIT_FAILED);
}

/* ------------------------------------------------------------ --progress */

static struct {
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running, stop, tty, drawn;
	struct shmkit_progress *p;
	uint64_t total;
	struct timespec t0;
} prog = { .mu = PTHREAD_MUTEX_INITIALIZER };

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* @b bytes as "512 B", "3.5 MiB" or "120 GiB". */
static void human(double b, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	size_t u = 0;

	while (b >= 1024 && u + 1 < ARRAY_SIZE(unit)) {
		b /= 1024;
		u++;
	}
	snprintf(buf, len, u && b < 10 ? "%.1f %s" : "%.0f %s", b, unit[u]);
}

static void progress_draw(int final)
{
	uint64_t done = atomic_load_explicit(&prog.p->done, memory_order_relaxed);
	double t = seconds_since(&prog.t0), rate = t > 0 ? (double)done / t : 0;
	char line[200], a[32], b[32], r[32];
	int k;

	human((double)done, a, sizeof(a));
	human(rate, r, sizeof(r));
	if (final) {
		k = snprintf(line, sizeof(line), "%s in %.1f s, %s/s", a, t, r);
	} else if (prog.total != UINT64_MAX) {
		double left = rate > 0 && done < prog.total ? (double)(prog.total - done) / rate : 0;
		unsigned long s = (unsigned long)(left + 0.5);

		human((double)prog.total, b, sizeof(b));
		k = snprintf(line, sizeof(line), "%s of %s (%d%%), %s/s, %lu:%02lu:%02lu left",
			     a, b, prog.total ? (int)(done * 100 / prog.total) : 100, r,
			     s / 3600, s / 60 % 60, s % 60);
	} else {
		k = snprintf(line, sizeof(line), "%s, %s/s", a, r);
	}
	if (k < 0)
		return;
	/* \r and erase to the end of the line: one line, redrawn in place */
	fprintf(stderr, prog.tty ? "\r%s: %s\033[K%s" : "%s: %s%s",
		program_invocation_short_name, line, prog.tty && !final ? "" : "\n");
	prog.drawn = prog.tty && !final;
}

static void *progress_thread(void *arg)
{
	struct timespec next = prog.t0;

	(void)arg;
	pthread_mutex_lock(&prog.mu);
	while (!prog.stop) {
		next.tv_sec++;
		if (pthread_cond_timedwait(&prog.cv, &prog.mu, &next) == ETIMEDOUT && !prog.stop)
			progress_draw(0);
	}
	pthread_mutex_unlock(&prog.mu);
	return NULL;
}

void progress_start(struct shmkit_progress *p, uint64_t total)
{
	pthread_condattr_t ca;
	sigset_t all, old;

	prog.p = p;
	prog.total = total;
	prog.tty = isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &prog.t0);
	if (pthread_condattr_init(&ca) != 0)
		return;
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (pthread_cond_init(&prog.cv, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		return;
	}
	pthread_condattr_destroy(&ca);
	/* signals stay the main thread's */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	prog.running = pthread_create(&prog.tid, NULL, progress_thread, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!prog.running)
		pthread_cond_destroy(&prog.cv);
}

void progress_stop(int ok)
{
	if (!prog.p)
		return;
	if (prog.running) {
		pthread_mutex_lock(&prog.mu);
		prog.stop = 1;
		pthread_cond_signal(&prog.cv);
		pthread_mutex_unlock(&prog.mu);
		pthread_join(prog.tid, NULL);
		pthread_cond_destroy(&prog.cv);
		prog.running = 0;
	}
	if (ok)
		progress_draw(1);
	else if (prog.drawn)
		fputc('\n', stderr);
	prog.drawn = 0;
	prog.p = NULL;
}

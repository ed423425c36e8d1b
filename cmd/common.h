/* SPDX-License-Identifier: MIT */
/* common.h: what the six programs share: exit codes, messages, option and operand parsing. */
#ifndef SHMKIT_COMMON_H
#define SHMKIT_COMMON_H

#include <stddef.h>
#include <popt.h>
#include "shmkit.h"

#define EXIT_OK		0	/* everything asked for was done */
#define EXIT_FAILED	1	/* an operation failed (the rest were still done) */
#define EXIT_USAGE	2	/* bad option, operand or input; nothing was done */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Every option table ends with OPT_STANDARD, POPT_TABLEEND: -V/--version
 * and popt's generated help as -h/--help and --usage (popt's own
 * POPT_AUTOHELP spells help -?).
 */
extern struct poptOption help_options[];
#define OPT_STANDARD \
	{ "version", 'V', POPT_ARG_NONE, NULL, 'V', "print the version and exit", NULL }, \
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, help_options, 0, "Help options:", NULL }

/* "PROG: MESSAGE" and the --help hint on stderr, then exit 2. */
void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* "PROG: cannot VERB 'SUBJECT': REASON" on stderr. */
void fail(const char *verb, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * fail() with the reason for a library code: permission denials get the
 * owner, mode, caller and the capability that would allow @op on @ref.
 */
void fail_rc(const char *verb, const char *subject, const struct shmkit_ref *ref,
	     enum shmkit_op op, int rc);

/*
 * "PROG: cannot lock 'SUBJECT': ..." for a refused SHM_LOCK or mlock(2):
 * the error, @size, RLIMIT_MEMLOCK (@limit, UINT64_MAX for unlimited),
 * the caller's uid and whether CAP_IPC_LOCK is held.
 */
void memlock_failed(const char *subject, int rc, size_t size, uint64_t limit);

/*
 * --progress of shmwrite and shmread, as pv shows it: about once a second
 * on stderr, the bytes @p counts so far, with percent and time left when
 * @total (UINT64_MAX: unknown) is, and the rate; on a terminal one line
 * redrawn in place, else one plain line each time. progress_stop() ends
 * it: with @ok a last line (bytes, seconds, rate), else only the line
 * ends, for the error message that follows. Never on stdout.
 */
void progress_start(struct shmkit_progress *p, uint64_t total);
void progress_stop(int ok);

/* "PROG: MESSAGE" on stderr: notes that are not failures. */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Creates the popt context (no config files, no aliases), runs the option
 * loop, handles --version and bad options (exit 2).
 */
poptContext parse_options(int argc, const char **argv,
			  const struct poptOption *table, const char *operands);

/* The remaining operands, NULL-terminated (an empty list when none). */
const char **operands(poptContext con, size_t *n);

/* A segment reference, or exit: 2 on bad syntax, 1 when ftok fails. */
void parse_ref(const char *text, unsigned flags, struct shmkit_ref *out);

/* A size-syntax number for option or operand @what, or exit 2. */
size_t parse_size(const char *text, unsigned flags, const char *what);

/*
 * The options shmls and shmrm share to say which segments, so that both
 * spell, check and answer them alike: their values as typed, and the popt
 * table that fills them. --name-match is kept as an alias of --name (the
 * name shmrm had), hidden from --help; the man pages document it.
 */
#define FILTER_NOPTIONS 12
struct filter_opts {
	int orphans, sysv, posix, all_ns;
	char *older_than, *user, *name, *target, *ns, *container;
	struct poptOption table[FILTER_NOPTIONS];	/* filter_options()'s */
};

/*
 * The table for @fo, to include with POPT_ARG_INCLUDE_TABLE; it points
 * into @fo, so it lives as long as @fo does.
 */
struct poptOption *filter_options(struct filter_opts *fo);

/* Whether an option that selects by itself was given (not --sysv, --posix, --target). */
int filter_given(const struct filter_opts *fo);

/*
 * Fills @f from @fo (both kinds when neither --sysv nor --posix) and
 * *@target with the --target PID, 0 without; a bad duration, user or PID
 * is a usage error (exit 2). @f->name_glob points into @fo.
 */
void filter_check(const struct filter_opts *fo, struct shmkit_filter *f, pid_t *target);

/*
 * -A and the namespace filters: 1 when -A, --namespace or --container was
 * given (the last two imply -A), with @nf filled (pointing into @fo), else
 * 0; a bad inode, or -A with --target, is a usage error (exit 2).
 */
int nsfilter_check(const struct filter_opts *fo, struct shmkit_nsfilter *nf);

/*
 * What -A could not see, on stderr: namespaces skipped for want of
 * privilege, and why /proc or a listing failed. Returns EXIT_FAILED when
 * something failed, else EXIT_OK.
 */
int nsall_report(const struct shmkit_nsall_notes *nt);

/* Frees the strings popt handed over in @fo. */
void filter_free(struct filter_opts *fo);

/*
 * shmread and shmwrite --wait: milliseconds to wait for the lock, -1 (for
 * ever) when @text is NULL; more than a year, or not a duration, is a
 * usage error (exit 2).
 */
long parse_wait(const char *text);

/*
 * What an incomplete holder scan missed, for a message: "2 processes could
 * not be examined (1 systemd: Permission denied, 400 sshd: Permission
 * denied; you are uid 1000 without CAP_LEASE and CAP_SYS_PTRACE)".
 */
void unreadable_text(const struct shmkit_holders *h, char *buf, size_t len);

/* Keeps only these capabilities (see shmkit_cap_limit). */
void drop_caps(const int *keep, size_t n);

/*
 * Enters the IPC and mount namespaces of process @pid (the --target of
 * shmls and shmrm; @text as the user gave it), leaving *@procfd on its
 * /proc; on failure says why, naming the capability missing, and exits 1.
 */
void enter_target(const char *text, pid_t pid, int *procfd);

/* Flushes stdout; on failure says so. Returns the exit status to use. */
int finish(poptContext con, int status);

#endif /* SHMKIT_COMMON_H */

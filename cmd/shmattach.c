/* SPDX-License-Identifier: MIT */
/* shmattach: attach a segment and hold it, or run a command while it is held. */
#include <sys/capability.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <popt.h>
#include "common.h"
#include "shmkit.h"

/* Waits for SIGINT/SIGTERM, or @timeout seconds when it is not 0. */
static void hold(const sigset_t *set, uint64_t timeout)
{
	struct timespec ts = { .tv_sec = (time_t)timeout };

	if (timeout == 0) {
		while (sigwaitinfo(set, NULL) < 0 && errno == EINTR)
			;
		return;
	}
	while (sigtimedwait(set, NULL, &ts) < 0 && errno == EINTR)
		;
}

/* Runs @argv while attached; forwards SIGINT/SIGTERM; returns its status. */
static int run(const char **argv, size_t argc, const char *ref, const sigset_t *set)
{
	siginfo_t si;
	char **cmd;
	size_t i;
	pid_t pid;
	int wstatus;

	setenv("SHMKIT_REF", ref, 1);
	pid = fork();
	if (pid < 0) {
		fail("run", argv[0], "%s", strerror(errno));
		return EXIT_FAILED;
	}
	if (pid == 0) {
		sigprocmask(SIG_UNBLOCK, set, NULL);
		cmd = calloc(argc + 1, sizeof(*cmd));
		for (i = 0; cmd && i < argc; i++)
			cmd[i] = strdup(argv[i]);
		if (cmd)
			execvp(argv[0], cmd);
		fail("run", argv[0], "%s", strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	for (;;) {
		if (sigwaitinfo(set, &si) < 0)
			continue;
		if (si.si_signo == SIGINT || si.si_signo == SIGTERM) {
			kill(pid, si.si_signo);
			continue;
		}
		if (waitpid(pid, &wstatus, WNOHANG) == pid)
			break;
	}
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return WEXITSTATUS(wstatus);
}

/* Opens and attaches the segment, then with -p faults it in; says why not. */
static int attach(const struct shmkit_ref *ref, const char *text, unsigned flags,
		  int populate, struct shmkit_seg **seg)
{
	int rc = shmkit_seg_open(ref, flags, seg);

	if (rc == 0)
		rc = shmkit_seg_attach(*seg, flags);
	if (rc < 0) {
		fail_rc("attach", text, ref,
			flags & SHMKIT_RDONLY ? SHMKIT_OP_READ : SHMKIT_OP_WRITE, rc);
		return rc;
	}
	if (populate && (rc = shmkit_seg_populate(*seg)) < 0)
		fail("populate", text, "%s", shmkit_strerror(rc));
	return rc;
}

/*
 * -L: locks the pages in memory, or says why not. *@locked says whether
 * to unlock at the end: a SysV lock outlives us, so only one we made.
 */
static int lock_pages(struct shmkit_seg *seg, const char *text, int *locked)
{
	struct shmkit_info info;
	uint64_t limit;
	int rc;

	*locked = shmkit_seg_ref(seg)->kind == SHMKIT_POSIX ||
		  (shmkit_stat(shmkit_seg_ref(seg), &info) == 0 &&
		   !(info.status & SHMKIT_ST_LOCKED));
	rc = shmkit_seg_memlock(seg, &limit);
	if (rc < 0)
		memlock_failed(text, rc, shmkit_seg_size(seg), limit);
	return rc;
}

/*
 * Stays attached: while COMMAND runs (the operands after REF), or until
 * SIGINT, SIGTERM or the timeout. Returns the exit status.
 */
static int stay(struct shmkit_seg *seg, const char **args, size_t n, int rdonly,
		uint64_t timeout)
{
	char ref_text[SHMKIT_NAME_MAX + 2];
	sigset_t set;

	shmkit_ref_format(shmkit_seg_ref(seg), ref_text, sizeof(ref_text));
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (n > 1) {
		fflush(stdout);
		return run(args + 1, n - 1, ref_text, &set);
	}
	sigdelset(&set, SIGCHLD);
	if (timeout)
		note("attached '%s' (%zu bytes, %s); detaching in %llu second%s",
		     args[0], shmkit_seg_size(seg), rdonly ? "read-only" : "read-write",
		     (unsigned long long)timeout, timeout == 1 ? "" : "s");
	else
		note("attached '%s' (%zu bytes, %s); waiting for SIGINT or SIGTERM",
		     args[0], shmkit_seg_size(seg), rdonly ? "read-only" : "read-write");
	hold(&set, timeout);
	return EXIT_OK;
}

int main(int argc, const char **argv)
{
	static const int keep[] = { CAP_IPC_OWNER, CAP_DAC_OVERRIDE, CAP_IPC_LOCK };
	char *timeout_text = NULL;
	int rdonly = 0, lock = 0, populate = 0, locked = 0, status;
	struct poptOption table[] = {
		{ "read-only", 'r', POPT_ARG_NONE, &rdonly, 0,
		  "attach read-only", NULL },
		{ "lock", 'L', POPT_ARG_NONE, &lock, 0,
		  "lock the pages in memory while attached (SHM_LOCK, mlock)", NULL },
		{ "populate", 'p', POPT_ARG_NONE, &populate, 0,
		  "fault every page in now", NULL },
		{ "timeout", 't', POPT_ARG_STRING, &timeout_text, 0,
		  "detach after this long (30, 30s, 15m, 2h, 1d)", "SECONDS" },
		OPT_STANDARD,
		POPT_TABLEEND
	};
	struct shmkit_seg *seg = NULL;
	struct shmkit_ref ref;
	uint64_t timeout = 0;
	const char **args;
	poptContext con;
	size_t n;

	con = parse_options(argc, argv, table, "REF [-- COMMAND [ARG...]]");
	args = operands(con, &n);
	if (n < 1)
		usage_error("missing segment reference");
	if (timeout_text && (shmkit_parse_duration(timeout_text, &timeout) < 0 ||
			     timeout == 0))
		usage_error("invalid timeout '%s'", timeout_text);
	if (timeout_text && n > 1)
		usage_error("--timeout cannot be used with a command");
	parse_ref(args[0], 0, &ref);
	drop_caps(keep, ARRAY_SIZE(keep));

	if (attach(&ref, args[0], rdonly ? SHMKIT_RDONLY : 0, populate, &seg) < 0 ||
	    (lock && lock_pages(seg, args[0], &locked) < 0)) {
		shmkit_seg_close(seg);
		return finish(con, EXIT_FAILED);
	}
	status = stay(seg, args, n, rdonly, timeout);
	if (locked)
		(void)shmkit_seg_memunlock(seg);
	shmkit_seg_close(seg);
	return finish(con, status);
}

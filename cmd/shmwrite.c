/* SPDX-License-Identifier: MIT */
/* shmwrite: copy standard input or a file into a segment, under the shmkit lock. */
#include <sys/capability.h>
#include <sys/types.h>
#include <errno.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <popt.h>
#include "common.h"
#include "shmkit.h"

/* Turns a shmkit_write_fd() failure into its one-line message. */
static void explain(const char *text, const struct shmkit_ref *ref, int rc,
		    const struct shmkit_write_opts *o, const struct shmkit_write_result *r,
		    const char *wait_text)
{
	char where[64] = "", comm[64] = "", path[64];
	FILE *f;

	if (r->input_errno) {
		fail("write", text, "cannot read input after %zu bytes: %s%s", r->done,
		     strerror(r->input_errno), r->created ? "; removed the new segment" : "");
	} else if (rc == -SHMKIT_ENOFIT) {
		if (o->offset)
			snprintf(where, sizeof(where), " at offset %zu", o->offset);
		fail("write", text, "input is %llu bytes%s%s but the segment holds %zu; "
		     "nothing written", (unsigned long long)r->input,
		     (o->flags & SHMKIT_WRITE_NUL) ? " plus a NUL" : "", where, r->size);
	} else if (rc == -SHMKIT_EPASTEND) {
		fail("write", text, "offset %zu is past the end of the segment (%zu bytes)",
		     o->offset, r->size);
	} else if (rc == -EFBIG) {
		fail("write", text, "input is larger than the segment; wrote the first %zu bytes",
		     r->done);
	} else if (rc == -EOVERFLOW) {
		fail("write", text, "no room for the terminating NUL; wrote %zu bytes", r->done);
	} else if (rc == -ETIMEDOUT) {
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)r->holder);
		if (r->holder > 0 && (f = fopen(path, "re"))) {
			if (fgets(comm, sizeof(comm), f))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
		if (r->holder > 0)
			fail("write", text, "still locked after %s s: held by pid %d (%s)",
			     wait_text, (int)r->holder, comm);
		else
			fail("write", text, "still locked after %s s by a process that could "
			     "not be identified", wait_text);
	} else if (rc == -EINVAL && (o->flags & SHMKIT_WRITE_CREATE) && ref->kind == SHMKIT_SYSV) {
		fail("create", text, "the input's length is not known in advance; "
		     "give the size with -s");
	} else if (rc == -ENOSPC && !r->created && r->input == UINT64_MAX &&
		   (o->flags & SHMKIT_WRITE_GROW)) {
		fail("write", text, "%s after %zu bytes; the segment keeps them",
		     strerror(ENOSPC), r->done);
	} else if (rc == -ENOSPC) {
		fail("write", text, "%s; %s", strerror(ENOSPC),
		     r->created ? "removed the new segment" : "nothing written");
	} else {
		fail_rc("write", text, ref, SHMKIT_OP_WRITE, rc);
	}
}

/* FILE, or standard input without one or for '-'; -1 when it cannot be opened, said why. */
static int open_input(const char **args, size_t n)
{
	int fd;

	if (n < 2 || strcmp(args[1], "-") == 0)
		return STDIN_FILENO;
	fd = open(args[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail("open", args[1], "%s", strerror(errno));
	return fd;
}

/* The bytes left in a regular file from its offset, else UINT64_MAX: unknown. */
static uint64_t input_left(int fd)
{
	struct stat st;
	off_t at;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (at = lseek(fd, 0, SEEK_CUR)) < 0)
		return UINT64_MAX;
	return st.st_size > at ? (uint64_t)(st.st_size - at) : 0;
}

int main(int argc, const char **argv)
{
	/*
	 * CAP_SYS_PTRACE: /proc/PID/fdinfo, to name who holds the lock.
	 * CAP_CHECKPOINT_RESTORE: /proc/self/map_files, to write a SysV
	 * segment through an fd (twice as fast; it grants nothing that
	 * CAP_SYS_PTRACE does not).
	 */
	static const int keep[] = { CAP_IPC_OWNER, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH,
				    CAP_SYS_PTRACE, CAP_CHECKPOINT_RESTORE };
	char *offset_text = NULL, *size_text = NULL, *mode_text = NULL, *wait_text = NULL;
	int string = 0, create = 0, grow = 0, nolock = 0, verbose = 0, progress = 0;
	int fd, rc, status = EXIT_FAILED;
	struct poptOption table[] = {
		{ "create", 'c', POPT_ARG_NONE, &create, 0,
		  "create the segment if it does not exist", NULL },
		{ "grow", '\0', POPT_ARG_NONE, &grow, 0,
		  "extend a POSIX object to fit the input", NULL },
		{ "size", 's', POPT_ARG_STRING, &size_text, 0,
		  "with -c: size of a new System V segment", "SIZE" },
		{ "mode", 'm', POPT_ARG_STRING, &mode_text, 0,
		  "with -c: permission bits (default 0600)", "OCTAL" },
		{ "offset", 'o', POPT_ARG_STRING, &offset_text, 0,
		  "start writing N bytes into the segment", "N" },
		{ "string", 'z', POPT_ARG_NONE, &string, 0,
		  "append a NUL byte after the data", NULL },
		{ "no-lock", '\0', POPT_ARG_NONE, &nolock, 0,
		  "do not take the shmkit write lock", NULL },
		{ "wait", 'w', POPT_ARG_STRING, &wait_text, 0,
		  "wait at most this long for the lock (default: forever)", "SECONDS" },
		{ "verbose", 'v', POPT_ARG_NONE, &verbose, 0,
		  "report the bytes written on standard error", NULL },
		{ "progress", '\0', POPT_ARG_NONE, &progress, 0,
		  "show bytes, rate and time left on standard error", NULL },
		OPT_STANDARD,
		POPT_TABLEEND
	};
	struct shmkit_write_opts o = { .mode = 0600, .wait_ms = -1 };
	struct shmkit_write_result r;
	struct shmkit_progress counted = { 0 };
	struct shmkit_ref ref;
	const char **args;
	poptContext con;
	size_t n;

	con = parse_options(argc, argv, table, "REF [FILE]");
	args = operands(con, &n);
	if (n < 1)
		usage_error("missing segment reference");
	if (n > 2)
		usage_error("unexpected argument '%s'", args[2]);
	if (offset_text)
		o.offset = parse_size(offset_text, SHMKIT_SIZE_ZERO_OK, "offset");
	if (size_text)
		o.size = parse_size(size_text, 0, "size");
	if (mode_text && shmkit_parse_mode(mode_text, &o.mode) < 0)
		usage_error("invalid mode '%s' (expected octal 0 to 0777)", mode_text);
	o.wait_ms = parse_wait(wait_text);
	parse_ref(args[0], 0, &ref);
	if (grow && ref.kind == SHMKIT_SYSV)
		usage_error("--grow works only for POSIX objects: System V segments cannot grow");
	if ((size_text || mode_text) && !create)
		usage_error("%s needs -c", size_text ? "--size" : "--mode");
	if (size_text && ref.kind == SHMKIT_POSIX)
		usage_error("--size is for System V segments; a POSIX object grows to fit");
	if (nolock && wait_text)
		usage_error("--wait cannot be used with --no-lock");
	o.flags = (create ? SHMKIT_WRITE_CREATE : 0) | (grow ? SHMKIT_WRITE_GROW : 0) |
		  (string ? SHMKIT_WRITE_NUL : 0) | (nolock ? SHMKIT_WRITE_NOLOCK : 0);
	drop_caps(keep, ARRAY_SIZE(keep));

	if ((fd = open_input(args, n)) < 0)
		return finish(con, EXIT_FAILED);
	if (progress) {
		o.progress = &counted;
		progress_start(&counted, input_left(fd));
	}
	rc = shmkit_write_fd(&ref, fd, &o, &r);
	progress_stop(rc == 0);
	if (rc < 0) {
		explain(args[0], &ref, rc, &o, &r, wait_text);
	} else {
		status = EXIT_OK;
		if (verbose)
			note("wrote %zu bytes%s to '%s'%s", r.done, string ? " and a NUL" : "",
			     args[0], r.created ? " (created it)" : "");
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return finish(con, status);
}

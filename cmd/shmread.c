/* SPDX-License-Identifier: MIT */
/* shmread: copy a segment's bytes, or a hex dump of them, to standard output. */
#include <sys/capability.h>
#include <sys/types.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <popt.h>
#include "common.h"
#include "shmkit.h"

#define BLOCK 65536

static struct shmkit_progress counted;	/* --progress */

/* Lines of 16 bytes as hexdump -C prints them; a repeated line becomes '*'. */
static int hexdump(struct shmkit_seg *seg, size_t offset, size_t length)
{
	unsigned char *buf = malloc(BLOCK), prev[16];
	size_t pos = 0, i, j, k;
	int star = 0, have_prev = 0;
	ssize_t got;

	if (!buf)
		return -ENOMEM;
	while (pos < length) {
		got = shmkit_seg_pread(seg, buf, length - pos < BLOCK ? length - pos : BLOCK,
				       offset + pos);
		if (got <= 0) {
			free(buf);
			return got < 0 ? (int)got : -SHMKIT_ESHRUNK;
		}
		for (i = 0; i < (size_t)got; i += 16) {
			k = (size_t)got - i < 16 ? (size_t)got - i : 16;
			if (have_prev && k == 16 && memcmp(prev, buf + i, 16) == 0) {
				if (!star)
					puts("*");
				star = 1;
				continue;
			}
			star = 0;
			printf("%08zx ", offset + pos + i);
			for (j = 0; j < 16; j++)
				printf(j < k ? "%s %02x" : "%s   ", j == 8 ? " " : "", buf[i + j]);
			printf("  |");
			for (j = 0; j < k; j++)
				putchar(buf[i + j] >= 0x20 && buf[i + j] < 0x7f ? buf[i + j] : '.');
			puts("|");
			memcpy(prev, buf + i, k);
			have_prev = k == 16;
		}
		pos += (size_t)got;
		atomic_fetch_add_explicit(&counted.done, (uint64_t)got, memory_order_relaxed);
	}
	if (length > 0)
		printf("%08zx\n", offset + length);
	free(buf);
	return 0;
}

/* The length up to the first NUL in the range, or the whole range. */
static int until_nul(struct shmkit_seg *seg, size_t offset, size_t *length)
{
	char *buf = malloc(BLOCK);
	const char *p;
	size_t pos = 0;
	ssize_t got;

	if (!buf)
		return -ENOMEM;
	while (pos < *length) {
		got = shmkit_seg_pread(seg, buf, *length - pos < BLOCK ? *length - pos : BLOCK,
				       offset + pos);
		if (got <= 0) {
			free(buf);
			return got < 0 ? (int)got : -SHMKIT_ESHRUNK;
		}
		p = memchr(buf, '\0', (size_t)got);
		if (p) {
			*length = pos + (size_t)(p - buf);
			break;
		}
		pos += (size_t)got;
	}
	free(buf);
	return 0;
}

/* The read lock is still held after --wait: say by whom, if that can be told. */
static void still_locked(struct shmkit_seg *seg, const char *text, const char *wait_text)
{
	char comm[64] = "?", path[64];
	pid_t holder;
	FILE *f;

	if (shmkit_seg_lock_holder(seg, SHMKIT_LOCK_READ, &holder) != 0) {
		fail("read", text, "still locked after %s s by a process that "
		     "could not be identified", wait_text);
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)holder);
	if ((f = fopen(path, "re"))) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	fail("read", text, "still locked after %s s: held by pid %d (%s)",
	     wait_text, (int)holder, comm);
}

/*
 * Opens the segment, takes the read lock (waiting @wait_ms, -1 forever)
 * unless @nolock, and attaches a SysV one; says why not.
 */
static int open_locked(const struct shmkit_ref *ref, const char *text, int nolock,
		       long wait_ms, const char *wait_text, struct shmkit_seg **seg)
{
	int rc = shmkit_seg_open(ref, SHMKIT_RDONLY, seg);

	if (rc == 0 && !nolock) {
		rc = shmkit_seg_lock(*seg, SHMKIT_LOCK_READ, wait_ms);
		if (rc == -ETIMEDOUT) {
			still_locked(*seg, text, wait_text);
			return rc;
		}
	}
	if (rc == 0 && ref->kind == SHMKIT_SYSV)
		rc = shmkit_seg_attach(*seg, SHMKIT_RDONLY);
	if (rc < 0)
		fail_rc("read", text, ref, SHMKIT_OP_READ, rc);
	return rc;
}

/* The range to standard output, as it is or as a hex dump. Returns 0 or -errno. */
static int copy(struct shmkit_seg *seg, int hex, size_t offset, size_t length, size_t *done)
{
	int rc;

	if (!hex)
		return shmkit_seg_copy_out(seg, STDOUT_FILENO, offset, length, done);
	rc = hexdump(seg, offset, length);
	if (rc == 0 && fflush(stdout) != 0) {
		rc = -errno;
		if (rc == -EPIPE)
			clearerr(stdout);
	}
	return rc;
}

int main(int argc, const char **argv)
{
	/*
	 * CAP_SYS_PTRACE: /proc/PID/fdinfo, to name who holds the lock.
	 * CAP_CHECKPOINT_RESTORE: /proc/self/map_files, to splice a SysV
	 * segment from an fd (it grants nothing that CAP_SYS_PTRACE does not).
	 */
	static const int keep[] = { CAP_IPC_OWNER, CAP_DAC_OVERRIDE, CAP_SYS_PTRACE,
				    CAP_CHECKPOINT_RESTORE };
	char *offset_text = NULL, *length_text = NULL, *wait_text = NULL;
	int string = 0, hex = 0, nolock = 0, progress = 0, rc, status = EXIT_FAILED;
	struct poptOption table[] = {
		{ "offset", 'o', POPT_ARG_STRING, &offset_text, 0,
		  "start N bytes into the segment", "N" },
		{ "length", 'l', POPT_ARG_STRING, &length_text, 0,
		  "read at most N bytes", "N" },
		{ "string", 'z', POPT_ARG_NONE, &string, 0,
		  "stop at the first NUL byte", NULL },
		{ "hex", 'x', POPT_ARG_NONE, &hex, 0,
		  "print a hex dump with offsets and an ASCII column", NULL },
		{ "no-lock", '\0', POPT_ARG_NONE, &nolock, 0,
		  "do not take the shmkit read lock", NULL },
		{ "wait", 'w', POPT_ARG_STRING, &wait_text, 0,
		  "wait at most this long for the lock (default: forever)", "SECONDS" },
		{ "progress", '\0', POPT_ARG_NONE, &progress, 0,
		  "show bytes, rate and time left on standard error", NULL },
		OPT_STANDARD,
		POPT_TABLEEND
	};
	size_t n, offset = 0, length = 0, size, done = 0;
	struct shmkit_seg *seg = NULL;
	struct shmkit_ref ref;
	const char **args;
	poptContext con;
	long wait_ms;

	con = parse_options(argc, argv, table, "REF");
	args = operands(con, &n);
	if (n < 1)
		usage_error("missing segment reference");
	if (n > 1)
		usage_error("unexpected argument '%s'", args[1]);
	if (offset_text)
		offset = parse_size(offset_text, SHMKIT_SIZE_ZERO_OK, "offset");
	if (length_text)
		length = parse_size(length_text, SHMKIT_SIZE_ZERO_OK, "length");
	wait_ms = parse_wait(wait_text);
	if (nolock && wait_text)
		usage_error("--wait cannot be used with --no-lock");
	parse_ref(args[0], 0, &ref);
	drop_caps(keep, ARRAY_SIZE(keep));

	if (open_locked(&ref, args[0], nolock, wait_ms, wait_text, &seg) < 0)
		goto out;
	size = shmkit_seg_size(seg);
	if (!length_text)
		length = offset <= size ? size - offset : 0;
	if (offset > size || length > size - offset) {
		fail("read", args[0],
		     "range offset %zu length %zu is past the end of the segment (%zu bytes)",
		     offset, length, size);
		goto out;
	}
	/* A reader that goes away early is not our failure: end quietly. */
	signal(SIGPIPE, SIG_IGN);
	rc = string ? until_nul(seg, offset, &length) : 0;
	if (rc == 0 && progress) {
		shmkit_seg_set_progress(seg, &counted);
		progress_start(&counted, length);
	}
	if (rc == 0)
		rc = copy(seg, hex, offset, length, &done);
	if (progress)
		progress_stop(rc == 0 || rc == -EPIPE);
	if (rc == 0 || rc == -EPIPE)
		status = EXIT_OK;
	else if (rc == -SHMKIT_ESHRUNK)
		fail("read", args[0], "%s (%zu of %zu bytes written)", shmkit_strerror(rc),
		     done, length);
	else
		note("cannot write standard output: %s", strerror(-rc));
	(void)shmkit_seg_unlock(seg);
out:
	shmkit_seg_close(seg);
	return finish(con, status);
}

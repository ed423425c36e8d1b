/* SPDX-License-Identifier: MIT */
/* shmread: copy a segment's bytes to standard output. */
#include <sys/capability.h>
#include <sys/types.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <popt.h>
#include "common.h"
#include "shmkit.h"

int main(int argc, const char **argv)
{
	static const int keep[] = { CAP_IPC_OWNER, CAP_DAC_OVERRIDE };
	char *offset_text = NULL, *length_text = NULL;
	int string = 0, rc, status = EXIT_OK;
	struct poptOption table[] = {
		{ "offset", 'o', POPT_ARG_STRING, &offset_text, 0,
		  "start N bytes into the segment", "N" },
		{ "length", 'l', POPT_ARG_STRING, &length_text, 0,
		  "read at most N bytes", "N" },
		{ "string", 'z', POPT_ARG_NONE, &string, 0,
		  "stop at the first NUL byte", NULL },
		OPT_STANDARD,
		POPT_TABLEEND
	};
	size_t n, offset = 0, length = 0, size;
	struct shmkit_seg *seg = NULL;
	struct shmkit_ref ref;
	const char **args;
	poptContext con;
	const char *p;

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
	parse_ref(args[0], 0, &ref);
	drop_caps(keep, ARRAY_SIZE(keep));

	rc = shmkit_seg_open(&ref, SHMKIT_RDONLY, &seg);
	if (rc == 0)
		rc = shmkit_seg_attach(seg, SHMKIT_RDONLY);
	if (rc < 0) {
		fail_rc("read", args[0], &ref, SHMKIT_OP_READ, rc);
		shmkit_seg_close(seg);
		return finish(con, EXIT_FAILED);
	}
	size = shmkit_seg_size(seg);
	if (!length_text)
		length = offset <= size ? size - offset : 0;
	if (offset > size || length > size - offset) {
		fail("read", args[0],
		     "range offset %zu length %zu is past the end of the segment (%zu bytes)",
		     offset, length, size);
		shmkit_seg_close(seg);
		return finish(con, EXIT_FAILED);
	}
	if (string && length > 0) {
		p = memchr((const char *)shmkit_seg_addr(seg) + offset, '\0', length);
		if (p)
			length = (size_t)(p - ((const char *)shmkit_seg_addr(seg) + offset));
	}
	/* A reader that goes away early is not our failure: end quietly. */
	signal(SIGPIPE, SIG_IGN);
	rc = shmkit_seg_read_fd(seg, STDOUT_FILENO, offset, length);
	if (rc < 0 && rc != -EPIPE) {
		note("cannot write standard output: %s", strerror(-rc));
		status = EXIT_FAILED;
	}
	shmkit_seg_close(seg);
	return finish(con, status);
}

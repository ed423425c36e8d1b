/* SPDX-License-Identifier: MIT */
/* shmwrite: copy standard input or a file into a segment. */
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <popt.h>
#include "common.h"
#include "shmkit.h"

/* Input of known length must fit before a byte is written. */
static int check_fits(const char *text, int fd, size_t offset, int string,
		      size_t size)
{
	char where[64] = "";
	struct stat st;
	off_t pos;
	size_t len;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	pos = lseek(fd, 0, SEEK_CUR);
	len = (size_t)(st.st_size - (pos > 0 && pos < st.st_size ? pos : 0));
	if (offset <= size && len + (size_t)string <= size - offset)
		return 0;
	if (offset)
		snprintf(where, sizeof(where), " at offset %zu", offset);
	fail("write", text, "input is %zu bytes%s%s but the segment holds %zu; "
	     "nothing written", len, string ? " plus a NUL" : "", where, size);
	return -1;
}

int main(int argc, const char **argv)
{
	static const int keep[] = { CAP_IPC_OWNER, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH };
	char *offset_text = NULL;
	int string = 0, fd = STDIN_FILENO, rc, status = EXIT_FAILED;
	struct poptOption table[] = {
		{ "offset", 'o', POPT_ARG_STRING, &offset_text, 0,
		  "start writing N bytes into the segment", "N" },
		{ "string", 'z', POPT_ARG_NONE, &string, 0,
		  "append a NUL byte after the data", NULL },
		OPT_STANDARD,
		POPT_TABLEEND
	};
	struct shmkit_seg *seg = NULL;
	size_t n, offset = 0, size, done = 0;
	struct shmkit_ref ref;
	const char **args;
	poptContext con;

	con = parse_options(argc, argv, table, "REF [FILE]");
	args = operands(con, &n);
	if (n < 1)
		usage_error("missing segment reference");
	if (n > 2)
		usage_error("unexpected argument '%s'", args[2]);
	if (offset_text)
		offset = parse_size(offset_text, SHMKIT_SIZE_ZERO_OK, "offset");
	parse_ref(args[0], 0, &ref);
	drop_caps(keep, ARRAY_SIZE(keep));

	if (n == 2 && strcmp(args[1], "-") != 0) {
		fd = open(args[1], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fail("open", args[1], "%s", strerror(errno));
			return finish(con, EXIT_FAILED);
		}
	}
	rc = shmkit_seg_open(&ref, 0, &seg);
	if (rc == 0)
		rc = shmkit_seg_attach(seg, 0);
	if (rc < 0) {
		fail_rc("write", args[0], &ref, SHMKIT_OP_WRITE, rc);
		goto out;
	}
	size = shmkit_seg_size(seg);
	if (offset > size) {
		fail("write", args[0], "offset %zu is past the end of the segment (%zu bytes)",
		     offset, size);
		goto out;
	}
	if (check_fits(args[0], fd, offset, string, size) < 0)
		goto out;
	rc = shmkit_seg_write_fd(seg, fd, offset, &done);
	if (rc == -EFBIG) {
		fail("write", args[0], "input is larger than the segment; wrote the first %zu bytes",
		     done);
		goto out;
	}
	if (rc < 0) {
		fail("write", args[0], "cannot read input after %zu bytes: %s", done,
		     strerror(-rc));
		goto out;
	}
	if (string) {
		if (offset + done >= size) {
			fail("write", args[0], "no room for the terminating NUL; wrote %zu bytes",
			     done);
			goto out;
		}
		((char *)shmkit_seg_addr(seg))[offset + done] = '\0';
	}
	status = EXIT_OK;
out:
	shmkit_seg_close(seg);
	if (fd != STDIN_FILENO)
		close(fd);
	return finish(con, status);
}

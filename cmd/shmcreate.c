/* SPDX-License-Identifier: MIT */
/* shmcreate: create a SysV segment or POSIX object and print its reference. */
#include <sys/capability.h>
#include <sys/types.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>
#include <popt.h>
#include "common.h"
#include "shmkit.h"

/* Why it could not be created: with -e, one that exists but is too small says its size. */
static void create_failed(const char *text, const struct shmkit_ref *ref, int rc)
{
	struct shmkit_info info;

	if (rc == -SHMKIT_ETOOSMALL && shmkit_stat(ref, &info) == 0)
		fail("create", text, "segment exists but holds only %llu bytes",
		     (unsigned long long)info.size);
	else
		fail_rc("create", text, ref, SHMKIT_OP_CREATE, rc);
}

/* -p and -L on the new or reused segment; says what failed. Returns 0 or -errno. */
static int prepare(struct shmkit_seg *seg, const char *text, const char *ref_text,
		   int populate, int lock, int created)
{
	uint64_t limit;
	int rc = 0;

	if (populate) {
		rc = shmkit_seg_attach(seg, 0);
		if (rc == 0)
			rc = shmkit_seg_populate(seg);
		if (rc < 0)
			fail("populate", text, "%s%s", shmkit_strerror(rc),
			     created ? "; removed it" : "");
	}
	if (rc >= 0 && lock && (rc = shmkit_seg_memlock(seg, &limit)) < 0) {
		memlock_failed(text, rc, shmkit_seg_size(seg), limit);
		if (created)
			note("removed the new segment '%s' again", ref_text);
	}
	return rc;
}

int main(int argc, const char **argv)
{
	static const int keep[] = { CAP_IPC_OWNER, CAP_DAC_OVERRIDE, CAP_IPC_LOCK };
	char *mode_text = NULL, ref_text[SHMKIT_NAME_MAX + 2];
	int reuse = 0, populate = 0, hugetlb = 0, lock = 0, rc;
	struct poptOption table[] = {
		{ "mode", 'm', POPT_ARG_STRING, &mode_text, 0,
		  "permission bits (default 0600)", "OCTAL" },
		{ "reuse", 'e', POPT_ARG_NONE, &reuse, 0,
		  "succeed if it exists and holds at least SIZE bytes", NULL },
		{ "populate", 'p', POPT_ARG_NONE, &populate, 0,
		  "allocate and fault in every page now", NULL },
		{ "hugetlb", 'H', POPT_ARG_NONE, &hugetlb, 0,
		  "System V: use huge pages (SHM_HUGETLB)", NULL },
		{ "lock", 'L', POPT_ARG_NONE, &lock, 0,
		  "System V: lock the pages in memory (SHM_LOCK)", NULL },
		OPT_STANDARD,
		POPT_TABLEEND
	};
	struct shmkit_seg *seg;
	struct shmkit_ref ref;
	int created;
	mode_t mode = 0600;
	poptContext con;
	const char **args;
	size_t n, size;

	con = parse_options(argc, argv, table, "REF SIZE");
	args = operands(con, &n);
	if (n < 1)
		usage_error("missing segment reference");
	if (n < 2)
		usage_error("missing size");
	if (n > 2)
		usage_error("unexpected argument '%s'", args[2]);
	if (mode_text && shmkit_parse_mode(mode_text, &mode) < 0)
		usage_error("invalid mode '%s' (expected octal 0 to 0777)", mode_text);
	parse_ref(args[0], SHMKIT_REF_ALLOW_PRIVATE, &ref);
	if (ref.by == SHMKIT_BY_ID)
		usage_error("'%s' is a shmid: the kernel chooses those; give a key, "
			    "ftok:PATH, private or /NAME", args[0]);
	size = parse_size(args[1], 0, "size");
	if (hugetlb && ref.kind == SHMKIT_POSIX)
		usage_error("--hugetlb is for System V segments; POSIX objects use the "
			    "page size of the /dev/shm file system");
	if (lock && ref.kind == SHMKIT_POSIX)
		usage_error("--lock on a POSIX object would end with this command; "
			    "use shmattach --lock to hold it locked");
	drop_caps(keep, ARRAY_SIZE(keep));

	rc = shmkit_seg_create(&ref, size, mode, (reuse ? SHMKIT_CREATE_REUSE : 0) |
			       (hugetlb ? SHMKIT_CREATE_HUGETLB : 0), &seg);
	if (rc < 0) {
		create_failed(args[0], &ref, rc);
		return finish(con, EXIT_FAILED);
	}
	created = rc == 0;
	shmkit_ref_format(shmkit_seg_ref(seg), ref_text, sizeof(ref_text));
	if (prepare(seg, args[0], ref_text, populate, lock, created) < 0) {
		if (created)
			(void)shmkit_seg_remove(seg);
		shmkit_seg_close(seg);
		return finish(con, EXIT_FAILED);
	}
	printf("%s\n", ref_text);
	/* A reference nobody could read is a segment nobody can find: undo it. */
	if (fflush(stdout) != 0 && created)
		(void)shmkit_seg_remove(seg);
	shmkit_seg_close(seg);
	return finish(con, EXIT_OK);
}

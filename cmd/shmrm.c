/* SPDX-License-Identifier: MIT */
/* shmrm: remove SysV segments and POSIX objects. */
#include <sys/capability.h>
#include <sys/types.h>
#include <stdlib.h>
#include <popt.h>
#include "common.h"
#include "shmkit.h"

static int remove_one(const char *text, const struct shmkit_ref *ref)
{
	uint64_t nattch = 0;
	int rc;

	rc = shmkit_remove(ref, &nattch);
	if (rc < 0) {
		fail_rc("remove", text, ref, SHMKIT_OP_REMOVE, rc);
		return -1;
	}
	if (nattch > 0)
		note("'%s' is still attached by %llu process%s; marked for removal",
		     text, (unsigned long long)nattch, nattch == 1 ? "" : "es");
	return 0;
}

int main(int argc, const char **argv)
{
	static const int keep[] = {
		CAP_SYS_ADMIN, CAP_FOWNER, CAP_DAC_OVERRIDE, CAP_IPC_OWNER,
	};
	struct poptOption table[] = {
		OPT_STANDARD,
		POPT_TABLEEND
	};
	struct shmkit_ref *refs;
	int status = EXIT_OK;
	poptContext con;
	const char **args;
	size_t n, i;

	con = parse_options(argc, argv, table, "REF...");
	args = operands(con, &n);
	if (n == 0)
		usage_error("missing segment reference");
	refs = calloc(n, sizeof(*refs));
	if (!refs) {
		note("out of memory");
		return finish(con, EXIT_FAILED);
	}
	/* Parse every operand before removing anything. */
	for (i = 0; i < n; i++)
		parse_ref(args[i], 0, &refs[i]);
	drop_caps(keep, ARRAY_SIZE(keep));

	for (i = 0; i < n; i++)
		if (remove_one(args[i], &refs[i]) < 0)
			status = EXIT_FAILED;
	free(refs);
	return finish(con, status);
}

/* SPDX-License-Identifier: MIT */
/* fuzz_sysv_line.c: lines of /proc/sysvipc/shm (shmkit__sysv_parse_line): any text, sane records only. */
#include <errno.h>

#include "internal.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	struct shmkit_info info;
	int rc;

	memset(&info, 0x5a, sizeof(info));
	rc = shmkit__sysv_parse_line(s, &info);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
	if (rc == 0) {
		FUZZ_ASSERT(info.kind == SHMKIT_SYSV);
		FUZZ_ASSERT(info.id >= 0);
		FUZZ_ASSERT(info.mode <= 0777);
		FUZZ_ASSERT((info.status & ~(unsigned)(SHMKIT_ST_DEST | SHMKIT_ST_LOCKED)) == 0);
		FUZZ_ASSERT(info.have & SHMKIT_HAVE_ID);
		FUZZ_ASSERT(info.name[0] == '\0');
		FUZZ_ASSERT(info.cpid >= 0 && info.lpid >= 0);
		FUZZ_ASSERT(info.size <= INT64_MAX && info.nattch <= INT64_MAX);
	}
	free(s);
	return 0;
}

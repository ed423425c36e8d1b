/* SPDX-License-Identifier: MIT */
/* fuzz_duration.c: durations (shmkit_parse_duration): a number and at most one unit, no overflow. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "shmkit.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	uint64_t v = 777, back = 0;
	char buf[32];
	int rc;

	rc = shmkit_parse_duration(s, &v);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL || rc == -ERANGE);
	if (rc == 0) {
		FUZZ_ASSERT(s[0] >= '0' && s[0] <= '9');
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
		FUZZ_ASSERT(shmkit_parse_duration(buf, &back) == 0 && back == v);
		snprintf(buf, sizeof(buf), "%" PRIu64 "s", v);
		FUZZ_ASSERT(shmkit_parse_duration(buf, &back) == 0 && back == v);
	} else {
		FUZZ_ASSERT(v == 777);
	}
	free(s);
	return 0;
}

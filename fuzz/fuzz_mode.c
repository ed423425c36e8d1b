/* SPDX-License-Identifier: MIT */
/* fuzz_mode.c: modes (shmkit_parse_mode): octal only, never above 0777. */
#include <errno.h>
#include <stdio.h>
#include <sys/types.h>

#include "shmkit.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	mode_t m = 01234, back = 0;
	char buf[16];
	int rc;

	rc = shmkit_parse_mode(s, &m);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL || rc == -ERANGE);
	if (rc == 0) {
		FUZZ_ASSERT(m <= 0777);
		FUZZ_ASSERT(s[0] != '\0' && s[strspn(s, "01234567")] == '\0');
		FUZZ_ASSERT(strtoul(s, NULL, 8) == m);
		snprintf(buf, sizeof(buf), "%o", (unsigned)m);
		FUZZ_ASSERT(shmkit_parse_mode(buf, &back) == 0 && back == m);
	} else {
		FUZZ_ASSERT(m == 01234);
	}
	free(s);
	return 0;
}

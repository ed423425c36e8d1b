/* SPDX-License-Identifier: MIT */
/* fuzz_size.c: sizes (shmkit_parse_size): strict, no overflow, and plain numbers mean what they say. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "shmkit.h"
#include "fuzz.h"

static void one(const char *text, unsigned flags)
{
	size_t v = 12345, back = 0;
	char buf[32];
	int rc;

	rc = shmkit_parse_size(text, flags, &v);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL || rc == -ERANGE);
	if (rc < 0) {
		FUZZ_ASSERT(v == 12345);	/* *out untouched on failure */
		return;
	}
	FUZZ_ASSERT(isdigit((unsigned char)text[0]));
	FUZZ_ASSERT(v > 0 || (flags & SHMKIT_SIZE_ZERO_OK));
	/* Its decimal spelling is accepted and gives the same number. */
	snprintf(buf, sizeof(buf), "%zu", v);
	FUZZ_ASSERT(shmkit_parse_size(buf, flags, &back) == 0 && back == v);
	/* A plain decimal number is exactly itself. */
	if (text[strspn(text, "0123456789")] == '\0') {
		char *end;
		unsigned long long want = strtoull(text, &end, 10);

		FUZZ_ASSERT(want == v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);

	one(s, 0);
	one(s, SHMKIT_SIZE_ZERO_OK);
	free(s);
	return 0;
}

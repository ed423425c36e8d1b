/* SPDX-License-Identifier: MIT */
/* fuzz_ref.c: segment references (shmkit_ref_parse, shmkit_ref_format) must parse, format and parse back alike. */
#include <errno.h>
#include <string.h>

#include "shmkit.h"
#include "fuzz.h"

static void one(const char *text, unsigned flags)
{
	struct shmkit_ref r, back;
	char buf[SHMKIT_NAME_MAX + 16];
	int rc, n;

	memset(&r, 0xa5, sizeof(r));
	rc = shmkit_ref_parse(text, flags, &r);
	FUZZ_ASSERT(rc <= 0);
	if (rc < 0)
		return;
	switch (r.by) {
	case SHMKIT_BY_NAME:
		FUZZ_ASSERT(r.kind == SHMKIT_POSIX);
		FUZZ_ASSERT(r.name[0] == '/');
		FUZZ_ASSERT(strlen(r.name) >= 2 && strlen(r.name) <= SHMKIT_NAME_MAX + 1);
		FUZZ_ASSERT(!strchr(r.name + 1, '/'));
		FUZZ_ASSERT(strcmp(r.name, "/.") != 0 && strcmp(r.name, "/..") != 0);
		FUZZ_ASSERT(strcmp(r.name, text) == 0);
		break;
	case SHMKIT_BY_KEY:
		FUZZ_ASSERT(r.kind == SHMKIT_SYSV && r.key != 0);
		break;
	case SHMKIT_BY_ID:
		FUZZ_ASSERT(r.kind == SHMKIT_SYSV && r.id >= 0);
		break;
	case SHMKIT_BY_PRIVATE:
		FUZZ_ASSERT(r.kind == SHMKIT_SYSV && (flags & SHMKIT_REF_ALLOW_PRIVATE));
		break;
	default:
		FUZZ_ASSERT(!"unknown ref kind");
	}
	/* Too small a buffer is refused, never overrun. */
	n = shmkit_ref_format(&r, buf, 2);
	FUZZ_ASSERT(n == -ENOBUFS || (n >= 0 && n < 2));
	n = shmkit_ref_format(&r, buf, sizeof(buf));
	FUZZ_ASSERT(n > 0 && (size_t)n == strlen(buf));
	rc = shmkit_ref_parse(buf, flags, &back);
	FUZZ_ASSERT(rc == 0);
	FUZZ_ASSERT(back.kind == r.kind && back.by == r.by);
	if (r.by == SHMKIT_BY_KEY)
		FUZZ_ASSERT(back.key == r.key);
	if (r.by == SHMKIT_BY_ID)
		FUZZ_ASSERT(back.id == r.id);
	if (r.by == SHMKIT_BY_NAME)
		FUZZ_ASSERT(strcmp(back.name, r.name) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);

	one(s, 0);
	one(s, SHMKIT_REF_ALLOW_PRIVATE);
	free(s);
	return 0;
}

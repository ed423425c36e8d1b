/* SPDX-License-Identifier: MIT */
/* fuzz_columns.c: shmls -o column lists (shmkit_cols_parse): known columns only, each once, the bad name pointed at. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "shmkit.h"
#include "fuzz.h"

static void one(const char *text, const struct shmkit_cols *start)
{
	struct shmkit_cols set = *start, back = { .n = 0 };
	char list[SHMKIT_COL_COUNT * 16];
	size_t i, j, bad = (size_t)-1, used = 0;
	int rc;

	rc = shmkit_cols_parse(text, &set, &bad);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL || rc == -ENOENT);
	if (rc < 0) {
		FUZZ_ASSERT(memcmp(&set, start, sizeof(set)) == 0);
		if (rc == -ENOENT) {
			size_t len = strcspn(text + bad, ",");

			FUZZ_ASSERT(bad < strlen(text) && len > 0);
			FUZZ_ASSERT(shmkit_column_find(text + bad, len) == -ENOENT);
		}
		return;
	}
	FUZZ_ASSERT(set.n > 0 && set.n <= SHMKIT_COL_COUNT);
	for (i = 0; i < set.n; i++) {
		FUZZ_ASSERT(shmkit_column_get(set.v[i]) != NULL);
		for (j = 0; j < i; j++)
			FUZZ_ASSERT(set.v[i] != set.v[j]);
	}
	if (text[0] != '+')
		for (i = 0; i < set.n; i++)
			FUZZ_ASSERT(strcasestr(text, shmkit_column_get(set.v[i])->name));
	/* The names it gave back parse to the same list. */
	for (i = 0; i < set.n; i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? "," : "",
					 shmkit_column_get(set.v[i])->name);
	FUZZ_ASSERT(shmkit_cols_parse(list, &back, &bad) == 0);
	FUZZ_ASSERT(back.n == set.n && memcmp(back.v, set.v, set.n * sizeof(set.v[0])) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct shmkit_cols none = { .n = 0 };
	struct shmkit_cols some = { .n = 0 };
	char *s = fuzz_string(data, size);

	shmkit_cols_add(&some, SHMKIT_COL_REF);
	shmkit_cols_add(&some, SHMKIT_COL_SIZE);
	one(s, &none);
	one(s, &some);
	free(s);
	return 0;
}

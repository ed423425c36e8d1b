/* SPDX-License-Identifier: MIT */
/* sysctl.c: one kernel.* number from /proc/sys/kernel, for the limits and their messages. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

int shmkit__read_sysctl(const char *name, uint64_t *out)
{
	char path[128], buf[64];
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return shmkit__parse_u64(buf, 10, UINT64_MAX, out);
}

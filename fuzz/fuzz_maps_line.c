/* SPDX-License-Identifier: MIT */
/* fuzz_maps_line.c: lines of /proc/PID/maps as the holder scan reads them (shmkit__maps_parse_line). */
#include <errno.h>
#include <sys/sysmacros.h>

#include "internal.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The seeds use 00:19 for the /dev/shm tmpfs, as on a typical system. */
	const dev_t shm_dev = makedev(0, 0x19);
	char *s = fuzz_string(data, size);
	struct shmkit_holder x;
	int rc;

	memset(&x, 0x5a, sizeof(x));
	rc = shmkit__maps_parse_line(s, shm_dev, &x);
	FUZZ_ASSERT(rc == 0 || rc == 1 || rc == -ENOMEM);
	if (rc == 1) {
		FUZZ_ASSERT(x.how == SHMKIT_HOLD_MAP);
		if (x.kind == SHMKIT_SYSV)
			FUZZ_ASSERT(x.id >= 0);
		else
			FUZZ_ASSERT(x.kind == SHMKIT_POSIX && x.dev == shm_dev && x.id == -1);
	}
	free(s);
	return 0;
}

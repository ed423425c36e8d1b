/* SPDX-License-Identifier: MIT */
/* error.c: the text of every code the library returns, errno and SHMKIT_E* alike. */
#include <errno.h>
#include <string.h>
#include "internal.h"

const char *shmkit_strerror(int rc)
{
	static const char *const text[] = {
		[SHMKIT_ESHMMAX - SHMKIT_EBASE] = "size is above kernel.shmmax",
		[SHMKIT_ESHMMIN - SHMKIT_EBASE] = "size is below the kernel's minimum",
		[SHMKIT_ESHMALL - SHMKIT_EBASE] = "not enough shared memory left (kernel.shmall)",
		[SHMKIT_ESHMMNI - SHMKIT_EBASE] = "too many segments (kernel.shmmni)",
		[SHMKIT_ETOOSMALL - SHMKIT_EBASE] = "segment exists but is too small",
		[SHMKIT_ENOTSHM - SHMKIT_EBASE] = "not a shared memory object",
		[SHMKIT_EPRIVATE - SHMKIT_EBASE] = "key 0 (IPC_PRIVATE) cannot be looked up",
		[SHMKIT_ENOFIT - SHMKIT_EBASE] = "input does not fit in the segment",
		[SHMKIT_EPASTEND - SHMKIT_EBASE] = "offset is past the end of the segment",
		[SHMKIT_ESHRUNK - SHMKIT_EBASE] = "segment shrank while being read",
		[SHMKIT_ENOHUGE - SHMKIT_EBASE] = "no huge pages are reserved (vm.nr_hugepages)",
		[SHMKIT_ENOSHMDIR - SHMKIT_EBASE] = "the /dev/shm directory does not exist",
	};
	int code = -rc;

	if (code > SHMKIT_EBASE && code < SHMKIT_EEND)
		return text[code - SHMKIT_EBASE];
	switch (code) {
	case ENOENT:
		return "no such segment";
	case EEXIST:
		return "segment already exists";
	case EIDRM:
		return "segment was removed";
	default:
		return strerror(code);
	}
}

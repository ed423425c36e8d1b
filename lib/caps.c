/* SPDX-License-Identifier: MIT */
/* caps.c: which capabilities this process holds, which one a denial lacked, and dropping the rest. */
#include <sys/capability.h>
#include <sys/types.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include "internal.h"

int shmkit_cap_for(enum shmkit_kind kind, enum shmkit_op op)
{
	if (kind == SHMKIT_SYSV)
		return op == SHMKIT_OP_REMOVE ? CAP_SYS_ADMIN : CAP_IPC_OWNER;
	/* /dev/shm is sticky: only the owner (or CAP_FOWNER) may unlink. */
	return op == SHMKIT_OP_REMOVE ? CAP_FOWNER : CAP_DAC_OVERRIDE;
}

int shmkit_cap_has(int cap)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t caps;
	int rc;

	caps = cap_get_proc();
	if (!caps)
		return -errno;
	rc = cap_get_flag(caps, (cap_value_t)cap, CAP_EFFECTIVE, &v);
	if (rc < 0)
		rc = -errno;
	cap_free(caps);
	return rc < 0 ? rc : v == CAP_SET;
}

int shmkit_cap_name(int cap, char *buf, size_t len)
{
	char *name;
	size_t i, n;

	name = cap_to_name((cap_value_t)cap);
	if (!name)
		return -EINVAL;
	n = strlen(name);
	if (n >= len) {
		cap_free(name);
		return -ENOBUFS;
	}
	for (i = 0; i <= n; i++)
		buf[i] = (char)toupper((unsigned char)name[i]);
	cap_free(name);
	return 0;
}

int shmkit_cap_limit(const int *keep, size_t n)
{
	static const cap_flag_t sets[] = { CAP_EFFECTIVE, CAP_PERMITTED };
	cap_value_t cap, last = (cap_value_t)cap_max_bits();
	cap_flag_value_t v;
	cap_t caps;
	size_t i, s;
	int rc = 0;

	caps = cap_get_proc();
	if (!caps)
		return -errno;
	for (cap = 0; cap < last; cap++) {
		for (i = 0; i < n; i++)
			if (keep[i] == cap)
				break;
		if (i < n)
			continue;
		for (s = 0; s < ARRAY_SIZE(sets); s++) {
			if (cap_get_flag(caps, cap, sets[s], &v) == 0 && v == CAP_SET &&
			    cap_set_flag(caps, sets[s], 1, &cap, CAP_CLEAR) < 0) {
				rc = -errno;
				goto out;
			}
		}
	}
	if (cap_set_proc(caps) < 0)
		rc = -errno;
out:
	cap_free(caps);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/* strerror NAME: print strerror() of an errno name (ENOENT -> "No such file or directory"),
 * so tests can compare exact stderr whatever the C library says. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int num;
} errnos[] = {
#define E(x) { #x, x }
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR),
	E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(EFBIG),
	E(ENOSPC), E(ESPIPE), E(EROFS), E(EPIPE), E(ERANGE), E(ENAMETOOLONG),
	E(ENOSYS), E(ELOOP), E(EIDRM), E(EOVERFLOW), E(EOPNOTSUPP),
#undef E
};

int main(int argc, char **argv)
{
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: strerror ERRNO-NAME\n");
		return 2;
	}
	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++) {
		if (strcmp(errnos[i].name, argv[1]) == 0) {
			printf("%s\n", strerror(errnos[i].num));
			return 0;
		}
	}
	fprintf(stderr, "strerror: unknown errno name '%s'\n", argv[1]);
	return 1;
}

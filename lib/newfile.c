/* SPDX-License-Identifier: MIT */
/* newfile.c: a file replaced whole: written under a temporary name beside it, then renamed over it. */
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"

/*
 * Names are kept relative to the directory, opened once: the rename still
 * lands there after the caller enters another mount namespace (--target).
 */
struct shmkit_newfile {
	int fd, dirfd;
	char *base, *tmp;
};

/* Frees @nf; the temporary file goes when @unlink_tmp. Preserves errno. */
static void newfile_free(struct shmkit_newfile *nf, int unlink_tmp)
{
	int saved = errno;

	if (nf->fd >= 0)
		close(nf->fd);
	if (unlink_tmp)
		unlinkat(nf->dirfd, nf->tmp, 0);
	if (nf->dirfd >= 0)
		close(nf->dirfd);
	free(nf->base);
	free(nf->tmp);
	free(nf);
	errno = saved;
}

/* Six letters for a temporary name, from getrandom(2) or else the clock. */
static void random_suffix(char out[7])
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char r[6];
	struct timespec ts;
	size_t i;

	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		clock_gettime(CLOCK_REALTIME, &ts);
		for (i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)((uint64_t)ts.tv_nsec >> (i * 5) ^ (uint64_t)getpid() >> i);
	}
	for (i = 0; i < sizeof(r); i++)
		out[i] = set[r[i] % (sizeof(set) - 1)];
	out[6] = '\0';
}

int shmkit_newfile_open(const char *path, struct shmkit_newfile **out)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	struct shmkit_newfile *nf;
	char *dir, suffix[7];
	int tries, rc;

	if (*base == '\0' || !strcmp(base, ".") || !strcmp(base, ".."))
		return -EISDIR;
	nf = calloc(1, sizeof(*nf));
	if (!nf)
		return -ENOMEM;
	nf->fd = nf->dirfd = -1;
	dir = slash == path ? strdup("/") : slash ? strndup(path, (size_t)(slash - path)) :
	      strdup(".");
	nf->base = strdup(base);
	/* ".BASE.XXXXXX": hidden, and not *.prom, so no collector reads it early. */
	nf->tmp = malloc(NAME_MAX + 1);
	if (!dir || !nf->base || !nf->tmp) {
		free(dir);
		newfile_free(nf, 0);
		return -ENOMEM;
	}
	nf->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (nf->dirfd < 0) {
		rc = -errno;
		newfile_free(nf, 0);
		return rc;
	}
	for (tries = 0; tries < 100; tries++) {
		random_suffix(suffix);
		snprintf(nf->tmp, NAME_MAX + 1, ".%.*s.%s", NAME_MAX - 8, base, suffix);
		/* 0666 less the umask: readable by others, as a file made by > is. */
		nf->fd = openat(nf->dirfd, nf->tmp,
				O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (nf->fd >= 0 || errno != EEXIST)
			break;
	}
	if (nf->fd < 0) {
		rc = -errno;
		newfile_free(nf, 0);
		return rc;
	}
	*out = nf;
	return 0;
}

int shmkit_newfile_fd(const struct shmkit_newfile *nf)
{
	return nf->fd;
}

int shmkit_newfile_commit(struct shmkit_newfile *nf)
{
	int rc = 0;

	/* fsync first: after a crash the name holds the old file or the new, whole. */
	if (fsync(nf->fd) < 0 && errno != EINVAL && errno != EROFS)
		rc = -errno;
	if (close(nf->fd) < 0 && rc == 0 && errno != EINTR)
		rc = -errno;
	nf->fd = -1;
	if (rc == 0 && renameat(nf->dirfd, nf->tmp, nf->dirfd, nf->base) < 0)
		rc = -errno;
	newfile_free(nf, rc < 0);
	return rc;
}

void shmkit_newfile_abort(struct shmkit_newfile *nf)
{
	if (nf)
		newfile_free(nf, 1);
}

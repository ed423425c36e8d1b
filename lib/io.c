/* SPDX-License-Identifier: MIT */
/* io.c: stream bytes between a file descriptor and an attached segment. */
#include <sys/types.h>
#include <errno.h>
#include <unistd.h>
#include "internal.h"

int shmkit_seg_write_fd(struct shmkit_seg *seg, int fd, size_t offset,
			size_t *out)
{
	char *base = seg->addr, probe;
	size_t done = 0, room;
	ssize_t n;

	if (offset > seg->size)
		return -EINVAL;
	room = seg->size - offset;
	while (done < room) {
		n = read(fd, base + offset + done, room - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*out = done;
			return -errno;
		}
		if (n == 0) {
			*out = done;
			return 0;
		}
		done += (size_t)n;
	}
	*out = done;
	/* The segment is full: one more byte of input means it did not fit. */
	do
		n = read(fd, &probe, 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n > 0 ? -EFBIG : 0;
}

int shmkit_seg_read_fd(struct shmkit_seg *seg, int fd, size_t offset,
		       size_t length)
{
	const char *p = (const char *)seg->addr + offset;
	ssize_t n;

	if (offset > seg->size || length > seg->size - offset)
		return -EINVAL;
	while (length > 0) {
		n = write(fd, p, length);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		length -= (size_t)n;
	}
	return 0;
}

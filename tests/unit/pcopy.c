/* SPDX-License-Identifier: MIT */
/* pcopy.c: the two-thread copy between regular files, on memfds (no segment is made). */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "check.h"

#define MIB ((size_t)1 << 20)

/* A memfd of @len bytes of a pattern that differs at every offset mod 251. */
static int source(size_t len)
{
	int fd = memfd_create("pcopy-in", MFD_CLOEXEC);
	unsigned char *buf = malloc(MIB);
	size_t at, i, n;

	if (fd < 0 || !buf)
		exit(1);
	for (at = 0; at < len; at += n) {
		n = len - at < MIB ? len - at : MIB;
		for (i = 0; i < n; i++)
			buf[i] = (unsigned char)((at + i) % 251);
		if (pwrite(fd, buf, n, (off_t)at) != (ssize_t)n)
			exit(1);
	}
	free(buf);
	return fd;
}

/* 1 when @len bytes of @fd at @pos hold the pattern from @from. */
static int holds(int fd, off_t pos, size_t from, size_t len)
{
	unsigned char *buf = malloc(MIB);
	size_t at, i, n;
	int ok = buf != NULL;

	for (at = 0; ok && at < len; at += n) {
		n = len - at < MIB ? len - at : MIB;
		if (pread(fd, buf, n, pos + (off_t)at) != (ssize_t)n)
			ok = 0;
		for (i = 0; ok && i < n; i++)
			ok = buf[i] == (unsigned char)((from + at + i) % 251);
	}
	free(buf);
	return ok;
}

static off_t size_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? st.st_size : -1;
}

static void test_worth(void)
{
	int fd = memfd_create("pcopy-out", MFD_CLOEXEC), app, p[2];
	char path[64];
	cpu_set_t set;
	int cpus;

	cpus = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
	CHECK_I64(shmkit__pcopy_worth(fd, 16 * MIB - 1), 0, "worth: not below 16 MiB");
	CHECK_I64(shmkit__pcopy_worth(fd, 16 * MIB), cpus > 1, "worth: 16 MiB on %d CPUs", cpus);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	app = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	CHECK_I64(shmkit__pcopy_worth(app, 64 * MIB), 0, "worth: never for O_APPEND");
	if (pipe(p) == 0) {
		CHECK_I64(shmkit__pcopy_worth(p[1], 64 * MIB), 0, "worth: never for a pipe");
		close(p[0]);
		close(p[1]);
	}
	close(app);
	close(fd);
}

static void test_copy(void)
{
	size_t len = 20 * MIB + 3, done = 1;
	int in = source(len + 5), out = memfd_create("pcopy-out", MFD_CLOEXEC), ie = -1;
	struct shmkit_progress pr = { 0 };

	/* from offset 5 of the input to 4097 of the output: neither page-aligned */
	CHECK_RC(shmkit__pcopy(out, 4097, in, 5, len, &done, &ie, &pr), 0, "copy: rc");
	CHECK_U64(done, len, "copy: done");
	CHECK_U64(atomic_load(&pr.done), len, "copy: both threads counted every byte for progress");
	CHECK_I64(ie, 0, "copy: no input error");
	CHECK_I64(size_of(out), 4097 + (off_t)len, "copy: output made as long as the copy");
	CHECK_TRUE(holds(out, 4097, 5, len), "copy: every byte in place");
	CHECK_I64(lseek(in, 0, SEEK_CUR), 5 + (off_t)len, "copy: input offset past the copy");
	CHECK_I64(lseek(out, 0, SEEK_CUR), 4097 + (off_t)len, "copy: output offset past the copy");
	close(in);
	close(out);
}

static void test_short_input(void)
{
	size_t have = 10 * MIB + 7, done = 0;
	int in = source(have), out = memfd_create("pcopy-out", MFD_CLOEXEC), ie = -1;

	/* the input ends early: what there was, and the output cut back to it */
	CHECK_RC(shmkit__pcopy(out, 0, in, 0, 20 * MIB, &done, &ie, NULL), 0, "short: rc");
	CHECK_U64(done, have, "short: done is what the input had");
	CHECK_I64(size_of(out), (off_t)have, "short: output cut back");
	CHECK_TRUE(holds(out, 0, 0, have), "short: the bytes there are right");
	close(in);
	close(out);
}

static void test_write_only_output(void)
{
	size_t len = 17 * MIB, done = 0;
	int in = source(len), fd = memfd_create("pcopy-out", MFD_CLOEXEC), wo, ie = -1;
	char path[64];

	/* as a shell's `>` opens it: reopened read-write for the mapping */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	wo = open(path, O_WRONLY | O_CLOEXEC);
	CHECK_RC(shmkit__pcopy(wo, 0, in, 0, len, &done, &ie, NULL), 0, "write-only: rc");
	CHECK_U64(done, len, "write-only: done");
	CHECK_TRUE(holds(fd, 0, 0, len), "write-only: every byte in place");
	close(wo);
	close(fd);
	close(in);
}

int main(void)
{
	test_worth();
	test_copy();
	test_short_input();
	test_write_only_output();
	return check_done("unit-pcopy");
}

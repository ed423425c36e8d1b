/* SPDX-License-Identifier: MIT */
/*
 * race [-u] [-s] [-r READERS] -n READS REF PATTERN...: writers and readers
 * of one segment, all of them the real shmwrite and shmread from PATH.
 * One `shmwrite REF PATTERN` per PATTERN (a file holding one byte value,
 * as long as the segment) and READERS `shmread REF` (default 3) are kept
 * running, each started again as soon as it ends, until READS reads have
 * been checked; the writers go on while any read is under way. A read is
 * torn unless all its bytes are one of the patterns' values. -u passes
 * --no-lock to both programs; -s starts no more reads after a torn one
 * (and none start after a failure).
 * A read overtakes a write when its shmread started after that shmwrite
 * and ended before it: under a lock that favours a waiting writer, only
 * reads that got past the lock while the writer was still starting can.
 * Prints "READS TORN WRITES OVERTAKES WORST": the overtakes summed over
 * all writes, and the most any one write suffered. Exit status 1 when a program failed or a
 * read was not the segment's length, 2 for a usage error.
 */
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_KIDS 16

extern char **environ;

/* One running program and the pipe on its stdout (reader) or stderr (writer). */
struct kid {
	pid_t pid;		/* 0 when the slot is idle */
	int fd;
	const char *pattern;	/* the writer's file; NULL for a reader */
	size_t got;		/* reader: bytes so far */
	int first;		/* reader: the first byte, or -1 */
	int mixed;		/* reader: saw a byte other than the first */
	unsigned long seq;	/* when it started, counting every start */
	unsigned long overtaken;	/* writer: reads that overtook it so far */
};

struct race {
	const char *ref;
	int nolock, stop_on_tear;
	size_t size;			/* each read must be this long */
	unsigned char value[256];	/* 1 for the patterns' byte values */
	unsigned long want, started, reads, torn, writes;
	unsigned long spawns, overtakes, worst;
	int readers, failed;
	struct kid kids[MAX_KIDS];
	size_t nkids;
	unsigned char buf[65536];
};

static void usage(void)
{
	fprintf(stderr, "usage: race [-u] [-s] [-r READERS] -n READS REF PATTERN...\n");
	exit(2);
}

/* The byte value of a pattern file; all must be r->size long. */
static int pattern_value(struct race *r, const char *path)
{
	unsigned char buf[4096];
	ssize_t n;
	size_t total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), first = -1;

	if (fd < 0) {
		perror(path);
		exit(2);
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (first < 0)
			first = buf[0];
		if (buf[0] != first || memcmp(buf, buf + 1, (size_t)n - 1) != 0) {
			fprintf(stderr, "race: %s is not one byte value throughout\n", path);
			exit(2);
		}
		total += (size_t)n;
	}
	close(fd);
	if (first < 0 || (r->size && total != r->size)) {
		fprintf(stderr, "race: %s: every pattern must be as long as the first, and not empty\n",
			path);
		exit(2);
	}
	r->size = total;
	return first;
}

/* Starts PROG [--no-lock] REF [FILE] with @to (1 or 2) on a new pipe. */
static void spawn(struct race *r, struct kid *k, const char *prog, int to)
{
	const char *argv[5];
	posix_spawn_file_actions_t fa;
	int p[2], i = 0, rc;

	argv[i++] = prog;
	if (r->nolock)
		argv[i++] = "--no-lock";
	argv[i++] = r->ref;
	if (k->pattern)
		argv[i++] = k->pattern;
	argv[i] = NULL;
	/* O_CLOEXEC: a pipe leaked into another child would never see EOF. */
	if (pipe2(p, O_CLOEXEC) < 0) {
		perror("race: pipe2");
		exit(1);
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], to);
	/* posix_spawn(3) takes char *const[] but does not write to it. */
	rc = posix_spawnp(&k->pid, prog, &fa, NULL, (char **)(uintptr_t)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		fprintf(stderr, "race: cannot run %s: %s\n", prog, strerror(rc));
		exit(1);
	}
	k->fd = p[0];
	k->seq = r->spawns++;
	k->overtaken = 0;
	k->got = 0;
	k->first = -1;
	k->mixed = 0;
}

static int stopping(const struct race *r)
{
	return r->failed || r->started >= r->want || (r->stop_on_tear && r->torn);
}

static void start_reader(struct race *r, struct kid *k)
{
	r->started++;
	spawn(r, k, "shmread", STDOUT_FILENO);
}

/* Reaps a child; 0 when it exited with status 0. */
static int reap(struct kid *k, const char *what)
{
	int st;

	close(k->fd);
	k->fd = -1;
	while (waitpid(k->pid, &st, 0) < 0)
		if (errno != EINTR) {
			perror("race: waitpid");
			exit(1);
		}
	k->pid = 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	fprintf(stderr, "race: %s failed (wait status 0x%x)\n", what, st);
	return -1;
}

/* A read has ended: it overtook every write still running that started before it. */
static void overtake(struct race *r, const struct kid *k)
{
	size_t i;

	for (i = 0; i < r->nkids; i++)
		if (r->kids[i].pid && r->kids[i].pattern && r->kids[i].seq < k->seq)
			r->kids[i].overtaken++;
}

static void reader_done(struct race *r, struct kid *k)
{
	int first = k->first, mixed = k->mixed;
	size_t got = k->got;

	overtake(r, k);
	if (reap(k, "shmread") < 0)
		r->failed = 1;
	r->reads++;
	if (got != r->size) {
		fprintf(stderr, "race: a read gave %zu bytes of %zu\n", got, r->size);
		r->failed = 1;
	} else if (mixed || !r->value[first]) {
		r->torn++;
	}
	if (!stopping(r))
		start_reader(r, k);
}

/* Checks each chunk as it arrives, so no read is kept whole. */
static void reader_data(struct kid *k, const unsigned char *buf, size_t n)
{
	if (k->first < 0)
		k->first = buf[0];
	if (buf[0] != k->first || memcmp(buf, buf + 1, n - 1) != 0)
		k->mixed = 1;
	k->got += n;
}

static void writer_done(struct race *r, struct kid *k, int readers_left)
{
	if (reap(k, "shmwrite") < 0)
		r->failed = 1;
	r->writes++;
	r->overtakes += k->overtaken;
	if (k->overtaken > r->worst)
		r->worst = k->overtaken;
	/* Writers keep writing while any read is still under way. */
	if (!stopping(r) || readers_left)
		spawn(r, k, "shmwrite", STDERR_FILENO);
}

static int readers_running(const struct race *r)
{
	size_t i;
	int n = 0;

	for (i = 0; i < r->nkids; i++)
		n += r->kids[i].pid && !r->kids[i].pattern;
	return n;
}

/* Handles what one child's pipe has; its EOF means the child is done. */
static void service(struct race *r, struct kid *k)
{
	ssize_t n = read(k->fd, r->buf, sizeof(r->buf));

	if (n < 0 && errno == EINTR)
		return;
	if (n < 0) {
		perror("race: read");
		exit(1);
	}
	if (n > 0 && !k->pattern) {
		reader_data(k, r->buf, (size_t)n);
	} else if (n > 0) {
		/* A writer said something on stderr: pass it on, it failed. */
		fwrite(r->buf, 1, (size_t)n, stderr);
		r->failed = 1;
	} else if (!k->pattern) {
		reader_done(r, k);
	} else {
		writer_done(r, k, readers_running(r));
	}
}

static void run(struct race *r)
{
	struct pollfd pfd[MAX_KIDS];
	size_t i, n, slot[MAX_KIDS];

	for (;;) {
		for (i = n = 0; i < r->nkids; i++) {
			if (!r->kids[i].pid)
				continue;
			pfd[n].fd = r->kids[i].fd;
			pfd[n].events = POLLIN;
			slot[n++] = i;
		}
		if (n == 0)
			return;
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("race: poll");
			exit(1);
		}
		for (i = 0; i < n; i++)
			if (pfd[i].revents)
				service(r, &r->kids[slot[i]]);
	}
}

int main(int argc, char **argv)
{
	struct race r = { .readers = 3 };
	int c, i;

	while ((c = getopt(argc, argv, "usr:n:")) != -1) {
		switch (c) {
		case 'u':
			r.nolock = 1;
			break;
		case 's':
			r.stop_on_tear = 1;
			break;
		case 'r':
			r.readers = atoi(optarg);
			break;
		case 'n':
			r.want = strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (argc - optind < 2 || r.want == 0 || r.readers < 1 ||
	    (size_t)r.readers + (size_t)(argc - optind - 1) > MAX_KIDS)
		usage();
	r.ref = argv[optind++];
	/* Every pattern is checked before the first writer starts. */
	for (i = optind; i < argc; i++)
		r.value[pattern_value(&r, argv[i])] = 1;
	for (i = optind; i < argc; i++) {
		r.kids[r.nkids].pattern = argv[i];
		spawn(&r, &r.kids[r.nkids++], "shmwrite", STDERR_FILENO);
	}
	for (i = 0; i < r.readers && !stopping(&r); i++)
		start_reader(&r, &r.kids[r.nkids++]);
	run(&r);
	printf("%lu %lu %lu %lu %lu\n", r.reads, r.torn, r.writes, r.overtakes, r.worst);
	return r.failed;
}

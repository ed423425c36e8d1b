/* SPDX-License-Identifier: MIT */
/*
 * holdfd MODE PATH: hold a POSIX object (a file in /dev/shm) in one of the
 * ways the kernel counts as an open file description, then say so and wait
 * to be killed. Once the object is held in that way, and every other
 * descriptor of it this program made is closed, one line "PID" goes to
 * standard output: the process that keeps the hold (killing it lets go).
 *   ro        open read-only
 *   rw        open read-write
 *   map       open, mmap, close the descriptor: only the mapping holds it
 *   fork      open, fork; the parent closes and exits, the child keeps it
 *   passed    open, send it over a Unix socket to a child that receives
 *             it; the sender closes its copy and exits
 *   inflight  open, send it over a Unix socket nobody reads, close it:
 *             the descriptor exists only in the socket's queue
 * Exit status 1 on a failure (with a message), 2 for a usage error.
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "holdfd: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void ready(pid_t pid)
{
	printf("%d\n", (int)pid);
	if (fflush(stdout) != 0)
		die("stdout");
}

static void wait_forever(void)
{
	for (;;)
		pause();
}

static void send_fd(int sock, int fd)
{
	char byte = 'f';
	struct iovec iov = { &byte, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = { 0 };
	struct cmsghdr *c;

	memset(&u, 0, sizeof(u));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &msg, 0) != 1)
		die("sendmsg");
}

static int recv_fd(int sock)
{
	char byte;
	struct iovec iov = { &byte, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = { 0 };
	struct cmsghdr *c;
	int fd;

	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		die("recvmsg");
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		die("recvmsg: no descriptor");
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

int main(int argc, char **argv)
{
	const char *mode, *path;
	int fd, sv[2], p[2];
	pid_t pid;
	char c;

	if (argc != 3) {
		fprintf(stderr, "usage: holdfd ro|rw|map|fork|passed|inflight PATH\n");
		return 2;
	}
	mode = argv[1];
	path = argv[2];
	fd = open(path, (strcmp(mode, "rw") == 0 ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		die(path);

	if (strcmp(mode, "ro") == 0 || strcmp(mode, "rw") == 0) {
		ready(getpid());
		wait_forever();
	}
	if (strcmp(mode, "map") == 0) {
		struct stat st;

		if (fstat(fd, &st) < 0)
			die("fstat");
		if (mmap(NULL, st.st_size ? (size_t)st.st_size : 1, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED)
			die("mmap");
		close(fd);
		ready(getpid());
		wait_forever();
	}
	if (strcmp(mode, "fork") == 0) {
		/* the child has the descriptor from fork() on */
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0)
			wait_forever();
		close(fd);
		ready(pid);
		return 0;
	}
	if (strcmp(mode, "passed") == 0) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 || pipe(p) < 0)
			die("socketpair");
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			int got;

			close(sv[0]);
			close(fd);
			close(p[0]);
			got = recv_fd(sv[1]);
			close(sv[1]);
			(void)got;
			/* received: tell the sender, then keep it */
			if (write(p[1], "r", 1) != 1)
				die("write");
			close(p[1]);
			wait_forever();
		}
		close(sv[1]);
		close(p[1]);
		send_fd(sv[0], fd);
		close(fd);
		if (read(p[0], &c, 1) != 1)
			die("the receiver did not receive");
		close(p[0]);
		close(sv[0]);
		ready(pid);
		return 0;
	}
	if (strcmp(mode, "inflight") == 0) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			die("socketpair");
		send_fd(sv[0], fd);
		close(fd);
		/* both ends stay open and unread: the fd lives in the queue */
		ready(getpid());
		wait_forever();
	}
	fprintf(stderr, "holdfd: unknown mode '%s'\n", mode);
	return 2;
}

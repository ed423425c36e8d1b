/* SPDX-License-Identifier: MIT */
/*
 * seg: make and inspect SysV segments without shmkit, so tests of one
 * program do not depend on the others.
 *   seg create KEY SIZE MODE   create (KEY 0 = IPC_PRIVATE), print the shmid
 *   seg fill ID BYTE            fill the whole segment with BYTE (a number)
 *   seg dump ID                 write the whole segment to stdout
 *   seg ftok PATH PROJ          print ftok(PATH, PROJ) as 0x%08x
 * KEY, SIZE, MODE, BYTE accept C notation (0x.., 0..).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/shm.h>

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (*s == '\0' || *end != '\0') {
		fprintf(stderr, "seg: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static int die(const char *what)
{
	perror(what);
	return 1;
}

static int cmd_create(char **argv)
{
	key_t key = (key_t)(unsigned)num(argv[0]);
	int id = shmget(key, num(argv[1]), IPC_CREAT | IPC_EXCL | (int)num(argv[2]));

	if (id == -1)
		return die("shmget");
	printf("%d\n", id);
	return 0;
}

static int cmd_fill(char **argv)
{
	int id = (int)num(argv[0]);
	struct shmid_ds ds;
	void *p;

	if (shmctl(id, IPC_STAT, &ds) == -1)
		return die("shmctl");
	p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		return die("shmat");
	memset(p, (int)num(argv[1]), ds.shm_segsz);
	shmdt(p);
	return 0;
}

static int cmd_dump(char **argv)
{
	int id = (int)num(argv[0]);
	struct shmid_ds ds;
	const char *p;
	size_t done = 0;

	if (shmctl(id, IPC_STAT, &ds) == -1)
		return die("shmctl");
	p = shmat(id, NULL, SHM_RDONLY);
	if (p == (const void *)-1)
		return die("shmat");
	while (done < ds.shm_segsz) {
		ssize_t n = write(STDOUT_FILENO, p + done, ds.shm_segsz - done);

		if (n <= 0)
			return die("write");
		done += (size_t)n;
	}
	shmdt(p);
	return 0;
}

static int cmd_ftok(char **argv)
{
	key_t key = ftok(argv[0], (int)num(argv[1]));

	if (key == -1)
		return die("ftok");
	printf("0x%08x\n", (unsigned)key);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "create") == 0)
		return cmd_create(argv + 2);
	if (argc == 4 && strcmp(argv[1], "fill") == 0)
		return cmd_fill(argv + 2);
	if (argc == 3 && strcmp(argv[1], "dump") == 0)
		return cmd_dump(argv + 2);
	if (argc == 4 && strcmp(argv[1], "ftok") == 0)
		return cmd_ftok(argv + 2);
	fprintf(stderr, "usage: seg create KEY SIZE MODE | fill ID BYTE | dump ID | ftok PATH PROJ\n");
	return 2;
}

/* SPDX-License-Identifier: MIT */
/* ftok_reader PATH PROJ: the textbook SysV reader (ftok, shmget(key, 0, 0), shmat, printf). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/shm.h>

int main(int argc, char **argv)
{
	key_t key;
	int id;
	char *p;

	if (argc != 3) {
		fprintf(stderr, "usage: ftok_reader PATH PROJ\n");
		return 2;
	}
	key = ftok(argv[1], atoi(argv[2]));
	if (key == -1) {
		perror("ftok");
		return 1;
	}
	id = shmget(key, 0, 0);
	if (id == -1) {
		perror("shmget");
		return 1;
	}
	p = shmat(id, NULL, SHM_RDONLY);
	if (p == (void *)-1) {
		perror("shmat");
		return 1;
	}
	printf("%s\n", p);
	shmdt(p);
	return 0;
}

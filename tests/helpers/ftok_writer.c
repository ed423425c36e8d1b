/* SPDX-License-Identifier: MIT */
/* ftok_writer PATH PROJ TEXT: the textbook SysV writer (ftok, shmget, shmat, strcpy). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

int main(int argc, char **argv)
{
	key_t key;
	int id;
	char *p;

	if (argc != 4) {
		fprintf(stderr, "usage: ftok_writer PATH PROJ TEXT\n");
		return 2;
	}
	key = ftok(argv[1], atoi(argv[2]));
	if (key == -1) {
		perror("ftok");
		return 1;
	}
	id = shmget(key, 4096, IPC_CREAT | 0666);
	if (id == -1) {
		perror("shmget");
		return 1;
	}
	p = shmat(id, NULL, 0);
	if (p == (void *)-1) {
		perror("shmat");
		return 1;
	}
	strcpy(p, argv[3]);
	shmdt(p);
	return 0;
}

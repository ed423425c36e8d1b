/* SPDX-License-Identifier: MIT */
/*
 * population: make many segments in one process, and hold some of them,
 * without shmkit, for the property tests that compare shmls with shmrm.
 *   population create      read a spec on stdin, one object a line:
 *       sysv KEY SIZE MODE UID GID        shmget (KEY 0 = IPC_PRIVATE), then
 *                                         IPC_SET the owner; prints the shmid
 *       posix NAME SIZE MODE UID GID AGE  /dev/shm/NAME (NAME without the
 *                                         slash, \xHH for a byte) owned by
 *                                         UID:GID, its mtime AGE seconds ago
 *                                         (negative: in the future); prints
 *                                         nothing
 *   population hold REF...  attach each SysV shmid REF (SHM_RDONLY), map each
 *                           /NAME (\xHH escapes) and close its descriptor,
 *                           so only the mapping holds it; then print "ready"
 *                           and wait for a signal
 * Numbers accept C notation (0x.., 0..). Any failure exits 1 with a message.
 */
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SHM_DIR "/dev/shm/"

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "population: %s '%s': %s\n", what, arg, strerror(errno));
	exit(1);
}

static long long num(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 0);
	if (*s == '\0' || *end != '\0' || errno) {
		fprintf(stderr, "population: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

/* @in with each \xHH turned into its byte, into @out of @len bytes. */
static void unescape(const char *in, char *out, size_t len)
{
	size_t o = 0;
	unsigned v;

	while (*in && o + 1 < len) {
		if (in[0] == '\\' && in[1] == 'x' && sscanf(in + 2, "%2x", &v) == 1 &&
		    in[2] && in[3]) {
			out[o++] = (char)v;
			in += 4;
		} else {
			out[o++] = *in++;
		}
	}
	out[o] = '\0';
}

static void make_sysv(char **f)
{
	int id = shmget((key_t)(unsigned)num(f[1]), (size_t)num(f[2]),
			IPC_CREAT | IPC_EXCL | (int)num(f[3]));
	struct shmid_ds ds;

	if (id < 0)
		die("cannot shmget", f[1]);
	if (shmctl(id, IPC_STAT, &ds) < 0)
		die("cannot IPC_STAT", f[1]);
	ds.shm_perm.uid = (uid_t)num(f[4]);
	ds.shm_perm.gid = (gid_t)num(f[5]);
	if (shmctl(id, IPC_SET, &ds) < 0)
		die("cannot IPC_SET", f[1]);
	printf("%d\n", id);
}

static void make_posix(char **f)
{
	char path[sizeof(SHM_DIR) + 1024];
	struct timespec ts[2];
	int fd;

	memcpy(path, SHM_DIR, sizeof(SHM_DIR));
	unescape(f[1], path + sizeof(SHM_DIR) - 1, sizeof(path) - sizeof(SHM_DIR));
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		die("cannot create", f[1]);
	if (ftruncate(fd, (off_t)num(f[2])) < 0 || fchmod(fd, (mode_t)num(f[3])) < 0)
		die("cannot size or chmod", f[1]);
	if (fchown(fd, (uid_t)num(f[4]), (gid_t)num(f[5])) < 0)
		die("cannot chown", f[1]);
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= (time_t)num(f[6]);
	ts[1] = ts[0];
	if (futimens(fd, ts) < 0)
		die("cannot set the times of", f[1]);
	close(fd);
}

static int cmd_create(void)
{
	char line[4096], *f[8], *save;
	int n;

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		for (n = 0; n < 8 && (f[n] = strtok_r(n ? NULL : line, " ", &save)); n++)
			;
		if (n == 0)
			continue;
		if (n == 6 && strcmp(f[0], "sysv") == 0) {
			make_sysv(f);
		} else if (n == 7 && strcmp(f[0], "posix") == 0) {
			make_posix(f);
		} else {
			fprintf(stderr, "population: bad spec line starting '%s'\n", f[0]);
			return 2;
		}
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

static int cmd_hold(char **refs, int n)
{
	char path[sizeof(SHM_DIR) + 1024];
	int i, fd;

	for (i = 0; i < n; i++) {
		if (refs[i][0] != '/') {
			if (shmat((int)num(refs[i]), NULL, SHM_RDONLY) == (void *)-1)
				die("cannot shmat", refs[i]);
			continue;
		}
		memcpy(path, SHM_DIR, sizeof(SHM_DIR));
		unescape(refs[i] + 1, path + sizeof(SHM_DIR) - 1, sizeof(path) - sizeof(SHM_DIR));
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			die("cannot open", refs[i]);
		if (mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED)
			die("cannot map", refs[i]);
		close(fd);
	}
	printf("ready\n");
	if (fflush(stdout) != 0)
		return 1;
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "create") == 0)
		return cmd_create();
	if (argc >= 3 && strcmp(argv[1], "hold") == 0)
		return cmd_hold(argv + 2, argc - 2);
	fprintf(stderr, "usage: population create <SPEC | hold REF...\n");
	return 2;
}

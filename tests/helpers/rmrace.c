/* SPDX-License-Identifier: MIT */
/*
 * rmrace -n ROUNDS [-u UID] posix /NAME | sysv 0xKEY: an opener against the
 * real shmrm from PATH, ROUNDS times, counting the rounds in which the
 * opener ends up holding a segment that shmrm said it removed from nobody.
 * -u: the opener runs as UID (and its group), without root's capabilities,
 * and the segment is made mode 0666 so that it may open it.
 *
 * Each round makes the segment afresh, forks the opener (waiting on a
 * pipe), starts shmrm -v (POSIX: by ref and --orphans in turn; SysV: by
 * shmid) and lets the opener go at once. The opener spins for a delay,
 * then opens the object by name and maps it (shm_open, mmap) or attaches
 * the segment by key (shmget, shmat), and keeps it until shmrm has ended;
 * then it looks again: does the name still lead to its inode (fstat of the
 * descriptor vs stat of /dev/shm/NAME), is the segment marked for removal
 * (SHM_DEST)? The delay adapts round by round towards the moment shmrm
 * decides, so both orders keep occurring, but nothing counted depends on
 * which wins: every round is classified by what happened.
 *
 * Prints one line:
 *   posix: R rounds, opener first A, shmrm first B, kept K, reported held
 *   W, violations V, lost L
 *   sysv: R rounds, attach first A, shmrm first B, kept K, removed while
 *   attached W, refused E
 * A POSIX violation: the opener holds the object, its name is gone, and
 * shmrm reported "removed" with no "held" note. Lost: shmrm kept it (said
 * held) yet the name is gone. For SysV, W counts segments shmrm reported
 * "removed" that the opener had attached (only marked for removal), and
 * E the attaches refused with EACCES while shmrm had the segment shut.
 * Exit status 0; 1 when a program failed or said something inconsistent
 * (the message names the round), 2 for a usage error.
 */
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SIZE 4096

extern char **environ;

/* What the opener tells the driver. */
struct result {
	int opened;	/* it holds the segment */
	int err;	/* else the errno of the open or attach */
	int name_ok;	/* POSIX: the name still leads to its inode */
	int dest;	/* SysV: marked for removal while attached */
};

static int sysv;
static char name[4100];		/* "/NAME" */
static char path[4200];		/* "/dev/shm/NAME" */
static key_t key;
static uid_t as_uid = (uid_t)-1;	/* -u */
static mode_t seg_mode = 0600;

static void die(const char *what)
{
	fprintf(stderr, "rmrace: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void read_full(int fd, void *buf, size_t len, const char *what)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			errno = n == 0 ? EPIPE : errno;
			die(what);
		}
		got += (size_t)n;
	}
}

static void write_full(int fd, const void *buf, size_t len, const char *what)
{
	if (write(fd, buf, len) != (ssize_t)len)
		die(what);
}

/* The opener: go, spin @delay ns, take the segment, wait, look again. */
static void opener(int go, int check, int report, uint64_t delay, int id)
{
	struct result r = { 0 };
	struct stat fst, st;
	uint64_t until;
	char c;
	int fd = -1;

	if (as_uid != (uid_t)-1 && (setresgid(as_uid, as_uid, as_uid) < 0 ||
				    setgroups(0, NULL) < 0 || setresuid(as_uid, as_uid, as_uid) < 0))
		die("opener: -u");
	read_full(go, &c, 1, "opener: go");
	until = now_ns() + delay;
	/* asleep for most of it, leaving the CPU to shmrm; spun at the end */
	if (delay > 300000) {
		struct timespec nap = { 0, (long)(delay - 200000) };

		nanosleep(&nap, NULL);
	}
	while (now_ns() < until)
		;
	if (!sysv) {
		fd = shm_open(name, O_RDWR, 0);
		if (fd < 0) {
			r.err = errno;
		} else if (mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED) {
			die("opener: mmap");
		} else {
			r.opened = 1;
		}
	} else {
		int sid = shmget(key, 0, 0);

		if (sid < 0)
			r.err = errno;
		else if (shmat(sid, NULL, 0) == (void *)-1)
			r.err = errno;
		else
			r.opened = 1;
		id = sid;
	}
	read_full(check, &c, 1, "opener: check");
	if (r.opened && !sysv) {
		if (fstat(fd, &fst) < 0)
			die("opener: fstat");
		r.name_ok = stat(path, &st) == 0 && st.st_dev == fst.st_dev &&
			    st.st_ino == fst.st_ino;
	} else if (r.opened) {
		struct shmid_ds ds;

		if (shmctl(id, IPC_STAT, &ds) < 0)
			die("opener: IPC_STAT");
		r.dest = (ds.shm_perm.mode & SHM_DEST) != 0;
	}
	write_full(report, &r, sizeof(r), "opener: report");
	_exit(0);
}

/* All of @fd until EOF into @buf (NUL-terminated, truncated to @len - 1). */
static void slurp(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	char junk[4096];

	for (;;) {
		if (got < len - 1)
			n = read(fd, buf + got, len - 1 - got);
		else
			n = read(fd, junk, sizeof(junk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (got < len - 1)
			got += (size_t)n;
	}
	buf[got] = '\0';
}

/* A fresh segment; its shmid for SysV. */
static int make(void)
{
	int fd, id = 0;

	if (sysv) {
		id = shmget(key, SIZE, IPC_CREAT | IPC_EXCL | (int)seg_mode);
		if (id < 0)
			die("shmget");
		return id;
	}
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, seg_mode);
	if (fd < 0 || fchmod(fd, seg_mode) < 0)
		die("shm_open");
	if (ftruncate(fd, SIZE) < 0)
		die("ftruncate");
	close(fd);
	return 0;
}

/* Whatever is left of the round's segment goes; a private name left
 * behind by shmrm (.shmkit-rm-*) is an error. */
static int sweep(int id, unsigned long round)
{
	DIR *d;
	struct dirent *e;
	int bad = 0;

	if (sysv) {
		(void)shmctl(id, IPC_RMID, NULL);
		return 0;
	}
	(void)shm_unlink(name);
	d = opendir("/dev/shm");
	if (!d)
		die("/dev/shm");
	while ((e = readdir(d)))
		if (strncmp(e->d_name, ".shmkit-rm-", 11) == 0) {
			fprintf(stderr, "rmrace: round %lu: shmrm left /dev/shm/%s\n", round, e->d_name);
			(void)unlinkat(dirfd(d), e->d_name, 0);
			bad = 1;
		}
	closedir(d);
	return bad;
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (*s == '\0' || *end != '\0' || errno) {
		fprintf(stderr, "rmrace: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long rounds = 0, round;
	unsigned long first_opener = 0, first_rm = 0, kept = 0, held_note = 0,
		      violations = 0, lost = 0, refused_open = 0, failed = 0;
	double center = 0, avg_rm = 0;
	char out[8192], err[8192], ref[64], want_removed[4200], want_held[4200];
	char a_shmrm[] = "shmrm", a_verbose[] = "-v", a_orphans[] = "--orphans";
	int opt;

	while ((opt = getopt(argc, argv, "n:u:")) != -1) {
		if (opt == 'n') {
			rounds = num(optarg);
		} else if (opt == 'u') {
			as_uid = (uid_t)num(optarg);
			seg_mode = 0666;
		} else {
			goto usage;
		}
	}
	if (optind + 2 != argc || rounds == 0)
		goto usage;
	if (strcmp(argv[optind], "sysv") == 0) {
		sysv = 1;
		key = (key_t)num(argv[optind + 1]);
	} else if (strcmp(argv[optind], "posix") == 0 && argv[optind + 1][0] == '/' &&
		   strlen(argv[optind + 1]) < 4000 && !strchr(argv[optind + 1] + 1, '/')) {
		snprintf(name, sizeof(name), "%s", argv[optind + 1]);
		snprintf(path, sizeof(path), "/dev/shm/%s", name + 1);
	} else {
		goto usage;
	}
	srand((unsigned)getpid());

	for (round = 0; round < rounds; round++) {
		int go[2], check[2], report[2], po[2], pe[2], id, status, orphans;
		posix_spawn_file_actions_t fa;
		struct result r;
		uint64_t delay, t0, took;
		double at;
		pid_t kid, rm;
		char *av[5];
		int ac = 0, removed, refused;

		id = make();
		/* the delay: around the moment shmrm decided lately, +-20% of its run */
		at = center + (rand() / (double)RAND_MAX - 0.5) * 0.4 * avg_rm;
		delay = at > 0 ? (uint64_t)at : 0;
		if (pipe(go) < 0 || pipe(check) < 0 || pipe(report) < 0 || pipe(po) < 0 || pipe(pe) < 0)
			die("pipe");
		kid = fork();
		if (kid < 0)
			die("fork");
		if (kid == 0) {
			close(go[1]);
			close(check[1]);
			close(report[0]);
			close(po[0]);
			close(po[1]);
			close(pe[0]);
			close(pe[1]);
			opener(go[0], check[0], report[1], delay, id);
		}
		close(go[0]);
		close(check[0]);
		close(report[1]);

		orphans = !sysv && (round & 1);
		av[ac++] = a_shmrm;
		av[ac++] = a_verbose;
		if (orphans) {
			av[ac++] = a_orphans;
		} else if (sysv) {
			snprintf(ref, sizeof(ref), "%d", id);
			av[ac++] = ref;
		} else {
			av[ac++] = name;
		}
		av[ac] = NULL;
		snprintf(want_removed, sizeof(want_removed), "removed %s\n", sysv ? ref : name);
		snprintf(want_held, sizeof(want_held), "unlinked %s, held by ", name);

		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_adddup2(&fa, po[1], 1);
		posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
		posix_spawn_file_actions_addclose(&fa, po[0]);
		posix_spawn_file_actions_addclose(&fa, pe[0]);
		posix_spawn_file_actions_addclose(&fa, go[1]);
		posix_spawn_file_actions_addclose(&fa, check[1]);
		posix_spawn_file_actions_addclose(&fa, report[0]);
		t0 = now_ns();
		errno = posix_spawnp(&rm, "shmrm", &fa, NULL, av, environ);
		if (errno)
			die("shmrm");
		posix_spawn_file_actions_destroy(&fa);
		write_full(go[1], "g", 1, "go");
		close(go[1]);
		close(po[1]);
		close(pe[1]);
		/* stdout first: shmrm writes little to either */
		slurp(po[0], out, sizeof(out));
		slurp(pe[0], err, sizeof(err));
		close(po[0]);
		close(pe[0]);
		if (waitpid(rm, &status, 0) < 0)
			die("waitpid");
		took = now_ns() - t0;
		write_full(check[1], "c", 1, "check");
		close(check[1]);
		read_full(report[0], &r, sizeof(r), "report");
		close(report[0]);
		if (waitpid(kid, NULL, 0) < 0)
			die("waitpid");

		if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
			fprintf(stderr, "rmrace: round %lu: shmrm %s %d: %s%s\n", round,
				WIFEXITED(status) ? "exited with" : "killed by signal",
				WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), out, err);
			failed = 1;
			break;
		}
		/* removed: exit 0 and "removed REF" (--orphans: nothing for a kept one) */
		removed = WEXITSTATUS(status) == 0 && strcmp(out, want_removed) == 0;
		refused = orphans ? WEXITSTATUS(status) == 0 && out[0] == '\0'
				  : WEXITSTATUS(status) == 1 && out[0] == '\0' &&
					    strstr(err, "held by") != NULL;
		if (!sysv && WEXITSTATUS(status) == 0 && strncmp(out, want_held, strlen(want_held)) == 0) {
			held_note++;	/* the window shmrm(1) admits, reported */
			removed = -1;
		}
		if (!removed && !refused) {
			fprintf(stderr, "rmrace: round %lu: unexpected from shmrm (exit %d): '%s' '%s'\n",
				round, WEXITSTATUS(status), out, err);
			failed = 1;
			break;
		}
		if (!r.opened && sysv && r.err == EACCES && as_uid != (uid_t)-1) {
			/* shut out while shmrm recounted: that is the point */
			refused_open++;
		}
		if (!r.opened) {
			if (r.err != ENOENT && r.err != EIDRM && r.err != EINVAL &&
			    !(sysv && r.err == EACCES && as_uid != (uid_t)-1)) {
				errno = r.err;
				die("opener");
			}
			first_rm++;
			if (!removed) {
				fprintf(stderr, "rmrace: round %lu: kept, yet the opener found nothing\n", round);
				failed = 1;
				break;
			}
			/* shmrm decided before the open: the next opens come earlier... */
			center -= avg_rm / 50;
			if (center < 0)
				center = 0;
		} else {
			first_opener++;
			/* ...and after it, later, never past two runs of shmrm */
			center += avg_rm / 50;
			if (center > 2 * avg_rm)
				center = 2 * avg_rm;
			if (refused)
				kept++;
			if (!sysv) {
				if (!r.name_ok && removed == 1)
					violations++;
				if (!r.name_ok && refused)
					lost++;
			} else if (removed && r.dest) {
				held_note++;
			} else if (refused && r.dest) {
				fprintf(stderr, "rmrace: round %lu: kept, yet marked for removal\n", round);
				failed = 1;
			}
		}
		avg_rm = avg_rm > 0 ? avg_rm * 0.9 + took * 0.1 : took;
		if (center == 0 && round == 0)
			center = avg_rm / 2;
		if (sweep(id, round))
			failed = 1;
	}
	if (sysv)
		printf("sysv: %lu rounds, attach first %lu, shmrm first %lu, kept %lu, removed while attached %lu, refused %lu\n",
		       round, first_opener, first_rm, kept, held_note, refused_open);
	else
		printf("posix: %lu rounds, opener first %lu, shmrm first %lu, kept %lu, reported held %lu, violations %lu, lost %lu\n",
		       round, first_opener, first_rm, kept, held_note, violations, lost);
	return failed;
usage:
	fprintf(stderr, "usage: rmrace -n ROUNDS [-u UID] posix /NAME | sysv 0xKEY\n");
	return 2;
}

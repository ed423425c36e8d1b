# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# How shmkit grows: three populations, small, middle and large, of SysV
# segments, POSIX objects and processes (40 % of them holders: half attached
# to a SysV segment, half mapping a POSIX object), and for each listing and
# removal command its time at each size, its growth factor and its peak RSS;
# then the peer ratios at the largest size. Run by bench/run inside its own
# IPC, mount and PID namespace, so the population made here is all there is.
#
# Growth factor: time at the largest size / (size ratio x time at the
# smallest), where the size is what the command walks: the objects it lists
# (SysV + POSIX), plus the processes for the commands that look for holders.
# 1.0 is linear; a quadratic step shows as a factor near the size ratio.
#
# BENCH_SCALE="4000:10000:500 16000:50000:2500 32768:100000:5000" sets the
# populations (SYSV:POSIX:PROCS, smallest first, largest last).
# shellcheck source=bench/lib.sh
. "$BENCH_LIB"
set -u

N=${BENCH_RUNS:-3}
read -r -a SIZES <<<"${BENCH_SCALE:-4000:10000:500 16000:50000:2500 32768:100000:5000}"
tmp=$(mktemp -d)
holders=
trap 'stop_holders; rm -rf "$tmp"; ipcrm --all=shm 2>/dev/null; find /dev/shm -type f -delete' EXIT

# The namespace's own limits: 32 768 segments is the kernel's ceiling
# without ipcmni_extend. kernel.shm* are per IPC namespace.
echo 32768 >/proc/sys/kernel/shmmni

# One small C program makes the populations and holds them: a fork per
# holder costs a few pages, where a Python child costs megabytes.
cat >"$tmp/pop.c" <<'EOF'
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* pop sysv N | pop posix N | pop hold NPROC NSYSV NPOSIX READY | pop rss CMD... */
static void die(const char *what) { perror(what); exit(1); }

int main(int argc, char **argv)
{
	char name[64];
	int i, n = argc > 2 ? atoi(argv[2]) : 0;

	if (argc > 2 && !strcmp(argv[1], "sysv")) {
		for (i = 0; i < n; i++)
			if (shmget(0x5c000000 + i, 4096, IPC_CREAT | 0600) < 0)
				die("shmget");
	} else if (argc > 2 && !strcmp(argv[1], "posix")) {
		for (i = 0; i < n; i++) {
			int fd;

			snprintf(name, sizeof(name), "/dev/shm/scale-%06d", i);
			fd = open(name, O_CREAT | O_RDWR, 0600);
			if (fd < 0 || ftruncate(fd, 4096) < 0)
				die(name);
			close(fd);
		}
	} else if (argc > 5 && !strcmp(argv[1], "hold")) {
		int nsysv = atoi(argv[3]), nposix = atoi(argv[4]);

		for (i = 0; i < n; i++) {
			pid_t pid = fork();

			if (pid < 0)
				die("fork");
			if (pid > 0)
				continue;
			if (i % 5 == 0 && nsysv > 0) {	/* 20 %: SysV */
				int id = shmget(0x5c000000 + i % nsysv, 0, 0);

				if (id < 0 || shmat(id, NULL, SHM_RDONLY) == (void *)-1)
					die("shmat");
			} else if (i % 5 == 1 && nposix > 0) {	/* 20 %: POSIX */
				int fd;

				snprintf(name, sizeof(name), "/dev/shm/scale-%06d", i % nposix);
				fd = open(name, O_RDONLY);
				if (fd < 0 || mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED)
					die(name);
				close(fd);
			}
			pause();
			_exit(0);
		}
		if (close(open(argv[5], O_CREAT | O_WRONLY, 0600)) < 0)
			die(argv[5]);
		signal(SIGTERM, SIG_IGN);
		pause();
	} else if (argc > 2 && !strcmp(argv[1], "rss")) {
		struct rusage ru;
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, 1);
			dup2(null, 2);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (pid < 0 || wait4(pid, &st, 0, &ru) < 0)
			die("wait4");
		printf("%ld\n", ru.ru_maxrss);
	} else {
		fputs("usage: pop sysv N | posix N | hold NPROC NSYSV NPOSIX READY | rss CMD...\n", stderr);
		return 2;
	}
	return 0;
}
EOF
cc -O2 -o "$tmp/pop" "$tmp/pop.c"

stop_holders() {
	if [ -n "$holders" ]; then
		# the children are in the holder's process group
		kill -KILL -- "-$holders" 2>/dev/null
		wait "$holders" 2>/dev/null
		holders=
	fi
}

# populate SYSV POSIX PROCS: a fresh population, holders running.
populate() {
	stop_holders
	ipcrm --all=shm 2>/dev/null
	find /dev/shm -type f -delete
	"$tmp/pop" sysv "$1" && "$tmp/pop" posix "$2" || return 1
	rm -f "$tmp/ready"
	setsid "$tmp/pop" hold "$3" "$1" "$2" "$tmp/ready" &
	holders=$!
	while [ ! -e "$tmp/ready" ]; do sleep 0.1; done
}

# The rows: a label, whether its size counts processes, and the command.
# The removal rows are dry runs, or put their population back (setup).
rows=(
	"shmls|0|shmls"
	"shmls -J|0|shmls -J"
	"shmls -p|1|shmls -p"
	"shmls --orphans|1|shmls --orphans"
	"shmrm -n --orphans|1|shmrm -n --orphans"
)
declare -A T RSS
for size in "${SIZES[@]}"; do
	IFS=: read -r s p r <<<"$size"
	populate "$s" "$p" "$r" || exit 1
	for row in "${rows[@]}"; do
		IFS='|' read -r label procs cmd <<<"$row"
		# shellcheck disable=SC2086 # the command is words on purpose
		T[$label,$size]=$(best "$N" $cmd)
		# shellcheck disable=SC2086
		RSS[$label,$size]=$("$tmp/pop" rss $cmd)
	done
	# shmrm --all: the holders stay, each removal takes a fresh population
	# of segments (the held ones are refused, as without -f they must be).
	stop_holders
	T[shmrm --all,$size]=$(timed 1 "\"$tmp/pop\" sysv $s && \"$tmp/pop\" posix $p" shmrm --all)
	RSS[shmrm --all,$size]=$("$tmp/pop" sysv "$s" && "$tmp/pop" posix "$p" && "$tmp/pop" rss shmrm --all)
done
rows+=("shmrm --all|0|shmrm --all")

first=${SIZES[0]} last=${SIZES[${#SIZES[@]} - 1]}
# weight SIZE PROCS: what a command walks at that size
weight() {
	local s p r
	IFS=: read -r s p r <<<"$1"
	echo $((s + p + ($2 ? r : 0)))
}
printf '   %-20s' "command"
for size in "${SIZES[@]}"; do printf ' %22s' "$size"; done
printf '  %s\n' "growth (target <= 1.15)   peak RSS at largest"
for row in "${rows[@]}"; do
	IFS='|' read -r label procs _ <<<"$row"
	printf '   %-20s' "$label"
	for size in "${SIZES[@]}"; do printf ' %21.3fs' "${T[$label,$size]}"; done
	awk -v a="${T[$label,$first]}" -v b="${T[$label,$last]}" \
		-v wa="$(weight "$first" "$procs")" -v wb="$(weight "$last" "$procs")" \
		-v rss="${RSS[$label,$last]}" 'BEGIN {
		g = (a > 0) ? b / (a * wb / wa) : 0
		printf "  %5.2f %-6s               %6.1f MiB\n", g, g <= 1.15 ? "met" : "MISSED", rss / 1024
	}'
done

# Memory at the largest size: shmls -p over everything.
IFS=: read -r s p r <<<"$last"
populate "$s" "$p" "$r" || exit 1
kib=$("$tmp/pop" rss shmls -p)
awk -v k="$kib" -v n=$((s + p)) -v r="$r" 'BEGIN {
	printf "   %-58s %6.1f MiB, %5.0f bytes per object  target <= 64 MiB  %s\n",
		"peak RSS of shmls -p, " n " objects, " r " processes", k / 1024, k * 1024 / n,
		(k <= 64 * 1024) ? "met" : "MISSED"
}'

# The peers at the largest size.
ours=$(best "$N" shmls --sysv)
ratio "$s SysV: shmls --sysv vs lsipc -m" "$ours" "$(best "$N" lsipc -m)" "<=0.5"
ratio "$s SysV: shmls --sysv vs ipcs -m" "$ours" "$(best "$N" ipcs -m)" "<=0.7"
ratio "$p POSIX: shmls --posix vs ls -l /dev/shm" "$(best "$N" shmls --posix)" \
	"$(best "$N" ls -l /dev/shm)" "<=0.7"
ratio "$r processes: shmls -p vs lsof /dev/shm" "$(best "$N" shmls -p)" \
	"$(best 1 lsof /dev/shm)" "<=0.15"
# Removal of every POSIX object, the holders still running (they keep
# theirs mapped: find removes those too, shmrm --orphans must leave them).
mk_posix="find /dev/shm -type f -delete; \"$tmp/pop\" posix $p"
peer=$(timed "$N" "$mk_posix" find /dev/shm -type f -delete)
ratio "$p POSIX: shmrm --all --posix vs find -delete" \
	"$(timed "$N" "$mk_posix" shmrm --all --posix)" "$peer" "<=1.0"
ratio "$p POSIX, $r processes: shmrm --orphans --posix vs find -delete" \
	"$(timed "$N" "$mk_posix" shmrm --orphans --posix)" "$peer" "<=1.3"

# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# shmrm against what people run instead: ipcrm --all=shm for 4000 SysV
# segments, rm -f /dev/shm/* for 10 000 POSIX objects; then --orphans, which
# must also look at every process, against the same two.
# shellcheck source=bench/lib.sh
. "$BENCH_LIB"

RUNS=${BENCH_RUNS:-5}
NSYSV=${BENCH_SHMRM_SYSV:-4000}
NPOSIX=${BENCH_SHMRM_POSIX:-10000}

# The sets, made without shmkit and outside the timing.
make_sysv() {
	python3 - "$NSYSV" <<'EOF'
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
for i in range(int(sys.argv[1])):
    if libc.shmget(0x51000000 + i, 4096, 0o1600 | 0o600) < 0:
        sys.exit("shmget: errno %d" % ctypes.get_errno())
EOF
}

make_posix() {
	python3 - "$NPOSIX" <<'EOF'
import os, sys
for i in range(int(sys.argv[1])):
    fd = os.open("/dev/shm/bench-%05d" % i, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    os.ftruncate(fd, 4096)
    os.close(fd)
EOF
}

# Each run must have removed everything, or the timing means nothing.
check_empty() {
	if [ "$(awk 'NR > 1' /proc/sysvipc/shm | wc -l)" != 0 ] || [ -n "$(ls -A /dev/shm)" ]; then
		echo "   (a run left segments behind)"
		ipcrm --all=shm 2>/dev/null
		rm -f /dev/shm/*
	fi
}

echo 32768 >/proc/sys/kernel/shmmni 2>/dev/null

peer=$(timed "$RUNS" make_sysv ipcrm --all=shm)
check_empty
ours=$(timed "$RUNS" make_sysv shmrm --all --sysv)
check_empty
ratio "shmrm --all --sysv, $NSYSV segments vs ipcrm --all=shm" "$ours" "$peer" "<=1.0"
orph=$(timed "$RUNS" make_sysv shmrm --orphans --sysv)
check_empty
ratio "shmrm --orphans --sysv, $NSYSV segments vs ipcrm --all=shm" "$orph" "$peer" "<=2.0"

peer=$(timed "$RUNS" make_posix bash -c 'rm -f /dev/shm/*')
check_empty
ours=$(timed "$RUNS" make_posix shmrm --all --posix)
check_empty
ratio "shmrm --all --posix, $NPOSIX objects vs rm -f /dev/shm/*" "$ours" "$peer" "<=1.0"
orph=$(timed "$RUNS" make_posix shmrm --orphans --posix)
check_empty
ratio "shmrm --orphans --posix, $NPOSIX objects vs rm -f /dev/shm/*" "$orph" "$peer" "<=2.0"

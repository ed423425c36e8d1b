# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# shmls -A against the loop people use today, nsenter into each namespace
# for ipcs and ls; and whether shmls -A grows linearly with the number of
# namespaces. Run by bench/run inside its own IPC, mount and PID namespace,
# so the namespaces made here are the only others there.
# shellcheck source=bench/lib.sh
. "$BENCH_LIB"
set -u
N=${BENCH_RUNS:-5}
tmp=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$tmp"' EXIT

# ns_make I: one more namespace pair, with its own /dev/shm: 100 SysV
# segments, 100 POSIX objects, and one process (the holder) mapping one of
# each, which is all that keeps the namespaces alive.
ns_make() {
	# shellcheck disable=SC2016 # for the inner shell
	unshare --ipc --mount --propagation private -- bash -c '
		mount -t tmpfs -o size=8m,mode=1777 bench /dev/shm && exec python3 - "$1"' _ "$tmp/ready.$1" <<'PY' &
import ctypes, mmap, os, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
ids = [libc.shmget(0x10000 + i, 4096, 0o1600) for i in range(100)]
for i in range(100):
    fd = os.open("/dev/shm/bench-%03d" % i, os.O_CREAT | os.O_RDWR, 0o600)
    os.ftruncate(fd, 4096)
    if i == 0:
        m = mmap.mmap(fd, 4096)
    os.close(fd)
libc.shmat(ids[0], None, 0)
open(sys.argv[1], "w").close()
signal.pause()
PY
	pids+=("$!")
	while [ ! -e "$tmp/ready.$1" ]; do sleep 0.05; done
}

# the loop: every namespace's holder, as a user would find them
nsenter_loop() {
	local p
	for p in "${pids[@]}"; do
		nsenter -t "$p" -i -m sh -c 'ipcs -m; ls -l /dev/shm'
	done
}

for ((i = 0; i < 10; i++)); do ns_make "$i"; done
t10=$(best "$N" shmls -A)
for ((i = 10; i < 50; i++)); do ns_make "$i"; done
t50=$(best "$N" shmls -A)
[ "$(shmls -A -rn -o REF | wc -l)" = 10000 ] || echo "   (shmls -A did not list 10000 segments)"
ratio "50 namespaces x 200 segments: shmls -A vs nsenter loop" "$t50" "$(best 3 nsenter_loop)" "<=0.2"
ratio "linearity: shmls -A at 50 namespaces vs 5 x at 10" "$t50" \
	"$(awk -v t="$t10" 'BEGIN { printf "%.6f", 5 * t }')" "<=1.2"

# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# shmls against ipcs, lsipc, ls, lsof and grep; run by bench/run inside its
# own IPC, mount and PID namespace, so the segments and processes made here
# are the only ones there.
# shellcheck source=bench/lib.sh
. "$BENCH_LIB"
set -u
N=${BENCH_RUNS:-5}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT

# 4000 SysV segments, made in one process (shmmni is 4096 by default).
python3 - <<'EOF'
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
for i in range(4000):
    if libc.shmget(0x10000 + i, 4096, 0o1600) < 0:
        raise SystemExit("shmget failed: errno %d" % ctypes.get_errno())
EOF
ours=$(best "$N" shmls --sysv)
ratio "4000 SysV: shmls --sysv vs ipcs -m" "$ours" "$(best "$N" ipcs -m)" "<=0.7"
ratio "4000 SysV: shmls --sysv vs lsipc -m" "$ours" "$(best "$N" lsipc -m)" "<=0.5"
ipcrm --all=shm

# 10 000 POSIX objects of one page each.
python3 - <<'EOF'
import os
for i in range(10000):
    fd = os.open("/dev/shm/bench-%05d" % i, os.O_CREAT | os.O_RDWR, 0o600)
    os.ftruncate(fd, 4096)
    os.close(fd)
EOF
ratio "10000 POSIX: shmls --posix vs ls -l /dev/shm" "$(best "$N" shmls --posix)" \
	"$(best "$N" ls -l /dev/shm)" "<=1.0"
rm -f /dev/shm/bench-*

# About 500 processes: 200 map a POSIX object, 200 are attached to a SysV
# segment, 100 hold nothing. One Python parent forks them all.
python3 - "$tmp/ready" <<'EOF' &
import ctypes, mmap, os, signal, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
ids = []
for i in range(200):
    fd = os.open("/dev/shm/hold-%03d" % i, os.O_CREAT | os.O_RDWR, 0o600)
    os.ftruncate(fd, 4096)
    os.close(fd)
    ids.append(libc.shmget(0x20000 + i, 4096, 0o1600))
kids = []
for i in range(500):
    pid = os.fork()
    if pid == 0:
        if i < 200:
            fd = os.open("/dev/shm/hold-%03d" % i, os.O_RDWR)
            m = mmap.mmap(fd, 4096)
            os.close(fd)
        elif i < 400:
            libc.shmat(ids[i - 200], None, 0)
        signal.pause()
        os._exit(0)
    kids.append(pid)
open(sys.argv[1], "w").close()
signal.signal(signal.SIGTERM, lambda *a: [os.kill(k, 9) for k in kids] and sys.exit(0))
signal.pause()
EOF
while [ ! -e "$tmp/ready" ]; do sleep 0.1; done
sleep 0.5
ours=$(best "$N" shmls -p)
ratio "~400 holders: shmls -p vs lsof /dev/shm" "$ours" "$(best 3 lsof /dev/shm)" "<=0.2"
ratio "~400 holders: shmls -p vs grep -l SYSV /proc/*/maps" "$ours" \
	"$(best "$N" bash -c 'grep -l SYSV /proc/*/maps')" "<=1.2"
kill %1 2>/dev/null
wait 2>/dev/null
ipcrm --all=shm
rm -f /dev/shm/hold-*

# Start-up with nothing to list, against a C program that does nothing but
# is linked with the same option and capability libraries, and built with
# the hardening flags the Makefile gives shmls (PIE, -z relro -z now).
printf 'int main(void) { return 0; }\n' >"$tmp/empty.c"
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
cc -O2 -fPIE -pie -Wl,-z,relro,-z,now -o "$tmp/empty" "$tmp/empty.c" -Wl,--no-as-needed \
	$(pkg-config --libs popt libcap)
ratio "start-up: shmls (nothing to list) vs empty C program" "$(best 50 shmls)" \
	"$(best 50 "$tmp/empty")" "<=1.2"

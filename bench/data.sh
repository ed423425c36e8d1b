#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The data path against what a user would run instead: five throughput
# figures (1 GiB unless BENCH_DATA_SIZE says otherwise) and the private
# memory of shmwrite/shmread at 1 MiB and 1 GiB. Run by bench/run, inside a
# namespace whose /dev/shm is a private tmpfs.
# The commands timed are strings for eval (timed in bench/lib.sh), expanded
# when they run.
# shellcheck disable=SC2016
set -u
# shellcheck source=bench/lib.sh
. "$BENCH_LIB"

SIZE=${BENCH_DATA_SIZE:-1G}
RUNS=${BENCH_RUNS:-3}
# BENCH_DATA_ONLY="1 3 mem": only those figures (1 to 7) and the memory part.
ONLY=${BENCH_DATA_ONLY:-1 2 3 4 5 6 7 mem}
want() { [[ " $ONLY " == *" $1 "* ]]; }
bytes=$(numfmt --from=iec "$SIZE")
work=$(mktemp -d "${TMPDIR:-/tmp}/shmkit-bench.XXXXXX")
trap 'umount "$work/files" 2>/dev/null; rm -rf "$work"; ipcrm --all=shm 2>/dev/null' EXIT
mkdir "$work/files"
# Input and output files live on a tmpfs of their own, so that disk
# writeback does not blur the figures (and cat's copy_file_range gets EXDEV
# as it would from any other file system).
mount -t tmpfs -o size=$((2 * bytes + (64 << 20))) shmkit-bench-files "$work/files"
F=$work/files/in
head -c "$bytes" /dev/urandom >"$F"

# The peers nobody ships as a command: plain read()/write() on a fresh shmat().
cc -O2 -o "$work/peer" -x c - <<'EOF'
#include <sys/shm.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	int id = atoi(argv[2]);
	struct shmid_ds ds;
	char *p;
	size_t len, done = 0;
	ssize_t n;

	if (argc != 3 || shmctl(id, IPC_STAT, &ds) < 0)
		return 2;
	len = ds.shm_segsz;
	p = shmat(id, NULL, argv[1][0] == 'r' ? 0 : SHM_RDONLY);
	if (p == (void *)-1)
		return 1;
	while (done < len) {
		n = argv[1][0] == 'r' ? read(0, p + done, len - done) : write(1, p + done, len - done);
		if (n <= 0)
			return n < 0;
		done += (size_t)n;
	}
	return 0;
}
EOF

sysv_fresh() {
	ipcrm --all=shm
	shmcreate 0x5eed "$bytes" >"$work/id"
}

echo "   data: $SIZE ($bytes bytes), best of $RUNS; time ratios, so <= 0.5 means 2x the throughput"

if want 1; then
	ours=$(timed "$RUNS" 'rm -f /dev/shm/x' eval 'shmwrite -c /x < "$F"')
	peer=$(timed "$RUNS" 'rm -f /dev/shm/x' eval 'cat "$F" > /dev/shm/x')
	ratio "POSIX: shmwrite -c /x < file  vs  cat file > /dev/shm/x" "$ours" "$peer" "<=1.0"
fi

if want 2; then
	ours=$(timed "$RUNS" sysv_fresh eval 'shmwrite 0x5eed < "$F"')
	peer=$(timed "$RUNS" sysv_fresh eval '"$work/peer" r "$(cat "$work/id")" < "$F"')
	ratio "SysV: shmwrite KEY < file  vs  read() into a fresh shmat" "$ours" "$peer" "<=0.77"
fi

cp "$F" /dev/shm/x
if want 3; then
	ours=$(timed "$RUNS" : eval 'shmread /x | cat > /dev/null')
	peer=$(timed "$RUNS" : eval 'cat /dev/shm/x | cat > /dev/null')
	ratio "POSIX: shmread /x | cat  vs  cat /dev/shm/x | cat" "$ours" "$peer" "<=0.5"
fi

if want 4; then
	sysv_fresh
	shmwrite 0x5eed "$F"
	ours=$(timed "$RUNS" : eval 'shmread 0x5eed | cat > /dev/null')
	peer=$(timed "$RUNS" : eval '"$work/peer" w "$(cat "$work/id")" | cat > /dev/null')
	ratio "SysV: shmread KEY | cat  vs  write() from a fresh shmat | cat" "$ours" "$peer" "<=0.5"
fi

if want 5; then
	ours=$(timed "$RUNS" 'rm -f "$work/files/out"' eval 'shmread /x > "$work/files/out"')
	peer=$(timed "$RUNS" 'rm -f "$work/files/out"' eval 'cat /dev/shm/x > "$work/files/out"')
	ratio "POSIX: shmread /x > file  vs  cat /dev/shm/x > file" "$ours" "$peer" "<=1.0"
fi
# --progress (issue 18): the target is a cost under 2 %, a difference that
# best-of-N cannot see: the median of paired runs.
PAIRS=${BENCH_PAIRS:-15}
if want 6; then
	read -r ours peer < <(paired "$PAIRS" 'rm -f /dev/shm/y' \
		'shmwrite -c --progress /y < "$F" 2>/dev/null' 'shmwrite -c /y < "$F"')
	ratio "POSIX: shmwrite -c --progress /y < file  vs  without" "$ours" "$peer" "<=1.02"
	rm -f /dev/shm/y
fi

if want 7; then
	read -r ours peer < <(paired "$PAIRS" 'rm -f "$work/files/out"' \
		'shmread --progress /x > "$work/files/out" 2>/dev/null' 'shmread /x > "$work/files/out"')
	ratio "POSIX: shmread --progress /x > file  vs  without" "$ours" "$peer" "<=1.02"
fi
rm -f "$work/files/out" /dev/shm/x
ipcrm --all=shm
want mem || exit 0

# Memory: peak RSS (VmHWM after exec, counts the segment's pages it maps) and the peak
# of private memory, Anonymous in smaps_rollup (heap, stack, buffers: what
# the segment's pages are not), sampled every millisecond. The input is
# held open and the output drained late so that a sample lands after the
# copy even at 1 MiB.
mem() {
	python3 - "$@" <<'EOF'
import subprocess, sys, threading, time
mode, ref, path = sys.argv[1:4]
peak = [0, 0]
def sample(pid):
    while True:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Anonymous:"):
                        peak[0] = max(peak[0], int(line.split()[1]))
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak[1] = max(peak[1], int(line.split()[1]))
        except (OSError, ValueError):
            return
        time.sleep(0.001)
if mode in ("write-file", "read-file"):
    # the two-thread copy, sampled while it runs
    with open(path, "rb" if mode == "write-file" else "wb") as f:
        prog = ["shmwrite", ref] if mode == "write-file" else ["shmread", ref]
        p = subprocess.Popen(prog, stdin=f if mode == "write-file" else None,
                             stdout=f if mode == "read-file" else None)
        sample(p.pid)
elif mode == "write":
    p = subprocess.Popen(["shmwrite", ref], stdin=subprocess.PIPE)
    threading.Thread(target=sample, args=(p.pid,), daemon=True).start()
    with open(path, "rb") as f:
        while (b := f.read(1 << 20)):
            p.stdin.write(b)
    p.stdin.flush()
    time.sleep(0.2)
    p.stdin.close()
else:
    p = subprocess.Popen(["shmread", ref], stdout=subprocess.PIPE)
    threading.Thread(target=sample, args=(p.pid,), daemon=True).start()
    time.sleep(0.2)
    while p.stdout.read(1 << 20):
        pass
p.wait()
print(f"peak RSS {peak[1] / 1024:7.1f} MiB   private (anonymous) {peak[0] / 1024:5.2f} MiB")
EOF
}

for sz in 1M "$SIZE"; do
	b=$(numfmt --from=iec "$sz")
	head -c "$b" "$F" >"$work/files/m"
	shmcreate /m "$b" >/dev/null
	id=$(shmcreate 0x6eed "$b")
	printf '   memory %-5s shmwrite POSIX: %s\n' "$sz" "$(mem write /m "$work/files/m")"
	printf '   memory %-5s shmread  POSIX: %s\n' "$sz" "$(mem read /m "$work/files/m")"
	printf '   memory %-5s shmwrite SysV:  %s\n' "$sz" "$(mem write "$id" "$work/files/m")"
	printf '   memory %-5s shmread  SysV:  %s\n' "$sz" "$(mem read "$id" "$work/files/m")"
	if ((b >= 16 << 20)); then	# the two-thread copy, from 16 MiB
		printf '   memory %-5s shmwrite POSIX < file: %s\n' "$sz" "$(mem write-file /m "$work/files/m")"
		rm -f "$work/files/m"
		printf '   memory %-5s shmread  POSIX > file: %s\n' "$sz" "$(mem read-file /m "$work/files/o")"
		rm -f "$work/files/o"
	fi
	rm -f /dev/shm/m "$work/files/m"
	ipcrm --all=shm
done

#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmls --output-file: the file is replaced whole by rename, readable by a
# collector of another user, and left as it was when writing fails.

bats_require_minimum_version 1.5.0
load test_helper

@test "shmls --output-file: a reader never sees part of a file while shmls rewrites it 1000 times" {
	# SysV orphans, the cheapest to list: the time goes to writing
	awk 'BEGIN { for (i = 1; i <= 300; i++) print "sysv 0", i * 10, "0600 0 0" }' |
		"$HELPERS/population" create >/dev/null
	out=$T/out
	mkdir "$out"
	shmls --metrics --sysv --metrics-top 300 --output-file "$out/shm.prom" 2>/dev/null
	# about 38 KiB: several writes, were it written in place
	(($(stat -c %s "$out/shm.prom") > 30000))
	# The reader checks every read: the first family first, the last line
	# last, and every sample line whole.
	python3 - "$out/shm.prom" "$T/stop" >"$T/reader" 2>&1 <<'EOF' &
import os, sys
path, stop = sys.argv[1:]
reads = 0
while not os.path.exists(stop):
    with open(path, "rb") as f:
        data = f.read()
    reads += 1
    lines = data.split(b"\n")
    ok = (data.startswith(b"# HELP shmkit_segments ") and lines[-1] == b""
          and lines[-2].startswith(b"shmkit_last_run_timestamp_seconds ")
          and sum(l.startswith(b"shmkit_orphan_size_bytes{") for l in lines) == 300)
    if not ok:
        print("partial read %d: %d bytes" % (reads, len(data)))
        sys.exit(1)
print("reads %d" % reads)
EOF
	reader=$!
	# 1000 times; under the sanitizers, where each start costs 0.2 s, 50
	runs=1000
	[[ -z ${SHMKIT_SANITIZED:-} ]] || runs=50
	for ((i = 0; i < runs; i++)); do
		shmls --metrics --sysv --metrics-top 300 --output-file "$out/shm.prom" 2>/dev/null ||
			fail "run $i failed"
	done
	touch "$T/stop"
	wait "$reader" || fail "$(cat "$T/reader")"
	run -0 cat "$T/reader"
	assert_output --regexp '^reads [0-9]+$'
	# many reads happened while shmls was writing
	((${output#reads } > runs / 10))
	# no temporary file is left beside it
	run -0 ls -A "$out"
	assert_output shm.prom
}

@test "shmls --output-file: mode 0644 under umask 022, whatever the old file had; the umask is honoured" {
	mk_posix "$SHM_NAME" 100
	# in /dev/shm (mode 1777), which every user can search
	f=/dev/shm/${SHM_NAME#/}.prom
	install -m 0600 /dev/null "$f"
	umask 022
	run -0 --separate-stderr shmls --metrics --output-file "$f"
	assert_output ""
	assert_equal "$(stat -c %a "$f")" 644
	grep -q "ref=\"$SHM_NAME\"" "$f"
	if is_root; then
		run -0 as_nobody cat "$f"
		assert_output --partial "ref=\"$SHM_NAME\""
	fi
	umask 077
	run -0 shmls --metrics --output-file "$f"
	assert_equal "$(stat -c %a "$f")" 600
}

@test "shmls --output-file works with every format" {
	mk_posix "$SHM_NAME" 100
	f=$T/list
	run -0 shmls -J --output-file "$f"
	assert_output ""
	assert_equal "$(jq -r '.segments[0].ref' "$f")" "$SHM_NAME"
	run -0 shmls -rn -o REF,SIZE --output-file "$f"
	assert_equal "$(cat "$f")" "$SHM_NAME 100"
	run -0 shmls -g -r -n --output-file "$f"
	grep -q '^SHMFS-SIZE ' "$f"
}

@test "shmls --output-file on a full filesystem: the old file is left whole, exit 1" {
	require_root "mounting a small tmpfs"
	d=$T/small
	mkdir "$d"
	mount -t tmpfs -o size=256k shmkit-test-out "$d"
	printf 'old contents\n' >"$d/shm.prom"
	for i in $(seq 1 400); do
		mk_posix "$SHM_NAME-$i" 1
	done
	# about 90 KiB of metrics, with 60 KiB left
	head -c 192k /dev/zero >"$d/fill"
	run -1 --separate-stderr shmls --metrics --metrics-top 400 --output-file "$d/shm.prom"
	assert_output ""
	assert_equal "$stderr" "shmls: cannot write '$d/shm.prom': $(strerror ENOSPC); the old file is left as it was"
	assert_equal "$(cat "$d/shm.prom")" "old contents"
	run -0 ls -A "$d"
	assert_equal "${lines[*]}" "fill shm.prom"
	# with room again it is replaced
	rm "$d/fill"
	run -0 --separate-stderr shmls --metrics --metrics-top 400 --output-file "$d/shm.prom"
	grep -q '^shmkit_last_run_timestamp_seconds ' "$d/shm.prom"
	umount "$d"
}

@test "shmls --output-file: a failed listing or a missing directory leaves the old file" {
	f=$T/shm.prom
	printf 'old\n' >"$f"
	run -2 --separate-stderr shmls --output-file "$f" 'ftok:'
	assert_equal "$(cat "$f")" old
	run -1 --separate-stderr shmls --output-file "$f" /shmkit-test-missing
	[[ ${stderr_lines[0]} == *"no such segment"* ]]
	assert_equal "${stderr_lines[-1]}" "shmls: '$f' is left as it was"
	assert_equal "$(cat "$f")" old
	run -0 ls -A "$T"
	refute_output --partial ".shm.prom."
	run -1 --separate-stderr shmls --output-file "$T/no/such/dir/f"
	assert_equal "$stderr" "shmls: cannot write '$T/no/such/dir/f': $(strerror ENOENT)"
}

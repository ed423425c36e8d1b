#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Limits and faults: kernel limits hit, /dev/shm full, read-only or missing, segments removed mid-operation, closed pipes, full stdout, signals during copies, hostile /proc.

bats_require_minimum_version 1.5.0

load test_helper

# assert_one_line PROG: stderr is exactly one line starting "PROG: ".
assert_one_line() {
	assert_equal "${#stderr_lines[@]}" 1
	[[ ${stderr_lines[0]} == "$1: "* ]]
}

@test "SHMMNI exhausted: shmcreate and shmwrite -c say kernel.shmmni, exit 1, create nothing" {
	mk_sysv "$SHM_KEY" 4096 >/dev/null
	echo 1 >/proc/sys/kernel/shmmni
	run -1 --separate-stderr shmcreate "$SHM_KEY2" 4K
	assert_equal "$stderr" "shmcreate: cannot create '$SHM_KEY2': too many segments (kernel.shmmni)"
	run -1 --separate-stderr shmwrite -c -s 4K "$SHM_KEY2" <<<"x"
	assert_one_line shmwrite
	[[ $stderr == *kernel.shmmni* ]]
	assert_equal "$(sysv_count)" 1
}

@test "shmmax hit: the message names kernel.shmmax and nothing is created" {
	echo 4096 >/proc/sys/kernel/shmmax
	run -1 --separate-stderr shmcreate "$SHM_KEY" 8K
	assert_one_line shmcreate
	[[ $stderr == *kernel.shmmax* ]]
	assert_equal "$(sysv_count)" 0
}

@test "shmall hit: the message names kernel.shmall and nothing is created" {
	echo 1 >/proc/sys/kernel/shmall
	run -1 --separate-stderr shmcreate "$SHM_KEY" 64K
	assert_one_line shmcreate
	[[ $stderr == *kernel.shmall* ]]
	assert_equal "$(sysv_count)" 0
}

@test "/dev/shm full: shmcreate and shmwrite -c fail with ENOSPC in one line and leave nothing" {
	remount_shm 1m
	head -c 2M /dev/zero >"$T/big"
	run -1 --separate-stderr shmcreate "$SHM_NAME" 2M
	assert_equal "$stderr" "shmcreate: cannot create '$SHM_NAME': $(strerror ENOSPC)"
	run -1 --separate-stderr shmwrite -c "$SHM_NAME" "$T/big"
	assert_one_line shmwrite
	[[ $stderr == *"$(strerror ENOSPC)"* ]]
	run -1 --separate-stderr shmwrite -c "$SHM_NAME" <"$T/big"
	assert_one_line shmwrite
	assert_equal "$(ls -A /dev/shm)" ''
}

@test "/dev/shm full: shmwrite --grow fails cleanly and leaves the object as it was" {
	remount_shm 1m
	mk_posix "$SHM_NAME" 4096
	head -c 2M /dev/zero >"$T/big"
	run -1 --separate-stderr shmwrite --grow "$SHM_NAME" "$T/big"
	assert_one_line shmwrite
	assert_equal "$(stat -c %s "/dev/shm/${SHM_NAME#/}")" 4096
}

@test "/dev/shm read-only: create, write -c and remove fail in one line; listing works" {
	mk_posix "$SHM_NAME" 4096
	mount -o remount,ro /dev/shm
	run -1 --separate-stderr shmcreate "$SHM_NAME2" 1K
	assert_equal "$stderr" "shmcreate: cannot create '$SHM_NAME2': $(strerror EROFS)"
	run -1 --separate-stderr shmwrite -c "$SHM_NAME2" <<<"x"
	assert_one_line shmwrite
	run -1 --separate-stderr shmrm "$SHM_NAME"
	assert_one_line shmrm
	run -0 --separate-stderr shmls --posix -r -n -o REF
	assert_output "$SHM_NAME"
	run -0 --separate-stderr shmread "$SHM_NAME"
	mount -o remount,rw /dev/shm
}

@test "/dev/shm missing: shmls notes it and lists SysV; SysV work goes on" {
	mk_sysv "$SHM_KEY" 4096 >/dev/null
	# an empty /dev in a mount namespace of its own: no /dev/shm at all
	run -0 --separate-stderr unshare --mount -- bash -c 'mount -t tmpfs none /dev && shmls -r -n -o KEY'
	assert_output "$SHM_KEY"
	assert_one_line shmls
	run -0 --separate-stderr unshare --mount -- bash -c 'mount -t tmpfs none /dev && shmread -l 4 "$1" | od -An -tx1' _ "$SHM_KEY"
	run -0 --separate-stderr unshare --mount -- bash -c 'mount -t tmpfs none /dev && shmrm -a'
}

@test "/dev/shm missing: creating a POSIX object says /dev/shm is missing, not 'no such segment'" {
	run -1 --separate-stderr unshare --mount -- bash -c 'mount -t tmpfs none /dev && shmcreate "$1" 1K' _ "$SHM_NAME"
	assert_one_line shmcreate
	[[ $stderr == *"/dev/shm"* ]]
}

@test "a SysV segment removed while shmread waits for its lock: 'segment was removed', exit 1" {
	local id pid
	id=$(mk_sysv "$SHM_KEY" 4096)
	python3 -c '
import fcntl, os, sys, time
fd = os.open("/dev/shm", os.O_RDONLY)
fcntl.lockf(fd, fcntl.LOCK_SH, 1, 2 * int(sys.argv[1]) + 1, 0)
print("locked", flush=True)
time.sleep(60)
' "$id" >"$T/locked" &
	local locker=$!
	HOLDER_PIDS+=("$locker")
	while [[ ! -s $T/locked ]]; do sleep 0.05; done
	shmread -w 20 "$id" >"$T/out" 2>"$T/err" &
	pid=$!
	HOLDER_PIDS+=("$pid")
	wait_open "$pid" /dev/shm
	ipcrm -m "$id"
	kill "$locker"
	local rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 1
	assert_equal "$(<"$T/err")" "shmread: cannot read '$id': segment was removed"
}

@test "a POSIX object unlinked while shmread waits for its lock is read from the open object or reported, never a crash" {
	local pid
	mk_posix "$SHM_NAME" 4096
	python3 -c '
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX, 0, 0, 0)
print("locked", flush=True)
time.sleep(60)
' "/dev/shm/${SHM_NAME#/}" >"$T/locked" &
	local locker=$!
	HOLDER_PIDS+=("$locker")
	while [[ ! -s $T/locked ]]; do sleep 0.05; done
	shmread -w 20 "$SHM_NAME" >"$T/out" 2>"$T/err" &
	pid=$!
	HOLDER_PIDS+=("$pid")
	wait_open "$pid" "/dev/shm/${SHM_NAME#/}"
	rm "/dev/shm/${SHM_NAME#/}"
	kill "$locker"
	local rc=0
	wait "$pid" || rc=$?
	((rc == 0 || rc == 1))
	[[ $(wc -l <"$T/err") -le 1 ]]
}

@test "SysV segment removed between lookup and use by shmwrite, shmattach, shmrm: one line each" {
	local id
	id=$(mk_sysv "$SHM_KEY" 4096)
	ipcrm -m "$id"
	run -1 --separate-stderr shmwrite "$id" <<<"x"
	assert_one_line shmwrite
	run -1 --separate-stderr shmattach -t 1 "$id"
	assert_one_line shmattach
	run -1 --separate-stderr shmrm "$id"
	assert_one_line shmrm
}

@test "SIGPIPE: shmread and shmls into a closed pipe end quietly, without a crash" {
	local i
	head -c 4M /dev/urandom >"$T/big"
	shmwrite -c "$SHM_NAME" "$T/big"
	for i in $(seq 1 300); do : >"/dev/shm/many-$i"; done
	run bash -c 'shmread "$1" 2>"$2/err" | head -c 10 >/dev/null; echo "${PIPESTATUS[0]}"' _ "$SHM_NAME" "$T"
	[[ $output == 0 || $output == 141 ]]
	assert_equal "$(<"$T/err")" ''
	run bash -c 'shmls 2>"$2/err" | head -1 >/dev/null; echo "${PIPESTATUS[0]}"' _ "$SHM_NAME" "$T"
	[[ $output == 0 || $output == 1 || $output == 141 ]]
	assert_equal "$(<"$T/err")" ''
}

@test "stdout full: shmread, shmls and shmls -J say so in one line and exit 1" {
	mk_posix "$SHM_NAME" 8192
	run -1 --separate-stderr bash -c 'shmread "$1" >/dev/full' _ "$SHM_NAME"
	assert_equal "$stderr" "shmread: cannot write standard output: $(strerror ENOSPC)"
	run -1 --separate-stderr bash -c 'shmls >/dev/full'
	assert_equal "$stderr" "shmls: cannot write standard output: $(strerror ENOSPC)"
	run -1 --separate-stderr bash -c 'shmls -J >/dev/full'
	assert_one_line shmls
}

@test "stdout full: shmcreate fails in one line and leaves no segment behind" {
	run -1 --separate-stderr bash -c 'shmcreate "$1" 4K >/dev/full' _ "$SHM_NAME"
	assert_one_line shmcreate
	[[ ! -e /dev/shm/${SHM_NAME#/} ]]
	run -1 --separate-stderr bash -c 'shmcreate "$1" 4K >/dev/full' _ "$SHM_KEY"
	assert_one_line shmcreate
	assert_equal "$(sysv_count)" 0
}

@test "signals during a long copy (SIGSTOP/SIGCONT storms) lose no byte" {
	local pid i
	head -c 8M /dev/urandom >"$T/in"
	shmcreate "$SHM_NAME" 8M >/dev/null
	# The last megabyte goes in only after the storm, so that every signal
	# lands during the copy, none during the exit: LeakSanitizer's
	# stop-the-world at exit ptraces the process, and a SIGSTOP/SIGCONT
	# pair then can leave its tracer waiting for ever (seen: a 360 s hang).
	mkfifo "$T/go"
	{
		for i in $(seq 1 7); do
			head -c 1M
			sleep 0.05
		done
		read -r _ <"$T/go"
		head -c 1M
	} <"$T/in" | shmwrite "$SHM_NAME" &
	pid=$!
	for i in $(seq 1 20); do
		kill -STOP "$pid" 2>/dev/null || break
		kill -CONT "$pid" 2>/dev/null || break
		sleep 0.02
	done
	echo go >"$T/go"
	wait "$pid"
	shmread "$SHM_NAME" | cmp - "$T/in"
}

@test "hostile /proc: processes coming and going during a holder scan do not break shmls -p or shmrm --orphans" {
	local pid i
	mk_posix "$SHM_NAME" 4096
	start_holder "$SHM_NAME"
	(while :; do /bin/true & /bin/true & wait; done) &
	pid=$!
	for i in $(seq 1 10); do
		run -0 --separate-stderr shmls -p -J
		jq -e . <<<"$output" >/dev/null || { kill "$pid"; false; }
		run -0 --separate-stderr shmrm --orphans --dry-run
	done
	kill "$pid"
	wait "$pid" || true
	[[ -e /dev/shm/${SHM_NAME#/} ]]
}

@test "hostile /proc: a very long maps line (deep path) in a holder does not break the scan" {
	local dir=$T i pid
	for i in $(seq 1 30); do dir=$dir/$(printf 'd%.0s' {1..120}); done
	mkdir -p "$dir"
	head -c 4096 /dev/zero >"$dir/file"
	mk_posix "$SHM_NAME" 4096
	python3 -c '
import mmap, os, sys, time
a = mmap.mmap(os.open(sys.argv[1], os.O_RDWR), 4096, mmap.MAP_SHARED)
b = mmap.mmap(os.open(sys.argv[2], os.O_RDWR), 4096, mmap.MAP_SHARED)
print("mapped", flush=True)
time.sleep(30)
' "$dir/file" "/dev/shm/${SHM_NAME#/}" >"$T/mapped" &
	pid=$!
	HOLDER_PIDS+=("$pid")
	while [[ ! -s $T/mapped ]]; do sleep 0.05; done
	run -0 --separate-stderr shmls -p -r -n -o REF,PIDS --posix
	assert_output --regexp "^$SHM_NAME $pid(/| |\$)"
}

# eintr PROG ARG...: PROG under strace, every other splice, sendfile and
# vmsplice (the calls that move the bytes) failing with EINTR as if a
# signal had come, the first of each included.
eintr() {
	traced -f -qq -o "$T/eintr.log" -e trace=splice,sendfile,vmsplice \
		-e inject=splice,sendfile,vmsplice:error=EINTR:when=1+2 "$@"
}

@test "EINTR from every call that moves bytes is retried: both kinds, both ways, one and two threads" {
	command -v strace >/dev/null || skip "strace is not installed (make deps)"
	local size id
	for size in $((2 << 20)) $(((20 << 20) + 1)); do
		head -c "$size" /dev/urandom >"$T/in"
		# POSIX: from a file (sendfile) and a pipe (splice)
		eintr shmwrite -c "$SHM_NAME" "$T/in"
		cmp "$T/in" "/dev/shm/${SHM_NAME#/}"
		grep -q 'EINTR (Interrupted system call) (INJECTED)' "$T/eintr.log"
		rm "/dev/shm/${SHM_NAME#/}"
		cat "$T/in" | eintr shmwrite -c "$SHM_NAME"
		cmp "$T/in" "/dev/shm/${SHM_NAME#/}"
		# POSIX: into a file (sendfile) and a pipe (splice)
		eintr shmread "$SHM_NAME" >"$T/out"
		cmp "$T/in" "$T/out"
		eintr shmread "$SHM_NAME" | cmp - "$T/in"
		rm "/dev/shm/${SHM_NAME#/}"
		# SysV, through its file (CAP_CHECKPOINT_RESTORE), then through
		# the mapping without it (vmsplice)
		id=$(mk_sysv "$SHM_KEY" "$size")
		cat "$T/in" | eintr shmwrite "$SHM_KEY"
		eintr shmread "$SHM_KEY" >"$T/out"
		cmp "$T/in" "$T/out"
		eintr setpriv --bounding-set=-checkpoint_restore shmread "$SHM_KEY" | cmp - "$T/in"
		grep -q '^[0-9]\+ \+vmsplice(.*EINTR' "$T/eintr.log"
		ipcrm -m "$id"
	done
}

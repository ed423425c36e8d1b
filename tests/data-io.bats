#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The data path: round trips, space reservation, limits, creation, growth,
# hex dumps, early-closing readers, shrinking objects, hugetlb and mlock.

bats_require_minimum_version 1.5.0
load test_helper

posix_file() {
	echo "/dev/shm/${1#/}"
}

# round_trip REF SIZE: a file and a pipe of SIZE bytes go in and come back.
round_trip() {
	local ref=$1 size=$2
	mixed_file "$T/in" "$size"
	run -0 --separate-stderr shmwrite "$ref" "$T/in"
	assert_equal "$stderr" ""
	shmread -l "$size" "$ref" >"$T/out"
	cmp "$T/in" "$T/out"
	mixed_file "$T/in2" "$size"
	run -0 --separate-stderr bash -c 'cat "$1" | shmwrite "$2"' _ "$T/in2" "$ref"
	assert_equal "$stderr" ""
	shmread -l "$size" "$ref" | cmp - "$T/in2"
}

@test "odd sizes round-trip through new POSIX objects from a file and a pipe" {
	local size
	for size in 0 1 4095 4096 4097 $((1048576 + 3)); do
		mixed_file "$T/in" "$size"
		run -0 --separate-stderr shmwrite -c "$SHM_NAME-f$size" "$T/in"
		assert_equal "$stderr" ""
		assert_equal "$(stat -c %s "$(posix_file "$SHM_NAME-f$size")")" "$size"
		shmread "$SHM_NAME-f$size" | cmp - "$T/in"
		run -0 --separate-stderr bash -c 'cat "$1" | shmwrite -c "$2"' _ "$T/in" "$SHM_NAME-p$size"
		assert_equal "$stderr" ""
		assert_equal "$(stat -c %s "$(posix_file "$SHM_NAME-p$size")")" "$size"
		shmread "$SHM_NAME-p$size" | cmp - "$T/in"
	done
}

@test "odd sizes round-trip through existing segments of both kinds" {
	local size id
	for size in 1 4095 4096 4097 $((1048576 + 3)); do
		mk_posix "$SHM_NAME" "$size"
		round_trip "$SHM_NAME" "$size"
		rm -f "$(posix_file "$SHM_NAME")"
		id=$(mk_sysv "$SHM_KEY" "$size")
		round_trip "$SHM_KEY" "$size"
		ipcrm -m "$id"
	done
}

@test "shmwrite -c makes a SysV segment the size of a file, and from a pipe with -s" {
	mixed_file "$T/in" 5000
	run -0 --separate-stderr shmwrite -c -m 0640 "$SHM_KEY" "$T/in"
	id=$(sysv_id_of_key "$SHM_KEY")
	assert_equal "$(sysv_field "$id" 4)" 5000
	assert_equal "$(sysv_field "$id" 3)" 640
	sysv_dump "$id" | cmp - "$T/in"
	run -1 --separate-stderr bash -c 'cat "$1" | shmwrite -c "$2"' _ "$T/in" "$SHM_KEY2"
	assert_equal "$stderr" "shmwrite: cannot create '$SHM_KEY2': the input's length is not known in advance; give the size with -s"
	assert_equal "$(sysv_count)" 1
	run -0 bash -c 'cat "$1" | shmwrite -c -s 8K "$2"' _ "$T/in" "$SHM_KEY2"
	assert_equal "$(sysv_field "$(sysv_id_of_key "$SHM_KEY2")" 4)" 8192
	shmread -l 5000 "$SHM_KEY2" | cmp - "$T/in"
}

@test "shmwrite --grow extends a POSIX object to fit and never shrinks one" {
	mk_posix "$SHM_NAME" 10
	printf 'abcdefghijklmnop' >"$T/in"
	run -1 shmwrite "$SHM_NAME" "$T/in"
	run -0 shmwrite --grow -o 4 "$SHM_NAME" "$T/in"
	assert_equal "$(stat -c %s "$(posix_file "$SHM_NAME")")" 20
	run -0 bash -c 'printf "0123456789012345678901234" | shmwrite --grow "$1"' _ "$SHM_NAME"
	assert_equal "$(stat -c %s "$(posix_file "$SHM_NAME")")" 25
	run -0 bash -c 'printf "xy" | shmwrite --grow "$1"' _ "$SHM_NAME"
	assert_equal "$(shmread "$SHM_NAME")" "xy23456789012345678901234"
	run -2 --separate-stderr shmwrite --grow "$SHM_KEY" "$T/in"
	assert_equal "$stderr" "$(usage_error shmwrite "--grow works only for POSIX objects: System V segments cannot grow")"
}

@test "writes at offsets near the end: exact fit, too long from a file, too long from a pipe" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	mk_posix "$SHM_NAME" 4096
	for ref in "$SHM_KEY" "$SHM_NAME"; do
		run -0 shmwrite -o 4093 "$ref" < <(printf 'xyz')
		printf 'abcde' >"$T/in"
		run -1 --separate-stderr shmwrite -o 4093 "$ref" "$T/in"
		assert_equal "$stderr" "shmwrite: cannot write '$ref': input is 5 bytes at offset 4093 but the segment holds 4096; nothing written"
		assert_equal "$(shmread -o 4093 "$ref")" "xyz"
		run -1 --separate-stderr shmwrite -o 4094 "$ref" < <(printf 'ABCDE')
		assert_equal "$stderr" "shmwrite: cannot write '$ref': input is larger than the segment; wrote the first 2 bytes"
		assert_equal "$(shmread -o 4093 "$ref")" "xAB"
	done
}

@test "a full tmpfs: every write mode fails cleanly and leaves nothing half-written" {
	remount_shm 1m
	mixed_file "$T/big" $((2 * 1048576))
	mk_posix "$SHM_NAME" $((2 * 1048576))
	local nospc
	nospc=$(strerror ENOSPC)
	# an existing sparse object, from a file and from a pipe
	run -1 --separate-stderr shmwrite "$SHM_NAME" "$T/big"
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_NAME': $nospc; nothing written"
	run -1 --separate-stderr bash -c 'cat "$1" | shmwrite "$2"' _ "$T/big" "$SHM_NAME"
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_NAME': $nospc; nothing written"
	assert_equal "$(stat -c %b "$(posix_file "$SHM_NAME")")" 0
	rm -f "$(posix_file "$SHM_NAME")"
	# a new object, from a file and from a pipe: removed again
	run -1 --separate-stderr shmwrite -c "$SHM_NAME" "$T/big"
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_NAME': $nospc; removed the new segment"
	run -1 --separate-stderr bash -c 'cat "$1" | shmwrite -c "$2"' _ "$T/big" "$SHM_NAME"
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_NAME': $nospc; removed the new segment"
	run -0 ls -A /dev/shm
	assert_output ""
	# --grow from a file: nothing written, size unchanged
	printf 'keep' >"$(posix_file "$SHM_NAME")"
	run -1 --separate-stderr shmwrite --grow "$SHM_NAME" "$T/big"
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_NAME': $nospc; nothing written"
	assert_equal "$(shmread "$SHM_NAME")" "keep"
	# --grow from a pipe: says how much it kept
	run -1 --separate-stderr bash -c 'cat "$1" | shmwrite --grow "$2"' _ "$T/big" "$SHM_NAME"
	assert_regex "$stderr" "^shmwrite: cannot write '$SHM_NAME': $nospc after [0-9]+ bytes; the segment keeps them$"
	# the mapping of what remains never SIGBUSes
	run -0 shmread "$SHM_NAME"
}

@test "SysV creation names kernel.shmmax and kernel.shmall and leaves nothing" {
	mixed_file "$T/in" 8192
	echo 4096 >/proc/sys/kernel/shmmax
	run -1 --separate-stderr shmwrite -c "$SHM_KEY" "$T/in"
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_KEY': size is above kernel.shmmax"
	echo $((1 << 30)) >/proc/sys/kernel/shmmax
	echo 1 >/proc/sys/kernel/shmall
	run -1 --separate-stderr shmwrite -c "$SHM_KEY" "$T/in"
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_KEY': not enough shared memory left (kernel.shmall)"
	assert_equal "$(sysv_count)" 0
}

@test "shmread -x prints what hexdump -C prints, from the offset" {
	mk_posix "$SHM_NAME" 100
	printf 'hello, world\n' | shmwrite -o 3 "$SHM_NAME"
	run -0 --separate-stderr shmread -x "$SHM_NAME"
	assert_equal "$output" "$(hexdump -C "$(posix_file "$SHM_NAME")")"
	id=$(mk_sysv "$SHM_KEY" 4096)
	run -0 --separate-stderr shmread --hex -o 16 -l 40 "$SHM_KEY"
	sysv_dump "$id" >"$T/dump"
	assert_equal "$output" "$(hexdump -C -s 16 -n 40 "$T/dump")"
}

@test "shmread into a pipe closed early ends quietly with status 0, both kinds" {
	mk_posix "$SHM_NAME" 8M
	id=$(mk_sysv "$SHM_KEY" $((8 << 20)))
	for ref in "$SHM_NAME" "$SHM_KEY"; do
		for opt in "" -x; do
			run -0 --separate-stderr bash -c 'shmread $2 "$1" | head -c 10 | wc -c; exit "${PIPESTATUS[0]}"' _ "$ref" "$opt"
			assert_output 10
			assert_equal "$stderr" ""
		done
	done
}

@test "a POSIX object truncated during a read gives a clean error" {
	mk_posix "$SHM_NAME" 32M
	local f
	f=$(posix_file "$SHM_NAME")
	run -1 --separate-stderr bash -c 'shmread "$1" | { sleep 0.5; truncate -s 4096 "$2"; cat >/dev/null; }; exit "${PIPESTATUS[0]}"' _ "$SHM_NAME" "$f"
	assert_regex "$stderr" "^shmread: cannot read '$SHM_NAME': segment shrank while being read \\([0-9]+ of 33554432 bytes written\\)$"
}

@test "shmread creates no IPC object and no file, even while locking" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	mk_posix "$SHM_NAME" 4096
	before=$(ls -A /dev/shm; awk 'NR > 1 { print $2 }' /proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg)
	run -0 shmread "$SHM_KEY"
	run -0 shmread -w 1 "$SHM_NAME"
	run -0 shmread -x "$SHM_KEY"
	after=$(ls -A /dev/shm; awk 'NR > 1 { print $2 }' /proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg)
	assert_equal "$after" "$before"
}

@test "shmcreate --hugetlb without reserved huge pages names vm.nr_hugepages" {
	(($(</proc/sys/vm/nr_hugepages) == 0)) || skip "this machine has huge pages reserved"
	run -1 --separate-stderr shmcreate --hugetlb "$SHM_KEY" 4M
	assert_output ""
	assert_equal "$stderr" "shmcreate: cannot create '$SHM_KEY': no huge pages are reserved (vm.nr_hugepages)"
	assert_equal "$(sysv_count)" 0
	run -2 shmcreate --hugetlb "$SHM_NAME" 4M
}

@test "shmcreate --populate allocates every page of a SysV segment" {
	run -0 shmcreate -p "$SHM_KEY" 1M
	assert_equal "$(sysv_field "$output" 15)" 1048576
}

# bats test_tags=needs:root
@test "--lock as nobody explains RLIMIT_MEMLOCK and CAP_IPC_LOCK" {
	require_root "uses setpriv"
	chmod 1777 /dev/shm
	run -1 --separate-stderr as_nobody bash -c 'ulimit -l 64; shmcreate --lock "$1" 4M' _ "$SHM_KEY"
	assert_equal "${stderr%%$'\n'*}" "shmcreate: cannot lock '$SHM_KEY': $(strerror ENOMEM) (4194304 bytes to lock, RLIMIT_MEMLOCK is 65536 bytes; you are uid 65534 without CAP_IPC_LOCK)"
	assert_equal "$(sysv_count)" 0
	run -0 as_nobody shmcreate -m 0666 "$SHM_NAME" 1M
	# AddressSanitizer turns mlock(2) into a no-op that succeeds (tests/check-all san)
	if [[ -z ${SHMKIT_SANITIZED:-} ]]; then
		run -1 --separate-stderr as_nobody bash -c 'ulimit -l 64; shmattach --lock "$1" -- true' _ "$SHM_NAME"
		assert_equal "$stderr" "shmattach: cannot lock '$SHM_NAME': $(strerror ENOMEM) (1048576 bytes to lock, RLIMIT_MEMLOCK is 65536 bytes; you are uid 65534 without CAP_IPC_LOCK)"
	fi
	id=$(mk_sysv "$SHM_KEY2" 4096 0666)
	run -1 --separate-stderr as_nobody bash -c 'ulimit -l 64; shmattach -L "$1" -- true' _ "$SHM_KEY2"
	assert_equal "$stderr" "shmattach: cannot lock '$SHM_KEY2': $(strerror EPERM) (4096 bytes to lock, RLIMIT_MEMLOCK is 65536 bytes; you are uid 65534 without CAP_IPC_LOCK)"
}

@test "shmattach --lock --populate holds a SysV segment locked, then unlocks it" {
	id=$(mk_sysv "$SHM_KEY" 1048576)
	run -0 shmattach -L -p "$SHM_KEY" -- sh -c 'awk -v id="$1" "NR > 1 && \$2 == id { print \$3, \$15 }" /proc/sysvipc/shm' _ "$id"
	assert_output "2600 1048576"
	assert_equal "$(sysv_field "$id" 3)" 600
}

# threads PROG ARG...: runs PROG under strace, keeping how many threads it
# started for started_threads.
threads() {
	traced -f -qq -o "$T/clone.log" -e trace=clone,clone3 "$@"
}

started_threads() {
	grep -cE '^[0-9]+ +clone3?\(' "$T/clone.log" || true
}

# clones PROG ARG...: runs PROG under strace; prints how many threads it started.
clones() {
	threads "$@"
	started_threads
}

@test "a file of 16 MiB or more goes in on two CPUs, or on one, byte for byte, both kinds" {
	command -v strace >/dev/null || skip "strace is not installed (make deps)"
	local big=$(((20 << 20) + 3)) n id
	head -c "$big" /dev/urandom >"$T/in"
	# a new object: two threads when two CPUs are allowed, one when one is
	n=$(clones shmwrite -c "$SHM_NAME" "$T/in")
	if (($(nproc) > 1)); then
		assert_equal "$n" 1
	fi
	shmread "$SHM_NAME" | cmp - "$T/in"
	rm "$(posix_file "$SHM_NAME")"
	assert_equal "$(clones taskset -c 0 shmwrite -c "$SHM_NAME" "$T/in")" 0
	shmread "$SHM_NAME" | cmp - "$T/in"
	rm "$(posix_file "$SHM_NAME")"
	# a new object at an offset inside a page: zeros, then the file
	run -0 shmwrite -c -o 4097 "$SHM_NAME" "$T/in"
	assert_equal "$(stat -c %s "$(posix_file "$SHM_NAME")")" $((big + 4097))
	cmp <(head -c 4097 /dev/zero; cat "$T/in") "$(posix_file "$SHM_NAME")"
	# an existing object, written in its middle: the bytes around it stay
	printf 'ab' | shmwrite -o $((big + 4097)) --grow "$SHM_NAME"
	run -0 shmwrite -o 3 "$SHM_NAME" "$T/in"
	cmp <(head -c 3 /dev/zero; cat "$T/in"; tail -c 4094 "$T/in"; printf 'ab') \
		"$(posix_file "$SHM_NAME")"
	rm "$(posix_file "$SHM_NAME")"
	# a SysV segment, through its shmem file (CAP_CHECKPOINT_RESTORE) or mapped
	id=$(mk_sysv "$SHM_KEY" "$big")
	run -0 shmwrite "$SHM_KEY" "$T/in"
	sysv_dump "$id" | cmp - "$T/in"
	# the input is left at its end, as a copy by one thread would leave it
	run -0 bash -c '{ shmwrite -c "$1"; cat; } <"$2" | wc -c' _ "$SHM_NAME" "$T/in"
	assert_output 0
}

@test "a long copy that fails midway says why and removes the new object" {
	command -v strace >/dev/null || skip "strace is not installed (make deps)"
	(($(nproc) > 1)) || skip "one CPU: the copy runs on one thread"
	head -c $((20 << 20)) /dev/urandom >"$T/in"
	local want="shmwrite: cannot write '$SHM_NAME': $(strerror ENOSPC); removed the new segment"
	# the calling thread's sendfile() fails on its second chunk
	run -1 --separate-stderr traced -f -qq -o /dev/null -e trace=sendfile \
		-e inject=sendfile:error=ENOSPC:when=2 shmwrite -c "$SHM_NAME" "$T/in"
	assert_equal "$stderr" "$want"
	assert_equal "$(ls -A /dev/shm)" ""
	# the second thread's pages cannot be had (EFAULT: a full tmpfs). Not
	# under ASan, whose run-time calls madvise() too. The calling thread's
	# sendfile()s are slowed down so that the second thread gets a chunk
	# even when the machine is busy: both take chunks from one counter, and
	# a thread started late may find none left (then the copy succeeds).
	if [[ -z ${SHMKIT_SANITIZED:-} ]]; then
		run -1 --separate-stderr traced -f -qq -o /dev/null -e trace=madvise,sendfile \
			-e inject=madvise:error=EFAULT -e inject=sendfile:delay_enter=300000 \
			shmwrite -c "$SHM_NAME" "$T/in"
		assert_equal "$stderr" "$want"
		assert_equal "$(ls -A /dev/shm)" ""
	fi
}

@test "two long writes into a tmpfs that holds one: each ends whole or removed" {
	remount_shm 32m
	head -c $((24 << 20)) /dev/urandom >"$T/in"
	local nospc name pids=() status ok=0
	nospc=$(strerror ENOSPC)
	for name in a b; do
		shmwrite -c "/$name" "$T/in" 2>"$T/err.$name" &
		pids+=($!)
	done
	for name in a b; do
		status=0
		wait "${pids[0]}" || status=$?
		pids=("${pids[@]:1}")
		if ((status == 0)); then
			cmp "/dev/shm/$name" "$T/in"
			ok=$((ok + 1))
		else
			assert_equal "$status" 1
			assert_equal "$(cat "$T/err.$name")" \
				"shmwrite: cannot write '/$name': $nospc; removed the new segment"
			[[ ! -e /dev/shm/$name ]]
		fi
	done
	((ok < 2))
}

@test "shmread of 16 MiB or more into a file: on two CPUs or one, byte for byte, both kinds" {
	command -v strace >/dev/null || skip "strace is not installed (make deps)"
	local big=$(((20 << 20) + 3)) id
	head -c "$big" /dev/urandom >"$T/in"
	cp "$T/in" "$(posix_file "$SHM_NAME")"
	# a file of ours: two threads when two CPUs are allowed
	threads shmread -o 5 "$SHM_NAME" >"$T/out"
	if (($(nproc) > 1)); then
		assert_equal "$(started_threads)" 1
	fi
	cmp <(tail -c +6 "$T/in") "$T/out"
	threads taskset -c 0 shmread "$SHM_NAME" >"$T/out"
	assert_equal "$(started_threads)" 0
	cmp "$T/in" "$T/out"
	# after what is already in the file, and appended: both keep it
	run -0 bash -c '{ printf head; shmread "$1"; } >"$2"' _ "$SHM_NAME" "$T/out"
	cmp <(printf head; cat "$T/in") "$T/out"
	run -0 bash -c 'shmread -l 7 "$1" >>"$2"' _ "$SHM_NAME" "$T/out"
	cmp <(printf head; cat "$T/in"; head -c 7 "$T/in") "$T/out"
	# a file owned by someone else is written by one thread only
	: >"$T/theirs"
	chown nobody "$T/theirs"
	threads shmread "$SHM_NAME" >"$T/theirs"
	assert_equal "$(started_threads)" 0
	cmp "$T/in" "$T/theirs"
	# a SysV segment, through its shmem file
	id=$(mk_sysv "$SHM_KEY" "$big")
	shmwrite "$SHM_KEY" "$T/in"
	run -0 bash -c 'shmread "$1" >"$2"' _ "$SHM_KEY" "$T/out"
	cmp "$T/in" "$T/out"
}

@test "a long shmread into a file that ends short says so and leaves only what it copied" {
	command -v strace >/dev/null || skip "strace is not installed (make deps)"
	(($(nproc) > 1)) || skip "one CPU: the copy runs on one thread"
	head -c $((20 << 20)) /dev/urandom >"$(posix_file "$SHM_NAME")"
	# the object looks shrunk to the caller's second sendfile()
	run -1 --separate-stderr bash -c 'traced -f -qq -o /dev/null -e trace=sendfile \
		-e inject=sendfile:retval=0:when=2 shmread "$1" >"$2"' _ "$SHM_NAME" "$T/out"
	assert_regex "$stderr" "^shmread: cannot read '$SHM_NAME': segment shrank while being read \\(([0-9]+) of 20971520 bytes written\\)$"
	[[ $stderr =~ \(([0-9]+)\ of ]]
	assert_equal "$(stat -c %s "$T/out")" "${BASH_REMATCH[1]}"
	cmp "$T/out" <(head -c "${BASH_REMATCH[1]}" "$(posix_file "$SHM_NAME")")
	((BASH_REMATCH[1] < 20971520))
}

@test "long copies that sendfile() refuses, or into a file that cannot grow ahead, are finished another way" {
	command -v strace >/dev/null || skip "strace is not installed (make deps)"
	head -c $(((20 << 20) + 5)) /dev/urandom >"$T/in"
	run -0 --separate-stderr traced -f -qq -o /dev/null -e trace=sendfile \
		-e inject=sendfile:error=EINVAL shmwrite -c "$SHM_NAME" "$T/in"
	assert_equal "$stderr" ""
	cmp "$T/in" "$(posix_file "$SHM_NAME")"
	run -0 --separate-stderr bash -c 'traced -f -qq -o /dev/null -e trace=sendfile \
		-e inject=sendfile:error=EINVAL shmread -o 3 "$1" >"$2"' _ "$SHM_NAME" "$T/out"
	assert_equal "$stderr" ""
	cmp <(tail -c +4 "$T/in") "$T/out"
	# an output file that cannot be lengthened ahead: written call by call
	run -0 --separate-stderr bash -c 'traced -f -qq -o /dev/null -e trace=ftruncate \
		-e inject=ftruncate:error=EPERM shmread "$1" >"$2"' _ "$SHM_NAME" "$T/out"
	assert_equal "$stderr" ""
	cmp "$T/in" "$T/out"
}

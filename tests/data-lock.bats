#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The shmkit lock: no torn reads, a killed holder frees it, --wait names the
# holder, --no-lock opts out (and then reads can tear).

bats_require_minimum_version 1.5.0
load test_helper

# 128 KiB: 32 pages, so a read can see part of one write and part of
# another, yet cheap enough that process start-up is most of each read.
SIZE=$((128 << 10))

# Locked reads per kind. Under ASan + UBSan (tests/check-all sets
# SHMKIT_SANITIZED) every process start costs about ten times as much, so
# the sanitizer run does fewer, to keep this file near 20 s; the plain run
# does the thousands issue #5 asks for.
if [[ -n ${SHMKIT_SANITIZED:-} ]]; then
	READS=400 READS_NOTE=" (sanitizer run: $READS, the plain run does 2000)"
else
	READS=2000 READS_NOTE=
fi

# patterns: one file per byte value a, b, c, each SIZE bytes of it.
patterns() {
	local b
	for b in a b c; do
		head -c "$SIZE" /dev/zero | tr '\0' "$b" >"$T/pat.$b"
	done
}

# race REF OPTION...: tests/helpers/race.c with three writers (the real
# shmwrite, one per pattern, started again as each ends) and three readers
# (the real shmread) checking that each read is one byte value throughout.
# Sets reads, torn and writes; any message from the tools fails the test.
race() {
	local ref=$1
	shift
	run -0 --separate-stderr "$HELPERS/race" -r 3 "$@" "$ref" "$T/pat.a" "$T/pat.b" "$T/pat.c"
	assert_equal "$stderr" ""
	read -r reads torn writes <<<"$output"
}

@test "locked readers never see half a write, either kind" {
	patterns
	mk_posix "$SHM_NAME" "$SIZE"
	mk_sysv "$SHM_KEY" "$SIZE" >/dev/null
	for ref in "$SHM_NAME" "$SHM_KEY"; do
		shmwrite "$ref" "$T/pat.a"
		race "$ref" -n "$READS"
		echo "# $ref: $reads locked reads, $torn torn, $writes writes$READS_NOTE" >&3
		assert_equal "$torn" 0
		((reads >= READS))
		# Writers starved by the readers would make "0 torn" say nothing.
		((writes >= reads / 10))
	done
}

@test "with --no-lock the same race tears, so the check above can fail" {
	patterns
	mk_posix "$SHM_NAME" "$SIZE"
	mk_sysv "$SHM_KEY" "$SIZE" >/dev/null
	for ref in "$SHM_NAME" "$SHM_KEY"; do
		shmwrite "$ref" "$T/pat.a"
		# at most 2000 reads, in either build: it stops at the first tear
		race "$ref" -u -s -n 2000
		echo "# $ref: $torn of $reads unlocked reads torn, $writes writes" >&3
		((torn > 0))
	done
}

# hold REF: a shmwrite that holds the write lock, waiting for input on a FIFO.
hold() {
	mkfifo "$T/fifo"
	exec 4<>"$T/fifo"
	shmwrite "$1" <&4 4>&- 3>&- &
	HOLDER=$!
	HOLDER_PIDS+=("$HOLDER")
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q '^lock:' /proc/"$HOLDER"/fdinfo/* 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

@test "--wait gives up and names the holder; SIGKILL of the holder frees the lock at once" {
	mk_posix "$SHM_NAME" 4096
	id=$(mk_sysv "$SHM_KEY" 4096)
	for ref in "$SHM_NAME" "$SHM_KEY"; do
		hold "$ref"
		run -1 --separate-stderr shmread -w 1 "$ref"
		assert_output ""
		assert_equal "$stderr" "shmread: cannot read '$ref': still locked after 1 s: held by pid $HOLDER (shmwrite)"
		run -1 --separate-stderr shmwrite -w 0 "$ref" < <(printf 'x')
		assert_equal "$stderr" "shmwrite: cannot write '$ref': still locked after 0 s: held by pid $HOLDER (shmwrite)"
		kill -KILL "$HOLDER"
		wait "$HOLDER" || true
		exec 4>&-
		rm -f "$T/fifo"
		t0=$EPOCHREALTIME
		run -0 shmwrite -w 5 "$ref" < <(printf 'next')
		t1=$EPOCHREALTIME
		awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 1) }'
		assert_equal "$(shmread -l 4 "$ref")" "next"
	done
}

@test "--no-lock reads and writes past a held lock" {
	mk_posix "$SHM_NAME" 4096
	hold "$SHM_NAME"
	run -0 shmwrite --no-lock "$SHM_NAME" < <(printf 'free')
	run -0 shmread --no-lock -l 4 "$SHM_NAME"
	assert_output "free"
	run -2 --separate-stderr shmread --no-lock -w 1 "$SHM_NAME"
	assert_equal "$stderr" "$(usage_error shmread "--wait cannot be used with --no-lock")"
}

@test "a reader waiting on a writer that creates the object sees all of it" {
	mixed_file "$T/in" 300000
	mkfifo "$T/fifo"
	# read-only stdin, so that closing fd 4 below is the end of its input
	shmwrite -c "$SHM_NAME" <"$T/fifo" 3>&- &
	HOLDER_PIDS+=("$!")
	exec 4>"$T/fifo"
	for ((i = 0; i < 100; i++)); do
		[[ -e /dev/shm/${SHM_NAME#/} ]] && break
		sleep 0.05
	done
	sleep 0.2
	shmread "$SHM_NAME" >"$T/out" 4>&- 3>&- &
	reader=$!
	cat "$T/in" >&4
	exec 4>&-
	wait "$reader"
	cmp "$T/in" "$T/out"
}

@test "shmrm removes a locked-on segment and leaves nothing of the lock behind" {
	mk_posix "$SHM_NAME" 4096
	id=$(mk_sysv "$SHM_KEY" 4096)
	shmwrite "$SHM_NAME" < <(printf 'x')
	shmwrite "$SHM_KEY" < <(printf 'x')
	shmread "$SHM_KEY" >/dev/null
	run -0 shmrm "$SHM_NAME" "$SHM_KEY"
	run -0 ls -A /dev/shm
	assert_output ""
	assert_equal "$(sysv_count)" 0
}

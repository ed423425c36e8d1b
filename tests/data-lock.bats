#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The shmkit lock: no torn reads, a killed holder frees it, --wait names the
# holder, --no-lock opts out (and then reads can tear).

bats_require_minimum_version 1.5.0
load test_helper

SIZE=$((1 << 20))

# patterns: one file per byte value a, b, c, each SIZE bytes of it.
patterns() {
	local b
	for b in a b c; do
		head -c "$SIZE" /dev/zero | tr '\0' "$b" >"$T/pat.$b"
	done
}

# race REF SECONDS [OPTION]: three writers write whole-segment patterns and
# three readers check that each read is one byte value throughout. Prints
# "READS TORN" and stops early once a torn read was seen with --no-lock.
race() {
	local ref=$1 secs=$2 opt=${3:-} w r
	local end=$((SECONDS + secs))
	rm -f "$T/torn" "$T/reads"
	for w in a b c; do
		(while ((SECONDS < end)) && [[ ! -e $T/torn || -z $opt ]]; do
			shmwrite $opt "$ref" "$T/pat.$w" || echo "writer failed" >>"$T/errors"
		done) &
	done
	for r in 1 2 3; do
		(while ((SECONDS < end)) && [[ ! -e $T/torn || -z $opt ]]; do
			n=$(shmread $opt "$ref" | tr -s abc | wc -c)
			echo >>"$T/reads"
			[[ $n == 1 ]] || echo >>"$T/torn"
		done) &
	done
	wait
	echo "$(wc -l <"$T/reads") $( [[ -e $T/torn ]] && wc -l <"$T/torn" || echo 0)"
}

@test "locked readers never see half a write, either kind" {
	patterns
	mk_posix "$SHM_NAME" "$SIZE"
	id=$(mk_sysv "$SHM_KEY" "$SIZE")
	for ref in "$SHM_NAME" "$SHM_KEY"; do
		shmwrite "$ref" "$T/pat.a"
		read -r reads torn < <(race "$ref" 3)
		echo "# $ref: $reads locked reads, $torn torn" >&3
		assert_equal "$torn" 0
		((reads > 20))
		[[ ! -e $T/errors ]]
	done
}

@test "with --no-lock the same race tears, so the check above can fail" {
	patterns
	mk_posix "$SHM_NAME" "$SIZE"
	id=$(mk_sysv "$SHM_KEY" "$SIZE")
	for ref in "$SHM_NAME" "$SHM_KEY"; do
		shmwrite "$ref" "$T/pat.a"
		read -r reads torn < <(race "$ref" 5 --no-lock)
		echo "# $ref: $reads unlocked reads, $torn torn" >&3
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

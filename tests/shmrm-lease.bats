#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The kernel decides whether a POSIX object is held (a write lease, refused
# while another open file description exists): each way of holding one,
# through shmls's ORPHAN and --orphans and shmrm's ref and --orphans, as
# root with every process visible, as root where some are not (the second
# run, tagged below), and as nobody.
# shmkit: also-without-pidns

# shellcheck disable=SC2154 # run sets stderr
# shellcheck disable=SC2016 # $1 is the inner bash's

bats_require_minimum_version 1.5.0
load test_helper

# hold MODE [COMMAND...]: start `COMMAND... holdfd MODE /dev/shm/NAME` in
# the background and wait until it holds the object; HOLDER is the process
# that keeps the hold (both are killed in teardown).
hold() {
	local mode=$1 fifo
	shift
	fifo=$T/hold.${#HOLDER_PIDS[@]}
	mkfifo "$fifo"
	"$@" "$HELPERS/holdfd" "$mode" "/dev/shm/${SHM_NAME#/}" </dev/null >"$fifo" 2>"$fifo.err" &
	HOLDER_PIDS+=("$!")
	HOLDER=
	read -r HOLDER <"$fifo" || true
	[[ -n $HOLDER ]] || fail "holdfd $mode did not hold the object: $(cat "$fifo.err")"
	HOLDER_PIDS+=("$HOLDER")
}

# release: kill the holder and wait until its hold is gone. A descriptor
# in flight is freed by the kernel after its socket, maybe a moment later,
# so the visible state is waited for: shmls calling it an orphan.
release() {
	local i
	kill -TERM "$HOLDER"
	wait_exit "$HOLDER" 5 || fail "holder $HOLDER did not exit"
	for ((i = 0; i < 100; i++)); do
		[[ $(shmls -rn -o ORPHAN "$SHM_NAME" 2>/dev/null) == yes ]] && return 0
		sleep 0.05
	done
	fail "$SHM_NAME still held after its holder $HOLDER exited"
}

# The note shmls and shmrm add where some process cannot be read (only in
# the run without a PID namespace of our own).
incomplete_note() {
	[[ ${SHMKIT_NO_PIDNS:-} == 1 ]]
}

# assert_held HOLDERS BY: the object is held: shmls shows HOLDERS and
# ORPHAN no and --orphans leaves it out, shmrm refuses it by ref naming BY
# ("PID (COMMAND)" or "processes not visible here"), and --orphans keeps it.
assert_held() {
	local want=$1 by=$2
	run -0 --separate-stderr shmls -rn -o REF,HOLDERS,ORPHAN "$SHM_NAME"
	assert_output "$SHM_NAME $want no"
	run -0 --separate-stderr shmls --orphans -rn -o REF
	assert_output ""
	run -1 --separate-stderr shmrm -v "$SHM_NAME"
	assert_output ""
	assert_equal "$stderr" "shmrm: cannot remove '$SHM_NAME': held by $by; --force unlinks it anyway"
	[[ -e /dev/shm/${SHM_NAME#/} ]] || fail "shmrm removed a held object by ref"
	run -0 --separate-stderr shmrm -v --orphans
	assert_output ""
	[[ -e /dev/shm/${SHM_NAME#/} ]] || fail "shmrm --orphans removed a held object"
}

# assert_unheld: once let go, both programs call it an orphan and shmrm
# removes it (a dry run by ref, then --orphans for real).
assert_unheld() {
	run -0 --separate-stderr shmls -rn -o REF,HOLDERS,ORPHAN "$SHM_NAME"
	assert_output --regexp "^$SHM_NAME 0\+? yes$"
	run -0 --separate-stderr shmls --orphans -rn -o REF
	assert_output "$SHM_NAME"
	run -0 --separate-stderr shmrm -n -v "$SHM_NAME"
	assert_output "(dry run) removed $SHM_NAME"
	assert_equal "$stderr" ""
	run -0 --separate-stderr shmrm -v --orphans
	assert_output "removed $SHM_NAME"
	[[ ! -e /dev/shm/${SHM_NAME#/} ]] || fail "shmrm --orphans left an unheld object"
}

# the HOLDERS a scan shows for one visible holder: "1", or "1+" where
# some process could not be examined
one_holder() {
	if incomplete_note; then echo 1+; else echo 1; fi
}

@test "a POSIX object open read-only elsewhere is held, and an orphan once closed" {
	mk_posix "$SHM_NAME" 4096
	hold ro
	assert_held "$(one_holder)" "$HOLDER (holdfd)"
	release
	assert_unheld
}

@test "a POSIX object open read-write elsewhere is held, and an orphan once closed" {
	mk_posix "$SHM_NAME" 4096 0644
	hold rw
	assert_held "$(one_holder)" "$HOLDER (holdfd)"
	release
	assert_unheld
}

@test "a POSIX object only mapped, its descriptor closed, is held until unmapped" {
	mk_posix "$SHM_NAME" 8192
	hold map
	[[ -z $(find "/proc/$HOLDER/fd" -lname "/dev/shm/${SHM_NAME#/}") ]] || fail "the holder still has a descriptor"
	assert_held "$(one_holder)" "$HOLDER (holdfd)"
	release
	assert_unheld
}

@test "a POSIX object whose descriptor a forked child inherited is held after the parent exits" {
	mk_posix "$SHM_NAME" 4096
	hold fork
	# the parent that opened it is gone
	wait "${HOLDER_PIDS[0]}"
	assert_held "$(one_holder)" "$HOLDER (holdfd)"
	release
	assert_unheld
}

# bats test_tags=needs:root
@test "a POSIX object held by a process in another mount namespace is held" {
	require_root "makes a mount namespace"
	mk_posix "$SHM_NAME" 4096
	# the same tmpfs, seen through the new namespace's copy of the mount
	hold ro unshare --mount --propagation private --
	[[ $(readlink "/proc/$HOLDER/ns/mnt") != $(readlink /proc/self/ns/mnt) ]] || fail "not another mount namespace"
	assert_held "$(one_holder)" "$HOLDER (holdfd)"
	release
	assert_unheld
}

@test "a POSIX object passed over a Unix socket is held by the receiver after the sender closed it" {
	mk_posix "$SHM_NAME" 4096
	hold passed
	wait "${HOLDER_PIDS[0]}"
	assert_held "$(one_holder)" "$HOLDER (holdfd)"
	release
	assert_unheld
}

@test "a POSIX object whose only descriptor is in flight in a Unix socket is held, though no scan sees it" {
	mk_posix "$SHM_NAME" 4096
	hold inflight
	# nothing in /proc leads to it: no descriptor, no mapping
	[[ -z $(find "/proc/$HOLDER/fd" -lname "/dev/shm/${SHM_NAME#/}") ]] || fail "the sender still has a descriptor"
	run ! grep -q "/dev/shm/${SHM_NAME#/}" "/proc/$HOLDER/maps"
	assert_held "0+" "processes not visible here"
	release
	assert_unheld
}

# bats test_tags=needs:root
@test "where root cannot read every process, the lease decides and shmls names what it could not read" {
	require_root "compares with root's view"
	local -a as=()
	local seen=1+ by
	mk_posix "$SHM_NAME" 4096
	hold ro
	by="$HOLDER (holdfd)"
	if ! incomplete_note; then
		# every process is readable in this PID namespace: a root without
		# CAP_SYS_PTRACE reads none that holds more capabilities than it
		# does (the holder included), nor nobody's
		as=(setpriv --bounding-set=-sys_ptrace --inh-caps=-sys_ptrace --)
		seen=0+ by="processes not visible here"
	fi
	run -0 --separate-stderr "${as[@]}" shmls -rn -o REF,HOLDERS,ORPHAN "$SHM_NAME"
	assert_output "$SHM_NAME $seen no"
	[[ $stderr =~ ^"shmls: holders are incomplete: "[0-9]+" process"(es)?" could not be examined ("[0-9]+" "[^:]+": Permission denied"(, [^\)]*)?"; you are uid 0"( without CAP_SYS_PTRACE)?")"$ ]] ||
		fail "unexpected stderr: $stderr"
	run -1 --separate-stderr "${as[@]}" shmrm "$SHM_NAME"
	assert_equal "$stderr" "shmrm: cannot remove '$SHM_NAME': held by $by; --force unlinks it anyway"
	release
	# unheld, says the kernel, whatever the scan could not see
	run -0 --separate-stderr "${as[@]}" shmls -rn -o REF,HOLDERS,ORPHAN "$SHM_NAME"
	assert_output "$SHM_NAME 0 yes"
	run -0 --separate-stderr "${as[@]}" shmrm -v "$SHM_NAME"
	assert_output "removed $SHM_NAME"
	assert_equal "$stderr" ""
}

# bats test_tags=needs:root
@test "nobody removes their own unheld objects by ref, --orphans and --all, and keeps root's and held ones" {
	require_root "uses setpriv"
	# nobody cannot read root's processes: the lease alone decides for
	# nobody's own objects
	mk_posix /shmkit-test-root 4096 0644
	for n in a b c held; do
		as_nobody bash -c ': >"$1" && truncate -s 4096 "$1"' _ "/dev/shm/${SHM_NAME#/}-$n"
	done
	local base=$SHM_NAME
	SHM_NAME=$base-held
	hold ro as_nobody
	SHM_NAME=$base

	run -0 --separate-stderr as_nobody shmrm -v "$base-a"
	assert_output "removed $base-a"
	assert_equal "$stderr" ""
	run -1 --separate-stderr as_nobody shmrm "$base-held"
	assert_equal "$stderr" "shmrm: cannot remove '$base-held': held by $HOLDER (holdfd); --force unlinks it anyway"

	run -0 --separate-stderr as_nobody shmrm -v --orphans
	assert_output "removed $base-b"$'\n'"removed $base-c"
	[[ -e /dev/shm/${base#/}-held && -e /dev/shm/shmkit-test-root ]] || fail "--orphans removed a held or root's object"

	as_nobody bash -c ': >"$1"' _ "/dev/shm/${base#/}-d"
	run -0 --separate-stderr as_nobody shmrm -v --all
	assert_output "removed $base-d"
	[[ $stderr == *"kept 1 "* && $stderr == *"skipped 1 segment you may not remove"* ]] || fail "unexpected stderr: $stderr"
	[[ -e /dev/shm/${base#/}-held && -e /dev/shm/shmkit-test-root ]] || fail "--all removed a held or root's object"
	rm -f /dev/shm/shmkit-test-root
}

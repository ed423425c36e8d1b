#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmrm against an opener, thousands of rounds (tests/helpers/rmrace.c):
# for POSIX no removal of an object someone has just opened that shmrm
# would call unheld, and an open that breaks shmrm's lease gets the object
# back under its name; for System V the window shmrm(1) admits is measured
# and printed, not judged.

# shellcheck disable=SC2154 # run sets stderr

bats_require_minimum_version 1.5.0
load test_helper

# rounds PLAIN: PLAIN, or 300 under the sanitizers, where every shmrm
# costs ten times as much
rounds() {
	if [[ ${SHMKIT_SANITIZED:-} == 1 ]]; then echo 300; else echo "$1"; fi
}

# figure NAME LINE: the number after NAME in rmrace's line
figure() {
	[[ $2 =~ (^|, )$1\ ([0-9]+)(,|$) ]] || return 1
	echo "${BASH_REMATCH[2]}"
}

@test "no POSIX object that an opener holds is removed as unheld: shmrm by ref and --orphans against shm_open, every round" {
	local n
	n=$(rounds 2000)
	run -0 --separate-stderr "$HELPERS/rmrace" -n "$n" posix "$SHM_NAME"
	echo "# $output" >&3
	assert_equal "$stderr" ""
	[[ $output =~ ^"posix: $n rounds, opener first "[0-9]+", shmrm first "[0-9]+", kept "[0-9]+", reported held "[0-9]+", violations "[0-9]+", lost "[0-9]+$ ]] ||
		fail "unexpected output: $output"
	# the assertions hold whichever order the rounds took
	assert_equal "$(figure violations "$output")" 0
	assert_equal "$(figure lost "$output")" 0
	(($(figure "opener first" "$output") + $(figure "shmrm first" "$output") == n)) || fail "rounds do not add up: $output"
	# an opener that came first always holds it: kept, or reported held
	(($(figure kept "$output") + $(figure "reported held" "$output") == $(figure "opener first" "$output"))) ||
		fail "an opener's round is unaccounted for: $output"
	[[ ! -e /dev/shm/${SHM_NAME#/} ]]
	run -0 find /dev/shm -name '.shmkit-rm-*'
	assert_output ""
}

# sysv_line OUTPUT N: rmrace's SysV line is whole and its rounds add up
sysv_line() {
	[[ $1 =~ ^"sysv: $2 rounds, attach first "[0-9]+", shmrm first "[0-9]+", kept "[0-9]+", removed while attached "[0-9]+", refused "[0-9]+$ ]] ||
		fail "unexpected output: $1"
	(($(figure "attach first" "$1") + $(figure "shmrm first" "$1") == $2)) || fail "rounds do not add up: $1"
	(($(figure kept "$1") + $(figure "removed while attached" "$1") == $(figure "attach first" "$1"))) ||
		fail "an attach's round is unaccounted for: $1"
}

@test "a System V segment is shut before its last count: an attacher without CAP_IPC_OWNER is never left holding a removed segment" {
	local n
	n=$(rounds 1000)
	run -0 --separate-stderr "$HELPERS/rmrace" -n "$n" -u 65534 sysv "$SHM_KEY"
	echo "# $output" >&3
	assert_equal "$stderr" ""
	sysv_line "$output" "$n"
	assert_equal "$(figure "removed while attached" "$output")" 0
	[[ $(sysv_count) == 0 ]]
}

@test "a System V segment attached by root between shmrm's last count and IPC_RMID is only marked for removal: the window is measured" {
	local n
	n=$(rounds 1000)
	run -0 --separate-stderr "$HELPERS/rmrace" -n "$n" sysv "$SHM_KEY"
	echo "# $output" >&3
	assert_equal "$stderr" ""
	sysv_line "$output" "$n"
	# root is never shut out (CAP_IPC_OWNER)
	assert_equal "$(figure refused "$output")" 0
	[[ $(sysv_count) == 0 ]]
}

@test "a System V segment attached just before shmrm shuts it is counted again, kept and gets its mode back" {
	command -v strace >/dev/null || skip "strace is not installed (make deps)"
	local id rm_pid rc i
	id=$(mk_sysv "$SHM_KEY" 4096 0640)
	# shmrm's second shmctl is the shut (IPC_SET): it waits 3 s, in which
	# our holder attaches, waited for in the attachment count, not timed
	traced -o "$T/trace" -e trace=shmctl -e inject=shmctl:delay_enter=3000000:when=2 shmrm -v "$id" >"$T/rm.out" 2>"$T/rm.err" &
	rm_pid=$!
	for ((i = 0; i < 200; i++)); do
		grep -q IPC_STAT "$T/trace" 2>/dev/null && break
		sleep 0.05
	done
	start_holder "$SHM_KEY"
	rc=0
	wait "$rm_pid" || rc=$?
	assert_equal "$rc" 1
	grep -q "IPC_SET, {shm_perm={uid=0, gid=0, mode=000}}) = 0" "$T/trace" || fail "shmrm never shut it: $(cat "$T/trace")"
	assert_equal "$(cat "$T/rm.out")" ""
	grep -q "held" "$T/rm.err" || fail "not said to be held: $(cat "$T/rm.err")"
	# still there, attached, under its own mode again
	assert_equal "$(sysv_field "$id" 3)" 640
	assert_equal "$(sysv_field "$id" 7)" 1
}

# wait_locks REGEX: until a line of /proc/locks matches (10 s at most)
wait_locks() {
	local i
	for ((i = 0; i < 200; i++)); do
		grep -qE "$1" /proc/locks && return 0
		sleep 0.05
	done
	fail "no lock matching '$1' in /proc/locks: $(cat /proc/locks)"
}

@test "an open that reaches shmrm's lease before the unlink breaks it: the object is put back under its name and kept" {
	command -v strace >/dev/null || skip "strace is not installed (make deps)"
	local ino rm_pid opener out rc
	mk_posix "$SHM_NAME" 4096
	ino=$(stat -c %i "/dev/shm/${SHM_NAME#/}")
	# shmrm holds its lease for 2 s before the rename to the private name:
	# the window is kept open, what happens in it is waited for in
	# /proc/locks (our opener breaking the lease), not timed
	traced -o "$T/trace" -e trace=renameat2 -e inject=renameat2:delay_enter=2000000:when=1 shmrm -v "$SHM_NAME" >"$T/rm.out" 2>"$T/rm.err" &
	rm_pid=$!
	wait_locks "LEASE +ACTIVE +WRITE +[0-9]+ [0-9a-f]+:[0-9a-f]+:$ino "
	mkfifo "$T/opener"
	"$HELPERS/holdfd" ro "/dev/shm/${SHM_NAME#/}" </dev/null >"$T/opener" 2>&1 3>&- &
	opener=$!
	HOLDER_PIDS+=("$opener")
	exec 4<"$T/opener"
	wait_locks "LEASE +BREAKING +READ +[0-9]+ [0-9a-f]+:[0-9a-f]+:$ino "
	rc=0
	wait "$rm_pid" || rc=$?
	assert_equal "$rc" 1
	read -r out <&4 || true
	exec 4<&-
	assert_equal "$out" "$opener"
	assert_equal "$(cat "$T/rm.out")" ""
	[[ $(cat "$T/rm.err") == "shmrm: cannot remove '$SHM_NAME': held by "*"; --force unlinks it anyway" ]] ||
		fail "unexpected stderr: $(cat "$T/rm.err")"
	# the name leads to the inode the opener holds
	assert_equal "$(stat -c %i "/dev/shm/${SHM_NAME#/}")" "$ino"
	run -0 find -L "/proc/$opener/fd" -inum "$ino"
	assert_output --regexp "^/proc/$opener/fd/[0-9]+$"
	# it went by the put-back: renamed away under the lease, then back
	run -0 grep -c '^renameat2(.*' "$T/trace"
	assert_output 2
	run -0 grep -E "^renameat2\\(.*\"\\.shmkit-rm-[0-9]+-$ino\", .*\"${SHM_NAME#/}\", RENAME_NOREPLACE\\) = 0" "$T/trace"
	run -0 find /dev/shm -name '.shmkit-rm-*'
	assert_output ""
}

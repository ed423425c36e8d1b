#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmrm against an opener, thousands of rounds (tests/helpers/rmrace.c):
# for POSIX the lease and the private name leave no removal of an object
# someone has just opened that shmrm would call unheld; for System V the
# window shmrm(1) admits is measured and printed, not judged.

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

@test "a System V segment attached between shmrm's check and IPC_RMID is only marked for removal: the window is measured" {
	local n
	n=$(rounds 1000)
	run -0 --separate-stderr "$HELPERS/rmrace" -n "$n" sysv "$SHM_KEY"
	echo "# $output" >&3
	assert_equal "$stderr" ""
	[[ $output =~ ^"sysv: $n rounds, attach first "[0-9]+", shmrm first "[0-9]+", kept "[0-9]+", removed while attached "[0-9]+$ ]] ||
		fail "unexpected output: $output"
	(($(figure "attach first" "$output") + $(figure "shmrm first" "$output") == n)) || fail "rounds do not add up: $output"
	(($(figure kept "$output") + $(figure "removed while attached" "$output") == $(figure "attach first" "$output"))) ||
		fail "an attach's round is unaccounted for: $output"
	[[ $(sysv_count) == 0 ]]
}

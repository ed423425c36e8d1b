#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The filter options shmls and shmrm share (one popt table in cmd/common.c):
# the same names, the same selection, the same answers to bad values.

bats_require_minimum_version 1.5.0
load test_helper

# three POSIX objects, two of them an application's, and a SysV segment
app_fixture() {
	mk_sysv 0x5a01 4096 >/dev/null
	mk_posix /app-1 4096
	mk_posix /app-2 4096
	mk_posix /other 4096
}

@test "shmls --name lists what shmrm --name removes" {
	app_fixture
	run -0 --separate-stderr shmls -rn -o REF --name 'app-*'
	assert_output $'/app-1\n/app-2'
	listed=$output
	run -0 --separate-stderr shmrm -v --name 'app-*'
	assert_output "$(sed 's/^/removed /' <<<"$listed")"
	assert_equal "$stderr" ""
	run -0 ls /dev/shm
	assert_output "other"
	assert_equal "$(sysv_count)" 1
}

@test "--name-match is an alias of --name in shmrm and shmls" {
	app_fixture
	run -0 --separate-stderr shmls -rn -o REF --name 'app-*'
	by_name=$output
	run -0 --separate-stderr shmls -rn -o REF --name-match 'app-*'
	assert_output "$by_name"
	run -0 --separate-stderr shmrm -v -n --name 'app-*'
	by_name=$output
	assert_output $'(dry run) removed /app-1\n(dry run) removed /app-2'
	run -0 --separate-stderr shmrm -v -n --name-match 'app-*'
	assert_output "$by_name"
	run -0 --separate-stderr shmrm -v --name-match 'app-*'
	assert_output $'removed /app-1\nremoved /app-2'
	run -0 ls /dev/shm
	assert_output "other"
}

@test "shmls and shmrm --help show the filters alike, without the alias" {
	local prog filters=()
	for prog in shmls shmrm; do
		run -0 --separate-stderr "$prog" --help
		refute_output --partial -- --name-match
		# the section from its heading to the blank line after it
		filters+=("$(sed -n '/^Which segments:$/,/^$/p' <<<"$output")")
	done
	assert_equal "${filters[0]}" "${filters[1]}"
	assert_equal "$(grep -c -- '^ ' <<<"${filters[0]}")" 10
	grep -qE -- '^ +--name=GLOB +only POSIX objects whose name matches GLOB$' <<<"${filters[0]}"
}

# same_error MESSAGE OPTION...: shmls OPTION... and shmrm OPTION... refuse
# alike: exit 2, nothing on stdout, MESSAGE and the help hint on stderr,
# byte for byte the same but for the program's name; nothing removed.
same_error() {
	local msg=$1 ls_err
	shift
	run -2 --separate-stderr shmls "$@"
	assert_output ""
	assert_equal "$stderr" "$(usage_error shmls "$msg")"
	ls_err=$stderr
	run -2 --separate-stderr shmrm --all "$@"
	assert_output ""
	assert_equal "$stderr" "$(usage_error shmrm "$msg")"
	assert_equal "${stderr//shmrm/PROG}" "${ls_err//shmls/PROG}"
	run -0 ls /dev/shm
	assert_output $'app-1\napp-2\nother'
	assert_equal "$(sysv_count)" 1
}

@test "a bad duration is the same usage error in shmls and shmrm" {
	app_fixture
	same_error "invalid duration '5y' (expected N, Ns, Nm, Nh, Nd or Nw)" --older-than 5y
}

@test "an unknown user is the same usage error in shmls and shmrm" {
	app_fixture
	same_error "unknown user 'no-such-user-here'" -u no-such-user-here
	same_error "unknown user '12x'" --user 12x
}

@test "--target 0 is an invalid process id in shmls and shmrm, exit 2" {
	app_fixture
	same_error "invalid process id '0'" --target 0
	# also next to a reference, before any namespace is entered
	run -2 --separate-stderr shmrm --target 0 /app-1
	assert_equal "$stderr" "$(usage_error shmrm "invalid process id '0'")"
	[[ -e /dev/shm/app-1 ]]
}

@test "--target abc is an invalid process id in shmls and shmrm, exit 2" {
	app_fixture
	same_error "invalid process id 'abc'" --target abc
	same_error "invalid process id '-3'" --target -3
}

#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmrm -: references from standard input, one a line.

bats_require_minimum_version 1.5.0
load test_helper

@test "shmrm - skips blank lines and comments and removes duplicates once" {
	a=$(mk_sysv 0x6001 4096)
	b=$(mk_sysv 0x6002 4096)
	mk_posix /one 4096
	mk_posix /two 4096
	printf '%s\n' "# leaked by the nightly job" "" "$a" "  /one  " "0x6002" \
		"   # indented comment" "/one" "$a" "/two" "	" >"$T/refs"
	run -0 --separate-stderr shmrm -v - <"$T/refs"
	assert_output "removed $a
removed /one
removed $b
removed /two"
	assert_equal "$stderr" ""
	assert_equal "$(sysv_count)" 0
	run -0 ls -A /dev/shm
	assert_output ""
}

@test "shmrm - with garbage is a usage error and removes nothing" {
	mk_posix /one 4096
	mk_sysv 0x6101 4096 >/dev/null
	run -2 --separate-stderr shmrm - <<<"/one
0x6101
not a ref"
	assert_output ""
	assert_equal "$stderr" "$(usage_error shmrm "invalid segment reference 'not\x20a\x20ref' on line 3 of standard input (expected $REF_FORMS)")"
	[[ -e /dev/shm/one ]]
	assert_equal "$(sysv_count)" 1
	# a NUL byte, a name with a slash, a bad escape result
	printf '/one\n/a\0b\n' >"$T/nul"
	run -2 --separate-stderr shmrm - <"$T/nul"
	assert_equal "$stderr" "$(usage_error shmrm "NUL byte on line 2 of standard input")"
	run -2 --separate-stderr shmrm - <<<'/a\x2fb'
	assert_equal "$stderr" "$(usage_error shmrm "invalid segment reference '/a\x5cx2fb' on line 1 of standard input (expected $REF_FORMS)")"
	run -2 --separate-stderr shmrm - <<<'/a\x00b'
	assert_equal "$stderr" "$(usage_error shmrm "invalid segment reference '/a\x5cx00b' on line 1 of standard input (expected $REF_FORMS)")"
	[[ -e /dev/shm/one ]]
}

@test "shmrm - decodes the \\xNN escapes of shmls --raw" {
	mk_posix "/new
line" 4096
	mk_posix "/sp ace" 4096
	mk_posix '/back\slash' 4096
	mk_posix /keep 4096
	printf '%s\n' '/new\x0aline' '/sp\x20ace' '/back\x5cslash' >"$T/refs"
	run -0 --separate-stderr shmrm -v - <"$T/refs"
	assert_output 'removed /new\x0aline
removed /sp\x20ace
removed /back\x5cslash'
	run -0 ls /dev/shm
	assert_output "keep"
}

@test "shmls -rn -o REF --orphans | shmrm - removes what shmls listed" {
	shmls -rn -o REF >/dev/null 2>&1 || skip "shmls -o is not there yet (issue 3)"
	shmls --help | grep -q -- --orphans || skip "shmls --orphans is not there yet (issue 3)"
	a=$(mk_sysv 0x6201 4096)
	held=$(mk_sysv 0x6202 4096)
	start_holder "$held"
	mk_posix "/new
line" 4096
	mk_posix /mapped 4096
	start_holder /mapped
	run -0 --separate-stderr bash -c 'shmls -rn -o REF --orphans | shmrm -v -'
	assert_output "removed $a
removed /new\\x0aline"
	assert_equal "$stderr" ""
	assert_equal "$(sysv_count)" 1
	run -0 ls /dev/shm
	assert_output "mapped"
}

@test "shmrm - mixes with operands; a missing one fails, the rest go" {
	a=$(mk_sysv 0x6301 4096)
	mk_posix /one 4096
	mk_posix /two 4096
	run -1 --separate-stderr shmrm -v /one - /two <<<"$a
/gone"
	assert_output "removed /one
removed $a
removed /two"
	assert_equal "$stderr" "shmrm: cannot remove '/gone': no such segment"
	run -2 --separate-stderr shmrm - - </dev/null
	assert_equal "$stderr" "$(usage_error shmrm "standard input '-' given more than once")"
}

@test "shmrm - with nothing on standard input succeeds" {
	mk_posix /keep 4096
	run -0 --separate-stderr shmrm - </dev/null
	assert_output ""
	assert_equal "$stderr" ""
	run -0 --separate-stderr shmrm -v - <<<"# nothing today"
	assert_equal "$stderr" "shmrm: no segment named"
	[[ -e /dev/shm/keep ]]
}

@test "shmrm - resolves ftok references and fails cleanly on a missing path" {
	mk_sysv "$("$HELPERS/seg" ftok /tmp 7)" 4096 >/dev/null
	mk_posix /one 4096
	run -1 --separate-stderr shmrm - <<<"/one
ftok:/no/such/path:1"
	assert_equal "$stderr" "shmrm: cannot use 'ftok:/no/such/path:1': $(strerror ENOENT)"
	[[ -e /dev/shm/one ]]
	run -0 --separate-stderr shmrm - <<<"ftok:/tmp:7"
	assert_equal "$(sysv_count)" 0
}

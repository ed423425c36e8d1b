#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmwrite REF [FILE] [-o OFFSET] [-z]

bats_require_minimum_version 1.5.0
load test_helper

# posix_file /NAME: the object's path under /dev/shm
posix_file() {
	echo "/dev/shm/${1#/}"
}

# zeros N: N NUL bytes on stdout
zeros() {
	head -c "$1" /dev/zero
}

@test "shmwrite copies stdin into a SysV segment and prints nothing" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	printf 'hello' >"$T/in"
	run -0 --separate-stderr shmwrite "$SHM_KEY" <"$T/in"
	assert_output ""
	assert_equal "$stderr" ""
	{ printf 'hello'; zeros 4091; } >"$T/want"
	sysv_dump "$id" >"$T/got"
	cmp "$T/want" "$T/got"
}

@test "shmwrite copies a FILE into a POSIX object" {
	mk_posix "$SHM_NAME" 4096
	printf 'from a file\n' >"$T/in"
	run -0 --separate-stderr shmwrite "$SHM_NAME" "$T/in"
	assert_output ""
	assert_equal "$stderr" ""
	{ printf 'from a file\n'; zeros 4084; } >"$T/want"
	cmp "$T/want" "$(posix_file "$SHM_NAME")"
}

@test "shmwrite reads stdin when FILE is -" {
	mk_posix "$SHM_NAME" 16
	run -0 --separate-stderr shmwrite "$SHM_NAME" - <<<"dash"
	assert_equal "$stderr" ""
	{ printf 'dash\n'; zeros 11; } >"$T/want"
	cmp "$T/want" "$(posix_file "$SHM_NAME")"
}

@test "shmwrite reaches a SysV segment by id, id:N, key:N and ftok" {
	id=$(mk_sysv "$SHM_KEY" 16)
	run -0 shmwrite "$id" <<<"a"
	run -0 shmwrite -o 2 "id:$id" <<<"b"
	run -0 shmwrite -o 4 "key:$((SHM_KEY))" <<<"c"
	fid=$(mk_sysv "$("$HELPERS/seg" ftok /tmp 5)" 16)
	run -0 shmwrite ftok:/tmp:5 <<<"d"
	assert_equal "$(sysv_dump "$id" | hex_of)" "610a620a630a00000000000000000000"
	assert_equal "$(sysv_dump "$fid" | hex_of)" "640a0000000000000000000000000000"
}

@test "shmwrite writes an input that fills the segment exactly" {
	mk_posix "$SHM_NAME" 4096
	head -c 4096 /dev/urandom >"$T/in"
	run -0 --separate-stderr shmwrite "$SHM_NAME" "$T/in"
	assert_equal "$stderr" ""
	cmp "$T/in" "$(posix_file "$SHM_NAME")"
}

@test "shmwrite writes nothing when a regular file does not fit (SysV)" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	head -c 5000 /dev/urandom >"$T/in"
	run -1 --separate-stderr shmwrite "$SHM_KEY" "$T/in"
	assert_output ""
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_KEY': input is 5000 bytes but the segment holds 4096; nothing written"
	zeros 4096 >"$T/want"
	sysv_dump "$id" >"$T/got"
	cmp "$T/want" "$T/got"
}

@test "shmwrite writes nothing when a regular file on stdin does not fit (POSIX)" {
	mk_posix "$SHM_NAME" 4096
	head -c 5000 /dev/urandom >"$T/in"
	run -1 --separate-stderr shmwrite "$SHM_NAME" <"$T/in"
	assert_output ""
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_NAME': input is 5000 bytes but the segment holds 4096; nothing written"
	zeros 4096 | cmp - "$(posix_file "$SHM_NAME")"
}

@test "shmwrite names the offset when a file does not fit after it" {
	mk_posix "$SHM_NAME" 4096
	head -c 4000 /dev/urandom >"$T/in"
	run -1 --separate-stderr shmwrite -o 100 "$SHM_NAME" "$T/in"
	assert_output ""
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_NAME': input is 4000 bytes at offset 100 but the segment holds 4096; nothing written"
	zeros 4096 | cmp - "$(posix_file "$SHM_NAME")"
}

@test "shmwrite -z counts the NUL when checking that a file fits" {
	mk_posix "$SHM_NAME" 4096
	head -c 4096 /dev/urandom >"$T/in"
	run -1 --separate-stderr shmwrite -z "$SHM_NAME" "$T/in"
	assert_output ""
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_NAME': input is 4096 bytes plus a NUL but the segment holds 4096; nothing written"
	zeros 4096 | cmp - "$(posix_file "$SHM_NAME")"
}

@test "shmwrite -z with an offset names both when a file does not fit" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	head -c 4000 /dev/urandom >"$T/in"
	run -1 --separate-stderr shmwrite --string --offset 96 "$SHM_KEY" "$T/in"
	assert_output ""
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_KEY': input is 4000 bytes plus a NUL at offset 96 but the segment holds 4096; nothing written"
	zeros 4096 >"$T/want"
	sysv_dump "$id" >"$T/got"
	cmp "$T/want" "$T/got"
}

@test "shmwrite fills the segment from an overflowing pipe and exits 1 (SysV)" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	head -c 10000 /dev/urandom >"$T/in"
	run -1 --separate-stderr bash -c 'cat "$1" | shmwrite "$2"' _ "$T/in" "$SHM_KEY"
	assert_output ""
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_KEY': input is larger than the segment; wrote the first 4096 bytes"
	head -c 4096 "$T/in" >"$T/want"
	sysv_dump "$id" >"$T/got"
	cmp "$T/want" "$T/got"
}

@test "shmwrite fills the rest after an offset from an overflowing pipe (POSIX)" {
	mk_posix "$SHM_NAME" 4096
	head -c 10000 /dev/urandom >"$T/in"
	run -1 --separate-stderr bash -c 'cat "$1" | shmwrite -o 1K "$2"' _ "$T/in" "$SHM_NAME"
	assert_output ""
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_NAME': input is larger than the segment; wrote the first 3072 bytes"
	{ zeros 1024; head -c 3072 "$T/in"; } >"$T/want"
	cmp "$T/want" "$(posix_file "$SHM_NAME")"
}

@test "shmwrite writes a pipe that fits exactly and exits 0" {
	mk_posix "$SHM_NAME" 4096
	head -c 4096 /dev/urandom >"$T/in"
	run -0 --separate-stderr bash -c 'cat "$1" | shmwrite "$2"' _ "$T/in" "$SHM_NAME"
	assert_equal "$stderr" ""
	cmp "$T/in" "$(posix_file "$SHM_NAME")"
}

@test "shmwrite -o writes at the offset and leaves the other bytes unchanged" {
	id=$(mk_sysv "$SHM_KEY" 32)
	sysv_fill "$id" 0x61
	run -0 --separate-stderr shmwrite -o 10 "$SHM_KEY" < <(printf 'XYZ')
	assert_equal "$stderr" ""
	assert_equal "$(sysv_dump "$id")" "aaaaaaaaaaXYZaaaaaaaaaaaaaaaaaaa"
}

@test "shmwrite -z appends one NUL after the data" {
	mk_posix "$SHM_NAME" 8
	printf 'xxxxxxxx' >"$(posix_file "$SHM_NAME")"
	run -0 --separate-stderr shmwrite -z "$SHM_NAME" < <(printf 'hi')
	assert_equal "$stderr" ""
	assert_equal "$(hex_of <"$(posix_file "$SHM_NAME")")" "6869007878787878"
}

@test "shmwrite -o at the very end with empty input succeeds" {
	mk_posix "$SHM_NAME" 16
	run -0 --separate-stderr shmwrite -o 16 "$SHM_NAME" </dev/null
	assert_output ""
	assert_equal "$stderr" ""
}

@test "shmwrite refuses an offset past the end of the segment" {
	mk_posix "$SHM_NAME" 4096
	run -1 --separate-stderr shmwrite -o 5000 "$SHM_NAME" < <(printf 'x')
	assert_output ""
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_NAME': offset 5000 is past the end of the segment (4096 bytes)"
	zeros 4096 | cmp - "$(posix_file "$SHM_NAME")"
}

@test "shmwrite rejects a bad offset with exit 2" {
	mk_posix "$SHM_NAME" 4096
	local off
	for off in abc -1 1.5K 12Q 99999999999999999999 ''; do
		run -2 --separate-stderr shmwrite --offset="$off" "$SHM_NAME" </dev/null
		assert_output ""
		assert_equal "$stderr" "$(usage_error shmwrite "invalid offset '$off'")"
	done
}

@test "shmwrite with two files says 'unexpected argument'" {
	mk_posix "$SHM_NAME" 4096
	printf 'a' >"$T/a"
	printf 'b' >"$T/b"
	run -2 --separate-stderr shmwrite "$SHM_NAME" "$T/a" "$T/b"
	assert_output ""
	assert_equal "$stderr" "$(usage_error shmwrite "unexpected argument '$T/b'")"
	zeros 4096 | cmp - "$(posix_file "$SHM_NAME")"
}

@test "shmwrite fails with 'no such segment' for a missing segment of either kind" {
	local ref
	for ref in "$SHM_KEY" 12345 id:12345 "$SHM_NAME" ftok:/tmp:9; do
		run -1 --separate-stderr shmwrite "$ref" < <(printf 'x')
		assert_output ""
		assert_equal "$stderr" "shmwrite: cannot write '$ref': no such segment"
	done
	run -0 ls -A /dev/shm
	assert_output ""
}

@test "shmwrite ftok: with a missing path fails with the ftok error" {
	run -1 --separate-stderr shmwrite ftok:/nope:1 </dev/null
	assert_output ""
	assert_equal "$stderr" "shmwrite: cannot use 'ftok:/nope:1': $(strerror ENOENT)"
}

@test "shmwrite rejects every malformed reference form with exit 2" {
	local ref long
	long=/$(printf 'n%.0s' {1..256})
	for ref in '' 0x 0xZZ key: key:-1 0x1ffffffff 0x0 id:abc -5 / /a/b /. /.. "$long" ftok: ftok:/tmp:256 foo private; do
		run -2 --separate-stderr shmwrite -- "$ref" </dev/null
		assert_output ""
		assert_equal "$stderr" "$(bad_ref_msg shmwrite "$ref")"
	done
}

# bats test_tags=needs:root
@test "shmwrite as another user names owner, mode and CAP_IPC_OWNER (SysV)" {
	require_root "uses setpriv"
	id=$(mk_sysv "$SHM_KEY" 4096 0644)
	run -1 --separate-stderr as_nobody shmwrite "$SHM_KEY" < <(printf 'x')
	assert_output ""
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_KEY': permission denied (owner uid 0, mode 0644; you are uid 65534 without CAP_IPC_OWNER)"
	zeros 4096 >"$T/want"
	sysv_dump "$id" >"$T/got"
	cmp "$T/want" "$T/got"
}

# bats test_tags=needs:root
@test "shmwrite as another user names owner, mode and CAP_DAC_OVERRIDE (POSIX)" {
	require_root "uses setpriv"
	mk_posix "$SHM_NAME" 4096 0644
	run -1 --separate-stderr as_nobody shmwrite "$SHM_NAME" < <(printf 'x')
	assert_output ""
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_NAME': permission denied (owner uid 0, mode 0644; you are uid 65534 without CAP_DAC_OVERRIDE)"
	zeros 4096 | cmp - "$(posix_file "$SHM_NAME")"
}

# bats test_tags=needs:root
@test "shmwrite works for another user the mode allows" {
	require_root "uses setpriv"
	id=$(mk_sysv "$SHM_KEY" 4 0666)
	run -0 --separate-stderr as_nobody shmwrite "$SHM_KEY" < <(printf 'ok')
	assert_equal "$stderr" ""
	assert_equal "$(sysv_dump "$id" | hex_of)" "6f6b0000"
}

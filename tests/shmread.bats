#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmread REF [-o OFFSET] [-l LENGTH] [-z]; round trips with shmwrite, C and Python

bats_require_minimum_version 1.5.0
load test_helper

posix_file() {
	echo "/dev/shm/${1#/}"
}

zeros() {
	head -c "$1" /dev/zero
}

# bad_ref TEXT: shmread TEXT is a usage error naming TEXT.
bad_ref() {
	run -2 --separate-stderr shmread -- "$1"
	assert_output ""
	assert_equal "$stderr" "$(bad_ref_msg shmread "$1")"
}

# ------------------------------------------------------------- reading

@test "shmread prints a whole SysV segment exactly" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	sysv_fill "$id" 0xa5
	shmread "$SHM_KEY" >"$T/got" 2>"$T/err"
	sysv_dump "$id" >"$T/want"
	cmp "$T/want" "$T/got"
	[[ ! -s $T/err ]]
}

@test "shmread prints a whole POSIX object exactly" {
	mk_posix "$SHM_NAME" 8192
	head -c 5000 /dev/urandom >"$T/data"
	dd if="$T/data" of="$(posix_file "$SHM_NAME")" conv=notrunc status=none
	shmread "$SHM_NAME" >"$T/got" 2>"$T/err"
	cmp "$(posix_file "$SHM_NAME")" "$T/got"
	[[ ! -s $T/err ]]
}

@test "shmread of a fresh segment prints its size in NUL bytes" {
	id=$(mk_sysv "$SHM_KEY" 12288)
	shmread "id:$id" >"$T/got"
	zeros 12288 | cmp - "$T/got"
}

@test "shmread -o and -l read a range" {
	mk_posix "$SHM_NAME" 26
	printf 'abcdefghijklmnopqrstuvwxyz' >"$(posix_file "$SHM_NAME")"
	run -0 --separate-stderr shmread -o 3 -l 5 "$SHM_NAME"
	assert_equal "$stderr" ""
	assert_output "defgh"
	run -0 --separate-stderr shmread --offset 20 "$SHM_NAME"
	assert_output "uvwxyz"
	run -0 --separate-stderr shmread --length 2 "$SHM_NAME"
	assert_output "ab"
}

@test "shmread -l 0 and an offset at the end read nothing and succeed" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	sysv_fill "$id" 0x41
	shmread -l 0 "$SHM_KEY" >"$T/a"
	shmread -o 4096 "$SHM_KEY" >"$T/b"
	shmread -o 4K -l 0 "$SHM_KEY" >"$T/c"
	[[ ! -s $T/a && ! -s $T/b && ! -s $T/c ]]
}

@test "shmread refuses a range past the end of the segment" {
	mk_posix "$SHM_NAME" 4096
	run -1 --separate-stderr shmread -o 4000 -l 200 "$SHM_NAME"
	assert_output ""
	assert_equal "$stderr" "shmread: cannot read '$SHM_NAME': range offset 4000 length 200 is past the end of the segment (4096 bytes)"
	run -1 --separate-stderr shmread -o 5000 -l 0 "$SHM_NAME"
	assert_output ""
	assert_equal "$stderr" "shmread: cannot read '$SHM_NAME': range offset 5000 length 0 is past the end of the segment (4096 bytes)"
}

@test "shmread -z stops at the first NUL without adding a newline" {
	mk_posix "$SHM_NAME" 32
	printf 'first\0second' | dd of="$(posix_file "$SHM_NAME")" conv=notrunc status=none
	shmread -z "$SHM_NAME" >"$T/got"
	assert_equal "$(hex_of <"$T/got")" "$(printf first | hex_of)"
	shmread --string -o 6 "$SHM_NAME" >"$T/got"
	assert_equal "$(hex_of <"$T/got")" "$(printf second | hex_of)"
}

@test "shmread -z without a NUL in the range prints the whole range" {
	mk_posix "$SHM_NAME" 8
	printf 'abcdefgh' >"$(posix_file "$SHM_NAME")"
	shmread -z -l 4 "$SHM_NAME" >"$T/got"
	assert_equal "$(cat "$T/got")" "abcd"
	shmread -z "$SHM_NAME" >"$T/got"
	assert_equal "$(cat "$T/got")" "abcdefgh"
}

@test "shmread rejects a bad offset or length with exit 2" {
	mk_posix "$SHM_NAME" 4096
	local n
	for n in abc -1 1.5K 12Q 99999999999999999999; do
		run -2 --separate-stderr shmread --offset="$n" "$SHM_NAME"
		assert_output ""
		assert_equal "$stderr" "$(usage_error shmread "invalid offset '$n'")"
		run -2 --separate-stderr shmread --length="$n" "$SHM_NAME"
		assert_output ""
		assert_equal "$stderr" "$(usage_error shmread "invalid length '$n'")"
	done
}

@test "shmread with a second argument says 'unexpected argument'" {
	mk_posix "$SHM_NAME" 4096
	run -2 --separate-stderr shmread "$SHM_NAME" more
	assert_output ""
	assert_equal "$stderr" "$(usage_error shmread "unexpected argument 'more'")"
}

@test "shmread fails with 'no such segment' for a missing segment of either kind" {
	local ref
	for ref in "$SHM_KEY" "key:$((SHM_KEY))" 12345 id:12345 "$SHM_NAME" ftok:/tmp:9; do
		run -1 --separate-stderr shmread "$ref"
		assert_output ""
		assert_equal "$stderr" "shmread: cannot read '$ref': no such segment"
	done
}

@test "shmread ftok: with a missing path fails with the ftok error" {
	run -1 --separate-stderr shmread ftok:/nope:1
	assert_output ""
	assert_equal "$stderr" "shmread: cannot use 'ftok:/nope:1': $(strerror ENOENT)"
}

@test "shmread creates no IPC object and no file" {
	mk_posix "$SHM_NAME" 4096
	id=$(mk_sysv "$SHM_KEY" 4096)
	before=$(cat /proc/sysvipc/sem /proc/sysvipc/msg; awk 'NR > 1 { print $2 }' /proc/sysvipc/shm)
	shmread "$SHM_NAME" >/dev/null
	shmread "$id" >/dev/null
	run -0 ls -A /dev/shm
	assert_output "${SHM_NAME#/}"
	assert_equal "$(cat /proc/sysvipc/sem /proc/sysvipc/msg; awk 'NR > 1 { print $2 }' /proc/sysvipc/shm)" "$before"
}

# bats test_tags=needs:root
@test "shmread as another user names owner, mode and CAP_IPC_OWNER (SysV)" {
	require_root "uses setpriv"
	mk_sysv "$SHM_KEY" 4096 0600 >/dev/null
	run -1 --separate-stderr as_nobody shmread "$SHM_KEY"
	assert_output ""
	assert_equal "$stderr" "shmread: cannot read '$SHM_KEY': permission denied (owner uid 0, mode 0600; you are uid 65534 without CAP_IPC_OWNER)"
}

# bats test_tags=needs:root
@test "shmread as another user names owner, mode and CAP_DAC_OVERRIDE (POSIX)" {
	require_root "uses setpriv"
	mk_posix "$SHM_NAME" 4096 0600
	run -1 --separate-stderr as_nobody shmread "$SHM_NAME"
	assert_output ""
	assert_equal "$stderr" "shmread: cannot read '$SHM_NAME': permission denied (owner uid 0, mode 0600; you are uid 65534 without CAP_DAC_OVERRIDE)"
}

# bats test_tags=needs:root
@test "shmread needs only read permission: another user reads a 0444 segment" {
	require_root "uses setpriv"
	id=$(mk_sysv "$SHM_KEY" 4 0444)
	sysv_fill "$id" 0x42
	mk_posix "$SHM_NAME" 3 0444
	printf 'abc' >"$(posix_file "$SHM_NAME")"
	run -0 --separate-stderr as_nobody shmread "$SHM_KEY"
	assert_equal "$stderr" ""
	assert_output "BBBB"
	run -0 --separate-stderr as_nobody shmread "$SHM_NAME"
	assert_equal "$stderr" ""
	assert_output "abc"
}

# ----------------------------------------------------- malformed refs

@test "shmread rejects an empty reference" { bad_ref ''; }
@test "shmread rejects 0x with no digits" { bad_ref 0x; }
@test "shmread rejects 0x with non-hex digits" { bad_ref 0xZZ; }
@test "shmread rejects key: with no number" { bad_ref key:; }
@test "shmread rejects a negative key:" { bad_ref key:-1; }
@test "shmread rejects a key above 32 bits" { bad_ref 0x1ffffffff; }
@test "shmread rejects key 0 (IPC_PRIVATE)" { bad_ref 0x0; }
@test "shmread rejects id: with junk" { bad_ref id:abc; }
@test "shmread rejects a negative id" { bad_ref -5; }
@test "shmread rejects / alone" { bad_ref /; }
@test "shmread rejects a POSIX name with a second slash" { bad_ref /a/b; }
@test "shmread rejects the POSIX name ." { bad_ref /.; }
@test "shmread rejects the POSIX name .." { bad_ref /..; }
@test "shmread rejects a POSIX name of 256 bytes" {
	bad_ref "/$(printf '%0256d' 0 | tr 0 n)"
}
@test "shmread rejects ftok: with no path" { bad_ref ftok:; }
@test "shmread rejects an ftok project above 255" { bad_ref ftok:/tmp:256; }
@test "shmread rejects a bare word" { bad_ref foo; }
@test "shmread rejects private, which only shmcreate takes" { bad_ref private; }

# ---------------------------------------------------------- round trips

# round_trip REF FROM: 1 MiB with NUL runs through shmwrite (from a file or
# a pipe) and back through shmread, byte for byte.
round_trip() {
	mixed_file "$T/data" 1048576
	[[ $(tr -d '\0' <"$T/data" | wc -c) -lt 1000000 ]] || fail "test data has too few NULs"
	if [[ $2 == file ]]; then
		run -0 --separate-stderr shmwrite "$1" "$T/data"
	else
		run -0 --separate-stderr bash -c 'cat "$1" | shmwrite "$2"' _ "$T/data" "$1"
	fi
	assert_equal "$stderr" ""
	shmread "$1" >"$T/back"
	cmp "$T/data" "$T/back"
}

@test "1 MiB of binary data round-trips through a SysV segment from a file" {
	mk_sysv "$SHM_KEY" 1048576 >/dev/null
	round_trip "$SHM_KEY" file
}

@test "1 MiB of binary data round-trips through a SysV segment from a pipe" {
	id=$(mk_sysv "$SHM_KEY" 1048576)
	round_trip "$id" pipe
}

@test "1 MiB of binary data round-trips through a POSIX object from a file" {
	mk_posix "$SHM_NAME" 1M
	round_trip "$SHM_NAME" file
}

@test "1 MiB of binary data round-trips through a POSIX object from a pipe" {
	mk_posix "$SHM_NAME" 1M
	round_trip "$SHM_NAME" pipe
}

# ------------------------------------------------------------ other code

@test "shmread -z reads what the textbook C writer strcpy'd" {
	run -0 "$HELPERS/ftok_writer" /tmp 0 "hello from C"
	shmread -z ftok:/tmp:0 >"$T/got"
	printf 'hello from C' | cmp - "$T/got"
}

@test "the textbook C reader reads what shmwrite -z wrote" {
	run -0 --separate-stderr shmcreate -m 0666 ftok:/tmp:0 4096
	run -0 --separate-stderr shmwrite -z ftok:/tmp:0 < <(printf 'hello from shmkit')
	run -0 --separate-stderr "$HELPERS/ftok_reader" /tmp 0
	assert_equal "$stderr" ""
	assert_output "hello from shmkit"
}

@test "shmread reads what Python's SharedMemory wrote" {
	name=${SHM_NAME#/}
	run -0 --separate-stderr python3 - "$name" <<'EOF'
import sys
from multiprocessing import shared_memory, resource_tracker
shm = shared_memory.SharedMemory(create=True, name=sys.argv[1], size=4096)
resource_tracker.unregister(shm._name, "shared_memory")
data = b"from python\x00\x01\x02\xff"
shm.buf[:len(data)] = data
shm.close()
EOF
	assert_equal "$stderr" ""
	shmread -l 15 "$SHM_NAME" >"$T/got"
	printf 'from python\0\1\2\377' | cmp - "$T/got"
	shmread "$SHM_NAME" | wc -c >"$T/size"
	assert_equal "$(cat "$T/size")" 4096
}

@test "Python's SharedMemory reads what shmcreate and shmwrite made" {
	run -0 shmcreate "$SHM_NAME" 4096
	printf 'to python\0tail' >"$T/in"
	run -0 shmwrite "$SHM_NAME" "$T/in"
	run -0 --separate-stderr python3 - "${SHM_NAME#/}" <<'EOF'
import sys
from multiprocessing import shared_memory, resource_tracker
shm = shared_memory.SharedMemory(name=sys.argv[1])
resource_tracker.unregister(shm._name, "shared_memory")
print(shm.size, bytes(shm.buf[:14]).hex())
shm.close()
EOF
	assert_equal "$stderr" ""
	assert_output "4096 $(hex_of <"$T/in")"
	# Python did not unlink it
	[[ -f $(posix_file "$SHM_NAME") ]]
}

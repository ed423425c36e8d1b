#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmls [REF...] [--sysv|--posix] [-J|-r] [-n] [-b]

bats_require_minimum_version 1.5.0
load test_helper

posix_file() {
	echo "/dev/shm/${1#/}"
}

HEADER='REF KIND KEY OWNER PERMS SIZE NATTCH STATUS CTIME'

# iso TIME: epoch seconds as shmls prints them in raw and JSON output.
iso() {
	date -d "@$1" +%Y-%m-%dT%H:%M:%S%z
}

# raw_field LINE N: the Nth space-separated field of a raw line (empty
# fields count: raw output separates every column by exactly one space).
raw_field() {
	cut -d' ' -f"$2" <<<"$1"
}

@test "shmls -r prints the header with every column in order" {
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr shmls -r
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 2
	assert_equal "${lines[0]}" "$HEADER"
}

@test "shmls prints the header with every column in the table" {
	mk_sysv "$SHM_KEY" 4096 >/dev/null
	run -0 --separate-stderr shmls
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 2
	assert_line -n 0 --regexp '^REF +KIND +KEY +OWNER +PERMS +SIZE +NATTCH +STATUS +CTIME *$'
}

@test "shmls -n of nothing prints nothing and succeeds" {
	run -0 --separate-stderr shmls -n
	assert_output ""
	assert_equal "$stderr" ""
	run -0 --separate-stderr shmls -n -r --posix
	assert_output ""
	assert_equal "$stderr" ""
}

@test "shmls lists both kinds: SysV first, then POSIX" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	mk_posix "$SHM_NAME" 8192
	run -0 --separate-stderr shmls -r -n
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 2
	assert_equal "$(raw_field "${lines[0]}" 1) $(raw_field "${lines[0]}" 2)" "$id sysv"
	assert_equal "$(raw_field "${lines[1]}" 1) $(raw_field "${lines[1]}" 2)" "$SHM_NAME posix"
}

@test "shmls --sysv lists only SysV segments" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr shmls --sysv -r -n
	assert_equal "${#lines[@]}" 1
	assert_equal "$(raw_field "${lines[0]}" 1)" "$id"
}

@test "shmls --posix lists only POSIX objects" {
	mk_sysv "$SHM_KEY" 4096 >/dev/null
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr shmls --posix -r -n
	assert_equal "${#lines[@]}" 1
	assert_equal "$(raw_field "${lines[0]}" 1)" "$SHM_NAME"
}

@test "shmls sorts SysV by id and POSIX by name" {
	a=$(mk_sysv 0x3000 4096)
	b=$(mk_sysv 0x2000 4096)
	c=$(mk_sysv 0x1000 4096)
	mk_posix /shmkit-test-b 1
	mk_posix /shmkit-test-c 1
	mk_posix /shmkit-test-a 1
	run -0 --separate-stderr bash -c 'shmls -r -n | cut -d" " -f1'
	mapfile -t want < <(printf '%s\n' "$a" "$b" "$c" | sort -n)
	assert_equal "$output" "$(printf '%s\n' "${want[@]}" /shmkit-test-a /shmkit-test-b /shmkit-test-c)"
}

@test "shmls -r values of a SysV segment match /proc/sysvipc/shm" {
	id=$(mk_sysv "$SHM_KEY" 12345 0640)
	start_holder "$id"
	run -0 --separate-stderr shmls -r -n --sysv
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 1
	line=${lines[0]}
	assert_equal "$(raw_field "$line" 1)" "$id"
	assert_equal "$(raw_field "$line" 2)" sysv
	assert_equal "$(raw_field "$line" 3)" "$(printf '0x%08x' "$((SHM_KEY))")"
	assert_equal "$(raw_field "$line" 4)" root
	assert_equal "$(raw_field "$line" 5)" rw-r-----
	assert_equal "$(raw_field "$line" 6)" "$(sysv_field "$id" 4)"
	assert_equal "$(raw_field "$line" 7)" "$(sysv_field "$id" 7)"
	assert_equal "$(raw_field "$line" 7)" 1
	assert_equal "$(raw_field "$line" 8)" ""
	assert_equal "$(raw_field "$line" 9)" "$(iso "$(sysv_field "$id" 14)")"
}

@test "shmls -r values of a POSIX object match stat" {
	mk_posix "$SHM_NAME" 5000 0604
	f=$(posix_file "$SHM_NAME")
	run -0 --separate-stderr shmls -r -n --posix
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 1
	line=${lines[0]}
	assert_equal "$(raw_field "$line" 1)" "$SHM_NAME"
	assert_equal "$(raw_field "$line" 2)" posix
	assert_equal "$(raw_field "$line" 3)" ""
	assert_equal "$(raw_field "$line" 4)" "$(stat -c %U "$f")"
	assert_equal "$(raw_field "$line" 5)" "$(stat -c %A "$f" | cut -c2-)"
	assert_equal "$(raw_field "$line" 5)" rw----r--
	assert_equal "$(raw_field "$line" 6)" "$(stat -c %s "$f")"
	assert_equal "$(raw_field "$line" 7)" ""
	assert_equal "$(raw_field "$line" 8)" ""
	assert_equal "$(raw_field "$line" 9)" "$(iso "$(stat -c %Z "$f")")"
}

@test "shmls shows key 0x00000000 for an IPC_PRIVATE segment" {
	id=$(mk_sysv 0 4096)
	run -0 --separate-stderr shmls -r -n
	assert_equal "$(raw_field "${lines[0]}" 1) $(raw_field "${lines[0]}" 3)" "$id 0x00000000"
}

@test "shmls -J prints JSON with numbers for sizes and null nattch for POSIX" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	mk_posix "$SHM_NAME" 1M
	run -0 --separate-stderr shmls -J
	assert_equal "$stderr" ""
	run -0 jq -c '.segments | map([.ref, .kind, .size, .nattch, (.size | type)])' <<<"$output"
	assert_output "[[\"$id\",\"sysv\",4096,0,\"number\"],[\"$SHM_NAME\",\"posix\",1048576,null,\"number\"]]"
}

@test "shmls --json fields of a SysV segment match /proc/sysvipc/shm" {
	id=$(mk_sysv "$SHM_KEY" 4096 0604)
	run -0 --separate-stderr shmls --json --sysv
	run -0 jq -r '.segments[0] | [.ref, .kind, .key, .owner, .perms, .size, .nattch, .ctime] | map(tostring) | join("|")' <<<"$output"
	assert_output "$id|sysv|$(printf '0x%08x' "$((SHM_KEY))")|root|rw----r--|4096|0|$(iso "$(sysv_field "$id" 14)")"
}

@test "shmls -J of nothing is an empty segments array" {
	run -0 --separate-stderr shmls -J
	assert_equal "$stderr" ""
	run -0 jq -c '.segments' <<<"$output"
	assert_output "[]"
}

@test "shmls shows human sizes in the table and bytes with -b" {
	mk_posix /shmkit-test-a 4096
	mk_posix /shmkit-test-b 1M
	mk_posix /shmkit-test-c 1536K
	run -0 --separate-stderr bash -c 'shmls -n --posix | awk "{ print \$1, \$5 }"'
	# POSIX rows have no KEY and no NATTCH: SIZE is the 5th word
	assert_output "/shmkit-test-a 4K
/shmkit-test-b 1M
/shmkit-test-c 1.5M"
	run -0 --separate-stderr bash -c 'shmls -n -b --posix | awk "{ print \$1, \$5 }"'
	assert_output "/shmkit-test-a 4096
/shmkit-test-b 1048576
/shmkit-test-c 1572864"
}

@test "shmls prints CTIME as YYYY-MM-DD HH:MM in the table" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	want=$(date -d "@$(sysv_field "$id" 14)" '+%Y-%m-%d %H:%M')
	run -0 --separate-stderr shmls -n --sysv
	assert_output --regexp " $want *\$"
}

@test "shmls with REFs lists only those, in the order given" {
	a=$(mk_sysv "$SHM_KEY" 4096)
	b=$(mk_sysv "$SHM_KEY2" 4096)
	mk_posix "$SHM_NAME" 4096
	mk_posix "$SHM_NAME2" 4096
	run -0 --separate-stderr bash -c 'shmls -r -n "$@" | cut -d" " -f1' _ "$SHM_NAME2" "$SHM_KEY2" "id:$a"
	assert_output "$SHM_NAME2
$b
$a"
}

@test "shmls with a missing REF says so, still lists the others and exits 1" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	mk_posix "$SHM_NAME" 4096
	run -1 --separate-stderr shmls -r -n "$SHM_NAME" "$SHM_NAME2" "$SHM_KEY" 99999
	assert_equal "$stderr" "shmls: cannot list '$SHM_NAME2': no such segment
shmls: cannot list '99999': no such segment"
	assert_equal "${#lines[@]}" 2
	assert_equal "$(raw_field "${lines[0]}" 1)" "$SHM_NAME"
	assert_equal "$(raw_field "${lines[1]}" 1)" "$id"
}

@test "shmls shows nattch and the dest status of a marked segment" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	start_holder "$id"
	start_holder "$id"
	ipcrm -m "$id"
	run -0 --separate-stderr shmls -r -n "$id"
	assert_equal "$(raw_field "${lines[0]}" 7)" 2
	assert_equal "$(raw_field "${lines[0]}" 8)" dest
	# after IPC_RMID the kernel shows key 0
	assert_equal "$(raw_field "${lines[0]}" 3)" 0x00000000
}

# bats test_tags=needs:root
@test "shmls shows a uid without a user name as the number" {
	require_root "uses setpriv"
	getent passwd 48879 >/dev/null && skip "uid 48879 has a name here"
	setpriv --reuid=48879 --regid=48879 --clear-groups -- "$HELPERS/seg" create "$SHM_KEY" 4096 0600 >/dev/null
	run -0 --separate-stderr shmls -r -n
	assert_equal "$(raw_field "${lines[0]}" 4)" 48879
}

@test "shmls leaves out semaphores, directories and symlinks in /dev/shm" {
	mk_posix "$SHM_NAME" 4096
	: >/dev/shm/sem.shmkit-test
	mkdir /dev/shm/shmkit-test-dir
	ln -s /etc/passwd /dev/shm/shmkit-test-link
	run -0 --separate-stderr shmls -r -n --posix
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 1
	assert_equal "$(raw_field "${lines[0]}" 1)" "$SHM_NAME"
}

@test "shmls -J keeps names with quotes, backslashes and newlines intact" {
	name=$'/shmkit-"odd\\\nname'
	mk_posix "$name" 4096
	run -0 --separate-stderr shmls -J --posix
	run -0 jq -r '.segments | length' <<<"$output"
	assert_output 1
	run -0 --separate-stderr shmls -J --posix
	got=$(jq -j '.segments[0].ref' <<<"$output")
	assert_equal "$got" "$name"
}

@test "shmls -r keeps one line per segment whatever the name holds" {
	mk_posix $'/shmkit-a b\nc' 4096
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr shmls -r -n --posix
	assert_equal "${#lines[@]}" 2
	[[ ${lines[0]} != *$'\n'* ]]
	assert_equal "$(raw_field "${lines[0]}" 2)" posix
	assert_equal "$(raw_field "${lines[1]}" 2)" posix
}

@test "shmls REF takes every reference form" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	fid=$(mk_sysv "$("$HELPERS/seg" ftok /tmp 2)" 4096)
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr bash -c 'shmls -r -n "$@" | cut -d" " -f1' _ \
		"$SHM_KEY" "key:$((SHM_KEY))" "$id" "id:$id" ftok:/tmp:2 "$SHM_NAME"
	assert_equal "$stderr" ""
	assert_output "$id
$id
$id
$id
$fid
$SHM_NAME"
}

@test "shmls ftok: with a missing path fails with the ftok error" {
	run -1 --separate-stderr shmls ftok:/nope:1
	assert_output ""
	assert_equal "$stderr" "shmls: cannot use 'ftok:/nope:1': $(strerror ENOENT)"
}

@test "shmls rejects every malformed reference form with exit 2" {
	local ref long
	long=/$(printf 'n%.0s' {1..256})
	for ref in '' 0x 0xZZ key: key:-1 0x1ffffffff 0x0 id:abc -5 / /a/b /. /.. "$long" ftok: ftok:/tmp:256 foo private; do
		run -2 --separate-stderr shmls -- "$ref"
		assert_output ""
		assert_equal "$stderr" "$(bad_ref_msg shmls "$ref")"
	done
}

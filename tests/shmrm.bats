#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmrm REF...

bats_require_minimum_version 1.5.0
load test_helper

posix_file() {
	echo "/dev/shm/${1#/}"
}

@test "shmrm removes a SysV segment by key and prints nothing" {
	mk_sysv "$SHM_KEY" 4096 >/dev/null
	run -0 --separate-stderr shmrm "$SHM_KEY"
	assert_output ""
	assert_equal "$stderr" ""
	assert_equal "$(sysv_count)" 0
}

@test "shmrm removes SysV segments by id, id:N, key:N and ftok" {
	a=$(mk_sysv 0x1001 4096)
	b=$(mk_sysv 0x1002 4096)
	mk_sysv 0x1003 4096 >/dev/null
	mk_sysv "$("$HELPERS/seg" ftok /tmp 0)" 4096 >/dev/null
	run -0 --separate-stderr shmrm "$a" "id:$b" key:4099 ftok:/tmp:0
	assert_output ""
	assert_equal "$stderr" ""
	assert_equal "$(sysv_count)" 0
}

@test "shmrm removes an IPC_PRIVATE segment by its id" {
	id=$(mk_sysv 0 4096)
	run -0 --separate-stderr shmrm "$id"
	assert_equal "$stderr" ""
	assert_equal "$(sysv_count)" 0
}

@test "shmrm removes a POSIX object" {
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr shmrm "$SHM_NAME"
	assert_output ""
	assert_equal "$stderr" ""
	[[ ! -e $(posix_file "$SHM_NAME") ]]
}

@test "shmrm removes both kinds in one call" {
	mk_posix "$SHM_NAME" 4096
	mk_posix "$SHM_NAME2" 4096
	mk_sysv "$SHM_KEY" 4096 >/dev/null
	run -0 --separate-stderr shmrm "$SHM_NAME" "$SHM_KEY" "$SHM_NAME2"
	assert_equal "$stderr" ""
	run -0 ls -A /dev/shm
	assert_output ""
	assert_equal "$(sysv_count)" 0
}

@test "shmrm goes on past a missing segment, removes the rest and exits 1" {
	mk_posix "$SHM_NAME" 4096
	mk_sysv "$SHM_KEY" 4096 >/dev/null
	run -1 --separate-stderr shmrm "$SHM_NAME" "$SHM_NAME2" "$SHM_KEY"
	assert_output ""
	assert_equal "$stderr" "shmrm: cannot remove '$SHM_NAME2': no such segment"
	[[ ! -e $(posix_file "$SHM_NAME") ]]
	assert_equal "$(sysv_count)" 0
}

@test "shmrm reports every missing segment of either kind" {
	run -1 --separate-stderr shmrm "$SHM_KEY" 12345 "$SHM_NAME" ftok:/tmp:9
	assert_output ""
	assert_equal "$stderr" "shmrm: cannot remove '$SHM_KEY': no such segment
shmrm: cannot remove '12345': no such segment
shmrm: cannot remove '$SHM_NAME': no such segment
shmrm: cannot remove 'ftok:/tmp:9': no such segment"
}

@test "shmrm of the same segment twice removes it once and fails the second" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	run -1 --separate-stderr shmrm "$SHM_KEY" "$id"
	assert_equal "$stderr" "shmrm: cannot remove '$id': no such segment"
	assert_equal "$(sysv_count)" 0
}

@test "shmrm --force marks an attached SysV segment for removal and says so" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	start_holder "$SHM_KEY"
	# without --force a held segment is refused (see shmrm-safety.bats)
	run -0 --separate-stderr shmrm -f "$SHM_KEY"
	assert_output ""
	assert_equal "$stderr" "shmrm: '$SHM_KEY' is held by $HOLDER (shmattach); marked for removal, it goes at the last detach"
	# the kernel shows key 0 and SHM_DEST (01000) until the last detach
	assert_equal "$(sysv_field "$id" 1)" 0
	assert_equal "$(sysv_field "$id" 3)" 1600
	assert_equal "$(sysv_field "$id" 7)" 1
	stop_holder "$HOLDER" || fail "shmattach exited with status $?"
	assert_equal "$(sysv_count)" 0
}

@test "shmrm --force names every process attached to a marked segment" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	start_holder "$id"
	a=$HOLDER
	start_holder "$id" -r
	b=$HOLDER
	run -0 --separate-stderr shmrm --force "id:$id"
	assert_equal "$stderr" "shmrm: 'id:$id' is held by $a (shmattach), $b (shmattach); marked for removal, it goes at the last detach"
}

@test "shmrm --force unlinks a POSIX object even while it is mapped" {
	mk_posix "$SHM_NAME" 4096
	start_holder "$SHM_NAME"
	run -0 --separate-stderr shmrm --force "$SHM_NAME"
	assert_output ""
	assert_equal "$stderr" "shmrm: '$SHM_NAME' is held by $HOLDER (shmattach); unlinked, its memory stays until they let go"
	[[ ! -e $(posix_file "$SHM_NAME") ]]
	run -0 grep -c " /dev/shm/${SHM_NAME#/} (deleted)\$" "/proc/$HOLDER/maps"
	assert_output 1
}

@test "shmrm removes nothing when one reference is malformed" {
	mk_posix "$SHM_NAME" 4096
	mk_sysv "$SHM_KEY" 4096 >/dev/null
	run -2 --separate-stderr shmrm "$SHM_NAME" bogus "$SHM_KEY"
	assert_output ""
	assert_equal "$stderr" "$(bad_ref_msg shmrm bogus)"
	[[ -e $(posix_file "$SHM_NAME") ]]
	assert_equal "$(sysv_count)" 1
}

@test "shmrm removes nothing when the last reference is malformed" {
	mk_posix "$SHM_NAME" 4096
	run -2 --separate-stderr shmrm "$SHM_NAME" /a/b
	assert_equal "$stderr" "$(bad_ref_msg shmrm /a/b)"
	[[ -e $(posix_file "$SHM_NAME") ]]
}

@test "shmrm with no reference says 'missing segment reference'" {
	run -2 --separate-stderr shmrm
	assert_output ""
	assert_equal "$stderr" "$(usage_error shmrm "missing segment reference")"
}

@test "shmrm ftok: with a missing path fails with the ftok error" {
	run -1 --separate-stderr shmrm ftok:/nope:1
	assert_output ""
	assert_equal "$stderr" "shmrm: cannot use 'ftok:/nope:1': $(strerror ENOENT)"
}

@test "shmrm rejects every malformed reference form with exit 2" {
	local ref long
	long=/$(printf 'n%.0s' {1..256})
	mk_posix "$SHM_NAME" 4096
	for ref in '' 0x 0xZZ key: key:-1 0x1ffffffff 0x0 id:abc -5 / /a/b /. /.. "$long" ftok: ftok:/tmp:256 foo private; do
		run -2 --separate-stderr shmrm -- "$ref"
		assert_output ""
		assert_equal "$stderr" "$(bad_ref_msg shmrm "$ref")"
	done
	[[ -e $(posix_file "$SHM_NAME") ]]
}

# bats test_tags=needs:root
@test "shmrm as another user names owner, mode and CAP_SYS_ADMIN (SysV)" {
	require_root "uses setpriv"
	mk_sysv "$SHM_KEY" 4096 0666 >/dev/null
	run -1 --separate-stderr as_nobody shmrm "$SHM_KEY"
	assert_output ""
	assert_equal "$stderr" "shmrm: cannot remove '$SHM_KEY': permission denied (owner uid 0, mode 0666; you are uid 65534 without CAP_SYS_ADMIN)"
	assert_equal "$(sysv_count)" 1
}

# bats test_tags=needs:root
@test "shmrm as another user names owner, mode and CAP_FOWNER (POSIX in sticky /dev/shm)" {
	require_root "uses setpriv"
	mk_posix "$SHM_NAME" 4096 0600
	run -1 --separate-stderr as_nobody shmrm "$SHM_NAME"
	assert_output ""
	assert_equal "$stderr" "shmrm: cannot remove '$SHM_NAME': permission denied (owner uid 0, mode 0600; you are uid 65534 without CAP_FOWNER)"
	[[ -e $(posix_file "$SHM_NAME") ]]
}

# bats test_tags=needs:root
@test "shmrm lets a user remove their own segments" {
	require_root "uses setpriv"
	run -0 as_nobody shmcreate "$SHM_KEY" 4096
	run -0 as_nobody shmcreate "$SHM_NAME" 4096
	assert_equal "$(stat -c %u "$(posix_file "$SHM_NAME")")" 65534
	# nobody cannot look into root's processes, so a POSIX object is only
	# shown unheld in a PID namespace of nobody's own (shmrm-safety.bats
	# has the refusal outside one)
	run -0 --separate-stderr unshare --pid --fork --mount-proc \
		setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all -- \
		shmrm "$SHM_KEY" "$SHM_NAME"
	assert_equal "$stderr" ""
	assert_equal "$(sysv_count)" 0
	[[ ! -e $(posix_file "$SHM_NAME") ]]
}

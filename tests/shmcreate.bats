#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmcreate REF SIZE [-m MODE] [-e]

bats_require_minimum_version 1.5.0
load test_helper

# ------------------------------------------------------------------ SysV

@test "shmcreate 0xKEY makes a SysV segment and prints its shmid" {
	run -0 --separate-stderr shmcreate "$SHM_KEY" 4096
	assert_equal "$stderr" ""
	id=$(sysv_id_of_key "$SHM_KEY")
	[[ -n $id ]] || fail "no segment with key $SHM_KEY in /proc/sysvipc/shm"
	assert_output "$id"
	assert_equal "$(sysv_field "$id" 4)" 4096
	assert_equal "$(sysv_count)" 1
}

@test "shmcreate key:N takes the key in decimal" {
	run -0 --separate-stderr shmcreate key:4660 4096
	assert_equal "$stderr" ""
	assert_output "$(sysv_id_of_key 0x1234)"
	[[ -n $output ]]
}

@test "shmcreate key:0xN takes the key in hex" {
	run -0 --separate-stderr shmcreate key:0xbeef 4096
	assert_equal "$stderr" ""
	assert_output "$(sysv_id_of_key 0xbeef)"
	[[ -n $output ]]
}

@test "shmcreate takes the largest 32-bit key 0xffffffff" {
	run -0 --separate-stderr shmcreate 0xffffffff 4096
	assert_equal "$stderr" ""
	assert_output "$(sysv_id_of_key 0xffffffff)"
	assert_equal "$(sysv_field "$output" 1)" -1
}

@test "shmcreate ftok:PATH:PROJ uses the key ftok(3) gives" {
	key=$("$HELPERS/seg" ftok /tmp 7)
	run -0 --separate-stderr shmcreate ftok:/tmp:7 4096
	assert_equal "$stderr" ""
	assert_output "$(sysv_id_of_key "$key")"
	[[ -n $output ]]
}

@test "shmcreate ftok:PATH uses project 1 by default" {
	key=$("$HELPERS/seg" ftok /tmp 1)
	run -0 --separate-stderr shmcreate ftok:/tmp 4096
	assert_equal "$stderr" ""
	assert_output "$(sysv_id_of_key "$key")"
	[[ -n $output ]]
}

@test "shmcreate private makes a new IPC_PRIVATE segment each time" {
	run -0 --separate-stderr shmcreate private 4096
	assert_equal "$stderr" ""
	first=$output
	assert_equal "$(sysv_field "$first" 1)" 0
	run -0 --separate-stderr shmcreate private 8192
	assert_equal "$stderr" ""
	[[ $output != "$first" ]] || fail "two private segments got the same id $first"
	assert_equal "$(sysv_field "$output" 4)" 8192
	assert_equal "$(sysv_count)" 2
}

@test "shmcreate gives a SysV segment mode 0600 by default" {
	run -0 shmcreate "$SHM_KEY" 4096
	assert_equal "$(sysv_field "$output" 3)" 600
}

@test "shmcreate --mode is applied exactly to a SysV segment despite umask 077" {
	umask 077
	run -0 shmcreate --mode 0666 "$SHM_KEY" 4096
	assert_equal "$(sysv_field "$output" 3)" 666
	run -0 shmcreate -m 640 "$SHM_KEY2" 4096
	assert_equal "$(sysv_field "$output" 3)" 640
}

@test "shmcreate of an existing SysV key fails with 'segment already exists'" {
	mk_sysv "$SHM_KEY" 4096 >/dev/null
	run -1 --separate-stderr shmcreate "$SHM_KEY" 4096
	assert_output ""
	assert_equal "$stderr" "shmcreate: cannot create '$SHM_KEY': segment already exists"
	assert_equal "$(sysv_count)" 1
}

@test "shmcreate -e reuses a big enough SysV segment and prints its shmid" {
	id=$(mk_sysv "$SHM_KEY" 8192 0640)
	run -0 --separate-stderr shmcreate -e "$SHM_KEY" 4096
	assert_equal "$stderr" ""
	assert_output "$id"
	# never resized, mode untouched
	assert_equal "$(sysv_field "$id" 4)" 8192
	assert_equal "$(sysv_field "$id" 3)" 640
	assert_equal "$(sysv_count)" 1
}

@test "shmcreate --reuse refuses a SysV segment that is too small" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	run -1 --separate-stderr shmcreate --reuse "$SHM_KEY" 8192
	assert_output ""
	assert_equal "$stderr" "shmcreate: cannot create '$SHM_KEY': segment exists but holds only 4096 bytes"
	assert_equal "$(sysv_field "$id" 4)" 4096
}

@test "shmcreate -e creates the SysV segment when it does not exist" {
	run -0 --separate-stderr shmcreate -e "$SHM_KEY" 4096
	assert_equal "$stderr" ""
	assert_output "$(sysv_id_of_key "$SHM_KEY")"
	[[ -n $output ]]
}

# bats test_tags=needs:root
@test "shmcreate names kernel.shmmax when the size is above it" {
	require_root "writes /proc/sys/kernel/shmmax"
	echo 8192 >/proc/sys/kernel/shmmax
	run -1 --separate-stderr shmcreate "$SHM_KEY" 16K
	assert_output ""
	assert_equal "$stderr" "shmcreate: cannot create '$SHM_KEY': size is above kernel.shmmax"
	assert_equal "$(sysv_count)" 0
}

# bats test_tags=needs:root
@test "shmcreate names kernel.shmmni when no segment id is left" {
	require_root "writes /proc/sys/kernel/shmmni"
	mk_sysv "$SHM_KEY" 4096 >/dev/null
	echo 1 >/proc/sys/kernel/shmmni
	run -1 --separate-stderr shmcreate "$SHM_KEY2" 4096
	assert_output ""
	assert_equal "$stderr" "shmcreate: cannot create '$SHM_KEY2': too many segments (kernel.shmmni)"
	assert_equal "$(sysv_count)" 1
}

# bats test_tags=needs:root
@test "shmcreate names kernel.shmall when shared memory pages run out" {
	require_root "writes /proc/sys/kernel/shmall"
	echo 2 >/proc/sys/kernel/shmall
	run -1 --separate-stderr shmcreate "$SHM_KEY" 64K
	assert_output ""
	assert_equal "$stderr" "shmcreate: cannot create '$SHM_KEY': not enough shared memory left (kernel.shmall)"
	assert_equal "$(sysv_count)" 0
}

# ----------------------------------------------------------------- POSIX

@test "shmcreate /NAME makes a POSIX object and prints its name" {
	run -0 --separate-stderr shmcreate "$SHM_NAME" 4096
	assert_equal "$stderr" ""
	assert_output "$SHM_NAME"
	[[ -f /dev/shm/${SHM_NAME#/} ]] || fail "/dev/shm/${SHM_NAME#/} was not made"
	assert_equal "$(stat -c %s "/dev/shm/${SHM_NAME#/}")" 4096
	assert_equal "$(sysv_count)" 0
}

@test "shmcreate reserves the blocks of a POSIX object" {
	run -0 shmcreate "$SHM_NAME" 1M
	# fallocate: 1 MiB of 512-byte blocks is allocated, not a sparse file
	assert_equal "$(stat -c '%s %b' "/dev/shm/${SHM_NAME#/}")" "1048576 2048"
}

@test "shmcreate accepts a POSIX name of 255 bytes" {
	name=/$(printf 'n%.0s' {1..255})
	run -0 --separate-stderr shmcreate "$name" 4096
	assert_equal "$stderr" ""
	assert_output "$name"
	[[ -f /dev/shm/${name#/} ]]
}

@test "shmcreate gives a POSIX object mode 0600 by default" {
	run -0 shmcreate "$SHM_NAME" 4096
	assert_equal "$(stat -c %a "/dev/shm/${SHM_NAME#/}")" 600
}

@test "shmcreate --mode is applied exactly to a POSIX object despite umask 077" {
	umask 077
	run -0 shmcreate --mode 0664 "$SHM_NAME" 4096
	assert_equal "$(stat -c %a "/dev/shm/${SHM_NAME#/}")" 664
	run -0 shmcreate -m 0 "$SHM_NAME2" 4096
	assert_equal "$(stat -c %a "/dev/shm/${SHM_NAME2#/}")" 0
}

@test "shmcreate of an existing POSIX name fails with 'segment already exists'" {
	mk_posix "$SHM_NAME" 100
	run -1 --separate-stderr shmcreate "$SHM_NAME" 4096
	assert_output ""
	assert_equal "$stderr" "shmcreate: cannot create '$SHM_NAME': segment already exists"
	assert_equal "$(stat -c %s "/dev/shm/${SHM_NAME#/}")" 100
}

@test "shmcreate -e reuses a big enough POSIX object without resizing it" {
	mk_posix "$SHM_NAME" 8192 0644
	run -0 --separate-stderr shmcreate -e "$SHM_NAME" 4096
	assert_equal "$stderr" ""
	assert_output "$SHM_NAME"
	assert_equal "$(stat -c '%s %a' "/dev/shm/${SHM_NAME#/}")" "8192 644"
}

@test "shmcreate -e refuses a POSIX object that is too small and leaves it alone" {
	mk_posix "$SHM_NAME" 100
	run -1 --separate-stderr shmcreate -e "$SHM_NAME" 4096
	assert_output ""
	assert_equal "$stderr" "shmcreate: cannot create '$SHM_NAME': segment exists but holds only 100 bytes"
	assert_equal "$(stat -c %s "/dev/shm/${SHM_NAME#/}")" 100
}

@test "shmcreate on a full /dev/shm fails with ENOSPC and leaves nothing behind" {
	remount_shm 1m
	run -1 --separate-stderr shmcreate "$SHM_NAME" 4M
	assert_output ""
	assert_equal "$stderr" "shmcreate: cannot create '$SHM_NAME': $(strerror ENOSPC)"
	run -0 ls -A /dev/shm
	assert_output ""
}

# ----------------------------------------------------------------- sizes

@test "shmcreate understands size suffixes and hex sizes" {
	local size want
	for size in 4096:4096 0x2000:8192 4K:4096 2KiB:2048 1KB:1024 1M:1048576 1MiB:1048576 2MB:2097152; do
		want=${size#*:} size=${size%%:*}
		run -0 --separate-stderr shmcreate "$SHM_NAME-$size" "$size"
		assert_equal "$stderr" ""
		assert_equal "$size: $(stat -c %s "/dev/shm/${SHM_NAME#/}-$size")" "$size: $want"
	done
	# SysV memory is only allocated when touched: big sizes are cheap here
	local key=0x1000
	for size in 1G:1073741824 1GiB:1073741824 1GB:1073741824; do
		want=${size#*:} size=${size%%:*} key=$((key + 1))
		run -0 --separate-stderr shmcreate "key:$key" "$size"
		assert_equal "$stderr" ""
		assert_equal "$size: $(sysv_field "$output" 4)" "$size: $want"
	done
}

@test "shmcreate rejects a bad size with exit 2 and creates nothing" {
	local size
	for size in 0 -1 1.5K 12Q 99999999999999999999 '' K 4K4 0x; do
		run -2 --separate-stderr shmcreate -- "$SHM_NAME" "$size"
		assert_output ""
		assert_equal "$stderr" "$(usage_error shmcreate "invalid size '$size'")"
	done
	run -0 ls -A /dev/shm
	assert_output ""
}

@test "shmcreate rejects a bad mode with exit 2 and creates nothing" {
	local mode
	for mode in 999 0x10 abc 1000 -1 8; do
		run -2 --separate-stderr shmcreate --mode="$mode" "$SHM_KEY" 4096
		assert_output ""
		assert_equal "$stderr" "$(usage_error shmcreate "invalid mode '$mode' (expected octal 0 to 0777)")"
	done
	assert_equal "$(sysv_count)" 0
}

# ----------------------------------------------------------------- usage

@test "shmcreate without a size says 'missing size'" {
	run -2 --separate-stderr shmcreate "$SHM_NAME"
	assert_output ""
	assert_equal "$stderr" "$(usage_error shmcreate "missing size")"
}

@test "shmcreate with a third argument says 'unexpected argument'" {
	run -2 --separate-stderr shmcreate "$SHM_NAME" 4096 extra
	assert_output ""
	assert_equal "$stderr" "$(usage_error shmcreate "unexpected argument 'extra'")"
	[[ ! -e /dev/shm/${SHM_NAME#/} ]]
}

@test "shmcreate rejects every malformed reference form with exit 2" {
	local ref long
	long=/$(printf 'n%.0s' {1..256})
	for ref in '' 0x 0xZZ key: key:-1 0x1ffffffff 0x0 key:0 id:abc -5 / /a/b /. /.. "$long" ftok: ftok:/tmp:256 ftok:/tmp:-1 foo PRIVATE; do
		run -2 --separate-stderr shmcreate -- "$ref" 4096
		assert_output ""
		assert_equal "$stderr" "$(bad_ref_msg shmcreate "$ref")"
	done
	assert_equal "$(sysv_count)" 0
	run -0 ls -A /dev/shm
	assert_output ""
}

@test "shmcreate ftok: with a missing path fails with the ftok error" {
	run -1 --separate-stderr shmcreate ftok:/nope:1 4096
	assert_output ""
	assert_equal "$stderr" "shmcreate: cannot use 'ftok:/nope:1': $(strerror ENOENT)"
	assert_equal "$(sysv_count)" 0
}

#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmls -g (limits and totals), --target (another process's namespaces) and
# the fallbacks: no /proc/sysvipc/shm, no /dev/shm.

bats_require_minimum_version 1.5.0
load test_helper

# limit RESOURCE FIELD: one field of shmls -g -J.
limit() {
	jq -r --arg r "$1" ".limits[] | select(.resource == \$r) | .$2 | tostring" <<<"$json"
}

@test "shmls -g shows shmmax, shmall, shmmni and shm_rmid_forced as set in this namespace" {
	echo 123456789 >/proc/sys/kernel/shmmax
	echo 100000 >/proc/sys/kernel/shmall
	echo 77 >/proc/sys/kernel/shmmni
	mk_sysv "$SHM_KEY" 5000 >/dev/null
	mk_sysv "$SHM_KEY2" 9000 >/dev/null
	run -0 --separate-stderr shmls -g -J
	json=$output
	assert_equal "$(limit SHMMAX limit)" 123456789
	assert_equal "$(limit SHMMAX used)" 9000
	assert_equal "$(limit SHMALL limit)" 100000
	# shmall counts whole pages: 5000 and 9000 bytes take 2 + 3 pages of 4 KiB
	assert_equal "$(limit SHMALL used)" $(((5000 + 4095) / 4096 + (9000 + 4095) / 4096))
	assert_equal "$(limit SHMMNI limit)" 77
	assert_equal "$(limit SHMMNI used)" 2
	assert_equal "$(limit SYSV-SEGMENTS used)" 2
	assert_equal "$(limit SYSV-BYTES used)" 14000
	assert_equal "$(limit SYSV-ORPHANED used)" 14000
	run -0 jq -r '[.limits[] | .used, .limit | select(. != null) | type] | unique | join(",")' <<<"$json"
	assert_output number
	# (setting it destroys the orphans above, so it comes last)
	old_forced=$(</proc/sys/kernel/shm_rmid_forced)
	echo 1 >/proc/sys/kernel/shm_rmid_forced
	run -0 --separate-stderr shmls -g -J
	echo "$old_forced" >/proc/sys/kernel/shm_rmid_forced
	json=$output
	assert_equal "$(limit SHM_RMID_FORCED limit)" 1
	assert_equal "$(limit SHMMNI used)" 0
}

@test "shmls -g shows the /dev/shm filesystem and POSIX totals" {
	remount_shm 8m
	mk_posix "$SHM_NAME" 1M
	head -c 1M /dev/zero >"/dev/shm/${SHM_NAME#/}"
	mk_posix "$SHM_NAME2" 3000
	run -0 --separate-stderr shmls -g -J --posix
	json=$output
	assert_equal "$(limit SHMFS-SIZE limit)" $((8 * 1024 * 1024))
	assert_equal "$(limit SHMFS-SIZE used)" $((1024 * 1024))
	assert_equal "$(limit POSIX-OBJECTS used)" 2
	assert_equal "$(limit POSIX-BYTES used)" $((1024 * 1024 + 3000))
	assert_equal "$(limit POSIX-RSS used)" $((1024 * 1024))
	assert_equal "$(limit SHMMNI used)" ""
	run -0 --separate-stderr shmls -g -r -n --posix
	assert_line --regexp '^SHMFS-SIZE /dev/shm\\x20filesystem 1048576 8388608 12.50$'
	run -0 --separate-stderr shmls -g
	assert_line --regexp '^SHMFS-SIZE +/dev/shm filesystem +1M +8M +12%$'
}

@test "shmls -g cannot be combined with a REF or --output" {
	run -2 --separate-stderr shmls -g /x
	assert_equal "$stderr" "$(usage_error shmls "--global cannot be used with REF, --info, --pids or --output")"
	run -2 --separate-stderr shmls -g -o REF
	assert_equal "$stderr" "$(usage_error shmls "--global cannot be used with REF, --info, --pids or --output")"
}

# bats test_tags=needs:root
@test "shmls --target lists the segments of another IPC and mount namespace" {
	require_root "enters namespaces"
	ours=$(mk_sysv "$SHM_KEY" 4096)
	mk_posix "$SHM_NAME" 4096
	unshare --ipc --mount --propagation private -- bash -c '
		mount -t tmpfs inner /dev/shm
		"$HELPERS/seg" create 0x7e57 8192 0600 >/dev/null
		: >/dev/shm/inner-object
		shmcreate ftok:/dev/shm/inner-object:7 4096 >/dev/null
		exec sleep 60' &
	HOLDER_PIDS+=($!)
	for ((i = 0; i < 100; i++)); do
		[[ -e /proc/$!/ns/ipc && $(readlink "/proc/$!/ns/ipc") != "$(readlink /proc/self/ns/ipc)" &&
			$(readlink "/proc/$!/exe") == */sleep ]] && break
		sleep 0.05
	done
	run -0 --separate-stderr shmls --target "$!" -r -n -o KIND,KEY,NAME,SIZE
	assert_equal "$stderr" ""
	assert_output --partial "sysv 0x00007e57  8192
"
	assert_output --partial "posix  inner-object 0"
	assert_equal "${#lines[@]}" 3
	# an ftok: path is the container's: no /dev/shm/inner-object here
	[[ ! -e /dev/shm/inner-object ]]
	run -0 --separate-stderr shmls --target "$!" -r -n -o SIZE ftok:/dev/shm/inner-object:7
	assert_equal "$stderr" ""
	assert_output "4096"
	# and our own namespaces are unchanged
	run -0 --separate-stderr shmls -r -n -o REF
	assert_output "$ours
$SHM_NAME"
}

# bats test_tags=needs:root
@test "shmls --target without CAP_SYS_ADMIN names the missing capability" {
	require_root "uses setpriv"
	run -1 --separate-stderr as_nobody shmls --target 1
	assert_output ""
	assert_equal "$stderr" "shmls: cannot enter the namespaces of '1': permission denied (you are uid 65534 without CAP_SYS_ADMIN)"
}

# bats test_tags=needs:root
@test "--target as root without CAP_SYS_CHROOT names that one, in shmls and shmrm alike" {
	require_root "uses setpriv"
	local prog pid
	sleep 60 &
	pid=$!
	HOLDER_PIDS+=("$pid")
	for prog in "shmls" "shmrm --all"; do
		# shellcheck disable=SC2086 # the program and its option
		run -1 --separate-stderr setpriv --bounding-set=-sys_chroot $prog --target "$pid"
		assert_output ""
		assert_equal "$stderr" "${prog%% *}: cannot enter the namespaces of '$pid': permission denied (you are uid 0 without CAP_SYS_CHROOT)"
	done
}

@test "shmls --target of a process that does not exist fails with exit 1" {
	run -1 --separate-stderr shmls --target 999999
	assert_equal "$stderr" "shmls: cannot enter the namespaces of '999999': no such process"
	run -2 --separate-stderr shmls --target -3
	assert_equal "$stderr" "$(usage_error shmls "invalid process id '-3'")"
}

@test "shmls lists SysV segments with shmctl when /proc/sysvipc/shm is unreadable" {
	id=$(mk_sysv "$SHM_KEY" 4096 0640)
	start_holder "$id"
	want=$(shmls -r -n --sysv -o REF,KEY,PERMS,SIZE,NATTCH,CPID,LPID,UID,CUID,ATIME,CTIME)
	: >"$T/empty"
	run -0 --separate-stderr unshare --mount -- bash -c '
		mount --bind "$1" /proc/sysvipc/shm
		[[ ! -s /proc/sysvipc/shm ]] || exit 9
		shmls -r -n --sysv -o REF,KEY,PERMS,SIZE,NATTCH,CPID,LPID,UID,CUID,ATIME,CTIME' _ "$T/empty"
	assert_equal "$stderr" ""
	assert_output "$want"
	[[ -n $want ]]
}

@test "shmls without /dev/shm lists SysV segments and says why POSIX ones are missing" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	run -0 --separate-stderr unshare --mount -- bash -c '
		mount -t tmpfs nodev /dev
		[[ ! -e /dev/shm ]] || exit 9
		shmls -r -n -o REF'
	assert_output "$id"
	assert_equal "$stderr" "shmls: /dev/shm does not exist; listing SysV segments only"
	run -0 --separate-stderr unshare --mount -- bash -c 'mount -t tmpfs nodev /dev; shmls -r -n --sysv -o REF'
	assert_equal "$stderr" ""
}

#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmrm -A: the selections in every namespace, what shmls -A lists with them
# (issue 14). Every command here is narrowed to this test's containers with
# --container, so the second run, beside the machine's processes (tagged
# below), never touches another namespace.
# shmkit: also-without-pidns

# shellcheck disable=SC2154 # run sets stderr

bats_require_minimum_version 1.5.0
load test_helper
load ns_helper

# In each of containers a and b: SysV orphan 0x0000a001 and held 0x0000a002,
# POSIX orphans /old (written 2 hours ago) and /new (written in the future,
# so never older than anything), /held (2 hours old, held); both holders
# attached. The SysV ones are made at least 2 seconds ago.
aged_pair() {
	local c script
	script='shmcreate 0x0000a001 4K >/dev/null && shmcreate 0x0000a002 4K >/dev/null &&
		shmcreate /old 1K >/dev/null && shmcreate /held 1K >/dev/null && shmcreate /new 1K >/dev/null &&
		touch -d "2 hours ago" /dev/shm/old /dev/shm/held && touch -d "+1 hour" /dev/shm/new &&
		{ shmattach -t 600 0x0000a002 </dev/null >/dev/null 2>&1 & } &&
		{ shmattach -t 600 /held </dev/null >/dev/null 2>&1 & }'
	for c in a b; do
		ctr_start "$c" "system.slice/docker-$(ctr_group_id "$c").scope" "$script"
	done
	# until the four holders are attached
	local i
	for ((i = 0; i < 200; i++)); do
		[[ $(shmls -A --container "$CTR_GROUP" -rn -o HOLDERS 2>/dev/null | grep -c '^1+\?$') == 4 ]] && break
		sleep 0.05
	done
	((i < 200)) || fail "holders did not attach: $(shmls -A --container "$CTR_GROUP" -p 2>&1)"
	sleep 2	# so that the SysV segments are 2 seconds old: time only goes on
}

@test "shmrm -A --orphans --older-than: aged orphans go in every namespace, held and new ones stay" {
	require_cgroups
	aged_pair
	local a_ipc b_ipc a_mnt b_mnt
	a_ipc=$(ns_of "${CTR_PID[a]}" ipc) b_ipc=$(ns_of "${CTR_PID[b]}" ipc)
	a_mnt=$(ns_of "${CTR_PID[a]}" mnt) b_mnt=$(ns_of "${CTR_PID[b]}" mnt)
	run -0 --separate-stderr shmls -A --container "$CTR_GROUP" --orphans --older-than 1s -rn -o KEY,NAME,CONTAINER
	assert_output "0x0000a001  $(ctr_group_id a)
 old $(ctr_group_id a)
0x0000a001  $(ctr_group_id b)
 old $(ctr_group_id b)"
	run -0 --separate-stderr shmrm -A -v --container "$CTR_GROUP" --orphans --older-than 1s
	assert_output "removed 0 in IPC namespace $a_ipc
removed /old in /dev/shm of mount namespace $a_mnt
removed 0 in IPC namespace $b_ipc
removed /old in /dev/shm of mount namespace $b_mnt"
	run -0 --separate-stderr shmls -A --container "$CTR_GROUP" -rn -o KEY,NAME,CONTAINER
	assert_output "0x0000a002  $(ctr_group_id a)
 held $(ctr_group_id a)
 new $(ctr_group_id a)
0x0000a002  $(ctr_group_id b)
 held $(ctr_group_id b)
 new $(ctr_group_id b)"
}

@test "shmrm -A --orphans removes in each namespace what shmls -A --orphans lists, no more" {
	require_cgroups
	aged_pair
	run -0 --separate-stderr shmls -A --container "$CTR_GROUP" --orphans -rn -o KIND,KEY,NAME,IPCNS
	local listed=$output
	[[ $(wc -l <<<"$listed") == 6 ]] || fail "listed: $listed"
	run -0 --separate-stderr shmrm -A -n --container "$CTR_GROUP" --orphans
	[[ $(wc -l <<<"$output") == 6 ]] || fail "dry run: $output"
	assert_line --partial "(dry run) removed /new in /dev/shm of mount namespace"
	run -0 --separate-stderr shmls -A --container "$CTR_GROUP" --orphans -rn -o KIND,KEY,NAME,IPCNS
	assert_output "$listed"	# a dry run changes nothing
	run -0 --separate-stderr shmrm -A --container "$CTR_GROUP" --orphans
	assert_output ''
	run -0 --separate-stderr shmls -A --container "$CTR_GROUP" --orphans -rn
	assert_output ''
	run -0 --separate-stderr shmls -A --container "$CTR_GROUP" -rn -o KEY,NAME
	assert_output $'0x0000a002 \n held\n0x0000a002 \n held'
}

@test "shmrm -A --all --container: that container's segments, not the others', not ours" {
	require_cgroups
	shmcreate "$SHM_KEY" 4K >/dev/null
	shmcreate "$SHM_NAME" 1K >/dev/null
	local c
	for c in a b; do
		ctr_start "$c" "system.slice/docker-$(ctr_group_id "$c").scope" \
			"shmcreate $SHM_KEY 4K >/dev/null && shmcreate $SHM_NAME 1K >/dev/null"
	done
	run -0 --separate-stderr shmrm -A --all -v --container "$(ctr_group_id a)"
	assert_output "removed 0 in IPC namespace $(ns_of "${CTR_PID[a]}" ipc)
removed $SHM_NAME in /dev/shm of mount namespace $(ns_of "${CTR_PID[a]}" mnt)"
	run -0 --separate-stderr shmls -A --container "$CTR_GROUP" -rn -o REF,CONTAINER
	assert_output "0 $(ctr_group_id b)
$SHM_NAME $(ctr_group_id b)"
	run -0 shmls -rn -o REF
	assert_output $'0\n'"$SHM_NAME"
}

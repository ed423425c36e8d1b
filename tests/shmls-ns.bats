#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmls -A: every IPC namespace and every /dev/shm at once, each segment with
# its namespace and container (issue 14). The "containers" are made here
# (tests/ns_helper.bash); tests/shmrm-ns.bats removes across them.

# shellcheck disable=SC2154 # run sets stderr
# shellcheck disable=SC2016 # for the containers' shells

bats_require_minimum_version 1.5.0
load test_helper
load ns_helper

# Two Docker containers, a and b, each with the test's key and name.
two_dockers() {
	DOCKER_A=$(ctr_id a)
	DOCKER_B=$(ctr_id b)
	ctr_start a "system.slice/docker-$DOCKER_A.scope" \
		"shmcreate $SHM_KEY 8K >/dev/null && shmcreate $SHM_NAME 2K >/dev/null"
	ctr_start b "system.slice/docker-$DOCKER_B.scope" \
		"shmcreate $SHM_KEY 16K >/dev/null && shmcreate $SHM_NAME 4K >/dev/null"
}

# rows JQ-FILTER: what shmls -A -J prints, through jq -c.
rows() {
	shmls -A -J | jq -c "[.segments[] | $1]"
}

@test "the same key and name in two containers and here: a row each, with its namespace and container" {
	require_cgroups
	shmcreate "$SHM_KEY" 4K >/dev/null
	shmcreate "$SHM_NAME" 1K >/dev/null
	two_dockers
	local me_ipc a_ipc b_ipc
	me_ipc=$(ns_of $$ ipc) a_ipc=$(ns_of "${CTR_PID[a]}" ipc) b_ipc=$(ns_of "${CTR_PID[b]}" ipc)
	[[ $(lsns -n -o NS -t ipc -p "${CTR_PID[a]}" | tr -d ' ') == "$a_ipc" ]]

	run -0 rows "select(.key == \"$SHM_KEY\") | [.ipcns, .size, .container]"
	assert_output "[[$me_ipc,4096,null],[$a_ipc,8192,\"$DOCKER_A\"],[$b_ipc,16384,\"$DOCKER_B\"]]"
	run -0 rows "select(.ref == \"$SHM_NAME\") | [.shmfs, .size, .container]"
	assert_output "[[\"$(stat -c %Hd:%Ld /dev/shm)@$(ns_of $$ mnt)\",1024,null],[\"$(stat -Lc %Hd:%Ld "/proc/${CTR_PID[a]}/root/dev/shm")@$(ns_of "${CTR_PID[a]}" mnt)\",2048,\"$DOCKER_A\"],[\"$(stat -Lc %Hd:%Ld "/proc/${CTR_PID[b]}/root/dev/shm")@$(ns_of "${CTR_PID[b]}" mnt)\",4096,\"$DOCKER_B\"]]"
	# NSPID is a process in that namespace, what --target takes
	run -0 rows "select(.container == \"$DOCKER_A\") | .nspid"
	local pid
	for pid in $(jq -r '.[]' <<<"$output"); do
		[[ $(ns_of "$pid" ipc) == "$a_ipc" ]]
	done
	# (its /proc is its PID namespace's: LeakSanitizer cannot find itself there)
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		run -0 shmls --target "$(jq -r '.[0]' <<<"$output")" -rn -o SIZE --sysv
	assert_output 8192
	# the table: CONTAINER among the default columns
	run -0 shmls -A
	assert_line --index 0 --regexp ' CONTAINER$'
	assert_line --regexp "^0 +sysv +$SHM_KEY .* 16K .*$DOCKER_B$"
}

@test "-i carries the namespace, its /dev/shm, the container and a PID" {
	require_cgroups
	two_dockers
	run -0 shmls -A -i --container "$DOCKER_A" --sysv
	assert_line "IPC namespace: $(ns_of "${CTR_PID[a]}" ipc)"
	assert_line "Container: $DOCKER_A"
	assert_line --regexp '^Namespace PID: [0-9]+$'
	run -0 shmls -A -i --container "$DOCKER_A" --posix
	assert_line "Filesystem: $(stat -Lc %Hd:%Ld "/proc/${CTR_PID[a]}/root/dev/shm")@$(ns_of "${CTR_PID[a]}" mnt)"
}

@test "a Kubernetes pod: its UID, from the systemd and the cgroupfs driver's names" {
	require_cgroups
	local uid uid2
	uid=$(pod_uid p) uid2=$(pod_uid q)
	ctr_start p "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid//-/_}.slice/cri-containerd-$(ctr_id p).scope" \
		"shmcreate $SHM_KEY 4K >/dev/null"
	ctr_start q "kubepods/besteffort/pod$uid2/$(ctr_id q)" "shmcreate $SHM_KEY 4K >/dev/null"
	run -0 rows "select(.kind == \"sysv\" and .container != null) | .container"
	assert_output "[\"$uid\",\"$uid2\"]"
}

@test "processes sharing an IPC namespace with their own /dev/shm each: SysV once, both /dev/shm" {
	require_cgroups
	two_dockers
	# b2: a's IPC namespace, a mount namespace and /dev/shm of its own
	nsenter -t "${CTR_PID[a]}" --ipc -- unshare --mount --propagation private -- bash -c \
		'mount -t tmpfs -o size=1m shmkit-b2 /dev/shm && : >/dev/shm/only-b2 && echo ok >"$1" && exec sleep 600' \
		_ "$T/b2.ready" </dev/null >/dev/null 2>&1 3>&- &
	CTR_PIDS+=("$!")
	local i
	for ((i = 0; i < 200; i++)); do
		[[ -s $T/b2.ready && $(cat "/proc/$!/comm") == sleep ]] && break
		sleep 0.05
	done
	local a_ipc
	a_ipc=$(ns_of "${CTR_PID[a]}" ipc)
	run -0 rows "select(.ipcns == $a_ipc) | [.ref, .shmfs != null]"
	assert_output "[[\"0\",false],[\"$SHM_NAME\",true],[\"/only-b2\",true]]"
	run -0 rows "select(.ref == \"/only-b2\") | .shmfs"
	assert_output "[\"$(stat -Lc %Hd:%Ld "/proc/$!/root/dev/shm")@$(ns_of "$!" mnt)\"]"
}

@test "processes sharing a mount namespace with their own IPC namespace each: /dev/shm once, both SysV" {
	require_cgroups
	two_dockers
	# a2: a's mount namespace (and /dev/shm), an IPC namespace of its own;
	# and a's PID namespace, whose /proc is mounted there
	nsenter -t "${CTR_PID[a]}" --mount --pid -- unshare --ipc -- bash -c \
		"shmcreate 0x00c0ffee 4K >/dev/null && echo ok >\"\$1\" && exec sleep 600" \
		_ "$T/a2.ready" </dev/null >/dev/null 2>&1 3>&- &
	CTR_PIDS+=("$!")
	local i a2=
	for ((i = 0; i < 200; i++)); do
		[[ -s $T/a2.ready ]] && a2=$(ctr_inner "$!") && [[ -n $a2 ]] && break
		sleep 0.05
	done
	CTR_PIDS+=("$a2")
	local a_mnt
	a_mnt=$(ns_of "${CTR_PID[a]}" mnt)
	run -0 rows "select(.kind == \"posix\" and (.shmfs | endswith(\"@$a_mnt\"))) | .ref"
	assert_output "[\"$SHM_NAME\"]"
	run -0 rows "select(.kind == \"sysv\") | [.key, .ipcns]"
	assert_output --partial "[\"$SHM_KEY\",$(ns_of "${CTR_PID[a]}" ipc)]"
	assert_output --partial "[\"0x00c0ffee\",$(ns_of "$a2" ipc)]"
	run -0 rows "select(.ref == \"$SHM_NAME\") | .ref"
	assert_output "[\"$SHM_NAME\",\"$SHM_NAME\"]"	# a's and b's, not a's twice
}

@test "a namespace whose only process exits during the scan: the others listed, no error" {
	require_cgroups
	command -v gdb >/dev/null || skip "gdb is not installed"
	two_dockers
	ctr_start c "system.slice/docker-$(ctr_id c).scope" "shmcreate 0x00000c0c 4K >/dev/null" single
	local c=${CTR_PID[c]}
	# stop shmls right after its scan of /proc, kill c, wait until its
	# namespaces are gone, then let shmls enter them
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" run -0 gdb -nx -batch \
		-ex 'set breakpoint pending on' -ex 'break shmkit_nsscan_run' \
		-ex "run -A -rn -o KEY,CONTAINER --sysv >$T/out 2>$T/err" -ex finish \
		-ex "shell kill -KILL $c; while readlink /proc/$c/ns/ipc >/dev/null 2>&1; do sleep 0.05; done" \
		-ex continue --args "$SHMKIT_BIN/shmls"
	assert_output --partial 'exited normally'
	[[ ! -s $T/err ]] || fail "stderr: $(cat "$T/err")"
	run -0 cat "$T/out"
	assert_line --regexp "^$SHM_KEY +$DOCKER_A$"
	assert_line --regexp "^$SHM_KEY +$DOCKER_B$"
	refute_output --partial 0x00000c0c
}

@test "as nobody: its own namespace listed, the others skipped and said so" {
	require_cgroups
	shmcreate -m 0644 "$SHM_KEY" 4K >/dev/null
	local a
	for a in a b; do
		ctr_start "$a" "system.slice/docker-$(ctr_id "$a").scope" \
			"shmcreate $SHM_KEY 8K >/dev/null && { setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all sleep 600 & }"
	done
	run -0 --separate-stderr as_nobody shmls -A -rn -o KEY,SIZE,CONTAINER
	assert_output "$SHM_KEY 4096 "
	[[ $stderr == *"shmls: skipped 2 namespaces that you may not enter (you are uid 65534 without CAP_SYS_ADMIN)"* ]] ||
		fail "stderr: $stderr"
	[[ $stderr == *"could not be examined, so their namespaces may be missing (you are uid 65534 without CAP_SYS_PTRACE)"* ]] ||
		fail "stderr: $stderr"
}

@test "--namespace and --container narrow it, by IPC or mount namespace and by id prefix" {
	require_cgroups
	shmcreate "$SHM_KEY" 4K >/dev/null
	two_dockers
	run -0 shmls -rn -o KEY,SIZE --container "${DOCKER_A:0:12}"
	assert_output "$SHM_KEY 8192
 2048"
	run -0 shmls -rn -o SIZE --namespace "$(ns_of "${CTR_PID[b]}" ipc)"
	assert_output $'16384\n4096'
	run -0 shmls -rn -o SIZE --namespace "mnt:[$(ns_of "${CTR_PID[b]}" mnt)]" --posix
	assert_output 4096
	run -0 shmls -A -rn -o SIZE --namespace "$(ns_of $$ ipc)" --sysv
	assert_output 4096
	run -0 --separate-stderr shmls --container ffffffffffffffffff
	assert_output ''
}

@test "-A with a reference, --target, --holders-of or --global, or a bad namespace, is a usage error" {
	run -2 shmls -A 0x1234
	assert_output "$(usage_error shmls "-A cannot be used with REF, --holders-of or --global")"
	run -2 shmls -A -g
	run -2 shmls -A --target 1
	assert_output "$(usage_error shmls "--target cannot be used with -A, --namespace or --container")"
	run -2 shmls --namespace 12x
	assert_output "$(usage_error shmls "invalid namespace '12x' (expected an inode number, as lsns prints it)")"
	run -2 shmls --container ''
	assert_output "$(usage_error shmls "empty container id")"
	run -2 shmrm -A 0x1234
	assert_output "$(usage_error shmrm "segment references cannot be combined with -A: one names nothing unique across namespaces")"
	run -2 shmrm -A
	assert_output "$(usage_error shmrm "-A needs --all or a filter")"
}

# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are used by the .bats files
# "Containers" for the shmls -A / shmrm -A tests: processes in IPC, mount
# (and PID) namespaces of their own, each with its own tmpfs on /dev/shm,
# in cgroup v2 directories named as Docker and Kubernetes name theirs.
# Load it after test_helper; it wraps teardown to remove them.

# CG2: where cgroup v2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified
# on the hybrid layout), or empty.
CG2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
CTR_PIDS=()
CTR_CGROUPS=()

# require_cgroups: skip unless a cgroup v2 directory can be made here.
require_cgroups() {
	require_root "moving processes between cgroups"
	[[ -n $CG2 ]] || skip "cgroup v2 is not mounted"
	local probe=$CG2/shmkit-probe-$BATS_ROOT_PID-$BATS_TEST_NUMBER
	mkdir "$probe" 2>/dev/null || skip "cannot make a cgroup in $CG2"
	rmdir "$probe"
}

# ctr_id WORD: a 64-hex container id, unique to this test run and WORD.
ctr_id() {
	printf '%s' "shmkit-$BATS_ROOT_PID-$BATS_TEST_NUMBER-$1" | sha256sum | cut -c1-64
}

# pod_uid WORD: a pod UID, 8-4-4-4-12 hex, unique likewise.
pod_uid() {
	local h
	h=$(ctr_id "pod-$1")
	printf '%s-%s-%s-%s-%s' "${h:0:8}" "${h:8:4}" "${h:12:4}" "${h:16:4}" "${h:20:12}"
}

# ctr_start NAME CGROUP SCRIPT [single]: run SCRIPT (bash) in a "container":
# the process joins $CG2/shmkit-test-PID/CGROUP (none when CGROUP is empty),
# then `unshare --ipc --mount --pid --fork --mount-proc` (its own /proc, as
# a container has; with "single": --ipc --mount
# only, one process), a tmpfs on /dev/shm, SCRIPT, then sleep. Waits until
# SCRIPT is done; CTR_PID[NAME] is then a process inside (the one --target
# takes), CTR_OUTER[NAME] the one started here.
declare -gA CTR_PID CTR_OUTER
ctr_start() {
	local name=$1 cg=$2 script=$3 mode=${4:-} dir='' ready=$T/ready.$1 i
	local -a ns=(--ipc --mount --pid --fork --mount-proc)
	[[ $mode == single ]] && ns=(--ipc --mount)
	if [[ -n $cg ]]; then
		dir=$CG2/shmkit-test-$BATS_ROOT_PID/$cg
		mkdir -p "$dir"
		CTR_CGROUPS+=("$dir")
	fi
	# shellcheck disable=SC2016 # for the inner shells
	bash -c '[[ -z $1 ]] || echo $$ >"$1/cgroup.procs" || exit 1; shift
		exec unshare "${@:3}" --propagation private -- bash -c '\''
			mount -t tmpfs -o size=4m,mode=1777 shmkit-ctr /dev/shm && eval "$1" &&
			echo $$ >"$2" && exec sleep 600'\'' _ "$1" "$2"' \
		_ "$dir" "$script" "$ready" "${ns[@]}" </dev/null >"$T/ctr.$name.out" 2>&1 3>&- &
	CTR_OUTER[$name]=$!
	CTR_PIDS+=("$!")
	for ((i = 0; i < 400; i++)); do
		if [[ -s $ready ]]; then
			# the PID the inner shell wrote is its own in the new PID namespace:
			# find it as we see it, the one whose ns differs from ours
			CTR_PID[$name]=$(ctr_inner "${CTR_OUTER[$name]}")
			[[ -n ${CTR_PID[$name]} ]] && return 0
		fi
		kill -0 "${CTR_OUTER[$name]}" 2>/dev/null || break
		sleep 0.05
	done
	echo "container $name did not start: $(cat "$T/ctr.$name.out")" >&2
	return 1
}

# ctr_inner PID: PID or the first sleeping process down its first children.
ctr_inner() {
	local pid=$1 kid
	while [[ $(cat "/proc/$pid/comm" 2>/dev/null) != sleep ]]; do
		kid=$(pgrep -P "$pid" | head -1) && [[ -n $kid ]] || return 0
		pid=$kid
	done
	echo "$pid"
}

# ns_of PID KIND: the inode of PID's KIND namespace, as lsns prints it.
ns_of() {
	stat -Lc %i "/proc/$1/ns/$2"
}

# ctr_stop: kill every container and remove their cgroups.
ctr_stop() {
	local pid dir i
	for pid in "${CTR_PID[@]}" "${CTR_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
	done
	for pid in "${CTR_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	CTR_PIDS=()
	CTR_PID=()
	for ((i = ${#CTR_CGROUPS[@]} - 1; i >= 0; i--)); do
		dir=${CTR_CGROUPS[i]}
		while [[ $dir == "$CG2/shmkit-test-$BATS_ROOT_PID"* ]]; do
			rmdir "$dir" 2>/dev/null || break
			dir=${dir%/*}
		done
	done
	CTR_CGROUPS=()
}

eval "helper_$(declare -f teardown)"
teardown() {
	ctr_stop
	helper_teardown
}

# ctr_group_id WORD: like ctr_id, but every id of one test starts with the
# same 16 digits, CTR_GROUP: --container "$CTR_GROUP" takes this test's
# containers and nothing else on the machine.
CTR_GROUP=$(ctr_id group | cut -c1-16)
ctr_group_id() {
	printf '%s%s' "$CTR_GROUP" "$(ctr_id "$1" | cut -c1-48)"
}

#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Least privilege: each program keeps only the capabilities it needs, everything works as nobody, --mode is exact under any umask, and nothing is installed setuid.

bats_require_minimum_version 1.5.0

load test_helper

# capmask CAP_NUMBER...: the /proc/PID/status bit mask of those capabilities.
capmask() {
	local m=0 c
	for c in "$@"; do
		m=$((m | (1 << c)))
	done
	printf '%016x' "$m"
}

CAP_DAC_OVERRIDE=1 CAP_DAC_READ_SEARCH=2 CAP_IPC_LOCK=14 CAP_IPC_OWNER=15 CAP_SYS_PTRACE=19
CAP_CHECKPOINT_RESTORE=40

# caps_of PID FIELD: CapEff, CapPrm ... of a running process.
caps_of() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# hold_lock FILE OFFSET: a POSIX read lock on one byte of FILE, held by a
# background python until LOCKER is killed (shmkit locks are OFD locks and
# conflict with it).
hold_lock() {
	python3 -c '
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.lockf(fd, fcntl.LOCK_SH, int(sys.argv[3]), int(sys.argv[2]), 0)
print("locked", flush=True)
time.sleep(60)
' "$1" "$2" "${3:-1}" >"$T/locker.out" &
	LOCKER=$!
	HOLDER_PIDS+=("$LOCKER")
	local i=0
	while [[ ! -s $T/locker.out ]] && ((i++ < 100)); do sleep 0.05; done
	[[ -s $T/locker.out ]]
}

@test "least privilege: a running shmattach as root keeps only CAP_IPC_OWNER, CAP_DAC_OVERRIDE, CAP_IPC_LOCK" {
	require_root
	mk_posix "$SHM_NAME" 4096
	start_holder "$SHM_NAME"
	assert_equal "$(caps_of "$HOLDER" CapEff)" "$(capmask $CAP_IPC_OWNER $CAP_DAC_OVERRIDE $CAP_IPC_LOCK)"
	assert_equal "$(caps_of "$HOLDER" CapPrm)" "$(capmask $CAP_IPC_OWNER $CAP_DAC_OVERRIDE $CAP_IPC_LOCK)"
	assert_equal "$(caps_of "$HOLDER" CapInh)" 0000000000000000
}

@test "least privilege: shmread waiting for a lock as root keeps only CAP_IPC_OWNER, CAP_DAC_OVERRIDE, CAP_SYS_PTRACE, CAP_CHECKPOINT_RESTORE" {
	require_root
	local id
	id=$(mk_sysv "$SHM_KEY" 4096)
	# a writer's byte of the SysV lock is 2 * shmid + 1 of the /dev/shm directory
	hold_lock /dev/shm $((2 * id + 1))
	shmread -w 20 "$id" >/dev/null 2>"$T/err" &
	local pid=$!
	HOLDER_PIDS+=("$pid")
	wait_open "$pid" /dev/shm
	assert_equal "$(caps_of "$pid" CapEff)" \
		"$(capmask $CAP_IPC_OWNER $CAP_DAC_OVERRIDE $CAP_SYS_PTRACE $CAP_CHECKPOINT_RESTORE)"
	assert_equal "$(caps_of "$pid" CapPrm)" \
		"$(capmask $CAP_IPC_OWNER $CAP_DAC_OVERRIDE $CAP_SYS_PTRACE $CAP_CHECKPOINT_RESTORE)"
}

@test "least privilege: shmwrite waiting for a lock as root holds no capability beyond its documented set" {
	require_root
	mk_posix "$SHM_NAME" 4096
	hold_lock "/dev/shm/${SHM_NAME#/}" 0 0
	printf x | shmwrite -w 20 "$SHM_NAME" 2>"$T/err" &
	local pid=$!
	HOLDER_PIDS+=("$pid")
	wait_open "$pid" "/dev/shm/${SHM_NAME#/}"
	local eff allowed
	eff=$((16#$(caps_of "$pid" CapEff)))
	# cmd/shmwrite.c keeps CAP_IPC_OWNER, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH,
	# CAP_SYS_PTRACE and CAP_CHECKPOINT_RESTORE at most
	allowed=$((16#$(capmask $CAP_IPC_OWNER $CAP_DAC_OVERRIDE $CAP_DAC_READ_SEARCH $CAP_SYS_PTRACE \
		$CAP_CHECKPOINT_RESTORE)))
	assert_equal "$((eff & ~allowed))" 0
	assert_equal "$(caps_of "$pid" CapInh)" 0000000000000000
}

@test "as nobody: create, write, read, attach, list and remove both kinds" {
	local id
	run -0 as_nobody shmcreate "$SHM_NAME" 4K
	run -0 as_nobody shmwrite "$SHM_NAME" <<<"posix as nobody"
	run -0 as_nobody shmread -l 15 "$SHM_NAME"
	assert_output 'posix as nobody'
	run -0 as_nobody shmcreate "$SHM_KEY" 4K
	id=$output
	run -0 as_nobody shmwrite "$SHM_KEY" <<<"sysv as nobody"
	run -0 as_nobody shmread -l 14 "$id"
	assert_output 'sysv as nobody'
	run -0 as_nobody shmattach -t 1 "$SHM_KEY"
	run -0 as_nobody shmattach -t 1 "$SHM_NAME"
	run -0 --separate-stderr as_nobody shmls -r -n -o REF
	assert_line "$SHM_NAME"
	assert_line "$id"
	run -0 as_nobody shmrm "$SHM_KEY"
	# nobody cannot look into root's processes, but as the owner it may
	# ask the kernel (a lease), which says nothing holds the object
	run -0 --separate-stderr as_nobody shmrm "$SHM_NAME"
	assert_equal "$stderr" ""
	[[ ! -e /dev/shm/${SHM_NAME#/} ]]
	assert_equal "$(sysv_count)" 0
}

@test "as nobody: root's 0600 segments are refused with owner, mode, uid and the capability named" {
	mk_posix "$SHM_NAME" 4096
	mk_sysv "$SHM_KEY" 4096 >/dev/null
	run -1 --separate-stderr as_nobody shmread "$SHM_NAME"
	assert_equal "$stderr" "shmread: cannot read '$SHM_NAME': permission denied (owner uid 0, mode 0600; you are uid 65534 without CAP_DAC_OVERRIDE)"
	run -1 --separate-stderr as_nobody shmwrite "$SHM_KEY" <<<"x"
	assert_equal "$stderr" "shmwrite: cannot write '$SHM_KEY': permission denied (owner uid 0, mode 0600; you are uid 65534 without CAP_IPC_OWNER)"
	run -1 --separate-stderr as_nobody shmrm "$SHM_KEY"
	assert_equal "${#stderr_lines[@]}" 1
	assert_output --partial ''
	[[ $stderr == *"CAP_SYS_ADMIN"* ]]
	[[ -e /dev/shm/${SHM_NAME#/} ]]
	assert_equal "$(sysv_count)" 1
}

@test "--mode is applied exactly whatever the umask, for both kinds and for shmwrite -c" {
	local id
	umask 077
	run -0 shmcreate -m 0666 "$SHM_NAME" 1K
	assert_equal "$(stat -c %a "/dev/shm/${SHM_NAME#/}")" 666
	id=$(shmcreate -m 0644 "$SHM_KEY" 1K)
	assert_equal "$(sysv_field "$id" 3)" 644
	run -0 shmwrite -c -m 0660 "$SHM_NAME2" <<<"x"
	assert_equal "$(stat -c %a "/dev/shm/${SHM_NAME2#/}")" 660
	rm -f "/dev/shm/${SHM_NAME#/}" "/dev/shm/${SHM_NAME2#/}"
	umask 000
	run -0 shmcreate -m 0640 "$SHM_NAME" 1K
	assert_equal "$(stat -c %a "/dev/shm/${SHM_NAME#/}")" 640
}

@test "the default creation mode is 0600 even under umask 000" {
	local id
	umask 000
	run -0 shmcreate "$SHM_NAME" 1K
	assert_equal "$(stat -c %a "/dev/shm/${SHM_NAME#/}")" 600
	id=$(shmcreate "$SHM_KEY" 1K)
	assert_equal "$(sysv_field "$id" 3)" 600
	run -0 shmwrite -c "$SHM_NAME2" <<<"x"
	assert_equal "$(stat -c %a "/dev/shm/${SHM_NAME2#/}")" 600
}

@test "shmls as nobody says holder information is incomplete and does not call a held object an orphan" {
	mk_posix "$SHM_NAME" 4096 0666
	start_holder "$SHM_NAME"
	run -0 --separate-stderr as_nobody shmls --orphans -r -n -o REF
	assert_output ''
	[[ $stderr == *"incomplete"* ]]
	run -0 --separate-stderr as_nobody shmrm --orphans
	[[ -e /dev/shm/${SHM_NAME#/} ]]
}

@test "make install installs no setuid or setgid program" {
	run -0 make --no-print-directory -s -C "$SHMKIT_ROOT" "BUILD=$BUILD" install DESTDIR="$T/root" PREFIX=/usr
	run -0 find "$T/root" -type f -perm /6000
	assert_output ''
	run -0 find "$T/root/usr/bin" -type f ! -perm 0755
	assert_output ''
}

# caps_dropped_first PROG EXPECTED ARGS...: run PROG ARGS as root under
# strace; its first capset(2) must come before any syscall that touches a
# segment or /dev/shm, keep exactly EXPECTED (space-separated CAP_ names,
# sorted) effective and permitted, and leave nothing inheritable.
caps_dropped_first() {
	local prog=$1 want=$2 log=$T/strace.log first_cap first_act line eff prm
	shift 2
	command -v strace >/dev/null || skip "strace is not installed (make deps)"
	# LeakSanitizer cannot run under ptrace (the sanitized suite)
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -qq -o "$log" -e trace=capset,shmget,shmat,shmctl,open,openat,unlink,unlinkat,statfs \
		"$prog" "$@" </dev/null >/dev/null 2>&1 || true
	first_cap=$(grep -n -m1 '^capset(' "$log" | cut -d: -f1)
	first_act=$(grep -n -m1 -E '^(shmget|shmat|shmctl|unlink|unlinkat|statfs)\(|"/dev/shm' "$log" | cut -d: -f1)
	[[ -n $first_cap ]] || {
		echo "$prog never called capset(2)" >&2
		cat "$log" >&2
		return 1
	}
	if [[ -n $first_act ]] && ((first_act < first_cap)); then
		echo "$prog acted before dropping capabilities:" >&2
		sed -n "${first_act}p;${first_cap}p" "$log" >&2
		return 1
	fi
	line=$(sed -n "${first_cap}p" "$log")
	eff=$(sed -E 's/.*effective=([^,]*),.*/\1/' <<<"$line" | tr '|' '\n' | sed 's/^1<<//' | sort | paste -sd' ')
	prm=$(sed -E 's/.*permitted=([^,]*),.*/\1/' <<<"$line" | tr '|' '\n' | sed 's/^1<<//' | sort | paste -sd' ')
	assert_equal "$eff" "$want"
	assert_equal "$prm" "$want"
	[[ $line == *"inheritable=0}"* ]]
}

@test "least privilege: shmcreate drops to CAP_DAC_OVERRIDE, CAP_IPC_LOCK, CAP_IPC_OWNER before creating" {
	require_root
	caps_dropped_first shmcreate "CAP_DAC_OVERRIDE CAP_IPC_LOCK CAP_IPC_OWNER" "$SHM_NAME" 4K
	[[ -f /dev/shm/${SHM_NAME#/} ]]
}

@test "least privilege: shmattach drops to CAP_DAC_OVERRIDE, CAP_IPC_LOCK, CAP_IPC_OWNER before attaching" {
	require_root
	mk_posix "$SHM_NAME" 4096
	caps_dropped_first shmattach "CAP_DAC_OVERRIDE CAP_IPC_LOCK CAP_IPC_OWNER" -t 1 "$SHM_NAME"
}

@test "least privilege: shmread drops to CAP_CHECKPOINT_RESTORE, CAP_DAC_OVERRIDE, CAP_IPC_OWNER, CAP_SYS_PTRACE before reading" {
	require_root
	mk_sysv "$SHM_KEY" 4096 >/dev/null
	caps_dropped_first shmread "CAP_CHECKPOINT_RESTORE CAP_DAC_OVERRIDE CAP_IPC_OWNER CAP_SYS_PTRACE" "$SHM_KEY"
}

@test "least privilege: shmwrite drops to CAP_CHECKPOINT_RESTORE, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_IPC_OWNER, CAP_SYS_PTRACE before writing" {
	require_root
	mk_posix "$SHM_NAME" 4096
	caps_dropped_first shmwrite "CAP_CHECKPOINT_RESTORE CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_IPC_OWNER CAP_SYS_PTRACE" "$SHM_NAME"
}

@test "least privilege: shmls drops to CAP_CHECKPOINT_RESTORE, CAP_DAC_READ_SEARCH, CAP_IPC_OWNER, CAP_LEASE, CAP_SYS_PTRACE before listing" {
	require_root
	mk_posix "$SHM_NAME" 4096
	mk_sysv "$SHM_KEY" 4096 >/dev/null
	caps_dropped_first shmls "CAP_CHECKPOINT_RESTORE CAP_DAC_READ_SEARCH CAP_IPC_OWNER CAP_LEASE CAP_SYS_PTRACE" -p
}

@test "least privilege: shmrm drops to the seven capabilities removal can need before removing" {
	require_root
	mk_posix "$SHM_NAME" 4096
	caps_dropped_first shmrm "CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_IPC_OWNER CAP_LEASE CAP_SYS_ADMIN CAP_SYS_PTRACE" "$SHM_NAME"
	[[ ! -e /dev/shm/${SHM_NAME#/} ]]
}

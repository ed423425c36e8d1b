# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are used by the .bats files
# Common setup for the shmkit bats tests. Load it with `load test_helper`.
#
# Every test file runs in its own IPC + mount namespace (tests/run makes it);
# on top of that each test gets a fresh tmpfs on /dev/shm, no SysV segments,
# and the kernel.shm* limits it started with.

# bats-support and bats-assert, their src/*.bash sourced directly: each
# load.bash finds its files with one $(dirname) per file, fifteen processes
# in all, and bats sources this file again for every test.
shmkit_load_libs() {
	local f
	for f in /usr/lib/bats/bats-support/src/*.bash /usr/lib/bats/bats-assert/src/*.bash; do
		# shellcheck disable=SC1090 # the libraries' own files
		source "$f" || return 1
	done
	declare -F assert_equal >/dev/null
}
shmkit_load_libs || {
	load '/usr/lib/bats/bats-support/load'
	load '/usr/lib/bats/bats-assert/load'
}

# tests/run hands bats real paths, so these need no $(cd && pwd)
SHMKIT_TESTS_DIR=$BATS_TEST_DIRNAME
[[ $SHMKIT_TESTS_DIR == /* ]] || SHMKIT_TESTS_DIR=$(cd "$BATS_TEST_DIRNAME" && pwd)
SHMKIT_ROOT=${SHMKIT_TESTS_DIR%/*}
BUILD=${BUILD:-build}
case $BUILD in
/*) SHMKIT_BUILD=$BUILD ;;
*) SHMKIT_BUILD=$SHMKIT_ROOT/$BUILD ;;
esac
SHMKIT_BIN=$SHMKIT_BUILD/bin
HELPERS=$SHMKIT_BUILD/tests
PATH=$SHMKIT_BIN:$PATH
LC_ALL=C
TZ=UTC
export PATH LC_ALL TZ SHMKIT_BUILD SHMKIT_BIN HELPERS SHMKIT_ROOT
unset SHMKIT_REF

PROGS=(shmcreate shmattach shmwrite shmread shmrm shmls)
# The message every program prints for a reference it cannot parse.
REF_FORMS='/NAME, 0xKEY, key:N, ID, id:N or ftok:PATH[:PROJ]'

# ------------------------------------------------------------ the guard

# shmkit_in_private_ns: succeed only inside an IPC and mount namespace of
# our own, so that no test can touch the host's segments or /dev/shm.
# Compares with the namespaces tests/run started from (SHMKIT_HOST_IPC_NS /
# SHMKIT_HOST_MNT_NS), or else with PID 1's.
shmkit_in_private_ns() {
	local kind self init compared=0
	# Cheap once this file's namespaces passed the full check below
	# (setup_file): the same namespaces as that process, compared with
	# the shell's own stat(2), no process started.
	if [[ -n ${SHMKIT_NS_CHECKED_PID:-} && /proc/self/ns/ipc -ef /proc/$SHMKIT_NS_CHECKED_PID/ns/ipc &&
		/proc/self/ns/mnt -ef /proc/$SHMKIT_NS_CHECKED_PID/ns/mnt ]]; then
		return 0
	fi
	# tests/run says where it started; inside its PID namespace pid 1 is
	# its own child, so /proc/1 is only a fallback for bats run by hand.
	if [[ -n ${SHMKIT_HOST_IPC_NS:-} && -n ${SHMKIT_HOST_MNT_NS:-} ]]; then
		[[ $(readlink /proc/self/ns/ipc) != "$SHMKIT_HOST_IPC_NS" ]] || return 1
		[[ $(readlink /proc/self/ns/mnt) != "$SHMKIT_HOST_MNT_NS" ]] || return 1
		return 0
	fi
	for kind in ipc mnt; do
		self=$(readlink "/proc/self/ns/$kind") || return 1
		if init=$(readlink "/proc/1/ns/$kind" 2>/dev/null) && [[ -n $init ]]; then
			[[ $self != "$init" ]] || return 1
			compared=1
		fi
	done
	((compared))
}

shmkit_guard() {
	if ! shmkit_in_private_ns; then
		printf '%s\n' \
			"test_helper: REFUSING TO RUN: not inside a private IPC + mount namespace" \
			"test_helper: (ipc $(readlink /proc/self/ns/ipc), pid 1 has $(readlink /proc/1/ns/ipc 2>/dev/null))" \
			"test_helper: run the tests through tests/run (or make check), never bats directly" >&2
		return 1
	fi
}

# --------------------------------------------------------- fresh state

# shm_top_source: SHM_TOP, the source of the top mount on /dev/shm, from
# mountinfo (read by the shell itself: this runs twice per test).
shm_top_source() {
	local -a fields
	local i
	SHM_TOP=
	while read -r -a fields; do
		[[ ${fields[4]:-} == /dev/shm ]] || continue
		for ((i = 6; i < ${#fields[@]}; i++)); do
			[[ ${fields[i]} == - ]] && break
		done
		SHM_TOP=${fields[i + 2]:-}
	done </proc/self/mountinfo
}

# remount_shm [SIZE]: a new, empty tmpfs on /dev/shm (default 64m).
# Our own earlier mounts are taken off first so they do not pile up.
remount_shm() {
	local size=${1:-64m} n=0
	shm_top_source
	while [[ $SHM_TOP == shmkit-test ]] && ((n++ < 64)); do
		umount -l /dev/shm || break
		shm_top_source
	done
	mount -t tmpfs -o "size=$size,mode=1777" shmkit-test /dev/shm
}

# sysv_any: succeed when this namespace has a SysV segment at all.
sysv_any() {
	local line
	{ read -r line && read -r line; } </proc/sysvipc/shm
}

SHMKIT_LIMITS=(shmmax shmall shmmni)

setup_file() {
	shmkit_guard || return 1
	# for the cheap check in every test of this file
	export SHMKIT_NS_CHECKED_PID=$BASHPID
}

setup() {
	shmkit_guard || return 1
	local l
	for l in "${SHMKIT_LIMITS[@]}"; do
		read -r "SAVED_$l" <"/proc/sys/kernel/$l"
	done
	HOLDER_PIDS=()
	umask 022
	remount_shm 64m
	if sysv_any; then
		ipcrm --all=shm >/dev/null 2>&1 || true
	fi
	SHM_NAME=/shmkit-test-$BATS_ROOT_PID-$BATS_TEST_NUMBER
	SHM_NAME2=$SHM_NAME-b
	SHM_KEY=$(printf '0x%04x%04x' $((BATS_ROOT_PID & 0x7fff)) $((BATS_TEST_NUMBER & 0x7fff)))
	SHM_KEY2=$(printf '0x%04x%04x' $((BATS_ROOT_PID & 0x7fff)) $(((BATS_TEST_NUMBER & 0x7fff) | 0x8000)))
	T=$BATS_TEST_TMPDIR
}

teardown() {
	local pid l saved now left
	for pid in "${HOLDER_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
		wait_exit "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	HOLDER_PIDS=()
	if shmkit_in_private_ns; then
		if sysv_any; then
			ipcrm --all=shm >/dev/null 2>&1 || true
		fi
		left=(/dev/shm/shmkit-test-"$BATS_ROOT_PID"-*)
		if [[ -e ${left[0]} || -L ${left[0]} ]]; then
			rm -f "${left[@]}" 2>/dev/null || true
		fi
		for l in "${SHMKIT_LIMITS[@]}"; do
			saved=SAVED_$l
			read -r now <"/proc/sys/kernel/$l" || now=
			if [[ -n ${!saved:-} && $now != "${!saved}" ]]; then
				echo "${!saved}" >"/proc/sys/kernel/$l"
			fi
		done
	fi
}

# Sweep whatever a test of this file may have left (the namespace dies with
# the file anyway; this keeps a reused namespace clean too).
teardown_file() {
	if shmkit_in_private_ns; then
		ipcrm --all=shm >/dev/null 2>&1 || true
		rm -rf /dev/shm/shmkit-test-* /dev/shm/sem.shmkit-test* 2>/dev/null || true
	fi
}

# ------------------------------------------------------------- helpers

# strerror NAME: the C library's text for an errno name (ENOENT -> ...).
strerror() {
	"$HELPERS/strerror" "$1"
}

# is_root: real root (uid 0 not mapped from someone else in a user namespace).
is_root() {
	[[ $EUID -eq 0 ]] && [[ $(awk '{ print $1, $2 }' /proc/self/uid_map) == "0 0" ]]
}

require_root() {
	is_root || skip "needs real root (${1:-this test})"
}

# as_nobody CMD...: run CMD as uid 65534 with no capabilities at all.
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all -- "$@"
}

# usage_error PROG MESSAGE: the two lines a usage error prints.
usage_error() {
	printf '%s: %s\n%s' "$1" "$2" "Try '$1 --help' for more information."
}

# bad_ref_msg PROG TEXT: the usage error for an unparsable reference.
bad_ref_msg() {
	local forms=$REF_FORMS
	# shmcreate's list grows one item: "..., id:N, ftok:PATH[:PROJ], or private"
	[[ $1 == shmcreate ]] && forms="${REF_FORMS/ or /, }, or private"
	usage_error "$1" "invalid segment reference '$2' (expected $forms)"
}

# key_dec 0xKEY: the key as /proc/sysvipc/shm prints it (signed decimal).
key_dec() {
	local k=$(($1))
	((k > 0x7fffffff)) && k=$((k - 0x100000000))
	echo "$k"
}

# sysv_id_of_key 0xKEY: the shmid of the segment with that key, or nothing.
sysv_id_of_key() {
	awk -v k="$(key_dec "$1")" 'NR > 1 && $1 == k { print $2 }' /proc/sysvipc/shm
}

# sysv_field ID N: field N of the segment's row in /proc/sysvipc/shm
# (1 key 2 shmid 3 perms 4 size 5 cpid 6 lpid 7 nattch 8 uid 9 gid 10 cuid
#  11 cgid 12 atime 13 dtime 14 ctime 15 rss 16 swap).
sysv_field() {
	awk -v id="$1" -v f="$2" 'NR > 1 && $2 == id { print $f }' /proc/sysvipc/shm
}

# sysv_count: how many SysV segments exist in this namespace.
sysv_count() {
	awk 'NR > 1' /proc/sysvipc/shm | wc -l
}

# mk_sysv KEY SIZE [MODE]: a SysV segment made without shmkit; prints its id.
mk_sysv() {
	"$HELPERS/seg" create "$1" "$2" "${3:-0600}"
}

# mk_posix /NAME SIZE [MODE]: a POSIX object made without shmkit.
mk_posix() {
	local f=/dev/shm/${1#/}
	: >"$f"
	chmod "${3:-0600}" "$f"
	truncate -s "$2" "$f"
}

# sysv_dump ID: the segment's bytes on stdout, read without shmkit.
sysv_dump() {
	"$HELPERS/seg" dump "$1"
}

# sysv_fill ID BYTE: fill a segment with one byte value, without shmkit.
sysv_fill() {
	"$HELPERS/seg" fill "$1" "$2"
}

# wait_attached PID: wait until PID maps a shared-memory segment
# (SysV or /dev/shm); fail if it exits first or after 10 seconds.
wait_attached() {
	local pid=$1 i
	for ((i = 0; i < 200; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "holder $pid exited before attaching" >&2
			return 1
		fi
		if grep -qE ' /SYSV[0-9a-f]{8} \(deleted\)$| /dev/shm/' "/proc/$pid/maps" 2>/dev/null; then
			return 0
		fi
		sleep 0.05
	done
	echo "holder $pid did not attach within 10 seconds" >&2
	return 1
}

# wait_exit PID SECONDS: wait until PID has exited (or is a zombie);
# fail if it still runs after SECONDS. Does not reap it.
wait_exit() {
	local pid=$1 i state
	for ((i = 0; i < $2 * 20; i++)); do
		state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) || state=
		[[ -z $state || $state == Z ]] && return 0
		sleep 0.05
	done
	return 1
}

# start_holder REF [OPTION...]: run `shmattach OPTION... -t 600 REF` in the
# background until it is attached; HOLDER is its pid (killed in teardown),
# HOLDER_ERR the file with its stderr.
start_holder() {
	local ref=$1
	shift
	HOLDER_ERR=$T/holder.$((${#HOLDER_PIDS[@]} + 1)).err
	shmattach "$@" -t 600 "$ref" </dev/null >/dev/null 2>"$HOLDER_ERR" 3>&- &
	HOLDER=$!
	HOLDER_PIDS+=("$HOLDER")
	wait_attached "$HOLDER" || return 1
	# the announcement follows the attach: wait for it too
	local i=0
	while [[ ! -s $HOLDER_ERR ]] && ((i++ < 100)); do
		sleep 0.05
	done
}

# stop_holder PID [SIGNAL]: send SIGNAL (default TERM) and return the exit
# status; 124 (after SIGKILL) when it does not exit within 5 seconds.
stop_holder() {
	local pid=$1 rc=0 p keep=()
	kill "-${2:-TERM}" "$pid"
	if ! wait_exit "$pid" 5; then
		kill -KILL "$pid"
		wait "$pid" 2>/dev/null
		rc=124
	else
		wait "$pid" || rc=$?
	fi
	for p in "${HOLDER_PIDS[@]}"; do
		[[ $p == "$pid" ]] || keep+=("$p")
	done
	HOLDER_PIDS=("${keep[@]}")
	return "$rc"
}

# fd_holder /NAME: a process (comm "sleep") that only has the object open.
fd_holder() {
	bash -c 'exec 3<"$1" && exec sleep 600' _ "/dev/shm/${1#/}" </dev/null >/dev/null 2>&1 &
	HOLDER=$!
	HOLDER_PIDS+=("$HOLDER")
	local i
	for ((i = 0; i < 200; i++)); do
		[[ $(cat "/proc/$HOLDER/comm" 2>/dev/null) == sleep && -e /proc/$HOLDER/fd/3 ]] && return 0
		sleep 0.05
	done
	echo "fd holder $HOLDER did not start" >&2
	return 1
}

# mixed_file PATH BYTES: random data with many runs of NUL bytes.
mixed_file() {
	python3 - "$1" "$2" <<'EOF'
import os, sys
path, total = sys.argv[1], int(sys.argv[2])
out = bytearray()
while len(out) < total:
    out += os.urandom(int.from_bytes(os.urandom(2), "little") % 3000 + 1)
    out += bytes(int.from_bytes(os.urandom(2), "little") % 2000 + 1)
    out += b"\0"
with open(path, "wb") as f:
    f.write(bytes(out[:total]))
EOF
}

# hexdump_of: bytes on stdin as one line of hex, for exact comparisons.
hex_of() {
	od -An -v -tx1 | tr -d ' \n'
}

# traced ARG...: strace ARG..., without LeakSanitizer, which cannot work
# under ptrace. Exported, for bash -c.
traced() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace "$@"
}
export -f traced

# wait_open PID PATH: until PID has PATH open (a program takes its lock
# there, after dropping capabilities and before acting); fails after 10 s.
wait_open() {
	local i fd
	for ((i = 0; i < 200; i++)); do
		for fd in /proc/"$1"/fd/*; do
			[[ $(readlink "$fd" 2>/dev/null) == "$2" ]] && return 0
		done
		sleep 0.05
	done
	echo "process $1 never opened $2" >&2
	return 1
}

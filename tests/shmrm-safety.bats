#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmrm never pulls a segment out from under a process unless forced:
# held references, --force, PID reuse, hostile /dev/shm entries, --target.
# shmkit: also-without-pidns

bats_require_minimum_version 1.5.0
load test_helper

# fork_holder ID: attach SysV segment ID, fork, let the parent exit; the
# child (comm "python3") keeps the attachment. Sets HOLDER to the child and
# PARENT to the dead parent, which was the segment's last attacher.
fork_holder() {
	local out
	out=$(python3 - "$1" <<'EOF'
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
if libc.shmat(int(sys.argv[1]), None, 0) in (None, ctypes.c_void_p(-1).value):
    sys.exit("shmat failed")
pid = os.fork()
if pid:
    print(pid, os.getpid(), flush=True)
    os._exit(0)
os.setsid()
fd = os.open("/dev/null", os.O_RDWR)
for i in (0, 1, 2):
    os.dup2(fd, i)
time.sleep(60)
EOF
)
	HOLDER=${out% *}
	PARENT=${out#* }
	HOLDER_PIDS+=("$HOLDER")
	while kill -0 "$PARENT" 2>/dev/null; do sleep 0.05; done
}

@test "shmrm refuses a held SysV segment, names its holder and goes on" {
	held=$(mk_sysv "$SHM_KEY" 4096)
	mk_posix "$SHM_NAME" 4096
	start_holder "$SHM_KEY"
	run -1 --separate-stderr shmrm "$SHM_KEY" "$SHM_NAME"
	assert_output ""
	assert_equal "$stderr" "shmrm: cannot remove '$SHM_KEY': held by $HOLDER (shmattach); --force marks it for removal"
	assert_equal "$(sysv_field "$held" 3)" 600
	[[ ! -e /dev/shm/${SHM_NAME#/} ]]
}

@test "shmrm refuses a mapped and an fd-only POSIX object, naming holders" {
	mk_posix /mapped 4096
	mk_posix /opened 4096
	start_holder /mapped
	m=$HOLDER
	fd_holder /opened
	o=$HOLDER
	run -1 --separate-stderr shmrm /mapped /opened
	assert_equal "$stderr" "shmrm: cannot remove '/mapped': held by $m (shmattach); --force unlinks it anyway
shmrm: cannot remove '/opened': held by $o (sleep); --force unlinks it anyway"
	run -0 ls /dev/shm
	assert_output "mapped
opened"
}

@test "shmrm --force on a held SysV segment gives dest; the holder works on until it detaches" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	sysv_fill "$id" 0x41
	# the holder reads the segment after the removal and reports what it saw
	shmattach "$id" -- sh -c 'sleep 1; shmread -l 4 "$SHMKIT_REF" >"$0"' "$T/seen" 2>"$T/err" &
	pid=$!
	HOLDER_PIDS+=("$pid")
	wait_attached "$pid"
	run -0 --separate-stderr shmrm -v -f "$SHM_KEY"
	assert_output "marked $id for removal, held by $pid (shmattach)"
	assert_equal "$(sysv_field "$id" 3)" 1600
	assert_equal "$(sysv_field "$id" 1)" 0
	wait "$pid"
	assert_equal "$(cat "$T/err")" ""
	assert_equal "$(cat "$T/seen")" AAAA
	assert_equal "$(sysv_count)" 0
}

@test "shmrm --force unlinks a held POSIX object; the holder keeps its memory" {
	mk_posix "$SHM_NAME" 4096
	fd_holder "$SHM_NAME"
	run -0 --separate-stderr shmrm -f "$SHM_NAME"
	assert_equal "$stderr" "shmrm: '$SHM_NAME' is held by $HOLDER (sleep); unlinked, its memory stays until they let go"
	[[ ! -e /dev/shm/${SHM_NAME#/} ]]
	run -0 readlink "/proc/$HOLDER/fd/3"
	assert_output "/dev/shm/${SHM_NAME#/} (deleted)"
}

@test "PID reuse: a segment whose creator and last attacher are gone is still held" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	fork_holder "$id"
	child=$HOLDER
	# the dead parent's PID goes to an unrelated process (ns_last_pid);
	# without a PID namespace of our own a process of the busy machine
	# may be started in between and take it: try again
	local try
	for ((try = 0; try < 20; try++)); do
		echo $((PARENT - 1)) >/proc/sys/kernel/ns_last_pid
		sleep 600 &
		HOLDER_PIDS+=("$!")
		[[ $! == "$PARENT" ]] && break
	done
	assert_equal "$!" "$PARENT"
	assert_equal "$(sysv_field "$id" 6)" "$PARENT"
	mk_posix /obj 4096
	fd_holder /obj
	run -0 --separate-stderr shmrm -v --orphans
	assert_output ""
	assert_equal "$stderr" "shmrm: no segment matched"
	assert_equal "$(sysv_field "$id" 7)" 1
	run -1 --separate-stderr shmrm "$id"
	assert_equal "$stderr" "shmrm: cannot remove '$id': held by $child (python3); --force marks it for removal"
}

@test "POSIX objects are matched by device and inode, not by name or path" {
	mk_posix /obj 4096
	fd_holder /obj
	old=$HOLDER
	# a new object under the same name is not the one the holder has
	rm /dev/shm/obj
	mk_posix /obj 4096
	# a renamed object is still held
	mk_posix /before 4096
	fd_holder /before
	mv /dev/shm/before /dev/shm/after
	run -0 --separate-stderr shmrm -v --orphans
	assert_output "removed /obj"
	run -0 ls /dev/shm
	assert_output "after"
	run -0 readlink "/proc/$old/fd/3"
	assert_output "/dev/shm/obj (deleted)"
}

@test "a process in another mount namespace with its own /NAME does not hold ours" {
	mk_posix /obj 4096
	unshare --mount --propagation private -- bash -c \
		'mount -t tmpfs other /dev/shm && : >/dev/shm/obj && exec 3</dev/shm/obj && exec sleep 60' \
		</dev/null >/dev/null 2>&1 &
	HOLDER_PIDS+=("$!")
	for ((i = 0; i < 100; i++)); do
		[[ $(cat "/proc/$!/comm" 2>/dev/null) == sleep ]] && break
		sleep 0.05
	done
	run -0 --separate-stderr shmrm -v --orphans
	assert_output "removed /obj"
}

@test "hostile /dev/shm entries are never followed nor removed" {
	echo precious >"$T/outside"
	ln -s "$T/outside" /dev/shm/link
	mkdir /dev/shm/dir
	: >/dev/shm/sem.x
	mkfifo /dev/shm/fifo
	mk_posix "/new
line" 4096
	mk_posix "/sp ace" 4096
	run -0 --separate-stderr shmrm -v --all --force
	assert_output 'removed /new\x0aline
removed /sp\x20ace'
	assert_equal "$stderr" ""
	run -0 ls /dev/shm
	assert_output "dir
fifo
link
sem.x"
	assert_equal "$(cat "$T/outside")" precious
	run -1 --separate-stderr shmrm -f /link /dir /sem.x /fifo
	assert_equal "$stderr" "shmrm: cannot remove '/link': not a shared memory object
shmrm: cannot remove '/dir': not a shared memory object
shmrm: cannot remove '/sem.x': not a shared memory object
shmrm: cannot remove '/fifo': not a shared memory object"
	[[ -L /dev/shm/link && -d /dev/shm/dir && -p /dev/shm/fifo && -f /dev/shm/sem.x ]]
	assert_equal "$(cat "$T/outside")" precious
}

# bats test_tags=needs:root
@test "shmrm as nobody removes nobody's own unheld object: the kernel's lease decides, not the scan" {
	require_root "uses setpriv"
	run -0 as_nobody shmcreate "$SHM_NAME" 4096
	run -0 as_nobody shmcreate "$SHM_NAME2" 4096
	# nobody cannot read root's /proc/PID/maps: the scan is incomplete, but
	# the owner may ask for a lease, and an unheld object gets one
	run -0 --separate-stderr as_nobody shmrm "$SHM_NAME"
	assert_equal "$stderr" ""
	[[ ! -e /dev/shm/${SHM_NAME#/} ]]
	# held by a process nobody cannot examine: the lease is refused, so kept
	fd_holder "$SHM_NAME2"
	run -1 --separate-stderr as_nobody shmrm "$SHM_NAME2"
	kill "$HOLDER"
	wait "$HOLDER" 2>/dev/null || true
	assert_equal "$stderr" "shmrm: cannot remove '$SHM_NAME2': held by processes not visible here; --force unlinks it anyway"
	run -0 --separate-stderr as_nobody shmrm --all --posix
	assert_equal "$stderr" ""
	[[ ! -e /dev/shm/${SHM_NAME2#/} ]]
}

# bats test_tags=needs:root
@test "shmrm refuses a POSIX object it cannot show unheld where no lease can be had, unless forced" {
	require_root "uses setpriv"
	# Not sticky: nobody may unlink root's object, but not lease it (not
	# the owner, no CAP_LEASE), and cannot read root's processes either.
	remount_shm 64m
	chmod 0777 /dev/shm
	run -0 shmcreate -m 0644 "$SHM_NAME" 4096
	run -1 --separate-stderr as_nobody shmrm "$SHM_NAME"
	assert_output ""
	[[ $stderr =~ ^"shmrm: cannot remove '$SHM_NAME': cannot tell whether it is held: "[0-9]+" process"(es)?" could not be examined ("[0-9]+" "[^:]*": Permission denied".*"; you are uid 65534 without CAP_LEASE and CAP_SYS_PTRACE); its owner, CAP_LEASE or CAP_SYS_PTRACE could tell; --force unlinks it anyway"$ ]] ||
		fail "unexpected stderr: $stderr"
	run -0 --separate-stderr as_nobody shmrm -q --all
	assert_equal "$stderr" ""
	[[ -e /dev/shm/${SHM_NAME#/} ]]
	run -0 --separate-stderr as_nobody shmrm --all
	[[ $stderr =~ ^"shmrm: kept 1 POSIX object that may be in use: "[0-9]+" process" ]] || fail "unexpected stderr: $stderr"
	run -0 --separate-stderr as_nobody shmrm -f "$SHM_NAME"
	assert_equal "$stderr" ""
	[[ ! -e /dev/shm/${SHM_NAME#/} ]]
}

# bats test_tags=needs:root
@test "shmrm --target cleans up inside another process's IPC and mount namespaces" {
	require_root "enters namespaces"
	mine=$(mk_sysv "$SHM_KEY" 4096)
	mk_posix /host 4096
	unshare --ipc --mount --propagation private -- bash -c '
		mount -t tmpfs inner /dev/shm || exit 1
		"$1" create 0x7001 4096 0600 >/dev/null
		: >/dev/shm/leaked
		shmcreate ftok:/dev/shm/leaked:7 4096 >/dev/null
		: >/dev/shm/held
		exec 3</dev/shm/held
		exec sleep 60' _ "$HELPERS/seg" </dev/null >/dev/null 2>&1 &
	child=$!
	HOLDER_PIDS+=("$child")
	for ((i = 0; i < 100; i++)); do
		[[ $(cat "/proc/$child/comm" 2>/dev/null) == sleep ]] && break
		sleep 0.05
	done
	# an ftok: path is the container's: no /dev/shm/leaked here
	[[ ! -e /dev/shm/leaked ]]
	run -0 --separate-stderr shmrm --target "$child" -v ftok:/dev/shm/leaked:7
	assert_output --regexp '^removed [0-9]+$'
	run -0 --separate-stderr shmrm --target "$child" -v --all
	assert_output --regexp '^removed [0-9]+
removed /leaked$'
	assert_equal "$stderr" "shmrm: kept '/held': held by $child (sleep)
shmrm: kept 1 segment in use; --force removes it"
	run -0 nsenter --target "$child" --ipc --mount -- ls /dev/shm
	assert_output "held"
	run -0 nsenter --target "$child" --ipc -- awk 'NR > 1' /proc/sysvipc/shm
	assert_output ""
	# the host's own segments are untouched
	assert_equal "$(sysv_id_of_key "$SHM_KEY")" "$mine"
	[[ -e /dev/shm/host ]]
	# a named reference inside the container, refused with its holder named
	run -1 --separate-stderr shmrm --target "$child" /held
	assert_equal "$stderr" "shmrm: cannot remove '/held': held by $child (sleep); --force unlinks it anyway"
	run -1 --separate-stderr as_nobody shmrm --target "$child" --all
	assert_equal "$stderr" "shmrm: cannot enter the namespaces of '$child': permission denied (you are uid 65534 without CAP_SYS_ADMIN)"
	run -1 --separate-stderr shmrm --target 999999 --all
	assert_equal "$stderr" "shmrm: cannot enter the namespaces of '999999': no such process"
}

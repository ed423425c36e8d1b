#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmls -p, HOLDERS, PIDS, ORPHAN, --orphans, --holders-of, deleted objects.
# Holder scans are only complete where every process can be read, so each
# test runs its processes in a PID namespace of its own (pidns below); the
# second run (tagged) does so beside the machine's processes, some of them
# unreadable even to root.
# shmkit: also-without-pidns

bats_require_minimum_version 1.5.0
load test_helper

# pidns SCRIPT: run SCRIPT with bash in a new PID namespace with its own
# /proc, where it is PID 1. hold REF starts a shmattach and prints its PID
# once it is attached. shmls skips itself, so the script must not end in
# it (bash would exec it as PID 1, in place of the holder).
pidns() {
	unshare --pid --fork --mount-proc -- bash -c '
		set -e
		hold() {
			shmattach -t 60 "$1" </dev/null >/dev/null 2>&1 &
			local pid=$! i
			for ((i = 0; i < 200; i++)); do
				grep -qE " /SYSV| /dev/shm/" /proc/$pid/maps 2>/dev/null && break
				sleep 0.05
			done
			echo "$pid"
		}
		'"$1"'
		: so that bash does not exec the last command in place of PID 1'
}

@test "shmls -p finds a process mapping a SysV segment and one mapping a POSIX object" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr pidns '
		a=$(hold '"$id"'); b=$(hold '"$SHM_NAME"')
		echo "$a $b"
		shmls -r -n -o REF,HOLDERS,PIDS,ORPHAN -p'
	assert_equal "$stderr" ""
	read -r a b <<<"${lines[0]}"
	assert_equal "${lines[1]}" "$id 1 $a/shmattach no"
	assert_equal "${lines[2]}" "$SHM_NAME 1 $b/shmattach no"
}

@test "shmls counts a process that holds a POSIX object only through an open fd" {
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr pidns '
		exec 3<>/dev/shm/'"${SHM_NAME#/}"'
		grep -c /dev/shm/ /proc/$$/maps || true
		shmls -r -n -o REF,HOLDERS,PIDS,ORPHAN'
	assert_equal "${lines[0]}" 0
	assert_equal "${lines[1]}" "$SHM_NAME 1 1/bash no"
}

@test "shmls lists both the parent and a forked child of a mapping process" {
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr pidns '
		mkfifo '"$T"'/ready
		python3 - /dev/shm/'"${SHM_NAME#/}"' <<"EOF" >'"$T"'/ready &
import mmap, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
m = mmap.mmap(fd, 4096)
os.close(fd)
pid = os.fork()
if pid:
    print(os.getpid(), pid, flush=True)
time.sleep(60)
EOF
		read -r line <'"$T"'/ready && echo "$line"
		shmls -r -n -o HOLDERS,PIDS '"$SHM_NAME"
	read -r parent child <<<"${lines[0]}"
	assert_equal "${lines[1]}" "2 $parent/python3,$child/python3"
}

@test "shmls still finds the holders of a SysV segment marked for removal" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	run -0 --separate-stderr pidns '
		a=$(hold '"$id"'); b=$(hold '"$id"')
		ipcrm -m '"$id"'
		echo "$a,$b"
		shmls -r -n --sysv -o REF,KEY,NATTCH,STATUS,HOLDERS,PIDS,ORPHAN'
	assert_equal "$stderr" ""
	IFS=, read -r a b <<<"${lines[0]}"
	assert_equal "${lines[1]}" "$id 0x00000000 2 dest 2 $a/shmattach,$b/shmattach no"
}

@test "shmls lists an unlinked POSIX object that is still mapped as deleted" {
	mk_posix "$SHM_NAME" 12288
	run -0 --separate-stderr pidns '
		a=$(hold '"$SHM_NAME"')
		rm /dev/shm/'"${SHM_NAME#/}"'
		echo "$a"
		shmls -r -n -o REF,NAME,SIZE,STATUS,HOLDERS,PIDS,ORPHAN
		shmls -r -n --posix
		shmls -J --posix -o NAME,STATUS,SIZE,OWNER'
	assert_equal "$stderr" ""
	a=${lines[0]}
	assert_equal "${lines[1]}" "$SHM_NAME ${SHM_NAME#/} 12288 deleted 1 $a/shmattach no"
	[[ ${lines[2]} == "$SHM_NAME posix  root rw------- 12288  deleted "* ]]
	json=$(printf '%s\n' "${lines[@]:3}")
	run -0 jq -c '.segments' <<<"$json"
	assert_output "[{\"name\":\"${SHM_NAME#/}\",\"status\":\"deleted\",\"size\":12288,\"owner\":\"root\"}]"
}

@test "shmls lists an unlinked POSIX object held only through an fd as deleted" {
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr pidns '
		exec 3<>/dev/shm/'"${SHM_NAME#/}"'
		rm /dev/shm/'"${SHM_NAME#/}"'
		shmls -r -n -o REF,STATUS,HOLDERS,PIDS'
	assert_output "$SHM_NAME deleted 1 1/bash"
}

@test "shmls reports no holder for a process that detached" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr pidns '
		mkfifo '"$T"'/ready
		python3 - '"$id"' /dev/shm/'"${SHM_NAME#/}"' <<"EOF" >'"$T"'/ready &
import ctypes, mmap, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmdt.argtypes = [ctypes.c_void_p]
addr = libc.shmat(int(sys.argv[1]), None, 0)
fd = os.open(sys.argv[2], os.O_RDWR)
m = mmap.mmap(fd, 4096)
os.close(fd)
libc.shmdt(addr)
m.close()
print("detached", flush=True)
time.sleep(60)
EOF
		read -r line <'"$T"'/ready && echo "$line"
		shmls -r -n -o REF,NATTCH,HOLDERS,PIDS,ORPHAN'
	assert_equal "${lines[0]}" detached
	assert_equal "${lines[1]}" "$id 0 0  yes"
	assert_equal "${lines[2]}" "$SHM_NAME  0  yes"
}

@test "shmls --orphans lists only segments nobody holds, of both kinds" {
	held=$(mk_sysv "$SHM_KEY" 4096)
	free=$(mk_sysv "$SHM_KEY2" 4096)
	mk_posix "$SHM_NAME" 4096
	mk_posix "$SHM_NAME2" 4096
	run -0 --separate-stderr pidns '
		hold '"$held"' >/dev/null; hold '"$SHM_NAME"' >/dev/null
		shmls -r -n --orphans -o REF,ORPHAN'
	assert_equal "$stderr" ""
	assert_output "$free yes
$SHM_NAME2 yes"
}

@test "shmls --holders-of PID lists only what that process holds" {
	a=$(mk_sysv "$SHM_KEY" 4096)
	b=$(mk_sysv "$SHM_KEY2" 4096)
	mk_posix "$SHM_NAME" 4096
	mk_posix "$SHM_NAME2" 4096
	run -0 --separate-stderr pidns '
		p=$(hold '"$b"'); hold '"$SHM_NAME"' >/dev/null
		exec 3<>/dev/shm/'"${SHM_NAME2#/}"'
		shmls -r -n --holders-of "$p" -o REF
		echo --
		shmls -r -n --holders-of 1 -o REF'
	assert_output "$b
--
$SHM_NAME2"
	run -1 --separate-stderr shmls --holders-of 999999
	assert_output ""
	assert_equal "$stderr" "shmls: cannot examine '999999': no such process"
	run -2 --separate-stderr shmls --holders-of 12x
	assert_equal "$stderr" "$(usage_error shmls "invalid process id '12x'")"
}

# bats test_tags=needs:root
@test "shmls as a user who cannot see every process says the holders are incomplete" {
	require_root "uses setpriv"
	id=$(mk_sysv "$SHM_KEY" 4096 0644)
	mk_posix "$SHM_NAME" 4096 0644
	run -0 --separate-stderr pidns '
		hold '"$id"' >/dev/null; hold '"$SHM_NAME"' >/dev/null
		setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all -- \
			shmls -r -n -o REF,HOLDERS,ORPHAN
		setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all -- \
			shmls -J -o REF,HOLDERS,ORPHAN --posix
		setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all -- \
			shmls -r -n --orphans'
	assert_line -n 0 "$id 0+ no"
	assert_line -n 1 "$SHM_NAME 0+ ?"
	last=${lines[-1]}
	json=$(printf '%s\n' "${lines[@]:2}")
	run -0 jq -c '.segments' <<<"$json"
	assert_output "[{\"ref\":\"$SHM_NAME\",\"holders\":null,\"orphan\":null}]"
	[[ $stderr == "shmls: holders are incomplete: "*" could not be examined ("*"; you are uid 65534 without CAP_LEASE and CAP_SYS_PTRACE)"* ]]
	assert_equal "$(grep -c 'holders are incomplete' <<<"$stderr")" 3
	# --orphans printed nothing: the held SysV segment is no orphan (nattch
	# says so) and whether the POSIX one is cannot be told
	assert_equal "$last" "}"
}

@test "shmls does not count a holder of another mount namespace's object of the same name" {
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr pidns '
		unshare --mount --propagation private -- bash -c "
			mount -t tmpfs other /dev/shm
			: >/dev/shm/'"${SHM_NAME#/}"'
			exec 3<>/dev/shm/'"${SHM_NAME#/}"'
			exec sleep 60" &
		p=$!
		for ((i = 0; i < 400; i++)); do
			[[ $(readlink /proc/$p/exe) == */sleep && -e /proc/$p/fd/3 ]] && break
			sleep 0.05
		done
		shmls -r -n -o REF,HOLDERS,ORPHAN'
	assert_output "$SHM_NAME 0 yes"
}

@test "shmls -i shows a segment's holders with their command lines" {
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr pidns '
		p=$(hold '"$SHM_NAME"')
		echo "$p"
		shmls -i '"$SHM_NAME"
	p=${lines[0]}
	assert_line "Reference: $SHM_NAME"
	assert_line "Kind: posix"
	assert_line "Name: ${SHM_NAME#/}"
	assert_line "Size: 4K"
	assert_line "Holders: 1"
	assert_line "Orphan: no"
	assert_line "Holder: $p (mapped, open) shmattach -t 60 $SHM_NAME"
	refute_line --partial "Key:"
}

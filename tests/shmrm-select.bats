#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmrm --all and the filters it shares with shmls: --orphans, --older-than,
# --user, --sysv, --posix, --name; --dry-run, --verbose, --quiet.
# shmkit: also-without-pidns

bats_require_minimum_version 1.5.0
load test_helper

# snapshot: every segment as JSON, for before/after comparisons.
snapshot() {
	shmls -J
}

@test "shmrm --all removes every unheld segment and keeps the held ones" {
	mk_sysv 0x5001 4096 >/dev/null
	held=$(mk_sysv 0x5002 4096)
	dest=$(mk_sysv 0x5003 4096)
	mk_posix /free 4096
	mk_posix /mapped 4096
	mk_posix /opened 4096
	start_holder "$held"
	start_holder "$dest"
	shmrm -f "$dest" 2>/dev/null
	start_holder /mapped
	fd_holder /opened
	run -0 --separate-stderr shmrm --all
	assert_output ""
	assert_equal "$stderr" "shmrm: kept 4 segments in use; --force removes them"
	run -0 shmls -rn --sysv
	assert_equal "$(awk '{ print $1 }' <<<"$output" | sort -n | tr '\n' ' ')" "$(printf '%s\n' "$held" "$dest" | sort -n | tr '\n' ' ')"
	run -0 ls /dev/shm
	assert_output "mapped
opened"
}

@test "shmrm --orphans leaves every held segment alone" {
	free=$(mk_sysv 0x5101 4096)
	held=$(mk_sysv 0x5102 4096)
	dest=$(mk_sysv 0x5103 4096)
	mk_posix /free 4096
	mk_posix /mapped 4096
	mk_posix /opened 4096
	start_holder "$held"
	start_holder "$dest"
	shmrm -f "$dest" 2>/dev/null
	start_holder /mapped
	fd_holder /opened
	run -0 --separate-stderr shmrm -v --orphans
	assert_output "removed $free
removed /free"
	assert_equal "$stderr" ""
	assert_equal "$(sysv_count)" 2
	assert_equal "$(sysv_field "$dest" 3)" 1600
	run -0 ls /dev/shm
	assert_output "mapped
opened"
}

@test "shmrm --older-than on ages made with a sleeping gap (SysV and POSIX)" {
	# both kinds age by the clock here; the touch -d test below ages POSIX
	old=$(mk_sysv 0x5201 4096)
	mk_posix /old 4096
	sleep 2
	mk_sysv 0x5202 4096 >/dev/null
	mk_posix /new 4096
	run -0 --separate-stderr shmrm -v --older-than 1s
	assert_output "removed $old
removed /old"
	assert_equal "$(sysv_count)" 1
	assert_equal "$(sysv_id_of_key 0x5201)" ""
	run -0 ls /dev/shm
	assert_output "new"
	# a newer mtime (touch -d into the future) keeps an object young
	touch -d '+1 hour' /dev/shm/new
	run -0 --separate-stderr shmrm -v --older-than 1s --posix
	assert_output ""
}

@test "shmrm --older-than on POSIX ages made with touch -d" {
	mk_posix /stale 4096
	mk_posix /fresh 4096
	touch -d '2 hours ago' /dev/shm/stale
	run -0 --separate-stderr shmrm -v --older-than 1h --posix
	assert_output "removed /stale"
	run -0 ls /dev/shm
	assert_output "fresh"
}

@test "shmrm --older-than does not remove a segment used since it was made" {
	local made used try
	id=$(mk_sysv 0x5301 4096)
	made=$EPOCHSECONDS
	# made 3 s or more ago, used less than that: --older-than 3s keeps it,
	# when shmrm runs within 3 s of the use (else, on a loaded machine,
	# the use itself is 3 s old: use it again and retry)
	sleep 3
	for ((try = 0; try < 5; try++)); do
		# an attach and detach now makes it young again (atime, dtime)
		used=$EPOCHSECONDS
		shmread "$id" >/dev/null
		run -0 --separate-stderr shmrm -v --older-than 3s
		((EPOCHSECONDS - used < 3)) && break
	done
	((try < 5)) || fail "shmrm never ran within 3 s of the use"
	((used - made >= 3)) || fail "made $((used - made)) s before the use, not 3"
	assert_output ""
	assert_equal "$(sysv_count)" 1
}

# bats test_tags=needs:root
@test "shmrm --user as root selects by owner name or uid" {
	require_root "uses setpriv"
	mine=$(mk_sysv 0x5401 4096)
	run -0 as_nobody shmcreate 0x5402 4096
	theirs=$output
	mk_posix /root-obj 4096
	run -0 as_nobody shmcreate /nobody-obj 4096
	run -0 --separate-stderr shmrm -v --user nobody
	assert_output "removed $theirs
removed /nobody-obj"
	run -0 --separate-stderr shmrm -v -u 0
	assert_output "removed $mine
removed /root-obj"
	assert_equal "$(sysv_count)" 0
	run -0 ls -A /dev/shm
	assert_output ""
}

# bats test_tags=needs:root
@test "shmrm --all as nobody removes only nobody's and says how many it skipped" {
	require_root "uses setpriv"
	mk_sysv 0x5501 4096 0666 >/dev/null
	mk_posix /root-obj 4096 0666
	run -0 as_nobody shmcreate 0x5502 4096
	theirs=$output
	run -0 as_nobody shmcreate /nobody-obj 4096
	# a PID namespace of nobody's own, so nobody can see every process
	run -0 --separate-stderr unshare --pid --fork --mount-proc \
		setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all -- \
		shmrm -v --all
	assert_output "removed $theirs
removed /nobody-obj"
	assert_equal "$stderr" "shmrm: skipped 2 segments you may not remove"
	assert_equal "$(sysv_count)" 1
	run -0 ls /dev/shm
	assert_output "root-obj"
	# --user names someone else: nothing of theirs is yours to remove
	run -0 --separate-stderr unshare --pid --fork --mount-proc \
		setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all -- \
		shmrm -q --user root
	assert_equal "$stderr" ""
	assert_equal "$(sysv_count)" 1
}

@test "shmrm --sysv, --posix and --name narrow the selection" {
	a=$(mk_sysv 0x5601 4096)
	mk_posix /app-1 4096
	mk_posix /app-2 4096
	mk_posix /other 4096
	run -0 --separate-stderr shmrm -v --all --posix --name 'app-*'
	assert_output "removed /app-1
removed /app-2"
	run -0 --separate-stderr shmrm -v --all --sysv
	assert_output "removed $a"
	run -0 ls /dev/shm
	assert_output "other"
	# --name matches POSIX names only
	b=$(mk_sysv 0x5602 4096)
	run -0 --separate-stderr shmrm -v --name '*'
	assert_output "removed /other"
	assert_equal "$(sysv_id_of_key 0x5602)" "$b"
}

@test "shmrm --dry-run changes nothing and prints the lines of a real run" {
	a=$(mk_sysv 0x5701 4096)
	held=$(mk_sysv 0x5702 4096)
	mk_posix /free 4096
	mk_posix /mapped 4096
	start_holder "$held"
	h1=$HOLDER
	start_holder /mapped
	h2=$HOLDER
	before=$(snapshot)
	run -0 --separate-stderr shmrm -n --all --force
	assert_output "(dry run) removed $a
(dry run) marked $held for removal, held by $h1 (shmattach)
(dry run) removed /free
(dry run) unlinked /mapped, held by $h2 (shmattach)"
	assert_equal "$stderr" ""
	assert_equal "$(snapshot)" "$before"
	run -0 --separate-stderr shmrm -v --all --force
	assert_output "removed $a
marked $held for removal, held by $h1 (shmattach)
removed /free
unlinked /mapped, held by $h2 (shmattach)"
	assert_equal "$stderr" ""
}

@test "shmrm --dry-run of named references reports what a real run would" {
	mk_posix "$SHM_NAME" 4096
	held=$(mk_sysv "$SHM_KEY" 4096)
	start_holder "$held"
	before=$(snapshot)
	run -1 --separate-stderr shmrm -n "$SHM_NAME" "$SHM_KEY" /missing
	assert_output "(dry run) removed $SHM_NAME"
	assert_equal "$stderr" "shmrm: cannot remove '$SHM_KEY': held by $HOLDER (shmattach); --force marks it for removal
shmrm: cannot remove '/missing': no such segment"
	assert_equal "$(snapshot)" "$before"
}

@test "shmrm -q prints nothing but errors; -v says when nothing matched" {
	mk_sysv 0x5801 4096 >/dev/null
	held=$(mk_sysv 0x5802 4096)
	start_holder "$held"
	run -0 --separate-stderr shmrm -q --all
	assert_output ""
	assert_equal "$stderr" ""
	assert_equal "$(sysv_count)" 1
	run -0 --separate-stderr shmrm -v --all --posix
	assert_output ""
	assert_equal "$stderr" "shmrm: no segment matched"
	run -0 --separate-stderr shmrm --orphans
	assert_output ""
	assert_equal "$stderr" ""
}

@test "shmrm rejects option mixes and bad option values with exit 2" {
	mk_sysv 0x5901 4096 >/dev/null
	run -2 --separate-stderr shmrm --all 0x5901
	assert_equal "$stderr" "$(usage_error shmrm "segment references cannot be combined with --all or filters")"
	run -2 --separate-stderr shmrm --sysv
	assert_equal "$stderr" "$(usage_error shmrm "--sysv only narrows --all or a filter")"
	run -2 --separate-stderr shmrm -q -v --all
	assert_equal "$stderr" "$(usage_error shmrm "--quiet and --verbose cannot be used together")"
	run -2 --separate-stderr shmrm --older-than 5x
	assert_equal "$stderr" "$(usage_error shmrm "invalid duration '5x' (expected N, Ns, Nm, Nh, Nd or Nw)")"
	run -2 --separate-stderr shmrm --user no-such-user-here
	assert_equal "$stderr" "$(usage_error shmrm "unknown user 'no-such-user-here'")"
	run -2 --separate-stderr shmrm --user 12x
	assert_equal "$stderr" "$(usage_error shmrm "unknown user '12x'")"
	run -2 --separate-stderr shmrm --target abc --all
	assert_equal "$stderr" "$(usage_error shmrm "invalid process id 'abc'")"
	assert_equal "$(sysv_count)" 1
}

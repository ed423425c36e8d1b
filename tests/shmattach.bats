#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmattach REF [-r] [-t SECONDS] [-- COMMAND [ARG...]]

bats_require_minimum_version 1.5.0
load test_helper

# maps_line PID: the lines of PID's maps that show a shared-memory segment.
maps_lines() {
	grep -E ' /SYSV[0-9a-f]{8} \(deleted\)$| /dev/shm/' "/proc/$1/maps"
}

@test "shmattach holds a SysV segment until SIGTERM, then detaches and exits 0" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	assert_equal "$(sysv_field "$id" 7)" 0
	start_holder "$SHM_KEY"
	assert_equal "$(sysv_field "$id" 7)" 1
	stop_holder "$HOLDER" || fail "shmattach exited with status $?"
	assert_equal "$(sysv_field "$id" 7)" 0
	# it never removes the segment
	assert_equal "$(sysv_id_of_key "$SHM_KEY")" "$id"
}

@test "shmattach maps a SysV segment as /SYSVkey with the shmid as inode" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	start_holder "id:$id"
	run -0 maps_lines "$HOLDER"
	assert_equal "${#lines[@]}" 1
	assert_output --regexp "^[0-9a-f]+-[0-9a-f]+ rw-s 00000000 [0-9a-f]+:[0-9a-f]+ $id +/SYSV$(printf %08x $((SHM_KEY))) \(deleted\)$"
}

@test "shmattach announces a SysV attach on stderr" {
	id=$(mk_sysv "$SHM_KEY" 8192)
	start_holder "$SHM_KEY"
	run -0 cat "$HOLDER_ERR"
	assert_output "shmattach: attached '$SHM_KEY' (8192 bytes, read-write); detaching in 600 seconds"
}

@test "shmattach without -t says it waits for SIGINT or SIGTERM" {
	mk_posix "$SHM_NAME" 4096
	shmattach "$SHM_NAME" </dev/null >"$T/out" 2>"$T/err" 3>&- &
	HOLDER=$!
	HOLDER_PIDS+=("$HOLDER")
	wait_attached "$HOLDER"
	i=0
	while [[ ! -s $T/err ]] && ((i++ < 100)); do sleep 0.05; done
	stop_holder "$HOLDER" || fail "shmattach exited with status $?"
	run -0 cat "$T/err"
	assert_output "shmattach: attached '$SHM_NAME' (4096 bytes, read-write); waiting for SIGINT or SIGTERM"
	run -0 cat "$T/out"
	assert_output ""
}

@test "shmattach exits 0 on SIGINT" {
	mk_posix "$SHM_NAME" 4096
	# background jobs start with SIGINT ignored; give it the default back
	python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' \
		shmattach "$SHM_NAME" </dev/null >/dev/null 2>"$T/err" 3>&- &
	HOLDER=$!
	HOLDER_PIDS+=("$HOLDER")
	wait_attached "$HOLDER"
	stop_holder "$HOLDER" INT || fail "shmattach exited with status $? on SIGINT"
}

@test "shmattach holds a POSIX object mapped shared from /dev/shm" {
	mk_posix "$SHM_NAME" 4096
	start_holder "$SHM_NAME"
	run -0 maps_lines "$HOLDER"
	assert_equal "${#lines[@]}" 1
	assert_output --regexp " rw-s 00000000 .* /dev/shm/${SHM_NAME#/}$"
	run -0 cat "$HOLDER_ERR"
	assert_output "shmattach: attached '$SHM_NAME' (4096 bytes, read-write); detaching in 600 seconds"
	stop_holder "$HOLDER" || fail "shmattach exited with status $?"
	[[ -f /dev/shm/${SHM_NAME#/} ]] || fail "shmattach removed the object"
}

@test "shmattach -r maps a SysV segment read-only" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	start_holder "$id" -r
	run -0 maps_lines "$HOLDER"
	assert_output --regexp "^[0-9a-f]+-[0-9a-f]+ r--s .* $id +/SYSV"
	run -0 cat "$HOLDER_ERR"
	assert_output "shmattach: attached '$id' (4096 bytes, read-only); detaching in 600 seconds"
}

@test "shmattach --read-only maps a POSIX object read-only" {
	mk_posix "$SHM_NAME" 4096
	start_holder "$SHM_NAME" --read-only
	run -0 maps_lines "$HOLDER"
	assert_output --regexp " r--s 00000000 .* /dev/shm/${SHM_NAME#/}$"
}

# bats test_tags=needs:root
@test "shmattach -r works for a user with only read permission" {
	require_root "uses setpriv"
	id=$(mk_sysv "$SHM_KEY" 4096 0644)
	run -0 --separate-stderr as_nobody shmattach -r "$SHM_KEY" -- true
	assert_equal "$stderr" ""
}

@test "shmattach -t exits 0 by itself after the timeout" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	start=$SECONDS
	run -0 --separate-stderr shmattach -t 2 "$SHM_KEY"
	# not before its time; the upper bound only says it did end by itself
	# (a loaded machine may take long to start it)
	((SECONDS - start >= 1 && SECONDS - start <= 60)) || fail "took $((SECONDS - start)) seconds"
	assert_output ""
	assert_equal "$stderr" "shmattach: attached '$SHM_KEY' (4096 bytes, read-write); detaching in 2 seconds"
	assert_equal "$(sysv_field "$id" 7)" 0
}

@test "shmattach --timeout takes a duration with a unit" {
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr shmattach --timeout 2s "$SHM_NAME"
	assert_output ""
	assert_equal "$stderr" "shmattach: attached '$SHM_NAME' (4096 bytes, read-write); detaching in 2 seconds"
}

@test "shmattach rejects a bad timeout with exit 2" {
	mk_posix "$SHM_NAME" 4096
	local t
	for t in abc -1 1x 1.5 ''; do
		run -2 --separate-stderr shmattach --timeout="$t" "$SHM_NAME"
		assert_output ""
		assert_equal "$stderr" "$(usage_error shmattach "invalid timeout '$t'")"
	done
}

@test "shmattach refuses -t together with a command" {
	mk_posix "$SHM_NAME" 4096
	run -2 --separate-stderr shmattach -t 5 "$SHM_NAME" -- true
	assert_output ""
	assert_equal "${#stderr_lines[@]}" 2
	assert_equal "${stderr_lines[1]}" "Try 'shmattach --help' for more information."
}

@test "shmattach runs a command while the SysV segment is attached" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	# shellcheck disable=SC2016
	run -0 --separate-stderr shmattach "$SHM_KEY" -- sh -c \
		'awk -v id="$SHMKIT_REF" "NR > 1 && \$2 == id { print \$7 }" /proc/sysvipc/shm'
	assert_equal "$stderr" ""
	assert_output 1
	assert_equal "$(sysv_field "$id" 7)" 0
}

@test "shmattach gives the command SHMKIT_REF: the shmid for a SysV key" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	# shellcheck disable=SC2016
	run -0 --separate-stderr shmattach "$SHM_KEY" -- sh -c 'printf "%s\n" "$SHMKIT_REF"'
	assert_equal "$stderr" ""
	assert_output "$id"
}

@test "shmattach gives the command SHMKIT_REF: the shmid for an ftok reference" {
	id=$(mk_sysv "$("$HELPERS/seg" ftok /tmp 3)" 4096)
	# shellcheck disable=SC2016
	run -0 --separate-stderr shmattach ftok:/tmp:3 -- sh -c 'printf "%s\n" "$SHMKIT_REF"'
	assert_equal "$stderr" ""
	assert_output "$id"
}

@test "shmattach gives the command SHMKIT_REF: /NAME for POSIX, mapped in the parent" {
	mk_posix "$SHM_NAME" 4096
	# shellcheck disable=SC2016
	run -0 --separate-stderr shmattach "$SHM_NAME" -- sh -c \
		'printf "%s\n" "$SHMKIT_REF"; grep -c " /dev/shm${SHMKIT_REF}\$" /proc/$PPID/maps'
	assert_equal "$stderr" ""
	assert_equal "${lines[0]}" "$SHM_NAME"
	assert_equal "${lines[1]}" 1
}

@test "shmattach passes on the command's exit status" {
	mk_posix "$SHM_NAME" 4096
	run -7 --separate-stderr shmattach "$SHM_NAME" -- sh -c 'exit 7'
	assert_output ""
	assert_equal "$stderr" ""
	run -0 shmattach "$SHM_NAME" -- true
	run -1 shmattach "$SHM_NAME" -- false
}

@test "shmattach exits 128+N when the command is killed by signal N" {
	mk_posix "$SHM_NAME" 4096
	# shellcheck disable=SC2016
	run -143 --separate-stderr shmattach "$SHM_NAME" -- sh -c 'kill -TERM $$'
	assert_output ""
}

@test "shmattach exits 127 when the command cannot be run" {
	mk_posix "$SHM_NAME" 4096
	run -127 --separate-stderr shmattach "$SHM_NAME" -- /nonexistent/shmkit-no-such-command arg
	assert_output ""
	assert_equal "$stderr" "shmattach: cannot run '/nonexistent/shmkit-no-such-command': $(strerror ENOENT)"
}

@test "shmattach fails with 'no such segment' for a missing segment of either kind" {
	local ref
	for ref in "$SHM_KEY" 12345 id:12345 "$SHM_NAME" ftok:/tmp:9; do
		run -1 --separate-stderr shmattach -t 1 "$ref"
		assert_output ""
		assert_equal "$stderr" "shmattach: cannot attach '$ref': no such segment"
	done
}

@test "shmattach ftok: with a missing path fails with the ftok error" {
	run -1 --separate-stderr shmattach ftok:/nope:1
	assert_output ""
	assert_equal "$stderr" "shmattach: cannot use 'ftok:/nope:1': $(strerror ENOENT)"
}

@test "shmattach rejects every malformed reference form with exit 2" {
	local ref long
	long=/$(printf 'n%.0s' {1..256})
	for ref in '' 0x 0xZZ key: key:-1 0x1ffffffff 0x0 id:abc -5 / /a/b /. /.. "$long" ftok: ftok:/tmp:256 foo private; do
		run -2 --separate-stderr shmattach -t 1 -- "$ref"
		assert_output ""
		assert_equal "$stderr" "$(bad_ref_msg shmattach "$ref")"
	done
}

# bats test_tags=needs:root
@test "shmattach as another user names owner, mode and CAP_IPC_OWNER (SysV)" {
	require_root "uses setpriv"
	mk_sysv "$SHM_KEY" 4096 0600 >/dev/null
	run -1 --separate-stderr as_nobody shmattach -t 1 "$SHM_KEY"
	assert_output ""
	assert_equal "$stderr" "shmattach: cannot attach '$SHM_KEY': permission denied (owner uid 0, mode 0600; you are uid 65534 without CAP_IPC_OWNER)"
}

# bats test_tags=needs:root
@test "shmattach as another user names owner, mode and CAP_DAC_OVERRIDE (POSIX)" {
	require_root "uses setpriv"
	mk_posix "$SHM_NAME" 4096 0600
	run -1 --separate-stderr as_nobody shmattach -t 1 "$SHM_NAME"
	assert_output ""
	assert_equal "$stderr" "shmattach: cannot attach '$SHM_NAME': permission denied (owner uid 0, mode 0600; you are uid 65534 without CAP_DAC_OVERRIDE)"
}

#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Hostile /dev/shm: symlinks, directories, FIFOs, sockets, sem.* files and odd names are never followed, never hang or crash a tool, never break an output format, and are never removed.

bats_require_minimum_version 1.5.0

load test_helper

NOT_SHM='not a shared memory object'

# plant_hostile: one of each kind of entry that is not a POSIX shm object,
# plus /dev/shm/good, a real one. The symlinks point at a root-owned file
# outside /dev/shm ($SECRET), at a directory and at nothing.
plant_hostile() {
	SECRET=$T/secret
	printf 'root only\n' >"$SECRET"
	chmod 0600 "$SECRET"
	ln -s "$SECRET" /dev/shm/link-file
	ln -s "$T" /dev/shm/link-dir
	ln -s "$T/nonexistent" /dev/shm/link-dangling
	mkdir /dev/shm/adir
	mkfifo /dev/shm/afifo
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' /dev/shm/asock
	mk_posix /sem.planted 32
	mk_posix /good 4096
	HOSTILE=(link-file link-dir link-dangling adir afifo asock sem.planted)
}

# assert_hostile_intact: every planted entry is still there, unchanged.
assert_hostile_intact() {
	[[ -L /dev/shm/link-file && -L /dev/shm/link-dir && -L /dev/shm/link-dangling ]]
	[[ -d /dev/shm/adir && -p /dev/shm/afifo && -S /dev/shm/asock && -f /dev/shm/sem.planted ]]
	[[ $(<"$SECRET") == 'root only' ]]
	[[ $(stat -c %a "$SECRET") == 600 ]]
	[[ ! -e $T/nonexistent ]]
}

# one_line_error PROG VERB NAME REASON: the exact message for NAME.
one_line_error() {
	printf "%s: cannot %s '%s': %s" "$1" "$2" "$3" "$4"
}

@test "hostile /dev/shm: shmls lists only the real object, in every output format" {
	plant_hostile
	run -0 --separate-stderr timeout 20 shmls --posix -r -n -o NAME
	assert_output good
	run -0 --separate-stderr timeout 20 shmls -J
	jq -e '[.segments[] | select(.kind == "posix")] | length == 1' <<<"$output"
	run -0 --separate-stderr timeout 20 shmls -e --posix
	assert_output --regexp '^REF="/good" '
	run -0 --separate-stderr timeout 20 shmls
	refute_output --partial link
	refute_output --partial sem.planted
	assert_hostile_intact
}

@test "hostile /dev/shm: shmread follows no symlink and never blocks on a FIFO" {
	plant_hostile
	local n
	for n in link-file link-dir link-dangling adir afifo; do
		run -1 --separate-stderr timeout 10 shmread "/$n"
		assert_equal "$stderr" "$(one_line_error shmread read "/$n" "$NOT_SHM")"
		assert_output ''
	done
	assert_hostile_intact
}

@test "hostile /dev/shm: shmwrite (with and without -c) follows no symlink and writes nothing" {
	plant_hostile
	local n
	for n in link-file link-dir link-dangling adir afifo; do
		run -1 --separate-stderr timeout 10 shmwrite "/$n" <<<"overwritten"
		assert_equal "$stderr" "$(one_line_error shmwrite write "/$n" "$NOT_SHM")"
		run -1 --separate-stderr timeout 10 shmwrite -c "/$n" <<<"overwritten"
		assert_equal "$stderr" "$(one_line_error shmwrite write "/$n" "$NOT_SHM")"
	done
	assert_hostile_intact
}

@test "hostile /dev/shm: shmcreate does not create through a dangling symlink" {
	plant_hostile
	# the name is taken (by the link), and what it points at is not made
	run -1 --separate-stderr timeout 10 shmcreate /link-dangling 4096
	assert_equal "$stderr" "$(one_line_error shmcreate create /link-dangling 'segment already exists')"
	run -1 --separate-stderr timeout 10 shmcreate -e /link-file 1
	assert_hostile_intact
}

@test "hostile /dev/shm: shmattach follows no symlink and never blocks on a FIFO" {
	plant_hostile
	local n
	for n in link-file link-dir link-dangling adir afifo; do
		run -1 --separate-stderr timeout 10 shmattach -t 1 "/$n"
		assert_equal "$stderr" "$(one_line_error shmattach attach "/$n" "$NOT_SHM")"
	done
	assert_hostile_intact
}

@test "hostile /dev/shm: shmread, shmwrite and shmattach on a socket say it is not a shm object" {
	plant_hostile
	run -1 --separate-stderr timeout 10 shmread /asock
	assert_equal "$stderr" "$(one_line_error shmread read /asock "$NOT_SHM")"
	run -1 --separate-stderr timeout 10 shmwrite /asock <<<"x"
	assert_equal "$stderr" "$(one_line_error shmwrite write /asock "$NOT_SHM")"
	run -1 --separate-stderr timeout 10 shmattach -t 1 /asock
	assert_equal "$stderr" "$(one_line_error shmattach attach /asock "$NOT_SHM")"
}

@test "hostile /dev/shm: shmrm by name refuses every entry that is not a shm object" {
	plant_hostile
	local n
	for n in "${HOSTILE[@]}"; do
		run -1 --separate-stderr timeout 10 shmrm "/$n"
		assert_equal "$stderr" "$(one_line_error shmrm remove "/$n" "$NOT_SHM")"
	done
	assert_hostile_intact
}

@test "hostile /dev/shm: shmrm --all, --orphans and --name-match remove only the real object" {
	plant_hostile
	run -0 --separate-stderr timeout 20 shmrm --orphans --name-match '*' --dry-run
	assert_hostile_intact
	[[ -f /dev/shm/good ]]
	run -0 --separate-stderr timeout 20 shmrm --name-match 'sem.*' --orphans
	assert_hostile_intact
	run -0 --separate-stderr timeout 20 shmrm --all
	assert_hostile_intact
	[[ ! -e /dev/shm/good ]]
}

@test "odd names (newline, tab, quote, backslash, invalid UTF-8) stay one record in raw, export and JSON" {
	local names=($'nl\nname' $'tab\tname' 'q"uote' "sq'uote" 'back\slash' $'bad\xff\xfeutf' $'ctl\x01\x7f' 'sp ace')
	local n
	for n in "${names[@]}"; do
		printf x >"/dev/shm/$n"
	done
	run -0 --separate-stderr shmls --posix -r -n -o NAME
	assert_equal "${#lines[@]}" "${#names[@]}"
	run -0 --separate-stderr shmls --posix -e -o NAME
	assert_equal "${#lines[@]}" "${#names[@]}"
	run -0 --separate-stderr shmls --posix -J -o NAME
	jq -e --argjson n "${#names[@]}" '.segments | length == $n' <<<"$output"
	# JSON strings decode back to the real names (valid UTF-8 ones exactly)
	python3 -c '
import json, sys
got = {s["name"] for s in json.loads(sys.stdin.read())["segments"]}
for want in ["nl\nname", "tab\tname", "q\"uote", "sq'"'"'uote", "back\\slash", "sp ace"]:
    assert want in got, (want, got)
' <<<"$output"
}

@test "odd names: each tool takes the name as typed and acts on exactly that object" {
	local n=$'we\nird\t"\\name'
	run -0 shmcreate "/$n" 4096
	[[ -f "/dev/shm/$n" ]]
	run -0 shmwrite "/$n" <<<"payload"
	run -0 shmread -l 8 "/$n"
	assert_output 'payload'
	run -0 timeout 10 shmattach -t 1 "/$n"
	run -0 shmrm "/$n"
	[[ ! -e "/dev/shm/$n" ]]
}

@test "a 255-byte name works end to end; 256 bytes is a usage error" {
	local n
	n=$(printf 'N%.0s' {1..255})
	run -0 shmcreate "/$n" 1K
	run -0 shmwrite "/$n" <<<"x"
	run -0 shmread -l 1 "/$n"
	assert_output x
	run -0 --separate-stderr shmls --posix -r -n -o NAME
	assert_output "$n"
	run -0 shmrm "/$n"
	run -2 --separate-stderr shmcreate "/${n}N" 1K
	[[ -z $(ls /dev/shm) ]]
}

@test "objects that change size during a scan never crash shmls or break JSON" {
	local i pid
	for i in $(seq 1 40); do
		mk_posix "/grow$i" 1
	done
	(
		while :; do
			for i in $(seq 1 40); do
				truncate -s $((RANDOM * 16)) "/dev/shm/grow$i" 2>/dev/null
			done
		done
	) &
	pid=$!
	for i in $(seq 1 15); do
		run -0 --separate-stderr shmls -J -b
		jq -e '[.segments[] | select(.kind == "posix")] | length == 40' <<<"$output" >/dev/null || {
			kill "$pid"
			false
		}
	done
	kill "$pid"
	wait "$pid" || true
}

@test "an object shrunk while shmread copies it gives bytes or a clean error, never SIGBUS" {
	local i pid
	head -c 4M /dev/zero >/dev/shm/shrinking
	(
		while :; do
			truncate -s 0 /dev/shm/shrinking
			truncate -s 4M /dev/shm/shrinking
		done
	) &
	pid=$!
	for i in $(seq 1 20); do
		run --separate-stderr shmread --no-lock /shrinking
		((status == 0 || status == 1)) || {
			kill "$pid"
			echo "shmread exited with status $status: $stderr" >&2
			false
		}
	done
	kill "$pid"
	wait "$pid" || true
}

@test "a name swapped between a regular object and a symlink during shmrm --all: the target is never touched" {
	local i pid
	SECRET=$T/secret
	printf 'root only\n' >"$SECRET"
	(
		# shmrm --all may take .swap-file (a dot name is an object like
		# any other) before it is moved: the loop goes on regardless
		while :; do
			printf x >/dev/shm/.swap-file || :
			mv -f /dev/shm/.swap-file /dev/shm/swapped || :
			ln -sfn "$SECRET" /dev/shm/.swap-link || :
			mv -Tf /dev/shm/.swap-link /dev/shm/swapped || :
		done
	) 2>/dev/null &
	pid=$!
	for i in $(seq 1 30); do
		run --separate-stderr timeout 20 shmrm --all
		((status == 0 || status == 1)) || {
			kill "$pid"
			false
		}
	done
	kill "$pid"
	wait "$pid" || true
	[[ $(<"$SECRET") == 'root only' ]]
}

#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmls -o, --list-columns, -t, -c, formats (-e, --time-format, --notruncate),
# --sort, filters (-u, --older-than, --name) and hostile names.

bats_require_minimum_version 1.5.0
load test_helper

ALL=REF,KIND,KEY,ID,NAME,OWNER,PERMS,SIZE,NATTCH,STATUS,CTIME,ATIME,DTIME,MTIME,CPID,LPID,COMMAND,CUID,CUSER,CGID,CGROUP,UID,USER,GID,GROUP,RSS,SWAP,HOLDERS,PIDS,AGE,ORPHAN,IPCNS,SHMFS,CONTAINER,NSPID

iso() {
	date -d "@$1" +%Y-%m-%dT%H:%M:%S%z
}

# json_valid: stdin is strict JSON in UTF-8 (jq would quietly repair bytes).
json_valid() {
	python3 -c 'import json, sys; json.loads(sys.stdin.buffer.read().decode("utf-8"))'
}

@test "shmls --list-columns names every column once, and -o accepts each" {
	run -0 --separate-stderr bash -c 'shmls --list-columns | awk "{ print \$1 }" | paste -sd,'
	assert_output "$ALL"
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr shmls -r -o "$ALL"
	assert_equal "${lines[0]}" "${ALL//,/ }"
	run -0 --separate-stderr shmls -r -o ref,kind
	assert_equal "${lines[0]}" "REF KIND"
}

@test "shmls -o +LIST appends to the default columns" {
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr shmls -r -o +ID,AGE
	assert_equal "${lines[0]}" "REF KIND KEY OWNER PERMS SIZE NATTCH STATUS CTIME ID AGE"
}

@test "shmls -o with an unknown column is a usage error listing the valid ones" {
	run -2 --separate-stderr shmls -o REF,BOGUS
	assert_output ""
	assert_equal "$stderr" "$(usage_error shmls "unknown column 'BOGUS' (valid: ${ALL//,/, })")"
	run -2 --separate-stderr shmls --sort NOPE
	assert_equal "${stderr%%$'\n'*}" "shmls: unknown column 'NOPE' (valid: ${ALL//,/, })"
}

@test "shmls -t and -c show the time and the creator columns" {
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr shmls -r -t
	assert_equal "${lines[0]}" "REF KIND ATIME DTIME CTIME"
	run -0 --separate-stderr shmls -r -c
	assert_equal "${lines[0]}" "REF KIND PERMS CUID CUSER CGID CGROUP UID USER GID GROUP"
	run -0 --separate-stderr shmls -r -t -c -p
	assert_equal "${lines[0]}" "REF KIND PERMS CUID CUSER CGID CGROUP UID USER GID GROUP ATIME DTIME CTIME HOLDERS PIDS"
}

@test "shmls -J: every SysV column matches /proc/sysvipc/shm" {
	id=$(mk_sysv "$SHM_KEY" 12345 0640)
	start_holder "$id"
	run -0 --separate-stderr shmls -J --sysv -o "$ALL"
	json=$output
	f() { sysv_field "$id" "$1"; }
	q() { jq -r ".segments[0].$1 | tostring" <<<"$json"; }
	assert_equal "$(q ref)" "$id"
	assert_equal "$(q id)" "$id"
	assert_equal "$(q key)" "$(printf '0x%08x' "$((SHM_KEY))")"
	assert_equal "$(q name)" null
	assert_equal "$(q size)" "$(f 4)"
	assert_equal "$(q cpid)" "$(f 5)"
	assert_equal "$(q lpid)" "$(f 6)"
	assert_equal "$(q lpid)" "$HOLDER"
	assert_equal "$(q nattch)" "$(f 7)"
	assert_equal "$(q uid)" "$(f 8)"
	assert_equal "$(q gid)" "$(f 9)"
	assert_equal "$(q cuid)" "$(f 10)"
	assert_equal "$(q cgid)" "$(f 11)"
	assert_equal "$(q atime)" "$(iso "$(f 12)")"
	assert_equal "$(q dtime)" null
	assert_equal "$(q ctime)" "$(iso "$(f 14)")"
	assert_equal "$(q rss)" "$(f 15)"
	assert_equal "$(q swap)" "$(f 16)"
	assert_equal "$(q user)" root
	assert_equal "$(q cuser)" root
	assert_equal "$(q group)" "$(getent group "$(f 9)" | cut -d: -f1)"
	assert_equal "$(q cgroup)" "$(getent group "$(f 11)" | cut -d: -f1)"
	assert_equal "$(q perms)" rw-r-----
	assert_equal "$(q mtime)" null
	assert_equal "$(q orphan)" false
	assert_equal "$(q status)" null
	run -0 jq -r '.segments[0] | [.size, .nattch, .cpid, .age, .rss] | map(type) | unique | join(",")' <<<"$json"
	assert_output number
	stop_holder "$HOLDER"
	run -0 --separate-stderr shmls -J --sysv -o DTIME,ORPHAN,NATTCH
	assert_equal "$(jq -r '.segments[0].dtime' <<<"$output")" "$(iso "$(sysv_field "$id" 13)")"
	assert_equal "$(jq -c '.segments[0] | [.orphan, .nattch]' <<<"$output")" "[true,0]"
}

@test "shmls -J: every POSIX column matches stat, and SysV-only ones are null" {
	mk_posix "$SHM_NAME" 5000 0604
	f=/dev/shm/${SHM_NAME#/}
	head -c 3000 /dev/urandom | dd of="$f" conv=notrunc status=none
	run -0 --separate-stderr shmls -J --posix -o "$ALL"
	json=$output
	q() { jq -r ".segments[0].$1 | tostring" <<<"$json"; }
	assert_equal "$(q ref)" "$SHM_NAME"
	assert_equal "$(q name)" "${SHM_NAME#/}"
	assert_equal "$(q size)" "$(stat -c %s "$f")"
	assert_equal "$(q rss)" "$(($(stat -c %b "$f") * $(stat -c %B "$f")))"
	assert_equal "$(q uid)" "$(stat -c %u "$f")"
	assert_equal "$(q gid)" "$(stat -c %g "$f")"
	assert_equal "$(q user)" "$(stat -c %U "$f")"
	assert_equal "$(q group)" "$(stat -c %G "$f")"
	assert_equal "$(q perms)" rw----r--
	assert_equal "$(q ctime)" "$(iso "$(stat -c %Z "$f")")"
	assert_equal "$(q atime)" "$(iso "$(stat -c %X "$f")")"
	assert_equal "$(q mtime)" "$(iso "$(stat -c %Y "$f")")"
	for c in key id nattch dtime cpid lpid command cuid cuser cgid cgroup swap status; do
		assert_equal "$c=$(q "$c")" "$c=null"
	done
}

@test "shmls COMMAND shows the creator's command line while it runs" {
	python3 - "$SHM_KEY" <<'EOF' &
import ctypes, sys, time
libc = ctypes.CDLL(None)
print(libc.shmget(int(sys.argv[1], 16), 4096, 0o1600), flush=True)
time.sleep(60)
EOF
	HOLDER_PIDS+=($!)
	for ((i = 0; i < 100; i++)); do
		[[ -n $(sysv_id_of_key "$SHM_KEY") ]] && break
		sleep 0.05
	done
	id=$(sysv_id_of_key "$SHM_KEY")
	run -0 --separate-stderr shmls -r -n -o REF,CPID,COMMAND "$id"
	assert_output --regexp "^$id $! ([^ ]*/)?python3[0-9.]*\\\\x20-\\\\x20$SHM_KEY\$"
	kill "$!"
	wait "$!" || true
	run -0 --separate-stderr shmls -r -n -o REF,COMMAND "$id"
	assert_output "$id "
}

@test "shmls -e prints KEY=\"value\" pairs" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	mk_posix "$SHM_NAME" 4096
	run -0 --separate-stderr shmls -e -o REF,KIND,KEY,SIZE,NATTCH
	assert_output "REF=\"$id\" KIND=\"sysv\" KEY=\"$(printf '0x%08x' "$((SHM_KEY))")\" SIZE=\"4096\" NATTCH=\"0\"
REF=\"$SHM_NAME\" KIND=\"posix\" KEY=\"\" SIZE=\"4096\" NATTCH=\"\""
}

@test "shmls --time-format short, full and iso" {
	id=$(mk_sysv "$SHM_KEY" 4096)
	t=$(sysv_field "$id" 14)
	run -0 shmls -n -o CTIME --time-format iso
	assert_output "$(iso "$t")"
	run -0 shmls -n -o CTIME --time-format full
	assert_output "$(date -d "@$t" '+%a %b %e %H:%M:%S %Y')"
	run -0 shmls -r -n -o CTIME --time-format short
	assert_output "$(date -d "@$t" '+%Y-%m-%d\x20%H:%M')"
	run -2 --separate-stderr shmls --time-format long
	assert_equal "$stderr" "$(usage_error shmls "invalid time format 'long' (expected short, full or iso)")"
}

@test "shmls --sort orders by a column's value, numbers as numbers" {
	mk_posix /shmkit-test-a 9000
	mk_posix /shmkit-test-b 100
	mk_posix /shmkit-test-c 20000
	run -0 --separate-stderr shmls -r -n --sort SIZE -o REF,SIZE
	assert_output "/shmkit-test-b 100
/shmkit-test-a 9000
/shmkit-test-c 20000"
	run -0 --separate-stderr shmls -r -n --sort name -o NAME
	assert_output "shmkit-test-a
shmkit-test-b
shmkit-test-c"
}

@test "shmls -u filters by user name or uid; an unknown user is a usage error" {
	mk_posix "$SHM_NAME" 4096
	mk_posix "$SHM_NAME2" 4096
	chown nobody "/dev/shm/${SHM_NAME2#/}"
	run -0 shmls -r -n -u nobody -o REF
	assert_output "$SHM_NAME2"
	run -0 shmls -r -n -u 0 -o REF
	assert_output "$SHM_NAME"
	run -2 --separate-stderr shmls -u no-such-user-here
	assert_equal "$stderr" "$(usage_error shmls "unknown user 'no-such-user-here'")"
}

@test "shmls --older-than lists only segments unused for that long" {
	local made try
	old=$(mk_sysv "$SHM_KEY" 4096)
	mk_posix "$SHM_NAME" 4096
	sleep 3
	# the young pair is 2 s old or less only if shmls runs within 2 s of
	# making it; on a loaded machine that may fail: make it again, retry
	for ((try = 0; try < 5; try++)); do
		shmrm -f "$SHM_KEY2" "$SHM_NAME2" 2>/dev/null || true
		made=$EPOCHSECONDS
		new=$(mk_sysv "$SHM_KEY2" 4096)
		mk_posix "$SHM_NAME2" 4096
		run -0 --separate-stderr shmls -r -n --older-than 2s -o REF
		((EPOCHSECONDS - made < 2)) && break
	done
	((try < 5)) || fail "shmls never ran within 2 s of making a segment"
	assert_output "$old
$SHM_NAME"
	run -0 --separate-stderr shmls -r -n --older-than 1h
	assert_output ""
	run -0 --separate-stderr shmls -r -n -o AGE "$old" "$SHM_NAME2"
	((lines[0] >= 3 && lines[1] <= EPOCHSECONDS - made)) || fail "ages: ${lines[*]}"
	run -2 --separate-stderr shmls --older-than 5y
	assert_equal "$stderr" "$(usage_error shmls "invalid duration '5y' (expected N, Ns, Nm, Nh, Nd or Nw)")"
}

@test "shmls --name filters POSIX objects by a glob" {
	mk_sysv "$SHM_KEY" 4096 >/dev/null
	mk_posix /shmkit-test-frames 4096
	mk_posix /shmkit-test-audio 4096
	run -0 --separate-stderr shmls -r -n --name '*frames' -o REF
	assert_output /shmkit-test-frames
}

@test "shmls keeps hostile names intact or escaped in every format" {
	long=$(printf 'n%.0s' {1..255})
	names=($'/shmkit-nl\nx' '/shmkit-"q"' '/shmkit-back\slash' $'/shmkit-tab\tx' $'/shmkit-bad\xff\xfe' "/$long")
	for n in "${names[@]}"; do
		mk_posix "$n" 4096
	done
	# table and raw: one line per object
	run -0 --separate-stderr shmls -n --posix
	assert_equal "${#lines[@]}" 6
	run -0 --separate-stderr shmls -r -n --posix -o REF,SIZE
	assert_equal "${#lines[@]}" 6
	assert_line '/shmkit-nl\x0ax 4096'
	assert_line '/shmkit-back\x5cslash 4096'
	assert_line '/shmkit-tab\x09x 4096'
	assert_line '/shmkit-bad\xff\xfe 4096'
	assert_line "/$long 4096"
	# export: one line per object, quotes escaped
	run -0 --separate-stderr shmls -e --posix -o NAME
	assert_equal "${#lines[@]}" 6
	assert_line 'NAME="shmkit-\x22q\x22"'
	# JSON: strict UTF-8 JSON; valid names come back byte for byte
	run -0 --separate-stderr bash -c 'shmls -J --posix -o REF,NAME,PIDS -p | tee /dev/stderr | python3 -c "import json, sys; json.loads(sys.stdin.buffer.read().decode(\"utf-8\"))"'
	run -0 --separate-stderr shmls -J --posix -o REF
	json=$output
	for n in "${names[@]}"; do
		[[ $n == *$'\xff'* ]] && continue
		got=$(jq -j --arg n "$n" '.segments[] | select(.ref == $n) | .ref' <<<"$json")
		assert_equal "$got" "$n"
	done
	run -0 jq -r '.segments[] | select(.ref | startswith("/shmkit-bad")) | .ref' <<<"$json"
	assert_output '/shmkit-bad\xff\xfe'
	# -i: one escaped line per field
	run -0 --separate-stderr shmls -i $'/shmkit-nl\nx'
	assert_line 'Reference: /shmkit-nl\x0ax'
}

@test "shmls --notruncate keeps long cells whole in the table" {
	long=/shmkit-$(printf 'n%.0s' {1..120})
	mk_posix "$long" 4096
	run -0 --separate-stderr env COLUMNS=60 shmls --notruncate -n -o NAME,SIZE
	assert_output --partial "${long#/}"
}

@test "shmls -b prints exact sizes for RSS and SWAP in the table" {
	mk_posix "$SHM_NAME" 2M
	head -c 1M /dev/zero | dd of="/dev/shm/${SHM_NAME#/}" conv=notrunc status=none
	run -0 --separate-stderr shmls -n -o SIZE,RSS
	assert_output --regexp '^ *2M +1M$'
	run -0 --separate-stderr shmls -n -b -o SIZE,RSS
	assert_output --regexp '^ *2097152 +1048576$'
}

#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Hostile command lines: random and crafted references, sizes, modes, durations and shmls column lists never crash a program; bad ones are one usage line plus the hint, exit 2.

bats_require_minimum_version 1.5.0

load test_helper

# hostile_words N SEED: N arguments, one per line (newline-free), mixing
# crafted edge cases with random bytes; the same every run. Under the
# sanitizers (SHMKIT_SANITIZED) every crafted word but only 10 random ones:
# each run costs ten times as much there, and fuzz/ already feeds the same
# parsers random input under ASan + UBSan.
hostile_words() {
	python3 - "$1" "$2" <<'PY'
import os, random, sys
n, seed = int(sys.argv[1]), int(sys.argv[2])
r = random.Random(seed)
crafted = ["", "-", "--", "/", "//", "/.", "/..", "0x", "0x0", "key:", "id:", "ftok:", "ftok::",
           "ftok:/:256", "private", "18446744073709551616", "-1", "+1", "1e3", "0x" + "f" * 40,
           "9" * 300, "/" + "a" * 300, "%s%s%n%n", "\\", "'", '"', "\t", "\x7f", "\xff\xfe",
           "1K" * 50, "07777", "1w1d", "NAME,NAME", ",", ",,", "+", "+NAME", "name,", "REF,,SIZE"]
if os.environ.get("SHMKIT_SANITIZED"):
    n = min(n, len(crafted) + 10)
for i in range(n):
    if i < len(crafted):
        w = crafted[i]
    else:
        w = "".join(chr(r.choice([r.randrange(1, 256), ord(r.choice("0x/:,+kKmMiB"))]))
                    for _ in range(r.randrange(1, 40)))
    w = w.replace("\n", " ")
    sys.stdout.buffer.write(w.encode("latin-1") + b"\n")
PY
}

# never_crashes CMD...: the command exits 0, 1 or 2 (not by a signal); on
# exit 2 stderr is the usage line plus the hint. Its stdin is /dev/null,
# not the caller's list of words: `shmrm -` reads references from stdin,
# and once ate every word after "-".
never_crashes() {
	run --separate-stderr timeout 10 "$@" </dev/null
	if ((status > 2)); then
		echo "exit status $status from: $(printf '%q ' "$@")" >&2
		return 1
	fi
	if ((status == 2)); then
		[[ ${#stderr_lines[@]} -eq 2 && ${stderr_lines[1]} == "Try '"*"' for more information." ]] || {
			echo "bad usage message from: $(printf '%q ' "$@")" >&2
			printf '%s\n' "$stderr" >&2
			return 1
		}
	fi
}

@test "hostile references: every program answers exit 0, 1 or 2, never a crash" {
	local w p tried=0
	hostile_words 60 1 >"$T/words"
	while IFS= read -r w; do
		for p in shmread shmrm shmls; do
			never_crashes "$p" -- "$w"
		done
		never_crashes shmattach -t 1 -- "$w"
		never_crashes shmcreate -- "$w" 1K
		never_crashes shmwrite -- "$w"
		tried=$((tried + 1))
	done <"$T/words"
	# every word was tried, none eaten by a program reading stdin
	assert_equal "$tried" "$(wc -l <"$T/words")"
}

@test "hostile sizes, modes, offsets and durations: exit 0, 1 or 2, never a crash" {
	local w tried=0
	hostile_words 60 2 >"$T/words"
	while IFS= read -r w; do
		never_crashes shmcreate -m "$w" "$SHM_NAME" 1K
		rm -f "/dev/shm/${SHM_NAME#/}"
		never_crashes shmcreate "$SHM_NAME" "$w"
		rm -f "/dev/shm/${SHM_NAME#/}"
		never_crashes shmread -o "$w" -l "$w" "$SHM_NAME"
		never_crashes shmattach -t "$w" "$SHM_NAME"
		never_crashes shmls --older-than "$w"
		never_crashes shmrm --older-than "$w" --dry-run
		tried=$((tried + 1))
	done <"$T/words"
	# every word was tried, none eaten by a program reading stdin
	assert_equal "$tried" "$(wc -l <"$T/words")"
}

@test "hostile shmls column lists (-o, --sort): exit 0 or 2, never a crash" {
	local w cols tried=0
	mk_posix "$SHM_NAME" 4096
	hostile_words 100 3 >"$T/words"
	while IFS= read -r w; do
		never_crashes shmls -o "$w"
		never_crashes shmls -o "+$w" -J
		never_crashes shmls --sort "$w"
		tried=$((tried + 1))
	done <"$T/words"
	# every word was tried, none eaten by a program reading stdin
	assert_equal "$tried" "$(wc -l <"$T/words")"
	# every real column, all together, in table and JSON form
	cols=$(shmls --list-columns | awk '{ print $1 }' | paste -sd, -)
	never_crashes shmls -o "$cols"
	assert_equal "$status" 0
	never_crashes shmls -J -o "$cols"
	assert_equal "$status" 0
	jq -e . <<<"$output" >/dev/null
}

#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The library's own tests: each C program in tests/unit/ is one test here (exit 0 passes, 77 skips).

bats_require_minimum_version 1.5.0

if [[ -f $BATS_TEST_DIRNAME/test_helper.bash ]]; then
	load test_helper
else
	HELPERS=$BATS_TEST_DIRNAME/../${BUILD:-build}/tests
fi

UNITS=(caps filter format parse pcopy procfs seg cgroup)

# run_unit NAME: run unit-NAME from the build folder and judge its exit status.
run_unit() {
	local prog=$HELPERS/unit-$1 reason
	if [[ ! -x $prog ]]; then
		echo "$prog is not built (make test-progs)" >&2
		return 1
	fi
	run "$prog"
	if ((status == 77)); then
		reason=$(grep -m1 '^# skip:' <<<"$output")
		skip "unit-$1: ${reason#\# skip: }"
	fi
	# On failure show what failed (and the summary), not every passing check.
	if ((status != 0)); then
		grep -v '^ok ' <<<"$output" >&2
		echo "unit-$1 exited with status $status" >&2
		return 1
	fi
	grep -q "^# unit-$1: [0-9]* checks, 0 failed$" <<<"$output" || {
		echo "unit-$1 exited 0 without its summary line" >&2
		printf '%s\n' "$output" | tail -5 >&2
		return 1
	}
}

@test "unit-caps: capability helpers (cap_for, cap_name, cap_has, cap_limit)" {
	run_unit caps
}

@test "unit-filter: segment age, orphans and filters for shmls and shmrm" {
	run_unit filter
}

@test "unit-format: sizes, perms, times, ages, escaping, ids, column lists and cells" {
	run_unit format
}

@test "unit-parse: references, sizes, modes, durations and messages as shmkit.h documents them" {
	run_unit parse
}

@test "unit-pcopy: the two-thread copy: offsets, a short input, a write-only output, when it is worth it" {
	run_unit pcopy
}

@test "unit-procfs: /proc/sysvipc/shm and /proc/PID/maps lines, absurd ones included" {
	run_unit procfs
}

@test "unit-seg: create, open, attach, stat, list, remove and io on real segments of both kinds" {
	run_unit seg
}

@test "unit-cgroup: the container, pod or unit that /proc/PID/cgroup names, v1, v2 and hybrid" {
	run_unit cgroup
}

@test "every tests/unit/*.c program has a test in lib.bats" {
	local f name missing=()
	for f in "$BATS_TEST_DIRNAME"/unit/*.c; do
		name=$(basename "$f" .c)
		[[ " ${UNITS[*]} " == *" $name "* ]] || missing+=("$name")
	done
	if ((${#missing[@]})); then
		echo "no lib.bats test for: ${missing[*]}" >&2
		return 1
	fi
}

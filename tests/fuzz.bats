#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Short libFuzzer runs of every fuzz/ target on its corpus (crash inputs kept there replay first), so regressions show up in make check.

bats_require_minimum_version 1.5.0

load test_helper

FUZZ_SECONDS_CHECK=${FUZZ_SECONDS_CHECK:-3}

# fuzz_briefly NAME: run build-fuzz/fuzz_NAME over fuzz/corpus/NAME for a
# few seconds; new inputs go to a scratch folder, not into the repository.
fuzz_briefly() {
	local bin=$SHMKIT_ROOT/build-fuzz/fuzz_$1 corpus=$SHMKIT_ROOT/fuzz/corpus/$1
	[[ -x $bin ]] || {
		echo "$bin is not built (make fuzz-build)" >&2
		return 1
	}
	[[ -d $corpus ]] && compgen -G "$corpus/*" >/dev/null || {
		echo "no seed corpus in $corpus" >&2
		return 1
	}
	mkdir -p "$T/corpus"
	run "$bin" -max_total_time="$FUZZ_SECONDS_CHECK" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$T/" "$T/corpus" "$corpus"
	if ((status != 0)); then
		grep -v '^#[0-9]' <<<"$output" | tail -40 >&2
		ls "$T"/crash-* "$T"/leak-* "$T"/timeout-* 2>/dev/null >&2
		return 1
	fi
	grep -q '^Done [0-9]* runs' <<<"$output"
}

@test "fuzz: segment references (shmkit_ref_parse, shmkit_ref_format)" {
	fuzz_briefly ref
}

@test "fuzz: sizes (shmkit_parse_size)" {
	fuzz_briefly size
}

@test "fuzz: durations (shmkit_parse_duration)" {
	fuzz_briefly duration
}

@test "fuzz: modes (shmkit_parse_mode)" {
	fuzz_briefly mode
}

@test "fuzz: /proc/sysvipc/shm lines (shmkit__sysv_parse_line)" {
	fuzz_briefly sysv_line
}

@test "fuzz: /proc/PID/maps lines (shmkit__maps_parse_line)" {
	fuzz_briefly maps_line
}

@test "fuzz: shmls column lists (shmkit_cols_parse)" {
	fuzz_briefly columns
}

@test "fuzz: shmrm - reference lists (shmkit_reflist_read, shmkit_reflist_dedup)" {
	fuzz_briefly reflist
}

@test "fuzz: every fuzz/fuzz_*.c target has a test here and a seed corpus" {
	local f name missing=()
	for f in "$SHMKIT_ROOT"/fuzz/fuzz_*.c; do
		name=$(basename "$f" .c)
		name=${name#fuzz_}
		grep -q "^	fuzz_briefly $name\$" "$BATS_TEST_FILENAME" || missing+=("$name (test)")
		[[ -d $SHMKIT_ROOT/fuzz/corpus/$name ]] || missing+=("$name (corpus)")
	done
	if ((${#missing[@]})); then
		echo "missing: ${missing[*]}" >&2
		return 1
	fi
}

#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# make lint, one part per test: man pages, shell scripts, cppcheck and clang-tidy on lib/ and cmd/, headers,
# lib/'s layers; then tests/layers itself on a fake lib of three files.

bats_require_minimum_version 1.5.0

load test_helper

# lint_part TARGET: run one part of `make lint` from the repository root.
lint_part() {
	run --separate-stderr make --no-print-directory -s -k -C "$SHMKIT_ROOT" "BUILD=$BUILD" -j2 "$1"
	if ((status != 0)); then
		printf '%s\n' "$output" "$stderr" | tail -60 >&2
		return 1
	fi
}

@test "lint: mandoc -Tlint finds nothing in man/*.1 and man/*.7" {
	command -v mandoc >/dev/null || skip "mandoc is not installed (make deps)"
	lint_part lint-man
}

@test "lint: shellcheck finds nothing in tests/run, tests/check-all, tests/layers, test_helper.bash, bench/*.sh" {
	command -v shellcheck >/dev/null || skip "shellcheck is not installed (make deps)"
	lint_part lint-shell
}

@test "lint: cppcheck finds nothing in lib/ and cmd/" {
	command -v cppcheck >/dev/null || skip "cppcheck is not installed (make deps)"
	lint_part lint-cppcheck
}

@test "lint: clang-tidy (checks in .clang-tidy) finds nothing in lib/ and cmd/" {
	command -v clang-tidy >/dev/null || skip "clang-tidy is not installed (make deps)"
	lint_part lint-tidy
}

@test "lint: every header compiles on its own (make check-headers)" {
	lint_part check-headers
}

@test "lint: lib/ files call only lower layers of the block in shmkit.h (tests/layers)" {
	lint_part lint-layers
}

# fake_cc NAME TEXT: NAME.c holding TEXT, compiled into $BATS_TEST_TMPDIR/lib/NAME.o.
fake_cc() {
	mkdir -p "$BATS_TEST_TMPDIR/lib"
	printf '%s\n' "$2" >"$BATS_TEST_TMPDIR/$1.c"
	cc -c -o "$BATS_TEST_TMPDIR/lib/$1.o" "$BATS_TEST_TMPDIR/$1.c"
}

# fake_header LINE...: a header whose layer block has one " *<tab>LINE" per argument.
fake_header() {
	{
		printf '%s\n' '/* fake.h: a header for tests/layers. */' '/*' \
			' * Layers, bottom first. A file may call only files on lower lines.' ' *'
		printf ' *\t%s\n' "$@"
		printf '%s\n' ' */' 'int low(void);'
	} >"$BATS_TEST_TMPDIR/fake.h"
}

# fake_lib: high.c calls mid.c calls low.c, on layers 3, 2 and 1.
fake_lib() {
	fake_cc low 'int low(void); int low(void) { return 1; }'
	fake_cc mid 'int low(void), mid(void); int mid(void) { return low() + 1; }'
	fake_cc high 'int mid(void), high(void); int high(void) { return mid() + 1; }'
	fake_header '1  low.c		the helpers' '2  mid.c		built on them' '3  high.c		the top'
}

layers() {
	run "$@" "$SHMKIT_ROOT/tests/layers" -H "$BATS_TEST_TMPDIR/fake.h" "$BATS_TEST_TMPDIR/lib"
}

@test "layers: calls that only go down pass, with a summary" {
	fake_lib
	layers -0
	assert_output 'layers: 3 files in 3 layers, 2 references, 0 upward, 0 circles'
}

@test "layers: a call up names both files, their layers and the symbol, and closes a circle" {
	fake_lib
	fake_cc low 'int high(void), low(void); int low(void) { return high(); }'
	layers -1
	assert_line 'lib/low.c -> lib/high.c (layer 1 -> layer 3): high'
	assert_line 'circle: lib/high.c -> lib/mid.c -> lib/low.c -> lib/high.c'
	assert_line 'layers: 3 files in 3 layers, 3 references, 1 upward, 1 circles'
}

@test "layers: two files of one layer calling each other are a circle" {
	fake_lib
	fake_cc low 'int side(void), low(void); int low(void) { return side(); }'
	fake_cc side 'int low(void), side(void); int side(void) { return low() ? 2 : 0; }'
	fake_header '1  low.c side.c	the helpers' '2  mid.c' '3  high.c'
	layers -1
	assert_line 'lib/low.c -> lib/side.c (layer 1 -> layer 1): side'
	assert_line 'lib/side.c -> lib/low.c (layer 1 -> layer 1): low'
	assert_line 'circle: lib/low.c -> lib/side.c -> lib/low.c'
	assert_line --partial ', 2 upward, 1 circles'
}

@test "layers: an object without a line, or a line without an object, fails" {
	fake_lib
	fake_header '1  low.c' '3  high.c'
	layers -1
	assert_output "tests/layers: lib/mid.c has no layer in $BATS_TEST_TMPDIR/fake.h"
	fake_header '1  low.c' '2  mid.c gone.c' '3  high.c'
	layers -1
	assert_output "tests/layers: lib/gone.c is listed in $BATS_TEST_TMPDIR/fake.h but has no object"
}

@test "layers: a header without a block, a file listed twice or layers going down fail" {
	fake_lib
	fake_header
	layers -1
	assert_output --partial "fake.h: no layer block"
	fake_header '1  low.c mid.c' '2  mid.c high.c'
	layers -1
	assert_output "tests/layers: $BATS_TEST_TMPDIR/fake.h:6: mid.c is listed twice (first on line 5)"
	fake_header '2  low.c' '1  mid.c high.c'
	layers -1
	assert_output "tests/layers: $BATS_TEST_TMPDIR/fake.h:6: layer 1 comes after layer 2 (bottom first, numbers go up)"
}

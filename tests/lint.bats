#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# make lint, one part per test: man pages, shell scripts, cppcheck and clang-tidy on lib/ and cmd/, headers.

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

@test "lint: shellcheck finds nothing in tests/run, tests/check-all, test_helper.bash, bench/*.sh" {
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

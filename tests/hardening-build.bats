#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Build hardening: every program is a PIE with full RELRO, stack protector and fortified libc calls.

bats_require_minimum_version 1.5.0

load test_helper

@test "every program is a position-independent executable" {
	local p
	for p in "${PROGS[@]}"; do
		run -0 readelf -h "$SHMKIT_BIN/$p"
		assert_line --regexp '^ *Type: *DYN '
	done
}

@test "every program has full RELRO (GNU_RELRO and BIND_NOW)" {
	local p
	for p in "${PROGS[@]}"; do
		run -0 readelf -lW "$SHMKIT_BIN/$p"
		assert_line --partial GNU_RELRO
		run -0 readelf -dW "$SHMKIT_BIN/$p"
		assert_output --regexp 'BIND_NOW|FLAGS_1.*NOW'
	done
}

@test "every program is built with the stack protector and fortified libc calls" {
	local p
	for p in "${PROGS[@]}"; do
		run -0 readelf -sW --dyn-syms "$SHMKIT_BIN/$p"
		assert_output --partial __stack_chk_fail
		assert_output --regexp '__[a-z]+_chk'
	done
}

@test "no program has an executable stack" {
	local p
	for p in "${PROGS[@]}"; do
		run -0 readelf -lW "$SHMKIT_BIN/$p"
		refute_line --regexp 'GNU_STACK.* RWE '
	done
}

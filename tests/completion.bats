#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# completion/shmkit.bash, driven the way bash drives it on <TAB>.

bats_require_minimum_version 1.5.0
load test_helper

# complete WORD...: runs the completion function for the command line
# WORD... (the last word is the one being completed) and prints COMPREPLY.
complete_line() {
	bash -c '
		source "$1/completion/shmkit.bash"
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_shmkit
		printf "%s\n" "${COMPREPLY[@]}"
	' _ "$SHMKIT_ROOT" "$@"
}

@test "completion registers a function for all six programs" {
	run -0 bash -c 'source "$1/completion/shmkit.bash"; complete -p' _ "$SHMKIT_ROOT"
	for p in "${PROGS[@]}"; do
		assert_output --partial " $p"
	done
}

@test "shmrm /<TAB> completes the names of POSIX objects" {
	shmcreate /alpha 1 >/dev/null
	shmcreate /beta 1 >/dev/null
	shmcreate 0x1234 1 >/dev/null
	run -0 complete_line shmrm /
	assert_output $'/alpha\n/beta'
}

@test "shmrm /a<TAB> completes only the names that match" {
	shmcreate /alpha 1 >/dev/null
	shmcreate /beta 1 >/dev/null
	run -0 complete_line shmrm /a
	assert_output "/alpha"
}

@test "shmread <TAB> offers SysV ids and POSIX names alike" {
	id=$(shmcreate 0x1234 1)
	shmcreate /gamma 1 >/dev/null
	run -0 complete_line shmread ''
	assert_output "$(printf '%s\n' "$id" /gamma)"
}

@test "options complete from the program's own --help" {
	run -0 complete_line shmcreate --m
	assert_output "--mode"
	run -0 complete_line shmls --js
	assert_output "--json"
	run -0 complete_line shmread --
	assert_line "--offset"
	assert_line "--length"
	assert_line "--string"
	assert_line "--help"
}

@test "shmcreate completes private for its first operand, nothing after" {
	run -0 complete_line shmcreate pr
	assert_output "private"
	run -0 complete_line shmcreate /x ''
	assert_output ""
}

@test "shmwrite completes files for its second operand" {
	cd "$BATS_TEST_TMPDIR"
	touch input.bin
	shmcreate /delta 1 >/dev/null
	run -0 complete_line shmwrite /delta inp
	assert_output "input.bin"
}

@test "shmattach completes commands after --" {
	shmcreate /eps 1 >/dev/null
	run -0 complete_line shmattach /eps -- bas
	assert_line "bash"
}

@test "an option's argument is not completed as a reference" {
	shmcreate /zeta 1 >/dev/null
	run -0 complete_line shmcreate -m ''
	assert_output ""
}

@test "the filters shmls and shmrm share complete alike; --name takes a glob, not a reference" {
	shmcreate /theta 1 >/dev/null
	local prog
	for prog in shmls shmrm; do
		run -0 complete_line "$prog" --na
		assert_line "--name"
		run -0 complete_line "$prog" --older
		assert_output "--older-than"
		run -0 complete_line "$prog" --name ''
		assert_output ""
		run -0 complete_line "$prog" --name-match ''
		assert_output ""
		run -0 complete_line "$prog" --target ''
		assert_output ""
	done
}

@test "shmls and shmrm complete -A, --all-namespaces, --namespace and --container; their values are not references" {
	shmcreate /iota 1 >/dev/null
	local prog
	for prog in shmls shmrm; do
		run -0 complete_line "$prog" --all-n
		assert_output "--all-namespaces"
		run -0 complete_line "$prog" --names
		assert_output "--namespace"
		run -0 complete_line "$prog" --cont
		assert_output "--container"
		run -0 complete_line "$prog" -
		assert_line "-A"
		# our own namespace has no container here: nothing to offer, and no /iota
		run -0 complete_line "$prog" --container ''
		[[ $output != */iota* ]]
		run -0 complete_line "$prog" --namespace ''
		assert_output "$(stat -Lc %i /proc/self/ns/ipc)"
	done
}

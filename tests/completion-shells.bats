#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# completion/_shmkit in a real interactive zsh (driven through a
# pseudo-terminal by tests/zsh-complete) and completion/shmkit.fish in a
# real fish (complete -C): options, columns and live references.

bats_require_minimum_version 1.5.0
load test_helper

# zsh_run LINE...: what zsh offers for each LINE<TAB>, into $zsh_out, in
# one zsh; zsh_complete LINE then prints the candidates for LINE.
zsh_run() {
	zsh_out=$("$SHMKIT_ROOT/tests/zsh-complete" "$SHMKIT_ROOT/completion" "$@")
}
zsh_complete() {
	awk -v l="## $1" '$0 == l { on = 1; next } /^## / { on = 0 } on' <<<"$zsh_out"
}

# fish_complete LINE: what fish offers for LINE, without descriptions.
fish_complete() {
	fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
		"$SHMKIT_ROOT/completion/shmkit.fish" "$1" | cut -f1
}

need_shells() {
	command -v zsh >/dev/null || skip "zsh is not installed (make deps)"
	command -v fish >/dev/null || skip "fish is not installed (make deps)"
}

@test "zsh: options from --help, long and short" {
	need_shells
	zsh_run "shmrm --ver" "shmls --metrics-t" "shmread --"
	run -0 zsh_complete "shmrm --ver"
	assert_output $'--verbose\n--version'
	run -0 zsh_complete "shmls --metrics-t"
	assert_output "--metrics-top"
	run -0 zsh_complete "shmread --"
	assert_line --regexp '^--offset$'
	assert_line --regexp '^--length$'
	refute_line --regexp '^--orphans$'
}

@test "zsh: column names after -o, in a comma list and after +, and after --sort" {
	need_shells
	zsh_run "shmls -o REF,KI" "shmls -o +SI" "shmls --sort RS" "shmls --time-format "
	run -0 zsh_complete "shmls -o REF,KI"
	assert_output KIND
	run -0 zsh_complete "shmls -o +SI"
	assert_output SIZE
	run -0 zsh_complete "shmls --sort RS"
	assert_output RSS
	run -0 zsh_complete "shmls --time-format "
	assert_output $'full\niso\nshort'
}

@test "zsh: live references from shmls, of both kinds, after options that take a value" {
	need_shells
	shmcreate /alpha 1 >/dev/null
	shmcreate /beta 1 >/dev/null
	id=$(shmcreate 0x5eed 1)
	zsh_run "shmrm /" "shmread --offset 10 " "shmcreate pr" "shmattach /alpha -- shmre"
	run -0 zsh_complete "shmrm /"
	assert_output $'/alpha\n/beta'
	run -0 zsh_complete "shmread --offset 10 "
	assert_line /alpha
	assert_line "$id"
	run -0 zsh_complete "shmcreate pr"
	assert_output private
	# shmattach REF -- COMMAND: a command line of its own
	run -0 zsh_complete "shmattach /alpha -- shmre"
	assert_line shmread
}

@test "fish: options from --help, long and short" {
	need_shells
	run -0 fish_complete "shmrm --ver"
	assert_output $'--verbose\n--version'
	run -0 fish_complete "shmls --metrics-t"
	assert_output "--metrics-top"
	run -0 fish_complete "shmread --"
	assert_line --regexp '^--offset$'
	refute_line --regexp '^--orphans$'
}

@test "fish: column names after -o, in a comma list and after +, and after --sort" {
	need_shells
	run -0 fish_complete "shmls -o REF,KI"
	assert_output REF,KIND
	run -0 fish_complete "shmls -o +SI"
	assert_output +SIZE
	run -0 fish_complete "shmls --sort RS"
	assert_output RSS
	run -0 fish_complete "shmls --time-format "
	assert_output $'full\niso\nshort'
}

@test "fish: live references from shmls, of both kinds, after options that take a value" {
	need_shells
	shmcreate /alpha 1 >/dev/null
	shmcreate /beta 1 >/dev/null
	id=$(shmcreate 0x5eed 1)
	run -0 fish_complete "shmrm /"
	assert_output $'/alpha\n/beta'
	run -0 fish_complete "shmread --offset 10 "
	assert_line /alpha
	assert_line "$id"
	# one reference only: nothing more after it
	run -0 fish_complete "shmread /alpha "
	assert_output ""
	run -0 fish_complete "shmcreate pr"
	assert_output private
	run -0 fish_complete "shmattach /alpha -- shmre"
	assert_line shmread
}

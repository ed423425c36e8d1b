#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# What every program shares: --help, --usage, --version, bad options, the man pages.

bats_require_minimum_version 1.5.0
load test_helper

# long_options PROG: every long option the spec gives PROG (besides --help, --usage, --version).
long_options() {
	case $1 in
	shmcreate) echo --mode --reuse ;;
	shmattach) echo --read-only --timeout ;;
	shmwrite) echo --offset --string ;;
	shmread) echo --offset --length --string ;;
	shmrm) ;;
	shmls) echo --sysv --posix --json --raw --noheadings --bytes ;;
	esac
}

check_help() {
	local prog=$1 opt
	run --separate-stderr "$prog" --help
	assert_success
	assert_equal "$stderr" ""
	assert_output --partial "$prog"
	for opt in $(long_options "$prog") --help --usage --version; do
		assert_output --partial -- "$opt"
	done
}

check_usage() {
	run --separate-stderr "$1" --usage
	assert_success
	assert_equal "$stderr" ""
	assert_output --regexp "^Usage: $1"
}

check_version() {
	run --separate-stderr "$1" --version
	assert_success
	assert_equal "$stderr" ""
	# The version comes from the Makefile; a build from a git checkout adds
	# the revision it was built from.
	version=$(sed -n 's/^VERSION *:= *//p' "$SHMKIT_ROOT/Makefile")
	if rev=$(git -C "$SHMKIT_ROOT" rev-parse --short HEAD 2>/dev/null); then
		assert_output --regexp "^$1 \(shmkit\) ${version//./\\.} \(git ${rev}[0-9a-f]*(-dirty)?\)\$"
	else
		assert_output "$1 (shmkit) $version"
	fi
}

check_bad_option() {
	run -2 --separate-stderr "$1" --bogus
	assert_output ""
	assert_equal "$stderr" "$(usage_error "$1" "--bogus: unknown option")"
}

check_man_options() {
	local prog=$1 page=$SHMKIT_ROOT/man/$1.1 opt opts text
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	[[ -f $page ]] || fail "man/$prog.1 is missing"
	# the rendered page, where mdoc's Fl \-mode shows as --mode
	text=$(mandoc -T ascii "$page" | col -bx)
	run --separate-stderr "$prog" --help
	assert_success
	# every --long option that --help mentions, except popt's own --usage
	opts=$(grep -oE -- '--[a-z][a-z-]+' <<<"$output" | sort -u)
	[[ -n $opts ]] || fail "$prog --help lists no long options"
	for opt in $opts; do
		[[ $opt == --usage ]] && continue
		if ! grep -qF -- "$opt" <<<"$text"; then
			fail "$prog --help lists $opt but man/$prog.1 does not"
		fi
	done
}

@test "shmcreate --help prints usage with every long option on stdout" { check_help shmcreate; }
@test "shmattach --help prints usage with every long option on stdout" { check_help shmattach; }
@test "shmwrite --help prints usage with every long option on stdout" { check_help shmwrite; }
@test "shmread --help prints usage with every long option on stdout" { check_help shmread; }
@test "shmrm --help prints usage with every long option on stdout" { check_help shmrm; }
@test "shmls --help prints usage with every long option on stdout" { check_help shmls; }

@test "shmcreate --usage exits 0" { check_usage shmcreate; }
@test "shmattach --usage exits 0" { check_usage shmattach; }
@test "shmwrite --usage exits 0" { check_usage shmwrite; }
@test "shmread --usage exits 0" { check_usage shmread; }
@test "shmrm --usage exits 0" { check_usage shmrm; }
@test "shmls --usage exits 0" { check_usage shmls; }

@test "shmcreate --version prints the package version" { check_version shmcreate; }
@test "shmattach --version prints the package version" { check_version shmattach; }
@test "shmwrite --version prints the package version" { check_version shmwrite; }
@test "shmread --version prints the package version" { check_version shmread; }
@test "shmrm --version prints the package version" { check_version shmrm; }
@test "shmls --version prints the package version" { check_version shmls; }

@test "shmcreate rejects an unknown option with exit 2 and the help hint" { check_bad_option shmcreate; }
@test "shmattach rejects an unknown option with exit 2 and the help hint" { check_bad_option shmattach; }
@test "shmwrite rejects an unknown option with exit 2 and the help hint" { check_bad_option shmwrite; }
@test "shmread rejects an unknown option with exit 2 and the help hint" { check_bad_option shmread; }
@test "shmrm rejects an unknown option with exit 2 and the help hint" { check_bad_option shmrm; }
@test "shmls rejects an unknown option with exit 2 and the help hint" { check_bad_option shmls; }

@test "programs that need a reference say it is missing" {
	local prog
	for prog in shmcreate shmattach shmwrite shmread shmrm; do
		run -2 --separate-stderr "$prog"
		assert_output ""
		assert_equal "$stderr" "$(usage_error "$prog" "missing segment reference")"
	done
}

@test "the man pages pass mandoc -Tlint -W warning" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	local prog
	for prog in shmcreate shmattach shmwrite shmread shmrm shmls; do
		[[ -f $SHMKIT_ROOT/man/$prog.1 ]] || fail "man/$prog.1 is missing"
	done
	run mandoc -Tlint -W warning "$SHMKIT_ROOT"/man/*.1
	assert_output ""
}

@test "man/shmcreate.1 documents every long option of shmcreate --help" { check_man_options shmcreate; }
@test "man/shmattach.1 documents every long option of shmattach --help" { check_man_options shmattach; }
@test "man/shmwrite.1 documents every long option of shmwrite --help" { check_man_options shmwrite; }
@test "man/shmread.1 documents every long option of shmread --help" { check_man_options shmread; }
@test "man/shmrm.1 documents every long option of shmrm --help" { check_man_options shmrm; }
@test "man/shmls.1 documents every long option of shmls --help" { check_man_options shmls; }

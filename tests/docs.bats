#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The documentation agrees with the programs: every option in both
# directions, the sections every page must have, the recipes of shmkit(7)
# and the README's table of commands run as written.

bats_require_minimum_version 1.5.0
load test_helper

# popt_options PROG: the long options of PROG's popt table, one a line,
# with the standard ones (--version, --help, --usage) from cmd/common.*.
popt_options() {
	grep -hoE '\{ "[a-z][a-z-]*", [^,]+, POPT_ARG_' \
		"$SHMKIT_ROOT/cmd/$1.c" "$SHMKIT_ROOT/cmd/common.h" "$SHMKIT_ROOT/cmd/common.c" |
		sed -E 's/^\{ "([^"]*)".*/--\1/' | sort -u
}

# man_options PAGE: the long options the mdoc source documents: every
# \-name after an Fl macro on its line (Fl \-no-lock or Fl \-no\-lock is --no-lock).
man_options() {
	grep -E '(^\.| )Fl ' "$1" | sed -E 's/^.*Fl //' |
		grep -oE '\\-[a-z]([a-z]|\\-|-)*' | sed -E 's/\\-/-/g; s/^/-/' | sort -u
}

# section PAGE NAME: the mdoc source of one .Sh section, without its .Sh line.
section() {
	awk -v want=".Sh $2" '
		/^\.Sh / { inside = ($0 == want); next }
		inside { print }
	' "$1"
}

check_options() {
	local prog=$1 page=$SHMKIT_ROOT/man/$1.1 opt help popt man missing=()
	run --separate-stderr "$prog" --help
	assert_success
	help=$output
	popt=$(popt_options "$prog")
	man=$(man_options "$page")
	[[ -n $popt ]] || fail "no popt options found in cmd/$prog.c"
	# the standard ones must have been found, or the grep is broken
	for opt in --help --usage --version; do
		grep -qxF -- "$opt" <<<"$popt" || fail "popt_options $prog misses $opt"
	done
	for opt in $popt; do
		grep -qxF -- "$opt" <<<"$man" || missing+=("$opt is in cmd/$prog.c but not in man/$prog.1 (Fl \\${opt#-})")
	done
	for opt in $man; do
		grep -qE -- "(^|[ ,])$opt([=, ]|\$)" <<<"$help" ||
			missing+=("$opt is in man/$prog.1 but not in $prog --help")
	done
	if ((${#missing[@]})); then
		printf '%s\n' "${missing[@]}" >&2
		return 1
	fi
}

@test "docs: shmcreate's options and man/shmcreate.1 agree both ways" { check_options shmcreate; }
@test "docs: shmattach's options and man/shmattach.1 agree both ways" { check_options shmattach; }
@test "docs: shmwrite's options and man/shmwrite.1 agree both ways" { check_options shmwrite; }
@test "docs: shmread's options and man/shmread.1 agree both ways" { check_options shmread; }
@test "docs: shmrm's options and man/shmrm.1 agree both ways" { check_options shmrm; }
@test "docs: shmls's options and man/shmls.1 agree both ways" { check_options shmls; }

@test "docs: the option cross-check sees a missing and an invented option" {
	# a page that lacks --mode and documents --bogus must be caught
	sed -e 's/Fl \\-mode/Fl \\-bogus/' "$SHMKIT_ROOT/man/shmcreate.1" >"$T/shmcreate.1"
	run -0 man_options "$T/shmcreate.1"
	refute_line -- --mode
	assert_line -- --bogus
	run -0 popt_options shmcreate
	assert_line -- --mode
	assert_line -- --version
	assert_line -- --usage
	refute_line -- --bogus
}

# check_see_also PAGE NAME...: each NAME (as "name section") is in SEE ALSO.
check_see_also() {
	local page=$1 xr text missing=()
	shift
	text=$(section "$page" "SEE ALSO")
	for xr in "$@"; do
		grep -qE "^\.Xr ${xr% *} ${xr#* }( ,)?\$" <<<"$text" || missing+=("$xr")
	done
	if ((${#missing[@]})); then
		echo "${page##*/}: SEE ALSO lacks ${missing[*]}" >&2
		return 1
	fi
}

@test "docs: every program's page has the sections, three examples and the cross-references" {
	local prog other page s n errs=0 xrs
	for prog in "${PROGS[@]}"; do
		page=$SHMKIT_ROOT/man/$prog.1
		for s in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT "EXIT STATUS" EXAMPLES "SEE ALSO"; do
			grep -qxF ".Sh $s" "$page" || { echo "man/$prog.1 has no $s section" >&2; errs=1; }
		done
		n=$(section "$page" EXAMPLES | grep -cE '^\.(Dl |Bd -literal)')
		((n >= 3)) || { echo "man/$prog.1 shows $n examples, fewer than 3" >&2; errs=1; }
		xrs=("shmkit 7" "ipcs 1" "lsipc 1" "shm_overview 7" "sysvipc 7")
		for other in "${PROGS[@]}"; do
			[[ $other == "$prog" ]] || xrs+=("$other 1")
		done
		check_see_also "$page" "${xrs[@]}" || errs=1
	done
	((errs == 0))
}

@test "docs: shmkit(7) has its sections and cross-references" {
	local page=$SHMKIT_ROOT/man/shmkit.7 s prog xrs=("ipcs 1" "lsipc 1" "shm_overview 7" "sysvipc 7")
	for s in NAME DESCRIPTION ENVIRONMENT "EXIT STATUS" RECIPES "SEE ALSO"; do
		grep -qxF ".Sh $s" "$page" || fail "man/shmkit.7 has no $s section"
	done
	for s in "The two kinds" "Segment references" "Output columns" "Locking protocol"; do
		grep -qxF ".Ss $s" "$page" || fail "man/shmkit.7 has no '$s' subsection"
	done
	for prog in "${PROGS[@]}"; do
		xrs+=("$prog 1")
	done
	check_see_also "$page" "${xrs[@]}"
	# SHMKIT_REF, which shmattach sets, and every variable the code reads
	run -0 section "$page" ENVIRONMENT
	assert_line ".It Ev SHMKIT_REF"
	for s in $(grep -hoE 'getenv\("[A-Z_]+"\)' "$SHMKIT_ROOT"/cmd/*.c "$SHMKIT_ROOT"/lib/*.c |
		sed -E 's/getenv\("(.*)"\)/\1/' | sort -u); do
		assert_line --regexp "^\.It Ev ([A-Z_]+ , )*$s( , [A-Z_]+)*\$"
	done
}

# recipe_blocks KIND: the literal displays of shmkit(7)'s RECIPES marked
# with a `.\" test: KIND` line, unescaped from roff, each followed by a
# line "#--end--". KIND "any" prints, one a line, the mark of every
# display in RECIPES ("none" for an unmarked one).
recipe_blocks() {
	section "$SHMKIT_ROOT/man/shmkit.7" RECIPES | awk -v want="$1" '
		/^\.\\" test: / { mark = $3; next }
		/^\.Bd -literal/ { inside = 1; kind = (mark == "" ? "none" : mark); mark = ""
			if (want == "any") print kind; next }
		/^\.Ed/ && inside { inside = 0; if (kind == want) print "#--end--"; next }
		inside && kind == want { print; next }
		{ mark = "" }
	' | sed -e 's/\\e/\\/g; s/\\-/-/g; s/\\(dq/"/g; s/\\&//g'
}

# recipe_fixture: what the recipes assume, on a clean /dev/shm: /frames
# held by a shmattach, /leaked unused for two hours, SysV key 0x1234.
recipe_fixture() {
	local pid
	for pid in "${HOLDER_PIDS[@]}"; do
		stop_holder "$pid" || true
	done
	ipcrm --all=shm
	find /dev/shm -mindepth 1 -delete
	shmcreate 0x1234 4K >/dev/null
	shmcreate /frames 1M >/dev/null
	shmcreate /leaked 2M >/dev/null
	touch -d '2 hours ago' /dev/shm/leaked
	start_holder /frames
}

@test "docs: every display in shmkit(7)'s RECIPES is marked run, no-run or config" {
	run -0 recipe_blocks any
	refute_line none
	local runs
	runs=$(grep -cx run <<<"$output")
	((runs >= 10)) || fail "only $runs recipes are marked to run"
	run -0 recipe_blocks config
	assert_output --partial 'sizeLimit: 2Gi'
}

@test "docs: every runnable recipe in shmkit(7) runs as written" {
	local n=0 block= dir
	while IFS= read -r line; do
		if [[ $line == "#--end--" ]]; then
			n=$((n + 1))
			recipe_fixture
			dir=$T/recipe-$n
			mkdir "$dir"
			run timeout 60 bash -e -c "cd '$dir'"$'\n'"$block"
			if ((status != 0)); then
				printf 'shmkit(7) recipe %d failed (exit %d):\n%s\n%s\n' \
					"$n" "$status" "$block" "$output" >&2
				return 1
			fi
			block=
		else
			block+="$line"$'\n'
		fi
	done < <(recipe_blocks run)
	((n >= 10))
}

@test "docs: the recipes find and remove a leak and keep what is held" {
	recipe_fixture
	run -0 bash -e -c "$(recipe_blocks run | awk '/--orphans --older-than 1h/' | grep -v '^shmls' )"
	assert_line "removed /leaked"
	[[ ! -e /dev/shm/leaked ]]
	[[ -e /dev/shm/frames ]]
	[[ -n $(sysv_id_of_key 0x1234) ]]
}

# readme_table: the shmkit column of the README's table of common tasks,
# one command a line, with \| unescaped.
readme_table() {
	awk -F ' \\| ' '
		/^\| task \| / { inside = 1; next }
		inside && !/^\|/ { inside = 0 }
		inside && !/^\|---/ { print $3 }
	' "$SHMKIT_ROOT/README.md" | sed -e 's/ *|$//; s/^`//; s/`$//; s/\\|/|/g'
}

@test "docs: the shmkit commands of the README's table run as shown" {
	local cmd id n=0
	echo data >"$T/file"
	run -0 readme_table
	assert_line "shmls --sysv"
	assert_line "shmrm ID"
	assert_line "shmls -p"
	assert_line "shmrm --orphans --older-than 1h"
	assert_line "shmwrite -c /x file"
	cd "$T"
	while IFS= read -r cmd; do
		id=$(shmcreate private 4096)
		cmd=${cmd//ID/$id}
		run bash -e -c "$cmd"
		((status == 0)) || fail "README table: '$cmd' failed (exit $status): $output"
		n=$((n + 1))
	done < <(readme_table)
	((n >= 7))
	run -0 shmread /x
	assert_output data
}

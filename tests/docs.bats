#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The documentation agrees with the programs: every option in both
# directions, the sections every page must have; the recipes of shmkit(7),
# the examples of the program pages and the README's table of commands run
# as written.

bats_require_minimum_version 1.5.0
load test_helper

# popt_source PROG: the C source of PROG's popt tables: cmd/PROG.c, the
# standard options of cmd/common.*, and the filter options of
# filter_options() in cmd/common.c when PROG includes them.
popt_source() {
	cat "$SHMKIT_ROOT/cmd/$1.c" "$SHMKIT_ROOT/cmd/common.h"
	if grep -q 'filter_options(&' "$SHMKIT_ROOT/cmd/$1.c"; then
		cat "$SHMKIT_ROOT/cmd/common.c"
	else
		awk '/^struct poptOption \*filter_options\(/ { skip = 1 }
			!skip { print }
			skip && /^}/ { skip = 0 }' "$SHMKIT_ROOT/cmd/common.c"
	fi
}

# popt_options PROG: the long options of PROG's popt tables, one a line,
# with the standard ones (--version, --help, --usage) from cmd/common.*.
popt_options() {
	popt_source "$1" | grep -oE '\{ "[a-z][a-z-]*", [^,]+, POPT_ARG_' |
		sed -E 's/^\{ "([^"]*)".*/--\1/' | sort -u
}

# hidden_options PROG: those of them that --help leaves out (aliases).
hidden_options() {
	popt_source "$1" | grep -oE '\{ "[a-z][a-z-]*", [^,]+, POPT_ARG_[A-Z_]+ \| POPT_ARGFLAG_DOC_HIDDEN' |
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
		grep -qxF -- "$opt" <<<"$(hidden_options "$prog")" && continue
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
	# the shared filter options count only where they are included
	refute_line -- --orphans
	run -0 popt_options shmrm
	assert_line -- --orphans
	assert_line -- --name-match
	run -0 hidden_options shmrm
	assert_output -- --name-match
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

# man_displays PAGE SECTION KIND: the displays (.Bd -literal ... .Ed, or
# one .Dl line) of one section of PAGE that stand right after a line
# `.\" test: KIND [why]`, unescaped from roff, each followed by a line
# "#--end--". KIND "any" prints instead, one a line, the mark of every
# display in the section without its "test: " ("none" for an unmarked one).
man_displays() {
	section "$1" "$2" | awk -v want="$3" '
		function begin() {
			full = (mark == "" ? "none" : mark)
			kind = full; sub(/ .*/, "", kind); mark = ""
			if (want == "any") print full
		}
		/^\.\\" test: / { mark = $0; sub(/^\.\\" test: /, "", mark); next }
		/^\.Dl / { begin(); if (kind == want) print substr($0, 5) "\n#--end--"; next }
		/^\.Bd -literal/ { begin(); inside = 1; next }
		/^\.Ed/ && inside { inside = 0; if (kind == want) print "#--end--"; next }
		inside && kind == want { print; next }
		{ mark = "" }
	' | sed -e 's/\\e/\x01/g; s/\\-/-/g; s/\\(dq/"/g; s/\\(aq/'"'"'/g; s/\\&//g; s/\x01/\\/g'
}

# recipe_blocks KIND: man_displays of shmkit(7)'s RECIPES.
recipe_blocks() {
	man_displays "$SHMKIT_ROOT/man/shmkit.7" RECIPES "$1"
}

# clean_slate: no holders, no SysV segments, an empty /dev/shm.
clean_slate() {
	if ((${#HOLDER_PIDS[@]})); then
		# (bash reports a killed job on its standard error, in wait)
		{
			kill -KILL "${HOLDER_PIDS[@]}" || true
			wait "${HOLDER_PIDS[@]}" || true
		} 2>/dev/null
		HOLDER_PIDS=()
	fi
	ipcrm --all=shm
	find /dev/shm -mindepth 1 -delete
}

# await SECONDS CMD...: run CMD every 10 ms until it succeeds; fail after SECONDS.
await() {
	local i n=$(($1 * 100))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.01
	done
	echo "await: '$*' did not succeed" >&2
	return 1
}

# recipe_fixture: what the recipes assume, on a clean /dev/shm: /frames
# held by a shmattach, /leaked unused for two hours, SysV key 0x1234.
recipe_fixture() {
	clean_slate
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
	local n=0 block="" dir
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

# ------------------------------------------------- the program pages' examples

# example_sections PAGE: the sections of PAGE whose displays are examples
# to run: EXAMPLES and any after it (shmrm(1)'s CLEANING UP LEAKS) up to
# SEE ALSO.
example_sections() {
	awk '
		/^\.Sh EXAMPLES$/ { inside = 1 }
		/^\.Sh SEE ALSO$/ { inside = 0 }
		inside && /^\.Sh / { print substr($0, 5) }
	' "$1"
}

# man_fixture PROG DIR: the world the examples of PROG's page assume, on a
# clean slate, and DIR, their working directory. shmcreate(1)'s examples
# make what they show, so they start from nothing; the others find
#   32768          a 64 KiB IPC_PRIVATE segment nobody holds (a leak)
#   ftok:/tmp:0    64 KiB, mode 0640, holding the C string "status=ok"
#   key:0x1234     16 MiB, and 0x0000162e, 4 KiB, both unheld
#   /frames        1 MiB, held by "viewer", loaded from DIR/frame.bin
#                  (but for shmwrite(1), whose examples load it)
#   /render-cache  8 MiB, unheld and unused for 8 days
#   /app-*         unheld: /app-1, "/app-with space", /app-new<newline>line, /app-keep
#   app            a process in a container (IPC and mount namespaces of
#                  its own) whose /dev/shm holds the orphan /inside
# with frame.bin (100 kB) and dir/ in DIR. On PATH: viewer (shmattach),
# app (sleep), and vi, an "editor" that deletes the lines saying "keep".
# The pages' PID 4242 is any PID (see run_example).
man_fixture() {
	local id viewer
	clean_slate
	mkdir -p "$2"
	[[ $1 == shmcreate ]] && return 0
	if [[ ! -d $T/world ]]; then
		mkdir -p "$T/bin" "$T/world/dir"
		PATH=$T/bin:$PATH
		ln -s "$SHMKIT_BIN/shmattach" "$T/bin/viewer"
		ln -s "$(command -v sleep)" "$T/bin/app"
		printf '#!/bin/sh\nexec sed -i /keep/d "$@"\n' >"$T/bin/vi"
		chmod +x "$T/bin/vi"
		head -c 100000 /dev/urandom >"$T/world/frame.bin"
		cp /etc/passwd /etc/group "$T/world/dir"
	fi
	cp -R "$T/world/." "$2"

	# the pages' shmid for a System V segment; shm_next_id is per IPC namespace
	[[ -w /proc/sys/kernel/shm_next_id ]] ||
		skip "no kernel.shm_next_id (CONFIG_CHECKPOINT_RESTORE): the examples name shmid 32768"
	echo 32768 >/proc/sys/kernel/shm_next_id
	id=$(shmcreate private 64K)
	[[ $id == 32768 ]] || fail "kernel.shm_next_id=32768 gave shmid $id"
	shmcreate -m 0640 ftok:/tmp:0 64K >/dev/null
	printf status=ok | shmwrite -z ftok:/tmp:0
	shmcreate key:0x1234 16M >/dev/null
	shmcreate 0x0000162e 4K >/dev/null
	shmcreate /frames 1M >/dev/null
	# shmwrite(1)'s examples load it themselves, and must be seen to
	[[ $1 == shmwrite ]] || shmwrite /frames "$2/frame.bin"
	# POSIX objects are files: make the rest in one go, as shmcreate would (0600)
	umask 077
	truncate -s 4K /dev/shm/app-1 '/dev/shm/app-with space' $'/dev/shm/app-new\nline' /dev/shm/app-keep
	truncate -s 8M /dev/shm/render-cache
	umask 022
	touch -d '8 days ago' /dev/shm/render-cache

	viewer -t 60 /frames </dev/null >/dev/null 2>&1 3>&- &
	viewer=$!
	HOLDER_PIDS+=("$viewer")
	unshare --ipc --mount --propagation private sh -c \
		'mount -t tmpfs shm /dev/shm && shmcreate /inside 4K >/dev/null && exec app 60' \
		</dev/null >/dev/null 2>&1 3>&- &
	HOLDER_PIDS+=("$!")
	await 5 grep -qx app "/proc/$!/comm"
	await 5 grep -q ' /dev/shm/frames$' "/proc/$viewer/maps"
}

# expected_re: the output lines on stdin (as a page shows them) as one
# extended regular expression for the output joined into one line: the
# lines in order with anything between them (the pages wrap long lines;
# other lines may come between), and 32768 and 4242, the pages' shmid and
# PID, standing for any number.
expected_re() {
	local line re=
	while IFS= read -r line; do
		# shellcheck disable=SC2016 # sed, not shell
		line=$(sed -E 's/^[[:space:]]+|[[:space:]]+$//g; s/[][\.*^$(){}+?|]/\\&/g
			s/(^|[^0-9])(32768|4242)([^0-9]|$)/\1[0-9]+\3/g' <<<"$line")
		re+=${re:+.*}$line
	done
	printf '%s\n' "$re"
}

# run_example KIND TEXT DIR: run one display of a program page, as marked
# KIND, in DIR under `bash -e -o pipefail`. Lines starting "$ " (or "# ",
# the root prompt) are commands; the other lines are what the page shows
# the command before them print, and must be found in what it wrote to
# standard output and error (DIR.out/N, see expected_re). A command put in
# the background gets up to 10 s to print something before the next one
# runs, as one waits for shmattach's announcement.
#   run         every command exits 0
#   fails       the last command exits 1, the others 0
#   background  the one command runs until stopped: still running once it
#               has printed something, it exits 0 on SIGTERM
run_example() {
	local kind=$1 text=$2 dir=$3 out=$3.out line cmd n=0 i script re got
	local bg='(^|[^&])&[[:space:]]*$'
	local -a expect=()
	mkdir -p "$dir" "$out"
	script="cd $(printf %q "$dir")"$'\n'
	while IFS= read -r line; do
		if [[ $line =~ ^[\$#]\ (.*)$ ]]; then
			cmd=${BASH_REMATCH[1]}
			n=$((n + 1))
			expect[n]=
			[[ $kind == background ]] && cmd+=' &'
			script+="exec >$(printf %q "$out/$n") 2>&1"$'\n'"$cmd"$'\n'
			if [[ $cmd =~ $bg ]]; then
				script+="for _ in {1..1000}; do [[ -s $(printf %q "$out/$n") ]] && break; sleep 0.01; done"$'\n'
			fi
		elif ((n == 0)); then
			echo "no command before the output line '$line'" >&2
			return 1
		else
			expect[n]+=$line$'\n'
		fi
	done <<<"$text"
	if [[ $kind == background ]]; then
		((n == 1)) || { echo "a background display holds one command, not $n" >&2; return 1; }
		# shellcheck disable=SC2016 # for the inner bash
		script+=$'kill -0 $!\nkill $!\nwait $!\n'
	else
		script+=$'wait\n'
	fi

	run timeout 20 bash -e -o pipefail -c "$script" </dev/null 3>&-
	local why=
	case $kind in
	run | background) ((status == 0)) || why="exit status $status, not 0" ;;
	fails)
		if ((status != 1)); then
			why="exit status $status, not 1"
		elif [[ ! -e $out/$n ]]; then
			why="a command before the last one failed"
		fi
		;;
	*) why="unknown kind '$kind'" ;;
	esac
	for ((i = 1; i <= n; i++)); do
		[[ -n ${expect[i]} ]] || continue
		re=$(expected_re <<<"${expect[i]%$'\n'}")
		got=$(tr '\n' ' ' 2>/dev/null <"$out/$i")
		[[ $got =~ $re ]] || why+="${why:+; }command $i does not print what the page shows"
	done
	[[ -z $why ]] && return 0
	printf '%s\n' "--- $why; the display:" "$text" "--- ran as:" "$script" "$output" >&2
	for ((i = 1; i <= n; i++)); do
		printf -- '--- output of command %d:\n' "$i" >&2
		[[ ! -e $out/$i ]] || cat "$out/$i" >&2
	done
	return 1
}

# check_examples PROG: run every display of PROG's page marked run, fails
# or background, each in a fresh man_fixture.
check_examples() {
	local prog=$1 page=$SHMKIT_ROOT/man/$1.1 sec kind line text n=0 errs=0
	while IFS= read -r sec; do
		for kind in run fails background; do
			text=
			while IFS= read -r line; do
				if [[ $line != "#--end--" ]]; then
					text+=$line$'\n'
					continue
				fi
				n=$((n + 1))
				man_fixture "$prog" "$T/example-$n"
				if ! run_example "$kind" "$text" "$T/example-$n"; then
					echo "man/$prog.1: that example in $sec (marked $kind) failed" >&2
					errs=1
				fi
				text=
			done < <(man_displays "$page" "$sec" "$kind")
		done
	done < <(example_sections "$page")
	((n >= 3)) || fail "man/$prog.1 has $n examples to run, fewer than 3"
	((errs == 0))
}

@test "docs: every example display in the program pages is marked run, fails, background, no-run or config" {
	local prog page sec marks mark n errs=0
	for prog in "${PROGS[@]}"; do
		page=$SHMKIT_ROOT/man/$prog.1
		while IFS= read -r sec; do
			marks=$(man_displays "$page" "$sec" any)
			n=$(section "$page" "$sec" | grep -c '^\.\\" test: ')
			if ((n != $(grep -c . <<<"$marks"))); then
				echo "man/$prog.1, $sec: a '.\\\" test:' mark stands before no display" >&2
				errs=1
			fi
			while IFS= read -r mark; do
				case $mark in
				run | "run ("*")" | fails | "fails ("*")") ;;
				"background ("*")" | "no-run ("*")" | "config ("*")") ;;
				none)
					echo "man/$prog.1, $sec: a display has no '.\\\" test:' mark" >&2
					errs=1
					;;
				*)
					echo "man/$prog.1, $sec: unknown mark, or no (reason) after it: '$mark'" >&2
					errs=1
					;;
				esac
			done <<<"$marks"
		done < <(example_sections "$page")
	done
	((errs == 0))
	# shmrm(1)'s CLEANING UP LEAKS counts too
	run -0 example_sections "$SHMKIT_ROOT/man/shmrm.1"
	assert_line EXAMPLES
	assert_line "CLEANING UP LEAKS"
	refute_line "SEE ALSO"
}

@test "docs: the example runner sees failures, wrong output and unmarked displays" {
	local ok=$'$ echo "held by 77 (viewer); --force unlinks it anyway"\nheld by 4242 (viewer); --force\nunlinks it anyway'
	run -0 run_example run "$ok" "$T/a"
	run ! run_example run "${ok/unlinks/removes}" "$T/b"
	run ! run_example run $'$ true\n$ false\n$ true' "$T/c"
	run -0 run_example fails $'$ true\n$ false' "$T/d"
	run ! run_example fails $'$ false\n$ false' "$T/e"
	run ! run_example fails '$ true' "$T/f"
	run ! run_example fails '$ exit 2' "$T/g"
	shmcreate /x 4K
	run -0 run_example background '$ shmattach -t 60 /x' "$T/h"
	run ! run_example background '$ shmattach -t 60 /nope' "$T/i"
	# a command in the background is waited for, and jobs work
	run -0 run_example run $'$ shmattach /x &\nshmattach: attached \'/x\' (4096 bytes, read-write)\n$ kill %1' "$T/j"

	cat >"$T/page.1" <<'PAGE'
.Sh EXAMPLES
.\" test: run
.Dl $ printf '%s\en' \(dqa\-b\(dq '\e-' \&.
.Pp
.Bd -literal
$ true
.Ed
.\" test: no-run (why)
.Bd -literal
$ false
.Ed
.Sh SEE ALSO
PAGE
	run -0 man_displays "$T/page.1" EXAMPLES any
	assert_output $'run\nnone\nno-run (why)'
	run -0 man_displays "$T/page.1" EXAMPLES run
	assert_output $'$ printf \'%s\\n\' "a-b" \'\\-\' .\n#--end--'
}

@test "docs: shmcreate(1)'s examples run as written" { check_examples shmcreate; }
@test "docs: shmattach(1)'s examples run as written" { check_examples shmattach; }
@test "docs: shmwrite(1)'s examples run as written" { check_examples shmwrite; }
@test "docs: shmread(1)'s examples run as written" { check_examples shmread; }
@test "docs: shmrm(1)'s examples run as written" { check_examples shmrm; }
@test "docs: shmls(1)'s examples run as written" { check_examples shmls; }

@test "docs: shmrm(1)'s list round trip removes names with a space or a newline, keeps the deleted lines" {
	local text
	text=$(man_displays "$SHMKIT_ROOT/man/shmrm.1" "CLEANING UP LEAKS" run |
		awk '$0 == "#--end--" { if (b ~ /\$ vi list/) printf "%s", b; b = ""; next } { b = b $0 "\n" }')
	[[ -n $text ]] || fail "shmrm(1) has no 'vi list' example to run"
	man_fixture shmrm "$T/ex"
	run_example run "$text" "$T/ex"
	run -0 cat "$T/ex.out/3"
	assert_output $'removed /app-1\nremoved /app-new\\x0aline\nremoved /app-with\\x20space'
	[[ -e /dev/shm/app-keep && -e /dev/shm/frames ]]
	[[ ! -e /dev/shm/app-1 && ! -e "/dev/shm/app-with space" && ! -e /dev/shm/app-new$'\n'line ]]
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

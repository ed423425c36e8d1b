#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The property DESIGN.md section 5 promises: shmls and shmrm select with the
# same code, so what `shmls SELECTION` lists is what `shmrm SELECTION`
# removes, held segments aside. Checked over a generated population of a few
# hundred objects of both kinds (owners, modes, ages, holders, dot names and
# hostile names, non-objects in /dev/shm), for many selections, as a dry run
# and for real. Each selection costs one shmls and one shmrm, and the sets
# are compared in one awk (not in the shell: bats's debug trap makes a loop
# over hundreds of lines slow), so the file stays fast under ASan too.
#
# SHMKIT_PROP_SEED picks another population (the default is 1); a failure
# prints the seed, and every difference found, for every selection.

bats_require_minimum_version 1.5.0
load test_helper

# The glob filter is `--name GLOB` in both programs (--name-match is an
# alias, tested in filters.bats). The selections below are written in
# shmls's spelling and passed to shmrm through this.
RM_GLOB_OPT=--name

# A third owner, with no name: -u takes it as a number.
THIRD_UID=4242
OWNERS=(0 65534 "$THIRD_UID")
MODES=(0600 0640 0666)
# POSIX ages, in seconds before now (mtime; negative: in the future), set
# through the helper as `touch -d` would. SysV times cannot be set back:
# the SysV ages come from a gap in time between two batches (see populate).
AGES=(0 0 1800 7200 259200 -3600)
# Seconds between the old and the young SysV batch; --older-than D between
# them is correct as long as shmls and shmrm both run within GAP - 1 seconds
# of choosing D.
GAP=6

# spec KIND FIRST LAST: spec lines for the population helper, with owners,
# modes and (POSIX) ages drawn from a fixed sequence (Park-Miller, seeded
# with SEED + FIRST + 1). sysv: segments FIRST..LAST, one in ten IPC_PRIVATE,
# the others keyed 0x7e000000 + N. posix: objects named a-NNN, b-NNN, c-NNN
# or ab-NNN for N in FIRST..LAST, then one for each name on standard input
# (written as shmls -r escapes it). One awk: a loop in bats's shell is slow.
spec() {
	awk -v kind="$1" -v first="$2" -v last="$3" -v seed="$((SEED + $2 + 1))" \
		-v owners="${OWNERS[*]}" -v modes="${MODES[*]}" -v ages="${AGES[*]}" '
	function draw(n) { seed = (seed * 16807) % 2147483647; return int(seed / 256) % n }
	function line(what, name) {
		uid = o[draw(no) + 1]
		printf "%s %s 4096 %s %d %d", what, name, m[draw(nm) + 1], uid, uid
		if (what == "posix")
			printf " %d", a[draw(na) + 1]
		printf "\n"
	}
	BEGIN {
		no = split(owners, o); nm = split(modes, m); na = split(ages, a)
		prefix[0] = "a"; prefix[1] = "b"; prefix[2] = "c"; prefix[3] = "ab"
		for (i = first; i <= last; i++)
			if (kind == "sysv")
				line("sysv", i % 10 == 0 ? 0 : 2113929216 + i)
			else
				line("posix", sprintf("%s-%03d", prefix[draw(4)], i))
		if (kind == "sysv")
			exit
	}
	{ line("posix", $0) }'
}

# wait_ready PID OUT ERR: until the population holder PID has printed "ready"
# on OUT; shows ERR if it does not.
wait_ready() {
	local i
	for ((i = 0; i < 200; i++)); do
		if [[ -s $2 ]]; then
			return 0
		fi
		if ! kill -0 "$1" 2>/dev/null; then
			break
		fi
		sleep 0.05
	done
	echo "population holder $1 did not get ready: $(cat "$3")" >&2
	return 1
}

# populate [GAP]: make the population. With GAP, the SysV segments come in
# two batches GAP seconds apart (the old batch first), which costs that
# long. Sets:
#   HELD       refs of the objects processes hold that still have a name
#   HELD_GONE  refs of held objects unlinked since (shmls lists them, deleted)
#   T_OLD_END  no old SysV segment was used after this second
#   T_YOUNG    no young SysV segment, nor any held one, was used before it
#   NONOBJ     what in /dev/shm is not an object: both must leave it alone
populate() {
	local gap=${1:-0} spec=$T/spec
	SEED=${SHMKIT_PROP_SEED:-1}
	echo "# population seed ${SHMKIT_PROP_SEED:-1}"

	# The old SysV batch, made by root and given to each owner (IPC_SET).
	spec sysv 0 99 >"$spec.sysv-old"
	mapfile -t SYSV_OLD < <("$HELPERS/population" create <"$spec.sysv-old")
	((${#SYSV_OLD[@]} == 100)) || return 1
	T_OLD_END=$EPOCHSECONDS

	# POSIX objects: generated names, then the hostile ones, each with a
	# generated owner, mode and age.
	{
		printf '%s\n' '.hidden' '..x' '.a-dot' 'a.not-hidden' \
			'a\x20space' '\x20lead' 'trail\x20' 'new\x0aline' 'a\x0anl' \
			"quo'te" "a'q" 'a"dq' 'back\x5cslash' 'a\x5c' 'tab\x09x' \
			'\xff\xfe' 'a\xc3(' 'caf\xc3\xa9' '-dash' '--all' '-u' \
			'a*b' 'a?c' 'a[x' 'a]' '*' '?' '[' '[ab]' 'a\x01ctl' 'a\x7fdel' |
			spec posix 0 119
		# to be held, old enough for --older-than 1h and named for 'a*'
		printf 'posix %s 4096 0600 65534 65534 7200\n' 'a-held-map' 'a-held-fd' \
			'.held-dot' 'a\x20held\x0amap' 'b-held' 'a-gone'
	} >"$spec.posix"
	"$HELPERS/population" create <"$spec.posix" || return 1

	# Not objects: a semaphore, a symlink (to an object), a directory and a
	# FIFO, named to match 'a*', and a symlink with a dot name.
	NONOBJ=(sem.a-sem a-link .a-link a-dir a-fifo)
	: >/dev/shm/sem.a-sem
	ln -s a-000 /dev/shm/a-link
	ln -s a-held-map /dev/shm/.a-link
	mkdir /dev/shm/a-dir
	mkfifo /dev/shm/a-fifo

	# The young SysV batch, GAP seconds after the old one; a fifth of it
	# made by the third uid itself (its creator, cuid, is that uid too).
	if ((gap)); then
		while ((EPOCHSECONDS < T_OLD_END + gap)); do
			sleep 0.2
		done
	fi
	T_YOUNG=$EPOCHSECONDS
	spec sysv 100 129 >"$spec.sysv-young"
	mapfile -t SYSV_YOUNG < <("$HELPERS/population" create <"$spec.sysv-young")
	spec sysv 130 149 | awk -v u="$THIRD_UID" '{ print $1, $2, $3, $4, u, u }' >"$spec.sysv-third"
	mapfile -t -O 30 SYSV_YOUNG < <(setpriv --reuid="$THIRD_UID" --regid="$THIRD_UID" \
		--clear-groups --inh-caps=-all -- "$HELPERS/population" create <"$spec.sysv-third")
	((${#SYSV_YOUNG[@]} == 50)) || return 1

	# Holders, all after T_YOUNG (an attach makes a SysV segment young):
	# shmattach on a SysV segment and on a POSIX object, a process with only
	# a descriptor open, and one with SysV attachments and POSIX mappings
	# alone. One SysV segment is then marked for removal (dest), one held
	# POSIX object unlinked (deleted, still listed by shmls).
	start_holder "${SYSV_YOUNG[0]}" || return 1
	start_holder /a-held-map || return 1
	fd_holder /a-held-fd || return 1
	"$HELPERS/population" hold "${SYSV_YOUNG[1]}" "${SYSV_YOUNG[10]}" "${SYSV_YOUNG[31]}" \
		"${SYSV_YOUNG[2]}" /.held-dot '/a\x20held\x0amap' /b-held /a-gone \
		</dev/null >"$T/hold.out" 2>"$T/hold.err" &
	HOLDER_PIDS+=("$!")
	wait_ready "$!" "$T/hold.out" "$T/hold.err" || return 1
	ipcrm -m "${SYSV_YOUNG[2]}"
	rm /dev/shm/a-gone
	HELD=("${SYSV_YOUNG[0]}" "${SYSV_YOUNG[1]}" "${SYSV_YOUNG[10]}" "${SYSV_YOUNG[31]}"
		"${SYSV_YOUNG[2]}" /a-held-map /a-held-fd /.held-dot '/a\x20held\x0amap' /b-held)
	HELD_GONE=(/a-gone)
	printf '%s\n' "${HELD[@]}" "${HELD_GONE[@]}" >"$T/held"
}

# The comparison, over files in $T: ls (shmls -rn -o REF,ORPHAN,STATUS),
# rm.out and rm.err (shmrm -v, with -n when dry is "(dry run) "), and for a
# real run after (shmls -rn -o REF afterwards) and held (refs of what
# processes hold, by construction). Prints one line per disagreement; the
# counts go to $T/counts. Held objects unlinked since (STATUS deleted) are
# listed by shmls but have no name for shmrm to see: they are left out.
# shellcheck disable=SC2016 # awk's $, not the shell's
COMPARE='
function count(set, k, n) { n = 0; for (k in set) n++; return n }
FILENAME == ls {
	if ($0 == "") next
	if ($2 == "yes") free[$1] = 1
	else if ($2 == "no" && $3 != "deleted") held[$1] = 1
	else if ($2 != "no") print "shmls cannot tell whether it is held: " $0
	next
}
FILENAME == out {
	if ($0 == "") next
	if (index($0, dry "removed ") == 1) gone[substr($0, length(dry) + 9)] = 1
	else print "shmrm printed: " $0
	next
}
FILENAME == err {
	if ($0 == "") next
	# shmrm: kept QREFQ: held by ... (Q a quote): 13 + 11 bytes around REF
	if (match($0, /^shmrm: kept \047.*\047: held by /)) kept[substr($0, 14, RLENGTH - 24)] = 1
	else if ($0 !~ /^shmrm: kept [0-9]+ segments? in use; --force removes (it|them)$/ &&
		 $0 != "shmrm: no segment matched") print "shmrm said: " $0
	next
}
FILENAME == heldf { want[$0] = 1; next }
FILENAME == after { left[$0] = 1; next }
END {
	for (r in free) if (!(r in gone)) print "listed unheld by shmls, not removed by shmrm: " r
	for (r in gone) if (!(r in free)) print "removed by shmrm, not listed unheld by shmls: " r
	for (r in held) if (!(r in kept)) print "listed held by shmls, not kept as held by shmrm: " r
	for (r in kept) if (!(r in held)) print "kept as held by shmrm, not listed held by shmls: " r
	for (r in free) if (r in left) print "listed unheld by shmls, still listed after shmrm: " r
	for (r in gone) if ((r in left) && !(r in free)) print "removed by shmrm, still listed after it: " r
	for (r in want) if (after != "" && !(r in left)) print "held, not listed after shmrm: " r
	printf "shmls %d unheld + %d held; shmrm %d removed + %d kept\n",
		count(free), count(held), count(gone), count(kept) > counts
}'

# check_selection dry|real SELECTION...: list with shmls SELECTION, then
# shmrm -v SELECTION (with -n for dry), and compare; a real run also lists
# again afterwards. A disagreement is added to FAILURES with the selection.
# shmrm gets the selection in its spelling: the glob option translated, and
# --all added when nothing else selects.
check_selection() {
	local mode=$1 problems dry='' after='' a selects=0 RM=()
	shift
	for a in "$@"; do
		case $a in
		--name) RM+=("$RM_GLOB_OPT") selects=1 ;;
		--orphans | --older-than | -u) RM+=("$a") selects=1 ;;
		*) RM+=("$a") ;;
		esac
	done
	((selects)) || RM=(--all "${RM[@]}")
	run -0 --separate-stderr shmls -rn -o REF,ORPHAN,STATUS "$@"
	printf '%s\n' "$output" >"$T/ls"
	# shellcheck disable=SC2154 # run sets stderr
	[[ -z $stderr ]] || FAILURES+="selection '$*': shmls said: $stderr"$'\n'
	if [[ $mode == dry ]]; then
		dry='(dry run) '
		run -0 --separate-stderr shmrm -n -v "${RM[@]}"
	else
		run -0 --separate-stderr shmrm -v "${RM[@]}"
	fi
	printf '%s\n' "$output" >"$T/rm.out"
	printf '%s\n' "$stderr" >"$T/rm.err"
	if [[ $mode == real ]]; then
		run -0 shmls -rn -o REF
		printf '%s\n' "$output" >"$T/after"
		after=$T/after
	fi
	problems=$(awk -v ls="$T/ls" -v out="$T/rm.out" -v err="$T/rm.err" -v dry="$dry" \
		-v heldf="$T/held" -v after="$after" -v counts="$T/counts" "$COMPARE" \
		"$T/ls" "$T/rm.out" "$T/rm.err" "$T/held" ${after:+"$after"} | LC_ALL=C sort)
	echo "# ${*:-(no filter)}: $(<"$T/counts")"
	[[ -z $problems ]] ||
		FAILURES+="selection '$*' (shmrm ${RM[*]}):"$'\n'"  ${problems//$'\n'/$'\n'  }"$'\n'
}

# age_selection OPTION...: check_selection dry --older-than D OPTION...,
# with D between the old and the young SysV batch's ages. That is only
# sure while shmls and shmrm both run within GAP - 1 seconds of choosing
# D; a run that took longer (a loaded machine) proves nothing either way,
# so its findings are dropped and it is tried again, up to five times.
age_selection() {
	local d t0 before=$FAILURES try
	for ((try = 0; try < 5; try++)); do
		t0=$EPOCHSECONDS
		d=$((t0 - T_YOUNG + GAP - 1))
		check_selection dry --older-than "$d" "$@"
		((EPOCHSECONDS - t0 < GAP - 1)) && return 0
		echo "# --older-than $d $*: took $((EPOCHSECONDS - t0)) s, inconclusive; again"
		FAILURES=$before
	done
	FAILURES+="selection '--older-than D $*': never ran within $((GAP - 1)) s of choosing D"$'\n'
}

# report_failures: fail with every disagreement found, if any.
report_failures() {
	if [[ -n $FAILURES ]]; then
		printf 'population seed %s\n%s' "${SHMKIT_PROP_SEED:-1}" "$FAILURES" >&2
		return 1
	fi
}

# bats test_tags=needs:root
@test "the population is what was made: held ones by construction, no non-object listed" {
	require_root "makes objects of other owners"
	populate
	run -0 --separate-stderr shmls -rn -o REF,ORPHAN,STATUS
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$T/ls"
	# 150 SysV segments and 157 POSIX objects, one of them unlinked
	assert_equal "${#lines[@]}" 307
	# shellcheck disable=SC2016 # awk's $
	run -0 awk '$2 != "yes" { print $1 }' "$T/ls"
	assert_equal "$(LC_ALL=C sort <<<"$output")" "$(LC_ALL=C sort "$T/held")"
	# shellcheck disable=SC2016 # awk's $
	run -0 awk -v nonobj="${NONOBJ[*]}" \
		'BEGIN { split(nonobj, n); for (i in n) bad["/" n[i]] = 1 } $1 in bad' "$T/ls"
	assert_output ""
}

# bats test_tags=needs:root
@test "shmrm -n -v selects what shmls lists, for every selection (dry run)" {
	require_root "makes objects of other owners"
	populate "$GAP"
	FAILURES=
	local sel d
	# one selection a line, words split (no glob here has a blank)
	while read -r -a sel; do
		check_selection dry "${sel[@]}"
	done <<'EOF'

--sysv
--posix
--orphans
--orphans --sysv
--orphans --posix
--older-than 0
--older-than 0 --sysv
--older-than 1h
--older-than 1h --sysv
--older-than 90m --posix
--older-than 1d
--older-than 1w
-u nobody
-u nobody --sysv
-u nobody --posix
-u 0
-u root --posix
-u 4242
-u 4242 --sysv
--name a*
--name a* --sysv
--name a* --posix
--name *
--name .*
--name ?
--name [ab]-0?1
--name *[*
--name *\**
--name -*
--name *[[:space:]]*
--orphans --older-than 1h -u nobody --name a*
--orphans -u 4242 --posix
--orphans --name .*
--older-than 1h -u root --name *
--older-than 1d --orphans --sysv
EOF
	# SysV ages: the old batch and not the young one, D chosen just before
	# (POSIX ages near D would move while the two run: --sysv only)
	age_selection --sysv
	age_selection --sysv --orphans -u nobody
	report_failures
}

# bats test_tags=needs:root
@test "shmrm removes what shmls lists, selection after selection, and keeps the held" {
	require_root "makes objects of other owners"
	populate
	FAILURES=
	local sel ref
	while read -r -a sel; do
		check_selection real "${sel[@]}"
	done <<'EOF'
--orphans --older-than 1h -u nobody --name a*
-u 4242 --posix
--name .*
--name *[*
--older-than 1h
--orphans --sysv -u nobody
--orphans
--sysv

EOF
	# at the end only the held ones are left, and the non-objects
	run -0 shmls -rn -o REF
	run -0 comm -3 <(LC_ALL=C sort "$T/held") <(LC_ALL=C sort <<<"$output")
	[[ -z $output ]] ||
		FAILURES+="the end: held (left column) and still listed (right) differ:"$'\n'"$output"$'\n'
	for ref in "${NONOBJ[@]}"; do
		[[ -e /dev/shm/$ref || -L /dev/shm/$ref ]] || FAILURES+="the end: /dev/shm/$ref is gone"$'\n'
	done
	report_failures
}

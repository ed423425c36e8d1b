#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2034 # the sets filled here are read through namerefs (local -n)
# The property DESIGN.md section 5 promises: shmls and shmrm select with the
# same code, so what `shmls SELECTION` lists is what `shmrm SELECTION`
# removes, held segments aside. Checked over a generated population of a few
# hundred objects of both kinds (owners, modes, ages, holders, dot names and
# hostile names, non-objects in /dev/shm), for many selections, as a dry run
# and for real. Each selection costs one shmls and one shmrm: the sets are
# compared in the shell, so the file stays fast under ASan too.
#
# SHMKIT_PROP_SEED picks another population (the default is 1); a failure
# prints the seed, and every difference found, for every selection.

bats_require_minimum_version 1.5.0
load test_helper

# The glob filter is `--name GLOB` in shmls and `--name-match GLOB` in shmrm
# today. Both are being unified to --name (shmrm keeping --name-match as an
# alias): then set this to --name. The selections below are written in
# shmls's spelling and translated for shmrm.
RM_GLOB_OPT=--name-match

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
GAP=3

# rand N: R, the next number of a fixed linear congruential sequence, modulo N.
rand() {
	SEED=$(((SEED * 1103515245 + 12345) & 0x7fffffff))
	R=$(((SEED >> 8) % $1))
}

# posix_line NAME: a spec line for NAME (written as shmls -r escapes it)
# with a generated owner, mode and age.
posix_line() {
	local uid mode age
	rand 3
	uid=${OWNERS[R]}
	rand 3
	mode=${MODES[R]}
	rand ${#AGES[@]}
	age=${AGES[R]}
	echo "posix $1 4096 $mode $uid $uid $age"
}

# sysv_lines FIRST LAST: spec lines for SysV segments FIRST..LAST, one in
# ten IPC_PRIVATE, the others keyed 0x7e000000 + N.
sysv_lines() {
	local i key uid
	for ((i = $1; i <= $2; i++)); do
		key=$((i % 10 == 0 ? 0 : 0x7e000000 + i))
		rand 3
		uid=${OWNERS[R]}
		rand 3
		echo "sysv $key 4096 ${MODES[R]} $uid $uid"
	done
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
	local gap=${1:-0} i p spec=$T/spec name
	SEED=${SHMKIT_PROP_SEED:-1}
	echo "# population seed ${SHMKIT_PROP_SEED:-1}"

	# The old SysV batch, made by root and given to each owner (IPC_SET).
	sysv_lines 0 99 >"$spec.sysv-old"
	mapfile -t SYSV_OLD < <("$HELPERS/population" create <"$spec.sysv-old")
	((${#SYSV_OLD[@]} == 100)) || return 1
	T_OLD_END=$EPOCHSECONDS

	# POSIX objects: generated names, then the hostile ones, each with a
	# generated owner, mode and age.
	{
		for ((i = 0; i < 120; i++)); do
			p=(a b c ab)
			rand 4
			printf -v name '%s-%03d' "${p[R]}" "$i"
			posix_line "$name"
		done
		for name in '.hidden' '..x' '.a-dot' 'a.not-hidden' \
			'a\x20space' '\x20lead' 'trail\x20' 'new\x0aline' 'a\x0anl' \
			"quo'te" "a'q" 'a"dq' 'back\x5cslash' 'a\x5c' 'tab\x09x' \
			'\xff\xfe' 'a\xc3(' 'caf\xc3\xa9' '-dash' '--all' '-u' \
			'a*b' 'a?c' 'a[x' 'a]' '*' '?' '[' '[ab]' 'a\x01ctl' 'a\x7fdel'; do
			posix_line "$name"
		done
		# to be held, old enough for --older-than 1h and named for 'a*'
		for name in 'a-held-map' 'a-held-fd' '.held-dot' 'a\x20held\x0amap' \
			'b-held' 'a-gone'; do
			echo "posix $name 4096 0600 65534 65534 7200"
		done
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
	sysv_lines 100 129 >"$spec.sysv-young"
	mapfile -t SYSV_YOUNG < <("$HELPERS/population" create <"$spec.sysv-young")
	for ((i = 130; i < 150; i++)); do
		echo "sysv $((0x7e000000 + i)) 4096 0600 $THIRD_UID $THIRD_UID"
	done >"$spec.sysv-third"
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
}

# rm_args SELECTION...: RM, the selection in shmrm's spelling (the glob
# option translated; --all added when nothing else selects).
rm_args() {
	local a select=0
	RM=()
	for a in "$@"; do
		case $a in
		--name) RM+=("$RM_GLOB_OPT") select=1 ;;
		--orphans | --older-than | -u) RM+=("$a") select=1 ;;
		*) RM+=("$a") ;;
		esac
	done
	((select)) || RM=(--all "${RM[@]}")
}

# shmls_sets SELECTION...: run shmls -rn -o REF,ORPHAN,STATUS SELECTION and
# fill LS_FREE (what nothing holds: shmrm removes it) and LS_HELD (held, and
# still named: shmrm keeps it), associative arrays keyed by REF. Unlinked
# held objects (STATUS deleted) are in neither: shmrm cannot see them.
shmls_sets() {
	local line ref orphan status
	declare -gA LS_FREE=() LS_HELD=()
	LS_ODD=()
	run -0 --separate-stderr shmls -rn -o REF,ORPHAN,STATUS "$@"
	# shellcheck disable=SC2154 # run sets stderr
	LS_ERR=$stderr
	# split by hand: a here-string per line costs a temporary file each
	while IFS= read -r line; do
		[[ -n $line ]] || continue
		ref=${line%% *} status=${line#* }
		orphan=${status%% *} status=${status#* }
		if [[ $orphan == yes ]]; then
			LS_FREE[$ref]=1
		elif [[ $orphan == no && $status != deleted ]]; then
			LS_HELD[$ref]=1
		elif [[ $orphan != no ]]; then
			LS_ODD+=("$line")
		fi
	done <<<"$output"
}

# missing NAME_A NAME_B: the keys of associative array A that B lacks,
# sorted, one a line, indented.
missing() {
	local -n a=$1 b=$2
	local k out=()
	for k in "${!a[@]}"; do
		[[ -n ${b[$k]+set} ]] || out+=("$k")
	done
	((${#out[@]})) && printf '    %s\n' "${out[@]}" | LC_ALL=C sort
	return 0
}

# differ LABEL_A NAME_A LABEL_B NAME_B: append to PROBLEMS what one set has
# and the other lacks; succeed when they are equal.
differ() {
	local ab ba
	ab=$(missing "$2" "$4")
	ba=$(missing "$4" "$2")
	[[ -z $ab && -z $ba ]] && return 0
	[[ -z $ab ]] || PROBLEMS+="  $1, not $3:"$'\n'"$ab"$'\n'
	[[ -z $ba ]] || PROBLEMS+="  $3, not $1:"$'\n'"$ba"$'\n'
	return 1
}

# listed_refs NAME: fill associative array NAME with every REF shmls lists.
listed_refs() {
	local -n into=$1
	local ref
	run -0 shmls -rn -o REF
	while IFS= read -r ref; do
		[[ -z $ref ]] || into["$ref"]=1
	done <<<"$output"
}

# check_dry_run SELECTION...: shmls SELECTION against shmrm -n -v SELECTION;
# a disagreement is added to FAILURES, with the selection.
check_dry_run() {
	local line ref
	local -A rm_gone=() rm_kept=()
	local -a odd=()
	PROBLEMS=
	shmls_sets "$@"
	rm_args "$@"
	run -0 --separate-stderr shmrm -n -v "${RM[@]}"
	while IFS= read -r line; do
		[[ -n $line ]] || continue
		if [[ $line == '(dry run) removed '* ]]; then
			ref=${line#'(dry run) removed '}
			rm_gone[$ref]=1
		else
			odd+=("stdout: $line")
		fi
	done <<<"$output"
	while IFS= read -r line; do
		[[ -n $line ]] || continue
		if [[ $line =~ ^shmrm:\ kept\ \'(.*)\':\ held\ by\  ]]; then
			ref=${BASH_REMATCH[1]}
			rm_kept[$ref]=1
		elif ! [[ $line =~ ^shmrm:\ kept\ [0-9]+\ segments?\ in\ use\;\ --force\ removes\ (it|them)$ ||
			$line == 'shmrm: no segment matched' ]]; then
			odd+=("stderr: $line")
		fi
	done <<<"$stderr"
	differ "listed unheld by shmls" LS_FREE "removed by shmrm -n" rm_gone || true
	differ "listed held by shmls" LS_HELD "kept as held by shmrm -n" rm_kept || true
	[[ -z $LS_ERR ]] || PROBLEMS+="  shmls said on stderr: $LS_ERR"$'\n'
	((${#LS_ODD[@]} == 0)) || PROBLEMS+="$(printf '  shmls could not tell: %s\n' "${LS_ODD[@]}")"$'\n'
	((${#odd[@]} == 0)) || PROBLEMS+="$(printf '  shmrm said %s\n' "${odd[@]}")"$'\n'
	echo "# ${*:-(no filter)}: shmls ${#LS_FREE[@]} unheld + ${#LS_HELD[@]} held; shmrm -n ${#rm_gone[@]} + ${#rm_kept[@]} kept"
	[[ -z $PROBLEMS ]] || FAILURES+="selection '$*' (shmrm ${RM[*]}):"$'\n'"$PROBLEMS"
}

# check_real_run SELECTION...: what shmls SELECTION lists unheld is what
# shmrm -v SELECTION removes; afterwards shmls lists none of it, and every
# held object is still there. Disagreements go to FAILURES.
check_real_run() {
	local line ref
	local -A rm_gone=() after=() held=() gone_left=()
	local -a odd=()
	PROBLEMS=
	shmls_sets "$@"
	rm_args "$@"
	run -0 --separate-stderr shmrm -v "${RM[@]}"
	while IFS= read -r line; do
		[[ -n $line ]] || continue
		if [[ $line == 'removed '* ]]; then
			ref=${line#removed }
			rm_gone[$ref]=1
		else
			odd+=("stdout: $line")
		fi
	done <<<"$output"
	differ "listed unheld by shmls" LS_FREE "removed by shmrm" rm_gone || true
	listed_refs after
	for ref in "${!LS_FREE[@]}" "${!rm_gone[@]}"; do
		[[ -z ${after[$ref]+set} ]] || gone_left[$ref]=1
	done
	if ((${#gone_left[@]})); then
		PROBLEMS+="  listed unheld or said removed, and still listed afterwards:"$'\n'
		PROBLEMS+="$(printf '    %s\n' "${!gone_left[@]}" | LC_ALL=C sort)"$'\n'
	fi
	for ref in "${HELD[@]}" "${HELD_GONE[@]}"; do
		held[$ref]=1
	done
	[[ -z $(missing held after) ]] ||
		PROBLEMS+="  held, and no longer listed:"$'\n'"$(missing held after)"$'\n'
	((${#odd[@]} == 0)) || PROBLEMS+="$(printf '  shmrm said %s\n' "${odd[@]}")"$'\n'
	echo "# ${*:-(no filter)}: shmls ${#LS_FREE[@]} unheld; shmrm removed ${#rm_gone[@]}; ${#after[@]} left"
	[[ -z $PROBLEMS ]] || FAILURES+="selection '$*' (shmrm ${RM[*]}):"$'\n'"$PROBLEMS"
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
	local -A want=()
	local ref
	for ref in "${HELD[@]}"; do
		want[$ref]=1
	done
	shmls_sets
	PROBLEMS=
	differ "held by construction" want "listed held by shmls" LS_HELD || true
	for ref in "${NONOBJ[@]}"; do
		[[ -z ${LS_FREE[/$ref]+set}${LS_HELD[/$ref]+set} ]] || PROBLEMS+="  lists /$ref"$'\n'
	done
	# 150 SysV and 157 POSIX objects, one of them unlinked
	((${#LS_FREE[@]} + ${#LS_HELD[@]} == 306)) ||
		PROBLEMS+="  lists ${#LS_FREE[@]} + ${#LS_HELD[@]} named objects, not 306"$'\n'
	[[ -z $PROBLEMS ]] || FAILURES="the population:"$'\n'"$PROBLEMS"
	report_failures
}

# bats test_tags=needs:root
@test "shmrm -n -v selects what shmls lists, for every selection (dry run)" {
	require_root "makes objects of other owners"
	populate "$GAP"
	FAILURES=
	local sel d
	# one selection a line, words split (no glob here has a blank)
	while read -r -a sel; do
		check_dry_run "${sel[@]}"
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
	# SysV ages: the old batch and not the young one, D chosen just before.
	d=$((EPOCHSECONDS - T_YOUNG + GAP - 1))
	check_dry_run --older-than "$d" --sysv
	d=$((EPOCHSECONDS - T_YOUNG + GAP - 1))
	check_dry_run --older-than "$d" --sysv --orphans -u nobody
	report_failures
}

# bats test_tags=needs:root
@test "shmrm removes what shmls lists, selection after selection, and keeps the held" {
	require_root "makes objects of other owners"
	populate
	FAILURES=
	local sel ref
	local -A left=() want=()
	while read -r -a sel; do
		check_real_run "${sel[@]}"
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
	listed_refs left
	for ref in "${HELD[@]}" "${HELD_GONE[@]}"; do
		want[$ref]=1
	done
	PROBLEMS=
	differ "held" want "left at the end" left || true
	for ref in "${NONOBJ[@]}"; do
		[[ -e /dev/shm/$ref || -L /dev/shm/$ref ]] || PROBLEMS+="  /dev/shm/$ref is gone"$'\n'
	done
	[[ -z $PROBLEMS ]] || FAILURES+="the end:"$'\n'"$PROBLEMS"
	report_failures
}

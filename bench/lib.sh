# shellcheck shell=bash
# Helpers for bench/*.sh: best-of-N wall time and one ratio line per target.
export PATH="$SHMKIT_BIN:$PATH" LC_ALL=C

# timed N SETUP CMD...: prints the best wall-clock seconds of N runs of
# CMD, each after the shell command SETUP (":" for none), which must work.
timed() {
	local n=$1 setup=$2 i t0 t1 dt min=
	shift 2
	for ((i = 0; i < n; i++)); do
		eval "$setup" >/dev/null 2>&1 || return 1
		t0=$EPOCHREALTIME
		"$@" >/dev/null 2>&1
		t1=$EPOCHREALTIME
		dt=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
		if [ -z "$min" ] || awk -v x="$dt" -v m="$min" 'BEGIN { exit !(x < m) }'; then
			min=$dt
		fi
	done
	echo "$min"
}

# best N CMD...: timed without a setup.
best() {
	local n=$1
	shift
	timed "$n" : "$@"
}

# ratio LABEL SHMKIT_SECONDS PEER_SECONDS TARGET: "x <= T" or "x >= T" are
# read as time ratios shmkit/peer; the line says whether the target is met.
ratio() {
	local label=$1 ours=$2 peer=$3 target=$4
	awk -v l="$label" -v a="$ours" -v b="$peer" -v t="$target" 'BEGIN {
		r = (b > 0) ? a / b : 0
		op = substr(t, 1, 2); v = substr(t, 3) + 0
		ok = (op == "<=") ? (r <= v) : (r >= v)
		printf "   %-58s %8.4fs vs %8.4fs  ratio %6.2f  target %s  %s\n",
			l, a, b, r, t, ok ? "met" : "MISSED"
	}'
}

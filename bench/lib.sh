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

# paired N SETUP CMD_A CMD_B: for a target of a few percent, where best-of-N
# of each drifts with the machine: A and B run in turn, N pairs, each
# after SETUP; prints "A B" where A/B is the median of the pairs' ratios
# (B as A's best time, A as that times the median ratio).
paired() {
	local n=$1 setup=$2 a=$3 b=$4 i t0 t1 t2 t3 out=
	for ((i = 0; i < n; i++)); do
		eval "$setup" >/dev/null 2>&1 || return 1
		t0=$EPOCHREALTIME
		eval "$a" >/dev/null 2>&1
		t1=$EPOCHREALTIME
		eval "$setup" >/dev/null 2>&1 || return 1
		t2=$EPOCHREALTIME
		eval "$b" >/dev/null 2>&1
		t3=$EPOCHREALTIME
		out+="$t0 $t1 $t2 $t3"$'\n'
	done
	awk 'NF == 4 { ta = $2 - $1; tb = $4 - $3; r[n++] = ta / tb; if (!m || tb < m) m = tb }
		END { for (i = 1; i < n; i++) for (j = i; j > 0 && r[j - 1] > r[j]; j--) {
			      t = r[j]; r[j] = r[j - 1]; r[j - 1] = t }
		      med = n % 2 ? r[(n - 1) / 2] : (r[n / 2 - 1] + r[n / 2]) / 2
		      printf "%.6f %.6f\n", m * med, m }' <<<"$out"
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

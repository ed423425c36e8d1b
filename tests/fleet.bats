#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The fleet pieces: metrics scraped through a real node_exporter, the
# systemd units as make install puts them (verified by systemd-analyze, and
# their command lines run as written, with their capability bounding set),
# and the example alerting rules (promtool).
# shmkit: also-without-pidns

bats_require_minimum_version 1.5.0
load test_helper

UNITDIR=/lib/systemd/system

# install_units: make install under $T/dest (PREFIX /opt/shmkit, the units
# in /lib/systemd/system as systemd's pkg-config file says).
install_units() {
	dest=$T/dest
	run -0 make -s -C "$SHMKIT_ROOT" install DESTDIR="$dest" PREFIX=/opt/shmkit \
		SYSTEMDUNITDIR="$UNITDIR" BUILD="$BUILD"
}

# exec_line UNIT: the words of UNIT's ExecStart= as systemd runs it: the
# Environment= lines, then the EnvironmentFile= (if it exists), "${VAR}"
# as one word, "$VAR" alone split at blanks (none when empty). Into CMD.
exec_line() {
	local unit=$1 line k v word envfile=
	declare -A env=()
	CMD=()
	while IFS= read -r line; do
		case $line in
		Environment=*)
			line=${line#Environment=}
			env[${line%%=*}]=${line#*=} ;;
		EnvironmentFile=*)
			envfile=${line#EnvironmentFile=}
			envfile=${envfile#-}
			if [[ -f $envfile ]]; then
				while IFS= read -r line; do
					[[ $line == [A-Z]*=* ]] || continue
					env[${line%%=*}]=${line#*=}
				done <"$envfile"
			fi ;;
		esac
	done <"$unit"
	line=$(sed -n 's/^ExecStart=//p' "$unit")
	for word in $line; do
		if [[ $word =~ ^\$\{([A-Z_]+)\}(.*)$ ]]; then
			CMD+=("${env[${BASH_REMATCH[1]}]}${BASH_REMATCH[2]}")
		elif [[ $word =~ ^(.*)\$\{([A-Z_]+)\}(.*)$ ]]; then
			CMD+=("${BASH_REMATCH[1]}${env[${BASH_REMATCH[2]}]}${BASH_REMATCH[3]}")
		elif [[ $word =~ ^\$([A-Z_]+)$ ]]; then
			# shellcheck disable=SC2206 # split at blanks, as systemd does
			CMD+=(${env[${BASH_REMATCH[1]}]})
		else
			CMD+=("$word")
		fi
	done
	# the program from this build, where the unit names the installed one
	k=${CMD[0]##*/}
	[[ ${CMD[0]} == /opt/shmkit/bin/$k ]] || return 1
	CMD[0]=$dest/opt/shmkit/bin/$k
}

# bounding UNIT: the unit's CapabilityBoundingSet= as setpriv takes it.
bounding() {
	local caps c out=-all
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$1")
	for c in $caps; do
		c=${c#CAP_}
		out+=,+${c,,}
	done
	echo "$out"
}

# as_unit UNIT: run CMD as the unit would, as root: no new privileges and
# only the unit's bounding set (after exec, root's permitted set is that).
as_unit() {
	setpriv --no-new-privs --bounding-set="$(bounding "$1")" -- "${CMD[@]}"
}

# free_port: a TCP port on 127.0.0.1 nobody listens on right now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

@test "fleet: a real node_exporter serves shmls --metrics from its textfile directory" {
	textfile=$T/textfile
	mkdir "$textfile"
	mk_posix "$SHM_NAME" 12345
	mk_posix "$SHM_NAME2" 100
	start_holder "$SHM_NAME2"
	mk_sysv "$SHM_KEY" 5000 >/dev/null
	run -0 --separate-stderr shmls --metrics --output-file "$textfile/shmkit.prom"
	port=$(free_port)
	prometheus-node-exporter --collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$textfile" \
		--web.listen-address="127.0.0.1:$port" >"$T/node.log" 2>&1 3>&- &
	node=$!
	HOLDER_PIDS+=("$node")
	for ((i = 0; i < 200; i++)); do
		curl -sf "http://127.0.0.1:$port/metrics" >"$T/scrape" && break
		kill -0 "$node" 2>/dev/null || fail "node_exporter exited: $(cat "$T/node.log")"
		sleep 0.05
	done
	[[ -s $T/scrape ]] || fail "node_exporter did not answer: $(cat "$T/node.log")"
	run -0 grep '^shmkit_' "$T/scrape"
	assert_line "shmkit_segments{kind=\"posix\",state=\"orphan\"} 1"
	assert_line "shmkit_segments{kind=\"posix\",state=\"held\"} 1"
	assert_line "shmkit_segments{kind=\"sysv\",state=\"orphan\"} 1"
	assert_line "shmkit_segments_size_bytes{kind=\"posix\",state=\"orphan\"} 12345"
	assert_line "shmkit_orphan_size_bytes{kind=\"posix\",ref=\"$SHM_NAME\",uid=\"0\"} 12345"
	# node_exporter read the file without complaint
	run -0 grep '^node_textfile_scrape_error ' "$T/scrape"
	assert_output "node_textfile_scrape_error 0"
	# a rewrite is what the next scrape shows
	rm "/dev/shm/${SHM_NAME#/}"
	run -0 --separate-stderr shmls --metrics --output-file "$textfile/shmkit.prom"
	run -0 curl -sf "http://127.0.0.1:$port/metrics"
	assert_line "shmkit_segments{kind=\"posix\",state=\"orphan\"} 0"
	# stopped by its PID: SIGTERM ends it (status 128 + 15)
	rc=0
	stop_holder "$node" || rc=$?
	assert_equal "$rc" 143
	run -1 kill -0 "$node"
}

@test "fleet: make install puts the units where systemd looks; systemd-analyze verify finds nothing" {
	install_units
	for u in shmkit-metrics.service shmkit-metrics.timer shmkit-cleanup.service shmkit-cleanup.timer; do
		[[ -f $dest$UNITDIR/$u ]] || fail "$u not installed"
		assert_equal "$(stat -c %a "$dest$UNITDIR/$u")" 644
	done
	run -0 grep -h '^ExecStart=' "$dest$UNITDIR"/shmkit-*.service
	assert_line --partial "ExecStart=/opt/shmkit/bin/shmls --metrics "
	assert_line --partial "ExecStart=/opt/shmkit/bin/shmrm --verbose --orphans "
	# --root: the units see DESTDIR as /; the targets they name come from
	# the host, and the man pages of Documentation= from the install
	cp /lib/systemd/system/*.target "$dest$UNITDIR/"
	run -0 --separate-stderr env MANPATH="$dest/opt/shmkit/share/man" \
		systemd-analyze verify --root="$dest" \
		"$dest$UNITDIR"/shmkit-*.service "$dest$UNITDIR"/shmkit-*.timer
	assert_equal "$stderr" ""
	assert_output ""
	# and it does complain: about a program that is not there
	rm "$dest/opt/shmkit/bin/shmls"
	run -1 --separate-stderr env MANPATH="$dest/opt/shmkit/share/man" \
		systemd-analyze verify --root="$dest" "$dest$UNITDIR/shmkit-metrics.service"
	[[ $stderr == *"/opt/shmkit/bin/shmls is not executable"* ]]
}

@test "fleet: the units are hardened and install enables nothing" {
	install_units
	for s in shmkit-metrics shmkit-cleanup; do
		f=$dest$UNITDIR/$s.service
		for d in NoNewPrivileges=yes ProtectSystem=strict PrivateNetwork=yes; do
			grep -qx "$d" "$f" || fail "$s.service lacks $d"
		done
		grep -q '^CapabilityBoundingSet=CAP_' "$f"
		# /dev/shm and the IPC namespace must stay the host's
		run -1 grep -E '^(PrivateDevices|PrivateIPC)=yes' "$f"
	done
	run -0 grep -x 'ReadWritePaths=-/var/lib/prometheus/node-exporter' "$dest$UNITDIR/shmkit-metrics.service"
	run -0 find "$dest" -path '*.wants*'
	assert_output ""
	run -0 grep -x 'OnCalendar=minutely' "$dest$UNITDIR/shmkit-metrics.timer"
	run -0 grep -x 'OnCalendar=daily' "$dest$UNITDIR/shmkit-cleanup.timer"
}

@test "fleet: the metrics unit's command, run as written with its capabilities, writes the textfile" {
	install_units
	mk_posix "$SHM_NAME" 4096
	start_holder "$SHM_NAME"
	mk_posix "$SHM_NAME2" 100
	# its environment file, in this test's own mount namespace
	mount -t tmpfs shmkit-test-etc /etc/default
	printf 'SHMKIT_METRICS_DIR=%s\nSHMKIT_METRICS_OPTIONS=--metrics-top=1 --posix\n' "$T/tf" \
		>/etc/default/shmkit-metrics
	mkdir "$T/tf"
	exec_line "$dest$UNITDIR/shmkit-metrics.service"
	assert_equal "${CMD[*]}" "$dest/opt/shmkit/bin/shmls --metrics --output-file $T/tf/shmkit.prom --metrics-top=1 --posix"
	umask 022
	run -0 --separate-stderr as_unit "$dest$UNITDIR/shmkit-metrics.service"
	umount /etc/default
	run -0 promtool check metrics <"$T/tf/shmkit.prom"
	assert_equal "$(stat -c %a "$T/tf/shmkit.prom")" 644
	run -0 grep '^shmkit_segments{' "$T/tf/shmkit.prom"
	assert_line 'shmkit_segments{kind="posix",state="held"} 1'
	assert_line 'shmkit_segments{kind="posix",state="orphan"} 1'
	if [[ -z ${SHMKIT_NO_PIDNS:-} ]] && is_root; then
		# the bounding set is enough to examine every process
		run -0 grep -x 'shmkit_scrape_incomplete 0' "$T/tf/shmkit.prom"
	fi
}

@test "fleet: the cleanup unit's command, run as written, removes an aged orphan and keeps a held one" {
	require_root "another user's objects and the unit's capabilities"
	install_units
	old=$SHM_NAME-old held=$SHM_NAME-held young=$SHM_NAME-young
	mk_posix "$old" 100 0644
	chown nobody "/dev/shm/${old#/}"
	mk_posix "$held" 100
	start_holder "$held"
	mk_posix "$young" 100
	touch -d '-3 hours' "/dev/shm/${old#/}" "/dev/shm/${held#/}"
	mk_sysv "$SHM_KEY" 100 >/dev/null
	mount -t tmpfs shmkit-test-etc /etc/default
	printf 'SHMKIT_CLEANUP_AGE=2h\n' >/etc/default/shmkit-cleanup
	exec_line "$dest$UNITDIR/shmkit-cleanup.service"
	umount /etc/default
	assert_equal "${CMD[*]}" "$dest/opt/shmkit/bin/shmrm --verbose --orphans --older-than 2h"
	run -0 --separate-stderr as_unit "$dest$UNITDIR/shmkit-cleanup.service"
	# what it removed is on standard output, for the journal
	assert_output --partial "$old"
	[[ ! -e /dev/shm/${old#/} ]]
	[[ -e /dev/shm/${held#/} ]]
	[[ -e /dev/shm/${young#/} ]]
	[[ -n $(sysv_id_of_key "$SHM_KEY") ]]
	# without the environment file: the unit's own default, 7 days
	exec_line "$dest$UNITDIR/shmkit-cleanup.service"
	assert_equal "${CMD[*]}" "$dest/opt/shmkit/bin/shmrm --verbose --orphans --older-than 7d"
}

@test "fleet: the example alerting rules pass promtool and fire on an hour of orphans" {
	rules=$SHMKIT_ROOT/contrib/prometheus/shmkit-alerts.yml
	run -0 promtool check rules "$rules"
	assert_output --partial "SUCCESS: 5 rules found"
	cp "$rules" "$T/shmkit-alerts.yml"
	cat >"$T/test.yml" <<'EOF'
rule_files: [shmkit-alerts.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'shmkit_segments_size_bytes{instance="a",kind="posix",state="orphan"}'
        values: '2147483648x90'
      - series: 'shmkit_segments_size_bytes{instance="a",kind="sysv",state="orphan"}'
        values: '0x90'
      - series: 'shmkit_segments_size_bytes{instance="b",kind="posix",state="orphan"}'
        values: '1000x90'
    alert_rule_test:
      - eval_time: 30m
        alertname: SharedMemoryOrphaned
        exp_alerts: []
      - eval_time: 61m
        alertname: SharedMemoryOrphaned
        exp_alerts:
          - exp_labels: {severity: warning, instance: a}
            exp_annotations:
              summary: "Over 1 GiB of orphaned shared memory on a"
              description: "2GiB of shared memory has had no holder for an hour. `shmls --orphans -p` lists it; `shmrm --orphans --older-than 1h` removes it."
EOF
	run -0 promtool test rules "$T/test.yml"
	assert_output --partial SUCCESS
}

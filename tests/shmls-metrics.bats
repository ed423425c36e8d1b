#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmls --metrics: the Prometheus text format that node_exporter's textfile
# collector reads, checked by promtool and by value; the bounded series.
# shmkit: also-without-pidns

bats_require_minimum_version 1.5.0
load test_helper

# metric 'NAME{LABELS}': the value of that one sample in $prom ("" if absent).
metric() {
	awk -v s="$1" 'substr($0, 1, length(s) + 1) == s " " { print substr($0, length(s) + 2) }' <<<"$prom"
}

# metrics [OPTION...]: shmls --metrics into $prom, checked by promtool.
metrics() {
	run -0 --separate-stderr shmls --metrics "$@"
	prom=$output
	run -0 promtool check metrics <<<"$prom"
}

@test "shmls --metrics counts both kinds by state: held, orphan, marked, deleted but held" {
	mk_posix "$SHM_NAME" 4096
	start_holder "$SHM_NAME"
	mk_posix "$SHM_NAME2" 10000
	mk_posix "$SHM_NAME-gone" 5000
	fd_holder "$SHM_NAME-gone"
	rm "/dev/shm/${SHM_NAME#/}-gone"
	mk_sysv "$SHM_KEY" 3000 >/dev/null
	id=$(mk_sysv "$SHM_KEY2" 7000)
	start_holder "id:$id"
	ipcrm -m "$id"
	mk_sysv 0 100 >/dev/null
	metrics
	assert_equal "$(metric 'shmkit_segments{kind="posix",state="held"}')" 1
	assert_equal "$(metric 'shmkit_segments{kind="posix",state="orphan"}')" 1
	assert_equal "$(metric 'shmkit_segments{kind="posix",state="deleted"}')" 1
	assert_equal "$(metric 'shmkit_segments_size_bytes{kind="posix",state="held"}')" 4096
	assert_equal "$(metric 'shmkit_segments_size_bytes{kind="posix",state="orphan"}')" 10000
	assert_equal "$(metric 'shmkit_segments_size_bytes{kind="posix",state="deleted"}')" 5000
	assert_equal "$(metric 'shmkit_segments{kind="sysv",state="held"}')" 0
	assert_equal "$(metric 'shmkit_segments{kind="sysv",state="orphan"}')" 2
	assert_equal "$(metric 'shmkit_segments{kind="sysv",state="marked"}')" 1
	assert_equal "$(metric 'shmkit_segments_size_bytes{kind="sysv",state="orphan"}')" 3100
	assert_equal "$(metric 'shmkit_segments_size_bytes{kind="sysv",state="marked"}')" 7000
	assert_equal "$(metric 'shmkit_sysv_segments_allocated')" 3
	assert_equal "$(metric 'shmkit_sysv_largest_segment_bytes')" 7000
	# every family has HELP and TYPE, and is a gauge
	run -0 grep -c '^# TYPE shmkit_[a-z_]* gauge$' <<<"$prom"
	assert_output 21
	run -0 grep -c '^# HELP shmkit_[a-z_]* .' <<<"$prom"
	assert_output 21
}

@test "shmls --metrics shows the limits and /dev/shm as this namespace has them" {
	echo 77 >/proc/sys/kernel/shmmni
	echo 123456789 >/proc/sys/kernel/shmmax
	echo 1000 >/proc/sys/kernel/shmall
	remount_shm 8m
	mk_posix "$SHM_NAME" 0
	head -c 1M /dev/zero >"/dev/shm/${SHM_NAME#/}"
	mk_sysv "$SHM_KEY" 5000 >/dev/null
	metrics
	pg=$(getconf PAGESIZE)
	assert_equal "$(metric shmkit_sysv_segments_max)" 77
	assert_equal "$(metric shmkit_sysv_segment_max_bytes)" 123456789
	assert_equal "$(metric shmkit_sysv_max_bytes)" $((1000 * pg))
	assert_equal "$(metric shmkit_sysv_allocated_bytes)" $(((5000 + pg - 1) / pg * pg))
	assert_equal "$(metric shmkit_shmfs_size_bytes)" $((8 * 1024 * 1024))
	assert_equal "$(metric shmkit_shmfs_used_bytes)" $((1024 * 1024))
	assert_equal "$(metric shmkit_shmfs_avail_bytes)" $((7 * 1024 * 1024))
	assert_equal "$(metric 'shmkit_resident_bytes{kind="posix"}')" $((1024 * 1024))
	assert_equal "$(metric 'shmkit_swapped_bytes{kind="posix"}')" 0
	now=$(date +%s)
	ts=$(metric shmkit_last_run_timestamp_seconds)
	((ts >= now - 60 && ts <= now))
}

@test "shmls --metrics: the oldest orphan's age and the largest orphans, escaped names included" {
	mk_posix "$SHM_NAME-old" 100
	touch -d '-1000 seconds' "/dev/shm/${SHM_NAME#/}-old"
	mk_posix "$SHM_NAME-big" 90000
	hostile=$SHM_NAME-$'q"b\\n\nx y\xff'
	mk_posix "$hostile" 50000
	metrics
	age=$(metric 'shmkit_oldest_orphan_age_seconds{kind="posix"}')
	((age >= 1000 && age < 1100))
	assert_equal "$(metric 'shmkit_oldest_orphan_age_seconds{kind="sysv"}')" 0
	# largest first; the ref as shmls -r prints it, then the format's escapes
	run -0 grep '^shmkit_orphan_size_bytes' <<<"$prom"
	assert_equal "${#lines[@]}" 3
	assert_equal "${lines[0]}" "shmkit_orphan_size_bytes{kind=\"posix\",ref=\"$SHM_NAME-big\",uid=\"0\"} 90000"
	assert_equal "${lines[1]}" "shmkit_orphan_size_bytes{kind=\"posix\",ref=\"$SHM_NAME-q\\\"b\\\\x5cn\\\\x0ax\\\\x20y\\\\xff\",uid=\"0\"} 50000"
	assert_equal "${lines[2]}" "shmkit_orphan_size_bytes{kind=\"posix\",ref=\"$SHM_NAME-old\",uid=\"0\"} 100"
	age=$(metric "shmkit_orphan_age_seconds{kind=\"posix\",ref=\"$SHM_NAME-old\",uid=\"0\"}")
	((age >= 1000 && age < 1100))
	# the label, unescaped once, is what shmls -r prints: shmrm - takes it
	ref=$(shmls -rn -o REF --orphans | grep -F -- '-q"b')
	esc=${ref//\\/\\\\}
	esc=${esc//\"/\\\"}
	assert_equal "${lines[1]}" "shmkit_orphan_size_bytes{kind=\"posix\",ref=\"$esc\",uid=\"0\"} 50000"
	run -0 shmrm - <<<"$ref"
	[[ ! -e /dev/shm/${hostile#/} ]]
}

@test "shmls --metrics-top N bounds the per-segment series; 0 gives none" {
	for i in $(seq 1 15); do
		mk_posix "$SHM_NAME-$i" $((i * 1000))
	done
	metrics
	run -0 grep -c '^shmkit_orphan_size_bytes{' <<<"$prom"
	assert_output 10
	assert_equal "$(metric "shmkit_orphan_size_bytes{kind=\"posix\",ref=\"$SHM_NAME-15\",uid=\"0\"}")" 15000
	assert_equal "$(metric "shmkit_orphan_size_bytes{kind=\"posix\",ref=\"$SHM_NAME-6\",uid=\"0\"}")" 6000
	assert_equal "$(metric "shmkit_orphan_size_bytes{kind=\"posix\",ref=\"$SHM_NAME-5\",uid=\"0\"}")" ""
	metrics --metrics-top 3
	run -0 grep -c '^shmkit_orphan_age_seconds{' <<<"$prom"
	assert_output 3
	metrics --metrics-top 0
	run -1 grep '^shmkit_orphan_' <<<"$prom"
	# the families are there, empty, so that the metric names stay known
	run -0 grep -c '^# TYPE shmkit_orphan_' <<<"$prom"
	assert_output 2
}

@test "shmls --metrics with --sysv or --posix prints only that kind" {
	mk_posix "$SHM_NAME" 100
	mk_sysv "$SHM_KEY" 100 >/dev/null
	metrics --posix
	run -1 grep 'kind="sysv"' <<<"$prom"
	assert_equal "$(metric 'shmkit_segments{kind="posix",state="orphan"}')" 1
	metrics --sysv
	run -1 grep 'kind="posix"' <<<"$prom"
	assert_equal "$(metric 'shmkit_segments{kind="sysv",state="orphan"}')" 1
}

@test "shmls --metrics says when holders could not all be examined" {
	mk_posix "$SHM_NAME" 100 0644
	run -0 --separate-stderr shmls -p
	notes=$stderr
	metrics
	unexamined=$(metric shmkit_unexamined_processes)
	if [[ -n $notes ]]; then
		assert_equal "$(metric shmkit_scrape_incomplete)" 1
		((unexamined > 0))
	else
		assert_equal "$(metric shmkit_scrape_incomplete)" 0
		assert_equal "$unexamined" 0
	fi
	if [[ -z ${SHMKIT_NO_PIDNS:-} ]] && is_root; then
		# a PID namespace of our own: root sees every process
		assert_equal "$(metric shmkit_scrape_incomplete)" 0
	fi
	# nobody cannot read root's processes: incomplete, and said so
	if is_root; then
		run -0 --separate-stderr as_nobody shmls --metrics
		prom=$output
		assert_equal "$(metric shmkit_scrape_incomplete)" 1
		(($(metric shmkit_unexamined_processes) > 0))
		[[ $stderr == *"could not be examined"* ]]
		run -0 promtool check metrics <<<"$prom"
	fi
}

@test "shmls --metrics stays within its stated bound with 32768 SysV segments" {
	require_root "raising kernel.shmmni"
	echo 32768 >/proc/sys/kernel/shmmni
	awk 'BEGIN { for (i = 0; i < 32768; i++) print "sysv 0 1 0600 0 0" }' |
		"$HELPERS/population" create >/dev/null
	assert_equal "$(sysv_count)" 32768
	for i in $(seq 1 20); do
		mk_posix "$SHM_NAME-$i" 100
	done
	metrics
	assert_equal "$(metric 'shmkit_segments{kind="sysv",state="orphan"}')" 32768
	assert_equal "$(metric shmkit_sysv_segments_allocated)" 32768
	# shmls(1): at most 78 + 2 x --metrics-top lines for one namespace
	n=$(wc -l <<<"$prom")
	((n <= 78 + 2 * 10)) || fail "$n lines"
	run -0 grep -c '^shmkit_orphan_size_bytes{' <<<"$prom"
	assert_output 10
}

@test "shmls --metrics: what cannot go with it is a usage error" {
	run -2 --separate-stderr shmls --metrics -J
	assert_equal "$stderr" "$(usage_error shmls "--metrics cannot be used with another output option")"
	run -2 --separate-stderr shmls --metrics -o REF
	assert_equal "$stderr" "$(usage_error shmls "--metrics cannot be used with another output option")"
	run -2 --separate-stderr shmls --metrics-top 3
	assert_equal "$stderr" "$(usage_error shmls "--metrics-top needs --metrics")"
	run -2 --separate-stderr shmls --metrics --metrics-top 1001
	assert_equal "$stderr" "$(usage_error shmls "invalid number '1001' for --metrics-top (0 to 1000)")"
	run -2 --separate-stderr shmls --metrics --metrics-top -1
	assert_output ""
}

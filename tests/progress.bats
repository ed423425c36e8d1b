#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# shmwrite --progress and shmread --progress: redrawn in place on a
# terminal (a real pseudo-terminal from python's pty), plain lines into a
# file, never on stdout, and the data byte for byte. The copies are paced
# on purpose: the feeding side waits for a redraw before it goes on.

bats_require_minimum_version 1.5.0
load test_helper

# paced MODE OUT...: python drives one copy with stderr on a pty; see below.
paced() {
	python3 - "$@" <<'EOF'
import os, pty, re, subprocess, sys, time
mode, ref, data_path, log_path = sys.argv[1:5]
data = open(data_path, "rb").read()
master, slave = pty.openpty()
log = b""

def until(pattern, what):
    """Read the terminal until PATTERN shows; 30 s at most."""
    global log
    end = time.time() + 30
    while not re.search(pattern, log):
        if time.time() > end:
            sys.exit("no %s on the terminal: %r" % (what, log))
        try:
            log += os.read(master, 4096)
        except OSError:
            break

if mode == "write":
    # shmwrite -c REF from a pipe: unknown size. Half, a redraw, the rest.
    p = subprocess.Popen(["shmwrite", "-c", "--progress", ref], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=slave)
    half = len(data) // 2
    p.stdin.write(data[:half]); p.stdin.flush()
    until(rb"\rshmwrite: 1\.0 MiB, [0-9.]+ [KMG]?i?B/s\x1b\[K", "redraw at 1 MiB")
    p.stdin.write(data[half:]); p.stdin.flush()
    until(rb"\rshmwrite: 2\.0 MiB, [0-9.]+ [KMG]?i?B/s\x1b\[K", "redraw at 2 MiB")
    p.stdin.close()
    out = p.stdout.read()
    rc = p.wait()
    os.close(slave)
    until(rb"in [0-9.]+ s, [0-9.]+ [KMG]?i?B/s\x1b\[K\r?\n", "last line")
    if out:
        sys.exit("shmwrite wrote to stdout: %r" % out[:100])
else:
    # shmread REF into a pipe read slowly: known size, percent and time left.
    p = subprocess.Popen(["shmread", "--progress", ref], stdout=subprocess.PIPE, stderr=slave)
    got = p.stdout.read(1 << 20)
    until(rb"\rshmread: [0-9.]+ [KM]iB of 8\.0 MiB \([0-9]+%\), [0-9.]+ [KMG]?i?B/s, 0:[0-9]{2}:[0-9]{2} left\x1b\[K",
          "redraw with percent and time left")
    got += p.stdout.read()
    rc = p.wait()
    os.close(slave)
    until(rb"\rshmread: 8\.0 MiB in [0-9.]+ s, [0-9.]+ [KMG]?i?B/s\x1b\[K\r?\n", "last line")
    if got != data:
        sys.exit("shmread gave %d bytes, not the %d written" % (len(got), len(data)))
open(log_path, "wb").write(log)
sys.exit(rc)
EOF
}

@test "shmwrite --progress on a terminal: redrawn in place as bytes arrive, a last line, the data intact" {
	head -c 2M /dev/urandom >"$T/data"
	run -0 paced write "$SHM_NAME" "$T/data" "$T/tty"
	run -0 cmp "$T/data" "/dev/shm/${SHM_NAME#/}"
	# every line but the last is a redraw: \r, the line, erase to its end
	run -0 python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); print(d.count(b"\r"), d.count(b"\n"))' "$T/tty"
	read -r cr nl <<<"$output"
	((cr >= 3))
	assert_equal "$nl" 1
}

@test "shmread --progress on a terminal: percent and time left while a slow reader reads, the bytes exact" {
	head -c 8M /dev/urandom >"$T/data"
	shmwrite -c "$SHM_NAME" "$T/data"
	run -0 paced read "$SHM_NAME" "$T/data" "$T/tty"
	run -0 grep -c $'\e\\[K' "$T/tty"
	((output >= 1))
}

@test "--progress with stderr in a file: plain lines, no escapes, the last one whole; stdout untouched" {
	head -c 3M /dev/urandom >"$T/data"
	run -0 --separate-stderr shmwrite -c --progress "$SHM_NAME" "$T/data"
	assert_output ""
	assert_equal "${#stderr_lines[@]}" 1
	[[ ${stderr_lines[0]} =~ ^shmwrite:\ 3\.0\ MiB\ in\ [0-9.]+\ s,\ [0-9.]+\ [KMG]?i?B/s$ ]]
	shmread --progress "$SHM_NAME" >"$T/out" 2>"$T/err"
	run -0 cmp "$T/data" "$T/out"
	run -0 cat "$T/err"
	assert_output --regexp '^shmread: 3\.0 MiB in [0-9.]+ s, [0-9.]+ [KMG]?i?B/s$'
	run -1 grep -c $'[\r\e]' "$T/err"
	# a SysV segment and the hex dump count too
	mk_sysv "$SHM_KEY" 100000 >/dev/null
	run -0 --separate-stderr shmread --progress -x "$SHM_KEY"
	[[ $stderr =~ ^shmread:\ 98\ KiB\ in\ [0-9.]+\ s ]]
}

@test "--progress when the copy fails: the error is on a line of its own, no last line" {
	remount_shm 1m
	head -c 3M /dev/zero >"$T/data"
	run -1 --separate-stderr shmwrite -c --progress "$SHM_NAME" "$T/data"
	assert_equal "${#stderr_lines[@]}" 1
	[[ ${stderr_lines[0]} == "shmwrite: cannot write '$SHM_NAME': "* ]]
	[[ ${stderr_lines[0]} != *" in "*" s, "* ]]
}

#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# make install / make uninstall under DESTDIR and PREFIX.

bats_require_minimum_version 1.5.0
load test_helper

# The files an install must create, relative to DESTDIR.
expected_files() {
	local p m
	for p in "${PROGS[@]}"; do
		echo "/opt/shmkit/bin/$p"
		echo "/opt/shmkit/share/bash-completion/completions/$p"
	done
	echo /opt/shmkit/share/bash-completion/completions/shmkit
	echo /opt/shmkit/share/zsh/site-functions/_shmkit
	echo /opt/shmkit/share/fish/vendor_completions.d/shmkit.fish
	for p in "${PROGS[@]}"; do
		echo "/opt/shmkit/share/fish/vendor_completions.d/$p.fish"
	done
	for m in "$SHMKIT_ROOT"/man/*.[0-9]; do
		echo "/opt/shmkit/share/man/man${m##*.}/$(basename "$m")"
	done
	for u in shmkit-metrics.service shmkit-metrics.timer shmkit-cleanup.service shmkit-cleanup.timer; do
		echo "${1:-$UNITDIR}/$u"
	done
	for e in shmkit-alerts.yml shmkit-cleanup.default shmkit-metrics.default; do
		echo "/opt/shmkit/share/doc/shmkit/examples/$e"
	done
}

# where systemd's pkg-config file puts units (/lib/systemd/system on Debian)
UNITDIR=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null) ||
	UNITDIR=
UNITDIR=${UNITDIR:-/opt/shmkit/lib/systemd/system}

@test "make install puts programs, man pages and completion under DESTDIR/PREFIX" {
	dest=$BATS_TEST_TMPDIR/dest
	run -0 make -s -C "$SHMKIT_ROOT" install DESTDIR="$dest" PREFIX=/opt/shmkit BUILD="$BUILD"
	run -0 bash -c 'cd "$1" && find . \( -type f -o -type l \) | sed "s|^\.||" | sort' _ "$dest"
	assert_output "$(expected_files | sort)"
	for p in "${PROGS[@]}"; do
		[[ -x $dest/opt/shmkit/bin/$p ]]
		run -0 "$dest/opt/shmkit/bin/$p" --version
		assert_output --partial "$p (shmkit) $(sed -n 's/^VERSION *:= *//p' "$SHMKIT_ROOT/Makefile")"
	done
	run -0 stat -c %a "$dest/opt/shmkit/bin/shmls" "$dest/opt/shmkit/share/man/man1/shmls.1"
	assert_output $'755\n644'
}

@test "make uninstall removes exactly what make install put there" {
	dest=$BATS_TEST_TMPDIR/dest
	mkdir -p "$dest/opt/shmkit/bin"
	touch "$dest/opt/shmkit/bin/not-ours"
	run -0 make -s -C "$SHMKIT_ROOT" install DESTDIR="$dest" PREFIX=/opt/shmkit BUILD="$BUILD"
	run -0 make -s -C "$SHMKIT_ROOT" uninstall DESTDIR="$dest" PREFIX=/opt/shmkit BUILD="$BUILD"
	run -0 bash -c 'cd "$1" && find . \( -type f -o -type l \) | sort' _ "$dest"
	assert_output "./opt/shmkit/bin/not-ours"
}

@test "make install: without systemd's pkg-config file the units go under PREFIX/lib/systemd/system" {
	dest=$BATS_TEST_TMPDIR/dest
	run -0 make -s -C "$SHMKIT_ROOT" install DESTDIR="$dest" PREFIX=/opt/shmkit BUILD="$BUILD" PKG_CONFIG=false
	run -0 bash -c 'cd "$1" && find . \( -type f -o -type l \) | sed "s|^\.||" | sort' _ "$dest"
	assert_output "$(expected_files /opt/shmkit/lib/systemd/system | sort)"
	# the units run the programs where they were installed
	run -0 grep -h '^ExecStart=' "$dest"/opt/shmkit/lib/systemd/system/shmkit-{metrics,cleanup}.service
	assert_line --index 0 --regexp '^ExecStart=/opt/shmkit/bin/shmls '
	assert_line --index 1 --regexp '^ExecStart=/opt/shmkit/bin/shmrm '
}

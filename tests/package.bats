#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The Debian package: make deb in a copy of the tree, its files, lintian,
# and the programs run from the unpacked package. (Plain suite only: the
# package is its own build, the same under the sanitizers.)

bats_require_minimum_version 1.5.0
load test_helper

setup_file() {
	shmkit_guard || return 1
	command -v dpkg-buildpackage >/dev/null || return 0
	# one build for the file: a copy of the tree, without build output
	PKG=$BATS_FILE_TMPDIR/src/shmkit
	mkdir -p "$PKG"
	tar -C "$SHMKIT_ROOT" --exclude=./.git --exclude='./build*' --exclude=./debian/shmkit \
		--exclude=./debian/.debhelper -cf - . | tar -C "$PKG" -xf -
	make -C "$PKG" deb >"$BATS_FILE_TMPDIR/build.log" 2>&1 ||
		echo failed >"$BATS_FILE_TMPDIR/build.failed"
	export PKG
}

# the package built, or the build log as the failure
need_deb() {
	command -v dpkg-buildpackage >/dev/null || skip "dpkg-dev and debhelper are not installed (make deps)"
	if [[ -e $BATS_FILE_TMPDIR/build.failed ]]; then
		tail -30 "$BATS_FILE_TMPDIR/build.log" >&2
		return 1
	fi
	VERSION=$(sed -n 's/^VERSION *:= *//p' "$SHMKIT_ROOT/Makefile")
	DEB=$(echo "$PKG/build/deb/shmkit_${VERSION}_"*.deb)
	[[ -f $DEB ]]
}

@test "package: make deb builds shmkit_VERSION_ARCH.deb from debian/changelog's version" {
	need_deb
	run -0 dpkg-parsechangelog -l "$SHMKIT_ROOT/debian/changelog" -S Version
	assert_output "$VERSION"
	assert_equal "$(basename "$DEB")" "shmkit_${VERSION}_$(dpkg --print-architecture).deb"
	run -0 dpkg-deb -f "$DEB" Package Version Architecture
	assert_output "$(printf 'Package: shmkit\nVersion: %s\nArchitecture: %s' "$VERSION" "$(dpkg --print-architecture)")"
	# the checkout's own builds are left alone: the package builds in build-deb/
	[[ -x $PKG/build-deb/bin/shmls ]]
	run -0 ls "$PKG/build"
	assert_output deb
}

@test "package: dpkg-deb -c lists the programs, man pages, completions, units and examples" {
	need_deb
	run -0 bash -c 'dpkg-deb -c "$1" | awk "{ print \$6 }" | sed "s|^\./|/|" | grep -v "/$" | sort' _ "$DEB"
	files=$output
	for p in "${PROGS[@]}"; do
		assert_line "/usr/bin/$p"
		assert_line "/usr/share/man/man1/$p.1.gz"
		assert_line "/usr/share/bash-completion/completions/$p"
		assert_line "/usr/share/fish/vendor_completions.d/$p.fish"
	done
	assert_line /usr/share/man/man7/shmkit.7.gz
	assert_line /usr/share/zsh/vendor-completions/_shmkit
	for u in shmkit-metrics.service shmkit-metrics.timer shmkit-cleanup.service shmkit-cleanup.timer; do
		assert_line "/lib/systemd/system/$u"
	done
	assert_line /usr/share/doc/shmkit/copyright
	assert_line /usr/share/doc/shmkit/examples/shmkit-alerts.yml
	# nothing under /usr/local, nothing enabled
	refute_line --partial /usr/local/
	refute_line --partial .wants/
	run -0 dpkg-deb -I "$DEB" postinst
	refute_output --regexp 'deb-systemd-invoke (start|restart)'
	# a timer is enabled again only where the administrator had enabled it
	run -0 bash -c 'dpkg-deb -I "$1" postinst | grep -c "deb-systemd-helper enable"' _ "$DEB"
	assert_output 2
	run -0 bash -c 'dpkg-deb -I "$1" postinst | grep -B2 "deb-systemd-helper enable" | grep -c "was-enabled"' _ "$DEB"
	assert_output 2
}

@test "package: lintian reports no error and no warning" {
	need_deb
	command -v lintian >/dev/null || skip "lintian is not installed (make deps)"
	run -0 --separate-stderr lintian --fail-on error,warning "$PKG"/build/deb/shmkit_"$VERSION"_*.changes
	refute_output --regexp '^[EW]: '
}

@test "package: the programs run from the unpacked package, hardened as dpkg-buildflags says" {
	need_deb
	root=$BATS_TEST_TMPDIR/root
	dpkg -x "$DEB" "$root"
	for p in "${PROGS[@]}"; do
		run -0 "$root/usr/bin/$p" --version
		assert_output "$p (shmkit) $VERSION"
	done
	run -0 "$root/usr/bin/shmcreate" "$SHM_NAME" 4K
	run -0 bash -c 'printf hello | "$1/usr/bin/shmwrite" "$2"' _ "$root" "$SHM_NAME"
	run -0 "$root/usr/bin/shmread" -l 5 "$SHM_NAME"
	assert_output hello
	run -0 "$root/usr/bin/shmls" -rn -o REF,SIZE "$SHM_NAME"
	assert_output "$SHM_NAME 4096"
	run -0 "$root/usr/bin/shmrm" "$SHM_NAME"
	[[ ! -e /dev/shm/${SHM_NAME#/} ]]
	# PIE, full RELRO, fortified calls
	run -0 readelf -h -d "$root/usr/bin/shmls"
	assert_output --partial "DYN (Position-Independent Executable file)"
	assert_output --partial "BIND_NOW"
	run -0 bash -c 'readelf -W --dyn-syms "$1" | grep -c "_chk@"' _ "$root/usr/bin/shmls"
	(( output > 0 ))
	# the man pages are the checkout's
	run -0 bash -c 'zcat "$1/usr/share/man/man1/shmls.1.gz" | cmp - "$2/man/shmls.1"' _ "$root" "$SHMKIT_ROOT"
}

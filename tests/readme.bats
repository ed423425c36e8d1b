#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The README's commands run as written, and CI runs the README's set-up.

bats_require_minimum_version 1.5.0
load test_helper

# blocks INFO: prints each fenced block whose info string is INFO, each
# followed by a line holding only NUL-free marker "#--end--".
blocks() {
	awk -v want="$1" '
		/^```/ && !inside { inside = 1; info = substr($0, 4); next }
		/^```$/ && inside { inside = 0; if (info == want) print "#--end--"; next }
		inside && info == want { print }
	' "$SHMKIT_ROOT/README.md"
}

@test "the README shows the two set-up commands and .ci/run runs exactly them" {
	run -0 blocks "sh no-run"
	assert_output "$(printf '%s\n' \
		'make deps     # installs the build and test packages with apt (skips apt when all are there)' \
		'make check    # builds, then runs every test; ends with "N passed, N failed, N skipped"' \
		'#--end--')"
	run -0 grep -vE '^(#|set -e$|$)' "$SHMKIT_ROOT/.ci/run"
	assert_output $'make deps\nmake check'
}

@test "every sh block in the README runs as written" {
	local n=0 block=
	cd "$BATS_TEST_TMPDIR"
	while IFS= read -r line; do
		if [[ $line == "#--end--" ]]; then
			n=$((n + 1))
			run bash -e -c "cd '$SHMKIT_ROOT' && $block"
			if ((status != 0)); then
				echo "README block $n failed (exit $status):" >&2
				echo "$block" >&2
				echo "$output" >&2
				return 1
			fi
			block=
		else
			block+="$line"$'\n'
		fi
	done < <(blocks sh)
	((n >= 1))
}

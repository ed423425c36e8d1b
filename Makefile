# SPDX-License-Identifier: MIT
# shmkit: six shared-memory tools over one static library. GNU make, non-recursive.

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DOCDIR     ?= $(PREFIX)/share/doc/shmkit
DESTDIR    ?=
PKG_CONFIG ?= pkg-config
# systemd's unit directory, as its pkg-config file names it, else under PREFIX
SYSTEMDUNITDIR ?= $(shell $(PKG_CONFIG) --variable=systemdsystemunitdir systemd 2>/dev/null)
SYSTEMDUNITDIR := $(or $(SYSTEMDUNITDIR),$(PREFIX)/lib/systemd/system)
CFLAGS     ?= -O2 -g

# SANITIZE=1 builds everything with ASan + UBSan into its own folder.
ifeq ($(SANITIZE),1)
BUILD      ?= build-san
SANFLAGS   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# libubsan linked in: LeakSanitizer's exit scan then skips the 6 MB of
# the shared library's data, a third of every sanitized process's CPU.
SANLDFLAGS := -static-libubsan
else
BUILD      ?= build
SANFLAGS   :=
SANLDFLAGS :=
endif

PKGS       := popt libcap smartcols
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wcast-qual -Wwrite-strings -Wformat=2 -Wvla -Wundef
ifeq ($(WERROR),1)
WARN += -Werror
endif

# Build hardening, always on: fortified libc calls (level 3 where gcc and
# glibc support it, else glibc falls back to 2; it needs optimisation, so
# not with -O0), stack protector, position-independent executables and a
# read-only GOT after relocation (full RELRO, BIND_NOW).
HARDEN_CPPFLAGS := $(if $(filter -O0,$(CFLAGS)),,-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3)
HARDEN_CFLAGS   := -fstack-protector-strong -fPIE
HARDEN_LDFLAGS  := -pie -Wl,-z,relro,-z,now

SHMK_CPPFLAGS := -D_GNU_SOURCE -Ilib -I$(BUILD) $(HARDEN_CPPFLAGS)
SHMK_CFLAGS   := -std=gnu11 -pthread $(WARN) $(HARDEN_CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) -MMD -MP
SHMK_LDFLAGS  := -pthread $(HARDEN_LDFLAGS) $(SANFLAGS) $(SANLDFLAGS)

PROGS    := shmcreate shmattach shmwrite shmread shmrm shmls
LIB_SRC  := $(wildcard lib/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB_A    := $(BUILD)/libshmkit.a
BINS     := $(PROGS:%=$(BUILD)/bin/%)
HELPERS  := $(patsubst tests/helpers/%.c,$(BUILD)/tests/%,$(wildcard tests/helpers/*.c))
UNITS    := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit-%,$(wildcard tests/unit/*.c))
MANPAGES := $(wildcard man/*.1)
MANPAGES7 := $(wildcard man/*.7)

COMPILE = $(CC) $(SHMK_CPPFLAGS) $(CPPFLAGS) $(SHMK_CFLAGS) $(CFLAGS)

.PHONY: FORCE all deps check check-plain check-valgrind test-progs lint lint-man lint-shell \
	lint-cppcheck lint-tidy lint-layers check-headers fuzz fuzz-build bench deb install uninstall clean
.DELETE_ON_ERROR:
# Keep objects: they are not intermediates to delete after linking.
.SECONDARY:

all: $(BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(COMPILE) -c -o $@ $<

# The version lives here only; the git revision is added when building
# from a checkout. The header is rewritten only when its text changes.
$(BUILD)/version.h: FORCE
	@mkdir -p $(@D)
	@rev=$$(git -C $(CURDIR) describe --always --dirty 2>/dev/null); \
	{ echo '#define SHMKIT_VERSION "$(VERSION)"'; \
	  [ -z "$$rev" ] || echo "#define SHMKIT_REVISION \"$$rev\""; } > $@.tmp; \
	cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@

$(BUILD)/cmd/common.o: $(BUILD)/version.h

FORCE:

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/bin/%: $(BUILD)/cmd/%.o $(BUILD)/cmd/common.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(SHMK_LDFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/helpers/%.c
	@mkdir -p $(@D)
	$(COMPILE) $(HARDEN_LDFLAGS) $(SANLDFLAGS) $(LDFLAGS) -o $@ $<

$(BUILD)/tests/unit-%: tests/unit/%.c $(LIB_A)
	@mkdir -p $(@D)
	$(COMPILE) $(HARDEN_LDFLAGS) $(SANLDFLAGS) $(LDFLAGS) -o $@ $< $(LIB_A) $(PKG_LIBS)

test-progs: $(BINS) $(HELPERS) $(UNITS)

# Debian packages for building and testing; apt runs only when one is missing.
DEPS := build-essential pkg-config libpopt-dev libcap-dev libsmartcols-dev \
	bats bats-support bats-assert mandoc python3 util-linux procps jq shellcheck \
	clang libclang-rt-14-dev clang-tidy cppcheck valgrind strace \
	prometheus prometheus-node-exporter curl systemd zsh fish \
	debhelper dpkg-dev lintian
deps:
	@missing=$$(for p in $(DEPS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "make deps: all $(words $(DEPS)) packages are installed"; \
	else echo "make deps: installing" $$missing; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; fi

# make check: the whole suite twice, plain (build/) and under ASan + UBSan
# (build-san/, any sanitizer report fails), both built with -Werror, plus
# lint and short fuzz runs (tests/lint.bats, tests/fuzz.bats, plain run
# only); the last line adds both runs up. SANITIZE=1: the sanitized run only.
# make check-plain [TESTS=tests/X.bats]: the quick one, plain build only.
# The builds run in parallel unless make was given -j already.
CHECK_J = case "$$MAKEFLAGS" in *-j*|*jobserver*) j= ;; *) j=-j$$(nproc 2>/dev/null || echo 2) ;; esac
check:
ifneq ($(SANITIZE),1)
	@$(CHECK_J); $(MAKE) --no-print-directory $$j WERROR=1 test-progs fuzz-build
endif
	@$(CHECK_J); $(MAKE) --no-print-directory $$j WERROR=1 SANITIZE=1 test-progs
	@tests/check-all $(if $(filter 1,$(SANITIZE)),san,plain san)

check-plain: test-progs $(if $(TESTS),,fuzz-build)
	BUILD=$(BUILD) tests/run $(TESTS)

# Valgrind memcheck over the C unit tests (plain build), clean or failing.
# As root each runs in namespaces of its own with a tmpfs on /dev/shm, as
# tests/run does, so unit-seg runs too (it refuses to run elsewhere).
VALGRIND := valgrind --quiet --error-exitcode=1 --leak-check=full \
	--show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible
check-valgrind: $(UNITS)
	@inns() { if [ "$$(id -u)" = 0 ]; then \
		unshare --ipc --mount --pid --fork --mount-proc --propagation private -- \
		sh -c 'mount -t tmpfs -o size=64m,mode=1777 shmkit-test /dev/shm && exec "$$@"' sh "$$@"; \
		else "$$@"; fi; }; \
	export SHMKIT_HOST_IPC_NS=$$(readlink /proc/self/ns/ipc) SHMKIT_HOST_MNT_NS=$$(readlink /proc/self/ns/mnt); \
	failed=0; for u in $(UNITS); do \
		echo "# valgrind $$u"; rm -f $(BUILD)/valgrind.log; \
		out=$$(inns $(VALGRIND) --log-file=$(CURDIR)/$(BUILD)/valgrind.log $$u 2>&1); rc=$$?; \
		if [ $$rc = 77 ]; then printf '%s\n' "$$out" | grep '^# skip' | head -3; \
		elif [ $$rc != 0 ] || [ -s $(BUILD)/valgrind.log ]; then \
			printf '%s\n' "$$out" | grep -v '^ok ' | tail -20; cat $(BUILD)/valgrind.log; failed=1; \
		else printf '%s\n' "$$out" | tail -1; fi; \
	done; rm -f $(BUILD)/valgrind.log; \
	if [ $$failed = 0 ]; then echo "check-valgrind: every unit test is clean"; \
	else echo "check-valgrind: FAILED"; exit 1; fi

bench: $(BINS)
	BUILD=$(BUILD) bench/run

# Lint: man pages, shell, and two static analysers on lib/ and cmd/
# (tests/lint.bats runs each part as one test of make check).
# cppcheck: the warning, portability and performance checks (style is
# STYLE.md's business); nullPointerArithmeticRedundantCheck is off, it
# misreads `while (buf)` loops. clang-tidy: the bug-finding families with
# the exceptions listed, each with its reason, in .clang-tidy; one stamp
# per file in $(BUILD)/tidy/, so only changed files are analysed again.
# layers: lib/ files call only lower layers of the block in shmkit.h,
# read from the objects' symbols (tests/layers).
LINT_C     := $(sort $(wildcard lib/*.c cmd/*.c))
LINT_SH    := tests/run tests/check-all tests/layers tests/test_helper.bash tests/ns_helper.bash $(wildcard bench/*.sh)
LINT_HDRS  := $(wildcard lib/*.h cmd/*.h) .clang-tidy
TIDY_STAMP := $(LINT_C:%.c=$(BUILD)/tidy/%.ok)

lint: lint-man lint-shell lint-cppcheck lint-tidy lint-layers

lint-man:
	mandoc -Tlint -W warning $(MANPAGES) $(MANPAGES7)

lint-shell:
	shellcheck $(LINT_SH)

lint-cppcheck: $(BUILD)/version.h
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
		--std=c11 --inline-suppr --suppress=missingIncludeSystem \
		--suppress=nullPointerArithmeticRedundantCheck \
		-D_GNU_SOURCE -D__GNUC__ -Ilib -I$(BUILD) $(LINT_C)

lint-tidy: $(TIDY_STAMP)

lint-layers: $(LIB_OBJ)
	tests/layers $(BUILD)/lib

$(BUILD)/tidy/%.ok: %.c $(LINT_HDRS) $(BUILD)/version.h
	@mkdir -p $(@D)
	@clang-tidy --quiet $< -- $(SHMK_CPPFLAGS) -std=gnu11 $(PKG_CFLAGS) >$(@:.ok=.log) 2>&1; \
	if grep -q -e 'warning:' -e 'error:' $(@:.ok=.log); then \
		grep -e 'warning:' -e 'error:' $(@:.ok=.log); \
		echo "clang-tidy $<: the whole report is in $(@:.ok=.log)"; exit 1; fi; \
	echo "clang-tidy $<: clean"; touch $@

# ---------------------------------------------------------------- fuzz
# libFuzzer targets (clang): fuzz/fuzz_NAME.c over the library built with
# ASan + UBSan into build-fuzz/, seeds in fuzz/corpus/NAME/. `make fuzz
# FUZZ_SECONDS=N` runs each for N seconds, growing build-fuzz/corpus/NAME;
# a crash lands in fuzz/corpus/NAME/crash-* and stays there as a
# regression input. make check runs each briefly (tests/fuzz.bats).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := build-fuzz
FUZZ_NAMES   := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_COMPILE  = $(FUZZ_CC) -D_GNU_SOURCE -Ilib -std=gnu11 -g -O1 $(PKG_CFLAGS) -MMD -MP \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

$(FUZZ_BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(FUZZ_COMPILE) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/libshmkit.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_BUILD)/libshmkit.a
	$(FUZZ_COMPILE) -Ifuzz -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libshmkit.a $(PKG_LIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_NAMES); do mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
		echo "# fuzz_$$t for $(FUZZ_SECONDS) s"; \
		$(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=fuzz/corpus/$$t/crash- \
			$(FUZZ_BUILD)/corpus/$$t fuzz/corpus/$$t || exit 1; done

check-headers:
	@for h in lib/shmkit.h lib/internal.h cmd/common.h; do \
		echo "#include \"$$h\"" | $(CC) -D_GNU_SOURCE -Ilib -std=gnu11 $(WARN) -Werror $(PKG_CFLAGS) \
			-x c -fsyntax-only - || exit 1; done

# The systemd units (a .in file has @BINDIR@ filled in) and the examples
# installed beside the man pages; none is enabled.
SYSTEMD_UNITS := shmkit-metrics.service shmkit-metrics.timer shmkit-cleanup.service \
	shmkit-cleanup.timer
EXAMPLES := contrib/prometheus/shmkit-alerts.yml contrib/systemd/shmkit-cleanup.default \
	contrib/systemd/shmkit-metrics.default

# make deb: the Debian package (debian/, debhelper), built as
# dpkg-buildpackage -us -uc -b builds it, into $(BUILD)/deb/ (dpkg puts it
# beside the checkout first). It builds in build-deb/, with dpkg-buildflags.
deb:
	dpkg-buildpackage -us -uc -b
	@mkdir -p $(BUILD)/deb
	mv ../shmkit_$(VERSION)_*.deb ../shmkit-dbgsym_$(VERSION)_*.deb \
		../shmkit_$(VERSION)_*.buildinfo ../shmkit_$(VERSION)_*.changes $(BUILD)/deb/
	@ls $(BUILD)/deb/shmkit_$(VERSION)_*.deb

install: $(BINS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 0644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man1
	install -m 0644 $(MANPAGES7) $(DESTDIR)$(MANDIR)/man7
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 0644 completion/shmkit.bash $(DESTDIR)$(BASHCOMPDIR)/shmkit
	for p in $(PROGS); do ln -sf shmkit $(DESTDIR)$(BASHCOMPDIR)/$$p; done
	install -d $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0644 completion/_shmkit $(DESTDIR)$(ZSHCOMPDIR)/_shmkit
	install -m 0644 completion/shmkit.fish $(DESTDIR)$(FISHCOMPDIR)/shmkit.fish
	for p in $(PROGS); do ln -sf shmkit.fish $(DESTDIR)$(FISHCOMPDIR)/$$p.fish; done
	install -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(DOCDIR)/examples
	for u in $(SYSTEMD_UNITS); do \
		if [ -f contrib/systemd/$$u.in ]; then \
			sed 's|@BINDIR@|$(BINDIR)|g' contrib/systemd/$$u.in >$(DESTDIR)$(SYSTEMDUNITDIR)/$$u && \
			chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u || exit 1; \
		else install -m 0644 contrib/systemd/$$u $(DESTDIR)$(SYSTEMDUNITDIR) || exit 1; fi; done
	install -m 0644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples

uninstall:
	rm -f $(PROGS:%=$(DESTDIR)$(BINDIR)/%) $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MANPAGES))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(MANPAGES7)))
	rm -f $(DESTDIR)$(BASHCOMPDIR)/shmkit $(PROGS:%=$(DESTDIR)$(BASHCOMPDIR)/%)
	rm -f $(DESTDIR)$(ZSHCOMPDIR)/_shmkit $(DESTDIR)$(FISHCOMPDIR)/shmkit.fish \
		$(PROGS:%=$(DESTDIR)$(FISHCOMPDIR)/%.fish)
	rm -f $(SYSTEMD_UNITS:%=$(DESTDIR)$(SYSTEMDUNITDIR)/%) \
		$(addprefix $(DESTDIR)$(DOCDIR)/examples/,$(notdir $(EXAMPLES)))

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD) $(FUZZ_BUILD) -name '*.d' 2>/dev/null)

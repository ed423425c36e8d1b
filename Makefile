# SPDX-License-Identifier: MIT
# shmkit: six shared-memory tools over one static library. GNU make, non-recursive.

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR    ?=
PKG_CONFIG ?= pkg-config
CFLAGS     ?= -O2 -g

# SANITIZE=1 builds everything with ASan + UBSan into its own folder.
ifeq ($(SANITIZE),1)
BUILD      ?= build-san
SANFLAGS   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD      ?= build
SANFLAGS   :=
endif

PKGS       := popt libcap smartcols
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wcast-qual -Wwrite-strings -Wformat=2 -Wvla -Wundef
ifeq ($(WERROR),1)
WARN += -Werror
endif

SHMK_CPPFLAGS := -D_GNU_SOURCE -Ilib -I$(BUILD)
SHMK_CFLAGS   := -std=gnu11 $(WARN) $(SANFLAGS) $(PKG_CFLAGS) -MMD -MP
SHMK_LDFLAGS  := $(SANFLAGS)

PROGS    := shmcreate shmattach shmwrite shmread shmrm shmls
LIB_SRC  := $(wildcard lib/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB_A    := $(BUILD)/libshmkit.a
BINS     := $(PROGS:%=$(BUILD)/bin/%)
HELPERS  := $(patsubst tests/helpers/%.c,$(BUILD)/tests/%,$(wildcard tests/helpers/*.c))
UNITS    := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit-%,$(wildcard tests/unit/*.c))
MANPAGES := $(wildcard man/*.1)

COMPILE = $(CC) $(SHMK_CPPFLAGS) $(CPPFLAGS) $(SHMK_CFLAGS) $(CFLAGS)

.PHONY: FORCE all deps check test-progs lint check-headers bench install uninstall clean
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
	$(COMPILE) $(LDFLAGS) -o $@ $<

$(BUILD)/tests/unit-%: tests/unit/%.c $(LIB_A)
	@mkdir -p $(@D)
	$(COMPILE) $(LDFLAGS) -o $@ $< $(LIB_A) $(PKG_LIBS)

test-progs: $(BINS) $(HELPERS) $(UNITS)

# Debian packages for building and testing; apt runs only when one is missing.
DEPS := build-essential pkg-config libpopt-dev libcap-dev libsmartcols-dev \
	bats bats-support bats-assert mandoc python3 util-linux procps jq shellcheck
deps:
	@missing=$$(for p in $(DEPS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "make deps: all $(words $(DEPS)) packages are installed"; \
	else echo "make deps: installing" $$missing; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; fi

check: test-progs
	BUILD=$(BUILD) tests/run

bench: $(BINS)
	BUILD=$(BUILD) bench/run

lint:
	mandoc -Tlint -W warning $(MANPAGES)

check-headers:
	@for h in lib/shmkit.h; do \
		echo "#include \"$$h\"" | $(CC) -std=gnu11 $(WARN) -Werror -x c -fsyntax-only - || exit 1; done

install: $(BINS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 0644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man1
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 0644 completion/shmkit.bash $(DESTDIR)$(BASHCOMPDIR)/shmkit
	for p in $(PROGS); do ln -sf shmkit $(DESTDIR)$(BASHCOMPDIR)/$$p; done

uninstall:
	rm -f $(PROGS:%=$(DESTDIR)$(BINDIR)/%) $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MANPAGES)))
	rm -f $(DESTDIR)$(BASHCOMPDIR)/shmkit $(PROGS:%=$(DESTDIR)$(BASHCOMPDIR)/%)

clean:
	rm -rf build build-san

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

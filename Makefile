# binome: Markdown courses to an accessible static site and SCORM packages.
# `make` installs what is missing (Debian), builds build/binome and compiles
# content/ into build/; `make test` runs every test.

PROG	 = binome
PREFIX	?= /usr/local
BINDIR	 = $(PREFIX)/bin
SHAREDIR = $(PREFIX)/share/binome
MANDIR	 = $(PREFIX)/share/man
PKGS	 = libcmark-gfm libxml-2.0 libzip yaml-0.1 libmicrohttpd
DEBS	 = libcmark-gfm-dev libcmark-gfm-extensions-dev libxml2-dev \
	   libzip-dev libyaml-dev libmicrohttpd-dev pkg-config
CFLAGS	?= -O2 -g
WARN	 = -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
	   -Wwrite-strings -Wshadow -Wpointer-arith -Wno-unused-parameter
STD	 = -std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DBINOME_SHARE=\"$(SHAREDIR)\" \
	   $(foreach l,ZIP XML2 MHD,$(if $($(l)_SONAME),-D$(l)_SONAME=\"$($(l)_SONAME)\"))
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libzip, libxml2 and libmicrohttpd are loaded when needed (src/libs.c),
# by the names they are linked by.  binome writes its zips itself
# (src/zip.c, src/deflate.c): libzip reads them, in serve and the tests.
LOADED	 = libzip libxml-2.0 libmicrohttpd
PKG_LIBS   = $(shell pkg-config --libs $(filter-out $(LOADED),$(PKGS)) \
	   2>/dev/null) -lpthread -ldl
soname	 = $(shell objdump -p "$$(pkg-config --variable=libdir $(1) \
	   2>/dev/null)/$(2).so" 2>/dev/null | awk '$$1 == "SONAME" { print $$2 }')
ZIP_SONAME  = $(call soname,libzip,libzip)
XML2_SONAME = $(call soname,libxml-2.0,libxml2)
MHD_SONAME  = $(call soname,libmicrohttpd,libmicrohttpd)
TEST_LIBS  = $(PKG_LIBS) $(shell pkg-config --libs libzip 2>/dev/null)
O	 = build/obj
BIN	 = build/$(PROG)
SRCS	 = $(wildcard src/*.c)
OBJS	 = $(patsubst src/%.c,$(O)/%.o,$(SRCS))
LIBOBJS	 = $(filter-out $(O)/main.o,$(OBJS))
UNITS	 = $(patsubst tests/unit/%.c,$(O)/tests/%,$(wildcard tests/unit/t_*.c))

all: deps $(BIN) site

# Install the build dependencies when one is missing: apt-get as root,
# otherwise say exactly what to run.
deps:
	@if ! pkg-config --exists $(PKGS) 2>/dev/null || \
	    ! command -v cc >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "binome: installing $(DEBS)"; \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive \
			    apt-get install -y -q gcc make $(DEBS) || exit 1; \
		else \
			echo "binome: missing build dependencies; run:"; \
			echo "  sudo apt-get install gcc make $(DEBS)"; \
			exit 1; \
		fi; \
	fi

$(BIN): $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(PKG_LIBS)

$(O)/%.o: src/%.c src/extern.h src/libs.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(PKG_CFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/tests/%: tests/unit/%.c tests/unit/t.h $(LIBOBJS)
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) -Isrc $(PKG_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(LIBOBJS) $(TEST_LIBS)

# The showcase: every course under content/ into build/site and build/scorm.
site: $(BIN)
	$(BIN) build -q --theme themes/default -o build content

units: $(UNITS)

test: deps $(BIN) units replay
	@sh tests/setup.sh
	@BIN=$(BIN) O=$(O) sh tests/run.sh

# The unit and regress tests again under ASan and UBSan.
SAN	 = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	   -fno-sanitize-recover=undefined
check: deps
	$(MAKE) O=build/asan BIN=build/asan/$(PROG) CFLAGS="$(SAN)" \
	    LDFLAGS="-fsanitize=address,undefined" build/asan/$(PROG) units \
	    replay
	BIN=build/asan/$(PROG) O=build/asan NOE2E=1 sh tests/run.sh

# Fuzz targets: libFuzzer with clang (`make fuzz`, FUZZTIME seconds
# each), and a replay of every corpus file without it (`make check`).
FUZZ	 = frontmatter template lesson quiz state zipcat memo
FUZZTIME ?= 60
replay: $(LIBOBJS)
	@mkdir -p $(O)/fuzz
	for t in $(FUZZ); do \
		$(CC) $(STD) -Isrc $(PKG_CFLAGS) $(CFLAGS) $(LDFLAGS) \
		    -o $(O)/fuzz/replay_$$t tests/fuzz/fuzz_$$t.c \
		    tests/fuzz/replay.c $(LIBOBJS) $(PKG_LIBS) || exit 1; \
	done

fuzz: deps
	@command -v clang >/dev/null || apt-get install -y -q clang
	@mkdir -p build/fuzz
	for t in $(FUZZ); do \
		clang $(STD) -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
		    $(PKG_CFLAGS) -o build/fuzz/fuzz_$$t tests/fuzz/fuzz_$$t.c \
		    $(filter-out src/main.c,$(SRCS)) $(PKG_LIBS) || exit 1; \
		mkdir -p build/fuzz/corpus-$$t; \
		build/fuzz/fuzz_$$t -max_total_time=$(FUZZTIME) -timeout=10 \
		    -rss_limit_mb=4096 build/fuzz/corpus-$$t \
		    tests/fuzz/corpus/$$t || exit 1; \
	done

# The benchmark (see tests/bench/); writes build/bench/results.md and
# the table in README.md.
bench: deps $(BIN)
	sh tests/bench/bench.sh

regen: $(BIN)
	REGEN=1 BIN=$(BIN) O=$(O) NOE2E=1 sh tests/run.sh

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/$(PROG)
	cp -R themes $(DESTDIR)$(SHAREDIR)/
	install -m 0644 src/binome.1 $(DESTDIR)$(MANDIR)/man1/binome.1
	install -m 0644 src/binome.5 $(DESTDIR)$(MANDIR)/man5/binome.5

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/$(PROG) $(DESTDIR)$(MANDIR)/man1/binome.1 \
	    $(DESTDIR)$(MANDIR)/man5/binome.5
	rm -rf $(DESTDIR)$(SHAREDIR)

clean:
	rm -rf build

.PHONY: all deps site units test check replay fuzz bench regen install uninstall clean

# cleval: build, test, demo. Out-of-tree output under build/.
#   make          deps + build/cleval
#   make check    unit, end-to-end and browser tests, then again under ASan+UBSan;
#                 first, syntax checks for arm64 and 32-bit x86 (make portability)
#   make demo     deps + build + simulated programme report in out/
#   make bench    benchmarks (bench/*; bench/peers.sh against Python and R)
#   make format   clang-format the sources

CC      ?= cc
# readstat and libcsv ship no pkg-config file in Debian: linked by name.
PKGS    := sqlite3 gsl libmicrohttpd jansson libsodium xlsxwriter
WARN    := -std=c11 -Wall -Wextra -Wpedantic -Wstrict-prototypes -Werror
DEFS    := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lreadstat -lcsv -lm -pthread
VERSION := $(shell cat VERSION)

# Variant: B is the output directory, XFLAGS the variant's extra flags.
B       ?= build
XFLAGS  ?= -O2 -g
CFLAGS_ALL = $(WARN) $(DEFS) -pthread $(XFLAGS) -DCLEVAL_VERSION='"$(VERSION)"' \
             -Isrc -I$(B)/gen $(PKG_CFLAGS)

SRCS      := $(wildcard src/*.c)
LIB_SRCS  := $(filter-out src/main.c,$(SRCS))
LIB_OBJS  := $(patsubst src/%.c,$(B)/obj/%.o,$(LIB_SRCS)) $(B)/obj/instruments_embed.o
TEST_SRCS := $(wildcard tests/unit/test_*.c)
TESTS     := $(patsubst tests/unit/%.c,$(B)/tests/%,$(TEST_SRCS))
INSTRUMENTS := $(sort $(wildcard instruments/*.json))

JOBS    ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build check demo bench format clean portability valgrind
# Dependencies are installed first, then the build runs in a fresh make so
# that pkg-config sees the newly installed libraries.
all: deps
	@$(MAKE) --no-print-directory -j$(JOBS) build

deps:
	@tools/deps.sh build

build: $(B)/cleval $(TESTS)

$(B)/cleval: $(B)/obj/main.o $(LIB_OBJS)
	$(CC) $(XFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/obj/%.o: src/%.c $(wildcard src/*.h) | $(B)/obj $(B)/gen/instruments_embed.h
	$(CC) $(CFLAGS_ALL) -MMD -c -o $@ $<

$(B)/obj/instruments_embed.o: $(B)/gen/instruments_embed.c | $(B)/obj
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

# The instruments are data, embedded into the binary so an installed cleval
# needs nothing beside it.
$(B)/gen/instruments_embed.c $(B)/gen/instruments_embed.h &: $(INSTRUMENTS) tools/embed.c | $(B)/gen
	$(CC) -std=c11 -O1 -o $(B)/gen/embed tools/embed.c
	$(B)/gen/embed $(B)/gen/instruments_embed $(INSTRUMENTS)

$(B)/tests/%: tests/unit/%.c $(LIB_OBJS) tests/unit/testutil.h | $(B)/tests
	$(CC) $(CFLAGS_ALL) $(shell pkg-config --cflags cmocka) -Itests/unit -o $@ $< $(LIB_OBJS) \
	    $(PKG_LIBS) $(shell pkg-config --libs cmocka)

$(B)/obj $(B)/gen $(B)/tests:
	mkdir -p $@

-include $(wildcard $(B)/obj/*.d)
# A header named in an old .d file that has since been removed is not an
# error: the object is rebuilt, and its .d written anew (as -MP would have).
src/%.h: ;

ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

check:
	@tools/deps.sh check
	@$(MAKE) --no-print-directory -j$(JOBS) build
	@$(MAKE) --no-print-directory -j$(JOBS) B=build/asan XFLAGS="$(ASAN_FLAGS)" build
	@$(MAKE) --no-print-directory -j$(JOBS) portability
	@tools/run-tests.sh

# Every source compiles warning-free (the same flags, -Werror) for 64-bit
# ARM and for 32-bit x86, checked with -fsyntax-only, one stamp per file
# and target under build/port. arm64: clang --target=aarch64-linux-gnu with
# the arm64 C library's headers (libc6-dev-arm64-cross, in
# /usr/aarch64-linux-gnu/include) in place of the host's; the libraries'
# own headers (sqlite3, gsl, jansson, ...) are the host's, in /usr/include,
# which are the same for every architecture: searched after the C
# library's (-idirafter), so no host C library header is ever used, and
# /usr/include/x86_64-linux-gnu is not searched at all. 32-bit: gcc -m32
# (gcc-multilib), whose C library headers sit beside the host's.
PORT_FLAGS = $(WARN) $(DEFS) -DCLEVAL_VERSION='"$(VERSION)"' -Isrc -Ibuild/gen $(PKG_CFLAGS) \
             -fsyntax-only
PORT_ARM64 = clang --target=aarch64-linux-gnu -nostdinc \
             -isystem $(shell clang -print-resource-dir 2>/dev/null)/include \
             -isystem /usr/aarch64-linux-gnu/include -idirafter /usr/include
PORT_STAMPS := $(patsubst src/%.c,build/port/arm64/%.ok,$(SRCS)) \
               $(patsubst src/%.c,build/port/i386/%.ok,$(SRCS))

portability: $(PORT_STAMPS)
	@echo "portability: src/*.c compile warning-free for arm64 (aarch64) and 32-bit x86 (i386)"

build/port/arm64/%.ok: src/%.c $(wildcard src/*.h) | build/gen/instruments_embed.h
	@mkdir -p $(@D)
	$(PORT_ARM64) $(PORT_FLAGS) $< && touch $@

build/port/i386/%.ok: src/%.c $(wildcard src/*.h) | build/gen/instruments_embed.h
	@mkdir -p $(@D)
	gcc -m32 $(PORT_FLAGS) $< && touch $@

# The end-to-end CLI cases with every cleval run under valgrind (memcheck,
# --error-exitcode, definite and indirect leaks are errors); CASES="a b"
# runs only those. Slow (minutes): not part of `make check`.
valgrind: all
	@tools/valgrind-cleval.sh $(B)/cleval build/valgrind
	tests/cli/run.sh build/valgrind/cleval $(CASES)

demo: all
	@rm -rf out
	$(B)/cleval demo -o out
	@echo "report: $(CURDIR)/out/report.html"

# bench/peers.sh (scales 1, 10, 100 against the Python and R peers) first;
# it needs the BENCH packages of tools/deps.sh, which `make check` does not.
bench: all
	@tools/deps.sh bench
	@echo "== bench/peers.sh"; sh bench/peers.sh || exit 1
	@for b in bench/*.sh; do [ $$b = bench/peers.sh ] && continue; echo "== $$b"; sh $$b || exit 1; done

format:
	clang-format -i src/*.c src/*.h tests/unit/*.c tests/unit/*.h tools/*.c bench/*.c fuzz/*.c 2>/dev/null || true

clean:
	rm -rf build out

# libFuzzer targets (clang): fuzz/NAME_fuzz.c -> build/fuzz/NAME_fuzz.
# `make fuzz` builds them and runs each for FUZZ_SECONDS (60) from its seeds (fuzz/seeds/NAME);
# run one longer with e.g. build/fuzz/csvin_fuzz -max_total_time=300 build/fuzz/corpus/csvin fuzz/seeds/csvin
FUZZ_SRCS := $(wildcard fuzz/*_fuzz.c)
FUZZ_BINS := $(patsubst fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))
FUZZ_FLAGS := -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined $(DEFS) -Isrc -Ibuild/fuzz/gen \
              -DCLEVAL_VERSION='"$(VERSION)"' $(PKG_CFLAGS)
.PHONY: fuzz
fuzz: deps
	@$(MAKE) --no-print-directory B=build/fuzz build/fuzz/gen/instruments_embed.c
	@$(MAKE) --no-print-directory $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do n=$$(basename $$f _fuzz); mkdir -p build/fuzz/corpus/$$n fuzz/seeds/$$n; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -timeout=25 build/fuzz/corpus/$$n fuzz/seeds/$$n || exit 1; done

FUZZ_SECONDS ?= 60
build/fuzz/%: fuzz/%.c $(wildcard fuzz/*.h) $(LIB_SRCS) | build/fuzz/gen/instruments_embed.c
	clang $(FUZZ_FLAGS) -o $@ $< $(LIB_SRCS) build/fuzz/gen/instruments_embed.c $(PKG_LIBS)

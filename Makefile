# Stocktake — plain GNU make.
#   make                  build/stocktake (release, -Werror)
#   make SANITIZER=1      build/asan/stocktake (AddressSanitizer + UBSan, fault points: core/fault.h)
#   make unit             build and run the C unit tests (under ASan+UBSan)
#   make fuzz-replay      replay every fuzz corpus through its target (standalone driver)
#   make build/s3load     the benchmark client of bench/README.md
#   make check-hardening  verify build/stocktake: PIE, full RELRO, stack protector, fortify
#   make test             everything: unit, fuzz replay, integration (see scripts/test.sh)

CC      ?= gcc
PKGS    := libmicrohttpd gnutls sqlite3 libpq libssl libcrypto zlib libxml-2.0 jansson libcurl libmosquitto
SNAPPY  := -lsnappy
# librados (Debian librados-dev) ships no pkg-config file before Reef: ask, else link it by name
RADOS   := $(shell pkg-config --libs rados 2>/dev/null || echo -lrados)
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
               -Wmissing-prototypes -Wformat=2 -Wvla -Wundef -Isrc \
               $(shell pkg-config --cflags $(PKGS))
LDLIBS  := $(shell pkg-config --libs $(PKGS)) $(SNAPPY) $(RADOS) -lpthread -lm
# Intel ISA-L (Debian libisal-dev) compresses CSV.gz reports and ORC's ZLIB chunks
# (src/inventory/inv_deflate.c); zlib is the fallback where it is missing. ISAL=0 forces zlib.
ISAL    ?= $(shell pkg-config --exists libisal 2>/dev/null && echo 1 || \
             (test -f /usr/include/isa-l/igzip_lib.h && echo 1 || echo 0))
ifeq ($(ISAL),1)
CFLAGS_BASE += -DHAVE_ISAL
LDLIBS  += -lisal
endif

ifeq ($(SANITIZER),1)
OUT     := build/asan
CFLAGS  := $(CFLAGS_BASE) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
           -fno-sanitize-recover=undefined -DSTOCKTAKE_FAULTS
LDFLAGS := -fsanitize=address,undefined
else
OUT     := build
# release builds are hardened: stack protector, fortified libc calls, PIE, full RELRO
# (scripts/check_hardening.sh verifies the binary)
CFLAGS  := $(CFLAGS_BASE) -O2 -g -fstack-protector-strong -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 \
           -fPIE
LDFLAGS := -pie -Wl,-z,relro,-z,now
endif

# every module folder of src/ (src/main.c is the program)
LIB_SRC := $(sort $(wildcard src/*/*.c))
# the web console's files, bundled from console/ and embedded (src/s3/console_assets.h)
CONSOLE_GEN := build/gen/console_assets.c
CONSOLE_SRC := $(sort $(wildcard console/src/*.js console/static/*)) console/package.json \
               $(wildcard console/node_modules/.package-lock.json)
LIB_OBJ := $(LIB_SRC:%.c=$(OUT)/obj/%.o) $(OUT)/obj/$(CONSOLE_GEN:.c=.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

.PHONY: all unit fuzz-replay test clean format format-check check-hardening check-banned
all: $(OUT)/stocktake

$(OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(CONSOLE_GEN): $(CONSOLE_SRC) scripts/console_build.sh scripts/console_embed.sh
	@mkdir -p $(dir $@)
	bash scripts/console_build.sh build/console
	bash scripts/console_embed.sh build/console > $@.tmp && mv $@.tmp $@

$(OUT)/libstocktake.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(OUT)/stocktake: $(OUT)/obj/src/main.o $(OUT)/libstocktake.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(OUT)/unit_tests: $(UNIT_SRC:%.c=$(OUT)/obj/%.o) $(OUT)/obj/tests/unit/harness.o $(OUT)/libstocktake.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(OUT)/fuzz/%: $(OUT)/obj/tests/fuzz/%.o $(OUT)/obj/tests/fuzz/standalone_driver.o $(OUT)/libstocktake.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# the benchmark client (bench/README.md); release flags whatever SANITIZER says
build/s3load: bench/s3load.c
	@mkdir -p build
	$(CC) $(CFLAGS_BASE) -O2 -g -o $@ $< $(shell pkg-config --libs libcrypto) -lpthread

unit:
	$(MAKE) SANITIZER=1 build/asan/unit_tests
	build/asan/unit_tests

fuzz-replay:
	$(MAKE) SANITIZER=1 $(patsubst tests/fuzz/%.c,build/asan/fuzz/%,$(FUZZ_SRC))
	@for t in $(patsubst tests/fuzz/%.c,%,$(FUZZ_SRC)); do \
	  build/asan/fuzz/$$t tests/fuzz/corpus/$${t#fuzz_} || exit 1; done

test:
	bash scripts/test.sh

check-hardening: build/stocktake
	bash scripts/check_hardening.sh build/stocktake

check-banned:
	bash scripts/check_banned.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h' '*.inc')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h' '*.inc')

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

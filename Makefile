# popgate: one non-recursive Makefile. Objects in build/, programs in bin/.
#   make            build bin/popgated (and every test program)
#   make check      install missing packages, build, run unit + integration tests
#   make asan       the same tests built with AddressSanitizer + UBSan
#   make valgrind   unit tests and a set of integration suites under memcheck:
#                   no error, no lost block, no descriptor left open
#   make fuzz       libFuzzer targets (clang), each run FUZZ_SECONDS (60)
#   make demo       install missing packages, build, run the whole chain on loopback
#   make soak       popgated under load, reloads and backend restarts (not in check;
#                   SOAK_QUICK=1 for a short run)
#   make install    PREFIX=/usr/local DESTDIR= (programs, man pages, units)
#   make clean

PREFIX		?= /usr/local
SBINDIR		?= $(PREFIX)/sbin
BINDIR		?= $(PREFIX)/bin
SYSCONFDIR	?= /etc/popgate
MANDIR		?= $(PREFIX)/share/man
UNITDIR		?= $(PREFIX)/lib/systemd/system
USERUNITDIR	?= $(PREFIX)/lib/systemd/user
VERSION		:= 0.1.0

CC		?= cc
PKGS		:= libssh libssl libcrypto
PKG_CFLAGS	:= $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS	:= $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcrypt
# libsystemd is optional: without it, popgated tells systemd nothing.
SYSTEMD		:= $(shell pkg-config --exists libsystemd 2>/dev/null && echo yes)
ifeq ($(SYSTEMD),yes)
SYSTEMD_CFLAGS	:= -DPOPGATE_HAVE_SYSTEMD $(shell pkg-config --cflags libsystemd)
SYSTEMD_LIBS	:= $(shell pkg-config --libs libsystemd)
endif
CHECK_CFLAGS	:= $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS	:= $(shell pkg-config --libs check 2>/dev/null)

OPT		?= -O2 -g
WARN		:= -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
		   -Wmissing-prototypes -Wpointer-arith -Wwrite-strings
CFLAGS		+= -std=c11 -D_DEFAULT_SOURCE $(OPT) $(WARN) -Iinclude \
		   -DPOPGATE_VERSION='"$(VERSION)"' \
		   -DPOPGATE_SYSCONFDIR='"$(SYSCONFDIR)"' $(PKG_CFLAGS)
DEPFLAGS	= -MMD -MP

B		?= build
BIN		?= bin

COMMON_SRC	:= $(sort $(wildcard common/*.c))
GATEWAY_SRC	:= $(sort $(filter-out gateway/main.c,$(wildcard gateway/*.c)))
CLIENT_SRC	:= $(sort $(filter-out client/main.c,$(wildcard client/*.c)))
UNIT_SRC	:= $(sort $(wildcard tests/unit/*.c))
INTEG_SRC	:= $(sort $(wildcard tests/integ/*.c))
FUZZ_SRC	:= $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_TARGETS	:= $(FUZZ_SRC:fuzz/fuzz_%.c=%)
FUZZ_SECONDS	?= 60
FUZZ_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=all

COMMON_OBJ	:= $(COMMON_SRC:%.c=$(B)/%.o)
GATEWAY_OBJ	:= $(GATEWAY_SRC:%.c=$(B)/%.o)
CLIENT_OBJ	:= $(CLIENT_SRC:%.c=$(B)/%.o)
UNIT_OBJ	:= $(UNIT_SRC:%.c=$(B)/%.o)
INTEG_OBJ	:= $(INTEG_SRC:%.c=$(B)/%.o)

LIBCOMMON	:= $(B)/libpopgate.a
LIBGATEWAY	:= $(B)/libgateway.a
LIBCLIENT	:= $(B)/libclient.a
PROGS		:= $(BIN)/popgated $(BIN)/popgate
TESTS		:= $(B)/check_unit $(B)/check_integ

.PHONY: all check unit integ asan valgrind fuzz fuzz-progs demo bench soak \
	recvcost install clean deps lint
all: $(PROGS) $(TESTS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(B)/tests/%.o: CFLAGS += $(CHECK_CFLAGS)
$(B)/gateway/notify.o: CFLAGS += $(SYSTEMD_CFLAGS)

$(LIBCOMMON): $(COMMON_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIBGATEWAY): $(GATEWAY_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIBCLIENT): $(CLIENT_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN)/popgated: $(B)/gateway/main.o $(LIBGATEWAY) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(SYSTEMD_LIBS) $(LDFLAGS)

$(BIN)/popgate: $(B)/client/main.o $(LIBCLIENT) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDFLAGS)

$(B)/check_unit: $(UNIT_OBJ) $(LIBGATEWAY) $(LIBCLIENT) $(LIBCOMMON)
	$(CC) $(CFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) $(SYSTEMD_LIBS) \
	    $(LDFLAGS)

$(B)/check_integ: $(INTEG_OBJ) $(LIBGATEWAY) $(LIBCLIENT) $(LIBCOMMON)
	$(CC) $(CFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) $(SYSTEMD_LIBS) \
	    $(LDFLAGS)

# libFuzzer targets: the library objects get coverage hooks
# (fuzzer-no-link), only the target programs get libFuzzer's main.
$(B)/fuzz_%: $(B)/fuzz/fuzz_%.o $(LIBGATEWAY) $(LIBCLIENT) $(LIBCOMMON)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) $(LDFLAGS)

fuzz-progs: $(FUZZ_TARGETS:%=$(B)/fuzz_%)

deps:
	@sh scripts/deps.sh

unit: $(B)/check_unit
	$(B)/check_unit

integ: $(PROGS) $(B)/check_integ
	POPGATE_BIN=$(abspath $(BIN)) $(B)/check_integ

# check: every test, unit then integration; none may be skipped.
check: deps
	@$(MAKE) --no-print-directory all
	$(B)/check_unit
	POPGATE_BIN=$(abspath $(BIN)) $(B)/check_integ

# asan: a separate tree so the sanitised objects never mix with the others.
asan: deps
	@$(MAKE) --no-print-directory B=build-asan BIN=build-asan/bin \
	    OPT='-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all' \
	    LDFLAGS='-fsanitize=address,undefined' all
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    build-asan/check_unit
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    POPGATE_BIN=$(abspath build-asan/bin) build-asan/check_integ

# valgrind: memcheck over build/check_unit (CK_FORK=no: the test bodies
# run in the checked process) and over VALGRIND_SUITES of check_integ with
# the real popgated and popgate under valgrind, through wrappers in
# build/valgrind/bin (scripts/valgrind.sh); then every log is read
# (scripts/vgscan.py): any error, definitely or indirectly lost block, or
# descriptor left open at exit fails. The harness's deadlines and libcheck's
# timeouts are multiplied by VALGRIND_SLOW. The suites cover the gateway's
# auth, channel opens to Dovecot, refusals, hostile clients, IMAP and SMTP,
# BindMailbox, TLS to the backend, failover, reload and shutdown, syslog and
# the status socket; the client's tunnels, host keys and passwords,
# failures and reconnects, profiles. Left out as their assertions cannot
# hold under valgrind: fault:memory (a session's RSS: valgrind's own),
# client-persist:background (finds popgate by /proc/PID/comm, memcheck's
# here), client-persist:persist (a hung gateway noticed within 3 keepalives
# + 4 s), limits:abuse and limits:timeouts (floods, penalties, timeouts
# measured in seconds). Left out to keep the run near 8 minutes, as they
# mostly repeat paths above or test other programs: cli, strictmodes,
# scale, systemd, interop, audit, docs, proxy, demo, logging:secrets.
VALGRIND_SUITES	?= auth gateway refuse hostile mailbind backend_tls \
		   protocols privsep fault:backends fault:reload \
		   fault:shutdown logging:syslog limits:status client \
		   client-trust client-fail client-persist:midway \
		   client-persist:profile
VALGRIND_SLOW	?= 3

valgrind: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/valgrind.sh $(B) $(BIN) $(VALGRIND_SLOW) $(VALGRIND_SUITES)

# fuzz: every target for FUZZ_SECONDS, seeds from fuzz/corpus/TARGET/;
# new inputs and crash files stay in build-fuzz/.
fuzz: deps
	@$(MAKE) --no-print-directory B=build-fuzz BIN=build-fuzz/bin CC=clang \
	    OPT='-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)' \
	    LDFLAGS='$(FUZZ_SAN)' fuzz-progs
	@sh scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

demo: deps
	@$(MAKE) --no-print-directory $(PROGS)
	@sh scripts/demo.sh

bench:
	@sh scripts/deps.sh && $(MAKE) --no-print-directory all && python3 bench/bench.py

soak: deps
	@$(MAKE) --no-print-directory $(PROGS)
	python3 soak/soak.py

# recvcost: what libssh's 4 KiB reads cost the kernel (bench/README.md)
recvcost: $(B)/recvcost
	$(B)/recvcost

$(B)/recvcost: bench/recvcost.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --std=c11 -Iinclude --suppress=missingIncludeSystem \
	    common gateway client tests fuzz

# The unit files name the default paths; installed, they name ours.
UNIT_PATHS	= -e 's|/usr/local/sbin/popgated|$(SBINDIR)/popgated|g' \
		  -e 's|/usr/local/bin/popgate|$(BINDIR)/popgate|g' \
		  -e 's|/etc/popgate/|$(SYSCONFDIR)/|g'

install: $(PROGS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(SYSCONFDIR)
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(BIN)/popgated $(DESTDIR)$(SBINDIR)/popgated
	install -m 0755 $(BIN)/popgate $(DESTDIR)$(BINDIR)/popgate
	install -m 0644 conf/popgated.conf $(DESTDIR)$(SYSCONFDIR)/popgated.conf.example
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8
	install -m 0644 man/popgate.1 $(DESTDIR)$(MANDIR)/man1/popgate.1
	install -m 0644 man/popgated.conf.5 \
	    $(DESTDIR)$(MANDIR)/man5/popgated.conf.5
	install -m 0644 man/popgated.8 $(DESTDIR)$(MANDIR)/man8/popgated.8
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(USERUNITDIR)
	sed $(UNIT_PATHS) conf/popgated.service \
	    >$(DESTDIR)$(UNITDIR)/popgated.service
	sed $(UNIT_PATHS) conf/popgate@.service \
	    >$(DESTDIR)$(USERUNITDIR)/popgate@.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/popgated.service \
	    $(DESTDIR)$(USERUNITDIR)/popgate@.service

clean:
	rm -rf build build-asan build-fuzz bin

-include $(shell find $(B) build-asan build-fuzz -name '*.d' 2>/dev/null)

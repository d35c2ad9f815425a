# Host unit tests (cmocka, ASan + UBSan).  Included by the top-level
# Makefile, run from the source root; expects BUILD (e.g. build).
#
# Every tests/unit/test_X.c names the hypervisor sources it needs in one
# line, e.g.
#	// UNIT-SOURCES: boot/multiboot2.c lib/parse.c
# and is linked into $(BUILD)/unit/test_X with those sources, the fakes
# and the formatter/printk (the fakes need them) and lib/report.c.  lib/string.c is never
# built for the host: libc provides memcpy & co.
#
# `make coverage` counts every hypervisor source, not only those a test
# compiles: each .c that no test names is compiled on its own with
# --coverage into $(BUILD)/cov/zero and enters the report at zero
# (docs/testing.md).
#
# Targets: unit-build, unit-test, coverage, unit-clean.
# Knobs:   UNIT_CC (host compiler), UNIT_EXTRA_CFLAGS.

UNIT_DIR := tests/unit
UNIT_OUT := $(BUILD)/unit
UNIT_COV_OUT := $(BUILD)/cov
UNIT_COV_REPORT := $(BUILD)/coverage

UNIT_CC ?= cc
UNIT_EXTRA_CFLAGS ?=

# The hypervisor's snprintf/vsnprintf are renamed on the host: otherwise
# they would interpose on libc's for cmocka and the sanitizer runtime, and
# gcc would fold calls to them with its own idea of printf.
UNIT_CFLAGS := -I. -std=gnu11 -g -Wall -Wextra -Werror -DHOST_TEST \
	-Dsnprintf=hv_snprintf -Dvsnprintf=hv_vsnprintf \
	-MMD -MP $(UNIT_EXTRA_CFLAGS)
UNIT_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
UNIT_LIBS := -lcmocka
UNIT_LCOV_RC := --rc lcov_branch_coverage=1

UNIT_COMMON_SRCS := $(UNIT_DIR)/fakes.c lib/format.c lib/printk.c lib/report.c

UNIT_TEST_SRCS := $(sort $(wildcard $(UNIT_DIR)/test_*.c))
UNIT_NAMES := $(basename $(notdir $(UNIT_TEST_SRCS)))
UNIT_BINS := $(addprefix $(UNIT_OUT)/,$(UNIT_NAMES))
UNIT_COV_BINS := $(addprefix $(UNIT_COV_OUT)/,$(UNIT_NAMES))

# Sources of one test: the test file, its UNIT-SOURCES line, the common set.
unit_srcs = $(sort $(UNIT_DIR)/$(1).c $(UNIT_COMMON_SRCS) \
	$(shell sed -n 's|^// *UNIT-SOURCES:||p' $(UNIT_DIR)/$(1).c))

UNIT_ALL_SRCS := $(sort $(foreach t,$(UNIT_NAMES),$(call unit_srcs,$(t))))

# $(1) = test name, $(2) = output dir, $(3) = name of the variable holding
# the link flags (the sanitizer list has a comma, which $(call) would split).
define unit_link_rule
$(2)/$(1): $(patsubst %.c,$(2)/obj/%.o,$(call unit_srcs,$(1)))
	@mkdir -p $$(@D)
	$$(UNIT_CC) $$($(3)) -o $$@ $$^ $$(UNIT_LIBS)
endef

$(foreach t,$(UNIT_NAMES),$(eval $(call unit_link_rule,$(t),$(UNIT_OUT),UNIT_SAN)))
$(foreach t,$(UNIT_NAMES),$(eval $(call unit_link_rule,$(t),$(UNIT_COV_OUT),UNIT_COV_LDFLAGS)))

UNIT_COV_LDFLAGS := --coverage

$(UNIT_OUT)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(UNIT_CC) $(UNIT_CFLAGS) -O1 $(UNIT_SAN) -c -o $@ $<

# -O0 so that line counts follow the source.
$(UNIT_COV_OUT)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(UNIT_CC) $(UNIT_CFLAGS) -O0 --coverage -c -o $@ $<

# The zero baseline: every .c of the hypervisor's folders (asm-offsets.c
# is never linked) that no unit test compiles.  Compiled for the host as
# the tests are; a file that does not compile for the host is compiled with
# the hypervisor's own flags instead (no HOST_TEST; same compiler family,
# so gcov counts the same lines), and if that fails too its lines are
# estimated from the text (scripts/coverage.py estimate).
COV_DIRS := lib mm arch-x86 drivers vmx sched guest boot
COV_ALL_SRCS := $(sort $(filter-out %/asm-offsets.c,\
	$(shell find $(COV_DIRS) -name '*.c' 2>/dev/null)))
COV_ZERO_SRCS := $(filter-out $(UNIT_ALL_SRCS),$(COV_ALL_SRCS))
COV_ZERO_OUT := $(UNIT_COV_OUT)/zero
COV_ZERO_OBJS := $(COV_ZERO_SRCS:%.c=$(COV_ZERO_OUT)/%.o)
COV_ZERO_CFLAGS := -I. -I$(BUILD)/gen -std=gnu11 -g -O0 --coverage \
	-DHOST_TEST -Dsnprintf=hv_snprintf -Dvsnprintf=hv_vsnprintf \
	-DHV_VERSION='"coverage"' -MMD -MP
COV_HV_CFLAGS := $(filter-out -flto -O2 -Werror,$(HV_CFLAGS)) -O0 --coverage

# Leaves $@ (an empty file when estimated) and, when the host compile
# failed, $@.how: "hv" or "estimated".
$(COV_ZERO_OUT)/%.o: %.c | $(ASM_OFFSETS)
	@mkdir -p $(@D)
	@rm -f $@.how $(@:.o=.gcno) $(@:.o=.info)
	@$(UNIT_CC) $(COV_ZERO_CFLAGS) -c -o $@ $< 2>$@.log || \
	{ $(CC) $(COV_HV_CFLAGS) -MF $(@:.o=.d) -c -o $@ $< 2>>$@.log && echo hv >$@.how; } || \
	{ python3 scripts/coverage.py estimate $< >$(@:.o=.info) && echo estimated >$@.how && \
	  touch $@; }

-include $(patsubst %.c,$(UNIT_OUT)/obj/%.d,$(UNIT_ALL_SRCS)) \
	$(patsubst %.c,$(UNIT_COV_OUT)/obj/%.d,$(UNIT_ALL_SRCS)) \
	$(COV_ZERO_OBJS:.o=.d)

.PHONY: unit-build unit-test coverage unit-clean

unit-build: $(UNIT_BINS)

unit-test: unit-build
	$(UNIT_DIR)/run.sh $(UNIT_OUT)

# Counters start from zero on every run; a failing test still produces a
# report, but the target fails after printing it.  The run's capture is
# merged with the zero baseline (lcov --initial over $(COV_ZERO_OUT)) and
# any estimated records; the table per folder comes from
# scripts/coverage.py.
COV_INFO := $(UNIT_COV_REPORT)/coverage.info
coverage: $(UNIT_COV_BINS) $(COV_ZERO_OBJS)
	@find $(UNIT_COV_OUT) -name '*.gcda' -delete
	@mkdir -p $(UNIT_COV_REPORT)
	@# Baseline files of sources that moved, went away or got a test.
	@for f in $$(find $(COV_ZERO_OUT) -type f 2>/dev/null); do \
		s=$${f#$(COV_ZERO_OUT)/}; s=$${s%%.*}.c; \
		case " $(COV_ZERO_SRCS) " in *" $$s "*) ;; *) rm -f $$f ;; esac; \
	done
	@$(UNIT_DIR)/run.sh $(UNIT_COV_OUT); rc=$$?; \
	log=$(UNIT_COV_REPORT)/lcov.log; r=$(UNIT_COV_REPORT); \
	printf '%s\n' $(COV_ZERO_SRCS) >$$r/untested.txt; \
	: >$$r/estimated.txt; : >$$r/hv-flags.txt; \
	for o in $(COV_ZERO_OBJS); do \
		[ -f $$o.how ] || continue; \
		s=$${o#$(COV_ZERO_OUT)/}; s=$${s%.o}.c; \
		case $$(cat $$o.how) in hv) echo $$s >>$$r/hv-flags.txt ;; \
		*) echo $$s >>$$r/estimated.txt ;; esac; \
	done; \
	adds="-a $$r/run.info"; \
	{ lcov --quiet $(UNIT_LCOV_RC) --capture --directory $(UNIT_COV_OUT)/obj \
		--base-directory . --output-file $$r/run.info && \
	  if [ -n "$(COV_ZERO_SRCS)" ]; then \
		lcov --quiet $(UNIT_LCOV_RC) --capture --initial --directory $(COV_ZERO_OUT) \
		--base-directory . --output-file $$r/zero.info && adds="$$adds -a $$r/zero.info"; \
	  fi && \
	  for i in $$(find $(COV_ZERO_OUT) -name '*.info' 2>/dev/null); do adds="$$adds -a $$i"; done && \
	  lcov --quiet $(UNIT_LCOV_RC) $$adds --output-file $$r/all.info && \
	  lcov --quiet $(UNIT_LCOV_RC) --remove $$r/all.info '/usr/*' \
		'$(CURDIR)/tests/*' 'tests/*' '$(CURDIR)/$(BUILD)/*' \
		--output-file $(COV_INFO) && \
	  genhtml --quiet --branch-coverage --output-directory $$r/html \
		$(COV_INFO); } > $$log 2>&1 || \
		{ cat $$log; echo "coverage: lcov failed"; exit 1; }; \
	lcov $(UNIT_LCOV_RC) --summary $(COV_INFO) 2>&1 | \
		sed -n 's/^ *\(lines\|functions\|branches\)\.*: */coverage: \1 /p'; \
	python3 scripts/coverage.py table $(COV_INFO) --untested $$r/untested.txt \
		--estimated $$r/estimated.txt; \
	sed 's/^/coverage: compiled with the hypervisor'"'"'s flags (not for the host): /' $$r/hv-flags.txt; \
	echo "coverage: report in $$r/html/index.html"; \
	exit $$rc

unit-clean:
	rm -rf $(UNIT_OUT) $(UNIT_COV_OUT) $(UNIT_COV_REPORT)

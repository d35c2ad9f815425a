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

-include $(patsubst %.c,$(UNIT_OUT)/obj/%.d,$(UNIT_ALL_SRCS)) \
	$(patsubst %.c,$(UNIT_COV_OUT)/obj/%.d,$(UNIT_ALL_SRCS))

.PHONY: unit-build unit-test coverage unit-clean

unit-build: $(UNIT_BINS)

unit-test: unit-build
	$(UNIT_DIR)/run.sh $(UNIT_OUT)

# Counters start from zero on every run; a failing test still produces a
# report, but the target fails after printing it.
coverage: $(UNIT_COV_BINS)
	@find $(UNIT_COV_OUT) -name '*.gcda' -delete
	@mkdir -p $(UNIT_COV_REPORT)
	@$(UNIT_DIR)/run.sh $(UNIT_COV_OUT); rc=$$?; \
	log=$(UNIT_COV_REPORT)/lcov.log; \
	{ lcov --quiet $(UNIT_LCOV_RC) --capture --directory $(UNIT_COV_OUT)/obj \
		--base-directory . --output-file $(UNIT_COV_REPORT)/all.info && \
	  lcov --quiet $(UNIT_LCOV_RC) --remove $(UNIT_COV_REPORT)/all.info '/usr/*' \
		'$(CURDIR)/tests/*' 'tests/*' \
		--output-file $(UNIT_COV_REPORT)/coverage.info && \
	  genhtml --quiet --branch-coverage --output-directory $(UNIT_COV_REPORT)/html \
		$(UNIT_COV_REPORT)/coverage.info; } > $$log 2>&1 || \
		{ cat $$log; echo "coverage: lcov failed"; exit 1; }; \
	lcov $(UNIT_LCOV_RC) --summary $(UNIT_COV_REPORT)/coverage.info 2>&1 | \
		sed -n 's/^ *\(lines\|functions\|branches\)\.*: */coverage: \1 /p'; \
	echo "coverage: report in $(UNIT_COV_REPORT)/html/index.html"; \
	exit $$rc

unit-clean:
	rm -rf $(UNIT_OUT) $(UNIT_COV_OUT) $(UNIT_COV_REPORT)

# libFuzzer harnesses (clang, ASan + UBSan).  Included by the top-level
# Makefile, run from the source root; expects BUILD and the unit tests'
# UNIT_CFLAGS (tests/unit/unit.mk).
#
# Every tests/fuzz/fuzz_X.c names the hypervisor sources it needs in one
# line, as the unit tests do:
#	// FUZZ-SOURCES: boot/cmdline.c lib/parse.c
# and is linked into $(BUILD)/fuzz/fuzz_X with those sources, the unit
# tests' fakes and formatter, and tests/fuzz/fuzz_common.c.  Seeds are in
# tests/fuzz/corpus/X/, inputs that once failed in tests/fuzz/regress/X/,
# a dictionary (optional) in tests/fuzz/X.dict.
#
# Targets: fuzz-build, fuzz (FUZZ_TIME seconds per target, default 60),
# fuzz-smoke (a few seconds each and every corpus and regression input
# replayed; part of `make test`), fuzz-clean.
# Knobs:   FUZZ_CC, FUZZ_TIME, FUZZ_SMOKE_TIME, FUZZ_SMOKE_JOBS (targets at
#          once in the smoke, default 2), FUZZ_TARGETS (names, e.g.
#          "cmdline config"), FUZZ_ARGS (more libFuzzer options for
#          `make fuzz`, e.g. -runs=1000000).

FUZZ_DIR := tests/fuzz
FUZZ_OUT := $(BUILD)/fuzz
FUZZ_CC ?= clang-14
FUZZ_TIME ?= 60
FUZZ_SMOKE_TIME ?= 2
FUZZ_SMOKE_JOBS ?= 2

FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
# The code under test is instrumented for coverage; only the harness
# link brings in libFuzzer's main().
FUZZ_CFLAGS := $(filter-out -MMD -MP,$(UNIT_CFLAGS)) -MMD -MP -O1 -g \
	-fsanitize=fuzzer-no-link $(FUZZ_SAN)
FUZZ_LDFLAGS := -fsanitize=fuzzer $(FUZZ_SAN)
FUZZ_LIBS := -lcmocka

FUZZ_COMMON_SRCS := $(FUZZ_DIR)/fuzz_common.c $(UNIT_DIR)/fakes.c \
	lib/format.c lib/printk.c lib/report.c

FUZZ_SRCS := $(sort $(wildcard $(FUZZ_DIR)/fuzz_*.c))
FUZZ_NAMES := $(filter-out common,$(patsubst fuzz_%,%,$(basename $(notdir $(FUZZ_SRCS)))))
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_BINS := $(addprefix $(FUZZ_OUT)/fuzz_,$(FUZZ_NAMES))

fuzz_srcs = $(sort $(FUZZ_DIR)/fuzz_$(1).c $(FUZZ_COMMON_SRCS) \
	$(shell sed -n 's|^// *FUZZ-SOURCES:||p' $(FUZZ_DIR)/fuzz_$(1).c))
FUZZ_ALL_SRCS := $(sort $(foreach t,$(FUZZ_NAMES),$(call fuzz_srcs,$(t))))

define fuzz_link_rule
$(FUZZ_OUT)/fuzz_$(1): $(patsubst %.c,$(FUZZ_OUT)/obj/%.o,$(call fuzz_srcs,$(1)))
	@mkdir -p $$(@D)
	@echo "  LINK    $$@"
	@$$(FUZZ_CC) $$(FUZZ_LDFLAGS) -o $$@ $$^ $$(FUZZ_LIBS)
endef
$(foreach t,$(FUZZ_NAMES),$(eval $(call fuzz_link_rule,$(t))))

$(FUZZ_OUT)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

-include $(patsubst %.c,$(FUZZ_OUT)/obj/%.d,$(FUZZ_ALL_SRCS))

.PHONY: fuzz-build fuzz fuzz-smoke fuzz-clean
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	FUZZ_ARGS="$(FUZZ_ARGS)" bash $(FUZZ_DIR)/run.sh run $(FUZZ_TIME) $(FUZZ_OUT) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	FUZZ_JOBS=$(FUZZ_SMOKE_JOBS) bash $(FUZZ_DIR)/run.sh smoke $(FUZZ_SMOKE_TIME) $(FUZZ_OUT) $(FUZZ_TARGETS)

fuzz-clean:
	rm -rf $(FUZZ_OUT)

# Seed corpora: tests/fuzz/seeds/seed_X.c builds real inputs of target X
# with the unit tests' builders (its "// SEED-SOURCES:" line names what
# it links, as FUZZ-SOURCES does) and writes them into
# tests/fuzz/corpus/X/; tests/fuzz/seeds/mkseeds.py writes the others
# (VM descriptions, command lines, instruction bytes, device register
# sequences).  The seeds are committed; `make fuzz-seeds` makes them again.
SEED_SRCS := $(sort $(wildcard $(FUZZ_DIR)/seeds/seed_*.c))
SEED_NAMES := $(patsubst seed_%,%,$(basename $(notdir $(SEED_SRCS))))
seed_srcs = $(sort $(FUZZ_DIR)/seeds/seed_$(1).c $(UNIT_COMMON_SRCS) \
	$(shell sed -n 's|^// *SEED-SOURCES:||p' $(FUZZ_DIR)/seeds/seed_$(1).c))

define seed_link_rule
$(FUZZ_OUT)/seeds/seed_$(1): $(call seed_srcs,$(1))
	@mkdir -p $$(@D)
	@echo "  SEEDGEN $$@"
	@$$(UNIT_CC) $$(filter-out -MMD -MP,$$(UNIT_CFLAGS)) -O1 -o $$@ $$^ $$(UNIT_LIBS)
endef
$(foreach t,$(SEED_NAMES),$(eval $(call seed_link_rule,$(t))))

.PHONY: fuzz-seeds
fuzz-seeds: $(addprefix $(FUZZ_OUT)/seeds/seed_,$(SEED_NAMES))
	@for t in $(SEED_NAMES); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$t && \
		$(FUZZ_OUT)/seeds/seed_$$t $(FUZZ_DIR)/corpus/$$t || exit 1; \
	done
	python3 $(FUZZ_DIR)/seeds/mkseeds.py $(FUZZ_DIR)/corpus

// UNIT-SOURCES: efi/exit_retry.c efi/efi_mmap.c
/* Leaving boot services: a stale map key makes the loop take the map
 * again and retry, with nothing but GetMemoryMap in between; other
 * failures and unusable maps end it with the reason. */
#include "efi/exit_retry.h"
#include "efi/efi_mmap.h"
#include "tests/unit/fakes.h"

/* A fake firmware: its map changes (and its key with it) 'changes'
 * times, once after each GetMemoryMap, as if a timer event allocated. */
struct fw {
	uint64_t key;
	unsigned changes;
	unsigned get_calls, exit_calls;
	uint64_t exit_status;      /* forced failure, 0 = by key */
	uint64_t get_status;
	bool gone;
	unsigned ndesc;
	struct efi_mem_desc desc[4];
};

static uint64_t fake_get_map(void *ctx, void *buf, size_t *size, uint64_t *key,
			     size_t *desc_size)
{
	struct fw *fw = ctx;

	assert_false(fw->gone);
	fw->get_calls++;
	if (fw->get_status)
		return fw->get_status;
	assert_true(*size >= fw->ndesc * sizeof(fw->desc[0]));
	memcpy(buf, fw->desc, fw->ndesc * sizeof(fw->desc[0]));
	*size = fw->ndesc * sizeof(fw->desc[0]);
	*desc_size = sizeof(fw->desc[0]);
	*key = fw->key;
	if (fw->changes) {
		fw->changes--;
		fw->key++;
		fw->desc[1].pages++; /* the map the caller holds is stale now */
	}
	return EFI_ST_SUCCESS;
}

static uint64_t fake_exit_bs(void *ctx, uint64_t key)
{
	struct fw *fw = ctx;

	fw->exit_calls++;
	if (fw->exit_status)
		return fw->exit_status;
	if (key != fw->key)
		return EFI_ST_INVALID_PARAMETER;
	fw->gone = true;
	return EFI_ST_SUCCESS;
}

static const struct efi_exit_ops ops = { fake_get_map, fake_exit_bs };
static struct fw fw;
static uint8_t buf[4096];
static struct boot_info bi;
static struct efi_exit_result res;

static int setup(void **state)
{
	(void)state;
	memset(&fw, 0, sizeof(fw));
	memset(&bi, 0, sizeof(bi));
	fw.key = 100;
	fw.ndesc = 2;
	fw.desc[0] = (struct efi_mem_desc){ .type = EFI_MT_CONVENTIONAL,
					    .phys_start = 0x100000, .pages = 0x100 };
	fw.desc[1] = (struct efi_mem_desc){ .type = EFI_MT_RT_DATA,
					    .phys_start = 0x800000, .pages = 0x10 };
	return 0;
}

static void test_first_try(void **state)
{
	(void)state;
	assert_int_equal(efi_exit_with_map(&ops, &fw, buf, sizeof(buf), &bi, &res), 0);
	assert_true(fw.gone);
	assert_int_equal(res.tries, 1);
	assert_int_equal(bi.mmap_count, 2);
	assert_int_equal(bi.mmap[1].type, MEM_RESERVED);
}

/* Three stale keys: the fourth map is the one handed over. */
static void test_stale_key_retried(void **state)
{
	(void)state;
	fw.changes = 3;
	assert_int_equal(efi_exit_with_map(&ops, &fw, buf, sizeof(buf), &bi, &res), 0);
	assert_true(fw.gone);
	assert_int_equal(res.tries, 4);
	assert_int_equal(fw.get_calls, 4);
	/* The final map, not a stale one. */
	assert_int_equal(bi.mmap[1].len, (0x10 + 3) * 0x1000);
}

static void test_key_never_settles(void **state)
{
	(void)state;
	fw.changes = 1000;
	assert_int_equal(efi_exit_with_map(&ops, &fw, buf, sizeof(buf), &bi, &res), -1);
	assert_false(fw.gone);
	assert_int_equal(res.tries, EFI_EXIT_MAX_TRIES);
	assert_int_equal(res.status, EFI_ST_INVALID_PARAMETER);
	assert_non_null(strstr(res.err, "kept changing"));
}

static void test_other_exit_failure(void **state)
{
	(void)state;
	fw.exit_status = 0x8000000000000007ULL; /* EFI_DEVICE_ERROR */
	assert_int_equal(efi_exit_with_map(&ops, &fw, buf, sizeof(buf), &bi, &res), -1);
	assert_int_equal(res.tries, 1);
	assert_int_equal(res.status, 0x8000000000000007ULL);
	assert_non_null(strstr(res.err, "ExitBootServices failed"));
}

static void test_get_map_failure(void **state)
{
	(void)state;
	fw.get_status = 0x8000000000000005ULL; /* EFI_BUFFER_TOO_SMALL */
	assert_int_equal(efi_exit_with_map(&ops, &fw, buf, sizeof(buf), &bi, &res), -1);
	assert_int_equal(res.tries, 0);
	assert_int_equal(fw.exit_calls, 0);
	assert_non_null(strstr(res.err, "GetMemoryMap"));
}

/* An unusable map is reported before ExitBootServices is ever called. */
static void test_bad_map_before_exit(void **state)
{
	(void)state;
	fw.desc[0].phys_start = 0x100800;
	assert_int_equal(efi_exit_with_map(&ops, &fw, buf, sizeof(buf), &bi, &res), -1);
	assert_int_equal(fw.exit_calls, 0);
	assert_int_equal(res.tries, 0);
	assert_int_equal(res.status, EFI_ST_SUCCESS);
	assert_non_null(strstr(res.err, "4 KiB"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_first_try, setup),
		cmocka_unit_test_setup(test_stale_key_retried, setup),
		cmocka_unit_test_setup(test_key_never_settles, setup),
		cmocka_unit_test_setup(test_other_exit_failure, setup),
		cmocka_unit_test_setup(test_get_map_failure, setup),
		cmocka_unit_test_setup(test_bad_map_before_exit, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// UNIT-SOURCES: guest/vpc/pci_assign_check.c
/* Which host functions a VM may be given (guest/vpc/pci_assign_check.c)
 * over a fake host table: absent functions, the hypervisor's, bridges of
 * every kind (PCI-to-PCI header, host and ISA bridges with an ordinary
 * header), another VM's, and the VM's own claim again. */
#include "guest/vpc/pci_assign.h"
#include "tests/unit/fakes.h"

static struct pci_func fns[6];
static struct pci_table table = { .f = fns, .cap = 6 };

static int setup(void **state)
{
	(void)state;
	memset(fns, 0, sizeof(fns));
	fns[0] = (struct pci_func){ .bdf = PCI_BDF(0, 0, 0), .class_rev = 0x06000002,
				    .owner = PCI_OWNER_HV, .owner_name = "(host bridge)" };
	fns[1] = (struct pci_func){ .bdf = PCI_BDF(0, 1, 0), .class_rev = 0x06010000,
				    .hdr_type = PCI_HDR_MULTIFN };
	fns[2] = (struct pci_func){ .bdf = PCI_BDF(0, 2, 0), .class_rev = 0x02000003 };
	fns[3] = (struct pci_func){ .bdf = PCI_BDF(0, 4, 0), .class_rev = 0x06040000,
				    .hdr_type = PCI_HDR_BRIDGE, .secondary = 1 };
	fns[4] = (struct pci_func){ .bdf = PCI_BDF(1, 0, 0), .class_rev = 0x01080200,
				    .owner = PCI_OWNER_VM, .owner_id = 1,
				    .owner_name = "other" };
	fns[5] = (struct pci_func){ .bdf = PCI_BDF(0, 5, 0), .class_rev = 0x0c033000,
				    .hdr_type = 0x02 /* cardbus */ };
	table.n = 6;
	return 0;
}

static void test_refusals(void **state)
{
	(void)state;
	assert_string_equal(pci_assign_refusal(&table, PCI_BDF(0, 9, 0), 0),
			    "there is no such function on the host");
	assert_string_equal(pci_assign_refusal(NULL, PCI_BDF(0, 2, 0), 0),
			    "there is no such function on the host");
	assert_string_equal(pci_assign_refusal(&table, PCI_BDF(0, 0, 0), 0),
			    "the hypervisor uses it");
	assert_string_equal(pci_assign_refusal(&table, PCI_BDF(0, 1, 0), 0),
			    "it is a bridge");
	assert_string_equal(pci_assign_refusal(&table, PCI_BDF(0, 4, 0), 0),
			    "it is a bridge");
	assert_string_equal(pci_assign_refusal(&table, PCI_BDF(0, 5, 0), 0),
			    "it is a bridge");
	assert_string_equal(pci_assign_refusal(&table, PCI_BDF(1, 0, 0), 0),
			    "it belongs to another VM");
}

static void test_allowed(void **state)
{
	(void)state;
	assert_null(pci_assign_refusal(&table, PCI_BDF(0, 2, 0), 0));
	/* The VM that holds it may take it again (a restart). */
	assert_null(pci_assign_refusal(&table, PCI_BDF(1, 0, 0), 1));
	/* The multi-function bit is not a header type. */
	fns[2].hdr_type = PCI_HDR_MULTIFN;
	assert_null(pci_assign_refusal(&table, PCI_BDF(0, 2, 0), 0));
	/* Only the first n entries count. */
	table.n = 2;
	assert_non_null(pci_assign_refusal(&table, PCI_BDF(0, 2, 0), 0));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_refusals),
		T(test_allowed),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}

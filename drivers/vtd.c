/* VT-d units: bring-up, invalidation and domains (see drivers/vtd.h;
 * interrupt remapping and fault events are in vtd_intr.c).  Register
 * layouts from the VT-d spec rev. 4.1, chapter 11; the enabling order
 * from 6.5 and 10.4. */
#include "drivers/vtd_internal.h"
#include "arch-x86/acpi.h"
#include "arch-x86/cpu.h"
#include "arch-x86/lapic.h"
#include "arch-x86/tsc.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "mm/phys.h"

struct vtd_state vtd;

/* ---- register access and waiting ---------------------------------------- */

static uint64_t deadline(void)
{
	return rdtsc() + tsc_hz() / 1000 * POLL_TIMEOUT_MS;
}

/* Wait until (GSTS & bit) == want. */
static int wait_gsts(struct vtd_unit *u, uint32_t bit, bool want)
{
	uint64_t end = deadline();

	while (!!(rd32(u, VTD_GSTS) & bit) != want) {
		if (rdtsc() > end)
			return -ETIMEDOUT;
		cpu_relax();
	}
	return 0;
}

/* GCMD takes the enables as a whole: keep the ones that are on. */
static int gcmd(struct vtd_unit *u, uint32_t bit, bool on)
{
	uint32_t keep = rd32(u, VTD_GSTS) & VTD_GSTS_KEEP;

	int err;

	wr32(u, VTD_GCMD, on ? keep | bit : keep & ~bit);
	err = wait_gsts(u, bit, on);
	if (err)
		pr_err("vtd: unit %#lx: GCMD %#x not acknowledged (GSTS %#x)\n",
		       u->base, bit, rd32(u, VTD_GSTS));
	return err;
}

void vtd_clflush(const void *p, size_t len)
{
	uintptr_t a = ALIGN_DOWN((uintptr_t)p, CACHE_LINE);

	if (vtd.coherent)
		return;
	for (; a < (uintptr_t)p + len; a += CACHE_LINE) {
		__asm__ volatile("clflush (%0)" ::"r"(a) : "memory");
		vtd.stats.clflush_lines++;
	}
	__asm__ volatile("mfence" ::: "memory");
}

static void flush_table_page(paddr_t table, void *ctx)
{
	(void)ctx;
	vtd_clflush(phys_to_virt(table), PAGE_SIZE);
}

/* Write-buffer flush for units that need it (CAP.RWBF). */
static void write_buffer_flush(struct vtd_unit *u)
{
	if (u->cap & VTD_CAP_RWBF) {
		uint32_t keep = rd32(u, VTD_GSTS) & VTD_GSTS_KEEP;

		wr32(u, VTD_GCMD, keep | VTD_GCMD_WBF);
		(void)wait_gsts(u, VTD_GCMD_WBF, false);
	}
}

/* ---- invalidation --------------------------------------------------------- */

static int qi_submit(struct vtd_unit *u, struct vtd_entry128 d)
{
	struct vtd_entry128 *q = phys_to_virt(u->qi_base);
	uint32_t seq = ++u->qi_seq;
	uint64_t end;

	q[u->qi_tail] = d;
	q[(u->qi_tail + 1) % QI_ENTRIES] = vtd_qi_wait(virt_to_phys((void *)u->qi_status), seq);
	vtd_clflush(&q[u->qi_tail], 16);
	vtd_clflush(&q[(u->qi_tail + 1) % QI_ENTRIES], 16);
	u->qi_tail = (u->qi_tail + 2) % QI_ENTRIES;
	wr64(u, VTD_IQT, (uint64_t)u->qi_tail << 4);
	vtd.stats.qi_waits++;
	end = deadline();
	while (*u->qi_status != seq) {
		if (rd32(u, VTD_FSTS) & (VTD_FSTS_IQE | VTD_FSTS_ITE | VTD_FSTS_ICE)) {
			pr_err("vtd: unit %#lx: invalidation queue error, FSTS %#x\n",
			       u->base, rd32(u, VTD_FSTS));
			wr32(u, VTD_FSTS, VTD_FSTS_IQE | VTD_FSTS_ITE | VTD_FSTS_ICE);
			return -EIO;
		}
		if (rdtsc() > end) {
			pr_err("vtd: unit %#lx: invalidation wait timed out\n", u->base);
			return -ETIMEDOUT;
		}
		cpu_relax();
	}
	return 0;
}

static int reg_wait64(struct vtd_unit *u, unsigned off, uint64_t bit)
{
	uint64_t end = deadline();

	while (rd64(u, off) & bit) {
		if (rdtsc() > end)
			return -ETIMEDOUT;
		cpu_relax();
	}
	return 0;
}

/* did 0: global. */
static int inv_context(struct vtd_unit *u, uint16_t did)
{
	vtd.stats.ctx_inv++;
	if (u->qi)
		return qi_submit(u, vtd_qi_context(did == 0, did));
	wr64(u, VTD_CCMD, VTD_CCMD_ICC |
	     (did ? VTD_CCMD_DOMAIN | did : VTD_CCMD_GLOBAL));
	return reg_wait64(u, VTD_CCMD, VTD_CCMD_ICC);
}

static int inv_iotlb(struct vtd_unit *u, uint16_t did)
{
	vtd.stats.iotlb_inv++;
	write_buffer_flush(u);
	if (u->qi)
		return qi_submit(u, vtd_qi_iotlb(did == 0, did));
	wr64(u, u->iotlb + 8, VTD_IOTLB_IVT | VTD_IOTLB_DR | VTD_IOTLB_DW |
	     (did ? VTD_IOTLB_DOMAIN | VTD_IOTLB_DID(did) : VTD_IOTLB_GLOBAL));
	return reg_wait64(u, u->iotlb + 8, VTD_IOTLB_IVT);
}

/* Interrupt entry cache: only through the queue (IR implies QI). */
int vtd_inv_iec(struct vtd_unit *u, int idx)
{
	vtd.stats.iec_inv++;
	if (!u->qi)
		return -ENOTSUP;
	return qi_submit(u, vtd_qi_iec(idx < 0, (uint16_t)(idx < 0 ? 0 : idx)));
}

static void inv_all_iotlb(uint16_t did)
{
	for (unsigned i = 0; i < vtd.nunits; i++)
		inv_iotlb(&vtd.unit[i], did);
}

/* ---- bring-up --------------------------------------------------------------- */

static bool unit_caps(struct vtd_unit *u)
{
	unsigned sagaw = VTD_CAP_SAGAW(u->cap);

	if (!(sagaw & (VTD_SAGAW_39 | VTD_SAGAW_48))) {
		pr_err("vtd: unit %#lx walks neither 3 nor 4 levels (SAGAW %#x)\n",
		       u->base, sagaw);
		return false;
	}
	if (u->fro + 16 * u->nfr > PAGE_SIZE || u->iotlb + 16 > PAGE_SIZE) {
		pr_err("vtd: unit %#lx: register offsets beyond its page\n", u->base);
		return false;
	}
	pr_info("vtd: unit %#lx ver %u.%u: SAGAW%s%s MGAW %u, %s%s%s, %u domains, %u fault regs, %s%s%s%s\n",
		u->base, (rd32(u, VTD_VER) >> 4) & 0xf, rd32(u, VTD_VER) & 0xf,
		sagaw & VTD_SAGAW_39 ? " 39" : "", sagaw & VTD_SAGAW_48 ? " 48" : "",
		VTD_CAP_MGAW(u->cap),
		u->cap & VTD_CAP_SLLPS_2M ? "2M" : "4K",
		u->cap & VTD_CAP_SLLPS_1G ? "+1G" : "",
		u->cap & VTD_CAP_CM ? ", caching mode" : "",
		1u << (4 + 2 * VTD_CAP_ND(u->cap)), u->nfr,
		u->ecap & VTD_ECAP_C ? "coherent" : "not coherent (clflush)",
		u->ecap & VTD_ECAP_QI ? ", QI" : "",
		u->ecap & VTD_ECAP_IR ? ", IR" : "",
		u->ecap & VTD_ECAP_EIM ? ", x2APIC IR" : "");
	return true;
}

/* What every unit can do decides the domains' format. */
static void combine_caps(void)
{
	bool l4 = true, p2m = true, p1g = true;
	unsigned mgaw = 52, nd = 7; /* MGAW reads up to 64; 52 bounds any address */

	vtd.coherent = true;
	for (unsigned i = 0; i < vtd.nunits; i++) {
		struct vtd_unit *u = &vtd.unit[i];

		l4 = l4 && (VTD_CAP_SAGAW(u->cap) & VTD_SAGAW_48);
		p2m = p2m && (u->cap & VTD_CAP_SLLPS_2M);
		p1g = p1g && (u->cap & VTD_CAP_SLLPS_1G);
		mgaw = MIN(mgaw, VTD_CAP_MGAW(u->cap));
		nd = MIN(nd, VTD_CAP_ND(u->cap));
		vtd.coherent = vtd.coherent && (u->ecap & VTD_ECAP_C);
		vtd.caching_mode = vtd.caching_mode || (u->cap & VTD_CAP_CM);
	}
	/* A unit that walks 4 levels but not 3 would need l4 everywhere. */
	vtd.levels = l4 ? 4 : 3;
	vtd.max_leaf = p2m ? (p1g ? PT_LEVEL_1G : PT_LEVEL_2M) : PT_LEVEL_4K;
	vtd.limit = MIN(BIT(mgaw), vtd.levels == 4 ? BIT(48) : BIT(39));
	vtd.ndids = MIN(1u << (4 + 2 * nd), VTD_MAX_DOMAINS);
}

static int unit_qi_on(struct vtd_unit *u)
{
	paddr_t status = frame_zalloc();

	u->qi_base = frame_zalloc();
	if (!u->qi_base || !status)
		return -ENOMEM;
	u->qi_status = phys_to_virt(status);
	u->qi_tail = 0;
	wr64(u, VTD_IQT, 0);
	wr64(u, VTD_IQA, u->qi_base | QI_ORDER); /* 128-bit descriptors */
	if (gcmd(u, VTD_GCMD_QIE, true) < 0)
		return -ETIMEDOUT;
	u->qi = true;
	return 0;
}

static int unit_ir_on(struct vtd_unit *u)
{
	uint64_t irta = vtd.tables.irt | VTD_IRTA_SIZE;

	if (vtd.x2apic)
		irta |= VTD_IRTA_EIME;
	wr64(u, VTD_IRTA, irta);
	if (gcmd(u, VTD_GCMD_SIRTP, true) < 0)
		return -ETIMEDOUT;
	if (vtd_inv_iec(u, -1) < 0)
		return -EIO;
	if (gcmd(u, VTD_GCMD_IRE, true) < 0)
		return -ETIMEDOUT;
	/* The host IOAPIC still sends compatibility-format interrupts: let
	 * them through where the unit can (CFI is optional; QEMU has none). */
	wr32(u, VTD_GCMD, (rd32(u, VTD_GSTS) & VTD_GSTS_KEEP) | VTD_GCMD_CFI);
	if (wait_gsts(u, VTD_GCMD_CFI, true) < 0)
		pr_warn("vtd: unit %#lx keeps compatibility-format interrupts blocked (no CFI)\n",
			u->base);
	return 0;
}

/* Root table in, caches emptied, translation on, queue on, IR on. */
static int unit_enable(struct vtd_unit *u)
{
	wr32(u, VTD_FECTL, VTD_FECTL_IM);
	/* Queued invalidation may be left on by firmware; register-based
	 * commands are refused while it is, so start from off. */
	if ((rd32(u, VTD_GSTS) & VTD_GCMD_QIE) && gcmd(u, VTD_GCMD_QIE, false) < 0)
		return -ETIMEDOUT;
	wr64(u, VTD_RTADDR, vtd.tables.root);
	if (gcmd(u, VTD_GCMD_SRTP, true) < 0)
		return -ETIMEDOUT;
	if (inv_context(u, 0) < 0 || inv_iotlb(u, 0) < 0)
		return -ETIMEDOUT;
	if (gcmd(u, VTD_GCMD_TE, true) < 0)
		return -ETIMEDOUT;
	/* Protected memory regions would block DMA beside the tables. */
	if ((u->cap & (VTD_CAP_PLMR | VTD_CAP_PHMR)) && (rd32(u, VTD_PMEN) & BIT(31)))
		wr32(u, VTD_PMEN, 0);
	if (u->ecap & VTD_ECAP_QI) {
		int err = unit_qi_on(u);

		if (err)
			return err;
	}
	if (vtd.ir)
		return unit_ir_on(u);
	return 0;
}

static bool add_unit(const struct dmar_unit *du, pci_map_fn map)
{
	struct vtd_unit *u = &vtd.unit[vtd.nunits];

	memset(u, 0, sizeof(*u));
	u->base = du->base;
	u->regs = map(du->base, PAGE_SIZE * du->size_pages);
	if (!u->regs) {
		pr_err("vtd: cannot map unit %#lx\n", du->base);
		return false;
	}
	u->cap = rd64(u, VTD_CAP);
	u->ecap = rd64(u, VTD_ECAP);
	if (u->cap == ~0ull || u->ecap == ~0ull) {
		pr_err("vtd: unit %#lx does not answer\n", du->base);
		return false;
	}
	u->iotlb = VTD_ECAP_IRO(u->ecap);
	u->fro = VTD_CAP_FRO(u->cap);
	u->nfr = VTD_CAP_NFR(u->cap);
	if (!unit_caps(u))
		return false;
	vtd.nunits++;
	return true;
}

static void print_dmar(const struct dmar_info *d)
{
	pr_info("vtd: DMAR: host address width %u, %u unit(s), %u RMRR(s)%s%s\n",
		d->haw + 1, d->nunits, d->nrmrr,
		d->flags & DMAR_F_INTR_REMAP ? ", interrupt remapping" : "",
		d->flags & DMAR_F_X2APIC_OPT_OUT ? ", x2APIC opt-out" : "");
	if (d->natsr)
		pr_info("vtd: DMAR: %u ATSR structure(s) ignored: ATS is not enabled\n",
			d->natsr);
	for (unsigned i = 0; i < d->nrmrr; i++)
		pr_info("vtd: RMRR %#lx-%#lx for %u device(s): blocked unless given to a VM, whose domain maps it\n",
			d->rmrr[i].base, d->rmrr[i].limit, d->rmrr[i].nscopes);
}

static bool all_ir(void)
{
	for (unsigned i = 0; i < vtd.nunits; i++)
		if (!(vtd.unit[i].ecap & VTD_ECAP_IR) || !(vtd.unit[i].ecap & VTD_ECAP_QI))
			return false;
	return true;
}

static bool all_eim(void)
{
	for (unsigned i = 0; i < vtd.nunits; i++)
		if (!(vtd.unit[i].ecap & VTD_ECAP_EIM))
			return false;
	return true;
}

void vtd_init(const struct acpi_header *dmar, pci_map_fn map)
{
	struct dmar_info *d;
	char err[120];

	spin_init(&vtd.lock);
	if (!dmar) {
		pr_info("vtd: no DMAR table: no IOMMU, DMA is not remapped\n");
		return;
	}
	d = kzalloc(sizeof(*d));
	if (!d) {
		pr_err("vtd: no memory\n");
		return;
	}
	if (dmar_parse(dmar, dmar->length, d, err, sizeof(err)) < 0) {
		pr_err("vtd: DMAR rejected: %s; VT-d stays off\n", err);
		kfree(d);
		return;
	}
	print_dmar(d);
	vtd.nrmrr = d->nrmrr;
	memcpy(vtd.rmrr, d->rmrr, sizeof(vtd.rmrr));
	for (unsigned i = 0; i < d->nunits && vtd.nunits < VTD_MAX_UNITS; i++)
		if (d->unit[i].segment != 0)
			pr_warn("vtd: unit %#lx serves segment %u, which is not enumerated\n",
				d->unit[i].base, d->unit[i].segment);
		else if (!add_unit(&d->unit[i], map)) {
			pr_err("vtd: VT-d stays off\n");
			vtd.nunits = 0;
			kfree(d);
			return;
		}
	kfree(d);
	if (!vtd.nunits)
		return;
	combine_caps();
	vtd.ir = all_ir();
	vtd.x2apic = vtd.ir && lapic_x2apic() && all_eim();
	if (vtd_tables_init(&vtd.tables) < 0) {
		pr_err("vtd: no memory for the tables\n");
		return;
	}
	vtd_clflush(phys_to_virt(vtd.tables.root), PAGE_SIZE);
	vtd_clflush(phys_to_virt(vtd.tables.irt), PAGE_SIZE);
	vtd.did_used[0] = 1; /* domain 0 is reserved under caching mode */
	for (unsigned i = 0; i < vtd.nunits; i++) {
		int e = unit_enable(&vtd.unit[i]);

		if (e < 0) {
			pr_err("vtd: unit %#lx failed to start (%d); VT-d stays off\n",
			       vtd.unit[i].base, e);
			return;
		}
	}
	vtd.active = true;
	pr_info("vtd: DMA remapping on (%u-level tables, %s pages, IOVA limit %#lx, %u domain ids%s), every device blocked; interrupt remapping %s\n",
		vtd.levels, vtd.max_leaf == PT_LEVEL_1G ? "1G/2M/4K" :
		vtd.max_leaf == PT_LEVEL_2M ? "2M/4K" : "4K", vtd.limit, vtd.ndids,
		vtd.caching_mode ? ", caching mode" : "",
		vtd.ir ? (vtd.x2apic ? "on (x2APIC)" : "on (xAPIC)") : "off");
}

bool vtd_active(void)
{
	return vtd.active;
}

/* A scope's path through the host's bridges, read from config space. */
static bool host_bridge(void *ctx, uint16_t bdf, uint8_t *sec, uint8_t *sub)
{
	const struct pci_cfg_ops *ops = ctx;

	if ((pci_read(ops, bdf, PCI_HEADER_TYPE, 1) & PCI_HDR_TYPE_MASK) != PCI_HDR_BRIDGE)
		return false;
	*sec = (uint8_t)pci_read(ops, bdf, PCI_SECONDARY_BUS, 1);
	*sub = (uint8_t)pci_read(ops, bdf, PCI_SUBORDINATE_BUS, 1);
	return true;
}

unsigned vtd_rmrr_of(pci_bdf_t bdf, struct phys_range *out, unsigned max)
{
	const struct pci_cfg_ops *ops = pci_host_ops();
	unsigned idx[DMAR_MAX_RMRR], n;

	if (!vtd.active || !ops)
		return 0;
	n = dmar_rmrr_for(vtd.rmrr, vtd.nrmrr, 0, bdf, host_bridge, (void *)ops,
			  idx, DMAR_MAX_RMRR);
	n = MIN(n, DMAR_MAX_RMRR);
	for (unsigned i = 0; i < n && i < max; i++)
		out[i] = (struct phys_range){ vtd.rmrr[idx[i]].base,
					      vtd.rmrr[idx[i]].limit + 1 };
	return n;
}

/* ---- domains ----------------------------------------------------------- */

static int did_alloc(void)
{
	for (unsigned i = 1; i < vtd.ndids; i++)
		if (!(vtd.did_used[i / 8] & (1u << (i % 8)))) {
			vtd.did_used[i / 8] |= (uint8_t)(1u << (i % 8));
			return (int)i;
		}
	return -ENOSPC;
}

/* The engine's hook: called once a change touched present entries, before
 * it frees the tables it unlinked, so the units can no longer walk them. */
static void domain_flush(void *ctx)
{
	struct vtd_domain *d = ctx;

	iommu_pt_for_each_table(&d->pt, flush_table_page, NULL);
	inv_all_iotlb(d->did);
}

int vtd_domain_create(struct vtd_domain *d, const char *name)
{
	int did, err;

	memset(d, 0, sizeof(*d));
	if (!vtd.active)
		return -ENODEV;
	spin_lock(&vtd.lock);
	did = did_alloc();
	spin_unlock(&vtd.lock);
	if (did < 0)
		return did;
	err = iommu_pt_create(&d->pt, vtd.levels, vtd.max_leaf);
	if (err) {
		vtd.did_used[did / 8] &= (uint8_t)~(1u << (did % 8));
		return err;
	}
	d->did = (uint16_t)did;
	d->pt.pt.flush = domain_flush;
	d->pt.pt.flush_ctx = d;
	d->limit = vtd.limit;
	d->name = name;
	iommu_pt_for_each_table(&d->pt, flush_table_page, NULL);
	return 0;
}

void vtd_domain_destroy(struct vtd_domain *d)
{
	if (!d->did)
		return;
	inv_all_iotlb(d->did);
	iommu_pt_destroy(&d->pt);
	spin_lock(&vtd.lock);
	vtd.did_used[d->did / 8] &= (uint8_t)~(1u << (d->did % 8));
	spin_unlock(&vtd.lock);
	d->did = 0;
}

int vtd_domain_map(struct vtd_domain *d, uint64_t iova, paddr_t hpa,
		   uint64_t size, unsigned rights)
{
	int err;

	if (size > d->limit || iova > d->limit - size)
		return -EINVAL;
	err = iommu_pt_map(&d->pt, iova, hpa, size, rights);
	iommu_pt_for_each_table(&d->pt, flush_table_page, NULL);
	/* Caching mode: the unit may have cached the not-present entries. */
	if (!err && vtd.caching_mode)
		inv_all_iotlb(d->did);
	return err;
}

/* Entries that were present are flushed and invalidated by domain_flush()
 * before any table is freed. */
int vtd_domain_unmap(struct vtd_domain *d, uint64_t iova, uint64_t size)
{
	return iommu_pt_unmap(&d->pt, iova, size);
}

int vtd_attach(struct vtd_domain *d, pci_bdf_t bdf)
{
	uint16_t old = 0;
	int err;

	if (!vtd.active || !d->did)
		return -ENODEV;
	spin_lock(&vtd.lock);
	err = vtd_ctx_set(&vtd.tables, bdf, d->pt.hw_root, d->pt.levels, d->did, &old);
	spin_unlock(&vtd.lock);
	if (err)
		return err;
	vtd_clflush(phys_to_virt(vtd.tables.root), PAGE_SIZE);
	vtd_clflush(vtd_ctx_slot(&vtd.tables, bdf), 16);
	for (unsigned i = 0; i < vtd.nunits; i++) {
		struct vtd_unit *u = &vtd.unit[i];

		/* A present entry replaced: the old domain's context and
		 * translations go; a new one under caching mode: the
		 * not-present entry the unit may hold goes (did 0). */
		if (old) {
			inv_context(u, old);
			inv_iotlb(u, old);
		} else if (vtd.caching_mode) {
			inv_context(u, 0);
		}
		write_buffer_flush(u);
	}
	d->ndevs++;
	return 0;
}

void vtd_detach(struct vtd_domain *d, pci_bdf_t bdf)
{
	uint16_t old;

	spin_lock(&vtd.lock);
	old = vtd_ctx_clear(&vtd.tables, bdf);
	spin_unlock(&vtd.lock);
	if (!old)
		return;
	vtd_clflush(vtd_ctx_slot(&vtd.tables, bdf), 16);
	for (unsigned i = 0; i < vtd.nunits; i++) {
		inv_context(&vtd.unit[i], old);
		inv_iotlb(&vtd.unit[i], old);
	}
	if (d && d->ndevs)
		d->ndevs--;
}

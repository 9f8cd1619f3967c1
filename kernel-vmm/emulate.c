// SPDX-License-Identifier: GPL-2.0
/*
 * emulate.c - MMIO exits.  A nested page fault outside guest RAM stops at
 * the faulting instruction; nhv fetches it through the guest's own page
 * tables and decodes the one family device drivers use for registers:
 * MOV between a register or an immediate and memory (88, 89, 8A, 8B, C6,
 * C7, A0-A3) and MOVZX/MOVSX loads (0F B6, B7, BE, BF).  Anything else
 * stops the VM with NHV_INTERNAL_EMULATION.  Opcode facts: SDM vol. 2.
 */
#define pr_fmt(fmt) "nhv: " fmt

#include <linux/kernel.h>
#include <asm/processor-flags.h>
#include "nhv_core.h"
#include "decode.h"

/* Translate a guest linear address; -EFAULT if not mapped. */
static int gva_to_gpa(struct nhv_vcpu *v, u64 gva, u64 *gpa)
{
	u64 cr0 = nhv_ops->get_cr(v, 0), cr3 = nhv_ops->get_cr(v, 3);
	u64 cr4 = nhv_ops->get_cr(v, 4), efer = nhv_ops->get_efer(v);
	u64 addr_mask = GENMASK_ULL(51, 12);
	u64 e = 0, table;
	int level, r;

	if (!(cr0 & X86_CR0_PG)) {
		*gpa = gva & 0xffffffffULL;
		return 0;
	}
	if (!(cr4 & X86_CR4_PAE)) {
		u32 e32;

		/* Two levels of 4-byte entries; 4 MiB pages with CR4.PSE. */
		r = nhv_read_guest_phys(v->vm, (cr3 & 0xfffff000) +
					((gva >> 22) & 0x3ff) * 4, &e32, 4);
		if (r || !(e32 & 1))
			return -EFAULT;
		if ((e32 & BIT(7)) && (cr4 & X86_CR4_PSE)) {
			*gpa = (e32 & 0xffc00000) | (gva & 0x3fffff);
			return 0;
		}
		r = nhv_read_guest_phys(v->vm, (e32 & 0xfffff000) +
					((gva >> 12) & 0x3ff) * 4, &e32, 4);
		if (r || !(e32 & 1))
			return -EFAULT;
		*gpa = (e32 & 0xfffff000) | (gva & 0xfff);
		return 0;
	}
	if (efer & EFER_LMA) {
		/* 5-level paging with CR4.LA57 (SDM vol. 3A 4.5). */
		level = (cr4 & X86_CR4_LA57) ? 5 : 4;
		table = cr3 & addr_mask;
	} else {
		r = nhv_read_guest_phys(v->vm, (cr3 & 0xffffffe0) +
					((gva >> 30) & 3) * 8, &e, 8);
		if (r || !(e & 1))
			return -EFAULT;
		level = 2;
		table = e & addr_mask;
	}
	for (; level >= 1; level--) {
		int shift = 12 + 9 * (level - 1);

		r = nhv_read_guest_phys(v->vm, table + ((gva >> shift) & 511) * 8,
					&e, 8);
		if (r || !(e & 1))
			return -EFAULT;
		if (level > 1 && (e & BIT(7))) {
			*gpa = (e & addr_mask & ~((1ULL << shift) - 1)) |
			       (gva & ((1ULL << shift) - 1));
			return 0;
		}
		table = e & addr_mask;
	}
	*gpa = table | (gva & 0xfff);
	return 0;
}

/* Copy between guest-linear memory and BUF, page by page through the walk. */
static int copy_linear(struct nhv_vcpu *v, u64 lin, u8 *buf, int len, bool write)
{
	while (len) {
		int n = min_t(int, len, PAGE_SIZE - (lin & ~PAGE_MASK));
		u64 gpa;
		int r;

		if (gva_to_gpa(v, lin, &gpa))
			return -EFAULT;
		r = write ? nhv_write_guest_phys(v->vm, gpa, buf, n) :
			    nhv_read_guest_phys(v->vm, gpa, buf, n);
		if (r)
			return r;
		lin += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int nhv_read_linear(struct nhv_vcpu *v, u64 lin, void *buf, int len)
{
	return copy_linear(v, lin, buf, len, false);
}

int nhv_write_linear(struct nhv_vcpu *v, u64 lin, const void *buf, int len)
{
	return copy_linear(v, lin, (void *)buf, len, true);
}

/*
 * The instruction at CS:RIP into INSN (NHV_INSN_BUF bytes, zero-filled past
 * what could be read) and whether CS is 64-bit code.  Returns how many bytes
 * are readable (the rest of a page-crossing instruction may not be), or
 * -EFAULT if not even the first page is.
 */
int nhv_fetch_insn(struct nhv_vcpu *v, const struct nhv_segment *cs, u64 efer,
		   u8 *insn, bool *long64)
{
	u64 lin;
	int avail;

	*long64 = (efer & EFER_LMA) && (cs->attrib & NHV_SEG_ATTR_L);
	lin = *long64 ? v->regs.rip : cs->base + (u32)v->regs.rip;
	avail = min_t(int, NHV_INSN_MAX, PAGE_SIZE - (lin & ~PAGE_MASK));
	memset(insn, 0, NHV_INSN_BUF);
	if (nhv_read_linear(v, lin, insn, avail))
		return -EFAULT;
	if (avail < NHV_INSN_MAX &&
	    !nhv_read_linear(v, lin + avail, insn + avail, NHV_INSN_MAX - avail))
		avail = NHV_INSN_MAX;
	return avail;
}

static u64 *gpr_for(struct nhv_vcpu *v, int reg, bool byte, bool rex, int *shift)
{
	*shift = 0;
	if (byte && !rex && reg >= 4 && reg < 8) {
		*shift = 8;		/* AH, CH, DH, BH */
		reg -= 4;
	}
	return &v->regs.gpr[reg];
}

/* Store the value read (by user space or the APIC) into the destination. */
static void complete_read(struct nhv_vcpu *v, u64 data)
{
	u64 *r;
	int src = v->pending_mmio_src_len, dst = v->pending_mmio_len, shift;

	if (src < 8)
		data &= (1ULL << (8 * src)) - 1;
	if (v->pending_mmio_ext == 2)
		data = src == 1 ? (u64)(s64)(s8)data : (u64)(s64)(s16)data;
	r = gpr_for(v, v->pending_mmio_reg, v->pending_mmio_byte_rex != 0,
		    v->pending_mmio_byte_rex == 2, &shift);
	switch (dst) {
	case 1:
		*r = (*r & ~(0xffULL << shift)) | ((data & 0xff) << shift);
		break;
	case 2:
		*r = (*r & ~0xffffULL) | (data & 0xffff);
		break;
	case 4:
		*r = (u32)data;		/* 32-bit destinations zero-extend */
		break;
	default:
		*r = data;
		break;
	}
	v->pending_mmio_reg = -1;
}

int nhv_emulate_mmio(struct nhv_vcpu *v, struct nhv_exit *e)
{
	struct nhv_run *run = v->run;
	struct nhv_mmio_insn d;
	struct nhv_segment cs;
	u8 insn[NHV_INSN_BUF];
	int avail, shift;
	bool long64;
	u64 val, *r;

	/* RAM: its region is not pinned yet (pin.c). */
	if (nhv_find_slot(v->vm, e->gpa))
		return nhv_fault_in(v, e);
	nhv_ops->get_cs(v, &cs);
	avail = nhv_fetch_insn(v, &cs, nhv_ops->get_efer(v), insn, &long64);
	if (avail < 0 ||
	    nhv_decode_mmio(insn, avail, long64, cs.attrib & NHV_SEG_ATTR_DB, &d) ||
	    d.is_write != e->npf_write)
		goto bad;

	val = d.imm;
	if (d.is_write && d.reg >= 0) {
		r = gpr_for(v, d.reg, d.byte_op, d.rex, &shift);
		val = *r >> shift;
	}
	if (d.len < 8)
		val &= (1ULL << (8 * d.len)) - 1;
	if (!d.is_write) {
		v->pending_mmio_reg = d.reg;
		v->pending_mmio_len = d.dst_len;
		v->pending_mmio_ext = d.ext;
		v->pending_mmio_byte_rex = d.byte_op ? (d.rex ? 2 : 1) : 0;
		v->pending_mmio_src_len = d.len;
	}
	v->regs.rip += d.length;

	/* The local APIC's page is answered in the kernel (lapic.c). */
	if (nhv_lapic_claims(v, e->gpa)) {
		if (d.is_write)
			return nhv_lapic_write(v, e->gpa, val, d.len);
		complete_read(v, nhv_lapic_read(v, e->gpa, d.len));
		return 0;
	}
	run->exit_reason = NHV_EXIT_MMIO;
	run->mmio.phys = e->gpa;
	run->mmio.len = d.len;
	run->mmio.is_write = d.is_write;
	run->mmio.data = d.is_write ? val : 0;
	return 1;
bad:
	nhv_stop(v, NHV_INTERNAL_EMULATION, e->gpa, insn[0] | (u64)insn[1] << 8 |
		 (u64)insn[2] << 16 | (u64)insn[3] << 24);
	return 1;
}

void nhv_complete_mmio(struct nhv_vcpu *v)
{
	complete_read(v, READ_ONCE(v->run->mmio.data));
}

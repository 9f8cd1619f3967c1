/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svm_arch.h - AMD SVM architecture constants: the VMCB layout, intercept
 * bits, event injection and exit codes.  Section numbers are AMD64 APM
 * vol. 2 (24593).
 */
#ifndef NHV_SVM_ARCH_H
#define NHV_SVM_ARCH_H

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/compiler_attributes.h>

/* VMCB layout, Appendix B (table B-1 control area, B-2 save area). */
struct svm_seg {
	u16 selector;
	u16 attrib;
	u32 limit;
	u64 base;
} __packed;

struct svm_control {
	u32 intercept_cr;		/* 000h: reads 15:0, writes 31:16 */
	u32 intercept_dr;		/* 004h */
	u32 intercept_exc;		/* 008h: one bit per vector */
	u32 intercept_misc1;		/* 00Ch */
	u32 intercept_misc2;		/* 010h */
	u32 intercept_misc3;		/* 014h */
	u8 rsvd1[0x3c - 0x18];
	u16 pause_filter_thresh;	/* 03Ch */
	u16 pause_filter_count;		/* 03Eh */
	u64 iopm_base_pa;		/* 040h */
	u64 msrpm_base_pa;		/* 048h */
	u64 tsc_offset;			/* 050h */
	u32 asid;			/* 058h */
	u8 tlb_control;			/* 05Ch */
	u8 rsvd2[3];
	u32 int_ctl;			/* 060h: V_TPR, V_IRQ, ..., V_INTR_MASKING */
	u32 int_vector;			/* 064h */
	u64 int_state;			/* 068h: bit 0 interrupt shadow */
	u64 exit_code;			/* 070h */
	u64 exit_info1;			/* 078h */
	u64 exit_info2;			/* 080h */
	u64 exit_int_info;		/* 088h */
	u64 nested_ctl;			/* 090h: bit 0 NP_ENABLE */
	u64 avic_bar;			/* 098h */
	u64 ghcb_pa;			/* 0A0h */
	u64 event_inj;			/* 0A8h */
	u64 nested_cr3;			/* 0B0h */
	u64 virt_ext;			/* 0B8h */
	u32 clean;			/* 0C0h */
	u32 rsvd3;
	u64 next_rip;			/* 0C8h */
	u8 insn_len;			/* 0D0h */
	u8 insn_bytes[15];
	u8 rsvd4[0x400 - 0xe0];
} __packed;

struct svm_save {
	struct svm_seg es, cs, ss, ds, fs, gs;	/* 400h.. */
	struct svm_seg gdtr, ldtr, idtr, tr;	/* 460h.. */
	u8 rsvd1[0x4cb - 0x4a0];
	u8 cpl;				/* 4CBh */
	u32 rsvd2;
	u64 efer;			/* 4D0h */
	u8 rsvd3[0x548 - 0x4d8];
	u64 cr4;			/* 548h */
	u64 cr3;
	u64 cr0;
	u64 dr7;
	u64 dr6;
	u64 rflags;
	u64 rip;			/* 578h */
	u8 rsvd4[0x5d8 - 0x580];
	u64 rsp;			/* 5D8h */
	u64 s_cet, ssp, isst_addr;
	u64 rax;			/* 5F8h */
	u64 star, lstar, cstar, sfmask, kernel_gs_base;
	u64 sysenter_cs, sysenter_esp, sysenter_eip;
	u64 cr2;			/* 640h */
	u8 rsvd5[0x668 - 0x648];
	u64 g_pat;			/* 668h */
	u64 dbgctl;
} __packed;

struct vmcb {
	struct svm_control c;
	struct svm_save s;
} __packed;

/* Intercept bits, 15.9-15.13 and table B-1. */
#define MISC1_INTR		BIT(0)
#define MISC1_NMI		BIT(1)
#define MISC1_VINTR		BIT(4)
#define MISC1_RDPMC		BIT(15)
#define MISC1_CPUID		BIT(18)
#define MISC1_IRET		BIT(20)
#define MISC1_INVD		BIT(22)
#define MISC1_HLT		BIT(24)
#define MISC1_INVLPGA		BIT(26)
#define MISC1_IOIO		BIT(27)
#define MISC1_MSR		BIT(28)
#define MISC1_SHUTDOWN		BIT(31)
#define MISC2_VMRUN		BIT(0)
#define MISC2_VMMCALL		BIT(1)
#define MISC2_VMLOAD		BIT(2)
#define MISC2_VMSAVE		BIT(3)
#define MISC2_STGI		BIT(4)
#define MISC2_CLGI		BIT(5)
#define MISC2_SKINIT		BIT(6)
#define MISC2_WBINVD		BIT(9)
#define MISC2_MONITOR		BIT(10)
#define MISC2_MWAIT		BIT(11)
#define MISC2_MWAIT_COND	BIT(12)
#define MISC2_XSETBV		BIT(13)
#define MISC2_RDPRU		BIT(14)

/* VMCB 060h V_INTR fields and 068h interrupt shadow, table B-1 and 15.21.4. */
#define INT_CTL_V_IRQ		BIT(8)
#define INT_CTL_V_PRIO		(0xfU << 16)
#define INT_CTL_V_IGN_TPR	BIT(20)
#define INT_CTL_V_INTR_MASKING	BIT(24)
#define INT_STATE_SHADOW	BIT_ULL(0)

/* EVENTINJ and EXITINTINFO format, 15.20. */
#define EVENT_VALID		BIT_ULL(31)
#define EVENT_ERR_VALID		BIT_ULL(11)

/* Exit codes, Appendix C. */
#define EXIT_EXCP_DB		0x041
#define EXIT_EXCP_GP		0x04d
#define EXIT_EXCP_AC		0x051
#define EXIT_INTR		0x060
#define EXIT_NMI		0x061
#define EXIT_SMI		0x062
#define EXIT_VINTR		0x064
#define EXIT_RDPMC		0x06f
#define EXIT_CPUID		0x072
#define EXIT_IRET		0x074
#define EXIT_INVD		0x076
#define EXIT_HLT		0x078
#define EXIT_INVLPGA		0x07a
#define EXIT_IOIO		0x07b
#define EXIT_MSR		0x07c
#define EXIT_SHUTDOWN		0x07f
#define EXIT_VMRUN		0x080
#define EXIT_VMMCALL		0x081
#define EXIT_SKINIT		0x086
#define EXIT_WBINVD		0x089
#define EXIT_MONITOR		0x08a
#define EXIT_MWAIT_COND		0x08c
#define EXIT_XSETBV		0x08d
#define EXIT_RDPRU		0x08e
#define EXIT_NPF		0x400
#define EXIT_INVALID		0xffffffffULL	/* -1, as a 32-bit EXITCODE */

/* IOIO EXITINFO1, 15.10.2. */
#define IOIO_IN			BIT(0)
#define IOIO_STR		BIT(2)
#define IOIO_REP		BIT(3)

#endif /* NHV_SVM_ARCH_H */

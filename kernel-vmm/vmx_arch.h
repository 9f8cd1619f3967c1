/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_arch.h - Intel VMX architecture constants: VMCS field encodings,
 * VM-execution, VM-exit and VM-entry control bits, event and
 * interruptibility formats, basic exit reasons.  Section numbers are Intel
 * SDM vol. 3 (325384; 25 VMCS, appendix B field encodings, appendix C exit
 * reasons).  The VMX capability MSR indexes (appendix A) are the kernel's,
 * from <asm/msr-index.h>.
 */
#ifndef NHV_VMX_ARCH_H
#define NHV_VMX_ARCH_H

#include <linux/bits.h>

/* VMCS field encodings, appendix B. */
enum {
	F_VPID = 0x0000,
	F_GUEST_ES_SEL = 0x0800, F_HOST_ES_SEL = 0x0c00, F_HOST_CS_SEL = 0x0c02,
	F_HOST_SS_SEL = 0x0c04, F_HOST_DS_SEL = 0x0c06, F_HOST_FS_SEL = 0x0c08,
	F_HOST_GS_SEL = 0x0c0a, F_HOST_TR_SEL = 0x0c0c,
	F_MSR_BITMAP = 0x2004, F_EPT_POINTER = 0x201a,
	F_GUEST_PHYS = 0x2400, F_VMCS_LINK = 0x2800, F_GUEST_DEBUGCTL = 0x2802,
	F_GUEST_PAT = 0x2804, F_GUEST_EFER = 0x2806, F_GUEST_PDPTR0 = 0x280a,
	F_HOST_PAT = 0x2c00, F_HOST_EFER = 0x2c02,
	F_PIN_CTL = 0x4000, F_PROC_CTL = 0x4002, F_EXC_BITMAP = 0x4004,
	F_EXIT_CTL = 0x400c, F_ENTRY_CTL = 0x4012, F_ENTRY_INTR = 0x4016,
	F_ENTRY_ERR = 0x4018, F_ENTRY_INSN_LEN = 0x401a, F_PROC_CTL2 = 0x401e,
	F_INSN_ERROR = 0x4400, F_EXIT_REASON = 0x4402, F_EXIT_INTR = 0x4404,
	F_EXIT_INTR_ERR = 0x4406, F_IDT_VEC = 0x4408, F_IDT_VEC_ERR = 0x440a,
	F_EXIT_INSN_LEN = 0x440c,
	F_GUEST_ES_LIMIT = 0x4800, F_GUEST_GDTR_LIMIT = 0x4810,
	F_GUEST_IDTR_LIMIT = 0x4812, F_GUEST_ES_AR = 0x4814,
	F_GUEST_INTERRUPTIBILITY = 0x4824, F_GUEST_ACTIVITY = 0x4826,
	F_PREEMPT_TIMER = 0x482e,
	F_HOST_SYSENTER_CS = 0x4c00,
	F_CR0_MASK = 0x6000, F_CR4_MASK = 0x6002, F_CR0_SHADOW = 0x6004,
	F_CR4_SHADOW = 0x6006, F_EXIT_QUAL = 0x6400,
	F_GUEST_CR0 = 0x6800, F_GUEST_CR3 = 0x6802, F_GUEST_CR4 = 0x6804,
	F_GUEST_ES_BASE = 0x6806, F_GUEST_GDTR_BASE = 0x6816,
	F_GUEST_IDTR_BASE = 0x6818, F_GUEST_DR7 = 0x681a, F_GUEST_RSP = 0x681c,
	F_GUEST_RIP = 0x681e, F_GUEST_RFLAGS = 0x6820,
	F_HOST_CR0 = 0x6c00, F_HOST_CR3 = 0x6c02, F_HOST_CR4 = 0x6c04,
	F_HOST_FS_BASE = 0x6c06, F_HOST_GS_BASE = 0x6c08, F_HOST_TR_BASE = 0x6c0a,
	F_HOST_GDTR_BASE = 0x6c0c, F_HOST_IDTR_BASE = 0x6c0e,
	F_HOST_SYSENTER_ESP = 0x6c10, F_HOST_SYSENTER_EIP = 0x6c12,
	F_HOST_RIP = 0x6c16,
};

/*
 * Segment fields come in order ES, CS, SS, DS, FS, GS, LDTR, TR with a
 * stride of 2 in each group (B.1.2, B.3.3, B.4.3).
 */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

/* Pin-based VM-execution controls, 25.6.1. */
#define PIN_EXT_INTR		BIT(0)
#define PIN_NMI			BIT(3)
#define PIN_VIRTUAL_NMI		BIT(5)
#define PIN_PREEMPT_TIMER	BIT(6)

/* Primary processor-based VM-execution controls, 25.6.2. */
#define PROC_INTR_WINDOW	BIT(2)
#define PROC_HLT		BIT(7)
#define PROC_MWAIT		BIT(10)
#define PROC_RDPMC		BIT(11)
#define PROC_NMI_WINDOW		BIT(22)
#define PROC_MOV_DR		BIT(23)
#define PROC_UNCOND_IO		BIT(24)
#define PROC_MSR_BITMAP		BIT(28)
#define PROC_MONITOR		BIT(29)
#define PROC_SECONDARY		BIT(31)

/* Secondary processor-based VM-execution controls, 25.6.2. */
#define PROC2_EPT		BIT(1)
#define PROC2_RDTSCP		BIT(3)
#define PROC2_VPID		BIT(5)
#define PROC2_WBINVD		BIT(6)
#define PROC2_UNRESTRICTED	BIT(7)
#define PROC2_INVPCID		BIT(12)

/* VM-exit controls, 25.7.1. */
#define EXIT_SAVE_DEBUG		BIT(2)
#define EXIT_HOST_64		BIT(9)
#define EXIT_SAVE_PAT		BIT(18)
#define EXIT_LOAD_PAT		BIT(19)
#define EXIT_SAVE_EFER		BIT(20)
#define EXIT_LOAD_EFER		BIT(21)

/* VM-entry controls, 25.8.1. */
#define ENTRY_LOAD_DEBUG	BIT(2)
#define ENTRY_IA32E		BIT(9)
#define ENTRY_LOAD_PAT		BIT(14)
#define ENTRY_LOAD_EFER		BIT(15)

/*
 * Interruption information: VM-entry (25.8.3), VM-exit and IDT-vectoring
 * (25.9.2, 25.9.3).
 */
#define INTR_VALID		BIT(31)
#define INTR_ERR_VALID		BIT(11)
#define INTR_TYPE(x)		(((x) >> 8) & 7)
#define INTR_TYPE_NMI		2
#define INTR_TYPE_SOFT_INTR	4
#define INTR_TYPE_SOFT_EXC	6

/* Guest interruptibility state, 25.4.2. */
#define BLOCK_STI		BIT(0)
#define BLOCK_MOV_SS		BIT(1)
#define BLOCK_NMI		BIT(3)

/* Basic exit reasons, appendix C. */
#define X_EXCEPTION_NMI		0
#define X_EXT_INTR		1
#define X_TRIPLE_FAULT		2
#define X_INTR_WINDOW		7
#define X_NMI_WINDOW		8
#define X_CPUID			10
#define X_HLT			12
#define X_INVD			13
#define X_RDPMC			15
#define X_VMCALL		18
#define X_VMXON			27
#define X_CR			28
#define X_DR			29
#define X_IO			30
#define X_RDMSR			31
#define X_WRMSR			32
#define X_MWAIT			36
#define X_MONITOR		39
#define X_EPT_VIOLATION		48
#define X_INVEPT		50
#define X_RDTSCP		51
#define X_INVVPID		53
#define X_WBINVD		54
#define X_XSETBV		55
#define X_PREEMPT_TIMER		52
#define X_ENTRY_FAILED		BIT(31)

#endif /* NHV_VMX_ARCH_H */

/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * nhv.h - the /dev/nhv ABI of nhv.ko, the thin hypervisor of the nhv appliance.
 * Described in docs/abi.md.  All structures have fixed sizes and explicit
 * padding; reserved fields must be zero and the kernel checks that they are.
 *
 * File descriptors:
 *   /dev/nhv   system fd: API version, capabilities, run-structure size, VM creation
 *   VM fd      guest memory, CPUID policy, I/O exit ports, vCPU creation
 *   vCPU fd    registers, run, interrupt injection; mmap() gives struct nhv_run
 */
#ifndef _UAPI_NHV_H
#define _UAPI_NHV_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define NHV_API_VERSION		1
#define NHV_IOC			0xB7

/* Limits the kernel enforces (also reported by NHV_GET_CAPS). */
#define NHV_MAX_MEM_SLOTS	32
#define NHV_MAX_VCPUS		64
#define NHV_MAX_CPUID_ENTRIES	256
#define NHV_MAX_GUEST_PHYS	(1ULL << 40)	/* 1 TiB of guest-physical space */

/* struct nhv_caps.vendor */
#define NHV_VENDOR_SVM		1
#define NHV_VENDOR_VMX		2

/* struct nhv_caps.flags */
#define NHV_CAP_NPT		(1ULL << 0)	/* AMD nested paging */
#define NHV_CAP_EPT		(1ULL << 1)	/* Intel extended page tables */
#define NHV_CAP_ASID		(1ULL << 2)	/* tagged TLB (ASID on SVM) */
#define NHV_CAP_VPID		(1ULL << 3)	/* tagged TLB (VPID on VMX) */
#define NHV_CAP_UNRESTRICTED	(1ULL << 4)	/* real mode and unpaged guests */
#define NHV_CAP_LARGE_PAGES	(1ULL << 5)	/* 2 MiB nested mappings */
#define NHV_CAP_FLUSH_BY_ASID	(1ULL << 6)
#define NHV_CAP_LAPIC		(1ULL << 7)	/* in-kernel xAPIC + timer, NHV_INTR_APIC, NHV_EXIT_IPI */
#define NHV_CAP_BACKDOOR	(1ULL << 8)	/* NHV_SET_BACKDOOR, NHV_EXIT_BACKDOOR */
/* RAM pinned on first touch; NHV_GET_VM_STATS, NHV_INTERNAL_MEMORY, caps.tsc_khz */
#define NHV_CAP_LAZY_MEMORY	(1ULL << 9)

struct nhv_caps {
	__u32 vendor;		/* NHV_VENDOR_* */
	__u32 max_vcpus;
	__u64 flags;		/* NHV_CAP_* */
	__u32 max_mem_slots;
	__u32 max_cpuid_entries;
	__u32 nr_asids;		/* ASIDs or VPIDs the hardware offers */
	__u32 run_size;		/* bytes to mmap() from a vCPU fd */
	__u64 max_guest_phys;
	__u32 tsc_khz;		/* NHV_CAP_LAZY_MEMORY: L1's TSC rate (the guest's), 0 if unknown */
	__u32 pad;
	__u64 reserved[3];
};

/* NHV_SET_MEMORY: back guest-physical [guest_phys, +size) with user memory. */
struct nhv_memory {
	__u32 slot;		/* < NHV_MAX_MEM_SLOTS, each slot set once */
	__u32 flags;		/* must be 0 */
	__u64 guest_phys;	/* 4 KiB aligned */
	__u64 size;		/* 4 KiB multiple, > 0 */
	__u64 user_addr;	/* 4 KiB aligned, readable and writable */
};

/*
 * NHV_GET_VM_STATS (NHV_CAP_LAZY_MEMORY): what the VM holds in the kernel.
 * In: flags and reserved must be 0.  Out: the counters.
 */
struct nhv_vm_stats {
	__u32 flags;		/* in: must be 0 */
	__u32 slots;		/* out: memory slots set */
	__u64 slot_pages;	/* out: 4 KiB pages the slots cover */
	__u64 pages_pinned;	/* out: of those, pinned (touched by the guest or nhv) */
	__u64 regions_pinned;	/* out: 2 MiB regions of slots pinned */
	__u64 pt_pages;		/* out: pages of nested page tables */
	__u64 reserved[3];	/* in: must be 0 */
};

/* NHV_SET_CPUID: the per-VM CPUID policy. */
#define NHV_CPUID_EAX		0
#define NHV_CPUID_EBX		1
#define NHV_CPUID_ECX		2
#define NHV_CPUID_EDX		3
#define NHV_CPUID_ANY_SUBLEAF	(1U << 0)	/* entry applies to every subleaf */

struct nhv_cpuid_entry {
	__u32 leaf;
	__u32 subleaf;
	__u32 reg;		/* NHV_CPUID_E?X */
	__u32 flags;		/* NHV_CPUID_ANY_SUBLEAF */
	__u32 and_mask;		/* result = (base & and_mask) | or_mask */
	__u32 or_mask;
};

struct nhv_cpuid_policy {
	__u32 nent;		/* <= NHV_MAX_CPUID_ENTRIES */
	__u32 flags;		/* must be 0 */
	__u64 entries;		/* user pointer to nent struct nhv_cpuid_entry */
};

/* NHV_SET_IO_EXITS: one bit per port; a set bit sends that port to user space. */
struct nhv_io_exits {
	__u8 bitmap[65536 / 8];
};

/*
 * NHV_SET_BACKDOOR: VMware's backdoor for this VM (docs/abi.md).  Any
 * time, from any thread; each vCPU follows at its next entry.
 */
#define NHV_BACKDOOR_PORTS	(1U << 0)	/* IN/OUT on 0x5658/0x5659 -> NHV_EXIT_BACKDOOR */
#define NHV_BACKDOOR_USER	(1U << 1)	/* with PORTS: also when CPL > IOPL (#GP emulated) */
#define NHV_BACKDOOR_HYPERCALL	(1U << 2)	/* VMCALL / VMMCALL -> NHV_EXIT_BACKDOOR */
#define NHV_BACKDOOR_PMC	(1U << 3)	/* RDPMC 0x10000-0x10002 at any CPL, in the kernel */
#define NHV_BACKDOOR_VALID	0xfU

#define NHV_BDOOR_PORT		0x5658		/* low bandwidth */
#define NHV_BDOOR_HB_PORT	0x5659		/* high bandwidth */
#define NHV_BDOOR_PMC_HW_TSC	0x10000		/* host TSC */
#define NHV_BDOOR_PMC_REAL_NS	0x10001		/* real time, ns */
#define NHV_BDOOR_PMC_APPARENT_NS 0x10002	/* apparent (guest) time, ns */

struct nhv_backdoor {
	__u32 flags;		/* NHV_BACKDOOR_* */
	__u32 reserved[7];	/* must be 0 */
};

/* Registers: general purpose in the hardware's encoding order. */
enum {
	NHV_RAX, NHV_RCX, NHV_RDX, NHV_RBX, NHV_RSP, NHV_RBP, NHV_RSI, NHV_RDI,
	NHV_R8, NHV_R9, NHV_R10, NHV_R11, NHV_R12, NHV_R13, NHV_R14, NHV_R15,
	NHV_NR_GPRS
};

struct nhv_regs {
	__u64 gpr[NHV_NR_GPRS];
	__u64 rip;
	__u64 rflags;
};

struct nhv_segment {
	__u64 base;
	__u32 limit;
	__u16 selector;
	__u16 attrib;		/* AMD VMCB layout: type:4 s:1 dpl:2 p:1 avl:1 l:1 db:1 g:1 */
};

struct nhv_dtable {
	__u64 base;
	__u32 limit;
	__u32 reserved;
};

struct nhv_sregs {
	struct nhv_segment cs, ds, es, fs, gs, ss, tr, ldtr;
	struct nhv_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, efer;
	__u64 xcr0;
	__u64 reserved[4];
};

/* NHV_INTERRUPT */
#define NHV_INTR_NMI		(1U << 0)	/* inject an NMI; vector ignored */
#define NHV_INTR_APIC		(1U << 1)	/* through the local APIC: IRR, priority, ISR until EOI */

struct nhv_interrupt {
	__u32 vector;		/* 32..255 for external interrupts */
	__u32 flags;
};

/* Exit reasons in struct nhv_run.exit_reason. */
#define NHV_EXIT_NONE		0
#define NHV_EXIT_IO		1	/* port I/O to a port chosen with NHV_SET_IO_EXITS */
#define NHV_EXIT_MMIO		2	/* access to guest-physical memory without backing */
#define NHV_EXIT_HLT		3	/* HLT with interrupts disabled: nothing can wake it */
#define NHV_EXIT_SHUTDOWN	4	/* triple fault */
#define NHV_EXIT_FAIL_ENTRY	5	/* the hardware refused the guest state */
#define NHV_EXIT_INTERNAL	6	/* nhv stopped the VM; see internal */
#define NHV_EXIT_INTR		7	/* a signal is pending for the vCPU thread */
#define NHV_EXIT_IRQ_WINDOW	8	/* requested interrupt window is open */
#define NHV_EXIT_IPI		9	/* guest wrote its APIC ICR for an IPI nhv does not deliver */
#define NHV_EXIT_BACKDOOR	10	/* VMware backdoor call: every GPR in run->backdoor */

/* internal.suberror */
#define NHV_INTERNAL_UNHANDLED	1	/* hardware exit nhv does not handle; data[0] = code */
#define NHV_INTERNAL_EMULATION	2	/* MMIO instruction nhv cannot decode; data[0] = rip */
#define NHV_INTERNAL_STRING_IO	3	/* INS/OUTS element not in guest RAM; data[0] = port, [1] = address */
#define NHV_INTERNAL_DOUBLE_FAULT_LOOP 4 /* exception while delivering an exception */
#define NHV_INTERNAL_MEMORY	5	/* guest RAM could not be pinned; data[0] = address, [1] = errno */

#define NHV_IO_IN		0
#define NHV_IO_OUT		1

/* struct nhv_run.backdoor.kind */
#define NHV_BACKDOOR_IN		0
#define NHV_BACKDOOR_OUT	1
#define NHV_BACKDOOR_VMCALL	2
#define NHV_BACKDOOR_VMMCALL	3

struct nhv_run {
	__u32 exit_reason;		/* NHV_EXIT_* */
	__u8 request_interrupt_window;	/* in: exit when the guest can take an interrupt */
	__u8 if_flag;			/* out: guest RFLAGS.IF */
	__u8 ready_for_interrupt;	/* out: an NHV_INTERRUPT would be taken at once */
	__u8 pad0;
	__u64 exits;			/* out: hardware exits of this vCPU so far */
	__u64 reserved0[2];
	union {
		struct {
			__u8 direction;	/* NHV_IO_IN or NHV_IO_OUT */
			__u8 size;	/* 1, 2 or 4 */
			__u16 port;
			__u32 data;	/* OUT: value written; IN: user space stores it here */
		} io;
		struct {
			__u64 phys;
			__u64 data;	/* write: value; read: user space stores it here */
			__u8 len;	/* 1, 2, 4 or 8 */
			__u8 is_write;
			__u8 pad[6];
		} mmio;
		struct {
			__u64 hardware_reason;	/* VMEXIT code (SVM) or VM-instruction error (VMX) */
			__u64 info[2];
		} fail_entry;
		struct {
			__u32 icr_low;		/* ICR bits 31:0 as written (vector, mode, shorthand) */
			__u32 icr_high;		/* ICR bits 63:32 (destination in 31:24) */
		} ipi;
		struct {
			/*
			 * out: the guest's registers at the call; in: what it
			 * has when it resumes (all 16 written back by NHV_RUN).
			 */
			__u64 gpr[NHV_NR_GPRS];
			__u64 rip;		/* out: the instruction; RIP is past it */
			__u8 kind;		/* out: NHV_BACKDOOR_IN/OUT/VMCALL/VMMCALL */
			__u8 size;		/* out: IN/OUT: 1, 2 or 4 */
			__u8 cpl;		/* out: the caller's privilege level */
			__u8 trapped;		/* out: 1 = IN/OUT from CPL > IOPL (its #GP emulated) */
			__u16 port;		/* out: IN/OUT: 0x5658 or 0x5659 */
			__u8 fault;		/* in: 0, or 6 (#UD) / 13 (#GP(0)) instead */
			__u8 pad;
		} backdoor;
		struct {
			__u32 suberror;		/* NHV_INTERNAL_* */
			__u32 pad;
			__u64 data[4];
		} internal;
		__u8 space[256];
	};
};

/* /dev/nhv */
#define NHV_GET_API_VERSION	_IO(NHV_IOC, 0x00)
#define NHV_GET_CAPS		_IOR(NHV_IOC, 0x01, struct nhv_caps)
#define NHV_CREATE_VM		_IO(NHV_IOC, 0x02)	/* returns a VM fd */
/* VM fd */
#define NHV_SET_MEMORY		_IOW(NHV_IOC, 0x10, struct nhv_memory)
#define NHV_SET_CPUID		_IOW(NHV_IOC, 0x11, struct nhv_cpuid_policy)
#define NHV_SET_IO_EXITS	_IOW(NHV_IOC, 0x12, struct nhv_io_exits)
#define NHV_CREATE_VCPU		_IO(NHV_IOC, 0x13)	/* arg: vCPU id; returns a vCPU fd */
#define NHV_SET_BACKDOOR	_IOW(NHV_IOC, 0x14, struct nhv_backdoor)	/* NHV_CAP_BACKDOOR */
#define NHV_GET_VM_STATS	_IOWR(NHV_IOC, 0x15, struct nhv_vm_stats)	/* NHV_CAP_LAZY_MEMORY */
/* vCPU fd */
#define NHV_GET_REGS		_IOR(NHV_IOC, 0x20, struct nhv_regs)
#define NHV_SET_REGS		_IOW(NHV_IOC, 0x21, struct nhv_regs)
#define NHV_GET_SREGS		_IOR(NHV_IOC, 0x22, struct nhv_sregs)
#define NHV_SET_SREGS		_IOW(NHV_IOC, 0x23, struct nhv_sregs)
#define NHV_RUN			_IO(NHV_IOC, 0x24)
#define NHV_INTERRUPT		_IOW(NHV_IOC, 0x25, struct nhv_interrupt)

#endif /* _UAPI_NHV_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nhv_core.h - objects shared by the vendor-neutral core and the backends.
 *
 * A VM owns guest memory (user pages pinned and mapped by nested page tables
 * one 2 MiB region at a time, on the first fault: pin.c),
 * a CPUID policy and the set of I/O ports that exit to user space.  A vCPU
 * owns its register cache, its pending events and the backend's state (a VMCB
 * on SVM).  The backend is reached only through struct nhv_ops.
 */
#ifndef NHV_CORE_H
#define NHV_CORE_H

#include <linux/types.h>
#include <linux/mm.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/rcupdate.h>
#include <linux/bitmap.h>
#include <linux/preempt.h>
#include <linux/hrtimer.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <uapi/nhv.h>

/* struct nhv_segment attrib bits (VMCB layout): 64-bit code, default size. */
#define NHV_SEG_ATTR_L		BIT(9)
#define NHV_SEG_ATTR_DB		BIT(10)

/* Nested page tables have 4 levels, or 5 when the host uses LA57 (NPT). */
#define NHV_PT_MAX_LEVELS	5

struct nhv_vm;
struct nhv_vcpu;

/* What a hardware exit means, in vendor-neutral terms. */
enum nhv_exit_kind {
	NHV_X_NONE,		/* host interrupt or NMI: nothing to do */
	NHV_X_CPUID,
	NHV_X_HLT,
	NHV_X_IO,
	NHV_X_NPF,		/* nested page fault: MMIO or a bad mapping */
	NHV_X_SHUTDOWN,		/* triple fault */
	NHV_X_RDMSR,
	NHV_X_WRMSR,
	NHV_X_XSETBV,
	NHV_X_SKIP,		/* INVD, WBINVD: nothing to do but skip it */
	NHV_X_UD,		/* VMX/SVM, MONITOR/MWAIT...: raise #UD */
	NHV_X_REINJECT,		/* intercepted exception: give it back (#AC, #DB) */
	NHV_X_IRQ_WINDOW,
	NHV_X_IRET,
	NHV_X_FAIL_ENTRY,
	NHV_X_GP,		/* intercepted #GP (backdoor): error in error */
	NHV_X_RDPMC,		/* intercepted RDPMC (pseudo counters) */
	NHV_X_HYPERCALL,	/* VMCALL or VMMCALL; #UD unless the backdoor wants it */
	NHV_X_PIN,		/* pin the RAM at gpa, then run the instruction again */
	NHV_X_UNHANDLED,
};

struct nhv_exit {
	enum nhv_exit_kind kind;
	u64 hw_code;		/* backend's raw exit code, for reports */
	u64 info1, info2;
	u64 next_rip;		/* 0 if the backend cannot tell */
	/* NHV_X_IO */
	u16 port;
	u8 io_size;
	bool io_in, io_string;
	/* NHV_X_NPF */
	u64 gpa;
	bool npf_write;
	/* NHV_X_REINJECT */
	u8 vector;
	bool has_error;
	u32 error;
};

struct nhv_event {
	bool valid;
	u8 vector;
	u8 type;		/* NHV_EV_* */
	bool has_error;
	u32 error;
};

#define NHV_EV_INTR	0
#define NHV_EV_NMI	2
#define NHV_EV_EXCEPTION 3

/*
 * The backend.  Every callback that touches hardware state of the current
 * CPU runs with preemption disabled; run() runs with interrupts disabled.
 */
struct nhv_ops {
	const char *name;
	u32 vendor;			/* NHV_VENDOR_* */
	int pt_levels;			/* nested page-table depth */
	int (*cpu_enable)(void);
	void (*cpu_disable)(void);
	void (*caps)(struct nhv_caps *caps);
	int (*vm_init)(struct nhv_vm *vm);
	void (*vm_destroy)(struct nhv_vm *vm);
	int (*vcpu_init)(struct nhv_vcpu *v);
	void (*vcpu_destroy)(struct nhv_vcpu *v);
	/*
	 * Optional: the vCPU thread starts using this CPU for guest runs
	 * (entering NHV_RUN, or scheduled back in during it) / stops using
	 * it (leaving NHV_RUN, or scheduled out).  Preemption is disabled;
	 * on sched-out interrupts are disabled too.  A backend can keep
	 * per-CPU guest state loaded between the two.
	 */
	void (*vcpu_load)(struct nhv_vcpu *v, int cpu);
	void (*vcpu_put)(struct nhv_vcpu *v);
	void (*get_sregs)(struct nhv_vcpu *v, struct nhv_sregs *s);
	void (*set_sregs)(struct nhv_vcpu *v, const struct nhv_sregs *s);
	u64 (*get_efer)(struct nhv_vcpu *v);
	void (*set_efer)(struct nhv_vcpu *v, u64 efer);
	u64 (*get_pat)(struct nhv_vcpu *v);
	void (*set_pat)(struct nhv_vcpu *v, u64 pat);
	/* MSRs only the backend keeps (optional): 0 if handled. */
	int (*get_msr)(struct nhv_vcpu *v, u32 msr, u64 *val);
	int (*set_msr)(struct nhv_vcpu *v, u32 msr, u64 val);
	/* Guest control state the emulator needs. */
	u64 (*get_cr)(struct nhv_vcpu *v, int cr);
	void (*get_cs)(struct nhv_vcpu *v, struct nhv_segment *cs);
	/* RFLAGS.IF set, no interrupt shadow, no event being delivered. */
	bool (*interruptible)(struct nhv_vcpu *v);
	bool (*nmi_allowed)(struct nhv_vcpu *v);
	bool (*event_queued)(struct nhv_vcpu *v);
	/* Remove the event queued for the next entry; false if none. */
	bool (*take_event)(struct nhv_vcpu *v, struct nhv_event *ev);
	u8 (*get_cpl)(struct nhv_vcpu *v);
	void (*queue_event)(struct nhv_vcpu *v, const struct nhv_event *ev);
	void (*irq_window)(struct nhv_vcpu *v, bool enable);
	void (*iret_exit)(struct nhv_vcpu *v, bool enable);
	void (*run)(struct nhv_vcpu *v, struct nhv_exit *e);
	/* Nested page-table entry formats (NPT or EPT). */
	u64 (*pt_table)(phys_addr_t pa);
	u64 (*pt_leaf)(phys_addr_t pa, int level);
	bool (*pt_present)(u64 pte);
	phys_addr_t (*pt_addr)(u64 pte);
};

extern const struct nhv_ops *nhv_ops;
extern u64 nhv_host_xcr0;

/*
 * A slot's pages are pinned one region at a time: the part of the slot in
 * one 2 MiB-aligned block of guest-physical space.  pages[] entries of a
 * region are valid once its bit in pinned is set (set under nhv_vm.lock,
 * after the pages and their nested entries; read with nhv_region_pinned).
 */
struct nhv_slot {
	u64 gpa;
	u64 size;
	u64 uaddr;
	unsigned long npages;
	struct page **pages;
	unsigned long nregions;
	unsigned long *pinned;		/* bitmap of regions */
};

struct nhv_cpuid_table {
	struct rcu_head rcu;
	u32 nent;
	struct nhv_cpuid_entry e[];
};

struct nhv_vm {
	struct kref ref;
	struct mutex lock;		/* slots, pinning, page tables, vCPU ids */
	struct mm_struct *mm;		/* the creator's: the only one pinned from */
	struct nhv_slot slots[NHV_MAX_MEM_SLOTS];
	u32 nslots_used;		/* bitmap of set slots */
	u64 *pt_root;			/* nested page-table root */
	unsigned long nr_pt_pages;
	unsigned long nr_pinned;	/* guest pages pinned (pin.c) */
	unsigned long nr_regions;	/* regions pinned */
	struct nhv_cpuid_table __rcu *cpuid;
	unsigned long *io_exits;	/* 65536 bits */
	u32 backdoor;			/* NHV_BACKDOOR_*, read at each entry */
	DECLARE_BITMAP(vcpu_ids, NHV_MAX_VCPUS);
	u32 asid;
	void *backend;
};

/* The in-kernel local APIC of a vCPU (lapic.c). */
struct nhv_lapic {
	u64 base_msr;			/* IA32_APIC_BASE */
	u32 tpr, ldr, dfr, svr;
	u32 esr, esr_pending;
	u32 icr_lo, icr_hi;
	u32 lvt[6];			/* timer, thermal, perf, LINT0, LINT1, error */
	u32 tmict, tdcr;
	u64 tsc_deadline;
	bool deadline_waited;		/* the timer waited once for the TSC (lapic.c) */
	u64 period_ns;			/* periodic mode: the (clamped) period */
	DECLARE_BITMAP(irr, 256);	/* set atomically from any context */
	DECLARE_BITMAP(isr, 256);
	struct hrtimer timer;
};

struct nhv_vcpu {
	struct nhv_vm *vm;
	u32 id;
	u64 serial;			/* unique for the module's lifetime */
	struct mutex lock;		/* run and register access */
	struct nhv_run *run;
	struct nhv_regs regs;		/* cache: valid between runs */
	u64 xcr0;
	u64 mtrr_def_type;		/* IA32_MTRR_DEF_TYPE: all memory of this type */
	u64 dr[4];
	struct fpu_guest fpu;
	/* Events user space injected; any thread may set them. */
	DECLARE_BITMAP(irr, 256);
	atomic_t nmi_pending;
	bool nmi_masked;
	bool nmi_iret_seen;
	wait_queue_head_t wq;
	u32 halt_poll_ns;		/* halt.c: this vCPU's poll window */
	int cpu;			/* CPU in guest mode, or -1 */
	/* Completion of the last user-space exit. */
	u8 pending_in_size;
	s8 pending_mmio_reg;
	u8 pending_mmio_len;
	u8 pending_mmio_ext;		/* 0 none, 1 zero-extend, 2 sign-extend */
	u8 pending_mmio_byte_rex;	/* 8-bit register: 1 legacy, 2 with REX */
	u8 pending_mmio_src_len;
	bool pending_ins;		/* INS: store the IN data at pending_ins_lin */
	bool pending_backdoor;		/* registers come back in run->backdoor */
	u64 pending_backdoor_rip;	/* the call's instruction, for run->backdoor.fault */
	u64 pending_ins_lin;
	u64 npf_retry_gfn;		/* pin.c: a fault on RAM retried once */
	struct nhv_event exc;		/* exception to raise at next entry */
	struct nhv_lapic lapic;
	struct list_head node;		/* on main.c's list of all vCPUs */
	struct preempt_notifier pn;	/* vcpu_load/vcpu_put while in NHV_RUN */
	void *backend;
};

/* main.c */
int nhv_hw_enter(void);
void nhv_hw_exit(void);
bool nhv_stopping(void);
bool nhv_cpu_is_on(void);
void nhv_vcpu_list_add(struct nhv_vcpu *v);
void nhv_vcpu_list_del(struct nhv_vcpu *v);

/* vm.c */
long nhv_create_vm(void);
void nhv_vm_put(struct nhv_vm *vm);
struct nhv_slot *nhv_find_slot(struct nhv_vm *vm, u64 gpa);
int nhv_read_guest_phys(struct nhv_vm *vm, u64 gpa, void *buf, size_t len);
int nhv_write_guest_phys(struct nhv_vm *vm, u64 gpa, const void *buf, size_t len);
int nhv_read_guest_phys_pinned(struct nhv_vm *vm, u64 gpa, void *buf, size_t len);

/* pin.c */
int nhv_check_user_range(u64 uaddr, u64 size);
int nhv_slot_pin_init(struct nhv_slot *s);
void nhv_slot_unpin_all(struct nhv_vm *vm, struct nhv_slot *s);
bool nhv_region_pinned(struct nhv_slot *s, u64 gpa);
int nhv_pin_gpa(struct nhv_vm *vm, u64 gpa);
int nhv_fault_in(struct nhv_vcpu *v, struct nhv_exit *e);
int nhv_get_vm_stats(struct nhv_vm *vm, void __user *up);

/* mmu.c */
int nhv_pt_init(struct nhv_vm *vm);
void nhv_pt_free(struct nhv_vm *vm);
int nhv_pt_map_range(struct nhv_vm *vm, struct nhv_slot *s, unsigned long idx,
		     unsigned long n);
void nhv_pt_describe(struct nhv_vm *vm, u64 gpa, u64 out[NHV_PT_MAX_LEVELS]);

/* vcpu.c */
long nhv_create_vcpu(struct nhv_vm *vm, unsigned long id);
bool nhv_vcpu_wake_pending(struct nhv_vcpu *v);
void nhv_vcpu_kick(struct nhv_vcpu *v);

/* halt.c */
void nhv_vcpu_halt(struct nhv_vcpu *v);

/* exits.c */
int nhv_handle_exit(struct nhv_vcpu *v, struct nhv_exit *e);
void nhv_raise(struct nhv_vcpu *v, u8 vector, bool has_error, u32 error);
void nhv_stop(struct nhv_vcpu *v, u32 suberror, u64 d0, u64 d1);

/* cpuid.c */
int nhv_set_cpuid(struct nhv_vm *vm, const struct nhv_cpuid_policy __user *up);
void nhv_cpuid(struct nhv_vcpu *v, u32 leaf, u32 subleaf, u32 out[4]);

/* msr.c */
int nhv_rdmsr(struct nhv_vcpu *v, u32 msr, u64 *val);
int nhv_wrmsr(struct nhv_vcpu *v, u32 msr, u64 val);
bool nhv_xcr0_valid(struct nhv_vcpu *v, u64 xcr0);

/* emulate.c */
int nhv_emulate_mmio(struct nhv_vcpu *v, struct nhv_exit *e);
void nhv_complete_mmio(struct nhv_vcpu *v);
int nhv_read_linear(struct nhv_vcpu *v, u64 lin, void *buf, int len);
int nhv_write_linear(struct nhv_vcpu *v, u64 lin, const void *buf, int len);
int nhv_fetch_insn(struct nhv_vcpu *v, const struct nhv_segment *cs, u64 efer,
		   u8 *insn, bool *long64);

/* stringio.c */
int nhv_string_io(struct nhv_vcpu *v, struct nhv_exit *e);
void nhv_complete_string_in(struct nhv_vcpu *v);

/* backdoor.c */
int nhv_set_backdoor(struct nhv_vm *vm, const void __user *up);
bool nhv_backdoor_port(struct nhv_vcpu *v, struct nhv_exit *e);
int nhv_backdoor_io(struct nhv_vcpu *v, struct nhv_exit *e);
int nhv_backdoor_hypercall(struct nhv_vcpu *v, struct nhv_exit *e);
int nhv_backdoor_gp(struct nhv_vcpu *v, struct nhv_exit *e);
int nhv_backdoor_rdpmc(struct nhv_vcpu *v, struct nhv_exit *e);
int nhv_backdoor_complete(struct nhv_vcpu *v);

/* lapic.c */
void nhv_lapic_init(struct nhv_vcpu *v);
void nhv_lapic_reset(struct nhv_vcpu *v);
void nhv_lapic_destroy(struct nhv_vcpu *v);
bool nhv_lapic_claims(struct nhv_vcpu *v, u64 gpa);
u64 nhv_lapic_read(struct nhv_vcpu *v, u64 gpa, int len);
int nhv_lapic_write(struct nhv_vcpu *v, u64 gpa, u64 val, int len);
int nhv_lapic_rdmsr(struct nhv_vcpu *v, u32 msr, u64 *val);
int nhv_lapic_wrmsr(struct nhv_vcpu *v, u32 msr, u64 val);
int nhv_lapic_pending(struct nhv_vcpu *v);
void nhv_lapic_accept(struct nhv_vcpu *v, int vec);
void nhv_lapic_set_irr(struct nhv_vcpu *v, int vec);

/* svm.c, svm_entry.S */
void nhv_svm_vmrun(u64 vmcb_pa, u64 host_vmcb_pa, u64 *gprs);
const struct nhv_ops *nhv_svm_probe(void);
void nhv_svm_release(void);

/* vmx.c (probe, release), vmx_entry.S (used by vmx_run.c) */
int nhv_vmx_launch(u64 *gprs, u64 *host_rsp, bool resume);
extern const char nhv_vmx_exit[];
const struct nhv_ops *nhv_vmx_probe(void);
void nhv_vmx_release(void);

#endif /* NHV_CORE_H */

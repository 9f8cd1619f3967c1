// SPDX-License-Identifier: GPL-2.0
/*
 * backdoor.c - VMware's backdoor for the VMs that ask for it
 * (NHV_SET_BACKDOOR; shared/reference/vmware-backdoor.md): IN/OUT on ports
 * 0x5658/0x5659 and VMCALL/VMMCALL reach user space as NHV_EXIT_BACKDOOR
 * with every general register, which come back at the next NHV_RUN.
 *
 * A CPL 3 IN/OUT with IOPL 0 faults before any I/O intercept (SDM vol. 3C
 * 26.1.1: faults from I/O permission checks come before VM exits; APM
 * vol. 2 15.10.2: the IOIO intercept is checked after them), so #GP is
 * intercepted and an IN/OUT with DX on a backdoor port is done as the I/O
 * it was.  The pseudo counters (RDPMC 0x10000-0x10002) are no valid index,
 * so RDPMC of them faults at any CPL: the #GP is emulated the same way,
 * and RDPMC itself is intercepted for hosts that raise #UD instead
 * (QEMU TCG).  Any other #GP, and every RDPMC of another counter, is what
 * the hardware does.
 */
#define pr_fmt(fmt) "nhv: " fmt

#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/uaccess.h>
#include <asm/asm.h>
#include <asm/msr.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include "nhv_core.h"
#include "decode.h"

int nhv_set_backdoor(struct nhv_vm *vm, const void __user *up)
{
	struct nhv_backdoor b;

	if (copy_from_user(&b, up, sizeof(b)))
		return -EFAULT;
	if ((b.flags & ~NHV_BACKDOOR_VALID) ||
	    memchr_inv(b.reserved, 0, sizeof(b.reserved)))
		return -EINVAL;
	/* USER widens PORTS: alone it would mean nothing. */
	if ((b.flags & NHV_BACKDOOR_USER) && !(b.flags & NHV_BACKDOOR_PORTS))
		return -EINVAL;
	WRITE_ONCE(vm->backdoor, b.flags);
	return 0;
}

static bool is_bdoor_port(u16 port)
{
	return port == NHV_BDOOR_PORT || port == NHV_BDOOR_HB_PORT;
}

/* An I/O exit that is a backdoor call (string forms stay ordinary I/O). */
bool nhv_backdoor_port(struct nhv_vcpu *v, struct nhv_exit *e)
{
	return (READ_ONCE(v->vm->backdoor) & NHV_BACKDOOR_PORTS) &&
	       !e->io_string && is_bdoor_port(e->port);
}

/* Hand the registers to user space; RIP is already past the instruction. */
static int backdoor_exit(struct nhv_vcpu *v, u64 insn_rip, u8 kind, u8 size,
			 u16 port, bool trapped)
{
	struct nhv_run *run = v->run;

	run->exit_reason = NHV_EXIT_BACKDOOR;
	memcpy(run->backdoor.gpr, v->regs.gpr, sizeof(run->backdoor.gpr));
	run->backdoor.rip = insn_rip;
	run->backdoor.kind = kind;
	run->backdoor.size = size;
	run->backdoor.cpl = nhv_ops->get_cpl(v);
	run->backdoor.trapped = trapped;
	run->backdoor.port = port;
	run->backdoor.fault = 0;
	run->backdoor.pad = 0;
	v->pending_backdoor = true;
	v->pending_backdoor_rip = insn_rip;
	return 1;
}

int nhv_backdoor_io(struct nhv_vcpu *v, struct nhv_exit *e)
{
	u64 rip = v->regs.rip;

	v->regs.rip = e->next_rip ? e->next_rip : rip + 1;
	return backdoor_exit(v, rip, e->io_in ? NHV_BACKDOOR_IN : NHV_BACKDOOR_OUT,
			     e->io_size, e->port, false);
}

int nhv_backdoor_hypercall(struct nhv_vcpu *v, struct nhv_exit *e)
{
	u64 rip = v->regs.rip;

	if (!(READ_ONCE(v->vm->backdoor) & NHV_BACKDOOR_HYPERCALL)) {
		nhv_raise(v, X86_TRAP_UD, false, 0);
		return 0;
	}
	v->regs.rip = e->next_rip ? e->next_rip : rip + 3;
	return backdoor_exit(v, rip, nhv_ops->vendor == NHV_VENDOR_VMX ?
			     NHV_BACKDOOR_VMCALL : NHV_BACKDOOR_VMMCALL, 0, 0, false);
}

/* The registers user space left in the run page, or the fault it asked for. */
int nhv_backdoor_complete(struct nhv_vcpu *v)
{
	u8 fault = READ_ONCE(v->run->backdoor.fault);

	if (fault && fault != X86_TRAP_UD && fault != X86_TRAP_GP)
		return -EINVAL;
	v->pending_backdoor = false;
	if (fault) {
		v->regs.rip = v->pending_backdoor_rip;
		nhv_raise(v, fault, fault == X86_TRAP_GP, 0);
		return 0;
	}
	memcpy(v->regs.gpr, v->run->backdoor.gpr, sizeof(v->regs.gpr));
	return 0;
}

/* VMware's pseudo performance counters (reference section 1.1, KVM's choice of clocks). */
static bool pseudo_pmc(u32 index, u64 *val)
{
	switch (index) {
	case NHV_BDOOR_PMC_HW_TSC:
		*val = rdtsc();
		return true;
	case NHV_BDOOR_PMC_REAL_NS:
	case NHV_BDOOR_PMC_APPARENT_NS:
		/* The guest's clock never stops apart from the host's. */
		*val = ktime_get_boottime_ns();
		return true;
	default:
		return false;
	}
}

static void rdpmc_result(struct nhv_vcpu *v, u64 val, unsigned int len, bool long64)
{
	v->regs.gpr[NHV_RAX] = (u32)val;
	v->regs.gpr[NHV_RDX] = val >> 32;
	v->regs.rip += len;
	if (!long64)
		v->regs.rip &= 0xffffffffULL;
}

/*
 * RDPMC of a real counter, as the guest would have run it: a fault (#GP
 * for a bad index, #UD where the host has no RDPMC) goes to the guest.
 */
static int host_rdpmc(u32 index, u64 *val)
{
	u32 lo, hi;
	int faulted = 1;

	asm volatile("1: rdpmc\n\t"
		     "movl $0, %[faulted]\n"
		     "2:\n"
		     _ASM_EXTABLE_TYPE(1b, 2b, EX_TYPE_FAULT)
		     : "=a"(lo), "=d"(hi), [faulted] "+r"(faulted)
		     : "c"(index));
	if (faulted)
		return lo;		/* EX_TYPE_FAULT leaves the vector in EAX */
	*val = ((u64)hi << 32) | lo;
	return -1;
}

/* The RDPMC intercept (CPL 0, or CR4.PCE set); on only with NHV_BACKDOOR_PMC. */
int nhv_backdoor_rdpmc(struct nhv_vcpu *v, struct nhv_exit *e)
{
	u32 index = v->regs.gpr[NHV_RCX];
	u64 val;
	int vec;

	if (!(READ_ONCE(v->vm->backdoor) & NHV_BACKDOOR_PMC) ||
	    !pseudo_pmc(index, &val)) {
		vec = host_rdpmc(index, &val);
		if (vec >= 0) {
			nhv_raise(v, vec, vec == X86_TRAP_GP, 0);
			return 0;
		}
	}
	v->regs.gpr[NHV_RAX] = (u32)val;
	v->regs.gpr[NHV_RDX] = val >> 32;
	v->regs.rip = e->next_rip ? e->next_rip : v->regs.rip + 2;
	return 0;
}

/*
 * A #GP that came while an event was being delivered: the two combine as
 * the hardware would have combined them (SDM vol. 3A 6.15, table 6-5;
 * APM vol. 2 8.2.9): after a contributory exception or #PF it is #DF,
 * after #DF the processor shuts down, otherwise the #GP is delivered.
 */
static int gp_during_delivery(struct nhv_vcpu *v, const struct nhv_event *ev,
			      u32 error)
{
	if (ev->type == NHV_EV_EXCEPTION) {
		if (ev->vector == X86_TRAP_DF) {
			v->run->exit_reason = NHV_EXIT_SHUTDOWN;
			return 1;
		}
		if (ev->vector == X86_TRAP_DE || ev->vector == X86_TRAP_PF ||
		    (ev->vector >= X86_TRAP_TS && ev->vector <= X86_TRAP_GP)) {
			nhv_raise(v, X86_TRAP_DF, true, 0);
			return 0;
		}
	}
	nhv_raise(v, X86_TRAP_GP, true, error);
	return 0;
}

int nhv_backdoor_gp(struct nhv_vcpu *v, struct nhv_exit *e)
{
	u32 flags = READ_ONCE(v->vm->backdoor);
	struct nhv_trap_insn d;
	struct nhv_segment cs;
	struct nhv_event ev;
	u8 insn[NHV_INSN_BUF];
	bool long64;
	u64 rip = v->regs.rip, val;
	int avail;
	u16 port;

	if (nhv_ops->take_event(v, &ev))
		return gp_during_delivery(v, &ev, e->error);
	/* Both the I/O permission and the RDPMC privilege faults are #GP(0). */
	if (e->error || !(flags & (NHV_BACKDOOR_USER | NHV_BACKDOOR_PMC)))
		goto hardware;
	nhv_ops->get_cs(v, &cs);
	avail = nhv_fetch_insn(v, &cs, nhv_ops->get_efer(v), insn, &long64);
	if (avail < 0 || nhv_decode_trapped(insn, avail, long64,
					    cs.attrib & NHV_SEG_ATTR_DB, &d))
		goto hardware;
	/* Past the CS limit the fault was the fetch's, not the instruction's. */
	if (!long64 && (u64)(u32)rip + d.length - 1 > cs.limit)
		goto hardware;
	if (d.op == NHV_TRAP_RDPMC) {
		if (!(flags & NHV_BACKDOOR_PMC) ||
		    !pseudo_pmc(v->regs.gpr[NHV_RCX], &val))
			goto hardware;
		rdpmc_result(v, val, d.length, long64);
		return 0;
	}
	port = v->regs.gpr[NHV_RDX];
	if (!(flags & NHV_BACKDOOR_USER) || !is_bdoor_port(port))
		goto hardware;
	v->regs.rip = long64 ? rip + d.length : (u32)(rip + d.length);
	return backdoor_exit(v, rip, d.op == NHV_TRAP_IN ? NHV_BACKDOOR_IN :
			     NHV_BACKDOOR_OUT, d.size, port, true);
hardware:
	nhv_raise(v, X86_TRAP_GP, true, e->error);
	return 0;
}

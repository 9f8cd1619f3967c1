// SPDX-License-Identifier: GPL-2.0
/*
 * stringio.c - INS and OUTS (with or without REP), one element per exit.
 * The hardware says port, size and direction; the rest comes from the
 * instruction bytes (decode.c): address size (67), segment override for
 * OUTS (INS always writes ES), REP (F3/F2).
 *
 * Each element is an ordinary I/O exit for user space (or, on a port that
 * does not exit, all ones in and nothing out).  RSI/RDI step by the size
 * (back with RFLAGS.DF), RCX counts down under REP, and RIP stays on the
 * instruction until the count is done, so interrupts land between elements
 * as on hardware.  An element outside guest RAM stops the VM.
 */
#define pr_fmt(fmt) "nhv: " fmt

#include <linux/kernel.h>
#include <asm/processor-flags.h>
#include "nhv_core.h"
#include "decode.h"

static const struct nhv_segment *seg_of(const struct nhv_sregs *s, int seg)
{
	switch (seg) {
	case NHV_SEG_ES:
		return &s->es;
	case NHV_SEG_CS:
		return &s->cs;
	case NHV_SEG_SS:
		return &s->ss;
	case NHV_SEG_FS:
		return &s->fs;
	case NHV_SEG_GS:
		return &s->gs;
	default:
		return &s->ds;
	}
}

/* Step an index register within its address size, keeping the rest. */
static void step(u64 *reg, u64 mask, s64 by)
{
	*reg = (*reg & ~mask) | ((*reg + by) & mask);
}

int nhv_string_io(struct nhv_vcpu *v, struct nhv_exit *e)
{
	struct nhv_run *run = v->run;
	bool to_user = test_bit(e->port, v->vm->io_exits);
	u64 *g = v->regs.gpr, lin, next;
	struct nhv_string_insn op;
	struct nhv_sregs s;
	u8 insn[NHV_INSN_BUF];
	bool long64, ins;
	u32 data = ~0U;
	s64 delta;
	int avail;

	memset(&s, 0, sizeof(s));
	nhv_ops->get_sregs(v, &s);
	avail = nhv_fetch_insn(v, &s.cs, s.efer, insn, &long64);
	if (avail < 0 || nhv_decode_string(insn, avail, long64,
					   s.cs.attrib & NHV_SEG_ATTR_DB, &op)) {
		nhv_stop(v, NHV_INTERNAL_EMULATION, e->port, v->regs.rip);
		return 1;
	}
	ins = op.opcode <= 0x6d;
	if (ins != e->io_in) {
		nhv_stop(v, NHV_INTERNAL_EMULATION, e->port, v->regs.rip);
		return 1;
	}
	next = e->next_rip ? e->next_rip : v->regs.rip + 1;
	if (op.rep && !(g[NHV_RCX] & op.mask)) {
		v->regs.rip = next;		/* nothing to move */
		return 0;
	}
	delta = v->regs.rflags & X86_EFLAGS_DF ? -(s64)e->io_size : e->io_size;
	if (ins) {
		/* INS writes ES:rDI; ES cannot be overridden (base 0 in 64-bit). */
		lin = (long64 ? 0 : s.es.base) + (g[NHV_RDI] & op.mask);
		step(&g[NHV_RDI], op.mask, delta);
	} else {
		const struct nhv_segment *seg = seg_of(&s, op.seg);

		lin = (long64 && op.seg != NHV_SEG_FS && op.seg != NHV_SEG_GS ? 0 : seg->base) +
		      (g[NHV_RSI] & op.mask);
		if (nhv_read_linear(v, lin, &data, e->io_size)) {
			nhv_stop(v, NHV_INTERNAL_STRING_IO, e->port, lin);
			return 1;
		}
		step(&g[NHV_RSI], op.mask, delta);
	}
	if (!long64)
		lin &= 0xffffffffULL;
	if (op.rep)
		step(&g[NHV_RCX], op.mask, -1);
	if (!op.rep || !(g[NHV_RCX] & op.mask))
		v->regs.rip = next;

	if (ins && to_user && nhv_read_linear(v, lin, &data, e->io_size)) {
		/* Check the destination now: the completion cannot fail then. */
		nhv_stop(v, NHV_INTERNAL_STRING_IO, e->port, lin);
		return 1;
	}
	if (ins && !to_user) {
		data = ~0U;
		/* No device: the element reads all ones. */
		if (nhv_write_linear(v, lin, &data, e->io_size)) {
			nhv_stop(v, NHV_INTERNAL_STRING_IO, e->port, lin);
			return 1;
		}
		return 0;
	}
	if (!to_user)
		return 0;
	run->exit_reason = NHV_EXIT_IO;
	run->io.direction = ins ? NHV_IO_IN : NHV_IO_OUT;
	run->io.size = e->io_size;
	run->io.port = e->port;
	run->io.data = ins ? 0 : data & (e->io_size == 4 ? ~0U : (1U << (8 * e->io_size)) - 1);
	if (ins) {
		v->pending_ins = true;
		v->pending_ins_lin = lin;
		v->pending_in_size = e->io_size;
	}
	return 1;
}

/* The IN data user space supplied goes to the INS destination. */
void nhv_complete_string_in(struct nhv_vcpu *v)
{
	u32 data = READ_ONCE(v->run->io.data);

	v->pending_ins = false;
	if (nhv_write_linear(v, v->pending_ins_lin, &data, v->pending_in_size))
		nhv_stop(v, NHV_INTERNAL_STRING_IO, v->run->io.port, v->pending_ins_lin);
	v->pending_in_size = 0;
}

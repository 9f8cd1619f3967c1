/* SPDX-License-Identifier: GPL-2.0 */
/*
 * decode.h - the two instruction decoders nhv runs on guest-controlled
 * bytes: the MMIO MOV family (emulate.c) and INS/OUTS prefixes
 * (stringio.c).  Pure functions of the bytes and the CPU mode, so the same
 * file builds in the kernel and in user space for unit tests and the
 * libFuzzer target (tests/kernel-vmm/).
 */
#ifndef NHV_DECODE_H
#define NHV_DECODE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stdint.h>
typedef uint8_t u8;
typedef int32_t s32;
typedef uint64_t u64;
typedef int64_t s64;
#endif

/* Callers hand over this many bytes: the instruction, then zeros. */
#define NHV_INSN_BUF	32
#define NHV_INSN_MAX	15	/* architectural maximum length */

struct nhv_mmio_insn {
	int length;		/* bytes of the instruction */
	int len;		/* bytes of memory accessed: 1, 2, 4 or 8 */
	int dst_len;		/* load: register bytes written (MOVZX/MOVSX: operand size) */
	int reg;		/* register operand 0-15, or -1 for an immediate */
	bool is_write;
	bool byte_op;		/* 8-bit register operand */
	bool rex;		/* REX present: SPL/BPL/SIL/DIL instead of AH/CH/DH/BH */
	u8 ext;			/* load: 0 none, 1 zero-extend, 2 sign-extend */
	u64 imm;		/* store of an immediate: the value */
};

/* 0, or -1 if the bytes are not a MOV/MOVZX/MOVSX with a memory operand. */
int nhv_decode_mmio(const u8 *insn, int avail, bool long64, bool db,
		    struct nhv_mmio_insn *d);

enum { NHV_SEG_ES, NHV_SEG_CS, NHV_SEG_SS, NHV_SEG_DS, NHV_SEG_FS, NHV_SEG_GS };

struct nhv_string_insn {
	u64 mask;		/* address-size mask for RSI/RDI/RCX */
	bool rep;
	int seg;		/* OUTS source segment, NHV_SEG_* */
	u8 opcode;		/* 6C/6D INS, 6E/6F OUTS */
};

/* 0, or -1 if the bytes are not INS/OUTS. */
int nhv_decode_string(const u8 *insn, int avail, bool long64, bool db,
		      struct nhv_string_insn *d);

/* An instruction whose #GP nhv may emulate (backdoor.c). */
enum { NHV_TRAP_IN, NHV_TRAP_OUT, NHV_TRAP_RDPMC };

struct nhv_trap_insn {
	int length;		/* bytes of the instruction */
	int op;			/* NHV_TRAP_* */
	int size;		/* IN/OUT: 1, 2 or 4 bytes */
};

/* 0, or -1 if the bytes are not IN/OUT with the port in DX, or RDPMC. */
int nhv_decode_trapped(const u8 *insn, int avail, bool long64, bool db,
		       struct nhv_trap_insn *d);

#endif /* NHV_DECODE_H */

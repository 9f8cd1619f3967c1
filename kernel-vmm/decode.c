// SPDX-License-Identifier: GPL-2.0
/*
 * decode.c - decoders for guest-controlled instruction bytes (see decode.h).
 * Opcode and prefix facts: SDM vol. 2A chapter 2 (prefixes, REX, ModRM/SIB)
 * and the MOV, MOVZX, MOVSX, INS, OUTS, IN, OUT and RDPMC pages.  Nothing here reads past
 * NHV_INSN_BUF bytes, whatever the input.
 */
#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif
#include "decode.h"

/* Length of a ModRM operand's SIB and displacement bytes. */
static int modrm_extra(const u8 *p, int addr_size)
{
	u8 mod = p[0] >> 6, rm = p[0] & 7;
	int n = 0;

	if (addr_size == 2) {
		if (mod == 0 && rm == 6)
			return 2;
		return mod == 1 ? 1 : mod == 2 ? 2 : 0;
	}
	if (mod != 3 && rm == 4) {
		n = 1;
		if (mod == 0 && (p[1] & 7) == 5)
			n += 4;
	}
	if (mod == 0 && rm == 5)
		n += 4;
	if (mod == 1)
		n += 1;
	if (mod == 2)
		n += 4;
	return n;
}

int nhv_decode_mmio(const u8 *insn, int avail, bool long64, bool db,
		    struct nhv_mmio_insn *d)
{
	int i = 0, opsize = long64 || db ? 4 : 2;
	int addr_size = long64 ? 8 : opsize, imm_len;
	bool rex_w = false, rex_r = false;
	u8 op;

	memset(d, 0, sizeof(*d));
	/* At most 14 prefixes: the opcode and ModRM still fit in 15 bytes. */
	for (; i < NHV_INSN_MAX - 1; i++) {
		op = insn[i];
		if (op == 0x66)
			opsize = opsize == 2 ? 4 : 2;
		else if (op == 0x67)
			addr_size = long64 ? 4 : (addr_size == 2 ? 4 : 2);
		else if (op != 0x2e && op != 0x36 && op != 0x3e && op != 0x26 &&
			 op != 0x64 && op != 0x65)
			break;
	}
	if (long64 && (insn[i] & 0xf0) == 0x40) {
		d->rex = true;
		rex_w = insn[i] & 8;
		rex_r = insn[i] & 4;
		i++;
	}
	if (rex_w)
		opsize = 8;
	op = insn[i++];
	switch (op) {
	case 0x88: case 0x89: case 0x8a: case 0x8b:
		d->byte_op = !(op & 1);
		d->is_write = op <= 0x89;
		d->reg = ((insn[i] >> 3) & 7) | (rex_r ? 8 : 0);
		d->len = d->byte_op ? 1 : opsize;
		i += 1 + modrm_extra(&insn[i], addr_size);
		break;
	case 0xc6: case 0xc7:
		d->is_write = true;
		d->len = op == 0xc6 ? 1 : opsize;
		i += 1 + modrm_extra(&insn[i], addr_size);
		/* imm8/16/32; a 64-bit store sign-extends an imm32. */
		imm_len = d->len < 4 ? d->len : 4;
		memcpy(&d->imm, &insn[i], imm_len);
		if (d->len == 8)
			d->imm = (u64)(s64)(s32)d->imm;
		i += imm_len;
		d->reg = -1;
		break;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
		d->byte_op = !(op & 1);
		d->is_write = op >= 0xa2;
		d->len = d->byte_op ? 1 : opsize;
		d->reg = 0;			/* AL/AX/EAX/RAX */
		i += addr_size;			/* moffs */
		break;
	case 0x0f:
		op = insn[i++];
		if (op != 0xb6 && op != 0xb7 && op != 0xbe && op != 0xbf)
			return -1;
		d->len = (op & 1) ? 2 : 1;
		d->ext = op >= 0xbe ? 2 : 1;
		d->reg = ((insn[i] >> 3) & 7) | (rex_r ? 8 : 0);
		i += 1 + modrm_extra(&insn[i], addr_size);
		break;
	default:
		return -1;
	}
	if (i > avail || i > NHV_INSN_MAX)
		return -1;
	d->length = i;
	d->dst_len = d->ext ? opsize : d->len;
	return 0;
}

int nhv_decode_string(const u8 *insn, int avail, bool long64, bool db,
		      struct nhv_string_insn *d)
{
	int i, addr = long64 ? 8 : db ? 4 : 2;

	memset(d, 0, sizeof(*d));
	d->seg = NHV_SEG_DS;
	if (avail > NHV_INSN_MAX)
		avail = NHV_INSN_MAX;
	for (i = 0; i < avail; i++) {
		u8 b = insn[i];

		if (b == 0x67)
			addr = long64 ? 4 : addr == 2 ? 4 : 2;
		else if (b == 0xf3 || b == 0xf2)
			d->rep = true;
		else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e)
			d->seg = (b >> 3) & 3;		/* ES, CS, SS, DS */
		else if (b == 0x64 || b == 0x65)
			d->seg = b == 0x64 ? NHV_SEG_FS : NHV_SEG_GS;
		else if (b == 0x66 || b == 0xf0 || (long64 && (b & 0xf0) == 0x40))
			continue;			/* size comes from the exit */
		else
			break;
	}
	if (i >= avail || insn[i] < 0x6c || insn[i] > 0x6f)
		return -1;
	d->opcode = insn[i];
	d->mask = addr == 8 ? ~0ULL : addr == 4 ? 0xffffffffULL : 0xffffULL;
	return 0;
}

/*
 * IN eAX,DX (EC, ED), OUT DX,eAX (EE, EF) and RDPMC (0F 33) after any
 * legacy prefixes and, in 64-bit mode, REX: the instructions whose #GP
 * the backdoor turns into the access it was.  LOCK makes all of them #UD,
 * which comes before the #GP, so it is refused here.  Operand size is
 * 16 or 32 bits (66 toggles; REX.W does not widen IN/OUT).
 */
int nhv_decode_trapped(const u8 *insn, int avail, bool long64, bool db,
		       struct nhv_trap_insn *d)
{
	int i, opsize = long64 || db ? 4 : 2;
	u8 b;

	memset(d, 0, sizeof(*d));
	if (avail > NHV_INSN_MAX)
		avail = NHV_INSN_MAX;
	for (i = 0; i < avail; i++) {
		b = insn[i];
		if (b == 0x66)
			opsize = long64 || db ? 2 : 4;
		else if (b == 0xf0)
			return -1;
		else if (b != 0x67 && b != 0xf2 && b != 0xf3 && b != 0x26 &&
			 b != 0x2e && b != 0x36 && b != 0x3e && b != 0x64 &&
			 b != 0x65 && !(long64 && (b & 0xf0) == 0x40))
			break;
	}
	if (i >= avail)
		return -1;
	b = insn[i];
	if (b >= 0xec && b <= 0xef) {
		d->op = b <= 0xed ? NHV_TRAP_IN : NHV_TRAP_OUT;
		d->size = (b & 1) ? opsize : 1;
		d->length = i + 1;
		return 0;
	}
	if (b == 0x0f && i + 1 < avail && insn[i + 1] == 0x33) {
		d->op = NHV_TRAP_RDPMC;
		d->length = i + 2;
		return 0;
	}
	return -1;
}

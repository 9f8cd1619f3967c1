/*
 * test-decode.c - nhv.ko's instruction decoders (kernel-vmm/decode.c) on
 * known encodings, in every mode, and on hostile bytes: truncated
 * instructions, 15 prefixes, opcodes outside the family, a register operand.
 */
#include <stdio.h>
#include <string.h>
#include "userland/lib/tap.h"
#include "kernel-vmm/decode.h"

struct mmio_case {
	const char *what;
	const char *hex;
	bool long64, db;
	int ok, length, len, reg, is_write, byte_op, rex, ext, dst_len;
	unsigned long long imm;
};

static int unhex(const char *hex, u8 *out)
{
	int n = 0;
	unsigned int b;

	while (*hex && sscanf(hex, "%2x", &b) == 1) {
		out[n++] = (u8)b;
		hex += 2;
		while (*hex == ' ')
			hex++;
	}
	return n;
}

static const struct mmio_case mmio[] = {
	{ "mov [rbx], rax (48 89 03)", "48 89 03", 1, 0, 0, 3, 8, 0, 1, 0, 1, 0, 8, 0 },
	{ "mov ecx, [rbx+8] (8b 4b 08)", "8b 4b 08", 1, 0, 0, 3, 4, 1, 0, 0, 0, 0, 4, 0 },
	{ "mov r9b, [rbx+0x10] (44 8a 4b 10)", "44 8a 4b 10", 1, 0, 0, 4, 1, 9, 0, 1, 1, 0, 1, 0 },
	{ "mov ah, [ecx] 32-bit (8a 21)", "8a 21", 0, 1, 0, 2, 1, 4, 0, 1, 0, 0, 1, 0 },
	{ "movl $0x12345678, 0xd0000000 (c7 05 ...)", "c7 05 00 00 00 d0 78 56 34 12", 0, 1,
	  0, 10, 4, -1, 1, 0, 0, 0, 4, 0x12345678 },
	{ "movq $-1, [rax] sign-extends imm32 (48 c7 00 ff ff ff ff)", "48 c7 00 ff ff ff ff",
	  1, 0, 0, 7, 8, -1, 1, 0, 1, 0, 8, 0xffffffffffffffffull },
	{ "movb $0x70, 0xfee00080 (c6 05 ...)", "c6 05 80 00 e0 fe 70", 0, 1, 0, 7, 1, -1, 1,
	  0, 0, 0, 1, 0x70 },
	{ "movzbl 0xd0000008, %edx (0f b6 15 ...)", "0f b6 15 08 00 00 d0", 0, 1, 0, 7, 1, 2,
	  0, 0, 0, 1, 4, 0 },
	{ "movswq [rsi], rdx (48 0f bf 16)", "48 0f bf 16", 1, 0, 0, 4, 2, 2, 0, 0, 1, 2, 8, 0 },
	{ "mov eax, moffs32 (a1 + 4 bytes)", "a1 00 00 00 d0", 0, 1, 0, 5, 4, 0, 0, 0, 0, 0, 4, 0 },
	{ "mov moffs64, al in long mode (a2 + 8 bytes)", "a2 00 00 00 d0 00 00 00 00", 1, 0, 0,
	  9, 1, 0, 1, 1, 0, 0, 1, 0 },
	{ "16-bit: mov [bx+si], ax (89 00)", "89 00", 0, 0, 0, 2, 2, 0, 1, 0, 0, 0, 2, 0 },
	{ "16-bit with 66: mov [bp+0x10], eax (66 89 46 10)", "66 89 46 10", 0, 0, 0, 4, 4, 0,
	  1, 0, 0, 0, 4, 0 },
	{ "SIB + disp32: mov [rax*4+0x1000], ecx (89 0c 85 ...)", "89 0c 85 00 10 00 00", 1, 0,
	  0, 7, 4, 1, 1, 0, 0, 0, 4, 0 },
	{ "segment prefix: mov %fs:[rax], ecx (64 8b 08)", "64 8b 08", 1, 0, 0, 3, 4, 1, 0, 0,
	  0, 0, 4, 0 },
	{ "not in the family: add [rax], eax (01 00)", "01 00", 1, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "not in the family: 0f 05 syscall", "0f 05", 1, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "truncated: 8b 80 (disp32 missing, 2 bytes given)", "8b 80", 1, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "15 prefixes then an opcode: too long", "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 8b 00",
	  1, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "14 prefixes, opcode, ModRM: 16 bytes, too long", "2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 8b 00",
	  1, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
};

static void test_mmio(void)
{
	size_t i;

	for (i = 0; i < sizeof(mmio) / sizeof(mmio[0]); i++) {
		const struct mmio_case *c = &mmio[i];
		u8 insn[NHV_INSN_BUF] = { 0 };
		struct nhv_mmio_insn d;
		int n = unhex(c->hex, insn), r;

		r = nhv_decode_mmio(insn, n < NHV_INSN_MAX ? n : NHV_INSN_MAX, c->long64, c->db, &d);
		if (c->ok < 0) {
			tap_is_int(r, -1, "MMIO decoder refuses: %s", c->what);
			continue;
		}
		tap_ok(r == 0 && d.length == c->length && d.len == c->len && d.reg == c->reg &&
		       d.is_write == c->is_write && d.byte_op == c->byte_op && d.rex == c->rex &&
		       d.ext == c->ext && d.dst_len == c->dst_len && d.imm == c->imm,
		       "MMIO decoder: %s", c->what);
		if (r == 0 && d.length != c->length)
			tap_diag("length %d, expected %d", d.length, c->length);
	}
}

static void test_string(void)
{
	u8 insn[NHV_INSN_BUF] = { 0 };
	struct nhv_string_insn d;
	int n;

	n = unhex("f3 6e", insn);
	tap_ok(nhv_decode_string(insn, n, false, true, &d) == 0 && d.rep && d.opcode == 0x6e &&
	       d.seg == NHV_SEG_DS && d.mask == 0xffffffffull, "REP OUTSB in 32-bit mode");
	memset(insn, 0, sizeof(insn));
	n = unhex("67 f3 65 6f", insn);
	tap_ok(nhv_decode_string(insn, n, true, false, &d) == 0 && d.rep && d.opcode == 0x6f &&
	       d.seg == NHV_SEG_GS && d.mask == 0xffffffffull,
	       "67 F3 65 OUTSD in long mode: 32-bit addresses from GS");
	memset(insn, 0, sizeof(insn));
	n = unhex("26 6d", insn);
	tap_ok(nhv_decode_string(insn, n, false, false, &d) == 0 && !d.rep && d.opcode == 0x6d &&
	       d.seg == NHV_SEG_ES && d.mask == 0xffff, "ES: INSW in 16-bit mode");
	memset(insn, 0, sizeof(insn));
	n = unhex("48 f3 6c", insn);
	tap_ok(nhv_decode_string(insn, n, true, false, &d) == 0 && d.mask == ~0ull &&
	       d.opcode == 0x6c, "REX then REP INSB in long mode: 64-bit addresses");
	memset(insn, 0xf3, NHV_INSN_MAX);
	tap_is_int(nhv_decode_string(insn, NHV_INSN_MAX, true, false, &d), -1,
		   "15 REP prefixes and no opcode: refused");
	memset(insn, 0, sizeof(insn));
	n = unhex("f3 a4", insn);
	tap_is_int(nhv_decode_string(insn, n, true, false, &d), -1, "MOVSB is not string I/O");
	tap_is_int(nhv_decode_string(insn, 0, true, false, &d), -1, "no bytes: refused");
}

/* IN/OUT with DX and RDPMC: the instructions whose #GP the backdoor emulates. */
static void test_trapped(void)
{
	static const struct {
		const char *hex;
		bool long64, db;
		int ret, op, size, length;
		const char *what;
	} c[] = {
		{ "ed", true, false, 0, NHV_TRAP_IN, 4, 1, "IN EAX,DX in long mode" },
		{ "66 ed", true, false, 0, NHV_TRAP_IN, 2, 2, "66 IN AX,DX in long mode" },
		{ "48 ed", true, false, 0, NHV_TRAP_IN, 4, 2, "REX.W IN stays 32-bit" },
		{ "ec", false, true, 0, NHV_TRAP_IN, 1, 1, "IN AL,DX" },
		{ "ed", false, false, 0, NHV_TRAP_IN, 2, 1, "IN AX,DX in 16-bit code" },
		{ "66 ed", false, false, 0, NHV_TRAP_IN, 4, 2, "66 IN EAX,DX in 16-bit code" },
		{ "2e 66 66 ef", false, true, 0, NHV_TRAP_OUT, 2, 4, "prefixes, OUT DX,AX" },
		{ "ee", false, true, 0, NHV_TRAP_OUT, 1, 1, "OUT DX,AL" },
		{ "0f 33", false, true, 0, NHV_TRAP_RDPMC, 0, 2, "RDPMC" },
		{ "f3 0f 33", true, false, 0, NHV_TRAP_RDPMC, 0, 3, "REP RDPMC" },
		{ "f0 ed", true, false, -1, 0, 0, 0, "LOCK IN (#UD first): refused" },
		{ "e5 58", true, false, -1, 0, 0, 0, "IN EAX,imm8: not the backdoor's form" },
		{ "6d", true, false, -1, 0, 0, 0, "INSD: refused" },
		{ "0f 32", true, false, -1, 0, 0, 0, "RDMSR: refused" },
		{ "48 0f", true, false, -1, 0, 0, 0, "0F at the end of the bytes: refused" },
		{ "40 ed", false, true, -1, 0, 0, 0, "40 is INC EAX outside long mode" },
	};
	u8 insn[NHV_INSN_BUF];
	struct nhv_trap_insn d;
	size_t i;
	int n;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int r;

		memset(insn, 0, sizeof(insn));
		n = unhex(c[i].hex, insn);
		r = nhv_decode_trapped(insn, n, c[i].long64, c[i].db, &d);
		tap_ok(r == c[i].ret && (r || (d.op == c[i].op && d.size == c[i].size &&
					      d.length == c[i].length)),
		       "trapped: %s (got %d op %d size %d length %d)", c[i].what, r, d.op,
		       d.size, d.length);
	}
	memset(insn, 0x66, NHV_INSN_BUF);
	tap_is_int(nhv_decode_trapped(insn, NHV_INSN_BUF, true, false, &d), -1,
		   "trapped: 15 prefixes and no opcode within 15 bytes: refused");
	tap_is_int(nhv_decode_trapped(insn, 0, true, false, &d), -1, "trapped: no bytes: refused");
}

int main(void)
{
	test_mmio();
	test_string();
	test_trapped();
	return tap_done();
}

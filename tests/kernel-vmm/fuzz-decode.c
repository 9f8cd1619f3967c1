/*
 * fuzz-decode.c - libFuzzer target for nhv.ko's decoders of guest bytes.
 * Input: one mode byte (bit 0 long mode, bit 1 CS.D, bits 2-5 how many
 * bytes are readable, 0 = 15), then up to NHV_INSN_BUF instruction bytes.
 * Invariants: never reads past the buffer (ASan), a decoded MMIO access has
 * a length within what was readable and 15, a size of 1/2/4/8, a register
 * 0-15 (or -1 with an immediate), and decoding is deterministic; a trapped
 * IN/OUT/RDPMC lies within what was readable, with a size of 1/2/4.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kernel-vmm/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 insn[NHV_INSN_BUF] = { 0 };
	struct nhv_mmio_insn d, again;
	struct nhv_string_insn s;
	struct nhv_trap_insn t;
	bool long64, db;
	int avail;

	if (size < 1)
		return 0;
	long64 = data[0] & 1;
	db = data[0] & 2;
	avail = (data[0] >> 2) & 15;
	if (!avail)
		avail = NHV_INSN_MAX;
	memcpy(insn, data + 1, size - 1 < NHV_INSN_BUF ? size - 1 : NHV_INSN_BUF);
	if (nhv_decode_mmio(insn, avail, long64, db, &d) == 0) {
		if (d.length < 1 || d.length > avail || d.length > NHV_INSN_MAX)
			abort();
		if (d.len != 1 && d.len != 2 && d.len != 4 && d.len != 8)
			abort();
		if (d.reg < -1 || d.reg > 15 || (d.reg == -1 && !d.is_write))
			abort();
		if (d.ext > 2 || (d.ext && d.is_write))
			abort();
		if (nhv_decode_mmio(insn, avail, long64, db, &again) ||
		    memcmp(&d, &again, sizeof(d)))
			abort();
	}
	if (nhv_decode_string(insn, avail, long64, db, &s) == 0) {
		if (s.opcode < 0x6c || s.opcode > 0x6f || s.seg < 0 || s.seg > NHV_SEG_GS)
			abort();
		if (s.mask != 0xffff && s.mask != 0xffffffffull && s.mask != ~0ull)
			abort();
	}
	if (nhv_decode_trapped(insn, avail, long64, db, &t) == 0) {
		if (t.length < 1 || t.length > avail || t.length > NHV_INSN_MAX ||
		    t.op < NHV_TRAP_IN || t.op > NHV_TRAP_RDPMC ||
		    (t.op != NHV_TRAP_RDPMC && t.size != 1 && t.size != 2 && t.size != 4))
			abort();
	}
	return 0;
}

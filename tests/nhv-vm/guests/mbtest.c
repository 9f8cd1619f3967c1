/*
 * mbtest.c - a multiboot test kernel for nhv-vm, the kind QEMU runs with
 * -kernel: checks the multiboot hand-over, reads fw_cfg (signature, CPU
 * count, RAM size) and the first module, prints what it saw on COM1 and
 * exits through isa-debug-exit with 0x10 + the CPU count when every check
 * held, or with the number of the first check that failed.
 */
#include "guest.h"

static void fw_cfg_read(uint16_t key, void *buf, uint32_t n)
{
	uint8_t *p = buf;

	outw(FW_CFG_SEL, key);
	while (n--)
		*p++ = inb(FW_CFG_DATA);
}

static int fail(int check, const char *what)
{
	puts_serial("mbtest: FAIL ");
	puts_serial(what);
	puts_serial("\n");
	debug_exit((uint8_t)check);
	return check;
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	char sig[5] = { 0 };
	uint16_t ncpus = 0;
	uint64_t ram = 0;
	uint32_t ram_mib;

	puts_serial("mbtest: hello from a multiboot kernel\n");
	if (magic != MB_BOOT_MAGIC)
		return fail(1, "boot magic");
	if (!(mbi->flags & 1) || mbi->mem_lower < 600 || mbi->mem_upper < 1024)
		return fail(2, "memory sizes in the multiboot information");
	fw_cfg_read(0x0000, sig, 4);
	if (sig[0] != 'Q' || sig[1] != 'E' || sig[2] != 'M' || sig[3] != 'U')
		return fail(3, "fw_cfg signature");
	fw_cfg_read(0x0005, &ncpus, 2);
	fw_cfg_read(0x0003, &ram, 8);
	ram_mib = (uint32_t)(ram >> 20);
	puts_serial("mbtest: fw_cfg ");
	puts_serial(sig);
	puts_serial(" cpus=");
	put_uint(ncpus);
	puts_serial(" ram=");
	put_uint(ram_mib);
	puts_serial(" MiB\n");
	if (ncpus < 1 || ncpus > 16)
		return fail(4, "fw_cfg CPU count");
	if (ram_mib < 16 || (mbi->mem_upper >> 10) + 1 > ram_mib)
		return fail(5, "fw_cfg RAM size against the multiboot memory size");
	if (mbi->flags & (1u << 3)) {
		const struct mb_module *m = (const struct mb_module *)mbi->mods_addr;

		if (mbi->mods_count != 1 || m->end <= m->start || (m->start & 0xfff))
			return fail(6, "module list");
		puts_serial("mbtest: module ");
		put_uint(m->end - m->start);
		puts_serial(" bytes: ");
		for (uint32_t a = m->start; a < m->end && a < m->start + 16; a++) {
			char c = *(const char *)a;

			if (c == '\n')
				break;
			putc_serial(c);
		}
		puts_serial("\n");
	}
	puts_serial("mbtest: ok\n");
	debug_exit((uint8_t)(0x10 + ncpus));
	return 0;
}

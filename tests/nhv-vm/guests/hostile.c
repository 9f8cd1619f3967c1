/*
 * hostile.c - a multiboot guest that misuses the machine, one way per
 * command-line word, for tests/nhv-vm/core-qemu.t.  nhv-vm must ignore and
 * log it, or stop the VM with a line naming the RIP, and never crash:
 *   ports    reads every 16th port, writes to ports no device claims
 *   mmio     reads and writes unclaimed MMIO, junk into the IOAPIC and LAPIC
 *   virtio   broken virtqueues on the virtio-rng device (device 0 when the
 *            VM has no disks): descriptor loop, rings outside RAM, a bogus
 *            avail index, a queue size beyond the maximum
 *   (the three above then exit with status 0x42 through isa-debug-exit)
 *   triple   a fault with no IDT: triple fault, stopped (exit 125)
 *   halt     cli; hlt: nothing can wake it, stopped (exit 125)
 *   spin     never halts: only --timeout ends it (exit 124)
 *   insn     an MMIO access nhv cannot decode (stopped, exit 125)
 */
#include "guest.h"

#define VIRTIO		0xd0000000u
#define VQ_DESC		0x00300000u	/* guest RAM for the broken rings */
#define VQ_AVAIL	0x00301000u
#define VQ_USED		0x00302000u

static void wild_ports(void)
{
	static const uint16_t unclaimed[] = { 0x100, 0x1234, 0x5000, 0x8000, 0xc000, 0xfffc };
	uint32_t sum = 0;

	for (uint32_t p = 0; p < 0x10000; p += 16)
		sum += inb((uint16_t)p);
	for (unsigned int i = 0; i < sizeof(unclaimed) / sizeof(unclaimed[0]); i++) {
		outb(unclaimed[i], 0xff);
		outl(unclaimed[i], 0xdeadbeef);
		sum += inl(unclaimed[i]);
	}
	puts_serial("hostile: ports done, sum ");
	put_hex(sum);
	puts_serial("\n");
}

static void wild_mmio(void)
{
	uint32_t sum = 0;

	sum += mmio_read32(0xe0000000u);
	mmio_write32(0xe0000000u, 0x12345678);
	sum += mmio_read32(0xfed00000u);		/* where an HPET would be */
	mmio_write32(0xbffff000u, 1);			/* below the hole, above RAM */
	for (uint32_t r = 0; r < 0x40; r++) {		/* IOAPIC: every register index */
		mmio_write32(0xfec00000u, r);
		mmio_write32(0xfec00010u, 0xffffffffu);
		sum += mmio_read32(0xfec00010u);
	}
	mmio_write32(0xfec00000u + 0x40, 0xffffffffu);	/* EOI register of newer IOAPICs */
	sum += mmio_read32(0xfec00ff0u);
	for (uint32_t off = 0; off < 0x1000; off += 0x10)	/* every LAPIC register, read */
		sum += mmio_read32(0xfee00000u + off);
	mmio_write32(0xfee00380u, 0);			/* timer initial count 0: stopped */
	mmio_write32(0xfee00ff0u, 0xffffffffu);		/* beyond the last register */
	puts_serial("hostile: mmio done, sum ");
	put_hex(sum);
	puts_serial("\n");
}

static void vq_setup(uint32_t num, uint32_t desc, uint32_t avail, uint32_t used)
{
	mmio_write32(VIRTIO + 0x070, 0);		/* reset */
	mmio_write32(VIRTIO + 0x070, 1 | 2);		/* ACKNOWLEDGE, DRIVER */
	mmio_write32(VIRTIO + 0x024, 1);
	mmio_write32(VIRTIO + 0x020, 1);		/* VIRTIO_F_VERSION_1 */
	mmio_write32(VIRTIO + 0x070, 1 | 2 | 8);	/* FEATURES_OK */
	mmio_write32(VIRTIO + 0x030, 0);
	mmio_write32(VIRTIO + 0x038, num);
	mmio_write32(VIRTIO + 0x080, desc);
	mmio_write32(VIRTIO + 0x084, 0);
	mmio_write32(VIRTIO + 0x090, avail);
	mmio_write32(VIRTIO + 0x094, 0);
	mmio_write32(VIRTIO + 0x0a0, used);
	mmio_write32(VIRTIO + 0x0a4, 0);
	mmio_write32(VIRTIO + 0x044, 1);		/* QueueReady */
	mmio_write32(VIRTIO + 0x070, 1 | 2 | 8 | 4);	/* DRIVER_OK */
}

static void notify(void)
{
	mmio_write32(VIRTIO + 0x050, 0);
	mmio_write32(VIRTIO + 0x064, mmio_read32(VIRTIO + 0x060));
}

static void bad_virtio(void)
{
	volatile uint32_t *d = (volatile uint32_t *)VQ_DESC;
	volatile uint16_t *avail = (volatile uint16_t *)VQ_AVAIL;

	if (mmio_read32(VIRTIO) != 0x74726976u || mmio_read32(VIRTIO + 8) != 4) {
		puts_serial("hostile: no virtio-rng at 0xd0000000\n");
		debug_exit(0x41);
	}
	/* Two descriptors chained to each other, write-only, 4 GiB long. */
	for (int i = 0; i < 2; i++) {
		d[i * 4 + 0] = 0x00200000;
		d[i * 4 + 1] = 0;
		d[i * 4 + 2] = 0xffffffffu;
		d[i * 4 + 3] = (uint32_t)(1 | 2) | (uint32_t)(1 - i) << 16;	/* NEXT | WRITE, next */
	}
	avail[0] = 0;
	avail[1] = 1;
	avail[2] = 0;
	vq_setup(8, VQ_DESC, VQ_AVAIL, VQ_USED);
	notify();
	/* A descriptor pointing past RAM, then an index far beyond what was added. */
	d[0] = 0xf0000000u;
	d[2] = 4096;
	d[3] = 2;
	avail[1] = 2;
	notify();
	avail[1] = 1000;
	notify();
	/* Rings outside RAM and in the MMIO hole. */
	vq_setup(8, 0xf0000000u, 0xfec00000u, 0xfee00000u);
	notify();
	/* More entries than the device offers, and a size that is not a power of two. */
	vq_setup(0xffff, VQ_DESC, VQ_AVAIL, VQ_USED);
	notify();
	vq_setup(7, VQ_DESC, VQ_AVAIL, VQ_USED);
	notify();
	puts_serial("hostile: virtio done\n");
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	if (magic != MB_BOOT_MAGIC)
		debug_exit(0x40);
	if (cmdline_has(mbi, "ports"))
		wild_ports();
	if (cmdline_has(mbi, "mmio"))
		wild_mmio();
	if (cmdline_has(mbi, "virtio"))
		bad_virtio();
	if (cmdline_has(mbi, "insn")) {
		puts_serial("hostile: add to MMIO\n");
		__asm__ volatile("addl $1, 0xe0000000" ::: "memory");
	}
	if (cmdline_has(mbi, "triple")) {
		static const uint16_t null_idt[3];

		puts_serial("hostile: no IDT, then #UD\n");
		__asm__ volatile("lidt %0; ud2" : : "m"(null_idt));
	}
	if (cmdline_has(mbi, "halt")) {
		puts_serial("hostile: cli; hlt\n");
		__asm__ volatile("cli; hlt");
	}
	if (cmdline_has(mbi, "spin")) {
		puts_serial("hostile: spinning\n");
		for (;;)
			__asm__ volatile("pause");
	}
	puts_serial("hostile: survived\n");
	debug_exit(0x42);
	return 0;
}

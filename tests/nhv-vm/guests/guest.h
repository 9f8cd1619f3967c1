/*
 * guest.h - what the nhv-vm test guests share: port and MMIO access, COM1
 * output, the multiboot information they read, and isa-debug-exit.
 * Freestanding 32-bit code (gcc -m32 -ffreestanding), no libc.
 */
#ifndef NHV_TEST_GUEST_H
#define NHV_TEST_GUEST_H

#include <stdint.h>

#define MB_BOOT_MAGIC	0x2badb002u
#define COM1		0x3f8
#define DEBUG_EXIT	0xf4
#define FW_CFG_SEL	0x510
#define FW_CFG_DATA	0x511

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
	uint32_t syms[4], mmap_length, mmap_addr;
};

struct mb_module {
	uint32_t start, end, string, reserved;
};

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t mmio_read32(uint32_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uint32_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static inline void putc_serial(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, (uint8_t)c);
}

static inline void puts_serial(const char *s)
{
	while (*s)
		putc_serial(*s++);
}

static inline void put_uint(uint32_t v)
{
	char b[11];
	int i = 10;

	b[i] = 0;
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	puts_serial(b + i);
}

static inline void put_hex(uint32_t v)
{
	puts_serial("0x");
	for (int i = 28; i >= 0; i -= 4)
		putc_serial("0123456789abcdef"[(v >> i) & 15]);
}

/* The VM exits with (v << 1) | 1; nothing after this runs. */
static inline void debug_exit(uint8_t v)
{
	outb(DEBUG_EXIT, v);
	for (;;)
		__asm__ volatile("hlt");
}

/* 1 when the command line holds word (a whole blank-separated word). */
static inline int cmdline_has(const struct mb_info *mbi, const char *word)
{
	const char *s = (mbi->flags & (1u << 2)) ? (const char *)mbi->cmdline : "";

	while (*s) {
		const char *w = word, *p = s;

		while (*w && *p == *w) {
			p++;
			w++;
		}
		if (!*w && (*p == ' ' || !*p))
			return 1;
		while (*s && *s != ' ')
			s++;
		while (*s == ' ')
			s++;
	}
	return 0;
}

int guest_main(uint32_t magic, const struct mb_info *mbi);

#endif

/*
 * test-devices-uart.c - the 16550A model against the register sequences
 * Linux's 8250 driver uses (autoconfig, THRE probe, interrupt-driven
 * transmit and receive) and against hostile ones.
 */
#include "tests/lib/tap.h"
#include "tests/nhv-vm/fakevm.h"
#include "userland/nhv-vm/devices/devices.h"

#define COM1 0x3f8
#define IRQ 4

enum { RBR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

static struct vm *vm;

static uint8_t in(unsigned int reg)
{
	return (uint8_t)fake_in(vm, COM1 + reg, 1);
}

static void out(unsigned int reg, uint8_t val)
{
	fake_out(vm, COM1 + reg, val, 1);
}

/* drivers/tty/serial/8250/8250_port.c autoconfig(), the steps a 16550A must pass. */
static void linux_autoconfig(void)
{
	uint8_t s1, s2, s3;

	s1 = in(IER);
	out(IER, 0);
	s2 = in(IER) & 0x0f;
	out(IER, 0x0f);
	s3 = in(IER) & 0x0f;
	out(IER, s1);
	tap_ok(s2 == 0 && s3 == 0x0f, "IER holds its low four bits (got %#x then %#x)", s2, s3);

	s1 = in(MCR);
	out(MCR, 0x10 | 0x0a);
	s2 = in(MSR) & 0xf0;
	out(MCR, s1);
	tap_is_int(s2, 0x90, "loopback: RTS and OUT2 come back as CTS and DCD");

	out(LCR, 0xbf);
	out(2, 0);	/* EFR on a 16650; FCR here */
	out(LCR, 0);
	out(FCR, 0x01);
	tap_is_int(in(IIR) >> 6, 3, "IIR reports the FIFOs on (16550A, not 16550)");

	out(LCR, 0xbf);
	tap_ok(in(2) != 0, "with LCR=0xbf register 2 is IIR, not a zero EFR (not a 16650)");
	out(LCR, 0x80);
	tap_ok(in(2) != 0, "with LCR=0x80 register 2 is not a zero EFR (not a 16650V2)");

	out(LCR, 0);
	s1 = in(MCR);
	out(LCR, 0xe0);
	s2 = in(2);
	tap_ok(!((s1 ^ s2) & 0x10), "EXCR1 probe: no National SuperIO bank");
	out(LCR, 0);
	out(MCR, s1 ^ 0x10);
	out(LCR, 0xe0);
	s2 = in(2);
	out(LCR, 0);
	out(MCR, s1);
	tap_ok(!((s2 ^ s1) & 0x10), "EXCR1 does not follow MCR.LOOP (not an NS16550A)");

	out(FCR, 0x01 | 0x20);
	s1 = in(IIR) >> 5;
	out(FCR, 0x01);
	out(LCR, 0x80);
	out(FCR, 0x01 | 0x20);
	s2 = in(IIR) >> 5;
	out(FCR, 0x01);
	out(LCR, 0);
	tap_ok(!(s1 == 6 && s2 == 7), "IIR bit 5 never set: not a TI16750 (%u %u)", s1, s2);

	s1 = in(IER);
	out(IER, s1 | 0x40);
	tap_is_int(in(IER) & 0x40, 0, "IER.UUE does not stick: not an XScale UART");
	out(IER, s1);

	out(SCR, 0x5a);
	tap_is_int(in(SCR), 0x5a, "scratch register keeps its value");
	tap_ok(in(LSR) != 0xff, "LSR does not read 0xff (the LSR safety check)");
}

static void thre_probe(void)
{
	uint8_t iir1, iir2;

	out(IER, 0x02);
	iir1 = in(IIR);
	out(IER, 0);
	out(IER, 0x02);
	iir2 = in(IIR);
	out(IER, 0);
	tap_is_int(iir1 & 0x0f, 0x02, "enabling THRI with THR empty raises THRE (IIR %#x)", iir1);
	tap_is_int(iir2 & 0x0f, 0x02, "re-enabling THRI raises it again (no UART_BUG_THRE)");
	tap_is_int(in(IIR) & 0x0f, 0x01, "reading IIR cleared the THRE interrupt");
}

static void transmit_and_receive(void)
{
	unsigned int raises;

	vm->console_len = 0;
	out(MCR, 0x0b);	/* DTR, RTS, OUT2 as Linux sets them */
	out(LCR, 0x80);
	out(0, 1);
	out(1, 0);
	tap_is_int(in(0), 1, "DLAB: register 0 is the divisor latch low");
	out(LCR, 0x03);
	for (const char *p = "hello\n"; *p; p++)
		out(0, (uint8_t)*p);
	tap_ok(vm->console_len == 6 && memcmp(vm->console, "hello\n", 6) == 0,
	       "THR writes reach the console in order");
	tap_is_int(in(LSR) & 0x60, 0x60, "THRE and TEMT set after sending");

	raises = vm->irq_raises[IRQ];
	out(IER, 0x02);
	tap_ok(vm->irq_level[IRQ] == 1 && vm->irq_raises[IRQ] == raises + 1, "THRE interrupt raises GSI 4");
	tap_is_int(in(IIR), 0xc2, "IIR: THRE with FIFOs on");
	tap_is_int(vm->irq_level[IRQ], 0, "reading IIR lowers the line");
	out(0, 'x');
	tap_is_int(vm->irq_level[IRQ], 1, "the next THR write raises THRE again");
	out(IER, 0);
	tap_is_int(vm->irq_level[IRQ], 0, "IER=0 lowers the line");

	out(FCR, 0xc7);	/* trigger 14, clear both */
	out(IER, 0x01);
	fake_console_input(vm, "abc", 3);
	tap_is_int(in(IIR) & 0x0f, 0x0c, "3 bytes below trigger 14: character timeout interrupt");
	tap_is_int(vm->irq_level[IRQ], 1, "receive interrupt raises GSI 4");
	tap_is_int(in(LSR) & 1, 1, "LSR.DR set");
	tap_ok(in(0) == 'a' && in(0) == 'b' && in(0) == 'c', "bytes read back in order");
	tap_is_int(in(LSR) & 1, 0, "LSR.DR clear once drained");
	tap_is_int(vm->irq_level[IRQ], 0, "line low once drained");

	fake_console_input(vm, "0123456789abcdefghijklmnopqrstuvwxyz", 36);
	tap_is_int(in(IIR) & 0x0f, 0x04, "a full FIFO reports received data available");
	{
		char got[40];
		unsigned int n = 0;

		while ((in(LSR) & 1) && n < sizeof(got))
			got[n++] = (char)in(0);
		tap_ok(n == 36 && memcmp(got, "0123456789abcdefghijklmnopqrstuvwxyz", 36) == 0,
		       "input beyond the FIFO waits in the backlog and arrives whole (%u bytes)", n);
	}
	tap_is_int(in(LSR) & 0x02, 0, "no overrun for input within the backlog");
	out(IER, 0);
}

static void overrun_and_errors(void)
{
	static char big[5000];

	memset(big, 'z', sizeof(big));
	out(IER, 0x05);
	fake_console_input(vm, big, sizeof(big));
	tap_is_int(in(IIR) & 0x0f, 0x06, "overrun: line status interrupt outranks data");
	tap_is_int(in(LSR) & 0x02, 0x02, "LSR.OE set when the backlog overflows");
	tap_is_int(in(LSR) & 0x02, 0, "reading LSR clears OE");
	out(FCR, 0x07);
	tap_is_int(in(LSR) & 1, 1, "clearing the FIFO refills it from the backlog");
	out(IER, 0);
	fake_vm_reset(vm);
	tap_is_int(in(LSR), 0x60, "reset empties FIFO and backlog");
}

static void loopback(void)
{
	vm->console_len = 0;
	out(FCR, 0x01);
	out(MCR, 0x10 | 0x08);
	out(0, 'L');
	tap_is_int(vm->console_len, 0, "loopback: nothing leaves the UART");
	tap_is_int(in(LSR) & 1, 1, "loopback: the byte is received");
	tap_is_int(in(0), 'L', "loopback: the same byte");
	out(IER, 0x01);
	out(0, 'M');
	tap_is_int(vm->irq_level[IRQ], 0, "loopback disconnects the interrupt line");
	fake_console_input(vm, "q", 1);
	tap_is_int(in(0), 'M', "host input does not enter in loopback");
	out(MCR, 0x08);
	tap_is_int(in(0), 'q', "host input arrives when loopback ends");
	out(MCR, 0x10 | 0x01);
	tap_is_int(in(MSR), 0x20 | 0x08 | 0x01 | 0x02, "MSR: DSR now, deltas for DCD/CTS/DSR changes");
	tap_is_int(in(MSR) & 0x0f, 0, "reading MSR clears the deltas");
	out(IER, 0x08);
	out(MCR, 0x10 | 0x03);
	tap_is_int(in(IIR) & 0x0f, 0x00, "modem status interrupt identified");
	out(IER, 0);
	out(MCR, 0);
}

static void hostile(void)
{
	vm->console_len = 0;
	for (unsigned int i = 0; i < 4096; i++) {
		fake_out(vm, COM1 + (i % 8), i * 2654435761u, 1 << (i % 3));
		(void)fake_in(vm, COM1 + ((i * 7) % 8), 1 << ((i / 3) % 3));
	}
	{
		int out2 = (in(MCR) & 0x18) == 0x08, level = vm->irq_level[IRQ];
		uint8_t iir = in(IIR);

		tap_is_int(level, out2 && !(iir & 1),
			   "after 4096 random accesses the line agrees with IIR %#x and MCR.OUT2", iir);
	}
	fake_out(vm, COM1 + 6, 0x12345678, 4);
	tap_is_int(fake_in(vm, COM1 + 6, 4) >> 16, 0xffff, "ports past base+7 in a wide read read 0xff");
	fake_vm_reset(vm);
	tap_is_int(in(IER), 0, "reset clears IER");
	tap_is_int(in(IIR), 0x01, "reset: no interrupt, FIFOs off");
	tap_is_int(vm->irq_level[IRQ], 0, "reset lowers the line");
}

int main(void)
{
	vm = fake_vm_new(4096);
	tap_is_int(uart8250_create(vm, COM1, IRQ), 0, "uart8250_create");
	tap_ok(uart8250_create(vm, COM1, IRQ) < 0, "a second UART on the same ports is refused");
	tap_is_int(in(LSR), 0x60, "power-on LSR: THRE|TEMT");
	tap_is_int(in(IIR), 0x01, "power-on IIR: no interrupt");
	linux_autoconfig();
	thre_probe();
	transmit_and_receive();
	overrun_and_errors();
	loopback();
	hostile();
	fake_vm_free(vm);
	return tap_done();
}

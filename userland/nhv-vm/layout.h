/*
 * layout.h - the guest-physical map of an nhv-vm machine, and the ports
 * and interrupt lines of its devices (docs/vmm-design.md "Machine model").
 *
 *   0x00000000  real-mode IVT and BIOS data area (zero)
 *   0x00000500  boot GDT
 *   0x00007000  Linux boot_params (zero page) / multiboot info
 *   0x00009000  identity page tables for the first 4 GiB (PML4, PDPT, 4 PDs)
 *   0x00020000  kernel command line
 *   0x0009fc00  MP floating pointer and MP table (EBDA, reserved)
 *   0x000e0000  ACPI RSDP and tables (reserved up to 1 MiB)
 *   0x000f0000  SMBIOS entry point and tables (smbios.c)
 *   0x00100000  kernels, then free RAM; the initrd goes to the top of low RAM
 *   0xc0000000  MMIO hole: virtio-mmio, IOAPIC, local APIC
 *   4 GiB       the rest of RAM when memsize > 3 GiB
 */
#ifndef NHV_VM_LAYOUT_H
#define NHV_VM_LAYOUT_H

#define GPA_GDT			0x500ULL
#define GPA_BOOT_PARAMS		0x7000ULL
#define GPA_PML4		0x9000ULL
#define GPA_PDPT		0xa000ULL
#define GPA_PD			0xb000ULL	/* 4 pages */
#define GPA_CMDLINE		0x20000ULL
#define CMDLINE_MAX		4096
#define GPA_MB_INFO		0x8000ULL	/* multiboot info + module list */
#define GPA_MB_STRINGS		0x21000ULL	/* multiboot command lines, 4 KiB */
#define GPA_EBDA		0x9fc00ULL
#define GPA_LOW_RAM_END		0xa0000ULL	/* 640 KiB */
#define GPA_BIOS		0xe0000ULL	/* RSDP + ACPI tables up to 1 MiB */
#define GPA_SMBIOS		0xf0000ULL	/* ACPI stays below */
#define GPA_BIOS_END		0x100000ULL
#define GPA_HIGH		0x100000ULL

#define GPA_MMIO_HOLE		0xc0000000ULL
#define GPA_4G			0x100000000ULL

#define GPA_VIRTIO_MMIO		0xd0000000ULL
#define VIRTIO_MMIO_SIZE	0x1000ULL
#define VIRTIO_MMIO_MAX		6	/* GSIs 10-15 */
#define GPA_IOAPIC		0xfec00000ULL
#define IOAPIC_SIZE		0x1000ULL
#define IOAPIC_PINS		24
#define GPA_LAPIC		0xfee00000ULL

/* Ports. */
#define PORT_COM1		0x3f8
#define PORT_RTC		0x70
#define PORT_I8042_DATA		0x60
#define PORT_ACPI_PM		0x600	/* PM1a_EVT_BLK (4 bytes), PM1a_CNT_BLK at +4 (2) */
#define PORT_ACPI_PM1_CNT	0x604
#define PORT_RESET		0xcf9
#define PORT_DEBUG_EXIT		0xf4
#define PORT_FW_CFG		0x510

/* Interrupt lines (IOAPIC pins = GSIs, ISA IRQs identity-mapped). */
#define GSI_COM1		4
#define GSI_RTC			8
#define GSI_SCI			9
#define GSI_VIRTIO_FIRST	10	/* virtio-mmio device i: 10 + i ... */

#endif

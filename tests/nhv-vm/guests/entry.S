/*
 * entry.S - multiboot v1 header and entry of the nhv-vm test guests
 * (Multiboot Specification 0.6.96, 3.1.1 and 3.2): ELF loading (no address
 * fields), then a stack and guest_main(magic, info).
 */
#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00000003	/* modules page aligned, memory information */

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.text
	.globl _start
_start:
	cli
	movl $stack_top, %esp
	pushl %ebx
	pushl %eax
	call guest_main
1:	hlt
	jmp 1b

	.bss
	.align 16
	.space 16384
stack_top:

	.section .note.GNU-stack, "", @progbits

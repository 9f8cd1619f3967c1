/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_entry.S - world switch for the VMX backend.
 *
 * int nhv_vmx_launch(u64 *gprs, u64 *host_rsp, bool resume)
 *
 * The vCPU's VMCS is current.  @resume selects VMRESUME (the VMCS is
 * launched) or VMLAUNCH (its launch state is clear, after VMCLEAR).  VM exit
 * comes back at nhv_vmx_exit with the host state of the VMCS: RSP as written
 * here to HOST_RSP, RIP = nhv_vmx_exit (SDM vol. 3 28.5).  HOST_RSP is
 * written only when this stack depth differs from @host_rsp, the value the
 * VMCS holds.  VMX saves none of the general-purpose registers, RAX
 * included: they are swapped from @gprs (indexed like struct nhv_regs.gpr;
 * the RSP slot is the VMCS's).
 * Returns 0 after a VM exit, 1 for VMfailValid (VM_INSTRUCTION_ERROR holds
 * the reason), 2 for VMfailInvalid (SDM vol. 3 31.2), the same for both
 * instructions.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#define G(n)		(8 * (n))
#define VMCS_HOST_RSP	0x6c14

	.text
SYM_FUNC_START(nhv_vmx_launch)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdi		/* 0(%rsp): gprs */

	cmp	%rsp, (%rsi)
	je	1f
	mov	$VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax
	jbe	.Lfail_write
	mov	%rsp, (%rsi)
1:
	/* ZF from here to the jump below: MOV leaves the flags alone. */
	test	%dl, %dl

	mov	%rdi, %rax
	mov	G(1)(%rax), %rcx
	mov	G(2)(%rax), %rdx
	mov	G(3)(%rax), %rbx
	mov	G(5)(%rax), %rbp
	mov	G(6)(%rax), %rsi
	mov	G(7)(%rax), %rdi
	mov	G(8)(%rax), %r8
	mov	G(9)(%rax), %r9
	mov	G(10)(%rax), %r10
	mov	G(11)(%rax), %r11
	mov	G(12)(%rax), %r12
	mov	G(13)(%rax), %r13
	mov	G(14)(%rax), %r14
	mov	G(15)(%rax), %r15
	mov	G(0)(%rax), %rax

	jz	.Llaunch
	/* Tell objtool the exit label continues this frame. */
	UNWIND_HINT_SAVE
	vmresume
	jmp	.Lfailed
.Llaunch:
	vmlaunch
.Lfailed:
	/* Still here: the instruction failed and no guest state was loaded. */
	jc	.Lfail_invalid
	mov	$1, %eax
	jmp	.Lout
.Lfail_invalid:
	mov	$2, %eax
	jmp	.Lout
.Lfail_write:
	mov	$2, %eax
	jmp	.Lout

SYM_INNER_LABEL(nhv_vmx_exit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	push	%rax		/* guest RAX; 8(%rsp) is gprs */
	mov	8(%rsp), %rax
	mov	%rcx, G(1)(%rax)
	mov	%rdx, G(2)(%rax)
	mov	%rbx, G(3)(%rax)
	mov	%rbp, G(5)(%rax)
	mov	%rsi, G(6)(%rax)
	mov	%rdi, G(7)(%rax)
	mov	%r8, G(8)(%rax)
	mov	%r9, G(9)(%rax)
	mov	%r10, G(10)(%rax)
	mov	%r11, G(11)(%rax)
	mov	%r12, G(12)(%rax)
	mov	%r13, G(13)(%rax)
	mov	%r14, G(14)(%rax)
	mov	%r15, G(15)(%rax)
	pop	%rcx
	mov	%rcx, G(0)(%rax)

	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%eax, %eax
.Lout:
	add	$8, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(nhv_vmx_launch)

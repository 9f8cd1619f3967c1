/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svm_entry.S - world switch for the SVM backend.
 *
 * void nhv_svm_vmrun(u64 vmcb_pa, u64 host_vmcb_pa, u64 *gprs)
 *
 * Called with GIF clear (CLGI) and RFLAGS.IF set, so that a host interrupt
 * arriving in guest mode is an INTR intercept (APM vol. 2 15.17, 15.21).
 * VMRUN saves and restores only RAX, RSP, RIP, RFLAGS and the control
 * registers (APM vol. 2 15.5); the other general-purpose registers are
 * swapped here from @gprs (indexed like struct nhv_regs.gpr, whose RAX and
 * RSP slots the C side copies to and from the VMCB).  VMSAVE/VMLOAD swap
 * FS, GS, TR, LDTR and the syscall MSRs (APM vol. 2 15.5.2).
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

#define G(n)	(8 * (n))

	.text
SYM_FUNC_START(nhv_svm_vmrun)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdx		/* 16(%rsp): gprs */
	push	%rsi		/*  8(%rsp): host save VMCB */
	push	%rdi		/*  0(%rsp): guest VMCB */

	/* Host FS/GS/TR/LDTR and syscall MSRs out of the way. */
	mov	%rsi, %rax
	vmsave	%rax

	mov	%rdx, %rax
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

	mov	(%rsp), %rax
	vmload	%rax
	vmrun	%rax
	vmsave	%rax

	/* #VMEXIT restored RSP; RAX is the host's again (the VMCB address). */
	mov	16(%rsp), %rax
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

	mov	8(%rsp), %rax
	vmload	%rax

	/* Leave no guest value in a register the host might speculate on. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	add	$24, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(nhv_svm_vmrun)

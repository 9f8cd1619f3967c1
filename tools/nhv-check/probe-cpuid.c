/*
 * probe-cpuid.c - CPUID: vendor, brand, VMX (1:ECX[5]), hypervisor bit
 * (1:ECX[31]), SVM (80000001:ECX[2]), SVM leaf 0x8000000A (revision,
 * ASIDs, features) and the hypervisor signatures at 0x40000000 and
 * 0x40000100 (read whatever the hypervisor bit says, as lscpu does;
 * hypervisor.c only trusts known strings).
 */
#include "tools/nhv-check/probe.h"

#include <cpuid.h>
#include <stdio.h>
#include <string.h>

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
}

/* 12 signature bytes: printable kept, NULs and others as \xNN. */
static void signature(const uint32_t r[4], char *out, size_t sz)
{
	unsigned char b[12];
	size_t n = 0;

	memcpy(b, &r[1], 4);
	memcpy(b + 4, &r[2], 4);
	memcpy(b + 8, &r[3], 4);
	out[0] = '\0';
	for (int i = 0; i < 12 && n + 5 < sz; i++) {
		if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '\\')
			out[n++] = (char)b[i];
		else
			n += (size_t)snprintf(out + n, sz - n, "\\x%02x", b[i]);
	}
	out[n] = '\0';
}

void probe_cpuid(struct facts *f)
{
	uint32_t r[4], maxext;
	char s[64];

	cpuid(0, 0, r);
	memcpy(s, &r[1], 4);
	memcpy(s + 4, &r[3], 4);
	memcpy(s + 8, &r[2], 4);
	s[12] = '\0';
	fact_set_str(f, S_CPU_VENDOR, s, SRC_CPUID);

	cpuid(1, 0, r);
	fact_set(f, N_CPUID_1_ECX, r[2], SRC_CPUID);
	fact_set(f, N_CPUID_VMX, (r[2] >> 5) & 1, SRC_CPUID);
	fact_set(f, N_CPUID_HV_BIT, (r[2] >> 31) & 1, SRC_CPUID);

	cpuid(0x80000000, 0, r);
	maxext = r[0];
	if (maxext >= 0x80000001) {
		cpuid(0x80000001, 0, r);
		fact_set(f, N_CPUID_SVM, (r[2] >> 2) & 1, SRC_CPUID);
	} else {
		fact_set(f, N_CPUID_SVM, 0, SRC_CPUID);
	}
	if (maxext >= 0x80000004) {
		char brand[49];
		for (uint32_t i = 0; i < 3; i++) {
			cpuid(0x80000002 + i, 0, r);
			memcpy(brand + 16 * i, r, 16);
		}
		brand[48] = '\0';
		char *b = brand;
		while (*b == ' ')
			b++;
		fact_set_str(f, S_CPU_MODEL, b, SRC_CPUID);
	}
	if (fact_yes(f, N_CPUID_SVM) && maxext >= 0x8000000a) {
		cpuid(0x8000000a, 0, r);
		fact_set(f, N_SVM_REVISION, r[0] & 0xff, SRC_CPUID);
		fact_set(f, N_SVM_NASID, r[1], SRC_CPUID);
		fact_set(f, N_SVM_EDX, r[3], SRC_CPUID);
	} else {
		fact_unavail(f, N_SVM_REVISION, FR_NOT_APPLICABLE, SRC_CPUID);
		fact_unavail(f, N_SVM_NASID, FR_NOT_APPLICABLE, SRC_CPUID);
		fact_unavail(f, N_SVM_EDX, FR_NOT_APPLICABLE, SRC_CPUID);
	}

	cpuid(0x40000000, 0, r);
	fact_set(f, N_CPUID_HV_MAX_LEAF, r[0], SRC_CPUID);
	signature(r, s, sizeof(s));
	fact_set_str(f, S_HV_SIG, s, SRC_CPUID);
	/* A second block exists only when the first one says so. */
	if (r[0] >= 0x40000100 && r[0] < 0x40010000) {
		cpuid(0x40000100, 0, r);
		signature(r, s, sizeof(s));
		fact_set_str(f, S_HV_SIG2, s, SRC_CPUID);
	} else {
		cpuid(0x40000100, 0, r);
		signature(r, s, sizeof(s));
		/* Only a known signature is worth keeping from an unannounced block. */
		if (r[1] != 0 && (strcmp(s, "KVMKVMKVM\\x00\\x00\\x00") == 0 || strcmp(s, "XenVMMXenVMM") == 0))
			fact_set_str(f, S_HV_SIG2, s, SRC_CPUID);
		else
			fact_unavail_str(f, S_HV_SIG2, FR_NOT_PRESENT, SRC_CPUID);
	}
}

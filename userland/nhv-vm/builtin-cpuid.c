/*
 * builtin-cpuid.c - nhv vm cpuid NAME | --vmx FILE [--set K=V]...: the
 * CPUID an L2 guest of this config sees on this host under nhv.ko (vCPU 0,
 * subleaf 0 unless a key names another), leaf by leaf, and for every bit
 * that differs from what L1 reads, who changed it: nhv.ko's fixed rules
 * (kernel-vmm/cpuid.c: VMX/SVM, MONITOR, x2APIC hidden, TSC-deadline and
 * APIC shown, OSXSAVE from CR4 (clear at reset), 0x40000000-0x4fffffff
 * empty), nhv-vm's own entries (cpuid.c) or the config key.
 */
#include <cpuid.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "userland/nhv-vm/args.h"
#include "userland/nhv-vm/builtins.h"
#include "userland/nhv-vm/cpuid-mask.h"
#include "userland/nhv-vm/store.h"
#include "userland/nhv-vm/vm.h"

#define MAX_SETS	32
#define L1_ECX_MONITOR	(1U << 3)
#define L1_ECX_VMX	(1U << 5)
#define L1_ECX_X2APIC	(1U << 21)
#define L1_ECX_DEADLINE	(1U << 24)
#define L1_ECX_OSXSAVE	(1U << 27)
#define L1_EDX_APIC	(1U << 9)
#define LX1_ECX_SVM	(1U << 2)

static const char *const reg_name[4] = { "eax", "ebx", "ecx", "edx" };

/* What nhv.ko itself does to the host's answer (kernel-vmm/cpuid.c nhv_cpuid). */
static void kernel_rules(uint32_t leaf, uint32_t out[4])
{
	if (leaf >= 0x40000000 && leaf <= 0x4fffffff) {
		memset(out, 0, 4 * sizeof(out[0]));
		return;
	}
	if (leaf == 1) {
		out[1] &= 0x00ffffff;
		out[2] &= ~(L1_ECX_VMX | L1_ECX_MONITOR | L1_ECX_OSXSAVE | L1_ECX_X2APIC);
		out[2] |= L1_ECX_DEADLINE;
		out[3] |= L1_EDX_APIC;
	} else if (leaf == 0x80000001) {
		out[2] &= ~LX1_ECX_SVM;
	} else if (leaf == 0x8000000a) {
		memset(out, 0, 4 * sizeof(out[0]));
	}
}

static void show_leaf(const struct vm_config *c, const struct cpuid_out *o, enum cpuid_vendor vendor,
		      uint32_t leaf, uint32_t sub)
{
	uint32_t host[4], k[4], out[4];
	const char *who[4][32];

	__cpuid_count(leaf, sub, host[0], host[1], host[2], host[3]);
	memcpy(k, host, sizeof(k));
	kernel_rules(leaf, k);
	memcpy(out, k, sizeof(out));
	for (int r = 0; r < 4; r++)
		for (int b = 0; b < 32; b++)
			who[r][b] = ((k[r] ^ host[r]) >> b) & 1 ? "nhv.ko" : NULL;
	for (unsigned int i = 0; i < o->n; i++) {
		const struct nhv_cpuid_entry *e = &o->e[i];
		uint32_t before, after;
		const char *w = o->who[i];

		if (e->leaf != leaf || (!(e->flags & NHV_CPUID_ANY_SUBLEAF) && e->subleaf != sub))
			continue;
		before = out[e->reg];
		after = (before & e->and_mask) | e->or_mask;
		out[e->reg] = after;
		for (int b = 0; b < 32; b++) {
			uint32_t bit = 1U << b;

			if (!(~e->and_mask & bit) && !(e->or_mask & bit))
				continue;	/* the entry leaves this bit alone */
			if (!strcmp(w, "config"))
				w = cpuid_mask_who(c->masks, vendor, leaf, sub, e->reg, b);
			if (w && ((after ^ before) & bit || (after ^ host[e->reg]) & bit))
				who[e->reg][b] = w;
			w = o->who[i];
		}
	}
	printf("0x%08x.%u: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n", leaf, sub, out[0], out[1],
	       out[2], out[3]);
	for (int r = 0; r < 4; r++) {
		uint32_t diff = out[r] ^ host[r];
		const char *one = NULL;
		int same = 1, bits = 0;

		for (int b = 0; b < 32; b++) {
			const char *w = who[r][b] ? who[r][b] : "nhv.ko";

			if (!((diff >> b) & 1))
				continue;
			bits++;
			if (one && strcmp(one, w))
				same = 0;
			one = w;
		}
		/* A register one source set as a whole: one line. */
		if (bits > 2 && same) {
			printf("    %s: 0x%08x -> 0x%08x  %s\n", reg_name[r], host[r], out[r], one);
			continue;
		}
		for (int b = 31; b >= 0; b--)
			if ((diff >> b) & 1)
				printf("    %s bit %2d: %u -> %u  %s\n", reg_name[r], b,
				       (host[r] >> b) & 1, (out[r] >> b) & 1,
				       who[r][b] ? who[r][b] : "nhv.ko");
	}
}

int cmd_cpuid(int argc, char **argv)
{
	static struct nhv_cpuid_entry e[NHV_MAX_CPUID_ENTRIES];
	static const char *who[NHV_MAX_CPUID_ENTRIES];
	struct cpuid_out o = { .e = e, .who = who, .max = NHV_MAX_CPUID_ENTRIES };
	char path[PATH_MAX], why[1024], *sets[MAX_SETS];
	const char *vmx = NULL, *name = NULL;
	struct vm_config c;
	enum cpuid_vendor vendor = host_vendor();
	unsigned int max, xmax, b, cc, d, nsets = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--vmx") && i + 1 < argc) {
			vmx = argv[++i];
		} else if (!strcmp(argv[i], "--set") && i + 1 < argc && nsets < MAX_SETS) {
			sets[nsets++] = argv[++i];
		} else if (!name && !vmx && argv[i][0] != '-') {
			name = argv[i];
		} else {
			return args_usage("cpuid", "NAME | --vmx FILE [--set KEY=VALUE]...", argv[i]);
		}
	}
	if (!!name == !!vmx)
		return args_usage("cpuid", "NAME | --vmx FILE [--set KEY=VALUE]...", NULL);
	if (name) {
		if (args_vm("cpuid", name))
			return 1;
		store_vmx_path(name, path, sizeof(path));
		vmx = path;
	}
	if (vm_config_load(&c, vmx, sets, nsets, why, sizeof(why))) {
		fprintf(stderr, "nhv vm cpuid: %s\n", why);
		return 1;
	}
	__cpuid(0, max, b, cc, d);
	__cpuid(0x80000000, xmax, b, cc, d);
	/* On VMX hosts the hypercall is VMCALL, on SVM VMMCALL (backdoor-vm.c). */
	cpuid_policy(&c, host_tsc_khz(), c.hv_cpuid_v0 ? (vendor == CPUID_AMD ?
		     NHV_BACKDOOR_VMMCALL : NHV_BACKDOOR_VMCALL) : 0, vendor, max, &o);
	printf("# CPUID of %s's vCPU 0 under nhv.ko on this host (%s); L1's value -> L2's, and who\n",
	       c.display_name, vendor == CPUID_AMD ? "AMD" : "Intel");
	for (uint32_t l = 0; l <= max && l < 0x20; l++)
		show_leaf(&c, &o, vendor, l, 0);
	if (c.hv_cpuid_v0) {
		show_leaf(&c, &o, vendor, 0x40000000, 0);
		show_leaf(&c, &o, vendor, 0x40000010, 0);
	}
	for (uint32_t l = 0x80000000; l <= xmax && l < 0x80000021; l++)
		show_leaf(&c, &o, vendor, l, 0);
	/* Subleaves a key names. */
	for (unsigned int i = 0; i < o.n; i++)
		if (!(e[i].flags & NHV_CPUID_ANY_SUBLEAF) && e[i].subleaf) {
			int seen = 0;

			for (unsigned int j = 0; j < i; j++)
				seen |= e[j].leaf == e[i].leaf && e[j].subleaf == e[i].subleaf &&
					!(e[j].flags & NHV_CPUID_ANY_SUBLEAF);
			if (!seen)
				show_leaf(&c, &o, vendor, e[i].leaf, e[i].subleaf);
		}
	vm_config_free(&c);
	return 0;
}

/* probe.c - run every live probe in order, then derive capabilities. */
#include "tools/nhv-check/probe.h"
#include "tools/nhv-check/derive.h"

#include <sys/utsname.h>
#include <unistd.h>

void probe_all(struct facts *f)
{
	struct utsname u;

	facts_init(f);
	f->origin = ORIGIN_LIVE;
	fact_set(f, N_ROOT, geteuid() == 0, SRC_NONE);
	if (uname(&u) == 0)
		fact_set_str(f, S_KERNEL, u.release, SRC_NONE);
	probe_cpuid(f);
	probe_cpuinfo(f);
	probe_msr(f);
	probe_dmi(f);
	probe_hv(f);
	probe_pci(f);
	probe_efi(f);
	probe_backdoor(f);
	facts_derive(f);
}

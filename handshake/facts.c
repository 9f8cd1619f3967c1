/*
 * facts.c - collect and print the outer host's backdoor facts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "handshake/facts.h"
#include "handshake/bdoor_def.h"
#include "handshake/nhvbd_err.h"

int nhvbd_facts_collect(const struct nhvbd_transport *t, struct nhvbd_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->probe_err = nhvbd_get_version(t, &f->version);
	if (f->probe_err)
		return f->probe_err;
	f->present = 1;
	f->have_uuid = nhvbd_get_uuid(t, f->uuid) == 0;
	f->have_hw = nhvbd_get_hw_version(t, &f->hw_version) == 0;
	f->have_build = nhvbd_get_build_num(t, &f->build) == 0;
	f->have_mem = nhvbd_get_memsize(t, &f->memsize) == 0;
	f->have_hz = nhvbd_get_hz(t, &f->hz) == 0;
	f->have_vcpu = nhvbd_get_vcpu_info(t, &f->vcpu_info) == 0;
	f->have_nesting = nhvbd_nesting_control(t, NESTING_CONTROL_QUERY, &f->nesting_eax) == 0;
	return 0;
}

struct out {
	char *buf;
	size_t cap, len;
};

static void add(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len + 1 >= o->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len = o->len + (size_t)n < o->cap ? o->len + (size_t)n : o->cap - 1;
}

static void nesting(struct out *o, const struct nhvbd_facts *f)
{
	if (!f->present) {
		add(o, "nesting_supported=0\nnesting_reason=no VMware backdoor\n");
		return;
	}
	if (!f->have_nesting) {
		add(o, "nesting_supported=0\nnesting_reason=the host does not answer NESTING_CONTROL\n");
		return;
	}
	add(o, "nesting_supported=%d\nnesting_query_eax=0x%08x\n",
	    nhvbd_nesting_supported(f->nesting_eax), f->nesting_eax);
}

size_t nhvbd_facts_format(const struct nhvbd_facts *f, char *buf, size_t cap)
{
	struct out o = { buf, cap, 0 };
	char u[48];

	if (cap)
		buf[0] = '\0';
	add(&o, "present=%d\n", f->present);
	if (!f->present) {
		add(&o, "reason=%s\n", nhvbd_strerror(f->probe_err));
		nesting(&o, f);
		return o.len;
	}
	add(&o, "version=%u\nvmx_type=%u\nvmx_type_name=%s\n", f->version.version,
	    f->version.vmx_type, nhvbd_vmx_type_name(f->version.vmx_type));
	if (f->have_uuid) {
		nhvbd_uuid_format(f->uuid, u);
		add(&o, "uuid=%s\n", u);
		nhvbd_uuid_format_vmx(f->uuid, u);
		add(&o, "uuid_bios=%s\n", u);
	}
	if (f->have_hw)
		add(&o, "hw_version=%u\n", f->hw_version);
	if (f->have_build)
		add(&o, "build=%u\n", f->build);
	if (f->have_mem)
		add(&o, "memsize=%u\n", f->memsize);
	if (f->have_hz)
		add(&o, "tsc_hz=%llu\napic_hz=%u\n", (unsigned long long)f->hz.tsc_hz, f->hz.apic_hz);
	if (f->have_vcpu)
		add(&o, "vcpu_info=0x%08x\n", f->vcpu_info);
	nesting(&o, f);
	return o.len;
}

size_t nhvbd_facts_format_nesting(const struct nhvbd_facts *f, char *buf, size_t cap)
{
	struct out o = { buf, cap, 0 };

	if (cap)
		buf[0] = '\0';
	nesting(&o, f);
	return o.len;
}

/* clonevmx.c - the .vmx edits of a clone (see clonevmx.h). */
#include "tools/nhv-clone/clonevmx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int truthy(const char *v)
{
	return v && (strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 || strcmp(v, "1") == 0);
}

int vmx_nics(const struct vmx *v, int nic[VMX_MAX_NICS])
{
	int n = 0;

	for (int i = 0; i < VMX_MAX_NICS; i++) {
		char key[32], *val;

		snprintf(key, sizeof(key), "ethernet%d.present", i);
		val = vmx_get(v, key);
		if (truthy(val))
			nic[n++] = i;
		free(val);
	}
	return n;
}

static int ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* Every ethernetN that any key mentions, present or not. */
static int nic_mentioned(const struct vmx *v, int n)
{
	char pre[24];
	size_t pl = (size_t)snprintf(pre, sizeof(pre), "ethernet%d.", n);

	for (size_t i = 0; i < v->n; i++) {
		const char *k, *val;
		size_t kl, vl;

		if (vmx_pair(v, i, &k, &kl, &val, &vl) && kl > pl && strncasecmp(k, pre, pl) == 0)
			return 1;
	}
	return 0;
}

int clone_vmx(struct vmx *v, const struct clone_params *p, char *err, size_t errsize)
{
	int nic[VMX_MAX_NICS], nn = vmx_nics(v, nic), r = 0;
	char *state = vmx_get(v, "checkpoint.vmState");
	char key[96], val[64];

	if (state && state[0]) {
		snprintf(err, errsize, "checkpoint.vmState = \"%.60s\": the VM is suspended; "
			 "power it off (or discard the suspended state) before cloning", state);
		free(state);
		return -1;
	}
	free(state);
	if (!ascii(p->display_name)) {
		char *enc = vmx_get(v, ".encoding");

		if (!enc) {
			r |= vmx_prepend(v, ".encoding", "UTF-8");
		} else if (strcasecmp(enc, "UTF-8") != 0) {
			snprintf(err, errsize, ".encoding = \"%.40s\": a non-ASCII displayName "
				 "needs UTF-8", enc);
			free(enc);
			return -1;
		}
		free(enc);
	}
	r |= vmx_set(v, "displayName", p->display_name);
	uuid_format_vmx(&p->bios, val);
	r |= vmx_set(v, "uuid.bios", val);
	uuid_format_vmx(&p->location, val);
	r |= vmx_set(v, "uuid.location", val);
	r |= vmx_set(v, "vhv.enable", "TRUE");
	vmx_remove(v, "vmci0.id");
	vmx_remove(v, "sched.swap.derivedName");

	for (int n = 0; n < VMX_MAX_NICS; n++) {
		if (!nic_mentioned(v, n))
			continue;
		snprintf(key, sizeof(key), "ethernet%d.generatedAddress", n);
		vmx_remove(v, key);
		snprintf(key, sizeof(key), "ethernet%d.generatedAddressOffset", n);
		vmx_remove(v, key);
		if (!p->static_macs) {
			/* No address at all: VMware generates a new one at power-on. */
			snprintf(key, sizeof(key), "ethernet%d.address", n);
			vmx_remove(v, key);
			snprintf(key, sizeof(key), "ethernet%d.addressType", n);
			vmx_remove(v, key);
		}
	}
	for (int k = 0; k < nn && p->static_macs; k++) {
		snprintf(key, sizeof(key), "ethernet%d.addressType", nic[k]);
		r |= vmx_set(v, key, "static");
		snprintf(key, sizeof(key), "ethernet%d.address", nic[k]);
		mac_format(&p->macs[k], val);
		r |= vmx_set(v, key, val);
	}
	for (int g = 0; g < p->ngi; g++) {
		snprintf(key, sizeof(key), "guestinfo.nhv.%s", p->gi_key[g]);
		r |= vmx_set(v, key, p->gi_val[g]);
	}
	if (r) {
		snprintf(err, errsize, "out of memory editing the .vmx");
		return -1;
	}
	return 0;
}

int name_format(const char *fmt, long i, char *out, size_t size)
{
	size_t o = 0;
	int convs = 0;

	for (const char *p = fmt; *p; p++) {
		char tmp[48];
		int width = 0, zero = 0, n;

		if (*p != '%') {
			if (o + 1 >= size)
				return -1;
			out[o++] = *p;
			continue;
		}
		p++;
		if (*p == '%') {
			if (o + 1 >= size)
				return -1;
			out[o++] = '%';
			continue;
		}
		if (*p == '0') {
			zero = 1;
			p++;
		}
		while (*p >= '0' && *p <= '9' && width < 100)
			width = width * 10 + (*p++ - '0');
		if (*p != 'd' || width >= 100 || ++convs > 1)
			return -1;
		n = snprintf(tmp, sizeof(tmp), zero ? "%0*ld" : "%*ld", width, i);
		if (n < 0 || (size_t)n >= sizeof(tmp) || o + (size_t)n >= size)
			return -1;
		memcpy(out + o, tmp, (size_t)n);
		o += (size_t)n;
	}
	if (convs != 1)
		return -1;
	out[o] = '\0';
	return 0;
}

int name_ok(const char *name)
{
	if (!name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strlen(name) > 200)
		return 0;
	for (const char *p = name; *p; p++)
		if (*p == '/' || (unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/*
 * backdoor.c - see backdoor.h.  Registers: the low-bandwidth backdoor uses
 * EAX..EBP as 32-bit values (vmware-backdoor.md section 1); a register the
 * host changes is written back zero-extended (what a 32-bit result does to
 * a 64-bit register), one it leaves alone keeps all 64 bits.
 * The hypercall form (section 1, "Alternate transport") carries
 * BDOOR_FLAGS_* in DX instead of a port: only the low-bandwidth form
 * (flags 0) is served, as the high-bandwidth port is not offered.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "handshake/nhvbd_err.h"
#include "userland/nhv-vm/backdoor.h"

#define VEC_UD	6
#define VEC_GP	13
/* Not in handshake's bdoor_def.h, which has what the appliance's tools use. */
#define BDOOR_CMD_STEALCLOCK	91u	/* reference section 2: not answered = unavailable */
#define BDOOR_FLAGS_HB		(1u << 0)	/* hypercall DX: high bandwidth */

/* A log line, at most BACKDOOR_LOG_MAX of them, then one saying so. Lock held. */
static void emit(struct backdoor *b, const char *text)
{
	const char *line = text;

	if (b->logged > BACKDOOR_LOG_MAX)
		return;
	if (b->logged++ == BACKDOOR_LOG_MAX)
		line = "backdoor: more guest errors, not logged";
	if (b->log)
		b->log(b->log_ctx, line);
	else
		fprintf(stderr, "nhv-vm: %s\n", line);
}

static void say(struct backdoor *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A guest error: counted and logged. Lock held. */
static void say(struct backdoor *b, const char *fmt, ...)
{
	char line[600];
	va_list ap;

	b->errors++;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	emit(b, line);
}

static int now_usec(void *ctx, uint64_t *usec)
{
	struct timespec t;

	(void)ctx;
	if (clock_gettime(CLOCK_REALTIME, &t))
		return -1;
	*usec = (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
	return 0;
}

/* The guest's own "log" RPCI lines, printable characters only; a NIC report
 * the host refused (a guest error). */
static void on_event(void *ctx, const struct nhvbd_host_event *ev)
{
	struct backdoor *b = ctx;
	char clean[220] = "guest tools log: ";
	size_t i = strlen(clean);

	if (ev->type == NHVBD_EV_NIC_INFO && !ev->num2 && ev->text) {
		say(b, "GuestRPC: %s", ev->text);
		return;
	}
	if (ev->type != NHVBD_EV_LOG || !ev->text)
		return;
	for (const char *p = ev->text; *p && i + 1 < sizeof(clean); p++)
		clean[i++] = *p >= 0x20 && *p < 0x7f ? *p : '?';
	clean[i] = '\0';
	emit(b, clean);
}

struct backdoor *backdoor_new(const struct backdoor_setup *s)
{
	struct backdoor *b = calloc(1, sizeof(*b));
	struct nhvbd_host_config c = {
		.version = 6,
		.vmx_type = VMX_TYPE_SCALABLE_SERVER,
		.memsize_mb = s->memsize_mb,
		.tsc_hz = s->tsc_khz * 1000u,
		.apic_hz = s->apic_hz,
		/* TSCs in sync (the guest's is the host's); no legacy x2APIC (nhv has none). */
		.vcpu_info = 1u << BDOOR_CMD_VCPU_SYNC_VTSCS,
		.build_num = 0xFFFFFFFFu,
		.nesting_query = 0xFFFFFFFFu,
		.restrict_backdoor = s->restrict_cpl3,
		.offer_hb = 0,
		.seed = s->seed,
		.now_usec = now_usec,
		.on_event = on_event,
	};

	if (!b)
		return NULL;
	memcpy(c.uuid, s->uuid, sizeof(c.uuid));
	c.ctx = b;
	pthread_mutex_init(&b->lock, NULL);
	b->hypercall = s->hypercall;
	b->log = s->log;
	b->log_ctx = s->log_ctx;
	nhvbd_host_init(&b->host, &c);
	return b;
}

void backdoor_free(struct backdoor *b)
{
	if (!b)
		return;
	pthread_mutex_destroy(&b->lock);
	free(b);
}

static void put32(__u64 *g, uint32_t before, uint32_t after)
{
	if (before != after)
		*g = after;
}

static const char *kind_name(uint8_t kind)
{
	static const char *const n[] = { "IN", "OUT", "VMCALL", "VMMCALL" };

	return kind < 4 ? n[kind] : "?";
}

/* The 0x5658 command; lock held. */
static int low_bandwidth(struct backdoor *b, __u64 *gpr, const struct backdoor_call *c)
{
	struct nhvbd_regs r = {
		(uint32_t)gpr[NHV_RAX], (uint32_t)gpr[NHV_RBX], (uint32_t)gpr[NHV_RCX],
		(uint32_t)gpr[NHV_RDX], (uint32_t)gpr[NHV_RSI], (uint32_t)gpr[NHV_RDI],
		(uint32_t)gpr[NHV_RBP],
	};
	struct nhvbd_regs in = r;
	uint32_t cmd = BDOOR_CMD(in.ecx);

	if (nhvbd_host_io(&b->host, &r, c->cpl) == NHVBD_HOST_GP) {
		say(b, "backdoor: %s from CPL %u refused (monitor_control.restrict_backdoor): #GP",
		    kind_name(c->kind), c->cpl);
		return VEC_GP;
	}
	if (in.eax != BDOOR_MAGIC) {
		say(b, "backdoor: %s with EAX %#x, not the magic 0x564d5868: no answer",
		    kind_name(c->kind), in.eax);
	} else if (cmd == BDOOR_CMD_MESSAGE && !((r.ecx >> 16) & MESSAGE_STATUS_SUCCESS)) {
		say(b, "GuestRPC: type %u on channel %u refused (status %#x)", in.ecx >> 16,
		    in.edx >> 16, r.ecx >> 16);
	} else if (cmd != BDOOR_CMD_MESSAGE && r.eax == BDOOR_NO_DEVICE &&
		   cmd != BDOOR_CMD_GETHWVERSION && cmd != BDOOR_CMD_GETBUILDNUM &&
		   cmd != BDOOR_CMD_NESTING_CONTROL && cmd != BDOOR_CMD_STEALCLOCK) {
		say(b, "backdoor: command %u (ECX %#x) not answered", cmd, in.ecx);
	}
	/* IN EAX writes all 64 bits of RAX; VMCALL's results are 32-bit too. */
	gpr[NHV_RAX] = r.eax;
	put32(&gpr[NHV_RBX], in.ebx, r.ebx);
	put32(&gpr[NHV_RCX], in.ecx, r.ecx);
	put32(&gpr[NHV_RDX], in.edx, r.edx);
	put32(&gpr[NHV_RSI], in.esi, r.esi);
	put32(&gpr[NHV_RDI], in.edi, r.edi);
	put32(&gpr[NHV_RBP], in.ebp, r.ebp);
	return 0;
}

int backdoor_call(struct backdoor *b, __u64 gpr[NHV_NR_GPRS], const struct backdoor_call *c)
{
	int r = 0;

	pthread_mutex_lock(&b->lock);
	b->calls++;
	switch (c->kind) {
	case NHV_BACKDOOR_VMCALL:
	case NHV_BACKDOOR_VMMCALL:
		if (c->kind != b->hypercall) {
			say(b, "backdoor: %s is not the advertised hypercall: #UD", kind_name(c->kind));
			r = VEC_UD;
		} else if ((uint16_t)gpr[NHV_RDX] & BDOOR_FLAGS_HB) {
			/* Only asked after a SENDSIZE/RECVSIZE status offered HB, which never happens. */
			say(b, "backdoor: %s with DX flags %#x: the high-bandwidth port is not offered",
			    kind_name(c->kind), (unsigned int)(uint16_t)gpr[NHV_RDX]);
			gpr[NHV_RBX] = 0;
		} else {
			r = low_bandwidth(b, gpr, c);
		}
		break;
	case NHV_BACKDOOR_IN:
		if (c->port == BDOOR_PORT && c->size == 4) {
			r = low_bandwidth(b, gpr, c);
			break;
		}
		say(b, "backdoor: IN of %u bytes from port %#x: nothing there", c->size, c->port);
		/* As a port without a device: all ones in the bytes read. */
		if (c->size == 4)
			gpr[NHV_RAX] = 0xFFFFFFFFu;
		else if (c->size == 2)
			gpr[NHV_RAX] |= 0xFFFFu;
		else
			gpr[NHV_RAX] |= 0xFFu;
		break;
	default:
		say(b, "backdoor: %s of %u bytes to port %#x ignored", kind_name(c->kind), c->size,
		    c->port);
		break;
	}
	pthread_mutex_unlock(&b->lock);
	return r;
}

int backdoor_guestinfo_set(struct backdoor *b, const char *key, const char *value)
{
	char full[300];
	int r;

	if (snprintf(full, sizeof(full), "guestinfo.%s", key) >= (int)sizeof(full))
		return NHVBD_ETOOBIG;
	pthread_mutex_lock(&b->lock);
	r = nhvbd_host_guestinfo_set(&b->host, full, value);
	pthread_mutex_unlock(&b->lock);
	return r;
}

int backdoor_guestinfo_get(struct backdoor *b, const char *key, char *out, size_t len)
{
	char full[300];
	const char *v;
	int r = 0;

	if (snprintf(full, sizeof(full), "guestinfo.%s", key) >= (int)sizeof(full))
		return 0;
	pthread_mutex_lock(&b->lock);
	v = nhvbd_host_guestinfo_get(&b->host, full);
	if (v) {
		r = strlen(v) < len ? 1 : -1;
		if (r == 1)
			memcpy(out, v, strlen(v) + 1);
	}
	pthread_mutex_unlock(&b->lock);
	return r;
}

int backdoor_tclo(struct backdoor *b, const char *cmd)
{
	int r;

	pthread_mutex_lock(&b->lock);
	r = nhvbd_host_tclo_queue(&b->host, cmd);
	pthread_mutex_unlock(&b->lock);
	return r;
}

void backdoor_reset(struct backdoor *b)
{
	pthread_mutex_lock(&b->lock);
	for (unsigned int i = 0; i < NHVBD_HOST_CHANNELS; i++) {
		b->host.chan[i].in_use = 0;
		b->host.chan[i].sending = 0;
		b->host.chan[i].reply_ready = 0;
		b->host.chan[i].tclo_outstanding = 0;
		b->host.chan[i].cpt_pending = 0;
	}
	b->host.tclo_count = 0;
	b->host.tools.running = 0;
	/* What the tools reported was the old system's. */
	b->host.tools.ip[0] = '\0';
	memset(&b->host.tools.nics, 0, sizeof(b->host.tools.nics));
	pthread_mutex_unlock(&b->lock);
}

void backdoor_tools(struct backdoor *b, struct nhvbd_host_tools *out, uint64_t *calls,
		    uint64_t *errors)
{
	pthread_mutex_lock(&b->lock);
	*out = b->host.tools;
	*calls = b->calls;
	*errors = b->errors;
	pthread_mutex_unlock(&b->lock);
}

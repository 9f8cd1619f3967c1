/*
 * test-devices-virtq.c - the split-ring walker on good and hostile rings:
 * chains, loops, indices and addresses out of range, zero and huge
 * lengths, indirect tables (and tables inside tables), index wrap-around,
 * notification suppression and event index.
 */
#include "tests/lib/tap.h"
#include "tests/nhv-vm/vring.h"
#include "userland/nhv-vm/devices/virtq.h"

#define RAM (1u << 20)
#define NUM 16

static struct vm *vm;
static struct virtq q;
static struct virtq_seg segs[NUM];
static struct virtq_chain c = { .seg = segs };

static void fresh(int indirect, int event_idx)
{
	const char *why = NULL;

	memset(vm->ram, 0, RAM);
	q = (struct virtq){ .desc = VR_DESC, .avail = VR_AVAIL, .used = VR_USED,
			    .indirect = indirect, .event_idx = event_idx };
	if (virtq_setup(vm, &q, NUM, &why) < 0)
		tap_diag("setup failed: %s", why);
}

/* Pops once and expects an error mentioning want. */
static void expect_error(const char *want, const char *name)
{
	const char *why = "";
	int r = virtq_pop(vm, &q, &c, &why);

	tap_ok(r == -1 && strstr(why, want) != NULL, "%s: refused (%d, \"%s\")", name, r, why);
}

static void setup_checks(void)
{
	const char *why = "";
	struct virtq t = { .desc = VR_DESC, .avail = VR_AVAIL, .used = VR_USED };

	tap_is_int(virtq_setup(vm, &t, 12, &why), -1, "size 12 (not a power of 2) refused: %s", why);
	tap_is_int(virtq_setup(vm, &t, 0, &why), -1, "size 0 refused");
	t.desc = VR_DESC + 8;
	tap_is_int(virtq_setup(vm, &t, NUM, &why), -1, "descriptor table not 16-aligned refused: %s", why);
	t.desc = VR_DESC;
	t.used = RAM - 16;
	tap_is_int(virtq_setup(vm, &t, NUM, &why), -1, "used ring past the end of RAM refused: %s", why);
	t.used = VR_USED;
	t.avail = 0xfffffffffffffff0ull;
	tap_is_int(virtq_setup(vm, &t, NUM, &why), -1, "available ring at 2^64-16 refused (no wrap)");
	t.avail = VR_AVAIL;
	t.desc = 0xc0000;
	tap_is_int(virtq_setup(vm, &t, 32768, &why), -1, "a 512 KiB descriptor table at 768 KiB passes the end of 1 MiB");
	t.desc = VR_DESC;
	tap_is_int(virtq_setup(vm, &t, NUM, &why), 0, "a good ring is accepted");
}

static void normal_chain(void)
{
	const char *why = NULL;
	uint32_t id, len;

	fresh(0, 0);
	tap_is_int(virtq_pop(vm, &q, &c, &why), 0, "empty ring: nothing to pop");
	vr_desc(vm, VR_DESC, 3, VR_BUF, 16, VIRTQ_DESC_F_NEXT, 7);
	vr_desc(vm, VR_DESC, 7, VR_BUF + 0x100, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	vr_desc(vm, VR_DESC, 1, VR_BUF + 0x400, 1, VIRTQ_DESC_F_WRITE, 0);
	vr_avail(vm, NUM, 3);
	tap_is_int(virtq_pop(vm, &q, &c, &why), 1, "a 3-descriptor chain pops");
	tap_ok(c.head == 3 && c.nout == 1 && c.nin == 2 && c.out_len == 16 && c.in_len == 513,
	       "head 3, 1 out (16 bytes), 2 in (513 bytes)");
	tap_ok(c.seg[0].ptr == vm->ram + VR_BUF && c.seg[2].ptr == vm->ram + VR_BUF + 0x400,
	       "segments point into guest RAM");
	tap_is_int(virtq_pop(vm, &q, &c, &why), 0, "then the ring is empty");
	tap_is_int(virtq_push(vm, &q, 3, 513), 0, "push");
	vr_used(vm, NUM, 0, &id, &len);
	tap_ok(vr_used_idx(vm) == 1 && id == 3 && len == 513, "used ring: idx 1, id 3, len 513");
}

#define N VIRTQ_DESC_F_NEXT
#define W VIRTQ_DESC_F_WRITE
#define I VIRTQ_DESC_F_INDIRECT
#define TBL 0x8000ull	/* an indirect table */
#define TBL2 0x9000ull	/* a table inside it */

/* A ring the walker must refuse: up to four descriptors, the head, what the error says. */
static const struct bad_ring {
	const char *name, *want;
	int indirect;
	uint16_t head;
	struct { uint64_t table; uint16_t i; uint64_t addr; uint32_t len; uint16_t flags, next; } d[4];
} bad_rings[] = {
	{ "two descriptors pointing at each other", "loop", 0, 0,
	  { { VR_DESC, 0, VR_BUF, 8, N, 1 }, { VR_DESC, 1, VR_BUF, 8, N, 0 } } },
	{ "a descriptor pointing at itself", "loop", 0, 5, { { VR_DESC, 5, VR_BUF, 8, N, 5 } } },
	{ "next index = queue size", "next index", 0, 0, { { VR_DESC, 0, VR_BUF, 8, N, NUM } } },
	{ "head index 0xffff", "beyond the queue", 0, 0xffff, { { 0 } } },
	{ "buffer crossing the end of RAM", "outside guest RAM", 0, 0, { { VR_DESC, 0, RAM - 4, 8, 0, 0 } } },
	{ "buffer address wrapping past 2^64", "outside guest RAM", 0, 0,
	  { { VR_DESC, 0, 0xfffffffffffffff8ull, 16, 0, 0 } } },
	{ "4 GiB - 1 length", "outside guest RAM", 0, 0, { { VR_DESC, 0, VR_BUF, 0xffffffff, W, 0 } } },
	{ "readable after writable", "device-readable descriptor after", 0, 0,
	  { { VR_DESC, 0, VR_BUF, 8, N | W, 1 }, { VR_DESC, 1, VR_BUF, 8, 0, 0 } } },
	{ "indirect without the feature", "without VIRTIO_RING_F_INDIRECT_DESC", 0, 0,
	  { { VR_DESC, 0, TBL, 16, I, 0 } } },
	{ "indirect table inside an indirect table", "inside an indirect table", 1, 0,
	  { { TBL, 0, TBL2, 16, I, 0 }, { TBL2, 0, VR_BUF, 16, 0, 0 }, { VR_DESC, 0, TBL, 16, I, 0 } } },
	{ "indirect table of 24 bytes", "multiple of 16", 1, 0, { { VR_DESC, 0, TBL, 24, I, 0 } } },
	{ "empty indirect table", "multiple of 16", 1, 0, { { VR_DESC, 0, TBL, 0, I, 0 } } },
	{ "indirect table of size + 1 entries", "larger than the queue", 1, 0,
	  { { VR_DESC, 0, TBL, 16 * (NUM + 1), I, 0 } } },
	{ "indirect table crossing the end of RAM", "indirect table outside guest RAM", 1, 0,
	  { { VR_DESC, 0, RAM - 16, 32, I, 0 } } },
	{ "a loop inside an indirect table", "loop", 1, 0,
	  { { TBL, 0, VR_BUF, 4, N, 1 }, { TBL, 1, VR_BUF, 4, N, 0 }, { VR_DESC, 0, TBL, 32, I, 0 } } },
	{ "indirect next beyond its table", "beyond the table", 1, 0,
	  { { TBL, 0, VR_BUF, 4, N, 2 }, { VR_DESC, 0, TBL, 32, I, 0 } } },
	{ "indirect descriptor with NEXT", "NEXT", 1, 0, { { VR_DESC, 0, TBL, 16, I | N, 1 } } },
	{ "indirect descriptor after a direct one", "middle of a chain", 1, 0,
	  { { TBL, 0, VR_BUF, 4, 0, 0 }, { VR_DESC, 0, VR_BUF, 4, N, 1 }, { VR_DESC, 1, TBL, 16, I, 0 } } },
};

static void hostile_chains(void)
{
	for (size_t k = 0; k < sizeof(bad_rings) / sizeof(bad_rings[0]); k++) {
		const struct bad_ring *r = &bad_rings[k];

		fresh(r->indirect, 0);
		for (int j = 0; j < 4 && r->d[j].table != 0; j++)
			vr_desc(vm, r->d[j].table, r->d[j].i, r->d[j].addr, r->d[j].len, r->d[j].flags, r->d[j].next);
		vr_avail(vm, NUM, r->head);
		expect_error(r->want, r->name);
	}

	fresh(0, 0);
	vr_put(vm, VR_AVAIL + 2, NUM + 1, 2);
	expect_error("more than the queue size", "available index ahead by size + 1");

	fresh(0, 0);
	for (unsigned int i = 0; i < NUM; i++)
		vr_desc(vm, VR_DESC, i, VR_BUF, 1, N, (uint16_t)((i + 1) % NUM));
	vr_avail(vm, NUM, 0);
	expect_error("loop", "a ring-shaped chain through all 16 descriptors");
}

/* Rings at the edge of the rules that must be accepted. */
static void edge_chains(void)
{
	const char *why = NULL;

	fresh(0, 0);
	vr_desc(vm, VR_DESC, 0, VR_BUF, 0, 0, 0);
	vr_avail(vm, NUM, 0);
	tap_ok(virtq_pop(vm, &q, &c, &why) == 1 && c.nout == 1 && c.out_len == 0,
	       "a zero-length buffer inside RAM is taken as empty");

	fresh(0, 0);
	for (unsigned int i = 0; i < NUM; i++)
		vr_desc(vm, VR_DESC, i, VR_BUF, 1, i + 1 < NUM ? N : 0, (uint16_t)(i + 1));
	vr_avail(vm, NUM, 0);
	tap_ok(virtq_pop(vm, &q, &c, &why) == 1 && c.nout == NUM, "a chain of exactly the queue size is fine");

	fresh(1, 0);
	vr_desc(vm, TBL, 0, VR_BUF, 16, N, 2);
	vr_desc(vm, TBL, 2, VR_BUF + 0x100, 100, W, 0);
	vr_desc(vm, VR_DESC, 4, TBL, 3 * 16, I, 0);
	vr_avail(vm, NUM, 4);
	tap_is_int(virtq_pop(vm, &q, &c, &why), 1, "an indirect table pops");
	tap_ok(c.head == 4 && c.nout == 1 && c.nin == 1 && c.in_len == 100, "indirect: head 4, 1 out, 1 in");

	fresh(1, 0);
	vr_desc(vm, TBL + 3, 0, VR_BUF, 4, W, 0);
	vr_desc(vm, VR_DESC, 0, TBL + 3, 16, I, 0);
	vr_avail(vm, NUM, 0);
	tap_ok(virtq_pop(vm, &q, &c, &why) == 1 && c.nin == 1, "a misaligned indirect table is read correctly");
}

static void wrap_around(void)
{
	const char *why = NULL;
	uint32_t id, len;
	int ok = 1;

	fresh(0, 0);
	q.last_avail = q.used_idx = 65533;
	vr_put(vm, VR_AVAIL + 2, 65533, 2);
	vr_put(vm, VR_USED + 2, 65533, 2);
	for (unsigned int i = 0; i < 6; i++) {
		vr_desc(vm, VR_DESC, i, VR_BUF + i, 1, VIRTQ_DESC_F_WRITE, 0);
		vr_avail(vm, NUM, (uint16_t)i);
	}
	tap_is_int(vr_get(vm, VR_AVAIL + 2, 2), 3, "the driver's available index wrapped to 3");
	for (unsigned int i = 0; i < 6; i++) {
		if (virtq_pop(vm, &q, &c, &why) != 1 || c.head != i) {
			ok = 0;
			tap_diag("pop %u: head %u why %s", i, c.head, why ? why : "-");
		}
		virtq_push(vm, &q, c.head, i + 10);
	}
	tap_ok(ok, "six chains across the 65535 -> 0 wrap pop in order");
	tap_is_int(virtq_pop(vm, &q, &c, &why), 0, "then empty");
	vr_used(vm, NUM, 2, &id, &len);
	tap_ok(vr_used_idx(vm) == 3 && id == 5 && len == 15, "used index wrapped to 3, entry 2 is chain 5");
}

static void notifications(void)
{
	fresh(0, 0);
	virtq_push(vm, &q, 0, 0);
	tap_is_int(virtq_need_interrupt(vm, &q), 1, "no suppression: interrupt");
	vr_put(vm, VR_AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT, 2);
	tap_is_int(virtq_need_interrupt(vm, &q), 0, "VIRTQ_AVAIL_F_NO_INTERRUPT honoured");

	fresh(0, 1);
	vr_put(vm, VR_AVAIL + 4 + 2 * NUM, 2, 2);	/* used_event: interrupt when entry 2 is used */
	virtq_push(vm, &q, 0, 0);
	tap_is_int(virtq_need_interrupt(vm, &q), 1, "event index: the first interrupt is always sent");
	virtq_push(vm, &q, 0, 0);
	tap_is_int(virtq_need_interrupt(vm, &q), 0, "event index: used 2 has not passed used_event 2");
	virtq_push(vm, &q, 0, 0);
	tap_is_int(virtq_need_interrupt(vm, &q), 1, "event index: used 3 passed used_event 2");
	virtq_push(vm, &q, 0, 0);
	tap_is_int(virtq_need_interrupt(vm, &q), 0, "event index: no new interrupt until used_event moves");
	vr_avail(vm, NUM, 0);
	vr_desc(vm, VR_DESC, 0, VR_BUF, 1, 0, 0);
	tap_is_int(virtq_more_after_notify_on(vm, &q), 1, "an entry arrived: more work reported");
	tap_is_int(vr_get(vm, VR_USED + 4 + 8 * NUM, 2), 0, "avail_event published as the next entry (0)");
	{
		const char *why;

		virtq_pop(vm, &q, &c, &why);
	}
	tap_is_int(virtq_more_after_notify_on(vm, &q), 0, "drained: no more work");
	tap_is_int(vr_get(vm, VR_USED + 4 + 8 * NUM, 2), 1, "avail_event moved to 1");
}

static void unset_queue(void)
{
	struct virtq z = { 0 };
	const char *why = "";

	tap_is_int(virtq_pop(vm, &z, &c, &why), -1, "pop on a queue never set up is an error: %s", why);
	tap_is_int(virtq_push(vm, &z, 0, 0), -1, "push on a queue never set up is an error");
	tap_is_int(virtq_need_interrupt(vm, &z), 0, "no interrupt for a queue never set up");
}

int main(void)
{
	vm = fake_vm_new(RAM);
	setup_checks();
	normal_chain();
	hostile_chains();
	edge_chains();
	wrap_around();
	notifications();
	unset_queue();
	fake_vm_free(vm);
	return tap_done();
}

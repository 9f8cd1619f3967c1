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

static void hostile_chains(void)
{
	fresh(0, 0);
	vr_desc(vm, VR_DESC, 0, VR_BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	vr_desc(vm, VR_DESC, 1, VR_BUF, 8, VIRTQ_DESC_F_NEXT, 0);
	vr_avail(vm, NUM, 0);
	expect_error("loop", "two descriptors pointing at each other");

	fresh(0, 0);
	vr_desc(vm, VR_DESC, 5, VR_BUF, 8, VIRTQ_DESC_F_NEXT, 5);
	vr_avail(vm, NUM, 5);
	expect_error("loop", "a descriptor pointing at itself");

	fresh(0, 0);
	vr_desc(vm, VR_DESC, 0, VR_BUF, 8, VIRTQ_DESC_F_NEXT, NUM);
	vr_avail(vm, NUM, 0);
	expect_error("next index", "next index = queue size");

	fresh(0, 0);
	vr_avail(vm, NUM, 0xffff);
	expect_error("beyond the queue", "head index 0xffff");

	fresh(0, 0);
	vr_desc(vm, VR_DESC, 0, RAM - 4, 8, 0, 0);
	vr_avail(vm, NUM, 0);
	expect_error("outside guest RAM", "buffer crossing the end of RAM");

	fresh(0, 0);
	vr_desc(vm, VR_DESC, 0, 0xfffffffffffffff8ull, 16, 0, 0);
	vr_avail(vm, NUM, 0);
	expect_error("outside guest RAM", "buffer address wrapping past 2^64");

	fresh(0, 0);
	vr_desc(vm, VR_DESC, 0, VR_BUF, 0xffffffff, VIRTQ_DESC_F_WRITE, 0);
	vr_avail(vm, NUM, 0);
	expect_error("outside guest RAM", "4 GiB - 1 length");

	{
		const char *why = NULL;

		fresh(0, 0);
		vr_desc(vm, VR_DESC, 0, VR_BUF, 0, 0, 0);
		vr_avail(vm, NUM, 0);
		tap_ok(virtq_pop(vm, &q, &c, &why) == 1 && c.nout == 1 && c.out_len == 0,
		       "a zero-length buffer inside RAM is taken as empty");
	}

	fresh(0, 0);
	vr_desc(vm, VR_DESC, 0, VR_BUF, 8, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	vr_desc(vm, VR_DESC, 1, VR_BUF, 8, 0, 0);
	vr_avail(vm, NUM, 0);
	expect_error("device-readable descriptor after", "readable after writable");

	fresh(0, 0);
	vr_put(vm, VR_AVAIL + 2, NUM + 1, 2);
	expect_error("more than the queue size", "available index ahead by size + 1");

	fresh(0, 0);
	for (unsigned int i = 0; i < NUM; i++)
		vr_desc(vm, VR_DESC, i, VR_BUF, 1, VIRTQ_DESC_F_NEXT, (uint16_t)((i + 1) % NUM));
	vr_avail(vm, NUM, 0);
	expect_error("loop", "a ring-shaped chain through all 16 descriptors");

	{
		const char *why = NULL;

		fresh(0, 0);
		for (unsigned int i = 0; i < NUM; i++)
			vr_desc(vm, VR_DESC, i, VR_BUF, 1, i + 1 < NUM ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
		vr_avail(vm, NUM, 0);
		tap_ok(virtq_pop(vm, &q, &c, &why) == 1 && c.nout == NUM, "a chain of exactly the queue size is fine");
	}
}

static void indirect(void)
{
	const uint64_t table = 0x8000;
	const char *why = NULL;

	fresh(1, 0);
	vr_desc(vm, table, 0, VR_BUF, 16, VIRTQ_DESC_F_NEXT, 2);
	vr_desc(vm, table, 2, VR_BUF + 0x100, 100, VIRTQ_DESC_F_WRITE, 0);
	vr_desc(vm, VR_DESC, 4, table, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	vr_avail(vm, NUM, 4);
	tap_is_int(virtq_pop(vm, &q, &c, &why), 1, "an indirect table pops");
	tap_ok(c.head == 4 && c.nout == 1 && c.nin == 1 && c.in_len == 100, "indirect: head 4, 1 out, 1 in");

	fresh(0, 0);
	vr_desc(vm, VR_DESC, 0, table, 16, VIRTQ_DESC_F_INDIRECT, 0);
	vr_avail(vm, NUM, 0);
	expect_error("without VIRTIO_RING_F_INDIRECT_DESC", "indirect without the feature");

	fresh(1, 0);
	vr_desc(vm, table, 0, 0x9000, 16, VIRTQ_DESC_F_INDIRECT, 0);
	vr_desc(vm, 0x9000, 0, VR_BUF, 16, 0, 0);
	vr_desc(vm, VR_DESC, 0, table, 16, VIRTQ_DESC_F_INDIRECT, 0);
	vr_avail(vm, NUM, 0);
	expect_error("inside an indirect table", "indirect table inside an indirect table");

	fresh(1, 0);
	vr_desc(vm, VR_DESC, 0, table, 24, VIRTQ_DESC_F_INDIRECT, 0);
	vr_avail(vm, NUM, 0);
	expect_error("multiple of 16", "indirect table of 24 bytes");

	fresh(1, 0);
	vr_desc(vm, VR_DESC, 0, table, 0, VIRTQ_DESC_F_INDIRECT, 0);
	vr_avail(vm, NUM, 0);
	expect_error("multiple of 16", "empty indirect table");

	fresh(1, 0);
	vr_desc(vm, VR_DESC, 0, table, 16 * (NUM + 1), VIRTQ_DESC_F_INDIRECT, 0);
	vr_avail(vm, NUM, 0);
	expect_error("larger than the queue", "indirect table of size + 1 entries");

	fresh(1, 0);
	vr_desc(vm, VR_DESC, 0, RAM - 16, 32, VIRTQ_DESC_F_INDIRECT, 0);
	vr_avail(vm, NUM, 0);
	expect_error("indirect table outside guest RAM", "indirect table crossing the end of RAM");

	fresh(1, 0);
	vr_desc(vm, table, 0, VR_BUF, 4, VIRTQ_DESC_F_NEXT, 1);
	vr_desc(vm, table, 1, VR_BUF, 4, VIRTQ_DESC_F_NEXT, 0);
	vr_desc(vm, VR_DESC, 0, table, 32, VIRTQ_DESC_F_INDIRECT, 0);
	vr_avail(vm, NUM, 0);
	expect_error("loop", "a loop inside an indirect table");

	fresh(1, 0);
	vr_desc(vm, table, 0, VR_BUF, 4, VIRTQ_DESC_F_NEXT, 2);
	vr_desc(vm, VR_DESC, 0, table, 32, VIRTQ_DESC_F_INDIRECT, 0);
	vr_avail(vm, NUM, 0);
	expect_error("beyond the table", "indirect next beyond its table");

	fresh(1, 0);
	vr_desc(vm, VR_DESC, 0, table, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	vr_avail(vm, NUM, 0);
	expect_error("NEXT", "indirect descriptor with NEXT");

	fresh(1, 0);
	vr_desc(vm, table, 0, VR_BUF, 4, 0, 0);
	vr_desc(vm, VR_DESC, 0, VR_BUF, 4, VIRTQ_DESC_F_NEXT, 1);
	vr_desc(vm, VR_DESC, 1, table, 16, VIRTQ_DESC_F_INDIRECT, 0);
	vr_avail(vm, NUM, 0);
	expect_error("middle of a chain", "indirect descriptor after a direct one");

	fresh(1, 0);
	vr_desc(vm, 0x8003, 0, VR_BUF, 4, VIRTQ_DESC_F_WRITE, 0);
	vr_desc(vm, VR_DESC, 0, 0x8003, 16, VIRTQ_DESC_F_INDIRECT, 0);
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
	indirect();
	wrap_around();
	notifications();
	unset_queue();
	fake_vm_free(vm);
	return tap_done();
}

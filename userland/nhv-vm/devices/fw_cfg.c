/*
 * fw_cfg.c - QEMU's firmware configuration device, legacy I/O interface
 * only (QEMU docs/specs/fw_cfg.rst): a 16-bit selector at base and an
 * 8-bit data port at base+1 that reads the selected item one byte after
 * another, then zeros.  Items: the signature "QEMU", the interface ID (bit
 * 0: traditional interface; no DMA), NB_CPUS, RAM_SIZE, and whatever the
 * VM adds with fw_cfg_add.  Data port writes are ignored (QEMU dropped
 * them in 2.4); an unknown selector reads zeros.
 */
#include "userland/nhv-vm/devices/devices.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FW_CFG_SIGNATURE	0x0000
#define FW_CFG_ID		0x0001
#define FW_CFG_RAM_SIZE		0x0003
#define FW_CFG_NB_CPUS		0x0005
#define FW_CFG_MAX_CPUS		0x000f
#define FW_CFG_WRITE		0x4000	/* selects the same item for writing */

#define FW_CFG_MAX_ITEMS	64
#define FW_CFG_MAX_ITEM_SIZE	(64u << 20)

struct fw_cfg_item {
	uint16_t key;
	uint32_t len;
	uint8_t *data;
};

struct fw_cfg {
	struct vm *vm;
	pthread_mutex_t lock;
	uint16_t base;
	uint16_t selector;
	uint32_t offset;
	struct fw_cfg_item items[FW_CFG_MAX_ITEMS];
	unsigned int nitems;
};

static struct fw_cfg_item *lookup(struct fw_cfg *f, uint16_t key)
{
	for (unsigned int i = 0; i < f->nitems; i++)
		if (f->items[i].key == key)
			return &f->items[i];
	return NULL;
}

int fw_cfg_add(struct fw_cfg *f, uint16_t key, const void *data, size_t len)
{
	struct fw_cfg_item *it;
	uint8_t *copy;
	int ret = 0;

	if (len > FW_CFG_MAX_ITEM_SIZE) {
		fprintf(stderr, "nhv-vm: fw_cfg: item %#x is %zu bytes (at most %u)\n", key, len, FW_CFG_MAX_ITEM_SIZE);
		return -1;
	}
	copy = malloc(len ? len : 1);
	if (copy == NULL)
		return -1;
	memcpy(copy, data, len);
	pthread_mutex_lock(&f->lock);
	it = lookup(f, key);
	if (it == NULL && f->nitems < FW_CFG_MAX_ITEMS) {
		it = &f->items[f->nitems++];
		it->key = key;
		it->data = NULL;
	}
	if (it == NULL) {
		fprintf(stderr, "nhv-vm: fw_cfg: no room for item %#x (at most %u items)\n", key, FW_CFG_MAX_ITEMS);
		free(copy);
		ret = -1;
	} else {
		free(it->data);
		it->data = copy;
		it->len = (uint32_t)len;
	}
	pthread_mutex_unlock(&f->lock);
	return ret;
}

static uint8_t read_data(struct fw_cfg *f)
{
	struct fw_cfg_item *it = lookup(f, f->selector & ~FW_CFG_WRITE);

	if (it == NULL || f->offset >= it->len)
		return 0;
	return it->data[f->offset++];
}

static void fw_cfg_io(void *dev, uint16_t port, int is_write, uint32_t *data, unsigned int size)
{
	struct fw_cfg *f = dev;
	uint32_t val = 0;

	pthread_mutex_lock(&f->lock);
	if (port == f->base) {
		if (is_write) {
			f->selector = (uint16_t)(size == 1 ? *data & 0xff : *data);
			f->offset = 0;
		}
		/* the selector is write-only: a read gives 0 */
	} else if (!is_write) {
		for (unsigned int i = 0; i < size && i < 4; i++)
			val |= (uint32_t)read_data(f) << (8 * i);
	}
	pthread_mutex_unlock(&f->lock);
	if (!is_write)
		*data = val;
}

static void fw_cfg_reset(void *dev)
{
	struct fw_cfg *f = dev;

	pthread_mutex_lock(&f->lock);
	f->selector = 0;
	f->offset = 0;
	pthread_mutex_unlock(&f->lock);
}

int fw_cfg_create(struct vm *vm, uint16_t base, struct fw_cfg **out)
{
	struct fw_cfg *f = calloc(1, sizeof(*f));
	uint64_t ram = vm_ram_size(vm);
	uint16_t cpus = (uint16_t)vm_vcpu_count(vm);
	uint8_t le64[8], le32[4] = { 1, 0, 0, 0 }, le16[2] = { (uint8_t)cpus, (uint8_t)(cpus >> 8) };

	if (f == NULL)
		return -1;
	for (int i = 0; i < 8; i++)
		le64[i] = (uint8_t)(ram >> (8 * i));
	f->vm = vm;
	f->base = base;
	pthread_mutex_init(&f->lock, NULL);
	if (fw_cfg_add(f, FW_CFG_SIGNATURE, "QEMU", 4) < 0 || fw_cfg_add(f, FW_CFG_ID, le32, 4) < 0 ||
	    fw_cfg_add(f, FW_CFG_RAM_SIZE, le64, 8) < 0 || fw_cfg_add(f, FW_CFG_NB_CPUS, le16, 2) < 0 ||
	    fw_cfg_add(f, FW_CFG_MAX_CPUS, le16, 2) < 0 ||
	    bus_register_io(vm, base, 2, fw_cfg_io, f, "fw_cfg") < 0)
		return -1;	/* the VM is not started after a failure */
	vm_on_reset(vm, fw_cfg_reset, f);
	*out = f;
	return 0;
}

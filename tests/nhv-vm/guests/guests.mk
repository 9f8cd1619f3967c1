# The nhv-vm test guests (tests/nhv-vm/core-qemu.t; idle.elf for
# tests/bench/l2-bench.sh too): multiboot kernels,
# freestanding 32-bit C, linked at 1 MiB.
GUEST_DIR := tests/nhv-vm/guests
GUEST_CFLAGS := -m32 -ffreestanding -fno-pic -fno-stack-protector -nostdlib -O2 -std=gnu11 $(WARN) -I$(GUEST_DIR)
GUESTS := $(B)/tests/guests/mbtest.elf $(B)/tests/guests/hostile.elf $(B)/tests/guests/bdoor.elf \
	$(B)/tests/guests/idle.elf $(B)/tests/guests/cpl3.elf $(B)/tests/guests/perfctr.elf

$(B)/tests/guests/%.elf: $(GUEST_DIR)/%.c $(GUEST_DIR)/entry.S $(GUEST_DIR)/guest.h $(GUEST_DIR)/ring3.h $(GUEST_DIR)/guest.ld | $(DEPS_STAMP)
	@mkdir -p $(@D)
	gcc $(GUEST_CFLAGS) -c -o $@.entry.o $(GUEST_DIR)/entry.S
	gcc $(GUEST_CFLAGS) -c -o $@.o $<
	ld -m elf_i386 --no-warn-rwx-segments -T $(GUEST_DIR)/guest.ld -o $@ $@.entry.o $@.o
	rm -f $@.entry.o $@.o

tests: $(GUESTS)
CHECK_DEPS += $(GUESTS)

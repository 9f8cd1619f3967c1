# nhv-vm device models (userland/nhv-vm/devices): unit tests against a
# recording fake VM (tests/nhv-vm/fakevm.c) and libFuzzer targets.  The
# program itself is built by userland/nhv-vm/nhv-vm.mk.
DEV := userland/nhv-vm/devices
FAKEVM := tests/nhv-vm/fakevm.c

$(eval $(call unit_test,test-devices-uart,tests/nhv-vm/test-devices-uart.c $(DEV)/uart8250.c $(FAKEVM),-lpthread))
$(B)/tests/test-devices-uart: tests/nhv-vm/fakevm.h
$(eval $(call unit_test,test-devices-ioapic,tests/nhv-vm/test-devices-ioapic.c $(DEV)/ioapic.c $(FAKEVM),-lpthread))
$(B)/tests/test-devices-ioapic: tests/nhv-vm/fakevm.h
$(eval $(call unit_test,test-devices-platform,tests/nhv-vm/test-devices-platform.c $(DEV)/acpi_pm.c $(DEV)/i8042.c $(DEV)/debug_exit.c $(DEV)/fw_cfg.c $(FAKEVM),-lpthread))
$(B)/tests/test-devices-platform: tests/nhv-vm/fakevm.h
$(eval $(call unit_test,test-devices-rtc,tests/nhv-vm/test-devices-rtc.c $(DEV)/rtc_cmos.c $(FAKEVM),-lpthread))
$(B)/tests/test-devices-rtc: tests/nhv-vm/fakevm.h
$(eval $(call unit_test,test-devices-virtq,tests/nhv-vm/test-devices-virtq.c $(DEV)/virtq.c $(FAKEVM)))
$(B)/tests/test-devices-virtq: tests/nhv-vm/fakevm.h tests/nhv-vm/vring.h
VIRTIO_SRC := $(DEV)/virtq.c $(DEV)/virtio_mmio.c $(DEV)/virtio_blk.c $(DEV)/virtio_rng.c
$(eval $(call unit_test,test-devices-virtio,tests/nhv-vm/test-devices-virtio.c $(VIRTIO_SRC) $(FAKEVM),-lpthread))
$(B)/tests/test-devices-virtio: tests/nhv-vm/fakevm.h tests/nhv-vm/vring.h
$(eval $(call fuzzer,fuzz-virtq,tests/nhv-vm/fuzz-virtq.c $(DEV)/virtq.c $(FAKEVM)))
$(B)/fuzz/fuzz-virtq: tests/nhv-vm/fakevm.h
DEVICE_SRC := $(sort $(wildcard $(DEV)/*.c))
$(eval $(call fuzzer,fuzz-devices,tests/nhv-vm/fuzz-devices.c $(DEVICE_SRC) $(FAKEVM),-lpthread))
$(B)/fuzz/fuzz-devices: tests/nhv-vm/fakevm.h
$(eval $(call unit_test,test-devices-net,tests/nhv-vm/test-devices-net.c $(DEV)/virtq.c $(DEV)/virtio_mmio.c $(DEV)/virtio_net.c $(FAKEVM),-lpthread))
$(B)/tests/test-devices-net: tests/nhv-vm/fakevm.h
$(eval $(call fuzzer,fuzz-virtio-net,tests/nhv-vm/fuzz-virtio-net.c $(DEV)/virtq.c $(DEV)/virtio_mmio.c $(DEV)/virtio_net.c $(FAKEVM),-lpthread))
$(B)/fuzz/fuzz-virtio-net: tests/nhv-vm/fakevm.h

# nhv-vm: the L2 virtual machine monitor (issue 12): `nhv vm VERB`.
NHV_VM_SRC := $(sort $(wildcard userland/nhv-vm/*.c userland/nhv-vm/devices/*.c))
$(eval $(call program,nhv-vm,$(NHV_VM_SRC),-lpthread))
$(eval $(call unit_test,test-vm-config,tests/nhv-vm/test-config.c userland/nhv-vm/config.c))
$(eval $(call fuzzer,fuzz-vm-config,tests/nhv-vm/fuzz-config.c userland/nhv-vm/config.c userland/lib/vmx.c userland/lib/hexfmt.c))

# nhv-vm: the L2 virtual machine monitor (issue 12): `nhv vm VERB`.
NHV_VM_SRC := $(sort $(wildcard userland/nhv-vm/*.c userland/nhv-vm/devices/*.c))
$(eval $(call program,nhv-vm,$(NHV_VM_SRC) $(NHVBD_HOST) handshake/commands.c $(NHVBD_X86),-lpthread))
$(eval $(call unit_test,test-vm-config,tests/nhv-vm/test-config.c userland/nhv-vm/config.c userland/nhv-vm/config-net.c userland/nhv-vm/cpuid-mask.c))
$(eval $(call fuzzer,fuzz-vm-config,tests/nhv-vm/fuzz-config.c userland/nhv-vm/config.c userland/nhv-vm/config-net.c userland/nhv-vm/cpuid-mask.c userland/lib/vmx.c userland/lib/hexfmt.c))
# The L2 backdoor and GuestRPC (issue 13): commands, hostile registers, a fuzzer.
$(eval $(call unit_test,test-vm-backdoor,tests/nhv-vm/test-backdoor.c userland/nhv-vm/backdoor.c $(NHVBD_HOST),-lpthread))
$(eval $(call fuzzer,fuzz-vm-backdoor,tests/nhv-vm/fuzz-backdoor.c userland/nhv-vm/backdoor.c $(NHVBD_HOST)))
NHV_VM_LOADER := userland/nhv-vm/loader.c userland/nhv-vm/loader-bzimage.c userland/nhv-vm/loader-multiboot.c userland/nhv-vm/acpi.c userland/nhv-vm/mptable.c tests/nhv-vm/loadervm.c
$(eval $(call unit_test,test-vm-loader,tests/nhv-vm/test-loader.c $(NHV_VM_LOADER)))
$(B)/tests/test-vm-loader: tests/nhv-vm/loadervm.h
$(eval $(call fuzzer,fuzz-vm-loader,tests/nhv-vm/fuzz-loader.c $(NHV_VM_LOADER)))
$(B)/fuzz/fuzz-vm-loader: tests/nhv-vm/loadervm.h
# The verbs' store, state and argument checks; the L2 exec report reader (CLI part).
$(eval $(call unit_test,test-vm-store,tests/nhv-vm/test-store.c userland/nhv-vm/store.c userland/nhv-vm/args.c))
$(eval $(call unit_test,test-vm-execproto,tests/nhv-vm/test-execproto.c userland/nhv-vm/execproto.c))
$(eval $(call fuzzer,fuzz-execproto,tests/nhv-vm/fuzz-execproto.c userland/nhv-vm/execproto.c))
$(eval $(call unit_test,test-vm-smbios,tests/nhv-vm/test-smbios.c userland/nhv-vm/smbios.c))
# The guest tools' NIC report: backdoor -> status line -> nhv vm list's reader.
$(eval $(call unit_test,test-vm-toolsnics,tests/nhv-vm/test-toolsnics.c userland/nhv-vm/toolsnics.c userland/nhv-vm/control-backdoor.c userland/nhv-vm/backdoor.c $(NHVBD_HOST),-lpthread))

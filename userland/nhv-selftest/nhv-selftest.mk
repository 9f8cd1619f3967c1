# nhv-selftest: `nhv selftest` in the appliance (tests for nhv.ko, and --bench).
$(eval $(call program,nhv-selftest,$(sort $(wildcard userland/nhv-selftest/*.c)),-lpthread))

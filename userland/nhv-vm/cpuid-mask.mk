# cpuid-mask: VMware and Xen CPUID mask syntaxes (issue 13), a pure parser
# with its own unit test and libFuzzer target.
$(eval $(call unit_test,test-cpuid-mask,tests/nhv-vm/test-cpuid-mask.c userland/nhv-vm/cpuid-mask.c))
$(eval $(call fuzzer,fuzz-cpuid-mask,tests/nhv-vm/fuzz-cpuid-mask.c userland/nhv-vm/cpuid-mask.c))

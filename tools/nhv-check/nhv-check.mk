# nhv-check: diagnostics of the outer host (tools/nhv-check, docs/nhv-check.md).
NHV_CHECK_CORE := tools/nhv-check/facts.c tools/nhv-check/derive.c tools/nhv-check/hypervisor.c \
	tools/nhv-check/hv-tables.c tools/nhv-check/virtwhat.c \
	tools/nhv-check/verdict.c tools/nhv-check/remedy.c tools/nhv-check/report.c \
	tools/nhv-check/replay.c tools/nhv-check/paste.c tools/nhv-check/paste-dmi.c \
	tools/nhv-check/paste-tools.c tools/nhv-check/capture.c \
	tools/nhv-check/output-text.c tools/nhv-check/output-json.c
NHV_CHECK_PROBES := tools/nhv-check/probe.c tools/nhv-check/probe-cpuid.c \
	tools/nhv-check/probe-cpuinfo.c tools/nhv-check/probe-msr.c tools/nhv-check/probe-dmi.c \
	tools/nhv-check/probe-pci.c tools/nhv-check/probe-efi.c tools/nhv-check/probe-backdoor.c \
	tools/nhv-check/probe-hv.c
# The backdoor is asked through handshake/ (guest side and real I/O).
NHV_CHECK_PROBES += $(NHVBD_CLIENT) $(NHVBD_X86)

$(eval $(call program,nhv-check,tools/nhv-check/main.c $(NHV_CHECK_CORE) $(NHV_CHECK_PROBES),-I$(LIBPCI)/include $(LIBPCI)/lib/libpci.a))
$(BIN)/nhv-check: $(LIBPCI)/lib/libpci.a

$(eval $(call unit_test,test-nhv-check-verdict,tests/nhv-check/test-verdict.c $(NHV_CHECK_CORE)))
$(eval $(call unit_test,test-nhv-check-replay,tests/nhv-check/test-replay.c $(NHV_CHECK_CORE)))
$(eval $(call fuzzer,fuzz-nhv-check-replay,tests/nhv-check/fuzz-replay.c $(NHV_CHECK_CORE)))

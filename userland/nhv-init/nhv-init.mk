NHV_INIT_SRCS := $(wildcard userland/nhv-init/*.c)
$(eval $(call program,nhv-init,$(NHV_INIT_SRCS)))
$(eval $(call unit_test,test-nhv-init,tests/nhv-init/test-nhv-init.c $(filter-out userland/nhv-init/main.c,$(NHV_INIT_SRCS))))

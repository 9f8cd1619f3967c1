NHV_INIT_SRCS := $(wildcard userland/nhv-init/*.c)
$(eval $(call program,nhv-init,$(NHV_INIT_SRCS)))

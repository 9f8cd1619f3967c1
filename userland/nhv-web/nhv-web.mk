# userland/nhv-web - the web UI and JSON API over HTTPS (issue 15; docs/web.md).
# civetweb (HTTP, WebSocket) and mbedtls (TLS) are built with musl from
# Debian's source packages by images/build-weblibs.sh; xterm.js comes from
# the npm registry at build time (userland/nhv-web/package-lock.json).
NHV_WEBLIBS := $(B)/weblibs
NHV_WEBLIBS_A := $(NHV_WEBLIBS)/lib/libcivetweb.a $(NHV_WEBLIBS)/lib/libmbedtls.a \
	$(NHV_WEBLIBS)/lib/libmbedx509.a $(NHV_WEBLIBS)/lib/libmbedcrypto.a
NHV_WEB_PURE := userland/nhv-web/jsonin.c userland/nhv-web/route.c
NHV_WEB_SRC := userland/nhv-web/main.c userland/nhv-web/api.c userland/nhv-web/http.c \
	userland/nhv-web/auth.c userland/nhv-web/cert.c userland/nhv-web/run.c \
	userland/nhv-web/console.c userland/nhv-web/sha512crypt.c $(NHV_WEB_PURE)

$(NHV_WEBLIBS)/.ok: images/build-weblibs.sh images/fetch-debsrc.sh | $(DEPS_STAMP) $(MUSL_INC)/.ok
	images/build-weblibs.sh $(B) $(MUSL_INC)
	@touch $@

$(eval $(call program,nhv-web,$(NHV_WEB_SRC),-isystem $(NHV_WEBLIBS)/include $(NHV_WEBLIBS_A) -lpthread))
$(BIN)/nhv-web: $(NHV_WEBLIBS)/.ok
$(eval $(call unit_test,test-web-parse,tests/nhv-web/test-web-parse.c $(NHV_WEB_PURE) userland/nhv-web/sha512crypt.c,-isystem $(NHV_WEBLIBS)/include $(NHV_WEBLIBS_A)))
$(B)/tests/test-web-parse: $(NHV_WEBLIBS)/.ok
$(eval $(call unit_test,test-web-auth,tests/nhv-web/test-web-auth.c userland/nhv-web/auth.c userland/nhv-web/sha512crypt.c,-isystem $(NHV_WEBLIBS)/include $(NHV_WEBLIBS_A) -lpthread))
$(B)/tests/test-web-auth: $(NHV_WEBLIBS)/.ok

# The fuzzer is built by clang against glibc: mbedtls's base64 from its
# source, as one object, with a configuration that holds only base64.
NHV_WEB_MBED := $(B)/src/weblibs/mbedtls/library
$(B)/fuzz/mbedtls-base64.o: $(NHV_WEBLIBS)/.ok
	@mkdir -p $(@D)
	printf '#define MBEDTLS_BASE64_C\n' > $(@D)/mbedtls-base64-config.h
	cat $(NHV_WEB_MBED)/base64.c $(NHV_WEB_MBED)/constant_time.c $(NHV_WEB_MBED)/platform_util.c \
		> $(@D)/mbedtls-base64.c
	$(FUZZCC) -O1 -g -fsanitize=fuzzer-no-link,address,undefined -isystem $(NHV_WEBLIBS)/include \
		-I$(NHV_WEB_MBED) -I$(@D) -DMBEDTLS_CONFIG_FILE='"mbedtls-base64-config.h"' \
		-c -o $@ $(@D)/mbedtls-base64.c
$(eval $(call fuzzer,fuzz-web-request,tests/nhv-web/fuzz-web-request.c $(NHV_WEB_PURE),\
	-isystem $(NHV_WEBLIBS)/include $(B)/fuzz/mbedtls-base64.o))
$(B)/fuzz/fuzz-web-request: $(B)/fuzz/mbedtls-base64.o

# The web root: the pages, xterm.js and the OpenAPI description.
NHV_WEB_ROOT := $(B)/www
NHV_WEB_NPM := $(B)/web-npm
$(NHV_WEB_NPM)/.ok: userland/nhv-web/package.json userland/nhv-web/package-lock.json | $(DEPS_STAMP)
	@mkdir -p $(NHV_WEB_NPM)
	cp userland/nhv-web/package.json userland/nhv-web/package-lock.json $(NHV_WEB_NPM)/
	cd $(NHV_WEB_NPM) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@
$(B)/www.ok: $(wildcard userland/nhv-web/www/*) docs/openapi.json $(NHV_WEB_NPM)/.ok
	rm -rf $(NHV_WEB_ROOT) && mkdir -p $(NHV_WEB_ROOT)
	cp userland/nhv-web/www/* docs/openapi.json $(NHV_WEB_ROOT)/
	cp $(NHV_WEB_NPM)/node_modules/@xterm/xterm/lib/xterm.js \
		$(NHV_WEB_NPM)/node_modules/@xterm/xterm/css/xterm.css $(NHV_WEB_ROOT)/
	@touch $@
IMAGE_WEB_DIR := $(NHV_WEB_ROOT)
IMAGE_WEB_STAMP := $(B)/www.ok
programs: $(B)/www.ok

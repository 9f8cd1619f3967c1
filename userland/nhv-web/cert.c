/* cert.c - the appliance's self-signed TLS certificate (see cert.h). */
#include "userland/nhv-web/cert.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ecp.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/pk.h"
#include "mbedtls/sha256.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/x509_csr.h"
#include "userland/lib/atomic.h"

#define PEM_MAX 16384

static void fingerprint(const unsigned char *der, size_t len, char fp[CERT_FP_LEN])
{
	unsigned char h[32];

	mbedtls_sha256_ret(der, len, h, 0);
	for (int i = 0; i < 32; i++)
		snprintf(fp + 3 * i, 4, "%02X%s", h[i], i < 31 ? ":" : "");
}

static int mbed_fail(int rc, const char *what, char *why, size_t wlen)
{
	char msg[128];

	mbedtls_strerror(rc, msg, sizeof(msg));
	snprintf(why, wlen, "%s: %s (mbedtls -0x%04x)", what, msg, (unsigned)-rc);
	return -1;
}

/* The certificate in pem: 0 with its fingerprint, or -1. */
static int load(const char *pem, char fp[CERT_FP_LEN], char *why, size_t wlen)
{
	mbedtls_x509_crt crt;
	mbedtls_pk_context key;
	int rc;

	mbedtls_x509_crt_init(&crt);
	mbedtls_pk_init(&key);
	rc = mbedtls_x509_crt_parse_file(&crt, pem);
	if (rc == 0)
		rc = mbedtls_pk_parse_keyfile(&key, pem, NULL);
	if (rc == 0)
		fingerprint(crt.raw.p, crt.raw.len, fp);
	else
		mbed_fail(rc, pem, why, wlen);
	mbedtls_x509_crt_free(&crt);
	mbedtls_pk_free(&key);
	return rc == 0 ? 0 : -1;
}

/* A new key and self-signed certificate as PEM text in out. */
static int make(const char *owner, const char *hostname, char *out, size_t cap, char *why,
		size_t wlen)
{
	mbedtls_entropy_context ent;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_pk_context key;
	mbedtls_x509write_cert w;
	mbedtls_mpi serial;
	unsigned char sbytes[16];
	char subject[300];
	size_t klen;
	int rc;

	mbedtls_entropy_init(&ent);
	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_pk_init(&key);
	mbedtls_x509write_crt_init(&w);
	mbedtls_mpi_init(&serial);
	rc = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent,
				   (const unsigned char *)"nhv-web cert", 12);
	if (rc)
		goto out;
	rc = mbedtls_pk_setup(&key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
	if (rc)
		goto out;
	rc = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(key),
				 mbedtls_ctr_drbg_random, &drbg);
	if (rc)
		goto out;
	rc = mbedtls_ctr_drbg_random(&drbg, sbytes, sizeof(sbytes));
	if (rc)
		goto out;
	sbytes[0] &= 0x7f;	/* a positive serial number (RFC 5280 section 4.1.2.2) */
	sbytes[0] |= 0x01;
	rc = mbedtls_mpi_read_binary(&serial, sbytes, sizeof(sbytes));
	if (rc)
		goto out;
	/* The subject's values may not hold ',' or '=' unescaped: the host name and
	 * UUID are letters, digits, '-' and '.' (checked by their owners). */
	snprintf(subject, sizeof(subject), "CN=%s,O=nhv appliance,OU=%s", hostname, owner);
	mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&w, &key);
	mbedtls_x509write_crt_set_issuer_key(&w, &key);
	if ((rc = mbedtls_x509write_crt_set_subject_name(&w, subject)) ||
	    (rc = mbedtls_x509write_crt_set_issuer_name(&w, subject)) ||
	    (rc = mbedtls_x509write_crt_set_serial(&w, &serial)) ||
	    /* Fixed dates: an appliance's clock may be unset when it boots. */
	    (rc = mbedtls_x509write_crt_set_validity(&w, "20240101000000", "20491231235959")) ||
	    (rc = mbedtls_x509write_crt_set_basic_constraints(&w, 0, -1)) ||
	    (rc = mbedtls_x509write_crt_set_subject_key_identifier(&w)) ||
	    (rc = mbedtls_x509write_crt_set_key_usage(&w, MBEDTLS_X509_KU_DIGITAL_SIGNATURE)))
		goto out;
	rc = mbedtls_pk_write_key_pem(&key, (unsigned char *)out, cap);
	if (rc)
		goto out;
	klen = strlen(out);
	rc = mbedtls_x509write_crt_pem(&w, (unsigned char *)out + klen, cap - klen,
				       mbedtls_ctr_drbg_random, &drbg);
out:
	if (rc)
		mbed_fail(rc, "cannot make a certificate", why, wlen);
	mbedtls_mpi_free(&serial);
	mbedtls_x509write_crt_free(&w);
	mbedtls_pk_free(&key);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&ent);
	return rc ? -1 : 0;
}


/*
 * DIR and the folders above it: without a data disk /var/lib/nhv is an
 * empty folder in RAM, and the key lives there until the next boot.
 */
static int make_dirs(const char *dir)
{
	char path[PATH_MAX];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, n + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int cert_ensure(const char *dir, const char *owner_uuid, const char *hostname, char *pem,
		size_t pemlen, char fp[CERT_FP_LEN], int *made, char *why, size_t wlen)
{
	char owner_path[PATH_MAX], *stored, *text;
	size_t n;
	int same, rc;

	*made = 0;
	snprintf(pem, pemlen, "%s/server.pem", dir);
	snprintf(owner_path, sizeof(owner_path), "%s/owner", dir);
	stored = read_file(owner_path, 256, &n);
	same = stored && strcspn(stored, "\n") == strlen(owner_uuid) &&
	       !strncmp(stored, owner_uuid, strlen(owner_uuid));
	free(stored);
	if (same && load(pem, fp, why, wlen) == 0)
		return 0;
	if (make_dirs(dir) < 0) {
		snprintf(why, wlen, "cannot make %s: %s", dir, strerror(errno));
		return -1;
	}
	text = calloc(1, PEM_MAX);
	if (!text) {
		snprintf(why, wlen, "out of memory");
		return -1;
	}
	rc = make(owner_uuid, hostname, text, PEM_MAX, why, wlen);
	/* The certificate first, its owner last: a crash in between makes a new one. */
	if (rc == 0 && atomic_write_file(pem, text, strlen(text), 0600) < 0) {
		snprintf(why, wlen, "cannot write %s: %s", pem, strerror(errno));
		rc = -1;
	}
	explicit_bzero(text, PEM_MAX);
	free(text);
	if (rc == 0) {
		char line[128];
		int k = snprintf(line, sizeof(line), "%s\n", owner_uuid);

		if (atomic_write_file(owner_path, line, (size_t)k, 0644) < 0) {
			snprintf(why, wlen, "cannot write %s: %s", owner_path, strerror(errno));
			return -1;
		}
		rc = load(pem, fp, why, wlen);
		*made = rc == 0;
	}
	return rc;
}

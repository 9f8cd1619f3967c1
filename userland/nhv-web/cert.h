/*
 * cert.h - the server's TLS certificate: one self-signed ECDSA P-256
 * certificate per appliance, made on first boot and again when the
 * appliance UUID changes (a clone: docs/cloning.md).  Kept in DIR as
 * server.pem (key and certificate, mode 0600) and owner (the appliance
 * UUID it was made for); both written atomically.
 */
#ifndef NHV_WEB_CERT_H
#define NHV_WEB_CERT_H

#include <stddef.h>

#define CERT_FP_LEN 96	/* "AB:CD:..." for SHA-256, with its NUL */

/*
 * Loads DIR/server.pem when DIR/owner names owner_uuid, else makes a new
 * key and certificate (subject CN=hostname, OU=owner_uuid).  pem gets the
 * file's path, fp the certificate's SHA-256 fingerprint.  *made is 1 when
 * a new one was made.  0, or -1 with why.
 */
int cert_ensure(const char *dir, const char *owner_uuid, const char *hostname, char *pem,
		size_t pemlen, char fp[CERT_FP_LEN], int *made, char *why, size_t wlen);

#endif

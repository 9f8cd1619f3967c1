/*
 * sha512crypt.h - SHA-512 crypt ("$6$", Ulrich Drepper's "Unix crypt using
 * SHA-256 and SHA-512", the hash /etc/shadow holds): Debian's musl has no
 * crypt(), so nhv-web checks root's password with this and mbedtls's
 * SHA-512.  Pure.
 */
#ifndef NHV_WEB_SHA512CRYPT_H
#define NHV_WEB_SHA512CRYPT_H

#include <stddef.h>

#define SHA512CRYPT_MAX 128	/* "$6$rounds=N$" + salt + "$" + 86 characters, with NUL */

/*
 * The hash of pw with the salt and rounds of setting ("$6$SALT[$...]" or
 * "$6$rounds=N$SALT[$...]") into out.  0, or -1 when setting is not a
 * SHA-512 crypt setting.
 */
int sha512crypt(const char *pw, const char *setting, char out[SHA512CRYPT_MAX]);

#endif

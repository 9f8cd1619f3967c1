/* test-web-auth.c - nhv-web's log-in rules: the shadow file, the rate limit, sessions, CSRF tokens. */
#include <stdlib.h>
#include <unistd.h>

#include "userland/lib/tap.h"
#include "userland/nhv-web/auth.h"

/* The image's root entry (images/mkinitramfs.sh: password "nhv"). */
static const char shadow[] =
	"nobody:*:19000:0:99999:7:::\n"
	"root:$6$nhvappliance$Urkm4VaPWVhkcI/TBd.Ah/6BSzd6XX/6fWwAnZSI2IsBZS6UZqsXQVIqf6szb4A57N1xGjeG."
	"2qOB3CixSARx0:19000:0:99999:7:::\n";

static char *write_shadow(const char *text)
{
	static char path[] = "/tmp/test-web-auth.XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return NULL;
	close(fd);
	return path;
}

int main(void)
{
	char *path = write_shadow(shadow), tok[AUTH_TOKEN_LEN + 1], csrf[AUTH_TOKEN_LEN + 1];
	char tok2[AUTH_TOKEN_LEN + 1], csrf2[AUTH_TOKEN_LEN + 1], got[AUTH_TOKEN_LEN + 1], basic[AUTH_TOKEN_LEN + 1];

	tap_ok(path != NULL, "a shadow file to read");
	auth_init(path);
	tap_ok(auth_password_ok("root", "nhv"), "root's password matches");
	tap_ok(!auth_password_ok("root", "nhv "), "a password with a trailing space does not");
	tap_ok(!auth_password_ok("root", ""), "an empty password does not");
	tap_ok(!auth_password_ok("nobody", "nhv"), "another user never logs in");
	tap_ok(!auth_password_ok("nobody", ""), "nor a locked one with an empty password");

	tap_is_int(auth_blocked("10.0.0.1"), 0, "an address with no failures may try");
	for (int i = 0; i < AUTH_MAX_FAILS - 1; i++)
		auth_failed("10.0.0.1");
	tap_is_int(auth_blocked("10.0.0.1"), 0, "after %d failures it still may", AUTH_MAX_FAILS - 1);
	auth_failed("10.0.0.1");
	tap_ok(auth_blocked("10.0.0.1") > 0 && auth_blocked("10.0.0.1") <= AUTH_WINDOW_S,
	       "after %d it must wait, at most %d s (%d)", AUTH_MAX_FAILS, AUTH_WINDOW_S,
	       auth_blocked("10.0.0.1"));
	tap_is_int(auth_blocked("10.0.0.2"), 0, "another address is not blocked");
	for (int i = 0; i < 200; i++) {	/* more addresses than the table holds */
		char a[32];

		snprintf(a, sizeof(a), "192.0.2.%d", i);
		auth_failed(a);
	}
	tap_is_int(auth_blocked("192.0.2.199"), 0, "one failure from each of 200 addresses blocks none");
	auth_failed("10.0.0.3");
	auth_succeeded("10.0.0.3");
	for (int i = 0; i < AUTH_MAX_FAILS - 1; i++)
		auth_failed("10.0.0.3");
	tap_is_int(auth_blocked("10.0.0.3"), 0, "a successful log-in forgets the failures before it");

	tap_is_int(auth_session_new(tok, csrf), 0, "a session");
	tap_is_int((int)strlen(tok), AUTH_TOKEN_LEN, "its token has %d hex digits", AUTH_TOKEN_LEN);
	auth_session_new(tok2, csrf2);
	tap_ok(strcmp(tok, tok2) && strcmp(csrf, csrf2) && strcmp(tok, csrf), "tokens differ");
	tap_ok(auth_session_find(tok, got) && !strcmp(got, csrf), "a session is found with its CSRF token");
	tap_ok(!auth_session_find(csrf, got), "its CSRF token is not a session token");
	tok[0] = tok[0] == 'a' ? 'b' : 'a';
	tap_ok(!auth_session_find(tok, got), "a token one digit off is not a session");
	tap_ok(!auth_session_find("", got) && !auth_session_find("abc", got), "nor a short one");
	auth_session_end(tok2);
	tap_ok(!auth_session_find(tok2, got), "a session that ended is gone");
	auth_basic_csrf(basic);
	tap_ok(strlen(basic) == AUTH_TOKEN_LEN && strcmp(basic, csrf), "the Basic CSRF token is its own");
	tap_ok(auth_same("abc", "abc") && !auth_same("abc", "abd") && !auth_same("abc", "abcd"),
	       "auth_same compares whole strings");
	unlink(path);
	return tap_done();
}

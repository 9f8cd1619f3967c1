/* test-web-parse.c - nhv-web's own request parsing: JSON bodies, API URIs, HTTP Basic. */
#include "userland/lib/tap.h"
#include "userland/nhv-web/jsonin.h"
#include "userland/nhv-web/route.h"
#include "userland/nhv-web/sha512crypt.h"

static int str(const char *text, const char *key, char *out, size_t cap, char *why)
{
	return jsonin_string(text, strlen(text), key, out, cap, why, 200);
}

static void json_tests(void)
{
	char out[64], why[200], deep[200];
	static const char *const bad[] = {
		"", "[]", "\"x\"", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":01}",
		"{\"a\":\"\\x\"}", "{\"a\":\"\x01\"}", "{\"a\":tru}", "{} {}", "{\"a\":\"\\ud800\"}",
		"{\"a\":\"\\udc00\"}", "{\"a\":[1,2}", "{'a':1}", "{\"a\":1.}", "{\"a\":-}",
	};

	tap_is_int(str("{\"password\": \"nhv\"}", "password", out, sizeof(out), why), 0,
		   "a string member is found");
	tap_is_str(out, "nhv", "and decoded");
	tap_is_int(str(" {\"a\": {\"password\": \"inner\"}, \"b\": [1, 2.5e3, true, null]} ",
		       "password", out, sizeof(out), why), 1,
		   "a member of a nested object is not the top-level member");
	tap_is_int(str("{\"p\": \"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\"}", "p", out, sizeof(out), why),
		   0, "escapes and surrogate pairs decode");
	tap_is_str(out, "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80", "as UTF-8");
	tap_is_int(str("{\"p\": 5}", "p", out, sizeof(out), why), -1, "a number is not a string");
	tap_ok(strstr(why, "must be a string") != NULL, "and why says so: %s", why);
	tap_is_int(str("{\"p\": \"\\u0000\"}", "p", out, sizeof(out), why), -1, "NUL is refused");
	tap_is_int(str("{\"p\": \"0123456789\"}", "p", out, 8, why), -1, "a value too long for out");
	tap_ok(strstr(why, "longer than 7") != NULL, "names the limit: %s", why);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_is_int(jsonin_check(bad[i], strlen(bad[i]), why, sizeof(why)), -1,
			   "malformed %s refused (%s)", bad[i], why);
	tap_is_int(jsonin_check("{\"a\": \"x\0y\"}", 11, why, sizeof(why)), -1,
		   "a raw NUL byte in a string is refused");
	memset(deep, '[', sizeof(deep));
	deep[0] = '{';
	memcpy(deep + 1, "\"a\":", 4);
	tap_is_int(jsonin_check(deep, sizeof(deep), why, sizeof(why)), -1, "deep nesting is refused");
	tap_ok(strstr(why, "nesting") != NULL, "why names the nesting: %s", why);
}

static void route_tests(void)
{
	struct route r;
	char why[300];

	tap_is_int(route_parse("/api/v1/vms", &r, why, sizeof(why)), 0, "/api/v1/vms");
	tap_is_int(r.res, RT_VMS, "is the VM list");
	tap_is_int(route_parse("/api/v1/vms/lab-1/start", &r, why, sizeof(why)), 0, "an action");
	tap_ok(r.res == RT_VM_ACTION && !strcmp(r.arg, "lab-1") && !strcmp(r.action, "start"),
	       "names VM lab-1 and start");
	tap_is_int(route_parse("/api/v1/vms/lab/console", &r, why, sizeof(why)), 0, "console");
	tap_is_int(r.res, RT_VM_CONSOLE, "is the console");
	tap_is_int(route_parse("/api/v1/guestinfo/nhv.hostname", &r, why, sizeof(why)), 0, "a key");
	tap_ok(r.res == RT_GUESTINFO && !strcmp(r.arg, "nhv.hostname"), "is one guestinfo key");
	tap_is_int(route_parse("/api/v1/vms/../start", &r, why, sizeof(why)), -1, "\"..\" refused");
	tap_is_int(route_parse("/api/v1/vms/./log", &r, why, sizeof(why)), -1, "\".\" refused");
	tap_is_int(route_parse("/api/v1/vms/a/b/c", &r, why, sizeof(why)), -1, "too deep");
	tap_is_int(route_parse("/api/v1/vms/a/explode", &r, why, sizeof(why)), -1, "an unknown action");
	tap_is_int(route_parse("/api/v1/vms/a b/log", &r, why, sizeof(why)), -1, "a space in a name");
	tap_is_int(route_parse("/api/v1/vms/\xff/log", &r, why, sizeof(why)), -1, "a non-ASCII byte");
	tap_is_int(route_parse("/api/v2/vms", &r, why, sizeof(why)), -1, "another version");
	tap_is_int(route_parse("/api/v1/statusx", &r, why, sizeof(why)), -1, "a longer word");
	tap_is_int(route_parse("/api/v1/vms/"
			       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &r,
			       why, sizeof(why)), -1, "a 65-character name");
}

static void basic_tests(void)
{
	char u[32], p[32];

	tap_is_int(route_basic("Basic cm9vdDpuaHY=", u, sizeof(u), p, sizeof(p)), 0, "root:nhv");
	tap_ok(!strcmp(u, "root") && !strcmp(p, "nhv"), "user root, password nhv");
	tap_is_int(route_basic("Basic cm9vdDphOmI=", u, sizeof(u), p, sizeof(p)), 0, "root:a:b");
	tap_is_str(p, "a:b", "a password may hold ':'");
	tap_is_int(route_basic("Bearer cm9vdDpuaHY=", u, sizeof(u), p, sizeof(p)), -1, "not Basic");
	tap_is_int(route_basic("Basic cm9vdG5oaA==", u, sizeof(u), p, sizeof(p)), -1, "no colon");
	tap_is_int(route_basic("Basic !!!!", u, sizeof(u), p, sizeof(p)), -1, "not base64");
	tap_is_int(route_basic("Basic cm9vdAA6eA==", u, sizeof(u), p, sizeof(p)), -1, "a NUL byte");
	tap_is_int(route_basic("Basic cm9vdDpuaHY=", u, sizeof(u), p, 3), -1,
		   "a password longer than the buffer");
}

/* Vectors from Drepper's specification, and the image's own root hash
 * (images/mkinitramfs.sh: busybox mkpasswd -m sha512 -S nhvappliance nhv). */
static void crypt_tests(void)
{
	static const struct { const char *pw, *hash; } v[] = {
		{ "Hello world!", "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJu"
				  "esI68u4OTLiBFdcbYEdFCoEOfaS35inz1" },
		{ "Hello world!", "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sb"
				  "HbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v." },
		{ "This is just a test", "$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxG"
					 "oNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0" },
		{ "nhv", "$6$nhvappliance$Urkm4VaPWVhkcI/TBd.Ah/6BSzd6XX/6fWwAnZSI2IsBZS6UZqsXQVIqf6szb4"
			 "A57N1xGjeG.2qOB3CixSARx0" },
	};
	char out[SHA512CRYPT_MAX];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tap_is_int(sha512crypt(v[i].pw, v[i].hash, out), 0, "sha512crypt vector %zu", i);
		tap_is_str(out, v[i].hash, "vector %zu hashes as expected", i);
	}
	tap_is_int(sha512crypt("This is just a test", "$6$rounds=5000$toolongsaltstring$", out), 0,
		   "a salt longer than 16 characters");
	tap_is_str(out, v[2].hash, "is cut to 16 characters");
	tap_is_int(sha512crypt("nhw", v[3].hash, out), 0, "another password");
	tap_ok(strcmp(out, v[3].hash) != 0, "hashes differently");
	tap_is_int(sha512crypt("x", "$1$md5salt$", out), -1, "an MD5 crypt setting is refused");
	tap_is_int(sha512crypt("x", "!", out), -1, "a locked account is refused");
	tap_is_int(sha512crypt("x", "$6$rounds=$x$", out), -1, "rounds= without a number");
}

int main(void)
{
	crypt_tests();
	json_tests();
	route_tests();
	basic_tests();
	return tap_done();
}

/*
 * route.h - the parts of a request that civetweb leaves to the application
 * and nhv-web reads itself: which API resource a URI names
 * (/api/v1/...), and the user and password of an HTTP Basic
 * Authorization header (RFC 7617).  Pure.
 */
#ifndef NHV_WEB_ROUTE_H
#define NHV_WEB_ROUTE_H

#include <stddef.h>

#define ROUTE_SEG_MAX 64	/* a VM name or a guestinfo key: nhv vm checks names itself */

enum route_res {
	RT_SESSION,	/* /api/v1/session           GET, DELETE (log out) */
	RT_LOGIN,	/* /api/v1/login             POST */
	RT_STATUS,	/* /api/v1/status            GET */
	RT_CHECK,	/* /api/v1/check             GET */
	RT_IDENTITY,	/* /api/v1/identity          GET */
	RT_GUESTINFO,	/* /api/v1/guestinfo[/KEY]   GET */
	RT_VMS,		/* /api/v1/vms               GET, POST (define) */
	RT_VM,		/* /api/v1/vms/NAME          GET, DELETE (rm) */
	RT_VM_ACTION,	/* /api/v1/vms/NAME/ACTION   POST: start stop shutdown reset */
	RT_VM_LOG,	/* /api/v1/vms/NAME/log      GET */
	RT_VM_CONSOLE,	/* /api/v1/vms/NAME/console  WebSocket */
};

struct route {
	enum route_res res;
	char arg[ROUTE_SEG_MAX + 1];	/* NAME or KEY ("" when none) */
	char action[16];		/* RT_VM_ACTION: start stop shutdown reset */
};

/*
 * uri: the decoded path (no query).  0 and *r when it names an API
 * resource; -1 with why when it does not (404).  A segment may hold
 * printable ASCII but no '/', and is neither "." nor "..".
 */
int route_parse(const char *uri, struct route *r, char *why, size_t wlen);

/*
 * header: the Authorization header's value.  0 with user and pw when it is
 * "Basic BASE64(user:pw)" and both fit; -1 otherwise.
 */
int route_basic(const char *header, char *user, size_t ulen, char *pw, size_t plen);

#endif

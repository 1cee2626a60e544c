/*
 * privsep: setresgid/setresuid rather than setgid/setuid so that the
 * saved ids provably change too, and getresuid/getresgid to check it:
 * a session process that could get root back is not allowed to serve.
 */
#define _GNU_SOURCE		/* setresuid, getresuid and friends */

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

#include "popgate/log.h"
#include "popgate/privsep.h"

static struct {
	bool	enabled;	/* started as root: change uid in sessions */
	uid_t	uid;
	gid_t	gid;
} ps;

bool
privsep_enabled(void)
{
	return ps.enabled;
}

int
privsep_init(const char *user, char *err, size_t errlen)
{
	struct passwd	*pw = NULL;

	ps.enabled = false;
	if (geteuid() != 0) {
		log_info("event=privsep mode=off uid=%u user-ignored=%s "
		    "hint=\"not started as root: sessions run as the invoking "
		    "user\"", (unsigned)geteuid(), user);
		return 0;
	}
	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		snprintf(err, errlen, "User %s: %s; create the account the "
		    "sessions run as with: useradd --system --no-create-home "
		    "--shell /usr/sbin/nologin %s (or set User to another "
		    "unprivileged account)", user, errno != 0 ?
		    strerror(errno) : "no such user", user);
		return -1;
	}
	ps.enabled = true;
	ps.uid = pw->pw_uid;
	ps.gid = pw->pw_gid;
	if (ps.uid == 0) {
		log_warn("event=privsep mode=root user=%s hint=\"User has "
		    "uid 0: sessions run as root, without privilege "
		    "separation\"", user);
	} else {
		log_info("event=privsep mode=on user=%s uid=%u gid=%u", user,
		    (unsigned)ps.uid, (unsigned)ps.gid);
	}
	return 0;
}

/* Every id (real, effective, saved) is the account's, and only its gid
 * is left in the group list. */
static bool
ids_are_dropped(void)
{
	uid_t	ru, eu, su;
	gid_t	rg, eg, sg, groups[2];
	int	n;

	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0) {
		return false;
	}
	n = getgroups(2, groups);
	return ru == ps.uid && eu == ps.uid && su == ps.uid &&
	    rg == ps.gid && eg == ps.gid && sg == ps.gid &&
	    (n == 0 || (n == 1 && groups[0] == ps.gid));
}

static int
drop_ids(void)
{
	if (setgroups(1, &ps.gid) != 0 ||
	    setresgid(ps.gid, ps.gid, ps.gid) != 0 ||
	    setresuid(ps.uid, ps.uid, ps.uid) != 0) {
		log_error("event=privsep-failed uid=%u gid=%u error=\"%s\"",
		    (unsigned)ps.uid, (unsigned)ps.gid, strerror(errno));
		return -1;
	}
	if (!ids_are_dropped()) {
		log_error("event=privsep-failed uid=%u gid=%u "
		    "error=\"ids unchanged\"", (unsigned)ps.uid,
		    (unsigned)ps.gid);
		return -1;
	}
	/* The way back must be shut: without it, nothing was dropped. */
	if (ps.uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		log_error("event=privsep-failed uid=%u error=\"uid 0 can "
		    "be regained\"", (unsigned)ps.uid);
		return -1;
	}
	return 0;
}

int
privsep_drop(void)
{
	if (ps.enabled && drop_ids() != 0) {
		return -1;
	}
	/* No execve can ever give privileges back (setuid bits, caps). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		log_error("event=privsep-failed error=\"no_new_privs: %s\"",
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * notify: sd_notify(3) from libsystemd when the build found it
 * (POPGATE_HAVE_SYSTEMD, set by the Makefile through pkg-config), else
 * nothing: a gateway started by hand or by another supervisor needs none
 * of it. Errors are not worth a log line: the manager has its own timeout.
 */
#include <time.h>

#include "popgate/notify.h"

#ifdef POPGATE_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>

static void
send_state(const char *state)
{
	(void)sd_notify(0, state);
}

void
notify_reloading(void)
{
	struct timespec	ts;

	/* systemd >= 253 wants the reload's start time along with it. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	(void)sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
}
#else
static void
send_state(const char *state)
{
	(void)state;
}

void
notify_reloading(void)
{
	send_state("RELOADING=1");
}
#endif

void
notify_ready(void)
{
	send_state("READY=1");
}

void
notify_stopping(void)
{
	send_state("STOPPING=1");
}

/*
 * notify: popgated's state for a service manager (systemd's Type=notify,
 * sd_notify(3)). Each call sends one datagram to $NOTIFY_SOCKET and
 * returns; without that variable, or in a build without libsystemd, it
 * does nothing. Called from the parent's loop only; never fails.
 */
#ifndef POPGATE_NOTIFY_H
#define POPGATE_NOTIFY_H

/* Every listener is bound: READY=1 (also after a reload). */
void	notify_ready(void);
/* A reload starts: RELOADING=1 with MONOTONIC_USEC; notify_ready after. */
void	notify_reloading(void);
/* Shutting down: STOPPING=1. */
void	notify_stopping(void);

#endif

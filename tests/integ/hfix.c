/*
 * hfix: the fixture most tests use: a fresh work folder, a Dovecot with
 * the test Maildir and a popgated forwarding pop3:110 to it. Up in a
 * checked setup, down in the checked teardown (both run in the forked
 * test process).
 */
#include <string.h>

#include "harness.h"

void
hfix_up(struct hfix *f, const char *label, bool big, bool passwords)
{
	memset(f, 0, sizeof(*f));
	f->h = harness_new(label);
	ck_assert_msg(f->h != NULL, "cannot make a work folder");
	hdovecot_start(f->h, &f->dove, big);
	hgate_prepare(f->h, &f->gate, f->dove.port, passwords, NULL);
	hgate_start(f->h, &f->gate);
}

void
hfix_down(struct hfix *f)
{
	if (f->h == NULL) {
		return;
	}
	/* Clients first (newest first), then popgated, then Dovecot. */
	harness_stop_all(f->h);
	hgate_check_exit(&f->gate);
	harness_free(f->h);
	f->h = NULL;
}

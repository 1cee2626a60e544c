/*
 * check_children: the parent's table against a real session link. A
 * forked process plays the session (sesslink_source, sesslink_admit)
 * and exits 0 when the parent said go on, 1 when it said no; the test
 * plays the parent's loop (children_readable, children_source_answer).
 * A proxied child's reported client becomes its source only once the
 * parent agrees; a refused one is no longer a startup and is marked so
 * nothing is charged; a report from a plain listener's child, a second
 * report, or a malformed one are refused as protocol errors.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "popgate/children.h"
#include "popgate/clock.h"
#include "popgate/log.h"
#include "popgate/scoreboard.h"
#include "popgate/sesslink.h"
#include "popgate/status.h"
#include "suites.h"

#define WAIT_MS	10000

static struct scoreboard	*SB;
static struct children		 CH;

static void
ch_setup(void)
{
	log_init("check_children", LOG_LEVEL_ERROR);
	SB = scoreboard_new(4);
	ck_assert_ptr_nonnull(SB);
	memset(&CH, 0, sizeof(CH));
}

static void
ch_teardown(void)
{
	children_drop(&CH);
	scoreboard_free(SB);
	SB = NULL;
}

static struct sockaddr_storage
sin_of(const char *ip, unsigned port)
{
	struct sockaddr_storage	ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	ck_assert_int_eq(inet_pton(AF_INET, ip, &sin->sin_addr), 1);
	return ss;
}

/* What the forked session does. */
enum script {
	SAY_SOURCE,		/* reports 192.0.2.7:5000 */
	SAY_LOCAL,		/* reports a LOCAL header */
	SAY_SOURCE_TWICE,	/* reports, then reports again */
	SAY_JUNK		/* a short record of type 's' */
};

static int
session(int fd, enum script what)
{
	struct sockaddr_storage	 ss = sin_of("192.0.2.7", 5000);
	struct sesslink		*l = sesslink_new(fd, NULL, clock_ms());
	bool			 ok;

	switch (what) {
	case SAY_SOURCE:
		ok = sesslink_source(l, (struct sockaddr *)&ss);
		break;
	case SAY_LOCAL:
		ok = sesslink_source(l, NULL);
		break;
	case SAY_SOURCE_TWICE:
		ok = sesslink_source(l, (struct sockaddr *)&ss) &&
		    sesslink_source(l, (struct sockaddr *)&ss);
		break;
	default:
		ok = send(fd, "s", 1, 0) == 1 && sesslink_source(l, NULL);
		break;
	}
	sesslink_free(l);
	return ok ? 0 : 1;
}

/* Forks the session; the test keeps the parent's end as child 0. */
static struct child *
spawn(enum script what, bool proxied)
{
	struct sockaddr_storage	 balancer = sin_of("10.0.0.2", 41000);
	struct penalty_source	 src;
	int			 sv[2];
	pid_t			 pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		close(sv[0]);
		_exit(session(sv[1], what));
	}
	close(sv[1]);
	ck_assert(penalty_source_from_sa((struct sockaddr *)&balancer, &src));
	return children_add(&CH, pid, sv[0], scoreboard_claim(SB), &balancer,
	    proxied ? NULL : &src, proxied);
}

/* Waits until child 0's socket has something, then lets children read. */
static bool
readable(struct children_claim *claim)
{
	struct pollfd	pfd = { CH.v[0].ctl, POLLIN, 0 };

	ck_assert_int_eq(poll(&pfd, 1, WAIT_MS), 1);
	return children_readable(&CH, 0, SB, 0, claim);
}

/* Child 0's protocol error was logged (stderr captured since begin). */
static void
assert_protocol_error(void)
{
	char	*err = testutil_stderr_end();

	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err, "event=source-refused pid="));
	ck_assert_ptr_nonnull(strstr(err, "reason=protocol-error"));
	free(err);
}

static int
exit_code(void)
{
	int	status = -1;

	ck_assert_int_eq(waitpid(CH.v[0].pid, &status, 0), CH.v[0].pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(test_children_proxied_source_allowed)
{
	struct children_claim	 claim;
	struct status_session	 row;
	struct penalty_source	 want;
	struct sockaddr_storage	 ss = sin_of("192.0.2.7", 1);
	uint64_t		 failures = 0;

	spawn(SAY_SOURCE, true);
	ck_assert(!CH.v[0].has_src);
	ck_assert_str_eq(CH.v[0].peer, "10.0.0.2:41000");
	ck_assert(readable(&claim));
	ck_assert(!claim.local);
	ck_assert(claim.has_src);
	ck_assert_str_eq(claim.peer, "192.0.2.7:5000");
	/* Not the source yet: counted for nobody until allowed. */
	ck_assert(penalty_source_from_sa((struct sockaddr *)&ss, &want));
	ck_assert_uint_eq(children_startups_from(&CH, &want), 0);
	children_source_answer(&CH, 0, &claim, true);
	ck_assert_int_eq(exit_code(), 0);
	ck_assert(CH.v[0].has_src);
	ck_assert(penalty_source_equal(&CH.v[0].src, &want));
	ck_assert_str_eq(CH.v[0].peer, "192.0.2.7:5000");
	ck_assert_uint_eq(children_startups_from(&CH, &want), 1);
	ck_assert_uint_eq(CH.startups, 1);
	ck_assert(!CH.v[0].refused);
	children_status(&CH, 0, SB, clock_ms(), &row, &failures);
	ck_assert_str_eq(row.source, "192.0.2.7:5000");
	ck_assert_str_eq(row.via, "10.0.0.2:41000");
}
END_TEST

START_TEST(test_children_proxied_source_refused)
{
	struct children_claim	claim;

	spawn(SAY_SOURCE, true);
	ck_assert(readable(&claim));
	children_source_answer(&CH, 0, &claim, false);
	ck_assert_int_eq(exit_code(), 1);
	ck_assert(CH.v[0].refused);
	ck_assert(!CH.v[0].has_src);
	ck_assert_int_eq(CH.v[0].ctl, -1);
	ck_assert_uint_eq(CH.startups, 0);
}
END_TEST

START_TEST(test_children_local_header_has_no_source)
{
	struct children_claim	claim;

	spawn(SAY_LOCAL, true);
	ck_assert(readable(&claim));
	ck_assert(claim.local);
	ck_assert(!claim.has_src);
	children_source_answer(&CH, 0, &claim, true);
	ck_assert_int_eq(exit_code(), 0);
	ck_assert(!CH.v[0].has_src);
	ck_assert_str_eq(CH.v[0].peer, "10.0.0.2:41000");
}
END_TEST

START_TEST(test_children_plain_child_may_not_claim)
{
	struct children_claim	claim;

	spawn(SAY_SOURCE, false);
	ck_assert(CH.v[0].has_src);
	testutil_stderr_begin();
	ck_assert(!readable(&claim));
	assert_protocol_error();
	ck_assert_int_eq(exit_code(), 1);
	ck_assert(CH.v[0].refused);
	ck_assert_str_eq(CH.v[0].peer, "10.0.0.2:41000");
	ck_assert_uint_eq(CH.startups, 0);
}
END_TEST

START_TEST(test_children_second_claim_refused)
{
	struct children_claim	claim;

	spawn(SAY_SOURCE_TWICE, true);
	ck_assert(readable(&claim));
	children_source_answer(&CH, 0, &claim, true);
	testutil_stderr_begin();
	ck_assert(!readable(&claim));
	assert_protocol_error();
	ck_assert_int_eq(exit_code(), 1);
	ck_assert(CH.v[0].refused);
	ck_assert_uint_eq(CH.startups, 0);
}
END_TEST

START_TEST(test_children_short_claim_refused)
{
	struct children_claim	claim;

	spawn(SAY_JUNK, true);
	testutil_stderr_begin();
	ck_assert(!readable(&claim));
	assert_protocol_error();
	ck_assert_int_eq(exit_code(), 1);
	ck_assert(CH.v[0].refused);
	ck_assert(!CH.v[0].has_src);
}
END_TEST

Suite *
children_suite(void)
{
	Suite	*s = suite_create("children");
	TCase	*tc = tcase_create("source");

	tcase_add_checked_fixture(tc, ch_setup, ch_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_children_proxied_source_allowed);
	tcase_add_test(tc, test_children_proxied_source_refused);
	tcase_add_test(tc, test_children_local_header_has_no_source);
	tcase_add_test(tc, test_children_plain_child_may_not_claim);
	tcase_add_test(tc, test_children_second_claim_refused);
	tcase_add_test(tc, test_children_short_claim_refused);
	suite_add_tcase(s, tc);
	return s;
}

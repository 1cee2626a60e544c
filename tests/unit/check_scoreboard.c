/*
 * check_scoreboard: slots are claimed lowest first and reused only after
 * release; what a forked child publishes is what the parent reads, also
 * while the child keeps writing; and a child can touch no slot but its
 * own (the others are unmapped: touching one is a SIGSEGV).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <valgrind/valgrind.h>

#include "popgate/scoreboard.h"
#include "suites.h"

static struct scoreboard	*SB;

static void
sb_setup(void)
{
	SB = scoreboard_new(8);
	ck_assert_ptr_nonnull(SB);
}

static void
sb_teardown(void)
{
	scoreboard_free(SB);
	SB = NULL;
}

START_TEST(test_scoreboard_claims_lowest_free)
{
	struct scoreboard_entry	e;
	int			i;

	ck_assert_uint_eq(scoreboard_slots(SB), 8);
	for (i = 0; i < 8; i++) {
		ck_assert_int_eq(scoreboard_claim(SB), i);
	}
	ck_assert_int_eq(scoreboard_claim(SB), -1);
	ck_assert_uint_eq(scoreboard_used(SB), 8);
	scoreboard_release(SB, 5);
	scoreboard_release(SB, 2);
	scoreboard_release(SB, 2);	/* twice: no effect */
	scoreboard_release(SB, -1);
	scoreboard_release(SB, 8);
	ck_assert_uint_eq(scoreboard_used(SB), 6);
	ck_assert_int_eq(scoreboard_claim(SB), 2);
	ck_assert_int_eq(scoreboard_claim(SB), 5);
	ck_assert_int_eq(scoreboard_read(SB, 5, &e), 0);
	ck_assert_uint_eq(e.state, SCOREBOARD_FREE);
	ck_assert_int_eq(scoreboard_read(SB, 8, &e), -1);
	ck_assert_ptr_null(scoreboard_new(0));
}
END_TEST

static pid_t
fork_child(void)
{
	pid_t	pid = fork();

	ck_assert_int_ne(pid, -1);
	return pid;
}

static int
wait_child(pid_t pid)
{
	int	status = 0;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

/* A child's entry reaches the parent; a reused slot starts cleared. */
START_TEST(test_scoreboard_child_publishes)
{
	struct scoreboard_entry	 e;
	struct scoreboard_slot	*s = NULL;
	int			 slot, status;
	pid_t			 pid;

	ck_assert_int_eq(scoreboard_claim(SB), 0);
	slot = scoreboard_claim(SB);
	pid = fork_child();
	if (pid == 0) {
		s = scoreboard_child(SB, slot);
		memset(&e, 0, sizeof(e));
		e.state = SCOREBOARD_AUTHED;
		e.auth_failures = 2;
		e.tunnels = 3;
		e.bytes_down = 1ULL << 40;
		snprintf(e.user, sizeof(e.user), "alice");
		scoreboard_publish(s, &e);
		e.end = SCOREBOARD_END_CLOSED;
		scoreboard_publish(s, &e);
		_exit(0);
	}
	status = wait_child(pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(scoreboard_read(SB, slot, &e), 0);
	ck_assert_uint_eq(e.state, SCOREBOARD_AUTHED);
	ck_assert_uint_eq(e.end, SCOREBOARD_END_CLOSED);
	ck_assert_uint_eq(e.auth_failures, 2);
	ck_assert_uint_eq(e.tunnels, 3);
	ck_assert_uint_eq(e.bytes_down, 1ULL << 40);
	ck_assert_str_eq(e.user, "alice");
	/* Nothing of it leaks into the other slot, nor into a reuse. */
	ck_assert_int_eq(scoreboard_read(SB, 0, &e), 0);
	ck_assert_str_eq(e.user, "");
	scoreboard_release(SB, slot);
	ck_assert_int_eq(scoreboard_claim(SB), slot);
	ck_assert_int_eq(scoreboard_read(SB, slot, &e), 0);
	ck_assert_uint_eq(e.state, SCOREBOARD_FREE);
	ck_assert_str_eq(e.user, "");
	ck_assert_ptr_null(scoreboard_child(NULL, 0));
	scoreboard_publish(NULL, &e);
}
END_TEST

/* Reads while the child rewrites: every copy is one whole entry. */
START_TEST(test_scoreboard_reads_are_consistent)
{
	struct scoreboard_entry	 e;
	struct scoreboard_slot	*s = NULL;
	int			 slot = scoreboard_claim(SB), status, i, ok;
	uint64_t		 n;
	pid_t			 pid;

	pid = fork_child();
	if (pid == 0) {
		s = scoreboard_child(SB, slot);
		memset(&e, 0, sizeof(e));
		for (n = 1; n <= 2000000; n++) {
			e.bytes_up = n;
			e.bytes_down = n * 3;
			e.last_active_ms = n * 7;
			snprintf(e.user, sizeof(e.user), "u%llu",
			    (unsigned long long)n);
			scoreboard_publish(s, &e);
		}
		_exit(0);
	}
	/*
	 * A writer this busy may keep a read from settling (-1, all zero);
	 * what a read returns must still be one whole entry.
	 */
	for (i = 0, ok = 0; i < 200000; i++) {
		if (scoreboard_read(SB, slot, &e) != 0) {
			ck_assert_uint_eq(e.bytes_up, 0);
			ck_assert_str_eq(e.user, "");
			continue;
		}
		ok++;
		ck_assert_uint_eq(e.bytes_down, e.bytes_up * 3);
		ck_assert_uint_eq(e.last_active_ms, e.bytes_up * 7);
		if (e.bytes_up > 0) {
			ck_assert_uint_eq(strtoull(e.user + 1, NULL, 10),
			    e.bytes_up);
		}
	}
	status = wait_child(pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_msg(ok > 1000, "only %d of 200000 reads settled", ok);
	ck_assert_int_eq(scoreboard_read(SB, slot, &e), 0);
	ck_assert_uint_eq(e.bytes_up, 2000000);
}
END_TEST

#define SEGV_EXIT	77

static void
segv_cb(int sig)
{
	(void)sig;
	_exit(SEGV_EXIT);
}

/* Another session's slot is not even mapped in a child. */
START_TEST(test_scoreboard_child_sees_only_its_slot)
{
	struct scoreboard_entry	 e;
	struct scoreboard_slot	*s = NULL;
	volatile unsigned char	*other = NULL;
	long			 page = sysconf(_SC_PAGESIZE);
	int			 slot, status, j;
	pid_t			 pid;

	for (j = 0; j < 2; j++) {
		slot = scoreboard_claim(SB);
		ck_assert_int_eq(slot, 0);	/* released below */
		ck_assert_int_eq(scoreboard_claim(SB), 1);
		pid = fork_child();
		if (pid == 0) {
			signal(SIGSEGV, segv_cb);
			/* Slot 1 sits one page after slot 0. */
			s = scoreboard_child(SB, j == 0 ? 0 : 1);
			memset(&e, 0, sizeof(e));
			scoreboard_publish(s, &e);
			other = (volatile unsigned char *)s +
			    (j == 0 ? page : -page);
			/* The fault is the point: not an error for memcheck
			 * (make valgrind); a no-op outside valgrind. */
			VALGRIND_DISABLE_ERROR_REPORTING;
			other[0] = 1;
			_exit(0);
		}
		status = wait_child(pid);
		ck_assert_msg(WIFEXITED(status) &&
		    WEXITSTATUS(status) == SEGV_EXIT, "child %d wrote "
		    "another slot (status %d)", j, status);
		ck_assert_int_eq(scoreboard_read(SB, 1 - j, &e), 0);
		ck_assert_uint_eq(e.state, SCOREBOARD_FREE);
		scoreboard_release(SB, 0);
		scoreboard_release(SB, 1);
	}
}
END_TEST

Suite *
scoreboard_suite(void)
{
	Suite	*s = suite_create("scoreboard");
	TCase	*tc = tcase_create("slots");

	tcase_add_checked_fixture(tc, sb_setup, sb_teardown);
	tcase_add_test(tc, test_scoreboard_claims_lowest_free);
	tcase_add_test(tc, test_scoreboard_child_publishes);
	tcase_add_test(tc, test_scoreboard_reads_are_consistent);
	tcase_add_test(tc, test_scoreboard_child_sees_only_its_slot);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

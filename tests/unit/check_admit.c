/*
 * admit: the MaxStartups decision (sshd's random early drop), tested
 * exhaustively over its whole range since it decides who gets in.
 */
#include <check.h>

#include "popgate/admit.h"
#include "suites.h"

static const struct servconf_maxstartups ms = { 10, 30, 100 };

START_TEST(test_admit_never_drops_below_start)
{
	unsigned	n, rnd;

	for (n = 0; n < ms.start; n++) {
		for (rnd = 0; rnd < 100; rnd++) {
			ck_assert(!admit_should_drop(n, &ms, rnd));
		}
	}
}
END_TEST

START_TEST(test_admit_always_drops_from_full)
{
	unsigned	n, rnd;

	for (n = ms.full; n < ms.full + 50; n++) {
		for (rnd = 0; rnd < 100; rnd++) {
			ck_assert(admit_should_drop(n, &ms, rnd));
		}
	}
}
END_TEST

/* Drop share rises from rate% at start towards 100% at full. */
START_TEST(test_admit_drop_share_rises_linearly)
{
	unsigned	n, rnd, drops, prev = 0;

	for (n = ms.start; n < ms.full; n++) {
		drops = 0;
		for (rnd = 0; rnd < 100; rnd++) {
			drops += admit_should_drop(n, &ms, rnd) ? 1 : 0;
		}
		if (n == ms.start) {
			ck_assert_uint_eq(drops, ms.rate);
		}
		ck_assert_uint_ge(drops, prev);
		ck_assert_uint_lt(drops, 100);
		prev = drops;
	}
	/* Half way: rate + (100 - rate) / 2 = 65. */
	drops = 0;
	for (rnd = 0; rnd < 100; rnd++) {
		drops += admit_should_drop(55, &ms, rnd) ? 1 : 0;
	}
	ck_assert_uint_eq(drops, 65);
}
END_TEST

/* A single number N means N:100:N: a hard limit. */
START_TEST(test_admit_hard_limit)
{
	const struct servconf_maxstartups hard = { 5, 100, 5 };
	unsigned	rnd;

	for (rnd = 0; rnd < 100; rnd++) {
		ck_assert(!admit_should_drop(4, &hard, rnd));
		ck_assert(admit_should_drop(5, &hard, rnd));
	}
}
END_TEST

Suite *
admit_suite(void)
{
	Suite	*s = suite_create("admit");
	TCase	*tc = tcase_create("maxstartups");

	tcase_add_test(tc, test_admit_never_drops_below_start);
	tcase_add_test(tc, test_admit_always_drops_from_full);
	tcase_add_test(tc, test_admit_drop_share_rises_linearly);
	tcase_add_test(tc, test_admit_hard_limit);
	suite_add_tcase(s, tc);
	return s;
}

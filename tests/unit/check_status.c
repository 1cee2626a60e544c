/*
 * check_status: what `popgated status` prints, from fixed snapshots:
 * sizes and durations for people, the table's columns and totals, and
 * JSON that escapes whatever it is given.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "popgate/status.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
utc(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

START_TEST(test_status_bytes_and_durations)
{
	static const struct {
		uint64_t	n;
		const char	*want;
	} bytes[] = {
		{ 0, "0" }, { 1023, "1023" }, { 1024, "1.0K" },
		{ 1536, "1.5K" }, { 20u * 1024 * 1024 + 4321, "20.0M" },
		{ 3ULL << 30, "3.0G" }, { 5ULL << 40, "5.0T" },
		{ UINT64_MAX, "16.0E" },
	}, secs[] = {
		{ 0, "0s" }, { 59, "59s" }, { 60, "1m" }, { 3599, "59m" },
		{ 3600, "1h" }, { 86399, "23h" }, { 86400, "1d" },
		{ 10 * 86400, "10d" },
	};
	char	buf[16];
	size_t	i;

	for (i = 0; i < NELEM(bytes); i++) {
		ck_assert_str_eq(status_bytes(bytes[i].n, buf, sizeof(buf)),
		    bytes[i].want);
	}
	for (i = 0; i < NELEM(secs); i++) {
		ck_assert_str_eq(status_duration(secs[i].n, buf, sizeof(buf)),
		    secs[i].want);
	}
}
END_TEST

static struct status_session	sessions[] = {
	{ 101, true, "alice", "192.0.2.7:53122", 1700000000, 2, 1234,
	    20971520, 3, "" },
	{ 102, false, "", "[2001:db8::1]:40000", 1700000100, 0, 0, 0, 75,
	    "10.0.0.2:41000" },
	{ 103, true, "bob.smith-long", "127.0.0.1:1", 1700000200, 1, 5, 6,
	    7200, "" },
};

static void
snapshot(struct status *st, size_t n)
{
	memset(st, 0, sizeof(*st));
	st->pid = 4242;
	st->version = "9.9";
	st->now = 1700003600;
	st->started = 1700000000;
	st->sessions = sessions;
	st->nsessions = n;
	st->auth_failures = 17;
	st->penalised = 2;
}

START_TEST(test_status_text_table)
{
	struct status	 st;
	char		*out = NULL;

	utc();
	snapshot(&st, NELEM(sessions));
	out = status_text(&st);
	ck_assert_str_eq(out,
	    "popgated 9.9, pid 4242, up 1h, running\n"
	    "USER            SOURCE               SINCE                "
	    "TUNNELS        UP      DOWN   IDLE\n"
	    "alice           192.0.2.7:53122      2023-11-14 22:13:20  "
	    "      2      1.2K     20.0M     3s\n"
	    "-               [2001:db8::1]:40000  2023-11-14 22:15:00  "
	    "      0         0         0     1m\n"
	    "bob.smith-long  127.0.0.1:1          2023-11-14 22:16:40  "
	    "      1         5         6     2h\n"
	    "sessions 2, unauthenticated 1, tunnels 3, auth failures 17, "
	    "penalised sources 2\n");
	free(out);
	snapshot(&st, 0);
	st.stopping = true;
	out = status_text(&st);
	ck_assert_str_eq(out,
	    "popgated 9.9, pid 4242, up 1h, shutting down\n"
	    "USER  SOURCE  SINCE                TUNNELS        UP      DOWN"
	    "   IDLE\n"
	    "sessions 0, unauthenticated 0, tunnels 0, auth failures 17, "
	    "penalised sources 2\n");
	free(out);
}
END_TEST

START_TEST(test_status_json)
{
	struct status		 st;
	struct status_session	 odd = { 7, true, "q\"u\\o\x01", "x\n",
				    -1, 0, 0, 0, 0, "" };
	char			*out = NULL;

	snapshot(&st, 2);
	out = status_json(&st);
	ck_assert_str_eq(out,
	    "{\"pid\":4242,\"version\":\"9.9\",\"state\":\"running\","
	    "\"started\":1700000000,\"now\":1700003600,\"sessions\":["
	    "{\"pid\":101,\"user\":\"alice\",\"authenticated\":true,"
	    "\"source\":\"192.0.2.7:53122\",\"via\":null,"
	    "\"since\":1700000000,"
	    "\"tunnels\":2,\"bytes_up\":1234,\"bytes_down\":20971520,"
	    "\"idle_seconds\":3},"
	    "{\"pid\":102,\"user\":null,\"authenticated\":false,"
	    "\"source\":\"[2001:db8::1]:40000\",\"via\":\"10.0.0.2:41000\","
	    "\"since\":1700000100,"
	    "\"tunnels\":0,\"bytes_up\":0,\"bytes_down\":0,"
	    "\"idle_seconds\":75}],"
	    "\"totals\":{\"sessions\":1,\"unauthenticated\":1,\"tunnels\":2,"
	    "\"auth_failures\":17,\"penalised_sources\":2}}\n");
	free(out);
	st.sessions = &odd;
	st.nsessions = 1;
	st.stopping = true;
	out = status_json(&st);
	ck_assert_ptr_nonnull(strstr(out, "\"state\":\"stopping\""));
	ck_assert_ptr_nonnull(strstr(out,
	    "\"user\":\"q\\\"u\\\\o\\u0001\""));
	ck_assert_ptr_nonnull(strstr(out, "\"source\":\"x\\u000a\""));
	ck_assert_ptr_nonnull(strstr(out, "\"since\":-1,"));
	free(out);
}
END_TEST

Suite *
status_suite(void)
{
	Suite	*s = suite_create("status");
	TCase	*tc = tcase_create("format");

	tcase_add_test(tc, test_status_bytes_and_durations);
	tcase_add_test(tc, test_status_text_table);
	tcase_add_test(tc, test_status_json);
	suite_add_tcase(s, tc);
	return s;
}

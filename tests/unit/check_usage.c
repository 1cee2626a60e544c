/*
 * check_usage: popgate --help names every option, its defaults and the
 * exit codes, in lines that fit a terminal.
 */
#include <string.h>

#include "popgate/opts.h"
#include "popgate/usage.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

START_TEST(test_usage_lists_everything)
{
	static const char *const want[] = {
		"[USER@]GATEWAY", "-p PORT", "-l USER",
		"-L [BIND:]PORT:HOST:HOSTPORT", "-i FILE", "-W HOST:PORT",
		"-v ", "-q ", "--known-hosts FILE", "--accept-new",
		"--fingerprint SHA256:", "--password-file FILE",
		"--keepalive SECS", "--check", "--version", "--help",
		"[USER@]PROFILE", "--persist", "-f, --background",
		"--pid-file FILE", "-F FILE", "XDG_CONFIG_HOME",
		"~/.config/popgate/config",
		OPTS_DEFAULT_FORWARD, "0 ok", "2 usage",
		"3 host key verification", "4 authentication", "5 forward",
		"6 network",
	};
	const char	*u = usage_text();
	const char	*line = NULL;
	const char	*nl = NULL;
	size_t		 i;

	for (i = 0; i < NELEM(want); i++) {
		ck_assert_msg(strstr(u, want[i]) != NULL,
		    "usage lacks \"%s\"", want[i]);
	}
	for (line = u; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);	/* ends in a newline */
		ck_assert_msg(nl - line <= 79, "usage line too long: %.*s",
		    (int)(nl - line), line);
	}
}
END_TEST

Suite *
usage_suite(void)
{
	Suite	*s = suite_create("usage");
	TCase	*tc = tcase_create("text");

	tcase_add_test(tc, test_usage_lists_everything);
	suite_add_tcase(s, tc);
	return s;
}

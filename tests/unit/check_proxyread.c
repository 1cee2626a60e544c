/*
 * check_proxyread: the PROXY header off a real socket (socketpairs, and
 * one loopback TCP connection), whole or in pieces from a forked writer,
 * blocking and non-blocking: the header is taken and the client's bytes
 * after it are still there, unread. Garbage, a closed peer and silence
 * end in an error, silence at the deadline.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "popgate/addr.h"
#include "popgate/clock.h"
#include "popgate/proxyread.h"
#include "suites.h"

#define SIG		"\r\n\r\n\0\r\nQUIT\n"
#define V2_HDR		SIG "\x21\x11\x00\x0c" "\x0a\x00\x00\x01" \
			"\xc0\x00\x02\x01" "\x30\x39" "\x00\x16"
#define V1_HDR		"PROXY TCP4 192.0.2.7 198.51.100.1 56324 22\r\n"
#define BANNER		"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"
#define DEADLINE_MS	10000	/* generous: the tests never wait for it */

static int	sv[2] = { -1, -1 };	/* [0] read by proxyread, [1] written */
static pid_t	writer = -1;

static void
pair_setup(void)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
	writer = -1;
}

static void
pair_teardown(void)
{
	int	st;

	if (writer > 0) {
		kill(writer, SIGKILL);
		waitpid(writer, &st, 0);
		writer = -1;
	}
	if (sv[0] >= 0) {
		close(sv[0]);
	}
	if (sv[1] >= 0) {
		close(sv[1]);
	}
	sv[0] = sv[1] = -1;
}

static void
sleep_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void
write_all(int fd, const void *p, size_t len)
{
	const char	*b = p;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, b, len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			_exit(3);
		}
		b += n;
		len -= (size_t)n;
	}
}

/*
 * A child writes the len bytes at data to sv[1] in pieces of step bytes,
 * pausing delay_ms between them, then keeps the socket open (close_at_end
 * false) until killed, or closes it.
 */
static void
writer_start(const void *data, size_t len, size_t step, long delay_ms,
    bool close_at_end)
{
	const char	*p = data;
	size_t		 off;

	writer = fork();
	ck_assert_int_ge(writer, 0);
	if (writer > 0) {
		close(sv[1]);
		sv[1] = -1;
		return;
	}
	close(sv[0]);
	for (off = 0; off < len; off += step) {
		if (off > 0) {
			sleep_ms(delay_ms);
		}
		write_all(sv[1], p + off, len - off < step ? len - off : step);
	}
	if (close_at_end) {
		close(sv[1]);
	}
	for (;;) {
		pause();
	}
}

/* Reads exactly len bytes that should follow; asserts they are want. */
static void
assert_rest(int fd, const char *want, size_t len)
{
	char		buf[256] = "";
	size_t		got = 0;
	ssize_t		n;
	struct pollfd	pfd = { fd, POLLIN, 0 };

	ck_assert_uint_lt(len, sizeof(buf));
	while (got < len) {
		ck_assert_int_eq(poll(&pfd, 1, DEADLINE_MS), 1);
		n = recv(fd, buf + got, sizeof(buf) - got, MSG_DONTWAIT);
		ck_assert_int_gt(n, 0);
		got += (size_t)n;
	}
	ck_assert_uint_eq(got, len);
	ck_assert_int_eq(memcmp(buf, want, len), 0);
}

static void
assert_src(const struct proxyproto_hdr *hdr, const char *src,
    const char *dst)
{
	char	buf[ADDR_STRLEN];

	ck_assert(!hdr->local);
	ck_assert_str_eq(addr_format_sa((const struct sockaddr *)&hdr->src,
	    buf, sizeof(buf)), src);
	ck_assert_str_eq(addr_format_sa((const struct sockaddr *)&hdr->dst,
	    buf, sizeof(buf)), dst);
}

START_TEST(test_proxyread_v2_then_banner)
{
	static const char	data[] = V2_HDR BANNER;
	struct proxyproto_hdr	hdr;
	char			err[256] = "";

	write_all(sv[1], data, sizeof(data) - 1);
	ck_assert_msg(proxyread_header(sv[0], clock_ms() + DEADLINE_MS, &hdr,
	    err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(hdr.len, 28);
	assert_src(&hdr, "10.0.0.1:12345", "192.0.2.1:22");
	assert_rest(sv[0], BANNER, strlen(BANNER));
}
END_TEST

START_TEST(test_proxyread_v1_then_banner)
{
	struct proxyproto_hdr	hdr;
	char			err[256] = "";

	write_all(sv[1], V1_HDR BANNER, strlen(V1_HDR BANNER));
	ck_assert_msg(proxyread_header(sv[0], clock_ms() + DEADLINE_MS, &hdr,
	    err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(hdr.version, 1);
	assert_src(&hdr, "192.0.2.7:56324", "198.51.100.1:22");
	assert_rest(sv[0], BANNER, strlen(BANNER));
}
END_TEST

/* Pieces of 7 bytes (the last with the banner), then byte by byte. */
START_TEST(test_proxyread_v1_in_pieces)
{
	struct proxyproto_hdr	hdr;
	char			err[256] = "";
	static const char	data[] = V1_HDR BANNER;

	writer_start(data, sizeof(data) - 1, _i == 0 ? 7 : 1, 5, false);
	ck_assert_msg(proxyread_header(sv[0], clock_ms() + DEADLINE_MS, &hdr,
	    err, sizeof(err)) == 0, "%s", err);
	assert_src(&hdr, "192.0.2.7:56324", "198.51.100.1:22");
	assert_rest(sv[0], BANNER, strlen(BANNER));
}
END_TEST

START_TEST(test_proxyread_v2_in_pieces)
{
	struct proxyproto_hdr	hdr;
	char			err[256] = "";
	static const char	data[] = V2_HDR BANNER;

	writer_start(data, sizeof(data) - 1, _i == 0 ? 5 : 1, 5, false);
	ck_assert_msg(proxyread_header(sv[0], clock_ms() + DEADLINE_MS, &hdr,
	    err, sizeof(err)) == 0, "%s", err);
	assert_src(&hdr, "10.0.0.1:12345", "192.0.2.1:22");
	assert_rest(sv[0], BANNER, strlen(BANNER));
}
END_TEST

START_TEST(test_proxyread_nonblocking)
{
	struct proxyproto_hdr	hdr;
	char			err[256] = "";
	static const char	data[] = V2_HDR BANNER;

	ck_assert_int_eq(fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) |
	    O_NONBLOCK), 0);
	writer_start(data, sizeof(data) - 1, 3, 10, false);
	ck_assert_msg(proxyread_header(sv[0], clock_ms() + DEADLINE_MS, &hdr,
	    err, sizeof(err)) == 0, "%s", err);
	assert_src(&hdr, "10.0.0.1:12345", "192.0.2.1:22");
	assert_rest(sv[0], BANNER, strlen(BANNER));
}
END_TEST

/* The largest header there may be, and the banner right behind it. */
START_TEST(test_proxyread_v2_largest)
{
	unsigned char		data[PROXYPROTO_V2_MAX + sizeof(BANNER)];
	struct proxyproto_hdr	hdr;
	char			err[256] = "";
	size_t			vlen = PROXYPROTO_V2_MAX - 28 - 3;

	memcpy(data, V2_HDR, 28);
	data[14] = (PROXYPROTO_V2_MAX - 16) >> 8;
	data[15] = (PROXYPROTO_V2_MAX - 16) & 0xff;
	data[28] = 0x04;
	data[29] = (unsigned char)(vlen >> 8);
	data[30] = (unsigned char)vlen;
	memset(data + 31, 0, vlen);
	memcpy(data + PROXYPROTO_V2_MAX, BANNER, sizeof(BANNER));
	writer_start(data, PROXYPROTO_V2_MAX + strlen(BANNER), 100, 5,
	    false);
	ck_assert_msg(proxyread_header(sv[0], clock_ms() + DEADLINE_MS, &hdr,
	    err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(hdr.len, PROXYPROTO_V2_MAX);
	assert_src(&hdr, "10.0.0.1:12345", "192.0.2.1:22");
	assert_rest(sv[0], BANNER, strlen(BANNER));
}
END_TEST

/* A health check: LOCAL, then the balancer closes. */
START_TEST(test_proxyread_local)
{
	struct proxyproto_hdr	hdr;
	char			err[256] = "";

	write_all(sv[1], SIG "\x20\x00\x00\x00", 16);
	close(sv[1]);
	sv[1] = -1;
	ck_assert_msg(proxyread_header(sv[0], clock_ms() + DEADLINE_MS, &hdr,
	    err, sizeof(err)) == 0, "%s", err);
	ck_assert(hdr.local);
	ck_assert(hdr.health);
	ck_assert_uint_eq(hdr.srclen, 0);
}
END_TEST

struct fail_case {
	const char	*data;
	size_t		 len;
	bool		 close;		/* the writer closes after it */
	const char	*err;
};

static const struct fail_case fail_cases[] = {
	{ BANNER, sizeof(BANNER) - 1, false,
	    "not a PROXY protocol header (first byte 0x53)" },
	{ "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n" BANNER, 34 + 32, false,
	    "v1: text after the destination port" },
	{ "PROXY TCP4 1.2", 14, true,
	    "connection closed after 14 bytes of the PROXY header" },
	{ SIG "\x21\x11\x00\x0c\x0a", 17, true,
	    "connection closed after 17 bytes of the PROXY header" },
	{ "", 0, true, "connection closed after 0 bytes of the PROXY header" },
	{ SIG "\x21\x11\x00\x0e" "\x0a\x00\x00\x01\xc0\x00\x02\x01\x30\x39"
	    "\x00\x16" "\x04\x00" BANNER, 30 + 32, false,
	    "v2: truncated TLV at offset 28" },
};

/* Refused at once, long before the deadline. */
START_TEST(test_proxyread_fails)
{
	const struct fail_case	*c = &fail_cases[_i];
	struct proxyproto_hdr	 hdr;
	char			 err[256] = "";
	uint64_t		 start = clock_ms();

	writer_start(c->data, c->len, 5, 10, c->close);
	ck_assert_int_eq(proxyread_header(sv[0], start + DEADLINE_MS, &hdr,
	    err, sizeof(err)), -1);
	ck_assert_str_eq(err, c->err);
	ck_assert_uint_lt(clock_ms() - start, DEADLINE_MS / 2);
	ck_assert_uint_eq(hdr.len, 0);
}
END_TEST

/* Half a header, then silence: an error at the deadline, not later. */
START_TEST(test_proxyread_times_out)
{
	struct proxyproto_hdr	hdr;
	char			err[256] = "";
	uint64_t		start;
	uint64_t		took;

	write_all(sv[1], "PROXY TCP4 1.2", 14);
	start = clock_ms();
	ck_assert_int_eq(proxyread_header(sv[0], start + 300, &hdr, err,
	    sizeof(err)), -1);
	took = clock_ms() - start;
	ck_assert_str_eq(err, "no complete PROXY header in time (14 bytes of "
	    "it received)");
	ck_assert_uint_ge(took, 300);
	ck_assert_uint_lt(took, 5000);
	/* Silence from the start, on a non-blocking socket. */
	pair_teardown();
	pair_setup();
	ck_assert_int_eq(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	ck_assert_int_eq(proxyread_header(sv[0], clock_ms() + 100, &hdr, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "no complete PROXY header in time (0 bytes of "
	    "it received)");
}
END_TEST

/* A loopback TCP connection, the way the gateway will see one. */
START_TEST(test_proxyread_tcp)
{
	struct sockaddr_in	sin;
	struct proxyproto_hdr	hdr;
	socklen_t		len = sizeof(sin);
	char			err[256] = "";
	int			lfd, cfd, afd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(lfd, 1), 0);
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&sin, &len), 0);
	cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(cfd, 0);
	ck_assert_int_eq(connect(cfd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	afd = accept(lfd, NULL, NULL);
	ck_assert_int_ge(afd, 0);
	write_all(cfd, V1_HDR BANNER, strlen(V1_HDR BANNER));
	ck_assert_msg(proxyread_header(afd, clock_ms() + DEADLINE_MS, &hdr,
	    err, sizeof(err)) == 0, "%s", err);
	assert_src(&hdr, "192.0.2.7:56324", "198.51.100.1:22");
	assert_rest(afd, BANNER, strlen(BANNER));
	close(afd);
	close(cfd);
	close(lfd);
}
END_TEST

Suite *
proxyread_suite(void)
{
	Suite	*s = suite_create("proxyread");
	TCase	*tc = tcase_create("read");

	tcase_add_checked_fixture(tc, pair_setup, pair_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_proxyread_v2_then_banner);
	tcase_add_test(tc, test_proxyread_v1_then_banner);
	tcase_add_loop_test(tc, test_proxyread_v1_in_pieces, 0, 2);
	tcase_add_loop_test(tc, test_proxyread_v2_in_pieces, 0, 2);
	tcase_add_test(tc, test_proxyread_nonblocking);
	tcase_add_test(tc, test_proxyread_v2_largest);
	tcase_add_test(tc, test_proxyread_local);
	tcase_add_loop_test(tc, test_proxyread_fails, 0,
	    sizeof(fail_cases) / sizeof(fail_cases[0]));
	tcase_add_test(tc, test_proxyread_times_out);
	tcase_add_test(tc, test_proxyread_tcp);
	suite_add_tcase(s, tc);
	return s;
}

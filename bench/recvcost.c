/*
 * recvcost: what libssh 0.10's receive pattern costs the kernel, and
 * whether feeding libssh through an AF_UNIX socketpair gets around it
 * (bench/README.md, "The 4 KiB ceiling").
 *
 * libssh reads its socket 4 KiB per poll callback (MAX_BUF_SIZE in its
 * socket.c): one poll(2) and one recv(2) per 4 KiB. A forked sender writes
 * 1 GiB in 64 KiB writes; this process receives it one way per mode:
 *
 *   tcp4k        poll + recv 4 KiB on a TCP loopback socket (libssh today)
 *   unix4k       the same on an AF_UNIX socketpair the sender writes into
 *   tcp256k      poll + recv 256 KiB on TCP (a reader like OpenSSH's)
 *   pump-copy    TCP recv 256 KiB -> send into a socketpair, libssh-like
 *                4 KiB reads on its other end; one thread, as an event
 *                loop would run it (common/drain.c's private polls)
 *   pump-splice  the same, TCP -> pipe -> socketpair with splice(2)
 *
 * On loopback the receiver's system calls also run the sender's TCP
 * transmit (ACKs release data in the receiver's softirq), so the total of
 * both processes is the figure to compare. Modes alternate; medians of
 * the runs are printed. Usage: recvcost [runs] (default 5).
 */
#define _GNU_SOURCE		/* splice, pipe2, F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RC_TOTAL	(1ULL << 30)
#define RC_SMALL	4096			/* libssh's MAX_BUF_SIZE */
#define RC_BIG		(256 * 1024)
#define RC_SEND		(64 * 1024)
#define RC_DRAIN	64			/* polls of the session alone */
#define RC_MAXRUNS	21

enum rc_kind { RC_TCP, RC_UNIX, RC_PUMP };

struct rc_mode {
	const char	*name;
	enum rc_kind	 kind;
	size_t		 rsize;		/* the reader's recv size */
	bool		 splice;	/* pump with splice(2) */
};

static const struct rc_mode modes[] = {
	{ "tcp4k",	 RC_TCP,  RC_SMALL, false },
	{ "unix4k",	 RC_UNIX, RC_SMALL, false },
	{ "tcp256k",	 RC_TCP,  RC_BIG,   false },
	{ "pump-copy",	 RC_PUMP, RC_SMALL, false },
	{ "pump-splice", RC_PUMP, RC_SMALL, true },
};
#define RC_NMODES	(sizeof(modes) / sizeof(modes[0]))

struct rc_sample {
	double	mibs, recv_s, send_s;
};

/* The bytes one direction of the pump holds between its two sockets. */
struct rc_pump {
	int	from, to;
	char	*buf;
	size_t	off, len;
	int	pipefd[2];
	size_t	inpipe;
	bool	eof;
};

static char	rbuf[RC_BIG];

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

static double
seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static double
cpu_s(const struct rusage *ru)
{
	return seconds(&ru->ru_utime) + seconds(&ru->ru_stime);
}

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
set_nonblock(int fd)
{
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		die("fcntl");
	}
}

/* A connected TCP loopback pair, TCP_NODELAY on both ends. */
static void
tcp_pair(int *snd, int *rcv)
{
	struct sockaddr_in	sa;
	socklen_t		len = sizeof(sa);
	int			l, on = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l == -1 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(l, 1) == -1 ||
	    getsockname(l, (struct sockaddr *)&sa, &len) == -1) {
		die("listen");
	}
	*snd = socket(AF_INET, SOCK_STREAM, 0);
	if (*snd == -1 ||
	    connect(*snd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		die("connect");
	}
	*rcv = accept(l, NULL, NULL);
	if (*rcv == -1) {
		die("accept");
	}
	setsockopt(*snd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	setsockopt(*rcv, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	close(l);
}

/* Forks a child that writes RC_TOTAL bytes into fd and exits. */
static pid_t
start_sender(int fd, int keep)
{
	static char		 buf[RC_SEND];
	unsigned long long	 left = RC_TOTAL;
	ssize_t			 n;
	pid_t			 pid;

	pid = fork();
	if (pid == -1) {
		die("fork");
	}
	if (pid != 0) {
		close(fd);
		return pid;
	}
	close(keep);
	memset(buf, 'x', sizeof(buf));
	while (left > 0) {
		n = write(fd, buf, left < sizeof(buf) ? left : sizeof(buf));
		if (n <= 0) {
			_exit(1);
		}
		left -= (unsigned long long)n;
	}
	_exit(0);
}

/* poll + recv of size bytes until EOF; the bytes read. */
static unsigned long long
read_loop(int fd, size_t size)
{
	struct pollfd		p = { fd, POLLIN, 0 };
	unsigned long long	got = 0;
	ssize_t			n;

	set_nonblock(fd);
	for (;;) {
		if (poll(&p, 1, -1) == -1 && errno != EINTR) {
			die("poll");
		}
		n = recv(fd, rbuf, size, 0);
		if (n == 0) {
			return got;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			die("recv");
		}
		if (n > 0) {
			got += (unsigned long long)n;
		}
	}
}

static size_t
pump_pending(const struct rc_pump *pu, bool use_splice)
{
	return use_splice ? pu->inpipe : pu->len - pu->off;
}

/* One large read from the TCP socket into the pump. */
static void
pump_fill(struct rc_pump *pu, bool use_splice)
{
	ssize_t	n;

	if (use_splice) {
		n = splice(pu->from, NULL, pu->pipefd[1], NULL, RC_BIG,
		    SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
	} else {
		n = recv(pu->from, pu->buf, RC_BIG, 0);
	}
	if (n == 0) {
		pu->eof = true;
	} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
		die("pump read");
	} else if (n > 0 && use_splice) {
		pu->inpipe = (size_t)n;
	} else if (n > 0) {
		pu->off = 0;
		pu->len = (size_t)n;
	}
}

/* Moves what the pump holds into the socketpair, as far as it takes. */
static void
pump_flush(struct rc_pump *pu, bool use_splice)
{
	ssize_t	n;

	if (pump_pending(pu, use_splice) == 0) {
		return;
	}
	if (use_splice) {
		n = splice(pu->pipefd[0], NULL, pu->to, NULL, pu->inpipe,
		    SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
	} else {
		n = send(pu->to, pu->buf + pu->off, pu->len - pu->off, 0);
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		die("pump write");
	}
	if (n > 0 && use_splice) {
		pu->inpipe -= (size_t)n;
	} else if (n > 0) {
		pu->off += (size_t)n;
	}
}

/*
 * The libssh side: one 4 KiB read, then up to RC_DRAIN more, each after
 * a poll of its socket alone. -1 at EOF, else the bytes read.
 */
static long long
lib_reads(int fd)
{
	static char	buf[RC_SMALL];
	struct pollfd	p = { fd, POLLIN, 0 };
	long long	got = 0;
	ssize_t		n;
	int		i;

	for (i = 0; i <= RC_DRAIN; i++) {
		if (i > 0 && poll(&p, 1, 0) <= 0) {
			break;
		}
		n = recv(fd, buf, sizeof(buf), 0);
		if (n == 0) {
			return -1;
		}
		if (n < 0) {
			break;
		}
		got += n;
	}
	return got;
}

/* t: TCP, a: the pump's end of the socketpair, b: libssh's end. */
static unsigned long long
pump_loop(int t, int a, int b, bool use_splice)
{
	struct rc_pump		pu = { t, a, rbuf, 0, 0, { -1, -1 }, 0, false };
	struct pollfd		p[3];
	unsigned long long	got = 0;
	long long		n;

	set_nonblock(t);
	set_nonblock(a);
	set_nonblock(b);
	if (use_splice && (pipe2(pu.pipefd, O_NONBLOCK) == -1 ||
	    fcntl(pu.pipefd[0], F_SETPIPE_SZ, RC_BIG) == -1)) {
		die("pipe");
	}
	for (;;) {
		p[0].fd = !pu.eof && pump_pending(&pu, use_splice) == 0 ?
		    t : -1;
		p[0].events = POLLIN;
		p[1].fd = pump_pending(&pu, use_splice) > 0 ? a : -1;
		p[1].events = POLLOUT;
		p[2].fd = b;
		p[2].events = POLLIN;
		if (poll(p, 3, -1) == -1 && errno != EINTR) {
			die("poll");
		}
		if (p[2].revents != 0) {
			n = lib_reads(b);
			if (n < 0) {
				break;
			}
			got += (unsigned long long)n;
		}
		if (p[0].revents != 0) {
			pump_fill(&pu, use_splice);
		}
		pump_flush(&pu, use_splice);
		if (pu.eof && pump_pending(&pu, use_splice) == 0) {
			shutdown(a, SHUT_WR);
		}
	}
	if (use_splice) {
		close(pu.pipefd[0]);
		close(pu.pipefd[1]);
	}
	return got;
}

/* The bytes received; the sender's pid in *pid. */
static unsigned long long
receive(const struct rc_mode *m, pid_t *pid)
{
	unsigned long long	got;
	int			s, r, sp[2];

	if (m->kind != RC_TCP && socketpair(AF_UNIX, SOCK_STREAM, 0,
	    sp) == -1) {
		die("socketpair");
	}
	if (m->kind == RC_UNIX) {
		*pid = start_sender(sp[0], sp[1]);
		got = read_loop(sp[1], m->rsize);
		close(sp[1]);
		return got;
	}
	tcp_pair(&s, &r);
	*pid = start_sender(s, r);
	if (m->kind == RC_TCP) {
		got = read_loop(r, m->rsize);
	} else {
		got = pump_loop(r, sp[0], sp[1], m->splice);
		close(sp[0]);
		close(sp[1]);
	}
	close(r);
	return got;
}

static struct rc_sample
run_mode(const struct rc_mode *m)
{
	struct rusage		before, after, kid;
	struct rc_sample	s;
	unsigned long long	got;
	double			t0, wall;
	pid_t			pid;
	int			st;

	getrusage(RUSAGE_SELF, &before);
	t0 = now_s();
	got = receive(m, &pid);
	if (wait4(pid, &st, 0, &kid) == -1 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0 || got != RC_TOTAL) {
		fprintf(stderr, "%s: moved %llu of %llu bytes\n", m->name,
		    got, RC_TOTAL);
		exit(1);
	}
	wall = now_s() - t0;
	getrusage(RUSAGE_SELF, &after);
	s.mibs = (double)RC_TOTAL / 1048576.0 / wall;
	s.recv_s = cpu_s(&after) - cpu_s(&before);
	s.send_s = cpu_s(&kid);
	return s;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
report(const struct rc_sample s[][RC_NMODES], int runs)
{
	double	mibs[RC_MAXRUNS], rcv[RC_MAXRUNS], snd[RC_MAXRUNS];
	double	tot[RC_MAXRUNS];
	size_t	i;
	int	r;

	printf("1 GiB, medians of %d runs; CPU seconds per GiB\n", runs);
	printf("%-12s %8s %9s %9s %9s %14s\n", "mode", "MiB/s", "receiver",
	    "sender", "total", "rcv us/4KiB");
	for (i = 0; i < RC_NMODES; i++) {
		for (r = 0; r < runs; r++) {
			mibs[r] = s[r][i].mibs;
			rcv[r] = s[r][i].recv_s;
			snd[r] = s[r][i].send_s;
			tot[r] = s[r][i].recv_s + s[r][i].send_s;
		}
		printf("%-12s %8.0f %9.2f %9.2f %9.2f %14.2f\n",
		    modes[i].name, median(mibs, runs), median(rcv, runs),
		    median(snd, runs), median(tot, runs),
		    median(rcv, runs) * 1e6 / (double)(RC_TOTAL / RC_SMALL));
	}
}

int
main(int argc, char **argv)
{
	static struct rc_sample	s[RC_MAXRUNS][RC_NMODES];
	int			runs = argc > 1 ? atoi(argv[1]) : 5;
	int			r;
	size_t			i;

	if (runs < 1 || runs > RC_MAXRUNS) {
		fprintf(stderr, "usage: recvcost [runs: 1-%d]\n", RC_MAXRUNS);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	for (r = 0; r < runs; r++) {
		for (i = 0; i < RC_NMODES; i++) {
			s[r][i] = run_mode(&modes[i]);
		}
	}
	report(s, runs);
	return 0;
}

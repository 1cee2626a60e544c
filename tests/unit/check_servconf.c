/*
 * check_servconf: every keyword parses, rejects bad values at the right
 * line, and survives a -T round trip; then defaults, -o, validation and
 * resolving. "@/" in expected text stands for the test's config folder
 * (a bare '@' is literal: algorithm names hold it).
 */
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "popgate/algos.h"
#include "popgate/servconf.h"
#include "popgate/str.h"
#include "popgate/xmem.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define FWD		"Forward pop3:110 127.0.0.1:110\n"
#define AUTH		"PasswordFile passwd\n"

static char	*dir;		/* realpath of a mkdtemp folder */
static char	*conf;		/* dir/popgated.conf */

static void
dir_setup(void)
{
	char	*tmp = testutil_mkdtemp();

	dir = realpath(tmp, NULL);
	ck_assert_ptr_nonnull(dir);
	free(tmp);
	conf = xasprintf("%s/popgated.conf", dir);
}

static void
dir_teardown(void)
{
	free(conf);
	conf = NULL;
	testutil_rmdir(dir);
	dir = NULL;
}

/* tmpl with every "@/" replaced by folder d and '/'. New string. */
static char *
subst_dir(const char *tmpl, const char *d)
{
	char	*out = NULL;
	size_t	 size = 0;
	FILE	*mem = open_memstream(&out, &size);

	ck_assert_ptr_nonnull(mem);
	for (; *tmpl != '\0'; tmpl++) {
		if (tmpl[0] == '@' && tmpl[1] == '/') {
			fputs(d, mem);
		} else {
			fputc(*tmpl, mem);
		}
	}
	fclose(mem);
	return out;
}

static char *
subst(const char *tmpl)
{
	return subst_dir(tmpl, dir);
}

/* Writes text to dir/popgated.conf and loads it with -o opts. */
static int
load_opts(const char *text, const char *const *opts, size_t nopts,
    bool resolve, struct servconf *sc, char *err, size_t errlen)
{
	char	*path = testutil_write(dir, "popgated.conf", text);
	char	**copy = xcalloc(nopts + 1, sizeof(*copy));
	size_t	 i;
	int	 rc;

	for (i = 0; i < nopts; i++) {
		copy[i] = xstrdup(opts[i]);
	}
	rc = servconf_load(sc, path, copy, nopts, resolve, err, errlen);
	for (i = 0; i < nopts; i++) {
		free(copy[i]);
	}
	free(copy);
	free(path);
	return rc;
}

static int
load_text(const char *text, const char *const *opts, size_t nopts,
    struct servconf *sc, char *err, size_t errlen)
{
	return load_opts(text, opts, nopts, false, sc, err, errlen);
}

static char *
print_all(const struct servconf *sc)
{
	char	*out = NULL;
	size_t	 size = 0;
	FILE	*mem = open_memstream(&out, &size);

	ck_assert_ptr_nonnull(mem);
	servconf_print(sc, mem);
	fclose(mem);
	return out;
}

/* The printed lines of one keyword. New string. */
static char *
print_keyword(const struct servconf *sc, const char *keyword)
{
	char	*all = print_all(sc);
	char	*cursor = all;
	char	*line = NULL;
	char	*out = NULL;
	size_t	 size = 0;
	size_t	 n = strlen(keyword);
	FILE	*mem = open_memstream(&out, &size);

	ck_assert_ptr_nonnull(mem);
	while ((line = strsep(&cursor, "\n")) != NULL) {
		if (strncmp(line, keyword, n) == 0 && line[n] == ' ') {
			fprintf(mem, "%s\n", line);
		}
	}
	fclose(mem);
	free(all);
	return out;
}

struct accept_case {
	const char	*keyword;
	const char	*text;
	const char	*want;		/* its printed lines, "@/" = dir/ */
};

static const struct accept_case accept_cases[] = {
	{ "ListenAddress", FWD AUTH,
	    "ListenAddress 0.0.0.0:22\nListenAddress [::]:22\n" },
	{ "ListenAddress", FWD AUTH "ListenAddress 127.0.0.1:2222\n",
	    "ListenAddress 127.0.0.1:2222\n" },
	{ "ListenAddress", FWD AUTH "ListenAddress localhost\n",
	    "ListenAddress localhost:22\n" },
	{ "ListenAddress", FWD AUTH "ListenAddress=::1\n",
	    "ListenAddress [::1]:22\n" },
	{ "ListenAddress", FWD AUTH "ListenAddress 127.0.0.1:0\n"
	    "listenaddress [::1]:0\n",
	    "ListenAddress 127.0.0.1:0\nListenAddress [::1]:0\n" },
	{ "ListenAddress", FWD AUTH "ProxyFrom 127.0.0.1\n"
	    "ListenAddress 127.0.0.1:2222 proxy\nListenAddress [::1]:2223\n",
	    "ListenAddress 127.0.0.1:2222 proxy\nListenAddress [::1]:2223\n" },
	{ "ListenAddress", FWD AUTH "ListenAddress=0.0.0.0 PROXY\n"
	    "ProxyFrom 10.0.0.0/8\n", "ListenAddress 0.0.0.0:22 proxy\n" },
	{ "ProxyFrom", FWD AUTH, "" },
	{ "ProxyFrom", FWD AUTH "ProxyFrom 10.0.0.0/8,192.0.2.7\n"
	    "proxyfrom ::1\nProxyFrom=2001:DB8::/32\n",
	    "ProxyFrom 10.0.0.0/8\nProxyFrom 192.0.2.7/32\n"
	    "ProxyFrom ::1/128\nProxyFrom 2001:db8::/32\n" },
	{ "ProxyFrom", FWD AUTH "ProxyFrom ::ffff:10.1.0.0/112\n",
	    "ProxyFrom 10.1.0.0/16\n" },
	{ "HostKey", FWD AUTH, "HostKey @/ssh_host_ed25519_key\n" },
	{ "HostKey", FWD AUTH "HostKey keys/host\n", "HostKey @/keys/host\n" },
	{ "HostKey", FWD AUTH "HostKey /etc/k1\nHOSTKEY k2\n",
	    "HostKey /etc/k1\nHostKey @/k2\n" },
	{ "HostKey", FWD AUTH "HostKey \"my keys/host key\"\n",
	    "HostKey \"@/my keys/host key\"\n" },
	{ "AuthorizedKeysFile", FWD AUTH, "" },
	{ "AuthorizedKeysFile", FWD "AuthorizedKeysFile /etc/keys/%u\n",
	    "AuthorizedKeysFile /etc/keys/%u\n" },
	{ "AuthorizedKeysFile", FWD "AuthorizedKeysFile keys/%u.pub\n",
	    "AuthorizedKeysFile @/keys/%u.pub\n" },
	{ "AuthorizedKeysFile", FWD "AuthorizedKeysFile /k/100%%/%u\n",
	    "AuthorizedKeysFile /k/100%%/%u\n" },
	{ "AuthorizedKeysFile", FWD "AuthorizedKeysFile /etc/one_file\n",
	    "AuthorizedKeysFile /etc/one_file\n" },
	{ "PasswordFile", FWD "AuthorizedKeysFile /k/%u\n", "" },
	{ "PasswordFile", FWD AUTH, "PasswordFile @/passwd\n" },
	{ "PasswordFile", FWD "PasswordFile /etc/popgate/passwd\n",
	    "PasswordFile /etc/popgate/passwd\n" },
	{ "PasswordFile", FWD "PasswordFile=/x/100%\n",
	    "PasswordFile /x/100%\n" },
	{ "Forward", FWD AUTH, "Forward pop3:110 127.0.0.1:110\n" },
	{ "Forward", FWD AUTH "Forward pop3s:995 [::1]:995\n"
	    "forward Mail.Example:110 mail.internal:1110\n",
	    "Forward pop3:110 127.0.0.1:110\nForward pop3s:995 [::1]:995\n"
	    "Forward Mail.Example:110 mail.internal:1110\n" },
	{ "Forward", AUTH "Forward pop3:110 backend:110\n"
	    "Forward pop3:995 backend:995\n",
	    "Forward pop3:110 backend:110\nForward pop3:995 backend:995\n" },
	{ "MaxAuthTries", FWD AUTH, "MaxAuthTries 3\n" },
	{ "MaxAuthTries", FWD AUTH "MaxAuthTries 1\n", "MaxAuthTries 1\n" },
	{ "MaxAuthTries", FWD AUTH "maxauthtries=100\n", "MaxAuthTries 100\n" },
	{ "LoginGraceTime", FWD AUTH, "LoginGraceTime 30\n" },
	{ "LoginGraceTime", FWD AUTH "LoginGraceTime 2m\n",
	    "LoginGraceTime 120\n" },
	{ "LoginGraceTime", FWD AUTH "LoginGraceTime 45s\n",
	    "LoginGraceTime 45\n" },
	{ "LoginGraceTime", FWD AUTH "LoginGraceTime 1h\n",
	    "LoginGraceTime 3600\n" },
	{ "LoginGraceTime", FWD AUTH "LoginGraceTime 1\n",
	    "LoginGraceTime 1\n" },
	{ "MaxStartups", FWD AUTH, "MaxStartups 10:30:100\n" },
	{ "MaxStartups", FWD AUTH "MaxStartups 5:50:20\n",
	    "MaxStartups 5:50:20\n" },
	{ "MaxStartups", FWD AUTH "MaxStartups 10\n",
	    "MaxStartups 10:100:10\n" },
	{ "MaxStartups", FWD AUTH "MaxStartups 1:1:1\n",
	    "MaxStartups 1:1:1\n" },
	{ "ChannelsPerSession", FWD AUTH, "ChannelsPerSession 64\n" },
	{ "ChannelsPerSession", FWD AUTH "ChannelsPerSession 1\n",
	    "ChannelsPerSession 1\n" },
	{ "ChannelsPerSession", FWD AUTH "ChannelsPerSession 1024\n",
	    "ChannelsPerSession 1024\n" },
	{ "BackendConnectTimeout", FWD AUTH, "BackendConnectTimeout 5\n" },
	{ "BackendConnectTimeout", FWD AUTH "BackendConnectTimeout 1m\n",
	    "BackendConnectTimeout 60\n" },
	{ "BackendConnectTimeout", FWD AUTH "BackendConnectTimeout 300\n",
	    "BackendConnectTimeout 300\n" },
	{ "LogLevel", FWD AUTH, "LogLevel INFO\n" },
	{ "LogLevel", FWD AUTH "LogLevel debug\n", "LogLevel DEBUG1\n" },
	{ "LogLevel", FWD AUTH "LogLevel DEBUG3\n", "LogLevel DEBUG3\n" },
	{ "LogLevel", FWD AUTH "LogLevel quiet\n", "LogLevel QUIET\n" },
	{ "LogLevel", FWD AUTH "LogLevel Verbose\n", "LogLevel VERBOSE\n" },
	{ "LogLevel", FWD AUTH "LogLevel FATAL\n", "LogLevel FATAL\n" },
	{ "LogTarget", FWD AUTH, "LogTarget stderr\n" },
	{ "LogTarget", FWD AUTH "LogTarget SYSLOG\n", "LogTarget syslog\n" },
	{ "LogTarget", FWD AUTH "logtarget=stderr\n", "LogTarget stderr\n" },
	{ "SyslogFacility", FWD AUTH, "SyslogFacility AUTH MAIL\n" },
	{ "SyslogFacility", FWD AUTH "SyslogFacility local0\n",
	    "SyslogFacility LOCAL0\n" },
	{ "SyslogFacility", FWD AUTH "SyslogFacility AUTHPRIV Local7\n",
	    "SyslogFacility AUTHPRIV LOCAL7\n" },
	{ "SyslogFacility", FWD AUTH "SyslogFacility daemon daemon\n",
	    "SyslogFacility DAEMON\n" },
	{ "SyslogFacility", FWD AUTH "SyslogFacility USER MAIL\n",
	    "SyslogFacility USER MAIL\n" },
	{ "KexAlgorithms", FWD AUTH, "KexAlgorithms " ALGOS_DEFAULT_KEX "\n" },
	{ "KexAlgorithms", FWD AUTH "KexAlgorithms curve25519-sha256\n",
	    "KexAlgorithms curve25519-sha256\n" },
	{ "Ciphers", FWD AUTH, "Ciphers " ALGOS_DEFAULT_CIPHERS "\n" },
	{ "Ciphers", FWD AUTH "ciphers aes128-gcm@openssh.com,aes256-ctr\n",
	    "Ciphers aes128-gcm@openssh.com,aes256-ctr\n" },
	{ "MACs", FWD AUTH, "MACs " ALGOS_DEFAULT_MACS "\n" },
	{ "MACs", FWD AUTH "MACs hmac-sha2-512\n", "MACs hmac-sha2-512\n" },
	{ "HostKeyAlgorithms", FWD AUTH,
	    "HostKeyAlgorithms " ALGOS_DEFAULT_HOSTKEY "\n" },
	{ "HostKeyAlgorithms", FWD AUTH "HostKeyAlgorithms ssh-ed25519\n",
	    "HostKeyAlgorithms ssh-ed25519\n" },
	{ "User", FWD AUTH, "User popgate\n" },
	{ "User", FWD AUTH "User nobody\n", "User nobody\n" },
	{ "User", FWD AUTH "user=_popgate-2.x\n", "User _popgate-2.x\n" },
	{ "StrictModes", FWD AUTH, "StrictModes yes\n" },
	{ "StrictModes", FWD AUTH "StrictModes no\n", "StrictModes no\n" },
	{ "StrictModes", FWD AUTH "strictmodes YES\n", "StrictModes yes\n" },
	{ "PerSourcePenalties", FWD AUTH, "PerSourcePenalties authfail:5 "
	    "grace-exceeded:10 noauth:1 crash:90 min:15 max:600 "
	    "max-sources:65536\n" },
	{ "PerSourcePenalties", FWD AUTH "PerSourcePenalties no\n",
	    "PerSourcePenalties no\n" },
	{ "PerSourcePenalties", FWD AUTH "PerSourcePenalties authfail:1m "
	    "max:1h min:2m\n", "PerSourcePenalties authfail:60 "
	    "grace-exceeded:10 noauth:1 crash:90 min:120 max:3600 "
	    "max-sources:65536\n" },
	{ "PerSourcePenalties", FWD AUTH "persourcepenalties=yes\n",
	    "PerSourcePenalties authfail:5 grace-exceeded:10 noauth:1 "
	    "crash:90 min:15 max:600 max-sources:65536\n" },
	{ "PerSourceMaxStartups", FWD AUTH, "PerSourceMaxStartups 8\n" },
	{ "PerSourceMaxStartups", FWD AUTH "PerSourceMaxStartups none\n",
	    "PerSourceMaxStartups none\n" },
	{ "PerSourceMaxStartups", FWD AUTH "PerSourceMaxStartups 1\n",
	    "PerSourceMaxStartups 1\n" },
	{ "MaxSessionsPerUser", FWD AUTH, "MaxSessionsPerUser 10\n" },
	{ "MaxSessionsPerUser", FWD AUTH "MaxSessionsPerUser NONE\n",
	    "MaxSessionsPerUser none\n" },
	{ "MaxSessionsPerUser", FWD AUTH "MaxSessionsPerUser 65535\n",
	    "MaxSessionsPerUser 65535\n" },
	{ "IdleTimeout", FWD AUTH, "IdleTimeout 3600\n" },
	{ "IdleTimeout", FWD AUTH "IdleTimeout 90s\n", "IdleTimeout 90\n" },
	{ "IdleTimeout", FWD AUTH "IdleTimeout none\n",
	    "IdleTimeout none\n" },
	{ "IdleTimeout", FWD AUTH "IdleTimeout 168h\n",
	    "IdleTimeout 604800\n" },
	{ "UnusedConnectionTimeout", FWD AUTH,
	    "UnusedConnectionTimeout 3600\n" },
	{ "UnusedConnectionTimeout", FWD AUTH "UnusedConnectionTimeout 5m\n",
	    "UnusedConnectionTimeout 300\n" },
	{ "UnusedConnectionTimeout", FWD AUTH
	    "UnusedConnectionTimeout none\n",
	    "UnusedConnectionTimeout none\n" },
	{ "ShutdownGrace", FWD AUTH, "ShutdownGrace 30\n" },
	{ "ShutdownGrace", FWD AUTH "ShutdownGrace 0\n",
	    "ShutdownGrace 0\n" },
	{ "ShutdownGrace", FWD AUTH "ShutdownGrace 1h\n",
	    "ShutdownGrace 3600\n" },
	{ "ControlSocket", FWD AUTH,
	    "ControlSocket /run/popgated/popgated.sock\n" },
	{ "ControlSocket", FWD AUTH "ControlSocket none\n",
	    "ControlSocket none\n" },
	{ "ControlSocket", FWD AUTH "ControlSocket popgated.sock\n",
	    "ControlSocket @/popgated.sock\n" },
	{ "ControlSocket", FWD AUTH "ControlSocket \"/run/pop gate.sock\"\n",
	    "ControlSocket \"/run/pop gate.sock\"\n" },
	{ "PasswordBackend", FWD AUTH, "PasswordBackend file\n" },
	{ "PasswordBackend", FWD "PasswordBackend POP3\n",
	    "PasswordBackend pop3\n" },
	{ "PasswordBackend", FWD AUTH "passwordbackend=File\n",
	    "PasswordBackend file\n" },
	{ "BackendPlaintextAuth", FWD AUTH, "BackendPlaintextAuth no\n" },
	{ "BackendPlaintextAuth", FWD AUTH "BackendPlaintextAuth YES\n",
	    "BackendPlaintextAuth yes\n" },
	{ "BackendPlaintextAuth", FWD AUTH "BackendPlaintextAuth no\n",
	    "BackendPlaintextAuth no\n" },
	{ "AuthCacheSeconds", FWD AUTH, "AuthCacheSeconds 0\n" },
	{ "AuthCacheSeconds", FWD AUTH "AuthCacheSeconds 0s\n",
	    "AuthCacheSeconds 0\n" },
	{ "BackendCAFile", FWD AUTH, "" },
	{ "BackendCAFile", FWD AUTH "BackendCAFile ca.pem\n",
	    "BackendCAFile @/ca.pem\n" },
	{ "BackendCAFile", FWD AUTH "BackendCAFile \"/etc/ssl/my ca.pem\"\n",
	    "BackendCAFile \"/etc/ssl/my ca.pem\"\n" },
	{ "BindMailbox", FWD AUTH, "BindMailbox no\n" },
	{ "BindMailbox", FWD AUTH "BindMailbox yes\n", "BindMailbox yes\n" },
	{ "MailboxMap", FWD AUTH, "" },
	{ "MailboxMap", FWD AUTH "MailboxMap mailboxes\n",
	    "MailboxMap @/mailboxes\n" },
	{ "MailboxMap", FWD AUTH "MailboxMap=/etc/popgate/mailboxes\n",
	    "MailboxMap /etc/popgate/mailboxes\n" },
};

START_TEST(test_servconf_keyword_parses)
{
	const struct accept_case	*c = &accept_cases[_i];
	struct servconf			 sc;
	char				 err[1024] = "";
	char				*got = NULL;
	char				*want = subst(c->want);

	ck_assert_msg(load_text(c->text, NULL, 0, &sc, err, sizeof(err)) == 0,
	    "%s", err);
	got = print_keyword(&sc, c->keyword);
	ck_assert_str_eq(got, want);
	servconf_free(&sc);
	free(got);
	free(want);
}
END_TEST

/* -T output read back gives the same configuration, printed the same. */
START_TEST(test_servconf_keyword_round_trips)
{
	const struct accept_case	*c = &accept_cases[_i];
	struct servconf			 sc;
	char				 err[1024] = "";
	char				*first = NULL;
	char				*again = NULL;

	ck_assert_int_eq(load_text(c->text, NULL, 0, &sc, err, sizeof(err)),
	    0);
	first = print_all(&sc);
	servconf_free(&sc);
	ck_assert_msg(load_text(first, NULL, 0, &sc, err, sizeof(err)) == 0,
	    "%s", err);
	again = print_all(&sc);
	ck_assert_str_eq(again, first);
	servconf_free(&sc);
	free(first);
	free(again);
}
END_TEST

struct reject_case {
	const char	*keyword;
	const char	*text;
	const char	*err;		/* after the config path */
};

static const struct reject_case reject_cases[] = {
	{ "ListenAddress", FWD AUTH "ListenAddress\n",
	    ":3: ListenAddress: missing argument (usage: ListenAddress "
	    "HOST[:PORT] [proxy])" },
	{ "ListenAddress", FWD AUTH "ListenAddress a:1 b:2\n",
	    ":3: ListenAddress: expected \"proxy\" after the address, got "
	    "\"b:2\"" },
	{ "ListenAddress", FWD AUTH "ProxyFrom ::1\n"
	    "ListenAddress a:1 proxy x\n",
	    ":4: ListenAddress: too many arguments (usage: ListenAddress "
	    "HOST[:PORT] [proxy])" },
	{ "ListenAddress", FWD AUTH "ListenAddress 127.0.0.1:2222 proxy\n",
	    ":3: ListenAddress: a proxy listener needs \"ProxyFrom "
	    "ADDR[/PREFIX]\" naming the balancers that may send PROXY "
	    "headers" },
	{ "ListenAddress", FWD AUTH "ListenAddress 127.0.0.1:1\n"
	    "ListenAddress 127.0.0.1:2 proxy\n"
	    "ListenAddress 127.0.0.1:3 proxy\n",
	    ":4: ListenAddress: a proxy listener needs \"ProxyFrom "
	    "ADDR[/PREFIX]\" naming the balancers that may send PROXY "
	    "headers" },
	{ "ProxyFrom", FWD AUTH "ProxyFrom\n",
	    ":3: ProxyFrom: missing argument (usage: ProxyFrom "
	    "ADDR[/PREFIX][,...])" },
	{ "ProxyFrom", FWD AUTH "ProxyFrom 10.0.0.0/8 10.1.0.0/16\n",
	    ":3: ProxyFrom: too many arguments (usage: ProxyFrom "
	    "ADDR[/PREFIX][,...])" },
	{ "ProxyFrom", FWD AUTH "ProxyFrom 10.0.0.1/8\n",
	    ":3: ProxyFrom: \"10.0.0.1/8\" has bits set after the prefix (the "
	    "network is 10.0.0.0/8)" },
	{ "ProxyFrom", FWD AUTH "ProxyFrom ::1\nProxyFrom lb.example\n",
	    ":4: ProxyFrom: \"lb.example\" is not an IPv4 or IPv6 address "
	    "(names are not accepted here)" },
	{ "ProxyFrom", FWD AUTH "ProxyFrom 10.0.0.0/8,\n",
	    ":3: ProxyFrom: empty entry in \"10.0.0.0/8,\"" },
	{ "ProxyFrom", FWD AUTH "ProxyFrom 10.0.0.0/40\n",
	    ":3: ProxyFrom: bad prefix \"/40\" in \"10.0.0.0/40\" (expected 0 "
	    "to 32)" },
	{ "ListenAddress", FWD AUTH "ListenAddress host:99999\n",
	    ":3: ListenAddress: expected HOST[:PORT], got \"host:99999\": "
	    "bad port \"99999\" (expected 0 to 65535)" },
	{ "ListenAddress", FWD AUTH "\n# c\nListenAddress [::1\n",
	    ":5: ListenAddress: expected HOST[:PORT], got \"[::1\": "
	    "missing ']' in \"[::1\"" },
	{ "HostKey", FWD AUTH "HostKey\n",
	    ":3: HostKey: missing argument (usage: HostKey PATH)" },
	{ "HostKey", FWD AUTH "HostKey a b\n",
	    ":3: HostKey: too many arguments (usage: HostKey PATH)" },
	{ "HostKey", FWD AUTH "HostKey \"\"\n",
	    ":3: HostKey: expected a path, got \"\"" },
	{ "HostKey", FWD AUTH "HostKey \"/a b\n",
	    ":3: HostKey: unclosed quote" },
	/* Found by fuzz_servconf: -T printed the CRs, which split the word. */
	{ "AuthorizedKeysFile", FWD "AuthorizedKeysFile \"key#\r\r%u\"\n",
	    ":2: AuthorizedKeysFile: control character in path" },
	{ "HostKey", FWD AUTH "HostKey \"a\tb\"\n",
	    ":3: HostKey: control character in path" },
	{ "MailboxMap", FWD AUTH "MailboxMap \"map\x1b[0m\"\n",
	    ":3: MailboxMap: control character in path" },
	{ "AuthorizedKeysFile", FWD "AuthorizedKeysFile keys/%h\n",
	    ":2: AuthorizedKeysFile: unknown escape \"%h\" in \"keys/%h\" "
	    "(only %u and %% are known)" },
	{ "AuthorizedKeysFile", FWD "AuthorizedKeysFile keys/%\n",
	    ":2: AuthorizedKeysFile: '%' at end of \"keys/%\"" },
	{ "AuthorizedKeysFile", FWD "AuthorizedKeysFile\n",
	    ":2: AuthorizedKeysFile: missing argument (usage: "
	    "AuthorizedKeysFile PATH)" },
	{ "AuthorizedKeysFile", FWD "AuthorizedKeysFile a/%u\n"
	    "authorizedkeysfile b/%u\n",
	    ":3: AuthorizedKeysFile given twice (first at line 2)" },
	{ "PasswordFile", FWD "PasswordFile a\nPasswordFile b\n",
	    ":3: PasswordFile given twice (first at line 2)" },
	{ "PasswordFile", FWD "PasswordFile\n",
	    ":2: PasswordFile: missing argument (usage: PasswordFile PATH)" },
	{ "PasswordFile", FWD "PasswordFile a b\n",
	    ":2: PasswordFile: too many arguments (usage: PasswordFile "
	    "PATH)" },
	{ "Forward", AUTH "Forward pop3:110\n",
	    ":2: Forward: missing argument (usage: Forward NAME:PORT "
	    "BACKEND [BACKEND ...] [proxy])" },
	{ "Forward", AUTH "Forward a:1 b:2 c:3 d:4 e:5 f:6 g:7 h:8 i:9 j:10 "
	    "proxy\n",
	    ":2: Forward: too many arguments (usage: Forward NAME:PORT "
	    "BACKEND [BACKEND ...] [proxy])" },
	{ "Forward", AUTH "Forward a:1 b:2 c:3 d:4 e:5 f:6 g:7 h:8 i:9 j:10\n",
	    ":2: Forward: too many backends (9; at most 8)" },
	{ "Forward", FWD AUTH "Forward POP3:110 other:110\n",
	    ":3: Forward: POP3:110 given twice (first at line 1)" },
	{ "Forward", FWD AUTH "Forward pop3 other:110\n",
	    ":3: Forward: bad target \"pop3\": missing port (expected "
	    "NAME:PORT)" },
	{ "Forward", FWD AUTH "Forward imap:143 backend\n",
	    ":3: Forward: bad backend \"backend\": missing port (expected "
	    "HOST:PORT)" },
	{ "MaxAuthTries", FWD AUTH "MaxAuthTries 0\n",
	    ":3: MaxAuthTries: expected a number from 1 to 100, got \"0\"" },
	{ "MaxAuthTries", FWD AUTH "MaxAuthTries 101\n",
	    ":3: MaxAuthTries: expected a number from 1 to 100, got "
	    "\"101\"" },
	{ "MaxAuthTries", FWD AUTH "MaxAuthTries x\n",
	    ":3: MaxAuthTries: expected a number from 1 to 100, got \"x\"" },
	{ "MaxAuthTries", FWD AUTH "MaxAuthTries 3\nMaxAuthTries 3\n",
	    ":4: MaxAuthTries given twice (first at line 3)" },
	{ "LoginGraceTime", FWD AUTH "LoginGraceTime 0\n",
	    ":3: LoginGraceTime: expected a time from 1 to 3600 seconds "
	    "(30, 30s, 5m, 1h), got \"0\"" },
	{ "LoginGraceTime", FWD AUTH "LoginGraceTime 2h\n",
	    ":3: LoginGraceTime: expected a time from 1 to 3600 seconds "
	    "(30, 30s, 5m, 1h), got \"2h\"" },
	{ "LoginGraceTime", FWD AUTH "LoginGraceTime 30\n\n"
	    "LoginGraceTime 1m\n",
	    ":5: LoginGraceTime given twice (first at line 3)" },
	{ "MaxStartups", FWD AUTH "MaxStartups 10:30\n",
	    ":3: MaxStartups: expected START:RATE:FULL (numbers up to 65535, "
	    "RATE 1 to 100) or N, got \"10:30\"" },
	{ "MaxStartups", FWD AUTH "MaxStartups 10:0:100\n",
	    ":3: MaxStartups: expected START:RATE:FULL (numbers up to 65535, "
	    "RATE 1 to 100) or N, got \"10:0:100\"" },
	{ "MaxStartups", FWD AUTH "MaxStartups 10:101:100\n",
	    ":3: MaxStartups: expected START:RATE:FULL (numbers up to 65535, "
	    "RATE 1 to 100) or N, got \"10:101:100\"" },
	{ "MaxStartups", FWD AUTH "MaxStartups 1:2:3:4\n",
	    ":3: MaxStartups: expected START:RATE:FULL (numbers up to 65535, "
	    "RATE 1 to 100) or N, got \"1:2:3:4\"" },
	{ "MaxStartups", FWD AUTH "MaxStartups 0\n",
	    ":3: MaxStartups: expected START:RATE:FULL (numbers up to 65535, "
	    "RATE 1 to 100) or N, got \"0\"" },
	{ "MaxStartups", FWD AUTH "MaxStartups 20:30:10\n",
	    ":3: MaxStartups: start 20 is above full 10 in \"20:30:10\"" },
	{ "MaxStartups", FWD AUTH "MaxStartups 10\nMaxStartups 10\n",
	    ":4: MaxStartups given twice (first at line 3)" },
	{ "ChannelsPerSession", FWD AUTH "ChannelsPerSession 0\n",
	    ":3: ChannelsPerSession: expected a number from 1 to 1024, got "
	    "\"0\"" },
	{ "ChannelsPerSession", FWD AUTH "ChannelsPerSession 1025\n",
	    ":3: ChannelsPerSession: expected a number from 1 to 1024, got "
	    "\"1025\"" },
	{ "ChannelsPerSession", FWD AUTH "ChannelsPerSession 1 2\n",
	    ":3: ChannelsPerSession: too many arguments (usage: "
	    "ChannelsPerSession NUMBER)" },
	{ "BackendConnectTimeout", FWD AUTH "BackendConnectTimeout 6m\n",
	    ":3: BackendConnectTimeout: expected a time from 1 to 300 "
	    "seconds (30, 30s, 5m, 1h), got \"6m\"" },
	{ "BackendConnectTimeout", FWD AUTH "BackendConnectTimeout\n",
	    ":3: BackendConnectTimeout: missing argument (usage: "
	    "BackendConnectTimeout SECONDS)" },
	{ "BackendConnectTimeout", FWD AUTH "BackendConnectTimeout 1\n"
	    "backendconnecttimeout 2\n",
	    ":4: BackendConnectTimeout given twice (first at line 3)" },
	{ "LogLevel", FWD AUTH "LogLevel LOUD\n",
	    ":3: LogLevel: expected QUIET, FATAL, ERROR, INFO, VERBOSE, DEBUG, "
	    "DEBUG1, DEBUG2 or DEBUG3, got \"LOUD\"" },
	{ "LogLevel", FWD AUTH "LogLevel INFO\nLogLevel INFO\n",
	    ":4: LogLevel given twice (first at line 3)" },
	{ "LogTarget", FWD AUTH "LogTarget journal\n",
	    ":3: LogTarget: expected stderr or syslog, got \"journal\"" },
	{ "LogTarget", FWD AUTH "LogTarget\n",
	    ":3: LogTarget: missing argument (usage: LogTarget "
	    "stderr|syslog)" },
	{ "LogTarget", FWD AUTH "LogTarget syslog\nLogTarget stderr\n",
	    ":4: LogTarget given twice (first at line 3)" },
	{ "SyslogFacility", FWD AUTH "SyslogFacility KERN\n",
	    ":3: SyslogFacility: expected AUTH, AUTHPRIV, DAEMON, MAIL, USER "
	    "or LOCAL0 to LOCAL7, got \"KERN\"" },
	{ "SyslogFacility", FWD AUTH "SyslogFacility AUTH LOCAL8\n",
	    ":3: SyslogFacility: expected AUTH, AUTHPRIV, DAEMON, MAIL, USER "
	    "or LOCAL0 to LOCAL7, got \"LOCAL8\"" },
	{ "SyslogFacility", FWD AUTH "SyslogFacility AUTH MAIL USER\n",
	    ":3: SyslogFacility: too many arguments (usage: SyslogFacility "
	    "FACILITY [TUNNEL-FACILITY])" },
	{ "SyslogFacility", FWD AUTH "SyslogFacility\n",
	    ":3: SyslogFacility: missing argument (usage: SyslogFacility "
	    "FACILITY [TUNNEL-FACILITY])" },
	{ "Ciphers", FWD AUTH "Ciphers aes128-cbc\n",
	    ":3: Ciphers: unsupported cipher \"aes128-cbc\" (allowed: "
	    "chacha20-poly1305@openssh.com, aes256-gcm@openssh.com, "
	    "aes128-gcm@openssh.com, aes256-ctr, aes192-ctr, aes128-ctr)" },
	{ "Ciphers", FWD AUTH "Ciphers aes256-ctr,,aes128-ctr\n",
	    ":3: Ciphers: bad cipher list \"aes256-ctr,,aes128-ctr\": empty "
	    "or overlong name" },
	{ "MACs", FWD AUTH "MACs hmac-sha1\n",
	    ":3: MACs: unsupported MAC \"hmac-sha1\" (allowed: "
	    "hmac-sha2-256-etm@openssh.com, hmac-sha2-512-etm@openssh.com, "
	    "hmac-sha2-256, hmac-sha2-512)" },
	{ "KexAlgorithms", FWD AUTH
	    "KexAlgorithms curve25519-sha256,curve25519-sha256\n",
	    ":3: KexAlgorithms: key exchange \"curve25519-sha256\" listed "
	    "twice" },
	{ "HostKeyAlgorithms", FWD AUTH "HostKeyAlgorithms ssh-rsa\n",
	    ":3: HostKeyAlgorithms: unsupported host key algorithm "
	    "\"ssh-rsa\" (allowed: ssh-ed25519, ecdsa-sha2-nistp256, "
	    "ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, rsa-sha2-512, "
	    "rsa-sha2-256)" },
	{ "User", FWD AUTH "User -popgate\n",
	    ":3: User: expected a user name (A-Z a-z 0-9 . _ -, 1 to 64, not "
	    "starting with . or -), got \"-popgate\"" },
	{ "User", FWD AUTH "User pop/gate\n",
	    ":3: User: expected a user name (A-Z a-z 0-9 . _ -, 1 to 64, not "
	    "starting with . or -), got \"pop/gate\"" },
	{ "User", FWD AUTH "User a b\n",
	    ":3: User: too many arguments (usage: User NAME)" },
	{ "User", FWD AUTH "User a\nUser b\n",
	    ":4: User given twice (first at line 3)" },
	{ "StrictModes", FWD AUTH "StrictModes maybe\n",
	    ":3: StrictModes: expected yes or no, got \"maybe\"" },
	{ "StrictModes", FWD AUTH "StrictModes\n",
	    ":3: StrictModes: missing argument (usage: StrictModes yes|no)" },
	{ "StrictModes", FWD AUTH "StrictModes no\nStrictModes no\n",
	    ":4: StrictModes given twice (first at line 3)" },
	{ "PerSourcePenalties", FWD AUTH "PerSourcePenalties\n",
	    ":3: PerSourcePenalties: missing argument (usage: "
	    "PerSourcePenalties no|yes|KEY:VALUE [KEY:VALUE ...])" },
	{ "PerSourcePenalties", FWD AUTH "PerSourcePenalties maybe\n",
	    ":3: PerSourcePenalties: expected KEY:VALUE with KEY authfail, "
	    "grace-exceeded, noauth, crash, min, max or max-sources, got "
	    "\"maybe\"" },
	{ "PerSourcePenalties", FWD AUTH "PerSourcePenalties min:1h\n",
	    ":3: PerSourcePenalties: min 3600s is above max 600s" },
	{ "PerSourcePenalties", FWD AUTH "PerSourcePenalties no crash:1\n",
	    ":3: PerSourcePenalties: \"no\" must stand alone" },
	{ "PerSourcePenalties", FWD AUTH "PerSourcePenalties a:1 b:1 c:1 d:1 "
	    "e:1 f:1 g:1 h:1\n", ":3: PerSourcePenalties: too many "
	    "arguments (usage: PerSourcePenalties no|yes|KEY:VALUE "
	    "[KEY:VALUE ...])" },
	{ "PerSourcePenalties", FWD AUTH "PerSourcePenalties no\n"
	    "PerSourcePenalties yes\n", ":4: PerSourcePenalties given twice "
	    "(first at line 3)" },
	{ "PerSourceMaxStartups", FWD AUTH "PerSourceMaxStartups 0\n",
	    ":3: PerSourceMaxStartups: expected a number from 1 to 65535 or "
	    "\"none\", got \"0\"" },
	{ "PerSourceMaxStartups", FWD AUTH "PerSourceMaxStartups many\n",
	    ":3: PerSourceMaxStartups: expected a number from 1 to 65535 or "
	    "\"none\", got \"many\"" },
	{ "MaxSessionsPerUser", FWD AUTH "MaxSessionsPerUser 65536\n",
	    ":3: MaxSessionsPerUser: expected a number from 1 to 65535 or "
	    "\"none\", got \"65536\"" },
	{ "MaxSessionsPerUser", FWD AUTH "MaxSessionsPerUser 1 2\n",
	    ":3: MaxSessionsPerUser: too many arguments (usage: "
	    "MaxSessionsPerUser NUMBER|none)" },
	{ "IdleTimeout", FWD AUTH "IdleTimeout 0\n",
	    ":3: IdleTimeout: expected a time from 1 to 604800 seconds (30, "
	    "30s, 5m, 1h) or \"none\", got \"0\"" },
	{ "IdleTimeout", FWD AUTH "IdleTimeout 169h\n",
	    ":3: IdleTimeout: expected a time from 1 to 604800 seconds (30, "
	    "30s, 5m, 1h) or \"none\", got \"169h\"" },
	{ "UnusedConnectionTimeout", FWD AUTH "UnusedConnectionTimeout 1d\n",
	    ":3: UnusedConnectionTimeout: expected a time from 1 to 604800 "
	    "seconds (30, 30s, 5m, 1h) or \"none\", got \"1d\"" },
	{ "UnusedConnectionTimeout", FWD AUTH "UnusedConnectionTimeout\n",
	    ":3: UnusedConnectionTimeout: missing argument (usage: "
	    "UnusedConnectionTimeout SECONDS|none)" },
	{ "ShutdownGrace", FWD AUTH "ShutdownGrace 2h\n",
	    ":3: ShutdownGrace: expected a time from 0 to 3600 seconds (30, "
	    "30s, 5m, 1h), got \"2h\"" },
	{ "ShutdownGrace", FWD AUTH "ShutdownGrace none\n",
	    ":3: ShutdownGrace: expected a time from 0 to 3600 seconds (30, "
	    "30s, 5m, 1h), got \"none\"" },
	{ "ControlSocket", FWD AUTH "ControlSocket \"\"\n",
	    ":3: ControlSocket: expected a path, got \"\"" },
	{ "ControlSocket", FWD AUTH "ControlSocket /run/"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock\n",
	    ":3: ControlSocket: \"/run/"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock\" is longer "
	    "than the 107 bytes a socket path may have" },
	{ "PasswordBackend", FWD AUTH "PasswordBackend ldap\n",
	    ":3: PasswordBackend: expected file or pop3, got \"ldap\"" },
	{ "PasswordBackend", FWD AUTH "PasswordBackend file\n"
	    "PasswordBackend file\n",
	    ":4: PasswordBackend given twice (first at line 3)" },
	{ "BackendPlaintextAuth", FWD AUTH "BackendPlaintextAuth 1\n",
	    ":3: BackendPlaintextAuth: expected yes or no, got \"1\"" },
	{ "BackendPlaintextAuth", FWD AUTH "BackendPlaintextAuth\n",
	    ":3: BackendPlaintextAuth: missing argument (usage: "
	    "BackendPlaintextAuth yes|no)" },
	{ "AuthCacheSeconds", FWD AUTH "AuthCacheSeconds 5m\n",
	    ":3: AuthCacheSeconds: only 0 is supported: popgated checks each "
	    "SSH login at the backend and shares no result between "
	    "connections (see README, \"The hop behind the gateway\")" },
	{ "AuthCacheSeconds", FWD AUTH "AuthCacheSeconds -1\n",
	    ":3: AuthCacheSeconds: expected a time in seconds (0, 30s, 5m), "
	    "got \"-1\"" },
	{ "BackendCAFile", FWD AUTH "BackendCAFile\n",
	    ":3: BackendCAFile: missing argument (usage: BackendCAFile "
	    "PATH)" },
	{ "BackendCAFile", FWD AUTH "BackendCAFile a\nBackendCAFile a\n",
	    ":4: BackendCAFile given twice (first at line 3)" },
	{ "BindMailbox", FWD AUTH "BindMailbox on\n",
	    ":3: BindMailbox: expected yes or no, got \"on\"" },
	{ "MailboxMap", FWD AUTH "MailboxMap a b\n",
	    ":3: MailboxMap: too many arguments (usage: MailboxMap PATH)" },
	{ NULL, FWD AUTH "Foo bar\n", ":3: unknown keyword \"Foo\"" },
	{ NULL, FWD AUTH "Port 22\n", ":3: unknown keyword \"Port\"" },
	{ NULL, FWD AUTH "=22\n", ":3: missing keyword before '='" },
	{ NULL, "ListenAddress 127.0.0.1:1\nHostKey k\nBogus\n" FWD,
	    ":3: unknown keyword \"Bogus\"" },
};

START_TEST(test_servconf_keyword_rejects)
{
	const struct reject_case	*c = &reject_cases[_i];
	struct servconf			 sc;
	char				 err[1024] = "";
	char				*want = xasprintf("%s%s", conf, c->err);

	ck_assert_int_eq(load_text(c->text, NULL, 0, &sc, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, want);
	/* Freed on error, so a second free is harmless. */
	ck_assert_ptr_null(sc.path);
	ck_assert_ptr_null(sc.forwards);
	ck_assert_ptr_null(sc.listen);
	servconf_free(&sc);
	free(want);
}
END_TEST

static const char *const all_keywords[] = {
	"ListenAddress", "ProxyFrom", "HostKey", "AuthorizedKeysFile",
	"PasswordFile", "Forward", "MaxAuthTries", "LoginGraceTime",
	"MaxStartups",
	"ChannelsPerSession", "BackendConnectTimeout", "LogLevel",
	"LogTarget", "SyslogFacility", "KexAlgorithms", "Ciphers", "MACs",
	"HostKeyAlgorithms", "User", "StrictModes",
	"PerSourcePenalties", "PerSourceMaxStartups",
	"MaxSessionsPerUser", "IdleTimeout", "UnusedConnectionTimeout",
	"ShutdownGrace", "ControlSocket", "PasswordBackend",
	"BackendPlaintextAuth", "AuthCacheSeconds", "BackendCAFile",
	"BindMailbox", "MailboxMap"
};

/* Each keyword: printed in table order, with parse and reject cases. */
START_TEST(test_servconf_every_keyword_covered)
{
	struct servconf	 sc;
	char		 err[1024] = "";
	char		*all = NULL;
	const char	*p = NULL;
	size_t		 i;
	size_t		 j;
	unsigned	 nacc;
	unsigned	 nrej;

	ck_assert_int_eq(load_text(FWD "AuthorizedKeysFile k/%u\n" AUTH
	    "ProxyFrom 127.0.0.1\nBackendCAFile ca.pem\nMailboxMap m\n", NULL,
	    0, &sc, err, sizeof(err)), 0);
	all = print_all(&sc);
	p = all;
	for (i = 0; i < NELEM(all_keywords); i++) {
		ck_assert_int_eq(strncmp(p, all_keywords[i],
		    strlen(all_keywords[i])), 0);
		while (strncmp(p, all_keywords[i], strlen(all_keywords[i]))
		    == 0) {
			p = strchr(p, '\n') + 1;
		}
		nacc = nrej = 0;
		for (j = 0; j < NELEM(accept_cases); j++) {
			nacc += strcmp(accept_cases[j].keyword,
			    all_keywords[i]) == 0;
		}
		for (j = 0; j < NELEM(reject_cases); j++) {
			nrej += reject_cases[j].keyword != NULL &&
			    strcmp(reject_cases[j].keyword,
			    all_keywords[i]) == 0;
		}
		ck_assert_msg(nacc >= 2 && nrej >= 1, "%s: %u parse, %u reject",
		    all_keywords[i], nacc, nrej);
	}
	ck_assert_str_eq(p, "");
	servconf_free(&sc);
	free(all);
}
END_TEST

START_TEST(test_servconf_defaults_fill_unset)
{
	struct servconf	 sc;
	char		 err[1024] = "";
	char		*key = xasprintf("%s/ssh_host_ed25519_key", dir);

	ck_assert_int_eq(load_text(FWD AUTH, NULL, 0, &sc, err, sizeof(err)),
	    0);
	ck_assert_str_eq(sc.path, conf);
	ck_assert_str_eq(sc.dir, dir);
	ck_assert_uint_eq(sc.nlisten, 2);
	ck_assert_str_eq(sc.listen[0].host, "0.0.0.0");
	ck_assert_uint_eq(sc.listen[0].port, 22);
	ck_assert_str_eq(sc.listen[1].host, "::");
	ck_assert_uint_eq(sc.listen[1].port, 22);
	ck_assert_uint_eq(sc.nhost_keys, 1);
	ck_assert_str_eq(sc.host_keys[0], key);
	ck_assert_ptr_null(sc.authorized_keys_file);
	ck_assert_uint_eq(policy_count(sc.forwards), 1);
	ck_assert_uint_eq(sc.max_auth_tries, 3);
	ck_assert_uint_eq(sc.login_grace_time, 30);
	ck_assert_uint_eq(sc.max_startups.start, 10);
	ck_assert_uint_eq(sc.max_startups.rate, 30);
	ck_assert_uint_eq(sc.max_startups.full, 100);
	ck_assert_uint_eq(sc.channels_per_session, 64);
	ck_assert_uint_eq(sc.backend_connect_timeout, 5);
	ck_assert_int_eq(sc.log_level, LOG_LEVEL_INFO);
	ck_assert_int_eq(sc.log_target, SERVCONF_LOG_STDERR);
	ck_assert_int_eq(sc.syslog_facility[0], LOG_AUTH);
	ck_assert_int_eq(sc.syslog_facility[1], LOG_MAIL);
	ck_assert_str_eq(sc.user, "popgate");
	ck_assert(sc.strict_modes);
	ck_assert(sc.penalties.enabled);
	ck_assert_uint_eq(sc.penalties.secs[PENALTY_AUTHFAIL], 5);
	ck_assert_uint_eq(sc.penalties.min, 15);
	ck_assert_uint_eq(sc.penalties.max, 600);
	ck_assert_uint_eq(sc.per_source_max_startups, 8);
	ck_assert_uint_eq(sc.max_sessions_per_user, 10);
	ck_assert_uint_eq(sc.idle_timeout, 3600);
	ck_assert_uint_eq(sc.unused_connection_timeout, 3600);
	ck_assert_uint_eq(sc.shutdown_grace, 30);
	ck_assert_str_eq(sc.control_socket, "/run/popgated/popgated.sock");
	ck_assert(!sc.listen_proxy[0]);
	ck_assert(!sc.listen_proxy[1]);
	ck_assert_uint_eq(sc.nproxy_from, 0);
	/* set[] tells file values from defaults: Forward, PasswordFile. */
	ck_assert_uint_eq(sc.set[0], 0);
	ck_assert_uint_eq(sc.set[1], 0);
	ck_assert_uint_eq(sc.set[4], 1);
	ck_assert_uint_eq(sc.set[5], 1);
	servconf_free(&sc);
	free(key);
}
END_TEST

static const char full_printed[] =
    "ListenAddress 127.0.0.1:2222\n"
    "ListenAddress [::1]:0\n"
    "HostKey @/ssh_host_ed25519_key\n"
    "HostKey \"/etc/popgate/host key\"\n"
    "AuthorizedKeysFile @/authorized_keys/%u\n"
    "PasswordFile @/passwd\n"
    "Forward pop3:110 127.0.0.1:110\n"
    "Forward pop3s:995 [::1]:995\n"
    "Forward Mail.Example:110 mail.internal:1110\n"
    "MaxAuthTries 5\n"
    "LoginGraceTime 120\n"
    "MaxStartups 5:50:20\n"
    "ChannelsPerSession 16\n"
    "BackendConnectTimeout 10\n"
    "LogLevel VERBOSE\n"
    "LogTarget syslog\n"
    "SyslogFacility LOCAL3 DAEMON\n"
    "KexAlgorithms curve25519-sha256\n"
    "Ciphers chacha20-poly1305@openssh.com,aes128-gcm@openssh.com\n"
    "MACs " ALGOS_DEFAULT_MACS "\n"
    "HostKeyAlgorithms " ALGOS_DEFAULT_HOSTKEY "\n"
    "User _popgate\n"
    "StrictModes no\n"
    "PerSourcePenalties authfail:30 grace-exceeded:10 noauth:0 crash:90 "
    "min:60 max:3600 max-sources:1000\n"
    "PerSourceMaxStartups none\n"
    "MaxSessionsPerUser 3\n"
    "IdleTimeout 1800\n"
    "UnusedConnectionTimeout none\n"
    "ShutdownGrace 10\n"
    "ControlSocket @/run/popgated.sock\n"
    "PasswordBackend file\n"
    "BackendPlaintextAuth no\n"
    "AuthCacheSeconds 0\n"
    "BackendCAFile @/backend-ca.pem\n"
    "BindMailbox yes\n"
    "MailboxMap @/mailboxes\n";

/* The fixture folder: $POPGATE_TESTDATA, else tests/data from the top. */
static char *
data_path(const char *name)
{
	const char	*d = getenv("POPGATE_TESTDATA");

	return xasprintf("%s/%s", d != NULL ? d : "tests/data", name);
}

START_TEST(test_servconf_full_fixture)
{
	struct servconf	 sc;
	char		*path = data_path("popgated-full.conf");
	char		*datadir = NULL;
	char		*got = NULL;
	char		*want = NULL;
	char		 err[1024] = "";

	ck_assert_msg(servconf_load(&sc, path, NULL, 0, false, err,
	    sizeof(err)) == 0, "%s", err);
	/* Expected paths use the fixture folder, not the temporary one. */
	datadir = realpath(sc.dir, NULL);
	ck_assert_ptr_nonnull(datadir);
	ck_assert_str_eq(sc.dir, datadir);
	want = subst_dir(full_printed, datadir);
	got = print_all(&sc);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(sc.set[0], 1);
	servconf_free(&sc);
	free(got);
	free(want);
	free(datadir);
	free(path);
}
END_TEST

START_TEST(test_servconf_minimal_fixture)
{
	struct servconf	 sc;
	char		*path = data_path("popgated-minimal.conf");
	char		 err[1024] = "";

	ck_assert_msg(servconf_load(&sc, path, NULL, 0, false, err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(sc.password_file, "/etc/popgate/passwd");
	ck_assert_uint_eq(sc.nlisten, 2);
	ck_assert_uint_eq(policy_count(sc.forwards), 1);
	servconf_free(&sc);
	free(path);
}
END_TEST

START_TEST(test_servconf_o_replaces_file_values)
{
	const char *const opts[] = {
		"MaxAuthTries=7", "ListenAddress [::1]:0",
		"listenaddress = 127.0.0.1:0", "HostKey=/k"
	};
	struct servconf	 sc;
	char		 err[1024] = "";
	char		*got = NULL;

	ck_assert_msg(load_text(FWD AUTH "MaxAuthTries 5\n"
	    "ListenAddress 10.0.0.1\nListenAddress 10.0.0.2\nHostKey a\n",
	    opts, NELEM(opts), &sc, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(sc.max_auth_tries, 7);
	ck_assert_uint_eq(sc.set[6], 2);
	got = print_keyword(&sc, "ListenAddress");
	ck_assert_str_eq(got, "ListenAddress [::1]:0\n"
	    "ListenAddress 127.0.0.1:0\n");
	free(got);
	ck_assert_uint_eq(sc.nhost_keys, 1);
	ck_assert_str_eq(sc.host_keys[0], "/k");
	servconf_free(&sc);
}
END_TEST

START_TEST(test_servconf_o_forward_replaces_and_supplies)
{
	const char *const opts[] = { "Forward pop3s:995 [::1]:995" };
	const char *const auth[] = { "AuthorizedKeysFile=/k/%u" };
	struct servconf	 sc;
	char		 err[1024] = "";
	char		*want = xasprintf("%s: no authentication method: set "
			    "AuthorizedKeysFile, PasswordFile or "
			    "PasswordBackend pop3", conf);

	ck_assert_int_eq(load_text(FWD AUTH "Forward imap:143 x:143\n", opts,
	    1, &sc, err, sizeof(err)), 0);
	ck_assert_uint_eq(policy_count(sc.forwards), 1);
	ck_assert_ptr_null(policy_match(sc.forwards, "pop3", 110));
	ck_assert_ptr_nonnull(policy_match(sc.forwards, "pop3s", 995));
	servconf_free(&sc);
	/* A file without Forward or auth is completed by -o. */
	ck_assert_int_eq(load_text("# nothing\n", opts, 1, &sc, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, want);
	free(want);
	ck_assert_int_eq(load_text(FWD, auth, 1, &sc, err, sizeof(err)), 0);
	ck_assert_str_eq(sc.authorized_keys_file, "/k/%u");
	servconf_free(&sc);
}
END_TEST

struct opt_case {
	const char	*opts[3];
	size_t		 n;
	const char	*err;
};

static const struct opt_case opt_cases[] = {
	{ { "Bogus=1" }, 1, "-o:1: unknown keyword \"Bogus\"" },
	{ { "MaxAuthTries=4", "MaxAuthTries 5" }, 2,
	    "-o:2: MaxAuthTries given twice (first at -o:1)" },
	{ { "LogLevel=INFO", "MaxAuthTries" }, 2,
	    "-o:2: MaxAuthTries: missing argument (usage: MaxAuthTries "
	    "NUMBER)" },
	{ { "LogLevel=INFO", "MaxAuthTries=" }, 2,
	    "-o:2: MaxAuthTries: missing argument (usage: MaxAuthTries "
	    "NUMBER)" },
	{ { "MaxAuthTries=0" }, 1,
	    "-o:1: MaxAuthTries: expected a number from 1 to 100, got \"0\"" },
	{ { "" }, 1, "-o:1: expected \"Keyword=value\" on one line" },
	{ { "LogLevel=INFO", " \t" }, 2,
	    "-o:2: expected \"Keyword=value\" on one line" },
	{ { "# comment" }, 1, "-o:1: expected \"Keyword=value\" on one line" },
	{ { "MaxAuthTries=4\nLogLevel=INFO" }, 1,
	    "-o:1: expected \"Keyword=value\" on one line" },
	{ { "Forward=pop3s:995 x:1", "LogLevel INFO",
	    "Forward=POP3S:995 y:1" }, 3,
	    "-o:3: Forward: POP3S:995 given twice (first at -o:1)" },
	{ { "=1" }, 1, "-o:1: missing keyword before '='" },
	{ { "LogLevel=INFO", "ListenAddress=127.0.0.1:0 proxy" }, 2,
	    "-o:2: ListenAddress: a proxy listener needs \"ProxyFrom "
	    "ADDR[/PREFIX]\" naming the balancers that may send PROXY "
	    "headers" },
	{ { "ProxyFrom=10.0.0.0/8,bad" }, 1, "-o:1: ProxyFrom: \"bad\" is not "
	    "an IPv4 or IPv6 address (names are not accepted here)" },
};

START_TEST(test_servconf_o_rejects)
{
	const struct opt_case	*c = &opt_cases[_i];
	struct servconf		 sc;
	char			 err[1024] = "";

	ck_assert_int_eq(load_text(FWD AUTH "MaxAuthTries 5\n",
	    c->opts, c->n, &sc, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, c->err);
	ck_assert_ptr_null(sc.forwards);
}
END_TEST

/* The proxy flag follows its listener; ProxyFrom may come from -o. */
START_TEST(test_servconf_proxy_listeners)
{
	const char *const from[] = { "ProxyFrom=192.0.2.0/24" };
	const char *const plain[] = { "ListenAddress=127.0.0.1:0" };
	const char *const both[] = {
		"ListenAddress=[::1]:0 proxy", "ListenAddress=127.0.0.1:0"
	};
	struct servconf	 sc;
	char		 err[1024] = "";
	char		 buf[PROXYNET_STRLEN];
	char		*want = NULL;

	ck_assert_msg(load_text(FWD AUTH "ListenAddress 127.0.0.1:1\n"
	    "ListenAddress 127.0.0.1:2 proxy\nProxyFrom 10.0.0.0/8\n", from, 1,
	    &sc, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(sc.nlisten, 2);
	ck_assert(!sc.listen_proxy[0]);
	ck_assert(sc.listen_proxy[1]);
	ck_assert_uint_eq(sc.nproxy_from, 1);
	ck_assert_str_eq(proxynet_format(&sc.proxy_from[0], buf, sizeof(buf)),
	    "192.0.2.0/24");
	servconf_free(&sc);
	ck_assert_ptr_null(sc.listen_proxy);
	/* The file's proxy listener replaced by -o: nothing to trust. */
	ck_assert_msg(load_text(FWD AUTH "ListenAddress 127.0.0.1:2 proxy\n",
	    plain, 1, &sc, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(sc.nlisten, 1);
	ck_assert(!sc.listen_proxy[0]);
	servconf_free(&sc);
	/* A proxy listener from -o, and the file's ProxyFrom is enough. */
	ck_assert_msg(load_text(FWD AUTH "ProxyFrom ::1\n", both, 2, &sc, err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert(sc.listen_proxy[0]);
	ck_assert(!sc.listen_proxy[1]);
	servconf_free(&sc);
	/* Without: the error names the file's line. */
	ck_assert_int_eq(load_text(FWD AUTH "\nListenAddress [::1]:0 proxy\n",
	    NULL, 0, &sc, err, sizeof(err)), -1);
	want = xasprintf("%s:4: ListenAddress: a proxy listener needs "
	    "\"ProxyFrom ADDR[/PREFIX]\" naming the balancers that may send "
	    "PROXY headers", conf);
	ck_assert_str_eq(err, want);
	free(want);
}
END_TEST

START_TEST(test_servconf_validation_names_file)
{
	struct servconf	 sc;
	char		 err[1024] = "";
	char		*want = NULL;

	ck_assert_int_eq(load_text(AUTH "# no forward\n", NULL, 0, &sc, err,
	    sizeof(err)), -1);
	want = xasprintf("%s: no Forward configured: add a line \"Forward "
	    "NAME:PORT BACKEND:PORT\"", conf);
	ck_assert_str_eq(err, want);
	free(want);
	ck_assert_int_eq(load_text(FWD, NULL, 0, &sc, err, sizeof(err)), -1);
	want = xasprintf("%s: no authentication method: set "
	    "AuthorizedKeysFile, PasswordFile or PasswordBackend pop3", conf);
	ck_assert_str_eq(err, want);
	free(want);
	ck_assert_int_eq(load_text("", NULL, 0, &sc, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no Forward configured"));
}
END_TEST

struct hop_case {
	const char	*text;
	const char	*err;		/* NULL: loads; else after the path */
};

/* What the hop behind the gateway can and cannot do, at load time. */
static const struct hop_case hop_cases[] = {
	{ "Forward pop3:110 starttls://mail:110\n" AUTH, NULL },
	{ "Forward pop3:110 pop3s://mail:995 mail:110\n" AUTH, NULL },
	{ "Forward imap:143 imaps://mail:993\n" AUTH, NULL },
	{ FWD AUTH "\nForward imap:143 starttls://mail:143\n",
	    ":4: Forward: starttls:// is implemented for POP3 targets only "
	    "(STLS), and imap:143 is imap: use imaps:// or submissions://" },
	{ FWD AUTH "Forward x:9 a:1 starttls://b:2\n",
	    ":3: Forward: starttls:// is implemented for POP3 targets only "
	    "(STLS), and x:9 is raw: use imaps:// or submissions://" },
	{ FWD AUTH "BindMailbox yes\nForward submission:587 m:587\n",
	    ":4: Forward: BindMailbox yes binds POP3 logins only, and "
	    "submission:587 is smtp" },
	{ FWD "PasswordBackend pop3\n", NULL },
	{ FWD "PasswordBackend pop3\nBindMailbox yes\n", NULL },
	{ FWD AUTH "PasswordBackend pop3\n",
	    ": PasswordFile and PasswordBackend pop3 exclude each other: "
	    "passwords are checked either in the file or at the POP3 "
	    "backend" },
	{ "Forward imap:143 m:143\nPasswordBackend pop3\n",
	    ": PasswordBackend pop3 needs a Forward to a POP3 target (such as "
	    "\"Forward pop3:110 BACKEND\") to log in at" },
};

START_TEST(test_servconf_hop_checks)
{
	const struct hop_case	*c = &hop_cases[_i];
	struct servconf		 sc;
	char			 err[1024] = "";
	char			*want = NULL;

	if (c->err == NULL) {
		ck_assert_msg(load_text(c->text, NULL, 0, &sc, err,
		    sizeof(err)) == 0, "%s", err);
		servconf_free(&sc);
		return;
	}
	want = xasprintf("%s%s", conf, c->err);
	ck_assert_int_eq(load_text(c->text, NULL, 0, &sc, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, want);
	free(want);
}
END_TEST

/* The Forward's line is named even when it came from -o. */
START_TEST(test_servconf_hop_checks_o_line)
{
	const char *const opts[] = { "LogLevel INFO",
	    "Forward imap:143 starttls://m:143" };
	struct servconf	sc;
	char		err[1024] = "";

	ck_assert_int_eq(load_text(FWD AUTH, opts, 2, &sc, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "-o:2: Forward: starttls:// is implemented for "
	    "POP3 targets only (STLS), and imap:143 is imap: use imaps:// or "
	    "submissions://");
}
END_TEST

START_TEST(test_servconf_missing_file)
{
	struct servconf	 sc;
	char		 err[1024] = "";
	char		*path = xasprintf("%s/absent.conf", dir);
	char		*want = NULL;

	want = xasprintf("%s: No such file or directory", path);
	ck_assert_int_eq(servconf_load(&sc, path, NULL, 0, false, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_null(sc.path);
	ck_assert_ptr_null(sc.dir);
	free(want);
	free(path);
}
END_TEST

/* A '%' in the config folder must not turn into a %-escape. */
START_TEST(test_servconf_percent_in_folder)
{
	struct servconf	 sc;
	char		*sub = xasprintf("%s/100%%x", dir);
	char		*path = NULL;
	char		*exp = NULL;
	char		*want = xasprintf("%s/keys/bob", sub);
	char		 err[1024] = "";

	ck_assert_int_eq(mkdir(sub, 0700), 0);
	path = testutil_write(sub, "p.conf", FWD "AuthorizedKeysFile "
	    "keys/%u\nPasswordFile pw%u\n");
	ck_assert_msg(servconf_load(&sc, path, NULL, 0, false, err,
	    sizeof(err)) == 0, "%s", err);
	exp = str_expand_user(sc.authorized_keys_file, "bob", err,
	    sizeof(err));
	ck_assert_ptr_nonnull(exp);
	ck_assert_str_eq(exp, want);
	free(exp);
	exp = xasprintf("%s/pw%%u", sub);
	ck_assert_str_eq(sc.password_file, exp);
	servconf_free(&sc);
	unlink(path);
	rmdir(sub);
	free(exp);
	free(want);
	free(path);
	free(sub);
}
END_TEST

START_TEST(test_servconf_init_free_idempotent)
{
	struct servconf	sc;

	servconf_init(&sc);
	ck_assert_ptr_nonnull(sc.forwards);
	ck_assert_uint_eq(policy_count(sc.forwards), 0);
	ck_assert_uint_eq(sc.nlisten, 0);
	servconf_free(&sc);
	ck_assert_ptr_null(sc.forwards);
	servconf_free(&sc);
}
END_TEST

START_TEST(test_servconf_resolves_backends)
{
	struct servconf			 sc;
	const struct policy_entry	*e = NULL;
	const struct sockaddr_in	*sin = NULL;
	const struct sockaddr_in6	*sin6 = NULL;
	char				 err[1024] = "";

	ck_assert_msg(load_opts(FWD AUTH "Forward pop3s:995 [::1]:995\n",
	    NULL, 0, true, &sc, err, sizeof(err)) == 0, "%s", err);
	e = policy_match(sc.forwards, "pop3", 110);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->backends[0].salen, sizeof(struct sockaddr_in));
	sin = (const struct sockaddr_in *)(const void *)&e->backends[0].sa;
	ck_assert_int_eq(sin->sin_family, AF_INET);
	ck_assert_uint_eq(ntohs(sin->sin_port), 110);
	ck_assert_uint_eq(ntohl(sin->sin_addr.s_addr), INADDR_LOOPBACK);
	e = policy_match(sc.forwards, "pop3s", 995);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->backends[0].salen, sizeof(struct sockaddr_in6));
	sin6 = (const struct sockaddr_in6 *)(const void *)&e->backends[0].sa;
	ck_assert_int_eq(sin6->sin6_family, AF_INET6);
	ck_assert_uint_eq(ntohs(sin6->sin6_port), 995);
	ck_assert(IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
	servconf_free(&sc);
}
END_TEST

START_TEST(test_servconf_unresolvable_backend_line)
{
	const char *const	 opts[] = {
		"Forward x:1 no-such-host.invalid:1"
	};
	const char *const	 fix[] = { "Forward pop3:110 127.0.0.1:110" };
	struct servconf		 sc;
	char			 err[1024] = "";
	char			*want = NULL;

	ck_assert_int_eq(load_opts(AUTH "\nForward a:1 127.0.0.1:1\n"
	    "Forward b:1 no-such-host.invalid:110\n", NULL, 0, true, &sc, err,
	    sizeof(err)), -1);
	want = xasprintf("%s:4: Forward: cannot resolve backend "
	    "\"no-such-host.invalid\": ", conf);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
	free(want);
	ck_assert_int_eq(load_opts(FWD AUTH, opts, 1, true, &sc, err,
	    sizeof(err)), -1);
	ck_assert_msg(strncmp(err, "-o:1: Forward: cannot resolve backend "
	    "\"no-such-host.invalid\": ", 54) == 0, "%s", err);
	/* Replaced by -o: the file's bad backend is never looked up. */
	ck_assert_msg(load_opts(AUTH "Forward b:1 no-such-host.invalid:110\n",
	    fix, 1, true, &sc, err, sizeof(err)) == 0, "%s", err);
	servconf_free(&sc);
	/* Without resolve nothing is looked up. */
	ck_assert_int_eq(load_opts(AUTH "Forward b:1 no-such-host.invalid:1\n",
	    NULL, 0, false, &sc, err, sizeof(err)), 0);
	ck_assert_uint_eq(policy_entry(sc.forwards, 0)->backends[0].salen, 0);
	servconf_free(&sc);
}
END_TEST

Suite *
servconf_suite(void)
{
	Suite	*s = suite_create("servconf");
	TCase	*kw = tcase_create("keywords");
	TCase	*ld = tcase_create("load");
	TCase	*rs = tcase_create("resolve");

	tcase_add_checked_fixture(kw, dir_setup, dir_teardown);
	tcase_add_loop_test(kw, test_servconf_keyword_parses, 0,
	    NELEM(accept_cases));
	tcase_add_loop_test(kw, test_servconf_keyword_rejects, 0,
	    NELEM(reject_cases));
	tcase_add_loop_test(kw, test_servconf_keyword_round_trips, 0,
	    NELEM(accept_cases));
	tcase_add_test(kw, test_servconf_every_keyword_covered);
	suite_add_tcase(s, kw);

	tcase_add_checked_fixture(ld, dir_setup, dir_teardown);
	tcase_add_test(ld, test_servconf_defaults_fill_unset);
	tcase_add_test(ld, test_servconf_full_fixture);
	tcase_add_test(ld, test_servconf_minimal_fixture);
	tcase_add_test(ld, test_servconf_o_replaces_file_values);
	tcase_add_test(ld, test_servconf_o_forward_replaces_and_supplies);
	tcase_add_loop_test(ld, test_servconf_o_rejects, 0, NELEM(opt_cases));
	tcase_add_test(ld, test_servconf_proxy_listeners);
	tcase_add_test(ld, test_servconf_validation_names_file);
	tcase_add_loop_test(ld, test_servconf_hop_checks, 0,
	    NELEM(hop_cases));
	tcase_add_test(ld, test_servconf_hop_checks_o_line);
	tcase_add_test(ld, test_servconf_missing_file);
	tcase_add_test(ld, test_servconf_percent_in_folder);
	tcase_add_test(ld, test_servconf_init_free_idempotent);
	suite_add_tcase(s, ld);

	/* getaddrinfo may ask a resolver for the .invalid name. */
	tcase_add_checked_fixture(rs, dir_setup, dir_teardown);
	tcase_set_timeout(rs, 30);
	tcase_add_test(rs, test_servconf_resolves_backends);
	tcase_add_test(rs, test_servconf_unresolvable_backend_line);
	suite_add_tcase(s, rs);
	return s;
}

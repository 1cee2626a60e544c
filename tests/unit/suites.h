/*
 * suites: one libcheck suite per module, run together by main.c, plus the
 * helpers the suites share (temporary folders, files, captured stderr).
 */
#ifndef POPGATE_TESTS_SUITES_H
#define POPGATE_TESTS_SUITES_H

#include <stdint.h>
#include <sys/socket.h>

#include <check.h>
#include <stddef.h>

Suite	*str_suite(void);
Suite	*addr_suite(void);
Suite	*cfgfile_suite(void);
Suite	*pop3_suite(void);
Suite	*policy_suite(void);
Suite	*authkeys_suite(void);
Suite	*pwfile_suite(void);
Suite	*servconf_suite(void);
Suite	*kwtype_suite(void);
Suite	*opts_suite(void);	/* client: check_opts.c */
Suite	*optdef_suite(void);
Suite	*fwdspec_suite(void);
Suite	*usage_suite(void);
Suite	*profile_suite(void);
Suite	*fingerprint_suite(void);
Suite	*admit_suite(void);
Suite	*log_suite(void);
Suite	*algos_suite(void);
Suite	*penalty_suite(void);
Suite	*scoreboard_suite(void);
Suite	*status_suite(void);
Suite	*proxyproto_suite(void);
Suite	*proxynet_suite(void);
Suite	*proxyread_suite(void);
Suite	*mailproto_suite(void);
Suite	*strictmodes_suite(void);
Suite	*privsep_suite(void);
Suite	*mailbind_suite(void);
Suite	*mailsasl_suite(void);
Suite	*mailmap_suite(void);
Suite	*children_suite(void);

/* A new mkdtemp folder under $TMPDIR (or /tmp). New string. */
char	*testutil_mkdtemp(void);
/* Removes the folder and the plain files in it; frees dir. */
void	 testutil_rmdir(char *dir);
/* Writes text to dir/name; returns the new path. */
char	*testutil_write(const char *dir, const char *name, const char *text);
/* Whole file as a new string (NULL when it cannot be read). */
char	*testutil_read(const char *path);

/* Sends stderr to a file until testutil_stderr_end(), which returns it. */
void	 testutil_stderr_begin(void);
char	*testutil_stderr_end(void);
/* ip (IPv4 or IPv6 literal) and port as a socket address. Asserts. */
void	 testutil_sockaddr(const char *ip, uint16_t port,
	    struct sockaddr_storage *ss);

#endif

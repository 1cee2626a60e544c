/*
 * testutil: folders, files and captured stderr for the unit suites. Test
 * code may stop at the first failure: ck_assert ends the forked test.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "popgate/xmem.h"
#include "suites.h"

static int	saved_stderr = -1;
static FILE	*captured;

char *
testutil_mkdtemp(void)
{
	const char	*base = getenv("TMPDIR");
	char		*dir = NULL;

	dir = xasprintf("%s/popgate-unit.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

void
testutil_rmdir(char *dir)
{
	DIR		*d = NULL;
	struct dirent	*de = NULL;
	char		*path = NULL;

	if (dir == NULL) {
		return;
	}
	d = opendir(dir);
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0) {
			continue;
		}
		path = xasprintf("%s/%s", dir, de->d_name);
		unlink(path);
		free(path);
	}
	if (d != NULL) {
		closedir(d);
	}
	rmdir(dir);
	free(dir);
}

char *
testutil_write(const char *dir, const char *name, const char *text)
{
	char	*path = xasprintf("%s/%s", dir, name);
	FILE	*fp = NULL;

	fp = fopen(path, "we");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fputs(text, fp) >= 0, 1);
	ck_assert_int_eq(fclose(fp), 0);
	return path;
}

char *
testutil_read(const char *path)
{
	FILE	*fp = NULL;
	char	*buf = NULL;
	size_t	 size = 0;
	FILE	*mem = NULL;
	char	 chunk[4096];
	size_t	 n;

	fp = fopen(path, "re");
	if (fp == NULL) {
		return NULL;
	}
	mem = open_memstream(&buf, &size);
	ck_assert_ptr_nonnull(mem);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		fwrite(chunk, 1, n, mem);
	}
	fclose(fp);
	fclose(mem);
	return buf;
}

void
testutil_stderr_begin(void)
{
	fflush(stderr);
	captured = tmpfile();
	ck_assert_ptr_nonnull(captured);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ge(saved_stderr, 0);
	ck_assert_int_ge(dup2(fileno(captured), STDERR_FILENO), 0);
}

char *
testutil_stderr_end(void)
{
	char	*buf = NULL;
	size_t	 size = 0;
	FILE	*mem = NULL;
	char	 chunk[4096];
	size_t	 n;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
	mem = open_memstream(&buf, &size);
	ck_assert_ptr_nonnull(mem);
	rewind(captured);
	while ((n = fread(chunk, 1, sizeof(chunk), captured)) > 0) {
		fwrite(chunk, 1, n, mem);
	}
	fclose(captured);
	captured = NULL;
	fclose(mem);
	return buf;
}

void
testutil_sockaddr(const char *ip, uint16_t port, struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)(void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return;
	}
	ck_assert_int_eq(inet_pton(AF_INET6, ip, &sin6->sin6_addr), 1);
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
}

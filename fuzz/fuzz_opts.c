/*
 * fuzz_opts: popgate's command line. The input is split at NUL bytes
 * into argv (after a program name); the first word also goes through
 * fwdspec_parse alone, as a -L spec.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "popgate/fwdspec.h"
#include "popgate/opts.h"

#define FUZZ_ARGS	64

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct opts		 o;
	struct fwdspec		 fw;
	char			*buf = NULL;
	char			*argv[FUZZ_ARGS + 2];
	char			 err[512];
	size_t			 i, start = 0;
	int			 argc = 1;

	buf = malloc(size + 1);
	if (buf == NULL) {
		return 0;
	}
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = (char *)"popgate";
	for (i = 0; i <= size && argc <= FUZZ_ARGS; i++) {
		if (i == size || buf[i] == '\0') {
			buf[i] = '\0';
			argv[argc++] = buf + start;
			start = i + 1;
		}
	}
	argv[argc] = NULL;
	(void)fwdspec_parse(argv[1], &fw, err, sizeof(err));
	memset(&o, 0, sizeof(o));
	(void)opts_parse(argc, argv, &o, err, sizeof(err));
	free(buf);
	return 0;
}

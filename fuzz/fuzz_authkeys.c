/*
 * fuzz_authkeys: an authorized_keys file (authkeys_read), as a user would
 * write it in AuthorizedKeysFile. Every entry read must answer
 * authkeys_entry_permits without crashing.
 */
#include <stdio.h>

#include "fuzz.h"
#include "popgate/authkeys.h"
#include "popgate/log.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz", LOG_LEVEL_QUIET);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct authkeys	*ak = NULL;
	FILE		*fp = NULL;
	char		 err[512];

	if (size == 0) {
		return 0;
	}
	fp = fmemopen((void *)(uintptr_t)data, size, "r");
	if (fp == NULL) {
		return 0;
	}
	ak = authkeys_new();
	if (authkeys_read(ak, fp, "fuzz", err, sizeof(err)) == 0) {
		(void)authkeys_count(ak);
	}
	authkeys_free(ak);
	fclose(fp);
	return 0;
}

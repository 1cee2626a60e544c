/*
 * fuzz_pop3_command: lines a mail client sends (pop3_line_len, then
 * pop3_parse_command on each line). Oracles: a parsed verb is 3 or 4
 * printable characters, none a lower-case letter; rest is as long as
 * restlen says; every word lies inside rest; a refusal says why.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "popgate/pop3.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
check(const struct pop3_cmd *cmd)
{
	size_t	i, n = strlen(cmd->verb);

	if (n < 3 || n > POP3_VERB_MAX || strlen(cmd->rest) != cmd->restlen) {
		abort();
	}
	for (i = 0; i < n; i++) {
		if (cmd->verb[i] <= ' ' || cmd->verb[i] >= 0x7f ||
		    (cmd->verb[i] >= 'a' && cmd->verb[i] <= 'z')) {
			abort();
		}
	}
	if (!cmd->words && cmd->nargs != 0) {
		abort();
	}
	for (i = 0; i < cmd->nargs; i++) {
		if (strlen(pop3_cmd_arg(cmd, i)) == 0 ||
		    strlen(pop3_cmd_arg(cmd, i)) > cmd->restlen ||
		    strchr(pop3_cmd_arg(cmd, i), ' ') != NULL) {
			abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data;
	struct pop3_cmd	 cmd;
	char		 err[256];
	ssize_t		 n;

	while (size > 0) {
		n = pop3_line_len(p, size, POP3_CMD_MAX);
		if (n == 0) {
			n = (ssize_t)size;	/* the unfinished tail */
		} else if (n < 0) {
			n = POP3_CMD_MAX + 1;	/* too long: also parsed */
			n = (size_t)n < size ? n : (ssize_t)size;
		}
		if (pop3_parse_command(p, (size_t)n, &cmd, err,
		    sizeof(err)) == 0) {
			check(&cmd);
		} else if (err[0] == '\0') {
			abort();	/* a refusal always says why */
		}
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

/*
 * term: secret prompts on /dev/tty. Echo is restored before returning,
 * whatever happened.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "popgate/term.h"

bool
term_available(void)
{
	int	fd;

	fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd == -1) {
		return false;
	}
	close(fd);
	return true;
}

int
term_prompt(const char *text, char *buf, size_t len)
{
	struct termios	 old, quiet;
	FILE		*tty = NULL;
	bool		 restore;
	int		 rc = -1;

	tty = fopen("/dev/tty", "r+e");
	if (tty == NULL || len == 0) {
		if (tty != NULL) {
			fclose(tty);
		}
		return -1;
	}
	fputs(text, tty);
	fflush(tty);
	restore = tcgetattr(fileno(tty), &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	}
	if (fgets(buf, (int)len, tty) != NULL) {
		buf[strcspn(buf, "\r\n")] = '\0';
		rc = 0;
	}
	if (restore) {
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	}
	fputs("\n", tty);
	fclose(tty);
	return rc;
}

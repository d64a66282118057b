/*
 * rootcat: prints the file named by its argument, then the names in "/",
 * one a line.  Linked statically, so that it runs in an empty chroot: the
 * tests of superd's chroot key see which root the handler got.
 */
#include <dirent.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char *argv[])
{
	struct dirent *de;
	char buf[4096];
	size_t n;
	FILE *fp;
	DIR *d;

	if (argc != 2)
		errx(2, "usage: rootcat FILE");
	if ((fp = fopen(argv[1], "r")) == NULL)
		err(1, "%s", argv[1]);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		(void)fwrite(buf, 1, n, stdout);
	(void)fclose(fp);
	if ((d = opendir("/")) == NULL)
		err(1, "/");
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			printf("%s\n", de->d_name);
	(void)closedir(d);
	return fflush(stdout) == EOF;
}

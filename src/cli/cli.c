/* cli.c - helpers shared by the command files (see cli.h). */
#include "cli/cli.h"

#include "base/error.h"
#include "db/db.h"
#include "subsidy/subsidy.h"
#include "tracker/tracker.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int cli_format_parse(const char *s, unsigned allowed, enum cli_format *out)
{
	static const char *const names[] = {"text", "json", "csv"};
	unsigned i;

	for (i = 0; i < 3; i++) {
		if ((allowed & (1u << i)) && strcmp(s, names[i]) == 0) {
			*out = (enum cli_format)i;
			return 0;
		}
	}
	fprintf(stderr, "minsheng: 不支持的输出格式 '%s'\n", s);
	return ERR_USAGE;
}

const char *cli_db_path(const char *opt)
{
	const char *env;

	if (opt && opt[0])
		return opt;
	env = getenv("MINSHENG_DB");
	if (env && env[0])
		return env;
	return "minsheng.db";
}

int cli_open_db(const char *opt, struct db **out)
{
	struct error err;
	int rc;

	error_clear(&err);
	rc = db_open(cli_db_path(opt), out, &err);
	if (!rc)
		rc = tracker_migrate(*out, &err);
	if (!rc)
		rc = subsidy_migrate(*out, &err);
	if (rc) {
		db_close(*out);
		*out = NULL;
		return cli_fail(&err);
	}
	return 0;
}

int cli_fail(const struct error *err)
{
	char text[1024];

	fprintf(stderr, "minsheng: %s\n", error_format(err, text, sizeof(text)));
	return err->code ? err->code : ERR_INTERNAL;
}

int cli_usage_error(const char *words, const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("minsheng: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n用法：minsheng %s %s\n", words, usage ? usage : "");
	return ERR_USAGE;
}

int cli_parse_long(const char *opt, const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	if (!s || !*s || *s == ' ' || *s == '+')
		goto bad;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		goto bad;
	*out = v;
	return 0;
bad:
	fprintf(stderr, "minsheng: 选项 %s 的值 '%s' 无效（应为 %ld 到 %ld 的整数）\n",
		opt, s ? s : "", lo, hi);
	return ERR_USAGE;
}

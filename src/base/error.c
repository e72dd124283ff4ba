/* error.c - filling and formatting struct error. */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void error_clear(struct error *err)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
}

__attribute__((format(printf, 3, 0)))
static void error_vset(struct error *err, int code, const char *fmt, va_list ap)
{
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int error_set(struct error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	error_clear(err);
	va_start(ap, fmt);
	error_vset(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int error_at(struct error *err, int code, const char *file, long line,
	     long column, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	error_clear(err);
	if (file)
		snprintf(err->file, sizeof(err->file), "%s", file);
	err->line = line;
	err->column = column;
	va_start(ap, fmt);
	error_vset(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int error_vat_reason(struct error *err, int code, const char *file, long line,
		     long column, const char *reason, const char *fmt, va_list ap)
{
	if (!err)
		return code;
	error_clear(err);
	if (file)
		snprintf(err->file, sizeof(err->file), "%s", file);
	err->line = line;
	err->column = column;
	error_reason(err, reason);
	error_vset(err, code, fmt, ap);
	return code;
}

int error_at_reason(struct error *err, int code, const char *file, long line,
		    long column, const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vat_reason(err, code, file, line, column, reason, fmt, ap);
	va_end(ap);
	return code;
}

void error_reason(struct error *err, const char *reason)
{
	if (!err)
		return;
	snprintf(err->reason, sizeof(err->reason), "%s", reason ? reason : "");
}

char *error_format(const struct error *err, char *out, size_t n)
{
	size_t used = 0;
	int k;

	if (n == 0)
		return out;
	out[0] = '\0';
	if (err->file[0]) {
		k = snprintf(out, n, "%s:", err->file);
		used = k > 0 ? (size_t)k : 0;
	}
	if (err->line > 0 && used < n) {
		k = snprintf(out + used, n - used, "%ld:", err->line);
		used += k > 0 ? (size_t)k : 0;
	}
	if (err->column > 0 && err->line > 0 && used < n) {
		k = snprintf(out + used, n - used, "%ld:", err->column);
		used += k > 0 ? (size_t)k : 0;
	}
	if (used > 0 && used < n) {
		k = snprintf(out + used, n - used, " ");
		used += k > 0 ? (size_t)k : 0;
	}
	if (used < n)
		snprintf(out + used, n - used, "%s", err->msg);
	return out;
}

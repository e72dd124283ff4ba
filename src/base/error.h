/*
 * error.h - errors as values, with the human message kept aside.
 *
 * Every function that can fail returns an int code (0 on success) and, when
 * the caller passes a struct error, fills it with where and why. The codes are
 * also minsheng's exit codes, so the CLI can return err.code unchanged.
 * Messages are for users (Chinese), lower-case style, no full stop, the
 * subject quoted: 未知的单位代码 '4199'.
 */
#ifndef MINSHENG_BASE_ERROR_H
#define MINSHENG_BASE_ERROR_H

#include <stdarg.h>
#include <stddef.h>

enum {
	ERR_OK = 0,
	ERR_INPUT = 1,    /* bad input or a failed check */
	ERR_USAGE = 2,    /* the command line is wrong */
	ERR_IO = 3,       /* I/O, database or internal failure */
	ERR_NOMEM = 3,    /* out of memory counts as internal */
	ERR_INTERNAL = 3,
};

struct error {
	int code;          /* one of ERR_*, 0 when nothing went wrong */
	char file[256];    /* input file the error is in, "" when none */
	long line;         /* 1-based line in that file, 0 when unknown */
	long column;       /* 1-based column (field number for CSV), 0 when unknown */
	char reason[48];   /* stable machine code, e.g. "id_checksum", "" when none */
	char msg[512];     /* the human message, without file/line prefix */
};

/* Reset to "no error". Accepts NULL. */
void error_clear(struct error *err);

/*
 * Record an error and return its code, so callers can write
 *     return error_set(err, ERR_INPUT, "未知的单位代码 '%s'", code);
 * Accepts err == NULL (then only the code is returned).
 */
int error_set(struct error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As error_set, with the position in an input file. file may be NULL. */
int error_at(struct error *err, int code, const char *file, long line,
	     long column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/*
 * A row-level input error in one call: position, stable reason code and
 * message. The va_list form is for a module's own printf-like wrappers.
 * Both accept err == NULL and return code.
 */
int error_at_reason(struct error *err, int code, const char *file, long line,
		    long column, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
int error_vat_reason(struct error *err, int code, const char *file, long line,
		     long column, const char *reason, const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));

/* Set the stable reason code (e.g. "unterminated_quote"). Accepts NULL. */
void error_reason(struct error *err, const char *reason);

/*
 * The reason for a failed system call, in Chinese, for messages such as
 * "无法打开 'x.csv'：文件或目录不存在" (users read Chinese; strerror speaks
 * English). The common errno values have their own text; any other reads
 * "系统错误 N（<strerror text>）", so the cause is never lost. The result is
 * a constant string or, for the rare others, a per-thread buffer valid until
 * the thread's next call.
 */
const char *error_errno_text(int errnum);

/*
 * Write "file:line:column: msg" (parts that are unknown left out) into out.
 * Returns out.
 */
char *error_format(const struct error *err, char *out, size_t n);

#endif

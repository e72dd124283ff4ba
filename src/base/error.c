/* error.c - filling and formatting struct error. */
#include "base/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void error_clear(struct error *err)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
}

/* Control characters (a newline, a terminal escape) become '?'. */
static void no_controls(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/*
 * Messages quote what users typed and what files hold: a quoted field may
 * carry a newline or a terminal escape, and a long one may not fit. The
 * message goes to a terminal and to one line of a reject file, so control
 * characters become '?', and a message cut short ends on a whole UTF-8
 * character instead of half of one.
 */
__attribute__((format(printf, 3, 0)))
static void error_vset(struct error *err, int code, const char *fmt, va_list ap)
{
	int len;

	err->code = code;
	len = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (len >= (int)sizeof(err->msg)) {
		size_t end = sizeof(err->msg) - 1, i = end;

		/* msg[i - 1] starts the last character when it is a lead byte;
		 * a character with fewer bytes than its lead announces was cut */
		while (i > 0 && ((unsigned char)err->msg[i - 1] & 0xc0) == 0x80)
			i--;
		if (i > 0 && (unsigned char)err->msg[i - 1] >= 0xc0) {
			unsigned char lead = (unsigned char)err->msg[i - 1];
			size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;

			if (end - (i - 1) < need)
				err->msg[i - 1] = '\0';
		}
	}
	no_controls(err->msg);
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

	va_start(ap, fmt);
	error_vat_reason(err, code, file, line, column, NULL, fmt, ap);
	va_end(ap);
	return code;
}

int error_vat_reason(struct error *err, int code, const char *file, long line,
		     long column, const char *reason, const char *fmt, va_list ap)
{
	if (!err)
		return code;
	error_clear(err);
	if (file) {
		/* a file name is as hostile as the file: it may hold an escape */
		snprintf(err->file, sizeof(err->file), "%s", file);
		no_controls(err->file);
	}
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
		/* err->file may have been filled directly, not by error_at */
		k = snprintf(out, n, "%s", err->file);
		no_controls(out);
		used = k > 0 ? (size_t)k : 0;
		if (used < n) {
			k = snprintf(out + used, n - used, ":");
			used += k > 0 ? (size_t)k : 0;
		}
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

const char *error_errno_text(int errnum)
{
	static _Thread_local char other[160];

	switch (errnum) {
	case ENOENT: return "文件或目录不存在";
	case EACCES: return "权限不足";
	case EPERM: return "操作不被允许";
	case EISDIR: return "是一个目录";
	case ENOTDIR: return "路径中有一项不是目录";
	case ENOSPC: return "磁盘空间不足";
	case EDQUOT: return "超出磁盘配额";
	case EROFS: return "文件系统是只读的";
	case EEXIST: return "文件已存在";
	case ENAMETOOLONG: return "文件名过长";
	case EIO: return "输入输出错误";
	case ENOMEM: return "内存不足";
	case EMFILE: return "本进程打开的文件过多";
	case ENFILE: return "系统打开的文件过多";
	case EFBIG: return "文件过大";
	case EBUSY: return "设备或资源忙";
	case ELOOP: return "符号链接层数过多";
	case EXDEV: return "不能跨文件系统改名";
	case ETXTBSY: return "文件正被执行";
	case EINVAL: return "参数无效";
	case EAGAIN: return "资源暂时不可用";
	case EINTR: return "操作被中断";
	case EPIPE: return "管道的读取端已关闭";
	case ENXIO: return "设备或地址不存在";
	case ENODEV: return "设备不存在";
	case EBADF: return "文件描述符无效";
	case ESPIPE: return "不能定位（不是普通文件）";
	case EOVERFLOW: return "数值超出范围";
	case ESTALE: return "文件句柄已失效";
	case ENOLCK: return "没有可用的锁";
	default:
		snprintf(other, sizeof(other), "系统错误 %d（%s）", errnum, strerror(errnum));
		return other;
	}
}

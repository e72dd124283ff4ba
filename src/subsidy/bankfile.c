/*
 * bankfile.c - formatting and parsing the payment file and the return file
 * (see bankfile.h and docs/bankfile.md). Pure: no I/O, no allocation.
 *
 * The parsers are written for speed as much as for safety, because a return
 * file may have tens of millions of lines: one memchr per line, fields split
 * in place, numbers parsed by hand. Return files never need quoting (every
 * field is ASCII from a small alphabet), so a quote there is an error; in a
 * payment file the name may be quoted as RFC 4180 says.
 */
#include "subsidy/bankfile.h"

#include "base/buf.h"
#include "base/error.h"
#include "base/period.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_FIELDS 8

struct fields {
	size_t n; /* may exceed MAX_FIELDS: only the first MAX_FIELDS are kept */
	const char *s[MAX_FIELDS];
	size_t len[MAX_FIELDS];
};

const char *bankret_status_name(enum bankret_status st)
{
	switch (st) {
	case BANKRET_SUCCESS:
		return "SUCCESS";
	case BANKRET_FAILED:
		return "FAILED";
	case BANKRET_REVERSED:
		return "REVERSED";
	}
	return "";
}

bool bankfile_parse_id(const char *s, size_t len, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (len == 0 || len > 18 || s[0] == '0')
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static int two(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

bool bankfile_time_valid(const char *s, size_t len)
{
	int y1, y2, mo, d, h, mi, se;

	if (len != BANKFILE_TIME_LEN || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':')
		return false;
	y1 = two(s);
	y2 = two(s + 2);
	mo = two(s + 5);
	d = two(s + 8);
	h = two(s + 11);
	mi = two(s + 14);
	se = two(s + 17);
	if (y1 < 0 || y2 < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || se < 0)
		return false;
	return date_valid(y1 * 100 + y2, mo, d) && h <= 23 && mi <= 59 && se <= 59;
}

static bool reason_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > BANKFILE_REASON_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

static bool digits_valid(const char *s, size_t len, size_t lo, size_t hi)
{
	size_t i;

	if (len < lo || len > hi)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* An unsigned decimal without leading zeros (0 itself allowed) of 1..18 digits. */
static bool parse_count(const char *s, size_t len, int64_t *out)
{
	if (len == 1 && s[0] == '0') {
		*out = 0;
		return true;
	}
	return bankfile_parse_id(s, len, out);
}

/* Record an input error at the current line and make the parser unusable. */
static int failf(struct bankfile_parser *ps, struct error *err, long col, const char *reason,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int failf(struct bankfile_parser *ps, struct error *err, long col, const char *reason,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vat_reason(err, ERR_INPUT, ps->name, ps->line, col, reason, fmt, ap);
	va_end(ap);
	ps->state = 3;
	return ERR_INPUT;
}

/*
 * As failf, with up to 32 bytes of the offending text put where tmpl has
 * "%s" (tmpl is a template, not a printf format: nothing else is expanded).
 */
static int fail(struct bankfile_parser *ps, struct error *err, long col, const char *reason,
		const char *tmpl, const char *what, size_t what_len)
{
	const char *hole = strstr(tmpl, "%s");
	char shown[40];
	size_t i, n = 0;

	/* Quote at most 32 bytes of the offending text, control bytes hidden. */
	for (i = 0; i < what_len && i < 32; i++) {
		unsigned char c = (unsigned char)what[i];

		shown[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	shown[n] = '\0';
	/* Never cut a UTF-8 sequence in the middle: drop a trailing partial one. */
	if (what_len > 32) {
		while (n > 0 && ((unsigned char)shown[n - 1] & 0xc0) == 0x80)
			n--;
		if (n > 0 && ((unsigned char)shown[n - 1] & 0xc0) == 0xc0)
			n--;
		shown[n] = '\0';
	}
	if (!hole)
		return failf(ps, err, col, reason, "%s", tmpl);
	return failf(ps, err, col, reason, "%.*s%s%s", (int)(hole - tmpl), tmpl, shown, hole + 2);
}

/*
 * The next line without its line end into *line and *len. Returns 1 for a line,
 * 0 at the end of input, -1 (err set) for a line that is too long.
 */
static int next_line(struct bankfile_parser *ps, const char **line, size_t *len, struct error *err)
{
	const char *nl;
	size_t n;

	if (ps->p >= ps->end)
		return 0;
	ps->line++;
	nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
	n = nl ? (size_t)(nl - ps->p) : (size_t)(ps->end - ps->p);
	*line = ps->p;
	ps->p = nl ? nl + 1 : ps->end;
	if (n > 0 && (*line)[n - 1] == '\r')
		n--;
	if (n > BANKFILE_MAX_LINE) {
		failf(ps, err, 0, "bank_line_too_long", "行太长（超过%d字节）", BANKFILE_MAX_LINE);
		return -1;
	}
	*len = n;
	return 1;
}

/*
 * Split a line at commas. Quoting (RFC 4180) is honoured only when quoted
 * is true; the unquoted text of a quoted field goes into scratch (at least
 * len bytes). Control bytes are refused everywhere.
 */
static int split(struct bankfile_parser *ps, const char *line, size_t len, bool quoted,
		 char *scratch, struct fields *f, struct error *err)
{
	size_t i = 0, sc = 0;

	f->n = 0;
	for (;;) {
		size_t start = i;

		if (quoted && i < len && line[i] == '"') {
			size_t begin = sc;

			i++;
			for (;;) {
				if (i >= len)
					return failf(ps, err, (long)f->n + 1, "bank_quote",
						     "引号未闭合");
				if (line[i] == '"') {
					if (i + 1 < len && line[i + 1] == '"') {
						scratch[sc++] = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
					return failf(ps, err, (long)f->n + 1, "bank_bad_char",
						     "含有控制字符");
				scratch[sc++] = line[i++];
			}
			if (i < len && line[i] != ',')
				return failf(ps, err, (long)f->n + 1, "bank_quote",
					     "引号后有多余字符");
			if (f->n < MAX_FIELDS) {
				f->s[f->n] = scratch + begin;
				f->len[f->n] = sc - begin;
			}
		} else {
			while (i < len && line[i] != ',') {
				unsigned char c = (unsigned char)line[i];

				if (c < 0x20 || c == 0x7f)
					return failf(ps, err, (long)f->n + 1, "bank_bad_char",
						     "含有控制字符");
				if (c == '"')
					return failf(ps, err, (long)f->n + 1,
						     quoted ? "bank_quote" : "bank_bad_char",
						     "字段中不允许出现引号");
				i++;
			}
			if (f->n < MAX_FIELDS) {
				f->s[f->n] = line + start;
				f->len[f->n] = i - start;
			}
		}
		f->n++; /* fields past MAX_FIELDS are counted, not kept */
		if (i >= len)
			return 0;
		i++; /* the comma */
	}
}

/*
 * The column to blame when a record has n fields instead of want: the first
 * missing one, or the first one too many.
 */
static long count_column(size_t n, size_t want)
{
	return (long)(n < want ? n + 1 : want + 1);
}

static bool is(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len == n && memcmp(s, lit, n) == 0;
}

static int open_common(struct bankfile_parser *ps, const char *data, size_t len, const char *name,
		       int kind, struct fields *f, char *scratch, struct error *err)
{
	const char *line;
	size_t n;
	int rc;

	memset(ps, 0, sizeof(*ps));
	ps->p = data;
	ps->end = data + len;
	ps->name = name;
	ps->kind = kind;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		ps->p += 3;
	rc = next_line(ps, &line, &n, err);
	if (rc == 0) {
		ps->line = 1;
		return failf(ps, err, 1, "bank_header", "文件为空，缺少文件头记录 H");
	}
	if (rc < 0)
		return ERR_INPUT;
	if (split(ps, line, n, kind == 'P', scratch, f, err))
		return ERR_INPUT;
	if (!is(f->s[0], f->len[0], "H"))
		return fail(ps, err, 1, "bank_header", "第一行应为文件头记录 H，而不是 '%s'",
			    f->s[0], f->len[0]);
	if (f->n < 3 || !is(f->s[1], f->len[1], kind == 'P' ? "MSPAY" : "MSRET") ||
	    !is(f->s[2], f->len[2], "1"))
		return failf(ps, err, f->n < 2 ? 1 : 2, "bank_format", "%s",
			     kind == 'P' ? "不是代发文件格式 MSPAY 版本 1"
					 : "不是回盘文件格式 MSRET 版本 1");
	if (f->n != (kind == 'P' ? 6u : 4u))
		return failf(ps, err, count_column(f->n, kind == 'P' ? 6u : 4u), "bank_header",
			     "文件头应有%d个字段",
			     kind == 'P' ? 6 : 4);
	ps->state = 1;
	return 0;
}

int bankfile_return_open(struct bankfile_parser *ps, const char *data, size_t len, const char *name,
			 int64_t *batch_id, struct error *err)
{
	struct fields f;
	char scratch[BANKFILE_MAX_LINE];

	if (open_common(ps, data, len, name, 'R', &f, scratch, err))
		return ERR_INPUT;
	if (!bankfile_parse_id(f.s[3], f.len[3], batch_id))
		return fail(ps, err, 4, "bank_batch_id", "批次号 '%s' 无效", f.s[3], f.len[3]);
	return 0;
}

int bankfile_payment_open(struct bankfile_parser *ps, const char *data, size_t len,
			  const char *name, int64_t *batch_id, int64_t *count, int64_t *total_fen,
			  struct error *err)
{
	struct fields f;
	char scratch[BANKFILE_MAX_LINE];

	if (open_common(ps, data, len, name, 'P', &f, scratch, err))
		return ERR_INPUT;
	if (!bankfile_parse_id(f.s[3], f.len[3], batch_id))
		return fail(ps, err, 4, "bank_batch_id", "批次号 '%s' 无效", f.s[3], f.len[3]);
	if (!parse_count(f.s[4], f.len[4], &ps->want_count))
		return fail(ps, err, 5, "bank_count", "笔数 '%s' 无效", f.s[4], f.len[4]);
	if (!parse_count(f.s[5], f.len[5], &ps->want_total))
		return fail(ps, err, 6, "bank_total", "总金额 '%s' 无效", f.s[5], f.len[5]);
	*count = ps->want_count;
	*total_fen = ps->want_total;
	return 0;
}

/* The T record: count and total must match what was read; nothing may follow. */
static int trailer(struct bankfile_parser *ps, const struct fields *f, struct error *err)
{
	int64_t count, total;
	const char *line;
	size_t n;
	int rc;

	if (f->n != 3)
		return failf(ps, err, count_column(f->n, 3), "bank_trailer",
			     "文件尾记录 T 应有3个字段");
	if (!parse_count(f->s[1], f->len[1], &count))
		return fail(ps, err, 2, "bank_trailer", "文件尾笔数 '%s' 无效", f->s[1], f->len[1]);
	if (!parse_count(f->s[2], f->len[2], &total))
		return fail(ps, err, 3, "bank_trailer", "文件尾总金额 '%s' 无效", f->s[2],
			    f->len[2]);
	if (count != ps->count)
		return failf(ps, err, 2, "bank_count", "文件尾笔数为 %lld，实际明细为 %lld 笔",
			     (long long)count, (long long)ps->count);
	if (total != ps->total)
		return failf(ps, err, 3, "bank_total", "文件尾总金额为 %lld 分，明细合计 %lld 分",
			     (long long)total, (long long)ps->total);
	if (ps->kind == 'P' && count != ps->want_count)
		return failf(ps, err, 2, "bank_count", "明细为 %lld 笔，文件头为 %lld 笔",
			     (long long)count, (long long)ps->want_count);
	if (ps->kind == 'P' && total != ps->want_total)
		return failf(ps, err, 3, "bank_total", "明细合计 %lld 分，文件头为 %lld 分",
			     (long long)total, (long long)ps->want_total);
	ps->state = 2;
	/*
	 * Only empty lines (LF or CRLF) may follow the trailer: many bank
	 * systems and editors end a file with one or more blank lines. Any
	 * other byte there (a space, a record, a stray CR inside a line) is
	 * refused at its own line, so nothing after the trailer is ignored.
	 */
	for (;;) {
		rc = next_line(ps, &line, &n, err);
		if (rc < 0)
			return ERR_INPUT;
		if (rc == 0)
			return 0;
		if (n != 0)
			return failf(ps, err, 1, "bank_after_trailer",
				     "文件尾记录之后还有内容（只允许空行）");
	}
}

static int body_line(struct bankfile_parser *ps, struct fields *f, char *scratch, bool *end,
		     bool *is_trailer, struct error *err)
{
	const char *line;
	size_t n;
	int rc;

	*end = false;
	*is_trailer = false;
	if (ps->state != 1)
		return error_set(err, ERR_INPUT, "文件已读完或出错");
	rc = next_line(ps, &line, &n, err);
	if (rc < 0)
		return ERR_INPUT;
	if (rc == 0) {
		ps->line++;
		return failf(ps, err, 1, "bank_trailer", "缺少文件尾记录 T（文件可能不完整）");
	}
	if (n == 0)
		return failf(ps, err, 1, "bank_empty_line", "空行");
	if (split(ps, line, n, ps->kind == 'P', scratch, f, err))
		return ERR_INPUT;
	if (is(f->s[0], f->len[0], "T")) {
		*is_trailer = true;
		if (trailer(ps, f, err))
			return ERR_INPUT;
		*end = true;
		return 0;
	}
	if (!is(f->s[0], f->len[0], "D"))
		return fail(ps, err, 1, "bank_record", "记录类型应为 D 或 T，而不是 '%s'", f->s[0],
			    f->len[0]);
	return 0;
}

static int add_amount(struct bankfile_parser *ps, int64_t amount, long col, struct error *err)
{
	if (__builtin_add_overflow(ps->total, amount, &ps->total))
		return failf(ps, err, col, "bank_total", "金额合计溢出");
	ps->count++;
	return 0;
}

int bankfile_return_next(struct bankfile_parser *ps, struct bankret_line *out, bool *end,
			 struct error *err)
{
	struct fields f;
	bool is_trailer;
	const char *st;
	size_t stl;

	if (ps->kind != 'R')
		return error_set(err, ERR_INPUT, "不是回盘文件");
	if (body_line(ps, &f, NULL, end, &is_trailer, err))
		return ERR_INPUT;
	if (*end)
		return 0;
	if (f.n != 6)
		return failf(ps, err, count_column(f.n, 6), "bank_field_count",
			     "明细记录应有6个字段");
	out->line = ps->line;
	if (!bankfile_parse_id(f.s[1], f.len[1], &out->payment_id))
		return fail(ps, err, 2, "bank_payment_id", "发放编号 '%s' 无效", f.s[1], f.len[1]);
	st = f.s[2];
	stl = f.len[2];
	if (is(st, stl, "SUCCESS"))
		out->status = BANKRET_SUCCESS;
	else if (is(st, stl, "FAILED"))
		out->status = BANKRET_FAILED;
	else if (is(st, stl, "REVERSED"))
		out->status = BANKRET_REVERSED;
	else
		return fail(ps, err, 3, "bank_status",
			    "状态 '%s' 无效（应为 SUCCESS、FAILED 或 REVERSED）", st, stl);
	if (out->status == BANKRET_SUCCESS) {
		if (f.len[3] != 0)
			return fail(ps, err, 4, "bank_reason", "成功记录不应有失败原因 '%s'",
				    f.s[3], f.len[3]);
	} else if (!reason_valid(f.s[3], f.len[3])) {
		return fail(ps, err, 4, "bank_reason",
			    "原因代码 '%s' 无效（应为1到32个大写字母、数字或下划线）", f.s[3],
			    f.len[3]);
	}
	memcpy(out->reason, f.s[3], f.len[3]);
	out->reason[f.len[3]] = '\0';
	if (!bankfile_parse_id(f.s[4], f.len[4], &out->amount_fen))
		return fail(ps, err, 5, "bank_amount", "金额 '%s' 无效（应为正整数，单位分）",
			    f.s[4], f.len[4]);
	if (!bankfile_time_valid(f.s[5], f.len[5]))
		return fail(ps, err, 6, "bank_time",
			    "银行时间 '%s' 无效（应为 YYYY-MM-DDTHH:MM:SS）", f.s[5], f.len[5]);
	memcpy(out->bank_time, f.s[5], BANKFILE_TIME_LEN);
	out->bank_time[BANKFILE_TIME_LEN] = '\0';
	return add_amount(ps, out->amount_fen, 5, err);
}

int bankfile_payment_next(struct bankfile_parser *ps, struct bankpay_line *out, bool *end,
			  struct error *err)
{
	char scratch[BANKFILE_MAX_LINE];
	struct fields f;
	bool is_trailer;

	if (ps->kind != 'P')
		return error_set(err, ERR_INPUT, "不是代发文件");
	if (body_line(ps, &f, scratch, end, &is_trailer, err))
		return ERR_INPUT;
	if (*end)
		return 0;
	if (f.n != 5)
		return failf(ps, err, count_column(f.n, 5), "bank_field_count",
			     "明细记录应有5个字段");
	out->line = ps->line;
	if (!bankfile_parse_id(f.s[1], f.len[1], &out->payment_id))
		return fail(ps, err, 2, "bank_payment_id", "发放编号 '%s' 无效", f.s[1], f.len[1]);
	if (f.len[2] == 0 || f.len[2] >= sizeof(out->name))
		return failf(ps, err, 3, "bank_name", "姓名为空或太长");
	memcpy(out->name, f.s[2], f.len[2]);
	out->name[f.len[2]] = '\0';
	if (!digits_valid(f.s[3], f.len[3], 1, 32))
		return fail(ps, err, 4, "bank_account", "账号 '%s' 无效（应为1到32位数字）", f.s[3],
			    f.len[3]);
	memcpy(out->account, f.s[3], f.len[3]);
	out->account[f.len[3]] = '\0';
	if (!bankfile_parse_id(f.s[4], f.len[4], &out->amount_fen))
		return fail(ps, err, 5, "bank_amount", "金额 '%s' 无效（应为正整数，单位分）",
			    f.s[4], f.len[4]);
	return add_amount(ps, out->amount_fen, 5, err);
}

/* ---- formatting ---- */

/* Append a decimal integer (no sign handling needed: values are >= 0). */
static int add_int(struct buf *b, int64_t v)
{
	char tmp[24];
	int n = 0;
	char out[24];
	int i;

	if (v < 0)
		return ERR_INPUT;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return buf_add(b, out, (size_t)n);
}

int bankfile_format_payment_header(struct buf *b, int64_t batch_id, int64_t count,
				   int64_t total_fen)
{
	if (batch_id <= 0 || count < 0 || total_fen < 0)
		return ERR_INPUT;
	if (buf_adds(b, "H,MSPAY,1,") || add_int(b, batch_id) || buf_addc(b, ',') ||
	    add_int(b, count) || buf_addc(b, ',') || add_int(b, total_fen) || buf_addc(b, '\n'))
		return ERR_INPUT;
	return 0;
}

int bankfile_format_payment_line(struct buf *b, int64_t payment_id, const char *name,
				 size_t name_len, const char *account, size_t account_len,
				 int64_t amount_fen)
{
	bool quote = false;
	size_t i;

	if (payment_id <= 0 || amount_fen <= 0 || name_len == 0 || name_len > 255 ||
	    !digits_valid(account, account_len, 1, 32))
		return ERR_INPUT;
	for (i = 0; i < name_len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c == 0x7f)
			return ERR_INPUT;
		if (c == ',' || c == '"')
			quote = true;
	}
	if (buf_add(b, "D,", 2) || add_int(b, payment_id) || buf_addc(b, ','))
		return ERR_INPUT;
	if (quote) {
		if (buf_addc(b, '"'))
			return ERR_INPUT;
		for (i = 0; i < name_len; i++) {
			if (name[i] == '"' && buf_addc(b, '"'))
				return ERR_INPUT;
			if (buf_addc(b, name[i]))
				return ERR_INPUT;
		}
		if (buf_addc(b, '"'))
			return ERR_INPUT;
	} else if (buf_add(b, name, name_len)) {
		return ERR_INPUT;
	}
	if (buf_addc(b, ',') || buf_add(b, account, account_len) || buf_addc(b, ',') ||
	    add_int(b, amount_fen) || buf_addc(b, '\n'))
		return ERR_INPUT;
	return 0;
}

int bankfile_format_return_header(struct buf *b, int64_t batch_id)
{
	if (batch_id <= 0)
		return ERR_INPUT;
	if (buf_adds(b, "H,MSRET,1,") || add_int(b, batch_id) || buf_addc(b, '\n'))
		return ERR_INPUT;
	return 0;
}

int bankfile_format_return_line(struct buf *b, const struct bankret_line *ln)
{
	size_t rl = strnlen(ln->reason, sizeof(ln->reason));

	if (ln->payment_id <= 0 || ln->amount_fen <= 0 ||
	    !bankfile_time_valid(ln->bank_time, strnlen(ln->bank_time, sizeof(ln->bank_time))))
		return ERR_INPUT;
	if (ln->status == BANKRET_SUCCESS ? rl != 0 : !reason_valid(ln->reason, rl))
		return ERR_INPUT;
	if (ln->status < BANKRET_SUCCESS || ln->status > BANKRET_REVERSED)
		return ERR_INPUT;
	if (buf_add(b, "D,", 2) || add_int(b, ln->payment_id) || buf_addc(b, ',') ||
	    buf_adds(b, bankret_status_name(ln->status)) || buf_addc(b, ',') ||
	    buf_add(b, ln->reason, rl) || buf_addc(b, ',') || add_int(b, ln->amount_fen) ||
	    buf_addc(b, ',') || buf_add(b, ln->bank_time, BANKFILE_TIME_LEN) || buf_addc(b, '\n'))
		return ERR_INPUT;
	return 0;
}

int bankfile_format_trailer(struct buf *b, int64_t count, int64_t total_fen)
{
	if (count < 0 || total_fen < 0)
		return ERR_INPUT;
	if (buf_add(b, "T,", 2) || add_int(b, count) || buf_addc(b, ',') || add_int(b, total_fen) ||
	    buf_addc(b, '\n'))
		return ERR_INPUT;
	return 0;
}

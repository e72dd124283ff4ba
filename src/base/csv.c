/*
 * csv.c - streaming RFC 4180 reader with bounded memory (see csv.h).
 *
 * The input passes through three layers:
 *   source  - raw bytes from a file descriptor (read(2) into one fixed
 *             buffer) or straight from the caller's memory (no copy);
 *   decoder - for UTF-8 input the raw bytes are used as they are; for
 *             GB18030/GBK they go through iconv into a second fixed buffer,
 *             keeping the few bytes of a character cut at a read boundary;
 *   parser  - a resumable state machine over one "window" of decoded bytes
 *             that copies field contents into a single record buffer (fields
 *             separated by NULs), validating UTF-8 as it goes.
 * Nothing grows with the input except the record buffer, which never passes
 * max_record + 1 bytes, and the field tables, which never pass max_fields.
 * After a recoverable error the parser keeps running over the rest of the
 * record in "discard" mode (same quoting rules, nothing stored) and only then
 * returns the error, so the next call starts at the next record.
 *
 * A bad byte is such a record error too, never the end of reading: one bad
 * byte must not hide the rows after it. In UTF-8 an invalid byte is never a
 * comma, quote or line end, so the framing holds; a sequence cut short by
 * such a byte is reported and that byte read afresh. In GB18030 the decoder
 * skips a byte iconv cannot convert (ASCII always converts, so the framing
 * holds there too) and puts a 0xFF in its place in the decoded stream: iconv
 * never writes that byte, so the parser knows the spot exactly and reports
 * it at its line and field like an invalid UTF-8 byte.
 */
#include "base/csv.h"

#include "base/buf.h"
#include "base/error.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define CSV_READ_CHUNK (256 * 1024) /* bytes per read(2) */
#define CSV_DETECT (64 * 1024)      /* bytes that decide the encoding */
#define CSV_DETECT_RATIO 4          /* valid multibyte sequences per invalid one for UTF-8 */
#define CSV_GIVEN_WIDE 8            /* distinct 3- and 4-byte characters: UTF-8, not as given */
#define CSV_GB_PIECE (64 * 1024)    /* raw bytes per iconv call */
#define CSV_CARRY_MAX 16            /* bytes of a cut character kept for the next call */
#define CSV_BAD_MARK 0xff           /* stands for an unconvertible byte in decoded text */

#define CSV_DEF_FIELD (64 * 1024)
#define CSV_DEF_RECORD (1024 * 1024)
#define CSV_DEF_FIELDS 256

enum csv_state {
	ST_START,    /* at the first byte of a field */
	ST_UNQUOTED, /* inside a field that did not start with a quote */
	ST_QUOTED,   /* inside quotes */
	ST_QUOTE2,   /* just after a quote inside quotes: closing or doubled */
};

enum csv_fatal {
	FATAL_NONE,
	FATAL_PENDING,  /* stored, to be returned by the next call */
	FATAL_REPORTED, /* returned; from now on the end (or the same I/O error) */
};

struct csv_reader {
	char *name;
	char *encname; /* what csv_encoding reports */
	bool gb;       /* converting through iconv */
	iconv_t cd;

	/* source */
	bool is_mem;
	const unsigned char *mem;
	size_t mem_len, mem_pos;
	int fd;
	bool own_fd;
	unsigned char *raw;
	size_t raw_cap, raw_len, raw_pos;
	bool src_eof;
	size_t window; /* most bytes handed on at once (tests make it tiny) */

	/* decoder (gb only) */
	unsigned char *gin;   /* raw bytes; [gin_pos, gin_len) not converted yet */
	size_t gin_cap, gin_pos, gin_len;
	bool gin_more;        /* [gin_pos, gin_len) is more than a cut character */
	unsigned char *dec;
	size_t dec_cap;
	unsigned char bad;    /* the byte behind the marker ending the window */

	/* the window the parser is working on */
	const unsigned char *p, *end;

	/* limits */
	size_t max_field, max_record, max_fields, expected;

	/* the record being built */
	char *rb; /* field bytes, each field followed by a NUL */
	size_t rb_cap, rlen, flen;
	size_t *offs, *lens;
	const char **ptrs;
	size_t fcap, n;
	size_t fieldno; /* fields ended so far, stored or not (for positions) */
	enum csv_state state;
	bool started, skip_lf, discard;
	long line, rec_line, quote_line;
	unsigned u8_need; /* continuation bytes still expected */
	unsigned char u8_lo, u8_hi;
	unsigned char u8_lead; /* the lead byte of that sequence, for messages */

	struct error perr;  /* the recoverable error of the current record */
	struct error fatal; /* the error that ended reading */
	enum csv_fatal fatal_state;
	bool held; /* the last csv_next returned the held-back ending error */
};

/* Bytes that stop the plain-byte scan outside and inside quotes. */
static const unsigned char cls_unq[256] = {
	[0] = 1, [','] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1, [0x80 ... 0xff] = 1,
};
static const unsigned char cls_q[256] = {
	[0] = 1, ['"'] = 1, ['\n'] = 1, [0x80 ... 0xff] = 1,
};

static void csv_verror(struct csv_reader *r, struct error *e, int code, const char *reason,
		       long line, long col, const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));

static void csv_verror(struct csv_reader *r, struct error *e, int code, const char *reason,
		       long line, long col, const char *fmt, va_list ap)
{
	error_vat_reason(e, code, r->name, line, col, reason, fmt, ap);
}

static void csv_mkerror(struct csv_reader *r, struct error *e, int code, const char *reason,
			long line, long col, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static void csv_mkerror(struct csv_reader *r, struct error *e, int code, const char *reason,
			long line, long col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	csv_verror(r, e, code, reason, line, col, fmt, ap);
	va_end(ap);
}

/*
 * Note a recoverable error in the current record: the first one is kept and
 * the rest of the record is read without storing anything.
 */
static void csv_note(struct csv_reader *r, const char *reason, long col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void csv_note(struct csv_reader *r, const char *reason, long col, const char *fmt, ...)
{
	va_list ap;

	if (r->discard)
		return;
	va_start(ap, fmt);
	csv_verror(r, &r->perr, ERR_INPUT, reason, r->line, col, fmt, ap);
	va_end(ap);
	r->discard = true;
}

/*
 * Stop reading with e. If the current record already had a recoverable
 * error, that one is returned now and e on the next call.
 */
static int csv_fail(struct csv_reader *r, const struct error *e, struct error *err)
{
	r->fatal = *e;
	if (r->discard) {
		r->fatal_state = FATAL_PENDING;
		if (err)
			*err = r->perr;
		return r->perr.code;
	}
	r->fatal_state = FATAL_REPORTED;
	if (err)
		*err = *e;
	return e->code;
}

static long csv_col(const struct csv_reader *r)
{
	return (long)r->fieldno + 1;
}

/* ---- source ---- */

static int csv_read_some(struct csv_reader *r, unsigned char *dst, size_t want, size_t *got,
			 struct error *e)
{
	ssize_t k;

	do
		k = read(r->fd, dst, want);
	while (k < 0 && errno == EINTR);
	if (k < 0) {
		csv_mkerror(r, e, ERR_IO, "io", r->line, 0, "读取失败：%s", error_errno_text(errno));
		return ERR_IO;
	}
	if (k == 0)
		r->src_eof = true;
	*got = (size_t)k;
	return 0;
}

/* The next raw bytes, at most max; *n == 0 at the end of the input. */
static int csv_src_next(struct csv_reader *r, const unsigned char **out, size_t *n, size_t max,
			struct error *e)
{
	size_t k;
	int rc;

	if (r->is_mem) {
		k = r->mem_len - r->mem_pos;
		if (k > max)
			k = max;
		*out = r->mem + r->mem_pos;
		r->mem_pos += k;
		*n = k;
		return 0;
	}
	while (r->raw_pos == r->raw_len && !r->src_eof) {
		size_t want = r->raw_cap < r->window ? r->raw_cap : r->window;

		r->raw_pos = r->raw_len = 0;
		rc = csv_read_some(r, r->raw, want, &r->raw_len, e);
		if (rc)
			return rc;
	}
	k = r->raw_len - r->raw_pos;
	if (k > max)
		k = max;
	*out = r->raw + r->raw_pos;
	r->raw_pos += k;
	*n = k;
	return 0;
}

/* ---- UTF-8 ---- */

/*
 * Length of the valid multibyte sequence at p if it lies wholly before end,
 * else 0 (invalid, or cut by the window: the byte-at-a-time path decides).
 */
static inline size_t csv_u8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t avail = (size_t)(end - p);

	if (c >= 0xc2 && c <= 0xdf)
		return avail >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		return avail >= 3 && p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		return avail >= 4 && p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 &&
				       (p[3] & 0xc0) == 0x80
			       ? 4
			       : 0;
	}
	return 0;
}

/*
 * Skip plain bytes (those cls does not flag) and whole valid UTF-8
 * sequences; stop at a flagged ASCII byte, at a sequence the slow path must
 * look at, or at end.
 */
static inline const unsigned char *csv_scan(const unsigned char *p, const unsigned char *end,
					    const unsigned char *cls)
{
	size_t k;

	for (;;) {
		while (p < end && !cls[*p])
			p++;
		if (p == end || *p < 0x80)
			return p;
		k = csv_u8_seq(p, end);
		if (!k)
			return p;
		p += k;
	}
}

/*
 * Continuation bytes a sequence led by c needs (0: c cannot lead one), and
 * the range its first continuation byte must fall in: narrower after E0
 * (overlong), ED (surrogates), F0 (overlong) and F4 (above U+10FFFF).
 */
static unsigned csv_u8_need(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		return 1;
	if (c >= 0xe0 && c <= 0xef) {
		if (c == 0xe0)
			*lo = 0xa0;
		else if (c == 0xed)
			*hi = 0x9f;
		return 2;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (c == 0xf0)
			*lo = 0x90;
		else if (c == 0xf4)
			*hi = 0x8f;
		return 3;
	}
	return 0;
}

/* Start a multibyte sequence at lead byte c; false if c cannot start one. */
static bool csv_u8_lead(struct csv_reader *r, unsigned char c)
{
	r->u8_need = csv_u8_need(c, &r->u8_lo, &r->u8_hi);
	r->u8_lead = c;
	return r->u8_need != 0;
}

/*
 * Count the non-ASCII sequences of s[0..n): the valid multibyte ones in
 * *good, the invalid ones in *bad. An invalid one is a byte that cannot lead
 * a sequence, or a lead byte with the continuation bytes that fit it before
 * the first one that does not (Unicode's "maximal subpart"); that byte then
 * starts afresh. A sequence cut at the end counts as neither when more input
 * follows, else as invalid. *wide gets the number of distinct valid 3- and
 * 4-byte sequences (U+0800 and up: every Chinese character), counted up to
 * CSV_GIVEN_WIDE.
 */
static void csv_u8_count(const unsigned char *s, size_t n, bool more, size_t *good,
			 size_t *bad, size_t *wide)
{
	uint32_t seen[CSV_GIVEN_WIDE];
	size_t i = 0;

	*good = 0;
	*bad = 0;
	*wide = 0;
	while (i < n) {
		unsigned char lo, hi;
		unsigned need;
		size_t j;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		need = csv_u8_need(s[i], &lo, &hi);
		for (j = 1; j <= need && i + j < n && s[i + j] >= lo && s[i + j] <= hi; j++) {
			lo = 0x80;
			hi = 0xbf;
		}
		if (need && j > need) {
			(*good)++;
			if (need >= 2 && *wide < CSV_GIVEN_WIDE) {
				uint32_t c = 0;
				size_t k;

				for (k = 0; k < j; k++)
					c = c << 8 | s[i + k];
				for (k = 0; k < *wide && seen[k] != c; k++)
					;
				if (k == *wide)
					seen[(*wide)++] = c;
			}
		} else if (!(need && i + j == n && more))
			(*bad)++;
		i += j;
	}
}

/*
 * A byte that is not UTF-8 where the parser stands (in GB18030 input: the
 * marker of a byte the decoder could not convert). A record error: the rest
 * of the record is read without storing it and reading goes on after it.
 */
static void csv_bad_byte(struct csv_reader *r, unsigned char c)
{
	if (r->gb)
		csv_note(r, "bad_encoding", csv_col(r), "无法按 %s 编码转换的字节（%02X）",
			 r->encname, r->bad);
	else
		csv_note(r, "invalid_utf8", csv_col(r),
			 "不是有效的 UTF-8 编码（字节 0x%02X）；如果文件是 GBK 编码，"
			 "请用 --encoding GBK 指定编码",
			 c);
}

/* A NUL byte: a record error like csv_bad_byte (a NUL is never a separator). */
static void csv_nul(struct csv_reader *r)
{
	csv_note(r, "nul_byte", csv_col(r),
		 "含有 NUL 字节（文件可能是 UTF-16 编码，请另存为 UTF-8）");
}

/* ---- decoder ---- */

/*
 * Convert the next piece of input into r->dec. A byte iconv cannot convert
 * is skipped alone (the next may be a comma or a line end) and ends the
 * window as the marker CSV_BAD_MARK, so that the parser reports it where it
 * stands (one marker per window, at its end: r->bad holds the byte until the
 * parser asks for the next window). Only input that ends inside a character
 * stops reading.
 */
static int csv_gb_next(struct csv_reader *r, struct error *e)
{
	for (;;) {
		const unsigned char *s;
		size_t k, max, inleft, outleft, carry;
		char *in, *out;
		int rc;

		if (!r->gin_more) {
			/* at most a cut character is left: keep it, read more */
			carry = r->gin_len - r->gin_pos;
			memmove(r->gin, r->gin + r->gin_pos, carry);
			r->gin_pos = 0;
			r->gin_len = carry;
			max = r->gin_cap - carry;
			if (max > r->window)
				max = r->window;
			rc = csv_src_next(r, &s, &k, max, e);
			if (rc)
				return rc;
			if (k == 0) {
				if (carry) {
					csv_mkerror(r, e, ERR_INPUT, "bad_encoding", r->line,
						    csv_col(r),
						    "无法按 %s 编码转换的字节（文件在字符中间结束）",
						    r->encname);
					return ERR_INPUT;
				}
				r->p = r->end = r->dec;
				return 0;
			}
			memcpy(r->gin + carry, s, k);
			r->gin_len += k;
		}
		r->gin_more = false;
		in = (char *)r->gin + r->gin_pos;
		inleft = r->gin_len - r->gin_pos;
		out = (char *)r->dec;
		outleft = r->dec_cap;
		if (iconv(r->cd, &in, &inleft, &out, &outleft) == (size_t)-1) {
			bool bad = errno == EILSEQ || (errno == EINVAL && inleft > CSV_CARRY_MAX);

			if (bad && outleft) {
				r->bad = (unsigned char)*in;
				in++;
				inleft--;
				*out++ = (char)CSV_BAD_MARK;
				r->gin_more = inleft > 0;
			} else if (bad || errno == E2BIG) {
				/* the output is full: the rest (and the marker)
				 * next time */
				r->gin_more = true;
			}
			/* EINVAL: a character cut at the end, kept for the next call */
		}
		r->gin_pos = r->gin_len - inleft;
		if (out > (char *)r->dec) {
			r->p = r->dec;
			r->end = (unsigned char *)out;
			return 0;
		}
	}
}

/* Hand the parser the next window; an empty one at the end of the input. */
static int csv_window_next(struct csv_reader *r, struct error *e)
{
	const unsigned char *s;
	size_t k;
	int rc;

	if (r->gb)
		return csv_gb_next(r, e);
	rc = csv_src_next(r, &s, &k, r->window, e);
	if (rc)
		return rc;
	r->p = s;
	r->end = s + k;
	return 0;
}

/* ---- record buffer ---- */

static int csv_rb_reserve(struct csv_reader *r, size_t need)
{
	size_t cap;
	char *p;

	if (need <= r->rb_cap)
		return 0;
	cap = r->rb_cap ? r->rb_cap : 256;
	while (cap < need)
		cap *= 2;
	if (cap > r->max_record + 1)
		cap = r->max_record + 1;
	p = realloc(r->rb, cap);
	if (!p)
		return ERR_NOMEM;
	r->rb = p;
	r->rb_cap = cap;
	return 0;
}

/* Append k decoded bytes to the current field, within the limits. */
static int csv_add_slow(struct csv_reader *r, const unsigned char *s, size_t k,
			struct error *err)
{
	if (r->discard)
		return 0;
	if (k > r->max_field - r->flen) {
		csv_note(r, "field_too_long", csv_col(r), "字段超过 %zu 字节", r->max_field);
		return 0;
	}
	if (k > r->max_record - r->rlen) {
		csv_note(r, "record_too_long", csv_col(r), "记录超过 %zu 字节", r->max_record);
		return 0;
	}
	if (csv_rb_reserve(r, r->rlen + k + 1)) {
		struct error e;

		csv_mkerror(r, &e, ERR_NOMEM, "io", r->line, csv_col(r), "内存不足");
		return csv_fail(r, &e, err);
	}
	memcpy(r->rb + r->rlen, s, k);
	r->rlen += k;
	r->flen += k;
	return 0;
}

/* The common case inline: room in the buffer and well within the limits. */
static inline int csv_add(struct csv_reader *r, const unsigned char *s, size_t k,
			  struct error *err)
{
	if (!r->discard && k <= r->max_field - r->flen && k <= r->max_record - r->rlen &&
	    r->rlen + k < r->rb_cap) {
		memcpy(r->rb + r->rlen, s, k);
		r->rlen += k;
		r->flen += k;
		return 0;
	}
	return csv_add_slow(r, s, k, err);
}

/* End the current field; comma: another one follows. */
static int csv_field_end_slow(struct csv_reader *r, bool comma, struct error *err)
{
	struct error e;

	if (comma)
		r->fieldno++;
	if (r->discard)
		return 0;
	if (r->n == r->fcap) {
		size_t cap = r->fcap ? r->fcap * 2 : 16;
		size_t *o, *l;
		const char **p;

		if (cap > r->max_fields)
			cap = r->max_fields;
		o = realloc(r->offs, cap * sizeof(*o));
		if (o)
			r->offs = o;
		l = realloc(r->lens, cap * sizeof(*l));
		if (l)
			r->lens = l;
		p = realloc(r->ptrs, cap * sizeof(*p));
		if (p)
			r->ptrs = p;
		if (!o || !l || !p)
			goto nomem;
		r->fcap = cap;
	}
	if (comma && r->rlen >= r->max_record) {
		csv_note(r, "record_too_long", csv_col(r), "记录超过 %zu 字节", r->max_record);
		return 0;
	}
	if (csv_rb_reserve(r, r->rlen + 1))
		goto nomem;
	r->offs[r->n] = r->rlen - r->flen;
	r->lens[r->n] = r->flen;
	r->rb[r->rlen++] = '\0';
	r->n++;
	r->flen = 0;
	if (comma && r->n == r->max_fields)
		csv_note(r, "too_many_fields", csv_col(r), "字段超过 %zu 个", r->max_fields);
	return 0;
nomem:
	csv_mkerror(r, &e, ERR_NOMEM, "io", r->line, csv_col(r), "内存不足");
	return csv_fail(r, &e, err);
}

static inline int csv_field_end(struct csv_reader *r, bool comma, struct error *err)
{
	if (!r->discard && r->n < r->fcap && r->rlen < r->max_record && r->rlen < r->rb_cap &&
	    (!comma || r->n + 1 < r->max_fields)) {
		r->fieldno += comma;
		r->offs[r->n] = r->rlen - r->flen;
		r->lens[r->n] = r->flen;
		r->rb[r->rlen++] = '\0';
		r->n++;
		r->flen = 0;
		return 0;
	}
	return csv_field_end_slow(r, comma, err);
}

/* ---- parser ---- */

/*
 * Run the state machine over the current window until the record ends
 * (*done) or the window is used up. Returns 0 or the code of a fatal error.
 */
static int csv_step(struct csv_reader *r, bool *done, struct error *err)
{
	const unsigned char *p = r->p, *end = r->end, *q;
	unsigned char c;
	int rc = 0;

	*done = false;
	if (r->skip_lf) {
		/* the CR of a CRLF ended the last window */
		r->skip_lf = false;
		if (*p == '\n')
			p++;
	}
	while (p < end) {
		if (r->u8_need) {
			c = *p;
			if (c < r->u8_lo || c > r->u8_hi) {
				/* cut short: c is read afresh, being perhaps a
				 * separator, a quote or a line end */
				r->u8_need = 0;
				csv_bad_byte(r, r->u8_lead);
				continue;
			}
			r->u8_need--;
			r->u8_lo = 0x80;
			r->u8_hi = 0xbf;
			rc = csv_add(r, p, 1, err);
			if (rc)
				goto out;
			p++;
			continue;
		}
		switch (r->state) {
		case ST_START:
			r->started = true;
			if (*p == '"') {
				r->state = ST_QUOTED;
				r->quote_line = r->line;
				p++;
				break;
			}
			r->state = ST_UNQUOTED;
			/* fall through */
		case ST_UNQUOTED:
			q = csv_scan(p, end, cls_unq);
			if (q > p) {
				rc = csv_add(r, p, (size_t)(q - p), err);
				if (rc)
					goto out;
				p = q;
				if (p == end)
					goto out;
			}
			c = *p++;
			switch (c) {
			case ',':
				rc = csv_field_end(r, true, err);
				if (rc)
					goto out;
				r->state = ST_START;
				break;
			case '\n':
				r->line++;
				goto record;
			case '\r':
				r->line++;
				if (p == end)
					r->skip_lf = true;
				else if (*p == '\n')
					p++;
				goto record;
			case '"':
				csv_note(r, "bad_quote", csv_col(r),
					 "未加引号的字段中出现引号（含引号的字段须整个用引号括起，"
					 "内部引号写两次）");
				break;
			case 0:
				csv_nul(r);
				break;
			default:
				if (!csv_u8_lead(r, c)) {
					csv_bad_byte(r, c);
					break;
				}
				rc = csv_add(r, p - 1, 1, err);
				if (rc)
					goto out;
			}
			break;
		case ST_QUOTED:
			q = csv_scan(p, end, cls_q);
			if (q > p) {
				rc = csv_add(r, p, (size_t)(q - p), err);
				if (rc)
					goto out;
				p = q;
				if (p == end)
					goto out;
			}
			c = *p++;
			if (c == '"') {
				r->state = ST_QUOTE2;
				break;
			}
			if (c == 0) {
				csv_nul(r);
				break;
			}
			if (c == '\n') {
				r->line++;
			} else if (!csv_u8_lead(r, c)) {
				csv_bad_byte(r, c);
				break;
			}
			rc = csv_add(r, p - 1, 1, err);
			if (rc)
				goto out;
			break;
		case ST_QUOTE2:
			c = *p;
			if (c == '"') {
				rc = csv_add(r, p, 1, err);
				if (rc)
					goto out;
				p++;
				r->state = ST_QUOTED;
				break;
			}
			if (c != ',' && c != '\n' && c != '\r')
				csv_note(r, "bad_quote", csv_col(r), "右引号后面还有字符");
			/* the separator (or, after an error, the rest) is read as
			 * an unquoted field would be */
			r->state = ST_UNQUOTED;
			break;
		}
	}
	goto out;
record:
	rc = csv_field_end(r, false, err);
	*done = true;
out:
	r->p = p;
	return rc;
}

/* Hand out the finished record, or its error. */
static int csv_finish(struct csv_reader *r, struct csv_record *rec, struct error *err)
{
	size_t i;

	if (r->discard) {
		if (err)
			*err = r->perr;
		return r->perr.code;
	}
	if (r->expected && r->n != r->expected) {
		struct error e;
		long col = r->n > r->expected ? (long)r->expected + 1 : (long)r->n + 1;

		csv_mkerror(r, &e, ERR_INPUT, "field_count", r->rec_line, col,
			    "有 %zu 个字段，应为 %zu 个", r->n, r->expected);
		if (err)
			*err = e;
		return ERR_INPUT;
	}
	for (i = 0; i < r->n; i++)
		r->ptrs[i] = r->rb + r->offs[i];
	rec->n = r->n;
	rec->field = r->ptrs;
	rec->len = r->lens;
	rec->line = r->rec_line;
	return 0;
}

static int csv_at_eof(struct csv_reader *r, struct csv_record *rec, struct error *err)
{
	struct error e;
	int rc;

	if (r->u8_need) {
		/* the input ends inside a character: nothing follows to read */
		csv_mkerror(r, &e, ERR_INPUT, "invalid_utf8", r->line, csv_col(r),
			    "不是有效的 UTF-8 编码（文件在字符中间结束）");
		return csv_fail(r, &e, err);
	}
	if (r->state == ST_QUOTED) {
		csv_mkerror(r, &e, ERR_INPUT, "unterminated_quote", r->quote_line, csv_col(r),
			    "引号未闭合（从这里到文件结束都没有右引号）");
		return csv_fail(r, &e, err);
	}
	r->fatal_state = FATAL_REPORTED; /* nothing after the end */
	error_clear(&r->fatal);
	if (!r->started)
		return 0;
	rc = csv_field_end(r, false, err);
	if (rc)
		return rc;
	return csv_finish(r, rec, err);
}

int csv_next(struct csv_reader *r, struct csv_record *rec, struct error *err)
{
	struct error e;
	bool done;
	int rc;

	rec->n = 0;
	rec->field = NULL;
	rec->len = NULL;
	rec->line = 0;
	r->held = false;
	if (r->fatal_state == FATAL_PENDING) {
		r->fatal_state = FATAL_REPORTED;
		r->held = true;
		if (err)
			*err = r->fatal;
		return r->fatal.code;
	}
	if (r->fatal_state == FATAL_REPORTED) {
		if (r->fatal.code == ERR_IO) {
			if (err)
				*err = r->fatal;
			return ERR_IO;
		}
		return 0;
	}
	r->n = 0;
	r->fieldno = 0;
	r->rlen = 0;
	r->flen = 0;
	r->state = ST_START;
	r->started = false;
	r->discard = false;
	r->rec_line = r->line;
	for (;;) {
		if (r->p == r->end) {
			rc = csv_window_next(r, &e);
			if (rc)
				return csv_fail(r, &e, err);
			if (r->p == r->end)
				return csv_at_eof(r, rec, err);
		}
		rc = csv_step(r, &done, err);
		if (rc)
			return rc;
		if (done)
			return csv_finish(r, rec, err);
	}
}

/* ---- opening and closing ---- */

static bool csv_is_utf8_name(const char *s)
{
	return strcasecmp(s, "UTF-8") == 0 || strcasecmp(s, "UTF8") == 0;
}

static int csv_new(const struct csv_options *opt, struct csv_reader **out, struct error *err)
{
	static const struct csv_options none;
	struct csv_reader *r;

	if (!opt)
		opt = &none;
	r = calloc(1, sizeof(*r));
	if (!r)
		return error_set(err, ERR_NOMEM, "内存不足");
	r->fd = -1;
	r->cd = (iconv_t)-1;
	r->line = 1;
	r->window = SIZE_MAX;
	r->name = strdup(opt->name ? opt->name : "");
	r->max_field = opt->max_field ? opt->max_field : CSV_DEF_FIELD;
	r->max_record = opt->max_record ? opt->max_record : CSV_DEF_RECORD;
	r->max_fields = opt->max_fields ? opt->max_fields : CSV_DEF_FIELDS;
	r->expected = opt->expected_fields;
	if (r->max_record == SIZE_MAX)
		r->max_record--;
	if (opt->encoding && opt->encoding[0]) {
		r->encname = strdup(opt->encoding);
		if (r->encname && !csv_is_utf8_name(opt->encoding)) {
			r->cd = iconv_open("UTF-8", opt->encoding);
			if (r->cd == (iconv_t)-1) {
				error_at(err, ERR_USAGE, r->name, 0, 0, "不支持的编码 '%s'",
					 opt->encoding);
				error_reason(err, "unknown_encoding");
				csv_close(r);
				return ERR_USAGE;
			}
			r->gb = true;
		}
	}
	if (!r->name || (opt->encoding && opt->encoding[0] && !r->encname)) {
		csv_close(r);
		return error_set(err, ERR_NOMEM, "内存不足");
	}
	*out = r;
	return 0;
}

/* Decide the encoding from the first bytes and skip a byte order mark. */
static int csv_start(struct csv_reader *r, const unsigned char *head, size_t n, bool more,
		     struct error *err)
{
	size_t skip = 0;

	if (!r->encname) {
		size_t good, bad, wide;

		/*
		 * A UTF-8 BOM settles it; otherwise the first 64 KiB decide. A
		 * few invalid bytes in UTF-8 text (one mistyped row) must not
		 * make the whole file GB18030, garbling every name: UTF-8 wins
		 * when its valid multibyte sequences are at least
		 * CSV_DETECT_RATIO times the invalid ones. GBK text seldom
		 * forms a valid UTF-8 sequence: Chinese text in GBK gives about
		 * one valid for five invalid, a single line at most three for
		 * one; the invalid bytes are then reported at their rows.
		 */
		csv_u8_count(head, n < CSV_DETECT ? n : CSV_DETECT, more || n > CSV_DETECT, &good,
			     &bad, &wide);
		if ((n >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0) ||
		    good >= CSV_DETECT_RATIO * bad) {
			r->encname = strdup("UTF-8");
		} else {
			r->encname = strdup("GB18030");
			r->cd = iconv_open("UTF-8", "GB18030");
			if (r->cd == (iconv_t)-1) {
				error_at(err, ERR_IO, r->name, 0, 0, "系统不支持 GB18030 编码");
				error_reason(err, "io");
				return ERR_IO;
			}
			r->gb = true;
		}
		if (!r->encname)
			return error_set(err, ERR_NOMEM, "内存不足");
	} else if (r->gb) {
		size_t good, bad, wide;

		/*
		 * A legacy encoding given for a file that is plainly UTF-8
		 * would turn every Chinese name into other characters, and an
		 * import would commit them without a single error (GBK takes
		 * almost any byte pair). Plainly: detection would say UTF-8 and
		 * there are at least CSV_GIVEN_WIDE distinct 3- or 4-byte
		 * characters. GBK text never gets there: its bytes form a valid
		 * 3-byte sequence only by chance (a lead E0-EF, then two bytes
		 * 80-BF), and then mostly next to invalid ones; its look-alikes
		 * of UTF-8 are 2-byte ones (C2-DF, 80-BF), not counted here.
		 */
		csv_u8_count(head, n < CSV_DETECT ? n : CSV_DETECT, more || n > CSV_DETECT, &good,
			     &bad, &wide);
		if (good >= CSV_DETECT_RATIO * bad && wide >= CSV_GIVEN_WIDE) {
			error_at(err, ERR_INPUT, r->name, 0, 0,
				 "文件是 UTF-8 编码，不是指定的 %s（开头是有效的 UTF-8 中文）；按 %s "
				 "读取会把中文全部读错，请去掉 --encoding 或改用 --encoding UTF-8",
				 r->encname, r->encname);
			error_reason(err, "encoding_mismatch");
			return ERR_INPUT;
		}
	}
	if (!r->gb && n >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0)
		skip = 3;
	else if (r->gb && n >= 4 && memcmp(head, "\x84\x31\x95\x33", 4) == 0)
		skip = 4; /* the GB18030 encoding of U+FEFF */
	if (r->gb) {
		/* small inputs in memory get small buffers */
		r->gin_cap = CSV_GB_PIECE;
		if (r->is_mem && r->mem_len < r->gin_cap)
			r->gin_cap = r->mem_len;
		r->gin_cap += CSV_CARRY_MAX;
		r->dec_cap = 2 * r->gin_cap + 16;
		r->gin = malloc(r->gin_cap);
		r->dec = malloc(r->dec_cap);
		if (!r->gin || !r->dec)
			return error_set(err, ERR_NOMEM, "内存不足");
	}
	if (r->is_mem)
		r->mem_pos = skip;
	else
		r->raw_pos = skip;
	return 0;
}

int csv_open_mem(const char *data, size_t len, const struct csv_options *opt,
		 struct csv_reader **out, struct error *err)
{
	struct csv_reader *r;
	int rc;

	*out = NULL;
	rc = csv_new(opt, &r, err);
	if (rc)
		return rc;
	r->is_mem = true;
	r->mem = (const unsigned char *)data;
	r->mem_len = data ? len : 0;
	rc = csv_start(r, r->mem, r->mem_len, false, err);
	if (rc) {
		csv_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

int csv_open_file(const char *path, const struct csv_options *opt, struct csv_reader **out,
		  struct error *err)
{
	struct csv_options o = opt ? *opt : (struct csv_options){ 0 };
	struct csv_reader *r;
	struct error e;
	int rc;

	*out = NULL;
	if (!o.name)
		o.name = path;
	rc = csv_new(&o, &r, err);
	if (rc)
		return rc;
	if (strcmp(path, "-") == 0) {
		r->fd = 0;
	} else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0) {
			error_at(err, ERR_IO, r->name, 0, 0, "无法打开 '%s'：%s", path,
				 error_errno_text(errno));
			error_reason(err, "io");
			csv_close(r);
			return ERR_IO;
		}
		r->own_fd = true;
	}
	r->raw_cap = CSV_READ_CHUNK;
	r->raw = malloc(r->raw_cap);
	if (!r->raw) {
		csv_close(r);
		return error_set(err, ERR_NOMEM, "内存不足");
	}
	/* the detection looks at the first 64 KiB, however read(2) splits them */
	while (r->raw_len < CSV_DETECT && !r->src_eof) {
		size_t got;

		rc = csv_read_some(r, r->raw + r->raw_len, r->raw_cap - r->raw_len, &got, &e);
		if (rc) {
			if (err)
				*err = e;
			csv_close(r);
			return rc;
		}
		r->raw_len += got;
	}
	rc = csv_start(r, r->raw, r->raw_len, !r->src_eof, err);
	if (rc) {
		csv_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

void csv_set_window(struct csv_reader *r, size_t n)
{
	r->window = n ? n : 1;
}

size_t csv_mem_used(const struct csv_reader *r)
{
	return sizeof(*r) + r->raw_cap + r->gin_cap + r->dec_cap + r->rb_cap +
	       r->fcap * (2 * sizeof(size_t) + sizeof(char *));
}

void csv_expect_fields(struct csv_reader *r, size_t n)
{
	r->expected = n;
}

const char *csv_encoding(const struct csv_reader *r)
{
	return r->encname ? r->encname : "UTF-8";
}

bool csv_ended(const struct csv_reader *r)
{
	return r->fatal_state == FATAL_REPORTED;
}

bool csv_error_same_record(const struct csv_reader *r)
{
	return r->held;
}

void csv_close(struct csv_reader *r)
{
	if (!r)
		return;
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	free(r->name);
	free(r->encname);
	free(r->raw);
	free(r->gin);
	free(r->dec);
	free(r->rb);
	free(r->offs);
	free(r->lens);
	free(r->ptrs);
	free(r);
}

/* ---- header and writing ---- */

int csv_check_header(const struct csv_reader *r, const struct csv_record *rec,
		     const char *const *names, size_t n, struct error *err)
{
	struct buf want;
	long col = 0;
	size_t i;

	for (i = 0; i < n && i < rec->n; i++) {
		if (strlen(names[i]) != rec->len[i] ||
		    memcmp(names[i], rec->field[i], rec->len[i]) != 0) {
			col = (long)i + 1;
			break;
		}
	}
	if (!col && rec->n == n)
		return 0;
	if (!col)
		col = (long)(rec->n < n ? rec->n : n) + 1;
	buf_init(&want, 4096);
	for (i = 0; i < n; i++) {
		if (i)
			buf_addc(&want, ',');
		csv_write_field(&want, names[i], strlen(names[i]));
	}
	error_at(err, ERR_INPUT, r ? r->name : NULL, rec->line, col, "表头不对，应为：%s",
		 buf_str(&want));
	error_reason(err, "bad_header");
	buf_free(&want);
	return ERR_INPUT;
}

int csv_write_field(struct buf *b, const char *s, size_t len)
{
	const char *q, *end = s + len;
	size_t i;
	int rc;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == ',' || c == '"' || c == '\r' || c == '\n')
			break;
	}
	/* a field starting with U+FEFF is quoted too, or at the start of a file
	 * a reader would take it for a byte order mark */
	if (i == len && !(len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0))
		return buf_add(b, s, len);
	rc = buf_addc(b, '"');
	while (!rc && s < end) {
		q = memchr(s, '"', (size_t)(end - s));
		if (!q) {
			rc = buf_add(b, s, (size_t)(end - s));
			break;
		}
		rc = buf_add(b, s, (size_t)(q - s + 1));
		if (!rc)
			rc = buf_addc(b, '"');
		s = q + 1;
	}
	if (!rc)
		rc = buf_addc(b, '"');
	return rc;
}

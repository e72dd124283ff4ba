/*
 * mask.c - masking names, ID numbers and bank accounts for disclosure lists
 * and every output shown to users who may not see the full value.
 *
 * The rule that matters most is that nothing hidden leaks: a hidden position
 * always becomes one '*', a kept position is copied only when it is a
 * well-formed, printable character, and output that does not fit is not
 * truncated but replaced by "".
 */
#include "subsidy/mask.h"

#include "base/buf.h"
#include "base/csv.h"
#include "base/error.h"

#include <stdbool.h>
#include <string.h>

/*
 * Length of the well-formed UTF-8 sequence at p (at most n bytes), or 0 when
 * the byte at p starts no well-formed sequence (stray continuation byte,
 * overlong form, surrogate, beyond U+10FFFF, truncated) or is a C0 control
 * or DEL, which never belong in a name.
 */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];

	if (c < 0x20 || c == 0x7f)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80;
		unsigned char hi = c == 0xed ? 0x9f : 0xbf;

		if (n < 3 || p[1] < lo || p[1] > hi || (p[2] & 0xc0) != 0x80)
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80;
		unsigned char hi = c == 0xf4 ? 0x8f : 0xbf;

		if (n < 4 || p[1] < lo || p[1] > hi || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

/* A character of a name: its byte length, 0 standing for one bad byte. */
static size_t unit_len(const unsigned char *p, size_t n, size_t *seq)
{
	*seq = utf8_seq(p, n);
	return *seq ? *seq : 1;
}

static size_t fail(char *out, size_t n)
{
	if (n > 0)
		out[0] = '\0';
	return 0;
}

/* Whether the name character with index i of count is shown. */
static bool name_keeps(size_t i, size_t count)
{
	if (count <= 3)
		return i == 0 || (count == 3 && i == 2);
	return i <= 1 || i == count - 1;
}

size_t mask_name(const char *name, size_t len, char *out, size_t n)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t count = 0, need = 0, i, k, seq;

	for (i = 0; i < len; i += unit_len(p + i, len - i, &seq))
		count++;
	for (i = 0, k = 0; i < len; k++) {
		size_t step = unit_len(p + i, len - i, &seq);

		need += (seq && name_keeps(k, count)) ? seq : 1;
		i += step;
	}
	if (need >= n)
		return fail(out, n);
	need = 0;
	for (i = 0, k = 0; i < len; k++) {
		size_t step = unit_len(p + i, len - i, &seq);

		if (seq && name_keeps(k, count)) {
			size_t j;

			for (j = 0; j < seq; j++)
				out[need++] = (char)p[i + j];
		} else {
			out[need++] = '*';
		}
		i += step;
	}
	out[need] = '\0';
	return need;
}

/*
 * Copy s[0..len) into out with only the first keep_head and last keep_tail
 * bytes shown, and those only when printable ASCII (IDs and accounts are
 * ASCII; anything else is not copied into output).
 */
static size_t mask_bytes(const char *s, size_t len, size_t keep_head, size_t keep_tail, char *out,
			 size_t n)
{
	size_t i;

	if (len >= n)
		return fail(out, n);
	for (i = 0; i < len; i++) {
		bool keep = i < keep_head || i >= len - keep_tail;

		out[i] = keep && s[i] > 0x20 && s[i] < 0x7f ? s[i] : '*';
	}
	out[len] = '\0';
	return len;
}

size_t mask_id(const char *id, size_t len, char *out, size_t n)
{
	if (len < 15)
		return mask_bytes(id, len, 0, 0, out, n);
	return mask_bytes(id, len, 6, 4, out, n);
}

size_t mask_account(const char *acct, size_t len, char *out, size_t n)
{
	if (len < 8)
		return mask_bytes(acct, len, 0, 0, out, n);
	return mask_bytes(acct, len, 0, 4, out, n);
}

size_t mask_quote(const char *s, size_t len, size_t max, char *out, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, digits = 0, k;

	for (i = 0; i < len; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			digits++;
		/* full-width ０-９: EF BC 90..99 */
		else if (p[i] == 0xef && i + 2 < len && p[i + 1] == 0xbc && p[i + 2] >= 0x90 &&
			 p[i + 2] <= 0x99) {
			digits++;
			i += 2;
		}
	}
	if (digits >= MASK_QUOTE_DIGITS) {
		if (sizeof(MASK_QUOTE_HIDDEN) > n)
			return fail(out, n);
		memcpy(out, MASK_QUOTE_HIDDEN, sizeof(MASK_QUOTE_HIDDEN));
		return sizeof(MASK_QUOTE_HIDDEN) - 1;
	}
	k = len < max ? len : max;
	while (k > 0 && k < len && (p[k] & 0xc0) == 0x80)
		k--;
	if (k >= n)
		return fail(out, n);
	memcpy(out, s, k);
	out[k] = '\0';
	return k;
}

int mask_formula_like(const char *s, size_t len)
{
	return len > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
			   s[0] == '\t' || s[0] == '\r');
}

int mask_csv_text(struct buf *b, const char *s, size_t len)
{
	struct buf t;
	int rc;

	if (!mask_formula_like(s, len))
		return csv_write_field(b, s, len) ? ERR_NOMEM : 0;
	/* the quote goes inside the CSV quoting, as part of the value */
	buf_init(&t, len + 2);
	rc = buf_addc(&t, '\'') || buf_add(&t, s, len) ? ERR_NOMEM : 0;
	if (!rc && csv_write_field(b, buf_str(&t), t.len))
		rc = ERR_NOMEM;
	buf_free(&t);
	return rc;
}

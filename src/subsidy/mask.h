/*
 * mask.h - masking personal data for disclosure lists and default output.
 *
 * Names (counted in UTF-8 characters): 1 character is kept ("张"); 2 keep the
 * first ("张三" -> "张*"); 3 keep first and last ("张小三" -> "张*三"); 4 or
 * more keep the first two and the last ("欧阳小明" -> "欧阳*明",
 * "欧阳小小明" -> "欧阳**明"), which keeps compound surnames readable.
 * ID numbers keep the first 6 and last 4 characters ("410102********1234").
 * Bank accounts keep the last 4 ("***************1234", one '*' per hidden
 * digit). Each function writes a NUL-terminated string into out and returns
 * its length, or 0 when out is too small (then out holds "").
 * Invalid UTF-8 in a name is masked byte by byte as if each byte were one
 * character, so nothing unmasked leaks.
 *
 * Details (fixed here so callers and tests can rely on them):
 * - A name "character" is a well-formed UTF-8 sequence (no overlong forms,
 *   surrogates or values above U+10FFFF). Each byte that starts no such
 *   sequence, and each C0 control or DEL, counts as one character and is
 *   always written as '*', even in a kept position, so the output is always
 *   valid UTF-8 without control characters.
 * - ID numbers shorter than 15 characters and accounts shorter than 8 are
 *   masked entirely (one '*' per byte): too little would stay hidden.
 * - In IDs and accounts a kept byte is copied only when it is printable
 *   ASCII other than space ('!'..'~'); anything else becomes '*'. The output
 *   has exactly len bytes.
 * - Empty input gives "" and returns 0 (as does an out too small; n must be
 *   at least the output length + 1).
 * No allocation; out must not overlap the input.
 *
 * Also here: what of a field a message may quote (mask_quote) and the
 * guard against spreadsheet formulas in CSV output of free text
 * (mask_csv_text), docs/personal-data.md.
 */
#ifndef MINSHENG_SUBSIDY_MASK_H
#define MINSHENG_SUBSIDY_MASK_H

#include <stddef.h>

struct buf;

size_t mask_name(const char *name, size_t len, char *out, size_t n);
size_t mask_id(const char *id, size_t len, char *out, size_t n);
size_t mask_account(const char *acct, size_t len, char *out, size_t n);

/* Digits (ASCII or full-width) in a value from which its quotation is
 * withheld: an ID number has 17 or 18, an account 16 to 19, so 12 catches
 * a shortened one too. */
#define MASK_QUOTE_DIGITS 12
/* What is quoted instead of such a value. */
#define MASK_QUOTE_HIDDEN "（疑似身份证号或银行账号，已隐去）"

/*
 * The text to quote of a field in a message (an error on stderr, a line of
 * a reject file): s[0..len) cut to at most max bytes on a UTF-8 boundary,
 * or MASK_QUOTE_HIDDEN when the whole value holds MASK_QUOTE_DIGITS or more
 * digits, wherever they are (a misplaced column must not copy an ID number
 * or account into messages). Writes into out (n bytes, NUL-terminated) and
 * returns the length; 0 and "" when out is too small.
 */
size_t mask_quote(const char *s, size_t len, size_t max, char *out, size_t n);

/* Whether a spreadsheet would read text starting like s as a formula:
 * first byte = + - @, a tab or a carriage return. */
int mask_formula_like(const char *s, size_t len);

/*
 * Append s[0..len) to b as one CSV field of free text (a name, a role):
 * as csv_write_field, but a value mask_formula_like gets a leading single
 * quote ("'=1+2"), so a spreadsheet opening the file shows it as text
 * instead of running it. Never for numbers (a negative amount stays one).
 * Returns 0, or ERR_NOMEM.
 */
int mask_csv_text(struct buf *b, const char *s, size_t len);

#endif

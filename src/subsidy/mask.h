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
 */
#ifndef MINSHENG_SUBSIDY_MASK_H
#define MINSHENG_SUBSIDY_MASK_H

#include <stddef.h>

size_t mask_name(const char *name, size_t len, char *out, size_t n);
size_t mask_id(const char *id, size_t len, char *out, size_t n);
size_t mask_account(const char *acct, size_t len, char *out, size_t n);

#endif

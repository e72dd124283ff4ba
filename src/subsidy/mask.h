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
 */
#ifndef MINSHENG_SUBSIDY_MASK_H
#define MINSHENG_SUBSIDY_MASK_H

#include <stddef.h>

size_t mask_name(const char *name, size_t len, char *out, size_t n);
size_t mask_id(const char *id, size_t len, char *out, size_t n);
size_t mask_account(const char *acct, size_t len, char *out, size_t n);

#endif

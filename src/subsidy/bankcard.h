/*
 * bankcard.h - bank card / account numbers: 16 to 19 digits with a valid
 * Luhn (mod 10) check digit. Pure computation.
 */
#ifndef MINSHENG_SUBSIDY_BANKCARD_H
#define MINSHENG_SUBSIDY_BANKCARD_H

#include <stddef.h>

enum bankcard_status {
	BANKCARD_OK = 0,
	BANKCARD_LENGTH,  /* not 16..19 characters */
	BANKCARD_CHARS,   /* a character that is not a digit */
	BANKCARD_LUHN,    /* the check digit is wrong */
};

/*
 * Check s[0..len): the length first, then that every byte is '0'..'9'
 * (spaces, separators, full-width digits and embedded NULs are
 * BANKCARD_CHARS), then the Luhn sum. No allocation; safe to call for every
 * row of a bulk import.
 */
enum bankcard_status bankcard_check(const char *s, size_t len);

/* The Luhn check digit ('0'..'9') to append to the n digits of s (which
 * must be digits). */
char bankcard_luhn_digit(const char *s, size_t n);

/* "bank_length", "bank_chars", "bank_luhn"; and a Chinese message. Both
 * return "" for BANKCARD_OK. */
const char *bankcard_reason(enum bankcard_status st);
const char *bankcard_message(enum bankcard_status st);

#endif

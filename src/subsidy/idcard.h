/*
 * idcard.h - resident identity numbers (GB 11643-1999).
 *
 * 18 characters: a 6-digit address code whose first two digits are a known
 * province code (11..82 as listed in GB/T 2260), an 8-digit birth date, a
 * 3-digit sequence (odd: male, even: female) and a check character computed
 * with ISO 7064 MOD 11-2 ('0'..'9' or 'X'; a lower-case 'x' is accepted and
 * stored upper-case). 15-digit legacy numbers (birth year 19YY, no check
 * character) convert to 18. Pure computations, no I/O.
 */
#ifndef MINSHENG_SUBSIDY_IDCARD_H
#define MINSHENG_SUBSIDY_IDCARD_H

#include <stddef.h>

#include "base/period.h"

enum idcard_status {
	IDCARD_OK = 0,
	IDCARD_LENGTH,     /* not 18 characters */
	IDCARD_CHARS,      /* a non-digit where a digit must be, or a bad last character */
	IDCARD_PROVINCE,   /* first two digits are no province code */
	IDCARD_BIRTHDATE,  /* the birth date does not exist or is before 1900 */
	IDCARD_FUTURE,     /* the birth date is after the reference date */
	IDCARD_CHECKSUM,   /* the check character is wrong */
};

struct idcard {
	char number[19];   /* 18 characters, check character upper-case, NUL */
	struct date birth;
	int female;        /* 1 female, 0 male */
};

/*
 * Check s[0..len) against today (the reference date for "not in the future").
 * On IDCARD_OK fills *out; otherwise *out is unspecified.
 * The checks run in the order of the statuses above and the first failure
 * is returned: length (len must be exactly 18; an embedded NUL counts as a
 * character and then fails as IDCARD_CHARS), characters, province, birth
 * date (a real Gregorian date, 1900-01-01 or later), not after today, check
 * character. No allocation; safe to call for every row of a bulk import.
 */
enum idcard_status idcard_parse(const char *s, size_t len, struct date today,
				struct idcard *out);

/* Stable reason code ("id_length", "id_chars", "id_province", "id_birthdate",
 * "id_future", "id_checksum") and a Chinese message for a status. Both
 * return "" for IDCARD_OK. The message names no length, since
 * IDCARD_LENGTH also reports a legacy number that is not 15 digits. */
const char *idcard_reason(enum idcard_status st);
const char *idcard_message(enum idcard_status st);

/* The check character ('0'..'9' or 'X') for first17[0..17), which must be
 * 17 digits. */
char idcard_check_char(const char *first17);

/*
 * Convert a 15-digit legacy number to 18 (inserting "19" before the year and
 * appending the check character) into out[19]. Returns IDCARD_OK or the
 * status describing what is wrong with the 15-digit number: IDCARD_LENGTH
 * (not 15 characters), IDCARD_CHARS (a non-digit), IDCARD_PROVINCE,
 * IDCARD_BIRTHDATE (19YYMMDD is no real date), IDCARD_FUTURE (after today).
 * A legacy number has no check character, so never IDCARD_CHECKSUM. out is
 * written only on IDCARD_OK.
 */
enum idcard_status idcard_upgrade15(const char *s, size_t len, struct date today,
				    char out[19]);

/* Age in whole years at a date (birthday counted on the day itself; a
 * 29 February birthday counts on 1 March in other years). Returns -1 when
 * at is before the birth date. */
int idcard_age_at(const struct idcard *id, struct date at);

#endif

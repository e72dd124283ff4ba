/*
 * idcard.c - resident identity numbers (GB 11643-1999): parsing, the
 * ISO 7064 MOD 11-2 check character, legacy 15-digit upgrade and age.
 *
 * idcard_parse runs once for every row of a roster import (tens of millions
 * of rows), so it allocates nothing and makes one pass over 18 bytes plus a
 * few table look-ups.
 */
#include "subsidy/idcard.h"

#include <stdbool.h>

/*
 * Province-level codes of GB/T 2260 (the first two digits of the address
 * code): 11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71 (Taiwan), 81 (Hong
 * Kong), 82 (Macao). Indexed by the two-digit number; one row per region
 * group.
 */
/* clang-format off */
static const unsigned char province_known[100] = {
	[11] = 1, [12] = 1, [13] = 1, [14] = 1, [15] = 1,
	[21] = 1, [22] = 1, [23] = 1,
	[31] = 1, [32] = 1, [33] = 1, [34] = 1, [35] = 1, [36] = 1, [37] = 1,
	[41] = 1, [42] = 1, [43] = 1, [44] = 1, [45] = 1, [46] = 1,
	[50] = 1, [51] = 1, [52] = 1, [53] = 1, [54] = 1,
	[61] = 1, [62] = 1, [63] = 1, [64] = 1, [65] = 1,
	[71] = 1,
	[81] = 1, [82] = 1,
};
/* clang-format on */

/* ISO 7064 MOD 11-2 weights 2^(17-i) mod 11 for positions 1..17. */
static const unsigned char weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char check_chars[12] = "10X98765432";

/*
 * A tiny Gregorian validity check of our own, so this module depends on
 * nothing but struct date (and stays a pure, inlinable computation).
 */
static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool civil_valid(int y, int m, int d)
{
	static const unsigned char mdays[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m < 1 || m > 12 || d < 1)
		return false;
	if (m == 2 && is_leap(y))
		return d <= 29;
	return d <= mdays[m];
}

/* a < b as calendar dates (lexicographic on year, month, day). */
static bool date_before(struct date a, struct date b)
{
	if (a.year != b.year)
		return a.year < b.year;
	if (a.month != b.month)
		return a.month < b.month;
	return a.day < b.day;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int num2(const char *p)
{
	return (p[0] - '0') * 10 + (p[1] - '0');
}

static int num4(const char *p)
{
	return num2(p) * 100 + num2(p + 2);
}

char idcard_check_char(const char *first17)
{
	unsigned sum = 0;
	int i;

	/* Unsigned arithmetic keeps the index inside the table even if a
	 * caller breaks the "17 digits" contract. */
	for (i = 0; i < 17; i++)
		sum += weights[i] * (unsigned)(unsigned char)(first17[i] - '0');
	return check_chars[sum % 11];
}

/*
 * The checks shared by 18- and 15-digit numbers once the characters are
 * known to be digits: province code and birth date (year, month, day at
 * p[0..8) in YYYYMMDD form).
 */
static enum idcard_status check_province_birth(const char *s, const char *ymd, struct date today,
					       struct date *birth)
{
	struct date b;

	if (!province_known[num2(s)])
		return IDCARD_PROVINCE;
	b.year = num4(ymd);
	b.month = num2(ymd + 4);
	b.day = num2(ymd + 6);
	if (b.year < 1900 || !civil_valid(b.year, b.month, b.day))
		return IDCARD_BIRTHDATE;
	if (date_before(today, b))
		return IDCARD_FUTURE;
	*birth = b;
	return IDCARD_OK;
}

enum idcard_status idcard_parse(const char *s, size_t len, struct date today, struct idcard *out)
{
	enum idcard_status st;
	struct date birth;
	unsigned sum = 0;
	char last;
	int i;

	if (len != 18)
		return IDCARD_LENGTH;
	/* One pass: digits checked and the MOD 11-2 sum taken together. */
	for (i = 0; i < 17; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';

		if (d > 9)
			return IDCARD_CHARS;
		sum += weights[i] * d;
	}
	last = s[17];
	if (last == 'x')
		last = 'X';
	if (!is_digit(last) && last != 'X')
		return IDCARD_CHARS;
	st = check_province_birth(s, s + 6, today, &birth);
	if (st != IDCARD_OK)
		return st;
	if (check_chars[sum % 11] != last)
		return IDCARD_CHECKSUM;
	for (i = 0; i < 17; i++)
		out->number[i] = s[i];
	out->number[17] = last;
	out->number[18] = '\0';
	out->birth = birth;
	out->female = ((s[16] - '0') % 2) == 0;
	return IDCARD_OK;
}

enum idcard_status idcard_upgrade15(const char *s, size_t len, struct date today, char out[19])
{
	enum idcard_status st;
	struct date birth;
	char ymd[8];
	int i;

	if (len != 15)
		return IDCARD_LENGTH;
	for (i = 0; i < 15; i++)
		if (!is_digit(s[i]))
			return IDCARD_CHARS;
	/* Legacy layout: address(6) YYMMDD(6) sequence(3); the century is 19. */
	ymd[0] = '1';
	ymd[1] = '9';
	for (i = 0; i < 6; i++)
		ymd[2 + i] = s[6 + i];
	st = check_province_birth(s, ymd, today, &birth);
	if (st != IDCARD_OK)
		return st;
	for (i = 0; i < 6; i++)
		out[i] = s[i];
	for (i = 0; i < 8; i++)
		out[6 + i] = ymd[i];
	for (i = 0; i < 3; i++)
		out[14 + i] = s[12 + i];
	out[17] = idcard_check_char(out);
	out[18] = '\0';
	return IDCARD_OK;
}

int idcard_age_at(const struct idcard *id, struct date at)
{
	int bm = id->birth.month, bd = id->birth.day;
	int age;

	if (date_before(at, id->birth))
		return -1;
	/* Someone born on 29 February turns a year older on 1 March in
	 * common years (the usual legal reading in China). */
	if (bm == 2 && bd == 29 && !is_leap(at.year)) {
		bm = 3;
		bd = 1;
	}
	age = at.year - id->birth.year;
	if (at.month < bm || (at.month == bm && at.day < bd))
		age--;
	return age;
}

const char *idcard_reason(enum idcard_status st)
{
	switch (st) {
	case IDCARD_OK:
		return "";
	case IDCARD_LENGTH:
		return "id_length";
	case IDCARD_CHARS:
		return "id_chars";
	case IDCARD_PROVINCE:
		return "id_province";
	case IDCARD_BIRTHDATE:
		return "id_birthdate";
	case IDCARD_FUTURE:
		return "id_future";
	case IDCARD_CHECKSUM:
		return "id_checksum";
	}
	return "id_invalid";
}

const char *idcard_message(enum idcard_status st)
{
	switch (st) {
	case IDCARD_OK:
		return "";
	case IDCARD_LENGTH:
		return "身份证号码位数不对";
	case IDCARD_CHARS:
		return "身份证号码含有非法字符（前17位应为数字，末位为数字或X）";
	case IDCARD_PROVINCE:
		return "身份证号码的省级行政区划代码不存在";
	case IDCARD_BIRTHDATE:
		return "身份证号码中的出生日期无效";
	case IDCARD_FUTURE:
		return "身份证号码中的出生日期晚于参考日期";
	case IDCARD_CHECKSUM:
		return "身份证号码校验码错误";
	}
	return "身份证号码无效";
}

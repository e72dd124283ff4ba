/*
 * bankcard.c - bank card and account numbers: length 16..19, digits only,
 * Luhn (ISO/IEC 7812-1 mod 10) check digit.
 *
 * bankcard_check runs for every row of a roster import, so it is a single
 * allocation-free pass over at most 19 bytes.
 */
#include "subsidy/bankcard.h"

/* Doubling a digit and adding the digits of the product: 0..9 -> this. */
static const unsigned char luhn_double[10] = {0, 2, 4, 6, 8, 1, 3, 5, 7, 9};

/*
 * Luhn sum of s[0..n) where the rightmost digit is doubled when
 * double_last is set (computing a check digit to append) or left as it is
 * (verifying a number that ends with its check digit). The digits must
 * already have been checked.
 */
static unsigned luhn_sum(const char *s, size_t n, int double_last)
{
	unsigned sum = 0;
	int dbl = double_last;
	size_t i;

	for (i = n; i > 0; i--) {
		unsigned d = (unsigned)(unsigned char)(s[i - 1] - '0') % 10;

		sum += dbl ? luhn_double[d] : d;
		dbl = !dbl;
	}
	return sum;
}

char bankcard_luhn_digit(const char *s, size_t n)
{
	return (char)('0' + (10 - luhn_sum(s, n, 1) % 10) % 10);
}

enum bankcard_status bankcard_check(const char *s, size_t len)
{
	size_t i;

	if (len < 16 || len > 19)
		return BANKCARD_LENGTH;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return BANKCARD_CHARS;
	if (luhn_sum(s, len, 0) % 10 != 0)
		return BANKCARD_LUHN;
	return BANKCARD_OK;
}

const char *bankcard_reason(enum bankcard_status st)
{
	switch (st) {
	case BANKCARD_OK:
		return "";
	case BANKCARD_LENGTH:
		return "bank_length";
	case BANKCARD_CHARS:
		return "bank_chars";
	case BANKCARD_LUHN:
		return "bank_luhn";
	}
	return "bank_invalid";
}

const char *bankcard_message(enum bankcard_status st)
{
	switch (st) {
	case BANKCARD_OK:
		return "";
	case BANKCARD_LENGTH:
		return "银行账号位数不对（应为16至19位）";
	case BANKCARD_CHARS:
		return "银行账号含有非数字字符";
	case BANKCARD_LUHN:
		return "银行账号校验位错误";
	}
	return "银行账号无效";
}

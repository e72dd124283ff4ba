/* test_bankcard.c - bank card numbers: length, digits, Luhn check digit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "subsidy/bankcard.h"

static enum bankcard_status check(const char *s)
{
	return bankcard_check(s, strlen(s));
}

/*
 * Hand computations (Luhn: from the right, every second digit starting with
 * the one left of the check digit is doubled, 9 subtracted when above 9;
 * valid when the total is a multiple of 10):
 *
 * 4111111111111111: doubled positions 2,4,..,16 from the right hold seven 1s
 *   and the leading 4: 7*2 + 8 = 22; the other eight positions are 1s: 8.
 *   22 + 8 = 30, valid; check digit of 411111111111111 is 1.
 *
 * 6222021234567890128 (19 digits): from the right 8 2 1 0 9 8 7 6 5 4 3 2 1
 *   2 0 2 2 2 6. Doubled (2,0,8,6,4,2,2,2,2) -> 4+0+7+3+8+4+4+4+4 = 38;
 *   kept (8,1,9,7,5,3,1,0,2,6) = 42; 38 + 42 = 80, valid.
 *
 * 6217000010001234569 (19 digits): from the right 9 6 5 4 3 2 1 0 0 0 1 0 0
 *   0 0 7 1 2 6. Doubled (6,4,2,0,0,0,0,7,2) -> 3+8+4+0+0+0+0+5+4 = 24;
 *   kept (9,5,3,1,0,1,0,0,1,6) = 26; 24 + 26 = 50, valid.
 */
static void test_known_valid(void **state)
{
	(void)state;
	assert_int_equal(check("4111111111111111"), BANKCARD_OK);
	assert_int_equal(check("6222021234567890128"), BANKCARD_OK);
	assert_int_equal(check("6217000010001234569"), BANKCARD_OK);
	assert_int_equal(bankcard_luhn_digit("411111111111111", 15), '1');
	assert_int_equal(bankcard_luhn_digit("622202123456789012", 18), '8');
	assert_int_equal(bankcard_luhn_digit("621700001000123456", 18), '9');
}

/* Numbers built with bankcard_luhn_digit pass; every other last digit fails. */
static void test_built(void **state)
{
	static const char *bodies[] = {"622202123456789",   "6222021234567890",
				       "62170000100012345", "621700001000123456",
				       "000000000000000",   "999999999999999999"};

	(void)state;
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		char s[20];
		size_t n = strlen(bodies[i]);
		char good = bankcard_luhn_digit(bodies[i], n);

		memcpy(s, bodies[i], n);
		s[n + 1] = '\0';
		for (char d = '0'; d <= '9'; d++) {
			s[n] = d;
			assert_int_equal(bankcard_check(s, n + 1),
					 d == good ? BANKCARD_OK : BANKCARD_LUHN);
		}
	}
}

static void test_length(void **state)
{
	(void)state;
	assert_int_equal(check(""), BANKCARD_LENGTH);
	assert_int_equal(check("411111111111111"), BANKCARD_LENGTH);	  /* 15 */
	assert_int_equal(check("62220212345678901280"), BANKCARD_LENGTH); /* 20 */
	assert_int_equal(check("1234"), BANKCARD_LENGTH);
	assert_int_equal(check("abc"), BANKCARD_LENGTH); /* length is checked first */
}

static void test_chars(void **state)
{
	char s[20];

	(void)state;
	assert_int_equal(check("4111 1111 1111 1111"), BANKCARD_CHARS);
	assert_int_equal(check("411111111111111A"), BANKCARD_CHARS);
	assert_int_equal(check("-411111111111111"), BANKCARD_CHARS);
	assert_int_equal(check("622202123456789012X"), BANKCARD_CHARS);
	assert_int_equal(check("６2220212345678901"), BANKCARD_CHARS); /* full-width 6, 3 bytes */
	memcpy(s, "4111111111111111", 17);
	s[3] = '\0';
	assert_int_equal(bankcard_check(s, 16), BANKCARD_CHARS);
}

static void test_wrong_check_digit(void **state)
{
	(void)state;
	assert_int_equal(check("4111111111111112"), BANKCARD_LUHN);
	assert_int_equal(check("6222021234567890127"), BANKCARD_LUHN);
	assert_int_equal(check("6217000010001234567"), BANKCARD_LUHN);
	/* A swap of neighbouring digits is caught (except 09/90). */
	assert_int_equal(check("6222021234567890218"), BANKCARD_LUHN);
}

static void test_reasons(void **state)
{
	(void)state;
	assert_string_equal(bankcard_reason(BANKCARD_OK), "");
	assert_string_equal(bankcard_reason(BANKCARD_LENGTH), "bank_length");
	assert_string_equal(bankcard_reason(BANKCARD_CHARS), "bank_chars");
	assert_string_equal(bankcard_reason(BANKCARD_LUHN), "bank_luhn");
	assert_string_equal(bankcard_message(BANKCARD_OK), "");
	assert_non_null(strstr(bankcard_message(BANKCARD_LENGTH), "银行账号"));
	assert_string_not_equal(bankcard_message(BANKCARD_LENGTH),
				bankcard_message(BANKCARD_CHARS));
	assert_string_not_equal(bankcard_message(BANKCARD_CHARS), bankcard_message(BANKCARD_LUHN));
	assert_string_not_equal(bankcard_message(BANKCARD_LENGTH), bankcard_message(BANKCARD_LUHN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_valid),
	    cmocka_unit_test(test_built),
	    cmocka_unit_test(test_length),
	    cmocka_unit_test(test_chars),
	    cmocka_unit_test(test_wrong_check_digit),
	    cmocka_unit_test(test_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_idcard.c - resident ID numbers: every check, the MOD 11-2 check
 * character, the 15-digit upgrade and age at a date. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "subsidy/idcard.h"

static const struct date today = {2023, 2, 15};

/*
 * The check character computed here independently of idcard.c, straight
 * from ISO 7064 MOD 11-2: weight of position i (1-based from the left over
 * 18 positions) is 2^(18-i) mod 11; the check value c satisfies
 * (sum + c) mod 11 == 1, with 10 written 'X'.
 */
static char ref_check(const char *first17)
{
	int sum = 0, w = 1, i, c;

	for (i = 16; i >= 0; i--) {
		w = (w * 2) % 11;
		sum += (first17[i] - '0') * w;
	}
	c = (12 - sum % 11) % 11;
	return c == 10 ? 'X' : (char)('0' + c);
}

/* out = addr(6) + birth(8) + seq(3) + check. */
static void make_id(char out[19], const char *addr, const char *birth, const char *seq)
{
	memcpy(out, addr, 6);
	memcpy(out + 6, birth, 8);
	memcpy(out + 14, seq, 3);
	out[17] = ref_check(out);
	out[18] = '\0';
}

static enum idcard_status parse(const char *s, struct idcard *id)
{
	return idcard_parse(s, strlen(s), today, id);
}

static void test_standard_sample(void **state)
{
	struct idcard id;

	(void)state;
	assert_int_equal(idcard_check_char("11010519491231002"), 'X');
	assert_int_equal(ref_check("11010519491231002"), 'X');
	assert_int_equal(parse("11010519491231002X", &id), IDCARD_OK);
	assert_string_equal(id.number, "11010519491231002X");
	assert_int_equal(id.birth.year, 1949);
	assert_int_equal(id.birth.month, 12);
	assert_int_equal(id.birth.day, 31);
	assert_int_equal(id.female, 1); /* 17th digit 2 is even */
}

static void test_lower_x_stored_upper(void **state)
{
	struct idcard id;

	(void)state;
	assert_int_equal(parse("11010519491231002x", &id), IDCARD_OK);
	assert_string_equal(id.number, "11010519491231002X");
}

static void test_built_number(void **state)
{
	struct idcard id;
	char s[19];

	(void)state;
	make_id(s, "410102", "19900307", "123");
	assert_string_equal(s, "410102199003071230");
	assert_int_equal(parse(s, &id), IDCARD_OK);
	assert_string_equal(id.number, s);
	assert_int_equal(id.female, 0); /* 17th digit 3 is odd */
	assert_int_equal(id.birth.year, 1990);
	assert_int_equal(id.birth.month, 3);
	assert_int_equal(id.birth.day, 7);
	make_id(s, "410102", "19900307", "124");
	assert_int_equal(parse(s, &id), IDCARD_OK);
	assert_int_equal(id.female, 1);
}

/* Every check character value occurs; each is accepted exactly when right. */
static void test_every_check_char(void **state)
{
	const char *all = "0123456789X";
	int seen[11] = {0}, n = 0, seq;

	(void)state;
	for (seq = 0; seq < 1000 && n < 11; seq++) {
		char s[19], seqs[4];
		struct idcard id;
		int k;

		seqs[0] = (char)('0' + seq / 100);
		seqs[1] = (char)('0' + seq / 10 % 10);
		seqs[2] = (char)('0' + seq % 10);
		seqs[3] = '\0';
		make_id(s, "410102", "19900307", seqs);
		assert_int_equal(idcard_check_char(s), s[17]);
		k = (int)(strchr(all, s[17]) - all);
		if (seen[k])
			continue;
		seen[k] = 1;
		n++;
		for (int j = 0; j < 11; j++) {
			s[17] = all[j];
			assert_int_equal(parse(s, &id),
					 all[j] == ref_check(s) ? IDCARD_OK : IDCARD_CHECKSUM);
		}
	}
	assert_int_equal(n, 11);
}

static void test_length(void **state)
{
	struct idcard id;

	(void)state;
	assert_int_equal(parse("11010519491231002", &id), IDCARD_LENGTH);   /* 17 */
	assert_int_equal(parse("11010519491231002X1", &id), IDCARD_LENGTH); /* 19 */
	assert_int_equal(parse("110105194912310021X", &id), IDCARD_LENGTH); /* 19 */
	assert_int_equal(parse("", &id), IDCARD_LENGTH);
	assert_int_equal(idcard_parse("", 0, today, &id), IDCARD_LENGTH);
	assert_int_equal(parse("11010519491231002X ", &id), IDCARD_LENGTH); /* trailing space */
	assert_int_equal(parse("110105491231002", &id), IDCARD_LENGTH);	    /* legacy 15 */
}

static void test_chars(void **state)
{
	struct idcard id;
	char s[19];

	(void)state;
	assert_int_equal(parse("4101021990A3071230", &id), IDCARD_CHARS); /* letter inside */
	assert_int_equal(parse("A10102199003071230", &id), IDCARD_CHARS);
	assert_int_equal(parse("41010219900307X230", &id), IDCARD_CHARS); /* X not at the end */
	assert_int_equal(parse("4101021990030712X0", &id), IDCARD_CHARS);
	assert_int_equal(parse("41010219900307123Y", &id), IDCARD_CHARS); /* bad last char */
	assert_int_equal(parse("41010219900307123-", &id), IDCARD_CHARS);
	assert_int_equal(parse(" 1010219900307123X", &id), IDCARD_CHARS); /* space */
	assert_int_equal(parse("410102 99003071230", &id), IDCARD_CHARS);
	assert_int_equal(parse("41010219900307123 ", &id), IDCARD_CHARS);
	assert_int_equal(parse("４10102199003071230", &id),
			 IDCARD_LENGTH); /* full-width is 3 bytes */

	/* Embedded NUL inside an 18-byte field. */
	make_id(s, "410102", "19900307", "123");
	s[5] = '\0';
	assert_int_equal(idcard_parse(s, 18, today, &id), IDCARD_CHARS);
	make_id(s, "410102", "19900307", "123");
	s[17] = '\0';
	assert_int_equal(idcard_parse(s, 18, today, &id), IDCARD_CHARS);
}

static void test_province(void **state)
{
	struct idcard id;
	char s[19];
	static const char *bad[] = {"000000", "990000", "100000", "160101", "200101",
				    "380101", "470101", "550101", "660101", "700101",
				    "720101", "800101", "830101", "910101"};
	static const char *good[] = {"110101", "150101", "210101", "230101", "310101",
				     "370101", "410102", "460101", "500101", "540101",
				     "610101", "650101", "710101", "810101", "820101"};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		make_id(s, bad[i], "19900307", "123");
		assert_int_equal(parse(s, &id), IDCARD_PROVINCE);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		make_id(s, good[i], "19900307", "123");
		assert_int_equal(parse(s, &id), IDCARD_OK);
	}
	/* Province is checked before the date. */
	make_id(s, "000000", "19990230", "123");
	assert_int_equal(parse(s, &id), IDCARD_PROVINCE);
}

static void test_birthdate(void **state)
{
	struct idcard id;
	char s[19];
	static const char *bad[] = {"19990230", "18991231", "19000229", "19901301", "19900001",
				    "19900100", "19900431", "20230229", "00000000", "19990231"};
	static const char *good[] = {"19000101", "20000229", "19961231",
				     "20230215", "20200229", "19900131"};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		make_id(s, "410102", bad[i], "123");
		assert_int_equal(parse(s, &id), IDCARD_BIRTHDATE);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		make_id(s, "410102", good[i], "123");
		assert_int_equal(parse(s, &id), IDCARD_OK);
	}
	/* A bad date is reported before a bad check character. */
	make_id(s, "410102", "19990230", "123");
	s[17] = s[17] == '0' ? '1' : '0';
	assert_int_equal(parse(s, &id), IDCARD_BIRTHDATE);
}

static void test_future(void **state)
{
	struct idcard id;
	char s[19];

	(void)state;
	make_id(s, "410102", "20230216", "123"); /* the day after today */
	assert_int_equal(parse(s, &id), IDCARD_FUTURE);
	make_id(s, "410102", "20240101", "123");
	assert_int_equal(parse(s, &id), IDCARD_FUTURE);
	make_id(s, "410102", "20230301", "123");
	assert_int_equal(parse(s, &id), IDCARD_FUTURE);
	make_id(s, "410102", "20230215", "123"); /* born today */
	assert_int_equal(parse(s, &id), IDCARD_OK);
	/* The same number is fine against a later reference date. */
	make_id(s, "410102", "20240101", "123");
	assert_int_equal(idcard_parse(s, 18, (struct date){2024, 1, 1}, &id), IDCARD_OK);
}

static void test_checksum(void **state)
{
	struct idcard id;
	char s[19];

	(void)state;
	assert_int_equal(parse("110105194912310021", &id), IDCARD_CHECKSUM);
	assert_int_equal(parse("410102199003071231", &id), IDCARD_CHECKSUM);
	assert_int_equal(parse("41010219900307123X", &id), IDCARD_CHECKSUM);
	/* Swapping two digits is caught. */
	make_id(s, "410102", "19900307", "123");
	s[15] = '3';
	s[16] = '2';
	assert_int_equal(parse(s, &id), IDCARD_CHECKSUM);
}

static void test_reasons_messages(void **state)
{
	static const struct {
		enum idcard_status st;
		const char *reason;
	} cases[] = {
	    {IDCARD_LENGTH, "id_length"},     {IDCARD_CHARS, "id_chars"},
	    {IDCARD_PROVINCE, "id_province"}, {IDCARD_BIRTHDATE, "id_birthdate"},
	    {IDCARD_FUTURE, "id_future"},     {IDCARD_CHECKSUM, "id_checksum"},
	};

	(void)state;
	assert_string_equal(idcard_reason(IDCARD_OK), "");
	assert_string_equal(idcard_message(IDCARD_OK), "");
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(idcard_reason(cases[i].st), cases[i].reason);
		assert_true(strlen(idcard_message(cases[i].st)) > 0);
		assert_non_null(strstr(idcard_message(cases[i].st), "身份证号码"));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(idcard_message(cases[i].st),
						idcard_message(cases[j].st));
	}
	assert_string_equal(idcard_message(IDCARD_CHECKSUM), "身份证号码校验码错误");
	assert_string_equal(idcard_reason((enum idcard_status)99), "id_invalid");
}

static struct idcard born(int y, int m, int d)
{
	struct idcard id;

	memset(&id, 0, sizeof(id));
	id.birth = (struct date){y, m, d};
	return id;
}

static void test_age(void **state)
{
	struct idcard id = born(1990, 3, 7);

	(void)state;
	assert_int_equal(idcard_age_at(&id, (struct date){2023, 3, 6}), 32);
	assert_int_equal(idcard_age_at(&id, (struct date){2023, 3, 7}), 33);
	assert_int_equal(idcard_age_at(&id, (struct date){2023, 12, 31}), 33);
	assert_int_equal(idcard_age_at(&id, (struct date){1990, 3, 7}), 0);
	assert_int_equal(idcard_age_at(&id, (struct date){1991, 3, 6}), 0);
	assert_int_equal(idcard_age_at(&id, (struct date){1990, 3, 6}), -1);

	/* 29 February: counted on 1 March in common years. */
	id = born(2000, 2, 29);
	assert_int_equal(idcard_age_at(&id, (struct date){2001, 2, 28}), 0);
	assert_int_equal(idcard_age_at(&id, (struct date){2001, 3, 1}), 1);
	assert_int_equal(idcard_age_at(&id, (struct date){2003, 2, 28}), 2);
	assert_int_equal(idcard_age_at(&id, (struct date){2003, 3, 1}), 3);
	assert_int_equal(idcard_age_at(&id, (struct date){2004, 2, 28}), 3);
	assert_int_equal(idcard_age_at(&id, (struct date){2004, 2, 29}), 4);
	assert_int_equal(idcard_age_at(&id, (struct date){2100, 2, 28}), 99); /* 2100 common */
	assert_int_equal(idcard_age_at(&id, (struct date){2100, 3, 1}), 100);

	/* Age from a parsed number. */
	assert_int_equal(idcard_parse("11010519491231002X", 18, today, &id), IDCARD_OK);
	assert_int_equal(idcard_age_at(&id, today), 73);
	assert_int_equal(idcard_age_at(&id, (struct date){2023, 12, 31}), 74);
}

static void test_upgrade15(void **state)
{
	char out[19], want[19];
	struct idcard id;

	(void)state;
	assert_int_equal(idcard_upgrade15("410102900307123", 15, today, out), IDCARD_OK);
	make_id(want, "410102", "19900307", "123");
	assert_string_equal(out, want);
	assert_int_equal(idcard_parse(out, 18, today, &id), IDCARD_OK);

	assert_int_equal(idcard_upgrade15("110105491231002", 15, today, out), IDCARD_OK);
	assert_string_equal(out, "11010519491231002X");

	assert_int_equal(idcard_upgrade15("41010290030712", 14, today, out), IDCARD_LENGTH);
	assert_int_equal(idcard_upgrade15("4101029003071234", 16, today, out), IDCARD_LENGTH);
	assert_int_equal(idcard_upgrade15("", 0, today, out), IDCARD_LENGTH);
	assert_int_equal(idcard_upgrade15("41010290030712X", 15, today, out), IDCARD_CHARS);
	assert_int_equal(idcard_upgrade15("4101 2900307123", 15, today, out), IDCARD_CHARS);
	assert_int_equal(idcard_upgrade15("410102\0000307123", 15, today, out), IDCARD_CHARS);
	assert_int_equal(idcard_upgrade15("990102900307123", 15, today, out), IDCARD_PROVINCE);
	assert_int_equal(idcard_upgrade15("000102900307123", 15, today, out), IDCARD_PROVINCE);
	assert_int_equal(idcard_upgrade15("410102990230123", 15, today, out), IDCARD_BIRTHDATE);
	assert_int_equal(idcard_upgrade15("410102000229123", 15, today, out),
			 IDCARD_BIRTHDATE); /* 1900 */
	assert_int_equal(idcard_upgrade15("410102961301123", 15, today, out), IDCARD_BIRTHDATE);
	assert_int_equal(idcard_upgrade15("410102900307123", 15, (struct date){1990, 3, 6}, out),
			 IDCARD_FUTURE);
	assert_int_equal(idcard_upgrade15("410102960229123", 15, today, out), IDCARD_OK);
	assert_memory_equal(out, "41010219960229123", 17);
	assert_int_equal(out[17], ref_check(out));
	assert_int_equal(out[18], '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_standard_sample),  cmocka_unit_test(test_lower_x_stored_upper),
	    cmocka_unit_test(test_built_number),     cmocka_unit_test(test_every_check_char),
	    cmocka_unit_test(test_length),	     cmocka_unit_test(test_chars),
	    cmocka_unit_test(test_province),	     cmocka_unit_test(test_birthdate),
	    cmocka_unit_test(test_future),	     cmocka_unit_test(test_checksum),
	    cmocka_unit_test(test_reasons_messages), cmocka_unit_test(test_age),
	    cmocka_unit_test(test_upgrade15),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_mask.c - masking names, ID numbers and bank accounts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "subsidy/mask.h"

static const char *name(const char *in)
{
	static char out[256];

	mask_name(in, strlen(in), out, sizeof(out));
	return out;
}

static void test_names(void **state)
{
	char out[64];

	(void)state;
	assert_string_equal(name("张"), "张");
	assert_string_equal(name("张三"), "张*");
	assert_string_equal(name("张小三"), "张*三");
	assert_string_equal(name("欧阳小明"), "欧阳*明");
	assert_string_equal(name("欧阳小小明"), "欧阳**明");
	assert_string_equal(name("阿卜杜热合曼·买买提"), "阿卜*******提");
	assert_string_equal(name("Li"), "L*");
	assert_string_equal(name("Wang Wu"), "Wa****u");
	assert_int_equal(mask_name("张小三", strlen("张小三"), out, sizeof(out)), strlen("张*三"));
	/* A 4-byte character (U+20000, a CJK Extension B ideograph). */
	assert_string_equal(name("\xf0\xa0\x80\x80小三"), "\xf0\xa0\x80\x80*三");
}

static void test_name_empty(void **state)
{
	char out[8] = "xyz";

	(void)state;
	assert_int_equal(mask_name("", 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void test_name_invalid_utf8(void **state)
{
	(void)state;
	assert_string_equal(name("\xff"), "*");
	assert_string_equal(name("\xff\xfe"), "**");
	assert_string_equal(name("张\xff三"), "张*三");
	assert_string_equal(name("\xe5\xbc"), "**");	       /* truncated 张 */
	assert_string_equal(name("\xe5\xbc\xa0\xe4"), "张*");  /* 张 then a lone lead */
	assert_string_equal(name("\xc0\xaf"), "**");	       /* overlong '/' */
	assert_string_equal(name("\xed\xa0\x80"), "***");      /* surrogate */
	assert_string_equal(name("\xf4\x90\x80\x80"), "****"); /* above U+10FFFF */
	assert_string_equal(name("\x80张三"), "**三");	       /* stray continuation byte */
	assert_string_equal(name("张\n"), "张*");	       /* control character */
	assert_string_equal(name("\t张"), "**"); /* two characters: the first is bad */
	assert_string_equal(name("\t张三"), "**三");
	/* Embedded NUL never reaches the output. */
	{
		char out[16];

		assert_int_equal(mask_name("\0张三", 7, out, sizeof(out)), 5);
		assert_string_equal(out, "**三");
	}
}

static void test_name_out_too_small(void **state)
{
	char out[16];

	(void)state;
	memcpy(out, "garbage", 8);
	assert_int_equal(mask_name("张三", 6, out, 4), 0); /* "张*" needs 5 */
	assert_string_equal(out, "");
	assert_int_equal(mask_name("张三", 6, out, 5), 4);
	assert_string_equal(out, "张*");
	/* Exact fits (regression: the size pass once used the previous
	 * character's length, so sizes were wrong when lengths differed). */
	assert_int_equal(mask_name("张\xff三", 7, out, 8), 7);
	assert_string_equal(out, "张*三");
	assert_int_equal(mask_name("张\xff三", 7, out, 7), 0);
	assert_string_equal(out, "");
	assert_int_equal(mask_name("a欧阳小明", 13, out, 10), 9);
	assert_string_equal(out, "a欧**明");
	assert_int_equal(mask_name("a欧阳小明", 13, out, 9), 0);
	assert_int_equal(mask_name("张", 3, out, 1), 0);
	assert_string_equal(out, "");
	out[0] = 'q';
	assert_int_equal(mask_name("张", 3, out, 0), 0);
	assert_int_equal(out[0], 'q'); /* n == 0: nothing written */
}

static void test_ids(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(mask_id("410102199003071234", 18, out, sizeof(out)), 18);
	assert_string_equal(out, "410102********1234");
	mask_id("11010519491231002X", 18, out, sizeof(out));
	assert_string_equal(out, "110105********002X");
	mask_id("11010519491231002x", 18, out, sizeof(out));
	assert_string_equal(out, "110105********002x");
	mask_id("410102900307123", 15, out, sizeof(out)); /* legacy */
	assert_string_equal(out, "410102*****7123");
	mask_id("4101029003071", 13, out, sizeof(out)); /* too short to show parts */
	assert_string_equal(out, "*************");
	mask_id("4\n0102199003071\xff"
		"34",
		18, out, sizeof(out));
	assert_string_equal(out, "4*0102********1*34");
	assert_int_equal(mask_id("", 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(mask_id("410102199003071234", 18, out, 18), 0);
	assert_string_equal(out, "");
	assert_int_equal(mask_id("410102199003071234", 18, out, 19), 18);
}

static void test_accounts(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(mask_account("6222021234567890128", 19, out, sizeof(out)), 19);
	assert_string_equal(out, "***************0128");
	mask_account("4111111111111111", 16, out, sizeof(out));
	assert_string_equal(out, "************1111");
	mask_account("12345678", 8, out, sizeof(out));
	assert_string_equal(out, "****5678");
	mask_account("1234567", 7, out, sizeof(out));
	assert_string_equal(out, "*******");
	mask_account("1234", 4, out, sizeof(out));
	assert_string_equal(out, "****");
	mask_account("62220212345678 \x01", 16, out, sizeof(out));
	assert_string_equal(out, "************78**");
	assert_int_equal(mask_account("6222021234567890128", 19, out, 19), 0);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_name_empty),
	    cmocka_unit_test(test_name_invalid_utf8),
	    cmocka_unit_test(test_name_out_too_small),
	    cmocka_unit_test(test_ids),
	    cmocka_unit_test(test_accounts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_zhnum.c - quantities in 万 and 亿 and the completion / percentage-point
 * wording, with the figures the province published.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/decimal.h"
#include "base/error.h"
#include "base/zhnum.h"

static struct decimal D(const char *s) {
	struct decimal d = {0, 0};

	if (decimal_parse(s, strlen(s), &d, NULL) != 0)
		fail_msg("decimal_parse('%s') failed", s);
	return d;
}

static void
expect_q(const char *in, const char *want)
{
	char out[ZHNUM_STRLEN];

	assert_int_equal(zhnum_quantity(D(in), out, sizeof(out)), strlen(want));
	assert_string_equal(out, want);
}

static void test_quantity_published(void **state)
{
	(void)state;
	expect_q("4323000", "432.3万");
	expect_q("300000", "30万");
	expect_q("136500", "13.65万");
	expect_q("17180000", "1718万");
	expect_q("9770000000", "97.7亿");
	expect_q("28658", "28658");
	expect_q("9789", "9789");
	expect_q("4032000", "403.2万");
	expect_q("389400", "38.94万");
	expect_q("775800", "77.58万");
}

static void test_quantity_boundaries(void **state)
{
	(void)state;
	expect_q("0", "0");
	expect_q("99999", "99999");
	expect_q("99999.5", "99999.5");
	expect_q("99999.99", "99999.99");
	expect_q("100000", "10万");
	expect_q("100049", "10万");
	expect_q("100050", "10.01万");
	/* Half-up at the second fraction digit of 万. */
	expect_q("123456", "12.35万");
	expect_q("123449", "12.34万");
	expect_q("123450", "12.35万");
	expect_q("1234567.8", "123.46万");
	/* The 万 form would round to 10000万: written in 亿 instead. */
	expect_q("99999949", "9999.99万");
	expect_q("99999950", "1亿");
	expect_q("99999999", "1亿");
	expect_q("100000000", "1亿");
	expect_q("150000000", "1.5亿");
	expect_q("123456789", "1.23亿");
	expect_q("123500000", "1.24亿");
	expect_q("1000000000000", "10000亿");
	expect_q("9223372036854775807", "92233720368.55亿");
}

static void test_quantity_decimal_inputs(void **state)
{
	(void)state;
	expect_q("4323000.00", "432.3万");
	expect_q("432.3", "432.3");
	expect_q("432.30", "432.3");
	expect_q("0.050", "0.05");
	expect_q("136499.999999999999", "13.65万");
	expect_q("136449.999999999999", "13.64万");
	expect_q("136450.000000000000", "13.65万");
	expect_q("9.223372036854775807", "9.223372036854775807");
	expect_q("99999.999999999999", "99999.999999999999");
}

static void test_quantity_negative(void **state)
{
	char out[ZHNUM_STRLEN];

	(void)state;
	expect_q("-4323000", "-432.3万");
	expect_q("-123450", "-12.35万");
	expect_q("-99999999", "-1亿");
	expect_q("-28658", "-28658");
	expect_q("-0.00", "0");
	/* INT64_MIN is outside the decimal range: 0 and "". */
	assert_int_equal(zhnum_quantity(decimal_from_int(INT64_MIN), out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void test_quantity_small_buffer(void **state)
{
	char out[8];

	(void)state;
	/* "432.3万" is 8 bytes (万 is 3): no room for the NUL. */
	assert_int_equal(zhnum_quantity(D("4323000"), out, 8), 0);
	assert_string_equal(out, "");
	assert_int_equal(zhnum_quantity(D("300000"), out, 8), strlen("30万"));
	assert_string_equal(out, "30万");
	assert_int_equal(zhnum_quantity(D("1"), out, 0), 0);
}

static void expect_completion(const char *in, const char *want)
{
	char out[ZHNUM_STRLEN];

	assert_int_equal(zhnum_completion(D(in), out, sizeof(out)), strlen(want));
	assert_string_equal(out, want);
}

static void expect_pp(const char *in, const char *want)
{
	char out[ZHNUM_STRLEN];

	assert_int_equal(zhnum_pp(D(in), out, sizeof(out)), strlen(want));
	assert_string_equal(out, want);
}

static void test_completion(void **state)
{
	struct decimal pct;
	char out[16];

	(void)state;
	expect_completion("144", "完成年度目标任务的144%");
	expect_completion("144.0", "完成年度目标任务的144%");
	expect_completion("144.10", "完成年度目标任务的144.1%");
	expect_completion("54.5", "完成年度目标任务的54.5%");
	/* The whole chain: counts to a percentage to words. */
	assert_int_equal(decimal_percent(D("4323000"), D("3000000"), 0, &pct), 0);
	expect_completion("144", "完成年度目标任务的144%");
	assert_int_equal(zhnum_completion(pct, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void test_pp(void **state)
{
	struct decimal diff;
	char out[ZHNUM_STRLEN];

	(void)state;
	expect_pp("4.4", "高于年度目标任务4.4个百分点");
	expect_pp("-10", "低于年度目标任务10个百分点");
	expect_pp("-10.0", "低于年度目标任务10个百分点");
	expect_pp("13.50", "高于年度目标任务13.5个百分点");
	expect_pp("0", "达到年度目标任务");
	expect_pp("-0.0", "达到年度目标任务");
	/* The whole chain: 64.4% against a 60% target. */
	assert_int_equal(decimal_pp_diff(D("64.4"), D("60"), 1, &diff), 0);
	assert_int_equal(zhnum_pp(diff, out, sizeof(out)), strlen("高于年度目标任务4.4个百分点"));
	assert_string_equal(out, "高于年度目标任务4.4个百分点");
	assert_int_equal(zhnum_pp(diff, out, 10), 0);
	assert_string_equal(out, "");
	assert_int_equal(zhnum_pp(decimal_from_int(INT64_MIN), out, sizeof(out)), 0);
}

static void expect_qu(const char *in, const char *unit, const char *want)
{
	char out[ZHNUM_STRLEN + 64];

	assert_int_equal(zhnum_quantity_unit(D(in), unit, out, sizeof(out)), strlen(want));
	assert_string_equal(out, want);
}

/* A unit that already counts in 万 or 亿 is taken into the wording: never
 * "120万万元" (a review find), and 100,000万元 is 10亿元. */
static void test_quantity_unit(void **state)
{
	char out[8];

	(void)state;
	/* a plain unit: zhnum_quantity, then the unit */
	expect_qu("4323000", "人次", "432.3万人次");
	expect_qu("28658", "人", "28658人");
	expect_qu("9770000000", "元", "97.7亿元");
	/* 万元 */
	expect_qu("120", "万元", "120万元");
	expect_qu("120.0000", "万元", "120万元");
	expect_qu("100000", "万元", "10亿元");
	expect_qu("97700", "万元", "9.77亿元");
	expect_qu("123.456", "万元", "123.46万元");
	expect_qu("123.454", "万元", "123.45万元");
	expect_qu("10", "万元", "10万元");
	expect_qu("9999.99", "万元", "9999.99万元");
	expect_qu("9999.996", "万元", "1亿元");
	expect_qu("5.5", "万元", "5.5万元");
	expect_qu("9.999", "万元", "9.999万元");
	expect_qu("0", "万元", "0万元");
	expect_qu("-120", "万元", "-120万元");
	expect_qu("-100000", "万元", "-10亿元");
	expect_qu("432.3", "万人次", "432.3万人次");
	expect_qu("10000000", "万", "1000亿");
	/* beyond the base unit's decimal range: straight to 亿 */
	expect_qu("922337203685477", "万元", "92233720368.55亿元");
	/* 亿元: no larger unit, the figure as written */
	expect_qu("97.70", "亿元", "97.7亿元");
	expect_qu("123456", "亿元", "123456亿元");
	/* 万亿 is not taken apart */
	expect_qu("3", "万亿元", "3万亿元");
	/* too small an out: 0 and "" */
	assert_int_equal(zhnum_quantity_unit(D("100000"), "万元", out, 4), 0);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quantity_published),
	    cmocka_unit_test(test_quantity_boundaries),
	    cmocka_unit_test(test_quantity_decimal_inputs),
	    cmocka_unit_test(test_quantity_negative),
	    cmocka_unit_test(test_quantity_small_buffer),
	    cmocka_unit_test(test_completion),
	    cmocka_unit_test(test_pp),
	    cmocka_unit_test(test_quantity_unit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

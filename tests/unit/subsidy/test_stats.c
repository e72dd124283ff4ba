/* test_stats.c - the published 一卡通 wording and the figures from the rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ops_fixture.h"

#include "subsidy/stats.h"

static void test_wording(void **state)
{
	struct stats s;
	struct decimal pct;
	char out[512];

	(void)state;
	memset(&s, 0, sizeof(s));
	/* The province's figures: 193 programmes, 97.7亿元, 958.9万人, 99.8%. */
	s.programmes = 193;
	s.amount_fen = INT64_C(977000000000);
	s.people = 9589000;
	s.payments = 10000;
	s.sscard_payments = 9980;
	assert_true(stats_wording(&s, out, sizeof(out)) > 0);
	assert_string_equal(out, "发放补贴193项，累计发放补贴资金97.7亿元，惠及群众958.9万人，"
				 "使用社保卡领取补贴的比例达到99.8%");
	/* Half-up at the last digit: 99.85% -> 99.9%, 97.65亿 -> 97.65亿 (two digits kept). */
	s.sscard_payments = 9985;
	s.amount_fen = INT64_C(976500000000);
	s.people = 9588950;
	stats_wording(&s, out, sizeof(out));
	assert_string_equal(out, "发放补贴193项，累计发放补贴资金97.65亿元，惠及群众958.9万人，"
				 "使用社保卡领取补贴的比例达到99.9%");
	/* Every payment on a card: 100%, not 100.0%. */
	s.sscard_payments = s.payments;
	stats_wording(&s, out, sizeof(out));
	assert_non_null(strstr(out, "比例达到100%"));
	/* Small figures stay plain; amounts keep their fen. */
	s.programmes = 1;
	s.amount_fen = 123456;
	s.people = 3;
	s.payments = 3;
	s.sscard_payments = 2;
	stats_wording(&s, out, sizeof(out));
	assert_string_equal(out, "发放补贴1项，累计发放补贴资金1234.56元，惠及群众3人，"
				 "使用社保卡领取补贴的比例达到66.7%");
	assert_int_equal(stats_sscard_share(&s, 2, &pct), 0);
	assert_int_equal(pct.units, 6667);
	/* No payments: no share. */
	memset(&s, 0, sizeof(s));
	stats_wording(&s, out, sizeof(out));
	assert_string_equal(out, "发放补贴0项，累计发放补贴资金0元，惠及群众0人");
	assert_int_equal(stats_sscard_share(&s, 1, &pct), ERR_INPUT);
	assert_int_equal(stats_wording(&s, out, 8), 0);
}

static void test_compute(void **state)
{
	struct stats s;
	struct error err;
	struct fx f;

	(void)state;
	fx_open(&f);
	fx_programmes(&f, "code,name,department,frequency,standard_fen,min_age,max_age\n"
			  "GL01,高龄津贴,民政厅,monthly,50000,60,\n"
			  "NJ01,耕地地力保护补贴,农业农村厅,yearly,,,\n");
	fx_roster(&f, FX_ROSTER_HEADER "GL01,202303," FX_P0 ",30000\n"
				       "GL01,202303," FX_P1 ",30000\n"
				       "GL01,202304," FX_P0 ",30000\n"
				       "GL01,202307," FX_P0 ",30000\n"
				       "NJ01,2023," FX_P0 ",12345\n"
				       "NJ01,2023," FX_P3 ",10000\n"
				       "GL01,202203," FX_P2 ",30000\n");
	fx_pay(&f, "GL01", "202303", "2023-03-15T10:00:00");
	fx_pay(&f, "GL01", "202304", "2023-04-15T10:00:00");
	fx_pay(&f, "NJ01", "2023", "2023-05-15T10:00:00");
	fx_pay(&f, "GL01", "202203", "2022-03-15T10:00:00");
	/* 202307 not paid: not counted. One account moved off the card. */
	fx_exec(&f, "UPDATE bank_account SET is_sscard = 0 WHERE last4 = '0128'");
	error_clear(&err);
	fx_ok(stats_compute(f.db, 2023, NULL, &s, &err), &err, "stats 2023");
	assert_int_equal(s.programmes, 2);
	assert_int_equal(s.payments, 5);
	assert_int_equal(s.amount_fen, 30000 * 3 + 12345 + 10000);
	assert_int_equal(s.people, 3);
	assert_int_equal(s.sscard_payments, 4);
	assert_int_equal(s.nper, 2);
	assert_string_equal(s.per[0].code, "GL01");
	assert_int_equal(s.per[0].payments, 3);
	assert_int_equal(s.per[0].people, 2);
	assert_string_equal(s.per[1].code, "NJ01");
	stats_free(&s);
	/* A quarter: the months inside it (the yearly programme is not inside 2023Q1). */
	fx_ok(stats_compute(f.db, 2023, "2023Q1", &s, &err), &err, "stats Q1");
	assert_string_equal(s.period, "2023Q1");
	{
		struct stats t;
		char scope[64];

		assert_true(stats_scope(&s, scope, sizeof(scope)) > 0);
		assert_string_equal(scope, "2023年第一季度");
		memset(&t, 0, sizeof(t));
		t.year = 2023;
		stats_scope(&t, scope, sizeof(scope));
		assert_string_equal(scope, "2023年");
		snprintf(t.period, sizeof(t.period), "202303");
		stats_scope(&t, scope, sizeof(scope));
		assert_string_equal(scope, "2023年3月");
		snprintf(t.period, sizeof(t.period), "2023S2");
		stats_scope(&t, scope, sizeof(scope));
		assert_string_equal(scope, "2023年下半年");
		assert_int_equal(stats_scope(&t, scope, 4), 0);
	}
	assert_int_equal(s.programmes, 1);
	assert_int_equal(s.payments, 2);
	assert_int_equal(s.people, 2);
	stats_free(&s);
	fx_ok(stats_compute(f.db, 2022, NULL, &s, &err), &err, "stats 2022");
	assert_int_equal(s.payments, 1);
	stats_free(&s);
	assert_int_equal(stats_compute(f.db, 2023, "2022Q1", &s, &err), ERR_INPUT);
	assert_int_equal(stats_compute(f.db, 2023, "2023Q5", &s, &err), ERR_INPUT);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wording),
	    cmocka_unit_test(test_compute),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

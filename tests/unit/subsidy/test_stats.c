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

/*
 * The snapshot: another connection commits a change just as the breakdown
 * query starts (a trace callback on stats's own connection, which SQLite
 * calls before the statement reads anything). Read in one transaction, the
 * breakdown still agrees with the headline; read statement by statement,
 * it would count one payment fewer.
 */
struct intrude {
	const char *dbpath;
	int done;
};

static int intrude_on_breakdown(unsigned type, void *ctx, void *p, void *x)
{
	struct intrude *in = ctx;
	struct db *other = NULL;
	struct error err;

	(void)p;
	if (type != SQLITE_TRACE_STMT || in->done || !strstr((const char *)x, "GROUP BY p.id"))
		return 0;
	in->done = 1;
	error_clear(&err);
	fx_ok(db_open(in->dbpath, &other, &err), &err, "db_open (other)");
	fx_ok(db_exec(other,
		      "UPDATE payment SET status = 'failed', reason = 'X'"
		      " WHERE id = (SELECT MIN(id) FROM payment WHERE status = 'paid')",
		      &err),
	      &err, "commit between the queries");
	db_close(other);
	return 0;
}

static void test_snapshot(void **state)
{
	struct intrude in = {0};
	struct stats s;
	struct error err;
	struct fx f;
	int64_t per = 0;
	size_t k;

	(void)state;
	fx_open(&f);
	fx_programmes(&f, "code,name,department,frequency,standard_fen,min_age,max_age\n"
			  "GL01,高龄津贴,民政厅,monthly,50000,60,\n");
	fx_roster(&f, FX_ROSTER_HEADER "GL01,202303," FX_P0 ",30000\n"
				       "GL01,202303," FX_P1 ",30000\n");
	fx_pay(&f, "GL01", "202303", "2023-03-15T10:00:00");
	in.dbpath = f.dbpath;
	sqlite3_trace_v2(db_sqlite(f.db), SQLITE_TRACE_STMT, intrude_on_breakdown, &in);
	error_clear(&err);
	fx_ok(stats_compute(f.db, 2023, NULL, &s, &err), &err, "stats 2023");
	sqlite3_trace_v2(db_sqlite(f.db), 0, NULL, NULL);
	assert_int_equal(in.done, 1); /* the change was committed in between */
	assert_int_equal(s.payments, 2);
	for (k = 0; k < s.nper; k++)
		per += s.per[k].payments;
	assert_int_equal(per, s.payments);
	assert_int_equal(s.nper, 1);
	assert_int_equal(s.per[0].amount_fen, s.amount_fen);
	stats_free(&s);
	/* no transaction left open; the next call sees the change */
	assert_true(sqlite3_get_autocommit(db_sqlite(f.db)));
	fx_ok(stats_compute(f.db, 2023, NULL, &s, &err), &err, "stats 2023 again");
	assert_int_equal(s.payments, 1);
	assert_int_equal(s.per[0].payments, 1);
	stats_free(&s);
	/* inside a caller's transaction: that one is left open */
	fx_exec(&f, "BEGIN");
	fx_ok(stats_compute(f.db, 2023, NULL, &s, &err), &err, "stats in a transaction");
	assert_false(sqlite3_get_autocommit(db_sqlite(f.db)));
	stats_free(&s);
	fx_exec(&f, "ROLLBACK");
	/* a failure (bad period) leaves none open either */
	assert_int_equal(stats_compute(f.db, 2023, "2022Q1", &s, &err), ERR_INPUT);
	assert_true(sqlite3_get_autocommit(db_sqlite(f.db)));
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wording),
	    cmocka_unit_test(test_compute),
	    cmocka_unit_test(test_snapshot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_report.c - completion, comparators, colours (pure), and reports built
 * from imported values: year to date, roll-up, formula rates, ranking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "db/db.h"
#include "tracker/orgunit.h"
#include "tracker/plan.h"
#include "tracker/report.h"
#include "tracker/tracker.h"
#include "tracker/values.h"

#include "tracker_test.h"

#define HEAD "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value"

static const char *text(struct decimal d, char *buf)
{
	decimal_format(d, buf, DECIMAL_STRLEN);
	return buf;
}

/* Judge actual (num/den) against target with 序时进度 tp_num/tp_den. */
static struct report_item judge(enum report_kind kind, enum report_cmp cmp, const char *num,
				const char *den, const char *target, int64_t tp_num, int64_t tp_den,
				int precision)
{
	struct report_opts o;
	struct report_item it;

	report_opts_init(&o, 2023);
	o.precision = precision;
	memset(&it, 0, sizeof(it));
	assert_int_equal(report_judge(kind, cmp, tt_dec(num), tt_dec(den), tt_dec(target), tp_num,
				      tp_den, tp_num == tp_den, &o, &it),
			 0);
	return it;
}

static void test_completion_half_up(void **state)
{
	struct report_item it;
	char b[DECIMAL_STRLEN];

	(void)state;
	/* 108.9万 / 200万 = 54.45% -> 54.5 (half-up), not 54.4 */
	it = judge(REPORT_COUNT, REPORT_GE, "1089000", "1", "2000000", 12, 12, 1);
	assert_true(it.has_completion);
	assert_false(it.has_diff);
	assert_string_equal(text(it.completion_pct, b), "54.5");
	assert_false(it.met);
	assert_int_equal(it.colour, REPORT_RED);
	it = judge(REPORT_COUNT, REPORT_GE, "1089000", "1", "2000000", 12, 12, 0);
	assert_string_equal(text(it.completion_pct, b), "54");
	it = judge(REPORT_COUNT, REPORT_GE, "1089000", "1", "2000000", 12, 12, 2);
	assert_string_equal(text(it.completion_pct, b), "54.45");
	/* 432.3万 / 300万 = 144.1% */
	it = judge(REPORT_COUNT, REPORT_GE, "4323000", "1", "3000000", 12, 12, 1);
	assert_string_equal(text(it.completion_pct, b), "144.1");
	assert_true(it.met);
	assert_int_equal(it.colour, REPORT_GREEN);
	/* Rates: 64.4 - 60 = 4.4 pp */
	it = judge(REPORT_RATE, REPORT_GE, "64.4", "1", "60", 12, 12, 1);
	assert_false(it.has_completion);
	assert_string_equal(text(it.diff_pp, b), "4.4");
	/* A formula rate: 46/60 = 76.666..% vs 75: +1.666.. -> 1.7 */
	it = judge(REPORT_RATE, REPORT_GE, "4600", "60", "75", 12, 12, 1);
	assert_string_equal(text(it.diff_pp, b), "1.7");
	assert_true(it.met);
	/* -0.05 pp rounds half-up on the magnitude: -0.1 */
	it = judge(REPORT_RATE, REPORT_GE, "94.95", "1", "95", 12, 12, 1);
	assert_string_equal(text(it.diff_pp, b), "-0.1");
}

static void test_comparators(void **state)
{
	(void)state;
	assert_true(judge(REPORT_COUNT, REPORT_GE, "100", "1", "100", 12, 12, 1).met);
	assert_true(judge(REPORT_COUNT, REPORT_GE, "101", "1", "100", 12, 12, 1).met);
	assert_false(judge(REPORT_COUNT, REPORT_GE, "99.9", "1", "100", 12, 12, 1).met);
	assert_true(judge(REPORT_COUNT, REPORT_LE, "100", "1", "100", 12, 12, 1).met);
	assert_true(judge(REPORT_COUNT, REPORT_LE, "99", "1", "100", 12, 12, 1).met);
	assert_false(judge(REPORT_COUNT, REPORT_LE, "100.1", "1", "100", 12, 12, 1).met);
	assert_true(judge(REPORT_COUNT, REPORT_EQ, "100.0", "1", "100", 12, 12, 1).met);
	assert_false(judge(REPORT_COUNT, REPORT_EQ, "101", "1", "100", 12, 12, 1).met);
	assert_false(judge(REPORT_COUNT, REPORT_EQ, "99", "1", "100", 12, 12, 1).met);
	assert_true(judge(REPORT_RATE, REPORT_LE, "5.3", "1", "5.5", 12, 12, 1).met);
	assert_false(judge(REPORT_RATE, REPORT_LE, "5.6", "1", "5.5", 12, 12, 1).met);
	/* exact, not rounded: 99.96% shows as 100.0 but is not met */
	assert_false(judge(REPORT_COUNT, REPORT_GE, "9996", "1", "10000", 12, 12, 1).met);
}

static void test_count_colours(void **state)
{
	struct report_opts o;
	struct report_item it;

	(void)state;
	/* 2023Q1: 序时进度 25% */
	assert_int_equal(judge(REPORT_COUNT, REPORT_GE, "250", "1", "1000", 3, 12, 1).colour,
			 REPORT_GREEN); /* exactly at 序时进度 */
	assert_int_equal(judge(REPORT_COUNT, REPORT_GE, "249.9", "1", "1000", 3, 12, 1).colour,
			 REPORT_YELLOW);
	assert_int_equal(judge(REPORT_COUNT, REPORT_GE, "150", "1", "1000", 3, 12, 1).colour,
			 REPORT_YELLOW); /* exactly 10 pp behind */
	assert_int_equal(judge(REPORT_COUNT, REPORT_GE, "149", "1", "1000", 3, 12, 1).colour,
			 REPORT_RED); /* 10.1 pp behind */
	assert_int_equal(judge(REPORT_COUNT, REPORT_GE, "149.99", "1", "1000", 3, 12, 1).colour,
			 REPORT_RED); /* 10.001 behind, shown as 15.0 */
	/* 202301: 1/12 = 8.333..%: 8.3% of the target is behind, 8.34% is not */
	assert_int_equal(judge(REPORT_COUNT, REPORT_GE, "83", "1", "1000", 1, 12, 1).colour,
			 REPORT_YELLOW);
	assert_int_equal(judge(REPORT_COUNT, REPORT_GE, "83.34", "1", "1000", 1, 12, 1).colour,
			 REPORT_GREEN);
	/* <= counts mirror it: at or under 序时进度 green, up to 10 pp over yellow */
	assert_int_equal(judge(REPORT_COUNT, REPORT_LE, "250", "1", "1000", 3, 12, 1).colour,
			 REPORT_GREEN);
	assert_int_equal(judge(REPORT_COUNT, REPORT_LE, "350", "1", "1000", 3, 12, 1).colour,
			 REPORT_YELLOW);
	assert_int_equal(judge(REPORT_COUNT, REPORT_LE, "351", "1", "1000", 3, 12, 1).colour,
			 REPORT_RED);
	/* year end: met green, else red (however close) */
	assert_int_equal(judge(REPORT_COUNT, REPORT_GE, "999", "1", "1000", 12, 12, 1).colour,
			 REPORT_RED);
	assert_int_equal(judge(REPORT_COUNT, REPORT_GE, "1000", "1", "1000", 12, 12, 1).colour,
			 REPORT_GREEN);
	/* the threshold is an option */
	report_opts_init(&o, 2023);
	o.count_yellow_pp = tt_dec("5");
	memset(&it, 0, sizeof(it));
	assert_int_equal(report_judge(REPORT_COUNT, REPORT_GE, tt_dec("150"), tt_dec("1"),
				      tt_dec("1000"), 3, 12, false, &o, &it),
			 0);
	assert_int_equal(it.colour, REPORT_RED);
	assert_int_equal(report_judge(REPORT_COUNT, REPORT_GE, tt_dec("200"), tt_dec("1"),
				      tt_dec("1000"), 3, 12, false, &o, &it),
			 0);
	assert_int_equal(it.colour, REPORT_YELLOW);
}

static void test_rate_colours(void **state)
{
	struct report_opts o;
	struct report_item it;

	(void)state;
	assert_int_equal(judge(REPORT_RATE, REPORT_GE, "95", "1", "95", 3, 12, 1).colour,
			 REPORT_GREEN);
	assert_int_equal(judge(REPORT_RATE, REPORT_GE, "93", "1", "95", 3, 12, 1).colour,
			 REPORT_YELLOW); /* exactly 2 pp short */
	assert_int_equal(judge(REPORT_RATE, REPORT_GE, "92.9", "1", "95", 3, 12, 1).colour,
			 REPORT_RED);
	assert_int_equal(judge(REPORT_RATE, REPORT_LE, "7.5", "1", "5.5", 3, 12, 1).colour,
			 REPORT_YELLOW);
	assert_int_equal(judge(REPORT_RATE, REPORT_LE, "7.51", "1", "5.5", 3, 12, 1).colour,
			 REPORT_RED);
	assert_int_equal(judge(REPORT_RATE, REPORT_EQ, "102", "1", "100", 3, 12, 1).colour,
			 REPORT_YELLOW);
	/* formula: 56/60 = 93.33..% vs 95: 1.67 short: yellow; 55/60 = 91.67: red */
	assert_int_equal(judge(REPORT_RATE, REPORT_GE, "5600", "60", "95", 3, 12, 1).colour,
			 REPORT_YELLOW);
	assert_int_equal(judge(REPORT_RATE, REPORT_GE, "5500", "60", "95", 3, 12, 1).colour,
			 REPORT_RED);
	/* year end: not met is red */
	assert_int_equal(judge(REPORT_RATE, REPORT_GE, "94", "1", "95", 12, 12, 1).colour,
			 REPORT_RED);
	report_opts_init(&o, 2023);
	o.rate_yellow_pp = tt_dec("0.5");
	memset(&it, 0, sizeof(it));
	assert_int_equal(report_judge(REPORT_RATE, REPORT_GE, tt_dec("94"), tt_dec("1"),
				      tt_dec("95"), 3, 12, false, &o, &it),
			 0);
	assert_int_equal(it.colour, REPORT_RED);
}

static void test_names(void **state)
{
	int l;

	(void)state;
	assert_string_equal(report_colour_name(REPORT_GREY), "grey");
	assert_string_equal(report_colour_zh(REPORT_YELLOW), "黄");
	assert_int_equal(report_level_parse("city", &l), 0);
	assert_int_equal(l, 2);
	assert_int_equal(report_level_parse("5", &l), 0);
	assert_int_equal(l, 5);
	assert_int_equal(report_level_parse("town", &l), ERR_INPUT);
	assert_string_equal(report_level_name(3), "county");
	assert_null(report_level_name(6));
}

/* ---- reports over imported data ---- */

static struct report *build(struct db *db, const char *period, const char *ou, int by)
{
	struct report_opts o;
	struct report *r = NULL;
	struct error err;

	report_opts_init(&o, 2023);
	if (period) {
		assert_int_equal(period_parse(period, strlen(period), &o.period, &err), 0);
		o.has_period = true;
	}
	o.orgunit = ou;
	o.by_level = by;
	if (report_build(db, &o, &r, &err))
		fail_msg("report: %s", err.msg);
	return r;
}

static const struct report_item *item(const struct report *r, const char *code)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->items[i].indicator, code) == 0)
			return &r->items[i];
	fail_msg("no indicator %s", code);
	return NULL;
}

static const char *actual(const struct report_item *it, char *b)
{
	if (!it->has_actual)
		return "null";
	return text(it->actual, b);
}

/*
 * values.csv: skill_training monthly at 410102 (100k, 120k, 130k), Q1 at
 * 410103 (250k), Q1 at 4102 itself (300k) with a January at its county
 * 410202 (999,999: covered by 4102's own Q1), Q1 and April at 410302
 * (170k, 70k). new_jobs: Q1 at 41 (280k) and January at 4101 (50k:
 * covered by 41's Q1).
 */
static void test_rollup_no_double_count(void **state)
{
	struct db *db = tt_core_db(true);
	struct report *r;
	char b[DECIMAL_STRLEN];

	(void)state;
	r = build(db, "2023Q1", NULL, 0);
	assert_string_equal(r->orgunit, "41");
	assert_string_equal(text(r->time_progress_pct, b), "25");
	assert_false(r->year_end);
	assert_string_equal(actual(item(r, "skill_training"), b), "1070000");
	assert_string_equal(text(item(r, "skill_training")->completion_pct, b), "35.7");
	assert_int_equal(item(r, "skill_training")->colour, REPORT_GREEN);
	assert_string_equal(actual(item(r, "new_jobs"), b), "280000");
	report_free(r);

	/* January only: monthly values inside, quarters not - so 4102's own
	 * Q1 does not cover its county's January yet */
	r = build(db, "202301", NULL, 0);
	assert_string_equal(actual(item(r, "skill_training"), b), "1099999");
	assert_string_equal(actual(item(r, "new_jobs"), b), "50000");
	assert_string_equal(text(r->time_progress_pct, b), "8.3");
	report_free(r);

	/* the whole year adds 410302's April */
	r = build(db, NULL, NULL, 0);
	assert_true(r->year_end);
	assert_string_equal(r->period_text, "2023");
	assert_string_equal(actual(item(r, "skill_training"), b), "1140000");
	assert_int_equal(item(r, "skill_training")->colour, REPORT_RED);
	report_free(r);

	/* at 4102: its own Q1, not its county's January */
	r = build(db, "2023Q1", "4102", 0);
	assert_string_equal(actual(item(r, "skill_training"), b), "300000");
	report_free(r);
	/* at 410202 itself: its own January */
	r = build(db, "2023Q1", "410202", 0);
	assert_string_equal(actual(item(r, "skill_training"), b), "999999");
	assert_false(item(r, "skill_training")->has_target);
	assert_int_equal(item(r, "skill_training")->colour, REPORT_GREY);
	report_free(r);
	db_close(db);
}

/* Σnumerator / Σdenominator, not the average of the rates. */
static void test_formula_rate(void **state)
{
	struct db *db = tt_core_db(true);
	struct report *r;
	const struct report_item *it;
	char b[DECIMAL_STRLEN];

	(void)state;
	r = build(db, "2023Q1", NULL, 2);
	it = item(r, "courier_rate");
	/* (30 + 1 + 45) / (40 + 10 + 50) = 76%, the mean of 75%, 10%, 90% is 58.3% */
	assert_string_equal(actual(it, b), "76.0");
	assert_true(it->has_fraction);
	assert_string_equal(text(it->numerator, b), "76");
	assert_string_equal(text(it->denominator, b), "100");
	assert_string_equal(text(it->diff_pp, b), "1.0");
	assert_true(it->met);
	/* ranking: judged rows by diff, then a row with data but no target */
	assert_int_equal(it->n_units, 3);
	assert_string_equal(it->units[0].orgunit, "4101");
	assert_string_equal(text(it->units[0].diff_pp, b), "-5.0");
	assert_int_equal(it->units[0].colour, REPORT_RED);
	assert_string_equal(it->units[1].orgunit, "4102");
	assert_string_equal(text(it->units[1].diff_pp, b), "-60.0");
	assert_string_equal(it->units[2].orgunit, "4103");
	assert_string_equal(actual(&it->units[2], b), "90.0");
	assert_false(it->units[2].has_diff);
	assert_int_equal(it->units[2].colour, REPORT_GREY);
	/* no values before March: grey */
	report_free(r);
	r = build(db, "202302", NULL, 0);
	it = item(r, "courier_rate");
	assert_false(it->has_actual);
	assert_int_equal(it->colour, REPORT_GREY);
	assert_false(it->met);
	report_free(r);
	db_close(db);
}

/* A plain rate is the unit's own value: never summed over children. */
static void test_plain_rate_and_last(void **state)
{
	struct db *db = tt_core_db(true);
	struct report *r;
	const struct report_item *it;
	struct values_import_stats st;
	struct error err;
	char b[DECIMAL_STRLEN];
	const char *more = HEAD "\nscreening_rate,202306,41,,,97.5\nunemployment,2023Q2,41,,,5.6\n";

	(void)state;
	r = build(db, "2023Q1", NULL, 2);
	it = item(r, "screening_rate");
	assert_string_equal(actual(it, b), "96.2"); /* not 96.2 + 94 */
	assert_string_equal(text(it->diff_pp, b), "1.2");
	assert_string_equal(it->units[0].orgunit, "4101");
	assert_string_equal(actual(&it->units[0], b), "94");
	assert_int_equal(it->units[0].colour, REPORT_YELLOW); /* 1 pp short */
	assert_int_equal(it->units[1].colour, REPORT_GREY);
	report_free(r);
	assert_int_equal(values_import_mem(db, more, strlen(more), NULL, &st, &err), 0);
	/* last: the latest period inside the window */
	r = build(db, "2023Q1", NULL, 0);
	assert_string_equal(actual(item(r, "screening_rate"), b), "96.2");
	assert_string_equal(actual(item(r, "unemployment"), b), "5.3");
	report_free(r);
	r = build(db, "2023S1", NULL, 0);
	assert_string_equal(actual(item(r, "screening_rate"), b), "97.5");
	it = item(r, "unemployment");
	assert_string_equal(actual(it, b), "5.6");
	assert_false(it->met);
	assert_int_equal(it->colour, REPORT_YELLOW); /* 0.1 over a <= target */
	report_free(r);
	db_close(db);
}

static void test_ranking_and_new_value(void **state)
{
	struct db *db = tt_core_db(true);
	struct report *r;
	const struct report_item *it;
	struct values_import_stats st;
	struct error err;
	char b[DECIMAL_STRLEN];
	const char *more = HEAD "\nskill_training,202302,410302,,,400000\n";

	(void)state;
	r = build(db, "2023Q1", NULL, 2);
	it = item(r, "skill_training");
	assert_string_equal(it->units[0].orgunit, "4101");
	assert_string_equal(text(it->units[0].completion_pct, b), "50.0");
	assert_string_equal(it->units[1].orgunit, "4102");
	assert_string_equal(it->units[2].orgunit, "4103");
	assert_string_equal(text(it->units[2].completion_pct, b), "21.3");
	assert_int_equal(it->units[2].colour, REPORT_YELLOW);
	/* new_jobs has no city targets: completion null, 4101 has data */
	it = item(r, "new_jobs");
	assert_string_equal(it->units[0].orgunit, "4101");
	assert_false(it->units[0].has_completion);
	/* at 4101 the province's own Q1 is out of scope: its own January */
	assert_string_equal(actual(&it->units[0], b), "50000");
	assert_int_equal(it->units[0].colour, REPORT_GREY);
	assert_false(it->units[1].has_actual);
	report_free(r);

	/* 410302 had Q1 170k; its own February inside its own Q1 does not add */
	assert_int_equal(values_import_mem(db, more, strlen(more), NULL, &st, &err), 0);
	r = build(db, "2023Q1", NULL, 2);
	it = item(r, "skill_training");
	assert_string_equal(actual(it, b), "1070000");
	report_free(r);
	r = build(db, "202302", NULL, 2);
	it = item(r, "skill_training");
	/* by February: 410102's Jan+Feb, 410202's January (4102's Q1 is not
	 * inside) and 410302's February */
	assert_string_equal(actual(it, b), "1619999");
	/* 999,999 of 1,000,000 prints 100.0 but is not met */
	assert_string_equal(it->units[0].orgunit, "4102");
	assert_string_equal(text(it->units[0].completion_pct, b), "100.0");
	assert_false(it->units[0].met);
	assert_string_equal(it->units[1].orgunit, "4103");
	assert_string_equal(text(it->units[1].completion_pct, b), "50.0");
	assert_string_equal(it->units[2].orgunit, "4101");
	assert_string_equal(text(it->units[2].completion_pct, b), "18.3");
	report_free(r);
	db_close(db);
}

/* 考核排名 for a cap (<=): the lowest completion or diff ranks first. */
static void test_ranking_capped(void **state)
{
	static const char units[] = "code,name,level,parent_code\n"
				    "41,河南省,province,\n"
				    "4101,郑州市,city,41\n"
				    "4102,开封市,city,41\n"
				    "4103,洛阳市,city,41\n";
	static const char plan[] =
	    "year,project_no,project_title,indicator,indicator_name,unit,kind,comparator,target,"
	    "orgunit,aggregation,numerator,denominator\n"
	    "2023,1,安全,accidents,较大事故,起,count,<=,30,41,,,\n"
	    "2023,1,安全,accidents,较大事故,起,count,<=,10,4101,,,\n"
	    "2023,1,安全,accidents,较大事故,起,count,<=,10,4102,,,\n"
	    "2023,1,安全,accidents,较大事故,起,count,<=,10,4103,,,\n"
	    "2023,1,安全,unemployment,失业率,%,rate,<=,5.5,4101,,,\n"
	    "2023,1,安全,unemployment,失业率,%,rate,<=,5.5,4102,,,\n"
	    "2023,1,安全,unemployment,失业率,%,rate,<=,5.5,4103,,,\n";
	static const char values[] = HEAD "\naccidents,2023,4101,,,8\n"
					  "accidents,2023,4102,,,2\n"
					  "accidents,2023,4103,,,12\n"
					  "unemployment,2023,4101,,,5.0\n"
					  "unemployment,2023,4102,,,6.1\n"
					  "unemployment,2023,4103,,,4.2\n";
	struct orgunit_import_stats ost;
	struct plan_import_stats pst;
	struct plan_import_opts po = {false};
	struct values_import_stats vst;
	struct db *db = tt_open_db();
	struct report *r;
	const struct report_item *it;
	struct error err;

	(void)state;
	assert_int_equal(
	    orgunit_import_mem(db, "u.csv", units, strlen(units), &ost, NULL, NULL, &err), 0);
	assert_int_equal(
	    plan_import_mem(db, "p.csv", plan, strlen(plan), &po, &pst, NULL, NULL, &err), 0);
	assert_int_equal(values_import_mem(db, values, strlen(values), NULL, &vst, &err), 0);
	r = build(db, NULL, NULL, 2);
	it = item(r, "accidents");
	assert_string_equal(it->units[0].orgunit, "4102");
	assert_string_equal(it->units[1].orgunit, "4101");
	assert_string_equal(it->units[2].orgunit, "4103");
	assert_false(it->units[2].met);
	it = item(r, "unemployment");
	assert_string_equal(it->units[0].orgunit, "4103");
	assert_string_equal(it->units[1].orgunit, "4101");
	assert_string_equal(it->units[2].orgunit, "4102");
	report_free(r);
	db_close(db);
}

static void test_options(void **state)
{
	struct db *db = tt_core_db(true);
	struct report_opts o;
	struct report *r = NULL;
	struct error err;

	(void)state;
	report_opts_init(&o, 2023);
	o.orgunit = "4199";
	assert_int_equal(report_build(db, &o, &r, &err), ERR_INPUT);
	assert_null(r);
	assert_non_null(strstr(err.msg, "4199"));
	report_opts_init(&o, 2023);
	o.orgunit = "4101";
	o.by_level = 2;
	assert_int_equal(report_build(db, &o, &r, &err), ERR_INPUT);
	report_opts_init(&o, 2023);
	o.indicator = "nosuch";
	assert_int_equal(report_build(db, &o, &r, &err), ERR_INPUT);
	report_opts_init(&o, 2023);
	o.indicator = "new_jobs";
	assert_int_equal(report_build(db, &o, &r, &err), 0);
	assert_int_equal(r->n, 1);
	report_free(r);
	/* a year without a plan: no indicators */
	report_opts_init(&o, 2021);
	assert_int_equal(report_build(db, &o, &r, &err), 0);
	assert_int_equal(r->n, 0);
	report_free(r);
	db_close(db);
}

/*
 * Several roots: without orgunit the report cannot choose, and says which
 * roots there are (ERR_USAGE, the caller asks again with --orgunit); with
 * it, each tree is reported on its own. A unit below the root carries its
 * parent.
 */
static void test_several_roots(void **state)
{
	static const char units[] = "code,name,level,parent_code\n"
				    "42,湖北省,province,\n"
				    "4201,武汉市,city,42\n";
	struct db *db = tt_core_db(true);
	struct orgunit_import_stats st;
	struct report_opts o;
	struct report *r = NULL;
	struct error err;

	(void)state;
	report_opts_init(&o, 2023);
	assert_int_equal(report_build(db, &o, &r, &err), 0);
	assert_string_equal(r->orgunit, "41");
	assert_string_equal(r->parent, "");
	report_free(r);
	r = NULL;
	assert_int_equal(
	    orgunit_import_mem(db, "two.csv", units, sizeof(units) - 1, &st, NULL, NULL, &err), 0);
	assert_int_equal(report_build(db, &o, &r, &err), ERR_USAGE);
	assert_null(r);
	assert_string_equal(err.msg, "有 2 个根单位，请用 --orgunit 指定其中一个："
				     "41（河南省）、42（湖北省）");
	o.orgunit = "42";
	assert_int_equal(report_build(db, &o, &r, &err), 0);
	assert_string_equal(r->orgunit, "42");
	assert_string_equal(r->parent, "");
	assert_int_equal(r->n, 5);
	assert_false(r->items[0].has_actual);
	report_free(r);
	o.orgunit = "4101";
	assert_int_equal(report_build(db, &o, &r, &err), 0);
	assert_string_equal(r->parent, "41");
	assert_int_equal(r->orgunit_level, 2);
	report_free(r);
	db_close(db);
}

/*
 * Several roots with long names (200 bytes of UTF-8 each) and long codes:
 * the message still says what to do, in full, and names what fits.
 */
static void test_several_roots_long_names(void **state)
{
	struct db *db = tt_open_db();
	struct orgunit_import_stats st;
	struct report_opts o;
	struct report *r = NULL;
	struct error err;
	struct buf csv;
	char name[ORGUNIT_NAME_MAX + 1];
	const char *m;
	int i, k;

	(void)state;
	/* 66 characters: 某 x 64 + 一省 */
	for (k = 0; k < 64; k++)
		memcpy(name + 3 * k, "某", 3);
	name[3 * 64] = '\0';
	buf_init(&csv, 1 << 16);
	assert_int_equal(buf_adds(&csv, "code,name,level,parent_code\n"), 0);
	for (i = 0; i < 6; i++)
		assert_int_equal(
		    buf_printf(&csv, "%c%031d,%s%d省,province,\n", 'A' + i, i, name, i), 0);
	assert_int_equal(orgunit_import_mem(db, "long.csv", buf_str(&csv), strlen(buf_str(&csv)),
					    &st, NULL, NULL, &err),
			 0);
	report_opts_init(&o, 2023);
	assert_int_equal(report_build(db, &o, &r, &err), ERR_USAGE);
	assert_null(r);
	m = err.msg;
	assert_true(strncmp(m, "有 6 个根单位，请用 --orgunit 指定其中一个：",
			    strlen("有 6 个根单位，请用 --orgunit 指定其中一个：")) == 0);
	/* names cut at 20 characters, the list ended by 等, the message whole */
	assert_non_null(strstr(
	    m, "A0000000000000000000000000000000（某某某某某某某某某某某某某某某某某某某某…）"));
	assert_null(strstr(m, "某某某某某某某某某某某某某某某某某某某某某"));
	assert_true(strlen(m) >= 3 && strcmp(m + strlen(m) - 3, "等") == 0);
	assert_true(strlen(m) < sizeof(err.msg) - 1);
	buf_free(&csv);
	db_close(db);
}

/* report_data_period of a period text: its result as text, or "usage". */
static const char *data_period(const char *p, char *out)
{
	struct period in, res;
	struct error err;

	assert_int_equal(period_parse(p, strlen(p), &in, &err), 0);
	error_clear(&err);
	if (report_data_period(&in, &res, &err)) {
		assert_int_equal(err.code, ERR_USAGE);
		assert_non_null(strstr(err.msg, p));
		return "usage";
	}
	period_format(&res, out, PERIOD_STRLEN);
	return out;
}

/*
 * A week or a day is reported as of the last month that ended by its last
 * day; before 31 January of its year there is none.
 */
static void test_data_period(void **state)
{
	char b[PERIOD_STRLEN];

	(void)state;
	assert_string_equal(data_period("20230315", b), "202302");
	assert_string_equal(data_period("20230330", b), "202302");
	assert_string_equal(data_period("20230331", b), "202303");
	assert_string_equal(data_period("20230131", b), "202301");
	assert_string_equal(data_period("20240229", b), "202402");
	assert_string_equal(data_period("20230228", b), "202302");
	assert_string_equal(data_period("20231231", b), "202312");
	assert_string_equal(data_period("20231230", b), "202311");
	assert_string_equal(data_period("2023W12", b), "202302"); /* to 26 March */
	assert_string_equal(data_period("2023W13", b), "202303"); /* to 2 April */
	assert_string_equal(data_period("2023W05", b), "202301"); /* to 5 February */
	assert_string_equal(data_period("2023W52", b), "202312"); /* to 31 December */
	assert_string_equal(data_period("2020W53", b), "202012"); /* to 3 January 2021 */
	assert_string_equal(data_period("2026W53", b), "202612");
	assert_string_equal(data_period("20230101", b), "usage");
	assert_string_equal(data_period("20230130", b), "usage");
	assert_string_equal(data_period("2023W01", b), "usage");
	assert_string_equal(data_period("2023W04", b), "usage"); /* to 29 January */
	assert_string_equal(data_period("2020W01", b), "usage"); /* from 2019-12-30 */
	assert_string_equal(data_period("2026W01", b), "usage"); /* from 2025-12-29 */
	/* every other period is its own */
	assert_string_equal(data_period("2023", b), "2023");
	assert_string_equal(data_period("2023S1", b), "2023S1");
	assert_string_equal(data_period("2023Q1", b), "2023Q1");
	assert_string_equal(data_period("202301", b), "202301");
}

/* Two reports give the same figures at the root and at every city. */
static void same_figures(const struct report *a, const struct report *b)
{
	char x[DECIMAL_STRLEN], y[DECIMAL_STRLEN];
	size_t i, j;

	assert_int_equal(a->n, b->n);
	assert_string_equal(text(a->time_progress_pct, x), text(b->time_progress_pct, y));
	assert_int_equal(a->year_end, b->year_end);
	for (i = 0; i < a->n; i++) {
		const struct report_item *p = &a->items[i], *q = &b->items[i];

		assert_int_equal(p->n_units, q->n_units);
		for (j = 0; j <= p->n_units; j++) {
			const struct report_item *u = j ? &p->units[j - 1] : p;
			const struct report_item *v = j ? &q->units[j - 1] : q;

			assert_string_equal(u->orgunit, v->orgunit);
			assert_string_equal(actual(u, x), actual(v, y));
			assert_int_equal(u->has_completion, v->has_completion);
			if (u->has_completion)
				assert_string_equal(text(u->completion_pct, x),
						    text(v->completion_pct, y));
			assert_int_equal(u->has_diff, v->has_diff);
			if (u->has_diff)
				assert_string_equal(text(u->diff_pp, x), text(v->diff_pp, y));
			assert_int_equal(u->met, v->met);
			assert_int_equal(u->colour, v->colour);
		}
	}
}

/*
 * Weeks and days over monthly and quarterly values: the figures and
 * 序时进度 are those of the last month that ended, never a month counted
 * before its end against a schedule counted in days.
 */
static void test_week_day_reports(void **state)
{
	static const char *const pairs[][2] = {
	    {"20230315", "202302"}, {"20230330", "202302"}, {"2023W12", "202302"},
	    {"20230331", "202303"}, {"2023W13", "202303"},  {"20230131", "202301"},
	    {"2023W05", "202301"},  {"20230430", "202304"}, {"20231231", "2023"},
	    {"2023W52", "2023"},
	};
	struct db *db = tt_core_db(true);
	struct report *r, *m;
	struct error err;
	struct report_opts o;
	char b[DECIMAL_STRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		r = build(db, pairs[i][0], NULL, 2);
		m = build(db, pairs[i][1], NULL, 2);
		same_figures(r, m);
		assert_string_equal(r->period_text, pairs[i][0]);
		report_free(r);
		report_free(m);
	}
	/*
	 * 15 March: January and February only. 郑州 (monthly, 220000 of
	 * 1200000 = 18.3%) is green against 2/12 = 16.7% (counted in days,
	 * 74/365 = 20.3%, it was yellow); 洛阳 reports quarters and has no
	 * value yet; the rate reported for March is not there yet either.
	 */
	r = build(db, "20230315", NULL, 2);
	assert_string_equal(r->data_period_text, "202302");
	assert_string_equal(text(r->time_progress_pct, b), "16.7");
	assert_false(r->year_end);
	assert_string_equal(r->items[0].units[1].orgunit, "4101");
	assert_string_equal(actual(&r->items[0].units[1], b), "220000");
	assert_int_equal(r->items[0].units[1].colour, REPORT_GREEN);
	assert_string_equal(r->items[0].units[2].orgunit, "4103");
	assert_false(r->items[0].units[2].has_actual);
	assert_false(item(r, "unemployment")->has_actual);
	report_free(r);
	/* week 13 (27 March to 2 April): the whole of the first quarter */
	r = build(db, "2023W13", NULL, 0);
	assert_string_equal(r->data_period_text, "202303");
	assert_string_equal(text(r->time_progress_pct, b), "25");
	assert_string_equal(actual(item(r, "skill_training"), b), "1070000");
	assert_string_equal(actual(item(r, "unemployment"), b), "5.3");
	report_free(r);
	/* the last day of the year is the year end */
	r = build(db, "20231231", NULL, 0);
	assert_true(r->year_end);
	assert_string_equal(text(r->time_progress_pct, b), "100");
	report_free(r);
	/* before the end of January: nothing to report, and no report */
	report_opts_init(&o, 2023);
	assert_int_equal(period_parse("20230115", 8, &o.period, &err), 0);
	o.has_period = true;
	r = NULL;
	assert_int_equal(report_build(db, &o, &r, &err), ERR_USAGE);
	assert_null(r);
	assert_non_null(strstr(err.msg, "20230115"));
	db_close(db);
}

static void test_json(void **state)
{
	struct db *db = tt_core_db(true);
	struct report_opts o;
	struct report *r = NULL;
	struct error err;
	struct buf b;

	(void)state;
	report_opts_init(&o, 2023);
	o.indicator = "skill_training";
	assert_int_equal(period_parse("2023Q1", 6, &o.period, &err), 0);
	o.has_period = true;
	assert_int_equal(report_build(db, &o, &r, &err), 0);
	buf_init(&b, 1 << 20);
	assert_int_equal(report_write_json(r, &b), 0);
	assert_string_equal(buf_str(&b),
			    "{\"year\":2023,\"period\":\"2023Q1\",\"orgunit\":\"41\","
			    "\"time_progress_pct\":25,\"indicators\":[{\"project_no\":1,"
			    "\"project_title\":\"稳定和扩大就业\",\"indicator\":\"skill_training\","
			    "\"name\":\"职业技能培训\",\"unit\":\"人次\",\"kind\":\"count\","
			    "\"comparator\":\">=\",\"target\":3000000,\"actual\":1070000,"
			    "\"completion_pct\":35.7,\"diff_pp\":null,\"met\":false,"
			    "\"colour\":\"green\"}],\"summary\":{\"indicators\":1,\"met\":0}}\n");
	buf_free(&b);
	report_free(r);
	/* a day: the month its figures are as of is given after the period */
	assert_int_equal(period_parse("20230315", 8, &o.period, &err), 0);
	assert_int_equal(report_build(db, &o, &r, &err), 0);
	buf_init(&b, 1 << 20);
	assert_int_equal(report_write_json(r, &b), 0);
	assert_true(strncmp(buf_str(&b),
			    "{\"year\":2023,\"period\":\"20230315\",\"data_period\":\"202302\","
			    "\"orgunit\":\"41\",\"time_progress_pct\":16.7,",
			    96) == 0);
	buf_reset(&b);
	assert_int_equal(report_write_text(r, &b), 0);
	assert_non_null(
	    strstr(buf_str(&b), "统计期：20230315（数据截至2月底，202302）  序时进度：16.7%\n"));
	buf_free(&b);
	report_free(r);
	db_close(db);
}

/*
 * At the imports' limits: values up to 922337203685477.5807 (int64 units of
 * 10^-4), targets of any decimal (up to 18 fraction digits). The colour
 * edges are met exactly where the int64 cross products would overflow.
 */
static void test_judge_limits(void **state)
{
	struct report_item it;
	char b[DECIMAL_STRLEN];

	(void)state;
	/* 922337203685477.58 / 6148914691236517.2 is exactly 15%: at 2023Q1
	 * (25%) the yellow edge 25 - 10, so yellow; 0.0001 less is red. */
	it = judge(REPORT_COUNT, REPORT_GE, "922337203685477.58", "1", "6148914691236517.2", 3, 12,
		   4);
	assert_string_equal(text(it.completion_pct, b), "15.0000");
	assert_int_equal(it.colour, REPORT_YELLOW);
	it = judge(REPORT_COUNT, REPORT_GE, "922337203685477.5799", "1", "6148914691236517.2", 3,
		   12, 4);
	assert_string_equal(text(it.completion_pct, b), "15.0000");
	assert_int_equal(it.colour, REPORT_RED);
	/* Days: 90 of 365 days (20230331). 922337203685477.58 of
	 * 3740589770502214.63 is exactly 90/365: green; 0.0001 less: yellow. */
	it = judge(REPORT_COUNT, REPORT_GE, "922337203685477.58", "1", "3740589770502214.63", 90,
		   365, 4);
	assert_int_equal(it.colour, REPORT_GREEN);
	it = judge(REPORT_COUNT, REPORT_GE, "922337203685477.5799", "1", "3740589770502214.63", 90,
		   365, 4);
	assert_int_equal(it.colour, REPORT_YELLOW);
	/* A cap: the same figures on the other side. */
	it = judge(REPORT_COUNT, REPORT_LE, "922337203685477.58", "1", "3740589770502214.63", 90,
		   365, 4);
	assert_int_equal(it.colour, REPORT_GREEN);
	it = judge(REPORT_COUNT, REPORT_LE, "922337203685477.5801", "1", "3740589770502214.63", 90,
		   365, 4);
	assert_int_equal(it.colour, REPORT_YELLOW);
	/* Weeks (2025W06: 40 of 365 days) and months with the largest target. */
	it = judge(REPORT_COUNT, REPORT_GE, "922337203685477.5807", "1", "9223372036854775807", 40,
		   365, 4);
	assert_string_equal(text(it.completion_pct, b), "0.0100");
	assert_int_equal(it.colour, REPORT_RED); /* 0.01 < 10.96 - 10 */
	it = judge(REPORT_COUNT, REPORT_GE, "922337203685477.5807", "1", "9223372036854775807", 6,
		   12, 4);
	assert_int_equal(it.colour, REPORT_RED);
	it = judge(REPORT_COUNT, REPORT_GE, "922337203685477.5807", "1", "9223372036854775807", 1,
		   12, 4);
	assert_int_equal(it.colour, REPORT_YELLOW); /* 8.33 - 10 < 0 */
	/* The smallest target: a completion too large for a decimal at
	 * precision 4 is left out, the colour still judged. */
	it = judge(REPORT_COUNT, REPORT_GE, "922337203685477.5807", "1", "0.000000000000000001", 1,
		   4, 4);
	assert_false(it.has_completion);
	assert_true(it.out_of_range);
	assert_true(it.met);
	assert_int_equal(it.colour, REPORT_GREEN);
	it = judge(REPORT_COUNT, REPORT_LE, "0.0001", "1", "0.000000000000000001", 1, 4, 0);
	assert_true(it.has_completion);
	assert_string_equal(text(it.completion_pct, b), "10000000000000000");
	assert_int_equal(it.colour, REPORT_RED);
	it = judge(REPORT_COUNT, REPORT_LE, "0.0001", "1", "0.000000000000000001", 12, 12, 4);
	assert_false(it.has_completion);
	assert_true(it.out_of_range);
	assert_int_equal(it.colour, REPORT_RED);
	/* Formula rates as report_build passes them: n / (d / 100). 882 / 900
	 * (×10^12) is exactly 98%, 2 points below 100: yellow at the edge. */
	it = judge(REPORT_RATE, REPORT_GE, "882000000000000", "9000000000000.00", "100", 3, 12, 4);
	assert_string_equal(text(it.diff_pp, b), "-2.0000");
	assert_int_equal(it.colour, REPORT_YELLOW);
	it = judge(REPORT_RATE, REPORT_GE, "881999999999999.9999", "9000000000000.00", "100", 3, 12,
		   4);
	assert_int_equal(it.colour, REPORT_RED);
	it = judge(REPORT_RATE, REPORT_GE, "882000000000000", "9000000000000.00",
		   "99.9999999999999999", 3, 12, 4);
	assert_string_equal(text(it.diff_pp, b), "-2.0000");
	assert_int_equal(it.colour, REPORT_YELLOW);
	/* The largest numerator over the smallest denominator (0.0001 / 100):
	 * the difference does not fit, met and colour are still given. */
	it = judge(REPORT_RATE, REPORT_GE, "922337203685477.5807", "0.000001", "100", 3, 12, 4);
	assert_false(it.has_diff);
	assert_true(it.out_of_range);
	assert_true(it.met);
	assert_int_equal(it.colour, REPORT_GREEN);
	/* Plain rates at the limits, either sign. */
	it = judge(REPORT_RATE, REPORT_GE, "922337203685477.5807", "1", "99.9999999999999999", 3,
		   12, 4);
	assert_string_equal(text(it.diff_pp, b), "922337203685377.5807");
	assert_int_equal(it.colour, REPORT_GREEN);
	it = judge(REPORT_RATE, REPORT_LE, "-922337203685477.5807", "1", "100", 3, 12, 4);
	assert_false(it.has_diff);
	assert_true(it.out_of_range);
	assert_int_equal(it.colour, REPORT_GREEN);
	it = judge(REPORT_RATE, REPORT_GE, "-922337203685477.5807", "1", "100", 3, 12, 1);
	assert_string_equal(text(it.diff_pp, b), "-922337203685577.6");
	assert_int_equal(it.colour, REPORT_RED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_completion_half_up),
	    cmocka_unit_test(test_judge_limits),
	    cmocka_unit_test(test_comparators),
	    cmocka_unit_test(test_count_colours),
	    cmocka_unit_test(test_rate_colours),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_rollup_no_double_count),
	    cmocka_unit_test(test_formula_rate),
	    cmocka_unit_test(test_plain_rate_and_last),
	    cmocka_unit_test(test_ranking_and_new_value),
	    cmocka_unit_test(test_ranking_capped),
	    cmocka_unit_test(test_options),
	    cmocka_unit_test(test_several_roots),
	    cmocka_unit_test(test_several_roots_long_names),
	    cmocka_unit_test(test_data_period),
	    cmocka_unit_test(test_week_day_reports),
	    cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

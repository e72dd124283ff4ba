/* test_plan.c - plan import: each bad row, cross-row checks, breakdown sums, re-import. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "db/db.h"
#include "tracker/orgunit.h"
#include "tracker/plan.h"
#include "tracker/tracker.h"

#include "tracker_test.h"

#define H                                                                                          \
	"year,project_no,project_title,indicator,indicator_name,unit,kind,comparator,target,"      \
	"orgunit,aggregation,numerator,denominator\n"

static const char units[] = "code,name,level,parent_code\n"
			    "41,河南省,province,\n"
			    "4101,郑州市,city,41\n"
			    "4108,焦作市,city,41\n"
			    "410102,中原区,county,4101\n"
			    "410103,二七区,county,4101\n"
			    "410822,博爱县,county,4108\n";

static struct db *open_db(void)
{
	struct orgunit_import_stats st;
	struct db *db = tt_open_db();
	struct error err;

	assert_int_equal(
	    orgunit_import_mem(db, "units.csv", units, strlen(units), &st, NULL, NULL, &err), 0);
	return db;
}

static int import(struct db *db, const char *text, bool allow, struct plan_import_stats *st,
		  struct tt_seen *seen, struct error *err)
{
	struct plan_import_opts o = {.allow_mismatch = allow};

	return plan_import_mem(db, "plan.csv", text, strlen(text), &o, st, seen ? tt_collect : NULL,
			       seen, err);
}

static const char good[] =
    H "2022,1,技能河南,skill_training,职业技能培训,人次,count,>=,3000000,41,,,\n"
      "2022,1,技能河南,skilled_talent_new,新增技能人才,人,count,>=,2400000,41,sum,,\n"
      "2022,4,农村物流,courier_station_coverage,寄递物流服务站覆盖率,%,rate,>=,60,41,,villages_"
      "with_courier_station,villages\n"
      "2022,7,筛查,newborn_rate,新生儿筛查率,%,rate,>=,98.0,41,,,\n";

static void test_import_good(void **state)
{
	struct plan_import_stats st;
	struct db *db = open_db();
	struct error err;

	(void)state;
	assert_int_equal(import(db, good, false, &st, NULL, &err), 0);
	assert_int_equal(st.rows, 4);
	assert_int_equal(st.projects, 3);
	assert_int_equal(st.indicators, 4);
	assert_int_equal(st.targets, 4);
	/* Data elements: 4 indicator codes + numerator + denominator. */
	assert_int_equal(tt_int(db, "SELECT count(*) FROM dataelement"), 6);
	/* Defaults: sum for counts, last for rates. */
	assert_int_equal(tt_int(db,
				"SELECT count(*) FROM indicator WHERE code = 'skill_training' AND "
				"aggregation = 'sum'"),
			 1);
	assert_int_equal(tt_int(db,
				"SELECT count(*) FROM indicator WHERE code = 'newborn_rate' AND "
				"aggregation = 'last'"),
			 1);
	assert_int_equal(
	    tt_int(db,
		   "SELECT count(*) FROM indicator i JOIN dataelement n ON n.id = i.numerator_id"
		   " WHERE i.code = 'courier_station_coverage' AND n.code = "
		   "'villages_with_courier_station'"),
	    1);
	/* Targets stored as exact normalized text. */
	assert_int_equal(tt_int(db, "SELECT count(*) FROM target WHERE value = '98'"), 1);
	assert_int_equal(tt_int(db, "SELECT seq FROM indicator WHERE code = 'newborn_rate'"), 4);
	db_close(db);
}

/* One bad row: ERR_INPUT with reason, line 2, column; nothing written. */
static void expect_bad_text(const char *text, const char *reason, long line, long column)
{
	struct plan_import_stats st;
	struct tt_seen seen = {"", 0, 0};
	struct db *db = open_db();
	struct error err;

	error_clear(&err);
	assert_int_equal(import(db, text, false, &st, &seen, &err), ERR_INPUT);
	assert_string_equal(err.reason, reason);
	assert_string_equal(err.file, "plan.csv");
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, column);
	assert_non_null(strstr(seen.reasons, reason));
	assert_int_equal(tt_int(db, "SELECT count(*) FROM indicator"), 0);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM target"), 0);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM project"), 0);
	db_close(db);
}

static void expect_bad(const char *row, const char *reason, long column)
{
	char text[2048];

	snprintf(text, sizeof(text), H "%s\n", row);
	expect_bad_text(text, reason, 2, column);
}

static void test_bad_rows(void **state)
{
	(void)state;
	expect_bad("2022,1,t,a,名,人,count,>=,1,41,,", "field_count", 0);
	expect_bad("22,1,t,a,名,人,count,>=,1,41,,,", "bad_year", 1);
	expect_bad("2022,0,t,a,名,人,count,>=,1,41,,,", "bad_project_no", 2);
	expect_bad("2022,x,t,a,名,人,count,>=,1,41,,,", "bad_project_no", 2);
	expect_bad("2022,1,,a,名,人,count,>=,1,41,,,", "bad_title", 3);
	expect_bad("2022,1,t,a b,名,人,count,>=,1,41,,,", "bad_code", 4);
	expect_bad("2022,1,t,a,,人,count,>=,1,41,,,", "bad_name", 5);
	expect_bad("2022,1,t,a,名,,count,>=,1,41,,,", "bad_unit", 6);
	expect_bad("2022,1,t,a,名,人,total,>=,1,41,,,", "bad_kind", 7);
	expect_bad("2022,1,t,a,名,人,count,>,1,41,,,", "bad_comparator", 8);
	expect_bad("2022,1,t,a,名,人,count,>=,1e5,41,,,", "bad_target", 9);
	expect_bad("2022,1,t,a,名,人,count,>=,300万,41,,,", "bad_target", 9);
	expect_bad("2022,1,t,a,名,人,count,>=,-5,41,,,", "negative_target", 9);
	expect_bad("2022,1,t,a,名,%,rate,>=,100.5,41,,,", "rate_range", 9);
	expect_bad("2022,1,t,a,名,人,count,>=,1,4 1,,,", "bad_code", 10);
	expect_bad("2022,1,t,a,名,人,count,>=,1,41,avg,,", "bad_aggregation", 11);
	expect_bad("2022,1,t,a,名,%,rate,>=,1,41,,n,", "half_formula", 13);
	expect_bad("2022,1,t,a,名,%,rate,>=,1,41,,,d", "half_formula", 12);
	expect_bad("2022,1,t,a,名,人,count,>=,1,41,,n,d", "formula_not_rate", 12);
	expect_bad("2022,1,t,a,名,%,rate,>=,1,41,,n,n", "formula_self", 12);
	expect_bad("2022,1,t,a,名,%,rate,>=,1,41,,n,a", "formula_self", 13);
	/* a plain rate is never added up; a formula rate may be (Σn ÷ Σd) */
	expect_bad("2022,1,t,a,名,%,rate,>=,1,41,sum,,", "rate_sum", 11);
	expect_bad("2022,1,t,a,名,人,count,>=,1,4199,,,", "unknown_orgunit", 10);
}

static void test_bad_header(void **state)
{
	(void)state;
	expect_bad_text("year,project_no,title\n", "bad_header", 1, 3);
	expect_bad_text("", "bad_header", 1, 0);
	/* A header with an extra column. */
	expect_bad_text("year,project_no,project_title,indicator,indicator_name,unit,kind,"
			"comparator,target,orgunit,aggregation,numerator,denominator,x\n",
			"bad_header", 1, 14);
}

static void test_cross_row(void **state)
{
	(void)state;
	/* A later row of an indicator disagrees with its first row. */
	expect_bad_text(H "2022,1,t,a,名,人,count,>=,10,41,,,\n"
			  "2022,1,t,a,名,人次,count,>=,10,4101,,,\n",
			"definition_mismatch", 3, 6);
	expect_bad_text(H "2022,1,t,a,名,人,count,>=,10,41,,,\n"
			  "2022,1,t,a,名,人,count,<=,10,4101,,,\n",
			"definition_mismatch", 3, 8);
	expect_bad_text(H "2022,1,t,a,名,人,count,>=,10,41,,,\n"
			  "2022,2,t,a,名,人,count,>=,10,4101,,,\n",
			"definition_mismatch", 3, 2);
	/* Two titles for one project. */
	expect_bad_text(H "2022,1,t,a,名,人,count,>=,10,41,,,\n"
			  "2022,1,u,b,名,人,count,>=,10,41,,,\n",
			"title_mismatch", 3, 3);
	/* Two targets of one indicator at one unit. */
	expect_bad_text(H "2022,1,t,a,名,人,count,>=,10,41,,,\n"
			  "2022,1,t,a,名,人,count,>=,11,41,,,\n",
			"duplicate", 3, 10);
}

static const char breakdown_bad[] = H "2022,1,t,a,名,人,count,>=,100,41,,,\n"
				      "2022,1,t,a,名,人,count,>=,60,4101,,,\n"
				      "2022,1,t,a,名,人,count,>=,30,4108,,,\n"
				      "2022,1,t,a,名,人,count,>=,25,410102,,,\n"
				      "2022,1,t,a,名,人,count,>=,35,410103,,,\n";

static void test_breakdown(void **state)
{
	struct plan_import_stats st;
	struct tt_seen seen = {"", 0, 0};
	struct db *db = open_db();
	struct error err;
	const char *ok = H "2022,1,t,a,名,人,count,>=,100,41,,,\n"
			   "2022,1,t,a,名,人,count,>=,60,4101,,,\n"
			   "2022,1,t,a,名,人,count,>=,40.0,4108,,,\n"
			   "2022,1,t,a,名,人,count,>=,25.5,410102,,,\n"
			   "2022,1,t,a,名,人,count,>=,34.5,410103,,,\n"
			   /* Rates are not summed. */
			   "2022,1,t,r,率,%,rate,>=,60,41,,,\n"
			   "2022,1,t,r,率,%,rate,>=,70,4101,,,\n";

	(void)state;
	assert_int_equal(import(db, ok, false, &st, NULL, &err), 0);
	assert_int_equal(st.targets, 7);
	assert_int_equal(st.mismatches, 0);

	/* 41: 60 + 30 = 90 != 100 (line 2); 4101: 25 + 35 = 60 fine. */
	assert_int_equal(import(db, breakdown_bad, false, &st, &seen, &err), ERR_INPUT);
	assert_string_equal(err.reason, "breakdown_mismatch");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 9);
	assert_non_null(strstr(err.msg, "'41'"));
	assert_non_null(strstr(err.msg, "合计为 90"));
	assert_non_null(strstr(err.msg, "相差 -10"));
	assert_int_equal(seen.errors, 1);
	/* Nothing changed: the earlier plan is intact. */
	assert_int_equal(tt_int(db, "SELECT count(*) FROM target WHERE value = '40'"), 1);

	/* Accepted with a warning. */
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(import(db, breakdown_bad, true, &st, &seen, &err), 0);
	assert_int_equal(st.mismatches, 1);
	assert_int_equal(seen.warnings, 1);
	assert_int_equal(seen.errors, 0);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM target WHERE value = '30'"), 1);
	db_close(db);
}

static void test_reimport_replaces_indicator(void **state)
{
	struct plan_import_stats st;
	struct db *db = open_db();
	struct error err;
	const char *again =
	    H "2022,1,技能河南（新）,skill_training,职业技能培训,人次,count,>=,3100000,41,,,\n"
	      "2022,1,技能河南（新）,skill_training,职业技能培训,人次,count,>=,3100000,4101,,,\n";

	(void)state;
	assert_int_equal(import(db, good, false, &st, NULL, &err), 0);
	assert_int_equal(import(db, again, false, &st, NULL, &err), 0);
	assert_int_equal(st.replaced, 1);
	/* skill_training's targets replaced, the other indicators kept. */
	assert_int_equal(tt_int(db, "SELECT count(*) FROM indicator WHERE year = 2022"), 4);
	assert_int_equal(
	    tt_int(db, "SELECT count(*) FROM target t JOIN indicator i ON i.id = t.indicator_id"
		       " WHERE i.code = 'skill_training'"),
	    2);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM target WHERE value = '3000000'"), 0);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM project WHERE title = '技能河南（新）'"),
			 1);
	/* Order within the plan kept. */
	assert_int_equal(tt_int(db, "SELECT seq FROM indicator WHERE code = 'skill_training'"), 1);
	/* Moving an indicator to another project removes the emptied project. */
	assert_int_equal(import(db, H "2022,9,其他,newborn_rate,新生儿筛查率,%,rate,>=,98,41,,,\n",
				false, &st, NULL, &err),
			 0);
	assert_int_equal(
	    tt_int(db, "SELECT count(*) FROM project WHERE year = 2022 AND project_no = 7"), 0);
	/* Another year is independent. */
	assert_int_equal(
	    import(db,
		   H "2023,1,技能河南,skill_training,职业技能培训,人次,count,>=,3000000,41,,,\n",
		   false, &st, NULL, &err),
	    0);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM indicator WHERE year = 2022"), 4);
	assert_int_equal(
	    tt_int(db, "SELECT count(*) FROM dataelement WHERE code = 'skill_training'"), 1);
	db_close(db);
}

static int count_cb(void *ctx, const struct plan_target *t)
{
	int *n = ctx;

	if (*n == 0)
		assert_string_equal(t->indicator, "skill_training");
	(*n)++;
	return 0;
}

static void test_list_and_derived(void **state)
{
	struct plan_import_stats st;
	struct db *db = open_db();
	struct error err;
	int n = 0;

	(void)state;
	assert_int_equal(import(db, good, false, &st, NULL, &err), 0);
	assert_int_equal(plan_list(db, 2022, count_cb, &n, &err), 0);
	assert_int_equal(n, 4);
	n = 0;
	assert_int_equal(plan_list(db, 2021, count_cb, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(plan_mark_derived(db, 2022, "skill_training", "41", &err), 0);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM target WHERE derived = 1"), 1);
	assert_int_equal(plan_mark_derived(db, 2022, "skill_training", "4101", &err), ERR_INPUT);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_import_good),
	    cmocka_unit_test(test_bad_rows),
	    cmocka_unit_test(test_bad_header),
	    cmocka_unit_test(test_cross_row),
	    cmocka_unit_test(test_breakdown),
	    cmocka_unit_test(test_reimport_replaces_indicator),
	    cmocka_unit_test(test_list_and_derived),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

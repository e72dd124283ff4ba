/* test_lagging.c - lagging-unit wording and the done / not done rule. */
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
#include "tracker/lagging.h"
#include "tracker/orgunit.h"
#include "tracker/plan.h"
#include "tracker/tracker.h"
#include "tracker/values.h"

#include "tracker_test.h"

static const char *text_of(size_t total, const char *const *lag, size_t nl, const char *const *done,
			   size_t nd, struct buf *b)
{
	buf_reset(b);
	assert_int_equal(lagging_text("全省", ORGUNIT_COUNTY, total, lag, nl, done, nd, b), 0);
	return buf_str(b);
}

static void test_wording(void **state)
{
	const char *lag[] = {"焦作博爱县", "周口沈丘县", "济源"};
	const char *done[] = {"郑州中原区", "郑州二七区"};
	struct buf b;

	(void)state;
	buf_init(&b, 4096);
	/* Nobody lags. */
	assert_string_equal(text_of(194, NULL, 0, done, 2, &b), "全省194个县级单位均已完成");
	/* A few lag: they are named, the rest counted. */
	assert_string_equal(text_of(194, lag, 3, done, 2, &b),
			    "除焦作博爱县、周口沈丘县、济源外，其余191个县级单位均已完成");
	/* Exactly half lag: still listed as the exceptions. */
	assert_string_equal(text_of(6, lag, 3, done, 2, &b),
			    "除焦作博爱县、周口沈丘县、济源外，其余3个县级单位均已完成");
	/* More than half lag: the done ones are named instead. */
	assert_string_equal(text_of(5, lag, 3, done, 2, &b),
			    "仅郑州中原区、郑州二七区已完成，其余3个县级单位尚未完成");
	/* Nobody done. */
	assert_string_equal(text_of(3, lag, 3, NULL, 0, &b), "全省3个县级单位均未完成");
	buf_reset(&b);
	assert_int_equal(lagging_text(orgunit_scope(ORGUNIT_CITY, "郑州市"), ORGUNIT_VILLAGE, 4,
				      NULL, 0, NULL, 0, &b),
			 0);
	assert_string_equal(buf_str(&b), "全市4个村级单位均已完成");
	buf_reset(&b);
	/* a district's list: 全区, as its own bulletin says it */
	assert_int_equal(lagging_text(orgunit_scope(ORGUNIT_COUNTY, "中原区"), ORGUNIT_TOWNSHIP, 2,
				      NULL, 0, NULL, 0, &b),
			 0);
	assert_string_equal(buf_str(&b), "全区2个乡级单位均已完成");
	buf_free(&b);
}

static const char units[] = "code,name,level,parent_code\n"
			    "41,河南省,province,\n"
			    "4101,郑州市,city,41\n"
			    "4108,焦作市,city,41\n"
			    "4116,周口市,city,41\n"
			    "4190,省直辖县级行政区划,city,41\n"
			    "410102,中原区,county,4101\n"
			    "410103,二七区,county,4101\n"
			    "410104,管城回族区,county,4101\n"
			    "410105,金水区,county,4101\n"
			    "410822,博爱县,county,4108\n"
			    "411624,沈丘县,county,4116\n"
			    "419001,济源市,county,4190\n";

/* Targets for four counties; the other three have none (done once they report). */
static const char plan[] = "year,project_no,project_title,indicator,indicator_name,unit,kind,"
			   "comparator,target,orgunit,aggregation,numerator,denominator\n"
			   "2022,1,交通,bus,公交化行政村,个,count,>=,40,41,,,\n"
			   "2022,1,交通,bus,公交化行政村,个,count,>=,10,410102,,,\n"
			   "2022,1,交通,bus,公交化行政村,个,count,>=,10,410822,,,\n"
			   "2022,1,交通,bus,公交化行政村,个,count,>=,10,411624,,,\n"
			   "2022,1,交通,bus,公交化行政村,个,count,>=,10,419001,,,\n";

static struct db *setup(const char *values)
{
	struct orgunit_import_stats ost;
	struct plan_import_stats pst;
	struct values_import_stats vst;
	struct values_import_opts vo = {0};
	struct plan_import_opts po = {false};
	struct db *db = tt_open_db();
	struct error err;

	assert_int_equal(
	    orgunit_import_mem(db, "u.csv", units, strlen(units), &ost, NULL, NULL, &err), 0);
	assert_int_equal(
	    plan_import_mem(db, "p.csv", plan, strlen(plan), &po, &pst, NULL, NULL, &err), 0);
	vo.name = "v.csv";
	if (values_import_mem(db, values, strlen(values), &vo, &vst, &err))
		fail_msg("values: %s", err.msg);
	return db;
}

static void test_build_some_lagging(void **state)
{
	const char *values =
	    "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n"
	    "bus,2022,410102,,,12\n"
	    "bus,2022,410103,,,3\n"
	    "bus,2022,410104,,,1\n"
	    "bus,2022,410105,,,2\n"
	    "bus,2022,410822,,,9\n"
	    "bus,2022,411624,,,7\n"
	    "bus,202206,419001,,,4\n"
	    "bus,202212,419001,,,5\n";
	struct lagging_opts o = {0};
	struct lagging *l = NULL;
	struct db *db = setup(values);
	struct error err;
	struct buf b;

	(void)state;
	o.year = 2022;
	o.indicator = "bus";
	o.level = ORGUNIT_COUNTY;
	assert_int_equal(lagging_build(db, &o, &l, &err), 0);
	assert_int_equal(l->total, 7);
	assert_int_equal(l->done, 4);
	assert_string_equal(l->text, "除焦作博爱县、周口沈丘县、济源外，其余4个县级单位均已完成");
	buf_init(&b, 4096);
	assert_int_equal(lagging_write_json(l, &b), 0);
	assert_string_equal(
	    buf_str(&b),
	    "{\"indicator\":\"bus\",\"level\":\"county\",\"total\":7,\"done\":4,"
	    "\"lagging\":[{\"orgunit\":\"410822\",\"name\":\"焦作博爱县\"},"
	    "{\"orgunit\":\"411624\",\"name\":\"周口沈丘县\"},"
	    "{\"orgunit\":\"419001\",\"name\":\"济源\"}],"
	    "\"text\":\"除焦作博爱县、周口沈丘县、济源外，其余4个县级单位均已完成\"}\n");
	buf_free(&b);
	lagging_free(l);

	/* By the end of June only 济源's first half counts: still lagging. */
	o.has_period = true;
	o.period.type = PERIOD_MONTH;
	o.period.year = 2022;
	o.period.index = 6;
	assert_int_equal(lagging_build(db, &o, &l, &err), 0);
	assert_int_equal(l->done, 0); /* nothing reported by June but 济源's 4 */
	assert_string_equal(l->text, "全省7个县级单位均未完成");
	lagging_free(l);

	/* Unknown indicator, bad level. */
	o.has_period = false;
	o.indicator = "nosuch";
	assert_int_not_equal(lagging_build(db, &o, &l, &err), 0);
	assert_null(l);
	o.indicator = "bus";
	o.level = ORGUNIT_PROVINCE;
	assert_int_equal(lagging_build(db, &o, &l, &err), ERR_INPUT);
	/* No unit of the level at all: an error, not "全省0个乡级单位均已完成". */
	o.level = ORGUNIT_TOWNSHIP;
	assert_int_equal(lagging_build(db, &o, &l, &err), ERR_INPUT);
	assert_null(l);
	assert_string_equal(err.msg, "单位 '41' 之下没有乡级单位");
	lagging_free(NULL);
	db_close(db);
}

static void test_build_none_and_most(void **state)
{
	const char *all =
	    "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n"
	    "bus,2022,410102,,,10\n"
	    "bus,2022,410103,,,1\n"
	    "bus,2022,410104,,,1\n"
	    "bus,2022,410105,,,1\n"
	    "bus,2022,410822,,,10\n"
	    "bus,2022,411624,,,11\n"
	    "bus,2022,419001,,,10\n";
	const char *few =
	    "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n"
	    "bus,2022,410102,,,10\n"
	    "bus,2022,410822,,,1\n";
	struct lagging_opts o = {0};
	struct lagging *l = NULL;
	struct db *db = setup(all);
	struct error err;

	(void)state;
	o.year = 2022;
	o.indicator = "bus";
	o.level = ORGUNIT_COUNTY;
	assert_int_equal(lagging_build(db, &o, &l, &err), 0);
	assert_string_equal(l->text, "全省7个县级单位均已完成");
	lagging_free(l);
	db_close(db);

	db = setup(few);
	assert_int_equal(lagging_build(db, &o, &l, &err), 0);
	assert_string_equal(l->text, "仅郑州中原区已完成，其余6个县级单位尚未完成");
	lagging_free(l);
	/* Cities have no own targets: 郑州 and 焦作 have values below them
	 * (done), 周口 and 4190 (named 济源, its only unit) none. Exactly half
	 * lag: named as exceptions. */
	o.level = ORGUNIT_CITY;
	assert_int_equal(lagging_build(db, &o, &l, &err), 0);
	assert_int_equal(l->total, 4);
	assert_string_equal(l->text, "除周口、济源外，其余2个市级单位均已完成");
	lagging_free(l);
	/* The scope word is what the unit is: the 省直辖 container of 济源市
	 * speaks as 济源市 (全市), not after its level alone. */
	o.level = ORGUNIT_COUNTY;
	o.orgunit = "4190";
	assert_int_equal(lagging_build(db, &o, &l, &err), 0);
	assert_string_equal(l->text, "全市1个县级单位均未完成");
	lagging_free(l);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wording),
	    cmocka_unit_test(test_build_some_lagging),
	    cmocka_unit_test(test_build_none_and_most),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

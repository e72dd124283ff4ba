/* test_orgunit.c - org unit import (each bad input), listing, names, villages. */
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
#include "tracker/defaults.h"
#include "tracker/orgunit.h"
#include "tracker/tracker.h"

#include "tracker_test.h"

static int64_t count_units(struct db *db)
{
	int64_t n = -1;
	struct error err;

	assert_int_equal(orgunit_count(db, &n, &err), 0);
	return n;
}

static const char good[] = "code,name,level,parent_code\n"
			   "410822,博爱县,county,4108\n" /* a child before its parent */
			   "41,河南省,province,\n"
			   "4108,焦作市,city,41\n"
			   "4190,省直辖县级行政区划,city,41\n"
			   "419001,济源市,county,4190\n"
			   "410822100,清化镇街道,township,410822\n";

static void test_import_good_and_idempotent(void **state)
{
	struct orgunit_import_stats st;
	struct db *db = tt_open_db();
	struct error err;
	struct orgunit_info u;
	const char *more = "code,name,level,parent_code\n"
			   "410822100200,许良村,village,410822100\n";

	(void)state;
	assert_int_equal(orgunit_import_mem(db, "a.csv", good, strlen(good), &st, NULL, NULL, &err),
			 0);
	assert_int_equal(st.rows, 6);
	assert_int_equal(st.added, 6);
	assert_int_equal(orgunit_find(db, "410822100", &u, &err), 0);
	assert_string_equal(u.path, "/41/4108/410822/410822100/");
	assert_int_equal(u.level, ORGUNIT_TOWNSHIP);
	assert_string_equal(u.parent, "410822");
	/* The same file again changes nothing. */
	assert_int_equal(orgunit_import_mem(db, "a.csv", good, strlen(good), &st, NULL, NULL, &err),
			 0);
	assert_int_equal(st.added, 0);
	assert_int_equal(st.existing, 6);
	assert_int_equal(count_units(db), 6);
	/* A file adding children under stored units. */
	assert_int_equal(orgunit_import_mem(db, "b.csv", more, strlen(more), &st, NULL, NULL, &err),
			 0);
	assert_int_equal(orgunit_find(db, "410822100200", &u, &err), 0);
	assert_string_equal(u.path, "/41/4108/410822/410822100/410822100200/");
	assert_int_equal(orgunit_find(db, "4199", &u, &err), ERR_INPUT);
	assert_non_null(strstr(err.msg, "4199"));
	db_close(db);
}

/* Import text on top of the good set; expect ERR_INPUT with reason, line, column. */
static void expect_bad(const char *text, const char *reason, long line, long column)
{
	struct orgunit_import_stats st;
	struct db *db = tt_open_db();
	struct tt_seen seen = {"", 0, 0};
	struct error err;

	assert_int_equal(
	    orgunit_import_mem(db, "base.csv", good, strlen(good), &st, NULL, NULL, &err), 0);
	error_clear(&err);
	assert_int_equal(
	    orgunit_import_mem(db, "bad.csv", text, strlen(text), &st, tt_collect, &seen, &err),
	    ERR_INPUT);
	assert_string_equal(err.reason, reason);
	assert_string_equal(err.file, "bad.csv");
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, column);
	assert_true(seen.errors >= 1);
	assert_non_null(strstr(seen.reasons, reason));
	/* Nothing half-imported. */
	assert_int_equal(count_units(db), 6);
	db_close(db);
}

#define H "code,name,level,parent_code\n"

static void test_unknown_parent(void **state)
{
	(void)state;
	expect_bad(H "410823,武陟县,county,4108\n410824,某县,county,4199\n", "unknown_parent", 3,
		   4);
}

static void test_duplicate_in_file(void **state)
{
	(void)state;
	expect_bad(H "410823,武陟县,county,4108\n410823,武陟县,county,4108\n", "duplicate", 3, 1);
}

static void test_duplicate_in_db_differs(void **state)
{
	(void)state;
	/* Same code as a stored unit, another name. */
	expect_bad(H "410822,博爱区,county,4108\n", "exists", 2, 1);
	/* Same code, moved under another parent. */
	expect_bad(H "410822,博爱县,county,4190\n", "exists", 2, 1);
}

static void test_cycle(void **state)
{
	(void)state;
	expect_bad(H "5001,甲,city,5002\n5002,乙,city,5001\n", "cycle", 2, 4);
	expect_bad(H "5001,甲,city,5001\n", "cycle", 2, 4);
}

static void test_unknown_level(void **state)
{
	(void)state;
	expect_bad(H "410823,武陟县,district,4108\n", "unknown_level", 2, 3);
}

static void test_level_step(void **state)
{
	(void)state;
	/* A township directly under a city. */
	expect_bad(H "410800001,某街道,township,4108\n", "bad_level", 2, 3);
}

static void test_bad_header(void **state)
{
	(void)state;
	expect_bad("code,name,level\n41,河南省,province\n", "bad_header", 1, 0);
	expect_bad("", "bad_header", 1, 0);
}

static void test_bad_fields(void **state)
{
	(void)state;
	expect_bad(H "41 01,郑州市,city,41\n", "bad_code", 2, 1);
	expect_bad(H "4101,,city,41\n", "bad_name", 2, 2);
	expect_bad(H "42,湖北省,province,41\n", "bad_parent", 2, 4);
	expect_bad(H "4101,郑州市,city,\n", "missing_parent", 2, 4);
	expect_bad(H "4101,郑州市,city\n", "field_count", 2, 0);
}

static void test_all_problems_reported(void **state)
{
	const char *text = H "410823,武陟县,county,4199\n410824,温县,county,4198\n";
	struct orgunit_import_stats st;
	struct tt_seen seen = {"", 0, 0};
	struct db *db = tt_open_db();
	struct error err;

	(void)state;
	assert_int_equal(
	    orgunit_import_mem(db, "x.csv", text, strlen(text), &st, tt_collect, &seen, &err),
	    ERR_INPUT);
	assert_int_equal(seen.errors, 2);
	assert_int_equal(err.line, 2); /* the first one is returned */
	db_close(db);
}

static int count_cb(void *ctx, const struct orgunit *u)
{
	(void)u;
	(*(int *)ctx)++;
	return 0;
}

static void test_list_filters(void **state)
{
	struct orgunit_import_stats st;
	struct orgunit_filter f = {0, NULL, false};
	struct db *db = tt_open_db();
	struct error err;
	int n = 0;

	(void)state;
	assert_int_equal(orgunit_import_mem(db, "a.csv", good, strlen(good), &st, NULL, NULL, &err),
			 0);
	assert_int_equal(orgunit_list(db, &f, count_cb, &n, &err), 0);
	assert_int_equal(n, 6);
	n = 0;
	f.level = ORGUNIT_COUNTY;
	assert_int_equal(orgunit_list(db, &f, count_cb, &n, &err), 0);
	assert_int_equal(n, 2);
	n = 0;
	f.level = 0;
	f.parent = "4108"; /* the subtree below 4108 */
	assert_int_equal(orgunit_list(db, &f, count_cb, &n, &err), 0);
	assert_int_equal(n, 2);
	n = 0;
	f.direct = true;
	assert_int_equal(orgunit_list(db, &f, count_cb, &n, &err), 0);
	assert_int_equal(n, 1);
	f.parent = "9999";
	assert_int_equal(orgunit_list(db, &f, count_cb, &n, &err), ERR_INPUT);
	db_close(db);
}

static void test_names(void **state)
{
	struct orgunit_import_stats st;
	struct orgunit_info u;
	struct db *db = tt_open_db();
	struct error err;
	char out[128];

	(void)state;
	assert_string_equal(orgunit_short_name("焦作市", out, sizeof(out)), "焦作");
	assert_string_equal(orgunit_short_name("济源市", out, sizeof(out)), "济源");
	assert_string_equal(orgunit_short_name("河南省", out, sizeof(out)), "河南");
	assert_string_equal(orgunit_short_name("沙市", out, sizeof(out)), "沙市");
	assert_string_equal(orgunit_short_name("黔南布依族苗族自治州", out, sizeof(out)),
			    "黔南布依族苗族");
	assert_string_equal(orgunit_short_name("博爱县", out, sizeof(out)), "博爱县");
	/* Truncation never cuts a character: 4 bytes hold one Chinese character. */
	assert_string_equal(orgunit_short_name("博爱县", out, 5), "博");
	assert_string_equal(
	    orgunit_bulletin_name_of(ORGUNIT_COUNTY, "博爱县", "焦作市", out, sizeof(out)),
	    "焦作博爱县");
	assert_string_equal(orgunit_bulletin_name_of(ORGUNIT_COUNTY, "焦作城乡一体化示范区",
						     "焦作市", out, sizeof(out)),
			    "焦作城乡一体化示范区");
	assert_string_equal(orgunit_bulletin_name_of(ORGUNIT_COUNTY, "济源市", "省直辖县级行政区划",
						     out, sizeof(out)),
			    "济源");
	assert_string_equal(orgunit_bulletin_name_of(ORGUNIT_TOWNSHIP, "济源市沁园街道",
						     "省直辖县级行政区划", out, sizeof(out)),
			    "济源市沁园街道");
	assert_string_equal(
	    orgunit_bulletin_name_of(ORGUNIT_VILLAGE, "刘营村", "郑州市", out, sizeof(out)),
	    "郑州刘营村");
	assert_string_equal(
	    orgunit_bulletin_name_of(ORGUNIT_COUNTY, "某县", NULL, out, sizeof(out)), "某县");
	/* The longer names of a lagging list's same-named units. */
	assert_string_equal(orgunit_bulletin_name_full(ORGUNIT_TOWNSHIP, "城关镇", "新乡市", "封丘县",
						       NULL, out, sizeof(out)),
			    "新乡封丘县城关镇");
	assert_string_equal(orgunit_bulletin_name_full(ORGUNIT_VILLAGE, "刘营村", "郑州市", "中牟县",
						       "刘集镇", out, sizeof(out)),
			    "郑州中牟县刘集镇刘营村");
	assert_string_equal(orgunit_bulletin_name_full(ORGUNIT_TOWNSHIP, "济源市沁园街道",
						       "省直辖县级行政区划", "济源市", NULL, out,
						       sizeof(out)),
			    "济源市沁园街道");
	assert_string_equal(orgunit_bulletin_name_full(ORGUNIT_VILLAGE, "某村", "焦作市",
						       "焦作城乡一体化示范区", "某镇", out,
						       sizeof(out)),
			    "焦作城乡一体化示范区某镇某村");
	assert_string_equal(orgunit_bulletin_name_full(ORGUNIT_COUNTY, "博爱县", "焦作市", NULL,
						       NULL, out, sizeof(out)),
			    "焦作博爱县");
	/* no county known: the short form */
	assert_string_equal(orgunit_bulletin_name_full(ORGUNIT_TOWNSHIP, "城关镇", "新乡市", NULL,
						       NULL, out, sizeof(out)),
			    "新乡城关镇");
	/* truncated at a character boundary: 新乡封 is 9 bytes */
	assert_string_equal(orgunit_bulletin_name_full(ORGUNIT_TOWNSHIP, "城关镇", "新乡市", "封丘县",
						       NULL, out, 11),
			    "新乡封");
	assert_string_equal(orgunit_level_zh(ORGUNIT_COUNTY), "县级");
	assert_int_equal(orgunit_level_parse("village"), ORGUNIT_VILLAGE);
	assert_int_equal(orgunit_level_parse("County"), 0);

	assert_int_equal(orgunit_import_mem(db, "a.csv", good, strlen(good), &st, NULL, NULL, &err),
			 0);
	assert_int_equal(orgunit_find(db, "410822", &u, &err), 0);
	assert_string_equal(orgunit_bulletin_name(db, &u, out, sizeof(out)), "焦作博爱县");
	assert_int_equal(orgunit_find(db, "419001", &u, &err), 0);
	assert_string_equal(orgunit_bulletin_name(db, &u, out, sizeof(out)), "济源");
	assert_int_equal(orgunit_find(db, "4108", &u, &err), 0);
	assert_string_equal(orgunit_bulletin_name(db, &u, out, sizeof(out)), "焦作");
	/* The 省直辖 container of a single unit is named as that unit. */
	assert_int_equal(orgunit_find(db, "4190", &u, &err), 0);
	assert_string_equal(orgunit_bulletin_name(db, &u, out, sizeof(out)), "济源");
	db_close(db);
}

/*
 * The scope word goes by what the unit is (its name's suffix), the level
 * only when the name does not say.
 */
static void test_scope(void **state)
{
	(void)state;
	assert_string_equal(orgunit_scope(ORGUNIT_PROVINCE, "河南省"), "全省");
	assert_string_equal(orgunit_scope(ORGUNIT_PROVINCE, "广西壮族自治区"), "全区");
	assert_string_equal(orgunit_scope(ORGUNIT_CITY, "郑州市"), "全市");
	assert_string_equal(orgunit_scope(ORGUNIT_CITY, "黔南布依族苗族自治州"), "全州");
	assert_string_equal(orgunit_scope(ORGUNIT_CITY, "阿里地区"), "全地区");
	assert_string_equal(orgunit_scope(ORGUNIT_CITY, "锡林郭勒盟"), "全盟");
	assert_string_equal(orgunit_scope(ORGUNIT_COUNTY, "中原区"), "全区");
	assert_string_equal(orgunit_scope(ORGUNIT_COUNTY, "济源市"), "全市");
	assert_string_equal(orgunit_scope(ORGUNIT_COUNTY, "博爱县"), "全县");
	assert_string_equal(orgunit_scope(ORGUNIT_COUNTY, "长阳土家族自治县"), "全县");
	assert_string_equal(orgunit_scope(ORGUNIT_COUNTY, "焦作城乡一体化示范区"), "全区");
	assert_string_equal(orgunit_scope(ORGUNIT_COUNTY, "鄂托克旗"), "全旗");
	assert_string_equal(orgunit_scope(ORGUNIT_TOWNSHIP, "城关镇"), "全镇");
	assert_string_equal(orgunit_scope(ORGUNIT_TOWNSHIP, "刘集乡"), "全乡");
	assert_string_equal(orgunit_scope(ORGUNIT_TOWNSHIP, "林山寨街道"), "全街道");
	assert_string_equal(orgunit_scope(ORGUNIT_VILLAGE, "朝阳苑社区"), "全社区");
	assert_string_equal(orgunit_scope(ORGUNIT_VILLAGE, "刘营村"), "全村");
	/* the name does not say: the level */
	assert_string_equal(orgunit_scope(ORGUNIT_CITY, "省直辖县级行政区划"), "全市");
	assert_string_equal(orgunit_scope(ORGUNIT_TOWNSHIP, "某某办事处"), "全乡");
	assert_string_equal(orgunit_scope(ORGUNIT_VILLAGE, "一组"), "全村");
	assert_string_equal(orgunit_scope(ORGUNIT_COUNTY, NULL), "全县");
	assert_string_equal(orgunit_scope(ORGUNIT_COUNTY, "区"), "全县");
	assert_string_equal(orgunit_scope(0, "某处"), "全部");
	assert_string_equal(orgunit_scope(6, NULL), "全部");
}

static const char titled[] = "code,name,level,parent_code\n"
			     "41,河南省,province,\n"
			     "4101,郑州市,city,41\n"
			     "410102,中原区,county,4101\n"
			     "410183,新密市,county,4101\n"
			     "410183100,城关镇,township,410183\n"
			     "4103,洛阳市,city,41\n"
			     "410308,孟津区,county,4103\n"
			     "410308100,城关镇,township,410308\n"
			     "410308100001,城关村,village,410308100\n"
			     "4107,新乡市,city,41\n"
			     "410781,新区,county,4107\n"
			     "410782,新区,county,4107\n"
			     "4190,省直辖县级行政区划,city,41\n"
			     "419001,济源市,county,4190\n"
			     "419001001,济源市沁园街道,township,419001\n";

static void expect_title(struct db *db, const char *code, const char *name, const char *scope)
{
	char out[ORGUNIT_TITLE_MAX];
	const char *sc = NULL;
	struct error err;

	assert_int_equal(orgunit_title(db, code, out, sizeof(out), &sc, &err), 0);
	assert_string_equal(out, name);
	assert_string_equal(sc, scope);
}

/*
 * A unit's own bulletin names it so that it is told from every other unit
 * (the two 城关镇, the two 新区), and speaks with its own scope word.
 */
static void test_title(void **state)
{
	static const char hubei[] = "code,name,level,parent_code\n"
				    "42,湖北省,province,\n"
				    "4201,武汉市,city,42\n"
				    "4290,省直辖县级行政区划,city,42\n"
				    "429004,仙桃市,county,4290\n"
				    "429005,潜江市,county,4290\n";
	struct orgunit_import_stats st;
	struct db *db = tt_open_db();
	struct error err;
	char out[ORGUNIT_TITLE_MAX];
	const char *sc;

	(void)state;
	assert_int_equal(
	    orgunit_import_mem(db, "t.csv", titled, strlen(titled), &st, NULL, NULL, &err), 0);
	expect_title(db, "41", "", "全省");
	expect_title(db, "4101", "郑州市", "全市");
	expect_title(db, "410102", "郑州中原区", "全区");
	expect_title(db, "410183", "郑州新密市", "全市");
	expect_title(db, "410183100", "郑州新密市城关镇", "全镇");
	expect_title(db, "410308100", "洛阳孟津区城关镇", "全镇");
	expect_title(db, "410308100001", "洛阳孟津区城关镇城关村", "全村");
	/* same names all the way up: the code */
	expect_title(db, "410781", "新乡新区（410781）", "全区");
	expect_title(db, "410782", "新乡新区（410782）", "全区");
	/* the 省直辖 container of one unit is that unit, as is that unit */
	expect_title(db, "4190", "济源市", "全市");
	expect_title(db, "419001", "济源市", "全市");
	expect_title(db, "419001001", "济源市沁园街道", "全街道");
	/* unknown unit; a small buffer cuts at a character boundary */
	assert_int_equal(orgunit_title(db, "4199", out, sizeof(out), &sc, &err), ERR_INPUT);
	assert_string_equal(err.msg, "未知的单位代码 '4199'");
	assert_int_equal(orgunit_title(db, "410183100", out, 11, &sc, &err), 0);
	assert_string_equal(out, "郑州新");
	/* several roots: every root named, every other unit after its root */
	assert_int_equal(
	    orgunit_import_mem(db, "h.csv", hubei, strlen(hubei), &st, NULL, NULL, &err), 0);
	expect_title(db, "41", "河南省", "全省");
	expect_title(db, "42", "湖北省", "全省");
	expect_title(db, "4101", "河南郑州市", "全市");
	expect_title(db, "4201", "湖北武汉市", "全市");
	expect_title(db, "410183100", "河南郑州新密市城关镇", "全镇");
	/* a container of several units keeps its name, made unique by its root */
	expect_title(db, "4290", "湖北省直辖县级行政区划", "全市");
	expect_title(db, "4190", "河南济源市", "全市");
	expect_title(db, "429004", "湖北仙桃市", "全市");
	db_close(db);
}

static void test_villages(void **state)
{
	struct village_parent t[3] = {
	    {"410102001", "林山寨街道"}, {"410122100", "城关镇"}, {"410122200", "三官庙乡"}};
	struct villages a, b;
	struct error err;
	size_t i, j;

	(void)state;
	assert_int_equal(villages_generate(t, 3, &a, &err), 0);
	assert_int_equal(villages_generate(t, 3, &b, &err), 0);
	/* 3 townships: about 17 each (3 * 44500 / 2586 = 51.6 -> 52). */
	assert_int_equal(a.n, 52);
	assert_int_equal(b.n, a.n);
	for (i = 0; i < a.n; i++) {
		assert_string_equal(a.rows[i].code, b.rows[i].code);
		assert_string_equal(a.rows[i].name, b.rows[i].name);
		assert_int_equal(a.courier[i], b.courier[i]);
		assert_int_equal(strlen(a.rows[i].code), 12);
		assert_int_equal(strncmp(a.rows[i].code, a.rows[i].parent, 9), 0);
		/* Under a street only communities. */
		if (strcmp(a.rows[i].parent, "410102001") == 0)
			assert_non_null(strstr(a.rows[i].name, "社区"));
		for (j = 0; j < i; j++) {
			assert_string_not_equal(a.rows[i].code, a.rows[j].code);
			if (strcmp(a.rows[i].parent, a.rows[j].parent) == 0)
				assert_string_not_equal(a.rows[i].name, a.rows[j].name);
		}
	}
	villages_free(&a);
	villages_free(&b);
	villages_free(NULL);
}

/* The embedded divisions and the full village layer: exact totals. */
static void test_defaults_henan(void **state)
{
	struct db *db = tt_open_db();
	struct error err;
	long units = 0;
	int64_t n;

	(void)state;
	assert_non_null(defaults_find("henan-divisions-2022.csv"));
	assert_null(defaults_find("nosuch.csv"));
	assert_int_equal(defaults_load_orgunits(db, &units, &err), 0);
	assert_int_equal(units, 2786 + VILLAGES_TOTAL);
	assert_int_equal(db_int(db, "SELECT count(*) FROM orgunit WHERE level = 5", &n, &err), 0);
	assert_int_equal(n, 44500);
	assert_int_equal(db_int(db,
				"SELECT min(c) FROM (SELECT count(*) AS c FROM orgunit"
				" WHERE level = 5 GROUP BY parent_id)",
				&n, &err),
			 0);
	assert_true(n >= 3);
	assert_int_equal(db_int(db,
				"SELECT max(c) FROM (SELECT count(*) AS c FROM orgunit"
				" WHERE level = 5 GROUP BY parent_id)",
				&n, &err),
			 0);
	assert_true(n <= 35);
	/* The courier data: one station flag and one village per village,
	 * 28,658 stations in all. */
	{
		struct buf b;
		const char *p;
		long stations = 0, villages = 0;

		buf_init(&b, 16 << 20);
		assert_int_equal(defaults_village_values(db, 2022, &b, &err), 0);
		/* Rows: "<element>,2022,<village>,,,<value>,,,,". */
		for (p = strchr(buf_str(&b), '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
			const char *end = strchr(p + 1, '\n');

			assert_non_null(end);
			if (strncmp(p + 1, "villages,", 9) == 0)
				villages++;
			else if (strncmp(end - 8, ",,,1,,,,", 8) == 0)
				stations++;
		}
		assert_int_equal(stations, VILLAGES_WITH_COURIER);
		assert_int_equal(villages, VILLAGES_TOTAL);
		buf_free(&b);
	}
	/* Loading again is a no-op. */
	assert_int_equal(defaults_load_orgunits(db, &units, &err), 0);
	assert_int_equal(units, 2786 + VILLAGES_TOTAL);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_import_good_and_idempotent),
	    cmocka_unit_test(test_unknown_parent),
	    cmocka_unit_test(test_duplicate_in_file),
	    cmocka_unit_test(test_duplicate_in_db_differs),
	    cmocka_unit_test(test_cycle),
	    cmocka_unit_test(test_unknown_level),
	    cmocka_unit_test(test_level_step),
	    cmocka_unit_test(test_bad_header),
	    cmocka_unit_test(test_bad_fields),
	    cmocka_unit_test(test_all_problems_reported),
	    cmocka_unit_test(test_list_filters),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_scope),
	    cmocka_unit_test(test_title),
	    cmocka_unit_test(test_villages),
	    cmocka_unit_test(test_defaults_henan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

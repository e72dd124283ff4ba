/* test_values.c - data value import (bad rows, partial, audit, replace),
 * export round trip and the roll-up kept up to date by every import. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "db/db.h"
#include "tracker/orgunit.h"
#include "tracker/plan.h"
#include "tracker/rollup.h"
#include "tracker/tracker.h"
#include "tracker/values.h"

#include "tracker_test.h"

#define HEAD "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value"

/* Rejected rows as "line:column:reason" lines. */
struct seen {
	char text[4096];
	int n;
};

static void on_reject(void *ctx, const struct error *e)
{
	struct seen *s = ctx;
	size_t len = strlen(s->text);

	snprintf(s->text + len, sizeof(s->text) - len, "%ld:%ld:%s\n", e->line, e->column,
		 e->reason);
	s->n++;
}

static int import(struct db *db, const char *csv, bool partial, struct seen *s,
		  struct values_import_stats *st, struct error *err)
{
	struct values_import_opts o = {0};

	o.name = "v.csv";
	o.partial = partial;
	o.user = "tester";
	o.reject = on_reject;
	o.ctx = s;
	if (s)
		memset(s, 0, sizeof(*s));
	return values_import_mem(db, csv, strlen(csv), &o, st, err);
}

/* One bad row among good ones, each kind of problem. */
static const char bad_rows[] =
    HEAD "\n"
	 "skill_training,202301,410102,,,100\n"	    /* 2 good */
	 "nosuch,202301,410102,,,1\n"		    /* 3 unknown data element */
	 "skill_training,202301,4199,,,1\n"	    /* 4 unknown unit */
	 "skill_training,202313,410102,,,1\n"	    /* 5 bad period */
	 "skill_training,202302,410102,,,12a\n"	    /* 6 non-numeric */
	 "skill_training,202303,410102,,,-5\n"	    /* 7 negative count */
	 "skill_training,202304,410102,,\n"	    /* 8 wrong field count */
	 "skill_training,2023W10,410102,,,1\n"	    /* 9 week: unsupported */
	 "skill_training,202305,410102,,,1.00001\n" /* 10 too precise */
	 "skill_training,202306,410102,xyz,,1\n"    /* 11 combo */
	 "skill_training,202307,410102,,,\n"	    /* 12 empty value */
	 "unemployment,202303,41,,,-0.5\n"	    /* 13 good: a rate may be negative */
	 "new_jobs,202301,41,,,7\n";		    /* 14 good */

static const char bad_expected[] = "3:1:unknown_dataelement\n"
				   "4:3:unknown_orgunit\n"
				   "5:2:bad_period\n"
				   "6:6:bad_value\n"
				   "7:6:negative_count\n"
				   "8:6:field_count\n"
				   "9:2:unsupported_period\n"
				   "10:6:too_precise\n"
				   "11:4:bad_combo\n"
				   "12:6:empty_field\n";

static void test_all_or_nothing(void **state)
{
	struct db *db = tt_core_db(false);
	struct values_import_stats st;
	struct seen s;
	struct error err;

	(void)state;
	assert_int_equal(import(db, bad_rows, false, &s, &st, &err), ERR_INPUT);
	assert_string_equal(s.text, bad_expected);
	assert_int_equal(st.rejected, 10);
	/* err holds the first bad row */
	assert_int_equal(err.line, 3);
	assert_string_equal(err.file, "v.csv");
	assert_non_null(strstr(err.msg, "未知的数据元代码 'nosuch'"));
	/* nothing written, not even the good rows before the first bad one */
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue"), 0);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue_rollup"), 0);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue_audit"), 0);
	db_close(db);
}

static void test_partial(void **state)
{
	struct db *db = tt_core_db(false);
	struct values_import_stats st;
	struct seen s;
	struct error err;

	(void)state;
	assert_int_equal(import(db, bad_rows, true, &s, &st, &err), 0);
	assert_string_equal(s.text, bad_expected);
	assert_int_equal(st.rows, 13);
	assert_int_equal(st.inserted, 3);
	assert_int_equal(st.rejected, 10);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue"), 3);
	assert_int_equal(
	    tt_int(db, "SELECT count(*) FROM datavalue WHERE de_id = 3 AND m3 = '-0.5'"), 1);
	/* the roll-up of the taken rows is there: 410102 -> 4101 -> 41 */
	assert_int_equal(tt_int(db,
				"SELECT m1 FROM datavalue_rollup WHERE de_id = 1 AND orgunit_id ="
				" (SELECT id FROM orgunit WHERE code = '41')"),
			 100 * 10000);
	db_close(db);
}

/* The same with the length given: data that may hold NUL bytes. */
static int import_len(struct db *db, const char *csv, size_t len, bool partial, struct seen *s,
		      struct values_import_stats *st, struct error *err)
{
	struct values_import_opts o = {0};

	o.name = "v.csv";
	o.partial = partial;
	o.user = "tester";
	o.reject = on_reject;
	o.ctx = s;
	memset(s, 0, sizeof(*s));
	return values_import_mem(db, csv, len, &o, st, err);
}

/*
 * A bad byte in a row rejects that row only: the rows after it are read
 * (imported with partial, checked and listed without), and a UTF-8 file
 * stays UTF-8, its names unharmed. Rows 3 (invalid UTF-8), 5 (a NUL) and
 * 7 (cut short by a comma) are bad; storedby is Chinese.
 */
static const char bad_bytes[] =
    HEAD ",storedby\n"
	 "new_jobs,202301,41,,,1,张三\n"	     /* 2 */
	 "new_jobs,202302,41,,,2,李\xff四\n"     /* 3 invalid UTF-8 */
	 "new_jobs,202303,41,,,3,王五\n"	     /* 4 */
	 "new_jobs,202304,41,,,4,赵\0六\n"	     /* 5 NUL */
	 "new_jobs,202305,41,,,5,钱七\n"	     /* 6 */
	 "new_jobs,202306,41,\xe5,,6,孙八\n"     /* 7 cut short */
	 "new_jobs,202307,41,,,7,周九\n";	     /* 8 */

static void test_bad_bytes(void **state)
{
	struct db *db = tt_core_db(false);
	struct values_import_stats st;
	struct seen s;
	struct error err;

	(void)state;
	/* all or nothing: every row checked, every bad one listed, nothing written */
	assert_int_equal(import_len(db, bad_bytes, sizeof(bad_bytes) - 1, false, &s, &st, &err),
			 ERR_INPUT);
	assert_string_equal(s.text, "3:7:invalid_utf8\n5:7:nul_byte\n7:4:invalid_utf8\n");
	assert_int_equal(st.rows, 7);
	assert_int_equal(st.rejected, 3);
	assert_string_equal(err.reason, "invalid_utf8");
	assert_int_equal(err.line, 3);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue"), 0);

	/* partial: the four good rows, before and after the bad ones */
	assert_int_equal(import_len(db, bad_bytes, sizeof(bad_bytes) - 1, true, &s, &st, &err), 0);
	assert_string_equal(s.text, "3:7:invalid_utf8\n5:7:nul_byte\n7:4:invalid_utf8\n");
	assert_int_equal(st.rows, 7);
	assert_int_equal(st.inserted, 4);
	assert_int_equal(st.rejected, 3);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue_meta WHERE storedby IN"
				    " ('张三', '王五', '钱七', '周九')"),
			 4);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue_meta"), 4);
	db_close(db);

	/* GB18030 (detected): a byte that does not convert rejects its row */
	db = tt_core_db(false);
	assert_int_equal(import(db,
				HEAD ",storedby\n"
				     "new_jobs,202301,41,,,1,\xd5\xc5\xc8\xfd\n"
				     "new_jobs,202302,41,,,2,\xc0\xee\xff\n"
				     "new_jobs,202303,41,,,3,\xcd\xf5\xce\xe5\n",
				true, &s, &st, &err),
			 0);
	assert_string_equal(s.text, "3:7:bad_encoding\n");
	assert_int_equal(st.inserted, 2);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue_meta WHERE storedby IN"
				    " ('张三', '王五')"),
			 2);
	/* the last row cut inside a character: a reject, and the end */
	assert_int_equal(import(db, HEAD "\nnew_jobs,202304,41,,,4\nnew_jobs,202305,41,,,5\xe5",
				true, &s, &st, &err),
			 0);
	assert_int_equal(st.inserted, 1);
	assert_int_equal(st.rejected, 1);
	/* a bad byte in the header refuses the file whole: no row is read */
	assert_int_equal(import(db, "data\xff" "element,period\nnew_jobs,202306,41,,,6\n", true, &s,
				&st, &err),
			 ERR_INPUT);
	assert_int_equal(s.n, 0);
	assert_int_equal(st.rows, 0);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue WHERE m6 IS NOT NULL"), 0);
	db_close(db);
}

static void test_headers(void **state)
{
	struct db *db = tt_core_db(false);
	struct values_import_stats st;
	struct seen s;
	struct error err;

	(void)state;
	/* Stopping after value, after storedby, or the full header. */
	assert_int_equal(import(db, HEAD "\nnew_jobs,202301,41,,,1\n", false, &s, &st, &err), 0);
	assert_int_equal(
	    import(db, HEAD ",storedby\nnew_jobs,202302,41,,,2,zz\n", false, &s, &st, &err), 0);
	assert_int_equal(
	    import(db,
		   HEAD ",storedby,lastupdated,comment,followup\n"
			"new_jobs,202303,41,default,HllvX50cXC0,3,zz,2023-04-01,\"a, b\",true\n",
		   false, &s, &st, &err),
	    0);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue_meta WHERE comment = 'a, b'"
				    " AND followup = 'true' AND period = '202303'"),
			 1);
	/* Wrong headers: a column out of order, a missing value column, an
	 * unknown column, too many. Nothing is read. */
	assert_int_equal(
	    import(db,
		   "dataelement,orgunit,period,categoryoptioncombo,attributeoptioncombo,value\n"
		   "new_jobs,41,202304,,,4\n",
		   true, &s, &st, &err),
	    ERR_INPUT);
	assert_string_equal(err.reason, "bad_header");
	assert_int_equal(err.column, 2);
	assert_int_equal(
	    import(db, "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo\n",
		   true, &s, &st, &err),
	    ERR_INPUT);
	assert_string_equal(err.reason, "bad_header");
	assert_int_equal(
	    import(db, HEAD ",comment\nnew_jobs,202304,41,,,4,x\n", true, &s, &st, &err),
	    ERR_INPUT);
	assert_string_equal(err.reason, "bad_header");
	assert_int_equal(err.column, 7);
	assert_int_equal(import(db, "", true, &s, &st, &err), ERR_INPUT);
	assert_string_equal(err.reason, "bad_header");
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue WHERE m4 IS NOT NULL"), 0);
	/* A row with too many fields is a row error. */
	assert_int_equal(import(db, HEAD "\nnew_jobs,202305,41,,,5,extra\n", false, &s, &st, &err),
			 ERR_INPUT);
	assert_string_equal(s.text, "2:7:field_count\n");
	db_close(db);
}

static void test_replace_and_audit(void **state)
{
	struct db *db = tt_core_db(false);
	struct values_import_stats st;
	struct error err;

	(void)state;
	assert_int_equal(
	    import(db, HEAD "\nskill_training,202301,410102,,,100\n", false, NULL, &st, &err), 0);
	assert_int_equal(st.inserted, 1);
	/* The same value again: nothing changes, no audit. */
	assert_int_equal(
	    import(db, HEAD "\nskill_training,202301,410102,,,100\n", false, NULL, &st, &err), 0);
	assert_int_equal(st.inserted, 0);
	assert_int_equal(st.replaced, 0);
	assert_int_equal(st.unchanged, 1);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue_audit"), 0);
	/* A new value: replaced, the old one kept in the audit with who and when. */
	assert_int_equal(import(db, HEAD ",storedby\nskill_training,202301,410102,,,120,zz\n",
				false, NULL, &st, &err),
			 0);
	assert_int_equal(st.replaced, 1);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue_audit WHERE old_value = '100'"
				    " AND new_value = '120' AND who = 'zz' AND period = '202301'"
				    " AND at LIKE '____-__-__T__:__:__Z'"),
			 1);
	/* Without storedby the importing user is recorded. */
	assert_int_equal(
	    import(db, HEAD "\nskill_training,202301,410102,,,120.0\n", false, NULL, &st, &err), 0);
	assert_int_equal(st.replaced, 1); /* the text changed: 120 -> 120.0 */
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue_audit WHERE old_value = '120'"
				    " AND new_value = '120.0' AND who = 'tester'"),
			 1);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue_meta"), 0);
	/* Twice in one file: the second replaces the first. */
	assert_int_equal(import(db, HEAD "\nnew_jobs,202301,41,,,1\nnew_jobs,202301,41,,,2\n",
				false, NULL, &st, &err),
			 0);
	assert_int_equal(st.inserted, 1);
	assert_int_equal(st.replaced, 1);
	/* The roll-up follows every change: 4101 sees 120 for January. */
	assert_int_equal(tt_int(db,
				"SELECT m1 FROM datavalue_rollup WHERE de_id = 1 AND orgunit_id ="
				" (SELECT id FROM orgunit WHERE code = '4101')"),
			 120 * 10000);
	db_close(db);
}

/* Export writes what import reads: importing the export changes nothing. */
static void test_export_round_trip(void **state)
{
	struct db *db = tt_core_db(false), *db2 = tt_core_db(false);
	struct values_import_stats st;
	struct error err;
	char path[512], *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	FILE *f;

	(void)state;
	tt_data_path(path, sizeof(path), "values.csv");
	assert_int_equal(values_import_file(db, path, NULL, &st, &err), 0);
	f = open_memstream(&a, &na);
	assert_int_equal(values_export(db, 2023, f, &err), 0);
	fclose(f);
	assert_int_equal(import(db2, a, false, NULL, &st, &err), 0);
	assert_int_equal(st.inserted, 19);
	f = open_memstream(&b, &nb);
	assert_int_equal(values_export(db2, 2023, f, &err), 0);
	fclose(f);
	assert_string_equal(a, b);
	assert_int_equal(import(db, a, false, NULL, &st, &err), 0);
	assert_int_equal(st.unchanged, 19);
	assert_int_equal(st.inserted + st.replaced, 0);
	/* Another year is empty but for the header. */
	free(b);
	f = open_memstream(&b, &nb);
	assert_int_equal(values_export(db2, 2022, f, &err), 0);
	fclose(f);
	assert_string_equal(b, HEAD ",storedby,lastupdated,comment,followup\n");
	free(a);
	free(b);
	db_close(db);
	db_close(db2);
}

static void test_reader_agg(void **state)
{
	struct db *db = tt_core_db(false);
	struct values_import_stats st;
	struct values_reader *r;
	struct rollup_agg a;
	struct error err;
	bool p;
	int64_t v;

	(void)state;
	assert_int_equal(import(db,
				HEAD "\n"
				     "skill_training,202301,410102001001,,,1\n"
				     "skill_training,202301,410102001002,,,2\n"
				     "skill_training,2023Q1,410102002,,,30\n",
				false, NULL, &st, &err),
			 0);
	assert_int_equal(values_reader_open(db, &r, &err), 0);
	/* 410102 (id 5) = its two townships: 1 + 2 (Jan) and 30 (Q1) */
	assert_int_equal(values_reader_agg(r, 1, 5, 2023, false, &a, &err), 0);
	assert_int_equal(rollup_ytd(&a, false, 3, &p, &v), 0);
	assert_int_equal(v, 33 * 10000);
	/* own only: 410102 reported nothing itself */
	assert_int_equal(values_reader_agg(r, 1, 5, 2023, true, &a, &err), 0);
	assert_true(rollup_agg_empty(&a));
	/* a village without children: its own values */
	assert_int_equal(values_reader_agg(r, 1, 12, 2023, false, &a, &err), 0);
	assert_int_equal(rollup_ytd(&a, false, 1, &p, &v), 0);
	assert_int_equal(v, 2 * 10000);
	values_reader_close(r);

	/* One more village value: the ancestors follow without any rebuild. */
	assert_int_equal(
	    import(db, HEAD "\nskill_training,202302,410102001001,,,5\n", false, NULL, &st, &err),
	    0);
	assert_int_equal(values_reader_open(db, &r, &err), 0);
	assert_int_equal(values_reader_agg(r, 1, 1, 2023, false, &a, &err), 0);
	assert_int_equal(rollup_ytd(&a, false, 3, &p, &v), 0);
	assert_int_equal(v, 38 * 10000);
	values_reader_close(r);
	db_close(db);
}

/* The stored form is the value times 10^4 in an int64: the limit depends on
 * the scale written (a fuzzing find in the harness's own check). */
static void test_value_range(void **state)
{
	struct db *db = tt_core_db(false);
	struct values_import_stats st;
	struct seen s;
	struct error err;

	(void)state;
	assert_int_equal(
	    import(db,
		   HEAD "\n"
			"unemployment,202301,41,,,922337203685.4775\n"	 /* 2: max at scale 4 */
			"unemployment,202302,41,,,-922337203685.4775\n"	 /* 3 */
			"unemployment,202303,41,,,922337203685478\n"	 /* 4: too big at scale 0 */
			"unemployment,202304,41,,,922337203685.47758\n", /* 5: scale 5 */
		   true, &s, &st, &err),
	    0);
	assert_string_equal(s.text, "4:6:bad_value\n5:6:too_precise\n");
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue WHERE m1 = '922337203685.4775'"
				    " AND m2 = '-922337203685.4775'"),
			 1);
	db_close(db);
}

static void test_decimal_text(void **state)
{
	struct decimal d;

	(void)state;
	d = values_decimal(15000, 2);
	assert_int_equal(d.units, 150);
	assert_int_equal(d.scale, 2);
	d = values_decimal(-5000, 1);
	assert_int_equal(d.units, -5);
	assert_int_equal(d.scale, 1);
}

/* Every stored aggregate as text, by codes, for comparing two databases. */
static char *rollup_dump(struct db *db)
{
	sqlite3_stmt *st;
	struct error err;
	size_t cap = 1 << 16, len = 0;
	char *out = calloc(1, cap);
	int i;

	assert_non_null(out);
	assert_int_equal(db_prepare(db,
				    "SELECT d.code, o.code, r.* FROM datavalue_rollup r"
				    " JOIN dataelement d ON d.id = r.de_id"
				    " JOIN orgunit o ON o.id = r.orgunit_id ORDER BY 1, 2, r.year",
				    &st, &err),
			 0);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			const char *t = (const char *)sqlite3_column_text(st, i);

			if (i == 2 || i == 3)
				continue; /* ids differ between databases */
			len += (size_t)snprintf(out + len, cap - len, "%s,", t ? t : "-");
			assert_true(len < cap);
		}
		out[len++] = '\n';
	}
	sqlite3_finalize(st);
	return out;
}

/* A report's year-to-date figure of de at unit (both by code). */
static int64_t ytd_of(struct db *db, const char *de, const char *unit, bool last, int k)
{
	struct values_reader *r;
	struct rollup_agg a;
	struct error err;
	char sql[256];
	bool p;
	int64_t v = -1, de_id, ou_id;

	snprintf(sql, sizeof(sql), "SELECT id FROM dataelement WHERE code = '%s'", de);
	de_id = tt_int(db, sql);
	snprintf(sql, sizeof(sql), "SELECT id FROM orgunit WHERE code = '%s'", unit);
	ou_id = tt_int(db, sql);
	assert_int_equal(values_reader_open(db, &r, &err), 0);
	assert_int_equal(values_reader_agg(r, de_id, ou_id, 2023, false, &a, &err), 0);
	assert_int_equal(rollup_ytd(&a, last, k, &p, &v), 0);
	values_reader_close(r);
	return p ? v : -1;
}

/*
 * A row equal to the stored value for a unit with children (4101), in an
 * import that changes a value elsewhere (410202): 4101's subtree stays in
 * its ancestors' roll-ups, sum and last alike. Before the fix 41 lost the
 * 100 of 410102 (Q1 57, not 157).
 */
static void test_unchanged_parent_row(void **state)
{
	struct db *db = tt_core_db(false), *one = tt_core_db(false);
	struct values_import_stats st;
	struct values_check_stats cs;
	struct error err;
	char *a, *b;

	(void)state;
	assert_int_equal(import(db,
				HEAD "\n"
				     "skill_training,202301,410102,,,100\n"
				     "skill_training,202302,4101,,,50\n",
				false, NULL, &st, &err),
			 0);
	assert_int_equal(import(db,
				HEAD "\n"
				     "skill_training,202302,4101,,,50\n"
				     "skill_training,202301,410202,,,7\n",
				false, NULL, &st, &err),
			 0);
	assert_int_equal(st.unchanged, 1);
	assert_int_equal(st.inserted, 1);
	/* sum: Q1 of 41 = 4101 (100 in January below it, its own 50) + 7 */
	assert_int_equal(ytd_of(db, "skill_training", "41", false, 2), 157 * 10000);
	assert_int_equal(ytd_of(db, "skill_training", "41", false, 3), 157 * 10000);
	assert_int_equal(ytd_of(db, "skill_training", "4101", false, 3), 150 * 10000);
	/* last: January is 410102's 100 under 4101, plus 7; February 50 + 7 */
	assert_int_equal(ytd_of(db, "skill_training", "41", true, 1), 107 * 10000);
	assert_int_equal(ytd_of(db, "skill_training", "41", true, 2), 57 * 10000);
	/* the same aggregates as one import of the final values */
	assert_int_equal(import(one,
				HEAD "\n"
				     "skill_training,202301,410102,,,100\n"
				     "skill_training,202302,4101,,,50\n"
				     "skill_training,202301,410202,,,7\n",
				false, NULL, &st, &err),
			 0);
	a = rollup_dump(db);
	b = rollup_dump(one);
	assert_string_equal(a, b);
	free(a);
	free(b);
	assert_int_equal(values_rollup_check(db, false, NULL, NULL, &cs, &err), 0);
	assert_int_equal(cs.differ, 0);
	assert_true(cs.checked > 0);
	db_close(db);
	db_close(one);
}

/* The same for a formula's numerator (its own unchanged row at a city). */
static void test_unchanged_parent_row_formula(void **state)
{
	struct db *db = tt_core_db(false);
	struct values_import_stats st;
	struct error err;

	(void)state;
	assert_int_equal(import(db,
				HEAD "\n"
				     "villages_with_courier,202301,410102,,,30\n"
				     "villages_with_courier,202302,4101,,,5\n",
				false, NULL, &st, &err),
			 0);
	assert_int_equal(import(db,
				HEAD "\n"
				     "villages_with_courier,202302,4101,,,5\n"
				     "villages_with_courier,202303,410302,,,45\n",
				false, NULL, &st, &err),
			 0);
	assert_int_equal(ytd_of(db, "villages_with_courier", "41", false, 3), 80 * 10000);
	assert_int_equal(ytd_of(db, "villages_with_courier", "41", true, 1), 30 * 10000);
	assert_int_equal(ytd_of(db, "villages_with_courier", "41", true, 3), 50 * 10000);
	db_close(db);
}

/* A value for a formula rate's own code would never be read: refused. */
static void test_formula_code(void **state)
{
	struct db *db = tt_core_db(false);
	struct values_import_stats st;
	struct seen s;
	struct error err;
	const char *csv = HEAD "\n"
			       "villages_total,202303,410202,,,10\n"
			       "courier_rate,202303,410202,,,64.4\n";

	(void)state;
	assert_int_equal(import(db, csv, false, &s, &st, &err), ERR_INPUT);
	assert_string_equal(s.text, "3:1:formula_indicator\n");
	assert_string_equal(err.reason, "formula_indicator");
	assert_non_null(strstr(err.msg, "指标 'courier_rate' 由分子 'villages_with_courier' 和分母"
					" 'villages_total' 计算，请上报分子和分母"));
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue"), 0);
	/* --partial: the numerator row goes in, the rate's row is a reject */
	assert_int_equal(import(db, csv, true, &s, &st, &err), 0);
	assert_string_equal(s.text, "3:1:formula_indicator\n");
	assert_int_equal(st.inserted, 1);
	assert_int_equal(st.rejected, 1);
	assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue"), 1);
	/* a plain rate's own code is its data element: taken */
	assert_int_equal(import(db, HEAD "\nscreening_rate,202304,41,,,97\n", false, &s, &st, &err),
			 0);
	/* courier_rate is a formula in 2023 only; a 2024 value is no formula's */
	assert_int_equal(
	    import(db, HEAD "\ncourier_rate,202403,410202,,,64.4\n", false, &s, &st, &err), 0);
	assert_int_equal(st.inserted, 1);
	db_close(db);
}

/* Blank lines hold no value and are skipped, as in plan and orgunit import. */
static void test_blank_lines(void **state)
{
	struct db *db = tt_core_db(false);
	struct values_import_stats st;
	struct seen s;
	struct error err;

	(void)state;
	assert_int_equal(import(db,
				HEAD "\n\n"
				     "skill_training,202303,410102,,,5\n"
				     "\n\n"
				     "skill_training,202304,410102,,,6\n"
				     "\n",
				false, &s, &st, &err),
			 0);
	assert_int_equal(st.rows, 2);
	assert_int_equal(st.inserted, 2);
	assert_int_equal(s.n, 0);
	/* a line of one non-empty field is still a row with too few fields */
	assert_int_equal(
	    import(db, HEAD "\n\nx\nskill_training,202305,410102,,,7\n", true, &s, &st, &err), 0);
	assert_string_equal(s.text, "3:2:field_count\n");
	assert_int_equal(st.inserted, 1);
	db_close(db);
}

struct diffs {
	char text[2048];
	int n;
};

static void on_diff(void *ctx, const struct values_check_diff *d)
{
	struct diffs *x = ctx;
	size_t len = strlen(x->text);

	snprintf(x->text + len, sizeof(x->text) - len, "%s,%s,%d,%s,%s,%s,%s\n", d->dataelement,
		 d->orgunit, d->year, d->period, d->last ? "last" : "sum", d->stored, d->expected);
	x->n++;
}

/* values_rollup_check finds stored aggregates that disagree with the
 * values beneath them, and repair makes them agree again. */
static void test_rollup_check(void **state)
{
	struct db *db = tt_core_db(true);
	struct values_check_stats cs;
	struct diffs x;
	struct error err;
	char *before, *after;

	(void)state;
	memset(&x, 0, sizeof(x));
	assert_int_equal(values_rollup_check(db, false, on_diff, &x, &cs, &err), 0);
	assert_int_equal(cs.differ, 0);
	assert_int_equal(x.n, 0);
	before = rollup_dump(db);
	/* three kinds of damage: a wrong figure (as the old import stored),
	 * a row missing for a unit with children, a row for a childless unit */
	assert_int_equal(
	    db_exec(db,
		    "UPDATE datavalue_rollup SET q1 = q1 - 1000000000, last1 = NULL"
		    " WHERE de_id = (SELECT id FROM dataelement WHERE code = 'skill_training')"
		    " AND orgunit_id = (SELECT id FROM orgunit WHERE code = '41');"
		    "DELETE FROM datavalue_rollup"
		    " WHERE de_id = (SELECT id FROM dataelement WHERE code = 'skill_training')"
		    " AND orgunit_id = (SELECT id FROM orgunit WHERE code = '4101');"
		    "INSERT INTO datavalue_rollup(de_id, orgunit_id, year, m1)"
		    " SELECT d.id, o.id, 2023, 10000 FROM dataelement d, orgunit o"
		    " WHERE d.code = 'new_jobs' AND o.code = '410302'",
		    &err),
	    0);
	assert_int_equal(values_rollup_check(db, false, on_diff, &x, &cs, &err), 0);
	assert_int_equal(cs.differ, 3);
	assert_int_equal(cs.repaired, 0);
	assert_string_equal(x.text, "skill_training,4101,2023,2023,sum,无,600000\n"
				    "skill_training,41,2023,2023Q1,sum,970000,1070000\n"
				    "new_jobs,410302,2023,202301,sum,1,无\n");
	/* nothing written without repair */
	assert_int_equal(values_rollup_check(db, false, NULL, NULL, &cs, &err), 0);
	assert_int_equal(cs.differ, 3);
	assert_int_equal(values_rollup_check(db, true, NULL, NULL, &cs, &err), 0);
	assert_int_equal(cs.differ, 3);
	assert_int_equal(cs.repaired, 3);
	assert_int_equal(values_rollup_check(db, false, NULL, NULL, &cs, &err), 0);
	assert_int_equal(cs.differ, 0);
	after = rollup_dump(db);
	assert_string_equal(before, after);
	free(before);
	free(after);
	db_close(db);
}

/*
 * A root without children has no ancestor whose recomputation would catch
 * a year too big to sum: the import refuses it (both modes, nothing
 * written), where before every report of the year failed afterwards.
 */
static void test_root_overflow(void **state)
{
	static const char units[] = "code,name,level,parent_code\n41,河南省,province,\n";
	static const char plan[] =
	    "year,project_no,project_title,indicator,indicator_name,unit,kind,comparator,"
	    "target,orgunit,aggregation,numerator,denominator\n"
	    "2023,1,就业,jobs,新增就业,人,count,>=,1000,41,sum,,\n"
	    "2023,1,就业,rate,失业率,%,rate,<=,5,41,last,,\n";
	struct orgunit_import_stats ost;
	struct plan_import_stats pst;
	struct plan_import_opts po = {false};
	struct values_import_stats st;
	struct values_reader *r;
	struct rollup_agg a;
	struct seen s;
	struct error err;
	struct db *db = tt_open_db();
	int partial;

	(void)state;
	assert_int_equal(orgunit_import_mem(db, "u.csv", units, strlen(units), &ost, NULL, NULL,
					    &err),
			 0);
	assert_int_equal(plan_import_mem(db, "p.csv", plan, strlen(plan), &po, &pst, NULL, NULL,
					 &err),
			 0);
	for (partial = 0; partial < 2; partial++) {
		assert_int_equal(import(db,
					HEAD "\n"
					     "jobs,202303,41,,,922337203685477.5807\n"
					     "jobs,202304,41,,,922337203685477.5807\n",
					partial, &s, &st, &err),
				 ERR_INPUT);
		assert_string_equal(err.reason, "sum_overflow");
		assert_non_null(strstr(err.msg, "数据元 'jobs' 在单位 '41' 的 2023 年汇总超出数值范围"));
		assert_int_equal(tt_int(db, "SELECT count(*) FROM datavalue"), 0);
	}
	/* the same split over two imports: the second is refused */
	assert_int_equal(
	    import(db, HEAD "\njobs,202303,41,,,922337203685477.5807\n", false, &s, &st, &err), 0);
	assert_int_equal(
	    import(db, HEAD "\njobs,2023Q2,41,,,922337203685477.5807\n", false, &s, &st, &err),
	    ERR_INPUT);
	assert_string_equal(err.reason, "sum_overflow");
	/* a plain rate's months too (reports sum a unit's own values) */
	assert_int_equal(import(db,
				HEAD "\n"
				     "rate,202301,41,,,-922337203685477.5807\n"
				     "rate,202302,41,,,-922337203685477.5807\n",
				false, &s, &st, &err),
			 ERR_INPUT);
	/* what is stored can still be summed */
	assert_int_equal(values_reader_open(db, &r, &err), 0);
	assert_int_equal(values_reader_agg(r, 1, 1, 2023, false, &a, &err), 0);
	assert_int_equal(values_reader_agg(r, 1, 1, 2023, true, &a, &err), 0);
	values_reader_close(r);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_or_nothing),    cmocka_unit_test(test_partial),
	    cmocka_unit_test(test_headers),	      cmocka_unit_test(test_replace_and_audit),
	    cmocka_unit_test(test_export_round_trip), cmocka_unit_test(test_reader_agg),
	    cmocka_unit_test(test_value_range),	      cmocka_unit_test(test_decimal_text),
	    cmocka_unit_test(test_bad_bytes),
	    cmocka_unit_test(test_unchanged_parent_row),
	    cmocka_unit_test(test_unchanged_parent_row_formula),
	    cmocka_unit_test(test_formula_code),
	    cmocka_unit_test(test_blank_lines),
	    cmocka_unit_test(test_rollup_check),
	    cmocka_unit_test(test_root_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

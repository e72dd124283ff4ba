/*
 * fuzz_valuesimport.c - the data value import (values_import_mem) run for
 * real on each input, with the roll-up it keeps; fuzz_datavalue covers the
 * row checks alone. Each input starts from a fresh in-memory database with
 * the core test data of tests/data/tracker/core (13 units, the 2023 plan,
 * its 19 values). An input starting with 'P' is imported with partial (the
 * 'P' dropped).
 *
 * Invariants (abort() when broken):
 *   - the import returns 0 or ERR_INPUT;
 *   - every rejected row, and a returned error, is ERR_INPUT with a reason,
 *     a message free of control characters, a line inside the input and a
 *     column 0..10 (any field for the CSV reader's own reasons);
 *     st.rejected counts them;
 *   - a refused import (ERR_INPUT: a rejected row without partial, or a
 *     file-level problem in either mode) leaves values, their metadata, the
 *     audit trail and the roll-up as they were;
 *   - inserted + replaced + unchanged + rejected = rows;
 *   - the roll-up kept up to date by the import equals the roll-up of the
 *     resulting values imported at once into a database that had none
 *     (differential: the incremental recomputation against a fresh one);
 *   - importing the same file again inserts and replaces nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/error.h"
#include "tracker/orgunit.h"
#include "tracker/plan.h"
#include "tracker/tracker.h"
#include "tracker/values.h"

#include "fuzz_db.h"
#include "fuzz_tracker.h"

#define MAXIN (64 * 1024)

static const char values[] =
    "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,"
    "lastupdated,comment,followup\n"
    "skill_training,202301,410102,,,100000,zz,2023-02-01,,false\n"
    "skill_training,202302,410102,,,120000,zz,2023-03-01,,false\n"
    "skill_training,202303,410102,,,130000,zz,2023-04-01,,false\n"
    "skill_training,2023Q1,410103,,,250000,zz,2023-04-02,,\n"
    "skill_training,2023Q1,4102,,,300000,kf,2023-04-03,,\n"
    "skill_training,202301,410202,,,999999,kf,2023-02-03,ignored: 4102 reports Q1 itself,\n"
    "skill_training,2023Q1,410302,,,170000,ly,2023-04-04,,\n"
    "skill_training,202304,410302,,,70000,ly,2023-05-04,,\n"
    "new_jobs,2023Q1,41,,,280000,prov,2023-04-05,,\n"
    "new_jobs,202301,4101,,,50000,zz,2023-02-05,not counted: 41 reports Q1,\n"
    "unemployment,202303,41,,,5.3,prov,2023-04-06,,\n"
    "screening_rate,202303,41,,,96.2,prov,2023-04-06,,\n"
    "screening_rate,202303,4101,,,94,zz,2023-04-06,,\n"
    "villages_with_courier,202303,410102,,,30,zz,,,\n"
    "villages_total,202303,410102,,,40,zz,,,\n"
    "villages_with_courier,202303,410202,,,1,kf,,,\n"
    "villages_total,202303,410202,,,10,kf,,,\n"
    "villages_with_courier,202303,410302,,,45,ly,,,\n"
    "villages_total,202303,410302,,,50,ly,,,\n";

#define PERIOD_COLS "y, s1, s2, q1, q2, q3, q4, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12"
#define ROLLUP_COLS                                                                                \
	"r.y, r.s1, r.s2, r.q1, r.q2, r.q3, r.q4, r.m1, r.m2, r.m3, r.m4, r.m5, r.m6, r.m7,"       \
	" r.m8, r.m9, r.m10, r.m11, r.m12, r.last1, r.last2, r.last3, r.last4, r.last5,"           \
	" r.last6, r.last7, r.last8, r.last9, r.last10, r.last11, r.last12"

/* The roll-up by codes (ids may differ between databases); empty rows left out. */
#define ROLLUP_SQL                                                                                 \
	"SELECT d.code, o.code, r.year, " ROLLUP_COLS " FROM datavalue_rollup r"                   \
	" JOIN dataelement d ON d.id = r.de_id JOIN orgunit o ON o.id = r.orgunit_id"              \
	" WHERE COALESCE(" ROLLUP_COLS ") IS NOT NULL ORDER BY 1, 2, 3"

#define VALUES_SQL                                                                                 \
	"SELECT d.code, o.code, v.year, " PERIOD_COLS " FROM datavalue v"                          \
	" JOIN dataelement d ON d.id = v.de_id JOIN orgunit o ON o.id = v.orgunit_id"              \
	" ORDER BY 1, 2, 3"

#define STATE_SQL                                                                                  \
	"SELECT 'v', de_id, orgunit_id, year, " PERIOD_COLS " FROM datavalue"                      \
	" UNION ALL SELECT 'm', de_id, orgunit_id, period, storedby, lastupdated, comment,"        \
	"  followup, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"      \
	"  NULL, NULL, NULL FROM datavalue_meta"                                                   \
	" UNION ALL SELECT 'a', count(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"   \
	"  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"                 \
	"  FROM datavalue_audit"                                                                   \
	" UNION ALL SELECT 'r', de_id, orgunit_id, year, " ROLLUP_COLS_PLAIN                       \
	"  FROM datavalue_rollup"                                                                  \
	" ORDER BY 1, 2, 3, 4"

/* The roll-up columns summed into one so the UNION keeps 23 columns. */
#define ROLLUP_COLS_PLAIN                                                                          \
	"quote(y) || quote(s1) || quote(s2) || quote(q1) || quote(q2) || quote(q3) || quote(q4)"   \
	" || quote(m1) || quote(m2) || quote(m3) || quote(m4) || quote(m5) || quote(m6)"           \
	" || quote(m7) || quote(m8) || quote(m9) || quote(m10) || quote(m11) || quote(m12)"        \
	" || quote(last1) || quote(last2) || quote(last3) || quote(last4) || quote(last5)"         \
	" || quote(last6) || quote(last7) || quote(last8) || quote(last9) || quote(last10)"        \
	" || quote(last11) || quote(last12),"                                                      \
	" NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"     \
	" NULL, NULL, NULL, NULL"

struct rejects {
	long lines;
	long n;
};

static void on_reject(void *ctx, const struct error *e)
{
	struct rejects *rj = ctx;

	fuzz_check_input_error(e, rj->lines, 10);
	rj->n++;
}

static struct fuzz_snapshot base, seeded;

static void snapshots(void)
{
	struct values_import_opts vo;
	struct values_import_stats vst;
	struct error err;
	struct db *db;

	if (base.data)
		return;
	error_clear(&err);
	db = fuzz_tracker_seeded();
	fuzz_snapshot_take(db, &base);
	memset(&vo, 0, sizeof(vo));
	vo.name = "values.csv";
	CHECK(values_import_mem(db, values, sizeof(values) - 1, &vo, &vst, &err) == 0 &&
	      vst.inserted == 19);
	fuzz_snapshot_take(db, &seeded);
	db_close(db);
}

/* The values of db as an import file: one row per stored period value. */
static void values_file(struct db *db, struct buf *out)
{
	static const char *const col[] = {"",	"S1", "S2", "Q1", "Q2", "Q3", "Q4",
					  "01", "02", "03", "04", "05", "06", "07",
					  "08", "09", "10", "11", "12"};
	sqlite3_stmt *st = NULL;
	struct error err;
	int i;

	error_clear(&err);
	buf_init(out, (size_t)1 << 26);
	CHECK(buf_adds(out, "dataelement,period,orgunit,categoryoptioncombo,"
			    "attributeoptioncombo,value\n") == 0);
	CHECK(db_prepare(db, VALUES_SQL, &st, &err) == 0);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *de = (const char *)sqlite3_column_text(st, 0);
		const char *ou = (const char *)sqlite3_column_text(st, 1);
		int year = sqlite3_column_int(st, 2);

		for (i = 0; i < 19; i++) {
			const char *v = (const char *)sqlite3_column_text(st, 3 + i);

			if (!v)
				continue;
			CHECK(csv_write_field(out, de, strlen(de)) == 0);
			CHECK(buf_printf(out, ",%04d%s,", year, col[i]) == 0);
			CHECK(csv_write_field(out, ou, strlen(ou)) == 0);
			CHECK(buf_printf(out, ",,,%s\n", v) == 0);
		}
	}
	sqlite3_finalize(st);
}

/* The roll-up db keeps equals the roll-up of its values imported at once. */
static void check_rollup(struct db *db)
{
	struct values_import_opts vo;
	struct values_import_stats vst;
	struct buf file, inc, scratch;
	struct error err;
	struct db *fresh;

	values_file(db, &file);
	fresh = fuzz_db_restore(&base);
	memset(&vo, 0, sizeof(vo));
	vo.name = "all.csv";
	error_clear(&err);
	CHECK(values_import_mem(fresh, file.data, file.len, &vo, &vst, &err) == 0);
	inc = fuzz_dump(db, ROLLUP_SQL);
	scratch = fuzz_dump(fresh, ROLLUP_SQL);
	CHECK(fuzz_same(&inc, &scratch));
	buf_free(&file);
	db_close(fresh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct values_import_opts vo;
	struct values_import_stats st, st2;
	struct rejects rj = {0, 0};
	struct buf before, after;
	struct error err;
	struct db *db;
	int rc;

	if (size > MAXIN)
		return 0;
	memset(&vo, 0, sizeof(vo));
	if (size > 0 && data[0] == 'P') {
		vo.partial = true;
		data++;
		size--;
	}
	snapshots();
	db = fuzz_db_restore(&seeded);
	vo.name = "fuzz.csv";
	vo.reject = on_reject;
	vo.ctx = &rj;
	rj.lines = fuzz_lines(data, size);
	before = fuzz_dump(db, STATE_SQL);

	error_clear(&err);
	memset(&st, 0, sizeof(st));
	rc = values_import_mem(db, (const char *)data, size, &vo, &st, &err);
	CHECK(rc == 0 || rc == ERR_INPUT);
	CHECK(st.rejected == rj.n);
	after = fuzz_dump(db, STATE_SQL);
	if (rc) {
		/* with partial, only a file-level problem: nothing written */
		fuzz_check_input_error(&err, rj.lines, 10);
		CHECK(fuzz_same(&before, &after));
		goto out;
	}
	CHECK(st.inserted + st.replaced + st.unchanged + st.rejected == st.rows);
	buf_free(&before);
	buf_free(&after);
	check_rollup(db);

	/* The same file again inserts nothing and leaves values and roll-up. */
	before = fuzz_dump(db, VALUES_SQL);
	after = fuzz_dump(db, ROLLUP_SQL);
	rj.n = 0;
	rc = values_import_mem(db, (const char *)data, size, &vo, &st2, &err);
	CHECK(rc == 0 || (rc == ERR_INPUT && vo.partial));
	CHECK(st2.inserted == 0 && st2.rows == st.rows);
	{
		struct buf v2 = fuzz_dump(db, VALUES_SQL), r2 = fuzz_dump(db, ROLLUP_SQL);

		CHECK(fuzz_same(&before, &v2));
		CHECK(fuzz_same(&after, &r2));
	}
out:
	db_close(db);
	return 0;
}

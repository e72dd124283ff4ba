/*
 * fuzz_planimport.c - the plan import (plan_import_mem) run for real on
 * each input; fuzz_plan covers the row checks alone, this one the checks
 * across rows (definitions, breakdown sums, units) and the writing. Each
 * input starts from a fresh in-memory database with the core test data of
 * tests/data/tracker/core (13 units and the 2023 plan). An input starting
 * with 'M' is imported with allow_mismatch (the 'M' dropped).
 *
 * Invariants (abort() when broken):
 *   - the import returns 0 or ERR_INPUT;
 *   - every problem reported (errors and warnings) and the returned error
 *     is ERR_INPUT with a reason, a message free of control characters, a
 *     line inside the input and a column 0..13 (any field for the CSV
 *     reader's own reasons);
 *   - a refused file leaves projects, indicators, targets and data elements
 *     as they were;
 *   - an accepted file: every data row's target is stored for its year,
 *     indicator and unit, equal as a decimal; importing the same file again
 *     changes nothing.
 */
#include <stdint.h>
#include <string.h>

#include "base/csv.h"
#include "base/decimal.h"
#include "base/error.h"
#include "tracker/orgunit.h"
#include "tracker/plan.h"
#include "tracker/tracker.h"

#include "fuzz_db.h"
#include "fuzz_tracker.h"

#define MAXIN (64 * 1024)

#define STATE_SQL                                                                                  \
	"SELECT 'p', id, year, project_no, title, NULL, NULL, NULL, NULL, NULL, NULL, NULL"        \
	" FROM project"                                                                            \
	" UNION ALL SELECT 'i', id, project_id, year, code, name, unit, kind, comparator,"         \
	"  aggregation, de_id, quote(numerator_id) || quote(denominator_id) FROM indicator"        \
	" UNION ALL SELECT 't', indicator_id, orgunit_id, value, derived, NULL, NULL, NULL,"       \
	"  NULL, NULL, NULL, NULL FROM target"                                                     \
	" UNION ALL SELECT 'd', id, code, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"    \
	"  FROM dataelement"                                                                       \
	" ORDER BY 1, 2, 3"

struct notes {
	long lines;
	int errors;
};

static void on_note(void *ctx, const struct error *e, bool warning)
{
	struct notes *nt = ctx;

	fuzz_check_input_error(e, nt->lines, 13);
	if (!warning)
		nt->errors++;
}

static const struct fuzz_snapshot *snapshot(void)
{
	static struct fuzz_snapshot snap;
	struct db *db;

	if (snap.data)
		return &snap;
	db = fuzz_tracker_seeded();
	fuzz_snapshot_take(db, &snap);
	db_close(db);
	return &snap;
}

/* Every data row of the accepted file has its target stored. */
static void check_rows(struct db *db, const uint8_t *data, size_t size)
{
	struct csv_options opt = {0};
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct plan_row row;
	sqlite3_stmt *st = NULL;
	struct error err;
	int first = 1;

	error_clear(&err);
	opt.name = "fuzz.csv";
	CHECK(db_prepare(db,
			 "SELECT t.value FROM target t JOIN indicator i ON i.id = t.indicator_id"
			 " JOIN orgunit o ON o.id = t.orgunit_id"
			 " WHERE i.year = ?1 AND i.code = ?2 AND o.code = ?3",
			 &st, &err) == 0);
	CHECK(csv_open_mem((const char *)data, size, &opt, &r, &err) == 0);
	while (csv_next(r, &rec, &err) == 0 && rec.n) {
		struct decimal stored;
		const char *v;

		if (first) {
			first = 0;
			continue;
		}
		if (rec.n == 1 && rec.len[0] == 0)
			continue;
		CHECK(plan_parse_row(&rec, "fuzz.csv", &row, &err) == 0);
		sqlite3_reset(st);
		sqlite3_bind_int(st, 1, row.year);
		sqlite3_bind_text(st, 2, row.indicator, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, row.orgunit, -1, SQLITE_TRANSIENT);
		CHECK(sqlite3_step(st) == SQLITE_ROW);
		v = (const char *)sqlite3_column_text(st, 0);
		CHECK(decimal_parse(v, strlen(v), &stored, &err) == 0);
		CHECK(decimal_cmp(stored, row.target) == 0);
	}
	CHECK(err.code == 0);
	sqlite3_finalize(st);
	csv_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan_import_opts po = {false};
	struct plan_import_stats st, st2;
	struct notes nt = {0, 0};
	struct buf before, after;
	struct error err;
	struct db *db;
	int rc;

	if (size > MAXIN)
		return 0;
	if (size > 0 && data[0] == 'M') {
		po.allow_mismatch = true;
		data++;
		size--;
	}
	db = fuzz_db_restore(snapshot());
	nt.lines = fuzz_lines(data, size);
	before = fuzz_dump(db, STATE_SQL);

	error_clear(&err);
	rc =
	    plan_import_mem(db, "fuzz.csv", (const char *)data, size, &po, &st, on_note, &nt, &err);
	CHECK(rc == 0 || rc == ERR_INPUT);
	after = fuzz_dump(db, STATE_SQL);
	if (rc) {
		fuzz_check_input_error(&err, nt.lines, 13);
		CHECK(fuzz_same(&before, &after));
		goto out;
	}
	CHECK(nt.errors == 0 && err.code == 0);
	buf_free(&before);
	check_rows(db, data, size);

	/* The same file again changes nothing. */
	rc = plan_import_mem(db, "fuzz.csv", (const char *)data, size, &po, &st2, on_note, &nt,
			     &err);
	CHECK(rc == 0 && st2.rows == st.rows && st2.targets == st.targets);
	before = fuzz_dump(db, STATE_SQL);
	CHECK(fuzz_same(&before, &after));
out:
	db_close(db);
	return 0;
}

/*
 * fuzz_orgunit.c - the org unit import (orgunit_import_file) run for real on
 * each input, against a fresh in-memory database that already holds a
 * province (41), a city (4101) and a county (410102), so rows may hang under
 * stored units or clash with them.
 *
 * Invariants (abort() when broken):
 *   - the import returns 0 or ERR_INPUT, nothing else;
 *   - every problem reported, and the returned error, is ERR_INPUT with a
 *     reason, a non-empty message free of control characters, a line inside
 *     the input and a column 0..4;
 *   - a refused file leaves the orgunit table byte for byte as it was;
 *   - an accepted file: added + existing = rows, the table grew by added,
 *     every data row reads back (orgunit_find) with its name, level and
 *     parent, every unit's level is its parent's plus one and its path its
 *     parent's path plus its code; importing the same file again is a
 *     no-op (nothing added, every row existing, table unchanged).
 */
#include <stdint.h>
#include <string.h>

#include "base/csv.h"
#include "base/error.h"
#include "db/db.h"
#include "tracker/orgunit.h"
#include "tracker/tracker.h"

#include "fuzz_db.h"

#define MAXIN (64 * 1024)

#define TABLE_SQL "SELECT id, code, name, level, parent_id, path FROM orgunit ORDER BY id"

/* Units whose level or path does not follow from their parent's. */
#define BAD_TREE_SQL                                                                               \
	"SELECT count(*) FROM orgunit u LEFT JOIN orgunit p ON p.id = u.parent_id"                 \
	" WHERE (p.id IS NULL AND (u.level <> 1 OR u.path <> '/' || u.code || '/'))"               \
	" OR (p.id IS NOT NULL AND (u.level <> p.level + 1"                                        \
	"     OR u.path <> p.path || u.code || '/'))"

struct notes {
	long lines;
	int n;
};

static void on_note(void *ctx, const struct error *e, bool warning)
{
	struct notes *nt = ctx;

	CHECK(!warning);
	fuzz_check_input_error(e, nt->lines, 4);
	nt->n++;
}

static const struct fuzz_snapshot *snapshot(void)
{
	static struct fuzz_snapshot snap;
	static const struct orgunit_row seed[] = {
	    {"41", "河南省", ORGUNIT_PROVINCE, NULL, 0},
	    {"4101", "郑州市", ORGUNIT_CITY, "41", 0},
	    {"410102", "中原区", ORGUNIT_COUNTY, "4101", 0},
	};
	struct error err;
	struct db *db = NULL;

	if (snap.data)
		return &snap;
	error_clear(&err);
	CHECK(db_open(":memory:", &db, &err) == 0);
	CHECK(tracker_migrate(db, &err) == 0);
	CHECK(orgunit_import_rows(db, "seed", seed, 3, false, NULL, NULL, NULL, &err) == 0);
	fuzz_snapshot_take(db, &snap);
	db_close(db);
	return &snap;
}

/* Every data row of the accepted file is stored as written. */
static void check_rows(struct db *db, const char *path, long rows)
{
	struct csv_options opt = {0};
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct orgunit_info u;
	struct error err;
	long n = 0;
	int first = 1;

	error_clear(&err);
	opt.name = path;
	CHECK(csv_open_file(path, &opt, &r, &err) == 0);
	while (csv_next(r, &rec, &err) == 0 && rec.n) {
		if (first) {
			first = 0;
			continue;
		}
		if (rec.n == 1 && rec.len[0] == 0)
			continue;
		CHECK(rec.n == 4);
		CHECK(orgunit_find(db, rec.field[0], &u, &err) == 0);
		CHECK(strcmp(u.code, rec.field[0]) == 0);
		CHECK(strcmp(u.name, rec.field[1]) == 0);
		CHECK(u.level == orgunit_level_parse(rec.field[2]));
		CHECK(strcmp(u.parent, rec.field[3]) == 0);
		n++;
	}
	CHECK(err.code == 0);
	CHECK(n == rows);
	csv_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct orgunit_import_stats st, st2;
	struct notes nt = {0, 0};
	struct buf before, after;
	const char *path;
	struct error err;
	struct db *db;
	int64_t count0;
	int rc;

	if (size > MAXIN)
		return 0;
	path = fuzz_file(data, size);
	nt.lines = fuzz_lines(data, size);
	db = fuzz_db_restore(snapshot());
	before = fuzz_dump(db, TABLE_SQL);
	count0 = fuzz_int(db, "SELECT count(*) FROM orgunit");

	error_clear(&err);
	rc = orgunit_import_file(db, path, NULL, &st, on_note, &nt, &err);
	CHECK(rc == 0 || rc == ERR_INPUT);
	after = fuzz_dump(db, TABLE_SQL);
	if (rc) {
		fuzz_check_input_error(&err, nt.lines, 4);
		CHECK(fuzz_same(&before, &after));
		goto out;
	}
	CHECK(nt.n == 0 && err.code == 0);
	CHECK(st.rows >= 0 && st.added >= 0 && st.existing >= 0);
	CHECK(st.added + st.existing == st.rows);
	CHECK(fuzz_int(db, "SELECT count(*) FROM orgunit") == count0 + st.added);
	CHECK(fuzz_int(db, BAD_TREE_SQL) == 0);
	check_rows(db, path, st.rows);
	buf_free(&before);
	before = after;

	/* The same file again changes nothing. */
	rc = orgunit_import_file(db, path, NULL, &st2, on_note, &nt, &err);
	CHECK(rc == 0);
	CHECK(st2.rows == st.rows && st2.added == 0 && st2.existing == st.rows);
	after = fuzz_dump(db, TABLE_SQL);
	CHECK(fuzz_same(&before, &after));
	db_close(db);
	return 0;
out:
	db_close(db);
	return 0;
}

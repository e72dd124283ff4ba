/*
 * fuzz_people.h - the body of the deaths and officials register harnesses
 * (fuzz_deaths.c, fuzz_officials.c): deaths_import or officials_import run
 * for real on each input, against a fresh in-memory copy of the seeded
 * subsidy database (fuzz_subsidy.h: three people with GL01 entitlements,
 * one of them dead and held, one an official).
 *
 * Invariants (abort() when broken):
 *   - the import returns 0 or ERR_INPUT;
 *   - every rejected row, and the returned error, is ERR_INPUT with a
 *     reason, a message free of control characters, a line inside the input
 *     and a column inside the row; sum.rejected counts the rejected rows:
 *     every error listed, but for the error that ended the reading
 *     (unterminated quote, input ending inside a character) when it
 *     belongs to a record that had its own error (csv_error_same_record:
 *     listed, not counted as a second row) - then it is the last one
 *     listed (its line may be before the record's other error: an open
 *     quote is reported where it opened);
 *   - a refused file leaves the death, official and entitlement tables
 *     byte for byte as they were;
 *   - an accepted file: every data row is stored under the keyed hash of
 *     its ID number (a 15-digit one converted), the stored ciphertext
 *     decrypts to that number, a death has the file's date, an official
 *     the file's village, role and name (a later list wins); added counts
 *     the new rows;
 *   - after a deaths import the holds agree with the register: no approved
 *     unpaid entitlement (not released by an operator) of a dead person
 *     for a period that began after the death, every death hold is for such
 *     a period and names the date, and no death hold is left for a person
 *     without a death record;
 *   - importing the same file again changes nothing.
 */
#ifndef MINSHENG_FUZZ_PEOPLE_H
#define MINSHENG_FUZZ_PEOPLE_H

#include <stdint.h>
#include <string.h>

#include "base/csv.h"
#include "base/error.h"
#include "base/period.h"
#include "subsidy/idcard.h"
#include "subsidy/people.h"
#include "subsidy/pii.h"

#include "fuzz_db.h"
#include "fuzz_subsidy.h"

#define PEOPLE_MAXIN (64 * 1024)

#define DEATH_SQL "SELECT id_hash, id_enc, death_day, file, line FROM death ORDER BY id_hash"
#define OFFICIAL_SQL                                                                               \
	"SELECT id, id_hash, id_enc, name, village_code, role FROM official ORDER BY id"
#define ENTITLEMENT_SQL "SELECT id, status, hold_reason FROM entitlement ORDER BY id"

struct people_rejects {
	long lines, maxcol;
	int64_t n;
	int ending; /* the last one listed ended the reading */
};

static void people_on_reject(void *ctx, const struct error *e)
{
	struct people_rejects *rj = ctx;

	fuzz_check_input_error(e, rj->lines, rj->maxcol);
	rj->n++;
	/* (in UTF-8 invalid_utf8, in GB18030 bad_encoding) */
	rj->ending = strcmp(e->reason, "unterminated_quote") == 0 ||
		     strstr(e->msg, "文件在字符中间结束") != NULL;
}

/* sum.rejected is what was listed, less a held-back ending error (see top). */
static void people_check_count(const struct people_rejects *rj, int64_t rejected)
{
	if (rejected == rj->n)
		return;
	CHECK(rejected == rj->n - 1 && rj->n >= 2 && rj->ending);
}

/* The 18-character number of an accepted row's ID field. */
static void people_id(const char *s, size_t len, char out[19])
{
	struct idcard id;
	char up[19];

	if (len == 15) {
		CHECK(idcard_upgrade15(s, len, date_today(), up) == IDCARD_OK);
		s = up;
		len = 18;
	}
	CHECK(idcard_parse(s, len, date_today(), &id) == IDCARD_OK);
	memcpy(out, id.number, 19);
}

/* Every data row of the accepted file is stored as written. */
static void people_check_rows(struct db *db, const struct pii_keys *keys, const char *path,
			      int kind, int64_t rows)
{
	struct csv_options opt = {0};
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct error err;
	sqlite3_stmt *st = NULL, *key = NULL;
	int64_t n = 0;
	int first = 1;

	error_clear(&err);
	opt.name = path;
	CHECK(csv_open_file(path, &opt, &r, &err) == 0);
	/* an accepted file has no row twice (a death by ID; an official by ID,
	 * village and role): the import must have refused a repeated one */
	CHECK(db_exec(db, "CREATE TEMP TABLE fuzz_key(k TEXT PRIMARY KEY)", &err) == 0);
	CHECK(db_prepare(db, "INSERT INTO temp.fuzz_key VALUES(?1 || '|' || ?2 || '|' || ?3)", &key,
			 &err) == 0);
	CHECK(db_prepare(db,
			 kind == 'D' ? "SELECT id_enc, death_day, '' FROM death WHERE id_hash = ?1"
				     : "SELECT id_enc, name, 0 FROM official WHERE id_hash = ?1"
				       " AND village_code = ?2 AND role = ?3",
			 &st, &err) == 0);
	while (csv_next(r, &rec, &err) == 0 && rec.n) {
		unsigned char hash[PII_HASHBYTES];
		char id[19], plain[PII_MAXPLAIN + 1];
		long len;

		if (first) {
			first = 0;
			continue;
		}
		CHECK(rec.n == (kind == 'D' ? 2u : 4u));
		people_id(rec.field[0], rec.len[0], id);
		pii_hash(keys, PII_ID, id, 18, hash);
		sqlite3_reset(st);
		sqlite3_bind_blob(st, 1, hash, PII_HASHBYTES, SQLITE_TRANSIENT);
		if (kind == 'O') {
			sqlite3_bind_text(st, 2, rec.field[2], -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 3, rec.field[3], -1, SQLITE_TRANSIENT);
		}
		CHECK(sqlite3_step(st) == SQLITE_ROW);
		sqlite3_bind_text(key, 1, id, 18, SQLITE_TRANSIENT);
		sqlite3_bind_text(key, 2, kind == 'O' ? rec.field[2] : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(key, 3, kind == 'O' ? rec.field[3] : "", -1, SQLITE_TRANSIENT);
		CHECK(sqlite3_step(key) == SQLITE_DONE);
		sqlite3_reset(key);
		len = pii_decrypt_in(keys, kind == 'D' ? PII_IN_DEATH : PII_IN_OFFICIAL, PII_ID,
				     sqlite3_column_blob(st, 0),
				     (size_t)sqlite3_column_bytes(st, 0), hash, hash, plain);
		CHECK(len == 18 && memcmp(plain, id, 18) == 0);
		if (kind == 'D') {
			struct date d;
			struct error de;

			CHECK(date_parse(rec.field[1], rec.len[1], &d, &de) == 0);
			CHECK(sqlite3_column_int64(st, 1) == date_to_days(d));
			CHECK(date_to_days(d) <= date_to_days(date_today()));
		} else {
			CHECK(rec.len[2] == 12 && strspn(rec.field[2], "0123456789") == 12);
			CHECK(rec.len[1] >= 1 && fuzz_clean_text(rec.field[1]));
			CHECK(rec.len[3] >= 1 && fuzz_clean_text(rec.field[3]));
			CHECK(strcmp((const char *)sqlite3_column_text(st, 1), rec.field[1]) == 0);
		}
		n++;
	}
	CHECK(err.code == 0);
	CHECK(n == rows);
	sqlite3_finalize(st);
	sqlite3_finalize(key);
	CHECK(db_exec(db, "DROP TABLE temp.fuzz_key", &err) == 0);
	csv_close(r);
}

/* Holds agree with the death register (see the top). */
static void people_check_holds(struct db *db)
{
	sqlite3_stmt *st = NULL;
	struct error err;

	error_clear(&err);
	CHECK(db_prepare(db,
			 "SELECT e.period, d.death_day, e.status, COALESCE(e.hold_reason, ''),"
			 " EXISTS(SELECT 1 FROM payment y WHERE y.entitlement_id = e.id"
			 "  AND y.status IN ('pending', 'paid'))"
			 " FROM entitlement e JOIN beneficiary b ON b.id = e.beneficiary_id"
			 " JOIN death d ON d.id_hash = b.id_hash",
			 &st, &err) == 0);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *ptext = (const char *)sqlite3_column_text(st, 0);
		int32_t death = (int32_t)sqlite3_column_int64(st, 1);
		const char *status = (const char *)sqlite3_column_text(st, 2);
		const char *reason = (const char *)sqlite3_column_text(st, 3);
		int live = sqlite3_column_int(st, 4);
		char want[64], date[16];
		struct period p;
		int32_t start;

		CHECK(period_parse(ptext, strlen(ptext), &p, NULL) == 0);
		start = period_start(&p);
		if (strcmp(status, "approved") == 0 && strncmp(reason, "released", 8) != 0 && !live)
			CHECK(death >= start);
		if (strcmp(status, "on_hold") == 0 && strncmp(reason, "death ", 6) == 0) {
			CHECK(death < start);
			date_format(date_from_days(death), date, sizeof(date));
			snprintf(want, sizeof(want), "death %s", date);
			CHECK(strcmp(reason, want) == 0);
		}
	}
	sqlite3_finalize(st);
	CHECK(fuzz_int(db,
		       "SELECT count(*) FROM entitlement e"
		       " JOIN beneficiary b ON b.id = e.beneficiary_id"
		       " WHERE e.status = 'on_hold' AND e.hold_reason LIKE 'death %'"
		       " AND NOT EXISTS(SELECT 1 FROM death d WHERE d.id_hash = b.id_hash)") == 0);
}

/* Run the import of kind 'D' (deaths) or 'O' (officials) on one input. */
static void people_fuzz_one(const uint8_t *data, size_t size, int kind)
{
	const char *table_sql = kind == 'D' ? DEATH_SQL : OFFICIAL_SQL;
	const char *count_sql =
	    kind == 'D' ? "SELECT count(*) FROM death" : "SELECT count(*) FROM official";
	struct people_rejects rj = {0, kind == 'D' ? 2 : 4, 0, 0};
	struct people_summary sum, sum2;
	struct buf t0, t1, e0, e1, o0, o1;
	struct pii_keys keys;
	const char *path;
	struct error err;
	struct db *db;
	int64_t count0;
	int rc;

	if (size > PEOPLE_MAXIN)
		return;
	db = fuzz_db_restore(fuzz_subsidy_snapshot(&keys));
	path = fuzz_file(data, size);
	rj.lines = fuzz_lines(data, size);
	t0 = fuzz_dump(db, table_sql);
	o0 = fuzz_dump(db, kind == 'D' ? OFFICIAL_SQL : DEATH_SQL);
	e0 = fuzz_dump(db, ENTITLEMENT_SQL);
	count0 = fuzz_int(db, count_sql);

	error_clear(&err);
	rc = kind == 'D'
		 ? deaths_import(db, &keys, path, NULL, people_on_reject, &rj, &sum, &err)
		 : officials_import(db, &keys, path, NULL, people_on_reject, &rj, &sum, &err);
	CHECK(rc == 0 || rc == ERR_INPUT);
	people_check_count(&rj, sum.rejected);
	t1 = fuzz_dump(db, table_sql);
	o1 = fuzz_dump(db, kind == 'D' ? OFFICIAL_SQL : DEATH_SQL);
	e1 = fuzz_dump(db, ENTITLEMENT_SQL);
	CHECK(fuzz_same(&o0, &o1)); /* the other register is never touched */
	if (rc) {
		fuzz_check_input_error(&err, rj.lines, rj.maxcol);
		CHECK(fuzz_same(&t0, &t1));
		CHECK(fuzz_same(&e0, &e1));
		goto out;
	}
	buf_free(&t0);
	buf_free(&e0);
	CHECK(rj.n == 0 && err.code == 0);
	CHECK(sum.added >= 0 && sum.updated >= 0 && sum.added + sum.updated <= sum.rows);
	CHECK(kind == 'D' || (sum.held == 0 && sum.lifted == 0));
	CHECK(fuzz_int(db, count_sql) == count0 + sum.added);
	people_check_rows(db, &keys, path, kind, sum.rows);
	people_check_holds(db);

	/* The same file again changes nothing. */
	rc = kind == 'D'
		 ? deaths_import(db, &keys, path, NULL, people_on_reject, &rj, &sum2, &err)
		 : officials_import(db, &keys, path, NULL, people_on_reject, &rj, &sum2, &err);
	CHECK(rc == 0);
	CHECK(sum2.rows == sum.rows && sum2.added == 0 && sum2.updated == 0 && sum2.held == 0 &&
	      sum2.lifted == 0);
	t0 = fuzz_dump(db, table_sql);
	e0 = fuzz_dump(db, ENTITLEMENT_SQL);
	CHECK(fuzz_same(&t0, &t1));
	CHECK(fuzz_same(&e0, &e1));
out:
	db_close(db);
}

#endif

/*
 * schema.c - the tracker's tables (migrations of module "tracker").
 *
 * Organisation units form a tree (path holds the codes from the root,
 * "/41/4101/410102/", so a subtree is a prefix). Plans are per year:
 * projects hold indicators; targets are per indicator and unit. Data
 * elements are global codes (an indicator's own code, or the numerator and
 * denominator codes of a formula rate). Decimals are stored as their exact
 * text; no REAL column exists anywhere.
 */
#include "tracker/tracker.h"

#include "db/db.h"

static const struct migration tracker_migrations[] = {
	{1,
	 "CREATE TABLE orgunit("
	 " id INTEGER PRIMARY KEY,"
	 " code TEXT NOT NULL UNIQUE,"
	 " name TEXT NOT NULL,"
	 " level INTEGER NOT NULL CHECK(level BETWEEN 1 AND 5)," /* 1 province .. 5 village */
	 " parent_id INTEGER REFERENCES orgunit(id),"
	 " path TEXT NOT NULL UNIQUE);"
	 "CREATE INDEX orgunit_parent ON orgunit(parent_id);"
	 "CREATE INDEX orgunit_level ON orgunit(level);"
	 "CREATE TABLE project("
	 " id INTEGER PRIMARY KEY,"
	 " year INTEGER NOT NULL,"
	 " project_no INTEGER NOT NULL,"
	 " title TEXT NOT NULL,"
	 " UNIQUE(year, project_no));"
	 "CREATE TABLE dataelement("
	 " id INTEGER PRIMARY KEY,"
	 " code TEXT NOT NULL UNIQUE);"
	 "CREATE TABLE indicator("
	 " id INTEGER PRIMARY KEY,"
	 " project_id INTEGER NOT NULL REFERENCES project(id),"
	 " year INTEGER NOT NULL,"
	 " code TEXT NOT NULL,"
	 " name TEXT NOT NULL,"
	 " unit TEXT NOT NULL,"
	 " kind TEXT NOT NULL CHECK(kind IN ('count','rate')),"
	 " comparator TEXT NOT NULL CHECK(comparator IN ('>=','<=','=')),"
	 " aggregation TEXT NOT NULL CHECK(aggregation IN ('sum','last')),"
	 " de_id INTEGER NOT NULL REFERENCES dataelement(id),"
	 " numerator_id INTEGER REFERENCES dataelement(id),"
	 " denominator_id INTEGER REFERENCES dataelement(id),"
	 " seq INTEGER NOT NULL," /* order within the plan file */
	 " UNIQUE(year, code));"
	 "CREATE TABLE target("
	 " indicator_id INTEGER NOT NULL REFERENCES indicator(id),"
	 " orgunit_id INTEGER NOT NULL REFERENCES orgunit(id),"
	 " value TEXT NOT NULL,"             /* exact decimal text */
	 " derived INTEGER NOT NULL DEFAULT 0," /* 1: derived from a published result */
	 " PRIMARY KEY(indicator_id, orgunit_id));"},
	/*
	 * Migration 2 (values.c): data values, their audit trail and the
	 * roll-up aggregates.
	 *
	 * datavalue holds one row per (data element, unit, year) with one
	 * column per period of the year that can carry a value: y (the year),
	 * s1..s2 (halves), q1..q4 (quarters), m1..m12 (months). Each is the
	 * exact decimal text as imported ("1.50" stays "1.50"), NULL when no
	 * value was reported. A village-level year is 21 million values but
	 * 1.8 million rows, which keeps the import fast and the file small.
	 * storedby, lastupdated, comment and followup of a value are kept in
	 * datavalue_meta, a row only for values that carry any of them.
	 *
	 * datavalue_rollup holds, per data element, unit (every strict
	 * ancestor of a unit with values, and every unit with both values and
	 * children) and year, the rolled-up figure of each period of the year
	 * (sum rule) and the "last" figure of each year-to-date window
	 * last1..last12, as integers in units of 10^-4 (value times 10^4), NULL
	 * = no data; see rollup.h and docs/report.md.
	 *
	 * The tables are WITHOUT ROWID (SQLite storage choice: the key is the
	 * row) and declare no foreign keys: the import resolves every code
	 * through the orgunit and dataelement tables before writing.
	 */
	{2,
	 "CREATE TABLE datavalue("
	 " de_id INTEGER NOT NULL,"
	 " orgunit_id INTEGER NOT NULL,"
	 " year INTEGER NOT NULL,"
	 " y TEXT, s1 TEXT, s2 TEXT,"
	 " q1 TEXT, q2 TEXT, q3 TEXT, q4 TEXT,"
	 " m1 TEXT, m2 TEXT, m3 TEXT, m4 TEXT, m5 TEXT, m6 TEXT,"
	 " m7 TEXT, m8 TEXT, m9 TEXT, m10 TEXT, m11 TEXT, m12 TEXT,"
	 " PRIMARY KEY(de_id, orgunit_id, year)) WITHOUT ROWID;"
	 "CREATE TABLE datavalue_meta("
	 " de_id INTEGER NOT NULL,"
	 " orgunit_id INTEGER NOT NULL,"
	 " period TEXT NOT NULL," /* canonical DHIS2 period */
	 " storedby TEXT,"
	 " lastupdated TEXT,"
	 " comment TEXT,"
	 " followup TEXT,"
	 " PRIMARY KEY(de_id, orgunit_id, period)) WITHOUT ROWID;"
	 "CREATE TABLE datavalue_audit("
	 " id INTEGER PRIMARY KEY,"
	 " de_id INTEGER NOT NULL,"
	 " orgunit_id INTEGER NOT NULL,"
	 " period TEXT NOT NULL,"
	 " old_value TEXT NOT NULL,"
	 " new_value TEXT NOT NULL,"
	 " who TEXT NOT NULL,"
	 " at TEXT NOT NULL);" /* UTC, 2026-11-28T23:05:00Z */
	 "CREATE INDEX datavalue_audit_key ON datavalue_audit(de_id, orgunit_id, period);"
	 "CREATE TABLE datavalue_rollup("
	 " de_id INTEGER NOT NULL,"
	 " orgunit_id INTEGER NOT NULL,"
	 " year INTEGER NOT NULL,"
	 " y INTEGER, s1 INTEGER, s2 INTEGER,"
	 " q1 INTEGER, q2 INTEGER, q3 INTEGER, q4 INTEGER,"
	 " m1 INTEGER, m2 INTEGER, m3 INTEGER, m4 INTEGER, m5 INTEGER, m6 INTEGER,"
	 " m7 INTEGER, m8 INTEGER, m9 INTEGER, m10 INTEGER, m11 INTEGER, m12 INTEGER,"
	 " last1 INTEGER, last2 INTEGER, last3 INTEGER, last4 INTEGER,"
	 " last5 INTEGER, last6 INTEGER, last7 INTEGER, last8 INTEGER,"
	 " last9 INTEGER, last10 INTEGER, last11 INTEGER, last12 INTEGER,"
	 " PRIMARY KEY(de_id, orgunit_id, year)) WITHOUT ROWID;"},
};

int tracker_migrate(struct db *db, struct error *err)
{
	return db_migrate(db, "tracker", tracker_migrations,
			  (int)(sizeof(tracker_migrations) /
				sizeof(tracker_migrations[0])),
			  err);
}

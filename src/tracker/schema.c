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
};

int tracker_migrate(struct db *db, struct error *err)
{
	return db_migrate(db, "tracker", tracker_migrations,
			  (int)(sizeof(tracker_migrations) /
				sizeof(tracker_migrations[0])),
			  err);
}

/* schema.c - the subsidy tables (migrations of module "subsidy"). */
#include "subsidy/subsidy.h"

#include "db/db.h"

static const struct migration subsidy_migrations[] = {
	{1, "CREATE TABLE subsidy_placeholder(id INTEGER PRIMARY KEY);"},
};

int subsidy_migrate(struct db *db, struct error *err)
{
	return db_migrate(db, "subsidy", subsidy_migrations,
			  (int)(sizeof(subsidy_migrations) /
				sizeof(subsidy_migrations[0])),
			  err);
}
